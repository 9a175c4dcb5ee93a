//! 角色 (role): what a user may do.
//!
//! 三员分立 (等保2.0): the system, security and audit administrators are three
//! roles, each with its own duties; none of them reads or works the list
//! (reviews, 督办, plans), and as a user has one role, no one holds two.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: orgs, users (with a business role), settings (calendar,
    /// 亮灯规则, 消息通道). Grants no role after creating the account.
    Admin,
    /// 安全管理员: password and session policy, locks, roles, password resets.
    /// Creates no user.
    SecurityAdmin,
    /// 审计管理员: reads and exports the audit trail, nothing else.
    AuditAdmin,
    /// 督查员: builds plans, assigns tasks, reviews reports, runs 督办.
    Supervisor,
    /// 填报员: reports on the tasks of their own org.
    Reporter,
    /// 领导: reads the whole tenant, writes nothing.
    Leader,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Admin, Role::SecurityAdmin, Role::AuditAdmin, Role::Supervisor, Role::Reporter, Role::Leader];

    /// The roles that work the list, which a system administrator may give.
    pub const BUSINESS: [Role; 3] = [Role::Supervisor, Role::Reporter, Role::Leader];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
            Role::Supervisor => "supervisor",
            Role::Reporter => "reporter",
            Role::Leader => "leader",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
            Role::Supervisor => "督查员",
            Role::Reporter => "填报员",
            Role::Leader => "领导",
        }
    }

    /// One of the three administrators (三员), who do not work the list.
    pub fn is_administrator(self) -> bool {
        matches!(self, Role::Admin | Role::SecurityAdmin | Role::AuditAdmin)
    }

    /// Sees every task of the tenant (a reporter sees only their org's; an
    /// administrator none).
    pub fn reads_whole_tenant(self) -> bool {
        matches!(self, Role::Supervisor | Role::Leader)
    }

    /// Builds plans, assigns tasks, reviews reports and runs 督办.
    pub fn can_supervise(self) -> bool {
        matches!(self, Role::Supervisor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_administrator_works_the_list_and_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
            if role.is_administrator() {
                assert!(!role.can_supervise() && !role.reads_whole_tenant(), "{role:?}");
                assert!(!Role::BUSINESS.contains(&role));
            }
        }
        assert_eq!(Role::ALL.iter().filter(|r| r.is_administrator()).count(), 3);
    }
}
