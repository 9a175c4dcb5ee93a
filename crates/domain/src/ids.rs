//! Id newtypes: one per entity, so a `TaskId` is never passed where an `OrgId` is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id!(
    /// 政府（租户）
    TenantId,
    /// 单位
    OrgId,
    /// 人员
    UserId,
    /// 计划
    PlanId,
    /// 任务事项
    TaskId,
    /// 指标
    TargetId,
    /// 进展报送
    ReportId,
    /// 交办事项
    AssignmentId,
    /// 时限规则
    TimelineRuleId,
    /// 延期申请
    ExtensionId,
    /// 附件 (a stored attachment file of an assigned matter)
    AssignmentFileId,
    /// 佐证材料 (a file attached to a progress report)
    ReportFileId,
    /// 报告导入
    ImportId,
    /// 导入草稿中的任务
    ImportTaskId,
    /// 导入草稿中的指标
    ImportTargetId,
    /// 消息通道
    ChannelId,
    /// 重点项目
    ProjectId,
    /// 项目进展报送 (half-monthly)
    ProjectReportId,
    /// 前期手续 (a node of a project)
    PreworkId,
    /// 堵点 (要素保障问题)
    FactorIssueId,
    /// 调度会
    MeetingId,
    /// 议定事项 (a decision of a dispatch meeting)
    DecisionId,
    /// 发件箱中的一条消息
    NotificationId,
);
