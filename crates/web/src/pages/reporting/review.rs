//! 审核 (`/reviews`): the cards of the reports waiting for review, filtered
//! by org and plan (GET parameters kept in the filter form and in every
//! review form), one review at a time or 批量通过 (batch accept) of the ticked
//! ones. A 退回 without a comment shows the reason on its card, 422.

use super::reports::FileLink;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{PageError, status_of};
use crate::extractors::{FormPairs, Id, QueryParams};
use crate::view::{Nav, beijing_time, light_class};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingdan_app::{AppError, BatchOutcome, ReviewBoard, ReviewCard, ReviewFilter, ReviewInput};
use qingdan_domain::{OrgId, PlanId, ReportId, User};

/// A target as the reviewer weighs it.
pub struct TargetLine {
    pub metric: String,
    pub unit: String,
    /// 目标值 with its comparator, e.g. "不少于320".
    pub goal: String,
    /// 已通过值: the task's value as accepted so far ("—" when none).
    pub last: String,
    /// 本次填报值 ("未填" when not reported).
    pub this: String,
}

/// One waiting report on the page.
pub struct CardView {
    pub id: i64,
    pub task_id: i64,
    pub task: String,
    pub org: String,
    pub period: String,
    pub submitted_at: String,
    pub percent: i64,
    /// The revision shown, sent back with the decision.
    pub revision: i64,
    pub narrative: String,
    pub problems: String,
    pub next_steps: String,
    pub light_label: &'static str,
    pub light_class: &'static str,
    pub targets: Vec<TargetLine>,
    pub files: Vec<FileLink>,
    /// Why this report cannot be reviewed now (its plan is archived), "" when it can.
    pub frozen: &'static str,
    /// Sent by a 配合单位: accepted, it is kept as a record and moves no figure.
    pub supporting: bool,
    /// Why the last review of this card was refused, and the comment typed.
    pub error: String,
    pub comment: String,
}

impl CardView {
    fn new(card: &ReviewCard) -> CardView {
        let item = &card.item;
        let r = &item.report;
        let targets = card
            .targets
            .iter()
            .map(|t| TargetLine {
                metric: t.metric.clone(),
                unit: t.unit.clone(),
                goal: format!("{}{}", t.comparator.label(), t.value),
                last: t.actual.map_or_else(|| "—".to_owned(), |a| a.to_string()),
                this: r
                    .actuals
                    .iter()
                    .find(|a| a.target_id == t.id)
                    .map_or_else(|| "未填".to_owned(), |a| a.actual.to_string()),
            })
            .collect();
        CardView {
            id: r.id.0,
            task_id: r.task_id.0,
            task: format!("{} {}", item.task_number, item.task_title),
            org: item.org_name.clone(),
            period: r.period.label(),
            submitted_at: beijing_time(r.submitted_at),
            percent: r.percent_done,
            revision: r.revision,
            narrative: r.narrative.clone(),
            problems: r.problems.clone(),
            next_steps: r.next_steps.clone(),
            light_label: item.task_light.label(),
            light_class: light_class(item.task_light),
            targets,
            files: card.files.iter().map(FileLink::new).collect(),
            frozen: if card.item.is_frozen { qingdan_app::ARCHIVED_REVIEW } else { "" },
            supporting: !r.is_lead,
            error: String::new(),
            comment: String::new(),
        }
    }
}

/// A choice of the filter form: (id, name, chosen).
pub struct Choice {
    pub id: i64,
    pub name: String,
    pub is_selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "reporting/queue.html")]
pub struct QueuePage {
    nav: Nav,
    reports: Vec<CardView>,
    /// How many reports wait under the filter: more than `reports` lists when over 200.
    total: i64,
    /// How many of them are frozen (their plan archived).
    frozen: i64,
    /// Some report may be reviewed (not all are frozen): the batch form is offered.
    any_reviewable: bool,
    orgs: Vec<Choice>,
    plans: Vec<Choice>,
    /// The filter as sent ("" for all), kept in every form of the page.
    org: String,
    plan: String,
    /// What the last action did, and the reports a batch refused (label, why).
    done: String,
    refused: Vec<(String, String)>,
    /// A refusal not about one card (nothing ticked).
    error: String,
}

/// The filter as sent: `org` and `plan` ids, "" for all.
#[derive(serde::Deserialize, Default)]
pub struct FilterQuery {
    #[serde(default)]
    org: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    done: String,
}

fn filter_of(org: &str, plan: &str) -> Result<ReviewFilter, AppError> {
    let id = |field: &str, text: &str| -> Result<Option<i64>, AppError> {
        match text.trim() {
            "" => Ok(None),
            t => t.parse().map(Some).map_err(|_| AppError::field(field, "not_a_number", "筛选条件有误，请重新选择")),
        }
    };
    Ok(ReviewFilter { org: id("org", org)?.map(OrgId), plan: id("plan", plan)?.map(PlanId), reviewable_only: false })
}

fn queue_page(user: &User, board: ReviewBoard, org: &str, plan: &str) -> QueuePage {
    let f = board.filter;
    QueuePage {
        nav: Nav::new(user, "/reviews"),
        reports: board.cards.iter().map(CardView::new).collect(),
        total: board.total,
        frozen: board.frozen,
        any_reviewable: board.cards.iter().any(|c| !c.item.is_frozen),
        orgs: board
            .orgs
            .iter()
            .map(|o| Choice { id: o.id.0, name: o.name.clone(), is_selected: f.org == Some(o.id) })
            .collect(),
        plans: board
            .plans
            .iter()
            .map(|p| Choice { id: p.id.0, name: p.title.clone(), is_selected: f.plan == Some(p.id) })
            .collect(),
        org: org.trim().to_owned(),
        plan: plan.trim().to_owned(),
        done: String::new(),
        refused: Vec::new(),
        error: String::new(),
    }
}

async fn load(state: &AppState, user: &User, org: &str, plan: &str) -> Result<QueuePage, PageError> {
    let board = state.app.review_board(user, filter_of(org, plan)?).await?;
    Ok(queue_page(user, board, org, plan))
}

pub async fn queue(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<FilterQuery>,
) -> Result<QueuePage, PageError> {
    let mut page = load(&state, &user, &q.org, &q.plan).await?;
    page.done = match q.done.as_str() {
        "accepted" => "已通过该报送。".to_owned(),
        "returned" => "已退回该报送，填报单位将看到退回意见。".to_owned(),
        _ => String::new(),
    };
    Ok(page)
}

/// The review page's address with the filter kept.
fn back(org: &str, plan: &str, done: &str) -> String {
    format!("/reviews?org={}&plan={}&done={done}", org.trim(), plan.trim())
}

/// 通过 or 退回 one report, of the revision the card showed. A 退回 without a
/// comment (or another field error) shows the page again with the reason on
/// the card and the comment typed, 422; a report resubmitted or reviewed
/// since, with the reason and the report as it is now, 409. Nothing is
/// changed then.
pub async fn review(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    // The revision the card showed: a report resubmitted since is not reviewed unread.
    let revision = form.get("revision").trim().parse().ok();
    let input = ReviewInput { decision: form.get("decision"), comment: form.get("comment"), revision };
    let (org, plan) = (form.get("org"), form.get("plan"));
    // Keep only digits: the ids go back into a URL.
    let (org, plan) = (digits(&org), digits(&plan));
    match state.app.review(&user, ReportId(id), &input).await {
        Ok(()) => {
            let done = if input.decision.trim() == "accept" { "accepted" } else { "returned" };
            Ok(Redirect::to(&back(&org, &plan, done)).into_response())
        }
        Err(refused @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let (status, message) = (status_of(&refused), refused.to_string());
            let mut page = load(&state, &user, &org, &plan).await?;
            match page.reports.iter_mut().find(|c| c.id == id) {
                Some(card) => {
                    card.error = message;
                    card.comment = input.comment;
                }
                None => page.error = message,
            }
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// 批量通过 the ticked reports (`report`, repeated, each `id:revision` as the
/// card showed it, or a bare id): the page says how many were accepted and
/// lists each refused one with why.
pub async fn accept_many(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let (org, plan) = (digits(&form.get("org")), digits(&form.get("plan")));
    let mut ids = Vec::new();
    for (key, value) in &form.0 {
        if key == "report" {
            let (id, revision) = value.trim().split_once(':').unwrap_or((value.trim(), ""));
            let id = ReportId(id.parse().map_err(|_| AppError::NotFound("报送"))?);
            ids.push((id, revision.parse().ok()));
        }
    }
    let outcome = match state.app.accept_reports(&user, &ids).await {
        Ok(outcome) => outcome,
        Err(AppError::Invalid(invalid)) => {
            let mut page = load(&state, &user, &org, &plan).await?;
            page.error = invalid.to_string();
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    let mut page = load(&state, &user, &org, &plan).await?;
    page.done = batch_message(&outcome);
    page.refused = outcome.refused.into_iter().map(|r| (r.label, r.reason)).collect();
    Ok(page.into_response())
}

fn batch_message(outcome: &BatchOutcome) -> String {
    match outcome.refused.len() {
        0 => format!("已批量通过{}份报送。", outcome.accepted),
        n => format!("已批量通过{}份报送，{n}份未能通过（见下）。", outcome.accepted),
    }
}
