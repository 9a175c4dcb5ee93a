//! The files of the project office: the project ledger (export, template,
//! import shown first — what it registers and changes, the rows it refuses —
//! and written on 确认导入), the 调度会 纪要 and the 调度通报
//! (.docx), and the 现场照片 of a half-monthly report (upload, download).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id, Ids, QueryParams, file_and_fields};
use crate::view::{DOCX, Nav, XLSX, download, said};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::projects::{ProjectFilter, ProjectLedgerImported, ProjectLedgerPreview};
use qingdan_app::{AppError, Upload};
use qingdan_domain::{MeetingId, ProjectReportId, User};

/// 导出台账: the projects the user may read that match the list's filters.
pub async fn ledger(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(filter): QueryParams<ProjectFilter>,
) -> Result<Response, PageError> {
    let file = state.app.project_ledger(&user, &filter).await?;
    Ok(download("projects-ledger.xlsx", &file.file_name, XLSX, file.bytes))
}

/// The import template.
pub async fn template(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    let bytes = state.app.project_ledger_template(&user)?;
    Ok(download("projects-template.xlsx", "重点项目导入模板.xlsx", XLSX, bytes))
}

/// 纪要 of a meeting.
pub async fn minutes(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let doc = state.app.meeting_minutes(&user, MeetingId(id)).await?;
    Ok(download(&format!("dispatch-{id}-minutes.docx"), &doc.file_name, DOCX, doc.bytes))
}

/// 调度通报 with the figures by county, of `?year=` (none: the map's current 计划年度).
pub async fn bulletin(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(query): QueryParams<super::map::MapQuery>,
) -> Result<Response, PageError> {
    let year = qingdan_app::projects::typed_year(&query.year)?;
    let doc = state.app.dispatch_bulletin(&user, year).await?;
    Ok(download("dispatch-bulletin.docx", &doc.file_name, DOCX, doc.bytes))
}

/// The import page: the form, and after a refused file every fault.
#[derive(Template, WebTemplate)]
#[template(path = "projects/import.html")]
pub struct ImportPage {
    nav: Nav,
    errors: Vec<String>,
}

pub async fn import_form(PageUser(user): PageUser) -> Result<ImportPage, PageError> {
    if !user.role.can_supervise() {
        return Err(AppError::Forbidden.into());
    }
    Ok(ImportPage { nav: Nav::new(&user, "/projects"), errors: Vec::new() })
}

/// Reads the one file of a multipart form (field `file`), or says why not.
async fn one_file(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, AppError> {
    Ok(file_and_fields(multipart).await?.0)
}

/// Receives a project ledger and shows what it would do, writing nothing;
/// a file that cannot be read comes back on the import page (422).
pub async fn import(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let outcome = match one_file(multipart).await {
        Ok(file) => state.app.preview_project_ledger(&user, &file.name, &file.content).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(preview) => Ok(PreviewPage { nav: Nav::new(&user, "/projects"), preview }.into_response()),
        Err(err) => refused(&user, err),
    }
}

/// What a project ledger would register and change, and the rows it refuses.
#[derive(Template, WebTemplate)]
#[template(path = "projects/import_preview.html")]
pub struct PreviewPage {
    nav: Nav,
    preview: ProjectLedgerPreview,
}

/// 确认导入: writes the previewed ledger and says what it did.
pub async fn confirm(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    match state.app.confirm_project_ledger(&user, &form.get("token")).await {
        Ok(done) => Ok(said("/projects", &imported_notice(&done))),
        Err(err) => refused(&user, err),
    }
}

/// 「台账已导入：新登记2个项目，更新1个项目；1行有错误，未导入。」
fn imported_notice(done: &ProjectLedgerImported) -> String {
    let skipped = if done.skipped > 0 { format!("；{}行有错误，未导入", done.skipped) } else { String::new() };
    format!("台账已导入：新登记{}个项目，更新{}个项目{skipped}。", done.created, done.updated)
}

/// The import page with why the file or its confirmation was refused
/// (422, or 409 when the projects changed since the preview).
fn refused(user: &User, err: AppError) -> Result<Response, PageError> {
    let (status, errors) = match err {
        AppError::Invalid(invalid) => {
            (StatusCode::UNPROCESSABLE_ENTITY, invalid.errors.into_iter().map(|e| e.message).collect())
        }
        AppError::Conflict(message) => (StatusCode::CONFLICT, vec![message]),
        other => return Err(other.into()),
    };
    Ok((status, ImportPage { nav: Nav::new(user, "/projects"), errors }).into_response())
}

/// Adds 现场照片 to a waiting report (the owner's reporters).
pub async fn add_photo(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let file = one_file(multipart).await?;
    let project = state.app.add_project_photos(&user, ProjectReportId(id), &[file]).await?;
    Ok(said(&format!("/projects/{}", project.0), "现场照片已上传。"))
}

/// One photo of a report, for whoever may read the project.
pub async fn photo(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Ids(report, file): Ids,
) -> Result<Response, PageError> {
    let (photo, bytes) = state.app.project_photo(&user, ProjectReportId(report), file).await?;
    Ok(download(&format!("photo-{file}"), &photo.name, &photo.content_type, bytes))
}
