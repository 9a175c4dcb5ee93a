//! Plans, the task tree, targets and responsibilities (责任分工).

use crate::cache::Lookup;
use crate::guards::{can_view_task, require_business, require_supervisor};
use crate::input::{TargetInput, check_target, parse_date, parse_decimal, parse_page};
use crate::{App, AppError, Result, lenient};
use chrono::NaiveDate;
use qingdan_domain::{
    Decimal, Invalid, Light, Org, OrgId, Plan, PlanId, PlanStatus, ProgressReport, Responsibility, Role, Target,
    TaskId, User, UserId,
};
use qingdan_storage::{LightCounts, NewPlan, NewTarget, NewTask, TaskListItem, TaskPage, TaskQuery};
use serde::Deserialize;

mod editing;
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

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    #[serde(deserialize_with = "lenient::text", default)]
    pub year: String,
    pub title: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TaskInput {
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub number: String,
    pub title: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub weight: String,
    pub deadline: String,
    #[serde(default)]
    pub targets: Vec<TargetInput>,
}

/// Who answers for a task, as ids typed into a form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
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
    let year = match input.year.trim().parse::<i32>() {
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
        let lead_org = match filter.lead_org.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => match t.parse::<i64>() {
                Ok(id) => Some(OrgId(id)),
                Err(_) => {
                    invalid.add("lead_org", "not_a_number", "牵头单位编号应为整数");
                    None
                }
            },
        };
        let page = parse_page(&mut invalid, "page", filter.page.as_deref(), 0, 1_000_000);
        let per_page = parse_page(&mut invalid, "per_page", filter.per_page.as_deref(), 50, MAX_PER_PAGE).max(1);
        let text = invalid.optional_text("q", "搜索内容", filter.q.as_deref().unwrap_or(""), 50);
        invalid.into_result()?;
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
        };
        let counts = match visible_to {
            // A reporter's view is small and their own: count it each time.
            Some(org) => self.store.light_counts(user.tenant_id, plan.id, Some(org)).await?,
            None => self.plan_light_counts(user.tenant_id, plan.id).await?,
        };
        let is_light_only = visible_to.is_none() && lead_org.is_none() && text.is_empty();
        let tasks = if is_light_only {
            let total = light.map_or(counts.total(), |l| counts.of(l));
            TaskPage { items: self.store.tasks_page(&query).await?, total, is_total_capped: false }
        } else {
            self.store.tasks(&query).await?
        };
        Ok(PlanOverview { plan, counts, tasks, page, per_page, light, lead_org, text })
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
    pub async fn task(&self, user: &User, id: TaskId) -> Result<TaskListItem> {
        let item = self.store.task(user.tenant_id, id).await?.ok_or(AppError::NotFound("任务"))?;
        if !can_view_task(user, &item) {
            return Err(AppError::Forbidden);
        }
        Ok(item)
    }

    /// A task with its targets, children and ancestors (only what the user may
    /// see of them): the API's `GET /tasks/{id}`, reading no more than that.
    pub async fn task_family(&self, user: &User, id: TaskId) -> Result<TaskFamily> {
        let item = self.task(user, id).await?;
        let tenant = user.tenant_id;
        let targets = self.store.targets(tenant, id).await?;
        let mut children = self.store.child_tasks(tenant, id).await?;
        children.retain(|c| can_view_task(user, c));
        let mut ancestors = Vec::new();
        let mut parent = item.task.parent_id;
        // A list is a few levels deep; the bound only guards a damaged tree.
        while let Some(id) = parent.filter(|_| ancestors.len() < 32) {
            let Some(up) = self.store.task(tenant, id).await? else { break };
            parent = up.task.parent_id;
            ancestors.push(up);
        }
        ancestors.reverse();
        ancestors.retain(|a| can_view_task(user, a));
        Ok(TaskFamily { item, targets, children, ancestors })
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

    pub async fn create_plan(&self, user: &User, input: &PlanInput) -> Result<Plan> {
        require_supervisor(user)?;
        let mut invalid = Invalid::new();
        let (title, year) = check_plan(&mut invalid, input);
        invalid.into_result()?;
        let new = NewPlan { tenant_id: user.tenant_id, year, title, status: PlanStatus::Published };
        Ok(self.store.create_plan(&new, self.actor(user)).await?)
    }

    /// Adds a task (and its targets) to a plan, under `parent_id` if given.
    pub async fn create_task(&self, user: &User, plan: PlanId, input: &TaskInput) -> Result<TaskId> {
        require_supervisor(user)?;
        let plan = self.plan(user, plan).await?;
        let mut invalid = Invalid::new();
        let title = invalid.text("title", "任务内容", &input.title, 2000);
        let number = invalid.optional_text("number", "序号", &input.number, 20);
        let weight = if input.weight.trim().is_empty() {
            Some(Decimal::ONE)
        } else {
            parse_decimal(&mut invalid, "weight", "权重", &input.weight)
        };
        if weight.is_some_and(|w| w.is_sign_negative()) {
            invalid.add("weight", "negative", "权重不能为负数");
        }
        let deadline = parse_date(&mut invalid, "deadline", "完成时限", &input.deadline);
        let start = NaiveDate::from_ymd_opt(plan.year, 1, 1).unwrap_or_default();
        if deadline.is_some_and(|d| d < start) {
            invalid.add("deadline", "before_plan", format!("完成时限不能早于{}年1月1日", plan.year));
        }
        if input.targets.len() > 50 {
            invalid.add("targets", "too_many", "一项任务最多50个指标");
        }
        let targets: Vec<NewTarget> =
            input.targets.iter().enumerate().filter_map(|(i, t)| check_target(&mut invalid, i, t)).collect();
        let parent_id = match input.parent_id {
            Some(p) => {
                let parent = self.store.task(user.tenant_id, TaskId(p)).await?;
                match parent.filter(|t| t.task.plan_id == plan.id) {
                    Some(t) => Some(t.task.id),
                    None => {
                        invalid.add("parent_id", "not_found", "上级任务不存在");
                        None
                    }
                }
            }
            None => None,
        };
        invalid.into_result()?;
        let deadline = deadline.unwrap_or(start);
        let new = NewTask {
            tenant_id: user.tenant_id,
            plan_id: plan.id,
            parent_id,
            number,
            title,
            weight: weight.unwrap_or(Decimal::ONE),
            start_date: start,
            deadline,
            responsibility: Responsibility::default(),
            light: self.store.status_rules(user.tenant_id).await?.light(0, start, deadline, self.clock.today()),
            targets,
        };
        let id = self.store.create_task(&new, self.actor(user)).await?;
        self.counts.clear();
        self.dashboards.clear();
        Ok(id)
    }

    /// Sets who answers for a task: lead leader, lead org, supporting orgs, owner.
    pub async fn set_responsibility(&self, user: &User, id: TaskId, input: &ResponsibilityInput) -> Result<()> {
        require_supervisor(user)?;
        let item = self.task(user, id).await?;
        let tenant = user.tenant_id;
        let mut invalid = Invalid::new();
        let org = |id: i64| async move { self.store.org(tenant, OrgId(id)).await };
        if let Some(o) = input.lead_org_id
            && org(o).await?.is_none()
        {
            invalid.add("lead_org_id", "not_found", "牵头单位不存在");
        }
        for o in &input.supporting_org_ids {
            if org(*o).await?.is_none() {
                invalid.add("supporting_org_ids", "not_found", format!("配合单位（编号{o}）不存在"));
            }
            if Some(*o) == input.lead_org_id {
                invalid.add("supporting_org_ids", "is_lead", "牵头单位不能同时是配合单位");
            }
        }
        if input.supporting_org_ids.len() > 30 {
            invalid.add("supporting_org_ids", "too_many", "配合单位最多30个");
        }
        if let Some(u) = input.lead_leader_id {
            match self.store.user(tenant, UserId(u)).await? {
                Some(leader) if leader.role == Role::Leader => {}
                Some(_) => invalid.add("lead_leader_id", "not_leader", "牵头领导须是领导角色的用户"),
                None => invalid.add("lead_leader_id", "not_found", "牵头领导不存在"),
            }
        }
        if let Some(u) = input.owner_id {
            match self.store.user(tenant, UserId(u)).await? {
                Some(owner) if Some(owner.org_id.0) == input.lead_org_id => {}
                Some(_) => invalid.add("owner_id", "not_in_lead_org", "责任人须是牵头单位的人员"),
                None => invalid.add("owner_id", "not_found", "责任人不存在"),
            }
        }
        invalid.into_result()?;
        let mut supporting: Vec<OrgId> = input.supporting_org_ids.iter().copied().map(OrgId).collect();
        supporting.sort();
        supporting.dedup();
        let responsibility = Responsibility {
            lead_leader_id: input.lead_leader_id.map(UserId),
            lead_org_id: input.lead_org_id.map(OrgId),
            supporting_org_ids: supporting,
            owner_id: input.owner_id.map(UserId),
        };
        Ok(self.store.set_responsibility(tenant, item.task.id, &responsibility, self.actor(user)).await?)
    }
}
