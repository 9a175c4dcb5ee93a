//! What is not a promise though it has a number and a unit: counts of a
//! list or its headings, thresholds that define a class, scope distances,
//! numbered policy packages, quoted names, a target restated to explain it.
//! Each predicate looks only a few characters around the number.

use super::*;

/// Nouns after a count that make it the size of a list or of a document's
/// structure, not a promise: 提出6项指标, 18个领域的重点任务, 5个方面, 抓好3件事.
pub(super) const LIST_NOUNS: &[&str] = &[
    "指标",
    "方面",
    "维度",
    "板块",
    "重点工作",
    "重点任务",
    "大任务",
    "项任务",
    "任务举措",
    "件事",
    "项工作",
    "条意见",
];
/// Words just before a count that make it a tally: 共计28项, 预期性指标19项.
pub(super) const TALLY_LEADS: &[&str] = &["共计", "合计", "总计", "共有", "其中有", "指标", "共"];

/// Whether a count measures a list or the structure of the report rather
/// than work to do: the unit and noun written after it (within its clause,
/// at most eight chars on) is one of [`LIST_NOUNS`], or a tally word stands before it.
/// A count of commitments (办好12件民生实事) is not caught: 实事 is work.
/// A list noun inside quotes is part of a name (9个“一件事”治理), not the noun counted.
pub(super) fn is_count_of_a_list(doc: &Doc<'_>, head: &str, num_end: usize, clause_end: usize) -> bool {
    let near = unquoted(&doc.norm_string(num_end, (num_end + 8).min(clause_end)));
    let names_list = LIST_NOUNS.iter().any(|w| near.contains(w)) && !near.contains("实事");
    names_list || TALLY_LEADS.iter().any(|w| head.ends_with(w))
}

/// `s` without what stands in “quotes” (an open quote runs to the end).
fn unquoted(s: &str) -> String {
    let mut depth = 0usize;
    let mut ascii = false;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '“' | '「' | '《' => depth += 1,
            '”' | '」' | '》' => depth = depth.saturating_sub(1),
            '"' => ascii = !ascii,
            _ if depth == 0 && !ascii => out.push(c),
            _ => {}
        }
    }
    out
}

/// Nouns of things sorted into classes by size: 5亿元以上项目, 规模以上企业.
pub(super) const CLASS_NOUNS: &[&str] =
    &["项目", "企业", "工业企业", "园区", "城市", "集群", "工程", "产业", "平台", "用户", "单位"];

/// Whether a figure defines a class (投资5亿元以上的项目, 总投资超50亿元的
/// 产业项目, 亿元以上项目) rather than promising an amount: a bound
/// (以上/以下 after it, or 超/超过 before it) followed by 的 and a noun, or
/// by a class noun directly.
pub(super) fn is_class_threshold(
    doc: &Doc<'_>,
    after_unit: usize,
    clause_end: usize,
    prefix: Option<Comparator>,
) -> bool {
    let mut k = doc.skip_spaces(after_unit, clause_end);
    let mut bounded = prefix == Some(Comparator::AtLeast);
    for w in ["及以上", "及以下", "以上", "以下", "以内"] {
        if doc.starts_with_at(k, w) {
            k += w.chars().count();
            bounded = true;
            break;
        }
    }
    if !bounded || k >= clause_end {
        return false;
    }
    // 及以上/及以下 written before a noun sorts things by size:
    // 10万千瓦及以下燃煤机组, 二级及以上医院.
    let inclusive = ["及以上", "及以下"].iter().any(|w| doc.ends_with_at(k, w));
    let noun_at = |i: usize| CLASS_NOUNS.iter().any(|w| doc.starts_with_at(i, w));
    (doc.at(k) == '的' && is_han(doc.at(k + 1)) && k + 1 < clause_end) || noun_at(k) || (inclusive && is_han(doc.at(k)))
}

/// Verbs that, right before a share, make it the share of a class to bring
/// somewhere (推动60%以上的县级机构达标), not the bound of a class.
pub(super) const SHARE_LEADS: &[&str] =
    &["推动", "确保", "力争", "实现", "促进", "引导", "支持", "使", "让", "争取", "推进"];

/// Whether a share stands as the amount of a class to reach: a percentage
/// written right after a verb of driving (推动80%以上的乡镇建成…).
pub(super) fn is_share_of_a_class(unit: &str, head: &str) -> bool {
    unit == "%" && SHARE_LEADS.iter().any(|w| head.ends_with(w))
}

/// Place words of the sides of a line or a site: a distance right after one
/// measures a band (长江沿线1公里, 站点周边500米), not a length to build.
/// 沿江 alone is not one (沿江20公里步道 may be the length built).
pub(super) const EXTENT_WORDS: &[&str] = &["沿线", "沿岸", "两岸", "两侧", "周边", "周围"];

/// Whether a distance bounds a scope rather than counting one:
/// 公交与轨道50米内换乘, 1公里内覆盖 (内 alone, then a word); a band along a
/// place that a noun follows (长江沿线1公里化工地块整治, 河道两侧30米绿化带),
/// not a length at the clause's end (新建沿江绿道20公里).
pub(super) fn is_scope_distance(doc: &Doc<'_>, unit: &str, num_start: usize, after_unit: usize) -> bool {
    let distance = ["米", "公里", "千米"].iter().any(|u| unit.ends_with(u));
    if !distance {
        return false;
    }
    let within = doc.at(after_unit) == '内' && is_han(doc.at(after_unit + 1));
    let band = EXTENT_WORDS.iter().any(|w| doc.ends_with_at(num_start, w))
        && is_han(doc.at(after_unit))
        && !SUFFIX_COMPARATORS.iter().any(|(w, _)| doc.starts_with_at(after_unit, w));
    within || band
}

/// Words after a count of 条 that make it a package of policies, named by
/// its size: 出台科技金融20条政策措施, 30条防汛硬措施 (ANNOTATION.md: 稳经济20条
/// is a name).
pub(super) const POLICY_NOUNS: &[&str] = &["措施", "政策", "新政", "举措", "意见", "办法", "细则", "规定", "条款"];
/// Verbs that put a policy in force: the object they take is a policy.
pub(super) const POLICY_VERBS: &[&str] =
    &["出台", "制定", "落实", "推出", "印发", "兑现", "执行", "修订", "用好", "实施好"];

/// Whether a count of 条 names a policy package (稳经济20条, “30条”,
/// 20条政策措施) rather than things to build (打通50条断头路).
pub(super) fn is_policy_package(doc: &Doc<'_>, q: &Quantity, head: &str, clause_end: usize) -> bool {
    // N项 followed closely by a policy noun is a package too: 稳经济30项举措,
    // 100项提升举措 (not 攻坚计划项目100项).
    if q.unit == "项" {
        let tail = doc.norm_string(q.end, (q.end + 6).min(clause_end));
        return POLICY_NOUNS.iter().any(|w| tail.contains(w));
    }
    if q.unit != "条" {
        return false;
    }
    let tail = doc.norm_string(q.end, (q.end + 10).min(clause_end));
    if POLICY_NOUNS.iter().any(|w| tail.contains(w)) {
        return true;
    }
    let at_end = q.end >= clause_end || is_clause_end(doc.at(q.end)) || matches!(doc.at(q.end), '”' | '"' | '》');
    at_end && POLICY_VERBS.iter().any(|w| head.contains(w))
}

/// Whether the number stands in a short quoted name that counts names or
/// is only a count: “3个100”, “双20条”, “30条” (but “5年1000亿” is a goal).
pub(super) fn in_a_quoted_name(doc: &Doc<'_>, q: &Quantity, sent_start: usize, sent_end: usize) -> bool {
    let from = q.tok.start.saturating_sub(8).max(sent_start);
    let Some(open) = (from..q.tok.start).rev().find(|k| matches!(doc.at(*k), '“' | '"')) else {
        return false;
    };
    if (open + 1..q.tok.start).any(|k| matches!(doc.at(k), '”')) {
        return false;
    }
    let to = (q.end + 8).min(sent_end);
    let Some(close) = (q.end..to).find(|k| matches!(doc.at(*k), '”' | '"')) else {
        return false;
    };
    // A count of counts: N个 next to another number (三个一批, 3个100, 两个1000亿).
    let is_numeral = |c: char| c.is_ascii_digit() || is_chinese_numeral_char(c);
    let counts_numbers = (q.unit == "个" && is_numeral(doc.at(q.end)))
        || (q.tok.start >= open + 3 && doc.at(q.tok.start - 1) == '个' && is_numeral(doc.at(q.tok.start - 2)));
    // Nothing but the count itself (“30条”, “双20条”).
    let only_the_count = close == q.end && (open + 1..q.tok.start).all(|k| !is_han(doc.at(k)) || doc.at(k) == '双');
    counts_numbers || only_the_count
}

/// Whether a figure names a target already set, to explain it
/// (确定4.5%左右的增长目标, 5.5%左右的预期增长目标与…衔接): 的 follows the
/// unit (and its comparator) directly, and 目标 comes within eight chars. A goal
/// first set in quotes (“5年1000亿”的发展目标) is not caught.
pub(super) fn is_restated_target(doc: &Doc<'_>, after_unit: usize, clause_end: usize) -> bool {
    let mut k = doc.skip_spaces(after_unit, clause_end);
    if let Some((w, _)) = SUFFIX_COMPARATORS.iter().find(|(w, _)| doc.starts_with_at(k, w)) {
        k += w.chars().count();
    }
    doc.at(k) == '的' && doc.norm_string(k, (k + 9).min(clause_end)).contains("目标")
}
