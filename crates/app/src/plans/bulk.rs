//! The API's bulk calls on tasks: many tasks created, or many
//! responsibilities set, in one request and one transaction. Each item is
//! checked on its own and answered on its own; the items that pass are saved
//! together, and a failure while saving saves none of them.

use super::{ResponsibilityInput, TaskInput};
use crate::guards::require_supervisor;
use crate::input::check_batch;
use crate::{App, AppError, Result};
use qingdan_domain::{Invalid, PlanId, Responsibility, TaskId, User};
use qingdan_storage::NewTask;
use serde::Deserialize;

/// A task of a bulk creation: a task as `POST /plans/{id}/tasks` takes it,
/// or under an earlier task of the same batch (`parent_ref`, its index).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct BulkTaskInput {
    #[serde(flatten)]
    pub task: TaskInput,
    /// The index (from 0) of an earlier item of this batch to go under, instead of `parent_id`.
    pub parent_ref: Option<usize>,
}

/// One responsibility of a bulk assignment.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct BulkResponsibilityInput {
    pub task_id: i64,
    #[serde(flatten)]
    pub responsibility: ResponsibilityInput,
}

impl App {
    /// Creates many tasks of a plan in one transaction; each item's outcome
    /// in order: its new id, or why it was refused. An item under a refused
    /// item of the batch is refused too.
    pub async fn create_tasks(
        &self,
        user: &User,
        plan: PlanId,
        items: &[BulkTaskInput],
    ) -> Result<Vec<Result<TaskId>>> {
        require_supervisor(user)?;
        check_batch(items.len())?;
        let plan = self.plan(user, plan).await?;
        let mut checked: Vec<Result<(NewTask, Option<usize>)>> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let mut invalid = Invalid::new();
            let parent = if item.parent_ref.is_some() { None } else { item.task.parent_id };
            let new = self.check_task(user, &plan, &mut invalid, &item.task, parent).await?;
            let batch_parent = match item.parent_ref {
                None => None,
                Some(r) if r >= i => {
                    invalid.add("parent_ref", "not_earlier", "parent_ref 应指向本批中排在前面的任务");
                    None
                }
                Some(r) => match &checked[r] {
                    Ok(_) => Some(checked[..r].iter().filter(|c| c.is_ok()).count()),
                    Err(_) => {
                        invalid.add("parent_ref", "parent_refused", format!("上级任务（本批第{r}项）未通过校验"));
                        None
                    }
                },
            };
            checked.push(invalid.into_result().map(|()| (new, batch_parent)).map_err(AppError::from));
        }
        let valid: Vec<(NewTask, Option<usize>)> = checked.iter().filter_map(|c| c.as_ref().ok().cloned()).collect();
        let rules = self.store.status_rules(user.tenant_id).await?;
        let created = if valid.is_empty() {
            Vec::new()
        } else {
            self.store.create_tasks(&valid, self.recount(&rules), self.actor(user)).await?
        };
        let mut ids = created.into_iter();
        self.counts.clear();
        self.dashboards.clear();
        Ok(checked.into_iter().map(|c| c.and_then(|_| ids.next().ok_or(AppError::NotFound("任务")))).collect())
    }

    /// Sets many tasks' responsibilities in one transaction; each item's
    /// outcome in order.
    pub async fn set_responsibilities(
        &self,
        user: &User,
        items: &[BulkResponsibilityInput],
    ) -> Result<Vec<Result<TaskId>>> {
        require_supervisor(user)?;
        check_batch(items.len())?;
        let mut checked: Vec<Result<(TaskId, Responsibility)>> = Vec::with_capacity(items.len());
        for item in items {
            let task = match self.task(user, TaskId(item.task_id)).await {
                Ok(task) => task,
                Err(e) => {
                    checked.push(Err(e));
                    continue;
                }
            };
            // An archived plan takes no change, as on the single task's call.
            if let Err(e) = super::require_editable(&self.plan(user, task.task.plan_id).await?) {
                checked.push(Err(e));
                continue;
            }
            let mut invalid = Invalid::new();
            let responsibility = self.check_responsibility(user, &mut invalid, "", &item.responsibility).await?;
            checked.push(invalid.into_result().map(|()| (task.task.id, responsibility)).map_err(AppError::from));
        }
        let valid: Vec<(TaskId, Responsibility)> = checked.iter().filter_map(|c| c.as_ref().ok().cloned()).collect();
        if !valid.is_empty() {
            self.store.set_responsibilities(user.tenant_id, &valid, self.actor(user)).await?;
        }
        Ok(checked.into_iter().map(|c| c.map(|(id, _)| id)).collect())
    }
}
