//! 附件 (attachment files) of assigned matters: the bytes with their name,
//! type and uploader, in `assignment_files`.
//!
//! Lists never read the content; only [`Store::assignment_file`] does, for a
//! download. Who may add or read a file is decided in `qingdan-app`.

use crate::audit::{event, record};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::{AssignmentFileId, AssignmentId, TenantId, UserId};
use serde_json::json;

/// A stored file of a matter, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentFile {
    pub id: AssignmentFileId,
    pub assignment_id: AssignmentId,
    /// The file name as uploaded, without a path.
    pub name: String,
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    pub uploaded_by: Option<UserId>,
    /// The uploader's display name ("" when the user is gone).
    pub uploaded_by_name: String,
    pub uploaded_at: DateTime<Utc>,
}

/// A file to store; the caller has checked it.
#[derive(Debug, Clone, Copy)]
pub struct NewAssignmentFile<'a> {
    pub tenant_id: TenantId,
    pub assignment_id: AssignmentId,
    pub name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: i64,
    assignment_id: i64,
    name: String,
    content_type: String,
    size: i64,
    uploaded_by: Option<i64>,
    uploaded_by_name: Option<String>,
    uploaded_at: DateTime<Utc>,
}

impl FileRow {
    fn into_file(self) -> AssignmentFile {
        AssignmentFile {
            id: AssignmentFileId(self.id),
            assignment_id: AssignmentId(self.assignment_id),
            name: self.name,
            content_type: self.content_type,
            size: self.size,
            uploaded_by: self.uploaded_by.map(UserId),
            uploaded_by_name: self.uploaded_by_name.unwrap_or_default(),
            uploaded_at: self.uploaded_at,
        }
    }
}

const FILE_COLUMNS: &str = "f.id, f.assignment_id, f.name, f.content_type, f.size, f.uploaded_by, \
     u.display_name AS uploaded_by_name, f.uploaded_at";

impl Store {
    /// Stores a file of a matter with its audit event, in one transaction.
    pub async fn add_assignment_file(&self, new: &NewAssignmentFile<'_>, actor: Actor) -> Result<AssignmentFileId> {
        let size = i64::try_from(new.content.len()).unwrap_or(i64::MAX);
        let id = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO assignment_files (tenant_id, assignment_id, name, content_type, size, content, \
                 uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(new.tenant_id.0)
            .bind(new.assignment_id.0)
            .bind(new.name)
            .bind(new.content_type)
            .bind(size)
            .bind(new.content)
            .bind(actor.user_id.map(|u| u.0))
            .bind(actor.at)
            .fetch_one(&mut *tx)
            .await?;
            let after = json!({"assignment_id": new.assignment_id, "name": new.name,
                               "content_type": new.content_type, "size": size});
            record!(tx, event(new.tenant_id, actor, "assignment_file", id, "create", None, Some(after)));
            id
        });
        Ok(AssignmentFileId(id))
    }

    /// A matter's files, oldest first, without their content.
    pub async fn assignment_files(&self, tenant: TenantId, assignment: AssignmentId) -> Result<Vec<AssignmentFile>> {
        let sql = format!(
            "SELECT {FILE_COLUMNS} FROM assignment_files f LEFT JOIN users u ON u.id = f.uploaded_by \
             WHERE f.tenant_id = $1 AND f.assignment_id = $2 ORDER BY f.id"
        );
        let rows: Vec<FileRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(assignment.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(FileRow::into_file).collect())
    }

    /// One file of a matter with its content; `None` when the tenant's matter has no such file.
    pub async fn assignment_file(
        &self,
        tenant: TenantId,
        assignment: AssignmentId,
        id: AssignmentFileId,
    ) -> Result<Option<(AssignmentFile, Vec<u8>)>> {
        let sql = format!(
            "SELECT {FILE_COLUMNS}, f.content FROM assignment_files f LEFT JOIN users u ON u.id = f.uploaded_by \
             WHERE f.tenant_id = $1 AND f.assignment_id = $2 AND f.id = $3"
        );
        let row: Option<(FileRow, Vec<u8>)> = on_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(tenant.0)
                .bind(assignment.0)
                .bind(id.0)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => {
                    use sqlx::{FromRow, Row};
                    let content: Vec<u8> = row.try_get("content")?;
                    Some((FileRow::from_row(&row)?, content))
                }
                None => None,
            }
        });
        Ok(row.map(|(r, content)| (r.into_file(), content)))
    }
}
