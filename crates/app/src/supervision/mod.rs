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
use crate::input::parse_date;
use crate::{App, AppError, Result, lenient};
use chrono::NaiveDate;
use qingdan_domain::assignment::{
    Action, Assignment, AssignmentEvent, AssignmentSource, AssignmentStatus, DayCounting, ExtensionRequest,
    ExtensionStatus, Grade, LightChange, MajorLimit, Party, Stage, TimelineRule, next,
};
use qingdan_domain::{
    AssignmentId, Invalid, Light, Org, OrgId, Role, TaskId, TenantId, TimelineRuleId, User, UserId, WorkCalendar,
};
use qingdan_storage::{
    AssignmentPage, AssignmentQuery, AssignmentScope, AssignmentSummary, AssignmentTransition, Conflict,
    ExtensionChange, LightChangeNotice, LightCounts, StorageError, Unique,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

mod files;
mod notice;
mod scheduler;
pub use files::{AssignmentFileDownload, DEFAULT_CONTENT_TYPE, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_NAME};
pub use notice::may_issue_notice;
pub use scheduler::{SupervisionPass, reminder, reminder_key};

/// The longest note, feedback or reason, in characters.
const MAX_NOTE: usize = 2000;
/// The longest matter text, in characters.
const MAX_TEXT: usize = 5000;
/// The most attachment names a matter carries.
const MAX_ATTACHMENTS: usize = 20;

/// A new matter as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
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

/// A timeline rule as typed in.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TimelineRuleInput {
    #[serde(default)]
    pub name: String,
    /// working_days or calendar_days
    #[serde(default)]
    pub counting: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub sign_for_days: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub deploy_days: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub feedback_days: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub solve_days: String,
    /// A major matter's limit in days (give this or `major_solve_months`).
    #[serde(deserialize_with = "lenient::text", default)]
    pub major_solve_days: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub major_solve_months: String,
    /// 1–99; 80 when empty.
    #[serde(deserialize_with = "lenient::text", default)]
    pub yellow_percent: String,
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

/// On-time figures of one stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageRate {
    pub done: i64,
    pub on_time: i64,
}

impl StageRate {
    /// The on-time rate in percent, rounded down; `None` when nothing was done.
    pub fn percent(&self) -> Option<i64> {
        (self.done > 0).then(|| self.on_time * 100 / self.done)
    }
}

/// Per-org statistics: on-time rate per stage, average days to close, overdue count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAssignmentStats {
    pub org_id: OrgId,
    pub org_name: String,
    /// In stage order: sign for, deploy, feedback, solve.
    pub stages: [StageRate; 4],
    pub closed: i64,
    /// Average calendar days from assignment to close, in tenths of a day.
    pub average_tenth_days_to_close: Option<i64>,
    /// Open matters now red.
    pub overdue: i64,
}

/// A demo matter: title, source, text, days ago, major, the steps the lead org took.
type DemoMatter = (&'static str, AssignmentSource, &'static str, u64, bool, &'static [&'static str]);

fn party_allows(user: &User, a: &Assignment, party: Party) -> bool {
    match party {
        Party::Office => user.role.can_supervise(),
        Party::LeadOrg => user.role == Role::Reporter && user.org_id == a.lead_org_id,
    }
}

fn can_view_matter(user: &User, a: &Assignment) -> bool {
    user.role.reads_whole_tenant() || a.involves(user.org_id)
}

fn parse_count(invalid: &mut Invalid, field: &str, label: &str, text: &str) -> u32 {
    match text.trim().parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            invalid.add(field, "not_a_number", format!("{label}应为整数天数"));
            0
        }
    }
}

impl App {
    /// The calendar deadlines of `tenant` count on: its own, as the admin keeps it.
    async fn work_calendar(&self, tenant: TenantId) -> Result<WorkCalendar> {
        self.calendar(tenant).await
    }

    /// The tenant's timeline rules; the 13710 rule is created on first use.
    pub async fn timeline_rules(&self, user: &User) -> Result<Vec<TimelineRule>> {
        self.store.ensure_rule_13710(user.tenant_id).await?;
        Ok(self.store.timeline_rules(user.tenant_id).await?)
    }

    /// 时限规则 page: the tenant's rules for the office (supervisors and admins), who may add them.
    pub async fn timeline_rules_to_manage(&self, user: &User) -> Result<Vec<TimelineRule>> {
        require_supervisor(user)?;
        self.timeline_rules(user).await
    }

    /// Adds a timeline rule (e.g. 3/5/10 days) to the tenant.
    pub async fn create_timeline_rule(&self, user: &User, input: &TimelineRuleInput) -> Result<TimelineRule> {
        require_supervisor(user)?;
        let mut invalid = Invalid::new();
        let counting = match input.counting.trim() {
            "" => DayCounting::WorkingDays,
            code => DayCounting::from_code(code).unwrap_or_else(|| {
                invalid.add("counting", "unknown", "计日方式应为 working_days（工作日）或 calendar_days（自然日）");
                DayCounting::WorkingDays
            }),
        };
        let sign_for_days = parse_count(&mut invalid, "sign_for_days", "签收时限", &input.sign_for_days);
        let deploy_days = parse_count(&mut invalid, "deploy_days", "部署时限", &input.deploy_days);
        let feedback_days = parse_count(&mut invalid, "feedback_days", "反馈时限", &input.feedback_days);
        let solve_days = parse_count(&mut invalid, "solve_days", "办结时限", &input.solve_days);
        let major_solve = match (input.major_solve_days.trim(), input.major_solve_months.trim()) {
            ("", "") => MajorLimit::Months(1),
            (days, "") => MajorLimit::Days(parse_count(&mut invalid, "major_solve_days", "重大事项办结时限", days)),
            ("", months) => {
                MajorLimit::Months(parse_count(&mut invalid, "major_solve_months", "重大事项办结月数", months))
            }
            _ => {
                invalid.add("major_solve_days", "both", "重大事项办结时限请只填天数或月数之一");
                MajorLimit::Months(1)
            }
        };
        let yellow_percent = match input.yellow_percent.trim() {
            "" => qingdan_domain::assignment::DEFAULT_YELLOW_PERCENT,
            text => parse_count(&mut invalid, "yellow_percent", "黄灯比例", text),
        };
        invalid.into_result()?;
        let mut rule = TimelineRule {
            id: TimelineRuleId(0),
            tenant_id: user.tenant_id,
            name: input.name.trim().to_owned(),
            counting,
            sign_for_days,
            deploy_days,
            feedback_days,
            solve_days,
            major_solve,
            yellow_percent,
        };
        rule.validate()?;
        self.store.ensure_rule_13710(user.tenant_id).await?;
        rule.id = self.store.create_timeline_rule(&rule, self.actor(user)).await.map_err(|e| match e {
            StorageError::Conflict(Conflict::Taken(Unique::TimelineRuleName)) => {
                AppError::field("name", "duplicate", format!("已有名为“{}”的规则", rule.name))
            }
            other => other.into(),
        })?;
        Ok(rule)
    }

    /// 交办: the office assigns a matter to a lead org. Returns its id.
    pub async fn create_assignment(&self, user: &User, input: &NewAssignmentInput) -> Result<AssignmentId> {
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
                "来源应为 leader_instruction（领导批示）、meeting_decision（会议决定）、task（任务）或 suggestion_or_proposal（建议提案）",
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
        let id = self.store.create_assignment(&matter, self.actor(user)).await;
        self.matter_counts.clear();
        Ok(id?)
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
                        "请评定办结等次：excellent（优秀）、good（良好）、pass（合格）或 fail（不合格）",
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
        self.store.assignment(tenant, id).await?.ok_or(AppError::NotFound("交办事项"))
    }

    /// 督办事项: the office's (and leaders') overview of the tenant's matters.
    pub async fn assignment_overview(&self, user: &User, filter: &AssignmentFilter) -> Result<AssignmentOverview> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let mut invalid = Invalid::new();
        let light = match filter.light.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(code) => Light::from_code(code).or_else(|| {
                invalid.add("light", "unknown", "亮灯应为 green、yellow、red 或 done");
                None
            }),
        };
        let lead_org = match filter.lead_org.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(text) => text.parse::<i64>().ok().map(OrgId).or_else(|| {
                invalid.add("lead_org", "not_a_number", "牵头单位编号应为整数");
                None
            }),
        };
        let page_number = match filter.page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => 0,
            Some(text) => text.parse::<u32>().ok().filter(|p| *p <= 100_000).unwrap_or_else(|| {
                invalid.add("page", "out_of_range", "页码应为 0 到 100000 之间的整数");
                0
            }),
        };
        invalid.into_result()?;
        let include_closed = filter.closed.as_deref() == Some("1") || light == Some(Light::Done);
        let scope = lead_org.map_or(AssignmentScope::All, AssignmentScope::LeadOrg);
        let query = AssignmentQuery {
            tenant_id: user.tenant_id,
            scope,
            light,
            open_only: !include_closed,
            page: page_number,
            per_page: 50,
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
        if user.role.reads_whole_tenant() {
            return Ok(self.assignment_overview(user, filter).await?.page);
        }
        let light = filter.light.as_deref().map(str::trim).filter(|l| !l.is_empty());
        let light = match light {
            None => None,
            Some(code) => Some(
                Light::from_code(code)
                    .ok_or_else(|| AppError::field("light", "unknown", "亮灯应为 green、yellow、red 或 done"))?,
            ),
        };
        let query = AssignmentQuery {
            tenant_id: user.tenant_id,
            scope: AssignmentScope::Involving(user.org_id),
            light,
            open_only: filter.closed.as_deref() != Some("1") && light != Some(Light::Done),
            page: filter.page.as_deref().and_then(|p| p.trim().parse().ok()).unwrap_or(0),
            per_page: 50,
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

    /// 亮灯巡检: turns the lights of the tenant's open matters for `today` and
    /// returns each change (matter, old light, new light, stage, due date).
    ///
    /// One transaction of bulk statements, whatever the number of matters. Each
    /// change is also written to the matter's history as a `light` entry, in the
    /// same transaction, so reminders made from
    /// [`App::light_changes_to_notify`] survive a crash between the sweep and
    /// the sending. Running it twice on a day changes nothing the second time.
    pub async fn sweep_assignments(&self, tenant: TenantId, today: NaiveDate) -> Result<Vec<LightChange>> {
        let changes = self.store.sweep_assignment_lights(tenant, today, self.clock.now()).await;
        self.matter_counts.clear();
        Ok(changes?)
    }

    /// Light changes not yet turned into reminders, oldest first, with the
    /// matter's title and lead org: the hook for 催办 and 督办通知单. After
    /// sending (or queueing in the outbox with the event id as its key), call
    /// [`App::mark_light_changes_notified`].
    pub async fn light_changes_to_notify(&self, tenant: TenantId, limit: u32) -> Result<Vec<LightChangeNotice>> {
        Ok(self.store.light_changes_to_notify(tenant, limit).await?)
    }

    /// A matter as the scheduler reads it, with no user: for the text of a
    /// reminder or a supervision notice (督办通知单) — its lead org, leader
    /// (`leader_name`, `leader_id`) and due dates.
    pub async fn assignment_for_notice(&self, tenant: TenantId, id: AssignmentId) -> Result<Assignment> {
        self.store.assignment(tenant, id).await?.ok_or(AppError::NotFound("交办事项"))
    }

    /// Marks light changes (by their `event_id`) as turned into reminders.
    pub async fn mark_light_changes_notified(&self, tenant: TenantId, event_ids: &[i64]) -> Result<()> {
        Ok(self.store.mark_light_changes_notified(tenant, event_ids, self.clock.now()).await?)
    }

    /// Per-org statistics of the tenant: on-time rate per stage, average days to close, overdue count.
    pub async fn assignment_statistics(&self, user: &User) -> Result<Vec<OrgAssignmentStats>> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let tenant = user.tenant_id;
        let orgs = self.store.orgs(tenant).await?;
        let mut by_org: BTreeMap<OrgId, OrgAssignmentStats> = BTreeMap::new();
        let entry = |by_org: &mut BTreeMap<OrgId, OrgAssignmentStats>, org: OrgId| {
            by_org.entry(org).or_insert_with(|| OrgAssignmentStats {
                org_id: org,
                org_name: orgs.iter().find(|o| o.id == org).map(|o| o.name.clone()).unwrap_or_default(),
                stages: [StageRate::default(); 4],
                closed: 0,
                average_tenth_days_to_close: None,
                overdue: 0,
            });
        };
        for f in self.store.assignment_stage_figures(tenant).await? {
            let i = Stage::ALL.iter().position(|s| *s == f.stage).unwrap_or(0);
            entry(&mut by_org, f.org_id);
            if let Some(e) = by_org.get_mut(&f.org_id) {
                e.stages[i] = StageRate { done: f.done, on_time: f.on_time };
            }
        }
        for f in self.store.assignment_close_figures(tenant).await? {
            entry(&mut by_org, f.org_id);
            if let Some(e) = by_org.get_mut(&f.org_id) {
                e.closed = f.closed;
                e.average_tenth_days_to_close = (f.closed > 0).then(|| f.total_days * 10 / f.closed);
            }
        }
        for (org, n) in self.store.assignment_overdue_counts(tenant).await? {
            entry(&mut by_org, org);
            if let Some(e) = by_org.get_mut(&org) {
                e.overdue = n;
            }
        }
        Ok(by_org.into_values().collect())
    }

    /// The demo city's assigned matters: one per state worth showing, assigned
    /// some days back so lights differ; `matters` pairs each with the reporter and the lead org.
    pub(crate) async fn seed_demo_assignments(
        &self,
        supervisor: &User,
        leader: &User,
        matters: &[(&User, OrgId)],
    ) -> Result<()> {
        let today = self.clock.today();
        // (title, source, text, days ago, major, steps taken by the lead org)
        let plan: [DemoMatter; 5] = [
            (
                "加快老旧小区改造进度",
                AssignmentSource::LeaderInstruction,
                "孙市长批示：老旧小区改造进度滞后，请住建局牵头拿出加快方案，按13710要求反馈。",
                10,
                false,
                &[],
            ),
            (
                "打通城区断头路",
                AssignmentSource::MeetingDecision,
                "市政府常务会议决定：年内打通城区5条断头路，交通局牵头，每周报送进展。",
                2,
                false,
                &["sign_for", "deploy"],
            ),
            (
                "增加普惠性学前教育学位",
                AssignmentSource::SuggestionOrProposal,
                "市人大代表建议第18号：新增普惠性幼儿园学位2000个。",
                0,
                false,
                &[],
            ),
            (
                "重点项目要素保障",
                AssignmentSource::Task,
                "重点项目用地、用能指标缺口较大，请发改委牵头会同相关部门协调解决。",
                5,
                true,
                &["sign_for", "deploy", "feedback"],
            ),
            (
                "整治城区黑臭水体",
                AssignmentSource::LeaderInstruction,
                "李副市长批示：群众反映强烈，请生态环境局限期整治。",
                8,
                false,
                &["sign_for", "deploy", "feedback", "request_close"],
            ),
        ];
        for ((title, source, text, days_ago, is_major, steps), (reporter, org)) in plan.iter().zip(matters) {
            let input = NewAssignmentInput {
                title: (*title).into(),
                source: source.code().into(),
                text: (*text).into(),
                lead_org_id: Some(org.0),
                leader_id: Some(leader.id.0),
                is_major: *is_major,
                assigned_on: today.checked_sub_days(chrono::Days::new(*days_ago)).unwrap_or(today).to_string(),
                ..NewAssignmentInput::default()
            };
            let id = self.create_assignment(supervisor, &input).await?;
            for step in *steps {
                let note = match *step {
                    "deploy" => "已召开专题会议部署，明确分管领导和责任科室",
                    "feedback" => "已完成现场踏勘，形成初步方案",
                    "request_close" => "整治工程已完工，水质检测达标",
                    _ => "",
                };
                let input = TransitionInput { action: (*step).into(), note: note.into(), ..TransitionInput::default() };
                self.transition_assignment(reporter, id, &input).await?;
            }
            if steps.last() == Some(&"request_close") {
                let input = TransitionInput {
                    action: "accept_close".into(),
                    grade: "good".into(),
                    ..TransitionInput::default()
                };
                self.transition_assignment(supervisor, id, &input).await?;
            }
        }
        Ok(())
    }
}
