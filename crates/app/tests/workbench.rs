//! 首页 and 站内消息, on both engines: a reporter's workbench counts what
//! their org owes and what came back; the office's counts what waits for
//! review; every reminder lands in the inboxes of the people it concerns
//! exactly once, across a restart too; a returned report tells its
//! reporter; a person reads and marks only their own messages; the three
//! administrators have no workbench.

use anyhow::{Result, ensure};
use qingdan_app::supervision::{NewAssignmentInput, TransitionInput};
use qingdan_app::{ActualInput, App, AppError, Clock, ReportInput, ReviewInput, TaskEdit};
use qingdan_domain::{OrgId, Role, TaskId, User};
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    the_workbench_counts_what_each_role_owes_and_awaits => piles;
    reminders_reach_each_persons_inbox_exactly_once_across_a_restart => inbox_once;
    a_returned_report_tells_its_reporter_which_task_and_only_they_read_it => returned;
    a_matter_assigned_and_signed_for_tells_the_other_side => matters;
    next_years_plan_waits_for_its_year_and_last_years_still_owes_in_january => year_turn;
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

struct Office {
    w: World,
    reform: OrgId,
    wu: User,
    zheng: User,
    transport_clerk: User,
    tasks: [TaskId; 3],
}

async fn office(backend: Backend, today: &str) -> Result<Office> {
    let w = World::new(backend, today).await?;
    let reform = w.org("市发改委").await?;
    let transport = w.org("市交通局").await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "重大项目前期工作", reform, &[], None).await?;
    let b = w.task(plan, "营商环境评价", reform, &[], None).await?;
    let c = w.task(plan, "农村公路改造", transport, &[], None).await?;
    let wu = w.user("fgw.wu", Role::Reporter, reform).await?;
    let zheng = w.user("fgw.zheng", Role::Reporter, reform).await?;
    let transport_clerk = w.user("jtj.shen", Role::Reporter, transport).await?;
    Ok(Office { w, reform, wu, zheng, transport_clerk, tasks: [a, b, c] })
}

fn count(piles: &[(&'static str, usize)], code: &str) -> usize {
    piles.iter().find(|(c, _)| *c == code).map_or(usize::MAX, |(_, n)| *n)
}

async fn piles(backend: Backend) -> Result<()> {
    let o = office(backend, "2026-03-20").await?;
    let w = &o.w;
    let mine = w.app.workbench_counts(&o.wu).await?;
    ensure!(count(&mine, "due") == 2 && count(&mine, "returned") == 0, "{mine:?}");
    ensure!(count(&w.app.workbench_counts(&o.transport_clerk).await?, "due") == 1);
    let id = w.app.submit_report(&o.wu, o.tasks[0], &report("2026-03")).await?;
    ensure!(count(&w.app.workbench_counts(&o.wu).await?, "due") == 1, "a submitted report is owed no more");
    let office = w.app.workbench_counts(&w.supervisor).await?;
    ensure!(count(&office, "to_review") == 1, "{office:?}");
    let back = ReviewInput { decision: "return".into(), comment: "数据缺少佐证".into(), revision: None };
    w.app.review(&w.supervisor, id, &back).await?;
    let mine = w.app.workbench_counts(&o.wu).await?;
    ensure!(count(&mine, "returned") == 1 && count(&mine, "due") == 1, "{mine:?}");
    ensure!(count(&w.app.workbench_counts(&w.supervisor).await?, "to_review") == 0);
    let bench = w.app.workbench(&o.wu).await?;
    let returned = bench.piles.iter().find(|p| p.code == "returned").map(|p| p.items.clone()).unwrap_or_default();
    let form = format!("/tasks/{}/report?period=2026-03", o.tasks[0].0);
    ensure!(returned.len() == 1 && returned[0].1 == form, "the form of the period it came back for: {returned:?}");
    let leader = w.user("mayor", Role::Leader, w.supervisor.org_id).await?;
    ensure!(w.app.workbench(&leader).await?.map.is_some_and(|m| m.totals.total() == 3), "the leader's map");
    for admin in [&w.admin, &w.security, &w.auditor] {
        ensure!(matches!(w.app.workbench(admin).await, Err(AppError::Forbidden)), "{}", admin.username);
    }
    Ok(())
}

async fn inbox_once(backend: Backend) -> Result<()> {
    let o = office(backend, "2026-03-23").await?;
    let w = &o.w;
    let pass = w.app.remind_reporting_for(w.tenant).await?;
    ensure!(pass.due == 2, "a reminder each to 发改委 and 交通局: {pass:?}");
    for (user, n) in [(&o.wu, 1), (&o.zheng, 1), (&o.transport_clerk, 1), (&w.supervisor, 0)] {
        ensure!(w.app.unread_messages(user).await? == n, "{}: {}", user.username, w.app.unread_messages(user).await?);
    }
    let message = w.app.inbox(&o.wu, true).await?.remove(0);
    ensure!(message.title.contains("报送") && message.link.as_deref() == Some("/my"), "{message:?}");
    // The same day after a restart: nothing twice.
    let restarted = App::open(&w.db.url, Clock::fixed_on("2026-03-23".parse()?)).await?;
    restarted.remind_reporting_for(w.tenant).await?;
    w.app.remind_reporting_for(w.tenant).await?;
    ensure!(restarted.inbox(&o.wu, false).await?.len() == 1, "exactly once");
    // Reading: one's own only.
    ensure!(w.app.mark_read(&o.zheng, Some(message.id)).await? == 0, "another's message is not touched");
    ensure!(w.app.unread_messages(&o.wu).await? == 1);
    ensure!(w.app.mark_read(&o.wu, Some(message.id)).await? == 1);
    ensure!(w.app.unread_messages(&o.wu).await? == 0 && w.app.inbox(&o.wu, true).await?.is_empty());
    ensure!(w.app.inbox(&o.wu, false).await?.len() == 1, "read, it stays");
    ensure!(w.app.mark_read(&o.zheng, None).await? == 1 && w.app.unread_messages(&o.zheng).await? == 0);
    Ok(())
}

async fn returned(backend: Backend) -> Result<()> {
    let o = office(backend, "2026-03-20").await?;
    let w = &o.w;
    let task = w.app.task(&w.supervisor, o.tasks[1]).await?.task;
    let edit = TaskEdit {
        number: "（二）".into(),
        title: task.title,
        weight: task.weight.to_string(),
        start_date: task.start_date.to_string(),
        deadline: task.deadline.to_string(),
    };
    w.app.update_task(&w.supervisor, o.tasks[1], &edit).await?;
    let id = w.app.submit_report(&o.wu, o.tasks[1], &report("2026-03")).await?;
    let back = ReviewInput { decision: "return".into(), comment: "请补充完成投资额".into(), revision: None };
    w.app.review(&w.supervisor, id, &back).await?;
    let told = w.app.inbox(&o.wu, true).await?;
    ensure!(told.len() == 1 && told[0].body.contains("请补充完成投资额"), "{told:?}");
    let named = "任务“（二） 营商环境评价”（2026年3月）";
    ensure!(told[0].title == format!("【报送退回】{named}"), "the task is named: {}", told[0].title);
    ensure!(told[0].body.starts_with(named), "{}", told[0].body);
    let form = format!("/tasks/{}/report?period=2026-03", o.tasks[1].0);
    ensure!(told[0].link.as_deref() == Some(form.as_str()), "the form of the period sent back");
    ensure!(w.app.unread_messages(&o.zheng).await? == 1, "the org's other reporter too");
    ensure!(w.app.unread_messages(&o.transport_clerk).await? == 0, "no one else");
    Ok(())
}

async fn matters(backend: Backend) -> Result<()> {
    let o = office(backend, "2026-03-20").await?;
    let w = &o.w;
    let input = NewAssignmentInput {
        title: "整治老旧小区积水点".into(),
        source: "leader_instruction".into(),
        text: "请抓紧整治，按13710要求反馈。".into(),
        lead_org_id: Some(o.reform.0),
        leader_name: "王副市长".into(),
        ..NewAssignmentInput::default()
    };
    let id = w.app.create_assignment(&w.supervisor, &input).await?;
    let told = w.app.inbox(&o.wu, true).await?;
    ensure!(told.len() == 1 && told[0].title.contains("督办交办") && told[0].body.contains("签收"), "{told:?}");
    ensure!(told[0].link.as_deref() == Some(format!("/assignments/{}", id.0).as_str()));
    ensure!(w.app.unread_messages(&o.transport_clerk).await? == 0, "not another org");
    let sign = TransitionInput { action: "sign_for".into(), ..TransitionInput::default() };
    w.app.transition_assignment(&o.wu, id, &sign).await?;
    let office = w.app.inbox(&w.supervisor, true).await?;
    ensure!(office.len() == 1 && office[0].title.contains("签收"), "the office hears of the step: {office:?}");

    // A matter assigned weeks ago and never signed for is past its due date:
    // the office's 逾期事项 counts it as the statistics' 当前超期 does.
    let late = NewAssignmentInput {
        title: "清理拖欠中小企业账款".into(), assigned_on: "2026-03-02".into(), ..input
    };
    w.app.create_assignment(&w.supervisor, &late).await?;
    w.app.sweep_assignments(w.tenant, "2026-03-20".parse()?).await?;
    let bench = w.app.workbench(&w.supervisor).await?;
    let overdue = bench.piles.iter().find(|p| p.code == "overdue").map(|p| p.items.clone()).unwrap_or_default();
    ensure!(overdue.len() == 1 && overdue[0].0 == "清理拖欠中小企业账款", "{overdue:?}");
    let stats = w.app.assignment_statistics(&w.supervisor).await?;
    let overdue_in_stats: i64 = stats.iter().map(|s| s.overdue).sum();
    ensure!(overdue_in_stats == 1, "the statistics agree: {overdue_in_stats}");
    Ok(())
}

async fn year_turn(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-12-06").await?;
    let org = w.org("市发改委").await?;
    let wu = w.user("wu", Role::Reporter, org).await?;
    let this_year = w.plan().await?;
    let task = w.task(this_year, "实施重点项目50个", org, &[], None).await?;
    let input =
        qingdan_app::PlanInput { year: "2027".into(), title: "2027年重点任务".into(), ..Default::default() };
    let next_year = w.app.create_plan(&w.supervisor, &input).await?.id;

    // December: the 2027 plan waits; every page follows 2026.
    ensure!(w.app.current_plan(w.tenant).await?.map(|p| p.id) == Some(this_year));
    let mine = w.app.my_reporting(&wu, None).await?.map(|m| m.plan.id);
    ensure!(mine == Some(this_year), "我的填报 follows 2026: {mine:?}");
    // Asked for by name, next year's plan opens (it owes nothing yet), not 计划不存在.
    let next = w.app.my_reporting(&wu, Some(next_year)).await?;
    ensure!(next.as_ref().is_some_and(|m| m.plan.id == next_year && m.items.is_empty()), "{next:?}");
    let map = w.app.workbench(&w.supervisor).await?.map.map(|m| m.plan.id);
    ensure!(map == Some(this_year), "the office's map: {map:?}");

    // January 2027: the new plan is current, and 2026's December report,
    // never sent, is still owed on the reporter's workbench.
    let january = App::open(&w.db.url, Clock::fixed_on("2027-01-10".parse()?)).await?;
    ensure!(january.current_plan(w.tenant).await?.map(|p| p.id) == Some(next_year));
    let piles = january.workbench(&wu).await?.piles;
    let missing = piles.iter().find(|p| p.code == "missing").map(|p| p.items.clone()).unwrap_or_default();
    ensure!(
        missing.iter().any(|(_, link, _)| link == &format!("/tasks/{}/report?period=2026-12", task.0)),
        "last year's December is owed: {missing:?}"
    );
    let last = january.my_reporting(&wu, Some(this_year)).await?.map(|m| m.overdue.len());
    ensure!(last == Some(1), "我的填报 of 2026 on ?plan=: {last:?}");
    // Archived, 2026 owes nothing more and is no longer offered.
    january.archive_plan(&w.supervisor, this_year, true).await?;
    let refused = january.my_reporting(&wu, Some(this_year)).await;
    ensure!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
    let piles = january.workbench(&wu).await?.piles;
    ensure!(piles.iter().all(|p| p.items.iter().all(|(_, link, _)| !link.contains("2026-12"))), "{piles:?}");
    Ok(())
}
