//! 台账 (ledger): the draft responsibility list as an Excel workbook.
//!
//! Layout: a merged title row, a bold bordered header row, then one row per
//! target. A task with several targets takes several consecutive rows with the
//! same `seq` and `task`; their 序号 and 任务内容 cells are merged vertically, as
//! government ledgers do, and so are 建议牵头单位 and 章节 where all the rows of
//! the task agree. [`crate::read_xlsx_rows`] fills merged cells back in, so an
//! import sees every row complete.

use qingdan_domain::{Comparator, Decimal};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::OfficeError;

/// The header of a ledger, in column order.
pub const LEDGER_HEADERS: [&str; 10] =
    ["序号", "任务内容", "指标", "目标值", "计量单位", "比较", "基数", "完成时限", "建议牵头单位", "章节"];

/// Column widths in Excel's character units; a Chinese character takes about two.
const WIDTHS: [f64; 10] = [7.0, 60.0, 22.0, 12.0, 10.0, 9.0, 12.0, 13.0, 24.0, 22.0];

const FONT: &str = "宋体";
const TITLE_ROW: u32 = 0;
const HEADER_ROW: u32 = 1;
const FIRST_DATA_ROW: u32 = 2;

/// One row of a draft ledger: one target of a task, or a task without targets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerRow {
    /// 序号: the task's number in the list, e.g. `3` or `3.2`.
    pub seq: String,
    /// 任务内容: the commitment as written in the report.
    pub task: String,
    /// 指标: a short name of the target, e.g. `地区生产总值增速`.
    pub metric: String,
    /// 目标值: the target value; written as a number.
    pub value: Option<Decimal>,
    /// 计量单位: the unit as written, e.g. `%`, `亿元`, `座`.
    pub unit: String,
    /// 比较: how the value is read; written as its Chinese label.
    pub comparator: Option<Comparator>,
    /// 基数: the starting value.
    pub baseline: Option<Decimal>,
    /// 完成时限: the deadline; written as a date `yyyy-mm-dd`.
    pub deadline: Option<chrono::NaiveDate>,
    /// 建议牵头单位: the suggested lead org.
    pub lead_org: String,
    /// 章节: the heading the task stands under, e.g. `三、(一)`.
    pub section: String,
}

/// Writes a draft ledger: `title` in a merged first row, the [`LEDGER_HEADERS`], then
/// `rows` in order on one sheet named 台账.
///
/// Consecutive rows of one task (same non-empty `seq` and same `task`) share merged
/// 序号 and 任务内容 cells; see the module doc.
///
/// # Errors
///
/// [`OfficeError::LedgerWrite`] when the workbook cannot be written, e.g. a cell
/// longer than Excel's 32,767 characters or more rows than a sheet holds.
pub fn draft_ledger_xlsx(title: &str, rows: &[LedgerRow]) -> Result<Vec<u8>, OfficeError> {
    write(title, rows).map_err(|e| OfficeError::LedgerWrite { reason: e.to_string() })
}

struct Formats {
    title: Format,
    header: Format,
    text: Format,
    centered: Format,
    number: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new().set_font_name(FONT).set_font_size(11);
        let cell = base.clone().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Self {
            title: base
                .clone()
                .set_bold()
                .set_font_size(18)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9D9D9)),
            text: cell.clone().set_text_wrap(),
            centered: cell.clone().set_align(FormatAlign::Center).set_text_wrap(),
            // General shows a decimal as written (5.1 stays 5.1) and keeps it a number.
            number: cell.clone().set_num_format("General"),
            date: cell.set_align(FormatAlign::Center).set_num_format("yyyy-mm-dd"),
        }
    }
}

fn write(title: &str, rows: &[LedgerRow]) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("台账")?;

    let last_col = (LEDGER_HEADERS.len() - 1) as u16;
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, title, &formats.title)?;
    sheet.set_row_height(TITLE_ROW, 36)?;
    for (col, (header, width)) in LEDGER_HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(HEADER_ROW, col, *header, &formats.header)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_row_height(HEADER_ROW, 24)?;

    for (i, row) in rows.iter().enumerate() {
        write_row(sheet, FIRST_DATA_ROW + i as u32, row, &formats)?;
    }
    merge_tasks(sheet, rows, &formats)?;

    let last_row = FIRST_DATA_ROW + rows.len() as u32 - 1;
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    sheet.autofilter(HEADER_ROW, 0, last_row.max(HEADER_ROW), last_col)?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    workbook.save_to_buffer()
}

fn write_row(sheet: &mut Worksheet, r: u32, row: &LedgerRow, f: &Formats) -> Result<(), XlsxError> {
    let texts = [
        (0, &row.seq, &f.centered),
        (1, &row.task, &f.text),
        (2, &row.metric, &f.text),
        (4, &row.unit, &f.centered),
        (8, &row.lead_org, &f.text),
        (9, &row.section, &f.text),
    ];
    for (col, text, format) in texts {
        sheet.write_string_with_format(r, col, text, format)?;
    }
    write_decimal(sheet, r, 3, row.value, &f.number)?;
    match row.comparator {
        Some(c) => sheet.write_string_with_format(r, 5, c.label(), &f.centered)?,
        None => sheet.write_blank(r, 5, &f.centered)?,
    };
    write_decimal(sheet, r, 6, row.baseline, &f.number)?;
    match &row.deadline {
        Some(date) => sheet.write_date_with_format(r, 7, date, &f.date)?,
        None => sheet.write_blank(r, 7, &f.date)?,
    };
    Ok(())
}

/// A decimal as an Excel number. Excel holds 15 significant digits; a value with
/// more (never a target in practice) is written as text rather than rounded.
pub(crate) fn write_decimal(
    sheet: &mut Worksheet,
    r: u32,
    col: u16,
    value: Option<Decimal>,
    format: &Format,
) -> Result<(), XlsxError> {
    let Some(value) = value else {
        sheet.write_blank(r, col, format)?;
        return Ok(());
    };
    let written = value.normalize().to_string();
    match written.parse::<f64>() {
        Ok(number) if significant_digits(&written) <= 15 => sheet.write_number_with_format(r, col, number, format)?,
        _ => sheet.write_string_with_format(r, col, &written, format)?,
    };
    Ok(())
}

fn significant_digits(decimal: &str) -> usize {
    decimal.chars().filter(char::is_ascii_digit).skip_while(|&c| c == '0').count()
}

/// Reads one text column of a row.
type Field = fn(&LedgerRow) -> &str;

/// Merges the task cells of consecutive rows of one task.
fn merge_tasks(sheet: &mut Worksheet, rows: &[LedgerRow], f: &Formats) -> Result<(), XlsxError> {
    let mut start = 0;
    while start < rows.len() {
        let first = &rows[start];
        let len = rows[start..]
            .iter()
            .take_while(|r| !first.seq.is_empty() && r.seq == first.seq && r.task == first.task)
            .count()
            .max(1);
        if len > 1 {
            let group = &rows[start..start + len];
            let top = FIRST_DATA_ROW + start as u32;
            let bottom = top + len as u32 - 1;
            let columns: [(u16, Field, &Format); 4] = [
                (0, |r| &r.seq, &f.centered),
                (1, |r| &r.task, &f.text),
                (8, |r| &r.lead_org, &f.text),
                (9, |r| &r.section, &f.text),
            ];
            for (col, field, format) in columns {
                let value = field(first);
                if group.iter().all(|r| field(r) == value) {
                    sheet.merge_range(top, col, bottom, col, value, format)?;
                }
            }
        }
        start += len;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::str::FromStr;

    use calamine::{Data, Reader, Xlsx};
    use chrono::NaiveDate;

    use super::*;
    use crate::read_xlsx_rows;

    fn decimal(text: &str) -> Option<Decimal> {
        Some(Decimal::from_str(text).unwrap())
    }

    fn date(text: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    /// Task 1 has two targets, task 2 one, task 3 none.
    fn rows() -> Vec<LedgerRow> {
        let gdp = LedgerRow {
            seq: "1".into(),
            task: "地区生产总值增长8%左右，城镇调查失业率控制在5.5%以内".into(),
            metric: "地区生产总值增速".into(),
            value: decimal("8"),
            unit: "%".into(),
            comparator: Some(Comparator::About),
            baseline: None,
            deadline: date("2021-12-31"),
            lead_org: "市发展改革委".into(),
            section: "二、".into(),
        };
        vec![
            gdp.clone(),
            LedgerRow {
                metric: "城镇调查失业率".into(),
                value: decimal("5.5"),
                comparator: Some(Comparator::AtMost),
                lead_org: "市人社局".into(),
                ..gdp
            },
            LedgerRow {
                seq: "2".into(),
                task: "森林覆盖率由57%提高到57.60%".into(),
                metric: "森林覆盖率".into(),
                value: decimal("57.60"),
                unit: "%".into(),
                comparator: Some(Comparator::AtLeast),
                baseline: decimal("57"),
                deadline: date("2025-12-31"),
                lead_org: "市林业局".into(),
                section: "三、(一)".into(),
            },
            LedgerRow {
                seq: "3".into(),
                task: "深化“放管服”改革".into(),
                section: "三、(二)".into(),
                ..LedgerRow::default()
            },
        ]
    }

    #[test]
    fn a_written_ledger_reads_back_cell_by_cell() {
        let bytes = draft_ledger_xlsx("晋城市2021年政府工作报告任务清单（草稿）", &rows()).unwrap();
        let cells = read_xlsx_rows(&bytes).unwrap();

        let title = "晋城市2021年政府工作报告任务清单（草稿）";
        assert_eq!(cells[0], [title; 10], "merged title fills its row");
        assert_eq!(cells[1], LEDGER_HEADERS);
        let expected = [
            [
                "1",
                "地区生产总值增长8%左右，城镇调查失业率控制在5.5%以内",
                "地区生产总值增速",
                "8",
                "%",
                "左右",
                "",
                "2021-12-31",
                "市发展改革委",
                "二、",
            ],
            [
                "1",
                "地区生产总值增长8%左右，城镇调查失业率控制在5.5%以内",
                "城镇调查失业率",
                "5.5",
                "%",
                "不超过",
                "",
                "2021-12-31",
                "市人社局",
                "二、",
            ],
            [
                "2",
                "森林覆盖率由57%提高到57.60%",
                "森林覆盖率",
                "57.6",
                "%",
                "不低于",
                "57",
                "2025-12-31",
                "市林业局",
                "三、(一)",
            ],
            ["3", "深化“放管服”改革", "", "", "", "", "", "", "", "三、(二)"],
        ];
        assert_eq!(cells[2..], expected);
    }

    #[test]
    fn values_are_numbers_dates_are_dates_and_a_tasks_cells_are_merged() {
        let bytes = draft_ledger_xlsx("清单", &rows()).unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), ["台账"]);
        let range = workbook.worksheet_range("台账").unwrap();
        assert_eq!(range.get_value((3, 3)), Some(&Data::Float(5.5)));
        assert_eq!(range.get_value((4, 6)), Some(&Data::Float(57.0)));
        let Some(Data::DateTime(deadline)) = range.get_value((4, 7)) else {
            panic!("deadline is not a date: {:?}", range.get_value((4, 7)));
        };
        assert_eq!(deadline.as_datetime().map(|d| d.date()), date("2025-12-31"));

        let mut merged: Vec<_> =
            workbook.merge_cells_by_sheet_id(0).unwrap().into_iter().map(|d| (d.start, d.end)).collect();
        merged.sort();
        // Title; task 1's 序号, 任务内容 and 章节 (its rows differ in 牵头单位).
        assert_eq!(merged, [((0, 0), (0, 9)), ((2, 0), (3, 0)), ((2, 1), (3, 1)), ((2, 9), (3, 9))]);
    }

    #[test]
    fn an_empty_list_still_has_title_and_headers() {
        let cells = read_xlsx_rows(&draft_ledger_xlsx("空清单", &[]).unwrap()).unwrap();
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[1], LEDGER_HEADERS);
    }

    #[test]
    fn a_decimal_beyond_excel_precision_is_kept_as_text() {
        let row = LedgerRow {
            seq: "1".into(),
            value: decimal("1234567890.1234567"),
            baseline: decimal("0.000001"),
            ..LedgerRow::default()
        };
        let cells = read_xlsx_rows(&draft_ledger_xlsx("精度", &[row]).unwrap()).unwrap();
        assert_eq!(cells[2][3], "1234567890.1234567");
        assert_eq!(cells[2][6], "0.000001");
    }

    #[test]
    fn a_cell_longer_than_excel_allows_is_an_error() {
        let row = LedgerRow { task: "长".repeat(40_000), ..LedgerRow::default() };
        let error = draft_ledger_xlsx("过长", &[row]).unwrap_err();
        assert!(matches!(error, OfficeError::LedgerWrite { .. }), "{error:?}");
        assert!(error.to_string().starts_with("生成 Excel 台账失败："), "{error}");
    }
}
