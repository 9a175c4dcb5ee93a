//! The work on a project: half-monthly reports and their review, 前期手续
//! nodes and 堵点, and turning an overdue node or a blocker into a 督办 matter.

use super::{may_manage, may_report};
use crate::input::{parse_date, parse_decimal};
use crate::supervision::NewAssignmentInput;
use crate::{App, AppError, Result};
use chrono::Datelike;
use qingdan_domain::assignment::AssignmentSource;
use qingdan_domain::project::{
    Coordination, DEFAULT_PREWORK_KINDS, FactorKind, FactorStatus, Stage, half_month_label, half_month_start,
};
use qingdan_domain::{
    AssignmentId, Decimal, FactorIssueId, Invalid, OrgId, PreworkId, ProjectId, ProjectReportId, Role, User,
};
use qingdan_storage::{AssignmentLink, NewFactorIssue, NewPrework, NewProjectReport};
use serde::Deserialize;

/// A half-monthly report as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectReportInput {
    /// Any day of the half-month, YYYY-MM-DD; the current half-month when empty.
    pub period: String,
    /// 本期完成投资, 万元.
    pub amount: String,
    pub progress_text: String,
    /// The stage reached, a code or a label; empty when it did not move.
    pub milestone: String,
    pub workforce: String,
    pub problems: String,
}

/// A 前期手续 node as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PreworkInput {
    pub name: String,
    pub org_id: String,
    pub deadline: String,
}

/// A 堵点 as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FactorInput {
    pub kind: String,
    pub description: String,
    pub org_id: String,
    pub deadline: String,
    pub level: String,
}

/// Working days (on the tenant's 工作日历) a raised 堵点 has at its new
/// level before it rises again.
const ESCALATION_WORKING_DAYS: u32 = 10;

/// The media type of a JPEG, PNG or WebP image, read from its first bytes
/// (never from its name or the browser's claim); `None` for anything else.
fn image_type(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if content.len() >= 12 && content.starts_with(b"RIFF") && &content[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

impl App {
    /// An owner's reporter submits (or resubmits, while not accepted) the
    /// project's report for a half-month.
    pub async fn submit_project_report(
        &self,
        user: &User,
        project: ProjectId,
        input: &ProjectReportInput,
    ) -> Result<ProjectReportId> {
        Ok(self.submit_project_report_revision(user, project, input).await?.0)
    }

    /// [`App::submit_project_report`], giving also the report's revision: 1
    /// for a first submission, more when it replaced the half-month's report
    /// still waiting for review (or returned), so the page can say so.
    pub async fn submit_project_report_revision(
        &self,
        user: &User,
        project: ProjectId,
        input: &ProjectReportInput,
    ) -> Result<(ProjectReportId, i64)> {
        let p = self.project(user, project).await?;
        if !may_report(user, &p) {
            return Err(AppError::Forbidden);
        }
        let today = self.clock.today();
        let mut invalid = Invalid::new();
        let period = match input.period.trim() {
            "" => Some(half_month_start(today)),
            text => parse_date(&mut invalid, "period", "报送周期", text).map(half_month_start),
        };
        let year = p.fields.year;
        if period.is_some_and(|p| p > today) {
            invalid.add("period", "future", "不能报送尚未开始的半月");
        } else if period.is_some_and(|p| p.year() != year) {
            // Another year's money would count into this year's project twice
            // (its registered 累计完成 stands for the years before).
            invalid.add("period", "other_year", format!("本项目的计划年度为{year}年，只能报送{year}年各半月的进展"));
        }
        let amount = match input.amount.trim() {
            "" => {
                invalid.add("amount", "required", "请填写本期完成投资（万元），没有则填0");
                None
            }
            text => parse_decimal(&mut invalid, "amount", "本期完成投资", text),
        };
        if amount.is_some_and(|a| a < Decimal::ZERO) {
            invalid.add("amount", "negative", "本期完成投资不能为负数");
        }
        let milestone = match input.milestone.trim() {
            "" => None,
            text => Stage::parse(text).or_else(|| {
                invalid.add("milestone", "unknown", format!("形象进度节点“{text}”无效"));
                None
            }),
        };
        let workforce = match crate::input::half_width(&input.workforce).as_str() {
            "" => 0,
            text => text.parse::<i64>().ok().filter(|n| (0..=1_000_000).contains(n)).unwrap_or_else(|| {
                invalid.add("workforce", "not_a_count", "在岗人数应为0或正整数");
                0
            }),
        };
        let progress_text = invalid.text("progress_text", "形象进度", &input.progress_text, 500);
        let problems = invalid.optional_text("problems", "存在问题", &input.problems, 2000);
        invalid.into_result()?;
        let new = NewProjectReport {
            project_id: project,
            period_start: period.unwrap_or(today),
            amount: amount.unwrap_or_default().round_dp(2),
            progress_text,
            milestone,
            workforce,
            problems,
        };
        Ok(self.store.submit_project_report(user.tenant_id, &new, self.actor(user)).await?)
    }

    /// The office accepts or returns a report; a return needs a reason.
    /// `seen_revision` is the revision the office read (the page sends it): a
    /// report resubmitted since is a conflict and stays waiting.
    pub async fn review_project_report(
        &self,
        user: &User,
        id: ProjectReportId,
        seen_revision: Option<i64>,
        accept: bool,
        note: &str,
    ) -> Result<ProjectId> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let mut invalid = Invalid::new();
        let note = invalid.optional_text("note", "审核意见", note, 500);
        if !accept && note.is_empty() {
            invalid.add("note", "required", "退回时请写明退回原因");
        }
        invalid.into_result()?;
        let basis = self.light_basis(user).await?;
        let project = self
            .store
            .review_project_report(user.tenant_id, id, seen_revision, accept, &note, basis, self.actor(user))
            .await?;
        self.forget_project_map(user.tenant_id);
        if !accept && let Some(report) = self.store.project_report(user.tenant_id, id).await? {
            let p = self.store.project(user.tenant_id, project).await?;
            if let Some(p) = p {
                let title = format!("项目进展被退回：{}", p.fields.name);
                let body = format!("{}的项目进展被退回。退回原因：{note}", half_month_label(report.period_start));
                self.tell_org(
                    user.tenant_id,
                    p.fields.owner_org_id,
                    &format!("project-report-return-{}-{}", id.0, report.submitted_at.timestamp()),
                    &title,
                    &body,
                    &format!("/projects/{}", project.0),
                )
                .await;
            }
        }
        Ok(project)
    }

    /// Adds photos (现场照片) to a report still waiting for review: the
    /// owner's reporters, with the limits of 佐证材料.
    pub async fn add_project_photos(
        &self,
        user: &User,
        report: ProjectReportId,
        uploads: &[crate::Upload],
    ) -> Result<ProjectId> {
        let r = self.store.project_report(user.tenant_id, report).await?.ok_or(AppError::NotFound("项目进展报送"))?;
        let p = self.project(user, r.project_id).await?;
        if !may_report(user, &p) {
            return Err(AppError::Forbidden);
        }
        let mut files = crate::reporting::files::checked_files(uploads)?;
        if files.is_empty() {
            return Err(AppError::field("file", "required", "请选择要上传的现场照片"));
        }
        for file in &mut files {
            let Some(kind) = image_type(&file.content) else {
                let message = format!("“{}”不是图片文件：现场照片只接受 JPG、PNG 或 WebP", file.name);
                return Err(AppError::field("file", "not_an_image", message));
            };
            file.content_type = kind.to_owned();
        }
        self.store.add_project_photos(user.tenant_id, report, &files, self.actor(user)).await?;
        Ok(r.project_id)
    }

    /// The photos of a project's reports, for whoever may read the project.
    pub async fn project_photos(&self, user: &User, project: ProjectId) -> Result<Vec<qingdan_storage::ProjectPhoto>> {
        self.project(user, project).await?;
        Ok(self.store.project_photos(user.tenant_id, project).await?)
    }

    /// One photo with its bytes, for whoever may read the project. Its type
    /// is read from the bytes, whatever was stored: a file that is not an
    /// image (kept from before photos were checked) comes as plain bytes.
    pub async fn project_photo(
        &self,
        user: &User,
        report: ProjectReportId,
        id: i64,
    ) -> Result<(qingdan_storage::ProjectPhoto, Vec<u8>)> {
        let r = self.store.project_report(user.tenant_id, report).await?.ok_or(AppError::NotFound("项目进展报送"))?;
        self.project(user, r.project_id).await?;
        let (mut photo, bytes) =
            self.store.project_photo(user.tenant_id, report, id).await?.ok_or(AppError::NotFound("现场照片"))?;
        photo.content_type = image_type(&bytes).unwrap_or(crate::DEFAULT_CONTENT_TYPE).to_owned();
        Ok((photo, bytes))
    }

    /// What a reviewer should weigh before accepting a report that says the
    /// project reached 竣工投产 or 达产 (an accepted one marks it 已完成, out of
    /// the red lists, the 调度通报 and the agenda): its 累计完成投资 with this
    /// report against 总投资, its unfinished 前期手续 and open 堵点. `None`
    /// for a report of another stage.
    pub async fn completion_check(
        &self,
        user: &User,
        report: &qingdan_storage::ProjectReport,
    ) -> Result<Option<String>> {
        if !report.milestone.is_some_and(Stage::is_done) {
            return Ok(None);
        }
        let tenant = user.tenant_id;
        let p = self.store.project(tenant, report.project_id).await?.ok_or(AppError::NotFound("项目"))?;
        let done = p.done_total + report.amount;
        let mut said = vec![format!(
            "申报达到“{}”，通过后项目即标为已完成，不再列入红灯名单、调度通报和调度会议程。累计完成投资{}万元",
            report.milestone.map_or("", Stage::label),
            done.normalize()
        )];
        if p.fields.total_investment > Decimal::ZERO {
            let share = (done * Decimal::from(100) / p.fields.total_investment).floor();
            said.push(format!("占总投资{share}%"));
        }
        let prework = self.store.project_prework(tenant, report.project_id).await?;
        let unfinished = prework.iter().filter(|w| w.done_on.is_none()).count();
        if unfinished > 0 {
            said.push(format!("前期手续{unfinished}项未办结"));
        }
        let issues = self.store.project_factor_issues(tenant, report.project_id).await?;
        let open = issues.iter().filter(|i| i.status != FactorStatus::Closed).count();
        if open > 0 {
            said.push(format!("堵点{open}个未销号"));
        }
        Ok(Some(said.join("，") + "。"))
    }

    /// The oldest 200 reports waiting for the office's review, and how many wait in all.
    pub async fn project_review_queue(&self, user: &User) -> Result<(Vec<qingdan_storage::ProjectReport>, i64)> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let tenant = user.tenant_id;
        let reports = self.store.project_review_queue(tenant, qingdan_storage::ProjectScope::All, 200).await?;
        Ok((reports, self.store.project_reports_waiting(tenant).await?))
    }

    /// The tenant's 前期手续 kinds (the defaults when never set).
    pub async fn prework_kinds(&self, user: &User) -> Result<Vec<String>> {
        crate::guards::require_business(user)?;
        Ok(self
            .store
            .prework_kinds(user.tenant_id)
            .await?
            .unwrap_or_else(|| DEFAULT_PREWORK_KINDS.iter().map(|k| (*k).to_owned()).collect()))
    }

    /// The office sets the tenant's 前期手续 kinds, one per line.
    pub async fn set_prework_kinds(&self, user: &User, text: &str) -> Result<Vec<String>> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let mut kinds: Vec<String> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.chars().count() > 30 {
                return Err(AppError::field("kinds", "too_long", format!("手续名称“{line}”超过30个字")));
            }
            if !kinds.iter().any(|k| k == line) {
                kinds.push(line.to_owned());
            }
        }
        if kinds.is_empty() || kinds.len() > 50 {
            return Err(AppError::field("kinds", "count", "前期手续应有1到50项，每行一项"));
        }
        self.store.set_prework_kinds(user.tenant_id, &kinds, self.actor(user)).await?;
        Ok(kinds)
    }

    /// The office adds a 前期手续 node to a project.
    pub async fn add_prework(&self, user: &User, project: ProjectId, input: &PreworkInput) -> Result<PreworkId> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        self.project(user, project).await?;
        let mut invalid = Invalid::new();
        let name = invalid.text("name", "手续名称", &input.name, 30);
        let org = self.project_org(user, &mut invalid, "org_id", "责任单位", &input.org_id).await?;
        let deadline = match input.deadline.trim() {
            "" => {
                invalid.add("deadline", "required", "请填写办理时限");
                None
            }
            text => parse_date(&mut invalid, "deadline", "办理时限", text),
        };
        invalid.into_result()?;
        let new = NewPrework {
            project_id: project,
            name,
            org_id: org.unwrap_or(OrgId(0)),
            deadline: deadline.unwrap_or_default(),
        };
        let basis = self.light_basis(user).await?;
        let id = self.store.add_prework(user.tenant_id, &new, basis, self.actor(user)).await?;
        self.forget_project_map(user.tenant_id);
        Ok(id)
    }

    /// Marks a node done today (or not done): the office or the node's org.
    pub async fn set_prework_done(&self, user: &User, id: PreworkId, done: bool) -> Result<ProjectId> {
        let node = self.store.prework(user.tenant_id, id).await?.ok_or(AppError::NotFound("前期手续"))?;
        let handles = user.role == Role::Reporter && user.org_id.0 == node.org_id;
        if !may_manage(user) && !handles {
            return Err(AppError::Forbidden);
        }
        let basis = self.light_basis(user).await?;
        let on = done.then_some(basis.today);
        self.store.set_prework_done(user.tenant_id, id, on, basis, self.actor(user)).await?;
        self.forget_project_map(user.tenant_id);
        Ok(ProjectId(node.project_id))
    }

    /// Turns a node not yet done into a 督办 matter on the tenant's 13710
    /// rule, in one step; its words say whether it is overdue.
    pub async fn assign_prework(&self, user: &User, id: PreworkId) -> Result<AssignmentId> {
        let node = self.store.prework(user.tenant_id, id).await?.ok_or(AppError::NotFound("前期手续"))?;
        if node.assignment_id.is_some() {
            return Err(AppError::Conflict("该前期手续已转为督办事项".to_owned()));
        }
        if node.done_on.is_some() {
            return Err(AppError::Conflict("该前期手续已办结，无需督办".to_owned()));
        }
        let (title, state) = if node.is_overdue(self.clock.today()) {
            (format!("{}：{}逾期未办结", node.project_name, node.name), "现已逾期")
        } else {
            (format!("{}：{}督办", node.project_name, node.name), "尚未办结")
        };
        let input = NewAssignmentInput {
            title,
            source: AssignmentSource::KeyProject.code().to_owned(),
            text: format!(
                "重点项目“{}”的前期手续“{}”应于{}前办结，{state}。请{}抓紧办理，按时限反馈进展。",
                node.project_name, node.name, node.deadline, node.org_name
            ),
            lead_org_id: Some(node.org_id),
            leader_id: self.liaison_leader(user, ProjectId(node.project_id)).await?,
            ..NewAssignmentInput::default()
        };
        self.create_linked_assignment(user, &input, Some(AssignmentLink::Prework(id))).await
    }

    /// Raises a 堵点 on a project: the office or the owner's reporters.
    pub async fn raise_factor_issue(
        &self,
        user: &User,
        project: ProjectId,
        input: &FactorInput,
    ) -> Result<FactorIssueId> {
        let p = self.project(user, project).await?;
        if !may_manage(user) && !may_report(user, &p) {
            return Err(AppError::Forbidden);
        }
        let mut invalid = Invalid::new();
        let kind = FactorKind::parse(&input.kind).unwrap_or_else(|| {
            invalid.add("kind", "unknown", "请选择问题类型：用地、用能、用水、资金、审批、拆迁或其他");
            FactorKind::Other
        });
        let description = invalid.text("description", "问题描述", &input.description, 2000);
        let org = self.project_org(user, &mut invalid, "org_id", "责任单位", &input.org_id).await?;
        let deadline = match input.deadline.trim() {
            "" => {
                invalid.add("deadline", "required", "请填写解决时限");
                None
            }
            text => parse_date(&mut invalid, "deadline", "解决时限", text),
        };
        let level = match input.level.trim() {
            "" => Coordination::County,
            text => Coordination::parse(text).unwrap_or_else(|| {
                invalid.add("level", "unknown", "协调层级应为县级、市分管领导、调度会或市政府");
                Coordination::County
            }),
        };
        invalid.into_result()?;
        let new = NewFactorIssue {
            project_id: project,
            kind,
            description,
            org_id: org.unwrap_or(OrgId(0)),
            deadline: deadline.unwrap_or_default(),
            level,
        };
        let id = self.store.raise_factor_issue(user.tenant_id, &new, self.actor(user)).await?;
        let title = format!("重点项目堵点待解决：{}", p.fields.name);
        let body = format!("{}问题：{}。请于{}前解决。", kind.label(), new.description, new.deadline);
        self.tell_org(
            user.tenant_id,
            new.org_id,
            &format!("factor-raised-{}", id.0),
            &title,
            &body,
            &format!("/projects/{}", project.0),
        )
        .await;
        self.forget_project_map(user.tenant_id);
        Ok(id)
    }

    /// A step on a 堵点: `solve` (the solving org or the office, with a note),
    /// `confirm` (销号, the owner's reporters) or `reject` (the owner: not solved).
    pub async fn step_factor_issue(
        &self,
        user: &User,
        id: FactorIssueId,
        action: &str,
        note: &str,
    ) -> Result<ProjectId> {
        let issue = self.store.factor_issue(user.tenant_id, id).await?.ok_or(AppError::NotFound("堵点问题"))?;
        let owner = user.role == Role::Reporter && user.org_id == issue.owner_org_id;
        let solver = user.role == Role::Reporter && user.org_id == issue.org_id;
        let mut invalid = Invalid::new();
        let note = invalid.optional_text("note", "说明", note, 1000);
        let (from, to, allowed) = match action {
            "solve" => (FactorStatus::Open, FactorStatus::Solved, solver || may_manage(user)),
            "confirm" => (FactorStatus::Solved, FactorStatus::Closed, owner),
            "reject" => (FactorStatus::Solved, FactorStatus::Open, owner),
            _ => return Err(AppError::field("action", "unknown", "操作应为 solve、confirm 或 reject")),
        };
        if !allowed {
            return Err(AppError::Forbidden);
        }
        if matches!(action, "solve" | "reject") && note.is_empty() {
            invalid.add("note", "required", if action == "solve" { "请写明解决情况" } else { "请写明未解决的原因" });
        }
        invalid.into_result()?;
        self.store.step_factor_issue(user.tenant_id, id, from, to, &note, self.actor(user)).await?;
        self.forget_project_map(user.tenant_id);
        Ok(issue.project_id)
    }

    /// Turns a 堵点 into a 督办 matter of its solving org, in one step.
    pub async fn assign_factor_issue(&self, user: &User, id: FactorIssueId) -> Result<AssignmentId> {
        let issue = self.store.factor_issue(user.tenant_id, id).await?.ok_or(AppError::NotFound("堵点问题"))?;
        if issue.status == FactorStatus::Closed {
            return Err(AppError::Conflict("该堵点问题已销号".to_owned()));
        }
        let input = NewAssignmentInput {
            title: format!("{}：{}问题", issue.project_name, issue.kind.label()),
            source: AssignmentSource::KeyProject.code().to_owned(),
            text: format!(
                "重点项目“{}”的{}问题：{}（{}）。",
                issue.project_name,
                issue.kind.label(),
                issue.description,
                match issue.agreed_deadline {
                    None => format!("原定解决时限{}", issue.deadline),
                    Some(_) => super::factor_deadline_words(&issue),
                }
            ),
            lead_org_id: Some(issue.org_id.0),
            leader_id: self.liaison_leader(user, issue.project_id).await?,
            ..NewAssignmentInput::default()
        };
        self.create_linked_assignment(user, &input, Some(AssignmentLink::Factor(id))).await
    }

    /// The project's 包联领导, the 责任领导 of a matter made from it.
    async fn liaison_leader(&self, user: &User, project: ProjectId) -> Result<Option<i64>> {
        let project = self.store.project(user.tenant_id, project).await?;
        Ok(project.and_then(|p| p.fields.liaison_leader_id).map(|u| u.0))
    }

    /// Raises every overdue open 堵点 one coordination level (the daily
    /// sweep), with a new deadline ten working days on, on the tenant's
    /// calendar; the agreed one stays as 原定解决时限.
    pub async fn escalate_factor_issues(&self) -> Result<usize> {
        let today = self.clock.today();
        let mut raised = 0;
        for tenant in self.store.tenant_ids().await? {
            let deadline = self.calendar(tenant).await?.add_working_days(today, ESCALATION_WORKING_DAYS).date;
            raised += self.store.escalate_factor_issues(tenant, today, deadline, self.system_actor()).await?.len();
        }
        Ok(raised)
    }

    /// An org of the tenant named by its id in a form field.
    pub(crate) async fn project_org(
        &self,
        user: &User,
        invalid: &mut Invalid,
        field: &str,
        label: &str,
        text: &str,
    ) -> Result<Option<OrgId>> {
        let text = text.trim();
        if text.is_empty() {
            invalid.add(field, "required", format!("请选择{label}"));
            return Ok(None);
        }
        let Ok(id) = text.parse::<i64>() else {
            invalid.add(field, "not_found", format!("{label}（{text}）不存在"));
            return Ok(None);
        };
        match self.store.org(user.tenant_id, OrgId(id)).await? {
            Some(org) if org.is_active => Ok(Some(org.id)),
            _ => {
                invalid.add(field, "not_found", format!("{label}（编号{id}）不存在或已停用"));
                Ok(None)
            }
        }
    }

    /// Tells an org's people, in their inbox, of something on a project.
    pub(crate) async fn tell_org(
        &self,
        tenant: qingdan_domain::TenantId,
        org: OrgId,
        key: &str,
        title: &str,
        body: &str,
        link: &str,
    ) {
        let notice = qingdan_storage::InboxNotice {
            event_key: key,
            title,
            body,
            link: Some(link),
            to: &[qingdan_storage::Audience::Org(org)],
        };
        if let Err(e) = self.store.deliver_to_inbox(tenant, &[notice], self.clock.now()).await {
            tracing::warn!("inbox delivery failed: {e}");
        }
    }
}
