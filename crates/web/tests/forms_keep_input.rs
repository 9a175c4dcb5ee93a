//! Refused forms keep what was typed, on SQLite and PostgreSQL: a 督办 step
//! (延期申请, 反馈), a task's targets (added and changed) and the 工作日历's
//! day form come back with the input and the message beside it. The
//! calendar's 删除 asks first and then says which day went.

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_app::{NewAssignmentInput, TransitionInput};
use qingdan_domain::{AssignmentId, Role};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    a_refused_step_keeps_the_reason_the_date_and_the_note_in_its_form => steps;
    a_refused_target_keeps_what_was_typed_and_names_its_own_place => targets;
    a_refused_calendar_day_keeps_what_was_typed => calendar_day;
    deleting_a_calendar_day_asks_first_and_says_which_day_went => calendar_delete;
}

/// A form body from (name, value) pairs.
fn form(pairs: &[(&str, &str)]) -> Result<String> {
    Ok(serde_urlencoded::to_string(pairs)?)
}

/// A matter of 市发改委 signed for and deployed, and the router.
async fn deployed_matter(backend: Backend) -> Result<(World, Router, AssignmentId)> {
    let w = World::new(backend, "2026-09-25").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let input = NewAssignmentInput {
        title: "推进重点项目开工".into(),
        source: "leader_instruction".into(),
        text: "请市发改委牵头推进。".into(),
        lead_org_id: Some(org.0),
        ..NewAssignmentInput::default()
    };
    let matter = w.app.create_assignment(&w.supervisor, &input).await?;
    for (action, note) in [("sign_for", ""), ("deploy", "已部署")] {
        let step = TransitionInput { action: action.into(), note: note.into(), ..TransitionInput::default() };
        w.app.transition_assignment(&reporter, matter, &step).await?;
    }
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok((w, router, matter))
}

async fn steps(backend: Backend) -> Result<()> {
    let (_w, router, matter) = deployed_matter(backend).await?;
    let fgw = sign_in_as(&router, "fgw").await?;
    let path = format!("/assignments/{matter}/transition");

    let reason = "汛期停工，需顺延";
    let body = form(&[("action", "request_extension"), ("note", reason), ("due", "2020-01-01")])?;
    let reply = send(&router, post_form(&path, &fgw, &body)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    let extension = "form[data-action=request_extension]";
    ensure!(reply.attrs(&format!("{extension} input[name=note]"), "value") == [reason], "{}", reply.body);
    ensure!(reply.attrs(&format!("{extension} input[name=due]"), "value") == ["2020-01-01"]);
    let error = reply.select(&format!("{extension} #error")).concat();
    ensure!(error.contains("延期后的办结日期应晚于原办结时限"), "the message beside the form: {error:?}");
    ensure!(reply.select("#error").len() == 1, "said once");
    ensure!(reply.select("#note-feedback").concat().is_empty(), "the other forms stay blank");

    let note = "已完成阶段性工作".repeat(1500);
    ensure!(note.chars().count() == 12_000);
    let body = form(&[("action", "feedback"), ("note", &note)])?;
    let reply = send(&router, post_form(&path, &fgw, &body)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#note-feedback").concat() == note, "the long note is kept");
    let error = reply.select("form[data-action=feedback] #error").concat();
    ensure!(error.contains("不能超过2000个字"), "{error:?}");
    ensure!(reply.attrs(&format!("{extension} input[name=note]"), "value") == [""], "the other forms stay blank");
    Ok(())
}

async fn targets(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let org = w.org("市发改委").await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "新建5G基站3000个", org, &[], Some(("3000", "个"))).await?;
    let first = w.app.task_detail(&w.supervisor, task).await?.targets[0].id.0;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let office = sign_in_as(&router, "supervisor").await?;

    let add = format!("/tasks/{}/targets/0", task.0);
    let body = form(&[("metric", "测试指标二"), ("comparator", "le"), ("value", "abc"), ("unit", "个")])?;
    let reply = send(&router, post_form(&add, &office, &body)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.body.contains(r#"value="测试指标二""#), "{}", reply.body);
    ensure!(reply.attrs("#target-add input[name=value]", "value") == ["abc"]);
    ensure!(reply.attrs("#target-add input[name=unit]", "value") == ["个"]);
    ensure!(reply.attrs("#target-add option[selected]", "value") == ["le"]);
    let error = reply.select("#target-add .field-error").concat();
    ensure!(error.contains("第2个指标的目标值应为数字"), "the new target is the second: {error:?}");
    ensure!(w.app.task_detail(&w.supervisor, task).await?.targets.len() == 1, "nothing saved");

    let change = format!("/tasks/{}/targets/{first}", task.0);
    let body = form(&[("metric", "基站数量"), ("comparator", "ge"), ("value", "三千"), ("unit", "座")])?;
    let reply = send(&router, post_form(&change, &office, &body)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    let row = format!("[data-target=\"{first}\"]");
    ensure!(reply.attrs(&format!("{row} input[name=metric]"), "value") == ["基站数量"], "{}", reply.body);
    ensure!(reply.attrs(&format!("{row} input[name=value]"), "value") == ["三千"]);
    ensure!(reply.attrs(&format!("{row} input[name=unit]"), "value") == ["座"]);
    let error = reply.select(&format!("{row} .field-error")).concat();
    ensure!(error.contains("第1个指标的目标值应为数字"), "the message beside its row: {error:?}");
    ensure!(reply.attrs("#target-add input[name=metric]", "value") == [""], "the add form stays blank");
    let stored = &w.app.task_detail(&w.supervisor, task).await?.targets[0];
    ensure!(stored.value.to_string() == "3000" && stored.unit == "个", "nothing saved");
    Ok(())
}

async fn calendar_day(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-30").await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let admin = sign_in_as(&router, "admin").await?;
    let body = form(&[
        ("date", "2026-02-30"),
        ("kind", "workday"),
        ("name", "测试调休"),
        ("region", "测试区"),
        ("source", "测试通知"),
    ])?;
    let reply = send(&router, post_form("/admin/calendar", &admin, &body)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#error li").concat().contains("2026-02-30"), "{:?}", reply.select("#error li"));
    let value = |name: &str| reply.attrs(&format!("#day-form input[name={name}]"), "value");
    ensure!(value("date") == ["2026-02-30"], "{}", reply.body);
    ensure!(value("name") == ["测试调休"] && value("region") == ["测试区"] && value("source") == ["测试通知"]);
    ensure!(reply.attrs("#day-form option[selected]", "value") == ["workday"]);
    Ok(())
}

async fn calendar_delete(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-09-30").await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let admin = sign_in_as(&router, "admin").await?;
    let body = form(&[("date", "2027-06-01"), ("kind", "holiday"), ("name", "测试节"), ("region", "测试区")])?;
    let reply = send(&router, post_form("/admin/calendar", &admin, &body)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);

    let page = send(&router, get("/admin/calendar?year=2027", &admin)?).await?;
    let questions = page.attrs("#days form[action=\"/admin/calendar/delete\"]", "data-confirm");
    ensure!(questions.len() == 1, "{}", page.body);
    ensure!(questions[0].contains("删除后，按工作日计算的时限会随之改变"), "{questions:?}");
    ensure!(questions[0].contains("2027-06-01（测试区）"), "{questions:?}");

    let body = form(&[("date", "2027-06-01"), ("region", "测试区")])?;
    let reply = send(&router, post_form("/admin/calendar/delete", &admin, &body)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);
    ensure!(reply.location() == "/admin/calendar?year=2027", "{}", reply.location());
    ensure!(flash(&reply) == "已删除2027-06-01（测试区）", "{:?}", flash(&reply));
    let reply = send(&router, post_form("/admin/calendar/delete", &admin, "date=2026-10-10&region=")?).await?;
    ensure!(flash(&reply) == "已删除2026-10-10（全国）", "{:?}", flash(&reply));
    Ok(())
}
