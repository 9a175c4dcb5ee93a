//! API tokens: per user, scoped, revocable; only the token's hash is kept.
//! Creating, revoking and using a token are in the audit trail.

use crate::audit::{event, record};
use crate::error::{Entity, StorageError};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::{TenantId, UserId};
use serde_json::json;

/// A token as its owner sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// `read`, `report` or `review`.
    pub scope: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The owner and scope of a live token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenOwner {
    pub id: i64,
    pub tenant_id: i64,
    pub user_id: i64,
    pub scope: String,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Store {
    pub async fn create_api_token(
        &self,
        tenant: TenantId,
        user: UserId,
        name: &str,
        scope: &str,
        token_hash: &str,
        actor: Actor,
    ) -> Result<i64> {
        in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_tokens (tenant_id, user_id, name, scope, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(tenant.0).bind(user.0).bind(name).bind(scope).bind(token_hash).bind(actor.at)
            .fetch_one(&mut *tx).await?;
            record!(tx, event(tenant, actor, "api_token", id, "create", None, Some(json!({"user_id": user, "name": name, "scope": scope}))));
            Ok(id)
        })
    }

    /// A user's tokens, newest first.
    pub async fn api_tokens(&self, tenant: TenantId, user: UserId) -> Result<Vec<ApiToken>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, scope, created_at, last_used_at, revoked_at FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 ORDER BY id DESC")
                .bind(tenant.0).bind(user.0).fetch_all(pool).await?
        }))
    }

    /// Revokes one of a user's tokens (another user's is not found).
    pub async fn revoke_api_token(&self, tenant: TenantId, user: UserId, id: i64, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            let changed = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND id = $4 AND revoked_at IS NULL")
                .bind(actor.at).bind(tenant.0).bind(user.0).bind(id).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StorageError::NotFound(Entity::Token));
            }
            record!(tx, event(tenant, actor, "api_token", id, "revoke", None, None));
        });
        Ok(())
    }

    /// The owner of a live (not revoked) token with this hash.
    pub async fn token_owner(&self, token_hash: &str) -> Result<Option<TokenOwner>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, tenant_id, user_id, scope, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(token_hash).fetch_optional(pool).await?
        }))
    }

    /// Records a use of a token (the request it served) in the trail.
    pub async fn record_token_use(&self, tenant: TenantId, id: i64, request: &str, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(actor.at).bind(id).execute(&mut *tx).await?;
            record!(tx, event(tenant, actor, "api_token", id, "use", None, Some(json!({"request": request}))));
        });
        Ok(())
    }
}
