//! Plans, the task tree, targets and responsibilities (责任分工).

use crate::cache::Lookup;
use crate::guards::{can_view_task, require_business, require_supervisor};
use crate::input::{TargetInput, check_target, half_width, parse_date, parse_decimal, parse_page};
use crate::{App, AppError, Result, lenient};
use chrono::NaiveDate;
use qingdan_domain::{
    Decimal, Invalid, Light, Org, OrgId, Plan, PlanId, PlanStatus, ProgressReport, Responsibility, ResponsibilityFault,
    Role, Target, TaskId, TenantId, User, UserId,
};
use qingdan_storage::{LightCounts, NewTarget, NewTask, TaskListItem, TaskPage, TaskQuery};
use serde::Deserialize;

mod bulk;
mod copy;
mod editing;
pub(crate) mod filter;
pub use bulk::{BulkResponsibilityInput, BulkTaskInput};
pub use copy::{CopiedFrom, CopySource, PlanCreated};
pub use editing::TaskEdit;
pub(crate) use editing::require_editable;

/// The most tasks one page may hold.
pub const MAX_PER_PAGE: u32 = 200;

/// Which tasks of a plan to show: from a query string or API parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskFilter {
    /// green, yellow, red, overdue or done
    pub light: Option<String>,
    /// The lead org's id.
    pub lead_org: Option<String>,
    /// Text the task's title contains.
    pub q: Option<String>,
    /// Zero-based page number.
    pub page: Option<String>,
    /// Tasks per page, 1 to 200 (default 50).
    pub per_page: Option<String>,
    /// Only the direct children of this task (its id).
    pub parent: Option<String>,
    /// Only the descendants of this task, at any depth (its id).
    pub subtree: Option<String>,
    /// Only tasks whose owner (责任人) is this user (their id).
    pub owner: Option<String>,
    /// not_started (0 %), in_progress (1–99 %), open (below 100 %) or done (100 %).
    pub status: Option<String>,
    /// Only tasks due on or after this date (YYYY-MM-DD).
    pub deadline_from: Option<String>,
    /// Only tasks due on or before this date (YYYY-MM-DD).
    pub deadline_to: Option<String>,
    /// Only tasks with a target whose value is at least this.
    pub target_min: Option<String>,
    /// Only tasks with a target whose value is at most this.
    pub target_max: Option<String>,
    /// tree (the list's order, default), deadline, -deadline, percent or -percent.
    pub sort: Option<String>,
    /// Keyset paging: the id of the last task of the previous page (`next_after`
    /// of its answer); empty for the first page. Each page then costs the same
    /// at any depth; `page` is ignored and `total` is only counted with `count=true`.
    pub after: Option<String>,
    /// Count the matching tasks (`total`): true or false; by default a page by
    /// number counts and a keyset page does not.
    pub count: Option<String>,
}

/// A plan overview: the plan, its light counts and one page of its task tree.
#[derive(Debug, Clone)]
pub struct PlanOverview {
    pub plan: Plan,
    pub counts: LightCounts,
    pub tasks: TaskPage,
    pub page: u32,
    pub per_page: u32,
    pub light: Option<Light>,
    pub lead_org: Option<OrgId>,
    pub text: String,
    /// Whether `tasks.total` was counted (a keyset page counts only when asked).
    pub is_counted: bool,
    /// With keyset paging, the cursor of the next page when this one is full.
    pub next_after: Option<TaskId>,
}

impl PlanOverview {
    /// Pages known to exist: one more than the counted ones when the count
    /// stopped early, so that there is a next page to go to.
    pub fn page_count(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        let counted = u32::try_from((self.tasks.total + per - 1) / per).unwrap_or(u32::MAX);
        counted.saturating_add(u32::from(self.tasks.is_total_capped))
    }
}

/// A task as the API answers for it: its targets, the children the user may
/// see and its ancestors the user may see (root first), and nothing else.
#[derive(Debug, Clone)]
pub struct TaskFamily {
    pub item: TaskListItem,
    pub targets: Vec<Target>,
    pub children: Vec<TaskListItem>,
    pub ancestors: Vec<TaskListItem>,
}

/// Everything shown on a task's page.
#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub plan: Plan,
    pub item: TaskListItem,
    pub targets: Vec<Target>,
    pub reports: Vec<ProgressReport>,
    pub children: Vec<TaskListItem>,
    pub orgs: Vec<Org>,
    pub lead_leader: Option<User>,
    pub owner: Option<User>,
    /// The viewer may submit a report on this task.
    pub can_report: bool,
    /// The viewer may change the responsibility (责任分工) and review reports.
    pub can_supervise: bool,
}

impl TaskDetail {
    pub fn org_name(&self, id: OrgId) -> &str {
        self.orgs.iter().find(|o| o.id == id).map_or("", |o| o.name.as_str())
    }
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct PlanInput {
    #[serde(deserialize_with = "lenient::text", default)]
    pub year: String,
    pub title: String,
    /// 沿用清单: the id of a plan of the tenant whose list the new plan
    /// starts from (its tasks, targets, 责任分工 and 报送安排, dated a year
    /// on); empty or absent for an empty plan. See [`App::create_plan_copying`].
    #[serde(deserialize_with = "lenient::text", default)]
    pub copy_from: String,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TaskInput {
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub number: String,
    pub title: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub weight: String,
    pub deadline: String,
    /// 开始日期 (`YYYY-MM-DD`): a task added in the year owes no report for
    /// the periods before it. Empty: the plan year's first day.
    #[serde(deserialize_with = "lenient::text", default)]
    pub start_date: String,
    #[serde(default)]
    pub targets: Vec<TargetInput>,
    /// Who answers for it, set in the same transaction (optional).
    #[serde(default)]
    pub responsibility: Option<ResponsibilityInput>,
}

/// Who answers for a task, as ids typed into a form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ResponsibilityInput {
    pub lead_leader_id: Option<i64>,
    pub lead_org_id: Option<i64>,
    #[serde(default)]
    pub supporting_org_ids: Vec<i64>,
    pub owner_id: Option<i64>,
}

/// A plan's title and year as typed, each fault added to `invalid`.
pub(crate) fn check_plan(invalid: &mut Invalid, input: &PlanInput) -> (String, i32) {
    let title = invalid.text("title", "计划名称", &input.title, 100);
    let year = match half_width(&input.year).parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ => {
            invalid.add("year", "out_of_range", "年度应为2000到2100之间的整数");
            0
        }
    };
    (title, year)
}

impl App {
    pub async fn plans(&self, user: &User) -> Result<Vec<Plan>> {
        require_business(user)?;
        Ok(self.store.plans(user.tenant_id).await?)
    }

    /// The plans still running, newest first: not archived, and of a year
    /// that has begun. A plan made in December for the next year waits for
    /// its year (unless there is no other), so it does not take the
    /// workbenches while this year's reports are still due.
    pub async fn running_plans(&self, tenant: TenantId) -> Result<Vec<Plan>> {
        let year = chrono::Datelike::year(&self.clock.today());
        let plans = self.store.plans(tenant).await?;
        if plans.iter().any(|p| p.year <= year) {
            return Ok(plans.into_iter().filter(|p| p.year <= year).collect());
        }
        Ok(plans)
    }

    /// The plan the workbenches, 我的填报 and the battle map follow: the
    /// newest running one ([`App::running_plans`]).
    pub async fn current_plan(&self, tenant: TenantId) -> Result<Option<Plan>> {
        Ok(self.running_plans(tenant).await?.into_iter().next())
    }

    /// The plan a leader's battle map opens on: the current one or, when
    /// every plan is archived, the newest archived (its year as it closed).
    pub async fn map_plan(&self, tenant: TenantId) -> Result<Option<Plan>> {
        match self.current_plan(tenant).await? {
            Some(plan) => Ok(Some(plan)),
            None => Ok(self.store.archived_plans(tenant).await?.into_iter().next()),
        }
    }

    /// Plans do not change once created, so they are kept in memory. Every
    /// read of a plan's tasks starts here, so the 三员 are refused here.
    pub async fn plan(&self, user: &User, id: PlanId) -> Result<Plan> {
        require_business(user)?;
        let key = (user.tenant_id, id);
        if let Some(plan) = self.plans.get(&key) {
            return Ok(plan);
        }
        // The 回收站 is no plan to anyone: its tasks are reached through the admin's restore.
        let plan = self.store.plan(user.tenant_id, id).await?.filter(|p| p.status != PlanStatus::Trash);
        let plan = plan.ok_or(AppError::NotFound("计划"))?;
        self.plans.put(key, plan.clone());
        Ok(plan)
    }

    /// Whether `plan` is the tenant's 回收站 (a plan seen once is cached, as
    /// by [`App::plan`], so a task's read costs no query more).
    async fn is_in_trash(&self, tenant: TenantId, plan: PlanId) -> Result<bool> {
        if self.plans.get(&(tenant, plan)).is_some() {
            return Ok(false);
        }
        match self.store.plan(tenant, plan).await? {
            Some(p) if p.status == PlanStatus::Trash => Ok(true),
            Some(p) => {
                self.plans.put((tenant, plan), p);
                Ok(false)
            }
            None => Ok(false),
        }
    }

    /// One page of a plan's task tree with its light counts, as the user may see it.
    pub async fn plan_overview(&self, user: &User, id: PlanId, filter: &TaskFilter) -> Result<PlanOverview> {
        let plan = self.plan(user, id).await?;
        let mut invalid = Invalid::new();
        let light = match filter.light.as_deref().filter(|l| !l.is_empty()) {
            None => None,
            Some(code) => {
                let light = Light::from_code(code);
                if light.is_none() {
                    invalid.add("light", "unknown", "亮灯状态无效，应为 green、yellow、red、overdue 或 done");
                }
                light
            }
        };
        let lead_org = filter::lead_org(&mut invalid, filter);
        let page = parse_page(&mut invalid, "page", filter.page.as_deref(), 0, 0..=1_000_000);
        let per_page = parse_page(&mut invalid, "per_page", filter.per_page.as_deref(), 50, 1..=MAX_PER_PAGE);
        let text = invalid.optional_text("q", "搜索内容", filter.q.as_deref().unwrap_or(""), 50);
        let more = filter::conditions(&mut invalid, filter);
        let is_keyset = filter::is_keyset(filter);
        let wants_count = filter::wants_count(&mut invalid, filter);
        let is_counted = wants_count.unwrap_or(!is_keyset);
        invalid.into_result()?;
        let page = if is_keyset { 0 } else { page };
        let visible_to = (!user.role.reads_whole_tenant()).then_some(user.org_id);
        let query = TaskQuery {
            tenant_id: user.tenant_id,
            plan_id: plan.id,
            visible_to,
            light,
            lead_org,
            text: Some(text.clone()),
            page,
            per_page,
            more,
        };
        let counts = match visible_to {
            // A reporter's view is small and their own: count it each time.
            Some(org) => self.store.light_counts(user.tenant_id, plan.id, Some(org)).await?,
            None => self.plan_light_counts(user.tenant_id, plan.id).await?,
        };
        let is_light_only = visible_to.is_none() && lead_org.is_none() && text.is_empty() && query.more.is_empty();
        let tasks = if is_keyset || !is_counted {
            let items = self.store.tasks_page(&query).await?;
            let mut all = query.clone();
            all.more.after = None;
            let total = if is_counted { self.store.count_tasks(&all).await? } else { 0 };
            TaskPage { items, total, is_total_capped: false }
        } else if is_light_only {
            // A light lists working tasks only (as the counts count them); no
            // light lists the sections too.
            let total = light.map_or(counts.listed, |l| counts.of(l));
            TaskPage { items: self.store.tasks_page(&query).await?, total, is_total_capped: false }
        } else {
            self.store.tasks(&query).await?
        };
        let is_full = tasks.items.len() >= usize::try_from(per_page).unwrap_or(usize::MAX);
        let next_after = (is_keyset && is_full).then(|| tasks.items.last().map(|t| t.task.id)).flatten();
        Ok(PlanOverview { plan, counts, tasks, page, per_page, light, lead_org, text, is_counted, next_after })
    }

    async fn plan_light_counts(&self, tenant: qingdan_domain::TenantId, plan: PlanId) -> Result<LightCounts> {
        match self.counts.lookup(&(tenant, plan)) {
            Lookup::Fresh(counts) | Lookup::Stale(counts) => return Ok(counts),
            Lookup::Refresh => {}
        }
        let counts = self.store.light_counts(tenant, plan, None).await?;
        self.counts.put((tenant, plan), counts);
        Ok(counts)
    }

    /// A task the user may see; another org's task is `Forbidden` to a reporter.
    /// A task in the 回收站 is no task to anyone here (its plan is hidden):
    /// the office reaches it through the 回收站 page.
    pub async fn task(&self, user: &User, id: TaskId) -> Result<TaskListItem> {
        let item = self.store.task(user.tenant_id, id).await?.ok_or(AppError::NotFound("任务"))?;
        if self.is_in_trash(user.tenant_id, item.task.plan_id).await? {
            return Err(AppError::NotFound("任务"));
        }
        if !can_view_task(user, &item) {
            return Err(AppError::Forbidden);
        }
        Ok(item)
    }

    /// A task with its targets, children and ancestors (only what the user may
    /// see of them): the API's `GET /tasks/{id}`, reading no more than that.
    pub async fn task_family(&self, user: &User, id: TaskId) -> Result<TaskFamily> {
        let tenant = user.tenant_id;
        let family = self.store.task_family(tenant, id).await?.ok_or(AppError::NotFound("任务"))?;
        if self.is_in_trash(tenant, family.item.task.plan_id).await? {
            return Err(AppError::NotFound("任务"));
        }
        if !can_view_task(user, &family.item) {
            return Err(AppError::Forbidden);
        }
        let targets = self.store.targets(tenant, id).await?;
        let visible = |items: Vec<TaskListItem>| items.into_iter().filter(|t| can_view_task(user, t)).collect();
        Ok(TaskFamily {
            item: family.item,
            targets,
            children: visible(family.children),
            ancestors: visible(family.ancestors),
        })
    }

    pub async fn task_detail(&self, user: &User, id: TaskId) -> Result<TaskDetail> {
        let item = self.task(user, id).await?;
        let tenant = user.tenant_id;
        let plan = self.plan(user, item.task.plan_id).await?;
        let targets = self.store.targets(tenant, id).await?;
        let reports = self.store.task_reports(tenant, id).await?;
        let mut children = self.store.child_tasks(tenant, id).await?;
        children.retain(|c| can_view_task(user, c));
        let orgs = self.store.orgs(tenant).await?;
        let a = &item.task.responsibility;
        let lead_leader = match a.lead_leader_id {
            Some(u) => self.store.user(tenant, u).await?,
            None => None,
        };
        let owner = match a.owner_id {
            Some(u) => self.store.user(tenant, u).await?,
            None => None,
        };
        let can_report = user.role == Role::Reporter && a.involves(user.org_id);
        let can_supervise = user.role.can_supervise();
        Ok(TaskDetail { plan, item, targets, reports, children, orgs, lead_leader, owner, can_report, can_supervise })
    }

    /// 新建计划, empty or copying the list of `input.copy_from`; see
    /// [`App::create_plan_copying`], which also says what was copied.
    pub async fn create_plan(&self, user: &User, input: &PlanInput) -> Result<Plan> {
        Ok(self.create_plan_copying(user, input).await?.plan)
    }

    /// Adds a task (and its targets) to a plan, under `parent_id` if given,
    /// with its responsibility when one is given: one transaction.
    pub async fn create_task(&self, user: &User, plan: PlanId, input: &TaskInput) -> Result<TaskId> {
        require_supervisor(user)?;
        let plan = self.plan(user, plan).await?;
        let mut invalid = Invalid::new();
        let new = self.check_task(user, &plan, &mut invalid, input, input.parent_id).await?;
        invalid.into_result()?;
        let rules = self.store.status_rules(user.tenant_id).await?;
        let id = self.store.create_task(&new, self.recount(&rules), self.actor(user)).await?;
        self.counts.clear();
        self.dashboards.clear();
        Ok(id)
    }

    /// A task as typed, each fault added to `invalid`. `parent` is checked to
    /// be a task of the plan unless it is `None`.
    pub(crate) async fn check_task(
        &self,
        user: &User,
        plan: &Plan,
        invalid: &mut Invalid,
        input: &TaskInput,
        parent: Option<i64>,
    ) -> Result<NewTask> {
        let title = invalid.text("title", "任务内容", &input.title, 2000);
        let number = invalid.optional_text("number", "序号", &input.number, 20);
        let weight = if input.weight.trim().is_empty() {
            Some(Decimal::ONE)
        } else {
            parse_decimal(invalid, "weight", "权重", &input.weight)
        };
        if weight.is_some_and(|w| w.is_sign_negative()) {
            invalid.add("weight", "negative", "权重不能为负数");
        }
        let deadline = parse_date(invalid, "deadline", "完成时限", &input.deadline);
        let year_start = NaiveDate::from_ymd_opt(plan.year, 1, 1).unwrap_or_default();
        if deadline.is_some_and(|d| d < year_start) {
            invalid.add("deadline", "before_plan", format!("完成时限不能早于{}年1月1日", plan.year));
        }
        let start = match input.start_date.trim() {
            "" => year_start,
            text => match parse_date(invalid, "start_date", "开始日期", text) {
                Some(day) if day < year_start => {
                    invalid.add("start_date", "before_plan", format!("开始日期不能早于{}年1月1日", plan.year));
                    year_start
                }
                Some(day) if deadline.is_some_and(|d| day > d) => {
                    invalid.add("start_date", "after_deadline", "开始日期不能晚于完成时限");
                    year_start
                }
                Some(day) => day,
                None => year_start,
            },
        };
        if input.targets.len() > 50 {
            invalid.add("targets", "too_many", "一项任务最多50个指标");
        }
        let targets: Vec<NewTarget> =
            input.targets.iter().enumerate().filter_map(|(i, t)| check_target(invalid, i, t)).collect();
        let parent_id = match parent {
            Some(p) => {
                let parent = self.store.task(user.tenant_id, TaskId(p)).await?;
                let parent = parent.filter(|t| t.task.plan_id == plan.id).map(|t| t.task.id);
                if parent.is_none() {
                    invalid.add("parent_id", "not_found", "上级任务不存在");
                }
                parent
            }
            None => None,
        };
        let responsibility = match &input.responsibility {
            Some(r) => self.check_responsibility(user, invalid, "responsibility.", r).await?,
            None => Responsibility::default(),
        };
        let deadline = deadline.unwrap_or(start);
        Ok(NewTask {
            tenant_id: user.tenant_id,
            plan_id: plan.id,
            parent_id,
            number,
            title,
            weight: weight.unwrap_or(Decimal::ONE),
            start_date: start,
            deadline,
            responsibility,
            light: self.light_rules(user.tenant_id).await?.light(0, start, deadline, self.clock.today()),
            targets,
        })
    }

    /// Sets who answers for a task: lead leader, lead org, supporting orgs, owner.
    pub async fn set_responsibility(&self, user: &User, id: TaskId, input: &ResponsibilityInput) -> Result<()> {
        require_supervisor(user)?;
        let item = self.task(user, id).await?;
        require_editable(&self.plan(user, item.task.plan_id).await?)?;
        let mut invalid = Invalid::new();
        let responsibility = self.check_responsibility(user, &mut invalid, "", input).await?;
        invalid.into_result()?;
        Ok(self.store.set_responsibility(user.tenant_id, item.task.id, &responsibility, self.actor(user)).await?)
    }

    /// A responsibility as typed, each fault added to `invalid` under
    /// `prefix` + the field's name: the orgs and people must exist, the
    /// leader be a leader and the owner work in the lead org.
    pub(crate) async fn check_responsibility(
        &self,
        user: &User,
        invalid: &mut Invalid,
        prefix: &str,
        input: &ResponsibilityInput,
    ) -> Result<Responsibility> {
        let tenant = user.tenant_id;
        let field = |name: &str| format!("{prefix}{name}");
        let org = |id: i64| async move { self.store.org(tenant, OrgId(id)).await };
        if let Some(o) = input.lead_org_id
            && org(o).await?.is_none()
        {
            invalid.add(&field("lead_org_id"), "not_found", "牵头单位不存在");
        }
        for o in &input.supporting_org_ids {
            if org(*o).await?.is_none() {
                invalid.add(&field("supporting_org_ids"), "not_found", format!("配合单位（编号{o}）不存在"));
            }
        }
        if input.supporting_org_ids.len() > 30 {
            invalid.add(&field("supporting_org_ids"), "too_many", "配合单位最多30个");
        }
        if let Some(u) = input.lead_leader_id {
            match self.store.user(tenant, UserId(u)).await? {
                Some(leader) if leader.role == Role::Leader => {}
                Some(_) => invalid.add(&field("lead_leader_id"), "not_leader", "牵头领导须是领导角色的用户"),
                None => invalid.add(&field("lead_leader_id"), "not_found", "牵头领导不存在"),
            }
        }
        let mut owner_org = None;
        let mut is_owner_known = true;
        if let Some(u) = input.owner_id {
            match self.store.user(tenant, UserId(u)).await? {
                Some(owner) => owner_org = Some(owner.org_id),
                None => {
                    is_owner_known = false;
                    invalid.add(&field("owner_id"), "not_found", "责任人不存在");
                }
            }
        }
        let mut supporting: Vec<OrgId> = input.supporting_org_ids.iter().copied().map(OrgId).collect();
        supporting.sort();
        supporting.dedup();
        let responsibility = Responsibility {
            lead_leader_id: input.lead_leader_id.map(UserId),
            lead_org_id: input.lead_org_id.map(OrgId),
            supporting_org_ids: supporting,
            owner_id: input.owner_id.map(UserId),
        };
        for fault in responsibility.faults(owner_org) {
            match fault {
                ResponsibilityFault::OwnerOutsideLeadOrg if is_owner_known => {
                    invalid.add(&field("owner_id"), "not_in_lead_org", fault.message());
                }
                ResponsibilityFault::OwnerOutsideLeadOrg => {}
                ResponsibilityFault::LeadAlsoSupporting => {
                    invalid.add(&field("supporting_org_ids"), "is_lead", fault.message());
                }
            }
        }
        Ok(responsibility)
    }
}
