//! 亮灯规则 (status rules) as use cases: reading and changing a tenant's
//! thresholds, a plan's rolled-up progress by section ([`App::plan_progress`]),
//! and the mid-year 双过半 check ([`App::half_check`]). The rules themselves
//! are written down in [`qingdan_domain::status`].

mod alerts;

use crate::{App, AppError, Result, lenient};
use chrono::NaiveDate;
use qingdan_domain::status::{half_check_date, half_check_time, passes_half_check};
use qingdan_domain::{
    Decimal, Invalid, Light, OrgId, Plan, PlanId, Role, StatusRules, Target, TaskId, TenantId, User,
    light::time_progress, weighted_percent, work_progress,
};
use qingdan_storage::{AcceptedProgress, ProgressTask, Relit};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A plan's tasks with their work progress on a day ([`App::work_on`]).
pub(crate) struct WorkOn {
    /// Every task, in tree order.
    pub tree: Vec<ProgressTask>,
    pub work: HashMap<TaskId, i64>,
    /// The tasks that have children: the others are working tasks.
    pub has_children: HashSet<TaskId>,
    /// Each task's newest accepted report of a period begun by the day.
    pub accepted: HashMap<TaskId, AcceptedProgress>,
}

/// Thresholds as typed into the admin form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct StatusRulesInput {
    /// 黄灯阈值: yellow when work is behind time by more than this many points.
    #[serde(deserialize_with = "lenient::text", default)]
    pub yellow_gap: String,
    /// 红灯阈值: red when work is behind time by more than this many points.
    #[serde(deserialize_with = "lenient::text", default)]
    pub red_gap: String,
}

/// A section's (top-level task's) figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionProgress {
    pub id: TaskId,
    pub number: String,
    pub title: String,
    pub weight: Decimal,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    /// 工作进度, rolled up from its tasks by weight.
    pub percent: i64,
    /// 序时进度 today, from its own start and deadline.
    pub time_percent: i64,
    pub light: Light,
}

/// A plan's figures today: the plan as a whole and each section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProgress {
    pub plan_id: PlanId,
    /// The sections' work progress, weighted by their weights.
    pub percent: i64,
    /// The sections' time progress, weighted the same way.
    pub time_percent: i64,
    /// The plan's light from these two, under the tenant's rules; overdue once every section's deadline has passed.
    pub light: Light,
    pub sections: Vec<SectionProgress>,
}

/// One row of the 双过半 view: a task, a lead org or a section. The API
/// answers with it as it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct HalfCheckLine {
    /// The task's or section's id, or the org's.
    pub id: i64,
    pub number: String,
    pub title: String,
    /// The lead org's name (tasks and sections).
    pub org: String,
    /// 序时进度 on the check date.
    pub time_percent: i64,
    /// 工作进度 on the check date.
    pub work_percent: i64,
    /// Both at least 50.
    pub passed: bool,
    /// For an org: how many of its tasks there are, and how many passed.
    pub tasks: usize,
    pub tasks_passed: usize,
}

/// 双过半: on `date`, which tasks, lead orgs and sections have both time and
/// work progress at least one half. Rows that pass come first.
#[derive(Debug, Clone)]
pub struct HalfCheck {
    pub plan: Plan,
    pub date: NaiveDate,
    /// The working tasks (leaves of the tree).
    pub tasks: Vec<HalfCheckLine>,
    /// Lead orgs, over the working tasks they lead.
    pub orgs: Vec<HalfCheckLine>,
    /// Sections (top-level tasks); empty for a reporter.
    pub sections: Vec<HalfCheckLine>,
}

impl App {
    /// The tenant's light thresholds (the defaults when never set): every
    /// signed-in user may read them, as the plan page shows the rule.
    pub async fn status_rules(&self, user: &User) -> Result<StatusRules> {
        Ok(self.store.status_rules(user.tenant_id).await?)
    }

    /// The tenant's light thresholds for computing lights, a few seconds old at most.
    pub(crate) async fn light_rules(&self, tenant: TenantId) -> Result<StatusRules> {
        if let Some(rules) = self.rules.get(&tenant) {
            return Ok(rules);
        }
        let rules = self.store.status_rules(tenant).await?;
        self.rules.put(tenant, rules);
        Ok(rules)
    }

    /// The thresholds for the settings page: admins (who may change them) and
    /// supervisors (who may read them); others are `Forbidden`.
    pub async fn status_rules_settings(&self, user: &User) -> Result<StatusRules> {
        if !user.role.can_supervise() && !self.can_change_status_rules(user) {
            return Err(AppError::Forbidden);
        }
        self.status_rules(user).await
    }

    /// Whether the user may change the thresholds: admins only.
    pub fn can_change_status_rules(&self, user: &User) -> bool {
        user.role == Role::Admin
    }

    /// Changes the tenant's thresholds (admins only; audited) and recomputes
    /// every light under them; returns how many lights changed.
    pub async fn set_status_rules(&self, user: &User, input: &StatusRulesInput) -> Result<usize> {
        if !self.can_change_status_rules(user) {
            return Err(AppError::Forbidden);
        }
        let mut invalid = Invalid::new();
        let mut gap = |field: &str, label: &str, value: &str| match crate::input::half_width(value).parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                invalid.add(field, "not_a_number", format!("{label}应为0到100之间的整数"));
                None
            }
        };
        let yellow = gap("yellow_gap", "黄灯阈值", &input.yellow_gap);
        let red = gap("red_gap", "红灯阈值", &input.red_gap);
        invalid.into_result()?;
        let rules = StatusRules::new(yellow.unwrap_or_default(), red.unwrap_or_default())?;
        self.store.set_status_rules(user.tenant_id, rules, self.actor(user)).await?;
        self.rules.remove(&user.tenant_id);
        self.refresh_lights(user.tenant_id).await
    }

    /// A plan's progress today, as a whole and by section, for the battle map
    /// and bulletins. Offices and leaders only (a reporter is `Forbidden`).
    pub async fn plan_progress(&self, user: &User, plan: PlanId) -> Result<PlanProgress> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let plan = self.plan(user, plan).await?;
        let rules = self.store.status_rules(user.tenant_id).await?;
        let today = self.clock.today();
        let sections: Vec<SectionProgress> = self
            .store
            .section_progress(user.tenant_id, plan.id)
            .await?
            .into_iter()
            .map(|s| SectionProgress {
                percent: s.percent_done,
                time_percent: time_progress(s.start_date, s.deadline, today),
                light: rules.light(s.percent_done, s.start_date, s.deadline, today),
                id: s.id,
                number: s.number,
                title: s.title,
                weight: s.weight,
                start_date: s.start_date,
                deadline: s.deadline,
            })
            .collect();
        let percent = weighted_percent(&sections.iter().map(|s| (s.weight, s.percent)).collect::<Vec<_>>());
        let time_percent = weighted_percent(&sections.iter().map(|s| (s.weight, s.time_percent)).collect::<Vec<_>>());
        let past = !sections.is_empty() && sections.iter().all(|s| today > s.deadline);
        let light = rules.light_of(percent, time_percent, past);
        Ok(PlanProgress { plan_id: plan.id, percent, time_percent, light, sections })
    }

    /// 双过半 on `date` (06-30 of the plan's year when `None`). Offices and
    /// leaders see every task, org and section; a reporter sees the tasks
    /// their org leads and their org's row, and no sections.
    pub async fn half_check(&self, user: &User, plan: PlanId, date: Option<&str>) -> Result<HalfCheck> {
        let plan = self.plan(user, plan).await?;
        let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
            None => half_check_date(plan.year).ok_or(AppError::Internal("plan year out of range".into()))?,
            Some(text) => text.parse::<NaiveDate>().map_err(|_| {
                AppError::field(
                    "date",
                    "bad_format",
                    format!("“{text}”不是有效的检查日期，应写作 YYYY-MM-DD，如 2026-06-30"),
                )
            })?,
        };
        let WorkOn { tree, work, has_children, .. } = self.work_on(user.tenant_id, plan.id, date).await?;
        let own_org = (!user.role.reads_whole_tenant()).then_some(user.org_id);
        let line = |task: &ProgressTask| {
            let time_percent = half_check_time(task.start_date, task.deadline, date);
            let work_percent = work.get(&task.id).copied().unwrap_or(0);
            HalfCheckLine {
                id: task.id.0,
                number: task.number.clone(),
                title: task.title.clone(),
                org: task.lead_org.as_ref().map(|(_, name)| name.clone()).unwrap_or_default(),
                time_percent,
                work_percent,
                passed: passes_half_check(time_percent, work_percent),
                tasks: 1,
                tasks_passed: usize::from(passes_half_check(time_percent, work_percent)),
            }
        };
        let leaves: Vec<&ProgressTask> = tree
            .iter()
            .filter(|t| !has_children.contains(&t.id))
            .filter(|t| own_org.is_none_or(|org| t.lead_org.as_ref().is_some_and(|(o, _)| *o == org)))
            .collect();
        let mut tasks: Vec<HalfCheckLine> = leaves.iter().map(|t| line(t)).collect();
        let mut by_org: BTreeMap<(String, OrgId), Vec<(Decimal, HalfCheckLine)>> = BTreeMap::new();
        for (task, l) in leaves.iter().zip(&tasks) {
            if let Some((org, name)) = &task.lead_org {
                by_org.entry((name.clone(), *org)).or_default().push((task.weight, l.clone()));
            }
        }
        let mut orgs: Vec<HalfCheckLine> = by_org
            .into_iter()
            .map(|((name, org), lines)| {
                let time_percent =
                    weighted_percent(&lines.iter().map(|(w, l)| (*w, l.time_percent)).collect::<Vec<_>>());
                let work_percent =
                    weighted_percent(&lines.iter().map(|(w, l)| (*w, l.work_percent)).collect::<Vec<_>>());
                HalfCheckLine {
                    id: org.0,
                    number: String::new(),
                    title: name.clone(),
                    org: name,
                    time_percent,
                    work_percent,
                    passed: passes_half_check(time_percent, work_percent),
                    tasks: lines.len(),
                    tasks_passed: lines.iter().filter(|(_, l)| l.passed).count(),
                }
            })
            .collect();
        let mut sections: Vec<HalfCheckLine> = if own_org.is_some() {
            Vec::new()
        } else {
            tree.iter().filter(|t| t.parent_id.is_none()).map(line).collect()
        };
        for lines in [&mut tasks, &mut orgs, &mut sections] {
            // Stable: within passed and not passed, tree (or name) order stays.
            lines.sort_by_key(|l| !l.passed);
        }
        Ok(HalfCheck { plan, date, tasks, orgs, sections })
    }

    /// Every task of a plan with its work progress on `date`: a working
    /// task's from its newest accepted report of a period begun by the date
    /// (0 without one), a parent's rolled up by weight. The 双过半 check and
    /// a past period's bulletin stand on it.
    pub(crate) async fn work_on(&self, tenant: TenantId, plan: PlanId, date: NaiveDate) -> Result<WorkOn> {
        let tree = self.store.progress_tree(tenant, plan).await?;
        let targets = self.store.plan_targets(tenant, plan).await?;
        let accepted: HashMap<TaskId, AcceptedProgress> =
            self.store.accepted_up_to(tenant, plan, date).await?.into_iter().map(|a| (a.task_id, a)).collect();
        let has_children: HashSet<TaskId> = tree.iter().filter_map(|t| t.parent_id).collect();
        // The tree is in sort_path order, so children come after their parent.
        let mut work: HashMap<TaskId, i64> = HashMap::new();
        let mut children: HashMap<TaskId, Vec<(Decimal, i64)>> = HashMap::new();
        for task in tree.iter().rev() {
            let percent = if has_children.contains(&task.id) {
                weighted_percent(children.get(&task.id).map_or(&[][..], Vec::as_slice))
            } else {
                accepted.get(&task.id).map_or(0, |a| {
                    let as_reported: Vec<Target> = targets
                        .get(&task.id)
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .map(|t| Target {
                            actual: a.actuals.iter().find(|(id, _)| *id == t.id).map(|(_, v)| *v),
                            ..t.clone()
                        })
                        .collect();
                    work_progress(&as_reported, a.percent_done)
                })
            };
            work.insert(task.id, percent);
            if let Some(parent) = task.parent_id {
                children.entry(parent).or_default().push((task.weight, percent));
            }
        }
        Ok(WorkOn { tree, work, has_children, accepted })
    }
}

impl App {
    /// Recomputes every task's light for today under the tenant's status rules
    /// (亮灯规则, [`qingdan_domain::status`]), alerting the lead orgs of tasks
    /// that turn red or overdue; returns how many changed.
    pub async fn refresh_lights(&self, tenant: TenantId) -> Result<usize> {
        let today = self.clock.today();
        let rules = self.store.status_rules(tenant).await?;
        let changes: Vec<Relit> = self
            .store
            .task_progress(tenant)
            .await?
            .into_iter()
            .filter_map(|(id, start_date, deadline, percent_done, light)| {
                let now = rules.light(percent_done, start_date, deadline, today);
                (now != light).then_some(Relit { id, percent_done, start_date, deadline, light: now })
            })
            .collect();
        // Only the lights stored are alerted: a task changed meanwhile kept its own.
        let changes = self.store.set_lights(tenant, &changes).await?;
        self.alert_red_lights(tenant, &changes).await?;
        self.counts.clear();
        self.record_light_history(tenant).await?;
        Ok(changes.len())
    }

    /// Settings that would let the planner's statistics go stale (PostgreSQL's
    /// autovacuum off), in words for the log.
    pub async fn planner_warnings(&self) -> Result<Vec<String>> {
        Ok(self.store.planner_warnings().await?)
    }

    /// Recomputes the lights of every tenant's tasks and key projects, raises
    /// overdue 堵点 one level, and refreshes the database's statistics as the
    /// tables grow; returns how many lights changed.
    pub async fn refresh_all_lights(&self) -> Result<usize> {
        self.store.analyze().await?;
        let mut changed = 0;
        for tenant in self.store.tenant_ids().await? {
            changed += self.refresh_lights(tenant).await?;
        }
        changed += self.refresh_project_lights().await? as usize;
        self.escalate_factor_issues().await?;
        self.project_maps.clear();
        Ok(changed)
    }
}
