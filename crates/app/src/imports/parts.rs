//! 分章判定 (how each part of an imported report was judged): the review
//! page shows every part — 工作回顾, 年度安排, 五年目标, 政府自身建设 — with its
//! confidence and reason, and the office may correct a judgement. A
//! correction is stored and the draft re-read under it: only the draft tasks
//! the correction changes are replaced, so hand edits elsewhere stay.

use super::reading::extract_with_corrections;
use super::{new_tasks, offset};
use crate::{App, AppError, Result};
use qingdan_domain::{ImportId, Org, User};
use qingdan_extract::{CharOffset, DraftTask, Extraction, PartKind, PartOverride};
use qingdan_storage::{ImportPartOverride, ReportImport};
use std::ops::Range;

/// Each kind: its stored code and what its button says (改为…).
const KINDS: [(PartKind, &str, &str); 5] = [
    (PartKind::Preamble, "preamble", "报告开头"),
    (PartKind::Review, "review", "工作回顾"),
    (PartKind::Plan, "plan", "今年安排"),
    (PartKind::FiveYear, "five_year", "五年目标"),
    (PartKind::Conduct, "conduct", "政府自身建设"),
];

/// A part of the report as the review page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewPart {
    /// Where the part starts and ends in the source text (chars).
    pub start: i64,
    pub end: i64,
    /// Where the heading that decided it starts: what a correction names.
    pub at: i64,
    /// The kind's code (`review`, `plan`…) and its name (工作回顾…).
    pub kind: &'static str,
    pub label: &'static str,
    /// How sure the judgement is, 0–100 (100: set by the office).
    pub confidence: u8,
    pub reason: String,
    /// 本章判定为工作回顾（置信度 90%：标题含“回顾”），未提取指标.
    pub notice: String,
    /// Whether targets were read in it.
    pub has_targets: bool,
    /// The kinds it may be changed to: (code, 改为… button text). Empty for a
    /// published import and for a part that follows from the chapter around
    /// it (a paragraph's opening, a sub-heading), which cannot change alone.
    pub choices: Vec<(&'static str, String)>,
}

/// What a correction did, for the page's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartChange {
    /// The new kind's name.
    pub label: &'static str,
    pub removed: u64,
    pub added: usize,
    pub targets: usize,
}

impl PartChange {
    /// 已改为年度工作安排并重新识别：新增任务3项、指标5个，删除任务0项.
    pub fn message(&self) -> String {
        format!(
            "已改为{}并重新识别本章：新增任务{}项（指标{}个），移除任务{}项",
            self.label, self.added, self.targets, self.removed
        )
    }
}

/// The name of the kind a code stands for (`plan` → 年度工作安排).
pub fn part_label(code: &str) -> Option<&'static str> {
    kind_of(code).map(PartKind::label)
}

fn code(kind: PartKind) -> &'static str {
    KINDS.iter().find(|k| k.0 == kind).map_or("plan", |k| k.1)
}

fn kind_of(code: &str) -> Option<PartKind> {
    KINDS.iter().find(|k| k.1 == code).map(|k| k.0)
}

/// The kinds a part of `kind` is sensibly changed to, the likeliest first.
fn alternatives(kind: PartKind) -> [PartKind; 2] {
    match kind {
        PartKind::Preamble | PartKind::Review => [PartKind::Plan, PartKind::FiveYear],
        PartKind::Plan => [PartKind::Review, PartKind::FiveYear],
        PartKind::FiveYear | PartKind::Conduct => [PartKind::Plan, PartKind::Review],
    }
}

fn button(kind: PartKind) -> String {
    format!("改为{}", KINDS.iter().find(|k| k.0 == kind).map_or("", |k| k.2))
}

/// The stored corrections as the extractor takes them (unknown codes, from
/// a later version, are left out).
pub(super) fn corrections(stored: &[ImportPartOverride]) -> Vec<PartOverride> {
    stored
        .iter()
        .filter_map(|o| {
            let at = CharOffset(usize::try_from(o.at).ok()?);
            Some(PartOverride { at, kind: kind_of(&o.kind)? })
        })
        .collect()
}

/// The corrections with `at` set to `kind`.
fn with_correction(mut list: Vec<PartOverride>, at: CharOffset, kind: PartKind) -> Vec<PartOverride> {
    list.retain(|o| o.at != at);
    list.push(PartOverride { at, kind });
    list
}

/// The judgement with its confidence and reason set into the extractor's
/// notice: 本章判定为工作回顾（置信度 90%：标题含“回顾”），未提取指标.
fn notice(kind: PartKind, confidence: u8, reason: &str) -> String {
    let plain = kind.notice();
    match plain.split_once('，') {
        Some((head, tail)) => format!("{head}（置信度 {confidence}%：{reason}），{tail}"),
        None => format!("{plain}（置信度 {confidence}%：{reason}）"),
    }
}

/// The parts of `extraction` for the page. `changeable` tells which
/// deciding offsets a correction takes effect at.
fn review_parts(extraction: &Extraction, changeable: impl Fn(CharOffset) -> bool) -> Vec<ReviewPart> {
    extraction
        .parts
        .iter()
        .map(|p| ReviewPart {
            start: offset(p.start.get()),
            end: offset(p.end.get()),
            at: offset(p.decided_at.get()),
            kind: code(p.kind),
            label: p.kind.label(),
            confidence: p.confidence,
            reason: p.reason.clone(),
            notice: notice(p.kind, p.confidence, &p.reason),
            has_targets: p.kind.has_targets(),
            choices: if changeable(p.decided_at) {
                alternatives(p.kind).into_iter().map(|k| (code(k), button(k))).collect()
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// The parts of an import's report, judged with its stored corrections.
/// For a draft, each part that a correction can change offers its choices:
/// the report is read once more with a correction at every part to its own
/// kind, and a part the extractor then calls set by the caller (confidence
/// 100) is one whose heading decides it.
pub(super) async fn parts_of(
    import: &ReportImport,
    orgs: &[Org],
    stored: &[ImportPartOverride],
) -> Result<Vec<ReviewPart>> {
    let (import, orgs, stored) = (import.clone(), orgs.to_vec(), stored.to_vec());
    off_workers(move || read_parts(&import, &orgs, &stored)).await
}

/// Runs a reading of the report on a blocking thread, off the async workers.
pub(super) async fn off_workers<T: Send + 'static>(read: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(read).await.map_err(|e| AppError::Internal(e.to_string()))
}

fn read_parts(import: &ReportImport, orgs: &[Org], stored: &[ImportPartOverride]) -> Vec<ReviewPart> {
    let text = &import.source_text;
    let fixed = corrections(stored);
    let extraction = extract_with_corrections(text, import.plan_year, orgs, &fixed);
    if import.status != qingdan_domain::ImportStatus::Draft {
        return review_parts(&extraction, |_| false);
    }
    let mut probe = fixed.clone();
    for p in &extraction.parts {
        if !probe.iter().any(|o| o.at == p.decided_at) {
            probe.push(PartOverride { at: p.decided_at, kind: p.kind });
        }
    }
    let probed = extract_with_corrections(text, import.plan_year, orgs, &probe);
    let takes = |at: CharOffset| probed.parts.iter().any(|q| q.decided_at == at && q.confidence == 100);
    review_parts(&extraction, takes)
}

/// What makes two draft tasks the same reading: their place and their targets.
fn same(a: &DraftTask, b: &DraftTask) -> bool {
    a.offset == b.offset
        && a.end == b.end
        && a.targets.len() == b.targets.len()
        && a.targets.iter().zip(&b.targets).all(|(x, y)| x.offset == y.offset && x.value == y.value)
}

/// The run of draft tasks a correction changed, between the tasks both
/// readings share at the start and at the end: the source range `[from, to)`
/// whose stored tasks are replaced, and the new reading's tasks for it.
/// `None` when the two readings have the same tasks.
fn changed_run(old: &[DraftTask], new: &[DraftTask], len: usize) -> Option<(usize, usize, Range<usize>)> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| same(a, b)).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(a, b)| same(a, b)).count();
    let (old_end, new_end) = (old.len() - suffix, new.len() - suffix);
    if prefix == old_end && prefix == new_end {
        return None;
    }
    let firsts = [old.get(prefix).filter(|_| prefix < old_end), new.get(prefix).filter(|_| prefix < new_end)];
    let from = firsts.iter().flatten().map(|t| t.offset.get()).min().unwrap_or(0);
    let to = old.get(old_end).map_or(len, |t| t.offset.get());
    Some((from, to.max(from), prefix..new_end))
}

impl App {
    /// Changes how the part whose heading starts at `at` was judged to
    /// `kind` (a code: `review`, `plan`, `five_year`, `conduct`), stores the
    /// correction and re-reads the draft under it: the draft tasks the
    /// correction changes are replaced, all others (hand edits included)
    /// stay. Only the office may; the import must still be a draft.
    pub async fn change_import_part(&self, user: &User, id: ImportId, at: &str, kind: &str) -> Result<PartChange> {
        let draft = self.draft_import(user, id).await?;
        let at = at.trim().parse::<usize>().map(CharOffset).map_err(|_| no_part())?;
        let kind = kind_of(kind.trim()).filter(|k| *k != PartKind::Preamble).ok_or_else(|| {
            AppError::field("kind", "unknown", "判定类型无效：应为工作回顾、今年安排、五年目标或政府自身建设")
        })?;
        let orgs = self.store.orgs(user.tenant_id).await?;
        let stored = self.store.import_part_overrides(user.tenant_id, id).await?;
        let (text, year, list) = (draft.source_text.clone(), draft.plan_year, orgs.clone());
        let (old, new) = off_workers(move || {
            let before = corrections(&stored);
            let old = extract_with_corrections(&text, year, &list, &before);
            let new = extract_with_corrections(&text, year, &list, &with_correction(before, at, kind));
            (old, new)
        })
        .await?;
        if !old.parts.iter().any(|p| p.decided_at == at) {
            return Err(no_part());
        }
        if !new.parts.iter().any(|p| p.decided_at == at && p.kind == kind && p.confidence == 100) {
            return Err(AppError::field(
                "at",
                "follows_chapter",
                "这一段的判定随所在章节而定，不能单独修改；请修改所在章节的判定",
            ));
        }
        let len = draft.source_text.chars().count();
        let (from, to, run) = changed_run(&old.draft_tasks, &new.draft_tasks, len).unwrap_or((0, 0, 0..0));
        let tasks = new_tasks(new.draft_tasks.get(run).unwrap_or_default(), &orgs);
        let targets = tasks.iter().map(|t| t.targets.len()).sum();
        let correction = ImportPartOverride { at: offset(at.get()), kind: code(kind).to_owned() };
        let done = self
            .store
            .reread_import_part(user.tenant_id, id, &correction, offset(from), offset(to), &tasks, self.actor(user))
            .await?;
        Ok(PartChange { label: kind.label(), removed: done.removed, added: done.added, targets })
    }
}

fn no_part() -> AppError {
    AppError::field("at", "not_found", "报告中没有从这里开始的章节，请刷新页面后重试")
}

#[cfg(test)]
mod tests {
    use super::notice;
    use qingdan_extract::PartKind;

    #[test]
    fn the_notice_carries_the_confidence_and_the_reason() {
        assert_eq!(
            notice(PartKind::Review, 90, "标题含“回顾”"),
            "本章判定为工作回顾（置信度 90%：标题含“回顾”），未提取指标"
        );
        assert_eq!(
            notice(PartKind::Plan, 100, "人工指定"),
            "本章判定为年度工作安排（置信度 100%：人工指定），已提取指标"
        );
    }
}
