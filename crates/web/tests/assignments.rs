//! 督办 through the router, on SQLite and PostgreSQL: the pages by role, the
//! create form, steps taken from the matter's page and the API, and forged
//! steps by another org.

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_app::NewAssignmentInput;
use qingdan_domain::assignment::AssignmentStatus;
use qingdan_domain::{AssignmentId, OrgId, Role};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    each_role_gets_its_pages_and_no_other => pages_by_role;
    the_create_form_assigns_a_matter_or_shows_its_errors => create_form;
    the_lead_org_moves_a_matter_from_its_page_and_an_illegal_step_shows_why => steps_on_the_page;
    each_step_says_what_it_did_and_an_extension_shows_the_date_granted => steps_say_what_they_did;
    a_forged_step_by_another_org_gets_403_and_changes_nothing => forged_step;
    the_api_lists_creates_and_moves_matters => api;
    the_office_downloads_a_supervision_notice_for_a_red_matter_only => notice;
    a_file_uploaded_on_the_matters_page_downloads_as_the_same_bytes => files;
    the_timeline_rules_page_lists_and_adds_rules_for_the_office_only => timeline_rules;
}

struct Fixture {
    w: World,
    router: Router,
    housing: OrgId,
    finance: OrgId,
    matter: AssignmentId,
}

async fn fixture(backend: Backend) -> Result<Fixture> {
    let w = World::new(backend, "2026-09-25").await?;
    let housing = w.org("市住建局").await?;
    let finance = w.org("市财政局").await?;
    let culture = w.org("市文旅局").await?;
    w.user("housing", Role::Reporter, housing).await?;
    w.user("finance", Role::Reporter, finance).await?;
    w.user("culture", Role::Reporter, culture).await?;
    w.user("mayor", Role::Leader, culture).await?;
    let input = NewAssignmentInput {
        title: "老旧小区加装电梯".into(),
        source: "leader_instruction".into(),
        text: "请住建局牵头，财政局配合，抓紧推进。".into(),
        lead_org_id: Some(housing.0),
        supporting_org_ids: vec![finance.0],
        leader_name: "王副市长".into(),
        ..NewAssignmentInput::default()
    };
    let matter = w.app.create_assignment(&w.supervisor, &input).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(Fixture { w, router, housing, finance, matter })
}

async fn pages_by_role(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let page = format!("/assignments/{}", f.matter);
    let supervisor = sign_in_as(&f.router, "supervisor").await?;
    let housing = sign_in_as(&f.router, "housing").await?;
    let finance = sign_in_as(&f.router, "finance").await?;
    let culture = sign_in_as(&f.router, "culture").await?;
    let mayor = sign_in_as(&f.router, "mayor").await?;

    let office = send(&f.router, get("/assignments", &supervisor)?).await?;
    ensure!(office.status == StatusCode::OK, "{}", office.status);
    ensure!(office.attrs("#assignments tr[data-assignment]", "data-assignment") == [f.matter.to_string()]);
    ensure!(office.select("#create-form").len() == 1, "the office may assign");
    ensure!(!office.body.contains("市文旅局</option>"), "org options load when a select is used");
    let options = format!("/org-options?blank=none&selected={},{}", f.housing, f.finance);
    let options = send(&f.router, get(&options, &supervisor)?).await?;
    ensure!(options.select("option").iter().any(|o| o == "市文旅局"), "{}", options.body);
    ensure!(
        options.attrs("option[selected]", "value") == [f.housing.to_string(), f.finance.to_string()],
        "{}",
        options.body
    );
    ensure!(!options.body.contains("value=\"\""), "no empty option in a multiple select");
    ensure!(office.select("nav .nav-link").iter().any(|l| l == "督办事项"));
    let stats = send(&f.router, get("/assignments/statistics", &supervisor)?).await?;
    ensure!(stats.status == StatusCode::OK && stats.select("#stats").len() == 1);

    let leader = send(&f.router, get("/assignments", &mayor)?).await?;
    ensure!(leader.status == StatusCode::OK && leader.select("#create-form").is_empty(), "a leader only reads");
    let leader_matter = send(&f.router, get(&page, &mayor)?).await?;
    ensure!(leader_matter.status == StatusCode::OK && leader_matter.select("#actions").is_empty());

    for reporter in [&housing, &culture] {
        ensure!(send(&f.router, get("/assignments", reporter)?).await?.status == StatusCode::FORBIDDEN);
        ensure!(send(&f.router, get("/assignments/statistics", reporter)?).await?.status == StatusCode::FORBIDDEN);
    }
    let todo = send(&f.router, get("/my-assignments", &housing)?).await?;
    ensure!(todo.status == StatusCode::OK);
    ensure!(todo.attrs("#to-act tr[data-assignment]", "data-assignment") == [f.matter.to_string()]);
    ensure!(todo.select("nav .nav-link").iter().any(|l| l == "待办事项"));
    let helper = send(&f.router, get("/my-assignments", &finance)?).await?;
    ensure!(helper.attrs("#supporting tr[data-assignment]", "data-assignment") == [f.matter.to_string()]);

    let lead_page = send(&f.router, get(&page, &housing)?).await?;
    ensure!(lead_page.status == StatusCode::OK);
    ensure!(lead_page.select("#actions button").iter().any(|b| b == "签收"), "the lead org may sign for");
    // The stage timeline: Friday 09-25 is a holiday; deploy 09-28, feedback 09-30, solve 10-12.
    let dues: Vec<String> = lead_page.select("#stages tbody tr td:nth-child(2)");
    ensure!(dues == ["2026-09-28", "2026-09-28", "2026-09-30", "2026-10-12"], "{dues:?}");
    let helper_page = send(&f.router, get(&page, &finance)?).await?;
    ensure!(helper_page.status == StatusCode::OK && helper_page.select("#actions").is_empty());
    ensure!(send(&f.router, get(&page, &culture)?).await?.status == StatusCode::FORBIDDEN);
    ensure!(send(&f.router, get("/assignments/999999", &supervisor)?).await?.status == StatusCode::NOT_FOUND);
    ensure!(
        send(&f.router, get("/assignments?light=purple", &supervisor)?).await?.status
            == StatusCode::UNPROCESSABLE_ENTITY
    );
    Ok(())
}

async fn create_form(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let supervisor = sign_in_as(&f.router, "supervisor").await?;
    let form = format!(
        "title=%E6%95%B4%E6%B2%BB%E6%B2%B3%E9%81%93&source=meeting_decision&text=%E4%BC%9A%E8%AE%AE%E5%86%B3%E5%AE%9A\
         &lead_org_id={}&supporting_org_ids={}&is_major=1&assigned_on=2026-09-25",
        f.finance, f.housing
    );
    let reply = send(&f.router, post_form("/assignments", &supervisor, &form)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{} {}", reply.status, reply.body);
    let id: i64 = reply.location().trim_start_matches("/assignments/").parse()?;
    let a = f.w.app.assignment(&f.w.supervisor, AssignmentId(id)).await?;
    ensure!(a.title == "整治河道" && a.is_major && a.lead_org_id == f.finance && a.supporting_org_ids == [f.housing]);
    ensure!(a.schedule.solve.to_string() == "2026-10-26", "a month from 09-25 is Sunday 10-25: {}", a.schedule.solve);

    let before = f.w.app.store().audit_count(f.w.tenant).await?;
    let bad =
        send(&f.router, post_form("/assignments", &supervisor, "title=&source=leader_instruction&text=")?).await?;
    ensure!(bad.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.status);
    let errors = bad.select("#create-form .field-error");
    ensure!(
        errors.iter().any(|e| e == "事项名称不能为空") && errors.iter().any(|e| e == "请选择牵头单位"),
        "{errors:?}"
    );
    ensure!(f.w.app.store().audit_count(f.w.tenant).await? == before, "nothing saved");
    let housing = sign_in_as(&f.router, "housing").await?;
    let forged = send(&f.router, post_form("/assignments", &housing, &form)?).await?;
    ensure!(forged.status == StatusCode::FORBIDDEN, "a reporter cannot assign: {}", forged.status);
    Ok(())
}

async fn steps_on_the_page(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let housing = sign_in_as(&f.router, "housing").await?;
    let path = format!("/assignments/{}/transition", f.matter);
    let early =
        send(&f.router, post_form(&path, &housing, "action=feedback&note=%E5%B7%B2%E5%8F%8D%E9%A6%88")?).await?;
    ensure!(early.status == StatusCode::CONFLICT, "{}", early.status);
    ensure!(early.select("#error") == ["该事项尚未签收，不能反馈"], "{:?}", early.select("#error"));
    let sign = send(&f.router, post_form(&path, &housing, "action=sign_for")?).await?;
    ensure!(sign.status == StatusCode::SEE_OTHER && sign.location() == format!("/assignments/{}", f.matter));
    let empty = send(&f.router, post_form(&path, &housing, "action=deploy&note=")?).await?;
    ensure!(empty.status == StatusCode::UNPROCESSABLE_ENTITY && empty.select("#error") == ["部署情况不能为空"]);
    let deploy = send(&f.router, post_form(&path, &housing, "action=deploy&note=%E5%B7%B2%E9%83%A8%E7%BD%B2")?).await?;
    ensure!(deploy.status == StatusCode::SEE_OTHER);
    let a = f.w.app.assignment(&f.w.supervisor, f.matter).await?;
    ensure!(a.status == AssignmentStatus::Deployed, "{:?}", a.status);
    let page = send(&f.router, get(&format!("/assignments/{}", f.matter), &housing)?).await?;
    let history = page.select("#history tbody tr td:nth-child(2)");
    ensure!(history == ["部署", "签收", "交办"], "{history:?}");
    Ok(())
}

async fn steps_say_what_they_did(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let housing = sign_in_as(&f.router, "housing").await?;
    let supervisor = sign_in_as(&f.router, "supervisor").await?;
    let path = format!("/assignments/{}/transition", f.matter);
    // Deploy is due 09-28, feedback 09-30, solve 10-12 (see pages_by_role).
    let steps = [
        (&housing, "action=sign_for", "已签收，请在2026-09-28前部署。"),
        (&housing, "action=deploy&note=x", "已部署，请在2026-09-30前反馈办理进展。"),
        (&housing, "action=request_extension&note=x&due=2026-12-31", "已提交延期申请，等待督查室审批。"),
        // Granted to a Sunday: moved to the Monday, and said so.
        (
            &supervisor,
            "action=approve_extension&note=ok&due=2026-12-27",
            "已批准延期，办结时限改为2026-12-28（2026-12-27不是工作日，顺延至其后第一个工作日）。",
        ),
    ];
    for (cookie, body, said) in steps {
        let reply = send(&f.router, post_form(&path, cookie, body)?).await?;
        ensure!(reply.status == StatusCode::SEE_OTHER, "{body}: {}", reply.status);
        ensure!(flash(&reply) == said, "{body}: {}", flash(&reply));
    }
    // The lead org is told the date granted, not only that it was granted.
    let inbox = send(&f.router, get("/inbox", &housing)?).await?;
    ensure!(inbox.body.contains("批准延期") && inbox.body.contains("办结时限为2026-12-28"), "{}", inbox.body);
    let page = send(&f.router, get(&format!("/assignments/{}", f.matter), &supervisor)?).await?;
    let results = page.select("#extensions tbody td:nth-child(5)");
    ensure!(results.len() == 1 && results[0].contains("批准延期至 2026-12-28"), "{results:?}");
    let confirm = page.attrs("form[data-action=reassign] button", "data-confirm");
    ensure!(confirm.len() == 1 && confirm[0].contains("改派"), "改派 asks first: {confirm:?}");
    let steps = [
        (&housing, "action=feedback&note=x", "已反馈，办结时限为2026-12-28。"),
        (&housing, "action=request_close&note=x", "已申请办结，等待督查室审核销号。"),
        (&supervisor, "action=accept_close&grade=", ""),
        (&supervisor, "action=accept_close&grade=good", "已办结销号，评定为良好。"),
    ];
    for (cookie, body, said) in steps {
        let reply = send(&f.router, post_form(&path, cookie, body)?).await?;
        ensure!(flash(&reply) == said, "{body}: {} {}", reply.status, flash(&reply));
        if said.is_empty() {
            // No grade: the choices are named in Chinese, their codes after.
            let grades = "请评定办结等次：优秀（excellent）、良好（good）、合格（pass）或不合格（fail）";
            ensure!(reply.select("#error") == [grades], "{:?}", reply.select("#error"));
        }
    }
    Ok(())
}

async fn forged_step(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let path = format!("/assignments/{}/transition", f.matter);
    // Signed in first: a sign-in is itself an audit event.
    let mut cookies = Vec::new();
    for user in ["culture", "finance", "mayor", "housing"] {
        cookies.push((user, sign_in_as(&f.router, user).await?));
    }
    let before = f.w.app.store().audit_count(f.w.tenant).await?;
    for (user, cookie) in &cookies[..3] {
        let (user, cookie) = (*user, cookie.as_str());
        let reply = send(&f.router, post_form(&path, cookie, "action=sign_for")?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{user}: {}", reply.status);
        let api = format!("/api/v1/assignments/{}/transitions", f.matter);
        let reply = send(&f.router, post_json(&api, cookie, r#"{"action":"sign_for"}"#)?).await?;
        ensure!(
            reply.status == StatusCode::FORBIDDEN && reply.json()?["code"] == "forbidden",
            "{user}: {}",
            reply.body
        );
    }
    // The lead org's reporter cannot take the office's steps either.
    let housing = &cookies[3].1;
    let reassign = format!("action=reassign&org_id={}", f.finance);
    ensure!(send(&f.router, post_form(&path, housing, &reassign)?).await?.status == StatusCode::FORBIDDEN);
    ensure!(f.w.app.store().audit_count(f.w.tenant).await? == before, "nothing was saved");
    ensure!(f.w.app.assignment(&f.w.supervisor, f.matter).await?.status == AssignmentStatus::Assigned);
    Ok(())
}

async fn api(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let supervisor = sign_in_as(&f.router, "supervisor").await?;
    let body = format!(
        r#"{{"title":"修缮城墙","source":"suggestion_or_proposal","text":"政协提案第12号","lead_org_id":{},"attachments":["提案.docx"]}}"#,
        f.housing
    );
    let created = send(&f.router, post_json("/api/v1/assignments", &supervisor, &body)?).await?;
    ensure!(created.status == StatusCode::CREATED, "{}", created.body);
    let id = created.json()?["id"].as_i64().unwrap_or_default();
    let list = send(&f.router, get("/api/v1/assignments", &supervisor)?).await?.json()?;
    ensure!(list["total"] == 2, "{list}");
    let second = send(&f.router, get("/api/v1/assignments?per_page=1&page=1", &supervisor)?).await?.json()?;
    let first = send(&f.router, get("/api/v1/assignments?per_page=1", &supervisor)?).await?.json()?;
    let ids =
        |l: &serde_json::Value| l["items"].as_array().map(|a| a.iter().map(|i| i["id"].clone()).collect::<Vec<_>>());
    ensure!(ids(&first).map(|i| i.len()) == Some(1) && ids(&second).map(|i| i.len()) == Some(1), "{first} {second}");
    ensure!(ids(&first) != ids(&second) && second["total"] == 2, "a page of one, then the next: {first} {second}");
    for bad in ["per_page=0", "per_page=201", "page=x"] {
        let refused = send(&f.router, get(&format!("/api/v1/assignments?{bad}"), &supervisor)?).await?;
        ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {} {}", refused.status, refused.body);
    }
    let housing = sign_in_as(&f.router, "housing").await?;
    let path = format!("/api/v1/assignments/{id}/transitions");
    let signed = send(&f.router, post_json(&path, &housing, r#"{"action":"sign_for"}"#)?).await?;
    ensure!(signed.status == StatusCode::OK, "{}", signed.body);
    let json = signed.json()?;
    ensure!(json["status"] == "signed_for" && json["schedule"]["solve"] == "2026-10-12", "{json}");
    let again = send(&f.router, post_json(&path, &housing, r#"{"action":"sign_for"}"#)?).await?;
    ensure!(again.status == StatusCode::CONFLICT && again.json()?["message"] == "该事项已签收，不能重复签收");
    let detail = send(&f.router, get(&format!("/api/v1/assignments/{id}"), &housing)?).await?.json()?;
    ensure!(detail["allowed_actions"] == serde_json::json!(["deploy", "request_extension"]), "{detail}");
    ensure!(detail["assignment"]["attachments"] == serde_json::json!(["提案.docx"]));
    // Carried to a close request: the office's 办结销号 asks first.
    for action in ["deploy", "feedback", "request_close"] {
        let body = format!(r#"{{"action":"{action}","note":"已按要求办理"}}"#);
        let step = send(&f.router, post_json(&path, &housing, &body)?).await?;
        ensure!(step.status == StatusCode::OK, "{action}: {}", step.body);
    }
    let page = send(&f.router, get(&format!("/assignments/{id}"), &supervisor)?).await?;
    let asks = page.attrs("form[data-action=accept_close] button", "data-confirm");
    ensure!(asks.len() == 1 && asks[0].contains("确定销号"), "{asks:?}");
    let wrong =
        send(&f.router, post_json("/api/v1/assignments", &supervisor, r#"{"title":3,"lead_org_id":"x"}"#)?).await?;
    ensure!(wrong.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.status);
    let rules = send(&f.router, get("/api/v1/timeline-rules", &housing)?).await?.json()?;
    ensure!(rules[0]["name"] == "13710" && rules[0]["solve_days"] == 7 && rules[0]["major_solve_months"] == 1);
    let rule = r#"{"name":"3510","sign_for_days":1,"deploy_days":3,"feedback_days":5,"solve_days":10}"#;
    ensure!(
        send(&f.router, post_json("/api/v1/timeline-rules", &housing, rule)?).await?.status == StatusCode::FORBIDDEN
    );
    ensure!(
        send(&f.router, post_json("/api/v1/timeline-rules", &supervisor, rule)?).await?.status == StatusCode::CREATED
    );
    let openapi = send(&f.router, get("/api/v1/openapi.json", "")?).await?.json()?;
    ensure!(openapi["paths"]["/api/v1/assignments/{id}/transitions"]["post"].is_object());
    Ok(())
}

async fn notice(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let url = format!("/assignments/{}/notice.docx", f.matter);
    let supervisor = sign_in_as(&f.router, "supervisor").await?;
    let early = send(&f.router, get(&url, &supervisor)?).await?;
    ensure!(early.status == StatusCode::CONFLICT, "not red yet: {}", early.status);

    // Friday 10-09: signing for was due Monday 09-28; the matter is red.
    let later = qingdan_app::App::new(f.w.app.store().clone(), qingdan_app::Clock::fixed_on("2026-10-09".parse()?));
    later.supervise(f.w.tenant).await?;
    let router = qingdan_web::router(later, Default::default());
    let supervisor = sign_in_as(&router, "supervisor").await?;
    let page = send(&router, get(&format!("/assignments/{}", f.matter), &supervisor)?).await?;
    ensure!(page.attrs("#notice", "href") == [url.clone()], "the matter's page links the notice");
    let doc = send(&router, get(&url, &supervisor)?).await?;
    ensure!(doc.status == StatusCode::OK, "{}: {}", doc.status, doc.body);
    let disposition = doc.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    ensure!(disposition.contains("filename*=UTF-8''%E7%9D%A3%E5%8A%9E"), "{disposition}");
    let text = qingdan_office::docx_text(&doc.bytes)?;
    for needle in ["督 办 通 知 单", "市住建局", "老旧小区加装电梯", "王副市长", "签收"] {
        ensure!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    // Due Monday 09-28; the working days since: 09-29, 09-30, 10-08, 10-09 (10-01..07 off).
    ensure!(text.contains("已逾期4个工作日"), "days overdue:\n{text}");

    let housing = sign_in_as(&router, "housing").await?;
    ensure!(send(&router, get(&url, &housing)?).await?.status == StatusCode::FORBIDDEN, "the office issues notices");
    let housing_page = send(&router, get(&format!("/assignments/{}", f.matter), &housing)?).await?;
    ensure!(housing_page.select("#notice").is_empty());
    Ok(())
}

async fn files(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let page = format!("/assignments/{}", f.matter);
    let upload = format!("{page}/files");
    let housing = sign_in_as(&f.router, "housing").await?;
    let finance = sign_in_as(&f.router, "finance").await?;
    let culture = sign_in_as(&f.router, "culture").await?;
    let mayor = sign_in_as(&f.router, "mayor").await?;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();

    let before = send(&f.router, get(&page, &housing)?).await?;
    ensure!(before.select("#no-files").len() == 1 && before.select("#file-form").len() == 1);
    let sent = send(&f.router, post_file(&upload, &housing, "整改方案.pdf", "application/pdf", &bytes)?).await?;
    ensure!(sent.status == StatusCode::SEE_OTHER, "{} {}", sent.status, sent.body);
    ensure!(sent.location() == format!("{page}#files"), "{}", sent.location());

    // The supporting org sees it listed and downloads the same bytes.
    let shown = send(&f.router, get(&page, &finance)?).await?;
    ensure!(shown.select("#files a") == ["整改方案.pdf"], "{:?}", shown.select("#files a"));
    let links = shown.attrs("#files a", "href");
    ensure!(links.len() == 1 && links[0].starts_with(&format!("{page}/files/")), "{links:?}");
    let got = send(&f.router, get(&links[0], &finance)?).await?;
    ensure!(got.status == StatusCode::OK, "{}", got.status);
    ensure!(got.bytes == bytes, "the same bytes");
    let header = |name| got.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    ensure!(header("content-type") == "application/pdf", "{}", header("content-type"));
    let disposition = header("content-disposition");
    ensure!(
        disposition.starts_with("attachment;")
            && disposition.contains("filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%96%B9%E6%A1%88.pdf"),
        "{disposition}"
    );
    // A leader downloads too, but may not upload; an unrelated org may do neither.
    ensure!(send(&f.router, get(&links[0], &mayor)?).await?.bytes == bytes);
    ensure!(send(&f.router, get(&page, &mayor)?).await?.select("#file-form").is_empty(), "a leader only reads");
    let refused = send(&f.router, post_file(&upload, &mayor, "x.pdf", "application/pdf", b"x")?).await?;
    ensure!(refused.status == StatusCode::FORBIDDEN, "{}", refused.status);
    ensure!(send(&f.router, get(&links[0], &culture)?).await?.status == StatusCode::FORBIDDEN);
    let refused = send(&f.router, post_file(&upload, &culture, "x.pdf", "application/pdf", b"x")?).await?;
    ensure!(refused.status == StatusCode::FORBIDDEN, "{}", refused.status);
    ensure!(send(&f.router, get(&format!("{page}/files/abc"), &finance)?).await?.status == StatusCode::NOT_FOUND);

    // A page a browser would render is served as bytes to save, never inline.
    let html = b"<script>alert(1)</script>";
    let sent = send(&f.router, post_file(&upload, &housing, "a.html", "text/html", html)?).await?;
    ensure!(sent.status == StatusCode::SEE_OTHER);
    let links = send(&f.router, get(&page, &housing)?).await?.attrs("#files a", "href");
    let got = send(&f.router, get(&links[1], &housing)?).await?;
    ensure!(got.bytes == html);
    let content_type = got.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    ensure!(content_type == "application/octet-stream", "{content_type}");
    for (name, claimed, served) in [
        ("图.svg", "image/svg+xml", "application/octet-stream"),
        ("a.xml", "text/xml", "application/octet-stream"),
        (
            "报表.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let sent = send(&f.router, post_file(&upload, &housing, name, claimed, b"<x/>")?).await?;
        ensure!(sent.status == StatusCode::SEE_OTHER, "{name}: {}", sent.status);
        let link = send(&f.router, get(&page, &housing)?).await?.attrs("#files a", "href").pop().unwrap_or_default();
        let got = send(&f.router, get(&link, &housing)?).await?;
        let content_type = got.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
        ensure!(content_type == served, "{name}: {content_type}");
    }

    // Bad files: a Chinese reason beside the form, a 4xx, nothing saved.
    let empty = send(&f.router, post_file(&upload, &housing, "空白.pdf", "application/pdf", b"")?).await?;
    ensure!(empty.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.status);
    ensure!(empty.select("#file-error").iter().any(|e| e.contains("空文件")), "{:?}", empty.select("#file-error"));
    let big = vec![1u8; qingdan_app::MAX_ATTACHMENT_BYTES + 1];
    let too_large = send(&f.router, post_file(&upload, &housing, "扫描件.pdf", "application/pdf", &big)?).await?;
    ensure!(too_large.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", too_large.status);
    ensure!(too_large.select("#file-error").iter().any(|e| e.contains("不能超过10MB")));
    let not_multipart = send(&f.router, post_form(&upload, &housing, "file=abc")?).await?;
    ensure!(not_multipart.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", not_multipart.status);
    ensure!(not_multipart.body.contains("请选择要上传的附件文件"));
    // A body past the route's limit is refused before it is read.
    let huge = vec![1u8; qingdan_web::MAX_ATTACHMENT_BODY_BYTES + 1];
    let over = send(&f.router, post_file(&upload, &housing, "巨大.pdf", "application/pdf", &huge)?).await?;
    ensure!(over.status.is_client_error(), "{}", over.status);
    ensure!(
        over.select("#file-error").iter().any(|e| e.contains("附件") && e.contains("不能超过10MB")),
        "{}",
        over.body
    );
    // As a browser sends it, with its length first: refused before it is read, in Chinese.
    let (mut parts, body) = post_file(&upload, &housing, "巨大.pdf", "application/pdf", &huge)?.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await?;
    parts.headers.insert(axum::http::header::CONTENT_LENGTH, axum::http::HeaderValue::from(body.len()));
    let over = send(&f.router, axum::http::Request::from_parts(parts, axum::body::Body::from(body))).await?;
    ensure!(over.status == StatusCode::PAYLOAD_TOO_LARGE, "{}", over.status);
    ensure!(over.body.contains("附件过大：单个附件不能超过10MB"), "{}", over.body);
    let names = send(&f.router, get(&page, &housing)?).await?.select("#files a");
    ensure!(names == ["整改方案.pdf", "a.html", "图.svg", "a.xml", "报表.xlsx"], "{names:?}");
    Ok(())
}

async fn timeline_rules(backend: Backend) -> Result<()> {
    let f = fixture(backend).await?;
    let supervisor = sign_in_as(&f.router, "supervisor").await?;
    let admin = sign_in_as(&f.router, "admin").await?;
    let housing = sign_in_as(&f.router, "housing").await?;
    let mayor = sign_in_as(&f.router, "mayor").await?;

    let shown = send(&f.router, get("/admin/timeline-rules", &supervisor)?).await?;
    ensure!(shown.status == StatusCode::OK, "{}", shown.status);
    ensure!(shown.select("#rules td.name") == ["13710"], "{:?}", shown.select("#rules td.name"));
    ensure!(shown.select("nav .nav-link").iter().any(|l| l == "时限规则"));
    let form = "name=3510&counting=calendar_days&sign_for_days=1&deploy_days=3&feedback_days=5&solve_days=10\
                &major_solve_days=30&major_solve_months=&yellow_percent=70";
    let added = send(&f.router, post_form("/admin/timeline-rules", &supervisor, form)?).await?;
    ensure!(added.status == StatusCode::SEE_OTHER, "{} {}", added.status, added.body);
    ensure!(
        send(&f.router, get("/admin/timeline-rules", &admin)?).await?.status == StatusCode::FORBIDDEN,
        "三员: not the admin's"
    );
    let shown = send(&f.router, get("/admin/timeline-rules", &supervisor)?).await?;
    ensure!(shown.status == StatusCode::OK);
    ensure!(shown.select("#rules td.name") == ["13710", "3510"], "{:?}", shown.select("#rules td.name"));
    let row = shown.select("#rules tr[data-rule]");
    ensure!(row[1].contains("自然日") && row[1].contains("30天") && row[1].contains("70%"), "{row:?}");
    // The new rule is offered when assigning.
    let rules = f.w.app.timeline_rules(&f.w.supervisor).await?;
    ensure!(rules.iter().any(|r| r.name == "3510" && r.solve_days == 10));

    // Reporters and leaders are refused.
    for cookie in [&housing, &mayor] {
        ensure!(send(&f.router, get("/admin/timeline-rules", cookie)?).await?.status == StatusCode::FORBIDDEN);
        let refused = send(&f.router, post_form("/admin/timeline-rules", cookie, form)?).await?;
        ensure!(refused.status == StatusCode::FORBIDDEN, "{}", refused.status);
    }
    ensure!(send(&f.router, get("/admin/timeline-rules", &housing)?).await?.body.contains("无权"));

    // Bad input: a 4xx with the reasons in Chinese beside the fields; nothing added.
    let bad = "name=510&counting=calendar_days&sign_for_days=abc&deploy_days=5&feedback_days=3&solve_days=10\
               &yellow_percent=100";
    let refused = send(&f.router, post_form("/admin/timeline-rules", &supervisor, bad)?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    let errors = refused.select("#error li");
    ensure!(errors.iter().any(|e| e.contains("签收时限应为整数天数")), "{errors:?}");
    ensure!(refused.attrs("#name", "value") == ["510"], "the form keeps what was typed");
    let duplicate = form.replace("name=3510", "name=13710");
    let refused = send(&f.router, post_form("/admin/timeline-rules", &supervisor, &duplicate)?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(refused.select("#error li").iter().any(|e| e.contains("已有名为“13710”的规则")));
    let out_of_order = form.replace("name=3510", "name=x").replace("deploy_days=3", "deploy_days=9");
    let refused = send(&f.router, post_form("/admin/timeline-rules", &supervisor, &out_of_order)?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(refused.select("#error li").iter().any(|e| e.contains("反馈时限应不少于部署时限")));
    ensure!(f.w.app.timeline_rules(&f.w.supervisor).await?.len() == 2, "nothing added");
    Ok(())
}
