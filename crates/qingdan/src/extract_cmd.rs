//! `qingdan extract`: targets and draft tasks from a work report.

use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct ExtractArgs {
    /// The report: UTF-8 or GB18030 text, Markdown, or a Word .docx.
    file: PathBuf,
    /// The plan year, when the text does not say it.
    #[arg(long)]
    year: Option<i32>,
    /// jsonl: one target a line; json: the heading tree with draft tasks; xlsx: the draft ledger.
    #[arg(long, default_value = "jsonl")]
    format: String,
    /// Where to write the xlsx ledger (default: FILE with .xlsx).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: &ExtractArgs) -> Result<()> {
    let _ = (&args.file, args.year, &args.output);
    bail!("extract is not wired yet (format {})", args.format)
}
