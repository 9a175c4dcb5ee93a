//! Sign-in sessions. Only a hash of the token is stored, so a leaked
//! database does not hand out live sessions.

use crate::admin::users::{USER_COLUMNS, UserRow};
use crate::store::{in_tx, on_pool, on_writer};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::{TenantId, User, UserId};

impl Store {
    /// Stores a new session, used now, and ends the user's sessions but the
    /// `keep` most recently used, the new one always kept; returns how many
    /// ended. One transaction under the user's row (`FOR NO KEY UPDATE` on
    /// PostgreSQL): sign-ins of one user at the same moment take turns, so
    /// they leave exactly `keep` sessions, not more and not fewer.
    pub async fn open_session(
        &self,
        token_hash: &str,
        tenant: TenantId,
        user: UserId,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        keep: u32,
    ) -> Result<u64> {
        let ended = in_tx!(self, tx => {
            if !tx.is_serial() {
                sqlx::query("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE").bind(user.0).execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO sessions (token_hash, tenant_id, user_id, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(tenant.0)
            .bind(user.0)
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 AND token_hash NOT IN \
                 (SELECT token_hash FROM sessions WHERE user_id = $1 AND token_hash <> $2 \
                 ORDER BY last_seen_at DESC, token_hash LIMIT $3)",
            )
            .bind(user.0)
            .bind(token_hash)
            .bind(i64::from(keep.saturating_sub(1)))
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        Ok(ended)
    }

    /// Marks a session used at `now`, unless it was used since `fresh_after`
    /// (so an active session is written once a minute, not per request).
    pub async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>, fresh_after: DateTime<Utc>) -> Result<()> {
        on_writer!(self, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at <= $3")
                .bind(now).bind(token_hash).bind(fresh_after).execute(pool).await?.rows_affected()
        });
        Ok(())
    }

    /// The active user of a session neither expired at `now` nor idle since
    /// `idle_before`.
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle_before: DateTime<Utc>,
    ) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM sessions JOIN users ON users.id = sessions.user_id \
             WHERE sessions.token_hash = $1 AND sessions.expires_at > $2 AND users.is_active = $3 \
             AND users.tenant_id = sessions.tenant_id AND sessions.last_seen_at > $4"
        );
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(token_hash).bind(now).bind(true).bind(idle_before)
                .fetch_optional(pool).await?
        });
        Ok(row.map(UserRow::into_login).transpose()?.map(|l| l.user))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_writer!(self, pool => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Removes sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let done = on_writer!(self, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(pool).await?.rows_affected());
        Ok(done)
    }

    /// Records a failed sign-in under each key (the account, the source address).
    pub async fn record_sign_in_failure(&self, keys: &[String], at: DateTime<Utc>) -> Result<()> {
        in_tx!(self, tx => {
            for key in keys {
                sqlx::query("INSERT INTO sign_in_failures (key, failed_at) VALUES ($1, $2)")
                    .bind(key).bind(at).execute(&mut *tx).await?;
            }
        });
        Ok(())
    }

    /// How many failures `key` has had since `since`, and when the last one was.
    pub async fn sign_in_failures(&self, key: &str, since: DateTime<Utc>) -> Result<(i64, Option<DateTime<Utc>>)> {
        let rows: Vec<DateTime<Utc>> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT failed_at FROM sign_in_failures WHERE key = $1 AND failed_at > $2")
                .bind(key).bind(since).fetch_all(pool).await?
        });
        Ok((rows.len() as i64, rows.into_iter().max()))
    }

    /// Forgets the failures of `key` (its account signed in), and every
    /// failure older than `before` (no lock reaches back that far).
    pub async fn clear_sign_in_failures(&self, key: &str, before: DateTime<Utc>) -> Result<()> {
        on_writer!(self, pool => {
            sqlx::query("DELETE FROM sign_in_failures WHERE key = $1 OR failed_at <= $2")
                .bind(key).bind(before).execute(pool).await?.rows_affected()
        });
        Ok(())
    }
}

/// A key (`user:NAME` or `ip:ADDR`) with its failed sign-ins in the window.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FailureCount {
    pub key: String,
    pub failures: i64,
    pub last: DateTime<Utc>,
}

impl Store {
    /// The keys with at least `min` failures since `since`, most recent first.
    pub async fn failure_counts(&self, since: DateTime<Utc>, min: i64) -> Result<Vec<FailureCount>> {
        let mut out: Vec<FailureCount> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT key, COUNT(*) AS failures, MAX(failed_at) AS last FROM sign_in_failures \
                 WHERE failed_at > $1 GROUP BY key HAVING COUNT(*) >= $2",
            )
            .bind(since).bind(min).fetch_all(pool).await?
        });
        out.sort_by_key(|c| std::cmp::Reverse(c.last));
        Ok(out)
    }

    /// 解锁: forgets every failure of `key`, audited in `tenant`'s trail.
    pub async fn unlock_key(&self, tenant: qingdan_domain::TenantId, key: &str, actor: crate::Actor) -> Result<u64> {
        let removed = in_tx!(self, tx => {
            let removed = sqlx::query("DELETE FROM sign_in_failures WHERE key = $1").bind(key).execute(&mut *tx).await?.rows_affected();
            let after = serde_json::json!({"key": key, "failures_removed": removed});
            crate::audit::record!(tx, crate::audit::event(tenant, actor, "sign_in_lock", 0, "unlock", None, Some(after)));
            removed
        });
        Ok(removed)
    }

    /// A setting's JSON value, if an administrator set one.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(pool).await?
        }))
    }

    /// Sets a setting, audited in `tenant`'s trail with its value before and after.
    pub async fn set_setting(
        &self,
        tenant: qingdan_domain::TenantId,
        key: &str,
        value: &serde_json::Value,
        actor: crate::Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let before: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key).fetch_optional(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key).bind(value.to_string()).execute(&mut *tx).await?;
            let before = before.and_then(|b| serde_json::from_str(&b).ok());
            let after = serde_json::json!({"key": key, "value": value});
            crate::audit::record!(tx, crate::audit::event(tenant, actor, "setting", 0, "update", before.map(|b: serde_json::Value| serde_json::json!({"key": key, "value": b})), Some(after)));
        });
        Ok(())
    }
}
