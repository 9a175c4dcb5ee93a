//! 工作日历 pages through the router, on SQLite and PostgreSQL: the admin's page, its forms and
//! warning, and a 403 for everyone else.

use anyhow::{Result, ensure};
use axum::Router;
use axum::http::StatusCode;
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_admin_sees_the_years_holidays_and_make_up_days => page;
    the_page_warns_about_a_year_without_data => warning;
    the_admin_adds_deletes_and_imports_days => edits;
    a_bad_import_is_shown_again_with_the_line_and_nothing_is_saved => bad_import;
    the_page_works_out_a_deadline => check;
    only_the_admin_may_open_or_post_to_the_calendar => forbidden;
}

async fn fixture(backend: Backend, today: &str) -> Result<(World, Router)> {
    let w = World::new(backend, today).await?;
    let org = w.org("市能源局").await?;
    w.user("energy", Role::Reporter, org).await?;
    w.user("mayor", Role::Leader, org).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok((w, router))
}

async fn page(backend: Backend) -> Result<()> {
    let (_w, router) = fixture(backend, "2026-09-30").await?;
    let admin = sign_in_as(&router, "admin").await?;
    let reply = send(&router, get("/admin/calendar?year=2026", &admin)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    let rows = reply.select("#days tbody tr");
    ensure!(
        rows.iter().any(|r| r.contains("2026-10-10") && r.contains("星期六") && r.contains("调休上班")),
        "{rows:?}"
    );
    ensure!(rows.iter().any(|r| r.contains("2026-02-16") && r.contains("放假") && r.contains("春节")), "{rows:?}");
    ensure!(rows.iter().all(|r| r.contains("2026-")), "only 2026");
    // The nav links to it, and the selector offers the known years.
    ensure!(reply.attrs("nav a", "href").iter().any(|h| h == "/admin/calendar"));
    let years = reply.attrs("#year option", "value");
    ensure!(years.first().map(String::as_str) == Some("2020") && years.contains(&"2027".to_owned()), "{years:?}");
    let reply = send(&router, get("/admin/calendar?year=2021", &admin)?).await?;
    ensure!(reply.select("#days tbody tr").iter().any(|r| r.contains("2021-02-07") && r.contains("调休上班")));
    // A year that is not a number is a Chinese 4xx, not a 500.
    let reply = send(&router, get("/admin/calendar?year=abc", &admin)?).await?;
    ensure!(
        reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.body.contains("年份“abc”无效"),
        "{}",
        reply.status
    );
    // The export downloads the file format.
    let reply = send(&router, get("/admin/calendar/export", &admin)?).await?;
    ensure!(reply.status == StatusCode::OK && reply.body.starts_with("start,end,kind,name,region,source\n"));
    ensure!(reply.body.contains("2026-10-01,2026-10-07,holiday,国庆节,,"), "export");
    Ok(())
}

async fn warning(backend: Backend) -> Result<()> {
    let (_w, router) = fixture(backend, "2026-09-30").await?;
    let admin = sign_in_as(&router, "admin").await?;
    let reply = send(&router, get("/admin/calendar", &admin)?).await?;
    let warnings = reply.select(".alert-warning");
    ensure!(warnings.len() == 1 && warnings[0].contains("尚未导入2027年节假日安排，按周一至周五计算"), "{warnings:?}");
    let reply = send(&router, get("/admin/calendar?year=2027", &admin)?).await?;
    ensure!(!reply.select("#no-days").is_empty(), "2027 has no days");
    // Once 2027 is imported the warning goes.
    let form = "year=2026&text=start%2Cend%2Ckind%2Cname%2Cregion%2Csource%0A2027-01-01%2C%2Choliday%2C%E5%85%83%E6%97%A6%2C%2Cx";
    let reply = send(&router, post_form("/admin/calendar/import", &admin, form)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);
    let reply = send(&router, get("/admin/calendar", &admin)?).await?;
    ensure!(reply.select(".alert-warning").is_empty());
    Ok(())
}

async fn edits(backend: Backend) -> Result<()> {
    let (w, router) = fixture(backend, "2026-09-30").await?;
    let admin = sign_in_as(&router, "admin").await?;
    let form = "date=2026-10-12&kind=holiday&name=%E5%8E%BF%E5%BA%86&region=%E9%9D%92%E5%B2%9A&source=";
    let reply = send(&router, post_form("/admin/calendar", &admin, form)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER && reply.location() == "/admin/calendar?year=2026&done=added");
    let reply = send(&router, get(&reply.location(), &admin)?).await?;
    ensure!(reply.select("#notice").concat() == "已保存");
    ensure!(reply.select("#days tbody tr").iter().any(|r| r.contains("2026-10-12") && r.contains("青岚")));
    ensure!(!w.app.calendar(w.tenant).await?.is_working_day("2026-10-12".parse()?));

    let reply = send(&router, post_form("/admin/calendar/delete", &admin, "date=2026-10-10&region=")?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);
    ensure!(!w.app.calendar(w.tenant).await?.is_working_day("2026-10-10".parse()?));
    let reply = send(&router, post_form("/admin/calendar/delete", &admin, "date=2026-10-10&region=")?).await?;
    ensure!(reply.status == StatusCode::NOT_FOUND, "deleting twice: {}", reply.status);

    let file = "start,end,kind,name,region,source\n2027-01-01,2027-01-03,holiday,元旦,,通知\n";
    let form = format!("year=2027&text={}", encode(file));
    let reply = send(&router, post_form("/admin/calendar/import", &admin, &form)?).await?;
    ensure!(reply.location() == "/admin/calendar?year=2027&done=imported-3-0-0-0-0", "{}", reply.location());
    let reply = send(&router, get(&reply.location(), &admin)?).await?;
    ensure!(reply.select("#notice").concat().contains("新增3天"), "{:?}", reply.select("#notice"));
    ensure!(reply.select("#days tbody tr").len() == 3);
    // Bad day input: 422 with the field's message.
    let reply = send(&router, post_form("/admin/calendar", &admin, "date=2026-13-01&kind=holiday&name=x")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY);
    ensure!(reply.select("#error li").concat().contains("日期“2026-13-01”无效"), "{:?}", reply.select("#error li"));
    Ok(())
}

async fn bad_import(backend: Backend) -> Result<()> {
    let (w, router) = fixture(backend, "2026-09-30").await?;
    let admin = sign_in_as(&router, "admin").await?;
    let file = "start,end,kind,name,region,source\n2027-01-01,,holiday,元旦,,通知\n2027-01-32,,holiday,元旦,,通知\n";
    let form = format!("year=2026&text={}", encode(file));
    let reply = send(&router, post_form("/admin/calendar/import", &admin, &form)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    let errors = reply.select("#error li");
    ensure!(errors.len() == 1 && errors[0].starts_with("第3行：开始日期“2027-01-32”无效"), "{errors:?}");
    // The text comes back for correction; nothing was saved.
    ensure!(reply.select("#import-form textarea").concat().contains("2027-01-32"));
    ensure!(!w.app.calendar(w.tenant).await?.has_year(2027));
    Ok(())
}

async fn check(backend: Backend) -> Result<()> {
    let (_w, router) = fixture(backend, "2026-09-30").await?;
    let admin = sign_in_as(&router, "admin").await?;
    let reply = send(&router, get("/admin/calendar?from=2026-09-30&n=3", &admin)?).await?;
    ensure!(
        reply.select("#check-result").concat().contains("2026-10-10（星期六）"),
        "{:?}",
        reply.select("#check-result")
    );
    let reply = send(&router, get("/admin/calendar?from=2026-09-24&n=7&mode=calendar", &admin)?).await?;
    ensure!(reply.select("#check-result").concat().contains("2026-10-08"), "{:?}", reply.select("#check-result"));
    let reply = send(&router, get("/admin/calendar?from=2027-01-01&n=1", &admin)?).await?;
    ensure!(reply.select("#check-result").concat().contains("未确认"), "{:?}", reply.select("#check-result"));
    let reply = send(&router, get("/admin/calendar?from=tomorrow&n=-1", &admin)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.body.contains("起算日期“tomorrow”无效") && reply.body.contains("天数“-1”无效"));
    Ok(())
}

async fn forbidden(backend: Backend) -> Result<()> {
    let (w, router) = fixture(backend, "2026-09-30").await?;
    for username in ["supervisor", "energy", "mayor"] {
        let cookie = sign_in_as(&router, username).await?;
        let reply = send(&router, get("/admin/calendar", &cookie)?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{username}: {}", reply.status);
        let reply = send(&router, get("/admin/calendar/export", &cookie)?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{username} export: {}", reply.status);
        let add = post_form("/admin/calendar", &cookie, "date=2026-10-12&kind=holiday&name=x")?;
        ensure!(send(&router, add).await?.status == StatusCode::FORBIDDEN, "{username} adds");
        let delete = post_form("/admin/calendar/delete", &cookie, "date=2026-10-10&region=")?;
        ensure!(send(&router, delete).await?.status == StatusCode::FORBIDDEN, "{username} deletes");
        let file = encode("start,end,kind,name,region,source\n2027-01-01,,holiday,元旦,,x\n");
        let import = post_form("/admin/calendar/import", &cookie, &format!("text={file}"))?;
        ensure!(send(&router, import).await?.status == StatusCode::FORBIDDEN, "{username} imports");
        let reply = send(&router, get("/plans", &cookie)?).await?;
        ensure!(!reply.attrs("nav a", "href").iter().any(|h| h == "/admin/calendar"), "{username} has no link");
    }
    let cal = w.app.calendar(w.tenant).await?;
    ensure!(cal.is_working_day("2026-10-12".parse()?) && cal.is_working_day("2026-10-10".parse()?));
    ensure!(!cal.has_year(2027));
    // Without a session: to the sign-in page.
    let reply = send(&router, get("/admin/calendar", "")?).await?;
    ensure!(
        reply.status == StatusCode::SEE_OTHER && reply.location() == "/login?next=%2Fadmin%2Fcalendar",
        "{} {}",
        reply.status,
        reply.location()
    );
    Ok(())
}

/// Percent-encodes a form value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}
