//! Reading a workbook back as strings: for tests, and for importing ledgers.
//!
//! Bounded by what is read, not by what the file declares (see [`crate::limits`]):
//! an `.xlsx` is checked entry by entry before calamine opens it
//! ([`crate::xlsx_guard`]) and its first sheet is then read cell by cell through
//! calamine's streaming cell reader, never as calamine's dense range (which spans
//! from the first to the last cell: A1 and XFD1048576 make 17 billion cells). An
//! `.xls` is checked record by record ([`crate::xls_guard`]) because calamine reads
//! all its sheets at once. Every cell kept is checked against the row, column,
//! grid and text limits as it comes; merged regions are clipped to the grid.

use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Reader, Xls, Xlsx, XlsxError};

use crate::OfficeError;
use crate::limits::{MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_SHEET_TEXT_BYTES};
use crate::{xls_guard, xlsx_guard};

/// What the first sheet is called in messages.
const FIRST_SHEET: &str = "第一个工作表";

/// The first sheet of a workbook as rows of display strings.
///
/// Row and column indexes are those of the sheet: `rows[0][0]` is cell A1 even when
/// the used range starts lower. Every row has the same length. Merged cells
/// (.xlsx, .xls) carry their value in every cell they cover, so a ledger with merged task
/// cells reads as complete rows. Cells read as Excel shows them by default:
/// numbers to 15 significant digits without trailing zeros (`5.1`, `12`), dates as
/// `yyyy-mm-dd` (with ` HH:MM:SS` when there is a time), booleans as
/// `TRUE`/`FALSE`, errors as `#DIV/0!` and so on, empty cells as `""`. Formulas give
/// their cached values. Reads .xlsx and the old .xls; .xlsb and .ods are refused
/// with a message asking for .xlsx (calamine reads them by their declared sizes).
///
/// # Errors
///
/// [`OfficeError::NotXlsx`] when the bytes are not a workbook or the sheet cannot be
/// read; [`OfficeError::NoSheet`] when there is no sheet; [`OfficeError::TooLarge`]
/// or [`OfficeError::OverLimit`] when the file passes a limit of [`crate::limits`].
pub fn read_xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, OfficeError> {
    if bytes.starts_with(b"PK") {
        contained(|| read_xlsx(bytes))
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        contained(|| read_xls(bytes))
    } else {
        let reason = if bytes.starts_with(b"%PDF") {
            "这是 PDF 文件"
        } else {
            "无法识别的文件格式（不是 .xlsx 或 .xls 文件）"
        };
        Err(not_xlsx(reason.to_string()))
    }
}

fn not_xlsx(reason: String) -> OfficeError {
    OfficeError::NotXlsx { reason }
}

/// Runs a read, turning a panic into [`OfficeError::NotXlsx`].
///
/// calamine's `.xls` parser indexes record data without checking its length in
/// places (`parse_extern_sheet`, found by the `xlsx_read` fuzz target), so a broken
/// file can panic inside it. Those are slices out of range, not memory: the limits
/// are checked before. A panic elsewhere is still a bug; the fuzz target aborts on
/// any panic outside calamine.
fn contained(read: impl FnOnce() -> Result<Vec<Vec<String>>, OfficeError>) -> Result<Vec<Vec<String>>, OfficeError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or_else(|_| Err(not_xlsx("文件已损坏，无法读取".to_string())))
}

/// An `.xlsx`: checked, then its first sheet streamed cell by cell.
fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, OfficeError> {
    xlsx_guard::check_xlsx_zip(bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| not_xlsx(xlsx_open_error(bytes, &e)))?;
    let name = workbook.sheet_names().first().cloned().ok_or(OfficeError::NoSheet)?;
    let mut cells = Cells::default();
    match workbook.worksheet_cells_reader(&name) {
        Ok(mut reader) => {
            while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(&e))? {
                let (row, col) = cell.get_position();
                if !matches!(cell.get_value(), DataRef::Empty) {
                    cells.add(row, col, &Data::from(cell.get_value().clone()))?;
                }
            }
        }
        // A chart sheet first: no cells, as calamine's range reads it.
        Err(XlsxError::NotAWorksheet(_)) => {}
        Err(e) => return Err(sheet_error(&e)),
    }
    let regions = workbook.merge_cells_by_sheet_id(0).unwrap_or_default();
    cells.into_rows(&regions)
}

/// Why calamine could not open a zip as a workbook, naming .xlsb and .ods files.
fn xlsx_open_error(bytes: &[u8], error: &XlsxError) -> String {
    let has = |name: &str| zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|z| z.index_for_name(name).is_some());
    if has("xl/workbook.bin") {
        "这是 .xlsb 文件，请在 Excel 或 WPS 中另存为 .xlsx".to_string()
    } else if has("content.xml") {
        "这是 OpenDocument（.ods）文件，请另存为 .xlsx".to_string()
    } else {
        format!("无法识别的文件格式（{error}）")
    }
}

fn sheet_error(error: &dyn std::fmt::Display) -> OfficeError {
    not_xlsx(format!("无法读取{FIRST_SHEET}（{error}）"))
}

/// An old `.xls`: checked, then read by calamine, which reads every sheet at once.
fn read_xls(bytes: &[u8]) -> Result<Vec<Vec<String>>, OfficeError> {
    xls_guard::check_xls(bytes)?;
    let mut workbook = Xls::new(Cursor::new(bytes))
        .map_err(|e| not_xlsx(format!("无法读取 .xls 工作簿，文件可能已加密或损坏（{e}）")))?;
    let range = workbook.worksheet_range_at(0).ok_or(OfficeError::NoSheet)?.map_err(|e| sheet_error(&e))?;
    let mut cells = Cells::default();
    if let Some((top, left)) = range.start() {
        for (row, col, value) in range.used_cells() {
            cells.add(top + row as u32, left + col as u32, value)?;
        }
    }
    let regions = workbook.merge_cells_by_sheet_id(0).unwrap_or_default();
    cells.into_rows(&regions)
}

/// The cells of the first sheet as they are read, checked against the limits.
#[derive(Default)]
struct Cells {
    /// Row, column and display text, in reading order (a later cell wins).
    cells: Vec<(usize, usize, String)>,
    /// Rows and columns of the grid: one past the last row and column seen.
    height: usize,
    width: usize,
    /// Bytes of text kept so far, merged cells' copies included.
    text: u64,
}

impl Cells {
    fn add(&mut self, row: u32, col: u32, value: &Data) -> Result<(), OfficeError> {
        if row >= MAX_ROWS {
            return Err(OfficeError::sheet_over(FIRST_SHEET, format!("{MAX_ROWS} 行")));
        }
        if col >= MAX_COLUMNS {
            return Err(OfficeError::sheet_over(FIRST_SHEET, format!("{MAX_COLUMNS} 列")));
        }
        let (height, width) = (self.height.max(row as usize + 1), self.width.max(col as usize + 1));
        if (height as u64) * (width as u64) > MAX_CELLS || self.cells.len() as u64 >= MAX_CELLS {
            return Err(too_many_cells());
        }
        let text = display(value);
        self.spend(text.len())?;
        (self.height, self.width) = (height, width);
        self.cells.push((row as usize, col as usize, text));
        Ok(())
    }

    fn spend(&mut self, bytes: usize) -> Result<(), OfficeError> {
        self.text += bytes as u64;
        if self.text > MAX_SHEET_TEXT_BYTES {
            return Err(OfficeError::sheet_over(
                format!("{FIRST_SHEET}的文字"),
                format!("{} MiB", MAX_SHEET_TEXT_BYTES >> 20),
            ));
        }
        Ok(())
    }

    /// The dense rows, merged regions filled with their top-left value.
    fn into_rows(mut self, regions: &[Dimensions]) -> Result<Vec<Vec<String>>, OfficeError> {
        let mut rows = vec![vec![String::new(); self.width]; self.height];
        for (row, col, text) in std::mem::take(&mut self.cells) {
            rows[row][col] = text;
        }
        self.fill_merged(&mut rows, regions)?;
        Ok(rows)
    }

    /// Fills each merged region, clipped to the grid, from its top-left cell.
    ///
    /// Regions never overlap in a real file, so the cells filled add up to at most the
    /// grid; more than [`MAX_CELLS`] means overlapping regions made to cost time.
    fn fill_merged(&mut self, rows: &mut [Vec<String>], regions: &[Dimensions]) -> Result<(), OfficeError> {
        let mut area = 0u64;
        for region in regions {
            let (top, left) = (region.start.0 as usize, region.start.1 as usize);
            let bottom = (region.end.0 as usize).min(self.height.saturating_sub(1));
            let right = (region.end.1 as usize).min(self.width.saturating_sub(1));
            let Some(value) = rows.get(top).and_then(|r| r.get(left)).cloned() else {
                continue;
            };
            if bottom < top || right < left {
                continue;
            }
            area += ((bottom - top + 1) * (right - left + 1)) as u64;
            if area > MAX_CELLS {
                return Err(OfficeError::sheet_over(
                    format!("{FIRST_SHEET}的合并单元格"),
                    format!("{MAX_CELLS} 个单元格"),
                ));
            }
            for row in &mut rows[top..=bottom] {
                for cell in &mut row[left..=right] {
                    if cell.is_empty() {
                        self.spend(value.len())?;
                        cell.clone_from(&value);
                    }
                }
            }
        }
        Ok(())
    }
}

fn too_many_cells() -> OfficeError {
    OfficeError::sheet_over(format!("{FIRST_SHEET}的行数 × 列数"), format!("{MAX_CELLS} 个单元格"))
}

/// A cell as Excel shows it with the General format, dates as ISO dates.
fn display(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::Error(e) => e.to_string(),
        Data::DateTime(d) => {
            if d.is_duration() {
                return float(d.as_f64());
            }
            match d.as_datetime() {
                Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.format("%Y-%m-%d").to_string(),
                Some(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
                None => float(d.as_f64()),
            }
        }
    }
}

/// 15 significant digits, as Excel keeps: 0.1 + 0.2 reads `0.3`, 1.0 reads `1`.
fn float(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    let text = rounded.to_string();
    if text == "-0" { "0".to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::{Format, Workbook};

    use super::*;

    #[test]
    fn floats_read_as_excel_shows_them() {
        let cases = [
            (1.0, "1"),
            (5.1, "5.1"),
            (0.1 + 0.2, "0.3"),
            (-0.0, "0"),
            (1234.5678, "1234.5678"),
            (1e20, "100000000000000000000"),
            (-2.5, "-2.5"),
        ];
        for (value, expected) in cases {
            assert_eq!(float(value), expected, "{value:?}");
        }
    }

    #[test]
    fn cells_keep_their_sheet_positions_and_types_show_as_text() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_string(2, 1, "指标").unwrap();
        sheet.write_number(2, 2, 649.0).unwrap();
        sheet.write_boolean(3, 1, true).unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2021, 6, 30).unwrap();
        sheet.write_date_with_format(3, 2, date, &date_format).unwrap();
        workbook.add_worksheet().write_string(0, 0, "第二个工作表").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();

        let rows = read_xlsx_rows(&bytes).unwrap();
        assert_eq!(
            rows,
            [vec!["", "", ""], vec!["", "", ""], vec!["", "指标", "649"], vec!["", "TRUE", "2021-06-30"],]
        );
    }

    #[test]
    fn bad_bytes_give_a_chinese_error_and_never_panic() {
        for (bytes, fragment) in
            [(&b""[..], "无法识别的文件格式"), ("不是表格".as_bytes(), "无法识别的文件格式"), (b"%PDF-1.4", "PDF")]
        {
            let error = read_xlsx_rows(bytes).unwrap_err();
            assert!(error.to_string().starts_with("不是有效的 Excel 工作簿（.xlsx）："));
            assert!(error.to_string().contains(fragment), "{error}");
        }
        let good = crate::draft_ledger_xlsx("清单", &[]).unwrap();
        for len in (0..good.len()).step_by(7) {
            let _ = read_xlsx_rows(&good[..len]);
        }
        for i in (0..good.len()).step_by(11) {
            let mut bad = good.clone();
            bad[i] ^= 0x5A;
            let _ = read_xlsx_rows(&bad);
        }
    }
}
