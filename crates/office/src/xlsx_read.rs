//! Reading a workbook back as strings: for tests, and for importing ledgers.

use std::io::Cursor;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};

use crate::OfficeError;

/// The first sheet of a workbook as rows of display strings.
///
/// Row and column indexes are those of the sheet: `rows[0][0]` is cell A1 even when
/// the used range starts lower. Every row has the same length. Merged cells
/// (.xlsx, .xls) carry their value in every cell they cover, so a ledger with merged task
/// cells reads as complete rows. Cells read as Excel shows them by default:
/// numbers to 15 significant digits without trailing zeros (`5.1`, `12`), dates as
/// `yyyy-mm-dd` (with ` HH:MM:SS` when there is a time), booleans as
/// `TRUE`/`FALSE`, errors as `#DIV/0!` and so on, empty cells as `""`. Formulas give
/// their cached values. Also reads .xls, .xlsb and .ods.
///
/// # Errors
///
/// [`OfficeError::NotXlsx`] when the bytes are not a workbook or the sheet cannot be
/// read; [`OfficeError::NoSheet`] when there is no sheet.
pub fn read_xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, OfficeError> {
    let not_xlsx = |reason: String| OfficeError::NotXlsx { reason };
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        not_xlsx(if bytes.starts_with(b"%PDF") {
            "这是 PDF 文件".to_string()
        } else {
            format!("无法识别的文件格式（{e}）")
        })
    })?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(OfficeError::NoSheet)?
        .map_err(|e| not_xlsx(format!("无法读取第一个工作表（{e}）")))?;

    let Some((start_row, start_col)) = range.start() else {
        return Ok(Vec::new());
    };
    let (start_row, start_col) = (start_row as usize, start_col as usize);
    let width = start_col + range.width();
    let mut rows = vec![vec![String::new(); width]; start_row];
    for row in range.rows() {
        let mut cells = vec![String::new(); start_col];
        cells.extend(row.iter().map(display));
        rows.push(cells);
    }

    // Merged regions of .xlsx and of old .xls files (WPS and Excel 2003 still write them).
    let regions = match &mut workbook {
        Sheets::Xlsx(xlsx) => xlsx.merge_cells_by_sheet_id(0).unwrap_or_default(),
        Sheets::Xls(xls) => xls.merge_cells_by_sheet_id(0).unwrap_or_default(),
        _ => Vec::new(),
    };
    for region in regions {
        let (top, left) = (region.start.0 as usize, region.start.1 as usize);
        let (bottom, right) = (region.end.0 as usize, region.end.1 as usize);
        let Some(value) = rows.get(top).and_then(|r| r.get(left)).cloned() else {
            continue;
        };
        for row in rows.iter_mut().take(bottom + 1).skip(top) {
            for cell in row.iter_mut().take(right + 1).skip(left) {
                if cell.is_empty() {
                    cell.clone_from(&value);
                }
            }
        }
    }
    Ok(rows)
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
