//! 导入报告 (report import) use cases on SQLite and PostgreSQL: upload,
//! review edits, permissions, tenants, bad files and publishing.

use anyhow::{Context, Result, ensure};
use qingdan_app::{
    App, AppError, Clock, ImportId, ImportReview, ImportTaskInput, PlanInput, PublishInput, ReviewPart, TargetInput,
};
use qingdan_domain::{PlanId, Role, User};
use qingdan_storage::TaskQuery;
use qingdan_testkit::{Backend, World, on_both_engines};
use std::path::PathBuf;

on_both_engines! {
    the_corpus_report_becomes_a_draft_and_only_publish_makes_a_plan => corpus_upload_and_publish;
    a_published_plan_matches_the_reviewed_draft => publish_matches_draft;
    edits_merges_splits_deletes_and_additions_change_only_the_draft => review_edits;
    bad_review_input_names_the_field => bad_review_input;
    only_supervisors_import_reports => permissions;
    another_tenant_cannot_see_or_touch_an_import => tenant_isolation;
    gbk_text_is_read_and_pdf_or_garbage_gets_a_chinese_message => bad_files;
    a_part_judged_as_review_is_changed_to_plan_and_back_keeping_other_edits => part_correction;
    only_the_office_changes_how_a_part_is_judged => part_correction_permissions;
    another_tenant_cannot_change_how_a_part_is_judged => part_correction_stranger;
    the_five_year_outlook_is_published_only_when_kept => outlook_kept_or_not;
    a_lead_org_is_suggested_from_the_work_a_task_speaks_of => lead_org_by_remit;
    two_merges_at_once_lose_no_text_and_no_target => racing_merges;
    a_plan_is_published_from_the_drafts_as_they_stand_when_it_is_saved => publish_racing_edits;
}

/// A report with a five-year outlook before the year's plan.
const OUTLOOK_REPORT: &str = "青川市2027年政府工作报告\n\n\
一、过去一年工作回顾\n去年全市地区生产总值增长了6.2%，已完成固定资产投资520亿元。\n\n\
二、“十五五”时期的主要目标\n今后五年，全市地区生产总值年均增长6%，新建中小学校50所。\n\n\
三、2027年重点工作\n\
（一）扩大有效投资。全年实施重点项目150个，完成投资600亿元。\n\
（二）办好民生实事。新建中小学校5所，新增城镇就业3.5万人。\n";

const SMALL_REPORT: &str = "金城市2021年政府工作报告\n\n\
一、2020年工作回顾\n去年全市地区生产总值增长4.5%。\n\n\
二、2021年重点工作\n\
（一）扩大有效投资。全年实施重点项目200个，完成投资300亿元。\n\
（二）改善城市环境。新建停车位1000个，改造老旧小区50个。\n\
（三）办好民生实事。新建中小学校3所，新增城镇就业2.5万人。\n";

fn corpus() -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/jincheng-2021-government-work-report.txt");
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            eprintln!("skipping: the annotated corpus report is absent ({})", path.display());
            None
        }
    }
}

fn plan_input(year: &str, title: &str) -> PublishInput {
    PublishInput {
        plan: PlanInput { year: year.into(), title: title.into(), ..Default::default() },
        keep_outlook: true,
    }
}

fn task_input(text: &str, deadline: &str, lead_org: &str) -> ImportTaskInput {
    ImportTaskInput {
        section: "二、".into(),
        text: text.into(),
        deadline: deadline.into(),
        lead_org_id: lead_org.into(),
    }
}

fn target_input(metric: &str, value: &str, unit: &str) -> TargetInput {
    TargetInput {
        metric: metric.into(),
        value: value.into(),
        unit: unit.into(),
        comparator: "ge".into(),
        baseline: String::new(),
        deadline: String::new(),
    }
}

fn field_of(result: Result<impl std::fmt::Debug, AppError>) -> String {
    match result {
        Err(AppError::Invalid(invalid)) => invalid.errors.first().map(|e| e.field.clone()).unwrap_or_default(),
        other => format!("not invalid: {other:?}"),
    }
}

async fn plan_task_count(w: &World, plan: PlanId) -> Result<i64> {
    let query = TaskQuery::whole_plan(w.tenant, plan, 1);
    Ok(w.app.store().tasks(&query).await?.total)
}

/// The plan's working tasks (leaves): the draft tasks, under their sections.
async fn leaf_count(w: &World, plan: PlanId) -> Result<i64> {
    Ok(w.app.store().light_counts(w.tenant, plan, None).await?.total())
}

async fn corpus_upload_and_publish(backend: Backend) -> Result<()> {
    let Some(bytes) = corpus() else { return Ok(()) };
    let w = World::new(backend, "2021-03-01").await?;
    let id = w.app.upload_report(&w.supervisor, "jincheng-2021.txt", &bytes).await?;
    let review = w.app.import_review(&w.supervisor, id).await?;
    ensure!(review.target_count() > 100, "targets: {}", review.target_count());
    ensure!(review.tasks.len() > 50, "tasks: {}", review.tasks.len());
    ensure!(review.is_draft());
    ensure!(review.import.plan_year == Some(2021), "{:?}", review.import.plan_year);
    ensure!(w.app.plans(&w.supervisor).await?.is_empty(), "nothing reaches a plan before publish");
    // Every target's offset points at its number in the stored source text.
    let source: Vec<char> = review.import.source_text.chars().collect();
    for task in &review.tasks {
        for t in &task.targets {
            let at = usize::try_from(t.source_offset.context("offset")?)?;
            ensure!(source.get(at).is_some_and(|c| !c.is_whitespace()), "target {} at {at}", t.metric);
        }
    }
    let plan = w.app.publish_import(&w.supervisor, id, &plan_input("2021", "2021年政府工作报告重点任务")).await?;
    ensure!(leaf_count(&w, plan).await? == i64::try_from(review.tasks.len())?, "every draft task is a working task");
    ensure!(plan_task_count(&w, plan).await? > leaf_count(&w, plan).await?, "under the report's sections");
    let again = w.app.publish_import(&w.supervisor, id, &plan_input("2021", "再发布一次")).await;
    ensure!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    ensure!(w.app.plans(&w.supervisor).await?.len() == 1, "a second publish creates nothing");
    let first = review.tasks.first().context("a task")?.id;
    let late_edit = w.app.delete_import_task(&w.supervisor, first).await;
    ensure!(matches!(late_edit, Err(AppError::Conflict(_))), "{late_edit:?}");
    edit_as_an_office(&w, plan).await
}

/// The published report's list mended as an office would: a task's text and
/// deadline, a task moved to another section, one deleted and restored, lead
/// orgs for several at once; the working tasks are counted right throughout.
async fn edit_as_an_office(w: &World, plan: PlanId) -> Result<()> {
    let leaves = leaf_count(w, plan).await?;
    let filter = qingdan_app::TaskFilter { per_page: Some("200".into()), ..Default::default() };
    let items = w.app.plan_overview(&w.supervisor, plan, &filter).await?.tasks.items;
    let tasks: Vec<_> = items.iter().filter(|t| t.task.number.ends_with('.') && t.task.parent_id.is_some()).collect();
    let (first, last) = (tasks.first().context("a task")?, tasks.last().context("a task")?);
    ensure!(first.task.parent_id != last.task.parent_id, "tasks of two sections");
    let edit = qingdan_app::TaskEdit {
        number: first.task.number.clone(),
        title: format!("{}（修订）", first.task.title),
        weight: "2".into(),
        start_date: "2021-01-01".into(),
        deadline: "2021-09-30".into(),
    };
    w.app.update_task(&w.supervisor, first.task.id, &edit).await?;
    w.app.move_task(&w.supervisor, first.task.id, last.task.parent_id).await?;
    let moved = w.app.task(&w.supervisor, first.task.id).await?.task;
    ensure!(moved.parent_id == last.task.parent_id && moved.deadline.to_string() == "2021-09-30", "{moved:?}");
    ensure!(leaf_count(w, plan).await? == leaves, "a move keeps every working task");
    w.app.delete_task(&w.supervisor, last.task.id).await?;
    ensure!(leaf_count(w, plan).await? == leaves - 1);
    w.app.restore_task(&w.supervisor, last.task.id).await?;
    ensure!(leaf_count(w, plan).await? == leaves);
    let org = w.org("市发展和改革委员会").await?;
    let ids: Vec<_> = tasks.iter().take(3).map(|t| t.task.id).collect();
    ensure!(w.app.bulk_assign(&w.supervisor, plan, &ids, Some(org), None).await?.changed == 3);
    let led = w
        .app
        .plan_overview(&w.supervisor, plan, &qingdan_app::TaskFilter { lead_org: Some(org.0.to_string()), ..filter })
        .await?;
    ensure!(led.tasks.total >= 3, "{}", led.tasks.total);
    Ok(())
}

async fn small_import(w: &World) -> Result<ImportId> {
    Ok(w.app.upload_report(&w.supervisor, "小报告.txt", SMALL_REPORT.as_bytes()).await?)
}

/// The first draft task merged with the second while the second is merged
/// with the third, four times over: whichever runs second sees the first's
/// result (or finds its task gone and says so), and the draft still holds
/// every word and every target, in order.
async fn racing_merges(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-03-01").await?;
    for round in 0..4 {
        let id = small_import(&w).await?;
        let start = w.app.import_review(&w.supervisor, id).await?;
        ensure!(start.tasks.len() >= 3, "{:#?}", start.tasks);
        let words: String = start.tasks.iter().map(|t| t.text.as_str()).collect();
        let targets: usize = start.tasks.iter().map(|t| t.targets.len()).sum();
        let mut merging = tokio::task::JoinSet::new();
        for task in [start.tasks[0].id, start.tasks[1].id] {
            let (app, supervisor) = (w.app.clone(), w.supervisor.clone());
            merging.spawn(async move { app.merge_import_task_with_next(&supervisor, task).await });
        }
        let mut merged = 0;
        while let Some(done) = merging.join_next().await {
            match done? {
                Ok(_) => merged += 1,
                Err(AppError::NotFound(_)) => {}
                Err(other) => return Err(other.into()),
            }
        }
        let end = w.app.import_review(&w.supervisor, id).await?;
        ensure!(end.tasks.len() == start.tasks.len() - merged, "round {round}: {merged} merges");
        let now: String = end.tasks.iter().map(|t| t.text.as_str()).collect();
        ensure!(now == words, "round {round}: {now:?} was {words:?}");
        ensure!(end.tasks.iter().map(|t| t.targets.len()).sum::<usize>() == targets, "round {round}: targets");
    }
    Ok(())
}

/// Publishing while the first draft task is edited eight times over: the
/// plan has the text the draft ends with (a publish that read the drafts
/// before an edit is refused and tried again), and an edit after the
/// publish is refused.
async fn publish_racing_edits(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-03-01").await?;
    for round in 0..3 {
        let id = small_import(&w).await?;
        let first = w.app.import_review(&w.supervisor, id).await?.tasks[0].clone();
        let mut edits = tokio::task::JoinSet::new();
        for i in 0..8 {
            let (app, office) = (w.app.clone(), w.supervisor.clone());
            let input = task_input(&format!("{}（第{i}稿）", first.text), "2021-06-30", "");
            edits.spawn(async move { app.update_import_task(&office, first.id, &input).await.map(|_| ()) });
        }
        let (app, office) = (w.app.clone(), w.supervisor.clone());
        let publishing = tokio::spawn(async move {
            loop {
                match app.publish_import(&office, id, &plan_input("2021", "2021年重点任务")).await {
                    Err(AppError::Conflict(m)) if m.contains("发布过程中被修改") => continue,
                    done => return done,
                }
            }
        });
        while let Some(edit) = edits.join_next().await {
            match edit? {
                Ok(()) => {}
                Err(AppError::Conflict(m)) if m.contains("已发布") => {}
                Err(other) => return Err(other.into()),
            }
        }
        let plan = publishing.await??;
        let drafts = w.app.store().import_tasks(w.tenant, id).await?;
        let text = drafts.iter().find(|t| t.id == first.id).map(|t| t.text.trim().to_owned()).context("the draft")?;
        let query = TaskQuery::whole_plan(w.tenant, plan, 100);
        let titles: Vec<String> = w.app.store().tasks(&query).await?.items.into_iter().map(|t| t.task.title).collect();
        ensure!(titles.contains(&text), "round {round}: the draft says {text:?}, the plan {titles:?}");
        let late = w.app.update_import_task(&w.supervisor, first.id, &task_input("晚到的修改", "2021-06-30", "")).await;
        ensure!(matches!(&late, Err(AppError::Conflict(m)) if m.contains("已发布")), "{late:?}");
    }
    Ok(())
}

async fn publish_matches_draft(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-03-01").await?;
    let energy = w.org("市住房和城乡建设局").await?;
    let id = small_import(&w).await?;
    let review = w.app.import_review(&w.supervisor, id).await?;
    ensure!(review.tasks.len() >= 3, "{:#?}", review.tasks);
    let first = &review.tasks[0];
    w.app
        .update_import_task(&w.supervisor, first.id, &task_input(&first.text, "2021-06-30", &energy.to_string()))
        .await?;
    let review = w.app.import_review(&w.supervisor, id).await?;
    let plan = w.app.publish_import(&w.supervisor, id, &plan_input("2021", "2021年重点任务")).await?;
    let query = TaskQuery::whole_plan(w.tenant, plan, 100);
    let all = w.app.store().tasks(&query).await?.items;
    // The report's shape: 二、 over （二）（三）, the draft tasks numbered within
    // them; the first task, whose section the office set to 二、, under 二、
    // itself (（一） had no other task).
    let shape: Vec<(i32, &str, &str)> = all
        .iter()
        .filter(|t| !t.task.number.ends_with('.'))
        .map(|t| (t.task.depth, t.task.number.as_str(), t.task.title.as_str()))
        .collect();
    ensure!(
        shape == [(0, "二、", "2021年重点工作"), (1, "（二）", "改善城市环境"), (1, "（三）", "办好民生实事")],
        "{shape:?}"
    );
    let published: Vec<_> = all.into_iter().filter(|t| t.task.number.ends_with('.')).collect();
    ensure!(published.len() == review.tasks.len());
    ensure!(published[0].task.depth == 1 && published[0].task.number == "1.", "{:?}", published[0].task);
    ensure!(published[1..].iter().all(|t| t.task.depth == 2 && t.task.parent_id.is_some()), "each under its section");
    ensure!(published[1].task.number == "1.", "numbered within the section");
    for (draft, item) in review.tasks.iter().zip(&published) {
        ensure!(item.task.title == draft.text, "{} vs {}", item.task.title, draft.text);
        ensure!(item.task.responsibility.lead_org_id == draft.lead_org_id);
        let targets = w.app.store().targets(w.tenant, item.task.id).await?;
        let want: Vec<_> = draft.targets.iter().map(|t| (t.value, t.unit.clone(), t.comparator)).collect();
        let got: Vec<_> = targets.iter().map(|t| (t.value, t.unit.clone(), t.comparator)).collect();
        ensure!(want == got, "{want:?} vs {got:?}");
    }
    ensure!(published[0].task.deadline.to_string() == "2021-06-30");
    ensure!(published[0].task.responsibility.lead_org_id == Some(energy));
    let import = w.app.import_review(&w.supervisor, id).await?.import;
    ensure!(import.plan_id == Some(plan) && !w.app.import_review(&w.supervisor, id).await?.is_draft());
    let trail = w.app.store().audit_trail(w.tenant, "report_import", id.0).await?;
    ensure!(trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>() == ["create", "publish"]);
    Ok(())
}

async fn review_edits(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-03-01").await?;
    let id = small_import(&w).await?;
    let start = w.app.import_review(&w.supervisor, id).await?;
    let n = start.tasks.len();
    ensure!(n >= 3, "{:#?}", start.tasks);

    // Merge the first two: one task, both tasks' targets.
    let (a, b) = (&start.tasks[0], &start.tasks[1]);
    let both = a.targets.len() + b.targets.len();
    w.app.merge_import_task_with_next(&w.supervisor, a.id).await?;
    let merged = w.app.import_review(&w.supervisor, id).await?;
    ensure!(merged.tasks.len() == n - 1);
    ensure!(merged.tasks[0].text == format!("{}{}", a.text, b.text));
    ensure!(merged.tasks[0].targets.len() == both);
    let last = merged.tasks.last().context("last")?.id;
    ensure!(field_of(w.app.merge_import_task_with_next(&w.supervisor, last).await) == "task");

    // Split it back where the second text began: the targets follow their halves.
    let at = a.text.chars().count().to_string();
    let second = w.app.split_import_task(&w.supervisor, merged.tasks[0].id, &at).await?;
    let split = w.app.import_review(&w.supervisor, id).await?;
    ensure!(split.tasks.len() == n);
    ensure!(split.tasks[0].text == a.text.trim() && split.tasks[1].text == b.text.trim(), "{:?}", &split.tasks[..2]);
    ensure!(split.tasks[1].id == second);
    let values = |t: &qingdan_app::ImportTask| t.targets.iter().map(|x| x.value).collect::<Vec<_>>();
    ensure!(values(&split.tasks[0]) == values(a) && values(&split.tasks[1]) == values(b), "{:?}", &split.tasks[..2]);

    // Edit, add a task after the first, add and delete a target, delete a task.
    let org = w.org("市教育局").await?;
    w.app
        .update_import_task(&w.supervisor, second, &task_input("新建停车位1200个。", "2021-09-30", &org.to_string()))
        .await?;
    let added = w
        .app
        .add_import_task(&w.supervisor, id, Some(split.tasks[0].id), &task_input("开展全民健身活动。", "", ""))
        .await?;
    let target = w.app.add_import_target(&w.supervisor, added, &target_input("全民健身活动", "12", "场")).await?;
    let after = w.app.import_review(&w.supervisor, id).await?;
    ensure!(after.tasks.len() == n + 1 && after.tasks[1].id == added && after.tasks[2].id == second);
    ensure!(after.tasks[2].text == "新建停车位1200个。" && after.tasks[2].lead_org_id == Some(org));
    ensure!(after.tasks[2].lead_org_name.as_deref() == Some("市教育局"));
    ensure!(after.tasks[1].targets.len() == 1 && after.tasks[1].targets[0].source_offset.is_none());
    w.app.update_import_target(&w.supervisor, target, &target_input("全民健身活动", "15", "场")).await?;
    ensure!(w.app.import_review(&w.supervisor, id).await?.tasks[1].targets[0].value.to_string() == "15");
    w.app.delete_import_target(&w.supervisor, target).await?;
    w.app.delete_import_task(&w.supervisor, added).await?;
    let end = w.app.import_review(&w.supervisor, id).await?;
    ensure!(end.tasks.len() == n && end.target_count() == start.target_count());
    ensure!(w.app.plans(&w.supervisor).await?.is_empty(), "no plan until publish");
    let trail = w.app.store().audit_trail(w.tenant, "import_task", a.id.0).await?;
    ensure!(trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>() == ["merge", "split"], "{trail:?}");
    // The draft target's trail says what each change replaced.
    let trail = w.app.store().audit_trail(w.tenant, "import_target", target.0).await?;
    let befores: Vec<&str> = trail.iter().map(|e| e.before.as_deref().unwrap_or_default()).collect();
    ensure!(befores.len() == 3 && befores[0].is_empty(), "{trail:?}");
    ensure!(befores[1].contains("\"value\":\"12\"") && befores[2].contains("\"value\":\"15\""), "{befores:?}");
    Ok(())
}

async fn bad_review_input(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-03-01").await?;
    let id = small_import(&w).await?;
    let task = w.app.import_review(&w.supervisor, id).await?.tasks[0].clone();
    let s = &w.supervisor;
    ensure!(field_of(w.app.update_import_task(s, task.id, &task_input("  ", "", "")).await) == "text");
    ensure!(field_of(w.app.update_import_task(s, task.id, &task_input("内容", "2021/06/30", "")).await) == "deadline");
    ensure!(field_of(w.app.update_import_task(s, task.id, &task_input("内容", "", "999999")).await) == "lead_org_id");
    ensure!(field_of(w.app.split_import_task(s, task.id, "0").await) == "position");
    ensure!(field_of(w.app.split_import_task(s, task.id, "abc").await) == "position");
    ensure!(field_of(w.app.add_import_target(s, task.id, &target_input("", "x", "")).await).starts_with("targets[0]"));
    ensure!(field_of(w.app.publish_import(s, id, &plan_input("1900", "标题")).await) == "year");
    ensure!(field_of(w.app.publish_import(s, id, &plan_input("2021", "")).await) == "title");
    let unchanged = w.app.import_review(s, id).await?.tasks[0].clone();
    ensure!(unchanged.text == task.text && unchanged.targets.len() == task.targets.len());
    ensure!(w.app.plans(s).await?.is_empty());
    Ok(())
}

async fn permissions(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-03-01").await?;
    let org = w.org("市能源局").await?;
    let reporter = w.user("energy", Role::Reporter, org).await?;
    let leader = w.user("mayor", Role::Leader, org).await?;
    let id = small_import(&w).await?;
    let task = w.app.import_review(&w.supervisor, id).await?.tasks[0].id;
    for user in [&reporter, &leader] {
        ensure!(matches!(w.app.upload_report(user, "a.txt", SMALL_REPORT.as_bytes()).await, Err(AppError::Forbidden)));
        ensure!(matches!(w.app.imports(user).await, Err(AppError::Forbidden)));
        ensure!(matches!(w.app.import_review(user, id).await, Err(AppError::Forbidden)));
        ensure!(matches!(w.app.delete_import_task(user, task).await, Err(AppError::Forbidden)));
        ensure!(matches!(w.app.publish_import(user, id, &plan_input("2021", "计划")).await, Err(AppError::Forbidden)));
    }
    // 三员分立: the system admin does not.
    ensure!(matches!(w.app.upload_report(&w.admin, "b.txt", SMALL_REPORT.as_bytes()).await, Err(AppError::Forbidden)));
    ensure!(w.app.imports(&w.supervisor).await?.len() == 1);
    Ok(())
}

async fn stranger(w: &World) -> Result<User> {
    w.stranger(Role::Supervisor).await
}

async fn tenant_isolation(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-03-01").await?;
    let id = small_import(&w).await?;
    let review = w.app.import_review(&w.supervisor, id).await?;
    let task = &review.tasks[0];
    let target = task.targets.first().context("a target")?.id;
    let s = stranger(&w).await?;
    ensure!(matches!(w.app.import_review(&s, id).await, Err(AppError::NotFound(_))));
    ensure!(w.app.imports(&s).await?.is_empty());
    ensure!(matches!(
        w.app.update_import_task(&s, task.id, &task_input("改", "", "")).await,
        Err(AppError::NotFound(_))
    ));
    ensure!(matches!(w.app.merge_import_task_with_next(&s, task.id).await, Err(AppError::NotFound(_))));
    ensure!(matches!(w.app.split_import_task(&s, task.id, "2").await, Err(AppError::NotFound(_))));
    ensure!(matches!(w.app.delete_import_task(&s, task.id).await, Err(AppError::NotFound(_))));
    ensure!(matches!(w.app.delete_import_target(&s, target).await, Err(AppError::NotFound(_))));
    ensure!(matches!(w.app.add_import_task(&s, id, None, &task_input("加", "", "")).await, Err(AppError::NotFound(_))));
    ensure!(matches!(w.app.publish_import(&s, id, &plan_input("2021", "计划")).await, Err(AppError::NotFound(_))));
    let after = w.app.import_review(&w.supervisor, id).await?;
    ensure!(after.tasks.len() == review.tasks.len() && after.tasks[0].text == task.text && after.is_draft());
    Ok(())
}

/// "二、2021年重点工作\n全年新建中小学校3所，新增停车位1000个。\n" in GBK.
const GBK_REPORT: &[u8] = &[
    182, 254, 161, 162, 50, 48, 50, 49, 196, 234, 214, 216, 181, 227, 185, 164, 215, 247, 10, 200, 171, 196, 234, 208,
    194, 189, 168, 214, 208, 208, 161, 209, 167, 208, 163, 51, 203, 249, 163, 172, 208, 194, 212, 246, 205, 163, 179,
    181, 206, 187, 49, 48, 48, 48, 184, 246, 161, 163, 10,
];

async fn bad_files(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-03-01").await?;
    let gbk = w.app.upload_report(&w.supervisor, "gbk.txt", GBK_REPORT).await?;
    let review = w.app.import_review(&w.supervisor, gbk).await?;
    ensure!(review.import.source_text.contains("新建中小学校3所"), "{}", review.import.source_text);
    ensure!(review.target_count() >= 2, "{:#?}", review.tasks);

    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    let garbage: Vec<u8> = (0..4096u32).map(|i| u8::try_from((i * 7919 + 13) % 251).unwrap_or(0)).collect();
    let cases: [(&str, &[u8], &str); 5] = [
        ("report.pdf", &pdf, "PDF"),
        ("noise.bin", &garbage, "无法"),
        ("empty.txt", b"", "空"),
        ("renamed.docx", b"hello", "不是有效的Word文档"),
        ("note.txt", "会议通知：请各单位准时参会。".as_bytes(), "未从报告"),
    ];
    for (name, bytes, word) in cases {
        match w.app.upload_report(&w.supervisor, name, bytes).await {
            Err(AppError::Invalid(invalid)) => {
                let e = &invalid.errors[0];
                ensure!(e.field == "file", "{name}: {e:?}");
                // A file that cannot be read names the formats that can.
                let readable = name == "note.txt";
                ensure!(e.message.contains(word) && (readable || e.message.contains(".docx")), "{name}: {}", e.message);
            }
            other => anyhow::bail!("{name}: {other:?}"),
        }
    }
    ensure!(w.app.imports(&w.supervisor).await?.len() == 1, "bad files store nothing");
    Ok(())
}

/// A report whose review chapter has a slogan for a title (no 回顾, no year):
/// its sentences tell what was done. The plan chapter sets this year's targets.
const SLOGAN_REPORT: &str = "青川市2027年政府工作报告\n\n各位代表：\n\n\
一、砥砺奋进的一年\n\
过去一年，全市地区生产总值增长了6.2%，已完成固定资产投资520亿元。新建学校12所已全部投用，\
累计改造老旧小区80个，城镇新增就业实现了3.1万人。全年完成植树造林5万亩，空气优良天数比上年增加了15天。\n\n\
二、2027年主要任务\n\
（一）扩大有效投资。全年要实施重点项目150个，力争完成投资600亿元。\n\
（二）办好民生实事。要新建中小学校5所，确保城镇新增就业3.5万人以上。\n";

/// Where `needle` starts in `SLOGAN_REPORT`, in chars.
fn char_at(needle: &str) -> Result<i64> {
    let byte = SLOGAN_REPORT.find(needle).context("needle")?;
    Ok(i64::try_from(SLOGAN_REPORT[..byte].chars().count())?)
}

/// The part whose deciding heading starts at `at`.
fn part_at(review: &ImportReview, at: i64) -> Result<&ReviewPart> {
    review.parts.iter().find(|p| p.at == at).with_context(|| format!("no part at {at}: {:#?}", review.parts))
}

/// The targets of a draft whose number stands in the source range `[start, end)`.
fn targets_in(review: &ImportReview, start: i64, end: i64) -> usize {
    review
        .tasks
        .iter()
        .flat_map(|t| &t.targets)
        .filter(|t| t.source_offset.is_some_and(|o| o >= start && o < end))
        .count()
}

async fn part_correction(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2027-03-01").await?;
    let id = w.app.upload_report(&w.supervisor, "青川.txt", SLOGAN_REPORT.as_bytes()).await?;
    let s = &w.supervisor;
    let (chapter, plan_chapter) = (char_at("一、砥砺")?, char_at("二、2027")?);
    let start = w.app.import_review(s, id).await?;
    let review = part_at(&start, chapter)?;
    ensure!(review.kind == "review" && review.label == "工作回顾", "{review:?}");
    ensure!(
        review.notice.starts_with("本章判定为工作回顾（置信度 ") && review.notice.ends_with("），未提取指标"),
        "{}",
        review.notice
    );
    ensure!(review.choices.first().is_some_and(|c| c.0 == "plan" && c.1 == "改为今年安排"), "{:?}", review.choices);
    ensure!(targets_in(&start, chapter, plan_chapter) == 0, "no targets in the review: {:#?}", start.tasks);
    let plan_targets = targets_in(&start, plan_chapter, i64::MAX);
    ensure!(plan_targets == 4 && start.target_count() == 4, "{:#?}", start.tasks);
    ensure!(part_at(&start, plan_chapter)?.choices.iter().any(|c| c.1 == "改为工作回顾"));

    // A hand edit in the plan chapter, then the review chapter read as plan.
    let edited = start.tasks.first().context("a plan task")?;
    w.app.update_import_task(s, edited.id, &task_input("实施重点项目150个（已核）", "", "")).await?;
    let change = w.app.change_import_part(s, id, &chapter.to_string(), "plan").await?;
    ensure!(change.label == "年度工作安排" && change.added > 0 && change.targets > 0, "{change:?}");
    ensure!(change.message().contains("已改为年度工作安排"), "{}", change.message());
    let flipped = w.app.import_review(s, id).await?;
    let part = part_at(&flipped, chapter)?;
    ensure!(part.kind == "plan" && part.confidence == 100 && part.reason == "人工指定", "{part:?}");
    ensure!(part.notice.ends_with("已提取指标"), "{}", part.notice);
    ensure!(targets_in(&flipped, chapter, plan_chapter) == change.targets, "{:#?}", flipped.tasks);
    ensure!(targets_in(&flipped, plan_chapter, i64::MAX) == plan_targets, "the plan chapter keeps its targets");
    let kept = flipped.tasks.iter().find(|t| t.id == edited.id).context("the edited task stays")?;
    ensure!(kept.text == "实施重点项目150个（已核）", "a hand edit elsewhere is kept: {}", kept.text);

    // A restart (a new App on the same database) keeps the correction.
    let restarted = App::open(&w.db.url, Clock::fixed_on(w.today)).await?;
    let again = restarted.import_review(s, id).await?;
    ensure!(part_at(&again, chapter)?.kind == "plan", "{:#?}", again.parts);

    // Flipping back removes the chapter's targets and keeps the edit.
    let back = w.app.change_import_part(s, id, &chapter.to_string(), "review").await?;
    ensure!(back.added == 0 && back.removed > 0, "{back:?}");
    let end = w.app.import_review(s, id).await?;
    ensure!(part_at(&end, chapter)?.kind == "review", "{:#?}", end.parts);
    ensure!(targets_in(&end, chapter, plan_chapter) == 0 && end.target_count() == 4, "{:#?}", end.tasks);
    ensure!(end.tasks.iter().any(|t| t.id == edited.id && t.text == "实施重点项目150个（已核）"));

    // Bad input names its field; nothing changes.
    ensure!(field_of(w.app.change_import_part(s, id, &chapter.to_string(), "bogus").await) == "kind");
    ensure!(field_of(w.app.change_import_part(s, id, "abc", "plan").await) == "at");
    ensure!(field_of(w.app.change_import_part(s, id, "5", "plan").await) == "at");
    let trail = w.app.store().audit_trail(w.tenant, "report_import", id.0).await?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    ensure!(actions == ["create", "reread_part", "reread_part"], "{actions:?}");

    // A published draft is not re-read.
    w.app.publish_import(s, id, &plan_input("2027", "2027年重点任务")).await?;
    let late = w.app.change_import_part(s, id, &chapter.to_string(), "plan").await;
    ensure!(matches!(late, Err(AppError::Conflict(_))), "{late:?}");
    let published = w.app.import_review(s, id).await?;
    ensure!(published.parts.iter().all(|p| p.choices.is_empty()), "a published import offers no change");
    Ok(())
}

async fn part_correction_permissions(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2027-03-01").await?;
    let org = w.org("市能源局").await?;
    let reporter = w.user("energy", Role::Reporter, org).await?;
    let leader = w.user("mayor", Role::Leader, org).await?;
    let id = w.app.upload_report(&w.supervisor, "青川.txt", SLOGAN_REPORT.as_bytes()).await?;
    let chapter = char_at("一、砥砺")?.to_string();
    for user in [&reporter, &leader] {
        let refused = w.app.change_import_part(user, id, &chapter, "plan").await;
        ensure!(matches!(refused, Err(AppError::Forbidden)), "{}: {refused:?}", user.username);
    }
    let review = w.app.import_review(&w.supervisor, id).await?;
    ensure!(part_at(&review, char_at("一、砥砺")?)?.kind == "review" && review.target_count() == 4);
    w.app.change_import_part(&w.supervisor, id, &chapter, "plan").await?;
    ensure!(w.app.import_review(&w.supervisor, id).await?.target_count() > 4);
    Ok(())
}

async fn part_correction_stranger(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2027-03-01").await?;
    let id = w.app.upload_report(&w.supervisor, "青川.txt", SLOGAN_REPORT.as_bytes()).await?;
    let s = stranger(&w).await?;
    let chapter = char_at("一、砥砺")?.to_string();
    let refused = w.app.change_import_part(&s, id, &chapter, "plan").await;
    ensure!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
    let review = w.app.import_review(&w.supervisor, id).await?;
    ensure!(part_at(&review, char_at("一、砥砺")?)?.kind == "review" && review.target_count() == 4);
    Ok(())
}

async fn outlook_kept_or_not(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2027-02-01").await?;
    let titles = |plan: PlanId| {
        let w = &w;
        async move {
            let query = TaskQuery::whole_plan(w.tenant, plan, 100);
            let items = w.app.store().tasks(&query).await?.items;
            anyhow::Ok(items.into_iter().map(|t| format!("{}{}", t.task.number, t.task.title)).collect::<Vec<_>>())
        }
    };
    let upload = || w.app.upload_report(&w.supervisor, "青川.txt", OUTLOOK_REPORT.as_bytes());
    let first = upload().await?;
    let drafts = w.app.import_review(&w.supervisor, first).await?.tasks;
    ensure!(drafts.iter().any(|t| t.text.contains("年均增长6%")), "the outlook is in the draft: {drafts:#?}");
    let input = |keep: bool| PublishInput { keep_outlook: keep, ..plan_input("2027", "2027年重点任务") };
    let without = titles(w.app.publish_import(&w.supervisor, first, &input(false)).await?).await?;
    ensure!(without.iter().all(|t| !t.contains("年均增长") && !t.contains("十五五")), "left out: {without:?}");
    ensure!(without.first().is_some_and(|t| t.starts_with("三、")), "{without:?}");
    ensure!(without.iter().any(|t| t.starts_with("（一）扩大有效投资")), "{without:?}");
    let second = upload().await?;
    let with = titles(w.app.publish_import(&w.supervisor, second, &input(true)).await?).await?;
    ensure!(with.iter().any(|t| t.contains("年均增长6%")), "kept when asked: {with:?}");
    ensure!(with.iter().any(|t| t.starts_with("二、")), "under its own section: {with:?}");
    Ok(())
}

async fn lead_org_by_remit(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2027-02-01").await?;
    let education = w.org("市教育局").await?;
    let housing = w.org("市住房和城乡建设局").await?;
    let labour = w.org("市人力资源和社会保障局").await?;
    let report = "青川市2027年政府工作报告\n\n一、2027年重点工作\n\
        （一）办好民生实事。新建中小学校5所，新增学位3000个。改造老旧小区80个。新增城镇就业3.5万人。\n";
    let id = w.app.upload_report(&w.supervisor, "青川.txt", report.as_bytes()).await?;
    let tasks = w.app.import_review(&w.supervisor, id).await?.tasks;
    let lead = |needle: &str| tasks.iter().find(|t| t.text.contains(needle)).and_then(|t| t.lead_org_id);
    ensure!(lead("中小学校") == Some(education), "schools: {tasks:#?}");
    ensure!(lead("老旧小区") == Some(housing), "old estates: {tasks:#?}");
    ensure!(lead("就业") == Some(labour), "jobs: {tasks:#?}");
    let plan = w.app.publish_import(&w.supervisor, id, &plan_input("2027", "2027年重点任务")).await?;
    ensure!(leaf_count(&w, plan).await? == 3);
    let filter = qingdan_app::TaskFilter { per_page: Some("200".into()), ..Default::default() };
    let published = w.app.plan_overview(&w.supervisor, plan, &filter).await?.tasks.items;
    let led: Vec<_> =
        published.iter().filter(|t| t.task.number.ends_with('.')).map(|t| t.task.responsibility.lead_org_id).collect();
    ensure!(led == [Some(education), Some(housing), Some(labour)], "published with their lead orgs: {led:?}");
    Ok(())
}
