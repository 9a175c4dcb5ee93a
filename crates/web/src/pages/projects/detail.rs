//! A project's page: its fields and figures, the light and why; the
//! half-monthly reports with the owner's report form and the office's
//! review; 前期手续 nodes and 堵点 with the steps each reader may take; and
//! the office's queue of reports waiting for review.
//!
//! Every form on the page posts, and is answered by a redirect back with a
//! message saying what was done, or by the page again (422) with the errors
//! beside that form and what was typed.

use super::{Names, is_office, money, org_choices};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, shown_on_form};
use crate::extractors::{FormInput, FormPairs, Id};
use crate::view::{Nav, beijing_time, field_errors, light_class, said};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::AppError;
use qingdan_app::projects::{FactorInput, PreworkInput, ProjectDetail, ProjectReport, ProjectReportInput};
use qingdan_domain::project::{
    Coordination, FactorKind, FactorStatus, ProjectReportStatus, Stage, half_month_label, half_month_start,
};
use qingdan_domain::{FactorIssueId, PreworkId, ProjectId, ProjectReportId, Role, User};
use std::collections::HashMap;

/// A report as a row of the project's table and a card of the review queue.
pub struct ReportLine {
    pub id: i64,
    pub project_id: i64,
    pub project: String,
    pub period: String,
    pub amount: String,
    pub progress_text: String,
    pub milestone: &'static str,
    pub workforce: i64,
    pub problems: String,
    pub status: &'static str,
    pub is_waiting: bool,
    pub submitted_by: String,
    pub submitted_at: String,
    pub reviewed_by: String,
    pub review_note: String,
    /// The revision shown, sent back with 通过/退回.
    pub revision: i64,
    /// What to weigh before accepting a report of 竣工投产 (asked before 通过); empty otherwise.
    pub completion: String,
}

/// The report lines of `reports`, a waiting report of 竣工投产 with what a
/// reviewer should weigh first (`App::completion_check`).
async fn report_lines(
    state: &AppState,
    user: &User,
    reports: impl Iterator<Item = &ProjectReport>,
) -> Result<Vec<ReportLine>, PageError> {
    let mut lines = Vec::new();
    for r in reports {
        let mut line = report_line(r);
        if line.is_waiting {
            line.completion = state.app.completion_check(user, r).await?.unwrap_or_default();
        }
        lines.push(line);
    }
    Ok(lines)
}

/// The report line of a stored report.
fn report_line(r: &ProjectReport) -> ReportLine {
    ReportLine {
        id: r.id.0,
        project_id: r.project_id.0,
        project: r.project_name.clone(),
        period: half_month_label(r.period_start),
        amount: money(r.amount),
        progress_text: r.progress_text.clone(),
        milestone: r.milestone.map_or("", Stage::label),
        workforce: r.workforce,
        problems: r.problems.clone(),
        status: r.status.label(),
        is_waiting: r.status == ProjectReportStatus::Submitted,
        submitted_by: r.submitted_by.clone().unwrap_or_default(),
        submitted_at: beijing_time(r.submitted_at),
        reviewed_by: r.reviewed_by.clone().unwrap_or_default(),
        review_note: r.review_note.clone(),
        revision: r.revision,
        completion: String::new(),
    }
}

pub struct PreworkLine {
    pub id: i64,
    pub name: String,
    pub org: String,
    pub deadline: String,
    pub done_on: String,
    pub is_overdue: bool,
    /// Done, but after its deadline (逾期办结).
    pub was_late: bool,
    pub assignment_id: Option<i64>,
    pub may_mark_done: bool,
    pub may_assign: bool,
}

pub struct FactorLine {
    pub id: i64,
    pub kind: &'static str,
    pub description: String,
    pub org: String,
    pub deadline: String,
    /// 原定解决时限, once the escalation sweep has moved `deadline`.
    pub agreed_deadline: Option<String>,
    pub level: &'static str,
    pub status: &'static str,
    pub status_code: &'static str,
    pub solved_note: String,
    pub assignment_id: Option<i64>,
    pub may_solve: bool,
    pub may_confirm: bool,
    pub may_assign: bool,
}

/// What a form on the page holds when it is shown again: what was typed and
/// the faults by field.
#[derive(Default)]
pub struct Forms {
    pub report: ProjectReportInput,
    pub report_errors: HashMap<String, String>,
    pub prework: PreworkInput,
    pub prework_errors: HashMap<String, String>,
    pub factor: FactorInput,
    pub factor_errors: HashMap<String, String>,
    /// A refused step (review, 堵点, 转督办), shown above the tables.
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/show.html")]
pub struct ProjectPage {
    nav: Nav,
    id: i64,
    name: String,
    light_class: &'static str,
    light_label: &'static str,
    reasons: Vec<String>,
    /// (label, value) of the registered fields.
    facts: Vec<(&'static str, String)>,
    scale: String,
    progress_text: String,
    year: i32,
    total_investment: String,
    year_plan: String,
    done_year: String,
    done_total: String,
    rate: i64,
    time: i64,
    reports: Vec<ReportLine>,
    /// 现场照片: (report id, photo id, file name).
    photos: Vec<(i64, i64, String)>,
    prework: Vec<PreworkLine>,
    factors: Vec<FactorLine>,
    may_edit: bool,
    may_report: bool,
    may_review: bool,
    may_raise: bool,
    is_office: bool,
    prework_kinds: Vec<String>,
    orgs: Vec<(i64, String)>,
    stages: Vec<(&'static str, &'static str)>,
    factor_kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    /// The half-month a report is for when its period is left empty.
    current_half: String,
    forms: Forms,
}

impl ProjectPage {
    fn report_error(&self, field: &str) -> &str {
        self.forms.report_errors.get(field).map_or("", String::as_str)
    }

    fn prework_error(&self, field: &str) -> &str {
        self.forms.prework_errors.get(field).map_or("", String::as_str)
    }

    fn factor_error(&self, field: &str) -> &str {
        self.forms.factor_errors.get(field).map_or("", String::as_str)
    }

    fn is_prework_org(&self, id: &i64) -> bool {
        self.forms.prework.org_id.trim() == id.to_string()
    }

    fn is_factor_org(&self, id: &i64) -> bool {
        self.forms.factor.org_id.trim() == id.to_string()
    }
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

async fn project_page(state: &AppState, user: &User, id: ProjectId, forms: Forms) -> Result<ProjectPage, PageError> {
    let d: ProjectDetail = state.app.project_detail(user, id).await?;
    let orgs = state.app.orgs(user).await?;
    let leaders = state.app.project_leaders(user).await?;
    let names = Names::new(&orgs, &leaders);
    let today = state.app.clock().today();
    let office = is_office(user);
    let p = &d.project;
    let f = &p.fields;
    let facts = vec![
        ("项目代码", f.code.clone()),
        ("建设性质", f.nature.label().to_owned()),
        ("项目类型", f.category.label().to_owned()),
        ("所属行业", f.industry.clone()),
        ("项目级别", f.level.label().to_owned()),
        ("三个一批", f.batch.map_or("", |b| b.label()).to_owned()),
        ("所属县区", names.org(f.county_org_id)),
        ("所属开发区", names.org(f.zone_org_id)),
        ("建设地点", f.location.clone()),
        ("业主单位", names.org(Some(f.owner_org_id))),
        ("资金来源", f.funding.clone()),
        ("项目阶段", f.stage.label().to_owned()),
        ("签约时间", date(f.signed_on)),
        ("计划开工", date(f.planned_start)),
        ("实际开工", date(f.actual_start)),
        ("计划竣工", date(f.planned_completion)),
        ("实际竣工", date(f.actual_completion)),
        ("达产时间", date(f.producing_on)),
        ("包联领导", names.leader(f.liaison_leader_id)),
        ("牵头单位", names.org(f.lead_org_id)),
        ("责任人", f.responsible.clone()),
    ];
    let reports = report_lines(state, user, d.reports.iter().rev()).await?;
    let prework = d
        .prework
        .iter()
        .map(|n| {
            let handles = user.role == Role::Reporter && user.org_id.0 == n.org_id;
            PreworkLine {
                id: n.id,
                name: n.name.clone(),
                org: n.org_name.clone(),
                deadline: n.deadline.to_string(),
                done_on: date(n.done_on),
                is_overdue: n.done_on.is_none() && n.deadline < today,
                was_late: n.done_on.is_some_and(|d| d > n.deadline),
                assignment_id: n.assignment_id,
                may_mark_done: n.done_on.is_none() && (office || handles),
                may_assign: office && n.done_on.is_none() && n.assignment_id.is_none(),
            }
        })
        .collect();
    let factors = d
        .factors
        .iter()
        .map(|x| {
            let owner = user.role == Role::Reporter && user.org_id == x.owner_org_id;
            let solver = user.role == Role::Reporter && user.org_id == x.org_id;
            FactorLine {
                id: x.id.0,
                kind: x.kind.label(),
                description: x.description.clone(),
                org: x.org_name.clone(),
                deadline: x.deadline.to_string(),
                agreed_deadline: x.agreed_deadline.map(|d| d.to_string()),
                level: x.level.label(),
                status: x.status.label(),
                status_code: x.status.code(),
                solved_note: x.solved_note.clone(),
                assignment_id: x.assignment_id,
                may_solve: x.status == FactorStatus::Open && (solver || office),
                may_confirm: x.status == FactorStatus::Solved && owner,
                may_assign: office && x.status != FactorStatus::Closed && x.assignment_id.is_none(),
            }
        })
        .collect();
    let prework_kinds = if office { state.app.prework_kinds(user).await? } else { Vec::new() };
    let photos =
        state.app.project_photos(user, p.id).await?.into_iter().map(|x| (x.report_id.0, x.id, x.name)).collect();
    Ok(ProjectPage {
        nav: Nav::new(user, "/projects"),
        id: p.id.0,
        name: f.name.clone(),
        light_class: light_class(p.light),
        light_label: p.light.label(),
        reasons: p.reasons.split('；').filter(|r| !r.is_empty()).map(str::to_owned).collect(),
        facts,
        scale: f.scale.clone(),
        progress_text: f.progress_text.clone(),
        year: f.year,
        total_investment: money(f.total_investment),
        year_plan: money(f.year_plan),
        done_year: money(p.done_year),
        done_total: money(p.done_total),
        rate: p.rate,
        time: p.rate + p.gap,
        reports,
        photos,
        prework,
        factors,
        may_edit: d.may_edit,
        may_report: d.may_report,
        may_review: d.may_review,
        may_raise: d.may_raise,
        is_office: office,
        prework_kinds,
        orgs: org_choices(&orgs, &[]),
        stages: Stage::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        factor_kinds: FactorKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        levels: Coordination::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        current_half: half_month_label(half_month_start(today)),
        forms,
    })
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<ProjectPage, PageError> {
    project_page(&state, &user, ProjectId(id), Forms::default()).await
}

/// The project's page again with `forms` (what was typed, the faults), 422.
async fn again(state: &AppState, user: &User, id: ProjectId, forms: Forms) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, project_page(state, user, id, forms).await?).into_response())
}

/// The project a step's form names in its hidden `project` field.
fn project_of(form: &FormPairs) -> Option<ProjectId> {
    form.get("project").trim().parse().ok().map(ProjectId)
}

/// A step refused for its input or a conflict: the page with the message;
/// anything else, the error page.
async fn refused(state: &AppState, user: &User, id: ProjectId, err: AppError) -> Result<Response, PageError> {
    let (status, err) = shown_on_form(err)?;
    let page = project_page(state, user, id, Forms { message: err.to_string(), ..Forms::default() }).await?;
    Ok((status, page).into_response())
}

/// What the owner is told after 报送: a resubmission (revision 2 on) replaced
/// the half-month's report that was waiting (or returned), and says so —
/// neutrally, as the earlier one may have been waiting or returned.
fn submitted_message(revision: i64) -> String {
    if revision > 1 {
        format!("已更新本期报送（第{revision}版），此前报送的内容已被替换，等待项目办审核。")
    } else {
        "进展已报送，等待项目办审核。".to_owned()
    }
}

/// 报送进展: the owner's reporter submits the half-month's report.
pub async fn submit_report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    FormInput(input): FormInput<ProjectReportInput>,
) -> Result<Response, PageError> {
    let id = ProjectId(id);
    match state.app.submit_project_report_revision(&user, id, &input).await {
        Ok((_, revision)) => Ok(said(&format!("/projects/{id}#reports"), &submitted_message(revision))),
        Err(AppError::Invalid(invalid)) => {
            again(&state, &user, id, Forms { report: input, report_errors: field_errors(invalid), ..Forms::default() })
                .await
        }
        Err(other) => refused(&state, &user, id, other).await,
    }
}

/// 通过 / 退回 a report, from the project's page or the review queue (`back=queue`).
pub async fn review_report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let accept = form.get("decision") == "accept";
    let note = form.get("note");
    let to_queue = form.get("back") == "queue";
    // The revision the page showed; without it (a tampered form), whichever waits is reviewed.
    let seen = form.get("revision").trim().parse().ok();
    match state.app.review_project_report(&user, ProjectReportId(id), seen, accept, &note).await {
        Ok(project) => {
            let to = if to_queue { "/projects/review".to_owned() } else { format!("/projects/{project}#reports") };
            let stage = state.app.project(&user, project).await?.fields.stage;
            let message = if !accept {
                "已退回，业主单位将收到退回原因。".to_owned()
            } else if stage.is_done() {
                format!("已通过，项目完成投资已更新，项目阶段为“{}”，已标为已完成。", stage.label())
            } else {
                "已通过，项目完成投资和亮灯已更新。".to_owned()
            };
            Ok(said(&to, &message))
        }
        Err(err @ (AppError::Invalid(_) | AppError::Conflict(_))) => match project_of(&form) {
            Some(project) if !to_queue => refused(&state, &user, project, err).await,
            _ => queue_again(&state, &user, id, err).await,
        },
        Err(other) => Err(other.into()),
    }
}

/// 添加前期手续 (office).
pub async fn add_prework(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    FormInput(input): FormInput<PreworkInput>,
) -> Result<Response, PageError> {
    let id = ProjectId(id);
    match state.app.add_prework(&user, id, &input).await {
        Ok(_) => Ok(said(&format!("/projects/{id}#prework"), &format!("已添加前期手续“{}”。", input.name.trim()))),
        Err(AppError::Invalid(invalid)) => {
            again(
                &state,
                &user,
                id,
                Forms { prework: input, prework_errors: field_errors(invalid), ..Forms::default() },
            )
            .await
        }
        Err(other) => refused(&state, &user, id, other).await,
    }
}

/// 办结 a 前期手续 node: the office or the node's org.
pub async fn prework_done(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let project = state.app.set_prework_done(&user, PreworkId(id), true).await?;
    let to = back_to(&state, &user, project, "#prework").await;
    Ok(said(&to, "前期手续已标记为办结，亮灯已重新计算。"))
}

/// Where a step on a project's item returns: the project's page, or the
/// inbox for an org that handles the item but may not read the project.
async fn back_to(state: &AppState, user: &User, project: ProjectId, anchor: &str) -> String {
    match state.app.project(user, project).await {
        Ok(_) => format!("/projects/{project}{anchor}"),
        Err(_) => "/inbox".to_owned(),
    }
}

/// 转督办: an overdue node becomes a 督办 matter.
pub async fn assign_prework(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let matter = state.app.assign_prework(&user, PreworkId(id)).await?;
    Ok(said(&format!("/assignments/{matter}"), "前期手续已转为督办事项，等待责任单位签收。"))
}

/// 反映堵点: the office or the owner's reporters.
pub async fn raise_factor(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    FormInput(input): FormInput<FactorInput>,
) -> Result<Response, PageError> {
    let id = ProjectId(id);
    match state.app.raise_factor_issue(&user, id, &input).await {
        Ok(_) => Ok(said(&format!("/projects/{id}#factors"), "堵点问题已提交，责任单位将收到通知。")),
        Err(AppError::Invalid(invalid)) => {
            again(&state, &user, id, Forms { factor: input, factor_errors: field_errors(invalid), ..Forms::default() })
                .await
        }
        Err(other) => refused(&state, &user, id, other).await,
    }
}

/// A step on a 堵点: `solve`, `confirm` (销号) or `reject`.
pub async fn step_factor(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let action = form.get("action");
    match state.app.step_factor_issue(&user, FactorIssueId(id), &action, &form.get("note")).await {
        Ok(project) => {
            let message = match action.as_str() {
                "solve" => "已报告解决情况，等待业主单位确认销号。",
                "confirm" => "已确认解决，堵点销号。",
                _ => "已退回：堵点仍待解决。",
            };
            Ok(said(&back_to(&state, &user, project, "#factors").await, message))
        }
        Err(err @ (AppError::Invalid(_) | AppError::Conflict(_))) => match project_of(&form) {
            Some(project) => refused(&state, &user, project, err).await,
            None => Err(err.into()),
        },
        Err(other) => Err(other.into()),
    }
}

/// 转督办: a 堵点 becomes a 督办 matter of its solving org.
pub async fn assign_factor(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let matter = state.app.assign_factor_issue(&user, FactorIssueId(id)).await?;
    Ok(said(&format!("/assignments/{matter}"), "堵点问题已转为督办事项，等待责任单位签收。"))
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/review.html")]
pub struct ReviewPage {
    nav: Nav,
    reports: Vec<ReportLine>,
    /// How many wait in all: more than `reports` lists when over 200.
    total: i64,
    /// The report whose review was refused, and why.
    refused_id: i64,
    error: String,
}

async fn review_page(state: &AppState, user: &User, refused_id: i64, error: String) -> Result<ReviewPage, PageError> {
    let (queue, total) = state.app.project_review_queue(user).await?;
    Ok(ReviewPage {
        nav: Nav::new(user, "/projects"),
        reports: report_lines(state, user, queue.iter()).await?,
        total,
        refused_id,
        error,
    })
}

/// `/projects/review`: the reports waiting for the office.
pub async fn queue(State(state): State<AppState>, PageUser(user): PageUser) -> Result<ReviewPage, PageError> {
    review_page(&state, &user, 0, String::new()).await
}

async fn queue_again(state: &AppState, user: &User, id: i64, err: AppError) -> Result<Response, PageError> {
    let (status, err) = shown_on_form(err)?;
    Ok((status, review_page(state, user, id, err.to_string()).await?).into_response())
}
