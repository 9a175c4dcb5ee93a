//! 报告导入 (report imports): a work report's text with the draft tasks and
//! targets read from it, kept while a supervisor reviews them.
//!
//! A draft lives in its own tables (`report_imports`, `import_tasks`,
//! `import_targets`) so that nothing reaches a plan until it is published, and
//! a half-reviewed draft survives a restart. Publishing creates the plan, its
//! tasks and targets and marks the import published, all in one transaction.

use crate::audit::{event, record};
use crate::error::{Conflict, Entity};
use crate::rows::{code, decimal, optional_decimal};
use crate::store::{in_tx, on_pool};
use crate::{Actor, NewPlan, NewTask, Result, StorageError, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::{
    Comparator, Decimal, ImportId, ImportStatus, ImportTargetId, ImportTaskId, OrgId, PlanId, TenantId, UserId,
};
use serde_json::json;
use std::collections::HashMap;

/// An import to create, with its draft tasks.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub tenant_id: TenantId,
    pub created_by: UserId,
    pub file_name: String,
    pub source_text: String,
    pub plan_year: Option<i32>,
    pub tasks: Vec<NewImportTask>,
}

/// A draft task to store: its text and where it stands in the source (char offsets).
#[derive(Debug, Clone)]
pub struct NewImportTask {
    pub section: String,
    pub text: String,
    pub deadline: Option<NaiveDate>,
    pub lead_org_name: Option<String>,
    pub lead_org_id: Option<OrgId>,
    pub source_start: i64,
    pub source_end: i64,
    pub targets: Vec<NewImportTarget>,
}

/// A draft target to store. `source_offset`/`source_len` place its number in
/// the source text (chars); a target typed in by hand has no offset.
#[derive(Debug, Clone)]
pub struct NewImportTarget {
    pub metric: String,
    pub value: Decimal,
    pub unit: String,
    pub comparator: Comparator,
    pub baseline: Option<Decimal>,
    pub deadline: Option<NaiveDate>,
    pub source_offset: Option<i64>,
    pub source_len: i64,
}

/// An import without its tasks.
#[derive(Debug, Clone)]
pub struct ReportImport {
    pub id: ImportId,
    pub tenant_id: TenantId,
    pub plan_id: Option<PlanId>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub file_name: String,
    pub source_text: String,
    pub status: ImportStatus,
    pub plan_year: Option<i32>,
    /// How many times its drafts were changed ([`Store::publish_import`] names it).
    pub revision: i64,
}

/// One line of the tenant's list of imports.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    pub id: ImportId,
    pub file_name: String,
    pub created_at: DateTime<Utc>,
    pub status: ImportStatus,
    pub plan_id: Option<PlanId>,
    pub task_count: i64,
}

/// A stored draft task with its targets.
#[derive(Debug, Clone)]
pub struct ImportTask {
    pub id: ImportTaskId,
    pub import_id: ImportId,
    pub seq: i64,
    pub section: String,
    pub text: String,
    pub deadline: Option<NaiveDate>,
    pub lead_org_name: Option<String>,
    pub lead_org_id: Option<OrgId>,
    pub source_start: i64,
    pub source_end: i64,
    pub targets: Vec<ImportTarget>,
}

#[derive(Debug, Clone)]
pub struct ImportTarget {
    pub id: ImportTargetId,
    pub import_task_id: ImportTaskId,
    pub metric: String,
    pub value: Decimal,
    pub unit: String,
    pub comparator: Comparator,
    pub baseline: Option<Decimal>,
    pub deadline: Option<NaiveDate>,
    pub source_offset: Option<i64>,
    pub source_len: i64,
}

/// The reviewable fields of a draft task.
#[derive(Debug, Clone)]
pub struct ImportTaskEdit {
    pub section: String,
    pub text: String,
    pub deadline: Option<NaiveDate>,
    pub lead_org_id: Option<OrgId>,
    pub lead_org_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ImportRow {
    id: i64,
    tenant_id: i64,
    plan_id: Option<i64>,
    created_by: i64,
    created_at: DateTime<Utc>,
    file_name: String,
    source_text: String,
    status: String,
    plan_year: Option<i64>,
    revision: i64,
}

/// id, file name, created at, status, plan id, task count.
type SummaryRow = (i64, String, DateTime<Utc>, String, Option<i64>, i64);

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    import_id: i64,
    seq: i64,
    section: String,
    text: String,
    deadline: Option<NaiveDate>,
    lead_org_name: Option<String>,
    lead_org_id: Option<i64>,
    source_start: i64,
    source_end: i64,
}

impl TaskRow {
    fn into_task(self, targets: Vec<ImportTarget>) -> ImportTask {
        ImportTask {
            id: ImportTaskId(self.id),
            import_id: ImportId(self.import_id),
            seq: self.seq,
            section: self.section,
            text: self.text,
            deadline: self.deadline,
            lead_org_name: self.lead_org_name,
            lead_org_id: self.lead_org_id.map(OrgId),
            source_start: self.source_start,
            source_end: self.source_end,
            targets,
        }
    }
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: i64,
    import_task_id: i64,
    metric: String,
    value: String,
    unit: String,
    comparator: String,
    baseline: Option<String>,
    deadline: Option<NaiveDate>,
    source_offset: Option<i64>,
    source_len: i64,
}

impl TargetRow {
    fn into_target(self) -> Result<ImportTarget> {
        Ok(ImportTarget {
            id: ImportTargetId(self.id),
            import_task_id: ImportTaskId(self.import_task_id),
            metric: self.metric,
            value: decimal("import_targets", &self.value)?,
            unit: self.unit,
            comparator: code("import_targets", &self.comparator, Comparator::from_code)?,
            baseline: optional_decimal("import_targets", self.baseline.as_deref())?,
            deadline: self.deadline,
            source_offset: self.source_offset,
            source_len: self.source_len,
        })
    }
}

const TASK_COLUMNS: &str =
    "id, import_id, seq, section, text, deadline, lead_org_name, lead_org_id, source_start, source_end";
const TARGET_COLUMNS: &str = "import_targets.id, import_targets.import_task_id, import_targets.metric, import_targets.value, import_targets.unit, \
     import_targets.comparator, import_targets.baseline, import_targets.deadline, import_targets.source_offset, import_targets.source_len";

/// Inserts one draft task and its targets on `$tx`; evaluates to its id.
macro_rules! insert_task {
    ($tx:expr, $tenant:expr, $import:expr, $seq:expr, $task:expr) => {{
        let t: &NewImportTask = $task;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO import_tasks (tenant_id, import_id, seq, section, text, deadline, lead_org_name, lead_org_id, source_start, source_end) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind($tenant)
        .bind($import)
        .bind($seq)
        .bind(&t.section)
        .bind(&t.text)
        .bind(t.deadline)
        .bind(t.lead_org_name.as_deref())
        .bind(t.lead_org_id.map(|o| o.0))
        .bind(t.source_start)
        .bind(t.source_end)
        .fetch_one(&mut *$tx)
        .await?;
        for target in &t.targets {
            insert_target!($tx, $tenant, id, target);
        }
        id
    }};
}

/// Inserts one draft target on `$tx`; evaluates to its id.
macro_rules! insert_target {
    ($tx:expr, $tenant:expr, $task:expr, $target:expr) => {{
        let t: &NewImportTarget = $target;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO import_targets (tenant_id, import_task_id, metric, value, unit, comparator, baseline, deadline, source_offset, source_len) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind($tenant)
        .bind($task)
        .bind(&t.metric)
        .bind(t.value.to_string())
        .bind(&t.unit)
        .bind(t.comparator.code())
        .bind(t.baseline.map(|b| b.to_string()))
        .bind(t.deadline)
        .bind(t.source_offset)
        .bind(t.source_len)
        .fetch_one(&mut *$tx)
        .await?;
        id
    }};
}

/// Draft target `$id` as `$tx` sees it, for an audit event's before
/// ([`target_json`]'s fields); `NotFound` when there is none.
macro_rules! draft_target_json {
    ($tx:ident, $tenant:expr, $id:expr) => {{
        let row: Option<TargetRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TARGET_COLUMNS} FROM import_targets WHERE import_targets.tenant_id = $1 AND import_targets.id = $2"
        )))
        .bind($tenant.0)
        .bind($id.0)
        .fetch_optional(&mut *$tx)
        .await?;
        let t = row.ok_or(StorageError::NotFound(Entity::ImportTarget))?.into_target()?;
        fields_json(&t.metric, t.value, &t.unit, t.comparator, t.baseline, t.deadline)
    }};
}

fn target_json(t: &NewImportTarget) -> serde_json::Value {
    fields_json(&t.metric, t.value, &t.unit, t.comparator, t.baseline, t.deadline)
}

/// A draft target's fields as its audit events record them.
fn fields_json(
    metric: &str,
    value: Decimal,
    unit: &str,
    comparator: Comparator,
    baseline: Option<Decimal>,
    deadline: Option<NaiveDate>,
) -> serde_json::Value {
    json!({"metric": metric, "value": value.to_string(), "unit": unit, "comparator": comparator.code(),
           "baseline": baseline.map(|b| b.to_string()), "deadline": deadline})
}

/// Where a draft task is cut ([`Store::split_import_task`]): the text the
/// cut was chosen on, its two halves, and the source offset of the cut.
#[derive(Debug, Clone, Copy)]
pub struct DraftSplit<'a> {
    pub of: &'a str,
    pub first: &'a str,
    pub second: &'a str,
    pub at: i64,
}

/// Takes the turn of the import `$import` names (an SQL expression over `$1`,
/// the tenant, and `$2`, bound to `$bind`) in `$tx` and counts one more change
/// of its drafts: an UPDATE of its row, which PostgreSQL holds locked to the
/// commit. `NotFound($missing)` when there is no such import,
/// `Conflict::ImportPublished` when it is no longer a draft.
macro_rules! touch_import {
    ($tx:ident, $tenant:expr, $import:expr, $bind:expr, $missing:expr) => {{
        let status: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "UPDATE report_imports SET revision = revision + 1 WHERE tenant_id = $1 AND id = {} RETURNING status",
            $import
        )))
        .bind($tenant.0)
        .bind($bind)
        .fetch_optional(&mut *$tx)
        .await?;
        match status {
            None => return Err(StorageError::NotFound($missing)),
            Some(status) if status != ImportStatus::Draft.code() => {
                return Err(StorageError::Conflict(Conflict::ImportPublished));
            }
            Some(_) => {}
        }
    }};
}

/// The import of draft task `$2` ([`touch_import!`]).
const IMPORT_OF_TASK: &str = "(SELECT import_id FROM import_tasks WHERE tenant_id = $1 AND id = $2)";

/// The import of draft target `$2` ([`touch_import!`]).
const IMPORT_OF_TARGET: &str = "(SELECT t.import_id FROM import_targets g JOIN import_tasks t ON t.id = g.import_task_id \
     WHERE g.tenant_id = $1 AND g.id = $2)";

/// Draft task `$id` with its targets as transaction `$tx` sees it, after
/// taking its import's turn ([`touch_import!`]): two edits of one import's drafts, such as
/// merging a task into its neighbour while the neighbour is merged on, run
/// one after the other, each on what the other left. `NotFound` when there
/// is no such draft, `Conflict::ImportPublished` when its import is no
/// longer a draft.
macro_rules! draft_task_in_tx {
    ($tx:ident, $tenant:expr, $id:expr) => {{
        touch_import!($tx, $tenant, IMPORT_OF_TASK, $id.0, Entity::ImportTask);
        // Read after the turn: a merge that went first may have removed it.
        let task: Option<TaskRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TASK_COLUMNS} FROM import_tasks WHERE tenant_id = $1 AND id = $2"
        )))
        .bind($tenant.0)
        .bind($id.0)
        .fetch_optional(&mut *$tx)
        .await?;
        let task = task.ok_or(StorageError::NotFound(Entity::ImportTask))?;
        let targets: Vec<TargetRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TARGET_COLUMNS} FROM import_targets WHERE import_targets.tenant_id = $1 \
             AND import_targets.import_task_id = $2 ORDER BY import_targets.source_offset, import_targets.id"
        )))
        .bind($tenant.0)
        .bind($id.0)
        .fetch_all(&mut *$tx)
        .await?;
        task.into_task(targets.into_iter().map(TargetRow::into_target).collect::<Result<Vec<_>>>()?)
    }};
}

impl Store {
    /// Stores an uploaded report and its draft tasks and targets in one transaction.
    pub async fn create_import(&self, new: &NewImport, actor: Actor) -> Result<ImportId> {
        let tenant = new.tenant_id.0;
        let id: i64 = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO report_imports (tenant_id, plan_id, created_by, created_at, file_name, source_text, status, plan_year) \
                 VALUES ($1, NULL, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(tenant)
            .bind(new.created_by.0)
            .bind(actor.at)
            .bind(&new.file_name)
            .bind(&new.source_text)
            .bind(ImportStatus::Draft.code())
            .bind(new.plan_year.map(i64::from))
            .fetch_one(&mut *tx)
            .await?;
            for (i, task) in new.tasks.iter().enumerate() {
                let seq = i64::try_from(i).unwrap_or(i64::MAX) + 1;
                insert_task!(tx, tenant, id, seq, task);
            }
            let targets: usize = new.tasks.iter().map(|t| t.targets.len()).sum();
            let after = json!({"file_name": new.file_name, "tasks": new.tasks.len(), "targets": targets});
            record!(tx, event(new.tenant_id, actor, "report_import", id, "create", None, Some(after)));
            id
        });
        Ok(ImportId(id))
    }

    pub async fn import(&self, tenant: TenantId, id: ImportId) -> Result<Option<ReportImport>> {
        let row: Option<ImportRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, tenant_id, plan_id, created_by, created_at, file_name, source_text, status, plan_year, revision \
                 FROM report_imports WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(id.0)
            .fetch_optional(pool)
            .await?
        });
        let Some(r) = row else { return Ok(None) };
        Ok(Some(ReportImport {
            id: ImportId(r.id),
            tenant_id: TenantId(r.tenant_id),
            plan_id: r.plan_id.map(PlanId),
            created_by: UserId(r.created_by),
            created_at: r.created_at,
            file_name: r.file_name,
            source_text: r.source_text,
            status: code("report_imports", &r.status, ImportStatus::from_code)?,
            plan_year: r
                .plan_year
                .map(|y| i32::try_from(y).map_err(|e| StorageError::corrupt("report_imports", e)))
                .transpose()?,
            revision: r.revision,
        }))
    }

    /// The tenant's imports, newest first.
    pub async fn imports(&self, tenant: TenantId) -> Result<Vec<ImportSummary>> {
        let rows: Vec<SummaryRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT report_imports.id, report_imports.file_name, report_imports.created_at, report_imports.status, report_imports.plan_id, \
                 (SELECT COUNT(*) FROM import_tasks WHERE import_tasks.tenant_id = $1 AND import_tasks.import_id = report_imports.id) \
                 FROM report_imports WHERE report_imports.tenant_id = $1 ORDER BY report_imports.id DESC",
            )
            .bind(tenant.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, file_name, created_at, status, plan_id, task_count)| {
                Ok(ImportSummary {
                    id: ImportId(id),
                    file_name,
                    created_at,
                    status: code("report_imports", &status, ImportStatus::from_code)?,
                    plan_id: plan_id.map(PlanId),
                    task_count,
                })
            })
            .collect()
    }

    /// The draft tasks of an import in list order, each with its targets.
    pub async fn import_tasks(&self, tenant: TenantId, import: ImportId) -> Result<Vec<ImportTask>> {
        let task_sql =
            format!("SELECT {TASK_COLUMNS} FROM import_tasks WHERE tenant_id = $1 AND import_id = $2 ORDER BY seq, id");
        let target_sql = format!(
            "SELECT {TARGET_COLUMNS} FROM import_targets JOIN import_tasks ON import_tasks.id = import_targets.import_task_id \
             WHERE import_targets.tenant_id = $1 AND import_tasks.tenant_id = $1 AND import_tasks.import_id = $2 \
             ORDER BY import_targets.source_offset, import_targets.id"
        );
        let (tasks, targets): (Vec<TaskRow>, Vec<TargetRow>) = on_pool!(self, pool => {
            let tasks = sqlx::query_as(sqlx::AssertSqlSafe(task_sql)).bind(tenant.0).bind(import.0).fetch_all(pool).await?;
            let targets = sqlx::query_as(sqlx::AssertSqlSafe(target_sql)).bind(tenant.0).bind(import.0).fetch_all(pool).await?;
            (tasks, targets)
        });
        let mut by_task: HashMap<i64, Vec<ImportTarget>> = HashMap::new();
        for row in targets {
            let task = row.import_task_id;
            by_task.entry(task).or_default().push(row.into_target()?);
        }
        Ok(tasks
            .into_iter()
            .map(|row| {
                let targets = by_task.remove(&row.id).unwrap_or_default();
                row.into_task(targets)
            })
            .collect())
    }

    /// One draft task with its targets.
    pub async fn import_task(&self, tenant: TenantId, id: ImportTaskId) -> Result<Option<ImportTask>> {
        let task_sql = format!("SELECT {TASK_COLUMNS} FROM import_tasks WHERE tenant_id = $1 AND id = $2");
        let target_sql = format!(
            "SELECT {TARGET_COLUMNS} FROM import_targets WHERE import_targets.tenant_id = $1 AND import_targets.import_task_id = $2 \
             ORDER BY import_targets.source_offset, import_targets.id"
        );
        let (task, targets): (Option<TaskRow>, Vec<TargetRow>) = on_pool!(self, pool => {
            let task = sqlx::query_as(sqlx::AssertSqlSafe(task_sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?;
            let targets = sqlx::query_as(sqlx::AssertSqlSafe(target_sql)).bind(tenant.0).bind(id.0).fetch_all(pool).await?;
            (task, targets)
        });
        let Some(task) = task else { return Ok(None) };
        let targets = targets.into_iter().map(TargetRow::into_target).collect::<Result<Vec<_>>>()?;
        Ok(Some(task.into_task(targets)))
    }

    /// One draft target.
    pub async fn import_target(&self, tenant: TenantId, id: ImportTargetId) -> Result<Option<ImportTarget>> {
        let sql = format!(
            "SELECT {TARGET_COLUMNS} FROM import_targets WHERE import_targets.tenant_id = $1 AND import_targets.id = $2"
        );
        let row: Option<TargetRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(TargetRow::into_target).transpose()
    }

    /// Changes a draft task's text, section, deadline and lead org.
    pub async fn update_import_task(
        &self,
        tenant: TenantId,
        id: ImportTaskId,
        edit: &ImportTaskEdit,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let before = draft_task_in_tx!(tx, tenant, id);
            sqlx::query(
                "UPDATE import_tasks SET section = $1, text = $2, deadline = $3, lead_org_id = $4, lead_org_name = $5 \
                 WHERE tenant_id = $6 AND id = $7",
            )
            .bind(&edit.section)
            .bind(&edit.text)
            .bind(edit.deadline)
            .bind(edit.lead_org_id.map(|o| o.0))
            .bind(edit.lead_org_name.as_deref())
            .bind(tenant.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            let old = json!({"section": before.section, "text": before.text, "deadline": before.deadline, "lead_org_id": before.lead_org_id.map(|o| o.0)});
            let new = json!({"section": edit.section, "text": edit.text, "deadline": edit.deadline, "lead_org_id": edit.lead_org_id.map(|o| o.0)});
            record!(tx, event(tenant, actor, "import_task", id.0, "update", Some(old), Some(new)));
        });
        Ok(())
    }

    /// Deletes a draft task and its targets.
    pub async fn delete_import_task(&self, tenant: TenantId, id: ImportTaskId, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            let before = draft_task_in_tx!(tx, tenant, id);
            sqlx::query("DELETE FROM import_targets WHERE tenant_id = $1 AND import_task_id = $2")
                .bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM import_tasks WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            let old = json!({"text": before.text, "targets": before.targets.len()});
            record!(tx, event(tenant, actor, "import_task", id.0, "delete", Some(old), None));
        });
        Ok(())
    }

    /// Deletes a draft import with its draft tasks and targets; audited with
    /// the file's name and the count of tasks. A published import stays (it is
    /// the source of its plan): `Conflict::ImportPublished`.
    pub async fn delete_import(&self, tenant: TenantId, id: ImportId, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            let row: Option<(String, String)> =
                sqlx::query_as("SELECT status, file_name FROM report_imports WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0).bind(id.0).fetch_optional(&mut *tx).await?;
            let Some((status, file_name)) = row else {
                return Err(StorageError::NotFound(Entity::Import));
            };
            if status != ImportStatus::Draft.code() {
                return Err(StorageError::Conflict(Conflict::ImportPublished));
            }
            sqlx::query(
                "DELETE FROM import_targets WHERE tenant_id = $1 AND import_task_id IN \
                 (SELECT id FROM import_tasks WHERE tenant_id = $1 AND import_id = $2)",
            )
            .bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM import_part_overrides WHERE tenant_id = $1 AND import_id = $2")
                .bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            let tasks = sqlx::query("DELETE FROM import_tasks WHERE tenant_id = $1 AND import_id = $2")
                .bind(tenant.0).bind(id.0).execute(&mut *tx).await?.rows_affected();
            sqlx::query("DELETE FROM report_imports WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            let old = json!({"file_name": file_name, "tasks": tasks});
            record!(tx, event(tenant, actor, "report_import", id.0, "delete", Some(old), None));
        });
        Ok(())
    }

    /// Adds a draft task to an import: right after `after`, or at the end.
    pub async fn add_import_task(
        &self,
        tenant: TenantId,
        import: ImportId,
        after: Option<ImportTaskId>,
        task: &NewImportTask,
        actor: Actor,
    ) -> Result<ImportTaskId> {
        let id: i64 = in_tx!(self, tx => {
            touch_import!(tx, tenant, "$2", import.0, Entity::Import);
            let seq: i64 = match after {
                Some(after) => {
                    let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM import_tasks WHERE tenant_id = $1 AND import_id = $2 AND id = $3")
                        .bind(tenant.0).bind(import.0).bind(after.0).fetch_optional(&mut *tx).await?;
                    let seq = seq.ok_or(StorageError::NotFound(Entity::ImportTask))?;
                    sqlx::query("UPDATE import_tasks SET seq = seq + 1 WHERE tenant_id = $1 AND import_id = $2 AND seq > $3")
                        .bind(tenant.0).bind(import.0).bind(seq).execute(&mut *tx).await?;
                    seq + 1
                }
                None => {
                    let max: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM import_tasks WHERE tenant_id = $1 AND import_id = $2")
                        .bind(tenant.0).bind(import.0).fetch_one(&mut *tx).await?;
                    max.unwrap_or(0) + 1
                }
            };
            let id = insert_task!(tx, tenant.0, import.0, seq, task);
            let after = json!({"text": task.text, "section": task.section, "deadline": task.deadline});
            record!(tx, event(tenant, actor, "import_task", id, "create", None, Some(after)));
            id
        });
        Ok(ImportTaskId(id))
    }

    /// Merges `second` into `first`: the texts joined, the targets moved,
    /// the later deadline kept; `second` is deleted.
    pub async fn merge_import_tasks(
        &self,
        tenant: TenantId,
        first: ImportTaskId,
        second: ImportTaskId,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let a = draft_task_in_tx!(tx, tenant, first);
            let b = draft_task_in_tx!(tx, tenant, second);
            if a.import_id != b.import_id {
                return Err(StorageError::Conflict(Conflict::ImportsDiffer));
            }
            let text = format!("{}{}", a.text, b.text);
            let deadline = a.deadline.max(b.deadline);
            sqlx::query("UPDATE import_targets SET import_task_id = $1 WHERE tenant_id = $2 AND import_task_id = $3")
                .bind(first.0).bind(tenant.0).bind(second.0).execute(&mut *tx).await?;
            sqlx::query(
                "UPDATE import_tasks SET text = $1, deadline = $2, source_start = $3, source_end = $4, \
                 lead_org_id = COALESCE(lead_org_id, $5), lead_org_name = COALESCE(lead_org_name, $6) WHERE tenant_id = $7 AND id = $8",
            )
            .bind(&text)
            .bind(deadline)
            .bind(a.source_start.min(b.source_start))
            .bind(a.source_end.max(b.source_end))
            .bind(b.lead_org_id.map(|o| o.0))
            .bind(b.lead_org_name.as_deref())
            .bind(tenant.0)
            .bind(first.0)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM import_tasks WHERE tenant_id = $1 AND id = $2").bind(tenant.0).bind(second.0).execute(&mut *tx).await?;
            let old = json!({"first": a.text, "second": b.text, "second_id": second.0});
            record!(tx, event(tenant, actor, "import_task", first.0, "merge", Some(old), Some(json!({"text": text}))));
        });
        Ok(())
    }

    /// Splits a draft task in two: it keeps `split.first` and the targets
    /// whose source offset lies before `split.at`; a new task right after it
    /// gets `split.second` and the targets from `split.at` on. A task whose
    /// text is no longer `split.of` (edited meanwhile) is a
    /// `Conflict::TaskChanged`.
    pub async fn split_import_task(
        &self,
        tenant: TenantId,
        id: ImportTaskId,
        split: &DraftSplit<'_>,
        actor: Actor,
    ) -> Result<ImportTaskId> {
        let (first_text, second_text, split_at) = (split.first, split.second, split.at);
        let new_id: i64 = in_tx!(self, tx => {
            let task = draft_task_in_tx!(tx, tenant, id);
            if task.text != split.of {
                return Err(StorageError::Conflict(Conflict::TaskChanged));
            }
            sqlx::query("UPDATE import_tasks SET seq = seq + 1 WHERE tenant_id = $1 AND import_id = $2 AND seq > $3")
                .bind(tenant.0).bind(task.import_id.0).bind(task.seq).execute(&mut *tx).await?;
            let second = NewImportTask {
                section: task.section.clone(),
                text: second_text.to_owned(),
                deadline: task.deadline,
                lead_org_name: task.lead_org_name.clone(),
                lead_org_id: task.lead_org_id,
                source_start: split_at,
                source_end: task.source_end.max(split_at),
                targets: Vec::new(),
            };
            let new_id = insert_task!(tx, tenant.0, task.import_id.0, task.seq + 1, &second);
            sqlx::query("UPDATE import_tasks SET text = $1, source_end = $2 WHERE tenant_id = $3 AND id = $4")
                .bind(first_text).bind(split_at).bind(tenant.0).bind(id.0).execute(&mut *tx).await?;
            sqlx::query("UPDATE import_targets SET import_task_id = $1 WHERE tenant_id = $2 AND import_task_id = $3 AND source_offset >= $4")
                .bind(new_id).bind(tenant.0).bind(id.0).bind(split_at).execute(&mut *tx).await?;
            let old = json!({"text": task.text});
            let new = json!({"first": first_text, "second": second_text, "second_id": new_id, "split_at": split_at});
            record!(tx, event(tenant, actor, "import_task", id.0, "split", Some(old), Some(new)));
            new_id
        });
        Ok(ImportTaskId(new_id))
    }

    /// Adds a target to a draft task.
    pub async fn add_import_target(
        &self,
        tenant: TenantId,
        task: ImportTaskId,
        target: &NewImportTarget,
        actor: Actor,
    ) -> Result<ImportTargetId> {
        let id: i64 = in_tx!(self, tx => {
            touch_import!(tx, tenant, IMPORT_OF_TASK, task.0, Entity::ImportTask);
            let id = insert_target!(tx, tenant.0, task.0, target);
            record!(tx, event(tenant, actor, "import_target", id, "create", None, Some(target_json(target))));
            id
        });
        Ok(ImportTargetId(id))
    }

    /// Changes a draft target's metric, value, unit, comparator, baseline and deadline.
    pub async fn update_import_target(
        &self,
        tenant: TenantId,
        id: ImportTargetId,
        target: &NewImportTarget,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            touch_import!(tx, tenant, IMPORT_OF_TARGET, id.0, Entity::ImportTarget);
            let before = draft_target_json!(tx, tenant, id);
            let changed = sqlx::query(
                "UPDATE import_targets SET metric = $1, value = $2, unit = $3, comparator = $4, baseline = $5, deadline = $6 \
                 WHERE tenant_id = $7 AND id = $8",
            )
            .bind(&target.metric)
            .bind(target.value.to_string())
            .bind(&target.unit)
            .bind(target.comparator.code())
            .bind(target.baseline.map(|b| b.to_string()))
            .bind(target.deadline)
            .bind(tenant.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StorageError::NotFound(Entity::ImportTarget));
            }
            record!(tx, event(tenant, actor, "import_target", id.0, "update", Some(before), Some(target_json(target))));
        });
        Ok(())
    }

    pub async fn delete_import_target(&self, tenant: TenantId, id: ImportTargetId, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            touch_import!(tx, tenant, IMPORT_OF_TARGET, id.0, Entity::ImportTarget);
            let before = draft_target_json!(tx, tenant, id);
            let changed = sqlx::query("DELETE FROM import_targets WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(id.0).execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StorageError::NotFound(Entity::ImportTarget));
            }
            record!(tx, event(tenant, actor, "import_target", id.0, "delete", Some(before), None));
        });
        Ok(())
    }

    /// Publishes a draft import in one transaction: creates `plan` and `tasks`
    /// (top-level, in the order given, with their targets) and marks the
    /// import published. A second publish is `Conflict::ImportPublished`;
    /// drafts changed since they were read at `revision` (the import's, read
    /// before them) are `Conflict::ImportChanged`, and nothing is published.
    #[allow(clippy::too_many_arguments)]
    pub async fn publish_import(
        &self,
        tenant: TenantId,
        import: ImportId,
        revision: i64,
        plan: &NewPlan,
        tasks: &[NewTask],
        parents: &[Option<usize>],
        actor: Actor,
    ) -> Result<PlanId> {
        let plan_id: i64 = in_tx!(self, tx => {
            let plan_id: i64 = sqlx::query_scalar("INSERT INTO plans (tenant_id, year, title, status) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(tenant.0)
                .bind(i64::from(plan.year))
                .bind(&plan.title)
                .bind(plan.status.code())
                .fetch_one(&mut *tx)
                .await?;
            let marked = sqlx::query(
                "UPDATE report_imports SET status = $1, plan_id = $2 WHERE tenant_id = $3 AND id = $4 AND status = $5 AND revision = $6",
            )
                .bind(ImportStatus::Published.code())
                .bind(plan_id)
                .bind(tenant.0)
                .bind(import.0)
                .bind(ImportStatus::Draft.code())
                .bind(revision)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if marked == 0 {
                let status: Option<String> = sqlx::query_scalar("SELECT status FROM report_imports WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0).bind(import.0).fetch_optional(&mut *tx).await?;
                return Err(match status {
                    Some(s) if s == ImportStatus::Draft.code() => StorageError::Conflict(Conflict::ImportChanged),
                    Some(_) => StorageError::Conflict(Conflict::ImportPublished),
                    None => StorageError::NotFound(Entity::Import),
                });
            }
            record!(tx, event(tenant, actor, "plan", plan_id, "create", None, Some(json!({"year": plan.year, "title": plan.title, "import_id": import.0}))));
            // Rows come in tree order, each after its parent (`parents[i]`, an
            // index into `tasks`): sort_path 000001, 000001.000001, …
            let mut placed: Vec<(i64, String, i64)> = Vec::with_capacity(tasks.len());
            let mut children: std::collections::HashMap<Option<usize>, usize> = std::collections::HashMap::new();
            for (i, new) in tasks.iter().enumerate() {
                let parent = parents.get(i).copied().flatten().filter(|p| *p < i);
                let n = children.entry(parent).or_default();
                *n += 1;
                let (parent_id, sort_path, depth) = match parent.and_then(|p| placed.get(p)) {
                    Some((id, path, depth)) => (Some(*id), format!("{path}.{:06}", *n), depth + 1),
                    None => (None, format!("{:06}", *n), 0),
                };
                let task_id: i64 = sqlx::query_scalar(
                    "INSERT INTO tasks (tenant_id, plan_id, parent_id, number, title, weight, depth, sort_path, start_date, deadline, \
                     lead_leader_id, lead_org_id, owner_id, percent_done, light) \
                     VALUES ($1, $2, $11, $3, $4, $5, $12, $6, $7, $8, NULL, $9, NULL, 0, $10) RETURNING id",
                )
                .bind(tenant.0)
                .bind(plan_id)
                .bind(&new.number)
                .bind(&new.title)
                .bind(new.weight.to_string())
                .bind(&sort_path)
                .bind(new.start_date)
                .bind(new.deadline)
                .bind(new.responsibility.lead_org_id.map(|o| o.0))
                .bind(new.light.code())
                .bind(parent_id)
                .bind(depth)
                .fetch_one(&mut *tx)
                .await?;
                placed.push((task_id, sort_path, depth));
                for target in &new.targets {
                    sqlx::query(
                        "INSERT INTO targets (tenant_id, task_id, metric, value, unit, comparator, baseline, deadline) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(tenant.0)
                    .bind(task_id)
                    .bind(&target.metric)
                    .bind(target.value.to_string())
                    .bind(&target.unit)
                    .bind(target.comparator.code())
                    .bind(target.baseline.map(|b| b.to_string()))
                    .bind(target.deadline)
                    .execute(&mut *tx)
                    .await?;
                }
                let after = json!({"number": new.number, "title": new.title, "deadline": new.deadline, "targets": new.targets.len(), "import_id": import.0});
                record!(tx, event(tenant, actor, "task", task_id, "create", None, Some(after)));
            }
            record!(tx, event(tenant, actor, "report_import", import.0, "publish", None, Some(json!({"plan_id": plan_id, "tasks": tasks.len()}))));
            plan_id
        });
        Ok(PlanId(plan_id))
    }
}

// After the macros above, which it uses.
mod parts;

pub use parts::{ImportPartOverride, PartReread};
