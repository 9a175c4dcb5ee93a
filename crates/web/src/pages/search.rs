//! 查找: the results of the one search box (`/search?q=…`), also on top of the
//! plan list. The app decides what the user may find; this page only shows it.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::QueryParams;
use crate::view::Nav;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::AppError;
use qingdan_app::search::{COUNTED_HITS, SHOWN_HITS, SearchHit, SearchKind, SearchResults};
use qingdan_domain::Role;

#[derive(serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

/// One hit as shown: what it is, its name (a link where there is a page), and a line under it.
pub struct HitLine {
    pub kind_label: &'static str,
    pub kind_code: &'static str,
    pub name: String,
    pub href: String,
    pub note: String,
}

impl From<&SearchHit> for HitLine {
    fn from(hit: &SearchHit) -> HitLine {
        let context = hit.context.clone().unwrap_or_default();
        match hit.kind {
            SearchKind::Task => HitLine {
                kind_label: "任务",
                kind_code: "task",
                name: hit.name.clone(),
                href: format!("/tasks/{}", hit.id),
                note: match &hit.matched {
                    Some(metric) => format!("{context} · 指标：{metric}"),
                    None => context,
                },
            },
            SearchKind::Org => HitLine {
                kind_label: "单位",
                kind_code: "org",
                name: hit.name.clone(),
                href: hit.plan_id.map(|plan| format!("/plans/{plan}?lead_org={}", hit.id)).unwrap_or_default(),
                note: if hit.plan_id.is_some() {
                    "查看其牵头的任务".to_owned()
                } else {
                    "暂无牵头任务".to_owned()
                },
            },
            SearchKind::Person => {
                let role = hit.matched.as_deref().and_then(Role::from_code).map_or("", Role::label);
                HitLine {
                    kind_label: "人员",
                    kind_code: "person",
                    name: hit.name.clone(),
                    href: String::new(),
                    note: format!("{context} · {role}"),
                }
            }
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "search/results.html")]
pub struct SearchPage {
    nav: Nav,
    q: String,
    /// Why the text was refused, or empty.
    error: String,
    /// `共找到 N 条`, `超过N条…`, or empty when nothing was asked.
    summary: String,
    lines: Vec<HitLine>,
}

/// What the count line says.
fn summary(results: &SearchResults) -> String {
    if results.text.is_empty() {
        String::new()
    } else if results.is_total_capped {
        format!("超过{COUNTED_HITS}条，显示最相关的{SHOWN_HITS}条，请输入更具体的关键词")
    } else if results.total > results.hits.len() {
        format!("共找到 {} 条，显示最相关的{} 条", results.total, results.hits.len())
    } else {
        format!("共找到 {} 条", results.total)
    }
}

/// `GET /search?q=…`. A text the app refuses (too long) shows the page again
/// with the reason and a 422.
pub async fn results(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(params): QueryParams<SearchParams>,
) -> Result<Response, PageError> {
    let nav = Nav::new(&user, "/plans");
    match state.app.search(&user, &params.q).await {
        Ok(results) => {
            let lines = results.hits.iter().map(HitLine::from).collect();
            let page =
                SearchPage { nav, q: results.text.clone(), error: String::new(), summary: summary(&results), lines };
            Ok(page.into_response())
        }
        Err(AppError::Invalid(invalid)) => {
            let error = invalid.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
            let q: String = params.q.chars().take(qingdan_app::search::MAX_SEARCH_CHARS).collect();
            let page = SearchPage { nav, q, error, summary: String::new(), lines: Vec::new() };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
