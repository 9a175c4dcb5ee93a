use thiserror::Error;

/// What a storage call can fail with. An absent row is `Ok(None)`, not an error.
#[derive(Debug, Error)]
pub enum StorageError {
    /// The row to change does not exist (in this tenant).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The change breaks a uniqueness or state rule.
    #[error("conflict: {0}")]
    Conflict(String),
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
    pub(crate) fn corrupt(table: &'static str, detail: impl ToString) -> StorageError {
        StorageError::Corrupt { table, detail: detail.to_string() }
    }

    /// Maps a unique-constraint violation to `Conflict(what)`, other errors unchanged.
    pub(crate) fn unique_as_conflict(err: sqlx::Error, what: &str) -> StorageError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict(what.to_owned()),
            _ => StorageError::Backend(err),
        }
    }
}
