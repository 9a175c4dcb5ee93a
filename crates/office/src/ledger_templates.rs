//! 台账模板 (ledger templates): the `.xlsx` files offices download, fill in and
//! upload to import orgs (单位), users (用户) and tasks with targets (任务).
//!
//! The columns ([`ORG_COLUMNS`], [`USER_COLUMNS`], [`TASK_COLUMNS`]) are the
//! same lists the importer looks for ([`crate::read_ledger_table`]), so the
//! template and the import cannot drift apart. Each template has a merged
//! title row, a header row (required columns marked `*`), 宋体, column widths,
//! text format where Excel would mangle a value (`3.10`, passwords), drop-down
//! lists where the values are fixed, and a second sheet 填写说明 explaining
//! each column with an example. The example sits on the note sheet, never on
//! the sheet that is imported, so an untouched template imports nothing.

use rust_xlsxwriter::{Color, DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::{ColumnSpec, OfficeError};

const FONT: &str = "宋体";

/// Rows below the header that carry the column formats and drop-down lists.
const FORMATTED_ROWS: u32 = 2000;

/// Which ledger a template or an import is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LedgerKind {
    /// 单位
    Orgs,
    /// 用户
    Users,
    /// 任务 (with targets)
    Tasks,
}

impl LedgerKind {
    pub const ALL: [LedgerKind; 3] = [LedgerKind::Orgs, LedgerKind::Users, LedgerKind::Tasks];

    /// The columns of this ledger, in template order.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            LedgerKind::Orgs => &ORG_COLUMNS,
            LedgerKind::Users => &USER_COLUMNS,
            LedgerKind::Tasks => &TASK_COLUMNS,
        }
    }

    /// `orgs`, `users`, `tasks`: in routes and file names.
    pub fn code(self) -> &'static str {
        match self {
            LedgerKind::Orgs => "orgs",
            LedgerKind::Users => "users",
            LedgerKind::Tasks => "tasks",
        }
    }

    pub fn from_code(code: &str) -> Option<LedgerKind> {
        LedgerKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// 单位, 用户, 任务.
    pub fn label(self) -> &'static str {
        match self {
            LedgerKind::Orgs => "单位",
            LedgerKind::Users => "用户",
            LedgerKind::Tasks => "任务",
        }
    }

    /// The template's title and download name without extension: `任务导入模板`.
    pub fn template_title(self) -> String {
        format!("{}导入模板", self.label())
    }

    fn sheet_name(self) -> &'static str {
        match self {
            LedgerKind::Orgs => "单位",
            LedgerKind::Users => "用户",
            LedgerKind::Tasks => "任务清单",
        }
    }
}

/// Indexes into [`ORG_COLUMNS`].
pub mod org_column {
    pub const NAME: usize = 0;
    pub const KIND: usize = 1;
    pub const PARENT: usize = 2;
    pub const SORT_ORDER: usize = 3;
}

/// Indexes into [`USER_COLUMNS`].
pub mod user_column {
    pub const USERNAME: usize = 0;
    pub const DISPLAY_NAME: usize = 1;
    pub const ORG: usize = 2;
    pub const ROLE: usize = 3;
    pub const PASSWORD: usize = 4;
}

/// Indexes into [`TASK_COLUMNS`].
pub mod task_column {
    pub const SEQ: usize = 0;
    pub const TASK: usize = 1;
    pub const METRIC: usize = 2;
    pub const VALUE: usize = 3;
    pub const UNIT: usize = 4;
    pub const DEADLINE: usize = 5;
    pub const LEAD_LEADER: usize = 6;
    pub const LEAD_ORG: usize = 7;
    pub const SUPPORTING_ORGS: usize = 8;
    pub const OWNER: usize = 9;
    pub const COMPARATOR: usize = 10;
    pub const BASELINE: usize = 11;
}

/// The 单位类型 a template offers, as labels; codes are accepted too.
pub const ORG_KIND_LABELS: [&str; 5] = ["县（市）", "区", "开发区", "部门", "科室"];

/// The 角色 a template offers, as labels; codes are accepted too.
pub const ROLE_LABELS: [&str; 3] = ["督查员", "填报员", "领导"];

/// The 比较 a template offers.
pub const COMPARATOR_LABELS: [&str; 4] = ["不低于", "不超过", "左右", "等于"];

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

/// 单位台账: one org per row.
pub const ORG_COLUMNS: [ColumnSpec; 4] = [
    column(
        "单位名称",
        &["单位", "名称", "单位全称"],
        true,
        32.0,
        "单位全称，在本政府内不能重名。",
        "市发展和改革委员会",
    ),
    column("单位类型", &["类型"], false, 12.0, "县（市）、区、开发区、部门或科室；不填为“部门”。", "部门"),
    column(
        "上级单位",
        &["上级", "主管单位"],
        false,
        32.0,
        "已有单位的名称，或本表中排在前面的单位；不填为顶级单位。",
        "青岚市人民政府",
    ),
    column("排序号", &["排序", "顺序号"], false, 10.0, "整数，小的排在前面；不填为0。", "10"),
];

/// 用户台账: one person per row.
pub const USER_COLUMNS: [ColumnSpec; 5] = [
    column(
        "用户名",
        &["登录名", "账号", "帐号"],
        true,
        18.0,
        "登录用的名字：字母、数字、下划线、点或横线，全系统唯一。",
        "fgw.wang",
    ),
    column("姓名", &["人员姓名"], true, 12.0, "显示的姓名。", "王发改"),
    column("所属单位", &["单位", "单位名称"], true, 32.0, "已有单位的名称（可先导入单位台账）。", "市发展和改革委员会"),
    column("角色", &["用户角色"], true, 10.0, "督查员、填报员或领导（管理员角色由安全管理员授予）。", "填报员"),
    column(
        "初始密码",
        &["密码"],
        true,
        16.0,
        "8到128位，须包含大写字母、小写字母、数字和其他符号中的至少三类，不能是用户名。请本人登录后修改；导入后请删除此文件。",
        "Qingdan2026",
    ),
];

/// 任务台账: one target per row; a task with several targets takes several
/// rows with the same 序号 and 任务内容 (merged or repeated).
pub const TASK_COLUMNS: [ColumnSpec; 12] = [
    column(
        "序号",
        &["编号"],
        false,
        8.0,
        "定层级：一、为第一级，（一）为第二级，1. 为第三级，(1) 为第四级；也可用 1、1.2、1.2.3 表示层级。同一任务的多行可合并单元格。",
        "一、 / （一） / 1.",
    ),
    column(
        "任务内容",
        &["任务", "工作任务", "重点任务", "任务事项", "主要任务", "工作内容"],
        true,
        50.0,
        "任务事项原文。同一任务有多个指标时，占多行，任务内容相同或合并单元格。",
        "新建5G基站1200座",
    ),
    column(
        "指标",
        &["指标名称", "目标指标", "考核指标"],
        false,
        22.0,
        "指标的简称；无量化指标的任务可不填。",
        "新建5G基站",
    ),
    column("目标值", &["指标值", "目标任务值"], false, 12.0, "数字；填写了指标时必填。", "1200"),
    column("计量单位", &["单位", "计量"], false, 10.0, "如 座、%、亿元。", "座"),
    column(
        "完成时限",
        &["时限", "完成时间", "截止日期", "截止时间", "时间节点"],
        false,
        14.0,
        "日期：2026-06-30、2026年6月30日、2026年6月底、年底；不填为计划年度12月31日。",
        "2026-09-30",
    ),
    column(
        "牵头领导",
        &["包联领导", "责任领导", "分管领导", "市级领导"],
        false,
        12.0,
        "领导角色用户的姓名或用户名。",
        "李副市长",
    ),
    column("牵头单位", &["责任单位", "主责单位", "建议牵头单位"], false, 26.0, "已有单位的名称。", "市工业和信息化局"),
    column(
        "配合单位",
        &["协办单位", "参与单位", "配合部门"],
        false,
        30.0,
        "已有单位的名称，多个用顿号、逗号、分号或空格隔开。",
        "市住房和城乡建设局、市交通运输局",
    ),
    column("责任人", &["联系人", "具体责任人"], false, 12.0, "牵头单位人员的姓名或用户名。", "王工信"),
    column(
        "比较",
        &["比较方式"],
        false,
        10.0,
        "选填：不低于（以上）、不超过（以内）、左右、等于；不填为等于。",
        "不低于",
    ),
    column("基数", &["基期值", "基准值"], false, 10.0, "选填：起始值，如“由57%提高到70%”的 57。", "57"),
];

/// The template of a ledger, as `.xlsx` bytes.
///
/// # Errors
///
/// [`OfficeError::LedgerWrite`] if the writer fails (it does not with these fixed contents).
pub fn ledger_template_xlsx(kind: LedgerKind) -> Result<Vec<u8>, OfficeError> {
    let layout = match kind {
        LedgerKind::Orgs => TemplateLayout {
            lists: &[(org_column::KIND, &ORG_KIND_LABELS)],
            ..TemplateLayout::new(kind.template_title(), kind.sheet_name(), &ORG_COLUMNS)
        },
        LedgerKind::Users => TemplateLayout {
            text: &[user_column::USERNAME, user_column::PASSWORD],
            lists: &[(user_column::ROLE, &ROLE_LABELS)],
            ..TemplateLayout::new(kind.template_title(), kind.sheet_name(), &USER_COLUMNS)
        },
        LedgerKind::Tasks => TemplateLayout {
            text: &[task_column::SEQ],
            wrap: &[task_column::TASK],
            dates: &[task_column::DEADLINE],
            lists: &[(task_column::COMPARATOR, &COMPARATOR_LABELS)],
            task_example: true,
            ..TemplateLayout::new(kind.template_title(), kind.sheet_name(), &TASK_COLUMNS)
        },
    };
    write_template(&layout)
}

/// How one template is laid out: its columns and which of them (indexes into
/// `columns`) carry a text, wrapping or date format or a drop-down list. The
/// look (宋体, merged title, grey header, 填写说明 sheet) is the same for all.
pub(crate) struct TemplateLayout<'a> {
    /// The title without `（表头请勿修改…）`, e.g. `任务导入模板`.
    pub title: String,
    pub sheet_name: &'a str,
    pub columns: &'a [ColumnSpec],
    /// Columns kept as text (`3.10`, codes, passwords).
    pub text: &'a [usize],
    /// Columns whose long text wraps.
    pub wrap: &'a [usize],
    /// Columns formatted `yyyy-mm-dd`.
    pub dates: &'a [usize],
    /// Columns with a drop-down list of labels.
    pub lists: &'a [(usize, &'a [&'a str])],
    /// Whether the note sheet shows the task ledger's worked example.
    pub task_example: bool,
}

impl<'a> TemplateLayout<'a> {
    pub(crate) fn new(title: String, sheet_name: &'a str, columns: &'a [ColumnSpec]) -> Self {
        TemplateLayout { title, sheet_name, columns, text: &[], wrap: &[], dates: &[], lists: &[], task_example: false }
    }
}

/// The template of a ledger of plain columns (no lists, dates or codes),
/// e.g. the office's 考核数据 values.
///
/// # Errors
///
/// [`OfficeError::LedgerWrite`] if the writer fails.
pub fn columns_template_xlsx(title: &str, sheet_name: &str, columns: &[ColumnSpec]) -> Result<Vec<u8>, OfficeError> {
    write_template(&TemplateLayout::new(title.to_owned(), sheet_name, columns))
}

/// A template as `.xlsx` bytes.
pub(crate) fn write_template(layout: &TemplateLayout<'_>) -> Result<Vec<u8>, OfficeError> {
    write_layout(layout).map_err(|e| OfficeError::LedgerWrite { reason: e.to_string() })
}

fn write_layout(layout: &TemplateLayout<'_>) -> Result<Vec<u8>, XlsxError> {
    let base = Format::new().set_font_name(FONT).set_font_size(11);
    let title =
        base.clone().set_bold().set_font_size(16).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let header = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(Color::RGB(0xD9D9D9));
    let text = base.clone().set_num_format("@").set_text_wrap();
    let date = base.clone().set_num_format("yyyy-mm-dd");
    let wrap = base.clone().set_text_wrap().set_align(FormatAlign::VerticalCenter);

    let columns = layout.columns;
    let last_col = (columns.len() - 1) as u16;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(layout.sheet_name)?;
    sheet.merge_range(0, 0, 0, last_col, &format!("{}（表头请勿修改，带*为必填）", layout.title), &title)?;
    sheet.set_row_height(0, 30)?;
    for (col, spec) in columns.iter().enumerate() {
        let col = col as u16;
        let label = if spec.required { format!("*{}", spec.header) } else { spec.header.to_owned() };
        sheet.write_string_with_format(1, col, &label, &header)?;
        sheet.set_column_width(col, spec.width)?;
        sheet.set_column_format(col, &base)?;
    }
    sheet.set_row_height(1, 24)?;
    sheet.set_freeze_panes(2, 0)?;
    for &col in layout.text {
        sheet.set_column_format(col as u16, &text)?;
    }
    for &col in layout.wrap {
        sheet.set_column_format(col as u16, &wrap)?;
    }
    for &col in layout.dates {
        sheet.set_column_format(col as u16, &date)?;
    }
    for &(col, labels) in layout.lists {
        list(sheet, col as u16, labels)?;
    }

    let notes = workbook.add_worksheet();
    notes.set_name("填写说明")?;
    write_notes(notes, layout, &title, &header, &wrap)?;
    workbook.save_to_buffer()
}

fn list(sheet: &mut Worksheet, col: u16, labels: &[&str]) -> Result<(), XlsxError> {
    let validation = DataValidation::new().allow_list_strings(labels)?;
    sheet.add_data_validation(2, col, FORMATTED_ROWS, col, &validation)?;
    Ok(())
}

fn write_notes(
    sheet: &mut Worksheet,
    layout: &TemplateLayout<'_>,
    title: &Format,
    header: &Format,
    wrap: &Format,
) -> Result<(), XlsxError> {
    let cell = wrap.clone().set_border(FormatBorder::Thin);
    sheet.merge_range(0, 0, 0, 3, &format!("{}填写说明", layout.title), title)?;
    sheet.set_row_height(0, 30)?;
    for (col, (text, width)) in
        [("列名", 14.0), ("是否必填", 10.0), ("填写说明", 70.0), ("示例", 30.0)].into_iter().enumerate()
    {
        sheet.write_string_with_format(1, col as u16, text, header)?;
        sheet.set_column_width(col as u16, width)?;
    }
    let mut row = 2;
    for spec in layout.columns {
        sheet.write_string_with_format(row, 0, spec.header, &cell)?;
        sheet.write_string_with_format(row, 1, if spec.required { "必填" } else { "选填" }, &cell)?;
        let mut note = spec.note.to_owned();
        if !spec.aliases.is_empty() {
            note += &format!("（表头也可写作：{}）", spec.aliases.join("、"));
        }
        sheet.write_string_with_format(row, 2, &note, &cell)?;
        sheet.write_string_with_format(row, 3, spec.example, &cell)?;
        row += 1;
    }
    row += 1;
    let general = [
        "在第一个工作表中填写，从表头下一行开始，一行一条；空行会被忽略。表头可以调换顺序，上方可以有标题行。",
        "导入时先检查全部行：任何一行有错，整个文件都不导入，并列出每处错误所在的行和列；改正后重新上传即可。",
    ];
    for text in general {
        sheet.merge_range(row, 0, row, 3, text, wrap)?;
        sheet.set_row_height(row, 30)?;
        row += 1;
    }
    if layout.task_example {
        row += 1;
        sheet.merge_range(row, 0, row, 3, "填写示例（本工作表不会被导入）：", wrap)?;
        row += 1;
        write_task_example(sheet, row, header, &cell)?;
    }
    Ok(())
}

/// A section, a sub-section and an item with two targets merged over two rows.
fn write_task_example(sheet: &mut Worksheet, top: u32, header: &Format, cell: &Format) -> Result<(), XlsxError> {
    let headers = ["序号", "任务内容", "指标", "目标值", "计量单位", "完成时限", "牵头单位"];
    for (col, text) in headers.iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *text, header)?;
    }
    let rows: [[&str; 7]; 4] = [
        ["一、", "稳增长，推动经济运行持续向好", "", "", "", "年底", "市发展和改革委员会"],
        ["（一）", "扩大有效投资", "", "", "", "年底", "市发展和改革委员会"],
        [
            "1.",
            "实施市级重点项目320项，年度计划投资560亿元",
            "市级重点项目数",
            "320",
            "项",
            "2026-12-31",
            "市发展和改革委员会",
        ],
        [
            "1.",
            "实施市级重点项目320项，年度计划投资560亿元",
            "年度计划投资",
            "560",
            "亿元",
            "2026-12-31",
            "市发展和改革委员会",
        ],
    ];
    for (i, values) in rows.iter().enumerate() {
        let r = top + 1 + i as u32;
        for (col, value) in values.iter().enumerate() {
            if i == 3 && (col == 0 || col == 1) {
                continue;
            }
            sheet.write_string_with_format(r, col as u16, *value, cell)?;
        }
    }
    sheet.merge_range(top + 3, 0, top + 4, 0, "1.", cell)?;
    sheet.merge_range(top + 3, 1, top + 4, 1, "实施市级重点项目320项，年度计划投资560亿元", cell)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Reader, Xlsx};

    use super::*;
    use crate::{read_ledger_table, read_xlsx_rows};

    #[test]
    fn each_template_reads_back_as_an_empty_ledger_with_all_its_columns() {
        for kind in LedgerKind::ALL {
            let bytes = ledger_template_xlsx(kind).unwrap();
            let table = read_ledger_table(&bytes, kind.columns()).unwrap();
            assert_eq!(table.header_row, 2, "{kind:?}");
            assert!(table.columns.iter().all(Option::is_some), "{kind:?}: {:?}", table.columns);
            assert!(table.lines.is_empty(), "{kind:?}: an untouched template imports nothing");

            let rows = read_xlsx_rows(&bytes).unwrap();
            assert!(rows[0][0].starts_with(&kind.template_title()), "{:?}", rows[0]);
            let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
            assert_eq!(workbook.sheet_names()[1], "填写说明");
            let notes = workbook.worksheet_range("填写说明").unwrap();
            for spec in kind.columns() {
                let found = notes.rows().any(|r| r[0] == spec.header && r[2].to_string().contains(spec.note));
                assert!(found, "{kind:?}: no note for {}", spec.header);
            }
        }
    }

    #[test]
    fn the_tasks_template_has_the_columns_an_office_expects_in_order() {
        let rows = read_xlsx_rows(&ledger_template_xlsx(LedgerKind::Tasks).unwrap()).unwrap();
        assert_eq!(
            rows[1],
            [
                "序号",
                "*任务内容",
                "指标",
                "目标值",
                "计量单位",
                "完成时限",
                "牵头领导",
                "牵头单位",
                "配合单位",
                "责任人",
                "比较",
                "基数"
            ]
        );
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(ledger_template_xlsx(LedgerKind::Tasks).unwrap())).unwrap();
        let merged = workbook.merge_cells_by_sheet_id(0).unwrap();
        assert_eq!(merged.len(), 1);
        assert_eq!((merged[0].start, merged[0].end), ((0, 0), (0, 11)), "the title is merged over the columns");
        let bytes = ledger_template_xlsx(LedgerKind::Users).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
        assert!(styles.contains("宋体"), "templates are set in 宋体");
    }
}
