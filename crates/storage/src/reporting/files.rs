//! 佐证材料 (supporting files) of progress reports: the bytes with their
//! name, type and uploader, in `report_files`.
//!
//! Lists never read the content; only [`Store::report_file`] does, for a
//! download. Who may add or read a file, and the limits on it, are decided in
//! `qingdan-app` (the same as for 督办 附件).

use crate::audit::{event, record};
use crate::files::{FileRow, FileTable};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::{DateTime, Utc};
use qingdan_domain::{ReportFileId, ReportId, TenantId, UserId};
use serde_json::json;
use std::collections::HashMap;

/// A stored file of a report, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub id: ReportFileId,
    pub report_id: ReportId,
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
#[derive(Debug, Clone)]
pub struct NewReportFile {
    /// The cleaned file name.
    pub name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

const FILES: FileTable = FileTable { table: "report_files", owner: "report_id" };

fn into_file(r: FileRow) -> ReportFile {
    ReportFile {
        id: ReportFileId(r.id),
        report_id: ReportId(r.owner_id),
        name: r.name,
        content_type: r.content_type,
        size: r.size,
        uploaded_by: r.uploaded_by.map(UserId),
        uploaded_by_name: r.uploaded_by_name.unwrap_or_default(),
        uploaded_at: r.uploaded_at,
    }
}

/// Inserts `files` on `report` with an audit event each, inside the caller's
/// transaction `$tx` (a submission, or an addition to a waiting report).
macro_rules! insert_report_files {
    ($tx:ident, $tenant:expr, $report:expr, $files:expr, $actor:expr) => {
        for file in $files {
            let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
            let file_id: i64 = sqlx::query_scalar(
                "INSERT INTO report_files (tenant_id, report_id, name, content_type, size, content, uploaded_by, \
                 uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind($tenant.0)
            .bind($report)
            .bind(&file.name)
            .bind(&file.content_type)
            .bind(size)
            .bind(&file.content)
            .bind($actor.user_id.map(|u| u.0))
            .bind($actor.at)
            .fetch_one(&mut *$tx)
            .await?;
            let after = json!({"report_id": $report, "name": file.name, "content_type": file.content_type, "size": size});
            record!($tx, event($tenant, $actor, "report_file", file_id, "create", None, Some(after)));
        }
    };
}
pub(crate) use insert_report_files;

impl Store {
    /// Adds files to a report waiting for review, with an audit event each, in
    /// one transaction. A report no longer waiting is a `Conflict`.
    pub async fn add_report_files(
        &self,
        tenant: TenantId,
        report: ReportId,
        files: &[NewReportFile],
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let waiting: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM progress_reports WHERE tenant_id = $1 AND id = $2 AND status = $3",
            )
            .bind(tenant.0)
            .bind(report.0)
            .bind(qingdan_domain::ReportStatus::Submitted.code())
            .fetch_optional(&mut *tx)
            .await?;
            if waiting.is_none() {
                return Err(crate::StorageError::Conflict(crate::error::Conflict::ReportNotWaiting));
            }
            insert_report_files!(tx, tenant, report.0, files, actor);
        });
        Ok(())
    }

    /// The files of each of `reports`, oldest first, without their content.
    pub async fn report_files(
        &self,
        tenant: TenantId,
        reports: &[ReportId],
    ) -> Result<HashMap<ReportId, Vec<ReportFile>>> {
        let mut out: HashMap<ReportId, Vec<ReportFile>> = HashMap::new();
        if reports.is_empty() {
            return Ok(out);
        }
        // The ids are integers we hold, so listing them inline is safe.
        let list = reports.iter().map(|r| r.0.to_string()).collect::<Vec<_>>().join(",");
        let sql = format!("{} WHERE f.tenant_id = $1 AND f.report_id IN ({list}) ORDER BY f.id", FILES.select(""));
        let rows: Vec<FileRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        for row in rows {
            let file = into_file(row);
            out.entry(file.report_id).or_default().push(file);
        }
        Ok(out)
    }

    /// One file of a report with its content; `None` when the tenant's report has no such file.
    pub async fn report_file(
        &self,
        tenant: TenantId,
        report: ReportId,
        id: ReportFileId,
    ) -> Result<Option<(ReportFile, Vec<u8>)>> {
        let row = FILES.with_content(self, tenant, report.0, id.0).await?;
        Ok(row.map(|(r, content)| (into_file(r), content)))
    }
}
