//! A small 公文 (official document) writer on docx-rs, after GB/T 9704-2012.
//!
//! The format Chinese offices expect of a generated 通报 or 督办通知单:
//!
//! - A4 paper, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm;
//! - title in 2号 (22 pt) 方正小标宋简体, centred, red for a red-headed document;
//! - body in 3号 (16 pt) 仿宋_GB2312, a first-line indent of two characters, on a
//!   fixed 28.95 pt line so a page holds 22 lines;
//! - first-level headings (`一、`) in 黑体, second-level (`（一）`) in 楷体_GB2312;
//! - page numbers `— 1 —` in 4号 宋体 at the foot: odd pages right, even pages left,
//!   each one character in from the edge;
//! - the issuing organ (发文机关署名) and the date (`2026年11月25日`) right-aligned at
//!   the end.
//!
//! Fonts come from the reader's machine. Every run names its East Asian font
//! (`w:rFonts w:eastAsia="仿宋_GB2312"`), and the font table gives each GB2312-era name
//! the name Windows, WPS and Kylin machines have under it (`w:altName`: 仿宋, 楷体,
//! 宋体), so a machine without 仿宋_GB2312 shows 仿宋 rather than a Western fallback.
//!
//! Text from callers may hold anything: control characters that XML cannot carry
//! are dropped, and a line break starts a new paragraph.

use std::io::Cursor;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Table, TableCell, TableLayoutType,
    TableRow, VAlignType, WidthType,
};

use crate::OfficeError;

/// A4 width in twips (210 mm).
pub const A4_WIDTH_TWIPS: u32 = 11906;
/// A4 height in twips (297 mm).
pub const A4_HEIGHT_TWIPS: u32 = 16838;
/// Top margin: 37 mm.
pub const MARGIN_TOP_TWIPS: i32 = 2098;
/// Bottom margin: 35 mm.
pub const MARGIN_BOTTOM_TWIPS: i32 = 1984;
/// Left margin: 28 mm.
pub const MARGIN_LEFT_TWIPS: i32 = 1587;
/// Right margin: 26 mm.
pub const MARGIN_RIGHT_TWIPS: i32 = 1474;
/// The width of the text block: 156 mm.
pub const TEXT_WIDTH_TWIPS: usize = (A4_WIDTH_TWIPS as i32 - MARGIN_LEFT_TWIPS - MARGIN_RIGHT_TWIPS) as usize;

/// 方正小标宋简体: the title font.
pub const FONT_TITLE: &str = "方正小标宋简体";
/// 仿宋_GB2312: the body font.
pub const FONT_BODY: &str = "仿宋_GB2312";
/// 黑体: first-level headings (`一、`) and table headers.
pub const FONT_HEADING1: &str = "黑体";
/// 楷体_GB2312: second-level headings (`（一）`).
pub const FONT_HEADING2: &str = "楷体_GB2312";
/// 宋体: page numbers.
pub const FONT_PAGE_NUMBER: &str = "宋体";
/// Digits and Latin letters in every run.
const FONT_LATIN: &str = "Times New Roman";

/// 2号: 22 pt, in half-points.
const SIZE_TITLE: usize = 44;
/// 3号: 16 pt, in half-points.
const SIZE_BODY: usize = 32;
/// 4号: 14 pt, in half-points; page numbers and the cells of wide tables.
const SIZE_SMALL: usize = 28;
/// One character of 3号 text, in twips: the unit of indents.
const CHAR_TWIPS: i32 = 320;
/// Half a character: a digit.
const HALF_CHAR_TWIPS: i32 = CHAR_TWIPS / 2;
/// How docx-rs writes a table row without properties: only header rows are written so.
const EMPTY_ROW_PROPERTIES: &str = "<w:tr><w:trPr />";
/// A header row: repeated at the top of every page the table runs over, never split.
const HEADER_ROW_PROPERTIES: &str = "<w:tr><w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>";
/// 22 lines on the 225 mm text block: 28.95 pt, in twentieths of a point.
const LINE_TWIPS: i32 = 579;
/// Red of the 红头 (document title and separator line).
const RED: &str = "FF0000";

/// How big the text of a table's cells is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellSize {
    /// 3号, as the body: for a two-column table of facts.
    Body,
    /// 4号: for a table with many columns.
    Small,
}

impl CellSize {
    fn half_points(self) -> usize {
        match self {
            CellSize::Body => SIZE_BODY,
            CellSize::Small => SIZE_SMALL,
        }
    }
}

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnAlign {
    /// Text: left.
    Left,
    /// Numbers and short codes: centred.
    Center,
}

/// One column of a table: its header text, its share of the text width and its alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column<'a> {
    /// The header cell's text (黑体, centred). An empty header on every column means no header row.
    pub header: &'a str,
    /// Relative width; the columns share the text width (`TEXT_WIDTH_TWIPS`) in proportion.
    pub weight: usize,
    /// Alignment of the data cells.
    pub align: ColumnAlign,
}

/// A 公文 being written, paragraph by paragraph, top to bottom.
///
/// ```
/// use chrono::NaiveDate;
/// use qingdan_office::GongwenDoc;
///
/// let date = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
/// let bytes = GongwenDoc::new()
///     .title("关于2026年10月工作进展情况的通报", false)
///     .addressee("各县（市、区）人民政府，市直各有关单位")
///     .heading1("一、总体情况")
///     .body("全市共有任务120项。")
///     .signature("市委督查室", date)
///     .finish()
///     .unwrap();
/// assert!(qingdan_office::docx_text(&bytes).unwrap().contains("2026年11月25日"));
/// ```
#[derive(Debug)]
pub struct GongwenDoc {
    docx: Docx,
    /// The last paragraph, held back so the signature can keep it company on its page.
    pending: Option<Paragraph>,
    /// The file's author (作者 in Word's properties).
    creator: String,
    /// When it was made: the file's created and modified dates (none: left out).
    made_at: Option<DateTime<Utc>>,
}

impl Default for GongwenDoc {
    fn default() -> Self {
        Self::new()
    }
}

impl GongwenDoc {
    /// An empty A4 document with the 公文 margins, fonts and page numbers.
    pub fn new() -> Self {
        let margins = PageMargin::new()
            .top(MARGIN_TOP_TWIPS)
            .bottom(MARGIN_BOTTOM_TWIPS)
            .left(MARGIN_LEFT_TWIPS)
            .right(MARGIN_RIGHT_TWIPS)
            // The page number sits about 7 mm below the text block.
            .footer(1531)
            .header(851)
            .gutter(0);
        let docx = Docx::new()
            .page_size(A4_WIDTH_TWIPS, A4_HEIGHT_TWIPS)
            .page_margin(margins)
            .default_fonts(fonts(FONT_BODY))
            .default_size(SIZE_BODY)
            .footer(Footer::new().add_paragraph(page_number(false)))
            .even_footer(Footer::new().add_paragraph(page_number(true)));
        Self { docx, pending: None, creator: DEFAULT_CREATOR.to_owned(), made_at: None }
    }

    /// Who made the document and when, for its properties (作者, 创建时间,
    /// 修改时间): an empty `creator` leaves `DEFAULT_CREATOR` ("Qingdan").
    #[must_use]
    pub fn made(mut self, creator: &str, at: Option<DateTime<Utc>>) -> Self {
        let creator = clean(creator).replace(['\n', '\t'], " ");
        if !creator.trim().is_empty() {
            self.creator = creator.trim().to_owned();
        }
        self.made_at = at;
        self
    }

    /// The title: 2号 方正小标宋简体, centred, red when `red` (a red-headed document such
    /// as a 督办通知单). A line break in `text` splits the title over two lines.
    pub fn title(self, text: &str, red: bool) -> Self {
        let mut paragraph = Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).after(240));
        for (i, line) in clean(text).split('\n').enumerate() {
            let mut run = Run::new().fonts(fonts(FONT_TITLE)).size(SIZE_TITLE);
            if red {
                run = run.color(RED);
            }
            if i > 0 {
                run = run.add_break(docx_rs::BreakType::TextWrapping);
            }
            paragraph = paragraph.add_run(run.add_text(line));
        }
        self.push(paragraph)
    }

    /// A centred line in the body font, e.g. the document number `督办〔2026〕12号`.
    pub fn centered(self, text: &str) -> Self {
        let paragraph =
            lines(text).fold(body_paragraph().align(AlignmentType::Center), |p, line| p.add_run(body_run(&line)));
        self.push(paragraph)
    }

    /// The red separator line of a red-headed document, below what came before.
    pub fn red_rule(self) -> Self {
        let border = ParagraphBorder::new(ParagraphBorderPosition::Bottom).size(12).space(1).color(RED);
        let paragraph = Paragraph::new()
            .set_borders(ParagraphBorders::with_empty().set(border))
            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(200).after(240))
            .add_run(Run::new().size(4));
        self.push(paragraph)
    }

    /// The addressee (主送机关) flush left, followed by a full-width colon.
    pub fn addressee(self, org: &str) -> Self {
        let text = format!("{}：", clean(org).replace('\n', ""));
        self.push(body_paragraph().add_run(body_run(&text)))
    }

    /// A first-level heading (`一、总体情况`) in 黑体, indented as the body.
    pub fn heading1(self, text: &str) -> Self {
        self.heading(text, FONT_HEADING1)
    }

    /// A second-level heading (`（一）任务进展`) in 楷体_GB2312, indented as the body.
    pub fn heading2(self, text: &str) -> Self {
        self.heading(text, FONT_HEADING2)
    }

    fn heading(mut self, text: &str, font: &str) -> Self {
        for line in lines(text) {
            let run = Run::new().fonts(fonts(font)).size(SIZE_BODY).add_text(line);
            self = self.push(indented(body_paragraph().keep_next(true)).add_run(run));
        }
        self
    }

    /// Body text: 3号 仿宋_GB2312 with a first-line indent of two characters; each line
    /// of `text` becomes a paragraph.
    pub fn body(mut self, text: &str) -> Self {
        for line in lines(text) {
            self = self.push(indented(body_paragraph()).add_run(body_run(&line)));
        }
        self
    }

    /// A paragraph whose first words are a lead-in in 楷体_GB2312 (or 黑体), then body text:
    /// `一是……` style paragraphs. `lead` keeps its own font; `text` continues in the body font.
    pub fn body_with_lead(self, lead: &str, text: &str) -> Self {
        let lead = Run::new().fonts(fonts(FONT_HEADING2)).size(SIZE_BODY).add_text(clean(lead).replace('\n', ""));
        let text = body_run(&clean(text).replace('\n', ""));
        self.push(indented(body_paragraph()).add_run(lead).add_run(text))
    }

    /// An empty body line.
    pub fn blank_line(self) -> Self {
        self.push(body_paragraph())
    }

    /// A bordered table across the text width. A header row (黑体, centred) comes first
    /// unless every column's header is empty. Each row should have one cell per column;
    /// missing cells are left empty and extra ones dropped. A line break in a cell starts
    /// a new paragraph in it.
    pub fn table(self, columns: &[Column<'_>], rows: &[Vec<String>], size: CellSize) -> Self {
        if columns.is_empty() {
            return self;
        }
        let total: usize = columns.iter().map(|c| c.weight.max(1)).sum();
        let widths: Vec<usize> = columns.iter().map(|c| TEXT_WIDTH_TWIPS * c.weight.max(1) / total).collect();
        let mut table_rows = Vec::with_capacity(rows.len() + 1);
        if columns.iter().any(|c| !c.header.is_empty()) {
            let cells = columns
                .iter()
                .zip(&widths)
                .map(|(column, &width)| {
                    cell(column.header, width, ColumnAlign::Center, FONT_HEADING1, size).keep_next().into()
                })
                .collect();
            // Marked as the header to repeat on every page in `finish`: the one row
            // written without properties.
            table_rows.push(TableRow::new(cells));
        }
        for row in rows {
            let cells = columns
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (column, &width))| {
                    let text = row.get(i).map_or("", String::as_str);
                    cell(text, width, column.align, FONT_BODY, size).into()
                })
                .collect();
            table_rows.push(TableRow::new(cells).cant_split());
        }
        let table = Table::new(table_rows)
            .set_grid(widths)
            .width(TEXT_WIDTH_TWIPS, WidthType::Dxa)
            .layout(TableLayoutType::Fixed);
        // The lead-in paragraph stays on the page of the table's first row.
        let mut this = self.flush(true);
        this.docx = this.docx.add_table(table);
        this
    }

    /// The issuing organ and the date at the end, after one empty line, as GB/T 9704-2012
    /// 7.3.5.2 sets a document without seal: the organ two characters in from the right
    /// margin, the date on the next line starting two characters right of the organ's
    /// start; a date longer than that would allow stands two characters in, and the organ
    /// moves left to keep the two-character step. The last paragraph before it is kept on
    /// the same page, so the signature never stands alone.
    pub fn signature(self, issuer: &str, date: NaiveDate) -> Self {
        let date_text = chinese_date(date);
        let issuer = clean(issuer).replace('\n', "");
        let (issuer_right, date_right) = signature_indents(display_halves(&issuer), display_halves(&date_text));
        let right = |halves: i32| {
            body_paragraph().align(AlignmentType::Right).keep_next(true).indent(
                None,
                None,
                Some(halves * HALF_CHAR_TWIPS),
                None,
            )
        };
        let mut this = self.flush(true).push(body_paragraph().keep_next(true));
        this = this.push(right(issuer_right).add_run(body_run(&issuer)));
        this.push(right(date_right).keep_next(false).add_run(body_run(&date_text)))
    }

    /// The `.docx` bytes.
    ///
    /// # Errors
    ///
    /// [`OfficeError::DocxWrite`] when the writer fails (it does not on a memory buffer
    /// in practice; the error is passed on rather than unwrapped).
    pub fn finish(self) -> Result<Vec<u8>, OfficeError> {
        let core = core_properties(&self.creator, self.made_at);
        let mut xml = self.flush(false).docx.build();
        xml.font_table = FONT_TABLE.as_bytes().to_vec();
        xml.doc_props.core = core.into_bytes();
        // docx-rs cannot mark a header row; the header rows are the only rows written
        // without properties (data rows can't split), so they are found by that.
        let document = String::from_utf8(xml.document).map_err(|e| OfficeError::DocxWrite { reason: e.to_string() })?;
        xml.document = document.replace(EMPTY_ROW_PROPERTIES, HEADER_ROW_PROPERTIES).into_bytes();
        let mut buffer = Cursor::new(Vec::new());
        xml.pack(&mut buffer).map_err(|e| OfficeError::DocxWrite { reason: e.to_string() })?;
        Ok(buffer.into_inner())
    }

    /// Adds a paragraph; it is written when the next one comes.
    fn push(self, paragraph: Paragraph) -> Self {
        let mut this = self.flush(false);
        this.pending = Some(paragraph);
        this
    }

    /// Writes the held-back paragraph, kept with what follows when `keep_next`.
    fn flush(mut self, keep_next: bool) -> Self {
        if let Some(paragraph) = self.pending.take() {
            let paragraph = if keep_next { paragraph.keep_next(true) } else { paragraph };
            self.docx = self.docx.add_paragraph(paragraph);
        }
        self
    }
}

/// The author of a document whose maker is not named.
pub const DEFAULT_CREATOR: &str = "Qingdan";

/// `docProps/core.xml`: the author (also the last to modify), and the
/// created and modified dates when known; docx-rs writes `unknown` and 1970.
fn core_properties(creator: &str, at: Option<DateTime<Utc>>) -> String {
    let dates = at.map_or_else(String::new, |at| {
        let at = at.format("%Y-%m-%dT%H:%M:%SZ");
        format!(
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{at}</dcterms:modified>"#
        )
    });
    let creator = xml_escape(creator);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{creator}</dc:creator><cp:lastModifiedBy>{creator}</cp:lastModifiedBy>{dates}<cp:revision>1</cp:revision></cp:coreProperties>"#
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A date as 公文 write it: `2026年11月25日`, Arabic numerals, no leading zeros.
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// A month and day, `12月2日`, for a deadline within the year of the document.
pub(crate) fn chinese_month_day(date: NaiveDate) -> String {
    format!("{}月{}日", date.month(), date.day())
}

/// A number in Chinese for headings: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[(n % 10) as usize] }),
        20..=99 => {
            let ones = if n.is_multiple_of(10) { "" } else { DIGITS[(n % 10) as usize] };
            format!("{}十{ones}", DIGITS[(n / 10) as usize])
        }
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest as usize]),
                10..=19 => format!("一{}", chinese_number(rest)),
                _ => chinese_number(rest),
            };
            format!("{}百{tail}", DIGITS[(n / 100) as usize])
        }
        _ => n.to_string(),
    }
}

/// Fonts for a run: `east_asia` for Chinese, Times New Roman for digits and Latin.
fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii(FONT_LATIN).hi_ansi(FONT_LATIN).cs(FONT_LATIN)
}

fn body_run(text: &str) -> Run {
    Run::new().fonts(fonts(FONT_BODY)).size(SIZE_BODY).add_text(text)
}

/// A body paragraph on the fixed 22-lines-a-page grid, justified.
fn body_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_TWIPS).before(0).after(0))
}

/// Two characters of first-line indent.
fn indented(paragraph: Paragraph) -> Paragraph {
    paragraph.indent(None, Some(SpecialIndentType::FirstLine(2 * CHAR_TWIPS)), None, None)
}

/// A cell being built: its paragraphs stay open until the cell is wanted, so a header
/// cell can ask to be kept with the next row.
struct Cell {
    width: usize,
    paragraphs: Vec<Paragraph>,
}

impl Cell {
    fn keep_next(mut self) -> Self {
        self.paragraphs = self.paragraphs.into_iter().map(|p| p.keep_next(true)).collect();
        self
    }
}

impl From<Cell> for TableCell {
    fn from(cell: Cell) -> Self {
        let base = TableCell::new().width(cell.width, WidthType::Dxa).vertical_align(VAlignType::Center);
        cell.paragraphs.into_iter().fold(base, TableCell::add_paragraph)
    }
}

fn cell(text: &str, width: usize, align: ColumnAlign, font: &str, size: CellSize) -> Cell {
    let alignment = match align {
        ColumnAlign::Left => AlignmentType::Left,
        ColumnAlign::Center => AlignmentType::Center,
    };
    let paragraphs = clean(text)
        .split('\n')
        .map(|line| {
            let run = Run::new().fonts(fonts(font)).size(size.half_points()).add_text(line);
            Paragraph::new()
                .align(alignment)
                .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240))
                .add_run(run)
        })
        .collect();
    Cell { width, paragraphs }
}

/// `— 1 —` in 4号 宋体, one character in from the right margin (odd pages) or the left
/// one (even pages, `left_side`).
fn page_number(left_side: bool) -> Paragraph {
    let run = |text: &str| Run::new().fonts(fonts(FONT_PAGE_NUMBER)).size(SIZE_SMALL).add_text(text);
    let one_char = SIZE_SMALL as i32 * 10;
    let (side, left, right) = if left_side {
        (AlignmentType::Left, Some(one_char), None)
    } else {
        (AlignmentType::Right, None, Some(one_char))
    };
    Paragraph::new()
        .align(side)
        .indent(left, None, right, None)
        .size(SIZE_SMALL)
        .fonts(fonts(FONT_PAGE_NUMBER))
        .add_run(run("— "))
        .add_page_num(PageNum::new())
        .add_run(run(" —"))
}

/// The lines of `text` as paragraphs: cleaned, split at line breaks, a trailing
/// newline ignored. Empty text gives one empty line.
fn lines(text: &str) -> impl Iterator<Item = String> {
    let text = clean(text);
    let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
    text.split('\n').map(str::to_string).collect::<Vec<_>>().into_iter()
}

/// Drops what XML 1.0 cannot carry (control characters other than tab and newline,
/// unpaired surrogates cannot occur in a `str`), and turns `\r\n` and `\r` into `\n`.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}'))
        .collect()
}

/// The width of `text` in half characters: an ASCII character (a digit of the date)
/// takes one, a Chinese character two.
fn display_halves(text: &str) -> i32 {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The right indents of the organ and the date, in half characters, from their widths.
fn signature_indents(issuer: i32, date: i32) -> (i32, i32) {
    const TWO_CHARS: i32 = 4;
    // The organ two characters in; the date starts two characters right of the organ.
    let date_right = issuer - date;
    if date_right >= TWO_CHARS {
        (TWO_CHARS, date_right)
    } else {
        // The date two characters in, the organ two characters left of the date's start.
        (TWO_CHARS + date + TWO_CHARS - issuer, TWO_CHARS)
    }
}

/// The font table: the 公文 fonts with the names a reader's machine is likely to have
/// (`w:altName`), and GB2312 as their character set (`w:charset 86`).
const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    r#"<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="仿宋"><w:altName w:val="FangSong"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="楷体"><w:altName w:val="KaiTi"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font>"#,
    r#"</w:fonts>"#,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers_for_headings() {
        let cases = [
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (35, "三十五"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (500, "五百"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_number(n), want, "{n}");
        }
    }

    #[test]
    fn dates_have_no_leading_zeros() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(chinese_date(date), "2026年3月5日");
        assert_eq!(chinese_month_day(date), "3月5日");
    }

    #[test]
    fn control_characters_are_dropped_and_line_ends_unified() {
        assert_eq!(clean("a\u{1}b\r\nc\rd\u{FFFF}"), "ab\nc\nd");
        assert_eq!(lines("一\n二\n").collect::<Vec<_>>(), ["一", "二"]);
        assert_eq!(lines("").collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn display_width_counts_ascii_as_half() {
        assert_eq!(display_halves("2026年11月25日"), 14);
        assert_eq!(display_halves("市委督查室"), 10);
    }

    #[test]
    fn signature_steps_two_characters_from_organ_to_date() {
        // A short organ: the date two characters in, the organ 4 + 7 + 2 - 5 = 6 in.
        assert_eq!(signature_indents(10, 14), (12, 4));
        // A long organ (12 characters): the organ two in, the date starts two right of it.
        assert_eq!(signature_indents(24, 14), (4, 10));
        // Exactly long enough.
        assert_eq!(signature_indents(18, 14), (4, 4));
    }
}
