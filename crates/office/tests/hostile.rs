//! Hostile files: each is refused with a Chinese reason, within a memory bound.
//!
//! The files are built here: workbooks whose cells or shared strings declare far
//! more than they hold, zip entries that inflate past the limits (one of them with a
//! header that lies about its size), a broken `.xls` container whose sector chain
//! loops, documents that nest or repeat without end. The readers must answer with
//! [`OfficeError::OverLimit`], [`OfficeError::TooLarge`] or a `Not*` error.
//!
//! Memory: `each_hostile_file_is_refused_under_a_memory_limit` runs every case again
//! in a child process (this test binary, with `HOSTILE_CASE` set) under
//! `ulimit -v` of 1 GiB. Before the limits, the first case asked for 512 GB and
//! the `.xls` loop grew without end, so the child would abort and the test fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Write};
use std::process::Command;

use qingdan_office::{OfficeError, docx_text, read_xlsx_rows};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

/// A zip with the given entries, deflated.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A one-sheet workbook written by hand: `sheet_data` inside `<sheetData>`, `tail`
/// after it (merged cells), and a shared strings part when given.
fn xlsx(sheet_data: &str, tail: &str, shared_strings: Option<&[u8]>) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData>{tail}</worksheet>"#
    );
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(strings) = shared_strings {
        entries.push(("xl/sharedStrings.xml", strings));
    }
    zip(&entries)
}

fn cell(reference: &str, value: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>"#)
}

/// A `.docx` whose `word/document.xml` body is `body`.
fn docx(body: &[u8]) -> Vec<u8> {
    let mut document = br#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#.to_vec();
    document.extend_from_slice(body);
    document.extend_from_slice(b"</w:body></w:document>");
    zip(&[("word/document.xml", &document)])
}

/// Sets the declared uncompressed size of every entry (local and central headers)
/// to `size`: the header lies, the data still inflates to what it is.
fn lie_about_sizes(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
    let mut at = 0;
    while at + 30 <= bytes.len() {
        let offset = match &bytes[at..at + 4] {
            b"PK\x03\x04" => Some(22),
            b"PK\x01\x02" => Some(24),
            _ => None,
        };
        if let Some(offset) = offset {
            bytes[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
        }
        at += 1;
    }
    bytes
}

/// What a reader must give back for a case.
enum Expect {
    /// [`OfficeError::OverLimit`] or [`OfficeError::TooLarge`], with this text.
    TooLarge(&'static str),
    /// Any error with this text (a broken file).
    Refused(&'static str),
}

/// A hostile case: a name, how to build the file, which reader (a workbook or a
/// document), what it gives.
type Case = (&'static str, fn() -> Vec<u8>, bool, Expect);

fn cases() -> Vec<Case> {
    vec![
        (
            "a1_and_xfd1048576",
            a1_and_xfd1048576,
            true,
            Expect::TooLarge("表格过大：第一个工作表超过 100000 行（上限）"),
        ),
        ("one_cell_at_row_1048576", one_cell_at_row_1048576, true, Expect::TooLarge("超过 100000 行")),
        ("a1_and_xfd1", a1_and_xfd1, true, Expect::TooLarge("超过 200 列")),
        (
            "corner_cells_past_the_grid",
            corner_cells_past_the_grid,
            true,
            Expect::TooLarge("行数 × 列数超过 2000000 个单元格"),
        ),
        ("declared_shared_strings", declared_shared_strings, true, Expect::TooLarge("共享字符串")),
        ("two_million_shared_strings", two_million_shared_strings, true, Expect::TooLarge("共享字符串")),
        ("one_long_string_everywhere", one_long_string_everywhere, true, Expect::TooLarge("的文字超过 64 MiB")),
        ("overlapping_merges", overlapping_merges, true, Expect::TooLarge("合并单元格超过 2000000 个单元格")),
        ("sheet_zip_bomb", sheet_zip_bomb, true, Expect::TooLarge("解压后超过 128 MiB")),
        ("lying_zip_bomb", lying_zip_bomb, true, Expect::Refused("")),
        ("xls_looping_directory", xls_looping_directory, true, Expect::Refused("扇区链成环")),
        ("xls_declared_dimensions", xls_declared_dimensions, true, Expect::TooLarge("DIMENSIONS")),
        ("xls_far_cell", xls_far_cell, true, Expect::TooLarge("个单元格")),
        ("huge_document_xml", huge_document_xml, false, Expect::TooLarge("word/document.xml 解压后超过 64 MiB")),
        ("deeply_nested_tables", deeply_nested_tables, false, Expect::TooLarge("嵌套超过 64 层")),
        ("deeply_nested_paragraphs", deeply_nested_paragraphs, false, Expect::TooLarge("嵌套超过 64 层")),
        ("empty_paragraphs", empty_paragraphs, false, Expect::TooLarge("文档过大：正文超过 1000000 段（上限）")),
    ]
}

fn a1_and_xfd1048576() -> Vec<u8> {
    let data = format!(r#"<row r="1">{}</row><row r="1048576">{}</row>"#, cell("A1", "a"), cell("XFD1048576", "b"));
    xlsx(&data, "", None)
}

fn one_cell_at_row_1048576() -> Vec<u8> {
    xlsx(&format!(r#"<row r="1048576">{}</row>"#, cell("A1048576", "a")), "", None)
}

fn a1_and_xfd1() -> Vec<u8> {
    xlsx(&format!(r#"<row r="1">{}{}</row>"#, cell("A1", "a"), cell("XFD1", "b")), "", None)
}

/// GR1 and A99999: each within the row and column limits, 20 million cells between.
fn corner_cells_past_the_grid() -> Vec<u8> {
    let data = format!(r#"<row r="1">{}</row><row r="99999">{}</row>"#, cell("GR1", "a"), cell("A99999", "b"));
    xlsx(&data, "", None)
}

fn declared_shared_strings() -> Vec<u8> {
    let strings = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
    xlsx(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, "", Some(strings))
}

fn two_million_shared_strings() -> Vec<u8> {
    let mut strings = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#.to_vec();
    for _ in 0..2_000_000 {
        strings.extend_from_slice(b"<si><t/></si>");
    }
    strings.extend_from_slice(b"</sst>");
    xlsx(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, "", Some(&strings))
}

/// One shared string of 1 MB in 20,000 cells: 20 GB of text from a small file.
fn one_long_string_everywhere() -> Vec<u8> {
    let strings = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{}</t></si></sst>"#,
        "x".repeat(1 << 20)
    );
    let mut data = String::new();
    for row in 1..=1000 {
        data.push_str(&format!(r#"<row r="{row}">"#));
        for col in 0..20 {
            data.push_str(&format!(r#"<c r="{}{row}" t="s"><v>0</v></c>"#, char::from(b'A' + col)));
        }
        data.push_str("</row>");
    }
    xlsx(&data, "", Some(strings.as_bytes()))
}

/// A grid of 2 million cells and many regions covering all of it.
fn overlapping_merges() -> Vec<u8> {
    let data = format!(r#"<row r="1">{}</row><row r="10000">{}</row>"#, cell("A1", "a"), cell("GR10000", "b"));
    let regions = r#"<mergeCell ref="A1:GR10000"/>"#.repeat(1000);
    xlsx(&data, &format!(r#"<mergeCells count="1000">{regions}</mergeCells>"#), None)
}

/// A sheet inflating to 129 MiB of blanks: honest header.
fn sheet_zip_bomb() -> Vec<u8> {
    let blanks = " ".repeat(129 << 20);
    xlsx(&blanks, "", None)
}

/// The same bomb whose headers say every entry is 100 bytes.
fn lying_zip_bomb() -> Vec<u8> {
    lie_about_sizes(sheet_zip_bomb(), 100)
}

const XLS: &[u8] = include_bytes!("fixtures/libreoffice-tasks.xls");

fn u32_at(bytes: &[u8], at: usize) -> usize {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

/// The fixture `.xls` whose directory's sector points to itself in the FAT: calamine
/// reads that chain with no length limit.
fn xls_looping_directory() -> Vec<u8> {
    let mut bytes = XLS.to_vec();
    let sector_size = 1 << u16::from_le_bytes([bytes[30], bytes[31]]);
    let first_fat_sector = u32_at(&bytes, 76);
    let dir_start = u32_at(&bytes, 48);
    let at = (first_fat_sector + 1) * sector_size + dir_start * 4;
    bytes[at..at + 4].copy_from_slice(&(dir_start as u32).to_le_bytes());
    bytes
}

/// The first BIFF record of `kind` with data of `len` bytes in the fixture.
fn record(bytes: &[u8], kind: u16, len: u16) -> usize {
    let mut header = kind.to_le_bytes().to_vec();
    header.extend_from_slice(&len.to_le_bytes());
    bytes.windows(4).position(|w| w == header).expect("the fixture has the record") + 4
}

/// The fixture `.xls` whose DIMENSIONS say rows 0 to 16,777,215.
fn xls_declared_dimensions() -> Vec<u8> {
    let mut bytes = XLS.to_vec();
    let at = record(&bytes, 0x0200, 14);
    bytes[at + 4..at + 8].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
    bytes
}

/// The fixture `.xls` with a LabelSst cell moved to CW65536 (the last row of the
/// format, the 101st column): a dense grid of 6.6 million cells.
fn xls_far_cell() -> Vec<u8> {
    let mut bytes = XLS.to_vec();
    let at = record(&bytes, 0x00FD, 10);
    bytes[at..at + 2].copy_from_slice(&0xFFFFu16.to_le_bytes());
    bytes[at + 2..at + 4].copy_from_slice(&100u16.to_le_bytes());
    bytes
}

fn huge_document_xml() -> Vec<u8> {
    docx(&vec![b' '; 65 << 20])
}

fn deeply_nested_tables() -> Vec<u8> {
    docx(b"<w:tbl><w:tr><w:tc>".repeat(100_000).as_slice())
}

fn deeply_nested_paragraphs() -> Vec<u8> {
    docx(b"<w:p>".repeat(1_000_000).as_slice())
}

fn empty_paragraphs() -> Vec<u8> {
    docx(b"<w:p/>".repeat(1_100_000).as_slice())
}

/// Reads `bytes` with the reader of the case and checks the answer.
fn check(name: &str, bytes: &[u8], is_workbook: bool, expect: &Expect) {
    let error = if is_workbook {
        read_xlsx_rows(bytes).map(|_| ()).expect_err(name)
    } else {
        docx_text(bytes).map(|_| ()).expect_err(name)
    };
    let message = error.to_string();
    println!("{name}: {message}");
    assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{name}: a Chinese reason: {message}");
    match expect {
        Expect::TooLarge(text) => {
            assert!(error.is_too_large(), "{name}: {error:?}");
            assert!(message.contains(text), "{name}: {message}");
        }
        Expect::Refused(text) => {
            assert!(
                error.is_too_large() || matches!(error, OfficeError::NotXlsx { .. } | OfficeError::NotDocx { .. }),
                "{name}: {error:?}"
            );
            assert!(message.contains(text), "{name}: {message}");
        }
    }
}

#[test]
fn each_hostile_file_is_refused_with_a_chinese_reason() {
    for (name, build, is_workbook, expect) in cases() {
        check(name, &build(), is_workbook, &expect);
    }
}

/// The child's side: runs the one case named in `HOSTILE_CASE`, reading the file
/// the parent wrote (building the bombs costs memory the reader must not be charged).
#[test]
fn hostile_child() {
    let (Ok(name), Ok(path)) = (std::env::var("HOSTILE_CASE"), std::env::var("HOSTILE_FILE")) else {
        return;
    };
    let (_, _, is_workbook, expect) = cases().into_iter().find(|c| c.0 == name).unwrap();
    let bytes = std::fs::read(path).unwrap();
    check(&name, &bytes, is_workbook, &expect);
}

/// The address space a child may use, in KiB (`ulimit -v`): 1 GiB, test harness
/// and thread stacks included.
const CHILD_MEMORY_KIB: u64 = 1 << 20;

#[test]
fn each_hostile_file_is_refused_under_a_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    for (name, build, _, _) in cases() {
        let path = dir.path().join(name);
        std::fs::write(&path, build()).unwrap();
        let output = Command::new("sh")
            .arg("-c")
            .arg(format!(r#"ulimit -v {CHILD_MEMORY_KIB} && exec "$0" --exact hostile_child --test-threads=1"#))
            .arg(&exe)
            .env("HOSTILE_CASE", name)
            .env("HOSTILE_FILE", &path)
            .env("MALLOC_ARENA_MAX", "2")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{name} failed under ulimit -v {CHILD_MEMORY_KIB}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("1 passed"), "{name}: the child ran its case: {stdout}");
    }
}

/// Found by the `xlsx_read` fuzz target: a broken `.xls` on which calamine's
/// `parse_extern_sheet` slices out of range. The panic is caught and reported.
#[test]
fn an_xls_that_panics_inside_calamine_is_refused() {
    let bytes = include_bytes!("fixtures/fuzz-xls-panics-in-calamine.xls");
    let error = read_xlsx_rows(bytes).unwrap_err();
    assert_eq!(error.to_string(), "不是有效的 Excel 工作簿（.xlsx）：文件已损坏，无法读取");
}
