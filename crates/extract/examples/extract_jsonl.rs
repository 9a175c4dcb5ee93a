//! Prints the targets of a report file as JSONL in the gold format, so that
//! `score.py` can check the Rust scoring:
//!
//! `cargo run -p qingdan-extract --example extract_jsonl -- FILE [YEAR] > pred.jsonl`
//!
//! With `--json` it prints the heading tree with draft tasks instead; with
//! `--parts`, one line a part: kind, confidence, reason and where it starts.

use std::process::ExitCode;

use qingdan_extract::{Options, decode, extract};

fn main() -> ExitCode {
    let as_json = std::env::args().any(|a| a == "--json");
    let as_parts = std::env::args().any(|a| a == "--parts");
    let mut args = std::env::args().skip(1).filter(|a| a != "--json" && a != "--parts");
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
    let options = Options { plan_year, ..Options::default() };
    let extraction = extract(&text, &options);
    if as_parts {
        for p in &extraction.parts {
            let opening: String = text.chars().skip(p.start.0).take(30).collect();
            println!("{:?} {} {} [{}] {}", p.kind, p.confidence, p.start.0, p.reason, opening.replace('\n', " "));
        }
    } else if as_json {
        let json = serde_json::to_string_pretty(&extraction.outline()).unwrap_or_default();
        println!("{json}");
    } else {
        print!("{}", extraction.targets_jsonl());
    }
    ExitCode::SUCCESS
}
