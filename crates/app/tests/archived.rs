//! An archived (归档) plan is read-only everywhere: reports waiting in 审核
//! are frozen (no review, single or bulk, even one racing the archive), and
//! the light refresh leaves its lights as they were and alerts no one.

use anyhow::{Result, ensure};
use qingdan_app::{App, AppError, ChannelInput, Clock, ReportInput, ReviewFilter, ReviewInput};
use qingdan_domain::{Light, Period, PlanId, ReportId, ReportStatus, Role, TaskId, User};
use qingdan_storage::{Actor, NewReport};
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    reports_waiting_when_a_plan_is_archived_are_frozen_not_reviewed => frozen_reviews;
    an_archived_plans_lights_stand_and_raise_no_alert => lights_stand;
}

struct Archived {
    w: World,
    plan: PlanId,
    tasks: [TaskId; 2],
    reports: [ReportId; 2],
}

fn report(percent: &str) -> ReportInput {
    ReportInput {
        period: "2026-06".into(),
        percent_done: percent.into(),
        narrative: "推进中".into(),
        ..Default::default()
    }
}

fn review(decision: &str) -> ReviewInput {
    ReviewInput { decision: decision.into(), comment: "请补充材料".into(), revision: None }
}

/// Two tasks each with a June report waiting for review, then the plan archived.
async fn archived(backend: Backend, today: &str) -> Result<(Archived, User)> {
    let w = World::new(backend, today).await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "新建5G基站", org, &[], None).await?;
    let b = w.task(plan, "改造老旧小区", org, &[], None).await?;
    let ra = w.app.submit_report(&reporter, a, &report("60")).await?;
    let rb = w.app.submit_report(&reporter, b, &report("70")).await?;
    ensure!(w.app.waiting_reports(&w.supervisor, plan).await? == 2, "the archive button's count");
    w.app.archive_plan(&w.supervisor, plan, true).await?;
    Ok((Archived { w, plan, tasks: [a, b], reports: [ra, rb] }, reporter))
}

fn refused_as_archived(result: Result<(), AppError>) -> bool {
    matches!(result, Err(AppError::Conflict(m)) if m == qingdan_app::ARCHIVED_REVIEW)
}

async fn frozen_reviews(backend: Backend) -> Result<()> {
    let (x, reporter) = archived(backend, "2026-07-01").await?;
    let (w, office) = (&x.w, &x.w.supervisor);
    let [ra, rb] = x.reports;
    for decision in ["accept", "return"] {
        ensure!(refused_as_archived(w.app.review(office, ra, &review(decision)).await), "{decision}");
    }
    let bulk = w.app.review_many(office, &[(ra.0, review("accept")), (rb.0, review("return"))]).await?;
    ensure!(bulk.iter().all(|o| matches!(o, Err(AppError::Conflict(m)) if m == qingdan_app::ARCHIVED_REVIEW)));
    let batch = w.app.accept_reports(office, &[(ra, None), (rb, None)]).await?;
    ensure!(batch.accepted == 0 && batch.refused.len() == 2, "{batch:?}");
    ensure!(batch.refused.iter().all(|r| r.reason == qingdan_app::ARCHIVED_REVIEW), "{batch:?}");
    for (task, report) in x.tasks.into_iter().zip(x.reports) {
        ensure!(w.app.task(office, task).await?.task.percent_done == 0, "no progress moved");
        let stored = w.app.store().report(w.tenant, report).await?;
        ensure!(stored.is_some_and(|r| r.status == ReportStatus::Submitted), "still waiting");
    }
    let board = w.app.review_board(office, ReviewFilter::default()).await?;
    ensure!(board.cards.len() == 2 && board.cards.iter().all(|c| c.item.is_frozen), "listed, marked frozen");
    let counts = w.app.workbench_counts(office).await?;
    ensure!(counts.iter().any(|(code, n)| *code == "to_review" && *n == 0), "nothing to review: {counts:?}");
    // Frozen for the reporter too: no 撤回, no files added.
    let withdrawn = w.app.withdraw_report(&reporter, ra).await;
    ensure!(matches!(&withdrawn, Err(AppError::Conflict(m)) if m == qingdan_app::ARCHIVED_FROZEN), "{withdrawn:?}");
    let scan = qingdan_app::Upload {
        name: "扫描件.pdf".into(),
        content_type: "application/pdf".into(),
        content: b"%PDF-1.4 scan".to_vec(),
    };
    let added = w.app.add_report_files(&reporter, rb, &[scan]).await;
    ensure!(matches!(&added, Err(AppError::Conflict(m)) if m == qingdan_app::ARCHIVED_FROZEN), "{added:?}");
    ensure!(w.app.report_files(office, rb).await?.is_empty(), "nothing stored");

    // Behind the app's back (a submission racing the archive): the store
    // keeps the report, and it waits frozen like the others.
    let new = NewReport {
        tenant_id: w.tenant,
        task_id: x.tasks[0],
        org_id: reporter.org_id,
        period: "2026-07".parse::<Period>().map_err(anyhow::Error::msg)?,
        percent_done: 80,
        narrative: "x".into(),
        problems: String::new(),
        next_steps: String::new(),
        actuals: Vec::new(),
        submitted_by: reporter.id,
    };
    let actor = Actor { user_id: Some(reporter.id), at: chrono::Utc::now(), source: None };
    let raced = w.app.store().submit_report(&new, actor).await?;
    let refused = w.app.review(office, raced, &review("accept")).await;
    ensure!(matches!(&refused, Err(AppError::Conflict(m)) if m.contains("已归档")), "{refused:?}");
    ensure!(w.app.task(office, x.tasks[0]).await?.task.percent_done == 0, "nothing moved");
    let withdrawn = w.app.store().withdraw_report(w.tenant, raced, reporter.org_id, actor).await?;
    ensure!(withdrawn.percent_done == 80);

    // Published again, the frozen reports are reviewed as before.
    w.app.archive_plan(office, x.plan, false).await?;
    let board = w.app.review_board(office, ReviewFilter::default()).await?;
    ensure!(board.cards.iter().all(|c| !c.item.is_frozen));
    w.app.review(office, ra, &review("accept")).await?;
    w.app.review(office, rb, &review("return")).await?;
    ensure!(w.app.task(office, x.tasks[0]).await?.task.percent_done == 60);
    ensure!(w.app.waiting_reports(office, x.plan).await? == 0);
    Ok(())
}

async fn lights_stand(backend: Backend) -> Result<()> {
    let (x, _) = archived(backend, "2026-12-01").await?;
    let w = &x.w;
    let robot = ChannelInput {
        kind: "dingtalk".into(),
        name: "督查群".into(),
        // Nothing listens on port 9: the queued rows are all this test reads.
        webhook: "http://127.0.0.1:9/robot/send?access_token=t".into(),
        enabled: true,
        ..ChannelInput::default()
    };
    w.app.create_notification_channel(&w.admin, &robot).await?;
    let lights = |app: App| {
        let (office, tasks) = (w.supervisor.clone(), x.tasks);
        async move {
            let mut lights = Vec::new();
            for task in tasks {
                let t = app.task(&office, task).await?.task;
                lights.push((t.percent_done, t.light));
            }
            anyhow::Ok(lights)
        }
    };
    let alerts = |app: App| {
        let admin = w.admin.clone();
        async move {
            let outbox = app.notification_outbox(&admin, 100).await?;
            anyhow::Ok(outbox.into_iter().filter(|n| n.event_key.starts_with("task-red:")).count())
        }
    };
    let before = lights(w.app.clone()).await?;
    ensure!(before.iter().all(|(_, l)| *l != Light::Overdue), "{before:?}");

    // January: every task is past its deadline and unfinished, but the plan is archived.
    let january = App::open(&w.db.url, Clock::fixed_on("2027-01-05".parse()?))
        .await?
        .with_network_policy(qingdan_testkit::loopback());
    ensure!(january.refresh_lights(w.tenant).await? == 0, "nothing relit");
    ensure!(january.refresh_all_lights().await? == 0, "nor by the hourly sweep");
    ensure!(lights(january.clone()).await? == before, "the lights stand as archived");
    ensure!(alerts(january.clone()).await? == 0, "no red-light alert");

    // Published again, the same refresh turns the task 逾期 and alerts; the
    // other, deleted meanwhile, stands in the 回收站 as it was.
    january.archive_plan(&w.supervisor, x.plan, false).await?;
    january.delete_task(&w.supervisor, x.tasks[1]).await?;
    ensure!(january.refresh_lights(w.tenant).await? == 1, "the deleted task is not relit");
    let kept = january.task(&w.supervisor, x.tasks[0]).await?.task.light;
    ensure!(kept == Light::Overdue, "{kept:?}");
    let deleted = january.store().task(w.tenant, x.tasks[1]).await?.map(|t| t.task.light);
    ensure!(deleted == Some(before[1].1), "{deleted:?}");
    ensure!(alerts(january).await? == 1, "one alert to the lead org");
    Ok(())
}
