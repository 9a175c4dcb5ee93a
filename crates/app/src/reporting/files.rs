//! 佐证材料 (supporting files) of progress reports: photos, scanned documents.
//!
//! - Sent with the report form, or added later to a report still waiting for
//!   review, by a reporter of the report's org.
//! - Read (downloaded) by whoever may read the report's task
//!   (`guards::can_view_task`): the office, leaders, the lead and
//!   supporting orgs' people; never the three administrators.
//! - The limits are those of 督办 附件 ([`crate::MAX_ATTACHMENT_BYTES`] a file,
//!   the same name and type rules): one check serves both.

use crate::supervision::checked_file;
use crate::{App, AppError, Result};
use qingdan_domain::{ProgressReport, ReportFileId, ReportId, ReportStatus, Role, User};
use qingdan_storage::{NewReportFile, ReportFile};

/// The most files one submission (or one addition) takes; each file is at
/// most [`crate::MAX_ATTACHMENT_BYTES`].
pub const MAX_REPORT_FILES: usize = 5;

/// A file as the browser sent it, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub name: String,
    /// The type the browser claimed.
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A report's file to download: what it is and its bytes.
#[derive(Debug, Clone)]
pub struct ReportFileDownload {
    pub file: ReportFile,
    pub content: Vec<u8>,
}

/// Checks each upload as 督办 附件 are checked; empty file inputs (a form
/// sent with no file chosen) are skipped. More than [`MAX_REPORT_FILES`] is refused.
pub(crate) fn checked_files(uploads: &[Upload]) -> Result<Vec<NewReportFile>> {
    let chosen: Vec<&Upload> = uploads.iter().filter(|u| !(u.name.is_empty() && u.content.is_empty())).collect();
    if chosen.len() > MAX_REPORT_FILES {
        let message = format!("一次最多上传{MAX_REPORT_FILES}个佐证材料，本次选择了{}个", chosen.len());
        return Err(AppError::field("file", "too_many", message));
    }
    chosen
        .into_iter()
        .map(|u| {
            let (name, content_type) = checked_file(&u.name, &u.content_type, &u.content)?;
            Ok(NewReportFile { name, content_type, content: u.content.clone() })
        })
        .collect()
}

impl App {
    /// The report if `user` may read it: it is in their tenant and they may read its task.
    pub async fn readable_report(&self, user: &User, id: ReportId) -> Result<ProgressReport> {
        crate::guards::require_business(user)?;
        let report = self.store.report(user.tenant_id, id).await?.ok_or(AppError::NotFound("报送"))?;
        // Who may read the task may read its reports (can_view_task).
        self.task(user, report.task_id).await?;
        Ok(report)
    }

    /// 添加佐证材料: adds files to a report of the user's org still waiting
    /// for review. A reviewed report takes none (a returned one takes them
    /// with its resubmission).
    pub async fn add_report_files(&self, user: &User, id: ReportId, uploads: &[Upload]) -> Result<ProgressReport> {
        let report = self.readable_report(user, id).await?;
        if user.role != Role::Reporter || report.org_id != user.org_id {
            return Err(AppError::Forbidden);
        }
        if report.status != ReportStatus::Submitted {
            return Err(AppError::Conflict("该报送已审核，不能再添加佐证材料；如被退回，请在重新提交时上传".into()));
        }
        self.require_unfrozen(user, &report).await?;
        let files = checked_files(uploads)?;
        if files.is_empty() {
            return Err(AppError::field("file", "required", "请选择要上传的佐证材料文件"));
        }
        self.store.add_report_files(user.tenant_id, id, &files, self.actor(user)).await?;
        Ok(report)
    }

    /// A report's files, oldest first, for whoever may read the report.
    pub async fn report_files(&self, user: &User, id: ReportId) -> Result<Vec<ReportFile>> {
        self.readable_report(user, id).await?;
        Ok(self.store.report_files(user.tenant_id, &[id]).await?.remove(&id).unwrap_or_default())
    }

    /// 下载佐证材料: one file of a report with its bytes, for whoever may read the report.
    pub async fn report_file(&self, user: &User, id: ReportId, file: ReportFileId) -> Result<ReportFileDownload> {
        self.readable_report(user, id).await?;
        let (file, content) =
            self.store.report_file(user.tenant_id, id, file).await?.ok_or(AppError::NotFound("佐证材料"))?;
        Ok(ReportFileDownload { file, content })
    }
}
