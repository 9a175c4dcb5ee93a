//! Mending a published list through the pages, on both engines: the edit
//! page keeps what was typed when refused and says what it did; targets,
//! moves, deletion to the 回收站 and the admin's restore; bulk lead orgs and
//! archiving from the plan page; a reporter reaches none of it.

use anyhow::{Result, ensure};
use axum::http::StatusCode;
use qingdan_app::{ReportInput, ResponsibilityInput};
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_office_edits_moves_deletes_and_the_admin_restores_through_the_pages => pages;
    a_reporter_reaches_none_of_the_mending => refused;
    a_refused_merge_says_why_on_the_edit_page => refused_merge;
    an_archived_plan_offers_no_change_and_a_refused_form_keeps_what_was_typed => archived_pages;
}

async fn pages(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let org = w.org("市发改委").await?;
    let other = w.org("市工信局").await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "新建5G基站3000个", org, &[], Some(("3000", "个"))).await?;
    let b = w.task(plan, "改造老旧小区120个", org, &[], None).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let office = sign_in_as(&router, "supervisor").await?;

    let page = send(&router, get(&format!("/tasks/{}/edit", a.0), &office)?).await?;
    ensure!(page.status == StatusCode::OK && !page.select("#task-edit").is_empty(), "{}", page.status);
    ensure!(!page.select("nav #who").is_empty(), "layout and menu");
    let path = format!("/tasks/{}/edit", a.0);
    let bad = "number=1.&title=%E6%96%B0%E5%BB%BA5G%E5%9F%BA%E7%AB%993500%E4%B8%AA&weight=abc&start_date=2026-01-01&deadline=2026-12-31";
    let reply = send(&router, post_form(&path, &office, bad)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#title").concat().contains("新建5G基站3500个"), "what was typed is kept");
    ensure!(!reply.select("#task-edit .field-error").concat().is_empty(), "the error is beside the field");
    let good = bad.replace("weight=abc", "weight=2");
    let reply = send(&router, post_form(&path, &office, &good)?).await?;
    ensure!(reply.location() == format!("/tasks/{}/edit?done=updated", a.0), "{}", reply.location());
    let page = send(&router, get(&reply.location(), &office)?).await?;
    ensure!(page.select("#done").concat().contains("已保存修改"));
    ensure!(w.app.task(&w.supervisor, a).await?.task.title == "新建5G基站3500个");

    let add = format!("/tasks/{}/targets/0", a.0);
    let reply = send(
        &router,
        post_form(&add, &office, "metric=%E6%8A%95%E8%B5%84&comparator=ge&value=12&unit=%E4%BA%BF%E5%85%83")?,
    )
    .await?;
    ensure!(reply.location().ends_with("done=target_saved"), "{}", reply.location());
    ensure!(w.app.task_detail(&w.supervisor, a).await?.targets.len() == 2, "a second target");

    let reply =
        send(&router, post_form(&format!("/tasks/{}/move", b.0), &office, &format!("parent_id={}", a.0))?).await?;
    ensure!(reply.location().ends_with("done=moved"), "{}", reply.location());
    ensure!(w.app.task(&w.supervisor, b).await?.task.parent_id == Some(a));
    let said = send(&router, get(&reply.location(), &office)?).await?.body;
    ensure!(said.contains("编号未改动"), "the move says the number stays as typed: {said}");
    let reply =
        send(&router, post_form(&format!("/tasks/{}/move", a.0), &office, &format!("parent_id={}", b.0))?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "under its own child: {}", reply.status);

    let reply = send(&router, post_form(&format!("/tasks/{}/split", a.0), &office, "position=999")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#task-split .field-error").concat().contains("拆分位置"), "{}", reply.body);
    let reply = send(&router, post_form(&format!("/tasks/{}/split", a.0), &office, "position=2")?).await?;
    ensure!(reply.location().ends_with("done=split"), "{}", reply.location());
    let reply = send(&router, post_form(&format!("/tasks/{}/merge", a.0), &office, "")?).await?;
    ensure!(reply.location().ends_with("done=merged"), "{}", reply.location());
    ensure!(w.app.task(&w.supervisor, a).await?.task.title == "新建5G基站3500个", "split and merged back");

    let reply = send(&router, post_form(&format!("/tasks/{}/delete", b.0), &office, "")?).await?;
    ensure!(reply.location() == format!("/plans/{}?done=deleted", plan.0), "{}", reply.location());
    let list = send(&router, get(&reply.location(), &office)?).await?;
    ensure!(list.select("#done").concat().contains("移入回收站"));
    ensure!(
        list.attrs("#tasks tr[data-task]", "data-task").iter().all(|t| *t != b.0.to_string()),
        "gone from the list"
    );
    let admin = sign_in_as(&router, "supervisor").await?;
    let trash = send(&router, get("/admin/trash", &admin)?).await?;
    ensure!(trash.select("#trash").concat().contains("改造老旧小区120个"), "{}", trash.body);
    ensure!(
        trash.select("#trash").concat().contains("2026-03-01 12:00"),
        "deleted at noon, Beijing time: {}",
        trash.body
    );
    let reply = send(&router, post_form(&format!("/admin/trash/{}/restore", b.0), &admin, "")?).await?;
    ensure!(reply.location() == "/admin/trash?done=restored");
    ensure!(w.app.task(&w.supervisor, b).await?.task.parent_id == Some(a), "back where it stood");

    let form = format!("task_ids={}&task_ids={}&lead_org_id={}&lead_leader_id=", a.0, b.0, other.0);
    let reply = send(&router, post_form(&format!("/plans/{}/assign", plan.0), &office, &form)?).await?;
    ensure!(reply.location() == format!("/plans/{}", plan.0), "{}", reply.location());
    ensure!(flash(&reply).contains("已为2项任务"), "{}", flash(&reply));
    ensure!(w.app.task(&w.supervisor, b).await?.task.responsibility.lead_org_id == Some(other));

    let reply = send(&router, post_form(&format!("/plans/{}/archive", plan.0), &office, "archived=1")?).await?;
    ensure!(reply.location() == "/plans?done=archived");
    let plans = send(&router, get("/plans?done=archived", &office)?).await?;
    ensure!(plans.select("#archived-plans").concat().contains(&w.app.plan(&w.supervisor, plan).await?.title));
    let refused = send(&router, post_form(&path, &office, &good)?).await?;
    ensure!(refused.status == StatusCode::CONFLICT, "an archived plan takes no edit: {}", refused.status);
    Ok(())
}

async fn refused(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let org = w.org("市发改委").await?;
    w.user("fgw", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "新建5G基站3000个", org, &[], Some(("3000", "个"))).await?;
    let b = w.task(plan, "改造老旧小区120个", org, &[], None).await?;
    let lead = ResponsibilityInput { lead_org_id: Some(org.0), ..ResponsibilityInput::default() };
    w.app.set_responsibility(&w.supervisor, b, &lead).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let reporter = sign_in_as(&router, "fgw").await?;
    let before = w.app.store().audit_count(w.tenant).await?;
    let page = send(&router, get(&format!("/tasks/{}/edit", a.0), &reporter)?).await?;
    ensure!(page.status == StatusCode::FORBIDDEN, "{}", page.status);
    for (path, form) in [
        (format!("/tasks/{}/edit", a.0), "title=x&weight=1&start_date=2026-01-01&deadline=2026-12-31".to_owned()),
        (format!("/tasks/{}/targets/0", a.0), "metric=x&comparator=ge&value=1&unit=个".to_owned()),
        (format!("/tasks/{}/move", b.0), format!("parent_id={}", a.0)),
        (format!("/tasks/{}/delete", a.0), String::new()),
        (format!("/tasks/{}/split", a.0), "position=2".to_owned()),
        (format!("/tasks/{}/merge", a.0), String::new()),
        (format!("/plans/{}/assign", plan.0), format!("task_ids={}&lead_org_id={}", a.0, org.0)),
        (format!("/plans/{}/archive", plan.0), "archived=1".to_owned()),
        (format!("/admin/trash/{}/restore", a.0), String::new()),
    ] {
        let reply = send(&router, post_form(&path, &reporter, &form)?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{path}: {}", reply.status);
    }
    ensure!(send(&router, get("/admin/trash", &reporter)?).await?.status == StatusCode::FORBIDDEN);
    ensure!(w.app.store().audit_count(w.tenant).await? == before, "nothing was changed");
    Ok(())
}

/// The next task has a report: the merge is refused on the edit page, with
/// the menu, saying why; both tasks stay as they were.
async fn refused_merge(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-20").await?;
    let org = w.org("市发改委").await?;
    let reporter = w.user("fgw", Role::Reporter, org).await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "新建5G基站3000个", org, &[], None).await?;
    let b = w.task(plan, "改造老旧小区120个", org, &[], None).await?;
    let input = ReportInput {
        period: "2026-03".into(),
        percent_done: "30".into(),
        narrative: "推进中".into(),
        ..Default::default()
    };
    w.app.submit_report(&reporter, b, &input).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let office = sign_in_as(&router, "supervisor").await?;
    let reply = send(&router, post_form(&format!("/tasks/{}/merge", a.0), &office, "")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(
        !reply.select("nav #who").is_empty() && !reply.select("#task-edit").is_empty(),
        "the edit page, with the menu"
    );
    ensure!(reply.select("#error").concat().contains("已有报送记录"), "{}", reply.body);
    ensure!(reply.select("#task-merge .field-error").concat().contains("已有报送记录"), "{}", reply.body);
    ensure!(!reply.body.contains("整批撤销"), "not the ledger's message");
    ensure!(w.app.task(&w.supervisor, b).await?.task.title == "改造老旧小区120个", "nothing merged");
    Ok(())
}

/// Who may restore is named; 批量分配 refused keeps the ticks and choices; a
/// deleted task is no task to the API; an archived plan's task page offers
/// neither 编辑任务 nor 责任分工, and an edit or a 责任分工 refused because
/// the plan was archived meanwhile keeps what was typed (409); its deleted
/// task waits in the 回收站 without a 恢复 button, and a restore is refused there.
async fn archived_pages(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let org = w.org("市发改委").await?;
    let other = w.org("市工信局").await?;
    let leader = w.user("li", Role::Leader, org).await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "新建5G基站3000个", org, &[], None).await?;
    let b = w.task(plan, "改造老旧小区120个", org, &[], None).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let office = sign_in_as(&router, "supervisor").await?;

    let said = send(&router, get(&format!("/plans/{}?done=deleted", plan.0), &office)?).await?;
    ensure!(said.select("#done").concat().contains("督查室可在回收站恢复"), "{}", said.body);
    let form = format!("lead_org_id={}&lead_leader_id={}", other.0, leader.id.0);
    let reply = send(&router, post_form(&format!("/plans/{}/assign", plan.0), &office, &form)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#bulk-error").concat().contains("请先勾选任务"), "{}", reply.body);
    let chosen = reply.attrs("#bulk-form select[name=lead_org_id] option[selected]", "value");
    ensure!(chosen == [other.0.to_string()], "the unit is kept: {chosen:?}");
    let chosen = reply.attrs("#bulk-form select[name=lead_leader_id] option[selected]", "value");
    ensure!(chosen == [leader.id.0.to_string()], "the leader is kept: {chosen:?}");

    send(&router, post_form(&format!("/tasks/{}/delete", b.0), &office, "")?).await?;
    let api = send(&router, get(&format!("/api/v1/tasks/{}", b.0), &office)?).await?;
    ensure!(api.status == StatusCode::NOT_FOUND, "the 回收站 plan is not shown: {} {}", api.status, api.body);

    let edit = send(&router, get(&format!("/tasks/{}/edit", a.0), &office)?).await?;
    ensure!(edit.status == StatusCode::OK);
    send(&router, post_form(&format!("/plans/{}/archive", plan.0), &office, "archived=1")?).await?;
    let page = send(&router, get(&format!("/tasks/{}", a.0), &office)?).await?;
    ensure!(page.select("#edit-link").is_empty() && page.select("#responsibility-form").is_empty(), "{}", page.body);
    ensure!(page.select("#frozen").concat().contains("该计划已归档"), "{}", page.body);

    // The forms were open before the plan was archived.
    let typed = "number=1.&title=%E6%96%B0%E5%BB%BA5G%E5%9F%BA%E7%AB%994000%E4%B8%AA&weight=1&start_date=2026-01-01&deadline=2026-12-31";
    let reply = send(&router, post_form(&format!("/tasks/{}/edit", a.0), &office, typed)?).await?;
    ensure!(reply.status == StatusCode::CONFLICT, "{}", reply.status);
    ensure!(reply.select("#title").concat().contains("新建5G基站4000个"), "what was typed is kept: {}", reply.body);
    ensure!(reply.select("#error").concat().contains("该计划已归档"), "{}", reply.body);
    let form = format!("lead_org_id={}&lead_leader_id={}&owner_id=", other.0, leader.id.0);
    let reply = send(&router, post_form(&format!("/tasks/{}/responsibility", a.0), &office, &form)?).await?;
    ensure!(reply.status == StatusCode::CONFLICT, "{}", reply.status);
    ensure!(reply.select("#responsibility-error").concat().contains("该计划已归档"), "{}", reply.body);
    let chosen = reply.attrs("#lead_org_id option[selected]", "value");
    ensure!(chosen == [other.0.to_string()], "the typed lead org is kept: {chosen:?}");
    ensure!(w.app.task(&w.supervisor, a).await?.task.responsibility.lead_org_id == Some(org), "unchanged");
    // 批量分配 from a plan page opened before: the refusal is said, though the form is gone.
    let form = format!("task_ids={}&lead_org_id={}", a.0, other.0);
    let reply = send(&router, post_form(&format!("/plans/{}/assign", plan.0), &office, &form)?).await?;
    ensure!(reply.status == StatusCode::CONFLICT, "{}", reply.status);
    ensure!(reply.select("#bulk-error").concat().contains("该计划已归档"), "{}", reply.body);

    let trash = send(&router, get("/admin/trash", &office)?).await?;
    ensure!(trash.select("#trash form").is_empty() && trash.body.contains("所属计划已归档"), "{}", trash.body);
    let reply = send(&router, post_form(&format!("/admin/trash/{}/restore", b.0), &office, "")?).await?;
    ensure!(reply.status == StatusCode::CONFLICT, "{}", reply.status);
    ensure!(reply.select("#error").concat().contains("该计划已归档"), "{}", reply.body);
    Ok(())
}
