//! The web face of Qingdan: server-rendered Chinese pages (askama, htmx) and
//! a JSON API under `/api/v1` with its OpenAPI document.
//!
//! Handlers ask `qingdan-app` and hand ready-to-show values to templates; no
//! rule and no SQL lives here. This crate must not depend on storage.

mod api;
mod assets;
mod auth;
mod edge;
mod error;
mod extractors;
mod pages;
mod view;
mod watch;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use qingdan_app::App;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use auth::SESSION_COOKIE;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The largest body of a report upload: the largest report plus room for
/// the multipart envelope.
pub const MAX_UPLOAD_BODY_BYTES: usize = qingdan_app::MAX_REPORT_BYTES + 64 * 1024;

/// The largest body of an attachment upload: the largest file plus room for
/// the multipart envelope.
pub const MAX_ATTACHMENT_BODY_BYTES: usize = qingdan_app::MAX_ATTACHMENT_BYTES + 64 * 1024;

/// Settings of the web layer.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// Origins, besides the server's own, allowed to send state-changing requests.
    pub trusted_origins: Vec<String>,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Shared, not cloned: axum clones the state for every extractor of every request.
    pub app: std::sync::Arc<App>,
    pub config: std::sync::Arc<WebConfig>,
}

/// The whole application as an axum router.
pub fn router(app: App, config: WebConfig) -> Router {
    let mut csrf = CsrfLayer::new();
    for origin in &config.trusted_origins {
        match csrf.clone().add_trusted_origin(origin) {
            Ok(with) => csrf = with,
            Err(err) => tracing::warn!("ignoring trusted origin {origin:?}: {err}"),
        }
    }
    let state = AppState { app: std::sync::Arc::new(app), config: std::sync::Arc::new(config) };
    let watch = axum::middleware::from_fn_with_state(state.clone(), watch::watch);
    let limited = Router::new()
        .route("/healthz", get(health))
        .merge(pages::routes())
        .merge(api::routes())
        .merge(assets::routes())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    // A work report is larger than any form: only the upload route takes it.
    let uploads = pages::upload_routes()
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BODY_BYTES))
        .layer(axum::middleware::map_response(explain_upload_too_large));
    limited
        .merge(uploads)
        .merge(pages::attachment_routes())
        // After every route: a GET of a form's address is a page, not a blank 405.
        .method_not_allowed_fallback(error::method_not_allowed)
        .fallback(error::not_found)
        .with_state(state)
        // Inside `watch`: a refusal at the edge is a page with the user's menu.
        .layer(axum::middleware::from_fn(edge::refuse_invisible))
        .layer(watch)
        .layer(csrf.with_rejection_response(error::csrf_rejected as fn(_) -> _))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; \
             form-action 'self'; base-uri 'none'",
        ))
        // Pages, API answers and exports are private: never kept by a browser
        // or a proxy (Back after sign-out shows nothing). Assets say otherwise.
        .layer(security_header(header::CACHE_CONTROL, "no-store"))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TraceLayer::new_for_http())
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// 200 when the database answers, 503 otherwise.
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> axum::http::StatusCode {
    if state.app.is_ready().await { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE }
}

/// An upload refused by its length alone (before the handler runs) is a
/// page with the menu and the Chinese reason, not the layer's bare English.
async fn explain_upload_too_large(response: axum::response::Response) -> axum::response::Response {
    if response.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE
        || response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"text/html"))
    {
        return response;
    }
    let mb = qingdan_app::MAX_REPORT_BYTES / 1024 / 1024;
    let message = format!("上传的文件过大（不能超过{mb}MB），未保存。请返回上一页，选择较小的文件后重新上传。");
    let refused = error::PageError(qingdan_app::AppError::field("file", "too_large", message));
    let mut page = axum::response::IntoResponse::into_response(refused);
    *page.status_mut() = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    page
}
