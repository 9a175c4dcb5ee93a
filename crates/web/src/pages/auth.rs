use crate::AppState;
use crate::auth::{PageUser, removal_cookie, session_cookie, session_token};
use crate::error::PageError;
use crate::extractors::{ClientAddr, FormPairs, QueryParams};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use qingdan_app::AppError;

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub username: String,
    pub error: Option<String>,
    /// Where to go after signing in (a local path), kept through a failed try.
    pub next: String,
    /// A form was sent after the session ended: say it was not saved.
    pub unsent: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    unsent: String,
}

/// `next` if it is a page of this site (a path, not `//host` or a scheme), else `None`.
fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.starts_with("/login");
    ok.then_some(next)
}

pub async fn show(user: Option<PageUser>, QueryParams(q): QueryParams<LoginQuery>) -> Response {
    if let Some(PageUser(user)) = user {
        return Redirect::to(crate::view::home_of(user.role)).into_response();
    }
    let next = local_path(&q.next).unwrap_or_default().to_owned();
    LoginPage { username: String::new(), error: None, next, unsent: q.unsent == "1" }.into_response()
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    jar: CookieJar,
    form: FormPairs,
) -> Result<Response, PageError> {
    let username = form.get("username");
    let next = local_path(&form.get("next")).unwrap_or_default().to_owned();
    match state.app.login_from(&username, &form.get("password"), source).await {
        Ok((user, token)) => {
            let jar = jar.add(session_cookie(&token, state.config.secure_cookies));
            let to =
                if next.is_empty() || user.role.is_administrator() { crate::view::home_of(user.role) } else { &next };
            Ok((jar, Redirect::to(to)).into_response())
        }
        Err(AppError::LoginFailed) => {
            let page = LoginPage { username, error: Some("用户名或密码错误".to_owned()), next, unsent: false };
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(AppError::Locked(message)) => {
            let page = LoginPage { username, error: Some(message), next, unsent: false };
            Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    ClientAddr(source): ClientAddr,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if let Some(token) = session_token(&jar) {
        state.app.logout(&token, source).await?;
    }
    Ok((jar.remove(removal_cookie()), Redirect::to("/login")).into_response())
}
