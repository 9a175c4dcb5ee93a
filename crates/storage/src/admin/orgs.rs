use crate::audit::{event, record};
use crate::error::{Entity, Unique};
use crate::rows::code;
use crate::store::{in_tx, on_pool, row_to_change};
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
    is_active: bool,
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
            is_active: self.is_active,
        })
    }
}

const COLUMNS: &str = "id, tenant_id, parent_id, name, kind, sort_order, is_active";

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

    /// Renames an org, changes its kind, parent and order (audited with
    /// before and after); the name must stay unique in the tenant.
    pub async fn update_org(&self, tenant: TenantId, id: OrgId, change: &NewOrg, actor: Actor) -> Result<Org> {
        in_tx!(self, tx => {
            let before: Option<(String, String, Option<i64>, i64)> = row_to_change!(tx,
                "SELECT name, kind, parent_id, sort_order FROM orgs WHERE tenant_id = $1 AND id = $2", tenant.0, id.0);
            let (name, kind, parent_id, sort_order) = before.ok_or(StorageError::NotFound(Entity::Org))?;
            sqlx::query("UPDATE orgs SET name = $1, kind = $2, parent_id = $3, sort_order = $4 WHERE tenant_id = $5 AND id = $6")
                .bind(&change.name)
                .bind(change.kind.code())
                .bind(change.parent_id.map(|p| p.0))
                .bind(change.sort_order)
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| StorageError::unique_as_conflict(e, Unique::OrgName))?;
            let old = json!({"name": name, "kind": kind, "parent_id": parent_id, "sort_order": sort_order});
            let new = json!({"name": change.name, "kind": change.kind.code(), "parent_id": change.parent_id, "sort_order": change.sort_order});
            record!(tx, event(tenant, actor, "org", id.0, "update", Some(old), Some(new)));
        });
        self.org(tenant, id).await?.ok_or(StorageError::NotFound(Entity::Org))
    }

    /// Disables an org (it keeps its reports and history) or enables it again.
    pub async fn set_org_active(&self, tenant: TenantId, id: OrgId, active: bool, actor: Actor) -> Result<()> {
        in_tx!(self, tx => {
            let done = sqlx::query("UPDATE orgs SET is_active = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(active)
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StorageError::NotFound(Entity::Org));
            }
            record!(tx, event(tenant, actor, "org", id.0, if active { "enable" } else { "disable" }, None, None));
        });
        Ok(())
    }

    /// Merges org `from` into `into` (机构合并): its people, the tasks it leads
    /// or supports, the 督办 matters it leads and its sub-orgs move to `into`;
    /// `from` is disabled and keeps its name, reports and history. Returns how
    /// many users and tasks moved.
    pub async fn merge_org(&self, tenant: TenantId, from: OrgId, into: OrgId, actor: Actor) -> Result<(u64, u64)> {
        let moved = in_tx!(self, tx => {
            let users = sqlx::query("UPDATE users SET org_id = $1 WHERE tenant_id = $2 AND org_id = $3")
                .bind(into.0).bind(tenant.0).bind(from.0).execute(&mut *tx).await?.rows_affected();
            let tasks = sqlx::query("UPDATE tasks SET lead_org_id = $1 WHERE tenant_id = $2 AND lead_org_id = $3")
                .bind(into.0).bind(tenant.0).bind(from.0).execute(&mut *tx).await?.rows_affected();
            // Supporting: where both supported, one row stays.
            sqlx::query(
                "DELETE FROM task_supporting_orgs WHERE tenant_id = $1 AND org_id = $2 AND task_id IN \
                 (SELECT task_id FROM task_supporting_orgs WHERE tenant_id = $1 AND org_id = $3)",
            )
            .bind(tenant.0).bind(from.0).bind(into.0).execute(&mut *tx).await?;
            sqlx::query("UPDATE task_supporting_orgs SET org_id = $1 WHERE tenant_id = $2 AND org_id = $3")
                .bind(into.0).bind(tenant.0).bind(from.0).execute(&mut *tx).await?;
            sqlx::query("UPDATE assignments SET lead_org_id = $1 WHERE tenant_id = $2 AND lead_org_id = $3")
                .bind(into.0).bind(tenant.0).bind(from.0).execute(&mut *tx).await?;
            sqlx::query("UPDATE orgs SET parent_id = $1 WHERE tenant_id = $2 AND parent_id = $3")
                .bind(into.0).bind(tenant.0).bind(from.0).execute(&mut *tx).await?;
            sqlx::query("UPDATE orgs SET is_active = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(false).bind(tenant.0).bind(from.0).execute(&mut *tx).await?;
            let after = json!({"into": into, "users": users, "tasks": tasks});
            record!(tx, event(tenant, actor, "org", from.0, "merge", None, Some(after)));
            (users, tasks)
        });
        Ok(moved)
    }
}
