//! 附件 (attachment files) of assigned matters: the bytes with their name,
//! type and uploader, in `assignment_files`.
//!
//! Lists never read the content; only [`Store::assignment_file`] does, for a
//! download. Who may add or read a file is decided in `qingdan-app`.

use crate::audit::{event, record};
use crate::files::{FileRow, FileTable};
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

const FILES: FileTable = FileTable { table: "assignment_files", owner: "assignment_id" };

fn into_file(r: FileRow) -> AssignmentFile {
    AssignmentFile {
        id: AssignmentFileId(r.id),
        assignment_id: AssignmentId(r.owner_id),
        name: r.name,
        content_type: r.content_type,
        size: r.size,
        uploaded_by: r.uploaded_by.map(UserId),
        uploaded_by_name: r.uploaded_by_name.unwrap_or_default(),
        uploaded_at: r.uploaded_at,
    }
}

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
        let sql = format!("{} WHERE f.tenant_id = $1 AND f.assignment_id = $2 ORDER BY f.id", FILES.select(""));
        let rows: Vec<FileRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(assignment.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(into_file).collect())
    }

    /// One file of a matter with its content; `None` when the tenant's matter has no such file.
    pub async fn assignment_file(
        &self,
        tenant: TenantId,
        assignment: AssignmentId,
        id: AssignmentFileId,
    ) -> Result<Option<(AssignmentFile, Vec<u8>)>> {
        let row = FILES.with_content(self, tenant, assignment.0, id.0).await?;
        Ok(row.map(|(r, content)| (into_file(r), content)))
    }
}
