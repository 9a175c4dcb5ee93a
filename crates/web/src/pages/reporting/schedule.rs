//! 报送情况: a plan's reporting schedule (报送安排, set by supervisors and
//! admins), who reported late (迟报) or not at all (逾期未报) in a period, and
//! the stale tasks (久未报送). The app decides who may see and change what.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormInput, Id, QueryParams};
use crate::view::{Nav, beijing_time, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{AppError, ReportingStatus, ScheduleInput, TaskReporting};
use qingdan_domain::{DueState, DueStatus, Period, PlanId, ReportingCycle, User};
use std::collections::HashMap;

/// One org's line of the period's table.
pub struct OrgLine {
    pub name: String,
    pub due: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub pending: usize,
}

/// One task's report status, as shown.
pub struct DueLine {
    pub task_id: i64,
    pub task: String,
    pub org: String,
    pub period: String,
    pub period_code: String,
    pub due_date: String,
    pub status: String,
    pub status_class: &'static str,
    pub state: &'static str,
    pub submitted_at: String,
    /// The reporter may still (re)submit: nothing accepted yet.
    pub can_submit: bool,
}

/// The badge colour of a status.
pub fn status_class(status: DueStatus) -> &'static str {
    match status.state {
        DueState::Missing => "danger",
        _ if status.is_owed_past_due => "danger",
        DueState::Returned => "warning",
        _ if status.is_late => "warning",
        DueState::Pending => "secondary",
        DueState::Submitted => "info",
        DueState::Accepted => "success",
    }
}

impl From<&TaskReporting> for DueLine {
    fn from(t: &TaskReporting) -> DueLine {
        DueLine {
            task_id: t.task_id.0,
            task: format!("{} {}", t.number, t.title).trim().to_owned(),
            org: t.org_name.clone(),
            period: t.period.label(),
            period_code: t.period.to_string(),
            due_date: t.due_date.format("%Y-%m-%d").to_string(),
            status: t.status.label(),
            status_class: status_class(t.status),
            state: t.status.state.code(),
            submitted_at: t.submitted_at.map(beijing_time).unwrap_or_default(),
            can_submit: t.status.state != DueState::Accepted,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reporting/schedule.html")]
pub struct ReportingPage {
    nav: Nav,
    plan_id: i64,
    plan_title: String,
    /// 每月25日前报送，提前3天提醒
    schedule: String,
    is_default: bool,
    can_edit: bool,
    /// The form's values (what is stored, or what was typed).
    cycle: String,
    due_day: String,
    remind_days_before: String,
    cycles: Vec<(&'static str, &'static str)>,
    errors: HashMap<String, String>,
    saved: bool,
    period: String,
    period_code: String,
    /// The periods before and after, while within the plan's year.
    previous: Option<String>,
    next: Option<String>,
    due_date: String,
    is_past_due: bool,
    orgs: Vec<OrgLine>,
    /// Late, missing and returned tasks (the first [`MAX_LINES`]).
    problems: Vec<DueLine>,
    problems_total: usize,
    stale: Vec<(i64, String, String)>,
    stale_total: usize,
    stale_periods: String,
    max_lines: usize,
}

/// Task lines a list shows at most: the org table says the rest.
const MAX_LINES: usize = 500;

impl ReportingPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ReportingQuery {
    period: Option<String>,
    saved: Option<String>,
}

async fn page(
    state: &AppState,
    user: &User,
    plan: PlanId,
    period: Option<Period>,
    form: Option<(ScheduleInput, HashMap<String, String>)>,
) -> Result<ReportingPage, PageError> {
    let shown = state.app.reporting_schedule(user, plan).await?;
    let status: ReportingStatus = state.app.reporting_status(user, plan, period).await?;
    let stale = state.app.stale_tasks(user, plan).await?;
    let s = shown.schedule;
    let (input, errors) = form.unwrap_or_else(|| {
        let input = ScheduleInput {
            cycle: s.cycle.code().to_owned(),
            due_day: s.due_day.to_string(),
            remind_days_before: s.remind_days_before.to_string(),
        };
        (input, HashMap::new())
    });
    let problems: Vec<&TaskReporting> = status
        .tasks
        .iter()
        .filter(|t| t.status.is_late || matches!(t.status.state, DueState::Missing | DueState::Returned))
        .collect();
    let stale_periods =
        stale.first().map(|t| t.periods.iter().map(|p| p.label()).collect::<Vec<_>>().join("、")).unwrap_or_default();
    Ok(ReportingPage {
        nav: Nav::new(user, "/plans"),
        plan_id: plan.0,
        plan_title: shown.plan.title.clone(),
        schedule: s.describe(),
        is_default: shown.is_default,
        can_edit: user.role.can_supervise(),
        cycle: input.cycle,
        due_day: input.due_day,
        remind_days_before: input.remind_days_before,
        cycles: ReportingCycle::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        errors,
        saved: false,
        period: status.period.label(),
        period_code: status.period.to_string(),
        previous: Some(status.period.previous())
            .filter(|p| chrono::Datelike::year(&p.last_day()) >= shown.plan.year)
            .map(|p| p.to_string()),
        next: Some(status.period.next())
            .filter(|p| chrono::Datelike::year(&p.first_day()) <= shown.plan.year)
            .map(|p| p.to_string()),
        due_date: status.due_date.format("%Y-%m-%d").to_string(),
        is_past_due: status.is_past_due,
        orgs: status
            .orgs
            .iter()
            .map(|o| OrgLine {
                name: o.org_name.clone(),
                due: o.tasks_due,
                on_time: o.on_time,
                late: o.late,
                missing: o.missing,
                pending: o.pending,
            })
            .collect(),
        problems_total: problems.len(),
        problems: problems.into_iter().take(MAX_LINES).map(DueLine::from).collect(),
        stale_total: stale.len(),
        stale: stale
            .iter()
            .take(MAX_LINES)
            .map(|t| (t.task_id.0, format!("{} {}", t.number, t.title), t.org_name.clone()))
            .collect(),
        stale_periods,
        max_lines: MAX_LINES,
    })
}

fn parse_period(text: Option<&str>) -> Result<Option<Period>, PageError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => {
            t.parse().map(Some).map_err(|message: String| AppError::field("period", "bad_format", message).into())
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(q): QueryParams<ReportingQuery>,
) -> Result<ReportingPage, PageError> {
    let period = parse_period(q.period.as_deref())?;
    let mut page = page(&state, &user, PlanId(id), period, None).await?;
    page.saved = q.saved.is_some();
    Ok(page)
}

pub async fn set(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    FormInput(input): FormInput<ScheduleInput>,
) -> Result<Response, PageError> {
    match state.app.set_reporting_schedule(&user, PlanId(id), &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}/reporting?saved=1")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let page = page(&state, &user, PlanId(id), None, Some((input, field_errors(invalid)))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
