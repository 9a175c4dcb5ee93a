//! Requests an attacker would send, on both engines: invisible control
//! characters in sign-in names, query strings, forms and JSON, a workbook
//! that declares a sheet of 17 billion cells, and the headers that keep
//! private pages out of caches. Each is answered with a 4xx and a Chinese
//! reason, nothing is saved, and the server answers the next request.

use anyhow::{Result, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use qingdan_testkit::{Backend, World, on_both_engines};
use std::io::{Cursor, Write};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

mod common;
use common::*;

on_both_engines! {
    a_nul_or_a_bidi_override_anywhere_is_refused_at_the_edge_and_nothing_is_saved => invisible_characters;
    a_workbook_declaring_a_huge_sheet_is_refused_and_the_server_lives => huge_sheet;
    private_answers_are_never_cached_and_forms_post_only_here => headers;
    a_report_too_long_to_be_one_is_refused_and_a_draft_can_be_deleted_after_asking => report_bounds_and_delete;
    brute_force_locks_the_account_and_the_address_for_a_while => brute_force;
}

async fn fixture(backend: Backend) -> Result<(World, Router)> {
    let w = World::new(backend, "2026-03-01").await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok((w, router))
}

/// The server still answers after a hostile request.
async fn alive(router: &Router) -> Result<()> {
    let reply = send(router, Request::get("/healthz").body(Body::empty())?).await?;
    ensure!(reply.status == StatusCode::OK, "healthz: {}", reply.status);
    Ok(())
}

async fn invisible_characters(backend: Backend) -> Result<()> {
    let (w, router) = fixture(backend).await?;
    // Sign-in name with U+0000: a 400 page naming the character, no 500 on PostgreSQL.
    let reply = send(&router, post_form("/login", "", "username=super%00visor&password=x")?).await?;
    ensure!(reply.status == StatusCode::BAD_REQUEST, "login: {} {}", reply.status, reply.body);
    ensure!(reply.body.contains("U+0000") && reply.body.contains("不可见字符"), "{}", reply.body);
    alive(&router).await?;

    let cookie = sign_in_as(&router, "supervisor").await?;
    // A query parameter.
    let reply = send(&router, get("/plans?q=%00", &cookie)?).await?;
    ensure!(reply.status == StatusCode::BAD_REQUEST && reply.body.contains("U+0000"), "{}", reply.status);
    // A JSON body: a plan titled with a right-to-left override is refused, and no plan is made.
    let before = w.app.plans(&w.supervisor).await?.len();
    let reply =
        send(&router, post_json("/api/v1/plans", &cookie, r#"{"title":"计划\u202Efdp.exe","year":"2026"}"#)?).await?;
    ensure!(reply.status == StatusCode::BAD_REQUEST, "api: {} {}", reply.status, reply.body);
    let body = reply.json()?;
    ensure!(body["code"] == "invisible_char" && body["message"].as_str().is_some_and(|m| m.contains("U+202E")));
    let reply = send(&router, post_json("/api/v1/plans", &cookie, r#"{"title":"a\u0000b","year":"2026"}"#)?).await?;
    ensure!(reply.status == StatusCode::BAD_REQUEST && reply.body.contains("title"), "{}", reply.body);
    // A form.
    let reply = send(&router, post_form("/plans", &cookie, "title=%E2%80%AE%E8%AE%A1%E5%88%92&year=2026")?).await?;
    ensure!(reply.status == StatusCode::BAD_REQUEST, "form: {}", reply.status);
    ensure!(w.app.plans(&w.supervisor).await?.len() == before, "nothing was saved");
    // A form over the 1 MB limit: the error page with the menu, not a bare JSON answer.
    let reply =
        send(&router, post_form("/plans", &cookie, &format!("year=2026&title={}", "x".repeat(2 << 20)))?).await?;
    ensure!(reply.status == StatusCode::PAYLOAD_TOO_LARGE, "big form: {}", reply.status);
    ensure!(reply.body.contains("提交的内容超过1MB，未保存") && reply.select("#who").len() == 1, "{}", reply.body);
    ensure!(w.app.plans(&w.supervisor).await?.len() == before, "nothing was saved");
    // A 台账 over the upload limit is refused before it is read: in Chinese, with the menu.
    let big = vec![b'x'; qingdan_app::MAX_REPORT_BYTES + 1024 * 1024];
    // As a browser sends it: the length first, which the body limit reads before the body.
    let mut request = post_file("/ledgers/tasks", &cookie, "台账.xlsx", "application/octet-stream", &big)?;
    let length = axum::body::HttpBody::size_hint(request.body()).exact().unwrap_or_default();
    request.headers_mut().insert(header::CONTENT_LENGTH, length.into());
    let reply = send(&router, request).await?;
    ensure!(reply.status == StatusCode::PAYLOAD_TOO_LARGE, "big upload: {}", reply.status);
    ensure!(reply.body.contains("上传的文件过大（不能超过20MB）") && reply.select("#who").len() == 1, "{}", reply.body);
    // A file name with an override is refused by the use case with the same rule.
    let reply = send(
        &router,
        post_file(
            "/imports",
            &cookie,
            "报告\u{202E}txt.exe",
            "text/plain",
            "一、2026年主要任务\n新增就业1万人。".as_bytes(),
        )?,
    )
    .await?;
    ensure!(reply.status.is_client_error() && reply.body.contains("U+202E"), "{} {}", reply.status, reply.body);
    // Ordinary Chinese text still goes through.
    let reply =
        send(&router, post_json("/api/v1/plans", &cookie, r#"{"title":"2026年重点任务","year":"2026"}"#)?).await?;
    ensure!(reply.status.is_success(), "{} {}", reply.status, reply.body);
    alive(&router).await
}

/// A one-sheet workbook with cells A1 and XFD1048576: a few hundred bytes that
/// declare a sheet of 16,384 × 1,048,576 cells.
fn huge_sheet_xlsx() -> Result<Vec<u8>> {
    const CT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WB: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WB_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in [
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WB),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", sheet),
    ] {
        writer.start_file(name, options)?;
        writer.write_all(text.as_bytes())?;
    }
    Ok(writer.finish()?.into_inner())
}

async fn huge_sheet(backend: Backend) -> Result<()> {
    let (w, router) = fixture(backend).await?;
    let plan = w.plan().await?;
    let cookie = sign_in_as(&router, "supervisor").await?;
    let bytes = huge_sheet_xlsx()?;
    ensure!(bytes.len() < 4096, "the file is small: {} bytes", bytes.len());
    let before = w.app.plan_overview(&w.supervisor, plan, &Default::default()).await?.counts.total();
    const BOUNDARY: &str = "qingdan-hostile-boundary";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"plan_id\"\r\n\r\n{}\r\n--{BOUNDARY}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"台账.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n",
        plan.0
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::post("/ledgers/tasks")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))?;
    let reply = send(&router, request).await?;
    ensure!(reply.status.is_client_error(), "{} {}", reply.status, reply.body);
    ensure!(reply.body.contains("表格过大") && reply.body.contains("上限"), "{}", reply.body);
    ensure!(w.app.plan_overview(&w.supervisor, plan, &Default::default()).await?.counts.total() == before);
    alive(&router).await
}

async fn headers(backend: Backend) -> Result<()> {
    let (_w, router) = fixture(backend).await?;
    let cookie = sign_in_as(&router, "supervisor").await?;
    for path in ["/plans", "/api/v1/plans", "/api/v1/me"] {
        let reply = send(&router, get(path, &cookie)?).await?;
        ensure!(reply.status == StatusCode::OK, "{path}: {}", reply.status);
        let cache = reply.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or("");
        ensure!(cache.contains("no-store"), "{path}: Cache-Control {cache:?}");
        let csp = reply.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
        ensure!(csp.contains("form-action 'self'") && csp.contains("base-uri 'none'"), "{path}: {csp}");
    }
    Ok(())
}

/// The id of the newest import in a redirect to `/imports/{id}`.
fn import_id(reply: &Reply) -> Result<i64> {
    let location = reply.location();
    let id = location.strip_prefix("/imports/").and_then(|i| i.parse().ok());
    id.ok_or_else(|| anyhow::anyhow!("no import in {location:?} ({} {})", reply.status, reply.body))
}

async fn report_bounds_and_delete(backend: Backend) -> Result<()> {
    let (w, router) = fixture(backend).await?;
    let cookie = sign_in_as(&router, "supervisor").await?;
    // 1,100,000 characters of text: over the limit, refused before any extraction is stored.
    let huge = "新增就业岗位1万个。".repeat(110_000);
    ensure!(huge.len() < qingdan_app::MAX_REPORT_BYTES, "the bytes pass, the characters do not");
    let reply = send(&router, post_file("/imports", &cookie, "报告.txt", "text/plain", huge.as_bytes())?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{} {}", reply.status, reply.body);
    ensure!(reply.body.contains("上限") && reply.body.contains("1000000"), "{}", reply.body);
    ensure!(w.app.imports(&w.supervisor).await?.is_empty(), "nothing was stored");
    alive(&router).await?;

    // A real draft: asked about first, then deleted, and the list says so.
    let report = "一、2026年主要任务\n（一）稳就业\n新增城镇就业1.2万人。\n（二）抓项目\n新开工项目50个。\n";
    let reply = send(&router, post_file("/imports", &cookie, "报告.txt", "text/plain", report.as_bytes())?).await?;
    let id = import_id(&reply)?;
    let ask = send(&router, get(&format!("/imports/{id}/delete"), &cookie)?).await?;
    ensure!(ask.status == StatusCode::OK, "{}", ask.status);
    ensure!(ask.select("#confirm-delete p").iter().any(|p| p.contains("报告.txt") && p.contains("不能恢复")));
    ensure!(w.app.imports(&w.supervisor).await?.len() == 1, "asking deletes nothing");
    // A reporter may not delete it.
    let org = w.org("市人社局").await?;
    w.user("reporter", qingdan_domain::Role::Reporter, org).await?;
    let reporter = sign_in_as(&router, "reporter").await?;
    let refused = send(&router, post_form(&format!("/imports/{id}/delete"), &reporter, "")?).await?;
    ensure!(refused.status == StatusCode::FORBIDDEN, "{}", refused.status);
    let done = send(&router, post_form(&format!("/imports/{id}/delete"), &cookie, "")?).await?;
    ensure!(done.status == StatusCode::SEE_OTHER && done.location() == "/imports?deleted=1", "{}", done.location());
    let list = send(&router, get(&done.location(), &cookie)?).await?;
    ensure!(list.select("#notice") == ["草稿已删除。"], "{:?}", list.select("#notice"));
    ensure!(w.app.imports(&w.supervisor).await?.is_empty(), "the draft is gone");

    // A published import stays: it is its plan's source.
    let reply = send(&router, post_file("/imports", &cookie, "报告.txt", "text/plain", report.as_bytes())?).await?;
    let id = import_id(&reply)?;
    let publish = send(&router, post_form(&format!("/imports/{id}/publish"), &cookie, "year=2026&title=2026")?).await?;
    ensure!(publish.status == StatusCode::SEE_OTHER, "{}", publish.status);
    let refused = send(&router, post_form(&format!("/imports/{id}/delete"), &cookie, "")?).await?;
    ensure!(refused.status == StatusCode::CONFLICT && refused.body.contains("已发布"), "{}", refused.status);
    ensure!(w.app.imports(&w.supervisor).await?.len() == 1);
    Ok(())
}

/// A sign-in form post from `ip`, as the server sees a socket's peer.
fn login_from(ip: [u8; 4], username: &str, password: &str) -> Result<Request<Body>> {
    let mut request = post_form("/login", "", &format!("username={username}&password={password}"))?;
    let peer = std::net::SocketAddr::from((ip, 40000));
    request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
    Ok(request)
}

async fn brute_force(backend: Backend) -> Result<()> {
    let (w, router) = fixture(backend).await?;
    let attacker = [10, 0, 0, 66];
    // Four wrong passwords: each a plain refusal.
    for _ in 0..4 {
        let reply = send(&router, login_from(attacker, "supervisor", "guess")?).await?;
        ensure!(
            reply.status == StatusCode::UNAUTHORIZED && reply.body.contains("用户名或密码错误"),
            "{}",
            reply.status
        );
    }
    // The fifth locks the account, and says until when.
    let reply = send(&router, login_from(attacker, "supervisor", "guess")?).await?;
    ensure!(reply.status == StatusCode::TOO_MANY_REQUESTS, "{}", reply.status);
    ensure!(reply.body.contains("已锁定") && reply.body.contains("15分钟"), "{}", reply.body);
    // Now even the right password is refused, from anywhere: the account is locked.
    let reply = send(&router, login_from([10, 0, 0, 7], "supervisor", qingdan_testkit::PASSWORD)?).await?;
    ensure!(reply.status == StatusCode::TOO_MANY_REQUESTS, "locked account: {}", reply.status);
    // One account's failures do not lock its address: an office behind one
    // NAT address is many people, and a colleague signs in from it.
    let reply = send(&router, login_from(attacker, "admin", qingdan_testkit::PASSWORD)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "a colleague at the same address: {}", reply.status);
    // Guessing across accounts from one address locks the address at ten accounts' worth (50).
    for n in 0..44 {
        let reply = send(&router, login_from(attacker, &format!("user{n}"), "guess")?).await?;
        ensure!(reply.status == StatusCode::UNAUTHORIZED, "{n}: {}", reply.status);
    }
    let reply = send(&router, login_from(attacker, "user44", "guess")?).await?;
    ensure!(reply.status == StatusCode::TOO_MANY_REQUESTS && reply.body.contains("本机地址"), "{}", reply.status);
    let reply = send(&router, login_from(attacker, "admin", qingdan_testkit::PASSWORD)?).await?;
    ensure!(reply.status == StatusCode::TOO_MANY_REQUESTS && reply.body.contains("本机地址"), "{}", reply.status);
    // The API answers the same, as JSON.
    let body = format!(r#"{{"username":"supervisor","password":"{}"}}"#, qingdan_testkit::PASSWORD);
    let reply = send(&router, post_json("/api/v1/session", "", &body)?).await?;
    ensure!(reply.status == StatusCode::TOO_MANY_REQUESTS && reply.json()?["code"] == "locked", "{}", reply.body);
    // Another account from another address signs in.
    let reply = send(&router, login_from([10, 0, 0, 8], "admin", qingdan_testkit::PASSWORD)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "admin elsewhere: {}", reply.status);
    // The audit trail has each refusal with its source, and the lock.
    let trail = w.app.store().audit_trail(w.tenant, "session", w.supervisor.id.0).await?;
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    ensure!(actions.iter().filter(|a| **a == "sign_in_failed").count() == 5, "{actions:?}");
    ensure!(actions.contains(&"sign_in_refused_locked"), "{actions:?}");
    ensure!(
        trail.iter().any(|e| e.action == "sign_in_failed" && e.source.as_deref() == Some("10.0.0.66")),
        "the source address is recorded"
    );
    // Sixteen minutes on, the lock has passed.
    let later = qingdan_app::App::new(
        w.app.store().clone(),
        qingdan_app::Clock::Fixed(w.app.clock().now() + chrono::Duration::minutes(16)),
    );
    let later = qingdan_web::router(later, Default::default());
    let reply = send(&later, login_from(attacker, "supervisor", qingdan_testkit::PASSWORD)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "after the lock: {} {}", reply.status, reply.body);
    let trail = w.app.store().audit_trail(w.tenant, "session", w.supervisor.id.0).await?;
    ensure!(trail.iter().any(|e| e.action == "sign_in"), "the sign-in is recorded");
    Ok(())
}
