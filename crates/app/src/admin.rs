//! 单位与人员 (orgs and users): only an admin manages them.

use crate::auth::{check_password, hash_password};
use crate::guards::require_admin;
use crate::{App, AppError, Result};
use qingdan_domain::{Invalid, Org, OrgId, OrgKind, Role, User, UserId};
use qingdan_storage::{NewOrg, NewUser};

/// An org as typed into a form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct OrgInput {
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sort_order: Option<i64>,
}

/// A user as typed into a form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: i64,
    pub password: String,
}

impl App {
    /// The tenant's orgs; every signed-in user may list them.
    pub async fn orgs(&self, user: &User) -> Result<Vec<Org>> {
        Ok(self.store.orgs(user.tenant_id).await?)
    }

    /// One org of the user's tenant.
    pub async fn org(&self, user: &User, id: OrgId) -> Result<Org> {
        self.store.org(user.tenant_id, id).await?.ok_or(AppError::NotFound("单位"))
    }

    /// The tenant's users: for admins, and for supervisors who assign tasks.
    pub async fn users(&self, user: &User) -> Result<Vec<User>> {
        if !user.role.can_supervise() {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.users(user.tenant_id).await?)
    }

    /// The tenant's leaders (领导), to choose a matter's responsible leader from.
    pub async fn leaders(&self, user: &User) -> Result<Vec<User>> {
        if !user.role.can_supervise() {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.users_with_role(user.tenant_id, Role::Leader).await?)
    }

    pub async fn create_org(&self, user: &User, input: &OrgInput) -> Result<Org> {
        require_admin(user)?;
        let mut invalid = Invalid::new();
        let name = invalid.text("name", "单位名称", &input.name, 60);
        let kind = OrgKind::from_code(&input.kind);
        if kind.is_none() {
            invalid.add("kind", "unknown", "单位类型无效，应为 county、district、dev_zone、department 或 section");
        }
        let parent_id = match input.parent_id {
            Some(id) => match self.store.org(user.tenant_id, OrgId(id)).await? {
                Some(org) => Some(org.id),
                None => {
                    invalid.add("parent_id", "not_found", "上级单位不存在");
                    None
                }
            },
            None => None,
        };
        invalid.into_result()?;
        let new = NewOrg {
            tenant_id: user.tenant_id,
            parent_id,
            name,
            kind: kind.unwrap_or(OrgKind::Department),
            sort_order: input.sort_order.unwrap_or(0),
        };
        Ok(self.store.create_org(&new, self.actor(user)).await?)
    }

    pub async fn create_user(&self, admin: &User, input: &UserInput) -> Result<User> {
        require_admin(admin)?;
        let new = self.check_new_user(admin.tenant_id, input).await?;
        self.insert_user(new, Some(admin)).await
    }

    /// Creates a user from the command line, without a signed-in admin.
    pub async fn create_user_unchecked(&self, tenant: qingdan_domain::TenantId, input: &UserInput) -> Result<User> {
        let new = self.check_new_user(tenant, input).await?;
        self.insert_user(new, None).await
    }

    async fn check_new_user(&self, tenant: qingdan_domain::TenantId, input: &UserInput) -> Result<NewUser> {
        let mut invalid = Invalid::new();
        let username = invalid.text("username", "用户名", &input.username, 32);
        if !username.is_empty()
            && !username.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            invalid.add("username", "bad_chars", "用户名只能包含字母、数字、下划线、点和横线");
        }
        let display_name = invalid.text("display_name", "姓名", &input.display_name, 32);
        let role = Role::from_code(&input.role);
        if role.is_none() {
            invalid.add("role", "unknown", "角色无效，应为 admin、supervisor、reporter 或 leader");
        }
        if self.store.org(tenant, OrgId(input.org_id)).await?.is_none() {
            invalid.add("org_id", "not_found", "所属单位不存在");
        }
        if let Err(AppError::Invalid(e)) = check_password(&input.password) {
            invalid.errors.extend(e.errors);
        }
        invalid.into_result()?;
        Ok(NewUser {
            tenant_id: tenant,
            org_id: OrgId(input.org_id),
            username,
            display_name,
            role: role.unwrap_or(Role::Reporter),
            password_hash: hash_password(input.password.clone()).await?,
        })
    }

    async fn insert_user(&self, new: NewUser, by: Option<&User>) -> Result<User> {
        let actor = by.map_or_else(|| self.system_actor(), |u| self.actor(u));
        Ok(self.store.create_user(&new, actor).await?)
    }

    /// Sets a user's password (an admin, or the command line when `by` is `None`).
    pub async fn set_password(&self, by: Option<&User>, username: &str, password: &str) -> Result<()> {
        if let Some(admin) = by {
            require_admin(admin)?;
        }
        check_password(password)?;
        let login = self.store.user_login(username).await?.ok_or(AppError::NotFound("用户"))?;
        if by.is_some_and(|admin| admin.tenant_id != login.user.tenant_id) {
            return Err(AppError::NotFound("用户"));
        }
        let hash = hash_password(password.to_owned()).await?;
        let actor = by.map_or_else(|| self.system_actor(), |u| self.actor(u));
        let changed = self.store.set_password(login.user.tenant_id, login.user.id, &hash, actor).await;
        self.sessions.clear();
        Ok(changed?)
    }

    /// A user of the same tenant, by id.
    pub async fn user(&self, viewer: &User, id: UserId) -> Result<User> {
        self.store.user(viewer.tenant_id, id).await?.ok_or(AppError::NotFound("用户"))
    }

    /// The first tenant and the org of that name in it, creating either if
    /// absent: for adding users from the command line.
    pub async fn ensure_tenant_org(&self, org_name: &str) -> Result<(qingdan_domain::TenantId, OrgId)> {
        let tenant = match self.store.tenant_ids().await?.first() {
            Some(t) => *t,
            None => self.store.create_tenant("默认政府").await?,
        };
        let name = org_name.trim();
        if name.is_empty() {
            return Err(AppError::field("org", "required", "所属单位不能为空"));
        }
        if let Some(org) = self.store.orgs(tenant).await?.into_iter().find(|o| o.name == name) {
            return Ok((tenant, org.id));
        }
        let new = NewOrg {
            tenant_id: tenant,
            parent_id: None,
            name: name.to_owned(),
            kind: OrgKind::Department,
            sort_order: 0,
        };
        Ok((tenant, self.store.create_org(&new, self.system_actor()).await?.id))
    }
}
