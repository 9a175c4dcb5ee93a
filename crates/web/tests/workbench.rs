//! 首页, the menu's counts and 站内消息 through the router, on both engines.

mod common;

use anyhow::{Result, ensure};
use axum::http::StatusCode;
use common::{get, post_form, send, sign_in_as};
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    each_role_lands_on_its_workbench_and_the_menu_counts => landing;
    the_inbox_lists_marks_read_and_goes_to_the_matter => inbox;
    an_error_page_has_the_menu_and_sign_in_returns_to_the_page_asked_for => errors_and_next;
    an_action_says_what_it_did_once_on_the_next_page => flash;
    refused_plan_and_responsibility_forms_keep_what_was_typed => forms;
}

async fn world(backend: Backend) -> Result<(World, axum::Router)> {
    let w = World::new(backend, "2026-03-23").await?;
    let reform = w.org("市发改委").await?;
    let plan = w.plan().await?;
    w.task(plan, "重大项目前期工作", reform, &[], None).await?;
    w.task(plan, "营商环境评价", reform, &[], None).await?;
    w.user("fgw.wu", Role::Reporter, reform).await?;
    w.user("mayor", Role::Leader, w.supervisor.org_id).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok((w, router))
}

async fn landing(backend: Backend) -> Result<()> {
    let (_w, router) = world(backend).await?;
    let wu = sign_in_as(&router, "fgw.wu").await?;
    let root = send(&router, get("/", &wu)?).await?;
    ensure!(root.location() == "/home", "{}", root.location());
    let home = send(&router, get("/home", &wu)?).await?;
    ensure!(home.status == StatusCode::OK, "{}", home.status);
    ensure!(home.attrs("[data-pile='due'] [data-count]", "data-count") == ["2"], "{}", home.body);
    ensure!(
        home.attrs("[data-pile='due'] a", "href").iter().any(|h| h.contains("/report?period=")),
        "one step to the form of its period"
    );
    ensure!(
        !home.select("nav #badge-loader").is_empty() || home.body.contains("/nav/badges"),
        "the menu asks for counts"
    );
    let owed: usize = ["due", "returned", "missing"]
        .iter()
        .flat_map(|p| home.attrs(&format!("[data-pile='{p}'] [data-count]"), "data-count"))
        .map(|n| n.parse::<usize>().unwrap_or(0))
        .sum();
    ensure!(owed >= 2, "{owed}");
    let badges = send(&router, get("/nav/badges", &wu)?).await?;
    let badge = format!(r#"id="badge-my" hx-swap-oob="true">{owed}<"#);
    ensure!(badges.body.contains(&badge), "the menu counts what 首页 counts: {}", badges.body);
    let mayor = sign_in_as(&router, "mayor").await?;
    let home = send(&router, get("/home", &mayor)?).await?;
    ensure!(!home.select("#map-summary").is_empty() && !home.select("#red-list").is_empty(), "the leader's summary");
    let admin = sign_in_as(&router, "admin").await?;
    ensure!(send(&router, get("/home", &admin)?).await?.status == StatusCode::FORBIDDEN);
    let admin_page = send(&router, get("/admin/users", &admin)?).await?;
    ensure!(!admin_page.body.contains("/nav/badges"), "no count requests an administrator would be refused");
    Ok(())
}

async fn inbox(backend: Backend) -> Result<()> {
    let (w, router) = world(backend).await?;
    w.app.remind_reporting_for(w.tenant).await?;
    let wu = sign_in_as(&router, "fgw.wu").await?;
    let badges = send(&router, get("/nav/badges", &wu)?).await?;
    ensure!(badges.body.contains(r#"id="badge-inbox" hx-swap-oob="true">1<"#), "{}", badges.body);
    let page = send(&router, get("/inbox", &wu)?).await?;
    let ids = page.attrs("[data-message]", "data-message");
    ensure!(ids.len() == 1 && page.attrs("[data-message]", "data-read") == ["0"], "{}", page.body);
    let go = send(&router, post_form("/inbox/read", &wu, &format!("id={}&go=%2Fmy", ids[0]))?).await?;
    ensure!(go.location() == "/my", "{}", go.location());
    let page = send(&router, get("/inbox", &wu)?).await?;
    ensure!(page.attrs("[data-message]", "data-read") == ["1"], "opened, it is read");
    let unread = send(&router, get("/inbox?unread=1", &wu)?).await?;
    ensure!(!unread.select("#no-messages").is_empty());
    let outside = send(&router, post_form("/inbox/read", &wu, "id=1&go=https%3A%2F%2Fevil.example")?).await?;
    ensure!(outside.location() == "/inbox?done=read", "no redirect off the site: {}", outside.location());
    let supervisor = sign_in_as(&router, "supervisor").await?;
    let theirs = send(&router, get("/inbox", &supervisor)?).await?;
    ensure!(theirs.attrs("[data-message]", "data-message").is_empty(), "another's inbox is not shown");
    Ok(())
}

async fn errors_and_next(backend: Backend) -> Result<()> {
    let (_w, router) = world(backend).await?;
    let wu = sign_in_as(&router, "fgw.wu").await?;
    let missing = send(&router, get("/tasks/999999", &wu)?).await?;
    ensure!(missing.status == StatusCode::NOT_FOUND, "{}", missing.status);
    ensure!(!missing.select("nav #who").is_empty() && !missing.select("#error").is_empty(), "{}", missing.body);
    let refused = send(&router, get("/reviews", &wu)?).await?;
    ensure!(refused.status == StatusCode::FORBIDDEN && !refused.select("nav #who").is_empty());
    // Signed out, a reminder's link goes through sign-in and lands where it points.
    let out = send(&router, get("/inbox?unread=1", "")?).await?;
    ensure!(out.location() == "/login?next=%2Finbox%3Funread%3D1", "{}", out.location());
    let form = send(&router, get(&out.location(), "")?).await?;
    ensure!(form.attrs("input[name=next]", "value") == ["/inbox?unread=1"], "{}", form.body);
    let body = format!("username=fgw.wu&password={}&next=%2Finbox%3Funread%3D1", qingdan_testkit::PASSWORD);
    let signed = send(&router, post_form("/login", "", &body)?).await?;
    ensure!(signed.location() == "/inbox?unread=1", "{}", signed.location());
    let elsewhere = format!("username=fgw.wu&password={}&next=%2F%2Fevil.example", qingdan_testkit::PASSWORD);
    let signed = send(&router, post_form("/login", "", &elsewhere)?).await?;
    ensure!(signed.location() == "/home", "never off the site: {}", signed.location());
    Ok(())
}

async fn flash(backend: Backend) -> Result<()> {
    let (_w, router) = world(backend).await?;
    let supervisor = sign_in_as(&router, "supervisor").await?;
    let made =
        send(&router, post_form("/plans", &supervisor, "year=2027&title=2027%E5%B9%B4%E6%B8%85%E5%8D%95")?).await?;
    ensure!(made.status == StatusCode::SEE_OTHER, "{}", made.status);
    let set = made.headers.get(axum::http::header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    ensure!(set.starts_with("qingdan_flash="), "{set}");
    let flash = set.split(';').next().unwrap_or_default();
    let next = send(&router, get(&made.location(), &format!("{supervisor}; {flash}"))?).await?;
    ensure!(next.select("main #flash").concat() == "已新建计划。", "{}", next.body);
    let cleared = next.headers.get(axum::http::header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    ensure!(cleared.starts_with("qingdan_flash=;") && cleared.contains("Max-Age=0"), "said once: {cleared}");
    let again = send(&router, get(&made.location(), &supervisor)?).await?;
    ensure!(again.select("#flash").is_empty(), "and not again");
    Ok(())
}

async fn forms(backend: Backend) -> Result<()> {
    let (w, router) = world(backend).await?;
    let supervisor = sign_in_as(&router, "supervisor").await?;
    let refused =
        send(&router, post_form("/plans", &supervisor, "year=20x6&title=%E6%96%B0%E6%B8%85%E5%8D%95")?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(
        !refused.select("#plan-form .field-error").concat().is_empty(),
        "the error is on the form: {}",
        refused.body
    );
    ensure!(refused.attrs("#plan-year", "value") == ["20x6"] && refused.attrs("#plan-title", "value") == ["新清单"]);
    ensure!(!refused.select("nav #who").is_empty());
    let org = w.org("市统计局").await?;
    let plan = w.app.plans(&w.supervisor).await?.remove(0).id;
    let task = w.task(plan, "统计数据质量提升", org, &[], None).await?;
    let path = format!("/tasks/{}/responsibility", task.0);
    let refused = send(&router, post_form(&path, &supervisor, "lead_org_id=999999")?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(!refused.select("#responsibility-form #responsibility-error").is_empty(), "on the form: {}", refused.body);
    ensure!(!refused.select("nav #who").is_empty());
    // The 责任人 list opens with the lead org's people (the owner must be one).
    let other = w.org("市财政局").await?;
    w.user("czj.chen", Role::Reporter, other).await?;
    w.user("tjj.li", Role::Reporter, org).await?;
    let page = send(&router, get(&format!("/tasks/{}", task.0), &supervisor)?).await?;
    let people = page.select("#owner_id option");
    ensure!(people.get(1).is_some_and(|p| p.contains("tjj.li")), "{people:?}");
    Ok(())
}
