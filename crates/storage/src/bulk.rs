//! Bulk loaders for benchmark tenants (`qingdan-bench`): a transaction per
//! thousand rows and no audit events, since a use case per row would take
//! hours for a million reports. Compiled only with the `bulk` feature, which
//! the product binary does not turn on.

use crate::error::Entity;
use crate::plans::tasks::{PATH_STEP, child_place, insert_task};
use crate::store::in_tx;
use crate::supervision::assignments::insert_assignment;
use crate::{NewReport, NewTask, Result, StorageError, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::assignment::Assignment;
use qingdan_domain::{ReportStatus, TaskId};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

impl Store {
    /// Loads many tasks at once, one transaction per thousand, without audit
    /// events: for generating benchmark tenants, not for users. Each task is
    /// placed after its parent's existing children exactly as [`Store::create_task`]
    /// places it; a parent must already be stored (insert a tree level by level).
    pub async fn bulk_insert_tasks(&self, tasks: &[NewTask]) -> Result<Vec<TaskId>> {
        // Per parent (None = the plan's top level): its sort_path prefix, the children's depth, children so far.
        let mut places: HashMap<(i64, Option<i64>), (String, i64, i64)> = HashMap::new();
        let mut ids = Vec::with_capacity(tasks.len());
        for chunk in tasks.chunks(1000) {
            in_tx!(self, tx => {
                for new in chunk {
                    let key = (new.plan_id.0, new.parent_id.map(|p| p.0));
                    let place = match places.entry(key) {
                        Entry::Occupied(slot) => slot.into_mut(),
                        Entry::Vacant(slot) => {
                            let (prefix, depth, taken) = child_place!(tx, new);
                            slot.insert((prefix, depth, taken))
                        }
                    };
                    let (prefix, depth, taken) = place;
                    *taken += 1;
                    let sort_path = format!("{prefix}{:0width$}", *taken, width = PATH_STEP);
                    let id: i64 = insert_task!(tx, new, *depth, &sort_path);
                    ids.push(TaskId(id));
                }
            });
        }
        Ok(ids)
    }

    /// Loads many reports at once in one transaction per thousand, without
    /// audit events: for generating benchmark tenants, not for users.
    pub async fn bulk_insert_reports(&self, reports: &[(NewReport, ReportStatus)], at: DateTime<Utc>) -> Result<()> {
        for chunk in reports.chunks(1000) {
            in_tx!(self, tx => {
                for (new, status) in chunk {
                    sqlx::query(
                        "INSERT INTO progress_reports (tenant_id, task_id, org_id, period, percent_done, narrative, problems, \
                         next_steps, status, review_comment, submitted_by, submitted_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(new.tenant_id.0)
                    .bind(new.task_id.0)
                    .bind(new.org_id.0)
                    .bind(new.period.to_string())
                    .bind(new.percent_done)
                    .bind(&new.narrative)
                    .bind(&new.problems)
                    .bind(&new.next_steps)
                    .bind(status.code())
                    .bind("")
                    .bind(new.submitted_by.0)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
            });
        }
        Ok(())
    }

    /// Loads many matters at once (with their supporting orgs and attachment
    /// names), one transaction per thousand, without history or audit events: for generating benchmark tenants, not for users.
    pub async fn bulk_insert_assignments(&self, matters: &[Assignment], at: DateTime<Utc>) -> Result<()> {
        for chunk in matters.chunks(1000) {
            in_tx!(self, tx => {
                for new in chunk {
                    insert_assignment!(tx, new, None::<i64>, at);
                }
            });
        }
        Ok(())
    }

    /// Loads many key projects at once with their completed figures, one
    /// transaction per thousand, without audit events (lights: call
    /// [`Store::relight_projects`] after): for benchmark tenants only.
    pub async fn bulk_insert_projects(
        &self,
        tenant: qingdan_domain::TenantId,
        projects: &[(qingdan_domain::project::ProjectFields, qingdan_domain::Decimal, qingdan_domain::Decimal)],
        at: DateTime<Utc>,
    ) -> Result<Vec<qingdan_domain::ProjectId>> {
        use crate::projects::bind_fields;
        let sql = crate::projects::insert_sql();
        let mut ids = Vec::with_capacity(projects.len());
        for chunk in projects.chunks(1000) {
            in_tx!(self, tx => {
                for (fields, done_total, done_year) in chunk {
                    let id: i64 = bind_fields!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())), fields)
                        .bind(tenant.0)
                        .bind(done_total.to_string())
                        .bind(done_year.to_string())
                        .bind(at)
                        .fetch_one(&mut *tx)
                        .await?;
                    ids.push(qingdan_domain::ProjectId(id));
                }
            });
        }
        Ok(ids)
    }

    /// Loads accepted half-monthly reports (project, period start, amount), one
    /// transaction per thousand, without audit events: for benchmark tenants only.
    pub async fn bulk_insert_project_reports(
        &self,
        tenant: qingdan_domain::TenantId,
        reports: &[(qingdan_domain::ProjectId, chrono::NaiveDate, qingdan_domain::Decimal)],
        at: DateTime<Utc>,
    ) -> Result<()> {
        for chunk in reports.chunks(1000) {
            in_tx!(self, tx => {
                for (project, period, amount) in chunk {
                    sqlx::query(
                        "INSERT INTO project_reports (tenant_id, project_id, period_start, amount, progress_text, milestone, \
                         workforce, problems, status, submitted_at, reviewed_at, review_note) \
                         VALUES ($1, $2, $3, $4, '主体施工', NULL, 100, '', 'accepted', $5, $5, '')",
                    )
                    .bind(tenant.0)
                    .bind(project.0)
                    .bind(*period)
                    .bind(amount.to_string())
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
            });
        }
        Ok(())
    }
}
