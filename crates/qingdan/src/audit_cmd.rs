//! `qingdan audit`: verify the audit trail's hash chain (archives, then the
//! database) and archive rows past the retention period to a file.

use crate::DbArgs;
use crate::config::Settings;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use qingdan_domain::ChainedEvent;
use sha2::{Digest, Sha256};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every row of the hash chain and name the first that was edited,
    /// removed or inserted. Give the archive files of earlier rows, oldest
    /// first, to check them too. Exits with 1 when the chain is broken.
    Verify {
        /// An archive file written by `qingdan audit archive` (repeatable, oldest first).
        #[arg(long = "archive")]
        archives: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write the rows older than --before to a new file (JSON lines, with
    /// their hashes), then delete them from the database. Rows younger than
    /// audit_retention_days (at least 180) are never taken. On PostgreSQL run
    /// it as the tables' owner: it lifts the append-only trigger for the delete.
    Archive {
        /// The first day (Beijing time) that stays in the database, e.g. 2026-01-01.
        #[arg(long)]
        before: NaiveDate,
        /// The archive file to create; an existing file is never overwritten.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: AuditCommand) -> Result<()> {
    match cmd {
        AuditCommand::Verify { archives, db } => {
            let app = crate::open(&Settings::load(&db, None)?).await?;
            let mut rows = Vec::new();
            for path in &archives {
                rows.extend(read_archive(path)?);
            }
            let report = app.verify_audit_chain(rows).await?;
            app.close().await;
            if let Some(broken) = report.broken {
                bail!("审计记录完整性校验未通过：{broken}（此前{}条校验无误）", report.rows);
            }
            println!(
                "审计记录完整：哈希链共{}条，至第{}号，无修改、删除或插入。",
                report.rows,
                report.last_seq.unwrap_or(0)
            );
            if let Some(head) = report.head {
                println!("链头哈希：{head}");
            }
            if report.before_chain > 0 {
                println!("另有{}条记录早于哈希链启用，未纳入校验。", report.before_chain);
            }
            Ok(())
        }
        AuditCommand::Archive { before, out, db } => {
            if out.exists() {
                bail!("归档文件 {} 已存在：请换一个文件名（已有的归档不会被覆盖）", out.display());
            }
            let settings = Settings::load(&db, None)?;
            let app = crate::open(&settings).await?;
            let rows = app.audit_rows_to_archive(before, settings.audit_retention_days).await?;
            if rows.is_empty() {
                println!("没有早于{before}的审计记录需要归档。");
                return Ok(());
            }
            let sha = write_archive(&out, &rows)?;
            let deleted = app.finish_audit_archive(&rows, &sha).await?;
            app.close().await;
            println!(
                "已归档{}条审计记录（第{}至{}号）到 {}，并从数据库删除{}条；文件 SHA-256：{sha}",
                rows.len(),
                rows[0].seq,
                rows[rows.len() - 1].seq,
                out.display(),
                deleted
            );
            Ok(())
        }
    }
}

/// Writes the rows as JSON lines to a new file, synced to disk; returns its SHA-256.
fn write_archive(path: &Path, rows: &[ChainedEvent]) -> Result<String> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating the archive {} (it must not exist yet)", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut sha = Sha256::new();
    for row in rows {
        let mut line = serde_json::to_string(row)?;
        line.push('\n');
        sha.update(line.as_bytes());
        out.write_all(line.as_bytes())?;
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all().with_context(|| format!("syncing {}", path.display()))?;
    Ok(sha.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn read_archive(path: &Path) -> Result<Vec<ChainedEvent>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening the archive {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let row =
            serde_json::from_str(&line).with_context(|| format!("{} 第{}行不是审计归档记录", path.display(), i + 1))?;
        rows.push(row);
    }
    Ok(rows)
}
