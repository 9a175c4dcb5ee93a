//! 台账 (ledger) import: the columns an office's spreadsheet has, found by their
//! header text, and its rows as plain strings with their Excel row numbers.
//!
//! Spreadsheets made by hand are noisy: a merged title row above the header,
//! headers merged over two rows, full-width letters and stray spaces in header
//! text, columns in any order, blank rows between sections, task cells merged
//! down over the rows of their targets. [`read_ledger_table`] tolerates all of
//! that: merged cells are filled in ([`crate::read_xlsx_rows`]), the header is
//! the row among the first [`HEADER_SEARCH_ROWS`] that names the most known
//! columns, header-like rows right below it are skipped, and blank rows are
//! dropped. What a cell means is left to the caller; this module knows no
//! orgs or tasks, only [`ColumnSpec`]s.

use chrono::{Datelike, NaiveDate};

use crate::{OfficeError, read_xlsx_rows};

/// How many rows from the top are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// One column a ledger may have.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnSpec {
    /// The header as the template writes it, e.g. `完成时限`.
    pub header: &'static str,
    /// Other header texts offices use for the same column, e.g. `截止日期`.
    pub aliases: &'static [&'static str],
    /// The column must be present (its cells may still be checked by the caller).
    pub required: bool,
    /// The width in the template, in Excel character units.
    pub width: f64,
    /// What to write, for the template's note sheet (填写说明).
    pub note: &'static str,
    /// An example value, for the note sheet.
    pub example: &'static str,
}

impl ColumnSpec {
    fn matches(&self, normalized: &str) -> bool {
        !normalized.is_empty()
            && (normalize_header(self.header) == normalized
                || self.aliases.iter().any(|alias| normalize_header(alias) == normalized))
    }
}

/// A ledger's columns located on its first sheet, and its data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerTable {
    /// The header row, numbered as Excel shows it (1 = the first row).
    pub header_row: u32,
    /// For each [`ColumnSpec`] asked for (same order), its 0-based column index, if present.
    pub columns: Vec<Option<usize>>,
    /// The non-blank rows below the header.
    pub lines: Vec<LedgerLine>,
    headers: Vec<&'static str>,
}

/// One data row of a ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    /// The row number as Excel shows it (1 = the first row).
    pub row: u32,
    /// One trimmed cell per [`ColumnSpec`] asked for (same order); `""` where the
    /// column is absent or the cell empty.
    pub cells: Vec<String>,
}

impl LedgerLine {
    /// The cell of column `spec` (an index into the specs), `""` if absent.
    pub fn get(&self, spec: usize) -> &str {
        self.cells.get(spec).map_or("", String::as_str)
    }
}

impl LedgerTable {
    /// Where a cell is, as Excel shows it: `第 7 行 F 列（完成时限）`.
    pub fn locate(&self, row: u32, spec: usize) -> String {
        let header = self.headers.get(spec).copied().unwrap_or("");
        match self.columns.get(spec).copied().flatten() {
            Some(col) => format!("第 {row} 行 {} 列（{header}）", column_name(col)),
            None => format!("第 {row} 行（{header}）"),
        }
    }

    /// Whether the column of `spec` is present in the sheet.
    pub fn has(&self, spec: usize) -> bool {
        self.columns.get(spec).copied().flatten().is_some()
    }
}

/// The letters Excel gives a 0-based column index: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_name(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Full-width ASCII (`ＡＢＣ１２３（）`) and the ideographic space as their
/// half-width forms; other characters unchanged.
pub fn to_half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// A name as compared when resolving orgs and persons: half-width, without any
/// whitespace. `市 发改委` and `市发改委` are the same name.
pub fn normalize_name(text: &str) -> String {
    to_half_width(text).chars().filter(|c| !c.is_whitespace()).collect()
}

/// A header as compared with the known ones: half-width, no whitespace, no
/// `*` marks, without parenthesised remarks (`目标值（数字）` → `目标值`) and a
/// trailing colon.
pub fn normalize_header(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in normalize_name(text).chars() {
        match c {
            '(' | '【' | '[' => depth += 1,
            ')' | '】' | ']' => depth = depth.saturating_sub(1),
            '*' | '※' => {}
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim_end_matches([':', '：']).to_owned()
}

/// Reads the first sheet of a workbook as a ledger with the columns `specs`.
///
/// # Errors
///
/// [`OfficeError::NotXlsx`]/[`OfficeError::NoSheet`] for a file that is not a
/// workbook; [`OfficeError::LedgerHeader`] when no row among the first
/// [`HEADER_SEARCH_ROWS`] names every required column (the message lists the
/// missing ones).
pub fn read_ledger_table(bytes: &[u8], specs: &[ColumnSpec]) -> Result<LedgerTable, OfficeError> {
    let rows = read_xlsx_rows(bytes)?;
    let headers: Vec<&'static str> = specs.iter().map(|s| s.header).collect();
    let required = specs.iter().filter(|s| s.required).count();

    // The header row: the one that names the most known columns, all required ones first.
    let mut best: Option<(usize, Vec<Option<usize>>, usize, usize)> = None;
    for (r, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let columns = locate_columns(row, specs);
        let found_required = specs.iter().zip(&columns).filter(|(s, c)| s.required && c.is_some()).count();
        let found = columns.iter().flatten().count();
        let better = match &best {
            None => found > 0,
            Some((_, _, best_required, best_found)) => (found_required, found) > (*best_required, *best_found),
        };
        if better {
            best = Some((r, columns, found_required, found));
        }
    }
    let Some((header_index, columns, _, _)) = best.clone().filter(|b| b.2 == required) else {
        let missing: Vec<String> = match &best {
            Some((_, columns, _, _)) => specs
                .iter()
                .zip(columns)
                .filter(|(s, c)| s.required && c.is_none())
                .map(|(s, _)| format!("“{}”", s.header))
                .collect(),
            None => specs.iter().filter(|s| s.required).map(|s| format!("“{}”", s.header)).collect(),
        };
        return Err(OfficeError::LedgerHeader { missing: missing.join("、"), rows: HEADER_SEARCH_ROWS });
    };

    let mut lines = Vec::new();
    let mut in_header = true;
    for (r, row) in rows.iter().enumerate().skip(header_index + 1) {
        let cells: Vec<String> =
            columns.iter().map(|c| c.and_then(|c| row.get(c)).map_or(String::new(), |v| v.trim().to_owned())).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        // Rows of a header merged over two rows, right below the chosen one.
        if in_header && locate_columns(row, specs).iter().flatten().count() >= 2 {
            continue;
        }
        in_header = false;
        lines.push(LedgerLine { row: u32::try_from(r + 1).unwrap_or(u32::MAX), cells });
    }
    Ok(LedgerTable { header_row: u32::try_from(header_index + 1).unwrap_or(u32::MAX), columns, lines, headers })
}

/// For each spec, the first column of `row` whose text is its header or an alias.
fn locate_columns(row: &[String], specs: &[ColumnSpec]) -> Vec<Option<usize>> {
    let normalized: Vec<String> = row.iter().map(|c| normalize_header(c)).collect();
    let mut taken = vec![false; normalized.len()];
    specs
        .iter()
        .map(|spec| {
            let found = normalized.iter().enumerate().position(|(i, text)| !taken[i] && spec.matches(text));
            if let Some(i) = found {
                taken[i] = true;
            }
            found
        })
        .collect()
}

/// Reads a deadline as offices write it. Accepted:
///
/// - an Excel date cell (read as `2026-06-30`), or its serial number (`46203`);
/// - `2026-06-30`, `2026/6/30`, `2026.6.30`, `20260630`;
/// - `2026年6月30日`, `6月30日` (in `default_year`);
/// - `2026年6月底`, `2026年6月`, `6月底`, `6月` → the month's last day;
/// - `2026年底`, `年底`, `年内`, `全年` → 31 December (of `default_year` when no year is written).
///
/// Anything else (`下月底`, `长期坚持`) is `None`.
pub fn parse_ledger_date(text: &str, default_year: i32) -> Option<NaiveDate> {
    // 2026-06-30 with a time part, as a date-time cell reads.
    let half = to_half_width(text.trim());
    let date_part = normalize_name(half.split_once(' ').map_or(half.as_str(), |(d, _)| d));
    let text: String = normalize_name(text);
    let text = text.as_str();
    if text.is_empty() {
        return None;
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(&date_part, format) {
            return Some(d);
        }
    }
    if text.len() == 5
        && text.chars().all(|c| c.is_ascii_digit())
        && let Ok(serial) = text.parse::<i64>()
        && (20_000..=80_000).contains(&serial)
    {
        // Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was.
        return NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_signed(chrono::Duration::days(serial)));
    }
    parse_chinese_date(text, default_year)
}

fn parse_chinese_date(text: &str, default_year: i32) -> Option<NaiveDate> {
    if matches!(text, "年底" | "年末" | "年内" | "全年") {
        return NaiveDate::from_ymd_opt(default_year, 12, 31);
    }
    let (year, rest) = match text.split_once('年') {
        Some((y, rest)) => (y.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y))?, rest),
        None => (default_year, text),
    };
    if text.contains('年') && matches!(rest, "底" | "末" | "内" | "") {
        return NaiveDate::from_ymd_opt(year, 12, 31);
    }
    let (month, rest) = rest.split_once('月')?;
    let month: u32 = month.parse().ok()?;
    let month_end = || {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        };
        next.and_then(|d| d.pred_opt())
    };
    match rest {
        "" | "底" | "末" | "内" | "前" => month_end(),
        day => {
            let day: u32 = day.strip_suffix(['日', '号']).unwrap_or(day).parse().ok()?;
            NaiveDate::from_ymd_opt(year, month, day)
        }
    }
    .filter(|d| d.year() == year)
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::{Format, Workbook};

    use super::*;

    const SPECS: [ColumnSpec; 4] = [
        ColumnSpec { header: "序号", aliases: &["编号"], required: false, width: 6.0, note: "", example: "" },
        ColumnSpec {
            header: "任务内容", aliases: &["工作任务"], required: true, width: 40.0, note: "", example: ""
        },
        ColumnSpec {
            header: "完成时限", aliases: &["截止日期"], required: false, width: 12.0, note: "", example: ""
        },
        ColumnSpec {
            header: "牵头单位", aliases: &["责任单位"], required: false, width: 20.0, note: "", example: ""
        },
    ];

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn column_names_are_excel_letters() {
        for (index, name) in [(0, "A"), (5, "F"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_name(index), name);
        }
    }

    #[test]
    fn headers_match_despite_spaces_full_width_marks_and_remarks() {
        for (text, expected) in [
            (" 任务 内容 ", "任务内容"),
            ("*完成时限（YYYY-MM-DD）", "完成时限"),
            ("完成时限(必填)", "完成时限"),
            ("目标值：", "目标值"),
            ("ＡＢＣ　１", "ABC1"),
            ("【序号】", ""),
        ] {
            assert_eq!(normalize_header(text), expected, "{text}");
        }
    }

    #[test]
    fn dates_in_the_forms_offices_write() {
        let cases = [
            ("2026-06-30", date(2026, 6, 30)),
            ("2026-06-30 00:00:00", date(2026, 6, 30)),
            ("2026/6/30", date(2026, 6, 30)),
            ("2026.6.30", date(2026, 6, 30)),
            ("20260630", date(2026, 6, 30)),
            ("２０２６－０６－３０", date(2026, 6, 30)),
            ("2026年6月30日", date(2026, 6, 30)),
            ("2026 年 6 月 30 日", date(2026, 6, 30)),
            ("6月30日", date(2026, 6, 30)),
            ("2026年6月底", date(2026, 6, 30)),
            ("2026年2月底", date(2026, 2, 28)),
            ("2028年2月", date(2028, 2, 29)),
            ("12月底", date(2026, 12, 31)),
            ("2026年底", date(2026, 12, 31)),
            ("2027年底", date(2027, 12, 31)),
            ("年底", date(2026, 12, 31)),
            ("年内", date(2026, 12, 31)),
            ("46203", date(2026, 6, 30)),
            ("下月底", None),
            ("长期坚持", None),
            ("2026年13月", None),
            ("2026年2月30日", None),
            ("", None),
            ("12", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_ledger_date(text, 2026), expected, "{text}");
        }
    }

    /// A title row merged over the columns, a header merged over two rows in
    /// places, columns out of order, blank rows, a task merged over two rows.
    fn noisy_workbook() -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let plain = Format::new();
        sheet.merge_range(0, 0, 0, 4, "2026年重点任务台账", &plain).unwrap();
        sheet.merge_range(1, 0, 2, 0, "编号", &plain).unwrap();
        sheet.merge_range(1, 1, 2, 1, "备注", &plain).unwrap();
        sheet.merge_range(1, 2, 1, 3, "责任分工", &plain).unwrap();
        sheet.write_string(2, 2, " 责任单位 ").unwrap();
        sheet.write_string(2, 3, "截止日期（年月日）").unwrap();
        sheet.merge_range(1, 4, 2, 4, "＊任务　内容", &plain).unwrap();
        // Row 4 (Excel) blank, then a task over rows 5–6, a blank row 7, a task in row 8.
        sheet.merge_range(4, 0, 5, 0, "1", &plain).unwrap();
        sheet.merge_range(4, 4, 5, 4, "新建5G基站", &plain).unwrap();
        sheet.write_string(4, 2, "市工信局").unwrap();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_date_with_format(4, 3, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(), &date).unwrap();
        sheet.write_string(5, 3, "2026年底").unwrap();
        sheet.write_string(7, 0, "2").unwrap();
        sheet.write_string(7, 4, "改造老旧小区").unwrap();
        sheet.write_string(7, 1, "备注不是要找的列").unwrap();
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn a_noisy_sheet_reads_as_clean_lines_with_excel_row_numbers() {
        let table = read_ledger_table(&noisy_workbook(), &SPECS).unwrap();
        assert_eq!(table.header_row, 3);
        assert_eq!(table.columns, [Some(0), Some(4), Some(3), Some(2)]);
        let lines: Vec<(u32, Vec<&str>)> =
            table.lines.iter().map(|l| (l.row, l.cells.iter().map(String::as_str).collect())).collect();
        assert_eq!(
            lines,
            [
                (5, vec!["1", "新建5G基站", "2026-09-30", "市工信局"]),
                (6, vec!["1", "新建5G基站", "2026年底", ""]),
                (8, vec!["2", "改造老旧小区", "", ""]),
            ]
        );
        assert_eq!(table.locate(6, 2), "第 6 行 D 列（完成时限）");
        assert_eq!(table.locate(8, 1), "第 8 行 E 列（任务内容）");
    }

    #[test]
    fn a_sheet_without_a_required_column_names_what_is_missing() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "序号").unwrap();
        sheet.write_string(0, 1, "牵头单位").unwrap();
        sheet.write_string(1, 0, "1").unwrap();
        let error = read_ledger_table(&workbook.save_to_buffer().unwrap(), &SPECS).unwrap_err();
        assert_eq!(error.to_string(), "未找到表头：前 20 行中没有包含“任务内容”列的表头行");

        let empty = {
            let mut workbook = Workbook::new();
            workbook.add_worksheet();
            workbook.save_to_buffer().unwrap()
        };
        let error = read_ledger_table(&empty, &SPECS).unwrap_err();
        assert!(error.to_string().contains("“任务内容”"), "{error}");
        let error = read_ledger_table(b"not a workbook", &SPECS).unwrap_err();
        assert!(matches!(error, OfficeError::NotXlsx { .. }), "{error:?}");
    }

    #[test]
    fn only_the_first_matching_column_is_taken_and_absent_optional_columns_read_empty() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        for (col, text) in ["任务内容", "工作任务", "序号"].iter().enumerate() {
            sheet.write_string(0, col as u16, *text).unwrap();
        }
        for (col, text) in ["甲", "乙", "3"].iter().enumerate() {
            sheet.write_string(1, col as u16, *text).unwrap();
        }
        let table = read_ledger_table(&workbook.save_to_buffer().unwrap(), &SPECS).unwrap();
        assert_eq!(table.columns, [Some(2), Some(0), None, None]);
        assert_eq!(table.lines[0].cells, ["3", "甲", "", ""]);
        assert!(!table.has(2));
        assert_eq!(table.locate(2, 2), "第 2 行（完成时限）");
    }
}
