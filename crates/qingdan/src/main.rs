//! `qingdan`: the one binary. Serves the web UI and API, seeds the demo city,
//! migrates the database, manages users and extracts targets from reports.

mod calendar_cmd;
mod config;
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
    /// Fill an empty database with a synthetic tenant for benchmarks (bench/run.sh); prints JSON.
    #[command(hide = true)]
    BenchSeed {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 100_000)]
        tasks: usize,
        #[arg(long, default_value_t = 2_000)]
        orgs: usize,
        #[arg(long, default_value_t = 5_000)]
        users: usize,
        #[arg(long, default_value_t = 1_000_000)]
        reports: usize,
        /// Reporters (one per department) listed with the (task, period) pairs still free for them.
        #[arg(long, default_value_t = 200)]
        sample_reporters: usize,
        /// Open assigned matters (交办事项) for the 督办 benchmark.
        #[arg(long, default_value_t = 0)]
        assignments: usize,
    },
    /// Time the 督办 scheduler's pass on each of the next N days (bench/supervision.sh); prints JSON lines.
    #[command(hide = true)]
    BenchSweep {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 10)]
        days: u64,
    },
    /// Export the ledger (台账) of the first tenant's largest plan as its admin sees it; prints
    /// tasks, rows, seconds and peak memory (VmHWM) as JSON (docs/benchmarks.md).
    #[command(hide = true)]
    BenchLedger {
        #[command(flatten)]
        db: DbArgs,
        /// Also write the .xlsx here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
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
        /// admin, supervisor, reporter or leader.
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
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(args, false).await,
            Command::Demo(args) => serve(args, true).await,
            Command::Migrate(db) => {
                let settings = Settings::load(&db, None)?;
                open(&settings).await?;
                println!("数据库已是最新结构：{}", settings.display_url());
                Ok(())
            }
            Command::User(cmd) => user(cmd).await,
            Command::Calendar(cmd) => calendar_cmd::run(cmd).await,
            Command::Extract(_) => Ok(()),
            Command::BenchSeed { db, tasks, orgs, users, reports, sample_reporters, assignments } => {
                let spec = qingdan_app::synthetic::SyntheticSpec {
                    tasks,
                    orgs,
                    users,
                    reports,
                    sample_reporters,
                    assignments,
                };
                bench_seed(&db, spec).await
            }
            Command::BenchSweep { db, days } => bench_sweep(&db, days).await,
            Command::BenchLedger { db, out } => bench_ledger(&db, out).await,
        }
    })
}

async fn open(settings: &Settings) -> Result<App> {
    let url = settings.database_url()?;
    App::open(&url, Clock::System).await.with_context(|| format!("opening the database {}", settings.display_url()))
}

async fn serve(args: ServerArgs, demo: bool) -> Result<()> {
    let settings = Settings::load(&args.db, args.listen)?;
    let app = open(&settings).await?;
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
    app.refresh_all_lights().await?;
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
    axum::serve(listener, router).with_graceful_shutdown(shutdown()).await?;
    // Let a delivery pass under way finish, so no message is left claimed
    // but unsent (it would be marked failed, not resent).
    let _ = stop_delivery.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(60), delivery).await;
    app.store().close().await;
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

/// Lights move with the calendar: recompute them every hour.
fn spawn_light_refresh(app: App) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(err) = app.refresh_all_lights().await {
                tracing::warn!("refreshing lights: {err}");
            }
        }
    });
}

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

/// Seeds a synthetic tenant into an empty database and prints what a load run needs as JSON.
async fn bench_seed(db: &DbArgs, spec: qingdan_app::synthetic::SyntheticSpec) -> Result<()> {
    let app = open(&Settings::load(db, None)?).await?;
    if app.has_tenant().await? {
        bail!("bench-seed needs an empty database");
    }
    let started = std::time::Instant::now();
    let info = app.seed_synthetic(spec).await?;
    tracing::info!("synthetic tenant seeded in {:.1} s", started.elapsed().as_secs_f64());
    println!("{}", serde_json::to_string(&info)?);
    Ok(())
}

async fn bench_sweep(db: &DbArgs, days: u64) -> Result<()> {
    let url = Settings::load(db, None)?.database_url()?;
    let today = Clock::System.today();
    for n in 0..days {
        let day = today + chrono::Days::new(n);
        let app = App::open(&url, Clock::fixed_on(day)).await?;
        let mut changed = 0;
        let mut reminded = 0;
        let started = std::time::Instant::now();
        for tenant in app.store().tenant_ids().await? {
            changed += app.sweep_assignments(tenant, day).await?.len();
        }
        let sweep_ms = started.elapsed().as_secs_f64() * 1000.0;
        for tenant in app.store().tenant_ids().await? {
            reminded += app.remind_light_changes(tenant).await?.0;
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "{{\"day\":\"{day}\",\"changed\":{changed},\"reminded\":{reminded},\"sweep_ms\":{sweep_ms:.1},\"ms\":{ms:.1}}}"
        );
        app.store().close().await;
    }
    Ok(())
}

/// Times one ledger export of the first tenant's plan with the most tasks.
async fn bench_ledger(db: &DbArgs, out: Option<PathBuf>) -> Result<()> {
    let app = open(&Settings::load(db, None)?).await?;
    let tenant = *app.store().tenant_ids().await?.first().context("no tenant: run bench-seed first")?;
    let mut viewer = None;
    for role in [qingdan_domain::Role::Admin, qingdan_domain::Role::Supervisor, qingdan_domain::Role::Leader] {
        if let Some(user) = app.store().users_with_role(tenant, role).await?.into_iter().next() {
            viewer = Some(user);
            break;
        }
    }
    let viewer = viewer.context("the tenant has no admin, supervisor or leader")?;
    let mut plan = None;
    let mut most = -1;
    for p in app.plans(&viewer).await? {
        let tasks = app.plan_overview(&viewer, p.id, &Default::default()).await?.counts.total();
        if tasks > most {
            most = tasks;
            plan = Some(p.id);
        }
    }
    let plan = plan.context("the tenant has no plan")?;
    let started = std::time::Instant::now();
    let file = app.export_ledger(&viewer, plan).await?;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(path) = out {
        std::fs::write(&path, &file.bytes).with_context(|| path.display().to_string())?;
    }
    println!(
        "{{\"tasks\":{},\"rows\":{},\"bytes\":{},\"seconds\":{seconds:.2},\"peak_rss_mib\":{:.1}}}",
        file.tasks,
        file.rows,
        file.bytes.len(),
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0
    );
    Ok(())
}

/// The process's peak resident memory (VmHWM) in KiB, on Linux.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
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
            match app.set_password(None, &username, &password).await {
                Ok(()) => println!("已修改 {username} 的密码"),
                Err(qingdan_app::AppError::Invalid(invalid)) => bail!("{invalid}"),
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(())
}
