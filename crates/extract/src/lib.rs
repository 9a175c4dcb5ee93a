//! Chinese work-report text in, a draft responsibility list (一张清单) out.
//!
//! `qingdan-extract` reads a government work report (政府工作报告) or any
//! annual work plan and returns, in one pass:
//!
//! - the heading tree as numbered in the report (`一、` `(一)` `1.` `(1)` and
//!   the inline `一是`/`二是` lists), robust to the line breaks, stray spaces
//!   and page-break joins of text copied out of PDFs and journals;
//! - the part each paragraph belongs to — review of past years (回顾, which
//!   has no targets), the plan year's work, five-year and long-range goals —
//!   read from the report itself, and the plan year;
//! - every quantitative target as `shared/corpus/ANNOTATION.md` defines it:
//!   char offset, number as written, value, unit, comparator, baseline,
//!   deadline, metric and section ([`Target::to_jsonl_line`] writes the gold
//!   format);
//! - draft tasks, one per commitment, with their targets, deadline, named
//!   projects and a lead org suggested from an admin-kept keyword map.
//!
//! The rules are about the language of plans — units and measure words,
//! comparators, deadline phrases, numbering, the review/plan boundary — and
//! never about the phrases of one report. They are scored against the
//! annotated corpus by `tests/corpus_quality.rs`.
//!
//! What this crate must not do: IO of any kind, web, database, clocks. Bytes
//! or strings in, values out ([`decode`] turns file bytes into text; `.docx`
//! is read by `qingdan-office`). Positions are [`CharOffset`]s, never byte
//! indices. Any input, however malformed, returns a value and never panics;
//! work is linear in the input size.

mod deadline;
mod decode;
mod judge;
mod layout;
mod numeral;
mod part;
mod seq;
mod target;
mod task;
mod text;
mod units;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use decode::{DecodeError, decode};
pub use judge::{PartKind, Tense};
pub use layout::NumberingStyle;
pub use part::Part;
pub use seq::{Numbering, numbering};
pub use target::Target;
pub use task::{DraftTask, OrgKeywords};
pub use text::CharOffset;

use crate::deadline::DeadlineSpec;
use crate::layout::{Marker, Paragraph, Span};
use crate::text::Doc;

/// What the caller knows beforehand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    /// The plan year; inferred from the text when `None`.
    pub plan_year: Option<i32>,
    /// The tenant's orgs and the keywords that suggest each as lead org.
    pub org_keywords: Vec<OrgKeywords>,
}

/// A heading as numbered in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// The numbering as written, spaces removed: `三、`, `(一)`, `一是`.
    pub label: String,
    /// The number it carries: 3 for `三、`.
    pub number: u32,
    pub style: NumberingStyle,
    /// The title: the heading line, or the first sentence of an inline one.
    pub title: String,
    /// Where the numbering starts.
    pub offset: CharOffset,
    /// Depth in the tree, 1 for the outermost headings.
    pub depth: usize,
    /// Index of the parent heading in [`Extraction::headings`].
    pub parent: Option<usize>,
    /// Indices of the child headings.
    pub children: Vec<usize>,
    /// The part of the report it opens or stands in.
    pub part: Part,
    /// An enumeration inside a paragraph (`一是`, inline `(1)`), not a
    /// heading of its own line or paragraph.
    pub is_inline: bool,
    /// The kind of part it opens or stands in (finer than `part`).
    pub kind: PartKind,
    /// How sure that judgement is, 0–100.
    pub confidence: u8,
}

/// A run of paragraphs that belong to one part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartSpan {
    pub part: Part,
    pub start: CharOffset,
    pub end: CharOffset,
    /// The kind of part (finer than `part`: the five-year outlook and the
    /// government's own conduct are told apart).
    pub kind: PartKind,
    /// How sure the judgement is, 0–100: 95 when a title names the part,
    /// 90 when it names a plan, 50–95 by the share of tense markers when
    /// the sentences decided, 100 when the caller set it.
    pub confidence: u8,
    /// Why, in words for the import page (标题含“回顾”, 句子多述已完成事项…).
    pub reason: String,
    /// Where the heading or paragraph that decided it starts: the offset to
    /// pass in a [`PartOverride`] to change the judgement.
    pub decided_at: CharOffset,
}

impl PartSpan {
    /// 本章判定为工作回顾，未提取指标 and the like.
    pub fn notice(&self) -> String {
        self.kind.notice()
    }
}

/// A reader's correction of a part judgement: the part whose heading (or
/// deciding paragraph) starts at `at` is of kind `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartOverride {
    /// [`PartSpan::decided_at`] of the part to change.
    pub at: CharOffset,
    pub kind: PartKind,
}

/// Everything read from one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extraction {
    /// The plan year, given or inferred.
    pub plan_year: Option<i32>,
    /// Headings in the order they appear; the tree is in `parent`/`children`.
    pub headings: Vec<Heading>,
    /// The parts, in order.
    pub parts: Vec<PartSpan>,
    /// Every target, in order of offset.
    pub targets: Vec<Target>,
    /// Draft tasks, in order.
    pub draft_tasks: Vec<DraftTask>,
}

/// A heading with its draft tasks and sub-headings: the `--format json` view.
#[derive(Debug, Clone, Serialize)]
pub struct OutlineNode<'a> {
    #[serde(flatten)]
    pub heading: &'a Heading,
    pub tasks: Vec<&'a DraftTask>,
    pub children: Vec<OutlineNode<'a>>,
}

/// The heading tree with the draft tasks under each heading.
#[derive(Debug, Clone, Serialize)]
pub struct Outline<'a> {
    pub plan_year: Option<i32>,
    pub parts: &'a [PartSpan],
    /// Tasks that stand before any heading.
    pub tasks: Vec<&'a DraftTask>,
    pub headings: Vec<OutlineNode<'a>>,
}

impl Extraction {
    /// The targets as JSONL in the gold format, one line each.
    pub fn targets_jsonl(&self) -> String {
        let mut out = String::new();
        for t in &self.targets {
            out.push_str(&t.to_jsonl_line());
            out.push('\n');
        }
        out
    }

    /// The heading tree with draft tasks hung under their headings.
    pub fn outline(&self) -> Outline<'_> {
        let mut by_heading: Vec<Vec<&DraftTask>> = vec![Vec::new(); self.headings.len()];
        let mut top_tasks = Vec::new();
        for t in &self.draft_tasks {
            match t.heading.and_then(|h| by_heading.get_mut(h)) {
                Some(list) => list.push(t),
                None => top_tasks.push(t),
            }
        }
        // Build bottom-up so that no recursion depth depends on the input.
        let mut built: Vec<Option<OutlineNode<'_>>> = Vec::with_capacity(self.headings.len());
        built.resize_with(self.headings.len(), || None);
        for i in (0..self.headings.len()).rev() {
            let Some(h) = self.headings.get(i) else {
                continue;
            };
            let children = h.children.iter().filter_map(|c| built.get_mut(*c).and_then(Option::take)).collect();
            let tasks = by_heading.get_mut(i).map(std::mem::take).unwrap_or_default();
            if let Some(slot) = built.get_mut(i) {
                *slot = Some(OutlineNode { heading: h, tasks, children });
            }
        }
        let roots = self
            .headings
            .iter()
            .enumerate()
            .filter(|(_, h)| h.parent.is_none())
            .filter_map(|(i, _)| built.get_mut(i).and_then(Option::take))
            .collect();
        Outline { plan_year: self.plan_year, parts: &self.parts, tasks: top_tasks, headings: roots }
    }
}

/// Longest title kept for an inline heading.
const MAX_TITLE: usize = 60;

/// Reads a report: headings, parts, targets and draft tasks.
pub fn extract(text: &str, options: &Options) -> Extraction {
    extract_with_parts(text, options, &[])
}

/// Reads a report as [`extract`] does, with the reader's corrections of
/// part judgements (the import page's "change it" click).
pub fn extract_with_parts(text: &str, options: &Options, overrides: &[PartOverride]) -> Extraction {
    let mut doc = Doc::new(text);
    let paras = layout::paragraphs(&doc);
    let titles: Vec<String> =
        paras.iter().map(|p| if is_part_start(p) { heading_title(&doc, p) } else { String::new() }).collect();
    let has_chapters =
        paras.iter().filter(|p| p.marker.is_some_and(|m| m.style == NumberingStyle::Chapter)).count() >= 2;
    let plan_titles: Vec<String> =
        titles.iter().filter(|t| !t.is_empty() && part::classify_title(t) == Some(Part::Plan)).cloned().collect();
    let plan_year = options.plan_year.or_else(|| part::infer_plan_year(&doc, &plan_titles));
    doc.spoken_the_year_before = plan_year.is_some_and(|y| part::delivered_late_the_year_before(&doc, y));
    let verdicts = chapter_verdicts(&doc, &paras, &titles, plan_year, overrides);

    let mut b = Builder {
        doc: &doc,
        options,
        plan_year,
        headings: Vec::new(),
        stack: Vec::new(),
        parts: Vec::new(),
        targets: Vec::new(),
        tasks: Vec::new(),
        chapter: if has_chapters {
            Decided::new(PartKind::Preamble, 90, "第一章之前", 0)
        } else {
            Decided::new(PartKind::Plan, 60, "无章节，按段落开头判定", 0)
        },
        sub: None,
        review_may_switch: false,
        long_range_end: None,
        in_glossary: false,
    };
    for (i, p) in paras.iter().enumerate() {
        b.paragraph(p, has_chapters, verdicts.get(i).and_then(Option::as_ref));
    }
    if let Some(last) = b.parts.last_mut() {
        last.end = CharOffset(doc.len());
    }
    b.targets.sort_by_key(|t| t.offset);
    b.targets.dedup_by_key(|t| t.offset);
    Extraction { plan_year, headings: b.headings, parts: b.parts, targets: b.targets, draft_tasks: b.tasks }
}

/// Whether a paragraph opens a part: a chapter heading (`一、`, `第一部分`)
/// or an unnumbered part title standing alone.
/// The reason of a part the reader set by hand.
const SET_BY_HAND: &str = "人工指定";

fn is_part_start(p: &Paragraph) -> bool {
    match p.marker {
        Some(m) => m.style == NumberingStyle::Chapter,
        None => p.is_heading_line,
    }
}

/// Judges every part start from its title and the tense of the sentences
/// up to the next part start, in order (a slogan title continues the part
/// before it). A reader's override wins.
fn chapter_verdicts(
    doc: &Doc<'_>,
    paras: &[Paragraph],
    titles: &[String],
    plan_year: Option<i32>,
    overrides: &[PartOverride],
) -> Vec<Option<judge::Verdict>> {
    let starts: Vec<usize> = (0..paras.len()).filter(|i| paras.get(*i).is_some_and(is_part_start)).collect();
    let mut out: Vec<Option<judge::Verdict>> = vec![None; paras.len()];
    let mut prev = PartKind::Preamble;
    for (n, &i) in starts.iter().enumerate() {
        let (Some(p), Some(title)) = (paras.get(i), titles.get(i)) else {
            continue;
        };
        let end = starts.get(n + 1).and_then(|j| paras.get(*j)).map_or(doc.len(), |q| q.start);
        let tense = judge::tense_in(doc, p.end, end, plan_year);
        // How the body opens (a heading line's next paragraph).
        let opening = if p.is_heading_line { doc.joined(p.end, (p.end + 40).min(end)) } else { String::new() };
        let sentences = judge::sentences_in(doc, p.end, end, plan_year);
        let mut v = judge::judge_chapter(title, tense, sentences, plan_year, prev, &opening);
        if let Some(o) = overrides.iter().find(|o| o.at.0 == p.start || p.marker.is_some_and(|m| m.start == o.at.0)) {
            v = judge::Verdict { kind: o.kind, confidence: 100, reason: SET_BY_HAND.to_string() };
        }
        prev = v.kind;
        if let Some(slot) = out.get_mut(i) {
            *slot = Some(v);
        }
    }
    out
}

fn heading_title(doc: &Doc<'_>, p: &Paragraph) -> String {
    let Some(m) = p.marker else {
        // An unnumbered part title is the whole line.
        return if p.is_heading_line { doc.joined(p.start, p.end) } else { String::new() };
    };
    let end = if p.is_heading_line {
        p.end
    } else {
        let mut e = m.end;
        while e < p.end && e - m.end < MAX_TITLE && !matches!(doc.at(e), '。' | ':' | ';' | '!' | '?') {
            e += 1;
        }
        e
    };
    // Markdown emphasis around a heading: **一、总体要求**
    doc.joined(m.end, end).trim_matches(|c| c == '*' || c == '#' || c == '_').to_string()
}

/// A part judgement in force: its kind, how sure, why, and where it was made.
#[derive(Debug, Clone)]
struct Decided {
    kind: PartKind,
    confidence: u8,
    reason: String,
    at: usize,
}

impl Decided {
    fn new(kind: PartKind, confidence: u8, reason: impl Into<String>, at: usize) -> Self {
        Decided { kind, confidence, reason: reason.into(), at }
    }
}

struct Builder<'d, 'a> {
    doc: &'d Doc<'a>,
    options: &'d Options,
    plan_year: Option<i32>,
    headings: Vec<Heading>,
    /// Open headings, outermost first.
    stack: Vec<usize>,
    parts: Vec<PartSpan>,
    targets: Vec<Target>,
    tasks: Vec<DraftTask>,
    /// The judgement of the chapter (or unnumbered part) in force.
    chapter: Decided,
    /// A finer judgement inside it: a review sub-heading, or a paragraph
    /// that opens on the five-year outlook or on this year.
    sub: Option<Decided>,
    /// The review chapter's title also names the outlook or the plan.
    review_may_switch: bool,
    long_range_end: Option<i32>,
    /// Inside a glossary (名词解释) after the plan: its definitions name
    /// programmes and count their parts, and promise nothing. It lasts to
    /// the next chapter, part title or annex.
    in_glossary: bool,
}

impl Builder<'_, '_> {
    fn decided(&self) -> &Decided {
        self.sub.as_ref().unwrap_or(&self.chapter)
    }

    fn kind(&self) -> PartKind {
        self.decided().kind
    }

    fn part(&self) -> Part {
        self.kind().part()
    }

    fn set_part(&mut self, at: usize) {
        let d = self.decided().clone();
        if self.parts.last().is_some_and(|p| p.kind == d.kind) {
            return;
        }
        if let Some(last) = self.parts.last_mut() {
            last.end = CharOffset(at);
        }
        self.parts.push(PartSpan {
            part: d.kind.part(),
            start: CharOffset(at),
            end: CharOffset(at),
            kind: d.kind,
            confidence: d.confidence,
            reason: d.reason,
            decided_at: CharOffset(d.at),
        });
    }

    fn push_heading(&mut self, m: Marker, title: String, is_inline: bool) -> usize {
        let rank = m.style.rank();
        while let Some(&top) = self.stack.last() {
            let top_rank = self.headings.get(top).map_or(0, |h| h.style.rank());
            if top_rank >= rank {
                self.stack.pop();
            } else {
                break;
            }
        }
        let parent = self.stack.last().copied();
        let index = self.headings.len();
        if let Some(parent) = parent.and_then(|p| self.headings.get_mut(p)) {
            parent.children.push(index);
        }
        let d = self.decided();
        let (kind, confidence) = (d.kind, d.confidence);
        self.headings.push(Heading {
            label: self.doc.joined(m.start, m.end),
            number: m.number,
            style: m.style,
            title,
            offset: CharOffset(m.start),
            depth: self.stack.len() + 1,
            parent,
            children: Vec::new(),
            part: kind.part(),
            is_inline,
            kind,
            confidence,
        });
        self.stack.push(index);
        index
    }

    /// The section path: the block headings of the three outer levels.
    fn section(&self) -> String {
        self.stack
            .iter()
            .filter_map(|i| self.headings.get(*i))
            .filter(|h| !h.is_inline && h.style.rank() <= 3)
            .map(|h| h.label.as_str())
            .collect()
    }

    fn default_deadline(&self, part: Part) -> Option<NaiveDate> {
        match part {
            Part::Plan => DeadlineSpec::YearEnd(0).resolve(self.plan_year),
            Part::LongRange => {
                let end = self.long_range_end.or_else(|| self.plan_year.map(part::five_year_end_containing))?;
                DeadlineSpec::Absolute(end).resolve(None)
            }
            Part::Review | Part::Preamble => None,
        }
    }

    /// A chapter heading or an unnumbered part title: its judgement holds
    /// until the next one.
    fn open_chapter(&mut self, p: &Paragraph, title: &str, verdict: Option<&judge::Verdict>) {
        self.sub = None;
        self.in_glossary = false;
        self.chapter = match verdict {
            Some(v) => Decided::new(v.kind, v.confidence, v.reason.clone(), p.start),
            None => self.chapter.clone(),
        };
        // A review told by its sentences under a slogan may hold the plan of
        // its topic too (a chapter mixing both): its paragraphs may switch.
        self.review_may_switch = judge::title_is_mixed(title)
            || (self.chapter.kind == PartKind::Review && judge::title_is_silent(title, self.plan_year));
        self.long_range_end = match self.chapter.kind {
            PartKind::FiveYear | PartKind::Plan => part::outlook_end(title, self.plan_year),
            _ => None,
        };
    }

    /// A paragraph without numbering: before the first chapter (or without
    /// chapters) its opening tells its part (今年主要预期目标是…, 过去一年…);
    /// inside a chapter that is not the review, an opening on the five-year
    /// outlook or on this year switches between the two.
    fn judge_paragraph(&mut self, p: &Paragraph, has_chapters: bool) {
        let doc = self.doc;
        let first =
            layout::sentences(doc, p.start, p.end).first().map(|s| doc.joined(s.start, s.end)).unwrap_or_default();
        let first = self.plan_frame(first);
        let in_preamble = !has_chapters || (self.chapter.kind == PartKind::Preamble && self.sub.is_none());
        if in_preamble {
            let opening: String = first.chars().take(40).collect();
            let done = judge::tense_in(doc, p.start, p.end, self.plan_year);
            let kind = match part::classify_opening(&opening) {
                Some(Part::Plan) if done.past >= 4 && done.past >= 2 * done.future.max(1) => Some(PartKind::Review),
                Some(Part::Plan) => Some(PartKind::Plan),
                Some(Part::Review) => Some(PartKind::Review),
                _ => None,
            };
            if let Some(kind) = kind {
                self.chapter = Decided::new(kind, 70, "按段落开头判定", p.start);
            }
            return;
        }
        let closed = match self.chapter.kind {
            PartKind::Preamble => true,
            PartKind::Review => !self.review_may_switch,
            _ => false,
        };
        if closed {
            return;
        }
        let Some(kind) = judge::paragraph_switch(&first, self.plan_year) else {
            return;
        };
        if judge::reads_as_done(judge::tense_in(doc, p.start, p.end, self.plan_year)) {
            return;
        }
        if kind == PartKind::FiveYear {
            self.long_range_end = part::outlook_end(&first, self.plan_year).or(self.long_range_end);
        }
        let reason = if kind == PartKind::FiveYear { "段落开头说五年规划" } else { "段落开头说今年" };
        self.sub = Some(Decided::new(kind, 75, reason, p.start));
    }

    fn paragraph(&mut self, p: &Paragraph, has_chapters: bool, verdict: Option<&judge::Verdict>) {
        let doc = self.doc;
        if p.marker.is_none() && p.end - p.start <= 16 {
            let line = doc.joined(p.start, p.end);
            if part::is_glossary_title(&line) {
                self.in_glossary = true;
            } else if line.trim_start().starts_with("附件") {
                // An annex after the glossary (附件3 民生实事) is read again.
                self.in_glossary = false;
            }
        }
        if let Some(m) = p.marker {
            let title = heading_title(doc, p);
            match m.style {
                NumberingStyle::Chapter => self.open_chapter(p, &title, verdict),
                NumberingStyle::ParenChinese => {
                    let review = judge::review_sub_title(&title);
                    self.sub = review.map(|why| Decided::new(PartKind::Review, 90, why, p.start));
                }
                _ => {}
            }
            self.set_part(p.start);
            self.push_heading(m, title, false);
        } else if p.is_heading_line {
            let title = doc.joined(p.start, p.end);
            self.open_chapter(p, &title, verdict);
            self.set_part(p.start);
        } else {
            self.judge_paragraph(p, has_chapters);
            self.set_part(p.start);
        }
        if p.is_heading_line {
            return;
        }
        let mut part = self.part();
        let section = self.section();
        let mut default_deadline = self.default_deadline(part);
        let title_end = p.marker.map(|m| {
            let mut e = m.end;
            while e < p.end && !matches!(doc.at(e), '。' | ':' | ';' | '!' | '?') {
                e += 1;
            }
            e + 1
        });
        // A paragraph that reads as done inside a part that is not the
        // review (a topic's results before its plan, with no opening cue)
        // promises nothing.
        // A part a reader set by hand (人工指定) is read as set, sentence by sentence.
        let is_set_by_hand = self.is_set_by_hand();
        let paragraph_done = part.has_targets()
            && !is_set_by_hand
            && judge::reads_as_done(judge::tense_in(doc, p.start, p.end, self.plan_year));
        // Nor do sentences that tell the year reviewed (a chapter mixing
        // both: 过去一年，新建学校8所。今年，将新建10所): from a sentence that
        // opens on the past and says nothing of what is to be done (nor names
        // a later year), to the first one that does.
        let mut telling_the_past = false;
        for sent in layout::sentences(doc, p.start, p.end) {
            self.inline_headings(sent, p);
            if !part.has_targets() && self.review_turns_to_plan(sent) {
                self.sub = Some(Decided::new(PartKind::Plan, 70, "句子开头说今年", sent.start));
                self.set_part(sent.start);
                part = self.part();
                default_deadline = self.default_deadline(part);
            }
            if !part.has_targets() || self.in_glossary {
                continue;
            }
            let tense = judge::tense_in(doc, sent.start, sent.end, self.plan_year);
            let opening = doc.joined(sent.start, (sent.start + 16).min(sent.end));
            if tense.future > 0 || judge::names_a_later_year(doc, sent.start, sent.end, self.plan_year) {
                telling_the_past = false;
            } else if judge::opens_on_the_past(&opening, self.plan_year) {
                telling_the_past = true;
            }
            if (telling_the_past && !is_set_by_hand) || paragraph_done {
                continue;
            }
            let cx = target::SentenceContext {
                span: sent,
                part,
                plan_year: self.plan_year,
                default_deadline,
                section: &section,
            };
            let mut targets = target::targets_in_sentence(doc, &cx);
            if !is_set_by_hand {
                targets.retain(|t| !self.clause_tells_the_past(sent, t.offset.0));
            }
            let is_title = title_end.is_some_and(|e| sent.end <= e) && targets.is_empty();
            let text = doc.joined(sent.start, sent.end);
            if !is_title && task::is_commitment(&text, !targets.is_empty()) {
                self.push_task(sent, text, part, &section, &targets, default_deadline);
            }
            self.targets.extend(targets);
        }
    }

    /// Whether the part in force was set by the reader (the import page's
    /// correction), not judged: it is then read as set.
    fn is_set_by_hand(&self) -> bool {
        self.decided().reason == SET_BY_HAND
    }

    /// Text as a report given in its plan year would say it: in one given
    /// the December before, 今年 is the year reviewed and 明年 the plan year.
    fn plan_frame(&self, text: String) -> String {
        if self.doc.spoken_the_year_before {
            text.replace("今年", "去年").replace("明年", "今年")
        } else {
            text
        }
    }

    /// Whether a sentence of a review that may hold the plan of its topics
    /// (a mixed or slogan title) starts that plan: it opens on this year
    /// (今年实施重点项目70个…, 2024年全县…的主要预期目标是…) and tells no more
    /// of what was done than of what is to be done.
    fn review_turns_to_plan(&self, sent: Span) -> bool {
        let doc = self.doc;
        if self.kind() != PartKind::Review || !self.review_may_switch || self.is_set_by_hand() {
            return false;
        }
        let opening = self.plan_frame(doc.joined(sent.start, (sent.start + 12).min(sent.end)));
        let opening = opening.trim_start();
        let this_year = (opening.starts_with("今年") && !opening.starts_with("今年以来"))
            || self.plan_year.is_some_and(|y| {
                let chars: Vec<char> = opening.chars().collect();
                part::year_at_chars(&chars, 0) == Some(y) && !opening.contains("以来")
            });
        this_year && {
            let tense = judge::tense_in(doc, sent.start, sent.end, self.plan_year);
            tense.future >= tense.past
        }
    }

    /// Whether the clause holding `at` opens on the year reviewed and says
    /// nothing of what is to be done: 去年新增就业1361万人，今年要确保…
    fn clause_tells_the_past(&self, sent: Span, at: usize) -> bool {
        let doc = self.doc;
        let is_break = |c: char| matches!(c, ',' | ';' | '，' | '；');
        let mut start = at;
        while start > sent.start && !is_break(doc.at(start - 1)) {
            start -= 1;
        }
        let mut end = at;
        while end < sent.end && !is_break(doc.at(end)) {
            end += 1;
        }
        let opening = doc.joined(start, (start + 16).min(end));
        judge::opens_on_the_past(&opening, self.plan_year)
            && judge::tense_in(doc, start, end, self.plan_year).future == 0
            && !judge::names_a_later_year(doc, start, end, self.plan_year)
    }

    /// Records `一是`/`二是` and inline `(1)` enumerations of a sentence.
    fn inline_headings(&mut self, sent: Span, p: &Paragraph) {
        let doc = self.doc;
        let mut starts = vec![sent.start];
        for k in sent.start..sent.end {
            if doc.at(k) == ':' {
                starts.push(k + 1);
            }
        }
        for s in starts {
            if p.marker.is_some_and(|m| m.start >= s && m.start <= doc.skip_spaces(s, sent.end)) {
                continue;
            }
            if let Some(m) = layout::inline_marker_at(doc, s, sent.end) {
                let mut e = m.end;
                while e < sent.end && e - m.end < MAX_TITLE && !layout::is_clause_end(doc.at(e)) {
                    e += 1;
                }
                let title = doc.joined(m.end, e);
                self.push_heading(m, title, true);
            }
        }
    }

    fn push_task(
        &mut self,
        sent: Span,
        text: String,
        part: Part,
        section: &str,
        targets: &[Target],
        default_deadline: Option<NaiveDate>,
    ) {
        let doc = self.doc;
        let deadline = targets.iter().filter_map(|t| t.deadline).max().or_else(|| {
            deadline::phrases(doc, sent.start, sent.end)
                .iter()
                .filter_map(|ph| ph.spec.resolve(self.plan_year))
                .max()
                .or(default_deadline)
        });
        let context: String = self
            .stack
            .iter()
            .filter_map(|i| self.headings.get(*i))
            .map(|h| h.title.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let suggested_lead_org = task::suggest_lead_org(&text, &context, &self.options.org_keywords);
        self.tasks.push(DraftTask {
            number: self.tasks.len() + 1,
            offset: CharOffset(sent.start),
            end: CharOffset(sent.end),
            projects: task::projects(&text),
            text,
            section: section.to_string(),
            heading: self.stack.last().copied(),
            part,
            targets: targets.to_vec(),
            deadline,
            suggested_lead_org,
        });
    }
}
