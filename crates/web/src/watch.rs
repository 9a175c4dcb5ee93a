//! What the audit trail needs from every request (等保2.0): the three
//! administrators (三员分立) reach only their own pages; a download or a
//! refused (403) request of a signed-in user is recorded with its source
//! address; and the changes the use cases record carry that address too
//! ([`qingdan_app::with_source`]).

use crate::AppState;
use crate::error::{ApiError, PageError};
use crate::view::{ErrorPage, Nav};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qingdan_app::AppError;
use qingdan_domain::Role;
use std::net::SocketAddr;

/// Paths every signed-in user may open (prefixes ending in `/` cover what is below).
const EVERYONE: [&str; 9] = [
    "/",
    "/login",
    "/logout",
    "/account/",
    "/assets/",
    "/healthz",
    "/api/v1/session",
    "/api/v1/me",
    "/api/v1/openapi.json",
];

const SYSTEM_ADMIN: [&str; 10] = [
    "/admin/orgs",
    "/admin/users",
    "/admin/calendar",
    "/admin/status-rules",
    "/admin/channels",
    "/ledgers",
    "/org-options",
    "/api/v1/orgs",
    "/api/v1/users",
    "/api/v1/status-rules",
];

/// Whether an administrator may open `path`: their duty's pages and the
/// common ones, never the list's (plans, reports, 督办).
pub fn administrator_may_open(role: Role, path: &str) -> bool {
    let own: &[&str] = match role {
        Role::Admin => &SYSTEM_ADMIN,
        Role::SecurityAdmin => &["/security"],
        Role::AuditAdmin => &["/audit"],
        _ => return true,
    };
    EVERYONE.iter().chain(own).any(|prefix| under(path, prefix))
}

fn under(path: &str, prefix: &str) -> bool {
    if prefix == "/" || prefix.ends_with('/') {
        return path == prefix || (prefix != "/" && path.starts_with(prefix));
    }
    path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// The middleware: gate, run, record.
pub async fn watch(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let source = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let user = match crate::auth::user_of_headers(req.headers(), &state).await {
        Ok(user) => user,
        Err(err) => return PageError(err).into_response(),
    };
    let path = req.uri().path().to_owned();
    let request = format!("{} {}", req.method(), req.uri());
    let flash = flash_of(req.headers());
    let Some(user) = user else {
        let asked = if req.method() == axum::http::Method::GET {
            Some((req.uri().to_string(), false))
        } else {
            // A form sent after the session ended: back to the page it was sent from, saying so.
            referring_page(req.headers()).map(|page| (page, true))
        };
        let response = qingdan_app::with_source(source, next.run(req)).await;
        return back_after_sign_in(response, asked);
    };
    let response = if user.role.is_administrator() && !administrator_may_open(user.role, &path) {
        if path.starts_with("/api/") {
            ApiError(AppError::Forbidden).into_response()
        } else {
            PageError(AppError::Forbidden).into_response()
        }
    } else {
        qingdan_app::with_source(source, next.run(req)).await
    };
    let action = if response.status() == StatusCode::FORBIDDEN {
        Some("forbidden")
    } else if response.status().is_success() && is_attachment(&response) {
        Some("download")
    } else {
        None
    };
    if let Some(action) = action
        && let Err(err) = state.app.record_access(&user, action, &request, source).await
    {
        tracing::error!("recording {action} of {request} in the audit trail failed: {err}");
        return PageError(err).into_response();
    }
    let response = with_menu(response, &user);
    match flash {
        Some(message) => show_flash(response, &message).await,
        None => response,
    }
}

/// The one-time message a request carries ([`crate::view::said`]), decoded.
fn flash_of(headers: &axum::http::HeaderMap) -> Option<String> {
    let jar = axum_extra::extract::cookie::CookieJar::from_headers(headers);
    let raw = jar.get(crate::view::FLASH_COOKIE)?.value().to_owned();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&format!("m={raw}")).ok()?;
    pairs.into_iter().next().map(|(_, m)| m).filter(|m| !m.is_empty() && m.chars().count() <= 200)
}

/// Puts the message at the top of an HTML page's content and clears the
/// cookie; a redirect or a file passes on untouched, the message kept for
/// the page after.
async fn show_flash(response: Response, message: &str) -> Response {
    let is_page = response.status() == StatusCode::OK
        && response.headers().get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if !is_page {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let notice = format!(r#"<div class="alert alert-success" role="status" id="flash">{}</div>"#, escape(message));
    let page = match html.find("<main").and_then(|at| html[at..].find('>').map(|end| at + end + 1)) {
        Some(at) => format!("{}{notice}{}", &html[..at], &html[at..]),
        None => html.into_owned(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let clear = format!("{}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly", crate::view::FLASH_COOKIE);
    if let Ok(value) = clear.parse() {
        parts.headers.append(header::SET_COOKIE, value);
    }
    Response::from_parts(parts, axum::body::Body::from(page))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An error page rendered again with the signed-in user's menu: every page
/// has the layout and menu, errors too. Headers the page did not set itself
/// (the `Allow` of a 405) are kept.
fn with_menu(response: Response, user: &qingdan_domain::User) -> Response {
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else { return response };
    let mut shown = ErrorPage { nav: Some(Nav::new(user, "")), ..page }.with_status(response.status());
    let kept: Vec<_> = response
        .headers()
        .keys()
        .filter(|name| **name != header::CONTENT_LENGTH && !shown.headers().contains_key(*name))
        .cloned()
        .collect();
    for name in kept {
        for value in response.headers().get_all(&name) {
            shown.headers_mut().append(name.clone(), value.clone());
        }
    }
    shown
}

/// A page that sends a signed-out visitor to sign in says where they were
/// going (`/login?next=…`), so a link in a reminder lands where it points;
/// `unsent` (a form sent after the session ended) adds `&unsent=1`, and the
/// sign-in page says that what was sent was not saved.
fn back_after_sign_in(mut response: Response, asked: Option<(String, bool)>) -> Response {
    let to_login = response.headers().get(header::LOCATION).is_some_and(|l| l == "/login");
    if let Some((asked, unsent)) = asked.filter(|(a, _)| to_login && a != "/" && !a.starts_with("/login"))
        && let Ok(value) =
            format!("/login?next={}{}", crate::view::rfc5987(&asked), if unsent { "&unsent=1" } else { "" }).parse()
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The path (and query) of the page a request was sent from, by its `Referer`.
fn referring_page(headers: &axum::http::HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let uri: axum::http::Uri = referer.parse().ok()?;
    uri.path_and_query().map(|p| p.as_str().to_owned())
}

fn is_attachment(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_administrator_reaches_their_own_pages_only() {
        for (role, path, open) in [
            (Role::AuditAdmin, "/audit", true),
            (Role::AuditAdmin, "/audit/export.xlsx", true),
            (Role::AuditAdmin, "/auditx", false),
            (Role::AuditAdmin, "/plans", false),
            (Role::AuditAdmin, "/admin/users", false),
            (Role::AuditAdmin, "/account/password", true),
            (Role::AuditAdmin, "/", true),
            (Role::SecurityAdmin, "/security/locks", true),
            (Role::SecurityAdmin, "/admin/users", false),
            (Role::SecurityAdmin, "/api/v1/tasks/1", false),
            (Role::Admin, "/admin/users/3", true),
            (Role::Admin, "/admin/trash", false),
            (Role::Admin, "/reviews", false),
            (Role::Admin, "/api/v1/plans", false),
            (Role::Admin, "/security", false),
            (Role::Admin, "/audit", false),
            (Role::Supervisor, "/reviews", true),
        ] {
            assert_eq!(administrator_may_open(role, path), open, "{role:?} {path}");
        }
    }
}
