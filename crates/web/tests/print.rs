//! The print view and small screens, through the router: the list pages carry
//! a 打印 button run by a script file (the CSP forbids inline script), the
//! stylesheet prints tables plain with their header on every page and stacks
//! them on a phone.

use anyhow::{Result, ensure};
use axum::http::StatusCode;
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    list_pages_have_a_print_button_and_no_inline_script => print_buttons;
}

async fn print_buttons(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let org = w.org("市住房和城乡建设局").await?;
    let plan = w.plan().await?;
    w.task(plan, "改造城镇老旧小区86个", org, &[], Some(("86", "个"))).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let cookie = sign_in_as(&router, "supervisor").await?;

    for path in [format!("/plans/{}", plan.0), "/assignments".to_owned(), format!("/plans/{}/map", plan.0)] {
        let page = send(&router, get(&path, &cookie)?).await?;
        ensure!(page.status == StatusCode::OK, "{path}: {}", page.status);
        ensure!(page.select("button#print[data-print]") == ["打印"], "{path}: a 打印 button");
        let scripts = page.attrs("script", "src");
        ensure!(scripts.iter().any(|s| s == "/assets/print.js"), "{path}: {scripts:?}");
        // Data in a page is JSON, never code.
        let inline = page.select(r#"script:not([src]):not([type="application/json"])"#);
        ensure!(inline.is_empty(), "{path}: inline script {inline:?}");
    }
    // The plan's title is its title only (the archive form once stood in <title>).
    let plan_page = send(&router, get(&format!("/plans/{}", plan.0), &cookie)?).await?;
    ensure!(
        plan_page.select("title").concat().trim() == "2026年重点任务 · 一张清单",
        "{:?}",
        plan_page.select("title")
    );
    ensure!(plan_page.select("form#archive-form button") == ["归档本计划"], "the archive form is on the page");

    let script = send(&router, get("/assets/print.js", &cookie)?).await?;
    ensure!(script.status == StatusCode::OK && script.body.contains("window.print()"));
    let css = send(&router, get("/assets/app.css", &cookie)?).await?;
    let print = css.body.split("@media print").nth(1).unwrap_or_default();
    for rule in [
        "display: table-header-group",
        "a[href]::after { content: none",
        "color: #000",
        "nav, .navbar, footer, form, button",
    ] {
        ensure!(print.contains(rule), "the print view lacks {rule}");
    }
    let phone = css.body.split("@media (max-width: 575.98px)").nth(1).unwrap_or_default();
    ensure!(phone.contains("main .table > thead { display: none; }"), "tables stack on a phone");
    Ok(())
}
