//! Settings from flags, environment and an optional TOML file; flags win.

use crate::DbArgs;
use crate::cpus::Cpus;
use anyhow::{Context, Result, bail};
use qingdan_app::{NetworkPolicy, SignInPolicy};
use qingdan_domain::HashAlg;
use qingdan_web::WebConfig;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The TOML configuration file.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    #[serde(default)]
    secure_cookies: bool,
    #[serde(default)]
    trusted_origins: Vec<String>,
    /// Failed sign-ins that lock an account or an address (default 5).
    lock_after_failures: Option<u32>,
    /// For how many minutes, counted from the last failure (default 15).
    lock_minutes: Option<u32>,
    /// Minutes without a request after which a session ends (default 30).
    idle_minutes: Option<u32>,
    /// Sessions a user may hold at once; a new sign-in ends the oldest (default 3).
    max_sessions_per_user: Option<u32>,
    /// Days after which a password must be changed at sign-in (default 0: never).
    #[serde(default)]
    password_max_days: u32,
    /// Networks notification channels may reach besides the default
    /// (loopback, link-local and metadata addresses are refused otherwise).
    #[serde(default)]
    allowed_networks: Vec<String>,
    /// The audit chain's hash: "sha256" (default) or "sm3" (国密).
    audit_hash: Option<String>,
    /// Days audit rows are kept before `qingdan audit archive` may take them (at least 180).
    audit_retention_days: Option<u32>,
    /// The CPUs the server runs on: "auto" (default: one on SQLite, all on PostgreSQL), "all" or a number.
    cpus: Option<String>,
}

pub struct Settings {
    pub listen: SocketAddr,
    data_dir: PathBuf,
    database_url: Option<String>,
    pub web: WebConfig,
    pub sign_in: SignInPolicy,
    pub networks: NetworkPolicy,
    pub audit_hash: HashAlg,
    pub audit_retention_days: u32,
    pub cpus: Cpus,
}

impl Settings {
    pub fn load(db: &DbArgs, listen: Option<SocketAddr>) -> Result<Settings> {
        let file = match &db.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                toml::from_str::<FileConfig>(&text).with_context(|| format!("parsing {}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let default_listen = SocketAddr::from(([127, 0, 0, 1], 8080));
        let sign_in = sign_in_policy(&file)?;
        let networks = NetworkPolicy::allowing(&file.allowed_networks).map_err(|e| anyhow::anyhow!(e))?;
        let audit_hash = match file.audit_hash.as_deref() {
            None => HashAlg::default(),
            Some(code) => {
                HashAlg::from_code(code).with_context(|| format!("audit_hash {code:?}: write \"sha256\" or \"sm3\""))?
            }
        };
        let audit_retention_days = file.audit_retention_days.unwrap_or(qingdan_app::audit::MIN_RETENTION_DAYS);
        if audit_retention_days < qingdan_app::audit::MIN_RETENTION_DAYS {
            bail!(
                "audit_retention_days must be at least {} (网络安全法: six months)",
                qingdan_app::audit::MIN_RETENTION_DAYS
            );
        }
        Ok(Settings {
            listen: listen.or(file.listen).unwrap_or(default_listen),
            data_dir: db.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("data")),
            database_url: db.database_url.clone().or(file.database_url),
            web: WebConfig { secure_cookies: file.secure_cookies, trusted_origins: file.trusted_origins },
            sign_in,
            networks,
            audit_hash,
            audit_retention_days,
            cpus: Cpus::parse(file.cpus.as_deref().unwrap_or("auto"))?,
        })
    }

    /// The database URL, creating the data directory for SQLite.
    pub fn database_url(&self) -> Result<String> {
        if let Some(url) = &self.database_url {
            if !(url.starts_with("sqlite://") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                bail!("unsupported database URL {url:?}: write sqlite://PATH or postgres://USER@HOST/DB");
            }
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))?;
        Ok(format!("sqlite://{}", self.data_dir.join("qingdan.db").display()))
    }

    /// Whether the database is SQLite (the data directory or a sqlite:// URL).
    pub fn is_sqlite(&self) -> bool {
        self.database_url.as_deref().is_none_or(|url| url.starts_with("sqlite://"))
    }

    /// Whether the database is an SQLite file that does not exist yet (read-only commands such as
    /// `calendar add-working-days` then use built-in data rather than create it).
    pub fn sqlite_file_missing(&self) -> bool {
        let path = match &self.database_url {
            Some(url) => match url.strip_prefix("sqlite://") {
                Some(path) => PathBuf::from(path),
                None => return false,
            },
            None => self.data_dir.join("qingdan.db"),
        };
        !path.exists()
    }

    /// The URL without a password, for messages.
    pub fn display_url(&self) -> String {
        match &self.database_url {
            Some(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => {
                    let user = &url[scheme + 3..at];
                    let user = user.split(':').next().unwrap_or("");
                    format!("{}{user}{}", &url[..scheme + 3], &url[at..])
                }
                _ => url.clone(),
            },
            None => format!("sqlite://{}", self.data_dir.join("qingdan.db").display()),
        }
    }
}

/// The sign-in and session limits from the file, each defaulting; zero is refused.
fn sign_in_policy(file: &FileConfig) -> Result<SignInPolicy> {
    let default = SignInPolicy::default();
    let policy = SignInPolicy {
        max_failures: file.lock_after_failures.unwrap_or(default.max_failures),
        lock_minutes: file.lock_minutes.unwrap_or(default.lock_minutes),
        idle_minutes: file.idle_minutes.unwrap_or(default.idle_minutes),
        max_sessions: file.max_sessions_per_user.unwrap_or(default.max_sessions),
        password_max_days: file.password_max_days,
    };
    if [policy.max_failures, policy.lock_minutes, policy.idle_minutes, policy.max_sessions].contains(&0) {
        bail!("lock_after_failures, lock_minutes, idle_minutes and max_sessions_per_user must be at least 1");
    }
    Ok(policy)
}
