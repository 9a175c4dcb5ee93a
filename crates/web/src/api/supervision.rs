//! 督办 in the JSON API: assigned matters, their steps, timeline rules and statistics.

use super::ApiResult;
use super::dto::CreatedDto;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::extractors::{ApiJson, Id, QueryParams};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use qingdan_app::{
    AssignmentDetail, AssignmentFilter, AssignmentSummary, NewAssignmentInput, OrgAssignmentStats, TimelineRuleInput,
    TransitionInput,
};
use qingdan_domain::AssignmentId;
use qingdan_domain::assignment::{Assignment, AssignmentEvent, MajorLimit, TimelineRule};
use serde::Serialize;
use utoipa::ToSchema;

/// A matter in a list.
#[derive(Serialize, ToSchema)]
pub struct AssignmentItemDto {
    pub id: i64,
    pub title: String,
    /// leader_instruction, meeting_decision, task or suggestion_or_proposal
    pub source: String,
    pub lead_org_id: i64,
    pub lead_org_name: String,
    pub is_major: bool,
    pub assigned_on: String,
    /// assigned, signed_for, deployed, feedback_given, returned, close_requested or closed
    pub status: String,
    /// green, yellow, red or done
    pub light: String,
    /// The due date of the stage the lead org is in.
    pub current_due: String,
    pub solve_due: String,
    pub has_pending_extension: bool,
}

impl From<&AssignmentSummary> for AssignmentItemDto {
    fn from(a: &AssignmentSummary) -> AssignmentItemDto {
        AssignmentItemDto {
            id: a.id.0,
            title: a.title.clone(),
            source: a.source.code().into(),
            lead_org_id: a.lead_org_id.0,
            lead_org_name: a.lead_org_name.clone(),
            is_major: a.is_major,
            assigned_on: a.assigned_on.to_string(),
            status: a.status.code().into(),
            light: a.light.code().into(),
            current_due: a.current_due.to_string(),
            solve_due: a.solve_due.to_string(),
            has_pending_extension: a.has_pending_extension,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentListDto {
    pub items: Vec<AssignmentItemDto>,
    pub total: i64,
}

/// The due date of each stage.
#[derive(Serialize, ToSchema)]
pub struct ScheduleDto {
    pub sign_for: String,
    pub deploy: String,
    pub feedback: String,
    pub solve: String,
    /// False when a year crossed has no calendar data (Monday–Friday assumed).
    pub is_confirmed: bool,
}

/// A matter as it stands.
#[derive(Serialize, ToSchema)]
pub struct AssignmentDto {
    pub id: i64,
    pub title: String,
    pub source: String,
    pub source_task_id: Option<i64>,
    pub text: String,
    pub attachments: Vec<String>,
    pub lead_org_id: i64,
    pub supporting_org_ids: Vec<i64>,
    pub leader_id: Option<i64>,
    pub leader_name: String,
    pub rule_id: i64,
    pub assigning_org_id: i64,
    pub is_major: bool,
    pub timetable: Option<String>,
    pub assigned_on: String,
    pub schedule: ScheduleDto,
    pub status: String,
    pub light: String,
    pub current_due: String,
    pub has_pending_extension: bool,
    /// excellent, good, pass or fail, once closed
    pub grade: Option<String>,
    pub closed_on: Option<String>,
}

impl From<&Assignment> for AssignmentDto {
    fn from(a: &Assignment) -> AssignmentDto {
        AssignmentDto {
            id: a.id.0,
            title: a.title.clone(),
            source: a.source.code().into(),
            source_task_id: a.source_task_id.map(|t| t.0),
            text: a.text.clone(),
            attachments: a.attachments.clone(),
            lead_org_id: a.lead_org_id.0,
            supporting_org_ids: a.supporting_org_ids.iter().map(|o| o.0).collect(),
            leader_id: a.leader_id.map(|u| u.0),
            leader_name: a.leader_name.clone(),
            rule_id: a.rule_id.0,
            assigning_org_id: a.assigning_org_id.0,
            is_major: a.is_major,
            timetable: a.timetable.map(|t| t.to_string()),
            assigned_on: a.assigned_on.to_string(),
            schedule: ScheduleDto {
                sign_for: a.schedule.sign_for.to_string(),
                deploy: a.schedule.deploy.to_string(),
                feedback: a.schedule.feedback.to_string(),
                solve: a.schedule.solve.to_string(),
                is_confirmed: a.schedule.is_confirmed,
            },
            status: a.status.code().into(),
            light: a.light.code().into(),
            current_due: a.current_due.to_string(),
            has_pending_extension: a.has_pending_extension,
            grade: a.grade.map(|g| g.code().into()),
            closed_on: a.closed_on.map(|d| d.to_string()),
        }
    }
}

/// One entry of a matter's history.
#[derive(Serialize, ToSchema)]
pub struct AssignmentEventDto {
    pub id: i64,
    /// An action code, `create`, or `light` for a light the sweep turned.
    pub action: String,
    pub user_id: Option<i64>,
    pub org_id: i64,
    pub at: String,
    pub to_status: String,
    pub note: String,
    /// The stage this completed, with its due date and the day it was done.
    pub completed_stage: Option<String>,
    pub due_on: Option<String>,
    pub done_on: Option<String>,
    pub from_light: Option<String>,
    pub to_light: Option<String>,
}

impl From<&AssignmentEvent> for AssignmentEventDto {
    fn from(e: &AssignmentEvent) -> AssignmentEventDto {
        AssignmentEventDto {
            id: e.id,
            action: e.action.clone(),
            user_id: e.user_id.map(|u| u.0),
            org_id: e.org_id.0,
            at: e.at.to_rfc3339(),
            to_status: e.to_status.code().into(),
            note: e.note.clone(),
            completed_stage: e.completed_stage.map(|s| s.code().into()),
            due_on: e.due_on.map(|d| d.to_string()),
            done_on: e.done_on.map(|d| d.to_string()),
            from_light: e.from_light.map(|l| l.code().into()),
            to_light: e.to_light.map(|l| l.code().into()),
        }
    }
}

/// A matter with its history and what the caller may do.
#[derive(Serialize, ToSchema)]
pub struct AssignmentDetailDto {
    pub assignment: AssignmentDto,
    pub events: Vec<AssignmentEventDto>,
    /// The action codes the caller may take now.
    pub allowed_actions: Vec<String>,
}

impl From<&AssignmentDetail> for AssignmentDetailDto {
    fn from(d: &AssignmentDetail) -> AssignmentDetailDto {
        AssignmentDetailDto {
            assignment: AssignmentDto::from(&d.assignment),
            events: d.events.iter().map(AssignmentEventDto::from).collect(),
            allowed_actions: d.allowed.iter().map(|a| a.code().into()).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TimelineRuleDto {
    pub id: i64,
    pub name: String,
    /// working_days or calendar_days
    pub counting: String,
    pub sign_for_days: u32,
    pub deploy_days: u32,
    pub feedback_days: u32,
    pub solve_days: u32,
    pub major_solve_days: Option<u32>,
    pub major_solve_months: Option<u32>,
    pub yellow_percent: u32,
}

impl From<&TimelineRule> for TimelineRuleDto {
    fn from(r: &TimelineRule) -> TimelineRuleDto {
        let (days, months) = match r.major_solve {
            MajorLimit::Days(n) => (Some(n), None),
            MajorLimit::Months(n) => (None, Some(n)),
        };
        TimelineRuleDto {
            id: r.id.0,
            name: r.name.clone(),
            counting: r.counting.code().into(),
            sign_for_days: r.sign_for_days,
            deploy_days: r.deploy_days,
            feedback_days: r.feedback_days,
            solve_days: r.solve_days,
            major_solve_days: days,
            major_solve_months: months,
            yellow_percent: r.yellow_percent,
        }
    }
}

/// Per-org figures; rates are on-time / done per stage (sign_for, deploy, feedback, solve).
#[derive(Serialize, ToSchema)]
pub struct OrgStatsDto {
    pub org_id: i64,
    pub org_name: String,
    pub stages_done: [i64; 4],
    pub stages_on_time: [i64; 4],
    pub closed: i64,
    /// Average calendar days from assignment to close, in tenths of a day.
    pub average_tenth_days_to_close: Option<i64>,
    pub overdue: i64,
}

impl From<&OrgAssignmentStats> for OrgStatsDto {
    fn from(s: &OrgAssignmentStats) -> OrgStatsDto {
        OrgStatsDto {
            org_id: s.org_id.0,
            org_name: s.org_name.clone(),
            stages_done: s.stages.map(|r| r.done),
            stages_on_time: s.stages.map(|r| r.on_time),
            closed: s.closed,
            average_tenth_days_to_close: s.average_tenth_days_to_close,
            overdue: s.overdue,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/assignments", tag = "assignments", params(AssignmentFilter),
    responses((status = 200, body = AssignmentListDto), (status = 422, body = ErrorBody)))]
pub async fn list_assignments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    QueryParams(filter): QueryParams<AssignmentFilter>,
) -> ApiResult<Json<AssignmentListDto>> {
    let page = state.app.assignment_list(&user, &filter).await?;
    Ok(Json(AssignmentListDto { items: page.items.iter().map(AssignmentItemDto::from).collect(), total: page.total }))
}

#[utoipa::path(post, path = "/api/v1/assignments", tag = "assignments", request_body = NewAssignmentInput,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_assignment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewAssignmentInput>,
) -> ApiResult<(StatusCode, Json<CreatedDto>)> {
    let id = state.app.create_assignment(&user, &body).await?;
    Ok((StatusCode::CREATED, Json(CreatedDto { id: id.0 })))
}

#[utoipa::path(get, path = "/api/v1/assignments/{id}", tag = "assignments", params(("id" = i64, Path)),
    responses((status = 200, body = AssignmentDetailDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_assignment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<AssignmentDetailDto>> {
    Ok(Json(AssignmentDetailDto::from(&state.app.assignment_detail(&user, AssignmentId(id)).await?)))
}

#[utoipa::path(post, path = "/api/v1/assignments/{id}/transitions", tag = "assignments", params(("id" = i64, Path)),
    request_body = TransitionInput,
    responses((status = 200, body = AssignmentDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the step is not allowed in the matter's state"),
        (status = 422, body = ErrorBody)))]
pub async fn transition_assignment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<TransitionInput>,
) -> ApiResult<Json<AssignmentDto>> {
    let a = state.app.transition_assignment(&user, AssignmentId(id), &body).await?;
    Ok(Json(AssignmentDto::from(&a)))
}

#[utoipa::path(get, path = "/api/v1/timeline-rules", tag = "assignments", responses((status = 200, body = Vec<TimelineRuleDto>)))]
pub async fn list_timeline_rules(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<Vec<TimelineRuleDto>>> {
    Ok(Json(state.app.timeline_rules(&user).await?.iter().map(TimelineRuleDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/timeline-rules", tag = "assignments", request_body = TimelineRuleInput,
    responses((status = 201, body = TimelineRuleDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_timeline_rule(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<TimelineRuleInput>,
) -> ApiResult<(StatusCode, Json<TimelineRuleDto>)> {
    let rule = state.app.create_timeline_rule(&user, &body).await?;
    Ok((StatusCode::CREATED, Json(TimelineRuleDto::from(&rule))))
}

#[utoipa::path(get, path = "/api/v1/assignment-statistics", tag = "assignments",
    responses((status = 200, body = Vec<OrgStatsDto>), (status = 403, body = ErrorBody)))]
pub async fn assignment_statistics(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<Vec<OrgStatsDto>>> {
    Ok(Json(state.app.assignment_statistics(&user).await?.iter().map(OrgStatsDto::from).collect()))
}
