use super::files::SentForm;
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
use axum::response::{IntoResponse, Response};
use qingdan_app::{ActualInput, AppError, ReportInput, ReviewQueueItem};
use qingdan_domain::{PlanId, ProgressReport, ReportId, ReportStatus, Target, TaskId};
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
    pub actuals: String,
    pub comment: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub submitted_at: String,
    /// Accepted (通过): the office may send it back (撤销通过).
    pub is_accepted: bool,
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
            actuals,
            comment: r.review_comment.clone(),
            status: r.status.label(),
            status_class: match r.status {
                ReportStatus::Submitted => "secondary",
                ReportStatus::Accepted => "success",
                ReportStatus::Returned => "danger",
            },
            submitted_at: beijing_time(r.submitted_at),
            is_accepted: r.status == ReportStatus::Accepted,
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

/// One of the plan's periods in the form's choice.
pub struct PeriodOption {
    pub code: String,
    pub label: String,
    pub is_selected: bool,
}

/// A stored 佐证材料 as a download link.
pub struct FileLink {
    pub url: String,
    pub name: String,
    pub size: String,
}

impl FileLink {
    pub fn new(f: &qingdan_app::ReportFile) -> FileLink {
        let size = if f.size >= 1024 * 1024 {
            format!("{:.1}MB", f.size as f64 / 1024.0 / 1024.0)
        } else {
            format!("{}KB", (f.size + 1023) / 1024)
        };
        FileLink { url: format!("/reports/{}/files/{}", f.report_id.0, f.id.0), name: f.name.clone(), size }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reporting/form.html")]
pub struct ReportFormPage {
    nav: Nav,
    task_id: i64,
    task: String,
    period: String,
    period_label: String,
    periods: Vec<PeriodOption>,
    percent_done: String,
    narrative: String,
    problems: String,
    next_steps: String,
    targets: Vec<TargetField>,
    /// A value was far past its target: the form asks the reporter to confirm.
    ask_confirm: bool,
    errors: HashMap<String, String>,
    /// Why this period takes no report (accepted already); "" when it does.
    accepted: String,
    /// Why this period takes no report yet (it has not begun); "" when it does.
    future: String,
    /// Why the task takes no report (a section, or its plan is archived); "" when it does.
    archived: &'static str,
    /// The reporter's org supports the task and does not lead it.
    supporting: bool,
    /// The fields hold what a refused submission typed: shown even when
    /// nothing may be submitted, so it is not lost.
    kept: bool,
    /// The reviewer's 退回意见 on this period's report, and when it was returned.
    returned_comment: String,
    returned_at: String,
    /// This period's report waiting for review (to withdraw or add files), or 0.
    waiting_id: i64,
    files: Vec<FileLink>,
    /// Where the fields' starting values came from ("" when empty).
    prefilled_from: String,
    /// What the last action did (已撤回, 已添加佐证材料).
    done: String,
    max_file_mb: usize,
    max_files: usize,
}

impl ReportFormPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// What a refused submission leaves on the form: what was typed and why.
#[derive(Default)]
pub struct FormState {
    /// The fields as typed; `None` starts from the stored reports.
    pub input: Option<ReportInput>,
    pub ask_confirm: bool,
    pub errors: HashMap<String, String>,
    /// `?done=` of the last action.
    pub done: String,
}

/// The form of task `id` for `period` (the current one when `None`).
pub async fn form_page(
    state: &AppState,
    user: &qingdan_domain::User,
    id: TaskId,
    period: Option<String>,
    st: FormState,
) -> Result<ReportFormPage, PageError> {
    let form = state.app.report_form(user, id, period.as_deref()).await?;
    let withdrawn = st.done == "withdrawn" && st.input.is_some();
    let kept = st.input.is_some() && !withdrawn;
    let input = st.input.unwrap_or_else(|| form.input());
    let value_of = |target: i64| {
        input.actuals.iter().find(|a| a.target_id == target.to_string()).map(|a| a.actual.clone()).unwrap_or_default()
    };
    let d = &form.detail;
    let targets = d
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
    let periods = form
        .periods
        .iter()
        .map(|p| PeriodOption { code: p.to_string(), label: p.label(), is_selected: *p == form.period })
        .collect();
    let accepted = match form.existing.as_ref().filter(|_| form.is_accepted()) {
        Some(r) => format!(
            "{}的报送已于{}审核通过，不能再次提交；如需更正，请联系督查室。",
            r.period.label(),
            r.reviewed_at.map(beijing_time).unwrap_or_default()
        ),
        None => String::new(),
    };
    let future = if form.is_future {
        format!("{}尚未开始，{}；请选择本期或以前的报送期。", form.period.label(), qingdan_app::FUTURE_PERIOD)
    } else {
        String::new()
    };
    let prefilled_from = match (&form.existing, &form.last_accepted) {
        (Some(r), _) if form.returned().is_some() => {
            format!("已载入{}被退回的报送，请按退回意见修改后重新提交。", r.period.label())
        }
        (Some(_), _) => "已载入本期待审核的报送，修改后重新提交将替换原报送。".to_owned(),
        _ if withdrawn => String::new(),
        (None, Some(last)) => format!("已按上期（{}）审核通过的报送预填，请按本期实际修改。", last.period.label()),
        (None, None) => String::new(),
    };
    Ok(ReportFormPage {
        nav: Nav::new(user, "/my"),
        task_id: id.0,
        task: format!("{} {}", d.item.task.number, d.item.task.title),
        period: form.period.to_string(),
        period_label: form.period.label(),
        periods,
        percent_done: input.percent_done,
        narrative: input.narrative,
        problems: input.problems,
        next_steps: input.next_steps,
        targets,
        ask_confirm: st.ask_confirm,
        errors: st.errors,
        accepted,
        future,
        archived: if form.is_section {
            qingdan_app::SECTION_REPORT
        } else if form.is_archived() {
            qingdan_app::ARCHIVED_REPORT
        } else {
            ""
        },
        supporting: d.item.task.responsibility.lead_org_id.is_some_and(|lead| lead != user.org_id),
        kept,
        returned_comment: form.returned().map(|r| r.review_comment.clone()).unwrap_or_default(),
        returned_at: form.returned().and_then(|r| r.reviewed_at).map(beijing_time).unwrap_or_default(),
        waiting_id: form.waiting().map_or(0, |r| r.id.0),
        files: form.files.iter().map(FileLink::new).collect(),
        prefilled_from,
        done: done_message(&st.done).to_owned(),
        max_file_mb: qingdan_app::MAX_ATTACHMENT_BYTES / 1024 / 1024,
        max_files: qingdan_app::MAX_REPORT_FILES,
    })
}

fn done_message(done: &str) -> &'static str {
    match done {
        // The withdrawal's answer: the form filled with what was withdrawn.
        "withdrawn" => {
            "已撤回该期报送，本期重新计为未报。表单已载入撤回的内容，修改后可重新提交；原佐证材料已随报送删除，如需要请重新上传。"
        }
        "files" => "已添加佐证材料。",
        _ => "",
    }
}

/// `?period=` chooses the period a report covers (补报 links, the period
/// choice); else the current one of the task's plan. `?done=` says what the
/// last action did.
#[derive(serde::Deserialize, Default)]
pub struct FormQuery {
    period: Option<String>,
    done: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(q): QueryParams<FormQuery>,
) -> Result<ReportFormPage, PageError> {
    let st = FormState { done: q.done.unwrap_or_default(), ..FormState::default() };
    form_page(&state, &user, TaskId(id), q.period, st).await
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

/// Submits the form (urlencoded, or multipart with 佐证材料); a refusal shows
/// the form again with what was typed and each field's reason, 422, or the
/// reason the report cannot be taken now (e.g. the plan was archived), 409.
pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    request: axum::extract::Request,
) -> Result<Response, PageError> {
    let sent = match SentForm::read(request, &state).await {
        Ok(sent) => sent,
        Err(response) => return Ok(response),
    };
    let input = report_input(&sent.fields);
    match state.app.submit_report_with_files(&user, TaskId(id), &input, &sent.files).await {
        Ok(_) => Ok(crate::view::said(&format!("/tasks/{id}"), "已提交，等待督查室审核。")),
        Err(AppError::Invalid(invalid)) => {
            let ask_confirm = invalid.errors.iter().any(|e| e.code == "surprising");
            let errors = field_errors(invalid);
            let period = Some(input.period.clone()).filter(|p| p.parse::<qingdan_domain::Period>().is_ok());
            let st = FormState { input: Some(input), ask_confirm, errors, done: String::new() };
            let page = form_page(&state, &user, TaskId(id), period, st).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict(reason)) => {
            let period = Some(input.period.clone()).filter(|p| p.parse::<qingdan_domain::Period>().is_ok());
            let errors = HashMap::from([("report".to_owned(), reason)]);
            let st = FormState { input: Some(input), errors, ..FormState::default() };
            let page = form_page(&state, &user, TaskId(id), period, st).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// 撤回 a waiting report: its form again, filled with what was withdrawn (it
/// is deleted, so this answer is the last place it stands), saying the
/// period is owed again.
pub async fn withdraw(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<ReportFormPage, PageError> {
    let report = state.app.withdraw_report(&user, ReportId(id)).await?;
    let st = FormState { input: Some(ReportInput::from(&report)), done: "withdrawn".into(), ..FormState::default() };
    form_page(&state, &user, report.task_id, Some(report.period.to_string()), st).await
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
    /// The running plans to choose from (id, title, shown), when more than one.
    plans: Vec<(i64, String, bool)>,
}

/// `?plan=` chooses among the running plans (last year's still owes its
/// last reports in January); else the current one.
#[derive(serde::Deserialize, Default)]
pub struct MyQuery {
    plan: Option<String>,
}

pub async fn mine(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<MyQuery>,
) -> Result<MyPage, PageError> {
    let chosen = match q.plan.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => Some(PlanId(text.parse().map_err(|_| AppError::NotFound("计划"))?)),
        None => None,
    };
    let my = state.app.my_tasks(&user, chosen, 0).await?;
    let reporting = state.app.my_reporting(&user, chosen).await?;
    let running = state.app.running_plans(user.tenant_id).await?;
    let shown = my.plan.as_ref().map(|p| p.id);
    let plans = if running.len() > 1 {
        running.into_iter().map(|p| (p.id.0, p.title, Some(p.id) == shown)).collect()
    } else {
        Vec::new()
    };
    Ok(MyPage {
        plans,
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
