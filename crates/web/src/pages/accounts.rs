//! Accounts: 修改密码 for everyone; the system administrator's page of one
//! user (edit, 停用/启用) and of one org (edit, 停用/启用, 合并); the security
//! administrator's page of one user (角色, 重置密码).

use crate::AppState;
use crate::auth::{AnyPageUser, PageUser, session_token};
use crate::error::PageError;
use crate::extractors::{FormPairs, Id, QueryParams};
use crate::view::{Nav, answer_form, field_errors};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use qingdan_app::{AppError, OrgInput, UserEdit};
use qingdan_domain::{Org, OrgId, OrgKind, Role, User, UserId};
use std::collections::HashMap;

/// `?done=…`: what the last action did, said once on the next page.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

impl Done {
    /// The sentence for the list pages; empty when nothing was done.
    pub fn said(&self) -> &'static str {
        match self.done.as_deref() {
            Some("created") => "已新增。",
            Some("updated") => "已保存修改。",
            Some("reset") => "密码已重置，对方下次登录时须先修改密码。",
            Some("role") => "角色已修改，立即生效：对方的下一个操作即按新角色办理。",
            Some("policy") => "安全策略已保存，即时生效。",
            Some("unlocked") => "已解除锁定。",
            Some("disabled") => "已停用。",
            Some("enabled") => "已启用。",
            Some("merged") => "已合并，人员和任务已转入所选单位，原单位已停用。",
            _ => "",
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    nav: Nav,
    forced: bool,
    done: bool,
    errors: HashMap<String, String>,
    /// The link to API 令牌 is shown: not to the three administrators
    /// (`App::api_tokens` refuses them), nor before a forced change of password.
    has_tokens: bool,
}

impl PasswordPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

pub async fn password_form(AnyPageUser(user): AnyPageUser, QueryParams(q): QueryParams<Done>) -> PasswordPage {
    let done = q.done.is_some_and(|d| d == "password");
    PasswordPage {
        nav: Nav::new(&user, ""),
        forced: user.must_change_password,
        done,
        errors: HashMap::new(),
        has_tokens: has_tokens(&user),
    }
}

fn has_tokens(user: &User) -> bool {
    !user.role.is_administrator() && !user.must_change_password
}

pub async fn change_password(
    State(state): State<AppState>,
    AnyPageUser(user): AnyPageUser,
    jar: CookieJar,
    form: FormPairs,
) -> Result<Response, PageError> {
    let token = session_token(&jar).ok_or(AppError::Unauthenticated)?;
    let (new, again) = (form.get("password"), form.get("password_again"));
    let changed = if new == again {
        state.app.change_own_password(&user, &token, &form.get("current_password"), &new).await
    } else {
        Err(AppError::field("password_again", "mismatch", "两次输入的新密码不一致"))
    };
    match changed {
        Ok(()) => Ok(Redirect::to("/account/password?done=password").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let page = PasswordPage {
                nav: Nav::new(&user, ""),
                forced: user.must_change_password,
                done: false,
                errors: field_errors(invalid),
                has_tokens: has_tokens(&user),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/user.html")]
pub struct UserPage {
    nav: Nav,
    user: User,
    display_name: String,
    role: String,
    org_id: i64,
    orgs: Vec<Org>,
    roles: Vec<(&'static str, &'static str)>,
    /// The security administrator's page of the user (role, 重置密码) rather
    /// than the system administrator's (name, org).
    security: bool,
    /// Where this administrator 停用/启用 the user: the system administrator
    /// a business account, the security administrator one of the three
    /// administrators' (三员分立); `None` when neither applies.
    active_action: Option<String>,
    errors: HashMap<String, String>,
}

impl UserPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

async fn user_page(
    state: &AppState,
    admin: &User,
    id: UserId,
    edit: Option<UserEdit>,
    errors: HashMap<String, String>,
) -> Result<UserPage, PageError> {
    let user = state.app.user(admin, id).await?;
    let edit = edit.unwrap_or_else(|| UserEdit {
        display_name: user.display_name.clone(),
        role: user.role.code().to_owned(),
        org_id: user.org_id.0,
    });
    let orgs = state.app.orgs(admin).await?.into_iter().filter(|o| o.is_active || o.id == user.org_id).collect();
    let security = admin.role == Role::SecurityAdmin;
    let active_action = (security == user.role.is_administrator() && user.id != admin.id)
        .then(|| format!("{}/{}/active", if security { "/security/users" } else { "/admin/users" }, user.id));
    Ok(UserPage {
        nav: Nav::new(admin, if security { "/security/users" } else { "/admin/users" }),
        user,
        display_name: edit.display_name,
        role: edit.role,
        org_id: edit.org_id,
        orgs,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        security,
        active_action,
        errors,
    })
}

pub async fn user(State(state): State<AppState>, PageUser(admin): PageUser, Id(id): Id) -> Result<UserPage, PageError> {
    user_page(&state, &admin, UserId(id), None, HashMap::new()).await
}

/// Runs an admin action on the user page: done, back to the list saying
/// `done`; refused input, the page again with the errors beside the fields.
async fn on_user_page(
    state: &AppState,
    admin: &User,
    id: UserId,
    edit: Option<UserEdit>,
    result: Result<(), AppError>,
    done: &str,
) -> Result<Response, PageError> {
    let base = if admin.role == Role::SecurityAdmin { "/security/users" } else { "/admin/users" };
    let to = format!("{base}?done={done}");
    answer_form(result, &to, |errors| user_page(state, admin, id, edit, errors)).await
}

pub async fn update_user(
    State(state): State<AppState>,
    PageUser(admin): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let edit = UserEdit {
        display_name: form.get("display_name"),
        role: form.get("role"),
        org_id: form.get("org_id").trim().parse().unwrap_or(-1),
    };
    match state.app.update_user(&admin, UserId(id), &edit).await {
        // Moved out of the lead org of tasks they owned: say which lost their 责任人.
        Ok(updated) if !updated.owner_cleared.is_empty() => {
            let tasks: Vec<String> = updated.owner_cleared.iter().map(|(_, t)| format!("“{t}”")).collect();
            let message = format!(
                "已保存修改。{}已调离原单位，不再是以下{}项任务的责任人（责任人须是牵头单位的人员），请督查室重新指定：{}。",
                updated.user.display_name,
                tasks.len(),
                tasks.join("、")
            );
            Ok(crate::view::said("/admin/users", &message))
        }
        result => {
            let result = result.map(|_| ());
            on_user_page(&state, &admin, UserId(id), Some(edit), result, "updated").await
        }
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    PageUser(admin): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let result = state.app.reset_password(&admin, UserId(id), &form.get("password")).await;
    on_user_page(&state, &admin, UserId(id), None, result, "reset").await
}

/// 安全管理员: gives the user another role.
pub async fn set_user_role(
    State(state): State<AppState>,
    PageUser(admin): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let result = match Role::from_code(form.get("role").trim()) {
        Some(role) => state.app.set_user_role(&admin, UserId(id), role).await.map(|_| ()),
        None => Err(AppError::field("role", "unknown", "请选择角色")),
    };
    on_user_page(&state, &admin, UserId(id), None, result, "role").await
}

pub async fn set_user_active(
    State(state): State<AppState>,
    PageUser(admin): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let active = form.get("active") == "1";
    let result = state.app.set_user_active(&admin, UserId(id), active).await;
    on_user_page(&state, &admin, UserId(id), None, result, if active { "enabled" } else { "disabled" }).await
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/org.html")]
pub struct OrgPage {
    nav: Nav,
    org: Org,
    input: OrgInput,
    orgs: Vec<Org>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: HashMap<String, String>,
}

impl OrgPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }

    fn is_parent(&self, org: &Org) -> bool {
        self.input.parent_id == Some(org.id.0)
    }
}

async fn org_page(
    state: &AppState,
    admin: &User,
    id: OrgId,
    input: Option<OrgInput>,
    errors: HashMap<String, String>,
) -> Result<OrgPage, PageError> {
    if admin.role != Role::Admin {
        return Err(AppError::Forbidden.into());
    }
    let org = state.app.org(admin, id).await?;
    let input = input.unwrap_or_else(|| OrgInput {
        name: org.name.clone(),
        kind: org.kind.code().to_owned(),
        parent_id: org.parent_id.map(|p| p.0),
        sort_order: Some(org.sort_order),
    });
    let orgs = state.app.orgs(admin).await?.into_iter().filter(|o| o.id != id && o.is_active).collect();
    let kinds = OrgKind::ALL.iter().map(|k| (k.code(), k.label())).collect();
    Ok(OrgPage { nav: Nav::new(admin, "/admin/orgs"), org, input, orgs, kinds, errors })
}

pub async fn org(State(state): State<AppState>, PageUser(admin): PageUser, Id(id): Id) -> Result<OrgPage, PageError> {
    org_page(&state, &admin, OrgId(id), None, HashMap::new()).await
}

async fn on_org_page(
    state: &AppState,
    admin: &User,
    id: OrgId,
    input: Option<OrgInput>,
    result: Result<(), AppError>,
    done: &str,
) -> Result<Response, PageError> {
    let to = format!("/admin/orgs?done={done}");
    answer_form(result, &to, |errors| org_page(state, admin, id, input, errors)).await
}

pub async fn update_org(
    State(state): State<AppState>,
    PageUser(admin): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let parent = form.get("parent_id");
    let input = OrgInput {
        name: form.get("name"),
        kind: form.get("kind"),
        parent_id: if parent.trim().is_empty() { None } else { Some(parent.trim().parse().unwrap_or(-1)) },
        sort_order: form.get("sort_order").trim().parse().ok(),
    };
    let result = state.app.update_org(&admin, OrgId(id), &input).await.map(|_| ());
    on_org_page(&state, &admin, OrgId(id), Some(input), result, "updated").await
}

pub async fn set_org_active(
    State(state): State<AppState>,
    PageUser(admin): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let active = form.get("active") == "1";
    let result = state.app.set_org_active(&admin, OrgId(id), active).await;
    on_org_page(&state, &admin, OrgId(id), None, result, if active { "enabled" } else { "disabled" }).await
}

pub async fn merge_org(
    State(state): State<AppState>,
    PageUser(admin): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let into = OrgId(form.get("into").trim().parse().unwrap_or(-1));
    let result = state.app.merge_org(&admin, OrgId(id), into).await.map(|_| ());
    on_org_page(&state, &admin, OrgId(id), None, result, "merged").await
}
