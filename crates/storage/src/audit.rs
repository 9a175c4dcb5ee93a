//! 审计事件 (audit events): written in the same transaction as the change they record.

use crate::store::on_pool;
use crate::{Actor, Result, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::{AuditEvent, TenantId, UserId};
use serde_json::Value;

/// Builds the event for `entity`/`id` changed by `actor`.
pub(crate) fn event(
    tenant: TenantId,
    actor: Actor,
    entity: &str,
    id: i64,
    action: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditEvent {
    AuditEvent {
        tenant_id: tenant,
        user_id: actor.user_id,
        at: actor.at,
        entity: entity.to_owned(),
        entity_id: id,
        action: action.to_owned(),
        before: before.map(|v| v.to_string()),
        after: after.map(|v| v.to_string()),
    }
}

/// Inserts an [`AuditEvent`] on the transaction `$tx`.
macro_rules! record {
    ($tx:expr, $event:expr) => {{
        let e: qingdan_domain::AuditEvent = $event;
        sqlx::query(
            "INSERT INTO audit_events (tenant_id, user_id, at, entity, entity_id, action, before_json, after_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.tenant_id.0)
        .bind(e.user_id.map(|u| u.0))
        .bind(e.at)
        .bind(e.entity)
        .bind(e.entity_id)
        .bind(e.action)
        .bind(e.before)
        .bind(e.after)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use record;

#[derive(sqlx::FromRow)]
struct AuditRow {
    user_id: Option<i64>,
    at: DateTime<Utc>,
    entity: String,
    entity_id: i64,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl Store {
    /// Records an event that changes nothing else (a sign-in, a sign-out, a
    /// refused sign-in), in its own transaction.
    pub async fn record_event(&self, event: AuditEvent) -> Result<()> {
        crate::store::in_tx!(self, tx => {
            record!(tx, event);
        });
        Ok(())
    }

    /// The audit trail of one entity, oldest first.
    pub async fn audit_trail(&self, tenant: TenantId, entity: &str, id: i64) -> Result<Vec<AuditEvent>> {
        let sql = "SELECT user_id, at, entity, entity_id, action, before_json, after_json FROM audit_events \
                   WHERE tenant_id = $1 AND entity = $2 AND entity_id = $3 ORDER BY id";
        let rows: Vec<AuditRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(tenant.0).bind(entity).bind(id).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|r| AuditEvent {
                tenant_id: tenant,
                user_id: r.user_id.map(UserId),
                at: r.at,
                entity: r.entity,
                entity_id: r.entity_id,
                action: r.action,
                before: r.before_json,
                after: r.after_json,
            })
            .collect())
    }

    /// How many audit events the tenant has.
    pub async fn audit_count(&self, tenant: TenantId) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE tenant_id = $1").bind(tenant.0).fetch_one(pool).await?
        }))
    }
}
