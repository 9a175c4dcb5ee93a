//! 站内消息 (the in-app inbox): each person's notices, read or unread. They
//! arrive with every notice the channels send ([`App::notify_all`]) and when
//! a report is returned or a matter moves (told to the inbox only).

use crate::notifications::{Audience, Notice};
use crate::{App, Message, Result};
use qingdan_domain::assignment::{Action, Assignment, Party};
use qingdan_domain::{AssignmentId, ProgressReport, TenantId, User};
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
        self.tell_sent_back(
            tenant,
            report,
            "report-returned",
            "报送退回",
            format!("的报送已退回。退回意见：{comment}"),
        )
        .await;
    }

    /// 撤销通过: tells the reporter and their org, as of a return, that an
    /// accepted report was sent back, with the office's reason.
    pub(crate) async fn tell_unaccepted(&self, tenant: TenantId, report: &ProgressReport, comment: &str) {
        let text = format!("的报送已撤销审核通过，退回修改。撤销原因：{comment}");
        self.tell_sent_back(tenant, report, "report-unaccepted", "撤销通过", text).await;
    }

    /// A report sent back to its org (`kind` keys the notice, `title` heads
    /// it, `said` follows the task's name), linking to its form.
    async fn tell_sent_back(&self, tenant: TenantId, report: &ProgressReport, kind: &str, title: &str, said: String) {
        let what = format!("{}（{}）", self.task_name(tenant, report).await, report.period.label());
        let title = format!("【{title}】{what}");
        let said = said.trim_end_matches('。');
        let text = format!("{what}{said}。请按意见修改后重新报送。");
        let at = self.clock.now().timestamp();
        let notice = Notice {
            key: format!("{kind}:{}:{at}", report.id.0),
            message: Message::new(title, text),
            link: Some(format!("/tasks/{}/report?period={}", report.task_id.0, report.period)),
            to: vec![Audience::User(report.submitted_by), Audience::Org(report.org_id)],
        };
        if let Err(err) = self.deliver_to_inbox(tenant, std::slice::from_ref(&notice)).await {
            tracing::warn!("the sending back of report {} was not told: {err}", report.id.0);
        }
    }

    /// "任务“1.2 title”" of a report (just the title when it has no number),
    /// or "任务" when it cannot be read.
    async fn task_name(&self, tenant: TenantId, report: &ProgressReport) -> String {
        match self.store.task(tenant, report.task_id).await {
            Ok(Some(t)) => {
                let name = format!("{} {}", t.task.number, t.task.title);
                format!("任务“{}”", name.trim())
            }
            Ok(None) => "任务".to_owned(),
            Err(err) => {
                tracing::warn!("the task of returned report {} was not read: {err}", report.id.0);
                "任务".to_owned()
            }
        }
    }

    /// 交办: tells the lead org (to sign for it) and the supporting orgs.
    pub(crate) async fn tell_assigned(&self, tenant: TenantId, id: AssignmentId, a: &Assignment) {
        let title = format!("【督办交办】{}", a.title);
        let text = format!("请于{}前签收并按时限办理。", a.current_due.format("%Y年%m月%d日"));
        let mut to = vec![Audience::Org(a.lead_org_id)];
        to.extend(a.supporting_org_ids.iter().map(|o| Audience::Org(*o)));
        let notice = Notice {
            key: format!("assignment-new:{}", id.0),
            message: Message::new(title, text),
            link: Some(format!("/assignments/{}", id.0)),
            to,
        };
        if let Err(err) = self.notify_all(tenant, &[notice]).await {
            tracing::warn!("matter {} was not told to its orgs: {err}", id.0);
        }
    }

    /// A step of a matter, told to the other side: the lead org's steps
    /// (签收, 反馈, 申请延期, 申请办结…) to the office, the office's to the lead org.
    pub(crate) async fn tell_step(&self, tenant: TenantId, a: &Assignment, action: Action) {
        let to = match action.party() {
            Party::LeadOrg => Audience::Office,
            Party::Office => Audience::Org(a.lead_org_id),
        };
        let at = self.clock.now().timestamp();
        // A step that sets the solve date says the date it set (an extension
        // granted to a day off falls on the next working day).
        let solve = match action {
            Action::ApproveExtension | Action::RefuseExtension | Action::ReturnClose => {
                format!("办结时限为{}。", a.schedule.solve)
            }
            _ => String::new(),
        };
        let notice = Notice {
            key: format!("assignment-step:{}:{}:{at}", a.id.0, action.code()),
            message: Message::new(
                format!("【督办】{}：{}", a.title, action.label()),
                format!("当前环节：{}。{solve}", a.status.label()),
            ),
            link: Some(format!("/assignments/{}", a.id.0)),
            to: vec![to],
        };
        if let Err(err) = self.deliver_to_inbox(tenant, std::slice::from_ref(&notice)).await {
            tracing::warn!("a step of matter {} was not told: {err}", a.id.0);
        }
    }
}
