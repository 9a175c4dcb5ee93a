//! Which part of the report a paragraph belongs to — the review of past years
//! (回顾, no targets), the coming year's plan, or five-year and long-range
//! goals — and the plan year, both read from the report itself.

use serde::Serialize;

use crate::numeral::{chinese_digit, is_chinese_numeral_char};
use crate::text::Doc;

/// 报告部分 (part of a report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Before the first chapter: title, date, salutation.
    Preamble,
    /// 回顾: what was done; its figures are not targets.
    Review,
    /// The plan year's work (今年工作安排).
    Plan,
    /// Five-year plan or long-range goals (十四五, 2035年远景目标).
    LongRange,
}

impl Part {
    /// Whether targets are read in this part.
    pub fn has_targets(self) -> bool {
        matches!(self, Self::Plan | Self::LongRange)
    }
}

/// Whether `s` contains a four-digit year (19xx/20xx) followed by 年.
fn year_in(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    for i in 0..chars.len() {
        if let Some(y) = year_at_chars(&chars, i) {
            return Some(y);
        }
    }
    None
}

/// A year written `2021年` starting at `i` (not inside a longer number).
pub(crate) fn year_at_chars(chars: &[char], i: usize) -> Option<i32> {
    let mut y: i32 = 0;
    for k in 0..4 {
        let d = chars.get(i + k)?.to_digit(10)?;
        y = y * 10 + i32::try_from(d).ok()?;
    }
    if chars.get(i + 4) != Some(&'年') {
        return None;
    }
    if i > 0 && chars.get(i - 1).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    (1949..=2100).contains(&y).then_some(y)
}

/// Classifies a chapter title. `None` when the title says nothing.
pub(crate) fn classify_title(title: &str) -> Option<Part> {
    const REVIEW: &[&str] = &[
        "回顾",
        "过去",
        "工作总结",
        "主要成绩",
        "取得的成绩",
        "存在的问题",
        "存在问题",
        "问题和不足",
        "不足",
        "基本情况",
        "现状",
        "发展历程",
        "主要做法",
        "成效",
        "优势",
    ];
    const PLAN: &[&str] = &["今年", "本年", "年度", "工作安排"];
    const LONG: &[&str] = &["今后五年", "未来五年", "五年目标", "远景", "中长期", "规划纲要", "2035", "二〇三五"];
    // A five-year plan named as the frame of this year's work is not the
    // five-year part: 奋力实现“十四五”良好开局, “十五五”开局之年.
    const FIRST_YEAR: &[&str] = &["开局", "起步", "开好局", "第一年", "首年", "收官", "之年"];
    const PLAN_WEAK: &[&str] = &["工作任务", "主要任务", "重点工作", "工作要点", "重点任务", "目标任务"];
    if REVIEW.iter().any(|w| title.contains(w)) {
        return Some(Part::Review);
    }
    // A named year or 今年 wins over a five-year plan's name (“十四五”开局之年工作安排);
    // a five-year horizon wins over generic plan words (今后五年的目标任务).
    if PLAN.iter().any(|w| title.contains(w)) || year_in(title).is_some_and(|y| y < 2030) {
        return Some(Part::Plan);
    }
    let names_plan_period = five_year_plan_end(title).is_some() && !FIRST_YEAR.iter().any(|w| title.contains(w));
    if names_plan_period || LONG.iter().any(|w| title.contains(w)) {
        return Some(Part::LongRange);
    }
    if PLAN_WEAK.iter().any(|w| title.contains(w)) {
        return Some(Part::Plan);
    }
    None
}

/// Classifies a paragraph of a report without chapter headings by how it
/// opens: `过去一年…` starts the review, `今年…主要预期目标` the plan.
pub(crate) fn classify_opening(opening: &str) -> Option<Part> {
    const REVIEW: &[&str] = &["过去一年", "过去的一年", "过去五年", "过去的五年", "回顾", "一年来", "五年来"];
    if REVIEW.iter().any(|w| opening.starts_with(w)) {
        return Some(Part::Review);
    }
    // The report's own title (2026年某省政府工作报告) opens no part.
    if opening.chars().take(24).collect::<String>().contains("工作报告") {
        return None;
    }
    // 今年…, 2024年政府工作的总体要求…, or the plan's own words anywhere
    // near the start (…的主要预期目标是).
    let head: String = opening.chars().take(40).collect();
    let near: String = opening.chars().skip(5).take(12).collect();
    let opens_with_year = year_in(&opening.chars().take(5).collect::<String>()).is_some()
        && ["工作", "主要预期目标", "经济社会发展", "要点", "计划", "任务"].iter().any(|w| near.contains(w));
    if opening.starts_with("今年") || opens_with_year || head.contains("主要预期目标") {
        return Some(Part::Plan);
    }
    None
}

/// The last year of the five-year plan named in `s` (`十四五` -> 2025,
/// `十五五` -> 2030): the nth plan ends in 1955 + 5n.
pub(crate) fn five_year_plan_end(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    five_year_plan_at(&chars, 0, chars.len()).map(|(end, _, _)| end)
}

/// Finds `十X五` in `chars[from..to]`: (end year, start index, end index).
pub(crate) fn five_year_plan_at(chars: &[char], from: usize, to: usize) -> Option<(i32, usize, usize)> {
    let to = to.min(chars.len());
    let mut i = from;
    while i + 2 < to + 1 {
        if chars.get(i) == Some(&'十') {
            let (n, len) = match (chars.get(i + 1), chars.get(i + 2)) {
                (Some(d), Some('五')) if chinese_digit(*d).is_some_and(|v| v > 0) && *d != '两' => {
                    (10 + chinese_digit(*d).unwrap_or(0), 3)
                }
                (Some('五'), _) if i + 2 < to && chars.get(i + 2) == Some(&'五') => (15, 3),
                _ => (0, 0),
            };
            // 十X五 must not continue as a number (十五五万) and X五 must be the plan
            if len > 0 && chars.get(i + len).is_none_or(|c| chinese_digit(*c).is_none()) {
                let end = 1955 + 5 * i32::try_from(n).unwrap_or(0);
                return Some((end, i, i + len));
            }
        }
        i += 1;
    }
    None
}

/// Titles of a glossary of the report's terms (名词解释): what follows defines
/// names, it promises nothing.
const GLOSSARY_TITLES: &[&str] = &["名词解释", "名词注释", "名词说明", "术语解释", "注释", "注解"];

/// Whether a paragraph standing alone opens a glossary: 名词解释, 附：名词解释,
/// 附件2：名词解释, 【名词解释】 (but not a sentence that mentions one).
pub(crate) fn is_glossary_title(line: &str) -> bool {
    let mut rest =
        line.trim().trim_matches(|c: char| matches!(c, '*' | '#' | '【' | '】' | '[' | ']' | ' ' | '\u{3000}'));
    for lead in ["附件", "附录", "附"] {
        if let Some(r) = rest.strip_prefix(lead) {
            rest = r.trim_start_matches(|c: char| c.is_ascii_digit() || is_chinese_numeral_char(c));
            rest = rest.trim_start_matches([':', '：', '、', '.', ' ', '\u{3000}']);
            break;
        }
    }
    let rest = rest.trim_end_matches([':', '：', ' ', '\u{3000}']);
    GLOSSARY_TITLES.contains(&rest)
}

/// The last year of the outlook `s` names: a five-year plan's (“十四五” ->
/// 2025), or the fifth year from the plan year for the next five years
/// (今后五年 in a 2022 report -> 2026: a new government's term).
pub(crate) fn outlook_end(s: &str, plan_year: Option<i32>) -> Option<i32> {
    five_year_plan_end(s).or_else(|| {
        let next_five = ["今后五年", "未来五年", "今后5年", "未来5年"].iter().any(|w| s.contains(w));
        plan_year.filter(|_| next_five).map(|y| y + 4)
    })
}

/// The last year of the five-year plan that contains `year`.
pub(crate) fn five_year_end_containing(year: i32) -> i32 {
    let n = (year - 1955 + 4).div_euclid(5);
    1955 + 5 * n
}

/// Infers the plan year: the earliest year named in a plan chapter's title
/// that is the year the report was delivered or the next (a slogan title
/// may name the year reviewed, 砥砺奋进的2025年, or a later goal), the
/// delivery year if none is, the latest title year without a date; else a `20XX年工作`/`20XX年主要预期目标`/
/// `20XX年是` phrase; else the date the report was delivered (in its first
/// lines); else the latest year opening a sentence (2026年，新建…).
pub(crate) fn infer_plan_year(doc: &Doc<'_>, plan_titles: &[String]) -> Option<i32> {
    let title_years: Vec<i32> = plan_titles.iter().filter_map(|t| year_in(t)).collect();
    if let Some(&latest) = title_years.iter().max() {
        // The delivery date bounds it: a report is given in its plan year or
        // at the end of the year before; a later year named (2027年目标) is
        // a goal, an earlier one the year reviewed.
        return Some(match head_year(doc) {
            Some(d) => title_years.iter().copied().filter(|y| (d..=d + 1).contains(y)).min().unwrap_or(d),
            None => latest,
        });
    }
    let chars = &doc.norm;
    // The latest year named as the year of the work (the review names
    // earlier ones: 2020年工作回顾, 2020年是极不平凡的一年).
    let cues = ["年工作", "年主要预期目标", "年经济社会发展", "年是", "年政府工作", "年重点工作"];
    let mut best: Option<i32> = None;
    for i in 0..chars.len() {
        if let Some(y) = year_at_chars(chars, i)
            && cues.iter().any(|c| doc.starts_with_at(i + 4, c))
            && !doc.starts_with_at(i + 4, "年工作回顾")
            && !doc.starts_with_at(i + 4, "年工作总结")
        {
            best = best.max(Some(y));
        }
    }
    // 今年是“十五五”开局之年: the year the sentence places this year in.
    if let Some(y) = year_in_a_plan_period(doc)
        && best.is_none_or(|b| b < y)
    {
        best = Some(y);
    }
    let head = head_year(doc);
    // A year of the work before the delivery date is the year reviewed
    // (2022年是极不平凡的一年, in a report given in 2023).
    match (best, head) {
        (Some(b), Some(d)) if b < d => return Some(d),
        (Some(b), _) => return Some(b),
        (None, Some(d)) => return Some(d),
        (None, None) => {}
    }
    // The latest year that opens a sentence: 2025年，新建学校8所。2026年，新建…
    (0..chars.len())
        .filter(|i| *i == 0 || matches!(doc.at(i - 1), '\n' | '。' | ';' | ':' | '!'))
        .filter_map(|i| year_at_chars(chars, i).filter(|_| doc.at(i + 5) == ','))
        .filter(|y| *y < 2100)
        .max()
}

/// The year `今年是“十X五”…开局之年` (its first year) or `…收官之年` (its
/// last) names.
fn year_in_a_plan_period(doc: &Doc<'_>) -> Option<i32> {
    let chars = &doc.norm;
    (0..chars.len()).filter(|i| doc.starts_with_at(*i, "今年是")).find_map(|i| {
        let (end, _, e) = five_year_plan_at(chars, i + 3, (i + 8).min(chars.len()))?;
        let rest = doc.norm_string(e, (e + 16).min(chars.len()));
        let rest = rest.split(['。', ',', ';']).next().unwrap_or("");
        if rest.contains("开局") || rest.contains("起步") {
            Some(end - 4)
        } else if rest.contains("收官") {
            Some(end)
        } else {
            None
        }
    })
}

/// Whether the report's date in its first lines falls in the last quarter
/// of the year before the plan year (——2019年12月26日, plan 2020): then its
/// 明年 is the plan year.
pub(crate) fn delivered_late_the_year_before(doc: &Doc<'_>, plan_year: i32) -> bool {
    let chars = &doc.norm;
    let head = chars.len().min(400);
    (0..head)
        .find_map(|i| {
            let y = year_at_chars(chars, i)?;
            let m = i + 5;
            let month: String = chars.get(m..(m + 2).min(head))?.iter().take_while(|c| c.is_ascii_digit()).collect();
            let end = m + month.chars().count();
            (!month.is_empty() && doc.at(end) == '月').then(|| (y, month.parse::<u32>().unwrap_or(0)))
        })
        .is_some_and(|(y, month)| y == plan_year - 1 && month >= 10)
}

/// The year of the report's date or title in its first lines
/// (——2023年1月5日, 2024年全市工作要点), not of a review's title.
fn head_year(doc: &Doc<'_>) -> Option<i32> {
    let chars = &doc.norm;
    let head = chars.len().min(400);
    for i in 0..head {
        if let Some(y) = year_at_chars(chars, i) {
            let m = i + 5;
            if doc.at(m).is_ascii_digit() && (doc.at(m + 1) == '月' || doc.at(m + 2) == '月') {
                return Some(y);
            }
            // A title: 2024年全市工作要点, 2024年政府工作报告.
            let near = doc.norm_string(m, (m + 10).min(head));
            let is_review = near.contains("回顾") || near.contains("总结");
            if !is_review && ["工作", "要点", "计划", "报告"].iter().any(|w| near.contains(w)) {
                return Some(y);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_titles_are_classified() {
        let cases = [
            ("过去五年和2022年工作回顾", Some(Part::Review)),
            ("2023年主要任务", Some(Part::Plan)),
            ("今年工作安排", Some(Part::Plan)),
            ("“十五五”时期的奋斗目标", Some(Part::LongRange)),
            ("二〇三五年远景目标", Some(Part::LongRange)),
            ("加强政府自身建设", None),
            ("今后五年的目标任务", Some(Part::LongRange)),
            ("“十四五”开局之年工作安排", Some(Part::Plan)),
            ("2035年远景目标", Some(Part::LongRange)),
            ("奋力实现“十五五”良好开局", None),
            ("“十五五”开局之年的主要任务", Some(Part::Plan)),
            ("统筹规划建设管理", None),
        ];
        for (title, want) in cases {
            assert_eq!(classify_title(title), want, "{title}");
        }
    }

    #[test]
    fn paragraph_openings_are_classified() {
        let cases = [
            ("过去一年，我们迎难而上", Some(Part::Review)),
            ("今年经济社会发展的主要预期目标是：", Some(Part::Plan)),
            ("2024年政府工作的总体要求是", Some(Part::Plan)),
            ("我们深刻体会到", None),
            ("政府工作报告——2023年1月6日在县人民代表大会上", None),
            ("2024年全市工作要点今年全市", Some(Part::Plan)),
            ("2026年某省政府工作报告——2026年1月20日", None),
        ];
        for (p, want) in cases {
            assert_eq!(classify_opening(p), want, "{p}");
        }
    }

    #[test]
    fn a_glossary_is_told_by_its_title_alone() {
        let cases = [
            ("名词解释", true),
            ("名词解释：", true),
            ("附：名词解释", true),
            ("附件3：名词注释", true),
            ("【术语解释】", true),
            ("注释", true),
            ("部分名词解释如下，供参考。", false),
            ("附件1", false),
            ("做好名词解释工作", false),
        ];
        for (line, want) in cases {
            assert_eq!(is_glossary_title(line), want, "{line}");
        }
    }

    #[test]
    fn five_year_plans_end_on_time() {
        let cases = [
            ("“十四五”期间", Some(2025)),
            ("十三五时期", Some(2020)),
            ("十五五规划", Some(2030)),
            ("十五万元", None),
            ("五年", None),
        ];
        for (s, want) in cases {
            assert_eq!(five_year_plan_end(s), want, "{s}");
        }
        assert_eq!(five_year_end_containing(2021), 2025);
        assert_eq!(five_year_end_containing(2025), 2025);
        assert_eq!(five_year_end_containing(2026), 2030);
    }

    #[test]
    fn plan_year_comes_from_the_plan_title_or_the_text() {
        let doc = Doc::new("政府工作报告\n——2023年1月5日\n");
        assert_eq!(infer_plan_year(&doc, &[]), Some(2023));
        assert_eq!(infer_plan_year(&doc, &["2024年工作安排".to_string()]), Some(2024));
        let doc = Doc::new("一、2020年工作回顾\n\n");
        assert_eq!(infer_plan_year(&doc, &[]), None);
        let doc = Doc::new("2025年全县工作要点\n\n");
        assert_eq!(infer_plan_year(&doc, &[]), Some(2025));
        let doc = Doc::new("2022年是关键之年。");
        assert_eq!(infer_plan_year(&doc, &[]), Some(2022));
        let doc = Doc::new("一、2021年工作回顾\n2021年是极不平凡的一年。\n二、2022年工作安排");
        assert_eq!(infer_plan_year(&doc, &[]), Some(2022));
        // a slogan title naming the year reviewed is no plan year
        let doc = Doc::new("某区政府工作报告\n——2026年1月8日在区人民代表大会上\n一、砥砺奋进的2025年\n");
        let titles = ["砥砺奋进的2025年".to_string(), "2026年工作安排".to_string()];
        assert_eq!(infer_plan_year(&doc, &titles), Some(2026));
        assert_eq!(infer_plan_year(&doc, &titles[..1]), Some(2026));
        let titles = ["2026年工作安排".to_string(), "奋力实现2027年目标".to_string()];
        assert_eq!(infer_plan_year(&doc, &titles), Some(2026));
        // given at the end of the year before
        let doc = Doc::new("某县政府工作报告\n——2025年12月28日在县人民代表大会上\n");
        assert_eq!(infer_plan_year(&doc, &["2026年工作安排".to_string()]), Some(2026));
        // no cue, no date: the latest year opening a sentence
        let doc = Doc::new("一、产业\n2025年，新建学校8所。2026年，新建学校10所，到2030年建成20所。");
        assert_eq!(infer_plan_year(&doc, &[]), Some(2026));
    }
}
