use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id, QueryParams};
use crate::pages::plans::TaskLine;
use crate::pages::reporting::schedule::DueLine;
use crate::view::{Nav, beijing_time, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{ActualInput, AppError, ReportInput, ReviewInput, ReviewQueueItem};
use qingdan_domain::{ProgressReport, ReportId, ReportStatus, Target, TaskId};
use std::collections::HashMap;

/// A report as one row of a history or queue.
pub struct ReportView {
    pub id: i64,
    pub task_id: i64,
    pub task: String,
    pub org: String,
    pub period: String,
    pub percent: i64,
    pub narrative: String,
    pub problems: String,
    pub next_steps: String,
    pub actuals: String,
    pub comment: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub submitted_at: String,
}

impl ReportView {
    pub fn new(r: &ProgressReport, org: &str, targets: &[Target]) -> ReportView {
        let actuals = r
            .actuals
            .iter()
            .map(|a| {
                let t = targets.iter().find(|t| t.id == a.target_id);
                format!("{}：{}{}", t.map_or("", |t| t.metric.as_str()), a.actual, t.map_or("", |t| t.unit.as_str()))
            })
            .collect::<Vec<_>>()
            .join("；");
        ReportView {
            id: r.id.0,
            task_id: r.task_id.0,
            task: String::new(),
            org: org.to_owned(),
            period: r.period.label(),
            percent: r.percent_done,
            narrative: r.narrative.clone(),
            problems: r.problems.clone(),
            next_steps: r.next_steps.clone(),
            actuals,
            comment: r.review_comment.clone(),
            status: r.status.label(),
            status_class: match r.status {
                ReportStatus::Submitted => "secondary",
                ReportStatus::Accepted => "success",
                ReportStatus::Returned => "danger",
            },
            submitted_at: beijing_time(r.submitted_at),
        }
    }

    fn from_queue(item: &ReviewQueueItem) -> ReportView {
        let mut view = ReportView::new(&item.report, &item.org_name, &[]);
        view.task = format!("{} {}", item.task_number, item.task_title);
        view.actuals = item.report.actuals.iter().map(|a| a.actual.to_string()).collect::<Vec<_>>().join("、");
        view
    }
}

pub struct TargetField {
    pub id: i64,
    pub metric: String,
    pub goal: String,
    pub unit: String,
    pub value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "reporting/form.html")]
pub struct ReportFormPage {
    nav: Nav,
    task_id: i64,
    task: String,
    period: String,
    percent_done: String,
    narrative: String,
    problems: String,
    next_steps: String,
    targets: Vec<TargetField>,
    /// A value was far past its target: the form asks the reporter to confirm.
    ask_confirm: bool,
    errors: HashMap<String, String>,
}

impl ReportFormPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

async fn form_page(
    state: &AppState,
    user: &qingdan_domain::User,
    id: TaskId,
    input: ReportInput,
    ask_confirm: bool,
    errors: HashMap<String, String>,
) -> Result<ReportFormPage, PageError> {
    let detail = state.app.task_detail(user, id).await?;
    if !detail.can_report {
        return Err(AppError::Forbidden.into());
    }
    let value_of = |target: i64| {
        input.actuals.iter().find(|a| a.target_id == target.to_string()).map(|a| a.actual.clone()).unwrap_or_default()
    };
    let targets = detail
        .targets
        .iter()
        .map(|t| TargetField {
            id: t.id.0,
            metric: t.metric.clone(),
            goal: format!("{}{}{}", t.comparator.label(), t.value, t.unit),
            unit: t.unit.clone(),
            value: value_of(t.id.0),
        })
        .collect();
    Ok(ReportFormPage {
        nav: Nav::new(user, "/my"),
        task_id: id.0,
        task: format!("{} {}", detail.item.task.number, detail.item.task.title),
        period: input.period,
        percent_done: input.percent_done,
        narrative: input.narrative,
        problems: input.problems,
        next_steps: input.next_steps,
        targets,
        ask_confirm,
        errors,
    })
}

/// `?period=` chooses the period a report covers (补报 links); else the current one of the task's plan.
#[derive(serde::Deserialize, Default)]
pub struct FormQuery {
    period: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(q): QueryParams<FormQuery>,
) -> Result<ReportFormPage, PageError> {
    let period = match q.period.filter(|p| !p.trim().is_empty()) {
        Some(period) => period,
        None => state.app.current_period(&user, TaskId(id)).await?.to_string(),
    };
    let input = ReportInput { period, ..ReportInput::default() };
    form_page(&state, &user, TaskId(id), input, false, HashMap::new()).await
}

fn report_input(form: &FormPairs) -> ReportInput {
    let actuals = form
        .0
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("actual_").map(|id| ActualInput { target_id: id.to_owned(), actual: v.clone() })
        })
        .collect();
    ReportInput {
        period: form.get("period"),
        percent_done: form.get("percent_done"),
        narrative: form.get("narrative"),
        problems: form.get("problems"),
        next_steps: form.get("next_steps"),
        actuals,
        confirmed: !form.get("confirmed").is_empty(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = report_input(&form);
    match state.app.submit_report(&user, TaskId(id), &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let ask_confirm = invalid.errors.iter().any(|e| e.code == "surprising");
            let errors = field_errors(invalid);
            let page = form_page(&state, &user, TaskId(id), input, ask_confirm, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reporting/mine.html")]
pub struct MyPage {
    nav: Nav,
    plan_title: String,
    lines: Vec<TaskLine>,
    recent: Vec<ReportView>,
    /// 本期应报: the period's label, due date and the plan's schedule.
    due_period: String,
    due_date: String,
    schedule: String,
    due: Vec<DueLine>,
    /// The previous period's reports still owed (补报).
    overdue: Vec<DueLine>,
}

pub async fn mine(State(state): State<AppState>, PageUser(user): PageUser) -> Result<MyPage, PageError> {
    let my = state.app.my_tasks(&user, 0).await?;
    let reporting = state.app.my_reporting(&user).await?;
    Ok(MyPage {
        nav: Nav::new(&user, "/my"),
        plan_title: my.plan.map(|p| p.title).unwrap_or_default(),
        lines: my.tasks.items.iter().map(TaskLine::from).collect(),
        recent: my.recent.iter().map(ReportView::from_queue).collect(),
        due_period: reporting.as_ref().map(|r| r.period.label()).unwrap_or_default(),
        due_date: reporting.as_ref().map(|r| r.due_date.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        schedule: reporting.as_ref().map(|r| r.schedule.describe()).unwrap_or_default(),
        due: reporting.as_ref().map(|r| r.items.iter().map(DueLine::from).collect()).unwrap_or_default(),
        overdue: reporting.as_ref().map(|r| r.overdue.iter().map(DueLine::from).collect()).unwrap_or_default(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "reporting/queue.html")]
pub struct QueuePage {
    nav: Nav,
    reports: Vec<ReportView>,
}

pub async fn queue(State(state): State<AppState>, PageUser(user): PageUser) -> Result<QueuePage, PageError> {
    let items = state.app.review_queue(&user).await?;
    Ok(QueuePage { nav: Nav::new(&user, "/reviews"), reports: items.iter().map(ReportView::from_queue).collect() })
}

pub async fn review(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    let input = ReviewInput { decision: form.get("decision"), comment: form.get("comment") };
    state.app.review(&user, ReportId(id), &input).await?;
    Ok(Redirect::to("/reviews"))
}
