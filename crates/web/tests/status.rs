//! 亮灯规则 and 双过半 pages through the router, on SQLite and PostgreSQL: the
//! rule in words, the admin's form (422 in Chinese, 303 after a change that
//! relights the tasks), read-only for supervisors, 403 for others; the plan
//! page's one-line rule; the 双过半 view for offices and for a reporter; the
//! same through the JSON API.

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_app::{ReportInput, ResponsibilityInput, ReviewInput, TaskInput};
use qingdan_domain::{Light, PlanId, Role, TaskId};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_admin_reads_the_rule_in_words_and_changes_it => rules_page;
    only_the_admin_changes_the_rule_and_supervisors_read_it => rules_forbidden;
    the_plan_page_shows_the_rule_in_one_line => plan_page_rule;
    the_half_year_view_lists_who_passed_and_who_did_not => half_year;
    the_api_reads_and_changes_the_rule_and_gives_progress_and_the_half_check => api;
}

struct Fixture {
    w: World,
    router: Router,
    plan: PlanId,
    task: TaskId,
    other: TaskId,
}

/// Two tasks of two orgs; the energy one is 14 behind on 2021-07-01 (yellow by default).
async fn fixture(backend: Backend) -> Result<Fixture> {
    let w = World::new(backend, "2021-07-01").await?;
    let energy = w.org("市能源局").await?;
    let culture = w.org("市文旅局").await?;
    let reporter = w.user("energy", Role::Reporter, energy).await?;
    w.user("mayor", Role::Leader, energy).await?;
    let plan = w.plan().await?;
    let mut ids = Vec::new();
    for (title, org) in [("新增钻井", energy), ("接待游客", culture)] {
        let input = TaskInput {
            parent_id: None,
            number: String::new(),
            title: title.into(),
            weight: String::new(),
            deadline: "2021-12-31".into(),
            start_date: String::new(),
            targets: vec![],
            responsibility: None,
        };
        let id = w.app.create_task(&w.supervisor, plan, &input).await?;
        let responsibility = ResponsibilityInput {
            lead_leader_id: None,
            lead_org_id: Some(org.0),
            supporting_org_ids: vec![],
            owner_id: None,
        };
        w.app.set_responsibility(&w.supervisor, id, &responsibility).await?;
        ids.push(id);
    }
    let input = ReportInput {
        period: "2021-06".into(),
        percent_done: "35".into(),
        narrative: "推进中".into(),
        problems: String::new(),
        next_steps: String::new(),
        actuals: vec![],
        confirmed: false,
    };
    let report = w.app.submit_report(&reporter, ids[0], &input).await?;
    w.app
        .review(
            &w.supervisor,
            report,
            &ReviewInput { decision: "accept".into(), comment: String::new(), revision: None },
        )
        .await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(Fixture { w, router, plan, task: ids[0], other: ids[1] })
}

async fn rules_page(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let admin = sign_in_as(&f.router, "admin").await?;
    let reply = send(&f.router, get("/admin/status-rules", &admin)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    let words = reply.select("#rule-words li");
    ensure!(words.len() == 5 && words.iter().any(|w| w.contains("逾期")), "{words:?}");
    ensure!(words.iter().any(|w| w.contains("红灯") && w.contains("超过20个百分点")), "{words:?}");
    ensure!(reply.attrs("#red_gap", "value") == ["20"] && reply.attrs("#yellow_gap", "value") == ["0"]);
    ensure!(reply.attrs("nav a", "href").iter().any(|h| h == "/admin/status-rules"), "the nav links to it");

    // Bad input: 422, the messages in Chinese, the typed values kept, nothing saved.
    let reply = send(&f.router, post_form("/admin/status-rules", &admin, "yellow_gap=30&red_gap=20")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#error li").iter().any(|e| e.contains("红灯阈值不能小于黄灯阈值")), "{}", reply.body);
    ensure!(reply.attrs("#yellow_gap", "value") == ["30"]);
    let reply = send(&f.router, post_form("/admin/status-rules", &admin, "yellow_gap=abc&red_gap=")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.select("#error li").len() == 2);
    ensure!(f.w.app.status_rules(&f.w.admin).await? == Default::default());

    // A change relights the tasks: 14 behind is green when yellow starts above 15.
    ensure!(f.w.app.task(&f.w.supervisor, f.task).await?.task.light == Light::Yellow);
    let reply = send(&f.router, post_form("/admin/status-rules", &admin, "yellow_gap=15&red_gap=30")?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);
    ensure!(f.w.app.task(&f.w.supervisor, f.task).await?.task.light == Light::Green);
    let reply = send(&f.router, get(&reply.location(), &admin)?).await?;
    ensure!(reply.select("#notice").iter().any(|n| n.contains("1项任务亮灯发生变化")), "{}", reply.body);
    ensure!(reply.select("#rule-words li").iter().any(|w| w.contains("超过30个百分点")));
    let _ = f.other;
    Ok(())
}

async fn rules_forbidden(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let supervisor = sign_in_as(&f.router, "supervisor").await?;
    let reply = send(&f.router, get("/admin/status-rules", &supervisor)?).await?;
    ensure!(reply.status == StatusCode::OK && !reply.select("#read-only").is_empty(), "{}", reply.status);
    ensure!(reply.select("#rules-form").is_empty(), "no form for a supervisor");
    let reply = send(&f.router, post_form("/admin/status-rules", &supervisor, "yellow_gap=5&red_gap=10")?).await?;
    ensure!(reply.status == StatusCode::FORBIDDEN, "{}", reply.status);
    for user in ["energy", "mayor"] {
        let cookie = sign_in_as(&f.router, user).await?;
        let reply = send(&f.router, get("/admin/status-rules", &cookie)?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{user}: {}", reply.status);
        let reply = send(&f.router, post_form("/admin/status-rules", &cookie, "yellow_gap=5&red_gap=10")?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{user}: {}", reply.status);
    }
    ensure!(f.w.app.status_rules(&f.w.admin).await? == Default::default(), "nothing changed");
    Ok(())
}

async fn plan_page_rule(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    f.w.app
        .set_status_rules(&f.w.admin, &qingdan_app::StatusRulesInput { yellow_gap: "5".into(), red_gap: "25".into() })
        .await?;
    for (user, links_rule) in [("supervisor", true), ("energy", false), ("mayor", false)] {
        let cookie = sign_in_as(&f.router, user).await?;
        let reply = send(&f.router, get(&format!("/plans/{}", f.plan), &cookie)?).await?;
        let rule = reply.select("#light-rule");
        ensure!(
            rule.len() == 1 && rule[0].contains("落后超过5个百分点黄灯") && rule[0].contains("超过25个百分点红灯"),
            "{rule:?}"
        );
        let links = reply.attrs("#light-rule a", "href");
        ensure!(links.contains(&"/admin/status-rules".to_owned()) == links_rule, "{user}: {links:?}");
        ensure!(links.contains(&format!("/plans/{}/half-year", f.plan)), "{links:?}");
    }
    // The overdue card and filter are there.
    let cookie = sign_in_as(&f.router, "supervisor").await?;
    // The task page sets work against time: 35% of work, 49% of time on 2021-07-01.
    let reply = send(&f.router, get(&format!("/tasks/{}", f.task), &cookie)?).await?;
    ensure!(reply.select("#percent") == ["35%"] && reply.select("#time-percent") == ["49%"], "{}", reply.body);
    let reply = send(&f.router, get(&format!("/plans/{}?light=overdue", f.plan), &cookie)?).await?;
    ensure!(reply.status == StatusCode::OK && !reply.select("[data-light=overdue]").is_empty());
    Ok(())
}

async fn half_year(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let path = format!("/plans/{}/half-year", f.plan);
    let mayor = sign_in_as(&f.router, "mayor").await?;
    let reply = send(&f.router, get(&path, &mayor)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.attrs("#date", "value") == ["2021-06-30"], "defaults to 06-30 of the plan's year");
    // Neither task is past half: 35% and 0% of work on 06-30.
    let rows = reply.select("#tasks tbody tr");
    ensure!(rows.len() == 2 && rows.iter().all(|r| r.contains("未过半") && r.contains("50%")), "{rows:?}");
    ensure!(rows.iter().any(|r| r.contains("新增钻井") && r.contains("35%")), "{rows:?}");
    ensure!(reply.select("#orgs tbody tr").len() == 2 && reply.select("#sections tbody tr").len() == 2);

    // A reporter sees their own org only, and no sections.
    let energy = sign_in_as(&f.router, "energy").await?;
    let reply = send(&f.router, get(&path, &energy)?).await?;
    let rows = reply.select("#tasks tbody tr");
    ensure!(rows.len() == 1 && rows[0].contains("新增钻井"), "{rows:?}");
    ensure!(reply.select("#orgs tbody tr").len() == 1 && reply.select("#sections").is_empty());

    // Another date; a bad one is a Chinese 422.
    let reply = send(&f.router, get(&format!("{path}?date=2021-12-31"), &mayor)?).await?;
    ensure!(reply.select("#tasks tbody tr").iter().all(|r| r.contains("100%")), "time is full at the year's end");
    let reply = send(&f.router, get(&format!("{path}?date=abc"), &mayor)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.body.contains("检查日期"), "{}", reply.status);
    let reply = send(&f.router, get("/plans/9999/half-year", &mayor)?).await?;
    ensure!(reply.status == StatusCode::NOT_FOUND, "{}", reply.status);
    Ok(())
}

async fn api(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let admin = sign_in_as(&f.router, "admin").await?;
    let energy = sign_in_as(&f.router, "energy").await?;
    let mayor = sign_in_as(&f.router, "mayor").await?;
    let reply = send(&f.router, get("/api/v1/status-rules", &admin)?).await?;
    let rules = reply.json()?;
    ensure!(
        rules["yellow_gap"] == 0 && rules["red_gap"] == 20 && rules["words"].as_array().is_some_and(|w| w.len() == 5)
    );
    let reply = send(&f.router, get("/api/v1/status-rules", &energy)?).await?;
    ensure!(reply.status == StatusCode::FORBIDDEN, "{}", reply.status);

    let body = r#"{"yellow_gap": "15", "red_gap": 30}"#;
    let reply = send(&f.router, post_json("/api/v1/status-rules", &mayor, body)?).await?;
    ensure!(reply.status == StatusCode::FORBIDDEN, "a leader may not: {}", reply.status);
    let reply =
        send(&f.router, post_json("/api/v1/status-rules", &admin, r#"{"yellow_gap": 40, "red_gap": 30}"#)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.json()?["errors"][0]["field"] == "red_gap", "{}", reply.body);
    let reply = send(&f.router, post_json("/api/v1/status-rules", &admin, body)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}: {}", reply.status, reply.body);
    let changed = reply.json()?;
    ensure!(changed["lights_changed"] == 1 && changed["rules"]["red_gap"] == 30, "{changed}");

    let reply = send(&f.router, get(&format!("/api/v1/plans/{}/progress", f.plan), &mayor)?).await?;
    let p = reply.json()?;
    // Two sections of weight 1 (the two tasks): 35% and 0%, time 49 each.
    ensure!(p["percent"] == 17 && p["time_percent"] == 49 && p["light"] == "red", "{p}");
    ensure!(p["sections"][0]["light"] == "green" && p["sections"][1]["light"] == "red", "{p}");
    let reply = send(&f.router, get(&format!("/api/v1/plans/{}/progress", f.plan), &energy)?).await?;
    ensure!(reply.status == StatusCode::FORBIDDEN, "{}", reply.status);

    let reply = send(&f.router, get(&format!("/api/v1/plans/{}/half-check?date=2021-06-30", f.plan), &energy)?).await?;
    let c = reply.json()?;
    ensure!(c["date"] == "2021-06-30" && c["tasks"].as_array().map(Vec::len) == Some(1), "{c}");
    ensure!(c["tasks"][0]["work_percent"] == 35 && c["tasks"][0]["passed"] == false, "{c}");
    let reply = send(&f.router, get(&format!("/api/v1/plans/{}/half-check?date=x", f.plan), &mayor)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.body.contains("检查日期"), "{}", reply.status);
    let doc = send(&f.router, get("/api/v1/openapi.json", "")?).await?.json()?;
    ensure!(doc["paths"]["/api/v1/plans/{id}/half-check"]["get"].is_object(), "documented");
    Ok(())
}
