//! 考核排名 through the router, on SQLite and PostgreSQL: the office defines
//! a scheme through the form (a bad document comes back as typed, with its
//! fault), imports the month's values from a ledger (one bad row refuses the
//! file, every fault listed), previews and publishes; every total on the
//! month page is the sum of its breakdown's points; a zone sees its own
//! breakdown only and an outsider nothing; the score sheet and the bulletin
//! open; the leader reads the year's tiers and the ranking on the battle map.

use anyhow::{Context, Result, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use qingdan_app::OrgInput;
use qingdan_domain::{OrgId, Role};
use qingdan_testkit::{Backend, World, on_both_engines};
use std::str::FromStr;

mod common;
use common::*;

on_both_engines! {
    the_office_defines_imports_and_publishes_and_every_total_is_its_breakdown => publish_and_read;
    a_bad_scheme_or_values_ledger_comes_back_with_its_faults_and_nothing_saved => refusals;
    each_reader_sees_what_the_scheme_allows => rights;
}

const ZONES: [&str; 4] = ["高新区", "经开区", "临港区", "空港区"];

struct City {
    _w: World,
    router: Router,
    zones: Vec<OrgId>,
}

async fn city(backend: Backend) -> Result<City> {
    let w = World::new(backend, "2026-07-05").await?;
    let mut zones = Vec::new();
    for name in ZONES {
        let input = OrgInput { name: name.into(), kind: "dev_zone".into(), parent_id: None, sort_order: None };
        zones.push(w.app.create_org(&w.admin, &input).await?.id);
    }
    w.user("gxq", Role::Reporter, zones[0]).await?;
    w.user("lg", Role::Reporter, zones[2]).await?;
    let other = w.org("市文旅局").await?;
    w.user("outsider", Role::Reporter, other).await?;
    w.user("mayor", Role::Leader, other).await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok(City { _w: w, router, zones })
}

fn scheme_json(zones: &[OrgId]) -> String {
    let orgs: Vec<String> = zones.iter().map(|z| z.0.to_string()).collect();
    format!(
        r#"{{"groups": [{{"name": "开发区", "orgs": [{}]}}],
  "indicators": [
    {{"key": "econ", "name": "经济发展"}},
    {{"key": "output", "name": "规上工业增加值", "parent": "econ", "points": "60",
      "method": {{"kind": "completion", "cap": "1.2", "floor": "0.6"}}, "source": {{"kind": "entered"}}}},
    {{"key": "invest", "name": "固定资产投资争先进位", "parent": "econ", "points": "40",
      "method": {{"kind": "rank", "step": "5"}}, "source": {{"kind": "entered"}}}},
    {{"key": "safety", "name": "重大安全生产事故", "method": {{"kind": "veto"}}, "source": {{"kind": "entered"}}}}
  ],
  "year_end": "average",
  "tiers": {{"advanced": 1, "improved_by": 2, "pass": "50"}},
  "show_others": false}}"#,
        orgs.join(", ")
    )
}

fn form(pairs: &[(&str, &str)]) -> Result<String> {
    Ok(serde_urlencoded::to_string(pairs)?)
}

/// A values ledger as an office writes it: 单位名称 / 指标 / 数值 / 目标值.
fn ledger(lines: &[[&str; 4]]) -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, header) in ["单位名称", "指标", "数值", "目标值"].iter().enumerate() {
        sheet.write_string(0, c as u16, *header)?;
    }
    for (r, line) in lines.iter().enumerate() {
        for (c, text) in line.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *text)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

/// The values form as a browser sends it: the month and the file.
fn post_values(path: &str, cookie: &str, month: &str, bytes: &[u8]) -> Result<Request<Body>> {
    const BOUNDARY: &str = "qingdan-test-boundary-Ak2v8XnQ";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"month\"\r\n\r\n{month}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"考核数据.xlsx\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Ok(Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))?)
}

/// Creates the scheme through the form; returns its page's path.
async fn define(c: &City, office: &str) -> Result<String> {
    let body = form(&[("year", "2026"), ("name", "2026年开发区考核"), ("body", &scheme_json(&c.zones))])?;
    let reply = send(&c.router, post_form("/assessment", office, &body)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}: {}", reply.status, reply.body);
    ensure!(flash(&reply).contains("考核方案已保存"), "{}", flash(&reply));
    Ok(reply.location())
}

/// June's values: 高新 110/100 and first in investment, 临港 a safety accident.
fn june() -> Result<Vec<u8>> {
    ledger(&[
        ["高新区", "规上工业增加值", "110", "100"],
        ["经开区", "规上工业增加值", "90", "100"],
        ["临港区", "规上工业增加值", "120", "100"],
        ["空港区", "规上工业增加值", "50", "100"],
        ["高新区", "固定资产投资争先进位", "95", ""],
        ["经开区", "固定资产投资争先进位", "80", ""],
        ["临港区", "固定资产投资争先进位", "99", ""],
        ["空港区", "固定资产投资争先进位", "60", ""],
        ["临港区", "重大安全生产事故", "1", ""],
    ])
}

fn decimal(text: &str) -> Result<qingdan_domain::Decimal> {
    qingdan_domain::Decimal::from_str(text.trim()).with_context(|| format!("not a number: {text:?}"))
}

async fn publish_and_read(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let scheme = define(&c, &office).await?;

    // The menu has 考核排名; the scheme's page lists its indicators.
    let page = send(&c.router, get(&scheme, &office)?).await?;
    ensure!(page.status == StatusCode::OK, "{}", page.status);
    ensure!(page.body.contains("href=\"/assessment\""), "the menu has 考核排名");
    ensure!(page.select("#indicators tbody tr").len() == 4, "{:?}", page.select("#indicators tbody tr"));

    // The values ledger in; the template out.
    let reply = send(&c.router, post_values(&format!("{scheme}/values"), &office, "2026-06", &june()?)?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}: {}", reply.status, reply.body);
    ensure!(flash(&reply).contains("9项"), "{}", flash(&reply));
    let page = send(&c.router, get(&format!("{scheme}?month=2026-06"), &office)?).await?;
    ensure!(page.select("#values tbody tr").len() == 9, "{:?}", page.select("#values tbody tr"));
    let template = send(&c.router, get("/assessment/values-template.xlsx", &office)?).await?;
    let rows = qingdan_office::read_xlsx_rows(&template.bytes)?;
    ensure!(rows.iter().any(|r| r.iter().any(|c| c.contains("单位名称"))), "{rows:?}");

    // 试算 shows the month without publishing it.
    let preview = send(&c.router, get(&format!("{scheme}/preview?month=2026-06"), &office)?).await?;
    ensure!(preview.status == StatusCode::OK && preview.select("#preview").len() == 1, "{}", preview.status);
    let gxq = sign_in_as(&c.router, "gxq").await?;
    let unpublished = send(&c.router, get(&format!("{scheme}/2026-06"), &gxq)?).await?;
    ensure!(unpublished.status == StatusCode::NOT_FOUND, "a month not yet published: {}", unpublished.status);

    // Published: said, and every total is its breakdown.
    let reply = send(&c.router, post_form(&format!("{scheme}/publish"), &office, "month=2026-06&note=")?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}: {}", reply.status, reply.body);
    ensure!(flash(&reply).contains("第1版"), "{}", flash(&reply));
    let month = send(&c.router, get(&reply.location(), &office)?).await?;
    ensure!(month.status == StatusCode::OK, "{}", month.status);
    let html = month.html();
    let row = scraper::Selector::parse("table.ranking > tbody > tr[data-org]").map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut ranked = Vec::new();
    for tr in html.select(&row) {
        let org = tr.value().attr("data-org").context("org")?.to_owned();
        let total = decimal(tr.value().attr("data-total").context("total")?)?;
        let breakdown = scraper::Selector::parse(&format!("details[data-breakdown='{org}'] td.points"))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let details: Vec<_> = html.select(&breakdown).collect();
        ensure!(details.len() == 3, "three indicator lines for {org}");
        let sum: qingdan_domain::Decimal =
            details.iter().map(|td| decimal(&td.text().collect::<String>())).sum::<Result<_>>()?;
        let vetoed = org == c.zones[2].0.to_string();
        ensure!(vetoed || sum == total, "{org}: breakdown {sum} against total {total}");
        ensure!(!vetoed || total.is_zero(), "the vetoed zone scores zero");
        ranked.push(org);
    }
    ensure!(ranked.first() == Some(&c.zones[0].0.to_string()), "高新 first: {ranked:?}");
    ensure!(ranked.last() == Some(&c.zones[2].0.to_string()), "临港 vetoed, last: {ranked:?}");

    // A correction is a second version; the first stays readable.
    send(&c.router, post_form(&format!("{scheme}/publish"), &office, "month=2026-06&note=更正")?).await?;
    let first = send(&c.router, get(&format!("{scheme}/2026-06?version=1"), &office)?).await?;
    ensure!(first.select("#version").concat().contains("不是最新版"), "{:?}", first.select("#version"));

    // The score sheet and the bulletin open.
    let sheet = send(&c.router, get(&format!("{scheme}/2026-06/scores.xlsx"), &office)?).await?;
    ensure!(sheet.status == StatusCode::OK, "{}", sheet.status);
    let rows = qingdan_office::read_xlsx_rows(&sheet.bytes)?;
    ensure!(rows.iter().any(|r| r.iter().any(|c| c == "高新区")), "{rows:?}");
    let bulletin = send(&c.router, get(&format!("{scheme}/2026-06/bulletin.docx"), &office)?).await?;
    ensure!(bulletin.status == StatusCode::OK, "{}", bulletin.status);
    let text = qingdan_office::docx_text(&bulletin.bytes)?;
    ensure!(ZONES.iter().all(|z| text.contains(z)), "the bulletin names every zone");
    let core = docx_core(&bulletin.bytes)?;
    ensure!(core.contains("<dc:creator>市政府督查室</dc:creator>"), "the issuer made it: {core}");
    ensure!(core.contains(">2026-07-05T04:00:00Z</dcterms:created>") && !core.contains("1970"), "made now: {core}");

    // The leader: the year's tiers and the ranking on the battle map.
    let mayor = sign_in_as(&c.router, "mayor").await?;
    let year = send(&c.router, get(&format!("{scheme}/year"), &mayor)?).await?;
    ensure!(year.status == StatusCode::OK, "{}", year.status);
    let tiers = year.attrs("#year tbody tr", "data-tier");
    ensure!(tiers.first().map(String::as_str) == Some("先进"), "{tiers:?}");
    ensure!(tiers.last().map(String::as_str) == Some("末位约谈"), "{tiers:?}");
    let latest = send(&c.router, get("/assessment/latest", &mayor)?).await?;
    ensure!(latest.select(".latest-ranking tr[data-org]").len() == 4, "{}", latest.body);
    ensure!(latest.body.contains("2026-06"), "the month is named");
    let cache = month.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or_default();
    ensure!(cache.contains("no-store"), "the month page is private: {cache}");
    Ok(())
}

async fn refusals(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;

    // A scheme that does not read comes back as typed, its fault named.
    let typed = "{\"groups\": [], \"indicators\": [";
    let body = form(&[("year", "2026"), ("name", "草稿方案"), ("body", typed)])?;
    let reply = send(&c.router, post_form("/assessment", &office, &body)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#body-error").concat().contains("方案内容"), "{:?}", reply.select("#body-error"));
    ensure!(reply.select("#body").concat().contains("\"indicators\": ["), "what was typed is kept");
    ensure!(reply.attrs("#name", "value") == ["草稿方案"], "{:?}", reply.attrs("#name", "value"));
    let list = send(&c.router, get("/assessment", &office)?).await?;
    ensure!(list.select("#schemes tr[data-scheme]").is_empty(), "nothing was saved");

    // A values ledger with one bad row: nothing stored, each fault listed.
    let scheme = define(&c, &office).await?;
    let bad = ledger(&[["高新区", "规上工业增加值", "105", "100"], ["不存在区", "规上工业增加值", "九十", ""]])?;
    let reply = send(&c.router, post_values(&format!("{scheme}/values"), &office, "2026-06", &bad)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    let faults = reply.select("#faults li");
    ensure!(faults.iter().any(|f| f.contains("不存在区")), "{faults:?}");
    ensure!(faults.iter().any(|f| f.contains("九十")), "{faults:?}");
    ensure!(reply.select("#values tbody tr").concat().contains("本月尚未填报"), "nothing stored");

    // A month that is not a month, when publishing: said on the form.
    let reply = send(&c.router, post_form(&format!("{scheme}/publish"), &office, "month=2026-13&note=")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.body.contains("YYYY-MM"), "the month's fault is named");
    ensure!(reply.attrs("#publish-month", "value") == ["2026-13"], "what was typed is kept");

    // A month of another year would enter the 2026 scheme's 年度结果: refused,
    // on publishing, importing and reading; a month not begun is not published.
    for (month, said) in [("2025-01", "本方案为2026年度方案"), ("2026-08", "2026-08尚未开始，不能发布")]
    {
        let body = form(&[("month", month), ("note", "更正临港区数据")])?;
        let reply = send(&c.router, post_form(&format!("{scheme}/publish"), &office, &body)?).await?;
        ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{month}: {}", reply.status);
        ensure!(reply.select(".field-error").concat().contains(said), "{month}: {:?}", reply.select(".field-error"));
        ensure!(reply.attrs("#publish-month", "value") == [month], "what was typed is kept");
        ensure!(reply.attrs("#note", "value") == ["更正临港区数据"], "the note too");
    }
    let good = ledger(&[["高新区", "规上工业增加值", "105", "100"]])?;
    let reply = send(&c.router, post_values(&format!("{scheme}/values"), &office, "2031-01", &good)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    ensure!(reply.select("#faults li").concat().contains("2026-01至2026-12"), "{:?}", reply.select("#faults li"));
    let page = send(&c.router, get(&format!("{scheme}?month=2031-01"), &office)?).await?;
    ensure!(page.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", page.status);
    ensure!(page.select("#values").is_empty(), "no table of another year's values");
    let page = send(&c.router, get(&format!("{scheme}?month=abc"), &office)?).await?;
    ensure!(page.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", page.status);
    ensure!(
        page.select("#month-error").concat().contains("考核月份应写作 YYYY-MM"),
        "{:?}",
        page.select("#month-error")
    );
    ensure!(page.attrs("#values-month", "value") == ["abc"], "what was typed is kept");
    let page = send(&c.router, get(&scheme, &office)?).await?;
    ensure!(page.status == StatusCode::OK && page.select("#published tr[data-month]").is_empty(), "nothing published");
    Ok(())
}

async fn rights(backend: Backend) -> Result<()> {
    let c = city(backend).await?;
    let office = sign_in_as(&c.router, "supervisor").await?;
    let scheme = define(&c, &office).await?;
    send(&c.router, post_values(&format!("{scheme}/values"), &office, "2026-06", &june()?)?).await?;
    let reply = send(&c.router, post_form(&format!("{scheme}/publish"), &office, "month=2026-06")?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}", reply.status);
    let month = format!("{scheme}/2026-06");

    // A zone: its own line and breakdown, not the others' (the scheme hides them).
    let gxq = sign_in_as(&c.router, "gxq").await?;
    let page = send(&c.router, get(&month, &gxq)?).await?;
    ensure!(page.status == StatusCode::OK, "{}", page.status);
    ensure!(page.attrs("tr[data-org]", "data-org") == [c.zones[0].0.to_string()], "only its own line");
    ensure!(page.select("details[data-breakdown] td.points").len() == 3, "its own breakdown");
    ensure!(page.select("#bulletin-link").is_empty(), "the bulletin names every zone: not for a zone");
    // It may not publish, define, import or read the year.
    let tries = [
        send(&c.router, post_form(&format!("{scheme}/publish"), &gxq, "month=2026-06")?).await?.status,
        send(&c.router, post_values(&format!("{scheme}/values"), &gxq, "2026-06", &june()?)?).await?.status,
        send(&c.router, get(&format!("{scheme}/year"), &gxq)?).await?.status,
        send(&c.router, get(&format!("{scheme}/preview?month=2026-06"), &gxq)?).await?.status,
    ];
    ensure!(tries.iter().all(|s| *s == StatusCode::FORBIDDEN), "{tries:?}");
    let lg = sign_in_as(&c.router, "lg").await?;
    let vetoed = send(&c.router, get(&month, &lg)?).await?;
    ensure!(vetoed.select("tr[data-org] td.text-danger").concat().contains("重大安全生产事故"), "the veto named");

    // An org outside the scheme, and an administrator: nothing.
    let outsider = sign_in_as(&c.router, "outsider").await?;
    ensure!(send(&c.router, get(&month, &outsider)?).await?.status == StatusCode::FORBIDDEN);
    let latest = send(&c.router, get("/assessment/latest", &outsider)?).await?;
    ensure!(latest.select("tr[data-org]").is_empty() && latest.select("#no-ranking").len() == 1, "{}", latest.body);
    let admin = sign_in_as(&c.router, "admin").await?;
    ensure!(send(&c.router, get(&month, &admin)?).await?.status == StatusCode::FORBIDDEN);
    ensure!(send(&c.router, get("/assessment", &admin)?).await?.status == StatusCode::FORBIDDEN);
    Ok(())
}
