//! Accounts through the pages, on both engines: an admin resets a password
//! and the user is held on 修改密码 (pages redirect, the API answers 403)
//! until they set their own; errors show on the form; a reporter cannot reach
//! the admin's actions.

use anyhow::{Context, Result, ensure};
use axum::http::{StatusCode, header};
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    a_reset_user_is_held_on_the_password_page_until_they_change_it => reset_then_change;
    the_admins_account_actions_are_refused_to_everyone_else => refused;
    only_the_security_admin_disables_an_administrators_account => administrators_accounts;
}

async fn sign_in_with(router: &axum::Router, username: &str, password: &str) -> Result<String> {
    let form = format!("username={username}&password={}", password.replace('#', "%23"));
    let reply = send(router, post_form("/login", "", &form)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "login {username}: {}", reply.status);
    let set = reply.headers.get(header::SET_COOKIE).context("no cookie")?.to_str()?;
    Ok(set.split(';').next().unwrap_or_default().to_owned())
}

async fn reset_then_change(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let org = w.org("市发改委").await?;
    let wu = w.user("fgw.wu", Role::Reporter, org).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let admin = sign_in_as(&router, "security").await?;

    let path = format!("/security/users/{}/password", wu.id.0);
    let weak = send(&router, post_form(&path, &admin, "password=weak")?).await?;
    ensure!(weak.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", weak.status);
    ensure!(weak.select("#reset-password .field-error").concat().contains("密码长度"), "the error is on the form");
    let reset = send(&router, post_form(&path, &admin, "password=Linshi%232026")?).await?;
    ensure!(reset.location() == "/security/users?done=reset", "{}", reset.location());
    let list = send(&router, get(&reset.location(), &admin)?).await?;
    ensure!(list.select("#done").concat().contains("密码已重置"), "the list says what was done");

    let cookie = sign_in_with(&router, "fgw.wu", "Linshi#2026").await?;
    let page = send(&router, get("/my", &cookie)?).await?;
    ensure!(page.status == StatusCode::SEE_OTHER && page.location() == "/account/password", "{}", page.status);
    let api = send(&router, get("/api/v1/plans", &cookie)?).await?;
    ensure!(api.status == StatusCode::FORBIDDEN && api.json()?["code"] == "password_change_required", "{}", api.body);
    let form = send(&router, get("/account/password", &cookie)?).await?;
    ensure!(form.status == StatusCode::OK && !form.select("#forced").is_empty(), "{}", form.status);
    ensure!(!form.select("nav #who").is_empty(), "the page has the layout and menu");

    let mismatch = "current_password=Linshi%232026&password=Xinmima%232026&password_again=Xinmima%232027";
    let reply = send(&router, post_form("/account/password", &cookie, mismatch)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#password-form .field-error").concat().contains("不一致"), "{}", reply.body);
    let good = "current_password=Linshi%232026&password=Xinmima%232026&password_again=Xinmima%232026";
    let reply = send(&router, post_form("/account/password", &cookie, good)?).await?;
    ensure!(reply.location() == "/account/password?done=password", "{}", reply.location());
    let done = send(&router, get(&reply.location(), &cookie)?).await?;
    ensure!(done.select("#done").concat().contains("密码已修改"));
    ensure!(send(&router, get("/my", &cookie)?).await?.status == StatusCode::OK, "the reporter works again");
    Ok(())
}

/// 三员分立: the system administrator's page of the auditor offers no 停用
/// and says who does; the security administrator's does, and it works.
async fn administrators_accounts(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let (admin, security) = (sign_in_as(&router, "admin").await?, sign_in_as(&router, "security").await?);
    let auditor = w.auditor.id.0;

    let page = send(&router, get(&format!("/admin/users/{auditor}"), &admin)?).await?;
    ensure!(page.select("#user-active").is_empty(), "no 停用 for the system administrator");
    ensure!(page.select("#user-active-note").concat().contains("安全管理员"), "{}", page.body);
    let refused = send(&router, post_form(&format!("/admin/users/{auditor}/active"), &admin, "active=0")?).await?;
    ensure!(refused.status == StatusCode::CONFLICT, "{}", refused.status);
    ensure!(refused.body.contains("三员分立") && !refused.select("nav #who").is_empty(), "{}", refused.body);
    ensure!(w.app.user(&w.security, w.auditor.id).await?.is_active, "the auditor stays active");

    let path = format!("/security/users/{auditor}/active");
    let page = send(&router, get(&format!("/security/users/{auditor}"), &security)?).await?;
    ensure!(page.select(&format!("#user-active[action='{path}']")).len() == 1, "{}", page.body);
    // A new role holds at once (the session stays, read afresh): the question says so.
    let asks = page.attrs("#user-role", "data-confirm");
    ensure!(asks.len() == 1 && asks[0].contains("立即生效") && !asks[0].contains("退出"), "{asks:?}");
    let own = send(&router, get(&format!("/security/users/{}", w.security.id.0), &security)?).await?;
    ensure!(own.select("#user-active").is_empty(), "not on one's own page");
    let done = send(&router, post_form(&path, &security, "active=0")?).await?;
    ensure!(done.location() == "/security/users?done=disabled", "{}", done.location());
    ensure!(!w.app.user(&w.security, w.auditor.id).await?.is_active, "the security administrator disabled it");
    Ok(())
}

async fn refused(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let org = w.org("市发改委").await?;
    let wu = w.user("fgw.wu", Role::Reporter, org).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let reporter = sign_in_as(&router, "fgw.wu").await?;
    let supervisor = sign_in_as(&router, "supervisor").await?;
    let (admin, security, auditor) = (
        sign_in_as(&router, "admin").await?,
        sign_in_as(&router, "security").await?,
        sign_in_as(&router, "auditor").await?,
    );
    let before = w.app.store().audit_count(w.tenant).await?;
    let systems = [
        (format!("/admin/users/{}", w.admin.id.0), "display_name=x&role=reporter&org_id=1".to_owned()),
        (format!("/admin/users/{}/active", wu.id.0), "active=0".to_owned()),
        (format!("/admin/orgs/{}/active", org.0), "active=0".to_owned()),
        (format!("/admin/orgs/{}/merge", org.0), format!("into={}", w.admin.org_id.0)),
    ];
    let securitys = [
        (format!("/security/users/{}/password", w.admin.id.0), "password=Linshi%232026".to_owned()),
        (format!("/security/users/{}/role", wu.id.0), "role=admin".to_owned()),
        (
            "/security".to_owned(),
            "max_failures=20&lock_minutes=1&idle_minutes=1440&max_sessions=20&password_max_days=0".to_owned(),
        ),
        ("/security/unlock".to_owned(), "key=user:fgw.wu".to_owned()),
    ];
    // 三员分立: each administrator is refused the others' duties, as everyone else is.
    let refusals = [
        (&reporter, systems.iter().chain(&securitys).collect::<Vec<_>>()),
        (&supervisor, systems.iter().chain(&securitys).collect()),
        (&auditor, systems.iter().chain(&securitys).collect()),
        (&admin, securitys.iter().collect()),
        (&security, systems.iter().collect()),
    ];
    let mut refused = 0;
    for (cookie, paths) in refusals {
        for (path, form) in paths {
            let reply = send(&router, post_form(path, cookie, form)?).await?;
            ensure!(reply.status == StatusCode::FORBIDDEN, "{path}: {}", reply.status);
            refused += 1;
        }
    }
    for cookie in [&reporter, &supervisor, &auditor] {
        let page = send(&router, get(&format!("/admin/users/{}", wu.id.0), cookie)?).await?;
        ensure!(page.status == StatusCode::FORBIDDEN, "the user page: {}", page.status);
        refused += 1;
    }
    ensure!(w.app.store().audit_count(w.tenant).await? == before, "nothing was changed");
    let query = qingdan_storage::AuditQuery { action: Some("forbidden".into()), limit: 1000, ..Default::default() };
    let recorded = w.app.store().audit_search(w.tenant, &query).await?;
    ensure!(recorded.len() == refused, "every refusal is in the audit trail: {} of {refused}", recorded.len());
    ensure!(recorded.iter().all(|r| r.event.outcome == qingdan_domain::Outcome::Refused && r.event.user_id.is_some()));
    ensure!(w.app.login("admin", qingdan_testkit::PASSWORD).await.is_ok(), "the admin's password stands");
    Ok(())
}
