//! 导入报告 (report import) through the router, on SQLite and PostgreSQL:
//! multipart upload, the review page with its marked targets, review forms,
//! publish, bad files and who may import.

use anyhow::{Result, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use qingdan_domain::Role;
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    an_uploaded_report_opens_as_a_draft_with_each_target_marked_in_the_source => upload_and_review;
    review_forms_change_the_draft_and_publish_makes_the_plan => review_and_publish;
    a_bad_file_gets_422_with_a_chinese_message => bad_file;
    a_report_larger_than_a_form_may_be_uploaded => large_upload;
    a_reporter_cannot_import => reporter_forbidden;
    each_part_shows_its_judgement_and_the_office_changes_it => part_banners;
    only_the_office_changes_a_judgement => part_change_forbidden;
    an_edit_sent_by_htmx_gets_the_tasks_card_back_not_the_page => edit_in_place;
}

const REPORT: &str = "金城市2021年政府工作报告\n\n\
一、2020年工作回顾\n去年全市地区生产总值增长4.5%。\n\n\
二、2021年重点工作\n\
（一）扩大有效投资。全年实施重点项目200个，完成投资300亿元。\n\
（二）改善城市环境。新建停车位1000个，改造老旧小区50个。\n";

const BOUNDARY: &str = "qingdan-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart/form-data upload of one file in the field `file`.
fn upload(cookie: &str, file_name: &str, bytes: &[u8]) -> Result<Request<Body>> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Ok(Request::post("/imports")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))?)
}

async fn setup(backend: Backend) -> Result<(World, Router, String)> {
    let w = World::new(backend, "2021-03-01").await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let cookie = sign_in_as(&router, "supervisor").await?;
    Ok((w, router, cookie))
}

/// Uploads `REPORT` and returns the review page's path.
async fn upload_report(router: &Router, cookie: &str) -> Result<String> {
    let reply = send(router, upload(cookie, "报告.txt", REPORT.as_bytes())?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}: {}", reply.status, reply.body);
    let location = reply.location();
    ensure!(location.starts_with("/imports/"), "{location}");
    Ok(location)
}

async fn upload_and_review(backend: Backend) -> Result<()> {
    let (w, router, cookie) = setup(backend).await?;
    let list = send(&router, get("/imports", &cookie)?).await?;
    ensure!(
        list.status == StatusCode::OK && list.select("nav a").contains(&"导入报告".to_owned()),
        "{:?}",
        list.select("nav a")
    );
    let path = upload_report(&router, &cookie).await?;
    let page = send(&router, get(&path, &cookie)?).await?;
    ensure!(page.status == StatusCode::OK, "{}", page.status);
    // Each target's number is marked where it stands in the source.
    let marks = page.select("#source mark");
    for number in ["200", "300", "1000", "50"] {
        ensure!(marks.contains(&number.to_owned()), "{number} not marked: {marks:?}");
    }
    ensure!(!marks.contains(&"4.5".to_owned()), "the review part has no targets: {marks:?}");
    let chars: Vec<char> = REPORT.chars().collect();
    for id in page.attrs("#source mark", "id") {
        let offset: usize = id.trim_start_matches("t-").parse()?;
        ensure!(chars.get(offset).is_some_and(char::is_ascii_digit), "{id}");
    }
    // The draft list links each target to its mark.
    let links = page.attrs(".targets a", "href");
    ensure!(
        !links.is_empty() && links.iter().all(|l| page.attrs(&format!("mark[id='{}']", &l[1..]), "id").len() == 1),
        "{links:?}"
    );
    ensure!(page.select(".task-text").iter().any(|t| t.contains("新建停车位1000个")));
    ensure!(w.app.plans(&w.supervisor).await?.is_empty(), "no plan before publish");
    let list = send(&router, get("/imports", &cookie)?).await?;
    ensure!(list.select("#imports td a").contains(&"报告.txt".to_owned()), "{:?}", list.select("#imports td a"));
    Ok(())
}

async fn review_and_publish(backend: Backend) -> Result<()> {
    let (w, router, cookie) = setup(backend).await?;
    let path = upload_report(&router, &cookie).await?;
    let import_id = path.trim_start_matches("/imports/").to_owned();
    let page = send(&router, get(&path, &cookie)?).await?;
    let tasks: Vec<String> =
        page.attrs(".draft-task", "id").iter().map(|id| id.trim_start_matches("task-").to_owned()).collect();
    ensure!(tasks.len() >= 2, "{tasks:?}");
    let first = &tasks[0];

    let edit = send(&router, post_form(&format!("/import-tasks/{first}"), &cookie, "text=%E5%AE%9E%E6%96%BD%E9%87%8D%E7%82%B9%E9%A1%B9%E7%9B%AE200%E4%B8%AA&section=&deadline=2021-12-31&lead_org_id=")?).await?;
    ensure!(
        edit.status == StatusCode::SEE_OTHER && edit.location() == format!("{path}?done=saved#task-{first}"),
        "{} {}",
        edit.status,
        edit.location()
    );
    let bad = send(&router, post_form(&format!("/import-tasks/{first}"), &cookie, "text=&deadline=tomorrow")?).await?;
    ensure!(bad.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.status);
    ensure!(bad.body.contains("任务内容不能为空") && bad.body.contains("完成时限应为日期"), "{}", bad.body);

    let add = send(
        &router,
        post_form(
            &format!("/import-tasks/{first}/targets"),
            &cookie,
            &format!("import_id={import_id}&metric=%E6%8C%87%E6%A0%87&value=12&unit=%E4%B8%AA&comparator=ge"),
        )?,
    )
    .await?;
    ensure!(add.status == StatusCode::SEE_OTHER, "{}", add.status);
    let said = send(&router, get(&add.location(), &cookie)?).await?;
    ensure!(said.select("#notice") == ["指标已添加"], "a one-time message: {:?}", said.select("#notice"));
    ensure!(send(&router, get(&path, &cookie)?).await?.select("#notice").is_empty(), "and only once");
    let merge = send(&router, post_form(&format!("/import-tasks/{first}/merge"), &cookie, "")?).await?;
    ensure!(merge.status == StatusCode::SEE_OTHER, "{}", merge.status);
    let split = send(
        &router,
        post_form(&format!("/import-tasks/{first}/split"), &cookie, &format!("import_id={import_id}&position=2"))?,
    )
    .await?;
    ensure!(split.status == StatusCode::SEE_OTHER, "{}", split.status);
    let added = send(
        &router,
        post_form(
            &format!("/imports/{import_id}/tasks"),
            &cookie,
            "text=%E5%BC%80%E5%B1%95%E6%B4%BB%E5%8A%A8&deadline=",
        )?,
    )
    .await?;
    ensure!(added.status == StatusCode::SEE_OTHER, "{}", added.status);
    let page = send(&router, get(&path, &cookie)?).await?;
    let texts = page.select(".task-text");
    ensure!(texts.len() == tasks.len() + 1 && texts.last().is_some_and(|t| t == "开展活动"), "{texts:?}");
    ensure!(texts[0] == "实施", "{texts:?}");

    // A year that is not one comes back on the review page, as typed.
    let typo = "year=20x1&title=%E6%88%91%E7%9A%84%E8%AE%A1%E5%88%92&keep_outlook=1";
    let refused = send(&router, post_form(&format!("/imports/{import_id}/publish"), &cookie, typo)?).await?;
    ensure!(refused.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.status);
    ensure!(refused.attrs("#publish input[name=year]", "value") == ["20x1"]);
    ensure!(refused.attrs("#publish input[name=title]", "value") == ["我的计划"]);
    ensure!(refused.attrs("#keep_outlook", "checked").len() == 1, "the box stays ticked");
    ensure!(!refused.select("#error li").is_empty() && !refused.select("nav").is_empty(), "{}", refused.body);
    ensure!(w.app.plans(&w.supervisor).await?.is_empty(), "nothing published");
    let publish = send(
        &router,
        post_form(
            &format!("/imports/{import_id}/publish"),
            &cookie,
            "year=2021&title=2021%E5%B9%B4%E9%87%8D%E7%82%B9%E4%BB%BB%E5%8A%A1",
        )?,
    )
    .await?;
    ensure!(
        publish.status == StatusCode::SEE_OTHER && publish.location().starts_with("/plans/"),
        "{} {}",
        publish.status,
        publish.location()
    );
    let plan = send(&router, get(&publish.location(), &cookie)?).await?;
    ensure!(plan.status == StatusCode::OK && plan.body.contains("开展活动"), "{}", plan.status);
    ensure!(w.app.plans(&w.supervisor).await?.len() == 1);
    let page = send(&router, get(&path, &cookie)?).await?;
    ensure!(
        page.select("#published").len() == 1 && page.select(".edit-task").is_empty(),
        "published drafts show no forms"
    );
    let late = send(&router, post_form(&format!("/import-tasks/{first}/delete"), &cookie, "")?).await?;
    ensure!(late.status == StatusCode::CONFLICT, "{}", late.status);
    Ok(())
}

async fn bad_file(backend: Backend) -> Result<()> {
    let (w, router, cookie) = setup(backend).await?;
    let cases: [(&str, &[u8], &str); 5] = [
        ("报告.pdf", b"%PDF-1.7\n1 0 obj << >> endobj\n", "PDF"),
        ("noise.bin", &[0u8, 159, 146, 150, 1, 2, 3, 255, 254, 0, 0, 7, 8, 200, 201, 13], "无法读取报告"),
        ("", b"", "请选择要上传的报告文件"),
        ("empty.docx", b"hello", "不是有效的Word文档"),
        ("通知.txt", "请各单位准时参会。".as_bytes(), "未从报告"),
    ];
    for (name, bytes, words) in cases {
        let reply = send(&router, upload(&cookie, name, bytes)?).await?;
        ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", reply.status);
        // The reason stands under the file field of the import page, once, with the menu.
        let error = reply.select("#upload #file-error").join("");
        ensure!(error.contains(words) && reply.select("#error").is_empty(), "{name}: {error}");
        ensure!(!reply.select("nav #who").is_empty() && !reply.select("#imports").is_empty(), "{name}: the page");
    }
    let no_multipart = send(&router, post_form("/imports", &cookie, "file=abc")?).await?;
    ensure!(no_multipart.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", no_multipart.status);
    ensure!(w.app.imports(&w.supervisor).await?.is_empty(), "nothing stored");
    Ok(())
}

async fn large_upload(backend: Backend) -> Result<()> {
    let (_w, router, cookie) = setup(backend).await?;
    // A report of 1.5 MB: over the 1 MiB limit of forms, within the upload's.
    // The padding is an appendix without commitments, so the draft stays small.
    let mut report = String::from(REPORT);
    while report.len() < 1536 * 1024 {
        report.push_str("附：名词解释与说明。\n");
    }
    let reply = send(&router, upload(&cookie, "大报告.txt", report.as_bytes())?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}: {}", reply.status, reply.select("#error").join(""));
    let body = format!(r#"{{"year":"2021","title":"{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let request = Request::post("/api/v1/plans")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))?;
    let other = send(&router, request).await?;
    ensure!(other.status == StatusCode::PAYLOAD_TOO_LARGE, "other routes keep the 1 MiB limit: {}", other.status);
    Ok(())
}

async fn reporter_forbidden(backend: Backend) -> Result<()> {
    let (w, router, cookie) = setup(backend).await?;
    let path = upload_report(&router, &cookie).await?;
    let org = w.org("市能源局").await?;
    w.user("energy", Role::Reporter, org).await?;
    let reporter = sign_in_as(&router, "energy").await?;
    ensure!(send(&router, upload(&reporter, "a.txt", REPORT.as_bytes())?).await?.status == StatusCode::FORBIDDEN);
    ensure!(send(&router, get(&path, &reporter)?).await?.status == StatusCode::FORBIDDEN);
    ensure!(send(&router, get("/imports", &reporter)?).await?.status == StatusCode::FORBIDDEN);
    let nav = send(&router, get("/plans", &reporter)?).await?.select("nav a");
    ensure!(!nav.contains(&"导入报告".to_owned()), "{nav:?}");
    Ok(())
}

/// A report whose review chapter's title is a slogan (no 回顾): only its
/// sentences say it tells what was done.
const SLOGAN_REPORT: &str = "青川市2027年政府工作报告\n\n各位代表：\n\n\
一、砥砺奋进的一年\n\
过去一年，全市地区生产总值增长了6.2%，已完成固定资产投资520亿元。新建学校12所已全部投用，\
累计改造老旧小区80个，城镇新增就业实现了3.1万人。\n\n\
二、2027年主要任务\n\
（一）扩大有效投资。全年要实施重点项目150个，力争完成投资600亿元。\n\
（二）办好民生实事。要新建中小学校5所，确保城镇新增就业3.5万人以上。\n";

/// Uploads `SLOGAN_REPORT`: the review page's path and where its first chapter starts.
async fn upload_slogan_report(router: &Router, cookie: &str) -> Result<(String, usize)> {
    let reply = send(router, upload(cookie, "青川.txt", SLOGAN_REPORT.as_bytes())?).await?;
    ensure!(reply.status == StatusCode::SEE_OTHER, "{}: {}", reply.status, reply.body);
    let byte = SLOGAN_REPORT.find("一、砥砺").unwrap_or_default();
    Ok((reply.location(), SLOGAN_REPORT[..byte].chars().count()))
}

async fn part_banners(backend: Backend) -> Result<()> {
    let (_w, router, cookie) = setup(backend).await?;
    let (path, chapter) = upload_slogan_report(&router, &cookie).await?;
    let page = send(&router, get(&path, &cookie)?).await?;
    let banner = format!("#part-{chapter}");
    ensure!(page.attrs(&banner, "data-kind") == ["review"], "{:?}", page.attrs(".part-banner", "id"));
    let notice = page.select(&format!("{banner} .part-notice")).join("");
    ensure!(notice.starts_with("本章判定为工作回顾（置信度 ") && notice.ends_with("），未提取指标"), "{notice}");
    ensure!(
        page.select(&format!("{banner} button")) == ["改为今年安排", "改为五年目标"],
        "{:?}",
        page.select(&format!("{banner} button"))
    );
    ensure!(page.attrs(".part-banner[data-kind='plan']", "id").len() == 1, "the plan chapter has its banner");
    let marks = page.select("#source mark");
    ensure!(marks == ["150", "600", "5", "3.5"], "only the plan chapter's targets are marked: {marks:?}");

    let form = format!("{path}/parts");
    let changed = send(&router, post_form(&form, &cookie, &format!("at={chapter}&kind=plan"))?).await?;
    ensure!(changed.status == StatusCode::SEE_OTHER, "{}: {}", changed.status, changed.body);
    ensure!(
        changed.location().starts_with(&format!("{path}?done=part-plan-")) && changed.location().ends_with(&banner),
        "{}",
        changed.location()
    );
    let page = send(&router, get(&changed.location(), &cookie)?).await?;
    let said = page.select("#notice").join("");
    ensure!(said.starts_with("已改为年度工作安排并重新识别本章：新增任务"), "{said}");
    ensure!(page.attrs(&banner, "data-kind") == ["plan"], "{:?}", page.attrs(&banner, "data-kind"));
    ensure!(page.select(&format!("{banner} .part-notice")).join("").contains("人工指定"));
    let marks = page.select("#source mark");
    ensure!(marks.len() > 4 && marks.ends_with(&["150", "600", "5", "3.5"].map(String::from)), "{marks:?}");

    // A refusal is shown on the review page, with the menu.
    let bad = send(&router, post_form(&form, &cookie, &format!("at={chapter}&kind=bogus"))?).await?;
    ensure!(bad.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.status);
    ensure!(bad.select("#error").join("").contains("判定类型无效"), "{:?}", bad.select("#error"));
    ensure!(bad.select("nav a").contains(&"导入报告".to_owned()) && bad.attrs(&banner, "data-kind") == ["plan"]);
    let nowhere = send(&router, post_form(&form, &cookie, "at=5&kind=plan")?).await?;
    ensure!(nowhere.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", nowhere.status);
    ensure!(nowhere.select("#error").join("").contains("没有从这里开始的章节"), "{:?}", nowhere.select("#error"));

    // Back to review: the chapter's marks are gone again.
    let back = send(&router, post_form(&form, &cookie, &format!("at={chapter}&kind=review"))?).await?;
    let page = send(&router, get(&back.location(), &cookie)?).await?;
    ensure!(page.select("#source mark") == ["150", "600", "5", "3.5"], "{:?}", page.select("#source mark"));
    ensure!(page.select("#notice").join("").starts_with("已改为工作回顾"), "{:?}", page.select("#notice"));
    Ok(())
}

async fn part_change_forbidden(backend: Backend) -> Result<()> {
    let (w, router, cookie) = setup(backend).await?;
    let (path, chapter) = upload_slogan_report(&router, &cookie).await?;
    let org = w.org("市能源局").await?;
    w.user("energy", Role::Reporter, org).await?;
    w.user("mayor", Role::Leader, org).await?;
    for name in ["energy", "mayor"] {
        let other = sign_in_as(&router, name).await?;
        let reply =
            send(&router, post_form(&format!("{path}/parts"), &other, &format!("at={chapter}&kind=plan"))?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{name}: {}", reply.status);
    }
    let page = send(&router, get(&path, &cookie)?).await?;
    ensure!(page.attrs(&format!("#part-{chapter}"), "data-kind") == ["review"], "nothing changed");
    ensure!(page.select("#source mark").len() == 4);
    Ok(())
}

async fn edit_in_place(backend: Backend) -> Result<()> {
    let (w, router, cookie) = setup(backend).await?;
    let path = upload_report(&router, &cookie).await?;
    let import_id = path.trim_start_matches("/imports/").to_owned();
    let page = send(&router, get(&path, &cookie)?).await?;
    let first = page.attrs(".draft-task", "id").first().map(|id| id.trim_start_matches("task-").to_owned());
    let first = first.unwrap_or_default();
    let htmx = |form: String| -> Result<axum::http::Request<axum::body::Body>> {
        let mut request = post_form(&format!("/import-tasks/{first}"), &cookie, &form)?;
        request.headers_mut().insert("hx-request", axum::http::HeaderValue::from_static("true"));
        Ok(request)
    };
    let text = "%E5%AE%9E%E6%96%BD%E9%87%8D%E7%82%B9%E9%A1%B9%E7%9B%AE210%E4%B8%AA";
    let reply =
        send(&router, htmx(format!("import_id={import_id}&text={text}&section=&deadline=2021-11-30&lead_org_id="))?)
            .await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.select(".draft-task").len() == 1, "one card: {}", reply.body);
    ensure!(!reply.body.contains("<html") && reply.select("#source, nav").is_empty(), "not the page");
    ensure!(reply.body.len() < page.body.len() / 2, "{} of {} bytes", reply.body.len(), page.body.len());
    ensure!(reply.select(".task-text").concat().contains("实施重点项目210个"), "the card shows the edit");
    ensure!(reply.select(".card-notice").concat().contains("已保存"));
    let bad = send(&router, htmx(format!("import_id={import_id}&text=&deadline=tomorrow"))?).await?;
    ensure!(bad.status == StatusCode::OK && bad.select(".card-notice").concat().contains("未保存"), "{}", bad.body);
    let review = w.app.import_review(&w.supervisor, qingdan_app::ImportId(import_id.parse()?)).await?;
    let task = review.tasks.first().map(|t| (t.text.clone(), t.deadline.map(|d| d.to_string())));
    ensure!(
        task == Some(("实施重点项目210个".to_owned(), Some("2021-11-30".to_owned()))),
        "the refused edit saved nothing: {task:?}"
    );
    Ok(())
}
