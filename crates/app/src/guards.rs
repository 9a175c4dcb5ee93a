//! Who may do what: the checks every feature's use cases start with.

use crate::{AppError, Result};
use qingdan_domain::{Role, User};
use qingdan_storage::TaskListItem;

/// The office (督查室: supervisors and admins) only.
pub(crate) fn require_supervisor(user: &User) -> Result<()> {
    if user.role.can_supervise() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Administrators only.
pub(crate) fn require_admin(user: &User) -> Result<()> {
    if user.role == Role::Admin { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Whether the user may read the task: the whole tenant's readers, or the
/// lead or a supporting org's people.
pub(crate) fn can_view_task(user: &User, task: &TaskListItem) -> bool {
    user.role.reads_whole_tenant() || task.task.responsibility.involves(user.org_id)
}
