//! 督办 scheduler: turns the lights of assigned matters as the days pass and
//! queues a reminder (催办) for each change, exactly once.
//!
//! A pass commits the sweep (lights and a history entry per change) first,
//! then queues one outbox message per change keyed by the history entry, then
//! marks the entries as notified. A crash between the steps loses nothing: the
//! next pass finds the unmarked entries, and queueing the same key again adds
//! nothing. The outbox's delivery never sends one message twice.

use crate::{App, AppError, Message, Result};
use chrono::Datelike;
use qingdan_domain::assignment::DayCounting;
use qingdan_domain::{AssignmentId, Light, TenantId, User};
use qingdan_office::{SupervisionNotice, supervision_notice_docx};
use qingdan_storage::LightChangeNotice;

/// How many light changes one pass turns into reminders per batch.
const BATCH: u32 = 2000;

/// What one pass of the scheduler did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SupervisionPass {
    /// Matters whose light changed today.
    pub changed: usize,
    /// Changes turned into reminders (queued for every enabled channel).
    pub reminded: usize,
    /// Outbox messages added.
    pub queued: u64,
}

impl App {
    /// One pass over every tenant, as of the clock's today.
    pub async fn supervise_all(&self) -> Result<SupervisionPass> {
        let mut total = SupervisionPass::default();
        for tenant in self.store.tenant_ids().await? {
            let pass = self.supervise(tenant).await?;
            total.changed += pass.changed;
            total.reminded += pass.reminded;
            total.queued += pass.queued;
        }
        Ok(total)
    }

    /// One pass over a tenant: sweep the lights, then remind.
    pub async fn supervise(&self, tenant: TenantId) -> Result<SupervisionPass> {
        let changed = self.sweep_assignments(tenant, self.clock.today()).await?.len();
        let (reminded, queued) = self.remind_light_changes(tenant).await?;
        Ok(SupervisionPass { changed, reminded, queued })
    }

    /// Queues a reminder for every light change not yet reminded, and marks
    /// them; returns (changes reminded, outbox messages added).
    pub async fn remind_light_changes(&self, tenant: TenantId) -> Result<(usize, u64)> {
        let (mut reminded, mut queued) = (0, 0);
        loop {
            let notices = self.light_changes_to_notify(tenant, BATCH).await?;
            if notices.is_empty() {
                return Ok((reminded, queued));
            }
            let events: Vec<(String, Message)> =
                notices.iter().filter_map(|n| Some((reminder_key(n), reminder(n)?))).collect();
            queued += self.notify_many(tenant, &events).await?;
            let ids: Vec<i64> = notices.iter().map(|n| n.change.event_id).collect();
            self.mark_light_changes_notified(tenant, &ids).await?;
            reminded += notices.len();
        }
    }
}

/// The outbox key of a light change's reminder: one per history entry.
pub fn reminder_key(notice: &LightChangeNotice) -> String {
    format!("assignment-light:{}", notice.change.event_id)
}

/// The reminder for a light change; a matter turning green needs none.
pub fn reminder(notice: &LightChangeNotice) -> Option<Message> {
    let c = &notice.change;
    let stage = c.stage.label();
    let due = c.due.format("%Y年%m月%d日");
    let (title, text) = match c.to {
        Light::Yellow => (
            format!("【督办提醒】{}", notice.title),
            format!("交办事项“{}”的{stage}环节将于{due}到期，请{}抓紧办理。", notice.title, notice.lead_org_name),
        ),
        Light::Red | Light::Overdue => (
            format!("【督办·红灯】{}", notice.title),
            format!(
                "交办事项“{}”的{stage}环节已于{due}到期未完成，已亮红灯。请{}立即办理并反馈。",
                notice.title, notice.lead_org_name
            ),
        ),
        Light::Green | Light::Done => return None,
    };
    Some(Message::new(title, text))
}

/// A generated document: its file name and bytes.
#[derive(Debug, Clone)]
pub struct Document {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl App {
    /// 督办通知单 for a red matter, addressed to its lead org and leader and
    /// signed by the assigning office. Only the office (supervisors, admins)
    /// issues one; a matter that is not red has nothing to press on.
    pub async fn supervision_notice(&self, user: &User, id: AssignmentId) -> Result<Document> {
        if !user.role.can_supervise() {
            return Err(AppError::Forbidden);
        }
        let a = self.assignment(user, id).await?;
        let stage = match a.status.stage() {
            Some(stage) if a.light == Light::Red => stage,
            _ => return Err(AppError::Conflict("该事项没有逾期（未亮红灯），无需督办通知单".into())),
        };
        let tenant = user.tenant_id;
        let rule = self.store.timeline_rule(tenant, a.rule_id).await?.ok_or(AppError::NotFound("时限规则"))?;
        let calendar = self.calendar(tenant).await?;
        let today = self.clock.today();
        let days_overdue = match rule.counting {
            DayCounting::WorkingDays => calendar.working_days_between(a.current_due, today),
            DayCounting::CalendarDays => (today - a.current_due).num_days(),
        };
        let org_name = |org| async move {
            Ok::<_, AppError>(self.store.org(tenant, org).await?.map(|o| o.name).unwrap_or_default())
        };
        let notice = SupervisionNotice {
            doc_number: format!("督办〔{}〕{}号", today.year(), a.id.0),
            addressee_org: org_name(a.lead_org_id).await?,
            responsible_leader: a.leader_name.clone(),
            matter_title: a.title.clone(),
            source: a.source.label().to_owned(),
            assigned_on: a.assigned_on,
            overdue_stage: stage.label().to_owned(),
            stage_due: a.current_due,
            days_overdue: u32::try_from(days_overdue.max(1)).unwrap_or(u32::MAX),
            day_counting: rule.counting,
            assigning_office: org_name(a.assigning_org_id).await?,
            reply_by: calendar.add_working_days(today, NOTICE_REPLY_DAYS).date,
            requirement: format!(
                "该事项{}环节已逾期。请你单位主要负责同志亲自过问，于{}个工作日内办理到位并书面反馈办理结果；确有困难的，说明原因并提出具体完成时限。",
                stage.label(),
                NOTICE_REPLY_DAYS
            ),
            issued_on: today,
        };
        let bytes = supervision_notice_docx(&notice).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Document { file_name: format!("督办通知单-{}.docx", a.id.0), bytes })
    }
}

/// Working days a supervision notice gives the org to reply.
const NOTICE_REPLY_DAYS: u32 = 3;
