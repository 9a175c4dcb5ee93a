//! Orgs (单位) and users (人员).

use super::ApiResult;
use super::dto::*;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::extractors::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use qingdan_app::{OrgInput, UserInput};

#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", responses((status = 200, body = Vec<OrgDto>)))]
pub async fn list_orgs(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Json<Vec<OrgDto>>> {
    Ok(Json(state.app.orgs(&user).await?.iter().map(OrgDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgInput,
    responses((status = 201, body = OrgDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_org(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<OrgInput>,
) -> ApiResult<(StatusCode, Json<OrgDto>)> {
    let org = state.app.create_org(&user, &body).await?;
    Ok((StatusCode::CREATED, Json(OrgDto::from(&org))))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = Vec<UserDto>), (status = 403, body = ErrorBody)))]
pub async fn list_users(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Json<Vec<UserDto>>> {
    Ok(Json(state.app.users(&user).await?.iter().map(UserDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = UserDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<UserInput>,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    let created = state.app.create_user(&user, &body).await?;
    Ok((StatusCode::CREATED, Json(UserDto::from(&created))))
}
