//! 考核排名: the schemes (the office defines them as a JSON document), a
//! scheme's page (its groups and indicator tree, the office's values ledger
//! and publishing), a published month with every total opened to its
//! breakdown, the year's end with its tiers, the downloads, and the ranking
//! fragment on the battle map. Who sees what is the app's
//! (`published_month`); these pages only show it.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormInput, Id, QueryParams, file_and_fields};
use crate::view::{DOCX, Nav, XLSX, beijing_time, download, field_errors, said};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::AppError;
use qingdan_app::assessment::{MonthResult, MonthView, SchemeInput, movement_label};
use qingdan_domain::assessment::{Method, Scheme};
use qingdan_domain::{Decimal, User};
use serde::Deserialize;
use std::collections::HashMap;

fn number(d: Decimal) -> String {
    d.normalize().to_string()
}

fn optional(d: Option<Decimal>) -> String {
    d.map(number).unwrap_or_else(|| "—".to_owned())
}

fn is_office(user: &User) -> bool {
    user.role.can_supervise()
}

/// The month a scheme's forms start with: this month in the scheme's year,
/// else its December (a past year) or January (a year to come).
fn this_month(state: &AppState, year: i64) -> String {
    let today = state.app.clock().today();
    match i64::from(chrono::Datelike::year(&today)).cmp(&year) {
        std::cmp::Ordering::Equal => today.format("%Y-%m").to_string(),
        std::cmp::Ordering::Greater => format!("{year}-12"),
        std::cmp::Ordering::Less => format!("{year}-01"),
    }
}

/// The route's `{id}` beside a `{month}`; one that is not a number is a 404.
fn scheme_id(id: &str) -> Result<i64, PageError> {
    id.parse().map_err(|_| AppError::NotFound("考核方案").into())
}

// ---- the schemes ----

pub struct SchemeLine {
    pub id: i64,
    pub year: i64,
    pub name: String,
    pub updated: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment/list.html")]
pub struct ListPage {
    nav: Nav,
    schemes: Vec<SchemeLine>,
    is_office: bool,
    form: SchemeInput,
    errors: HashMap<String, String>,
}

impl ListPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// A scheme to start from: one group, a heading with two indicators, a deduction and a veto.
const EXAMPLE_SCHEME: &str = r#"{
  "groups": [{"name": "开发区", "orgs": []}],
  "indicators": [
    {"key": "econ", "name": "经济发展"},
    {"key": "output", "name": "规上工业增加值", "parent": "econ", "points": "40",
     "method": {"kind": "completion", "cap": "1.2", "floor": "0.6"}, "source": {"kind": "entered"}},
    {"key": "invest", "name": "固定资产投资争先进位", "parent": "econ", "points": "30",
     "method": {"kind": "rank", "step": "3"}, "source": {"kind": "entered"}},
    {"key": "overdue", "name": "督办逾期扣分", "method": {"kind": "bonus", "per_unit": "-2", "cap": "6"},
     "source": {"kind": "matters_overdue"}},
    {"key": "safety", "name": "重大安全生产事故", "method": {"kind": "veto"}, "source": {"kind": "entered"}}
  ],
  "year_end": "average",
  "tiers": {"advanced": 2, "improved_by": 3, "pass": "60"},
  "show_others": true
}"#;

async fn list_page(
    state: &AppState,
    user: &User,
    form: SchemeInput,
    errors: HashMap<String, String>,
) -> Result<ListPage, PageError> {
    let schemes = state.app.schemes(user).await?;
    Ok(ListPage {
        nav: Nav::new(user, "/assessment"),
        schemes: schemes
            .into_iter()
            .map(|s| SchemeLine { id: s.id, year: s.year, name: s.name, updated: beijing_time(s.updated_at) })
            .collect(),
        is_office: is_office(user),
        form,
        errors,
    })
}

/// `/assessment`: the schemes; the office's form to define one.
pub async fn list(State(state): State<AppState>, PageUser(user): PageUser) -> Result<ListPage, PageError> {
    let year = state.app.clock().today().format("%Y").to_string();
    let form = SchemeInput { name: format!("{year}年开发区考核"), year, body: EXAMPLE_SCHEME.to_owned() };
    list_page(&state, &user, form, HashMap::new()).await
}

/// 新建考核方案: a refused document comes back as typed, with its fault.
pub async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    FormInput(input): FormInput<SchemeInput>,
) -> Result<Response, PageError> {
    match state.app.create_scheme(&user, &input).await {
        Ok(id) => Ok(said(&format!("/assessment/{id}"), "考核方案已保存。")),
        Err(AppError::Invalid(invalid)) => {
            let page = list_page(&state, &user, input, field_errors(invalid)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

// ---- one scheme ----

pub struct IndicatorLine {
    pub name: String,
    pub depth: usize,
    pub points: String,
    pub method: String,
    pub source: String,
    pub target: String,
}

pub struct PublishedLine {
    pub month: String,
    pub version: i64,
    pub note: String,
    pub at: String,
    /// The user may open the month's page; else it is listed without a link.
    pub can_open: bool,
}

pub struct ValueLine {
    pub org: String,
    pub indicator: String,
    pub value: String,
    pub target: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment/show.html")]
pub struct SchemePage {
    nav: Nav,
    id: i64,
    year: i64,
    name: String,
    groups: Vec<(String, Vec<String>)>,
    indicators: Vec<IndicatorLine>,
    rules: Vec<String>,
    published: Vec<PublishedLine>,
    reads_all: bool,
    is_office: bool,
    /// The month the office's forms and the values table are about.
    month: String,
    /// The 发布说明 as typed, kept when a publication is refused.
    note: String,
    values: Vec<ValueLine>,
    /// The scheme as typed in the edit form.
    form: SchemeInput,
    errors: HashMap<String, String>,
    /// The faults of a refused values ledger, each naming its cell.
    import_errors: Vec<String>,
}

impl SchemePage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

/// The indicators as a tree, each under its heading, with its depth.
fn indicator_lines(scheme: &Scheme) -> Vec<IndicatorLine> {
    type Indicator = qingdan_domain::assessment::Indicator;
    fn walk<'a>(scheme: &'a Scheme, parent: Option<&str>, depth: usize, out: &mut Vec<(&'a Indicator, usize)>) {
        for i in scheme.indicators.iter().filter(|i| i.parent.as_deref() == parent) {
            out.push((i, depth));
            // A key repeated as its own descendant would loop; a scheme holds each indicator once.
            if out.len() <= scheme.indicators.len() {
                walk(scheme, Some(&i.key), depth + 1, out);
            }
        }
    }
    let mut ordered = Vec::new();
    walk(scheme, None, 0, &mut ordered);
    ordered
        .into_iter()
        .map(|(i, depth)| IndicatorLine {
            name: i.name.clone(),
            depth,
            points: match i.method {
                None | Some(Method::Veto) | Some(Method::Bonus { .. }) => String::new(),
                Some(_) => number(i.points),
            },
            method: i.method.map(|m| m.describe(i.points)).unwrap_or_default(),
            source: i.source.map(|s| s.label()).unwrap_or_default(),
            target: i.target.map(number).unwrap_or_default(),
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MonthQuery {
    pub month: String,
}

async fn scheme_page(
    state: &AppState,
    user: &User,
    id: i64,
    month: String,
    form: Option<SchemeInput>,
    mut errors: HashMap<String, String>,
    import_errors: Vec<String>,
) -> Result<SchemePage, PageError> {
    let (stored, scheme) = state.app.scheme(user, id).await?;
    let published = state.app.published_months(user, id).await?;
    let openable = state.app.openable_publications(user, id).await?;
    let office = is_office(user);
    let month = if month.trim().is_empty() { this_month(state, stored.year) } else { month.trim().to_owned() };
    let orgs: HashMap<i64, String> = state.app.orgs(user).await?.into_iter().map(|o| (o.id.0, o.name)).collect();
    let org_name = |id: i64| orgs.get(&id).cloned().unwrap_or_else(|| format!("单位{id}"));
    let values = if office {
        let keys: HashMap<&str, &str> = scheme.indicators.iter().map(|i| (i.key.as_str(), i.name.as_str())).collect();
        let entered = match state.app.assessment_values(user, id, &month).await {
            Ok(entered) => entered,
            // A month typed wrong (`?month=abc`, another year) is said on the form, as typed.
            Err(AppError::Invalid(invalid)) => {
                for (field, message) in field_errors::<Vec<_>>(invalid) {
                    errors.entry(field).or_insert(message);
                }
                Vec::new()
            }
            Err(other) => return Err(other.into()),
        };
        entered
            .into_iter()
            .map(|v| ValueLine {
                org: org_name(v.org_id.0),
                indicator: keys.get(v.indicator.as_str()).copied().unwrap_or(&v.indicator).to_owned(),
                value: optional(v.value),
                target: v.target.map(number).unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let form = form.unwrap_or_else(|| SchemeInput {
        year: stored.year.to_string(),
        name: stored.name.clone(),
        body: stored.body.clone(),
    });
    Ok(SchemePage {
        nav: Nav::new(user, "/assessment"),
        id,
        year: stored.year,
        name: stored.name.clone(),
        groups: scheme
            .groups
            .iter()
            .map(|g| (g.name.clone(), g.orgs.iter().map(|o| org_name(o.0)).collect()))
            .collect(),
        indicators: indicator_lines(&scheme),
        rules: scheme.rules_in_words(),
        published: published
            .into_iter()
            .rev()
            .map(|(month, version, note, at)| PublishedLine {
                can_open: openable.contains(&(month.clone(), version)),
                month,
                version,
                note,
                at: beijing_time(at),
            })
            .collect(),
        reads_all: user.role.reads_whole_tenant(),
        is_office: office,
        month,
        note: String::new(),
        values,
        form,
        errors,
        import_errors,
    })
}

/// `/assessment/{id}`: the scheme, its published months; the office's tools.
pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(query): QueryParams<MonthQuery>,
) -> Result<Response, PageError> {
    let page = scheme_page(&state, &user, id, query.month, None, HashMap::new(), Vec::new()).await?;
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, page).into_response())
}

/// 保存修改: the scheme's name and document; a refused one comes back as typed.
pub async fn update(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    FormInput(input): FormInput<SchemeInput>,
) -> Result<Response, PageError> {
    match state.app.update_scheme(&user, id, &input).await {
        Ok(()) => Ok(said(&format!("/assessment/{id}"), "考核方案已修改；已发布的月份保持发布时的结果。")),
        Err(AppError::Invalid(invalid)) => {
            let page =
                scheme_page(&state, &user, id, String::new(), Some(input), field_errors(invalid), Vec::new()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublishInput {
    pub month: String,
    pub note: String,
}

/// 发布: the month computed now and frozen as its next version; every org told.
pub async fn publish(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    FormInput(input): FormInput<PublishInput>,
) -> Result<Response, PageError> {
    match state.app.publish_month(&user, id, &input.month, &input.note).await {
        Ok(version) => {
            let month = input.month.trim();
            let message = format!("{month}考核结果已发布（第{version}版），已通知各参加考核的单位。");
            Ok(said(&format!("/assessment/{id}/{month}"), &message))
        }
        Err(AppError::Invalid(invalid)) => {
            let errors = field_errors(invalid);
            let mut page = scheme_page(&state, &user, id, input.month, None, errors, Vec::new()).await?;
            page.note = input.note;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// 导入考核数据: all rows or none; each refused cell listed on the scheme's page (422).
pub async fn import_values(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let (file, mut fields) = file_and_fields(multipart).await?;
    let month = fields.remove("month").unwrap_or_default();
    match state.app.import_assessment_values(&user, id, &month, &file.content).await {
        Ok(count) => {
            let message = format!("已导入{month}的考核数据{count}项。");
            Ok(said(&format!("/assessment/{id}?month={month}"), &message))
        }
        Err(AppError::Invalid(invalid)) => {
            let faults = invalid.errors.into_iter().map(|e| e.message).collect();
            let page = scheme_page(&state, &user, id, month, None, HashMap::new(), faults).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The values ledger's template.
pub async fn values_template(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    let bytes = state.app.assessment_values_template(&user)?;
    Ok(download("assessment-values-template.xlsx", "考核数据导入模板.xlsx", XLSX, bytes))
}

// ---- a month ----

pub struct LineView {
    pub name: String,
    pub value: String,
    pub target: String,
    pub method: String,
    pub points: String,
    pub note: String,
}

pub struct RowView {
    pub org_id: i64,
    pub rank: usize,
    pub name: String,
    pub total: String,
    pub base: String,
    pub bonus: String,
    pub deduction: String,
    pub vetoed: String,
    pub movement: String,
    pub lines: Vec<LineView>,
}

pub struct GroupView {
    pub name: String,
    pub rows: Vec<RowView>,
}

fn group_views(result: &MonthResult, movement: impl Fn(qingdan_domain::OrgId) -> String) -> Vec<GroupView> {
    result
        .groups
        .iter()
        .map(|g| GroupView {
            name: g.name.clone(),
            rows: g
                .results
                .iter()
                .map(|r| RowView {
                    org_id: r.org_id.0,
                    rank: r.rank,
                    name: result.name(r.org_id).to_owned(),
                    total: number(r.total),
                    base: number(r.base),
                    bonus: number(r.bonus),
                    deduction: number(r.deduction),
                    vetoed: r.vetoed.clone().unwrap_or_default(),
                    movement: movement(r.org_id),
                    lines: r
                        .lines
                        .iter()
                        .map(|l| LineView {
                            name: l.name.clone(),
                            value: optional(l.value),
                            target: optional(l.target),
                            method: l.method.clone(),
                            points: number(l.points),
                            note: l.note.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment/month.html")]
pub struct MonthPage {
    nav: Nav,
    id: i64,
    scheme: String,
    month: String,
    /// `None` for the office's 试算 (computed now, not published).
    version: Option<i64>,
    versions: Vec<i64>,
    latest: bool,
    groups: Vec<GroupView>,
    full: bool,
    own: i64,
    /// What the figures stand for when computed after the month ended; empty otherwise.
    basis: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    pub version: Option<i64>,
}

/// `/assessment/{id}/{month}`: a published month (`?version=N` an earlier one).
pub async fn month(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, month)): Path<(String, String)>,
    QueryParams(query): QueryParams<VersionQuery>,
) -> Result<MonthPage, PageError> {
    let id = scheme_id(&id)?;
    let view: MonthView = state.app.published_month(&user, id, &month, query.version).await?;
    let groups = group_views(&view.result, |org| movement_label(&view, org));
    Ok(MonthPage {
        nav: Nav::new(&user, "/assessment"),
        id,
        scheme: view.scheme.name.clone(),
        month: view.result.month.clone(),
        version: Some(view.version),
        latest: view.versions.last() == Some(&view.version),
        versions: view.versions,
        groups,
        full: view.full,
        own: user.org_id.0,
        basis: view.result.basis().unwrap_or_default(),
    })
}

/// `/assessment/{id}/preview?month=`: the office's 试算 — the month as it would be published now.
pub async fn preview(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(query): QueryParams<MonthQuery>,
) -> Result<Response, PageError> {
    let result = match state.app.compute_month(&user, id, &query.month).await {
        Ok(result) => result,
        Err(AppError::Invalid(invalid)) => {
            let page = scheme_page(&state, &user, id, query.month, None, field_errors(invalid), Vec::new()).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    let (stored, _) = state.app.scheme(&user, id).await?;
    let page = MonthPage {
        nav: Nav::new(&user, "/assessment"),
        id,
        scheme: stored.name,
        month: result.month.clone(),
        version: None,
        versions: Vec::new(),
        latest: false,
        groups: group_views(&result, |_| "—".to_owned()),
        full: true,
        own: user.org_id.0,
        basis: result.basis().unwrap_or_default(),
    };
    Ok(page.into_response())
}

/// The score sheet (.xlsx) of a published month.
pub async fn score_sheet(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, month)): Path<(String, String)>,
    QueryParams(query): QueryParams<VersionQuery>,
) -> Result<Response, PageError> {
    let doc = state.app.score_sheet(&user, scheme_id(&id)?, &month, query.version).await?;
    Ok(download("assessment-scores.xlsx", &doc.file_name, XLSX, doc.bytes))
}

/// The ranking bulletin (.docx) of a published month.
pub async fn bulletin(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, month)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let doc = state.app.ranking_bulletin(&user, scheme_id(&id)?, &month).await?;
    Ok(download("assessment-bulletin.docx", &doc.file_name, DOCX, doc.bytes))
}

// ---- the year ----

pub struct YearRow {
    pub group: String,
    pub rank: usize,
    pub name: String,
    pub months: usize,
    pub total: String,
    pub rose: i64,
    pub vetoed: bool,
    pub tier: &'static str,
    pub tier_code: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment/year.html")]
pub struct YearPage {
    nav: Nav,
    id: i64,
    scheme: String,
    rows: Vec<YearRow>,
    rules: Vec<String>,
}

/// `/assessment/{id}/year`: the year's end by the scheme's rule, with tiers (the office and leaders).
pub async fn year(State(state): State<AppState>, PageUser(user): PageUser, Id(id): Id) -> Result<YearPage, PageError> {
    let lines = state.app.year_end(&user, id).await?;
    let (stored, scheme) = state.app.scheme(&user, id).await?;
    Ok(YearPage {
        nav: Nav::new(&user, "/assessment"),
        id,
        scheme: stored.name,
        rows: lines
            .into_iter()
            .map(|l| YearRow {
                group: l.group,
                rank: l.rank,
                name: l.name,
                months: l.months,
                total: number(l.total),
                rose: l.rose,
                vetoed: l.vetoed,
                tier: l.tier.label(),
                tier_code: tier_class(l.tier),
            })
            .collect(),
        rules: scheme.rules_in_words(),
    })
}

fn tier_class(tier: qingdan_domain::assessment::Tier) -> &'static str {
    use qingdan_domain::assessment::Tier;
    match tier {
        Tier::Advanced => "success",
        Tier::Improved => "primary",
        Tier::Passed => "secondary",
        Tier::Interview => "danger",
    }
}

// ---- the battle map's fragment ----

#[derive(Template, WebTemplate)]
#[template(path = "assessment/latest.html")]
pub struct LatestFragment {
    found: bool,
    id: i64,
    scheme: String,
    month: String,
    groups: Vec<GroupView>,
}

/// `/assessment/latest`: the newest published ranking, for the battle map (htmx).
pub async fn latest(State(state): State<AppState>, PageUser(user): PageUser) -> Result<LatestFragment, PageError> {
    Ok(match state.app.latest_ranking(&user).await? {
        Some(view) => LatestFragment {
            found: true,
            id: view.scheme.id,
            scheme: view.scheme.name.clone(),
            month: view.result.month.clone(),
            groups: group_views(&view.result, |org| movement_label(&view, org)),
        },
        None => LatestFragment { found: false, id: 0, scheme: String::new(), month: String::new(), groups: Vec::new() },
    })
}
