//! 调度会 (dispatch meetings): numbered per tenant, the agenda kept as it was
//! generated, and the 议定事项 (decisions) with their 督办 matters.

use super::{PROJECT_COLUMNS, ProjectRow, ProjectScope};
use crate::audit::{event, record};
use crate::error::{Entity, StorageError};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::project::KeyProject;
use qingdan_domain::{DecisionId, MeetingId, OrgId, ProjectId, TenantId};
use serde_json::json;

/// A meeting as the office calls it.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub title: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub chair: String,
    pub attendees: String,
    pub summary: String,
    /// The agenda as generated, JSON.
    pub agenda: String,
}

/// A stored meeting.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Meeting {
    pub id: i64,
    /// 第N次: 1 for a tenant's first meeting.
    pub number: i64,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub chair: String,
    pub attendees: String,
    pub summary: String,
    pub agenda: String,
    pub created_at: DateTime<Utc>,
}

/// A decision as recorded.
#[derive(Debug, Clone)]
pub struct NewDecision {
    pub project_id: Option<ProjectId>,
    pub content: String,
    pub lead_org_id: OrgId,
    pub deadline: NaiveDate,
}

/// A decision with the names it needs and the state of its 督办 matter.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Decision {
    pub id: i64,
    pub meeting_id: i64,
    /// The meeting's 第N次.
    pub meeting_number: i64,
    pub project_id: Option<i64>,
    pub project_name: Option<String>,
    pub content: String,
    pub lead_org_id: i64,
    pub lead_org_name: String,
    pub deadline: NaiveDate,
    pub assignment_id: Option<i64>,
    /// The matter's status code, when it is one.
    pub assignment_status: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

impl Decision {
    pub fn id(&self) -> DecisionId {
        DecisionId(self.id)
    }
}

const MEETING_COLUMNS: &str =
    "id, number, title, held_on, place, chair, attendees, summary, agenda, created_at FROM dispatch_meetings";

const DECISIONS: &str = "SELECT d.id, d.meeting_id, m.number AS meeting_number, d.project_id, p.name AS project_name, \
    d.content, d.lead_org_id, o.name AS lead_org_name, d.deadline, d.assignment_id, a.status AS assignment_status, \
    a.closed_on FROM dispatch_decisions d JOIN dispatch_meetings m ON m.id = d.meeting_id \
    JOIN orgs o ON o.id = d.lead_org_id \
    LEFT JOIN projects p ON p.id = d.project_id LEFT JOIN assignments a ON a.id = d.assignment_id";

impl Store {
    /// Calls a meeting: the next number of the tenant, taken in the transaction.
    pub async fn create_meeting(&self, tenant: TenantId, new: &NewMeeting, actor: Actor) -> Result<MeetingId> {
        let id = in_tx!(self, tx => {
            // The tenant's row is the lock that makes two meetings called at once take different numbers.
            sqlx::query("UPDATE tenants SET name = name WHERE id = $1").bind(tenant.0).execute(&mut *tx).await?;
            let number: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM dispatch_meetings WHERE tenant_id = $1")
                .bind(tenant.0).fetch_one(&mut *tx).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dispatch_meetings (tenant_id, number, title, held_on, place, chair, attendees, summary, \
                 agenda, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(tenant.0)
            .bind(number)
            .bind(&new.title)
            .bind(new.held_on)
            .bind(&new.place)
            .bind(&new.chair)
            .bind(&new.attendees)
            .bind(&new.summary)
            .bind(&new.agenda)
            .bind(actor.user_id.map(|u| u.0))
            .bind(actor.at)
            .fetch_one(&mut *tx)
            .await?;
            record!(tx, event(tenant, actor, "dispatch_meeting", id, "create", None, Some(json!({"number": number, "title": new.title, "held_on": new.held_on}))));
            MeetingId(id)
        });
        Ok(id)
    }

    /// Records what the meeting heard (纪要's summary) and who attended.
    pub async fn update_meeting_minutes(
        &self,
        tenant: TenantId,
        id: MeetingId,
        attendees: &str,
        summary: &str,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let changed = sqlx::query("UPDATE dispatch_meetings SET attendees = $1, summary = $2 WHERE tenant_id = $3 AND id = $4")
                .bind(attendees).bind(summary).bind(tenant.0).bind(id.0).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StorageError::NotFound(Entity::Meeting));
            }
            record!(tx, event(tenant, actor, "dispatch_meeting", id.0, "minutes", None, Some(json!({"attendees": attendees, "summary": summary}))));
        });
        Ok(())
    }

    pub async fn meeting(&self, tenant: TenantId, id: MeetingId) -> Result<Option<Meeting>> {
        let sql = format!("SELECT {MEETING_COLUMNS} WHERE tenant_id = $1 AND id = $2");
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        }))
    }

    /// The tenant's meetings, the latest first: by the day held, then by
    /// number (a meeting recorded after another of the same day is later).
    pub async fn meetings(&self, tenant: TenantId) -> Result<Vec<Meeting>> {
        let sql = format!("SELECT {MEETING_COLUMNS} WHERE tenant_id = $1 ORDER BY held_on DESC, number DESC");
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        }))
    }

    pub async fn add_decision(
        &self,
        tenant: TenantId,
        meeting: MeetingId,
        new: &NewDecision,
        actor: Actor,
    ) -> Result<DecisionId> {
        let id = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dispatch_decisions (tenant_id, meeting_id, project_id, content, lead_org_id, deadline) \
                 SELECT $1, m.id, $3, $4, $5, $6 FROM dispatch_meetings m WHERE m.tenant_id = $1 AND m.id = $2 RETURNING id",
            )
            .bind(tenant.0)
            .bind(meeting.0)
            .bind(new.project_id.map(|p| p.0))
            .bind(&new.content)
            .bind(new.lead_org_id.0)
            .bind(new.deadline)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound(Entity::Meeting))?;
            record!(tx, event(tenant, actor, "dispatch_decision", id, "create", None, Some(json!({"meeting_id": meeting, "content": new.content, "lead_org_id": new.lead_org_id, "deadline": new.deadline}))));
            DecisionId(id)
        });
        Ok(id)
    }

    /// A meeting's decisions in the order recorded.
    pub async fn decisions(&self, tenant: TenantId, meeting: MeetingId) -> Result<Vec<Decision>> {
        let sql = format!("{DECISIONS} WHERE d.tenant_id = $1 AND d.meeting_id = $2 ORDER BY d.id");
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(meeting.0).fetch_all(pool).await?
        }))
    }

    /// The decisions of the meetings held before `meeting` (an earlier day,
    /// or the same day and a lower number), the oldest meeting first.
    pub async fn decisions_before(&self, tenant: TenantId, meeting: &Meeting) -> Result<Vec<Decision>> {
        let sql = format!(
            "{DECISIONS} WHERE d.tenant_id = $1 AND (m.held_on < $2 OR (m.held_on = $2 AND m.number < $3)) \
             ORDER BY m.held_on, m.number, d.id"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(meeting.held_on).bind(meeting.number).fetch_all(pool).await?
        }))
    }

    pub async fn decision(&self, tenant: TenantId, id: DecisionId) -> Result<Option<Decision>> {
        let sql = format!("{DECISIONS} WHERE d.tenant_id = $1 AND d.id = $2");
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        }))
    }

    /// Projects lit overdue, red or yellow that `scope` may see (of the
    /// 计划年度 `year`, or any): overdue first, then the furthest behind
    /// 序时进度; and how many there are.
    pub async fn lagging_projects(
        &self,
        tenant: TenantId,
        scope: ProjectScope,
        year: Option<i32>,
        limit: i64,
    ) -> Result<(Vec<KeyProject>, i64)> {
        let (org_filter, org) = super::prework::scope_filter(scope);
        // `$2` is the year, 0 for any (no project's year is 0: 2000 to 2100).
        let scoped = format!("p.tenant_id = $1 AND ($2 = 0 OR p.year = $2) AND {org_filter}");
        let filter = format!("{scoped} AND p.light IN ('overdue', 'red', 'yellow')");
        // Light by light on the index `projects_lagging` (tenant, light, gap
        // DESC, id), each read only as far as `limit`: no sort of the
        // thousands of lagging rows (an `IN` on the light here would cost
        // the index its order).
        let light = |rank: u8, light: &str| {
            format!(
                "SELECT * FROM (SELECT {rank} AS rank, p.id, p.gap FROM projects p \
                 WHERE {scoped} AND p.light = '{light}' ORDER BY p.gap DESC, p.id LIMIT $4) AS l{rank}"
            )
        };
        let sql = format!(
            "SELECT {PROJECT_COLUMNS} FROM ({} UNION ALL {} UNION ALL {}) AS top JOIN projects p ON p.id = top.id \
             ORDER BY top.rank, top.gap DESC, p.id LIMIT $4",
            light(0, "overdue"),
            light(1, "red"),
            light(2, "yellow")
        );
        let count_sql = format!("SELECT COUNT(*) FROM projects p WHERE {filter} AND $4 = $4");
        let (rows, count): (Vec<ProjectRow>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(i64::from(year.unwrap_or(0))).bind(org).bind(limit).fetch_all(pool).await?;
            let count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql)).bind(tenant.0).bind(i64::from(year.unwrap_or(0))).bind(org).bind(limit).fetch_one(pool).await?;
            (rows, count)
        });
        Ok((rows.into_iter().map(ProjectRow::into_project).collect::<Result<_>>()?, count))
    }
}
