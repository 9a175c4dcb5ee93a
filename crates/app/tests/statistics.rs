//! Planner statistics never go stale: a database filled through the app in
//! its first hour has statistics of its size on both engines (refreshed as
//! commits double, not only at start and hourly, nor when PostgreSQL's
//! autovacuum next comes by); autovacuum is checked to be on.

use anyhow::{Result, ensure};
use qingdan_app::{ActualInput, ReportInput};
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    statistics_follow_the_data_as_it_grows => grows;
}

async fn grows(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw.wu", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let mut tasks = Vec::new();
    for i in 0..30 {
        tasks.push(w.task(plan, &format!("任务{i}"), org, &[], None).await?);
    }
    for task in &tasks {
        for month in 1..=6 {
            let input = ReportInput {
                period: format!("2026-{month:02}"),
                percent_done: (month * 10).to_string(),
                narrative: "按计划推进".into(),
                problems: String::new(),
                next_steps: String::new(),
                actuals: Vec::<ActualInput>::new(),
                confirmed: false,
            };
            w.app.submit_report(&reporter, *task, &input).await?;
        }
    }
    let store = w.app.store();
    // 180 reports: the refresh at 256 commits has counted at least the first 100 or so.
    let mut rows = None;
    for _ in 0..50 {
        rows = store.statistics_rows("progress_reports").await?;
        if rows.is_some_and(|r| r >= 100) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ensure!(rows.is_some_and(|r| r >= 100), "statistics of an empty table after 180 reports: {rows:?}");
    if backend == Backend::Postgres {
        let warnings = store.planner_warnings().await?;
        ensure!(warnings.is_empty(), "{warnings:?}");
    }
    Ok(())
}
