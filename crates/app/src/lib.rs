//! Use cases: the one API that web and CLI both call. Each use case takes the
//! signed-in user, checks what their role and org allow, validates the input
//! into a Chinese message per field, and calls storage.
//!
//! This crate holds the only real clock ([`Clock`]). It must not know about
//! HTTP or HTML.

mod alerts;
mod assignments;
mod auth;
mod bulletins;
mod cache;
mod calendar;
mod clock;
mod dashboard;
pub mod demo;
mod error;
pub mod extraction;
mod imports;
mod ledgers;
pub mod lenient;
pub mod notifications;
mod orgs;
mod plans;
pub mod reporting;
mod reports;
mod status;
pub mod supervision;
pub mod synthetic;

pub use assignments::{
    AssignmentDetail, AssignmentFileDownload, AssignmentFilter, AssignmentOverview, DEFAULT_CONTENT_TYPE,
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_NAME, NewAssignmentInput, OrgAssignmentStats, OrgAssignments, StageLine,
    StageRate, TimelineRuleInput, TransitionInput,
};
pub use auth::SessionToken;
pub use calendar::{CalendarDayInput, CalendarYear, MAX_CALENDAR_BYTES};
pub use clock::{Clock, beijing};
pub use dashboard::{Dashboard, GroupTally, RED_LIST_LIMIT, Tally};
pub use error::AppError;
pub use imports::{ImportReview, ImportTaskInput, MAX_REPORT_BYTES};
pub use ledgers::{LedgerFile, LedgerImported, MAX_LEDGER_BYTES, MAX_LEDGER_ERRORS};
pub use notifications::{ChannelInput, ChannelView, DeliveryPass, Message, TestSend};
pub use orgs::{OrgInput, UserInput};
pub use plans::{AssignmentInput, PlanInput, PlanOverview, TargetInput, TaskDetail, TaskFilter, TaskInput};
pub use qingdan_office::LedgerKind;
pub use qingdan_storage::CalendarChange;
pub use qingdan_storage::RedTask;
pub use qingdan_storage::{AssignmentFile, AssignmentFileId, AssignmentPage, AssignmentSummary, LightChangeNotice};
pub use qingdan_storage::{Backend, LightCounts, ReviewQueueItem, StorageError, Store, TaskListItem, TaskPage};
pub use qingdan_storage::{ChannelId, NotificationId, OutboxItem, OutboxStatus};
pub use qingdan_storage::{
    ImportId, ImportStatus, ImportSummary, ImportTarget, ImportTargetId, ImportTask, ImportTaskId, ReportImport,
};
pub use reporting::{
    MyReporting, OrgReporting, PlanSchedule, ReportingReminders, ReportingStatus, ScheduleInput, StaleTask,
    TaskReporting,
};
pub use reports::{ActualInput, MyTasks, ReportInput, ReviewInput};
pub use status::{HalfCheck, HalfCheckLine, PlanProgress, SectionProgress, StatusRulesInput};

use cache::TtlCache;
use qingdan_domain::{PlanId, TenantId, User};
use qingdan_storage::Actor;
use std::time::Duration;

/// How long cached light counts and sessions are trusted (see [`cache`]).
const CACHE_TTL: Duration = Duration::from_secs(5);
/// How long a battle map is trusted: lights change with reviews and the
/// hourly refresh, and a leader's overview may lag a review by this much.
const DASHBOARD_TTL: Duration = Duration::from_secs(30);

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: storage plus the clock. Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    clock: Clock,
    /// Light counts of whole plans: every page of a plan shows the same ones,
    /// and counting 100,000 tasks costs more than the rest of the page.
    counts: TtlCache<(TenantId, PlanId), LightCounts>,
    /// Signed-in users by session token hash: every request asks.
    sessions: TtlCache<String, User>,
    /// Light counts of assigned matters, by tenant and lead org (all when `None`).
    matter_counts: TtlCache<(TenantId, Option<qingdan_domain::OrgId>), LightCounts>,
    /// Plans by id: a plan does not change once created (no update exists).
    plans: TtlCache<(TenantId, PlanId), qingdan_domain::Plan>,
    /// Working-day calendars by tenant: every deadline in working days asks.
    calendars: TtlCache<TenantId, qingdan_domain::WorkCalendar>,
    /// Battle maps of whole plans: grouping 100,000 tasks costs far more than the page.
    dashboards: TtlCache<(TenantId, PlanId), std::sync::Arc<Dashboard>>,
    /// Held while a battle map is built (see [`App::dashboard`]).
    dashboard_builds: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl App {
    pub fn new(store: Store, clock: Clock) -> App {
        App {
            store,
            clock,
            counts: TtlCache::new(CACHE_TTL, 1000),
            sessions: TtlCache::new(CACHE_TTL, 100_000),
            plans: TtlCache::new(Duration::from_secs(600), 1000),
            matter_counts: TtlCache::new(CACHE_TTL, 10_000),
            calendars: TtlCache::new(calendar::TTL, 10_000),
            dashboards: TtlCache::new(DASHBOARD_TTL, 1000),
            dashboard_builds: std::sync::Arc::default(),
        }
    }

    /// Opens the database a URL names and brings its schema up to date.
    pub async fn open(url: &str, clock: Clock) -> Result<App> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(App::new(store, clock))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn actor(&self, user: &User) -> Actor {
        Actor { user_id: Some(user.id), at: self.clock.now() }
    }

    fn system_actor(&self) -> Actor {
        Actor { user_id: None, at: self.clock.now() }
    }

    /// Whether the database answers.
    pub async fn is_ready(&self) -> bool {
        self.store.ping().await.is_ok()
    }

    /// Recomputes every task's light for today under the tenant's status rules
    /// (亮灯规则, [`qingdan_domain::status`]), alerting the lead orgs of tasks
    /// that turn red or overdue; returns how many changed.
    pub async fn refresh_lights(&self, tenant: TenantId) -> Result<usize> {
        let today = self.clock.today();
        let rules = self.store.status_rules(tenant).await?;
        let changes: Vec<_> = self
            .store
            .task_progress(tenant)
            .await?
            .into_iter()
            .filter_map(|(id, start, end, pct, light)| {
                let now = rules.light(pct, start, end, today);
                (now != light).then_some((id, now))
            })
            .collect();
        self.alert_red_lights(tenant, &changes).await?;
        self.store.set_lights(tenant, &changes).await?;
        self.counts.clear();
        self.record_light_history(tenant).await?;
        Ok(changes.len())
    }

    /// Recomputes the lights of every tenant, and refreshes the database's
    /// statistics as the tables grow; returns how many lights changed.
    pub async fn refresh_all_lights(&self) -> Result<usize> {
        self.store.analyze().await?;
        let mut changed = 0;
        for tenant in self.store.tenant_ids().await? {
            changed += self.refresh_lights(tenant).await?;
        }
        Ok(changed)
    }
}
