//! Who may do what: the checks every feature's use cases start with.

use crate::{AppError, Result};
use qingdan_domain::{Role, User};
use qingdan_storage::TaskListItem;

/// The office (督查室: supervisors) only.
pub(crate) fn require_supervisor(user: &User) -> Result<()> {
    if user.role.can_supervise() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Those who work the list: not the three administrators (三员分立).
pub(crate) fn require_business(user: &User) -> Result<()> {
    if user.role.is_administrator() { Err(AppError::Forbidden) } else { Ok(()) }
}

/// 系统管理员 only.
pub(crate) fn require_admin(user: &User) -> Result<()> {
    require_role(user, Role::Admin)
}

/// 安全管理员 only.
pub(crate) fn require_security_admin(user: &User) -> Result<()> {
    require_role(user, Role::SecurityAdmin)
}

/// 审计管理员 only.
pub(crate) fn require_audit_admin(user: &User) -> Result<()> {
    require_role(user, Role::AuditAdmin)
}

fn require_role(user: &User, role: Role) -> Result<()> {
    if user.role == role { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Whether the user may read the task: the whole tenant's readers, or the
/// lead or a supporting org's people.
pub(crate) fn can_view_task(user: &User, task: &TaskListItem) -> bool {
    user.role.reads_whole_tenant() || (!user.role.is_administrator() && task.task.responsibility.involves(user.org_id))
}
