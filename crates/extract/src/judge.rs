//! 判定 (judgement) of a part by what its sentences say, not by one word of
//! its title: the review tells what was done (已、实现了、累计、同比, years
//! before the plan year), the year's plan what is to be done (要、将、力争、
//! 确保, the plan year), the five-year part what a five-year outline sets,
//! and the government's own conduct how it will work. Each verdict carries a
//! confidence and a reason in words, for the import review page.

use serde::Serialize;

use crate::part::{Part, five_year_plan_end, year_at_chars};
use crate::text::{Doc, is_han};

/// The kind of a part of a report: [`Part`] with the five-year outlook and
/// the government's own conduct told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// Before the first part: title, date, salutation.
    Preamble,
    /// 工作回顾: what was done; no targets are taken from it.
    Review,
    /// 年度安排: the plan year's work; targets due by the plan year's end.
    Plan,
    /// 五年目标: a five-year (or longer) outlook; targets due at its end.
    FiveYear,
    /// 政府自身建设: the government's own conduct; due by the plan year's end.
    Conduct,
}

impl PartKind {
    /// The coarse [`Part`] this kind belongs to.
    pub fn part(self) -> Part {
        match self {
            Self::Preamble => Part::Preamble,
            Self::Review => Part::Review,
            Self::Plan | Self::Conduct => Part::Plan,
            Self::FiveYear => Part::LongRange,
        }
    }

    /// The kind's name as the import page shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Preamble => "报告开头",
            Self::Review => "工作回顾",
            Self::Plan => "年度工作安排",
            Self::FiveYear => "五年目标",
            Self::Conduct => "政府自身建设",
        }
    }

    /// One line for the import page: what was judged and what it means.
    pub fn notice(self) -> String {
        match self {
            Self::Preamble | Self::Review => format!("本章判定为{}，未提取指标", self.label()),
            _ => format!("本章判定为{}，已提取指标", self.label()),
        }
    }

    /// Whether targets are read in parts of this kind.
    pub fn has_targets(self) -> bool {
        self.part().has_targets()
    }
}

/// Counts of the markers of what was done and of what is to be done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tense {
    /// 已、了、累计、同比、比上年、…以来, years before the plan year.
    pub past: u32,
    /// 要、将、力争、确保、争取、今年、年内, the plan year.
    pub future: u32,
}

/// Words that tell what was done. Each is checked where it starts.
const PAST: &[&str] = &[
    "已",
    "累计",
    "同比",
    "比上年",
    "一年来",
    "五年来",
    "以来",
    "位居",
    "居全国",
    "首次",
    "荣获",
    "获评",
    "超额完成",
    "截至",
    "新高",
    "跃居",
    "稳居",
    "名列",
    "获批",
    "圆满完成",
    "成功举办",
];
/// Words that tell what is to be done.
const FUTURE: &[&str] = &["要", "将", "力争", "确保", "争取", "今年", "年内", "计划", "预期", "拟"];

/// The first chars of the words of [`PAST`] and [`FUTURE`] (a test checks
/// that none is missing).
const MARKER_FIRSTS: &[char] = &[
    '已', '累', '同', '比', '一', '五', '以', '位', '居', '首', '荣', '获', '超', '截', '新', '跃', '稳', '名', '圆',
    '成', '力', '确', '争', '今', '年', '计', '预', '拟',
];

/// Whether the `要` at `i` is the modal (要加快), not part of a word
/// (主要, 重要, 需要, 要求, 纲要).
fn is_modal_yao(doc: &Doc<'_>, i: usize) -> bool {
    !matches!(
        doc.at(i.wrapping_sub(1)),
        '主' | '重' | '需' | '首' | '纲' | '摘' | '紧' | '只' | '必' | '想' | '提' | '扼'
    ) && !matches!(doc.at(i + 1), '求' | '素' | '点' | '件' | '害' | '闻' | '领' | '道' | '是' | '么')
}

/// Whether the `了` at `i` marks a done action (完成了), not a word (为了,
/// 了解, 除了).
fn is_aspect_le(doc: &Doc<'_>, i: usize) -> bool {
    !matches!(doc.at(i.wrapping_sub(1)), '为' | '除' | '不' | '明' | '罢' | '受')
        && !matches!(doc.at(i + 1), '解' | '结' | '却' | '如' | '不')
}

/// Counts the markers in `start..end`. A year before the plan year counts
/// as done unless it is a base of comparison (比2020年, 以2019年为基数);
/// the plan year counts as to be done.
pub(crate) fn tense_in(doc: &Doc<'_>, start: usize, end: usize, plan_year: Option<i32>) -> Tense {
    let mut t = Tense::default();
    for i in start..end.min(doc.len()) {
        let c = doc.at(i);
        match c {
            '了' if is_aspect_le(doc, i) => t.past += 1,
            '要' if is_modal_yao(doc, i) => t.future += 1,
            '将' if doc.at(i + 1) != '近' => t.future += 1,
            '0'..='9' => {
                if let (Some(y), Some(plan)) = (year_at_chars(&doc.norm, i), plan_year) {
                    let base =
                        matches!(doc.at(i.wrapping_sub(1)), '比' | '较' | '以' | '与' | '同' | '到' | '至' | '于');
                    if y < plan && !base {
                        t.past += 1;
                    } else if y == plan {
                        t.future += 1;
                    }
                }
            }
            // Given the December before, 今年 is the year reviewed, 明年 the plan's.
            '今' | '明' if doc.spoken_the_year_before && doc.at(i + 1) == '年' => {
                if c == '今' {
                    t.past += 1;
                } else {
                    t.future += 1;
                }
            }
            // Only chars that start a marker word are looked at further.
            _ if !is_han(c) || !MARKER_FIRSTS.contains(&c) => {}
            _ => {
                if PAST.iter().any(|w| doc.starts_with_at(i, w)) {
                    t.past += 1;
                } else if FUTURE.iter().skip(2).any(|w| doc.starts_with_at(i, w)) {
                    t.future += 1;
                }
            }
        }
    }
    t
}

/// Counts of the sentences that tell what was done (a marker of it and none
/// of what is to be done) and of those that tell what is to be done (a
/// marker of it, or a year after the plan year).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sentences {
    pub done: u32,
    pub to_do: u32,
}

/// Counts the sentences of `start..end` by what they tell.
pub(crate) fn sentences_in(doc: &Doc<'_>, start: usize, end: usize, plan_year: Option<i32>) -> Sentences {
    let mut s = Sentences::default();
    for sent in crate::layout::sentences(doc, start, end) {
        let t = tense_in(doc, sent.start, sent.end, plan_year);
        if t.future > 0 || names_a_later_year(doc, sent.start, sent.end, plan_year) {
            s.to_do += 1;
        } else if t.past > 0 {
            s.done += 1;
        }
    }
    s
}

/// Whether the sentences that tell what was done outnumber those that tell
/// what is to be done three to one, and are at least two: a review written
/// with few markers (地区生产总值增长5.6%。…同比增长4.1%。…已达60%。) reads
/// so however few its markers, where a count of markers would not.
pub(crate) fn sentences_read_as_done(s: Sentences) -> bool {
    s.done >= 2 && s.done >= 3 * s.to_do
}

/// Whether `start..end` names a year after the plan year (到2030年): a goal
/// set, so not a sentence telling the past.
pub(crate) fn names_a_later_year(doc: &Doc<'_>, start: usize, end: usize, plan_year: Option<i32>) -> bool {
    let Some(plan) = plan_year else {
        return false;
    };
    (start..end.min(doc.len())).any(|i| year_at_chars(&doc.norm, i).is_some_and(|y| y > plan))
}

/// A part's kind with how sure the judgement is (0–100) and why, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub kind: PartKind,
    pub confidence: u8,
    pub reason: String,
}

impl Verdict {
    fn new(kind: PartKind, confidence: u8, reason: impl Into<String>) -> Self {
        Verdict { kind, confidence, reason: reason.into() }
    }
}

/// Title words that name the review outright.
const REVIEW_TITLE: &[&str] = &[
    "回顾",
    "过去",
    "工作总结",
    "主要成绩",
    "取得的成绩",
    "发展成就",
    "成就",
    "存在的问题",
    "存在问题",
    "问题和不足",
    "发展历程",
    "基本情况",
];
/// Title words that name the government's own conduct.
const CONDUCT_TITLE: &[&str] =
    &["自身建设", "政府建设", "服务型政府", "法治政府", "廉洁政府", "满意的政府", "政府治理", "作风建设"];
/// Title words that name the year's plan.
const PLAN_TITLE: &[&str] =
    &["今年", "本年", "年度", "工作安排", "重点工作", "工作任务", "主要任务", "工作要点", "重点任务"];
/// Title words that name a five-year or longer outlook.
const FIVE_YEAR_TITLE: &[&str] =
    &["今后五年", "未来五年", "五年目标", "远景", "中长期", "规划纲要", "2035", "二〇三五", "展望"];
/// Words after a five-year plan's name that make it the frame of this
/// year's work (“十五五”开局之年), not the five-year part.
const FIRST_YEAR: &[&str] = &["开局", "起步", "开好局", "第一年", "首年", "收官", "之年"];

/// What a title alone says, if anything: (kind, reason).
fn title_says(title: &str, plan_year: Option<i32>) -> Option<(PartKind, String)> {
    if let Some(w) = REVIEW_TITLE.iter().find(|w| title.contains(*w)) {
        return Some((PartKind::Review, format!("标题含“{w}”")));
    }
    if let Some(w) = CONDUCT_TITLE.iter().find(|w| title.contains(*w)) {
        return Some((PartKind::Conduct, format!("标题含“{w}”")));
    }
    // 建设人民满意政府, 打造高效政府: the government is what it builds.
    if title.trim_end_matches(['。', '.', ' ']).ends_with("政府") {
        return Some((PartKind::Conduct, "标题以“政府”结尾".to_string()));
    }
    let year = year_of(title);
    if let (Some(y), Some(plan)) = (year, plan_year)
        && y < plan
        && !PLAN_TITLE.iter().any(|w| title.contains(w))
    {
        return Some((PartKind::Review, format!("标题所称{y}年早于计划年度")));
    }
    if let Some(w) = PLAN_TITLE.iter().take(4).find(|w| title.contains(*w)) {
        return Some((PartKind::Plan, format!("标题含“{w}”")));
    }
    if let Some(y) = year.filter(|y| *y < 2030 && plan_year.is_none_or(|p| *y == p)) {
        return Some((PartKind::Plan, format!("标题含计划年度{y}年")));
    }
    let names_period = five_year_plan_end(title).is_some() && !FIRST_YEAR.iter().any(|w| title.contains(w));
    if names_period || FIVE_YEAR_TITLE.iter().any(|w| title.contains(w)) {
        return Some((PartKind::FiveYear, "标题为五年规划或远景目标".to_string()));
    }
    PLAN_TITLE.iter().find(|w| title.contains(*w)).map(|w| (PartKind::Plan, format!("标题含“{w}”")))
}

fn year_of(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len()).find_map(|i| year_at_chars(&chars, i))
}

/// Whether the sentences speak mostly of what was done: at least four
/// markers of it and twice as many as of what is to be done.
pub(crate) fn reads_as_done(t: Tense) -> bool {
    t.past >= 4 && t.past >= 2 * t.future.max(1)
}

/// How sure a content judgement is, from the share of the winning side.
fn content_confidence(win: u32, lose: u32) -> u8 {
    let total = (win + lose).max(1);
    let share = win * 100 / total; // 50..=100
    u8::try_from(share.clamp(50, 95)).unwrap_or(50)
}

/// Whether a chapter or a sentence opens on the time reviewed: 过去一年,
/// 一年来, 五年来, 刚刚过去的2025年, 去年, or a year before the plan year as
/// its subject (2025年是…, 2025年，…); not 比2025年 nor 2025年以来 in a plan.
pub(crate) fn opens_on_the_past(opening: &str, plan_year: Option<i32>) -> bool {
    let mut opening = opening.trim_start_matches([' ', '\n', '“', '"']);
    // An address before it: 各位代表，刚刚过去的2025年…
    for address in ["各位代表", "同志们"] {
        if let Some(rest) = opening.strip_prefix(address) {
            opening = rest.trim_start_matches([',', '，', '!', '！', ':', '：', '、', ' ']);
        }
    }
    const LEADS: &[&str] = &[
        "过去一年",
        "过去的一年",
        "过去五年",
        "过去的五年",
        "一年来",
        "五年来",
        "刚刚过去的",
        "刚过去的",
        "去年",
        "上年",
        "上一年",
        "回顾过去",
    ];
    if LEADS.iter().any(|w| opening.starts_with(w)) {
        return true;
    }
    let chars: Vec<char> = opening.chars().collect();
    match (year_at_chars(&chars, 0), plan_year) {
        (Some(y), Some(plan)) => y < plan && matches!(chars.get(5), Some('是' | ',' | '，')),
        _ => false,
    }
}

/// Judges a chapter from its title, its sentences' tense, how its body
/// opens and the kind of the chapter before it. A title that names the
/// review wins; a title that names a plan loses only to sentences that
/// overwhelmingly report results; a title that says nothing (a slogan) is
/// judged by the sentences alone, and by its opening when it opens on the
/// year reviewed (过去一年…) and says no more of what is to be done than of
/// what was done.
///
/// A slogan chapter right after the review (or first) whose sentences tell
/// what was done three times as often as what is to be done is the review
/// too, whatever its count of markers; after the plan has begun it is not
/// (a plan's topic may open on what was built: 提升已建成社区食堂…).
pub(crate) fn judge_chapter(
    title: &str,
    tense: Tense,
    sentences: Sentences,
    plan_year: Option<i32>,
    prev: PartKind,
    opening: &str,
) -> Verdict {
    let counts = format!("（已完成类标记{}处，安排类标记{}处）", tense.past, tense.future);
    let overwhelming = tense.past >= 8 && tense.past >= 4 * tense.future.max(1);
    match title_says(title, plan_year) {
        Some((PartKind::Review, why)) => Verdict::new(PartKind::Review, 95, why),
        Some((kind, why)) if overwhelming => Verdict::new(
            PartKind::Review,
            content_confidence(tense.past, tense.future).min(80),
            format!("{why}，但句子多述已完成事项{counts}；原判{}", kind.label()),
        ),
        Some((kind, why)) => Verdict::new(kind, 90, why),
        None if reads_as_done(tense) => Verdict::new(
            PartKind::Review,
            content_confidence(tense.past, tense.future),
            format!("标题未说明，句子多述已完成事项{counts}"),
        ),
        // The first chapter of a report is where the review stands: there a
        // slogan title with more markers of what was done than of what is to
        // be done is enough, however few.
        None if prev == PartKind::Preamble && tense.past >= 2 && tense.past > tense.future => Verdict::new(
            PartKind::Review,
            content_confidence(tense.past, tense.future).min(70),
            format!("标题未说明，首章句子多述已完成事项{counts}"),
        ),
        None if opens_on_the_past(opening, plan_year) && (tense.future == 0 || tense.past > tense.future) => {
            Verdict::new(
                PartKind::Review,
                content_confidence(tense.past, tense.future).min(75),
                format!("标题未说明，开头述已过去的年份，句子未多述将做事项{counts}"),
            )
        }
        // A slogan chapter that opens on the next five years (今后五年，全区…
        // 主要目标是…) is the outlook, its topics (（一）建设创新强区) too; one
        // that opens on this year (2022年经济社会发展的主要预期目标…) is the
        // year's plan, even after the outlook.
        None if let Some(kind) = paragraph_switch(opening, plan_year) => {
            let what = if kind == PartKind::FiveYear { "今后五年" } else { "今年" };
            Verdict::new(
                kind,
                content_confidence(tense.future, tense.past).min(75),
                format!("标题未说明，开头述{what}{counts}"),
            )
        }
        None if matches!(prev, PartKind::Preamble | PartKind::Review) && sentences_read_as_done(sentences) => {
            Verdict::new(
                PartKind::Review,
                content_confidence(sentences.done, sentences.to_do).min(70),
                format!(
                    "标题未说明，接续回顾，句子多述已完成事项（已完成类句子{}句，安排类句子{}句）",
                    sentences.done, sentences.to_do
                ),
            )
        }
        None => {
            let kind = match prev {
                PartKind::Preamble | PartKind::Review => PartKind::Plan,
                PartKind::Conduct => PartKind::Plan,
                other => other,
            };
            Verdict::new(
                kind,
                content_confidence(tense.future, tense.past),
                format!("标题未说明，句子多述将做事项{counts}"),
            )
        }
    }
}

/// A line standing alone without a sentence end that names a part
/// (“十四五”时期发展成就和2025年工作回顾): a part title without numbering.
/// The report's own title (…政府工作报告) and dates (——2026年…) are not.
pub(crate) fn unnumbered_title(line: &str, plan_year: Option<i32>) -> Option<(PartKind, String)> {
    let n = line.chars().count();
    if !(4..=40).contains(&n) || line.contains("报告") || line.starts_with('—') || line.starts_with('-') {
        return None;
    }
    // A sentence, or a table row (| 指标 | 2023年完成 | 2024年目标 |).
    if line.chars().any(|c| matches!(c, '。' | ';' | '!' | '?' | ',' | ':' | '，' | '：' | '；' | '|' | '\t')) {
        return None;
    }
    // A date line: （2024年1月15日在…会议上）, 2021年3月10日出版.
    let bare = line.trim_start_matches(['(', '（', ' ']);
    let chars: Vec<char> = bare.chars().collect();
    if year_at_chars(&chars, 0).is_some() && bare.contains('月') && bare.contains('日') {
        return None;
    }
    title_says(line, plan_year)
}

/// How far into a paragraph its opening words are read.
const OPENING: usize = 24;

/// The kind an unnumbered paragraph's opening switches to inside a chapter
/// that is not the review: the five-year outlook when it opens on one
/// (“十五五”时期…, 未来五年…, 《纲要…) and does not name this year;
/// the year's plan when it opens on this year (今年…, 2026年…, 主要预期目标).
pub(crate) fn paragraph_switch(first_sentence: &str, plan_year: Option<i32>) -> Option<PartKind> {
    let opening: String = first_sentence.chars().take(OPENING).collect();
    // 今年以来 tells what was done this year so far (a review's words).
    let names_year = first_sentence.replace("今年以来", "").contains("今年")
        || first_sentence.contains("主要预期目标")
        || plan_year.is_some_and(|y| year_of(&opening) == Some(y));
    if names_year {
        return Some(PartKind::Plan);
    }
    // 展望“十五五”…, 展望未来五年…: the outlook named after 展望.
    let opening_after_lead = opening.strip_prefix("展望").unwrap_or(&opening);
    let lead: String = opening_after_lead.trim_start_matches(['“', '"', '《']).chars().take(3).collect();
    let five_year = ["未来五年", "今后五年", "五年规划", "纲要"].iter().any(|w| opening.contains(w))
        || five_year_plan_end(&lead).is_some_and(|end| plan_year.is_none_or(|y| end >= y));
    let first_year = FIRST_YEAR.iter().any(|w| first_sentence.contains(w));
    (five_year && !first_year).then_some(PartKind::FiveYear)
}

/// Whether a review chapter's title also names what comes next
/// (“十四五”时期发展成就和“十五五”时期主要目标任务): its paragraphs may then
/// switch to the five-year outlook or the year's plan by their openings.
pub(crate) fn title_is_mixed(title: &str) -> bool {
    let title = title.replace("今年以来", "");
    ["目标", "任务", "安排", "重点工作", "今年", "展望"].iter().any(|w| title.contains(w))
}

/// Whether a title says nothing of its part (a slogan): a review judged by
/// its sentences may then hold paragraphs of the plan (今年，力争…).
pub(crate) fn title_is_silent(title: &str, plan_year: Option<i32>) -> bool {
    title_says(title, plan_year).is_none()
}

/// Whether a sub-heading names the review (（一）过去一年的主要工作): the
/// reason, if so. Weak words (优势, 成效) do not: plans name them too.
pub(crate) fn review_sub_title(title: &str) -> Option<String> {
    REVIEW_TITLE.iter().find(|w| title.contains(*w)).map(|w| format!("小标题含“{w}”"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tense(s: &str) -> Tense {
        let doc = Doc::new(s);
        tense_in(&doc, 0, doc.len(), Some(2026))
    }

    #[test]
    fn every_marker_word_starts_with_a_listed_char() {
        for w in PAST.iter().chain(FUTURE.iter().skip(2)) {
            let first = w.chars().next().unwrap_or(' ');
            assert!(MARKER_FIRSTS.contains(&first), "{w}");
        }
    }

    #[test]
    fn tense_markers_are_counted_and_words_are_not() {
        assert_eq!(tense("全年新建学校12所，已投用8所，累计完成投资9亿元。"), Tense { past: 2, future: 0 });
        assert_eq!(tense("今年要新建学校12所，力争年内投用。"), Tense { past: 0, future: 4 });
        assert_eq!(tense("主要指标保持稳定，重要领域需要加强，为了群众。"), Tense::default());
        assert_eq!(tense("2025年，城镇新增就业10万人；2026年新增12万人。"), Tense { past: 1, future: 1 });
        assert_eq!(tense("比2020年增长10%。"), Tense::default());
        assert_eq!(tense("完成了改造，将近五成"), Tense { past: 1, future: 0 });
        assert_eq!(tense("粮食产量再创历史新高，经济总量跃居全国第五，成功举办博览会。"), Tense { past: 4, future: 0 });
    }

    fn sentences(s: &str) -> Sentences {
        let doc = Doc::new(s);
        sentences_in(&doc, 0, doc.len(), Some(2026))
    }

    fn chapter_after(prev: PartKind, title: &str, body: &str) -> (PartKind, u8) {
        let v = judge_chapter(title, tense(body), sentences(body), Some(2026), prev, body);
        (v.kind, v.confidence)
    }

    fn chapter(title: &str, body: &str) -> (PartKind, u8) {
        chapter_after(PartKind::Preamble, title, body)
    }

    #[test]
    fn chapters_are_judged_by_what_they_say() {
        let done = "全年地区生产总值增长5%，已建成公园8个，完成了改造任务。累计新增就业9万人，同比增长3%。2025年实现税收10亿元。";
        let to_do = "今年要新建公园8个，力争完成改造任务，确保新增就业9万人，将加快建设。";
        assert_eq!(chapter("一、砥砺奋进的一年", done).0, PartKind::Review);
        assert_eq!(chapter("二、凝心聚力开新局", to_do).0, PartKind::Plan);
        assert_eq!(chapter("一、2025年工作回顾", to_do), (PartKind::Review, 95));
        assert_eq!(chapter("三、2026年重点工作", to_do), (PartKind::Plan, 90));
        assert_eq!(chapter("一、2025年主要工作", "").0, PartKind::Review);
        assert_eq!(chapter("一、城区养老产业基本情况", to_do).0, PartKind::Review);
        assert_eq!(tense("截至2025年底，全市养老机构120家。"), Tense { past: 1, future: 0 });
        assert_eq!(chapter("二、“十五五”时期主要目标", to_do).0, PartKind::FiveYear);
        assert_eq!(chapter("四、全面加强政府自身建设", to_do).0, PartKind::Conduct);
        assert_eq!(chapter_after(PartKind::FiveYear, "四、从严从实，建设人民满意政府", to_do).0, PartKind::Conduct);
        // A slogan chapter opening on the next five years, or on this year.
        let next_five = "今后五年，全市发展的主要目标是：地区生产总值年均增长6%。";
        assert_eq!(chapter_after(PartKind::Review, "二、凝心聚力谱新篇", next_five).0, PartKind::FiveYear);
        let this_year = "2026年经济社会发展的主要预期目标是：地区生产总值增长5%。";
        assert_eq!(chapter_after(PartKind::FiveYear, "三、奋战开局之年", this_year).0, PartKind::Plan);
        assert_eq!(chapter("三、展望未来", to_do).0, PartKind::FiveYear);
        let long_done = done.repeat(3);
        assert_eq!(chapter("二、今年工作安排", &long_done).0, PartKind::Review);
    }

    #[test]
    fn a_slogan_chapter_opening_on_the_year_reviewed_is_the_review() {
        // few markers, but it opens on the past and promises nothing
        let body = "过去一年，国内生产总值增长5.2%，城镇新增就业1244万人。一年来，我们主要做了以下工作。";
        assert_eq!(chapter("一、迎难而上，经济回升向好", body).0, PartKind::Review);
        let body = "2025年是极不平凡的一年。全市地区生产总值增长6%，新建学校8所。";
        assert_eq!(chapter("一、砥砺奋进", body).0, PartKind::Review);
        // a chapter that opens on the past and then says what it will do is the plan
        let body = "过去一年，新建学校8所。今年，我们将新建学校10所，力争新增学位1万个。";
        assert_eq!(chapter("一、坚定不移办好教育", body).0, PartKind::Plan);
        let body = "2025年，新建学校8所。2026年，新建学校10所。";
        assert_eq!(chapter("二、坚定不移办好教育", body).0, PartKind::Plan);
        // a base of comparison or a span is no opening on the past
        assert!(!opens_on_the_past("2025年以来，我们", Some(2026)));
        assert!(!opens_on_the_past("比2025年增长5%", Some(2026)));
        assert!(!opens_on_the_past("2026年，新建学校10所", Some(2026)));
        assert!(opens_on_the_past("2025年，新建学校8所", Some(2026)));
        assert!(opens_on_the_past("刚刚过去的2025年，", Some(2026)));
        assert!(opens_on_the_past("上年新增城镇就业5万人", Some(2026)));
        assert!(opens_on_the_past("各位代表，刚刚过去的2025年", Some(2026)));
        assert!(opens_on_the_past("各位代表！过去一年", Some(2026)));
        assert!(!opens_on_the_past("各位代表，今年是", Some(2026)));
    }

    #[test]
    fn a_first_slogan_chapter_with_more_done_than_to_do_is_the_review() {
        let body = "全市新增市场主体3200户，位居全省前列，已建成口袋公园6个，新建学校3所。";
        assert_eq!(chapter("一、砥砺奋进", body).0, PartKind::Review);
        let v = judge_chapter("二、砥砺奋进", tense(body), sentences(body), Some(2026), PartKind::Plan, body);
        assert_eq!(v.kind, PartKind::Plan);
        // a first chapter that promises is the plan
        let body = "今年新建学校3所，已建成的公园要提升。";
        assert_eq!(chapter("一、统筹规划建设管理", body).0, PartKind::Plan);
    }

    #[test]
    fn a_slogan_chapter_after_the_review_is_judged_by_its_sentences() {
        // three markers only, and it opens on no year: its sentences tell what was done
        let done = "面对多重压力，各项事业稳步向前。全县财政收入同比增长3%。新建村级养老站40个。\
                    集体经济收入已超10万元的村占八成。乡村公路通达率100%。累计培育家庭农场900家。";
        assert_eq!(sentences(done), Sentences { done: 3, to_do: 0 });
        assert!(tense(done).past < 4);
        assert_eq!(chapter_after(PartKind::Review, "二、步履坚实启新程", done), (PartKind::Review, 70));
        // after the plan, a topic opening on what was built is still the plan
        assert_eq!(chapter_after(PartKind::Plan, "五、步履坚实启新程", done).0, PartKind::Plan);
        // sentences of what is to be done, one in three, keep it the plan
        let mixed = "全县财政收入同比增长3%。已建成村级养老站40个。要新建村级养老站20个。\
                     力争培育家庭农场100家。";
        assert_eq!(sentences(mixed), Sentences { done: 2, to_do: 2 });
        assert_eq!(chapter_after(PartKind::Review, "二、步履坚实启新程", mixed).0, PartKind::Plan);
        // one sentence of what was done is not enough
        let one = "提升已建成养老站服务水平，新建村级养老站20个。培育家庭农场100家。";
        assert_eq!(chapter_after(PartKind::Review, "二、步履坚实启新程", one).0, PartKind::Plan);
        // a sentence naming a later year tells what is to be done
        assert_eq!(sentences("到2030年累计建成农田50万亩。"), Sentences { done: 0, to_do: 1 });
    }

    #[test]
    fn a_slogan_after_the_plan_continues_it() {
        let v = judge_chapter(
            "三、奋力谱写新篇章",
            Tense { past: 0, future: 3 },
            Sentences::default(),
            Some(2026),
            PartKind::FiveYear,
            "",
        );
        assert_eq!(v.kind, PartKind::FiveYear);
        let v = judge_chapter(
            "三、奋力谱写新篇章",
            Tense::default(),
            Sentences::default(),
            Some(2026),
            PartKind::Review,
            "",
        );
        assert_eq!(v.kind, PartKind::Plan);
    }

    #[test]
    fn unnumbered_part_titles_are_found_and_report_titles_are_not() {
        assert_eq!(unnumbered_title("（2024年1月15日在某市人民代表大会上）", None), None);
        assert_eq!(unnumbered_title("(2021年2月24日)", None), None);
        assert_eq!(unnumbered_title("| 指标 | 2023年完成 | 2024年目标 |", Some(2024)), None);
        let cases = [
            ("“十四五”时期发展成就和2025年工作回顾", Some(PartKind::Review)),
            ("“十五五”时期主要目标和2026年重点工作", Some(PartKind::Plan)),
            ("2026年某省政府工作报告", None),
            ("——2026年1月20日在省人民代表大会上", None),
            ("各位代表：", None),
            ("今年要新建学校12所。", None),
        ];
        for (line, want) in cases {
            assert_eq!(unnumbered_title(line, Some(2026)).map(|(k, _)| k), want, "{line}");
        }
    }

    #[test]
    fn mixed_titles_are_told() {
        assert!(title_is_mixed("“十四五”时期发展成就和“十五五”时期主要目标任务"));
        assert!(!title_is_mixed("“十四五”时期和2025年工作回顾"));
        assert!(!title_is_mixed("2019年和今年以来工作回顾"));
        assert!(title_is_silent("聚力产业升级", Some(2026)));
        assert!(!title_is_silent("2025年工作回顾", Some(2026)));
    }

    #[test]
    fn paragraph_openings_switch_between_outlook_and_year() {
        let cases = [
            ("《纲要（草案）》提出了主要指标：地区生产总值年均增长5%左右。", Some(PartKind::FiveYear)),
            ("党的全会对未来五年发展作出部署。", Some(PartKind::FiveYear)),
            ("“十五五”时期是关键时期。", Some(PartKind::FiveYear)),
            ("“十四五”时期是极不平凡的五年。", None),
            ("今年是“十五五”开局之年，总体要求是：", Some(PartKind::Plan)),
            ("全市经济社会发展的主要预期目标是：", Some(PartKind::Plan)),
            ("2026年重点抓好以下工作。", Some(PartKind::Plan)),
            ("实施“十五五”规划重大工程，新建学校8所。", None),
            ("展望“十五五”，全区地区生产总值年均增长6%左右。", Some(PartKind::FiveYear)),
            ("展望未来五年，我们信心满怀。", Some(PartKind::FiveYear)),
            ("持续开展提振消费专项行动。", None),
            ("今年以来，我们统筹疫情防控和经济社会发展。", None),
        ];
        for (s, want) in cases {
            assert_eq!(paragraph_switch(s, Some(2026)), want, "{s}");
        }
    }
}
