//! A ledger made by hand in LibreOffice (tests/fixtures/README.md) reads as the
//! office meant it: columns found by header text, merged cells filled, blank rows gone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use qingdan_office::{TASK_COLUMNS, parse_ledger_date, read_ledger_table, task_column};

const FIXTURE: &[u8] = include_bytes!("fixtures/libreoffice-tasks.xlsx");

/// The same ledger saved by LibreOffice as an old binary .xls (Excel 97–2003).
const FIXTURE_XLS: &[u8] = include_bytes!("fixtures/libreoffice-tasks.xls");

#[test]
fn the_libreoffice_ledger_reads_row_by_row_with_its_excel_row_numbers() {
    check(FIXTURE);
}

#[test]
fn the_same_ledger_as_an_old_xls_reads_the_same_merged_cells_included() {
    check(FIXTURE_XLS);
}

fn check(bytes: &[u8]) {
    let table = read_ledger_table(bytes, &TASK_COLUMNS).unwrap();
    assert_eq!(table.header_row, 3, "the lower row of the two-row header");
    assert_eq!(table.locate(7, task_column::DEADLINE), "第 7 行 H 列（完成时限）");
    assert_eq!(table.locate(7, task_column::LEAD_ORG), "第 7 行 G 列（牵头单位）");
    let rows: Vec<u32> = table.lines.iter().map(|l| l.row).collect();
    assert_eq!(rows, [5, 6, 7, 8, 9, 12], "blank rows 4, 10 and 11 are dropped");
    let cells = |row: u32| table.lines.iter().find(|l| l.row == row).unwrap();
    let task = "实施市级重点项目320项，年度计划投资560亿元";
    let seventh = cells(7);
    assert_eq!(seventh.get(task_column::SEQ), "1.");
    assert_eq!(seventh.get(task_column::TASK), task);
    assert_eq!(seventh.get(task_column::VALUE), "320");
    assert_eq!(seventh.get(task_column::DEADLINE), "2026-12-31", "a date cell");
    let eighth = cells(8);
    assert_eq!(eighth.get(task_column::SEQ), "1.", "merged 序号 filled down");
    assert_eq!(eighth.get(task_column::TASK), task, "merged 任务内容 filled down");
    assert_eq!(eighth.get(task_column::VALUE), "560.5");
    assert_eq!(eighth.get(task_column::LEAD_ORG), "市发展和改革委员会");
    assert_eq!(eighth.get(task_column::SUPPORTING_ORGS), "市财政局、 市交通运输局");
    assert_eq!(parse_ledger_date(eighth.get(task_column::DEADLINE), 2026).unwrap().to_string(), "2026-06-30");
    assert_eq!(cells(12).get(task_column::DEADLINE), "2026/8/31");
    assert!(!table.has(task_column::LEAD_LEADER), "no 牵头领导 column in this ledger");
}
