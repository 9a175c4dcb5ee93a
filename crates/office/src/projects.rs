//! 重点项目 (key projects) in office files: the project ledger (项目台账) to
//! import and export, and the two documents of the half-monthly 调度会
//! (dispatch meeting): its 会议纪要 and its 调度通报.
//!
//! - [`PROJECT_COLUMNS`] are the columns of the project ledger as offices
//!   write them; [`project_ledger_template_xlsx`] writes the import template
//!   from them and [`crate::read_ledger_table`] reads a filled one, so the
//!   template and the import cannot drift apart.
//! - [`ProjectLedgerExport`] streams the register as a ledger with the same
//!   headers (then 亮灯 and 投资完成率), so an exported ledger can be edited
//!   and imported again. Like [`crate::LedgerExport`] it writes in
//!   rust_xlsxwriter's constant-memory mode: 20,000 projects take no more
//!   memory than a few.
//! - [`dispatch_minutes_docx`] writes the 调度会议纪要 and
//!   [`dispatch_bulletin_docx`] the 调度通报, both in 公文 layout ([`GongwenDoc`]).
//!
//! Money is in 万元, as [`Decimal`], rounded to two decimals at most where it
//! is written. What a label means (stages, batches, lights) is the domain's;
//! this module only writes the labels it is given.

use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::project::DecisionState;
use qingdan_domain::{Decimal, Light};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::gongwen::{CellSize, Column, ColumnAlign, GongwenDoc, chinese_date, chinese_number};
use crate::ledger::write_decimal;
use crate::ledger_templates::{TemplateLayout, write_template};
use crate::{ColumnSpec, OfficeError, light_colors};

/// Indexes into [`PROJECT_COLUMNS`].
pub mod project_column {
    pub const NAME: usize = 0;
    pub const CODE: usize = 1;
    pub const NATURE: usize = 2;
    pub const CATEGORY: usize = 3;
    pub const INDUSTRY: usize = 4;
    pub const COUNTY: usize = 5;
    pub const ZONE: usize = 6;
    pub const LOCATION: usize = 7;
    pub const OWNER_ORG: usize = 8;
    pub const SCALE: usize = 9;
    pub const TOTAL_INVESTMENT: usize = 10;
    pub const FUNDING: usize = 11;
    pub const YEAR: usize = 12;
    pub const YEAR_PLAN: usize = 13;
    pub const DONE_TOTAL: usize = 14;
    pub const DONE_YEAR: usize = 15;
    pub const PLANNED_START: usize = 16;
    pub const ACTUAL_START: usize = 17;
    pub const PLANNED_COMPLETION: usize = 18;
    pub const ACTUAL_COMPLETION: usize = 19;
    pub const STAGE: usize = 20;
    pub const BATCH: usize = 21;
    pub const SITE_PROGRESS: usize = 22;
    pub const LEVEL: usize = 23;
    pub const LIAISON_LEADER: usize = 24;
    pub const LEAD_ORG: usize = 25;
    pub const RESPONSIBLE: usize = 26;
}

/// 建设性质, as the template offers them.
pub const PROJECT_NATURE_LABELS: [&str; 2] = ["新建", "续建"];
/// 项目类型, as the template offers them.
pub const PROJECT_CATEGORY_LABELS: [&str; 5] = ["产业", "基础设施", "民生", "生态环保", "其他"];
/// 项目阶段, in the order of a project's life.
pub const PROJECT_STAGE_LABELS: [&str; 6] = ["谋划", "签约", "开工", "在建", "竣工投产", "达产"];
/// 三个一批; a project in none of them leaves the cell blank.
pub const PROJECT_BATCH_LABELS: [&str; 3] = ["签约一批", "开工一批", "投产一批"];
/// 项目级别, as the template offers them.
pub const PROJECT_LEVEL_LABELS: [&str; 3] = ["省重点", "市重点", "县重点"];

/// The title of the import template and its download name without extension.
pub const PROJECT_TEMPLATE_TITLE: &str = "重点项目导入模板";

const fn column(
    header: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    width: f64,
    note: &'static str,
    example: &'static str,
) -> ColumnSpec {
    ColumnSpec { header, aliases, required, width, note, example }
}

/// 项目台账: one project per row. A header's remark in brackets (`（万元）`) is
/// ignored when a ledger is read, so `总投资` and `总投资（万元）` are the same column.
pub const PROJECT_COLUMNS: [ColumnSpec; 27] = [
    column("项目名称", &[], true, 36.0, "项目全称，在本政府内不重名。", "青岚新能源汽车零部件产业园项目"),
    column(
        "项目代码",
        &["项目编码", "统一项目代码"],
        false,
        26.0,
        "投资项目在线审批监管平台赋予的统一项目代码；尚未赋码的可不填。",
        "2026-140100-36-01-000123",
    ),
    column("建设性质", &[], false, 10.0, "新建或续建。", "新建"),
    column("项目类型", &[], false, 12.0, "产业、基础设施、民生、生态环保或其他。", "产业"),
    column("所属行业", &["行业"], false, 14.0, "如 先进制造业、新能源、交通、水利。", "先进制造业"),
    column("所属县区", &["县区", "所在县区"], false, 14.0, "已有县（市、区）单位的名称。", "青岚县"),
    column(
        "所属开发区",
        &["开发区", "园区"],
        false,
        20.0,
        "已有开发区单位的名称；不在开发区的不填。",
        "青岚经济技术开发区",
    ),
    column("建设地点", &["地点"], false, 20.0, "乡镇、街道或园区内的位置。", "青岚经济技术开发区创业大道东侧"),
    column(
        "业主单位",
        &["项目单位", "建设单位"],
        true,
        28.0,
        "已有单位的名称；其填报员报送本项目的进展。",
        "青岚汽车零部件有限公司",
    ),
    column(
        "建设规模及内容",
        &["建设内容"],
        false,
        40.0,
        "主要建设规模和内容。",
        "占地300亩，新建厂房12万平方米，年产汽车零部件50万套",
    ),
    column("总投资（万元）", &["总投资"], true, 14.0, "数字，单位万元，最多两位小数。", "120000"),
    column("资金来源", &[], false, 18.0, "如 企业自筹、银行贷款、专项债券、中央预算内投资。", "企业自筹、银行贷款"),
    column(
        "计划年度",
        &[],
        false,
        10.0,
        "年度计划投资和本年完成投资所属的年份；不填的，已登记的项目不变，新项目为今年。",
        "2026",
    ),
    column(
        "年度计划投资（万元）",
        &["年度计划投资", "年计划投资"],
        false,
        14.0,
        "数字，单位万元：本年度计划完成的投资。",
        "30000",
    ),
    column(
        "累计完成投资（万元）",
        &["累计完成投资", "自开工累计完成投资"],
        false,
        14.0,
        "数字，单位万元：自开工以来累计完成的投资。",
        "45000",
    ),
    column(
        "本年完成投资（万元）",
        &["本年完成投资", "今年完成投资"],
        false,
        14.0,
        "数字，单位万元：本年度已完成的投资。",
        "12000.5",
    ),
    column("计划开工时间", &[], false, 13.0, "日期：2026-03-31、2026年3月31日或2026年3月底。", "2026-03-31"),
    column("实际开工时间", &[], false, 13.0, "日期；尚未开工的不填。", "2026-04-10"),
    column("计划竣工时间", &[], false, 13.0, "日期。", "2027-12-31"),
    column("实际竣工时间", &[], false, 13.0, "日期；尚未竣工的不填。", ""),
    column("项目阶段", &[], false, 10.0, "谋划、签约、开工、在建、竣工投产或达产。", "在建"),
    column("三个一批", &[], false, 10.0, "签约一批、开工一批或投产一批；不属于的不填。", "开工一批"),
    column("形象进度", &[], false, 30.0, "现场已完成的主要工程内容。", "1号厂房主体封顶，2号厂房基础施工"),
    column("项目级别", &[], false, 10.0, "省重点、市重点或县重点。", "市重点"),
    column("包联领导", &[], false, 12.0, "领导角色用户的姓名或用户名。", "李副市长"),
    column("牵头单位", &["责任单位"], false, 26.0, "已有单位的名称。", "市发展和改革委员会"),
    column("责任人", &[], false, 12.0, "业主单位或牵头单位的具体责任人。", "王项目"),
];

/// The import template of the project ledger, as `.xlsx` bytes: the same look
/// as the other templates ([`crate::ledger_template_xlsx`]), with drop-down
/// lists for 建设性质, 项目类型, 项目阶段, 三个一批 and 项目级别.
///
/// # Errors
///
/// [`OfficeError::LedgerWrite`] if the writer fails (it does not with these fixed contents).
pub fn project_ledger_template_xlsx() -> Result<Vec<u8>, OfficeError> {
    use project_column as c;
    write_template(&TemplateLayout {
        text: &[c::CODE],
        wrap: &[c::NAME, c::SCALE, c::SITE_PROGRESS],
        dates: &[c::PLANNED_START, c::ACTUAL_START, c::PLANNED_COMPLETION, c::ACTUAL_COMPLETION],
        lists: &[
            (c::NATURE, &PROJECT_NATURE_LABELS),
            (c::CATEGORY, &PROJECT_CATEGORY_LABELS),
            (c::STAGE, &PROJECT_STAGE_LABELS),
            (c::BATCH, &PROJECT_BATCH_LABELS),
            (c::LEVEL, &PROJECT_LEVEL_LABELS),
        ],
        ..TemplateLayout::new(PROJECT_TEMPLATE_TITLE.to_owned(), "重点项目", &PROJECT_COLUMNS)
    })
}

// ---- the exported ledger ----

/// The header of an exported project ledger: the headers of
/// [`PROJECT_COLUMNS`] in their order, then 亮灯 and 投资完成率.
pub const PROJECT_EXPORT_HEADERS: [&str; 29] = {
    let mut headers = [""; 29];
    let mut i = 0;
    while i < PROJECT_COLUMNS.len() {
        headers[i] = PROJECT_COLUMNS[i].header;
        i += 1;
    }
    headers[27] = "亮灯";
    headers[28] = "投资完成率";
    headers
};

/// Column widths of the export, in Excel's character units: narrower than the
/// template's, as the sheet prints fitted to the width of an A3 landscape page.
const EXPORT_WIDTHS: [f64; 29] = [
    24.0, 14.0, 6.0, 8.0, 10.0, 9.0, 12.0, 14.0, 16.0, 26.0, 10.0, 12.0, 6.0, 10.0, 10.0, 10.0, 10.5, 10.5, 10.5, 10.5,
    8.0, 8.0, 20.0, 7.0, 8.0, 14.0, 7.0, 6.0, 8.0,
];
const EXPORT_FONT: &str = "宋体";
const EXPORT_HEADER_ROW: u32 = 1;
const EXPORT_FIRST_ROW: u32 = 2;
const EXPORT_LAST_COL: u16 = (PROJECT_EXPORT_HEADERS.len() - 1) as u16;
const LIGHT_COL: u16 = 27;
const RATE_COL: u16 = 28;
/// A3 in Excel's paper codes: 29 columns do not fit A4 readably.
const PAPER_A3: u8 = 8;

/// One project as one row of the exported ledger: display strings as the page
/// shows them, money in 万元, dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectLedgerRow {
    /// 项目名称
    pub name: String,
    /// 项目代码
    pub code: String,
    /// 建设性质 label: `新建`, `续建`.
    pub nature: String,
    /// 项目类型 label.
    pub category: String,
    /// 所属行业
    pub industry: String,
    /// 所属县区: the org's name.
    pub county: String,
    /// 所属开发区: the org's name.
    pub zone: String,
    /// 建设地点
    pub location: String,
    /// 业主单位: the org's name.
    pub owner_org: String,
    /// 建设规模及内容
    pub scale: String,
    /// 总投资, 万元.
    pub total_investment: Option<Decimal>,
    /// 资金来源
    pub funding: String,
    /// 计划年度: the year 年度计划投资 and 本年完成投资 are for.
    pub year: Option<i32>,
    /// 年度计划投资, 万元.
    pub year_plan: Option<Decimal>,
    /// 累计完成投资 (自开工), 万元.
    pub done_total: Option<Decimal>,
    /// 本年完成投资, 万元.
    pub done_year: Option<Decimal>,
    pub planned_start: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub planned_completion: Option<NaiveDate>,
    pub actual_completion: Option<NaiveDate>,
    /// 项目阶段 label.
    pub stage: String,
    /// 三个一批 label, empty when in none.
    pub batch: String,
    /// 形象进度
    pub site_progress: String,
    /// 项目级别 label.
    pub level: String,
    /// 包联领导: the leader's name.
    pub liaison_leader: String,
    /// 牵头单位: the org's name.
    pub lead_org: String,
    /// 责任人
    pub responsible: String,
    /// 亮灯: written as its label on its colour; `None` leaves the cell blank.
    pub light: Option<Light>,
    /// 投资完成率 as shown, e.g. `45%`.
    pub rate: String,
}

struct ExportFormats {
    text: Format,
    centered: Format,
    money: Format,
    date: Format,
    lights: Vec<(Light, Format)>,
}

/// A project ledger being written, row by row; see the module doc.
///
/// ```
/// use qingdan_office::{PROJECT_COLUMNS, ProjectLedgerExport, ProjectLedgerRow, read_ledger_table};
///
/// let mut ledger = ProjectLedgerExport::new("2026年全市重点项目台账").unwrap();
/// ledger.push(&ProjectLedgerRow { name: "青岚大道改造工程".into(), ..ProjectLedgerRow::default() }).unwrap();
/// let bytes = ledger.finish().unwrap();
/// let table = read_ledger_table(&bytes, &PROJECT_COLUMNS).unwrap();
/// assert_eq!(table.lines[0].get(0), "青岚大道改造工程");
/// ```
pub struct ProjectLedgerExport {
    workbook: Workbook,
    formats: ExportFormats,
    next_row: u32,
}

impl std::fmt::Debug for ProjectLedgerExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectLedgerExport").field("next_row", &self.next_row).finish()
    }
}

fn write_error(e: XlsxError) -> OfficeError {
    OfficeError::LedgerWrite { reason: e.to_string() }
}

impl ProjectLedgerExport {
    /// Starts a ledger titled `title` (merged over the first row), with the header row.
    ///
    /// # Errors
    ///
    /// [`OfficeError::LedgerWrite`] when the temporary file of the constant-memory sheet cannot be made.
    pub fn new(title: &str) -> Result<ProjectLedgerExport, OfficeError> {
        let base = Format::new().set_font_name(EXPORT_FONT).set_font_size(10);
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
        let formats = ExportFormats {
            text: cell.clone().set_text_wrap(),
            centered: cell.clone().set_align(FormatAlign::Center).set_text_wrap(),
            money: cell.clone().set_num_format("General").set_align(FormatAlign::Right),
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
            sheet.set_name("项目台账")?;
            for (col, width) in EXPORT_WIDTHS.iter().enumerate() {
                sheet.set_column_width(col as u16, *width)?;
            }
            sheet.merge_range(0, 0, 0, EXPORT_LAST_COL, title, &title_format)?;
            sheet.set_row_height(0, 32)?;
            for (col, text) in PROJECT_EXPORT_HEADERS.iter().enumerate() {
                sheet.write_string_with_format(EXPORT_HEADER_ROW, col as u16, *text, &header)?;
            }
            sheet.set_row_height(EXPORT_HEADER_ROW, 42)?;
            sheet.set_freeze_panes(EXPORT_FIRST_ROW, 1)?;
            sheet.set_paper_size(PAPER_A3);
            sheet.set_landscape();
            sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
            sheet.set_print_fit_to_pages(1, 0);
            sheet.set_print_center_horizontally(true);
            sheet.set_footer("&C第 &P 页，共 &N 页");
            sheet.set_repeat_rows(EXPORT_HEADER_ROW, EXPORT_HEADER_ROW)?;
            Ok::<(), XlsxError>(())
        })()
        .map_err(write_error)?;
        Ok(ProjectLedgerExport { workbook, formats, next_row: EXPORT_FIRST_ROW })
    }

    /// How many projects have been written.
    pub fn row_count(&self) -> u64 {
        u64::from(self.next_row - EXPORT_FIRST_ROW)
    }

    /// Writes a project on the row below the previous one.
    ///
    /// # Errors
    ///
    /// [`OfficeError::LedgerWrite`] for a cell over Excel's 32,767 characters or
    /// more rows than a sheet holds (1,048,576).
    pub fn push(&mut self, project: &ProjectLedgerRow) -> Result<(), OfficeError> {
        let sheet = self.workbook.worksheet_from_index(0).map_err(write_error)?;
        write_project(sheet, &self.formats, self.next_row, project).map_err(write_error)?;
        self.next_row += 1;
        Ok(())
    }

    /// Finishes the workbook (an autofilter over the rows, the lights' legend) and returns its bytes.
    ///
    /// # Errors
    ///
    /// [`OfficeError::LedgerWrite`] if the workbook cannot be assembled.
    pub fn finish(mut self) -> Result<Vec<u8>, OfficeError> {
        let last_row = self.next_row.saturating_sub(1).max(EXPORT_HEADER_ROW);
        let formats = &self.formats;
        (|| {
            let sheet = self.workbook.worksheet_from_index(0)?;
            sheet.autofilter(EXPORT_HEADER_ROW, 0, last_row, EXPORT_LAST_COL)?;
            let legend = self.workbook.add_worksheet();
            legend.set_name("亮灯说明")?;
            legend.set_column_width(0, 12)?;
            legend.set_column_width(1, 48)?;
            legend.write_string_with_format(0, 0, "亮灯", &formats.centered)?;
            legend.write_string_with_format(0, 1, "含义", &formats.centered)?;
            for (i, (light, format)) in formats.lights.iter().enumerate() {
                let row = 1 + i as u32;
                legend.write_string_with_format(row, 0, light.label(), format)?;
                legend.write_string_with_format(row, 1, project_light_meaning(*light), &formats.text)?;
            }
            self.workbook.save_to_buffer()
        })()
        .map_err(write_error)
    }
}

/// What a light means for a project (the domain's rule, `qingdan_domain::project`).
fn project_light_meaning(light: Light) -> &'static str {
    match light.code() {
        "green" => "投资完成率不落后于序时进度",
        "yellow" => "投资完成率落后于序时进度",
        "red" => "投资完成率明显落后于序时进度，或逾期未开工，或前期手续逾期",
        "overdue" => "已过计划竣工时间，尚未竣工",
        "done" => "已竣工投产或达产",
        _ => "",
    }
}

fn write_project(sheet: &mut Worksheet, f: &ExportFormats, row: u32, p: &ProjectLedgerRow) -> Result<(), XlsxError> {
    use project_column as c;
    let year = p.year.map(|y| y.to_string()).unwrap_or_default();
    let texts: [(usize, &str, &Format); 19] = [
        (c::NAME, &p.name, &f.text),
        (c::YEAR, &year, &f.centered),
        (c::CODE, &p.code, &f.centered),
        (c::NATURE, &p.nature, &f.centered),
        (c::CATEGORY, &p.category, &f.centered),
        (c::INDUSTRY, &p.industry, &f.text),
        (c::COUNTY, &p.county, &f.centered),
        (c::ZONE, &p.zone, &f.text),
        (c::LOCATION, &p.location, &f.text),
        (c::OWNER_ORG, &p.owner_org, &f.text),
        (c::SCALE, &p.scale, &f.text),
        (c::FUNDING, &p.funding, &f.text),
        (c::STAGE, &p.stage, &f.centered),
        (c::BATCH, &p.batch, &f.centered),
        (c::SITE_PROGRESS, &p.site_progress, &f.text),
        (c::LEVEL, &p.level, &f.centered),
        (c::LIAISON_LEADER, &p.liaison_leader, &f.centered),
        (c::LEAD_ORG, &p.lead_org, &f.text),
        (c::RESPONSIBLE, &p.responsible, &f.centered),
    ];
    let money = [
        (c::TOTAL_INVESTMENT, p.total_investment),
        (c::YEAR_PLAN, p.year_plan),
        (c::DONE_TOTAL, p.done_total),
        (c::DONE_YEAR, p.done_year),
    ];
    let dates = [
        (c::PLANNED_START, p.planned_start),
        (c::ACTUAL_START, p.actual_start),
        (c::PLANNED_COMPLETION, p.planned_completion),
        (c::ACTUAL_COMPLETION, p.actual_completion),
    ];
    debug_assert_eq!(texts.len() + money.len() + dates.len(), PROJECT_COLUMNS.len());
    // Constant-memory mode keeps the current row whole until the next one starts,
    // so the cells of a row may come in any column order.
    for (col, text, format) in texts {
        sheet.write_string_with_format(row, col as u16, text, format)?;
    }
    for (col, value) in money {
        write_decimal(sheet, row, col as u16, value.map(money_value), &f.money)?;
    }
    for (col, value) in dates {
        match value {
            Some(date) => sheet.write_date_with_format(row, col as u16, date, &f.date)?,
            None => sheet.write_blank(row, col as u16, &f.date)?,
        };
    }
    match p.light.and_then(|l| f.lights.iter().find(|(x, _)| *x == l)) {
        Some((light, format)) => sheet.write_string_with_format(row, LIGHT_COL, light.label(), format)?,
        None => sheet.write_blank(row, LIGHT_COL, &f.centered)?,
    };
    sheet.write_string_with_format(row, RATE_COL, &p.rate, &f.centered)?;
    Ok(())
}

/// Money as written: two decimals at most, trailing zeros dropped.
fn money_value(value: Decimal) -> Decimal {
    value.round_dp(2).normalize()
}

/// Money as text in a document: `12000.5`.
fn money_text(value: Decimal) -> String {
    money_value(value).to_string()
}

/// `62.5%`: one decimal at most, trailing zeros dropped.
fn percent_text(value: Decimal) -> String {
    format!("{}%", value.round_dp(1).normalize())
}

// ---- 调度会议纪要 ----

/// 调度会议纪要: the record of a dispatch meeting. Plain data: the caller fills
/// it from the meeting and its decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchMinutes {
    /// e.g. `全市重点项目第5次调度会议纪要`; printed red.
    pub title: String,
    /// 文号, e.g. `青政纪〔2026〕5号`. Empty: no line.
    pub number: String,
    /// The day the meeting was held; the signature carries it too.
    pub held_on: NaiveDate,
    /// 会议地点, e.g. `市政府第一会议室`.
    pub place: String,
    /// Who chaired, e.g. `副市长李明`.
    pub chair: String,
    /// 参会人员 as one text, e.g. `市发展改革委、市自然资源局……负责同志`. Empty: no line.
    pub attendees: String,
    /// What the meeting heard, `会议听取了……`; one paragraph per line.
    pub summary: String,
    /// 会议议定事项, in order.
    pub decisions: Vec<MinutesDecision>,
    /// The last meeting's decisions and their state, then the decisions of
    /// earlier meetings still not done. Empty: the section is left out.
    pub previous: Vec<PreviousDecision>,
    /// 印发单位 in the signature, e.g. `市重点项目建设领导小组办公室`.
    pub issuer: String,
}

/// 议定事项: one decision of the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinutesDecision {
    /// The project it concerns; empty for a general decision.
    pub project: String,
    /// What was decided.
    pub content: String,
    /// 牵头单位
    pub lead_org: String,
    /// 完成时限; `None` prints [`NO_DEADLINE`].
    pub deadline: Option<NaiveDate>,
}

/// A decision of the last meeting, or one of an earlier meeting not yet
/// done, with how far it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousDecision {
    /// What was decided.
    pub content: String,
    /// 牵头单位
    pub lead_org: String,
    /// 落实情况: the table prints its label, the opening sentence counts it.
    pub state: DecisionState,
    /// 第N次 of the earlier meeting it was decided at and is still open
    /// from; `None` for a decision of the last meeting.
    pub carried_from: Option<i64>,
}

/// What the minutes write for a decision without a deadline.
pub const NO_DEADLINE: &str = "持续推进";
/// What the minutes write when the meeting decided nothing.
pub const NO_DECISIONS: &str = "本次会议无议定事项。";

/// The 调度会议纪要 as a `.docx` in 公文 layout: the red title and 文号 over a red
/// line; the opening (when, where, who chaired, who attended) and what the
/// meeting heard; `一、上次会议议定事项落实情况` as a table, when there were any;
/// `二、会议议定事项`, each numbered `（一）（二）…` with its 牵头单位 and 完成时限
/// (sections number up when the first is left out); the issuer and the date.
///
/// # Errors
///
/// [`OfficeError::DocxWrite`] when the document cannot be written.
pub fn dispatch_minutes_docx(minutes: &DispatchMinutes) -> Result<Vec<u8>, OfficeError> {
    let mut doc = GongwenDoc::new().made(&minutes.issuer, None).title(&minutes.title, true);
    if !minutes.number.trim().is_empty() {
        doc = doc.centered(&minutes.number);
    }
    doc = doc.red_rule();
    let place = if minutes.place.trim().is_empty() { String::new() } else { format!("在{}", minutes.place.trim()) };
    let meeting = meeting_name(&minutes.title);
    doc = doc.body(&format!("{}，{}{place}主持召开{meeting}。", chinese_date(minutes.held_on), minutes.chair.trim()));
    if !minutes.attendees.trim().is_empty() {
        doc = doc.body(&format!("参加会议的有：{}。", minutes.attendees.trim().trim_end_matches('。')));
    }
    if !minutes.summary.trim().is_empty() {
        doc = doc.body(minutes.summary.trim());
    }
    doc = doc.body("现将会议议定事项纪要如下：");

    let mut section = 0;
    let mut heading = |doc: GongwenDoc, text: &str| {
        section += 1;
        doc.heading1(&format!("{}、{text}", chinese_number(section)))
    };

    if !minutes.previous.is_empty() {
        let carried = minutes.previous.iter().any(|d| d.carried_from.is_some());
        doc = heading(
            doc,
            if carried {
                "上次及此前会议议定事项落实情况"
            } else {
                "上次会议议定事项落实情况"
            },
        );
        doc = doc.body(&previous_intro(&minutes.previous));
        let columns = [
            Column { header: "序号", weight: 2, align: ColumnAlign::Center },
            Column { header: "议定事项", weight: 12, align: ColumnAlign::Left },
            Column { header: "牵头单位", weight: 6, align: ColumnAlign::Left },
            Column { header: "落实情况", weight: 4, align: ColumnAlign::Center },
        ];
        let rows: Vec<Vec<String>> = minutes
            .previous
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let content = match d.carried_from {
                    Some(n) => format!("（第{n}次会议）{}", d.content),
                    None => d.content.clone(),
                };
                vec![(i + 1).to_string(), content, d.lead_org.clone(), d.state.label().to_owned()]
            })
            .collect();
        doc = doc.table(&columns, &rows, CellSize::Small);
    }

    doc = heading(doc, "会议议定事项");
    if minutes.decisions.is_empty() {
        doc = doc.body(NO_DECISIONS);
    }
    for (i, decision) in minutes.decisions.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let project = decision.project.trim();
        let lead = if project.is_empty() {
            format!("（{}）", chinese_number(number))
        } else {
            format!("（{}）关于{project}。", chinese_number(number))
        };
        let content = decision.content.trim().replace('\n', "");
        let content = if content.ends_with(['。', '；', '！']) { content } else { format!("{content}。") };
        let deadline = decision.deadline.map_or_else(|| NO_DEADLINE.to_owned(), chinese_date);
        doc = doc
            .body_with_lead(&lead, &content)
            .body(&format!("牵头单位：{}；完成时限：{deadline}。", decision.lead_org.trim()));
    }

    doc.signature(&minutes.issuer, minutes.held_on).finish()
}

/// The meeting's name from the title: `全市重点项目第5次调度会议纪要` → `全市重点项目第5次调度会议`.
fn meeting_name(title: &str) -> String {
    let title = title.trim().replace('\n', "");
    title.strip_suffix("纪要").map_or(title.clone(), str::to_owned)
}

/// `上次会议议定事项共5项，已办结2项、办理中1项、已逾期1项、未转督办1项，具体如下：`
///
/// Every decision of the table is counted once, by its state: 已办结, 办理中
/// and 已逾期 (its matter open past the deadline) always, 未转督办 when there
/// are any (with how many of those are past their deadline), so the counts add
/// up to the total. With decisions carried from earlier meetings the sentence
/// says how many are the last meeting's and how many earlier ones'.
fn previous_intro(previous: &[PreviousDecision]) -> String {
    let count = |pick: fn(DecisionState) -> bool| previous.iter().filter(|d| pick(d.state)).count();
    let unassigned = count(DecisionState::is_unassigned);
    let unassigned_late = count(|s| s == DecisionState::UnassignedOverdue);
    let mut tally = format!(
        "已办结{}项、办理中{}项、已逾期{}项",
        count(|s| s == DecisionState::Done),
        count(|s| s == DecisionState::InProgress),
        count(|s| s == DecisionState::Overdue),
    );
    if unassigned > 0 {
        tally.push_str(&format!("、未转督办{unassigned}项"));
        if unassigned_late > 0 {
            tally.push_str(&format!("（其中已逾期{unassigned_late}项）"));
        }
    }
    let carried = previous.iter().filter(|d| d.carried_from.is_some()).count();
    if carried == 0 {
        format!("上次会议议定事项共{}项，{tally}，具体如下：", previous.len())
    } else {
        format!(
            "上次会议议定事项{}项、此前会议议定尚未办结事项{carried}项，共{}项，{tally}，具体如下：",
            previous.len() - carried,
            previous.len()
        )
    }
}

// ---- 调度通报 ----

/// 调度通报: the figures of the key projects for a half-month, by county, with
/// the red projects and the open 堵点. Plain data: the caller fills it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchBulletin {
    /// e.g. `关于2026年3月上半月全市重点项目推进情况的通报`. Empty: `{period}重点项目调度通报`.
    pub title: String,
    /// The period, e.g. `2026年3月上半月`.
    pub period: String,
    /// The day the figures stand on; the signature carries it too.
    pub as_of: NaiveDate,
    /// The figures of all projects.
    pub totals: DispatchTotals,
    /// Figures by county, in the order to print.
    pub by_county: Vec<CountyFigures>,
    /// The red projects, in the order to print.
    pub red_projects: Vec<RedProject>,
    /// The open 堵点, in the order to print.
    pub blockers: Vec<OpenFactorIssue>,
    /// 发文机关: the signature.
    pub issuer: String,
    /// When it was generated: the file's created and modified dates (its
    /// author is the issuer). None: no dates.
    pub generated_at: Option<DateTime<Utc>>,
}

/// The figures of all projects of a bulletin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispatchTotals {
    /// How many projects.
    pub projects: u32,
    /// 总投资, 万元.
    pub total_investment: Decimal,
    /// 年度计划投资, 万元.
    pub year_plan: Decimal,
    /// 本年完成投资, 万元.
    pub year_completed: Decimal,
    /// 投资完成率, percent.
    pub rate_percent: Decimal,
}

/// One county's row of the bulletin's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyFigures {
    /// 县（市、区）
    pub county: String,
    /// How many projects.
    pub projects: u32,
    /// 年度计划投资, 万元.
    pub year_plan: Decimal,
    /// 本年完成投资, 万元.
    pub year_completed: Decimal,
    /// 投资完成率, percent.
    pub rate_percent: Decimal,
    /// 序时进度, percent.
    pub time_percent: Decimal,
    /// How many of its projects are red.
    pub red: u32,
}

/// A red project in the bulletin's red list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedProject {
    /// 项目名称
    pub name: String,
    /// 所属县区
    pub county: String,
    /// Why it is red, e.g. `投资完成率20%，落后序时进度29个百分点`.
    pub reason: String,
}

/// 堵点 (`FactorIssue`) still open, as the bulletin lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFactorIssue {
    /// 项目名称
    pub project: String,
    /// 问题类型 label, e.g. `用地`.
    pub kind: String,
    /// The org that must solve it.
    pub org: String,
    /// 协调层级 label, e.g. `市分管领导协调`.
    pub level: String,
    /// Days since it was raised.
    pub days_open: u32,
}

/// What the bulletin says when no project is red.
pub const NO_RED_PROJECTS: &str = "本期无红灯项目。";
/// What the bulletin says when no 堵点 is open.
pub const NO_OPEN_FACTOR_ISSUES: &str = "本期无未解决的要素保障问题。";

/// The 调度通报 as a `.docx` in 公文 layout: `一、总体情况` with the totals;
/// `二、各县（市、区）推进情况` as a table by county; `三、红灯项目`;
/// `四、要素保障问题（堵点）`; the issuer and the date.
///
/// # Errors
///
/// [`OfficeError::DocxWrite`] when the document cannot be written.
pub fn dispatch_bulletin_docx(bulletin: &DispatchBulletin) -> Result<Vec<u8>, OfficeError> {
    let title = if bulletin.title.trim().is_empty() {
        format!("{}重点项目调度通报", bulletin.period)
    } else {
        bulletin.title.clone()
    };
    let t = &bulletin.totals;
    let mut doc = GongwenDoc::new()
        .made(&bulletin.issuer, bulletin.generated_at)
        .title(&title, false)
        .body(&format!("现将{}全市重点项目调度情况通报如下：", bulletin.period))
        .heading1("一、总体情况")
        .body(&format!(
            "截至{}，全市纳入调度的重点项目{}个，总投资{}万元，年度计划投资{}万元；本年已完成投资{}万元，投资完成率{}。",
            chinese_date(bulletin.as_of),
            t.projects,
            money_text(t.total_investment),
            money_text(t.year_plan),
            money_text(t.year_completed),
            percent_text(t.rate_percent),
        ));

    doc = doc.heading1("二、各县（市、区）推进情况");
    doc = if bulletin.by_county.is_empty() {
        doc.body("本期无分县（市、区）数据。")
    } else {
        let behind = bulletin.by_county.iter().filter(|c| c.rate_percent < c.time_percent).count();
        let intro = if behind == 0 {
            "各县（市、区）投资完成率均不低于序时进度，具体如下：".to_owned()
        } else {
            format!("{behind}个县（市、区）投资完成率低于序时进度，具体如下：")
        };
        county_table(doc.body(&intro), &bulletin.by_county)
    };

    doc = doc.heading1("三、红灯项目");
    doc = if bulletin.red_projects.is_empty() {
        doc.body(NO_RED_PROJECTS)
    } else {
        let columns = [
            Column { header: "序号", weight: 2, align: ColumnAlign::Center },
            Column { header: "项目名称", weight: 10, align: ColumnAlign::Left },
            Column { header: "所属县区", weight: 5, align: ColumnAlign::Center },
            Column { header: "亮灯原因", weight: 11, align: ColumnAlign::Left },
        ];
        let rows: Vec<Vec<String>> = bulletin
            .red_projects
            .iter()
            .enumerate()
            .map(|(i, p)| vec![(i + 1).to_string(), p.name.clone(), p.county.clone(), p.reason.clone()])
            .collect();
        doc.body(&format!("本期红灯项目{}个，具体如下：", rows.len())).table(&columns, &rows, CellSize::Small)
    };

    doc = doc.heading1("四、要素保障问题（堵点）");
    doc = if bulletin.blockers.is_empty() {
        doc.body(NO_OPEN_FACTOR_ISSUES)
    } else {
        let columns = [
            Column { header: "序号", weight: 2, align: ColumnAlign::Center },
            Column { header: "项目名称", weight: 8, align: ColumnAlign::Left },
            Column { header: "问题类型", weight: 3, align: ColumnAlign::Center },
            Column { header: "责任单位", weight: 6, align: ColumnAlign::Left },
            Column { header: "协调层级", weight: 5, align: ColumnAlign::Center },
            Column { header: "已持续（天）", weight: 3, align: ColumnAlign::Center },
        ];
        let rows: Vec<Vec<String>> = bulletin
            .blockers
            .iter()
            .enumerate()
            .map(|(i, b)| {
                vec![
                    (i + 1).to_string(),
                    b.project.clone(),
                    b.kind.clone(),
                    b.org.clone(),
                    b.level.clone(),
                    b.days_open.to_string(),
                ]
            })
            .collect();
        doc.body(&format!("本期未解决的要素保障问题{}个，具体如下：", rows.len())).table(
            &columns,
            &rows,
            CellSize::Small,
        )
    };

    doc.signature(&bulletin.issuer, bulletin.as_of).finish()
}

fn county_table(doc: GongwenDoc, counties: &[CountyFigures]) -> GongwenDoc {
    let n = |header, weight| Column { header, weight, align: ColumnAlign::Center };
    let columns = [
        Column { header: "县（市、区）", weight: 5, align: ColumnAlign::Left },
        n("项目数", 3),
        n("年度计划投资（万元）", 5),
        n("本年完成投资（万元）", 5),
        n("投资完成率", 4),
        n("序时进度", 4),
        n("红灯项目", 3),
    ];
    let rows: Vec<Vec<String>> = counties
        .iter()
        .map(|c| {
            vec![
                c.county.clone(),
                c.projects.to_string(),
                money_text(c.year_plan),
                money_text(c.year_completed),
                percent_text(c.rate_percent),
                percent_text(c.time_percent),
                c.red.to_string(),
            ]
        })
        .collect();
    doc.table(&columns, &rows, CellSize::Small)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};
    use std::str::FromStr;

    use calamine::{Data, Reader, Xlsx};
    use qingdan_domain::project::{Batch, Category, Level, Nature, Stage};

    use super::*;
    use crate::{docx_text, read_ledger_table, read_xlsx_rows};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn drop_down_labels_are_the_domains_labels_in_order() {
        let labels = |all: &[&'static str]| all.to_vec();
        assert_eq!(labels(&PROJECT_STAGE_LABELS), Stage::ALL.iter().map(|s| s.label()).collect::<Vec<_>>());
        assert_eq!(labels(&PROJECT_BATCH_LABELS), Batch::ALL.iter().map(|s| s.label()).collect::<Vec<_>>());
        assert_eq!(labels(&PROJECT_NATURE_LABELS), Nature::ALL.iter().map(|s| s.label()).collect::<Vec<_>>());
        assert_eq!(labels(&PROJECT_CATEGORY_LABELS), Category::ALL.iter().map(|s| s.label()).collect::<Vec<_>>());
        assert_eq!(labels(&PROJECT_LEVEL_LABELS), Level::ALL.iter().map(|s| s.label()).collect::<Vec<_>>());
    }

    #[test]
    fn column_indexes_name_their_columns() {
        use project_column as c;
        for (index, header) in [
            (c::NAME, "项目名称"),
            (c::CODE, "项目代码"),
            (c::OWNER_ORG, "业主单位"),
            (c::TOTAL_INVESTMENT, "总投资（万元）"),
            (c::YEAR, "计划年度"),
            (c::DONE_YEAR, "本年完成投资（万元）"),
            (c::ACTUAL_COMPLETION, "实际竣工时间"),
            (c::BATCH, "三个一批"),
            (c::RESPONSIBLE, "责任人"),
        ] {
            assert_eq!(PROJECT_COLUMNS[index].header, header);
        }
        assert_eq!(PROJECT_EXPORT_HEADERS[..27], PROJECT_COLUMNS.map(|c| c.header));
        assert_eq!(PROJECT_EXPORT_HEADERS[27..], ["亮灯", "投资完成率"]);
        let required: Vec<&str> = PROJECT_COLUMNS.iter().filter(|c| c.required).map(|c| c.header).collect();
        assert_eq!(required, ["项目名称", "业主单位", "总投资（万元）"]);
    }

    #[test]
    fn the_project_template_reads_back_as_an_empty_ledger_with_all_its_columns() {
        let bytes = project_ledger_template_xlsx().unwrap();
        let table = read_ledger_table(&bytes, &PROJECT_COLUMNS).unwrap();
        assert_eq!(table.header_row, 2);
        let expected: Vec<Option<usize>> = (0..PROJECT_COLUMNS.len()).map(Some).collect();
        assert_eq!(table.columns, expected, "every column, in template order");
        assert!(table.lines.is_empty(), "an untouched template imports nothing");

        let rows = read_xlsx_rows(&bytes).unwrap();
        assert!(rows[0][0].starts_with(PROJECT_TEMPLATE_TITLE), "{:?}", rows[0]);
        assert_eq!(rows[1][0], "*项目名称");
        assert_eq!(rows[1][10], "*总投资（万元）");
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(workbook.sheet_names(), ["重点项目", "填写说明"]);
        let merged = workbook.merge_cells_by_sheet_id(0).unwrap();
        assert_eq!((merged[0].start, merged[0].end), ((0, 0), (0, 26)), "the title is merged over the columns");
        let notes = workbook.worksheet_range("填写说明").unwrap();
        for spec in PROJECT_COLUMNS {
            let found = notes.rows().any(|r| r[0] == spec.header && r[2].to_string().contains(spec.note));
            assert!(found, "no note for {}", spec.header);
        }

        // The drop-downs, each on its column, and the date columns formatted as dates.
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        for (col, labels) in [
            ("C", &PROJECT_NATURE_LABELS[..]),
            ("D", &PROJECT_CATEGORY_LABELS[..]),
            ("U", &PROJECT_STAGE_LABELS[..]),
            ("V", &PROJECT_BATCH_LABELS[..]),
            ("X", &PROJECT_LEVEL_LABELS[..]),
        ] {
            let list = format!(r#"sqref="{col}3:{col}2001"><formula1>"{}"</formula1>"#, labels.join(","));
            assert!(sheet.contains(&list), "no drop-down {list} in {sheet}");
        }
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains("yyyy-mm-dd") && styles.contains("宋体"));
    }

    #[test]
    fn headers_as_offices_write_them_find_the_project_columns() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let headers = [
            "序号",
            "项目名称",
            "统一项目代码",
            "县区",
            "园区",
            "项目单位",
            "总投资",
            "年计划投资(万元)",
            "自开工累计完成投资",
            "今年完成投资",
            "责任单位",
        ];
        for (col, text) in headers.iter().enumerate() {
            sheet.write_string(0, col as u16, *text).unwrap();
        }
        let row =
            ["1", "青岚大道改造工程", "2026-1", "青岚县", "", "市城投公司", "5000", "2000", "800", "300", "市住建局"];
        for (col, text) in row.iter().enumerate() {
            sheet.write_string(1, col as u16, *text).unwrap();
        }
        let bytes = workbook.save_to_buffer().unwrap();
        let table = read_ledger_table(&bytes, &PROJECT_COLUMNS).unwrap();
        use project_column as c;
        for (spec, col) in [
            (c::NAME, 1),
            (c::CODE, 2),
            (c::COUNTY, 3),
            (c::ZONE, 4),
            (c::OWNER_ORG, 5),
            (c::TOTAL_INVESTMENT, 6),
            (c::YEAR_PLAN, 7),
            (c::DONE_TOTAL, 8),
            (c::DONE_YEAR, 9),
            (c::LEAD_ORG, 10),
        ] {
            assert_eq!(table.columns[spec], Some(col), "{}", PROJECT_COLUMNS[spec].header);
        }
        assert!(!table.has(c::STAGE));
        assert_eq!(table.lines[0].get(c::DONE_TOTAL), "800");
    }

    fn projects() -> Vec<ProjectLedgerRow> {
        vec![
            ProjectLedgerRow {
                name: "青岚新能源汽车零部件产业园项目".into(),
                code: "2026-140100-36-01-000123".into(),
                nature: "新建".into(),
                category: "产业".into(),
                industry: "先进制造业".into(),
                county: "青岚县".into(),
                zone: "青岚经济技术开发区".into(),
                location: "创业大道东侧".into(),
                owner_org: "青岚汽车零部件有限公司".into(),
                scale: "占地300亩，新建厂房12万平方米".into(),
                total_investment: Some(decimal("120000")),
                funding: "企业自筹、银行贷款".into(),
                year: Some(2026),
                year_plan: Some(decimal("30000.50")),
                done_total: Some(decimal("45000.126")),
                done_year: Some(decimal("12000.5")),
                planned_start: Some(date(2026, 3, 31)),
                actual_start: Some(date(2026, 4, 10)),
                planned_completion: Some(date(2027, 12, 31)),
                actual_completion: None,
                stage: "在建".into(),
                batch: "开工一批".into(),
                site_progress: "1号厂房主体封顶".into(),
                level: "市重点".into(),
                liaison_leader: "李副市长".into(),
                lead_org: "市发展和改革委员会".into(),
                responsible: "王项目".into(),
                light: Some(Light::Red),
                rate: "40%".into(),
            },
            ProjectLedgerRow {
                name: "城南污水处理厂提标改造".into(),
                nature: "续建".into(),
                category: "生态环保".into(),
                county: "城南区".into(),
                owner_org: "市水务集团".into(),
                total_investment: Some(decimal("8600")),
                year_plan: Some(decimal("0")),
                done_total: Some(decimal("8600")),
                done_year: Some(decimal("0")),
                planned_completion: Some(date(2026, 5, 31)),
                actual_completion: Some(date(2026, 5, 20)),
                stage: "竣工投产".into(),
                batch: "投产一批".into(),
                level: "县重点".into(),
                light: Some(Light::Done),
                rate: "100%".into(),
                ..ProjectLedgerRow::default()
            },
            ProjectLedgerRow {
                name: "智慧物流园（谋划）".into(),
                owner_org: "市交通投资集团".into(),
                stage: "谋划".into(),
                level: "省重点".into(),
                ..ProjectLedgerRow::default()
            },
        ]
    }

    fn export(projects: &[ProjectLedgerRow]) -> Vec<u8> {
        let mut ledger = ProjectLedgerExport::new("2026年全市重点项目台账（截至6月30日）").unwrap();
        for project in projects {
            ledger.push(project).unwrap();
        }
        assert_eq!(ledger.row_count(), projects.len() as u64);
        ledger.finish().unwrap()
    }

    /// A row as the importer should read it back: display strings, money to two decimals.
    fn expected_cells(p: &ProjectLedgerRow) -> Vec<String> {
        let money = |v: Option<Decimal>| v.map_or(String::new(), |v| v.round_dp(2).normalize().to_string());
        let day = |d: Option<NaiveDate>| d.map_or(String::new(), |d| d.format("%Y-%m-%d").to_string());
        [
            p.name.clone(),
            p.code.clone(),
            p.nature.clone(),
            p.category.clone(),
            p.industry.clone(),
            p.county.clone(),
            p.zone.clone(),
            p.location.clone(),
            p.owner_org.clone(),
            p.scale.clone(),
            money(p.total_investment),
            p.funding.clone(),
            p.year.map(|y| y.to_string()).unwrap_or_default(),
            money(p.year_plan),
            money(p.done_total),
            money(p.done_year),
            day(p.planned_start),
            day(p.actual_start),
            day(p.planned_completion),
            day(p.actual_completion),
            p.stage.clone(),
            p.batch.clone(),
            p.site_progress.clone(),
            p.level.clone(),
            p.liaison_leader.clone(),
            p.lead_org.clone(),
            p.responsible.clone(),
        ]
        .to_vec()
    }

    #[test]
    fn an_exported_project_ledger_imports_back_cell_by_cell() {
        let projects = projects();
        let bytes = export(&projects);
        let table = read_ledger_table(&bytes, &PROJECT_COLUMNS).unwrap();
        assert_eq!(table.header_row, 2);
        let expected_columns: Vec<Option<usize>> = (0..PROJECT_COLUMNS.len()).map(Some).collect();
        assert_eq!(table.columns, expected_columns);
        assert_eq!(table.lines.len(), 3);
        for (line, project) in table.lines.iter().zip(&projects) {
            assert_eq!(line.cells, expected_cells(project), "row {}", line.row);
        }
        assert_eq!(table.lines[0].get(project_column::DONE_TOTAL), "45000.13", "two decimals at most");
        assert_eq!(table.lines[0].get(project_column::YEAR_PLAN), "30000.5");

        // The two columns after the ledger's own: the light's label and the rate.
        let rows = read_xlsx_rows(&bytes).unwrap();
        assert_eq!(rows[0][0], "2026年全市重点项目台账（截至6月30日）");
        assert_eq!(rows[1], PROJECT_EXPORT_HEADERS);
        let tail = |r: usize| rows[r][27..].to_vec();
        assert_eq!(tail(2), ["红灯", "40%"]);
        assert_eq!(tail(3), ["已完成", "100%"]);
        assert_eq!(tail(4), ["", ""]);
        assert_eq!(rows.len(), 5);
    }

    #[test]
    fn exported_money_and_dates_stay_numbers_and_lights_are_filled() {
        let bytes = export(&projects());
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(workbook.sheet_names(), ["项目台账", "亮灯说明"]);
        let range = workbook.worksheet_range("项目台账").unwrap();
        assert_eq!(range.get_value((2, 10)), Some(&Data::Float(120000.0)));
        assert_eq!(range.get_value((2, 12)), Some(&Data::String("2026".into())));
        assert_eq!(range.get_value((2, 14)), Some(&Data::Float(45000.13)));
        assert!(matches!(range.get_value((2, 16)), Some(Data::DateTime(_))), "{:?}", range.get_value((2, 16)));
        let merged: Vec<_> =
            workbook.merge_cells_by_sheet_id(0).unwrap().into_iter().map(|d| (d.start, d.end)).collect();
        assert_eq!(merged, [((0, 0), (0, 28))], "only the title is merged");

        let legend = workbook.worksheet_range("亮灯说明").unwrap();
        let labels: Vec<String> = legend.rows().skip(1).map(|r| r[0].to_string()).collect();
        assert_eq!(labels, Light::ALL.map(Light::label));
        assert!(legend.rows().skip(1).all(|r| !r[1].to_string().is_empty()), "every light is explained");
        let styles = part(&bytes, "xl/styles.xml");
        for light in Light::ALL {
            let (fill, _) = light_colors(light);
            assert!(styles.contains(&format!("{fill:06X}")), "no fill for {light:?}");
        }
        assert!(styles.contains("宋体"));
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"paperSize="8""#) && sheet.contains(r#"orientation="landscape""#), "A3 landscape");
        assert!(sheet.contains(r#"<autoFilter ref="A2:AC5"/>"#), "{sheet}");
    }

    #[test]
    fn an_empty_register_exports_title_and_header_and_a_long_cell_is_an_error() {
        let rows = read_xlsx_rows(&export(&[])).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], PROJECT_EXPORT_HEADERS);

        let mut ledger = ProjectLedgerExport::new("过长").unwrap();
        let error = ledger.push(&ProjectLedgerRow { scale: "长".repeat(40_000), ..ProjectLedgerRow::default() });
        assert!(error.unwrap_err().to_string().starts_with("生成 Excel 台账失败："));
    }

    // ---- 调度会议纪要 ----

    fn minutes() -> DispatchMinutes {
        DispatchMinutes {
            title: "全市重点项目第5次调度会议纪要".into(),
            number: "青重项纪〔2026〕5号".into(),
            held_on: date(2026, 6, 16),
            place: "市政府第一会议室".into(),
            chair: "副市长李明".into(),
            attendees: "市发展改革委、市自然资源局、市生态环境局、各县（市、区）政府负责同志".into(),
            summary: "会议听取了市发展改革委关于全市重点项目上半月推进情况的汇报，逐一研究了红灯项目和要素保障问题。"
                .into(),
            decisions: vec![
                MinutesDecision {
                    project: "青岚新能源汽车零部件产业园项目".into(),
                    content: "市自然资源局加快办理二期用地预审，确保项目按期开工".into(),
                    lead_org: "市自然资源局".into(),
                    deadline: Some(date(2026, 6, 30)),
                },
                MinutesDecision {
                    project: String::new(),
                    content: "各县（市、区）对照序时进度，逐项目制定赶超措施。".into(),
                    lead_org: "各县（市、区）人民政府".into(),
                    deadline: Some(date(2026, 7, 15)),
                },
                MinutesDecision {
                    project: "城南污水处理厂提标改造".into(),
                    content: "协调电力部门做好双回路供电保障".into(),
                    lead_org: "国网青岚供电公司".into(),
                    deadline: None,
                },
            ],
            previous: vec![
                PreviousDecision {
                    content: "协调解决智慧物流园项目用能指标".into(),
                    lead_org: "市发展改革委".into(),
                    state: DecisionState::Done,
                    carried_from: None,
                },
                PreviousDecision {
                    content: "推进青岚大道改造工程征地拆迁".into(),
                    lead_org: "青岚县人民政府".into(),
                    state: DecisionState::Overdue,
                    carried_from: None,
                },
            ],
            issuer: "市重点项目建设领导小组办公室".into(),
        }
    }

    #[test]
    fn minutes_list_every_decision_with_its_org_and_deadline() {
        let minutes = minutes();
        let bytes = dispatch_minutes_docx(&minutes).unwrap();
        let text = docx_text(&bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "全市重点项目第5次调度会议纪要");
        assert_eq!(lines[1], "青重项纪〔2026〕5号");
        assert!(
            text.contains("2026年6月16日，副市长李明在市政府第一会议室主持召开全市重点项目第5次调度会议。"),
            "{text}"
        );
        assert!(text.contains("参加会议的有：市发展改革委、市自然资源局"));
        assert!(text.contains(&minutes.summary));

        // 一、 the last meeting's decisions as a table, counted by state.
        let previous = lines.iter().position(|l| *l == "一、上次会议议定事项落实情况").expect(&text);
        assert_eq!(lines[previous + 1], "上次会议议定事项共2项，已办结1项、办理中0项、已逾期1项，具体如下：");
        assert_eq!(lines[previous + 2], "序号\t议定事项\t牵头单位\t落实情况");
        assert_eq!(lines[previous + 3], "1\t协调解决智慧物流园项目用能指标\t市发展改革委\t已办结");
        assert_eq!(lines[previous + 4], "2\t推进青岚大道改造工程征地拆迁\t青岚县人民政府\t已逾期");

        // 二、 this meeting's decisions, numbered, each with its org and deadline.
        let decided = lines.iter().position(|l| *l == "二、会议议定事项").expect(&text);
        assert!(decided > previous);
        let expected = [
            "（一）关于青岚新能源汽车零部件产业园项目。市自然资源局加快办理二期用地预审，确保项目按期开工。",
            "牵头单位：市自然资源局；完成时限：2026年6月30日。",
            "（二）各县（市、区）对照序时进度，逐项目制定赶超措施。",
            "牵头单位：各县（市、区）人民政府；完成时限：2026年7月15日。",
            "（三）关于城南污水处理厂提标改造。协调电力部门做好双回路供电保障。",
            "牵头单位：国网青岚供电公司；完成时限：持续推进。",
        ];
        assert_eq!(lines[decided + 1..decided + 7], expected);
        for decision in &minutes.decisions {
            assert!(text.contains(&decision.lead_org));
            if let Some(deadline) = decision.deadline {
                assert!(text.contains(&chinese_date(deadline)), "{deadline}");
            }
        }
        assert_eq!(lines[lines.len() - 2..], ["市重点项目建设领导小组办公室", "2026年6月16日"]);

        // Red-headed: the title and the rule in red.
        let document = part(&bytes, "word/document.xml");
        assert!(document.contains(r#"<w:color w:val="FF0000" />"#), "red title");
        assert!(document.contains(r#"w:color="FF0000""#), "red rule");
        docx_rs::read_docx(&bytes).unwrap();
    }

    #[test]
    fn the_previous_decisions_are_each_counted_once_by_their_state() {
        let decision = |state, carried_from| PreviousDecision {
            content: "事项".into(),
            lead_org: "市发展改革委".into(),
            state,
            carried_from,
        };
        let mut previous: Vec<PreviousDecision> = DecisionState::ALL.iter().map(|s| decision(*s, None)).collect();
        assert_eq!(
            previous_intro(&previous),
            "上次会议议定事项共5项，已办结1项、办理中1项、已逾期1项、未转督办2项（其中已逾期1项），具体如下："
        );
        previous.push(decision(DecisionState::Overdue, Some(3)));
        assert_eq!(
            previous_intro(&previous),
            "上次会议议定事项5项、此前会议议定尚未办结事项1项，共6项，\
             已办结1项、办理中1项、已逾期2项、未转督办2项（其中已逾期1项），具体如下："
        );
        let minutes = DispatchMinutes { previous, ..minutes() };
        let text = docx_text(&dispatch_minutes_docx(&minutes).unwrap()).unwrap();
        assert!(text.contains("一、上次及此前会议议定事项落实情况"), "{text}");
        assert!(text.contains("6\t（第3次会议）事项\t市发展改革委\t已逾期"), "{text}");
    }

    #[test]
    fn minutes_name_their_issuer_as_author() {
        let core = part(&dispatch_minutes_docx(&minutes()).unwrap(), "docProps/core.xml");
        assert!(core.contains(&format!("<dc:creator>{}</dc:creator>", minutes().issuer)), "{core}");
        assert!(!core.contains("1970"), "{core}");
    }

    #[test]
    fn minutes_without_a_previous_meeting_start_with_the_decisions() {
        let minutes = DispatchMinutes { previous: vec![], decisions: vec![], number: String::new(), ..minutes() };
        let text = docx_text(&dispatch_minutes_docx(&minutes).unwrap()).unwrap();
        assert!(!text.contains("上次会议议定事项"), "{text}");
        assert!(text.contains(&format!("一、会议议定事项\n{NO_DECISIONS}")), "{text}");
        assert!(!text.contains("〔"), "no 文号 line");
    }

    // ---- 调度通报 ----

    fn bulletin() -> DispatchBulletin {
        let county = |county: &str, projects, plan: &str, done: &str, rate: &str, red| CountyFigures {
            county: county.into(),
            projects,
            year_plan: decimal(plan),
            year_completed: decimal(done),
            rate_percent: decimal(rate),
            time_percent: decimal("49.5"),
            red,
        };
        DispatchBulletin {
            title: "关于2026年6月上半月全市重点项目推进情况的通报".into(),
            period: "2026年6月上半月".into(),
            as_of: date(2026, 6, 15),
            totals: DispatchTotals {
                projects: 82,
                total_investment: decimal("5634000.456"),
                year_plan: decimal("1200000"),
                year_completed: decimal("540000.5"),
                rate_percent: decimal("45.04"),
            },
            by_county: vec![
                county("青岚县", 30, "500000", "260000", "52", 1),
                county("城南区", 28, "400000", "150000.25", "37.5", 4),
                county("青岚经济技术开发区", 24, "300000", "130000", "43.3", 2),
            ],
            red_projects: vec![RedProject {
                name: "青岚大道改造工程".into(),
                county: "城南区".into(),
                reason: "投资完成率20%，落后序时进度29个百分点".into(),
            }],
            blockers: vec![OpenFactorIssue {
                project: "青岚新能源汽车零部件产业园项目".into(),
                kind: "用地".into(),
                org: "市自然资源局".into(),
                level: "市分管领导协调".into(),
                days_open: 23,
            }],
            issuer: "市重点项目建设领导小组办公室".into(),
            generated_at: None,
        }
    }

    #[test]
    fn the_bulletin_gives_the_totals_the_table_by_county_and_the_red_list() {
        let bulletin = bulletin();
        let bytes = dispatch_bulletin_docx(&bulletin).unwrap();
        let text = docx_text(&bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "关于2026年6月上半月全市重点项目推进情况的通报");
        assert!(
            text.contains(
                "截至2026年6月15日，全市纳入调度的重点项目82个，总投资5634000.46万元，年度计划投资1200000万元；本年已完成投资540000.5万元，投资完成率45%。"
            ),
            "{text}"
        );
        let table = lines.iter().position(|l| l.starts_with("县（市、区）\t")).expect(&text);
        assert_eq!(lines[table - 1], "2个县（市、区）投资完成率低于序时进度，具体如下：");
        assert_eq!(
            lines[table],
            "县（市、区）\t项目数\t年度计划投资（万元）\t本年完成投资（万元）\t投资完成率\t序时进度\t红灯项目"
        );
        assert_eq!(lines[table + 1], "青岚县\t30\t500000\t260000\t52%\t49.5%\t1");
        assert_eq!(lines[table + 2], "城南区\t28\t400000\t150000.25\t37.5%\t49.5%\t4");
        assert_eq!(lines[table + 3], "青岚经济技术开发区\t24\t300000\t130000\t43.3%\t49.5%\t2");
        assert!(lines.contains(&"三、红灯项目"));
        assert!(lines.contains(&"1\t青岚大道改造工程\t城南区\t投资完成率20%，落后序时进度29个百分点"), "{text}");
        assert!(lines.contains(&"四、要素保障问题（堵点）"));
        assert!(lines.contains(&"1\t青岚新能源汽车零部件产业园项目\t用地\t市自然资源局\t市分管领导协调\t23"), "{text}");
        assert_eq!(lines[lines.len() - 2..], ["市重点项目建设领导小组办公室", "2026年6月15日"]);
        docx_rs::read_docx(&bytes).unwrap();
    }

    #[test]
    fn a_quiet_period_says_there_is_nothing_red_and_nothing_blocked() {
        let bulletin = DispatchBulletin {
            title: String::new(),
            by_county: vec![],
            red_projects: vec![],
            blockers: vec![],
            ..bulletin()
        };
        let text = docx_text(&dispatch_bulletin_docx(&bulletin).unwrap()).unwrap();
        assert!(text.starts_with("2026年6月上半月重点项目调度通报\n"), "{text}");
        for line in [NO_RED_PROJECTS, NO_OPEN_FACTOR_ISSUES, "本期无分县（市、区）数据。"] {
            assert!(text.lines().any(|l| l == line), "{line} in {text}");
        }
    }
}
