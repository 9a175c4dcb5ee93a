//! The daily light sweep of assigned matters, the light changes reminders are
//! made from, and the per-org statistics from the matters' history.

use crate::{App, AppError, Result};
use chrono::NaiveDate;
use qingdan_domain::assignment::{Assignment, LightChange, Stage};
use qingdan_domain::{AssignmentId, OrgId, TenantId, User};
use qingdan_storage::LightChangeNotice;
use std::collections::BTreeMap;

/// On-time figures of one stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageRate {
    pub done: i64,
    pub on_time: i64,
}

impl StageRate {
    /// The on-time rate in percent, rounded down; `None` when nothing was done.
    pub fn percent(&self) -> Option<i64> {
        (self.done > 0).then(|| self.on_time * 100 / self.done)
    }
}

/// Per-org statistics: on-time rate per stage, average days to close, overdue count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAssignmentStats {
    pub org_id: OrgId,
    pub org_name: String,
    /// In stage order: sign for, deploy, feedback, solve.
    pub stages: [StageRate; 4],
    pub closed: i64,
    /// Average calendar days from assignment to close, in tenths of a day.
    pub average_tenth_days_to_close: Option<i64>,
    /// Open matters now red.
    pub overdue: i64,
}

impl App {
    /// 亮灯巡检: turns the lights of the tenant's open matters for `today` and
    /// returns each change (matter, old light, new light, stage, due date).
    ///
    /// One transaction of bulk statements, whatever the number of matters. Each
    /// change is also written to the matter's history as a `light` entry, in the
    /// same transaction, so reminders made from
    /// [`App::light_changes_to_notify`] survive a crash between the sweep and
    /// the sending. Running it twice on a day changes nothing the second time.
    pub async fn sweep_assignments(&self, tenant: TenantId, today: NaiveDate) -> Result<Vec<LightChange>> {
        let changes = self.store.sweep_assignment_lights(tenant, today, self.clock.now()).await;
        self.matter_counts.clear();
        Ok(changes?)
    }

    /// Light changes not yet turned into reminders, oldest first, with the
    /// matter's title and lead org: the hook for 催办 and 督办通知单. After
    /// sending (or queueing in the outbox with the event id as its key), call
    /// [`App::mark_light_changes_notified`].
    pub async fn light_changes_to_notify(&self, tenant: TenantId, limit: u32) -> Result<Vec<LightChangeNotice>> {
        Ok(self.store.light_changes_to_notify(tenant, limit).await?)
    }

    /// A matter as the scheduler reads it, with no user: for the text of a
    /// reminder or a supervision notice (督办通知单) — its lead org, leader
    /// (`leader_name`, `leader_id`) and due dates.
    pub async fn assignment_for_notice(&self, tenant: TenantId, id: AssignmentId) -> Result<Assignment> {
        self.store.assignment(tenant, id).await?.ok_or(AppError::NotFound("交办事项"))
    }

    /// Marks light changes (by their `event_id`) as turned into reminders.
    pub async fn mark_light_changes_notified(&self, tenant: TenantId, event_ids: &[i64]) -> Result<()> {
        Ok(self.store.mark_light_changes_notified(tenant, event_ids, self.clock.now()).await?)
    }

    /// Per-org statistics of the tenant: on-time rate per stage, average days to close, overdue count.
    pub async fn assignment_statistics(&self, user: &User) -> Result<Vec<OrgAssignmentStats>> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let tenant = user.tenant_id;
        let orgs = self.store.orgs(tenant).await?;
        let mut by_org: BTreeMap<OrgId, OrgAssignmentStats> = BTreeMap::new();
        let entry = |by_org: &mut BTreeMap<OrgId, OrgAssignmentStats>, org: OrgId| {
            by_org.entry(org).or_insert_with(|| OrgAssignmentStats {
                org_id: org,
                org_name: orgs.iter().find(|o| o.id == org).map(|o| o.name.clone()).unwrap_or_default(),
                stages: [StageRate::default(); 4],
                closed: 0,
                average_tenth_days_to_close: None,
                overdue: 0,
            });
        };
        for f in self.store.assignment_stage_figures(tenant).await? {
            let i = Stage::ALL.iter().position(|s| *s == f.stage).unwrap_or(0);
            entry(&mut by_org, f.org_id);
            if let Some(e) = by_org.get_mut(&f.org_id) {
                e.stages[i] = StageRate { done: f.done, on_time: f.on_time };
            }
        }
        for f in self.store.assignment_close_figures(tenant).await? {
            entry(&mut by_org, f.org_id);
            if let Some(e) = by_org.get_mut(&f.org_id) {
                e.closed = f.closed;
                e.average_tenth_days_to_close = (f.closed > 0).then(|| f.total_days * 10 / f.closed);
            }
        }
        for (org, n) in self.store.assignment_overdue_counts(tenant).await? {
            entry(&mut by_org, org);
            if let Some(e) = by_org.get_mut(&org) {
                e.overdue = n;
            }
        }
        Ok(by_org.into_values().collect())
    }
}
