use crate::audit::{event, record};
use crate::error::Entity;
use crate::rows::code;
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, StorageError, Store};
use qingdan_domain::{OrgId, Role, TenantId, User, UserId};
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
    password_hash: String,
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
            },
            password_hash: self.password_hash,
        })
    }
}

pub(crate) const USER_COLUMNS: &str = "users.id, users.tenant_id, users.org_id, users.username, users.display_name, users.role, users.is_active, users.password_hash";

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

    /// Replaces a user's password hash and ends all their sessions.
    pub async fn set_password(&self, tenant: TenantId, id: UserId, password_hash: &str, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(password_hash)
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StorageError::NotFound(Entity::User));
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
            record!(tx, event(tenant, actor, "user", id.0, "set_password", None, None));
        });
        Ok(())
    }
}
