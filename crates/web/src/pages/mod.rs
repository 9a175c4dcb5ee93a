//! HTML pages. One module per area; each handler asks the app and hands a
//! page struct to its template.

mod accounts;
mod admin;
mod assessment;
mod audit;
mod auth;
mod calendar;
mod dashboard;
mod imports;
mod ledgers;
mod notifications;
mod plans;
mod projects;
mod reporting;
mod search;
mod security;
mod status;
mod supervision;
mod tokens;
mod workbench;

use plans::{editing, tasks};
use projects::{detail as project, dispatch, files as project_files, map as project_map, register as project_register};
use reporting::{files as report_files, reports, review, schedule};
use supervision::{assignments, timeline_rules};

use crate::AppState;
use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/home", get(workbench::home))
        .route("/nav/badges", get(workbench::badges))
        .route("/inbox", get(workbench::inbox))
        .route("/inbox/read", post(workbench::mark_read))
        .route("/login", get(auth::show).post(auth::submit))
        .route("/logout", post(auth::logout))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/search", get(search::results))
        .route("/plans/{id}", get(plans::show))
        .route("/plans/{id}/assign", post(editing::bulk_assign))
        .route("/plans/{id}/archive", post(editing::archive))
        .route("/tasks/{id}/edit", get(editing::edit).post(editing::update))
        .route("/tasks/{id}/targets/{target}", post(editing::save_target))
        .route("/tasks/{id}/targets/{target}/delete", post(editing::delete_target))
        .route("/tasks/{id}/move", post(editing::move_task))
        .route("/tasks/{id}/split", post(editing::split))
        .route("/tasks/{id}/merge", post(editing::merge))
        .route("/tasks/{id}/delete", post(editing::delete_task))
        .route("/admin/trash", get(editing::trash))
        .route("/admin/trash/{id}/restore", post(editing::restore))
        .route("/plans/{id}/ledger.xlsx", get(ledgers::export))
        .route("/ledgers", get(ledgers::show))
        .route("/ledgers/tasks/confirm", post(ledgers::confirm))
        .route("/plans/{id}/ledger-undo", post(ledgers::undo))
        .route("/ledgers/{kind}/template.xlsx", get(ledgers::template))
        .route("/plans/{id}/reporting", get(schedule::show).post(schedule::set))
        .route("/plans/{id}/map", get(dashboard::show))
        .route("/plans/{id}/bulletin.docx", get(dashboard::bulletin))
        .route("/map", get(dashboard::newest))
        .route("/org-options", get(plans::org_options))
        .route("/tasks/{id}", get(tasks::show))
        .route("/tasks/{id}/responsibility", post(tasks::set_responsibility))
        .route("/my", get(reports::mine))
        .route("/reviews", get(review::queue))
        .route("/reviews/accept", post(review::accept_many))
        .route("/reports/{id}/review", post(review::review))
        .route("/reports/{id}/withdraw", post(reports::withdraw))
        .route("/reports/{id}/reopen", post(tasks::unaccept))
        .route("/reports/{id}/files/{file_id}", get(report_files::download))
        .route("/assignments", get(assignments::list).post(assignments::create))
        .route("/assignments/statistics", get(assignments::statistics))
        .route("/assignments/{id}", get(assignments::show))
        .route("/assignments/{id}/transition", post(assignments::transition))
        .route("/assignments/{id}/notice.docx", get(assignments::notice))
        .route("/assignments/{id}/files/{file_id}", get(assignments::download_file))
        .route("/my-assignments", get(assignments::mine))
        .route("/admin/orgs", get(admin::orgs).post(admin::create_org))
        .route("/admin/orgs/{id}", get(accounts::org).post(accounts::update_org))
        .route("/admin/orgs/{id}/active", post(accounts::set_org_active))
        .route("/admin/orgs/{id}/merge", post(accounts::merge_org))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}", get(accounts::user).post(accounts::update_user))
        .route("/security", get(security::policy).post(security::set_policy))
        .route("/security/unlock", post(security::unlock))
        .route("/security/users", get(admin::users))
        .route("/security/users/{id}", get(accounts::user))
        .route("/security/users/{id}/role", post(accounts::set_user_role))
        .route("/security/users/{id}/password", post(accounts::reset_password))
        .route("/security/users/{id}/active", post(accounts::set_user_active))
        .route("/audit", get(audit::trail))
        .route("/audit/export.xlsx", get(audit::export))
        .route("/admin/users/{id}/active", post(accounts::set_user_active))
        .route("/account/password", get(accounts::password_form).post(accounts::change_password))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route("/admin/timeline-rules", get(timeline_rules::show).post(timeline_rules::create))
        .route("/admin/calendar", get(calendar::show).post(calendar::add))
        .route("/admin/calendar/delete", post(calendar::delete))
        .route("/admin/calendar/import", post(calendar::import))
        .route("/admin/calendar/export", get(calendar::export))
        .route("/admin/status-rules", get(status::show).post(status::update))
        .route("/plans/{id}/half-year", get(status::half_year))
        .route("/admin/channels", get(notifications::list).post(notifications::create))
        .route("/admin/channels/{id}", get(notifications::show).post(notifications::update))
        .route("/admin/channels/{id}/enabled", post(notifications::set_enabled))
        .route("/admin/channels/{id}/test", post(notifications::test))
        .route("/projects", get(project_register::list))
        .route("/projects/new", get(project_register::new).post(project_register::create))
        .route("/projects/review", get(project::queue))
        .route("/projects/map", get(project_map::show))
        .route("/projects/ledger.xlsx", get(project_files::ledger))
        .route("/projects/template.xlsx", get(project_files::template))
        .route("/projects/import", get(project_files::import_form))
        .route("/projects/import/confirm", post(project_files::confirm))
        .route("/projects/bulletin.docx", get(project_files::bulletin))
        .route("/dispatch/{id}/minutes.docx", get(project_files::minutes))
        .route("/project-reports/{report}/photos/{file}", get(project_files::photo))
        .route(
            "/projects/settings/prework",
            get(project_register::prework_kinds).post(project_register::set_prework_kinds),
        )
        .route("/projects/{id}", get(project::show))
        .route("/projects/{id}/edit", get(project_register::edit).post(project_register::update))
        .route("/projects/{id}/reports", post(project::submit_report))
        .route("/projects/{id}/prework", post(project::add_prework))
        .route("/projects/{id}/factors", post(project::raise_factor))
        .route("/project-reports/{id}/review", post(project::review_report))
        .route("/prework/{id}/done", post(project::prework_done))
        .route("/prework/{id}/assign", post(project::assign_prework))
        .route("/factors/{id}/step", post(project::step_factor))
        .route("/factors/{id}/assign", post(project::assign_factor))
        .route("/assessment", get(assessment::list).post(assessment::create))
        .route("/assessment/latest", get(assessment::latest))
        .route("/assessment/values-template.xlsx", get(assessment::values_template))
        .route("/assessment/{id}", get(assessment::show).post(assessment::update))
        .route("/assessment/{id}/publish", post(assessment::publish))
        .route("/assessment/{id}/preview", get(assessment::preview))
        .route("/assessment/{id}/year", get(assessment::year))
        .route("/assessment/{id}/{month}", get(assessment::month))
        .route("/assessment/{id}/{month}/scores.xlsx", get(assessment::score_sheet))
        .route("/assessment/{id}/{month}/bulletin.docx", get(assessment::bulletin))
        .route("/dispatch", get(dispatch::list).post(dispatch::create))
        .route("/dispatch/{id}", get(dispatch::show))
        .route("/dispatch/{id}/decisions", post(dispatch::add_decision))
        .route("/dispatch/{id}/assign-all", post(dispatch::assign_all))
        .route("/dispatch/{id}/minutes", post(dispatch::save_minutes))
        .route("/decisions/{id}/assign", post(dispatch::assign_decision))
        .route("/imports", get(imports::list))
        .route("/imports/{id}", get(imports::show))
        .route("/imports/{id}/tasks", post(imports::add_task))
        .route("/imports/{id}/publish", post(imports::publish))
        .route("/imports/{id}/parts", post(imports::change_part))
        .route("/imports/{id}/delete", get(imports::confirm_delete).post(imports::delete))
        .route("/import-tasks/{id}", post(imports::update_task))
        .route("/import-tasks/{id}/delete", post(imports::delete_task))
        .route("/import-tasks/{id}/merge", post(imports::merge_task))
        .route("/import-tasks/{id}/split", post(imports::split_task))
        .route("/import-tasks/{id}/targets", post(imports::add_target))
        .route("/import-targets/{id}", post(imports::update_target))
        .route("/import-targets/{id}/delete", post(imports::delete_target))
}

/// Routes that take a whole report file: the router gives them a larger body
/// limit than [`crate::MAX_BODY_BYTES`].
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/imports", post(imports::upload))
        .route("/ledgers/{kind}", post(ledgers::upload))
        .route("/projects/import", post(project_files::import))
        .route("/assessment/{id}/values", post(assessment::import_values))
}

/// The upload of a matter's attachment file (附件), with its own body limit
/// just above the largest file, [`crate::MAX_ATTACHMENT_BODY_BYTES`]. A body
/// refused by its length alone (before the handler runs) still gets the
/// Chinese reason.
pub fn attachment_routes() -> Router<AppState> {
    Router::new()
        .route("/assignments/{id}/files", post(assignments::upload_file))
        .layer(axum::extract::DefaultBodyLimit::max(crate::MAX_ATTACHMENT_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(crate::MAX_ATTACHMENT_BODY_BYTES))
        .layer(axum::middleware::map_response(assignments::explain_too_large))
        .merge(report_upload_routes())
}

/// The report form (sent as multipart with its 佐证材料) and the addition of
/// files to a waiting report, with a body limit of
/// [`reporting::files::MAX_REPORT_BODY_BYTES`] (several files of the 督办
/// 附件 size); a body refused by its length alone still gets the Chinese reason.
fn report_upload_routes() -> Router<AppState> {
    Router::new()
        .route("/tasks/{id}/report", get(reports::form).post(reports::submit))
        .route("/reports/{id}/files", post(report_files::upload))
        .route("/project-reports/{id}/photos", post(project_files::add_photo))
        .layer(axum::extract::DefaultBodyLimit::max(reporting::files::MAX_REPORT_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(reporting::files::MAX_REPORT_BODY_BYTES))
        .layer(axum::middleware::map_response(report_files::explain_too_large))
}

/// `/`: the signed-in user's first page, or sign-in.
async fn home(user: Option<crate::auth::PageUser>) -> Redirect {
    match user {
        Some(crate::auth::PageUser(user)) => Redirect::to(crate::view::home_of(user.role)),
        None => Redirect::to("/login"),
    }
}
