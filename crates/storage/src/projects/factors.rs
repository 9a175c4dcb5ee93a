//! 要素保障 / 堵点: problems raised on a project, the org that must solve
//! them by a deadline, raised one coordination level when overdue, solved by
//! that org and closed out (销号) when the owner confirms.

use super::ProjectScope;
use super::prework::scope_filter;
use crate::audit::{event, record};
use crate::error::{Conflict, Entity, StorageError};
use crate::rows::code;
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::project::{Coordination, FactorKind, FactorStatus};
use qingdan_domain::{FactorIssueId, OrgId, ProjectId, TenantId};
use serde_json::json;

/// A blocker as raised.
#[derive(Debug, Clone)]
pub struct NewFactorIssue {
    pub project_id: ProjectId,
    pub kind: FactorKind,
    pub description: String,
    /// The org that must solve it.
    pub org_id: OrgId,
    pub deadline: NaiveDate,
    pub level: Coordination,
}

/// A blocker with its project's, owner's and solver's names.
#[derive(Debug, Clone)]
pub struct FactorIssue {
    pub id: FactorIssueId,
    pub project_id: ProjectId,
    pub project_name: String,
    pub owner_org_id: OrgId,
    pub kind: FactorKind,
    pub description: String,
    pub org_id: OrgId,
    pub org_name: String,
    /// 解决时限: as agreed, or as the escalation sweep last moved it.
    pub deadline: NaiveDate,
    /// 原定解决时限: the deadline agreed when raised, once the sweep has
    /// moved `deadline` (None: never moved, or moved before it was kept).
    pub agreed_deadline: Option<NaiveDate>,
    pub level: Coordination,
    pub status: FactorStatus,
    pub raised_at: DateTime<Utc>,
    pub escalated_on: Option<NaiveDate>,
    pub solved_note: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub assignment_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct FactorRow {
    id: i64,
    project_id: i64,
    project_name: String,
    owner_org_id: i64,
    kind: String,
    description: String,
    org_id: i64,
    org_name: String,
    deadline: NaiveDate,
    agreed_deadline: Option<NaiveDate>,
    level: String,
    status: String,
    raised_at: DateTime<Utc>,
    escalated_on: Option<NaiveDate>,
    solved_note: String,
    closed_at: Option<DateTime<Utc>>,
    assignment_id: Option<i64>,
}

const TABLE: &str = "factor_issues";

const SELECT: &str = "SELECT f.id, f.project_id, p.name AS project_name, p.owner_org_id, f.kind, f.description, \
    f.org_id, o.name AS org_name, f.deadline, f.agreed_deadline, f.level, f.status, f.raised_at, f.escalated_on, f.solved_note, \
    f.closed_at, f.assignment_id FROM factor_issues f JOIN projects p ON p.id = f.project_id JOIN orgs o ON o.id = f.org_id";

impl FactorRow {
    fn into_issue(self) -> Result<FactorIssue> {
        Ok(FactorIssue {
            id: FactorIssueId(self.id),
            project_id: ProjectId(self.project_id),
            project_name: self.project_name,
            owner_org_id: OrgId(self.owner_org_id),
            kind: code(TABLE, &self.kind, FactorKind::from_code)?,
            description: self.description,
            org_id: OrgId(self.org_id),
            org_name: self.org_name,
            deadline: self.deadline,
            agreed_deadline: self.agreed_deadline,
            level: code(TABLE, &self.level, Coordination::from_code)?,
            status: code(TABLE, &self.status, FactorStatus::from_code)?,
            raised_at: self.raised_at,
            escalated_on: self.escalated_on,
            solved_note: self.solved_note,
            closed_at: self.closed_at,
            assignment_id: self.assignment_id,
        })
    }
}

impl Store {
    pub async fn raise_factor_issue(
        &self,
        tenant: TenantId,
        new: &NewFactorIssue,
        actor: Actor,
    ) -> Result<FactorIssueId> {
        let id = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO factor_issues (tenant_id, project_id, kind, description, org_id, deadline, level, status, \
                 raised_by, raised_at, solved_note) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, '') RETURNING id",
            )
            .bind(tenant.0)
            .bind(new.project_id.0)
            .bind(new.kind.code())
            .bind(&new.description)
            .bind(new.org_id.0)
            .bind(new.deadline)
            .bind(new.level.code())
            .bind(actor.user_id.map(|u| u.0))
            .bind(actor.at)
            .fetch_one(&mut *tx)
            .await?;
            let after = json!({"project_id": new.project_id, "kind": new.kind.code(), "org_id": new.org_id,
                               "deadline": new.deadline, "level": new.level.code()});
            record!(tx, event(tenant, actor, "factor_issue", id, "raise", None, Some(after)));
            FactorIssueId(id)
        });
        Ok(id)
    }

    /// Moves a blocker from `from` to `to` (solve: open → solved with a note;
    /// confirm: solved → closed; reject: solved → open). Another state is a conflict.
    pub async fn step_factor_issue(
        &self,
        tenant: TenantId,
        id: FactorIssueId,
        from: FactorStatus,
        to: FactorStatus,
        note: &str,
        actor: Actor,
    ) -> Result<()> {
        let (set, action) = match to {
            FactorStatus::Solved => ("solved_note = $5, solved_at = $6", "solve"),
            FactorStatus::Closed => ("closed_by = $7, closed_at = $6, solved_note = solved_note || $5", "close"),
            FactorStatus::Open => ("solved_note = $5, solved_at = NULL", "reject"),
        };
        let sql = format!(
            "UPDATE factor_issues SET status = $1, {set} WHERE tenant_id = $2 AND id = $3 AND status = $4 AND $7 = $7"
        );
        let note = match to {
            FactorStatus::Closed if !note.is_empty() => format!("（销号：{note}）"),
            _ => note.to_owned(),
        };
        in_tx!(self, tx => {
            let changed = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(to.code())
                .bind(tenant.0)
                .bind(id.0)
                .bind(from.code())
                .bind(&note)
                .bind(actor.at)
                .bind(actor.user_id.map_or(0, |u| u.0))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM factor_issues WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0).bind(id.0).fetch_optional(&mut *tx).await?;
                return Err(match exists {
                    Some(_) => StorageError::Conflict(Conflict::FactorState),
                    None => StorageError::NotFound(Entity::FactorIssue),
                });
            }
            record!(tx, event(tenant, actor, "factor_issue", id.0, action, Some(json!({"status": from.code()})), Some(json!({"status": to.code(), "note": note}))));
        });
        Ok(())
    }

    /// Raises every blocker still open (not solved, not closed) and past its
    /// deadline on `today` one coordination level, at most once per deadline
    /// passed: the level rises and the deadline moves to `deadline`, the
    /// agreed one kept as 原定解决时限 (the first time it moves). A solved
    /// blocker waits for its owner's 销号, not for a higher level. Returns
    /// the blockers raised.
    pub async fn escalate_factor_issues(
        &self,
        tenant: TenantId,
        today: NaiveDate,
        deadline: NaiveDate,
        actor: Actor,
    ) -> Result<Vec<FactorIssueId>> {
        let due: Vec<(i64, String, NaiveDate)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, level, deadline FROM factor_issues WHERE tenant_id = $1 AND status = 'open' AND deadline < $2 AND level <> 'city_government'")
                .bind(tenant.0).bind(today).fetch_all(pool).await?
        });
        let mut raised = Vec::new();
        for (id, level, before) in due {
            let level = code(TABLE, &level, Coordination::from_code)?;
            let next = level.raised();
            let changed = in_tx!(self, tx => {
                let changed = sqlx::query(
                    "UPDATE factor_issues SET level = $1, agreed_deadline = COALESCE(agreed_deadline, deadline), \
                     deadline = $2, escalated_on = $3 \
                     WHERE tenant_id = $4 AND id = $5 AND level = $6 AND deadline < $3 AND status = 'open'",
                )
                .bind(next.code()).bind(deadline).bind(today).bind(tenant.0).bind(id).bind(level.code())
                .execute(&mut *tx).await?.rows_affected();
                if changed > 0 {
                    record!(tx, event(tenant, actor, "factor_issue", id, "escalate", Some(json!({"level": level.code(), "deadline": before})), Some(json!({"level": next.code(), "deadline": deadline}))));
                }
                changed
            });
            if changed > 0 {
                raised.push(FactorIssueId(id));
            }
        }
        Ok(raised)
    }

    pub async fn factor_issue(&self, tenant: TenantId, id: FactorIssueId) -> Result<Option<FactorIssue>> {
        let sql = format!("{SELECT} WHERE f.tenant_id = $1 AND f.id = $2");
        let row: Option<FactorRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(FactorRow::into_issue).transpose()
    }

    /// A project's blockers, newest first.
    pub async fn project_factor_issues(&self, tenant: TenantId, project: ProjectId) -> Result<Vec<FactorIssue>> {
        let sql = format!("{SELECT} WHERE f.tenant_id = $1 AND f.project_id = $2 ORDER BY f.id DESC");
        let rows: Vec<FactorRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(project.0).fetch_all(pool).await?
        });
        rows.into_iter().map(FactorRow::into_issue).collect()
    }

    /// Blockers not closed of the projects `scope` may see (of 计划年度
    /// `year`, or any), or that `solver` must solve: the highest level and
    /// the earliest deadline first.
    pub async fn open_factor_issues(
        &self,
        tenant: TenantId,
        scope: ProjectScope,
        solver: Option<OrgId>,
        year: Option<i32>,
        limit: i64,
    ) -> Result<Vec<FactorIssue>> {
        let (org_filter, org) = scope_filter(scope);
        let sql = format!(
            "{SELECT} WHERE f.tenant_id = $1 AND f.status <> 'closed' AND ({org_filter} OR f.org_id = $2) \
             AND ($5 = 0 OR p.year = $5) \
             ORDER BY CASE f.level WHEN 'city_government' THEN 0 WHEN 'meeting' THEN 1 WHEN 'city_leader' THEN 2 ELSE 3 END, \
             f.deadline, f.id LIMIT $4"
        );
        let rows: Vec<FactorRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(solver.map_or(-1, |o| o.0)).bind(org).bind(limit).bind(i64::from(year.unwrap_or(0))).fetch_all(pool).await?
        });
        rows.into_iter().map(FactorRow::into_issue).collect()
    }
}
