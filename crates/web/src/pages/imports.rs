//! 导入报告 (report import): upload a work report, review the draft list
//! beside the source text, and publish it as a plan. Plain forms that
//! redirect back to the review page; no script is needed.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, shown_on_form};
use crate::extractors::{FormPairs, Id, QueryParams};
use crate::view::{Nav, beijing_time};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{
    AppError, ImportId, ImportReview, ImportSummary, ImportTargetId, ImportTaskId, ImportTaskInput, PlanInput,
    PublishInput, ReviewPart, TargetInput,
};
use qingdan_domain::{Org, User};

/// Comparator codes and labels for the target forms.
const COMPARATORS: [(&str, &str); 4] = [("ge", "不低于"), ("le", "不超过"), ("eq", "等于"), ("approx", "左右")];

#[derive(Template, WebTemplate)]
#[template(path = "imports/list.html")]
pub struct ImportsPage {
    nav: Nav,
    imports: Vec<ImportLine>,
    max_mb: usize,
    /// What the last action did, shown once.
    notice: &'static str,
    /// Why the file just uploaded was refused, shown under the file field.
    file_error: String,
}

/// The list's query: `deleted=1` after a draft was deleted.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    deleted: Option<String>,
}

pub struct ImportLine {
    id: i64,
    file_name: String,
    created_at: String,
    status: &'static str,
    is_draft: bool,
    plan_id: i64,
    task_count: i64,
}

impl From<ImportSummary> for ImportLine {
    fn from(s: ImportSummary) -> ImportLine {
        ImportLine {
            id: s.id.0,
            file_name: s.file_name,
            created_at: beijing_time(s.created_at),
            status: s.status.label(),
            is_draft: s.status == qingdan_app::ImportStatus::Draft,
            plan_id: s.plan_id.map_or(0, |p| p.0),
            task_count: s.task_count,
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<ImportsPage, PageError> {
    let notice = if query.deleted.is_some() { "草稿已删除。" } else { "" };
    imports_page(&state, &user, notice, String::new()).await
}

async fn imports_page(
    state: &AppState,
    user: &User,
    notice: &'static str,
    file_error: String,
) -> Result<ImportsPage, PageError> {
    let imports = state.app.imports(user).await?;
    Ok(ImportsPage {
        nav: Nav::new(user, "/imports"),
        imports: imports.into_iter().map(ImportLine::from).collect(),
        max_mb: qingdan_app::MAX_REPORT_BYTES / 1024 / 1024,
        notice,
        file_error,
    })
}

/// Receives the multipart upload (`file`), stores the draft and opens it.
/// 上传并识别: a refused file comes back on the import page, its reason under
/// the file field (422); a read one opens its draft.
pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<axum::response::Response, PageError> {
    match read_upload(&state, &user, multipart).await {
        Ok(id) => Ok(crate::view::said(&format!("/imports/{id}"), "已读取报告，请核对提取的任务和指标。")),
        Err(AppError::Invalid(invalid)) => {
            let reason = invalid.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
            let page = imports_page(&state, &user, "", reason).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn read_upload(
    state: &AppState,
    user: &User,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<i64, AppError> {
    let no_file = || AppError::field("file", "required", "请选择要上传的报告文件（.txt、.md 或 .docx）");
    let mut multipart = multipart.map_err(|_| no_file())?;
    let mut upload: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return Err(unreadable_upload(err.status())),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|err| unreadable_upload(err.status()))?;
        upload = Some((name, bytes.to_vec()));
    }
    let (name, bytes) = upload.ok_or_else(no_file)?;
    if name.is_empty() && bytes.is_empty() {
        return Err(no_file());
    }
    Ok(state.app.upload_report(user, &name, &bytes).await?.0)
}

fn unreadable_upload(status: axum::http::StatusCode) -> AppError {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::field(
            "file",
            "too_large",
            format!("文件过大：报告不能超过{}MB", qingdan_app::MAX_REPORT_BYTES / 1024 / 1024),
        )
    } else {
        AppError::field("file", "unreadable", "上传的文件无法读取，请重新选择文件上传")
    }
}

/// A run of the source text: plain, a target's number (`mark` = its offset),
/// or the place a draft task starts (`anchor` = its id).
pub struct Piece {
    text: String,
    mark: Option<i64>,
    anchor: Option<i64>,
    /// The start of a part of the report: its banner.
    part: Option<ReviewPart>,
}

pub struct TargetLine {
    id: i64,
    offset: Option<i64>,
    metric: String,
    value: String,
    unit: String,
    comparator: &'static str,
    comparator_code: &'static str,
    baseline: String,
    deadline: String,
}

pub struct TaskCard {
    id: i64,
    number: usize,
    section: String,
    text: String,
    length: usize,
    deadline: String,
    lead_org_id: i64,
    lead_org_name: String,
    targets: Vec<TargetLine>,
    is_last: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/show.html")]
pub struct ImportPage {
    nav: Nav,
    id: i64,
    file_name: String,
    is_draft: bool,
    plan_id: i64,
    year: String,
    title: String,
    /// The publish form's 包含五年目标 box, kept ticked when a publish is refused.
    keep_outlook: bool,
    target_count: usize,
    tasks: Vec<TaskCard>,
    pieces: Vec<Piece>,
    orgs: Vec<Org>,
    comparators: [(&'static str, &'static str); 4],
    /// What the last action did, shown once after its redirect.
    notice: String,
    /// Why the last action was refused (shown on the page, with the menu).
    errors: Vec<String>,
    /// A line under one task's text after it was edited in place: `(task id,
    /// is an error, text)`; `(0, ..)` for none.
    card_notice: (i64, bool, String),
}

/// One draft task's card alone: the answer to an edit made with htmx, which
/// replaces the card instead of reloading a page of hundreds of tasks.
#[derive(Template, WebTemplate)]
#[template(path = "imports/task_card.html")]
pub struct TaskCardFragment {
    t: TaskCard,
    id: i64,
    is_draft: bool,
    orgs: Vec<Org>,
    comparators: [(&'static str, &'static str); 4],
    card_notice: (i64, bool, String),
}

/// The review page's query: `done` names what the last action did.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(query): QueryParams<ShowQuery>,
) -> Result<ImportPage, PageError> {
    let review = state.app.import_review(&user, ImportId(id)).await?;
    let mut page = ImportPage::from_review(&user, review);
    page.notice = query.done.as_deref().and_then(done_notice).unwrap_or_default();
    Ok(page)
}

/// The one-time message for `done`; only known words and numbers are read
/// from the URL. `part-plan-3-5-0`: a part changed to plan, 3 tasks (5
/// targets) added, 0 removed.
fn done_notice(done: &str) -> Option<String> {
    let fixed = match done {
        "saved" => "任务已保存",
        "deleted" => "任务已删除",
        "merged" => "已与下一项合并",
        "split" => "任务已拆分为两项",
        "added" => "任务已添加",
        "target-added" => "指标已添加",
        "target-saved" => "指标已保存",
        "target-deleted" => "指标已删除",
        other => return part_notice(other),
    };
    Some(fixed.to_owned())
}

fn part_notice(done: &str) -> Option<String> {
    let mut words = done.strip_prefix("part-")?.rsplitn(4, '-');
    let removed: u64 = words.next()?.parse().ok()?;
    let targets: usize = words.next()?.parse().ok()?;
    let added: usize = words.next()?.parse().ok()?;
    let label = qingdan_app::imports::part_label(words.next()?)?;
    Some(qingdan_app::PartChange { label, removed, added, targets }.message())
}

impl ImportPage {
    fn from_review(user: &qingdan_domain::User, review: ImportReview) -> ImportPage {
        let count = review.tasks.len();
        let tasks = review
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| TaskCard {
                id: t.id.0,
                number: i + 1,
                section: t.section.clone(),
                text: t.text.clone(),
                length: t.text.chars().count(),
                deadline: t.deadline.map(|d| d.to_string()).unwrap_or_default(),
                lead_org_id: t.lead_org_id.map_or(0, |o| o.0),
                lead_org_name: t.lead_org_name.clone().unwrap_or_default(),
                targets: t
                    .targets
                    .iter()
                    .map(|x| TargetLine {
                        id: x.id.0,
                        offset: x.source_offset,
                        metric: x.metric.clone(),
                        value: x.value.to_string(),
                        unit: x.unit.clone(),
                        comparator: x.comparator.label(),
                        comparator_code: x.comparator.code(),
                        baseline: x.baseline.map(|b| b.to_string()).unwrap_or_default(),
                        deadline: x.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    })
                    .collect(),
                is_last: i + 1 == count,
            })
            .collect();
        let year = review.import.plan_year.map(|y| y.to_string()).unwrap_or_default();
        let title = if year.is_empty() {
            "政府工作报告重点任务".to_owned()
        } else {
            format!("{year}年政府工作报告重点任务")
        };
        ImportPage {
            nav: Nav::new(user, "/imports"),
            id: review.import.id.0,
            file_name: review.import.file_name.clone(),
            is_draft: review.is_draft(),
            plan_id: review.import.plan_id.map_or(0, |p| p.0),
            year,
            title,
            target_count: review.target_count(),
            pieces: pieces(&review),
            tasks,
            orgs: review.orgs,
            comparators: COMPARATORS,
            notice: String::new(),
            errors: Vec::new(),
            keep_outlook: false,
            card_notice: (0, false, String::new()),
        }
    }
}

/// A place in the source text where something is put before the text
/// there: a part's banner (index into the parts) or a task's anchor (its id).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Point {
    Part(usize),
    Anchor(i64),
}

/// Cuts the source text into plain runs, target numbers, part banners and
/// task starts. At one place a part's banner comes before a task's anchor,
/// and both before a target's mark.
fn pieces(review: &ImportReview) -> Vec<Piece> {
    let mut marks: Vec<(usize, usize, i64)> = Vec::new();
    let mut points: Vec<(usize, Point)> = Vec::new();
    for (i, part) in review.parts.iter().enumerate() {
        if let Ok(start) = usize::try_from(part.start) {
            points.push((start, Point::Part(i)));
        }
    }
    for task in &review.tasks {
        if let Ok(start) = usize::try_from(task.source_start) {
            points.push((start, Point::Anchor(task.id.0)));
        }
        for t in &task.targets {
            if let Some(offset) = t.source_offset.and_then(|o| usize::try_from(o).ok()) {
                marks.push((
                    offset,
                    usize::try_from(t.source_len).unwrap_or(0).max(1),
                    t.source_offset.unwrap_or_default(),
                ));
            }
        }
    }
    marks.sort_unstable();
    marks.dedup_by_key(|m| m.0);
    points.sort_unstable();
    let chars: Vec<char> = review.import.source_text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    let mut next_point = points.iter().peekable();
    let flush = |out: &mut Vec<Piece>, from: usize, to: usize| {
        if to > from {
            out.push(Piece { text: chars[from..to].iter().collect(), mark: None, anchor: None, part: None });
        }
    };
    let point = |p: Point| match p {
        Point::Part(i) => Piece { text: String::new(), mark: None, anchor: None, part: review.parts.get(i).cloned() },
        Point::Anchor(task) => Piece { text: String::new(), mark: None, anchor: Some(task), part: None },
    };
    for (offset, len, id) in marks {
        if offset < at || offset >= chars.len() {
            continue;
        }
        while let Some(&&(start, p)) = next_point.peek() {
            if start > offset {
                break;
            }
            let start = start.clamp(at, chars.len());
            flush(&mut out, at, start);
            at = start;
            out.push(point(p));
            next_point.next();
        }
        flush(&mut out, at, offset);
        let end = (offset + len).min(chars.len());
        out.push(Piece { text: chars[offset..end].iter().collect(), mark: Some(id), anchor: None, part: None });
        at = end;
    }
    for &(start, p) in next_point {
        let start = start.clamp(at, chars.len());
        flush(&mut out, at, start);
        at = start;
        out.push(point(p));
    }
    flush(&mut out, at, chars.len());
    out
}

/// Back to the review page of `import`, at the task the form names (`task_id`).
fn to_import(import: ImportId, form: &FormPairs, done: &str) -> Redirect {
    match form.get("task_id").trim().parse::<i64>() {
        Ok(task) => Redirect::to(&format!("/imports/{import}?done={done}#task-{task}")),
        Err(_) => Redirect::to(&format!("/imports/{import}?done={done}")),
    }
}

/// Where to go back to after a change: the review page, at the task.
/// (`import_id` from the form only picks the page to show; the change itself
/// was checked against the draft it belongs to.)
fn back(form: &FormPairs, task: Option<i64>, done: &str) -> Redirect {
    match form.get("import_id").trim().parse::<i64>() {
        Ok(import) => match task {
            Some(task) => Redirect::to(&format!("/imports/{import}?done={done}#task-{task}")),
            None => Redirect::to(&format!("/imports/{import}?done={done}")),
        },
        Err(_) => Redirect::to("/imports"),
    }
}

fn task_input(form: &FormPairs) -> ImportTaskInput {
    ImportTaskInput {
        section: form.get("section"),
        text: form.get("text"),
        deadline: form.get("deadline"),
        lead_org_id: form.get("lead_org_id"),
    }
}

fn target_input(form: &FormPairs) -> TargetInput {
    TargetInput {
        metric: form.get("metric"),
        value: form.get("value"),
        unit: form.get("unit"),
        comparator: form.get("comparator"),
        baseline: form.get("baseline"),
        deadline: form.get("deadline"),
    }
}

/// Saves a draft task. A form sent by htmx gets the task's card back (with
/// "已保存" or the reason it was refused, what was typed kept in the form
/// only when saved); a plain form, the page at the task.
pub async fn update_task(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    headers: HeaderMap,
    form: FormPairs,
) -> Result<Response, PageError> {
    let saved = state.app.update_import_task(&user, ImportTaskId(id), &task_input(&form)).await;
    if !headers.contains_key("hx-request") {
        let import = saved?;
        return Ok(Redirect::to(&format!("/imports/{import}?done=saved#task-{id}")).into_response());
    }
    let (import, notice) = match saved {
        Ok(import) => (import, (id, false, "已保存".to_owned())),
        Err(AppError::Invalid(invalid)) => {
            let Ok(import) = form.get("import_id").trim().parse::<i64>() else {
                return Err(AppError::Invalid(invalid).into());
            };
            (ImportId(import), (id, true, format!("未保存：{invalid}")))
        }
        Err(other) => return Err(other.into()),
    };
    let page = ImportPage::from_review(&user, state.app.import_review(&user, import).await?);
    let t = page.tasks.into_iter().find(|t| t.id == id).ok_or(AppError::NotFound("草稿任务"))?;
    let card = TaskCardFragment {
        t,
        id: page.id,
        is_draft: page.is_draft,
        orgs: page.orgs,
        comparators: page.comparators,
        card_notice: notice,
    };
    Ok(card.into_response())
}

pub async fn delete_task(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    let import = state.app.delete_import_task(&user, ImportTaskId(id)).await?;
    Ok(to_import(import, &form, "deleted"))
}

pub async fn merge_task(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Redirect, PageError> {
    let import = state.app.merge_import_task_with_next(&user, ImportTaskId(id)).await?;
    Ok(Redirect::to(&format!("/imports/{import}?done=merged#task-{id}")))
}

pub async fn split_task(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    state.app.split_import_task(&user, ImportTaskId(id), &form.get("position")).await?;
    Ok(back(&form, Some(id), "split"))
}

pub async fn add_task(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    let after = match form.get("after").trim() {
        "" => None,
        raw => Some(ImportTaskId(
            raw.parse::<i64>().map_err(|_| AppError::field("after", "not_a_number", "插入位置无效"))?,
        )),
    };
    let task = state.app.add_import_task(&user, ImportId(id), after, &task_input(&form)).await?;
    Ok(Redirect::to(&format!("/imports/{id}?done=added#task-{task}")))
}

pub async fn add_target(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    state.app.add_import_target(&user, ImportTaskId(id), &target_input(&form)).await?;
    Ok(back(&form, Some(id), "target-added"))
}

pub async fn update_target(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    let import = state.app.update_import_target(&user, ImportTargetId(id), &target_input(&form)).await?;
    Ok(to_import(import, &form, "target-saved"))
}

pub async fn delete_target(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    let import = state.app.delete_import_target(&user, ImportTargetId(id)).await?;
    Ok(to_import(import, &form, "target-deleted"))
}

/// 发布: the draft becomes a plan. A refusal (a year or title that will not
/// do, drafts changed meanwhile) shows the review page with why, the year,
/// title and outlook box as typed.
pub async fn publish(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<axum::response::Response, PageError> {
    let plan = PlanInput { year: form.get("year"), title: form.get("title"), copy_from: String::new() };
    let input = PublishInput { plan, keep_outlook: form.get("keep_outlook") == "1" };
    match state.app.publish_import(&user, ImportId(id), &input).await {
        Ok(plan) => Ok(crate::view::said(&format!("/plans/{plan}"), "已发布为计划。")),
        Err(err) => {
            let (status, mut page) = refused_page(&state, &user, ImportId(id), err).await?;
            page.year = input.plan.year;
            page.title = input.plan.title;
            page.keep_outlook = input.keep_outlook;
            Ok((status, page).into_response())
        }
    }
}

/// Asks before deleting a draft: what goes with it, and that it cannot be undone.
#[derive(Template, WebTemplate)]
#[template(path = "imports/delete.html")]
pub struct DeleteImportPage {
    nav: Nav,
    id: i64,
    file_name: String,
    task_count: usize,
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<DeleteImportPage, PageError> {
    let review = state.app.import_review(&user, ImportId(id)).await?;
    Ok(DeleteImportPage {
        nav: Nav::new(&user, "/imports"),
        id,
        file_name: review.import.file_name.clone(),
        task_count: review.tasks.len(),
    })
}

/// Deletes the draft, then lists the imports saying so.
pub async fn delete(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Redirect, PageError> {
    state.app.delete_import(&user, ImportId(id)).await?;
    Ok(Redirect::to("/imports?deleted=1"))
}

/// Changes how a part of the report was judged (`at`: where its heading
/// starts, `kind`: the new kind) and re-reads it; back to the page at the
/// part, saying what changed. A refusal is shown on the review page.
pub async fn change_part(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let (at, kind) = (form.get("at"), form.get("kind"));
    match state.app.change_import_part(&user, ImportId(id), &at, &kind).await {
        Ok(c) => {
            let done = format!("part-{}-{}-{}-{}", kind.trim(), c.added, c.targets, c.removed);
            let at: String = at.chars().filter(char::is_ascii_digit).collect();
            Ok(Redirect::to(&format!("/imports/{id}?done={done}#part-{at}")).into_response())
        }
        Err(err) => refused(&state, &user, ImportId(id), err).await,
    }
}

/// The review page again with why an action was refused: 422 for input the
/// office can fix, 409 for a draft already published. Other errors (not
/// found, forbidden) get the error page.
async fn refused(state: &AppState, user: &User, id: ImportId, err: AppError) -> Result<Response, PageError> {
    Ok(refused_page(state, user, id, err).await?.into_response())
}

/// [`refused`]'s status and page, for a caller that keeps more of what was typed.
async fn refused_page(
    state: &AppState,
    user: &User,
    id: ImportId,
    err: AppError,
) -> Result<(StatusCode, ImportPage), PageError> {
    let (status, err) = shown_on_form(err)?;
    let errors = match err {
        AppError::Invalid(invalid) => invalid.errors.into_iter().map(|e| e.message).collect(),
        other => vec![other.to_string()],
    };
    let review = state.app.import_review(user, id).await?;
    let mut page = ImportPage::from_review(user, review);
    page.errors = errors;
    Ok((status, page))
}
