//! 督办 pages: the office's 督办事项 (everything open, by light, with the
//! create form), an org's 待办事项, a matter's page with its stage timeline,
//! the viewer's actions and the history, its attachment files (附件: upload,
//! download), and the per-org statistics.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id, QueryParams};
use crate::view::{Nav, beijing_time, field_errors, light_class};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{
    AppError, AssignmentDetail, AssignmentFile, AssignmentFileId, AssignmentFilter, AssignmentSummary,
    MAX_ATTACHMENT_BYTES, NewAssignmentInput, OrgAssignmentStats, TransitionInput,
};
use qingdan_domain::assignment::{Action, Assignment, AssignmentSource, Grade, TimelineRule};
use qingdan_domain::{AssignmentId, Light, Org, OrgId, Role, User};
use std::collections::HashMap;

/// One matter as a row of a list.
pub struct MatterLine {
    pub id: i64,
    pub title: String,
    pub source: &'static str,
    pub lead_org: String,
    pub status: &'static str,
    pub stage: &'static str,
    pub due: String,
    pub solve_due: String,
    pub is_major: bool,
    pub has_pending_extension: bool,
    pub light_class: &'static str,
    pub light_label: &'static str,
    pub light_code: &'static str,
}

impl From<&AssignmentSummary> for MatterLine {
    fn from(a: &AssignmentSummary) -> MatterLine {
        MatterLine {
            id: a.id.0,
            title: a.title.clone(),
            source: a.source.label(),
            lead_org: a.lead_org_name.clone(),
            status: a.status.label(),
            stage: a.status.stage().map_or("—", |s| s.label()),
            due: a.current_due.to_string(),
            solve_due: a.solve_due.to_string(),
            is_major: a.is_major,
            has_pending_extension: a.has_pending_extension,
            light_class: light_class(a.light),
            light_label: a.light.label(),
            light_code: a.light.code(),
        }
    }
}

/// The create form's values and errors, kept when it is shown again.
#[derive(Default)]
pub struct CreateForm {
    pub input: NewAssignmentInput,
    pub errors: HashMap<String, String>,
}

impl CreateForm {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/list.html")]
pub struct OverviewPage {
    nav: Nav,
    counts: [(&'static str, &'static str, &'static str, i64); 4],
    open: i64,
    lines: Vec<MatterLine>,
    light: String,
    lead_org: i64,
    include_closed: bool,
    matched: i64,
    page: u32,
    page_count: u32,
    can_create: bool,
    /// Only the orgs already chosen (filter, form); the selects load the
    /// rest from `/org-options` when used, as a tenant may have thousands.
    orgs: Vec<Org>,
    leaders: Vec<User>,
    rules: Vec<TimelineRule>,
    sources: Vec<(&'static str, &'static str)>,
    form: CreateForm,
}

impl OverviewPage {
    fn page_link(&self, page: u32) -> String {
        let closed = if self.include_closed { "&closed=1" } else { "" };
        let org = if self.lead_org > 0 { format!("&lead_org={}", self.lead_org) } else { String::new() };
        format!("/assignments?light={}{org}{closed}&page={page}", self.light)
    }

    fn is_chosen_source(&self, code: &str) -> bool {
        self.form.input.source == code
    }

    fn is_chosen_lead(&self, org: &Org) -> bool {
        self.form.input.lead_org_id == Some(org.id.0)
    }

    fn is_chosen_supporting(&self, org: &Org) -> bool {
        self.form.input.supporting_org_ids.contains(&org.id.0)
    }

    fn chosen_lead_param(&self) -> String {
        self.form.input.lead_org_id.map_or(String::new(), |id| id.to_string())
    }

    fn chosen_supporting_param(&self) -> String {
        self.form.input.supporting_org_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    }

    fn is_chosen_leader(&self, user: &User) -> bool {
        self.form.input.leader_id == Some(user.id.0)
    }

    fn is_chosen_rule(&self, rule: &TimelineRule) -> bool {
        self.form.input.rule_id == Some(rule.id.0)
    }
}

async fn overview_page(
    state: &AppState,
    user: &User,
    filter: &AssignmentFilter,
    form: CreateForm,
) -> Result<OverviewPage, PageError> {
    let o = state.app.assignment_overview(user, filter).await?;
    let can_create = user.role.can_supervise();
    let chosen = o
        .lead_org
        .iter()
        .copied()
        .chain(form.input.lead_org_id.map(OrgId))
        .chain(form.input.supporting_org_ids.iter().map(|id| OrgId(*id)));
    let mut orgs = Vec::new();
    for id in chosen {
        match state.app.org(user, id).await {
            Ok(org) => orgs.push(org),
            Err(AppError::NotFound(_)) => {}
            Err(err) => return Err(err.into()),
        }
    }
    let (leaders, rules) = if can_create {
        (state.app.leaders(user).await?, state.app.timeline_rules(user).await?)
    } else {
        (Vec::new(), Vec::new())
    };
    let count = |l: Light| (l.code(), l.label(), light_class(l), o.counts.of(l));
    let counts = [count(Light::Red), count(Light::Yellow), count(Light::Green), count(Light::Done)];
    let page_count = u32::try_from((o.page.total + 49) / 50).unwrap_or(u32::MAX);
    Ok(OverviewPage {
        nav: Nav::new(user, "/assignments"),
        counts,
        open: o.counts.red + o.counts.yellow + o.counts.green,
        lines: o.page.items.iter().map(MatterLine::from).collect(),
        light: o.light.map_or("", Light::code).to_owned(),
        lead_org: o.lead_org.map_or(0, |id| id.0),
        include_closed: o.include_closed,
        matched: o.page.total,
        page: o.page_number,
        page_count,
        can_create,
        orgs,
        leaders,
        rules,
        sources: AssignmentSource::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        form,
    })
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(filter): QueryParams<AssignmentFilter>,
) -> Result<OverviewPage, PageError> {
    let form = CreateForm {
        input: NewAssignmentInput { source: AssignmentSource::LeaderInstruction.code().into(), ..Default::default() },
        errors: HashMap::new(),
    };
    overview_page(&state, &user, &filter, form).await
}

fn optional_id(form: &FormPairs, name: &str) -> Option<i64> {
    let text = form.get(name);
    let text = text.trim();
    if text.is_empty() { None } else { Some(text.parse().unwrap_or(-1)) }
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = NewAssignmentInput {
        title: form.get("title"),
        source: form.get("source"),
        source_task_id: optional_id(&form, "source_task_id"),
        text: form.get("text"),
        attachments: form.get("attachments").lines().map(str::to_owned).collect(),
        lead_org_id: optional_id(&form, "lead_org_id"),
        supporting_org_ids: form.all("supporting_org_ids").iter().map(|s| s.trim().parse().unwrap_or(-1)).collect(),
        leader_id: optional_id(&form, "leader_id"),
        leader_name: form.get("leader_name"),
        rule_id: optional_id(&form, "rule_id"),
        is_major: !form.get("is_major").is_empty(),
        timetable: form.get("timetable"),
        assigned_on: form.get("assigned_on"),
    };
    match state.app.create_assignment(&user, &input).await {
        Ok(id) => Ok(crate::view::said(&format!("/assignments/{id}"), "已交办，等待承办单位签收。")),
        Err(AppError::Invalid(invalid)) => {
            let errors = field_errors(invalid);
            let page = overview_page(&state, &user, &AssignmentFilter::default(), CreateForm { input, errors }).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/mine.html")]
pub struct MinePage {
    nav: Nav,
    org: String,
    to_act: Vec<MatterLine>,
    supporting: Vec<MatterLine>,
}

pub async fn mine(State(state): State<AppState>, PageUser(user): PageUser) -> Result<MinePage, PageError> {
    let mine = state.app.org_assignments(&user).await?;
    Ok(MinePage {
        nav: Nav::new(&user, "/my-assignments"),
        org: mine.org.name,
        to_act: mine.to_act.iter().map(MatterLine::from).collect(),
        supporting: mine.supporting.iter().map(MatterLine::from).collect(),
    })
}

pub struct StageView {
    pub label: &'static str,
    pub due: String,
    pub done_on: String,
    pub verdict: &'static str,
    pub verdict_class: &'static str,
    pub is_current: bool,
}

pub struct EventView {
    pub at: String,
    pub who: String,
    pub org: String,
    pub label: &'static str,
    pub status: &'static str,
    pub note: String,
    pub light: String,
}

/// A stored attachment file as the matter's page lists it.
pub struct FileView {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

impl From<&AssignmentFile> for FileView {
    fn from(f: &AssignmentFile) -> FileView {
        FileView {
            id: f.id.0,
            name: f.name.clone(),
            size: file_size(f.size),
            uploaded_by: f.uploaded_by_name.clone(),
            uploaded_at: beijing_time(f.uploaded_at),
        }
    }
}

/// A size for people: 512 B, 12.5 KB, 3.2 MB.
fn file_size(bytes: i64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{}.{} KB", bytes / 1024, bytes % 1024 * 10 / 1024)
    } else {
        format!("{}.{} MB", bytes / (1024 * 1024), bytes % (1024 * 1024) * 10 / (1024 * 1024))
    }
}

pub struct ExtensionView {
    pub requested_at: String,
    pub reason: String,
    pub old_due: String,
    pub requested_due: String,
    /// The date granted, when approved for another date than asked for.
    pub granted_due: String,
    pub status: &'static str,
    pub decision_note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/show.html")]
pub struct MatterPage {
    nav: Nav,
    id: i64,
    title: String,
    source: &'static str,
    text: String,
    /// Names of documents sent by other means (typed into the create form).
    attachments: Vec<String>,
    /// 附件: the stored files.
    files: Vec<FileView>,
    may_upload_files: bool,
    max_file_mb: usize,
    /// Why the last upload was refused, shown beside the upload form.
    file_error: String,
    status: &'static str,
    light_class: &'static str,
    light_label: &'static str,
    lead_org: String,
    supporting: String,
    leader: String,
    assigning_org: String,
    rule: String,
    assigned_on: String,
    is_major: bool,
    is_schedule_confirmed: bool,
    grade: &'static str,
    stages: Vec<StageView>,
    events: Vec<EventView>,
    extensions: Vec<ExtensionView>,
    /// Actions the viewer may take, as (code, label).
    actions: Vec<(&'static str, &'static str)>,
    pending_due: String,
    /// 督办通知单 may be downloaded: a red matter, seen by the office.
    can_issue_notice: bool,
    reassign_to: Vec<Org>,
    grades: Vec<(&'static str, &'static str)>,
    /// A refusal or field error from the last attempt: beside the form of
    /// the step posted, or above the actions when that form is not shown.
    message: String,
    /// The step last posted and refused, its input shown again in its form.
    posted: TransitionInput,
}

impl MatterPage {
    fn can(&self, code: &str) -> bool {
        self.actions.iter().any(|(c, _)| *c == code)
    }

    /// Whether `code` is the step posted and its form is on the page.
    fn was_posted(&self, code: &str) -> bool {
        self.posted.action == code && self.can(code)
    }

    /// Whether the last refusal goes above the actions: the form of the
    /// step posted is not on the page (the step is not open to the viewer now).
    fn message_above(&self) -> bool {
        !self.message.is_empty() && !self.was_posted(&self.posted.action)
    }

    /// The note typed into the form of `code`, when that was the one refused.
    fn note_of(&self, code: &str) -> &str {
        if self.was_posted(code) { &self.posted.note } else { "" }
    }

    /// The date in the form of `code`: as typed when refused; the date asked
    /// for in the approval form; else empty.
    fn due_of(&self, code: &str) -> &str {
        if self.was_posted(code) {
            &self.posted.due
        } else if code == "approve_extension" {
            &self.pending_due
        } else {
            ""
        }
    }

    fn is_chosen_grade(&self, grade: &str) -> bool {
        self.was_posted("accept_close") && self.posted.grade == grade
    }

    fn is_chosen_org(&self, org: &Org) -> bool {
        self.was_posted("reassign") && self.posted.org_id == Some(org.id.0)
    }
}

fn matter_page(user: &User, d: AssignmentDetail, message: String) -> MatterPage {
    let a = &d.assignment;
    let stages = d
        .stages
        .iter()
        .map(|s| {
            let (verdict, verdict_class) = match s.is_on_time {
                Some(true) => ("按时", "success"),
                Some(false) => ("超时", "danger"),
                None if s.is_current => ("进行中", "secondary"),
                None => ("", "secondary"),
            };
            StageView {
                label: s.stage.label(),
                due: s.due.to_string(),
                done_on: s.done_on.map(|x| x.to_string()).unwrap_or_default(),
                verdict,
                verdict_class,
                is_current: s.is_current,
            }
        })
        .collect();
    let events = d
        .events
        .iter()
        .rev()
        .map(|e| EventView {
            at: beijing_time(e.at),
            who: e.user_name.clone().unwrap_or_else(|| "系统".to_owned()),
            org: d.org_name(e.org_id).to_owned(),
            label: e.label(),
            status: e.to_status.label(),
            note: e.note.clone(),
            light: match (e.from_light, e.to_light) {
                (Some(from), Some(to)) if from != to => format!("{} → {}", from.label(), to.label()),
                _ => String::new(),
            },
        })
        .collect();
    let extensions = d
        .extensions
        .iter()
        .map(|x| ExtensionView {
            requested_at: beijing_time(x.requested_at),
            reason: x.reason.clone(),
            old_due: x.old_due.to_string(),
            requested_due: x.requested_due.to_string(),
            granted_due: x.granted_due.filter(|d| *d != x.requested_due).map(|d| d.to_string()).unwrap_or_default(),
            status: x.status.label(),
            decision_note: x.decision_note.clone(),
        })
        .collect();
    MatterPage {
        nav: Nav::new(user, if user.role == Role::Reporter { "/my-assignments" } else { "/assignments" }),
        id: a.id.0,
        title: a.title.clone(),
        source: a.source.label(),
        text: a.text.clone(),
        attachments: a.attachments.clone(),
        files: d.files.iter().map(FileView::from).collect(),
        may_upload_files: d.may_upload_files,
        max_file_mb: MAX_ATTACHMENT_BYTES / 1024 / 1024,
        file_error: String::new(),
        status: a.status.label(),
        light_class: light_class(a.light),
        light_label: a.light.label(),
        lead_org: d.org_name(a.lead_org_id).to_owned(),
        supporting: a.supporting_org_ids.iter().map(|o| d.org_name(*o)).collect::<Vec<_>>().join("、"),
        leader: a.leader_name.clone(),
        assigning_org: d.org_name(a.assigning_org_id).to_owned(),
        rule: format!("{}：{}", d.rule.name, d.rule.summary()),
        assigned_on: a.assigned_on.to_string(),
        is_major: a.is_major,
        is_schedule_confirmed: a.schedule.is_confirmed,
        grade: a.grade.map_or("", Grade::label),
        stages,
        events,
        extensions,
        actions: d.allowed.iter().map(|x| (x.code(), x.label())).collect(),
        pending_due: d.pending_extension().map(|x| x.requested_due.to_string()).unwrap_or_default(),
        can_issue_notice: qingdan_app::may_issue_notice(user, a),
        reassign_to: d.orgs.iter().filter(|o| o.id != a.lead_org_id).cloned().collect(),
        grades: Grade::ALL.iter().map(|g| (g.code(), g.label())).collect(),
        message,
        posted: TransitionInput::default(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<MatterPage, PageError> {
    let d = state.app.assignment_detail(&user, AssignmentId(id)).await?;
    Ok(matter_page(&user, d, String::new()))
}

/// 督办通知单 of a red matter, as a Word file.
pub async fn notice(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let doc = state.app.supervision_notice(&user, AssignmentId(id)).await?;
    Ok(crate::view::download(&format!("notice-{id}.docx"), &doc.file_name, crate::view::DOCX, doc.bytes))
}

/// 上传附件: receives one file (multipart field `file`) for the matter and
/// returns to its page; a refused file shows the page again with the reason.
pub async fn upload_file(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let result = match read_file(multipart).await {
        Ok((name, content_type, bytes)) => {
            state.app.add_assignment_file(&user, AssignmentId(id), &name, &content_type, &bytes).await.map(|_| ())
        }
        Err(err) => Err(err),
    };
    let message = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/assignments/{id}#files")).into_response()),
        Err(AppError::Invalid(invalid)) => invalid.to_string(),
        Err(other) => return Err(other.into()),
    };
    let d = state.app.assignment_detail(&user, AssignmentId(id)).await?;
    let mut page = matter_page(&user, d, String::new());
    page.file_error = message;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The first `file` field of the upload: (file name, claimed type, bytes).
async fn read_file(multipart: Result<Multipart, MultipartRejection>) -> Result<(String, String, Vec<u8>), AppError> {
    let no_file = || AppError::field("file", "required", "请选择要上传的附件文件");
    let mut multipart = multipart.map_err(|_| no_file())?;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Err(no_file()),
            Err(err) => return Err(unreadable_file(err.status())),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let content_type = field.content_type().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|err| unreadable_file(err.status()))?;
        return Ok((name, content_type, bytes.to_vec()));
    }
}

/// The body limit's bare 413 (a browser sends the length first, so the
/// handler never runs) as the page with the Chinese reason.
pub async fn explain_too_large(response: Response) -> Response {
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    let mut page = PageError(unreadable_file(StatusCode::PAYLOAD_TOO_LARGE)).into_response();
    *page.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    page
}

pub(crate) fn unreadable_file(status: StatusCode) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::field(
            "file",
            "too_large",
            format!("附件过大：单个附件不能超过{}MB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
        )
    } else {
        AppError::field(
            "file",
            "unreadable",
            format!(
                "上传的附件无法读取（单个附件不能超过{}MB），请重新选择文件上传",
                MAX_ATTACHMENT_BYTES / 1024 / 1024
            ),
        )
    }
}

/// Whether a browser could render the type as a page or run it (HTML, XML
/// and its +xml kin such as SVG, scripts, XSL): such files are served as plain bytes.
fn is_active_type(content_type: &str) -> bool {
    let sub = content_type.split_once('/').map_or(content_type, |(_, sub)| sub);
    sub.contains("html") || sub.contains("script") || sub.contains("xsl") || sub == "xml" || sub.ends_with("+xml")
}

/// 下载附件: the stored bytes as an attachment (never shown inline), with the
/// stored type unless a browser could run it, and the Chinese name per RFC 5987.
pub async fn download_file(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (Ok(id), Ok(file_id)) = (id.parse::<i64>(), file_id.parse::<i64>()) else {
        return Err(AppError::NotFound("附件").into());
    };
    let download = state.app.assignment_file(&user, AssignmentId(id), AssignmentFileId(file_id)).await?;
    Ok(file_download(&download.file.name, &download.file.content_type, download.content))
}

/// A stored file (督办 附件, 报送 佐证材料) as a download: always an attachment
/// (never shown inline), with the stored type unless a browser could run it,
/// and the Chinese name per RFC 5987.
pub(crate) fn file_download(name: &str, content_type: &str, content: Vec<u8>) -> Response {
    let content_type = Some(content_type)
        .filter(|t| !is_active_type(t))
        .and_then(|t| HeaderValue::from_str(t).ok())
        .unwrap_or_else(|| HeaderValue::from_static(qingdan_app::DEFAULT_CONTENT_TYPE));
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", crate::view::rfc5987(name));
    let disposition = HeaderValue::from_str(&disposition)
        .unwrap_or_else(|_| HeaderValue::from_static("attachment; filename=\"attachment\""));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        content,
    )
        .into_response()
}

/// Takes one step; a refusal or a field error shows the page again with the
/// message beside the step's form and what was typed in it.
pub async fn transition(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = TransitionInput {
        action: form.get("action"),
        note: form.get("note"),
        grade: form.get("grade"),
        due: form.get("due"),
        org_id: optional_id(&form, "org_id"),
    };
    let (status, message) = match state.app.transition_assignment(&user, AssignmentId(id), &input).await {
        Ok(after) => {
            return Ok(crate::view::said(&format!("/assignments/{id}"), &step_done(&after, &input.action, &input.due)));
        }
        Err(AppError::Invalid(invalid)) => (StatusCode::UNPROCESSABLE_ENTITY, invalid.to_string()),
        Err(AppError::Conflict(message)) => (StatusCode::CONFLICT, message),
        Err(other) => return Err(other.into()),
    };
    let d = state.app.assignment_detail(&user, AssignmentId(id)).await?;
    let mut page = matter_page(&user, d, message);
    page.posted = input;
    Ok((status, page).into_response())
}

/// What a step did, said after it: what happened and, while the matter
/// runs, the date of what comes next, from the matter as it is now. An
/// extension granted to a day off (`asked`, the date in the form) is moved
/// to the next working day, and says so.
fn step_done(a: &Assignment, action: &str, asked: &str) -> String {
    let due = a.current_due;
    let solve = a.schedule.solve;
    match Action::from_code(action.trim()) {
        Some(Action::SignFor) => format!("已签收，请在{due}前部署。"),
        Some(Action::Deploy) => format!("已部署，请在{due}前反馈办理进展。"),
        Some(Action::Feedback) => format!("已反馈，办结时限为{solve}。"),
        Some(Action::RequestExtension) => "已提交延期申请，等待督查室审批。".to_owned(),
        Some(Action::ApproveExtension) => match asked.trim().parse::<chrono::NaiveDate>() {
            Ok(day) if day != solve => {
                format!("已批准延期，办结时限改为{solve}（{day}不是工作日，顺延至其后第一个工作日）。")
            }
            _ => format!("已批准延期，办结时限改为{solve}。"),
        },
        Some(Action::RefuseExtension) => format!("已不予延期，办结时限仍为{solve}。"),
        Some(Action::RequestClose) => "已申请办结，等待督查室审核销号。".to_owned(),
        Some(Action::ReturnClose) => format!("已退回办结申请，承办单位须继续办理，办结时限为{solve}。"),
        Some(Action::AcceptClose) => match a.grade {
            Some(grade) => format!("已办结销号，评定为{}。", grade.label()),
            None => "已办结销号。".to_owned(),
        },
        Some(Action::Reassign) => format!("已改派，新牵头单位须在{due}前签收。"),
        None => "已办理。".to_owned(),
    }
}

pub struct StatsLine {
    pub org: String,
    pub rates: Vec<String>,
    pub closed: i64,
    pub average_days: String,
    pub overdue: i64,
}

impl From<&OrgAssignmentStats> for StatsLine {
    fn from(s: &OrgAssignmentStats) -> StatsLine {
        StatsLine {
            org: s.org_name.clone(),
            rates: s
                .stages
                .iter()
                .map(|r| r.percent().map_or_else(|| "—".to_owned(), |p| format!("{p}%（{}/{}）", r.on_time, r.done)))
                .collect(),
            closed: s.closed,
            average_days: s
                .average_tenth_days_to_close
                .map_or_else(|| "—".to_owned(), |t| format!("{}.{}", t / 10, t % 10)),
            overdue: s.overdue,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/stats.html")]
pub struct StatsPage {
    nav: Nav,
    lines: Vec<StatsLine>,
}

pub async fn statistics(State(state): State<AppState>, PageUser(user): PageUser) -> Result<StatsPage, PageError> {
    let stats = state.app.assignment_statistics(&user).await?;
    Ok(StatsPage { nav: Nav::new(&user, "/assignments"), lines: stats.iter().map(StatsLine::from).collect() })
}
