//! Any bytes through `docx_text`: Ok or Err, never a panic, never more memory than
//! `-rss_limit_mb` (the reader is bounded by `qingdan_office::limits`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qingdan_office::docx_text;

fuzz_target!(|data: &[u8]| {
    let _ = docx_text(data);
});
