//! 指标 (target): a quantity the plan commits to, found where its number is
//! written, with its unit, comparator, baseline and deadline (ANNOTATION.md).

use chrono::NaiveDate;
use qingdan_domain::{Comparator, Decimal};
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::deadline::{self, Phrase};
use crate::layout::{Span, clause_of, is_clause_end};
use crate::numeral::{NumberToken, is_chinese_numeral_char, scan_arabic, scan_chinese, scan_written_percent};
use crate::part::Part;
use crate::text::{CharOffset, Doc, is_han};
use crate::units::{LABEL_UNITS, is_time_word_at, match_unit};

mod filters;
use filters::*;

/// 指标 (target): one quantity a plan promises, where it is written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Char offset of the first char of the number in the input.
    pub offset: CharOffset,
    /// The number as written: `1000`, `5.1`, `两`, `2/3`.
    pub text: String,
    /// The number's value.
    pub value: Decimal,
    /// The unit or measure word as written after it (`亿元`, `%`, `座`), or "".
    pub unit: String,
    /// How the value is read: eq, ge, le, approx.
    pub comparator: Comparator,
    /// 基数 (baseline): the starting value (由57%提高到70% -> 57).
    pub baseline: Option<Decimal>,
    /// 时限 (deadline): the date by which it is due.
    pub deadline: Option<NaiveDate>,
    /// A short name of what is measured, from the sentence.
    pub metric: String,
    /// The heading path it stands under, as numbered: `三、(一)`.
    pub section: String,
    /// The part of the report it stands in.
    pub part: Part,
}

impl Target {
    /// The target as one JSON object of the gold format (ANNOTATION.md).
    /// Whole values are written as integers; others as the shortest decimal
    /// that reads back to the same binary float, as the gold files do
    /// (2/3 -> 0.6666666666666666).
    pub fn to_jsonl_value(&self) -> serde_json::Value {
        serde_json::to_value(self.jsonl_row()).unwrap_or(serde_json::Value::Null)
    }

    /// The target as one line of JSONL in the gold format, keys in the gold
    /// order: offset, text, value, unit, comparator, baseline, deadline,
    /// metric, section.
    pub fn to_jsonl_line(&self) -> String {
        serde_json::to_string(&self.jsonl_row()).unwrap_or_default()
    }

    fn jsonl_row(&self) -> JsonlRow<'_> {
        JsonlRow {
            offset: self.offset.0,
            text: &self.text,
            value: decimal_json(self.value),
            unit: &self.unit,
            comparator: self.comparator.code(),
            baseline: self.baseline.map_or(serde_json::Value::Null, decimal_json),
            deadline: self.deadline.map(|d| d.to_string()),
            metric: &self.metric,
            section: &self.section,
        }
    }
}

/// One line of the gold format, fields in the gold order.
#[derive(Serialize)]
struct JsonlRow<'a> {
    offset: usize,
    text: &'a str,
    value: serde_json::Value,
    unit: &'a str,
    comparator: &'static str,
    baseline: serde_json::Value,
    deadline: Option<String>,
    metric: &'a str,
    section: &'a str,
}

fn decimal_json(d: Decimal) -> serde_json::Value {
    if d.fract().is_zero()
        && let Some(i) = d.to_i64()
    {
        return i.into();
    }
    // Parsing the decimal string rounds correctly (2/3 -> 0.6666666666666666).
    d.to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// Verbs that make a count written in Chinese numerals a commitment
/// (新建两座水厂) rather than a label (八项规定, 四个意识).
const BUILD_VERBS: &[&str] = &[
    "新建", "建成", "建设", "打造", "培育", "新增", "完成", "开工", "实施", "形成", "引进", "创建", "改造", "建立",
    "设立", "组建", "举办", "办好", "认定", "签约", "投产", "出让", "启动", "培训", "招引", "新开", "开通", "投用",
    "投运", "竣工", "改建", "扩建", "达到", "增加", "创成",
];

/// Verbs whose object is people, before a count of them (培训万名农民,
/// 帮扶两千户).
const PEOPLE_VERBS: &[&str] = &["帮扶", "吸纳", "资助", "招募", "招聘", "救助", "安置", "转移", "惠及", "服务"];

/// Comparator words written before the number, longest first.
const PREFIX_COMPARATORS: &[(&str, Comparator)] = &[
    ("不少于", Comparator::AtLeast),
    ("不低于", Comparator::AtLeast),
    ("不超过", Comparator::AtMost),
    ("不高于", Comparator::AtMost),
    ("不多于", Comparator::AtMost),
    ("控制在", Comparator::AtMost),
    ("至少", Comparator::AtLeast),
    ("最少", Comparator::AtLeast),
    ("突破", Comparator::AtLeast),
    // 迈上4万亿元新台阶: a level stepped onto is a floor.
    ("迈上", Comparator::AtLeast),
    ("迈过", Comparator::AtLeast),
    ("跨上", Comparator::AtLeast),
    ("跨过", Comparator::AtLeast),
    ("站上", Comparator::AtLeast),
    ("超过", Comparator::AtLeast),
    ("超", Comparator::AtLeast),
    ("多于", Comparator::AtLeast),
    ("大于", Comparator::AtLeast),
    ("高于", Comparator::AtLeast),
    ("低于", Comparator::AtMost),
    ("少于", Comparator::AtMost),
    ("最多", Comparator::AtMost),
    ("大约", Comparator::About),
    ("将近", Comparator::About),
    ("接近", Comparator::About),
    ("预计", Comparator::About),
    ("约", Comparator::About),
    ("近", Comparator::About),
];

/// Comparator words written after the unit.
const SUFFIX_COMPARATORS: &[(&str, Comparator)] = &[
    ("及以上", Comparator::AtLeast),
    ("以上", Comparator::AtLeast),
    ("之上", Comparator::AtLeast),
    ("以内", Comparator::AtMost),
    ("之内", Comparator::AtMost),
    ("以下", Comparator::AtMost),
    ("左右", Comparator::About),
    ("上下", Comparator::About),
];

const RANGE_SEPARATORS: &[char] = &['—', '–', '-', '~', '至', '到', '〜'];

/// The rate a figure is given per: 每千人, 每人每月.
const RATES: &[&str] =
    &["每千人口", "每万人口", "每千人", "每万人", "每百人", "每人每月", "每人每年", "每人", "每户", "每亩"];

/// The comparator written before `start` (skipping spaces), if any.
/// The adverbs 至少/最少/最多 may stand before the verb: 至少建成一个.
pub(crate) fn prefix_comparator(doc: &Doc<'_>, start: usize, floor: usize) -> Option<Comparator> {
    let at = doc.skip_spaces_back(start, floor);
    if let Some((w, c)) = PREFIX_COMPARATORS.iter().find(|(w, _)| doc.ends_with_at(at, w)) {
        // 约 and 近 alone, not as the end of 签约, 节约, 附近, 就近.
        let before = doc.at(at.saturating_sub(w.chars().count() + 1));
        let is_word_end = match *w {
            "约" => matches!(before, '签' | '节' | '制' | '预' | '公' | '条' | '契' | '合' | '履' | '邀' | '特'),
            "近" => matches!(before, '就' | '附' | '最' | '邻' | '靠' | '贴' | '亲'),
            _ => false,
        };
        if !is_word_end {
            return Some(*c);
        }
    }
    // A rate between them: 抽检量超每千人6.6批次, 不低于每人每月50元.
    if let Some(rate) = RATES.iter().find(|r| doc.ends_with_at(at, r)) {
        let k = at - rate.chars().count();
        if k > floor {
            return prefix_comparator(doc, k, floor);
        }
    }
    for (w, c) in [("至少", Comparator::AtLeast), ("最少", Comparator::AtLeast), ("最多", Comparator::AtMost)] {
        let n = w.chars().count();
        for verb_len in 1..=3 {
            let Some(k) = at.checked_sub(verb_len) else {
                break;
            };
            if k < floor || !(k..at).all(|j| is_han(doc.at(j))) {
                break;
            }
            if doc.ends_with_at(k, w) && k >= n {
                return Some(c);
            }
        }
    }
    None
}

/// The comparator written at `i` (after the unit, skipping spaces), if any.
pub(crate) fn suffix_comparator(doc: &Doc<'_>, i: usize, end: usize) -> Option<Comparator> {
    let at = doc.skip_spaces(i, end);
    SUFFIX_COMPARATORS.iter().find(|(w, _)| doc.starts_with_at(at, w)).map(|(_, c)| *c)
}

/// A number with its unit, as scanned.
struct Quantity {
    tok: NumberToken,
    unit: String,
    /// End of the unit (or of the number when there is none).
    end: usize,
    /// `余` or `多` was written between number and unit.
    more: bool,
    /// A ratio to one reached (收入比缩小至2.1∶1): a target without a unit.
    ratio: bool,
}

/// Reads a number and its unit at `i`, if a number starts there.
fn quantity_at(doc: &Doc<'_>, i: usize, end: usize) -> Option<Quantity> {
    let c = doc.at(i);
    // 百分之六 reads as 6%.
    if let Some((tok, unit)) = scan_written_percent(&doc.norm, i) {
        return Some(Quantity { unit: unit.to_string(), end: tok.end, more: false, ratio: false, tok });
    }
    let tok = if c.is_ascii_digit() {
        scan_arabic(&doc.norm, i)?
    } else if is_chinese_numeral_char(c) {
        match scan_chinese(&doc.norm, i) {
            Some(t) => t,
            None => bare_wan(doc, i)?,
        }
    } else {
        return None;
    };
    if let Some(ratio_end) = ratio_to_one(doc, i, tok.end, end) {
        return Some(Quantity { unit: String::new(), end: ratio_end, more: false, ratio: true, tok });
    }
    let mut j = doc.skip_spaces(tok.end, end);
    // A unit is not read across a paragraph break (附件2 / 名词解释).
    if (tok.end..j).filter(|k| doc.at(*k) == '\n').count() >= 2 {
        return Some(Quantity { unit: String::new(), end: tok.end, more: false, ratio: false, tok });
    }
    let more = matches!(doc.at(j), '余' | '多') && !doc.starts_with_at(j, "多样") && !doc.starts_with_at(j, "多元");
    if more {
        j += 1;
    }
    if LABEL_UNITS.iter().any(|u| doc.starts_with_at(j, u)) {
        return None;
    }
    // 天 counts days where the clause counts them: 优良天数达到300天.
    let counts_days = doc.at(j) == '天' && {
        let from = i.saturating_sub(30);
        (from..i).any(|k| doc.starts_with_at(k, "天数"))
    };
    if counts_days {
        return Some(Quantity { unit: "天".to_string(), end: j + 1, more, ratio: false, tok });
    }
    // 期 counts the sessions of a course where the clause holds one
    // (举办培训班超10期), not a phase (二期工程, 一期项目); 小时 is a duration to
    // reach where a comparator or a verb of reaching leads to it and the clause
    // names a time (活动时间不低于2小时), not a span (每天24小时服务).
    let recent = || doc.norm_string(i.saturating_sub(20), i);
    let clause_closes = |k: usize| {
        let k = doc.skip_spaces(k, end);
        k >= end || is_clause_end(doc.at(k)) || SUFFIX_COMPARATORS.iter().any(|(w, _)| doc.starts_with_at(k, w))
    };
    if doc.at(j) == '期'
        && !tok.is_chinese
        && clause_closes(j + 1)
        && ["举办", "开办", "培训班", "研修班", "训练营", "讲习班"].iter().any(|w| recent().contains(w))
    {
        return Some(Quantity { unit: "期".to_string(), end: j + 1, more, ratio: false, tok });
    }
    if doc.starts_with_at(j, "小时")
        && clause_closes(j + 2)
        && ["时间", "时长"].iter().any(|w| recent().contains(w))
        && (prefix_comparator(doc, i, i.saturating_sub(6)).is_some()
            || LEVEL_VERBS.iter().any(|w| doc.ends_with_at(i, w)))
    {
        return Some(Quantity { unit: "小时".to_string(), end: j + 2, more, ratio: false, tok });
    }
    // A duration shortened to a new length is a level to reach, a cap where
    // 内 follows: 审批时间压缩至2小时内, 缩短到3个工作日以内 (not 10天内办结).
    if is_shortened_to(doc, i)
        && let Some(w) = DURATION_UNITS.iter().find(|w| doc.starts_with_at(j, w))
    {
        return Some(Quantity { unit: (*w).to_string(), end: j + w.chars().count(), more, ratio: false, tok });
    }
    let raised = ["提高", "增加", "延长"].iter().any(|w| doc.ends_with_at(i, w));
    // Years of schooling reached: 平均受教育年限提高到11.3年.
    if doc.at(j) == '年' && recent().contains("年限") && (raised || LEVEL_VERBS.iter().any(|w| doc.ends_with_at(i, w)))
    {
        return Some(Quantity { unit: "年".to_string(), end: j + 1, more, ratio: false, tok });
    }
    if is_time_word_at(doc, j) {
        return Some(Quantity { unit: String::new(), end: j, more, ratio: false, tok });
    }
    // An age is a level where a verb of reaching leads to it (人均预期寿命提高到80岁),
    // not where it bounds a class (65岁以上老年人, 3岁以下婴幼儿).
    // So is a rise in years of life that closes its clause (人均预期寿命提高1岁。),
    // not 提高3岁以下婴幼儿照护扣除标准.
    let rise_closes = raised && (is_clause_end(doc.at(j + 1)) || doc.starts_with_at(j + 1, "左右") || j + 1 >= end);
    if doc.at(j) == '岁' && (rise_closes || LEVEL_VERBS.iter().any(|w| doc.ends_with_at(i, w))) {
        return Some(Quantity { unit: "岁".to_string(), end: j + 1, more, ratio: false, tok });
    }
    match match_unit(doc, j, !tok.is_chinese) {
        Some(u) => Some(Quantity { end: j + u.len, unit: u.text, more, ratio: false, tok }),
        None => Some(Quantity { end: tok.end, unit: String::new(), more, ratio: false, tok }),
    }
}

/// Verbs that shorten a duration to the length written after them:
/// 办理时限压缩至3个工作日, 缩短到2小时内.
const SHORTEN_VERBS: &[&str] = &[
    "压缩至",
    "压缩到",
    "压缩为",
    "压缩在",
    "缩短至",
    "缩短到",
    "缩短为",
    "缩短在",
    "压减至",
    "压减到",
    "减少至",
    "减少到",
    "减至",
    "控制在",
    "不超过",
];

/// Lengths of time a duration is shortened to, longest first.
const DURATION_UNITS: &[&str] = &["个工作日", "工作日", "个小时", "小时", "分钟", "个月", "天", "日"];

/// Whether a verb of shortening stands right before the number at `i`.
fn is_shortened_to(doc: &Doc<'_>, i: usize) -> bool {
    SHORTEN_VERBS.iter().any(|w| doc.ends_with_at(i, w))
}

/// Verbs that lead to a ratio to reach: 收入比缩小至2.1∶1.
const RATIO_VERBS: &[&str] = &[
    "缩小至",
    "缩小到",
    "缩小为",
    "缩小在",
    "控制在",
    "保持在",
    "稳定在",
    "降至",
    "降到",
    "调整为",
    "调整到",
    "优化为",
];

/// The end of a ratio to one reached, written `2.1∶1` (or `2.1:1`) after a
/// verb of reaching (缩小至, 提高到, 达到…): the number at `num..num_end` is
/// then a target without a unit, and the `1` after the colon is no number of
/// its own. Not a clock time (8:30), not a ratio of three (4:38:58), not a
/// ratio told as the present state (比为2.2:1).
fn ratio_to_one(doc: &Doc<'_>, num: usize, num_end: usize, end: usize) -> Option<usize> {
    if !matches!(doc.at(num_end), ':' | '∶') || doc.at(num_end + 1) != '1' {
        return None;
    }
    let mut k = num_end + 2;
    if doc.at(k) == '.' {
        k += 1;
        while k < end && doc.at(k) == '0' {
            k += 1;
        }
    }
    if k > end || doc.at(k).is_ascii_digit() || matches!(doc.at(k), ':' | '∶' | '.') {
        return None;
    }
    let reached = RATIO_VERBS.iter().chain(LEVEL_VERBS).any(|w| doc.ends_with_at(num, w));
    reached.then_some(k)
}

/// Verbs that lead to a level to reach: 提高到80岁, 达到79岁.
const LEVEL_VERBS: &[&str] = &["提高到", "提高至", "提升到", "提升至", "达到", "增加到", "延长到", "延长至"];

/// Comparator verbs that govern a figure written later in their clause:
/// 不低于当地最低生活保障标准的1.6倍.
const CLAUSE_COMPARATORS: &[(&str, Comparator)] = &[
    ("不低于", Comparator::AtLeast),
    ("不少于", Comparator::AtLeast),
    ("不超过", Comparator::AtMost),
    ("不高于", Comparator::AtMost),
];

/// Measure words a bare 万 may count: 培训万名农民, 帮扶万户.
const WAN_COUNTED: &[char] = &['名', '人', '户', '家', '个', '所', '亩', '套', '台', '件', '株', '棵'];

/// 万 alone as the number (培训万名农民 -> 10000 名): right after a verb of
/// building or of serving people, and right before a measure word. Not
/// 万人助万企 after a quote, nor 万名教师支教计划 (a programme's name).
fn bare_wan(doc: &Doc<'_>, i: usize) -> Option<NumberToken> {
    if doc.at(i) != '万' || !WAN_COUNTED.contains(&doc.at(i + 1)) {
        return None;
    }
    let from = i.saturating_sub(4);
    let head = doc.norm_string(from, i);
    if !BUILD_VERBS.iter().chain(PEOPLE_VERBS).any(|v| head.ends_with(v)) {
        return None;
    }
    // 实施万名教师支教计划: 万名 names a programme.
    let mut k = i + 1;
    while k < doc.len() && k - i < 14 && !is_clause_end(doc.at(k)) {
        k += 1;
    }
    let tail = doc.norm_string(i + 1, k);
    if ["计划", "工程", "行动", "活动", "项目", "专项"].iter().any(|w| tail.contains(w)) {
        return None;
    }
    Some(NumberToken { start: i, end: i + 1, value: Decimal::from(10_000), is_chinese: true, is_fraction: false })
}

/// Where to look for a past year before a target: the clause, or the
/// sentence opening when the clause is its continuation.
fn sentence_head_start(doc: &Doc<'_>, sent: Span, clause_start: usize) -> usize {
    let _ = doc;
    sent.start.max(clause_start.saturating_sub(40))
}

/// Whether `from..to` names a year before the plan year as the time of the
/// figure (not as a base of comparison: 比2020年, 以2019年为基数, 较…).
fn names_past_year(doc: &Doc<'_>, from: usize, to: usize, plan_year: i32) -> bool {
    // The year nearest before the figure is its time: 2025年…9万元，到2030年
    // 达到12万元 sets the 12 for 2030.
    let nearest = (from..to).rev().find_map(|k| crate::part::year_at_chars(&doc.norm, k));
    if nearest.is_some_and(|y| y >= plan_year) {
        return false;
    }
    let past = (from..to).rev().find(|&k| {
        crate::part::year_at_chars(&doc.norm, k).is_some_and(|y| {
            let before = doc.at(k.wrapping_sub(1));
            y < plan_year && !matches!(before, '比' | '较' | '以' | '与' | '同' | '于' | '从' | '由')
        })
    });
    // This year named after it takes the figure back: 2019年底共有床位1.2万张，今年新增2000张.
    past.is_some_and(|k| {
        let since = doc.norm_string(k + 5, to);
        !["今年", "年内", "全年"].iter().any(|w| since.contains(w))
    })
}

/// Whether a Chinese count stands after its noun at the end of a clause
/// that a build verb opens, a comparator word after it or not: 新建农贸市场
/// 两个。, 新增高新技术企业两家以上， (not 中央八项规定).
fn counted_after_noun(doc: &Doc<'_>, q: &Quantity, end: usize, head: &str) -> bool {
    let mut after = doc.skip_spaces(q.end, end);
    if let Some((w, _)) = SUFFIX_COMPARATORS.iter().find(|(w, _)| doc.starts_with_at(after, w)) {
        after = doc.skip_spaces(after + w.chars().count(), end);
    }
    (after >= end || is_clause_end(doc.at(after))) && BUILD_VERBS.iter().any(|v| head.contains(v))
}

/// Verbs of strengthening or upgrading things that exist: with a listing
/// before the count they make it a count of things to push (建强A、B、C三支
/// 队伍, 推动A和B两个市场扩容提质).
const STRENGTHEN_VERBS: &[&str] = &["建强", "做强", "做优", "做大", "壮大", "提升", "扩容", "提质", "升级", "强化"];

/// Whether a Chinese count sums the listing written right before it in its
/// clause: as many items as the count (A、B、C三支, A和B两个), a measure
/// word after it that counts things (not 大, 类, 种, 方: 两大产业, 三方
/// 协作 are slogans or kinds), and a verb of building or strengthening
/// before the listing, or one of strengthening after it, whose object the
/// counted things are (统筹发展和安全两件大事 has none; in 推动A、B、C、D四个
/// 片区内城市实施项目 the cities, not the zones, carry out the projects).
fn sums_a_listing(head: &str, tail: &str, value: Decimal, unit: &str) -> bool {
    if unit.is_empty() || ["大", "类", "种", "方"].contains(&unit) {
        return false;
    }
    if head.chars().any(|c| c.is_ascii_digit() || is_chinese_numeral_char(c)) {
        return false;
    }
    let seps = head.matches('、').count();
    let last = head.rsplit('、').next().unwrap_or("");
    let ands = last.matches(['和', '与', '及']).count();
    let items = seps + 1 + usize::from(ands == 1);
    if items < 2 || Decimal::from(items) != value {
        return false;
    }
    BUILD_VERBS.iter().chain(STRENGTHEN_VERBS).any(|v| head.contains(v))
        || STRENGTHEN_VERBS.iter().any(|v| tail.contains(v))
}

/// Whether `pos` is inside “quotes” opened in `from..pos`.
fn in_quotes(doc: &Doc<'_>, from: usize, pos: usize) -> bool {
    let mut depth: i32 = 0;
    let mut ascii = false;
    for k in from..pos {
        match doc.at(k) {
            '“' | '「' | '《' => depth += 1,
            '”' | '」' | '》' => depth = (depth - 1).max(0),
            '"' => ascii = !ascii,
            _ => {}
        }
    }
    depth > 0 || ascii
}

/// Whether the number at `num..unit_end` is the start of a rise written
/// 由…X…提高到Y: 由 or 从 stands a few chars before it (由每生每年5元) and a
/// verb of change with 到/至 follows it.
fn opens_a_rise(
    doc: &Doc<'_>,
    clause_start: usize,
    num: usize,
    unit: &str,
    unit_end: usize,
    clause_end: usize,
) -> bool {
    let from = num.saturating_sub(6).max(clause_start);
    let opener = (from..num).rev().find(|k| matches!(doc.at(*k), '由' | '从'));
    let Some(opener) = opener else {
        return false;
    };
    let between_clean = (opener + 1..num).all(|k| is_han(doc.at(k)));
    // A list of starting values rises together: 从209元、280元提高到217元、290元.
    let mut rest = unit_end;
    while doc.at(rest) == '、' && doc.at(rest + 1).is_ascii_digit() {
        let mut k = rest + 1;
        while doc.at(k).is_ascii_digit() || doc.at(k) == '.' {
            k += 1;
        }
        if !doc.starts_with_at(k, unit) {
            break;
        }
        rest = k + unit.chars().count();
    }
    let after = doc.norm_string(rest, (rest + 4).min(clause_end));
    let rises = ["提高", "提升", "增加", "增长", "降低", "下降", "调整", "扩大"].iter().any(|w| after.starts_with(w))
        && (after.contains('到') || after.contains('至'));
    between_clean && rises
}

/// Verbs of changing a level to a new one: 降至, 提高到, 调整为…
const CHANGE_TO: &[&str] = &[
    "降至",
    "降到",
    "降为",
    "下调至",
    "下调到",
    "下调为",
    "上调至",
    "上调到",
    "上调为",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "调整为",
    "调整到",
    "调整至",
    "增加到",
    "减少到",
    "减少至",
    "减至",
];

/// Whether the figure is the level in force that the clause changes to a
/// new one (现行16%的税率降至13%, 原有3%的费率调整为2%): it is the
/// baseline of the new level, not a target of its own.
fn is_present_level_changed(doc: &Doc<'_>, head: &str, unit_end: usize, clause_end: usize) -> bool {
    if !["现行", "原有", "原来的"].iter().any(|w| head.ends_with(w)) {
        return false;
    }
    let tail = doc.norm_string(unit_end, (unit_end + 12).min(clause_end));
    CHANGE_TO.iter().filter_map(|w| tail.find(w).map(|at| &tail[at + w.len()..])).any(|rest| {
        rest.chars().next().is_some_and(|c| c.is_ascii_digit() || crate::numeral::is_chinese_numeral_char(c))
    })
}

/// Context of one sentence that targets need.
pub(crate) struct SentenceContext<'s> {
    pub span: Span,
    pub part: Part,
    pub plan_year: Option<i32>,
    pub default_deadline: Option<NaiveDate>,
    pub section: &'s str,
}

/// Finds the targets of one sentence.
pub(crate) fn targets_in_sentence(doc: &Doc<'_>, cx: &SentenceContext<'_>) -> Vec<Target> {
    let Span { start, end } = cx.span;
    let phrases = deadline::phrases(doc, start, end);
    let mut out: Vec<Target> = Vec::new();
    // (baseline value, unit, clause start, end of its unit) from 由X提高到…,
    // several where a list of baselines rises to a list (分别从209元、280元提高到217元、290元).
    let mut pending_baseline: Vec<(Decimal, String, usize, usize)> = Vec::new();
    let mut carried_baseline: Option<(Decimal, String)> = None;
    let mut i = start;
    while i < end {
        let c = doc.at(i);
        let prev = doc.at(i.wrapping_sub(1));
        let starts_number = (c.is_ascii_digit() && !prev.is_ascii_digit() && prev != '.')
            || (is_chinese_numeral_char(c) && !is_chinese_numeral_char(prev));
        if !starts_number {
            i += 1;
            continue;
        }
        let Some(mut q) = quantity_at(doc, i, end) else {
            i += 1;
            continue;
        };
        let next_i = q.end.max(i + 1);
        // A range: 4.5%—5% or 2—4家 gives ge and le targets, each with the
        // unit written after the range.
        let sep_at = doc.skip_spaces(q.end, end);
        let upper = if RANGE_SEPARATORS.contains(&doc.at(sep_at)) {
            // A dash may be written doubled: 5%——5.5%, 3--5家.
            let sep = doc.at(sep_at);
            let mut after_sep = sep_at + 1;
            while after_sep < end && after_sep - sep_at < 3 && doc.at(after_sep) == sep && !matches!(sep, '至' | '到')
            {
                after_sep += 1;
            }
            // The low end may carry only the magnitude of the unit written
            // after the range: 2万至2.5万人, 1亿—1.5亿元.
            let magnitude_only = |low: &str, high: &str| {
                ["万", "亿", "千", "百", "万亿"].contains(&low) && high.starts_with(low) && high != low
            };
            quantity_at(doc, doc.skip_spaces(after_sep, end), end).filter(|u| {
                !u.unit.is_empty()
                    && (q.unit.is_empty() || q.unit == u.unit || magnitude_only(&q.unit, &u.unit))
                    && u.tok.value > q.tok.value
                    && u.tok.is_chinese == q.tok.is_chinese
            })
        } else {
            None
        };
        if let Some(u) = &upper
            && q.unit != u.unit
        {
            q.unit.clone_from(&u.unit);
        }
        let found = judge(doc, cx, &q, &phrases, &mut pending_baseline, &mut carried_baseline, &out);
        match found {
            Judgement::Target(mut t) => {
                if let Some(upper) = upper {
                    t.comparator = Comparator::AtLeast;
                    let mut u = t.clone();
                    u.offset = CharOffset(upper.tok.start);
                    u.text = doc.original(upper.tok.start, upper.tok.end);
                    u.value = upper.tok.value;
                    u.comparator = Comparator::AtMost;
                    out.push(t);
                    out.push(u);
                    i = upper.end.max(next_i);
                    continue;
                }
                out.push(t);
            }
            Judgement::Baseline | Judgement::NotATarget => {}
        }
        i = next_i;
    }
    out
}

enum Judgement {
    Target(Target),
    Baseline,
    NotATarget,
}

#[allow(clippy::too_many_arguments)]
fn judge(
    doc: &Doc<'_>,
    cx: &SentenceContext<'_>,
    q: &Quantity,
    phrases: &[Phrase],
    pending_baseline: &mut Vec<(Decimal, String, usize, usize)>,
    carried_baseline: &mut Option<(Decimal, String)>,
    found: &[Target],
) -> Judgement {
    let Span { start, end } = cx.span;
    let tok = &q.tok;
    let prev = doc.at(tok.start.wrapping_sub(1));
    let before = doc.skip_spaces_back(tok.start, start);
    let prev_solid = if before > start { doc.at(before - 1) } else { '\0' };
    let after = doc.at(tok.end);
    // Labels and codes: G342, PM2.5, 5G, 3#, 6号, "1+3", (1) markers.
    if prev.is_ascii_alphabetic() || prev == '+' || prev == '#' || prev == '·' {
        return Judgement::NotATarget;
    }
    // A Latin unit read whole (10GW, 5000P) is no code.
    let latin_unit = after.is_ascii_alphabetic() && q.unit.starts_with(after);
    if (after.is_ascii_alphabetic() && !latin_unit) || (matches!(after, '#' | '+' | '号' | ':' | '×' | '*') && !q.ratio)
    {
        return Judgement::NotATarget;
    }
    if prev == '(' && after == ')' {
        return Judgement::NotATarget;
    }
    // A page number or list item after a dash bullet at a line's start
    // (a table of contents: “- 28 对…的调查”).
    if matches!(prev_solid, '-' | '—' | '–' | '•' | '·') {
        let mut k = before - 1;
        while k > start && doc.at(k - 1) == ' ' {
            k -= 1;
        }
        if k <= start || doc.at(k - 1) == '\n' {
            return Judgement::NotATarget;
        }
    }
    if q.unit.is_empty() && !tok.is_fraction && !q.ratio {
        return Judgement::NotATarget;
    }
    // Ordinals: 第二, 首批, 前5名, 这三个, 每10万人.
    let deadline_before = matches!(doc.at(before.wrapping_sub(2)), '底' | '月' | '日' | '年' | '”' | '节');
    if ["附件", "附表", "附录"].iter().any(|w| doc.ends_with_at(before, w))
        || matches!(prev_solid, '第' | '每' | '这' | '那' | '其' | '之' | '各' | '几')
        || (matches!(prev_solid, '前' | '后') && !deadline_before)
    {
        return Judgement::NotATarget;
    }
    let clause = clause_of(doc, cx.span, tok.start);
    let clause_text = doc.norm_string(clause.start, clause.end);
    let head = doc.norm_string(clause.start, tok.start);
    // A duration shortened to a length in words is no label: 压缩至两个工作日内.
    let shortened = is_shortened_to(doc, tok.start) && DURATION_UNITS.contains(&q.unit.as_str());
    if tok.is_chinese && !shortened {
        // 一 alone counts little (一批, 一个平台); 一万人次, 一亿元 are figures.
        let is_one = tok.value == Decimal::ONE && !q.unit.starts_with(['万', '亿']);
        let asserted = prefix_comparator(doc, tok.start, start).is_some_and(|c| c == Comparator::AtLeast);
        let after_build_verb = BUILD_VERBS.iter().chain(PEOPLE_VERBS).any(|v| head.ends_with(v));
        let sums_listing = sums_a_listing(&head, &doc.norm_string(q.end, clause.end), tok.value, &q.unit);
        if (is_one && !asserted)
            || is_han(prev)
                && !counted_after_noun(doc, q, end, &head)
                && !after_build_verb
                && !sums_listing
                && !matches!(
                    prev,
                    '建' | '成'
                        | '设'
                        | '造'
                        | '育'
                        | '增'
                        | '办'
                        | '产'
                        | '出'
                        | '让'
                        | '到'
                        | '在'
                        | '有'
                        | '少'
                        | '和'
                        | '及'
                        | '与'
                        | '批'
                        | '现'
                        | '施'
                        | '引'
                        | '进'
                )
            || in_quotes(doc, start.max(tok.start.saturating_sub(200)), tok.start)
            || matches!(doc.at(doc.skip_spaces(q.end, end)), '“' | '"' | '《')
            || !sums_listing && !BUILD_VERBS.iter().chain(PEOPLE_VERBS).any(|v| clause_text.contains(v))
        {
            return Judgement::NotATarget;
        }
    }
    // A baseline: 由57%提高到70% (the 57), 由每人每年5元提高至10元.
    // The next of a list of baselines: 从209元、280元提高到… (the 280).
    let continues_baselines = prev_solid == '、'
        && pending_baseline.last().is_some_and(|(_, unit, cs, unit_end)| {
            *cs == clause.start && *unit == q.unit && doc.skip_spaces(*unit_end, end) + 1 == before
        });
    if continues_baselines {
        pending_baseline.push((tok.value, q.unit.clone(), clause.start, q.end));
        return Judgement::Baseline;
    }
    if matches!(prev_solid, '由' | '从')
        || opens_a_rise(doc, clause.start, tok.start, &q.unit, q.end, clause.end)
        || is_present_level_changed(doc, &head, q.end, clause.end)
    {
        *pending_baseline = vec![(tok.value, q.unit.clone(), clause.start, q.end)];
        return Judgement::Baseline;
    }
    // A scope, not a quantity: 1公里范围内.
    let after_unit = doc.skip_spaces(q.end, end);
    if doc.starts_with_at(after_unit, "范围") {
        return Judgement::NotATarget;
    }
    // A list header: 重点抓好6项工作:一是…
    let mut k = after_unit;
    while k < end && k - after_unit < 8 && !is_clause_end(doc.at(k)) && doc.at(k) != '(' {
        k += 1;
    }
    if doc.at(k) == ':' {
        return Judgement::NotATarget;
    }
    let class_bound = is_class_threshold(doc, after_unit, clause.end, prefix_comparator(doc, tok.start, start))
        && !is_share_of_a_class(&q.unit, &head);
    if is_count_of_a_list(doc, &head, tok.end, clause.end)
        || class_bound
        || is_restated_target(doc, after_unit, clause.end)
        || is_scope_distance(doc, &q.unit, tok.start, after_unit)
        || is_policy_package(doc, q, &head, clause.end)
        || in_a_quoted_name(doc, q, start, end)
    {
        return Judgement::NotATarget;
    }
    // 10大类60项, 7大领域101类问题: N大 before another count sorts a list
    // into categories; it is not a count of things to do.
    if q.unit == "大"
        && (doc.at(q.end) == '类' || (q.end..(q.end + 4).min(clause.end)).any(|k| doc.at(k).is_ascii_digit()))
    {
        return Judgement::NotATarget;
    }
    // N类 counts kinds (101类问题排查), never an amount promised.
    if q.unit == "类" {
        return Judgement::NotATarget;
    }
    // Background, present state or an asset already there.
    // 在办好…11件实事的基础上 (but not 在去年基础上增长10%).
    let tail_text = doc.norm_string(tok.start, clause.end);
    if head.starts_with('在') && tail_text.contains("基础上") {
        return Judgement::NotATarget;
    }
    // 发挥478公里风景道的带动作用: an asset already there.
    if head.contains("发挥") && ["作用", "优势", "功能", "效应"].iter().any(|w| tail_text.contains(w)) {
        return Judgement::NotATarget;
    }
    // 依托3个国家级开发区, 借助2个口岸: assets leaned on, not promised.
    if ["依托", "借助"].iter().any(|w| head.ends_with(w)) {
        return Judgement::NotATarget;
    }
    // Present state: 目前,世界上有超过100个国家… (the adverb may open the
    // sentence, not the clause).
    // 目前 not inside 项目前期; 已有/已经/已建成 only in the figure's own clause
    // (改造已建成自然村的设施，…满意度不低于80% is a promise).
    let sentence_head = doc.norm_string(start.max(tok.start.saturating_sub(200)), tok.start);
    let says_now = sentence_head.match_indices("目前").any(|(b, _)| {
        let k = sentence_head[..b].chars().last();
        !matches!(k, Some('项' | '题'))
    });
    // …今年力争突破700家: the figure's own clause turns to what is to be done.
    let turns_ahead = ["今年", "年内", "全年", "力争", "确保", "争取"].iter().any(|w| head.contains(w));
    let present = says_now || ["现有", "截至", "截止", "同期", "以来"].iter().any(|w| sentence_head.contains(w));
    if (present && !turns_ahead)
        || ["已有", "已经", "已建成"].iter().any(|w| head.contains(w))
        || head.ends_with("现行")
    {
        return Judgement::NotATarget;
    }
    // A figure of a past year: 2019年,增加值完成118亿元 (not 比2020年增长).
    if let Some(plan_year) = cx.plan_year
        && names_past_year(doc, sentence_head_start(doc, cx.span, clause.start), tok.start, plan_year)
    {
        return Judgement::NotATarget;
    }

    let comparator = suffix_comparator(doc, q.end, end)
        .or_else(|| (shortened && doc.at(doc.skip_spaces(q.end, end)) == '内').then_some(Comparator::AtMost))
        .or_else(|| q.more.then_some(Comparator::AtLeast))
        .or_else(|| prefix_comparator(doc, tok.start, start))
        .or_else(|| clause_comparator(&head))
        .or_else(|| is_estimate(&head).then_some(Comparator::About))
        .unwrap_or_default();

    let mut baseline = None;
    if !pending_baseline.is_empty() {
        let (b, unit, clause_start, _) = pending_baseline.remove(0);
        if clause_start == clause.start && (unit == q.unit || unit.is_empty()) {
            baseline = Some(b);
            *carried_baseline = Some((b, q.unit.clone()));
        } else {
            pending_baseline.clear();
        }
    } else if let Some((b, unit)) = carried_baseline.as_ref()
        && *unit == q.unit
        && ["达到", "提高到", "提升到", "提高至", "提升至", "增加到", "降到", "降至", "下降到"]
            .iter()
            .any(|w| head.contains(w))
        && !found.iter().any(|t| t.offset.0 >= clause.start)
    {
        baseline = Some(*b);
    }

    let deadline =
        deadline::governing(phrases, tok.start, clause.start, clause.end, cx.plan_year).or(cx.default_deadline);

    Judgement::Target(Target {
        offset: CharOffset(tok.start),
        text: doc.original(tok.start, tok.end),
        value: tok.value,
        unit: q.unit.clone(),
        comparator,
        baseline,
        deadline,
        metric: metric(doc, clause, tok.start, q.end),
        section: cx.section.to_string(),
        part: cx.part,
    })
}

/// The comparator a clause opens with and that still governs the figure:
/// 不低于当地标准的1.6倍 (no other number between).
fn clause_comparator(head: &str) -> Option<Comparator> {
    CLAUSE_COMPARATORS.iter().find_map(|(w, c)| {
        let at = head.rfind(w)?;
        let between = &head[at..];
        (!between.chars().any(|ch| ch.is_ascii_digit() || is_chinese_numeral_char(ch))).then_some(*c)
    })
}

/// Whether the clause gives the figure as an estimate: 预计 stands before it
/// with a verb between (预计达7万家, 预计全年收入达到100亿元, 预计到2027年
/// 实现…), and no other figure but a year: it reads `approx`, like 预计
/// right before the number or 左右 after it.
fn is_estimate(head: &str) -> bool {
    let Some(at) = head.rfind("预计") else {
        return false;
    };
    let between: Vec<char> = head[at..].chars().collect();
    let mut k = 0;
    while k < between.len() {
        let c = between[k];
        if c.is_ascii_digit() {
            let run = between[k..].iter().take_while(|c| c.is_ascii_digit()).count();
            if run != 4 || between.get(k + run) != Some(&'年') {
                return false;
            }
            k += run;
        } else if is_chinese_numeral_char(c) {
            return false;
        }
        k += 1;
    }
    true
}

/// Verbs and fillers stripped from the start of a metric name.
const METRIC_LEADS: &[&str] = &[
    "一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是", "今年", "年内", "全年", "力争",
    "确保", "重点", "其中", "同时", "并", "再", "继续", "全面", "加快", "积极", "大力", "预计",
];
/// Verbs after which the metric needs the noun written after the number.
const METRIC_VERBS: &[&str] = &[
    "新建",
    "建成",
    "建设",
    "打造",
    "培育",
    "新增",
    "完成",
    "开工",
    "实施",
    "引进",
    "创建",
    "改造",
    "抓好",
    "设立",
    "投资",
    "认定",
    "办好",
    "出让",
    "启动",
    "培训",
    "巩固提升",
    "建设改造",
    "引进",
];

/// A short name of what is measured: the words before the number in its
/// clause, completed by the noun after the unit when those words are only
/// a verb (新建 + 5G基站).
fn metric(doc: &Doc<'_>, clause: Span, num_start: usize, unit_end: usize) -> String {
    let mut head = doc.joined(clause.start, num_start);
    loop {
        let before = head.clone();
        for lead in METRIC_LEADS {
            if let Some(rest) = head.strip_prefix(lead) {
                head = rest.to_string();
            }
        }
        if let Some(rest) = head.strip_prefix(|c: char| c == '(' || c.is_ascii_digit() || c == ')') {
            head = rest.to_string();
        }
        if head == before {
            break;
        }
    }
    for (w, _) in PREFIX_COMPARATORS {
        if let Some(rest) = head.strip_suffix(w) {
            head = rest.to_string();
            break;
        }
    }
    for w in ["达到", "增长", "提高到", "提高至", "稳定在", "为"] {
        if head.chars().count() > 4
            && let Some(rest) = head.strip_suffix(w)
        {
            head = rest.to_string();
        }
    }
    let needs_noun = head.chars().count() <= 2 || METRIC_VERBS.iter().any(|v| head.ends_with(v));
    if needs_noun {
        let mut k = unit_end;
        while k < clause.end
            && k - unit_end < 14
            && !matches!(doc.at(k), '的' | '和' | '、' | '“' | '”')
            && !is_clause_end(doc.at(k))
        {
            k += 1;
        }
        head.push_str(&doc.joined(unit_end, k));
    }
    let chars: Vec<char> = head.chars().collect();
    let keep = chars.len().min(24);
    chars[chars.len() - keep..].iter().collect()
}

#[cfg(test)]
mod tests;
