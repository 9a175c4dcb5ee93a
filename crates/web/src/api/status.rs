//! 亮灯规则 in the JSON API: the tenant's thresholds (read by offices, changed
//! by admins), a plan's progress by section, and the 双过半 check.

use super::ApiResult;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::extractors::{ApiJson, Id, QueryParams};
use axum::Json;
use axum::extract::State;
use qingdan_app::{HalfCheck, HalfCheckLine, PlanProgress, StatusRulesInput};
use qingdan_domain::{PlanId, StatusRules};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The tenant's light thresholds and the rule they make, in words.
#[derive(Serialize, ToSchema)]
pub struct StatusRulesDto {
    /// Yellow when work is behind time by more than this many points.
    pub yellow_gap: i64,
    /// Red when work is behind time by more than this many points.
    pub red_gap: i64,
    /// The rule in Chinese, one line per light.
    pub words: Vec<String>,
}

impl From<StatusRules> for StatusRulesDto {
    fn from(r: StatusRules) -> StatusRulesDto {
        StatusRulesDto { yellow_gap: r.yellow_gap, red_gap: r.red_gap, words: r.describe() }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RulesChangedDto {
    pub rules: StatusRulesDto,
    /// How many tasks' lights the change turned.
    pub lights_changed: usize,
}

#[derive(Serialize, ToSchema)]
pub struct SectionProgressDto {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub weight: String,
    pub percent: i64,
    pub time_percent: i64,
    /// green, yellow, red, overdue or done
    pub light: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanProgressDto {
    pub plan_id: i64,
    pub percent: i64,
    pub time_percent: i64,
    pub light: String,
    pub sections: Vec<SectionProgressDto>,
}

impl From<&PlanProgress> for PlanProgressDto {
    fn from(p: &PlanProgress) -> PlanProgressDto {
        PlanProgressDto {
            plan_id: p.plan_id.0,
            percent: p.percent,
            time_percent: p.time_percent,
            light: p.light.code().into(),
            sections: p
                .sections
                .iter()
                .map(|s| SectionProgressDto {
                    id: s.id.0,
                    number: s.number.clone(),
                    title: s.title.clone(),
                    weight: s.weight.to_string(),
                    percent: s.percent,
                    time_percent: s.time_percent,
                    light: s.light.code().into(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HalfCheckDto {
    pub plan_id: i64,
    pub date: String,
    pub tasks: Vec<HalfCheckLine>,
    pub orgs: Vec<HalfCheckLine>,
    pub sections: Vec<HalfCheckLine>,
}

impl From<&HalfCheck> for HalfCheckDto {
    fn from(c: &HalfCheck) -> HalfCheckDto {
        let lines = |l: &[HalfCheckLine]| l.to_vec();
        HalfCheckDto {
            plan_id: c.plan.id.0,
            date: c.date.to_string(),
            tasks: lines(&c.tasks),
            orgs: lines(&c.orgs),
            sections: lines(&c.sections),
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
pub struct HalfCheckQuery {
    /// The check date, YYYY-MM-DD; 06-30 of the plan's year when absent.
    date: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/status-rules", tag = "status",
    responses((status = 200, body = StatusRulesDto), (status = 403, body = ErrorBody)))]
pub async fn get_status_rules(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<StatusRulesDto>> {
    Ok(Json(state.app.status_rules_settings(&user).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/status-rules", tag = "status", request_body = StatusRulesInput,
    responses((status = 200, body = RulesChangedDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_status_rules(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<StatusRulesInput>,
) -> ApiResult<Json<RulesChangedDto>> {
    let lights_changed = state.app.set_status_rules(&user, &body).await?;
    let rules = state.app.status_rules(&user).await?.into();
    Ok(Json(RulesChangedDto { rules, lights_changed }))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}/progress", tag = "status", params(("id" = i64, Path)),
    responses((status = 200, body = PlanProgressDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn plan_progress(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
) -> ApiResult<Json<PlanProgressDto>> {
    Ok(Json(PlanProgressDto::from(&state.app.plan_progress(&user, PlanId(id)).await?)))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}/half-check", tag = "status", params(("id" = i64, Path), HalfCheckQuery),
    responses((status = 200, body = HalfCheckDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn half_check(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Id(id): Id,
    QueryParams(query): QueryParams<HalfCheckQuery>,
) -> ApiResult<Json<HalfCheckDto>> {
    Ok(Json(HalfCheckDto::from(&state.app.half_check(&user, PlanId(id), query.date.as_deref()).await?)))
}
