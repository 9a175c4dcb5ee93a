//! The demo city as an office would read it, on SQLite and PostgreSQL: whole
//! counts for countable things (no 7.2个生活圈), reports submitted on many
//! days across the months they cover, and narratives that differ by task and
//! month in the lead org's own voice.

use anyhow::{Result, ensure};
use chrono::Datelike;
use qingdan_app::demo::is_countable_unit;
use qingdan_app::{App, Clock};
use qingdan_domain::{ReportStatus, TaskId};
use qingdan_storage::TaskQuery;
use qingdan_testkit::{Backend, TestDb, on_both_engines};
use std::collections::{BTreeSet, HashMap};

on_both_engines! {
    demo_reports_count_whole_things_spread_over_their_months_and_speak_as_departments => demo_reports;
}

/// Whether the demo takes these as counts and those as amounts.
#[test]
fn countable_units_are_measure_words_not_amounts() {
    for unit in ["个", "座", "所", "家", "项", "套", "户", "人"] {
        assert!(is_countable_unit(unit), "{unit}");
    }
    for unit in ["%", "亿元", "万人", "万人次", "万亩", "公里", "微克/立方米"] {
        assert!(!is_countable_unit(unit), "{unit}");
    }
}

async fn demo_reports(backend: Backend) -> Result<()> {
    let db = TestDb::new(backend).await?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 15).unwrap_or_default();
    let app = App::open(&db.url, Clock::fixed_on(today)).await?;
    let demo = app.seed_demo().await?;
    let store = app.store();
    let query = TaskQuery {
        tenant_id: demo.tenant,
        plan_id: demo.plan,
        visible_to: None,
        light: None,
        lead_org: None,
        text: None,
        page: 0,
        per_page: 500,
    };
    let tasks = store.tasks(&query).await?.items;
    let mut units = HashMap::new();
    let mut reports = Vec::new();
    for item in &tasks {
        let id: TaskId = item.task.id;
        for target in store.targets(demo.tenant, id).await? {
            units.insert(target.id, target.unit.clone());
        }
        reports.extend(store.task_reports(demo.tenant, id).await?);
    }
    let accepted: Vec<_> = reports.iter().filter(|r| r.status == ReportStatus::Accepted).collect();
    ensure!(accepted.len() > 100, "a season of accepted reports: {}", accepted.len());

    // Whole counts.
    let mut counted = 0;
    for report in &accepted {
        for actual in &report.actuals {
            let unit = units.get(&actual.target_id).map_or("", String::as_str);
            if is_countable_unit(unit) {
                counted += 1;
                ensure!(actual.actual.fract().is_zero(), "{}{unit} in {:?}", actual.actual, report.narrative);
            }
        }
    }
    ensure!(counted > 20, "the demo has counted targets: {counted}");

    // Dates: many days, each within (or just after) the month reported on.
    let days: BTreeSet<_> = reports.iter().map(|r| r.submitted_at.date_naive()).collect();
    ensure!(days.len() >= 40, "reports submitted on {} days: {days:?}", days.len());
    let months: BTreeSet<_> = reports.iter().map(|r| r.submitted_at.month()).collect();
    ensure!(months.len() >= 8, "January to August: {months:?}");
    for report in &reports {
        let submitted = report.submitted_at.with_timezone(&qingdan_app::beijing()).date_naive();
        ensure!(
            submitted >= report.period.first_day() && submitted <= report.period.last_day(),
            "{} submitted on {submitted}",
            report.period
        );
        if let Some(reviewed) = report.reviewed_at {
            ensure!(reviewed > report.submitted_at, "reviewed after it was submitted");
        }
    }

    // Narratives: the org's own words, different by task and month.
    let narratives: BTreeSet<_> = reports.iter().map(|r| r.narrative.as_str()).collect();
    ensure!(
        narratives.len() * 10 >= reports.len() * 9,
        "{} narratives for {} reports",
        narratives.len(),
        reports.len()
    );
    ensure!(reports.iter().all(|r| ["我局", "我委", "我区", "我县"].iter().any(|w| r.narrative.contains(w))));
    let next_steps: BTreeSet<_> = reports.iter().map(|r| r.next_steps.as_str()).collect();
    ensure!(next_steps.len() >= 20, "{} kinds of 下步打算", next_steps.len());
    ensure!(reports.iter().any(|r| r.problems.is_empty()) && reports.iter().any(|r| !r.problems.is_empty()));
    Ok(())
}
