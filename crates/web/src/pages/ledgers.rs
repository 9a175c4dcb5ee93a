//! 台账 (Excel ledgers): the page with the templates to download and the
//! upload forms (单位 and 用户 for admins, 任务 into a chosen plan for the
//! office), the list of every fault of a refused file shown on the page with
//! a 422, and the export of a plan's ledger. The app decides who may do what.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::FormPairs;
use crate::extractors::{Id, QueryParams};
use crate::view::Nav;
use crate::view::XLSX;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{AppError, LedgerImported, LedgerKind, LedgerPreview};
use qingdan_domain::{PlanId, Role, TaskId, User};

#[derive(Template, WebTemplate)]
#[template(path = "ledgers/index.html")]
pub struct LedgersPage {
    nav: Nav,
    templates: Vec<(&'static str, String)>,
    can_import_people: bool,
    can_import_tasks: bool,
    plans: Vec<(i64, String)>,
    /// The plan chosen in the tasks form.
    plan_id: i64,
    /// Which form the errors belong to (`orgs`, `users`, `tasks`), if any.
    failed: &'static str,
    file_name: String,
    errors: Vec<String>,
    notice: String,
    max_mb: usize,
}

#[derive(serde::Deserialize, Default)]
pub struct LedgersQuery {
    /// What the last import did: `tasks-12-30` (kind, rows, targets); only numbers are shown.
    done: Option<String>,
}

struct Outcome {
    failed: &'static str,
    file_name: String,
    errors: Vec<String>,
    notice: String,
    plan_id: i64,
}

async fn page(state: &AppState, user: &User, outcome: Outcome) -> Result<LedgersPage, PageError> {
    let can_import_tasks = user.role.can_supervise();
    let plans = if can_import_tasks {
        state.app.plans(user).await?.into_iter().map(|p| (p.id.0, p.title)).collect()
    } else {
        Vec::new()
    };
    let can_import_people = user.role == Role::Admin;
    let templates = LedgerKind::ALL
        .into_iter()
        .filter(|k| *k == LedgerKind::Tasks || can_import_people)
        .map(|k| (k.code(), k.template_title()))
        .collect();
    Ok(LedgersPage {
        nav: Nav::new(user, "/ledgers"),
        templates,
        can_import_people,
        can_import_tasks,
        plan_id: outcome.plan_id,
        plans,
        failed: outcome.failed,
        file_name: outcome.file_name,
        errors: outcome.errors,
        notice: outcome.notice,
        max_mb: qingdan_app::MAX_LEDGER_BYTES / 1024 / 1024,
    })
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(query): QueryParams<LedgersQuery>,
) -> Result<LedgersPage, PageError> {
    let notice = query.done.as_deref().and_then(imported_notice).unwrap_or_default();
    let outcome = Outcome { failed: "", file_name: String::new(), errors: Vec::new(), notice, plan_id: 0 };
    page(&state, &user, outcome).await
}

/// "tasks-12-30" → "已导入任务12项（指标30个）"; only numbers are taken from the URL.
fn imported_notice(done: &str) -> Option<String> {
    let mut parts = done.split('-');
    let kind = LedgerKind::from_code(parts.next()?)?;
    let rows: usize = parts.next()?.parse().ok()?;
    let targets: usize = parts.next().unwrap_or("0").parse().ok()?;
    Some(match kind {
        LedgerKind::Orgs => format!("已导入单位{rows}个"),
        LedgerKind::Users => format!("已导入用户{rows}个"),
        LedgerKind::Tasks => format!("已导入任务{rows}项（指标{targets}个）"),
    })
}

fn kind_of(code: &str) -> Result<LedgerKind, PageError> {
    LedgerKind::from_code(code.trim_end_matches(".xlsx")).ok_or(PageError(AppError::NotFound("页面")))
}

/// A template to download: `/ledgers/{orgs|users|tasks}/template.xlsx`.
pub async fn template(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(kind): Path<String>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    let bytes = state.app.ledger_template(&user, kind)?;
    Ok(xlsx_response(&format!("{}-template.xlsx", kind.code()), &format!("{}.xlsx", kind.template_title()), bytes))
}

fn xlsx_response(ascii_name: &str, name: &str, bytes: Vec<u8>) -> Response {
    crate::view::download(ascii_name, name, XLSX, bytes)
}

/// Receives a ledger (multipart `file`, and `plan_id` for tasks) and imports it
/// whole, or shows the page again with every fault and a 422.
pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(kind): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    let no_file = || AppError::field("file", "required", "请选择要上传的 Excel 台账文件（.xlsx）");
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut plan_text = String::new();
    match multipart {
        Err(_) => return again(&state, &user, kind, String::new(), 0, no_file()).await,
        Ok(mut multipart) => loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(err) => return again(&state, &user, kind, String::new(), 0, unreadable(err.status())).await,
            };
            match field.name() {
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_owned();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes.to_vec())),
                        Err(err) => return again(&state, &user, kind, name, 0, unreadable(err.status())).await,
                    }
                }
                Some("plan_id") => plan_text = field.text().await.unwrap_or_default(),
                _ => {}
            }
        },
    }
    let (name, bytes) = file.unwrap_or_default();
    let plan_id = plan_text.trim().parse::<i64>().unwrap_or(0);
    let result = match kind {
        LedgerKind::Orgs => state.app.import_org_ledger(&user, &name, &bytes).await,
        LedgerKind::Users => state.app.import_user_ledger(&user, &name, &bytes).await,
        LedgerKind::Tasks if plan_id == 0 => Err(AppError::field("plan_id", "required", "请选择要导入任务的计划")),
        LedgerKind::Tasks => {
            // A task ledger is shown first and written only when the office confirms.
            return match state.app.preview_task_ledger(&user, PlanId(plan_id), &name, &bytes).await {
                Ok(preview) => Ok(PreviewPage { nav: Nav::new(&user, "/ledgers"), preview }.into_response()),
                Err(err) => again(&state, &user, kind, name, plan_id, err).await,
            };
        }
    };
    match result {
        Ok(done) => {
            Ok(Redirect::to(&format!("/ledgers?done={}-{}-{}", kind.code(), done.rows, done.targets)).into_response())
        }
        Err(err) => again(&state, &user, kind, name, plan_id, err).await,
    }
}

fn unreadable(status: StatusCode) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::field(
            "file",
            "too_large",
            format!("文件过大：台账不能超过{}MB", qingdan_app::MAX_LEDGER_BYTES / 1024 / 1024),
        )
    } else {
        AppError::field("file", "unreadable", "上传的文件无法读取，请重新选择文件上传")
    }
}

/// The page again with the faults of the file under its form, status 422.
async fn again(
    state: &AppState,
    user: &User,
    kind: LedgerKind,
    file_name: String,
    plan_id: i64,
    err: AppError,
) -> Result<Response, PageError> {
    let AppError::Invalid(invalid) = err else { return Err(err.into()) };
    let errors = invalid.errors.into_iter().map(|e| e.message).collect();
    let outcome = Outcome { failed: kind.code(), file_name, errors, notice: String::new(), plan_id };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page(state, user, outcome).await?).into_response())
}

/// `?period=2026-11`: the period whose reports a ledger carries.
#[derive(serde::Deserialize)]
pub struct ExportQuery {
    period: Option<String>,
}

/// 导出台账: the plan's ledger as the user may see it, with the reports of
/// this period or of the one asked for.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(q): QueryParams<ExportQuery>,
) -> Result<Response, PageError> {
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(text) => Some(text.parse().map_err(|message: String| AppError::field("period", "bad_format", message))?),
    };
    let file = state.app.export_ledger_for(&user, PlanId(id), period).await?;
    Ok(xlsx_response(&format!("plan-{id}-ledger.xlsx"), &file.file_name, file.bytes))
}

/// What a task ledger will add, asked before anything is written.
#[derive(Template, WebTemplate)]
#[template(path = "ledgers/preview.html")]
pub struct PreviewPage {
    nav: Nav,
    preview: LedgerPreview,
}

/// What a confirmed task ledger added, with 撤销本次导入.
#[derive(Template, WebTemplate)]
#[template(path = "ledgers/imported.html")]
pub struct ImportedPage {
    nav: Nav,
    plan_id: i64,
    done: LedgerImported,
}

/// 确认导入: writes the previewed task ledger.
pub async fn confirm(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let plan_id = form.get("plan_id").trim().parse::<i64>().unwrap_or(0);
    match state.app.confirm_task_ledger(&user, &form.get("token")).await {
        Ok(done) => Ok(ImportedPage { nav: Nav::new(&user, "/ledgers"), plan_id, done }.into_response()),
        Err(err) => again(&state, &user, LedgerKind::Tasks, String::new(), plan_id, err).await,
    }
}

/// 撤销本次导入: the tasks the import created go to the 回收站, as one step.
pub async fn undo(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    let roots: Vec<TaskId> = form.all("task_ids").iter().filter_map(|s| s.trim().parse().ok()).map(TaskId).collect();
    let n = state.app.undo_task_ledger(&user, PlanId(id), &roots).await?;
    Ok(Redirect::to(&format!("/plans/{id}?done=undone&n={n}")))
}
