//! 填报表单 (the report form): what it starts from, so nothing typed is lost.
//!
//! The period is chosen from the plan's own periods (its 报送周期), newest
//! first. The form holds, in this order of preference:
//! - the org's report for that period when it is waiting or was returned
//!   (with the reviewer's 退回意见 beside it), so a resubmission starts from
//!   what was sent;
//! - else the org's newest accepted report of an earlier period (its actuals
//!   and texts), so a month's report starts from last month's.
//!
//! A period already accepted, or one not yet begun, gets no form, nor does a
//! task of an archived plan: the page says why first.

use super::reports::{ActualInput, ReportInput};
use crate::{App, AppError, Result, TaskDetail};
use qingdan_domain::{Period, PlanStatus, ProgressReport, ReportStatus, Role, TaskId, User};
use qingdan_storage::ReportFile;

/// The most periods the form offers (two years of weeks).
const MAX_PERIODS: usize = 106;

/// The report form of a task for one period.
#[derive(Debug, Clone)]
pub struct ReportForm {
    pub detail: TaskDetail,
    /// The plan's periods from the task's start to today's, newest first.
    pub periods: Vec<Period>,
    pub period: Period,
    /// The org's report for `period`, if any.
    pub existing: Option<ProgressReport>,
    /// The files of `existing`.
    pub files: Vec<ReportFile>,
    /// The org's newest accepted report of an earlier period.
    pub last_accepted: Option<ProgressReport>,
    /// `period` starts after today: nothing may be submitted for it yet
    /// ([`App::submit_report`] refuses it with [`crate::FUTURE_PERIOD`]).
    pub is_future: bool,
    /// Sub-tasks hang under the task (visible to the reporter or not): it
    /// takes no report ([`crate::SECTION_REPORT`]).
    pub is_section: bool,
}

impl ReportForm {
    /// The period's report was accepted: nothing more may be submitted for it.
    pub fn is_accepted(&self) -> bool {
        self.existing.as_ref().is_some_and(|r| r.status == ReportStatus::Accepted)
    }

    /// The task's plan is archived: it takes no report
    /// ([`App::submit_report`] refuses it).
    pub fn is_archived(&self) -> bool {
        self.detail.plan.status == PlanStatus::Archived
    }

    /// The period's report waits for review: it may be changed or withdrawn.
    pub fn waiting(&self) -> Option<&ProgressReport> {
        self.existing.as_ref().filter(|r| r.status == ReportStatus::Submitted)
    }

    /// The period's report was returned (退回), with the reviewer's comment.
    pub fn returned(&self) -> Option<&ProgressReport> {
        self.existing.as_ref().filter(|r| r.status == ReportStatus::Returned)
    }

    /// What the form's fields start with (see the module doc).
    pub fn input(&self) -> ReportInput {
        let from =
            self.existing.as_ref().filter(|r| r.status != ReportStatus::Accepted).or(self.last_accepted.as_ref());
        let mut input = from.map(ReportInput::from).unwrap_or_default();
        input.period = self.period.to_string();
        input
    }
}

/// A stored report as form input (the form refilled with it).
impl From<&ProgressReport> for ReportInput {
    fn from(r: &ProgressReport) -> Self {
        ReportInput {
            period: r.period.to_string(),
            percent_done: r.percent_done.to_string(),
            narrative: r.narrative.clone(),
            problems: r.problems.clone(),
            next_steps: r.next_steps.clone(),
            actuals: r
                .actuals
                .iter()
                .map(|a| ActualInput { target_id: a.target_id.0.to_string(), actual: a.actual.to_string() })
                .collect(),
            confirmed: false,
        }
    }
}

impl App {
    /// The report form of `task` for `period` (the plan's current period when
    /// `None`), for a reporter of an org that leads or supports the task.
    pub async fn report_form(&self, user: &User, task: TaskId, period: Option<&str>) -> Result<ReportForm> {
        let detail = self.task_detail(user, task).await?;
        if user.role != Role::Reporter || !detail.can_report {
            return Err(AppError::Forbidden);
        }
        let schedule = self.schedule_of(user.tenant_id, detail.plan.id).await?;
        let today = self.clock.today();
        let current = schedule.period_containing(today);
        let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
            Some(text) => text.parse::<Period>().map_err(|message| AppError::field("period", "bad_format", message))?,
            None => current,
        };
        let mut periods = Vec::new();
        let mut p = current;
        while p.last_day() >= detail.item.task.start_date && periods.len() < MAX_PERIODS {
            periods.push(p);
            p = p.previous();
        }
        if !periods.contains(&period) {
            // Shown so the refusal on submit is about what the reporter sees.
            periods.insert(0, period);
        }
        let own = |r: &&ProgressReport| r.org_id == user.org_id;
        let existing = detail.reports.iter().filter(own).find(|r| r.period == period).cloned();
        let last_accepted = detail
            .reports
            .iter()
            .filter(own)
            .filter(|r| r.status == ReportStatus::Accepted && r.period < period)
            .max_by_key(|r| r.period)
            .cloned();
        let files = match &existing {
            Some(r) => self.store.report_files(user.tenant_id, &[r.id]).await?.remove(&r.id).unwrap_or_default(),
            None => Vec::new(),
        };
        let is_future = period.first_day() > today;
        let is_section = !self.store.child_tasks(user.tenant_id, task).await?.is_empty();
        Ok(ReportForm { detail, periods, period, existing, files, last_accepted, is_future, is_section })
    }
}
