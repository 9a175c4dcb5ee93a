//! A published list mended as an office would, on SQLite and on PostgreSQL:
//! a task's weight and dates, its targets, its place in the tree, deletion to
//! the 回收站 and restoring, lead orgs in bulk, archiving — every figure
//! computed again at once and checked here by hand, and nobody but the
//! office (and, for restoring, the admin) allowed to do it.

use anyhow::{Context, Result, bail, ensure};
use qingdan_app::{
    ARCHIVED_PLAN, ActualInput, AppError, BulkResponsibilityInput, BulkTaskInput, DELETED_TASK_REVIEW, ReportInput,
    ResponsibilityInput, RestoredPlace, ReviewInput, ReviewQuery, TargetInput, TaskEdit, TaskFilter, TaskInput,
    UserEdit,
};
use qingdan_domain::{OrgId, PlanId, Responsibility, Role, TaskId, User};
use qingdan_testkit::{Backend, World, on_both_engines};
use tokio::task::JoinSet;

on_both_engines! {
    weights_dates_and_targets_change_and_the_figures_follow => edits;
    a_task_moves_deletes_and_comes_back_with_its_reports => tree;
    lead_orgs_are_set_in_bulk_and_an_archived_plan_takes_no_changes => bulk_and_archive;
    only_the_office_mends_the_list_and_only_the_admin_restores => permissions;
    a_task_splits_in_two_and_merges_back_unless_reported => split_and_merge;
    racing_assignments_leave_one_whole_responsibility_and_a_true_trail => racing_responsibilities;
    racing_moves_leave_every_section_with_its_own_childrens_figure => racing_moves;
    a_split_racing_an_edit_keeps_the_edit => split_racing_edit;
    a_task_added_after_a_deletion_takes_a_place_of_its_own => place_after_deletion;
    a_list_left_with_two_tasks_on_one_place_is_mended_at_start => mend_shared_places;
    the_lists_total_counts_its_sections_too => listed_total;
    a_deleted_tasks_report_leaves_review_until_the_task_is_restored => deleted_task_reports;
    a_restored_task_takes_its_old_place_under_its_parent => restored_places;
    an_archived_plan_takes_no_restore_and_no_responsibility => archived_refuses_all;
    the_owner_stays_in_the_lead_org_after_bulk_assign_and_a_move => owner_in_lead_org;
    a_task_added_under_a_reported_section_counts_in_its_figures_at_once => added_child_recounts;
}

struct List {
    w: World,
    plan: PlanId,
    /// 一、 and 二、
    sections: [TaskId; 2],
    /// A and B under 一、, C under 二、
    leaves: [TaskId; 3],
    org: OrgId,
    reporter: User,
}

async fn add(w: &World, plan: PlanId, parent: Option<TaskId>, title: &str, weight: &str) -> Result<TaskId> {
    let input = TaskInput {
        parent_id: parent.map(|p| p.0),
        number: String::new(),
        title: title.into(),
        weight: weight.into(),
        deadline: "2026-12-31".into(),
        start_date: String::new(),
        targets: Vec::new(),
        responsibility: None,
    };
    Ok(w.app.create_task(&w.supervisor, plan, &input).await?)
}

async fn list(backend: Backend) -> Result<List> {
    let w = World::new(backend, "2026-07-01").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let one = add(&w, plan, None, "稳增长", "1").await?;
    let two = add(&w, plan, None, "惠民生", "1").await?;
    let a = add(&w, plan, Some(one), "新建5G基站", "1").await?;
    let b = add(&w, plan, Some(one), "改造老旧小区", "3").await?;
    let c = add(&w, plan, Some(two), "新增就业", "1").await?;
    for task in [a, b, c] {
        let lead = ResponsibilityInput { lead_org_id: Some(org.0), ..ResponsibilityInput::default() };
        w.app.set_responsibility(&w.supervisor, task, &lead).await?;
    }
    Ok(List { w, plan, sections: [one, two], leaves: [a, b, c], org, reporter })
}

impl List {
    async fn accept(&self, task: TaskId, period: &str, percent: u32, actuals: Vec<ActualInput>) -> Result<()> {
        let input = ReportInput {
            period: period.into(),
            percent_done: percent.to_string(),
            narrative: "按计划推进".into(),
            actuals,
            ..ReportInput::default()
        };
        let id = self.w.app.submit_report(&self.reporter, task, &input).await?;
        let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
        Ok(self.w.app.review(&self.w.supervisor, id, &accept).await?)
    }

    async fn percent(&self, task: TaskId) -> Result<i64> {
        Ok(self.w.app.task(&self.w.supervisor, task).await?.task.percent_done)
    }

    async fn edit(&self, task: TaskId, weight: &str, start: &str, deadline: &str) -> Result<(), AppError> {
        let item = self.w.app.task(&self.w.supervisor, task).await?.task;
        let input = TaskEdit {
            number: item.number,
            title: format!("{}（修订）", item.title),
            weight: weight.into(),
            start_date: start.into(),
            deadline: deadline.into(),
        };
        self.w.app.update_task(&self.w.supervisor, task, &input).await
    }
}

fn target(value: &str) -> TargetInput {
    TargetInput {
        metric: "新建5G基站".into(),
        value: value.into(),
        unit: "个".into(),
        comparator: "ge".into(),
        baseline: String::new(),
        deadline: String::new(),
    }
}

fn field(r: Result<(), AppError>) -> String {
    match r {
        Err(AppError::Invalid(e)) => {
            e.errors.iter().map(|f| format!("{}:{}", f.field, f.code)).collect::<Vec<_>>().join(",")
        }
        other => format!("{other:?}"),
    }
}

async fn edits(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, _] = l.leaves;
    l.accept(a, "2026-06", 40, Vec::new()).await?;
    l.accept(b, "2026-06", 80, Vec::new()).await?;
    ensure!(l.percent(l.sections[0]).await? == (40 + 3 * 80) / 4, "weights 1 and 3");

    l.edit(b, "1", "2026-01-01", "2026-12-31").await?;
    ensure!(l.percent(l.sections[0]).await? == (40 + 80) / 2, "B's weight now 1: the section follows at once");
    let title = l.w.app.task(&l.w.supervisor, b).await?.task.title;
    ensure!(title == "改造老旧小区（修订）", "{title}");
    let refused = field(l.edit(b, "-1", "2026-03-01", "2026-02-01").await);
    ensure!(refused == "weight:negative,deadline:before_start", "{refused}");

    // A target added: its value rules A's progress once an actual is accepted.
    let t = l.w.app.save_target(&l.w.supervisor, a, None, &target("100")).await?;
    let actual = vec![ActualInput { target_id: t.0.to_string(), actual: "50".into() }];
    l.accept(a, "2026-07", 45, actual).await?;
    ensure!(l.percent(a).await? == 50, "50 of 100");
    l.w.app.save_target(&l.w.supervisor, a, Some(t), &target("200")).await?;
    ensure!(l.percent(a).await? == 25, "50 of 200, recomputed on the change");
    ensure!(l.percent(l.sections[0]).await? == (25 + 80) / 2, "and the section with it");
    let negative = l.w.app.save_target(&l.w.supervisor, a, Some(t), &target("-5")).await.map(|_| ());
    ensure!(field(negative) == "targets[0].value:negative", "a count target below zero");
    let falling = TargetInput { unit: "%".into(), ..target("-1.5") };
    let falling = l.w.app.save_target(&l.w.supervisor, a, None, &falling).await?;
    l.w.app.delete_target(&l.w.supervisor, a, falling).await?;
    l.w.app.delete_target(&l.w.supervisor, a, t).await?;
    ensure!(l.percent(a).await? == 45, "without targets, the newest accepted report's percent");
    let trail = l.w.app.store().audit_trail(l.w.tenant, "task", b.0).await?;
    ensure!(
        trail.iter().any(|e| e.action == "update" && e.before.as_deref().is_some_and(|b| b.contains("改造老旧小区")))
    );
    Ok(())
}

async fn tree(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, c] = l.leaves;
    let [one, two] = l.sections;
    l.accept(a, "2026-06", 30, Vec::new()).await?;
    l.accept(b, "2026-06", 90, Vec::new()).await?;
    l.accept(c, "2026-06", 60, Vec::new()).await?;

    l.w.app.move_task(&l.w.supervisor, c, Some(one)).await?;
    ensure!(l.percent(one).await? == (30 + 3 * 90 + 60) / 5, "三 children now");
    ensure!(l.percent(two).await? == 0, "二、 is a leaf without reports now");
    let moved = l.w.app.task_detail(&l.w.supervisor, one).await?.children;
    ensure!(moved.last().map(|t| t.task.id) == Some(c), "C is 一、's last child");
    let refused = field(l.w.app.move_task(&l.w.supervisor, one, Some(a)).await);
    ensure!(refused == "parent_id:under_itself", "{refused}");

    l.w.app.delete_task(&l.w.supervisor, b).await?;
    ensure!(l.percent(one).await? == (30 + 60) / 2, "the section without B");
    let overview = l.w.app.plan_overview(&l.w.supervisor, l.plan, &TaskFilter::default()).await?;
    ensure!(overview.tasks.items.iter().all(|t| t.task.id != b), "B is off the list");
    let report = ReportInput {
        period: "2026-07".into(),
        percent_done: "95".into(),
        narrative: "x".into(),
        ..Default::default()
    };
    ensure!(l.w.app.submit_report(&l.reporter, b, &report).await.is_err(), "a deleted task takes no report");
    let trash = l.w.app.deleted_tasks(&l.w.supervisor).await?;
    ensure!(trash.len() == 1 && trash[0].task_id == b && trash[0].plan_id == l.plan, "{trash:?}");

    l.w.app.restore_task(&l.w.supervisor, b).await?;
    ensure!(l.percent(one).await? == (30 + 3 * 90 + 60) / 5, "B is back with its accepted report");
    ensure!(l.w.app.task_detail(&l.w.supervisor, b).await?.reports.len() == 1, "its report came back with it");
    ensure!(l.w.app.deleted_tasks(&l.w.supervisor).await?.is_empty());
    let actions: Vec<String> =
        l.w.app.store().audit_trail(l.w.tenant, "task", b.0).await?.into_iter().map(|e| e.action).collect();
    ensure!(actions.ends_with(&["delete".to_owned(), "restore".to_owned()]), "{actions:?}");
    Ok(())
}

async fn bulk_and_archive(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let other = l.w.org("市工信局").await?;
    let leader = l.w.user("li", Role::Leader, l.w.supervisor.org_id).await?;
    let [a, b, c] = l.leaves;
    let n = l.w.app.bulk_assign(&l.w.supervisor, l.plan, &[a, c], Some(other), Some(leader.id)).await?;
    ensure!(n.changed == 2);
    for (task, org) in [(a, other), (b, l.org), (c, other)] {
        let r = l.w.app.task(&l.w.supervisor, task).await?.task.responsibility;
        ensure!(r.lead_org_id == Some(org), "{task:?}: {r:?}");
    }
    let none = l.w.app.bulk_assign(&l.w.supervisor, l.plan, &[], None, None).await.map(|_| ());
    ensure!(field(none) == "task_ids:required,lead_org_id:required");
    // Bulk changes racing each other: each one's trail says what the task had
    // before it, which is what the one before it set.
    let mut orgs = vec![other];
    for name in ["市住建局", "市交通局", "市水利局"] {
        orgs.push(l.w.org(name).await?);
    }
    let mut racing = JoinSet::new();
    for org in orgs.iter().copied() {
        let (app, office, plan) = (l.w.app.clone(), l.w.supervisor.clone(), l.plan);
        racing.spawn(async move { app.bulk_assign(&office, plan, &[c, a], Some(org), None).await });
    }
    while let Some(done) = racing.join_next().await {
        ensure!(done??.changed == 2);
    }
    let lead = |text: &Option<String>| -> Result<Option<i64>> {
        let value: serde_json::Value = serde_json::from_str(text.as_deref().unwrap_or("null"))?;
        Ok(value.get("lead_org_id").and_then(serde_json::Value::as_i64))
    };
    for task in [a, c] {
        let trail = l.w.app.store().audit_trail(l.w.tenant, "task", task.0).await?;
        let bulk: Vec<_> = trail.iter().filter(|e| e.action == "set_responsibility").collect();
        ensure!(bulk.len() == 5, "{task:?}: the first bulk change and the four racing: {}", bulk.len());
        ensure!(lead(&bulk[0].before)? == Some(l.org.0), "{:?}", bulk[0].before);
        for pair in bulk.windows(2) {
            ensure!(
                lead(&pair[1].before)? == lead(&pair[0].after)?,
                "{:?} follows {:?}",
                pair[1].before,
                pair[0].after
            );
        }
        let now = l.w.app.task(&l.w.supervisor, task).await?.task.responsibility.lead_org_id;
        ensure!(lead(&bulk[4].after)? == now.map(|o| o.0), "the last change is what the task says");
    }

    l.w.app.archive_plan(&l.w.supervisor, l.plan, true).await?;
    ensure!(l.w.app.plans(&l.w.supervisor).await?.iter().all(|p| p.id != l.plan), "not among the working plans");
    ensure!(l.w.app.archived_plans(&l.w.supervisor).await?.iter().any(|p| p.id == l.plan));
    ensure!(matches!(l.edit(b, "2", "2026-01-01", "2026-12-31").await, Err(AppError::Conflict(_))), "read-only");
    let report = ReportInput {
        period: "2026-06".into(),
        percent_done: "10".into(),
        narrative: "x".into(),
        ..Default::default()
    };
    ensure!(matches!(l.w.app.submit_report(&l.reporter, b, &report).await, Err(AppError::Conflict(_))));
    l.w.app.archive_plan(&l.w.supervisor, l.plan, false).await?;
    l.edit(b, "2", "2026-01-01", "2026-12-31").await?;
    Ok(())
}

/// Eight clerks set one task's responsibility at once, each with another
/// lead org and other supporting orgs. Every one is saved; the task ends with
/// exactly one of them, not a blend; and the trail tells each change from
/// what stood before it: every event's `before` is the `after` of the one
/// before it, and the last `after` is what the task now says.
async fn racing_responsibilities(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, ..] = l.leaves;
    let mut orgs = vec![l.org];
    for name in ["市工信局", "市住建局", "市教育局", "市民政局"] {
        orgs.push(l.w.org(name).await?);
    }
    let inputs: Vec<ResponsibilityInput> = (0..8)
        .map(|i| ResponsibilityInput {
            lead_org_id: Some(orgs[i % 5].0),
            supporting_org_ids: if i % 2 == 0 {
                vec![orgs[(i + 1) % 5].0, orgs[(i + 3) % 5].0]
            } else {
                vec![orgs[(i + 2) % 5].0]
            },
            ..ResponsibilityInput::default()
        })
        .collect();
    let mut setting = JoinSet::new();
    for input in inputs.clone() {
        let (app, supervisor) = (l.w.app.clone(), l.w.supervisor.clone());
        setting.spawn(async move { app.set_responsibility(&supervisor, a, &input).await });
    }
    while let Some(done) = setting.join_next().await {
        done??;
    }
    let now = l.w.app.task(&l.w.supervisor, a).await?.task.responsibility;
    let as_saved = |input: &ResponsibilityInput| {
        let mut supporting: Vec<i64> = input.supporting_org_ids.clone();
        supporting.sort_unstable();
        (input.lead_org_id, supporting)
    };
    let now_ids = (now.lead_org_id.map(|o| o.0), now.supporting_org_ids.iter().map(|o| o.0).collect::<Vec<_>>());
    ensure!(inputs.iter().any(|i| as_saved(i) == now_ids), "one whole input, not a blend: {now:?}");

    let trail = l.w.app.store().audit_trail(l.w.tenant, "task", a.0).await?;
    let assigns: Vec<_> = trail.iter().filter(|e| e.action == "assign").collect();
    ensure!(assigns.len() == 9, "the set-up's assignment and the eight: {}", assigns.len());
    let json = |text: &Option<String>| -> Result<Responsibility> {
        Ok(serde_json::from_str(text.as_deref().unwrap_or("null"))?)
    };
    for pair in assigns.windows(2) {
        ensure!(json(&pair[1].before)? == json(&pair[0].after)?, "{:?} follows {:?}", pair[1].before, pair[0].after);
    }
    ensure!(json(&assigns[8].after)? == now, "the last change is what the task says");
    Ok(())
}

/// Two offices move one reported task at once, each under another section,
/// six times over. Whichever is saved last decides where it stands; every
/// section's progress is then its own children's, weighed here by hand.
async fn racing_moves(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, c] = l.leaves;
    let three = add(&l.w, l.plan, None, "优环境", "1").await?;
    let d = add(&l.w, l.plan, Some(three), "新增绿道", "1").await?;
    let lead = ResponsibilityInput { lead_org_id: Some(l.org.0), ..ResponsibilityInput::default() };
    l.w.app.set_responsibility(&l.w.supervisor, d, &lead).await?;
    for (task, percent) in [(a, 90), (b, 30), (c, 50), (d, 10)] {
        l.accept(task, "2026-06", percent, Vec::new()).await?;
    }
    let sections = [l.sections[0], l.sections[1], three];
    for round in 0..6 {
        let mut moving = JoinSet::new();
        for to in [sections[(round + 1) % 3], sections[(round + 2) % 3]] {
            let (app, supervisor) = (l.w.app.clone(), l.w.supervisor.clone());
            moving.spawn(async move { app.move_task(&supervisor, a, Some(to)).await });
        }
        while let Some(done) = moving.join_next().await {
            done??;
        }
        for section in sections {
            let family = l.w.app.task_family(&l.w.supervisor, section).await?;
            let (mut weighted, mut weights) = (0_i64, 0_i64);
            for child in &family.children {
                let weight = i64::try_from(child.task.weight.trunc().mantissa())?;
                weighted += weight * child.task.percent_done;
                weights += weight;
            }
            let want = if weights == 0 { 0 } else { weighted / weights };
            let got = l.percent(section).await?;
            ensure!(got == want, "round {round}: section {} has {got}%, its children make {want}%", section.0);
        }
    }
    Ok(())
}

/// A task split while another office edits its text: the result is one of
/// the two orders, never a split of the old text that drops the edit.
async fn split_racing_edit(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, ..] = l.leaves;
    for round in 0..6 {
        let old = l.w.app.task(&l.w.supervisor, a).await?.task;
        let edited = format!("{}第{round}次修订", old.title);
        let edit = TaskEdit {
            number: old.number.clone(),
            title: edited.clone(),
            weight: "1".into(),
            start_date: old.start_date.to_string(),
            deadline: old.deadline.to_string(),
        };
        let (app, supervisor) = (l.w.app.clone(), l.w.supervisor.clone());
        let editing = tokio::spawn(async move { app.update_task(&supervisor, a, &edit).await });
        let (app, supervisor) = (l.w.app.clone(), l.w.supervisor.clone());
        let splitting = tokio::spawn(async move { app.split_task(&supervisor, a, "2").await });
        editing.await??;
        let new = splitting.await??;
        let kept = l.w.app.task(&l.w.supervisor, a).await?.task.title;
        let split_off = l.w.app.task(&l.w.supervisor, new).await?.task.title;
        let head = |t: &str| t.chars().take(2).collect::<String>();
        let tail = |t: &str| t.chars().skip(2).collect::<String>();
        let edit_then_split = kept == head(&edited) && split_off == tail(&edited);
        let split_then_edit = kept == edited && split_off == tail(&old.title);
        ensure!(
            edit_then_split || split_then_edit,
            "round {round}: kept {kept:?}, split off {split_off:?}, edit {edited:?}"
        );
        l.w.app.delete_task(&l.w.supervisor, new).await?;
        l.edit(a, "1", "2026-01-01", "2026-12-31").await?;
    }
    Ok(())
}

async fn permissions(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, _] = l.leaves;
    let stranger = l.w.stranger(Role::Supervisor).await?;
    let edit = TaskEdit {
        number: String::new(),
        title: "改".into(),
        weight: "1".into(),
        start_date: "2026-01-01".into(),
        deadline: "2026-12-31".into(),
    };
    for (who, forbidden) in [(&l.reporter, true), (&stranger, false)] {
        let outcomes = [
            l.w.app.update_task(who, a, &edit).await,
            l.w.app.save_target(who, a, None, &target("1")).await.map(|_| ()),
            l.w.app.move_task(who, a, None).await,
            l.w.app.delete_task(who, a).await,
            l.w.app.bulk_assign(who, l.plan, &[a], Some(l.org), None).await.map(|_| ()),
            l.w.app.archive_plan(who, l.plan, true).await,
        ];
        for outcome in outcomes {
            match outcome {
                Err(AppError::Forbidden) if forbidden => {}
                Err(AppError::NotFound(_)) if !forbidden => {}
                other => bail!("{}: {other:?}", who.username),
            }
        }
    }
    l.w.app.delete_task(&l.w.supervisor, b).await?;
    for not_office in [&l.reporter, &l.w.admin] {
        ensure!(matches!(l.w.app.restore_task(not_office, b).await, Err(AppError::Forbidden)), "only the office");
        ensure!(matches!(l.w.app.deleted_tasks(not_office).await, Err(AppError::Forbidden)));
    }
    ensure!(l.w.app.deleted_tasks(&stranger).await?.is_empty(), "another tenant sees nothing");
    ensure!(l.w.app.restore_task(&stranger, b).await.is_err(), "nor restores it");
    let a_now = l.w.app.task(&l.w.supervisor, a).await?.task;
    ensure!(a_now.title == "新建5G基站" && a_now.parent_id == Some(l.sections[0]), "nothing changed: {a_now:?}");
    Ok(())
}

async fn split_and_merge(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, _] = l.leaves;
    let [one, _] = l.sections;
    let t = l.w.app.save_target(&l.w.supervisor, a, None, &target("3000")).await?;
    let new = l.w.app.split_task(&l.w.supervisor, a, "2").await?;
    let children: Vec<(TaskId, String)> =
        l.w.app
            .task_detail(&l.w.supervisor, one)
            .await?
            .children
            .into_iter()
            .map(|c| (c.task.id, c.task.title))
            .collect();
    ensure!(
        children == [(a, "新建".to_owned()), (new, "5G基站".to_owned()), (b, "改造老旧小区".to_owned())],
        "the new part right after the task: {children:?}"
    );
    let split = l.w.app.task(&l.w.supervisor, new).await?.task;
    ensure!(split.responsibility.lead_org_id == Some(l.org), "it answers to the same org");
    let refused = l.w.app.split_task(&l.w.supervisor, a, "9").await;
    ensure!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");

    l.w.app.merge_task_with_next(&l.w.supervisor, a).await?;
    let merged = l.w.app.task_detail(&l.w.supervisor, a).await?;
    ensure!(merged.item.task.title == "新建5G基站", "{}", merged.item.task.title);
    ensure!(merged.targets.iter().any(|x| x.id == t), "targets stay");
    ensure!(l.w.app.task(&l.w.supervisor, new).await.is_err(), "the merged part is gone");
    // B has a report: merging it into A is refused, nothing changes.
    l.accept(b, "2026-06", 40, Vec::new()).await?;
    let refused = l.w.app.merge_task_with_next(&l.w.supervisor, a).await;
    ensure!(field(refused) == "merge:has_reports");
    ensure!(l.w.app.task(&l.w.supervisor, b).await?.task.percent_done == 40);
    let last = l.w.app.merge_task_with_next(&l.w.supervisor, b).await;
    ensure!(field(last) == "merge:last");
    Ok(())
}

/// 一、 and 二、 at the top: 一、 deleted, 三、 added, and a task under 三、.
/// The new section's place was once the count of its siblings (1 + 1), the
/// place 二、 still held: the new task had both as ancestors and the two
/// sections' figures mixed.
async fn place_after_deletion(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [one, two] = l.sections;
    l.w.app.delete_task(&l.w.supervisor, one).await?;
    let three = add(&l.w, l.plan, None, "促改革", "1").await?;
    let under = add(&l.w, l.plan, Some(three), "深化国企改革", "1").await?;
    let lead = ResponsibilityInput { lead_org_id: Some(l.org.0), ..ResponsibilityInput::default() };
    l.w.app.set_responsibility(&l.w.supervisor, under, &lead).await?;
    let family = l.w.app.task_family(&l.w.supervisor, under).await?;
    let ancestors: Vec<TaskId> = family.ancestors.iter().map(|t| t.task.id).collect();
    ensure!(ancestors == [three], "{ancestors:?}");
    l.accept(under, "2026-06", 80, Vec::new()).await?;
    ensure!(l.percent(three).await? == 80, "三、 rolls up its own child");
    ensure!(l.percent(two).await? == 0, "二、 is not 三、: {}", l.percent(two).await?);
    let children = l.w.app.task_detail(&l.w.supervisor, two).await?.children;
    ensure!(children.iter().all(|c| c.task.id != under), "the new task is not 二、's child");
    Ok(())
}

/// A list as the old fault left it: 三、 added after 一、 was deleted took
/// 二、's place, its task 二、's first child's, and 二、 carried a figure that
/// was not its own. The mend at start numbers them apart and counts again.
async fn mend_shared_places(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [one, two] = l.sections;
    l.w.app.delete_task(&l.w.supervisor, one).await?;
    let three = add(&l.w, l.plan, None, "促改革", "1").await?;
    let under = add(&l.w, l.plan, Some(three), "深化国企改革", "1").await?;
    let lead = ResponsibilityInput { lead_org_id: Some(l.org.0), ..ResponsibilityInput::default() };
    l.w.app.set_responsibility(&l.w.supervisor, under, &lead).await?;
    let faulty = format!(
        "UPDATE tasks SET sort_path = '000002' WHERE id = {three}; \
         UPDATE tasks SET sort_path = '000002.000001' WHERE id = {under}; \
         UPDATE tasks SET percent_done = 77 WHERE id = {two}",
        three = three.0,
        under = under.0,
        two = two.0
    );
    for statement in faulty.split("; ") {
        l.w.db.execute_raw(statement).await?;
    }
    let mended = l.w.app.mend_shared_places().await?;
    ensure!(mended.len() == 1 && mended[0].plan == l.plan && mended[0].moved >= 2, "{mended:?}");
    ensure!(l.percent(two).await? == 0, "二、's figure is its own child's again");
    let ancestors: Vec<TaskId> =
        l.w.app.task_family(&l.w.supervisor, under).await?.ancestors.iter().map(|t| t.task.id).collect();
    ensure!(ancestors == [three], "{ancestors:?}");
    l.accept(under, "2026-06", 80, Vec::new()).await?;
    ensure!(l.percent(three).await? == 80 && l.percent(two).await? == 0);
    ensure!(l.w.app.mend_shared_places().await?.is_empty(), "nothing left to mend");
    let trail = l.w.app.store().audit_trail(l.w.tenant, "plan", l.plan.0).await?;
    ensure!(trail.iter().any(|e| e.action == "mend"), "the mend is in the audit trail");
    Ok(())
}

/// The plan's list shows sections and tasks: its total (and so its pages)
/// counts both; a light lists working tasks, and its total counts those.
async fn listed_total(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let all = l.w.app.plan_overview(&l.w.supervisor, l.plan, &TaskFilter::default()).await?;
    ensure!(all.tasks.items.len() == 5 && all.tasks.total == 5, "{} of {}", all.tasks.items.len(), all.tasks.total);
    let small = TaskFilter { per_page: Some("2".into()), page: Some("2".into()), ..TaskFilter::default() };
    let last = l.w.app.plan_overview(&l.w.supervisor, l.plan, &small).await?;
    ensure!(last.tasks.items.len() == 1 && last.page_count() == 3, "the third page holds the fifth task");
    // The three working tasks share a light (no report yet): filtered by it, three.
    let light = l.w.app.task(&l.w.supervisor, l.leaves[0]).await?.task.light;
    let lit = TaskFilter { light: Some(light.code().into()), ..TaskFilter::default() };
    let lit = l.w.app.plan_overview(&l.w.supervisor, l.plan, &lit).await?;
    ensure!(lit.tasks.items.len() == 3 && lit.tasks.total == 3, "{} of {}", lit.tasks.items.len(), lit.tasks.total);
    Ok(())
}

/// A (weight 1, 40 %) and B (weight 3, 80 %) make 一、 70 %. A task added
/// under 一、 (weight 4, nothing reported) halves it to 35 at once; two more
/// in one API batch under 二、 (C at 90 %) make it 30.
async fn added_child_recounts(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, c] = l.leaves;
    l.accept(a, "2026-06", 40, Vec::new()).await?;
    l.accept(b, "2026-06", 80, Vec::new()).await?;
    l.accept(c, "2026-06", 90, Vec::new()).await?;
    ensure!(l.percent(l.sections[0]).await? == 70);
    add(&l.w, l.plan, Some(l.sections[0]), "新增产业园区", "4").await?;
    ensure!(l.percent(l.sections[0]).await? == 35, "{}", l.percent(l.sections[0]).await?);
    let item = |title: &str| BulkTaskInput {
        task: TaskInput {
            parent_id: Some(l.sections[1].0),
            title: title.into(),
            deadline: "2026-12-31".into(),
            ..TaskInput::default()
        },
        parent_ref: None,
    };
    let items = [item("新增公办幼儿园"), item("改造农贸市场")];
    let created = l.w.app.create_tasks(&l.w.supervisor, l.plan, &items).await?;
    ensure!(created.iter().all(Result::is_ok), "{created:?}");
    ensure!(l.percent(l.sections[1]).await? == 30, "{}", l.percent(l.sections[1]).await?);
    Ok(())
}

/// A report waiting on a task sent to the 回收站 leaves the review queue and
/// its count; a review of it (one, in a batch, through the API's bulk call)
/// is refused saying why, and the task's page and the API say no such task;
/// restored, the report waits again and is accepted.
async fn deleted_task_reports(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, _] = l.leaves;
    let input = ReportInput {
        period: "2026-06".into(),
        percent_done: "60".into(),
        narrative: "按计划推进".into(),
        ..ReportInput::default()
    };
    let report = l.w.app.submit_report(&l.reporter, a, &input).await?;
    let other = l.w.app.submit_report(&l.reporter, b, &input).await?;
    let waiting = |l: &List| {
        let (app, office) = (l.w.app.clone(), l.w.supervisor.clone());
        async move { app.review_queue(&office, &ReviewQuery::default()).await }
    };
    ensure!(waiting(&l).await?.total == 2);

    l.w.app.delete_task(&l.w.supervisor, a).await?;
    let queue = waiting(&l).await?;
    ensure!(queue.total == 1 && queue.items.iter().all(|i| i.report.id != report), "{:?}", queue.items);
    let board = l.w.app.review_board(&l.w.supervisor, qingdan_app::ReviewFilter::default()).await?;
    ensure!(board.total == 1 && board.cards.iter().all(|c| c.item.report.id != report), "the 审核 page");
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    match l.w.app.review(&l.w.supervisor, report, &accept).await {
        Err(AppError::Conflict(m)) if m == DELETED_TASK_REVIEW => {}
        other => bail!("a deleted task's report is not reviewed: {other:?}"),
    }
    let batch = l.w.app.accept_reports(&l.w.supervisor, &[(report, None), (other, None)]).await?;
    ensure!(batch.accepted == 1 && batch.refused.len() == 1, "{batch:?}");
    ensure!(batch.refused[0].reason == DELETED_TASK_REVIEW, "{}", batch.refused[0].reason);
    let bulk = l.w.app.review_many(&l.w.supervisor, &[(report.0, accept.clone())]).await?;
    ensure!(matches!(&bulk[0], Err(AppError::Conflict(m)) if m == DELETED_TASK_REVIEW), "{bulk:?}");
    let stored = l.w.app.store().report(l.w.tenant, report).await?.map(|r| r.status);
    ensure!(stored == Some(qingdan_domain::ReportStatus::Submitted), "still waiting: {stored:?}");
    ensure!(l.w.app.store().task(l.w.tenant, a).await?.map(|t| t.task.percent_done) == Some(0), "untouched");
    ensure!(matches!(l.w.app.task_family(&l.w.supervisor, a).await, Err(AppError::NotFound(_))), "API: no such task");
    ensure!(matches!(l.w.app.task(&l.reporter, a).await, Err(AppError::NotFound(_))));
    let recent = l.w.app.my_tasks(&l.reporter, None, 0).await?.recent;
    ensure!(recent.iter().all(|r| r.report.task_id != a), "the reporter's list links to no gone task");

    l.w.app.restore_task(&l.w.supervisor, a).await?;
    ensure!(waiting(&l).await?.total == 1, "back in the queue with its task");
    l.w.app.review(&l.w.supervisor, report, &accept).await?;
    ensure!(l.percent(a).await? == 60);
    Ok(())
}

/// 恢复 puts a task back on its old place among its siblings, not last; a
/// task whose parent is in the 回收站 too waits for it (refused, saying
/// so) and then comes back under it; a place taken meanwhile puts it last,
/// and says so.
async fn restored_places(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, _] = l.leaves;
    let [one, two] = l.sections;
    let children = |l: &List, of: TaskId| {
        let (app, office) = (l.w.app.clone(), l.w.supervisor.clone());
        async move {
            let children = app.task_detail(&office, of).await?.children;
            anyhow::Ok(children.into_iter().map(|c| c.task.id).collect::<Vec<_>>())
        }
    };
    let tops = |l: &List| {
        let (app, office, plan) = (l.w.app.clone(), l.w.supervisor.clone(), l.plan);
        async move {
            let all = app.plan_overview(&office, plan, &TaskFilter::default()).await?.tasks.items;
            anyhow::Ok(all.into_iter().filter(|t| t.task.parent_id.is_none()).map(|t| t.task.id).collect::<Vec<_>>())
        }
    };
    l.w.app.delete_task(&l.w.supervisor, a).await?;
    ensure!(l.w.app.restore_task(&l.w.supervisor, a).await? == RestoredPlace::Original);
    ensure!(children(&l, one).await? == [a, b], "A first again: {:?}", children(&l, one).await?);

    l.w.app.delete_task(&l.w.supervisor, a).await?;
    l.w.app.delete_task(&l.w.supervisor, one).await?;
    match l.w.app.restore_task(&l.w.supervisor, a).await {
        Err(AppError::Conflict(m)) if m.contains("上级任务也在回收站中") => {}
        other => bail!("A waits for its parent: {other:?}"),
    }
    ensure!(tops(&l).await? == [two], "A did not come back as a section");
    ensure!(l.w.app.restore_task(&l.w.supervisor, one).await? == RestoredPlace::Original);
    ensure!(tops(&l).await? == [one, two], "一、 first again");
    ensure!(l.w.app.restore_task(&l.w.supervisor, a).await? == RestoredPlace::Original);
    ensure!(children(&l, one).await? == [a, b], "A under 一、, first");
    let a_now = l.w.app.task(&l.w.supervisor, a).await?.task;
    ensure!(a_now.parent_id == Some(one) && a_now.depth == 1, "{a_now:?}");

    // B's place (the last) is taken by a task added meanwhile: B comes after it.
    l.w.app.delete_task(&l.w.supervisor, b).await?;
    let added = add(&l.w, l.plan, Some(one), "新增任务", "1").await?;
    ensure!(l.w.app.restore_task(&l.w.supervisor, b).await? == RestoredPlace::Last);
    ensure!(children(&l, one).await? == [a, added, b], "{:?}", children(&l, one).await?);
    Ok(())
}

/// An archived plan takes no change: not a task restored into it, not a
/// responsibility (one task, or in the API's bulk call), with the message
/// every other change to it gets; the 回收站 says its tasks wait.
async fn archived_refuses_all(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, _, c] = l.leaves;
    l.w.app.delete_task(&l.w.supervisor, c).await?;
    let other = l.w.org("市财政局").await?;
    l.w.app.archive_plan(&l.w.supervisor, l.plan, true).await?;
    let before = l.w.app.store().audit_count(l.w.tenant).await?;
    let archived = |r: Result<(), AppError>| matches!(r, Err(AppError::Conflict(m)) if m == ARCHIVED_PLAN);
    ensure!(archived(l.w.app.restore_task(&l.w.supervisor, c).await.map(|_| ())), "no restore into it");
    let trash = l.w.app.deleted_tasks(&l.w.supervisor).await?;
    ensure!(trash.len() == 1 && trash[0].is_plan_archived, "{trash:?}");
    let input = ResponsibilityInput { lead_org_id: Some(other.0), ..ResponsibilityInput::default() };
    ensure!(archived(l.w.app.set_responsibility(&l.w.supervisor, a, &input).await), "no 责任分工");
    let items = [BulkResponsibilityInput { task_id: a.0, responsibility: input.clone() }];
    let bulk = l.w.app.set_responsibilities(&l.w.supervisor, &items).await?;
    ensure!(archived(bulk.into_iter().next().context("one")?.map(|_| ())), "nor through the API's bulk call");
    ensure!(l.w.app.task(&l.w.supervisor, a).await?.task.responsibility.lead_org_id == Some(l.org));
    ensure!(l.w.app.store().audit_count(l.w.tenant).await? == before, "nothing changed");
    l.w.app.archive_plan(&l.w.supervisor, l.plan, false).await?;
    l.w.app.restore_task(&l.w.supervisor, c).await?;
    l.w.app.set_responsibility(&l.w.supervisor, a, &input).await?;
    Ok(())
}

/// 责任人须是牵头单位的人员 and 牵头单位不能同时是配合单位 hold after 批量分配
/// (the owner from elsewhere is cleared, the new lead leaves the supporting
/// orgs, and the answer names the tasks) and after a person moves to
/// another org (cleared as owner of the tasks their new org does not lead,
/// named, and in the audit trail).
async fn owner_in_lead_org(backend: Backend) -> Result<()> {
    let l = list(backend).await?;
    let [a, b, c] = l.leaves;
    let finance = l.w.org("市财政局").await?;
    let industry = l.w.org("市工信局").await?;
    let mine = ResponsibilityInput {
        lead_org_id: Some(l.org.0),
        supporting_org_ids: vec![finance.0, industry.0],
        owner_id: Some(l.reporter.id.0),
        ..ResponsibilityInput::default()
    };
    for task in [a, b, c] {
        l.w.app.set_responsibility(&l.w.supervisor, task, &mine).await?;
    }
    let done = l.w.app.bulk_assign(&l.w.supervisor, l.plan, &[a], Some(finance), None).await?;
    ensure!(done.changed == 1, "{done:?}");
    ensure!(done.owners_cleared.iter().map(|(t, _)| *t).collect::<Vec<_>>() == [a], "{done:?}");
    ensure!(done.supporting_dropped.len() == 1 && done.owners_cleared[0].1.contains("新建5G基站"), "{done:?}");
    let r = l.w.app.task(&l.w.supervisor, a).await?.task.responsibility;
    let expected =
        Responsibility { lead_org_id: Some(finance), supporting_org_ids: vec![industry], ..Responsibility::default() };
    ensure!(r == expected, "{r:?}");
    // A leader alone changes nobody's owner.
    let leader = l.w.user("li", Role::Leader, l.w.supervisor.org_id).await?;
    let done = l.w.app.bulk_assign(&l.w.supervisor, l.plan, &[b], None, Some(leader.id)).await?;
    ensure!(done.owners_cleared.is_empty() && done.supporting_dropped.is_empty(), "{done:?}");
    ensure!(l.w.app.task(&l.w.supervisor, b).await?.task.responsibility.owner_id == Some(l.reporter.id));

    // B and C are still his; his new org leads neither.
    let moved = UserEdit { display_name: "调动后".into(), role: "reporter".into(), org_id: industry.0 };
    let updated = l.w.app.update_user(&l.w.admin, l.reporter.id, &moved).await?;
    let cleared: Vec<TaskId> = updated.owner_cleared.iter().map(|(t, _)| *t).collect();
    ensure!(cleared == [b, c], "{cleared:?}");
    for task in [b, c] {
        let r = l.w.app.task(&l.w.supervisor, task).await?.task.responsibility;
        ensure!(r.owner_id.is_none() && r.lead_org_id == Some(l.org), "{task:?}: {r:?}");
    }
    let trail = l.w.app.store().audit_trail(l.w.tenant, "task", b.0).await?;
    ensure!(trail.last().is_some_and(|e| e.action == "set_responsibility"), "the clearing is in the trail");
    Ok(())
}
