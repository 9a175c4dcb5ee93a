//! The names a project's pages show beside its ids: the tenant's leaders, so
//! that every reader of a project sees who its 包联领导 is (only the office
//! may list users otherwise).

use crate::guards::require_business;
use crate::{App, Result};
use qingdan_domain::{Role, User, UserId};

impl App {
    /// The tenant's leaders as (id, name), for any business user: the
    /// 包联领导 a project page names and the leader a form may choose.
    pub async fn project_leaders(&self, user: &User) -> Result<Vec<(UserId, String)>> {
        require_business(user)?;
        let leaders = self.store.users_with_role(user.tenant_id, Role::Leader).await?;
        Ok(leaders.into_iter().map(|u| (u.id, u.display_name)).collect())
    }
}
