//! Prints the targets of a report file as JSONL in the gold format, so that
//! `score.py` can check the Rust scoring:
//!
//! `cargo run -p qingdan-extract --example extract_jsonl -- FILE [YEAR] > pred.jsonl`

use std::process::ExitCode;

use qingdan_extract::{Options, decode, extract};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: extract_jsonl FILE [YEAR]");
        return ExitCode::FAILURE;
    };
    let plan_year = args.next().and_then(|y| y.parse().ok());
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(err) => {
            eprintln!("extract_jsonl: {path}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let text = match decode(&bytes) {
        Ok(t) => t,
        Err(err) => {
            eprintln!("extract_jsonl: {path}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let options = Options {
        plan_year,
        ..Options::default()
    };
    print!("{}", extract(&text, &options).targets_jsonl());
    ExitCode::SUCCESS
}
