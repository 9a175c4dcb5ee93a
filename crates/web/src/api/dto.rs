//! What the API returns. Decimals are strings ("5.1"), so no precision is lost
//! in a JSON number; codes are the stable English ones.

use qingdan_app::TaskListItem;
use qingdan_domain::{Org, Plan, ProgressReport, Target, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// admin, supervisor, reporter or leader
    pub role: String,
    pub org_id: i64,
}

impl From<&User> for UserDto {
    fn from(u: &User) -> UserDto {
        UserDto {
            id: u.id.0,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.code().into(),
            org_id: u.org_id.0,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrgDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// county, district, dev_zone, department or section
    pub kind: String,
    pub sort_order: i64,
}

impl From<&Org> for OrgDto {
    fn from(o: &Org) -> OrgDto {
        OrgDto {
            id: o.id.0,
            parent_id: o.parent_id.map(|p| p.0),
            name: o.name.clone(),
            kind: o.kind.code().into(),
            sort_order: o.sort_order,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanDto {
    pub id: i64,
    pub year: i32,
    pub title: String,
    /// draft or published
    pub status: String,
}

impl From<&Plan> for PlanDto {
    fn from(p: &Plan) -> PlanDto {
        PlanDto { id: p.id.0, year: p.year, title: p.title.clone(), status: p.status.code().into() }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TaskDto {
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub number: String,
    pub title: String,
    pub weight: String,
    pub depth: i32,
    pub start_date: String,
    pub deadline: String,
    pub lead_leader_id: Option<i64>,
    pub lead_org_id: Option<i64>,
    pub lead_org_name: Option<String>,
    pub supporting_org_ids: Vec<i64>,
    pub owner_id: Option<i64>,
    pub percent_done: i64,
    /// green, yellow, red, overdue or done
    pub light: String,
}

impl From<&TaskListItem> for TaskDto {
    fn from(item: &TaskListItem) -> TaskDto {
        let t = &item.task;
        let a = &t.responsibility;
        TaskDto {
            id: t.id.0,
            plan_id: t.plan_id.0,
            parent_id: t.parent_id.map(|p| p.0),
            number: t.number.clone(),
            title: t.title.clone(),
            weight: t.weight.to_string(),
            depth: t.depth,
            start_date: t.start_date.to_string(),
            deadline: t.deadline.to_string(),
            lead_leader_id: a.lead_leader_id.map(|u| u.0),
            lead_org_id: a.lead_org_id.map(|o| o.0),
            lead_org_name: item.lead_org_name.clone(),
            supporting_org_ids: a.supporting_org_ids.iter().map(|o| o.0).collect(),
            owner_id: a.owner_id.map(|u| u.0),
            percent_done: t.percent_done,
            light: t.light.code().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TargetDto {
    pub id: i64,
    pub metric: String,
    pub value: String,
    pub unit: String,
    /// eq, ge, le or approx
    pub comparator: String,
    pub baseline: Option<String>,
    pub deadline: Option<String>,
    pub actual: Option<String>,
}

impl From<&Target> for TargetDto {
    fn from(t: &Target) -> TargetDto {
        TargetDto {
            id: t.id.0,
            metric: t.metric.clone(),
            value: t.value.to_string(),
            unit: t.unit.clone(),
            comparator: t.comparator.code().into(),
            baseline: t.baseline.map(|b| b.to_string()),
            deadline: t.deadline.map(|d| d.to_string()),
            actual: t.actual.map(|a| a.to_string()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TaskDetailDto {
    #[serde(flatten)]
    pub task: TaskDto,
    pub targets: Vec<TargetDto>,
    /// The task's children the caller may see, in list order.
    pub children: Vec<TaskDto>,
    /// Its ancestors the caller may see, the root first.
    pub ancestors: Vec<TaskDto>,
}

#[derive(Serialize, ToSchema)]
pub struct LightCountsDto {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    /// 逾期: past the deadline and not done.
    pub overdue: i64,
    pub done: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TaskListDto {
    pub items: Vec<TaskDto>,
    /// Tasks matching the filter on all pages (for a text search, up to the end
    /// of this page when `is_total_capped`); null for a keyset page not asked to count.
    pub total: Option<i64>,
    /// More tasks match than `total` says (a text search stops counting at 1,000).
    pub is_total_capped: bool,
    pub page: u32,
    pub per_page: u32,
    /// Keyset paging: the `after` of the next page, null on the last page.
    pub next_after: Option<i64>,
    /// Light counts of the whole plan as the user may see it.
    pub counts: LightCountsDto,
}

#[derive(Serialize, ToSchema)]
pub struct ActualDto {
    pub target_id: i64,
    pub actual: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    pub id: i64,
    pub task_id: i64,
    pub org_id: i64,
    /// YYYY-MM
    pub period: String,
    pub percent_done: i64,
    pub narrative: String,
    pub problems: String,
    pub next_steps: String,
    pub actuals: Vec<ActualDto>,
    /// submitted, accepted or returned
    pub status: String,
    /// 1, and one more for each resubmission; send it with a review so that
    /// a report resubmitted since is not reviewed unread (409).
    pub revision: i64,
    pub review_comment: String,
    pub submitted_by: i64,
    pub submitted_at: String,
}

/// A report of the review queue.
#[derive(Serialize, ToSchema)]
pub struct QueuedReportDto {
    #[serde(flatten)]
    pub report: ReportDto,
    /// Its plan is archived: it cannot be accepted or returned (409) until
    /// the plan is unarchived.
    pub frozen: bool,
}

impl From<&ProgressReport> for ReportDto {
    fn from(r: &ProgressReport) -> ReportDto {
        ReportDto {
            id: r.id.0,
            task_id: r.task_id.0,
            org_id: r.org_id.0,
            period: r.period.to_string(),
            percent_done: r.percent_done,
            narrative: r.narrative.clone(),
            problems: r.problems.clone(),
            next_steps: r.next_steps.clone(),
            actuals: r
                .actuals
                .iter()
                .map(|a| ActualDto { target_id: a.target_id.0, actual: a.actual.to_string() })
                .collect(),
            status: r.status.code().into(),
            revision: r.revision,
            review_comment: r.review_comment.clone(),
            submitted_by: r.submitted_by.0,
            submitted_at: r.submitted_at.to_rfc3339(),
        }
    }
}

#[derive(Deserialize, serde::Serialize, ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedDto {
    pub id: i64,
}

/// The outcome of one item of a bulk request, in the order sent.
#[derive(Serialize, ToSchema)]
pub struct BulkItemDto {
    /// The item's place in the request, from 0.
    pub index: usize,
    /// created, assigned, reviewed, or the error's code (invalid, not_found, conflict, forbidden, …).
    pub status: String,
    /// The id of the task created or changed, or of the report reviewed.
    pub id: Option<i64>,
    /// Why the item was refused.
    pub error: Option<crate::error::ErrorBody>,
}

/// The answer to a bulk request: one outcome per item.
#[derive(Serialize, ToSchema)]
pub struct BulkDto {
    /// Items saved (all in one transaction).
    pub done: usize,
    /// Items refused (nothing of them saved).
    pub refused: usize,
    pub items: Vec<BulkItemDto>,
}

impl BulkDto {
    /// The outcomes of a bulk call, `ok` naming what was done to the saved ones.
    pub fn new(outcomes: Vec<Result<i64, qingdan_app::AppError>>, ok: &str) -> BulkDto {
        let items: Vec<BulkItemDto> = outcomes
            .into_iter()
            .enumerate()
            .map(|(index, outcome)| match outcome {
                Ok(id) => BulkItemDto { index, status: ok.to_owned(), id: Some(id), error: None },
                Err(e) => {
                    let error = crate::error::ErrorBody::from(&e);
                    BulkItemDto { index, status: error.code.clone(), id: None, error: Some(error) }
                }
            })
            .collect();
        let done = items.iter().filter(|i| i.error.is_none()).count();
        BulkDto { done, refused: items.len() - done, items }
    }
}

/// A bulk creation: the tasks, a parent before its children.
#[derive(Deserialize, serde::Serialize, ToSchema)]
pub struct BulkTasksBody {
    pub items: Vec<qingdan_app::BulkTaskInput>,
}

/// A bulk assignment: each task's responsibility.
#[derive(Deserialize, serde::Serialize, ToSchema)]
pub struct BulkResponsibilitiesBody {
    pub items: Vec<qingdan_app::BulkResponsibilityInput>,
}

/// One decision of a bulk review.
#[derive(Deserialize, serde::Serialize, ToSchema)]
pub struct BulkReviewItem {
    pub report_id: i64,
    #[serde(flatten)]
    pub review: qingdan_app::ReviewInput,
}

/// A bulk review: decisions on waiting reports.
#[derive(Deserialize, serde::Serialize, ToSchema)]
pub struct BulkReviewsBody {
    pub items: Vec<BulkReviewItem>,
}
