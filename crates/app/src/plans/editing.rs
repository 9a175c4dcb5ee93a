//! Mending a published list (the office's work): a task's text, weight and
//! dates, its targets, its place in the tree, lead orgs and leaders in bulk,
//! deleting to the 回收站 and (the office) restoring, archiving a plan. A plan
//! that is archived takes no changes until it is published again.

use crate::guards::require_supervisor;
use crate::input::{TargetInput, check_target, parse_date, parse_decimal};
use crate::{App, AppError, Result, lenient};
use qingdan_domain::{Decimal, Invalid, OrgId, Plan, PlanId, PlanStatus, Role, TargetId, TaskId, User, UserId};
use qingdan_storage::{BulkLead, DeletedTask, MendedPlan, Recount, RestoredPlace, TaskChange};
use serde::Deserialize;

/// A task's own fields as typed on its edit form.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TaskEdit {
    #[serde(default)]
    pub number: String,
    pub title: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub weight: String,
    pub start_date: String,
    pub deadline: String,
}

impl App {
    /// Changes a task's number, title, weight and dates; its progress, light
    /// and its ancestors' are computed again.
    pub async fn update_task(&self, user: &User, id: TaskId, input: &TaskEdit) -> Result<()> {
        let plan = self.editable_plan_of(user, id).await?;
        let mut invalid = Invalid::new();
        let title = invalid.text("title", "任务内容", &input.title, 2000);
        let number = invalid.optional_text("number", "序号", &input.number, 20);
        let weight = parse_decimal(&mut invalid, "weight", "权重", &input.weight);
        if weight.is_some_and(|w| w.is_sign_negative()) {
            invalid.add("weight", "negative", "权重不能为负数");
        }
        let start = parse_date(&mut invalid, "start_date", "开始日期", &input.start_date);
        let deadline = parse_date(&mut invalid, "deadline", "完成时限", &input.deadline);
        if let (Some(s), Some(d)) = (start, deadline)
            && d < s
        {
            invalid.add("deadline", "before_start", "完成时限不能早于开始日期");
        }
        if start.is_some_and(|s| s < chrono::NaiveDate::from_ymd_opt(plan.year, 1, 1).unwrap_or(s)) {
            invalid.add("start_date", "before_plan", format!("开始日期不能早于{}年1月1日", plan.year));
        }
        invalid.into_result()?;
        let change = TaskChange {
            number,
            title,
            weight: weight.unwrap_or(Decimal::ONE),
            start_date: start.unwrap_or_default(),
            deadline: deadline.unwrap_or_default(),
        };
        let rules = self.store.status_rules(user.tenant_id).await?;
        let done = self.store.update_task(user.tenant_id, id, &change, self.recount(&rules), self.actor(user)).await;
        self.forget_figures();
        Ok(done?)
    }

    /// Adds a target to a task (`target` `None`) or changes one. A fault
    /// names the target by its place among the task's targets (第2个指标,
    /// field `targets[1].…`): a changed one keeps its place, a new one comes last.
    pub async fn save_target(
        &self,
        user: &User,
        task: TaskId,
        target: Option<TargetId>,
        input: &TargetInput,
    ) -> Result<TargetId> {
        self.editable_plan_of(user, task).await?;
        let targets = self.store.targets(user.tenant_id, task).await?;
        let place = target.and_then(|t| targets.iter().position(|x| x.id == t)).unwrap_or(targets.len());
        let mut invalid = Invalid::new();
        let checked = check_target(&mut invalid, place, input);
        invalid.into_result()?;
        let Some(new) = checked else {
            return Err(AppError::field(&format!("targets[{place}]"), "invalid", "指标填写有误"));
        };
        let rules = self.store.status_rules(user.tenant_id).await?;
        let saved =
            self.store.save_target(user.tenant_id, task, target, &new, self.recount(&rules), self.actor(user)).await;
        self.forget_figures();
        Ok(saved?)
    }

    /// Deletes a target of a task.
    pub async fn delete_target(&self, user: &User, task: TaskId, target: TargetId) -> Result<()> {
        self.editable_plan_of(user, task).await?;
        let rules = self.store.status_rules(user.tenant_id).await?;
        let done = self.store.delete_target(user.tenant_id, task, target, self.recount(&rules), self.actor(user)).await;
        self.forget_figures();
        Ok(done?)
    }

    /// Moves a task with its sub-tasks under `parent` (top level when `None`).
    pub async fn move_task(&self, user: &User, id: TaskId, parent: Option<TaskId>) -> Result<()> {
        self.editable_plan_of(user, id).await?;
        let rules = self.store.status_rules(user.tenant_id).await?;
        let done = self.store.move_task(user.tenant_id, id, parent, self.recount(&rules), self.actor(user)).await;
        self.forget_figures();
        Ok(done?)
    }

    /// Splits a task's text after `position` characters: the task keeps the
    /// first part, a new sibling right after it takes the rest (same
    /// responsibility and dates, no targets). Returns the new task.
    pub async fn split_task(&self, user: &User, id: TaskId, position: &str) -> Result<TaskId> {
        self.editable_plan_of(user, id).await?;
        let length = self.store.task(user.tenant_id, id).await?.map_or(0, |t| t.task.title.chars().count());
        let at = match position.trim().parse::<usize>() {
            Ok(at) if at >= 1 && at < length => at,
            _ => {
                let message = format!("拆分位置应为1到{}之间的整数（第几个字之后）", length.saturating_sub(1));
                return Err(AppError::field("position", "out_of_range", message));
            }
        };
        let rules = self.store.status_rules(user.tenant_id).await?;
        let done = self.store.split_task(user.tenant_id, id, at, self.recount(&rules), self.actor(user)).await;
        self.forget_figures();
        Ok(done?)
    }

    /// Merges the next sibling into a task (text, targets, sub-tasks); one
    /// that holds reports is refused.
    pub async fn merge_task_with_next(&self, user: &User, id: TaskId) -> Result<()> {
        self.editable_plan_of(user, id).await?;
        let rules = self.store.status_rules(user.tenant_id).await?;
        let done = self.store.merge_with_next(user.tenant_id, id, self.recount(&rules), self.actor(user)).await;
        self.forget_figures();
        done.map(|_| ()).map_err(|e| match e {
            qingdan_storage::StorageError::NotFound(qingdan_storage::Entity::Task) => {
                AppError::field("merge", "last", "这是同级最后一项，没有下一项可合并")
            }
            qingdan_storage::StorageError::Conflict(qingdan_storage::Conflict::HasReports) => AppError::field(
                "merge",
                "has_reports",
                "不能合并：同级下一项任务已有报送记录，报送记录不能并入其他任务",
            ),
            other => other.into(),
        })
    }

    /// Deletes a task (with its sub-tasks, targets and reports) to the
    /// 回收站; the office (督查室) can restore it.
    pub async fn delete_task(&self, user: &User, id: TaskId) -> Result<()> {
        self.editable_plan_of(user, id).await?;
        let rules = self.store.status_rules(user.tenant_id).await?;
        let done = self.store.delete_task(user.tenant_id, id, self.recount(&rules), self.actor(user)).await;
        self.forget_figures();
        Ok(done?)
    }

    /// 回收站: the deleted tasks, for the office.
    pub async fn deleted_tasks(&self, user: &User) -> Result<Vec<DeletedTask>> {
        require_supervisor(user)?;
        Ok(self.store.deleted_tasks(user.tenant_id).await?)
    }

    /// Puts a deleted task back where it stood (the office): under its old
    /// parent, on its old place among the siblings when still free, else
    /// after the last one ([`RestoredPlace`] says which). Refused while its
    /// parent is in the 回收站 too (restore that first), and into an archived
    /// plan ([`crate::ARCHIVED_PLAN`]).
    pub async fn restore_task(&self, user: &User, id: TaskId) -> Result<RestoredPlace> {
        require_supervisor(user)?;
        let rules = self.store.status_rules(user.tenant_id).await?;
        let done = self.store.restore_task(user.tenant_id, id, self.recount(&rules), self.actor(user)).await;
        self.forget_figures();
        Ok(done?)
    }

    /// Sets the lead org and/or lead leader of the chosen tasks of a plan in
    /// one step. The rules of 责任分工 hold after it as on the single task's
    /// form (`Responsibility::faults`): an owner who does not work in the new
    /// lead org is cleared, and the new lead org leaves the supporting orgs;
    /// the answer names those tasks.
    pub async fn bulk_assign(
        &self,
        user: &User,
        plan: PlanId,
        ids: &[TaskId],
        lead_org: Option<OrgId>,
        lead_leader: Option<UserId>,
    ) -> Result<BulkLead> {
        require_supervisor(user)?;
        let plan = self.plan(user, plan).await?;
        require_editable(&plan)?;
        let mut invalid = Invalid::new();
        if ids.is_empty() {
            invalid.add("task_ids", "required", "请先勾选任务");
        }
        if lead_org.is_none() && lead_leader.is_none() {
            invalid.add("lead_org_id", "required", "请选择牵头单位或牵头领导");
        }
        if let Some(org) = lead_org {
            match self.store.org(user.tenant_id, org).await? {
                Some(o) if o.is_active => {}
                Some(o) => invalid.add("lead_org_id", "disabled", format!("“{}”已停用", o.name)),
                None => invalid.add("lead_org_id", "not_found", "牵头单位不存在"),
            }
        }
        if let Some(leader) = lead_leader {
            match self.store.user(user.tenant_id, leader).await? {
                Some(u) if u.role == Role::Leader => {}
                _ => invalid.add("lead_leader_id", "not_leader", "牵头领导须是领导角色的用户"),
            }
        }
        invalid.into_result()?;
        let changed =
            self.store.bulk_set_lead(user.tenant_id, plan.id, ids, lead_org, lead_leader, self.actor(user)).await;
        self.forget_figures();
        Ok(changed?)
    }

    /// Archives a plan (归档: read-only, listed apart) or publishes it again.
    pub async fn archive_plan(&self, user: &User, plan: PlanId, archived: bool) -> Result<()> {
        require_supervisor(user)?;
        let plan = self.plan(user, plan).await?;
        let status = if archived { PlanStatus::Archived } else { PlanStatus::Published };
        let done = self.store.set_plan_status(user.tenant_id, plan.id, status, self.actor(user)).await;
        self.plans.clear();
        self.forget_figures();
        Ok(done?)
    }

    /// The tenant's archived plans.
    pub async fn archived_plans(&self, user: &User) -> Result<Vec<Plan>> {
        Ok(self.store.archived_plans(user.tenant_id).await?)
    }

    /// The plan of a task the office may change: not archived, not deleted.
    async fn editable_plan_of(&self, user: &User, id: TaskId) -> Result<Plan> {
        require_supervisor(user)?;
        let item = self.task(user, id).await?;
        let plan = self.plan(user, item.task.plan_id).await?;
        require_editable(&plan)?;
        Ok(plan)
    }

    /// Recounts under `rules` as of today.
    pub(crate) fn recount<'a>(&self, rules: &'a qingdan_domain::StatusRules) -> Recount<'a> {
        Recount { rules, today: self.clock.today() }
    }

    /// Counts and maps cached from before a change are stale.
    fn forget_figures(&self) {
        self.counts.clear();
        self.dashboards.clear();
    }

    /// Renumbers each plan in which an old fault left two tasks on one place
    /// and counts its figures again; run at start (`Store::mend_shared_places`).
    pub async fn mend_shared_places(&self) -> Result<Vec<MendedPlan>> {
        let mended = self.store.mend_shared_places(self.system_actor(), self.clock.today()).await?;
        if !mended.is_empty() {
            self.forget_figures();
        }
        Ok(mended)
    }
}

/// A plan that takes changes and reports: a draft or a published one.
pub(crate) fn require_editable(plan: &Plan) -> Result<()> {
    match plan.status {
        PlanStatus::Draft | PlanStatus::Published => Ok(()),
        PlanStatus::Archived => Err(AppError::Conflict(crate::error::ARCHIVED_PLAN.into())),
        PlanStatus::Trash => Err(AppError::Conflict(crate::error::DELETED_TASK.into())),
    }
}
