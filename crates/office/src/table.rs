//! A plain table as .xlsx: a title row, bold headers, text cells — for
//! exports that are lists rather than ledgers (the audit trail).

use crate::OfficeError;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Writes `rows` under `headers` on one sheet named `sheet`, with `title`
/// above them; the headers repeat on every printed page.
pub fn table_xlsx(sheet: &str, title: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, OfficeError> {
    let write = || -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let ws = workbook.add_worksheet_with_constant_memory()?;
        ws.set_name(sheet)?;
        ws.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(14))?;
        let bold = Format::new().set_bold();
        for (col, header) in headers.iter().enumerate() {
            ws.write_string_with_format(1, col as u16, *header, &bold)?;
            ws.set_column_width(col as u16, 16)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (col, text) in row.iter().enumerate() {
                ws.write_string(r as u32 + 2, col as u16, text)?;
            }
        }
        ws.set_freeze_panes(2, 0)?;
        ws.set_landscape();
        ws.set_repeat_rows(1, 1)?;
        workbook.save_to_buffer()
    };
    write().map_err(|e| OfficeError::LedgerWrite { reason: e.to_string() })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot build its input should fail loudly
mod tests {
    use super::*;

    #[test]
    fn a_table_reads_back_cell_for_cell() {
        let rows =
            vec![vec!["2026-12-04 08:00".to_owned(), "登录失败".to_owned()], vec!["x".to_owned(), "导出".to_owned()]];
        let bytes = table_xlsx("审计记录", "审计记录导出", &["时间", "操作"], &rows).unwrap();
        let cells = crate::read_xlsx_rows(&bytes).unwrap();
        assert_eq!(cells[1], vec!["时间", "操作"]);
        assert_eq!(cells[2], vec!["2026-12-04 08:00", "登录失败"]);
        assert_eq!(cells[3][1], "导出");
    }
}
