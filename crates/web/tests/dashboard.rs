//! The battle map page through the router, on SQLite and PostgreSQL.

use anyhow::{Result, ensure};
use axum::http::StatusCode;
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_battle_map_page_carries_its_figures_and_the_red_list => page;
    the_bulletin_file_names_its_maker_and_when_it_was_made => bulletin_properties;
}

async fn page(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let org = w.org("市住建局</script>").await?;
    w.user("zjj", Role::Reporter, org).await?;
    w.user("mayor", Role::Leader, org).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "改造老旧小区120个", org, &[], None).await?;
    w.app.refresh_lights(w.tenant).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());

    let mayor = sign_in_as(&router, "mayor").await?;
    let reply = send(&router, get("/map", &mayor)?).await?;
    ensure!(reply.location() == format!("/plans/{plan}/map"), "/map opens the newest plan: {}", reply.location());
    let reply = send(&router, get(&format!("/plans/{plan}/map"), &mayor)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.select("[data-chart]").len() == 5, "five charts");
    ensure!(reply.attrs("script[src]", "src").iter().any(|s| s == "/assets/vendor/echarts.min.js"));
    // Nothing reported at mid-year: the task is red and on the list.
    let red = reply.attrs("#red-list tr[data-task]", "data-task");
    ensure!(red == [task.0.to_string()], "{red:?}");
    // The list holds red and overdue tasks alike, and its heading says so.
    let heading = reply.select(".red-list h2").concat();
    ensure!(heading == "红灯和逾期任务（1）", "{heading}");
    let data = reply.select("#dashboard-data").concat();
    ensure!(!data.contains("</script>"), "an org's name cannot close the script");
    let figures: serde_json::Value = serde_json::from_str(&data)?;
    ensure!(figures["totals"]["red"] == 1, "{figures}");
    ensure!(figures["orgs"][0]["name"] == "市住建局</script>", "{figures}");

    let echarts = send(&router, get("/assets/vendor/echarts.min.js", &mayor)?).await?;
    ensure!(echarts.status == StatusCode::OK && echarts.bytes.len() > 1_000_000, "ECharts is embedded");

    let docx = send(&router, get(&format!("/plans/{plan}/bulletin.docx?period=2026-06"), &mayor)?).await?;
    ensure!(docx.status == StatusCode::OK, "{}", docx.status);
    let disposition = docx.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    ensure!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    ensure!(qingdan_office::docx_text(&docx.bytes)?.contains("2026年6月"), "the bulletin reads back");
    let bad = send(&router, get(&format!("/plans/{plan}/bulletin.docx?period=2026-13"), &mayor)?).await?;
    ensure!(bad.status.is_client_error() && bad.body.contains("不是有效的报送期"), "{} {}", bad.status, bad.body);

    let reporter = sign_in_as(&router, "zjj").await?;
    let refused = send(&router, get(&format!("/plans/{plan}/map"), &reporter)?).await?;
    ensure!(refused.status == StatusCode::FORBIDDEN, "{}", refused.status);
    let missing = send(&router, get("/plans/999999/map", &mayor)?).await?;
    ensure!(missing.status == StatusCode::NOT_FOUND, "{}", missing.status);
    Ok(())
}

/// The downloaded 通报's properties (docProps/core.xml): its author is the
/// issuing office, its dates the time it was made (the clock: noon in Beijing).
async fn bulletin_properties(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-07-01").await?;
    let org = w.org("市住建局").await?;
    let plan = w.plan().await?;
    w.task(plan, "改造老旧小区120个", org, &[], None).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let office = sign_in_as(&router, "supervisor").await?;
    let docx = send(&router, get(&format!("/plans/{plan}/bulletin.docx?period=2026-06"), &office)?).await?;
    ensure!(docx.status == StatusCode::OK, "{}", docx.status);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx.bytes))?;
    let mut core = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("docProps/core.xml")?, &mut core)?;
    let issuer = w.app.org(&w.supervisor, w.supervisor.org_id).await?.name;
    ensure!(core.contains(&format!("<dc:creator>{issuer}</dc:creator>")), "{core}");
    ensure!(core.contains(">2026-07-01T04:00:00Z</dcterms:created>"), "{core}");
    ensure!(core.contains(">2026-07-01T04:00:00Z</dcterms:modified>") && !core.contains("1970"), "{core}");
    Ok(())
}
