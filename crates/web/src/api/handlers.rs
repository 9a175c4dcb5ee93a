use super::dto::*;
use crate::AppState;
use crate::auth::{ApiUser, removal_cookie, session_cookie, session_token};
use crate::error::{ApiError, ErrorBody};
use crate::extractors::{ApiJson, Id, QueryParams};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::cookie::CookieJar;
use qingdan_app::{
    OrgInput, PlanInput, ReportInput, ResponsibilityInput, ReviewInput, TaskFilter, TaskInput, UserInput,
};
use qingdan_domain::{PlanId, ReportId, TaskId};

type ApiResult<T> = Result<T, ApiError>;

#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginBody,
    responses((status = 200, body = UserDto), (status = 401, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<(CookieJar, Json<UserDto>)> {
    let (user, token) = state.app.login(&body.username, &body.password).await?;
    Ok((jar.add(session_cookie(&token, state.config.secure_cookies)), Json(UserDto::from(&user))))
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> ApiResult<(CookieJar, StatusCode)> {
    if let Some(token) = session_token(&jar) {
        state.app.logout(&token).await?;
    }
    Ok((jar.remove(removal_cookie()), StatusCode::NO_CONTENT))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = UserDto), (status = 401, body = ErrorBody)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<UserDto> {
    Json(UserDto::from(&user))
}

#[utoipa::path(get, path = "/api/v1/plans", tag = "plans", responses((status = 200, body = Vec<PlanDto>)))]
pub async fn list_plans(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Json<Vec<PlanDto>>> {
    Ok(Json(state.app.plans(&user).await?.iter().map(PlanDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/plans", tag = "plans", request_body = PlanInput,
    responses((status = 201, body = PlanDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<PlanInput>,
) -> ApiResult<(StatusCode, Json<PlanDto>)> {
    let plan = state.app.create_plan(&user, &body).await?;
    Ok((StatusCode::CREATED, Json(PlanDto::from(&plan))))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = PlanDto), (status = 404, body = ErrorBody)))]
pub async fn get_plan(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> ApiResult<Json<PlanDto>> {
    Ok(Json(PlanDto::from(&state.app.plan(&user, PlanId(id)).await?)))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}/tasks", tag = "tasks", params(("id" = i64, Path), TaskFilter),
    responses((status = 200, body = TaskListDto), (status = 422, body = ErrorBody)))]
pub async fn list_tasks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    QueryParams(filter): QueryParams<TaskFilter>,
) -> ApiResult<Json<TaskListDto>> {
    let o = state.app.plan_overview(&user, PlanId(id), &filter).await?;
    Ok(Json(TaskListDto {
        items: o.tasks.items.iter().map(TaskDto::from).collect(),
        total: o.tasks.total,
        is_total_capped: o.tasks.is_total_capped,
        page: o.page,
        per_page: o.per_page,
        counts: LightCountsDto {
            green: o.counts.green,
            yellow: o.counts.yellow,
            red: o.counts.red,
            overdue: o.counts.overdue,
            done: o.counts.done,
        },
    }))
}

#[utoipa::path(post, path = "/api/v1/plans/{id}/tasks", tag = "tasks", params(("id" = i64, Path)), request_body = TaskInput,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_task(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<TaskInput>,
) -> ApiResult<(StatusCode, Json<CreatedDto>)> {
    let task = state.app.create_task(&user, PlanId(id), &body).await?;
    Ok((StatusCode::CREATED, Json(CreatedDto { id: task.0 })))
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = TaskDetailDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_task(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<TaskDetailDto>> {
    let d = state.app.task_detail(&user, TaskId(id)).await?;
    Ok(Json(TaskDetailDto { task: TaskDto::from(&d.item), targets: d.targets.iter().map(TargetDto::from).collect() }))
}

/// Sets a task's responsibility (责任分工). `PUT /api/v1/tasks/{id}/assignment` is
/// the same call under its old name, kept for one release.
#[utoipa::path(put, path = "/api/v1/tasks/{id}/responsibility", tag = "tasks", params(("id" = i64, Path)), request_body = ResponsibilityInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_responsibility(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ResponsibilityInput>,
) -> ApiResult<StatusCode> {
    state.app.set_responsibility(&user, TaskId(id), &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}/reports", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ReportDto>), (status = 403, body = ErrorBody)))]
pub async fn task_reports(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<ReportDto>>> {
    let d = state.app.task_detail(&user, TaskId(id)).await?;
    Ok(Json(d.reports.iter().map(ReportDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/tasks/{id}/reports", tag = "reports", params(("id" = i64, Path)), request_body = ReportInput,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ReportInput>,
) -> ApiResult<(StatusCode, Json<CreatedDto>)> {
    let report = state.app.submit_report(&user, TaskId(id), &body).await?;
    Ok((StatusCode::CREATED, Json(CreatedDto { id: report.0 })))
}

#[utoipa::path(get, path = "/api/v1/reviews", tag = "reports", responses((status = 200, body = Vec<ReportDto>), (status = 403, body = ErrorBody)))]
pub async fn review_queue(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Json<Vec<ReportDto>>> {
    Ok(Json(state.app.review_queue(&user).await?.iter().map(|i| ReportDto::from(&i.report)).collect()))
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/review", tag = "reports", params(("id" = i64, Path)), request_body = ReviewInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<ReviewInput>,
) -> ApiResult<StatusCode> {
    state.app.review(&user, ReportId(id), &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", responses((status = 200, body = Vec<OrgDto>)))]
pub async fn list_orgs(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Json<Vec<OrgDto>>> {
    Ok(Json(state.app.orgs(&user).await?.iter().map(OrgDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgInput,
    responses((status = 201, body = OrgDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_org(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<OrgInput>,
) -> ApiResult<(StatusCode, Json<OrgDto>)> {
    let org = state.app.create_org(&user, &body).await?;
    Ok((StatusCode::CREATED, Json(OrgDto::from(&org))))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = Vec<UserDto>), (status = 403, body = ErrorBody)))]
pub async fn list_users(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Json<Vec<UserDto>>> {
    Ok(Json(state.app.users(&user).await?.iter().map(UserDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = UserDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<UserInput>,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    let created = state.app.create_user(&user, &body).await?;
    Ok((StatusCode::CREATED, Json(UserDto::from(&created))))
}
