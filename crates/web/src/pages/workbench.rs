//! 首页 (each role's first page), the menu's counts, and 站内消息 (the inbox).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, QueryParams};
use crate::view::{Nav, light_class};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use qingdan_app::workbench::{Pile, Workbench};
use qingdan_app::{Dashboard, beijing};
use qingdan_domain::Light;
use std::sync::Arc;

#[derive(Template, WebTemplate)]
#[template(path = "workbench/home.html")]
pub struct HomePage {
    nav: Nav,
    piles: Vec<Pile>,
    map: Option<Arc<Dashboard>>,
    lights: Vec<(&'static str, &'static str, i64)>,
}

impl HomePage {
    fn light_class(&self, light: &Light) -> &'static str {
        light_class(*light)
    }
}

pub async fn home(State(state): State<AppState>, PageUser(user): PageUser) -> Result<HomePage, PageError> {
    let Workbench { piles, map } = state.app.workbench(&user).await?;
    let lights = match &map {
        Some(map) => Light::ALL.iter().map(|l| (l.code(), l.label(), map.totals.of(*l))).collect(),
        None => Vec::new(),
    };
    Ok(HomePage { nav: Nav::new(&user, "/home"), piles, map, lights })
}

/// The menu's counts as out-of-band swaps into its badges (htmx).
pub async fn badges(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Html<String>, PageError> {
    let counts = state.app.menu_counts(&user).await?;
    let sum = |codes: &[&str]| counts.iter().filter(|(c, _)| codes.contains(c)).map(|(_, n)| n).sum::<usize>();
    let badges = [
        ("badge-my", sum(&["due", "returned", "missing"])),
        ("badge-matters", sum(&["to_sign", "to_feedback"])),
        ("badge-reviews", sum(&["to_review"])),
        ("badge-assignments", sum(&["extensions", "overdue"])),
        ("badge-inbox", usize::try_from(state.app.unread_messages(&user).await?).unwrap_or(0)),
    ];
    let html = badges
        .iter()
        .map(|(id, n)| {
            let text = if *n == 0 { String::new() } else { n.to_string() };
            format!(r#"<span class="badge rounded-pill nav-badge" id="{id}" hx-swap-oob="true">{text}</span>"#)
        })
        .collect::<String>();
    Ok(Html(html))
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/inbox.html")]
pub struct InboxPage {
    nav: Nav,
    messages: Vec<qingdan_app::InboxMessage>,
    unread_only: bool,
    done: &'static str,
}

impl InboxPage {
    fn at(&self, m: &qingdan_app::InboxMessage) -> String {
        m.created_at.with_timezone(&beijing()).format("%Y-%m-%d %H:%M").to_string()
    }
}

#[derive(serde::Deserialize, Default)]
pub struct InboxQuery {
    #[serde(default)]
    unread: String,
    #[serde(default)]
    done: String,
}

pub async fn inbox(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<InboxQuery>,
) -> Result<InboxPage, PageError> {
    let unread_only = q.unread == "1";
    let messages = state.app.inbox(&user, unread_only).await?;
    let done = match q.done.as_str() {
        "read" => "已标为已读。",
        "all" => "全部消息已标为已读。",
        _ => "",
    };
    Ok(InboxPage { nav: Nav::new(&user, "/inbox"), messages, unread_only, done })
}

/// Marks one message (`id`) or all read; opening a message's link (`go`) marks it read first.
pub async fn mark_read(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let id = form.get("id").trim().parse::<i64>().ok();
    state.app.mark_read(&user, id).await?;
    let go = form.get("go");
    if go.starts_with('/') && !go.starts_with("//") {
        return Ok(Redirect::to(&go).into_response());
    }
    Ok(Redirect::to(if id.is_some() { "/inbox?done=read" } else { "/inbox?done=all" }).into_response())
}
