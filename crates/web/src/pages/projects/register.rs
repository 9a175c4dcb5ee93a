//! The register: the projects list with its filters and keyset paging, the
//! register/edit form (office), and the tenant's 前期手续 kinds (office).

use super::{COUNTY_KINDS, Names, ProjectLine, is_office, org_choices};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormInput, FormPairs, Id, QueryParams};
use crate::view::{Nav, field_errors, light_class};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::AppError;
use qingdan_app::projects::{ProjectFilter, ProjectInput};
use qingdan_domain::project::{Batch, Category, Level, Nature, Stage};
use qingdan_domain::{Light, OrgKind, ProjectId, Role, User};
use std::collections::HashMap;

/// A choice of a select: (value, label).
type Choice = (&'static str, &'static str);

fn choices<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<Choice> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/list.html")]
pub struct ListPage {
    nav: Nav,
    filter: ProjectFilter,
    lines: Vec<ProjectLine>,
    total: i64,
    /// The next page's link, when there is one.
    next: String,
    /// Whether this is a later page (a link back to the first).
    is_later_page: bool,
    /// The filter as a query string (the export takes the same).
    query: String,
    counties: Vec<(i64, String)>,
    zones: Vec<(i64, String)>,
    stages: Vec<Choice>,
    batches: Vec<Choice>,
    levels: Vec<Choice>,
    categories: Vec<Choice>,
    lights: Vec<(&'static str, &'static str, &'static str)>,
    /// Every 计划年度 with projects (a select when more than one).
    years: Vec<i32>,
    is_leader: bool,
    is_office: bool,
    heading: &'static str,
}

impl ListPage {
    fn is_chosen(&self, field: &str, value: &str) -> bool {
        let chosen = match field {
            "stage" => &self.filter.stage,
            "batch" => &self.filter.batch,
            "level" => &self.filter.level,
            "category" => &self.filter.category,
            "light" => &self.filter.light,
            _ => return false,
        };
        chosen == value
    }

    fn is_chosen_year(&self, year: &i32) -> bool {
        self.filter.year.trim() == year.to_string()
    }

    fn is_chosen_org(&self, field: &str, id: &i64) -> bool {
        let chosen = if field == "county" { &self.filter.county } else { &self.filter.zone };
        chosen.trim() == id.to_string()
    }
}

/// The filter as a query string, without `after`.
fn filter_query(filter: &ProjectFilter) -> String {
    let pairs = [
        ("q", &filter.q),
        ("county", &filter.county),
        ("zone", &filter.zone),
        ("stage", &filter.stage),
        ("batch", &filter.batch),
        ("level", &filter.level),
        ("category", &filter.category),
        ("light", &filter.light),
        ("liaison", &filter.liaison),
        ("year", &filter.year),
    ];
    let kept: Vec<(&str, &String)> = pairs.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(filter): QueryParams<ProjectFilter>,
) -> Result<ListPage, PageError> {
    let page = state.app.project_list(&user, &filter).await?;
    let orgs = state.app.orgs(&user).await?;
    let names = Names::new(&orgs, &[]);
    let query = filter_query(&filter);
    let next = match page.next {
        Some(after) if query.is_empty() => format!("/projects?after={after}"),
        Some(after) => format!("/projects?{query}&after={after}"),
        None => String::new(),
    };
    let mine = filter.liaison == "mine";
    Ok(ListPage {
        nav: Nav::new(&user, "/projects"),
        lines: page.projects.iter().map(|p| ProjectLine::new(p, &names)).collect(),
        total: page.total,
        next,
        is_later_page: !filter.after.trim().is_empty(),
        query,
        counties: org_choices(&orgs, &COUNTY_KINDS),
        zones: org_choices(&orgs, &[OrgKind::DevZone]),
        stages: choices(Stage::ALL, Stage::code, Stage::label),
        batches: choices(Batch::ALL, Batch::code, Batch::label),
        levels: choices(Level::ALL, Level::code, Level::label),
        categories: choices(Category::ALL, Category::code, Category::label),
        lights: Light::ALL.iter().map(|l| (l.code(), l.label(), light_class(*l))).collect(),
        years: state.app.project_years(&user).await?,
        is_leader: user.role == Role::Leader,
        is_office: is_office(&user),
        heading: if mine { "我包联的项目" } else { "重点项目" },
        filter,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/form.html")]
pub struct FormPage {
    nav: Nav,
    /// The project edited; 0 for a new one.
    id: i64,
    heading: String,
    input: ProjectInput,
    errors: HashMap<String, String>,
    counties: Vec<(i64, String)>,
    zones: Vec<(i64, String)>,
    orgs: Vec<(i64, String)>,
    leaders: Vec<(i64, String)>,
    natures: Vec<Choice>,
    categories: Vec<Choice>,
    stages: Vec<Choice>,
    batches: Vec<Choice>,
    levels: Vec<Choice>,
}

impl FormPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }

    /// Whether `value` is what the form holds for `field` (an id or a code).
    fn is_chosen(&self, field: &str, value: &str) -> bool {
        let i = &self.input;
        let held = match field {
            "county_org_id" => &i.county_org_id,
            "zone_org_id" => &i.zone_org_id,
            "owner_org_id" => &i.owner_org_id,
            "lead_org_id" => &i.lead_org_id,
            "liaison_leader_id" => &i.liaison_leader_id,
            "nature" => &i.nature,
            "category" => &i.category,
            "stage" => &i.stage,
            "batch" => &i.batch,
            "level" => &i.level,
            _ => return false,
        };
        held.trim() == value
    }

    fn is_chosen_id(&self, field: &str, id: &i64) -> bool {
        self.is_chosen(field, &id.to_string())
    }

    fn action(&self) -> String {
        if self.id == 0 { "/projects/new".to_owned() } else { format!("/projects/{}/edit", self.id) }
    }
}

async fn form_page(
    state: &AppState,
    user: &User,
    id: Option<ProjectId>,
    input: ProjectInput,
    errors: HashMap<String, String>,
) -> Result<FormPage, PageError> {
    if !is_office(user) {
        return Err(AppError::Forbidden.into());
    }
    let orgs = state.app.orgs(user).await?;
    let leaders = state.app.project_leaders(user).await?;
    let heading = match id {
        Some(id) => format!("编辑项目：{}", state.app.project(user, id).await?.fields.name),
        None => "登记项目".to_owned(),
    };
    Ok(FormPage {
        nav: Nav::new(user, "/projects"),
        id: id.map_or(0, |p| p.0),
        heading,
        input,
        errors,
        counties: org_choices(&orgs, &COUNTY_KINDS),
        zones: org_choices(&orgs, &[OrgKind::DevZone]),
        orgs: org_choices(&orgs, &[]),
        leaders: leaders.into_iter().map(|(id, name)| (id.0, name)).collect(),
        natures: choices(Nature::ALL, Nature::code, Nature::label),
        categories: choices(Category::ALL, Category::code, Category::label),
        stages: choices(Stage::ALL, Stage::code, Stage::label),
        batches: choices(Batch::ALL, Batch::code, Batch::label),
        levels: choices(Level::ALL, Level::code, Level::label),
    })
}

/// `/projects/new`: the empty register form (this year, 新建, 谋划, 市重点).
pub async fn new(State(state): State<AppState>, PageUser(user): PageUser) -> Result<FormPage, PageError> {
    let input = ProjectInput {
        year: chrono::Datelike::year(&state.app.clock().today()).to_string(),
        nature: Nature::New.code().into(),
        category: Category::Industry.code().into(),
        stage: Stage::Planning.code().into(),
        level: Level::City.code().into(),
        ..ProjectInput::default()
    };
    form_page(&state, &user, None, input, HashMap::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    FormInput(input): FormInput<ProjectInput>,
) -> Result<Response, PageError> {
    match state.app.create_project(&user, &input).await {
        Ok(id) => Ok(crate::view::said(&format!("/projects/{id}"), "项目已登记。")),
        Err(AppError::Invalid(invalid)) => {
            let page = form_page(&state, &user, None, input, field_errors(invalid)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn edit(State(state): State<AppState>, PageUser(user): PageUser, Id(id): Id) -> Result<FormPage, PageError> {
    let project = state.app.project(&user, ProjectId(id)).await?;
    let input = ProjectInput::from_fields(&project.fields);
    form_page(&state, &user, Some(project.id), input, HashMap::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    FormInput(input): FormInput<ProjectInput>,
) -> Result<Response, PageError> {
    let id = ProjectId(id);
    match state.app.update_project(&user, id, &input).await {
        Ok(()) => Ok(crate::view::said(&format!("/projects/{id}"), "项目信息已保存，亮灯已重新计算。")),
        Err(AppError::Invalid(invalid)) => {
            let page = form_page(&state, &user, Some(id), input, field_errors(invalid)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/prework_kinds.html")]
pub struct PreworkKindsPage {
    nav: Nav,
    text: String,
    error: String,
}

pub async fn prework_kinds(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<PreworkKindsPage, PageError> {
    if !is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let kinds = state.app.prework_kinds(&user).await?;
    Ok(PreworkKindsPage { nav: Nav::new(&user, "/projects"), text: kinds.join("\n"), error: String::new() })
}

pub async fn set_prework_kinds(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let text = form.get("kinds");
    match state.app.set_prework_kinds(&user, &text).await {
        Ok(kinds) => Ok(crate::view::said(
            "/projects/settings/prework",
            &format!("已保存{}项前期手续，登记前期手续时可从中选择。", kinds.len()),
        )),
        Err(AppError::Invalid(invalid)) => {
            let page = PreworkKindsPage { nav: Nav::new(&user, "/projects"), text, error: invalid.to_string() };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
