//! A published list mended: a task's text, weight and dates; its targets;
//! its place in the tree; bulk responsibility; deletion to the 回收站 and
//! restoring; archiving a plan. Each change is audited with what it was and
//! what it became, and every figure it touches is computed again at once:
//! the task's work progress (from its targets and its newest accepted
//! report, or from its children) and each ancestor's, with their lights.

use crate::audit::{event, record};
use crate::error::Entity;
use crate::plans::tasks::{NewTarget, PATH_STEP, TASK_SELECT, TaskRow, place_under, task_in_tx, task_targets};
use crate::store::{in_tx, lock_plan, lock_plan_of, on_pool};
use crate::{Actor, Result, StorageError, Store};
use chrono::NaiveDate;
use qingdan_domain::{
    OrgId, PlanId, PlanStatus, ResponsibilityFault, StatusRules, Target, TargetId, TaskId, TenantId, UserId,
};
use serde_json::json;

/// Target `$target` of task `$task` as transaction `$tx` sees it, after the
/// plan's lock; `NotFound` when the task has no such target (any more).
macro_rules! target_in_tx {
    ($tx:ident, $tenant:expr, $task:expr, $target:expr) => {
        task_targets!(&mut *$tx, $tenant.0, $task.0)
            .into_iter()
            .find(|x: &Target| x.id == $target)
            .ok_or(StorageError::NotFound(Entity::Target))?
    };
}

/// What an office changes of a task itself.
#[derive(Debug, Clone)]
pub struct TaskChange {
    pub number: String,
    pub title: String,
    pub weight: qingdan_domain::Decimal,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
}

/// A task in the 回收站: where it stood, and who deleted it when.
#[derive(Debug, Clone)]
pub struct DeletedTask {
    pub task_id: TaskId,
    pub number: String,
    pub title: String,
    pub plan_id: PlanId,
    pub plan_title: String,
    /// Its plan is archived: it cannot be restored until the plan is published again.
    pub is_plan_archived: bool,
    pub deleted_by: Option<String>,
    pub deleted_at: chrono::DateTime<chrono::Utc>,
}

/// What [`Store::bulk_set_lead`] did: how many tasks changed, and the tasks
/// ("number title") whose owner it cleared or whose supporting orgs it left
/// without the new lead org.
#[derive(Debug, Clone, Default)]
pub struct BulkLead {
    pub changed: u64,
    pub owners_cleared: Vec<(TaskId, String)>,
    pub supporting_dropped: Vec<(TaskId, String)>,
}

/// Where [`Store::restore_task`] put a task back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoredPlace {
    /// Under its old parent, on its old place among the siblings.
    Original,
    /// Under its old parent, after the last sibling: its old place was taken
    /// meanwhile (or not known, for a task deleted before places were kept).
    Last,
}

/// Everything the figures of one edited task depend on; see [`Store::update_task`].
#[derive(Debug, Clone, Copy)]
pub struct Recount<'a> {
    pub rules: &'a StatusRules,
    pub today: NaiveDate,
}

/// Computes the work progress and light of task `$start` and of every
/// ancestor again from what is stored: a leaf from its targets and newest
/// accepted report, a parent from its children by weight.
macro_rules! recount_up {
    ($tx:ident, $tenant:expr, $start:expr, $recount:expr) => {{
        let mut next: Option<i64> = Some($start);
        while let Some(id) = next {
            let (start_date, deadline, parent): (chrono::NaiveDate, chrono::NaiveDate, Option<i64>) =
                sqlx::query_as("SELECT start_date, deadline, parent_id FROM tasks WHERE tenant_id = $1 AND id = $2")
                    .bind($tenant.0)
                    .bind(id)
                    .fetch_one(&mut *$tx)
                    .await?;
            let children: Vec<(String, i64)> =
                sqlx::query_as("SELECT weight, percent_done FROM tasks WHERE tenant_id = $1 AND parent_id = $2")
                    .bind($tenant.0)
                    .bind(id)
                    .fetch_all(&mut *$tx)
                    .await?;
            let percent = if children.is_empty() {
                let accepted: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT period, percent_done FROM progress_reports \
                     WHERE tenant_id = $1 AND task_id = $2 AND status = $3 AND is_lead = $4",
                )
                .bind($tenant.0)
                .bind(id)
                .bind(qingdan_domain::ReportStatus::Accepted.code())
                .bind(true)
                .fetch_all(&mut *$tx)
                .await?;
                let newest = accepted
                    .iter()
                    .filter_map(|(p, pct)| p.parse::<qingdan_domain::Period>().ok().map(|p| (p, *pct)))
                    .max_by_key(|(p, _)| *p)
                    .map(|(_, pct)| pct);
                let targets: Vec<qingdan_domain::Target> =
                    $crate::plans::tasks::task_targets!(&mut *$tx, $tenant.0, id);
                match newest {
                    Some(reported) => qingdan_domain::work_progress(&targets, reported),
                    None => 0,
                }
            } else {
                let parts = children
                    .iter()
                    .map(|(w, p)| Ok(($crate::rows::decimal("tasks", w)?, *p)))
                    .collect::<$crate::Result<Vec<_>>>()?;
                qingdan_domain::weighted_percent(&parts)
            };
            let light = $recount.rules.light(percent, start_date, deadline, $recount.today);
            sqlx::query("UPDATE tasks SET percent_done = $1, light = $2 WHERE tenant_id = $3 AND id = $4")
                .bind(percent)
                .bind(light.code())
                .bind($tenant.0)
                .bind(id)
                .execute(&mut *$tx)
                .await?;
            next = parent;
        }
    }};
}
pub(crate) use recount_up;

/// The sort path of a new last child of `$parent` (top level when `None`)
/// in plan `$plan`, and its depth: one past the greatest sibling's.
macro_rules! last_child_place {
    ($tx:ident, $tenant:expr, $plan:expr, $parent:expr) => {{
        let (prefix, depth, taken) = place_under!($tx, $tenant, $plan, $parent);
        (format!("{prefix}{:0width$}", taken + 1, width = PATH_STEP), depth)
    }};
}

/// Moves the subtree of `$id` (path `$old`, depth `$old_depth`) to plan
/// `$plan` under `$parent` at path `$new`, depth `$new_depth`.
macro_rules! move_subtree {
    ($tx:ident, $tenant:expr, $id:expr, $old:expr, $old_depth:expr, $plan:expr, $parent:expr, $new:expr, $new_depth:expr) => {{
        let from_plan: i64 = sqlx::query_scalar("SELECT plan_id FROM tasks WHERE tenant_id = $1 AND id = $2")
            .bind($tenant.0)
            .bind($id)
            .fetch_one(&mut *$tx)
            .await?;
        let len = i64::try_from($old.chars().count()).unwrap_or(0);
        sqlx::query(
            "UPDATE tasks SET plan_id = $1, sort_path = $2 || substr(sort_path, CAST($3 AS INTEGER)), depth = depth + $4 \
             WHERE tenant_id = $5 AND plan_id = $6 AND (sort_path = $7 OR sort_path LIKE $8)",
        )
        .bind($plan)
        .bind($new)
        .bind(len + 1)
        .bind($new_depth - $old_depth)
        .bind($tenant.0)
        .bind(from_plan)
        .bind($old)
        .bind(format!("{}.%", $old))
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE tasks SET parent_id = $1 WHERE tenant_id = $2 AND id = $3")
            .bind($parent)
            .bind($tenant.0)
            .bind($id)
            .execute(&mut *$tx)
            .await?;
    }};
}

impl Store {
    /// Changes a task's number, title, weight and dates; its figures and its
    /// ancestors' are computed again.
    pub async fn update_task(
        &self,
        tenant: TenantId,
        id: TaskId,
        change: &TaskChange,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            lock_plan_of!(tx, tenant, id.0);
            let before = task_in_tx!(tx, tenant, id).task;
            sqlx::query(
                "UPDATE tasks SET number = $1, title = $2, weight = $3, start_date = $4, deadline = $5 \
                 WHERE tenant_id = $6 AND id = $7",
            )
            .bind(&change.number)
            .bind(&change.title)
            .bind(change.weight.to_string())
            .bind(change.start_date)
            .bind(change.deadline)
            .bind(tenant.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            recount_up!(tx, tenant, id.0, recount);
            let old = json!({"number": before.number, "title": before.title, "weight": before.weight,
                             "start_date": before.start_date, "deadline": before.deadline});
            let new = json!({"number": change.number, "title": change.title, "weight": change.weight,
                             "start_date": change.start_date, "deadline": change.deadline});
            record!(tx, event(tenant, actor, "task", id.0, "update", Some(old), Some(new)));
        });
        Ok(())
    }

    /// Adds a target to a task, or (with `Some(target)`) changes one; the
    /// task's figures are computed again.
    pub async fn save_target(
        &self,
        tenant: TenantId,
        task: TaskId,
        target: Option<TargetId>,
        new: &NewTarget,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<TargetId> {
        let id = in_tx!(self, tx => {
            lock_plan_of!(tx, tenant, task.0);
            let before = match target {
                Some(t) => Some(target_in_tx!(tx, tenant, task, t)),
                None => None,
            };
            let id: i64 = match target {
                Some(t) => {
                    sqlx::query(
                        "UPDATE targets SET metric = $1, value = $2, unit = $3, comparator = $4, baseline = $5, deadline = $6 \
                         WHERE tenant_id = $7 AND task_id = $8 AND id = $9",
                    )
                    .bind(&new.metric).bind(new.value.to_string()).bind(&new.unit).bind(new.comparator.code())
                    .bind(new.baseline.map(|b| b.to_string())).bind(new.deadline)
                    .bind(tenant.0).bind(task.0).bind(t.0)
                    .execute(&mut *tx).await?;
                    t.0
                }
                None => sqlx::query_scalar(
                    "INSERT INTO targets (tenant_id, task_id, metric, value, unit, comparator, baseline, deadline) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(tenant.0).bind(task.0).bind(&new.metric).bind(new.value.to_string()).bind(&new.unit)
                .bind(new.comparator.code()).bind(new.baseline.map(|b| b.to_string())).bind(new.deadline)
                .fetch_one(&mut *tx).await?,
            };
            recount_up!(tx, tenant, task.0, recount);
            let old = before.as_ref().map(|t| json!({"metric": t.metric, "value": t.value, "unit": t.unit, "comparator": t.comparator.code()}));
            let after = json!({"task_id": task, "metric": new.metric, "value": new.value, "unit": new.unit, "comparator": new.comparator.code()});
            let action = if before.is_some() { "update" } else { "create" };
            record!(tx, event(tenant, actor, "target", id, action, old, Some(after)));
            id
        });
        Ok(TargetId(id))
    }

    /// Deletes a target of a task (its actual with it); the task's figures
    /// are computed again.
    pub async fn delete_target(
        &self,
        tenant: TenantId,
        task: TaskId,
        target: TargetId,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            lock_plan_of!(tx, tenant, task.0);
            let before = target_in_tx!(tx, tenant, task, target);
            sqlx::query("DELETE FROM report_actuals WHERE target_id = $1").bind(target.0).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM targets WHERE tenant_id = $1 AND task_id = $2 AND id = $3")
                .bind(tenant.0).bind(task.0).bind(target.0).execute(&mut *tx).await?;
            recount_up!(tx, tenant, task.0, recount);
            let old = json!({"task_id": task, "metric": before.metric, "value": before.value, "unit": before.unit,
                             "comparator": before.comparator.code(), "actual": before.actual});
            record!(tx, event(tenant, actor, "target", target.0, "delete", Some(old), None));
        });
        Ok(())
    }

    /// Moves a task with its sub-tasks under `parent` (the plan's top level
    /// when `None`), after the last child there. Moving a task under itself or
    /// one of its own sub-tasks is a `Conflict`.
    pub async fn move_task(
        &self,
        tenant: TenantId,
        id: TaskId,
        parent: Option<TaskId>,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            lock_plan_of!(tx, tenant, id.0);
            let task = task_in_tx!(tx, tenant, id).task;
            let (old_path, old_depth): (String, i64) =
                sqlx::query_as("SELECT sort_path, depth FROM tasks WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0).bind(id.0).fetch_one(&mut *tx).await?;
            if let Some(p) = parent {
                let path: Option<String> =
                    sqlx::query_scalar("SELECT sort_path FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND id = $3")
                        .bind(tenant.0).bind(task.plan_id.0).bind(p.0).fetch_optional(&mut *tx).await?;
                let path = path.ok_or(StorageError::NotFound(Entity::ParentTask))?;
                if path == old_path || path.starts_with(&format!("{old_path}.")) {
                    return Err(StorageError::Conflict(crate::Conflict::MoveUnderItself));
                }
            }
            let (new_path, new_depth) = last_child_place!(tx, tenant, task.plan_id.0, parent.map(|p| p.0));
            move_subtree!(tx, tenant, id.0, &old_path, old_depth, task.plan_id.0, parent.map(|p| p.0), &new_path, new_depth);
            if let Some(old_parent) = task.parent_id {
                recount_up!(tx, tenant, old_parent.0, recount);
            }
            recount_up!(tx, tenant, id.0, recount);
            let old = json!({"parent_id": task.parent_id});
            let new = json!({"parent_id": parent});
            record!(tx, event(tenant, actor, "task", id.0, "move", Some(old), Some(new)));
        });
        Ok(())
    }

    /// Splits a task's text at character `at`: the task keeps the first part
    /// (with its targets, reports and sub-tasks); a new sibling right after it
    /// takes the rest, with the same responsibility, weight and dates.
    pub async fn split_task(
        &self,
        tenant: TenantId,
        id: TaskId,
        at: usize,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<TaskId> {
        let new_id = in_tx!(self, tx => {
            lock_plan_of!(tx, tenant, id.0);
            let task = task_in_tx!(tx, tenant, id).task;
            let (first, rest): (String, String) =
                (task.title.chars().take(at).collect(), task.title.chars().skip(at).collect());
            if first.trim().is_empty() || rest.trim().is_empty() {
                return Err(StorageError::Conflict(crate::Conflict::TaskChanged));
            }
            sqlx::query("UPDATE tasks SET title = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(first.trim()).bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            let (path, depth) = last_child_place!(tx, tenant, task.plan_id.0, task.parent_id.map(|p| p.0));
            let new_id: i64 = sqlx::query_scalar(
                "INSERT INTO tasks (tenant_id, plan_id, parent_id, number, title, weight, depth, sort_path, start_date, deadline, \
                 lead_leader_id, lead_org_id, owner_id, percent_done, light) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14) RETURNING id",
            )
            .bind(tenant.0).bind(task.plan_id.0).bind(task.parent_id.map(|p| p.0)).bind("")
            .bind(rest.trim()).bind(task.weight.to_string()).bind(depth).bind(&path)
            .bind(task.start_date).bind(task.deadline)
            .bind(task.responsibility.lead_leader_id.map(|u| u.0)).bind(task.responsibility.lead_org_id.map(|o| o.0))
            .bind(task.responsibility.owner_id.map(|u| u.0)).bind(recount.rules.light(0, task.start_date, task.deadline, recount.today).code())
            .fetch_one(&mut *tx).await?;
            for org in &task.responsibility.supporting_org_ids {
                sqlx::query("INSERT INTO task_supporting_orgs (tenant_id, task_id, org_id) VALUES ($1, $2, $3)")
                    .bind(tenant.0).bind(new_id).bind(org.0).execute(&mut *tx).await?;
            }
            // The new sibling goes right after the task: later siblings move one place down.
            let after: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, sort_path FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND id <> $3 \
                 AND ((parent_id IS NULL AND $4 = 0) OR parent_id = $4) ORDER BY sort_path",
            )
            .bind(tenant.0).bind(task.plan_id.0).bind(new_id).bind(task.parent_id.map_or(0, |p| p.0))
            .fetch_all(&mut *tx).await?;
            let mine = after.iter().position(|(t, _)| *t == id.0).unwrap_or(after.len());
            let mut order: Vec<i64> = after.iter().map(|(t, _)| *t).collect();
            order.insert((mine + 1).min(order.len()), new_id);
            let paths: Vec<String> = after.iter().map(|(_, p)| p.clone()).chain(std::iter::once(path.clone())).collect();
            let mut sorted = paths.clone();
            sorted.sort();
            // Park every sibling's subtree on a temporary path, then lay them out in order.
            for (i, sibling) in order.iter().enumerate() {
                let (old, d): (String, i64) = sqlx::query_as("SELECT sort_path, depth FROM tasks WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0).bind(sibling).fetch_one(&mut *tx).await?;
                let parked = format!("~{i:06}");
                move_subtree!(tx, tenant, *sibling, &old, d, task.plan_id.0, task.parent_id.map(|p| p.0), &parked, d);
            }
            for (i, sibling) in order.iter().enumerate() {
                let (old, d): (String, i64) = sqlx::query_as("SELECT sort_path, depth FROM tasks WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0).bind(sibling).fetch_one(&mut *tx).await?;
                let target = sorted.get(i).cloned().unwrap_or_default();
                move_subtree!(tx, tenant, *sibling, &old, d, task.plan_id.0, task.parent_id.map(|p| p.0), &target, d);
            }
            if let Some(parent) = task.parent_id {
                recount_up!(tx, tenant, parent.0, recount);
            }
            let after_json = json!({"split_from": id, "title": rest.trim()});
            record!(tx, event(tenant, actor, "task", new_id, "split", Some(json!({"title": task.title})), Some(after_json)));
            new_id
        });
        Ok(TaskId(new_id))
    }

    /// Merges the next sibling into a task: its text is appended, its targets
    /// and sub-tasks move over, and it is removed. A sibling that holds
    /// reports is refused (`Conflict`): reports cannot be joined.
    pub async fn merge_with_next(
        &self,
        tenant: TenantId,
        id: TaskId,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<TaskId> {
        let next = in_tx!(self, tx => {
            lock_plan_of!(tx, tenant, id.0);
            let task = task_in_tx!(tx, tenant, id).task;
            let (path,): (String,) = sqlx::query_as("SELECT sort_path FROM tasks WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(id.0).fetch_one(&mut *tx).await?;
            let next: Option<(i64, String, String)> = sqlx::query_as(
                "SELECT id, title, sort_path FROM tasks WHERE tenant_id = $1 AND plan_id = $2 \
                 AND ((parent_id IS NULL AND $3 = 0) OR parent_id = $3) AND sort_path > $4 ORDER BY sort_path LIMIT 1",
            )
            .bind(tenant.0).bind(task.plan_id.0).bind(task.parent_id.map_or(0, |p| p.0)).bind(&path)
            .fetch_optional(&mut *tx).await?;
            let (next, title, _) = next.ok_or(StorageError::NotFound(Entity::Task))?;
            let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM progress_reports WHERE tenant_id = $1 AND task_id = $2")
                .bind(tenant.0).bind(next).fetch_one(&mut *tx).await?;
            if reports > 0 {
                return Err(StorageError::Conflict(crate::Conflict::HasReports));
            }
            sqlx::query("UPDATE tasks SET title = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(format!("{}{}", task.title, title)).bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            sqlx::query("UPDATE targets SET task_id = $1 WHERE tenant_id = $2 AND task_id = $3")
                .bind(id.0).bind(tenant.0).bind(next).execute(&mut *tx).await?;
            let children: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT id, sort_path, depth FROM tasks WHERE tenant_id = $1 AND parent_id = $2 ORDER BY sort_path",
            )
            .bind(tenant.0).bind(next).fetch_all(&mut *tx).await?;
            for (child, old, depth) in children {
                let (new_path, new_depth) = last_child_place!(tx, tenant, task.plan_id.0, Some(id.0));
                move_subtree!(tx, tenant, child, &old, depth, task.plan_id.0, Some(id.0), &new_path, new_depth);
            }
            sqlx::query("DELETE FROM task_supporting_orgs WHERE tenant_id = $1 AND task_id = $2")
                .bind(tenant.0).bind(next).execute(&mut *tx).await?;
            sqlx::query("UPDATE assignments SET source_task_id = $1 WHERE tenant_id = $2 AND source_task_id = $3")
                .bind(id.0).bind(tenant.0).bind(next).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM tasks WHERE tenant_id = $1 AND id = $2").bind(tenant.0).bind(next).execute(&mut *tx).await?;
            recount_up!(tx, tenant, id.0, recount);
            record!(tx, event(tenant, actor, "task", next, "merge", Some(json!({"title": title})), Some(json!({"into": id}))));
            next
        });
        Ok(TaskId(next))
    }

    /// Sets the lead org and/or lead leader of many tasks at once, in one
    /// transaction. Each task keeps the rules of 责任分工 as
    /// [`qingdan_domain::Responsibility::with_lead`] mends it: an owner who does not work in
    /// the new lead org is no longer its owner, and the new lead org leaves
    /// its supporting orgs; [`BulkLead`] says which tasks. Each task's audit
    /// event has what it had before, read under the plan's lock.
    pub async fn bulk_set_lead(
        &self,
        tenant: TenantId,
        plan: PlanId,
        ids: &[TaskId],
        lead_org: Option<OrgId>,
        lead_leader: Option<UserId>,
        actor: Actor,
    ) -> Result<BulkLead> {
        let done = in_tx!(self, tx => {
            lock_plan!(tx, tenant, plan.0);
            let mut done = BulkLead::default();
            for id in ids {
                let sql = format!("{TASK_SELECT} WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2 AND tasks.id = $3");
                let row: Option<TaskRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(tenant.0).bind(plan.0).bind(id.0).fetch_optional(&mut *tx).await?;
                let Some(row) = row else { continue };
                let task = row.into_item()?.task;
                let before = task.responsibility.clone();
                let owner_org: Option<i64> = match before.owner_id {
                    Some(owner) => sqlx::query_scalar("SELECT org_id FROM users WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant.0).bind(owner.0).fetch_optional(&mut *tx).await?,
                    None => None,
                };
                let (after, dropped) = before.with_lead(lead_org, lead_leader, owner_org.map(OrgId));
                sqlx::query(
                    "UPDATE tasks SET lead_org_id = $1, lead_leader_id = $2, owner_id = $3 \
                     WHERE tenant_id = $4 AND plan_id = $5 AND id = $6",
                )
                .bind(after.lead_org_id.map(|o| o.0)).bind(after.lead_leader_id.map(|u| u.0)).bind(after.owner_id.map(|u| u.0))
                .bind(tenant.0).bind(plan.0).bind(id.0)
                .execute(&mut *tx).await?;
                let label = format!("{} {}", task.number, task.title).trim().to_owned();
                for fault in dropped {
                    match fault {
                        ResponsibilityFault::OwnerOutsideLeadOrg => done.owners_cleared.push((*id, label.clone())),
                        ResponsibilityFault::LeadAlsoSupporting => {
                            sqlx::query("DELETE FROM task_supporting_orgs WHERE tenant_id = $1 AND task_id = $2 AND org_id = $3")
                                .bind(tenant.0).bind(id.0).bind(after.lead_org_id.map(|o| o.0))
                                .execute(&mut *tx).await?;
                            done.supporting_dropped.push((*id, label.clone()));
                        }
                    }
                }
                done.changed += 1;
                let mut after_json = json!(after);
                after_json["bulk"] = json!(true);
                record!(tx, event(tenant, actor, "task", id.0, "set_responsibility", Some(json!(before)), Some(after_json)));
            }
            done
        });
        Ok(done)
    }

    /// Deletes a task with its sub-tasks, targets and reports into the
    /// tenant's 回收站 (a plan no page lists), remembering where it stood;
    /// [`Store::restore_task`] puts it back. The ancestors' figures are
    /// computed again without it.
    pub async fn delete_task(&self, tenant: TenantId, id: TaskId, recount: Recount<'_>, actor: Actor) -> Result<()> {
        self.delete_tasks(tenant, &[id], false, recount, actor).await
    }

    /// Deletes several tasks (each with its subtree) to the 回收站 in one
    /// transaction: undoing a ledger import. With `only_unreported`, a
    /// subtree that holds any report refuses the whole step (`Conflict`).
    pub async fn delete_tasks(
        &self,
        tenant: TenantId,
        ids: &[TaskId],
        only_unreported: bool,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<()> {
        let trash = self.trash_plan(tenant).await?;
        in_tx!(self, tx => {
            for id in ids {
                let task: Option<(i64, Option<i64>, String, i64, String, String)> = sqlx::query_as(
                    "SELECT plan_id, parent_id, sort_path, depth, number, title FROM tasks WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant.0).bind(id.0).fetch_optional(&mut *tx).await?;
                let (plan, parent, old_path, old_depth, number, title) = task.ok_or(StorageError::NotFound(Entity::Task))?;
                if plan == trash.0 {
                    return Err(StorageError::NotFound(Entity::Task));
                }
                lock_plan_of!(tx, tenant, id.0);
                if only_unreported {
                    let reports: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM progress_reports r JOIN tasks t ON t.id = r.task_id \
                         WHERE t.tenant_id = $1 AND t.plan_id = $2 AND (t.sort_path = $3 OR t.sort_path LIKE $4)",
                    )
                    .bind(tenant.0).bind(plan).bind(&old_path).bind(format!("{old_path}.%"))
                    .fetch_one(&mut *tx).await?;
                    if reports > 0 {
                        return Err(StorageError::Conflict(crate::Conflict::HasReports));
                    }
                }
                let (new_path, _) = last_child_place!(tx, tenant, trash.0, None::<i64>);
                move_subtree!(tx, tenant, id.0, &old_path, old_depth, trash.0, None::<i64>, &new_path, 0_i64);
                sqlx::query(
                    "INSERT INTO deleted_tasks (tenant_id, task_id, plan_id, parent_id, deleted_by, deleted_at, sort_path) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(tenant.0).bind(id.0).bind(plan).bind(parent)
                .bind(actor.user_id.map(|u| u.0)).bind(actor.at).bind(&old_path)
                .execute(&mut *tx).await?;
                if let Some(parent) = parent {
                    recount_up!(tx, tenant, parent, recount);
                }
                let old = json!({"plan_id": plan, "parent_id": parent, "number": number, "title": title});
                record!(tx, event(tenant, actor, "task", id.0, "delete", Some(old), None));
            }
        });
        Ok(())
    }

    /// Puts a deleted task back where it stood: under its old parent, on its
    /// old place among the siblings when that place is still free (else after
    /// the last sibling; [`RestoredPlace`] says which). A task whose parent is
    /// in the 回收站 too is refused (`Conflict::ParentDeleted`): it comes back
    /// under that parent once the parent is restored. A plan archived is
    /// refused (`Conflict::PlanArchived`), read under the plan's lock.
    pub async fn restore_task(
        &self,
        tenant: TenantId,
        id: TaskId,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<RestoredPlace> {
        let trash = self.trash_plan(tenant).await?;
        let place = in_tx!(self, tx => {
            let row: Option<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
                "SELECT plan_id, parent_id, sort_path FROM deleted_tasks WHERE tenant_id = $1 AND task_id = $2",
            )
            .bind(tenant.0).bind(id.0).fetch_optional(&mut *tx).await?;
            let (plan, parent, old_place) = row.ok_or(StorageError::NotFound(Entity::Task))?;
            lock_plan!(tx, tenant, plan);
            let status: String = sqlx::query_scalar("SELECT status FROM plans WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(plan).fetch_one(&mut *tx).await?;
            if status == PlanStatus::Archived.code() {
                return Err(StorageError::Conflict(crate::Conflict::PlanArchived));
            }
            let parent: Option<i64> = match parent {
                Some(p) => {
                    let at: Option<i64> = sqlx::query_scalar("SELECT plan_id FROM tasks WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant.0).bind(p).fetch_optional(&mut *tx).await?;
                    match at {
                        Some(at) if at == plan => Some(p),
                        Some(at) if at == trash.0 => return Err(StorageError::Conflict(crate::Conflict::ParentDeleted)),
                        // Gone from the plan some other way: the plan's top level.
                        _ => None,
                    }
                }
                None => None,
            };
            let (old_path, old_depth): (String, i64) =
                sqlx::query_as("SELECT sort_path, depth FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND id = $3")
                    .bind(tenant.0).bind(trash.0).bind(id.0).fetch_one(&mut *tx).await?;
            // Its old place among the siblings: the last step of its old path, under the parent's path now.
            let (prefix, depth, _) = place_under!(tx, tenant, plan, parent);
            let wanted = old_place.as_deref().and_then(|p| p.rsplit('.').next()).map(|step| format!("{prefix}{step}"));
            let is_free = match &wanted {
                Some(path) => {
                    let taken: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND sort_path = $3",
                    )
                    .bind(tenant.0).bind(plan).bind(path).fetch_one(&mut *tx).await?;
                    taken == 0
                }
                None => false,
            };
            let (new_path, new_depth, place) = match wanted {
                Some(path) if is_free => (path, depth, RestoredPlace::Original),
                _ => {
                    let (path, depth) = last_child_place!(tx, tenant, plan, parent);
                    (path, depth, RestoredPlace::Last)
                }
            };
            move_subtree!(tx, tenant, id.0, &old_path, old_depth, plan, parent, &new_path, new_depth);
            sqlx::query("DELETE FROM deleted_tasks WHERE tenant_id = $1 AND task_id = $2")
                .bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            recount_up!(tx, tenant, id.0, recount);
            let after = json!({"plan_id": plan, "parent_id": parent, "sort_path": new_path,
                               "original_place": place == RestoredPlace::Original});
            record!(tx, event(tenant, actor, "task", id.0, "restore", None, Some(after)));
            place
        });
        Ok(place)
    }

    /// The tasks in the 回收站, newest deletion first.
    pub async fn deleted_tasks(&self, tenant: TenantId) -> Result<Vec<DeletedTask>> {
        type Row = (i64, String, String, i64, String, String, Option<String>, chrono::DateTime<chrono::Utc>);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.task_id, t.number, t.title, d.plan_id, p.title, p.status, u.display_name, d.deleted_at \
                 FROM deleted_tasks d JOIN tasks t ON t.id = d.task_id JOIN plans p ON p.id = d.plan_id \
                 LEFT JOIN users u ON u.id = d.deleted_by WHERE d.tenant_id = $1 ORDER BY d.deleted_at DESC, d.task_id DESC",
            )
            .bind(tenant.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(task, number, title, plan, plan_title, status, by, at)| DeletedTask {
                task_id: TaskId(task),
                number,
                title,
                plan_id: PlanId(plan),
                plan_title,
                is_plan_archived: status == PlanStatus::Archived.code(),
                deleted_by: by,
                deleted_at: at,
            })
            .collect())
    }

    /// The tenant's 回收站 plan, made when first needed.
    pub async fn trash_plan(&self, tenant: TenantId) -> Result<PlanId> {
        let found: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM plans WHERE tenant_id = $1 AND status = $2")
                .bind(tenant.0).bind(PlanStatus::Trash.code()).fetch_optional(pool).await?
        });
        if let Some(id) = found {
            return Ok(PlanId(id));
        }
        let id: i64 = in_tx!(self, tx => {
            sqlx::query_scalar("INSERT INTO plans (tenant_id, year, title, status) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(tenant.0).bind(0_i64).bind("回收站").bind(PlanStatus::Trash.code())
                .fetch_one(&mut *tx).await?
        });
        Ok(PlanId(id))
    }

    /// Archives a plan (read-only, listed apart) or publishes it again.
    pub async fn set_plan_status(
        &self,
        tenant: TenantId,
        plan: PlanId,
        status: PlanStatus,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let done = sqlx::query("UPDATE plans SET status = $1 WHERE tenant_id = $2 AND id = $3 AND status <> $4")
                .bind(status.code()).bind(tenant.0).bind(plan.0).bind(PlanStatus::Trash.code())
                .execute(&mut *tx).await?;
            if done.rows_affected() == 0 {
                return Err(StorageError::NotFound(Entity::Plan));
            }
            record!(tx, event(tenant, actor, "plan", plan.0, status.code(), None, None));
        });
        Ok(())
    }
}
