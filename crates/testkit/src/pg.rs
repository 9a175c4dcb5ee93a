//! A throwaway PostgreSQL for tests, shared by every test process of a run.
//!
//! The first process to get here starts a server in a temporary directory
//! (initdb + pg_ctl, as the `postgres` user when we are root, since PostgreSQL
//! refuses to run as root), guarded by a file lock; later processes find it
//! running. Each test gets its own database. `QINGDAN_TEST_PG_URL` points the
//! tests at an existing server instead. `.ci/run` stops the server at the end
//! (`pg::stop` or `pg_ctl stop`).

use anyhow::{Context, Result, bail};
use std::fs::{File, OpenOptions};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const PORT: u16 = 55432;

/// The directory of the shared test server.
pub fn server_dir() -> PathBuf {
    std::env::temp_dir().join("qingdan-test-pg")
}

fn base_url() -> Result<String> {
    if let Ok(url) = std::env::var("QINGDAN_TEST_PG_URL") {
        return Ok(url);
    }
    static STARTED: OnceLock<Result<String, String>> = OnceLock::new();
    STARTED.get_or_init(|| ensure_server().map_err(|e| format!("{e:#}"))).clone().map_err(anyhow::Error::msg)
}

/// A new empty database on the shared server; returns its URL.
pub fn fresh_database() -> Result<String> {
    let base = base_url()?;
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let psql = pg_bin("psql")?;
    let out = Command::new(psql)
        .args([&base, "-qAtc", &format!("CREATE DATABASE {name}")])
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!("CREATE DATABASE failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let (prefix, _) = base.rsplit_once('/').context("a database URL ends with /DBNAME")?;
    Ok(format!("{prefix}/{name}"))
}

fn pg_bin(name: &str) -> Result<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs.into_iter()
        .rev()
        .map(|d| d.join(name))
        .find(|p| p.exists())
        .with_context(|| format!("PostgreSQL's {name} not found under /usr/lib/postgresql/*/bin: install postgresql (apt-get install -y postgresql)"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL program, as the `postgres` user when we are root.
fn run_pg(program: &Path, args: &[&str]) -> Result<()> {
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let out = command.args(args).output().with_context(|| format!("running {}", program.display()))?;
    if !out.status.success() {
        bail!(
            "{} failed: {}{}",
            program.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn is_listening() -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], PORT).into(), Duration::from_millis(200)).is_ok()
}

fn ensure_server() -> Result<String> {
    let url = format!("postgres://app@127.0.0.1:{PORT}/postgres");
    let dir = server_dir();
    std::fs::create_dir_all(&dir)?;
    let lock = OpenOptions::new().create(true).truncate(false).write(true).open(dir.join("lock"))?;
    File::lock(&lock).context("locking the test server directory")?;
    if is_listening() {
        return Ok(url);
    }
    if is_root() {
        Command::new("chown").args(["-R", "postgres"]).arg(&dir).status()?;
    }
    let data = dir.join("data");
    let data_str = data.to_string_lossy().to_string();
    if !data.join("PG_VERSION").exists() {
        run_pg(
            &pg_bin("initdb")?,
            &["-D", &data_str, "-U", "app", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"],
        )?;
    }
    let options = format!(
        "-k {} -p {PORT} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=300",
        dir.display()
    );
    let log = dir.join("log").to_string_lossy().to_string();
    run_pg(&pg_bin("pg_ctl")?, &["-D", &data_str, "-l", &log, "-w", "-o", &options, "start"])?;
    Ok(url)
}
