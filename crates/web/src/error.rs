//! Turning failures into responses: a Chinese message and a 4xx for what the
//! user can fix, a bare 500 with a logged cause for what they cannot.

use crate::view::ErrorPage;
use axum::Json;
use axum::body::Body;
use axum::http::{Response, StatusCode};
use axum::response::{IntoResponse, Redirect};
use qingdan_app::AppError;
use qingdan_domain::FieldError;
use serde::Serialize;
use tower_http::csrf::ProtectionError;

/// Where a user changes their password; the one page (with sign-out) open
/// to a user whose password an admin reset.
pub const PASSWORD_PAGE: &str = "/account/password";

/// An error on an HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(err: E) -> PageError {
        PageError(err.into())
    }
}

/// A refusal a page shows on its own form, with its status: a field error
/// or a conflict. Any other error is the error page's (`Err`).
pub(crate) fn shown_on_form(err: AppError) -> Result<(StatusCode, AppError), PageError> {
    match err {
        AppError::Invalid(_) | AppError::Conflict(_) => Ok((status_of(&err), err)),
        other => Err(PageError(other)),
    }
}

/// The HTTP status of an error, the same for pages and the API.
pub(crate) fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthenticated | AppError::TokenRefused | AppError::LoginFailed => StatusCode::UNAUTHORIZED,
        AppError::Locked(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden | AppError::OutOfScope(_) | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Storage(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn code_of(err: &AppError) -> &'static str {
    match err {
        AppError::Invalid(_) => "invalid",
        AppError::Unauthenticated => "unauthenticated",
        AppError::TokenRefused => "token_refused",
        AppError::LoginFailed => "login_failed",
        AppError::Locked(_) => "locked",
        AppError::Forbidden => "forbidden",
        AppError::OutOfScope(_) => "out_of_scope",
        AppError::PasswordChangeRequired => "password_change_required",
        AppError::NotFound(_) => "not_found",
        AppError::Conflict(_) => "conflict",
        AppError::Storage(_) | AppError::Internal(_) => "internal",
    }
}

/// The message a user sees; internal causes are logged and replaced.
fn user_message(err: &AppError) -> String {
    match err {
        AppError::Storage(_) | AppError::Internal(_) => {
            tracing::error!(error = %err, "internal error");
            "系统内部错误，请稍后再试或联系管理员".to_owned()
        }
        other => other.to_string(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> axum::response::Response {
        match self.0 {
            AppError::Unauthenticated => return Redirect::to("/login").into_response(),
            AppError::PasswordChangeRequired => return Redirect::to(PASSWORD_PAGE).into_response(),
            _ => {}
        }
        let status = status_of(&self.0);
        let message = user_message(&self.0);
        let fields = match &self.0 {
            AppError::Invalid(invalid) => invalid.errors.iter().map(|e| e.message.clone()).collect(),
            _ => Vec::new(),
        };
        ErrorPage::new(title_of(status), message, fields).with_status(status)
    }
}

fn title_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::FORBIDDEN => "无权访问",
        StatusCode::NOT_FOUND => "页面不存在",
        StatusCode::UNPROCESSABLE_ENTITY => "填写有误",
        StatusCode::CONFLICT => "操作冲突",
        StatusCode::UNAUTHORIZED => "请先登录",
        StatusCode::BAD_REQUEST => "请求有误",
        StatusCode::METHOD_NOT_ALLOWED => "请求方式不对",
        _ => "出错了",
    }
}

/// An error from the JSON API: `{"code", "message", "errors": [{field, code, message}]}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(err: E) -> ApiError {
        ApiError(err.into())
    }
}

/// The body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code: invalid, forbidden, not_found, …
    pub code: String,
    /// A Chinese sentence for the user.
    pub message: String,
    /// For `invalid`: which field was wrong and why.
    pub errors: Vec<FieldErrorBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<&FieldError> for FieldErrorBody {
    fn from(e: &FieldError) -> FieldErrorBody {
        FieldErrorBody { field: e.field.clone(), code: e.code.to_owned(), message: e.message.clone() }
    }
}

impl From<&AppError> for ErrorBody {
    fn from(err: &AppError) -> ErrorBody {
        let errors = match err {
            AppError::Invalid(invalid) => invalid.errors.iter().map(FieldErrorBody::from).collect(),
            _ => Vec::new(),
        };
        ErrorBody { code: code_of(err).to_owned(), message: user_message(err), errors }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        (status_of(&self.0), Json(ErrorBody::from(&self.0))).into_response()
    }
}

/// A request the API could not even read (bad JSON, wrong content type, bad path).
pub fn bad_request(status: StatusCode, code: &str, message: String) -> axum::response::Response {
    (status, Json(ErrorBody { code: code.to_owned(), message, errors: Vec::new() })).into_response()
}

/// A request refused before its handler ran (a bad id in the path, a
/// method the address does not take), said by the path: JSON under `/api/`,
/// else the error page, which `watch` gives the signed-in user's menu.
pub fn refused(path: &str, status: StatusCode, code: &str, message: String) -> axum::response::Response {
    if path.starts_with("/api/") {
        bad_request(status, code, message)
    } else {
        ErrorPage::new(title_of(status), message, Vec::new()).with_status(status)
    }
}

/// An address that exists, asked with a method it does not take (a GET of
/// a form's POST address, say): 405, the router adds `Allow`.
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> axum::response::Response {
    let message = if uri.path().starts_with("/api/") {
        format!("接口不支持 {method} 请求")
    } else if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
        "此地址只接受表单提交，请从页面上的按钮操作。".to_owned()
    } else {
        "此地址不接受这种提交方式，请从页面上的链接打开。".to_owned()
    };
    refused(uri.path(), StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message)
}

pub async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        bad_request(StatusCode::NOT_FOUND, "not_found", "接口不存在".to_owned())
    } else {
        PageError(AppError::NotFound("页面")).into_response()
    }
}

/// A state-changing request from another site: refused by the CSRF layer.
pub fn csrf_rejected(_: ProtectionError) -> Response<Body> {
    let body = r#"{"code":"cross_site","message":"跨站请求已被拒绝","errors":[]}"#;
    Response::builder()
        .status(StatusCode::FORBIDDEN)
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(body))
        .unwrap_or_default()
}

/// A handler panicked: log it, answer 500 without details.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    let mut response = Response::new(Body::from("系统内部错误"));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}
