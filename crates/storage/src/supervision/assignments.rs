//! 督办: assigned matters (交办事项), their timeline rules (时限规则), history
//! (assignment_events) and extension requests (延期申请).
//!
//! The stage due dates are computed by the caller on the working-day calendar
//! and stored, so the daily sweep ([`Store::sweep_assignment_lights`]) is three
//! bulk statements over the open matters of a tenant — no calendar, no row-by-row
//! round trips.

use crate::audit::{event, record};
use crate::error::{Conflict, Unique};
use crate::rows::code;
use crate::store::{in_tx, on_pool, on_writer};
use crate::{Actor, LightCounts, Result, StorageError, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::assignment::{
    Action, Assignment, AssignmentEvent, AssignmentSource, AssignmentStatus, DayCounting, EVENT_CREATE, EVENT_LIGHT,
    ExtensionRequest, ExtensionStatus, Grade, LightChange, MajorLimit, RULE_13710_NAME, Schedule, Stage, TimelineRule,
    days_between,
};
use qingdan_domain::{AssignmentId, ExtensionId, Light, OrgId, TaskId, TenantId, TimelineRuleId, UserId};
use serde_json::json;

/// What a transition changes besides the matter's row: its extension request.
#[derive(Debug, Clone)]
pub enum ExtensionChange {
    /// 申请延期: a new pending request.
    Request { reason: String, requested_due: NaiveDate },
    /// The office decides the pending request.
    Decide { approved: bool, note: String },
    /// The pending request lapses (the matter was reassigned).
    Withdraw,
}

/// A transition to store: the matter before and after, and the history entry.
#[derive(Debug, Clone)]
pub struct AssignmentTransition<'a> {
    pub before: &'a Assignment,
    pub after: &'a Assignment,
    pub action: Action,
    pub note: &'a str,
    /// The stage this completes: (stage, its due date, the day it was done).
    pub completed: Option<(Stage, NaiveDate, NaiveDate)>,
    pub extension: Option<ExtensionChange>,
}

/// Which matters a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentScope {
    /// Every matter of the tenant (the office, leaders).
    All,
    /// Matters an org leads (what it must act on).
    LeadOrg(OrgId),
    /// Matters an org leads or supports.
    Involving(OrgId),
}

#[derive(Debug, Clone)]
pub struct AssignmentQuery {
    pub tenant_id: TenantId,
    pub scope: AssignmentScope,
    pub light: Option<Light>,
    /// Only matters not yet closed.
    pub open_only: bool,
    /// Zero-based page number.
    pub page: u32,
    pub per_page: u32,
    /// Count the matches on all pages (else `total` is -1, for a caller that
    /// knows it from the light counts).
    pub with_total: bool,
}

/// One matter in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentSummary {
    pub id: AssignmentId,
    pub title: String,
    pub source: AssignmentSource,
    pub lead_org_id: OrgId,
    pub lead_org_name: String,
    pub is_major: bool,
    pub assigned_on: NaiveDate,
    pub status: AssignmentStatus,
    pub light: Light,
    pub current_due: NaiveDate,
    pub solve_due: NaiveDate,
    pub has_pending_extension: bool,
}

#[derive(Debug, Clone)]
pub struct AssignmentPage {
    pub items: Vec<AssignmentSummary>,
    pub total: i64,
}

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

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: i64,
    tenant_id: i64,
    name: String,
    counting: String,
    sign_for_days: i64,
    deploy_days: i64,
    feedback_days: i64,
    solve_days: i64,
    major_solve_days: Option<i64>,
    major_solve_months: Option<i64>,
    yellow_percent: i64,
}

fn small(table: &'static str, n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|e| StorageError::corrupt(table, e))
}

impl RuleRow {
    fn into_rule(self) -> Result<TimelineRule> {
        let t = "timeline_rules";
        let major_solve = match (self.major_solve_days, self.major_solve_months) {
            (Some(days), _) => MajorLimit::Days(small(t, days)?),
            (None, Some(months)) => MajorLimit::Months(small(t, months)?),
            (None, None) => return Err(StorageError::corrupt(t, "no major limit")),
        };
        Ok(TimelineRule {
            id: TimelineRuleId(self.id),
            tenant_id: TenantId(self.tenant_id),
            name: self.name,
            counting: code(t, &self.counting, DayCounting::from_code)?,
            sign_for_days: small(t, self.sign_for_days)?,
            deploy_days: small(t, self.deploy_days)?,
            feedback_days: small(t, self.feedback_days)?,
            solve_days: small(t, self.solve_days)?,
            major_solve,
            yellow_percent: small(t, self.yellow_percent)?,
        })
    }
}

const RULE_COLUMNS: &str = "id, tenant_id, name, counting, sign_for_days, deploy_days, feedback_days, solve_days, \
     major_solve_days, major_solve_months, yellow_percent";

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    id: i64,
    tenant_id: i64,
    title: String,
    source: String,
    source_task_id: Option<i64>,
    body: String,
    lead_org_id: i64,
    leader_id: Option<i64>,
    leader_name: String,
    rule_id: i64,
    assigning_org_id: i64,
    is_major: bool,
    timetable: Option<NaiveDate>,
    assigned_on: NaiveDate,
    sign_for_due: NaiveDate,
    deploy_due: NaiveDate,
    feedback_due: NaiveDate,
    solve_due: NaiveDate,
    is_schedule_confirmed: bool,
    status: String,
    light: String,
    current_due: NaiveDate,
    yellow_from: NaiveDate,
    has_pending_extension: bool,
    grade: Option<String>,
    close_requested_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
}

const ASSIGNMENT_COLUMNS: &str = "id, tenant_id, title, source, source_task_id, body, lead_org_id, leader_id, \
     leader_name, rule_id, assigning_org_id, is_major, timetable, assigned_on, sign_for_due, deploy_due, feedback_due, \
     solve_due, is_schedule_confirmed, status, light, current_due, yellow_from, has_pending_extension, grade, \
     close_requested_on, closed_on";

impl AssignmentRow {
    fn into_assignment(self, supporting: Vec<OrgId>, attachments: Vec<String>) -> Result<Assignment> {
        let t = "assignments";
        Ok(Assignment {
            id: AssignmentId(self.id),
            tenant_id: TenantId(self.tenant_id),
            title: self.title,
            source: code(t, &self.source, AssignmentSource::from_code)?,
            source_task_id: self.source_task_id.map(TaskId),
            text: self.body,
            attachments,
            lead_org_id: OrgId(self.lead_org_id),
            supporting_org_ids: supporting,
            leader_id: self.leader_id.map(UserId),
            leader_name: self.leader_name,
            rule_id: TimelineRuleId(self.rule_id),
            assigning_org_id: OrgId(self.assigning_org_id),
            is_major: self.is_major,
            timetable: self.timetable,
            assigned_on: self.assigned_on,
            schedule: Schedule {
                sign_for: self.sign_for_due,
                deploy: self.deploy_due,
                feedback: self.feedback_due,
                solve: self.solve_due,
                is_confirmed: self.is_schedule_confirmed,
            },
            status: code(t, &self.status, AssignmentStatus::from_code)?,
            light: code(t, &self.light, Light::from_code)?,
            current_due: self.current_due,
            yellow_from: self.yellow_from,
            has_pending_extension: self.has_pending_extension,
            grade: self.grade.as_deref().map(|g| code(t, g, Grade::from_code)).transpose()?,
            close_requested_on: self.close_requested_on,
            closed_on: self.closed_on,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    title: String,
    source: String,
    lead_org_id: i64,
    lead_org_name: String,
    is_major: bool,
    assigned_on: NaiveDate,
    status: String,
    light: String,
    current_due: NaiveDate,
    solve_due: NaiveDate,
    has_pending_extension: bool,
}

impl SummaryRow {
    fn into_summary(self) -> Result<AssignmentSummary> {
        let t = "assignments";
        Ok(AssignmentSummary {
            id: AssignmentId(self.id),
            title: self.title,
            source: code(t, &self.source, AssignmentSource::from_code)?,
            lead_org_id: OrgId(self.lead_org_id),
            lead_org_name: self.lead_org_name,
            is_major: self.is_major,
            assigned_on: self.assigned_on,
            status: code(t, &self.status, AssignmentStatus::from_code)?,
            light: code(t, &self.light, Light::from_code)?,
            current_due: self.current_due,
            solve_due: self.solve_due,
            has_pending_extension: self.has_pending_extension,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    assignment_id: i64,
    org_id: i64,
    user_id: Option<i64>,
    user_name: Option<String>,
    at: DateTime<Utc>,
    action: String,
    from_status: Option<String>,
    to_status: String,
    note: String,
    completed_stage: Option<String>,
    due_on: Option<NaiveDate>,
    done_on: Option<NaiveDate>,
    from_light: Option<String>,
    to_light: Option<String>,
}

impl EventRow {
    fn into_event(self) -> Result<AssignmentEvent> {
        let t = "assignment_events";
        let light = |l: Option<String>| l.as_deref().map(|l| code(t, l, Light::from_code)).transpose();
        Ok(AssignmentEvent {
            id: self.id,
            assignment_id: AssignmentId(self.assignment_id),
            org_id: OrgId(self.org_id),
            user_id: self.user_id.map(UserId),
            user_name: self.user_name.unwrap_or_else(|| "系统".to_owned()),
            at: self.at,
            action: self.action,
            from_status: self.from_status.as_deref().map(|s| code(t, s, AssignmentStatus::from_code)).transpose()?,
            to_status: code(t, &self.to_status, AssignmentStatus::from_code)?,
            note: self.note,
            completed_stage: self.completed_stage.as_deref().map(|s| code(t, s, Stage::from_code)).transpose()?,
            due_on: self.due_on,
            done_on: self.done_on,
            from_light: light(self.from_light)?,
            to_light: light(self.to_light)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ExtensionRow {
    id: i64,
    assignment_id: i64,
    org_id: i64,
    reason: String,
    old_due: NaiveDate,
    requested_due: NaiveDate,
    status: String,
    requested_by: i64,
    requested_at: DateTime<Utc>,
    decided_by: Option<i64>,
    decided_at: Option<DateTime<Utc>>,
    decision_note: String,
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

fn snapshot(a: &Assignment) -> serde_json::Value {
    json!({
        "status": a.status.code(), "light": a.light.code(), "lead_org_id": a.lead_org_id,
        "assigned_on": a.assigned_on, "current_due": a.current_due, "solve_due": a.schedule.solve,
        "has_pending_extension": a.has_pending_extension, "grade": a.grade.map(Grade::code),
    })
}

/// Inserts one matter row with its supporting orgs and attachment names on
/// `$tx`; evaluates to the new id. Shared by `create_assignment` and
/// `bulk_insert_assignments` (`bulk.rs`).
macro_rules! insert_assignment {
    ($tx:expr, $new:expr, $created_by:expr, $at:expr) => {{
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assignments (tenant_id, title, source, source_task_id, body, lead_org_id, leader_id, \
             leader_name, rule_id, assigning_org_id, is_major, timetable, assigned_on, sign_for_due, deploy_due, \
             feedback_due, solve_due, is_schedule_confirmed, status, light, is_open, current_due, yellow_from, \
             has_pending_extension, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
             $21, $22, $23, $24, $25, $26) RETURNING id",
        )
        .bind($new.tenant_id.0)
        .bind(&$new.title)
        .bind($new.source.code())
        .bind($new.source_task_id.map(|t| t.0))
        .bind(&$new.text)
        .bind($new.lead_org_id.0)
        .bind($new.leader_id.map(|u| u.0))
        .bind(&$new.leader_name)
        .bind($new.rule_id.0)
        .bind($new.assigning_org_id.0)
        .bind($new.is_major)
        .bind($new.timetable)
        .bind($new.assigned_on)
        .bind($new.schedule.sign_for)
        .bind($new.schedule.deploy)
        .bind($new.schedule.feedback)
        .bind($new.schedule.solve)
        .bind($new.schedule.is_confirmed)
        .bind($new.status.code())
        .bind($new.light.code())
        .bind(!$new.status.is_closed())
        .bind($new.current_due)
        .bind($new.yellow_from)
        .bind($new.has_pending_extension)
        .bind($created_by)
        .bind($at)
        .fetch_one(&mut *$tx)
        .await?;
        for org in &$new.supporting_org_ids {
            sqlx::query(
                "INSERT INTO assignment_supporting_orgs (tenant_id, assignment_id, org_id) VALUES ($1, $2, $3)",
            )
            .bind($new.tenant_id.0)
            .bind(id)
            .bind(org.0)
            .execute(&mut *$tx)
            .await?;
        }
        for name in &$new.attachments {
            sqlx::query("INSERT INTO assignment_attachments (tenant_id, assignment_id, name) VALUES ($1, $2, $3)")
                .bind($new.tenant_id.0)
                .bind(id)
                .bind(name)
                .execute(&mut *$tx)
                .await?;
        }
        id
    }};
}
#[cfg_attr(not(feature = "bulk"), allow(unused_imports))]
pub(crate) use insert_assignment;

impl Store {
    /// The tenant's 13710 rule, created on first use.
    pub async fn ensure_rule_13710(&self, tenant: TenantId) -> Result<TimelineRule> {
        let rule = TimelineRule::rule_13710(tenant);
        let MajorLimit::Months(months) = rule.major_solve else {
            return Err(StorageError::corrupt("timeline_rules", "13710 counts months"));
        };
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO timeline_rules (tenant_id, name, counting, sign_for_days, deploy_days, feedback_days, \
                 solve_days, major_solve_days, major_solve_months, yellow_percent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9) ON CONFLICT (tenant_id, name) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(RULE_13710_NAME)
            .bind(rule.counting.code())
            .bind(i64::from(rule.sign_for_days))
            .bind(i64::from(rule.deploy_days))
            .bind(i64::from(rule.feedback_days))
            .bind(i64::from(rule.solve_days))
            .bind(i64::from(months))
            .bind(i64::from(rule.yellow_percent))
            .execute(pool)
            .await?
            .rows_affected()
        });
        let sql = format!("SELECT {RULE_COLUMNS} FROM timeline_rules WHERE tenant_id = $1 AND name = $2");
        let row: RuleRow = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(RULE_13710_NAME).fetch_one(pool).await?
        });
        row.into_rule()
    }

    /// The tenant's timeline rules, oldest first.
    pub async fn timeline_rules(&self, tenant: TenantId) -> Result<Vec<TimelineRule>> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM timeline_rules WHERE tenant_id = $1 ORDER BY id");
        let rows: Vec<RuleRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        rows.into_iter().map(RuleRow::into_rule).collect()
    }

    pub async fn timeline_rule(&self, tenant: TenantId, id: TimelineRuleId) -> Result<Option<TimelineRule>> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM timeline_rules WHERE tenant_id = $1 AND id = $2");
        let row: Option<RuleRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(RuleRow::into_rule).transpose()
    }

    /// Adds a rule; a name the tenant already uses is a `Conflict`.
    pub async fn create_timeline_rule(&self, rule: &TimelineRule, actor: Actor) -> Result<TimelineRuleId> {
        let (days, months) = match rule.major_solve {
            MajorLimit::Days(n) => (Some(i64::from(n)), None),
            MajorLimit::Months(n) => (None, Some(i64::from(n))),
        };
        let id = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO timeline_rules (tenant_id, name, counting, sign_for_days, deploy_days, feedback_days, \
                 solve_days, major_solve_days, major_solve_months, yellow_percent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(rule.tenant_id.0)
            .bind(&rule.name)
            .bind(rule.counting.code())
            .bind(i64::from(rule.sign_for_days))
            .bind(i64::from(rule.deploy_days))
            .bind(i64::from(rule.feedback_days))
            .bind(i64::from(rule.solve_days))
            .bind(days)
            .bind(months)
            .bind(i64::from(rule.yellow_percent))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StorageError::unique_as_conflict(e, Unique::TimelineRuleName))?;
            record!(tx, event(rule.tenant_id, actor, "timeline_rule", id, "create", None, Some(json!(rule))));
            id
        });
        Ok(TimelineRuleId(id))
    }

    /// Creates a matter (its id in `new` is ignored) with its supporting orgs,
    /// attachment names, the first history entry and the audit event.
    pub async fn create_assignment(&self, new: &Assignment, actor: Actor) -> Result<AssignmentId> {
        let id = in_tx!(self, tx => {
            let id = insert_assignment!(tx, new, actor.user_id.map(|u| u.0), actor.at);
            sqlx::query(
                "INSERT INTO assignment_events (tenant_id, assignment_id, org_id, user_id, at, action, from_status, \
                 to_status, note) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)",
            )
            .bind(new.tenant_id.0)
            .bind(id)
            .bind(new.lead_org_id.0)
            .bind(actor.user_id.map(|u| u.0))
            .bind(actor.at)
            .bind(EVENT_CREATE)
            .bind(new.status.code())
            .bind("")
            .execute(&mut *tx)
            .await?;
            let after = json!({"title": new.title, "source": new.source.code(), "lead_org_id": new.lead_org_id,
                               "supporting_org_ids": new.supporting_org_ids, "rule_id": new.rule_id,
                               "is_major": new.is_major, "assigned_on": new.assigned_on, "schedule": new.schedule});
            record!(tx, event(new.tenant_id, actor, "assignment", id, "create", None, Some(after)));
            id
        });
        Ok(AssignmentId(id))
    }

    pub async fn assignment(&self, tenant: TenantId, id: AssignmentId) -> Result<Option<Assignment>> {
        let sql = format!("SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE tenant_id = $1 AND id = $2");
        let row: Option<AssignmentRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        let Some(row) = row else { return Ok(None) };
        let (supporting, attachments): (Vec<i64>, Vec<String>) = on_pool!(self, pool => {
            let supporting = sqlx::query_scalar(
                "SELECT org_id FROM assignment_supporting_orgs WHERE tenant_id = $1 AND assignment_id = $2 ORDER BY org_id",
            )
            .bind(tenant.0)
            .bind(id.0)
            .fetch_all(pool)
            .await?;
            let attachments = sqlx::query_scalar(
                "SELECT name FROM assignment_attachments WHERE tenant_id = $1 AND assignment_id = $2 ORDER BY id",
            )
            .bind(tenant.0)
            .bind(id.0)
            .fetch_all(pool)
            .await?;
            (supporting, attachments)
        });
        row.into_assignment(supporting.into_iter().map(OrgId).collect(), attachments).map(Some)
    }

    /// Stores a transition if the matter still stands where `before` says
    /// (status, pending extension, lead org); else a `Conflict` and nothing changes.
    pub async fn transition_assignment(&self, t: &AssignmentTransition<'_>, actor: Actor) -> Result<()> {
        let (before, after) = (t.before, t.after);
        let tenant = before.tenant_id;
        let days_to_close = after.closed_on.map(|c| days_between(after.assigned_on, c));
        in_tx!(self, tx => {
            let done = sqlx::query(
                "UPDATE assignments SET lead_org_id = $1, assigned_on = $2, sign_for_due = $3, deploy_due = $4, \
                 feedback_due = $5, solve_due = $6, is_schedule_confirmed = $7, status = $8, light = $9, is_open = $10, \
                 current_due = $11, yellow_from = $12, has_pending_extension = $13, grade = $14, \
                 close_requested_on = $15, closed_on = $16, days_to_close = $17 \
                 WHERE tenant_id = $18 AND id = $19 AND status = $20 AND has_pending_extension = $21 AND lead_org_id = $22",
            )
            .bind(after.lead_org_id.0)
            .bind(after.assigned_on)
            .bind(after.schedule.sign_for)
            .bind(after.schedule.deploy)
            .bind(after.schedule.feedback)
            .bind(after.schedule.solve)
            .bind(after.schedule.is_confirmed)
            .bind(after.status.code())
            .bind(after.light.code())
            .bind(!after.status.is_closed())
            .bind(after.current_due)
            .bind(after.yellow_from)
            .bind(after.has_pending_extension)
            .bind(after.grade.map(Grade::code))
            .bind(after.close_requested_on)
            .bind(after.closed_on)
            .bind(days_to_close)
            .bind(tenant.0)
            .bind(before.id.0)
            .bind(before.status.code())
            .bind(before.has_pending_extension)
            .bind(before.lead_org_id.0)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StorageError::Conflict(Conflict::AssignmentChanged));
            }
            if after.lead_org_id != before.lead_org_id {
                // The new lead org no longer supports itself.
                sqlx::query("DELETE FROM assignment_supporting_orgs WHERE tenant_id = $1 AND assignment_id = $2 AND org_id = $3")
                    .bind(tenant.0)
                    .bind(before.id.0)
                    .bind(after.lead_org_id.0)
                    .execute(&mut *tx)
                    .await?;
            }
            let (stage, due_on, done_on) = match t.completed {
                Some((stage, due, done)) => (Some(stage.code()), Some(due), Some(done)),
                None => (None, None, None),
            };
            sqlx::query(
                "INSERT INTO assignment_events (tenant_id, assignment_id, org_id, user_id, at, action, from_status, \
                 to_status, note, completed_stage, due_on, done_on, from_light, to_light) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(tenant.0)
            .bind(before.id.0)
            .bind(before.lead_org_id.0)
            .bind(actor.user_id.map(|u| u.0))
            .bind(actor.at)
            .bind(t.action.code())
            .bind(before.status.code())
            .bind(after.status.code())
            .bind(t.note)
            .bind(stage)
            .bind(due_on)
            .bind(done_on)
            .bind(before.light.code())
            .bind(after.light.code())
            .execute(&mut *tx)
            .await?;
            match &t.extension {
                Some(ExtensionChange::Request { reason, requested_due }) => {
                    sqlx::query(
                        "INSERT INTO extension_requests (tenant_id, assignment_id, org_id, reason, old_due, requested_due, \
                         status, requested_by, requested_at, decision_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(tenant.0)
                    .bind(before.id.0)
                    .bind(before.lead_org_id.0)
                    .bind(reason)
                    .bind(before.schedule.solve)
                    .bind(requested_due)
                    .bind(ExtensionStatus::Pending.code())
                    .bind(actor.user_id.map(|u| u.0).unwrap_or_default())
                    .bind(actor.at)
                    .bind("")
                    .execute(&mut *tx)
                    .await?;
                }
                Some(ExtensionChange::Decide { approved, note }) => {
                    let status = if *approved { ExtensionStatus::Approved } else { ExtensionStatus::Refused };
                    sqlx::query(
                        "UPDATE extension_requests SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
                         WHERE tenant_id = $5 AND assignment_id = $6 AND status = $7",
                    )
                    .bind(status.code())
                    .bind(actor.user_id.map(|u| u.0))
                    .bind(actor.at)
                    .bind(note)
                    .bind(tenant.0)
                    .bind(before.id.0)
                    .bind(ExtensionStatus::Pending.code())
                    .execute(&mut *tx)
                    .await?;
                }
                Some(ExtensionChange::Withdraw) => {
                    sqlx::query(
                        "UPDATE extension_requests SET status = $1, decided_at = $2 \
                         WHERE tenant_id = $3 AND assignment_id = $4 AND status = $5",
                    )
                    .bind(ExtensionStatus::Withdrawn.code())
                    .bind(actor.at)
                    .bind(tenant.0)
                    .bind(before.id.0)
                    .bind(ExtensionStatus::Pending.code())
                    .execute(&mut *tx)
                    .await?;
                }
                None => {}
            }
            let mut after_json = snapshot(after);
            after_json["note"] = json!(t.note);
            record!(tx, event(tenant, actor, "assignment", before.id.0, t.action.code(), Some(snapshot(before)), Some(after_json)));
        });
        Ok(())
    }

    /// A page of matters, most urgent (earliest current due date) first.
    pub async fn assignments(&self, q: &AssignmentQuery) -> Result<AssignmentPage> {
        let mut condition = String::from("a.tenant_id = $1");
        let mut org = 0_i64;
        match q.scope {
            AssignmentScope::All => condition += " AND $2 = $2",
            AssignmentScope::LeadOrg(o) => {
                org = o.0;
                condition += " AND a.lead_org_id = $2";
            }
            AssignmentScope::Involving(o) => {
                org = o.0;
                condition += " AND (a.lead_org_id = $2 OR EXISTS (SELECT 1 FROM assignment_supporting_orgs s \
                               WHERE s.assignment_id = a.id AND s.org_id = $2))";
            }
        }
        if q.open_only {
            condition += " AND a.is_open = $3";
        } else {
            condition += " AND $3 = $3";
        }
        let light = q.light.map_or(String::new(), |l| l.code().to_owned());
        if q.light.is_some() {
            condition += " AND a.light = $4";
        } else {
            condition += " AND $4 = $4";
        }
        let per_page = q.per_page.clamp(1, 200);
        let offset = u64::from(q.page) * u64::from(per_page);
        let list_sql = format!(
            "SELECT a.id, a.title, a.source, a.lead_org_id, o.name AS lead_org_name, a.is_major, a.assigned_on, a.status, \
             a.light, a.current_due, a.solve_due, a.has_pending_extension \
             FROM assignments a JOIN orgs o ON o.id = a.lead_org_id WHERE {condition} \
             ORDER BY a.current_due, a.id LIMIT {per_page} OFFSET {offset}"
        );
        let count_sql = format!("SELECT COUNT(*) FROM assignments a WHERE {condition}");
        let (rows, total): (Vec<SummaryRow>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(list_sql))
                .bind(q.tenant_id.0).bind(org).bind(true).bind(&light)
                .fetch_all(pool).await?;
            let total = if q.with_total {
                sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
                    .bind(q.tenant_id.0).bind(org).bind(true).bind(&light)
                    .fetch_one(pool).await?
            } else {
                -1
            };
            (rows, total)
        });
        Ok(AssignmentPage { items: rows.into_iter().map(SummaryRow::into_summary).collect::<Result<_>>()?, total })
    }

    /// How many of the tenant's matters (an org's, if given, as lead) show each light; `done` counts closed ones.
    pub async fn assignment_light_counts(&self, tenant: TenantId, lead_org: Option<OrgId>) -> Result<LightCounts> {
        let sql = match lead_org {
            Some(_) => {
                "SELECT light, COUNT(*) FROM assignments WHERE tenant_id = $1 AND lead_org_id = $2 GROUP BY light"
            }
            None => "SELECT light, COUNT(*) FROM assignments WHERE tenant_id = $1 AND $2 = $2 GROUP BY light",
        };
        let org = lead_org.map_or(0, |o| o.0);
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(tenant.0).bind(org).fetch_all(pool).await?
        });
        let mut counts = LightCounts::default();
        for (light, n) in rows {
            match code("assignments", &light, Light::from_code)? {
                Light::Green => counts.green = n,
                Light::Yellow => counts.yellow = n,
                Light::Red => counts.red = n,
                Light::Overdue => counts.overdue = n,
                Light::Done => counts.done = n,
            }
        }
        Ok(counts)
    }

    /// A matter's history, oldest first.
    pub async fn assignment_events(&self, tenant: TenantId, id: AssignmentId) -> Result<Vec<AssignmentEvent>> {
        let rows: Vec<EventRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT e.id, e.assignment_id, e.org_id, e.user_id, u.display_name AS user_name, e.at, e.action, \
                 e.from_status, e.to_status, e.note, e.completed_stage, e.due_on, e.done_on, e.from_light, e.to_light \
                 FROM assignment_events e LEFT JOIN users u ON u.id = e.user_id \
                 WHERE e.tenant_id = $1 AND e.assignment_id = $2 ORDER BY e.id",
            )
            .bind(tenant.0)
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(EventRow::into_event).collect()
    }

    /// A matter's extension requests, oldest first.
    pub async fn extension_requests(&self, tenant: TenantId, id: AssignmentId) -> Result<Vec<ExtensionRequest>> {
        let rows: Vec<ExtensionRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, assignment_id, org_id, reason, old_due, requested_due, status, requested_by, requested_at, \
                 decided_by, decided_at, decision_note FROM extension_requests \
                 WHERE tenant_id = $1 AND assignment_id = $2 ORDER BY id",
            )
            .bind(tenant.0)
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(ExtensionRequest {
                    id: ExtensionId(r.id),
                    assignment_id: AssignmentId(r.assignment_id),
                    org_id: OrgId(r.org_id),
                    reason: r.reason,
                    old_due: r.old_due,
                    requested_due: r.requested_due,
                    status: code("extension_requests", &r.status, ExtensionStatus::from_code)?,
                    requested_by: UserId(r.requested_by),
                    requested_at: r.requested_at,
                    decided_by: r.decided_by.map(UserId),
                    decided_at: r.decided_at,
                    decision_note: r.decision_note,
                })
            })
            .collect()
    }

    /// 亮灯巡检: sets today's light on every open matter of the tenant whose
    /// clock runs, in one transaction of three bulk statements: the changes are
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
            let rows: Vec<ChangeRow> = sqlx::query_as(sqlx::AssertSqlSafe(insert))
                .bind(tenant.0)
                .bind(today)
                .bind(true)
                .bind(at)
                .fetch_all(&mut *tx)
                .await?;
            if !rows.is_empty() {
                sqlx::query(sqlx::AssertSqlSafe(update)).bind(tenant.0).bind(today).bind(true).execute(&mut *tx).await?;
                let actor = Actor { user_id: None, at };
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
