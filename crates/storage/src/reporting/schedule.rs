//! 报送安排 (reporting schedules) per plan, and what is due in a period: the
//! tasks whose lead org (牵头单位) must report, with the report it sent, if any.
//!
//! A task is due from its lead org for a period when it is a leaf (no
//! sub-tasks: a parent's progress is rolled up from its children), has a lead
//! org, started on or before the period's last day, and is not finished
//! (`percent_done < 100`) — a finished task stays listed only when a report
//! for the period exists. Supporting orgs (配合单位) may report; they are not
//! counted as due. The rules that read these rows live in
//! `qingdan_domain::reporting`.

use crate::audit::{event, record};
use crate::rows::code;
use crate::store::{in_tx, on_pool, row_to_change};
use crate::{Actor, Result, StorageError, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::{OrgId, Period, PlanId, ReportStatus, ReportingCycle, ReportingSchedule, TaskId, TenantId};
use serde_json::json;

/// A task due for a period, and its lead org's report for that period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueTask {
    pub task_id: TaskId,
    pub number: String,
    pub title: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub deadline: NaiveDate,
    pub percent_done: i64,
    /// The report's status and when it was first submitted.
    pub report: Option<(ReportStatus, DateTime<Utc>)>,
}

type DueRow =
    (i64, String, String, i64, String, NaiveDate, i64, Option<String>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The SQL of the due tasks: binds $1 tenant, $2 plan, $3 the period's last
/// day, $4 the period's text, $5 an org, $6–$8 the texts of the periods
/// ending with it ([`Period::ending_together`]; a report of the period
/// itself first). `{org}` is one of the two fixed conditions below: one
/// org's tasks are found through the lead-org index (我的填报 on a large
/// plan), every org's through the plan.
const DUE_SQL: &str = "SELECT t.id, t.number, t.title, t.lead_org_id, o.name, t.deadline, t.percent_done, \
     r.status, r.first_submitted_at, r.submitted_at \
     FROM tasks t JOIN orgs o ON o.id = t.lead_org_id \
     LEFT JOIN progress_reports r ON r.id = (SELECT p.id FROM progress_reports p \
       WHERE p.task_id = t.id AND p.org_id = t.lead_org_id AND p.period IN ($4, $6, $7, $8) \
       ORDER BY CASE WHEN p.period = $4 THEN 0 ELSE 1 END, p.id DESC LIMIT 1) \
     WHERE t.tenant_id = $1 AND t.plan_id = $2 AND t.start_date <= $3 AND {org} \
     AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id) \
     AND (t.percent_done < 100 OR r.id IS NOT NULL) \
     ORDER BY o.sort_order, o.id, t.sort_path";
const ONE_ORG: &str = "t.lead_org_id = $5";
const EVERY_ORG: &str = "$5 = 0";

/// The SQL of the missing counts per lead org: binds $1 tenant, $2 plan,
/// $3 the period's last day, $4–$7 the texts of the periods ending together
/// ([`Period::ending_together`]).
const MISSING_SQL: &str = "SELECT t.lead_org_id, o.name, COUNT(*) FROM tasks t JOIN orgs o ON o.id = t.lead_org_id \
     WHERE t.tenant_id = $1 AND t.plan_id = $2 AND t.start_date <= $3 AND t.percent_done < 100 \
     AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id) \
     AND NOT EXISTS (SELECT 1 FROM progress_reports r WHERE r.task_id = t.id AND r.org_id = t.lead_org_id \
     AND r.period IN ($4, $5, $6, $7)) \
     GROUP BY t.lead_org_id, o.name, o.sort_order ORDER BY o.sort_order, t.lead_org_id";

impl Store {
    /// A plan's schedule, `None` when the office never set one (the default applies).
    pub async fn reporting_schedule(&self, tenant: TenantId, plan: PlanId) -> Result<Option<ReportingSchedule>> {
        let row: Option<(String, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT cycle, due_day, remind_days_before FROM reporting_cycles WHERE tenant_id = $1 AND plan_id = $2",
            )
            .bind(tenant.0)
            .bind(plan.0)
            .fetch_optional(pool)
            .await?
        });
        row.map(schedule).transpose()
    }

    /// Sets a plan's schedule, with an audit event (before/after).
    pub async fn set_reporting_schedule(
        &self,
        tenant: TenantId,
        plan: PlanId,
        new: &ReportingSchedule,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let before: Option<(String, i64, i64)> = row_to_change!(tx,
                "SELECT cycle, due_day, remind_days_before FROM reporting_cycles WHERE tenant_id = $1 AND plan_id = $2",
                tenant.0, plan.0);
            let before = before.map(schedule).transpose()?;
            sqlx::query(
                "INSERT INTO reporting_cycles (plan_id, tenant_id, cycle, due_day, remind_days_before) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (plan_id) DO UPDATE SET cycle = excluded.cycle, \
                 due_day = excluded.due_day, remind_days_before = excluded.remind_days_before",
            )
            .bind(plan.0)
            .bind(tenant.0)
            .bind(new.cycle.code())
            .bind(i64::from(new.due_day))
            .bind(i64::from(new.remind_days_before))
            .execute(&mut *tx)
            .await?;
            let before = before.map(|b| json!(b));
            record!(tx, event(tenant, actor, "reporting_cycle", plan.0, "set", before, Some(json!(new))));
        });
        Ok(())
    }

    /// The tasks due from lead orgs for `period` (one org's when `org` is
    /// given), with their reports, in org order then tree order.
    pub async fn due_tasks(
        &self,
        tenant: TenantId,
        plan: PlanId,
        period: Period,
        org: Option<OrgId>,
    ) -> Result<Vec<DueTask>> {
        let sql = DUE_SQL.replace("{org}", if org.is_some() { ONE_ORG } else { EVERY_ORG });
        let [_, a, b, c] = period.ending_together().map(|p| p.to_string());
        let rows: Vec<DueRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(tenant.0)
                .bind(plan.0)
                .bind(period.last_day())
                .bind(period.to_string())
                .bind(org.map_or(0, |o| o.0))
                .bind(&a)
                .bind(&b)
                .bind(&c)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(id, number, title, org_id, org_name, deadline, percent_done, status, first, last)| {
                let report = match (status, first.or(last)) {
                    (Some(status), Some(at)) => Some((code("progress_reports", &status, ReportStatus::from_code)?, at)),
                    _ => None,
                };
                Ok(DueTask {
                    task_id: TaskId(id),
                    number,
                    title,
                    org_id: OrgId(org_id),
                    org_name,
                    deadline,
                    percent_done,
                    report,
                })
            })
            .collect()
    }

    /// Per lead org, how many of its due tasks have no report for `period`
    /// (orgs with none missing are left out).
    pub async fn missing_reports(
        &self,
        tenant: TenantId,
        plan: PlanId,
        period: Period,
    ) -> Result<Vec<(OrgId, String, i64)>> {
        let [p, a, b, c] = period.ending_together().map(|p| p.to_string());
        let rows: Vec<(i64, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(MISSING_SQL)
                .bind(tenant.0)
                .bind(plan.0)
                .bind(period.last_day())
                .bind(&p)
                .bind(&a)
                .bind(&b)
                .bind(&c)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(org, name, n)| (OrgId(org), name, n)).collect())
    }
}

fn schedule((cycle, due_day, remind): (String, i64, i64)) -> Result<ReportingSchedule> {
    let number = |n: i64| u32::try_from(n).map_err(|_| StorageError::corrupt("reporting_cycles", n));
    Ok(ReportingSchedule {
        cycle: code("reporting_cycles", &cycle, ReportingCycle::from_code)?,
        due_day: number(due_day)?,
        remind_days_before: number(remind)?,
    })
}
