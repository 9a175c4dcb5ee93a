//! Storage: the only crate that names SQL. One API over SQLite (the default,
//! an embedded file) and PostgreSQL, chosen by the database URL at start.
//!
//! Every query is written once with `$n` placeholders, which both engines
//! accept, and compiled against both pools by the `on_pool!` and `in_tx!`
//! macros. Functions return domain types; row structs stay private here.
//! Decimals are stored as their text on both engines and parsed with
//! rust_decimal, so 5.10 stays 5.10. Dates are `DATE`/`TIMESTAMPTZ` on
//! PostgreSQL and ISO text on SQLite; date arithmetic happens in Rust.

mod assignment_files;
mod assignments;
mod audit;
mod calendar;
mod dashboard;
mod error;
mod imports;
mod ledgers;
mod notifications;
mod orgs;
mod plans;
mod reporting;
mod reports;
mod rows;
mod sessions;
mod status;
mod store;
mod tasks;
mod users;

pub use assignment_files::{AssignmentFile, AssignmentFileId, NewAssignmentFile};
pub use assignments::{
    AssignmentPage, AssignmentQuery, AssignmentScope, AssignmentSummary, AssignmentTransition, CloseFigures,
    ExtensionChange, LightChangeNotice, StageFigures,
};
pub use calendar::CalendarChange;
pub use dashboard::{DashboardGroup, LeafDates, RedTask, Section};
pub use error::StorageError;
pub use imports::{
    ImportId, ImportStatus, ImportSummary, ImportTarget, ImportTargetId, ImportTask, ImportTaskEdit, ImportTaskId,
    NewImport, NewImportTarget, NewImportTask, ReportImport,
};
pub use ledgers::{LedgerItem, LedgerOrg, LedgerParent, LedgerQuery, LedgerTask};
pub use notifications::{
    ChannelId, NewChannel, NewNotification, NotificationChannel, NotificationId, OutboxItem, OutboxStatus,
};
pub use orgs::NewOrg;
pub use plans::NewPlan;
pub use reporting::DueTask;
pub use reports::{NewReport, Review, ReviewQueueItem};
pub use status::{AcceptedProgress, ProgressTask};
pub use store::{Backend, Store};
pub use tasks::{LightCounts, NewTarget, NewTask, TaskListItem, TaskPage, TaskQuery};
pub use users::{NewUser, UserLogin};

/// Who made a change and when: stamped on the audit event written with it.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: Option<qingdan_domain::UserId>,
    pub at: chrono::DateTime<chrono::Utc>,
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
