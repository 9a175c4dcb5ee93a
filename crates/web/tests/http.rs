//! The router called without a socket, on SQLite and PostgreSQL: sign-in,
//! pages by role, authorization, CSRF and bad input.

use anyhow::{Context, Result, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use qingdan_app::{ActualInput, ReportInput};
use qingdan_domain::{OrgId, PlanId, Role, TaskId};
use qingdan_testkit::{Backend, PASSWORD, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    signing_in_sets_an_http_only_same_site_cookie => sign_in;
    a_wrong_password_is_refused_without_saying_which_part_was_wrong => wrong_password;
    pages_need_a_session => pages_need_session;
    the_plan_page_shows_each_tasks_light_and_progress => plan_page;
    a_forged_report_on_another_orgs_task_gets_403_and_changes_nothing => forged_report;
    a_reporter_cannot_open_another_orgs_task_page => foreign_task_page;
    a_cross_site_post_is_refused => cross_site_post;
    a_leader_cannot_review_or_assign => leader_cannot_write;
    only_an_admin_sees_the_user_admin_page => admin_pages;
    malformed_json_wrong_types_and_unknown_ids_get_4xx_in_chinese => bad_api_input;
    an_oversized_body_is_refused => oversized_body;
    a_bad_form_is_shown_again_with_the_field_error_and_nothing_is_saved => bad_form;
    the_openapi_document_lists_the_api => openapi;
    a_task_answers_with_the_children_and_ancestors_the_caller_may_see => task_family;
}

/// A world with two orgs, a task for each, and a reporter in each.
struct Fixture {
    w: World,
    router: Router,
    plan: PlanId,
    energy_task: TaskId,
    culture_task: TaskId,
    energy: OrgId,
}

async fn fixture(backend: Backend) -> Result<Fixture> {
    let w = World::new(backend, "2021-07-01").await?;
    let energy = w.org("市能源局").await?;
    let culture = w.org("市文旅局").await?;
    let office = w.org("市政府办").await?;
    w.user("energy", Role::Reporter, energy).await?;
    w.user("culture", Role::Reporter, culture).await?;
    w.user("mayor", Role::Leader, office).await?;
    let plan = w.plan().await?;
    let energy_task = w.task(plan, "新增钻井649口", energy, &[], Some(("649", "口"))).await?;
    let culture_task = w.task(plan, "接待游客3000万人次", culture, &[], None).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(Fixture { w, router, plan, energy_task, culture_task, energy })
}

async fn sign_in(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let reply = send(&f.router, post_form("/login", "", &format!("username=energy&password={PASSWORD}"))?).await?;
    let cookie = reply.headers.get(header::SET_COOKIE).context("cookie")?.to_str()?.to_owned();
    ensure!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let cookie = cookie.split(';').next().unwrap_or_default();
    let me = send(&f.router, get("/api/v1/me", cookie)?).await?;
    ensure!(me.json()?["username"] == "energy");
    let out = send(&f.router, post_form("/logout", cookie, "")?).await?;
    ensure!(out.status == StatusCode::SEE_OTHER);
    ensure!(send(&f.router, get("/api/v1/me", cookie)?).await?.status == StatusCode::UNAUTHORIZED, "the session ended");
    Ok(())
}

async fn wrong_password(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let bad_password = send(&f.router, post_form("/login", "", "username=energy&password=wrong123")?).await?;
    let no_user = send(&f.router, post_form("/login", "", "username=nobody&password=wrong123")?).await?;
    for reply in [bad_password, no_user] {
        ensure!(reply.status == StatusCode::UNAUTHORIZED);
        ensure!(reply.select("#error") == ["用户名或密码错误"], "{:?}", reply.select("#error"));
    }
    Ok(())
}

async fn pages_need_session(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let page = send(&f.router, get("/plans", "")?).await?;
    ensure!(page.status == StatusCode::SEE_OTHER && page.headers[header::LOCATION] == "/login?next=%2Fplans");
    let api = send(&f.router, get("/api/v1/plans", "")?).await?;
    ensure!(api.status == StatusCode::UNAUTHORIZED && api.json()?["code"] == "unauthenticated");
    let forged = send(&f.router, get("/plans", "qingdan_session=forged")?).await?;
    ensure!(forged.status == StatusCode::SEE_OTHER);
    // A report sent after the session ended: back to its form after signing in, told it was not saved.
    let mut late = post_form("/tasks/1/report", "qingdan_session=ended", "period=2021-06&narrative=x")?;
    late.headers_mut().insert(header::REFERER, "http://127.0.0.1:8080/tasks/1/report?period=2021-06".parse()?);
    let late = send(&f.router, late).await?;
    let to = "/login?next=%2Ftasks%2F1%2Freport%3Fperiod%3D2021-06&unsent=1";
    ensure!(late.status == StatusCode::SEE_OTHER && late.location() == to, "{} {}", late.status, late.location());
    let login = send(&f.router, get(to, "")?).await?;
    ensure!(login.select("#unsent").first().is_some_and(|m| m.contains("未保存")), "{}", login.body);
    let next = login.attrs("input[name=next]", "value");
    ensure!(next == ["/tasks/1/report?period=2021-06"], "{next:?}");
    Ok(())
}

async fn plan_page(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let energy = f.w.app.store().user_login("energy").await?.context("user")?.user;
    let report = ReportInput {
        period: "2021-06".into(),
        percent_done: "80".into(),
        narrative: "进展顺利".into(),
        ..Default::default()
    };
    let id = f.w.app.submit_report(&energy, f.energy_task, &report).await?;
    f.w.app
        .review(
            &f.w.supervisor,
            id,
            &qingdan_app::ReviewInput { decision: "accept".into(), comment: String::new(), revision: None },
        )
        .await?;

    let cookie = sign_in_as(&f.router, "mayor").await?;
    let page = send(&f.router, get(&format!("/plans/{}", f.plan), &cookie)?).await?;
    ensure!(page.status == StatusCode::OK);
    let rows = page.select("#tasks tr[data-task] .light");
    ensure!(rows == ["绿灯", "红灯"], "lights {rows:?}");
    let progress = page.select("#tasks tr[data-task] small");
    ensure!(progress == ["80%", "0%"], "progress {progress:?}");
    let nav = page.select("nav .nav-link");
    ensure!(!nav.iter().any(|l| l == "审核"), "a leader has no review link: {nav:?}");
    ensure!(!page.body.contains("市文旅局</option>"), "org options load on demand");
    let options = send(&f.router, get(&format!("/org-options?selected={}", f.energy), &cookie)?).await?;
    ensure!(
        options.body.contains("市文旅局") && options.body.contains(&format!("value=\"{}\" selected", f.energy)),
        "{}",
        options.body
    );
    let chosen = send(&f.router, get(&format!("/plans/{}?lead_org={}", f.plan, f.energy), &cookie)?).await?;
    ensure!(chosen.select("#tasks tr[data-task]").len() == 1 && chosen.body.contains("市能源局</option>"));
    let red = send(&f.router, get(&format!("/plans/{}?light=red", f.plan), &cookie)?).await?;
    ensure!(red.select("#tasks tr[data-task]").len() == 1);
    let bad = send(&f.router, get(&format!("/plans/{}?light=purple", f.plan), &cookie)?).await?;
    ensure!(bad.status == StatusCode::UNPROCESSABLE_ENTITY && bad.body.contains("亮灯状态无效"));
    Ok(())
}

async fn forged_report(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let cookie = sign_in_as(&f.router, "culture").await?;
    let before = f.w.app.store().audit_count(f.w.tenant).await?;
    let json = r#"{"period":"2021-06","percent_done":100,"narrative":"伪造"}"#;
    let api = send(&f.router, post_json(&format!("/api/v1/tasks/{}/reports", f.energy_task), &cookie, json)?).await?;
    ensure!(api.status == StatusCode::FORBIDDEN && api.json()?["code"] == "forbidden", "{} {}", api.status, api.body);
    let form = send(
        &f.router,
        post_form(&format!("/tasks/{}/report", f.energy_task), &cookie, "period=2021-06&percent_done=100&narrative=x")?,
    )
    .await?;
    ensure!(form.status == StatusCode::FORBIDDEN && form.body.contains("无权"));
    ensure!(f.w.app.store().audit_count(f.w.tenant).await? == before, "nothing written");
    ensure!(f.w.app.task_detail(&f.w.supervisor, f.energy_task).await?.reports.is_empty());
    // The same reporter may report on their own task.
    let own = send(&f.router, post_json(&format!("/api/v1/tasks/{}/reports", f.culture_task), &cookie, json)?).await?;
    ensure!(own.status == StatusCode::CREATED, "{}", own.body);
    Ok(())
}

async fn foreign_task_page(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let cookie = sign_in_as(&f.router, "culture").await?;
    let page = send(&f.router, get(&format!("/tasks/{}", f.energy_task), &cookie)?).await?;
    ensure!(page.status == StatusCode::FORBIDDEN);
    ensure!(!page.body.contains("新增钻井"), "the task's content is not shown");
    let api = send(&f.router, get(&format!("/api/v1/tasks/{}", f.energy_task), &cookie)?).await?;
    ensure!(api.status == StatusCode::FORBIDDEN);
    let list = send(&f.router, get(&format!("/api/v1/plans/{}/tasks", f.plan), &cookie)?).await?.json()?;
    ensure!(list["total"] == 1 && list["items"][0]["id"] == f.culture_task.0, "{list}");
    Ok(())
}

async fn cross_site_post(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let cookie = sign_in_as(&f.router, "energy").await?;
    let request = Request::post(format!("/tasks/{}/report", f.energy_task))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from("period=2021-06&percent_done=50&narrative=x"))?;
    let reply = send(&f.router, request).await?;
    ensure!(
        reply.status == StatusCode::FORBIDDEN && reply.body.contains("跨站请求"),
        "{} {}",
        reply.status,
        reply.body
    );
    ensure!(f.w.app.task_detail(&f.w.supervisor, f.energy_task).await?.reports.is_empty());
    let same = Request::post(format!("/tasks/{}/report", f.energy_task))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from("period=2021-06&percent_done=50&narrative=x"))?;
    ensure!(send(&f.router, same).await?.status == StatusCode::SEE_OTHER, "same-origin posts pass");
    Ok(())
}

async fn leader_cannot_write(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let energy = f.w.app.store().user_login("energy").await?.context("user")?.user;
    let report = ReportInput {
        period: "2021-06".into(),
        percent_done: "10".into(),
        narrative: "进展".into(),
        ..Default::default()
    };
    let id = f.w.app.submit_report(&energy, f.energy_task, &report).await?;
    let cookie = sign_in_as(&f.router, "mayor").await?;
    let review = send(&f.router, post_form(&format!("/reports/{id}/review"), &cookie, "decision=accept")?).await?;
    ensure!(review.status == StatusCode::FORBIDDEN);
    let assign =
        send(&f.router, post_form(&format!("/tasks/{}/responsibility", f.energy_task), &cookie, "lead_org_id=")?)
            .await?;
    ensure!(assign.status == StatusCode::FORBIDDEN);
    let queue = send(&f.router, get("/reviews", &cookie)?).await?;
    ensure!(queue.status == StatusCode::FORBIDDEN);
    let detail = f.w.app.task_detail(&f.w.supervisor, f.energy_task).await?;
    ensure!(
        detail.reports[0].status == qingdan_domain::ReportStatus::Submitted
            && detail.item.task.responsibility.lead_org_id == Some(f.energy)
    );
    Ok(())
}

async fn admin_pages(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    for (who, status) in
        [("supervisor", StatusCode::FORBIDDEN), ("energy", StatusCode::FORBIDDEN), ("admin", StatusCode::OK)]
    {
        let cookie = sign_in_as(&f.router, who).await?;
        let page = send(&f.router, get("/admin/users", &cookie)?).await?;
        ensure!(page.status == status, "{who}: {}", page.status);
        let created =
            send(&f.router, post_form("/admin/orgs", &cookie, "name=%E5%B8%82%E6%96%B0%E5%B1%80&kind=department")?)
                .await?;
        let want = if who == "admin" { StatusCode::SEE_OTHER } else { StatusCode::FORBIDDEN };
        ensure!(created.status == want, "{who} creating an org: {}", created.status);
    }
    let names: Vec<String> = f.w.app.orgs(&f.w.admin).await?.into_iter().map(|o| o.name).collect();
    ensure!(names.iter().filter(|n| *n == "市新局").count() == 1, "{names:?}");
    Ok(())
}

async fn bad_api_input(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let cookie = sign_in_as(&f.router, "energy").await?;
    let url = format!("/api/v1/tasks/{}/reports", f.energy_task);
    let cases = [
        (r#"{"period":"2021-06","#, StatusCode::BAD_REQUEST, "invalid_json"),
        (r#"{"period":["x"],"percent_done":1,"narrative":"x"}"#, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
        (r#"{"period":"2021-06","percent_done":"abc","narrative":"x"}"#, StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (
            r#"{"period":"2021-06","percent_done":50,"narrative":"x","actuals":[{"target_id":123456,"actual":"1"}]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        ("42", StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
        ("[]", StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
    ];
    for (body, status, code) in cases {
        let reply = send(&f.router, post_json(&url, &cookie, body)?).await?;
        ensure!(reply.status == status, "{body}: {} {}", reply.status, reply.body);
        let json = reply.json()?;
        ensure!(json["code"] == code, "{body}: {json}");
        ensure!(json["message"].as_str().is_some_and(|m| !m.is_ascii()), "Chinese message: {json}");
    }
    let percent =
        send(&f.router, post_json(&url, &cookie, r#"{"period":"2021-06","percent_done":"abc","narrative":"x"}"#)?)
            .await?
            .json()?;
    ensure!(
        percent["errors"][0]["field"] == "percent_done" && percent["errors"][0]["code"] == "out_of_range",
        "{percent}"
    );
    // A misspelt field is named, with where it sits, not dropped in silence.
    for (body, at) in [
        (r#"{"period":"2021-06","percent_done":50,"narative":"x"}"#, "narative"),
        (
            r#"{"period":"2021-06","percent_done":50,"narrative":"x","actuals":[{"target_id":1,"actaul":"2"}]}"#,
            "actuals[0].actaul",
        ),
    ] {
        let reply = send(&f.router, post_json(&url, &cookie, body)?).await?;
        let json = reply.json()?;
        ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && json["code"] == "unknown_field", "{body}: {json}");
        ensure!(json["message"] == format!("请求体含未知字段：{at}（请对照接口文档检查字段名）"), "{json}");
        ensure!(json["errors"][0]["field"] == at, "the field named in errors too: {json}");
    }
    let office = sign_in_as(&f.router, "supervisor").await?;
    let bulk = format!("/api/v1/plans/{}/tasks/bulk", f.plan);
    let body = r#"{"items":[{"title":"新任务","deadline":"2026-12-31","parnet_id":1}]}"#;
    let reply = send(&f.router, post_json(&bulk, &office, body)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{} {}", reply.status, reply.body);
    ensure!(reply.json()?["message"].as_str().is_some_and(|m| m.contains("items[0].parnet_id")), "{}", reply.body);
    let body = r#"{"items":[{"title":"新任务"}]}"#;
    let reply = send(&f.router, post_json(&bulk, &office, body)?).await?;
    ensure!(reply.json()?["message"] == "请求体缺少必填字段：items[0].deadline", "{}", reply.body);
    let body = r#"{"title":"新任务","deadline":"2026-12-31","parent_id":"1"}"#;
    let one = format!("/api/v1/plans/{}/tasks", f.plan);
    let said = send(&f.router, post_json(&one, &office, body)?).await?.json()?;
    ensure!(said["message"] == "请求体字段 parent_id 不正确：应为整数，收到文本“1”", "{said}");
    ensure!(said["errors"][0]["field"] == "parent_id", "{said}");
    let no_type = Request::post(&url).header(header::COOKIE, &cookie).body(Body::from("{}"))?;
    ensure!(send(&f.router, no_type).await?.status == StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for path in ["/api/v1/tasks/abc", "/api/v1/tasks/99999999", "/api/v1/tasks/-1", "/tasks/%FF", "/api/v1/nothing"] {
        let reply = send(&f.router, get(path, &cookie)?).await?;
        ensure!(reply.status == StatusCode::NOT_FOUND, "{path}: {}", reply.status);
    }
    let repeated =
        send(&f.router, get(&format!("/api/v1/plans/{}/tasks?light=red&light=green", f.plan), &cookie)?).await?;
    ensure!(repeated.status == StatusCode::BAD_REQUEST && repeated.json()?["code"] == "bad_query", "{}", repeated.body);
    let big_page =
        send(&f.router, get(&format!("/api/v1/plans/{}/tasks?per_page=100000", f.plan), &cookie)?).await?.json()?;
    ensure!(big_page["errors"][0]["field"] == "per_page", "{big_page}");
    let no_page =
        send(&f.router, get(&format!("/api/v1/plans/{}/tasks?per_page=0", f.plan), &cookie)?).await?.json()?;
    ensure!(no_page["errors"][0]["message"] == "per_page 应为 1 到 200 之间的整数", "{no_page}");
    let review =
        send(&f.router, post_json("/api/v1/reports/99999/review", &cookie, r#"{"decision":"accept"}"#)?).await?;
    ensure!(review.status == StatusCode::FORBIDDEN, "a reporter may not review at all");
    ensure!(f.w.app.task_detail(&f.w.supervisor, f.energy_task).await?.reports.is_empty(), "nothing saved");
    Ok(())
}

async fn oversized_body(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let cookie = sign_in_as(&f.router, "energy").await?;
    let narrative = "长".repeat(600_000);
    let body = format!(r#"{{"period":"2021-06","percent_done":1,"narrative":"{narrative}"}}"#);
    let reply =
        send(&f.router, post_json(&format!("/api/v1/tasks/{}/reports", f.energy_task), &cookie, &body)?).await?;
    ensure!(reply.status == StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.status);
    Ok(())
}

async fn bad_form(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let cookie = sign_in_as(&f.router, "energy").await?;
    let target = f.w.app.task_detail(&f.w.supervisor, f.energy_task).await?.targets[0].id;
    let form = format!("period=2021-06&percent_done=150&narrative=&actual_{}=%E5%BE%88%E5%A4%9A", target.0);
    let reply = send(&f.router, post_form(&format!("/tasks/{}/report", f.energy_task), &cookie, &form)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY);
    let errors: Vec<String> = reply.select(".field-error").into_iter().filter(|e| !e.trim().is_empty()).collect();
    ensure!(errors.iter().any(|e| e.contains("完成进度")), "{errors:?}");
    ensure!(errors.iter().any(|e| e.contains("工作进展不能为空")), "{errors:?}");
    ensure!(errors.iter().any(|e| e.contains("完成值应为数字")), "{errors:?}");
    ensure!(reply.body.contains("value=\"150\""), "the typed value is kept");
    ensure!(f.w.app.task_detail(&f.w.supervisor, f.energy_task).await?.reports.is_empty());
    let good = format!("period=2021-06&percent_done=50&narrative=ok&actual_{}=300", target.0);
    ensure!(
        send(&f.router, post_form(&format!("/tasks/{}/report", f.energy_task), &cookie, &good)?).await?.status
            == StatusCode::SEE_OTHER
    );
    let reports = f.w.app.task_detail(&f.w.supervisor, f.energy_task).await?.reports;
    ensure!(
        reports.len() == 1
            && reports[0].actuals == vec![qingdan_domain::ReportedActual { target_id: target, actual: 300.into() }]
    );
    let _ = ActualInput::default();
    Ok(())
}

async fn openapi(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let doc = send(&f.router, get("/api/v1/openapi.json", "")?).await?.json()?;
    for path in
        ["/api/v1/plans/{id}/tasks", "/api/v1/tasks/{id}/reports", "/api/v1/reports/{id}/review", "/api/v1/session"]
    {
        ensure!(doc["paths"][path].is_object(), "{path} missing");
    }
    ensure!(doc["components"]["schemas"]["ReportInput"].is_object());
    Ok(())
}

/// A child of `parent` led by `lead`.
async fn child(f: &Fixture, parent: TaskId, title: &str, lead: OrgId) -> Result<TaskId> {
    let input = qingdan_app::TaskInput {
        parent_id: Some(parent.0),
        number: String::new(),
        title: title.into(),
        weight: String::new(),
        deadline: "2021-12-31".into(),
        start_date: String::new(),
        targets: Vec::new(),
        responsibility: None,
    };
    let id = f.w.app.create_task(&f.w.supervisor, f.plan, &input).await?;
    let lead = qingdan_app::ResponsibilityInput { lead_org_id: Some(lead.0), ..Default::default() };
    f.w.app.set_responsibility(&f.w.supervisor, id, &lead).await?;
    Ok(id)
}

fn ids(json: &serde_json::Value, key: &str) -> Vec<i64> {
    json[key].as_array().map(|a| a.iter().filter_map(|t| t["id"].as_i64()).collect()).unwrap_or_default()
}

async fn task_family(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let culture = f.w.org("市文化馆").await?;
    f.w.user("museum", Role::Reporter, culture).await?;
    let wells = child(&f, f.energy_task, "东区钻井300口", f.energy).await?;
    let museum = child(&f, f.energy_task, "矿业博物馆布展", culture).await?;
    let pads = child(&f, wells, "井场平整", f.energy).await?;

    // The office: every child in order, no ancestors at the root.
    let office = sign_in_as(&f.router, "supervisor").await?;
    let root = send(&f.router, get(&format!("/api/v1/tasks/{}", f.energy_task), &office)?).await?.json()?;
    ensure!(ids(&root, "children") == [wells.0, museum.0], "{root}");
    ensure!(ids(&root, "ancestors").is_empty(), "{root}");
    ensure!(root["targets"].as_array().map(Vec::len) == Some(1), "{root}");
    let leaf = send(&f.router, get(&format!("/api/v1/tasks/{}", pads.0), &office)?).await?.json()?;
    ensure!(ids(&leaf, "ancestors") == [f.energy_task.0, wells.0], "root first: {leaf}");

    // The energy reporter: its own line from the root; the museum's org sees its task alone.
    let energy = sign_in_as(&f.router, "energy").await?;
    let mine = send(&f.router, get(&format!("/api/v1/tasks/{}", wells.0), &energy)?).await?.json()?;
    ensure!(ids(&mine, "ancestors") == [f.energy_task.0] && ids(&mine, "children") == [pads.0], "{mine}");
    let root = send(&f.router, get(&format!("/api/v1/tasks/{}", f.energy_task), &energy)?).await?.json()?;
    ensure!(ids(&root, "children") == [wells.0], "another org's child stays out: {root}");
    let curator = sign_in_as(&f.router, "museum").await?;
    let theirs = send(&f.router, get(&format!("/api/v1/tasks/{}", museum.0), &curator)?).await?.json()?;
    ensure!(ids(&theirs, "ancestors").is_empty(), "a parent of another org stays out: {theirs}");
    Ok(())
}
