//! 项目作战图: investment done against 序时进度 by county, industry and zone,
//! the stage funnel, the 三个一批 planned against reached, and the red list
//! with each project's open 堵点. The figures are summed by the app
//! (`App::project_map`); the page carries them as JSON that
//! `assets/projects_map.js` draws with the embedded ECharts, as the 挂图作战
//! page does (the CSP allows no inline script).

use super::{Names, ProjectLine, money};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::QueryParams;
use crate::pages::dashboard::script_json;
use crate::view::{Nav, light_class};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use qingdan_app::projects::{GroupFigures, ProjectMap, factor_deadline_words, typed_year};
use serde::Deserialize;
use serde_json::{Value, json};

/// `?year=`: the 计划年度 to show (empty: the current one).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MapQuery {
    pub year: String,
}

/// One project of the red list with its open 堵点, in words.
pub struct RedProject {
    pub line: ProjectLine,
    pub blockers: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/map.html")]
pub struct MapPage {
    nav: Nav,
    /// The 计划年度 shown, and every year with projects (a switcher when more than one).
    year: i32,
    years: Vec<i32>,
    as_of: String,
    time: i64,
    projects: usize,
    total_investment: String,
    year_plan: String,
    year_done: String,
    rate: i64,
    /// (code, label, class, count) per light.
    lights: Vec<(&'static str, &'static str, &'static str, usize)>,
    red: Vec<RedProject>,
    /// Red projects the list leaves out (it shows the first `RED_LIST`).
    red_more: usize,
    /// The figures for the charts, JSON made safe to sit inside `<script>`.
    data: String,
    /// The office and leaders download 调度通报 (`App::dispatch_bulletin` refuses others).
    can_download_bulletin: bool,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(query): QueryParams<MapQuery>,
) -> Result<MapPage, PageError> {
    let map = state.app.project_map(&user, typed_year(&query.year)?).await?;
    let orgs = state.app.orgs(&user).await?;
    let leaders = state.app.project_leaders(&user).await?;
    let names = Names::new(&orgs, &leaders);
    let red: Vec<RedProject> = map
        .red
        .iter()
        .map(|(p, blockers)| RedProject {
            line: ProjectLine::new(p, &names),
            blockers: blockers
                .iter()
                .map(|f| {
                    format!(
                        "{}：{}（{}，{}，{}）",
                        f.kind.label(),
                        f.description,
                        f.org_name,
                        f.level.label(),
                        factor_deadline_words(f)
                    )
                })
                .collect(),
        })
        .collect();
    Ok(MapPage {
        nav: Nav::new(&user, "/projects"),
        year: map.year,
        years: map.years.clone(),
        as_of: map.as_of.to_string(),
        time: map.time,
        projects: map.all.projects,
        total_investment: money(map.all.total_investment),
        year_plan: money(map.all.year_plan),
        year_done: money(map.all.year_done),
        rate: map.all.rate,
        lights: map.lights.iter().map(|(l, n)| (l.code(), l.label(), light_class(*l), *n)).collect(),
        red_more: map.all.red.saturating_sub(red.len()),
        red,
        data: script_json(&chart_data(&map)),
        can_download_bulletin: user.role.reads_whole_tenant(),
    })
}

/// What `projects_map.js` draws.
fn chart_data(map: &ProjectMap) -> Value {
    let groups = |rows: &[GroupFigures]| -> Vec<Value> {
        rows.iter()
            .map(|g| {
                json!({
                    "name": g.name,
                    "projects": g.projects,
                    "plan": money(g.year_plan),
                    "done": money(g.year_done),
                    "rate": g.rate,
                    "red": g.red,
                })
            })
            .collect()
    };
    json!({
        "time": map.time,
        "county": groups(&map.by_county),
        "industry": groups(&map.by_industry),
        "zone": groups(&map.by_zone),
        "funnel": map.funnel.iter().map(|s| json!({"stage": s.stage.label(), "code": s.stage.code(), "count": s.count})).collect::<Vec<_>>(),
        "batches": map.batches.iter().map(|b| json!({"batch": b.batch.label(), "code": b.batch.code(), "planned": b.planned, "reached": b.reached})).collect::<Vec<_>>(),
    })
}
