//! 考核排名, on both engines: development zones ranked monthly on a scheme
//! modelled on a 开发区考核办法 (goal completion, rank points, a deduction
//! from 督办 and a veto); every total recomputed independently from its
//! breakdown; one zone vetoed and one rising three places; a correction
//! published as a new version with the old kept; entered values imported
//! from a ledger with one bad row refused and nothing stored; each org sees
//! its own breakdown only; the year ends in tiers.

use anyhow::{Result, anyhow, ensure};
use qingdan_app::assessment::{SchemeInput, ValueInput};
use qingdan_app::projects::ProjectInput;
use qingdan_app::supervision::NewAssignmentInput;
use qingdan_app::{AppError, OrgInput};
use qingdan_domain::assessment::Tier;
use qingdan_domain::{Decimal, OrgId, Role, User};
use qingdan_storage::AuditQuery;
use qingdan_testkit::{Backend, World, on_both_engines};
use std::str::FromStr;

on_both_engines! {
    zones_rank_monthly_each_total_is_its_breakdown_and_corrections_are_new_versions => monthly;
    racing_publications_of_a_month_take_one_version_each => racing_publications;
    a_zones_project_rate_counts_only_the_schemes_year => project_rate_of_the_year;
    a_past_month_is_rated_on_its_projects_and_matters_at_its_end => past_month;
}

const ZONES: [&str; 6] = ["高新区", "经开区", "临港区", "空港区", "文旅区", "综保区"];

fn scheme_json(zones: &[OrgId]) -> String {
    let orgs: Vec<String> = zones.iter().map(|z| z.0.to_string()).collect();
    format!(
        r#"{{
  "groups": [{{"name": "开发区", "orgs": [{orgs}]}}],
  "indicators": [
    {{"key": "econ", "name": "经济发展"}},
    {{"key": "industry", "name": "规上工业增加值", "parent": "econ", "points": "40",
      "method": {{"kind": "completion", "cap": "1.2", "floor": "0.6"}}, "source": {{"kind": "entered"}}}},
    {{"key": "invest", "name": "固定资产投资争先进位", "parent": "econ", "points": "30",
      "method": {{"kind": "rank", "step": "3"}}, "source": {{"kind": "entered"}}}},
    {{"key": "matters", "name": "督办逾期扣分", "method": {{"kind": "bonus", "per_unit": "-2", "cap": "6"}},
      "source": {{"kind": "matters_overdue"}}}},
    {{"key": "safety", "name": "重大安全生产事故", "method": {{"kind": "veto"}}, "source": {{"kind": "entered"}}}}
  ],
  "year_end": "average",
  "tiers": {{"advanced": 2, "improved_by": 3, "pass": "30"}},
  "show_others": false
}}"#,
        orgs = orgs.join(", ")
    )
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

/// (zone, 工业增加值 value, own target, 投资 value, safety) rows for a month.
fn rows(zones: &[OrgId], figures: &[(&str, &str, &str, &str)]) -> Vec<ValueInput> {
    let mut out = Vec::new();
    for (zone, (value, target, invest, safety)) in zones.iter().zip(figures) {
        let org = zone.0.to_string();
        let row = |indicator: &str, value: &str, target: &str| ValueInput {
            org_id: org.clone(),
            indicator: indicator.into(),
            value: value.into(),
            target: target.into(),
        };
        out.push(row("industry", value, target));
        out.push(row("固定资产投资争先进位", invest, ""));
        out.push(row("safety", safety, ""));
    }
    out
}

fn ledger(lines: &[[&str; 4]]) -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, header) in ["单位名称", "指标", "数值", "目标值"].iter().enumerate() {
        sheet.write_string(0, c as u16, *header)?;
    }
    for (r, line) in lines.iter().enumerate() {
        for (c, text) in line.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *text)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

async fn monthly(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-05").await?;
    let app = &w.app;
    let office = &w.supervisor;
    let mut zones = Vec::new();
    for name in ZONES {
        let input = OrgInput { name: name.into(), kind: "dev_zone".into(), parent_id: None, sort_order: None };
        zones.push(app.create_org(&w.admin, &input).await?.id);
    }
    let zone_user: User = w.user("gxq.li", Role::Reporter, zones[0]).await?;
    let leader = w.user("mayor", Role::Leader, office.org_id).await?;

    // The scheme: a bad document is refused with the fault named; the office alone defines it.
    let bad = SchemeInput { year: "2026".into(), name: "开发区考核".into(), body: "{\"groups\": []".into() };
    ensure!(matches!(app.create_scheme(office, &bad).await, Err(AppError::Invalid(_))));
    let input =
        SchemeInput {
            year: "2026".into(), name: "2026年开发区高质量发展考核".into(), body: scheme_json(&zones)
        };
    ensure!(matches!(app.create_scheme(&zone_user, &input).await, Err(AppError::Forbidden)));
    let id = app.create_scheme(office, &input).await?;
    ensure!(
        !app.store().audit_trail(w.tenant, "assessment_scheme", id).await?.is_empty(),
        "the scheme's creation is in the audit trail"
    );

    // May: values typed in; 临港区 has two overdue 督办 matters (−4).
    for _ in 0..2 {
        let matter = NewAssignmentInput {
            title: "园区道路未按期完工".into(),
            source: "leader_instruction".into(),
            text: "请加快推进".into(),
            lead_org_id: Some(zones[2].0),
            assigned_on: "2026-05-06".into(),
            ..NewAssignmentInput::default()
        };
        app.create_assignment(office, &matter).await?;
    }
    let may = [
        ("110", "100", "90", ""),
        ("100", "100", "80", ""),
        ("95", "100", "70", ""),
        ("70", "100", "60", ""),
        ("102", "100", "50", ""),
        ("120", "100", "40", ""),
    ];
    app.set_assessment_values(office, id, "2026-05", &rows(&zones, &may)).await?;
    ensure!(matches!(app.publish_month(&zone_user, id, "2026-05", "").await, Err(AppError::Forbidden)));
    ensure!(app.publish_month(office, id, "2026-05", "").await? == 1);

    // June: imported from a ledger; one bad row refuses the whole file.
    let bad = ledger(&[["高新区", "规上工业增加值", "105", "100"], ["不存在区", "规上工业增加值", "九十", ""]])?;
    let e = app.import_assessment_values(office, id, "2026-06", &bad).await.err();
    let messages: Vec<String> = match &e {
        Some(AppError::Invalid(i)) => i.errors.iter().map(|e| e.message.clone()).collect(),
        other => return Err(anyhow!("a bad ledger was not refused: {other:?}")),
    };
    ensure!(
        messages.iter().any(|m| m.starts_with("第 3 行 A 列"))
            && messages.iter().any(|m| m.starts_with("第 3 行 C 列")),
        "{messages:?}"
    );
    ensure!(app.assessment_values(office, id, "2026-06").await?.is_empty(), "nothing of the bad file was stored");
    let mut lines = Vec::new();
    // 综保区 falls; 文旅区 rises from 5th to 2nd; 空港区 has a major accident (vetoed).
    let june = [
        ("高新区", "112", "60"),
        ("经开区", "101", "50"),
        ("临港区", "96", "40"),
        ("空港区", "99", "90"),
        ("文旅区", "118", "80"),
        ("综保区", "61", "30"),
    ];
    for (zone, industry, invest) in june {
        lines.push([zone, "规上工业增加值", industry, "100"]);
        lines.push([zone, "invest", invest, ""]);
    }
    lines.push(["空港区", "重大安全生产事故", "1", ""]);
    app.import_assessment_values(office, id, "2026-06", &ledger(&lines)?).await?;
    ensure!(app.publish_month(office, id, "2026-06", "").await? == 1);

    let view = app.published_month(office, id, "2026-06", None).await?;
    let results = &view.result.groups[0].results;
    ensure!(results.len() == 6);
    for r in results {
        // Recomputed from the breakdown alone.
        let lines: Decimal = r.lines.iter().map(|l| l.points).sum();
        let expected = if r.vetoed.is_some() { Decimal::ZERO } else { lines };
        ensure!(r.total == expected, "{}: total {} but its lines add to {lines}", view.result.name(r.org_id), r.total);
        ensure!(r.base + r.bonus + r.deduction == lines);
    }
    let of = |zone: OrgId| results.iter().find(|r| r.org_id == zone).ok_or_else(|| anyhow!("missing zone"));
    let airport = of(zones[3])?;
    ensure!(airport.vetoed.as_deref() == Some("重大安全生产事故") && airport.rank == 6 && airport.total.is_zero());
    let lingang = of(zones[2])?;
    ensure!(lingang.deduction == d("-4"), "two overdue matters: {}", lingang.deduction);
    // 高新区: 112% of 100 → 44.8 of 40 points; its 投资 60 has two zones above it → 30 − 2×3 = 24.
    let gaoxin = of(zones[0])?;
    ensure!(gaoxin.lines.iter().find(|l| l.key == "industry").map(|l| l.points) == Some(d("44.8")));
    ensure!(gaoxin.lines.iter().find(|l| l.key == "invest").map(|l| l.points) == Some(d("24")));
    let wenlv = of(zones[4])?;
    let may_view = app.published_month(office, id, "2026-05", None).await?;
    let may_rank = may_view.result.of(zones[4]).map(|(_, r)| r.rank).unwrap_or(0);
    ensure!(view.movement.get(&zones[4]) == Some(&(may_rank as i64 - wenlv.rank as i64)));
    ensure!(view.movement.get(&zones[4]) == Some(&3), "文旅区 rose {may_rank} → {}", wenlv.rank);

    // A correction: republished as version 2; version 1 is kept as it was.
    let fix = [ValueInput {
        org_id: zones[5].0.to_string(),
        indicator: "industry".into(),
        value: "91".into(),
        target: "100".into(),
    }];
    app.set_assessment_values(office, id, "2026-06", &fix).await?;
    ensure!(app.publish_month(office, id, "2026-06", "综保区工业增加值更正").await? == 2);
    let v1 = app.published_month(office, id, "2026-06", Some(1)).await?;
    let v2 = app.published_month(office, id, "2026-06", None).await?;
    ensure!(v2.version == 2 && v1.version == 1 && v2.versions == [1, 2]);
    ensure!(v1.result.of(zones[5]).map(|(_, r)| r.total) != v2.result.of(zones[5]).map(|(_, r)| r.total));
    let audit = app
        .store()
        .audit_search(
            w.tenant,
            &AuditQuery { entity: Some("assessment_value".into()), limit: 100, ..Default::default() },
        )
        .await?;
    ensure!(audit.len() == 18 + 13 + 1, "every entered value is audited: {}", audit.len());

    // Who sees what.
    let own = app.published_month(&zone_user, id, "2026-06", None).await?;
    ensure!(!own.full && own.result.groups[0].results.len() == 1 && !own.result.groups[0].results[0].lines.is_empty());
    ensure!(app.published_month(&leader, id, "2026-06", None).await?.result.groups[0].results.len() == 6);
    for admin in [&w.admin, &w.security, &w.auditor] {
        ensure!(matches!(app.published_month(admin, id, "2026-06", None).await, Err(AppError::Forbidden)));
    }
    let stranger = w.stranger(Role::Supervisor).await?;
    ensure!(matches!(app.published_month(&stranger, id, "2026-06", None).await, Err(AppError::NotFound(_))));
    let inbox = app.inbox(&zone_user, false).await?;
    ensure!(inbox.iter().filter(|m| m.title.contains("考核结果已发布")).count() == 3, "{inbox:?}");

    // Documents: the score sheet reads back; the bulletin lists every zone.
    let sheet = app.score_sheet(office, id, "2026-06", None).await?;
    let table = qingdan_office::read_xlsx_rows(&sheet.bytes)?;
    ensure!(table.iter().any(|row| row.iter().any(|c| c == "空港区")), "{table:?}");
    // Totals as the month's page writes them: no trailing zeros.
    let month = app.published_month(office, id, "2026-06", None).await?;
    let totals: Vec<String> =
        month.result.groups.iter().flat_map(|g| &g.results).map(|r| r.total.normalize().to_string()).collect();
    ensure!(totals.iter().all(|t| table.iter().any(|row| row.get(3) == Some(t))), "{totals:?} in {table:?}");
    let bulletin = app.ranking_bulletin(office, id, "2026-06").await?;
    let text = qingdan_office::docx_text(&bulletin.bytes)?;
    ensure!(ZONES.iter().all(|z| text.contains(z)) && text.contains("一票否决"), "{text}");
    // The scheme's name holds the year and 考核: each is said once.
    let title = "关于2026年6月开发区高质量发展考核排名情况的通报";
    ensure!(bulletin.file_name == format!("{title}.docx") && text.contains(title), "{}", bulletin.file_name);
    opens_as_pdf(&bulletin.bytes)?;

    // The year so far: the mean of May and June; 空港区 vetoed is 末位约谈.
    let year = app.year_end(office, id).await?;
    ensure!(year.len() == 6);
    let line = |zone: OrgId| year.iter().find(|l| l.org_id == zone).ok_or_else(|| anyhow!("missing"));
    ensure!(line(zones[3])?.tier == Tier::Interview);
    ensure!(year.iter().filter(|l| l.tier == Tier::Advanced).count() == 2);
    let first = line(zones[0])?;
    let months: Vec<Decimal> =
        [&may_view, &v2].iter().filter_map(|v| v.result.of(zones[0]).map(|(_, r)| r.total)).collect();
    ensure!(first.total == ((months[0] + months[1]) / Decimal::from(2)).round_dp(2));
    Ok(())
}

/// The bulletin opens in LibreOffice: converted to a PDF that names every
/// zone. Without `soffice` it is skipped with a message, except under `CI`.
fn opens_as_pdf(docx: &[u8]) -> Result<()> {
    use std::process::Command;
    if Command::new("soffice").arg("--version").output().is_err() {
        ensure!(std::env::var_os("CI").is_none(), "soffice is missing and CI is set");
        eprintln!("SKIP: soffice not found; the ranking bulletin was not opened as PDF");
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("bulletin.docx");
    std::fs::write(&input, docx)?;
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .output()?;
    let pdf = std::fs::read(dir.path().join("bulletin.pdf"))
        .map_err(|e| anyhow!("soffice made no PDF ({e}): {}", String::from_utf8_lossy(&out.stderr)))?;
    ensure!(pdf.starts_with(b"%PDF"), "not a PDF");
    let Ok(text) = Command::new("pdftotext").arg(dir.path().join("bulletin.pdf")).arg("-").output() else {
        eprintln!("SKIP: pdftotext not found; the PDF's text was not read");
        return Ok(());
    };
    let text: String = String::from_utf8_lossy(&text.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    let has_font = Command::new("fc-list").arg(":lang=zh").output().is_ok_and(|o| !o.stdout.is_empty());
    if has_font {
        ensure!(ZONES.iter().all(|z| text.contains(z)), "every zone in the PDF: {text}");
    }
    Ok(())
}

async fn racing_publications(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-05").await?;
    let mut zones = Vec::new();
    for name in ZONES {
        let input = OrgInput { name: name.into(), kind: "dev_zone".into(), parent_id: None, sort_order: None };
        zones.push(w.app.create_org(&w.admin, &input).await?.id);
    }
    let input = SchemeInput { year: "2026".into(), name: "开发区考核".into(), body: scheme_json(&zones) };
    let id = w.app.create_scheme(&w.supervisor, &input).await?;
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let (app, office) = (w.app.clone(), w.supervisor.clone());
            tokio::spawn(async move { app.publish_month(&office, id, "2026-06", "").await })
        })
        .collect();
    let mut versions = Vec::new();
    for racer in racers {
        versions.push(racer.await??);
    }
    versions.sort_unstable();
    ensure!(versions == (1..=8).collect::<Vec<i64>>(), "each publication its own version: {versions:?}");
    let stored: Vec<i64> =
        w.app.published_months(&w.supervisor, id).await?.into_iter().map(|(_, version, _, _)| version).collect();
    ensure!(stored == (1..=8).collect::<Vec<i64>>(), "{stored:?}");
    Ok(())
}

/// 重点项目投资完成率 of a zone: a project registered in December for next
/// year (its plan, nothing done) is not in this year's rate.
async fn project_rate_of_the_year(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-12-10").await?;
    let (app, office) = (&w.app, &w.supervisor);
    let mut zones = Vec::new();
    for name in ["高新区", "经开区"] {
        let input = OrgInput { name: name.into(), kind: "dev_zone".into(), parent_id: None, sort_order: None };
        zones.push(app.create_org(&w.admin, &input).await?.id);
    }
    let owner = w.org("青川实业有限公司").await?;
    let project = |name: &str, zone: OrgId, year: &str, plan: &str, done: &str| ProjectInput {
        name: name.into(),
        nature: "新建".into(),
        category: "产业".into(),
        zone_org_id: zone.0.to_string(),
        owner_org_id: owner.0.to_string(),
        total_investment: "100000".into(),
        year: year.into(),
        year_plan: plan.into(),
        base_total: done.into(),
        base_year: done.into(),
        stage: "在建".into(),
        level: "市重点".into(),
        planned_start: "2026-03-01".into(),
        actual_start: "2026-03-10".into(),
        ..ProjectInput::default()
    };
    app.create_project(office, &project("高新区芯片厂", zones[0], "2026", "10000", "5000")).await?;
    app.create_project(office, &project("经开区电池厂", zones[1], "2026", "10000", "8000")).await?;
    app.create_project(office, &project("经开区数据中心", zones[1], "2027", "90000", "0")).await?;
    let orgs: Vec<String> = zones.iter().map(|z| z.0.to_string()).collect();
    let body = format!(
        r#"{{"groups": [{{"name": "开发区", "orgs": [{}]}}],
  "indicators": [{{"key": "project_rate", "name": "重点项目投资完成率", "points": "30",
      "method": {{"kind": "ratio_to_best"}}, "source": {{"kind": "project_rate"}}}}],
  "year_end": "average", "tiers": {{"advanced": 1, "improved_by": 3, "pass": "10"}}, "show_others": false}}"#,
        orgs.join(", ")
    );
    let input = SchemeInput { year: "2026".into(), name: "2026年开发区考核".into(), body };
    let id = app.create_scheme(office, &input).await?;
    let month = app.compute_month(office, id, "2026-11").await?;
    let rate = |zone: OrgId| month.of(zone).and_then(|(_, r)| r.lines.first().and_then(|l| l.value));
    ensure!(rate(zones[0]) == Some(Decimal::from(50)), "{:?}", rate(zones[0]));
    ensure!(rate(zones[1]) == Some(Decimal::from(80)), "2027's 90,000 not in 2026's rate: {:?}", rate(zones[1]));
    ensure!(month.of(zones[1]).is_some_and(|(_, r)| r.rank == 1), "经开区 leads on its own year's work");
    Ok(())
}

/// Computed in December, August is rated on what stood at August's end: the
/// project's 本年完成 without September's accepted report, the matter closed in
/// October still open and overdue; November on both. The result says so.
async fn past_month(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-12-10").await?;
    let (app, office) = (&w.app, &w.supervisor);
    let input = OrgInput { name: "高新区".into(), kind: "dev_zone".into(), parent_id: None, sort_order: None };
    let zone = app.create_org(&w.admin, &input).await?.id;
    let owner = w.org("青川实业有限公司").await?;
    let clerk = w.user("qc.wang", Role::Reporter, owner).await?;
    let project = ProjectInput {
        name: "高新区芯片厂".into(),
        nature: "新建".into(),
        category: "产业".into(),
        zone_org_id: zone.0.to_string(),
        owner_org_id: owner.0.to_string(),
        total_investment: "100000".into(),
        year: "2026".into(),
        year_plan: "10000".into(),
        base_total: "5000".into(),
        base_year: "5000".into(),
        stage: "在建".into(),
        level: "市重点".into(),
        planned_start: "2026-03-01".into(),
        actual_start: "2026-03-10".into(),
        ..ProjectInput::default()
    };
    let project = app.create_project(office, &project).await?;
    let september = qingdan_app::projects::ProjectReportInput {
        period: "2026-09-01".into(),
        amount: "3000".into(),
        progress_text: "主体结构施工".into(),
        ..Default::default()
    };
    let report = app.submit_project_report(&clerk, project, &september).await?;
    app.review_project_report(office, report, None, true, "").await?;
    let matter = NewAssignmentInput {
        title: "园区道路未按期完工".into(),
        source: "leader_instruction".into(),
        text: "请加快推进".into(),
        lead_org_id: Some(zone.0),
        assigned_on: "2026-05-06".into(),
        ..NewAssignmentInput::default()
    };
    let matter = app.create_assignment(office, &matter).await?;
    let closed = format!("UPDATE assignments SET is_open = false, closed_on = '2026-10-15' WHERE id = {}", matter.0);
    ensure!(w.db.execute_raw(&closed).await? == 1);
    let body = format!(
        r#"{{"groups": [{{"name": "开发区", "orgs": [{}]}}],
  "indicators": [{{"key": "project_rate", "name": "重点项目投资完成率", "points": "30",
      "method": {{"kind": "ratio_to_best"}}, "source": {{"kind": "project_rate"}}}},
    {{"key": "matters", "name": "督办逾期扣分", "method": {{"kind": "bonus", "per_unit": "-2", "cap": "6"}},
      "source": {{"kind": "matters_overdue"}}}}],
  "year_end": "average", "tiers": {{"advanced": 1, "improved_by": 3, "pass": "10"}}, "show_others": false}}"#,
        zone.0
    );
    let input = SchemeInput { year: "2026".into(), name: "2026年开发区考核".into(), body };
    let id = app.create_scheme(office, &input).await?;
    let values = |month: &qingdan_app::assessment::MonthResult| -> Vec<Option<Decimal>> {
        month.of(zone).map(|(_, r)| r.lines.iter().map(|l| l.value).collect()).unwrap_or_default()
    };
    let august = app.compute_month(office, id, "2026-08").await?;
    ensure!(values(&august) == [Some(d("50")), Some(d("1"))], "August's end: {:?}", values(&august));
    let basis = august.basis().unwrap_or_default();
    ensure!(basis.contains("晚于2026-08月末") && basis.contains("按2026-08月末的情况计"), "{basis}");
    let november = app.compute_month(office, id, "2026-11").await?;
    ensure!(values(&november) == [Some(d("80")), Some(d("0"))], "November's end: {:?}", values(&november));
    let december = app.compute_month(office, id, "2026-12").await?;
    ensure!(december.basis().is_none(), "a month computed within itself says nothing more");
    Ok(())
}
