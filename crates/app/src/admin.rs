//! 单位与人员 (orgs and users): only an admin manages them.

use crate::auth::{SessionToken, check_password, hash_password, is_one_of};
use crate::guards::{require_admin, require_security_admin};
use crate::{App, AppError, Result};
use qingdan_domain::password::{HISTORY, reused};
use qingdan_domain::{Invalid, Org, OrgId, OrgKind, Role, User, UserId};
use qingdan_storage::{NewOrg, NewUser, PasswordChange, UserChange, UserUpdated};

/// An org as typed into a form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct OrgInput {
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sort_order: Option<i64>,
}

/// What an admin changes of a user: name, role and org.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct UserEdit {
    pub display_name: String,
    pub role: String,
    pub org_id: i64,
}

/// A user as typed into a form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
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
        if let Some(orgs) = self.orgs.get(&user.tenant_id) {
            return Ok(orgs.as_ref().clone());
        }
        let orgs = self.store.orgs(user.tenant_id).await?;
        self.orgs.put(user.tenant_id, std::sync::Arc::new(orgs.clone()));
        Ok(orgs)
    }

    /// Forgets the cached org list of `tenant` after a change to its orgs.
    pub(crate) fn orgs_changed(&self, tenant: qingdan_domain::TenantId) {
        self.orgs.remove(&tenant);
    }

    /// One org of the user's tenant.
    pub async fn org(&self, user: &User, id: OrgId) -> Result<Org> {
        self.store.org(user.tenant_id, id).await?.ok_or(AppError::NotFound("单位"))
    }

    /// The tenant's users: for the administrators, and for supervisors who assign tasks.
    pub async fn users(&self, user: &User) -> Result<Vec<User>> {
        if !user.role.can_supervise() && !user.role.is_administrator() {
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
        let new = self.check_org(user, input, None).await?;
        let org = self.store.create_org(&new, self.actor(user)).await?;
        self.orgs_changed(user.tenant_id);
        Ok(org)
    }

    /// Renames an org or changes its kind, parent and order.
    pub async fn update_org(&self, admin: &User, id: OrgId, input: &OrgInput) -> Result<Org> {
        require_admin(admin)?;
        self.org(admin, id).await?;
        let change = self.check_org(admin, input, Some(id)).await?;
        let org = self.store.update_org(admin.tenant_id, id, &change, self.actor(admin)).await?;
        self.orgs_changed(admin.tenant_id);
        Ok(org)
    }

    /// Disables an org (its history stays; it takes no new people) or enables it.
    pub async fn set_org_active(&self, admin: &User, id: OrgId, active: bool) -> Result<()> {
        require_admin(admin)?;
        self.org(admin, id).await?;
        if !active && id == admin.org_id {
            return Err(AppError::Conflict("不能停用自己所在的单位".into()));
        }
        self.store.set_org_active(admin.tenant_id, id, active, self.actor(admin)).await?;
        self.orgs_changed(admin.tenant_id);
        Ok(())
    }

    /// Merges org `from` into `into`: people, tasks and 督办 matters move,
    /// `from` is disabled and keeps its history. Returns (users, tasks) moved.
    pub async fn merge_org(&self, admin: &User, from: OrgId, into: OrgId) -> Result<(u64, u64)> {
        require_admin(admin)?;
        self.org(admin, from).await?;
        let target = self.org(admin, into).await?;
        if from == into {
            return Err(AppError::field("into", "same", "不能合并到本单位"));
        }
        if !target.is_active {
            return Err(AppError::field("into", "disabled", format!("“{}”已停用，不能并入", target.name)));
        }
        let moved = self.store.merge_org(admin.tenant_id, from, into, self.actor(admin)).await?;
        self.sessions.clear();
        self.counts.clear();
        self.dashboards.clear();
        self.orgs_changed(admin.tenant_id);
        Ok(moved)
    }

    async fn check_org(&self, user: &User, input: &OrgInput, this: Option<OrgId>) -> Result<NewOrg> {
        let mut invalid = Invalid::new();
        let name = invalid.text("name", "单位名称", &input.name, 60);
        let kind = OrgKind::from_code(&input.kind);
        if kind.is_none() {
            invalid.add("kind", "unknown", "单位类型无效，应为 county、district、dev_zone、department 或 section");
        }
        let parent_id = match input.parent_id {
            Some(id) if Some(OrgId(id)) == this => {
                invalid.add("parent_id", "self", "上级单位不能是本单位");
                None
            }
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
        Ok(NewOrg {
            tenant_id: user.tenant_id,
            parent_id,
            name,
            kind: kind.unwrap_or(OrgKind::Department),
            sort_order: input.sort_order.unwrap_or(0),
        })
    }

    /// Creates an account with a business role (三员分立: the administrator
    /// roles are given by the security administrator).
    pub async fn create_user(&self, admin: &User, input: &UserInput) -> Result<User> {
        require_admin(admin)?;
        let new = self.check_new_user(admin.tenant_id, input).await?;
        if !Role::BUSINESS.contains(&new.role) {
            return Err(granted_by_security_admin());
        }
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
            invalid.add("role", "unknown", ROLE_UNKNOWN);
        }
        self.check_user_org(tenant, input.org_id, &mut invalid).await?;
        if let Err(AppError::Invalid(e)) = check_password(&input.password, &username) {
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

    /// Sets a user's password from the command line (the operator's own
    /// act: no change is forced at the next sign-in).
    pub async fn set_password(&self, username: &str, password: &str) -> Result<()> {
        let login = self.store.user_login(username).await?.ok_or(AppError::NotFound("用户"))?;
        check_password(password, username)?;
        self.store_password(&login.user, password, false, None, self.system_actor()).await
    }

    /// 重置密码: the security administrator gives a user a new password,
    /// which the user must change at the next sign-in; their sessions end.
    pub async fn reset_password(&self, admin: &User, id: UserId, password: &str) -> Result<()> {
        require_security_admin(admin)?;
        let user = self.user(admin, id).await?;
        check_password(password, &user.username)?;
        self.store_password(&user, password, true, None, self.actor(admin)).await
    }

    /// 修改密码: a user changes their own, giving the current one; it may not
    /// repeat the last ones. Their other sessions end; `session` stays.
    pub async fn change_own_password(
        &self,
        user: &User,
        session: &SessionToken,
        current: &str,
        new: &str,
    ) -> Result<()> {
        let login = self.store.user_login(&user.username).await?.ok_or(AppError::NotFound("用户"))?;
        if !is_one_of(current, vec![login.password_hash]).await {
            return Err(AppError::field("current_password", "wrong", "当前密码不正确"));
        }
        check_password(new, &user.username)?;
        // The last HISTORY passwords: the current one and those before it.
        let earlier = u32::try_from(HISTORY - 1).unwrap_or(0);
        let recent = self.store.recent_password_hashes(user.tenant_id, user.id, earlier).await?;
        if is_one_of(new, recent).await {
            return Err(reused().into());
        }
        self.store_password(user, new, false, Some(session), self.actor(user)).await
    }

    async fn store_password(
        &self,
        user: &User,
        password: &str,
        must_change: bool,
        keep: Option<&SessionToken>,
        actor: qingdan_storage::Actor,
    ) -> Result<()> {
        let hash = hash_password(password.to_owned()).await?;
        let keep = keep.map(SessionToken::hash);
        let change = PasswordChange {
            tenant: user.tenant_id,
            user: user.id,
            password_hash: &hash,
            must_change,
            keep_session: keep.as_deref(),
        };
        let changed = self.store.set_password(&change, actor).await;
        self.sessions.clear();
        Ok(changed?)
    }

    /// Changes a user's name and org. Their role is the security
    /// administrator's to change ([`App::set_user_role`]): a form that asks
    /// for another role is refused on that field. Moving them to another org
    /// clears them as 责任人 of the tasks whose lead org is not their new one
    /// (责任人须是牵头单位的人员; archived plans keep theirs); the answer
    /// names those tasks, for the office to name new owners.
    pub async fn update_user(&self, admin: &User, id: UserId, input: &UserEdit) -> Result<UserUpdated> {
        require_admin(admin)?;
        let current = self.user(admin, id).await?;
        let mut invalid = Invalid::new();
        let display_name = invalid.text("display_name", "姓名", &input.display_name, 32);
        match Role::from_code(&input.role) {
            None => invalid.add("role", "unknown", ROLE_UNKNOWN),
            Some(role) if role != current.role => invalid.add("role", "security_admin", GRANTED_BY_SECURITY_ADMIN),
            Some(_) => {}
        }
        self.check_user_org(admin.tenant_id, input.org_id, &mut invalid).await?;
        invalid.into_result()?;
        let change = UserChange { display_name, role: current.role, org_id: OrgId(input.org_id) };
        let updated = self.store.update_user(admin.tenant_id, id, &change, self.actor(admin)).await;
        self.sessions.clear();
        if updated.as_ref().is_ok_and(|u| !u.owner_cleared.is_empty()) {
            self.counts.clear();
            self.dashboards.clear();
        }
        Ok(updated?)
    }

    /// 角色: the security administrator gives a user another role, any of
    /// them; not their own (no one makes themselves another administrator).
    pub async fn set_user_role(&self, security: &User, id: UserId, role: Role) -> Result<User> {
        require_security_admin(security)?;
        let current = self.user(security, id).await?;
        if id == security.id {
            return Err(AppError::field("role", "own", "不能修改自己的角色"));
        }
        let change = UserChange { display_name: current.display_name, role, org_id: current.org_id };
        let user = self.store.update_user(security.tenant_id, id, &change, self.actor(security)).await;
        self.sessions.clear();
        Ok(user?.user)
    }

    /// A user's org must exist in the tenant and be active.
    async fn check_user_org(&self, tenant: qingdan_domain::TenantId, org: i64, invalid: &mut Invalid) -> Result<()> {
        match self.store.org(tenant, OrgId(org)).await? {
            None => invalid.add("org_id", "not_found", "所属单位不存在"),
            Some(org) if !org.is_active => invalid.add("org_id", "disabled", format!("“{}”已停用", org.name)),
            Some(_) => {}
        }
        Ok(())
    }

    /// Disables a user (their sessions end, they cannot sign in; their
    /// reports and history stay) or enables them again. Not oneself. Under
    /// 三员分立 the system administrator does this for business accounts and
    /// the security administrator for the three administrators' own, as
    /// they grant those roles: a system administrator who could disable the
    /// audit administrator could silence the audit.
    pub async fn set_user_active(&self, admin: &User, id: UserId, active: bool) -> Result<()> {
        let user = self.user(admin, id).await?;
        if !user.role.is_administrator() {
            require_admin(admin)?;
        } else if admin.role != Role::SecurityAdmin {
            return Err(AppError::Conflict(ADMINISTRATORS_BY_SECURITY_ADMIN.into()));
        }
        if id == admin.id && !active {
            return Err(AppError::Conflict("不能停用自己的账号".into()));
        }
        let done = self.store.set_user_active(admin.tenant_id, id, active, self.actor(admin)).await;
        self.sessions.clear();
        Ok(done?)
    }

    /// A user of the administrator's tenant, by id, for managing them (the
    /// system or the security administrator).
    pub async fn user(&self, admin: &User, id: UserId) -> Result<User> {
        if !matches!(admin.role, Role::Admin | Role::SecurityAdmin) {
            return Err(AppError::Forbidden);
        }
        self.store.user(admin.tenant_id, id).await?.ok_or(AppError::NotFound("用户"))
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

/// Why the system administrator may not disable or enable an administrator.
const ADMINISTRATORS_BY_SECURITY_ADMIN: &str =
    "系统管理员、安全管理员、审计管理员的账号由安全管理员停用或启用（三员分立）";

const ROLE_UNKNOWN: &str =
    "角色无效，应为 supervisor（督查员）、reporter（填报员）、leader（领导），或 admin、security_admin、audit_admin";
const GRANTED_BY_SECURITY_ADMIN: &str = "三员分立：角色由安全管理员设置，系统管理员只能授予督查员、填报员或领导";

fn granted_by_security_admin() -> AppError {
    AppError::field("role", "security_admin", GRANTED_BY_SECURITY_ADMIN)
}
