//! 审计事件 (audit events): written in the same transaction as the change they record.

use crate::store::{on_pool, on_writer};
use crate::{Actor, Result, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::{AuditEvent, ChainedEvent, HashAlg, Outcome, TenantId, UserId};
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
        source: actor.source.map(|ip| ip.to_string()),
        outcome: qingdan_domain::Outcome::Ok,
    }
}

/// Records an [`AuditEvent`] in the [`AuditedTx`](crate::store::AuditedTx)
/// `$tx`: it is written, chained, when the transaction commits.
macro_rules! record {
    ($tx:expr, $event:expr) => {{
        let mut e: qingdan_domain::AuditEvent = $event;
        e.at = qingdan_domain::AuditEvent::stored_at(e.at);
        $tx.events.push(e);
    }};
}
pub(crate) use record;

/// Writes the events recorded in `$tx` as the next links of the chain: takes
/// the chain's head (its row lock on PostgreSQL, held to the commit; SQLite's
/// writer already holds the database), numbers the events on from it, hashes
/// each after the one before, and inserts them, at most
/// [`EVENTS_PER_INSERT`] rows per statement. The head follows its newest
/// link by a trigger (migration 0029).
macro_rules! seal {
    ($tx:ident) => {
        if !$tx.events.is_empty() {
            let events = std::mem::take(&mut $tx.events);
            let head = if $tx.is_serial() {
                "SELECT seq, hash, alg FROM audit_chain WHERE id = 1"
            } else {
                "SELECT seq, hash, alg FROM audit_chain WHERE id = 1 FOR UPDATE"
            };
            let (mut seq, mut prev, alg): (i64, String, String) = sqlx::query_as(head).fetch_one(&mut *$tx).await?;
            let alg = qingdan_domain::HashAlg::from_code(&alg).unwrap_or_default();
            for chunk in events.chunks($crate::audit::EVENTS_PER_INSERT) {
                let mut query = sqlx::query(sqlx::AssertSqlSafe($crate::audit::insert_events_sql(chunk.len())));
                for e in chunk {
                    seq += 1;
                    let hash = qingdan_domain::audit::link_hash(alg, seq, &prev, e);
                    query = query
                        .bind(e.tenant_id.0)
                        .bind(e.user_id.map(|u| u.0))
                        .bind(e.at)
                        .bind(&e.entity)
                        .bind(e.entity_id)
                        .bind(&e.action)
                        .bind(&e.before)
                        .bind(&e.after)
                        .bind(&e.source)
                        .bind(e.outcome.code())
                        .bind(seq)
                        .bind(alg.code())
                        .bind(std::mem::replace(&mut prev, hash.clone()))
                        .bind(hash);
                }
                query.execute(&mut *$tx).await?;
            }
        }
    };
}
pub(crate) use seal;

/// Rows per INSERT when sealing: 14 parameters each stays far inside both
/// engines' limits on bound parameters.
pub(crate) const EVENTS_PER_INSERT: usize = 500;

/// An INSERT of `n` audit rows, 14 parameters per row in [`seal!`]'s order.
pub(crate) fn insert_events_sql(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|r| {
            let params: Vec<String> = (1..=14).map(|c| format!("${}", r * 14 + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO audit_events (tenant_id, user_id, at, entity, entity_id, action, before_json, \
         after_json, source, outcome, seq, hash_alg, prev_hash, hash) VALUES {}",
        rows.join(", ")
    )
}

/// Every column of an audit row, in this order.
const COLUMNS: &str = "id, tenant_id, user_id, at, entity, entity_id, action, before_json, after_json, source, \
                       outcome, seq, hash_alg, prev_hash, hash";

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    tenant_id: i64,
    user_id: Option<i64>,
    at: DateTime<Utc>,
    entity: String,
    entity_id: i64,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
    source: Option<String>,
    outcome: String,
    seq: Option<i64>,
    hash_alg: Option<String>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl AuditRow {
    fn event(&self) -> AuditEvent {
        AuditEvent {
            tenant_id: TenantId(self.tenant_id),
            user_id: self.user_id.map(UserId),
            at: self.at,
            entity: self.entity.clone(),
            entity_id: self.entity_id,
            action: self.action.clone(),
            before: self.before_json.clone(),
            after: self.after_json.clone(),
            source: self.source.clone(),
            // An outcome the code does not know is kept visible, never read as 成功.
            outcome: Outcome::from_code(&self.outcome).unwrap_or(Outcome::Refused),
        }
    }

    /// The row as a link of the chain; a row before the chain has `seq` 0 and no hashes.
    fn chained(self) -> ChainedEvent {
        let event = self.event();
        ChainedEvent {
            id: self.id,
            seq: self.seq.unwrap_or(0),
            // An unknown algorithm fails the check rather than being guessed.
            alg: self.hash_alg.as_deref().and_then(HashAlg::from_code).unwrap_or_default(),
            prev_hash: self.prev_hash.unwrap_or_default(),
            hash: self.hash.unwrap_or_default(),
            event,
        }
    }
}

/// What the audit administrator looks for. Every field narrows; none is all.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
    pub user: Option<UserId>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub outcome: Option<Outcome>,
    /// A prefix of the source address.
    pub source: Option<String>,
    /// Newest first, rows with a seq below this (keyset paging).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// The head of the chain: the last seq given out and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
    pub alg: HashAlg,
}

impl Store {
    /// Records an event that changes nothing else (a sign-in, a sign-out, a
    /// refused attempt, a download), in its own transaction.
    pub async fn record_event(&self, event: AuditEvent) -> Result<()> {
        crate::store::in_tx!(self, tx => {
            record!(tx, event);
        });
        Ok(())
    }

    /// The audit trail of one entity, oldest first.
    pub async fn audit_trail(&self, tenant: TenantId, entity: &str, id: i64) -> Result<Vec<AuditEvent>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE tenant_id = $1 AND entity = $2 AND entity_id = $3 ORDER BY id"
        );
        let rows: Vec<AuditRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(tenant.0).bind(entity).bind(id).fetch_all(pool).await?
        });
        Ok(rows.iter().map(AuditRow::event).collect())
    }

    /// How many changes the tenant's trail records: its events but the
    /// accesses (sign-ins and sign-outs, downloads, refused requests).
    pub async fn audit_count(&self, tenant: TenantId) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_events WHERE tenant_id = $1 AND entity NOT IN ('session', 'request')",
            )
            .bind(tenant.0).fetch_one(pool).await?
        }))
    }

    /// The tenant's events that match `q`, newest first.
    pub async fn audit_search(&self, tenant: TenantId, q: &AuditQuery) -> Result<Vec<ChainedEvent>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE tenant_id = $1 \
             AND ($2 IS NULL OR at >= $2) AND ($3 IS NULL OR at < $3) AND ($4 IS NULL OR user_id = $4) \
             AND ($5 IS NULL OR action = $5) AND ($6 IS NULL OR entity = $6) AND ($7 IS NULL OR outcome = $7) \
             AND ($8 IS NULL OR source LIKE $8 || '%') AND ($9 IS NULL OR COALESCE(seq, 0) < $9) \
             ORDER BY COALESCE(seq, 0) DESC, id DESC LIMIT $10"
        );
        let rows: Vec<AuditRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(q.from)
                .bind(q.until)
                .bind(q.user.map(|u| u.0))
                .bind(q.action.as_deref())
                .bind(q.entity.as_deref())
                .bind(q.outcome.map(Outcome::code))
                .bind(q.source.as_deref())
                .bind(q.before_seq)
                .bind(q.limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(AuditRow::chained).collect())
    }

    /// Up to `limit` links of the whole chain (every tenant) after `after_seq`, in order.
    pub async fn audit_chain_page(&self, after_seq: i64, limit: i64) -> Result<Vec<ChainedEvent>> {
        let sql = format!("SELECT {COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows: Vec<AuditRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(after_seq).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(AuditRow::chained).collect())
    }

    /// Rows with no place in the chain: `(written before it began, written after)`.
    /// A row after its start without a seq has been tampered with.
    pub async fn audit_unchained(&self) -> Result<(i64, Vec<i64>)> {
        let (before, after): (i64, Vec<i64>) = on_pool!(self, pool => {
            let first: Option<i64> =
                sqlx::query_scalar("SELECT MIN(id) FROM audit_events WHERE seq IS NOT NULL").fetch_one(pool).await?;
            let first = first.unwrap_or(i64::MAX);
            let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE seq IS NULL AND id < $1")
                .bind(first).fetch_one(pool).await?;
            let after: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM audit_events WHERE seq IS NULL AND id > $1 ORDER BY id LIMIT 100",
            ).bind(first).fetch_all(pool).await?;
            (before, after)
        });
        Ok((before, after))
    }

    /// The chain's head.
    pub async fn audit_chain_head(&self) -> Result<ChainHead> {
        let (seq, hash, alg): (i64, String, String) = on_pool!(self, pool => {
            sqlx::query_as("SELECT seq, hash, alg FROM audit_chain WHERE id = 1").fetch_one(pool).await?
        });
        Ok(ChainHead { seq, hash, alg: HashAlg::from_code(&alg).unwrap_or_default() })
    }

    /// Chains the events written from now on with `alg`.
    pub async fn set_audit_hash(&self, alg: HashAlg) -> Result<()> {
        on_writer!(self, pool => {
            sqlx::query("UPDATE audit_chain SET alg = $1 WHERE id = 1").bind(alg.code()).execute(pool).await?;
        });
        Ok(())
    }

    /// The oldest links of the chain, all written before `cutoff`: the rows an
    /// archive up to `cutoff` takes. Stops at the first row at or after it.
    pub async fn audit_archive_rows(&self, cutoff: DateTime<Utc>) -> Result<Vec<ChainedEvent>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE seq IS NOT NULL AND seq < \
             COALESCE((SELECT MIN(seq) FROM audit_events WHERE seq IS NOT NULL AND at >= $1), \
                      (SELECT seq + 1 FROM audit_chain WHERE id = 1)) ORDER BY seq"
        );
        let rows: Vec<AuditRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(cutoff).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(AuditRow::chained).collect())
    }

    /// Deletes the links up to `last` once they are safe in an archive file, and
    /// records in every tenant's trail that they were archived. Refuses when the
    /// row at `last.seq` no longer has `last.hash` (the archive would not join).
    /// On PostgreSQL this lifts the append-only trigger inside the transaction,
    /// which only the tables' owner may do.
    pub async fn delete_archived_audit(
        &self,
        last: &ChainedEvent,
        after: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        let deleted = crate::store::in_tx!(self, tx => {
            let hash: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_events WHERE seq = $1")
                .bind(last.seq).fetch_optional(&mut *tx).await?;
            if hash.as_deref() != Some(last.hash.as_str()) {
                return Err(crate::StorageError::Conflict(crate::Conflict::AuditChanged));
            }
            let pg = matches!(self, Store::Pg(_));
            if pg {
                sqlx::query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change").execute(&mut *tx).await?;
            }
            let deleted = sqlx::query("DELETE FROM audit_events WHERE seq <= $1").bind(last.seq).execute(&mut *tx).await?.rows_affected();
            if pg {
                sqlx::query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change").execute(&mut *tx).await?;
            }
            let tenants: Vec<i64> = sqlx::query_scalar("SELECT id FROM tenants ORDER BY id").fetch_all(&mut *tx).await?;
            for t in tenants {
                let actor = Actor { user_id: None, at, source: None };
                record!(tx, event(TenantId(t), actor, "audit", last.seq, "archive", None, Some(after.clone())));
            }
            deleted
        });
        Ok(deleted)
    }
}
