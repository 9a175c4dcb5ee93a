//! 导入预览 of a project ledger: what the file would register and change,
//! shown before anything is written, and 确认导入, which writes exactly that.
//!
//! The file waits as a task ledger's does ([`App::hold_ledger`]: in this
//! process, 30 minutes, for the user who sent it), with what the preview
//! said. On confirmation the file is checked again; when the register (or
//! the orgs and leaders it names) changed meanwhile so that the file would
//! now do something else, nothing is written and the office is asked to look
//! again. A confirmed preview leaves out the rows it refused: a row finds its
//! project by name, so the corrected rows can follow in another file. (The
//! import without preview, [`App::import_project_ledger`], stays all or none.)

use super::ProjectLedgerImported;
use super::ledger::Checked;
use super::may_manage;
use crate::ledgers::PendingInto;
use crate::{App, AppError, Result};
use qingdan_domain::project::ProjectFields;
use qingdan_domain::{Decimal, OrgId, ProjectId, User, UserId};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// What a project ledger would do, nothing written yet; `token` confirms it
/// ([`App::confirm_project_ledger`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectLedgerPreview {
    pub token: String,
    pub file_name: String,
    /// The projects it registers.
    pub created: Vec<NewProject>,
    /// The registered projects it changes, each with what changes.
    pub changed: Vec<ChangedProject>,
    /// Rows of a registered project that change nothing.
    pub unchanged: usize,
    /// The rows it refuses (left out when confirmed).
    pub refused: Vec<RefusedRow>,
    /// 「另有 N 处错误未列出」, when the faults are too many to list.
    pub unlisted: Option<String>,
}

impl ProjectLedgerPreview {
    /// Whether confirming would write anything.
    pub fn writes(&self) -> bool {
        !self.created.is_empty() || !self.changed.is_empty()
    }
}

/// A project the ledger registers, as the preview lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    pub row: u32,
    pub name: String,
    pub owner: String,
    pub county: String,
    pub total_investment: String,
    pub stage: String,
}

/// A registered project the ledger changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedProject {
    pub row: u32,
    pub id: ProjectId,
    pub name: String,
    pub changes: Vec<FieldChange>,
}

/// One field of a changed project: its label, what it reads now and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

/// A row the ledger refuses, with every fault listed of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedRow {
    pub row: u32,
    pub name: String,
    pub reasons: Vec<String>,
}

/// What a preview said would be written: the confirmation writes it only
/// if the file, checked again, still says the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProjectLedgerPlan {
    new: Vec<ProjectFields>,
    /// (project, its fields as they stand, its fields after).
    changed: Vec<(ProjectId, ProjectFields, ProjectFields)>,
    refused: Vec<u32>,
}

impl Checked {
    fn plan(&self) -> ProjectLedgerPlan {
        ProjectLedgerPlan {
            new: self.new.iter().map(|(_, f)| f.clone()).collect(),
            changed: self
                .changed
                .iter()
                .filter(|(_, p, after)| p.fields != *after)
                .map(|(_, p, after)| (p.id, p.fields.clone(), after.clone()))
                .collect(),
            refused: self.refused.iter().map(|(row, _)| *row).collect(),
        }
    }

    fn preview(&self, token: String, file_name: &str) -> ProjectLedgerPreview {
        let names = Names::of(self);
        let created = self.new.iter().map(|(row, f)| names.new_project(*row, f)).collect();
        let changed = self
            .changed
            .iter()
            .filter(|(_, p, after)| p.fields != *after)
            .map(|(row, p, after)| ChangedProject {
                row: *row,
                id: p.id,
                name: p.fields.name.clone(),
                changes: names.changes(&p.fields, after),
            })
            .collect::<Vec<_>>();
        let refused = self
            .refused
            .iter()
            .map(|(row, name)| RefusedRow { row: *row, name: name.clone(), reasons: self.reasons(*row) })
            .collect();
        let unlisted = self.faults.errors.iter().find(|e| e.field == "file").map(|e| e.message.clone());
        ProjectLedgerPreview {
            token,
            file_name: file_name.to_owned(),
            created,
            unchanged: self.changed.len() - changed.len(),
            changed,
            refused,
            unlisted,
        }
    }

    /// The faults listed of a row.
    fn reasons(&self, row: u32) -> Vec<String> {
        let field = format!("row{row}");
        self.faults.errors.iter().filter(|e| e.field == field).map(|e| e.message.clone()).collect()
    }
}

/// Org and user names, for fields as people read them.
struct Names {
    orgs: HashMap<OrgId, String>,
    users: HashMap<UserId, String>,
}

impl Names {
    fn of(checked: &Checked) -> Names {
        Names {
            orgs: checked.orgs.iter().map(|o| (o.id, o.name.clone())).collect(),
            users: checked.users.iter().map(|u| (u.id, u.display_name.clone())).collect(),
        }
    }

    fn org(&self, id: Option<OrgId>) -> String {
        id.and_then(|id| self.orgs.get(&id)).cloned().unwrap_or_default()
    }

    fn new_project(&self, row: u32, f: &ProjectFields) -> NewProject {
        NewProject {
            row,
            name: f.name.clone(),
            owner: self.org(Some(f.owner_org_id)),
            county: self.org(f.county_org_id),
            total_investment: money(f.total_investment),
            stage: f.stage.label().to_owned(),
        }
    }

    /// The fields that differ, in ledger order.
    fn changes(&self, before: &ProjectFields, after: &ProjectFields) -> Vec<FieldChange> {
        self.shown(before)
            .into_iter()
            .zip(self.shown(after))
            .filter(|((_, b), (_, a))| a != b)
            .map(|((label, before), (_, after))| FieldChange { label, before, after })
            .collect()
    }

    /// Every field a ledger may change, as the ledger's columns name it.
    fn shown(&self, f: &ProjectFields) -> Vec<(&'static str, String)> {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let leader = f.liaison_leader_id.and_then(|u| self.users.get(&u)).cloned().unwrap_or_default();
        vec![
            ("项目名称", f.name.clone()),
            ("项目代码", f.code.clone()),
            ("建设性质", f.nature.label().to_owned()),
            ("项目类型", f.category.label().to_owned()),
            ("所属行业", f.industry.clone()),
            ("所属县区", self.org(f.county_org_id)),
            ("所属开发区", self.org(f.zone_org_id)),
            ("建设地点", f.location.clone()),
            ("业主单位", self.org(Some(f.owner_org_id))),
            ("建设规模及内容", f.scale.clone()),
            ("总投资（万元）", money(f.total_investment)),
            ("资金来源", f.funding.clone()),
            ("计划年度", f.year.to_string()),
            ("年度计划投资（万元）", money(f.year_plan)),
            ("计划开工时间", day(f.planned_start)),
            ("实际开工时间", day(f.actual_start)),
            ("计划竣工时间", day(f.planned_completion)),
            ("实际竣工时间", day(f.actual_completion)),
            ("项目阶段", f.stage.label().to_owned()),
            ("三个一批", f.batch.map(|b| b.label().to_owned()).unwrap_or_default()),
            ("形象进度", f.progress_text.clone()),
            ("项目级别", f.level.label().to_owned()),
            ("包联领导", leader),
            ("牵头单位", self.org(f.lead_org_id)),
            ("责任人", f.responsible.clone()),
        ]
    }
}

/// 万元 as people write them: no trailing zeros.
fn money(d: Decimal) -> String {
    d.normalize().to_string()
}

/// What a plan does by project name: (the fields as they stand, if
/// registered, and the fields after).
fn by_name(plan: &ProjectLedgerPlan) -> HashMap<&str, (Option<&ProjectFields>, &ProjectFields)> {
    let new = plan.new.iter().map(|f| (f.name.as_str(), (None, f)));
    new.chain(plan.changed.iter().map(|(_, before, after)| (before.name.as_str(), (Some(before), after)))).collect()
}

/// The projects whose change is not the one shown (at most five).
fn differing(shown: &ProjectLedgerPlan, now: &ProjectLedgerPlan) -> Vec<String> {
    let (shown, now) = (by_name(shown), by_name(now));
    let names: BTreeSet<&str> =
        shown.keys().chain(now.keys()).copied().filter(|n| shown.get(n) != now.get(n)).collect();
    names.into_iter().take(5).map(str::to_owned).collect()
}

impl App {
    /// Checks a project ledger and says what it would register and change
    /// and which rows it refuses, writing nothing; the file waits for
    /// [`App::confirm_project_ledger`]. A file that cannot be read is refused.
    pub async fn preview_project_ledger(
        &self,
        user: &User,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ProjectLedgerPreview> {
        let checked = self.check_project_ledger(user, bytes).await?;
        let plan = Arc::new(checked.plan());
        let token = self.hold_ledger(user, PendingInto::Projects(plan), file_name, bytes);
        Ok(checked.preview(token, file_name))
    }

    /// 确认导入: writes what the preview of `token` showed, leaving out the
    /// rows it refused — or nothing, when the file would now do otherwise.
    pub async fn confirm_project_ledger(&self, user: &User, token: &str) -> Result<ProjectLedgerImported> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let pending = self.held_ledger(user, token)?;
        let PendingInto::Projects(shown) = &pending.into else {
            return Err(crate::ledgers::expired());
        };
        let now = self.check_project_ledger(user, &pending.bytes).await?.plan();
        if now != **shown {
            return Err(AppError::Conflict(changed_meanwhile(&differing(shown, &now))));
        }
        if now.new.is_empty() && now.changed.is_empty() {
            return Err(AppError::field("token", "nothing", "台账中没有要新登记或更新的项目，未导入"));
        }
        let changed: Vec<(ProjectId, ProjectFields)> = now.changed.into_iter().map(|(id, _, f)| (id, f)).collect();
        let mut done = self.store_project_ledger(user, &now.new, &changed, &pending.file_name).await?;
        self.release_ledger(token);
        done.skipped = now.refused.len();
        Ok(done)
    }
}

fn changed_meanwhile(names: &[String]) -> String {
    let which = if names.is_empty() { String::new() } else { format!("（涉及“{}”）", names.join("”“")) };
    format!(
        "预览之后项目或单位已有变动{which}，台账现在的导入结果与预览不同，为此未导入任何项目。请重新上传台账，核对新的预览后再确认。"
    )
}
