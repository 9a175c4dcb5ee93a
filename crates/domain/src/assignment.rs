//! 交办事项 (assignment): a matter from a leader's instruction (领导批示), a
//! meeting decision (会议决定), a lagging task or a deputy's suggestion, assigned
//! by the office to a lead org on a timeline rule (时限规则) such as Shanxi's
//! 13710 — signed for, deployed in 1 day, feedback in 3, solved in 7 (a major
//! or complex matter in a month or by a timetable given), and followed to its
//! close (办结销号).
//!
//! This module is pure: the stage due dates come from a [`DayCount`] (the
//! working-day calendar, passed in), the state machine is [`next`], and the
//! light of a matter on a day is [`light_on`].
//!
//! Counting: the day of assignment does not count; a deadline that lands on a
//! non-working day moves to the next working day (the calendar does both).
//! Every stage's limit counts from the day the matter was assigned (or
//! reassigned), as 13710 reads: "1天部署、3天反馈、7天办结".

use crate::{AssignmentId, ExtensionId, Invalid, Light, OrgId, TaskId, TenantId, TimelineRuleId, UserId, WorkCalendar};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the timeline needs of the working-day calendar (工作日/调休).
///
/// Every method follows the counting rule: the start day does not count, and
/// a result on a non-working day moves to the next working day. The `bool` is
/// false when a year crossed has no calendar data (Monday–Friday assumed).
pub trait DayCount {
    /// The day `n` working days after `start`.
    fn add_working_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool);
    /// The day `n` calendar days after `start`, moved to the next working day.
    fn add_calendar_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool);
    /// `day` if it is a working day, else the next working day.
    fn on_or_after(&self, day: NaiveDate) -> (NaiveDate, bool);
    /// How many working days lie in `(from, to]`.
    fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32;
}

/// 来源: where an assigned matter comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentSource {
    /// 领导批示
    LeaderInstruction,
    /// 会议决定
    MeetingDecision,
    /// 任务 (a lagging task of the list)
    Task,
    /// 建议提案 (人大建议、政协提案)
    SuggestionOrProposal,
}

impl AssignmentSource {
    pub const ALL: [AssignmentSource; 4] = [
        AssignmentSource::LeaderInstruction,
        AssignmentSource::MeetingDecision,
        AssignmentSource::Task,
        AssignmentSource::SuggestionOrProposal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AssignmentSource::LeaderInstruction => "leader_instruction",
            AssignmentSource::MeetingDecision => "meeting_decision",
            AssignmentSource::Task => "task",
            AssignmentSource::SuggestionOrProposal => "suggestion_or_proposal",
        }
    }

    pub fn from_code(code: &str) -> Option<AssignmentSource> {
        AssignmentSource::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            AssignmentSource::LeaderInstruction => "领导批示",
            AssignmentSource::MeetingDecision => "会议决定",
            AssignmentSource::Task => "任务",
            AssignmentSource::SuggestionOrProposal => "建议提案",
        }
    }
}

/// 环节: a stage of the timeline, each with its own due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 签收
    SignFor,
    /// 部署
    Deploy,
    /// 反馈
    Feedback,
    /// 办结
    Solve,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::SignFor, Stage::Deploy, Stage::Feedback, Stage::Solve];

    pub fn code(self) -> &'static str {
        match self {
            Stage::SignFor => "sign_for",
            Stage::Deploy => "deploy",
            Stage::Feedback => "feedback",
            Stage::Solve => "solve",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::SignFor => "签收",
            Stage::Deploy => "部署",
            Stage::Feedback => "反馈",
            Stage::Solve => "办结",
        }
    }
}

/// 状态: where a matter stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// 待签收
    Assigned,
    /// 已签收 (to deploy)
    SignedFor,
    /// 已部署 (to give feedback)
    Deployed,
    /// 已反馈 (in progress, to solve)
    FeedbackGiven,
    /// 办结申请被退回 (back in progress)
    Returned,
    /// 已申请办结 (the office to review)
    CloseRequested,
    /// 已办结销号
    Closed,
}

impl AssignmentStatus {
    pub const ALL: [AssignmentStatus; 7] = [
        AssignmentStatus::Assigned,
        AssignmentStatus::SignedFor,
        AssignmentStatus::Deployed,
        AssignmentStatus::FeedbackGiven,
        AssignmentStatus::Returned,
        AssignmentStatus::CloseRequested,
        AssignmentStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AssignmentStatus::Assigned => "assigned",
            AssignmentStatus::SignedFor => "signed_for",
            AssignmentStatus::Deployed => "deployed",
            AssignmentStatus::FeedbackGiven => "feedback_given",
            AssignmentStatus::Returned => "returned",
            AssignmentStatus::CloseRequested => "close_requested",
            AssignmentStatus::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<AssignmentStatus> {
        AssignmentStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            AssignmentStatus::Assigned => "待签收",
            AssignmentStatus::SignedFor => "已签收",
            AssignmentStatus::Deployed => "已部署",
            AssignmentStatus::FeedbackGiven => "已反馈",
            AssignmentStatus::Returned => "办结被退回",
            AssignmentStatus::CloseRequested => "已申请办结",
            AssignmentStatus::Closed => "已办结销号",
        }
    }

    /// The stage whose deadline the lead org is working against, or `None`
    /// while the clock stands still (a close request waiting, or closed).
    pub fn stage(self) -> Option<Stage> {
        match self {
            AssignmentStatus::Assigned => Some(Stage::SignFor),
            AssignmentStatus::SignedFor => Some(Stage::Deploy),
            AssignmentStatus::Deployed => Some(Stage::Feedback),
            AssignmentStatus::FeedbackGiven | AssignmentStatus::Returned => Some(Stage::Solve),
            AssignmentStatus::CloseRequested | AssignmentStatus::Closed => None,
        }
    }

    pub fn is_closed(self) -> bool {
        self == AssignmentStatus::Closed
    }
}

/// 办结评价: the grade the office gives when it accepts a close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优秀
    Excellent,
    /// 良好
    Good,
    /// 合格
    Pass,
    /// 不合格
    Fail,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Excellent, Grade::Good, Grade::Pass, Grade::Fail];

    pub fn code(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Good => "good",
            Grade::Pass => "pass",
            Grade::Fail => "fail",
        }
    }

    pub fn from_code(code: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }
}

/// 计日方式: whether a rule's day counts are working days or calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCounting {
    /// 工作日
    WorkingDays,
    /// 自然日
    CalendarDays,
}

impl DayCounting {
    pub fn code(self) -> &'static str {
        match self {
            DayCounting::WorkingDays => "working_days",
            DayCounting::CalendarDays => "calendar_days",
        }
    }

    pub fn from_code(code: &str) -> Option<DayCounting> {
        [DayCounting::WorkingDays, DayCounting::CalendarDays].into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            DayCounting::WorkingDays => "工作日",
            DayCounting::CalendarDays => "自然日",
        }
    }
}

/// The solve limit of a major or complex matter (重大复杂事项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MajorLimit {
    /// N days, counted as the rule counts days.
    Days(u32),
    /// N calendar months (一个月), the end moved to the next working day.
    Months(u32),
}

impl MajorLimit {
    pub fn label(self, counting: DayCounting) -> String {
        match self {
            MajorLimit::Days(n) => format!("{n}个{}", counting.label()),
            MajorLimit::Months(n) => format!("{n}个月"),
        }
    }
}

/// The share of a stage's time after which its light turns yellow, by default.
pub const DEFAULT_YELLOW_PERCENT: u32 = 80;

/// 时限规则 (timeline rule): the limits of each stage, counted from the day of
/// assignment. Tenants keep their own next to the default [`TimelineRule::rule_13710`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRule {
    pub id: TimelineRuleId,
    pub tenant_id: TenantId,
    pub name: String,
    pub counting: DayCounting,
    /// 签收时限
    pub sign_for_days: u32,
    /// 部署时限
    pub deploy_days: u32,
    /// 反馈时限
    pub feedback_days: u32,
    /// 办结时限 of an ordinary matter
    pub solve_days: u32,
    /// 办结时限 of a major or complex matter (unless a timetable gives a date)
    pub major_solve: MajorLimit,
    /// The light turns yellow when this share (1–99 %) of a stage's time is used.
    pub yellow_percent: u32,
}

/// The name of the default rule every tenant has.
pub const RULE_13710_NAME: &str = "13710";

impl TimelineRule {
    /// `Rule13710`: sign for and deploy within 1 working day, feedback within 3,
    /// ordinary matters solved within 7, major ones within 1 month; yellow at 80 %.
    /// Signing for is not one of the five figures; we give it the deploy limit,
    /// since a matter cannot be deployed before it is signed for.
    pub fn rule_13710(tenant_id: TenantId) -> TimelineRule {
        TimelineRule {
            id: TimelineRuleId(0),
            tenant_id,
            name: RULE_13710_NAME.to_owned(),
            counting: DayCounting::WorkingDays,
            sign_for_days: 1,
            deploy_days: 1,
            feedback_days: 3,
            solve_days: 7,
            major_solve: MajorLimit::Months(1),
            yellow_percent: DEFAULT_YELLOW_PERCENT,
        }
    }

    /// Checks the limits are in order (sign for ≤ deploy ≤ feedback ≤ solve) and in range.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut invalid = Invalid::new();
        invalid.text("name", "规则名称", &self.name, 50);
        if self.sign_for_days == 0 || self.sign_for_days > 365 {
            invalid.add("sign_for_days", "out_of_range", "签收时限应为1到365天");
        }
        if self.deploy_days < self.sign_for_days || self.deploy_days > 365 {
            invalid.add("deploy_days", "out_of_order", "部署时限应不少于签收时限，且不超过365天");
        }
        if self.feedback_days < self.deploy_days || self.feedback_days > 365 {
            invalid.add("feedback_days", "out_of_order", "反馈时限应不少于部署时限，且不超过365天");
        }
        if self.solve_days < self.feedback_days || self.solve_days > 365 {
            invalid.add("solve_days", "out_of_order", "办结时限应不少于反馈时限，且不超过365天");
        }
        match self.major_solve {
            MajorLimit::Days(n) if n < self.solve_days || n > 730 => {
                invalid.add("major_solve", "out_of_order", "重大复杂事项办结时限应不少于一般事项，且不超过730天");
            }
            MajorLimit::Months(n) if n == 0 || n > 24 => {
                invalid.add("major_solve", "out_of_range", "重大复杂事项办结时限应为1到24个月");
            }
            _ => {}
        }
        if !(1..=99).contains(&self.yellow_percent) {
            invalid.add("yellow_percent", "out_of_range", "黄灯比例应为1到99之间的整数");
        }
        invalid.into_result()
    }

    /// A one-line summary: "签收1、部署1、反馈3、办结7个工作日（重大1个月）".
    pub fn summary(&self) -> String {
        format!(
            "签收{}、部署{}、反馈{}、办结{}个{}（重大复杂事项{}），已用{}%时间亮黄灯",
            self.sign_for_days,
            self.deploy_days,
            self.feedback_days,
            self.solve_days,
            self.counting.label(),
            self.major_solve.label(self.counting),
            self.yellow_percent
        )
    }

    fn add_days(&self, calendar: &dyn DayCount, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        match self.counting {
            DayCounting::WorkingDays => calendar.add_working_days(start, n),
            DayCounting::CalendarDays => calendar.add_calendar_days(start, n),
        }
    }

    /// The due date of each stage for a matter assigned on `assigned_on`.
    /// A major matter's `timetable` date, when given, is its solve date.
    pub fn schedule(
        &self,
        calendar: &dyn DayCount,
        assigned_on: NaiveDate,
        is_major: bool,
        timetable: Option<NaiveDate>,
    ) -> Schedule {
        let (sign_for, c1) = self.add_days(calendar, assigned_on, self.sign_for_days);
        let (deploy, c2) = self.add_days(calendar, assigned_on, self.deploy_days);
        let (feedback, c3) = self.add_days(calendar, assigned_on, self.feedback_days);
        let (solve, c4) = match (is_major, timetable) {
            (true, Some(day)) => calendar.on_or_after(day),
            (true, None) => match self.major_solve {
                MajorLimit::Days(n) => self.add_days(calendar, assigned_on, n),
                MajorLimit::Months(n) => {
                    let end = assigned_on.checked_add_months(Months::new(n)).unwrap_or(assigned_on);
                    calendar.on_or_after(end)
                }
            },
            (false, _) => self.add_days(calendar, assigned_on, self.solve_days),
        };
        // A solve date before feedback (a timetable given too early) keeps the feedback date.
        let solve = solve.max(feedback);
        Schedule { sign_for, deploy, feedback, solve, is_confirmed: c1 && c2 && c3 && c4 }
    }

    /// The day from which a stage running `[assigned_on, due]` shows yellow:
    /// when `yellow_percent` of its days (as the rule counts them) are used.
    pub fn yellow_from(&self, calendar: &dyn DayCount, assigned_on: NaiveDate, due: NaiveDate) -> NaiveDate {
        if due <= assigned_on {
            return due;
        }
        let total = match self.counting {
            DayCounting::WorkingDays => calendar.working_days_between(assigned_on, due),
            DayCounting::CalendarDays => u32::try_from((due - assigned_on).num_days()).unwrap_or(u32::MAX),
        };
        // ceil(total × percent / 100) days used, at least one.
        let used = (u64::from(total) * u64::from(self.yellow_percent)).div_ceil(100).max(1);
        let used = u32::try_from(used).unwrap_or(u32::MAX);
        let day = match self.counting {
            DayCounting::WorkingDays => calendar.add_working_days(assigned_on, used).0,
            DayCounting::CalendarDays => {
                assigned_on.checked_add_days(chrono::Days::new(u64::from(used))).unwrap_or(due)
            }
        };
        day.min(due)
    }
}

/// The due date of each stage (各环节时限).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub sign_for: NaiveDate,
    pub deploy: NaiveDate,
    pub feedback: NaiveDate,
    pub solve: NaiveDate,
    /// False when a year crossed has no calendar data (Monday–Friday assumed).
    pub is_confirmed: bool,
}

impl Schedule {
    pub fn due(&self, stage: Stage) -> NaiveDate {
        match stage {
            Stage::SignFor => self.sign_for,
            Stage::Deploy => self.deploy,
            Stage::Feedback => self.feedback,
            Stage::Solve => self.solve,
        }
    }
}

/// 交办事项 (assignment): one assigned matter and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: AssignmentId,
    pub tenant_id: TenantId,
    pub title: String,
    pub source: AssignmentSource,
    /// The task it comes from, when the source is a task.
    pub source_task_id: Option<TaskId>,
    /// 交办内容: the instruction or decision as written.
    pub text: String,
    /// 附件名称: names of documents sent by other means. Uploaded files are
    /// stored apart (`assignment_files`), read through the app.
    pub attachments: Vec<String>,
    /// 牵头单位
    pub lead_org_id: OrgId,
    /// 配合单位
    pub supporting_org_ids: Vec<OrgId>,
    /// 责任领导, when a user of the tenant.
    pub leader_id: Option<UserId>,
    /// 责任领导 as written (a name when no user is chosen).
    pub leader_name: String,
    pub rule_id: TimelineRuleId,
    /// 交办单位: the office that assigned it.
    pub assigning_org_id: OrgId,
    /// 重大复杂事项
    pub is_major: bool,
    /// 时间表: the solve date given for a major matter.
    pub timetable: Option<NaiveDate>,
    /// The day it was assigned, or last reassigned: the stages count from here.
    pub assigned_on: NaiveDate,
    pub schedule: Schedule,
    pub status: AssignmentStatus,
    pub light: Light,
    /// The due date of the stage the lead org is in (kept as it was while the clock stands still).
    pub current_due: NaiveDate,
    /// The day the current stage's light turns yellow.
    pub yellow_from: NaiveDate,
    /// A pending extension request (延期申请) waits for the office.
    pub has_pending_extension: bool,
    pub grade: Option<Grade>,
    /// The day the close now waiting (or accepted) was requested.
    pub close_requested_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

impl Assignment {
    /// Whether `org` leads or supports it.
    pub fn involves(&self, org: OrgId) -> bool {
        self.lead_org_id == org || self.supporting_org_ids.contains(&org)
    }

    /// The state the state machine reads.
    pub fn state(&self) -> State {
        State { status: self.status, has_pending_extension: self.has_pending_extension }
    }

    /// The light on `today`, from the stored due dates.
    pub fn light_on(&self, today: NaiveDate) -> Light {
        let running = self.status.stage().is_some();
        light_on(
            self.status,
            running.then_some(self.current_due),
            running.then_some(self.yellow_from),
            today,
            self.light,
        )
    }
}

/// 历史: one entry of a matter's history — a transition or a light the sweep turned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentEvent {
    pub id: i64,
    pub assignment_id: AssignmentId,
    /// The lead org at the time.
    pub org_id: OrgId,
    pub user_id: Option<UserId>,
    /// Who did it, for display ("系统" when the sweep did).
    pub user_name: String,
    pub at: DateTime<Utc>,
    /// An [`Action`] code, `create`, or `light` for a light the sweep turned.
    pub action: String,
    pub from_status: Option<AssignmentStatus>,
    pub to_status: AssignmentStatus,
    pub note: String,
    /// The stage this event completed, its due date then and the day it was done.
    pub completed_stage: Option<Stage>,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub from_light: Option<Light>,
    pub to_light: Option<Light>,
}

/// The code of the history entry written when a matter is created.
pub const EVENT_CREATE: &str = "create";
/// The code of the history entry written when the sweep turns a light.
pub const EVENT_LIGHT: &str = "light";

impl AssignmentEvent {
    /// 交办, 亮灯变化, or the action's label.
    pub fn label(&self) -> &'static str {
        match self.action.as_str() {
            EVENT_CREATE => "交办",
            EVENT_LIGHT => "亮灯变化",
            code => Action::from_code(code).map_or("操作", Action::label),
        }
    }

    /// Whether the stage was done by its due date.
    pub fn is_on_time(&self) -> Option<bool> {
        Some(self.done_on? <= self.due_on?)
    }
}

/// 延期申请的状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionStatus {
    /// 待审批
    Pending,
    /// 已批准
    Approved,
    /// 不予延期
    Refused,
    /// 已撤销 (the matter was reassigned)
    Withdrawn,
}

impl ExtensionStatus {
    pub const ALL: [ExtensionStatus; 4] =
        [ExtensionStatus::Pending, ExtensionStatus::Approved, ExtensionStatus::Refused, ExtensionStatus::Withdrawn];

    pub fn code(self) -> &'static str {
        match self {
            ExtensionStatus::Pending => "pending",
            ExtensionStatus::Approved => "approved",
            ExtensionStatus::Refused => "refused",
            ExtensionStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<ExtensionStatus> {
        ExtensionStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ExtensionStatus::Pending => "待审批",
            ExtensionStatus::Approved => "已批准",
            ExtensionStatus::Refused => "不予延期",
            ExtensionStatus::Withdrawn => "已撤销",
        }
    }
}

/// 延期申请 (extension request): the lead org asks to move the solve date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    pub id: ExtensionId,
    pub assignment_id: AssignmentId,
    pub org_id: OrgId,
    pub reason: String,
    /// The solve date before the request.
    pub old_due: NaiveDate,
    pub requested_due: NaiveDate,
    pub status: ExtensionStatus,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

/// A light the sweep turned: what a reminder (催办) or a supervision notice
/// (督办通知单) is made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LightChange {
    /// The history entry that records it (stable: use it as the reminder's key).
    pub event_id: i64,
    pub assignment_id: AssignmentId,
    pub lead_org_id: OrgId,
    pub from: Light,
    pub to: Light,
    /// The stage whose due date it is measured against.
    pub stage: Stage,
    pub due: NaiveDate,
}

/// 操作: what someone does to a matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 签收 (lead org)
    SignFor,
    /// 部署 (lead org)
    Deploy,
    /// 反馈 (lead org; again later to report progress)
    Feedback,
    /// 申请延期 (lead org)
    RequestExtension,
    /// 批准延期 (office)
    ApproveExtension,
    /// 不予延期 (office)
    RefuseExtension,
    /// 申请办结 (lead org)
    RequestClose,
    /// 退回 (office): the close request is sent back
    ReturnClose,
    /// 办结销号 (office), with a grade
    AcceptClose,
    /// 改派 (office): to another lead org, signing for starts again
    Reassign,
}

/// Who may take an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// 交办单位: supervisors and admins.
    Office,
    /// 牵头单位: the lead org's reporters.
    LeadOrg,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::SignFor,
        Action::Deploy,
        Action::Feedback,
        Action::RequestExtension,
        Action::ApproveExtension,
        Action::RefuseExtension,
        Action::RequestClose,
        Action::ReturnClose,
        Action::AcceptClose,
        Action::Reassign,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::SignFor => "sign_for",
            Action::Deploy => "deploy",
            Action::Feedback => "feedback",
            Action::RequestExtension => "request_extension",
            Action::ApproveExtension => "approve_extension",
            Action::RefuseExtension => "refuse_extension",
            Action::RequestClose => "request_close",
            Action::ReturnClose => "return_close",
            Action::AcceptClose => "accept_close",
            Action::Reassign => "reassign",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::SignFor => "签收",
            Action::Deploy => "部署",
            Action::Feedback => "反馈",
            Action::RequestExtension => "申请延期",
            Action::ApproveExtension => "批准延期",
            Action::RefuseExtension => "不予延期",
            Action::RequestClose => "申请办结",
            Action::ReturnClose => "退回",
            Action::AcceptClose => "办结销号",
            Action::Reassign => "改派",
        }
    }

    pub fn party(self) -> Party {
        match self {
            Action::SignFor | Action::Deploy | Action::Feedback | Action::RequestExtension | Action::RequestClose => {
                Party::LeadOrg
            }
            Action::ApproveExtension
            | Action::RefuseExtension
            | Action::ReturnClose
            | Action::AcceptClose
            | Action::Reassign => Party::Office,
        }
    }

    /// The stage this action completes the first time it is taken, for on-time statistics.
    pub fn completes(self, from: AssignmentStatus) -> Option<Stage> {
        match (self, from) {
            (Action::SignFor, _) => Some(Stage::SignFor),
            (Action::Deploy, _) => Some(Stage::Deploy),
            (Action::Feedback, AssignmentStatus::Deployed) => Some(Stage::Feedback),
            (Action::AcceptClose, _) => Some(Stage::Solve),
            _ => None,
        }
    }
}

/// Where a matter stands for the state machine: its status and whether an extension request is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub status: AssignmentStatus,
    pub has_pending_extension: bool,
}

/// The state after `action`, or why it is refused, in Chinese.
pub fn next(state: State, action: Action) -> Result<State, String> {
    use AssignmentStatus as S;
    let State { status, has_pending_extension: pending } = state;
    if status == S::Closed {
        return Err(format!("该事项已办结销号，不能再{}", action.label()));
    }
    let to = |status| Ok(State { status, has_pending_extension: pending });
    let not_signed = |verb: &str| Err(format!("该事项尚未签收，不能{verb}"));
    match action {
        Action::SignFor => match status {
            S::Assigned => to(S::SignedFor),
            _ => Err("该事项已签收，不能重复签收".to_owned()),
        },
        Action::Deploy => match status {
            S::Assigned => not_signed("部署"),
            S::SignedFor => to(S::Deployed),
            _ => Err("该事项已部署，不能重复部署".to_owned()),
        },
        Action::Feedback => match status {
            S::Assigned => not_signed("反馈"),
            S::SignedFor => Err("该事项尚未部署，不能反馈".to_owned()),
            S::Deployed | S::FeedbackGiven | S::Returned => to(S::FeedbackGiven),
            S::CloseRequested | S::Closed => Err("该事项已申请办结，等待审核，不能反馈".to_owned()),
        },
        Action::RequestExtension => match status {
            S::Assigned => not_signed("申请延期"),
            S::CloseRequested => Err("该事项已申请办结，不能申请延期".to_owned()),
            _ if pending => Err("该事项已有待审批的延期申请".to_owned()),
            _ => Ok(State { status, has_pending_extension: true }),
        },
        Action::ApproveExtension | Action::RefuseExtension => {
            if pending {
                Ok(State { status, has_pending_extension: false })
            } else {
                Err("该事项没有待审批的延期申请".to_owned())
            }
        }
        Action::RequestClose => match status {
            S::Assigned => not_signed("申请办结"),
            S::SignedFor => Err("该事项尚未部署，不能申请办结".to_owned()),
            S::Deployed => Err("该事项尚未反馈，不能申请办结".to_owned()),
            S::CloseRequested => Err("该事项已申请办结，请等待审核".to_owned()),
            _ if pending => Err("该事项有待审批的延期申请，不能申请办结".to_owned()),
            _ => to(S::CloseRequested),
        },
        Action::ReturnClose => match status {
            S::CloseRequested => to(S::Returned),
            _ => Err("该事项未申请办结，不能退回".to_owned()),
        },
        Action::AcceptClose => match status {
            S::CloseRequested => to(S::Closed),
            _ => Err("该事项未申请办结，不能办结销号".to_owned()),
        },
        Action::Reassign => Ok(State { status: S::Assigned, has_pending_extension: false }),
    }
}

/// The light of a matter on `today`: done when closed; red past its current
/// stage's due date; yellow from `yellow_from`; else green. A matter whose
/// clock stands still (close requested) keeps `standing`.
pub fn light_on(
    status: AssignmentStatus,
    due: Option<NaiveDate>,
    yellow_from: Option<NaiveDate>,
    today: NaiveDate,
    standing: Light,
) -> Light {
    if status.is_closed() {
        return Light::Done;
    }
    let Some(due) = due else { return standing };
    if today > due {
        Light::Red
    } else if yellow_from.is_some_and(|y| today >= y) {
        Light::Yellow
    } else {
        Light::Green
    }
}

/// Calendar days from `from` to `to`, never negative.
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days().max(0)
}

impl DayCount for WorkCalendar {
    fn add_working_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let due = WorkCalendar::add_working_days(self, start, n);
        (due.date, due.confirmed)
    }

    fn add_calendar_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let due = WorkCalendar::add_calendar_days(self, start, n);
        (due.date, due.confirmed)
    }

    fn on_or_after(&self, day: NaiveDate) -> (NaiveDate, bool) {
        // Zero working days after a day: the day itself when it is a working day.
        let due = WorkCalendar::add_working_days(self, day, 0);
        (due.date, due.confirmed)
    }

    fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        u32::try_from(WorkCalendar::working_days_between(self, from, to).max(0)).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    /// 2026 as the State Council's notice has it (STACK.md §6), weekends otherwise.
    struct Calendar2026;

    const OFF: [(&str, &str); 7] = [
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
    ];
    const MAKE_UP: [&str; 6] = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"];

    impl Calendar2026 {
        fn works(day: NaiveDate) -> bool {
            if MAKE_UP.iter().any(|m| d(m) == day) {
                return true;
            }
            if OFF.iter().any(|(a, b)| d(a) <= day && day <= d(b)) {
                return false;
            }
            day.weekday().num_days_from_monday() < 5
        }
    }

    impl DayCount for Calendar2026 {
        fn add_working_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
            let mut day = start;
            let mut left = n;
            while left > 0 {
                day = day.succ_opt().unwrap_or(day);
                if Calendar2026::works(day) {
                    left -= 1;
                }
            }
            (day, true)
        }
        fn add_calendar_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
            self.on_or_after(start + chrono::Days::new(u64::from(n)))
        }
        fn on_or_after(&self, day: NaiveDate) -> (NaiveDate, bool) {
            let mut day = day;
            while !Calendar2026::works(day) {
                day = day.succ_opt().unwrap_or(day);
            }
            (day, true)
        }
        fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
            from.iter_days().skip(1).take_while(|x| *x <= to).filter(|x| Calendar2026::works(*x)).count() as u32
        }
    }

    fn rule() -> TimelineRule {
        TimelineRule::rule_13710(TenantId(1))
    }

    #[test]
    fn the_13710_schedule_counts_working_days_around_national_day_2026() {
        // (assigned, major, timetable, sign_for, deploy, feedback, solve)
        let cases = [
            // Friday 09-25 is the Mid-Autumn holiday: the first working day is Monday 09-28.
            ("2026-09-25", false, None, "2026-09-28", "2026-09-28", "2026-09-30", "2026-10-12"),
            // Wednesday 09-30: the holiday follows; Saturday 10-10 is a make-up working day.
            ("2026-09-30", false, None, "2026-10-08", "2026-10-08", "2026-10-10", "2026-10-15"),
            // Friday 09-18: Sunday 09-20 is a make-up working day.
            ("2026-09-18", false, None, "2026-09-20", "2026-09-20", "2026-09-22", "2026-09-29"),
            // A major matter: one month, 10-25 is a Sunday, so Monday 10-26.
            ("2026-09-25", true, None, "2026-09-28", "2026-09-28", "2026-09-30", "2026-10-26"),
            // A major matter with a timetable: its date, moved off the holiday.
            ("2026-09-25", true, Some("2026-10-03"), "2026-09-28", "2026-09-28", "2026-09-30", "2026-10-08"),
            // A timetable is ignored for an ordinary matter.
            ("2026-09-25", false, Some("2026-12-31"), "2026-09-28", "2026-09-28", "2026-09-30", "2026-10-12"),
        ];
        for (on, major, timetable, sign, deploy, feedback, solve) in cases {
            let s = rule().schedule(&Calendar2026, d(on), major, timetable.map(d));
            assert_eq!(
                (s.sign_for, s.deploy, s.feedback, s.solve),
                (d(sign), d(deploy), d(feedback), d(solve)),
                "assigned {on}, major {major}"
            );
            assert!(s.is_confirmed);
        }
    }

    #[test]
    fn calendar_day_rules_count_every_day_and_move_off_weekends() {
        let rule = TimelineRule {
            counting: DayCounting::CalendarDays,
            sign_for_days: 1,
            deploy_days: 3,
            feedback_days: 5,
            solve_days: 10,
            major_solve: MajorLimit::Days(30),
            ..rule()
        };
        let s = rule.schedule(&Calendar2026, d("2026-09-21"), false, None);
        // 09-24 Thursday; 09-26 is the holiday -> 09-28; 10-01 is National Day -> 10-08.
        assert_eq!(
            (s.sign_for, s.deploy, s.feedback, s.solve),
            (d("2026-09-22"), d("2026-09-24"), d("2026-09-28"), d("2026-10-08"))
        );
    }

    #[test]
    fn the_shipped_calendar_gives_the_same_dates() {
        let shipped = WorkCalendar::shipped();
        for (on, major) in [("2026-09-25", false), ("2026-09-30", false), ("2026-09-18", false), ("2026-09-25", true)] {
            let ours = rule().schedule(&Calendar2026, d(on), major, None);
            let theirs = rule().schedule(&shipped, d(on), major, None);
            assert_eq!(ours, theirs, "assigned {on}");
            let y = rule().yellow_from(&shipped, d(on), theirs.solve);
            assert_eq!(y, rule().yellow_from(&Calendar2026, d(on), ours.solve));
        }
    }

    #[test]
    fn a_year_without_calendar_data_is_flagged_not_confirmed() {
        let s = rule().schedule(&WorkCalendar::new([]), d("2031-03-07"), false, None);
        assert!(!s.is_confirmed);
        // Friday 03-07: Monday 03-10 deploy, Wednesday 03-12 feedback, Tuesday 03-18 solve.
        assert_eq!((s.deploy, s.feedback, s.solve), (d("2031-03-10"), d("2031-03-12"), d("2031-03-18")));
    }

    #[test]
    fn yellow_comes_when_the_share_of_the_stage_is_used() {
        let r = rule();
        // Solve: 7 working days from 09-25 end on 10-12; 80% of 7 = 5.6 -> the 6th working day, Saturday 10-10.
        assert_eq!(r.yellow_from(&Calendar2026, d("2026-09-25"), d("2026-10-12")), d("2026-10-10"));
        // A one-day stage is yellow on its due day.
        assert_eq!(r.yellow_from(&Calendar2026, d("2026-09-25"), d("2026-09-28")), d("2026-09-28"));
        // Feedback: 3 working days -> 2.4 -> the 3rd: the due day.
        assert_eq!(r.yellow_from(&Calendar2026, d("2026-09-25"), d("2026-09-30")), d("2026-09-30"));
        // 50%: 7 -> 3.5 -> the 4th working day, 10-08.
        let half = TimelineRule { yellow_percent: 50, ..r.clone() };
        assert_eq!(half.yellow_from(&Calendar2026, d("2026-09-25"), d("2026-10-12")), d("2026-10-08"));
        // Calendar days: 10 days at 80% -> day 8.
        let cal = TimelineRule { counting: DayCounting::CalendarDays, ..r };
        assert_eq!(cal.yellow_from(&Calendar2026, d("2026-03-02"), d("2026-03-12")), d("2026-03-10"));
    }

    #[test]
    fn lights_on_given_dates() {
        use AssignmentStatus as S;
        let due = Some(d("2026-10-12"));
        let yellow = Some(d("2026-10-10"));
        let cases = [
            (S::FeedbackGiven, "2026-10-09", Light::Green),
            (S::FeedbackGiven, "2026-10-10", Light::Yellow),
            (S::FeedbackGiven, "2026-10-12", Light::Yellow),
            (S::FeedbackGiven, "2026-10-13", Light::Red),
            (S::Returned, "2026-10-13", Light::Red),
            (S::Assigned, "2026-09-26", Light::Green),
            (S::Closed, "2026-12-01", Light::Done),
        ];
        for (status, today, want) in cases {
            assert_eq!(light_on(status, due, yellow, d(today), Light::Green), want, "{status:?} on {today}");
        }
        // A close request stops the clock: the light stays as it stood.
        assert_eq!(light_on(S::CloseRequested, None, None, d("2027-01-01"), Light::Yellow), Light::Yellow);
    }

    #[test]
    fn every_transition_is_legal_or_refused_with_a_reason() {
        use AssignmentStatus as S;
        let st = |status, pending| State { status, has_pending_extension: pending };
        // (from, pending, action, Ok(to, pending) or Err(message))
        type Want = Result<(S, bool), &'static str>;
        let cases: Vec<(S, bool, Action, Want)> = vec![
            (S::Assigned, false, Action::SignFor, Ok((S::SignedFor, false))),
            (S::Assigned, false, Action::Deploy, Err("该事项尚未签收，不能部署")),
            (S::Assigned, false, Action::Feedback, Err("该事项尚未签收，不能反馈")),
            (S::Assigned, false, Action::RequestExtension, Err("该事项尚未签收，不能申请延期")),
            (S::Assigned, false, Action::ApproveExtension, Err("该事项没有待审批的延期申请")),
            (S::Assigned, false, Action::RefuseExtension, Err("该事项没有待审批的延期申请")),
            (S::Assigned, false, Action::RequestClose, Err("该事项尚未签收，不能申请办结")),
            (S::Assigned, false, Action::ReturnClose, Err("该事项未申请办结，不能退回")),
            (S::Assigned, false, Action::AcceptClose, Err("该事项未申请办结，不能办结销号")),
            (S::Assigned, false, Action::Reassign, Ok((S::Assigned, false))),
            (S::SignedFor, false, Action::SignFor, Err("该事项已签收，不能重复签收")),
            (S::SignedFor, false, Action::Deploy, Ok((S::Deployed, false))),
            (S::SignedFor, false, Action::Feedback, Err("该事项尚未部署，不能反馈")),
            (S::SignedFor, false, Action::RequestExtension, Ok((S::SignedFor, true))),
            (S::SignedFor, false, Action::RequestClose, Err("该事项尚未部署，不能申请办结")),
            (S::SignedFor, true, Action::Reassign, Ok((S::Assigned, false))),
            (S::Deployed, false, Action::Deploy, Err("该事项已部署，不能重复部署")),
            (S::Deployed, false, Action::Feedback, Ok((S::FeedbackGiven, false))),
            (S::Deployed, false, Action::RequestClose, Err("该事项尚未反馈，不能申请办结")),
            (S::Deployed, true, Action::ApproveExtension, Ok((S::Deployed, false))),
            (S::Deployed, true, Action::RefuseExtension, Ok((S::Deployed, false))),
            (S::Deployed, true, Action::RequestExtension, Err("该事项已有待审批的延期申请")),
            (S::FeedbackGiven, false, Action::Feedback, Ok((S::FeedbackGiven, false))),
            (S::FeedbackGiven, false, Action::RequestClose, Ok((S::CloseRequested, false))),
            (S::FeedbackGiven, true, Action::RequestClose, Err("该事项有待审批的延期申请，不能申请办结")),
            (S::FeedbackGiven, false, Action::SignFor, Err("该事项已签收，不能重复签收")),
            (S::FeedbackGiven, false, Action::AcceptClose, Err("该事项未申请办结，不能办结销号")),
            (S::CloseRequested, false, Action::ReturnClose, Ok((S::Returned, false))),
            (S::CloseRequested, false, Action::AcceptClose, Ok((S::Closed, false))),
            (S::CloseRequested, false, Action::Feedback, Err("该事项已申请办结，等待审核，不能反馈")),
            (S::CloseRequested, false, Action::RequestClose, Err("该事项已申请办结，请等待审核")),
            (S::CloseRequested, false, Action::RequestExtension, Err("该事项已申请办结，不能申请延期")),
            (S::CloseRequested, false, Action::Reassign, Ok((S::Assigned, false))),
            (S::Returned, false, Action::Feedback, Ok((S::FeedbackGiven, false))),
            (S::Returned, false, Action::RequestClose, Ok((S::CloseRequested, false))),
            (S::Returned, false, Action::RequestExtension, Ok((S::Returned, true))),
            (S::Returned, false, Action::ReturnClose, Err("该事项未申请办结，不能退回")),
        ];
        for (from, pending, action, want) in cases {
            let got = next(st(from, pending), action);
            let want = want.map(|(s, p)| st(s, p)).map_err(str::to_owned);
            assert_eq!(got, want, "{from:?} (pending {pending}) --{action:?}");
        }
        // Nothing moves a closed matter.
        for action in Action::ALL {
            let err = next(st(S::Closed, false), action).err().unwrap_or_default();
            assert!(err.starts_with("该事项已办结销号，不能再"), "{action:?}: {err}");
        }
    }

    #[test]
    fn each_action_belongs_to_one_party() {
        let office: Vec<Action> = Action::ALL.into_iter().filter(|a| a.party() == Party::Office).collect();
        assert_eq!(
            office,
            [
                Action::ApproveExtension,
                Action::RefuseExtension,
                Action::ReturnClose,
                Action::AcceptClose,
                Action::Reassign
            ]
        );
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
    }

    #[test]
    fn rules_keep_their_limits_in_order() {
        assert!(rule().validate().is_ok());
        let bad = TimelineRule { feedback_days: 0, yellow_percent: 100, ..rule() };
        let fields: Vec<String> =
            bad.validate().err().unwrap_or_default().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["feedback_days", "yellow_percent"].map(String::from));
        let r3510 = TimelineRule {
            name: "3510".into(),
            sign_for_days: 1,
            deploy_days: 3,
            feedback_days: 5,
            solve_days: 10,
            major_solve: MajorLimit::Days(30),
            ..rule()
        };
        assert!(r3510.validate().is_ok());
    }
}
