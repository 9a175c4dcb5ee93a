//! The state machine of a matter: who may take which action, and the state after it.

use super::*;
use serde::{Deserialize, Serialize};

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
