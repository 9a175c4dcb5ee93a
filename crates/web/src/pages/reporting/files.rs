//! 佐证材料 (supporting files) of a report: reading a report form sent as
//! multipart (its fields and files), adding files to a waiting report, and
//! downloading them. The limits and the download's headers are 督办 附件's.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::FormPairs;
use crate::pages::supervision::assignments::{file_download, unreadable_file};
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{AppError, MAX_ATTACHMENT_BYTES, MAX_REPORT_FILES, Upload};
use qingdan_domain::{ReportFileId, ReportId};

/// The largest body of a report form or file addition: [`MAX_REPORT_FILES`]
/// of the largest file, plus room for the form's text and the envelope.
pub const MAX_REPORT_BODY_BYTES: usize = MAX_REPORT_FILES * MAX_ATTACHMENT_BYTES + 64 * 1024;

/// A form as sent: urlencoded (no files) or multipart (fields and the `files` chosen).
pub struct SentForm {
    pub fields: FormPairs,
    pub files: Vec<Upload>,
}

impl SentForm {
    /// Reads `request` by its content type; an unreadable multipart body is
    /// the Chinese reason [`unreadable_file`] gives, a bad urlencoded one a 400.
    pub async fn read(request: Request, state: &AppState) -> Result<SentForm, Response> {
        let is_multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !is_multipart {
            let fields = FormPairs::from_request(request, state).await?;
            return Ok(SentForm { fields, files: Vec::new() });
        }
        let multipart = Multipart::from_request(request, state)
            .await
            .map_err(|_| PageError(unreadable_file(StatusCode::BAD_REQUEST)).into_response())?;
        read_multipart(multipart).await.map_err(|e| PageError(e).into_response())
    }
}

async fn read_multipart(mut multipart: Multipart) -> Result<SentForm, AppError> {
    let mut fields = Vec::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return Err(unreadable_file(err.status())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let content_type = field.content_type().unwrap_or_default().to_owned();
            let content = field.bytes().await.map_err(|err| unreadable_file(err.status()))?.to_vec();
            files.push(Upload { name: file_name, content_type, content });
        } else {
            let value = field.text().await.map_err(|err| unreadable_file(err.status()))?;
            fields.push((name, value));
        }
    }
    Ok(SentForm { fields: FormPairs(fields), files })
}

/// 添加佐证材料 to a waiting report; back to its form, which says what was added.
pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, PageError> {
    let id = ReportId(id.parse().map_err(|_| AppError::NotFound("报送"))?);
    let sent = match SentForm::read(request, &state).await {
        Ok(sent) => sent,
        Err(response) => return Ok(response),
    };
    let report = state.app.readable_report(&user, id).await?;
    let back = format!("/tasks/{}/report?period={}", report.task_id.0, report.period);
    match state.app.add_report_files(&user, id, &sent.files).await {
        Ok(_) => Ok(Redirect::to(&format!("{back}&done=files")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let errors = crate::view::field_errors(invalid);
            let input = super::reports::FormState { errors, ..Default::default() };
            let page = super::reports::form_page(&state, &user, report.task_id, Some(report.period.to_string()), input)
                .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// 下载佐证材料, for whoever may read the report's task.
pub async fn download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (Ok(id), Ok(file_id)) = (id.parse::<i64>(), file_id.parse::<i64>()) else {
        return Err(AppError::NotFound("佐证材料").into());
    };
    let download = state.app.report_file(&user, ReportId(id), ReportFileId(file_id)).await?;
    Ok(file_download(&download.file.name, &download.file.content_type, download.content))
}

/// The body limit's bare 413 as a page with the Chinese reason.
pub async fn explain_too_large(response: Response) -> Response {
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    let message =
        format!("佐证材料过大：单个文件不能超过{}MB，一次最多{MAX_REPORT_FILES}个", MAX_ATTACHMENT_BYTES / 1024 / 1024);
    let mut page = PageError(AppError::field("file", "too_large", message)).into_response();
    *page.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    page
}
