//! 时限重算: a matter's due dates worked out when the calendar of a year it
//! crosses was missing (Monday–Friday assumed, marked unconfirmed) are worked
//! out again once the calendar changes.

use crate::{App, AppError, Result};
use qingdan_domain::TenantId;
use qingdan_domain::assignment::{Assignment, DayCount, ExtensionStatus};
use qingdan_domain::calendar::WorkCalendar;
use qingdan_storage::{Conflict, StorageError};

impl App {
    /// Works out again the due dates of the tenant's open matters whose
    /// schedule is unconfirmed, under today's calendar; a 延期 granted keeps
    /// its date (moved to a working day). Returns how many matters changed.
    /// A matter that moved on meanwhile is left for the next change.
    pub async fn reschedule_unconfirmed(&self, tenant: TenantId) -> Result<usize> {
        let calendar = self.calendar(tenant).await?;
        let mut changed = 0;
        for id in self.store.open_assignment_ids(tenant).await? {
            let Some(before) = self.store.assignment(tenant, id).await? else { continue };
            if before.schedule.is_confirmed || before.status.is_closed() {
                continue;
            }
            let after = self.rescheduled(&before, &calendar).await?;
            if after == before {
                continue;
            }
            match self.store.reschedule_assignment(&before, &after, self.system_actor()).await {
                Ok(()) => changed += 1,
                Err(StorageError::Conflict(Conflict::AssignmentChanged)) => {}
                Err(other) => return Err(other.into()),
            }
        }
        if changed > 0 {
            self.matter_counts.clear();
        }
        Ok(changed)
    }

    /// `before` with its schedule, current due date, yellow day and light
    /// worked out under `calendar` as on the day it was assigned.
    async fn rescheduled(&self, before: &Assignment, calendar: &WorkCalendar) -> Result<Assignment> {
        let tenant = before.tenant_id;
        let rule = self.store.timeline_rule(tenant, before.rule_id).await?.ok_or(AppError::NotFound("时限规则"))?;
        let mut after = before.clone();
        after.schedule = rule.schedule(calendar, before.assigned_on, before.is_major, before.timetable);
        let extended = self.store.extension_requests(tenant, before.id).await?;
        if extended.iter().any(|e| e.status == ExtensionStatus::Approved) {
            let (solve, confirmed) = calendar.on_or_after(before.schedule.solve);
            after.schedule.solve = solve;
            after.schedule.is_confirmed &= confirmed;
        }
        if let Some(stage) = after.status.stage() {
            after.current_due = after.schedule.due(stage);
            after.yellow_from = rule.yellow_from(calendar, after.assigned_on, after.current_due);
        }
        after.light = after.light_on(self.clock.today());
        Ok(after)
    }
}
