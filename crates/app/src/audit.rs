//! 审计 (the audit trail) for the 审计管理员: browse and filter it, export
//! it (the export is itself recorded), verify its hash chain, archive its
//! oldest rows. Also the events no change writes by itself: downloads and
//! refused requests (`record_access`).

use crate::guards::require_audit_admin;
use crate::{App, AppError, Result, beijing};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use qingdan_domain::audit::{BrokenLink, ChainCheck};
use qingdan_domain::validate::Invalid;
use qingdan_domain::{AuditEvent, ChainedEvent, HashAlg, Outcome, User, UserId};
use qingdan_storage::AuditQuery;
use std::net::IpAddr;

/// Rows per page of the audit page.
pub const AUDIT_PAGE_ROWS: i64 = 100;
/// The most rows one export holds; a longer period is exported in parts.
pub const AUDIT_EXPORT_ROWS: i64 = 100_000;
/// Rows younger than this are never archived (网络安全法 第二十一条: six months).
pub const MIN_RETENTION_DAYS: u32 = 180;

/// The filter form as typed: dates as `YYYY-MM-DD`, the rest as codes.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub source: String,
    /// Keyset paging: rows before this seq.
    #[serde(default)]
    pub before: String,
}

impl AuditFilter {
    /// The fields given (not blank), as typed: what an export records it was asked.
    fn as_typed(&self) -> serde_json::Map<String, serde_json::Value> {
        let fields = [
            ("from", &self.from),
            ("to", &self.to),
            ("user", &self.user),
            ("action", &self.action),
            ("outcome", &self.outcome),
            ("source", &self.source),
            ("before", &self.before),
        ];
        fields
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v.trim().to_owned())))
            .collect()
    }
}

/// One page of the trail, newest first.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub rows: Vec<ChainedEvent>,
    /// The `before` of the next (older) page, when there is one.
    pub next_before: Option<i64>,
}

/// What a walk of the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Links checked, archives and database together.
    pub rows: u64,
    /// Rows written before the chain began (before the upgrade that brought it).
    pub before_chain: i64,
    pub last_seq: Option<i64>,
    /// The hash of the last link: written down elsewhere, it shows later that
    /// no one rewrote the chain from some row on.
    pub head: Option<String>,
    /// The first row that does not fit, if any.
    pub broken: Option<BrokenLink>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// The action names of the trail, in Chinese, for the filter and the table:
/// every code the code records (the test `every_recorded_action_has_a_label`
/// lists them; add a new one to both).
pub const ACTIONS: [(&str, &str); 64] = [
    ("sign_in", "登录"),
    ("sign_in_failed", "登录失败"),
    ("locked", "账号锁定"),
    ("sign_in_refused_locked", "锁定期间登录"),
    ("sign_out", "退出"),
    ("set_password", "修改密码"),
    ("reset_password", "重置密码"),
    ("unlock", "解锁"),
    ("download", "下载导出"),
    ("forbidden", "越权访问（403）"),
    ("create", "新增"),
    ("update", "修改"),
    ("delete", "删除"),
    ("disable", "停用"),
    ("enable", "启用"),
    ("merge", "合并"),
    ("split", "拆分"),
    ("move", "移动"),
    ("assign", "批量分配"),
    ("set_responsibility", "责任分工"),
    ("import", "导入"),
    ("import_tasks", "导入任务台账"),
    ("import_orgs", "导入单位台账"),
    ("import_users", "导入人员台账"),
    ("reread_part", "重新识别"),
    ("publish", "发布计划"),
    ("restore", "恢复"),
    ("mend", "修复排序并重算"),
    ("archive", "归档"),
    // A plan's status set by hand (`PlanStatus` codes).
    ("draft", "改为草稿"),
    ("published", "改为已发布"),
    ("archived", "改为已归档"),
    ("trash", "移入回收站"),
    ("set", "设置"),
    ("seed", "初始化"),
    ("revoke", "吊销"),
    ("use", "使用"),
    // 进展报送 and 项目半月报.
    ("submit", "报送"),
    ("resubmit", "重新报送"),
    ("withdraw", "撤回"),
    ("accept", "审核通过"),
    ("return", "退回"),
    ("unaccept", "撤销通过"),
    ("review", "审核"),
    // 前期手续, 要素堵点, 调度会.
    ("done", "办结"),
    ("reopen", "重新打开"),
    ("raise", "提出堵点"),
    ("escalate", "提级协调"),
    ("solve", "解决"),
    ("close", "销号"),
    ("reject", "驳回"),
    ("minutes", "会议纪要"),
    // 督办: the steps of a matter (`Action` codes) and the daily sweep.
    ("sign_for", "签收"),
    ("deploy", "部署"),
    ("feedback", "反馈"),
    ("request_extension", "申请延期"),
    ("approve_extension", "批准延期"),
    ("refuse_extension", "不予延期"),
    ("request_close", "申请办结"),
    ("return_close", "退回办结申请"),
    ("accept_close", "办结销号"),
    ("reassign", "改派"),
    ("reschedule", "按日历重算时限"),
    ("sweep", "亮灯巡检"),
];

/// What an audit row is about, by its `entity` code, in the trail's words.
const ENTITIES: [(&str, &str); 39] = [
    ("task", "任务"),
    ("tasks", "任务（批量）"),
    ("target", "指标"),
    ("plan", "计划"),
    ("user", "用户"),
    ("org", "单位"),
    ("session", "登录会话"),
    ("request", "访问请求"),
    ("sign_in_lock", "登录锁定"),
    ("api_token", "API令牌"),
    ("setting", "系统设置"),
    ("status_rules", "亮灯规则"),
    ("reporting_cycle", "报送周期"),
    ("calendar", "工作日历"),
    ("calendar_day", "工作日历日期"),
    ("notification_channel", "消息通道"),
    ("progress_report", "进展报送"),
    ("reports", "进展报送（批量）"),
    ("report_file", "佐证材料"),
    ("report_import", "报告导入"),
    ("import_task", "导入草稿任务"),
    ("import_target", "导入草稿指标"),
    ("ledger_import", "台账导入"),
    ("assignment", "督办事项"),
    ("assignment_file", "督办附件"),
    ("assignment_sweep", "督办亮灯巡检"),
    ("timeline_rule", "时限规则"),
    ("project", "重点项目"),
    ("project_report", "项目半月报"),
    ("project_photo", "项目照片"),
    ("project_ledger", "项目台账"),
    ("prework", "前期手续"),
    ("factor_issue", "要素堵点"),
    ("dispatch_meeting", "调度会"),
    ("dispatch_decision", "议定事项"),
    ("assessment_scheme", "考核方案"),
    ("assessment_value", "考核数据"),
    ("assessment_result", "考核结果"),
    ("audit", "审计记录"),
];

/// The Chinese name of what a row is about, or the code itself.
pub fn entity_label(code: &str) -> &str {
    ENTITIES.iter().find(|(c, _)| *c == code).map_or(code, |(_, label)| label)
}

/// The Chinese names of the fields an event's before and after carry most
/// often; another field shows under its own key.
const FIELDS: [(&str, &str); 64] = [
    ("name", "名称"),
    ("kind", "类型"),
    ("title", "标题"),
    ("deadline", "完成时限"),
    ("source", "来源"),
    ("org_id", "单位编号"),
    ("value", "目标值"),
    ("status", "状态"),
    ("parent_id", "上级任务编号"),
    ("number", "编号"),
    ("lead_org_id", "牵头单位编号"),
    ("text", "内容"),
    ("targets", "指标"),
    ("rows", "行数"),
    ("method", "请求方法"),
    ("unit", "单位"),
    ("tasks", "任务"),
    ("task_id", "任务编号"),
    ("role", "角色"),
    ("metric", "指标名称"),
    ("file", "文件"),
    ("display_name", "姓名"),
    ("comparator", "比较方式"),
    ("year", "年度"),
    ("username", "用户名"),
    ("size", "大小（字节）"),
    ("section", "章节"),
    ("project_id", "项目编号"),
    ("points", "分值"),
    ("plan_id", "清单编号"),
    ("note", "说明"),
    ("level", "级别"),
    ("enabled", "启用"),
    ("content_type", "文件类型"),
    ("weight", "权重"),
    ("start_date", "开始日期"),
    ("revision", "版本"),
    ("report_id", "报送编号"),
    ("period", "报送期"),
    ("percent_done", "完成进度（%）"),
    ("narrative", "进展情况"),
    ("problems", "存在问题"),
    ("next_steps", "下步计划"),
    ("month", "月份"),
    ("lead_leader_id", "责任领导编号"),
    ("file_name", "文件名"),
    ("actuals", "实际值"),
    ("yellow_gap", "黄灯阈值"),
    ("red_gap", "红灯阈值"),
    ("user_id", "用户编号"),
    ("scope", "权限范围"),
    ("review_comment", "审核意见"),
    ("light", "亮灯"),
    ("baseline", "基数"),
    ("actual", "实际值"),
    ("date", "日期"),
    ("filter", "筛选条件"),
    ("what", "内容"),
    ("supporting_org_ids", "配合单位编号"),
    ("owner_id", "责任人编号"),
    ("request", "请求"),
    ("task_percent_done", "任务进度（%）"),
    ("task_light", "任务亮灯"),
    ("figures_reset", "按其余报送重算进度"),
];

/// A stored before or after of an event as lines a person reads: `字段：值`
/// for each field of an object, by field name; anything else (or text
/// that is not JSON) as it stands.
pub fn change_lines(stored: &str) -> Vec<String> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(stored) else {
        return vec![stored.to_owned()];
    };
    fields
        .iter()
        .map(|(key, value)| {
            let label = FIELDS.iter().find(|(k, _)| k == key).map_or(key.as_str(), |(_, label)| label);
            let value = match value {
                serde_json::Value::String(code) if key == "status" || key.ends_with("light") => code_label(code),
                serde_json::Value::Null => "（空）".to_owned(),
                serde_json::Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
                serde_json::Value::String(s) if s.is_empty() => "（空）".to_owned(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{label}：{value}")
        })
        .collect()
}

/// A light's or a report's or plan's status code in words, or the code itself.
fn code_label(code: &str) -> String {
    let label = qingdan_domain::Light::from_code(code)
        .map(|l| l.label())
        .or_else(|| qingdan_domain::ReportStatus::from_code(code).map(|s| s.label()))
        .or_else(|| qingdan_domain::PlanStatus::from_code(code).map(|s| s.label()));
    label.unwrap_or(code).to_owned()
}

/// The Chinese name of an action, or the code itself.
pub fn action_label(code: &str) -> &str {
    ACTIONS.iter().find(|(c, _)| *c == code).map_or(code, |(_, label)| label)
}

impl App {
    /// A page of the tenant's trail as the filter asks (audit administrator).
    pub async fn audit_events(&self, auditor: &User, filter: &AuditFilter) -> Result<AuditPage> {
        require_audit_admin(auditor)?;
        let mut query = self.audit_query(filter)?;
        query.limit = AUDIT_PAGE_ROWS + 1;
        let mut rows = self.store.audit_search(auditor.tenant_id, &query).await?;
        let next_before = (rows.len() as i64 > AUDIT_PAGE_ROWS).then(|| {
            rows.truncate(AUDIT_PAGE_ROWS as usize);
            rows.last().map_or(0, |r| r.seq)
        });
        Ok(AuditPage { rows, next_before })
    }

    /// The rows the filter finds as .xlsx (at most [`AUDIT_EXPORT_ROWS`]),
    /// the export itself recorded in the trail.
    pub async fn export_audit(&self, auditor: &User, filter: &AuditFilter, source: Option<IpAddr>) -> Result<Vec<u8>> {
        require_audit_admin(auditor)?;
        let mut query = self.audit_query(filter)?;
        query.limit = AUDIT_EXPORT_ROWS;
        let rows = self.store.audit_search(auditor.tenant_id, &query).await?;
        let names = self.user_names(auditor).await?;
        let table: Vec<Vec<String>> = rows.iter().map(|r| export_row(r, &names)).collect();
        let headers =
            ["序号", "时间", "用户", "来源地址", "对象", "对象编号", "操作", "结果", "变更前", "变更后", "哈希"];
        let bytes = qingdan_office::table_xlsx("审计记录", "审计记录导出", &headers, &table)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let what = serde_json::json!({"what": "audit_export", "rows": table.len(), "filter": filter.as_typed()});
        self.record(auditor, "audit", 0, "download", what, source, Outcome::Ok).await?;
        Ok(bytes)
    }

    /// The tenant's users by id, to show names in the trail.
    pub async fn user_names(&self, user: &User) -> Result<std::collections::HashMap<UserId, String>> {
        Ok(self
            .users(user)
            .await?
            .into_iter()
            .map(|u| (u.id, format!("{}（{}）", u.display_name, u.username)))
            .collect())
    }

    fn audit_query(&self, f: &AuditFilter) -> Result<AuditQuery> {
        let mut invalid = Invalid::new();
        let from = day_start(&f.from, "from", "开始日期", &mut invalid);
        let until = day_start(&f.to, "to", "结束日期", &mut invalid).map(|d| d + Duration::days(1));
        let number = |text: &str| text.trim().parse::<i64>().ok();
        let outcome = match f.outcome.trim() {
            "" => None,
            code => Outcome::from_code(code).or_else(|| {
                invalid.add("outcome", "unknown", "结果应为成功、失败或拒绝");
                None
            }),
        };
        invalid.into_result()?;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(AuditQuery {
            from,
            until,
            user: number(&f.user).map(UserId),
            action: text(&f.action),
            entity: None,
            outcome,
            source: text(&f.source),
            before_seq: number(&f.before),
            limit: AUDIT_PAGE_ROWS,
        })
    }

    /// Walks the whole chain in the database from its first row (audit administrator).
    pub async fn verify_audit(&self, auditor: &User) -> Result<ChainReport> {
        require_audit_admin(auditor)?;
        self.verify_audit_chain(Vec::new()).await
    }

    /// Walks archived links (`archives`, oldest first, as `qingdan audit
    /// archive` wrote them) and then the database's, and names the first row
    /// that breaks the chain. Without archives the database's first link is
    /// trusted as the start when earlier ones were archived.
    pub async fn verify_audit_chain(&self, archives: Vec<ChainedEvent>) -> Result<ChainReport> {
        let mut check = if archives.first().is_some_and(|r| r.seq == 1) || archives.is_empty() {
            ChainCheck::from_start()
        } else {
            ChainCheck::from_first_row()
        };
        let (before_chain, unchained) = self.store.audit_unchained().await?;
        let report = |check: &ChainCheck, broken| ChainReport {
            rows: check.rows,
            before_chain,
            last_seq: check.last_seq(),
            head: check.head().map(str::to_owned),
            broken,
        };
        for row in &archives {
            if let Err(broken) = check.check(row) {
                return Ok(report(&check, Some(broken)));
            }
        }
        let mut after = archives.last().map_or(0, |r| r.seq);
        if archives.is_empty() {
            // The database's chain starts at its first row; after an archive that is not seq 1.
            let first = self.store.audit_chain_page(0, 1).await?;
            if first.first().is_some_and(|r| r.seq > 1) {
                check = ChainCheck::from_first_row();
            }
        }
        loop {
            let page = self.store.audit_chain_page(after, 5000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for row in &page {
                if let Err(broken) = check.check(row) {
                    return Ok(report(&check, Some(broken)));
                }
            }
        }
        if let Some(&id) = unchained.first() {
            let reason = "记录没有链序号（序号被清除）".to_owned();
            return Ok(report(&check, Some(BrokenLink { id, seq: 0, reason })));
        }
        let head = self.store.audit_chain_head().await?;
        if check.last_seq().is_some_and(|s| s != head.seq) || check.head().is_some_and(|h| h != head.hash) {
            let reason = format!("链头记录为第{}号，但最后一条记录为第{}号（末尾记录被删除）", head.seq, after);
            return Ok(report(&check, Some(BrokenLink { id: 0, seq: head.seq, reason })));
        }
        Ok(report(&check, None))
    }

    /// The oldest links, all older than `before`, that an archive may take:
    /// refused when `before` is within `retention_days` (at least 180) of today.
    pub async fn audit_rows_to_archive(&self, before: NaiveDate, retention_days: u32) -> Result<Vec<ChainedEvent>> {
        let keep = retention_days.max(MIN_RETENTION_DAYS);
        let today = self.clock.now().with_timezone(&beijing()).date_naive();
        if before > today - Duration::days(i64::from(keep)) {
            return Err(AppError::field(
                "before",
                "retention",
                format!("审计记录至少保留{keep}天：归档截止日期不能晚于{}", today - Duration::days(i64::from(keep))),
            ));
        }
        let cutoff = beijing().from_local_datetime(&before.and_hms_opt(0, 0, 0).unwrap_or_default()).single();
        let cutoff = cutoff.map_or_else(Utc::now, |c| c.with_timezone(&Utc));
        Ok(self.store.audit_archive_rows(cutoff).await?)
    }

    /// Deletes the archived `rows` from the database once the archive file
    /// (whose SHA-256 is `file_sha256`) is written; returns how many went.
    pub async fn finish_audit_archive(&self, rows: &[ChainedEvent], file_sha256: &str) -> Result<u64> {
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return Ok(0) };
        let after = serde_json::json!({
            "first_seq": first.seq, "last_seq": last.seq, "rows": rows.len(),
            "last_hash": last.hash, "file_sha256": file_sha256,
        });
        Ok(self.store.delete_archived_audit(last, after, self.clock.now()).await?)
    }

    /// Chains the events written from now on with `alg` (the configuration's `audit_hash`).
    pub async fn set_audit_hash(&self, alg: HashAlg) -> Result<()> {
        Ok(self.store.set_audit_hash(alg).await?)
    }

    /// Records an access that changes nothing: a download (`download`) or a
    /// refused request (`forbidden`), with what was asked for.
    pub async fn record_access(&self, user: &User, action: &str, what: &str, source: Option<IpAddr>) -> Result<()> {
        let outcome = if action == "forbidden" { Outcome::Refused } else { Outcome::Ok };
        let what = serde_json::json!({ "request": what });
        self.record(user, "request", 0, action, what, source, outcome).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        user: &User,
        entity: &str,
        id: i64,
        action: &str,
        after: serde_json::Value,
        source: Option<IpAddr>,
        outcome: Outcome,
    ) -> Result<()> {
        let event = AuditEvent {
            tenant_id: user.tenant_id,
            user_id: Some(user.id),
            at: self.clock.now(),
            entity: entity.to_owned(),
            entity_id: id,
            action: action.to_owned(),
            before: None,
            after: Some(after.to_string()),
            source: source.map(|ip| ip.to_string()),
            outcome,
        };
        Ok(self.store.record_event(event).await?)
    }
}

fn day_start(text: &str, field: &str, label: &str, invalid: &mut Invalid) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => beijing()
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.with_timezone(&Utc)),
        Err(_) => {
            invalid.add(field, "date", format!("{label}应为日期，如 2026-12-01"));
            None
        }
    }
}

/// A row of the export: every field as text, times in Beijing time.
fn export_row(r: &ChainedEvent, names: &std::collections::HashMap<UserId, String>) -> Vec<String> {
    let e = &r.event;
    vec![
        r.seq.to_string(),
        e.at.with_timezone(&beijing()).format("%Y-%m-%d %H:%M:%S").to_string(),
        e.user_id.map_or_else(|| "系统".to_owned(), |u| names.get(&u).cloned().unwrap_or_else(|| u.0.to_string())),
        e.source.clone().unwrap_or_default(),
        entity_label(&e.entity).to_owned(),
        e.entity_id.to_string(),
        action_label(&e.action).to_owned(),
        e.outcome.label().to_owned(),
        e.before.clone().unwrap_or_default(),
        e.after.clone().unwrap_or_default(),
        r.hash.clone(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingdan_domain::PlanStatus;
    use qingdan_domain::assignment::Action;

    #[test]
    fn a_change_reads_a_field_a_line_in_words() {
        let lines = change_lines(r#"{"status":"submitted","narrative":"","enabled":true,"zz_new":[1,2]}"#);
        assert_eq!(lines, ["启用：是", "进展情况：（空）", "状态：待审核", "zz_new：[1,2]"]);
        let reopened = change_lines(r#"{"status":"returned","task_light":"red","task_percent_done":40}"#);
        assert_eq!(reopened, ["状态：已退回", "任务亮灯：红灯", "任务进度（%）：40"]);
        assert_eq!(change_lines("not json"), ["not json"]);
        assert_eq!(change_lines("[1]"), ["[1]"]);
    }

    /// Every action code storage and app record, as passed to `event(..)` or
    /// set on an `AuditEvent` (grep for them when adding one), besides the
    /// plan statuses and the 督办 steps taken below from their types.
    const RECORDED: [&str; 48] = [
        "sign_in",
        "sign_in_failed",
        "locked",
        "sign_in_refused_locked",
        "sign_out",
        "set_password",
        "reset_password",
        "unlock",
        "download",
        "forbidden",
        "create",
        "update",
        "delete",
        "disable",
        "enable",
        "merge",
        "split",
        "move",
        "assign",
        "set_responsibility",
        "import",
        "import_tasks",
        "import_orgs",
        "import_users",
        "reread_part",
        "publish",
        "restore",
        "mend",
        "archive",
        "set",
        "seed",
        "revoke",
        "use",
        "submit",
        "resubmit",
        "withdraw",
        "accept",
        "return",
        "unaccept",
        "review",
        "done",
        "reopen",
        "raise",
        "escalate",
        "solve",
        "close",
        "reject",
        "minutes",
    ];

    #[test]
    fn every_recorded_action_has_a_label() {
        let plans = [PlanStatus::Draft, PlanStatus::Published, PlanStatus::Archived, PlanStatus::Trash];
        let plans = plans.map(PlanStatus::code);
        let steps = Action::ALL.map(Action::code);
        for code in RECORDED.iter().chain(&plans).chain(&steps).chain(&["sweep"]) {
            let label = action_label(code);
            assert!(!label.is_ascii(), "{code} has no Chinese label");
        }
        let mut codes: Vec<&str> = ACTIONS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ACTIONS.len(), "a code is listed twice");
    }
}
