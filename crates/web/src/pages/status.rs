//! 亮灯规则 (status rules): the settings page that shows the rule in words and
//! lets an admin change its thresholds (supervisors read it), and the plan's
//! 双过半 view on a check date. The app decides who may do what.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id, QueryParams};
use crate::view::Nav;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{AppError, HalfCheck, HalfCheckLine, StatusRulesInput};
use qingdan_domain::{PlanId, StatusRules, User};

#[derive(Template, WebTemplate)]
#[template(path = "status/rules.html")]
pub struct RulesPage {
    nav: Nav,
    /// The rule in words, one line per light.
    words: Vec<String>,
    summary: String,
    /// The form's values: the current thresholds, or what the admin typed.
    yellow_gap: String,
    red_gap: String,
    can_edit: bool,
    errors: Vec<String>,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
pub struct RulesQuery {
    /// How many lights the last change turned, shown once.
    changed: Option<String>,
}

fn rules_page(user: &User, rules: StatusRules, can_edit: bool) -> RulesPage {
    RulesPage {
        nav: Nav::new(user, "/admin/status-rules"),
        words: rules.describe(),
        summary: rules.summary(),
        yellow_gap: rules.yellow_gap.to_string(),
        red_gap: rules.red_gap.to_string(),
        can_edit,
        errors: Vec::new(),
        notice: String::new(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(query): QueryParams<RulesQuery>,
) -> Result<RulesPage, PageError> {
    let rules = state.app.status_rules_settings(&user).await?;
    let mut page = rules_page(&user, rules, state.app.can_change_status_rules(&user));
    if let Some(n) = query.changed.as_deref().and_then(|n| n.parse::<usize>().ok()) {
        page.notice = format!("已保存，并按新规则重新计算亮灯：{n}项任务亮灯发生变化");
    }
    Ok(page)
}

pub async fn update(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = StatusRulesInput { yellow_gap: form.get("yellow_gap"), red_gap: form.get("red_gap") };
    match state.app.set_status_rules(&user, &input).await {
        Ok(changed) => Ok(Redirect::to(&format!("/admin/status-rules?changed={changed}")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let rules = state.app.status_rules_settings(&user).await?;
            let mut page = rules_page(&user, rules, true);
            page.errors = invalid.errors.into_iter().map(|e| e.message).collect();
            page.yellow_gap = input.yellow_gap;
            page.red_gap = input.red_gap;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "status/half_year.html")]
pub struct HalfYearPage {
    nav: Nav,
    check: HalfCheck,
    /// (anchor id, heading, rows): sections (offices and leaders), tasks, lead orgs.
    groups: Vec<(&'static str, &'static str, Vec<HalfCheckLine>)>,
}

impl HalfYearPage {
    fn passed(lines: &[HalfCheckLine]) -> usize {
        lines.iter().filter(|l| l.passed).count()
    }
}

#[derive(serde::Deserialize, Default)]
pub struct HalfYearQuery {
    date: Option<String>,
}

pub async fn half_year(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(query): QueryParams<HalfYearQuery>,
) -> Result<HalfYearPage, PageError> {
    let mut check = state.app.half_check(&user, PlanId(id), query.date.as_deref()).await?;
    let mut groups = vec![
        ("tasks", "任务", std::mem::take(&mut check.tasks)),
        ("orgs", "牵头单位", std::mem::take(&mut check.orgs)),
    ];
    if user.role.reads_whole_tenant() {
        groups.insert(0, ("sections", "章节", std::mem::take(&mut check.sections)));
    }
    Ok(HalfYearPage { nav: Nav::new(&user, "/plans"), check, groups })
}
