//! 消息通道 (a tenant's notification channels) and the outbox (`notifications`).
//!
//! The outbox holds one row per (tenant, event key, channel). Enqueueing is
//! `INSERT … ON CONFLICT DO NOTHING`, so the same event enqueued twice — by a
//! second sweep, or after a restart — adds nothing: that key is the dedupe.
//! A row moves `queued → sending` when a worker claims it (one statement, so
//! two workers never claim the same row), then to `sent`, back to `queued`
//! with a later `next_attempt_at` when the receiver surely did not take it,
//! or to `failed`. A row still `sending` long after its claim belongs to a
//! worker that died mid-send: [`Store::expire_stale_notifications`] marks it
//! `failed` and it is never sent again (at most once).
//!
//! Channel changes write audit events (kind, name, enabled — never the
//! config, which holds secrets). Outbox rows are not audited: each row is
//! itself the record of one delivery (attempts, last error, sent at).

use crate::audit::{event, record};
use crate::error::{Entity, Unique};
use crate::store::{in_tx, on_pool, on_writer};
use crate::{Actor, Result, StorageError, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::{ChannelId, NotificationId, OutboxStatus, TenantId};
use serde_json::json;

/// A channel as stored: its settings are JSON the app reads (secrets included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationChannel {
    pub id: ChannelId,
    pub tenant_id: TenantId,
    pub kind: String,
    pub name: String,
    pub config_json: String,
    pub enabled: bool,
}

/// A channel to create, or the new values of one.
#[derive(Debug, Clone)]
pub struct NewChannel {
    pub kind: String,
    pub name: String,
    pub config_json: String,
    pub enabled: bool,
    /// Where it sends, `host:port` (no secret): recorded in the audit trail,
    /// so that an address changed to somewhere else shows.
    pub address: String,
}

/// One outbox row: a message for one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: NotificationId,
    pub tenant_id: TenantId,
    pub event_key: String,
    pub channel_id: ChannelId,
    pub title: String,
    pub body: String,
    /// Mobile numbers to @-mention, comma-separated.
    pub mentions: String,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: i64,
    tenant_id: i64,
    kind: String,
    name: String,
    config_json: String,
    enabled: bool,
}

impl ChannelRow {
    fn into_channel(self) -> NotificationChannel {
        NotificationChannel {
            id: ChannelId(self.id),
            tenant_id: TenantId(self.tenant_id),
            kind: self.kind,
            name: self.name,
            config_json: self.config_json,
            enabled: self.enabled,
        }
    }
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    tenant_id: i64,
    event_key: String,
    channel_id: i64,
    title: String,
    body: String,
    mentions: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    next_attempt_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

impl OutboxRow {
    fn into_item(self) -> Result<OutboxItem> {
        Ok(OutboxItem {
            id: NotificationId(self.id),
            tenant_id: TenantId(self.tenant_id),
            event_key: self.event_key,
            channel_id: ChannelId(self.channel_id),
            title: self.title,
            body: self.body,
            mentions: self.mentions,
            status: crate::rows::code("notifications", &self.status, OutboxStatus::from_code)?,
            attempts: self.attempts,
            last_error: self.last_error,
            created_at: self.created_at,
            next_attempt_at: self.next_attempt_at,
            sent_at: self.sent_at,
        })
    }
}

const CHANNEL_COLUMNS: &str = "id, tenant_id, kind, name, config_json, enabled";
const OUTBOX_COLUMNS: &str = "id, tenant_id, event_key, channel_id, title, body, mentions, status, attempts, \
                              last_error, created_at, next_attempt_at, sent_at";

fn audit_after(channel: &NewChannel) -> serde_json::Value {
    json!({"kind": channel.kind, "name": channel.name, "enabled": channel.enabled, "address": channel.address})
}

/// A message to queue for every enabled channel of a tenant, once per event.
#[derive(Debug, Clone, Copy)]
pub struct NewNotification<'a> {
    pub event_key: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// Mobile numbers to @-mention, comma-separated.
    pub mentions: &'a str,
}

impl Store {
    /// Creates a channel; a name already used in the tenant is a `Conflict`.
    pub async fn create_channel(&self, tenant: TenantId, new: &NewChannel, actor: Actor) -> Result<ChannelId> {
        let id: i64 = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO notification_channels (tenant_id, kind, name, config_json, enabled) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(tenant.0)
            .bind(&new.kind)
            .bind(&new.name)
            .bind(&new.config_json)
            .bind(new.enabled)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StorageError::unique_as_conflict(e, Unique::ChannelName))?;
            record!(tx, event(tenant, actor, "notification_channel", id, "create", None, Some(audit_after(new))));
            id
        });
        Ok(ChannelId(id))
    }

    /// Replaces a channel's kind, name, settings and switch.
    /// Changes a channel; `before_address` is where it sent until now (the
    /// app reads it from the stored settings), for the audit diff.
    pub async fn update_channel(
        &self,
        tenant: TenantId,
        id: ChannelId,
        new: &NewChannel,
        before_address: &str,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let before: Option<ChannelRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {CHANNEL_COLUMNS} FROM notification_channels WHERE tenant_id = $1 AND id = $2"
            )))
            .bind(tenant.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let before = before.ok_or(StorageError::NotFound(Entity::Channel))?;
            sqlx::query(
                "UPDATE notification_channels SET kind = $3, name = $4, config_json = $5, enabled = $6 \
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(&new.kind)
            .bind(&new.name)
            .bind(&new.config_json)
            .bind(new.enabled)
            .execute(&mut *tx)
            .await
            .map_err(|e| StorageError::unique_as_conflict(e, Unique::ChannelName))?;
            let before = json!({"kind": before.kind, "name": before.name, "enabled": before.enabled, "address": before_address});
            record!(tx, event(tenant, actor, "notification_channel", id.0, "update", Some(before), Some(audit_after(new))));
        });
        Ok(())
    }

    /// Turns a channel on or off.
    pub async fn set_channel_enabled(
        &self,
        tenant: TenantId,
        id: ChannelId,
        enabled: bool,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let changed = sqlx::query("UPDATE notification_channels SET enabled = $3 WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0)
                .bind(id.0)
                .bind(enabled)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(StorageError::NotFound(Entity::Channel));
            }
            let action = if enabled { "enable" } else { "disable" };
            record!(tx, event(tenant, actor, "notification_channel", id.0, action, None, Some(json!({"enabled": enabled}))));
        });
        Ok(())
    }

    /// The tenant's channels, oldest first.
    pub async fn channels(&self, tenant: TenantId) -> Result<Vec<NotificationChannel>> {
        let sql = format!("SELECT {CHANNEL_COLUMNS} FROM notification_channels WHERE tenant_id = $1 ORDER BY id");
        let rows: Vec<ChannelRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(ChannelRow::into_channel).collect())
    }

    pub async fn channel(&self, tenant: TenantId, id: ChannelId) -> Result<Option<NotificationChannel>> {
        let sql = format!("SELECT {CHANNEL_COLUMNS} FROM notification_channels WHERE tenant_id = $1 AND id = $2");
        let row: Option<ChannelRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        Ok(row.map(ChannelRow::into_channel))
    }

    /// Queues a message for every enabled channel of the tenant under
    /// `event_key`; returns how many rows were added. A (event, channel) pair
    /// already in the outbox, in any status, is left alone: enqueueing the
    /// same event again sends nothing more.
    pub async fn enqueue_notification(
        &self,
        tenant: TenantId,
        event_key: &str,
        title: &str,
        body: &str,
        mentions: &str,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        self.enqueue_notifications(tenant, &[NewNotification { event_key, title, body, mentions }], now).await
    }

    /// [`Store::enqueue_notification`] for many events, in one transaction.
    pub async fn enqueue_notifications(
        &self,
        tenant: TenantId,
        items: &[NewNotification<'_>],
        now: DateTime<Utc>,
    ) -> Result<u64> {
        // One statement per 500 events: the events as a VALUES list (both
        // engines name its columns column1…), crossed with the enabled channels.
        // SQLite needs the WHERE in INSERT … SELECT … ON CONFLICT (it would
        // read ON as a join's), which we have anyway.
        let mut added = 0;
        for chunk in items.chunks(500) {
            let values = (0..chunk.len())
                .map(|i| {
                    let n = 4 + 4 * i;
                    format!("(${n}, ${}, ${}, ${})", n + 1, n + 2, n + 3)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO notifications \
                 (tenant_id, event_key, channel_id, title, body, mentions, status, attempts, created_at, next_attempt_at) \
                 SELECT $1, v.column1, c.id, v.column2, v.column3, v.column4, 'queued', 0, $2, $2 \
                 FROM (VALUES {values}) v, notification_channels c \
                 WHERE c.tenant_id = $1 AND c.enabled = $3 \
                 ON CONFLICT (tenant_id, event_key, channel_id) DO NOTHING"
            );
            added += on_writer!(self, pool => {
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(now).bind(true);
                for item in chunk {
                    query = query.bind(item.event_key).bind(item.title).bind(item.body).bind(item.mentions);
                }
                query.execute(pool).await?.rows_affected()
            });
        }
        Ok(added)
    }

    /// Marks `failed` every row claimed before `cutoff` and still `sending`:
    /// its worker died mid-send, so whether the receiver has the message is
    /// unknown, and it is not sent again. Returns how many.
    pub async fn expire_stale_notifications(&self, cutoff: DateTime<Utc>, reason: &str) -> Result<u64> {
        let sql = "UPDATE notifications SET status = 'failed', last_error = $2 \
                   WHERE status = 'sending' AND claimed_at < $1";
        let done = in_tx!(self, tx => {
            sqlx::query(sql).bind(cutoff).bind(reason).execute(&mut *tx).await?.rows_affected()
        });
        Ok(done)
    }

    /// Claims up to `limit` queued rows (of every tenant) due at `now`: they
    /// become `sending`, their attempts go up by one, and no other worker can
    /// claim them. Oldest due first.
    pub async fn claim_due_notifications(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutboxItem>> {
        // The status test in the outer WHERE is what keeps two PostgreSQL
        // workers from claiming one row: the second one re-checks the row
        // after the first commits and finds it no longer queued.
        let sql = format!(
            "UPDATE notifications SET status = 'sending', claimed_at = $1, attempts = attempts + 1 \
             WHERE status = 'queued' AND id IN (SELECT id FROM notifications \
             WHERE status = 'queued' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2) \
             RETURNING {OUTBOX_COLUMNS}"
        );
        let rows: Vec<OutboxRow> = in_tx!(self, tx => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).bind(limit).fetch_all(&mut *tx).await?
        });
        let mut items = rows.into_iter().map(OutboxRow::into_item).collect::<Result<Vec<_>>>()?;
        items.sort_by_key(|i| (i.next_attempt_at, i.id));
        Ok(items)
    }

    /// Records that a claimed row reached its receiver.
    pub async fn mark_notification_sent(&self, tenant: TenantId, id: NotificationId, at: DateTime<Utc>) -> Result<()> {
        let sql = "UPDATE notifications SET status = 'sent', sent_at = $3, last_error = NULL \
                   WHERE tenant_id = $1 AND id = $2 AND status = 'sending'";
        in_tx!(self, tx => {
            sqlx::query(sql).bind(tenant.0).bind(id.0).bind(at).execute(&mut *tx).await?.rows_affected()
        });
        Ok(())
    }

    /// Records a failed send of a claimed row: queued again at `retry_at`, or
    /// `failed` for good when `retry_at` is `None`.
    pub async fn mark_notification_failed(
        &self,
        tenant: TenantId,
        id: NotificationId,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        in_tx!(self, tx => {
            match retry_at {
                Some(at) => sqlx::query(
                    "UPDATE notifications SET status = $3, last_error = $4, next_attempt_at = $5 \
                     WHERE tenant_id = $1 AND id = $2 AND status = 'sending'",
                )
                .bind(tenant.0)
                .bind(id.0)
                .bind(OutboxStatus::Queued.code())
                .bind(error)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                None => sqlx::query(
                    "UPDATE notifications SET status = $3, last_error = $4 \
                     WHERE tenant_id = $1 AND id = $2 AND status = 'sending'",
                )
                .bind(tenant.0)
                .bind(id.0)
                .bind(OutboxStatus::Failed.code())
                .bind(error)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            }
        });
        Ok(())
    }

    /// The tenant's most recent outbox rows, newest first.
    pub async fn notifications(&self, tenant: TenantId, limit: i64) -> Result<Vec<OutboxItem>> {
        let sql = format!("SELECT {OUTBOX_COLUMNS} FROM notifications WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2");
        let rows: Vec<OutboxRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(OutboxRow::into_item).collect()
    }
}
