//! 挂图作战 (the battle map), on SQLite and on PostgreSQL.

use anyhow::{Result, ensure};
use qingdan_app::{App, AppError, ChannelInput, Clock, ReportInput, ResponsibilityInput, ReviewInput, TaskInput};
use qingdan_domain::{Light, OrgId, PlanId, Role, TaskId, User};
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    the_battle_map_counts_working_tasks_by_section_org_and_leader => breakdowns;
    the_trend_recounts_past_months_from_accepted_reports => trend;
    only_leaders_and_the_office_see_the_battle_map_of_their_own_tenant => permissions;
    the_bulletin_gives_the_periods_lights_red_tasks_and_late_orgs => bulletin;
    a_past_periods_bulletin_stands_on_that_periods_last_day => past_bulletin;
    tasks_turning_red_alert_their_lead_orgs_once => red_alerts;
}

/// Two sections: 一、 with 1. (org A, leader 李) and 2. (org B); 二、 with 1. (org A).
struct Plan {
    plan: PlanId,
    sections: [TaskId; 2],
    leaves: [TaskId; 3],
    a: User,
    b: User,
    leader: User,
}

async fn plan(w: &World) -> Result<Plan> {
    let (org_a, org_b) = (w.org("市发改委").await?, w.org("市住建局").await?);
    let a = w.user("fgw", Role::Reporter, org_a).await?;
    let b = w.user("zjj", Role::Reporter, org_b).await?;
    let leader = w.user("li", Role::Leader, org_a).await?;
    let plan = w.plan().await?;
    let one = task(w, plan, None, "一、", "稳增长").await?;
    let two = task(w, plan, None, "二、", "惠民生").await?;
    let leaves = [
        task(w, plan, Some(one), "1.", "地区生产总值增长6%").await?,
        task(w, plan, Some(one), "2.", "改造老旧小区120个").await?,
        task(w, plan, Some(two), "1.", "新增就业岗位2万个").await?,
    ];
    assign(w, leaves[0], org_a, Some(&leader)).await?;
    assign(w, leaves[1], org_b, None).await?;
    assign(w, leaves[2], org_a, None).await?;
    Ok(Plan { plan, sections: [one, two], leaves, a, b, leader })
}

async fn task(w: &World, plan: PlanId, parent: Option<TaskId>, number: &str, title: &str) -> Result<TaskId> {
    let input = TaskInput {
        parent_id: parent.map(|p| p.0),
        number: number.into(),
        title: title.into(),
        weight: String::new(),
        deadline: format!("{}-12-31", chrono::Datelike::year(&w.today)),
        start_date: String::new(),
        targets: vec![],
        responsibility: None,
    };
    Ok(w.app.create_task(&w.supervisor, plan, &input).await?)
}

async fn assign(w: &World, task: TaskId, org: OrgId, leader: Option<&User>) -> Result<()> {
    let input = ResponsibilityInput {
        lead_leader_id: leader.map(|l| l.id.0),
        lead_org_id: Some(org.0),
        supporting_org_ids: vec![],
        owner_id: None,
    };
    Ok(w.app.set_responsibility(&w.supervisor, task, &input).await?)
}

/// Submits `percent` for `period` with `problems`, and accepts it.
async fn reported(w: &World, by: &User, task: TaskId, period: &str, percent: u32, problems: &str) -> Result<()> {
    let input = ReportInput {
        period: period.into(),
        percent_done: percent.to_string(),
        narrative: "按计划推进".into(),
        problems: problems.into(),
        next_steps: String::new(),
        actuals: vec![],
        confirmed: false,
    };
    let id = w.app.submit_report(by, task, &input).await?;
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    Ok(w.app.review(&w.supervisor, id, &accept).await?)
}

async fn breakdowns(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let p = plan(&w).await?;
    w.app.refresh_lights(w.tenant).await?;
    let before = w.app.dashboard(&p.leader, p.plan).await?;
    ensure!(before.totals.total() == 3, "only the three working tasks count, not the sections");

    // Half the year is gone: 60% is on time, 40% behind, 5% far behind.
    reported(&w, &p.a, p.leaves[0], "2026-06", 60, "").await?;
    reported(&w, &p.b, p.leaves[1], "2026-06", 5, "征地拆迁受阻，资金未到位").await?;
    reported(&w, &p.a, p.leaves[2], "2026-06", 40, "").await?;
    let map = w.app.dashboard(&p.leader, p.plan).await?;
    let t = &map.totals;
    ensure!((t.of(Light::Green), t.of(Light::Yellow), t.of(Light::Red)) == (1, 1, 1), "totals {t:?}");
    ensure!(t.alarms() == 1, "red and overdue are the alarms");

    let sections: Vec<(Option<i64>, i64, i64, i64)> = map
        .by_section
        .iter()
        .map(|s| (s.id, s.tally.of(Light::Green), s.tally.of(Light::Yellow), s.tally.of(Light::Red)))
        .collect();
    ensure!(sections == [(Some(p.sections[0].0), 1, 0, 1), (Some(p.sections[1].0), 0, 1, 0)], "{sections:?}");
    ensure!(map.by_section[0].name == "一、稳增长", "{}", map.by_section[0].name);

    let orgs: Vec<(&str, i64)> = map.by_org.iter().map(|g| (g.name.as_str(), g.tally.total())).collect();
    ensure!(orgs == [("市住建局", 1), ("市发改委", 2)], "the org with a red task comes first: {orgs:?}");
    ensure!(map.by_org[1].tally.average_percent() == Some(50.0), "(60 + 40) / 2: {:?}", map.by_org[1].tally);
    let leaders: Vec<(&str, i64)> = map.by_leader.iter().map(|g| (g.name.as_str(), g.tally.total())).collect();
    ensure!(leaders == [("未指定", 2), ("li", 1)], "{leaders:?}");

    ensure!(map.red_list.len() == 1 && map.red_list[0].id == p.leaves[1], "{:?}", map.red_list);
    ensure!(map.red_list[0].problems == "征地拆迁受阻，资金未到位");
    ensure!(map.red_list[0].lead_org.as_deref() == Some("市住建局"));
    // The plan turns quarterly and a late first-quarter report is accepted:
    // June's problems stand (2026-Q1 ends before June, though its text sorts after).
    let quarterly =
        qingdan_app::ScheduleInput { cycle: "quarterly".into(), due_day: "5".into(), remind_days_before: "1".into() };
    w.app.set_reporting_schedule(&w.supervisor, p.plan, &quarterly).await?;
    reported(&w, &p.b, p.leaves[1], "2026-Q1", 3, "一季度的问题").await?;
    let map = w.app.dashboard(&p.leader, p.plan).await?;
    ensure!(map.red_list[0].problems == "征地拆迁受阻，资金未到位", "{:?}", map.red_list[0].problems);
    let history = w.app.task_detail(&p.b, p.leaves[1]).await?.reports;
    let periods: Vec<String> = history.iter().map(|r| r.period.to_string()).collect();
    ensure!(periods == ["2026-06", "2026-Q1"], "newest period first: {periods:?}");
    ensure!(map.trend.last().map(|(m, tally)| (m.as_str(), tally == t)) == Some(("2026-07", true)));
    Ok(())
}

async fn trend(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let p = plan(&w).await?;
    // March: 30% against about 24% of the year gone; the others report nothing.
    reported(&w, &p.a, p.leaves[0], "2026-03", 30, "").await?;
    reported(&w, &p.a, p.leaves[0], "2026-06", 60, "").await?;
    w.app.refresh_lights(w.tenant).await?;
    let map = w.app.dashboard(&w.supervisor, p.plan).await?;
    let months: Vec<&str> = map.trend.iter().map(|(m, _)| m.as_str()).collect();
    ensure!(months == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"], "{months:?}");
    let month = |name: &str| map.trend.iter().find(|(m, _)| m == name).map(|(_, t)| t.clone()).unwrap_or_default();
    ensure!(month("2026-01").of(Light::Yellow) == 3, "in January nothing is done and little time is gone");
    ensure!(month("2026-03").of(Light::Green) == 1, "March: {:?}", month("2026-03"));
    ensure!(month("2026-02").of(Light::Green) == 0, "the March report does not count in February");
    ensure!(month("2026-03").total() == 3);

    // Past months are written once: a later day keeps them and adds its own month.
    let august = App::open(&w.db.url, Clock::fixed_on("2026-08-03".parse()?))
        .await?
        .with_network_policy(qingdan_testkit::loopback());
    august.refresh_lights(w.tenant).await?;
    let later = august.dashboard(&w.supervisor, p.plan).await?;
    ensure!(later.trend.len() == 8, "{:?}", later.trend);
    ensure!(later.trend[2] == map.trend[2], "March stays as recorded");
    Ok(())
}

async fn permissions(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let p = plan(&w).await?;
    ensure!(matches!(w.app.dashboard(&p.a, p.plan).await, Err(AppError::Forbidden)), "a reporter has 我的填报 instead");
    ensure!(w.app.dashboard(&p.leader, p.plan).await.is_ok());
    for admin in [&w.admin, &w.security, &w.auditor] {
        ensure!(w.app.dashboard(admin, p.plan).await.is_err(), "三员: {} reads no list", admin.username);
    }

    let stranger = w.stranger(Role::Leader).await?;
    let refused = w.app.dashboard(&stranger, p.plan).await;
    ensure!(
        matches!(refused, Err(AppError::NotFound(_))),
        "another tenant's plan does not exist for them: {refused:?}"
    );
    Ok(())
}

async fn bulletin(backend: Backend) -> Result<()> {
    // June's reports were due on 06-25 (the default: monthly, by the 25th); it is 07-01.
    let w = World::new(backend, "2026-07-01").await?;
    let p = plan(&w).await?;
    reported(&w, &p.a, p.leaves[0], "2026-06", 60, "").await?;
    reported(&w, &p.a, p.leaves[2], "2026-06", 40, "").await?;
    let june = "2026-06".parse().ok();
    let doc = w.app.bulletin(&w.supervisor, p.plan, june).await?;
    ensure!(doc.file_name == "工作进展通报-2026-06.docx", "{}", doc.file_name);
    let text = qingdan_office::docx_text(&doc.bytes)?;
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    ensure!(text.contains("关于2026年6月重点任务推进情况的通报"), "the year once: {text}");
    ensure!(text.contains("共有末级任务3项") && text.contains("红灯（严重滞后）1项"), "{text}");
    ensure!(lines.contains(&"市住建局\t1\t0\t0\t0\t1\t0\t0%"), "the org table: {lines:?}");
    ensure!(lines.iter().any(|l| l.ends_with("\t市发改委\t2\t0")), "two reports after the due date: {lines:?}");
    ensure!(lines.iter().any(|l| l.ends_with("\t市住建局\t0\t1")), "one report missing: {lines:?}");
    // Nothing accepted for it: the red list says so, not that nothing was sent.
    ensure!(
        lines.iter().any(|l| l.contains("改造老旧小区120个") && l.contains("暂无审核通过的报送")),
        "the red list: {lines:?}"
    );
    ensure!(text.contains("截至2026年6月30日，共有末级任务3项"), "the figures stand on June's last day: {text}");
    ensure!(text.contains("“双过半”情况"), "June holds 06-30: {text}");
    ensure!(text.contains("市政府督查室"), "signed by the office");

    let may = w.app.bulletin(&w.supervisor, p.plan, "2026-05".parse().ok()).await?;
    ensure!(!qingdan_office::docx_text(&may.bytes)?.contains("双过半"), "only June's bulletin has the mid-year check");
    ensure!(w.app.bulletin(&p.leader, p.plan, None).await.is_ok(), "a leader may download it");
    ensure!(matches!(w.app.bulletin(&p.a, p.plan, None).await, Err(AppError::Forbidden)), "a reporter may not");

    // A week of a monthly plan owed nothing, and 2027-03 and 2025-06 are not
    // of the 2026 plan: no bulletin, no 报送情况 names late orgs for them.
    for (period, code) in [
        ("2026-W23", "wrong_cycle"),
        ("2026-06-H1", "wrong_cycle"),
        ("2027-03", "other_year"),
        ("2025-06", "other_year"),
    ] {
        let period = period.parse().ok();
        let refused = |e: &AppError| matches!(e, AppError::Invalid(i) if i.errors[0].field == "period" && i.errors[0].code == code);
        let bulletin = w.app.bulletin(&w.supervisor, p.plan, period).await.err();
        ensure!(bulletin.as_ref().is_some_and(refused), "{period:?}: {bulletin:?}");
        let status = w.app.reporting_status(&w.supervisor, p.plan, period).await.err();
        ensure!(status.as_ref().is_some_and(refused), "{period:?}: {status:?}");
    }
    Ok(())
}

async fn past_bulletin(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-12-06").await?;
    let p = plan(&w).await?;
    reported(&w, &p.a, p.leaves[0], "2026-06", 20, "六月：征地未完成").await?;
    reported(&w, &p.a, p.leaves[0], "2026-11", 100, "").await?;
    reported(&w, &p.b, p.leaves[1], "2026-11", 95, "十一月：收尾").await?;
    let text = |period: &str| {
        let app = w.app.clone();
        let (user, plan, period) = (w.supervisor.clone(), p.plan, period.parse().ok());
        async move { anyhow::Ok(qingdan_office::docx_text(&app.bulletin(&user, plan, period).await?.bytes)?) }
    };

    // June as it stood on 06-30: nothing done, all three far behind half the year.
    let june = text("2026-06").await?;
    ensure!(
        june.contains("截至2026年6月30日，共有末级任务3项。其中，已完成0项，绿灯（正常推进）0项，黄灯（进度滞后）0项，红灯（严重滞后）3项"),
        "{june}"
    );
    let lines: Vec<&str> = june.lines().map(str::trim).collect();
    ensure!(
        lines.iter().any(|l| l.contains("地区生产总值增长6%") && l.contains("六月：征地未完成")),
        "June's problems, from June's report: {lines:?}"
    );
    ensure!(
        lines.iter().any(|l| l.contains("改造老旧小区120个") && l.contains("暂无审核通过的报送")),
        "nothing accepted for June yet: {lines:?}"
    );
    ensure!(!june.contains("十一月"), "November's report is not June's: {june}");

    // November on 11-30: one done, one at 95% on time, one untouched.
    let november = text("2026-11").await?;
    ensure!(
        november.contains("截至2026年11月30日，共有末级任务3项。其中，已完成1项，绿灯（正常推进）1项，黄灯（进度滞后）0项，红灯（严重滞后）1项"),
        "{november}"
    );
    ensure!(november.contains("市住建局\t1\t0\t1\t0\t0\t0\t95%"), "the org table on 11-30: {november}");
    Ok(())
}

async fn red_alerts(backend: Backend) -> Result<()> {
    // Created in January, a little behind: yellow.
    let w = World::new(backend, "2026-01-10").await?;
    let p = plan(&w).await?;
    let robot = ChannelInput {
        kind: "dingtalk".into(),
        name: "督查群".into(),
        // Nothing listens on port 9: the queued rows are all this test reads.
        webhook: "http://127.0.0.1:9/robot/send?access_token=t".into(),
        enabled: true,
        ..ChannelInput::default()
    };
    w.app.create_notification_channel(&w.admin, &robot).await?;
    let alerts = |app: App| {
        let admin = w.admin.clone();
        async move {
            let outbox = app.notification_outbox(&admin, 100).await?;
            anyhow::Ok(outbox.into_iter().filter(|n| n.event_key.starts_with("task-red:")).collect::<Vec<_>>())
        }
    };
    ensure!(alerts(w.app.clone()).await?.is_empty(), "nothing is red in January");

    // July: nothing reported, every working task turns red; one alert per lead org.
    let july = App::open(&w.db.url, Clock::fixed_on("2026-07-01".parse()?))
        .await?
        .with_network_policy(qingdan_testkit::loopback());
    ensure!(july.refresh_lights(w.tenant).await? >= 3);
    let sent = alerts(july.clone()).await?;
    ensure!(sent.len() == 2, "{sent:?}");
    let to_a = sent.iter().find(|n| n.title.contains("市发改委")).map(|n| n.body.clone()).unwrap_or_default();
    ensure!(
        to_a.contains("2项任务亮红灯") && to_a.contains("地区生产总值增长6%") && to_a.contains("新增就业岗位2万个"),
        "{to_a}"
    );
    ensure!(!to_a.contains("稳增长"), "sections are not alerted: {to_a}");
    // Again, and after a restart: the lights stand, nothing new.
    ensure!(july.refresh_lights(w.tenant).await? == 0);
    let restarted = App::open(&w.db.url, Clock::fixed_on("2026-07-01".parse()?))
        .await?
        .with_network_policy(qingdan_testkit::loopback());
    ensure!(restarted.refresh_lights(w.tenant).await? == 0 && alerts(restarted).await?.len() == 2);

    // A report brings a task back to green; a later one sends it red again: alerted at the review.
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    let report = |period: &str, percent: &str| ReportInput {
        period: period.into(),
        percent_done: percent.into(),
        narrative: "推进中".into(),
        problems: String::new(),
        next_steps: String::new(),
        actuals: vec![],
        confirmed: false,
    };
    let id = july.submit_report(&p.a, p.leaves[0], &report("2026-06", "60")).await?;
    july.review(&w.supervisor, id, &accept).await?;
    ensure!(alerts(july.clone()).await?.len() == 2, "green is no alarm");
    let id = july.submit_report(&p.a, p.leaves[0], &report("2026-07", "10")).await?;
    july.review(&w.supervisor, id, &accept).await?;
    let sent = alerts(july.clone()).await?;
    ensure!(sent.len() == 3, "{sent:?}");
    ensure!(
        sent.iter().any(|n| n.title == "【红灯预警】市发改委新增1项任务" && n.body.contains("进度10%")),
        "{sent:?}"
    );
    Ok(())
}
