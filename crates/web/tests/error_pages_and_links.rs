//! Error pages and links, on SQLite and PostgreSQL: a bad id in a page's
//! address or a GET of a form's address answers with the error page in the
//! layout (the API with JSON); a link is shown only to whom its page opens;
//! the report form of a period not yet begun says so and offers no submit.

use anyhow::{Result, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use qingdan_app::assessment::SchemeInput;
use qingdan_domain::{OrgId, PlanId, Role, TaskId};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    a_bad_id_in_a_page_address_is_the_error_page_with_the_menu_and_json_in_the_api => bad_ids;
    a_get_of_a_form_address_is_a_405_page_with_allow => method_pages;
    the_reporting_link_is_for_whom_the_reporting_page_opens => reporting_link;
    the_dispatch_bulletin_link_is_for_whom_the_bulletin_opens => bulletin_link;
    a_published_month_is_a_link_only_where_it_opens => month_links;
    the_api_tokens_link_is_not_for_the_three_administrators => tokens_link;
    the_form_of_a_future_period_says_so_and_offers_no_submit => future_form;
}

/// A city with a plan whose one task the energy bureau leads, and a reporter
/// in each of the energy and the culture bureaus.
struct City {
    w: World,
    router: Router,
    plan: PlanId,
    task: TaskId,
    energy: OrgId,
}

async fn city(backend: Backend) -> Result<City> {
    let w = World::new(backend, "2026-07-05").await?;
    let energy = w.org("市能源局").await?;
    let culture = w.org("市文旅局").await?;
    w.user("energy", Role::Reporter, energy).await?;
    w.user("culture", Role::Reporter, culture).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新增钻井649口", energy, &[], Some(("649", "口"))).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(City { w, router, plan, task, energy })
}

fn header_of(reply: &Reply, name: header::HeaderName) -> String {
    reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The error page as every page is: HTML, in the layout with the user's
/// menu, private and with the security headers.
fn ensure_error_page(reply: &Reply, status: StatusCode, message: &str, what: &str) -> Result<()> {
    ensure!(reply.status == status, "{what}: {}", reply.status);
    ensure!(header_of(reply, header::CONTENT_TYPE).starts_with("text/html"), "{what}: {:?}", reply.headers);
    ensure!(reply.select("#top-nav").len() == 1, "{what}: the menu: {}", reply.body);
    ensure!(reply.select("#error").concat().contains(message), "{what}: {:?}", reply.select("#error"));
    ensure!(header_of(reply, header::CACHE_CONTROL) == "no-store", "{what}: {:?}", reply.headers);
    ensure!(header_of(reply, header::X_FRAME_OPTIONS) == "DENY", "{what}: {:?}", reply.headers);
    ensure!(header_of(reply, header::CONTENT_SECURITY_POLICY).contains("default-src"), "{what}");
    Ok(())
}

async fn bad_ids(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let paths = [
        "/tasks/abc",
        "/projects/abc",
        "/assignments/abc",
        "/plans/abc",
        "/dispatch/abc",
        "/assessment/abc",
        "/tasks/99999999999999999999",
        "/project-reports/abc/photos/1",
    ];
    for path in paths {
        let reply = send(&c.router, get(path, &office)?).await?;
        ensure_error_page(&reply, StatusCode::NOT_FOUND, "地址中的编号无效", path)?;
        ensure!(reply.select("#who").concat().contains("督查员"), "{path}: the signed-in user's menu");
    }
    for path in [format!("/tasks/{}/targets/abc", c.task.0), format!("/tasks/{}/targets/abc/delete", c.task.0)] {
        let reply = send(&c.router, post_form(&path, &office, "metric=x")?).await?;
        ensure_error_page(&reply, StatusCode::NOT_FOUND, "地址中的编号无效", &path)?;
    }
    let admin = sign_in_as(&c.router, "admin").await?;
    let reply = send(&c.router, get("/admin/users/abc", &admin)?).await?;
    ensure_error_page(&reply, StatusCode::NOT_FOUND, "地址中的编号无效", "/admin/users/abc")?;
    ensure!(reply.attrs("#top-nav a", "href").iter().any(|h| h == "/admin/users"), "the admin's own menu");

    // The same page as a missing task's.
    let missing = send(&c.router, get("/tasks/999999", &office)?).await?;
    let bad = send(&c.router, get("/tasks/abc", &office)?).await?;
    ensure!(missing.status == StatusCode::NOT_FOUND, "{}", missing.status);
    ensure!(missing.select("title") == bad.select("title"), "{:?} {:?}", missing.select("title"), bad.select("title"));
    ensure!(missing.select("#error h1") == bad.select("#error h1"), "{:?}", bad.select("#error h1"));

    // The API keeps its JSON.
    let reply = send(&c.router, get("/api/v1/tasks/abc", &office)?).await?;
    ensure!(reply.status == StatusCode::NOT_FOUND, "{}", reply.status);
    ensure!(header_of(&reply, header::CONTENT_TYPE).starts_with("application/json"), "{:?}", reply.headers);
    let body = reply.json()?;
    ensure!(body["code"] == "not_found" && body["message"] == "地址中的编号无效", "{body}");
    Ok(())
}

async fn method_pages(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let task = c.task.0;
    for path in ["/logout".to_owned(), "/reports/32/review".to_owned(), format!("/tasks/{task}/delete")] {
        let reply = send(&c.router, get(&path, &office)?).await?;
        ensure_error_page(&reply, StatusCode::METHOD_NOT_ALLOWED, "此地址只接受表单提交", &path)?;
        ensure!(header_of(&reply, header::ALLOW).contains("POST"), "{path}: {:?}", reply.headers);
    }
    let admin = sign_in_as(&c.router, "admin").await?;
    let reply = send(&c.router, get("/admin/calendar/delete", &admin)?).await?;
    ensure_error_page(&reply, StatusCode::METHOD_NOT_ALLOWED, "此地址只接受表单提交", "/admin/calendar/delete")?;
    ensure!(header_of(&reply, header::ALLOW).contains("POST"), "{:?}", reply.headers);

    // Signed out: the same page, without a menu.
    let reply = send(&c.router, get("/logout", "")?).await?;
    ensure!(reply.status == StatusCode::METHOD_NOT_ALLOWED, "{}", reply.status);
    ensure!(reply.select("#error").concat().contains("此地址只接受表单提交"), "{}", reply.body);
    ensure!(header_of(&reply, header::ALLOW).contains("POST"), "{:?}", reply.headers);

    // The API answers in JSON.
    let request =
        Request::delete(format!("/api/v1/tasks/{task}")).header(header::COOKIE, &office).body(Body::empty())?;
    let reply = send(&c.router, request).await?;
    ensure!(reply.status == StatusCode::METHOD_NOT_ALLOWED, "{}", reply.status);
    ensure!(reply.json()?["code"] == "method_not_allowed", "{}", reply.body);
    ensure!(header_of(&reply, header::ALLOW).contains("GET"), "{:?}", reply.headers);
    Ok(())
}

async fn reporting_link(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let path = format!("/plans/{}", c.plan.0);
    let reporting = format!("{path}/reporting");
    let office = sign_in_as(&c.router, "supervisor").await?;
    let page = send(&c.router, get(&path, &office)?).await?;
    ensure!(page.attrs("#reporting-link", "href") == [reporting.clone()], "{:?}", page.attrs("a", "href"));
    let energy = sign_in_as(&c.router, "energy").await?;
    ensure!(send(&c.router, get(&reporting, &energy)?).await?.status == StatusCode::FORBIDDEN, "not for a reporter");
    let page = send(&c.router, get(&path, &energy)?).await?;
    ensure!(page.status == StatusCode::OK, "{}", page.status);
    ensure!(!page.body.contains("/reporting"), "no link to 报送情况 for a reporter");
    Ok(())
}

async fn bulletin_link(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let page = send(&c.router, get("/projects/map", &office)?).await?;
    let link = page.attrs("#bulletin-link", "href");
    ensure!(link == ["/projects/bulletin.docx?year=2026"], "the map's year: {link:?}");
    let energy = sign_in_as(&c.router, "energy").await?;
    let refused = send(&c.router, get("/projects/bulletin.docx", &energy)?).await?;
    ensure!(refused.status == StatusCode::FORBIDDEN, "not for a reporter: {}", refused.status);
    let page = send(&c.router, get("/projects/map", &energy)?).await?;
    ensure!(page.status == StatusCode::OK, "{}", page.status);
    ensure!(!page.body.contains("/projects/bulletin.docx"), "no link to 调度通报 for a reporter");
    Ok(())
}

async fn month_links(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let body = format!(
        r#"{{"groups": [{{"name": "能源组", "orgs": [{}]}}],
  "indicators": [{{"key": "output", "name": "产量", "points": "100",
    "method": {{"kind": "completion", "cap": "1.2", "floor": "0.6"}}, "source": {{"kind": "entered"}}}}],
  "year_end": "average", "tiers": {{"advanced": 1, "improved_by": 2, "pass": "50"}}, "show_others": false}}"#,
        c.energy.0
    );
    let input = SchemeInput { year: "2026".into(), name: "能源考核".into(), body };
    let id = c.w.app.create_scheme(&c.w.supervisor, &input).await?;
    c.w.app.publish_month(&c.w.supervisor, id, "2026-06", "").await?;
    let scheme = format!("/assessment/{id}");
    let month = format!("{scheme}/2026-06?version=1");
    let link = format!("#published a[href='{month}']");

    let office = sign_in_as(&c.router, "supervisor").await?;
    ensure!(send(&c.router, get(&scheme, &office)?).await?.select(&link).len() == 1, "the office opens every month");
    let energy = sign_in_as(&c.router, "energy").await?;
    ensure!(send(&c.router, get(&month, &energy)?).await?.status == StatusCode::OK);
    ensure!(send(&c.router, get(&scheme, &energy)?).await?.select(&link).len() == 1, "an assessed org opens it");

    let culture = sign_in_as(&c.router, "culture").await?;
    ensure!(send(&c.router, get(&month, &culture)?).await?.status == StatusCode::FORBIDDEN, "not assessed");
    let page = send(&c.router, get(&scheme, &culture)?).await?;
    ensure!(page.status == StatusCode::OK, "{}", page.status);
    ensure!(page.select("#published a").is_empty(), "no link for an org outside the groups: {}", page.body);
    ensure!(page.select("#published tr[data-month]").concat().contains("2026-06"), "the month is still listed");
    Ok(())
}

async fn tokens_link(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    for who in ["admin", "security", "auditor"] {
        let cookie = sign_in_as(&c.router, who).await?;
        let refused = send(&c.router, get("/account/tokens", &cookie)?).await?;
        ensure!(refused.status == StatusCode::FORBIDDEN, "{who}: {}", refused.status);
        let page = send(&c.router, get("/account/password", &cookie)?).await?;
        ensure!(page.status == StatusCode::OK, "{who}: {}", page.status);
        ensure!(!page.body.contains("/account/tokens"), "{who}: no link to API 令牌");
    }
    let energy = sign_in_as(&c.router, "energy").await?;
    let page = send(&c.router, get("/account/password", &energy)?).await?;
    ensure!(page.attrs("#tokens-link", "href") == ["/account/tokens"], "a reporter keeps the link");
    Ok(())
}

async fn future_form(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let energy = sign_in_as(&c.router, "energy").await?;
    let path = format!("/tasks/{}/report", c.task.0);
    let now = send(&c.router, get(&path, &energy)?).await?;
    ensure!(now.status == StatusCode::OK && now.select("#report-form").len() == 1, "this period's form");
    let future = send(&c.router, get(&format!("{path}?period=2030-01"), &energy)?).await?;
    ensure!(future.status == StatusCode::OK, "{}", future.status);
    ensure!(future.select("#future").concat().contains("不能填报未来的周期"), "{:?}", future.select("#future"));
    ensure!(future.select("#report-form").is_empty(), "no form to submit");
    ensure!(future.select("button[type=submit]").concat() == "切换报送期", "only the period switch");
    ensure!(future.select("#top-nav").len() == 1, "in the layout");
    Ok(())
}
