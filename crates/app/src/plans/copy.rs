//! 新建计划 and 沿用清单: a new plan starts empty or as a copy of the list of
//! an existing plan of the tenant — in December the office makes next year's
//! plan from this year's instead of typing hundreds of lines again. What is
//! copied and how dates move is storage's `plans::copy` and
//! `qingdan_domain::plan_copy`; here, who may do it and what was typed.

use super::{PlanInput, check_plan};
use crate::guards::require_supervisor;
use crate::input::half_width;
use crate::{App, AppError, Result};
use qingdan_domain::{Invalid, Plan, PlanId, PlanStatus, User};
use qingdan_storage::{Entity, NewPlan, Recount, StorageError};

/// A plan a new one may copy, with its count of tasks, for the form's choice.
#[derive(Debug, Clone)]
pub struct CopySource {
    pub plan: Plan,
    pub tasks: i64,
}

/// A plan just created, and the list it copied, if any.
#[derive(Debug, Clone)]
pub struct PlanCreated {
    pub plan: Plan,
    pub copied: Option<CopiedFrom>,
}

/// The plan whose list a new plan took, and how many tasks it took.
#[derive(Debug, Clone)]
pub struct CopiedFrom {
    pub source: Plan,
    pub tasks: usize,
}

/// What the `copy_from` field says when it names no plan the user may copy:
/// one message for a plan that does not exist and one of another tenant.
const NO_SUCH_SOURCE: &str = "沿用清单：所选计划不存在，请重新选择";

impl App {
    /// The plans a new plan may copy (沿用清单): every plan of the tenant,
    /// archived ones too, newest year first, each with its count of tasks.
    /// For those who may create plans.
    pub async fn copy_sources(&self, user: &User) -> Result<Vec<CopySource>> {
        require_supervisor(user)?;
        let tenant = user.tenant_id;
        let counts = self.store.plan_task_counts(tenant).await?;
        let mut plans = self.store.plans(tenant).await?;
        plans.extend(self.store.archived_plans(tenant).await?);
        plans.sort_by_key(|p| std::cmp::Reverse((p.year, p.id.0)));
        Ok(plans
            .into_iter()
            .map(|plan| CopySource { tasks: counts.get(&plan.id).copied().unwrap_or(0), plan })
            .collect())
    }

    /// 新建计划: a published plan of the year and title typed, empty or,
    /// when `copy_from` names a plan of the tenant, with that plan's list in
    /// one transaction (see the module doc). A `copy_from` that names no such
    /// plan — missing, another tenant's, not a number — is refused on that
    /// field with the other faults of the form.
    pub async fn create_plan_copying(&self, user: &User, input: &PlanInput) -> Result<PlanCreated> {
        require_supervisor(user)?;
        let mut invalid = Invalid::new();
        let (title, year) = check_plan(&mut invalid, input);
        let source = self.copy_source(user, &mut invalid, &input.copy_from).await?;
        // A copy dates its tasks a year (or more) on: into its own year or an
        // earlier one it would owe every report of that year again at once.
        if let Some(source) = source.as_ref().filter(|s| year != 0 && year <= s.year) {
            let message =
                format!("沿用清单：只能用于以后年度的计划，所选计划为{}年，新计划的年度应晚于它", source.year);
            invalid.add("copy_from", "not_later", message);
        }
        invalid.into_result()?;
        let new = NewPlan { tenant_id: user.tenant_id, year, title, status: PlanStatus::Published };
        let Some(source) = source else {
            let plan = self.store.create_plan(&new, self.actor(user)).await?;
            return Ok(PlanCreated { plan, copied: None });
        };
        let rules = self.light_rules(user.tenant_id).await?;
        let recount = Recount { rules: &rules, today: self.clock.today() };
        let copied = match self.store.create_plan_copying(&new, source.id, recount, self.actor(user)).await {
            Err(StorageError::NotFound(Entity::Plan)) => {
                return Err(AppError::field("copy_from", "not_found", NO_SUCH_SOURCE));
            }
            other => other?,
        };
        self.counts.clear();
        self.dashboards.clear();
        Ok(PlanCreated { plan: copied.plan, copied: Some(CopiedFrom { source, tasks: copied.tasks }) })
    }

    /// The plan `copy_from` names, `None` when it is empty; a fault added to
    /// `invalid` when it names no plan of the user's tenant.
    async fn copy_source(&self, user: &User, invalid: &mut Invalid, copy_from: &str) -> Result<Option<Plan>> {
        let text = half_width(copy_from);
        if text.is_empty() {
            return Ok(None);
        }
        let Ok(id) = text.parse::<i64>() else {
            invalid.add("copy_from", "not_a_number", "沿用清单：应选择一个计划（填写计划编号）");
            return Ok(None);
        };
        let plan = self.store.plan(user.tenant_id, PlanId(id)).await?.filter(|p| p.status != PlanStatus::Trash);
        if plan.is_none() {
            invalid.add("copy_from", "not_found", NO_SUCH_SOURCE);
        }
        Ok(plan)
    }
}
