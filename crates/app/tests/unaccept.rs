//! 撤销通过: the office sends an accepted report back to be corrected. The
//! task's figures go back at once to what its remaining accepted reports
//! give (progress, light, every target's actual, every ancestor's roll-up);
//! the corrected report, accepted again, sets them anew; an older period's
//! report changes nothing but its status; refusals change nothing; and a
//! reopening racing sibling acceptances leaves every ancestor right.

use anyhow::{Context, Result, ensure};
use qingdan_app::{AppError, ReportInput, ResponsibilityInput, ReviewInput, TargetInput, TaskInput, UnacceptInput};
use qingdan_domain::{Decimal, Light, OrgId, PlanId, ReportId, ReportStatus, Role, TaskId, User};
use qingdan_storage::AuditQuery;
use qingdan_testkit::{Backend, World, on_both_engines};
use tokio::task::JoinSet;

on_both_engines! {
    reopening_the_newest_report_sets_the_figures_back_and_the_correction_sets_them_anew => reopen_and_correct;
    refused_reopenings_change_nothing => refusals;
    reopenings_racing_sibling_acceptances_leave_every_ancestor_right => race;
}

/// What the figures of a task, its targets and its section are.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Figures {
    percent: i64,
    light: Light,
    actuals: Vec<Option<Decimal>>,
    section_percent: i64,
    section_light: Light,
}

async fn figures(w: &World, task: TaskId, section: TaskId) -> Result<Figures> {
    let d = w.app.task_detail(&w.supervisor, task).await?;
    let s = w.app.task(&w.supervisor, section).await?.task;
    Ok(Figures {
        percent: d.item.task.percent_done,
        light: d.item.task.light,
        actuals: d.targets.iter().map(|t| t.actual).collect(),
        section_percent: s.percent_done,
        section_light: s.light,
    })
}

fn target(metric: &str, value: &str) -> TargetInput {
    TargetInput {
        metric: metric.into(),
        value: value.into(),
        unit: "个".into(),
        comparator: "ge".into(),
        baseline: String::new(),
        deadline: String::new(),
    }
}

async fn add(
    w: &World,
    plan: PlanId,
    parent: Option<TaskId>,
    title: &str,
    weight: i64,
    lead: OrgId,
    targets: Vec<TargetInput>,
) -> Result<TaskId> {
    let input = TaskInput {
        parent_id: parent.map(|p| p.0),
        number: String::new(),
        title: title.into(),
        weight: weight.to_string(),
        deadline: "2026-12-31".into(),
        start_date: String::new(),
        targets,
        responsibility: None,
    };
    let id = w.app.create_task(&w.supervisor, plan, &input).await?;
    let responsibility = ResponsibilityInput { lead_org_id: Some(lead.0), ..ResponsibilityInput::default() };
    w.app.set_responsibility(&w.supervisor, id, &responsibility).await?;
    Ok(id)
}

/// A report for `period` at `percent`, with the targets' actuals as given
/// (`""` leaves one unreported); checked values (数据已核实) so a slip is taken.
async fn report(
    w: &World,
    reporter: &User,
    task: TaskId,
    period: &str,
    percent: i64,
    actuals: &[&str],
) -> Result<ReportId> {
    let targets = w.app.task_detail(&w.supervisor, task).await?.targets;
    let actuals = targets
        .iter()
        .zip(actuals)
        .map(|(t, a)| qingdan_app::ActualInput { target_id: t.id.0.to_string(), actual: (*a).to_owned() })
        .collect();
    let input = ReportInput {
        period: period.into(),
        percent_done: percent.to_string(),
        narrative: "按计划推进".into(),
        actuals,
        confirmed: true,
        ..ReportInput::default()
    };
    Ok(w.app.submit_report(reporter, task, &input).await?)
}

async fn accept(w: &World, id: ReportId) -> Result<()> {
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    Ok(w.app.review(&w.supervisor, id, &accept).await?)
}

fn reason(text: &str) -> UnacceptInput {
    UnacceptInput { comment: text.into() }
}

async fn status(w: &World, id: ReportId) -> Result<(ReportStatus, String)> {
    let r = w.app.store().report(w.tenant, id).await?.context("the report")?;
    Ok((r.status, r.review_comment))
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or(Decimal::MIN)
}

/// A section over the task (two targets: 新建基站 ≥ 100, 改造小区 ≥ 50) and
/// a sibling accepted at 80 %.
struct Setup {
    w: World,
    plan: PlanId,
    reporter: User,
    task: TaskId,
    section: TaskId,
}

async fn setup(backend: Backend) -> Result<Setup> {
    let w = World::new(backend, "2026-12-04").await?;
    let org = w.org("市工信局").await?;
    let reporter = w.user("gxj", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let section = add(&w, plan, None, "推进数字基础设施建设", 1, org, Vec::new()).await?;
    let targets = vec![target("新建5G基站", "100"), target("改造老旧小区", "50")];
    let task = add(&w, plan, Some(section), "新建5G基站和改造小区", 1, org, targets).await?;
    let sibling = add(&w, plan, Some(section), "推进千兆光网", 1, org, Vec::new()).await?;
    let r = report(&w, &reporter, sibling, "2026-06", 80, &[]).await?;
    accept(&w, r).await?;
    Ok(Setup { w, plan, reporter, task, section })
}

async fn reopen_and_correct(backend: Backend) -> Result<()> {
    let Setup { w, reporter, task, section, .. } = setup(backend).await?;
    // June: 30 of 100 stations, no estate figure yet, 40 %.
    let june = report(&w, &reporter, task, "2026-06", 40, &["30", ""]).await?;
    accept(&w, june).await?;
    let after_june = figures(&w, task, section).await?;
    ensure!(after_june.actuals == vec![Some(dec("30")), None], "{after_june:?}");
    // September: 1200 typed for 120, and the estates' first figure.
    let september = report(&w, &reporter, task, "2026-09", 60, &["1200", "20"]).await?;
    accept(&w, september).await?;
    let slipped = figures(&w, task, section).await?;
    ensure!(slipped.actuals == vec![Some(dec("1200")), Some(dec("20"))], "{slipped:?}");
    ensure!(slipped != after_june, "the slip moved the figures: {slipped:?}");

    let reopened = w.app.unaccept_report(&w.supervisor, september, &reason("基站数量应为120，请更正")).await?;
    ensure!(reopened.status == ReportStatus::Returned, "{reopened:?}");
    ensure!(
        status(&w, september).await? == (ReportStatus::Returned, "基站数量应为120，请更正".into()),
        "returned with the reason"
    );
    let back = figures(&w, task, section).await?;
    ensure!(back == after_june, "back to June's figures: {back:?}, June gave {after_june:?}");

    // The reporter is told, and the audit keeps it.
    let inbox = w.app.inbox(&reporter, true).await?;
    ensure!(
        inbox.iter().any(|m| m.title.contains("撤销通过") && m.body.contains("基站数量应为120")),
        "the reporter's inbox: {inbox:?}"
    );
    let linked = |l: &Option<String>| l.as_deref().is_some_and(|l| l.ends_with("/report?period=2026-09"));
    ensure!(inbox.iter().any(|m| linked(&m.link)), "the message opens September's form: {inbox:?}");
    // September is neither current nor owed: it still waits on the workbench.
    let bench = w.app.workbench(&reporter).await?;
    let returned = bench.piles.iter().find(|p| p.code == "returned").context("no 已退回")?;
    ensure!(returned.count == 1 && linked(&returned.items.first().map(|i| i.1.clone())), "{returned:?}");
    let query = AuditQuery { action: Some("unaccept".into()), limit: 10, ..Default::default() };
    let events = w.app.store().audit_search(w.tenant, &query).await?;
    ensure!(events.len() == 1 && events[0].event.entity_id == september.0, "{events:?}");
    let (before, after) =
        (events[0].event.before.clone().unwrap_or_default(), events[0].event.after.clone().unwrap_or_default());
    ensure!(
        before.contains("accepted") && after.contains("returned") && after.contains("基站数量应为120"),
        "{before} → {after}"
    );

    // Corrected from the kept text and accepted again.
    let corrected = report(&w, &reporter, task, "2026-09", 60, &["90", "20"]).await?;
    ensure!(corrected == september, "the same report, resubmitted");
    accept(&w, corrected).await?;
    let now = figures(&w, task, section).await?;
    // 90 of 100 and 20 of 50: (90 + 40) / 2; the section (65 + 80) / 2.
    ensure!(now.actuals == vec![Some(dec("90")), Some(dec("20"))], "{now:?}");
    ensure!(now.percent == 65 && now.section_percent == 72, "{now:?}");

    // June's report is not the newest: reopening it moves no figure.
    w.app.unaccept_report(&w.supervisor, june, &reason("附件缺失")).await?;
    ensure!(status(&w, june).await?.0 == ReportStatus::Returned, "June returned");
    let still = figures(&w, task, section).await?;
    ensure!(still == now, "an older period's reopening moved {now:?} to {still:?}");

    // The last accepted report reopened: as if never reported.
    w.app.unaccept_report(&w.supervisor, september, &reason("全部重报")).await?;
    let none = figures(&w, task, section).await?;
    ensure!(none.percent == 0 && none.actuals == vec![None, None] && none.section_percent == 40, "{none:?}");
    ensure!(none.light == Light::Red, "0 % in December: {none:?}");
    Ok(())
}

async fn refusals(backend: Backend) -> Result<()> {
    let Setup { w, plan, reporter, task, section } = setup(backend).await?;
    let june = report(&w, &reporter, task, "2026-06", 40, &["30", ""]).await?;
    accept(&w, june).await?;
    let september = report(&w, &reporter, task, "2026-09", 60, &["1200", "20"]).await?;
    let before = figures(&w, task, section).await?;

    // Waiting for review, then returned: not accepted.
    let refused = w.app.unaccept_report(&w.supervisor, september, &reason("更正")).await;
    ensure!(
        matches!(&refused, Err(AppError::Conflict(m)) if m == qingdan_app::REPORT_NOT_ACCEPTED),
        "waiting: {refused:?}"
    );
    let back = ReviewInput { decision: "return".into(), comment: "请补充".into(), revision: None };
    w.app.review(&w.supervisor, september, &back).await?;
    let refused = w.app.unaccept_report(&w.supervisor, september, &reason("更正")).await;
    ensure!(matches!(&refused, Err(AppError::Conflict(_))), "returned: {refused:?}");
    ensure!(status(&w, september).await? == (ReportStatus::Returned, "请补充".into()), "the return stands");

    // No reason; not the office; another tenant's office.
    for blank in ["", "   "] {
        let refused = w.app.unaccept_report(&w.supervisor, june, &reason(blank)).await;
        ensure!(matches!(&refused, Err(AppError::Invalid(i)) if i.errors[0].field == "comment"), "{refused:?}");
    }
    let refused = w.app.unaccept_report(&reporter, june, &reason("更正")).await;
    ensure!(matches!(refused, Err(AppError::Forbidden)), "a reporter: {refused:?}");
    let leader = w.user("leader", Role::Leader, w.supervisor.org_id).await?;
    let refused = w.app.unaccept_report(&leader, june, &reason("更正")).await;
    ensure!(matches!(refused, Err(AppError::Forbidden)), "a leader: {refused:?}");
    let stranger = w.stranger(Role::Supervisor).await?;
    let refused = w.app.unaccept_report(&stranger, june, &reason("更正")).await;
    ensure!(matches!(refused, Err(AppError::NotFound(_))), "another tenant: {refused:?}");

    // An archived plan is read-only.
    w.app.archive_plan(&w.supervisor, plan, true).await?;
    let refused = w.app.unaccept_report(&w.supervisor, june, &reason("更正")).await;
    ensure!(
        matches!(&refused, Err(AppError::Conflict(m)) if m == qingdan_app::ARCHIVED_UNACCEPT),
        "archived: {refused:?}"
    );

    ensure!(status(&w, june).await?.0 == ReportStatus::Accepted, "June stays accepted");
    let after = figures(&w, task, section).await?;
    ensure!(after == before, "a refusal moved {before:?} to {after:?}");
    let query = AuditQuery { action: Some("unaccept".into()), limit: 10, ..Default::default() };
    ensure!(w.app.store().audit_search(w.tenant, &query).await?.is_empty(), "nothing audited");
    Ok(())
}

/// Sections under the root, leaves under each section.
const SECTIONS: usize = 2;
const LEAVES: usize = 6;

/// Two sections of six leaves, every leaf accepted for June; the first
/// half of each section's leaves also for September. Then, at once, those
/// Septembers are reopened while the others' Septembers are accepted. Every
/// leaf then stands at the percent of its newest accepted report, and every
/// ancestor at the weighted mean of its children's stored percents,
/// recomputed here.
async fn race(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-12-04").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let mut offices = vec![w.supervisor.clone()];
    for i in 0..3 {
        offices.push(w.user(&format!("office{i}"), Role::Supervisor, w.supervisor.org_id).await?);
    }
    let plan = w.plan().await?;
    let root = add(&w, plan, None, "全面推进重点工作", 1, org, Vec::new()).await?;
    let mut sections = Vec::new();
    let mut to_reopen = Vec::new();
    let mut to_accept = Vec::new();
    // (leaf, weight, the percent it must stand at)
    let mut leaves: Vec<(TaskId, TaskId, i64, i64)> = Vec::new();
    for s in 0..SECTIONS {
        let section = add(&w, plan, Some(root), &format!("第{}方面", s + 1), (s + 2) as i64, org, Vec::new()).await?;
        sections.push((section, (s + 2) as i64));
        for l in 0..LEAVES {
            let weight = ((s + l) % 4 + 1) as i64;
            let leaf =
                add(&w, plan, Some(section), &format!("第{}方面第{}项", s + 1, l + 1), weight, org, Vec::new()).await?;
            let june = (s * 31 + l * 17 + 5) as i64 % 101;
            let september = (s * 23 + l * 29 + 41) as i64 % 101;
            let r = report(&w, &reporter, leaf, "2026-06", june, &[]).await?;
            accept(&w, r).await?;
            let r = report(&w, &reporter, leaf, "2026-09", september, &[]).await?;
            if l < LEAVES / 2 {
                accept(&w, r).await?;
                to_reopen.push(r);
                leaves.push((leaf, section, weight, june));
            } else {
                to_accept.push(r);
                leaves.push((leaf, section, weight, september));
            }
        }
    }
    let mut racing: JoinSet<Result<(), AppError>> = JoinSet::new();
    for (i, (reopen, accepted)) in to_reopen.iter().zip(&to_accept).enumerate() {
        let (app, office, id) = (w.app.clone(), offices[i % offices.len()].clone(), *reopen);
        racing.spawn(async move { app.unaccept_report(&office, id, &reason("数据有误")).await.map(|_| ()) });
        let (app, office, id) = (w.app.clone(), offices[(i + 1) % offices.len()].clone(), *accepted);
        racing.spawn(async move {
            let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
            app.review(&office, id, &accept).await
        });
    }
    while let Some(done) = racing.join_next().await {
        done.context("racing task")??;
    }
    let percent = |id: TaskId| {
        let (app, office) = (w.app.clone(), w.supervisor.clone());
        async move { Ok::<i64, anyhow::Error>(app.task(&office, id).await?.task.percent_done) }
    };
    let mut section_percents = Vec::new();
    for (section, section_weight) in &sections {
        let (mut sum, mut weights) = (0, 0);
        for (leaf, _, weight, want) in leaves.iter().filter(|l| l.1 == *section) {
            let got = percent(*leaf).await?;
            ensure!(got == *want, "leaf {} stands at {got}%, its newest accepted report says {want}%", leaf.0);
            sum += weight * got;
            weights += weight;
        }
        let got = percent(*section).await?;
        ensure!(got == sum / weights, "section {} has {got}%, its leaves make {}%", section.0, sum / weights);
        section_percents.push((*section_weight, got));
    }
    let weights: i64 = section_percents.iter().map(|(w, _)| w).sum();
    let want = section_percents.iter().map(|(w, p)| w * p).sum::<i64>() / weights;
    let got = percent(root).await?;
    ensure!(got == want, "the root has {got}%, its sections make {want}%");
    Ok(())
}
