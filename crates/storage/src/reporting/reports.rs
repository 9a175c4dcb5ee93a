//! 进展报送 (progress reports) and their review (审核).

use super::files::{NewReportFile, insert_report_files};
use crate::audit::{event, record};
use crate::error::{Conflict, Entity};
use crate::plans::tasks::ancestor_paths;
use crate::rows::{code, decimal, optional_decimal};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, StorageError, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::{
    Comparator, Decimal, Light, OrgId, Period, PlanId, PlanStatus, ProgressReport, ReportId, ReportStatus,
    ReportedActual, RollupNode, StatusRules, Target, TargetId, TaskId, TenantId, UserId, roll_up,
};
use serde_json::json;
use std::collections::HashMap;

/// A report as submitted by a reporter.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub tenant_id: TenantId,
    pub task_id: TaskId,
    pub org_id: OrgId,
    pub period: Period,
    pub percent_done: i64,
    pub narrative: String,
    pub problems: String,
    pub next_steps: String,
    pub actuals: Vec<ReportedActual>,
    pub submitted_by: UserId,
}

/// A supervisor's decision on a submitted report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    Accept,
    /// 退回: sent back with a comment; the org may resubmit.
    Return {
        comment: String,
    },
}

/// One decision of a review: the report, accept or return, and the revision
/// the reviewer read. With `seen_revision`, a report resubmitted since is
/// `Conflict::ReportChanged` and stays waiting; without it (an API client
/// that does not send it), whichever revision is waiting is reviewed.
#[derive(Debug, Clone)]
pub struct ReviewOf {
    pub report: ReportId,
    pub review: Review,
    pub seen_revision: Option<i64>,
}

/// What a review did: the report as reviewed (its actuals are not read: a
/// review does not change them), and its task's new light when the review
/// changed it.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub report: ProgressReport,
    pub light_change: Option<Light>,
}

/// The row of accepted `$report`'s task (on `$tx`) with the periods of its
/// other accepted reports ([`OwnRow`]), and its targets, each with what the
/// report gives for it ([`Reported`]): one query, a row per target.
macro_rules! own_row {
    ($tx:ident, $tenant:expr, $report:expr) => {{
        let rows: Vec<OwnTargetRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {OWN_COLUMNS}, (SELECT string_agg(p.period, ',') FROM progress_reports p \
             WHERE p.tenant_id = $1 AND p.task_id = $2 AND p.status = $3 AND p.id <> $4 AND p.is_lead = $5) AS accepted_periods, \
             targets.id AS target_id, targets.metric, targets.value, targets.unit, targets.comparator, \
             targets.baseline, targets.deadline AS target_deadline, targets.actual, report_actuals.actual AS reported \
             FROM tasks LEFT JOIN targets ON targets.tenant_id = tasks.tenant_id AND targets.task_id = tasks.id \
             LEFT JOIN report_actuals ON report_actuals.tenant_id = tasks.tenant_id \
             AND report_actuals.report_id = $4 AND report_actuals.target_id = targets.id \
             WHERE tasks.tenant_id = $1 AND tasks.id = $2 ORDER BY targets.id"
        )))
        .bind($tenant.0)
        .bind($report.task_id.0)
        .bind(ReportStatus::Accepted.code())
        .bind($report.id.0)
        .bind(true)
        .fetch_all(&mut *$tx)
        .await?;
        OwnTargetRow::split(rows)?
    }};
}

/// Sets the accepted report's actuals (`$targets`, from [`own_row!`]: each
/// `reported` value is saved, a `None` leaves the target's actual) and its
/// task's progress and light from them and the report's `$percent`, rolled
/// up to every ancestor (on `$tx`, under the plan's lock), from the task's
/// row `$own`; evaluates to the task's new light when it changed. The task's
/// ancestors, each with its children, are read in one query: their sort
/// paths are the prefixes of the task's. [`Store::unaccept_report`] sets the
/// figures back through the same steps, from the remaining accepted reports.
macro_rules! accept_progress {
    ($tx:ident, $tenant:expr, $percent:expr, $own:expr, $targets:expr, $rules:expr, $today:expr) => {{
        let own: FamilyRow = $own;
        let mut targets = Vec::new();
        for Reported { mut target, reported } in $targets {
            if let Some(reported) = reported {
                sqlx::query("UPDATE targets SET actual = $1 WHERE tenant_id = $2 AND id = $3")
                    .bind(reported.to_string())
                    .bind($tenant.0)
                    .bind(target.id.0)
                    .execute(&mut *$tx)
                    .await?;
                target.actual = Some(reported);
            }
            targets.push(target);
        }
        let ancestors = ancestor_paths(&own.sort_path);
        let family: Vec<FamilyRow> = if ancestors.is_empty() {
            Vec::new()
        } else {
            let list = (0..ancestors.len()).map(|i| format!("${}", i + 3)).collect::<Vec<_>>().join(", ");
            // Two index lookups, not one OR that a planner may turn into a scan of the plan.
            let sql = format!(
                "SELECT {FAMILY_COLUMNS} FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND sort_path IN ({list}) \
                 UNION ALL SELECT {FAMILY_COLUMNS} FROM tasks WHERE tenant_id = $1 AND parent_id IN \
                 (SELECT id FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND sort_path IN ({list}))"
            );
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind($tenant.0).bind(own.plan_id);
            for path in &ancestors {
                query = query.bind(path.as_str());
            }
            let mut rows: Vec<FamilyRow> = query.fetch_all(&mut *$tx).await?;
            // An ancestor is also its parent's child: once is enough.
            rows.sort_by_key(|r| r.id);
            rows.dedup_by_key(|r| r.id);
            rows
        };
        let path = rollup_path(&own, &ancestors, &family)?;
        let mut light_change = None;
        let mut changed = Vec::new();
        for (id, percent, light) in roll_up(&path, &targets, $percent, $rules, $today) {
            let was = if id.0 == own.id { Some(&own) } else { family.iter().find(|r| r.id == id.0) };
            if was.is_some_and(|r| r.percent_done == percent && r.light == light.code()) {
                continue;
            }
            if id.0 == own.id {
                light_change = (own.light != light.code()).then_some(light);
            }
            changed.push((id.0, percent, light.code()));
        }
        if !changed.is_empty() {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(set_progress_sql(changed.len()))).bind($tenant.0);
            for (id, percent, light) in changed {
                query = query.bind(id).bind(percent).bind(light);
            }
            query.execute(&mut *$tx).await?;
        }
        light_change
    }};
}

/// Why report `$id` was not found in the state asked for (on `$tx`):
/// `$conflict` when it exists, else not found.
macro_rules! not_in_state {
    ($tx:ident, $tenant:expr, $id:expr, $conflict:expr) => {{
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM progress_reports WHERE tenant_id = $1 AND id = $2")
                .bind($tenant.0)
                .bind($id.0)
                .fetch_optional(&mut *$tx)
                .await?;
        match exists {
            Some(_) => StorageError::Conflict($conflict),
            None => StorageError::NotFound(Entity::Report),
        }
    }};
}

/// Takes the lock of report `$report`'s plan (as `lock_plan!` does: every
/// review waits for its turn) and reads the plan's status in the same
/// statement; evaluates to the conflict that status makes for a review, if
/// any: archived (`$archived`), or the 回收站 (its task was deleted). An
/// archive or a deletion committed before the lock is seen; one after it
/// waits for this review.
macro_rules! lock_plan_frozen {
    ($tx:ident, $tenant:expr, $report:expr, $archived:expr) => {{
        let sql = format!(
            "SELECT status FROM plans WHERE tenant_id = $1 AND id = (SELECT t.plan_id FROM progress_reports r \
             JOIN tasks t ON t.id = r.task_id WHERE r.tenant_id = $1 AND r.id = $2){}",
            $tx.for_update()
        );
        let status: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind($tenant.0)
            .bind($report)
            .fetch_optional(&mut *$tx)
            .await?;
        match status.as_deref() {
            Some(s) if s == PlanStatus::Archived.code() => Some($archived),
            Some(s) if s == PlanStatus::Trash.code() => Some(Conflict::DeletedTaskReview),
            _ => None,
        }
    }};
}

/// A target of the accepted report's task, and the actual the report gives
/// for it (saved on acceptance).
struct Reported {
    target: Target,
    reported: Option<Decimal>,
}

/// A row of [`own_row!`]: the task, and one of its targets (all `None` for
/// a task without targets).
#[derive(sqlx::FromRow)]
struct OwnTargetRow {
    #[sqlx(flatten)]
    own: OwnRow,
    target_id: Option<i64>,
    metric: Option<String>,
    value: Option<String>,
    unit: Option<String>,
    comparator: Option<String>,
    baseline: Option<String>,
    target_deadline: Option<NaiveDate>,
    actual: Option<String>,
    reported: Option<String>,
}

impl OwnTargetRow {
    /// The task's row and its targets, from the rows of one task.
    fn split(rows: Vec<OwnTargetRow>) -> Result<(OwnRow, Vec<Reported>)> {
        let mut own = None;
        let mut targets = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(id) = row.target_id {
                let target = Target {
                    id: TargetId(id),
                    task_id: TaskId(row.own.row.id),
                    metric: row.metric.unwrap_or_default(),
                    value: decimal("targets", row.value.as_deref().unwrap_or_default())?,
                    unit: row.unit.unwrap_or_default(),
                    comparator: code("targets", row.comparator.as_deref().unwrap_or_default(), Comparator::from_code)?,
                    baseline: optional_decimal("targets", row.baseline.as_deref())?,
                    deadline: row.target_deadline,
                    actual: optional_decimal("targets", row.actual.as_deref())?,
                };
                let reported = optional_decimal("report_actuals", row.reported.as_deref())?;
                targets.push(Reported { target, reported });
            }
            own.get_or_insert(row.own);
        }
        let own = own.ok_or(StorageError::NotFound(Entity::Task))?;
        Ok((own, targets))
    }
}

/// One UPDATE that sets the percent and light of `n` tasks, bound as the
/// tenant, then (id, percent, light) per task: a roll-up path is one statement.
fn set_progress_sql(n: usize) -> String {
    let (mut percents, mut lights, mut ids) = (String::new(), String::new(), Vec::with_capacity(n));
    for i in 0..n {
        let (id, percent, light) = (3 * i + 2, 3 * i + 3, 3 * i + 4);
        percents.push_str(&format!(" WHEN ${id} THEN ${percent}"));
        lights.push_str(&format!(" WHEN ${id} THEN ${light}"));
        ids.push(format!("${id}"));
    }
    format!(
        "UPDATE tasks SET percent_done = CASE id{percents} END, light = CASE id{lights} END \
         WHERE tenant_id = $1 AND id IN ({})",
        ids.join(", ")
    )
}

/// The condition (over `progress_reports` and `tasks`) of the reports
/// waiting for review of `filter`'s org and plan, and its arguments, bound
/// from `$2` on.
fn waiting_of(filter: &ReviewFilter) -> (String, Vec<i64>) {
    // A report of a task in the 回收站 waits for nobody: it leaves the queue
    // and its counts, and is back when the task is restored.
    let mut condition = format!(
        "progress_reports.status = '{}' AND NOT EXISTS (SELECT 1 FROM plans WHERE plans.id = tasks.plan_id \
         AND plans.status = '{}')",
        ReportStatus::Submitted.code(),
        PlanStatus::Trash.code()
    );
    if filter.reviewable_only {
        condition.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM plans WHERE plans.id = tasks.plan_id AND plans.status = '{}')",
            qingdan_domain::PlanStatus::Archived.code()
        ));
    }
    let mut args = Vec::new();
    for (column, value) in
        [("progress_reports.org_id", filter.org.map(|o| o.0)), ("tasks.plan_id", filter.plan.map(|p| p.0))]
    {
        if let Some(value) = value {
            args.push(value);
            condition.push_str(&format!(" AND {column} = ${}", args.len() + 1));
        }
    }
    (condition, args)
}

/// What the roll-up reads of a task ([`FamilyRow`]).
const FAMILY_COLUMNS: &str = "id, plan_id, parent_id, sort_path, weight, percent_done, light, start_date, deadline";

/// [`FAMILY_COLUMNS`] where other tables are joined.
const OWN_COLUMNS: &str = "tasks.id, tasks.plan_id, tasks.parent_id, tasks.sort_path, tasks.weight, \
     tasks.percent_done, tasks.light, tasks.start_date, tasks.deadline";

/// The accepted report's task, and the periods of its other accepted reports
/// (comma-separated; `None` when there are none).
#[derive(sqlx::FromRow)]
struct OwnRow {
    #[sqlx(flatten)]
    row: FamilyRow,
    accepted_periods: Option<String>,
}

impl OwnRow {
    /// Whether another accepted report is for a later period than `period`:
    /// then a report for `period` came late, is recorded, and moves nothing.
    /// Compared as periods, by their end: the texts of periods of different
    /// kinds (a plan whose cycle changed) do not sort by time.
    fn has_later_than(&self, period: Period) -> bool {
        let accepted = self.accepted_periods.as_deref().unwrap_or_default();
        accepted.split(',').filter_map(|p| p.parse::<Period>().ok()).any(|p| p > period)
    }
}

#[derive(sqlx::FromRow)]
struct FamilyRow {
    id: i64,
    plan_id: i64,
    parent_id: Option<i64>,
    sort_path: String,
    weight: String,
    percent_done: i64,
    light: String,
    start_date: NaiveDate,
    deadline: NaiveDate,
}

/// The roll-up path: the task (no children), then each ancestor, the parent
/// first, with its children's weights and progress.
fn rollup_path(own: &FamilyRow, ancestors: &[String], family: &[FamilyRow]) -> Result<Vec<RollupNode>> {
    let mut path = vec![RollupNode {
        task_id: TaskId(own.id),
        start_date: own.start_date,
        deadline: own.deadline,
        children: Vec::new(),
    }];
    for ancestor in ancestors {
        let row = family
            .iter()
            .find(|r| &r.sort_path == ancestor)
            .ok_or_else(|| StorageError::corrupt("tasks", format!("no task at sort path {ancestor}")))?;
        let mut children = Vec::new();
        for child in family.iter().filter(|c| c.parent_id == Some(row.id)) {
            children.push((TaskId(child.id), decimal("tasks", &child.weight)?, child.percent_done));
        }
        path.push(RollupNode { task_id: TaskId(row.id), start_date: row.start_date, deadline: row.deadline, children });
    }
    Ok(path)
}

/// An accepted report of a task joined to one of its actuals (none: both
/// `None`), as [`replay`] reads them.
#[derive(sqlx::FromRow)]
struct AcceptedActualRow {
    id: i64,
    period: String,
    percent_done: i64,
    reviewed_at: Option<DateTime<Utc>>,
    target_id: Option<i64>,
    actual: Option<String>,
}

/// What a task's accepted reports (`rows`) leave, taken in the order they
/// would have moved the figures — by period, then in the order they were
/// accepted: the newest one's percent (0 when there is none), and each
/// target's actual as the last report giving one set it.
fn replay(rows: Vec<AcceptedActualRow>) -> Result<(i64, HashMap<TargetId, Decimal>)> {
    /// One accepted report: where it stands in the order, its percent and actuals.
    struct Accepted {
        order: (Period, Option<DateTime<Utc>>, i64),
        percent_done: i64,
        actuals: Vec<(TargetId, Decimal)>,
    }
    let mut reports: Vec<Accepted> = Vec::new();
    for row in rows {
        let at = match reports.iter().position(|r| r.order.2 == row.id) {
            Some(at) => at,
            None => {
                let period = row.period.parse::<Period>().map_err(|e| StorageError::corrupt("progress_reports", e))?;
                let order = (period, row.reviewed_at, row.id);
                reports.push(Accepted { order, percent_done: row.percent_done, actuals: Vec::new() });
                reports.len() - 1
            }
        };
        if let (Some(target), Some(actual)) = (row.target_id, row.actual.as_deref()) {
            reports[at].actuals.push((TargetId(target), decimal("report_actuals", actual)?));
        }
    }
    reports.sort_by_key(|r| r.order);
    let mut actuals = HashMap::new();
    for report in &reports {
        actuals.extend(report.actuals.iter().copied());
    }
    Ok((reports.last().map_or(0, |r| r.percent_done), actuals))
}

/// A report waiting in the review queue, with what a reviewer needs to see.
#[derive(Debug, Clone)]
pub struct ReviewQueueItem {
    pub report: ProgressReport,
    pub task_number: String,
    pub task_title: String,
    pub org_name: String,
    pub plan_id: PlanId,
    /// The task's light as it stands before this report is reviewed.
    pub task_light: Light,
    /// Its plan is archived: the report is frozen, listed but not reviewable.
    pub is_frozen: bool,
}

/// Which waiting reports the review page lists (审核 的筛选): all when `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewFilter {
    pub org: Option<OrgId>,
    pub plan: Option<PlanId>,
    /// Leave out the frozen ones (their plan archived): what waits for a reviewer.
    pub reviewable_only: bool,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    tenant_id: i64,
    task_id: i64,
    org_id: i64,
    period: String,
    percent_done: i64,
    narrative: String,
    problems: String,
    next_steps: String,
    status: String,
    review_comment: String,
    submitted_by: i64,
    submitted_at: DateTime<Utc>,
    reviewed_by: Option<i64>,
    reviewed_at: Option<DateTime<Utc>>,
    revision: i64,
    is_lead: bool,
}

impl ReportRow {
    fn into_report(self, actuals: Vec<ReportedActual>) -> Result<ProgressReport> {
        Ok(ProgressReport {
            id: ReportId(self.id),
            tenant_id: TenantId(self.tenant_id),
            task_id: TaskId(self.task_id),
            org_id: OrgId(self.org_id),
            period: self.period.parse().map_err(|e| StorageError::corrupt("progress_reports", e))?,
            percent_done: self.percent_done,
            narrative: self.narrative,
            problems: self.problems,
            next_steps: self.next_steps,
            actuals,
            status: code("progress_reports", &self.status, ReportStatus::from_code)?,
            revision: self.revision,
            review_comment: self.review_comment,
            submitted_by: UserId(self.submitted_by),
            submitted_at: self.submitted_at,
            reviewed_by: self.reviewed_by.map(UserId),
            reviewed_at: self.reviewed_at,
            is_lead: self.is_lead,
        })
    }
}

/// A report joined to one of its actuals (none: both `None`).
#[derive(sqlx::FromRow)]
struct ReportActualRow {
    #[sqlx(flatten)]
    report: ReportRow,
    actual_target: Option<i64>,
    actual_value: Option<String>,
}

const REPORT_COLUMNS: &str = "progress_reports.id, progress_reports.tenant_id, progress_reports.task_id, \
     progress_reports.org_id, progress_reports.period, progress_reports.percent_done, progress_reports.narrative, \
     progress_reports.problems, progress_reports.next_steps, progress_reports.status, progress_reports.review_comment, \
     progress_reports.submitted_by, progress_reports.submitted_at, progress_reports.reviewed_by, progress_reports.reviewed_at, \
     progress_reports.revision, progress_reports.is_lead";

#[derive(sqlx::FromRow)]
struct QueueRow {
    #[sqlx(flatten)]
    report: ReportRow,
    task_number: String,
    task_title: String,
    org_name: String,
    plan_id: i64,
    task_light: String,
    frozen: i32,
}

impl Store {
    /// Submits a report, or resubmits one that is waiting or was returned.
    /// A report already accepted for the same task, org and period is a `Conflict`.
    pub async fn submit_report(&self, new: &NewReport, actor: Actor) -> Result<ReportId> {
        self.submit_report_with_files(new, &[], actor).await
    }

    /// [`Store::submit_report`] with 佐证材料 (`files`, checked by the caller)
    /// stored in the same transaction; files of an earlier submission stay.
    pub async fn submit_report_with_files(
        &self,
        new: &NewReport,
        files: &[NewReportFile],
        actor: Actor,
    ) -> Result<ReportId> {
        let id = in_tx!(self, tx => {
            // One statement inserts the report or replaces a waiting or returned
            // one; an accepted report is left alone and returns no row. A
            // replaced one waits for review afresh: the old 退回意见 is cleared
            // (the review's audit event keeps it).
            let saved: Option<(i64, i64)> = sqlx::query_as(
                "INSERT INTO progress_reports (tenant_id, task_id, org_id, period, percent_done, narrative, problems, \
                 next_steps, status, review_comment, submitted_by, submitted_at, first_submitted_at, is_lead) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $11, $11, \
                 COALESCE((SELECT t.lead_org_id IS NULL OR t.lead_org_id = $3 FROM tasks t WHERE t.id = $2), TRUE)) \
                 ON CONFLICT (task_id, org_id, period) DO UPDATE SET percent_done = excluded.percent_done, \
                 narrative = excluded.narrative, problems = excluded.problems, next_steps = excluded.next_steps, \
                 status = excluded.status, submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at, \
                 is_lead = excluded.is_lead, review_comment = '', reviewed_by = NULL, reviewed_at = NULL, revision = progress_reports.revision + 1 \
                 WHERE progress_reports.status <> $12 \
                 RETURNING id, revision",
            )
            .bind(new.tenant_id.0)
            .bind(new.task_id.0)
            .bind(new.org_id.0)
            .bind(new.period.to_string())
            .bind(new.percent_done)
            .bind(&new.narrative)
            .bind(&new.problems)
            .bind(&new.next_steps)
            .bind(ReportStatus::Submitted.code())
            .bind(new.submitted_by.0)
            .bind(actor.at)
            .bind(ReportStatus::Accepted.code())
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id, revision)) = saved else {
                return Err(StorageError::Conflict(Conflict::ReportAccepted));
            };
            let action = if revision == 1 { "submit" } else { "resubmit" };
            if revision > 1 {
                sqlx::query("DELETE FROM report_actuals WHERE report_id = $1").bind(id).execute(&mut *tx).await?;
            }
            for actual in &new.actuals {
                sqlx::query("INSERT INTO report_actuals (tenant_id, report_id, target_id, actual) VALUES ($1, $2, $3, $4)")
                    .bind(new.tenant_id.0)
                    .bind(id)
                    .bind(actual.target_id.0)
                    .bind(actual.actual.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            let after = json!({"task_id": new.task_id, "org_id": new.org_id, "period": new.period, "percent_done": new.percent_done,
                               "narrative": new.narrative, "actuals": new.actuals});
            record!(tx, event(new.tenant_id, actor, "progress_report", id, action, None, Some(after)));
            insert_report_files!(tx, new.tenant_id, id, files, actor);
            id
        });
        Ok(ReportId(id))
    }

    /// 撤回: deletes a report of `org` still waiting for review, with its
    /// actuals and files, so the period is owed again. A report already
    /// reviewed (or of another org) is a `Conflict`; the audit event keeps
    /// what was withdrawn.
    pub async fn withdraw_report(
        &self,
        tenant: TenantId,
        id: ReportId,
        org: OrgId,
        actor: Actor,
    ) -> Result<ProgressReport> {
        let withdrawn = in_tx!(self, tx => {
            // What is withdrawn, for the audit event, as it stands now: locked
            // on PostgreSQL, so a review or resubmission cannot slip between.
            let lock = tx.for_update();
            let waiting: Option<ReportRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {REPORT_COLUMNS} FROM progress_reports WHERE tenant_id = $1 AND id = $2 AND org_id = $3 AND status = $4{lock}"
            )))
            .bind(tenant.0)
            .bind(id.0)
            .bind(org.0)
            .bind(ReportStatus::Submitted.code())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(report) = waiting else {
                return Err(not_in_state!(tx, tenant, id, Conflict::ReportNotWaiting));
            };
            let actuals: Vec<(i64, String)> =
                sqlx::query_as("SELECT target_id, actual FROM report_actuals WHERE tenant_id = $1 AND report_id = $2 ORDER BY target_id")
                    .bind(tenant.0).bind(id.0).fetch_all(&mut *tx).await?;
            let actuals = actuals
                .into_iter()
                .map(|(target, actual)| Ok(ReportedActual { target_id: TargetId(target), actual: decimal("report_actuals", &actual)? }))
                .collect::<Result<Vec<_>>>()?;
            let report = report.into_report(actuals)?;
            for table in ["report_files", "report_actuals"] {
                let sql = format!("DELETE FROM {table} WHERE tenant_id = $1 AND report_id = $2");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM progress_reports WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            let before = json!({"task_id": report.task_id, "org_id": report.org_id, "period": report.period,
                                "percent_done": report.percent_done, "narrative": report.narrative,
                                "actuals": report.actuals, "status": report.status.code()});
            record!(tx, event(tenant, actor, "progress_report", id.0, "withdraw", Some(before), None));
            report
        });
        Ok(withdrawn)
    }

    /// Accepts or returns a submitted report. Accepting the newest period sets
    /// the task's target actuals and work progress (from the targets, or the
    /// reported percent: `qingdan_domain::work_progress`), rolls progress up to
    /// the parent tasks by weight, and sets each one's light as of `today`
    /// under `rules`; accepting an older period leaves them. A report not
    /// waiting for review is a `Conflict` ([`Store::review_reports`] for many).
    pub async fn review_report(
        &self,
        tenant: TenantId,
        item: &ReviewOf,
        actor: Actor,
        today: NaiveDate,
        rules: &StatusRules,
    ) -> Result<Reviewed> {
        let items = [item.clone()];
        let mut outcomes = self.review_reports(tenant, &items, actor, today, rules).await?;
        outcomes.pop().unwrap_or(Err(StorageError::NotFound(Entity::Report)))
    }

    /// Reviews reports in one transaction, each with its own outcome: a report
    /// that is missing or not waiting is left as it is and the others go on.
    /// An accepted report on the newest period sets its task's progress and
    /// light, rolled up to every ancestor under the plan's lock. Each report
    /// is read as its status changes (`RETURNING`), inside the transaction.
    pub async fn review_reports(
        &self,
        tenant: TenantId,
        items: &[ReviewOf],
        actor: Actor,
        today: NaiveDate,
        rules: &StatusRules,
    ) -> Result<Vec<Result<Reviewed>>> {
        let returning = REPORT_COLUMNS.replace("progress_reports.", "");
        let set_status = format!(
            "UPDATE progress_reports SET status = $1, review_comment = $2, reviewed_by = $3, reviewed_at = $4 \
             WHERE tenant_id = $5 AND id = $6 AND status = $7 AND ($8 IS NULL OR revision = $8) RETURNING {returning}"
        );
        let outcomes = in_tx!(self, tx => {
            let mut outcomes = Vec::with_capacity(items.len());
            for ReviewOf { report: id, review, seen_revision } in items {
                let (status, comment) = match review {
                    Review::Accept => (ReportStatus::Accepted, String::new()),
                    Review::Return { comment } => (ReportStatus::Returned, comment.clone()),
                };
                // The plan's turn for every review (an acceptance's roll-up reads sibling
                // percents), and its status read in it: an archive committed meanwhile refuses it.
                if let Some(frozen) = lock_plan_frozen!(tx, tenant, id.0, Conflict::ArchivedReview) {
                    outcomes.push(Err(StorageError::Conflict(frozen)));
                    continue;
                }
                let row: Option<ReportRow> = sqlx::query_as(sqlx::AssertSqlSafe(set_status.as_str()))
                    .bind(status.code())
                    .bind(&comment)
                    .bind(actor.user_id.map(|u| u.0))
                    .bind(actor.at)
                    .bind(tenant.0)
                    .bind(id.0)
                    .bind(ReportStatus::Submitted.code())
                    .bind(*seen_revision)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(row) = row else {
                    let status: Option<String> = sqlx::query_scalar("SELECT status FROM progress_reports WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant.0).bind(id.0).fetch_optional(&mut *tx).await?;
                    outcomes.push(Err(match status {
                        Some(s) if s == ReportStatus::Submitted.code() => StorageError::Conflict(Conflict::ReportChanged),
                        Some(_) => StorageError::Conflict(Conflict::ReportNotWaiting),
                        None => StorageError::NotFound(Entity::Report),
                    }));
                    continue;
                };
                let report = row.into_report(Vec::new())?;
                let mut light_change = None;
                if status == ReportStatus::Accepted {
                    let (own, targets) = own_row!(tx, tenant, &report);
                    if report.is_lead && !own.has_later_than(report.period) {
                        light_change = accept_progress!(tx, tenant, report.percent_done, own.row, targets, rules, today);
                    }
                }
                let action = if status == ReportStatus::Accepted { "accept" } else { "return" };
                let after = json!({"status": status.code(), "review_comment": comment});
                let before = json!({"status": ReportStatus::Submitted.code()});
                record!(tx, event(tenant, actor, "progress_report", id.0, action, Some(before), Some(after)));
                outcomes.push(Ok(Reviewed { report, light_change }));
            }
            outcomes
        });
        Ok(outcomes)
    }

    /// 撤销通过: sends accepted report `id` back to its org as returned, with
    /// `comment` (the reason, shown as a 退回意见), so that it can be corrected
    /// and resubmitted. In the same transaction, under the plan's lock (as a
    /// review), when no other accepted report of the task is for a later
    /// period, the task's figures are set again from its remaining accepted
    /// reports (`replay`) through the acceptance's own steps
    /// (`accept_progress!`): each target's actual as those reports leave it
    /// in period order (none when none gave one), the work progress and light
    /// from the newest one (none: percent 0), and every ancestor rolled up.
    /// An older period's report changes only its status. A report not
    /// accepted is `Conflict::ReportNotAccepted`; of an archived plan,
    /// `Conflict::ArchivedUnaccept`; nothing is changed then.
    pub async fn unaccept_report(
        &self,
        tenant: TenantId,
        id: ReportId,
        comment: &str,
        actor: Actor,
        today: NaiveDate,
        rules: &StatusRules,
    ) -> Result<Reviewed> {
        let returning = REPORT_COLUMNS.replace("progress_reports.", "");
        let set_status = format!(
            "UPDATE progress_reports SET status = $1, review_comment = $2, reviewed_by = $3, reviewed_at = $4 \
             WHERE tenant_id = $5 AND id = $6 AND status = $7 RETURNING {returning}"
        );
        let reviewed = in_tx!(self, tx => {
            if let Some(frozen) = lock_plan_frozen!(tx, tenant, id.0, Conflict::ArchivedUnaccept) {
                return Err(StorageError::Conflict(frozen));
            }
            let row: Option<ReportRow> = sqlx::query_as(sqlx::AssertSqlSafe(set_status.as_str()))
                .bind(ReportStatus::Returned.code())
                .bind(comment)
                .bind(actor.user_id.map(|u| u.0))
                .bind(actor.at)
                .bind(tenant.0)
                .bind(id.0)
                .bind(ReportStatus::Accepted.code())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                return Err(not_in_state!(tx, tenant, id, Conflict::ReportNotAccepted));
            };
            let report = row.into_report(Vec::new())?;
            // The report is returned now: the task's row names only the other accepted ones.
            let (own, targets) = own_row!(tx, tenant, &report);
            let mut light_change = None;
            let (before_percent, before_light) = (own.row.percent_done, own.row.light.clone());
            let is_newest = report.is_lead && !own.has_later_than(report.period);
            if is_newest {
                let rows: Vec<AcceptedActualRow> = sqlx::query_as(
                    "SELECT r.id, r.period, r.percent_done, r.reviewed_at, a.target_id, a.actual \
                     FROM progress_reports r LEFT JOIN report_actuals a ON a.tenant_id = r.tenant_id AND a.report_id = r.id \
                     WHERE r.tenant_id = $1 AND r.task_id = $2 AND r.status = $3 AND r.is_lead = $4",
                )
                .bind(tenant.0)
                .bind(report.task_id.0)
                .bind(ReportStatus::Accepted.code())
                .bind(true)
                .fetch_all(&mut *tx)
                .await?;
                let (percent, left) = replay(rows)?;
                let mut cleared = Vec::new();
                let targets: Vec<Reported> = targets
                    .into_iter()
                    .map(|Reported { mut target, .. }| {
                        let reported = left.get(&target.id).copied();
                        if reported.is_none() {
                            if target.actual.is_some() {
                                cleared.push(target.id.0);
                            }
                            target.actual = None;
                        }
                        Reported { target, reported }
                    })
                    .collect();
                if !cleared.is_empty() {
                    // The ids are integers we hold, so listing them inline is safe.
                    let list = cleared.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                    let sql = format!("UPDATE targets SET actual = NULL WHERE tenant_id = $1 AND id IN ({list})");
                    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.0).execute(&mut *tx).await?;
                }
                light_change = accept_progress!(tx, tenant, percent, own.row, targets, rules, today);
            }
            let before = json!({"status": ReportStatus::Accepted.code(), "period": report.period,
                                "task_percent_done": before_percent, "task_light": before_light});
            let (after_percent, after_light): (i64, String) =
                sqlx::query_as("SELECT percent_done, light FROM tasks WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0)
                    .bind(report.task_id.0)
                    .fetch_one(&mut *tx)
                    .await?;
            let after = json!({"status": ReportStatus::Returned.code(), "review_comment": comment,
                               "figures_reset": is_newest, "task_percent_done": after_percent, "task_light": after_light});
            record!(tx, event(tenant, actor, "progress_report", id.0, "unaccept", Some(before), Some(after)));
            Reviewed { report, light_change }
        });
        Ok(reviewed)
    }

    /// A report with its actuals, in one query (a row per actual).
    pub async fn report(&self, tenant: TenantId, id: ReportId) -> Result<Option<ProgressReport>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS}, report_actuals.target_id AS actual_target, report_actuals.actual AS actual_value \
             FROM progress_reports LEFT JOIN report_actuals ON report_actuals.tenant_id = progress_reports.tenant_id \
             AND report_actuals.report_id = progress_reports.id \
             WHERE progress_reports.tenant_id = $1 AND progress_reports.id = $2 ORDER BY report_actuals.target_id"
        );
        let rows: Vec<ReportActualRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_all(pool).await?
        });
        let mut actuals = Vec::with_capacity(rows.len());
        let mut report = None;
        for row in rows {
            if let (Some(target), Some(actual)) = (row.actual_target, &row.actual_value) {
                actuals
                    .push(ReportedActual { target_id: TargetId(target), actual: decimal("report_actuals", actual)? });
            }
            report.get_or_insert(row.report);
        }
        report.map(|r| r.into_report(actuals)).transpose()
    }

    /// A task's reports, newest period first: periods as they order (by their
    /// end), not as their texts sort (2026-Q1 after 2026-12), then the later report.
    pub async fn task_reports(&self, tenant: TenantId, task: TaskId) -> Result<Vec<ProgressReport>> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM progress_reports WHERE tenant_id = $1 AND task_id = $2");
        let rows: Vec<ReportRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(task.0).fetch_all(pool).await?
        });
        let mut reports = self.with_actuals(tenant, rows).await?;
        reports.sort_by_key(|r| std::cmp::Reverse((r.period, r.id.0)));
        Ok(reports)
    }

    /// An org's latest reports, newest first; not those of tasks in the
    /// 回收站 (their pages are gone until the task is restored).
    pub async fn org_reports(&self, tenant: TenantId, org: OrgId, limit: u32) -> Result<Vec<ReviewQueueItem>> {
        let limit = format!(" LIMIT {limit}");
        let condition = format!(
            "progress_reports.org_id = $2 AND plans.status <> '{}' ORDER BY progress_reports.submitted_at DESC",
            PlanStatus::Trash.code()
        );
        self.queue(&condition, tenant, &[org.0], &limit).await
    }

    /// How many reports on a plan's tasks wait for review.
    pub async fn waiting_reports(&self, tenant: TenantId, plan: PlanId) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM progress_reports r JOIN tasks t ON t.id = r.task_id \
                 WHERE r.tenant_id = $1 AND t.plan_id = $2 AND r.status = $3",
            )
            .bind(tenant.0).bind(plan.0).bind(ReportStatus::Submitted.code()).fetch_one(pool).await?
        }))
    }

    /// Reports waiting for review of `filter`'s org and plan, oldest first:
    /// `limit` of them after the first `offset`.
    pub async fn review_queue_filtered(
        &self,
        tenant: TenantId,
        filter: &ReviewFilter,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<ReviewQueueItem>> {
        let (mut condition, args) = waiting_of(filter);
        condition.push_str(&format!(
            " ORDER BY progress_reports.submitted_at, progress_reports.id LIMIT {limit} OFFSET {offset}"
        ));
        self.queue(&condition, tenant, &args, "").await
    }

    /// How many reports of `filter`'s org and plan wait for review.
    pub async fn review_queue_total(&self, tenant: TenantId, filter: &ReviewFilter) -> Result<i64> {
        let (condition, args) = waiting_of(filter);
        let sql = format!(
            "SELECT COUNT(*) FROM progress_reports JOIN tasks ON tasks.id = progress_reports.task_id \
             WHERE progress_reports.tenant_id = $1 AND {condition}"
        );
        Ok(on_pool!(self, pool => {
            let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).bind(tenant.0);
            for arg in &args {
                query = query.bind(*arg);
            }
            query.fetch_one(pool).await?
        }))
    }

    /// The reports matching `condition` (over `progress_reports`, `tasks` and
    /// `orgs`, with `args` bound from `$2` on; fixed fragments only), at most
    /// as `limit` says (a `LIMIT` clause, or "" when `condition` has one).
    async fn queue(
        &self,
        condition: &str,
        tenant: TenantId,
        args: &[i64],
        limit: &str,
    ) -> Result<Vec<ReviewQueueItem>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS}, tasks.number AS task_number, tasks.title AS task_title, orgs.name AS org_name, \
             tasks.plan_id AS plan_id, tasks.light AS task_light, \
             CASE WHEN plans.status = '{archived}' THEN 1 ELSE 0 END AS frozen \
             FROM progress_reports JOIN tasks ON tasks.id = progress_reports.task_id JOIN orgs ON orgs.id = progress_reports.org_id \
             JOIN plans ON plans.id = tasks.plan_id \
             WHERE progress_reports.tenant_id = $1 AND {condition}{limit}",
            archived = qingdan_domain::PlanStatus::Archived.code()
        );
        let rows: Vec<QueueRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(tenant.0);
            for arg in args {
                query = query.bind(*arg);
            }
            query.fetch_all(pool).await?
        });
        let ids: Vec<ReportId> = rows.iter().map(|r| ReportId(r.report.id)).collect();
        let mut actuals = self.actuals(tenant, &ids).await?;
        rows.into_iter()
            .map(|r| {
                let id = ReportId(r.report.id);
                Ok(ReviewQueueItem {
                    report: r.report.into_report(actuals.remove(&id).unwrap_or_default())?,
                    task_number: r.task_number,
                    task_title: r.task_title,
                    org_name: r.org_name,
                    plan_id: PlanId(r.plan_id),
                    task_light: code("tasks", &r.task_light, Light::from_code)?,
                    is_frozen: r.frozen != 0,
                })
            })
            .collect()
    }

    async fn with_actuals(&self, tenant: TenantId, rows: Vec<ReportRow>) -> Result<Vec<ProgressReport>> {
        let ids: Vec<ReportId> = rows.iter().map(|r| ReportId(r.id)).collect();
        let mut actuals = self.actuals(tenant, &ids).await?;
        rows.into_iter()
            .map(|r| {
                let list = actuals.remove(&ReportId(r.id)).unwrap_or_default();
                r.into_report(list)
            })
            .collect()
    }

    async fn actuals(&self, tenant: TenantId, reports: &[ReportId]) -> Result<HashMap<ReportId, Vec<ReportedActual>>> {
        let mut out: HashMap<ReportId, Vec<ReportedActual>> = HashMap::new();
        if reports.is_empty() {
            return Ok(out);
        }
        // The ids are integers we hold, so listing them inline is safe.
        let list = reports.iter().map(|r| r.0.to_string()).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT report_id, target_id, actual FROM report_actuals WHERE tenant_id = $1 AND report_id IN ({list}) ORDER BY target_id"
        );
        let rows: Vec<(i64, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        for (report, target, actual) in rows {
            out.entry(ReportId(report))
                .or_default()
                .push(ReportedActual { target_id: TargetId(target), actual: decimal("report_actuals", &actual)? });
        }
        Ok(out)
    }
}
