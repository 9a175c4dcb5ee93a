//! `qingdan-bench`: what `bench/run.sh` needs besides the product binary —
//! seed a synthetic tenant, time the 督办 sweep day by day, time the 台账 export.
//! Each prints JSON.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use qingdan_app::{App, Clock};
use qingdan_bench::synthetic::{self, SyntheticSpec};
use std::path::PathBuf;

// As in the product binary, so the export's peak memory is measured as it runs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "qingdan-bench", about = "Benchmark tenants and timings for Qingdan (bench/run.sh)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill an empty database with a synthetic tenant; prints what a load run needs as JSON.
    Seed {
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
        /// Key projects with two years of half-monthly reports (issue 15).
        #[arg(long, default_value_t = 0)]
        projects: usize,
    },
    /// Time the 督办 scheduler's pass on each of the next N days; prints JSON lines.
    Sweep {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 10)]
        days: u64,
    },
    /// Export the 台账 of the first tenant's largest plan as its admin sees it; prints
    /// tasks, rows, seconds and peak memory (VmHWM) as JSON.
    Ledger {
        #[command(flatten)]
        db: DbArgs,
        /// Also write the .xlsx here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Define a 40-indicator scheme over every org of the first tenant, enter
    /// a month of values, and time computing and publishing that month; prints JSON.
    Assessment {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 40)]
        indicators: usize,
    },
    /// Time the key-project work of the first tenant as its office does it:
    /// the project ledger export and the 调度会 agenda; prints JSON.
    Projects {
        #[command(flatten)]
        db: DbArgs,
        /// Also write the project ledger here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Where the database is: as `qingdan serve` takes it.
#[derive(Args, Clone)]
struct DbArgs {
    /// Directory holding the embedded SQLite database (qingdan.db).
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// Database URL instead: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long)]
    database_url: Option<String>,
}

impl DbArgs {
    fn url(&self) -> Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| self.data_dir.display().to_string())?;
        Ok(format!("sqlite://{}", self.data_dir.join("qingdan.db").display()))
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("QINGDAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,qingdan_bench=info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    match Cli::parse().command {
        Command::Seed { db, tasks, orgs, users, reports, sample_reporters, assignments, projects } => {
            let spec = SyntheticSpec { tasks, orgs, users, reports, sample_reporters, assignments, projects };
            seed(&db, spec).await
        }
        Command::Sweep { db, days } => sweep(&db, days).await,
        Command::Ledger { db, out } => ledger(&db, out).await,
        Command::Projects { db, out } => projects(&db, out).await,
        Command::Assessment { db, indicators } => assessment(&db, indicators).await,
    }
}

/// Seeds a synthetic tenant into an empty database and prints what a load run needs as JSON.
async fn seed(db: &DbArgs, spec: SyntheticSpec) -> Result<()> {
    let app = App::open(&db.url()?, Clock::System).await?;
    if app.has_tenant().await? {
        bail!("seed needs an empty database");
    }
    let started = std::time::Instant::now();
    let info = synthetic::seed(&app, spec).await?;
    tracing::info!("synthetic tenant seeded in {:.1} s", started.elapsed().as_secs_f64());
    println!("{}", serde_json::to_string(&info)?);
    Ok(())
}

async fn sweep(db: &DbArgs, days: u64) -> Result<()> {
    let url = db.url()?;
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
async fn ledger(db: &DbArgs, out: Option<PathBuf>) -> Result<()> {
    let app = App::open(&db.url()?, Clock::System).await?;
    let tenant = *app.store().tenant_ids().await?.first().context("no tenant: run seed first")?;
    let mut viewer = None;
    // The office or a leader: the administrators read no business data (三员分立).
    for role in [qingdan_domain::Role::Supervisor, qingdan_domain::Role::Leader] {
        if let Some(user) = app.store().users_with_role(tenant, role).await?.into_iter().next() {
            viewer = Some(user);
            break;
        }
    }
    let viewer = viewer.context("the tenant has no supervisor or leader")?;
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

/// Times the project ledger export and the agenda's generation (the first,
/// then the median of 20) as the first tenant's office (a supervisor) sees them.
async fn projects(db: &DbArgs, out: Option<PathBuf>) -> Result<()> {
    let app = App::open(&db.url()?, Clock::System).await?;
    let tenant = *app.store().tenant_ids().await?.first().context("no tenant: run seed first")?;
    let office = app.store().users_with_role(tenant, qingdan_domain::Role::Supervisor).await?;
    let office = office.into_iter().next().context("the tenant has no supervisor")?;
    let started = std::time::Instant::now();
    let file = app.project_ledger(&office, &Default::default()).await?;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(path) = out {
        std::fs::write(&path, &file.bytes).with_context(|| path.display().to_string())?;
    }
    // The first agenda (cold statements and pages), then the median of 20.
    let mut times = Vec::new();
    let mut agenda = Default::default();
    for _ in 0..21 {
        let started = std::time::Instant::now();
        agenda = app.dispatch_agenda(&office).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let first_ms = times.remove(0);
    times.sort_by(f64::total_cmp);
    let agenda_ms = times[times.len() / 2];
    println!(
        "{{\"ledger_bytes\":{},\"ledger_seconds\":{seconds:.2},\"agenda_first_ms\":{first_ms:.1},\"agenda_ms\":{agenda_ms:.1},\"lagging\":{},\"peak_rss_mib\":{:.1}}}",
        file.bytes.len(),
        agenda.lagging_total,
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0
    );
    Ok(())
}

/// Times an assessment month of `indicators` indicators over every org.
async fn assessment(db: &DbArgs, indicators: usize) -> Result<()> {
    let app = App::open(&db.url()?, Clock::System).await?;
    let tenant = *app.store().tenant_ids().await?.first().context("no tenant: run seed first")?;
    let office = app.store().users_with_role(tenant, qingdan_domain::Role::Supervisor).await?;
    let office = office.into_iter().next().context("the tenant has no supervisor")?;
    let orgs: Vec<i64> = app.store().orgs(tenant).await?.iter().map(|o| o.id.0).collect();
    let (scheme, values) = qingdan_bench::assessment::scheme(&orgs, indicators);
    let year = chrono::Datelike::year(&Clock::System.today());
    let input = qingdan_app::assessment::SchemeInput {
        year: year.to_string(),
        name: format!("基准测试考核{}", std::process::id()),
        body: scheme,
    };
    let id = app.create_scheme(&office, &input).await?;
    let month = format!("{year}-01");
    let started = std::time::Instant::now();
    app.set_assessment_values(&office, id, &month, &values).await?;
    let enter_seconds = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let result = app.compute_month(&office, id, &month).await?;
    let compute_seconds = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    app.publish_month(&office, id, &month, "").await?;
    let publish_seconds = started.elapsed().as_secs_f64();
    let scored: usize = result.groups.iter().map(|g| g.results.len()).sum();
    println!(
        "{{\"orgs\":{scored},\"indicators\":{indicators},\"values\":{},\"enter_seconds\":{enter_seconds:.2},\"compute_seconds\":{compute_seconds:.2},\"publish_seconds\":{publish_seconds:.2},\"peak_rss_mib\":{:.1}}}",
        values.len(),
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
