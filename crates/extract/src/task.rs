//! Draft tasks (清单事项草稿): one per commitment of the plan parts, with its
//! targets, deadline, the named projects it mentions and a suggested lead org.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::part::Part;
use crate::target::Target;
use crate::text::{CharOffset, is_han};

/// One org and the keywords that suggest it as lead (牵头单位), as the admin
/// keeps them: `市能源局` <- `煤层气`, `煤炭`, `钻井`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgKeywords {
    /// The org's name as shown in the tenant's org tree.
    pub org: String,
    /// Words whose presence in a task suggests this org.
    pub keywords: Vec<String>,
}

/// A draft task: one commitment, before an admin reviews it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftTask {
    /// Position in the list, from 1.
    pub number: usize,
    /// Where the commitment starts and ends in the input.
    pub offset: CharOffset,
    pub end: CharOffset,
    /// The commitment as written, line breaks removed.
    pub text: String,
    /// The heading path it stands under: `三、(一)`.
    pub section: String,
    /// Index of the innermost heading it stands under, in `Extraction::headings`.
    pub heading: Option<usize>,
    /// The part of the report it stands in.
    pub part: Part,
    /// Its targets.
    pub targets: Vec<Target>,
    /// When it is due: the latest deadline of its targets or phrases.
    pub deadline: Option<NaiveDate>,
    /// 重点项目 named in it: 王莽岭大景区, 丹河新城.
    pub projects: Vec<String>,
    /// 建议牵头单位: the org whose keywords it mentions most.
    pub suggested_lead_org: Option<String>,
}

/// Verbs that make a sentence a commitment.
const COMMITMENT_VERBS: &[&str] = &[
    "建设", "建成", "推进", "推动", "实施", "完成", "开工", "打造", "培育", "新建", "新增", "加快", "开展", "落实",
    "提升", "提高", "改造", "设立", "建立", "完善", "深化", "加强", "启动", "举办", "办好", "确保", "力争", "引进",
    "创建", "抓好", "发展", "支持", "扩大", "健全", "出台", "制定", "实现", "做好", "优化", "强化", "组织", "开发",
    "保障", "整治", "治理", "投资", "安排", "争取",
];

/// Whether a sentence reads as a commitment rather than rhetoric.
pub(crate) fn is_commitment(text: &str, has_targets: bool) -> bool {
    if has_targets {
        return true;
    }
    if text.starts_with("各位代表") || text.chars().count() < 6 || is_rhetoric(text) {
        return false;
    }
    COMMITMENT_VERBS.iter().any(|v| text.contains(v))
}

/// A call to the audience rather than a promise of the government: the
/// closing "让我们……" of a report, or an exclamation (…而努力奋斗！). Only
/// asked of sentences without targets.
fn is_rhetoric(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("让我们") || text.ends_with('！') || text.ends_with('!')
}

/// Words that end the name of a project, place or facility, longest first.
const PROJECT_SUFFIXES: &[&str] = &[
    "大景区",
    "起步区",
    "示范区",
    "产业园",
    "物流园",
    "开发区",
    "新城",
    "新区",
    "景区",
    "园区",
    "片区",
    "基地",
    "中心",
    "工程",
    "项目",
    "公园",
    "水厂",
    "医院",
    "大道",
    "高速",
    "公路",
    "管廊",
    "机场",
    "广场",
    "剧场",
    "书院",
    "小镇",
    "综合体",
    "枢纽",
    "电站",
    "码头",
    "铁路",
    "高铁",
    "水库",
];

/// First chars of [`PROJECT_SUFFIXES`]: a cheap test before matching them.
static SUFFIX_STARTS: LazyLock<HashSet<char>> =
    LazyLock::new(|| PROJECT_SUFFIXES.iter().filter_map(|s| s.chars().next()).collect());

/// Words that cut a project name off from what precedes it.
const NAME_BREAKS: &[&str] = &[
    "加快", "建设", "推进", "推动", "打造", "完成", "启动", "开工", "实施", "抓好", "新建", "建成", "提升", "改造",
    "重点", "加强", "做好", "支持", "依托", "围绕", "对", "在", "和", "与", "及", "的", "是", "把", "将", "为", "到",
    "向", "等", "、", "以", "了", "年", "今", "主体", "全面", "个", "座", "条", "所", "家", "项", "处", "批", "公里",
    "平方", "亩", "万", "亿",
];

/// Generic heads that are not names: 重点项目, 基础设施项目, 一批工程.
const GENERIC: &[&str] = &[
    "重点",
    "重大",
    "基础设施",
    "一批",
    "各类",
    "相关",
    "配套",
    "其他",
    "示范",
    "民生",
    "产业",
    "前期",
    "部分",
    "所有",
    "全部",
    "新型",
    "系统",
    "服务",
    "信息",
    "数字",
    "公共",
    "城市",
    "技术",
    "创新",
    "合作",
    "招商",
    "投资",
    "建设",
    "改造",
    "发展",
    "转型",
];

/// Named projects in a commitment: a run of Chinese chars or letters
/// ending in a project word (`丹河新城`, `王莽岭大景区`, `第三水厂`).
pub(crate) fn projects(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let may_start = chars.get(i).is_some_and(|c| SUFFIX_STARTS.contains(c));
        let found = if may_start { PROJECT_SUFFIXES.iter().find(|s| starts_with(&chars, i, s)) } else { None };
        let Some(suffix) = found else {
            i += 1;
            continue;
        };
        let suf_len = suffix.chars().count();
        // Walk back over name chars, at most 10.
        let mut s = i;
        let mut in_quote = false;
        while s > 0 && i - s < 14 {
            let c = chars.get(s - 1).copied().unwrap_or(' ');
            if !(is_han(c) || c.is_ascii_alphanumeric() || matches!(c, '“' | '”')) {
                break;
            }
            match c {
                '”' => in_quote = true,
                '“' => in_quote = false,
                _ => {}
            }
            let breaks =
                !in_quote && c != '“' && (c.is_ascii_digit() || NAME_BREAKS.iter().any(|w| ends_with(&chars, s, w)));
            if breaks || (!in_quote && i - s >= 10) {
                break;
            }
            s -= 1;
        }
        let name_head: String = chars.get(s..i).unwrap_or(&[]).iter().collect();
        let name: String = chars.get(s..i + suf_len).unwrap_or(&[]).iter().collect();
        let is_generic = name_head.chars().count() < 2
            || GENERIC.iter().any(|g| name_head.starts_with(g) || name_head == *g)
            || name_head.chars().all(|c| crate::numeral::is_chinese_numeral_char(c) || c.is_ascii_digit());
        if !is_generic && !out.contains(&name) {
            // keep the longer of two overlapping names (丹河新城起步区 over 丹河新城)
            out.retain(|o| !name.starts_with(o.as_str()));
            if !out.iter().any(|o| o.contains(name.as_str())) {
                out.push(name);
            }
        }
        i += suf_len;
    }
    out
}

fn starts_with(chars: &[char], i: usize, s: &str) -> bool {
    s.chars().enumerate().all(|(k, c)| chars.get(i + k) == Some(&c))
}

fn ends_with(chars: &[char], i: usize, s: &str) -> bool {
    let n = s.chars().count();
    n <= i && starts_with(chars, i - n, s)
}

/// The org whose keywords appear most often in `text` (ties: the first
/// listed); `None` when no keyword appears.
pub(crate) fn suggest_lead_org(text: &str, context: &str, orgs: &[OrgKeywords]) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for org in orgs {
        let score: usize = org
            .keywords
            .iter()
            .filter(|k| !k.is_empty())
            .map(|k| 2 * text.matches(k.as_str()).count() + context.matches(k.as_str()).count())
            .sum();
        if score > 0 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, org.org.as_str()));
        }
    }
    best.map(|(_, o)| o.to_string())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_closing_call_and_exclamations_promise_nothing() {
        assert!(!is_commitment("让我们更加紧密地团结在一起，为全面完成今年目标任务而努力奋斗！", false));
        assert!(!is_commitment("我们要以更加昂扬的斗志加快推进现代化建设！", false));
        assert!(is_commitment("要加快推进城市更新行动。", false));
        assert!(is_commitment("让我们力争新建学校5所。", true), "a sentence with a target stays");
    }

    use super::*;

    #[test]
    fn named_projects_are_found_and_generic_ones_are_not() {
        let cases: &[(&str, &[&str])] = &[
            ("加快云台山大景区建设,完成5个基础设施项目", &["云台山大景区"]),
            ("推进滨江新城起步区建设", &["滨江新城起步区"]),
            ("第二水厂全面完工", &["第二水厂"]),
            ("启动2平方公里起步区建设", &[]),
            ("推进“千村万户”安居工程", &["“千村万户”安居工程"]),
            ("抓好一批重点项目", &[]),
            ("建成市妇幼保健院和体育中心", &["体育中心"]),
        ];
        for (input, want) in cases {
            assert_eq!(projects(input), *want, "{input}");
        }
    }

    #[test]
    fn lead_org_follows_the_keywords() {
        let orgs = vec![
            OrgKeywords { org: "市能源局".into(), keywords: vec!["煤层气".into(), "钻井".into()] },
            OrgKeywords { org: "市文旅局".into(), keywords: vec!["景区".into(), "旅游".into()] },
        ];
        assert_eq!(suggest_lead_org("新增钻井300口,煤层气产量达到10亿方", "", &orgs).as_deref(), Some("市能源局"));
        assert_eq!(suggest_lead_org("提升景区品质", "", &orgs).as_deref(), Some("市文旅局"));
        assert_eq!(suggest_lead_org("办好特殊教育", "", &orgs), None);
    }

    #[test]
    fn rhetoric_is_not_a_commitment() {
        assert!(!is_commitment("各位代表,转型是发展的根本出路。", false));
        assert!(is_commitment("加快建设城市公园。", false));
        assert!(is_commitment("各位代表", true));
    }
}
