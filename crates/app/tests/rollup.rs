//! The review roll-up under concurrency, on both engines: many reviewers
//! accept sibling tasks' reports at the same moment, round after round, and
//! every section's and the root's work progress is then compared with a
//! recomputation from the leaves written here, independently of the product.

use anyhow::{Context, Result, ensure};
use qingdan_app::{
    App, AppError, BulkResponsibilityInput, ReportInput, ResponsibilityInput, ReviewInput, TaskEdit, TaskInput,
};
use qingdan_domain::{OrgId, PlanId, ReportId, Role, StatusRules, TaskId, User};
use qingdan_testkit::{Backend, World, on_both_engines};
use tokio::task::JoinSet;

on_both_engines! {
    parallel_sibling_acceptances_leave_every_ancestor_right => parallel_acceptances;
    weight_edits_racing_acceptances_leave_every_ancestor_right => edits_racing_acceptances;
    assignments_racing_acceptances_neither_deadlock_nor_skew_a_figure => assignments_racing_acceptances;
    a_light_sweep_racing_acceptances_leaves_every_light_true => sweep_racing_acceptances;
}

/// Sections under the root, and leaves under each section.
const SECTIONS: i64 = 3;
const LEAVES: i64 = 5;

/// A node of the tree as the test knows it: its id, weight and children.
struct Node {
    id: TaskId,
    weight: i64,
    children: Vec<Node>,
}

async fn add(w: &World, plan: PlanId, parent: Option<TaskId>, title: &str, weight: i64, lead: OrgId) -> Result<TaskId> {
    let input = TaskInput {
        parent_id: parent.map(|p| p.0),
        number: String::new(),
        title: title.into(),
        weight: weight.to_string(),
        deadline: "2026-12-31".into(),
        start_date: String::new(),
        targets: Vec::new(),
        responsibility: None,
    };
    let id = w.app.create_task(&w.supervisor, plan, &input).await?;
    let responsibility = ResponsibilityInput { lead_org_id: Some(lead.0), ..ResponsibilityInput::default() };
    w.app.set_responsibility(&w.supervisor, id, &responsibility).await?;
    Ok(id)
}

async fn tree(w: &World, plan: PlanId, lead: OrgId) -> Result<Node> {
    let root = add(w, plan, None, "全面推进重点工作", 1, lead).await?;
    let mut sections = Vec::new();
    for s in 0..SECTIONS {
        let id = add(w, plan, Some(root), &format!("第{}方面工作", s + 1), s + 2, lead).await?;
        let mut leaves = Vec::new();
        for l in 0..LEAVES {
            let weight = (s + l) % 4 + 1;
            let leaf = add(w, plan, Some(id), &format!("第{}方面第{}项", s + 1, l + 1), weight, lead).await?;
            leaves.push(Node { id: leaf, weight, children: Vec::new() });
        }
        sections.push(Node { id, weight: s + 2, children: leaves });
    }
    Ok(Node { id: root, weight: 1, children: sections })
}

fn report(period: &str, percent: i64) -> ReportInput {
    ReportInput {
        period: period.into(),
        percent_done: percent.to_string(),
        narrative: "按计划推进".into(),
        ..ReportInput::default()
    }
}

/// The weighted mean of the children, rounded down: the definition of a
/// parent's work progress, written again here on whole-number weights.
fn expected(node: &Node, stored: &dyn Fn(TaskId) -> i64) -> i64 {
    if node.children.is_empty() {
        return stored(node.id);
    }
    let weights: i64 = node.children.iter().map(|c| c.weight).sum();
    let sum: i64 = node.children.iter().map(|c| c.weight * expected(c, stored)).sum();
    sum / weights
}

/// Each leaf's report for `month`, submitted through `app` one after the other, the i-th
/// leaf at `spread(i) % 101` percent: (report, leaf, percent) in leaf order.
async fn submit_round(
    app: &App,
    reporter: &User,
    leaves: &[TaskId],
    month: &str,
    spread: impl Fn(usize) -> usize,
) -> Result<Vec<(ReportId, TaskId, i64)>> {
    let mut reports = Vec::with_capacity(leaves.len());
    for (i, leaf) in leaves.iter().enumerate() {
        let percent = i64::try_from(spread(i) % 101)?;
        reports.push((app.submit_report(reporter, *leaf, &report(month, percent)).await?, *leaf, percent));
    }
    Ok(reports)
}

/// Spawns `office`'s acceptance of `report` into `set`, to race the others.
fn spawn_acceptance(set: &mut JoinSet<Result<(), AppError>>, app: &App, office: &User, report: ReportId) {
    let (app, office) = (app.clone(), office.clone());
    set.spawn(async move {
        let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
        app.review(&office, report, &accept).await
    });
}

async fn percent(app: &App, user: &User, id: TaskId) -> Result<i64> {
    Ok(app.task(user, id).await?.task.percent_done)
}

async fn check(w: &World, node: &Node, reported: &dyn Fn(TaskId) -> i64, round: &str) -> Result<()> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let want = expected(n, reported);
        let got = percent(&w.app, &w.supervisor, n.id).await?;
        ensure!(got == want, "{round}: task {} has {got}%, its leaves make {want}%", n.id.0);
        stack.extend(n.children.iter());
    }
    Ok(())
}

async fn parallel_acceptances(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-12-04").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let mut reviewers = vec![w.supervisor.clone()];
    for i in 0..3 {
        reviewers.push(w.user(&format!("reviewer{i}"), Role::Supervisor, w.supervisor.org_id).await?);
    }
    let plan = w.plan().await?;
    let root = tree(&w, plan, org).await?;
    let leaves: Vec<TaskId> = root.children.iter().flat_map(|s| s.children.iter().map(|l| l.id)).collect();
    for (round, month) in ["2026-03", "2026-06", "2026-09"].iter().enumerate() {
        let reports = submit_round(&w.app, &reporter, &leaves, month, |i| i * 37 + round * 29).await?;
        let mut accepting = JoinSet::new();
        for (i, (id, _, _)) in reports.iter().enumerate() {
            spawn_acceptance(&mut accepting, &w.app, &reviewers[i % reviewers.len()], *id);
        }
        while let Some(done) = accepting.join_next().await {
            done.context("acceptance task")??;
        }
        let reported = |id: TaskId| reports.iter().find(|r| r.1 == id).map_or(-1, |r| r.2);
        check(&w, &root, &reported, month).await?;
    }
    Ok(())
}

/// The tree with every weight as stored now (whole numbers here).
async fn stored_weights(w: &World, node: &Node) -> Result<Node> {
    let mut children = Vec::new();
    for child in &node.children {
        children.push(Box::pin(stored_weights(w, child)).await?);
    }
    let weight = w.app.task(&w.supervisor, node.id).await?.task.weight;
    Ok(Node { id: node.id, weight: i64::try_from(weight.trunc().mantissa())?, children })
}

async fn edits_racing_acceptances(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-12-04").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let root = tree(&w, plan, org).await?;
    let leaves: Vec<TaskId> = root.children.iter().flat_map(|s| s.children.iter().map(|l| l.id)).collect();
    let reports = submit_round(&w.app, &reporter, &leaves, "2026-10", |i| i * 41 + 7).await?;
    let mut racing = JoinSet::new();
    for (i, (id, leaf, _)) in reports.iter().enumerate() {
        let (app, office, id, leaf) = (w.app.clone(), w.supervisor.clone(), *id, *leaf);
        racing.spawn(async move {
            let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
            app.review(&office, id, &accept).await?;
            let task = app.task(&office, leaf).await?.task;
            let edit = TaskEdit {
                number: task.number,
                title: task.title,
                weight: ((i * 7) % 5 + 1).to_string(),
                start_date: task.start_date.to_string(),
                deadline: task.deadline.to_string(),
            };
            app.update_task(&office, leaf, &edit).await
        });
    }
    while let Some(done) = racing.join_next().await {
        done.context("racing task")??;
    }
    let reported = |id: TaskId| reports.iter().find(|r| r.1 == id).map_or(-1, |r| r.2);
    check(&w, &stored_weights(&w, &root).await?, &reported, "after the race").await
}

/// Three rounds of every leaf accepted at once while two offices reassign
/// the whole tree in bulk, root first (the reverse of a roll-up's order from
/// leaf to root). Every request succeeds — none is chosen as a deadlock's
/// victim — and every ancestor is right after each round.
async fn assignments_racing_acceptances(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-12-04").await?;
    let orgs = [w.org("市发改委").await?, w.org("市工信局").await?, w.org("市财政局").await?];
    let reporter = w.user("fgw", Role::Reporter, orgs[0]).await?;
    let plan = w.plan().await?;
    let root = tree(&w, plan, orgs[0]).await?;
    let leaves: Vec<TaskId> = root.children.iter().flat_map(|s| s.children.iter().map(|l| l.id)).collect();
    let mut top_down = vec![root.id];
    top_down.extend(root.children.iter().map(|s| s.id));
    top_down.extend(&leaves);
    for (round, month) in ["2026-03", "2026-06", "2026-09"].iter().enumerate() {
        let reports = submit_round(&w.app, &reporter, &leaves, month, |i| i * 23 + round * 31).await?;
        let mut racing = JoinSet::new();
        for (id, _, _) in &reports {
            spawn_acceptance(&mut racing, &w.app, &w.supervisor, *id);
        }
        for office in 0..2 {
            let supporting = orgs[1 + office];
            let items: Vec<BulkResponsibilityInput> = top_down
                .iter()
                .map(|t| BulkResponsibilityInput {
                    task_id: t.0,
                    responsibility: ResponsibilityInput {
                        lead_org_id: Some(orgs[0].0),
                        supporting_org_ids: vec![supporting.0],
                        ..ResponsibilityInput::default()
                    },
                })
                .collect();
            let (app, supervisor) = (w.app.clone(), w.supervisor.clone());
            racing.spawn(async move {
                for outcome in app.set_responsibilities(&supervisor, &items).await? {
                    outcome?;
                }
                Ok(())
            });
        }
        while let Some(done) = racing.join_next().await {
            done.context("racing task")??;
        }
        let reported = |id: TaskId| reports.iter().find(|r| r.1 == id).map_or(-1, |r| r.2);
        check(&w, &root, &reported, month).await?;
    }
    Ok(())
}

/// The daily light sweep runs while every leaf's report is accepted, on three
/// later days (so the sweep has lights to turn each time). Afterwards every
/// task's light is what the status rules give for its stored progress and
/// dates on that day: a light the sweep computed from the progress before an
/// acceptance is not stored over the acceptance's own.
async fn sweep_racing_acceptances(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-02").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let root = tree(&w, plan, org).await?;
    let leaves: Vec<TaskId> = root.children.iter().flat_map(|s| s.children.iter().map(|l| l.id)).collect();
    let mut all = vec![root.id];
    all.extend(root.children.iter().map(|s| s.id));
    all.extend(&leaves);
    for (round, (day, month)) in
        [("2026-07-06", "2026-06"), ("2026-10-12", "2026-09"), ("2026-12-14", "2026-11")].iter().enumerate()
    {
        let today: chrono::NaiveDate = day.parse()?;
        let app = App::open(&w.db.url, qingdan_app::Clock::fixed_on(today)).await?;
        let reports = submit_round(&app, &reporter, &leaves, month, |i| i * 37 + round * 29).await?;
        let mut racing = JoinSet::new();
        for (id, _, _) in reports {
            spawn_acceptance(&mut racing, &app, &w.supervisor, id);
        }
        for _ in 0..2 {
            let (app, tenant) = (app.clone(), w.tenant);
            racing.spawn(async move { app.refresh_lights(tenant).await.map(|_| ()) });
        }
        while let Some(done) = racing.join_next().await {
            done.context("racing task")??;
        }
        for id in &all {
            let task = app.task(&w.supervisor, *id).await?.task;
            let want = StatusRules::default().light(task.percent_done, task.start_date, task.deadline, today);
            ensure!(
                task.light == want,
                "{day}: task {} at {}% is {:?}, the rules say {want:?}",
                id.0,
                task.percent_done,
                task.light
            );
        }
    }
    Ok(())
}
