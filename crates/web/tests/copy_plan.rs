//! 沿用清单 on the 新建计划 form and in the API, on SQLite and PostgreSQL:
//! the form offers the tenant's plans, a copy says how many tasks it took,
//! and a plan that cannot be copied is named on its field with what was
//! typed kept — never a 500, and never for a reporter.

use anyhow::{Result, ensure};
use axum::http::StatusCode;
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_new_plan_form_copies_a_plan_and_says_how_many_tasks_it_took => form;
    a_plan_that_cannot_be_copied_is_named_on_its_field_and_the_title_kept => refused;
}

/// A 2026 plan of two tasks led by 市发改委, in December, and the router.
async fn fixture(backend: Backend) -> Result<(World, axum::Router, i64)> {
    let w = World::new(backend, "2026-12-10").await?;
    let org = w.org("市发改委").await?;
    w.user("fgw", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    w.task(plan, "新建5G基站1200个", org, &[], Some(("1200", "个"))).await?;
    w.task(plan, "改造老旧小区80个", org, &[], None).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok((w, router, plan.0))
}

fn body(year: &str, title: &str, copy_from: &str) -> Result<String> {
    Ok(serde_urlencoded::to_string([("year", year), ("title", title), ("copy_from", copy_from)])?)
}

async fn form(backend: Backend) -> Result<()> {
    let (_w, router, plan) = fixture(backend).await?;
    let office = sign_in_as(&router, "supervisor").await?;
    let page = send(&router, get("/plans", &office)?).await?;
    let options = page.select("#plan-form select[name=copy_from] option");
    ensure!(options == ["不沿用", "2026年重点任务（2026年，2项任务）"], "{options:?}");
    ensure!(page.attrs("#plan-copy-from option", "value") == ["", &plan.to_string()]);

    let reply =
        send(&router, post_form("/plans", &office, &body("2027", "2027年重点任务", &plan.to_string())?)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{} {}", reply.status, reply.body);
    let said = flash(&reply);
    let expected = "已创建计划“2027年重点任务”，沿用《2026年重点任务》的2项任务及分工；请核对各项目标值和时限。";
    ensure!(said == expected, "{said}");
    let new_plan = send(&router, get(&reply.location(), &office)?).await?;
    let text = new_plan.body;
    ensure!(text.contains("新建5G基站1200个") && text.contains("2027-12-31"), "the copy's tasks, due a year on");
    ensure!(text.contains("市发改委"), "with their lead org");

    let empty = send(&router, post_form("/plans", &office, &body("2028", "2028年重点任务", "")?)?).await?;
    ensure!(flash(&empty) == "已新建计划。", "{}", flash(&empty));

    let api = format!(r#"{{"year": 2029, "title": "2029年重点任务", "copy_from": {plan}}}"#);
    let reply = send(&router, post_json("/api/v1/plans", &office, &api)?).await?;
    ensure!(reply.status == StatusCode::CREATED, "{} {}", reply.status, reply.body);
    let page = send(&router, get("/plans", &office)?).await?;
    let options = page.select("#plan-copy-from option");
    ensure!(
        options.len() == 5 && options[1].starts_with("2029年重点任务（2029年，2项任务"),
        "newest first: {options:?}"
    );
    Ok(())
}

async fn refused(backend: Backend) -> Result<()> {
    let (w, router, plan) = fixture(backend).await?;
    let office = sign_in_as(&router, "supervisor").await?;
    let before = w.app.plans(&w.supervisor).await?.len();
    let reply =
        send(&router, post_form("/plans", &office, &body("2027", "2027年重点任务（沿用）", "999999")?)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{} {}", reply.status, reply.body);
    ensure!(reply.attrs("#plan-title", "value") == ["2027年重点任务（沿用）"], "the title typed is kept");
    ensure!(reply.attrs("#plan-year", "value") == ["2027"], "the year typed is kept");
    let error = reply.select("#copy-from-error").concat();
    ensure!(error == "沿用清单：所选计划不存在，请重新选择", "{error:?}");

    let api = format!(r#"{{"year": "2027", "title": "2027年重点任务", "copy_from": "{}"}}"#, plan + 1000);
    let reply = send(&router, post_json("/api/v1/plans", &office, &api)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{} {}", reply.status, reply.body);
    let json = reply.json()?;
    ensure!(json["errors"][0]["field"] == "copy_from", "{json}");
    ensure!(w.app.plans(&w.supervisor).await?.len() == before, "no plan was made");

    let reporter = sign_in_as(&router, "fgw").await?;
    let page = send(&router, get("/plans", &reporter)?).await?;
    ensure!(page.select("#plan-copy-from").is_empty(), "a reporter is offered no form");
    let reply = send(&router, post_form("/plans", &reporter, &body("2027", "2027年", &plan.to_string())?)?).await?;
    ensure!(reply.status == StatusCode::FORBIDDEN, "{}", reply.status);
    let api = format!(r#"{{"year": "2027", "title": "2027年", "copy_from": {plan}}}"#);
    let reply = send(&router, post_json("/api/v1/plans", &reporter, &api)?).await?;
    ensure!(reply.status == StatusCode::FORBIDDEN, "{}", reply.status);
    ensure!(w.app.plans(&w.supervisor).await?.len() == before, "no plan was made");
    Ok(())
}
