//! API tokens through the router, on both engines: made on 账号 → API 令牌
//! and shown once, stored only as a hash, scoped (a read token reads and
//! may not write; a report token submits reports and may not review),
//! bounded by the owner's rights, audited on use, and dead once revoked.

mod common;

use anyhow::{Context, Result, ensure};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{get, post_form, send, sign_in_as};
use qingdan_domain::Role;
use qingdan_storage::AuditQuery;
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    a_token_acts_within_its_scope_and_its_owners_rights_until_revoked => scoped;
    the_token_list_shows_beijing_time => beijing_times;
    the_form_offers_the_scopes_of_the_role_and_a_revoke_says_so => offered_scopes;
}

fn bearer(method: &str, path: &str, token: &str, json: Option<&str>) -> Result<Request<Body>> {
    let builder = Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
    Ok(match json {
        Some(body) => builder.header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_owned()))?,
        None => builder.body(Body::empty())?,
    })
}

async fn make(router: &axum::Router, cookie: &str, name: &str, scope: &str) -> Result<String> {
    let page = send(router, post_form("/account/tokens", cookie, &format!("name={name}&scope={scope}"))?).await?;
    ensure!(page.status == StatusCode::OK, "{}: {}", page.status, page.body);
    page.select("#token").first().map(|t| t.trim().to_owned()).context("the token is shown once")
}

async fn scoped(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-23").await?;
    let reform = w.org("市发改委").await?;
    let transport = w.org("市交通局").await?;
    let plan = w.plan().await?;
    let own = w.task(plan, "重大项目前期工作", reform, &[], None).await?;
    let other = w.task(plan, "农村公路改造", transport, &[], None).await?;
    w.user("fgw.wu", Role::Reporter, reform).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let wu = sign_in_as(&router, "fgw.wu").await?;

    let refused = send(&router, post_form("/account/tokens", &wu, "name=&scope=review")?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(
        refused.body.contains("只有督查员可以创建审核权限的令牌") && refused.body.contains("令牌名称不能为空"),
        "{}",
        refused.body
    );
    let read = make(&router, &wu, "共享平台", "read").await?;
    let report = make(&router, &wu, "钉钉小程序", "report").await?;
    let again = send(&router, get("/account/tokens", &wu)?).await?;
    ensure!(again.select("#token").is_empty() && !again.body.contains(&read), "a token is never shown again");

    // Read: the owner's tasks, not another org's; no writes.
    let mine = send(&router, bearer("GET", &format!("/api/v1/tasks/{}", own.0), &read, None)?).await?;
    ensure!(mine.status == StatusCode::OK, "{}: {}", mine.status, mine.body);
    let theirs = send(&router, bearer("GET", &format!("/api/v1/tasks/{}", other.0), &read, None)?).await?;
    ensure!(theirs.status == StatusCode::FORBIDDEN, "the owner's rights bound the token: {}", theirs.status);
    let body = r#"{"period": "2026-02", "percent_done": "30", "narrative": "按计划推进"}"#;
    let path = format!("/api/v1/tasks/{}/reports", own.0);
    let write = send(&router, bearer("POST", &path, &read, Some(body))?).await?;
    ensure!(write.status == StatusCode::FORBIDDEN, "a read token may not write: {}", write.status);
    let said = write.json()?;
    ensure!(said["code"] == "out_of_scope", "{said}");
    ensure!(said["message"].as_str().is_some_and(|m| m.contains("权限为“只读”")), "the refusal says the scope: {said}");
    let submitted = send(&router, bearer("POST", &path, &report, Some(body))?).await?;
    ensure!(submitted.status.is_success(), "{}: {}", submitted.status, submitted.body);
    let id = submitted.json()?["id"].as_i64().context("report id")?;
    let review = send(
        &router,
        bearer("POST", &format!("/api/v1/reports/{id}/review"), &report, Some(r#"{"decision": "accept"}"#))?,
    )
    .await?;
    ensure!(review.status == StatusCode::FORBIDDEN, "a report token may not review: {}", review.status);
    let forged = send(&router, bearer("GET", "/api/v1/plans", "qdt_not-a-token", None)?).await?;
    ensure!(forged.status == StatusCode::UNAUTHORIZED, "{}", forged.status);

    // Hashed at rest; every use audited.
    let trail = w
        .app
        .store()
        .audit_search(w.tenant, &AuditQuery { entity: Some("api_token".into()), limit: 50, ..Default::default() })
        .await?;
    ensure!(trail.iter().filter(|e| e.event.action == "create").count() == 2);
    ensure!(trail.iter().any(|e| e.event.action == "use"), "a use is audited");
    ensure!(
        !trail.iter().any(|e| e.event.after.as_deref().unwrap_or("").contains(&read[4..])),
        "no token in the trail"
    );

    // Revoked: dead at once.
    let page = send(&router, get("/account/tokens", &wu)?).await?;
    let ids = page.attrs("#tokens tr[data-token]", "data-token");
    ensure!(ids.len() == 2, "{ids:?}");
    for id in &ids {
        let revoked = send(&router, post_form(&format!("/account/tokens/{id}/revoke"), &wu, "")?).await?;
        ensure!(revoked.status == StatusCode::SEE_OTHER, "{}", revoked.status);
    }
    let dead = send(&router, bearer("GET", "/api/v1/plans", &read, None)?).await?;
    ensure!(dead.status == StatusCode::UNAUTHORIZED, "a revoked token is refused: {}", dead.status);
    let said = dead.json()?;
    ensure!(
        said["code"] == "token_refused" && said["message"].as_str().is_some_and(|m| m.contains("已吊销")),
        "{said}"
    );
    let admin = sign_in_as(&router, "admin").await?;
    ensure!(
        send(&router, get("/account/tokens", &admin)?).await?.status == StatusCode::FORBIDDEN,
        "no tokens for the 三员"
    );
    Ok(())
}

/// The clock stands at 04:00 UTC, noon in Beijing: the list says 12:00.
async fn beijing_times(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-23").await?;
    let reform = w.org("市发改委").await?;
    w.user("fgw.wu", Role::Reporter, reform).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let wu = sign_in_as(&router, "fgw.wu").await?;
    let token = make(&router, &wu, "共享平台", "read").await?;
    send(&router, bearer("GET", "/api/v1/plans", &token, None)?).await?;
    let page = send(&router, get("/account/tokens", &wu)?).await?;
    let row = page.select("#tokens tr[data-token]").concat();
    ensure!(row.matches("2026-03-23 12:00").count() == 2, "created and last used, Beijing time: {row}");
    Ok(())
}

fn offered(page: &common::Reply) -> Vec<String> {
    page.attrs("#scope option", "value")
}

async fn offered_scopes(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-23").await?;
    let reform = w.org("市发改委").await?;
    w.user("fgw.wu", Role::Reporter, reform).await?;
    w.user("mayor", Role::Leader, w.supervisor.org_id).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    for (who, scopes) in
        [("fgw.wu", ["read", "report"].as_slice()), ("supervisor", &["read", "review"]), ("mayor", &["read"])]
    {
        let cookie = sign_in_as(&router, who).await?;
        let page = send(&router, get("/account/tokens", &cookie)?).await?;
        ensure!(offered(&page) == scopes, "{who}: {:?}", offered(&page));
    }
    let wu = sign_in_as(&router, "fgw.wu").await?;
    let refused = send(&router, post_form("/account/tokens", &wu, "name=ci&scope=review")?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(refused.select("#token-form .field-error").concat().contains("只有督查员可以创建审核权限的令牌"));
    ensure!(offered(&refused) == ["read", "report"], "the form again offers the role's scopes");
    make(&router, &wu, "共享平台", "read").await?;
    let page = send(&router, get("/account/tokens", &wu)?).await?;
    let id = page.attrs("#tokens tr[data-token]", "data-token").concat();
    let revoked = send(&router, post_form(&format!("/account/tokens/{id}/revoke"), &wu, "")?).await?;
    ensure!(revoked.location() == "/account/tokens" && common::flash(&revoked).contains("令牌已吊销"));
    let set = revoked.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let flash = set.split(';').next().unwrap_or_default();
    let next = send(&router, get("/account/tokens", &format!("{wu}; {flash}"))?).await?;
    ensure!(next.select("main #flash").concat().contains("令牌已吊销"), "said on the list: {}", next.body);
    Ok(())
}
