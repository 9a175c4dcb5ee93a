//! `qingdan`: the one binary. Serves the web UI and API, seeds the demo city,
//! migrates the database, manages users and extracts targets from reports.

mod audit_cmd;
mod calendar_cmd;
mod config;
mod cpus;
mod extract_cmd;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use config::Settings;
use qingdan_app::{App, Clock, UserInput};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 一张清单 (Qingdan): one responsibility list from the government work report.
#[derive(Parser)]
#[command(name = "qingdan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API.
    Serve(ServerArgs),
    /// Create the demo city (青岚市) if the database is empty, print its accounts, then serve it.
    Demo(ServerArgs),
    /// Bring the database schema up to date, then exit.
    Migrate(DbArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Extract targets and draft tasks from a work report (.txt, .md or .docx).
    Extract(extract_cmd::ExtractArgs),
    /// The working-day calendar (工作日历): count working days, show a year, import a file.
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarCommand),
    /// The audit trail (审计): verify its hash chain, archive its oldest rows.
    #[command(subcommand)]
    Audit(audit_cmd::AuditCommand),
}

/// Where the database is.
#[derive(Args, Clone, Default)]
pub struct DbArgs {
    /// Directory for the embedded SQLite database (default ./data).
    #[arg(long, env = "QINGDAN_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL instead of the data directory: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long, env = "QINGDAN_DATABASE_URL")]
    database_url: Option<String>,
    /// A TOML file with listen, data_dir, database_url, secure_cookies, trusted_origins.
    #[arg(long, env = "QINGDAN_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct ServerArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "QINGDAN_LISTEN")]
    listen: Option<SocketAddr>,
    /// CPUs to run on: auto (one on SQLite, all on PostgreSQL), all, or a number.
    #[arg(long, env = "QINGDAN_CPUS")]
    cpus: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user to the (first) tenant, creating the tenant and org if absent.
    Add {
        #[arg(long)]
        username: String,
        /// The person's name as shown (姓名).
        #[arg(long)]
        name: String,
        /// admin, security_admin, audit_admin, supervisor, reporter or leader.
        #[arg(long)]
        role: String,
        /// The org's name; created as a department if it does not exist.
        #[arg(long)]
        org: String,
        /// The initial password (8+ characters with letters and digits).
        #[arg(long, env = "QINGDAN_PASSWORD")]
        password: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a user's password; ends their sessions.
    Passwd {
        #[arg(long)]
        username: String,
        #[arg(long, env = "QINGDAN_PASSWORD")]
        password: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("qingdan: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("QINGDAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,qingdan=info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

fn run(cli: Cli) -> Result<()> {
    if let Command::Extract(args) = &cli.command {
        return extract_cmd::run(args);
    }
    let server = match &cli.command {
        Command::Serve(args) | Command::Demo(args) => Some(server_settings(args)?),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        match cli.command {
            Command::Serve(_) | Command::Demo(_) => {
                let demo = matches!(cli.command, Command::Demo(_));
                serve(server.context("server settings")?, demo).await
            }
            Command::Migrate(db) => {
                let settings = Settings::load(&db, None)?;
                open(&settings).await?;
                println!("数据库已是最新结构：{}", settings.display_url());
                Ok(())
            }
            Command::User(cmd) => user(cmd).await,
            Command::Calendar(cmd) => calendar_cmd::run(cmd).await,
            Command::Audit(cmd) => audit_cmd::run(cmd).await,
            Command::Extract(_) => Ok(()),
        }
    })
}

/// The server's settings, with the process kept to the CPUs they ask for
/// (before the runtime starts its threads, which inherit them).
fn server_settings(args: &ServerArgs) -> Result<Settings> {
    let mut settings = Settings::load(&args.db, args.listen)?;
    if let Some(cpus) = &args.cpus {
        settings.cpus = cpus::Cpus::parse(cpus)?;
    }
    if let Some(kept) = cpus::apply(settings.cpus, settings.is_sqlite()).context("setting the CPUs to run on")? {
        tracing::info!("running on CPU {kept:?} (cpus = {:?}; \"all\" uses every CPU)", settings.cpus);
    }
    Ok(settings)
}

async fn open(settings: &Settings) -> Result<App> {
    let url = settings.database_url()?;
    let app = App::open(&url, Clock::System).await;
    Ok(app
        .with_context(|| format!("opening the database {}", settings.display_url()))?
        .with_sign_in_policy(settings.sign_in)
        .with_network_policy(settings.networks.clone()))
}

/// [`open`], then chain audit events with the configured hash from now on.
pub async fn open_audited(settings: &Settings) -> Result<App> {
    let app = open(settings).await?;
    app.set_audit_hash(settings.audit_hash).await?;
    Ok(app)
}

async fn serve(settings: Settings, demo: bool) -> Result<()> {
    let app = open_audited(&settings).await?;
    if demo {
        if app.has_tenant().await? {
            println!("数据库中已有数据，直接启动（演示数据只在空库中创建）。");
        } else {
            println!("正在创建演示城市“青岚市”……");
            let demo = app.seed_demo().await?;
            println!("演示账号（密码均为 {}）：", qingdan_app::demo::DEMO_PASSWORD);
            for (username, name, role) in &demo.accounts {
                println!("  {username:<18} {name}（{role}）");
            }
        }
    }
    for mended in app.mend_shared_places().await? {
        tracing::warn!(
            "计划 {} 中有任务共用排序位置（旧版本的缺陷），已重新编排 {} 项并重算进度",
            mended.plan.0,
            mended.moved
        );
    }
    app.refresh_all_lights().await?;
    for warning in app.planner_warnings().await? {
        tracing::warn!("{warning}");
    }
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let local = listener.local_addr()?;
    println!("一张清单已启动：http://{local}/  （数据库：{}）", settings.display_url());
    spawn_light_refresh(app.clone());
    spawn_supervision(app.clone());
    let (stop_delivery, delivery) = spawn_notification_delivery(app.clone());
    let router = qingdan_web::router(app.clone(), settings.web.clone());
    // A reply's last segment goes out at once instead of waiting (Nagle) for
    // the client's ACK of the one before.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set on a connection: {err}");
        }
    });
    // On SIGTERM or Ctrl-C: stop accepting, let requests under way finish for
    // at most SHUTDOWN_GRACE, then stop whatever still runs.
    let (stopping, stop_signal) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown().await;
        let _ = stopping.send(true);
    });
    let signalled = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let router = router.into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, router).with_graceful_shutdown(signalled(stop_signal.clone()));
    tokio::select! {
        served = server => served?,
        () = async { signalled(stop_signal).await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
            tracing::warn!("requests still running {} s after the stop signal: stopping anyway", SHUTDOWN_GRACE.as_secs());
        }
    }
    // Let a delivery pass under way finish, so no message is left claimed
    // but unsent (it would be marked failed, not resent) — within the grace too.
    let _ = stop_delivery.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, delivery).await;
    app.close().await;
    Ok(())
}

/// The outbox (消息通道): every 30 s, send what is due. A pass never sends a
/// message twice; see `qingdan_app::notifications` for what happens to a send
/// cut off by a crash. Stops between passes when `true` is sent.
fn spawn_notification_delivery(app: App) -> (tokio::sync::watch::Sender<bool>, tokio::task::JoinHandle<()>) {
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let handle = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopped.changed() => return,
            }
            if let Err(err) = app.deliver_notifications().await {
                tracing::warn!("delivering notifications: {err}");
            }
        }
    });
    (stop, handle)
}

/// 督办: every 10 minutes, turn the lights of assigned matters for today and
/// queue a reminder for each change (`qingdan_app::supervision`); then queue
/// the reporting reminders (报送提醒/逾期未报, `qingdan_app::reporting`).
fn spawn_supervision(app: App) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(err) = app.supervise_all().await {
                tracing::warn!("督办 pass: {err}");
            }
            if let Err(err) = app.remind_reporting().await {
                tracing::warn!("报送提醒 pass: {err}");
            }
        }
    });
}

/// Lights move with the calendar: recompute them every hour, and purge the
/// sessions that have expired meanwhile.
fn spawn_light_refresh(app: App) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(err) = app.refresh_all_lights().await {
                tracing::warn!("refreshing lights: {err}");
            }
            if let Err(err) = app.purge_expired_sessions().await {
                tracing::warn!("purging expired sessions: {err}");
            }
        }
    });
}

/// How long requests and a delivery pass under way may run after SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

async fn user(cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add { username, name, role, org, password, db } => {
            let app = open(&Settings::load(&db, None)?).await?;
            let (tenant, org_id) = app.ensure_tenant_org(&org).await?;
            let input = UserInput { username: username.clone(), display_name: name, role, org_id: org_id.0, password };
            match app.create_user_unchecked(tenant, &input).await {
                Ok(user) => println!("已添加用户 {}（{}）", user.username, user.role.label()),
                Err(qingdan_app::AppError::Invalid(invalid)) => bail!("{invalid}"),
                Err(err) => return Err(err.into()),
            }
        }
        UserCommand::Passwd { username, password, db } => {
            let app = open(&Settings::load(&db, None)?).await?;
            match app.set_password(&username, &password).await {
                Ok(()) => println!("已修改 {username} 的密码"),
                Err(qingdan_app::AppError::Invalid(invalid)) => bail!("{invalid}"),
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(())
}
