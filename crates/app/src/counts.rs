//! Light counts of whole plans, kept for a few seconds.
//!
//! Counting 100,000 tasks by light costs more than the rest of an overview
//! page together, and every page of the plan shows the same counts. This
//! process forgets them at once when it changes a light; another process
//! sharing the database (several servers on one PostgreSQL) is seen within
//! [`TTL`].

use qingdan_domain::{PlanId, TenantId};
use qingdan_storage::LightCounts;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long counts are trusted.
const TTL: Duration = Duration::from_secs(5);

/// When each plan's counts were taken, and the counts.
type Entries = HashMap<(TenantId, PlanId), (Instant, LightCounts)>;

#[derive(Clone, Debug, Default)]
pub(crate) struct CountsCache {
    entries: Arc<Mutex<Entries>>,
}

impl CountsCache {
    pub(crate) fn get(&self, tenant: TenantId, plan: PlanId) -> Option<LightCounts> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(&(tenant, plan)).filter(|(at, _)| at.elapsed() < TTL).map(|(_, counts)| *counts)
    }

    pub(crate) fn put(&self, tenant: TenantId, plan: PlanId, counts: LightCounts) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, (at, _)| at.elapsed() < TTL);
        entries.insert((tenant, plan), (Instant::now(), counts));
    }

    /// Forgets everything: a light or a task changed.
    pub(crate) fn clear(&self) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}
