pub(crate) mod editing;
pub(crate) mod tasks;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id, QueryParams};
use crate::view::{Nav, light_class};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use qingdan_app::{PlanInput, TaskFilter, TaskListItem};
use qingdan_domain::{Light, Org, Plan, PlanId};

#[derive(Template, WebTemplate)]
#[template(path = "plans/list.html")]
pub struct PlansPage {
    nav: Nav,
    plans: Vec<Plan>,
    archived: Vec<Plan>,
    can_create: bool,
    /// 沿用清单's choices on the new plan form: (id, label), newest first.
    copy_sources: Vec<(i64, String)>,
    done: String,
    /// The new plan as typed, kept when it is refused, and why.
    input: PlanInput,
    errors: std::collections::HashMap<String, String>,
}

impl PlansPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }

    /// Whether `id` is the plan chosen to copy in the form as typed.
    fn is_copy_source(&self, id: &i64) -> bool {
        self.input.copy_from.trim() == id.to_string()
    }
}

/// A plan as the 沿用清单 choice names it: title, year and count of tasks.
fn copy_label(source: &qingdan_app::CopySource) -> String {
    let archived = if source.plan.status == qingdan_domain::PlanStatus::Archived { "，已归档" } else { "" };
    format!("{}（{}年，{}项任务{archived}）", source.plan.title, source.plan.year, source.tasks)
}

/// What the page says after 新建计划: with a copied list, what it took and
/// what the office should check next.
fn created_message(created: &qingdan_app::PlanCreated) -> String {
    match &created.copied {
        None => "已新建计划。".to_owned(),
        Some(copied) => format!(
            "已创建计划“{}”，沿用《{}》的{}项任务及分工；请核对各项目标值和时限。",
            created.plan.title, copied.source.title, copied.tasks
        ),
    }
}

async fn plans_page(
    state: &AppState,
    user: &qingdan_domain::User,
    done: String,
    input: PlanInput,
    errors: std::collections::HashMap<String, String>,
) -> Result<PlansPage, PageError> {
    let plans = state.app.plans(user).await?;
    let archived = state.app.archived_plans(user).await?;
    let can_create = user.role.can_supervise();
    let copy_sources = if can_create {
        state.app.copy_sources(user).await?.iter().map(|s| (s.plan.id.0, copy_label(s))).collect()
    } else {
        Vec::new()
    };
    Ok(PlansPage { nav: Nav::new(user, "/plans"), plans, archived, can_create, copy_sources, done, input, errors })
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(done): QueryParams<editing::Done>,
) -> Result<PlansPage, PageError> {
    plans_page(&state, &user, done.said(), PlanInput::default(), Default::default()).await
}

/// 新建计划 (empty, or 沿用 another plan's list): done, to the new plan
/// saying what it holds; refused, the list again with the errors beside
/// what was typed (422).
pub async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<axum::response::Response, PageError> {
    use axum::response::IntoResponse;
    let input = PlanInput { year: form.get("year"), title: form.get("title"), copy_from: form.get("copy_from") };
    match state.app.create_plan_copying(&user, &input).await {
        Ok(created) => Ok(crate::view::said(&format!("/plans/{}", created.plan.id), &created_message(&created))),
        Err(qingdan_app::AppError::Invalid(invalid)) => {
            let errors = crate::view::field_errors(invalid);
            let page = plans_page(&state, &user, String::new(), input, errors).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// One line of the task tree as shown.
pub struct TaskLine {
    pub id: i64,
    pub indent: i32,
    pub number: String,
    pub title: String,
    pub lead_org: String,
    pub deadline: String,
    pub percent: i64,
    pub light_class: &'static str,
    pub light_label: &'static str,
    pub light_code: &'static str,
}

impl From<&TaskListItem> for TaskLine {
    fn from(item: &TaskListItem) -> TaskLine {
        let t = &item.task;
        TaskLine {
            id: t.id.0,
            indent: t.depth.min(3),
            number: t.number.clone(),
            title: t.title.clone(),
            lead_org: item.lead_org_name.clone().unwrap_or_default(),
            deadline: t.deadline.to_string(),
            percent: t.percent_done,
            light_class: light_class(t.light),
            light_label: t.light.label(),
            light_code: t.light.code(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/show.html")]
pub struct PlanPage {
    nav: Nav,
    plan: Plan,
    counts: [(&'static str, &'static str, &'static str, i64); 5],
    total: i64,
    lines: Vec<TaskLine>,
    /// The lead org chosen in the filter, if any; the others load on demand.
    chosen_org: Option<Org>,
    light: String,
    lead_org: i64,
    q: String,
    page: u32,
    page_count: u32,
    matched: i64,
    is_total_capped: bool,
    /// 亮灯规则 in one line.
    rule: String,
    /// Admins and supervisors open the rule's page.
    can_open_rule: bool,
    /// The office and leaders open 报送情况 (`App::reporting_status` refuses others).
    can_read_reporting: bool,
    /// The office may mend this plan: bulk lead orgs, archive.
    can_edit: bool,
    /// What the archive button asks before archiving (with the reports it would freeze).
    archive_confirm: String,
    /// Leaders to choose from in the bulk form.
    leaders: Vec<qingdan_domain::User>,
    /// What the last action did.
    done: String,
    /// The 批量分配 form as typed when it was refused, and why.
    bulk: BulkTyped,
}

/// The 批量分配 form as typed: the ticked tasks, the chosen lead org (shown
/// by name before the others load) and leader, and why it was refused.
#[derive(Default)]
pub struct BulkTyped {
    pub task_ids: Vec<i64>,
    pub org: Option<Org>,
    pub leader_id: i64,
    pub errors: Vec<String>,
}

impl PlanPage {
    /// Whether the task's box of the 批量分配 form was ticked when it was refused.
    fn is_ticked(&self, task: &i64) -> bool {
        self.bulk.task_ids.contains(task)
    }

    /// The link to another page of the same filtered list.
    fn page_link(&self, page: u32) -> String {
        let mut link = format!("/plans/{}?page={page}", self.plan.id);
        if !self.light.is_empty() {
            link += &format!("&light={}", self.light);
        }
        if self.lead_org > 0 {
            link += &format!("&lead_org={}", self.lead_org);
        }
        if !self.q.is_empty() {
            link += &format!("&q={}", urlencode(&self.q));
        }
        link
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(filter): QueryParams<TaskFilter>,
    QueryParams(done): QueryParams<editing::Done>,
) -> Result<PlanPage, PageError> {
    plan_page(&state, &user, PlanId(id), &filter, done.said(), BulkTyped::default()).await
}

/// The plan page for `filter`, saying `done`, with the 批量分配 form as `bulk` has it.
pub(crate) async fn plan_page(
    state: &AppState,
    user: &qingdan_domain::User,
    id: PlanId,
    filter: &TaskFilter,
    done: String,
    bulk: BulkTyped,
) -> Result<PlanPage, PageError> {
    let user = user.clone();
    let overview = state.app.plan_overview(&user, id, filter).await?;
    let rule = state.app.status_rules(&user).await?.summary();
    let chosen_org = match overview.lead_org {
        Some(id) => state.app.org(&user, id).await.ok(),
        None => None,
    };
    let can_edit = user.role.can_supervise() && overview.plan.status != qingdan_domain::PlanStatus::Archived;
    let leaders = if can_edit { state.app.leaders(&user).await? } else { Vec::new() };
    let archive_confirm = if can_edit {
        archive_confirm(&overview.plan.title, state.app.waiting_reports(&user, overview.plan.id).await?)
    } else {
        String::new()
    };
    let c = overview.counts;
    let counts = [
        (Light::Overdue.code(), Light::Overdue.label(), light_class(Light::Overdue), c.overdue),
        (Light::Red.code(), Light::Red.label(), light_class(Light::Red), c.red),
        (Light::Yellow.code(), Light::Yellow.label(), light_class(Light::Yellow), c.yellow),
        (Light::Green.code(), Light::Green.label(), light_class(Light::Green), c.green),
        (Light::Done.code(), Light::Done.label(), light_class(Light::Done), c.done),
    ];
    Ok(PlanPage {
        nav: Nav::new(&user, "/plans"),
        total: c.total(),
        counts,
        lines: overview.tasks.items.iter().map(TaskLine::from).collect(),
        chosen_org,
        light: overview.light.map(|l| l.code().to_owned()).unwrap_or_default(),
        lead_org: overview.lead_org.map_or(0, |o| o.0),
        q: overview.text.clone(),
        page: overview.page,
        page_count: overview.page_count(),
        matched: overview.tasks.total,
        is_total_capped: overview.tasks.is_total_capped,
        plan: overview.plan,
        rule,
        can_open_rule: user.role.can_supervise(),
        can_read_reporting: user.role.reads_whole_tenant(),
        can_edit,
        archive_confirm,
        leaders,
        done,
        bulk,
    })
}

/// The archive button's question: what archiving does, and the reports
/// waiting for review it would freeze, if any.
fn archive_confirm(title: &str, waiting: i64) -> String {
    let frozen = if waiting > 0 {
        format!("本计划还有{waiting}份报送等待审核，归档后将冻结、不能审核，取消归档后才能继续审核。")
    } else {
        String::new()
    };
    format!("归档“{title}”？{frozen}归档后不再接受修改和报送，可随时取消归档。")
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/org_options.html")]
pub struct OrgOptions {
    orgs: Vec<Org>,
    selected: Vec<i64>,
    /// The first, empty option's label; none when empty.
    blank: &'static str,
}

impl OrgOptions {
    fn is_selected(&self, org: &Org) -> bool {
        self.selected.contains(&org.id.0)
    }
}

#[derive(serde::Deserialize)]
pub struct Selected {
    /// Org ids to mark selected, comma-separated.
    selected: Option<String>,
    /// The empty option: `all` (全部牵头单位, the default), `choose` (（请选择）) or `none`.
    blank: Option<String>,
}

/// The lead-org filter's options, fetched by htmx when the select is first
/// used, so that a tenant with thousands of orgs does not send them with
/// every page of the plan.
pub async fn org_options(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<Selected>,
) -> Result<OrgOptions, PageError> {
    let orgs = state.app.orgs(&user).await?;
    let selected = q.selected.unwrap_or_default().split(',').filter_map(|s| s.trim().parse().ok()).collect();
    let blank = match q.blank.as_deref() {
        Some("choose") => "（请选择）",
        Some("none") => "",
        Some("keep") => "（牵头单位不变）",
        _ => "全部牵头单位",
    };
    Ok(OrgOptions { orgs, selected, blank })
}
