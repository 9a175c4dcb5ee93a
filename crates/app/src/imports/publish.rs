//! Publishing a draft as a plan that keeps the report's shape: the headings
//! (一、, （一）, 1.) become section tasks over the draft tasks written under
//! them, each task numbered within its section; the five-year outlook's
//! tasks stay out unless the office keeps them.

use super::parts::{corrections, off_workers};
use super::published_target;
use super::reading::extract_with_corrections;
use crate::plans::check_plan;
use crate::{App, PlanInput, Result};
use chrono::NaiveDate;
use qingdan_domain::{Decimal, ImportId, Invalid, PlanId, PlanStatus, Responsibility, User};
use qingdan_extract::{Extraction, PartKind};
use qingdan_storage::{ImportTask, NewPlan, NewTask};
use std::collections::HashMap;

/// How to publish: the plan's title and year, and whether the five-year
/// outlook's tasks join the plan.
#[derive(Debug, Clone, Default)]
pub struct PublishInput {
    pub plan: PlanInput,
    pub keep_outlook: bool,
}

/// One row of the plan to publish, in tree order: a section from a heading
/// or a draft task; `parent` is the index of its section among the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Row {
    Section { parent: Option<usize>, label: String, title: String },
    Task { parent: Option<usize>, number: usize, draft: usize },
}

impl Row {
    fn parent(&self) -> Option<usize> {
        match self {
            Row::Section { parent, .. } | Row::Task { parent, .. } => *parent,
        }
    }
}

/// The headings that make sections (block headings down to `1.`), each with
/// the path of labels the extractor writes as a draft task's section:
/// `三、(一)`.
fn section_paths(extraction: &Extraction) -> Vec<Option<String>> {
    let mut paths: Vec<Option<String>> = Vec::with_capacity(extraction.headings.len());
    for h in &extraction.headings {
        if h.is_inline || h.style.rank() > 3 {
            paths.push(None);
            continue;
        }
        let mut up = h.parent;
        let mut prefix = String::new();
        while let Some(p) = up {
            if let Some(Some(path)) = paths.get(p) {
                prefix = path.clone();
                break;
            }
            up = extraction.headings.get(p).and_then(|x| x.parent);
        }
        paths.push(Some(format!("{prefix}{}", h.label)));
    }
    paths
}

/// The nearest ancestor heading that makes a section.
fn section_parent(extraction: &Extraction, paths: &[Option<String>], h: usize) -> Option<usize> {
    let mut up = extraction.headings.get(h)?.parent;
    while let Some(p) = up {
        if paths.get(p).is_some_and(Option::is_some) {
            return Some(p);
        }
        up = extraction.headings.get(p)?.parent;
    }
    None
}

/// Whether the draft task starting at `offset` stands in a five-year outlook.
fn in_outlook(extraction: &Extraction, offset: i64) -> bool {
    let Ok(at) = usize::try_from(offset) else { return false };
    extraction
        .parts
        .iter()
        .find(|p| p.start.get() <= at && at < p.end.get())
        .is_some_and(|p| p.kind == PartKind::FiveYear)
}

/// The rows of the plan: sections for the headings the kept draft tasks
/// stand under (a section string no heading has goes under its longest
/// known prefix, or to the top), then the tasks, numbered 1., 2., … in
/// their section.
pub(crate) fn plan_rows(extraction: &Extraction, drafts: &[ImportTask], keep_outlook: bool) -> Vec<Row> {
    let paths = section_paths(extraction);
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    for (i, path) in paths.iter().enumerate() {
        if let Some(path) = path {
            by_path.entry(path.as_str()).or_insert(i);
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut row_of: HashMap<usize, usize> = HashMap::new();
    let mut counts: HashMap<Option<usize>, usize> = HashMap::new();
    for (d, draft) in drafts.iter().enumerate() {
        if !keep_outlook && in_outlook(extraction, draft.source_start) {
            continue;
        }
        let section = draft.section.trim();
        let heading = (0..=section.len())
            .rev()
            .filter(|&end| section.is_char_boundary(end))
            .find_map(|end| by_path.get(&section[..end]).copied());
        let parent = heading.map(|h| section_row(extraction, &paths, h, &mut rows, &mut row_of));
        let number = counts.entry(parent).or_default();
        *number += 1;
        rows.push(Row::Task { parent, number: *number, draft: d });
    }
    rows
}

/// The row of heading `h`'s section, made (with its ancestors') when first needed.
fn section_row(
    extraction: &Extraction,
    paths: &[Option<String>],
    h: usize,
    rows: &mut Vec<Row>,
    row_of: &mut HashMap<usize, usize>,
) -> usize {
    if let Some(&row) = row_of.get(&h) {
        return row;
    }
    let parent = section_parent(extraction, paths, h).map(|p| section_row(extraction, paths, p, rows, row_of));
    let heading = &extraction.headings[h];
    let title: String = heading.title.trim().trim_end_matches(['。', '；', ';']).chars().take(200).collect();
    rows.push(Row::Section { parent, label: heading.label.clone(), title });
    row_of.insert(h, rows.len() - 1);
    rows.len() - 1
}

impl App {
    /// Publishes a draft as a new plan: its headings as section tasks over
    /// the draft tasks under them, the outlook's tasks only when kept.
    pub async fn publish_import(&self, user: &User, id: ImportId, input: &PublishInput) -> Result<PlanId> {
        // The import (with its revision) before its drafts: an edit after this
        // read makes the publish a conflict rather than a plan without it.
        let draft = self.draft_import(user, id).await?;
        let mut invalid = Invalid::new();
        let (title, year) = check_plan(&mut invalid, &input.plan);
        let tasks = self.store.import_tasks(user.tenant_id, draft.id).await?;
        if tasks.is_empty() {
            invalid.add("tasks", "empty", "草稿中没有任务，不能发布");
        }
        for (i, task) in tasks.iter().enumerate() {
            let n = i + 1;
            if task.text.trim().is_empty() {
                invalid.add(&format!("tasks[{i}].text"), "required", format!("第{n}项任务的内容不能为空"));
            } else if task.text.chars().count() > 2000 {
                invalid.add(&format!("tasks[{i}].text"), "too_long", format!("第{n}项任务的内容不能超过2000个字"));
            }
        }
        invalid.into_result()?;
        let orgs = self.store.orgs(user.tenant_id).await?;
        let stored = self.store.import_part_overrides(user.tenant_id, id).await?;
        let (text, plan_year) = (draft.source_text.clone(), draft.plan_year);
        let extraction =
            off_workers(move || extract_with_corrections(&text, plan_year, &orgs, &corrections(&stored))).await?;
        let rows = plan_rows(&extraction, &tasks, input.keep_outlook);
        if rows.is_empty() {
            return Err(crate::AppError::field(
                "tasks",
                "empty",
                "草稿中的任务都在五年目标部分：如需发布，请勾选“包含五年目标任务”",
            ));
        }
        let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
        let rules = self.store.status_rules(user.tenant_id).await?;
        let today = self.clock.today();
        // A deadline outside the plan's year (a phrase read from another year)
        // falls back to the year's end; the office can change it later.
        let deadline_of = |t: &ImportTask| t.deadline.filter(|d| *d >= start).unwrap_or(year_end);
        let mut deadlines: Vec<NaiveDate> = rows
            .iter()
            .map(|r| match r {
                Row::Task { draft, .. } => deadline_of(&tasks[*draft]),
                Row::Section { .. } => start,
            })
            .collect();
        // A section is due when its last task is.
        for i in (0..rows.len()).rev() {
            if let Some(p) = rows[i].parent() {
                deadlines[p] = deadlines[p].max(deadlines[i]);
            }
        }
        let new_tasks: Vec<NewTask> = rows
            .iter()
            .zip(&deadlines)
            .map(|(row, &due)| {
                let deadline = if due < start { year_end } else { due };
                let (number, title, lead, targets) = match row {
                    Row::Section { label, title, .. } => (label.clone(), title.clone(), None, Vec::new()),
                    Row::Task { number, draft, .. } => {
                        let t = &tasks[*draft];
                        (
                            format!("{number}."),
                            t.text.trim().to_owned(),
                            t.lead_org_id,
                            t.targets.iter().map(published_target).collect(),
                        )
                    }
                };
                NewTask {
                    tenant_id: user.tenant_id,
                    plan_id: PlanId(0),
                    parent_id: None,
                    number,
                    title,
                    weight: Decimal::ONE,
                    start_date: start,
                    deadline,
                    responsibility: Responsibility { lead_org_id: lead, ..Responsibility::default() },
                    light: rules.light(0, start, deadline, today),
                    targets,
                }
            })
            .collect();
        let parents: Vec<Option<usize>> = rows.iter().map(Row::parent).collect();
        let plan = NewPlan { tenant_id: user.tenant_id, year, title, status: PlanStatus::Published };
        let published = self
            .store
            .publish_import(user.tenant_id, draft.id, draft.revision, &plan, &new_tasks, &parents, self.actor(user))
            .await;
        self.plans.clear();
        Ok(published?)
    }
}
