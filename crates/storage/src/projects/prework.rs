//! 前期手续 (pre-construction procedures): one node per procedure of a
//! project, with the org that handles it and a deadline. A node past its
//! deadline and not done turns its project red.

use super::{LightBasis, ProjectScope, relight};
use crate::audit::{event, record};
use crate::error::{Entity, StorageError, Unique};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::NaiveDate;
use qingdan_domain::{OrgId, PreworkId, ProjectId, TenantId};
use serde_json::json;

/// A node as the office adds it.
#[derive(Debug, Clone)]
pub struct NewPrework {
    pub project_id: ProjectId,
    pub name: String,
    pub org_id: OrgId,
    pub deadline: NaiveDate,
}

/// A node with its project's and org's names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Prework {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    pub deadline: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub assignment_id: Option<i64>,
}

impl Prework {
    /// Past its deadline on `today` and not done.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done_on.is_none() && self.deadline < today
    }

    pub fn id(&self) -> PreworkId {
        PreworkId(self.id)
    }
}

const SELECT: &str = "SELECT n.id, n.project_id, p.name AS project_name, n.name, n.org_id, o.name AS org_name, \
    n.deadline, n.done_on, n.assignment_id FROM prework_nodes n JOIN projects p ON p.id = n.project_id \
    JOIN orgs o ON o.id = n.org_id";

impl Store {
    /// Adds a node to a project; the project's light follows.
    pub async fn add_prework(
        &self,
        tenant: TenantId,
        new: &NewPrework,
        basis: LightBasis,
        actor: Actor,
    ) -> Result<PreworkId> {
        let id = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO prework_nodes (tenant_id, project_id, name, org_id, deadline) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(tenant.0)
            .bind(new.project_id.0)
            .bind(&new.name)
            .bind(new.org_id.0)
            .bind(new.deadline)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StorageError::unique_as_conflict(e, Unique::PreworkName))?;
            relight!(tx, tenant, new.project_id, basis);
            let after = json!({"project_id": new.project_id, "name": new.name, "org_id": new.org_id, "deadline": new.deadline});
            record!(tx, event(tenant, actor, "prework", id, "create", None, Some(after)));
            PreworkId(id)
        });
        Ok(id)
    }

    /// Marks a node done on `on` (or not done, `None`); the light follows.
    pub async fn set_prework_done(
        &self,
        tenant: TenantId,
        id: PreworkId,
        on: Option<NaiveDate>,
        basis: LightBasis,
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let project: Option<i64> = sqlx::query_scalar(
                "UPDATE prework_nodes SET done_on = $1 WHERE tenant_id = $2 AND id = $3 RETURNING project_id",
            )
            .bind(on)
            .bind(tenant.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let project = ProjectId(project.ok_or(StorageError::NotFound(Entity::Prework))?);
            relight!(tx, tenant, project, basis);
            record!(tx, event(tenant, actor, "prework", id.0, if on.is_some() { "done" } else { "reopen" }, None, Some(json!({"done_on": on}))));
        });
        Ok(())
    }

    pub async fn prework(&self, tenant: TenantId, id: PreworkId) -> Result<Option<Prework>> {
        let sql = format!("{SELECT} WHERE n.tenant_id = $1 AND n.id = $2");
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        }))
    }

    /// A project's nodes by deadline.
    pub async fn project_prework(&self, tenant: TenantId, project: ProjectId) -> Result<Vec<Prework>> {
        let sql = format!("{SELECT} WHERE n.tenant_id = $1 AND n.project_id = $2 ORDER BY n.deadline, n.id");
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(project.0).fetch_all(pool).await?
        }))
    }

    /// Nodes past their deadline on `today` and not done, of the projects
    /// `scope` may see (of 计划年度 `year`, or any), the longest overdue first.
    pub async fn overdue_prework(
        &self,
        tenant: TenantId,
        scope: ProjectScope,
        today: NaiveDate,
        year: Option<i32>,
        limit: i64,
    ) -> Result<Vec<Prework>> {
        let (org_filter, org) = scope_filter(scope);
        let sql = format!(
            "{SELECT} WHERE n.tenant_id = $1 AND n.done_on IS NULL AND n.deadline < $2 AND {org_filter} \
             AND ($5 = 0 OR p.year = $5) ORDER BY n.deadline, n.id LIMIT $4"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(today).bind(org).bind(limit).bind(i64::from(year.unwrap_or(0))).fetch_all(pool).await?
        }))
    }
}

/// A scope as a condition on `p` with its org as `$3`.
pub(crate) fn scope_filter(scope: ProjectScope) -> (String, i64) {
    match scope {
        ProjectScope::All => ("$3 = $3".to_owned(), 0),
        ProjectScope::Org(org) => (super::org_sees("$3"), org.0),
    }
}

/// Links `$id` of `$table` to matter `$assignment` inside `$tx`, refusing
/// one linked already ([`Conflict::AlreadyAssigned`](crate::Conflict)).
macro_rules! link_assignment {
    ($tx:ident, $table:literal, $tenant:expr, $id:expr, $assignment:expr) => {{
        let linked = sqlx::query(concat!(
            "UPDATE ",
            $table,
            " SET assignment_id = $1 WHERE tenant_id = $2 AND id = $3 AND assignment_id IS NULL"
        ))
        .bind($assignment)
        .bind($tenant.0)
        .bind($id)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if linked == 0 {
            return Err($crate::StorageError::Conflict($crate::Conflict::AlreadyAssigned));
        }
    }};
}
pub(crate) use link_assignment;

/// What a new 督办 matter comes from, linked to it in the same transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentLink {
    Prework(PreworkId),
    Factor(qingdan_domain::FactorIssueId),
    Decision(qingdan_domain::DecisionId),
}
