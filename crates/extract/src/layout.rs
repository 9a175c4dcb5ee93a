//! Paragraphs, sentences and clauses, robust to text copied out of PDFs and
//! journals: a paragraph broken by a page break (no sentence end before the
//! break, no numbering after it) is joined again.

use serde::Serialize;

use crate::numeral::{chinese_digit, is_chinese_numeral_char, parse_chinese};
use crate::text::Doc;

/// 编号样式 (numbering style) of a heading, from the outermost level in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberingStyle {
    /// `一、`
    Chapter,
    /// `(一)` or `（一）`
    ParenChinese,
    /// `1.` or `1、`
    ArabicDot,
    /// `(1)` or `（1）`
    ParenArabic,
    /// inline `一是`, `二是`
    Ordinal,
}

impl NumberingStyle {
    /// Depth of the style in the usual hierarchy, 1 for `一、`.
    pub fn rank(self) -> u8 {
        match self {
            Self::Chapter => 1,
            Self::ParenChinese => 2,
            Self::ArabicDot => 3,
            Self::ParenArabic => 4,
            Self::Ordinal => 5,
        }
    }
}

/// A numbering marker found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Marker {
    pub style: NumberingStyle,
    pub number: u32,
    /// Where the marker itself starts and ends (normalized text indices).
    pub start: usize,
    pub end: usize,
}

/// Detects a block numbering marker (`一、`, `(一)`, `1.`, `(1)`) at `i`,
/// after optional Markdown heading or list signs.
pub(crate) fn block_marker_at(doc: &Doc<'_>, i: usize, end: usize) -> Option<Marker> {
    let mut s = i;
    while s < end && matches!(doc.at(s), '#' | '*' | '>' | ' ' | '\n') {
        s += 1;
    }
    let c = doc.at(s);
    if c == '(' {
        let mut j = s + 1;
        if doc.at(j).is_ascii_digit() {
            while doc.at(j).is_ascii_digit() && j - s <= 3 {
                j += 1;
            }
            if doc.at(j) == ')' {
                let n = doc.norm_string(s + 1, j).parse().ok()?;
                return Some(Marker { style: NumberingStyle::ParenArabic, number: n, start: s, end: j + 1 });
            }
            return None;
        }
        while is_chinese_numeral_char(doc.at(j)) && j - s <= 3 {
            j += 1;
        }
        if j > s + 1 && doc.at(j) == ')' {
            let n = parse_chinese(&doc.norm_string(s + 1, j))?;
            return Some(Marker {
                style: NumberingStyle::ParenChinese,
                number: u32::try_from(n).ok()?,
                start: s,
                end: j + 1,
            });
        }
        return None;
    }
    if c.is_ascii_digit() {
        let mut j = s;
        while doc.at(j).is_ascii_digit() && j - s < 3 {
            j += 1;
        }
        let sep = doc.at(j);
        if (sep == '.' || sep == '、') && !doc.at(j + 1).is_ascii_digit() {
            let n = doc.norm_string(s, j).parse().ok()?;
            return Some(Marker { style: NumberingStyle::ArabicDot, number: n, start: s, end: j + 1 });
        }
        return None;
    }
    if chinese_digit(c).is_some() || c == '十' {
        let mut j = s;
        while is_chinese_numeral_char(doc.at(j)) && j - s < 3 {
            j += 1;
        }
        // 一、 but not the list 一、二、三产业
        if doc.at(j) == '、' && !(chinese_digit(doc.at(j + 1)).is_some() && doc.at(j + 2) == '、') {
            let n = parse_chinese(&doc.norm_string(s, j))?;
            return Some(Marker {
                style: NumberingStyle::Chapter,
                number: u32::try_from(n).ok()?,
                start: s,
                end: j + 1,
            });
        }
    }
    // 第一部分, 第二章: chapters of longer plans.
    if c == '第' {
        let mut j = s + 1;
        while is_chinese_numeral_char(doc.at(j)) && j - s < 4 {
            j += 1;
        }
        for tail in ["部分", "章"] {
            if j > s + 1 && doc.starts_with_at(j, tail) {
                let n = parse_chinese(&doc.norm_string(s + 1, j))?;
                return Some(Marker {
                    style: NumberingStyle::Chapter,
                    number: u32::try_from(n).ok()?,
                    start: s,
                    end: j + tail.chars().count(),
                });
            }
        }
    }
    None
}

/// Detects an inline enumeration marker at a sentence or clause start:
/// `一是`, `二是` (and `(1)` used inline).
pub(crate) fn inline_marker_at(doc: &Doc<'_>, i: usize, end: usize) -> Option<Marker> {
    let s = doc.skip_spaces(i, end);
    let c = doc.at(s);
    if chinese_digit(c).is_some() || c == '十' {
        let mut j = s;
        while is_chinese_numeral_char(doc.at(j)) && j - s < 3 {
            j += 1;
        }
        if doc.at(j) == '是' {
            let n = parse_chinese(&doc.norm_string(s, j))?;
            return Some(Marker {
                style: NumberingStyle::Ordinal,
                number: u32::try_from(n).ok()?,
                start: s,
                end: j + 1,
            });
        }
        return None;
    }
    if c == '(' {
        return block_marker_at(doc, s, end).filter(|m| m.style == NumberingStyle::ParenArabic);
    }
    None
}

/// A paragraph: one or more lines joined, `start..end` in chars.
#[derive(Debug, Clone)]
pub(crate) struct Paragraph {
    pub start: usize,
    pub end: usize,
    pub marker: Option<Marker>,
    /// A heading line standing alone (a title, not an inline heading); with
    /// no marker, an unnumbered part title (…工作回顾).
    pub is_heading_line: bool,
}

/// Chars that end a sentence (normalized).
pub(crate) fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ';' | '…')
}

/// Chars that end a clause (normalized); sentence ends included.
pub(crate) fn is_clause_end(c: char) -> bool {
    is_sentence_end(c) || matches!(c, ',' | ':' | '、')
}

/// Longest heading title that stands on its own line.
const MAX_HEADING_LINE: usize = 60;
/// Longest sentence handled as one: longer runs are cut, which bounds the
/// work done per target whatever the input.
pub(crate) const MAX_SENTENCE: usize = 1_000;
/// Longest reach of a clause on either side of a target.
pub(crate) const MAX_CLAUSE_SIDE: usize = 150;

/// Splits the text into paragraphs, joining lines broken by page breaks.
pub(crate) fn paragraphs(doc: &Doc<'_>) -> Vec<Paragraph> {
    let n = doc.len();
    let mut out: Vec<Paragraph> = Vec::new();
    let mut i = 0;
    while i < n {
        let mut line_end = i;
        while line_end < n && doc.at(line_end) != '\n' {
            line_end += 1;
        }
        let s = doc.skip_spaces(i, line_end);
        let e = doc.skip_spaces_back(line_end, s);
        if s < e {
            let marker = block_marker_at(doc, s, e);
            let has_sentence_end = (s..e).any(|k| doc.at(k) == '。');
            // A part title without numbering (…工作回顾) stands alone too.
            let is_part_title =
                marker.is_none() && crate::judge::unnumbered_title(&doc.norm_string(s, e), None).is_some();
            let is_heading_line = (marker.is_some() || is_part_title) && !has_sentence_end && e - s <= MAX_HEADING_LINE;
            let join = match out.last() {
                Some(prev) => {
                    let last = doc.at(prev.end.saturating_sub(1));
                    marker.is_none()
                        && !is_part_title
                        && !prev.is_heading_line
                        && !is_sentence_end(last)
                        && last != ':'
                        && last != '”'
                        && last != '!'
                }
                None => false,
            };
            match (join, out.last_mut()) {
                (true, Some(prev)) => prev.end = e,
                _ => out.push(Paragraph { start: s, end: e, marker, is_heading_line }),
            }
        }
        i = line_end + 1;
    }
    out
}

/// A sentence `start..end` (end after its final punctuation).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

/// Splits `start..end` into sentences; very long runs are cut at
/// [`MAX_SENTENCE`] chars.
pub(crate) fn sentences(doc: &Doc<'_>, start: usize, end: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let mut s = start;
    let mut i = start;
    while i < end {
        let c = doc.at(i);
        let mut cut = is_sentence_end(c) || i + 1 - s >= MAX_SENTENCE;
        // keep a closing quote or bracket with its sentence
        if cut && matches!(doc.at(i + 1), '”' | ')' | '」') {
            i += 1;
            cut = true;
        }
        if cut {
            push_span(doc, &mut out, s, i + 1);
            s = i + 1;
        }
        i += 1;
    }
    push_span(doc, &mut out, s, end);
    out
}

fn push_span(doc: &Doc<'_>, out: &mut Vec<Span>, s: usize, e: usize) {
    let s = doc.skip_spaces(s, e);
    let e = doc.skip_spaces_back(e, s);
    if s < e {
        out.push(Span { start: s, end: e });
    }
}

/// The clause of the sentence `sent` that contains `pos`: bounded by commas,
/// colons and sentence ends, not by the enumeration comma `、`.
/// A clause is cut at [`MAX_CLAUSE_SIDE`] chars on either side of `pos`.
pub(crate) fn clause_of(doc: &Doc<'_>, sent: Span, pos: usize) -> Span {
    let is_bound = |c: char| is_sentence_end(c) || matches!(c, ',' | ':');
    let mut s = pos.min(sent.end);
    while s > sent.start && pos - s < MAX_CLAUSE_SIDE && !is_bound(doc.at(s - 1)) {
        s -= 1;
    }
    let mut e = pos;
    while e < sent.end && e - pos < MAX_CLAUSE_SIDE && !is_bound(doc.at(e)) {
        e += 1;
    }
    Span { start: s, end: e }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_markers_are_recognised() {
        let cases = [
            ("一、总体要求", Some((NumberingStyle::Chapter, 1))),
            ("十二、其他", Some((NumberingStyle::Chapter, 12))),
            ("（三）抓好项目", Some((NumberingStyle::ParenChinese, 3))),
            ("(三)抓好项目", Some((NumberingStyle::ParenChinese, 3))),
            ("2.加快建设", Some((NumberingStyle::ArabicDot, 2))),
            ("（12）新建", Some((NumberingStyle::ParenArabic, 12))),
            ("## 四、保障措施", Some((NumberingStyle::Chapter, 4))),
            ("1.5万人就业", None),
            ("一、二、三产业", None),
            ("2021年工作", None),
            ("十四五规划", None),
            ("第二部分 主要任务", Some((NumberingStyle::Chapter, 2))),
            ("第三批试点", None),
        ];
        for (input, want) in cases {
            let doc = Doc::new(input);
            let got = block_marker_at(&doc, 0, doc.len()).map(|m| (m.style, m.number));
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn page_breaks_inside_a_sentence_are_joined() {
        let text = "（一）发展产业\n\n新建厂房十座，开工\n\n建设道路。\n第二段。\n\n二、民生\n（1）办好实事。";
        let doc = Doc::new(text);
        let paras = paragraphs(&doc);
        let got: Vec<String> = paras.iter().map(|p| doc.joined(p.start, p.end)).collect();
        assert_eq!(got, ["（一）发展产业", "新建厂房十座，开工建设道路。", "第二段。", "二、民生", "（1）办好实事。"]);
        assert!(paras[0].is_heading_line);
        assert!(!paras[4].is_heading_line);
    }

    #[test]
    fn inline_ordinals_are_markers() {
        let doc = Doc::new("二是推进改革");
        assert_eq!(inline_marker_at(&doc, 0, doc.len()).map(|m| m.number), Some(2));
        let doc = Doc::new("二期工程");
        assert_eq!(inline_marker_at(&doc, 0, doc.len()), None);
    }
}
