//! 时限 (deadline): Chinese date and deadline phrases, and which one governs
//! a target.
//!
//! The mapping follows ANNOTATION.md: 五一前 -> 04-30, 上半年 -> 06-30,
//! 一季度 -> 03-31, 6月底前 -> 06-30, 年底前/年内/今年/全年 -> 12-31,
//! 7月1日起 -> 07-01, 明年 -> next year, 三年达到 -> plan year + 2,
//! 十四五期间/末 -> 2025-12-31, 到2035年 -> 2035-12-31.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::numeral::{chinese_digit, parse_chinese};
use crate::part::{five_year_plan_at, year_at_chars};
use crate::text::Doc;

/// A deadline as written, before the plan year is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeadlineSpec {
    /// The end of the plan year plus `n` years (今年 0, 明年 1, 三年 2).
    YearEnd(i32),
    /// The last day of a month of the plan year.
    MonthEnd(u32),
    /// A day of the plan year.
    Day(u32, u32),
    /// The end of a named year (到2035年).
    Absolute(i32),
    /// The end of a named month of a named year (2022年6月底前).
    AbsoluteMonth(i32, u32),
    /// A named day (2022年6月30日前).
    AbsoluteDay(i32, u32, u32),
    /// The last day of a month `n` years after the plan year (明年6月底前: 1, 6).
    LaterMonthEnd(i32, u32),
    /// A day `n` years after the plan year (明年“五一”前: 1, 4, 30).
    LaterDay(i32, u32, u32),
}

impl DeadlineSpec {
    /// The date this deadline falls on, given the plan year.
    pub(crate) fn resolve(self, plan_year: Option<i32>) -> Option<NaiveDate> {
        match self {
            Self::YearEnd(n) => NaiveDate::from_ymd_opt(plan_year?.checked_add(n)?, 12, 31),
            Self::MonthEnd(m) => month_end(plan_year?, m),
            Self::Day(m, d) => NaiveDate::from_ymd_opt(plan_year?, m, d),
            Self::Absolute(y) => NaiveDate::from_ymd_opt(y, 12, 31),
            Self::AbsoluteMonth(y, m) => month_end(y, m),
            Self::AbsoluteDay(y, m, d) => NaiveDate::from_ymd_opt(y, m, d),
            Self::LaterMonthEnd(n, m) => month_end(plan_year?.checked_add(n)?, m),
            Self::LaterDay(n, m, d) => NaiveDate::from_ymd_opt(plan_year?.checked_add(n)?, m, d),
        }
    }
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 { (year.checked_add(1)?, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// A deadline phrase found at `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Phrase {
    pub start: usize,
    pub end: usize,
    pub spec: DeadlineSpec,
    /// The clause it stands in.
    pub clause_start: usize,
    pub clause_end: usize,
    /// It opens its clause (明年建成投运), so it dates what the sentence's
    /// subject does, not a subject of its own.
    pub opens_clause: bool,
    /// Its clause carries numbers of its own: a separate commitment.
    pub clause_has_numbers: bool,
}

const FIXED: &[(&str, DeadlineSpec)] = &[
    ("今年", DeadlineSpec::YearEnd(0)),
    ("年内", DeadlineSpec::YearEnd(0)),
    ("全年", DeadlineSpec::YearEnd(0)),
    ("年底前", DeadlineSpec::YearEnd(0)),
    ("年底", DeadlineSpec::YearEnd(0)),
    ("年末", DeadlineSpec::YearEnd(0)),
    ("本年度", DeadlineSpec::YearEnd(0)),
    ("下半年", DeadlineSpec::YearEnd(0)),
    ("四季度", DeadlineSpec::YearEnd(0)),
    ("明年", DeadlineSpec::YearEnd(1)),
    ("后年", DeadlineSpec::YearEnd(2)),
    ("上半年", DeadlineSpec::MonthEnd(6)),
    ("一季度", DeadlineSpec::MonthEnd(3)),
    ("首季", DeadlineSpec::MonthEnd(3)),
    ("二季度", DeadlineSpec::MonthEnd(6)),
    ("三季度", DeadlineSpec::MonthEnd(9)),
    ("五一前", DeadlineSpec::Day(4, 30)),
    ("“五一”前", DeadlineSpec::Day(4, 30)),
    ("\"五一\"前", DeadlineSpec::Day(4, 30)),
    ("七一前", DeadlineSpec::Day(6, 30)),
    ("“七一”前", DeadlineSpec::Day(6, 30)),
    ("国庆前", DeadlineSpec::Day(9, 30)),
    ("“十一”前", DeadlineSpec::Day(9, 30)),
];

/// Reads a small number (1-2 Arabic digits or one or two Chinese numeral
/// chars) at `i`: (value, end).
fn small_number_at(doc: &Doc<'_>, i: usize) -> Option<(u32, usize)> {
    let c = doc.at(i);
    if c.is_ascii_digit() {
        let mut j = i;
        while doc.at(j).is_ascii_digit() && j - i < 3 {
            j += 1;
        }
        if doc.at(j).is_ascii_digit() {
            return None;
        }
        return Some((doc.norm_string(i, j).parse().ok()?, j));
    }
    if chinese_digit(c).is_some() || c == '十' {
        let mut j = i;
        while (chinese_digit(doc.at(j)).is_some() || doc.at(j) == '十') && j - i < 3 {
            j += 1;
        }
        let v = parse_chinese(&doc.norm_string(i, j))?;
        return Some((u32::try_from(v).ok()?, j));
    }
    None
}

/// `M月底前`, `M月前`, `M月份`, `M月末`, `M月D日前/起`: (spec, end).
fn month_phrase_at(doc: &Doc<'_>, i: usize, year: Option<i32>) -> Option<(DeadlineSpec, usize)> {
    let (m, j) = small_number_at(doc, i)?;
    if doc.at(j) != '月' || !(1..=12).contains(&m) {
        return None;
    }
    let k = j + 1;
    if let Some((d, dj)) = small_number_at(doc, k)
        && matches!(doc.at(dj), '日' | '号')
        && (1..=31).contains(&d)
    {
        let spec = match year {
            Some(y) => DeadlineSpec::AbsoluteDay(y, m, d),
            None => DeadlineSpec::Day(m, d),
        };
        let mut e = dj + 1;
        for tail in ["前", "起", "之前"] {
            if doc.starts_with_at(e, tail) {
                e += tail.chars().count();
                break;
            }
        }
        return Some((spec, e));
    }
    let tails = ["底前", "底", "末", "前", "份前", "份", "中旬前", "上旬前", "下旬前"];
    let tail = tails.iter().find(|t| doc.starts_with_at(k, t))?;
    let end = k + tail.chars().count();
    let spec = match year {
        Some(y) => DeadlineSpec::AbsoluteMonth(y, m),
        None => DeadlineSpec::MonthEnd(m),
    };
    Some((spec, end))
}

/// A month or a day of a later year, right after its 明年 or 后年 (`n` years
/// on) ending at `i`: 明年6月底前, 明年上半年, 后年“七一”前.
fn later_in_year(doc: &Doc<'_>, i: usize, n: i32) -> Option<(DeadlineSpec, usize)> {
    let (spec, e) = month_phrase_at(doc, i, None).or_else(|| {
        let (w, spec) = FIXED.iter().find(|(w, _)| doc.starts_with_at(i, w))?;
        Some((*spec, i + w.chars().count()))
    })?;
    match spec {
        DeadlineSpec::MonthEnd(m) => Some((DeadlineSpec::LaterMonthEnd(n, m), e)),
        DeadlineSpec::Day(m, d) => Some((DeadlineSpec::LaterDay(n, m, d), e)),
        _ => None,
    }
}

/// Finds the deadline phrases in `start..end`, left to right, not
/// overlapping.
pub(crate) fn phrases(doc: &Doc<'_>, start: usize, end: usize) -> Vec<Phrase> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        if let Some((spec, e)) = phrase_at(doc, i, start) {
            let clause = crate::layout::clause_of(doc, crate::layout::Span { start, end }, i);
            let mut lead = doc.skip_spaces(clause.start, i);
            for w in ["力争", "确保", "争取", "并", "于", "在", "要", "将"] {
                if doc.starts_with_at(lead, w) {
                    lead += w.chars().count();
                }
            }
            let opens_clause = lead == i;
            let clause_has_numbers =
                (clause.start..clause.end).any(|k| (k < i || k >= e) && doc.at(k).is_ascii_digit());
            out.push(Phrase {
                start: i,
                end: e,
                spec,
                clause_start: clause.start,
                clause_end: clause.end,
                opens_clause,
                clause_has_numbers,
            });
            i = e.max(i + 1);
        } else {
            i += 1;
        }
    }
    if doc.spoken_the_year_before {
        spoken_the_year_before(doc, &mut out);
    }
    out
}

/// In a report delivered late in the year before its plan year (——2019年12月26日,
/// plan 2020), 明年 is the plan year and 后年 the next: shifts those phrases.
fn spoken_the_year_before(doc: &Doc<'_>, phrases: &mut [Phrase]) {
    for p in phrases {
        if !(doc.starts_with_at(p.start, "明年") || doc.starts_with_at(p.start, "后年")) {
            continue;
        }
        match p.spec {
            DeadlineSpec::YearEnd(n) => p.spec = DeadlineSpec::YearEnd(n - 1),
            DeadlineSpec::LaterMonthEnd(n, m) => p.spec = DeadlineSpec::LaterMonthEnd(n - 1, m),
            DeadlineSpec::LaterDay(n, m, d) => p.spec = DeadlineSpec::LaterDay(n - 1, m, d),
            _ => {}
        }
    }
}

/// Chars that can open a deadline phrase: a cheap test before the matchers.
static PHRASE_STARTS: LazyLock<HashSet<char>> = LazyLock::new(|| {
    let mut set: HashSet<char> = FIXED.iter().filter_map(|(w, _)| w.chars().next()).collect();
    set.extend("0123456789零〇一二两三四五六七八九十“\"".chars());
    set
});

fn phrase_at(doc: &Doc<'_>, i: usize, sentence_start: usize) -> Option<(DeadlineSpec, usize)> {
    let c = doc.at(i);
    if !PHRASE_STARTS.contains(&c) {
        return None;
    }
    // A named year: 到2035年, 2025年底前, 2022年6月底前.
    if c.is_ascii_digit()
        && let Some(y) = year_at_chars(&doc.norm, i)
    {
        {
            let k = i + 5;
            if let Some((spec, e)) = month_phrase_at(doc, k, Some(y)) {
                return Some((spec, e));
            }
            for tail in ["年底前", "年底", "年末", "底前", "底", "末", "前", "内"] {
                if doc.starts_with_at(k, tail) {
                    return Some((DeadlineSpec::Absolute(y), k + tail.chars().count()));
                }
            }
            let before = doc.skip_spaces_back(i, sentence_start);
            if ["到", "至", "力争到", "于"].iter().any(|w| doc.ends_with_at(before, w)) {
                return Some((DeadlineSpec::Absolute(y), k));
            }
            // The end of a span of years: 2024—2026年, 2024-2026年累计….
            let dash = before.wrapping_sub(1);
            if matches!(doc.at(dash), '—' | '-' | '–' | '~' | '～') && doc.at(dash.wrapping_sub(1)).is_ascii_digit()
            {
                return Some((DeadlineSpec::Absolute(y), k));
            }
            // 2025年达到…, 2023年建成…: the year the verb is done by.
            let after = doc.skip_spaces(k, k + 3);
            if ["达到", "实现", "建成", "完成", "基本", "全面", "力争"].iter().any(|w| doc.starts_with_at(after, w))
            {
                return Some((DeadlineSpec::Absolute(y), k));
            }
            return None;
        }
    }
    // 十四五期间/末: the end of that five-year plan.
    let open = usize::from(matches!(c, '“' | '"'));
    if doc.at(i + open) == '十'
        && let Some((end_year, _, e)) = five_year_plan_at(&doc.norm, i + open, i + open + 3)
    {
        let e = e + usize::from(matches!(doc.at(e), '”' | '"'));
        for tail in ["期间", "末", "时期", "内", "中后期", "规划期"] {
            if doc.starts_with_at(e, tail) {
                return Some((DeadlineSpec::Absolute(end_year), e + tail.chars().count()));
            }
        }
        return None;
    }
    if let Some((spec, e)) = month_phrase_at(doc, i, None) {
        let prev = doc.at(i.wrapping_sub(1));
        if !prev.is_ascii_digit() && !crate::numeral::is_chinese_numeral_char(prev) {
            return Some((spec, e));
        }
    }
    for (w, spec) in FIXED {
        if doc.starts_with_at(i, w) {
            let e = i + w.chars().count();
            if let DeadlineSpec::YearEnd(n @ 1..) = spec
                && let Some(later) = later_in_year(doc, e, *n)
            {
                return Some(later);
            }
            // 第一季度 is 一季度; 三年内 is read as 三年 below.
            return Some((*spec, e));
        }
    }
    // N年: a span from the plan year (三年达到, 3年500亿, 三年行动).
    if let Some((n, j)) = small_number_at(doc, i)
        && doc.at(j) == '年'
        && (1..=10).contains(&n)
    {
        let prev = doc.at(i.wrapping_sub(1));
        let next = doc.at(j + 1);
        let is_past_or_label = matches!(prev, '第' | '每' | '近' | '前' | '这' | '多' | '几')
            || prev.is_ascii_digit()
            || crate::numeral::is_chinese_numeral_char(prev)
            || doc.ends_with_at(i, "过去")
            || matches!(next, '来' | '前' | '级' | '制' | '度' | '期')
            || doc.starts_with_at(j + 1, "以来");
        // 持续推进…三年行动, 深入实施…三年行动: an action begun before, whose
        // end the plan year does not give.
        let clause_start = (sentence_start..i)
            .rev()
            .find(|k| matches!(doc.at(*k), ',' | ':' | ';' | '。'))
            .map_or(sentence_start, |k| k + 1);
        let head = doc.norm_string(clause_start, i);
        let is_ongoing = ["持续", "继续", "深入", "接续", "巩固"].iter().any(|w| head.contains(w));
        if !is_past_or_label && !is_ongoing {
            let n = i32::try_from(n).unwrap_or(1);
            return Some((DeadlineSpec::YearEnd(n - 1), j + 1));
        }
    }
    None
}

/// Picks the phrase that governs a target at `pos` whose clause is
/// `clause_start..clause_end`: the nearest phrase before it in the clause,
/// else the first after it in the clause, else the latest date of the
/// sentence's other clauses that carry no numbers of their own and either
/// open their clause (…,明年建成投运) or come before the target's clause
/// (实施三年行动,投资…): the completion date of the whole sentence.
/// `None` when nothing governs.
pub(crate) fn governing(
    phrases: &[Phrase],
    pos: usize,
    clause_start: usize,
    clause_end: usize,
    plan_year: Option<i32>,
) -> Option<NaiveDate> {
    let in_clause = |p: &&Phrase| p.start >= clause_start && p.end <= clause_end;
    if let Some(p) = phrases.iter().filter(in_clause).rfind(|p| p.end <= pos) {
        return p.spec.resolve(plan_year);
    }
    if let Some(p) = phrases.iter().filter(in_clause).find(|p| p.start >= pos) {
        return p.spec.resolve(plan_year);
    }
    phrases
        .iter()
        .filter(|p| !p.clause_has_numbers && (p.opens_clause || p.clause_end <= clause_start))
        .filter_map(|p| p.spec.resolve(plan_year))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str, year: i32) -> Option<String> {
        let doc = Doc::new(s);
        let ps = phrases(&doc, 0, doc.len());
        ps.first().and_then(|p| p.spec.resolve(Some(year))).map(|d| d.to_string())
    }

    #[test]
    fn deadline_phrases_resolve_against_the_plan_year() {
        let cases = [
            ("年底前建成", Some("2024-12-31")),
            ("上半年完工", Some("2024-06-30")),
            ("一季度开工", Some("2024-03-31")),
            ("第三季度投用", Some("2024-09-30")),
            ("“五一”前开放", Some("2024-04-30")),
            ("9月底前完成", Some("2024-09-30")),
            ("2月底前", Some("2024-02-29")),
            ("十一月前", Some("2024-11-30")),
            ("8月1日起施行", Some("2024-08-01")),
            ("明年投运", Some("2025-12-31")),
            ("明年6月底前完成", Some("2025-06-30")),
            ("明年上半年投用", Some("2025-06-30")),
            ("后年“七一”前建成", Some("2026-06-30")),
            ("明年底建成", Some("2025-12-31")),
            ("明年全年", Some("2025-12-31")),
            ("两年内建成", Some("2025-12-31")),
            ("用5年时间", Some("2028-12-31")),
            ("到2030年", Some("2030-12-31")),
            ("2026年6月底前", Some("2026-06-30")),
            ("“十五五”期间", Some("2030-12-31")),
            ("十四五末", Some("2025-12-31")),
            ("近三年", None),
            ("五年来", None),
            ("第一年", None),
            ("以2019年为基数", None),
            ("持续开展三年行动", None),
            ("深入实施安全生产三年行动", None),
            ("实施安全生产三年行动", Some("2026-12-31")),
            ("2027年建成", Some("2027-12-31")),
            ("“十四五”开局", None),
            ("2024—2026年累计建设", Some("2026-12-31")),
            ("2024-2026年", Some("2026-12-31")),
        ];
        for (input, want) in cases {
            assert_eq!(first(input, 2024).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn the_nearest_phrase_in_the_clause_governs_else_the_latest_in_the_sentence() {
        let text = "甲项目三年投资9亿元、五年投资20亿元,乙工程上半年完工,明年建成投运,丙项目6月底前完成";
        let doc = Doc::new(text);
        let ps = phrases(&doc, 0, doc.len());
        let y = Some(2024);
        let at = |s: &str| text.chars().collect::<String>().find(s).map(|b| text[..b].chars().count()).unwrap_or(0);
        let nine = at("9亿");
        let twenty = at("20亿");
        assert_eq!(governing(&ps, nine, 0, 19, y).map(|d| d.to_string()).as_deref(), Some("2026-12-31"));
        assert_eq!(governing(&ps, twenty, 0, 19, y).map(|d| d.to_string()).as_deref(), Some("2028-12-31"));
        assert_eq!(governing(&ps, 1000, 900, 1000, y).map(|d| d.to_string()).as_deref(), Some("2025-12-31"));
    }
}
