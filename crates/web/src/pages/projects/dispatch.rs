//! 重点项目调度会: the meetings (the office and leaders), the agenda as the
//! office would generate it now with the form that calls a meeting, and a
//! meeting's page — its kept agenda, its 议定事项 each turned into a 督办
//! matter in one step, and the 纪要's attendees and summary.

use super::{is_office, org_choices};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormInput, FormPairs, Id};
use crate::view::{Nav, field_errors, said};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::AppError;
use qingdan_app::projects::{Agenda, DecisionInput, MeetingInput, decision_state};
use qingdan_domain::{DecisionId, MeetingId, User};
use std::collections::HashMap;

pub struct MeetingLine {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub chair: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dispatch/list.html")]
pub struct DispatchPage {
    nav: Nav,
    meetings: Vec<MeetingLine>,
    is_office: bool,
    /// The agenda as it would be generated now (the office only).
    agenda: Agenda,
    form: MeetingInput,
    errors: HashMap<String, String>,
}

impl DispatchPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

async fn dispatch_page(
    state: &AppState,
    user: &User,
    form: MeetingInput,
    errors: HashMap<String, String>,
) -> Result<DispatchPage, PageError> {
    let meetings = state.app.meetings(user).await?;
    let office = is_office(user);
    let agenda = if office { state.app.dispatch_agenda(user).await? } else { Agenda::default() };
    Ok(DispatchPage {
        nav: Nav::new(user, "/dispatch"),
        meetings: meetings
            .iter()
            .map(|m| MeetingLine {
                id: m.id,
                number: m.number,
                title: m.title.clone(),
                held_on: m.held_on.to_string(),
                place: m.place.clone(),
                chair: m.chair.clone(),
            })
            .collect(),
        is_office: office,
        agenda,
        form,
        errors,
    })
}

/// `/dispatch`: the meetings, and for the office today's agenda and the form to call one.
pub async fn list(State(state): State<AppState>, PageUser(user): PageUser) -> Result<DispatchPage, PageError> {
    let next = state.app.meetings(&user).await?.len() + 1;
    let form = MeetingInput {
        title: format!("全市重点项目第{next}次调度会"),
        held_on: state.app.clock().today().to_string(),
        ..MeetingInput::default()
    };
    dispatch_page(&state, &user, form, HashMap::new()).await
}

/// 召开: calls a meeting with today's agenda kept in it (or records one held
/// before today as 补录, without an agenda).
pub async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    FormInput(input): FormInput<MeetingInput>,
) -> Result<Response, PageError> {
    match state.app.create_meeting(&user, &input).await {
        Ok(id) => {
            let message = if state.app.meeting_detail(&user, id).await?.agenda.backfilled {
                "调度会已补录。会议日期早于今日，未按今日情况生成议程。"
            } else {
                "调度会已召开，议程已按今日情况生成并保存。"
            };
            Ok(said(&format!("/dispatch/{id}"), message))
        }
        Err(AppError::Invalid(invalid)) => {
            let page = dispatch_page(&state, &user, input, field_errors(invalid)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub struct DecisionLine {
    pub id: i64,
    pub project_id: Option<i64>,
    pub project: String,
    pub content: String,
    pub lead_org: String,
    pub deadline: String,
    pub state: &'static str,
    pub assignment_id: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dispatch/show.html")]
pub struct MeetingPage {
    nav: Nav,
    id: i64,
    number: i64,
    title: String,
    held_on: String,
    place: String,
    chair: String,
    attendees: String,
    summary: String,
    agenda: Agenda,
    decisions: Vec<DecisionLine>,
    /// Decisions not yet a 督办 matter.
    unassigned: usize,
    is_office: bool,
    /// The projects the agenda names, for a decision's project select.
    projects: Vec<(i64, String)>,
    orgs: Vec<(i64, String)>,
    decision: DecisionInput,
    decision_errors: HashMap<String, String>,
    minutes_errors: HashMap<String, String>,
    /// A refused step, shown above the decisions.
    message: String,
}

impl MeetingPage {
    fn decision_error(&self, field: &str) -> &str {
        self.decision_errors.get(field).map_or("", String::as_str)
    }

    fn minutes_error(&self, field: &str) -> &str {
        self.minutes_errors.get(field).map_or("", String::as_str)
    }

    fn is_chosen_project(&self, id: &i64) -> bool {
        self.decision.project_id.trim() == id.to_string()
    }

    fn is_chosen_org(&self, id: &i64) -> bool {
        self.decision.lead_org_id.trim() == id.to_string()
    }
}

/// What a meeting's page shows again after a refused form.
#[derive(Default)]
struct Typed {
    decision: DecisionInput,
    decision_errors: HashMap<String, String>,
    minutes: Option<(String, String)>,
    minutes_errors: HashMap<String, String>,
    message: String,
}

async fn meeting_page(state: &AppState, user: &User, id: MeetingId, typed: Typed) -> Result<MeetingPage, PageError> {
    let d = state.app.meeting_detail(user, id).await?;
    let today = state.app.clock().today();
    let office = is_office(user);
    let m = &d.meeting;
    let mut projects: Vec<(i64, String)> = Vec::new();
    let named = d.agenda.stalled.iter().chain(&d.agenda.lagging).chain(&d.agenda.prework).chain(&d.agenda.blockers);
    for item in named {
        if !projects.iter().any(|(id, _)| *id == item.project_id) {
            projects.push((item.project_id, item.project.clone()));
        }
    }
    let orgs = if office { org_choices(&state.app.orgs(user).await?, &[]) } else { Vec::new() };
    let decisions: Vec<DecisionLine> = d
        .decisions
        .iter()
        .map(|x| DecisionLine {
            id: x.id,
            project_id: x.project_id,
            project: x.project_name.clone().unwrap_or_default(),
            content: x.content.clone(),
            lead_org: x.lead_org_name.clone(),
            deadline: x.deadline.to_string(),
            state: decision_state(x, today).label(),
            assignment_id: x.assignment_id,
        })
        .collect();
    let (attendees, summary) = typed.minutes.unwrap_or_else(|| (m.attendees.clone(), m.summary.clone()));
    Ok(MeetingPage {
        nav: Nav::new(user, "/dispatch"),
        id: m.id,
        number: m.number,
        title: m.title.clone(),
        held_on: m.held_on.to_string(),
        place: m.place.clone(),
        chair: m.chair.clone(),
        attendees,
        summary,
        unassigned: decisions.iter().filter(|x| x.assignment_id.is_none()).count(),
        decisions,
        agenda: d.agenda,
        is_office: office,
        projects,
        orgs,
        decision: typed.decision,
        decision_errors: typed.decision_errors,
        minutes_errors: typed.minutes_errors,
        message: typed.message,
    })
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<MeetingPage, PageError> {
    meeting_page(&state, &user, MeetingId(id), Typed::default()).await
}

async fn again(state: &AppState, user: &User, id: MeetingId, typed: Typed) -> Result<Response, PageError> {
    let status = if typed.message.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::CONFLICT };
    Ok((status, meeting_page(state, user, id, typed).await?).into_response())
}

/// 添加议定事项.
pub async fn add_decision(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    FormInput(input): FormInput<DecisionInput>,
) -> Result<Response, PageError> {
    let id = MeetingId(id);
    match state.app.add_decision(&user, id, &input).await {
        Ok(_) => Ok(said(&format!("/dispatch/{id}#decisions"), "议定事项已记录。")),
        Err(AppError::Invalid(invalid)) => {
            let typed = Typed { decision: input, decision_errors: field_errors(invalid), ..Typed::default() };
            again(&state, &user, id, typed).await
        }
        Err(other) => Err(other.into()),
    }
}

/// 转督办: one decision becomes a 督办 matter.
pub async fn assign_decision(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    match state.app.assign_decision(&user, DecisionId(id)).await {
        Ok(matter) => Ok(said(&format!("/assignments/{matter}"), "议定事项已转为督办事项，等待牵头单位签收。")),
        Err(AppError::Conflict(message)) => match form.get("meeting").trim().parse() {
            Ok(meeting) => again(&state, &user, MeetingId(meeting), Typed { message, ..Typed::default() }).await,
            Err(_) => Err(AppError::Conflict(message).into()),
        },
        Err(other) => Err(other.into()),
    }
}

/// 全部转督办: every decision not yet a matter.
pub async fn assign_all(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let count = state.app.assign_all_decisions(&user, MeetingId(id)).await?;
    let message = if count == 0 {
        "没有待转督办的议定事项。".to_owned()
    } else {
        format!("已将{count}项议定事项转为督办事项。")
    };
    Ok(said(&format!("/dispatch/{id}#decisions"), &message))
}

/// 保存纪要: who attended and what the meeting heard.
pub async fn save_minutes(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let id = MeetingId(id);
    let (attendees, summary) = (form.get("attendees"), form.get("summary"));
    match state.app.update_meeting_minutes(&user, id, &attendees, &summary).await {
        Ok(()) => Ok(said(&format!("/dispatch/{id}#minutes"), "纪要内容已保存。")),
        Err(AppError::Invalid(invalid)) => {
            let typed = Typed {
                minutes: Some((attendees, summary)),
                minutes_errors: field_errors(invalid),
                ..Typed::default()
            };
            again(&state, &user, id, typed).await
        }
        Err(other) => Err(other.into()),
    }
}
