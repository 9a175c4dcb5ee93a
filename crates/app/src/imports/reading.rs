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
    let org_keywords = orgs.iter().filter(|o| o.is_active).filter_map(|o| org_keywords(&o.name)).collect();
    qingdan_extract::extract_with_parts(text, &Options { plan_year, org_keywords }, corrections)
}

/// The words that suggest an org as a task's lead: the core of its name and,
/// for the usual departments, the words of the work they answer for (a
/// task "新建中小学校5所" never names 教育局, but speaks of schools).
fn org_keywords(name: &str) -> Option<OrgKeywords> {
    let core = org_keyword(name)?;
    let mut keywords = vec![core];
    for (department, words) in REMITS {
        if name.contains(department) {
            keywords.extend(words.iter().map(|w| (*w).to_owned()));
        }
    }
    keywords.dedup();
    Some(OrgKeywords { org: name.to_owned(), keywords })
}

/// What the usual departments of a city or county answer for: a word of the
/// department's name, and the words a task about that work uses.
const REMITS: &[(&str, &[&str])] = &[
    ("发展和改革", &["重点项目", "固定资产投资", "项目谋划", "营商环境"]),
    ("发改", &["重点项目", "固定资产投资", "项目谋划", "营商环境"]),
    ("工业和信息化", &["工业", "制造业", "技术改造", "5G", "专精特新"]),
    ("工信", &["工业", "制造业", "技术改造", "5G", "专精特新"]),
    ("教育", &["学校", "幼儿园", "学位", "教师", "高校"]),
    ("卫生健康", &["医院", "医疗", "卫生", "疾控", "托育"]),
    ("卫健", &["医院", "医疗", "卫生", "疾控", "托育"]),
    ("交通", &["公路", "铁路", "高速", "机场", "公交", "港口"]),
    ("住房和城乡建设", &["住房", "老旧小区", "棚户区", "城市更新", "保障性", "燃气"]),
    ("住建", &["住房", "老旧小区", "棚户区", "城市更新", "保障性", "燃气"]),
    ("农业农村", &["粮食", "农田", "乡村振兴", "畜牧"]),
    ("生态环境", &["空气", "污染", "排放", "水质", "环保"]),
    ("商务", &["消费", "外贸", "外资", "进出口", "商贸"]),
    ("文化和旅游", &["旅游", "景区", "游客"]),
    ("文旅", &["旅游", "景区", "游客"]),
    ("人力资源和社会保障", &["就业", "社保", "养老保险", "技能培训"]),
    ("人社", &["就业", "社保", "养老保险", "技能培训"]),
    ("财政", &["专项债", "预算", "债券"]),
    ("水利", &["水库", "河道", "防洪", "灌溉"]),
    ("民政", &["养老服务", "低保", "救助"]),
    ("自然资源", &["用地", "国土", "矿产"]),
    ("应急管理", &["安全生产", "防灾"]),
];

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
