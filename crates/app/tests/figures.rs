//! Figures a leader can trust, on SQLite and on PostgreSQL: only accepted
//! reports speak (a returned one counts as not reported), every count opens a
//! list of as many rows, the bulletin reports the period last due with the
//! same counts in every part, and reports that cannot be true are refused.

use anyhow::{Result, ensure};
use qingdan_app::{
    ActualInput, App, AppError, Clock, ReportInput, ResponsibilityInput, ReviewInput, TargetInput, TaskFilter,
    TaskInput,
};
use qingdan_domain::{Light, OrgId, PlanId, ReportId, Role, TaskId, User};
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    a_returned_report_says_nothing_and_counts_as_not_reported => returned;
    every_count_opens_a_list_of_as_many_rows => counts_match_lists;
    the_bulletin_defaults_to_the_period_last_due_with_one_count_everywhere => bulletin;
    reports_that_cannot_be_true_are_refused_and_surprising_ones_confirmed => implausible;
}

/// 一、 with three leaves (A, B, A), 二、 with two (B, A); a 320-个 target on the last.
struct Plan {
    plan: PlanId,
    sections: [TaskId; 2],
    leaves: [TaskId; 5],
    orgs: [OrgId; 2],
    a: User,
    b: User,
    leader: User,
}

async fn task(w: &World, plan: PlanId, parent: Option<TaskId>, title: &str, target: bool) -> Result<TaskId> {
    let targets = if target {
        vec![TargetInput {
            metric: "新建5G基站".into(),
            value: "320".into(),
            unit: "个".into(),
            comparator: "ge".into(),
            baseline: String::new(),
            deadline: String::new(),
        }]
    } else {
        Vec::new()
    };
    let input = TaskInput {
        parent_id: parent.map(|p| p.0),
        number: String::new(),
        title: title.into(),
        weight: String::new(),
        deadline: "2026-12-31".into(),
        start_date: String::new(),
        targets,
        responsibility: None,
    };
    Ok(w.app.create_task(&w.supervisor, plan, &input).await?)
}

async fn lead(w: &World, task: TaskId, org: OrgId) -> Result<()> {
    let input = ResponsibilityInput { lead_org_id: Some(org.0), ..ResponsibilityInput::default() };
    Ok(w.app.set_responsibility(&w.supervisor, task, &input).await?)
}

async fn plan(w: &World) -> Result<Plan> {
    let orgs = [w.org("市发改委").await?, w.org("市住建局").await?];
    let a = w.user("fgw", Role::Reporter, orgs[0]).await?;
    let b = w.user("zjj", Role::Reporter, orgs[1]).await?;
    let leader = w.user("li", Role::Leader, orgs[0]).await?;
    let plan = w.plan().await?;
    let sections = [task(w, plan, None, "稳增长", false).await?, task(w, plan, None, "惠民生", false).await?];
    let leaves = [
        task(w, plan, Some(sections[0]), "地区生产总值增长6%", false).await?,
        task(w, plan, Some(sections[0]), "改造老旧小区120个", false).await?,
        task(w, plan, Some(sections[0]), "新增城镇就业2万人", false).await?,
        task(w, plan, Some(sections[1]), "新建保障性住房800套", false).await?,
        task(w, plan, Some(sections[1]), "新建5G基站320个", true).await?,
    ];
    for (i, leaf) in leaves.iter().enumerate() {
        lead(w, *leaf, orgs[usize::from(matches!(i, 1 | 3))]).await?;
    }
    for section in sections {
        lead(w, section, orgs[0]).await?;
    }
    Ok(Plan { plan, sections, leaves, orgs, a, b, leader })
}

fn input(period: &str, percent: u32, problems: &str) -> ReportInput {
    ReportInput {
        period: period.into(),
        percent_done: percent.to_string(),
        narrative: format!("{period}按计划推进"),
        problems: problems.into(),
        ..ReportInput::default()
    }
}

async fn submit(w: &World, by: &User, task: TaskId, period: &str, percent: u32, problems: &str) -> Result<ReportId> {
    Ok(w.app.submit_report(by, task, &input(period, percent, problems)).await?)
}

async fn decide(w: &World, id: ReportId, decision: &str) -> Result<()> {
    let review =
        ReviewInput { decision: decision.into(), comment: "数据与台账不符，请核实".into(), revision: None };
    Ok(w.app.review(&w.supervisor, id, &review).await?)
}

async fn returned(backend: Backend) -> Result<()> {
    // May's reports were due 05-25; June's are due 06-25; it is 07-01.
    let w = World::new(backend, "2026-07-01").await?;
    let p = plan(&w).await?;
    let may = submit(&w, &p.b, p.leaves[1], "2026-05", 5, "征地拆迁受阻").await?;
    decide(&w, may, "accept").await?;
    let june = submit(&w, &p.b, p.leaves[1], "2026-06", 90, "资金缺口3亿元").await?;
    decide(&w, june, "return").await?;
    let other = submit(&w, &p.b, p.leaves[3], "2026-06", 50, "工期滞后").await?;
    decide(&w, other, "return").await?;

    let task = w.app.task(&p.leader, p.leaves[1]).await?.task;
    ensure!(task.percent_done == 5 && task.light == Light::Red, "the returned 90% moved nothing: {task:?}");
    let map = w.app.dashboard(&p.leader, p.plan).await?;
    let red: Vec<(TaskId, &str)> = map.red_list.iter().map(|t| (t.id, t.problems.as_str())).collect();
    ensure!(red.contains(&(p.leaves[1], "征地拆迁受阻")), "the accepted report's problems, not the returned: {red:?}");
    ensure!(red.iter().all(|(_, problems)| !problems.contains("工期滞后")), "{red:?}");

    let status = w.app.reporting_status(&w.supervisor, p.plan, "2026-06".parse().ok()).await?;
    let housing = status.orgs.iter().find(|o| o.org_id == p.orgs[1]).map(|o| (o.tasks_due, o.on_time, o.missing));
    ensure!(housing == Some((2, 0, 2)), "both returned reports count as missing after the due date: {housing:?}");

    // The ledger of June (exported while June is the current period).
    let in_june = App::open(&w.db.url, Clock::fixed_on("2026-06-28".parse()?)).await?;
    let ledger = qingdan_office::read_xlsx_rows(&in_june.export_ledger(&w.supervisor, p.plan).await?.bytes)?;
    let row = ledger.iter().find(|r| r[1] == "改造老旧小区120个").cloned().unwrap_or_default();
    ensure!(row.get(14..17) == Some(&["已退回".to_owned(), String::new(), String::new()][..]), "{row:?}");
    let bulletin = w.app.bulletin(&w.supervisor, p.plan, "2026-06".parse().ok()).await?;
    let text = qingdan_office::docx_text(&bulletin.bytes)?;
    ensure!(!text.contains("资金缺口3亿元") && !text.contains("工期滞后"), "{text}");
    ensure!(text.contains("征地拆迁受阻"), "{text}");
    ensure!(text.lines().any(|l| l.trim().ends_with("\t市住建局\t0\t2")), "returned counts as missing: {text}");
    Ok(())
}

/// Tasks the plan page lists under `filter`: every row of every page.
async fn rows(w: &World, user: &User, plan: PlanId, light: Light, org: Option<OrgId>) -> Result<i64> {
    let filter = TaskFilter {
        light: Some(light.code().into()),
        lead_org: org.map(|o| o.0.to_string()),
        per_page: Some("200".into()),
        ..TaskFilter::default()
    };
    let page = w.app.plan_overview(user, plan, &filter).await?;
    ensure!(!page.tasks.is_total_capped, "an exact total");
    ensure!(page.tasks.items.len() as i64 == page.tasks.total, "one page holds them all");
    Ok(page.tasks.total)
}

async fn counts_match_lists(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let p = plan(&w).await?;
    for (task, by, percent) in [(0, &p.a, 5), (1, &p.b, 3), (2, &p.a, 60), (3, &p.b, 40)] {
        let id = submit(&w, by, p.leaves[task], "2026-06", percent, "").await?;
        decide(&w, id, "accept").await?;
    }
    w.app.refresh_lights(w.tenant).await?;
    let section = w.app.task(&p.leader, p.sections[0]).await?.task;
    ensure!(section.light == Light::Red, "a section can be red too, and is no working task: {section:?}");

    let map = w.app.dashboard(&p.leader, p.plan).await?;
    let overview = w.app.plan_overview(&p.leader, p.plan, &TaskFilter::default()).await?;
    ensure!(map.totals.total() == 5 && overview.counts.total() == 5, "five working tasks on both pages");
    for light in Light::ALL {
        let listed = rows(&w, &p.leader, p.plan, light, None).await?;
        ensure!(
            map.totals.of(light) == listed,
            "{light:?}: the map's card says {}, its list has {listed}",
            map.totals.of(light)
        );
        ensure!(overview.counts.of(light) == listed, "{light:?}: the plan page's card opens {listed} rows");
        for org in &map.by_org {
            let org_id = org.id.map(OrgId);
            let listed = rows(&w, &p.leader, p.plan, light, org_id).await?;
            ensure!(
                org.tally.of(light) == listed,
                "{} {light:?}: bar {} against {listed}",
                org.name,
                org.tally.of(light)
            );
        }
    }
    ensure!(map.red_list.len() as i64 == map.totals.alarms(), "the red list holds the alarms the cards count");
    Ok(())
}

async fn bulletin(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let p = plan(&w).await?;
    let id = submit(&w, &p.a, p.leaves[0], "2026-06", 5, "项目落地慢").await?;
    decide(&w, id, "accept").await?;
    // July is under way (due 07-25): the bulletin by default reports June.
    let doc = w.app.bulletin(&w.supervisor, p.plan, None).await?;
    ensure!(doc.file_name == "工作进展通报-2026-06.docx", "{}", doc.file_name);
    let text = qingdan_office::docx_text(&doc.bytes)?;
    ensure!(text.contains("关于2026年6月重点任务推进情况的通报"), "{text}");
    ensure!(text.contains("逾期未报") || text.contains("未按时报送"), "June's missing reports are named: {text}");
    // June's figures stand on 06-30: the map of that day is the map of the
    // day after, as nothing was reported since.
    ensure!(text.contains("截至2026年6月30日"), "{text}");
    let map = w.app.dashboard(&w.supervisor, p.plan).await?;
    let (red, overdue) = (map.totals.of(Light::Red), map.totals.of(Light::Overdue));
    ensure!(red >= 1, "a red task to count");
    ensure!(text.contains(&format!("红灯（严重滞后）{red}项")), "part one: {text}");
    ensure!(text.contains(&format!("本期红灯任务{red}项、逾期未完成任务{overdue}项")), "part three: {text}");
    Ok(())
}

async fn implausible(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let p = plan(&w).await?;
    let refused = |r: Result<ReportId, AppError>, field: &str, code: &str| -> Result<()> {
        match r {
            Err(AppError::Invalid(e)) if e.errors.iter().any(|f| f.field == field && f.code == code) => Ok(()),
            other => anyhow::bail!("{field}/{code}: {other:?}"),
        }
    };
    refused(w.app.submit_report(&p.a, p.sections[0], &input("2026-06", 50, "")).await, "task", "section")?;
    refused(w.app.submit_report(&p.a, p.leaves[0], &input("2000-01", 50, "")).await, "period", "before_start")?;

    let target = w.app.task_detail(&p.a, p.leaves[4]).await?.targets[0].id;
    let with_actual = |actual: &str, confirmed: bool| ReportInput {
        actuals: vec![ActualInput { target_id: target.0.to_string(), actual: actual.into() }],
        confirmed,
        ..input("2026-06", 50, "")
    };
    refused(w.app.submit_report(&p.a, p.leaves[4], &with_actual("-5", false)).await, "actuals[0]", "negative")?;
    refused(w.app.submit_report(&p.a, p.leaves[4], &with_actual("1200", false)).await, "actuals[0]", "surprising")?;
    let june = w.app.reporting_status(&w.supervisor, p.plan, "2026-06".parse().ok()).await?;
    ensure!(june.tasks.iter().all(|t| t.submitted_at.is_none()), "nothing refused was saved");
    // Confirmed, the surprising value is taken.
    let id = w.app.submit_report(&p.a, p.leaves[4], &with_actual("1200", true)).await?;
    decide(&w, id, "accept").await?;
    ensure!(w.app.task(&p.a, p.leaves[4]).await?.task.light == Light::Done, "1,200 of 320 is done");
    Ok(())
}
