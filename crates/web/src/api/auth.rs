//! Signing in and out, and who is signed in.

use super::ApiResult;
use super::dto::*;
use crate::AppState;
use crate::auth::{ApiUser, removal_cookie, session_cookie, session_token};
use crate::error::ErrorBody;
use crate::extractors::{ApiJson, ClientAddr};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::cookie::CookieJar;

#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginBody,
    responses((status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    jar: CookieJar,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<(CookieJar, Json<UserDto>)> {
    let (user, token) = state.app.login_from(&body.username, &body.password, source).await?;
    Ok((jar.add(session_cookie(&token, state.config.secure_cookies)), Json(UserDto::from(&user))))
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    jar: CookieJar,
) -> ApiResult<(CookieJar, StatusCode)> {
    if let Some(token) = session_token(&jar) {
        state.app.logout(&token, source).await?;
    }
    Ok((jar.remove(removal_cookie()), StatusCode::NO_CONTENT))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = UserDto), (status = 401, body = ErrorBody)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<UserDto> {
    Json(UserDto::from(&user))
}
