//! 挂图作战: the battle map page. The server sends the figures as JSON in the
//! page; `assets/dashboard.js` draws them with ECharts (embedded, no CDN).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{Id, QueryParams};
use crate::view::{DOCX, Nav, download, light_class};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{Redirect, Response};
use qingdan_app::{AppError, Dashboard, GroupTally, RedTask, Tally};
use qingdan_domain::{Light, Period, PlanId};
use serde_json::{Value, json};

/// The lights in the order a leader reads them: worst first.
const ORDER: [Light; 5] = [Light::Overdue, Light::Red, Light::Yellow, Light::Green, Light::Done];

/// Chart colours, matching the badges of the other pages.
fn colour(light: Light) -> &'static str {
    match light {
        Light::Overdue => "#5c0a14",
        Light::Red => "#dc3545",
        Light::Yellow => "#ffc107",
        Light::Green => "#198754",
        Light::Done => "#0d6efd",
    }
}

/// One summary card: a light, its label, its CSS class and its count.
pub struct Card {
    pub code: &'static str,
    pub label: &'static str,
    pub class: &'static str,
    pub count: i64,
}

/// One line of the red list.
pub struct RedLine {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub lead_org: String,
    pub lead_leader: String,
    pub deadline: String,
    pub percent: i64,
    pub class: &'static str,
    pub label: &'static str,
    pub problems: String,
}

impl From<&RedTask> for RedLine {
    fn from(t: &RedTask) -> RedLine {
        RedLine {
            id: t.id.0,
            number: t.number.clone(),
            title: t.title.clone(),
            lead_org: t.lead_org.clone().unwrap_or_default(),
            lead_leader: t.lead_leader.clone().unwrap_or_default(),
            deadline: t.deadline.to_string(),
            percent: t.percent_done,
            class: light_class(t.light),
            label: t.light.label(),
            problems: t.problems.clone(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard/show.html")]
pub struct DashboardPage {
    nav: Nav,
    plan_id: i64,
    title: String,
    today: String,
    total: i64,
    alarms: i64,
    cards: Vec<Card>,
    red_list: Vec<RedLine>,
    /// The figures for the charts, JSON made safe to sit inside `<script>`.
    data: String,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<DashboardPage, PageError> {
    let map = state.app.dashboard(&user, PlanId(id)).await?;
    let cards = ORDER
        .into_iter()
        .map(|l| Card { code: l.code(), label: l.label(), class: light_class(l), count: map.totals.of(l) })
        .collect();
    Ok(DashboardPage {
        nav: Nav::new(&user, "/map"),
        plan_id: map.plan.id.0,
        title: map.plan.title.clone(),
        today: map.today.to_string(),
        total: map.totals.total(),
        alarms: map.totals.alarms(),
        cards,
        red_list: map.red_list.iter().map(RedLine::from).collect(),
        data: script_json(&chart_data(&map)),
    })
}

/// `/map`: the battle map of the current plan; when every plan is archived,
/// the newest archived one's (its year's final state).
pub async fn newest(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Redirect, PageError> {
    state.app.plans(&user).await?;
    Ok(match state.app.map_plan(user.tenant_id).await? {
        Some(plan) => Redirect::to(&format!("/plans/{}/map", plan.id)),
        None => Redirect::to("/plans"),
    })
}

#[derive(serde::Deserialize)]
pub struct BulletinQuery {
    /// The reporting period, e.g. `2026-10` or `2026-W05`; the current one when absent.
    period: Option<String>,
}

/// 工作进展通报 of a plan for a period, as a `.docx`.
pub async fn bulletin(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(q): QueryParams<BulletinQuery>,
) -> Result<Response, PageError> {
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => Some(text.parse::<Period>().map_err(|message| AppError::field("period", "bad_format", message))?),
        None => None,
    };
    let doc = state.app.bulletin(&user, PlanId(id), period).await?;
    let ascii: String =
        doc.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    Ok(download(&ascii, &doc.file_name, DOCX, doc.bytes))
}

/// How many sections, orgs and leaders a bar chart shows (the ones with the
/// most red first; the rest are on the plan's list).
const BARS: usize = 20;

/// What `dashboard.js` draws: the lights, the totals and each breakdown.
fn chart_data(map: &Dashboard) -> Value {
    let lights: Vec<Value> =
        ORDER.iter().map(|l| json!({"code": l.code(), "label": l.label(), "colour": colour(*l)})).collect();
    let groups = |rows: &[GroupTally]| -> Vec<Value> {
        rows.iter().take(BARS).map(|g| json!({"id": g.id, "name": g.name, "counts": counts(&g.tally)})).collect()
    };
    let trend: Vec<Value> = map.trend.iter().map(|(month, t)| json!({"month": month, "counts": counts(t)})).collect();
    json!({
        "plan": map.plan.id.0,
        "lights": lights,
        "totals": counts(&map.totals),
        "sections": groups(&map.by_section),
        "orgs": groups(&map.by_org),
        "leaders": groups(&map.by_leader),
        "trend": trend,
    })
}

fn counts(tally: &Tally) -> Value {
    Value::Object(ORDER.iter().map(|l| (l.code().to_owned(), json!(tally.of(*l)))).collect())
}

/// JSON that cannot end the `<script>` element it sits in, nor open a comment.
pub(crate) fn script_json(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let text = script_json(&json!({"name": "</script><!-- & 单位"}));
        assert!(!text.contains("</"), "{text}");
        assert!(!text.contains("<!--"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back["name"], "</script><!-- & 单位");
    }
}
