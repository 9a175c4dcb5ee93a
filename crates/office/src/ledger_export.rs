//! 台账导出 (ledger export): a plan's tasks with their targets, who answers for
//! them, this period's progress and each task's light, written row by row.
//!
//! The sheet is in rust_xlsxwriter's constant-memory mode: each row goes to a
//! temporary file as soon as the next row starts, so 100,000 tasks take no
//! more memory than a handful (the finished zip is built in memory). Rows must
//! therefore arrive in order: [`LedgerExport::push`] takes one task at a time
//! and writes its target rows at once, merging the task's cells down over
//! them (the writer pads merged ranges ahead of the current row).
//!
//! The 亮灯 cell is filled with the light's colour; the colours are chosen by
//! the light's code, and a second sheet lists every light of `Light::ALL`, so
//! a light added to the domain shows up without a change here.

use chrono::NaiveDate;
use qingdan_domain::{Comparator, Decimal, Light, StatusRules};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::OfficeError;
use crate::ledger::write_decimal;

/// The header of an exported ledger, in column order. Every column the task
/// template has is here under the template's name (比较 and 基数 too), so an
/// export can be edited and imported again without losing a target's reading.
pub const EXPORT_HEADERS: [&str; 18] = [
    "序号",
    "任务内容",
    "指标",
    "目标值",
    "计量单位",
    "比较",
    "基数",
    "目标实际值",
    "完成时限",
    "牵头领导",
    "牵头单位",
    "配合单位",
    "责任人",
    "工作进度（%）",
    "本期报送状态",
    "进展情况",
    "存在问题",
    "亮灯",
];

/// The columns of [`EXPORT_HEADERS`] by name.
mod col {
    pub const SEQ: u16 = 0;
    pub const TASK: u16 = 1;
    pub const METRIC: u16 = 2;
    pub const VALUE: u16 = 3;
    pub const UNIT: u16 = 4;
    pub const COMPARATOR: u16 = 5;
    pub const BASELINE: u16 = 6;
    pub const ACTUAL: u16 = 7;
    pub const DEADLINE: u16 = 8;
    pub const LEAD_LEADER: u16 = 9;
    pub const LEAD_ORG: u16 = 10;
    pub const SUPPORTING: u16 = 11;
    pub const OWNER: u16 = 12;
    pub const PERCENT: u16 = 13;
    pub const STATUS: u16 = 14;
    pub const NARRATIVE: u16 = 15;
    pub const PROBLEMS: u16 = 16;
    pub const LIGHT: u16 = 17;
}

/// Column widths, in Excel's character units (a Chinese character takes about
/// two). Chosen for print: the sheet is fitted to the width of an A4
/// landscape page, so every unit of width shrinks the type; with these the
/// scale stays near 77% (10 pt prints at about 7.7 pt) and long text wraps
/// within its column instead of widening it (see `print_scale` in the tests).
const WIDTHS: [f64; 18] =
    [5.0, 25.0, 13.0, 8.0, 6.0, 5.0, 6.0, 8.0, 10.5, 8.0, 13.0, 12.0, 7.0, 6.0, 7.0, 22.0, 14.0, 5.0];

/// A4 in Excel's paper codes.
const PAPER_A4: u8 = 9;
/// Page margins in inches (left, right, top, bottom, header, footer): about
/// 10 mm at the sides, 15 mm top and bottom, room for the page number.
const MARGINS: (f64, f64, f64, f64, f64, f64) = (0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
/// The footer on every printed page: `第 1 页，共 3 页`, centred.
const FOOTER: &str = "&C第 &P 页，共 &N 页";

/// Columns merged down over a task's target rows: all but the target's own.
const TASK_COLUMNS: [u16; 12] = [
    col::SEQ,
    col::TASK,
    col::DEADLINE,
    col::LEAD_LEADER,
    col::LEAD_ORG,
    col::SUPPORTING,
    col::OWNER,
    col::PERCENT,
    col::STATUS,
    col::NARRATIVE,
    col::PROBLEMS,
    col::LIGHT,
];

/// The columns of a target's own (one row per target).
const TARGET_COLUMNS: [u16; 6] = [col::METRIC, col::VALUE, col::UNIT, col::COMPARATOR, col::BASELINE, col::ACTUAL];

const FONT: &str = "宋体";
const HEADER_ROW: u32 = 1;
const FIRST_DATA_ROW: u32 = 2;
const LAST_COL: u16 = (EXPORT_HEADERS.len() - 1) as u16;

/// A task as one block of the exported ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportTask {
    /// 序号 as in the plan: `一、`, `（一）`, `1.`.
    pub number: String,
    /// Depth in the tree (0 = top), shown as an indent of 任务内容.
    pub depth: i32,
    pub title: String,
    pub targets: Vec<ExportTarget>,
    pub deadline: Option<NaiveDate>,
    pub lead_leader: String,
    pub lead_org: String,
    /// 配合单位, joined with 、 by the caller.
    pub supporting_orgs: String,
    pub owner: String,
    /// 工作进度 0–100.
    pub percent_done: i64,
    /// 本期报送状态: `已通过`, `待审核`, `已退回`, `未报送`.
    pub report_status: String,
    pub narrative: String,
    pub problems: String,
    pub light: Option<Light>,
}

/// One target row of a task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportTarget {
    pub metric: String,
    pub value: Option<Decimal>,
    pub unit: String,
    /// 比较: how the value is read (written as its label, 不低于 …).
    pub comparator: Option<Comparator>,
    /// 基数: the starting value.
    pub baseline: Option<Decimal>,
    /// 目标实际值: the latest accepted actual.
    pub actual: Option<Decimal>,
}

/// The fill and font colours of a light's cell (RGB), by its code. An unknown
/// code gets grey, so a new light is still written.
pub fn light_colors(light: Light) -> (u32, u32) {
    match light.code() {
        "green" => (0xC6EFCE, 0x006100),
        "yellow" => (0xFFEB9C, 0x9C5700),
        "red" => (0xFFC7CE, 0x9C0006),
        "overdue" => (0xC00000, 0xFFFFFF),
        "done" => (0xBDD7EE, 0x1F4E78),
        _ => (0xD9D9D9, 0x000000),
    }
}

struct Formats {
    text: Format,
    indented: Vec<Format>,
    centered: Format,
    number: Format,
    percent: Format,
    date: Format,
    lights: Vec<(Light, Format)>,
}

/// A ledger being written; see the module doc.
pub struct LedgerExport {
    workbook: Workbook,
    formats: Formats,
    next_row: u32,
    tasks: u64,
    /// The tenant's light rule, for the legend sheet.
    rules: StatusRules,
}

impl std::fmt::Debug for LedgerExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LedgerExport").field("next_row", &self.next_row).field("tasks", &self.tasks).finish()
    }
}

fn write_error(e: XlsxError) -> OfficeError {
    OfficeError::LedgerWrite { reason: e.to_string() }
}

impl LedgerExport {
    /// Starts a ledger titled `title` (merged over the first row), with the
    /// header row; its legend says what each light means under `rules`.
    ///
    /// # Errors
    ///
    /// [`OfficeError::LedgerWrite`] when the temporary file of the constant-memory sheet cannot be made.
    pub fn new(title: &str, rules: StatusRules) -> Result<LedgerExport, OfficeError> {
        let base = Format::new().set_font_name(FONT).set_font_size(10);
        let cell = base.clone().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        let lights = Light::ALL
            .into_iter()
            .map(|light| {
                let (fill, font) = light_colors(light);
                let format = cell
                    .clone()
                    .set_align(FormatAlign::Center)
                    .set_background_color(Color::RGB(fill))
                    .set_font_color(Color::RGB(font))
                    .set_bold();
                (light, format)
            })
            .collect();
        let formats = Formats {
            text: cell.clone().set_text_wrap(),
            indented: (0..4).map(|i| cell.clone().set_text_wrap().set_indent(i)).collect(),
            centered: cell.clone().set_align(FormatAlign::Center).set_text_wrap(),
            number: cell.clone().set_num_format("General"),
            percent: cell.clone().set_num_format("0").set_align(FormatAlign::Center),
            date: cell.clone().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Center),
            lights,
        };
        let title_format = base
            .clone()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let header = cell
            .clone()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_text_wrap()
            .set_background_color(Color::RGB(0xD9D9D9));
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory().map_err(write_error)?;
        (|| {
            sheet.set_name("台账")?;
            for (col, width) in WIDTHS.iter().enumerate() {
                sheet.set_column_width(col as u16, *width)?;
            }
            sheet.merge_range(0, 0, 0, LAST_COL, title, &title_format)?;
            sheet.set_row_height(0, 32)?;
            for (col, text) in EXPORT_HEADERS.iter().enumerate() {
                sheet.write_string_with_format(HEADER_ROW, col as u16, *text, &header)?;
            }
            // Narrow columns wrap their headers over up to three lines.
            sheet.set_row_height(HEADER_ROW, 42)?;
            sheet.set_freeze_panes(FIRST_DATA_ROW, 2)?;
            set_print_layout(sheet)?;
            Ok::<(), XlsxError>(())
        })()
        .map_err(write_error)?;
        Ok(LedgerExport { workbook, formats, next_row: FIRST_DATA_ROW, tasks: 0, rules })
    }

    /// How many tasks have been written.
    pub fn task_count(&self) -> u64 {
        self.tasks
    }

    /// How many data rows have been written (a task takes one row per target, at least one).
    pub fn row_count(&self) -> u64 {
        u64::from(self.next_row - FIRST_DATA_ROW)
    }

    /// Writes a task below the previous one: one row per target.
    ///
    /// # Errors
    ///
    /// [`OfficeError::LedgerWrite`] for a cell over Excel's 32,767 characters or
    /// more rows than a sheet holds (1,048,576).
    pub fn push(&mut self, task: &ExportTask) -> Result<(), OfficeError> {
        let sheet = self.workbook.worksheet_from_index(0).map_err(write_error)?;
        write_task(sheet, &self.formats, self.next_row, task).map_err(write_error)?;
        self.next_row += u32::try_from(task.targets.len().max(1)).unwrap_or(u32::MAX);
        self.tasks += 1;
        Ok(())
    }

    /// Finishes the workbook (an autofilter over the rows, the lights' legend) and returns its bytes.
    ///
    /// # Errors
    ///
    /// [`OfficeError::LedgerWrite`] if the workbook cannot be assembled.
    pub fn finish(mut self) -> Result<Vec<u8>, OfficeError> {
        let last_row = self.next_row.saturating_sub(1).max(HEADER_ROW);
        let formats = &self.formats;
        (|| {
            let sheet = self.workbook.worksheet_from_index(0)?;
            sheet.autofilter(HEADER_ROW, 0, last_row, LAST_COL)?;
            let legend = self.workbook.add_worksheet();
            legend.set_name("亮灯说明")?;
            legend.set_column_width(0, 12)?;
            legend.set_column_width(1, 40)?;
            legend.write_string_with_format(0, 0, "亮灯", &formats.centered)?;
            legend.write_string_with_format(0, 1, "含义", &formats.centered)?;
            for (i, (light, format)) in formats.lights.iter().enumerate() {
                let row = 1 + i as u32;
                legend.write_string_with_format(row, 0, light.label(), format)?;
                legend.write_string_with_format(row, 1, self.rules.meaning(*light), &formats.text)?;
            }
            self.workbook.save_to_buffer()
        })()
        .map_err(write_error)
    }
}

/// How the ledger prints: A4 landscape, all columns fitted to the page's
/// width (as many pages down as it takes), the header row repeated at the
/// top of every page, narrow margins, page numbers at the foot.
fn set_print_layout(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    let (left, right, top, bottom, header, footer) = MARGINS;
    sheet.set_paper_size(PAPER_A4);
    sheet.set_landscape();
    sheet.set_margins(left, right, top, bottom, header, footer);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_footer(FOOTER);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

fn write_task(sheet: &mut Worksheet, f: &Formats, top: u32, task: &ExportTask) -> Result<(), XlsxError> {
    let rows = u32::try_from(task.targets.len().max(1)).unwrap_or(1);
    let bottom = top + rows - 1;
    let indent = usize::try_from(task.depth).unwrap_or(0).min(f.indented.len() - 1);
    let light_format =
        task.light.and_then(|l| f.lights.iter().find(|(x, _)| *x == l)).map_or(&f.centered, |(_, fm)| fm);
    let percent = task.percent_done.to_string();
    let texts: [(u16, &str, &Format); 11] = [
        (col::SEQ, &task.number, &f.centered),
        (col::TASK, &task.title, &f.indented[indent]),
        (col::LEAD_LEADER, &task.lead_leader, &f.centered),
        (col::LEAD_ORG, &task.lead_org, &f.text),
        (col::SUPPORTING, &task.supporting_orgs, &f.text),
        (col::OWNER, &task.owner, &f.centered),
        (col::PERCENT, &percent, &f.percent),
        (col::STATUS, &task.report_status, &f.centered),
        (col::NARRATIVE, &task.narrative, &f.text),
        (col::PROBLEMS, &task.problems, &f.text),
        (col::LIGHT, task.light.map_or("", Light::label), light_format),
    ];
    // The task's own cells on the first row (merged down when it has several targets).
    for (col, text, format) in texts {
        if rows > 1 {
            sheet.merge_range(top, col, bottom, col, text, format)?;
        } else if col == col::PERCENT {
            sheet.write_number_with_format(top, col, task.percent_done as f64, format)?;
        } else {
            sheet.write_string_with_format(top, col, text, format)?;
        }
    }
    if rows > 1 {
        // A merged cell holds text; write the percent as a number in its top-left cell.
        sheet.write_number_with_format(top, col::PERCENT, task.percent_done as f64, &f.percent)?;
        sheet.merge_range(top, col::DEADLINE, bottom, col::DEADLINE, "", &f.date)?;
        if let Some(d) = task.deadline {
            sheet.write_date_with_format(top, col::DEADLINE, d, &f.date)?;
        }
    } else {
        match task.deadline {
            Some(d) => sheet.write_date_with_format(top, col::DEADLINE, d, &f.date)?,
            None => sheet.write_blank(top, col::DEADLINE, &f.date)?,
        };
    }
    debug_assert!(TASK_COLUMNS.len() == texts.len() + 1);
    debug_assert!(TASK_COLUMNS.len() + TARGET_COLUMNS.len() == EXPORT_HEADERS.len());
    if task.targets.is_empty() {
        for col in TARGET_COLUMNS {
            sheet.write_blank(top, col, &f.text)?;
        }
        return Ok(());
    }
    for (i, target) in task.targets.iter().enumerate() {
        let r = top + i as u32;
        sheet.write_string_with_format(r, col::METRIC, &target.metric, &f.text)?;
        write_decimal(sheet, r, col::VALUE, target.value, &f.number)?;
        sheet.write_string_with_format(r, col::UNIT, &target.unit, &f.centered)?;
        sheet.write_string_with_format(
            r,
            col::COMPARATOR,
            target.comparator.map_or("", Comparator::label),
            &f.centered,
        )?;
        write_decimal(sheet, r, col::BASELINE, target.baseline, &f.number)?;
        write_decimal(sheet, r, col::ACTUAL, target.actual, &f.number)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::str::FromStr;

    use calamine::{Data, DataType, Reader, Xlsx};

    use super::*;
    use crate::read_xlsx_rows;

    fn decimal(text: &str) -> Option<Decimal> {
        Some(Decimal::from_str(text).unwrap())
    }

    fn tasks() -> Vec<ExportTask> {
        vec![
            ExportTask {
                number: "一、".into(),
                title: "稳增长".into(),
                deadline: NaiveDate::from_ymd_opt(2026, 12, 31),
                lead_org: "市发展和改革委员会".into(),
                percent_done: 40,
                report_status: "未报送".into(),
                light: Some(Light::Yellow),
                ..ExportTask::default()
            },
            ExportTask {
                number: "1.".into(),
                depth: 1,
                title: "实施市级重点项目320项，年度计划投资560亿元".into(),
                targets: vec![
                    ExportTarget {
                        metric: "市级重点项目数".into(),
                        value: decimal("320"),
                        unit: "项".into(),
                        comparator: Some(Comparator::AtLeast),
                        baseline: decimal("280"),
                        actual: decimal("150"),
                    },
                    ExportTarget {
                        metric: "年度计划投资".into(),
                        value: decimal("560.5"),
                        unit: "亿元".into(),
                        comparator: None,
                        baseline: None,
                        actual: None,
                    },
                ],
                deadline: NaiveDate::from_ymd_opt(2026, 6, 30),
                lead_leader: "李副市长".into(),
                lead_org: "市发展和改革委员会".into(),
                supporting_orgs: "市财政局、青岚经济技术开发区".into(),
                owner: "吴发改".into(),
                percent_done: 55,
                report_status: "已通过".into(),
                narrative: "已开工180项".into(),
                problems: "用地指标紧张".into(),
                light: Some(Light::Red),
            },
            ExportTask {
                number: "2.".into(), depth: 1, title: "没有亮灯的任务".into(), ..ExportTask::default()
            },
        ]
    }

    fn export(tasks: &[ExportTask]) -> Vec<u8> {
        let mut ledger = LedgerExport::new("2026年重点任务台账（2026年6月）", StatusRules::default()).unwrap();
        for task in tasks {
            ledger.push(task).unwrap();
        }
        assert_eq!(ledger.task_count(), tasks.len() as u64);
        ledger.finish().unwrap()
    }

    #[test]
    fn an_exported_ledger_reads_back_cell_by_cell() {
        let bytes = export(&tasks());
        let rows = read_xlsx_rows(&bytes).unwrap();
        assert_eq!(rows[0][0], "2026年重点任务台账（2026年6月）");
        assert_eq!(rows[1], EXPORT_HEADERS);
        assert_eq!(
            rows[2],
            [
                "一、",
                "稳增长",
                "",
                "",
                "",
                "",
                "",
                "",
                "2026-12-31",
                "",
                "市发展和改革委员会",
                "",
                "",
                "40",
                "未报送",
                "",
                "",
                "黄灯"
            ]
        );
        let task = "实施市级重点项目320项，年度计划投资560亿元";
        assert_eq!(
            rows[3],
            [
                "1.",
                task,
                "市级重点项目数",
                "320",
                "项",
                "不低于",
                "280",
                "150",
                "2026-06-30",
                "李副市长",
                "市发展和改革委员会",
                "市财政局、青岚经济技术开发区",
                "吴发改",
                "55",
                "已通过",
                "已开工180项",
                "用地指标紧张",
                "红灯"
            ]
        );
        assert_eq!(rows[4][..8], ["1.", task, "年度计划投资", "560.5", "亿元", "", "", ""]);
        assert_eq!(rows[4][17], "红灯", "merged cells fill down");
        assert_eq!(rows[5][..2], ["2.", "没有亮灯的任务"]);
        assert_eq!(rows[5][17], "");
        assert_eq!(rows.len(), 6);
    }

    #[test]
    fn numbers_stay_numbers_merges_cover_the_targets_and_lights_are_filled() {
        let bytes = export(&tasks());
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(workbook.sheet_names(), ["台账", "亮灯说明"]);
        let range = workbook.worksheet_range("台账").unwrap();
        assert_eq!(range.get_value((3, 3)), Some(&Data::Float(320.0)));
        assert_eq!(range.get_value((3, 6)), Some(&Data::Float(280.0)), "基数");
        assert_eq!(range.get_value((3, 13)).and_then(|d| d.as_f64()), Some(55.0));
        assert!(matches!(range.get_value((3, 8)), Some(Data::DateTime(_))), "{:?}", range.get_value((3, 8)));
        let merged: Vec<_> =
            workbook.merge_cells_by_sheet_id(0).unwrap().into_iter().map(|d| (d.start, d.end)).collect();
        assert!(merged.contains(&((0, 0), (0, 17))), "title");
        for col in TASK_COLUMNS {
            assert!(merged.contains(&((3, u32::from(col)), (4, u32::from(col)))), "column {col} merged: {merged:?}");
        }
        for col in TARGET_COLUMNS {
            assert!(!merged.iter().any(|(s, _)| s.1 == u32::from(col)), "target cell {col} is not merged");
        }

        // Every light of the domain is in the legend, with its own fill.
        let legend = workbook.worksheet_range("亮灯说明").unwrap();
        let labels: Vec<String> = legend.rows().skip(1).map(|r| r[0].to_string()).collect();
        assert_eq!(labels, Light::ALL.map(Light::label));
        // Each light's meaning is the rule's, with its numbers.
        let red = legend.rows().find(|r| r[0] == "红灯").map(|r| r[1].to_string());
        assert_eq!(red.as_deref(), Some("工作进度落后序时进度超过20个百分点"));
        let styles = {
            use std::io::Read;
            let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
            let mut text = String::new();
            archive.by_name("xl/styles.xml").unwrap().read_to_string(&mut text).unwrap();
            text
        };
        for light in Light::ALL {
            let (fill, _) = light_colors(light);
            assert!(styles.contains(&format!("{fill:06X}")), "no fill for {light:?}");
        }
        assert!(styles.contains("宋体"));
    }

    fn part(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    /// The scale Excel picks to fit the columns to an A4 landscape page
    /// between the margins: a column of width `w` is about `7w + 5` pixels at
    /// 96 dpi (Excel's default character width).
    fn print_scale() -> f64 {
        let columns: f64 = WIDTHS.iter().map(|w| w * 7.0 + 5.0).sum();
        let printable_inches = 297.0 / 25.4 - MARGINS.0 - MARGINS.1;
        (printable_inches * 96.0 / columns).min(1.0)
    }

    #[test]
    fn the_ledger_prints_on_a4_landscape_fitted_to_width_with_the_header_on_every_page() {
        let bytes = export(&tasks());
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        let setup = sheet.split("<pageSetup ").nth(1).and_then(|s| s.split("/>").next()).unwrap();
        assert!(setup.contains(r#"paperSize="9""#), "A4: {setup}");
        assert!(setup.contains(r#"orientation="landscape""#), "{setup}");
        assert!(setup.contains(r#"fitToHeight="0""#), "as many pages down as needed: {setup}");
        assert!(sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "fitted to one page wide");
        assert!(sheet.contains(r#"<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6""#), "{sheet}");
        assert!(sheet.contains("<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"), "page numbers");
        assert!(sheet.contains(r#"horizontalCentered="1""#));
        let workbook = part(&bytes, "xl/workbook.xml");
        assert!(
            workbook.contains(r#"<definedName name="_xlnm.Print_Titles" localSheetId="0">台账!$2:$2</definedName>"#),
            "the header row repeats on every page: {workbook}"
        );
        // Readable when fitted: 10 pt type prints at 7.5 pt or more.
        assert!(print_scale() >= 0.75, "printed at {:.0}%", print_scale() * 100.0);
        // Every text column wraps rather than spilling into the next.
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains(r#"wrapText="1""#));
    }

    #[test]
    fn an_empty_plan_exports_title_and_header() {
        let rows = read_xlsx_rows(&export(&[])).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], EXPORT_HEADERS);
    }

    #[test]
    fn a_cell_longer_than_excel_allows_is_an_error_not_a_panic() {
        let mut ledger = LedgerExport::new("过长", StatusRules::default()).unwrap();
        let task = ExportTask { title: "长".repeat(40_000), ..ExportTask::default() };
        let error = ledger.push(&task).unwrap_err();
        assert!(error.to_string().starts_with("生成 Excel 台账失败："), "{error}");
    }
}
