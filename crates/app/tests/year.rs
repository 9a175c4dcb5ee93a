//! A year on the demo city (青岚市), with a clock the test moves, on SQLite
//! and on PostgreSQL: every month most orgs report by the 10th, 住建局
//! reports after the due date (the 25th) and 交通局 never does; the office
//! reviews; reminders go out before and after the due date, once each, also
//! across a restart; lights change as the dates pass; the 双过半 check on
//! 06-30 and June's bulletin; the battle map's trend covers the year.

use anyhow::{Context, Result, ensure};
use qingdan_app::demo::DEMO_PASSWORD;
use qingdan_app::{App, ChannelInput, Clock, ReportInput, ReviewInput};
use qingdan_domain::{DueState, Light, OrgId, Period, PlanId, TaskId, User};
use qingdan_testkit::{Backend, TestDb, on_both_engines};

on_both_engines! {
    a_year_on_the_demo_city_runs_its_rhythm => year;
}

/// Reporters of the orgs that report by the 10th, one each.
const PUNCTUAL: [&str; 11] = [
    "fgw.wu",
    "gxj.wang",
    "czj.chen",
    "nyj.yang",
    "sthj.qin",
    "jyj.xu",
    "wjw.lv",
    "wlj.zhang",
    "swj.cao",
    "kfq.yan",
    "xfx.jin",
];

async fn on(db: &TestDb, day: &str) -> Result<App> {
    Ok(App::open(&db.url, Clock::fixed_on(day.parse()?)).await?.with_network_policy(qingdan_testkit::loopback()))
}

struct City {
    db: TestDb,
    plan: PlanId,
    office: User,
    punctual: Vec<User>,
    late: User,
    silent: User,
}

impl City {
    /// Submits this period's report on every task the reporter's org owes, at `percent`.
    async fn report_all(&self, app: &App, reporter: &User, percent: i64) -> Result<usize> {
        let mine = app.my_reporting(reporter, None).await?.context("the demo has a plan")?;
        let owed: Vec<TaskId> = mine
            .items
            .iter()
            .filter(|t| t.status.state == DueState::Pending || t.status.state == DueState::Missing)
            .map(|t| t.task_id)
            .collect();
        for task in &owed {
            let input = ReportInput {
                period: mine.period.to_string(),
                percent_done: percent.min(100).to_string(),
                narrative: format!("{}工作按计划推进", mine.period.label()),
                problems: String::new(),
                next_steps: String::new(),
                actuals: vec![],
                confirmed: false,
            };
            app.submit_report(reporter, *task, &input).await?;
        }
        Ok(owed.len())
    }

    /// Accepts every waiting report but those of `returned`'s org, which
    /// go back with a comment (and are never resubmitted).
    async fn review_all(&self, app: &App, returned: OrgId) -> Result<()> {
        let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
        let back = ReviewInput {
            decision: "return".into(),
            comment: "数据与统计局口径不一致，请核实后重报".into(),
            revision: None,
        };
        loop {
            let queue = app.review_queue(&self.office, &Default::default()).await?.items;
            if queue.is_empty() {
                return Ok(());
            }
            for item in queue {
                let decision = if item.report.org_id == returned { &back } else { &accept };
                app.review(&self.office, item.report.id, decision).await?;
            }
        }
    }

    async fn light(&self, app: &App, task: TaskId) -> Result<Light> {
        Ok(app.task(&self.office, task).await?.task.light)
    }
}

async fn year(backend: Backend) -> Result<()> {
    let db = TestDb::new(backend).await?;
    let start = on(&db, "2026-01-05").await?;
    let demo = start.seed_demo().await?;
    let login = |name: &'static str| {
        let app = start.clone();
        async move { app.login(name, DEMO_PASSWORD).await.map(|(user, _)| user) }
    };
    let admin = login("admin").await?;
    let mut punctual = Vec::new();
    for name in PUNCTUAL {
        punctual.push(login(name).await?);
    }
    let city = City {
        plan: demo.plan,
        office: login("duchao").await?,
        punctual,
        late: login("zjj.wei").await?,
        silent: login("jtj.shen").await?,
        db,
    };
    let wecom = ChannelInput {
        kind: "wecom".into(),
        name: "督查群".into(),
        webhook: "http://127.0.0.1:9/cgi-bin/webhook/send?key=k".into(),
        enabled: true,
        ..ChannelInput::default()
    };
    start.create_notification_channel(&admin, &wecom).await?;
    let silent_tasks: Vec<TaskId> =
        start.my_reporting(&city.silent, None).await?.context("plan")?.items.iter().map(|t| t.task_id).collect();
    let fgw_tasks: Vec<TaskId> =
        start.my_reporting(&city.punctual[0], None).await?.context("plan")?.items.iter().map(|t| t.task_id).collect();
    ensure!(!silent_tasks.is_empty() && !fgw_tasks.is_empty(), "交通局 and 发改委 lead working tasks");
    // The last punctual org that leads tasks reports on time every month and is returned every time.
    let mut returned = None;
    for reporter in city.punctual[1..].iter().rev() {
        let items = start.my_reporting(reporter, None).await?.context("plan")?.items;
        if !items.is_empty() {
            returned = Some((reporter.clone(), items.iter().map(|t| t.task_id).collect::<Vec<TaskId>>()));
            break;
        }
    }
    let (returned, returned_tasks) = returned.context("a punctual org that leads tasks")?;
    let mut returned_start = Vec::new();
    for task in &returned_tasks {
        returned_start.push(start.task(&city.office, *task).await?.task.percent_done);
    }

    let mut silent_lights = Vec::new();
    for month in 1..=12u32 {
        let period: Period = format!("2026-{month:02}").parse().map_err(anyhow::Error::msg)?;
        let percent = i64::from(month) * 100 / 12 + 4;

        let tenth = on(&city.db, &format!("2026-{month:02}-10")).await?;
        for reporter in &city.punctual {
            city.report_all(&tenth, reporter, percent).await?;
        }

        // Three days before the 25th: 住建局 and 交通局 are reminded, once, also after a restart.
        let day = format!("2026-{month:02}-22");
        let reminded = on(&city.db, &day).await?.remind_reporting().await?;
        ensure!(reminded.due >= 2 && reminded.queued >= 2, "{day}: {reminded:?}");
        ensure!(on(&city.db, &day).await?.remind_reporting().await?.queued == 0, "{day}: nothing twice");

        // After the due date: 住建局 reports late; only 交通局 is reminded it is overdue.
        let late_day = on(&city.db, &format!("2026-{month:02}-27")).await?;
        ensure!(city.report_all(&late_day, &city.late, percent).await? > 0, "{period}: 住建局 owes reports");
        let overdue = late_day.remind_reporting().await?;
        ensure!(overdue.overdue >= 1, "{period}: {overdue:?}");
        city.review_all(&late_day, returned.org_id).await?;
        let status = late_day.reporting_status(&city.office, city.plan, Some(period)).await?;
        let org = |id: OrgId| status.orgs.iter().find(|o| o.org_id == id).cloned();
        let zjj = org(city.late.org_id).context("住建局 owes reports")?;
        ensure!(zjj.late == zjj.tasks_due && zjj.missing == 0, "{period}: {zjj:?}");
        let jtj = org(city.silent.org_id).context("交通局 owes reports")?;
        ensure!(jtj.missing == jtj.tasks_due && jtj.on_time == 0, "{period}: {jtj:?}");
        let fgw = org(city.punctual[0].org_id).context("发改委 owes reports")?;
        ensure!(fgw.on_time == fgw.tasks_due && fgw.late + fgw.missing == 0, "{period}: {fgw:?}");
        // Returned, never resubmitted: not reported, and no figure moved.
        let xfx = org(returned.org_id).context("the returned org owes reports")?;
        ensure!(
            xfx.missing == xfx.tasks_due && xfx.on_time == 0,
            "{period}: a returned report is not reported: {xfx:?}"
        );
        for (task, was) in returned_tasks.iter().zip(&returned_start) {
            let now = late_day.task(&city.office, *task).await?.task.percent_done;
            ensure!(now == *was, "{period}: a returned report moved task {task:?} from {was}% to {now}%");
        }

        let end = period.last_day();
        let month_end = on(&city.db, &end.to_string()).await?;
        month_end.refresh_lights(demo.tenant).await?;
        silent_lights.push(city.light(&month_end, silent_tasks[0]).await?);
        if month == 6 {
            half_year(&city, &month_end, &fgw_tasks, &silent_tasks).await?;
        }
        if month == 12 {
            let map = month_end.dashboard(&city.office, city.plan).await?;
            let months: Vec<&str> = map.trend.iter().map(|(m, _)| m.as_str()).collect();
            ensure!(months.len() == 12 && months[0] == "2026-01" && months[11] == "2026-12", "{months:?}");
            ensure!(map.trend[11].1.of(Light::Done) > 0, "December: the punctual orgs are done");
            for task in &fgw_tasks {
                ensure!(city.light(&month_end, *task).await? == Light::Done, "发改委's tasks end done");
            }
        }
    }
    // The org that never reports: yellow while little time is gone, red from
    // March (more than 20 points behind), overdue after its deadline (11-30).
    let mut expected = vec![Light::Yellow; 2];
    expected.extend([Light::Red; 9]);
    expected.push(Light::Overdue);
    ensure!(silent_lights == expected, "交通局's task by month: {silent_lights:?}");
    let outbox = on(&city.db, "2026-12-31").await?.notification_outbox(&admin, 10_000).await?;
    let silent_due = outbox
        .iter()
        .filter(|n| {
            n.event_key.starts_with("report-due:") && n.event_key.ends_with(&format!(":org{}", city.silent.org_id.0))
        })
        .count();
    ensure!(silent_due == 12, "one 报送提醒 a month to 交通局, got {silent_due}");
    Ok(())
}

/// 06-30: 发改委's tasks pass 双过半, 交通局's do not; June's bulletin says so.
async fn half_year(city: &City, app: &App, passing: &[TaskId], failing: &[TaskId]) -> Result<()> {
    let check = app.half_check(&city.office, city.plan, None).await?;
    let passed = |id: &TaskId| check.tasks.iter().find(|t| t.id == id.0).map(|t| t.passed);
    for task in passing {
        ensure!(passed(task) == Some(true), "task {task:?} reported 54% by June: {:?}", check.tasks);
    }
    for task in failing {
        ensure!(passed(task) == Some(false), "task {task:?} never reported");
    }
    let june = app.bulletin(&city.office, city.plan, "2026-06".parse().ok()).await?;
    let text = qingdan_office::docx_text(&june.bytes)?;
    ensure!(text.contains("“双过半”情况"), "{text}");
    ensure!(text.contains("市交通运输局") && text.contains("市住房和城乡建设局"), "late and missing orgs: {text}");
    Ok(())
}
