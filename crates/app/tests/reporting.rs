//! 报送周期 (reporting cycles) on both engines, with a clock the test sets
//! (a new `App` over the same database is a later day, or a restart): each
//! cycle's current period and due date, what a reporter sees as due, late and
//! missing reports, stale tasks, reminders queued exactly once, permissions.

use anyhow::{Context, Result, bail, ensure};
use chrono::NaiveDate;
use qingdan_app::reporting::ReportingReminders;
use qingdan_app::{
    ActualInput, App, AppError, ChannelInput, Clock, OrgReporting, ReportInput, ReviewInput, ScheduleInput,
    UnacceptInput,
};
use qingdan_domain::{DueState, OrgId, Period, PlanId, ReportId, ReportStatus, ReportingCycle, Role, TaskId, User};
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    each_cycle_has_its_current_period_and_due_date => cycles;
    a_reporter_sees_what_is_due_for_their_own_org => reporter_sees_due;
    late_and_missing_reports_are_flagged_after_the_due_date => late_and_missing;
    reminders_are_queued_once_before_and_after_the_due_date => reminders;
    tasks_without_reports_for_two_periods_are_stale => stale;
    only_the_office_sets_cycles_and_other_tenants_see_nothing => permissions;
    a_report_must_cover_a_period_of_the_plans_cycle => wrong_cycle;
    after_a_cycle_change_the_newest_period_still_sets_progress => changed_cycle;
    a_withdrawal_racing_a_resubmission_records_what_it_removed => withdraw_racing_resubmission;
    a_review_is_of_the_revision_read => review_of_what_was_read;
    a_resubmission_clears_the_return_comment_and_the_trail_keeps_it => resubmitted_after_return;
    full_width_digits_read_as_an_input_method_types_them => full_width;
    a_task_added_in_december_owes_no_report_for_november => added_late;
    a_plan_turned_quarterly_does_not_owe_the_quarter_its_last_month_reported => turned_quarterly;
    only_the_lead_orgs_reports_move_a_tasks_figures => supporting_reports;
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or(NaiveDate::MIN)
}

fn report(period: &str) -> ReportInput {
    ReportInput {
        period: period.into(),
        percent_done: "30".into(),
        narrative: "按计划推进".into(),
        problems: String::new(),
        next_steps: String::new(),
        actuals: Vec::<ActualInput>::new(),
        confirmed: false,
    }
}

fn schedule(cycle: &str, due_day: &str, remind: &str) -> ScheduleInput {
    ScheduleInput { cycle: cycle.into(), due_day: due_day.into(), remind_days_before: remind.into() }
}

/// A plan with two lead orgs: 发改委 leads two tasks, 交通局 one; 发改委 also
/// supports 交通局's task.
struct Fixture {
    w: World,
    plan: PlanId,
    reform: OrgId,
    transport: OrgId,
    reform_reporter: User,
    transport_reporter: User,
    leader: User,
    /// reform's tasks, then transport's.
    tasks: [TaskId; 3],
}

async fn fixture(backend: Backend, today: &str) -> Result<Fixture> {
    let w = World::new(backend, today).await?;
    let reform = w.org("市发改委").await?;
    let transport = w.org("市交通局").await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "重大项目前期工作", reform, &[], None).await?;
    let b = w.task(plan, "营商环境评价", reform, &[], None).await?;
    let c = w.task(plan, "农村公路改造", transport, &[reform], None).await?;
    let reform_reporter = w.user("reform", Role::Reporter, reform).await?;
    let transport_reporter = w.user("transport", Role::Reporter, transport).await?;
    let leader = w.user("mayor", Role::Leader, w.supervisor.org_id).await?;
    Ok(Fixture { w, plan, reform, transport, reform_reporter, transport_reporter, leader, tasks: [a, b, c] })
}

impl Fixture {
    async fn on(&self, day: &str) -> Result<App> {
        Ok(App::open(&self.w.db.url, Clock::fixed_on(d(day))).await?.with_network_policy(qingdan_testkit::loopback()))
    }
}

fn org(orgs: &[OrgReporting], id: OrgId) -> Result<&OrgReporting> {
    match orgs.iter().find(|o| o.org_id == id) {
        Some(o) => Ok(o),
        None => bail!("org {id:?} not in {orgs:?}"),
    }
}

async fn cycles(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let w = &f.w;
    // No schedule set: monthly, due on the 25th.
    let shown = w.app.reporting_schedule(&w.supervisor, f.plan).await?;
    ensure!(shown.is_default && shown.schedule.cycle == ReportingCycle::Monthly && shown.schedule.due_day == 25);
    let status = w.app.reporting_status(&w.supervisor, f.plan, None).await?;
    ensure!(status.period.to_string() == "2026-03" && status.due_date == d("2026-03-25"), "{status:?}");
    for (input, period, due) in [
        (schedule("weekly", "5", "1"), "2026-W12", "2026-03-20"),
        (schedule("half_monthly", "13", "2"), "2026-03-H2", "2026-03-28"),
        (schedule("monthly", "31", "3"), "2026-03", "2026-03-31"),
        (schedule("quarterly", "20", "5"), "2026-Q1", "2026-03-20"),
    ] {
        w.app.set_reporting_schedule(&w.supervisor, f.plan, &input).await?;
        let status = w.app.reporting_status(&w.supervisor, f.plan, None).await?;
        ensure!(status.period.to_string() == period, "{}: {}", input.cycle, status.period);
        ensure!(status.due_date == d(due), "{}: {}", input.cycle, status.due_date);
        ensure!(status.tasks.len() == 3, "every leaf task with a lead org is due: {:?}", status.tasks);
        let my = w.app.my_reporting(&f.reform_reporter, None).await?;
        ensure!(my.is_some_and(|m| m.period.to_string() == period && m.due_date == d(due)), "{}", input.cycle);
        ensure!(w.app.current_period(&f.reform_reporter, f.tasks[0]).await?.to_string() == period);
        ensure!(w.app.plan_period_on(&f.leader, f.plan, d("2026-03-18")).await?.to_string() == period);
    }
    ensure!(!w.app.reporting_schedule(&w.supervisor, f.plan).await?.is_default);
    // Each change is audited, with what it was before.
    let trail = w.app.store().audit_trail(w.tenant, "reporting_cycle", f.plan.0).await?;
    ensure!(trail.len() == 4 && trail[1].before.as_deref().is_some_and(|b| b.contains("weekly")), "{trail:?}");
    Ok(())
}

async fn reporter_sees_due(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let my = f.w.app.my_reporting(&f.reform_reporter, None).await?;
    let Some(my) = my else { bail!("a plan exists") };
    ensure!(my.period.label() == "2026年3月" && my.due_date == d("2026-03-25"));
    // Only the org's own led tasks; the task it supports is 交通局's to report.
    let ids: Vec<TaskId> = my.items.iter().map(|t| t.task_id).collect();
    ensure!(ids == [f.tasks[0], f.tasks[1]], "{ids:?}");
    ensure!(my.items.iter().all(|t| t.status.state == DueState::Pending && t.org_id == f.reform));
    f.w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-03")).await?;
    let my = f.w.app.my_reporting(&f.reform_reporter, None).await?;
    let states: Vec<DueState> = my.iter().flat_map(|m| m.items.iter().map(|t| t.status.state)).collect();
    ensure!(states == [DueState::Submitted, DueState::Pending], "{states:?}");
    // The previous month's reports were never sent: owed as 逾期未报.
    let overdue = my.map(|m| m.overdue).unwrap_or_default();
    ensure!(overdue.len() == 2 && overdue.iter().all(|t| t.status.state == DueState::Missing), "{overdue:?}");
    let other = f.w.app.my_reporting(&f.transport_reporter, None).await?;
    ensure!(other.is_some_and(|m| m.items.len() == 1 && m.items[0].task_id == f.tasks[2]));
    // The office has no 我的填报; a reporter has no office view.
    ensure!(matches!(f.w.app.my_reporting(&f.w.supervisor, None).await, Err(AppError::Forbidden)));
    ensure!(matches!(f.w.app.reporting_status(&f.reform_reporter, f.plan, None).await, Err(AppError::Forbidden)));
    ensure!(matches!(f.w.app.stale_tasks(&f.reform_reporter, f.plan).await, Err(AppError::Forbidden)));
    Ok(())
}

async fn late_and_missing(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-20").await?;
    let w = &f.w;
    // On time: submitted on the 20th, returned, resubmitted after the due date.
    let first = w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-03")).await?;
    let before = w.app.reporting_status(&w.supervisor, f.plan, None).await?;
    ensure!(!before.is_past_due && before.missing_orgs().is_empty(), "nothing missing before the due date");
    ensure!(org(&before.orgs, f.transport)?.pending == 1);

    let later = f.on("2026-03-27").await?;
    let back = ReviewInput { decision: "return".into(), comment: "请补充数据".into(), revision: None };
    later.review(&w.supervisor, first, &back).await?;
    later.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-03")).await?;
    // Late: first submitted on the 27th.
    let late_report = later.submit_report(&f.reform_reporter, f.tasks[1], &report("2026-03")).await?;

    let status = later.reporting_status(&w.supervisor, f.plan, None).await?;
    ensure!(status.is_past_due && status.period.to_string() == "2026-03");
    let reform = org(&status.orgs, f.reform)?;
    ensure!((reform.tasks_due, reform.on_time, reform.late, reform.missing) == (2, 1, 1, 0), "{reform:?}");
    let transport = org(&status.orgs, f.transport)?;
    ensure!((transport.tasks_due, transport.missing, transport.pending) == (1, 1, 0), "{transport:?}");
    let late: Vec<OrgId> = status.late_orgs().iter().map(|o| o.org_id).collect();
    let missing: Vec<OrgId> = status.missing_orgs().iter().map(|o| o.org_id).collect();
    ensure!(late == [f.reform] && missing == [f.transport], "{late:?} {missing:?}");
    let labels: Vec<String> = status.tasks.iter().map(|t| t.status.label()).collect();
    ensure!(labels == ["已报待审", "迟报（已报待审）", "逾期未报"], "{labels:?}");

    // The late report returned and not resubmitted: owed again, so its line
    // and its org's count both say 逾期未报, not 迟报.
    later.review(&w.supervisor, late_report, &back).await?;
    let status = later.reporting_status(&w.supervisor, f.plan, None).await?;
    let reform = org(&status.orgs, f.reform)?;
    ensure!((reform.on_time, reform.late, reform.missing) == (1, 0, 1), "{reform:?}");
    let labels: Vec<String> = status.tasks.iter().map(|t| t.status.label()).collect();
    ensure!(labels[1] == "逾期未报（已退回）", "{labels:?}");

    // An earlier period asked by name: nobody reported February.
    let february: Period = "2026-02".parse().map_err(anyhow::Error::msg)?;
    let past = later.reporting_status(&f.leader, f.plan, Some(february)).await?;
    ensure!(past.due_date == d("2026-02-25") && past.orgs.iter().map(|o| o.missing).sum::<usize>() == 3);
    Ok(())
}

async fn channel(w: &World) -> Result<()> {
    // Nothing listens on port 9: the rows stay queued, which is all this test reads.
    let input = ChannelInput {
        kind: "wecom".into(),
        name: "督查群".into(),
        webhook: "http://127.0.0.1:9/cgi-bin/webhook/send?key=k".into(),
        enabled: true,
        ..ChannelInput::default()
    };
    w.app.create_notification_channel(&w.admin, &input).await?;
    Ok(())
}

async fn reminders(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let w = &f.w;
    channel(w).await?;
    // Monthly, due on the 25th, reminded 3 days before: from the 22nd.
    let quiet = f.on("2026-03-21").await?.remind_reporting().await?;
    ensure!(quiet == ReportingReminders::default(), "too early: {quiet:?}");

    let day = f.on("2026-03-22").await?;
    let pass = day.remind_reporting().await?;
    ensure!(pass == ReportingReminders { due: 2, overdue: 0, queued: 2 }, "{pass:?}");
    // Again, and after a restart: the same events, nothing new.
    ensure!(day.remind_reporting().await?.queued == 0);
    ensure!(f.on("2026-03-22").await?.remind_reporting().await?.queued == 0);
    ensure!(f.on("2026-03-25").await?.remind_reporting().await?.queued == 0, "one reminder per period before the day");

    let outbox = w.app.notification_outbox(&w.admin, 50).await?;
    let due: Vec<_> = outbox.iter().filter(|r| r.event_key.starts_with("report-due:")).collect();
    ensure!(due.len() == 2, "{outbox:?}");
    let to_reform = due.iter().find(|r| r.event_key.ends_with(&format!(":org{}", f.reform.0)));
    ensure!(
        to_reform.is_some_and(|r| r.body.contains("市发改委")
            && r.body.contains("2026年3月")
            && r.body.contains("2项")
            && r.body.contains("2026年03月25日")
            && r.title.contains("2026年重点任务")),
        "{to_reform:?}"
    );

    // 发改委 reports both; after the due date only 交通局 is reminded, once.
    for task in &f.tasks[..2] {
        day.submit_report(&f.reform_reporter, *task, &report("2026-03")).await?;
    }
    let after = f.on("2026-03-26").await?;
    let pass = after.remind_reporting().await?;
    ensure!(pass == ReportingReminders { due: 0, overdue: 1, queued: 1 }, "{pass:?}");
    ensure!(after.remind_reporting().await?.queued == 0);
    ensure!(f.on("2026-03-27").await?.remind_reporting().await?.queued == 0, "restarted the next day");
    let outbox = w.app.notification_outbox(&w.admin, 50).await?;
    let overdue: Vec<_> = outbox.iter().filter(|r| r.event_key.starts_with("report-overdue:")).collect();
    ensure!(overdue.len() == 1, "{outbox:?}");
    ensure!(
        overdue[0].body.contains("市交通局")
            && overdue[0].body.contains("1项")
            && overdue[0].title.contains("逾期未报"),
        "{:?}",
        overdue[0]
    );
    // A week past the due date the overdue window has closed.
    let late = f.on("2026-04-03").await?.remind_reporting().await?;
    ensure!(late.overdue == 0, "{late:?}");
    Ok(())
}

async fn stale(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-01-20").await?;
    let w = &f.w;
    // 发改委's first task reported January only; its second February; 交通局 nothing.
    w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-01")).await?;
    let feb = f.on("2026-02-20").await?;
    feb.submit_report(&f.reform_reporter, f.tasks[1], &report("2026-02")).await?;

    // On 03-25 (the due day) the window is January and February: only 交通局's task missed both.
    let on_due = f.on("2026-03-25").await?.stale_tasks(&w.supervisor, f.plan).await?;
    let ids: Vec<TaskId> = on_due.iter().map(|t| t.task_id).collect();
    ensure!(ids == [f.tasks[2]], "{on_due:?}");
    // A day later the window is February and March: January's report no longer counts.
    let after = f.on("2026-03-26").await?.stale_tasks(&w.supervisor, f.plan).await?;
    let ids: Vec<TaskId> = after.iter().map(|t| t.task_id).collect();
    ensure!(ids == [f.tasks[0], f.tasks[2]], "{after:?}");
    let periods: Vec<String> = after[0].periods.iter().map(|p| p.to_string()).collect();
    ensure!(periods == ["2026-03", "2026-02"], "{periods:?}");
    Ok(())
}

async fn permissions(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let w = &f.w;
    for user in [&f.reform_reporter, &f.leader] {
        let err = w.app.set_reporting_schedule(user, f.plan, &schedule("weekly", "5", "1")).await.err();
        ensure!(matches!(err, Some(AppError::Forbidden)), "{:?}: {err:?}", user.role);
    }
    ensure!(w.app.reporting_schedule(&w.supervisor, f.plan).await?.is_default, "nothing changed");
    ensure!(w.app.set_reporting_schedule(&w.admin, f.plan, &schedule("quarterly", "20", "5")).await.is_err(), "三员");
    w.app.set_reporting_schedule(&w.supervisor, f.plan, &schedule("quarterly", "20", "5")).await?;

    // Bad input: each field named, in Chinese.
    for (input, field) in [
        (schedule("daily", "5", "1"), "cycle"),
        (schedule("weekly", "8", "1"), "due_day"),
        (schedule("half_monthly", "16", "1"), "due_day"),
        (schedule("monthly", "0", "1"), "due_day"),
        (schedule("monthly", "二十五", "1"), "due_day"),
        (schedule("weekly", "5", "7"), "remind_days_before"),
        (schedule("monthly", "25", "-1"), "remind_days_before"),
    ] {
        match w.app.set_reporting_schedule(&w.supervisor, f.plan, &input).await {
            Err(AppError::Invalid(invalid)) => {
                ensure!(invalid.errors.iter().any(|e| e.field == field), "{field}: {invalid:?}");
                ensure!(invalid.errors.iter().all(|e| !e.message.is_ascii()), "Chinese: {invalid:?}");
            }
            other => bail!("{field}: expected Invalid, got {other:?}"),
        }
    }

    // Another tenant's supervisor finds no such plan.
    let stranger = w.stranger(Role::Supervisor).await?;
    ensure!(matches!(w.app.reporting_schedule(&stranger, f.plan).await, Err(AppError::NotFound(_))));
    ensure!(matches!(
        w.app.set_reporting_schedule(&stranger, f.plan, &schedule("weekly", "5", "1")).await,
        Err(AppError::NotFound(_))
    ));
    ensure!(matches!(w.app.reporting_status(&stranger, f.plan, None).await, Err(AppError::NotFound(_))));
    ensure!(matches!(w.app.stale_tasks(&stranger, f.plan).await, Err(AppError::NotFound(_))));
    ensure!(w.app.reporting_schedule(&w.supervisor, f.plan).await?.schedule.cycle == ReportingCycle::Quarterly);
    // The stranger's tenant has no plan: its reminder pass finds nothing of ours to send.
    ensure!(w.app.remind_reporting_for(stranger.tenant_id).await? == ReportingReminders::default());
    Ok(())
}

async fn wrong_cycle(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let w = &f.w;
    w.app.set_reporting_schedule(&w.supervisor, f.plan, &schedule("weekly", "5", "1")).await?;
    match w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-03")).await {
        Err(AppError::Invalid(invalid)) => {
            ensure!(invalid.errors.iter().any(|e| e.field == "period" && e.message.contains("每周")), "{invalid:?}");
        }
        other => bail!("expected Invalid, got {other:?}"),
    }
    w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-W12")).await?;
    let status = w.app.reporting_status(&w.supervisor, f.plan, None).await?;
    ensure!(org(&status.orgs, f.reform)?.on_time == 1, "{:?}", status.orgs);
    // Next week's period is in the future.
    let future = w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-W13")).await.err();
    ensure!(matches!(future, Some(AppError::Invalid(_))), "{future:?}");
    Ok(())
}

/// A reporter withdraws a waiting report while another tab resubmits it,
/// six times over. The withdrawal says and records what it removed: the
/// resubmitted text when the resubmission came first (it changed the report
/// in place), the first text when it came after (it made a new report).
async fn withdraw_racing_resubmission(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let w = &f.w;
    for round in 0..6 {
        let first = ReportInput { narrative: format!("第{round}轮初稿"), ..report("2026-03") };
        let id = w.app.submit_report(&f.reform_reporter, f.tasks[0], &first).await?;
        let (app, reporter) = (w.app.clone(), f.reform_reporter.clone());
        let withdrawing = tokio::spawn(async move { app.withdraw_report(&reporter, id).await });
        let (app, reporter, task) = (w.app.clone(), f.reform_reporter.clone(), f.tasks[0]);
        let again = ReportInput { narrative: format!("第{round}轮改稿"), ..report("2026-03") };
        let resubmitting = tokio::spawn(async move { app.submit_report(&reporter, task, &again).await });
        let withdrawn = withdrawing.await??;
        let resubmitted = resubmitting.await??;
        let removed = if resubmitted == id { format!("第{round}轮改稿") } else { format!("第{round}轮初稿") };
        ensure!(
            withdrawn.narrative == removed,
            "round {round}: withdrew {:?}, removed {removed:?}",
            withdrawn.narrative
        );
        let trail = w.app.store().audit_trail(w.tenant, "progress_report", id.0).await?;
        let recorded = trail.iter().find(|e| e.action == "withdraw").and_then(|e| e.before.clone()).unwrap_or_default();
        ensure!(recorded.contains(&removed), "round {round}: the trail says {recorded}");
        if resubmitted != id {
            w.app.withdraw_report(&f.reform_reporter, resubmitted).await?;
        }
    }
    Ok(())
}

/// A review names the revision it read: a report resubmitted since stays
/// waiting (a conflict that says why), in a bulk review too beside an item
/// that goes through; naming the new revision, or none, reviews it.
async fn review_of_what_was_read(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let w = &f.w;
    let first = ReportInput { narrative: "初稿".into(), ..report("2026-03") };
    let a = w.app.submit_report(&f.reform_reporter, f.tasks[0], &first).await?;
    let b = w.app.submit_report(&f.reform_reporter, f.tasks[1], &first).await?;
    let again = ReportInput { narrative: "改稿".into(), percent_done: "60".into(), ..report("2026-03") };
    ensure!(w.app.submit_report(&f.reform_reporter, f.tasks[0], &again).await? == a, "resubmitted in place");
    let read = |revision| ReviewInput { decision: "accept".into(), comment: String::new(), revision: Some(revision) };
    let out = w.app.review_many(&w.supervisor, &[(a.0, read(1)), (b.0, read(1))]).await?;
    match &out[0] {
        Err(AppError::Conflict(message)) => ensure!(message.contains("重新报送"), "{message}"),
        other => bail!("the resubmitted report was reviewed unread: {other:?}"),
    }
    ensure!(out[1].is_ok(), "{:?}", out[1]);
    let queue = w.app.review_queue(&w.supervisor, &Default::default()).await?.items;
    ensure!(queue.iter().map(|q| q.report.id).collect::<Vec<_>>() == [a], "a still waits");
    ensure!(queue[0].report.revision == 2 && queue[0].report.narrative == "改稿");
    w.app.review(&w.supervisor, a, &read(2)).await?;
    ensure!(w.app.task(&w.supervisor, f.tasks[0]).await?.task.percent_done == 60);
    Ok(())
}

/// Returned with a comment, then resubmitted: the new submission waits with
/// no 退回意见 of its own (not on the form, 我的填报 or the review queue); the
/// comment stays in the audit trail of the return.
async fn resubmitted_after_return(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let w = &f.w;
    let id = w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-03")).await?;
    let back = ReviewInput { decision: "return".into(), comment: "请补充完成投资额".into(), revision: None };
    w.app.review(&w.supervisor, id, &back).await?;
    let again = ReportInput { narrative: "已补充投资额".into(), ..report("2026-03") };
    ensure!(w.app.submit_report(&f.reform_reporter, f.tasks[0], &again).await? == id, "resubmitted in place");
    let stored = w.app.store().report(w.tenant, id).await?.context("the report")?;
    ensure!(stored.status == ReportStatus::Submitted && stored.review_comment.is_empty(), "{stored:?}");
    ensure!(stored.reviewed_at.is_none(), "not reviewed yet");
    let trail = w.app.store().audit_trail(w.tenant, "progress_report", id.0).await?;
    let returned = trail.iter().filter_map(|e| e.after.as_deref()).any(|after| after.contains("请补充完成投资额"));
    ensure!(returned, "the trail keeps the comment: {trail:?}");
    Ok(())
}

async fn changed_cycle(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-04-10").await?;
    let w = &f.w;
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    w.app.set_reporting_schedule(&w.supervisor, f.plan, &schedule("weekly", "5", "1")).await?;
    let weekly = w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-W15")).await?;
    w.app.review(&w.supervisor, weekly, &accept).await?;
    // The office turns the plan monthly; April's report ends after week 15 and
    // sets the progress, though "2026-04" sorts before "2026-W15" as text.
    w.app.set_reporting_schedule(&w.supervisor, f.plan, &schedule("monthly", "25", "3")).await?;
    let later = f.on("2026-04-24").await?;
    let monthly = ReportInput { percent_done: "60".into(), ..report("2026-04") };
    let id = later.submit_report(&f.reform_reporter, f.tasks[0], &monthly).await?;
    later.review(&w.supervisor, id, &accept).await?;
    let task = later.task_detail(&w.supervisor, f.tasks[0]).await?;
    ensure!(task.item.task.percent_done == 60, "{}", task.item.task.percent_done);
    // A late weekly report for an earlier week does not move it back.
    later.set_reporting_schedule(&w.supervisor, f.plan, &schedule("weekly", "5", "1")).await?;
    let old = ReportInput { percent_done: "35".into(), ..report("2026-W16") };
    let id = later.submit_report(&f.reform_reporter, f.tasks[0], &old).await?;
    later.review(&w.supervisor, id, &accept).await?;
    ensure!(later.task_detail(&w.supervisor, f.tasks[0]).await?.item.task.percent_done == 60);
    Ok(())
}

/// PostgreSQL ends one of two deadlocked transactions. When it is an
/// acceptance, the office reads that nothing was saved and to try again (a
/// conflict, not an internal error); the report still waits, and the same
/// review then goes through. (SQLite has one writer: no deadlock to provoke.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadlocked_acceptance_says_try_again_and_saves_nothing() -> Result<()> {
    let f = fixture(Backend::Postgres, "2026-04-10").await?;
    let id = f.w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-03")).await?;
    // Behind the app's back: the report's row first; the plan's once the acceptance,
    // holding the plan, waits for the report.
    let first = format!("SELECT id FROM progress_reports WHERE id = {} FOR UPDATE", id.0);
    let then = format!("SELECT id FROM plans WHERE id = {} FOR UPDATE", f.plan.0);
    refused_for_a_moment_then_accepted(&f, id, |ready| f.w.db.deadlock_the_app(&first, &then, ready)).await
}

/// On SQLite, a write that waits longer than the busy timeout (5 s) for
/// another process's lock says the same: nothing saved, try again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_behind_a_held_sqlite_lock_says_try_again_and_saves_nothing() -> Result<()> {
    let f = fixture(Backend::Sqlite, "2026-04-10").await?;
    let id = f.w.app.submit_report(&f.reform_reporter, f.tasks[0], &report("2026-03")).await?;
    let hold = std::time::Duration::from_secs(7);
    refused_for_a_moment_then_accepted(&f, id, |ready| f.w.db.hold_sqlite_write_lock(hold, ready)).await
}

/// Accepts report `id` (30 %, of task 0) while `side` holds a lock behind
/// the app's back (it says so on the channel it is given): the office reads
/// that nothing was saved and to try again, the report still waits and its
/// task has not moved; the same review then goes through.
async fn refused_for_a_moment_then_accepted<S>(
    f: &Fixture,
    id: ReportId,
    side: impl FnOnce(tokio::sync::oneshot::Sender<()>) -> S,
) -> Result<()>
where
    S: std::future::Future<Output = Result<()>>,
{
    let w = &f.w;
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    let (ready, go) = tokio::sync::oneshot::channel();
    let (held, refused) = tokio::join!(side(ready), async {
        go.await.ok();
        w.app.review(&w.supervisor, id, &accept).await
    });
    held?;
    match refused {
        Err(AppError::Conflict(message)) => {
            ensure!(message.contains("未保存") && message.contains("重试"), "{message}")
        }
        other => bail!("the review behind the lock answered {other:?}"),
    }
    let queue = w.app.review_queue(&w.supervisor, &Default::default()).await?.items;
    ensure!(queue.iter().any(|q| q.report.id == id), "still waiting");
    ensure!(w.app.task(&w.supervisor, f.tasks[0]).await?.task.percent_done == 0);
    w.app.review(&w.supervisor, id, &accept).await?;
    ensure!(w.app.task(&w.supervisor, f.tasks[0]).await?.task.percent_done == 30);
    Ok(())
}

/// A Chinese input method types １２３: it is read as 123, not refused.
async fn full_width(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let app = &f.w.app;
    let input = ReportInput {
        period: "2026-03".into(),
        percent_done: " ６０ ".into(),
        narrative: "按计划推进".into(),
        ..ReportInput::default()
    };
    let id = app.submit_report(&f.reform_reporter, f.tasks[0], &input).await?;
    let stored = app.store().report(f.w.tenant, id).await?.context("stored")?;
    ensure!(stored.percent_done == 60, "{stored:?}");
    let plan = qingdan_app::PlanInput {
        year: "２０２７".into(), title: "2027年重点任务".into(), ..Default::default()
    };
    ensure!(app.create_plan(&f.w.supervisor, &plan).await?.year == 2027);
    // Anything else full-width is still refused, in words.
    let bad = ReportInput { percent_done: "六十".into(), ..input };
    ensure!(app.submit_report(&f.reform_reporter, f.tasks[1], &bad).await.is_err());
    Ok(())
}

async fn added_late(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-12-06").await?;
    let app = &f.w.app;
    let input = |start: &str| qingdan_app::TaskInput {
        title: "新增：冬季供暖保障".into(),
        deadline: "2026-12-31".into(),
        start_date: start.into(),
        responsibility: Some(qingdan_app::ResponsibilityInput { lead_org_id: Some(f.reform.0), ..Default::default() }),
        ..Default::default()
    };
    for (start, field) in [("2025-12-01", "start_date"), ("2027-01-05", "start_date"), ("12月1日", "start_date")] {
        match app.create_task(&f.w.supervisor, f.plan, &input(start)).await {
            Err(AppError::Invalid(i)) if i.errors.iter().any(|e| e.field == field) => {}
            other => bail!("{start}: {other:?}"),
        }
    }
    let late = app.create_task(&f.w.supervisor, f.plan, &input("2026-12-01")).await?;
    let early = app.create_task(&f.w.supervisor, f.plan, &input("")).await?;
    // November's reports were due 11-25: the task added in December owes none.
    let november = app.reporting_status(&f.w.supervisor, f.plan, "2026-11".parse().ok()).await?;
    let due: Vec<TaskId> = november.tasks.iter().map(|t| t.task_id).collect();
    ensure!(!due.contains(&late) && due.contains(&early), "{due:?}");
    let my = app.my_reporting(&f.reform_reporter, None).await?.context("plan")?;
    ensure!(my.overdue.iter().all(|t| t.task_id != late), "not 逾期未报 for November");
    ensure!(my.items.iter().any(|t| t.task_id == late), "but owes December");
    Ok(())
}

/// Every task reported September (monthly); the plan then turns quarterly.
/// The third quarter ends with September: its reports stand for it, so no org
/// is missing (the 通报 said every org failed to report).
async fn turned_quarterly(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-10-10").await?;
    let w = &f.w;
    for (reporter, task) in
        [(&f.reform_reporter, f.tasks[0]), (&f.reform_reporter, f.tasks[1]), (&f.transport_reporter, f.tasks[2])]
    {
        let id = w.app.submit_report(reporter, task, &report("2026-09")).await?;
        let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
        w.app.review(&w.supervisor, id, &accept).await?;
    }
    let quarterly =
        qingdan_app::ScheduleInput { cycle: "quarterly".into(), due_day: "5".into(), remind_days_before: "1".into() };
    w.app.set_reporting_schedule(&w.supervisor, f.plan, &quarterly).await?;
    let q3: Period = "2026-Q3".parse().map_err(anyhow::Error::msg)?;
    let status = w.app.reporting_status(&w.supervisor, f.plan, Some(q3)).await?;
    ensure!(status.is_past_due, "{status:?}");
    ensure!(status.missing_orgs().is_empty(), "{:?}", status.missing_orgs());
    let labels: Vec<String> = status.tasks.iter().map(|t| t.status.label()).collect();
    ensure!(labels.len() == 3 && labels.iter().all(|l| !l.contains("未报")), "{labels:?}");
    // The quarter before ends with June, which nobody reported: owed.
    let q2: Period = "2026-Q2".parse().map_err(anyhow::Error::msg)?;
    let status = w.app.reporting_status(&w.supervisor, f.plan, Some(q2)).await?;
    ensure!(status.missing_orgs().len() == 2, "{:?}", status.missing_orgs());
    Ok(())
}

/// 发改委 supports 交通局's road task. Its reports are reviewed and kept, in
/// any order of acceptance, of any period; the task's figures are 交通局's.
async fn supporting_reports(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-08-10").await?;
    let w = &f.w;
    let road = f.tasks[2];
    let send = |user: &User, period: &str, percent: &str| {
        let input = ReportInput { percent_done: percent.into(), ..report(period) };
        let (app, user) = (w.app.clone(), user.clone());
        async move { anyhow::Ok(app.submit_report(&user, road, &input).await?) }
    };
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    let percent = || async { anyhow::Ok(w.app.task(&w.supervisor, road).await?.task.percent_done) };

    let helper_june = send(&f.reform_reporter, "2026-06", "20").await?;
    let lead_june = send(&f.transport_reporter, "2026-06", "60").await?;
    let reports = w.app.store().task_reports(w.tenant, road).await?;
    let from = |id: ReportId| reports.iter().find(|r| r.id == id).map(|r| r.is_lead);
    ensure!(from(helper_june) == Some(false) && from(lead_june) == Some(true), "{reports:?}");
    w.app.review(&w.supervisor, helper_june, &accept).await?;
    ensure!(percent().await? == 0, "a supporting org's report moves nothing");
    w.app.review(&w.supervisor, lead_june, &accept).await?;
    ensure!(percent().await? == 60);
    let helper_july = send(&f.reform_reporter, "2026-07", "95").await?;
    w.app.review(&w.supervisor, helper_july, &accept).await?;
    ensure!(percent().await? == 60, "nor when it is of a later period");
    let back = UnacceptInput { comment: "数据有误".into() };
    w.app.unaccept_report(&w.supervisor, helper_july, &back).await?;
    ensure!(percent().await? == 60, "taking it back moves nothing either");
    w.app.unaccept_report(&w.supervisor, lead_june, &back).await?;
    ensure!(percent().await? == 0, "the lead org's own taken back: nothing of the lead org is left");
    Ok(())
}
