//! From a work report's bytes to targets, draft tasks and the draft ledger:
//! the glue between decoding (text or Word) and the extractor.

use crate::{AppError, Result};
use qingdan_extract::{DecodeError, Extraction, Options, OrgKeywords, PartOverride};
use qingdan_office::LedgerRow;

pub use qingdan_extract::Extraction as ReportExtraction;

/// The text of a report: UTF-8 or GB18030 text, Markdown, or a Word .docx.
pub fn read_report(bytes: &[u8]) -> Result<String> {
    match qingdan_extract::decode(bytes) {
        Ok(text) => Ok(text),
        Err(DecodeError::Docx) => {
            qingdan_office::docx_text(bytes).map_err(|e| AppError::field("file", "bad_docx", e.to_string()))
        }
        Err(other) => Err(AppError::field("file", "unsupported", other.to_string())),
    }
}

/// Reads targets and draft tasks from a report's text.
pub fn extract(text: &str, plan_year: Option<i32>) -> Extraction {
    qingdan_extract::extract(text, &Options { plan_year, org_keywords: Vec::new() })
}

/// Reads targets and draft tasks, suggesting a lead org for each task from
/// the tenant's org names (the core of 市能源局 is 能源).
pub fn extract_with_orgs(text: &str, plan_year: Option<i32>, orgs: &[qingdan_domain::Org]) -> Extraction {
    extract_with_corrections(text, plan_year, orgs, &[])
}

/// Reads a report as [`extract_with_orgs`] does, with the office's
/// corrections of how its parts were judged.
pub fn extract_with_corrections(
    text: &str,
    plan_year: Option<i32>,
    orgs: &[qingdan_domain::Org],
    corrections: &[PartOverride],
) -> Extraction {
    let org_keywords = orgs
        .iter()
        .filter_map(|o| org_keyword(&o.name).map(|k| OrgKeywords { org: o.name.clone(), keywords: vec![k] }))
        .collect();
    qingdan_extract::extract_with_parts(text, &Options { plan_year, org_keywords }, corrections)
}

/// The words of an org's name that a task about its work would use: the
/// name without the level in front (市, 县) or the kind of body behind (局, 委员会).
fn org_keyword(name: &str) -> Option<String> {
    let mut core = name.trim();
    for prefix in ["省", "市", "县", "区"] {
        core = core.strip_prefix(prefix).unwrap_or(core);
    }
    for suffix in ["委员会", "办公室", "管理局", "服务中心", "中心", "局", "委", "办", "厅"] {
        if let Some(rest) = core.strip_suffix(suffix) {
            core = rest;
            break;
        }
    }
    (core.chars().count() >= 2).then(|| core.to_owned())
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

#[cfg(test)]
mod tests {
    use super::org_keyword;

    #[test]
    fn an_org_keyword_drops_the_level_and_the_kind_of_body() {
        let cases = [
            ("市能源局", Some("能源")),
            ("县交通运输局", Some("交通运输")),
            ("市发展和改革委员会", Some("发展和改革")),
            ("市政府办", Some("政府")),
            ("市局", None),
        ];
        for (name, want) in cases {
            assert_eq!(org_keyword(name).as_deref(), want, "{name}");
        }
    }
}
