//! 考核排名 (assessment): schemes as JSON documents, values the office
//! enters, published results (a new version per publication), and the
//! per-org figures the scheme's sources read from the list, 督办, reports and
//! projects — each one query over the tenant.

use crate::audit::{event, record};
use crate::error::{Entity, StorageError};
use crate::rows::{LEAF, decimal, optional_decimal};
use crate::store::{in_tx, on_pool, row_to_change};
use crate::{Actor, Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::{Decimal, OrgId, TenantId};
use serde_json::json;
use std::collections::HashMap;

/// A stored scheme: the JSON document the app reads as a `Scheme`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredScheme {
    pub id: i64,
    pub year: i64,
    pub name: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

/// A value the office entered for an org, indicator and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredValue {
    pub org_id: OrgId,
    pub indicator: String,
    pub value: Option<Decimal>,
    /// The org's own target, where the scheme measures against one.
    pub target: Option<Decimal>,
}

/// A publication of a month's results.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Publication {
    pub month: String,
    pub version: i64,
    pub body: String,
    pub note: String,
    pub published_at: DateTime<Utc>,
}

/// The figures of one org's leaf tasks (末级任务) of a year's plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct OrgTaskFigures {
    pub org_id: i64,
    pub leaves: i64,
    pub percent_sum: i64,
    /// Green or done.
    pub on_track: i64,
}

/// An org's 督办 matters as lead org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct OrgMatterFigures {
    pub org_id: i64,
    pub closed: i64,
    pub closed_on_time: i64,
    pub open_overdue: i64,
}

/// One project's figures for the assessment's project sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFigureRow {
    pub orgs: [Option<OrgId>; 3],
    pub year_plan: Decimal,
    pub done_year: Decimal,
    pub started: bool,
    pub planned_start: Option<NaiveDate>,
}

impl Store {
    pub async fn create_scheme(
        &self,
        tenant: TenantId,
        year: i32,
        name: &str,
        body: &str,
        actor: Actor,
    ) -> Result<i64> {
        in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO assessment_schemes (tenant_id, year, name, body, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(tenant.0)
            .bind(i64::from(year))
            .bind(name)
            .bind(body)
            .bind(actor.at)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StorageError::unique_as_conflict(e, crate::Unique::SchemeName))?;
            record!(tx, event(tenant, actor, "assessment_scheme", id, "create", None, Some(json!({"year": year, "name": name, "body": body}))));
            Ok(id)
        })
    }

    /// Replaces a scheme's document, audited with the one before.
    pub async fn update_scheme(&self, tenant: TenantId, id: i64, name: &str, body: &str, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            let before: Option<(String, String)> =
                row_to_change!(tx, "SELECT name, body FROM assessment_schemes WHERE tenant_id = $1 AND id = $2", tenant.0, id);
            let (before_name, before_body) = before.ok_or(StorageError::NotFound(Entity::Scheme))?;
            sqlx::query("UPDATE assessment_schemes SET name = $1, body = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5")
                .bind(name).bind(body).bind(actor.at).bind(tenant.0).bind(id)
                .execute(&mut *tx).await
                .map_err(|e| StorageError::unique_as_conflict(e, crate::Unique::SchemeName))?;
            record!(tx, event(tenant, actor, "assessment_scheme", id, "update",
                Some(json!({"name": before_name, "body": before_body})), Some(json!({"name": name, "body": body}))));
        });
        Ok(())
    }

    pub async fn scheme(&self, tenant: TenantId, id: i64) -> Result<Option<StoredScheme>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, year, name, body, updated_at FROM assessment_schemes WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(id).fetch_optional(pool).await?
        }))
    }

    /// The tenant's schemes, the latest year first.
    pub async fn schemes(&self, tenant: TenantId) -> Result<Vec<StoredScheme>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, year, name, body, updated_at FROM assessment_schemes WHERE tenant_id = $1 ORDER BY year DESC, id")
                .bind(tenant.0).fetch_all(pool).await?
        }))
    }

    /// Sets entered values for a month in one transaction (a `None` value and
    /// target removes the entry), each change audited with the value before.
    pub async fn set_assessment_values(
        &self,
        tenant: TenantId,
        scheme: i64,
        month: &str,
        values: &[EnteredValue],
        actor: Actor,
    ) -> Result<usize> {
        in_tx!(self, tx => {
            for v in values {
                let before: Option<(Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT value, target FROM assessment_values WHERE scheme_id = $1 AND month = $2 AND org_id = $3 AND indicator = $4",
                )
                .bind(scheme).bind(month).bind(v.org_id.0).bind(&v.indicator)
                .fetch_optional(&mut *tx).await?;
                if v.value.is_none() && v.target.is_none() {
                    sqlx::query("DELETE FROM assessment_values WHERE scheme_id = $1 AND month = $2 AND org_id = $3 AND indicator = $4")
                        .bind(scheme).bind(month).bind(v.org_id.0).bind(&v.indicator).execute(&mut *tx).await?;
                } else {
                    sqlx::query(
                        "INSERT INTO assessment_values (tenant_id, scheme_id, org_id, month, indicator, value, target, updated_by, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (scheme_id, month, org_id, indicator) \
                         DO UPDATE SET value = excluded.value, target = excluded.target, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    )
                    .bind(tenant.0).bind(scheme).bind(v.org_id.0).bind(month).bind(&v.indicator)
                    .bind(v.value.map(|d| d.to_string())).bind(v.target.map(|d| d.to_string()))
                    .bind(actor.user_id.map(|u| u.0)).bind(actor.at)
                    .execute(&mut *tx).await?;
                }
                let after = json!({"scheme_id": scheme, "month": month, "org_id": v.org_id, "indicator": v.indicator,
                                   "value": v.value.map(|d| d.to_string()), "target": v.target.map(|d| d.to_string())});
                let before = before.map(|(value, target)| json!({"value": value, "target": target}));
                record!(tx, event(tenant, actor, "assessment_value", scheme, "set", before, Some(after)));
            }
        });
        Ok(values.len())
    }

    /// The values entered for a month.
    pub async fn assessment_values(&self, tenant: TenantId, scheme: i64, month: &str) -> Result<Vec<EnteredValue>> {
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT org_id, indicator, value, target FROM assessment_values WHERE tenant_id = $1 AND scheme_id = $2 AND month = $3 ORDER BY org_id, indicator")
                .bind(tenant.0).bind(scheme).bind(month).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(org, indicator, value, target)| {
                Ok(EnteredValue {
                    org_id: OrgId(org),
                    indicator,
                    value: optional_decimal("assessment_values", value.as_deref())?,
                    target: optional_decimal("assessment_values", target.as_deref())?,
                })
            })
            .collect()
    }

    /// Publishes a month's results as its next version; returns the version.
    pub async fn publish_results(
        &self,
        tenant: TenantId,
        scheme: i64,
        month: &str,
        body: &str,
        note: &str,
        actor: Actor,
    ) -> Result<i64> {
        in_tx!(self, tx => {
            // The scheme's row is the lock under which two publications take different versions.
            sqlx::query("UPDATE assessment_schemes SET updated_at = updated_at WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(scheme).execute(&mut *tx).await?;
            let version: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM assessment_results WHERE scheme_id = $1 AND month = $2",
            )
            .bind(scheme).bind(month).fetch_one(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO assessment_results (tenant_id, scheme_id, month, version, body, note, published_by, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(tenant.0).bind(scheme).bind(month).bind(version).bind(body).bind(note)
            .bind(actor.user_id.map(|u| u.0)).bind(actor.at)
            .execute(&mut *tx).await?;
            record!(tx, event(tenant, actor, "assessment_result", scheme, "publish", None, Some(json!({"month": month, "version": version, "note": note}))));
            Ok(version)
        })
    }

    /// A month's publication: the given version, or the latest.
    pub async fn publication(
        &self,
        tenant: TenantId,
        scheme: i64,
        month: &str,
        version: Option<i64>,
    ) -> Result<Option<Publication>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT month, version, body, note, published_at FROM assessment_results \
                 WHERE tenant_id = $1 AND scheme_id = $2 AND month = $3 AND ($4 IS NULL OR version = $4) \
                 ORDER BY version DESC LIMIT 1",
            )
            .bind(tenant.0).bind(scheme).bind(month).bind(version).fetch_optional(pool).await?
        }))
    }

    /// Every publication of a scheme without its body: (month, version, note, when), by month then version.
    pub async fn publications(
        &self,
        tenant: TenantId,
        scheme: i64,
    ) -> Result<Vec<(String, i64, String, DateTime<Utc>)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT month, version, note, published_at FROM assessment_results WHERE tenant_id = $1 AND scheme_id = $2 ORDER BY month, version")
                .bind(tenant.0).bind(scheme).fetch_all(pool).await?
        }))
    }

    /// Each lead org's leaf tasks of the plans of `year`: count, sum of work progress, on track.
    pub async fn org_task_figures(&self, tenant: TenantId, year: i32) -> Result<Vec<OrgTaskFigures>> {
        let sql = format!(
            "SELECT tasks.lead_org_id AS org_id, COUNT(*) AS leaves, COALESCE(SUM(tasks.percent_done), 0) AS percent_sum, \
             COALESCE(SUM(CASE WHEN tasks.light IN ('green', 'done') THEN 1 ELSE 0 END), 0) AS on_track \
             FROM tasks JOIN plans ON plans.id = tasks.plan_id \
             WHERE tasks.tenant_id = $1 AND plans.year = $2 AND tasks.lead_org_id IS NOT NULL AND {LEAF} \
             GROUP BY tasks.lead_org_id"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(i64::from(year)).fetch_all(pool).await?
        }))
    }

    /// Each lead org's 督办 matters as they stood on `day` (those assigned by
    /// then): closed by then, of which by their solve date, and open on `day`
    /// past their current due date (a matter closed since counts as open).
    pub async fn org_matter_figures(&self, tenant: TenantId, day: NaiveDate) -> Result<Vec<OrgMatterFigures>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT lead_org_id AS org_id, \
                 COALESCE(SUM(CASE WHEN closed_on <= $2 THEN 1 ELSE 0 END), 0) AS closed, \
                 COALESCE(SUM(CASE WHEN closed_on <= $2 AND closed_on <= solve_due THEN 1 ELSE 0 END), 0) AS closed_on_time, \
                 COALESCE(SUM(CASE WHEN (closed_on IS NULL OR closed_on > $2) AND current_due < $2 THEN 1 ELSE 0 END), 0) AS open_overdue \
                 FROM assignments WHERE tenant_id = $1 AND assigned_on <= $2 GROUP BY lead_org_id",
            )
            .bind(tenant.0).bind(day).fetch_all(pool).await?
        }))
    }

    /// Each lead org's leaf tasks of `year`'s plans without a report for `period`
    /// submitted by `until` (未按时报送).
    pub async fn org_late_reports(
        &self,
        tenant: TenantId,
        year: i32,
        period: &str,
        until: DateTime<Utc>,
    ) -> Result<Vec<(i64, i64)>> {
        let sql = format!(
            "SELECT tasks.lead_org_id, COUNT(*) FROM tasks JOIN plans ON plans.id = tasks.plan_id \
             WHERE tasks.tenant_id = $1 AND plans.year = $2 AND tasks.lead_org_id IS NOT NULL AND {LEAF} \
             AND NOT EXISTS (SELECT 1 FROM progress_reports r WHERE r.task_id = tasks.id AND r.org_id = tasks.lead_org_id \
             AND r.period = $3 AND r.submitted_at <= $4) GROUP BY tasks.lead_org_id"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(i64::from(year)).bind(period).bind(until).fetch_all(pool).await?
        }))
    }

    /// The figures of every project of 计划年度 `year` as they stood on `day`:
    /// 本年完成 from the registered base and the reports accepted for
    /// half-months begun by then (as `projects::figures` counts
    /// it), and begun when its stage says so and its 实际开工 is not later.
    pub async fn project_figure_rows(
        &self,
        tenant: TenantId,
        year: i32,
        day: NaiveDate,
    ) -> Result<Vec<ProjectFigureRow>> {
        type Row =
            (i64, Option<i64>, Option<i64>, i64, String, String, String, String, Option<NaiveDate>, Option<NaiveDate>);
        let (rows, accepted): (Vec<Row>, Vec<(i64, String, NaiveDate)>) = on_pool!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT id, county_org_id, zone_org_id, owner_org_id, year_plan, base_total, base_year, stage, \
                 planned_start, actual_start FROM projects WHERE tenant_id = $1 AND year = $2",
            )
            .bind(tenant.0).bind(i64::from(year)).fetch_all(pool).await?;
            let accepted = sqlx::query_as(
                "SELECT r.project_id, r.amount, r.period_start FROM project_reports r JOIN projects p ON p.id = r.project_id \
                 WHERE p.tenant_id = $1 AND p.year = $2 AND r.status = 'accepted' AND r.period_start <= $3",
            )
            .bind(tenant.0).bind(i64::from(year)).bind(day).fetch_all(pool).await?;
            (rows, accepted)
        });
        let mut by_project: HashMap<i64, Vec<(String, NaiveDate)>> = HashMap::new();
        for (project, amount, period) in accepted {
            by_project.entry(project).or_default().push((amount, period));
        }
        rows.into_iter()
            .map(|(id, county, zone, owner, plan, base_total, base_year, stage, planned_start, actual_start)| {
                let reports = by_project.remove(&id).unwrap_or_default();
                let (_, done_year) = crate::projects::figures(&base_total, &base_year, i64::from(year), &reports)?;
                let staged = !matches!(stage.as_str(), "planning" | "signed");
                Ok(ProjectFigureRow {
                    orgs: [county.map(OrgId), zone.map(OrgId), Some(OrgId(owner))],
                    year_plan: decimal("projects", &plan)?,
                    done_year,
                    started: staged && actual_start.is_none_or(|d| d <= day),
                    planned_start,
                })
            })
            .collect()
    }

    /// A target of the list: its task's lead org, its value and its actual.
    pub async fn target_figures(
        &self,
        tenant: TenantId,
        target: i64,
    ) -> Result<Option<(Option<OrgId>, Decimal, Option<Decimal>)>> {
        let row: Option<(Option<i64>, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT k.lead_org_id, t.value, t.actual FROM targets t JOIN tasks k ON k.id = t.task_id WHERE t.tenant_id = $1 AND t.id = $2")
                .bind(tenant.0).bind(target).fetch_optional(pool).await?
        });
        row.map(|(org, value, actual)| {
            Ok((org.map(OrgId), decimal("targets", &value)?, optional_decimal("targets", actual.as_deref())?))
        })
        .transpose()
    }
}
