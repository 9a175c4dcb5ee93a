//! Planner statistics never go stale: a database filled through the app in
//! its first hour has statistics of its size on both engines (refreshed as
//! commits double, not only at start and hourly, nor when PostgreSQL's
//! autovacuum next comes by); autovacuum is checked to be on.

use anyhow::{Result, bail, ensure};
use qingdan_app::{ActualInput, BulkTaskInput, ReportInput, TaskInput};
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    statistics_follow_the_data_as_it_grows => grows;
    one_bulk_write_counts_its_rows => bulk;
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
    if backend == Backend::Postgres {
        let warnings = w.app.store().planner_warnings().await?;
        ensure!(warnings.is_empty(), "{warnings:?}");
    }
    statistics_reach(&w, "progress_reports", 100).await
}

/// 300 tasks created in one transaction (one commit, 300 changes): the
/// statistics follow them as they follow 300 commits.
async fn bulk(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let plan = w.plan().await?;
    let items: Vec<BulkTaskInput> = (0..300)
        .map(|i| BulkTaskInput {
            task: TaskInput { title: format!("任务{i}"), deadline: "2026-12-31".into(), ..TaskInput::default() },
            parent_ref: None,
        })
        .collect();
    for created in w.app.create_tasks(&w.supervisor, plan, &items).await? {
        created?;
    }
    statistics_reach(&w, "tasks", 200).await
}

/// Waits up to 5 s for the statistics to count at least `rows` rows of `table`.
async fn statistics_reach(w: &World, table: &str, rows: i64) -> Result<()> {
    let mut seen = None;
    for _ in 0..50 {
        seen = w.app.store().statistics_rows(table).await?;
        if seen.is_some_and(|r| r >= rows) {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    bail!("statistics of {table} after its rows were written: {seen:?}, expected at least {rows}")
}
