//! 审计记录 for the 审计管理员: the trail, filtered and paged; its export
//! (itself recorded); the check of its hash chain.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{ClientAddr, QueryParams};
use crate::view::{Nav, download};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::AppError;
use qingdan_app::audit::{ACTIONS, AuditFilter, AuditPage, ChainReport, action_label, change_lines, entity_label};
use qingdan_app::beijing;
use qingdan_domain::{ChainedEvent, Outcome, User, UserId};
use std::collections::HashMap;

#[derive(serde::Deserialize, Default)]
pub struct TrailQuery {
    #[serde(flatten)]
    filter: AuditFilter,
    #[serde(default)]
    verify: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/trail.html")]
pub struct TrailPage {
    nav: Nav,
    filter: AuditFilter,
    rows: Vec<ChainedEvent>,
    users: Vec<User>,
    names: HashMap<UserId, String>,
    actions: &'static [(&'static str, &'static str)],
    outcomes: Vec<(&'static str, &'static str)>,
    /// The filter as a query string, for the export and the next page.
    query: String,
    next: Option<String>,
    chain: Option<ChainReport>,
    /// A filter refused: what was wrong, shown above the form it was typed in.
    errors: Vec<String>,
}

impl TrailPage {
    fn at(&self, row: &ChainedEvent) -> String {
        row.event.at.with_timezone(&beijing()).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    fn who(&self, row: &ChainedEvent) -> String {
        match row.event.user_id {
            None => "系统".to_owned(),
            Some(id) => self.names.get(&id).cloned().unwrap_or_else(|| format!("用户{}", id.0)),
        }
    }

    fn entity<'a>(&self, row: &'a ChainedEvent) -> &'a str {
        entity_label(&row.event.entity)
    }

    fn action(&self, row: &ChainedEvent) -> String {
        action_label(&row.event.action).to_owned()
    }

    fn outcome_class(&self, row: &ChainedEvent) -> &'static str {
        match row.event.outcome {
            Outcome::Ok => "text-success",
            Outcome::Failed => "text-warning",
            Outcome::Refused => "text-danger",
        }
    }

    /// A stored before or after, a line a field (`字段：值`).
    fn lines(&self, stored: &str) -> Vec<String> {
        change_lines(stored)
    }

    fn is_user(&self, u: &User) -> bool {
        self.filter.user.trim() == u.id.0.to_string()
    }
}

pub async fn trail(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<TrailQuery>,
) -> Result<Response, PageError> {
    let (page, errors) = match state.app.audit_events(&user, &q.filter).await {
        Ok(page) => (page, Vec::new()),
        Err(AppError::Invalid(invalid)) => {
            let empty = AuditPage { rows: Vec::new(), next_before: None };
            (empty, invalid.errors.into_iter().map(|e| e.message).collect())
        }
        Err(other) => return Err(other.into()),
    };
    let chain = if q.verify == "1" { Some(state.app.verify_audit(&user).await?) } else { None };
    let users = state.app.users(&user).await?;
    let names = users.iter().map(|u| (u.id, format!("{}（{}）", u.display_name, u.username))).collect();
    let query = query_of(&AuditFilter { before: String::new(), ..q.filter.clone() });
    let next = page.next_before.map(|before| format!("{query}&before={before}"));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = TrailPage {
        nav: Nav::new(&user, "/audit"),
        filter: q.filter,
        rows: page.rows,
        users,
        names,
        actions: &ACTIONS,
        outcomes: Outcome::ALL.iter().map(|o| (o.code(), o.label())).collect(),
        query,
        next,
        chain,
        errors,
    };
    Ok((status, page).into_response())
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    ClientAddr(source): ClientAddr,
    QueryParams(filter): QueryParams<AuditFilter>,
) -> Result<Response, PageError> {
    let filter = AuditFilter { before: String::new(), ..filter };
    let bytes = state.app.export_audit(&user, &filter, source).await?;
    let day = state.app.clock().now().with_timezone(&beijing()).format("%Y%m%d");
    Ok(download(&format!("audit-{day}.xlsx"), &format!("审计记录-{day}.xlsx"), crate::view::XLSX, bytes))
}

fn query_of(filter: &AuditFilter) -> String {
    serde_urlencoded::to_string(filter).unwrap_or_default()
}
