//! 亮灯规则 (status rules): a tenant's light thresholds, and the figures the
//! roll-up and the 双过半 check (half check) read: a plan's tree with weights
//! and dates, and the newest accepted report of each task up to a period.
//!
//! The rules themselves are in `qingdan_domain::status`.

use crate::audit::{event, record};
use crate::plans::tasks::TargetRow;
use crate::rows::decimal;
use crate::store::{in_tx, on_pool, row_to_change};
use crate::{Actor, Result, StorageError, Store};
use chrono::NaiveDate;
use qingdan_domain::{Decimal, OrgId, Period, PlanId, ReportStatus, StatusRules, Target, TargetId, TaskId, TenantId};
use serde_json::json;
use std::collections::HashMap;

/// A task of a plan as the roll-up and the half check read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressTask {
    pub id: TaskId,
    pub parent_id: Option<TaskId>,
    pub number: String,
    pub title: String,
    /// 0 for a section (a top-level task).
    pub depth: i32,
    pub weight: Decimal,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    pub lead_org: Option<(OrgId, String)>,
    /// The stored (rolled-up) work progress.
    pub percent_done: i64,
}

/// The newest accepted report of a task up to a period, with its actuals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedProgress {
    pub task_id: TaskId,
    pub period: Period,
    pub percent_done: i64,
    /// 存在问题 of that report, empty when it gave none.
    pub problems: String,
    pub actuals: Vec<(TargetId, Decimal)>,
}

type ProgressRow =
    (i64, Option<i64>, String, String, i64, String, NaiveDate, NaiveDate, Option<i64>, Option<String>, i64);

fn progress_task(row: ProgressRow) -> Result<ProgressTask> {
    let (id, parent, number, title, depth, weight, start_date, deadline, org, org_name, percent_done) = row;
    Ok(ProgressTask {
        id: TaskId(id),
        parent_id: parent.map(TaskId),
        number,
        title,
        depth: i32::try_from(depth).unwrap_or(i32::MAX),
        weight: decimal("tasks", &weight)?,
        start_date,
        deadline,
        lead_org: org.map(|o| (OrgId(o), org_name.unwrap_or_default())),
        percent_done,
    })
}

const PROGRESS_SELECT: &str = "SELECT tasks.id, tasks.parent_id, tasks.number, tasks.title, tasks.depth, tasks.weight, \
     tasks.start_date, tasks.deadline, tasks.lead_org_id, orgs.name, tasks.percent_done \
     FROM tasks LEFT JOIN orgs ON orgs.id = tasks.lead_org_id WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2";

impl Store {
    /// The tenant's light thresholds; the defaults when it never set them.
    pub async fn status_rules(&self, tenant: TenantId) -> Result<StatusRules> {
        let row: Option<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT yellow_gap, red_gap FROM status_rules WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map_or_else(StatusRules::default, |(yellow_gap, red_gap)| StatusRules { yellow_gap, red_gap }))
    }

    /// Replaces the tenant's light thresholds, recording the change (entity `status_rules`, id the tenant's).
    pub async fn set_status_rules(&self, tenant: TenantId, rules: StatusRules, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            let before: Option<(i64, i64)> =
                row_to_change!(tx, "SELECT yellow_gap, red_gap FROM status_rules WHERE tenant_id = $1", tenant.0);
            let before = before.map_or_else(StatusRules::default, |(yellow_gap, red_gap)| StatusRules { yellow_gap, red_gap });
            sqlx::query(
                "INSERT INTO status_rules (tenant_id, yellow_gap, red_gap) VALUES ($1, $2, $3) \
                 ON CONFLICT (tenant_id) DO UPDATE SET yellow_gap = excluded.yellow_gap, red_gap = excluded.red_gap",
            )
            .bind(tenant.0)
            .bind(rules.yellow_gap)
            .bind(rules.red_gap)
            .execute(&mut *tx)
            .await?;
            let to_json = |r: StatusRules| json!({"yellow_gap": r.yellow_gap, "red_gap": r.red_gap});
            record!(tx, event(tenant, actor, "status_rules", tenant.0, "update", Some(to_json(before)), Some(to_json(rules))));
        });
        Ok(())
    }

    /// A plan's sections (top-level tasks) in order, with their stored rolled-up progress.
    pub async fn section_progress(&self, tenant: TenantId, plan: PlanId) -> Result<Vec<ProgressTask>> {
        let sql = format!("{PROGRESS_SELECT} AND tasks.parent_id IS NULL ORDER BY tasks.sort_path");
        let rows: Vec<ProgressRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(plan.0).fetch_all(pool).await?
        });
        rows.into_iter().map(progress_task).collect()
    }

    /// Every task of a plan in tree order, for a roll-up in memory.
    pub async fn progress_tree(&self, tenant: TenantId, plan: PlanId) -> Result<Vec<ProgressTask>> {
        let sql = format!("{PROGRESS_SELECT} ORDER BY tasks.sort_path");
        let rows: Vec<ProgressRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(plan.0).fetch_all(pool).await?
        });
        rows.into_iter().map(progress_task).collect()
    }

    /// Every target of a plan's tasks, by task.
    pub async fn plan_targets(&self, tenant: TenantId, plan: PlanId) -> Result<HashMap<TaskId, Vec<Target>>> {
        let rows: Vec<TargetRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT targets.id, targets.task_id, targets.metric, targets.value, targets.unit, targets.comparator, \
                 targets.baseline, targets.deadline, targets.actual FROM targets JOIN tasks ON tasks.id = targets.task_id \
                 WHERE targets.tenant_id = $1 AND tasks.plan_id = $2 ORDER BY targets.id",
            )
            .bind(tenant.0)
            .bind(plan.0)
            .fetch_all(pool)
            .await?
        });
        let mut out: HashMap<TaskId, Vec<Target>> = HashMap::new();
        for row in rows {
            let target = row.into_target()?;
            out.entry(target.task_id).or_default().push(target);
        }
        Ok(out)
    }

    /// For each task of a plan, its newest accepted report that counts
    /// ([`ProgressReport::is_lead`](qingdan_domain::ProgressReport::is_lead); by period, the
    /// latest submitted among equals) of a period that began by `date`, so the
    /// period holding `date` counts (June's monthly report for 06-30).
    pub async fn accepted_up_to(
        &self,
        tenant: TenantId,
        plan: PlanId,
        date: NaiveDate,
    ) -> Result<Vec<AcceptedProgress>> {
        let rows: Vec<(i64, i64, String, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.id, r.task_id, r.period, r.percent_done, r.problems FROM progress_reports r \
                 JOIN tasks ON tasks.id = r.task_id \
                 WHERE r.tenant_id = $1 AND tasks.plan_id = $2 AND r.status = $3 AND r.is_lead = $4 \
                 ORDER BY r.task_id, r.id",
            )
            .bind(tenant.0)
            .bind(plan.0)
            .bind(ReportStatus::Accepted.code())
            .bind(true)
            .fetch_all(pool)
            .await?
        });
        // Periods of different cycles compare by their last day (domain::period), so pick in Rust.
        let mut newest: HashMap<i64, (Period, i64, i64, String)> = HashMap::new();
        for (id, task, period, percent_done, problems) in rows {
            let period: Period = period.parse().map_err(|e| StorageError::corrupt("progress_reports", e))?;
            if period.first_day() > date {
                continue;
            }
            let newer = newest.get(&task).is_none_or(|slot| (period, id) >= (slot.0, slot.1));
            if newer {
                newest.insert(task, (period, id, percent_done, problems));
            }
        }
        let mut actuals: HashMap<i64, Vec<(TargetId, Decimal)>> = HashMap::new();
        let ids: Vec<i64> = newest.values().map(|(_, id, _, _)| *id).collect();
        for chunk in ids.chunks(500) {
            // The ids are integers we hold, so listing them inline is safe.
            let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let sql = format!(
                "SELECT report_id, target_id, actual FROM report_actuals WHERE tenant_id = $1 AND report_id IN ({list})"
            );
            let rows: Vec<(i64, i64, String)> = on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
            });
            for (report, target, actual) in rows {
                actuals.entry(report).or_default().push((TargetId(target), decimal("report_actuals", &actual)?));
            }
        }
        let mut out: Vec<AcceptedProgress> = newest
            .into_iter()
            .map(|(task, (period, id, percent_done, problems))| AcceptedProgress {
                task_id: TaskId(task),
                period,
                percent_done,
                problems,
                actuals: actuals.remove(&id).unwrap_or_default(),
            })
            .collect();
        out.sort_by_key(|a| a.task_id.0);
        Ok(out)
    }
}
