use crate::{Result, StorageError};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The engine behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool on one of the two engines. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePools),
    Pg(PgPools),
}

/// A PostgreSQL pool and its count of changes ([`Growth`]).
#[derive(Clone, Debug)]
pub struct PgPools {
    pub(crate) pool: PgPool,
    growth: std::sync::Arc<Growth>,
}

/// SQLite allows one writer at a time. Write transactions queue for the one
/// connection of `write` (first come, first served) instead of sleeping in
/// SQLite's busy handler; reads run beside them on `read`.
#[derive(Clone, Debug)]
pub struct SqlitePools {
    pub(crate) read: SqlitePool,
    pub(crate) write: SqlitePool,
    growth: std::sync::Arc<Growth>,
}

/// Changes committed by this process, and the count at which the planner's
/// statistics are refreshed next: 100, 200, 400, … A change is an audited
/// event (a task created, a report accepted, a ledger row imported); a
/// transaction that records none counts as one. So a database filled in its
/// first hour (through the API, a ledger, a report import) is planned with
/// the statistics of its size, not of an empty database. On PostgreSQL
/// autovacuum analyzes too, but at most once a minute and after a tenth of a
/// table has changed; a table filled in seconds is planned on no statistics
/// until then, and its prepared statements' generic plans with them. The
/// refreshes are logarithmic in the changes: 14 by a million.
#[derive(Debug)]
struct Growth {
    count: std::sync::atomic::AtomicU64,
    next: std::sync::atomic::AtomicU64,
}

/// The first refresh of the statistics comes after this many changes; each
/// later one when the count has doubled since the one before.
const FIRST_ANALYZE: u64 = 100;

impl Growth {
    fn new() -> std::sync::Arc<Growth> {
        std::sync::Arc::new(Growth { count: 0.into(), next: FIRST_ANALYZE.into() })
    }

    /// Counts a commit of `written` changes; whether it is due a refresh.
    fn is_due(&self, written: usize) -> bool {
        use std::sync::atomic::Ordering;
        let written = u64::try_from(written.max(1)).unwrap_or(u64::MAX);
        let n = self.count.fetch_add(written, Ordering::Relaxed).saturating_add(written);
        let due = self.next.load(Ordering::Relaxed);
        n >= due && self.next.compare_exchange(due, n.saturating_mul(2), Ordering::Relaxed, Ordering::Relaxed).is_ok()
    }
}

impl SqlitePools {
    /// Counts a commit, refreshing the statistics in the background when due
    /// ([`Growth`]): a sampled ANALYZE of milliseconds.
    pub(crate) fn committed(&self, written: usize) {
        if self.growth.is_due(written) {
            let write = self.write.clone();
            tokio::spawn(async move {
                if let Err(e) = analyze_sqlite(&write).await {
                    tracing::warn!("refreshing SQLite's statistics: {e}");
                }
            });
        }
    }
}

impl PgPools {
    /// Counts a commit, refreshing the statistics in the background when due
    /// ([`Growth`]): PostgreSQL's ANALYZE samples at most 30,000 rows a table.
    pub(crate) fn committed(&self, written: usize) {
        if self.growth.is_due(written) {
            let pool = self.pool.clone();
            tokio::spawn(async move {
                if let Err(e) = sqlx::query("ANALYZE").execute(&pool).await {
                    tracing::warn!("refreshing PostgreSQL's statistics: {e}");
                }
            });
        }
    }
}

/// A sampled ANALYZE on the writer connection.
async fn analyze_sqlite(write: &SqlitePool) -> sqlx::Result<()> {
    let mut conn = write.acquire().await?;
    sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}

/// Runs `$body` with `$pool` bound to whichever pool the store holds.
/// The body is compiled once per engine.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($crate::store::SqlitePools { read: $pool, .. }) => $body,
            $crate::store::Store::Pg($crate::store::PgPools { pool: $pool, .. }) => $body,
        }
    };
}

/// Like [`on_pool!`], for a single write statement outside [`in_tx!`]: on
/// SQLite it runs on the writer connection.
macro_rules! on_writer {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($crate::store::SqlitePools { write: $pool, .. }) => $body,
            $crate::store::Store::Pg($crate::store::PgPools { pool: $pool, .. }) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction bound to `$tx`, committing when the
/// body finishes and rolling back when it returns early with `?`.
/// SQLite takes the write lock at `BEGIN IMMEDIATE`, so a transaction that reads
/// and then writes never fails halfway with SQLITE_BUSY. The audit events the
/// body recorded join the hash chain just before the commit ([`AuditedTx`]).
macro_rules! in_tx {
    ($store:expr, $tx:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite(pools) => {
                let mut $tx = $crate::store::AuditedTx::new(pools.write.begin_with("BEGIN IMMEDIATE").await?);
                let out = $body;
                let written = $tx.events.len();
                $crate::audit::seal!($tx);
                $tx.commit().await?;
                pools.committed(written);
                out
            }
            $crate::store::Store::Pg(pools) => {
                let mut $tx = $crate::store::AuditedTx::new(pools.pool.begin().await?);
                let out = $body;
                let written = $tx.events.len();
                $crate::audit::seal!($tx);
                $tx.commit().await?;
                pools.committed(written);
                out
            }
        }
    };
}

/// A write transaction and the audit events recorded in it (`audit::record!`).
/// The events are chained at the end (`audit::seal!`), so the chain's head is
/// locked only from then to the commit, after every other lock the
/// transaction takes: chaining never waits inside a transaction's work and
/// never forms a deadlock cycle, and the chain's order is the commit order.
/// Derefs to the connection, so `&mut *tx` is an executor as for a bare
/// transaction.
pub(crate) struct AuditedTx<'c, DB: sqlx::Database> {
    tx: sqlx::Transaction<'c, DB>,
    pub(crate) events: Vec<qingdan_domain::AuditEvent>,
}

impl<'c, DB: sqlx::Database> AuditedTx<'c, DB> {
    pub(crate) fn new(tx: sqlx::Transaction<'c, DB>) -> Self {
        AuditedTx { tx, events: Vec::new() }
    }

    pub(crate) async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    /// Whether the engine already runs one write transaction at a time
    /// (SQLite's `BEGIN IMMEDIATE`), so that a plan's lock would add nothing.
    pub(crate) fn is_serial(&self) -> bool {
        DB::NAME == "SQLite"
    }

    /// What a SELECT appends to lock the rows it reads until the commit:
    /// ` FOR UPDATE` on PostgreSQL, nothing on SQLite (its writer is alone).
    pub(crate) fn for_update(&self) -> &'static str {
        if self.is_serial() { "" } else { " FOR UPDATE" }
    }
}

impl<DB: sqlx::Database> std::ops::Deref for AuditedTx<'_, DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for AuditedTx<'_, DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }
}

/// Takes plan `$plan`'s turn inside transaction `$tx`: every write that
/// changes the task tree's figures (an acceptance, an edit, a move, a delete)
/// takes it first, so the sibling percents it then reads are committed ones.
/// Under PostgreSQL's READ COMMITTED a sibling accepted at the same moment
/// would otherwise be read stale. The plan's row is the lock: `FOR UPDATE`
/// writes no new version of it, so a plan accepting reports all day keeps one
/// row, not a chain of dead ones. On SQLite, BEGIN IMMEDIATE already
/// serialises writers and this is skipped. Every statement after it sees what
/// the previous holder committed.
macro_rules! lock_plan {
    ($tx:ident, $tenant:expr, $plan:expr) => {
        $crate::store::lock_plan_where!($tx, $tenant, "$2", $plan)
    };
}

/// [`lock_plan!`] for the plan of task `$task`.
macro_rules! lock_plan_of {
    ($tx:ident, $tenant:expr, $task:expr) => {
        $crate::store::lock_plan_where!(
            $tx,
            $tenant,
            "(SELECT plan_id FROM tasks WHERE tenant_id = $1 AND id = $2)",
            $task
        )
    };
}

/// [`lock_plan!`] for the plans of the tasks whose ids `$ids` yields (an
/// iterator of `i64`), taken in plan id order, so that two writers over
/// several plans never wait for each other in a cycle.
macro_rules! lock_plans_of_tasks {
    ($tx:ident, $tenant:expr, $ids:expr) => {
        if !$tx.is_serial() {
            let ids: Vec<i64> = $ids.collect();
            if !ids.is_empty() {
                let list = (0..ids.len()).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT id FROM plans WHERE tenant_id = $1 AND id IN \
                     (SELECT plan_id FROM tasks WHERE tenant_id = $1 AND id IN ({list})) ORDER BY id FOR UPDATE"
                );
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind($tenant.0);
                for id in ids {
                    query = query.bind(id);
                }
                query.execute(&mut *$tx).await?;
            }
        }
    };
}

/// The one statement of the lock macros above: the plan whose id is
/// `$plan_id` (SQL, over the tenant `$1` and `$arg` bound as `$2`).
macro_rules! lock_plan_where {
    ($tx:ident, $tenant:expr, $plan_id:literal, $arg:expr) => {
        if !$tx.is_serial() {
            sqlx::query(concat!("SELECT id FROM plans WHERE tenant_id = $1 AND id = ", $plan_id, " FOR UPDATE"))
                .bind($tenant.0)
                .bind($arg)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// The one row `$sql` selects (with `$bind`s for its parameters) as
/// transaction `$tx` sees it, locked to the commit (`FOR UPDATE` on PostgreSQL; SQLite's
/// writer is alone): what a change replaces, for its audit event, read as it
/// stands when the change is made, not before the transaction.
macro_rules! row_to_change {
    ($tx:ident, $sql:literal $(, $bind:expr)*) => {{
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{}{}", $sql, $tx.for_update())))
            $(.bind($bind))*
            .fetch_optional(&mut *$tx)
            .await?
    }};
}

pub(crate) use {
    in_tx, lock_plan, lock_plan_of, lock_plan_where, lock_plans_of_tasks, on_pool, on_writer, row_to_change,
};

impl Store {
    /// Opens the database a URL names: `sqlite://PATH` or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            Store::open_sqlite(Path::new(path)).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Store::open_postgres(url).await
        } else {
            Err(StorageError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// Opens (creating if absent) an SQLite file in WAL mode with foreign keys on.
    ///
    /// `synchronous=NORMAL` in WAL mode keeps every committed transaction
    /// across a crash of the process; only a power loss of the machine can
    /// undo the last commits. Set `QINGDAN_SQLITE_SYNC=full` to fsync each commit.
    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        let synchronous = match std::env::var("QINGDAN_SQLITE_SYNC").as_deref() {
            Ok("full") => SqliteSynchronous::Full,
            _ => SqliteSynchronous::Normal,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // 16 MiB of page cache per connection: four connections stay well
            // inside the server's memory budget; the OS caches the rest of the file.
            .pragma("cache_size", "-16384")
            // Let the planner know which index is selective (PRAGMA optimize below).
            .pragma("analysis_limit", "1000");
        // No ping before each acquire: an in-process connection does not go
        // away, and the ping is a round trip to the connection's thread.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        let read = SqlitePoolOptions::new().max_connections(4).test_before_acquire(false).connect_with(options).await?;
        Ok(Store::Sqlite(SqlitePools { read, write, growth: Growth::new() }))
    }

    pub async fn open_postgres(url: &str) -> Result<Store> {
        let options = PgConnectOptions::from_str(url)?;
        // A connection used in the last minute is live; one idle longer is
        // pinged before use (the server may have restarted), not every one on
        // every acquire, which would double the round trips of a request.
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > Duration::from_secs(60) {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store::Pg(PgPools { pool, growth: Growth::new() }))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Pg(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date. Both engines carry the same history of migrations.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Store::Sqlite(SqlitePools { write, .. }) => {
                sqlx::migrate!("./migrations/sqlite").run(write).await?;
            }
            Store::Pg(PgPools { pool, .. }) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        self.analyze().await
    }

    /// Refreshes SQLite's table statistics (PostgreSQL's autovacuum keeps its
    /// own). Without them SQLite guesses that the index with the most equal
    /// columns is best, and looks a task's reports up by (tenant, status)
    /// across a million rows instead of by task. `analysis_limit` samples
    /// each index, so this takes milliseconds at any size.
    pub async fn analyze(&self) -> Result<()> {
        if let Store::Sqlite(SqlitePools { write, .. }) = self {
            analyze_sqlite(write).await?;
        }
        Ok(())
    }

    /// What keeps the planner's statistics from going stale, checked. On
    /// both engines the store refreshes them as its count of changes doubles
    /// from 100; SQLite's also hourly. On PostgreSQL autovacuum (with
    /// `track_counts`, which it needs) must be on, for it is what re-analyzes
    /// tables as they change later, and what vacuums. Returns a warning for
    /// each setting that is off.
    pub async fn planner_warnings(&self) -> Result<Vec<String>> {
        let Store::Pg(PgPools { pool, .. }) = self else { return Ok(Vec::new()) };
        let mut warnings = Vec::new();
        for setting in ["autovacuum", "track_counts"] {
            let value: String =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SHOW {setting}"))).fetch_one(pool).await?;
            if value != "on" {
                warnings.push(format!(
                    "PostgreSQL {setting} is {value}: table statistics will go stale as data grows; turn it on"
                ));
            }
        }
        Ok(warnings)
    }

    /// How many rows the planner's statistics say `table` has: SQLite's
    /// `sqlite_stat1`, PostgreSQL's `pg_class.reltuples`. `None` before any
    /// ANALYZE saw a row of it.
    pub async fn statistics_rows(&self, table: &str) -> Result<Option<i64>> {
        let read = match self {
            Store::Sqlite(SqlitePools { read, .. }) => read,
            Store::Pg(PgPools { pool, .. }) => {
                let rows: Option<f32> =
                    sqlx::query_scalar("SELECT reltuples FROM pg_class WHERE oid = to_regclass($1) AND reltuples > 0")
                        .bind(table)
                        .fetch_optional(pool)
                        .await?;
                // reltuples is an estimate held as a float: a count of rows.
                #[allow(clippy::cast_possible_truncation)]
                return Ok(rows.map(|r| r.round() as i64));
            }
        };
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            .fetch_one(read)
            .await?;
        if exists == 0 {
            return Ok(None);
        }
        let stats: Vec<String> =
            sqlx::query_scalar("SELECT stat FROM sqlite_stat1 WHERE tbl = $1").bind(table).fetch_all(read).await?;
        Ok(stats.iter().filter_map(|s| s.split(' ').next()?.parse::<i64>().ok()).max())
    }

    /// The (version, description) list of migrations compiled in for `backend`.
    pub fn migration_history(backend: Backend) -> Vec<(i64, String)> {
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.iter().map(|m| (m.version, m.description.to_string())).collect()
    }

    /// The tables and their columns as the engine reports them, sorted.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>> {
        let mut columns: Vec<(String, String)> = match self {
            Store::Sqlite(SqlitePools { read: pool, .. }) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
                )
                .fetch_all(pool)
                .await?
            }
            Store::Pg(PgPools { pool, .. }) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
                )
                .fetch_all(pool)
                .await?
            }
        };
        columns.sort();
        Ok(columns)
    }

    /// `SELECT 1`: whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await?.rows_affected());
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite(SqlitePools { read, write, .. }) => {
                read.close().await;
                write.close().await;
            }
            Store::Pg(PgPools { pool, .. }) => pool.close().await,
        }
    }

    /// Creates a tenant and returns its id.
    pub async fn create_tenant(&self, name: &str) -> Result<qingdan_domain::TenantId> {
        let id: i64 = on_writer!(self, pool => {
            sqlx::query_scalar("INSERT INTO tenants (name) VALUES ($1) RETURNING id").bind(name).fetch_one(pool).await?
        });
        Ok(qingdan_domain::TenantId(id))
    }

    pub async fn tenant(&self, id: qingdan_domain::TenantId) -> Result<Option<qingdan_domain::Tenant>> {
        let name: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT name FROM tenants WHERE id = $1").bind(id.0).fetch_optional(pool).await?
        });
        Ok(name.map(|name| qingdan_domain::Tenant { id, name }))
    }

    /// Every tenant's id.
    pub async fn tenant_ids(&self) -> Result<Vec<qingdan_domain::TenantId>> {
        let ids: Vec<i64> =
            on_pool!(self, pool => sqlx::query_scalar("SELECT id FROM tenants ORDER BY id").fetch_all(pool).await?);
        Ok(ids.into_iter().map(qingdan_domain::TenantId).collect())
    }
}
