//! 报送情况 and 我的填报 through the router, on SQLite and PostgreSQL: the
//! office sets a plan's cycle (bad input shown again in Chinese, a 403 for
//! others), sees late and missing orgs; a reporter sees what is due.

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_app::{App, Clock};
use qingdan_domain::{PlanId, Role, TaskId};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_office_sets_a_plans_cycle_and_sees_late_and_missing_orgs => office_page;
    a_reporter_sees_what_is_due_on_my_page => my_page;
    only_supervisors_change_the_cycle => forbidden;
    my_page_offers_each_running_plan => running_plans;
}

struct Fixture {
    w: World,
    plan: PlanId,
    tasks: [TaskId; 2],
}

async fn fixture(backend: Backend, today: &str) -> Result<Fixture> {
    let w = World::new(backend, today).await?;
    let reform = w.org("市发改委").await?;
    let transport = w.org("市交通局").await?;
    w.user("reform", Role::Reporter, reform).await?;
    w.user("transport", Role::Reporter, transport).await?;
    w.user("mayor", Role::Leader, reform).await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "重大项目前期工作", reform, &[], None).await?;
    let b = w.task(plan, "农村公路改造", transport, &[], None).await?;
    Ok(Fixture { w, plan, tasks: [a, b] })
}

fn router(app: &App) -> Router {
    qingdan_web::router(app.clone(), Default::default())
}

async fn office_page(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let router = router(&f.w.app);
    let supervisor = sign_in_as(&router, "supervisor").await?;
    let path = format!("/plans/{}/reporting", f.plan.0);
    let plan_page = send(&router, get(&format!("/plans/{}", f.plan.0), &supervisor)?).await?;
    ensure!(plan_page.attrs("#reporting-link", "href") == [path.clone()], "the plan page links to it");
    let reply = send(&router, get(&path, &supervisor)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.select("#schedule").first().is_some_and(|s| s == "每月25日前报送，提前3天提醒"), "{:?}", reply.body);
    ensure!(reply.attrs("#period", "data-period") == ["2026-03"]);

    // A bad due day is shown again with the field's Chinese message, and nothing is saved.
    let reply = send(&router, post_form(&path, &supervisor, "cycle=weekly&due_day=9&remind_days_before=1")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.body.contains("截止日填写有误") && reply.body.contains("1到7"), "{}", reply.body);
    ensure!(reply.attrs("#due_day", "value") == ["9"], "what was typed stays");
    ensure!(reply.select("#schedule").first().is_some_and(|s| s.starts_with("每月25日")));

    let reply = send(&router, post_form(&path, &supervisor, "cycle=weekly&due_day=5&remind_days_before=1")?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER && reply.location() == format!("{path}?saved=1"));
    let reply = send(&router, get(&reply.location(), &supervisor)?).await?;
    ensure!(!reply.select("#saved").is_empty());
    ensure!(reply.select("#schedule").first().is_some_and(|s| s == "每周周五前报送，提前1天提醒"));
    ensure!(reply.attrs("#period", "data-period") == ["2026-W12"] && reply.select("#due-date") == ["2026-03-20"]);

    // The week after: 发改委 reported late, 交通局 not at all.
    // (Sessions last 12 hours on the clock, so everyone signs in again.)
    let monday = App::open(&f.w.db.url, Clock::fixed_on("2026-03-23".parse()?))
        .await?
        .with_network_policy(qingdan_testkit::loopback());
    let router = self::router(&monday);
    let reporter = sign_in_as(&router, "reform").await?;
    let form = "period=2026-W12&percent_done=30&narrative=%E6%8E%A8%E8%BF%9B%E4%B8%AD";
    let reply = send(&router, post_form(&format!("/tasks/{}/report", f.tasks[0].0), &reporter, form)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);
    let supervisor = sign_in_as(&router, "supervisor").await?;
    let reply = send(&router, get(&format!("{path}?period=2026-W12"), &supervisor)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    let rows = reply.select("#orgs tbody tr");
    ensure!(rows.iter().any(|r| r.contains("市发改委")) && rows.len() == 2, "{rows:?}");
    let states = reply.attrs("#problems tbody tr", "data-state");
    ensure!(states == ["submitted", "missing"], "{states:?}");
    ensure!(reply.select("#problems-total") == ["共2项"], "{:?}", reply.select("#problems-total"));
    let problems = reply.select("#problems tbody tr");
    ensure!(problems[0].contains("迟报") && problems[1].contains("逾期未报") && problems[1].contains("市交通局"));
    // A leader reads it, without the form.
    let mayor = sign_in_as(&router, "mayor").await?;
    let reply = send(&router, get(&path, &mayor)?).await?;
    ensure!(reply.status == StatusCode::OK && reply.select("#schedule-form").is_empty());
    // A period that is not one: a Chinese 4xx.
    let reply = send(&router, get(&format!("{path}?period=2026-W99"), &supervisor)?).await?;
    ensure!(reply.status.is_client_error() && reply.body.contains("不是有效的报送期"), "{}", reply.status);
    Ok(())
}

async fn my_page(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let router = router(&f.w.app);
    let reporter = sign_in_as(&router, "reform").await?;
    let reply = send(&router, get("/my", &reporter)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.select("#due-period") == ["2026年3月"] && reply.select("#due-date") == ["2026-03-25"]);
    // This month's task is 未报; February's is owed as 逾期未报, with a 补报 link to its period.
    let rows = reply.select("#due tbody tr");
    ensure!(rows.len() == 2 && rows.iter().all(|r| r.contains("重大项目前期工作")), "{rows:?}");
    ensure!(reply.attrs("#due tbody tr", "data-state") == ["missing", "pending"], "{rows:?}");
    let links = reply.attrs("#due a.btn", "href");
    ensure!(links.contains(&format!("/tasks/{}/report?period=2026-02", f.tasks[0].0)), "{links:?}");
    ensure!(!reply.body.contains("农村公路改造"), "another org's task is not shown");
    // The form opens on the period asked for, and by default on the plan's current one.
    let reply = send(&router, get(&format!("/tasks/{}/report?period=2026-02", f.tasks[0].0), &reporter)?).await?;
    ensure!(reply.attrs("#period", "value") == ["2026-02"]);
    let reply = send(&router, get(&format!("/tasks/{}/report", f.tasks[0].0), &reporter)?).await?;
    ensure!(reply.attrs("#period", "value") == ["2026-03"]);
    // Submitted: 已报待审.
    let form = "period=2026-03&percent_done=30&narrative=%E6%8E%A8%E8%BF%9B%E4%B8%AD";
    let reply = send(&router, post_form(&format!("/tasks/{}/report", f.tasks[0].0), &reporter, form)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);
    let reply = send(&router, get("/my", &reporter)?).await?;
    ensure!(reply.attrs("#due tbody tr", "data-state") == ["missing", "submitted"]);
    ensure!(reply.select("#due tbody tr").last().is_some_and(|r| r.contains("已报待审")));
    Ok(())
}

async fn forbidden(backend: Backend) -> Result<()> {
    let f = fixture(backend, "2026-03-18").await?;
    let router = router(&f.w.app);
    let path = format!("/plans/{}/reporting", f.plan.0);
    for user in ["reform", "mayor"] {
        let cookie = sign_in_as(&router, user).await?;
        let reply = send(&router, post_form(&path, &cookie, "cycle=weekly&due_day=5&remind_days_before=1")?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{user}: {}", reply.status);
    }
    // A reporter does not open the office's page either.
    let cookie = sign_in_as(&router, "reform").await?;
    ensure!(send(&router, get(&path, &cookie)?).await?.status == StatusCode::FORBIDDEN);
    let admin = sign_in_as(&router, "admin").await?;
    ensure!(send(&router, get(&path, &admin)?).await?.status == StatusCode::FORBIDDEN, "三员: not the admin's");
    let admin = sign_in_as(&router, "supervisor").await?;
    ensure!(
        send(&router, get(&path, &admin)?).await?.select("#schedule").first().is_some_and(|s| s.starts_with("每月"))
    );
    let reply = send(&router, get("/plans/999999/reporting", &admin)?).await?;
    ensure!(reply.status == StatusCode::NOT_FOUND, "{}", reply.status);
    Ok(())
}

async fn running_plans(backend: Backend) -> Result<()> {
    // January 2027: the 2026 plan, not yet archived, still runs beside 2027's.
    let f = fixture(backend, "2027-01-10").await?;
    let input =
        qingdan_app::PlanInput { year: "2026".into(), title: "2026年重点任务".into(), ..Default::default() };
    let last_year = f.w.app.create_plan(&f.w.supervisor, &input).await?.id;
    let router = router(&f.w.app);
    let reporter = sign_in_as(&router, "reform").await?;
    let page = send(&router, get("/my", &reporter)?).await?;
    ensure!(page.select("#plans a").len() == 2, "{}", page.body);
    ensure!(page.select("#plans a.active").concat() == "2027年重点任务", "the current plan first");
    let page = send(&router, get(&format!("/my?plan={}", last_year.0), &reporter)?).await?;
    ensure!(page.select("#plans a.active").concat() == "2026年重点任务", "{}", page.body);
    ensure!(page.body.contains("2026年重点任务中本单位牵头或配合的任务"));
    for bad in ["abc".to_owned(), "999999".to_owned()] {
        let reply = send(&router, get(&format!("/my?plan={bad}"), &reporter)?).await?;
        ensure!(reply.status == StatusCode::NOT_FOUND, "{bad}: {}", reply.status);
    }
    f.w.app.archive_plan(&f.w.supervisor, last_year, true).await?;
    let page = send(&router, get("/my", &reporter)?).await?;
    ensure!(page.select("#plans").is_empty(), "one running plan: no choice to offer");
    let reply = send(&router, get(&format!("/my?plan={}", last_year.0), &reporter)?).await?;
    ensure!(reply.status == StatusCode::NOT_FOUND, "archived: {}", reply.status);
    Ok(())
}
