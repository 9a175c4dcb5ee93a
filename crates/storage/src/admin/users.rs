use crate::audit::{event, record};
use crate::error::Entity;
use crate::plans::tasks::task_in_tx;
use crate::rows::code;
use crate::store::{in_tx, lock_plans_of_tasks, on_pool, row_to_change};
use crate::{Actor, Result, StorageError, Store};
use qingdan_domain::{OrgId, PlanStatus, ResponsibilityFault, Role, TaskId, TenantId, User, UserId};
use serde_json::json;

/// A new user to create; the password arrives already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub tenant_id: TenantId,
    pub org_id: OrgId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// A user with the stored password hash, for signing in.
#[derive(Debug, Clone)]
pub struct UserLogin {
    pub user: User,
    pub password_hash: String,
    /// When the password was last set; `None` before its clock started.
    pub password_changed_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    tenant_id: i64,
    org_id: i64,
    username: String,
    display_name: String,
    role: String,
    is_active: bool,
    must_change_password: bool,
    password_hash: String,
    password_changed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl UserRow {
    pub(crate) fn into_login(self) -> Result<UserLogin> {
        Ok(UserLogin {
            user: User {
                id: UserId(self.id),
                tenant_id: TenantId(self.tenant_id),
                org_id: OrgId(self.org_id),
                username: self.username,
                display_name: self.display_name,
                role: code("users", &self.role, Role::from_code)?,
                is_active: self.is_active,
                must_change_password: self.must_change_password,
            },
            password_hash: self.password_hash,
            password_changed_at: self.password_changed_at,
        })
    }
}

pub(crate) const USER_COLUMNS: &str = "users.id, users.tenant_id, users.org_id, users.username, users.display_name, users.role, users.is_active, users.must_change_password, users.password_hash, users.password_changed_at";

/// Inserts one active user of tenant `$tenant` from a [`NewUser`] on `$tx`;
/// evaluates to the new id, a username already taken being a `Conflict`.
/// Shared by `create_user` and the user ledger import.
macro_rules! insert_user {
    ($tx:expr, $tenant:expr, $new:expr) => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (tenant_id, org_id, username, display_name, role, password_hash, is_active) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind($tenant.0)
        .bind($new.org_id.0)
        .bind(&$new.username)
        .bind(&$new.display_name)
        .bind($new.role.code())
        .bind(&$new.password_hash)
        .bind(true)
        .fetch_one(&mut *$tx)
        .await
        .map_err(|e| $crate::StorageError::unique_as_conflict(e, $crate::Unique::Username))
    };
}
pub(crate) use insert_user;

impl Store {
    /// Creates a user; a username already taken (in any tenant) is a `Conflict`.
    pub async fn create_user(&self, new: &NewUser, actor: Actor) -> Result<User> {
        let id: i64 = in_tx!(self, tx => {
            let id: i64 = insert_user!(tx, new.tenant_id, new)?;
            let after = json!({"username": new.username, "display_name": new.display_name, "role": new.role.code(), "org_id": new.org_id});
            record!(tx, event(new.tenant_id, actor, "user", id, "create", None, Some(after)));
            id
        });
        self.user(new.tenant_id, UserId(id)).await?.ok_or(StorageError::NotFound(Entity::User))
    }

    pub async fn user(&self, tenant: TenantId, id: UserId) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2");
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        Ok(row.map(UserRow::into_login).transpose()?.map(|l| l.user))
    }

    /// The user with this username, in any tenant, with the password hash.
    pub async fn user_login(&self, username: &str) -> Result<Option<UserLogin>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(pool).await?
        });
        row.map(UserRow::into_login).transpose()
    }

    /// The tenant's users, ordered by org then id.
    pub async fn users(&self, tenant: TenantId) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users JOIN orgs ON orgs.id = users.org_id \
             WHERE users.tenant_id = $1 ORDER BY orgs.sort_order, users.id"
        );
        let rows: Vec<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        rows.into_iter().map(|r| r.into_login().map(|l| l.user)).collect()
    }

    /// The tenant's users of one role, in org order.
    pub async fn users_with_role(&self, tenant: TenantId, role: qingdan_domain::Role) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users JOIN orgs ON orgs.id = users.org_id \
             WHERE users.tenant_id = $1 AND users.role = $2 ORDER BY orgs.sort_order, users.id"
        );
        let rows: Vec<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(role.code()).fetch_all(pool).await?
        });
        rows.into_iter().map(|r| r.into_login().map(|l| l.user)).collect()
    }

    /// Replaces a user's password hash, keeps the old one in the history,
    /// and ends their sessions but `keep` (the session that changed its own
    /// password). `must_change` makes the user change it at the next step.
    pub async fn set_password(&self, change: &PasswordChange<'_>, actor: Actor) -> Result<()> {
        let PasswordChange { tenant, user: id, password_hash, must_change, keep_session } = *change;
        in_tx!(self, tx => {
            let old: Option<String> =
                sqlx::query_scalar("SELECT password_hash FROM users WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0)
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(old) = old else { return Err(StorageError::NotFound(Entity::User)) };
            sqlx::query("INSERT INTO password_history (user_id, password_hash, set_at) VALUES ($1, $2, $3)")
                .bind(id.0)
                .bind(&old)
                .bind(actor.at)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $5 \
                 WHERE tenant_id = $3 AND id = $4",
            )
                .bind(password_hash)
                .bind(must_change)
                .bind(tenant.0)
                .bind(id.0)
                .bind(actor.at)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(id.0)
                .bind(keep_session.unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            let action = if must_change { "reset_password" } else { "set_password" };
            record!(tx, event(tenant, actor, "user", id.0, action, None, None));
        });
        Ok(())
    }

    /// The hashes of a user's current and last `count` earlier passwords.
    pub async fn recent_password_hashes(&self, tenant: TenantId, id: UserId, count: u32) -> Result<Vec<String>> {
        let (current, earlier): (Option<String>, Vec<String>) = on_pool!(self, pool => {
            let current = sqlx::query_scalar("SELECT password_hash FROM users WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(id.0).fetch_optional(pool).await?;
            let earlier = sqlx::query_scalar(
                "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(id.0).bind(i64::from(count)).fetch_all(pool).await?;
            (current, earlier)
        });
        Ok(current.into_iter().chain(earlier).collect())
    }

    /// The password's age under `password_max_days`: starts the clock of a
    /// password that has none, at `now`; or, when it was set before
    /// `expired_before`, makes the user change it. Returns whether they must.
    pub async fn check_password_age(
        &self,
        user: UserId,
        changed_at: Option<chrono::DateTime<chrono::Utc>>,
        now: chrono::DateTime<chrono::Utc>,
        expired_before: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        let expired = changed_at.is_some_and(|at| at < expired_before);
        if changed_at.is_none() {
            crate::store::on_writer!(self, pool => {
                sqlx::query("UPDATE users SET password_changed_at = $1 WHERE id = $2")
                    .bind(now).bind(user.0).execute(pool).await?.rows_affected()
            });
        } else if expired {
            crate::store::on_writer!(self, pool => {
                sqlx::query("UPDATE users SET must_change_password = $1 WHERE id = $2")
                    .bind(true).bind(user.0).execute(pool).await?.rows_affected()
            });
        }
        Ok(expired)
    }

    /// Changes a user's name, role and org (audited with before and after).
    pub async fn update_user(
        &self,
        tenant: TenantId,
        id: UserId,
        change: &UserChange,
        actor: Actor,
    ) -> Result<UserUpdated> {
        let owner_cleared = in_tx!(self, tx => {
            let before: Option<(String, String, i64)> =
                row_to_change!(tx, "SELECT display_name, role, org_id FROM users WHERE tenant_id = $1 AND id = $2", tenant.0, id.0);
            let (display_name, role, org_id) = before.ok_or(StorageError::NotFound(Entity::User))?;
            sqlx::query("UPDATE users SET display_name = $1, role = $2, org_id = $3 WHERE tenant_id = $4 AND id = $5")
                .bind(&change.display_name)
                .bind(change.role.code())
                .bind(change.org_id.0)
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            let old = json!({"display_name": display_name, "role": role, "org_id": org_id});
            let new = json!({"display_name": change.display_name, "role": change.role.code(), "org_id": change.org_id});
            record!(tx, event(tenant, actor, "user", id.0, "update", Some(old), Some(new)));
            let mut cleared = Vec::new();
            if org_id != change.org_id.0 {
                // Moved to another org: the tasks they own whose lead org is not
                // their new one break 责任人须是牵头单位的人员, and lose them as
                // owner (not in archived plans, which take no change).
                let owned: Vec<i64> = sqlx::query_scalar(
                    "SELECT tasks.id FROM tasks JOIN plans ON plans.id = tasks.plan_id \
                     WHERE tasks.tenant_id = $1 AND tasks.owner_id = $2 AND plans.status <> $3 ORDER BY tasks.id",
                )
                .bind(tenant.0).bind(id.0).bind(PlanStatus::Archived.code()).fetch_all(&mut *tx).await?;
                lock_plans_of_tasks!(tx, tenant, owned.iter().copied());
                for task in owned {
                    let item = task_in_tx!(tx, tenant, TaskId(task));
                    let r = &item.task.responsibility;
                    if r.owner_id != Some(id) || !r.faults(Some(change.org_id)).contains(&ResponsibilityFault::OwnerOutsideLeadOrg) {
                        continue;
                    }
                    sqlx::query("UPDATE tasks SET owner_id = NULL WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant.0).bind(task).execute(&mut *tx).await?;
                    let before = json!(r);
                    let after = json!({"owner_id": null, "owner_moved_to_org": change.org_id});
                    record!(tx, event(tenant, actor, "task", task, "set_responsibility", Some(before), Some(after)));
                    cleared.push((TaskId(task), format!("{} {}", item.task.number, item.task.title).trim().to_owned()));
                }
            }
            cleared
        });
        let user = self.user(tenant, id).await?.ok_or(StorageError::NotFound(Entity::User))?;
        Ok(UserUpdated { user, owner_cleared })
    }

    /// Disables a user (ending their sessions) or enables them again.
    pub async fn set_user_active(&self, tenant: TenantId, id: UserId, active: bool, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            let done = sqlx::query("UPDATE users SET is_active = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(active)
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StorageError::NotFound(Entity::User));
            }
            if !active {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
            }
            let action = if active { "enable" } else { "disable" };
            record!(tx, event(tenant, actor, "user", id.0, action, None, None));
        });
        Ok(())
    }
}

/// A new password hash for a user; see [`Store::set_password`].
#[derive(Debug, Clone, Copy)]
pub struct PasswordChange<'a> {
    pub tenant: TenantId,
    pub user: UserId,
    pub password_hash: &'a str,
    pub must_change: bool,
    /// The hash of the session token to keep signed in.
    pub keep_session: Option<&'a str>,
}

/// A user as changed, and the tasks ("number title") whose owner they were
/// and no longer are, having moved out of the task's lead org.
#[derive(Debug, Clone)]
pub struct UserUpdated {
    pub user: User,
    pub owner_cleared: Vec<(TaskId, String)>,
}

/// What an admin may change of a user.
#[derive(Debug, Clone)]
pub struct UserChange {
    pub display_name: String,
    pub role: Role,
    pub org_id: OrgId,
}
