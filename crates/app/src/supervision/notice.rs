//! 督办通知单: the formal notice to the lead org of a red matter.

use crate::{App, AppError, Document, Result};
use chrono::Datelike;
use qingdan_domain::assignment::{Assignment, DayCounting};
use qingdan_domain::{AssignmentId, Light, User};
use qingdan_office::{SupervisionNotice, supervision_notice_docx};

/// Whether `user` may issue a 督办通知单 for the matter: the office only, and
/// only while the matter is red at a stage still open. The one place this is
/// decided; the matter's page asks it to show the button.
pub fn may_issue_notice(user: &User, a: &Assignment) -> bool {
    user.role.can_supervise() && a.light == Light::Red && a.status.stage().is_some()
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
        let Some(stage) = a.status.stage().filter(|_| may_issue_notice(user, &a)) else {
            return Err(AppError::Conflict("该事项没有逾期（未亮红灯），无需督办通知单".into()));
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
