//! Tests on .docx files built here: hand-written XML parts zipped together.

use std::io::Write;

use zip::write::SimpleFileOptions;

use super::*;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

/// A minimal .docx: the given body, and numbering/styles/footnotes parts if any.
fn docx(body: &str, numbering: Option<&str>, styles: Option<&str>) -> Vec<u8> {
    docx_with(&[
        (
            "word/document.xml",
            Some(format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
            )),
        ),
        (
            "word/numbering.xml",
            numbering.map(|n| format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{n}</w:numbering>"#)),
        ),
        (
            "word/styles.xml",
            styles.map(|s| format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>{s}</w:styles>"#)),
        ),
    ])
}

fn docx_with(parts: &[(&str, Option<String>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let fixed = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
    ];
    for (name, xml) in fixed {
        zip.start_file(name, options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    for (name, xml) in parts {
        if let Some(xml) = xml {
            zip.start_file(*name, options).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
    }
    zip.finish().unwrap().into_inner()
}

/// A paragraph of one run.
fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// A paragraph with direct numbering.
fn numbered(num_id: u32, level: u32, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

/// The way Chinese reports are numbered: 一、 / （一） / 1. / （1）.
const REPORT_NUMBERING: &str = r#"
<w:abstractNum w:abstractNumId="0">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/><w:lvlText w:val="（%4）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:abstractNum w:abstractNumId="7">
  <w:lvl w:ilvl="0"><w:start w:val="9"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="第%1条"/><w:suff w:val="space"/></w:lvl>
  <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%3"/><w:isLgl/></w:lvl>
</w:abstractNum>
<w:num w:numId="8"><w:abstractNumId w:val="7"/></w:num>
"#;

#[test]
fn runs_tabs_breaks_and_entities_become_text() {
    let body = format!(
        "{}{}{}",
        r#"<w:p><w:r><w:t>2021年</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">地区生产总值 </w:t></w:r><w:r><w:t>增长8%</w:t></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>左</w:t><w:tab/><w:t>右</w:t><w:br/><w:t>下一行 R&amp;D &lt;5&gt; &#x4E00;&#20108;</w:t></w:r></w:p>"#,
        "<w:p/>",
    ) + &p("完");
    let text = docx_text(&docx(&body, None, None)).unwrap();
    assert_eq!(text, "2021年地区生产总值 增长8%\n左\t右\n下一行 R&D <5> 一二\n\n完");
}

#[test]
fn table_rows_become_tab_separated_lines() {
    let cell = |content: &str| format!("<w:tc><w:tcPr/>{content}</w:tc>");
    let body = p("表前")
        + "<w:tbl><w:tblPr/>"
        + &format!("<w:tr>{}{}</w:tr>", cell(&p("指标")), cell(&p("目标")))
        + &format!("<w:tr>{}{}</w:tr>", cell(&p("地区生产总值")), cell(&(p("增长") + &p("8%左右"))))
        + &format!(
            "<w:tr>{}{}</w:tr>",
            cell(&p("嵌套")),
            cell(&format!("<w:tbl><w:tr>{}{}</w:tr></w:tbl>", cell(&p("甲")), cell(&p("乙"))))
        )
        + "</w:tbl>"
        + &p("表后");
    let text = docx_text(&docx(&body, None, None)).unwrap();
    assert_eq!(text, "表前\n指标\t目标\n地区生产总值\t增长 8%左右\n嵌套\t甲 乙\n表后");
}

#[test]
fn auto_numbered_headings_get_their_numbers() {
    let body = [
        numbered(1, 0, "总体要求"),
        numbered(1, 1, "稳增长"),
        numbered(1, 2, "工业"),
        numbered(1, 3, "煤炭"),
        numbered(1, 3, "电力"),
        numbered(1, 2, "服务业"),
        p("正文段落不编号。"),
        numbered(1, 1, "促改革"),
        numbered(1, 0, "重点工作"),
        numbered(1, 1, "扩内需"),
        numbered(1, 2, "投资"),
    ]
    .concat();
    let text = docx_text(&docx(&body, Some(REPORT_NUMBERING), None)).unwrap();
    let expected = [
        "一、总体要求",
        "（一）稳增长",
        "1. 工业",
        "（1）煤炭",
        "（2）电力",
        "2. 服务业",
        "正文段落不编号。",
        "（二）促改革",
        "二、重点工作",
        "（一）扩内需",
        "1. 投资",
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn instances_of_one_list_continue_unless_restarted() {
    let body = [
        numbered(1, 0, "甲"),
        numbered(1, 0, "乙"),
        numbered(2, 0, "丙"),
        numbered(3, 0, "丁"),
        numbered(3, 0, "戊"),
        numbered(2, 0, "己"),
    ]
    .concat();
    let text = docx_text(&docx(&body, Some(REPORT_NUMBERING), None)).unwrap();
    assert_eq!(text, "一、甲\n二、乙\n三、丙\n一、丁\n二、戊\n四、己");
}

#[test]
fn start_values_legal_numbers_and_bullets_follow_the_level() {
    let body = [
        numbered(8, 0, "总则"),
        numbered(8, 1, "要点"),
        numbered(8, 2, "细则"),
        numbered(8, 0, "附则"),
        numbered(99, 0, "未定义的编号"),
    ]
    .concat();
    let text = docx_text(&docx(&body, Some(REPORT_NUMBERING), None)).unwrap();
    assert_eq!(text, "第九条 总则\n要点\n9.1 细则\n第十条 附则\n未定义的编号");
}

#[test]
fn heading_styles_carry_numbering() {
    let styles = r#"
<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>
"#;
    let styled = |style: &str, extra: &str, text: &str| {
        format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#)
    };
    let body = [
        styled("1", "", "发展目标"),
        styled("2", "", "经济指标"),
        styled("2", "", "民生指标"),
        styled("1", r#"<w:numPr><w:numId w:val="0"/></w:numPr>"#, "附件"),
        styled("Loop", "", "循环样式"),
        styled("1", "", "重点任务"),
    ]
    .concat();
    let text = docx_text(&docx(&body, Some(REPORT_NUMBERING), Some(styles))).unwrap();
    assert_eq!(text, "一、发展目标\n（一）经济指标\n（二）民生指标\n附件\n循环样式\n二、重点任务");
}

#[test]
fn deleted_text_fields_and_fallbacks_are_left_out() {
    let body = r#"<w:p>
  <w:r><w:t>保留</w:t></w:r>
  <w:del w:id="1"><w:r><w:delText>删除</w:delText></w:r></w:del>
  <w:ins w:id="2"><w:r><w:t>插入</w:t></w:r></w:ins>
  <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
  <w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>
</w:p>"#;
    let text = docx_text(&docx(body, None, None)).unwrap();
    assert_eq!(text, "文本框\n保留插入3");
}

#[test]
fn footnotes_follow_the_body() {
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>“六稳”：稳就业、稳金融。</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let document = format!(
        r#"<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>做好“六稳”</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p></w:body></w:document>"#
    );
    let bytes = docx_with(&[("word/document.xml", Some(document)), ("word/footnotes.xml", Some(footnotes))]);
    assert_eq!(docx_text(&bytes).unwrap(), "做好“六稳”\n“六稳”：稳就业、稳金融。");
}

#[test]
fn the_main_part_is_found_through_the_package_relationships() {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    zip.start_file("_rels/.rels", options).unwrap();
    zip.write_all(br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#).unwrap();
    zip.start_file("word/document2.xml", options).unwrap();
    // UTF-16 with a byte-order mark, as some tools write.
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-16"?><w:document {W}><w:body>{}</w:body></w:document>"#,
        p("十四五")
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
    zip.write_all(&utf16).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(docx_text(&bytes).unwrap(), "十四五");
}

#[test]
fn bad_bytes_give_a_chinese_error_that_names_the_fault() {
    let broken_xml = docx_with(&[("word/document.xml", Some("<w:document><w:body><w:p></w:body>".to_string()))]);
    let latin1 = {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("word/document.xml", SimpleFileOptions::default()).unwrap();
        zip.write_all(b"<w:document>\xff\xfe\xfd</w:document>").unwrap();
        zip.finish().unwrap().into_inner()
    };
    let no_document = docx_with(&[("word/other.xml", Some("<x/>".to_string()))]);
    let cases: [(&str, &[u8], &str); 7] = [
        ("empty", b"", "文件是空的"),
        ("text", "政府工作报告".as_bytes(), "不是 zip 压缩包"),
        ("pdf", b"%PDF-1.7\n", "PDF"),
        ("old doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], ".doc"),
        ("broken xml", &broken_xml, "XML 格式有误"),
        ("not utf-8", &latin1, "不是 UTF-8"),
        ("no document", &no_document, "缺少正文部分 word/document.xml"),
    ];
    for (name, bytes, fragment) in cases {
        let error = docx_text(bytes).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, OfficeError::NotDocx { .. }), "{name}: {error:?}");
        assert!(message.starts_with("不是有效的 Word 文档（.docx）："), "{name}: {message}");
        assert!(message.contains(fragment), "{name}: {message}");
    }
}

#[test]
fn damaged_files_never_panic() {
    let body = [numbered(1, 0, "总体要求"), numbered(1, 1, "稳增长"), p("正文")].concat();
    let good = docx(&body, Some(REPORT_NUMBERING), None);
    for len in 0..good.len() {
        let _ = docx_text(&good[..len]);
    }
    for i in (0..good.len()).step_by(3) {
        let mut bad = good.clone();
        bad[i] ^= 0x5A;
        let _ = docx_text(&bad);
    }
    // Hostile numbering definitions: huge starts, out-of-range levels, self-references.
    let hostile = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="9223372036854775807"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1%9%%"/></w:lvl><w:lvl w:ilvl="42"/><w:lvl w:ilvl="1"><w:start w:val="-9223372036854775808"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2"/><w:lvlRestart w:val="-5"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;
    let body = [numbered(1, 0, "甲"), numbered(1, 0, "乙"), numbered(1, 1, "丙"), numbered(1, 99, "丁")].concat();
    let text = docx_text(&docx(&body, Some(hostile), None)).unwrap();
    assert_eq!(text.lines().count(), 4);
}

/// A .docx written by docx-rs, as a document from another tool would be.
fn docx_rs_bytes(doc: docx_rs::Docx) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    doc.build().pack(&mut bytes).unwrap();
    bytes.into_inner()
}

#[test]
fn a_docx_written_by_another_library_reads_back_with_its_numbering() {
    use docx_rs::{
        AbstractNumbering, BreakType, Docx, IndentLevel, Level, LevelJc, LevelSuffixType, LevelText, NumberFormat,
        Numbering, NumberingId, Paragraph, Run, Start, Table, TableCell, TableRow,
    };
    let text = |t: &str| Paragraph::new().add_run(Run::new().add_text(t));
    let heading = |level: usize, t: &str| {
        Paragraph::new().numbering(NumberingId::new(5), IndentLevel::new(level)).add_run(Run::new().add_text(t))
    };
    let level = |i: usize, format: &str, template: &str| {
        Level::new(i, Start::new(1), NumberFormat::new(format), LevelText::new(template), LevelJc::new("left"))
    };
    let doc = Docx::new()
        .add_abstract_numbering(
            AbstractNumbering::new(5)
                .add_level(level(0, "chineseCounting", "%1、").suffix(LevelSuffixType::Nothing))
                .add_level(level(1, "chineseCounting", "（%2）")),
        )
        .add_numbering(Numbering::new(5, 5))
        .add_paragraph(text("政府工作报告"))
        .add_paragraph(heading(0, "过去一年工作回顾"))
        .add_paragraph(heading(1, "经济实力"))
        .add_paragraph(
            Paragraph::new().add_run(
                Run::new()
                    .add_text("地区生产总值")
                    .add_tab()
                    .add_text("增长8%")
                    .add_break(BreakType::TextWrapping)
                    .add_text("次行"),
            ),
        )
        .add_table(Table::new(vec![TableRow::new(vec![
            TableCell::new().add_paragraph(text("指标")),
            TableCell::new().add_paragraph(text("目标")),
        ])]))
        .add_paragraph(heading(0, "2021年工作安排"))
        .add_paragraph(heading(1, "稳增长"));

    let text = docx_text(&docx_rs_bytes(doc)).unwrap();
    let expected = [
        "政府工作报告",
        "一、过去一年工作回顾",
        "（一）经济实力",
        "地区生产总值\t增长8%",
        "次行",
        "指标\t目标",
        "二、2021年工作安排",
        "（一）稳增长",
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn the_corpus_report_survives_a_trip_through_word() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/jincheng-2021-government-work-report.txt");
    let Ok(report) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} is absent");
        return;
    };
    let lines: Vec<&str> = report.lines().collect();
    let doc = lines.iter().fold(docx_rs::Docx::new(), |doc, line| {
        doc.add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(*line)))
    });
    let text = docx_text(&docx_rs_bytes(doc)).unwrap();
    assert_eq!(text.lines().collect::<Vec<_>>(), lines);
}
