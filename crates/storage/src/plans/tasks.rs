//! Tasks (任务事项), their targets (指标) and responsibilities (责任分工).
//!
//! Tasks keep a `sort_path` ("000001.000003") so the tree comes out of one
//! indexed `ORDER BY`, and a page of it needs no recursion.

use super::editing::{Recount, recount_up};
use crate::audit::{event, record};
use crate::error::Entity;
use crate::rows::{LEAF, code, decimal, optional_decimal};
use crate::store::{in_tx, lock_plan, lock_plans_of_tasks, on_pool, row_to_change};
use crate::{Actor, Result, StorageError, Store};
use chrono::NaiveDate;
use qingdan_domain::{
    Comparator, Decimal, Light, OrgId, PlanId, PlanStatus, Responsibility, Target, TargetId, Task, TaskId, TenantId,
    UserId,
};
use serde_json::json;

/// A task to create, with its targets.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub tenant_id: TenantId,
    pub plan_id: PlanId,
    pub parent_id: Option<TaskId>,
    pub number: String,
    pub title: String,
    pub weight: Decimal,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    pub responsibility: Responsibility,
    pub light: Light,
    pub targets: Vec<NewTarget>,
}

#[derive(Debug, Clone)]
pub struct NewTarget {
    pub metric: String,
    pub value: Decimal,
    pub unit: String,
    pub comparator: Comparator,
    pub baseline: Option<Decimal>,
    pub deadline: Option<NaiveDate>,
}

/// Which tasks of a plan to list, and which page.
#[derive(Debug, Clone)]
pub struct TaskQuery {
    pub tenant_id: TenantId,
    pub plan_id: PlanId,
    /// Only tasks where this org leads or supports (a reporter's view).
    pub visible_to: Option<OrgId>,
    /// Only working tasks (leaves) of this light: the counts by light are of leaves.
    pub light: Option<Light>,
    pub lead_org: Option<OrgId>,
    /// Tasks whose title contains this text.
    pub text: Option<String>,
    /// Zero-based page number (ignored when `more.after` is set).
    pub page: u32,
    pub per_page: u32,
    /// The API's further conditions, order and keyset cursor.
    pub more: TaskConditions,
}

impl TaskQuery {
    /// The first page of `per_page` tasks of a plan, unfiltered, in tree order;
    /// a filtered list sets its fields over it (`..TaskQuery::whole_plan(…)`).
    pub fn whole_plan(tenant: TenantId, plan: PlanId, per_page: u32) -> TaskQuery {
        TaskQuery {
            tenant_id: tenant,
            plan_id: plan,
            visible_to: None,
            light: None,
            lead_org: None,
            text: None,
            page: 0,
            per_page,
            more: TaskConditions::default(),
        }
    }
}

/// Conditions of the API's task lists beyond the pages' own, with the order
/// and the keyset cursor. `Default` is none of them, in tree order.
#[derive(Debug, Clone, Default)]
pub struct TaskConditions {
    /// Only the direct children of this task.
    pub parent: Option<TaskId>,
    /// Only the descendants of this task (any depth).
    pub under: Option<TaskId>,
    pub owner: Option<UserId>,
    /// Only tasks whose percent done is within these bounds (inclusive).
    pub percent: Option<(i64, i64)>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    /// Only tasks with a target whose value is at least / at most this.
    pub target_min: Option<Decimal>,
    pub target_max: Option<Decimal>,
    pub sort: TaskSort,
    /// Keyset paging: only tasks after this one in `sort` order.
    pub after: Option<TaskId>,
}

impl TaskConditions {
    pub fn is_empty(&self) -> bool {
        self.parent.is_none()
            && self.under.is_none()
            && self.owner.is_none()
            && self.percent.is_none()
            && self.deadline_from.is_none()
            && self.deadline_to.is_none()
            && self.target_min.is_none()
            && self.target_max.is_none()
    }
}

/// The order of a task list. Every order ends on the task's id, so that a
/// keyset cursor (the last task's id) marks one place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskSort {
    /// The list's own order (序号), the tree depth-first.
    #[default]
    Tree,
    Deadline,
    DeadlineDesc,
    Percent,
    PercentDesc,
}

impl TaskSort {
    /// The codes of the API's `sort` parameter.
    pub const CODES: [(&'static str, TaskSort); 5] = [
        ("tree", TaskSort::Tree),
        ("deadline", TaskSort::Deadline),
        ("-deadline", TaskSort::DeadlineDesc),
        ("percent", TaskSort::Percent),
        ("-percent", TaskSort::PercentDesc),
    ];

    pub fn from_code(code: &str) -> Option<TaskSort> {
        Self::CODES.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
    }

    /// The ORDER BY of this sort.
    fn order_by(self) -> &'static str {
        match self {
            TaskSort::Tree => "tasks.sort_path",
            TaskSort::Deadline => "tasks.deadline, tasks.id",
            TaskSort::DeadlineDesc => "tasks.deadline DESC, tasks.id DESC",
            TaskSort::Percent => "tasks.percent_done, tasks.id",
            TaskSort::PercentDesc => "tasks.percent_done DESC, tasks.id DESC",
        }
    }

    /// The condition "after the task `$n`" in this order: a range on the
    /// sort column that an index can seek to, then the tie broken by id.
    fn after(self, n: usize) -> String {
        let of = |column: &str| format!("(SELECT c.{column} FROM tasks c WHERE c.tenant_id = $1 AND c.id = ${n})");
        let (column, ge, gt, id) = match self {
            TaskSort::Tree => return format!(" AND tasks.sort_path > {}", of("sort_path")),
            TaskSort::Deadline => ("deadline", ">=", ">", ">"),
            TaskSort::DeadlineDesc => ("deadline", "<=", "<", "<"),
            TaskSort::Percent => ("percent_done", ">=", ">", ">"),
            TaskSort::PercentDesc => ("percent_done", "<=", "<", "<"),
        };
        let key = of(column);
        format!(" AND tasks.{column} {ge} {key} AND (tasks.{column} {gt} {key} OR tasks.id {id} ${n})")
    }
}

/// What a report submission asks of its task ([`Store::report_basis`]).
#[derive(Debug, Clone, Copy)]
pub struct ReportBasis {
    pub plan_id: PlanId,
    pub start_date: NaiveDate,
    /// The org leads or supports the task.
    pub is_involved: bool,
    /// Tasks hang under it: a section, reported on through its sub-tasks.
    pub has_subtasks: bool,
}

/// A task with its direct sub-tasks (in order) and its ancestors (the root first).
#[derive(Debug, Clone)]
pub struct TaskFamilyRows {
    pub item: TaskListItem,
    pub children: Vec<TaskListItem>,
    pub ancestors: Vec<TaskListItem>,
}

/// The sort paths of a task's ancestors, the parent first: "1.2.3" has "1.2" and "1".
pub(crate) fn ancestor_paths(path: &str) -> Vec<String> {
    let mut out: Vec<String> = path.match_indices('.').map(|(i, _)| path[..i].to_owned()).collect();
    out.reverse();
    out
}

/// A task in a list, with its lead org's name for display.
#[derive(Debug, Clone)]
pub struct TaskListItem {
    pub task: Task,
    pub lead_org_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TaskPage {
    pub items: Vec<TaskListItem>,
    /// Tasks matching the query on all pages; for a text search, at most up to
    /// the end of this page (see `is_total_capped`).
    pub total: i64,
    /// More than `total` tasks match: a text search stopped counting at the end
    /// of this page.
    pub is_total_capped: bool,
}

/// How many working tasks (leaves) of a plan show each light, and how many
/// tasks it lists in all (its sections too).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LightCounts {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    pub overdue: i64,
    pub done: i64,
    /// Every task, sections included: the unfiltered list's total.
    pub listed: i64,
}

impl LightCounts {
    /// The working tasks (leaves), every light.
    pub fn total(&self) -> i64 {
        self.green + self.yellow + self.red + self.overdue + self.done
    }

    /// The count of one light.
    pub fn of(&self, light: Light) -> i64 {
        match light {
            Light::Green => self.green,
            Light::Yellow => self.yellow,
            Light::Red => self.red,
            Light::Overdue => self.overdue,
            Light::Done => self.done,
        }
    }
}

/// A task's light computed anew by the daily sweep, with what it was
/// computed from ([`Store::set_lights`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relit {
    pub id: TaskId,
    pub percent_done: i64,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    pub light: Light,
}

#[derive(sqlx::FromRow)]
pub(crate) struct TaskRow {
    id: i64,
    tenant_id: i64,
    plan_id: i64,
    parent_id: Option<i64>,
    number: String,
    title: String,
    weight: String,
    depth: i64,
    start_date: NaiveDate,
    deadline: NaiveDate,
    lead_leader_id: Option<i64>,
    lead_org_id: Option<i64>,
    owner_id: Option<i64>,
    percent_done: i64,
    light: String,
    lead_org_name: Option<String>,
    /// The supporting orgs' ids, comma-separated in ascending order.
    supporting: Option<String>,
    sort_path: String,
}

impl TaskRow {
    pub(crate) fn into_item(self) -> Result<TaskListItem> {
        let supporting = supporting_org_ids(self.supporting.as_deref())?;
        let task = Task {
            id: TaskId(self.id),
            tenant_id: TenantId(self.tenant_id),
            plan_id: PlanId(self.plan_id),
            parent_id: self.parent_id.map(TaskId),
            number: self.number,
            title: self.title,
            weight: decimal("tasks", &self.weight)?,
            depth: i32::try_from(self.depth).map_err(|e| StorageError::corrupt("tasks", e))?,
            start_date: self.start_date,
            deadline: self.deadline,
            responsibility: Responsibility {
                lead_leader_id: self.lead_leader_id.map(UserId),
                lead_org_id: self.lead_org_id.map(OrgId),
                supporting_org_ids: supporting,
                owner_id: self.owner_id.map(UserId),
            },
            percent_done: self.percent_done,
            light: code("tasks", &self.light, Light::from_code)?,
        };
        Ok(TaskListItem { task, lead_org_name: self.lead_org_name })
    }
}

/// The supporting orgs' ids as `string_agg` gives them: comma-separated, or none.
pub(crate) fn supporting_org_ids(text: Option<&str>) -> Result<Vec<OrgId>> {
    text.unwrap_or_default()
        .split(',')
        .filter(|id| !id.is_empty())
        .map(|id| id.parse().map(OrgId).map_err(|e| StorageError::corrupt("task_supporting_orgs", e)))
        .collect()
}

#[derive(sqlx::FromRow)]
pub(crate) struct TargetRow {
    id: i64,
    task_id: i64,
    metric: String,
    value: String,
    unit: String,
    comparator: String,
    baseline: Option<String>,
    deadline: Option<NaiveDate>,
    actual: Option<String>,
}

impl TargetRow {
    pub(crate) fn task_id(&self) -> i64 {
        self.task_id
    }

    pub(crate) fn into_target(self) -> Result<Target> {
        Ok(Target {
            id: TargetId(self.id),
            task_id: TaskId(self.task_id),
            metric: self.metric,
            value: decimal("targets", &self.value)?,
            unit: self.unit,
            comparator: code("targets", &self.comparator, Comparator::from_code)?,
            baseline: optional_decimal("targets", self.baseline.as_deref())?,
            deadline: self.deadline,
            actual: optional_decimal("targets", self.actual.as_deref())?,
        })
    }
}

pub(crate) const TASK_SELECT: &str = "SELECT tasks.id, tasks.tenant_id, tasks.plan_id, tasks.parent_id, tasks.number, tasks.title, \
     tasks.weight, tasks.depth, tasks.start_date, tasks.deadline, tasks.lead_leader_id, tasks.lead_org_id, \
     tasks.owner_id, tasks.percent_done, tasks.light, orgs.name AS lead_org_name, \
     (SELECT string_agg(CAST(s.org_id AS TEXT), ',' ORDER BY s.org_id) FROM task_supporting_orgs s \
      WHERE s.task_id = tasks.id) AS supporting, tasks.sort_path \
     FROM tasks LEFT JOIN orgs ON orgs.id = tasks.lead_org_id";

/// Width of one step of `sort_path`: up to a million siblings.
pub(crate) const PATH_STEP: usize = 6;

/// A bound parameter of a query whose conditions are built at run time.
enum Param {
    Int(i64),
    Text(String),
    Real(f64),
    Date(NaiveDate),
}

/// Binds `params` in order onto a query built from dynamic SQL.
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Int(v) => q.bind(*v),
                Param::Text(v) => q.bind(v.clone()),
                Param::Real(v) => q.bind(*v),
                Param::Date(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// The WHERE clause of a task query and its parameters, numbered from `$1`.
fn task_filter(query: &TaskQuery) -> (String, Vec<Param>) {
    let mut params = vec![Param::Int(query.tenant_id.0), Param::Int(query.plan_id.0)];
    let mut sql = String::from(" WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2");
    if let Some(org) = query.visible_to {
        params.push(Param::Int(org.0));
        let n = params.len();
        sql += &format!(
            " AND (tasks.lead_org_id = ${n} OR EXISTS (SELECT 1 FROM task_supporting_orgs s \
              WHERE s.task_id = tasks.id AND s.org_id = ${n}))"
        );
    }
    if let Some(light) = query.light {
        params.push(Param::Text(light.code().to_owned()));
        sql += &format!(" AND tasks.light = ${} AND {LEAF}", params.len());
    }
    if let Some(org) = query.lead_org {
        params.push(Param::Int(org.0));
        sql += &format!(" AND tasks.lead_org_id = ${}", params.len());
    }
    if let Some(text) = query.text.as_deref().filter(|t| !t.is_empty()) {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        params.push(Param::Text(format!("%{escaped}%")));
        sql += &format!(" AND tasks.title LIKE ${} ESCAPE '\\'", params.len());
    }
    more_conditions(&query.more, &mut sql, &mut params);
    (sql, params)
}

/// Adds the API's conditions (and the keyset cursor) to a task query's WHERE.
fn more_conditions(more: &TaskConditions, sql: &mut String, params: &mut Vec<Param>) {
    let mut push = |sql: &mut String, param: Param, condition: &dyn Fn(usize) -> String| {
        params.push(param);
        *sql += &condition(params.len());
    };
    if let Some(parent) = more.parent {
        push(sql, Param::Int(parent.0), &|n| format!(" AND tasks.parent_id = ${n}"));
    }
    if let Some(root) = more.under {
        // Descendants share the root's path and a '.': the range ('path.', 'path/').
        push(sql, Param::Int(root.0), &|n| {
            let path =
                format!("(SELECT r.sort_path FROM tasks r WHERE r.tenant_id = $1 AND r.plan_id = $2 AND r.id = ${n})");
            format!(" AND tasks.sort_path > {path} || '.' AND tasks.sort_path < {path} || '/'")
        });
    }
    if let Some(owner) = more.owner {
        push(sql, Param::Int(owner.0), &|n| format!(" AND tasks.owner_id = ${n}"));
    }
    if let Some((low, high)) = more.percent {
        push(sql, Param::Int(low), &|n| format!(" AND tasks.percent_done >= ${n}"));
        push(sql, Param::Int(high), &|n| format!(" AND tasks.percent_done <= ${n}"));
    }
    if let Some(from) = more.deadline_from {
        push(sql, Param::Date(from), &|n| format!(" AND tasks.deadline >= ${n}"));
    }
    if let Some(to) = more.deadline_to {
        push(sql, Param::Date(to), &|n| format!(" AND tasks.deadline <= ${n}"));
    }
    let target = |op: &str, n: usize| {
        format!(
            " AND EXISTS (SELECT 1 FROM targets g WHERE g.tenant_id = $1 AND g.task_id = tasks.id \
             AND CAST(g.value AS DOUBLE PRECISION) {op} ${n})"
        )
    };
    if let Some(min) = more.target_min {
        push(sql, Param::Real(f64::try_from(min).unwrap_or(f64::MAX)), &|n| target(">=", n));
    }
    if let Some(max) = more.target_max {
        push(sql, Param::Real(f64::try_from(max).unwrap_or(f64::MIN)), &|n| target("<=", n));
    }
    if let Some(after) = more.after {
        push(sql, Param::Int(after.0), &|n| more.sort.after(n));
    }
}

/// Task `$id` as transaction `$tx` sees it now; `NotFound` when the tenant
/// has none. A change that records or builds on what a task says (its
/// title, its parent) reads it here, after the plan's lock, not before the
/// transaction: another office's change committed in between is seen.
macro_rules! task_in_tx {
    ($tx:ident, $tenant:expr, $id:expr) => {{
        let sql = format!("{} WHERE tasks.tenant_id = $1 AND tasks.id = $2", $crate::plans::tasks::TASK_SELECT);
        let row: Option<$crate::plans::tasks::TaskRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind($tenant.0).bind($id.0).fetch_optional(&mut *$tx).await?;
        row.ok_or($crate::StorageError::NotFound($crate::error::Entity::Task))?.into_item()?
    }};
}
pub(crate) use task_in_tx;

/// The targets of task `$task` (an id) in the order they were written, read
/// on `$on` (a pool, or `&mut *tx` inside a transaction); evaluates to
/// `Vec<Target>`. Shared by `Store::targets`, the review's roll-up and the
/// editing that recomputes progress.
macro_rules! task_targets {
    ($on:expr, $tenant:expr, $task:expr) => {{
        let rows: Vec<$crate::plans::tasks::TargetRow> = sqlx::query_as(
            "SELECT id, task_id, metric, value, unit, comparator, baseline, deadline, actual FROM targets \
             WHERE tenant_id = $1 AND task_id = $2 ORDER BY id",
        )
        .bind($tenant)
        .bind($task)
        .fetch_all($on)
        .await?;
        rows.into_iter().map($crate::plans::tasks::TargetRow::into_target).collect::<Result<Vec<_>>>()?
    }};
}
pub(crate) use task_targets;

/// Inserts one task row with its supporting orgs and targets on `$tx`;
/// evaluates to the new id. Shared by `create_task` and `bulk_insert_tasks`.
macro_rules! insert_task {
    ($tx:expr, $new:expr, $depth:expr, $sort_path:expr) => {{
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tasks (tenant_id, plan_id, parent_id, number, title, weight, depth, sort_path, start_date, deadline, \
             lead_leader_id, lead_org_id, owner_id, percent_done, light) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind($new.tenant_id.0)
        .bind($new.plan_id.0)
        .bind($new.parent_id.map(|p| p.0))
        .bind(&$new.number)
        .bind(&$new.title)
        .bind($new.weight.to_string())
        .bind($depth)
        .bind($sort_path)
        .bind($new.start_date)
        .bind($new.deadline)
        .bind($new.responsibility.lead_leader_id.map(|u| u.0))
        .bind($new.responsibility.lead_org_id.map(|o| o.0))
        .bind($new.responsibility.owner_id.map(|u| u.0))
        .bind(0_i64)
        .bind($new.light.code())
        .fetch_one(&mut *$tx)
        .await?;
        for org in &$new.responsibility.supporting_org_ids {
            sqlx::query("INSERT INTO task_supporting_orgs (tenant_id, task_id, org_id) VALUES ($1, $2, $3)")
                .bind($new.tenant_id.0)
                .bind(id)
                .bind(org.0)
                .execute(&mut *$tx)
                .await?;
        }
        for target in &$new.targets {
            sqlx::query(
                "INSERT INTO targets (tenant_id, task_id, metric, value, unit, comparator, baseline, deadline) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind($new.tenant_id.0)
            .bind(id)
            .bind(&target.metric)
            .bind(target.value.to_string())
            .bind(&target.unit)
            .bind(target.comparator.code())
            .bind(target.baseline.map(|b| b.to_string()))
            .bind(target.deadline)
            .execute(&mut *$tx)
            .await?;
        }
        id
    }};
}
pub(crate) use insert_task;

/// Where a new child of `$parent` (an `Option<i64>`; the top level of plan
/// `$plan` when `None`) goes, on `$tx`: the sort-path prefix, its depth and
/// the highest place its siblings take (0 for none). The highest, not how
/// many: a sibling deleted to the 回收站 leaves a gap, and a count would give
/// the next child the place of one still there.
macro_rules! place_under {
    ($tx:ident, $tenant:expr, $plan:expr, $parent:expr) => {{
        let (prefix, depth): (String, i64) = match $parent {
            None => (String::new(), 0),
            Some(parent) => {
                let row: Option<(String, i64)> = sqlx::query_as(
                    "SELECT sort_path, depth FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND id = $3",
                )
                .bind($tenant.0)
                .bind($plan)
                .bind(parent)
                .fetch_optional(&mut *$tx)
                .await?;
                let (path, depth) = row.ok_or(StorageError::NotFound(Entity::ParentTask))?;
                (format!("{path}."), depth + 1)
            }
        };
        // Two statements, not one with an OR: each reads its index's last entry.
        let last: Option<String> = match $parent {
            Some(parent) => {
                sqlx::query_scalar("SELECT MAX(sort_path) FROM tasks WHERE tenant_id = $1 AND parent_id = $2")
                    .bind($tenant.0)
                    .bind(parent)
                    .fetch_one(&mut *$tx)
                    .await?
            }
            None => {
                sqlx::query_scalar(
                    "SELECT MAX(sort_path) FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND parent_id IS NULL",
                )
                .bind($tenant.0)
                .bind($plan)
                .fetch_one(&mut *$tx)
                .await?
            }
        };
        let taken = last.and_then(|p| p.rsplit('.').next().and_then(|s| s.parse::<i64>().ok())).unwrap_or(0);
        (prefix, depth, taken)
    }};
}
pub(crate) use place_under;

/// [`place_under!`] for a new task `$new`. Shared by `create_task` and
/// `bulk_insert_tasks`.
macro_rules! child_place {
    ($tx:ident, $new:expr) => {
        $crate::plans::tasks::place_under!($tx, $new.tenant_id, $new.plan_id.0, $new.parent_id.map(|p| p.0))
    };
}
#[cfg_attr(not(feature = "bulk"), allow(unused_imports))]
pub(crate) use child_place;

impl Store {
    /// Creates a task with its supporting orgs and targets, placed after its
    /// last sibling; its parent's figures and theirs up are computed again.
    pub async fn create_task(&self, new: &NewTask, recount: Recount<'_>, actor: Actor) -> Result<TaskId> {
        let ids = self.create_tasks(&[(new.clone(), None)], recount, actor).await?;
        ids.first().copied().ok_or(StorageError::NotFound(Entity::Task))
    }

    /// Creates tasks in one transaction, in order, each after its last
    /// sibling. A task paired with `Some(i)` goes under the `i`-th task of
    /// this batch (an earlier one), whatever its `parent_id` says. The
    /// figures of each existing task given children, and of its ancestors,
    /// are computed again (a new task counts 0 % in its parent's progress).
    pub async fn create_tasks(
        &self,
        news: &[(NewTask, Option<usize>)],
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<Vec<TaskId>> {
        let ids: Vec<TaskId> = in_tx!(self, tx => {
            let mut ids: Vec<TaskId> = Vec::with_capacity(news.len());
            let mut grown: Vec<(TenantId, i64)> = Vec::new();
            for (new, batch_parent) in news {
                let mut new = new.clone();
                match (batch_parent, new.parent_id) {
                    (Some(i), _) => new.parent_id = Some(*ids.get(*i).ok_or(StorageError::NotFound(Entity::ParentTask))?),
                    (None, Some(parent)) if !grown.contains(&(new.tenant_id, parent.0)) => grown.push((new.tenant_id, parent.0)),
                    _ => {}
                }
                // Concurrent creations under one parent must not take the same
                // place (PostgreSQL, READ COMMITTED): one plan's places are
                // taken one transaction at a time.
                lock_plan!(tx, new.tenant_id, new.plan_id.0);
                let (parent_path, depth, taken) = child_place!(tx, new);
                let sort_path = format!("{parent_path}{:0width$}", taken + 1, width = PATH_STEP);
                let id: i64 = insert_task!(tx, new, depth, &sort_path);
                let after = json!({"number": new.number, "title": new.title, "deadline": new.deadline, "targets": new.targets.len()});
                record!(tx, event(new.tenant_id, actor, "task", id, "create", None, Some(after)));
                if new.responsibility != Responsibility::default() {
                    let to_json = |a: &Responsibility| json!(a);
                    record!(tx, event(new.tenant_id, actor, "task", id, "assign", Some(to_json(&Responsibility::default())), Some(to_json(&new.responsibility))));
                }
                ids.push(TaskId(id));
            }
            for (tenant, parent) in grown {
                recount_up!(tx, tenant, parent, recount);
            }
            ids
        });
        Ok(ids)
    }

    pub async fn task(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskListItem>> {
        let sql = format!("{TASK_SELECT} WHERE tasks.tenant_id = $1 AND tasks.id = $2");
        let row: Option<TaskRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(TaskRow::into_item).transpose()
    }

    /// What a report submission asks of its task, in one query (`None` when
    /// the tenant has no such task): its plan and start, whether `org` leads
    /// or supports it, and whether any task hangs under it (a section).
    pub async fn report_basis(&self, tenant: TenantId, task: TaskId, org: OrgId) -> Result<Option<ReportBasis>> {
        let row: Option<(i64, NaiveDate, bool, bool)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT tasks.plan_id, tasks.start_date, COALESCE(tasks.lead_org_id = $3, FALSE) OR EXISTS \
                 (SELECT 1 FROM task_supporting_orgs s WHERE s.task_id = tasks.id AND s.org_id = $3), \
                 EXISTS (SELECT 1 FROM tasks c WHERE c.tenant_id = $1 AND c.parent_id = tasks.id) \
                 FROM tasks WHERE tasks.tenant_id = $1 AND tasks.id = $2",
            )
            .bind(tenant.0)
            .bind(task.0)
            .bind(org.0)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(plan, start_date, is_involved, has_subtasks)| ReportBasis {
            plan_id: PlanId(plan),
            start_date,
            is_involved,
            has_subtasks,
        }))
    }

    /// A task with its direct sub-tasks (in order) and its ancestors (the
    /// root first), in two queries: the ancestors' sort paths are the
    /// prefixes of the task's.
    pub async fn task_family(&self, tenant: TenantId, id: TaskId) -> Result<Option<TaskFamilyRows>> {
        let sql = format!("{TASK_SELECT} WHERE tasks.tenant_id = $1 AND tasks.id = $2");
        let row: Option<TaskRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        let Some(row) = row else { return Ok(None) };
        let ancestors = ancestor_paths(&row.sort_path);
        let list = (0..ancestors.len()).map(|i| format!("${}", i + 4)).collect::<Vec<_>>().join(", ");
        // Two index lookups, not one OR that a planner may turn into a scan of the plan.
        let up = if ancestors.is_empty() {
            String::new()
        } else {
            format!(
                " UNION ALL {TASK_SELECT} WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2 AND tasks.sort_path IN ({list})"
            )
        };
        let sql = format!(
            "{TASK_SELECT} WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2 AND tasks.parent_id = $3{up} ORDER BY sort_path"
        );
        let plan = row.plan_id;
        let rows: Vec<TaskRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(plan).bind(id.0);
            for path in &ancestors {
                query = query.bind(path.as_str());
            }
            query.fetch_all(pool).await?
        });
        let (children, ancestors): (Vec<TaskRow>, Vec<TaskRow>) =
            rows.into_iter().partition(|r| r.parent_id == Some(id.0));
        Ok(Some(TaskFamilyRows {
            item: row.into_item()?,
            children: children.into_iter().map(TaskRow::into_item).collect::<Result<_>>()?,
            ancestors: ancestors.into_iter().map(TaskRow::into_item).collect::<Result<_>>()?,
        }))
    }

    /// The direct sub-tasks of a task, in order.
    pub async fn child_tasks(&self, tenant: TenantId, parent: TaskId) -> Result<Vec<TaskListItem>> {
        let sql = format!("{TASK_SELECT} WHERE tasks.tenant_id = $1 AND tasks.parent_id = $2 ORDER BY tasks.sort_path");
        let rows: Vec<TaskRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(parent.0).fetch_all(pool).await?
        });
        rows.into_iter().map(TaskRow::into_item).collect()
    }

    /// A page of a plan's tasks in tree order, with the total that match.
    ///
    /// A text search does not count every match: no index serves `LIKE '%…%'`,
    /// so counting would read every title of the plan on every request. It
    /// reads one row past the page instead; when that row exists, the total is
    /// "more than this page's end" (`is_total_capped`).
    pub async fn tasks(&self, query: &TaskQuery) -> Result<TaskPage> {
        let is_search = query.text.as_deref().is_some_and(|t| !t.is_empty());
        if !is_search {
            let total = self.count_tasks(query).await?;
            return Ok(TaskPage { items: self.tasks_page(query).await?, total, is_total_capped: false });
        }
        let offset = i64::from(query.page) * i64::from(query.per_page);
        let per_page = usize::try_from(query.per_page).unwrap_or(usize::MAX);
        let mut items = self.task_rows(query, query.per_page.saturating_add(1), offset.unsigned_abs()).await?;
        if items.len() > per_page {
            items.truncate(per_page);
            return Ok(TaskPage { items, total: offset + i64::from(query.per_page), is_total_capped: true });
        }
        let total = if items.is_empty() && offset > 0 {
            // Past the last match: fewer than `offset` match, count them exactly.
            self.count_tasks_up_to(query, Some(offset)).await?
        } else {
            offset + i64::try_from(items.len()).unwrap_or(i64::MAX)
        };
        Ok(TaskPage { items, total, is_total_capped: false })
    }

    /// Counts the tasks matching a query (its page aside).
    pub async fn count_tasks(&self, query: &TaskQuery) -> Result<i64> {
        self.count_tasks_up_to(query, None).await
    }

    /// Counts the tasks matching a query, stopping at `cap` if given.
    async fn count_tasks_up_to(&self, query: &TaskQuery, cap: Option<i64>) -> Result<i64> {
        let (filter, params) = task_filter(query);
        let sql = match cap {
            Some(cap) => format!("SELECT COUNT(*) FROM (SELECT 1 FROM tasks{filter} LIMIT {cap}) capped"),
            None => format!("SELECT COUNT(*) FROM tasks{filter}"),
        };
        let counted: i64 = on_pool!(self, pool => {
            bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?
        });
        Ok(counted)
    }

    /// A page of a plan's tasks in tree order, when the caller already knows the total.
    pub async fn tasks_page(&self, query: &TaskQuery) -> Result<Vec<TaskListItem>> {
        self.task_rows(query, query.per_page, u64::from(query.page) * u64::from(query.per_page)).await
    }

    async fn task_rows(&self, query: &TaskQuery, limit: u32, offset: u64) -> Result<Vec<TaskListItem>> {
        let (filter, params) = task_filter(query);
        let list_sql =
            format!("{TASK_SELECT}{filter} ORDER BY {} LIMIT {limit} OFFSET {offset}", query.more.sort.order_by());
        let rows: Vec<TaskRow> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(list_sql)), &params).fetch_all(pool).await?
        });
        rows.into_iter().map(TaskRow::into_item).collect()
    }

    /// Counts a plan's working tasks (leaves) by light, and all its tasks,
    /// optionally only those visible to an org.
    pub async fn light_counts(&self, tenant: TenantId, plan: PlanId, visible_to: Option<OrgId>) -> Result<LightCounts> {
        let query = TaskQuery { visible_to, ..TaskQuery::whole_plan(tenant, plan, 0) };
        let (filter, params) = task_filter(&query);
        // One equality count per light walks the (tenant, plan, light) index in
        // five short ranges: about twice as fast on SQLite as GROUP BY over the
        // whole plan (docs/benchmarks.md). The light codes are our constants.
        let count = |light: Light| {
            format!("(SELECT COUNT(*) FROM tasks{filter} AND tasks.light = '{}' AND {LEAF})", light.code())
        };
        let sql = format!(
            "SELECT {}, {}, {}, {}, {}, (SELECT COUNT(*) FROM tasks{filter})",
            count(Light::Green),
            count(Light::Yellow),
            count(Light::Red),
            count(Light::Overdue),
            count(Light::Done)
        );
        let (green, yellow, red, overdue, done, listed): (i64, i64, i64, i64, i64, i64) = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?
        });
        Ok(LightCounts { green, yellow, red, overdue, done, listed })
    }

    /// The targets of a task, in the order they were written.
    pub async fn targets(&self, tenant: TenantId, task: TaskId) -> Result<Vec<Target>> {
        Ok(on_pool!(self, pool => task_targets!(pool, tenant.0, task.0)))
    }

    /// Replaces who answers for a task, recording the change.
    pub async fn set_responsibility(
        &self,
        tenant: TenantId,
        id: TaskId,
        responsibility: &Responsibility,
        actor: Actor,
    ) -> Result<()> {
        self.set_responsibilities(tenant, &[(id, responsibility.clone())], actor).await
    }

    /// Replaces who answers for each task, in one transaction, recording each
    /// change from what the task said before it. That is read inside the
    /// transaction, after the task's row is locked (on PostgreSQL; SQLite's
    /// writer is alone), so two offices assigning one task at once are saved
    /// one after the other, each recorded against the other's result. The
    /// tasks' plans are locked first, in id order, as every write to a plan's
    /// tasks does: an acceptance rolling up through the same rows waits its
    /// turn instead of deadlocking with it.
    pub async fn set_responsibilities(
        &self,
        tenant: TenantId,
        items: &[(TaskId, Responsibility)],
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            lock_plans_of_tasks!(tx, tenant, items.iter().map(|(id, _)| id.0));
            for (id, responsibility) in items {
                let leads: Option<(Option<i64>, Option<i64>, Option<i64>)> = row_to_change!(tx,
                    "SELECT lead_leader_id, lead_org_id, owner_id FROM tasks WHERE tenant_id = $1 AND id = $2", tenant.0, id.0);
                let (lead_leader, lead_org, owner) = leads.ok_or(StorageError::NotFound(Entity::Task))?;
                sqlx::query("UPDATE tasks SET lead_leader_id = $1, lead_org_id = $2, owner_id = $3 WHERE tenant_id = $4 AND id = $5")
                    .bind(responsibility.lead_leader_id.map(|u| u.0))
                    .bind(responsibility.lead_org_id.map(|o| o.0))
                    .bind(responsibility.owner_id.map(|u| u.0))
                    .bind(tenant.0)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                let mut supporting: Vec<i64> =
                    sqlx::query_scalar("DELETE FROM task_supporting_orgs WHERE tenant_id = $1 AND task_id = $2 RETURNING org_id")
                        .bind(tenant.0)
                        .bind(id.0)
                        .fetch_all(&mut *tx)
                        .await?;
                supporting.sort_unstable();
                for org in &responsibility.supporting_org_ids {
                    sqlx::query("INSERT INTO task_supporting_orgs (tenant_id, task_id, org_id) VALUES ($1, $2, $3)")
                        .bind(tenant.0)
                        .bind(id.0)
                        .bind(org.0)
                        .execute(&mut *tx)
                        .await?;
                }
                let before = Responsibility {
                    lead_leader_id: lead_leader.map(UserId),
                    lead_org_id: lead_org.map(OrgId),
                    supporting_org_ids: supporting.into_iter().map(OrgId).collect(),
                    owner_id: owner.map(UserId),
                };
                let to_json = |a: &Responsibility| json!(a);
                record!(tx, event(tenant, actor, "task", id.0, "assign", Some(to_json(&before)), Some(to_json(responsibility))));
            }
        });
        Ok(())
    }

    /// Every task's id, dates, progress and light, for recomputing lights;
    /// not those of archived plans, whose lights stay as they were archived,
    /// nor those in the 回收站 (a deleted task alerts nobody).
    pub async fn task_progress(&self, tenant: TenantId) -> Result<Vec<(TaskId, NaiveDate, NaiveDate, i64, Light)>> {
        let rows: Vec<(i64, NaiveDate, NaiveDate, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT tasks.id, tasks.start_date, tasks.deadline, tasks.percent_done, tasks.light \
                 FROM tasks JOIN plans ON plans.id = tasks.plan_id WHERE tasks.tenant_id = $1 AND plans.status NOT IN ($2, $3)",
            )
            .bind(tenant.0).bind(PlanStatus::Archived.code()).bind(PlanStatus::Trash.code()).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, start, end, pct, light)| {
                Ok((TaskId(id), start, end, pct, code("tasks", &light, Light::from_code)?))
            })
            .collect()
    }

    /// Stores new lights for tasks whose light changed with the date, each
    /// only if the task still has the progress and dates it was computed
    /// from: an acceptance or an edit committed since the sweep read them
    /// set a light of its own, which stands; a plan archived since keeps its
    /// lights, and so does a task in the 回收站. The tasks' plans are locked first, in id order, as every write
    /// to a plan's tasks does. Returns the lights stored.
    pub async fn set_lights(&self, tenant: TenantId, changes: &[Relit]) -> Result<Vec<(TaskId, Light)>> {
        let mut stored = Vec::with_capacity(changes.len());
        for chunk in changes.chunks(500) {
            in_tx!(self, tx => {
                lock_plans_of_tasks!(tx, tenant, chunk.iter().map(|change| change.id.0));
                for change in chunk {
                    let done = sqlx::query(
                        "UPDATE tasks SET light = $1 WHERE tenant_id = $2 AND id = $3 \
                         AND percent_done = $4 AND start_date = $5 AND deadline = $6 \
                         AND plan_id NOT IN (SELECT id FROM plans WHERE tenant_id = $2 AND status IN ($7, $8))",
                    )
                    .bind(change.light.code())
                    .bind(tenant.0)
                    .bind(change.id.0)
                    .bind(change.percent_done)
                    .bind(change.start_date)
                    .bind(change.deadline)
                    .bind(PlanStatus::Archived.code())
                    .bind(PlanStatus::Trash.code())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 1 {
                        stored.push((change.id, change.light));
                    }
                }
            });
        }
        Ok(stored)
    }
}
