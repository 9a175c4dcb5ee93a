//! The JSON API under `/api/v1`. Every handler carries a `#[utoipa::path]`,
//! and the OpenAPI document at `/api/v1/openapi.json` is generated from them.
//! Signing in (`POST /api/v1/session`) sets the same session cookie as the pages.

mod assignments;
mod dto;
mod handlers;
mod status;

use crate::AppState;
use axum::Json;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
        .routes(routes!(handlers::login, handlers::logout))
        .routes(routes!(handlers::me))
        .routes(routes!(handlers::list_plans, handlers::create_plan))
        .routes(routes!(handlers::get_plan))
        .routes(routes!(handlers::list_tasks, handlers::create_task))
        .routes(routes!(handlers::get_task))
        .routes(routes!(handlers::set_responsibility))
        .routes(routes!(handlers::task_reports, handlers::submit_report))
        .routes(routes!(handlers::review_queue))
        .routes(routes!(handlers::review_report))
        .routes(routes!(handlers::list_orgs, handlers::create_org))
        .routes(routes!(handlers::list_users, handlers::create_user))
        .routes(routes!(assignments::list_assignments, assignments::create_assignment))
        .routes(routes!(assignments::get_assignment))
        .routes(routes!(assignments::transition_assignment))
        .routes(routes!(assignments::list_timeline_rules, assignments::create_timeline_rule))
        .routes(routes!(assignments::assignment_statistics))
        .routes(routes!(status::get_status_rules, status::set_status_rules))
        .routes(routes!(status::plan_progress))
        .routes(routes!(status::half_check))
        .split_for_parts();
    let document = serde_json::to_value(&openapi).unwrap_or_default();
    router
        // The old name of the responsibility call, kept for one release (deprecated).
        .route("/api/v1/tasks/{id}/assignment", axum::routing::put(handlers::set_responsibility))
        .route("/api/v1/openapi.json", get(move || async move { Json(document) }))
}
