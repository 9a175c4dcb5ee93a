//! 时限规则 (timeline rules): the office's page of the tenant's rules — the
//! 13710 default and any it added (e.g. 3/5/10 days) — with a form to add one.
//! The app lets supervisors and admins in and refuses everyone else.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::FormInput;
use crate::view::Nav;
use crate::view::field_errors;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{AppError, TimelineRuleInput};
use qingdan_domain::User;
use qingdan_domain::assignment::{DayCounting, MajorLimit, TimelineRule};
use std::collections::HashMap;

/// One rule as a row of the table.
pub struct RuleLine {
    pub id: i64,
    pub name: String,
    pub counting: &'static str,
    pub sign_for_days: u32,
    pub deploy_days: u32,
    pub feedback_days: u32,
    pub solve_days: u32,
    pub major_solve: String,
    pub yellow_percent: u32,
}

impl From<&TimelineRule> for RuleLine {
    fn from(r: &TimelineRule) -> RuleLine {
        RuleLine {
            id: r.id.0,
            name: r.name.clone(),
            counting: r.counting.label(),
            sign_for_days: r.sign_for_days,
            deploy_days: r.deploy_days,
            feedback_days: r.feedback_days,
            solve_days: r.solve_days,
            major_solve: match r.major_solve {
                MajorLimit::Days(n) => format!("{n}天"),
                MajorLimit::Months(n) => format!("{n}个月"),
            },
            yellow_percent: r.yellow_percent,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/timeline_rules.html")]
pub struct RulesPage {
    nav: Nav,
    rules: Vec<RuleLine>,
    countings: Vec<(&'static str, &'static str)>,
    /// What was typed, shown again after an error.
    input: TimelineRuleInput,
    /// Field → message.
    errors: HashMap<String, String>,
    /// Every message, in the order the app gave them.
    messages: Vec<String>,
}

impl RulesPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }

    /// The major-matter limit's error, whichever field it was reported on.
    fn major_error(&self) -> &str {
        ["major_solve_days", "major_solve_months", "major_solve"]
            .iter()
            .find_map(|f| self.errors.get(*f))
            .map_or("", String::as_str)
    }
}

async fn page(
    state: &AppState,
    user: &User,
    input: TimelineRuleInput,
    errors: Vec<(String, String)>,
) -> Result<RulesPage, PageError> {
    let rules = state.app.timeline_rules_to_manage(user).await?;
    let messages = errors.iter().map(|(_, m)| m.clone()).collect();
    Ok(RulesPage {
        nav: Nav::new(user, "/admin/timeline-rules"),
        rules: rules.iter().map(RuleLine::from).collect(),
        countings: [DayCounting::WorkingDays, DayCounting::CalendarDays]
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        input,
        errors: errors.into_iter().collect(),
        messages,
    })
}

pub async fn show(State(state): State<AppState>, PageUser(user): PageUser) -> Result<RulesPage, PageError> {
    let input = TimelineRuleInput { counting: DayCounting::WorkingDays.code().into(), ..TimelineRuleInput::default() };
    page(&state, &user, input, Vec::new()).await
}

/// Adds a rule and returns to the list; bad input shows the form again with the reasons.
pub async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    FormInput(input): FormInput<TimelineRuleInput>,
) -> Result<Response, PageError> {
    match state.app.create_timeline_rule(&user, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/timeline-rules").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let page = page(&state, &user, input, field_errors(invalid)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
