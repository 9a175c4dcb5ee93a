//! `qingdan extract`: targets and draft tasks from a work report.

use anyhow::{Context, Result, bail};
use clap::Args;
use qingdan_app::imports as extraction;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct ExtractArgs {
    /// The report: UTF-8 or GB18030 text, Markdown, or a Word .docx.
    file: PathBuf,
    /// The plan year, when the text does not say it.
    #[arg(long)]
    year: Option<i32>,
    /// jsonl: one target a line (the corpus gold format); json: the heading tree with draft tasks; xlsx: the draft ledger.
    #[arg(long, default_value = "jsonl")]
    format: String,
    /// Where to write the xlsx ledger (default: the report's name with .xlsx).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: &ExtractArgs) -> Result<()> {
    if !matches!(args.format.as_str(), "jsonl" | "json" | "xlsx") {
        bail!("unknown --format {:?}: use jsonl, json or xlsx", args.format);
    }
    let bytes = std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let text = extraction::read_report(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let result = extraction::extract(&text, args.year);
    let mut out = std::io::stdout().lock();
    match args.format.as_str() {
        "jsonl" => out.write_all(result.targets_jsonl().as_bytes())?,
        "json" => writeln!(out, "{}", serde_json::to_string_pretty(&result.outline())?)?,
        _ => {
            let path = args.output.clone().unwrap_or_else(|| args.file.with_extension("xlsx"));
            let title = format!("{}年重点任务清单（草稿）", result.plan_year.map_or("".into(), |y| y.to_string()));
            let xlsx = extraction::ledger_xlsx(&title, &result).map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&path, xlsx).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "已写出草稿台账：{}（{}项任务，{}个指标）",
                path.display(),
                result.draft_tasks.len(),
                result.targets.len()
            );
        }
    }
    Ok(())
}
