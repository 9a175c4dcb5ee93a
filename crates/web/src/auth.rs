//! Who is asking: the session cookie, and the extractors that turn it into
//! the signed-in user for pages (redirect to sign-in) and the API (401).

use crate::AppState;
use crate::error::{ApiError, PageError};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use qingdan_app::{AppError, SessionToken};
use qingdan_domain::User;

/// The name of the cookie that holds the session token.
pub const SESSION_COOKIE: &str = "qingdan_session";

/// The signed-in user of a page request; absent sends the browser to /login,
/// and a user who must change their password is sent to do so first.
pub struct PageUser(pub User);

/// The signed-in user of the password page, even one who must change it.
pub struct AnyPageUser(pub User);

/// The signed-in user of an API request; absent is a 401.
pub struct ApiUser(pub User);

async fn user_of(parts: &mut Parts, state: &AppState) -> Result<Option<User>, AppError> {
    user_of_headers(&parts.headers, state).await
}

/// The signed-in user of a request's session cookie, if any.
pub async fn user_of_headers(headers: &axum::http::HeaderMap, state: &AppState) -> Result<Option<User>, AppError> {
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else { return Ok(None) };
    state.app.session_user(&SessionToken(cookie.value().to_owned())).await
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<PageUser, PageError> {
        let user = user_of(parts, state).await?.ok_or(PageError(AppError::Unauthenticated))?;
        Ok(PageUser(may_act(user)?))
    }
}

impl FromRequestParts<AppState> for AnyPageUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<AnyPageUser, PageError> {
        user_of(parts, state).await?.map(AnyPageUser).ok_or(PageError(AppError::Unauthenticated))
    }
}

impl OptionalFromRequestParts<AppState> for PageUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<PageUser>, PageError> {
        Ok(user_of(parts, state).await?.map(PageUser))
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    /// An `Authorization: Bearer` API token (scoped: see `qingdan_app::tokens`),
    /// or else the session cookie.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiUser, ApiError> {
        if let Some(token) = bearer(&parts.headers) {
            let user = state.app.token_user(token, parts.method.as_str(), parts.uri.path()).await?;
            return Ok(ApiUser(may_act(user)?));
        }
        let user = user_of(parts, state).await?.ok_or(ApiError(AppError::Unauthenticated))?;
        Ok(ApiUser(may_act(user)?))
    }
}

/// The token of an `Authorization: Bearer …` header, if the request has one.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty())
}

/// A user whose password an admin reset may do nothing but change it.
fn may_act(user: User) -> Result<User, AppError> {
    if user.must_change_password { Err(AppError::PasswordChangeRequired) } else { Ok(user) }
}

/// The cookie that carries a new session: HttpOnly, SameSite=Lax, whole site.
pub fn session_cookie(token: &SessionToken, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token.0.clone()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build()
}

/// The session token a request carries, if any.
pub fn session_token(jar: &CookieJar) -> Option<SessionToken> {
    jar.get(SESSION_COOKIE).map(|c| SessionToken(c.value().to_owned()))
}

/// Removes the session cookie.
pub fn removal_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, "")).path("/").build()
}
