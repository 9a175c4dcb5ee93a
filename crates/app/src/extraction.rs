//! From a work report's bytes to targets, draft tasks and the draft ledger:
//! the glue between decoding (text or Word) and the extractor.

use crate::{AppError, Result};
use qingdan_extract::{DecodeError, Extraction, Options};
use qingdan_office::LedgerRow;

pub use qingdan_extract::Extraction as ReportExtraction;

/// The text of a report: UTF-8 or GB18030 text, Markdown, or a Word .docx.
pub fn read_report(bytes: &[u8]) -> Result<String> {
    match qingdan_extract::decode(bytes) {
        Ok(text) => Ok(text),
        Err(DecodeError::Docx) => qingdan_office::docx_text(bytes).map_err(|e| AppError::field("file", "bad_docx", e.to_string())),
        Err(other) => Err(AppError::field("file", "unsupported", other.to_string())),
    }
}

/// Reads targets and draft tasks from a report's text.
pub fn extract(text: &str, plan_year: Option<i32>) -> Extraction {
    qingdan_extract::extract(text, &Options { plan_year, org_keywords: Vec::new() })
}

/// The draft list as an Excel ledger: one row per target, a task without targets on one row.
pub fn ledger_xlsx(title: &str, extraction: &Extraction) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for task in &extraction.draft_tasks {
        let base = LedgerRow {
            seq: task.number.to_string(),
            task: task.text.clone(),
            deadline: task.deadline,
            lead_org: task.suggested_lead_org.clone().unwrap_or_default(),
            section: task.section.clone(),
            ..LedgerRow::default()
        };
        if task.targets.is_empty() {
            rows.push(base);
            continue;
        }
        for t in &task.targets {
            rows.push(LedgerRow {
                metric: t.metric.clone(),
                value: Some(t.value),
                unit: t.unit.clone(),
                comparator: Some(t.comparator),
                baseline: t.baseline,
                deadline: t.deadline.or(task.deadline),
                ..base.clone()
            });
        }
    }
    qingdan_office::draft_ledger_xlsx(title, &rows).map_err(|e| AppError::Internal(e.to_string()))
}
