//! 亮灯规则 (status rules), the roll-up by section and plan, and the 双过半
//! check, on SQLite and on PostgreSQL with a clock the test sets.

use anyhow::{Result, ensure};
use chrono::NaiveDate;
use qingdan_app::{
    App, AppError, Clock, ReportInput, ResponsibilityInput, ReviewInput, StatusRulesInput, TargetInput, TaskFilter,
    TaskInput,
};
use qingdan_domain::{Light, OrgId, PlanId, Role, StatusRules, TaskId, User};
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    a_target_sets_the_work_progress_from_its_actual => target_progress;
    changing_the_thresholds_changes_the_lights => thresholds_change_lights;
    a_task_past_its_deadline_and_not_done_is_overdue => overdue;
    progress_rolls_up_by_weight_to_sections_and_the_plan => roll_up;
    the_half_check_lists_tasks_orgs_and_sections => half_check;
    the_half_check_reads_weekly_reports_by_the_week_holding_the_date => weekly_half_check;
    only_an_admin_changes_the_thresholds => thresholds_admin_only;
    bad_thresholds_are_refused_in_chinese => bad_thresholds;
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or(NaiveDate::MIN)
}

/// The same database seen on another day.
fn on(w: &World, day: &str) -> App {
    App::new(w.app.store().clone(), Clock::fixed_on(d(day)))
}

fn report(period: &str, percent: u32, actuals: &[(i64, &str)]) -> ReportInput {
    ReportInput {
        period: period.into(),
        percent_done: percent.to_string(),
        narrative: "按计划推进".into(),
        problems: String::new(),
        next_steps: String::new(),
        actuals: actuals
            .iter()
            .map(|(t, a)| qingdan_app::ActualInput { target_id: t.to_string(), actual: (*a).into() })
            .collect(),
        confirmed: false,
    }
}

fn accept() -> ReviewInput {
    ReviewInput { decision: "accept".into(), comment: String::new(), revision: None }
}

fn rules(yellow: &str, red: &str) -> StatusRulesInput {
    StatusRulesInput { yellow_gap: yellow.into(), red_gap: red.into() }
}

/// A task (under `parent`; `(title, weight, deadline)`) led by `lead`.
async fn task(
    w: &World,
    plan: PlanId,
    parent: Option<TaskId>,
    (title, weight, deadline): (&str, &str, &str),
    lead: OrgId,
    targets: Vec<TargetInput>,
) -> Result<TaskId> {
    let input = TaskInput {
        parent_id: parent.map(|p| p.0),
        number: String::new(),
        title: title.into(),
        weight: weight.into(),
        deadline: deadline.into(),
        start_date: String::new(),
        targets,
        responsibility: None,
    };
    let id = w.app.create_task(&w.supervisor, plan, &input).await?;
    let responsibility = ResponsibilityInput {
        lead_leader_id: None,
        lead_org_id: Some(lead.0),
        supporting_org_ids: vec![],
        owner_id: None,
    };
    w.app.set_responsibility(&w.supervisor, id, &responsibility).await?;
    Ok(id)
}

/// Submits and accepts `reporter`'s report on `task`.
async fn reported(w: &World, reporter: &User, task: TaskId, input: &ReportInput) -> Result<()> {
    let id = w.app.submit_report(reporter, task, input).await?;
    w.app.review(&w.supervisor, id, &accept()).await?;
    Ok(())
}

async fn light_of(w: &World, task: TaskId) -> Result<(i64, Light)> {
    let t = w.app.task(&w.supervisor, task).await?.task;
    Ok((t.percent_done, t.light))
}

async fn target_progress(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-15").await?;
    let org = w.org("市工信局").await?;
    let reporter = w.user("gxj", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let target = TargetInput {
        metric: "规上工业增加值".into(),
        value: "120".into(),
        unit: "亿元".into(),
        comparator: "ge".into(),
        baseline: "100".into(),
        deadline: String::new(),
    };
    let with_target = task(&w, plan, None, ("规上工业增加值达到120亿元", "", "2021-12-31"), org, vec![target]).await?;
    let target_id = w.app.task_detail(&w.supervisor, with_target).await?.targets[0].id.0;
    let without = task(&w, plan, None, ("推进产业园建设", "", "2021-12-31"), org, vec![]).await?;

    // The reporter says 90%, but 110 of the way from 100 to 120 is half: the actual decides.
    reported(&w, &reporter, with_target, &report("2021-06", 90, &[(target_id, "110")])).await?;
    reported(&w, &reporter, without, &report("2021-06", 70, &[])).await?;
    ensure!(light_of(&w, with_target).await?.0 == 50, "target-based: {:?}", light_of(&w, with_target).await?);
    ensure!(light_of(&w, without).await?.0 == 70, "no target: the reported percent");
    // 2021-07-15: time progress 53; 50 is 3 behind (yellow by default), 70 is ahead (green).
    ensure!(light_of(&w, with_target).await?.1 == Light::Yellow);
    ensure!(light_of(&w, without).await?.1 == Light::Green);

    // A report without an actual leaves the target's actual in place, so the target still decides.
    reported(&w, &reporter, with_target, &report("2021-07", 95, &[])).await?;
    ensure!(light_of(&w, with_target).await?.0 == 50, "the June actual stays: {:?}", light_of(&w, with_target).await?);
    Ok(())
}

async fn thresholds_change_lights(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市住建局").await?;
    let reporter = w.user("zjj", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let a = task(&w, plan, None, ("改造老旧小区", "", "2021-12-31"), org, vec![]).await?;
    let b = task(&w, plan, None, ("建设保障房", "", "2021-12-31"), org, vec![]).await?;
    // 2021-07-01: time progress 49. a is 14 behind, b is 29 behind.
    reported(&w, &reporter, a, &report("2021-06", 35, &[])).await?;
    reported(&w, &reporter, b, &report("2021-06", 20, &[])).await?;
    ensure!(light_of(&w, a).await?.1 == Light::Yellow && light_of(&w, b).await?.1 == Light::Red, "defaults 0/20");
    ensure!(w.app.status_rules(&w.supervisor).await? == StatusRules::default());

    let changed = w.app.set_status_rules(&w.admin, &rules("15", "30")).await?;
    ensure!(changed == 2, "both lights change: {changed}");
    ensure!(light_of(&w, a).await?.1 == Light::Green, "14 behind is within 15");
    ensure!(light_of(&w, b).await?.1 == Light::Yellow, "29 behind is within 30");
    let counts = w.app.plan_overview(&w.supervisor, plan, &TaskFilter::default()).await?.counts;
    ensure!(counts.green == 1 && counts.yellow == 1 && counts.red == 0, "counts follow at once: {counts:?}");

    w.app.set_status_rules(&w.admin, &rules("5", "10")).await?;
    ensure!(light_of(&w, a).await?.1 == Light::Red && light_of(&w, b).await?.1 == Light::Red);
    // A report accepted later is lit under the tenant's rules too: 42 is 7 behind, yellow under 5/10.
    reported(&w, &reporter, a, &report("2021-07", 42, &[])).await?;
    ensure!(light_of(&w, a).await?.1 == Light::Yellow, "{:?}", light_of(&w, a).await?);
    // The daily refresh on another day keeps using them.
    let later = on(&w, "2021-08-01");
    later.refresh_lights(w.tenant).await?;
    ensure!(light_of(&w, a).await?.1 == Light::Red, "2021-08-01: time 58, 42 is 16 behind");

    let trail = w.app.store().audit_trail(w.tenant, "status_rules", w.tenant.0).await?;
    ensure!(trail.len() == 2 && trail.iter().all(|e| e.user_id == Some(w.admin.id)), "audited: {trail:?}");
    ensure!(trail[0].after.as_deref().is_some_and(|a| a.contains("\"red_gap\":30")), "{:?}", trail[0].after);
    Ok(())
}

async fn overdue(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-06-30").await?;
    let org = w.org("市交通局").await?;
    let reporter = w.user("jtj", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let late = task(&w, plan, None, ("完成国道改线", "", "2021-06-30"), org, vec![]).await?;
    let done = task(&w, plan, None, ("开通公交线路", "", "2021-06-30"), org, vec![]).await?;
    reported(&w, &reporter, late, &report("2021-06", 95, &[])).await?;
    reported(&w, &reporter, done, &report("2021-06", 100, &[])).await?;
    ensure!(light_of(&w, late).await?.1 == Light::Yellow, "on the deadline: 5 behind");

    let next_day = on(&w, "2021-07-01");
    ensure!(next_day.refresh_lights(w.tenant).await? == 1);
    ensure!(light_of(&w, late).await?.1 == Light::Overdue, "the day after: 逾期");
    ensure!(light_of(&w, done).await?.1 == Light::Done);
    let filter = TaskFilter { light: Some("overdue".into()), ..TaskFilter::default() };
    let o = next_day.plan_overview(&w.supervisor, plan, &filter).await?;
    ensure!(o.counts.overdue == 1 && o.counts.red == 0 && o.counts.total() == 2, "{:?}", o.counts);
    ensure!(o.tasks.items.iter().map(|i| i.task.id).collect::<Vec<_>>() == [late]);
    Ok(())
}

async fn roll_up(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let growth = task(&w, plan, None, ("稳增长", "3", "2021-12-31"), org, vec![]).await?;
    let heavy = task(&w, plan, Some(growth), ("重大项目投资", "3", "2021-12-31"), org, vec![]).await?;
    let small = task(&w, plan, Some(growth), ("小微企业帮扶", "1", "2021-12-31"), org, vec![]).await?;
    let green = task(&w, plan, None, ("生态环保", "1", "2021-12-31"), org, vec![]).await?;
    let river = task(&w, plan, Some(green), ("河道治理", "", "2021-12-31"), org, vec![]).await?;

    reported(&w, &reporter, heavy, &report("2021-06", 60, &[])).await?;
    reported(&w, &reporter, small, &report("2021-06", 20, &[])).await?;
    reported(&w, &reporter, river, &report("2021-06", 10, &[])).await?;
    // 稳增长: (3×60 + 1×20) / 4 = 50; 生态环保: 10.
    let p = w.app.plan_progress(&leader(&w).await?, plan).await?;
    let sections: Vec<(TaskId, i64, i64, Light)> =
        p.sections.iter().map(|s| (s.id, s.percent, s.time_percent, s.light)).collect();
    ensure!(
        sections == [(growth, 50, 49, Light::Green), (green, 10, 49, Light::Red)],
        "sections by weight, lit by the same rule: {sections:?}"
    );
    // The plan: sections weighted 3 and 1: (3×50 + 1×10) / 4 = 40; time 49; 9 behind: yellow.
    ensure!((p.percent, p.time_percent, p.light) == (40, 49, Light::Yellow), "{p:?}");
    ensure!(light_of(&w, growth).await? == (50, Light::Green), "the stored section figure agrees");

    // After the year every section is past its deadline and the plan is overdue.
    let next_year = on(&w, "2022-01-05").plan_progress(&w.supervisor, plan).await?;
    ensure!(next_year.light == Light::Overdue && next_year.sections.iter().all(|s| s.light == Light::Overdue));
    ensure!(matches!(w.app.plan_progress(&reporter, plan).await, Err(AppError::Forbidden)));
    Ok(())
}

async fn half_check(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-20").await?;
    let energy = w.org("市能源局").await?;
    let culture = w.org("市文旅局").await?;
    let e = w.user("energy", Role::Reporter, energy).await?;
    let c = w.user("culture", Role::Reporter, culture).await?;
    let plan = w.plan().await?;
    let s1 = task(&w, plan, None, ("能源保障", "", "2021-12-31"), energy, vec![]).await?;
    let s2 = task(&w, plan, None, ("文旅融合", "", "2021-12-31"), culture, vec![]).await?;
    let wells = task(&w, plan, Some(s1), ("新增钻井", "", "2021-12-31"), energy, vec![]).await?;
    let grid = task(&w, plan, Some(s1), ("电网改造", "", "2021-12-31"), energy, vec![]).await?;
    let target = TargetInput {
        metric: "游客人次".into(),
        value: "1000".into(),
        unit: "万人次".into(),
        comparator: "ge".into(),
        baseline: String::new(),
        deadline: String::new(),
    };
    let tourists = task(&w, plan, Some(s2), ("接待游客1000万人次", "", "2021-12-31"), culture, vec![target]).await?;
    let target_id = w.app.task_detail(&w.supervisor, tourists).await?.targets[0].id.0;
    // Due at the end of next year: on 06-30 its time is 25, not past half.
    let late = task(&w, plan, Some(s1), ("管网更新", "", "2022-12-31"), energy, vec![]).await?;

    reported(&w, &e, wells, &report("2021-06", 60, &[])).await?;
    // July's 90 comes after the check date and must not count.
    reported(&w, &e, wells, &report("2021-07", 90, &[])).await?;
    reported(&w, &e, grid, &report("2021-05", 30, &[])).await?;
    reported(&w, &e, late, &report("2021-06", 40, &[])).await?;
    // The reporter says 10%, the actual says 700 of 1000.
    reported(&w, &c, tourists, &report("2021-06", 10, &[(target_id, "700")])).await?;

    let check = w.app.half_check(&w.supervisor, plan, None).await?;
    ensure!(check.date == d("2021-06-30"));
    let rows = |lines: &[qingdan_app::HalfCheckLine]| -> Vec<(i64, i64, i64, bool)> {
        lines.iter().map(|l| (l.id, l.time_percent, l.work_percent, l.passed)).collect()
    };
    ensure!(
        rows(&check.tasks)
            == [(wells.0, 50, 60, true), (tourists.0, 50, 70, true), (grid.0, 50, 30, false), (late.0, 25, 40, false)],
        "tasks: {:?}",
        rows(&check.tasks)
    );
    // Energy over its three tasks: time (50 + 50 + 25) / 3 = 41, work (60 + 30 + 40) / 3 = 43.
    ensure!(
        rows(&check.orgs) == [(culture.0, 50, 70, true), (energy.0, 41, 43, false)],
        "orgs: {:?}",
        rows(&check.orgs)
    );
    ensure!(check.orgs[1].tasks == 3 && check.orgs[1].tasks_passed == 1);
    // Sections take their own dates and their tasks' work rolled up.
    ensure!(
        rows(&check.sections) == [(s2.0, 50, 70, true), (s1.0, 50, 43, false)],
        "sections: {:?}",
        rows(&check.sections)
    );

    // Another date: at the end of May, July's and June's reports do not count yet.
    let may = w.app.half_check(&w.supervisor, plan, Some("2021-05-31")).await?;
    ensure!(may.tasks.iter().all(|l| !l.passed) && may.tasks.iter().any(|l| l.id == grid.0 && l.work_percent == 30));
    ensure!(may.tasks.iter().any(|l| l.id == wells.0 && l.work_percent == 0));
    let bad = w.app.half_check(&w.supervisor, plan, Some("6月30日")).await.err();
    ensure!(
        matches!(&bad, Some(AppError::Invalid(i)) if i.errors[0].field == "date" && i.errors[0].message.contains("检查日期")),
        "{bad:?}"
    );

    // A reporter sees their own org's tasks and row, and no sections.
    let own = w.app.half_check(&e, plan, None).await?;
    ensure!(
        rows(&own.tasks) == [(wells.0, 50, 60, true), (grid.0, 50, 30, false), (late.0, 25, 40, false)],
        "{:?}",
        rows(&own.tasks)
    );
    ensure!(own.orgs.len() == 1 && own.orgs[0].id == energy.0 && own.sections.is_empty());
    let leader = leader(&w).await?;
    ensure!(w.app.half_check(&leader, plan, None).await?.sections.len() == 2);
    Ok(())
}

async fn weekly_half_check(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-08").await?;
    let org = w.org("市商务局").await?;
    let reporter = w.user("swj", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let weekly =
        qingdan_app::ScheduleInput { cycle: "weekly".into(), due_day: "5".into(), remind_days_before: "1".into() };
    w.app.set_reporting_schedule(&w.supervisor, plan, &weekly).await?;
    let t = task(&w, plan, None, ("社会消费品零售总额增长7%", "", "2021-12-31"), org, vec![]).await?;
    // W25 is 06-21..06-27, W26 06-28..07-04 (holds 06-30), W27 07-05..07-11.
    for (week, percent) in [("2021-W25", 40), ("2021-W26", 55), ("2021-W27", 90)] {
        reported(&w, &reporter, t, &report(week, percent, &[])).await?;
    }
    let check = w.app.half_check(&w.supervisor, plan, None).await?;
    let line = check.tasks.first().map(|l| (l.work_percent, l.passed));
    ensure!(line == Some((55, true)), "the week holding 06-30, not W27: {line:?}");
    let earlier = w.app.half_check(&w.supervisor, plan, Some("2021-06-27")).await?;
    ensure!(earlier.tasks.first().map(|l| l.work_percent) == Some(40), "{:?}", earlier.tasks);
    Ok(())
}

async fn thresholds_admin_only(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市教育局").await?;
    let reporter = w.user("jyj", Role::Reporter, org).await?;
    let leader = leader(&w).await?;
    for user in [&reporter, &leader, &w.supervisor] {
        let err = w.app.set_status_rules(user, &rules("10", "30")).await.err();
        ensure!(matches!(err, Some(AppError::Forbidden)), "{:?} may not change them: {err:?}", user.role);
    }
    ensure!(w.app.status_rules(&reporter).await? == StatusRules::default(), "nothing changed");
    ensure!(w.app.status_rules_settings(&w.supervisor).await.is_ok(), "a supervisor reads the settings");
    for user in [&reporter, &leader] {
        ensure!(matches!(w.app.status_rules_settings(user).await, Err(AppError::Forbidden)));
    }
    ensure!(w.app.store().audit_trail(w.tenant, "status_rules", w.tenant.0).await?.is_empty());
    Ok(())
}

async fn bad_thresholds(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let cases = [
        (rules("", "20"), "yellow_gap", "黄灯阈值"),
        (rules("5", "abc"), "red_gap", "红灯阈值"),
        (rules("-1", "20"), "yellow_gap", "黄灯阈值"),
        (rules("0", "101"), "red_gap", "红灯阈值"),
        (rules("30", "20"), "red_gap", "红灯阈值不能小于黄灯阈值"),
    ];
    for (input, field, message) in cases {
        let err = w.app.set_status_rules(&w.admin, &input).await.err();
        ensure!(
            matches!(&err, Some(AppError::Invalid(i)) if i.errors.iter().any(|e| e.field == field && e.message.contains(message))),
            "{input:?}: {err:?}"
        );
    }
    ensure!(w.app.status_rules(&w.admin).await? == StatusRules::default(), "nothing was saved");
    Ok(())
}

/// A leader of the tenant, in the office's org.
async fn leader(w: &World) -> Result<User> {
    w.user("leader", Role::Leader, w.admin.org_id).await
}
