//! A reader's corrections of how a draft's parts were judged, and the
//! re-read draft tasks they bring (`import_part_overrides`).

use super::*;
use crate::audit::{event, record};
use crate::error::{Conflict, Entity};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, StorageError, Store};
use qingdan_domain::{ImportId, ImportStatus, TenantId};
use serde_json::json;

/// A reader's correction of how a part of the report was judged: the part
/// whose heading starts at char `at` of the source text is of `kind` (the
/// extractor's code: `review`, `plan`, `five_year`…). Storage keeps the code
/// as it is given; the app reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPartOverride {
    pub at: i64,
    pub kind: String,
}

/// What re-reading a part of a draft did: draft tasks removed and added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartReread {
    pub removed: u64,
    pub added: usize,
}

impl Store {
    /// The corrections of part judgements stored for an import, by offset.
    pub async fn import_part_overrides(&self, tenant: TenantId, import: ImportId) -> Result<Vec<ImportPartOverride>> {
        let rows: Vec<(i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT part_at, kind FROM import_part_overrides WHERE tenant_id = $1 AND import_id = $2 ORDER BY part_at",
            )
            .bind(tenant.0)
            .bind(import.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(at, kind)| ImportPartOverride { at, kind }).collect())
    }

    /// Re-reads part of a draft under a correction, in one transaction:
    /// stores the correction, deletes the draft tasks (and their targets)
    /// that start in the source range `[from, to)` and puts `tasks` in their
    /// place in the draft's order. Tasks outside the range, hand edits
    /// included, stay as they are. A published import is a `Conflict`.
    #[allow(clippy::too_many_arguments)]
    pub async fn reread_import_part(
        &self,
        tenant: TenantId,
        import: ImportId,
        correction: &ImportPartOverride,
        from: i64,
        to: i64,
        tasks: &[NewImportTask],
        actor: Actor,
    ) -> Result<PartReread> {
        let added = tasks.len();
        let removed: u64 = in_tx!(self, tx => {
            touch_import!(tx, tenant, "$2", import.0, Entity::Import);
            let before: Option<String> = sqlx::query_scalar(
                "SELECT kind FROM import_part_overrides WHERE tenant_id = $1 AND import_id = $2 AND part_at = $3",
            )
            .bind(tenant.0).bind(import.0).bind(correction.at).fetch_optional(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO import_part_overrides (tenant_id, import_id, part_at, kind) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (import_id, part_at) DO UPDATE SET kind = excluded.kind",
            )
            .bind(tenant.0).bind(import.0).bind(correction.at).bind(&correction.kind).execute(&mut *tx).await?;
            sqlx::query(
                "DELETE FROM import_targets WHERE tenant_id = $1 AND import_task_id IN \
                 (SELECT id FROM import_tasks WHERE tenant_id = $1 AND import_id = $2 AND source_start >= $3 AND source_start < $4)",
            )
            .bind(tenant.0).bind(import.0).bind(from).bind(to).execute(&mut *tx).await?;
            let removed = sqlx::query(
                "DELETE FROM import_tasks WHERE tenant_id = $1 AND import_id = $2 AND source_start >= $3 AND source_start < $4",
            )
            .bind(tenant.0).bind(import.0).bind(from).bind(to).execute(&mut *tx).await?.rows_affected();
            // The new tasks go after the last task that starts before the range.
            let place: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(seq) FROM import_tasks WHERE tenant_id = $1 AND import_id = $2 AND source_start < $3",
            )
            .bind(tenant.0).bind(import.0).bind(from).fetch_one(&mut *tx).await?;
            let place = place.unwrap_or(0);
            let n = i64::try_from(added).unwrap_or(i64::MAX);
            sqlx::query("UPDATE import_tasks SET seq = seq + $1 WHERE tenant_id = $2 AND import_id = $3 AND seq > $4")
                .bind(n).bind(tenant.0).bind(import.0).bind(place).execute(&mut *tx).await?;
            for (i, task) in tasks.iter().enumerate() {
                let seq = place + i64::try_from(i).unwrap_or(i64::MAX) + 1;
                insert_task!(tx, tenant.0, import.0, seq, task);
            }
            let old = json!({"at": correction.at, "kind": before});
            let new = json!({"at": correction.at, "kind": correction.kind, "from": from, "to": to, "removed": removed, "added": added});
            record!(tx, event(tenant, actor, "report_import", import.0, "reread_part", Some(old), Some(new)));
            removed
        });
        Ok(PartReread { removed, added })
    }
}
