//! Test kit: fresh databases on both engines, a fixed clock, and builders
//! that set up a small world (tenant, orgs, users, a plan, tasks) through the
//! same use cases the product calls.
//!
//! PostgreSQL comes from [`pg`], which starts one throwaway server per
//! machine (as the `postgres` user when run as root). When it cannot start,
//! tests on PostgreSQL fail with the reason: in CI a missing PostgreSQL is a
//! failure, not a skip.

pub mod pg;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use qingdan_app::{App, Clock, OrgInput, PlanInput, ResponsibilityInput, TargetInput, TaskInput, UserInput};
use qingdan_domain::{OrgId, OrgKind, PlanId, Role, TaskId, TenantId, User};
use qingdan_storage::{Actor, NewOrg};
pub use qingdan_storage::{Backend, Store};
use tempfile::TempDir;

/// Password of every user the kit creates.
pub const PASSWORD: &str = "Testpass123";

/// A fresh, migrated database on `backend`, and what keeps it alive.
pub struct TestDb {
    pub url: String,
    _dir: Option<TempDir>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Result<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Ok(TestDb { url, _dir: Some(dir) })
            }
            Backend::Postgres => Ok(TestDb { url: pg::fresh_database().context("PostgreSQL for tests")?, _dir: None }),
        }
    }

    /// Runs `sql` on the database behind the app's back, as someone holding
    /// the database's password would (the tests that tamper with the audit
    /// trail). Returns the rows it changed.
    pub async fn execute_raw(&self, sql: &str) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        let changed = if self.url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(&self.url).await?;
            let done = sqlx::raw_sql(sql).execute(&pool).await;
            pool.close().await;
            done?.rows_affected()
        } else {
            let pool = sqlx::PgPool::connect(&self.url).await?;
            let done = sqlx::raw_sql(sql).execute(&pool).await;
            pool.close().await;
            done?.rows_affected()
        };
        Ok(changed)
    }

    /// PostgreSQL only: a transaction behind the app's back that takes a
    /// lock with `first`, says so on `ready`, waits until a session of the
    /// app waits for that lock, then runs `then` and rolls back. With `then`
    /// taking a lock the app's transaction holds, the two deadlock, and
    /// PostgreSQL ends the app's transaction: this side looks for a deadlock
    /// only after 10 s, the app's after the default 1 s.
    pub async fn deadlock_the_app(
        &self,
        first: &str,
        then: &str,
        ready: tokio::sync::oneshot::Sender<()>,
    ) -> Result<()> {
        use sqlx::Connection;
        anyhow::ensure!(self.url.starts_with("postgres"), "deadlock_the_app needs PostgreSQL");
        let mut side = sqlx::PgConnection::connect(&self.url).await?;
        let mut watch = sqlx::PgConnection::connect(&self.url).await?;
        sqlx::raw_sql("SET deadlock_timeout = '10s'; BEGIN").execute(&mut side).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(first.to_owned())).execute(&mut side).await?;
        let _ = ready.send(());
        let waiting =
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        for _ in 0..500 {
            let n: i64 = sqlx::query_scalar(waiting).fetch_one(&mut watch).await?;
            if n > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let done = sqlx::raw_sql(sqlx::AssertSqlSafe(then.to_owned())).execute(&mut side).await;
        sqlx::raw_sql("ROLLBACK").execute(&mut side).await?;
        done?;
        Ok(())
    }

    /// SQLite only: holds the database's write lock from behind the app's back
    /// (BEGIN IMMEDIATE) for `hold`, saying so on `ready` once it has it, then
    /// rolls back.
    pub async fn hold_sqlite_write_lock(
        &self,
        hold: std::time::Duration,
        ready: tokio::sync::oneshot::Sender<()>,
    ) -> Result<()> {
        use sqlx::Connection;
        anyhow::ensure!(self.url.starts_with("sqlite:"), "hold_sqlite_write_lock needs SQLite");
        let mut side = sqlx::SqliteConnection::connect(&self.url).await?;
        sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut side).await?;
        let _ = ready.send(());
        tokio::time::sleep(hold).await;
        sqlx::raw_sql("ROLLBACK").execute(&mut side).await?;
        Ok(())
    }
}

/// The network policy of the test apps: channels may reach the tests'
/// receivers on loopback, which a real server refuses unless configured.
pub fn loopback() -> qingdan_app::NetworkPolicy {
    qingdan_app::NetworkPolicy::allowing(&["127.0.0.0/8".to_owned(), "::1".to_owned()]).unwrap_or_default()
}

/// A tenant with an admin and a supervisor, ready for more.
pub struct World {
    pub app: App,
    pub db: TestDb,
    pub tenant: TenantId,
    /// 系统管理员.
    pub admin: User,
    /// 安全管理员.
    pub security: User,
    /// 审计管理员.
    pub auditor: User,
    pub supervisor: User,
    pub today: NaiveDate,
}

impl World {
    /// A new world on `backend` whose clock stands at noon of `today` (YYYY-MM-DD).
    pub async fn new(backend: Backend, today: &str) -> Result<World> {
        let today: NaiveDate = today.parse().context("today")?;
        let db = TestDb::new(backend).await?;
        let app = App::open(&db.url, Clock::fixed_on(today)).await?.with_network_policy(loopback());
        let (tenant, office) = app.ensure_tenant_org("市政府督查室").await?;
        let admin = app.create_user_unchecked(tenant, &user_input("admin", "管理员", Role::Admin, office)).await?;
        let security = app
            .create_user_unchecked(tenant, &user_input("security", "安全管理员", Role::SecurityAdmin, office))
            .await?;
        let auditor =
            app.create_user_unchecked(tenant, &user_input("auditor", "审计管理员", Role::AuditAdmin, office)).await?;
        let supervisor = app.create_user(&admin, &user_input("supervisor", "督查员", Role::Supervisor, office)).await?;
        Ok(World { app, db, tenant, admin, security, auditor, supervisor, today })
    }

    /// Creates (department) org `name`.
    pub async fn org(&self, name: &str) -> Result<OrgId> {
        let input = OrgInput { name: name.into(), kind: "department".into(), parent_id: None, sort_order: None };
        Ok(self.app.create_org(&self.admin, &input).await?.id)
    }

    /// Creates a user of `role` in `org`, named `username`.
    pub async fn user(&self, username: &str, role: Role, org: OrgId) -> Result<User> {
        Ok(self.app.create_user(&self.admin, &user_input(username, username, role, org)).await?)
    }

    /// A plan for the year of `today`.
    pub async fn plan(&self) -> Result<PlanId> {
        let year = chrono::Datelike::year(&self.today);
        let input =
            PlanInput { year: year.to_string(), title: format!("{year}年重点任务"), copy_from: String::new() };
        Ok(self.app.create_plan(&self.supervisor, &input).await?.id)
    }

    /// A task due at the year's end, led by `lead` (supported by `supporting`),
    /// with one target `value` `unit` ("ge").
    pub async fn task(
        &self,
        plan: PlanId,
        title: &str,
        lead: OrgId,
        supporting: &[OrgId],
        target: Option<(&str, &str)>,
    ) -> Result<TaskId> {
        let year = chrono::Datelike::year(&self.today);
        let targets = target
            .map(|(value, unit)| TargetInput {
                metric: format!("{title}指标"),
                value: value.into(),
                unit: unit.into(),
                comparator: "ge".into(),
                baseline: String::new(),
                deadline: String::new(),
            })
            .into_iter()
            .collect();
        let input = TaskInput {
            parent_id: None,
            number: String::new(),
            title: title.into(),
            weight: String::new(),
            deadline: format!("{year}-12-31"),
            start_date: String::new(),
            targets,
            responsibility: None,
        };
        let id = self.app.create_task(&self.supervisor, plan, &input).await?;
        let responsibility = ResponsibilityInput {
            lead_leader_id: None,
            lead_org_id: Some(lead.0),
            supporting_org_ids: supporting.iter().map(|o| o.0).collect(),
            owner_id: None,
        };
        self.app.set_responsibility(&self.supervisor, id, &responsibility).await?;
        Ok(id)
    }
}

impl World {
    /// A user of `role` in a second tenant (邻县) of the same database, to
    /// prove that nothing crosses tenants. One per role and test.
    pub async fn stranger(&self, role: Role) -> Result<User> {
        let other = self.app.store().create_tenant("邻县").await?;
        let office = NewOrg {
            tenant_id: other,
            parent_id: None,
            name: "邻县督查室".into(),
            kind: OrgKind::Department,
            sort_order: 0,
        };
        let org =
            self.app.store().create_org(&office, Actor { user_id: None, at: chrono::Utc::now(), source: None }).await?;
        let input = user_input(&format!("stranger-{}", role.code()), "外县用户", role, org.id);
        Ok(self.app.create_user_unchecked(other, &input).await?)
    }
}

fn user_input(username: &str, name: &str, role: Role, org: OrgId) -> UserInput {
    UserInput {
        username: username.into(),
        display_name: name.into(),
        role: role.code().into(),
        org_id: org.0,
        password: PASSWORD.into(),
    }
}

/// Runs an async test body once per engine: `both_engines!(name, |backend| async move { ... })`.
#[macro_export]
macro_rules! on_both_engines {
    ($( $(#[$meta:meta])* $name:ident => $body:ident; )*) => {
        mod sqlite {
            $( $(#[$meta])* #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() -> anyhow::Result<()> { super::$body($crate::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( $(#[$meta])* #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() -> anyhow::Result<()> { super::$body($crate::Backend::Postgres).await } )*
        }
    };
}
