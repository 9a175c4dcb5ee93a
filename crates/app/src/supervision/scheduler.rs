//! 督办 scheduler: turns the lights of assigned matters as the days pass and
//! queues a reminder (催办) for each change, exactly once.
//!
//! A pass commits the sweep (lights and a history entry per change) first,
//! then queues one outbox message per change keyed by the history entry, then
//! marks the entries as notified. A crash between the steps loses nothing: the
//! next pass finds the unmarked entries, and queueing the same key again adds
//! nothing. The outbox's delivery never sends one message twice.

use crate::notifications::{Audience, Notice};
use crate::{App, Message, Result};
use qingdan_domain::{Light, TenantId};
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
            let events: Vec<Notice> = notices
                .iter()
                .filter_map(|n| {
                    Some(Notice {
                        key: reminder_key(n),
                        message: reminder(n)?,
                        link: Some(format!("/assignments/{}", n.change.assignment_id.0)),
                        to: vec![Audience::Org(n.change.lead_org_id), Audience::Office],
                    })
                })
                .collect();
            queued += self.notify_all(tenant, &events).await?;
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
