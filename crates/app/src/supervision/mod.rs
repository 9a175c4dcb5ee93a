//! 督办: assigned matters (交办事项) on a timeline rule, and who may move them.
//!
//! - The office (supervisors and admins) creates matters, reassigns them,
//!   decides extension requests, and returns or accepts (and grades) closes.
//! - Reporters of the lead org sign for, deploy, give feedback, ask for an
//!   extension and ask to close.
//! - Reporters of a supporting org see the matter; leaders see every matter
//!   of the tenant and change none.
//!
//! The daily sweep ([`App::sweep_assignments`]) turns lights and records each
//! change in the matter's history. Reminders and supervision notices
//! (督办通知单) are made from those records, not here: see
//! [`App::light_changes_to_notify`].

use crate::cache::Lookup;
use crate::guards::require_supervisor;
use crate::input::{parse_date, parse_page};
use crate::{App, AppError, Result};
use chrono::NaiveDate;
use qingdan_domain::assignment::{
    Action, Assignment, AssignmentEvent, AssignmentSource, AssignmentStatus, ExtensionRequest, ExtensionStatus, Grade,
    Party, Stage, TimelineRule, next,
};
use qingdan_domain::{
    AssignmentId, Invalid, Light, Org, OrgId, Role, TaskId, TenantId, TimelineRuleId, User, UserId, WorkCalendar,
};
use qingdan_storage::{
    AssignmentPage, AssignmentQuery, AssignmentScope, AssignmentSummary, AssignmentTransition, ExtensionChange,
    LightCounts,
};
use serde::Deserialize;
use std::collections::HashSet;

mod files;
mod notice;
mod reschedule;
mod scheduler;
mod sweep;
mod timeline_rules;
pub(crate) use files::checked_file;
pub use files::{AssignmentFileDownload, DEFAULT_CONTENT_TYPE, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_NAME};
pub use notice::may_issue_notice;
pub use scheduler::{SupervisionPass, reminder, reminder_key};
pub use sweep::{OrgAssignmentStats, StageRate};
pub use timeline_rules::TimelineRuleInput;

/// The longest note, feedback or reason, in characters.
const MAX_NOTE: usize = 2000;
/// The longest matter text, in characters.
const MAX_TEXT: usize = 5000;
/// The most attachment names a matter carries.
const MAX_ATTACHMENTS: usize = 20;

/// A new matter as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct NewAssignmentInput {
    #[serde(default)]
    pub title: String,
    /// leader_instruction, meeting_decision, task or suggestion_or_proposal
    #[serde(default)]
    pub source: String,
    /// The task it comes from, when the source is `task`.
    pub source_task_id: Option<i64>,
    /// 交办内容
    #[serde(default)]
    pub text: String,
    /// Names of attached documents sent by other means; files themselves are
    /// uploaded on the matter's page once it exists (`App::add_assignment_file`).
    #[serde(default)]
    pub attachments: Vec<String>,
    pub lead_org_id: Option<i64>,
    #[serde(default)]
    pub supporting_org_ids: Vec<i64>,
    /// 责任领导, a user of the tenant; or give `leader_name`.
    pub leader_id: Option<i64>,
    #[serde(default)]
    pub leader_name: String,
    /// The timeline rule; the tenant's 13710 rule when absent.
    pub rule_id: Option<i64>,
    /// 重大复杂事项
    #[serde(default)]
    pub is_major: bool,
    /// 时间表: the solve date of a major matter, YYYY-MM-DD (optional).
    #[serde(default)]
    pub timetable: String,
    /// The day it was assigned, YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub assigned_on: String,
}

/// A step on a matter: the action and what it needs.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TransitionInput {
    /// sign_for, deploy, feedback, request_extension, approve_extension, refuse_extension,
    /// request_close, return_close, accept_close or reassign
    #[serde(default)]
    pub action: String,
    /// What was done, the reason or the opinion (required for deploy, feedback,
    /// request_extension, request_close and return_close).
    #[serde(default)]
    pub note: String,
    /// accept_close: excellent, good, pass or fail.
    #[serde(default)]
    pub grade: String,
    /// request_extension: the solve date asked for; approve_extension: the date granted
    /// (the one asked for when empty). YYYY-MM-DD.
    #[serde(default)]
    pub due: String,
    /// reassign: the new lead org.
    pub org_id: Option<i64>,
}

/// A matter list's filter as read from [`AssignmentFilter`].
struct MatterFilter {
    light: Option<Light>,
    lead_org: Option<OrgId>,
    page: u32,
    per_page: u32,
}

/// Reads a matter list's light, lead org, page and page size; each fault is
/// named under its parameter.
fn matter_filter(filter: &AssignmentFilter) -> Result<MatterFilter> {
    let mut invalid = Invalid::new();
    let light = match filter.light.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(code) => Light::from_code(code).or_else(|| {
            invalid.add("light", "unknown", "亮灯应为绿灯（green）、黄灯（yellow）、红灯（red）或已办结（done）");
            None
        }),
    };
    let lead_org = crate::plans::filter::positive_id(&mut invalid, "lead_org", "牵头单位", &filter.lead_org).map(OrgId);
    let page = parse_page(&mut invalid, "page", filter.page.as_deref(), 0, 0..=100_000);
    let per_page = parse_page(&mut invalid, "per_page", filter.per_page.as_deref(), 50, 1..=crate::plans::MAX_PER_PAGE);
    invalid.into_result()?;
    Ok(MatterFilter { light, lead_org, page, per_page })
}

/// Which matters a list shows: from a query string or API parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentFilter {
    /// green, yellow, red or done
    pub light: Option<String>,
    /// The lead org's id (office and leaders only).
    pub lead_org: Option<String>,
    /// "1" to include closed matters.
    pub closed: Option<String>,
    /// Zero-based page number.
    pub page: Option<String>,
    /// Matters per page, 1 to 200 (default 50).
    pub per_page: Option<String>,
}

/// One stage of a matter's timeline as the detail page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageLine {
    pub stage: Stage,
    pub due: NaiveDate,
    /// The day it was done, for the current lead org.
    pub done_on: Option<NaiveDate>,
    pub is_on_time: Option<bool>,
    /// The lead org is working against this stage now.
    pub is_current: bool,
}

/// Everything a matter's page shows.
#[derive(Debug, Clone)]
pub struct AssignmentDetail {
    pub assignment: Assignment,
    pub rule: TimelineRule,
    pub stages: Vec<StageLine>,
    pub events: Vec<AssignmentEvent>,
    pub extensions: Vec<ExtensionRequest>,
    /// The tenant's orgs, for names and for reassigning.
    pub orgs: Vec<Org>,
    /// What the viewer may do now.
    pub allowed: Vec<Action>,
    /// 附件: the stored files, oldest first, without their content.
    pub files: Vec<qingdan_storage::AssignmentFile>,
    /// The viewer may add files.
    pub may_upload_files: bool,
}

impl AssignmentDetail {
    pub fn org_name(&self, id: OrgId) -> &str {
        self.orgs.iter().find(|o| o.id == id).map_or("", |o| o.name.as_str())
    }

    pub fn pending_extension(&self) -> Option<&ExtensionRequest> {
        self.extensions.iter().rev().find(|e| e.status == ExtensionStatus::Pending)
    }
}

/// The office's overview: light counts and a page of matters.
#[derive(Debug, Clone)]
pub struct AssignmentOverview {
    pub counts: LightCounts,
    pub page: AssignmentPage,
    pub page_number: u32,
    pub light: Option<Light>,
    pub lead_org: Option<OrgId>,
    pub include_closed: bool,
}

/// 待办事项: what an org must act on now, and what it supports.
#[derive(Debug, Clone)]
pub struct OrgAssignments {
    pub org: Org,
    /// Open matters it leads, most urgent first.
    pub to_act: Vec<AssignmentSummary>,
    /// Open matters it supports.
    pub supporting: Vec<AssignmentSummary>,
}

fn party_allows(user: &User, a: &Assignment, party: Party) -> bool {
    match party {
        Party::Office => user.role.can_supervise(),
        Party::LeadOrg => user.role == Role::Reporter && user.org_id == a.lead_org_id,
    }
}

fn can_view_matter(user: &User, a: &Assignment) -> bool {
    user.role.reads_whole_tenant() || (!user.role.is_administrator() && a.involves(user.org_id))
}

impl App {
    /// The calendar deadlines of `tenant` count on: its own, as the admin keeps it.
    async fn work_calendar(&self, tenant: TenantId) -> Result<WorkCalendar> {
        self.calendar(tenant).await
    }

    /// 交办: the office assigns a matter to a lead org. Returns its id.
    pub async fn create_assignment(&self, user: &User, input: &NewAssignmentInput) -> Result<AssignmentId> {
        self.create_linked_assignment(user, input, None).await
    }

    /// [`App::create_assignment`] from a 前期手续, a 堵点 or a meeting's
    /// decision, linked to it in the same transaction (a second is refused).
    pub(crate) async fn create_linked_assignment(
        &self,
        user: &User,
        input: &NewAssignmentInput,
        link: Option<qingdan_storage::AssignmentLink>,
    ) -> Result<AssignmentId> {
        require_supervisor(user)?;
        let tenant = user.tenant_id;
        let today = self.clock.today();
        let orgs = self.store.orgs(tenant).await?;
        let known: HashSet<OrgId> = orgs.iter().map(|o| o.id).collect();
        let mut invalid = Invalid::new();
        let title = invalid.text("title", "事项名称", &input.title, 200);
        let text = invalid.text("text", "交办内容", &input.text, MAX_TEXT);
        let source = AssignmentSource::from_code(input.source.trim()).unwrap_or_else(|| {
            invalid.add(
                "source",
                "unknown",
                "来源应为领导批示（leader_instruction）、会议决定（meeting_decision）、任务（task）、建议提案（suggestion_or_proposal）或重点项目（key_project）",
            );
            AssignmentSource::LeaderInstruction
        });
        let source_task_id = match input.source_task_id {
            Some(id) if self.store.task(tenant, TaskId(id)).await?.is_none() => {
                invalid.add("source_task_id", "not_found", format!("任务（编号{id}）不存在"));
                None
            }
            other => other.map(TaskId),
        };
        let lead_org_id = match input.lead_org_id {
            None => {
                invalid.add("lead_org_id", "required", "请选择牵头单位");
                OrgId(0)
            }
            Some(id) if !known.contains(&OrgId(id)) => {
                invalid.add("lead_org_id", "not_found", format!("牵头单位（编号{id}）不存在"));
                OrgId(0)
            }
            Some(id) => OrgId(id),
        };
        let mut supporting_org_ids = Vec::new();
        for &id in &input.supporting_org_ids {
            let org = OrgId(id);
            if !known.contains(&org) {
                invalid.add("supporting_org_ids", "not_found", format!("配合单位（编号{id}）不存在"));
            } else if org == lead_org_id {
                invalid.add("supporting_org_ids", "is_lead", "牵头单位不能同时是配合单位");
            } else if !supporting_org_ids.contains(&org) {
                supporting_org_ids.push(org);
            }
        }
        let mut leader_name = invalid.optional_text("leader_name", "责任领导", &input.leader_name, 50);
        let leader_id = match input.leader_id {
            None => None,
            Some(id) => match self.store.user(tenant, UserId(id)).await? {
                Some(leader) => {
                    if leader_name.is_empty() {
                        leader_name = leader.display_name;
                    }
                    Some(leader.id)
                }
                None => {
                    invalid.add("leader_id", "not_found", format!("责任领导（编号{id}）不存在"));
                    None
                }
            },
        };
        let rule = match input.rule_id {
            None => Some(self.store.ensure_rule_13710(tenant).await?),
            Some(id) => {
                let rule = self.store.timeline_rule(tenant, TimelineRuleId(id)).await?;
                if rule.is_none() {
                    invalid.add("rule_id", "not_found", format!("时限规则（编号{id}）不存在"));
                }
                rule
            }
        };
        let timetable = match input.timetable.trim() {
            "" => None,
            text => {
                let date = parse_date(&mut invalid, "timetable", "时间表办结日期", text);
                if !input.is_major && date.is_some() {
                    invalid.add("timetable", "not_major", "只有重大复杂事项可以给出时间表");
                }
                date
            }
        };
        let assigned_on = match input.assigned_on.trim() {
            "" => today,
            text => match parse_date(&mut invalid, "assigned_on", "交办日期", text) {
                Some(day) if day > today => {
                    invalid.add("assigned_on", "future", "交办日期不能晚于今天");
                    today
                }
                Some(day) => day,
                None => today,
            },
        };
        if timetable.is_some_and(|t| t <= assigned_on) {
            invalid.add("timetable", "too_early", "时间表办结日期应晚于交办日期");
        }
        let mut attachments = Vec::new();
        for name in input.attachments.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            if name.chars().count() > 200 {
                invalid.add("attachments", "too_long", "附件名称不能超过200个字");
            } else {
                attachments.push(name.to_owned());
            }
        }
        if attachments.len() > MAX_ATTACHMENTS {
            invalid.add("attachments", "too_many", format!("附件不能超过{MAX_ATTACHMENTS}个"));
        }
        invalid.into_result()?;
        let rule = rule.ok_or(AppError::NotFound("时限规则"))?;
        let calendar = self.work_calendar(tenant).await?;
        let schedule = rule.schedule(&calendar, assigned_on, input.is_major, timetable);
        if timetable.is_some_and(|t| t < schedule.feedback) {
            let message = format!("时间表办结日期不能早于反馈时限（{}）", schedule.feedback);
            return Err(AppError::field("timetable", "before_feedback", message));
        }
        let current_due = schedule.sign_for;
        let mut matter = Assignment {
            id: AssignmentId(0),
            tenant_id: tenant,
            title,
            source,
            source_task_id,
            text,
            attachments,
            lead_org_id,
            supporting_org_ids,
            leader_id,
            leader_name,
            rule_id: rule.id,
            assigning_org_id: user.org_id,
            is_major: input.is_major,
            timetable,
            assigned_on,
            schedule,
            status: AssignmentStatus::Assigned,
            light: Light::Green,
            current_due,
            yellow_from: rule.yellow_from(&calendar, assigned_on, current_due),
            has_pending_extension: false,
            grade: None,
            close_requested_on: None,
            closed_on: None,
        };
        matter.light = matter.light_on(today);
        let id = self.store.create_linked_assignment(&matter, link, self.actor(user)).await;
        self.matter_counts.clear();
        let id = id?;
        self.tell_assigned(tenant, id, &matter).await;
        Ok(id)
    }

    /// A matter the user may see, or `NotFound`/`Forbidden`.
    pub async fn assignment(&self, user: &User, id: AssignmentId) -> Result<Assignment> {
        let a = self.store.assignment(user.tenant_id, id).await?.ok_or(AppError::NotFound("交办事项"))?;
        if !can_view_matter(user, &a) {
            return Err(AppError::Forbidden);
        }
        Ok(a)
    }

    /// A matter with its stage timeline, history, extension requests and what the viewer may do.
    pub async fn assignment_detail(&self, user: &User, id: AssignmentId) -> Result<AssignmentDetail> {
        let assignment = self.assignment(user, id).await?;
        let rule = self
            .store
            .timeline_rule(user.tenant_id, assignment.rule_id)
            .await?
            .ok_or(AppError::NotFound("时限规则"))?;
        let events = self.store.assignment_events(user.tenant_id, id).await?;
        let extensions = self.store.extension_requests(user.tenant_id, id).await?;
        let orgs = self.store.orgs(user.tenant_id).await?;
        // Stages count again from the last reassignment.
        let since = events.iter().rposition(|e| e.action == Action::Reassign.code()).unwrap_or(0);
        let current = assignment.status.stage();
        let stages = Stage::ALL
            .into_iter()
            .map(|stage| {
                let done = events[since..].iter().rev().find(|e| e.completed_stage == Some(stage));
                StageLine {
                    stage,
                    due: assignment.schedule.due(stage),
                    done_on: done.and_then(|e| e.done_on),
                    is_on_time: done.and_then(AssignmentEvent::is_on_time),
                    is_current: current == Some(stage),
                }
            })
            .collect();
        let allowed = Action::ALL
            .into_iter()
            .filter(|a| party_allows(user, &assignment, a.party()) && next(assignment.state(), *a).is_ok())
            .collect();
        let files = self.store.assignment_files(user.tenant_id, id).await?;
        let may_upload_files = files::may_upload_files(user, &assignment);
        Ok(AssignmentDetail { assignment, rule, stages, events, extensions, orgs, allowed, files, may_upload_files })
    }

    /// Takes one step on a matter. Who may take it follows [`Action::party`];
    /// a step the state machine refuses is a `Conflict` with its Chinese reason,
    /// and nothing is saved.
    pub async fn transition_assignment(
        &self,
        user: &User,
        id: AssignmentId,
        input: &TransitionInput,
    ) -> Result<Assignment> {
        let before = self.assignment(user, id).await?;
        let action = Action::from_code(input.action.trim())
            .ok_or_else(|| AppError::field("action", "unknown", format!("未知的操作“{}”", input.action.trim())))?;
        if !party_allows(user, &before, action.party()) {
            return Err(AppError::Forbidden);
        }
        let state = next(before.state(), action).map_err(AppError::Conflict)?;
        let today = self.clock.today();
        let tenant = user.tenant_id;
        let rule = self.store.timeline_rule(tenant, before.rule_id).await?.ok_or(AppError::NotFound("时限规则"))?;
        let calendar = self.work_calendar(tenant).await?;
        let mut invalid = Invalid::new();
        let mut after = before.clone();
        after.status = state.status;
        after.has_pending_extension = state.has_pending_extension;
        let mut completed = None;
        let mut extension = None;
        let note = match action {
            Action::Deploy => invalid.text("note", "部署情况", &input.note, MAX_NOTE),
            Action::Feedback => invalid.text("note", "反馈内容", &input.note, MAX_NOTE),
            Action::RequestExtension => invalid.text("note", "延期理由", &input.note, MAX_NOTE),
            Action::RequestClose => invalid.text("note", "办结情况", &input.note, MAX_NOTE),
            Action::ReturnClose => invalid.text("note", "退回意见", &input.note, MAX_NOTE),
            _ => invalid.optional_text("note", "说明", &input.note, MAX_NOTE),
        };
        match action {
            Action::SignFor | Action::Deploy | Action::Feedback => {
                if let Some(stage) = action.completes(before.status) {
                    completed = Some((stage, before.schedule.due(stage), today));
                }
            }
            Action::RequestExtension => {
                let due = parse_date(&mut invalid, "due", "申请延期至", &input.due);
                if let Some(due) = due {
                    if due <= before.schedule.solve {
                        invalid.add(
                            "due",
                            "too_early",
                            format!("延期后的办结日期应晚于原办结时限{}", before.schedule.solve),
                        );
                    }
                    extension = Some(ExtensionChange::Request { reason: note.clone(), requested_due: due });
                }
            }
            Action::ApproveExtension => {
                let pending = self
                    .store
                    .extension_requests(tenant, id)
                    .await?
                    .into_iter()
                    .rev()
                    .find(|e| e.status == ExtensionStatus::Pending)
                    .ok_or_else(|| AppError::Conflict("该事项没有待审批的延期申请".into()))?;
                let due = match input.due.trim() {
                    "" => Some(pending.requested_due),
                    text => parse_date(&mut invalid, "due", "批准延期至", text),
                };
                if let Some(due) = due {
                    let (due, confirmed) = qingdan_domain::assignment::DayCount::on_or_after(&calendar, due);
                    if due <= before.schedule.solve {
                        invalid.add(
                            "due",
                            "too_early",
                            format!("延期后的办结日期应晚于原办结时限{}", before.schedule.solve),
                        );
                    }
                    after.schedule.solve = due;
                    after.schedule.is_confirmed &= confirmed;
                }
                extension = Some(ExtensionChange::Decide { approved: true, note: note.clone() });
            }
            Action::RefuseExtension => {
                extension = Some(ExtensionChange::Decide { approved: false, note: note.clone() });
            }
            Action::RequestClose => after.close_requested_on = Some(today),
            Action::ReturnClose => after.close_requested_on = None,
            Action::AcceptClose => {
                match Grade::from_code(input.grade.trim()) {
                    Some(grade) => after.grade = Some(grade),
                    None => invalid.add(
                        "grade",
                        "unknown",
                        "请评定办结等次：优秀（excellent）、良好（good）、合格（pass）或不合格（fail）",
                    ),
                }
                after.closed_on = Some(today);
                let requested = before.close_requested_on.unwrap_or(today);
                completed = Some((Stage::Solve, before.schedule.solve, requested));
            }
            Action::Reassign => {
                let orgs = self.store.orgs(tenant).await?;
                match input.org_id {
                    None => invalid.add("org_id", "required", "请选择改派的牵头单位"),
                    Some(org) if !orgs.iter().any(|o| o.id.0 == org) => {
                        invalid.add("org_id", "not_found", format!("单位（编号{org}）不存在"));
                    }
                    Some(org) if OrgId(org) == before.lead_org_id => {
                        invalid.add("org_id", "same_org", "改派单位与原牵头单位相同");
                    }
                    Some(org) => {
                        after.lead_org_id = OrgId(org);
                        after.supporting_org_ids.retain(|o| o.0 != org);
                    }
                }
                after.assigned_on = today;
                after.schedule =
                    rule.schedule(&calendar, today, before.is_major, before.timetable.filter(|t| *t > today));
                after.close_requested_on = None;
                if before.has_pending_extension {
                    extension = Some(ExtensionChange::Withdraw);
                }
            }
        }
        invalid.into_result()?;
        if let Some(stage) = after.status.stage() {
            after.current_due = after.schedule.due(stage);
            after.yellow_from = rule.yellow_from(&calendar, after.assigned_on, after.current_due);
        }
        after.light = after.light_on(today);
        let transition =
            AssignmentTransition { before: &before, after: &after, action, note: &note, completed, extension };
        let done = self.store.transition_assignment(&transition, self.actor(user)).await;
        self.matter_counts.clear();
        done?;
        self.tell_step(tenant, &after, action).await;
        self.store.assignment(tenant, id).await?.ok_or(AppError::NotFound("交办事项"))
    }

    /// 督办事项: the office's (and leaders') overview of the tenant's matters.
    pub async fn assignment_overview(&self, user: &User, filter: &AssignmentFilter) -> Result<AssignmentOverview> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let MatterFilter { light, lead_org, page: page_number, per_page } = matter_filter(filter)?;
        let include_closed = filter.closed.as_deref() == Some("1") || light == Some(Light::Done);
        let scope = lead_org.map_or(AssignmentScope::All, AssignmentScope::LeadOrg);
        let query = AssignmentQuery {
            tenant_id: user.tenant_id,
            scope,
            light,
            open_only: !include_closed,
            pending_extension_only: false,
            page: page_number,
            per_page,
            with_total: false,
        };
        let mut page = self.store.assignments(&query).await?;
        let counts = self.matter_light_counts(user.tenant_id, lead_org).await?;
        // The light counts of the same scope give the total without a second count.
        page.total = match light {
            Some(light) => counts.of(light),
            None if include_closed => counts.total(),
            None => counts.green + counts.yellow + counts.red,
        };
        Ok(AssignmentOverview { counts, page, page_number, light, lead_org, include_closed })
    }

    /// 待办事项: the open matters the user's org leads (to act on) and supports.
    pub async fn org_assignments(&self, user: &User) -> Result<OrgAssignments> {
        let org = self.store.org(user.tenant_id, user.org_id).await?.ok_or(AppError::NotFound("单位"))?;
        let query = |scope| AssignmentQuery {
            tenant_id: user.tenant_id,
            scope,
            light: None,
            open_only: true,
            pending_extension_only: false,
            page: 0,
            per_page: 200,
            with_total: false,
        };
        let to_act = self.store.assignments(&query(AssignmentScope::LeadOrg(org.id))).await?.items;
        let supporting = self
            .store
            .assignments(&query(AssignmentScope::Involving(org.id)))
            .await?
            .items
            .into_iter()
            .filter(|a| a.lead_org_id != org.id)
            .collect();
        Ok(OrgAssignments { org, to_act, supporting })
    }

    /// The matters a user may list through the API: all for the office and
    /// leaders, those their org leads or supports for a reporter.
    pub async fn assignment_list(&self, user: &User, filter: &AssignmentFilter) -> Result<AssignmentPage> {
        crate::guards::require_business(user)?;
        if user.role.reads_whole_tenant() {
            return Ok(self.assignment_overview(user, filter).await?.page);
        }
        let MatterFilter { light, page, per_page, .. } = matter_filter(filter)?;
        let query = AssignmentQuery {
            tenant_id: user.tenant_id,
            scope: AssignmentScope::Involving(user.org_id),
            light,
            open_only: filter.closed.as_deref() != Some("1") && light != Some(Light::Done),
            pending_extension_only: false,
            page,
            per_page,
            with_total: true,
        };
        Ok(self.store.assignments(&query).await?)
    }

    /// Light counts of the tenant's matters (an org's as lead), kept a few
    /// seconds like the plans' ([`crate::cache`]): every office page shows them.
    async fn matter_light_counts(&self, tenant: TenantId, lead_org: Option<OrgId>) -> Result<LightCounts> {
        match self.matter_counts.lookup(&(tenant, lead_org)) {
            Lookup::Fresh(counts) | Lookup::Stale(counts) => return Ok(counts),
            Lookup::Refresh => {}
        }
        let counts = self.store.assignment_light_counts(tenant, lead_org).await?;
        self.matter_counts.put((tenant, lead_org), counts);
        Ok(counts)
    }
}
