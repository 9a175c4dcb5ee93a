use crate::audit::{event, record};
use crate::error::{Entity, Unique};
use crate::rows::code;
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, StorageError, Store};
use qingdan_domain::{Org, OrgId, OrgKind, TenantId};
use serde_json::json;

/// A new org to create.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub tenant_id: TenantId,
    pub parent_id: Option<OrgId>,
    pub name: String,
    pub kind: OrgKind,
    pub sort_order: i64,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: i64,
    tenant_id: i64,
    parent_id: Option<i64>,
    name: String,
    kind: String,
    sort_order: i64,
}

impl OrgRow {
    fn into_org(self) -> Result<Org> {
        Ok(Org {
            id: OrgId(self.id),
            tenant_id: TenantId(self.tenant_id),
            parent_id: self.parent_id.map(OrgId),
            name: self.name,
            kind: code("orgs", &self.kind, OrgKind::from_code)?,
            sort_order: self.sort_order,
        })
    }
}

const COLUMNS: &str = "id, tenant_id, parent_id, name, kind, sort_order";

impl Store {
    /// Creates an org; a name already used in the tenant is a `Conflict`.
    pub async fn create_org(&self, new: &NewOrg, actor: Actor) -> Result<Org> {
        let id: i64 = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO orgs (tenant_id, parent_id, name, kind, sort_order) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(new.tenant_id.0)
            .bind(new.parent_id.map(|p| p.0))
            .bind(&new.name)
            .bind(new.kind.code())
            .bind(new.sort_order)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StorageError::unique_as_conflict(e, Unique::OrgName))?;
            let after = json!({"name": new.name, "kind": new.kind.code(), "parent_id": new.parent_id});
            record!(tx, event(new.tenant_id, actor, "org", id, "create", None, Some(after)));
            id
        });
        self.org(new.tenant_id, OrgId(id)).await?.ok_or(StorageError::NotFound(Entity::Org))
    }

    pub async fn org(&self, tenant: TenantId, id: OrgId) -> Result<Option<Org>> {
        let sql = format!("SELECT {COLUMNS} FROM orgs WHERE tenant_id = $1 AND id = $2");
        let row: Option<OrgRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(OrgRow::into_org).transpose()
    }

    /// The tenant's orgs in their sort order.
    pub async fn orgs(&self, tenant: TenantId) -> Result<Vec<Org>> {
        let sql = format!("SELECT {COLUMNS} FROM orgs WHERE tenant_id = $1 ORDER BY sort_order, id");
        let rows: Vec<OrgRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        rows.into_iter().map(OrgRow::into_org).collect()
    }
}
