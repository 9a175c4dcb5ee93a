//! 项目台账: the project register to and from Excel.
//!
//! - **Export** (whoever may read projects, of what they may read): one row
//!   per project with the import's columns, then 亮灯 and 投资完成率, so an
//!   exported ledger imports back.
//! - **Import** (the office): every row is checked as the register form
//!   checks it (one rule, [`App::check_fields`]), each fault naming its cell
//!   as the task ledgers do. The pages show what a file would do first and
//!   write it on confirmation (`ledger_preview`); [`App::import_project_ledger`]
//!   stores a file without faults at once. Either way in one transaction.
//!   A row whose 项目名称 is registered already updates that project; its
//!   累计/本年完成投资 are then left as Qingdan holds them (the sum of the
//!   registered base and the accepted reports), since a ledger passed
//!   around may be older than the last report.

use super::{ProjectFilter, ProjectInput, may_manage, scope_of};
use crate::ledgers::{Faults, file_error, read_columns};
use crate::{App, AppError, Document, Result};
use qingdan_domain::project::{KeyProject, ProjectFields};
use qingdan_domain::{Invalid, Org, OrgId, ProjectId, Role, User, UserId};
use qingdan_office::{
    LedgerLine, LedgerTable, PROJECT_COLUMNS, ProjectLedgerExport, ProjectLedgerRow, normalize_name,
    project_column as col,
};
use std::collections::HashMap;

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectLedgerImported {
    pub created: usize,
    pub updated: usize,
    /// Rows with a fault, left out (a confirmed preview only; an import
    /// with any fault stores nothing).
    pub skipped: usize,
}

/// The ledger column where a register field's fault is shown.
fn column_of(field: &str) -> usize {
    match field {
        "name" => col::NAME,
        "code" => col::CODE,
        "nature" => col::NATURE,
        "category" => col::CATEGORY,
        "industry" => col::INDUSTRY,
        "county_org_id" => col::COUNTY,
        "zone_org_id" => col::ZONE,
        "location" => col::LOCATION,
        "owner_org_id" => col::OWNER_ORG,
        "scale" => col::SCALE,
        "total_investment" => col::TOTAL_INVESTMENT,
        "funding" => col::FUNDING,
        "year" => col::YEAR,
        "year_plan" => col::YEAR_PLAN,
        "base_total" => col::DONE_TOTAL,
        "base_year" => col::DONE_YEAR,
        "planned_start" => col::PLANNED_START,
        "actual_start" => col::ACTUAL_START,
        "planned_completion" => col::PLANNED_COMPLETION,
        "actual_completion" => col::ACTUAL_COMPLETION,
        "stage" => col::STAGE,
        "batch" => col::BATCH,
        "progress_text" => col::SITE_PROGRESS,
        "level" => col::LEVEL,
        "liaison_leader_id" => col::LIAISON_LEADER,
        "lead_org_id" => col::LEAD_ORG,
        "responsible" => col::RESPONSIBLE,
        _ => col::NAME,
    }
}

/// A cell's number as the form takes it: 万元 with thousands separators dropped.
fn number(text: &str) -> String {
    text.replace([',', '，'], "").trim().to_owned()
}

/// A cell's date as the form takes it (YYYY-MM-DD), or the text as written
/// so that the form's check names it.
fn date(text: &str, year: i32) -> String {
    match qingdan_office::parse_ledger_date(text, year) {
        Some(d) => d.to_string(),
        None => text.to_owned(),
    }
}

impl App {
    /// The project ledger (.xlsx) of the projects the user may read that match `filter`.
    pub async fn project_ledger(&self, user: &User, filter: &ProjectFilter) -> Result<Document> {
        let scope = scope_of(user)?;
        let query = self.project_query(user, filter, 5_000)?;
        let projects = self.store.all_projects(user.tenant_id, scope, &query).await?;
        let orgs = self.store.orgs(user.tenant_id).await?;
        let users = self.store.users(user.tenant_id).await?;
        let org_names: HashMap<OrgId, String> = orgs.into_iter().map(|o| (o.id, o.name)).collect();
        let user_names: HashMap<UserId, String> = users.into_iter().map(|u| (u.id, u.display_name)).collect();
        let today = self.clock.today();
        let title = format!("重点项目台账（截至{today}）");
        let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
            let mut export = ProjectLedgerExport::new(&title).map_err(|e| AppError::Internal(e.to_string()))?;
            for p in &projects {
                export.push(&ledger_row(p, &org_names, &user_names)).map_err(|e| AppError::Internal(e.to_string()))?;
            }
            export.finish().map_err(|e| AppError::Internal(e.to_string()))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
        Ok(Document { file_name: format!("重点项目台账（{today}）.xlsx"), bytes })
    }

    /// The project import template (.xlsx).
    pub fn project_ledger_template(&self, user: &User) -> Result<Vec<u8>> {
        scope_of(user)?;
        qingdan_office::project_ledger_template_xlsx().map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Imports a project ledger (the office): all rows or none, each row
    /// stored (a registered project's unchanged row too).
    pub async fn import_project_ledger(
        &self,
        user: &User,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ProjectLedgerImported> {
        let checked = self.check_project_ledger(user, bytes).await?;
        checked.faults.into_result()?;
        let new: Vec<ProjectFields> = checked.new.into_iter().map(|(_, f)| f).collect();
        let changed: Vec<(ProjectId, ProjectFields)> = checked.changed.into_iter().map(|(_, p, f)| (p.id, f)).collect();
        self.store_project_ledger(user, &new, &changed, file_name).await
    }

    /// Stores what a project ledger registers and changes, in one transaction.
    pub(super) async fn store_project_ledger(
        &self,
        user: &User,
        new: &[ProjectFields],
        changed: &[(ProjectId, ProjectFields)],
        file_name: &str,
    ) -> Result<ProjectLedgerImported> {
        let basis = self.light_basis(user).await?;
        let (created, updated) = self
            .store
            .import_projects(user.tenant_id, new, changed, file_name, basis, self.actor(user))
            .await
            .map_err(|e| match e {
                qingdan_storage::StorageError::Conflict(_) => file_error("项目名称与刚刚登记的项目重名，请刷新后重试"),
                other => other.into(),
            })?;
        self.forget_project_map(user.tenant_id);
        Ok(ProjectLedgerImported { created, updated, skipped: 0 })
    }

    /// Checks every row of a project ledger (the office), writing nothing:
    /// what each good row would do, and every fault.
    pub(super) async fn check_project_ledger(&self, user: &User, bytes: &[u8]) -> Result<Checked> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let table = read_columns(bytes, &PROJECT_COLUMNS, "项目").await?;
        let tenant = user.tenant_id;
        let orgs = self.store.orgs(tenant).await?;
        let users = self.store.users(tenant).await?;
        let existing: HashMap<String, KeyProject> = self
            .store
            .all_projects(tenant, qingdan_storage::ProjectScope::All, &Default::default())
            .await?
            .into_iter()
            .map(|p| (normalize_name(&p.fields.name), p))
            .collect();
        let reader = RowReader {
            table: &table,
            by_name: crate::ledgers::org_index(&orgs),
            leaders: leaders(&users),
            existing: &existing,
            year: chrono::Datelike::year(&self.clock.today()),
        };
        let mut faults = Faults::new(&table);
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut checked = Checked::default();
        for line in &table.lines {
            let (row, before) = (line.row, faults.count());
            let (input, flagged) = reader.input(line, &mut faults);
            let key = normalize_name(&input.name);
            if let Some(other) = seen.get(&key).filter(|_| !key.is_empty()) {
                faults.add(row, col::NAME, "duplicate", format!("“{}”与第 {other} 行重名", input.name));
            }
            seen.insert(key.clone(), row);
            let fields = match self.check_fields(tenant, &orgs, &users, &input).await {
                Ok(fields) => Some(fields),
                Err(AppError::Invalid(invalid)) => {
                    for e in invalid.errors {
                        let column = column_of(&e.field);
                        if !flagged.contains(&column) {
                            faults.add(row, column, e.code, e.message);
                        }
                    }
                    None
                }
                Err(other) => return Err(other),
            };
            match (fields, existing.get(&key)) {
                _ if faults.count() != before => checked.refused.push((row, input.name)),
                (Some(mut fields), Some(p)) => {
                    fields.base_total = p.fields.base_total;
                    fields.base_year = p.fields.base_year;
                    fields.task_id = p.fields.task_id;
                    checked.changed.push((row, p.clone(), fields));
                }
                (Some(fields), None) => checked.new.push((row, fields)),
                (None, _) => checked.refused.push((row, input.name)),
            }
        }
        checked.faults = Faults::into_invalid(faults);
        checked.orgs = orgs;
        checked.users = users;
        Ok(checked)
    }
}

/// A project ledger checked, nothing written.
#[derive(Default)]
pub(super) struct Checked {
    /// Rows that register a project: (row, its fields).
    pub(super) new: Vec<(u32, ProjectFields)>,
    /// Rows of a registered project: (row, the project as it stands, its fields after).
    pub(super) changed: Vec<(u32, KeyProject, ProjectFields)>,
    /// The rows with a fault: (row, 项目名称 as written).
    pub(super) refused: Vec<(u32, String)>,
    /// Every fault, each naming its cell (at most [`crate::MAX_LEDGER_ERRORS`] listed).
    pub(super) faults: Invalid,
    /// The tenant's orgs and users, by which the rows were read.
    pub(super) orgs: Vec<Org>,
    pub(super) users: Vec<User>,
}

/// The tenant's leaders by name, as a ledger's 包联领导 names them.
fn leaders(users: &[User]) -> HashMap<String, Vec<UserId>> {
    users.iter().filter(|u| u.role == Role::Leader).fold(HashMap::new(), |mut m, u| {
        m.entry(normalize_name(&u.display_name)).or_default().push(u.id);
        m
    })
}

/// Reads a ledger row as the register form would be filled in.
struct RowReader<'a> {
    table: &'a LedgerTable,
    by_name: HashMap<String, OrgId>,
    leaders: HashMap<String, Vec<UserId>>,
    existing: &'a HashMap<String, KeyProject>,
    year: i32,
}

impl RowReader<'_> {
    /// The row as the form's input, and the columns whose fault is said here
    /// (the form's check says nothing more of them).
    fn input(&self, line: &LedgerLine, faults: &mut Faults<'_>) -> (ProjectInput, Vec<usize>) {
        let (row, year, table) = (line.row, self.year, self.table);
        let mut flagged: Vec<usize> = Vec::new();
        let mut org = |faults: &mut Faults<'_>, column: usize, label: &str| -> String {
            let text = line.get(column);
            if text.is_empty() {
                return String::new();
            }
            match self.by_name.get(&normalize_name(text)) {
                Some(id) => id.0.to_string(),
                None => {
                    faults.add(row, column, "not_found", format!("{label}“{text}”不是已有单位"));
                    flagged.push(column);
                    String::new()
                }
            }
        };
        // A column the file does not have leaves a registered project's value
        // as it was (the ledger carries no 签约 or 投产 date at all).
        let old = self
            .existing
            .get(&normalize_name(line.get(col::NAME)))
            .map(|p| ProjectInput::from_fields(&p.fields))
            .unwrap_or_default();
        let has = |column: usize| table.has(column);
        let text = |column: usize, kept: &str| if has(column) { line.get(column).to_owned() } else { kept.to_owned() };
        let figure = |column: usize, kept: &str| if has(column) { number(line.get(column)) } else { kept.to_owned() };
        let day = |column: usize, kept: &str| if has(column) { date(line.get(column), year) } else { kept.to_owned() };
        let liaison = if has(col::LIAISON_LEADER) { self.leader(line, faults) } else { old.liaison_leader_id.clone() };
        let mut org_or_kept = |faults: &mut Faults<'_>, column: usize, label: &str, kept: &str| {
            if has(column) { org(faults, column, label) } else { kept.to_owned() }
        };
        let input = ProjectInput {
            name: line.get(col::NAME).to_owned(),
            code: text(col::CODE, &old.code),
            nature: text(col::NATURE, &old.nature),
            category: text(col::CATEGORY, &old.category),
            industry: text(col::INDUSTRY, &old.industry),
            county_org_id: org_or_kept(faults, col::COUNTY, "所属县区", &old.county_org_id),
            zone_org_id: org_or_kept(faults, col::ZONE, "所属开发区", &old.zone_org_id),
            location: text(col::LOCATION, &old.location),
            owner_org_id: org_or_kept(faults, col::OWNER_ORG, "业主单位", &old.owner_org_id),
            scale: text(col::SCALE, &old.scale),
            total_investment: figure(col::TOTAL_INVESTMENT, &old.total_investment),
            funding: text(col::FUNDING, &old.funding),
            year: self.plan_year(line, &old.year),
            year_plan: figure(col::YEAR_PLAN, &old.year_plan),
            base_total: figure(col::DONE_TOTAL, &old.base_total),
            base_year: figure(col::DONE_YEAR, &old.base_year),
            planned_start: day(col::PLANNED_START, &old.planned_start),
            actual_start: day(col::ACTUAL_START, &old.actual_start),
            planned_completion: day(col::PLANNED_COMPLETION, &old.planned_completion),
            actual_completion: day(col::ACTUAL_COMPLETION, &old.actual_completion),
            signed_on: old.signed_on.clone(),
            producing_on: old.producing_on.clone(),
            stage: text(col::STAGE, &old.stage),
            batch: text(col::BATCH, &old.batch),
            level: text(col::LEVEL, &old.level),
            progress_text: text(col::SITE_PROGRESS, &old.progress_text),
            liaison_leader_id: liaison,
            lead_org_id: org_or_kept(faults, col::LEAD_ORG, "牵头单位", &old.lead_org_id),
            responsible: text(col::RESPONSIBLE, &old.responsible),
            ..ProjectInput::default()
        };
        (input, flagged)
    }

    /// The row's 计划年度: as written; left blank (or no such column), a
    /// registered project's own, a new one's this year. A ledger exported
    /// for next year's projects and read back keeps them next year's.
    fn plan_year(&self, line: &LedgerLine, kept: &str) -> String {
        let written = if self.table.has(col::YEAR) { line.get(col::YEAR).trim() } else { "" };
        match (written, kept.trim()) {
            ("", "") => self.year.to_string(),
            ("", kept) => kept.to_owned(),
            (written, _) => crate::input::half_width(written),
        }
    }

    /// The row's 包联领导 (a leader of the tenant), or its fault.
    fn leader(&self, line: &LedgerLine, faults: &mut Faults<'_>) -> String {
        let text = line.get(col::LIAISON_LEADER);
        match self.leaders.get(&normalize_name(text)).map(Vec::as_slice) {
            _ if text.is_empty() => String::new(),
            Some([one]) => one.0.to_string(),
            Some(_) => {
                faults.add(line.row, col::LIAISON_LEADER, "ambiguous", format!("有多位领导名为“{text}”"));
                String::new()
            }
            None => {
                let message = format!("包联领导“{text}”不是本系统的领导");
                faults.add(line.row, col::LIAISON_LEADER, "not_found", message);
                String::new()
            }
        }
    }
}

/// A project as a ledger row.
fn ledger_row(p: &KeyProject, orgs: &HashMap<OrgId, String>, users: &HashMap<UserId, String>) -> ProjectLedgerRow {
    let f = &p.fields;
    let org = |id: Option<OrgId>| id.and_then(|id| orgs.get(&id)).cloned().unwrap_or_default();
    ProjectLedgerRow {
        name: f.name.clone(),
        code: f.code.clone(),
        nature: f.nature.label().to_owned(),
        category: f.category.label().to_owned(),
        industry: f.industry.clone(),
        county: org(f.county_org_id),
        zone: org(f.zone_org_id),
        location: f.location.clone(),
        owner_org: org(Some(f.owner_org_id)),
        scale: f.scale.clone(),
        total_investment: Some(f.total_investment),
        funding: f.funding.clone(),
        year: Some(f.year),
        year_plan: Some(f.year_plan),
        done_total: Some(p.done_total),
        done_year: Some(p.done_year),
        planned_start: f.planned_start,
        actual_start: f.actual_start,
        planned_completion: f.planned_completion,
        actual_completion: f.actual_completion,
        stage: f.stage.label().to_owned(),
        batch: f.batch.map(|b| b.label().to_owned()).unwrap_or_default(),
        site_progress: f.progress_text.clone(),
        level: f.level.label().to_owned(),
        liaison_leader: f.liaison_leader_id.and_then(|u| users.get(&u)).cloned().unwrap_or_default(),
        lead_org: org(f.lead_org_id),
        responsible: f.responsible.clone(),
        light: Some(p.light),
        rate: format!("{}%", p.rate),
    }
}
