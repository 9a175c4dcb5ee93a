//! What 督办 附件 (`assignment_files`) and 佐证材料 (`report_files`) share:
//! the columns and row of a stored file, and the read of one with its
//! content. Each table has the same columns but the id of what it belongs to.

use crate::store::on_pool;
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::TenantId;

/// A table of files and the column naming what each belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileTable {
    pub table: &'static str,
    pub owner: &'static str,
}

/// A stored file's row, without its content; `owner_id` is the matter or report.
#[derive(sqlx::FromRow)]
pub(crate) struct FileRow {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: Option<i64>,
    pub uploaded_by_name: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}

impl FileTable {
    /// `SELECT … FROM` the table as `f`, with the uploader's name and
    /// `extra` columns (`, f.content`); the caller adds `WHERE`.
    pub(crate) fn select(&self, extra: &str) -> String {
        format!(
            "SELECT f.id, f.{owner} AS owner_id, f.name, f.content_type, f.size, f.uploaded_by, \
             u.display_name AS uploaded_by_name, f.uploaded_at{extra} FROM {table} f LEFT JOIN users u ON u.id = f.uploaded_by",
            owner = self.owner,
            table = self.table,
        )
    }

    /// One file of the tenant's `owner` with its content, or `None`.
    pub(crate) async fn with_content(
        &self,
        store: &Store,
        tenant: TenantId,
        owner: i64,
        id: i64,
    ) -> Result<Option<(FileRow, Vec<u8>)>> {
        let sql = format!(
            "{} WHERE f.tenant_id = $1 AND f.{owner} = $2 AND f.id = $3",
            self.select(", f.content"),
            owner = self.owner,
        );
        Ok(on_pool!(store, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(owner).bind(id).fetch_optional(pool).await?;
            match row {
                Some(row) => {
                    use sqlx::{FromRow, Row};
                    let content: Vec<u8> = row.try_get("content")?;
                    Some((FileRow::from_row(&row)?, content))
                }
                None => None,
            }
        }))
    }
}
