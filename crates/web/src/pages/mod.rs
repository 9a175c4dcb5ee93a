//! HTML pages. One module per area; each handler asks the app and hands a
//! page struct to its template.

mod admin;
mod login;
mod plans;
mod reports;
mod tasks;

use crate::AppState;
use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/plans") }))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/{id}", get(plans::show))
        .route("/tasks/{id}", get(tasks::show))
        .route("/tasks/{id}/assignment", post(tasks::assign))
        .route("/tasks/{id}/report", get(reports::form).post(reports::submit))
        .route("/my", get(reports::mine))
        .route("/reviews", get(reports::queue))
        .route("/reports/{id}/review", post(reports::review))
        .route("/admin/orgs", get(admin::orgs).post(admin::create_org))
        .route("/admin/users", get(admin::users).post(admin::create_user))
}
