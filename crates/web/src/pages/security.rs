//! 安全策略 for the 安全管理员: the sign-in and session policy, and the
//! accounts and addresses that failed sign-ins have locked.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, QueryParams};
use crate::pages::accounts::Done;
use crate::view::{Nav, answer_form};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use qingdan_app::{Lock, PolicyInput, beijing};
use qingdan_domain::User;
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "security/policy.html")]
pub struct PolicyPage {
    nav: Nav,
    input: PolicyInput,
    locks: Vec<Lock>,
    done: &'static str,
    errors: HashMap<String, String>,
}

impl PolicyPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }

    fn until(&self, lock: &Lock) -> String {
        lock.until.with_timezone(&beijing()).format("%m-%d %H:%M").to_string()
    }
}

async fn policy_page(
    state: &AppState,
    user: &User,
    input: Option<PolicyInput>,
    done: &'static str,
    errors: HashMap<String, String>,
) -> Result<PolicyPage, PageError> {
    let locks = state.app.locks(user).await?;
    let input = match input {
        Some(input) => input,
        None => PolicyInput::of(&state.app.sign_in_policy().await?),
    };
    Ok(PolicyPage { nav: Nav::new(user, "/security"), input, locks, done, errors })
}

pub async fn policy(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<Done>,
) -> Result<PolicyPage, PageError> {
    policy_page(&state, &user, None, q.said(), HashMap::new()).await
}

pub async fn set_policy(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = PolicyInput {
        max_failures: form.get("max_failures"),
        lock_minutes: form.get("lock_minutes"),
        idle_minutes: form.get("idle_minutes"),
        max_sessions: form.get("max_sessions"),
        password_max_days: form.get("password_max_days"),
    };
    let result = state.app.set_sign_in_policy(&user, &input).await.map(|_| ());
    answer_form(result, "/security?done=policy", |errors| policy_page(&state, &user, Some(input), "", errors)).await
}

pub async fn unlock(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let result = state.app.unlock(&user, &form.get("key")).await;
    answer_form(result, "/security?done=unlocked", |errors| policy_page(&state, &user, None, "", errors)).await
}
