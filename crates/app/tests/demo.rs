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
    demo_projects_span_counties_and_zones_with_two_meetings_made_matters => demo_projects;
    demo_zones_are_ranked_monthly_with_one_vetoed_and_one_rising_three_places => demo_assessment;
}

/// The demo's 开发区考核: six zones published every month from February to
/// last month; one vetoed in a month, one rising three places in the last.
async fn demo_assessment(backend: Backend) -> Result<()> {
    let db = TestDb::new(backend).await?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 15).unwrap_or_default();
    let app = App::open(&db.url, Clock::fixed_on(today)).await?;
    let demo = app.seed_demo().await?;
    let office = app.store().users(demo.tenant).await?.into_iter().find(|u| u.username == "duchao");
    let office = office.ok_or_else(|| anyhow::anyhow!("no office"))?;
    let schemes = app.schemes(&office).await?;
    ensure!(schemes.len() == 1, "{schemes:?}");
    let id = schemes[0].id;
    let mut vetoed = 0;
    for month in 2..=8 {
        let view = app.published_month(&office, id, &format!("2026-{month:02}"), None).await?;
        let results = &view.result.groups[0].results;
        ensure!(results.len() == 6);
        vetoed += results.iter().filter(|r| r.vetoed.is_some()).count();
        for r in results.iter().filter(|r| r.vetoed.is_none()) {
            let sum: qingdan_domain::Decimal = r.lines.iter().map(|l| l.points).sum();
            ensure!(sum == r.total, "{month}: {} ≠ {sum}", r.total);
        }
    }
    ensure!(vetoed == 1, "one zone vetoed in one month: {vetoed}");
    let august = app.published_month(&office, id, "2026-08", None).await?;
    ensure!(august.movement.values().any(|m| *m == 3), "one zone rises three places: {:?}", august.movement);
    ensure!(app.year_end(&office, id).await?.len() == 6);
    Ok(())
}

/// The demo's key projects as a project office would read them: about 80
/// across four counties and two zones, whole 万元, lights of every kind,
/// reports waiting for review, 堵点 open and closed, and two meetings whose
/// decisions are all 督办 matters.
async fn demo_projects(backend: Backend) -> Result<()> {
    use qingdan_domain::Light;
    let db = TestDb::new(backend).await?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 15).unwrap_or_default();
    let app = App::open(&db.url, Clock::fixed_on(today)).await?;
    let demo = app.seed_demo().await?;
    let store = app.store();
    let office = store.users(demo.tenant).await?.into_iter().find(|u| u.username == "duchao");
    let office = office.ok_or_else(|| anyhow::anyhow!("no office"))?;
    let projects = store.all_projects(demo.tenant, qingdan_storage::ProjectScope::All, &Default::default()).await?;
    ensure!((60..=100).contains(&projects.len()), "{} projects", projects.len());
    let counties: BTreeSet<_> = projects.iter().filter_map(|p| p.fields.county_org_id).collect();
    let zones: BTreeSet<_> = projects.iter().filter_map(|p| p.fields.zone_org_id).collect();
    ensure!(counties.len() == 4 && zones.len() == 6, "{counties:?} {zones:?}");
    // Only governments are counties (the 全部县区 filter lists them): not the city's office.
    let orgs = store.orgs(demo.tenant).await?;
    let county_kinds = [qingdan_domain::OrgKind::County, qingdan_domain::OrgKind::District];
    let offices: Vec<_> = orgs.iter().filter(|o| county_kinds.contains(&o.kind) && o.name.contains("办公室")).collect();
    ensure!(offices.is_empty(), "{offices:?}");
    for p in &projects {
        for money in [p.fields.total_investment, p.fields.year_plan, p.done_year, p.done_total] {
            ensure!(money.fract().is_zero() && money >= qingdan_domain::Decimal::ZERO, "{} {money}", p.fields.name);
        }
        ensure!(p.done_year <= p.done_total, "{}", p.fields.name);
        // What a project says of its site fits its stage.
        let (stage, site) = (p.fields.stage, p.fields.progress_text.as_str());
        ensure!(!stage.has_started() || !site.contains("前期"), "{}: {stage:?} {site}", p.fields.name);
        ensure!(stage.has_started() || !site.contains("施工") && !site.contains("封顶"), "{}: {site}", p.fields.name);
        if stage.is_done() {
            ensure!(
                site.contains("竣工")
                    && p.done_total * qingdan_domain::Decimal::from(10)
                        >= p.fields.total_investment * qingdan_domain::Decimal::from(9),
                "{}: {site} {}",
                p.fields.name,
                p.done_total
            );
        }
    }
    for light in [Light::Green, Light::Red, Light::Done] {
        ensure!(projects.iter().any(|p| p.light == light), "no {light:?} project");
    }
    ensure!(!app.project_review_queue(&office).await?.0.is_empty(), "the last half-month waits for review");
    let meetings = app.meetings(&office).await?;
    ensure!(meetings.len() == 2 && meetings[0].number == 2, "{meetings:?}");
    for m in &meetings {
        let detail = app.meeting_detail(&office, qingdan_domain::MeetingId(m.id)).await?;
        ensure!(detail.decisions.len() == 3 && detail.decisions.iter().all(|d| d.assignment_id.is_some()));
        for d in &detail.decisions {
            // A decision that names a project is about that project, and its matter is due when it says.
            let name = d.project_name.clone().unwrap_or_default();
            let kind = ["新能源电池材料产业园", "城乡快速通道", "人民医院新院区", "高端装备制造基地"]
                .into_iter()
                .find(|k| d.content.contains(k));
            ensure!(kind.is_none_or(|k| name.contains(k)), "{} is linked to {name}", d.content);
            let matter = app.assignment(&office, qingdan_domain::AssignmentId(d.assignment_id.unwrap_or(0))).await?;
            let solve = matter.schedule.solve;
            ensure!(
                solve >= d.deadline && (solve - d.deadline).num_days() < 7,
                "{}: due {solve}, agreed {}",
                d.content,
                d.deadline
            );
        }
    }
    let second = app.meeting_detail(&office, qingdan_domain::MeetingId(meetings[0].id)).await?;
    ensure!(second.agenda.previous_number == Some(1) && second.agenda.previous.len() == 3, "{:?}", second.agenda);
    let blockers = store.open_factor_issues(demo.tenant, qingdan_storage::ProjectScope::All, None, None, 100).await?;
    ensure!(blockers.len() >= 4, "{} open 堵点", blockers.len());
    let map = app.project_map(&office, None).await?;
    ensure!(map.by_county.len() == 4 && map.all.projects == projects.len(), "{:?}", map.by_county);
    Ok(())
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
    let query = TaskQuery::whole_plan(demo.tenant, demo.plan, 500);
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
