//! 导入报告 (report import): a supervisor uploads a work report, reviews the
//! draft tasks and targets read from it beside the source text, edits,
//! merges, splits, deletes and adds them, and publishes the result as a new
//! plan. Until publish the draft lives only in the import tables, so no plan
//! changes and a half-reviewed draft survives a restart.

mod parts;
mod publish;
mod reading;

use crate::guards::require_supervisor;
use crate::input::{check_target, parse_date};
use crate::{App, AppError, Result, TargetInput};
pub use parts::{PartChange, ReviewPart, part_label};
pub use publish::PublishInput;
use qingdan_domain::{ImportId, ImportStatus, ImportTargetId, ImportTaskId, Invalid, Org, OrgId, User};
use qingdan_extract::DraftTask;
use qingdan_storage::{
    Conflict, DraftSplit, ImportSummary, ImportTarget, ImportTask, ImportTaskEdit, NewImport, NewImportTarget,
    NewImportTask, NewTarget, ReportImport, StorageError,
};
pub use reading::{ReportExtraction, extract, extract_with_orgs, ledger_xlsx, read_report};

/// The largest report file accepted, in bytes.
pub const MAX_REPORT_BYTES: usize = 20 * 1024 * 1024;

/// The longest report text read, in characters. A city's report is 20,000 to
/// 60,000; a national one under 100,000. Bounds the extraction and the draft.
pub const MAX_REPORT_CHARS: usize = 1_000_000;

/// The most draft tasks one import may hold: a real report gives a few
/// hundred; more means the file is not a work report, and would make a draft
/// page nobody can review.
pub const MAX_DRAFT_TASKS: usize = 3_000;

/// A draft as reviewed: the import with its source text, its tasks in order
/// (each with its targets), and the tenant's orgs to pick a lead org from.
#[derive(Debug, Clone)]
pub struct ImportReview {
    pub import: ReportImport,
    pub tasks: Vec<ImportTask>,
    pub orgs: Vec<Org>,
    /// The report's parts as judged (with the office's corrections).
    pub parts: Vec<ReviewPart>,
}

impl ImportReview {
    pub fn is_draft(&self) -> bool {
        self.import.status == ImportStatus::Draft
    }

    pub fn target_count(&self) -> usize {
        self.tasks.iter().map(|t| t.targets.len()).sum()
    }
}

/// A draft task's fields as typed into the review form.
#[derive(Debug, Clone, Default)]
pub struct ImportTaskInput {
    pub section: String,
    pub text: String,
    /// YYYY-MM-DD or empty.
    pub deadline: String,
    /// An org id or empty.
    pub lead_org_id: String,
}

impl App {
    /// Reads an uploaded report (UTF-8/GB18030 text, Markdown or .docx),
    /// extracts its draft tasks and targets and stores them as a draft import.
    pub async fn upload_report(&self, user: &User, file_name: &str, bytes: &[u8]) -> Result<ImportId> {
        require_supervisor(user)?;
        let mut invalid = Invalid::new();
        let file_name = invalid.optional_text("file_name", "文件名", file_name, 200);
        if bytes.len() > MAX_REPORT_BYTES {
            invalid.add("file", "too_large", format!("文件过大：报告不能超过{}MB", MAX_REPORT_BYTES / 1024 / 1024));
        }
        // Named .docx but not a zip (a renamed text file, a broken download):
        // say so rather than read it as text.
        if file_name.to_lowercase().ends_with(".docx") && !bytes.starts_with(b"PK\x03\x04") {
            invalid.add(
                "file",
                "bad_docx",
                format!(
                    "“{file_name}”不是有效的Word文档（.docx）：请用 Word 或 WPS 另存为 .docx 后上传，或上传文本（.txt）"
                ),
            );
        }
        invalid.into_result()?;
        let owned = bytes.to_vec();
        let text = crate::input::read_upload(move || read_report(&owned)).await?.map_err(|err| match err {
            AppError::Invalid(inner) => {
                let reason = inner.to_string();
                AppError::field(
                    "file",
                    "unreadable",
                    format!(
                        "无法读取报告“{file_name}”：{reason}。请上传 UTF-8 或 GBK 文本（.txt/.md）或 Word 文档（.docx）"
                    ),
                )
            }
            other => other,
        })?;
        let chars = text.chars().count();
        if chars > MAX_REPORT_CHARS {
            return Err(AppError::field(
                "file",
                "too_long",
                format!("报告“{file_name}”正文有{chars}字，超过{MAX_REPORT_CHARS}字的上限：请确认上传的是政府工作报告"),
            ));
        }
        let orgs = self.store.orgs(user.tenant_id).await?;
        // Bounded by the length above; off the async workers all the same.
        let (text, extraction) = {
            let orgs = orgs.clone();
            tokio::task::spawn_blocking(move || {
                let extraction = extract_with_orgs(&text, None, &orgs);
                (text, extraction)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
        };
        if extraction.draft_tasks.is_empty() {
            return Err(AppError::field(
                "file",
                "no_tasks",
                format!("未从报告“{file_name}”中读出任何任务：请确认上传的是政府工作报告的正文"),
            ));
        }
        if extraction.draft_tasks.len() > MAX_DRAFT_TASKS {
            return Err(AppError::field(
                "file",
                "too_many_tasks",
                format!(
                    "报告“{file_name}”读出{}条任务，超过{MAX_DRAFT_TASKS}条的上限：请确认上传的是政府工作报告",
                    extraction.draft_tasks.len()
                ),
            ));
        }
        let tasks = new_tasks(&extraction.draft_tasks, &orgs);
        let new = NewImport {
            tenant_id: user.tenant_id,
            created_by: user.id,
            file_name: if file_name.is_empty() { "未命名报告".to_owned() } else { file_name },
            source_text: text,
            plan_year: extraction.plan_year,
            tasks,
        };
        Ok(self.store.create_import(&new, self.actor(user)).await?)
    }

    /// The tenant's imports, newest first.
    pub async fn imports(&self, user: &User) -> Result<Vec<ImportSummary>> {
        require_supervisor(user)?;
        Ok(self.store.imports(user.tenant_id).await?)
    }

    /// An import with its draft tasks and targets, for review.
    pub async fn import_review(&self, user: &User, id: ImportId) -> Result<ImportReview> {
        require_supervisor(user)?;
        let import = self.store.import(user.tenant_id, id).await?.ok_or(AppError::NotFound("导入的报告"))?;
        let tasks = self.store.import_tasks(user.tenant_id, id).await?;
        let orgs = self.store.orgs(user.tenant_id).await?;
        let corrections = self.store.import_part_overrides(user.tenant_id, id).await?;
        let parts = parts::parts_of(&import, &orgs, &corrections).await?;
        Ok(ImportReview { import, tasks, orgs, parts })
    }

    /// Changes a draft task's text, section, deadline and lead org.
    pub async fn update_import_task(&self, user: &User, id: ImportTaskId, input: &ImportTaskInput) -> Result<ImportId> {
        let task = self.draft_task(user, id).await?;
        let edit = self.check_task_input(user, input).await?;
        self.store.update_import_task(user.tenant_id, task.id, &edit, self.actor(user)).await?;
        Ok(task.import_id)
    }

    /// Deletes a draft task and its targets.
    pub async fn delete_import_task(&self, user: &User, id: ImportTaskId) -> Result<ImportId> {
        let task = self.draft_task(user, id).await?;
        self.store.delete_import_task(user.tenant_id, task.id, self.actor(user)).await?;
        Ok(task.import_id)
    }

    /// Adds a task to a draft: right after `after` (a task of the same draft), or at the end.
    pub async fn add_import_task(
        &self,
        user: &User,
        import: ImportId,
        after: Option<ImportTaskId>,
        input: &ImportTaskInput,
    ) -> Result<ImportTaskId> {
        let draft = self.draft_import(user, import).await?;
        let edit = self.check_task_input(user, input).await?;
        let place = match after {
            Some(a) => match self.store.import_task(user.tenant_id, a).await?.filter(|t| t.import_id == draft.id) {
                Some(t) => t.source_end,
                None => {
                    return Err(AppError::field("after", "not_found", "插入位置的任务不存在"));
                }
            },
            None => offset(draft.source_text.chars().count()),
        };
        let new = NewImportTask {
            section: edit.section,
            text: edit.text,
            deadline: edit.deadline,
            lead_org_name: edit.lead_org_name,
            lead_org_id: edit.lead_org_id,
            source_start: place,
            source_end: place,
            targets: Vec::new(),
        };
        Ok(self.store.add_import_task(user.tenant_id, draft.id, after, &new, self.actor(user)).await?)
    }

    /// Merges a draft task with the one after it: texts joined, targets moved.
    pub async fn merge_import_task_with_next(&self, user: &User, id: ImportTaskId) -> Result<ImportId> {
        let task = self.draft_task(user, id).await?;
        let tasks = self.store.import_tasks(user.tenant_id, task.import_id).await?;
        let mut from_task = tasks.iter().skip_while(|t| t.id != task.id);
        if from_task.next().is_none() {
            return Err(AppError::NotFound("草稿任务")); // merged away just now
        }
        let Some(next) = from_task.next() else {
            return Err(AppError::field("task", "no_next", "这是最后一项任务，没有可合并的下一项"));
        };
        self.store.merge_import_tasks(user.tenant_id, task.id, next.id, self.actor(user)).await?;
        Ok(task.import_id)
    }

    /// Splits a draft task in two after `position` characters of its text;
    /// each target goes with the half its number stands in.
    pub async fn split_import_task(&self, user: &User, id: ImportTaskId, position: &str) -> Result<ImportTaskId> {
        let task = self.draft_task(user, id).await?;
        let chars: Vec<char> = task.text.chars().collect();
        let last = chars.len().saturating_sub(1);
        let pos = match position.trim().parse::<usize>() {
            Ok(p) if (1..=last).contains(&p) => p,
            _ if last == 0 => {
                return Err(AppError::field("position", "too_short", "任务内容太短，无法拆分"));
            }
            _ => {
                return Err(AppError::field(
                    "position",
                    "out_of_range",
                    format!("拆分位置应为1到{last}之间的整数（从任务开头数的字数）"),
                ));
            }
        };
        let first: String = chars[..pos].iter().collect::<String>().trim().to_owned();
        let second: String = chars[pos..].iter().collect::<String>().trim().to_owned();
        if first.is_empty() || second.is_empty() {
            return Err(AppError::field("position", "empty_half", "拆分后两部分都不能为空"));
        }
        let import =
            self.store.import(user.tenant_id, task.import_id).await?.ok_or(AppError::NotFound("导入的报告"))?;
        let split_at = source_position(&import.source_text, task.source_start, task.source_end, &chars[..pos]);
        let split = DraftSplit { of: &task.text, first: &first, second: &second, at: split_at };
        Ok(self.store.split_import_task(user.tenant_id, task.id, &split, self.actor(user)).await?)
    }

    /// Adds a target to a draft task.
    pub async fn add_import_target(
        &self,
        user: &User,
        task: ImportTaskId,
        input: &TargetInput,
    ) -> Result<ImportTargetId> {
        let task = self.draft_task(user, task).await?;
        if task.targets.len() >= 50 {
            return Err(AppError::field("targets", "too_many", "一项任务最多50个指标"));
        }
        let target = check_import_target(input, None, 0)?;
        Ok(self.store.add_import_target(user.tenant_id, task.id, &target, self.actor(user)).await?)
    }

    /// Changes a draft target; it keeps its place in the source text.
    pub async fn update_import_target(&self, user: &User, id: ImportTargetId, input: &TargetInput) -> Result<ImportId> {
        let (task, old) = self.draft_target(user, id).await?;
        let target = check_import_target(input, old.source_offset, old.source_len)?;
        self.store.update_import_target(user.tenant_id, id, &target, self.actor(user)).await?;
        Ok(task.import_id)
    }

    pub async fn delete_import_target(&self, user: &User, id: ImportTargetId) -> Result<ImportId> {
        let (task, _) = self.draft_target(user, id).await?;
        self.store.delete_import_target(user.tenant_id, id, self.actor(user)).await?;
        Ok(task.import_id)
    }

    /// Deletes a draft the office no longer wants, with its tasks and targets.
    /// A published draft stays: it is the source of its plan.
    pub async fn delete_import(&self, user: &User, id: ImportId) -> Result<()> {
        require_supervisor(user)?;
        Ok(self.store.delete_import(user.tenant_id, id, self.actor(user)).await?)
    }

    /// A draft import of the user's tenant that has not been published.
    pub(super) async fn draft_import(&self, user: &User, id: ImportId) -> Result<ReportImport> {
        require_supervisor(user)?;
        let import = self.store.import(user.tenant_id, id).await?.ok_or(AppError::NotFound("导入的报告"))?;
        if import.status != ImportStatus::Draft {
            return Err(already_published());
        }
        Ok(import)
    }

    /// A task of a draft import of the user's tenant.
    async fn draft_task(&self, user: &User, id: ImportTaskId) -> Result<ImportTask> {
        require_supervisor(user)?;
        let task = self.store.import_task(user.tenant_id, id).await?.ok_or(AppError::NotFound("草稿任务"))?;
        self.draft_import(user, task.import_id).await?;
        Ok(task)
    }

    async fn draft_target(&self, user: &User, id: ImportTargetId) -> Result<(ImportTask, ImportTarget)> {
        require_supervisor(user)?;
        let target = self.store.import_target(user.tenant_id, id).await?.ok_or(AppError::NotFound("草稿指标"))?;
        let task = self.draft_task(user, target.import_task_id).await?;
        Ok((task, target))
    }

    async fn check_task_input(&self, user: &User, input: &ImportTaskInput) -> Result<ImportTaskEdit> {
        let mut invalid = Invalid::new();
        let text = invalid.text("text", "任务内容", &input.text, 2000);
        let section = invalid.optional_text("section", "章节", &input.section, 100);
        let deadline = if input.deadline.trim().is_empty() {
            None
        } else {
            parse_date(&mut invalid, "deadline", "完成时限", &input.deadline)
        };
        let mut lead_org: Option<Org> = None;
        let raw = input.lead_org_id.trim();
        if !raw.is_empty() {
            match raw.parse::<i64>() {
                Ok(id) => match self.store.org(user.tenant_id, OrgId(id)).await? {
                    Some(org) => lead_org = Some(org),
                    None => invalid.add("lead_org_id", "not_found", "牵头单位不存在"),
                },
                Err(_) => invalid.add("lead_org_id", "not_a_number", "牵头单位编号应为整数"),
            }
        }
        invalid.into_result()?;
        Ok(ImportTaskEdit {
            section,
            text,
            deadline,
            lead_org_id: lead_org.as_ref().map(|o| o.id),
            lead_org_name: lead_org.map(|o| o.name),
        })
    }
}

fn already_published() -> AppError {
    StorageError::Conflict(Conflict::ImportPublished).into()
}

fn check_import_target(input: &TargetInput, source_offset: Option<i64>, source_len: i64) -> Result<NewImportTarget> {
    let mut invalid = Invalid::new();
    let checked = check_target(&mut invalid, 0, input);
    invalid.into_result()?;
    let t = checked.ok_or_else(|| AppError::Internal("target check passed without a target".into()))?;
    Ok(NewImportTarget {
        metric: t.metric,
        value: t.value,
        unit: t.unit,
        comparator: t.comparator,
        baseline: t.baseline,
        deadline: t.deadline,
        source_offset,
        source_len,
    })
}

pub(super) fn published_target(t: &ImportTarget) -> NewTarget {
    let metric: String = t.metric.trim().chars().take(100).collect();
    NewTarget {
        metric: if metric.is_empty() { "指标".to_owned() } else { metric },
        value: t.value,
        unit: t.unit.clone(),
        comparator: t.comparator,
        baseline: t.baseline,
        deadline: t.deadline,
    }
}

/// Draft tasks as stored, each with the tenant's org the extractor suggested
/// as lead (by name) and its targets placed in the source text.
fn new_tasks(drafts: &[DraftTask], orgs: &[Org]) -> Vec<NewImportTask> {
    drafts
        .iter()
        .map(|d| NewImportTask {
            section: d.section.clone(),
            text: d.text.clone(),
            deadline: d.deadline,
            lead_org_id: d
                .suggested_lead_org
                .as_ref()
                .and_then(|name| orgs.iter().find(|o| &o.name == name))
                .map(|o| o.id),
            lead_org_name: d.suggested_lead_org.clone(),
            source_start: offset(d.offset.get()),
            source_end: offset(d.end.get()),
            targets: d
                .targets
                .iter()
                .map(|t| NewImportTarget {
                    metric: t.metric.clone(),
                    value: t.value,
                    unit: t.unit.clone(),
                    comparator: t.comparator,
                    baseline: t.baseline,
                    deadline: t.deadline,
                    source_offset: Some(offset(t.offset.get())),
                    source_len: offset(t.text.chars().count()),
                })
                .collect(),
        })
        .collect()
}

/// A char count as stored (offsets are `BIGINT`).
fn offset(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Where in the source text the split of a task's text after `head` falls.
/// A task's text is its source span with spaces and line breaks removed, so
/// the split lies after as many non-space source chars as `head` has.
fn source_position(source: &str, start: i64, end: i64, head: &[char]) -> i64 {
    let wanted = head.iter().filter(|c| !c.is_whitespace()).count();
    let start_index = usize::try_from(start).unwrap_or(0);
    let mut seen = 0;
    for (i, c) in source.chars().enumerate().skip(start_index) {
        if seen == wanted {
            return offset(i).min(end.max(start));
        }
        if !c.is_whitespace() {
            seen += 1;
        }
    }
    end.max(start)
}

#[cfg(test)]
mod tests {
    use super::source_position;

    #[test]
    fn a_split_position_skips_the_line_breaks_the_task_text_lost() {
        let source = "前言。新建学校3所，\n改造道路10公里。";
        // The task starts at 3 ("新"); its text is "新建学校3所，改造道路10公里。".
        let head: Vec<char> = "新建学校3所，".chars().collect();
        assert_eq!(source_position(source, 3, 20, &head), 10);
        let head: Vec<char> = "新建学校3所，改".chars().collect();
        assert_eq!(source_position(source, 3, 20, &head), 12);
    }
}
