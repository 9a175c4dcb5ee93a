//! 台账 pages through the router, on SQLite and PostgreSQL: the page and its
//! templates, a ledger uploaded (refused with every fault on the page, then
//! imported), the plan's ledger downloaded and read back, and who may do what.

use anyhow::{Context, Result, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use qingdan_domain::Role;
use qingdan_office::{EXPORT_HEADERS, read_xlsx_rows};
use qingdan_testkit::{Backend, World, on_both_engines};

mod common;
use common::*;

on_both_engines! {
    the_page_offers_templates_and_the_forms_each_role_may_use => page;
    a_refused_upload_lists_every_fault_and_a_good_one_imports_and_exports => upload_and_export;
    a_reporter_cannot_upload_and_exports_only_what_they_see => reporter;
}

const BOUNDARY: &str = "qingdan-ledger-boundary-b8Kq2";

/// The ledger made by hand in LibreOffice (crates/office/tests/fixtures).
const FIXTURE: &[u8] = include_bytes!("../../office/tests/fixtures/libreoffice-tasks.xlsx");

/// A multipart upload of `bytes` as `file`, with `plan_id` when given.
fn upload(path: &str, cookie: &str, plan_id: Option<i64>, bytes: &[u8]) -> Result<Request<Body>> {
    let mut body = Vec::new();
    if let Some(plan) = plan_id {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"plan_id\"\r\n\r\n{plan}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"台账.xlsx\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Ok(Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))?)
}

async fn fixture(backend: Backend) -> Result<(World, Router, i64)> {
    let w = World::new(backend, "2026-03-01").await?;
    let plan = w.plan().await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    Ok((w, router, plan.0))
}

async fn page(backend: Backend) -> Result<()> {
    let (w, router, _) = fixture(backend).await?;
    let supervisor = sign_in_as(&router, "supervisor").await?;
    let reply = send(&router, get("/ledgers", &supervisor)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    ensure!(reply.attrs("nav a", "href").iter().any(|h| h == "/ledgers"), "nav entry");
    ensure!(reply.attrs("#templates a", "href") == ["/ledgers/tasks/template.xlsx"]);
    ensure!(!reply.select("#tasks-form").is_empty() && reply.select("#orgs-form").is_empty());
    let admin = sign_in_as(&router, "admin").await?;
    let reply = send(&router, get("/ledgers", &admin)?).await?;
    ensure!(reply.attrs("#templates a", "href").len() == 3);
    ensure!(!reply.select("#orgs-form").is_empty() && !reply.select("#users-form").is_empty());

    let reply = send(&router, get("/ledgers/tasks/template.xlsx", &supervisor)?).await?;
    ensure!(reply.status == StatusCode::OK);
    let content_type = reply.headers.get(header::CONTENT_TYPE).context("type")?.to_str()?;
    ensure!(content_type.contains("spreadsheetml"), "{content_type}");
    let disposition = reply.headers.get(header::CONTENT_DISPOSITION).context("disposition")?.to_str()?;
    ensure!(disposition.contains("filename*=UTF-8''%E4%BB%BB%E5%8A%A1"), "{disposition}");
    let rows = read_xlsx_rows(&reply.bytes)?;
    ensure!(rows[1][..3] == ["序号", "*任务内容", "指标"], "{:?}", rows[1]);
    let reply = send(&router, get("/ledgers/projects/template.xlsx", &supervisor)?).await?;
    ensure!(reply.status == StatusCode::NOT_FOUND);

    let org = w.org("市财政局").await?;
    w.user("czj", Role::Reporter, org).await?;
    let reporter = sign_in_as(&router, "czj").await?;
    let reply = send(&router, get("/ledgers", &reporter)?).await?;
    ensure!(reply.status == StatusCode::OK && reply.select("form[enctype]").is_empty(), "no upload forms");
    Ok(())
}

async fn upload_and_export(backend: Backend) -> Result<()> {
    let (w, router, plan) = fixture(backend).await?;
    w.org("市发展和改革委员会").await?;
    let supervisor = sign_in_as(&router, "supervisor").await?;

    // 市财政局, 市交通运输局 and 市教育局 do not exist yet: the whole file is refused.
    let reply = send(&router, upload("/ledgers/tasks", &supervisor, Some(plan), FIXTURE)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.status);
    let errors = reply.select("#errors li");
    ensure!(errors.contains(&"第 7 行 F 列（配合单位）：单位“市财政局”不存在".to_owned()), "{errors:?}");
    ensure!(errors.contains(&"第 9 行 G 列（牵头单位）：单位“市财政局”不存在".to_owned()), "{errors:?}");
    ensure!(errors.contains(&"第 12 行 G 列（牵头单位）：单位“市教育局”不存在".to_owned()), "{errors:?}");
    ensure!(reply.select("#errors p").iter().any(|p| p.contains("未导入")), "says nothing was imported");
    let page = send(&router, get(&format!("/plans/{plan}"), &supervisor)?).await?;
    ensure!(page.select("#tasks tbody tr[data-task]").is_empty(), "no task imported");
    // No plan chosen, or no file: a Chinese message and a 422.
    let reply = send(&router, upload("/ledgers/tasks", &supervisor, None, FIXTURE)?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.body.contains("请选择要导入任务的计划"));
    let reply = send(&router, upload("/ledgers/tasks", &supervisor, Some(plan), b"")?).await?;
    ensure!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.body.contains("请选择要上传的 Excel 台账文件"));

    for name in ["市财政局", "市交通运输局", "市教育局"] {
        w.org(name).await?;
    }
    // A good file is shown first, and written only when confirmed.
    let preview = send(&router, upload("/ledgers/tasks", &supervisor, Some(plan), FIXTURE)?).await?;
    ensure!(preview.status == StatusCode::OK, "{}: {}", preview.status, preview.body);
    let said = preview.select("#preview p").concat();
    ensure!(said.contains("新增任务5项") && said.contains("指标4个"), "{said}");
    ensure!(preview.select("#preview-tasks tbody tr").len() == 5, "the tasks it adds are listed");
    let page = send(&router, get(&format!("/plans/{plan}"), &supervisor)?).await?;
    ensure!(page.select("#tasks tbody tr[data-task]").is_empty(), "nothing written before the confirmation");
    let token = preview.attrs("#confirm-form input[name=token]", "value").concat();
    let reply =
        send(&router, post_form("/ledgers/tasks/confirm", &supervisor, &format!("token={token}&plan_id={plan}"))?)
            .await?;
    ensure!(reply.status == StatusCode::OK, "{}: {}", reply.status, reply.body);
    ensure!(reply.select("#notice") == ["已导入任务5项（指标4个）"], "{:?}", reply.select("#notice"));
    let undo: Vec<String> = reply.attrs("#undo-form input[name=task_ids]", "value");
    ensure!(undo.len() == 2, "the two top-level tasks to take back: {undo:?}");
    let again =
        send(&router, post_form("/ledgers/tasks/confirm", &supervisor, &format!("token={token}&plan_id={plan}"))?)
            .await?;
    ensure!(again.status == StatusCode::UNPROCESSABLE_ENTITY, "a token writes once: {}", again.status);

    // The plan page links the export; the export reads back.
    let page = send(&router, get(&format!("/plans/{plan}"), &supervisor)?).await?;
    ensure!(page.attrs("#ledger-export", "href") == [format!("/plans/{plan}/ledger.xlsx")]);
    let reply = send(&router, get(&format!("/plans/{plan}/ledger.xlsx"), &supervisor)?).await?;
    ensure!(reply.status == StatusCode::OK, "{}", reply.status);
    let disposition = reply.headers.get(header::CONTENT_DISPOSITION).context("disposition")?.to_str()?;
    ensure!(disposition.starts_with(&format!("attachment; filename=\"plan-{plan}-ledger.xlsx\"")), "{disposition}");
    let rows = read_xlsx_rows(&reply.bytes)?;
    ensure!(rows[0][0] == "2026年重点任务台账（2026年3月）", "{:?}", rows[0]);
    ensure!(rows[1] == EXPORT_HEADERS);
    let titles: Vec<&str> = rows[2..].iter().map(|r| r[1].as_str()).collect();
    ensure!(
        titles
            == [
                "稳增长，推动经济运行持续向好",
                "扩大有效投资",
                "实施市级重点项目320项，年度计划投资560亿元",
                "实施市级重点项目320项，年度计划投资560亿元",
                "争取专项债券额度45亿元以上",
                "惠民生，持续增进人民福祉",
            ],
        "{titles:?}"
    );
    ensure!(rows[5][2..5] == ["年度计划投资", "560.5", "亿元"], "{:?}", rows[5]);
    ensure!(rows[5][11] == "市财政局、市交通运输局", "{:?}", rows[5]);
    let statuses: Vec<&str> = rows[2..].iter().map(|r| r[14].as_str()).collect();
    ensure!(statuses == ["", "", "未报送", "未报送", "未报送", "未报送"], "sections owe nothing: {statuses:?}");
    ensure!(rows[2..].iter().all(|r| !r[17].is_empty()), "a light on every row");

    // 撤销本次导入: the imported tasks go to the 回收站 as one step.
    let form = undo.iter().map(|id| format!("task_ids={id}")).collect::<Vec<_>>().join("&");
    let reply = send(&router, post_form(&format!("/plans/{plan}/ledger-undo"), &supervisor, &form)?).await?;
    ensure!(reply.location() == format!("/plans/{plan}?done=undone&n=2"), "{}", reply.location());
    let page = send(&router, get(&reply.location(), &supervisor)?).await?;
    ensure!(page.select("#tasks tbody tr[data-task]").is_empty(), "the plan is as before the import");
    ensure!(page.select("#done").concat().contains("已撤销导入"));
    ensure!(w.app.deleted_tasks(&w.supervisor).await?.len() == 2, "in the 回收站");
    Ok(())
}

async fn reporter(backend: Backend) -> Result<()> {
    let (w, router, plan) = fixture(backend).await?;
    let finance = w.org("市财政局").await?;
    let culture = w.org("市文旅局").await?;
    w.user("czj", Role::Reporter, finance).await?;
    w.task(qingdan_domain::PlanId(plan), "财政的任务", finance, &[], None).await?;
    w.task(qingdan_domain::PlanId(plan), "文旅的任务", culture, &[], None).await?;
    let reporter = sign_in_as(&router, "czj").await?;
    let tasks = qingdan_app::LedgerKind::Tasks;
    let file = w.app.ledger_template(&w.supervisor, tasks)?;
    for path in ["/ledgers/tasks", "/ledgers/orgs", "/ledgers/users"] {
        let reply = send(&router, upload(path, &reporter, Some(plan), &file)?).await?;
        ensure!(reply.status == StatusCode::FORBIDDEN, "{path}: {}", reply.status);
    }
    let reply = send(&router, get(&format!("/plans/{plan}/ledger.xlsx"), &reporter)?).await?;
    ensure!(reply.status == StatusCode::OK);
    let rows = read_xlsx_rows(&reply.bytes)?;
    let titles: Vec<&str> = rows[2..].iter().map(|r| r[1].as_str()).collect();
    ensure!(titles == ["财政的任务"], "{titles:?}");
    let reply = send(&router, get("/plans/999999/ledger.xlsx", &reporter)?).await?;
    ensure!(reply.status == StatusCode::NOT_FOUND, "{}", reply.status);
    Ok(())
}
