//! 附件 (attachment files) of assigned matters: upload and download.
//!
//! - The office (supervisors and admins) may add files to any matter of the
//!   tenant, open or closed.
//! - Reporters of the lead org or of a supporting org may add files while the
//!   matter is not yet closed (办结销号).
//! - Leaders read only. Whoever may see the matter may download its files.
//!
//! A file is at most [`MAX_ATTACHMENT_BYTES`], not empty, and its name (any
//! path a browser sent stripped) at most [`MAX_ATTACHMENT_NAME`] characters.

use super::can_view_matter;
use crate::{App, AppError, Result};
use qingdan_domain::AssignmentFileId;
use qingdan_domain::assignment::Assignment;
use qingdan_domain::{AssignmentId, Role, User};
use qingdan_storage::{AssignmentFile, NewAssignmentFile};

/// The largest attachment file, in bytes (10 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// The longest attachment file name, in characters.
pub const MAX_ATTACHMENT_NAME: usize = 200;
/// The type stored when the browser's claim is missing or unreadable.
pub const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";

/// A file to download: what it is and its bytes.
#[derive(Debug, Clone)]
pub struct AssignmentFileDownload {
    pub file: AssignmentFile,
    pub content: Vec<u8>,
}

/// Whether `user` may add files to the matter `a` (see the module doc).
pub(crate) fn may_upload_files(user: &User, a: &Assignment) -> bool {
    if user.role.can_supervise() {
        return true;
    }
    user.role == Role::Reporter && a.involves(user.org_id) && !a.status.is_closed()
}

/// The name without any directory a browser (or a forged request) put in
/// front of it, without control characters, trimmed.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_owned()
}

/// A `type/subtype` from the browser's claim (parameters dropped, lower case),
/// else a guess from the extension, else [`DEFAULT_CONTENT_TYPE`].
fn clean_content_type(claimed: &str, name: &str) -> String {
    let essence = claimed.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b));
    let is_valid = essence.len() <= 100 && essence.split_once('/').is_some_and(|(t, s)| token(t) && token(s));
    if is_valid && essence != DEFAULT_CONTENT_TYPE {
        return essence;
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let guessed = match extension.as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ofd" => "application/ofd",
        "wps" => "application/vnd.ms-works",
        "txt" => "text/plain",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "zip" => "application/zip",
        _ => DEFAULT_CONTENT_TYPE,
    };
    guessed.to_owned()
}

/// The checks every uploaded file passes (督办 附件 and 报送 佐证材料 alike):
/// a name (path dropped), not too long, not empty, not too large. Gives the
/// cleaned name and content type.
pub(crate) fn checked_file(name: &str, content_type: &str, content: &[u8]) -> Result<(String, String)> {
    let name = clean_name(name);
    if name.is_empty() || name == "." || name == ".." {
        return Err(AppError::field("file", "required", "请选择要上传的附件文件（附件需有文件名）"));
    }
    if name.chars().count() > MAX_ATTACHMENT_NAME {
        return Err(AppError::field("file", "name_too_long", format!("附件文件名不能超过{MAX_ATTACHMENT_NAME}个字")));
    }
    if content.is_empty() {
        return Err(AppError::field("file", "empty", format!("附件“{name}”是空文件，请重新选择")));
    }
    if content.len() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::field(
            "file",
            "too_large",
            format!("附件“{name}”过大：单个附件不能超过{}MB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
        ));
    }
    let content_type = clean_content_type(content_type, &name);
    Ok((name, content_type))
}

impl App {
    /// 上传附件: stores a file on a matter. `name` is the file name the browser
    /// sent (a path in it is dropped), `content_type` its claimed type.
    pub async fn add_assignment_file(
        &self,
        user: &User,
        id: AssignmentId,
        name: &str,
        content_type: &str,
        content: &[u8],
    ) -> Result<AssignmentFile> {
        let matter = self.assignment(user, id).await?;
        if !may_upload_files(user, &matter) {
            return Err(AppError::Forbidden);
        }
        let (name, content_type) = checked_file(name, content_type, content)?;
        let new = NewAssignmentFile {
            tenant_id: user.tenant_id,
            assignment_id: id,
            name: &name,
            content_type: &content_type,
            content,
        };
        let file_id = self.store.add_assignment_file(&new, self.actor(user)).await?;
        self.store
            .assignment_files(user.tenant_id, id)
            .await?
            .into_iter()
            .find(|f| f.id == file_id)
            .ok_or(AppError::NotFound("附件"))
    }

    /// A matter's stored files, oldest first, for whoever may see the matter.
    pub async fn assignment_files(&self, user: &User, id: AssignmentId) -> Result<Vec<AssignmentFile>> {
        self.assignment(user, id).await?;
        Ok(self.store.assignment_files(user.tenant_id, id).await?)
    }

    /// 下载附件: one file of a matter with its bytes, for whoever may see the matter.
    pub async fn assignment_file(
        &self,
        user: &User,
        id: AssignmentId,
        file_id: AssignmentFileId,
    ) -> Result<AssignmentFileDownload> {
        let matter = self.store.assignment(user.tenant_id, id).await?.ok_or(AppError::NotFound("交办事项"))?;
        if !can_view_matter(user, &matter) {
            return Err(AppError::Forbidden);
        }
        let (file, content) =
            self.store.assignment_file(user.tenant_id, id, file_id).await?.ok_or(AppError::NotFound("附件"))?;
        Ok(AssignmentFileDownload { file, content })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_before_the_name_is_dropped() {
        let cases = [
            ("批示件.pdf", "批示件.pdf"),
            ("C:\\Users\\王\\Desktop\\批示件.pdf", "批示件.pdf"),
            ("../../etc/passwd", "passwd"),
            ("/tmp/ 方案.docx ", "方案.docx"),
            ("a\u{0}b\r\n.txt", "ab.txt"),
            ("dir/", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(clean_name(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn content_types_are_kept_when_well_formed_and_guessed_otherwise() {
        let cases = [
            ("application/pdf", "x.pdf", "application/pdf"),
            ("Text/Plain; charset=UTF-8", "x.txt", "text/plain"),
            ("", "方案.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (
                "application/octet-stream",
                "表.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            ("text/html\r\nX-Evil: 1", "x.bin", DEFAULT_CONTENT_TYPE),
            ("nonsense", "x", DEFAULT_CONTENT_TYPE),
        ];
        for (claimed, name, want) in cases {
            assert_eq!(clean_content_type(claimed, name), want, "{claimed:?} {name:?}");
        }
    }
}
