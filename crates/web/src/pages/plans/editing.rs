//! The office mends a published list: the task edit page (text, weight and
//! dates; targets; its place in the tree; deletion), bulk lead orgs on the
//! plan page, archiving a plan, and the admin's 回收站.

use super::{BulkTyped, plan_page};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormPairs, Id, Ids, QueryParams};
use crate::view::{Nav, answer_form};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{Redirect, Response};
use qingdan_app::{AppError, TargetInput, TaskDetail, TaskEdit, TaskFilter};
use qingdan_app::{BulkLead, DeletedTask, RestoredPlace};
use qingdan_domain::{Comparator, OrgId, PlanId, PlanStatus, TargetId, TaskId, User, UserId};
use std::collections::HashMap;

/// `?done=…` on the pages here: what the last action did.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
    n: Option<u64>,
}

impl Done {
    pub fn said(&self) -> String {
        match self.done.as_deref() {
            Some("updated") => "已保存修改，进度和亮灯已重新计算。".into(),
            Some("target_saved") => "指标已保存，进度已重新计算。".into(),
            Some("target_deleted") => "指标已删除，进度已重新计算。".into(),
            Some("split") => "已拆分：后半部分成为紧随其后的新任务。".into(),
            Some("merged") => "已与下一项合并。".into(),
            Some("moved") => "任务已移至新上级的最后一项，原上级和新上级的进度已重新计算。编号未改动，如需按新位置编号，请修改下方的“编号”。".into(),
            Some("deleted") => "任务已删除（连同下级任务、指标和报送记录移入回收站，督查室可在回收站恢复）。".into(),
            Some("restored") => "任务已恢复到原位置（原上级之下、原来的次序）。".into(),
            Some("restored_last") => "任务已恢复到原上级之下；原位置已被其他任务占用，现排在同级最后。".into(),
            Some("assigned") => format!("已为{}项任务设置牵头单位或牵头领导。", self.n.unwrap_or(0)),
            Some("undone") => format!("已撤销导入：{}项任务（连同下级任务）移入回收站。", self.n.unwrap_or(0)),
            Some("archived") => "计划已归档，不再接受修改和报送。".into(),
            Some("unarchived") => "计划已取消归档。".into(),
            _ => String::new(),
        }
    }
}

/// A target's row on the edit page (id 0: the add form): as stored, or as
/// typed when the save was refused, with the faults of that row.
#[derive(Default)]
pub struct TargetRow {
    pub id: i64,
    pub metric: String,
    pub comparator: String,
    pub value: String,
    pub unit: String,
    pub error: String,
}

impl TargetRow {
    /// Puts back what was typed into the row's form.
    fn show_typed(&mut self, typed: TargetInput) {
        self.metric = typed.metric;
        self.comparator = typed.comparator;
        self.value = typed.value;
        self.unit = typed.unit;
    }
}

/// The faults of the target at `place` (field `targets[place].…`, as the app
/// names them), in the order of the row's fields.
fn target_error(errors: &HashMap<String, String>, place: usize) -> String {
    ["", ".metric", ".comparator", ".value", ".unit"]
        .iter()
        .filter_map(|field| errors.get(&format!("targets[{place}]{field}")))
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What was typed into a refused form, shown again on the edit page.
enum Typed {
    Nothing,
    Task(TaskEdit),
    /// A target's form: its id (0 for the add form) and the input.
    Target(i64, TargetInput),
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/edit.html")]
pub struct EditPage {
    nav: Nav,
    task_id: i64,
    plan_id: i64,
    heading: String,
    input: TaskEdit,
    targets: Vec<TargetRow>,
    /// The add form: blank, or what was typed when refused.
    new_target: TargetRow,
    comparators: Vec<(&'static str, &'static str)>,
    /// Where the task may move: the plan's top level (0) and its sections.
    parents: Vec<(i64, String)>,
    parent_id: i64,
    done: String,
    errors: HashMap<String, String>,
    /// The plan is archived: the page says so and offers no button that would be refused.
    is_frozen: bool,
    frozen: &'static str,
}

impl EditPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field).map_or("", String::as_str)
    }
}

async fn edit_page(
    state: &AppState,
    user: &User,
    id: TaskId,
    typed: Typed,
    done: String,
    errors: HashMap<String, String>,
) -> Result<EditPage, PageError> {
    let d: TaskDetail = state.app.task_detail(user, id).await?;
    if !d.can_supervise {
        return Err(AppError::Forbidden.into());
    }
    let t = &d.item.task;
    let (input, typed_target) = match typed {
        Typed::Task(input) => (Some(input), None),
        Typed::Target(target, input) => (None, Some((target, input))),
        Typed::Nothing => (None, None),
    };
    let input = input.unwrap_or_else(|| TaskEdit {
        number: t.number.clone(),
        title: t.title.clone(),
        weight: t.weight.to_string(),
        start_date: t.start_date.to_string(),
        deadline: t.deadline.to_string(),
    });
    let filter = TaskFilter { per_page: Some("200".into()), ..TaskFilter::default() };
    let tree = state.app.plan_overview(user, t.plan_id, &filter).await?;
    let mut parents = vec![(0, "（顶层）".to_owned())];
    parents.extend(
        tree.tasks
            .items
            .iter()
            .filter(|c| c.task.depth <= 1 && c.task.id != t.id)
            .map(|c| (c.task.id.0, format!("{} {}", c.task.number, c.task.title).chars().take(40).collect())),
    );
    let mut targets: Vec<TargetRow> = d
        .targets
        .iter()
        .enumerate()
        .map(|(place, x)| TargetRow {
            id: x.id.0,
            metric: x.metric.clone(),
            comparator: x.comparator.code().to_owned(),
            value: x.value.to_string(),
            unit: x.unit.clone(),
            error: target_error(&errors, place),
        })
        .collect();
    let mut new_target = TargetRow { error: target_error(&errors, targets.len()), ..TargetRow::default() };
    if let Some((target, input)) = typed_target {
        let row = if target == 0 { Some(&mut new_target) } else { targets.iter_mut().find(|r| r.id == target) };
        if let Some(row) = row {
            row.show_typed(input);
        }
    }
    Ok(EditPage {
        nav: Nav::new(user, "/plans"),
        task_id: t.id.0,
        plan_id: t.plan_id.0,
        heading: format!("{} {}", t.number, t.title),
        input,
        targets,
        new_target,
        comparators: Comparator::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        parents,
        parent_id: t.parent_id.map_or(0, |p| p.0),
        done,
        errors,
        is_frozen: d.plan.status == PlanStatus::Archived,
        frozen: qingdan_app::ARCHIVED_PLAN,
    })
}

pub async fn edit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    QueryParams(q): QueryParams<Done>,
) -> Result<EditPage, PageError> {
    edit_page(&state, &user, TaskId(id), Typed::Nothing, q.said(), HashMap::new()).await
}

/// Done: back to the edit page saying `done`; refused input: the page again
/// with the errors beside the fields and what was typed; refused as a
/// whole (the plan archived meanwhile): the page again with why and what
/// was typed, 409.
async fn after(
    state: &AppState,
    user: &User,
    id: TaskId,
    typed: Typed,
    result: Result<(), AppError>,
    done: &str,
) -> Result<Response, PageError> {
    if let Err(AppError::Conflict(message)) = result {
        use axum::response::IntoResponse;
        let errors = HashMap::from([("conflict".to_owned(), message)]);
        let page = edit_page(state, user, id, typed, String::new(), errors).await?;
        return Ok((axum::http::StatusCode::CONFLICT, page).into_response());
    }
    let to = format!("/tasks/{}/edit?done={done}", id.0);
    answer_form(result, &to, |errors| edit_page(state, user, id, typed, String::new(), errors)).await
}

pub async fn update(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let input = TaskEdit {
        number: form.get("number"),
        title: form.get("title"),
        weight: form.get("weight"),
        start_date: form.get("start_date"),
        deadline: form.get("deadline"),
    };
    let result = state.app.update_task(&user, TaskId(id), &input).await;
    after(&state, &user, TaskId(id), Typed::Task(input), result, "updated").await
}

fn target_input(form: &FormPairs) -> TargetInput {
    TargetInput {
        metric: form.get("metric"),
        value: form.get("value"),
        unit: form.get("unit"),
        comparator: form.get("comparator"),
        baseline: String::new(),
        deadline: String::new(),
    }
}

/// `target` 0 adds one. Refused input is shown again in the form it was typed into.
pub async fn save_target(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Ids(id, target): Ids,
    form: FormPairs,
) -> Result<Response, PageError> {
    let target = target.max(0);
    let input = target_input(&form);
    let result = state.app.save_target(&user, TaskId(id), (target > 0).then_some(TargetId(target)), &input).await;
    after(&state, &user, TaskId(id), Typed::Target(target, input), result.map(|_| ()), "target_saved").await
}

pub async fn delete_target(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Ids(id, target): Ids,
) -> Result<Response, PageError> {
    let result = state.app.delete_target(&user, TaskId(id), TargetId(target)).await;
    after(&state, &user, TaskId(id), Typed::Nothing, result, "target_deleted").await
}

pub async fn move_task(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let parent = form.get("parent_id").trim().parse::<i64>().unwrap_or(-1);
    let parent = (parent != 0).then_some(TaskId(parent));
    let result = state.app.move_task(&user, TaskId(id), parent).await;
    after(&state, &user, TaskId(id), Typed::Nothing, result, "moved").await
}

pub async fn split(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let result = state.app.split_task(&user, TaskId(id), &form.get("position")).await.map(|_| ());
    after(&state, &user, TaskId(id), Typed::Nothing, result, "split").await
}

pub async fn merge(State(state): State<AppState>, PageUser(user): PageUser, Id(id): Id) -> Result<Response, PageError> {
    let result = state.app.merge_task_with_next(&user, TaskId(id)).await;
    after(&state, &user, TaskId(id), Typed::Nothing, result, "merged").await
}

pub async fn delete_task(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Redirect, PageError> {
    let plan = state.app.task(&user, TaskId(id)).await?.task.plan_id;
    state.app.delete_task(&user, TaskId(id)).await?;
    Ok(Redirect::to(&format!("/plans/{}?done=deleted", plan.0)))
}

/// 批量分配: the checked tasks of the plan page get the chosen lead org and/or
/// leader; the page says which owners were cleared and which supporting orgs
/// left (the rules of 责任分工). Refused (nothing ticked, nothing chosen, an
/// archived plan): the plan page again with why, the ticks and the choices kept.
pub async fn bulk_assign(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Response, PageError> {
    let ids: Vec<TaskId> = form.all("task_ids").iter().filter_map(|s| s.trim().parse().ok()).map(TaskId).collect();
    let pick = |name: &str| form.get(name).trim().parse::<i64>().ok();
    let (org, leader) = (pick("lead_org_id").map(OrgId), pick("lead_leader_id").map(UserId));
    match state.app.bulk_assign(&user, PlanId(id), &ids, org, leader).await {
        Ok(done) => Ok(crate::view::said(&format!("/plans/{id}"), &assigned(&done))),
        Err(refused @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            use axum::response::IntoResponse;
            let status = crate::error::status_of(&refused);
            let errors = match refused {
                AppError::Invalid(invalid) => invalid.errors.into_iter().map(|e| e.message).collect(),
                other => vec![other.to_string()],
            };
            let org = match org {
                Some(o) => state.app.org(&user, o).await.ok(),
                None => None,
            };
            let bulk = BulkTyped {
                task_ids: ids.iter().map(|t| t.0).collect(),
                org,
                leader_id: leader.map_or(0, |u| u.0),
                errors,
            };
            let page = plan_page(&state, &user, PlanId(id), &TaskFilter::default(), String::new(), bulk).await?;
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// What 批量分配 did, in a sentence or three.
fn assigned(done: &BulkLead) -> String {
    let mut said = format!("已为{}项任务设置牵头单位或牵头领导。", done.changed);
    let names = |tasks: &[(TaskId, String)]| tasks.iter().map(|(_, t)| format!("“{t}”")).collect::<Vec<_>>().join("、");
    if !done.owners_cleared.is_empty() {
        said += &format!(
            "其中{}项的责任人不是新牵头单位的人员，已清空责任人，请在任务页重新指定：{}。",
            done.owners_cleared.len(),
            names(&done.owners_cleared)
        );
    }
    if !done.supporting_dropped.is_empty() {
        said += &format!(
            "{}项原把新牵头单位列为配合单位，已移出配合单位：{}。",
            done.supporting_dropped.len(),
            names(&done.supporting_dropped)
        );
    }
    said
}

pub async fn archive(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
    form: FormPairs,
) -> Result<Redirect, PageError> {
    let archived = form.get("archived") == "1";
    state.app.archive_plan(&user, PlanId(id), archived).await?;
    let done = if archived { "archived" } else { "unarchived" };
    Ok(Redirect::to(&format!("/plans?done={done}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/trash.html")]
pub struct TrashPage {
    nav: Nav,
    tasks: Vec<DeletedTask>,
    done: String,
    /// Why the last 恢复 was refused, and of which task (0: none).
    error: String,
    refused: i64,
}

impl TrashPage {
    /// When a task was deleted, as Beijing time.
    fn deleted_at(&self, t: &DeletedTask) -> String {
        crate::view::beijing_time(t.deleted_at)
    }
}

pub async fn trash(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(q): QueryParams<Done>,
) -> Result<TrashPage, PageError> {
    let tasks = state.app.deleted_tasks(&user).await?;
    Ok(TrashPage { nav: Nav::new(&user, "/admin/trash"), tasks, done: q.said(), error: String::new(), refused: 0 })
}

/// 恢复: back to the 回收站 saying where the task went; refused (its parent
/// in the 回收站 too, its plan archived), the 回收站 again with why (409).
pub async fn restore(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    use axum::response::IntoResponse;
    match state.app.restore_task(&user, TaskId(id)).await {
        Ok(RestoredPlace::Original) => Ok(Redirect::to("/admin/trash?done=restored").into_response()),
        Ok(RestoredPlace::Last) => Ok(Redirect::to("/admin/trash?done=restored_last").into_response()),
        Err(refused @ AppError::Conflict(_)) => {
            let status = crate::error::status_of(&refused);
            let tasks = state.app.deleted_tasks(&user).await?;
            let page = TrashPage {
                nav: Nav::new(&user, "/admin/trash"),
                tasks,
                done: String::new(),
                error: refused.to_string(),
                refused: id,
            };
            Ok((status, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
