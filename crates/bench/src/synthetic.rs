//! Synthetic tenants for benchmarks: a city with (by default) 100,000 tasks,
//! 2,000 orgs, 5,000 users and 1,000,000 progress reports, built in minutes.
//!
//! Orgs and users go through the ordinary storage calls (with their audit
//! events); tasks and reports through the bulk loaders, one transaction per
//! thousand rows and no audit, since a use case per row would take hours.
//! Every account shares [`SYNTHETIC_PASSWORD`], hashed once.
//!
//! The shape: org 1 is the city government (leaders, the admin), org 2 the
//! supervision office (supervisors), the rest departments with two or three
//! reporters each. Tasks form a tree of sections, sub-sections and items; task
//! `i` is led by department `i mod D` and supported by another department.
//! Reports cover each (task, lead org) pair for the ten months before the
//! current one, so the current month, and every month of the supporting
//! orgs' pairs, stay free for a load run to submit fresh reports into.

use anyhow::{Context, Result, anyhow};
use chrono::{Datelike, Days, NaiveDate};
use qingdan_app::App;
use qingdan_domain::assignment::{AssignmentSource, AssignmentStatus};
use qingdan_domain::{
    AssignmentId, Comparator, Decimal, Light, OrgId, OrgKind, Period, PlanStatus, ReportStatus, Responsibility, Role,
    TaskId, TenantId, UserId,
};
use qingdan_storage::{Actor, NewOrg, NewPlan, NewReport, NewTarget, NewTask, NewUser};
use serde::Serialize;

/// The password of every synthetic account.
pub const SYNTHETIC_PASSWORD: &str = "bench2026pass";

/// How many reporting months of reports each (task, org) pair receives.
const PERIODS: usize = 10;

/// Top-level sections (一、二、…) of the task tree.
const SECTIONS: usize = 10;

/// Sub-sections under each section.
const SUBSECTIONS: usize = 100;

/// Reports handed to storage per call, so a million never sit in memory at once.
const REPORT_BATCH: usize = 20_000;

/// Words in task titles, so a text search (`q`) matches a slice of the plan.
const TOPICS: &[&str] = &[
    "交通",
    "教育",
    "医疗",
    "养老",
    "就业",
    "生态",
    "农田",
    "水利",
    "工业",
    "数字经济",
    "文旅",
    "商务",
    "住房",
    "消防",
    "食品安全",
    "社区",
    "招商",
    "科技",
    "能源",
    "营商环境",
];

/// How large a tenant to make.
#[derive(Debug, Clone)]
pub struct SyntheticSpec {
    pub tasks: usize,
    pub orgs: usize,
    pub users: usize,
    pub reports: usize,
    /// How many reporters (each of a different department) to describe in the
    /// result with the (task, period) pairs still free for them to report.
    pub sample_reporters: usize,
    /// Open assigned matters (交办事项), for the 督办 benchmark.
    pub assignments: usize,
    /// Key projects with two years of half-monthly reports (issue 15).
    pub projects: usize,
}

impl Default for SyntheticSpec {
    fn default() -> Self {
        SyntheticSpec {
            tasks: 100_000,
            orgs: 2_000,
            users: 5_000,
            reports: 1_000_000,
            sample_reporters: 200,
            assignments: 0,
            projects: 0,
        }
    }
}

/// A reporter a load run can sign in as, and what it may submit without
/// touching a report that exists already.
#[derive(Debug, Clone, Serialize)]
pub struct SampleReporter {
    pub username: String,
    pub org_id: i64,
    /// Tasks the reporter's org leads.
    pub lead_tasks: Vec<i64>,
    /// (task id, period) pairs with no report of this org yet.
    pub free: Vec<(i64, String)>,
}

/// What [`seed`] made.
#[derive(Debug, Clone, Serialize)]
pub struct SyntheticInfo {
    pub tenant_id: i64,
    pub plan_id: i64,
    pub password: &'static str,
    pub admin: String,
    pub supervisor: String,
    pub leader: String,
    pub tasks: usize,
    pub orgs: usize,
    pub users: usize,
    pub reports: usize,
    pub assignments: usize,
    pub projects: usize,
    /// Department ids, for filtering by lead org.
    pub department_ids: Vec<i64>,
    pub reporters: Vec<SampleReporter>,
}

/// A task as generated, before it has an id.
struct Planned {
    parent: Option<usize>,
    number: String,
    title: String,
    lead: usize,
    support: usize,
}

/// Creates a synthetic tenant of the given size; see the module doc.
pub async fn seed(app: &App, spec: SyntheticSpec) -> Result<SyntheticInfo> {
    let departments = spec.orgs.checked_sub(2).filter(|d| *d >= 2).ok_or_else(|| invalid("orgs must be at least 4"))?;
    let supervisors = (spec.users / 250).max(1);
    let leaders = (spec.users / 200).max(1);
    let reporters =
        spec.users.checked_sub(1 + supervisors + leaders).filter(|r| *r >= departments).ok_or_else(|| {
            invalid(&format!(
                "users must be at least {} so that every department has a reporter",
                departments + 1 + supervisors + leaders
            ))
        })?;
    if spec.tasks < SECTIONS * (SUBSECTIONS + 1) + 1 {
        return Err(invalid(&format!("tasks must be more than {}", SECTIONS * (SUBSECTIONS + 1))));
    }
    let actor = Actor { user_id: None, at: app.clock().now(), source: None };
    let today = app.clock().today();
    let year = today.year();
    let tenant = app.store().create_tenant("合成市人民政府（基准测试）").await?;

    // Orgs.
    let city =
        app.store().create_org(&new_org(tenant, None, "合成市人民政府办公室", OrgKind::County, 0), actor).await?.id;
    let office =
        app.store().create_org(&new_org(tenant, Some(city), "合成市政府督查室", OrgKind::Section, 1), actor).await?.id;
    let mut depts: Vec<OrgId> = Vec::with_capacity(departments);
    for d in 0..departments {
        let name = format!("合成市第{:04}部门", d + 1);
        let kind = if d % 50 == 0 { OrgKind::DevZone } else { OrgKind::Department };
        depts.push(app.store().create_org(&new_org(tenant, None, &name, kind, d as i64 + 2), actor).await?.id);
    }

    // Users: one password hash for all.
    let hash = qingdan_app::hash_password(SYNTHETIC_PASSWORD.to_owned()).await?;
    let user = |username: String, org: OrgId, role: Role| NewUser {
        tenant_id: tenant,
        org_id: org,
        display_name: username.clone(),
        username,
        role,
        password_hash: hash.clone(),
    };
    let admin = app.store().create_user(&user("bench.admin".into(), city, Role::Admin), actor).await?;
    let mut supervisor_ids = Vec::new();
    for s in 0..supervisors {
        supervisor_ids.push(
            app.store().create_user(&user(format!("bench.sup{:03}", s + 1), office, Role::Supervisor), actor).await?.id,
        );
    }
    let mut leader_ids: Vec<UserId> = Vec::new();
    for l in 0..leaders {
        leader_ids.push(
            app.store().create_user(&user(format!("bench.leader{:03}", l + 1), city, Role::Leader), actor).await?.id,
        );
    }
    // reporters_of[d]: department d's reporters, first one the owner of its tasks.
    let mut reporters_of: Vec<Vec<(UserId, String)>> = vec![Vec::new(); departments];
    for r in 0..reporters {
        let d = r % departments;
        let username = format!("d{:04}.r{}", d + 1, r / departments + 1);
        let created = app.store().create_user(&user(username.clone(), depts[d], Role::Reporter), actor).await?;
        reporters_of[d].push((created.id, username));
    }

    // The plan and its task tree, level by level.
    let plan = app
        .store()
        .create_plan(
            &NewPlan {
                tenant_id: tenant,
                year,
                title: format!("{year}年合成市重点任务清单（基准测试）"),
                status: PlanStatus::Published,
            },
            actor,
        )
        .await?;
    let planned = plan_tree(spec.tasks, departments);
    let mut ids: Vec<Option<TaskId>> = vec![None; planned.len()];
    for level in 0..3 {
        let members: Vec<usize> = (0..planned.len()).filter(|i| depth(&planned, *i) == level).collect();
        let mut batch = Vec::with_capacity(members.len());
        for &i in &members {
            let p = &planned[i];
            let parent_id = match p.parent {
                Some(parent) => Some(ids[parent].context("parent task not stored")?),
                None => None,
            };
            let (start_date, deadline, light) = schedule(i, today);
            batch.push(NewTask {
                tenant_id: tenant,
                plan_id: plan.id,
                parent_id,
                number: p.number.clone(),
                title: p.title.clone(),
                weight: Decimal::ONE,
                start_date,
                deadline,
                responsibility: Responsibility {
                    lead_leader_id: Some(leader_ids[i % leader_ids.len()]),
                    lead_org_id: Some(depts[p.lead]),
                    supporting_org_ids: vec![depts[p.support]],
                    owner_id: reporters_of[p.lead].first().map(|(id, _)| *id),
                },
                light,
                targets: if level == 2 && i % 3 == 0 {
                    vec![NewTarget {
                        metric: format!("{}指标{}", TOPICS[i % TOPICS.len()], i),
                        value: Decimal::from(i % 1000 + 1),
                        unit: "项".into(),
                        comparator: Comparator::AtLeast,
                        baseline: None,
                        deadline: Some(deadline),
                    }]
                } else {
                    Vec::new()
                },
            });
        }
        let stored = app.store().bulk_insert_tasks(&batch).await?;
        for (&i, id) in members.iter().zip(stored) {
            ids[i] = Some(id);
        }
    }
    let task_ids: Vec<TaskId> = ids.into_iter().collect::<Option<_>>().context("task not stored")?;

    // Reports: pair k is (task k, its lead org) for k < tasks, then (task k - tasks, its supporting org).
    let periods = report_periods(today);
    let pair = |k: usize| -> (usize, usize) {
        let t = k % planned.len();
        (t, if k < planned.len() { planned[t].lead } else { planned[t].support })
    };
    let reports = spec.reports.min(2 * planned.len() * PERIODS);
    let mut batch: Vec<(NewReport, ReportStatus)> = Vec::with_capacity(REPORT_BATCH);
    for n in 0..reports {
        let (t, d) = pair(n / PERIODS);
        let p = n % PERIODS;
        let percent = ((p + 1) * 100 / (PERIODS + 2)) as i64;
        let status = if p + 1 < PERIODS {
            ReportStatus::Accepted
        } else {
            [ReportStatus::Submitted, ReportStatus::Submitted, ReportStatus::Returned, ReportStatus::Accepted][t % 4]
        };
        let (submitter, _) = &reporters_of[d][n % reporters_of[d].len()];
        batch.push((
            NewReport {
                tenant_id: tenant,
                task_id: task_ids[t],
                org_id: depts[d],
                period: periods[p],
                percent_done: percent,
                narrative: format!("{}按计划推进，累计完成年度任务的{percent}%。", periods[p].label()),
                problems: if t % 5 == 0 { "资金到位不及时。".into() } else { String::new() },
                next_steps: "加强调度，确保按时完成。".into(),
                actuals: Vec::new(),
                submitted_by: *submitter,
            },
            status,
        ));
        if batch.len() == REPORT_BATCH {
            app.store().bulk_insert_reports(&batch, app.clock().now()).await?;
            batch.clear();
        }
    }
    app.store().bulk_insert_reports(&batch, app.clock().now()).await?;
    app.refresh_lights(tenant).await?;
    seed_assignments(app, tenant, office, &depts, spec.assignments).await?;

    // A sample of reporters, one per department, with what is still free for them.
    let current = Period::containing(today);
    let mut sample = Vec::new();
    for (d, reps) in reporters_of.iter().enumerate().take(spec.sample_reporters) {
        let Some((_, username)) = reps.first() else {
            continue;
        };
        let seeded = |k: usize, p: usize| k * PERIODS + p < reports;
        let mut lead_tasks = Vec::new();
        let mut free = Vec::new();
        for (t, task) in planned.iter().enumerate() {
            if task.lead == d {
                lead_tasks.push(task_ids[t].0);
                free.push((task_ids[t].0, current.to_string()));
                free.extend((0..PERIODS).filter(|p| !seeded(t, *p)).map(|p| (task_ids[t].0, periods[p].to_string())));
            }
            if task.support == d && task.lead != d {
                free.push((task_ids[t].0, current.to_string()));
                let k = planned.len() + t;
                free.extend((0..PERIODS).filter(|p| !seeded(k, *p)).map(|p| (task_ids[t].0, periods[p].to_string())));
            }
        }
        sample.push(SampleReporter { username: username.clone(), org_id: depts[d].0, lead_tasks, free });
    }
    let zones: Vec<OrgId> = depts.iter().step_by(50).copied().collect();
    let projects = if spec.projects > 0 {
        crate::projects::seed_projects(app, tenant, &depts, &zones, &leader_ids, spec.projects).await?
    } else {
        0
    };
    Ok(SyntheticInfo {
        tenant_id: tenant.0,
        plan_id: plan.id.0,
        password: SYNTHETIC_PASSWORD,
        admin: admin.username,
        supervisor: "bench.sup001".into(),
        leader: "bench.leader001".into(),
        tasks: planned.len(),
        orgs: spec.orgs,
        users: 1 + supervisors + leaders + reporters,
        reports,
        assignments: spec.assignments,
        projects,
        department_ids: depts.iter().map(|o| o.0).collect(),
        reporters: sample,
    })
}

fn invalid(message: &str) -> anyhow::Error {
    anyhow!("synthetic tenant: {message}")
}

fn new_org(tenant: TenantId, parent: Option<OrgId>, name: &str, kind: OrgKind, sort_order: i64) -> NewOrg {
    NewOrg { tenant_id: tenant, parent_id: parent, name: name.into(), kind, sort_order }
}

/// The task tree in creation order: sections, then sub-sections, then items
/// spread evenly over the sub-sections. Leads and supports rotate over the departments.
fn plan_tree(tasks: usize, departments: usize) -> Vec<Planned> {
    const CN: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let mut out = Vec::with_capacity(tasks);
    let mut add = |parent: Option<usize>, number: String, title: String| {
        let i = out.len();
        let lead = i % departments;
        // Never the lead itself; each department supports about as many tasks as it leads.
        let support = (lead + 1 + (i / departments) % (departments - 1)) % departments;
        out.push(Planned { parent, number, title, lead, support });
    };
    for s in 0..SECTIONS {
        add(None, format!("{}、", CN[s % CN.len()]), format!("第{}部分：统筹推进{}", s + 1, TOPICS[s % TOPICS.len()]));
    }
    for s in 0..SECTIONS {
        for u in 0..SUBSECTIONS {
            add(
                Some(s),
                format!("（{}）", u + 1),
                format!("{}领域第{}组重点工作", TOPICS[(s + u) % TOPICS.len()], u + 1),
            );
        }
    }
    let subsections = SECTIONS * SUBSECTIONS;
    let items = tasks - SECTIONS - subsections;
    for n in 0..items {
        let parent = SECTIONS + n % subsections;
        let number = format!("{}.", n / subsections + 1);
        add(Some(parent), number, format!("推进{}重点事项第{}项，按期完成年度目标", TOPICS[n % TOPICS.len()], n + 1));
    }
    out
}

/// Depth of a planned task: 0 section, 1 sub-section, 2 item.
fn depth(planned: &[Planned], mut i: usize) -> usize {
    let mut d = 0;
    while let Some(parent) = planned[i].parent {
        d += 1;
        i = parent;
    }
    d
}

/// Dates for task `i`, chosen so that with no progress the lights come out
/// mixed: some not started (green), some just started (yellow), the rest due
/// this year (red once time has run ahead of work).
fn schedule(i: usize, today: NaiveDate) -> (NaiveDate, NaiveDate, Light) {
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    match i % 5 {
        0 | 1 => {
            let start = today.checked_add_days(Days::new(30)).unwrap_or(today);
            (start, start.checked_add_days(Days::new(365)).unwrap_or(start), Light::Green)
        }
        2 => {
            let start = today.checked_sub_days(Days::new(20)).unwrap_or(today);
            (start, start.checked_add_days(Days::new(700)).unwrap_or(start), Light::Yellow)
        }
        _ => {
            let end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
            (year_start, end, Light::Red)
        }
    }
}

/// The `PERIODS` months before the current one, oldest first.
fn report_periods(today: NaiveDate) -> Vec<Period> {
    let mut p = Period::containing(today);
    let mut out = Vec::with_capacity(PERIODS);
    for _ in 0..PERIODS {
        p = p.previous();
        out.push(p);
    }
    out.reverse();
    out
}

/// `n` open matters on the 13710 rule, assigned over the 30 days before
/// today by the office to department `i mod D`: a fifth waiting to be
/// signed for, a tenth each signed for and deployed, the rest between
/// feedback and close. So each day some turn yellow and some red.
async fn seed_assignments(app: &App, tenant: TenantId, office: OrgId, depts: &[OrgId], n: usize) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    let rule = app.store().ensure_rule_13710(tenant).await?;
    let calendar = app.calendar(tenant).await?;
    let today = app.clock().today();
    let mut matters = Vec::with_capacity(n.min(10_000));
    for i in 0..n {
        let assigned_on = today - Days::new(1 + (i % 30) as u64);
        let status = match i % 10 {
            0 | 1 => AssignmentStatus::Assigned,
            2 => AssignmentStatus::SignedFor,
            3 => AssignmentStatus::Deployed,
            _ => AssignmentStatus::FeedbackGiven,
        };
        let schedule = rule.schedule(&calendar, assigned_on, false, None);
        let current_due = status.stage().map_or(schedule.solve, |s| schedule.due(s));
        let mut matter = qingdan_domain::assignment::Assignment {
            id: AssignmentId(0),
            tenant_id: tenant,
            title: format!("{}问题整改第{i}号", TOPICS[i % TOPICS.len()]),
            source: AssignmentSource::LeaderInstruction,
            source_task_id: None,
            text: "请按13710要求办理并反馈。".into(),
            attachments: Vec::new(),
            lead_org_id: depts[i % depts.len()],
            supporting_org_ids: Vec::new(),
            leader_id: None,
            leader_name: "合成市副市长".into(),
            rule_id: rule.id,
            assigning_org_id: office,
            is_major: false,
            timetable: None,
            assigned_on,
            schedule,
            status,
            light: Light::Green,
            current_due,
            yellow_from: rule.yellow_from(&calendar, assigned_on, current_due),
            has_pending_extension: false,
            grade: None,
            close_requested_on: None,
            closed_on: None,
        };
        // Yesterday's light: today's sweep has its day's changes to make.
        matter.light = matter.light_on(today - Days::new(1));
        matters.push(matter);
        if matters.len() == 10_000 {
            app.store().bulk_insert_assignments(&matters, app.clock().now()).await?;
            matters.clear();
        }
    }
    app.store().bulk_insert_assignments(&matters, app.clock().now()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_has_sections_subsections_and_items() {
        let tree = plan_tree(2_000, 10);
        assert_eq!(tree.len(), 2_000);
        assert_eq!((0..tree.len()).filter(|i| depth(&tree, *i) == 0).count(), SECTIONS);
        assert_eq!((0..tree.len()).filter(|i| depth(&tree, *i) == 1).count(), SECTIONS * SUBSECTIONS);
        assert!(tree.iter().all(|t| t.lead != t.support && t.lead < 10 && t.support < 10));
    }

    #[test]
    fn periods_end_last_month() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap_or_default();
        let periods = report_periods(today);
        assert_eq!(periods.first().map(ToString::to_string).as_deref(), Some("2026-01"));
        assert_eq!(periods.last().map(ToString::to_string).as_deref(), Some("2026-10"));
    }
}
