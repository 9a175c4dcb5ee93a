//! Synthetic key projects for the issue-15 benchmark: N projects (20,000 by
//! default in `bench/run.sh --projects`) across ten counties and the
//! synthetic tenant's development zones, with two years of accepted
//! half-monthly reports each (48), a 前期手续 node on one in ten (a third of
//! them overdue), a 堵点 on one in fifty, and one held dispatch meeting whose
//! decisions are 督办 matters, so the agenda has every part to rank.

use anyhow::Result;
use chrono::{Datelike, Days, NaiveDate};
use qingdan_app::App;
use qingdan_domain::project::{Batch, Category, Level, Nature, ProjectFields, Stage, half_month_end};
use qingdan_domain::{Decimal, OrgId, OrgKind, StatusRules, TenantId, UserId};
use qingdan_storage::{Actor, LightBasis, NewDecision, NewFactorIssue, NewMeeting, NewOrg, NewPrework};

/// Half-months of reports per project: two years.
pub const REPORTS_PER_PROJECT: usize = 48;

/// Projects handed to storage per call.
const BATCH: usize = 5_000;

const INDUSTRIES: [&str; 8] = ["新能源", "高端装备", "生物医药", "电子信息", "现代物流", "市政", "交通", "水利"];

/// Adds `count` projects owned by `depts` to `tenant`; `zones` are its development zones.
pub async fn seed_projects(
    app: &App,
    tenant: TenantId,
    depts: &[OrgId],
    zones: &[OrgId],
    leaders: &[UserId],
    count: usize,
) -> Result<usize> {
    let actor = Actor { user_id: None, at: app.clock().now(), source: None };
    let today = app.clock().today();
    let year = today.year();
    let mut counties = Vec::new();
    for c in 0..10 {
        let org = NewOrg {
            tenant_id: tenant,
            parent_id: None,
            name: format!("合成市第{:02}县区", c + 1),
            kind: if c % 2 == 0 { OrgKind::County } else { OrgKind::District },
            sort_order: 10_000 + c,
        };
        counties.push(app.store().create_org(&org, actor).await?.id);
    }
    // Two years of half-months ending with the last one before today's.
    let first = NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap_or(today);
    let periods: Vec<NaiveDate> = std::iter::successors(Some(first), |p| half_month_end(*p).succ_opt())
        .take(REPORTS_PER_PROJECT)
        .filter(|p| half_month_end(*p) < today)
        .collect();
    let mut stored = 0;
    let mut ids = Vec::with_capacity(count);
    for start in (0..count).step_by(BATCH) {
        let end = (start + BATCH).min(count);
        let mut batch = Vec::with_capacity(end - start);
        let mut amounts = Vec::with_capacity(end - start);
        for i in start..end {
            let (fields, amount) = project(i, year, &counties, depts, zones, leaders);
            let done: Decimal = amount * Decimal::from(periods.len() as i64);
            let this_year = amount * Decimal::from(periods.iter().filter(|p| p.year() == year).count() as i64);
            batch.push((fields, done, this_year));
            amounts.push(amount);
        }
        let new_ids = app.store().bulk_insert_projects(tenant, &batch, actor.at).await?;
        let mut reports = Vec::with_capacity(new_ids.len() * periods.len());
        for (id, amount) in new_ids.iter().zip(&amounts) {
            for period in &periods {
                reports.push((*id, *period, *amount));
            }
        }
        app.store().bulk_insert_project_reports(tenant, &reports, actor.at).await?;
        stored += new_ids.len();
        ids.extend(new_ids);
    }
    let basis = LightBasis { rules: StatusRules::default(), today };
    for (n, id) in ids.iter().enumerate().filter(|(n, _)| n % 10 == 0) {
        let days = (n / 10 % 90) as u64;
        let deadline = if n % 30 == 0 {
            today.checked_sub_days(Days::new(days + 1))
        } else {
            today.checked_add_days(Days::new(days + 1))
        };
        let node = NewPrework {
            project_id: *id,
            name: "环评".into(),
            org_id: depts[n % depts.len()],
            deadline: deadline.unwrap_or(today),
        };
        app.store().add_prework(tenant, &node, basis, actor).await?;
    }
    for (n, id) in ids.iter().enumerate().filter(|(n, _)| n % 50 == 0) {
        let issue = NewFactorIssue {
            project_id: *id,
            kind: qingdan_domain::project::FactorKind::Land,
            description: "用地指标未落实".into(),
            org_id: depts[(n + 7) % depts.len()],
            deadline: today.checked_add_days(Days::new((n % 40) as u64)).unwrap_or(today),
            level: qingdan_domain::project::Coordination::County,
        };
        app.store().raise_factor_issue(tenant, &issue, actor).await?;
    }
    app.store().relight_projects(tenant, basis).await?;
    let meeting = NewMeeting {
        title: "合成市重点项目调度会".into(),
        held_on: today.checked_sub_days(Days::new(15)).unwrap_or(today),
        place: String::new(),
        chair: String::new(),
        attendees: String::new(),
        summary: String::new(),
        agenda: "{}".into(),
    };
    let meeting = app.store().create_meeting(tenant, &meeting, actor).await?;
    for (n, id) in ids.iter().take(10).enumerate() {
        let decision = NewDecision {
            project_id: Some(*id),
            content: format!("协调解决第{}个项目的要素保障问题", n + 1),
            lead_org_id: depts[n % depts.len()],
            deadline: today.checked_add_days(Days::new(10)).unwrap_or(today),
        };
        app.store().add_decision(tenant, meeting, &decision, actor).await?;
    }
    Ok(stored)
}

/// Project `i` and its amount per half-month: paced so that about a third
/// keep up with the year, a third lag a little and a third far.
fn project(
    i: usize,
    year: i32,
    counties: &[OrgId],
    depts: &[OrgId],
    zones: &[OrgId],
    leaders: &[UserId],
) -> (ProjectFields, Decimal) {
    let total = Decimal::from(10_000 + (i as i64 * 7_919) % 500_000);
    let year_plan = (total / Decimal::from(4)).round();
    let pace = [110, 85, 55][i % 3];
    let amount = (year_plan * Decimal::from(pace) / Decimal::from(100 * 24)).round_dp(2);
    let fields = ProjectFields {
        name: format!("合成市重点项目{:05}{}", i + 1, INDUSTRIES[i % INDUSTRIES.len()]),
        code: format!("{year}-330100-{:02}-01-{:06}", i % 90, i),
        nature: if i.is_multiple_of(3) { Nature::Continuing } else { Nature::New },
        category: Category::ALL[i % Category::ALL.len()],
        industry: INDUSTRIES[i % INDUSTRIES.len()].into(),
        county_org_id: Some(counties[i % counties.len()]),
        zone_org_id: (i.is_multiple_of(4) && !zones.is_empty()).then(|| zones[i % zones.len()]),
        location: String::new(),
        owner_org_id: depts[i % depts.len()],
        scale: String::new(),
        total_investment: total,
        funding: "企业自筹".into(),
        year,
        year_plan,
        base_total: Decimal::ZERO,
        base_year: Decimal::ZERO,
        planned_start: NaiveDate::from_ymd_opt(year - 1, 3, 1),
        actual_start: NaiveDate::from_ymd_opt(year - 1, 3, 15),
        planned_completion: NaiveDate::from_ymd_opt(year + 1, 12, 31),
        actual_completion: None,
        signed_on: NaiveDate::from_ymd_opt(year - 2, 12, 1),
        producing_on: None,
        stage: if i.is_multiple_of(20) { Stage::Signed } else { Stage::Building },
        batch: i.is_multiple_of(20).then_some(Batch::Starting),
        level: Level::ALL[i % Level::ALL.len()],
        progress_text: "主体施工".into(),
        liaison_leader_id: leaders.get(i % leaders.len().max(1)).copied(),
        lead_org_id: Some(depts[(i + 1) % depts.len()]),
        responsible: String::new(),
        task_id: None,
    };
    (fields, amount)
}
