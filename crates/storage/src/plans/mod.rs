//! 计划: plans, and (in `tasks`) their task tree, targets and responsibilities.

pub(crate) mod copy;
pub(crate) mod editing;
pub(crate) mod repair;
pub(crate) mod tasks;

use crate::audit::{event, record};
use crate::error::Entity;
use crate::rows::code;
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, StorageError, Store};
use qingdan_domain::{Plan, PlanId, PlanStatus, TenantId};
use serde_json::json;

#[derive(Debug, Clone)]
pub struct NewPlan {
    pub tenant_id: TenantId,
    pub year: i32,
    pub title: String,
    pub status: PlanStatus,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    tenant_id: i64,
    year: i64,
    title: String,
    status: String,
}

impl PlanRow {
    fn into_plan(self) -> Result<Plan> {
        Ok(Plan {
            id: PlanId(self.id),
            tenant_id: TenantId(self.tenant_id),
            year: i32::try_from(self.year).map_err(|e| StorageError::corrupt("plans", e))?,
            title: self.title,
            status: code("plans", &self.status, PlanStatus::from_code)?,
        })
    }
}

impl Store {
    pub async fn create_plan(&self, new: &NewPlan, actor: Actor) -> Result<Plan> {
        let id: i64 = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar("INSERT INTO plans (tenant_id, year, title, status) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(new.tenant_id.0)
                .bind(i64::from(new.year))
                .bind(&new.title)
                .bind(new.status.code())
                .fetch_one(&mut *tx)
                .await?;
            let after = json!({"year": new.year, "title": new.title, "status": new.status.code()});
            record!(tx, event(new.tenant_id, actor, "plan", id, "create", None, Some(after)));
            id
        });
        self.plan(new.tenant_id, PlanId(id)).await?.ok_or(StorageError::NotFound(Entity::Plan))
    }

    pub async fn plan(&self, tenant: TenantId, id: PlanId) -> Result<Option<Plan>> {
        let row: Option<PlanRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, tenant_id, year, title, status FROM plans WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(PlanRow::into_plan).transpose()
    }

    /// The tenant's working plans (drafts and published, not archived),
    /// newest year first.
    pub async fn plans(&self, tenant: TenantId) -> Result<Vec<Plan>> {
        self.plans_of(tenant, &[PlanStatus::Draft, PlanStatus::Published]).await
    }

    /// The tenant's archived plans, newest year first.
    pub async fn archived_plans(&self, tenant: TenantId) -> Result<Vec<Plan>> {
        self.plans_of(tenant, &[PlanStatus::Archived]).await
    }

    async fn plans_of(&self, tenant: TenantId, statuses: &[PlanStatus]) -> Result<Vec<Plan>> {
        // The status codes are our constants, not user input.
        let codes = statuses.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT id, tenant_id, year, title, status FROM plans WHERE tenant_id = $1 AND status IN ({codes}) \
             ORDER BY year DESC, id DESC"
        );
        let rows: Vec<PlanRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        rows.into_iter().map(PlanRow::into_plan).collect()
    }
}
