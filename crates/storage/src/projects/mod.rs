//! 重点项目 (key projects): the register, its lists and the light of each
//! project. Reports, 前期手续, 堵点 and 调度会 are in the submodules.
//!
//! A project's completed figures (`done_total`, `done_year`) are its
//! registered base plus its accepted reports, recomputed under the project's
//! row lock by every write that can change them ([`refigure!`]); its light is
//! recomputed after them by [`relight!`] with the one rule of
//! [`qingdan_domain::project::project_light`].

pub mod factors;
pub mod meetings;
pub mod prework;
pub mod reports;

use crate::audit::{event, record};
use crate::error::{Entity, StorageError, Unique};
use crate::rows::{code, decimal};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::NaiveDate;
use qingdan_domain::project::{
    Batch, Category, KeyProject, Level, LightInput, Nature, ProjectFields, Stage, project_light,
};
use qingdan_domain::{Decimal, Light, OrgId, ProjectId, StatusRules, TaskId, TenantId, UserId};
use serde_json::json;

/// What a light is worked out against: the tenant's thresholds and the day.
#[derive(Debug, Clone, Copy)]
pub struct LightBasis {
    pub rules: StatusRules,
    pub today: NaiveDate,
}

/// Which projects a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectScope {
    /// The office and leaders: all of the tenant's.
    All,
    /// An org's people: the projects it owns, leads, or that lie in its county or zone.
    Org(OrgId),
}

/// Filters of the projects page and ledger export; empty fields filter nothing.
#[derive(Debug, Clone, Default)]
pub struct ProjectQuery {
    /// Part of the name or the code.
    pub text: String,
    pub county: Option<OrgId>,
    pub zone: Option<OrgId>,
    pub owner: Option<OrgId>,
    pub liaison: Option<UserId>,
    pub stage: Option<Stage>,
    pub batch: Option<Batch>,
    pub level: Option<Level>,
    pub category: Option<Category>,
    pub light: Option<Light>,
    /// 计划年度: the year the project's 年度计划投资 and 本年完成 are for.
    pub year: Option<i32>,
    /// Keyset paging: projects after this id.
    pub after: Option<ProjectId>,
    pub limit: i64,
}

/// A page of projects and how many match in all.
#[derive(Debug, Clone)]
pub struct ProjectPage {
    pub projects: Vec<KeyProject>,
    pub total: i64,
    /// The id to pass as `after` for the next page, when there is one.
    pub next: Option<ProjectId>,
}

pub(crate) const PROJECT_COLUMNS: &str = "p.id, p.tenant_id, p.name, p.code, p.nature, p.category, p.industry, \
    p.county_org_id, p.zone_org_id, p.location, p.owner_org_id, p.scale, p.total_investment, p.funding, p.year, \
    p.year_plan, p.base_total, p.base_year, p.done_total, p.done_year, p.planned_start, p.actual_start, \
    p.planned_completion, p.actual_completion, p.signed_on, p.producing_on, p.stage, p.batch, p.level, \
    p.progress_text, p.liaison_leader_id, p.lead_org_id, p.responsible, p.task_id, p.light, p.rate, p.gap, p.reasons";

#[derive(sqlx::FromRow)]
pub(crate) struct ProjectRow {
    id: i64,
    tenant_id: i64,
    name: String,
    code: String,
    nature: String,
    category: String,
    industry: String,
    county_org_id: Option<i64>,
    zone_org_id: Option<i64>,
    location: String,
    owner_org_id: i64,
    scale: String,
    total_investment: String,
    funding: String,
    year: i64,
    year_plan: String,
    base_total: String,
    base_year: String,
    done_total: String,
    done_year: String,
    planned_start: Option<NaiveDate>,
    actual_start: Option<NaiveDate>,
    planned_completion: Option<NaiveDate>,
    actual_completion: Option<NaiveDate>,
    signed_on: Option<NaiveDate>,
    producing_on: Option<NaiveDate>,
    stage: String,
    batch: Option<String>,
    level: String,
    progress_text: String,
    liaison_leader_id: Option<i64>,
    lead_org_id: Option<i64>,
    responsible: String,
    task_id: Option<i64>,
    light: String,
    rate: i64,
    gap: i64,
    reasons: String,
}

const TABLE: &str = "projects";

impl ProjectRow {
    pub(crate) fn into_project(self) -> Result<KeyProject> {
        let fields = ProjectFields {
            name: self.name,
            code: self.code,
            nature: code(TABLE, &self.nature, Nature::from_code)?,
            category: code(TABLE, &self.category, Category::from_code)?,
            industry: self.industry,
            county_org_id: self.county_org_id.map(OrgId),
            zone_org_id: self.zone_org_id.map(OrgId),
            location: self.location,
            owner_org_id: OrgId(self.owner_org_id),
            scale: self.scale,
            total_investment: decimal(TABLE, &self.total_investment)?,
            funding: self.funding,
            year: i32::try_from(self.year).map_err(|e| StorageError::corrupt(TABLE, e))?,
            year_plan: decimal(TABLE, &self.year_plan)?,
            base_total: decimal(TABLE, &self.base_total)?,
            base_year: decimal(TABLE, &self.base_year)?,
            planned_start: self.planned_start,
            actual_start: self.actual_start,
            planned_completion: self.planned_completion,
            actual_completion: self.actual_completion,
            signed_on: self.signed_on,
            producing_on: self.producing_on,
            stage: code(TABLE, &self.stage, Stage::from_code)?,
            batch: self.batch.as_deref().map(|b| code(TABLE, b, Batch::from_code)).transpose()?,
            level: code(TABLE, &self.level, Level::from_code)?,
            progress_text: self.progress_text,
            liaison_leader_id: self.liaison_leader_id.map(UserId),
            lead_org_id: self.lead_org_id.map(OrgId),
            responsible: self.responsible,
            task_id: self.task_id.map(TaskId),
        };
        Ok(KeyProject {
            id: ProjectId(self.id),
            tenant_id: TenantId(self.tenant_id),
            fields,
            done_total: decimal(TABLE, &self.done_total)?,
            done_year: decimal(TABLE, &self.done_year)?,
            light: code(TABLE, &self.light, Light::from_code)?,
            rate: self.rate,
            gap: self.gap,
            reasons: self.reasons,
        })
    }
}

/// Binds the [`ProjectFields`] in the column order of [`FIELD_COLUMNS`].
macro_rules! bind_fields {
    ($query:expr, $f:expr) => {
        $query
            .bind(&$f.name)
            .bind(&$f.code)
            .bind($f.nature.code())
            .bind($f.category.code())
            .bind(&$f.industry)
            .bind($f.county_org_id.map(|o| o.0))
            .bind($f.zone_org_id.map(|o| o.0))
            .bind(&$f.location)
            .bind($f.owner_org_id.0)
            .bind(&$f.scale)
            .bind($f.total_investment.to_string())
            .bind(&$f.funding)
            .bind(i64::from($f.year))
            .bind($f.year_plan.to_string())
            .bind($f.base_total.to_string())
            .bind($f.base_year.to_string())
            .bind($f.planned_start)
            .bind($f.actual_start)
            .bind($f.planned_completion)
            .bind($f.actual_completion)
            .bind($f.signed_on)
            .bind($f.producing_on)
            .bind($f.stage.code())
            .bind($f.batch.map(|b| b.code()))
            .bind($f.level.code())
            .bind(&$f.progress_text)
            .bind($f.liaison_leader_id.map(|u| u.0))
            .bind($f.lead_org_id.map(|o| o.0))
            .bind(&$f.responsible)
            .bind($f.task_id.map(|t| t.0))
    };
}

/// The editable columns, in [`bind_fields!`] order ($1–$30).
const FIELD_COLUMNS: [&str; 30] = [
    "name",
    "code",
    "nature",
    "category",
    "industry",
    "county_org_id",
    "zone_org_id",
    "location",
    "owner_org_id",
    "scale",
    "total_investment",
    "funding",
    "year",
    "year_plan",
    "base_total",
    "base_year",
    "planned_start",
    "actual_start",
    "planned_completion",
    "actual_completion",
    "signed_on",
    "producing_on",
    "stage",
    "batch",
    "level",
    "progress_text",
    "liaison_leader_id",
    "lead_org_id",
    "responsible",
    "task_id",
];

/// Recomputes project `$project`'s completed figures from its registered base
/// and accepted reports, holding the project's row lock (the UPDATE) first so
/// that two acceptances at once each see the other's committed report.
macro_rules! refigure {
    ($tx:ident, $tenant:expr, $project:expr) => {{
        let base: Option<(String, String, i64)> = sqlx::query_as(
            "UPDATE projects SET done_total = done_total WHERE tenant_id = $1 AND id = $2 \
             RETURNING base_total, base_year, year",
        )
        .bind($tenant.0)
        .bind($project.0)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some((base_total, base_year, year)) = base {
            let accepted: Vec<(String, chrono::NaiveDate)> = sqlx::query_as(
                "SELECT amount, period_start FROM project_reports WHERE project_id = $1 AND status = 'accepted'",
            )
            .bind($project.0)
            .fetch_all(&mut *$tx)
            .await?;
            let (total, this_year) = $crate::projects::figures(&base_total, &base_year, year, &accepted)?;
            sqlx::query("UPDATE projects SET done_total = $1, done_year = $2 WHERE id = $3")
                .bind(total.to_string())
                .bind(this_year.to_string())
                .bind($project.0)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

/// Sets project `$project`'s light from its stored figures, dates and
/// overdue 前期手续 ([`project_light`]), read under the project's row lock.
macro_rules! relight {
    ($tx:ident, $tenant:expr, $project:expr, $basis:expr) => {{
        if !$tx.is_serial() {
            // The project's row first, then its inputs in a statement of their
            // own: a write that committed while this one waited is seen.
            sqlx::query("SELECT id FROM projects WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
                .bind($tenant.0)
                .bind($project.0)
                .execute(&mut *$tx)
                .await?;
        }
        let inputs: Option<$crate::projects::LightRow> = sqlx::query_as($crate::projects::LIGHT_INPUTS)
            .bind($tenant.0)
            .bind($project.0)
            .bind($basis.today)
            .fetch_optional(&mut *$tx)
            .await?;
        if let Some(inputs) = inputs {
            let light = inputs.light($basis)?;
            sqlx::query("UPDATE projects SET light = $1, rate = $2, gap = $3, reasons = $4 WHERE id = $5")
                .bind(light.light.code())
                .bind(light.rate)
                .bind(light.gap())
                .bind(light.reasons.join("；"))
                .bind($project.0)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
#[cfg_attr(not(feature = "bulk"), allow(unused_imports))]
pub(crate) use bind_fields;
pub(crate) use {refigure, relight};

/// The light's inputs of one project (`$1` tenant, `$2` project, `$3` today).
pub(crate) const LIGHT_INPUTS: &str = "SELECT p.id, p.stage, p.year, p.year_plan, p.done_year, p.planned_start, \
    p.planned_completion, (SELECT COUNT(*) FROM prework_nodes n WHERE n.project_id = p.id AND n.done_on IS NULL \
    AND n.deadline < $3) AS overdue FROM projects p WHERE p.tenant_id = $1 AND p.id = $2";

#[derive(sqlx::FromRow)]
pub(crate) struct LightRow {
    id: i64,
    stage: String,
    year: i64,
    year_plan: String,
    done_year: String,
    planned_start: Option<NaiveDate>,
    planned_completion: Option<NaiveDate>,
    overdue: i64,
}

impl LightRow {
    pub(crate) fn light(&self, basis: LightBasis) -> Result<qingdan_domain::project::ProjectLight> {
        let input = LightInput {
            stage: code(TABLE, &self.stage, Stage::from_code)?,
            year: i32::try_from(self.year).map_err(|e| StorageError::corrupt(TABLE, e))?,
            year_plan: decimal(TABLE, &self.year_plan)?,
            year_done: decimal(TABLE, &self.done_year)?,
            planned_start: self.planned_start,
            planned_completion: self.planned_completion,
            overdue_prework: self.overdue,
        };
        Ok(project_light(&input, &basis.rules, basis.today))
    }
}

/// 累计 and 本年 completed: the registered bases plus the accepted reports'
/// amounts (those of periods in `year` for 本年).
pub(crate) fn figures(
    base_total: &str,
    base_year: &str,
    year: i64,
    accepted: &[(String, NaiveDate)],
) -> Result<(Decimal, Decimal)> {
    use chrono::Datelike;
    let mut total = decimal(TABLE, base_total)?;
    let mut this_year = decimal(TABLE, base_year)?;
    for (amount, period) in accepted {
        let amount = decimal("project_reports", amount)?;
        total += amount;
        if i64::from(period.year()) == year {
            this_year += amount;
        }
    }
    Ok((total, this_year))
}

/// `INSERT` of a project: the fields ($1–$30), then tenant, done_total,
/// done_year and the time; returns its id.
pub(crate) fn insert_sql() -> String {
    let n = FIELD_COLUMNS.len();
    let placeholders: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO projects ({}, tenant_id, done_total, done_year, light, rate, gap, reasons, created_at, updated_at) \
         VALUES ({}, ${}, ${}, ${}, 'green', 0, 0, '', ${}, ${}) RETURNING id",
        FIELD_COLUMNS.join(", "),
        placeholders.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4,
        n + 4,
    )
}

/// `UPDATE` of a project's fields ($1–$30), then the time, tenant and id.
fn update_sql() -> String {
    let n = FIELD_COLUMNS.len();
    let sets: Vec<String> = FIELD_COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
    format!(
        "UPDATE projects SET {}, updated_at = ${} WHERE tenant_id = ${} AND id = ${}",
        sets.join(", "),
        n + 1,
        n + 2,
        n + 3
    )
}

fn snapshot(f: &ProjectFields) -> serde_json::Value {
    json!(f)
}

impl Store {
    /// Registers a project; its completed figures start at its bases.
    pub async fn create_project(
        &self,
        tenant: TenantId,
        fields: &ProjectFields,
        basis: LightBasis,
        actor: Actor,
    ) -> Result<ProjectId> {
        let sql = insert_sql();
        let id = in_tx!(self, tx => {
            let id: i64 = bind_fields!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), fields)
                .bind(tenant.0)
                .bind(fields.base_total.to_string())
                .bind(fields.base_year.to_string())
                .bind(actor.at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| StorageError::unique_as_conflict(e, Unique::ProjectName))?;
            let id = ProjectId(id);
            relight!(tx, tenant, id, basis);
            record!(tx, event(tenant, actor, "project", id.0, "create", None, Some(snapshot(fields))));
            id
        });
        Ok(id)
    }

    /// Replaces a project's registered fields (audited with before and after);
    /// its completed figures and light follow.
    pub async fn update_project(
        &self,
        tenant: TenantId,
        id: ProjectId,
        fields: &ProjectFields,
        basis: LightBasis,
        actor: Actor,
    ) -> Result<()> {
        let sql = update_sql();
        in_tx!(self, tx => {
            // What the edit replaces, as it stands now (locked on PostgreSQL).
            let lock = tx.for_update();
            let before: Option<ProjectRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.tenant_id = $1 AND p.id = $2{lock}"
            )))
            .bind(tenant.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let before = before.ok_or(StorageError::NotFound(Entity::Project))?.into_project()?;
            bind_fields!(sqlx::query(sqlx::AssertSqlSafe(sql)), fields)
                .bind(actor.at)
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| StorageError::unique_as_conflict(e, Unique::ProjectName))?;
            refigure!(tx, tenant, id);
            relight!(tx, tenant, id, basis);
            record!(tx, event(tenant, actor, "project", id.0, "update", Some(snapshot(&before.fields)), Some(snapshot(fields))));
        });
        Ok(())
    }

    /// Imports a project ledger in one transaction: `new` projects are
    /// registered, `changed` ones updated (audited each, and the file once);
    /// every light follows. Returns how many were created and updated.
    pub async fn import_projects(
        &self,
        tenant: TenantId,
        new: &[ProjectFields],
        changed: &[(ProjectId, ProjectFields)],
        file_name: &str,
        basis: LightBasis,
        actor: Actor,
    ) -> Result<(usize, usize)> {
        let (insert, update) = (insert_sql(), update_sql());
        in_tx!(self, tx => {
            for fields in new {
                let id: i64 = bind_fields!(sqlx::query_scalar(sqlx::AssertSqlSafe(insert.clone())), fields)
                    .bind(tenant.0)
                    .bind(fields.base_total.to_string())
                    .bind(fields.base_year.to_string())
                    .bind(actor.at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| StorageError::unique_as_conflict(e, Unique::ProjectName))?;
                let id = ProjectId(id);
                relight!(tx, tenant, id, basis);
                record!(tx, event(tenant, actor, "project", id.0, "create", None, Some(snapshot(fields))));
            }
            for (id, fields) in changed {
                bind_fields!(sqlx::query(sqlx::AssertSqlSafe(update.clone())), fields)
                    .bind(actor.at)
                    .bind(tenant.0)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StorageError::unique_as_conflict(e, Unique::ProjectName))?;
                refigure!(tx, tenant, *id);
                relight!(tx, tenant, *id, basis);
                record!(tx, event(tenant, actor, "project", id.0, "update", None, Some(snapshot(fields))));
            }
            let after = json!({"file": file_name, "created": new.len(), "updated": changed.len()});
            record!(tx, event(tenant, actor, "project_ledger", 0, "import", None, Some(after)));
        });
        Ok((new.len(), changed.len()))
    }

    pub async fn project(&self, tenant: TenantId, id: ProjectId) -> Result<Option<KeyProject>> {
        let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.tenant_id = $1 AND p.id = $2");
        let row: Option<ProjectRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(ProjectRow::into_project).transpose()
    }

    /// Whether `org` sees project `id` (see `org_sees`).
    pub async fn org_sees_project(&self, tenant: TenantId, id: ProjectId, org: qingdan_domain::OrgId) -> Result<bool> {
        let sql =
            format!("SELECT COUNT(*) FROM projects p WHERE p.tenant_id = $1 AND p.id = $2 AND {}", org_sees("$3"));
        let n: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).bind(org.0).fetch_one(pool).await?
        });
        Ok(n > 0)
    }

    /// The 计划年度 of the projects `scope` may see, oldest first.
    pub async fn project_years(&self, tenant: TenantId, scope: ProjectScope) -> Result<Vec<i32>> {
        let (filter, binds) = project_filter(scope, &ProjectQuery::default());
        let sql = format!("SELECT DISTINCT p.year FROM projects p WHERE {filter} ORDER BY p.year");
        let years: Vec<i64> = on_pool!(self, pool => {
            let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(tenant.0);
            for bind in &binds {
                query = match bind { Bind::Int(v) => query.bind(*v), Bind::Text(v) => query.bind(v.clone()) };
            }
            query.fetch_all(pool).await?
        });
        Ok(years.into_iter().filter_map(|y| i32::try_from(y).ok()).collect())
    }

    /// The tenant's project of this name, if any (a ledger row updates it).
    pub async fn project_named(&self, tenant: TenantId, name: &str) -> Result<Option<ProjectId>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM projects WHERE tenant_id = $1 AND name = $2")
                .bind(tenant.0).bind(name).fetch_optional(pool).await?
        })
        .map(ProjectId))
    }

    /// A page of the projects `scope` may see that match `query`, by id.
    pub async fn projects(&self, tenant: TenantId, scope: ProjectScope, query: &ProjectQuery) -> Result<ProjectPage> {
        let (filter, binds) = project_filter(scope, query);
        let count_sql = format!("SELECT COUNT(*) FROM projects p WHERE {filter}");
        let page_sql = format!(
            "SELECT {PROJECT_COLUMNS} FROM projects p WHERE {filter} AND p.id > ${} ORDER BY p.id LIMIT ${}",
            binds.len() + 2,
            binds.len() + 3
        );
        let limit = query.limit.clamp(1, 50_000);
        let (total, rows): (i64, Vec<ProjectRow>) = on_pool!(self, pool => {
            let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql)).bind(tenant.0);
            let mut page = sqlx::query_as(sqlx::AssertSqlSafe(page_sql)).bind(tenant.0);
            for bind in &binds {
                count = match bind { Bind::Int(v) => count.bind(*v), Bind::Text(v) => count.bind(v.clone()) };
                page = match bind { Bind::Int(v) => page.bind(*v), Bind::Text(v) => page.bind(v.clone()) };
            }
            let total = count.fetch_one(pool).await?;
            let rows = page.bind(query.after.map_or(0, |a| a.0)).bind(limit + 1).fetch_all(pool).await?;
            (total, rows)
        });
        let mut projects = rows.into_iter().map(ProjectRow::into_project).collect::<Result<Vec<_>>>()?;
        let next = if projects.len() as i64 > limit {
            projects.truncate(limit as usize);
            projects.last().map(|p| p.id)
        } else {
            None
        };
        Ok(ProjectPage { projects, total, next })
    }

    /// Every project `scope` may see, in id order: for the map's figures
    /// and the ledger export.
    pub async fn all_projects(
        &self,
        tenant: TenantId,
        scope: ProjectScope,
        query: &ProjectQuery,
    ) -> Result<Vec<KeyProject>> {
        let mut all = Vec::new();
        let mut query = ProjectQuery { limit: 5_000, after: None, ..query.clone() };
        loop {
            let page = self.projects(tenant, scope, &query).await?;
            all.extend(page.projects);
            match page.next {
                Some(next) => query.after = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// Sets the light of every project of the tenant that is not done on
    /// `basis.today` (the daily refresh: 序时进度 moves with the date).
    /// Returns how many lights were found out of date.
    pub async fn relight_projects(&self, tenant: TenantId, basis: LightBasis) -> Result<u64> {
        let sql = LIGHT_INPUTS.replace("AND p.id = $2", "AND $2 = $2 AND p.stage NOT IN ('completed', 'producing')");
        let rows: Vec<(LightRow, String, i64, String)> = on_pool!(self, pool => {
            let rows: Vec<LightRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(0_i64).bind(basis.today).fetch_all(pool).await?;
            let current: Vec<(i64, String, i64, String)> = sqlx::query_as(
                "SELECT id, light, gap, reasons FROM projects WHERE tenant_id = $1 AND stage NOT IN ('completed', 'producing') ORDER BY id")
                .bind(tenant.0).fetch_all(pool).await?;
            let current: std::collections::HashMap<i64, (String, i64, String)> =
                current.into_iter().map(|(id, l, g, r)| (id, (l, g, r))).collect();
            rows.into_iter().filter_map(|r| current.get(&r.id).cloned().map(|(l, g, s)| (r, l, g, s))).collect()
        });
        let mut stale = Vec::new();
        for (row, light, gap, reasons) in rows {
            let new = row.light(basis)?;
            if new.light.code() != light || new.gap() != gap || new.reasons.join("；") != reasons {
                stale.push(ProjectId(row.id));
            }
        }
        let count = stale.len() as u64;
        // What was read above only names the projects to look at: each light
        // is computed again under the project's lock, from what is committed
        // then (a report accepted meanwhile counts).
        for chunk in stale.chunks(500) {
            in_tx!(self, tx => {
                for id in chunk {
                    relight!(tx, tenant, *id, basis);
                }
            });
        }
        Ok(count)
    }

    /// The names of a tenant's 前期手续 kinds, in order (`None` when never set).
    pub async fn prework_kinds(&self, tenant: TenantId) -> Result<Option<Vec<String>>> {
        let value = self.setting(&prework_key(tenant)).await?;
        Ok(value.and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Sets a tenant's 前期手续 kinds (audited).
    pub async fn set_prework_kinds(&self, tenant: TenantId, kinds: &[String], actor: Actor) -> Result<()> {
        self.set_setting(tenant, &prework_key(tenant), &json!(kinds), actor).await
    }
}

fn prework_key(tenant: TenantId) -> String {
    format!("prework_kinds:{}", tenant.0)
}

/// The condition that the org bound at `param` sees project `p`: it owns or
/// leads it, the project lies in its county or zone, or it handles one of the
/// project's 前期手续 or 堵点.
pub(crate) fn org_sees(param: &str) -> String {
    format!(
        "(p.owner_org_id = {param} OR p.county_org_id = {param} OR p.zone_org_id = {param} OR p.lead_org_id = {param} \
         OR EXISTS (SELECT 1 FROM prework_nodes sn WHERE sn.project_id = p.id AND sn.org_id = {param}) \
         OR EXISTS (SELECT 1 FROM factor_issues sf WHERE sf.project_id = p.id AND sf.org_id = {param}))"
    )
}

/// A value bound to a filter placeholder.
#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

/// The `WHERE` of a project list (tenant is `$1`) and the values of `$2…`.
fn project_filter(scope: ProjectScope, query: &ProjectQuery) -> (String, Vec<Bind>) {
    let mut parts = vec!["p.tenant_id = $1".to_owned()];
    let mut binds = Vec::new();
    let mut add = |sql: &str, bind: Bind| {
        binds.push(bind);
        parts.push(sql.replace('?', &format!("${}", binds.len() + 1)));
    };
    if let ProjectScope::Org(org) = scope {
        add(&org_sees("?"), Bind::Int(org.0));
    }
    let text = query.text.trim();
    if !text.is_empty() {
        let pattern = format!("%{}%", crate::escape_like(text));
        add("(p.name LIKE ? ESCAPE '\\' OR p.code LIKE ? ESCAPE '\\')", Bind::Text(pattern));
    }
    let ints = [
        ("p.county_org_id = ?", query.county.map(|o| o.0)),
        ("p.zone_org_id = ?", query.zone.map(|o| o.0)),
        ("p.owner_org_id = ?", query.owner.map(|o| o.0)),
        ("p.liaison_leader_id = ?", query.liaison.map(|u| u.0)),
        ("p.year = ?", query.year.map(i64::from)),
    ];
    for (sql, value) in ints {
        if let Some(v) = value {
            add(sql, Bind::Int(v));
        }
    }
    let codes = [
        ("p.stage = ?", query.stage.map(Stage::code)),
        ("p.batch = ?", query.batch.map(Batch::code)),
        ("p.level = ?", query.level.map(Level::code)),
        ("p.category = ?", query.category.map(Category::code)),
        ("p.light = ?", query.light.map(Light::code)),
    ];
    for (sql, value) in codes {
        if let Some(v) = value {
            add(sql, Bind::Text(v.to_owned()));
        }
    }
    (parts.join(" AND "), binds)
}
