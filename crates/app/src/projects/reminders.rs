//! 项目报送提醒: the owners of projects under construction (开工, 在建) report
//! every half-month on the plans' rhythm machinery — [`PROJECT_SCHEDULE`],
//! read by `qingdan_domain::reporting` as a plan's half-monthly schedule is
//! (每半月报送：上半月15日前、下半月30日前, the last day in a short month;
//! reminded 3 days before). The reminders go out in the plans' pass
//! ([`App::remind_reporting_for`]): one per (half-month, owner) with projects
//! still unreported, before the due date and in the
//! `OVERDUE_REMINDER_DAYS` after it, each keyed so that a pass run again
//! adds nothing.

use crate::notifications::{Audience, Notice};
use crate::reporting::ReportingReminders;
use crate::reporting::schedule::OVERDUE_REMINDER_DAYS;
use crate::{App, Message, Result};
use chrono::{Days, NaiveDate};
use qingdan_domain::project::half_month_label;
use qingdan_domain::{ReportingCycle, ReportingSchedule, TenantId};

/// When project reports are due: 每半月报送，上半月15日前、下半月30日前，提前3天提醒.
pub const PROJECT_SCHEDULE: ReportingSchedule =
    ReportingSchedule { cycle: ReportingCycle::HalfMonthly, due_day: 15, remind_days_before: 3 };

impl App {
    /// Reminds the owners of unreported projects of the current and the
    /// previous half-month, adding to `pass`.
    pub(crate) async fn remind_project_reports(&self, tenant: TenantId, pass: &mut ReportingReminders) -> Result<()> {
        let today = self.clock.today();
        let current = PROJECT_SCHEDULE.period_containing(today);
        for period in [current.previous(), current] {
            let due = PROJECT_SCHEDULE.due_date(period);
            let overdue = if (PROJECT_SCHEDULE.remind_on(period)..=due).contains(&today) {
                false
            } else if today > due && today <= due + Days::new(OVERDUE_REMINDER_DAYS) {
                true
            } else {
                continue;
            };
            let start = period.first_day();
            let missing = self.store.owners_missing_project_reports(tenant, start).await?;
            let notices: Vec<Notice> = missing
                .iter()
                .map(|(org, name, count)| {
                    let kind = if overdue { "project-report-overdue" } else { "project-report-due" };
                    Notice {
                        key: format!("{kind}:{start}:org{}", org.0),
                        message: project_reminder(start, due, name, *count, overdue),
                        link: Some("/projects".to_owned()),
                        to: vec![Audience::Org(*org)],
                    }
                })
                .collect();
            if overdue {
                pass.overdue += notices.len();
            } else {
                pass.due += notices.len();
            }
            pass.queued += self.notify_all(tenant, &notices).await?;
        }
        Ok(())
    }
}

/// The reminder to an owner: the half-month, its due date and how many projects.
pub fn project_reminder(start: NaiveDate, due: NaiveDate, org: &str, projects: i64, overdue: bool) -> Message {
    let half = half_month_label(start);
    let due = due.format("%Y年%m月%d日");
    if overdue {
        Message::new(
            format!("【逾期未报】重点项目{half}进展"),
            format!("{org}：{half}重点项目进展已于{due}截止报送，你单位仍有{projects}个在建项目未报送，请立即补报。"),
        )
    } else {
        Message::new(
            format!("【报送提醒】重点项目{half}进展"),
            format!("{org}：请于{due}前报送{half}重点项目进展，你单位尚有{projects}个在建项目未报送。"),
        )
    }
}
