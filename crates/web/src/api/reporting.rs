//! Progress reports (进展报送) and their review (审核).

use super::ApiResult;
use super::dto::*;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::extractors::{ApiJson, Id, QueryParams};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use qingdan_app::{ReportInput, ReviewInput, ReviewQuery, UnacceptInput};
use qingdan_domain::{ReportId, TaskId};

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

/// The reports waiting for review, oldest first, a page at a time; the
/// `X-Total-Count` header says how many wait on all pages.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "reports", params(ReviewQuery),
    responses((status = 200, body = Vec<QueuedReportDto>,
        headers(("X-Total-Count" = i64, description = "How many reports wait under the filter, on all pages"))),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_queue(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    QueryParams(query): QueryParams<ReviewQuery>,
) -> ApiResult<([(&'static str, String); 1], Json<Vec<QueuedReportDto>>)> {
    let queue = state.app.review_queue(&user, &query).await?;
    let items = queue
        .items
        .iter()
        .map(|i| QueuedReportDto { report: ReportDto::from(&i.report), frozen: i.is_frozen })
        .collect();
    Ok(([("x-total-count", queue.total.to_string())], Json(items)))
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

/// 撤销通过: sends an accepted report back to its org with the reason
/// (`comment`, required), to be corrected and resubmitted. When it was the
/// task's newest accepted period, the task's progress, light, target actuals
/// and every ancestor's roll-up go back at once to what the remaining
/// accepted reports give. Office only (403); a report not accepted or of an
/// archived plan is 409, no reason 422; nothing changes then.
#[utoipa::path(post, path = "/api/v1/reports/{id}/reopen", tag = "reports", params(("id" = i64, Path)), request_body = UnacceptInput,
    responses((status = 200, body = ReportDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reopen_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    ApiJson(body): ApiJson<UnacceptInput>,
) -> ApiResult<Json<ReportDto>> {
    let report = state.app.unaccept_report(&user, ReportId(id), &body).await?;
    Ok(Json(ReportDto::from(&report)))
}

/// Reviews many reports in one transaction (at most 500): each item a
/// `report_id` with its `decision` (and `comment` for a return, `revision`
/// as read). A report not waiting, resubmitted since the revision named,
/// missing or with a faulty decision is refused and the others saved; each
/// item's outcome in order.
#[utoipa::path(post, path = "/api/v1/reviews", tag = "reports", request_body = BulkReviewsBody,
    responses((status = 200, body = BulkDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_reports(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<BulkReviewsBody>,
) -> ApiResult<Json<BulkDto>> {
    let items: Vec<(i64, ReviewInput)> = body.items.into_iter().map(|i| (i.report_id, i.review)).collect();
    let outcomes = state.app.review_many(&user, &items).await?;
    Ok(Json(BulkDto::new(outcomes.into_iter().map(|o| o.map(|r| r.0)).collect(), "reviewed")))
}
