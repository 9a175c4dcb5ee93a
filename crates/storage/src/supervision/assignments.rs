//! 交办事项: assigned matters as stored — created, read, moved a step (with
//! their history and extension requests) and listed.

use crate::audit::{event, record};
use crate::error::Conflict;
use crate::projects::prework::{AssignmentLink, link_assignment};
use crate::rows::code;
use crate::store::{in_tx, on_pool};
use crate::{Actor, LightCounts, Result, StorageError, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::assignment::{
    Action, Assignment, AssignmentEvent, AssignmentSource, AssignmentStatus, EVENT_CREATE, EVENT_LIGHT,
    ExtensionRequest, ExtensionStatus, Grade, Schedule, Stage, days_between,
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
    /// Only matters with a 延期 request waiting for the office.
    pub pending_extension_only: bool,
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
            user_name: self.user_name,
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
    granted_due: Option<NaiveDate>,
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
    /// Creates a matter (its id in `new` is ignored) with its supporting orgs,
    /// attachment names, the first history entry and the audit event.
    pub async fn create_assignment(&self, new: &Assignment, actor: Actor) -> Result<AssignmentId> {
        self.create_linked_assignment(new, None, actor).await
    }

    /// [`Store::create_assignment`], linking the matter to what it comes
    /// from (a 前期手续, a 堵点, a meeting's decision) in the same
    /// transaction; one linked already is refused and nothing is created.
    pub async fn create_linked_assignment(
        &self,
        new: &Assignment,
        link: Option<AssignmentLink>,
        actor: Actor,
    ) -> Result<AssignmentId> {
        let id = in_tx!(self, tx => {
            let id = insert_assignment!(tx, new, actor.user_id.map(|u| u.0), actor.at);
            match link {
                Some(AssignmentLink::Prework(node)) => link_assignment!(tx, "prework_nodes", new.tenant_id, node.0, id),
                Some(AssignmentLink::Factor(issue)) => link_assignment!(tx, "factor_issues", new.tenant_id, issue.0, id),
                Some(AssignmentLink::Decision(decision)) => {
                    link_assignment!(tx, "dispatch_decisions", new.tenant_id, decision.0, id)
                }
                None => {}
            }
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
            if new.light == Light::Red {
                // Entered after its first stage was due (补录): red from the start,
                // recorded as a light that turned, so the lead org is told as for any other.
                sqlx::query(
                    "INSERT INTO assignment_events (tenant_id, assignment_id, org_id, user_id, at, action, from_status, \
                     to_status, note, due_on, from_light, to_light) VALUES ($1, $2, $3, NULL, $4, $5, $6, $6, '', $7, $8, $9)",
                )
                .bind(new.tenant_id.0)
                .bind(id)
                .bind(new.lead_org_id.0)
                .bind(actor.at)
                .bind(EVENT_LIGHT)
                .bind(new.status.code())
                .bind(new.current_due)
                .bind(Light::Green.code())
                .bind(Light::Red.code())
                .execute(&mut *tx)
                .await?;
            }
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
                    // An approval keeps the date granted: the office may grant another than asked.
                    let granted_due = approved.then_some(after.schedule.solve);
                    sqlx::query(
                        "UPDATE extension_requests SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4, \
                         granted_due = $5 WHERE tenant_id = $6 AND assignment_id = $7 AND status = $8",
                    )
                    .bind(status.code())
                    .bind(actor.user_id.map(|u| u.0))
                    .bind(actor.at)
                    .bind(note)
                    .bind(granted_due)
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

    /// Stores a matter's due dates worked out afresh (`after`: schedule,
    /// current due date, yellow day and light) if it still stands where
    /// `before` says (status and dates); else a `Conflict` and nothing changes.
    /// Recorded in the audit trail as `reschedule`.
    pub async fn reschedule_assignment(&self, before: &Assignment, after: &Assignment, actor: Actor) -> Result<()> {
        let tenant = before.tenant_id;
        in_tx!(self, tx => {
            let done = sqlx::query(
                "UPDATE assignments SET sign_for_due = $1, deploy_due = $2, feedback_due = $3, solve_due = $4, \
                 is_schedule_confirmed = $5, current_due = $6, yellow_from = $7, light = $8 \
                 WHERE tenant_id = $9 AND id = $10 AND status = $11 AND solve_due = $12 AND current_due = $13 \
                 AND assigned_on = $14",
            )
            .bind(after.schedule.sign_for)
            .bind(after.schedule.deploy)
            .bind(after.schedule.feedback)
            .bind(after.schedule.solve)
            .bind(after.schedule.is_confirmed)
            .bind(after.current_due)
            .bind(after.yellow_from)
            .bind(after.light.code())
            .bind(tenant.0)
            .bind(before.id.0)
            .bind(before.status.code())
            .bind(before.schedule.solve)
            .bind(before.current_due)
            .bind(before.assigned_on)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StorageError::Conflict(Conflict::AssignmentChanged));
            }
            record!(tx, event(tenant, actor, "assignment", before.id.0, "reschedule", Some(snapshot(before)), Some(snapshot(after))));
        });
        Ok(())
    }

    /// The ids of the tenant's open matters, every one (for a sweep).
    pub async fn open_assignment_ids(&self, tenant: TenantId) -> Result<Vec<AssignmentId>> {
        let sql = "SELECT id FROM assignments WHERE tenant_id = $1 AND is_open = $2 ORDER BY id";
        let ids: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar(sql).bind(tenant.0).bind(true).fetch_all(pool).await?
        });
        Ok(ids.into_iter().map(AssignmentId).collect())
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
        if q.pending_extension_only {
            condition += " AND a.has_pending_extension = $3";
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
                 decided_by, decided_at, decision_note, granted_due FROM extension_requests \
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
                    granted_due: r.granted_due,
                })
            })
            .collect()
    }
}
