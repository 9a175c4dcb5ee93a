//! Storage: the only crate that names SQL. One API over SQLite (the default,
//! an embedded file) and PostgreSQL, chosen by the database URL at start.
//!
//! Every query is written once with `$n` placeholders, which both engines
//! accept, and compiled against both pools by the `on_pool!` and `in_tx!`
//! macros. Functions return domain types; row structs stay private here.
//! Decimals are stored as their text on both engines and parsed with
//! rust_decimal, so 5.10 stays 5.10. Dates are `DATE`/`TIMESTAMPTZ` on
//! PostgreSQL and ISO text on SQLite; date arithmetic happens in Rust.

// Infrastructure: the two pools, errors, row decoding, the audit trail.
mod audit;
#[cfg(feature = "bulk")]
mod bulk;
mod error;
mod rows;
mod store;

// Features, named as in `qingdan-app` and `qingdan-web`.
mod admin;
mod assessment;
mod auth;
mod calendar;
mod dashboard;
mod files;
mod imports;
mod inbox;
mod ledgers;
mod notifications;
mod plans;
mod projects;
mod reporting;
mod search;
mod status;
mod supervision;
mod tokens;

pub use admin::orgs::NewOrg;
pub use admin::users::{NewUser, PasswordChange, UserChange, UserLogin, UserUpdated};
pub use assessment::{EnteredValue, OrgMatterFigures, OrgTaskFigures, ProjectFigureRow, Publication, StoredScheme};
pub use audit::{AuditQuery, ChainHead};
pub use auth::FailureCount;
pub use calendar::CalendarChange;
pub use dashboard::{DashboardGroup, RedTask, Section};
pub use error::{Conflict, Entity, StorageError, Unique};
pub use imports::{DraftSplit, ImportPartOverride, PartReread};
pub use imports::{
    ImportSummary, ImportTarget, ImportTask, ImportTaskEdit, NewImport, NewImportTarget, NewImportTask, ReportImport,
};
pub use inbox::{Audience, InboxMessage, InboxNotice};
pub use ledgers::{LedgerItem, LedgerOrg, LedgerParent, LedgerQuery, LedgerTask};
pub use notifications::{NewChannel, NewNotification, NotificationChannel, OutboxItem};
pub use plans::NewPlan;
pub use plans::copy::CopiedPlan;
pub use plans::editing::{BulkLead, DeletedTask, Recount, RestoredPlace, TaskChange};
pub use plans::repair::MendedPlan;
pub use plans::tasks::{
    LightCounts, NewTarget, NewTask, Relit, ReportBasis, TaskConditions, TaskFamilyRows, TaskListItem, TaskPage,
    TaskQuery, TaskSort,
};
pub use projects::factors::{FactorIssue, NewFactorIssue};
pub use projects::meetings::{Decision, Meeting, NewDecision, NewMeeting};
pub use projects::prework::{AssignmentLink, NewPrework, Prework};
pub use projects::reports::{NewProjectReport, OwedProjectReports, ProjectPhoto, ProjectReport};
pub use projects::{LightBasis, ProjectPage, ProjectQuery, ProjectScope};
pub use reporting::files::{NewReportFile, ReportFile};
pub use reporting::reports::{NewReport, Review, ReviewFilter, ReviewOf, ReviewQueueItem, Reviewed};
pub use reporting::schedule::DueTask;
pub use search::{MatchRank, SearchHit, SearchKind, SearchQuery, escape_like};
pub use status::{AcceptedProgress, ProgressTask};
pub use store::{Backend, Store};
pub use supervision::assignments::{
    AssignmentPage, AssignmentQuery, AssignmentScope, AssignmentSummary, AssignmentTransition, ExtensionChange,
};
pub use supervision::files::{AssignmentFile, NewAssignmentFile};
pub use supervision::sweep::{CloseFigures, LightChangeNotice, StageFigures};
pub use tokens::{ApiToken, TokenOwner};

/// Who made a change, when and from where: stamped on the audit event written with it.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: Option<qingdan_domain::UserId>,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The client's address, when the change came from a request.
    pub source: Option<std::net::IpAddr>,
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
