//! Plans, their tasks and targets, and each task's responsibility (责任分工).

use super::ApiResult;
use super::dto::*;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::extractors::{ApiJson, Id, QueryParams};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use qingdan_app::{PlanInput, ResponsibilityInput, TaskFilter, TaskInput};
use qingdan_domain::{PlanId, TaskId};

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
        total: o.is_counted.then_some(o.tasks.total),
        is_total_capped: o.tasks.is_total_capped,
        page: o.page,
        per_page: o.per_page,
        next_after: o.next_after.map(|t| t.0),
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

/// Creates many tasks in one transaction (at most 500): each item as `POST
/// /plans/{id}/tasks` takes it, with `parent_ref` to go under an earlier item.
/// Items that fail their checks are refused and the others saved; the answer
/// gives each item's outcome in order.
#[utoipa::path(post, path = "/api/v1/plans/{id}/tasks/bulk", tag = "tasks", params(("id" = i64, Path)), request_body = BulkTasksBody,
    responses((status = 200, body = BulkDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_tasks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<BulkTasksBody>,
) -> ApiResult<Json<BulkDto>> {
    let outcomes = state.app.create_tasks(&user, PlanId(id), &body.items).await?;
    Ok(Json(BulkDto::new(outcomes.into_iter().map(|o| o.map(|t| t.0)).collect(), "created")))
}

/// Sets many tasks' responsibilities (责任分工) in one transaction (at most
/// 500); each item's outcome in order.
#[utoipa::path(post, path = "/api/v1/tasks/responsibilities", tag = "tasks", request_body = BulkResponsibilitiesBody,
    responses((status = 200, body = BulkDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_responsibilities(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<BulkResponsibilitiesBody>,
) -> ApiResult<Json<BulkDto>> {
    let outcomes = state.app.set_responsibilities(&user, &body.items).await?;
    Ok(Json(BulkDto::new(outcomes.into_iter().map(|o| o.map(|t| t.0)).collect(), "assigned")))
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = TaskDetailDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_task(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<TaskDetailDto>> {
    let f = state.app.task_family(&user, TaskId(id)).await?;
    Ok(Json(TaskDetailDto {
        task: TaskDto::from(&f.item),
        targets: f.targets.iter().map(TargetDto::from).collect(),
        children: f.children.iter().map(TaskDto::from).collect(),
        ancestors: f.ancestors.iter().map(TaskDto::from).collect(),
    }))
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
