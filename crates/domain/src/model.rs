//! The entities of the list and their plain data.

use crate::{Comparator, Decimal, Light, OrgId, Period, PlanId, ReportId, Role, TargetId, TaskId, TenantId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// 政府（租户）: one government that owns its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
}

/// The kind of an org in the tenant's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 县（市、区）: a county-level government.
    County,
    /// 区: a district.
    District,
    /// 开发区: a development zone.
    DevZone,
    /// 部门: a department.
    Department,
    /// 科室: a section inside a department.
    Section,
}

impl OrgKind {
    pub const ALL: [OrgKind; 5] =
        [OrgKind::County, OrgKind::District, OrgKind::DevZone, OrgKind::Department, OrgKind::Section];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::County => "county",
            OrgKind::District => "district",
            OrgKind::DevZone => "dev_zone",
            OrgKind::Department => "department",
            OrgKind::Section => "section",
        }
    }

    pub fn from_code(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::County => "县（市）",
            OrgKind::District => "区",
            OrgKind::DevZone => "开发区",
            OrgKind::Department => "部门",
            OrgKind::Section => "科室",
        }
    }
}

/// 单位 (org): an organisation in the tenant's tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    pub id: OrgId,
    pub tenant_id: TenantId,
    pub parent_id: Option<OrgId>,
    pub name: String,
    pub kind: OrgKind,
    pub sort_order: i64,
    /// A disabled org keeps its history but takes no new work or people.
    pub is_active: bool,
}

/// 人员 (user): a person who signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub org_id: OrgId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub is_active: bool,
    /// An admin set the password: it must be changed before anything else.
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// 草稿
    Draft,
    /// 已发布
    Published,
    /// 已归档: a past year's plan, read-only and listed apart.
    Archived,
    /// The tenant's 回收站: deleted tasks wait here to be restored.
    Trash,
}

impl PlanStatus {
    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Published => "published",
            PlanStatus::Archived => "archived",
            PlanStatus::Trash => "trash",
        }
    }

    pub fn from_code(code: &str) -> Option<PlanStatus> {
        [PlanStatus::Draft, PlanStatus::Published, PlanStatus::Archived, PlanStatus::Trash]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Draft => "草稿",
            PlanStatus::Published => "已发布",
            PlanStatus::Archived => "已归档",
            PlanStatus::Trash => "回收站",
        }
    }
}

/// 计划 (plan): one adopted document and the list built from it, for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: PlanId,
    pub tenant_id: TenantId,
    pub year: i32,
    pub title: String,
    pub status: PlanStatus,
}

/// 牵头领导/牵头单位/配合单位/责任人: who answers for a task.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Responsibility {
    pub lead_leader_id: Option<UserId>,
    pub lead_org_id: Option<OrgId>,
    pub supporting_org_ids: Vec<OrgId>,
    pub owner_id: Option<UserId>,
}

impl Responsibility {
    /// Whether `org` is the lead or a supporting org.
    pub fn involves(&self, org: OrgId) -> bool {
        self.lead_org_id == Some(org) || self.supporting_org_ids.contains(&org)
    }

    /// The rules of 责任分工 this one breaks, given the org the owner works
    /// in (`None`: no owner, or not known): the owner works in the lead org,
    /// and the lead org is not also a supporting org. The single-task form,
    /// the API, 批量分配 and moving a person to another org all ask this.
    pub fn faults(&self, owner_org: Option<OrgId>) -> Vec<ResponsibilityFault> {
        let mut faults = Vec::new();
        if self.owner_id.is_some() && (owner_org.is_none() || owner_org != self.lead_org_id) {
            faults.push(ResponsibilityFault::OwnerOutsideLeadOrg);
        }
        if self.lead_org_id.is_some_and(|lead| self.supporting_org_ids.contains(&lead)) {
            faults.push(ResponsibilityFault::LeadAlsoSupporting);
        }
        faults
    }

    /// This responsibility with the lead org and/or lead leader replaced
    /// (`None`: kept), made to keep the rules of [`Responsibility::faults`]:
    /// an owner outside the new lead org is no longer the owner, and a new
    /// lead org leaves the supporting orgs. Returns what had to be dropped.
    pub fn with_lead(
        &self,
        lead_org: Option<OrgId>,
        lead_leader: Option<UserId>,
        owner_org: Option<OrgId>,
    ) -> (Responsibility, Vec<ResponsibilityFault>) {
        let mut next = self.clone();
        if let Some(org) = lead_org {
            next.lead_org_id = Some(org);
        }
        if let Some(leader) = lead_leader {
            next.lead_leader_id = Some(leader);
        }
        let faults = next.faults(owner_org);
        for fault in &faults {
            match fault {
                ResponsibilityFault::OwnerOutsideLeadOrg => next.owner_id = None,
                ResponsibilityFault::LeadAlsoSupporting => {
                    next.supporting_org_ids.retain(|o| Some(*o) != next.lead_org_id);
                }
            }
        }
        (next, faults)
    }
}

/// A rule of 责任分工 broken; see [`Responsibility::faults`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponsibilityFault {
    /// 责任人须是牵头单位的人员.
    OwnerOutsideLeadOrg,
    /// 牵头单位不能同时是配合单位.
    LeadAlsoSupporting,
}

impl ResponsibilityFault {
    /// What the office reads, and the field it is about.
    pub fn message(self) -> &'static str {
        match self {
            ResponsibilityFault::OwnerOutsideLeadOrg => "责任人须是牵头单位的人员",
            ResponsibilityFault::LeadAlsoSupporting => "牵头单位不能同时是配合单位",
        }
    }
}

/// 任务事项 (task): one line of the list, possibly with sub-tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub tenant_id: TenantId,
    pub plan_id: PlanId,
    pub parent_id: Option<TaskId>,
    /// The number as in the report: "一、", "（一）", "1."
    pub number: String,
    pub title: String,
    pub weight: Decimal,
    pub depth: i32,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    pub responsibility: Responsibility,
    /// 工作进度 (work progress), 0–100, from the latest accepted report.
    pub percent_done: i64,
    pub light: Light,
}

/// 指标 (target): a quantity a task promises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub id: TargetId,
    pub task_id: TaskId,
    pub metric: String,
    pub value: Decimal,
    pub unit: String,
    pub comparator: Comparator,
    pub baseline: Option<Decimal>,
    pub deadline: Option<NaiveDate>,
    /// 完成值: the value reached so far, from the latest accepted report.
    pub actual: Option<Decimal>,
}

impl Target {
    /// Whether `actual` meets the target as its comparator reads it.
    pub fn is_met(&self) -> bool {
        let Some(actual) = self.actual else { return false };
        match self.comparator {
            Comparator::Exactly | Comparator::AtLeast | Comparator::About => actual >= self.value,
            Comparator::AtMost => actual <= self.value,
        }
    }

    /// Whether an actual of this target may be below zero: a rate or a
    /// change may (增长-1.5%, 下降2个百分点), a count or an amount cannot.
    pub fn may_be_negative(&self) -> bool {
        unit_may_be_negative(&self.unit)
    }

    /// Whether `actual` is far enough past the target — more than
    /// [`SURPRISE_FACTOR`] times a positive target value — that the reporter
    /// should confirm it is no slip of the keyboard (1,200 for 320).
    pub fn is_surprising(&self, actual: Decimal) -> bool {
        self.value > Decimal::ZERO && actual > self.value * Decimal::from(SURPRISE_FACTOR)
    }
}

/// Whether a value in `unit` may be below zero: a rate or a change (%, ‰,
/// 百分点) may, a count or an amount cannot — as an actual or as a target.
pub fn unit_may_be_negative(unit: &str) -> bool {
    unit.contains('%') || unit.contains('‰') || unit.contains("百分点")
}

/// See [`Target::is_surprising`].
pub const SURPRISE_FACTOR: i64 = 3;

#[cfg(test)]
mod target_tests {
    use super::*;

    fn target(value: &str, unit: &str) -> Target {
        Target {
            id: TargetId(1),
            task_id: TaskId(1),
            metric: "指标".into(),
            value: value.parse().unwrap_or_default(),
            unit: unit.into(),
            comparator: Comparator::AtLeast,
            baseline: None,
            deadline: None,
            actual: None,
        }
    }

    #[test]
    fn rates_may_fall_below_zero_and_counts_may_not() {
        assert!(target("6", "%").may_be_negative());
        assert!(target("2", "个百分点").may_be_negative());
        assert!(!target("320", "个").may_be_negative());
        assert!(!target("12", "亿元").may_be_negative());
    }

    #[test]
    fn more_than_three_times_the_target_asks_for_confirmation() {
        let t = target("320", "个");
        assert!(t.is_surprising("1200".parse().unwrap_or_default()));
        assert!(!t.is_surprising("960".parse().unwrap_or_default()));
        assert!(!target("0", "个").is_surprising(Decimal::ONE_HUNDRED));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 待审核
    Submitted,
    /// 已通过
    Accepted,
    /// 已退回
    Returned,
}

impl ReportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Submitted => "submitted",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Returned => "returned",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportStatus> {
        [ReportStatus::Submitted, ReportStatus::Accepted, ReportStatus::Returned].into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Submitted => "待审核",
            ReportStatus::Accepted => "已通过",
            ReportStatus::Returned => "已退回",
        }
    }
}

/// The value reported for one target in a progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedActual {
    pub target_id: TargetId,
    pub actual: Decimal,
}

/// 进展报送 (progress report): one org's report on one task for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub id: ReportId,
    pub tenant_id: TenantId,
    pub task_id: TaskId,
    pub org_id: OrgId,
    pub period: Period,
    pub percent_done: i64,
    pub narrative: String,
    pub problems: String,
    pub next_steps: String,
    pub actuals: Vec<ReportedActual>,
    pub status: ReportStatus,
    /// 1 for the first submission, one more for each resubmission: which
    /// text a reviewer read.
    pub revision: i64,
    pub review_comment: String,
    pub submitted_by: UserId,
    pub submitted_at: DateTime<Utc>,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Sent by the task's lead org (or to a task without one) when submitted:
    /// only such reports move the task's figures. A 配合单位's report records
    /// its part and is reviewed like any other.
    pub is_lead: bool,
}

/// Whether an import is still being reviewed or has become a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Draft,
    Published,
}

impl ImportStatus {
    pub fn code(self) -> &'static str {
        match self {
            ImportStatus::Draft => "draft",
            ImportStatus::Published => "published",
        }
    }

    pub fn from_code(code: &str) -> Option<ImportStatus> {
        match code {
            "draft" => Some(ImportStatus::Draft),
            "published" => Some(ImportStatus::Published),
            _ => None,
        }
    }

    /// 草稿 / 已发布
    pub fn label(self) -> &'static str {
        match self {
            ImportStatus::Draft => "草稿",
            ImportStatus::Published => "已发布",
        }
    }
}

/// Where an outbox row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Waiting for its `next_attempt_at`.
    Queued,
    /// Claimed by a worker; the send is under way (or the worker died).
    Sending,
    Sent,
    /// Given up: out of attempts, or the outcome of a send is unknown.
    Failed,
}

impl OutboxStatus {
    pub fn code(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<OutboxStatus> {
        Some(match code {
            "queued" => OutboxStatus::Queued,
            "sending" => OutboxStatus::Sending,
            "sent" => OutboxStatus::Sent,
            "failed" => OutboxStatus::Failed,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "待发送",
            OutboxStatus::Sending => "发送中",
            OutboxStatus::Sent => "已发送",
            OutboxStatus::Failed => "失败",
        }
    }
}

#[cfg(test)]
mod responsibility_tests {
    use super::*;

    fn of(lead: i64, supporting: &[i64], owner: Option<i64>) -> Responsibility {
        Responsibility {
            lead_leader_id: None,
            lead_org_id: Some(OrgId(lead)),
            supporting_org_ids: supporting.iter().copied().map(OrgId).collect(),
            owner_id: owner.map(UserId),
        }
    }

    #[test]
    fn a_responsibility_breaks_a_rule_when_its_owner_or_supporting_orgs_disagree_with_its_lead() {
        use ResponsibilityFault::*;
        let cases: [(Responsibility, Option<OrgId>, Vec<ResponsibilityFault>); 5] = [
            (of(1, &[2], Some(9)), Some(OrgId(1)), vec![]),
            (of(1, &[2], None), None, vec![]),
            (of(1, &[2], Some(9)), Some(OrgId(2)), vec![OwnerOutsideLeadOrg]),
            (of(1, &[1, 2], Some(9)), Some(OrgId(1)), vec![LeadAlsoSupporting]),
            (of(1, &[1], Some(9)), None, vec![OwnerOutsideLeadOrg, LeadAlsoSupporting]),
        ];
        for (r, owner_org, faults) in cases {
            assert_eq!(r.faults(owner_org), faults, "{r:?} with the owner in {owner_org:?}");
        }
    }

    #[test]
    fn a_new_lead_org_drops_an_owner_from_elsewhere_and_leaves_the_supporting_orgs() {
        let before = of(1, &[2, 3], Some(9));
        let (after, dropped) = before.with_lead(Some(OrgId(2)), None, Some(OrgId(1)));
        assert_eq!(after, of(2, &[3], None));
        assert_eq!(dropped, [ResponsibilityFault::OwnerOutsideLeadOrg, ResponsibilityFault::LeadAlsoSupporting]);
        let (same, dropped) = before.with_lead(None, Some(UserId(5)), Some(OrgId(1)));
        assert_eq!((same.owner_id, same.lead_leader_id, dropped), (Some(UserId(9)), Some(UserId(5)), vec![]));
    }
}
