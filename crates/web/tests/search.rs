//! 查找 through the router, on SQLite and PostgreSQL: the box on the plan
//! list, the results page with its count and links, an empty and a too-long
//! text (a Chinese message, never a 500), and who may search what.

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_app::UserInput;
use qingdan_domain::{Role, TaskId};
use qingdan_testkit::{Backend, PASSWORD, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_plan_list_has_the_box_and_results_link_to_their_pages => results;
    empty_and_too_long_texts_get_a_chinese_answer_not_an_error => bad_input;
    a_reporter_finds_only_their_orgs_tasks_and_administrators_are_refused => who_finds_what;
}

/// `text` percent-encoded for a query string.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn search_path(text: &str) -> String {
    format!("/search?q={}", encode(text))
}

struct Fixture {
    w: World,
    router: Router,
    renovation: TaskId,
}

async fn fixture(backend: Backend) -> Result<Fixture> {
    let w = World::new(backend, "2026-03-10").await?;
    let housing = w.org("市住房和城乡建设局").await?;
    let education = w.org("市教育局").await?;
    let plan = w.plan().await?;
    let renovation = w.task(plan, "老旧小区改造", housing, &[], Some(("300", "个"))).await?;
    w.task(plan, "推进老旧校舍改造", education, &[], None).await?;
    let input = UserInput {
        username: "jy.reporter".into(),
        display_name: "教育填报员".into(),
        role: Role::Reporter.code().into(),
        org_id: education.0,
        password: PASSWORD.into(),
    };
    w.app.create_user(&w.admin, &input).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(Fixture { w, router, renovation })
}

async fn results(backend: Backend) -> Result<()> {
    let Fixture { w: _w, router, renovation } = fixture(backend).await?;
    let cookie = sign_in_as(&router, "supervisor").await?;

    let list = send(&router, get("/plans", &cookie)?).await?;
    ensure!(list.attrs("form#search-box", "action") == ["/search"], "the box on the plan list");
    ensure!(list.attrs("form#search-box input", "name") == ["q"]);

    let reply = send(&router, get(&search_path("老旧"), &cookie)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.select("#search-count") == ["共找到 2 条"], "{:?}", reply.select("#search-count"));
    let names = reply.select("#search-results .hit-name");
    ensure!(names == ["老旧小区改造", "推进老旧校舍改造"], "prefix before contains: {names:?}");
    let links = reply.attrs("#search-results a.hit-name", "href");
    ensure!(links[0] == format!("/tasks/{}", renovation.0), "{links:?}");
    ensure!(reply.attrs("#search-box input", "value") == ["老旧"], "the box keeps the text");

    let org = send(&router, get(&search_path("教育局"), &cookie)?).await?;
    ensure!(org.attrs("#search-results li", "data-kind") == ["org"], "{}", org.body);
    ensure!(org.select("#search-results .hit-name") == ["市教育局"]);

    let none = send(&router, get(&search_path("不存在的事项"), &cookie)?).await?;
    ensure!(none.status == StatusCode::OK && none.select("#search-none").len() == 1, "{}", none.body);
    Ok(())
}

async fn bad_input(backend: Backend) -> Result<()> {
    // `w` is kept: it owns the database, which the router's new connections open.
    let Fixture { w: _world, router, .. } = fixture(backend).await?;
    let cookie = sign_in_as(&router, "supervisor").await?;

    for path in ["/search", "/search?q=", "/search?q=%20%20"] {
        let reply = send(&router, get(path, &cookie)?).await?;
        ensure!(reply.status == StatusCode::OK, "{path}: {}", reply.status);
        ensure!(reply.select("#search-empty").len() == 1, "{path}: the empty state");
    }

    let long = send(&router, get(&search_path(&"长".repeat(200)), &cookie)?).await?;
    ensure!(long.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", long.status);
    ensure!(long.select("#search-error").concat().contains("查找内容不能超过50个字"), "{}", long.body);
    ensure!(long.select("#who").len() == 1, "the page keeps the layout and menu");

    // Wildcards and quotes are text: no error, nothing found.
    for text in ["%", "_", "\\", "'\"<script>"] {
        let reply = send(&router, get(&search_path(text), &cookie)?).await?;
        ensure!(reply.status == StatusCode::OK, "{text}: {}", reply.status);
        ensure!(reply.select("#search-results li").is_empty(), "{text}: {:?}", reply.select("#search-results li"));
    }
    let repeated = send(&router, get("/search?q=a&q=b", &cookie)?).await?;
    ensure!(repeated.status == StatusCode::BAD_REQUEST, "{}", repeated.status);
    Ok(())
}

async fn who_finds_what(backend: Backend) -> Result<()> {
    let Fixture { w, router, .. } = fixture(backend).await?;
    let reporter = sign_in_as(&router, "jy.reporter").await?;
    let reply = send(&router, get(&search_path("改造"), &reporter)?).await?;
    ensure!(reply.status == StatusCode::OK);
    let names = reply.select("#search-results .hit-name");
    ensure!(names == ["推进老旧校舍改造"], "only what the reporter's org leads or supports: {names:?}");

    for admin in ["admin", "security", "auditor"] {
        let cookie = sign_in_as(&router, admin).await?;
        let reply = send(&router, get(&search_path("改造"), &cookie)?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{admin}: {}", reply.status);
        ensure!(!reply.body.contains("老旧小区改造"), "{admin} sees no task");
    }

    let anonymous = send(&router, get(&search_path("改造"), "")?).await?;
    ensure!(anonymous.status.is_redirection() && anonymous.location().starts_with("/login"), "{}", anonymous.status);
    drop(w);
    Ok(())
}
