use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id};
use crate::pages::reporting::reports::ReportView;
use crate::view::{Nav, light_class};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use qingdan_app::{AppError, ResponsibilityInput, TaskDetail, UnacceptInput};
use qingdan_domain::{Org, PlanStatus, ReportId, Role, TaskId, User};

pub struct TargetView {
    pub metric: String,
    pub comparator: &'static str,
    pub value: String,
    pub baseline: String,
    pub actual: String,
    pub deadline: String,
    pub is_met: bool,
}

pub struct ChildView {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub percent: i64,
    pub light_class: &'static str,
    pub light_label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/task.html")]
pub struct TaskPage {
    nav: Nav,
    d: TaskDetail,
    light_class: &'static str,
    /// 序时进度 today, from the task's start and deadline.
    time_percent: i64,
    lead_org: String,
    supporting: String,
    lead_leader: String,
    owner: String,
    targets: Vec<TargetView>,
    reports: Vec<ReportView>,
    children: Vec<ChildView>,
    /// For the responsibility form: orgs, leaders and people to choose from.
    orgs: Vec<Org>,
    leaders: Vec<User>,
    people: Vec<User>,
    /// Why the responsibility form was refused, shown on it.
    responsibility_errors: Vec<String>,
    /// The responsibility form as typed when it was refused (`None`: as stored).
    typed: Option<ResponsibilityInput>,
    /// The plan is archived: nothing here is offered to change.
    is_frozen: bool,
    frozen: &'static str,
    /// The report whose 撤销通过 was refused (0: none), why, and the reason typed.
    unaccept_report: i64,
    unaccept_error: String,
    unaccept_comment: String,
}

impl TaskPage {
    fn is_supporting(&self, org: &Org) -> bool {
        match &self.typed {
            Some(t) => t.supporting_org_ids.contains(&org.id.0),
            None => self.d.item.task.responsibility.supporting_org_ids.contains(&org.id),
        }
    }

    fn is_lead_org(&self, org: &Org) -> bool {
        match &self.typed {
            Some(t) => t.lead_org_id == Some(org.id.0),
            None => self.d.item.task.responsibility.lead_org_id == Some(org.id),
        }
    }

    fn is_lead_leader(&self, user: &User) -> bool {
        match &self.typed {
            Some(t) => t.lead_leader_id == Some(user.id.0),
            None => self.d.item.task.responsibility.lead_leader_id == Some(user.id),
        }
    }

    fn is_owner(&self, user: &User) -> bool {
        match &self.typed {
            Some(t) => t.owner_id == Some(user.id.0),
            None => self.d.item.task.responsibility.owner_id == Some(user.id),
        }
    }

    fn org_of(&self, user: &User) -> &str {
        self.d.org_name(user.org_id)
    }

    /// The office may send this report back (撤销通过): accepted, and the plan not archived.
    fn may_unaccept(&self, report: &ReportView) -> bool {
        self.d.can_supervise && report.is_accepted && self.d.plan.status != PlanStatus::Archived
    }
}

pub async fn show(State(state): State<AppState>, PageUser(user): PageUser, Id(id): Id) -> Result<TaskPage, PageError> {
    task_page(&state, &user, id, Vec::new()).await
}

async fn task_page(
    state: &AppState,
    user: &User,
    id: i64,
    responsibility_errors: Vec<String>,
) -> Result<TaskPage, PageError> {
    let user = user.clone();
    let d = state.app.task_detail(&user, TaskId(id)).await?;
    let a = &d.item.task.responsibility;
    let unit = |s: &str| s.to_owned();
    let targets = d
        .targets
        .iter()
        .map(|t| TargetView {
            metric: t.metric.clone(),
            comparator: t.comparator.label(),
            value: format!("{}{}", t.value, unit(&t.unit)),
            baseline: t.baseline.map(|b| format!("{b}{}", t.unit)).unwrap_or_default(),
            actual: t.actual.map(|v| format!("{v}{}", t.unit)).unwrap_or_else(|| "—".to_owned()),
            deadline: t.deadline.map(|d| d.to_string()).unwrap_or_default(),
            is_met: t.is_met(),
        })
        .collect();
    let reports = d.reports.iter().map(|r| ReportView::new(r, d.org_name(r.org_id), &d.targets)).collect();
    let children = d
        .children
        .iter()
        .map(|c| ChildView {
            id: c.task.id.0,
            number: c.task.number.clone(),
            title: c.task.title.clone(),
            percent: c.task.percent_done,
            light_class: light_class(c.task.light),
            light_label: c.task.light.label(),
        })
        .collect();
    let (orgs, leaders, people) = if d.can_supervise {
        let users = state.app.users(&user).await?;
        let leaders = users.iter().filter(|u| u.role == Role::Leader).cloned().collect();
        let mut people: Vec<User> = users.into_iter().filter(|u| u.role == Role::Reporter).collect();
        // The lead org's people first: the 责任人 must be one of them.
        let lead = d.item.task.responsibility.lead_org_id;
        people.sort_by_key(|u| Some(u.org_id) != lead);
        (d.orgs.clone(), leaders, people)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(TaskPage {
        nav: Nav::new(&user, "/plans"),
        light_class: light_class(d.item.task.light),
        time_percent: qingdan_domain::light::time_progress(
            d.item.task.start_date,
            d.item.task.deadline,
            state.app.clock().today(),
        ),
        lead_org: d.item.lead_org_name.clone().unwrap_or_else(|| "未分配".to_owned()),
        supporting: a.supporting_org_ids.iter().map(|o| d.org_name(*o)).collect::<Vec<_>>().join("、"),
        lead_leader: d.lead_leader.as_ref().map(|u| u.display_name.clone()).unwrap_or_default(),
        owner: d.owner.as_ref().map(|u| u.display_name.clone()).unwrap_or_default(),
        targets,
        reports,
        children,
        orgs,
        leaders,
        people,
        responsibility_errors,
        typed: None,
        is_frozen: d.plan.status == PlanStatus::Archived,
        frozen: qingdan_app::ARCHIVED_PLAN,
        unaccept_report: 0,
        unaccept_error: String::new(),
        unaccept_comment: String::new(),
        d,
    })
}

/// Reads an optional id field of a form: "" is none, anything else must be a number.
fn optional_id(form: &FormPairs, name: &str) -> Option<i64> {
    let text = form.get(name);
    let text = text.trim();
    if text.is_empty() { None } else { Some(text.parse().unwrap_or(-1)) }
}

pub async fn set_responsibility(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = ResponsibilityInput {
        lead_leader_id: optional_id(&form, "lead_leader_id"),
        lead_org_id: optional_id(&form, "lead_org_id"),
        supporting_org_ids: form.all("supporting_org_ids").iter().map(|s| s.trim().parse().unwrap_or(-1)).collect(),
        owner_id: optional_id(&form, "owner_id"),
    };
    match state.app.set_responsibility(&user, TaskId(id), &input).await {
        Ok(_) => Ok(crate::view::said(&format!("/tasks/{id}"), "已保存责任分工。")),
        Err(refused @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            use axum::response::IntoResponse;
            let status = crate::error::status_of(&refused);
            let errors = match refused {
                AppError::Invalid(invalid) => invalid.errors.into_iter().map(|e| e.message).collect(),
                other => vec![other.to_string()],
            };
            let mut page = task_page(&state, &user, id, errors).await?;
            page.typed = Some(input);
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// 撤销通过 from the task page: the accepted report goes back to its org
/// with the reason (`comment`), and the task page says what was done. A
/// refusal (no reason, no longer accepted, an archived plan) shows the task
/// page again with why beside the report and the reason as typed, 422 or 409;
/// nothing is changed then.
pub async fn unaccept(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = UnacceptInput { comment: form.get("comment") };
    match state.app.unaccept_report(&user, ReportId(id), &input).await {
        Ok(report) => Ok(crate::view::said(
            &format!("/tasks/{}", report.task_id.0),
            "已撤销通过，已退回填报单位修改；任务进度、指标完成值和亮灯已按其余已通过的报送重新计算。",
        )),
        Err(refused @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            use axum::response::IntoResponse;
            let status = crate::error::status_of(&refused);
            let report = state.app.readable_report(&user, ReportId(id)).await?;
            let mut page = task_page(&state, &user, report.task_id.0, Vec::new()).await?;
            page.unaccept_report = id;
            page.unaccept_error = refused.to_string();
            page.unaccept_comment = input.comment;
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
