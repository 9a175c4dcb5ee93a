//! 进展报送与审核 (progress reports and their review).

use super::files::{Upload, checked_files};
use crate::input::{parse_decimal, parse_page};
use crate::plans::{MAX_PER_PAGE, filter::positive_id};
use crate::{App, AppError, Result, lenient};
use qingdan_domain::{
    Decimal, Invalid, OrgId, Period, Plan, PlanId, ReportId, ReportedActual, Role, SURPRISE_FACTOR, TargetId, TaskId,
    User,
};
use qingdan_domain::{ProgressReport, ReportStatus};
use qingdan_storage::{NewReport, Review, ReviewFilter, ReviewOf, ReviewQueueItem, StorageError, TaskPage, TaskQuery};
use serde::Deserialize;
use std::collections::HashSet;

/// Which waiting reports `GET /api/v1/reviews` lists.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// Only the reports of this org (its id).
    pub org: Option<String>,
    /// Only the reports on this plan's tasks (its id).
    pub plan: Option<String>,
    /// Zero-based page number.
    pub page: Option<String>,
    /// Reports per page, 1 to 200 (default 200).
    pub per_page: Option<String>,
}

/// One page of the review queue, and how many reports wait on all pages.
#[derive(Debug, Clone)]
pub struct ReviewQueuePage {
    pub items: Vec<ReviewQueueItem>,
    pub total: i64,
}

/// The longest narrative, problem or next-step text, in characters.
const MAX_TEXT: usize = 2000;

/// The refusal of a report for a period that has not begun, on submission
/// and on the form ([`crate::ReportForm::is_future`]).
pub const FUTURE_PERIOD: &str = "不能填报未来的周期";

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ActualInput {
    #[serde(deserialize_with = "lenient::text", default)]
    pub target_id: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub actual: String,
}

/// A progress report as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ReportInput {
    #[serde(default)]
    pub period: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub percent_done: String,
    #[serde(default)]
    pub narrative: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub next_steps: String,
    #[serde(default)]
    pub actuals: Vec<ActualInput>,
    /// The reporter confirms values the form warned about (more than three
    /// times a target: [`qingdan_domain::Target::is_surprising`]).
    #[serde(default)]
    pub confirmed: bool,
}

/// A supervisor's decision: `accept`, or `return` with a comment.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ReviewInput {
    pub decision: String,
    #[serde(default)]
    pub comment: String,
    /// The report's `revision` the reviewer read. When given and the report
    /// was resubmitted since, the review is refused (409) and the report
    /// stays waiting; when left out, whichever revision waits is reviewed.
    #[serde(default)]
    pub revision: Option<i64>,
}

/// 撤销通过: why the office sends an accepted report back (撤销原因), shown
/// to the reporting org as a 退回意见.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct UnacceptInput {
    #[serde(default)]
    pub comment: String,
}

/// 我的填报: a reporter's tasks in the current plan and their org's latest reports.
#[derive(Debug, Clone)]
pub struct MyTasks {
    pub plan: Option<Plan>,
    pub tasks: TaskPage,
    pub recent: Vec<ReviewQueueItem>,
}

impl App {
    /// Submits (or resubmits) the user's org's report on a task for a period.
    pub async fn submit_report(&self, user: &User, task_id: TaskId, input: &ReportInput) -> Result<ReportId> {
        self.submit_report_with_files(user, task_id, input, &[]).await
    }

    /// [`App::submit_report`] with 佐证材料: `uploads` are checked as 督办
    /// 附件 are and stored with the report in one transaction.
    pub async fn submit_report_with_files(
        &self,
        user: &User,
        task_id: TaskId,
        input: &ReportInput,
        uploads: &[Upload],
    ) -> Result<ReportId> {
        if user.role != Role::Reporter {
            return Err(AppError::Forbidden);
        }
        let task = self.store.report_basis(user.tenant_id, task_id, user.org_id).await?;
        let task = task.ok_or(AppError::NotFound("任务"))?;
        if !task.is_involved {
            return Err(AppError::Forbidden);
        }
        crate::plans::require_editable(&self.plan(user, task.plan_id).await?)?;
        if task.has_subtasks {
            return Err(AppError::field("task", "section", crate::SECTION_REPORT));
        }
        let cycle = self.schedule_of(user.tenant_id, task.plan_id).await?.cycle;
        let has_actuals = input.actuals.iter().any(|a| !a.actual.trim().is_empty());
        let targets = if has_actuals { self.store.targets(user.tenant_id, task_id).await? } else { Vec::new() };
        let mut invalid = Invalid::new();
        let period = match input.period.parse::<Period>() {
            Ok(p) if p.first_day() > self.clock.today() => {
                invalid.add("period", "future", FUTURE_PERIOD);
                None
            }
            Ok(p) if p.last_day() < task.start_date => {
                invalid.add("period", "before_start", format!("报送期不能早于任务开始日期（{}）", task.start_date));
                None
            }
            Ok(p) if p.cycle() != cycle => {
                let hint = format!("本计划{}报送，报送期应写作如 {}", cycle.label(), cycle.example());
                invalid.add("period", "wrong_cycle", hint);
                None
            }
            Ok(p) => Some(p),
            Err(message) => {
                invalid.add("period", "bad_format", message);
                None
            }
        };
        let percent_done = match crate::input::half_width(&input.percent_done).parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => p,
            _ => {
                invalid.add("percent_done", "out_of_range", "完成进度应为0到100之间的整数");
                0
            }
        };
        let narrative = invalid.text("narrative", "工作进展", &input.narrative, MAX_TEXT);
        let problems = invalid.optional_text("problems", "存在问题", &input.problems, MAX_TEXT);
        let next_steps = invalid.optional_text("next_steps", "下步打算", &input.next_steps, MAX_TEXT);
        let known: HashSet<i64> = targets.iter().map(|t| t.id.0).collect();
        let mut seen = HashSet::new();
        let mut actuals = Vec::new();
        for (i, a) in input.actuals.iter().enumerate() {
            if a.actual.trim().is_empty() {
                continue;
            }
            let field = format!("actuals[{i}]");
            let Ok(target) = a.target_id.trim().parse::<i64>() else {
                invalid.add(&field, "not_a_number", "指标编号应为整数");
                continue;
            };
            if !known.contains(&target) {
                invalid.add(&field, "not_found", format!("指标（编号{target}）不属于该任务"));
                continue;
            }
            if !seen.insert(target) {
                invalid.add(&field, "duplicate", format!("指标（编号{target}）重复填报"));
                continue;
            }
            let Some(t) = targets.iter().find(|t| t.id.0 == target) else { continue };
            let label = format!("“{}”的完成值", t.metric);
            let Some(actual) = parse_decimal(&mut invalid, &field, &label, &a.actual) else { continue };
            if actual < Decimal::ZERO && !t.may_be_negative() {
                invalid.add(&field, "negative", format!("{label}不能为负数"));
            } else if t.is_surprising(actual) && !input.confirmed {
                let message = format!(
                    "{label}{actual}{unit}超过目标值{value}{unit}的{SURPRISE_FACTOR}倍，请核实；确认无误请勾选“数据已核实”后再提交",
                    unit = t.unit,
                    value = t.value
                );
                invalid.add(&field, "surprising", message);
            } else {
                actuals.push(ReportedActual { target_id: TargetId(target), actual });
            }
        }
        let files = match checked_files(uploads) {
            Ok(files) => files,
            Err(AppError::Invalid(refused)) => {
                for e in refused.errors {
                    invalid.add(&e.field, e.code, e.message);
                }
                Vec::new()
            }
            Err(other) => return Err(other),
        };
        invalid.into_result()?;
        let new = NewReport {
            tenant_id: user.tenant_id,
            task_id,
            org_id: user.org_id,
            period: period.unwrap_or_else(|| Period::containing_in(cycle, self.clock.today())),
            percent_done,
            narrative,
            problems,
            next_steps,
            actuals,
            submitted_by: user.id,
        };
        Ok(self.store.submit_report_with_files(&new, &files, self.actor(user)).await?)
    }

    /// 撤回: the reporter takes back a report of their org not yet reviewed;
    /// it is deleted (audited with what it said) and its period is owed again.
    pub async fn withdraw_report(&self, user: &User, id: ReportId) -> Result<ProgressReport> {
        let report = self.readable_report(user, id).await?;
        if user.role != Role::Reporter || report.org_id != user.org_id {
            return Err(AppError::Forbidden);
        }
        if report.status != ReportStatus::Submitted {
            return Err(AppError::Conflict(format!("该报送{}，不能撤回", report.status.label())));
        }
        self.require_unfrozen(user, &report).await?;
        match self.store.withdraw_report(user.tenant_id, id, user.org_id, self.actor(user)).await {
            Err(StorageError::Conflict(_)) => Err(AppError::Conflict("该报送刚刚已被审核，不能撤回".into())),
            other => other.map_err(AppError::from),
        }
    }

    /// Refuses a change to a report waiting on an archived plan: it stands
    /// frozen until the plan is published again ([`crate::ARCHIVED_FROZEN`]).
    pub(crate) async fn require_unfrozen(&self, user: &User, report: &ProgressReport) -> Result<()> {
        let task = self.store.report_basis(user.tenant_id, report.task_id, user.org_id).await?;
        let task = task.ok_or(AppError::NotFound("任务"))?;
        if self.plan(user, task.plan_id).await?.status == qingdan_domain::PlanStatus::Archived {
            return Err(AppError::Conflict(crate::ARCHIVED_FROZEN.into()));
        }
        Ok(())
    }

    /// One page of the reports waiting for review, oldest first, of the
    /// query's org and plan (frozen ones too, marked), and how many there are
    /// on all pages.
    pub async fn review_queue(&self, user: &User, query: &ReviewQuery) -> Result<ReviewQueuePage> {
        if !user.role.can_supervise() {
            return Err(AppError::Forbidden);
        }
        let mut invalid = Invalid::new();
        let page = parse_page(&mut invalid, "page", query.page.as_deref(), 0, 0..=1_000_000);
        let per_page = parse_page(&mut invalid, "per_page", query.per_page.as_deref(), MAX_PER_PAGE, 1..=MAX_PER_PAGE);
        let org = positive_id(&mut invalid, "org", "单位", &query.org);
        let plan = positive_id(&mut invalid, "plan", "计划", &query.plan);
        invalid.into_result()?;
        let filter = ReviewFilter { org: org.map(OrgId), plan: plan.map(PlanId), reviewable_only: false };
        let offset = u64::from(page) * u64::from(per_page);
        let items = self.store.review_queue_filtered(user.tenant_id, &filter, per_page, offset).await?;
        let total = self.store.review_queue_total(user.tenant_id, &filter).await?;
        Ok(ReviewQueuePage { items, total })
    }

    /// Accepts a report, or returns it with a comment.
    pub async fn review(&self, user: &User, id: ReportId, input: &ReviewInput) -> Result<()> {
        if !user.role.can_supervise() {
            return Err(AppError::Forbidden);
        }
        let review = check_review(input)?;
        let rules = self.light_rules(user.tenant_id).await?;
        let item = ReviewOf { report: id, review: review.clone(), seen_revision: input.revision };
        let reviewed =
            self.store.review_report(user.tenant_id, &item, self.actor(user), self.clock.today(), &rules).await;
        self.counts.clear();
        self.dashboards.clear();
        let reviewed = reviewed?;
        self.after_review(user, &review, &reviewed).await;
        Ok(())
    }

    /// Reviews many reports in one transaction (the API's bulk review): each
    /// item's decision is checked on its own, and each gets its own outcome;
    /// the valid ones are saved together.
    pub async fn review_many(&self, user: &User, items: &[(i64, ReviewInput)]) -> Result<Vec<Result<ReportId>>> {
        if !user.role.can_supervise() {
            return Err(AppError::Forbidden);
        }
        crate::input::check_batch(items.len())?;
        let checked: Vec<Result<Review>> = items.iter().map(|(_, input)| check_review(input)).collect();
        let valid: Vec<ReviewOf> = items
            .iter()
            .zip(&checked)
            .filter_map(|((id, input), review)| {
                let review = review.as_ref().ok()?.clone();
                Some(ReviewOf { report: ReportId(*id), review, seen_revision: input.revision })
            })
            .collect();
        let rules = self.light_rules(user.tenant_id).await?;
        let saved =
            self.store.review_reports(user.tenant_id, &valid, self.actor(user), self.clock.today(), &rules).await;
        self.counts.clear();
        self.dashboards.clear();
        let mut saved = saved?.into_iter();
        let mut outcomes = Vec::with_capacity(items.len());
        for ((id, _), review) in items.iter().zip(checked) {
            let outcome = match review {
                Err(e) => Err(e),
                Ok(review) => match saved.next() {
                    Some(Ok(reviewed)) => {
                        self.after_review(user, &review, &reviewed).await;
                        Ok(ReportId(*id))
                    }
                    Some(Err(e)) => Err(e.into()),
                    None => Err(AppError::NotFound("报送")),
                },
            };
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// 撤销通过: the office sends an accepted report back to its org with a
    /// reason, to be corrected and resubmitted through the form and reviewed
    /// again. When it was the task's newest accepted period, the task's
    /// figures (progress, light, target actuals, every ancestor's roll-up) go
    /// back at once to what the remaining accepted reports give
    /// ([`qingdan_storage::Store::unaccept_report`]). The org is told as of a
    /// return. Not the office: forbidden; no reason, a report not accepted or
    /// of an archived plan: refused, nothing changed.
    pub async fn unaccept_report(&self, user: &User, id: ReportId, input: &UnacceptInput) -> Result<ProgressReport> {
        if !user.role.can_supervise() {
            return Err(AppError::Forbidden);
        }
        let mut invalid = Invalid::new();
        let comment = invalid.text("comment", "撤销原因", &input.comment, 500);
        invalid.into_result()?;
        let rules = self.light_rules(user.tenant_id).await?;
        let done = self
            .store
            .unaccept_report(user.tenant_id, id, &comment, self.actor(user), self.clock.today(), &rules)
            .await;
        self.counts.clear();
        self.dashboards.clear();
        let done = done?;
        self.tell_unaccepted(user.tenant_id, &done.report, &comment).await;
        if let Some(after) = done.light_change {
            // Saved; an alert that cannot be queued is logged, not the office's error.
            if let Err(err) = self.alert_red_lights(user.tenant_id, &[(done.report.task_id, after)]).await {
                tracing::warn!("red-light alert for task {} not queued: {err}", done.report.task_id.0);
            }
        }
        // The report as it stands, with its actuals (the change does not read them).
        Ok(self.store.report(user.tenant_id, id).await?.unwrap_or(done.report))
    }

    /// What follows a saved review: the reporting org is told of a return,
    /// and a task whose light turned red raises its alert.
    async fn after_review(&self, user: &User, review: &Review, reviewed: &qingdan_storage::Reviewed) {
        let report = &reviewed.report;
        if let Review::Return { comment } = review {
            self.tell_returned(user.tenant_id, report, comment).await;
        }
        if let Some(after) = reviewed.light_change {
            // The review is saved; an alert that cannot be queued is logged, not the reviewer's error.
            if let Err(err) = self.alert_red_lights(user.tenant_id, &[(report.task_id, after)]).await {
                tracing::warn!("red-light alert for task {} not queued: {err}", report.task_id.0);
            }
        }
    }

    /// 我的填报: the tasks of the reporter's org in a running plan (`plan`, or
    /// the current one), and its latest reports.
    pub async fn my_tasks(&self, user: &User, plan: Option<qingdan_domain::PlanId>, page: u32) -> Result<MyTasks> {
        let plan = self.my_plan(user, plan).await?;
        let tasks = match &plan {
            Some(plan) => {
                let query = TaskQuery {
                    visible_to: Some(user.org_id),
                    page,
                    ..TaskQuery::whole_plan(user.tenant_id, plan.id, 50)
                };
                self.store.tasks(&query).await?
            }
            None => TaskPage { items: Vec::new(), total: 0, is_total_capped: false },
        };
        let recent = self.store.org_reports(user.tenant_id, user.org_id, 20).await?;
        Ok(MyTasks { plan, tasks, recent })
    }
}

/// A review decision as typed: accept, or return with a comment.
fn check_review(input: &ReviewInput) -> Result<Review> {
    match input.decision.trim() {
        "accept" => Ok(Review::Accept),
        "return" => {
            let mut invalid = Invalid::new();
            let comment = invalid.text("comment", "退回意见", &input.comment, 500);
            invalid.into_result()?;
            Ok(Review::Return { comment })
        }
        _ => Err(AppError::field("decision", "unknown", "审核结果应为 accept（通过）或 return（退回）")),
    }
}
