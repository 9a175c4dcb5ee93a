//! The 督办通知单 and the 工作进展通报, read back: their text with `docx_text`, their
//! format (fonts, page, margins, table borders, page numbers) from the XML parts, and
//! that another reader (docx-rs) opens them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use qingdan_domain::assignment::DayCounting;
use qingdan_office::{
    Bulletin, BulletinSummary, CellSize, Column, ColumnAlign, GongwenDoc, NO_LATE_ORGS, NO_RED_TASKS,
    SUPERVISION_NOTICE_TITLE, bulletin_docx, docx_text, supervision_notice_docx,
};

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

// ---- the 公文 format, on any document of the builder ----

/// Page, margins, fonts, indent, font table and page numbers, as GB/T 9704-2012 asks.
fn assert_gongwen_format(docx: &[u8]) {
    let document = part(docx, "word/document.xml");
    assert!(document.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4: {document}");
    for margin in [r#"w:top="2098""#, r#"w:bottom="1984""#, r#"w:left="1587""#, r#"w:right="1474""#] {
        assert!(document.contains(margin), "margin {margin}");
    }
    assert!(document.contains(r#"w:eastAsia="仿宋_GB2312""#), "body font");
    assert!(document.contains(r#"w:eastAsia="方正小标宋简体""#), "title font");
    assert!(document.contains(r#"<w:sz w:val="44" />"#), "title 2号 = 22 pt");
    assert!(document.contains(r#"<w:sz w:val="32" />"#), "body 3号 = 16 pt");
    assert!(document.contains(r#"w:firstLine="640""#), "two-character first-line indent");
    assert!(document.contains(r#"w:line="579" w:lineRule="exact""#), "22 lines a page: {document}");

    let fonts = part(docx, "word/fontTable.xml");
    for (name, alt) in
        [("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体"), ("黑体", "SimHei")]
    {
        let font = format!(r#"<w:font w:name="{name}"><w:altName w:val="{alt}"/>"#);
        assert!(fonts.contains(&font), "font table lacks {font}: {fonts}");
    }

    let footers = footers(docx);
    assert!(footers.contains("PAGE"), "page number field: {footers}");
    assert!(footers.contains("— "), "— 1 — style: {footers}");
    assert!(footers.contains(r#"w:eastAsia="宋体""#));
    let settings = part(docx, "word/settings.xml");
    assert!(settings.contains("evenAndOddHeaders"), "odd pages right, even left");

    // Another reader opens it.
    docx_rs::read_docx(docx).unwrap();
}

#[test]
fn notice_reads_back_with_facts_body_and_signature() {
    let notice = notice();
    let docx = supervision_notice_docx(&notice).unwrap();
    let text = docx_text(&docx).unwrap();
    let lines = lines(&text);

    assert_eq!(lines[0], SUPERVISION_NOTICE_TITLE);
    assert_eq!(lines[1], "督办〔2026〕12号");
    // The table of facts: one row per line, label and value separated by a tab.
    for row in [
        "督办事项\t老旧小区加装电梯项目推进缓慢问题",
        "事项来源\t领导批示",
        "交办日期\t2026年9月30日",
        "承办单位\t市住房和城乡建设局",
        "责任领导\t王建国（副局长）",
        "逾期环节\t办结（应于2026年11月18日前完成）",
        "逾期时间\t已逾期5个工作日",
        "反馈时限\t2026年12月2日前",
        "督办单位\t市委督查室",
    ] {
        assert!(lines.contains(&row), "row {row:?} missing in\n{text}");
    }
    assert!(lines.contains(&"市住房和城乡建设局："), "addressee line");
    assert!(text.contains(
        "你单位承办的“老旧小区加装电梯项目推进缓慢问题”（领导批示，2026年9月30日交办），办结环节应于2026年11月18日前完成，截至2026年11月25日已逾期5个工作日。"
    ));
    // Each line of the requirement is its own paragraph.
    assert!(lines.contains(&"请主要负责同志亲自过问，逐项梳理未完成原因。"));
    assert!(lines.contains(&"明确整改时限和责任人，确保按期办结。"));
    assert!(text.contains("请你单位于12月2日前将办理进展和结果书面报送市委督查室。逾期未办结的，将按规定通报。"));
    assert_eq!(&lines[lines.len() - 2..], ["市委督查室", "2026年11月25日"]);

    assert_gongwen_format(&docx);
    let document = part(&docx, "word/document.xml");
    assert!(document.contains(r#"<w:color w:val="FF0000" />"#), "red title");
    assert!(document.contains(r#"w:color="FF0000""#), "red separator line: {document}");
    assert!(document.contains("<w:tblBorders>"), "the table has borders");
    assert!(document.contains(r#"<w:jc w:val="right" />"#), "signature right-aligned");
    // GB/T 9704-2012 7.3.5.2: 市委督查室 (5 characters) over 2026年11月25日 (7): the date
    // two characters (640 twips) in, the organ 6 characters (1920) in.
    assert!(document.contains(r#"w:right="1920""#) && document.contains(r#"w:right="640""#), "{document}");
    assert!(!document.contains("<w:tblHeader />"), "the table of facts has no header row");
}

#[test]
fn notice_in_calendar_days_and_a_reply_into_next_year() {
    let mut notice = notice();
    notice.day_counting = DayCounting::CalendarDays;
    notice.days_overdue = 3;
    notice.issued_on = date(2026, 12, 28);
    notice.reply_by = date(2027, 1, 5);
    notice.responsible_leader = "  ".into();
    notice.requirement = String::new();
    let text = docx_text(&supervision_notice_docx(&notice).unwrap()).unwrap();
    assert!(text.contains("逾期时间\t已逾期3天"), "{text}");
    assert!(text.contains("请你单位于2027年1月5日前"), "a reply date in another year names the year");
    assert!(text.contains("责任领导\t—"), "no leader: a dash, not an empty cell");
}

#[test]
fn hostile_text_is_escaped_and_control_characters_dropped() {
    let mut notice = notice();
    notice.matter_title = "A&B <w:t>注入</w:t> \"引号\"\u{0}\u{7}\u{1b}尾".into();
    notice.requirement = "第一行\r\n第二行\r第三行".into();
    let docx = supervision_notice_docx(&notice).unwrap();
    let text = docx_text(&docx).unwrap();
    assert!(text.contains("督办事项\tA&B <w:t>注入</w:t> \"引号\"尾"), "{text}");
    for line in ["第一行", "第二行", "第三行"] {
        assert!(lines(&text).contains(&line), "{line}");
    }
}

// ---- the bulletin ----

#[test]
fn bulletin_reads_back_with_every_section() {
    let docx = bulletin_docx(&bulletin()).unwrap();
    let text = docx_text(&docx).unwrap();
    let lines = lines(&text);

    assert_eq!(lines[0], "关于2026年10月全市重点任务推进情况的通报");
    assert_eq!(lines[1], "第10期");
    assert!(lines.contains(&"各县（市、区）人民政府，市直各有关单位："));
    assert!(lines.contains(&"现将2026年10月工作进展情况通报如下："));
    let headings =
        ["一、总体情况", "二、各牵头单位进展情况", "三、红灯任务及存在问题", "四、报送滞后单位", "五、下一步工作要求"];
    let positions: Vec<usize> =
        headings.iter().map(|h| lines.iter().position(|l| l == h).unwrap_or_else(|| panic!("{h}"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "headings in order: {positions:?}");

    assert!(text.contains("截至2026年10月31日，共有末级任务120项。其中，已完成30项，绿灯（正常推进）60项，黄灯（进度滞后）20项，红灯（严重滞后）8项，逾期未完成2项；完成率25%。"), "{text}");
    assert!(lines.contains(&"（二）“双过半”情况"));
    assert!(text.contains("截至2026年6月30日，时间和任务均过半的任务90项，占75%；未实现“双过半”的任务30项。"));

    // Lights by org: header row and data rows, cell by cell.
    assert!(lines.contains(&"牵头单位\t任务数\t已完成\t绿灯\t黄灯\t红灯\t逾期\t平均进度"));
    assert!(lines.contains(&"市发展改革委\t10\t3\t4\t2\t1\t0\t62.5%"));
    assert!(lines.contains(&"市财政局\t4\t0\t4\t0\t0\t0\t—"));
    // Red list: the problems' lines are paragraphs of one cell (joined by a space).
    // The counts are part one's; the list given holds only two of the ten.
    assert!(lines.contains(&"本期红灯任务8项、逾期未完成任务2项，列出其中2项如下："), "{text}");
    assert!(lines.contains(&"序号\t编号\t任务内容\t牵头单位\t存在问题"));
    assert!(
        lines.contains(&"1\t1.2\t第1项重点任务：新建城市道路1公里\t市交通运输局\t征地拆迁未完成1户 资金到位率不足50%"),
        "{text}"
    );
    assert!(lines.contains(&"序号\t单位\t迟报（项）\t未报（项）"), "{lines:?}");
    assert!(lines.contains(&"1\t市自然资源局\t2\t1"), "{lines:?}");
    assert!(lines.contains(&"各牵头单位要对照红灯任务逐项制定整改措施。"));
    assert_eq!(&lines[lines.len() - 2..], ["市委督查室", "2026年11月25日"]);

    assert_gongwen_format(&docx);
    let document = part(&docx, "word/document.xml");
    assert!(document.contains(r#"w:eastAsia="黑体""#), "一、 headings and table headers in 黑体");
    assert!(document.contains(r#"w:eastAsia="楷体_GB2312""#), "（一） headings in 楷体_GB2312");
    assert!(!document.contains(r#"<w:color w:val="FF0000" />"#), "a bulletin is not red-headed");
    assert_eq!(document.matches("<w:tbl>").count(), 3, "three tables");
    assert_eq!(document.matches("<w:tblHeader />").count(), 3, "each table's header row repeats on every page");
}

#[test]
fn bulletin_leaves_out_empty_sections_cleanly() {
    let bulletin = Bulletin {
        title: String::new(),
        doc_number: String::new(),
        addressee: String::new(),
        summary: BulletinSummary { total: 0, ..BulletinSummary::default() },
        by_org: vec![],
        red_tasks: vec![],
        late_orgs: vec![],
        requirements: vec!["  ".into()],
        ..bulletin()
    };
    let docx = bulletin_docx(&bulletin).unwrap();
    let text = docx_text(&docx).unwrap();
    let lines = lines(&text);
    assert_eq!(lines[0], "2026年10月工作进展通报", "default title from the period");
    assert_eq!(lines[1], "现将2026年10月工作进展情况通报如下：", "no number, no addressee line");
    assert!(lines.contains(&NO_RED_TASKS));
    assert!(lines.contains(&NO_LATE_ORGS));
    assert!(lines.contains(&"本期无牵头单位进展数据。"));
    assert!(text.contains("完成率—"), "no division by zero: {text}");
    assert!(!text.contains("双过半"), "no 双过半 figures given");
    assert!(!text.contains("（二）"));
    assert!(!text.contains("下一步工作要求"), "blank requirements leave the section out");
    assert!(lines.contains(&"四、报送滞后单位"));
    assert!(!text.contains("五、"));
    assert!(!part(&docx, "word/document.xml").contains("<w:tbl>"), "no empty tables");
}

#[test]
fn bulletin_with_500_red_tasks_builds() {
    let mut bulletin = bulletin();
    bulletin.red_tasks = (1..=500).map(red_task).collect();
    (bulletin.summary.red, bulletin.summary.overdue) = (480, 20);
    let docx = bulletin_docx(&bulletin).unwrap();
    let text = docx_text(&docx).unwrap();
    assert!(text.contains("本期红灯任务480项、逾期未完成任务20项，具体如下："));
    assert!(
        text.contains("500\t51.1\t第500项重点任务：新建城市道路500公里\t市交通运输局\t征地拆迁未完成500户"),
        "last row"
    );
    assert_eq!(lines(&text).iter().filter(|l| l.contains("\t市交通运输局\t")).count(), 500);
    docx_rs::read_docx(&docx).unwrap();
}

// ---- the builder on its own ----

#[test]
fn builder_table_pads_short_rows_and_drops_extra_cells() {
    let columns = [
        Column { header: "甲", weight: 1, align: ColumnAlign::Left },
        Column { header: "乙", weight: 1, align: ColumnAlign::Center },
    ];
    let rows = vec![vec!["一".to_string()], vec!["二".into(), "三".into(), "多余".into()]];
    let docx = GongwenDoc::new()
        .title("第一行\n第二行", false)
        .heading1("一、标题")
        .heading2("（一）小标题")
        .body_with_lead("一是", "加强组织领导。")
        .table(&columns, &rows, CellSize::Body)
        .finish()
        .unwrap();
    let text = docx_text(&docx).unwrap();
    assert!(text.contains("甲\t乙\n一\t\n二\t三"), "{text}");
    assert!(!text.contains("多余"));
    assert!(text.contains("一是加强组织领导。"));
    let document = part(&docx, "word/document.xml");
    // The table spans the text block: 210 - 28 - 26 = 156 mm = 8845 twips.
    assert!(document.contains(r#"<w:tblW w:w="8845" w:type="dxa" />"#), "{document}");
    assert!(document.contains(r#"<w:br w:type="textWrapping" />"#), "two-line title");
}

/// A notice whose matter, org and requirement run long: everything stays within the
/// A4 text block (a fixed table as wide as the text), the labels never wrap, and the
/// long values wrap in their cells, whole.
#[test]
fn a_long_notice_stays_within_the_text_block_and_wraps() {
    let mut notice = notice();
    notice.matter_title = "关于加快推进城镇老旧小区改造和既有住宅加装电梯工作".repeat(6);
    notice.addressee_org = "青岚市住房和城乡建设局（青岚市人民防空办公室）".into();
    notice.requirement = "请主要负责同志亲自过问，逐项梳理未完成原因，明确整改时限和责任人。".repeat(8);
    let docx = supervision_notice_docx(&notice).unwrap();
    assert_gongwen_format(&docx);
    let document = part(&docx, "word/document.xml");
    let text_width = 11906 - 1587 - 1474;
    assert!(document.contains(&format!(r#"<w:tblW w:w="{text_width}" w:type="dxa" />"#)), "{document}");
    assert!(document.contains(r#"<w:tblLayout w:type="fixed" />"#), "columns keep their widths; text wraps");
    let columns: Vec<u32> =
        document.split(r#"<w:gridCol w:w=""#).skip(1).map(|s| s.split('"').next().unwrap().parse().unwrap()).collect();
    assert_eq!(columns.len(), 2, "{columns:?}");
    assert!(columns.iter().sum::<u32>() <= text_width, "{columns:?}");
    // 督办事项: four characters of 3号 (320 twips each) and the cell's margins (108 each side).
    assert!(columns[0] >= 4 * 320 + 2 * 108, "labels fit on one line: {columns:?}");
    let text = docx_text(&docx).unwrap();
    assert!(text.contains(&format!("督办事项\t{}", notice.matter_title)), "the long title whole in its cell");
    assert!(text.contains(&notice.requirement), "the long requirement whole");
}

#[test]
fn a_notice_names_its_supervising_office_as_author() {
    let core = part(&supervision_notice_docx(&notice()).unwrap(), "docProps/core.xml");
    assert!(core.contains(&format!("<dc:creator>{}</dc:creator>", notice().assigning_office)), "{core}");
}

#[test]
fn bulletin_properties_name_the_issuer_and_the_time_it_was_made() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T06:30:00Z").unwrap().to_utc();
    let bulletin = Bulletin { issuer: "市委督查室<&>".into(), generated_at: Some(at), ..bulletin() };
    let core = part(&bulletin_docx(&bulletin).unwrap(), "docProps/core.xml");
    assert!(core.contains("<dc:creator>市委督查室&lt;&amp;&gt;</dc:creator>"), "{core}");
    assert!(core.contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-25T06:30:00Z</dcterms:created>"#));
    assert!(core.contains(r#"<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-25T06:30:00Z</dcterms:modified>"#));
    assert!(!core.contains("unknown") && !core.contains("1970"), "{core}");

    let unnamed = part(&GongwenDoc::new().body("正文").finish().unwrap(), "docProps/core.xml");
    assert!(unnamed.contains("<dc:creator>Qingdan</dc:creator>"), "{unnamed}");
    assert!(!unnamed.contains("1970") && !unnamed.contains("dcterms:created"), "no date rather than 1970: {unnamed}");
}
