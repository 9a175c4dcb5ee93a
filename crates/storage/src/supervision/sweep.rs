//! The daily sweep and what is made from it: the stage due dates are computed
//! by the caller on the working-day calendar and stored, so
//! [`Store::sweep_assignment_lights`] is three bulk statements over the open
//! matters of a tenant — no calendar, no row-by-row round trips. The light
//! changes it records become reminders; the history gives the per-org figures.

use crate::audit::{event, record};
use crate::rows::code;
use crate::store::{in_tx, on_pool, on_writer};
use crate::{Actor, Result, StorageError, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::assignment::{AssignmentStatus, EVENT_LIGHT, LightChange, Stage};
use qingdan_domain::{AssignmentId, Light, OrgId, TenantId};
use serde_json::json;

/// A light change waiting to become a reminder, with what the reminder says.
#[derive(Debug, Clone)]
pub struct LightChangeNotice {
    pub change: LightChange,
    pub title: String,
    pub lead_org_name: String,
    pub at: DateTime<Utc>,
}

/// Per org and stage: stages done, and done by their due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageFigures {
    pub org_id: OrgId,
    pub stage: Stage,
    pub done: i64,
    pub on_time: i64,
}

/// Per org: matters closed and the calendar days they took in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseFigures {
    pub org_id: OrgId,
    pub closed: i64,
    pub total_days: i64,
}

/// The light a matter whose clock runs shows on `$2` (today), from its stored dates.
const LIGHT_TODAY: &str = "CASE WHEN current_due < $2 THEN 'red' WHEN yellow_from <= $2 THEN 'yellow' ELSE 'green' END";

/// Open matters whose clock runs (a close request waiting stops it) and whose
/// light is not today's. The candidates come from four index ranges, so a day
/// on which few lights change reads few rows: green at or past its yellow day,
/// yellow past its due date, and the two ways back (a red not yet due, a yellow
/// before its yellow day), which only a change of dates by hand can cause.
fn sweep_condition() -> String {
    let candidates = "SELECT id FROM assignments WHERE tenant_id = $1 AND light = 'green' AND yellow_from <= $2 \
         UNION ALL SELECT id FROM assignments WHERE tenant_id = $1 AND light = 'yellow' AND current_due < $2 \
         UNION ALL SELECT id FROM assignments WHERE tenant_id = $1 AND light = 'yellow' AND yellow_from > $2 \
         UNION ALL SELECT id FROM assignments WHERE tenant_id = $1 AND light = 'red' AND current_due >= $2";
    format!(
        "tenant_id = $1 AND id IN ({candidates}) AND is_open = $3 AND status <> '{}' AND light <> {LIGHT_TODAY}",
        AssignmentStatus::CloseRequested.code()
    )
}

impl Store {
    /// 亮灯巡检: sets today's light on every open matter of the tenant whose
    /// clock runs, in one transaction of three bulk statements, one sweep of
    /// a tenant at a time: the changes are
    /// written to the history (one `light` entry each, to be turned into
    /// reminders), the lights updated, and one audit event records the sweep.
    /// Returns the changes, oldest matter first.
    pub async fn sweep_assignment_lights(
        &self,
        tenant: TenantId,
        today: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<Vec<LightChange>> {
        let condition = sweep_condition();
        let insert = format!(
            "INSERT INTO assignment_events (tenant_id, assignment_id, org_id, user_id, at, action, from_status, \
             to_status, note, due_on, from_light, to_light) \
             SELECT tenant_id, id, lead_org_id, NULL, $4, '{EVENT_LIGHT}', status, status, '', current_due, light, \
             {LIGHT_TODAY} FROM assignments WHERE {condition} ORDER BY id \
             RETURNING id, assignment_id, org_id, from_light, to_light, to_status, due_on"
        );
        let update = format!("UPDATE assignments SET light = {LIGHT_TODAY} WHERE {condition}");
        type ChangeRow = (i64, i64, i64, Option<String>, Option<String>, String, Option<NaiveDate>);
        let rows: Vec<ChangeRow> = in_tx!(self, tx => {
            if !tx.is_serial() {
                // One sweep of a tenant at a time (two servers on one database):
                // the second sees the first's lights and turns none twice. NO KEY
                // leaves inserts referencing the tenant free.
                sqlx::query("SELECT id FROM tenants WHERE id = $1 FOR NO KEY UPDATE").bind(tenant.0).execute(&mut *tx).await?;
            }
            let rows: Vec<ChangeRow> = sqlx::query_as(sqlx::AssertSqlSafe(insert))
                .bind(tenant.0)
                .bind(today)
                .bind(true)
                .bind(at)
                .fetch_all(&mut *tx)
                .await?;
            if !rows.is_empty() {
                sqlx::query(sqlx::AssertSqlSafe(update)).bind(tenant.0).bind(today).bind(true).execute(&mut *tx).await?;
                let actor = Actor { user_id: None, at, source: None };
                let after = json!({"today": today, "changed": rows.len()});
                record!(tx, event(tenant, actor, "assignment_sweep", 0, "sweep", None, Some(after)));
            }
            rows
        });
        let mut changes = rows.into_iter().map(change_of).collect::<Result<Vec<_>>>()?;
        changes.sort_by_key(|c| (c.assignment_id, c.event_id));
        Ok(changes)
    }

    /// Light changes not yet marked notified, oldest first: what reminders are made from.
    pub async fn light_changes_to_notify(&self, tenant: TenantId, limit: u32) -> Result<Vec<LightChangeNotice>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            assignment_id: i64,
            org_id: i64,
            from_light: Option<String>,
            to_light: Option<String>,
            to_status: String,
            due_on: Option<NaiveDate>,
            title: String,
            org_name: String,
            at: DateTime<Utc>,
        }
        let sql = format!(
            "SELECT e.id, e.assignment_id, e.org_id, e.from_light, e.to_light, e.to_status, e.due_on, a.title, \
             o.name AS org_name, e.at FROM assignment_events e JOIN assignments a ON a.id = e.assignment_id \
             JOIN orgs o ON o.id = e.org_id \
             WHERE e.tenant_id = $1 AND e.action = 'light' AND e.notified_at IS NULL ORDER BY e.id LIMIT {limit}"
        );
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                let change =
                    change_of((r.id, r.assignment_id, r.org_id, r.from_light, r.to_light, r.to_status, r.due_on))?;
                Ok(LightChangeNotice { change, title: r.title, lead_org_name: r.org_name, at: r.at })
            })
            .collect()
    }

    /// Marks light changes as turned into reminders.
    pub async fn mark_light_changes_notified(
        &self,
        tenant: TenantId,
        event_ids: &[i64],
        at: DateTime<Utc>,
    ) -> Result<()> {
        for chunk in event_ids.chunks(500) {
            // The ids are integers we hold, so listing them inline is safe.
            let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let sql = format!(
                "UPDATE assignment_events SET notified_at = $1 WHERE tenant_id = $2 AND id IN ({list}) AND notified_at IS NULL"
            );
            on_writer!(self, pool => {
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(at).bind(tenant.0).execute(pool).await?.rows_affected()
            });
        }
        Ok(())
    }

    /// Stages done per org and stage, and how many by their due date.
    pub async fn assignment_stage_figures(&self, tenant: TenantId) -> Result<Vec<StageFigures>> {
        let rows: Vec<(i64, String, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT org_id, completed_stage, COUNT(*), CAST(SUM(CASE WHEN done_on <= due_on THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM assignment_events WHERE tenant_id = $1 AND completed_stage IS NOT NULL \
                 GROUP BY org_id, completed_stage ORDER BY org_id, completed_stage",
            )
            .bind(tenant.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(org, stage, done, on_time)| {
                Ok(StageFigures {
                    org_id: OrgId(org),
                    stage: code("assignment_events", &stage, Stage::from_code)?,
                    done,
                    on_time,
                })
            })
            .collect()
    }

    /// Matters closed per lead org and the calendar days they took in all.
    pub async fn assignment_close_figures(&self, tenant: TenantId) -> Result<Vec<CloseFigures>> {
        let rows: Vec<(i64, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT lead_org_id, COUNT(*), CAST(SUM(days_to_close) AS BIGINT) FROM assignments \
                 WHERE tenant_id = $1 AND days_to_close IS NOT NULL GROUP BY lead_org_id ORDER BY lead_org_id",
            )
            .bind(tenant.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(org, closed, total_days)| CloseFigures { org_id: OrgId(org), closed, total_days })
            .collect())
    }

    /// Open matters showing red, per lead org.
    pub async fn assignment_overdue_counts(&self, tenant: TenantId) -> Result<Vec<(OrgId, i64)>> {
        let rows: Vec<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT lead_org_id, COUNT(*) FROM assignments WHERE tenant_id = $1 AND light = $2 \
                 GROUP BY lead_org_id ORDER BY lead_org_id",
            )
            .bind(tenant.0)
            .bind(Light::Red.code())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(org, n)| (OrgId(org), n)).collect())
    }
}

fn change_of(
    (id, assignment, org, from, to, status, due): (
        i64,
        i64,
        i64,
        Option<String>,
        Option<String>,
        String,
        Option<NaiveDate>,
    ),
) -> Result<LightChange> {
    let t = "assignment_events";
    let light = |l: Option<String>| code(t, l.as_deref().unwrap_or_default(), Light::from_code);
    let status = code(t, &status, AssignmentStatus::from_code)?;
    Ok(LightChange {
        event_id: id,
        assignment_id: AssignmentId(assignment),
        lead_org_id: OrgId(org),
        from: light(from)?,
        to: light(to)?,
        stage: status.stage().ok_or_else(|| StorageError::corrupt(t, "light change of a stopped clock"))?,
        due: due.ok_or_else(|| StorageError::corrupt(t, "light change without a due date"))?,
    })
}
