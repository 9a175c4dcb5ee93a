//! 站内消息 (the in-app inbox): each person's notices, read or unread. They
//! arrive with every notice the channels send ([`App::notify_all`]) and when
//! a report is returned ([`App::tell_returned`]).

use crate::notifications::{Audience, Notice};
use crate::{App, Message, Result};
use qingdan_domain::{ProgressReport, TenantId, User};
use qingdan_storage::InboxMessage;

/// The most messages one page lists.
pub const INBOX_PAGE: i64 = 200;

impl App {
    /// The user's messages, newest first (`unread_only`: the unread).
    pub async fn inbox(&self, user: &User, unread_only: bool) -> Result<Vec<InboxMessage>> {
        Ok(self.store.inbox(user.tenant_id, user.id, unread_only, INBOX_PAGE).await?)
    }

    /// How many unread messages the user has (the menu's badge).
    pub async fn unread_messages(&self, user: &User) -> Result<i64> {
        Ok(self.store.unread_count(user.tenant_id, user.id).await?)
    }

    /// Marks one of the user's messages read, or all (`None`); returns how
    /// many changed. Another person's message is never touched.
    pub async fn mark_read(&self, user: &User, id: Option<i64>) -> Result<u64> {
        Ok(self.store.mark_read(user.tenant_id, user.id, id, self.clock.now()).await?)
    }

    /// Tells the reporter and their org that a report came back, with the
    /// reviewer's comment. The return is saved already: a notice that cannot
    /// be queued is logged, not the reviewer's error.
    pub(crate) async fn tell_returned(&self, tenant: TenantId, report: &ProgressReport, comment: &str) {
        let title = format!("【报送退回】{}期报送已退回", report.period);
        let text = format!("退回意见：{comment}。请按意见修改后重新报送。");
        let at = self.clock.now().timestamp();
        let notice = Notice {
            key: format!("report-returned:{}:{at}", report.id.0),
            message: Message::new(title, text),
            link: Some(format!("/tasks/{}/report", report.task_id.0)),
            to: vec![Audience::User(report.submitted_by), Audience::Org(report.org_id)],
        };
        if let Err(err) = self.notify_all(tenant, &[notice]).await {
            tracing::warn!("the return of report {} was not told: {err}", report.id.0);
        }
    }
}
