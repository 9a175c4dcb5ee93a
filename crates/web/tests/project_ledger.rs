//! 导入项目台账 through the router, on SQLite and PostgreSQL: the upload is
//! shown first (the projects it registers, each field it changes from what to
//! what, the rows it refuses with their row numbers) and nothing is written;
//! 确认导入 writes what was shown and says how much; a reporter or a leader
//! may neither preview nor confirm; a register changed since the preview is
//! said, and nothing is written.

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_app::OrgInput;
use qingdan_app::projects::ProjectInput;
use qingdan_domain::{Decimal, ProjectId, Role};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_preview_names_what_changes_and_writes_nothing => preview;
    confirming_writes_what_was_shown_and_says_how_much => confirm;
    a_reporter_or_a_leader_may_neither_preview_nor_confirm => rights;
    a_project_changed_since_the_preview_is_said_and_nothing_is_written => changed_meanwhile;
    a_file_of_refused_rows_only_offers_no_confirmation => all_refused;
}

struct City {
    w: World,
    router: Router,
    project: ProjectId,
}

async fn city(backend: Backend) -> Result<City> {
    let w = World::new(backend, "2026-07-01").await?;
    let district = OrgInput { name: "东城区".into(), kind: "district".into(), parent_id: None, sort_order: None };
    let east = w.app.create_org(&w.admin, &district).await?.id;
    let steel = w.org("东城特钢有限公司").await?;
    let other = w.org("市文旅局").await?;
    w.user("owner", Role::Reporter, steel).await?;
    w.user("mayor", Role::Leader, other).await?;
    let input = ProjectInput {
        name: "特钢技改".into(),
        nature: "新建".into(),
        category: "产业".into(),
        county_org_id: east.0.to_string(),
        owner_org_id: steel.0.to_string(),
        total_investment: "120000".into(),
        year: "2026".into(),
        year_plan: "40000".into(),
        planned_start: "2026-02-01".into(),
        actual_start: "2026-02-20".into(),
        stage: "在建".into(),
        level: "市重点".into(),
        ..ProjectInput::default()
    };
    let project = w.app.create_project(&w.supervisor, &input).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(City { w, router, project })
}

const HEADER: [&str; 5] = ["项目名称", "业主单位", "总投资（万元）", "项目阶段", "项目级别"];

/// A ledger of these rows under [`HEADER`] (row 1).
fn ledger(rows: &[[&str; 5]]) -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in std::iter::once(&HEADER).chain(rows).enumerate() {
        for (col, text) in row.iter().enumerate() {
            sheet.write_string(r as u32, col as u16, *text)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

/// 特钢技改's 总投资 120000 → 130000 (row 2), 东城冷链中心 new (row 3), and
/// row 4 refused: its 业主单位 is no org.
fn mixed() -> Result<Vec<u8>> {
    ledger(&[
        ["特钢技改", "东城特钢有限公司", "130000", "在建", "市重点"],
        ["东城冷链中心", "东城特钢有限公司", "5000", "谋划", "市重点"],
        ["东城光伏电站", "不存在的公司", "8000", "谋划", "市重点"],
    ])
}

async fn upload(c: &City, who: &str, bytes: &[u8]) -> Result<Reply> {
    send(&c.router, post_file("/projects/import", who, "东城区台账.xlsx", "application/octet-stream", bytes)?).await
}

async fn confirm_with(c: &City, who: &str, token: &str) -> Result<Reply> {
    send(&c.router, post_form("/projects/import/confirm", who, &format!("token={token}"))?).await
}

fn token_of(preview: &Reply) -> String {
    preview.attrs("#confirm-form input[name=token]", "value").concat()
}

/// How many projects there are, and 特钢技改's 总投资.
async fn register(c: &City) -> Result<(i64, Decimal)> {
    let office = &c.w.supervisor;
    let total = c.w.app.project_list(office, &Default::default()).await?.total;
    Ok((total, c.w.app.project(office, c.project).await?.fields.total_investment))
}

async fn preview(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let shown = upload(&c, &office, &mixed()?).await?;
    ensure!(shown.status == StatusCode::OK, "{}: {}", shown.status, shown.body);
    ensure!(!shown.select("nav").is_empty(), "the preview is in the layout with the menu");
    let summary = shown.select("#preview-summary").concat();
    ensure!(summary.contains("新登记项目1个") && summary.contains("更新项目1个"), "{summary}");
    ensure!(summary.contains("1行有错误"), "{summary}");
    ensure!(shown.select("#preview-created .name") == ["东城冷链中心"], "{:?}", shown.select("#preview-created .name"));
    let changed = |css: &str| shown.select(&format!("#preview-changed {css}"));
    ensure!(changed(".name") == ["特钢技改"], "{:?}", changed(".name"));
    ensure!(changed(".field") == ["总投资（万元）"], "only the one field changes: {:?}", changed(".field"));
    ensure!(changed(".before") == ["120000"] && changed(".after") == ["130000"], "{:?}", changed("tbody tr"));
    ensure!(shown.select("#preview-refused .row-number") == ["4"], "{:?}", shown.select("#preview-refused tr"));
    let reason = shown.select("#preview-refused li").concat();
    ensure!(reason.contains("第 4 行") && reason.contains("“不存在的公司”不是已有单位"), "{reason}");
    ensure!(!token_of(&shown).is_empty() && shown.select("#confirm-form a") == ["取消"]);
    ensure!(register(&c).await? == (1, Decimal::from(120_000)), "the preview wrote nothing");
    Ok(())
}

async fn confirm(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let token = token_of(&upload(&c, &office, &mixed()?).await?);
    let done = confirm_with(&c, &office, &token).await?;
    ensure!(done.status == StatusCode::SEE_OTHER, "{}: {}", done.status, done.body);
    let said = flash(&done);
    ensure!(said.contains("新登记1个项目，更新1个项目；1行有错误，未导入"), "{said}");
    ensure!(register(&c).await? == (2, Decimal::from(130_000)), "{:?}", register(&c).await?);
    let again = confirm_with(&c, &office, &token).await?;
    ensure!(again.status == StatusCode::UNPROCESSABLE_ENTITY, "a preview is confirmed once: {}", again.status);
    ensure!(again.select("#faults li").concat().contains("预览已过期"), "{:?}", again.select("#faults li"));
    ensure!(register(&c).await?.0 == 2);
    Ok(())
}

async fn rights(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let token = token_of(&upload(&c, &office, &mixed()?).await?);
    for name in ["owner", "mayor"] {
        let who = sign_in_as(&c.router, name).await?;
        ensure!(upload(&c, &who, &mixed()?).await?.status == StatusCode::FORBIDDEN, "{name} previews");
        ensure!(confirm_with(&c, &who, &token).await?.status == StatusCode::FORBIDDEN, "{name} confirms");
    }
    ensure!(register(&c).await? == (1, Decimal::from(120_000)), "nothing written");
    let done = confirm_with(&c, &office, &token).await?;
    ensure!(done.status == StatusCode::SEE_OTHER, "the office's preview still stands: {}", done.status);
    Ok(())
}

async fn changed_meanwhile(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let token = token_of(&upload(&c, &office, &mixed()?).await?);
    let app = &c.w.app;
    let now = app.project(&c.w.supervisor, c.project).await?;
    let edited = ProjectInput { total_investment: "125000".into(), ..ProjectInput::from_fields(&now.fields) };
    app.update_project(&c.w.supervisor, c.project, &edited).await?;
    let refused = confirm_with(&c, &office, &token).await?;
    ensure!(refused.status == StatusCode::CONFLICT, "{}: {}", refused.status, refused.body);
    let said = refused.select("#faults li").concat();
    ensure!(said.contains("预览之后") && said.contains("特钢技改") && said.contains("重新上传"), "{said}");
    ensure!(register(&c).await? == (1, Decimal::from(125_000)), "nothing of the file written");
    Ok(())
}

async fn all_refused(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let bad = ledger(&[["东城光伏电站", "不存在的公司", "八千", "谋划", "市重点"]])?;
    let shown = upload(&c, &office, &bad).await?;
    ensure!(shown.status == StatusCode::OK, "{}", shown.status);
    ensure!(shown.select("#preview-refused .row-number") == ["2"], "{:?}", shown.select("#preview-refused tr"));
    ensure!(shown.select("#preview-refused li").len() == 2, "both faults: {:?}", shown.select("#preview-refused li"));
    ensure!(shown.select("#confirm-form").is_empty() && !shown.select("#nothing").is_empty());
    ensure!(register(&c).await?.0 == 1);
    Ok(())
}
