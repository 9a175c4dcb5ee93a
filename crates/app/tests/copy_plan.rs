//! 沿用清单, on SQLite and on PostgreSQL: in December the office makes next
//! year's plan from this year's. The copy keeps the tree, the targets, the
//! 责任分工 of the orgs and people still in service and the 报送安排, moves
//! every date a year on, and starts with no reports and no progress; the
//! 回收站 stays behind and the source is left as it was. Only the office
//! copies, only its own tenant's plans, and a copy that fails halfway leaves
//! no plan at all.

use anyhow::{Result, bail, ensure};
use chrono::NaiveDate;
use qingdan_app::{
    ActualInput, AppError, PlanInput, ReportInput, ResponsibilityInput, ReviewInput, ScheduleInput, TargetInput,
    TaskInput,
};
use qingdan_domain::{OrgId, PlanId, PlanStatus, ReportingCycle, Role, Target, TaskId, User};
use qingdan_storage::{TaskListItem, TaskQuery};
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    next_years_plan_keeps_the_list_and_its_people_and_starts_afresh => copied_list;
    only_the_office_copies_and_only_a_plan_of_its_own_tenant => refusals;
    a_copy_that_fails_halfway_leaves_no_plan => all_or_nothing;
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap_or(NaiveDate::MIN)
}

/// The 2026 list: 一、 over （一） (two leaves) and （二） (one leaf, deleted
/// to the 回收站 with its section), and 二、 over one leaf due on 29 February
/// 2028; reports accepted on the leaves; reported quarterly; archived.
struct Source {
    w: World,
    plan: PlanId,
    lead: OrgId,
    helper: OrgId,
    leader: User,
    owner: User,
}

struct Line<'a> {
    parent: Option<TaskId>,
    number: &'a str,
    title: &'a str,
    weight: &'a str,
    start: &'a str,
    deadline: &'a str,
    targets: Vec<TargetInput>,
}

async fn add(w: &World, plan: PlanId, line: Line<'_>) -> Result<TaskId> {
    let input = TaskInput {
        parent_id: line.parent.map(|p| p.0),
        number: line.number.into(),
        title: line.title.into(),
        weight: line.weight.into(),
        deadline: line.deadline.into(),
        start_date: line.start.into(),
        targets: line.targets,
        responsibility: None,
    };
    Ok(w.app.create_task(&w.supervisor, plan, &input).await?)
}

fn target(metric: &str, value: &str, unit: &str, comparator: &str, baseline: &str, deadline: &str) -> TargetInput {
    TargetInput {
        metric: metric.into(),
        value: value.into(),
        unit: unit.into(),
        comparator: comparator.into(),
        baseline: baseline.into(),
        deadline: deadline.into(),
    }
}

fn section<'a>(parent: Option<TaskId>, number: &'a str, title: &'a str) -> Line<'a> {
    Line { parent, number, title, weight: "1", start: "", deadline: "2026-12-31", targets: Vec::new() }
}

async fn source(backend: Backend) -> Result<Source> {
    let w = World::new(backend, "2026-12-10").await?;
    let lead = w.org("市发改委").await?;
    let helper = w.org("市财政局").await?;
    let closed = w.org("市粮食局").await?;
    let office = w.org("市政府办").await?;
    let leader = w.user("fushizhang", Role::Leader, office).await?;
    let owner = w.user("fgw.wang", Role::Reporter, lead).await?;
    let plan = w.plan().await?;
    let quarterly = ScheduleInput { cycle: "quarterly".into(), due_day: "20".into(), remind_days_before: "5".into() };
    w.app.set_reporting_schedule(&w.supervisor, plan, &quarterly).await?;

    let one = add(&w, plan, section(None, "一、", "着力稳增长")).await?;
    let first = add(&w, plan, section(Some(one), "（一）", "扩大有效投资")).await?;
    let build = Line {
        parent: Some(first),
        number: "1.",
        title: "新建5G基站1200个",
        weight: "2",
        start: "2026-03-01",
        deadline: "2026-12-31",
        targets: vec![
            target("新建5G基站", "1200", "个", "ge", "", "2026-10-31"),
            target("5G覆盖率", "95", "%", "ge", "88.5", ""),
        ],
    };
    let build = add(&w, plan, build).await?;
    let loans = Line {
        parent: Some(first),
        number: "2.",
        title: "专项债券额度控制在45亿元以内",
        weight: "1.5",
        start: "",
        deadline: "2026-06-30",
        targets: vec![target("专项债券", "45", "亿元", "le", "", "")],
    };
    let loans = add(&w, plan, loans).await?;
    let second = add(&w, plan, section(Some(one), "（二）", "已撤销的事项")).await?;
    let gone = Line {
        targets: vec![target("撤销指标", "1", "项", "eq", "", "")],
        ..section(Some(second), "1.", "撤销任务")
    };
    add(&w, plan, gone).await?;
    let two = add(&w, plan, section(None, "二、", "持续惠民生")).await?;
    let homes = Line {
        parent: Some(two),
        number: "1.",
        title: "改造老旧小区80个",
        weight: "1",
        start: "2026-01-01",
        deadline: "2028-02-29",
        targets: vec![target("改造老旧小区", "80", "个", "approx", "20", "2028-02-29")],
    };
    let homes = add(&w, plan, homes).await?;

    let full = ResponsibilityInput {
        lead_leader_id: Some(leader.id.0),
        lead_org_id: Some(lead.0),
        supporting_org_ids: vec![helper.0, closed.0],
        owner_id: Some(owner.id.0),
    };
    for task in [build, loans, homes] {
        w.app.set_responsibility(&w.supervisor, task, &full).await?;
    }
    let s = Source { w, plan, lead, helper, leader, owner };
    s.accept(build, "2026-Q3", 60).await?;
    s.accept(loans, "2026-Q2", 100).await?;
    s.accept(homes, "2026-Q3", 40).await?;
    s.w.app.delete_task(&s.w.supervisor, second).await?;
    s.w.app.set_org_active(&s.w.admin, closed, false).await?;
    s.w.app.archive_plan(&s.w.supervisor, plan, true).await?;
    Ok(s)
}

impl Source {
    async fn accept(&self, task: TaskId, period: &str, percent: u32) -> Result<()> {
        let actuals = self
            .w
            .app
            .store()
            .targets(self.w.tenant, task)
            .await?
            .iter()
            .map(|t| ActualInput { target_id: t.id.0.to_string(), actual: "30".into() })
            .collect();
        let input = ReportInput {
            period: period.into(),
            percent_done: percent.to_string(),
            narrative: "按计划推进".into(),
            actuals,
            ..ReportInput::default()
        };
        let id = self.w.app.submit_report(&self.owner, task, &input).await?;
        let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
        Ok(self.w.app.review(&self.w.supervisor, id, &accept).await?)
    }

    fn input(&self, copy_from: &str) -> PlanInput {
        PlanInput { year: "2027".into(), title: "2027年重点任务".into(), copy_from: copy_from.into() }
    }
}

/// Every task of a plan in tree order, with its targets and its reports' count.
async fn tree(w: &World, plan: PlanId) -> Result<Vec<(TaskListItem, Vec<Target>, usize)>> {
    let store = w.app.store();
    let page = store.tasks_page(&TaskQuery::whole_plan(w.tenant, plan, 200)).await?;
    let mut out = Vec::new();
    for item in page {
        let targets = store.targets(w.tenant, item.task.id).await?;
        let reports = store.task_reports(w.tenant, item.task.id).await?.len();
        out.push((item, targets, reports));
    }
    Ok(out)
}

/// A task's place and words: depth, its parent's number, number, title, weight.
fn shape(all: &[(TaskListItem, Vec<Target>, usize)]) -> Vec<(i32, String, String, String, String)> {
    let number_of = |id: Option<TaskId>| {
        all.iter().find(|(t, ..)| Some(t.task.id) == id).map(|(t, ..)| t.task.number.clone()).unwrap_or_default()
    };
    all.iter()
        .map(|(t, ..)| {
            let t = &t.task;
            (t.depth, number_of(t.parent_id), t.number.clone(), t.title.clone(), t.weight.to_string())
        })
        .collect()
}

async fn copied_list(backend: Backend) -> Result<()> {
    let s = source(backend).await?;
    let w = &s.w;
    let before = tree(w, s.plan).await?;
    ensure!(before.len() == 6, "the 回收站's two tasks are out of the source: {}", before.len());
    ensure!(before.iter().map(|(_, _, r)| r).sum::<usize>() == 3, "three accepted reports");

    let created = w.app.create_plan_copying(&w.supervisor, &s.input(&s.plan.0.to_string())).await?;
    let copied = created.copied.as_ref().map(|c| (c.source.id, c.tasks));
    ensure!(copied == Some((s.plan, 6)), "{copied:?}");
    let plan = created.plan;
    ensure!((plan.year, plan.status) == (2027, PlanStatus::Published), "a working plan, not archived: {plan:?}");

    let after = tree(w, plan.id).await?;
    ensure!(shape(&after) == shape(&before), "same tree:\n{:?}\n{:?}", shape(&after), shape(&before));
    ensure!(!after.iter().any(|(t, ..)| t.task.title.contains("撤销")), "nothing of the 回收站");
    let rules = w.app.store().status_rules(w.tenant).await?;
    for ((new, new_targets, reports), (old, old_targets, _)) in after.iter().zip(&before) {
        let (new, old) = (&new.task, &old.task);
        ensure!(new.plan_id == plan.id && *reports == 0, "{}: no reports", new.title);
        ensure!(new.percent_done == 0, "{}: no progress, {}", new.title, new.percent_done);
        ensure!(new.light == rules.light(0, new.start_date, new.deadline, w.today), "{}: lit as new", new.title);
        let start = if old.start_date == day("2026-01-01") { day("2027-01-01") } else { day("2027-03-01") };
        ensure!(new.start_date == start, "{}: starts {}", new.title, new.start_date);
        let targets = |ts: &[Target]| -> Vec<_> {
            ts.iter().map(|t| (t.metric.clone(), t.value, t.unit.clone(), t.comparator, t.baseline)).collect()
        };
        ensure!(targets(new_targets) == targets(old_targets), "{}: same targets", new.title);
        ensure!(new_targets.iter().all(|t| t.actual.is_none()), "{}: no actuals", new.title);
    }
    let deadlines = |all: &[(TaskListItem, Vec<Target>, usize)]| -> Vec<(String, Vec<Option<NaiveDate>>)> {
        all.iter().map(|(t, ts, _)| (t.task.deadline.to_string(), ts.iter().map(|g| g.deadline).collect())).collect()
    };
    let expected = [
        ("2027-12-31", vec![]),
        ("2027-12-31", vec![]),
        ("2027-12-31", vec![Some(day("2027-10-31")), None]),
        ("2027-06-30", vec![None]),
        ("2027-12-31", vec![]),
        ("2029-02-28", vec![Some(day("2029-02-28"))]),
    ];
    let expected: Vec<_> = expected.into_iter().map(|(d, ts)| (d.to_owned(), ts)).collect();
    ensure!(deadlines(&after) == expected, "{:?}", deadlines(&after));

    for (item, ..) in after.iter().filter(|(t, ..)| t.task.depth > 0 && t.task.number != "（一）") {
        let r = &item.task.responsibility;
        ensure!(r.lead_org_id == Some(s.lead) && r.lead_leader_id == Some(s.leader.id), "{}: {r:?}", item.task.title);
        ensure!(r.owner_id == Some(s.owner.id), "{}: {r:?}", item.task.title);
        ensure!(r.supporting_org_ids == [s.helper], "the disabled 市粮食局 is dropped: {r:?}");
    }
    let schedule = w.app.reporting_schedule(&w.supervisor, plan.id).await?;
    ensure!(!schedule.is_default && schedule.schedule.cycle == ReportingCycle::Quarterly, "{:?}", schedule.schedule);
    ensure!((schedule.schedule.due_day, schedule.schedule.remind_days_before) == (20, 5));

    let trail = w.app.store().audit_trail(w.tenant, "plan", plan.id.0).await?;
    let said = trail.iter().find(|e| e.action == "create").and_then(|e| e.after.clone()).unwrap_or_default();
    ensure!(said.contains(&format!("\"copied_from\":{}", s.plan.0)) && said.contains("\"tasks\":6"), "{said}");

    let untouched = tree(w, s.plan).await?;
    let figures = |all: &[(TaskListItem, Vec<Target>, usize)]| -> Vec<_> {
        all.iter().map(|(t, ts, r)| (t.task.clone(), ts.clone(), *r)).collect()
    };
    ensure!(figures(&untouched) == figures(&before), "the source is as it was");
    let source = w.app.store().plan(w.tenant, s.plan).await?.map(|p| p.status);
    ensure!(source == Some(PlanStatus::Archived), "{source:?}");
    Ok(())
}

async fn refusals(backend: Backend) -> Result<()> {
    let s = source(backend).await?;
    let w = &s.w;
    let working = w.app.store().plans(w.tenant).await?.len();
    let reporter = s.owner.clone();
    for user in [&reporter, &s.leader, &w.admin] {
        match w.app.create_plan_copying(user, &s.input(&s.plan.0.to_string())).await {
            Err(AppError::Forbidden) => {}
            other => bail!("{:?} copied a plan: {other:?}", user.role),
        }
        ensure!(w.app.copy_sources(user).await.is_err(), "{:?} sees no plans to copy", user.role);
    }

    let stranger = w.stranger(Role::Supervisor).await?;
    let theirs = PlanInput { year: "2027".into(), title: "邻县2027年".into(), copy_from: s.plan.0.to_string() };
    let trash = w.app.store().trash_plan(w.tenant).await?;
    let refused = [
        (&stranger, theirs),
        (&w.supervisor, s.input("999999")),
        (&w.supervisor, s.input("第一个")),
        (&w.supervisor, s.input(&trash.0.to_string())),
        // Into its own year or an earlier one: every report of it owed again at once.
        (&w.supervisor, PlanInput { year: "2026".into(), ..s.input(&s.plan.0.to_string()) }),
        (&w.supervisor, PlanInput { year: "2025".into(), ..s.input(&s.plan.0.to_string()) }),
    ];
    for (user, input) in refused {
        match w.app.create_plan_copying(user, &input).await {
            Err(AppError::Invalid(invalid)) => {
                let fields: Vec<_> = invalid.errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
                ensure!(fields.len() == 1 && fields[0].0 == "copy_from", "{fields:?}");
                ensure!(fields[0].1.starts_with("沿用清单："), "the message names the field: {fields:?}");
            }
            other => bail!("copy_from {:?} was not refused: {other:?}", input.copy_from),
        }
    }
    let sources = w.app.copy_sources(&stranger).await?;
    ensure!(sources.is_empty(), "another tenant's plans are not offered: {}", sources.len());
    ensure!(w.app.store().plans(stranger.tenant_id).await?.is_empty(), "no plan made in 邻县");
    ensure!(w.app.store().plans(w.tenant).await?.len() == working, "no plan made here");

    let offered = w.app.copy_sources(&w.supervisor).await?;
    let offered: Vec<_> = offered.iter().map(|o| (o.plan.id, o.tasks)).collect();
    ensure!(offered == [(s.plan, 6)], "the archived plan with its six tasks, the 回收站 not: {offered:?}");
    Ok(())
}

async fn all_or_nothing(backend: Backend) -> Result<()> {
    let s = source(backend).await?;
    let w = &s.w;
    // Behind the app's back: the database refuses the last target copied.
    let refuse = match backend {
        Backend::Sqlite => {
            "CREATE TRIGGER refuse_copy BEFORE INSERT ON targets WHEN NEW.metric = '改造老旧小区' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION refuse_copy() RETURNS trigger AS $$ BEGIN \
             IF NEW.metric = '改造老旧小区' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_copy BEFORE INSERT ON targets FOR EACH ROW EXECUTE FUNCTION refuse_copy();"
        }
    };
    w.db.execute_raw(refuse).await?;
    let tasks_before = w.app.store().plan_task_counts(w.tenant).await?;
    let audited = w.app.store().audit_count(w.tenant).await?;
    let outcome = w.app.create_plan_copying(&w.supervisor, &s.input(&s.plan.0.to_string())).await;
    ensure!(outcome.is_err(), "the copy failed: {outcome:?}");
    ensure!(w.app.store().plans(w.tenant).await?.is_empty(), "no 2027 plan, the 2026 one archived");
    ensure!(w.app.store().plan_task_counts(w.tenant).await? == tasks_before, "no copied task left");
    ensure!(w.app.store().audit_count(w.tenant).await? == audited, "nothing audited of it");
    Ok(())
}
