//! 报送周期 (reporting cycles): each plan's schedule, what is due in a period
//! and from whom, late (迟报) and missing (逾期未报) reports, stale tasks
//! (久未报送), and the reminders (报送提醒) the scheduler queues.
//!
//! Who must report: the lead org (牵头单位) of every leaf task that has
//! started and is not finished (see `qingdan_storage::DueTask`). The due date
//! and the status rules are `qingdan_domain::reporting`'s.
//!
//! Reminders ([`App::remind_reporting`], every 10 minutes under `qingdan
//! serve`, next to the 督办 pass): for the current and the previous period of
//! each plan of the current year, one message per (plan, period, org) with
//! tasks still unreported
//! - from [`ReportingSchedule::remind_on`] to the due date, keyed
//!   `report-due:plan{id}:{period}:org{id}`, and
//! - in the [`OVERDUE_REMINDER_DAYS`] days after the due date, keyed
//!   `report-overdue:plan{id}:{period}:org{id}`.
//!
//! The same pass reminds the owners of key projects of their half-monthly
//! reports (`crate::projects::PROJECT_SCHEDULE`).
//!
//! The outbox queues a key once, so passes that run again, or after a
//! restart, add nothing.

use crate::notifications::{Audience, Notice};
use crate::{App, AppError, Message, Result};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use qingdan_domain::reporting::{max_due_day, max_remind_days, stale_window};
use qingdan_domain::{
    DueState, DueStatus, Invalid, OrgId, Period, Plan, PlanId, ReportingCycle, ReportingSchedule, Role, TaskId,
    TenantId, User,
};
use qingdan_storage::DueTask;
use std::collections::{BTreeMap, HashSet};

/// Days after the due date in which the 逾期未报 reminder may still go out
/// (a server down longer than this sends none for that period).
pub const OVERDUE_REMINDER_DAYS: u64 = 7;

/// The schedule form: cycle code, due day, days before.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ScheduleInput {
    /// `weekly`, `half_monthly`, `monthly` or `quarterly`.
    #[serde(default)]
    pub cycle: String,
    #[serde(deserialize_with = "crate::lenient::text", default)]
    pub due_day: String,
    #[serde(deserialize_with = "crate::lenient::text", default)]
    pub remind_days_before: String,
}

/// A plan's schedule as the settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSchedule {
    pub plan: Plan,
    pub schedule: ReportingSchedule,
    /// Whether the office set it (else the default applies).
    pub is_default: bool,
}

/// One task's report for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskReporting {
    pub task_id: TaskId,
    pub number: String,
    pub title: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub period: Period,
    pub due_date: NaiveDate,
    pub status: DueStatus,
    /// When the report was first submitted (UTC).
    pub submitted_at: Option<DateTime<Utc>>,
}

/// One lead org's reporting for a period: how many tasks were due, and how
/// many came in on time, late, not yet (before the due date) or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgReporting {
    pub org_id: OrgId,
    pub org_name: String,
    pub tasks_due: usize,
    /// Submitted on or before the due date and not returned (a returned
    /// report counts as pending, or missing once the due date has passed).
    pub on_time: usize,
    /// 迟报: first submitted after the due date.
    pub late: usize,
    /// 逾期未报: nothing, or only a returned report, and the due date has passed.
    pub missing: usize,
    /// 未报: nothing yet (or only a returned report), the due date still ahead.
    pub pending: usize,
}

/// A plan's reporting for one period: per org and per task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingStatus {
    pub plan: Plan,
    pub schedule: ReportingSchedule,
    pub period: Period,
    pub due_date: NaiveDate,
    /// Whether the due date has passed (missing reports count as such).
    pub is_past_due: bool,
    /// Lead orgs in org order.
    pub orgs: Vec<OrgReporting>,
    /// Every due task, in org then tree order.
    pub tasks: Vec<TaskReporting>,
}

impl ReportingStatus {
    /// The orgs with a late report (迟报) — for the bulletin.
    pub fn late_orgs(&self) -> Vec<&OrgReporting> {
        self.orgs.iter().filter(|o| o.late > 0).collect()
    }

    /// The orgs with a missing report (逾期未报).
    pub fn missing_orgs(&self) -> Vec<&OrgReporting> {
        self.orgs.iter().filter(|o| o.missing > 0).collect()
    }
}

/// 我的填报's due list: what the reporter's org owes this period, and what it
/// still owes from the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyReporting {
    pub plan: Plan,
    pub schedule: ReportingSchedule,
    pub period: Period,
    pub due_date: NaiveDate,
    pub items: Vec<TaskReporting>,
    /// The previous period's tasks still missing or returned (补报).
    pub overdue: Vec<TaskReporting>,
}

/// 久未报送: a task whose lead org reported on none of the last
/// [`STALE_AFTER_PERIODS`](qingdan_domain::reporting::STALE_AFTER_PERIODS) periods past their due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleTask {
    pub task_id: TaskId,
    pub number: String,
    pub title: String,
    pub org_id: OrgId,
    pub org_name: String,
    /// The periods it missed, newest first.
    pub periods: Vec<Period>,
}

/// What one reminder pass queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportingReminders {
    /// (plan, period, org) events reminded before the due date.
    pub due: usize,
    /// (plan, period, org) events reminded after the due date.
    pub overdue: usize,
    /// Outbox messages added (per enabled channel; 0 for events already queued).
    pub queued: u64,
}

fn task_reporting(schedule: &ReportingSchedule, period: Period, today: NaiveDate, t: DueTask) -> TaskReporting {
    let report = t.report.map(|(status, at)| (status, at.with_timezone(&crate::beijing()).date_naive()));
    TaskReporting {
        task_id: t.task_id,
        number: t.number,
        title: t.title,
        org_id: t.org_id,
        org_name: t.org_name,
        period,
        due_date: schedule.due_date(period),
        status: schedule.status(period, report, today),
        submitted_at: t.report.map(|(_, at)| at),
    }
}

/// Per-org counts of `tasks`, in their (org) order. A returned report counts
/// as not yet reported: missing once its due date has passed, as its line says
/// ([`qingdan_domain::DueStatus::is_owed_past_due`]).
pub fn org_counts(tasks: &[TaskReporting]) -> Vec<OrgReporting> {
    let mut out: Vec<OrgReporting> = Vec::new();
    for t in tasks {
        if out.last().is_none_or(|o| o.org_id != t.org_id) {
            out.push(OrgReporting {
                org_id: t.org_id,
                org_name: t.org_name.clone(),
                tasks_due: 0,
                on_time: 0,
                late: 0,
                missing: 0,
                pending: 0,
            });
        }
        if let Some(o) = out.last_mut() {
            o.tasks_due += 1;
            match t.status.state {
                _ if t.status.is_owed_past_due => o.missing += 1,
                DueState::Pending | DueState::Returned => o.pending += 1,
                _ if t.status.is_late => o.late += 1,
                _ => o.on_time += 1,
            }
        }
    }
    out
}

impl App {
    async fn plan_of(&self, user: &User, plan: PlanId) -> Result<Plan> {
        self.store.plan(user.tenant_id, plan).await?.ok_or(AppError::NotFound("计划"))
    }

    /// Every report submission asks, so it is kept a few seconds (forgotten
    /// when changed here; another process sees a change within the TTL).
    pub(crate) async fn schedule_of(&self, tenant: TenantId, plan: PlanId) -> Result<ReportingSchedule> {
        if let Some(schedule) = self.schedules.get(&(tenant, plan)) {
            return Ok(schedule);
        }
        let schedule = self.store.reporting_schedule(tenant, plan).await?.unwrap_or_default();
        self.schedules.put((tenant, plan), schedule);
        Ok(schedule)
    }

    /// A plan's reporting schedule (报送安排); any signed-in user of the tenant may read it.
    pub async fn reporting_schedule(&self, user: &User, plan: PlanId) -> Result<PlanSchedule> {
        let plan = self.plan_of(user, plan).await?;
        let stored = self.store.reporting_schedule(user.tenant_id, plan.id).await?;
        Ok(PlanSchedule { plan, schedule: stored.unwrap_or_default(), is_default: stored.is_none() })
    }

    /// Sets a plan's schedule: supervisors and admins only; audited.
    pub async fn set_reporting_schedule(
        &self,
        user: &User,
        plan: PlanId,
        input: &ScheduleInput,
    ) -> Result<ReportingSchedule> {
        if !user.role.can_supervise() {
            return Err(AppError::Forbidden);
        }
        let plan = self.plan_of(user, plan).await?;
        let schedule = parse_schedule(input)?;
        self.store.set_reporting_schedule(user.tenant_id, plan.id, &schedule, self.actor(user)).await?;
        self.schedules.remove(&(user.tenant_id, plan.id));
        Ok(schedule)
    }

    /// The period of `plan`'s cycle that holds `day`: what "this period" means
    /// for the plan (a week, half-month, month or quarter). Reports of a plan
    /// are of its cycle's kind, and period texts compare correctly only within
    /// one kind, so a query "reports up to this period" should be given this.
    pub async fn plan_period_on(&self, user: &User, plan: PlanId, day: NaiveDate) -> Result<Period> {
        let plan = self.plan_of(user, plan).await?;
        Ok(self.schedule_of(user.tenant_id, plan.id).await?.period_containing(day))
    }

    /// The period of a task's plan that a report made today covers.
    pub async fn current_period(&self, user: &User, task: TaskId) -> Result<Period> {
        let item = self.store.task(user.tenant_id, task).await?.ok_or(AppError::NotFound("任务"))?;
        let schedule = self.schedule_of(user.tenant_id, item.task.plan_id).await?;
        Ok(schedule.period_containing(self.clock.today()))
    }

    /// A plan's reporting for `period` (the current one when `None`): per lead
    /// org how many tasks were due, on time, late, missing, pending, and each
    /// task's status. For the office and leaders (whole-tenant readers);
    /// a reporter uses [`App::my_reporting`].
    pub async fn reporting_status(&self, user: &User, plan: PlanId, period: Option<Period>) -> Result<ReportingStatus> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let plan = self.plan_of(user, plan).await?;
        let schedule = self.schedule_of(user.tenant_id, plan.id).await?;
        let today = self.clock.today();
        let period = match period {
            Some(period) => period_of_plan(&plan, schedule.cycle, period)?,
            None => schedule.period_containing(today),
        };
        let tasks: Vec<TaskReporting> = self
            .store
            .due_tasks(user.tenant_id, plan.id, period, None)
            .await?
            .into_iter()
            .map(|t| task_reporting(&schedule, period, today, t))
            .collect();
        let due_date = schedule.due_date(period);
        Ok(ReportingStatus {
            orgs: org_counts(&tasks),
            plan,
            schedule,
            period,
            due_date,
            is_past_due: today > due_date,
            tasks,
        })
    }

    /// 我的填报: what the reporter's org owes in a running plan (`plan`, or
    /// the current one when `None`) this period, and the previous period's
    /// reports still missing or returned. `None` when the tenant has no plan.
    pub async fn my_reporting(&self, user: &User, plan: Option<PlanId>) -> Result<Option<MyReporting>> {
        match self.my_plan(user, plan).await? {
            Some(plan) => Ok(Some(self.my_reporting_in(user, plan).await?)),
            None => Ok(None),
        }
    }

    /// [`App::my_reporting`] in every running plan, newest first: a plan of
    /// last year still owes its last reports after the new one starts.
    pub async fn my_reporting_everywhere(&self, user: &User) -> Result<Vec<MyReporting>> {
        if user.role != Role::Reporter {
            return Err(AppError::Forbidden);
        }
        let mut all = Vec::new();
        for plan in self.running_plans(user.tenant_id).await? {
            all.push(self.my_reporting_in(user, plan).await?);
        }
        Ok(all)
    }

    /// The plan a reporter's pages show: `plan` when it is a plan of the
    /// tenant not archived (next year's too: it owes nothing before its
    /// tasks start), else not found; the current one when `None`.
    pub(crate) async fn my_plan(&self, user: &User, plan: Option<PlanId>) -> Result<Option<Plan>> {
        if user.role != Role::Reporter {
            return Err(AppError::Forbidden);
        }
        match plan {
            None => Ok(self.current_plan(user.tenant_id).await?),
            Some(id) => {
                let plans = self.store.plans(user.tenant_id).await?;
                plans.into_iter().find(|p| p.id == id).map(Some).ok_or(AppError::NotFound("计划"))
            }
        }
    }

    async fn my_reporting_in(&self, user: &User, plan: Plan) -> Result<MyReporting> {
        let schedule = self.schedule_of(user.tenant_id, plan.id).await?;
        let today = self.clock.today();
        let period = schedule.period_containing(today);
        let load = |p: Period| async move {
            let rows = self.store.due_tasks(user.tenant_id, plan.id, p, Some(user.org_id)).await?;
            Ok::<_, AppError>(rows.into_iter().map(|t| task_reporting(&schedule, p, today, t)).collect::<Vec<_>>())
        };
        let items = load(period).await?;
        let overdue = load(period.previous())
            .await?
            .into_iter()
            .filter(|t| matches!(t.status.state, DueState::Missing | DueState::Returned))
            .collect();
        Ok(MyReporting { due_date: schedule.due_date(period), plan, schedule, period, items, overdue })
    }

    /// 久未报送: the plan's tasks whose lead org reported on none of the last
    /// [`STALE_AFTER_PERIODS`](qingdan_domain::reporting::STALE_AFTER_PERIODS) periods past their due date (and that ran
    /// through all of them). For whole-tenant readers.
    pub async fn stale_tasks(&self, user: &User, plan: PlanId) -> Result<Vec<StaleTask>> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let plan = self.plan_of(user, plan).await?;
        let schedule = self.schedule_of(user.tenant_id, plan.id).await?;
        let window = stale_window(&schedule, self.clock.today());
        let Some(oldest) = window.last().copied() else { return Ok(Vec::new()) };
        // Due in the oldest period (so running through all) and missing there…
        let mut stale: Vec<DueTask> = self
            .store
            .due_tasks(user.tenant_id, plan.id, oldest, None)
            .await?
            .into_iter()
            .filter(|t| t.report.is_none())
            .collect();
        // …and in every newer one.
        for period in &window[..window.len() - 1] {
            let reported: HashSet<TaskId> = self
                .store
                .due_tasks(user.tenant_id, plan.id, *period, None)
                .await?
                .into_iter()
                .filter(|t| t.report.is_some())
                .map(|t| t.task_id)
                .collect();
            stale.retain(|t| !reported.contains(&t.task_id));
        }
        Ok(stale
            .into_iter()
            .map(|t| StaleTask {
                task_id: t.task_id,
                number: t.number,
                title: t.title,
                org_id: t.org_id,
                org_name: t.org_name,
                periods: window.clone(),
            })
            .collect())
    }

    /// One reminder pass over every tenant, as of the clock's today.
    pub async fn remind_reporting(&self) -> Result<ReportingReminders> {
        let mut total = ReportingReminders::default();
        for tenant in self.store.tenant_ids().await? {
            let pass = self.remind_reporting_for(tenant).await?;
            total.due += pass.due;
            total.overdue += pass.overdue;
            total.queued += pass.queued;
        }
        Ok(total)
    }

    /// One reminder pass over a tenant's plans of this year (see the module doc).
    pub async fn remind_reporting_for(&self, tenant: TenantId) -> Result<ReportingReminders> {
        let today = self.clock.today();
        let mut pass = ReportingReminders::default();
        for plan in self.store.plans(tenant).await? {
            let schedule = self.schedule_of(tenant, plan.id).await?;
            let current = schedule.period_containing(today);
            for period in [current.previous(), current] {
                if period.first_day().year() != plan.year && period.last_day().year() != plan.year {
                    continue;
                }
                let due = schedule.due_date(period);
                let overdue = if (schedule.remind_on(period)..=due).contains(&today) {
                    false
                } else if today > due && today <= due + Days::new(OVERDUE_REMINDER_DAYS) {
                    true
                } else {
                    continue;
                };
                let missing = self.store.missing_reports(tenant, plan.id, period).await?;
                let events: Vec<Notice> = missing
                    .iter()
                    .map(|(org, name, count)| {
                        let kind = if overdue { "report-overdue" } else { "report-due" };
                        let key = format!("{kind}:plan{}:{period}:org{}", plan.id.0, org.0);
                        let message = reminder_message(&plan, period, due, name, *count, overdue);
                        Notice { key, message, link: Some("/my".to_owned()), to: vec![Audience::Org(*org)] }
                    })
                    .collect();
                if overdue {
                    pass.overdue += events.len();
                } else {
                    pass.due += events.len();
                }
                pass.queued += self.notify_all(tenant, &events).await?;
            }
        }
        self.remind_project_reports(tenant, &mut pass).await?;
        Ok(pass)
    }
}

/// The reminder to an org: plan, period, org, count of tasks and due date.
pub fn reminder_message(plan: &Plan, period: Period, due: NaiveDate, org: &str, tasks: i64, overdue: bool) -> Message {
    let due = due.format("%Y年%m月%d日");
    let period = period.label();
    if overdue {
        Message::new(
            format!("【逾期未报】{}", plan.title),
            format!(
                "{org}：《{}》{period}的进展报送已于{due}截止，你单位仍有{tasks}项任务未报送，请立即补报。",
                plan.title
            ),
        )
    } else {
        Message::new(
            format!("【报送提醒】{}", plan.title),
            format!("{org}：请于{due}前报送《{}》{period}的工作进展，你单位尚有{tasks}项任务未报送。", plan.title),
        )
    }
}

/// Validates the schedule form into a schedule, each field's error in Chinese.
pub fn parse_schedule(input: &ScheduleInput) -> Result<ReportingSchedule> {
    let mut invalid = Invalid::new();
    let cycle = ReportingCycle::from_code(input.cycle.trim());
    if cycle.is_none() {
        invalid.add("cycle", "unknown", "报送周期应为每周、每半月、每月或每季度");
    }
    let cycle = cycle.unwrap_or(ReportingCycle::Monthly);
    let max_day = max_due_day(cycle);
    let due_day = match crate::input::half_width(&input.due_day).parse::<u32>() {
        Ok(d) if (1..=max_day).contains(&d) => d,
        _ => {
            let hint = match cycle {
                ReportingCycle::Weekly => "每周的截止日应为1到7（周一到周日）".to_owned(),
                ReportingCycle::HalfMonthly => "每半月的截止日应为1到15（上半月的第几天，下半月顺延15天）".to_owned(),
                ReportingCycle::Monthly => "每月的截止日应为1到31（超过当月天数按月末计）".to_owned(),
                ReportingCycle::Quarterly => "每季度的截止日应为季度末月的1到31日".to_owned(),
            };
            invalid.add("due_day", "out_of_range", format!("截止日填写有误：{hint}"));
            1
        }
    };
    let max_remind = max_remind_days(cycle);
    let remind_days_before = match crate::input::half_width(&input.remind_days_before).parse::<u32>() {
        Ok(d) if d <= max_remind => d,
        _ => {
            invalid.add(
                "remind_days_before",
                "out_of_range",
                format!("提前提醒天数应为0到{max_remind}之间的整数（{}）", cycle.label()),
            );
            0
        }
    };
    invalid.into_result()?;
    Ok(ReportingSchedule { cycle, due_day, remind_days_before })
}

/// Reporting counts per org, keyed by org id, for callers that merge them
/// with other per-org figures (the battle map, the bulletin).
pub fn by_org(status: &ReportingStatus) -> BTreeMap<OrgId, &OrgReporting> {
    status.orgs.iter().map(|o| (o.org_id, o)).collect()
}

/// `period` when a report could be owed for it in `plan`: of the plan's
/// cycle (no report of another is taken) and within its year; else why not,
/// on the `period` field.
pub(crate) fn period_of_plan(plan: &Plan, cycle: ReportingCycle, period: Period) -> Result<Period> {
    if period.cycle() != cycle {
        let hint = format!("本计划{}报送，报送期应写作如 {}", cycle.label(), cycle.example());
        return Err(AppError::field("period", "wrong_cycle", hint));
    }
    if period.last_day().year() < plan.year || period.first_day().year() > plan.year {
        let message = format!("报送期{}不在本计划年度（{}年）内", period.label(), plan.year);
        return Err(AppError::field("period", "other_year", message));
    }
    Ok(period)
}
