//! 沿用清单: a new plan made from an existing plan of its tenant, in one
//! transaction. It takes the source's task tree (numbers, titles, weights,
//! order, parents), its targets without their actuals, each task's 责任分工
//! as far as its orgs and people are still in service, and its 报送安排; the
//! dates move to the new year (`qingdan_domain::plan_copy`). Reports,
//! progress, lights history and 督办 matters stay with the source, and the
//! tasks in the 回收站 are no longer in it. Either the plan exists with every
//! copied line, or nothing does.

use super::NewPlan;
use super::editing::Recount;
use super::tasks::{PATH_STEP, TASK_SELECT, TargetRow, TaskRow, insert_task};
use crate::audit::{event, record};
use crate::error::Entity;
use crate::store::{in_tx, lock_plan, on_pool};
use crate::{Actor, NewTarget, NewTask, Result, StorageError, Store};
use qingdan_domain::plan_copy::{InService, copied_dates, copied_target_deadline};
use qingdan_domain::{OrgId, Plan, PlanId, PlanStatus, Responsibility, Role, Target, Task, TaskId, UserId};
use serde_json::json;
use std::collections::HashMap;

/// A plan made by [`Store::create_plan_copying`], and how many tasks it took over.
#[derive(Debug, Clone)]
pub struct CopiedPlan {
    pub plan: Plan,
    pub tasks: usize,
}

/// How the copied tasks are dated and lit: the years between the plans,
/// the new plan's year, and the light rules of the day.
struct Copying<'a> {
    years: i32,
    plan: &'a NewPlan,
    plan_id: PlanId,
    recount: Recount<'a>,
}

impl Copying<'_> {
    /// Source task `task` with its `targets` as a task of the new plan,
    /// under `parent`, answered for by what of its responsibility `in_service` keeps.
    fn task(&self, task: &Task, targets: &[Target], parent: Option<TaskId>, in_service: &InService) -> NewTask {
        let (start, deadline) = copied_dates(task.start_date, task.deadline, self.years, self.plan.year);
        NewTask {
            tenant_id: self.plan.tenant_id,
            plan_id: self.plan_id,
            parent_id: parent,
            number: task.number.clone(),
            title: task.title.clone(),
            weight: task.weight,
            start_date: start,
            deadline,
            responsibility: in_service.keep(&task.responsibility),
            light: self.recount.rules.light(0, start, deadline, self.recount.today),
            targets: targets.iter().map(|t| self.target(t)).collect(),
        }
    }

    fn target(&self, target: &Target) -> NewTarget {
        NewTarget {
            metric: target.metric.clone(),
            value: target.value,
            unit: target.unit.clone(),
            comparator: target.comparator,
            baseline: target.baseline,
            deadline: target.deadline.map(|d| copied_target_deadline(d, self.years, self.plan.year)),
        }
    }
}

/// Where the copied tasks go: each source task's new id, sort path and
/// depth, and how many children each new parent has so far.
#[derive(Default)]
struct Places {
    copied: HashMap<i64, (TaskId, String, i64)>,
    children: HashMap<Option<TaskId>, i64>,
}

impl Places {
    /// The new parent, sort path and depth of a source task whose parent
    /// was `old_parent`: after the siblings placed before it, numbered from 1
    /// without the gaps deletions left in the source.
    fn next(&mut self, old_parent: Option<TaskId>) -> Result<(Option<TaskId>, String, i64)> {
        let (parent, prefix, depth) = match old_parent {
            None => (None, String::new(), 0),
            Some(old) => {
                let (id, path, depth) = self.copied.get(&old.0).ok_or(StorageError::NotFound(Entity::ParentTask))?;
                (Some(*id), format!("{path}."), depth + 1)
            }
        };
        let n = self.children.entry(parent).or_insert(0);
        *n += 1;
        Ok((parent, format!("{prefix}{:0width$}", *n, width = PATH_STEP), depth))
    }
}

/// The source plan's year, its row locked (PostgreSQL) so that no edit of
/// its tree commits while it is read; `NotFound` for no plan of the tenant
/// or the 回收站.
macro_rules! source_year {
    ($tx:ident, $tenant:expr, $source:expr) => {{
        lock_plan!($tx, $tenant, $source.0);
        let year: Option<i64> =
            sqlx::query_scalar("SELECT year FROM plans WHERE tenant_id = $1 AND id = $2 AND status <> $3")
                .bind($tenant.0)
                .bind($source.0)
                .bind(PlanStatus::Trash.code())
                .fetch_optional(&mut *$tx)
                .await?;
        let year = year.ok_or(StorageError::NotFound(Entity::Plan))?;
        i32::try_from(year).map_err(|e| StorageError::corrupt("plans", e))?
    }};
}

/// The orgs and people of the tenant still in service ([`InService`]).
macro_rules! in_service {
    ($tx:ident, $tenant:expr) => {{
        let orgs: Vec<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE tenant_id = $1 AND is_active = TRUE")
            .bind($tenant.0)
            .fetch_all(&mut *$tx)
            .await?;
        let people: Vec<(i64, i64, String)> =
            sqlx::query_as("SELECT id, org_id, role FROM users WHERE tenant_id = $1 AND is_active = TRUE")
                .bind($tenant.0)
                .fetch_all(&mut *$tx)
                .await?;
        InService {
            orgs: orgs.into_iter().map(OrgId).collect(),
            leaders: people
                .iter()
                .filter(|(_, _, role)| role == Role::Leader.code())
                .map(|(id, ..)| UserId(*id))
                .collect(),
            people: people.iter().map(|(id, org, _)| (UserId(*id), OrgId(*org))).collect(),
        }
    }};
}

/// The source plan's tasks in tree order, and each one's targets.
macro_rules! source_tree {
    ($tx:ident, $tenant:expr, $source:expr) => {{
        let sql = format!("{TASK_SELECT} WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2 ORDER BY tasks.sort_path");
        let rows: Vec<TaskRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind($tenant.0).bind($source.0).fetch_all(&mut *$tx).await?;
        let target_rows: Vec<TargetRow> = sqlx::query_as(
            "SELECT id, task_id, metric, value, unit, comparator, baseline, deadline, actual FROM targets \
             WHERE tenant_id = $1 AND task_id IN (SELECT id FROM tasks WHERE tenant_id = $1 AND plan_id = $2) ORDER BY id",
        )
        .bind($tenant.0)
        .bind($source.0)
        .fetch_all(&mut *$tx)
        .await?;
        let mut targets: HashMap<i64, Vec<Target>> = HashMap::new();
        for row in target_rows {
            targets.entry(row.task_id()).or_default().push(row.into_target()?);
        }
        let tasks = rows.into_iter().map(|r| Ok(r.into_item()?.task)).collect::<Result<Vec<Task>>>()?;
        (tasks, targets)
    }};
}

/// Gives plan `$plan` the 报送安排 of plan `$source`, if it has one of its own.
macro_rules! copy_schedule {
    ($tx:ident, $tenant:expr, $actor:expr, $plan:expr, $source:expr) => {{
        let copied: Option<(String, i64, i64)> = sqlx::query_as(
            "INSERT INTO reporting_cycles (plan_id, tenant_id, cycle, due_day, remind_days_before) \
             SELECT $1, tenant_id, cycle, due_day, remind_days_before FROM reporting_cycles \
             WHERE tenant_id = $2 AND plan_id = $3 RETURNING cycle, due_day, remind_days_before",
        )
        .bind($plan)
        .bind($tenant.0)
        .bind($source.0)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some((cycle, due_day, remind)) = copied {
            let after = json!({"cycle": cycle, "due_day": due_day, "remind_days_before": remind});
            record!($tx, event($tenant, $actor, "reporting_cycle", $plan, "set", None, Some(after)));
        }
    }};
}

impl Store {
    /// Creates plan `new` as a copy of plan `source` of the same tenant (沿用清单,
    /// see the module doc), in one transaction with an audit event per plan,
    /// task and responsibility: the plan's own says which plan it was copied
    /// from and how many tasks it took. The copied tasks are lit as new
    /// tasks are, by `recount`. `NotFound(Plan)` when the tenant has no such
    /// plan (the 回收站 is none).
    pub async fn create_plan_copying(
        &self,
        new: &NewPlan,
        source: PlanId,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<CopiedPlan> {
        let tenant = new.tenant_id;
        let (id, count): (i64, usize) = in_tx!(self, tx => {
            let source_year = source_year!(tx, tenant, source);
            let id: i64 = sqlx::query_scalar("INSERT INTO plans (tenant_id, year, title, status) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(tenant.0).bind(i64::from(new.year)).bind(&new.title).bind(new.status.code())
                .fetch_one(&mut *tx).await?;
            let in_service = in_service!(tx, tenant);
            let (tasks, targets) = source_tree!(tx, tenant, source);
            let copying = Copying { years: new.year - source_year, plan: new, plan_id: PlanId(id), recount };
            let mut places = Places::default();
            for task in &tasks {
                let (parent, path, depth) = places.next(task.parent_id)?;
                let copy = copying.task(task, targets.get(&task.id.0).map_or(&[], Vec::as_slice), parent, &in_service);
                let task_id: i64 = insert_task!(tx, copy, depth, &path);
                places.copied.insert(task.id.0, (TaskId(task_id), path, depth));
                let after = json!({"number": copy.number, "title": copy.title, "deadline": copy.deadline,
                    "targets": copy.targets.len(), "copied_from": task.id.0});
                record!(tx, event(tenant, actor, "task", task_id, "create", None, Some(after)));
                if copy.responsibility != Responsibility::default() {
                    let (before, after) = (json!(Responsibility::default()), json!(copy.responsibility));
                    record!(tx, event(tenant, actor, "task", task_id, "assign", Some(before), Some(after)));
                }
            }
            copy_schedule!(tx, tenant, actor, id, source);
            let after = json!({"year": new.year, "title": new.title, "status": new.status.code(),
                "copied_from": source.0, "tasks": tasks.len()});
            record!(tx, event(tenant, actor, "plan", id, "create", None, Some(after)));
            (id, tasks.len())
        });
        let plan = self.plan(tenant, PlanId(id)).await?.ok_or(StorageError::NotFound(Entity::Plan))?;
        Ok(CopiedPlan { plan, tasks: count })
    }

    /// How many tasks each plan of the tenant holds (the 回收站's aside),
    /// for the plans a new one may be copied from.
    pub async fn plan_task_counts(&self, tenant: qingdan_domain::TenantId) -> Result<HashMap<PlanId, i64>> {
        let rows: Vec<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT tasks.plan_id, COUNT(*) FROM tasks JOIN plans ON plans.id = tasks.plan_id \
                 WHERE tasks.tenant_id = $1 AND plans.status <> $2 GROUP BY tasks.plan_id",
            )
            .bind(tenant.0).bind(PlanStatus::Trash.code()).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(plan, n)| (PlanId(plan), n)).collect())
    }
}
