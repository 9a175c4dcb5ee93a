//! The JSON API under `/api/v1`. Every handler carries a `#[utoipa::path]`,
//! and the OpenAPI document at `/api/v1/openapi.json` is generated from them.
//! Signing in (`POST /api/v1/session`) sets the same session cookie as the pages.

mod admin;
mod auth;
mod dto;
mod plans;
mod reporting;
mod status;
mod supervision;

use crate::AppState;
use axum::Json;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What every API handler returns: its answer, or an error as JSON.
type ApiResult<T> = Result<T, crate::error::ApiError>;

#[derive(OpenApi)]
#[openapi(info(
    title = "一张清单 API",
    version = "1",
    description = "Plans, tasks, targets, orgs, users, progress reports and assigned matters (督办). Sign in with POST /api/v1/session; \
                   the session cookie authenticates later calls. Errors are {code, message, errors[]} with a Chinese message."
))]
struct ApiDoc;

pub fn routes() -> axum::Router<AppState> {
    let (router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login, auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(plans::list_plans, plans::create_plan))
        .routes(routes!(plans::get_plan))
        .routes(routes!(plans::list_tasks, plans::create_task))
        .routes(routes!(plans::create_tasks))
        .routes(routes!(plans::set_responsibilities))
        .routes(routes!(plans::get_task))
        .routes(routes!(plans::set_responsibility))
        .routes(routes!(reporting::task_reports, reporting::submit_report))
        .routes(routes!(reporting::review_queue, reporting::review_reports))
        .routes(routes!(reporting::review_report))
        .routes(routes!(reporting::reopen_report))
        .routes(routes!(admin::list_orgs, admin::create_org))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(supervision::list_assignments, supervision::create_assignment))
        .routes(routes!(supervision::get_assignment))
        .routes(routes!(supervision::transition_assignment))
        .routes(routes!(supervision::list_timeline_rules, supervision::create_timeline_rule))
        .routes(routes!(supervision::assignment_statistics))
        .routes(routes!(status::get_status_rules, status::set_status_rules))
        .routes(routes!(status::plan_progress))
        .routes(routes!(status::half_check))
        .split_for_parts();
    let document = serde_json::to_value(&openapi).unwrap_or_default();
    router
        // The old name of the responsibility call, kept for one release (deprecated).
        .route("/api/v1/tasks/{id}/assignment", axum::routing::put(plans::set_responsibility))
        .route("/api/v1/openapi.json", get(move || async move { Json(document) }))
}
