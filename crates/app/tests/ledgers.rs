//! 台账 (Excel ledgers) on SQLite and PostgreSQL: importing orgs, users and
//! tasks with targets and hierarchy, whole files refused with every fault
//! named by row and column, who may import and export, a ledger made by hand
//! in LibreOffice, and the export read back cell by cell.

use anyhow::{Context, Result, ensure};
use qingdan_app::{AppError, LedgerKind, ReportInput, ReviewInput};
use qingdan_domain::{OrgKind, PlanId, Role, TaskId};
use qingdan_office::{EXPORT_HEADERS, read_xlsx_rows};
use qingdan_storage::TaskQuery;
use qingdan_testkit::{Backend, World, on_both_engines};
use rust_xlsxwriter::{Format, Workbook};

on_both_engines! {
    a_good_file_imports_orgs_users_and_tasks_with_targets_and_hierarchy => good_files;
    a_file_with_bad_rows_imports_nothing_and_names_every_cell => bad_rows;
    bad_files_and_missing_headers_get_a_chinese_message => bad_files;
    only_admins_import_orgs_and_users_and_only_the_office_imports_tasks => import_permissions;
    a_reporter_exports_only_their_orgs_tasks_and_no_one_another_tenants_plan => export_permissions;
    the_exported_ledger_has_targets_progress_report_and_light => export_contents;
    the_export_shows_this_period_of_the_plans_own_cycle => weekly_export;
    a_ledger_made_in_libreoffice_imports => libreoffice_ledger;
    a_task_ledger_is_previewed_confirmed_once_and_undone_unless_reported => preview_and_undo;
    a_row_giving_only_a_sections_number_and_title_adds_under_that_section => joined_section;
    tasks_imported_under_a_reported_section_count_in_its_progress_at_once => import_recounts;
}

/// A workbook whose first sheet holds `rows` from A1, with `merges` (first row,
/// first col, last row, last col; 0-based) over them.
fn xlsx(rows: &[&[&str]], merges: &[(u32, u16, u32, u16)]) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let plain = Format::new();
    let merged =
        |r: u32, c: u16| merges.iter().any(|&(r1, c1, r2, c2)| (r1..=r2).contains(&r) && (c1..=c2).contains(&c));
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r)?, u16::try_from(c)?);
            if !text.is_empty() && !merged(r, c) {
                sheet.write_string(r, c, *text)?;
            }
        }
    }
    for &(r1, c1, r2, c2) in merges {
        let text = rows[r1 as usize][c1 as usize];
        sheet.merge_range(r1, c1, r2, c2, text, &plain)?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn messages(result: Result<impl std::fmt::Debug, AppError>) -> Vec<String> {
    match result {
        Err(AppError::Invalid(invalid)) => invalid.errors.into_iter().map(|e| e.message).collect(),
        other => vec![format!("not invalid: {other:?}")],
    }
}

async fn task_count(w: &World, plan: PlanId) -> Result<i64> {
    let query = TaskQuery::whole_plan(w.tenant, plan, 200);
    Ok(w.app.store().tasks(&query).await?.total)
}

async fn tasks_in_order(w: &World, plan: PlanId) -> Result<Vec<qingdan_domain::Task>> {
    let query = TaskQuery::whole_plan(w.tenant, plan, 200);
    Ok(w.app.store().tasks(&query).await?.items.into_iter().map(|i| i.task).collect())
}

fn orgs_file() -> Result<Vec<u8>> {
    xlsx(
        &[
            &["青岚市单位台账", "", "", ""],
            &[],
            &["单位名称", "上级单位", "单位类型", "排序号"],
            &["青岚市人民政府", "", "县（市）", "1"],
            &[],
            &["市发展和改革委员会", "青岚市人民政府", "部门", "10"],
            &["市财政局", "青岚市人民政府", "", "20"],
            &["市教育局", "市政府督查室", "department", ""],
        ],
        &[(0, 0, 0, 3)],
    )
}

fn users_file() -> Result<Vec<u8>> {
    xlsx(
        &[
            &["用户名", "姓名", "所属单位", "角色", "初始密码"],
            &["li.fsz", "李副市长", "青岚市人民政府", "领导", "Leader2026"],
            &["fgw.wu", "吴发改", "市发展和改革委员会", "填报员", "Wufagai2026"],
            &["czj.chen", "陈财政", "市财政局", "reporter", "Chencz2026"],
        ],
        &[],
    )
}

/// A title row, the header, a section, a sub-section, an item with two targets
/// merged over two rows, a second item, a blank row, a second section.
fn tasks_file(deadline: &str, lead: &str) -> Result<Vec<u8>> {
    let task = "实施市级重点项目320项，年度计划投资560亿元";
    xlsx(
        &[
            &["2026年重点任务", "", "", "", "", "", "", "", "", ""],
            &[
                "序号",
                "任务内容",
                "指标",
                "目标值",
                "计量单位",
                "完成时限",
                "牵头领导",
                "牵头单位",
                "配合单位",
                "责任人",
            ],
            &["一、", "稳增长", "", "", "", "年底", "李副市长", "市发展和改革委员会", "", ""],
            &["（一）", "扩大有效投资", "", "", "", "", "", "市发展和改革委员会", "", ""],
            &["1.", task, "市级重点项目数", "320", "项", deadline, "李副市长", lead, "市财政局、市教育局", "吴发改"],
            &["1.", task, "年度计划投资", "560.5", "亿元", "2026年6月底", "", "", "", ""],
            &[
                "2.",
                "争取专项债券额度45亿元以上",
                "专项债券额度",
                "45",
                "亿元",
                "2026年9月30日",
                "",
                "市财政局",
                "",
                "陈财政",
            ],
            &[],
            &["二、", "惠民生", "新建中小学校", "3", "所", "2026/8/31", "", "市教育局", "", ""],
        ],
        &[(0, 0, 0, 9), (4, 0, 5, 0), (4, 1, 5, 1)],
    )
}

/// Imports the orgs and users files as the admin.
async fn city(w: &World) -> Result<()> {
    let orgs = w.app.import_org_ledger(&w.admin, "单位.xlsx", &orgs_file()?).await?;
    ensure!(orgs.rows == 4, "{orgs:?}");
    let users = w.app.import_user_ledger(&w.admin, "用户.xlsx", &users_file()?).await?;
    ensure!(users.rows == 3, "{users:?}");
    Ok(())
}

async fn good_files(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let audit_before = w.app.store().audit_count(w.tenant).await?;
    city(&w).await?;
    // One audit event per org and user, and one per file.
    let audit_city = w.app.store().audit_count(w.tenant).await?;
    ensure!(audit_city - audit_before == 4 + 3 + 2, "{audit_before} → {audit_city}");
    let orgs = w.app.orgs(&w.admin).await?;
    let org = |name: &str| orgs.iter().find(|o| o.name == name).cloned().context(name.to_owned());
    let government = org("青岚市人民政府")?;
    ensure!(government.kind == OrgKind::County && government.parent_id.is_none() && government.sort_order == 1);
    let fgw = org("市发展和改革委员会")?;
    ensure!(fgw.parent_id == Some(government.id) && fgw.kind == OrgKind::Department && fgw.sort_order == 10);
    let education = org("市教育局")?;
    ensure!(education.parent_id.is_some(), "parent is the existing 市政府督查室");
    // Imported users sign in with their initial password.
    let (wu, _) = w.app.login("fgw.wu", "Wufagai2026").await?;
    ensure!(wu.role == Role::Reporter && wu.org_id == fgw.id && wu.display_name == "吴发改");
    let (leader, _) = w.app.login("li.fsz", "Leader2026").await?;
    ensure!(leader.role == Role::Leader);

    let plan = w.plan().await?;
    let audit_before = w.app.store().audit_count(w.tenant).await?;
    let imported = w
        .app
        .import_task_ledger(&w.supervisor, plan, "任务.xlsx", &tasks_file("2026-12-31", "市发展和改革委员会")?)
        .await?;
    ensure!(imported.rows == 5 && imported.targets == 4, "{imported:?}");
    let audit_after = w.app.store().audit_count(w.tenant).await?;
    ensure!(audit_after - audit_before == 5 + 1, "{audit_before} → {audit_after}");
    let tasks = tasks_in_order(&w, plan).await?;
    let summary: Vec<(i32, &str, &str)> =
        tasks.iter().map(|t| (t.depth, t.number.as_str(), t.title.as_str())).collect();
    ensure!(
        summary
            == [
                (0, "一、", "稳增长"),
                (1, "（一）", "扩大有效投资"),
                (2, "1.", "实施市级重点项目320项，年度计划投资560亿元"),
                (2, "2.", "争取专项债券额度45亿元以上"),
                (0, "二、", "惠民生"),
            ],
        "{summary:?}"
    );
    ensure!(tasks[1].parent_id == Some(tasks[0].id) && tasks[2].parent_id == Some(tasks[1].id));
    ensure!(tasks[3].parent_id == Some(tasks[1].id) && tasks[4].parent_id.is_none());
    let item = &tasks[2];
    ensure!(item.deadline.to_string() == "2026-12-31", "the latest of its rows' deadlines");
    let a = &item.responsibility;
    ensure!(a.lead_org_id == Some(fgw.id) && a.lead_leader_id == Some(leader.id) && a.owner_id == Some(wu.id));
    let mut supporting = vec![org("市财政局")?.id, education.id];
    supporting.sort();
    ensure!(a.supporting_org_ids == supporting, "{:?}", a.supporting_org_ids);
    let targets = w.app.store().targets(w.tenant, item.id).await?;
    let t: Vec<(String, String, String, Option<String>)> = targets
        .iter()
        .map(|t| (t.metric.clone(), t.value.to_string(), t.unit.clone(), t.deadline.map(|d| d.to_string())))
        .collect();
    ensure!(
        t == [
            ("市级重点项目数".into(), "320".into(), "项".into(), Some("2026-12-31".into())),
            ("年度计划投资".into(), "560.5".into(), "亿元".into(), Some("2026-06-30".into())),
        ],
        "{t:?}"
    );
    ensure!(tasks[0].deadline.to_string() == "2026-12-31" && tasks[4].deadline.to_string() == "2026-08-31");
    ensure!(tasks[1].deadline.to_string() == "2026-12-31", "no deadline: the plan year's end");
    // A second file appends after the plan's existing tasks.
    let more = xlsx(&[&["序号", "任务内容"], &["三、", "强产业"], &["（一）", "壮大先进制造业"]], &[])?;
    w.app.import_task_ledger(&w.supervisor, plan, "补充.xlsx", &more).await?;
    let tasks = tasks_in_order(&w, plan).await?;
    ensure!(tasks.len() == 7 && tasks[5].title == "强产业" && tasks[6].parent_id == Some(tasks[5].id));
    // Decimal numbering (3, 3.1) in a file without Chinese numbers; a task's second
    // target row repeats its title with an empty 序号.
    let decimal = xlsx(
        &[
            &["序号", "任务内容", "指标", "目标值"],
            &["4", "优环境", "", ""],
            &["4.1", "优化营商环境", "", ""],
            &["4.1.1", "一网通办", "网上办件量", "100"],
            &["", "一网通办", "好评率", "99.5%"],
        ],
        &[],
    )?;
    w.app.import_task_ledger(&w.supervisor, plan, "十进制.xlsx", &decimal).await?;
    let tasks = tasks_in_order(&w, plan).await?;
    let depths: Vec<i32> = tasks[7..].iter().map(|t| t.depth).collect();
    ensure!(depths == [0, 1, 2], "{depths:?}");
    let targets = w.app.store().targets(w.tenant, tasks[9].id).await?;
    let read: Vec<(&str, String, &str)> =
        targets.iter().map(|t| (t.metric.as_str(), t.value.to_string(), t.unit.as_str())).collect();
    ensure!(read == [("网上办件量", "100".into(), ""), ("好评率", "99.5".into(), "%")], "{read:?}");
    Ok(())
}

async fn bad_rows(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    city(&w).await?;
    let plan = w.plan().await?;
    // Row 5: a deadline in words that is not a date; row 5 again: an unknown lead org.
    let file = tasks_file("下月底", "市不存在局")?;
    let errors = messages(w.app.import_task_ledger(&w.supervisor, plan, "错误.xlsx", &file).await);
    ensure!(
        errors.contains(
            &"第 5 行 F 列（完成时限）：“下月底”不是日期（可写作 2026-06-30、2026年6月30日、2026年6月底或年底）"
                .to_owned()
        ),
        "{errors:?}"
    );
    ensure!(errors.contains(&"第 5 行 H 列（牵头单位）：单位“市不存在局”不存在".to_owned()), "{errors:?}");
    // The owner is then not of the (unknown) lead org: that is reported too, nothing else.
    ensure!(errors.len() == 2, "{errors:?}");
    ensure!(task_count(&w, plan).await? == 0, "nothing imported");

    // Faults on two different rows, among good rows.
    let file = xlsx(
        &[
            &["序号", "任务内容", "指标", "目标值", "完成时限", "牵头单位"],
            &["1", "好的任务", "", "", "2026-06-30", "市财政局"],
            &["2", "坏的目标值", "新建学校", "约3", "2026-06-30", "市财政局"],
            &["3", "好的任务", "", "", "", ""],
            &["A-1", "", "指标", "", "2025-01-01", ""],
            &["4", "负的目标值", "新建学校（所）", "-5", "2026-06-30", "市财政局"],
            &["5", "负的增速", "能耗增速", "-1.5%", "2026-06-30", "市财政局"],
        ],
        &[],
    )?;
    let errors = messages(w.app.import_task_ledger(&w.supervisor, plan, "错误.xlsx", &file).await);
    let expected = [
        "第 3 行 D 列（目标值）：“约3”不是数字",
        "第 5 行 B 列（任务内容）：任务内容不能为空",
        "第 5 行 A 列（序号）：序号“A-1”无法识别层级，应写作 一、（一）1.（1）或 1、1.2、1.2.3",
        "第 5 行 E 列（完成时限）：“2025-01-01”早于计划年度开始（2026年1月1日）",
        "第 5 行 D 列（目标值）：填写了指标“指标”，目标值不能为空",
        "第 6 行 D 列（目标值）：目标值不能为负数（只有%、‰、百分点等比率可为负）",
    ];
    for e in expected {
        ensure!(errors.contains(&e.to_owned()), "missing {e}: {errors:?}");
    }
    ensure!(!errors.iter().any(|e| e.starts_with("第 7 行")), "a rate may fall: {errors:?}");
    let rows: Vec<u32> = errors.iter().filter_map(|e| e.strip_prefix("第 ")?.split(' ').next()?.parse().ok()).collect();
    ensure!(rows.len() == errors.len() && rows.is_sorted(), "in row order: {errors:?}");
    ensure!(task_count(&w, plan).await? == 0, "nothing imported");

    // Users: a weak password and an unknown org on two rows; no user is created.
    let file = xlsx(
        &[
            &["用户名", "姓名", "所属单位", "角色", "初始密码"],
            &["ok.user", "好用户", "市财政局", "填报员", "Goodpass2026"],
            &["weak", "弱密码", "市财政局", "填报员", "123"],
            &["lost", "找不到", "市外星局", "处长", "Goodpass2026"],
        ],
        &[],
    )?;
    let errors = messages(w.app.import_user_ledger(&w.admin, "用户.xlsx", &file).await);
    ensure!(errors.contains(&"第 3 行 E 列（初始密码）：密码长度应为8到128个字符".to_owned()), "{errors:?}");
    ensure!(errors.contains(&"第 4 行 C 列（所属单位）：单位“市外星局”不存在，请先导入或新增该单位".to_owned()));
    ensure!(errors.iter().any(|e| e.starts_with("第 4 行 D 列（角色）：“处长”不是有效的角色")), "{errors:?}");
    ensure!(w.app.store().user_login("ok.user").await?.is_none(), "nothing imported");
    // Orgs: a name that exists and a duplicate within the file.
    let file = xlsx(&[&["单位名称"], &["市新单位"], &["市财政局"], &["市新单位"]], &[])?;
    let errors = messages(w.app.import_org_ledger(&w.admin, "单位.xlsx", &file).await);
    ensure!(
        errors
            == [
                "第 3 行 A 列（单位名称）：已有同名单位“市财政局”",
                "第 4 行 A 列（单位名称）：“市新单位”与第 2 行重名"
            ],
        "{errors:?}"
    );
    ensure!(!w.app.orgs(&w.admin).await?.iter().any(|o| o.name == "市新单位"));

    // Hundreds of faults: the first 200 are listed, the rest counted.
    let mut rows: Vec<Vec<String>> = vec![vec!["任务内容".into(), "完成时限".into()]];
    for i in 0..300 {
        rows.push(vec![format!("任务{i}"), "某天".into()]);
    }
    let refs: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    let errors = messages(w.app.import_task_ledger(&w.supervisor, plan, "多.xlsx", &xlsx(&slices, &[])?).await);
    ensure!(errors.len() == 201, "{}", errors.len());
    ensure!(errors[200] == "另有 100 处错误未列出，请改正以上错误后重新上传", "{}", errors[200]);
    Ok(())
}

async fn bad_files(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let plan = w.plan().await?;
    let errors = messages(w.app.import_task_ledger(&w.supervisor, plan, "x.xlsx", b"not a workbook").await);
    ensure!(errors.len() == 1 && errors[0].starts_with("不是有效的 Excel 工作簿（.xlsx）"), "{errors:?}");
    let errors = messages(w.app.import_task_ledger(&w.supervisor, plan, "x.xlsx", b"").await);
    ensure!(errors[0].contains("请选择要上传的 Excel 台账文件"), "{errors:?}");
    let no_header = xlsx(&[&["标题"], &["序号", "指标"], &["1", "x"]], &[])?;
    let errors = messages(w.app.import_task_ledger(&w.supervisor, plan, "x.xlsx", &no_header).await);
    ensure!(errors == ["未找到表头：前 20 行中没有包含“任务内容”列的表头行"], "{errors:?}");
    let template = w.app.ledger_template(&w.supervisor, LedgerKind::Tasks)?;
    let errors = messages(w.app.import_task_ledger(&w.supervisor, plan, "模板.xlsx", &template).await);
    ensure!(errors == ["第 2 行表头下面没有数据行，没有可导入的任务"], "{errors:?}");
    Ok(())
}

async fn import_permissions(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let org = w.org("市财政局").await?;
    let reporter = w.user("reporter", Role::Reporter, org).await?;
    let leader = w.user("leader", Role::Leader, org).await?;
    let plan = w.plan().await?;
    let orgs = xlsx(&[&["单位名称"], &["市新单位"]], &[])?;
    let users = xlsx(
        &[
            &["用户名", "姓名", "所属单位", "角色", "初始密码"],
            &["new.one", "新人", "市财政局", "填报员", "Newpass2026"],
        ],
        &[],
    )?;
    let tasks = xlsx(&[&["任务内容"], &["新任务"]], &[])?;
    for user in [&reporter, &leader, &w.supervisor] {
        ensure!(
            matches!(w.app.import_org_ledger(user, "f.xlsx", &orgs).await, Err(AppError::Forbidden)),
            "{}",
            user.username
        );
        ensure!(matches!(w.app.import_user_ledger(user, "f.xlsx", &users).await, Err(AppError::Forbidden)));
    }
    for user in [&reporter, &leader, &w.admin] {
        ensure!(matches!(w.app.import_task_ledger(user, plan, "f.xlsx", &tasks).await, Err(AppError::Forbidden)));
    }
    ensure!(task_count(&w, plan).await? == 0);
    // The office imports tasks.
    w.app.import_task_ledger(&w.supervisor, plan, "f.xlsx", &tasks).await?;
    w.app.import_task_ledger(&w.supervisor, plan, "f.xlsx", &tasks).await?;
    ensure!(task_count(&w, plan).await? == 2);
    // Another tenant's plan is not found, for import and export alike.
    let stranger = w.stranger(Role::Supervisor).await?;
    let refused = w.app.import_task_ledger(&stranger, plan, "f.xlsx", &tasks).await;
    ensure!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
    ensure!(task_count(&w, plan).await? == 2);
    Ok(())
}

async fn export_permissions(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-01").await?;
    let finance = w.org("市财政局").await?;
    let culture = w.org("市文旅局").await?;
    let reporter = w.user("czj", Role::Reporter, finance).await?;
    let plan = w.plan().await?;
    w.task(plan, "财政牵头的任务", finance, &[], Some(("10", "亿元"))).await?;
    w.task(plan, "文旅牵头、财政配合的任务", culture, &[finance], None).await?;
    w.task(plan, "只有文旅的任务", culture, &[], None).await?;
    let titles = |bytes: &[u8]| -> Result<Vec<String>> {
        Ok(read_xlsx_rows(bytes)?.into_iter().skip(2).map(|r| r[1].clone()).collect())
    };
    let file = w.app.export_ledger(&reporter, plan).await?;
    ensure!(titles(&file.bytes)? == ["财政牵头的任务", "文旅牵头、财政配合的任务"], "{:?}", titles(&file.bytes)?);
    ensure!(file.tasks == 2 && file.rows == 2);
    let file = w.app.export_ledger(&w.supervisor, plan).await?;
    ensure!(titles(&file.bytes)?.len() == 3);
    let leader = w.user("leader", Role::Leader, culture).await?;
    ensure!(w.app.export_ledger(&leader, plan).await?.tasks == 3, "a leader reads the whole tenant");
    let stranger = w.stranger(Role::Supervisor).await?;
    let refused = w.app.export_ledger(&stranger, plan).await;
    ensure!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
    Ok(())
}

async fn export_contents(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-15").await?;
    city(&w).await?;
    let plan = w.plan().await?;
    w.app
        .import_task_ledger(&w.supervisor, plan, "任务.xlsx", &tasks_file("2026-12-31", "市发展和改革委员会")?)
        .await?;
    let tasks = tasks_in_order(&w, plan).await?;
    let item: TaskId = tasks[2].id;
    let (wu, _) = w.app.login("fgw.wu", "Wufagai2026").await?;
    let report = ReportInput {
        period: "2026-03".into(),
        percent_done: "30".into(),
        narrative: "已开工96项".into(),
        problems: "用地指标紧张".into(),
        next_steps: String::new(),
        actuals: Vec::new(),
        confirmed: false,
    };
    let report_id = w.app.submit_report(&wu, item, &report).await?;
    // A target read from a baseline (由280项提高到320项): the export must carry it.
    let baseline = "UPDATE targets SET baseline = '280' WHERE metric = '市级重点项目数'";
    ensure!(w.db.execute_raw(baseline).await? == 1);
    let at_most = "UPDATE targets SET comparator = 'le' WHERE metric = '年度计划投资'";
    ensure!(w.db.execute_raw(at_most).await? == 1);

    let file = w.app.export_ledger(&w.supervisor, plan).await?;
    ensure!(file.file_name == "2026年重点任务台账（2026年3月）.xlsx", "{}", file.file_name);
    ensure!(file.tasks == 5 && file.rows == 6, "{} {}", file.tasks, file.rows);
    let rows = read_xlsx_rows(&file.bytes)?;
    ensure!(rows[0][0] == "2026年重点任务台账（2026年3月）");
    ensure!(rows[1] == EXPORT_HEADERS);
    let light = tasks[2].light.label();
    let task = "实施市级重点项目320项，年度计划投资560亿元";
    ensure!(
        rows[4]
            == [
                "1.",
                task,
                "市级重点项目数",
                "320",
                "项",
                "等于",
                "280",
                "",
                "2026-12-31",
                "李副市长",
                "市发展和改革委员会",
                "市财政局、市教育局",
                "吴发改",
                "0",
                "待审核",
                "",
                "",
                light,
            ],
        "{:?}",
        rows[4]
    );
    ensure!(rows[5][..6] == ["1.", task, "年度计划投资", "560.5", "亿元", "不超过"], "{:?}", rows[5]);
    ensure!(rows[6][1] == "争取专项债券额度45亿元以上" && rows[6][14] == "未报送", "{:?}", rows[6]);
    // Sections report through their sub-tasks: nothing owed on their rows.
    ensure!(rows[2][..2] == ["一、", "稳增长"] && rows[2][14].is_empty(), "{:?}", rows[2]);
    ensure!(rows[3][..2] == ["（一）", "扩大有效投资"] && rows[3][14].is_empty(), "{:?}", rows[3]);
    ensure!(rows.len() == 2 + 6);
    // Another period's ledger: February's (nothing reported then); a week of this monthly plan is refused.
    let february = w.app.export_ledger_for(&w.supervisor, plan, "2026-02".parse().ok()).await?;
    ensure!(february.file_name == "2026年重点任务台账（2026年2月）.xlsx", "{}", february.file_name);
    ensure!(read_xlsx_rows(&february.bytes)?[4][14] == "未报送");
    let week = w.app.export_ledger_for(&w.supervisor, plan, "2026-W05".parse().ok()).await.err();
    ensure!(matches!(&week, Some(AppError::Invalid(i)) if i.errors[0].field == "period"), "{week:?}");
    // What a report says reaches the ledger once it is accepted, not before.
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    w.app.review(&w.supervisor, report_id, &accept).await?;
    let rows = read_xlsx_rows(&w.app.export_ledger(&w.supervisor, plan).await?.bytes)?;
    ensure!(rows[4][14..17] == ["已通过", "已开工96项", "用地指标紧张"], "{:?}", rows[4]);
    // The export can be imported again as a task ledger (its first columns are the template's).
    let second = w
        .app
        .create_plan(
            &w.supervisor,
            &qingdan_app::PlanInput { year: "2026".into(), title: "复制".into(), ..Default::default() },
        )
        .await?;
    let imported = w.app.import_task_ledger(&w.supervisor, second.id, "导出.xlsx", &file.bytes).await?;
    ensure!(imported.rows == 5 && imported.targets == 4, "{imported:?}");
    // Every target comes back as it was read: value, unit, 比较 and 基数.
    let readings = |plan: qingdan_domain::PlanId| {
        let w = &w;
        async move {
            let mut out = Vec::new();
            for task in tasks_in_order(w, plan).await? {
                for t in w.app.store().targets(w.tenant, task.id).await? {
                    out.push((t.metric, t.value, t.unit, t.comparator, t.baseline));
                }
            }
            anyhow::Ok(out)
        }
    };
    let (before, after) = (readings(plan).await?, readings(second.id).await?);
    ensure!(before.len() == 4 && before == after, "{before:?}\n{after:?}");
    ensure!(before.iter().any(|t| t.4.is_some()) && before.iter().any(|t| t.3 != qingdan_domain::Comparator::Exactly));
    Ok(())
}

async fn libreoffice_ledger(backend: Backend) -> Result<()> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../office/tests/fixtures/libreoffice-tasks.xlsx");
    let bytes = std::fs::read(&path).with_context(|| path.display().to_string())?;
    let w = World::new(backend, "2026-03-01").await?;
    for name in ["市发展和改革委员会", "市财政局", "市交通运输局", "市教育局"] {
        w.org(name).await?;
    }
    let plan = w.plan().await?;
    let imported = w.app.import_task_ledger(&w.supervisor, plan, "libreoffice-tasks.xlsx", &bytes).await?;
    ensure!(imported.rows == 5 && imported.targets == 4, "{imported:?}");
    let tasks = tasks_in_order(&w, plan).await?;
    let summary: Vec<(i32, &str)> = tasks.iter().map(|t| (t.depth, t.number.as_str())).collect();
    ensure!(summary == [(0, "一、"), (1, "（一）"), (2, "1."), (2, "2."), (0, "二、")], "{summary:?}");
    let targets = w.app.store().targets(w.tenant, tasks[2].id).await?;
    ensure!(targets.len() == 2 && targets[1].value.to_string() == "560.5" && targets[1].unit == "亿元");
    ensure!(tasks[2].responsibility.supporting_org_ids.len() == 2);
    ensure!(tasks[4].deadline.to_string() == "2026-08-31");
    // The same file with an org that does not exist is refused whole.
    let w2 = World::new(backend, "2026-03-01").await?;
    w2.org("市发展和改革委员会").await?;
    let plan2 = w2.plan().await?;
    let errors = messages(w2.app.import_task_ledger(&w2.supervisor, plan2, "x.xlsx", &bytes).await);
    ensure!(errors.contains(&"第 7 行 F 列（配合单位）：单位“市财政局”不存在".to_owned()), "{errors:?}");
    ensure!(errors.contains(&"第 12 行 G 列（牵头单位）：单位“市教育局”不存在".to_owned()), "{errors:?}");
    ensure!(task_count(&w2, plan2).await? == 0);
    Ok(())
}

async fn weekly_export(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-11").await?;
    let finance = w.org("市财政局").await?;
    let reporter = w.user("czj", Role::Reporter, finance).await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "争取专项债券额度45亿元以上", finance, &[], Some(("45", "亿元"))).await?;
    let weekly =
        qingdan_app::ScheduleInput { cycle: "weekly".into(), due_day: "5".into(), remind_days_before: "1".into() };
    w.app.set_reporting_schedule(&w.supervisor, plan, &weekly).await?;
    let period = w.app.current_period(&reporter, task).await?;
    ensure!(period.to_string() == "2026-W11", "{period}");
    let report = ReportInput {
        period: period.to_string(),
        percent_done: "20".into(),
        narrative: "本周已争取9亿元".into(),
        problems: String::new(),
        next_steps: String::new(),
        actuals: Vec::new(),
        confirmed: false,
    };
    let id = w.app.submit_report(&reporter, task, &report).await?;
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    w.app.review(&w.supervisor, id, &accept).await?;
    let file = w.app.export_ledger(&w.supervisor, plan).await?;
    let rows = read_xlsx_rows(&file.bytes)?;
    ensure!(rows[0][0].ends_with(&format!("（{}）", period.label())), "{:?}", rows[0][0]);
    ensure!(rows[2][14] == "已通过" && rows[2][15] == "本周已争取9亿元", "{:?}", rows[2]);
    Ok(())
}

async fn joined_section(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-15").await?;
    city(&w).await?;
    let plan = w.plan().await?;
    let first = w
        .app
        .preview_task_ledger(&w.supervisor, plan, "任务.xlsx", &tasks_file("2026-12-31", "市发展和改革委员会")?)
        .await?;
    w.app.confirm_task_ledger(&w.supervisor, &first.token).await?;
    let before = tasks_in_order(&w, plan).await?;
    let section = before.iter().find(|t| t.number == "一、").map(|t| t.id).context("一、")?;

    // 一、 again with its title and nothing else: it stands for the plan's own.
    let blank = ["", "", "", "", "", "", "", ""];
    let row = |seq: &'static str, title: &'static str, lead: &'static str| -> Vec<&'static str> {
        let mut row = vec![seq, title];
        row.extend_from_slice(&blank);
        row[7] = lead;
        row
    };
    let header: &[&str] =
        &["序号", "任务内容", "指标", "目标值", "计量单位", "完成时限", "牵头领导", "牵头单位", "配合单位", "责任人"];
    let rows = [
        row("一、", "稳增长", ""),
        row("（二）", "稳定外贸外资", "市发展和改革委员会"),
        row("三、", "促改革", "市教育局"),
    ];
    let mut sheet: Vec<&[&str]> = vec![&["补充任务"], header];
    sheet.extend(rows.iter().map(Vec::as_slice));
    let file = xlsx(&sheet, &[])?;
    let preview = w.app.preview_task_ledger(&w.supervisor, plan, "补充.xlsx", &file).await?;
    ensure!(preview.joined == ["一、稳增长"], "{:?}", preview.joined);
    ensure!((preview.tasks, preview.top_level) == (2, 1), "（二） under 一、, and 三、 new: {preview:?}");
    ensure!(preview.repeated_numbers.is_empty(), "{:?}", preview.repeated_numbers);
    let done = w.app.confirm_task_ledger(&w.supervisor, &preview.token).await?;
    let after = tasks_in_order(&w, plan).await?;
    ensure!(after.len() == before.len() + 2, "{} then {}", before.len(), after.len());
    let trade = after.iter().find(|t| t.title == "稳定外贸外资").context("（二）")?;
    ensure!(trade.parent_id == Some(section), "under the plan's 一、: {trade:?}");
    let last_of_section = after.iter().rposition(|t| t.parent_id == Some(section) || t.id == section);
    ensure!(after.iter().position(|t| t.id == trade.id) == last_of_section, "after 一、's own tasks: {after:?}");
    ensure!(after.iter().filter(|t| t.number == "一、").count() == 1, "no second 一、");
    // Undone, the added tasks go and the section stays.
    w.app.undo_task_ledger(&w.supervisor, plan, &done.roots).await?;
    let undone: Vec<_> = tasks_in_order(&w, plan).await?.into_iter().map(|t| t.id).collect();
    ensure!(undone == before.iter().map(|t| t.id).collect::<Vec<_>>(), "back as before");

    // 一、 and its （一） given bare: a new item goes under the plan's own （一）, no second （一）.
    let mut item = row("3.", "新建充电桩500个", "市发展和改革委员会");
    item[5] = "年底";
    let rows = [row("一、", "稳增长", ""), row("（一）", "扩大有效投资", ""), item];
    let mut sheet: Vec<&[&str]> = vec![&["补充任务"], header];
    sheet.extend(rows.iter().map(Vec::as_slice));
    let preview = w.app.preview_task_ledger(&w.supervisor, plan, "补充.xlsx", &xlsx(&sheet, &[])?).await?;
    ensure!(preview.joined == ["一、稳增长", "（一）扩大有效投资"] && preview.tasks == 1, "{preview:?}");
    let done = w.app.confirm_task_ledger(&w.supervisor, &preview.token).await?;
    let after = tasks_in_order(&w, plan).await?;
    let investment = after.iter().find(|t| t.number == "（一）").context("（一）")?.id;
    ensure!(after.iter().filter(|t| t.number == "（一）").count() == 1, "no second （一）");
    let added = after.iter().find(|t| t.title == "新建充电桩500个").context("3.")?;
    ensure!(added.parent_id == Some(investment), "under the plan's （一）: {added:?}");
    w.app.undo_task_ledger(&w.supervisor, plan, &done.roots).await?;

    // A section row that also fills a date or an org is a new section, warned of.
    let mut dated = row("一、", "稳增长", "");
    dated[5] = "年底";
    let file = xlsx(&[&["补充任务"], header, &dated], &[])?;
    let preview = w.app.preview_task_ledger(&w.supervisor, plan, "补充.xlsx", &file).await?;
    ensure!(preview.joined.is_empty() && preview.repeated_numbers == ["一、"], "{preview:?}");
    Ok(())
}

/// 一、 stands at its one item's 60 %; a ledger adds a second, empty
/// sub-section under it: 一、 is the mean of 60 and 0 at once, not when the
/// next report is accepted.
async fn import_recounts(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-15").await?;
    city(&w).await?;
    let plan = w.plan().await?;
    let first = tasks_file("2026-12-31", "市发展和改革委员会")?;
    w.app.import_task_ledger(&w.supervisor, plan, "任务.xlsx", &first).await?;
    let tasks = tasks_in_order(&w, plan).await?;
    let (wu, _) = w.app.login("fgw.wu", "Wufagai2026").await?;
    let (chen, _) = w.app.login("czj.chen", "Chencz2026").await?;
    let accept = ReviewInput { decision: "accept".into(), comment: String::new(), revision: None };
    for (number, reporter) in [("1.", &wu), ("2.", &chen)] {
        let item = tasks.iter().find(|t| t.number == number).context("item")?.id;
        let report = ReportInput {
            period: "2026-02".into(),
            percent_done: "60".into(),
            narrative: "按计划推进".into(),
            problems: String::new(),
            next_steps: String::new(),
            actuals: Vec::new(),
            confirmed: false,
        };
        let id = w.app.submit_report(reporter, item, &report).await?;
        w.app.review(&w.supervisor, id, &accept).await?;
    }
    let section = tasks.iter().find(|t| t.number == "一、").context("一、")?.id;
    // 发改委 leads 一、 too, but a section's form says before anything is typed that it takes no report.
    ensure!(w.app.report_form(&wu, section, None).await?.is_section, "一、 has sub-tasks");
    let item = tasks.iter().find(|t| t.number == "1.").context("1.")?.id;
    ensure!(!w.app.report_form(&wu, item, None).await?.is_section, "1. reports");
    let before = w.app.task(&w.supervisor, section).await?.task;
    ensure!(before.percent_done == 60, "{before:?}");

    let header: &[&str] =
        &["序号", "任务内容", "指标", "目标值", "计量单位", "完成时限", "牵头领导", "牵头单位", "配合单位", "责任人"];
    let joined: &[&str] = &["一、", "稳增长", "", "", "", "", "", "", "", ""];
    let added: &[&str] = &["（二）", "稳定外贸外资", "", "", "", "年底", "", "市发展和改革委员会", "", ""];
    let file = xlsx(&[&["补充任务"], header, joined, added], &[])?;
    w.app.import_task_ledger(&w.supervisor, plan, "补充.xlsx", &file).await?;
    let after = tasks_in_order(&w, plan).await?;
    let children: Vec<i64> = after.iter().filter(|t| t.parent_id == Some(section)).map(|t| t.percent_done).collect();
    ensure!(children == [60, 0], "{children:?}");
    let section = w.app.task(&w.supervisor, section).await?.task;
    ensure!(section.percent_done == 30, "一、 counts its new part: {section:?}");
    Ok(())
}

async fn preview_and_undo(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-15").await?;
    city(&w).await?;
    let plan = w.plan().await?;
    let file = tasks_file("2026-12-31", "市发展和改革委员会")?;
    let preview = w.app.preview_task_ledger(&w.supervisor, plan, "任务.xlsx", &file).await?;
    ensure!((preview.tasks, preview.targets) == (5, 4), "{preview:?}");
    ensure!(preview.repeated_numbers.is_empty(), "an empty plan has no section to repeat");
    ensure!(tasks_in_order(&w, plan).await?.is_empty(), "a preview writes nothing");
    let other = w.user("office2", Role::Supervisor, w.supervisor.org_id).await?;
    ensure!(w.app.confirm_task_ledger(&other, &preview.token).await.is_err(), "only the uploader confirms");
    let done = w.app.confirm_task_ledger(&w.supervisor, &preview.token).await?;
    ensure!(done.rows == 5 && tasks_in_order(&w, plan).await?.len() == 5);
    ensure!(w.app.confirm_task_ledger(&w.supervisor, &preview.token).await.is_err(), "a token writes once");
    // The same file again: the preview says which of its sections' numbers the plan has.
    let twice = w.app.preview_task_ledger(&w.supervisor, plan, "任务.xlsx", &file).await?;
    let tops: Vec<String> =
        tasks_in_order(&w, plan).await?.iter().filter(|t| t.parent_id.is_none()).map(|t| t.number.clone()).collect();
    ensure!(!tops.is_empty() && twice.repeated_numbers == tops, "{:?} / {tops:?}", twice.repeated_numbers);

    // A report on one of them: the import can no longer be taken back whole.
    let tasks = tasks_in_order(&w, plan).await?;
    let (wu, _) = w.app.login("fgw.wu", "Wufagai2026").await?;
    let report = ReportInput {
        period: "2026-03".into(),
        percent_done: "30".into(),
        narrative: "已开工".into(),
        ..Default::default()
    };
    let id = w.app.submit_report(&wu, tasks[2].id, &report).await?;
    let refused = w.app.undo_task_ledger(&w.supervisor, plan, &done.roots).await;
    ensure!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    ensure!(tasks_in_order(&w, plan).await?.len() == 5, "nothing moved");
    ensure!(matches!(w.app.undo_task_ledger(&wu, plan, &done.roots).await, Err(AppError::Forbidden)));

    // A second import, unreported, goes back as one step.
    let again = w.app.import_task_ledger(&w.supervisor, plan, "任务.xlsx", &file).await?;
    ensure!(tasks_in_order(&w, plan).await?.len() == 10);
    ensure!(w.app.undo_task_ledger(&w.supervisor, plan, &again.roots).await? == again.roots.len());
    let left: Vec<TaskId> = tasks_in_order(&w, plan).await?.iter().map(|t| t.id).collect();
    ensure!(left == tasks.iter().map(|t| t.id).collect::<Vec<_>>(), "the first import stays whole");
    ensure!(w.app.task_detail(&w.supervisor, tasks[2].id).await?.reports.iter().any(|r| r.id == id));
    Ok(())
}
