//! 站内消息 (the in-app inbox): one row per person and event, read or not.
//! Delivery is `INSERT … SELECT … ON CONFLICT DO NOTHING` over the people an
//! [`Audience`] names, so the same event delivered twice adds nothing.

use crate::store::{on_pool, on_writer};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::{OrgId, TenantId, UserId};

/// Whom a notice concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The active people of an org (its business roles).
    Org(OrgId),
    /// The office: every active 督查员.
    Office,
    /// Every active 领导.
    Leaders,
    /// One person.
    User(UserId),
}

/// A notice to put in the inboxes of its audience.
#[derive(Debug, Clone)]
pub struct InboxNotice<'a> {
    pub event_key: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// Where the notice's matter is, e.g. `/tasks/12/report`.
    pub link: Option<&'a str>,
    pub to: &'a [Audience],
}

/// One message as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InboxMessage {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

const INSERT: &str = "INSERT INTO inbox (tenant_id, user_id, event_key, title, body, link, created_at) \
                      SELECT $1, u.id, $2, $3, $4, $5, $6 FROM users u \
                      WHERE u.tenant_id = $1 AND u.is_active = $7 AND u.role IN ('supervisor', 'reporter', 'leader') \
                      AND ";

impl Store {
    /// Puts each notice in the inbox of every person of its audience, once
    /// per person and event; returns how many messages were added.
    pub async fn deliver_to_inbox(
        &self,
        tenant: TenantId,
        notices: &[InboxNotice<'_>],
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut added = 0;
        for notice in notices {
            for audience in notice.to {
                let (condition, value) = match audience {
                    Audience::Org(org) => ("u.org_id = $8", org.0),
                    Audience::User(user) => ("u.id = $8", user.0),
                    Audience::Office => ("u.role = 'supervisor' AND $8 = $8", 0),
                    Audience::Leaders => ("u.role = 'leader' AND $8 = $8", 0),
                };
                let sql = format!("{INSERT}{condition} ON CONFLICT (tenant_id, user_id, event_key) DO NOTHING");
                added += on_writer!(self, pool => {
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(tenant.0)
                        .bind(notice.event_key)
                        .bind(notice.title)
                        .bind(notice.body)
                        .bind(notice.link)
                        .bind(now)
                        .bind(true)
                        .bind(value)
                        .execute(pool)
                        .await?
                        .rows_affected()
                });
            }
        }
        Ok(added)
    }

    /// A person's messages, newest first: `unread_only` keeps the unread.
    pub async fn inbox(
        &self,
        tenant: TenantId,
        user: UserId,
        unread_only: bool,
        limit: i64,
    ) -> Result<Vec<InboxMessage>> {
        let sql = "SELECT id, title, body, link, created_at, read_at FROM inbox \
                   WHERE tenant_id = $1 AND user_id = $2 AND ($3 = $4 OR read_at IS NULL) ORDER BY id DESC LIMIT $5";
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql).bind(tenant.0).bind(user.0).bind(unread_only).bind(false).bind(limit).fetch_all(pool).await?
        }))
    }

    /// How many unread messages a person has.
    pub async fn unread_count(&self, tenant: TenantId, user: UserId) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL")
                .bind(tenant.0).bind(user.0).fetch_one(pool).await?
        }))
    }

    /// Marks a person's message read (`Some(id)`) or all of them (`None`);
    /// another person's message is not touched. Returns how many changed.
    pub async fn mark_read(&self, tenant: TenantId, user: UserId, id: Option<i64>, at: DateTime<Utc>) -> Result<u64> {
        let sql = "UPDATE inbox SET read_at = $1 WHERE tenant_id = $2 AND user_id = $3 AND read_at IS NULL \
                   AND ($4 IS NULL OR id = $4)";
        Ok(on_writer!(self, pool => {
            sqlx::query(sql).bind(at).bind(tenant.0).bind(user.0).bind(id).execute(pool).await?.rows_affected()
        }))
    }
}
