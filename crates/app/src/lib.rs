//! Use cases: the one API that web and CLI both call. Each use case takes the
//! signed-in user, checks what their role and org allow, validates the input
//! into a Chinese message per field, and calls storage.
//!
//! This crate holds the only real clock ([`Clock`]). It must not know about
//! HTTP or HTML.

// Shared by every feature.
mod cache;
mod clock;
mod error;
mod guards;
mod input;
pub mod lenient;

// Features, named as in `qingdan-storage` and `qingdan-web`.
mod admin;
pub mod assessment;
pub mod audit;
mod auth;
mod calendar;
mod dashboard;
pub mod demo;
mod demo_assessment;
mod demo_projects;
pub mod imports;
mod inbox;
mod ledgers;
pub mod notifications;
mod plans;
pub mod projects;
pub mod reporting;
pub mod search;
mod security;
mod status;
pub mod supervision;
pub mod tokens;
pub mod workbench;

pub use admin::{OrgInput, UserEdit, UserInput};
pub use auth::{SessionToken, SignInPolicy, hash_password};
pub use calendar::{CalendarDayInput, CalendarYear, MAX_CALENDAR_BYTES};
pub use clock::{Clock, beijing};
pub use dashboard::{Dashboard, GroupTally, RED_LIST_LIMIT, Tally};
pub use error::{
    ARCHIVED_FROZEN, ARCHIVED_PLAN, ARCHIVED_REPORT, ARCHIVED_REVIEW, ARCHIVED_UNACCEPT, AppError, DELETED_TASK,
    DELETED_TASK_REVIEW, REPORT_NOT_ACCEPTED, SECTION_REPORT,
};
pub use imports::{
    ImportReview, ImportTaskInput, MAX_DRAFT_TASKS, MAX_REPORT_BYTES, MAX_REPORT_CHARS, PartChange, PublishInput,
    ReviewPart,
};
pub use input::{MAX_BATCH, TargetInput};
pub use ledgers::{LedgerFile, LedgerImported, LedgerPreview, MAX_LEDGER_BYTES, MAX_LEDGER_ERRORS};
pub use notifications::{ChannelInput, ChannelView, DeliveryPass, Message, TestSend};
pub use plans::{
    BulkResponsibilityInput, BulkTaskInput, CopiedFrom, CopySource, PlanCreated, PlanInput, PlanOverview,
    ResponsibilityInput, TaskDetail, TaskEdit, TaskFamily, TaskFilter, TaskInput,
};
pub use qingdan_domain::{
    AssignmentFileId, ChannelId, ImportId, ImportStatus, ImportTargetId, ImportTaskId, NotificationId, OutboxStatus,
};
pub use qingdan_notify::NetworkPolicy;
pub use qingdan_office::LedgerKind;
pub use qingdan_storage::ApiToken;
pub use qingdan_storage::CalendarChange;
pub use qingdan_storage::InboxMessage;
pub use qingdan_storage::OutboxItem;
pub use qingdan_storage::RedTask;
pub use qingdan_storage::{AssignmentFile, AssignmentPage, AssignmentSummary, LightChangeNotice};
pub use qingdan_storage::{Backend, LightCounts, ReviewQueueItem, StorageError, Store, TaskListItem, TaskPage};
pub use qingdan_storage::{BulkLead, DeletedTask, RestoredPlace, UserUpdated};
pub use qingdan_storage::{ImportSummary, ImportTarget, ImportTask, ReportImport};
pub use qingdan_storage::{ReportFile, ReviewFilter};
pub use reporting::files::{MAX_REPORT_FILES, ReportFileDownload, Upload};
pub use reporting::form::ReportForm;
pub use reporting::reports::{
    ActualInput, FUTURE_PERIOD, MyTasks, ReportInput, ReviewInput, ReviewQuery, ReviewQueuePage, UnacceptInput,
};
pub use reporting::review::{BatchOutcome, Refusal, ReviewBoard, ReviewCard};
pub use reporting::schedule::{
    MyReporting, OrgReporting, PlanSchedule, ReportingReminders, ReportingStatus, ScheduleInput, StaleTask,
    TaskReporting,
};
pub use security::{Lock, PolicyInput};
pub use status::{HalfCheck, HalfCheckLine, PlanProgress, SectionProgress, StatusRulesInput};
pub use supervision::{
    AssignmentDetail, AssignmentFileDownload, AssignmentFilter, AssignmentOverview, DEFAULT_CONTENT_TYPE,
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_NAME, NewAssignmentInput, OrgAssignmentStats, OrgAssignments, StageLine,
    StageRate, TimelineRuleInput, TransitionInput, may_issue_notice,
};

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

/// A generated document: its file name and bytes.
#[derive(Debug, Clone)]
pub struct Document {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

tokio::task_local! {
    /// The client address of the request being served, for the audit trail.
    static SOURCE: Option<std::net::IpAddr>;
}

/// Runs `work` (a request's handling) with `source` as the client address
/// stamped on every audit event it writes (等保2.0: each record holds the
/// source address). The web layer wraps each request in it.
pub async fn with_source<F: std::future::Future>(source: Option<std::net::IpAddr>, work: F) -> F::Output {
    SOURCE.scope(source, work).await
}

/// The address [`with_source`] set, if the caller runs inside it.
fn request_source() -> Option<std::net::IpAddr> {
    SOURCE.try_with(|s| *s).ok().flatten()
}

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
    /// Plans by id: a plan changes only when archived, which forgets it here
    /// (another process sees it within the TTL).
    plans: TtlCache<(TenantId, PlanId), qingdan_domain::Plan>,
    /// Working-day calendars by tenant: every deadline in working days asks.
    calendars: TtlCache<TenantId, qingdan_domain::WorkCalendar>,
    /// Battle maps of whole plans: grouping 100,000 tasks costs far more than the page.
    dashboards: TtlCache<(TenantId, PlanId), std::sync::Arc<Dashboard>>,
    /// Held while a battle map is built (see [`App::dashboard`]).
    dashboard_builds: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Projects maps by tenant and scope: summing 20,000 projects costs more than the page.
    project_maps:
        TtlCache<(TenantId, qingdan_storage::ProjectScope, Option<i32>), std::sync::Arc<projects::ProjectMap>>,
    /// The tenant's orgs, for the pages that list or name them (forgotten at every change here).
    orgs: TtlCache<TenantId, std::sync::Arc<Vec<qingdan_domain::Org>>>,
    /// The menu's counts by user (every page asks for them): a few seconds old at most.
    menu_counts: TtlCache<qingdan_domain::UserId, Vec<(&'static str, usize)>>,
    /// Ledgers (tasks, projects) previewed and waiting for the office's confirmation, by token.
    pending_ledgers: TtlCache<String, ledgers::PendingLedger>,
    /// When failed sign-ins lock an account or an address: the
    /// configuration's, unless the security administrator set another
    /// (kept here a minute: [`App::sign_in_policy`]).
    configured_policy: SignInPolicy,
    policy: TtlCache<(), SignInPolicy>,
    /// Light thresholds by tenant: every task created and report reviewed asks
    /// (forgotten when changed here; another process sees a change within the TTL).
    rules: TtlCache<TenantId, qingdan_domain::StatusRules>,
    /// Reporting schedules by plan: every report submission asks ([`App::schedule_of`]).
    schedules: TtlCache<(TenantId, PlanId), qingdan_domain::ReportingSchedule>,
    /// The networks notification channels may reach (no loopback or metadata by default).
    network_policy: qingdan_notify::NetworkPolicy,
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
            project_maps: TtlCache::new(DASHBOARD_TTL, 1000),
            orgs: TtlCache::new(CACHE_TTL, 1000),
            dashboard_builds: std::sync::Arc::default(),
            pending_ledgers: TtlCache::new(Duration::from_secs(30 * 60), 100),
            menu_counts: TtlCache::new(Duration::from_secs(10), 10_000),
            configured_policy: SignInPolicy::default(),
            policy: TtlCache::new(Duration::from_secs(60), 1),
            rules: TtlCache::new(CACHE_TTL, 10_000),
            schedules: TtlCache::new(CACHE_TTL, 10_000),
            network_policy: qingdan_notify::NetworkPolicy::default(),
        }
    }

    /// The same app letting notification channels reach these networks too
    /// (the configuration's `allowed_networks`).
    pub fn with_network_policy(mut self, policy: qingdan_notify::NetworkPolicy) -> App {
        self.network_policy = policy;
        self
    }

    /// The same app with another sign-in lock policy (from the configuration).
    pub fn with_sign_in_policy(mut self, policy: SignInPolicy) -> App {
        self.configured_policy = policy;
        self
    }

    /// Opens the database a URL names and brings its schema up to date.
    pub async fn open(url: &str, clock: Clock) -> Result<App> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(App::new(store, clock))
    }

    /// The storage layer, for tests (setups the use cases do not offer, such
    /// as a second tenant) and the bench crate. Web and the binary never call
    /// it (CI checks): everything they need is a use case here.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Closes the database's connections, waiting for what runs on them.
    pub async fn close(&self) {
        self.store.close().await;
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn actor(&self, user: &User) -> Actor {
        Actor { user_id: Some(user.id), at: self.clock.now(), source: request_source() }
    }

    fn system_actor(&self) -> Actor {
        Actor { user_id: None, at: self.clock.now(), source: request_source() }
    }

    /// Whether the database answers.
    pub async fn is_ready(&self) -> bool {
        self.store.ping().await.is_ok()
    }
}
