use thiserror::Error;

/// What a storage call can fail with. An absent row is `Ok(None)`, not an error.
#[derive(Debug, Error)]
pub enum StorageError {
    /// The row to change does not exist (in this tenant).
    #[error("not found: {0:?}")]
    NotFound(Entity),
    /// The change breaks a uniqueness or state rule.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// A stored value could not be read back as its domain type.
    #[error("corrupt row in {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
    /// The URL names no engine we speak.
    #[error("unsupported database URL {0:?}: write sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Backend(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StorageError {
    /// Whether the database gave up on the transaction for a reason of the
    /// moment, not of the data: a deadlock or a serialisation failure on
    /// PostgreSQL, a lock not granted in time on either engine. The
    /// transaction was rolled back whole; the same request may succeed again.
    pub fn is_transient(&self) -> bool {
        let StorageError::Backend(sqlx::Error::Database(db)) = self else { return false };
        if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
            // SQLSTATEs: deadlock, serialisation failure, lock not available.
            return matches!(pg.code(), "40P01" | "40001" | "55P03");
        }
        // SQLite's result codes, extended ones in the high bits: BUSY, LOCKED.
        let sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().and_then(sqlx::error::DatabaseError::code);
        matches!(sqlite.and_then(|code| code.parse::<i32>().ok()).map(|code| code & 0xff), Some(5 | 6))
    }
}

/// What a [`StorageError::NotFound`] did not find. The app names it to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Task,
    /// The parent named for a new task.
    ParentTask,
    Report,
    User,
    Org,
    Plan,
    Import,
    ImportTask,
    ImportTarget,
    Channel,
    Target,
    Project,
    ProjectReport,
    Prework,
    FactorIssue,
    Meeting,
    Decision,
    Scheme,
    Token,
}

/// Why a change was refused by the state it found. The app says it in Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// A name that must be unique in the tenant is taken.
    Taken(Unique),
    /// A report was submitted for a task, org and period already accepted.
    ReportAccepted,
    /// A report to review is no longer waiting for review.
    ReportNotWaiting,
    /// A report was resubmitted after the reviewer read it.
    ReportChanged,
    /// A report to review is of an archived plan (read-only).
    ArchivedReview,
    /// A report to send back (撤销通过) is not accepted.
    ReportNotAccepted,
    /// A report to send back (撤销通过) is of an archived plan (read-only).
    ArchivedUnaccept,
    /// An assigned matter changed between reading it and writing the step.
    AssignmentChanged,
    /// Two draft tasks to merge belong to different imports.
    ImportsDiffer,
    /// The import was published already.
    ImportPublished,
    /// A task cannot move under itself or one of its own sub-tasks.
    MoveUnderItself,
    /// A task changed between the form's reading and the change (a split
    /// position no longer inside its text).
    TaskChanged,
    /// Tasks to delete as one step hold reports already.
    HasReports,
    /// The audit chain's rows to archive changed after they were read.
    AuditChanged,
    /// A project report was submitted for a period already accepted.
    ProjectReportAccepted,
    /// A project report to review is no longer waiting for review.
    ProjectReportNotWaiting,
    /// A project report was resubmitted after the reviewer read it.
    ProjectReportChanged,
    /// An import's drafts changed between reading them and publishing them.
    ImportChanged,
    /// A 堵点 is not in the state the step needs (e.g. closing one not solved).
    FactorState,
    /// A decision, 前期手续 or 堵点 is a 督办 matter already.
    AlreadyAssigned,
    /// A report to review or send back is on a task in the 回收站.
    DeletedTaskReview,
    /// A change to a plan that is archived (read-only).
    PlanArchived,
    /// A task to restore from the 回收站 whose parent is in the 回收站 too.
    ParentDeleted,
}

/// The unique names a [`Conflict::Taken`] can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    OrgName,
    Username,
    ChannelName,
    TimelineRuleName,
    ProjectName,
    PreworkName,
    SchemeName,
}

impl StorageError {
    pub(crate) fn corrupt(table: &'static str, detail: impl ToString) -> StorageError {
        StorageError::Corrupt { table, detail: detail.to_string() }
    }

    /// Maps a unique-constraint violation to `Conflict(Taken(what))`, other errors unchanged.
    pub(crate) fn unique_as_conflict(err: sqlx::Error, what: Unique) -> StorageError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict(Conflict::Taken(what)),
            _ => StorageError::Backend(err),
        }
    }
}
