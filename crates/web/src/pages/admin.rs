//! 单位管理 and 人员管理: admin only (the app refuses everyone else).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, QueryParams};
use crate::pages::accounts::Done;
use crate::view::Nav;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{AppError, OrgInput, UserInput};
use qingdan_domain::{Org, OrgKind, Role, User};

#[derive(Template, WebTemplate)]
#[template(path = "admin/orgs.html")]
pub struct OrgsPage {
    nav: Nav,
    orgs: Vec<Org>,
    kinds: Vec<(&'static str, &'static str)>,
    /// What the last action did.
    done: &'static str,
    /// The new org as typed, kept when it is refused.
    input: OrgInput,
    errors: Vec<String>,
}

impl OrgsPage {
    fn is_parent(&self, org: &Org) -> bool {
        self.input.parent_id == Some(org.id.0)
    }

    fn parent_name(&self, org: &Org) -> &str {
        org.parent_id.and_then(|p| self.orgs.iter().find(|o| o.id == p)).map_or("", |o| o.name.as_str())
    }
}

async fn orgs_page(
    state: &AppState,
    user: &User,
    done: &'static str,
    input: OrgInput,
    errors: Vec<String>,
) -> Result<OrgsPage, PageError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden.into());
    }
    let orgs = state.app.orgs(user).await?;
    let kinds = OrgKind::ALL.iter().map(|k| (k.code(), k.label())).collect();
    Ok(OrgsPage { nav: Nav::new(user, "/admin/orgs"), orgs, kinds, done, input, errors })
}

pub async fn orgs(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<Done>,
) -> Result<OrgsPage, PageError> {
    orgs_page(&state, &user, q.said(), OrgInput::default(), Vec::new()).await
}

pub async fn create_org(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let parent = form.get("parent_id");
    let input = OrgInput {
        name: form.get("name"),
        kind: form.get("kind"),
        parent_id: if parent.trim().is_empty() { None } else { Some(parent.trim().parse().unwrap_or(-1)) },
        sort_order: form.get("sort_order").trim().parse().ok(),
    };
    match state.app.create_org(&user, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/orgs?done=created").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let errors = invalid.errors.into_iter().map(|e| e.message).collect();
            let page = orgs_page(&state, &user, "", input, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    nav: Nav,
    users: Vec<User>,
    orgs: Vec<Org>,
    roles: Vec<(&'static str, &'static str)>,
    /// Where each user's page is: `/admin/users` (系统管理员, who also adds
    /// people) or `/security/users` (安全管理员: roles, resets).
    base: &'static str,
    done: &'static str,
    /// The new user as typed (but the password), kept when it is refused.
    input: UserInput,
    errors: Vec<String>,
}

impl UsersPage {
    fn org_name(&self, user: &User) -> &str {
        self.orgs.iter().find(|o| o.id == user.org_id).map_or("", |o| o.name.as_str())
    }
}

async fn users_page(
    state: &AppState,
    user: &User,
    done: &'static str,
    input: UserInput,
    errors: Vec<String>,
) -> Result<UsersPage, PageError> {
    let base = match user.role {
        Role::Admin => "/admin/users",
        Role::SecurityAdmin => "/security/users",
        _ => return Err(AppError::Forbidden.into()),
    };
    let users = state.app.users(user).await?;
    let orgs = state.app.orgs(user).await?;
    let roles = Role::BUSINESS.iter().map(|r| (r.code(), r.label())).collect();
    Ok(UsersPage { nav: Nav::new(user, base), users, orgs, roles, base, done, input, errors })
}

pub async fn users(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<Done>,
) -> Result<UsersPage, PageError> {
    users_page(&state, &user, q.said(), UserInput::default(), Vec::new()).await
}

pub async fn create_user(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = UserInput {
        username: form.get("username"),
        display_name: form.get("display_name"),
        role: form.get("role"),
        org_id: form.get("org_id").trim().parse().unwrap_or(-1),
        password: form.get("password"),
    };
    match state.app.create_user(&user, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/users?done=created").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let errors = invalid.errors.into_iter().map(|e| e.message).collect();
            let input = UserInput { password: String::new(), ..input };
            let page = users_page(&state, &user, "", input, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
