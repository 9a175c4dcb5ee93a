//! The reporter's and the office's day with reports (issue 12 items 3–5),
//! through the router on SQLite and PostgreSQL: a returned report comes back
//! with its text and the reviewer's comment; an accepted period says so before
//! any form; the period is chosen from the plan's; the next period starts from
//! the last accepted values; a waiting report is withdrawn (and owed again);
//! 佐证材料 travel with the report to the reviewer and only to those who may
//! read the task; the office filters, reads each target's figures and accepts
//! many at once; a 退回 without a comment is refused on its card.

use anyhow::{Context, Result, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use qingdan_app::{App, Clock};
use qingdan_domain::{OrgId, PlanId, Role, TaskId};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    a_returned_report_comes_back_with_its_text_and_the_comment => returned_then_resubmitted;
    a_reporter_withdraws_a_report_not_yet_reviewed => withdraw;
    supporting_files_reach_the_reviewer_and_no_one_else => files;
    the_office_filters_and_accepts_many_reports_at_once => batch;
    a_report_resubmitted_after_the_office_opened_it_is_not_accepted_unread => resubmitted_while_open;
    an_archived_plan_freezes_its_waiting_reports_and_its_form => archived;
    a_queue_longer_than_a_page_is_counted_whole_and_paged_by_the_api => long_queue;
}

struct Fixture {
    w: World,
    plan: PlanId,
    transport: OrgId,
    /// 发改委's task with a target of 320 公里, then 交通局's.
    tasks: [TaskId; 2],
    router: Router,
}

async fn fixture(backend: Backend) -> Result<Fixture> {
    let w = World::new(backend, "2026-03-18").await?;
    let reform = w.org("市发改委").await?;
    let transport = w.org("市交通局").await?;
    w.user("reform", Role::Reporter, reform).await?;
    w.user("transport", Role::Reporter, transport).await?;
    w.user("mayor", Role::Leader, transport).await?;
    let plan = w.plan().await?;
    let a = w.task(plan, "新改建农村公路", reform, &[], Some(("320", "公里"))).await?;
    let b = w.task(plan, "城市道路提升", transport, &[], None).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(Fixture { w, plan, transport, tasks: [a, b], router })
}

const BOUNDARY: &str = "qingdan-report-boundary-7Yc2";

/// A multipart POST of text `fields` and `files` (field `files`: name, type, bytes), as a browser sends the form.
fn post_multipart(
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Result<Request<Body>> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, kind, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    Ok(Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))?)
}

fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The ids of the cards on the review page.
async fn waiting(router: &Router, cookie: &str, query: &str) -> Result<Vec<String>> {
    Ok(send(router, get(&format!("/reviews{query}"), cookie)?).await?.attrs("[data-report]", "data-report"))
}

async fn returned_then_resubmitted(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let task = f.tasks[0].0;
    let target = f.w.app.store().targets(f.w.tenant, f.tasks[0]).await?[0].id.0;
    let form_path = format!("/tasks/{task}/report");
    let reporter = sign_in_as(&f.router, "reform").await?;
    // The period is chosen from the plan's months since the task began, this one first.
    let page = send(&f.router, get(&form_path, &reporter)?).await?;
    ensure!(page.attrs("#period-choice option", "value") == ["2026-03", "2026-02", "2026-01"], "{:?}", page.body);
    ensure!(page.attrs("#period-choice option[selected]", "value") == ["2026-03"]);
    ensure!(page.select("#prefilled").is_empty(), "nothing to start from yet");

    // A refused form keeps what was typed.
    let typed = format!(
        "period=2026-03&percent_done=150&narrative={}&problems={}&actual_{target}=150",
        enc("路基完成"),
        enc("资金缺口")
    );
    let reply = send(&f.router, post_form(&form_path, &reporter, &typed)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(
        reply.select("#narrative") == ["路基完成"] && reply.attrs(&format!("#actual_{target}"), "value") == ["150"]
    );
    ensure!(reply.body.contains("完成进度应为0到100之间的整数"));

    let good = typed.replace("percent_done=150", "percent_done=45");
    let reply = send(&f.router, post_form(&form_path, &reporter, &good)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);

    // 退回 without a comment: refused on the card, nothing changed.
    let office = sign_in_as(&f.router, "supervisor").await?;
    let id = waiting(&f.router, &office, "").await?.first().cloned().context("a card")?;
    let review = format!("/reports/{id}/review");
    let reply = send(&f.router, post_form(&review, &office, "decision=return&comment=+&org=&plan=")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    let error = reply.select(&format!("[data-report='{id}'] .card-error"));
    ensure!(error.len() == 1 && error[0].contains("退回意见"), "{error:?}");
    ensure!(waiting(&f.router, &office, "").await? == [id.clone()], "still waiting");

    let reply =
        send(&f.router, post_form(&review, &office, &format!("decision=return&comment={}", enc("请补充现场照片")))?)
            .await?;
    ensure!(
        reply.status == StatusCode::SEE_OTHER && reply.location().contains("done=returned"),
        "{}",
        reply.location()
    );
    ensure!(
        send(&f.router, get(&reply.location(), &office)?).await?.select("#done")
            == ["已退回该报送，填报单位将看到退回意见。"]
    );

    // The resubmit form holds the report and the comment beside it.
    let page = send(&f.router, get(&format!("{form_path}?period=2026-03"), &reporter)?).await?;
    ensure!(page.select("#return-comment") == ["请补充现场照片"], "{}", page.body);
    ensure!(page.select("#narrative") == ["路基完成"] && page.select("#problems") == ["资金缺口"]);
    ensure!(
        page.attrs("#percent_done", "value") == ["45"] && page.attrs(&format!("#actual_{target}"), "value") == ["150"]
    );
    let reply = send(&f.router, post_form(&form_path, &reporter, &good.replace("150", "160"))?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);
    let reply = send(&f.router, post_form(&review, &office, "decision=accept")?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);

    // An accepted period says so before any form is filled.
    let page = send(&f.router, get(&format!("{form_path}?period=2026-03"), &reporter)?).await?;
    ensure!(page.select("#accepted").first().is_some_and(|a| a.contains("审核通过，不能再次提交")), "{}", page.body);
    ensure!(page.select("#report-form").is_empty());

    // Next month starts from this month's accepted values.
    let april = App::open(&f.w.db.url, Clock::fixed_on("2026-04-10".parse()?)).await?;
    let router = qingdan_web::router(april, Default::default());
    let reporter = sign_in_as(&router, "reform").await?;
    let page = send(&router, get(&form_path, &reporter)?).await?;
    ensure!(page.attrs("#period-choice option[selected]", "value") == ["2026-04"]);
    ensure!(page.select("#prefilled").first().is_some_and(|p| p.contains("上期（2026年3月）")), "{}", page.body);
    ensure!(page.select("#narrative") == ["路基完成"] && page.attrs(&format!("#actual_{target}"), "value") == ["160"]);
    Ok(())
}

/// The office opens the review page; the reporter then resubmits with other
/// figures; the office's 通过 from the page it read is refused (409) and the
/// page shows the new text with the reason on its card; 通过 from that page
/// is saved.
async fn resubmitted_while_open(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let form_path = format!("/tasks/{}/report", f.tasks[1].0);
    let reporter = sign_in_as(&f.router, "transport").await?;
    // Refused, the form says files chosen must be chosen again; the file field states its limits
    // (confirm.js checks them before sending, so a body over the limit never loses the text).
    let refused = format!("period=2026-03&percent_done=abc&narrative={}", enc("开工"));
    let refused = send(&f.router, post_form(&form_path, &reporter, &refused)?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(refused.select("#files-again").len() == 1, "{}", refused.body);
    let limits = (refused.attrs("#files", "data-max-mb"), refused.attrs("#files", "data-max-files"));
    ensure!(limits == (vec!["10".to_owned()], vec!["5".to_owned()]), "{limits:?}");
    let first = format!("period=2026-03&percent_done=20&narrative={}", enc("开工"));
    ensure!(send(&f.router, post_form(&form_path, &reporter, &first)?).await?.status == StatusCode::SEE_OTHER);
    let office = sign_in_as(&f.router, "supervisor").await?;
    let id = waiting(&f.router, &office, "").await?.first().cloned().context("a card")?;
    let page = send(&f.router, get("/reviews", &office)?).await?;
    let read = page.attrs("input[name=revision]", "value").first().cloned().context("the revision read")?;
    ensure!(read == "1", "{read}");

    let second = format!("period=2026-03&percent_done=90&narrative={}", enc("主体完工"));
    ensure!(send(&f.router, post_form(&form_path, &reporter, &second)?).await?.status == StatusCode::SEE_OTHER);
    let accept = |revision: &str| format!("decision=accept&revision={revision}");
    let reply = send(&f.router, post_form(&format!("/reports/{id}/review"), &office, &accept(&read))?).await?;
    ensure!(reply.status == StatusCode::CONFLICT, "{}", reply.status);
    let errors = reply.select(".card-error");
    ensure!(errors.first().is_some_and(|e| e.contains("已重新报送")), "{errors:?}");
    ensure!(reply.body.contains("主体完工"), "the card now shows the new text");
    ensure!(waiting(&f.router, &office, "").await? == [id.clone()], "still waiting");

    let now = reply.attrs("input[name=revision]", "value").first().cloned().context("the new revision")?;
    ensure!(now == "2", "{now}");
    let reply = send(&f.router, post_form(&format!("/reports/{id}/review"), &office, &accept(&now))?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER && reply.location().contains("done=accepted"), "{}", reply.status);
    let task = f.w.app.task(&f.w.supervisor, f.tasks[1]).await?.task;
    ensure!(task.percent_done == 90, "the figures read are the figures saved: {}", task.percent_done);
    Ok(())
}

async fn withdraw(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let task = f.tasks[0].0;
    let form_path = format!("/tasks/{task}/report");
    let reporter = sign_in_as(&f.router, "reform").await?;
    let form = format!("period=2026-03&percent_done=20&narrative={}", enc("开工"));
    ensure!(send(&f.router, post_form(&form_path, &reporter, &form)?).await?.status == StatusCode::SEE_OTHER);
    let my = send(&f.router, get("/my", &reporter)?).await?;
    ensure!(my.attrs("#due tbody tr", "data-state").last().is_some_and(|s| s == "submitted"));

    let page = send(&f.router, get(&form_path, &reporter)?).await?;
    ensure!(page.attrs("#withdraw", "data-confirm").first().is_some_and(|q| q.contains("撤回")), "asks first");
    let action = page.attrs("#withdraw", "action").first().cloned().context("withdraw form")?;

    // Another org's reporter, a leader and the administrator may not.
    for who in ["transport", "mayor", "admin"] {
        let cookie = sign_in_as(&f.router, who).await?;
        let reply = send(&f.router, post_form(&action, &cookie, "")?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{who}: {}", reply.status);
    }
    // The form again, filled with what was withdrawn: it is deleted, so this is where it stands.
    let page = send(&f.router, post_form(&action, &reporter, "")?).await?;
    ensure!(page.status == StatusCode::OK, "{}", page.status);
    ensure!(page.select("#done").first().is_some_and(|d| d.contains("已撤回") && d.contains("佐证材料")));
    ensure!(page.select("#waiting").is_empty(), "nothing waits now");
    ensure!(page.select("textarea[name=narrative]").first().is_some_and(|t| t.contains("开工")), "what was withdrawn");
    ensure!(page.attrs("input[name=percent_done]", "value").first().is_some_and(|v| v == "20"));
    let my = send(&f.router, get("/my", &reporter)?).await?;
    ensure!(my.attrs("#due tbody tr", "data-state").last().is_some_and(|s| s == "pending"), "owed again");
    let office = sign_in_as(&f.router, "supervisor").await?;
    ensure!(waiting(&f.router, &office, "").await?.is_empty());
    // The withdrawal is in the audit trail with what it said.
    let query = qingdan_storage::AuditQuery { action: Some("withdraw".into()), limit: 10, ..Default::default() };
    let events = f.w.app.store().audit_search(f.w.tenant, &query).await?;
    ensure!(events.len() == 1 && events[0].event.before.as_deref().is_some_and(|b| b.contains("开工")), "{events:?}");

    // A reviewed report is not withdrawn.
    ensure!(send(&f.router, post_form(&form_path, &reporter, &form)?).await?.status == StatusCode::SEE_OTHER);
    let id = waiting(&f.router, &office, "").await?.first().cloned().context("a card")?;
    send(&f.router, post_form(&format!("/reports/{id}/review"), &office, "decision=accept")?).await?;
    let reply = send(&f.router, post_form(&format!("/reports/{id}/withdraw"), &reporter, "")?).await?;
    ensure!(reply.status == StatusCode::CONFLICT && reply.body.contains("不能撤回"), "{}", reply.status);
    Ok(())
}

async fn files(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let task = f.tasks[0].0;
    let form_path = format!("/tasks/{task}/report");
    let reporter = sign_in_as(&f.router, "reform").await?;
    let fields = [("period", "2026-03"), ("percent_done", "30"), ("narrative", "完成路基")];
    let photo: &[u8] = b"\xFF\xD8\xFF\xE0 jpeg";
    let scan: &[u8] = b"%PDF-1.4 scan";

    // An empty file refuses the whole form, with the reason on it and what was typed kept.
    let reply =
        send(&f.router, post_multipart(&form_path, &reporter, &fields, &[("空.jpg", "image/jpeg", b"")])?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.body.contains("是空文件") && reply.select("#narrative") == ["完成路基"], "{}", reply.body);
    let office = sign_in_as(&f.router, "supervisor").await?;
    ensure!(waiting(&f.router, &office, "").await?.is_empty(), "nothing saved");
    // Over the 督办 limit: refused the same way.
    let big = vec![b'x'; qingdan_app::MAX_ATTACHMENT_BYTES + 1];
    let reply =
        send(&f.router, post_multipart(&form_path, &reporter, &fields, &[("大.pdf", "application/pdf", &big)])?)
            .await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.body.contains("过大"), "{}", reply.status);

    let sent = [("现场.jpg", "image/jpeg", photo), ("C:\\扫描\\验收单.pdf", "application/pdf", scan)];
    let reply = send(&f.router, post_multipart(&form_path, &reporter, &fields, &sent)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}: {}", reply.status, reply.body);

    // The reviewer sees and downloads them.
    let page = send(&f.router, get("/reviews", &office)?).await?;
    ensure!(page.select(".files a") == ["现场.jpg", "验收单.pdf"], "{:?}", page.select(".files a"));
    let links = page.attrs(".files a", "href");
    let reply = send(&f.router, get(&links[1], &office)?).await?;
    ensure!(reply.status == StatusCode::OK && reply.bytes == scan, "{}", reply.status);
    let disposition = reply.headers.get(header::CONTENT_DISPOSITION).and_then(|v| v.to_str().ok()).unwrap_or("");
    ensure!(disposition.starts_with("attachment;"), "{disposition}");

    // The org, and a leader, read them; another org, the administrators and another tenant do not.
    ensure!(send(&f.router, get(&links[0], &reporter)?).await?.bytes == photo);
    let mayor = sign_in_as(&f.router, "mayor").await?;
    ensure!(send(&f.router, get(&links[0], &mayor)?).await?.status == StatusCode::OK);
    for who in ["transport", "admin", "security", "auditor"] {
        let cookie = sign_in_as(&f.router, who).await?;
        let reply = send(&f.router, get(&links[0], &cookie)?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN && reply.bytes != photo, "{who}: {}", reply.status);
    }
    let stranger = f.w.stranger(Role::Supervisor).await?;
    let cookie = sign_in_as(&f.router, &stranger.username).await?;
    ensure!(send(&f.router, get(&links[0], &cookie)?).await?.status == StatusCode::NOT_FOUND);

    // Files are added to the waiting report by its org only.
    let page = send(&f.router, get(&form_path, &reporter)?).await?;
    let add = page.attrs("#add-files", "action").first().cloned().context("add-files form")?;
    let more = [("补充.png", "image/png", b"\x89PNG more" as &[u8])];
    let transport = sign_in_as(&f.router, "transport").await?;
    ensure!(send(&f.router, post_multipart(&add, &transport, &[], &more)?).await?.status == StatusCode::FORBIDDEN);
    let reply = send(&f.router, post_multipart(&add, &reporter, &[], &more)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER && reply.location().contains("done=files"), "{}", reply.status);
    let page = send(&f.router, get(&reply.location(), &reporter)?).await?;
    ensure!(page.select("#report-files a").len() == 3 && page.select("#done") == ["已添加佐证材料。"]);
    let _ = f.transport;
    Ok(())
}

async fn batch(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let target = f.w.app.store().targets(f.w.tenant, f.tasks[0]).await?[0].id.0;
    let reform = sign_in_as(&f.router, "reform").await?;
    let form = format!("period=2026-03&percent_done=30&narrative=ok&actual_{target}=96");
    ensure!(
        send(&f.router, post_form(&format!("/tasks/{}/report", f.tasks[0].0), &reform, &form)?).await?.status
            == StatusCode::SEE_OTHER
    );
    let transport = sign_in_as(&f.router, "transport").await?;
    let form = "period=2026-03&percent_done=50&narrative=ok";
    ensure!(
        send(&f.router, post_form(&format!("/tasks/{}/report", f.tasks[1].0), &transport, form)?).await?.status
            == StatusCode::SEE_OTHER
    );

    let office = sign_in_as(&f.router, "supervisor").await?;
    let page = send(&f.router, get("/reviews", &office)?).await?;
    let ids = page.attrs("[data-report]", "data-report");
    ensure!(ids.len() == 2, "{ids:?}");
    // Each target's name, unit, goal, last accepted and this value; the task's light.
    let row = page.select("table.targets tbody tr");
    ensure!(row.len() == 1, "{row:?}");
    let cells = page.select("table.targets tbody td");
    ensure!(cells == ["新改建农村公路指标", "公里", "不低于320", "—", "96"], "{cells:?}");
    ensure!(page.select(".light").len() == 2);
    ensure!(page.attrs("#batch-form", "data-confirm").len() == 1, "batch accept asks once");

    // Filtered by org (and plan), the filter kept in the form.
    let query = format!("?org={}&plan={}", f.transport.0, f.plan.0);
    let page = send(&f.router, get(&format!("/reviews{query}"), &office)?).await?;
    ensure!(page.attrs("[data-report]", "data-report") == [ids[1].clone()]);
    ensure!(page.attrs("#filter-org option[selected]", "value") == [f.transport.0.to_string()]);
    ensure!(page.attrs("#filter-plan option[selected]", "value") == [f.plan.0.to_string()]);
    ensure!(page.attrs("#batch-form input[name=org]", "value") == [f.transport.0.to_string()]);
    let reply = send(&f.router, get("/reviews?org=abc", &office)?).await?;
    ensure!(reply.status.is_client_error() && reply.body.contains("筛选条件有误"), "{}", reply.status);

    // Nothing ticked: said on the page.
    let reply = send(&f.router, post_form("/reviews/accept", &office, "org=&plan=")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.select("#error") == ["请先勾选要通过的报送"]);
    // A reporter may not batch-accept.
    let reply = send(&f.router, post_form("/reviews/accept", &reform, &format!("report={}", ids[0]))?).await?;
    ensure!(reply.status == StatusCode::FORBIDDEN);

    // One accepted on its own first: the batch accepts the other and says why not this one.
    // The ticks send each card's id with the revision it showed.
    let page = send(&f.router, get("/reviews", &office)?).await?;
    let ticks = page.attrs("input[name=report]", "value");
    ensure!(ticks == [format!("{}:1", ids[0]), format!("{}:1", ids[1])], "{ticks:?}");
    send(&f.router, post_form(&format!("/reports/{}/review", ids[0]), &office, "decision=accept")?).await?;
    let body = format!("report={}&report={}&org=&plan=", enc(&ticks[0]), enc(&ticks[1]));
    let reply = send(&f.router, post_form("/reviews/accept", &office, &body)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.select("#done") == ["已批量通过1份报送，1份未能通过（见下）。"], "{:?}", reply.select("#done"));
    let refused = reply.select("#refused li");
    ensure!(
        refused.len() == 1 && refused[0].contains("新改建农村公路") && refused[0].contains("已审核"),
        "{refused:?}"
    );
    ensure!(reply.select("[data-report]").is_empty() && !reply.select("#empty").is_empty());
    Ok(())
}

/// Archived with two reports waiting: the archive button said so; 审核 lists
/// them frozen, without buttons, and refuses a review by page, batch or API
/// (409); the report form says the plan is archived and offers no submit, and
/// a submission sent anyway comes back with what was typed and why.
async fn archived(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    for (task, who) in [(f.tasks[0], "reform"), (f.tasks[1], "transport")] {
        let cookie = sign_in_as(&f.router, who).await?;
        let form = "period=2026-03&percent_done=30&narrative=ok";
        let sent = send(&f.router, post_form(&format!("/tasks/{}/report", task.0), &cookie, form)?).await?;
        ensure!(sent.status == StatusCode::SEE_OTHER, "{}", sent.status);
    }
    let office = sign_in_as(&f.router, "supervisor").await?;
    let plan_page = send(&f.router, get(&format!("/plans/{}", f.plan.0), &office)?).await?;
    let confirm = plan_page.attrs("#archive-form", "data-confirm").concat();
    ensure!(confirm.contains("本计划还有2份报送等待审核，归档后将冻结"), "{confirm}");
    let reply = send(&f.router, post_form(&format!("/plans/{}/archive", f.plan.0), &office, "archived=1")?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);

    let page = send(&f.router, get("/reviews", &office)?).await?;
    let ids = page.attrs("[data-report]", "data-report");
    ensure!(ids.len() == 2, "still listed: {ids:?}");
    ensure!(page.select(".frozen") == [qingdan_app::ARCHIVED_REVIEW; 2], "{:?}", page.select(".frozen"));
    ensure!(page.select("#queue-count") == ["0"], "nothing to review: {:?}", page.select("#queue-count"));
    ensure!(page.select("#queue-frozen").concat().contains("另有 2 份报送所属计划已归档"), "{}", page.body);
    ensure!(page.select("[data-report] form, input[name=report], #batch-form").is_empty(), "no button that fails");
    let review = format!("/reports/{}/review", ids[0]);
    let refused = send(&f.router, post_form(&review, &office, "decision=accept")?).await?;
    ensure!(refused.status == StatusCode::CONFLICT, "{}", refused.status);
    ensure!(refused.select(".card-error") == [qingdan_app::ARCHIVED_REVIEW], "{:?}", refused.select(".card-error"));
    let batch = send(&f.router, post_form("/reviews/accept", &office, &format!("report={}", ids[1]))?).await?;
    ensure!(batch.select("#refused").concat().contains(qingdan_app::ARCHIVED_REVIEW), "{}", batch.body);
    let api = format!("/api/v1/reports/{}/review", ids[0]);
    let refused = send(&f.router, post_json(&api, &office, r#"{"decision":"accept"}"#)?).await?;
    ensure!(
        refused.status == StatusCode::CONFLICT && refused.body.contains(qingdan_app::ARCHIVED_REVIEW),
        "{}",
        refused.body
    );
    ensure!(f.w.app.task(&f.w.supervisor, f.tasks[0]).await?.task.percent_done == 0, "nothing moved");
    let queue = send(&f.router, get("/api/v1/reviews", &office)?).await?.json()?;
    let frozen: Vec<Option<bool>> = queue.as_array().context("a list")?.iter().map(|r| r["frozen"].as_bool()).collect();
    ensure!(frozen == [Some(true); 2], "the API says so too: {queue}");

    let reporter = sign_in_as(&f.router, "reform").await?;
    let form_path = format!("/tasks/{}/report", f.tasks[0].0);
    let form = send(&f.router, get(&form_path, &reporter)?).await?;
    ensure!(form.status == StatusCode::OK && form.select("#archived") == [qingdan_app::ARCHIVED_REPORT]);
    ensure!(form.select("#report-form").is_empty(), "no form to submit: {}", form.body);
    ensure!(form.select("#withdraw").is_empty() && form.select("#add-files").is_empty(), "nor 撤回 nor files");
    let typed = "period=2026-03&percent_done=40&narrative=%E8%B7%AF%E5%9F%BA%E5%AE%8C%E6%88%90";
    let refused = send(&f.router, post_form(&form_path, &reporter, typed)?).await?;
    ensure!(refused.status == StatusCode::CONFLICT, "{}", refused.status);
    ensure!(refused.select("#narrative") == ["路基完成"], "kept: {:?}", refused.select("#narrative"));
    ensure!(refused.attrs("#percent_done", "value") == ["40"]);
    ensure!(refused.select("#refused").concat().contains("该计划已归档"), "{:?}", refused.select("#error"));
    ensure!(refused.select("#archived") == [qingdan_app::ARCHIVED_REPORT]);
    ensure!(!refused.select("#report-form button").concat().contains("提交审核"), "still no submit");
    Ok(())
}

/// 203 reports wait: more than the review page lists (200). The page, the
/// menu's badge and the workbench count all of them; the API pages through
/// them oldest first and says how many there are (`X-Total-Count`).
async fn long_queue(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let clerk = f.w.user("transport.clerk", Role::Reporter, f.transport).await?;
    let mut tasks = vec![f.tasks[1]];
    for i in 1..203 {
        tasks.push(f.w.task(f.plan, &format!("道路养护第{i}段"), f.transport, &[], None).await?);
    }
    let mut reports = Vec::new();
    for task in &tasks {
        let input = qingdan_app::ReportInput {
            period: "2026-03".into(),
            percent_done: "30".into(),
            narrative: "按计划推进".into(),
            ..Default::default()
        };
        reports.push(f.w.app.submit_report(&clerk, *task, &input).await?.0);
    }
    let office = sign_in_as(&f.router, "supervisor").await?;
    let page = send(&f.router, get("/reviews", &office)?).await?;
    ensure!(page.select("#queue-count") == ["203"], "{:?}", page.select("#queue-count"));
    ensure!(page.attrs("[data-report]", "data-report").len() == 200, "the page lists 200");
    ensure!(page.select("#queue-shown").concat().contains("共 203 份待审核，以下为最早提交的 200 份"));
    let counts = f.w.app.workbench_counts(&f.w.supervisor).await?;
    ensure!(counts.iter().any(|(code, n)| *code == "to_review" && *n == 203), "{counts:?}");

    let ids = |reply: &Reply| -> Result<Vec<i64>> {
        let list = reply.json()?;
        Ok(list.as_array().context("a list")?.iter().filter_map(|r| r["id"].as_i64()).collect())
    };
    let total = |reply: &Reply| reply.headers.get("x-total-count").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let all = send(&f.router, get("/api/v1/reviews", &office)?).await?;
    ensure!(ids(&all)? == reports[..200], "the oldest 200 by default");
    ensure!(total(&all).as_deref() == Some("203"), "{:?}", all.headers);
    let second = send(&f.router, get("/api/v1/reviews?per_page=2&page=1", &office)?).await?;
    ensure!(ids(&second)? == reports[2..4], "{}", second.body);
    let last = send(&f.router, get("/api/v1/reviews?per_page=100&page=2", &office)?).await?;
    ensure!(ids(&last)? == reports[200..], "{}", last.body);
    let other = send(&f.router, get(&format!("/api/v1/reviews?org={}", f.transport.0 + 1000), &office)?).await?;
    ensure!(ids(&other)?.is_empty() && total(&other).as_deref() == Some("0"), "{}", other.body);
    for bad in ["per_page=0", "per_page=201", "page=x", "org=abc", "plan=-1"] {
        let refused = send(&f.router, get(&format!("/api/v1/reviews?{bad}"), &office)?).await?;
        ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", refused.status);
        let field = bad.split('=').next().unwrap_or_default();
        ensure!(refused.body.contains(&format!("\"field\":\"{field}\"")), "{bad}: {}", refused.body);
    }
    let reporter = sign_in_as(&f.router, "transport").await?;
    let refused = send(&f.router, get("/api/v1/reviews", &reporter)?).await?;
    ensure!(refused.status == StatusCode::FORBIDDEN, "a reporter reviews nothing: {}", refused.status);
    Ok(())
}
