//! The 三员's pages, on both engines: each administrator lands on their own
//! page and is refused the list; the audit administrator filters the trail,
//! exports it (a download recorded like every other) and verifies the chain;
//! the security administrator's policy form keeps what was typed when
//! refused and says what it did when saved.

mod common;

use anyhow::{Result, ensure};
use axum::http::{StatusCode, header};
use common::{get, post_form, send, sign_in_as};
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

on_both_engines! {
    each_administrator_lands_on_their_own_page_and_not_on_the_list => landing;
    the_auditor_filters_exports_and_verifies_the_trail => trail;
    the_security_administrator_sets_the_policy_on_a_form => policy;
}

async fn landing(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    for (user, home, nav) in [
        ("admin", "/admin/users", "人员管理"),
        ("security", "/security", "安全策略"),
        ("auditor", "/audit", "审计记录"),
    ] {
        let cookie = sign_in_as(&router, user).await?;
        let root = send(&router, get("/", &cookie)?).await?;
        ensure!(root.location() == home, "{user}: {}", root.location());
        let page = send(&router, get(home, &cookie)?).await?;
        ensure!(page.status == StatusCode::OK, "{user} {home}: {}", page.status);
        let links = page.select("nav .nav-link");
        ensure!(links.iter().any(|l| l == nav) && !links.iter().any(|l| l == "计划清单"), "{user}: {links:?}");
        for path in ["/plans", "/reviews", "/assignments", "/api/v1/plans"] {
            let refused = send(&router, get(path, &cookie)?).await?;
            ensure!(refused.status == StatusCode::FORBIDDEN, "{user} {path}: {}", refused.status);
        }
    }
    let supervisor = sign_in_as(&router, "supervisor").await?;
    for path in ["/audit", "/security", "/security/users"] {
        ensure!(send(&router, get(path, &supervisor)?).await?.status == StatusCode::FORBIDDEN, "{path}");
    }
    Ok(())
}

async fn trail(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let org = w.org("市发改委").await?;
    w.user("fgw.wu", Role::Reporter, org).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let reporter = sign_in_as(&router, "fgw.wu").await?;
    ensure!(send(&router, get("/admin/users", &reporter)?).await?.status == StatusCode::FORBIDDEN);
    let wrong = send(&router, post_form("/login", "", "username=fgw.wu&password=Cuowu%230000")?).await?;
    ensure!(wrong.status == StatusCode::UNAUTHORIZED);
    let template = send(&router, get("/ledgers/tasks/template.xlsx", &reporter)?).await?;
    ensure!(template.status == StatusCode::OK, "{}", template.status);

    let auditor = sign_in_as(&router, "auditor").await?;
    let page = send(&router, get("/audit?action=forbidden", &auditor)?).await?;
    ensure!(page.attrs("#audit tr[data-action]", "data-action") == ["forbidden"], "{}", page.body);
    ensure!(page.select("#audit tbody").concat().contains("fgw.wu"), "who tried is named");
    // What a row is about is in words, not the stored code (request → 访问请求).
    let about = page.select("#audit td[data-entity='request']").concat();
    ensure!(about.starts_with("访问请求") && !about.contains("request"), "{about}");
    let page = send(&router, get("/audit?action=sign_in_failed", &auditor)?).await?;
    ensure!(page.select("#audit tbody td").iter().any(|t| t == "失败"), "{:?}", page.select("#audit tbody"));
    let page = send(&router, get("/audit?action=download", &auditor)?).await?;
    ensure!(page.select("#audit tbody").concat().contains("template.xlsx"), "the download is recorded");
    let bad = send(&router, get("/audit?from=2026-13-01", &auditor)?).await?;
    ensure!(bad.status == StatusCode::UNPROCESSABLE_ENTITY && bad.body.contains("开始日期"), "{}", bad.status);
    ensure!(!bad.select("nav #who").is_empty(), "the error page has the layout and menu");

    let export = send(&router, get("/audit/export.xlsx?action=forbidden", &auditor)?).await?;
    ensure!(export.status == StatusCode::OK, "{}", export.status);
    let disposition = export.headers.get(header::CONTENT_DISPOSITION).map(|v| v.to_str().unwrap_or_default());
    ensure!(disposition.is_some_and(|d| d.starts_with("attachment")), "{disposition:?}");
    ensure!(export.headers.get(header::CACHE_CONTROL).is_some_and(|v| v == "no-store"));
    let sheet = qingdan_office::read_xlsx_rows(&export.bytes)?;
    ensure!(sheet.len() == 3 && sheet[2][6] == "越权访问（403）" && sheet[2][7] == "拒绝", "{sheet:?}");
    let page = send(&router, get("/audit?action=download", &auditor)?).await?;
    ensure!(page.select("#audit tbody").concat().contains("audit_export"), "the export itself is recorded");
    // With the filter it was asked, field by field in words, not as code.
    let after = page.select("#audit tbody .after div").join("\n");
    ensure!(
        after.contains("筛选条件：{\"action\":\"forbidden\"}")
            && after.contains("行数：1")
            && after.contains("请求：GET"),
        "{after}"
    );
    ensure!(!after.contains("AuditFilter"), "{after}");

    // A change made through a page carries the address it came from.
    let admin = sign_in_as(&router, "admin").await?;
    let mut create = post_form("/admin/orgs", &admin, "name=%E5%B8%82%E5%AE%A1%E8%AE%A1%E5%B1%80&kind=department")?;
    create.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([10, 9, 8, 7], 40000))));
    ensure!(send(&router, create).await?.status == StatusCode::SEE_OTHER);
    let org = w.app.orgs(&w.admin).await?.into_iter().find(|o| o.name == "市审计局").map(|o| o.id.0);
    let trail = w.app.store().audit_trail(w.tenant, "org", org.unwrap_or_default()).await?;
    ensure!(trail.len() == 1 && trail[0].source.as_deref() == Some("10.9.8.7"), "{trail:?}");

    let verified = send(&router, get("/audit?verify=1", &auditor)?).await?;
    ensure!(verified.select("#chain-ok").concat().contains("完整性校验通过"), "{}", verified.body);
    Ok(())
}

async fn policy(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let security = sign_in_as(&router, "security").await?;
    let form = send(&router, get("/security", &security)?).await?;
    ensure!(form.attrs("#max_failures", "value") == ["5"], "the policy in force is shown");
    let bad = "max_failures=0&lock_minutes=15&idle_minutes=30&max_sessions=3&password_max_days=abc";
    let refused = send(&router, post_form("/security", &security, bad)?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(refused.select("#policy .field-error").concat().contains("连续失败次数应为1至20"), "{}", refused.body);
    ensure!(refused.attrs("#password_max_days", "value") == ["abc"], "what was typed is kept");
    let good = "max_failures=3&lock_minutes=20&idle_minutes=15&max_sessions=2&password_max_days=90";
    let saved = send(&router, post_form("/security", &security, good)?).await?;
    ensure!(saved.location() == "/security?done=policy", "{}", saved.location());
    let shown = send(&router, get(&saved.location(), &security)?).await?;
    ensure!(shown.select("#done").concat().contains("安全策略已保存"));
    ensure!(shown.attrs("#max_failures", "value") == ["3"] && shown.attrs("#password_max_days", "value") == ["90"]);
    for _ in 0..3 {
        send(&router, post_form("/login", "", "username=supervisor&password=Cuowu%230000")?).await?;
    }
    let locks = send(&router, get("/security", &security)?).await?;
    ensure!(locks.attrs("#locks tr[data-lock]", "data-lock") == ["user:supervisor"], "{}", locks.body);
    let unlocked = send(&router, post_form("/security/unlock", &security, "key=user%3Asupervisor")?).await?;
    ensure!(unlocked.location() == "/security?done=unlocked", "{}", unlocked.location());
    sign_in_as(&router, "supervisor").await?;
    Ok(())
}
