//! API 令牌: a person's tokens for machine clients — made (shown once),
//! listed, revoked (after a confirmation).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id};
use crate::view::{Nav, beijing_time, said};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::ApiToken;
use qingdan_app::AppError;
use qingdan_app::tokens::ApiScope;
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "account/tokens.html")]
pub struct TokensPage {
    nav: Nav,
    tokens: Vec<ApiToken>,
    scopes: Vec<(&'static str, &'static str)>,
    /// The token just made, shown this once.
    made: Option<String>,
    name: String,
    scope: String,
    errors: HashMap<String, String>,
}

impl TokensPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }

    fn scope_label(&self, code: &str) -> &'static str {
        ApiScope::from_code(code).map_or("", ApiScope::label)
    }

    /// When the token was made, as Beijing time.
    fn created(&self, t: &ApiToken) -> String {
        beijing_time(t.created_at)
    }

    /// When the token was last used, as Beijing time; "—" if never.
    fn last_used(&self, t: &ApiToken) -> String {
        t.last_used_at.map_or_else(|| "—".to_owned(), beijing_time)
    }
}

async fn page(state: &AppState, user: &qingdan_domain::User) -> Result<TokensPage, PageError> {
    Ok(TokensPage {
        nav: Nav::new(user, ""),
        tokens: state.app.api_tokens(user).await?,
        scopes: ApiScope::for_role(user.role).into_iter().map(|s| (s.code(), s.label())).collect(),
        made: None,
        name: String::new(),
        scope: "read".into(),
        errors: HashMap::new(),
    })
}

pub async fn list(State(state): State<AppState>, PageUser(user): PageUser) -> Result<TokensPage, PageError> {
    page(&state, &user).await
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let (name, scope) = (form.get("name"), form.get("scope"));
    match state.app.create_api_token(&user, &name, &scope).await {
        Ok(made) => {
            let mut page = page(&state, &user).await?;
            page.made = Some(made.token);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(invalid)) => {
            let mut page = page(&state, &user).await?;
            page.errors = invalid.errors.into_iter().map(|e| (e.field, e.message)).collect();
            page.name = name;
            page.scope = scope;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    state.app.revoke_api_token(&user, id).await?;
    Ok(said("/account/tokens", "令牌已吊销，使用它的调用将被拒绝。"))
}
