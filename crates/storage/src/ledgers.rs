//! 台账 (ledgers): whole files of orgs, users or tasks imported in one
//! transaction each (all rows or none, with an audit event per row and one for
//! the file), and a plan's ledger read back in pages of tree order for export.

use crate::admin::users::insert_user;
use crate::audit::{event, record};
use crate::error::{Entity, Unique};
use crate::plans::editing::{Recount, recount_up};
use crate::plans::tasks::{TargetRow, insert_task, supporting_org_ids};
use crate::rows::{LEAF, code};
use crate::store::{in_tx, lock_plan, on_pool};
use crate::{Actor, NewTask, NewUser, Result, StorageError, Store};
use chrono::NaiveDate;
use qingdan_domain::{Light, OrgId, OrgKind, Period, PlanId, ReportStatus, Target, TaskId, TenantId};
use serde_json::json;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Width of one step of `sort_path` (as in `tasks.rs`).
const PATH_STEP: usize = 6;

/// Where an imported org hangs in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerParent<Id> {
    /// At the top.
    Top,
    /// Under a row stored before the import.
    Existing(Id),
    /// Under an earlier row of the same file (its index in the slice).
    Earlier(usize),
}

/// An org row of a ledger file.
#[derive(Debug, Clone)]
pub struct LedgerOrg {
    pub name: String,
    pub kind: OrgKind,
    pub parent: LedgerParent<OrgId>,
    pub sort_order: i64,
}

/// A task row of a ledger file, with its targets. `task.parent_id` is ignored:
/// the parent is `parent` (an existing task of the plan or an earlier row).
#[derive(Debug, Clone)]
pub struct LedgerTask {
    pub parent: LedgerParent<TaskId>,
    pub task: NewTask,
}

/// Which page of a plan's ledger to read.
#[derive(Debug, Clone)]
pub struct LedgerQuery {
    pub tenant_id: TenantId,
    pub plan_id: PlanId,
    /// Only tasks this org leads or supports (a reporter's view).
    pub visible_to: Option<OrgId>,
    /// The period whose report of the lead org is read.
    pub period: Period,
    /// The `sort_path` of the last task of the previous page (`""` for the first).
    pub after: String,
    pub limit: u32,
}

/// One task of a ledger page with everything the ledger shows.
#[derive(Debug, Clone)]
pub struct LedgerItem {
    pub id: TaskId,
    pub number: String,
    pub title: String,
    pub depth: i32,
    /// Where the next page starts.
    pub sort_path: String,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    /// No task hangs under it: it reports (a section's figures are its sub-tasks').
    pub is_leaf: bool,
    pub percent_done: i64,
    pub light: Light,
    pub lead_org_name: Option<String>,
    pub lead_leader_name: Option<String>,
    pub owner_name: Option<String>,
    pub supporting_org_ids: Vec<OrgId>,
    /// The lead org's report for the period: status, and narrative and problems
    /// when accepted (empty while it waits for review or after it was returned).
    pub report: Option<(ReportStatus, String, String)>,
    pub targets: Vec<Target>,
}

#[derive(sqlx::FromRow)]
struct LedgerRow {
    id: i64,
    number: String,
    title: String,
    depth: i64,
    sort_path: String,
    start_date: NaiveDate,
    deadline: NaiveDate,
    is_leaf: bool,
    percent_done: i64,
    light: String,
    lead_org_name: Option<String>,
    lead_leader_name: Option<String>,
    owner_name: Option<String>,
    supporting: Option<String>,
    report_status: Option<String>,
    report_narrative: Option<String>,
    report_problems: Option<String>,
}

/// Only tasks that org `$5` leads or supports.
const VISIBLE: &str = " AND (tasks.lead_org_id = $5 OR EXISTS (SELECT 1 FROM task_supporting_orgs s \
     WHERE s.task_id = tasks.id AND s.org_id = $5))";

impl Store {
    /// Creates the orgs of a ledger file, all or none; returns their ids in order.
    /// A name taken in the tenant is a `Conflict`.
    pub async fn import_ledger_orgs(
        &self,
        tenant: TenantId,
        orgs: &[LedgerOrg],
        file_name: &str,
        actor: Actor,
    ) -> Result<Vec<OrgId>> {
        let ids = in_tx!(self, tx => {
            let mut ids: Vec<i64> = Vec::with_capacity(orgs.len());
            for org in orgs {
                let parent = match org.parent {
                    LedgerParent::Top => None,
                    LedgerParent::Existing(id) => Some(id.0),
                    LedgerParent::Earlier(i) => Some(*ids.get(i).ok_or(StorageError::NotFound(Entity::Org))?),
                };
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO orgs (tenant_id, parent_id, name, kind, sort_order) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(tenant.0)
                .bind(parent)
                .bind(&org.name)
                .bind(org.kind.code())
                .bind(org.sort_order)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| StorageError::unique_as_conflict(e, Unique::OrgName))?;
                let after = json!({"name": org.name, "kind": org.kind.code(), "parent_id": parent, "source": file_name});
                record!(tx, event(tenant, actor, "org", id, "import", None, Some(after)));
                ids.push(id);
            }
            let summary = json!({"kind": "orgs", "file": file_name, "rows": orgs.len()});
            record!(tx, event(tenant, actor, "ledger_import", 0, "import_orgs", None, Some(summary)));
            ids
        });
        Ok(ids.into_iter().map(OrgId).collect())
    }

    /// Creates the users of a ledger file, all or none. A username taken (in any
    /// tenant) is a `Conflict`.
    pub async fn import_ledger_users(
        &self,
        tenant: TenantId,
        users: &[NewUser],
        file_name: &str,
        actor: Actor,
    ) -> Result<usize> {
        in_tx!(self, tx => {
            for new in users {
                let id: i64 = insert_user!(tx, tenant, new)?;
                let after = json!({"username": new.username, "display_name": new.display_name, "role": new.role.code(),
                    "org_id": new.org_id, "source": file_name});
                record!(tx, event(tenant, actor, "user", id, "import", None, Some(after)));
            }
            let summary = json!({"kind": "users", "file": file_name, "rows": users.len()});
            record!(tx, event(tenant, actor, "ledger_import", 0, "import_users", None, Some(summary)));
        });
        Ok(users.len())
    }

    /// Adds the tasks of a ledger file to a plan, all or none: top-level rows
    /// after the plan's last top-level task, the others under their parent,
    /// in file order; existing parents' figures and their ancestors' are
    /// computed again. Returns the new ids in order.
    pub async fn import_ledger_tasks(
        &self,
        tenant: TenantId,
        plan: PlanId,
        tasks: &[LedgerTask],
        file_name: &str,
        recount: Recount<'_>,
        actor: Actor,
    ) -> Result<Vec<TaskId>> {
        let ids = in_tx!(self, tx => {
            // Places are counted from the plan's rows: one writer per plan (PostgreSQL).
            lock_plan!(tx, tenant, plan.0);
            // Per new task: its sort_path, depth and children so far.
            let mut placed: Vec<(i64, String, i64, i64)> = Vec::with_capacity(tasks.len());
            // Children so far of existing parents (None = the plan's top level).
            let mut existing: HashMap<Option<i64>, (String, i64, i64)> = HashMap::new();
            for row in tasks {
                let (prefix, depth, sibling) = match row.parent {
                    LedgerParent::Earlier(i) => {
                        let parent = placed.get_mut(i).ok_or(StorageError::NotFound(Entity::ParentTask))?;
                        parent.3 += 1;
                        (format!("{}.", parent.1), parent.2 + 1, parent.3)
                    }
                    LedgerParent::Top | LedgerParent::Existing(_) => {
                        let key = match row.parent {
                            LedgerParent::Existing(id) => Some(id.0),
                            _ => None,
                        };
                        let slot = match existing.entry(key) {
                            Entry::Occupied(slot) => slot.into_mut(),
                            Entry::Vacant(slot) => {
                            let (prefix, depth) = match key {
                                None => (String::new(), 0),
                                Some(parent) => {
                                    let found: Option<(String, i64)> = sqlx::query_as(
                                        "SELECT sort_path, depth FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND id = $3",
                                    )
                                    .bind(tenant.0)
                                    .bind(plan.0)
                                    .bind(parent)
                                    .fetch_optional(&mut *tx)
                                    .await?;
                                    let (path, depth) = found.ok_or(StorageError::NotFound(Entity::ParentTask))?;
                                    (format!("{path}."), depth + 1)
                                }
                            };
                            let count: i64 = match key {
                                Some(parent) => sqlx::query_scalar("SELECT COUNT(*) FROM tasks WHERE tenant_id = $1 AND parent_id = $2")
                                    .bind(tenant.0)
                                    .bind(parent)
                                    .fetch_one(&mut *tx)
                                    .await?,
                                None => sqlx::query_scalar("SELECT COUNT(*) FROM tasks WHERE tenant_id = $1 AND plan_id = $2 AND parent_id IS NULL")
                                    .bind(tenant.0)
                                    .bind(plan.0)
                                    .fetch_one(&mut *tx)
                                    .await?,
                            };
                                slot.insert((prefix, depth, count))
                            }
                        };
                        slot.2 += 1;
                        (slot.0.clone(), slot.1, slot.2)
                    }
                };
                let parent_id = match row.parent {
                    LedgerParent::Top => None,
                    LedgerParent::Existing(id) => Some(id.0),
                    LedgerParent::Earlier(i) => placed.get(i).map(|p| p.0),
                };
                let new = NewTask { tenant_id: tenant, plan_id: plan, parent_id: parent_id.map(TaskId), ..row.task.clone() };
                let sort_path = format!("{prefix}{sibling:0width$}", width = PATH_STEP);
                let id: i64 = insert_task!(tx, new, depth, &sort_path);
                let after = json!({"number": new.number, "title": new.title, "deadline": new.deadline,
                    "targets": new.targets.len(), "source": file_name});
                record!(tx, event(tenant, actor, "task", id, "import", None, Some(after)));
                placed.push((id, sort_path, depth, 0));
            }
            // Existing tasks that were given children: their figures and their ancestors' now count them.
            for parent in existing.into_keys().flatten() {
                recount_up!(tx, tenant, parent, recount);
            }
            let summary = json!({"kind": "tasks", "file": file_name, "rows": tasks.len()});
            record!(tx, event(tenant, actor, "ledger_import", plan.0, "import_tasks", None, Some(summary)));
            placed.into_iter().map(|p| TaskId(p.0)).collect::<Vec<_>>()
        });
        Ok(ids)
    }

    /// One page of a plan's ledger in tree order, after `query.after`.
    pub async fn ledger_page(&self, query: &LedgerQuery) -> Result<Vec<LedgerItem>> {
        let visible = if query.visible_to.is_some() { VISIBLE } else { "" };
        let limit = query.limit.max(1);
        let sql = format!(
            "SELECT tasks.id, tasks.number, tasks.title, tasks.depth, tasks.sort_path, tasks.start_date, tasks.deadline, \
             {LEAF} AS is_leaf, tasks.percent_done, tasks.light, lo.name AS lead_org_name, ll.display_name AS lead_leader_name, \
             ow.display_name AS owner_name, \
             (SELECT string_agg(CAST(s.org_id AS TEXT), ',' ORDER BY s.org_id) FROM task_supporting_orgs s \
              WHERE s.task_id = tasks.id) AS supporting, \
             r.status AS report_status, \
             CASE WHEN r.status = 'accepted' THEN r.narrative END AS report_narrative, \
             CASE WHEN r.status = 'accepted' THEN r.problems END AS report_problems \
             FROM tasks \
             LEFT JOIN orgs lo ON lo.id = tasks.lead_org_id \
             LEFT JOIN users ll ON ll.id = tasks.lead_leader_id \
             LEFT JOIN users ow ON ow.id = tasks.owner_id \
             LEFT JOIN progress_reports r ON r.task_id = tasks.id AND r.org_id = tasks.lead_org_id AND r.period = $3 \
             WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2 AND tasks.sort_path > $4{visible} \
             ORDER BY tasks.sort_path LIMIT {limit}"
        );
        let rows: Vec<LedgerRow> = on_pool!(self, pool => {
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(query.tenant_id.0)
                .bind(query.plan_id.0)
                .bind(query.period.to_string())
                .bind(&query.after);
            let q = match query.visible_to { Some(org) => q.bind(org.0), None => q };
            q.fetch_all(pool).await?
        });
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return Ok(Vec::new()) };
        let targets_sql = format!(
            "SELECT targets.id, targets.task_id, targets.metric, targets.value, targets.unit, targets.comparator, \
             targets.baseline, targets.deadline, targets.actual FROM targets JOIN tasks ON tasks.id = targets.task_id \
             WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2 AND tasks.sort_path >= $3 AND tasks.sort_path <= $4{visible} \
             ORDER BY tasks.sort_path, targets.id"
        );
        let (from, to) = (first.sort_path.clone(), last.sort_path.clone());
        let target_rows: Vec<TargetRow> = on_pool!(self, pool => {
            let q = sqlx::query_as(sqlx::AssertSqlSafe(targets_sql))
                .bind(query.tenant_id.0)
                .bind(query.plan_id.0)
                .bind(&from)
                .bind(&to);
            let q = match query.visible_to { Some(org) => q.bind(org.0), None => q };
            q.fetch_all(pool).await?
        });
        let mut targets = target_rows.into_iter().peekable();
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let mut own = Vec::new();
            // Targets come in the same tree order as the tasks.
            while let Some(t) = targets.next_if(|t| t.task_id() == row.id) {
                own.push(t.into_target()?);
            }
            let supporting = supporting_org_ids(row.supporting.as_deref())?;
            let report = match row.report_status {
                Some(status) => Some((
                    code("progress_reports", &status, ReportStatus::from_code)?,
                    row.report_narrative.unwrap_or_default(),
                    row.report_problems.unwrap_or_default(),
                )),
                None => None,
            };
            items.push(LedgerItem {
                id: TaskId(row.id),
                number: row.number,
                title: row.title,
                depth: i32::try_from(row.depth).map_err(|e| StorageError::corrupt("tasks", e))?,
                sort_path: row.sort_path,
                start_date: row.start_date,
                deadline: row.deadline,
                is_leaf: row.is_leaf,
                percent_done: row.percent_done,
                light: code("tasks", &row.light, Light::from_code)?,
                lead_org_name: row.lead_org_name,
                lead_leader_name: row.lead_leader_name,
                owner_name: row.owner_name,
                supporting_org_ids: supporting,
                report,
                targets: own,
            });
        }
        Ok(items)
    }
}
