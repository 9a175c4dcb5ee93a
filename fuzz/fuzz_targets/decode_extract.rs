//! Any bytes through `decode` and `extract`: never a panic.
//!
//! Bytes that do not decode are also read lossily as UTF-8, so that the
//! extractor sees arbitrary text too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qingdan_extract::{Options, OrgKeywords, decode, extract};

fuzz_target!(|data: &[u8]| {
    let options = Options {
        plan_year: None,
        org_keywords: vec![OrgKeywords {
            org: "市能源局".into(),
            keywords: vec!["煤".into(), "气".into()],
        }],
    };
    let text = match decode(data) {
        Ok(text) => text,
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    };
    let x = extract(&text, &options);
    let _ = x.targets_jsonl();
    let _ = x.outline();
    let n = text.chars().count();
    for t in &x.targets {
        assert!(t.offset.0 < n);
    }
});
