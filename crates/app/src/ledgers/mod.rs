//! 台账 (Excel ledgers): templates to download, imports of orgs, users and
//! tasks with targets, and the export of a plan's ledger with this period's
//! progress and lights.
//!
//! An import reads the whole file first and checks every row; each fault
//! becomes one message naming the cell as Excel shows it
//! (「第 7 行 F 列（完成时限）：“下月底”不是日期」), up to [`MAX_LEDGER_ERRORS`].
//! Only a file without faults is stored, in one transaction with an audit
//! event per row and one for the file: nothing is imported when any row fails.
//!
//! "This period" is the one of the plan's reporting cycle (报送周期) that
//! contains today; the report shown is the lead org's for it.
//!
//! Who may: admins import orgs and users; the office (supervisors and admins)
//! imports tasks; everyone exports the tasks they may see (a reporter those
//! their org leads or supports, as on the plan page).
//!
//! Task hierarchy comes from 序号: `一、` is level 1, `（一）` level 2, `1.`/`1、`
//! level 3, `（1）` level 4 (as the demo city and work reports number them); in
//! a file without Chinese numbers, `3`, `3.2`, `3.2.1` give levels by their
//! dots. A task goes under the nearest task above it of a higher level. An
//! empty 序号 makes a task a sibling of the one above. Consecutive rows with
//! the same 序号 and 任务内容 (merged or repeated) are one task, one target
//! per row.

use crate::auth::{check_password, hash_password};
use crate::guards::{require_admin, require_supervisor};
use crate::{App, AppError, Result};
use chrono::NaiveDate;
use qingdan_domain::{Comparator, Decimal, Invalid, OrgId, OrgKind, Plan, PlanId, Responsibility, Role, TaskId, User};
use qingdan_extract::{Numbering, numbering};
use qingdan_office::{
    LedgerKind, LedgerTable, OfficeError, normalize_name, org_column, parse_ledger_date, read_ledger_table,
    task_column, user_column,
};
use qingdan_storage::{
    Conflict, LedgerOrg, LedgerParent, LedgerTask, NewTarget, NewTask, NewUser, Section, StorageError, Unique,
};
use std::collections::HashMap;
mod export;

pub use export::LedgerFile;

use std::str::FromStr;

/// The largest ledger file accepted.
pub const MAX_LEDGER_BYTES: usize = 20 * 1024 * 1024;

/// At most this many faults are listed; the rest are counted.
pub const MAX_LEDGER_ERRORS: usize = 200;

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerImported {
    pub kind: LedgerKind,
    /// Orgs, users or tasks created.
    pub rows: usize,
    /// Targets created (tasks only).
    pub targets: usize,
    /// The tasks created at the top of what was imported (each with its
    /// sub-tasks): what [`App::undo_task_ledger`] takes back.
    pub roots: Vec<TaskId>,
}

/// A task ledger checked and not yet written: what it will add, and the
/// token that writes it ([`App::confirm_task_ledger`]) within 30 minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPreview {
    pub token: String,
    pub plan: Plan,
    pub file_name: String,
    /// Tasks it adds, of them at the plan's top level, and targets.
    pub tasks: usize,
    pub top_level: usize,
    pub targets: usize,
    /// The first tasks as they will read: (序号, 任务内容).
    pub first: Vec<(String, String)>,
    /// Top-level 序号 of the file that a section of the plan already has
    /// (一、 again) under another title: confirmed, the plan holds two
    /// sections of that number.
    pub repeated_numbers: Vec<String>,
    /// The plan's sections the file adds tasks under (`一、稳增长`): rows that
    /// give a section's 序号 and 任务内容 and nothing else stand for it.
    pub joined: Vec<String>,
}

/// An uploaded ledger waiting for the office's confirmation.
#[derive(Debug, Clone)]
pub(crate) struct PendingLedger {
    user: qingdan_domain::UserId,
    pub(crate) into: PendingInto,
    pub(crate) file_name: String,
    pub(crate) bytes: std::sync::Arc<Vec<u8>>,
}

/// Where a waiting ledger goes, as its preview showed it.
#[derive(Debug, Clone)]
pub(crate) enum PendingInto {
    /// Tasks into this plan.
    Plan(PlanId),
    /// The project register: what the preview said would be written.
    Projects(std::sync::Arc<crate::projects::ProjectLedgerPlan>),
}

/// The faults of a file, each naming its cell.
pub(crate) struct Faults<'a> {
    table: &'a LedgerTable,
    invalid: Invalid,
    count: usize,
}

impl<'a> Faults<'a> {
    pub(crate) fn new(table: &'a LedgerTable) -> Self {
        Faults { table, invalid: Invalid::new(), count: 0 }
    }

    pub(crate) fn add(&mut self, row: u32, column: usize, code: &'static str, message: impl AsRef<str>) {
        self.count += 1;
        if self.count <= MAX_LEDGER_ERRORS {
            let at = self.table.locate(row, column);
            self.invalid.add(&format!("row{row}"), code, format!("{at}：{}", message.as_ref()));
        }
    }

    /// How many faults were found so far (listed or not).
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    pub(crate) fn into_result(self) -> Result<()> {
        Ok(self.into_invalid().into_result()?)
    }

    /// Every fault listed in row order, and how many more there are (field `file`).
    pub(crate) fn into_invalid(mut self) -> Invalid {
        let row = |field: &str| field.strip_prefix("row").and_then(|r| r.parse::<u32>().ok()).unwrap_or(u32::MAX);
        self.invalid.errors.sort_by_key(|e| row(&e.field));
        if self.count > MAX_LEDGER_ERRORS {
            let more = self.count - MAX_LEDGER_ERRORS;
            self.invalid.add("file", "more_errors", format!("另有 {more} 处错误未列出，请改正以上错误后重新上传"));
        }
        self.invalid
    }
}

/// A task ledger checked against its plan: the tasks it adds and how many
/// targets they carry, and the plan's sections it adds under (`一、稳增长`).
struct CheckedLedger {
    plan: Plan,
    tasks: Vec<LedgerTask>,
    targets: usize,
    joined: Vec<String>,
}

/// The plan's section a row of the file stands for (one of `sections`, the
/// plan's top level or the children of a section joined above it): the same
/// 序号 and 任务内容, and nothing else filled in (no target, date or
/// responsibility, which the import would otherwise have to change).
fn joined_section<'s>(sections: &'s [Section], group: &Group, table: &LedgerTable) -> Option<&'s Section> {
    let same = |a: &str, b: &str| a.split_whitespace().eq(b.split_whitespace());
    let bare = group.lines.iter().all(|&i| {
        let line = &table.lines[i];
        (task_column::METRIC..=task_column::BASELINE).all(|column| line.get(column).is_empty())
    });
    let seq = group.seq.trim();
    (bare && !seq.is_empty())
        .then(|| sections.iter().find(|s| s.number.trim() == seq && same(&s.title, &group.title)))
        .flatten()
}

impl App {
    /// The tasks under existing task `id`, as sections a row may join
    /// ([`joined_section`]), read from storage the first time.
    async fn sub_sections<'c>(
        &self,
        tenant: qingdan_domain::TenantId,
        id: TaskId,
        below: &'c mut HashMap<TaskId, Vec<Section>>,
    ) -> Result<&'c [Section]> {
        let slot = match below.entry(id) {
            std::collections::hash_map::Entry::Occupied(read) => read.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let children = self.store.child_tasks(tenant, id).await?;
                let sections = children
                    .into_iter()
                    .map(|c| Section { id: c.task.id, path: String::new(), number: c.task.number, title: c.task.title })
                    .collect();
                slot.insert(sections)
            }
        };
        Ok(slot)
    }
}

/// A confirmation whose preview is gone (expired, confirmed, or another's).
pub(crate) fn expired() -> AppError {
    AppError::field("token", "expired", "预览已过期或不存在，请重新上传台账")
}

pub(crate) fn file_error(message: impl Into<String>) -> AppError {
    AppError::field("file", "bad_file", message)
}

/// Reads a ledger's table off the async workers ([`read_upload`]), or says
/// in Chinese what is wrong with the file.
async fn read_table(bytes: &[u8], kind: LedgerKind) -> Result<LedgerTable> {
    read_columns(bytes, kind.columns(), kind.label()).await
}

/// [`read_table`] for any ledger: its `columns`, and what its rows are (`label`).
pub(crate) async fn read_columns(
    bytes: &[u8],
    columns: &'static [qingdan_office::ColumnSpec],
    label: &'static str,
) -> Result<LedgerTable> {
    if bytes.is_empty() || bytes.len() > MAX_LEDGER_BYTES {
        return read_table_now(bytes, columns, label);
    }
    let bytes = bytes.to_vec();
    crate::input::read_upload(move || read_table_now(&bytes, columns, label)).await?
}

fn read_table_now(bytes: &[u8], columns: &'static [qingdan_office::ColumnSpec], label: &str) -> Result<LedgerTable> {
    if bytes.is_empty() {
        return Err(file_error("请选择要上传的 Excel 台账文件（.xlsx）"));
    }
    if bytes.len() > MAX_LEDGER_BYTES {
        return Err(file_error(format!("文件过大：台账不能超过{}MB", MAX_LEDGER_BYTES / 1024 / 1024)));
    }
    let table = read_ledger_table(bytes, columns).map_err(|e: OfficeError| file_error(e.to_string()))?;
    if table.lines.is_empty() {
        return Err(file_error(format!("第 {} 行表头下面没有数据行，没有可导入的{label}", table.header_row)));
    }
    Ok(table)
}

/// Names as written in a ledger mapped to the tenant's orgs.
pub(crate) fn org_index(orgs: &[qingdan_domain::Org]) -> HashMap<String, OrgId> {
    orgs.iter().map(|o| (normalize_name(&o.name), o.id)).collect()
}

fn org_kind(text: &str) -> Option<OrgKind> {
    let text = normalize_name(text);
    if text.is_empty() {
        return Some(OrgKind::Department);
    }
    if matches!(text.as_str(), "县" | "市" | "县级市" | "县(市、区)") {
        return Some(OrgKind::County);
    }
    OrgKind::ALL.into_iter().find(|k| normalize_name(k.label()) == text || k.code() == text)
}

fn role(text: &str) -> Option<Role> {
    let text = normalize_name(text);
    if matches!(text.as_str(), "督查" | "督办员" | "督查室") {
        return Some(Role::Supervisor);
    }
    Role::ALL.into_iter().find(|r| r.label() == text || r.code() == text.to_ascii_lowercase())
}

fn comparator(text: &str) -> Option<Comparator> {
    match normalize_name(text).to_ascii_lowercase().as_str() {
        "" | "等于" | "=" | "eq" | "达到" => Some(Comparator::Exactly),
        "不低于" | "以上" | "不少于" | "不小于" | "≥" | ">=" | "ge" | "大于等于" => {
            Some(Comparator::AtLeast)
        }
        "不超过" | "以内" | "以下" | "不高于" | "不大于" | "≤" | "<=" | "le" | "小于等于" => {
            Some(Comparator::AtMost)
        }
        "左右" | "约" | "approx" => Some(Comparator::About),
        _ => None,
    }
}

/// A number as offices type it: `1,200`, `８`, `5.5%` (the `%` then gives the unit).
fn number(text: &str) -> Option<(Decimal, bool)> {
    let text = normalize_name(text).replace([',', '，'], "");
    let (digits, percent) = match text.strip_suffix('%') {
        Some(d) => (d.to_owned(), true),
        None => (text, false),
    };
    Decimal::from_str(&digits).ok().map(|d| (d, percent))
}

/// One task of a file: its rows and what they say.
struct Group {
    first_row: u32,
    seq: String,
    title: String,
    /// Indexes into `table.lines`.
    lines: Vec<usize>,
}

/// Users by the names a ledger may give them: display name and username.
struct People<'a> {
    by_name: HashMap<String, Vec<&'a User>>,
}

impl<'a> People<'a> {
    fn new(users: &'a [User]) -> Self {
        let mut by_name: HashMap<String, Vec<&User>> = HashMap::new();
        for u in users {
            by_name.entry(normalize_name(&u.display_name)).or_default().push(u);
            if u.username != u.display_name {
                by_name.entry(normalize_name(&u.username)).or_default().push(u);
            }
        }
        People { by_name }
    }

    fn named(&self, name: &str) -> Vec<&'a User> {
        self.by_name.get(&normalize_name(name)).cloned().unwrap_or_default()
    }
}

impl App {
    /// A ledger template (.xlsx) to fill in; any signed-in user may download one.
    pub fn ledger_template(&self, _user: &User, kind: LedgerKind) -> Result<Vec<u8>> {
        qingdan_office::ledger_template_xlsx(kind).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Imports the orgs of a ledger (admins): all rows or none.
    pub async fn import_org_ledger(&self, user: &User, file_name: &str, bytes: &[u8]) -> Result<LedgerImported> {
        require_admin(user)?;
        let table = read_table(bytes, LedgerKind::Orgs).await?;
        let existing = org_index(&self.store.orgs(user.tenant_id).await?);
        let mut faults = Faults::new(&table);
        let mut in_file: HashMap<String, (usize, u32)> = HashMap::new();
        let mut orgs = Vec::with_capacity(table.lines.len());
        for line in &table.lines {
            let row = line.row;
            let name = line.get(org_column::NAME);
            let key = normalize_name(name);
            if name.is_empty() {
                faults.add(row, org_column::NAME, "required", "单位名称不能为空");
            } else if name.chars().count() > 60 {
                faults.add(row, org_column::NAME, "too_long", "单位名称不能超过60个字");
            } else if existing.contains_key(&key) {
                faults.add(row, org_column::NAME, "taken", format!("已有同名单位“{name}”"));
            } else if let Some((_, other)) = in_file.get(&key) {
                faults.add(row, org_column::NAME, "duplicate", format!("“{name}”与第 {other} 行重名"));
            }
            let kind_text = line.get(org_column::KIND);
            let kind = org_kind(kind_text);
            if kind.is_none() {
                faults.add(
                    row,
                    org_column::KIND,
                    "unknown",
                    format!("“{kind_text}”不是有效的单位类型，应为县（市）、区、开发区、部门或科室"),
                );
            }
            let parent_text = line.get(org_column::PARENT);
            let parent = if parent_text.is_empty() {
                LedgerParent::Top
            } else if let Some(id) = existing.get(&normalize_name(parent_text)) {
                LedgerParent::Existing(*id)
            } else if let Some((i, _)) = in_file.get(&normalize_name(parent_text)) {
                LedgerParent::Earlier(*i)
            } else {
                faults.add(
                    row,
                    org_column::PARENT,
                    "not_found",
                    format!("上级单位“{parent_text}”不存在（须是已有单位，或在本表中排在前面）"),
                );
                LedgerParent::Top
            };
            let sort_text = line.get(org_column::SORT_ORDER);
            let sort_order = if sort_text.is_empty() {
                0
            } else {
                match sort_text.parse::<i64>() {
                    Ok(n) => n,
                    Err(_) => {
                        faults.add(row, org_column::SORT_ORDER, "not_a_number", format!("“{sort_text}”不是整数"));
                        0
                    }
                }
            };
            if !key.is_empty() && !in_file.contains_key(&key) {
                in_file.insert(key, (orgs.len(), row));
            }
            orgs.push(LedgerOrg {
                name: name.to_owned(),
                kind: kind.unwrap_or(OrgKind::Department),
                parent,
                sort_order,
            });
        }
        faults.into_result()?;
        let ids = self.store.import_ledger_orgs(user.tenant_id, &orgs, file_name, self.actor(user)).await.map_err(
            |e| match e {
                StorageError::Conflict(Conflict::Taken(Unique::OrgName)) => {
                    file_error("单位名称与刚刚新增的单位重名，请刷新后重试")
                }
                other => other.into(),
            },
        )?;
        self.orgs_changed(user.tenant_id);
        Ok(LedgerImported { kind: LedgerKind::Orgs, rows: ids.len(), targets: 0, roots: Vec::new() })
    }

    /// Imports the users of a ledger (admins), each with its initial password: all rows or none.
    pub async fn import_user_ledger(&self, user: &User, file_name: &str, bytes: &[u8]) -> Result<LedgerImported> {
        require_admin(user)?;
        let table = read_table(bytes, LedgerKind::Users).await?;
        let orgs = org_index(&self.store.orgs(user.tenant_id).await?);
        let mut faults = Faults::new(&table);
        let mut in_file: HashMap<String, u32> = HashMap::new();
        let mut checked = Vec::with_capacity(table.lines.len());
        for line in &table.lines {
            let row = line.row;
            let username = line.get(user_column::USERNAME);
            if username.is_empty() {
                faults.add(row, user_column::USERNAME, "required", "用户名不能为空");
            } else if username.chars().count() > 32 {
                faults.add(row, user_column::USERNAME, "too_long", "用户名不能超过32个字符");
            } else if !username.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-') {
                faults.add(
                    row,
                    user_column::USERNAME,
                    "bad_chars",
                    format!("“{username}”不可用：用户名只能包含字母、数字、下划线、点和横线"),
                );
            } else if let Some(other) = in_file.get(username) {
                faults.add(row, user_column::USERNAME, "duplicate", format!("“{username}”与第 {other} 行重复"));
            } else if self.store.user_login(username).await?.is_some() {
                faults.add(row, user_column::USERNAME, "taken", format!("用户名“{username}”已被使用"));
            }
            in_file.entry(username.to_owned()).or_insert(row);
            let display_name = line.get(user_column::DISPLAY_NAME);
            if display_name.is_empty() {
                faults.add(row, user_column::DISPLAY_NAME, "required", "姓名不能为空");
            } else if display_name.chars().count() > 32 {
                faults.add(row, user_column::DISPLAY_NAME, "too_long", "姓名不能超过32个字");
            }
            let org_text = line.get(user_column::ORG);
            let org = orgs.get(&normalize_name(org_text)).copied();
            if org_text.is_empty() {
                faults.add(row, user_column::ORG, "required", "所属单位不能为空");
            } else if org.is_none() {
                faults.add(row, user_column::ORG, "not_found", format!("单位“{org_text}”不存在，请先导入或新增该单位"));
            }
            let role_text = line.get(user_column::ROLE);
            let role = role(role_text);
            match role {
                None => faults.add(
                    row,
                    user_column::ROLE,
                    "unknown",
                    format!("“{role_text}”不是有效的角色，应为督查员、填报员或领导"),
                ),
                Some(r) if r.is_administrator() => faults.add(
                    row,
                    user_column::ROLE,
                    "security_admin",
                    format!(
                        "“{role_text}”是管理员角色（三员分立），只能由安全管理员授予；台账中应为督查员、填报员或领导"
                    ),
                ),
                Some(_) => {}
            }
            let password = line.get(user_column::PASSWORD);
            if let Err(AppError::Invalid(e)) = check_password(password, username) {
                for error in e.errors {
                    faults.add(row, user_column::PASSWORD, error.code, error.message);
                }
            }
            checked.push((username, display_name, org, role, password));
        }
        faults.into_result()?;
        // Argon2 takes tens of milliseconds a password: hash them side by side
        // (as many at once as `auth` allows), then store them in file order.
        let mut hashing = tokio::task::JoinSet::new();
        for (i, (.., password)) in checked.iter().enumerate() {
            let password = (*password).to_owned();
            hashing.spawn(async move { (i, hash_password(password).await) });
        }
        let mut hashes = vec![String::new(); checked.len()];
        while let Some(done) = hashing.join_next().await {
            let (i, hash) = done.map_err(|e| AppError::Internal(e.to_string()))?;
            hashes[i] = hash?;
        }
        let users: Vec<NewUser> = checked
            .into_iter()
            .zip(hashes)
            .map(|((username, display_name, org, role, _), password_hash)| NewUser {
                tenant_id: user.tenant_id,
                org_id: org.unwrap_or(user.org_id),
                username: username.to_owned(),
                display_name: display_name.to_owned(),
                role: role.unwrap_or(Role::Reporter),
                password_hash,
            })
            .collect();
        let rows =
            self.store.import_ledger_users(user.tenant_id, &users, file_name, self.actor(user)).await.map_err(|e| {
                match e {
                    StorageError::Conflict(Conflict::Taken(Unique::Username)) => {
                        file_error("有用户名刚刚被他人使用，请刷新后重试")
                    }
                    other => other.into(),
                }
            })?;
        Ok(LedgerImported { kind: LedgerKind::Users, rows, targets: 0, roots: Vec::new() })
    }

    /// Imports tasks with targets into a plan (the office): all rows or none.
    pub async fn import_task_ledger(
        &self,
        user: &User,
        plan: PlanId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<LedgerImported> {
        let CheckedLedger { plan, tasks, targets: target_count, .. } =
            self.check_task_ledger(user, plan, bytes).await?;
        let rules = self.store.status_rules(user.tenant_id).await?;
        let recount = self.recount(&rules);
        let ids = self
            .store
            .import_ledger_tasks(user.tenant_id, plan.id, &tasks, file_name, recount, self.actor(user))
            .await?;
        self.counts.clear();
        self.dashboards.clear();
        let roots = tasks
            .iter()
            .zip(&ids)
            .filter(|(t, _)| !matches!(t.parent, LedgerParent::Earlier(_)))
            .map(|(_, id)| *id)
            .collect();
        Ok(LedgerImported { kind: LedgerKind::Tasks, rows: ids.len(), targets: target_count, roots })
    }

    /// Checks a task ledger for a plan and says what it would add, writing
    /// nothing; the file waits (in this process, 30 minutes) for
    /// [`App::confirm_task_ledger`]. A file with faults is refused as on import.
    pub async fn preview_task_ledger(
        &self,
        user: &User,
        plan: PlanId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<LedgerPreview> {
        let CheckedLedger { plan, tasks, targets, joined } = self.check_task_ledger(user, plan, bytes).await?;
        let token = self.hold_ledger(user, PendingInto::Plan(plan.id), file_name, bytes);
        let sections = self.store.sections(user.tenant_id, plan.id).await?;
        let repeated_numbers = tasks
            .iter()
            .filter(|t| matches!(t.parent, LedgerParent::Top))
            .map(|t| t.task.number.trim().to_owned())
            .filter(|n| !n.is_empty() && sections.iter().any(|s| s.number.trim() == n))
            .collect();
        Ok(LedgerPreview {
            token,
            plan,
            file_name: file_name.to_owned(),
            tasks: tasks.len(),
            top_level: tasks.iter().filter(|t| matches!(t.parent, LedgerParent::Top)).count(),
            targets,
            first: tasks.iter().take(10).map(|t| (t.task.number.clone(), t.task.title.clone())).collect(),
            repeated_numbers,
            joined,
        })
    }

    /// Writes a previewed task ledger (checked again: the plan or the orgs
    /// may have changed since). Only the user who uploaded it may.
    pub async fn confirm_task_ledger(&self, user: &User, token: &str) -> Result<LedgerImported> {
        let pending = self.held_ledger(user, token)?;
        let PendingInto::Plan(plan) = pending.into else { return Err(expired()) };
        let imported = self.import_task_ledger(user, plan, &pending.file_name, &pending.bytes).await?;
        self.release_ledger(token);
        Ok(imported)
    }

    /// Keeps an uploaded ledger (in this process, 30 minutes) until the
    /// user confirms it; returns the token that names it.
    pub(crate) fn hold_ledger(&self, user: &User, into: PendingInto, file_name: &str, bytes: &[u8]) -> String {
        let token = crate::auth::SessionToken::generate().0;
        let pending = PendingLedger {
            user: user.id,
            into,
            file_name: file_name.to_owned(),
            bytes: std::sync::Arc::new(bytes.to_vec()),
        };
        self.pending_ledgers.put(token.clone(), pending);
        token
    }

    /// The ledger `token` keeps for this user, or that it is gone.
    pub(crate) fn held_ledger(&self, user: &User, token: &str) -> Result<PendingLedger> {
        self.pending_ledgers.get(&token.to_owned()).filter(|p| p.user == user.id).ok_or_else(expired)
    }

    /// Forgets a confirmed ledger.
    pub(crate) fn release_ledger(&self, token: &str) {
        self.pending_ledgers.remove(&token.to_owned());
    }

    /// 撤销导入: takes the tasks a ledger import created back, as one step,
    /// into the 回收站 — refused when any of them holds a report already.
    pub async fn undo_task_ledger(&self, user: &User, plan: PlanId, roots: &[TaskId]) -> Result<usize> {
        require_supervisor(user)?;
        let plan = self.plan(user, plan).await?;
        crate::plans::require_editable(&plan)?;
        for id in roots {
            if self.store.task(user.tenant_id, *id).await?.is_none_or(|t| t.task.plan_id != plan.id) {
                return Err(AppError::NotFound("任务"));
            }
        }
        let rules = self.store.status_rules(user.tenant_id).await?;
        let recount = qingdan_storage::Recount { rules: &rules, today: self.clock.today() };
        let done = self.store.delete_tasks(user.tenant_id, roots, true, recount, self.actor(user)).await;
        self.counts.clear();
        self.dashboards.clear();
        done?;
        Ok(roots.len())
    }

    /// The plan and the tasks a task ledger holds, checked row by row.
    async fn check_task_ledger(&self, user: &User, plan: PlanId, bytes: &[u8]) -> Result<CheckedLedger> {
        require_supervisor(user)?;
        let plan = self.plan(user, plan).await?;
        crate::plans::require_editable(&plan)?;
        let table = read_table(bytes, LedgerKind::Tasks).await?;
        let tenant = user.tenant_id;
        let orgs = org_index(&self.store.orgs(tenant).await?);
        let users = self.store.users(tenant).await?;
        let people = People::new(&users);
        let start = NaiveDate::from_ymd_opt(plan.year, 1, 1).unwrap_or_default();
        let year_end = NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap_or(start);
        let today = self.clock.today();
        let rules = self.store.status_rules(tenant).await?;
        let mut faults = Faults::new(&table);

        // Rows into tasks.
        let mut groups: Vec<Group> = Vec::new();
        for (i, line) in table.lines.iter().enumerate() {
            let seq = line.get(task_column::SEQ);
            let title = line.get(task_column::TASK);
            let continues = groups
                .last()
                .is_some_and(|g| (seq.is_empty() || seq == g.seq) && (title.is_empty() || title == g.title));
            match groups.last_mut() {
                Some(group) if continues => group.lines.push(i),
                _ => {
                    if title.is_empty() {
                        faults.add(line.row, task_column::TASK, "required", "任务内容不能为空");
                    }
                    groups.push(Group {
                        first_row: line.row,
                        seq: seq.to_owned(),
                        title: title.to_owned(),
                        lines: vec![i],
                    });
                }
            }
        }

        // Levels from 序号.
        let has_chinese = groups.iter().any(|g| matches!(numbering(&g.seq), Some(Numbering::Chinese(_))));
        let sections = self.store.sections(tenant, plan.id).await?;
        let mut joined = Vec::new();
        // The children of the plan's sections the file's rows were joined to, read once each.
        let mut below: HashMap<TaskId, Vec<Section>> = HashMap::new();
        let mut stack: Vec<(u8, LedgerParent<TaskId>)> = Vec::new();
        let mut previous_level = 0u8;
        let mut tasks: Vec<LedgerTask> = Vec::with_capacity(groups.len());
        let mut target_count = 0;
        for group in &groups {
            let row = group.first_row;
            let level = if group.seq.is_empty() {
                previous_level
            } else {
                match numbering(&group.seq) {
                    Some(Numbering::Chinese(l)) => l,
                    Some(Numbering::ArabicItem) if has_chinese => 2,
                    Some(Numbering::Arabic(0)) if has_chinese => 2,
                    Some(Numbering::Arabic(l)) => l,
                    Some(Numbering::ArabicItem) => 0,
                    None => {
                        faults.add(
                            row,
                            task_column::SEQ,
                            "bad_number",
                            format!("序号“{}”无法识别层级，应写作 一、（一）1.（1）或 1、1.2、1.2.3", group.seq),
                        );
                        previous_level
                    }
                }
            };
            previous_level = level;
            while stack.last().is_some_and(|(l, _)| *l >= level) {
                stack.pop();
            }
            let parent = stack.last().map_or(LedgerParent::Top, |(_, p)| *p);
            let existing = match parent {
                LedgerParent::Top => Some(sections.as_slice()),
                LedgerParent::Existing(id) => Some(self.sub_sections(tenant, id, &mut below).await?),
                LedgerParent::Earlier(_) => None,
            };
            if let Some(section) = existing.and_then(|existing| joined_section(existing, group, &table)) {
                // Its rows go under the plan's own section of that number and title.
                stack.push((level, LedgerParent::Existing(section.id)));
                joined.push(format!("{}{}", section.number, section.title));
                continue;
            }
            stack.push((level, LedgerParent::Earlier(tasks.len())));

            if group.seq.chars().count() > 20 {
                faults.add(row, task_column::SEQ, "too_long", "序号不能超过20个字");
            }
            if group.title.chars().count() > 2000 {
                faults.add(row, task_column::TASK, "too_long", "任务内容不能超过2000个字");
            }
            let cell = |col: usize| group.lines.iter().map(|&i| table.lines[i].get(col)).find(|v| !v.is_empty());

            // 牵头单位, 配合单位.
            let lead_org = match cell(task_column::LEAD_ORG) {
                None => None,
                Some(name) => {
                    let found = orgs.get(&normalize_name(name)).copied();
                    if found.is_none() {
                        faults.add(row, task_column::LEAD_ORG, "not_found", format!("单位“{name}”不存在"));
                    }
                    found
                }
            };
            let mut supporting: Vec<OrgId> = Vec::new();
            if let Some(text) = cell(task_column::SUPPORTING_ORGS) {
                for name in text.split(|c: char| "、，,;；/".contains(c) || c.is_whitespace()).filter(|n| !n.is_empty())
                {
                    match orgs.get(&normalize_name(name)) {
                        Some(id) if Some(*id) == lead_org => faults.add(
                            row,
                            task_column::SUPPORTING_ORGS,
                            "is_lead",
                            format!("“{name}”是牵头单位，不能同时是配合单位"),
                        ),
                        Some(id) => supporting.push(*id),
                        None => {
                            faults.add(row, task_column::SUPPORTING_ORGS, "not_found", format!("单位“{name}”不存在"))
                        }
                    }
                }
            }
            supporting.sort();
            supporting.dedup();
            if supporting.len() > 30 {
                faults.add(row, task_column::SUPPORTING_ORGS, "too_many", "配合单位最多30个");
            }

            // 牵头领导, 责任人.
            let lead_leader = match cell(task_column::LEAD_LEADER) {
                None => None,
                Some(name) => {
                    let named = people.named(name);
                    let leaders: Vec<&User> = named.iter().copied().filter(|u| u.role == Role::Leader).collect();
                    match (leaders.as_slice(), named.is_empty()) {
                        ([one], _) => Some(one.id),
                        ([], true) => {
                            faults.add(row, task_column::LEAD_LEADER, "not_found", format!("用户“{name}”不存在"));
                            None
                        }
                        ([], false) => {
                            faults.add(
                                row,
                                task_column::LEAD_LEADER,
                                "not_leader",
                                format!("“{name}”不是领导角色的用户"),
                            );
                            None
                        }
                        _ => {
                            faults.add(
                                row,
                                task_column::LEAD_LEADER,
                                "ambiguous",
                                format!("有多位名为“{name}”的领导，请改填用户名"),
                            );
                            None
                        }
                    }
                }
            };
            let owner = match cell(task_column::OWNER) {
                None => None,
                Some(name) => {
                    let named = people.named(name);
                    let in_lead: Vec<&User> = named.iter().copied().filter(|u| Some(u.org_id) == lead_org).collect();
                    match (in_lead.as_slice(), named.is_empty()) {
                        ([one], _) => Some(one.id),
                        ([], true) => {
                            faults.add(row, task_column::OWNER, "not_found", format!("用户“{name}”不存在"));
                            None
                        }
                        ([], false) if lead_org.is_none() && cell(task_column::LEAD_ORG).is_none() => {
                            faults.add(row, task_column::OWNER, "no_lead_org", "填写责任人时须同时填写牵头单位");
                            None
                        }
                        ([], false) => {
                            if lead_org.is_some() {
                                faults.add(
                                    row,
                                    task_column::OWNER,
                                    "not_in_lead_org",
                                    format!("“{name}”不是牵头单位的人员"),
                                );
                            }
                            None
                        }
                        _ => {
                            faults.add(
                                row,
                                task_column::OWNER,
                                "ambiguous",
                                format!("牵头单位有多位名为“{name}”的人员，请改填用户名"),
                            );
                            None
                        }
                    }
                }
            };

            // 完成时限 and targets, row by row.
            let mut deadline: Option<NaiveDate> = None;
            let mut targets = Vec::new();
            for &i in &group.lines {
                let line = &table.lines[i];
                let text = line.get(task_column::DEADLINE);
                let row_deadline = if text.is_empty() {
                    None
                } else {
                    match parse_ledger_date(text, plan.year) {
                        Some(d) if d < start => {
                            faults.add(
                                line.row,
                                task_column::DEADLINE,
                                "before_plan",
                                format!("“{text}”早于计划年度开始（{}年1月1日）", plan.year),
                            );
                            None
                        }
                        Some(d) => Some(d),
                        None => {
                            faults.add(
                                line.row,
                                task_column::DEADLINE,
                                "not_a_date",
                                format!("“{text}”不是日期（可写作 2026-06-30、2026年6月30日、2026年6月底或年底）"),
                            );
                            None
                        }
                    }
                };
                deadline = deadline.max(row_deadline);
                if let Some(target) = self.ledger_target(&mut faults, line, &group.title, row_deadline) {
                    targets.push(target);
                }
            }
            if targets.len() > 50 {
                faults.add(row, task_column::METRIC, "too_many", "一项任务最多50个指标");
            }
            target_count += targets.len();
            let deadline = deadline.unwrap_or(year_end);
            tasks.push(LedgerTask {
                parent,
                task: NewTask {
                    tenant_id: tenant,
                    plan_id: plan.id,
                    parent_id: None,
                    number: group.seq.clone(),
                    title: group.title.clone(),
                    weight: Decimal::ONE,
                    start_date: start,
                    deadline,
                    responsibility: Responsibility {
                        lead_leader_id: lead_leader,
                        lead_org_id: lead_org,
                        supporting_org_ids: supporting,
                        owner_id: owner,
                    },
                    light: rules.light(0, start, deadline, today),
                    targets,
                },
            });
        }
        faults.into_result()?;
        Ok(CheckedLedger { plan, tasks, targets: target_count, joined })
    }

    /// The target of one row, if it has one; faults go to `faults`.
    fn ledger_target(
        &self,
        faults: &mut Faults<'_>,
        line: &qingdan_office::LedgerLine,
        title: &str,
        deadline: Option<NaiveDate>,
    ) -> Option<NewTarget> {
        let row = line.row;
        let metric = line.get(task_column::METRIC);
        let value_text = line.get(task_column::VALUE);
        if metric.is_empty() && value_text.is_empty() {
            return None;
        }
        let before = faults.count;
        if metric.chars().count() > 100 {
            faults.add(row, task_column::METRIC, "too_long", "指标名称不能超过100个字");
        }
        let value = if value_text.is_empty() {
            faults.add(row, task_column::VALUE, "required", format!("填写了指标“{metric}”，目标值不能为空"));
            None
        } else {
            let parsed = number(value_text);
            if parsed.is_none() {
                faults.add(row, task_column::VALUE, "not_a_number", format!("“{value_text}”不是数字"));
            }
            parsed
        };
        let mut unit = line.get(task_column::UNIT).to_owned();
        if unit.is_empty() && value.is_some_and(|(_, percent)| percent) {
            unit = "%".to_owned();
        }
        if unit.chars().count() > 20 {
            faults.add(row, task_column::UNIT, "too_long", "计量单位不能超过20个字");
        }
        if value.is_some_and(|(v, _)| v < Decimal::ZERO) && !qingdan_domain::unit_may_be_negative(&unit) {
            faults.add(row, task_column::VALUE, "negative", "目标值不能为负数（只有%、‰、百分点等比率可为负）");
        }
        let comparator_text = line.get(task_column::COMPARATOR);
        let comparator = comparator(comparator_text);
        if comparator.is_none() {
            faults.add(
                row,
                task_column::COMPARATOR,
                "unknown",
                format!("“{comparator_text}”不是有效的比较方式，应为不低于、不超过、左右或等于"),
            );
        }
        let baseline_text = line.get(task_column::BASELINE);
        let baseline = if baseline_text.is_empty() {
            None
        } else {
            let parsed = number(baseline_text).map(|(d, _)| d);
            if parsed.is_none() {
                faults.add(row, task_column::BASELINE, "not_a_number", format!("“{baseline_text}”不是数字"));
            }
            parsed
        };
        if faults.count != before {
            return None;
        }
        let metric = if metric.is_empty() { title.chars().take(100).collect() } else { metric.to_owned() };
        Some(NewTarget {
            metric,
            value: value.map(|(d, _)| d).unwrap_or_default(),
            unit,
            comparator: comparator.unwrap_or_default(),
            baseline,
            deadline,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparators_numbers_roles_and_kinds_as_offices_write_them() {
        assert_eq!(comparator("以上"), Some(Comparator::AtLeast));
        assert_eq!(comparator("≤"), Some(Comparator::AtMost));
        assert_eq!(comparator(""), Some(Comparator::Exactly));
        assert_eq!(comparator("大约吧"), None);
        assert_eq!(number("1,200"), Some((Decimal::from(1200), false)));
        assert_eq!(number("５.５%"), Some((Decimal::new(55, 1), true)));
        assert_eq!(number("约8"), None);
        assert_eq!(role("填报员"), Some(Role::Reporter));
        assert_eq!(role("Leader"), Some(Role::Leader));
        assert_eq!(role("处长"), None);
        assert_eq!(org_kind(""), Some(OrgKind::Department));
        assert_eq!(org_kind("县（市）"), Some(OrgKind::County));
        assert_eq!(org_kind("dev_zone"), Some(OrgKind::DevZone));
        assert_eq!(org_kind("公司"), None);
    }
}
