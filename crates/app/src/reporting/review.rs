//! 审核 at the speed of the office: the review cards with what a reviewer
//! weighs (each target's goal, last accepted value and this one, the 佐证材料,
//! the task's light), filtered by org and plan, and 批量通过 (batch accept).
//! A report whose plan was archived stays listed, marked frozen: it cannot be
//! reviewed until the plan is published again.

use crate::{App, AppError, Result};
use qingdan_domain::{Org, Plan, PlanId, ReportId, Target, TaskId, User};
use qingdan_storage::{ReportFile, ReviewFilter, ReviewQueueItem};
use std::collections::HashMap;

/// The most reports the review page lists at once.
const MAX_CARDS: u32 = 200;

/// One waiting report as the reviewer sees it.
#[derive(Debug, Clone)]
pub struct ReviewCard {
    pub item: ReviewQueueItem,
    /// The task's targets; each `actual` is the last accepted value.
    pub targets: Vec<Target>,
    pub files: Vec<ReportFile>,
}

/// The review page: the cards and what the filters offer.
#[derive(Debug, Clone)]
pub struct ReviewBoard {
    /// The oldest waiting reports, at most 200.
    pub cards: Vec<ReviewCard>,
    /// How many reports wait under the filter, on the page or not.
    pub total: i64,
    /// How many of them are frozen (their plan archived): listed, not reviewable.
    pub frozen: i64,
    pub filter: ReviewFilter,
    pub orgs: Vec<Org>,
    pub plans: Vec<Plan>,
}

/// What a batch acceptance did: how many were accepted, and each refused
/// report with why.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    pub accepted: usize,
    pub refused: Vec<Refusal>,
}

/// A report a batch could not accept.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub report: ReportId,
    /// The task's number and title, or the report's number when unknown.
    pub label: String,
    pub reason: String,
}

impl App {
    /// 审核: the waiting reports of `filter`'s org and plan, oldest first, as cards.
    pub async fn review_board(&self, user: &User, filter: ReviewFilter) -> Result<ReviewBoard> {
        crate::guards::require_supervisor(user)?;
        let tenant = user.tenant_id;
        let items = self.store.review_queue_filtered(tenant, &filter, MAX_CARDS, 0).await?;
        let total = self.store.review_queue_total(tenant, &filter).await?;
        let reviewable = ReviewFilter { reviewable_only: true, ..filter };
        let frozen = total - self.store.review_queue_total(tenant, &reviewable).await?;
        let mut targets: HashMap<TaskId, Vec<Target>> = HashMap::new();
        for item in &items {
            if let std::collections::hash_map::Entry::Vacant(slot) = targets.entry(item.report.task_id) {
                slot.insert(self.store.targets(tenant, item.report.task_id).await?);
            }
        }
        let ids: Vec<ReportId> = items.iter().map(|i| i.report.id).collect();
        let mut files = self.store.report_files(tenant, &ids).await?;
        let cards = items
            .into_iter()
            .map(|item| ReviewCard {
                targets: targets.get(&item.report.task_id).cloned().unwrap_or_default(),
                files: files.remove(&item.report.id).unwrap_or_default(),
                item,
            })
            .collect();
        let orgs = self.store.orgs(tenant).await?.into_iter().filter(|o| o.is_active).collect();
        Ok(ReviewBoard { cards, total, frozen, filter, orgs, plans: self.store.plans(tenant).await? })
    }

    /// How many reports on `plan` wait for review: archiving would freeze them.
    pub async fn waiting_reports(&self, user: &User, plan: PlanId) -> Result<i64> {
        crate::guards::require_supervisor(user)?;
        let plan = self.plan(user, plan).await?;
        Ok(self.store.waiting_reports(user.tenant_id, plan.id).await?)
    }

    /// 批量通过: accepts each report of the revision read (`None`: whichever
    /// waits), one transaction each. A report that cannot be accepted
    /// (resubmitted or reviewed meanwhile, not found) is listed with why; the
    /// others are still accepted.
    pub async fn accept_reports(&self, user: &User, ids: &[(ReportId, Option<i64>)]) -> Result<BatchOutcome> {
        crate::guards::require_supervisor(user)?;
        if ids.is_empty() {
            return Err(AppError::field("reports", "required", "请先勾选要通过的报送"));
        }
        let mut outcome = BatchOutcome::default();
        for &(id, revision) in ids {
            let accept = super::reports::ReviewInput { decision: "accept".into(), comment: String::new(), revision };
            match self.review(user, id, &accept).await {
                Ok(()) => outcome.accepted += 1,
                Err(err @ (AppError::Conflict(_) | AppError::NotFound(_) | AppError::Invalid(_))) => {
                    let label = self.report_label(user, id).await?;
                    outcome.refused.push(Refusal { report: id, label, reason: err.to_string() });
                }
                Err(other) => return Err(other),
            }
        }
        Ok(outcome)
    }

    /// "number title" of a report's task, or "报送（编号N）".
    async fn report_label(&self, user: &User, id: ReportId) -> Result<String> {
        let Some(report) = self.store.report(user.tenant_id, id).await? else {
            return Ok(format!("报送（编号{}）", id.0));
        };
        let task = self.store.task(user.tenant_id, report.task_id).await?;
        Ok(task.map_or_else(
            || format!("报送（编号{}）", id.0),
            |t| format!("{} {}（{}）", t.task.number, t.task.title, report.period.label()),
        ))
    }
}
