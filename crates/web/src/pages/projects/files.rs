//! The files of the project office: the project ledger (export, template,
//! import with every refused cell listed), the 调度会 纪要 and the 调度通报
//! (.docx), and the 现场照片 of a half-monthly report (upload, download).

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{Id, Ids, QueryParams, file_and_fields};
use crate::view::{DOCX, Nav, XLSX, download, said};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingdan_app::projects::ProjectFilter;
use qingdan_app::{AppError, Upload};
use qingdan_domain::{MeetingId, ProjectReportId};

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

/// 调度通报 with the figures by county.
pub async fn bulletin(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    let doc = state.app.dispatch_bulletin(&user).await?;
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

/// Imports a project ledger: all rows or none; the faults listed on the page (422).
pub async fn import(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let outcome = match one_file(multipart).await {
        Ok(file) => state.app.import_project_ledger(&user, &file.name, &file.content).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(done) => {
            Ok(said("/projects", &format!("台账已导入：新登记{}个项目，更新{}个项目。", done.created, done.updated)))
        }
        Err(AppError::Invalid(invalid)) => {
            let page = ImportPage {
                nav: Nav::new(&user, "/projects"),
                errors: invalid.errors.into_iter().map(|e| e.message).collect(),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
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
