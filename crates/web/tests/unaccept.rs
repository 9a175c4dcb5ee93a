//! 撤销通过 through the router, on SQLite and PostgreSQL: the office's
//! button on the task page asks before it acts and the page after says what
//! it did; a refusal is shown beside the report; the reporter finds the
//! period 已退回 with the reason on 我的填报 and on the form, from the kept
//! text; `POST /api/v1/reports/{id}/reopen` does the same and refuses a
//! reporter (403).

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_app::{ActualInput, ReportInput, ReviewInput};
use qingdan_domain::{ReportId, ReportStatus, Role, TaskId, User};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_office_reopens_an_accepted_report_from_the_task_page => page;
    the_api_reopens_an_accepted_report_for_the_office_only => api;
}

struct Fixture {
    w: World,
    router: Router,
    reporter: User,
    task: TaskId,
    june: ReportId,
    september: ReportId,
}

async fn submit(
    w: &World,
    reporter: &User,
    task: TaskId,
    period: &str,
    percent: &str,
    actual: &str,
) -> Result<ReportId> {
    let target = w.app.task_detail(&w.supervisor, task).await?.targets[0].id;
    let input = ReportInput {
        period: period.into(),
        percent_done: percent.into(),
        narrative: "基站建设按计划推进".into(),
        actuals: vec![ActualInput { target_id: target.0.to_string(), actual: actual.into() }],
        confirmed: true,
        ..ReportInput::default()
    };
    let id = w.app.submit_report(reporter, task, &input).await?;
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    w.app.review(&w.supervisor, id, &accept).await?;
    Ok(id)
}

/// A task with one target (≥ 100 个): June accepted at 30, September at 1200 (a slip for 120).
async fn fixture(backend: Backend) -> Result<Fixture> {
    let w = World::new(backend, "2026-12-04").await?;
    let org = w.org("市工信局").await?;
    let reporter = w.user("gxj", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新建5G基站", org, &[], Some(("100", "个"))).await?;
    let june = submit(&w, &reporter, task, "2026-06", "30", "30").await?;
    let september = submit(&w, &reporter, task, "2026-09", "60", "1200").await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(Fixture { w, router, reporter, task, june, september })
}

async fn status(f: &Fixture, id: ReportId) -> Result<ReportStatus> {
    let report = f.w.app.store().report(f.w.tenant, id).await?;
    Ok(report.map_or(ReportStatus::Submitted, |r| r.status))
}

async fn page(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let (router, task, september) = (&f.router, f.task.0, f.september.0);
    let office = sign_in_as(router, "supervisor").await?;
    let reporter = sign_in_as(router, "gxj").await?;
    let path = format!("/tasks/{task}");

    // The office sees 撤销通过 on each accepted report, asked before it acts.
    let reply = send(router, get(&path, &office)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.select("#percent") == ["100%"], "the slip counts: {:?}", reply.select("#percent"));
    let action = format!("/reports/{september}/reopen");
    let forms = reply.attrs(&format!("#unaccept-{september} form"), "action");
    ensure!(forms == [action.clone()], "{forms:?}");
    let confirm = reply.attrs(&format!("#unaccept-{september} form"), "data-confirm");
    ensure!(confirm.len() == 1 && confirm[0].contains("撤销") && confirm[0].contains("退回"), "{confirm:?}");
    ensure!(reply.select(&format!("#unaccept-{september} button")) == ["撤销通过"], "the button");
    ensure!(!reply.select(&format!("#unaccept-{}", f.june.0)).is_empty(), "June is accepted too");
    // The reporter sees no such button.
    let seen = send(router, get(&path, &reporter)?).await?;
    ensure!(seen.status == StatusCode::OK && seen.select(".unaccept").is_empty(), "no button for a reporter");

    // No reason: shown beside the report, nothing changed.
    let reply = send(router, post_form(&action, &office, "comment=+")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    let error = reply.select(&format!("tr[data-report=\"{september}\"] .unaccept-error"));
    ensure!(reply.attrs(&format!("#unaccept-{september}"), "open").len() == 1, "the form stays open");
    ensure!(error.len() == 1 && error[0].contains("撤销原因不能为空"), "{error:?}");
    ensure!(status(&f, f.september).await? == ReportStatus::Accepted, "still accepted");

    // With a reason: back to the task page, which says what was done.
    let form = format!("comment={}", urlencode("基站数量应为120，请更正"));
    let reply = send(router, post_form(&action, &office, &form)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER && reply.location() == path, "{} {}", reply.status, reply.location());
    ensure!(flash(&reply).starts_with("已撤销通过，已退回"), "{}", flash(&reply));
    let reply = send(router, get(&path, &office)?).await?;
    ensure!(reply.select("#percent") == ["30%"], "back to June: {:?}", reply.select("#percent"));
    ensure!(reply.select("#targets td").iter().any(|t| t == "30个"), "{:?}", reply.select("#targets td"));
    ensure!(reply.select(&format!("#unaccept-{september}")).is_empty(), "returned: no button");

    // Reopened again: refused, 409, with why.
    let reply = send(router, post_form(&action, &office, &form)?).await?;
    ensure!(reply.status == StatusCode::CONFLICT, "{}", reply.status);
    let error = reply.select(&format!("tr[data-report=\"{september}\"] .unaccept-error"));
    ensure!(error == [qingdan_app::REPORT_NOT_ACCEPTED], "{error:?}");

    // The reporter: 已退回 with the reason on 我的填报 and on the form, from the kept text.
    let mine = send(router, get("/my", &reporter)?).await?;
    let row = mine.select(&format!("tr[data-report=\"{september}\"]"));
    ensure!(row.len() == 1 && row[0].contains("已退回") && row[0].contains("基站数量应为120"), "{row:?}");
    let form_page = send(router, get(&format!("/tasks/{task}/report?period=2026-09"), &reporter)?).await?;
    ensure!(form_page.select("#return-comment") == ["基站数量应为120，请更正"], "{:?}", form_page.select("#returned"));
    ensure!(form_page.body.contains("1200"), "the kept text offers the slip to correct");
    let inbox = f.w.app.inbox(&f.reporter, true).await?;
    ensure!(inbox.iter().any(|m| m.title.contains("撤销通过")), "{inbox:?}");
    Ok(())
}

async fn api(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let router = &f.router;
    let office = sign_in_as(router, "supervisor").await?;
    let reporter = sign_in_as(router, "gxj").await?;
    let path = format!("/api/v1/reports/{}/reopen", f.september.0);

    let reply = send(router, post_json(&path, &reporter, r#"{"comment":"更正"}"#)?).await?;
    ensure!(reply.status == StatusCode::FORBIDDEN, "a reporter: {} {}", reply.status, reply.body);
    let reply = send(router, post_json(&path, &office, r#"{"comment":"更正","reason":"x"}"#)?).await?;
    ensure!(reply.status.is_client_error(), "an unknown field: {}", reply.status);
    let reply = send(router, post_json(&path, &office, r#"{"comment":""}"#)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "no reason: {}", reply.status);
    ensure!(status(&f, f.september).await? == ReportStatus::Accepted, "nothing changed yet");

    let reply = send(router, post_json(&path, &office, r#"{"comment":"基站数量应为120"}"#)?).await?;
    ensure!(reply.status == StatusCode::OK, "{} {}", reply.status, reply.body);
    let body = reply.json()?;
    ensure!(body["status"] == "returned" && body["review_comment"] == "基站数量应为120", "{body}");
    ensure!(body["actuals"].as_array().is_some_and(|a| a.len() == 1), "the kept actuals: {body}");
    let task = f.w.app.task(&f.w.supervisor, f.task).await?.task;
    ensure!(task.percent_done == 30, "back to June: {}", task.percent_done);

    let reply = send(router, post_json(&path, &office, r#"{"comment":"再次"}"#)?).await?;
    ensure!(reply.status == StatusCode::CONFLICT, "not accepted now: {}", reply.status);
    let openapi = send(router, get("/api/v1/openapi.json", &office)?).await?.json()?;
    ensure!(openapi["paths"]["/api/v1/reports/{id}/reopen"]["post"].is_object(), "documented");
    Ok(())
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).unwrap_or_default().trim_start_matches("v=").to_owned()
}
