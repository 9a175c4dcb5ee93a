//! 角色 (role): what a user may do.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员: manages orgs and users, reads everything.
    Admin,
    /// 督查员: builds plans, assigns tasks, reviews reports.
    Supervisor,
    /// 填报员: reports on the tasks of their own org.
    Reporter,
    /// 领导: reads the whole tenant, writes nothing.
    Leader,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Supervisor, Role::Reporter, Role::Leader];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
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
            Role::Admin => "管理员",
            Role::Supervisor => "督查员",
            Role::Reporter => "填报员",
            Role::Leader => "领导",
        }
    }

    /// Sees every task of the tenant (a reporter sees only their org's).
    pub fn reads_whole_tenant(self) -> bool {
        !matches!(self, Role::Reporter)
    }

    /// Builds plans, assigns tasks and reviews reports.
    pub fn can_supervise(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }
}
