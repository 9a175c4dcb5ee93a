//! 交办事项 (assignment): a matter from a leader's instruction (领导批示), a
//! meeting decision (会议决定), a lagging task or a deputy's suggestion, assigned
//! by the office to a lead org on a timeline rule (时限规则) such as Shanxi's
//! 13710 — signed for, deployed in 1 day, feedback in 3, solved in 7 (a major
//! or complex matter in a month or by a timetable given), and followed to its
//! close (办结销号).
//!
//! This module is pure: the stage due dates come from a [`DayCount`] (the
//! working-day calendar, passed in) and a [`TimelineRule`] (`timeline`), the
//! state machine is [`next`] (`transition`), and the light of a matter on a
//! day is [`light_on`].
//!
//! Counting: the day of assignment does not count; a deadline that lands on a
//! non-working day moves to the next working day (the calendar does both).
//! Every stage's limit counts from the day the matter was assigned (or
//! reassigned), as 13710 reads: "1天部署、3天反馈、7天办结".

mod timeline;
mod transition;

pub use timeline::*;
pub use transition::*;

use crate::{AssignmentId, ExtensionId, Light, OrgId, TaskId, TenantId, TimelineRuleId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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
    /// 重点项目 (an overdue 前期手续 or a blocker of a key project)
    KeyProject,
}

impl AssignmentSource {
    pub const ALL: [AssignmentSource; 5] = [
        AssignmentSource::LeaderInstruction,
        AssignmentSource::MeetingDecision,
        AssignmentSource::Task,
        AssignmentSource::SuggestionOrProposal,
        AssignmentSource::KeyProject,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AssignmentSource::LeaderInstruction => "leader_instruction",
            AssignmentSource::MeetingDecision => "meeting_decision",
            AssignmentSource::Task => "task",
            AssignmentSource::SuggestionOrProposal => "suggestion_or_proposal",
            AssignmentSource::KeyProject => "key_project",
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
            AssignmentSource::KeyProject => "重点项目",
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
    /// Who did it, for display; `None` when the system did (the sweep).
    pub user_name: Option<String>,
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
    /// The solve date granted when approved (the office may grant another
    /// than asked for); `None` otherwise and for approvals older than the field.
    pub granted_due: Option<NaiveDate>,
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

#[cfg(test)]
mod tests;
