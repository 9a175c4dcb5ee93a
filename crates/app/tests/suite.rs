//! The use cases and storage, run unchanged on SQLite and on PostgreSQL.

use anyhow::{Result, ensure};
use qingdan_app::{ActualInput, AppError, OrgInput, ReportInput, ReviewInput, TaskFilter, UserInput};
use qingdan_domain::{Light, ReportStatus, Role, TaskId};
use qingdan_storage::NewTask;
use qingdan_testkit::{Backend, Store, World, on_both_engines};

on_both_engines! {
    the_core_loop_moves_a_task_from_report_to_light => core_loop;
    a_returned_report_can_be_resubmitted_but_an_accepted_one_cannot => resubmission;
    a_reporter_sees_only_tasks_their_org_leads_or_supports => reporter_visibility;
    a_reporter_cannot_report_on_another_orgs_task => forged_report;
    a_leader_reads_everything_and_writes_nothing => leader_read_only;
    only_an_admin_manages_orgs_and_users => admin_only;
    nothing_crosses_tenants => tenant_isolation;
    bad_report_input_names_each_field_and_saves_nothing => bad_report_input;
    decimals_keep_the_digits_as_written => decimals_round_trip;
    migrations_reach_the_same_schema => same_schema;
    a_late_report_for_an_earlier_month_does_not_move_progress_back => late_report;
    a_text_search_counts_to_the_end_of_its_page_but_filters_count_exactly => capped_search;
    expired_sessions_are_purged_and_live_ones_kept => session_purge;
    an_idle_session_ends_and_a_user_keeps_at_most_three => idle_and_concurrent_sessions;
}

fn report(period: &str, percent: &str, actuals: Vec<(i64, &str)>) -> ReportInput {
    ReportInput {
        period: period.into(),
        percent_done: percent.into(),
        narrative: "已完成阶段任务".into(),
        problems: String::new(),
        next_steps: String::new(),
        actuals: actuals.into_iter().map(|(t, a)| ActualInput { target_id: t.to_string(), actual: a.into() }).collect(),
        confirmed: false,
    }
}

fn accept() -> ReviewInput {
    ReviewInput { decision: "accept".into(), comment: String::new(), revision: None }
}

async fn core_loop(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let energy = w.org("市能源局").await?;
    let reporter = w.user("energy", Role::Reporter, energy).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新增钻井649口", energy, &[], Some(("649", "口"))).await?;
    let target = w.app.task_detail(&w.supervisor, task).await?.targets[0].id;

    let id = w.app.submit_report(&reporter, task, &report("2021-06", "60", vec![(target.0, "400")])).await?;
    let queue = w.app.review_queue(&w.supervisor, &Default::default()).await?.items;
    ensure!(queue.iter().any(|q| q.report.id == id), "the report waits for review");
    w.app.review(&w.supervisor, id, &accept()).await?;

    let detail = w.app.task_detail(&w.supervisor, task).await?;
    // The target decides the work progress, not the reported 60: 400 of 649 is 61%.
    ensure!(detail.item.task.percent_done == 61, "progress {}", detail.item.task.percent_done);
    // Half the year has passed and 61% is done: green.
    ensure!(detail.item.task.light == Light::Green, "light {:?}", detail.item.task.light);
    ensure!(detail.targets[0].actual.map(|a| a.to_string()) == Some("400".into()));
    ensure!(detail.reports[0].status == ReportStatus::Accepted);
    let trail = w.app.store().audit_trail(w.tenant, "progress_report", id.0).await?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    ensure!(actions == ["submit", "accept"], "audit {actions:?}");
    ensure!(trail[1].user_id == Some(w.supervisor.id));
    Ok(())
}

async fn resubmission(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市文旅局").await?;
    let reporter = w.user("culture", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "接待游客3000万人次", org, &[], None).await?;

    let id = w.app.submit_report(&reporter, task, &report("2021-06", "30", vec![])).await?;
    let back = ReviewInput { decision: "return".into(), comment: "请补充数据".into(), revision: None };
    w.app.review(&w.supervisor, id, &back).await?;
    let returned = w.app.task_detail(&reporter, task).await?.reports;
    ensure!(returned[0].status == ReportStatus::Returned && returned[0].review_comment == "请补充数据");

    let again = w.app.submit_report(&reporter, task, &report("2021-06", "35", vec![])).await?;
    ensure!(again == id, "resubmitting reuses the period's report");
    w.app.review(&w.supervisor, id, &accept()).await?;
    let err = w.app.submit_report(&reporter, task, &report("2021-06", "40", vec![])).await.err();
    ensure!(matches!(err, Some(AppError::Conflict(_))), "accepted reports are final: {err:?}");
    let err = w.app.review(&w.supervisor, id, &accept()).await.err();
    ensure!(matches!(err, Some(AppError::Conflict(_))), "reviewing twice: {err:?}");
    ensure!(w.app.task_detail(&w.supervisor, task).await?.item.task.percent_done == 35);
    let trail = w.app.store().audit_trail(w.tenant, "progress_report", id.0).await?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    ensure!(actions == ["submit", "return", "resubmit", "accept"], "audit {actions:?}");
    Ok(())
}

async fn reporter_visibility(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let energy = w.org("市能源局").await?;
    let culture = w.org("市文旅局").await?;
    let finance = w.org("市财政局").await?;
    let plan = w.plan().await?;
    let drilling = w.task(plan, "新增钻井649口", energy, &[finance], None).await?;
    let tourism = w.task(plan, "接待游客3000万人次", culture, &[], None).await?;
    let reporter = w.user("culture", Role::Reporter, culture).await?;
    let helper = w.user("finance", Role::Reporter, finance).await?;

    let seen = w.app.plan_overview(&reporter, plan, &TaskFilter::default()).await?;
    let ids: Vec<TaskId> = seen.tasks.items.iter().map(|i| i.task.id).collect();
    ensure!(ids == [tourism], "culture sees {ids:?}");
    ensure!(seen.counts.total() == 1);
    ensure!(matches!(w.app.task_detail(&reporter, drilling).await, Err(AppError::Forbidden)));
    ensure!(w.app.task_detail(&helper, drilling).await.is_ok(), "a supporting org sees the task");
    let helper_seen = w.app.plan_overview(&helper, plan, &TaskFilter::default()).await?;
    ensure!(helper_seen.tasks.total == 1);
    Ok(())
}

async fn forged_report(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let energy = w.org("市能源局").await?;
    let culture = w.org("市文旅局").await?;
    let plan = w.plan().await?;
    let drilling = w.task(plan, "新增钻井649口", energy, &[], None).await?;
    let reporter = w.user("culture", Role::Reporter, culture).await?;
    let before = w.app.store().audit_count(w.tenant).await?;

    let err = w.app.submit_report(&reporter, drilling, &report("2021-06", "100", vec![])).await.err();
    ensure!(matches!(err, Some(AppError::Forbidden)), "{err:?}");
    ensure!(w.app.task_detail(&w.supervisor, drilling).await?.reports.is_empty());
    ensure!(w.app.store().audit_count(w.tenant).await? == before, "nothing was written");
    Ok(())
}

async fn leader_read_only(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let energy = w.org("市能源局").await?;
    let office = w.org("市政府办").await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新增钻井649口", energy, &[], None).await?;
    let leader = w.user("mayor", Role::Leader, office).await?;
    let reporter = w.user("energy", Role::Reporter, energy).await?;
    let id = w.app.submit_report(&reporter, task, &report("2021-06", "10", vec![])).await?;

    ensure!(w.app.task_detail(&leader, task).await.is_ok());
    ensure!(w.app.plan_overview(&leader, plan, &TaskFilter::default()).await?.tasks.total == 1);
    let refusals = [
        w.app.submit_report(&leader, task, &report("2021-06", "10", vec![])).await.err(),
        w.app.review(&leader, id, &accept()).await.err(),
        w.app.set_responsibility(&leader, task, &Default::default()).await.err(),
        w.app.create_plan(&leader, &Default::default()).await.err(),
        w.app
            .create_org(&leader, &OrgInput { name: "x".into(), kind: "department".into(), ..Default::default() })
            .await
            .err(),
    ];
    for refusal in refusals {
        ensure!(matches!(refusal, Some(AppError::Forbidden)), "{refusal:?}");
    }
    Ok(())
}

async fn admin_only(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市能源局").await?;
    let new_org = OrgInput { name: "市新局".into(), kind: "department".into(), ..Default::default() };
    let new_user = UserInput {
        username: "someone".into(),
        display_name: "某人".into(),
        role: "admin".into(),
        org_id: org.0,
        password: "abc12345678".into(),
    };
    ensure!(matches!(w.app.create_org(&w.supervisor, &new_org).await, Err(AppError::Forbidden)));
    ensure!(matches!(w.app.create_user(&w.supervisor, &new_user).await, Err(AppError::Forbidden)));
    let reporter = w.user("energy", Role::Reporter, org).await?;
    ensure!(matches!(w.app.users(&reporter).await, Err(AppError::Forbidden)));
    ensure!(w.app.create_org(&w.admin, &new_org).await.is_ok());
    let dup = w.app.create_org(&w.admin, &new_org).await.err();
    ensure!(matches!(&dup, Some(AppError::Invalid(i)) if i.errors[0].field == "name"), "{dup:?}");
    Ok(())
}

async fn tenant_isolation(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let energy = w.org("市能源局").await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新增钻井649口", energy, &[], None).await?;
    // A second government in the same database, with its own supervisor.
    let stranger = w.stranger(Role::Supervisor).await?;
    ensure!(matches!(w.app.task_detail(&stranger, task).await, Err(AppError::NotFound(_))));
    ensure!(matches!(w.app.plan(&stranger, plan).await, Err(AppError::NotFound(_))));
    ensure!(w.app.plans(&stranger).await?.is_empty());
    ensure!(!w.app.orgs(&stranger).await?.iter().any(|o| o.id == energy));
    let err = w.app.set_responsibility(&stranger, task, &Default::default()).await.err();
    ensure!(matches!(err, Some(AppError::NotFound(_))), "{err:?}");
    Ok(())
}

async fn bad_report_input(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市能源局").await?;
    let reporter = w.user("energy", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新增钻井649口", org, &[], Some(("649", "口"))).await?;
    let good = w.app.submit_report(&reporter, task, &report("2021-05", "20", vec![])).await?;

    let cases: Vec<(ReportInput, &str)> = vec![
        (report("2021-06", "120", vec![]), "percent_done"),
        (report("2021-06", "abc", vec![]), "percent_done"),
        (report("2021/06", "10", vec![]), "period"),
        (report("2021-09", "10", vec![]), "period"),
        (report("2021-06", "10", vec![(999_999, "1")]), "actuals[0]"),
        (report("2021-06", "10", vec![(1, "一百")]), "actuals[0]"),
        (ReportInput { narrative: "  ".into(), ..report("2021-06", "10", vec![]) }, "narrative"),
        (ReportInput { narrative: "长".repeat(2001), ..report("2021-06", "10", vec![]) }, "narrative"),
    ];
    for (input, field) in cases {
        match w.app.submit_report(&reporter, task, &input).await {
            Err(AppError::Invalid(invalid)) => {
                ensure!(invalid.errors.iter().any(|e| e.field == field), "{field}: {invalid:?}");
                ensure!(invalid.errors.iter().all(|e| !e.message.is_ascii()), "messages are Chinese: {invalid:?}");
            }
            other => anyhow::bail!("{field}: expected Invalid, got {other:?}"),
        }
    }
    let reports = w.app.task_detail(&w.supervisor, task).await?.reports;
    ensure!(reports.len() == 1 && reports[0].id == good, "only the good report is saved");
    Ok(())
}

async fn decimals_round_trip(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市财政局").await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "收入增长5.10%", org, &[], Some(("5.10", "%"))).await?;
    let target = &w.app.task_detail(&w.supervisor, task).await?.targets[0];
    ensure!(target.value.to_string() == "5.10", "{}", target.value);
    Ok(())
}

async fn same_schema(backend: Backend) -> Result<()> {
    ensure!(Store::migration_history(Backend::Sqlite) == Store::migration_history(Backend::Postgres));
    let here = World::new(backend, "2021-07-01").await?;
    let other =
        World::new(if backend == Backend::Sqlite { Backend::Postgres } else { Backend::Sqlite }, "2021-07-01").await?;
    let a = here.app.store().schema_columns().await?;
    let b = other.app.store().schema_columns().await?;
    ensure!(!a.is_empty() && a == b, "tables and columns differ:\n{a:?}\n{b:?}");
    Ok(())
}

async fn late_report(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市能源局").await?;
    let reporter = w.user("energy", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新增钻井649口", org, &[], Some(("649", "口"))).await?;
    let target = w.app.task_detail(&w.supervisor, task).await?.targets[0].id;
    let may = w.app.submit_report(&reporter, task, &report("2021-05", "40", vec![(target.0, "250")])).await?;
    let june = w.app.submit_report(&reporter, task, &report("2021-06", "55", vec![(target.0, "350")])).await?;
    w.app.review(&w.supervisor, june, &accept()).await?;
    w.app.review(&w.supervisor, may, &accept()).await?;
    let detail = w.app.task_detail(&w.supervisor, task).await?;
    // June's actual stays: 350 of 649 is 53% (May's 250 would be 38%).
    ensure!(detail.item.task.percent_done == 53, "progress {}", detail.item.task.percent_done);
    ensure!(detail.targets[0].actual.map(|a| a.to_string()) == Some("350".into()));
    ensure!(detail.reports.iter().all(|r| r.status == ReportStatus::Accepted));
    Ok(())
}

async fn capped_search(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let org = w.org("市能源局").await?;
    let plan = w.plan().await?;
    let day = |s: &str| s.parse::<chrono::NaiveDate>();
    let tasks: Vec<NewTask> = (0..1005)
        .map(|i| {
            Ok(NewTask {
                tenant_id: w.tenant,
                plan_id: plan,
                parent_id: None,
                number: String::new(),
                title: format!("改造老旧小区第{i}批"),
                weight: 1.into(),
                start_date: day("2021-01-01")?,
                deadline: day("2021-12-31")?,
                responsibility: qingdan_domain::Responsibility { lead_org_id: Some(org), ..Default::default() },
                light: Light::Green,
                targets: Vec::new(),
            })
        })
        .collect::<Result<_>>()?;
    w.app.store().bulk_insert_tasks(&tasks).await?;
    let search =
        |page: &str| TaskFilter { q: Some("老旧小区".into()), page: Some(page.into()), ..Default::default() };
    let found = w.app.plan_overview(&w.supervisor, plan, &search("0")).await?;
    ensure!(found.tasks.total == 50 && found.tasks.is_total_capped && found.tasks.items.len() == 50);
    ensure!(found.page_count() == 2, "a next page to go to: {}", found.page_count());
    let last = w.app.plan_overview(&w.supervisor, plan, &search("20")).await?;
    ensure!(
        last.tasks.total == 1005 && !last.tasks.is_total_capped && last.tasks.items.len() == 5,
        "total {} capped {} items {}",
        last.tasks.total,
        last.tasks.is_total_capped,
        last.tasks.items.len()
    );
    ensure!(last.tasks.items[4].task.title == "改造老旧小区第1004批", "{}", last.tasks.items[4].task.title);
    let beyond = w.app.plan_overview(&w.supervisor, plan, &search("30")).await?;
    ensure!(beyond.tasks.total == 1005 && !beyond.tasks.is_total_capped && beyond.tasks.items.is_empty());
    let exact = w
        .app
        .plan_overview(&w.supervisor, plan, &TaskFilter { lead_org: Some(org.0.to_string()), ..Default::default() })
        .await?;
    ensure!(exact.tasks.total == 1005 && !exact.tasks.is_total_capped);
    let few = w
        .app
        .plan_overview(&w.supervisor, plan, &TaskFilter { q: Some("第100批".into()), ..Default::default() })
        .await?;
    ensure!(few.tasks.total == 1 && !few.tasks.is_total_capped, "{}", few.tasks.total);
    Ok(())
}

async fn session_purge(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let (_, old) = w.app.login(&w.supervisor.username, qingdan_testkit::PASSWORD).await?;
    // Thirteen hours on, the first session (12 h) has expired; a new one has not.
    let at = w.app.clock().now() + chrono::Duration::hours(13);
    let later = qingdan_app::App::new(w.app.store().clone(), qingdan_app::Clock::Fixed(at));
    let (_, fresh) = later.login(&w.admin.username, qingdan_testkit::PASSWORD).await?;
    ensure!(later.purge_expired_sessions().await? == 1, "the expired session is purged");
    ensure!(later.purge_expired_sessions().await? == 0, "and only once");
    ensure!(later.session_user(&fresh).await?.is_some(), "a live session stays");
    ensure!(later.session_user(&old).await?.is_none());
    Ok(())
}

async fn idle_and_concurrent_sessions(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2021-07-01").await?;
    let start = w.app.clock().now();
    // A new App per moment, so no cached session hides the database's answer.
    let at = |minutes: i64| {
        qingdan_app::App::new(
            w.app.store().clone(),
            qingdan_app::Clock::Fixed(start + chrono::Duration::minutes(minutes)),
        )
    };
    let (_, token) = at(0).login(&w.supervisor.username, qingdan_testkit::PASSWORD).await?;
    // Used at 29 and 58 minutes: each use restarts the 30 idle minutes.
    ensure!(at(29).session_user(&token).await?.is_some(), "used within 30 minutes");
    ensure!(at(58).session_user(&token).await?.is_some(), "29 minutes after its last use");
    // Left alone for 31 minutes, it has ended.
    ensure!(at(89).session_user(&token).await?.is_none(), "idle for 31 minutes");

    // A fourth sign-in ends the least recently used of the three before it.
    let mut tokens = Vec::new();
    for minute in 100..104 {
        tokens.push(at(minute).login(&w.admin.username, qingdan_testkit::PASSWORD).await?.1);
    }
    let now = at(105);
    ensure!(now.session_user(&tokens[0]).await?.is_none(), "the oldest session was ended");
    for token in &tokens[1..] {
        ensure!(now.session_user(token).await?.is_some(), "the three newest remain");
    }
    Ok(())
}
