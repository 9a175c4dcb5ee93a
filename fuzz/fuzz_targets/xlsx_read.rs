//! Any bytes through `read_xlsx_rows` and `read_ledger_table`: Ok or Err, never a
//! panic, never more memory than `-rss_limit_mb` (the readers are bounded by
//! `qingdan_office::limits`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qingdan_office::{TASK_COLUMNS, read_ledger_table, read_xlsx_rows};

fuzz_target!(|data: &[u8]| {
    if let Ok(rows) = read_xlsx_rows(data) {
        let width = rows.first().map_or(0, Vec::len);
        assert!(rows.iter().all(|row| row.len() == width), "every row has the same length");
    }
    let _ = read_ledger_table(data, &TASK_COLUMNS);
});
