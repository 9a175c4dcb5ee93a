//! Any bytes through `read_xlsx_rows` and `read_ledger_table`: Ok or Err, never a
//! panic, never more memory than `-rss_limit_mb` (the readers are bounded by
//! `qingdan_office::limits`).
//!
//! One exception: calamine's `.xls` parser panics on some broken records (slices
//! out of range); `read_xlsx_rows` catches those and answers `NotXlsx`. So the panic
//! hook lets panics raised inside calamine unwind to that catch, and aborts (a
//! finding) on any other.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qingdan_office::{TASK_COLUMNS, read_ledger_table, read_xlsx_rows};

fuzz_target!(
    init: {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.location().is_some_and(|l| l.file().contains("/calamine-")) {
                return;
            }
            fuzzer_hook(info);
        }));
    },
    |data: &[u8]| {
        if let Ok(rows) = read_xlsx_rows(data) {
            let width = rows.first().map_or(0, Vec::len);
            assert!(rows.iter().all(|row| row.len() == width), "every row has the same length");
        }
        let _ = read_ledger_table(data, &TASK_COLUMNS);
    }
);
