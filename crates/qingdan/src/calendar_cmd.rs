//! `qingdan calendar …`: check and load the working-day calendar (工作日历) from the shell.
//!
//! The database is found as for `serve` (`--data-dir`, `--database-url`, `--config` and their
//! environment variables). The tenant is `--tenant ID`, or the only tenant in the database.
//! `add-working-days`, `between` and `show` read the tenant's calendar; when there is no database
//! yet (the SQLite file does not exist) or it holds no tenant, or with `--shipped`, they use the
//! national file compiled into the binary and say so on stderr. They never create a database.
//! `import` needs a database with a tenant.

use crate::DbArgs;
use crate::config::Settings;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use qingdan_app::{App, AppError};
use qingdan_domain::{Due, TenantId, WorkCalendar};
use std::io::Read;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Print the date N working days after DATE (the day of DATE not counted); with --calendar-days,
    /// N calendar days, moved to the next working day when it lands on one that is not.
    AddWorkingDays {
        /// The start date, YYYY-MM-DD.
        date: String,
        /// How many days.
        n: u32,
        /// Count calendar days instead of working days.
        #[arg(long)]
        calendar_days: bool,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// Print the working days in (FROM, TO]: how many working days late a matter due FROM is on TO.
    Between {
        from: String,
        to: String,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// Print a year's holidays and make-up working days in the import file format.
    Show {
        year: i32,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// Load a calendar file (format: see README, 工作日历) into the tenant's calendar; `-` reads stdin.
    /// All or nothing: a bad line is reported with its number and nothing is saved.
    Import {
        file: PathBuf,
        /// The tenant's id (needed only when the database holds several).
        #[arg(long)]
        tenant: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Where the calendar is read from.
#[derive(Args)]
pub struct SourceArgs {
    /// The tenant's id (needed only when the database holds several).
    #[arg(long)]
    tenant: Option<i64>,
    /// Use the national file compiled into the binary, not the database.
    #[arg(long)]
    shipped: bool,
    #[command(flatten)]
    db: DbArgs,
}

pub async fn run(cmd: CalendarCommand) -> Result<()> {
    match cmd {
        CalendarCommand::AddWorkingDays { date, n, calendar_days, source } => {
            let date = parse_date(&date)?;
            let calendar = load(&source).await?;
            let due =
                if calendar_days { calendar.add_calendar_days(date, n) } else { calendar.add_working_days(date, n) };
            println!("{}", due.date);
            warn_unconfirmed(&calendar, date, due);
        }
        CalendarCommand::Between { from, to, source } => {
            let (from, to) = (parse_date(&from)?, parse_date(&to)?);
            let calendar = load(&source).await?;
            println!("{}", calendar.working_days_between(from, to));
            let (first, last) = (from.min(to), from.max(to));
            warn_unconfirmed(&calendar, first, Due { date: last, confirmed: years_known(&calendar, first, last) });
        }
        CalendarCommand::Show { year, source } => {
            if !(1900..=9999).contains(&year) {
                bail!("年份“{year}”无效");
            }
            let days: Vec<_> = if source.shipped {
                WorkCalendar::shipped_days()
            } else {
                match open_existing(&source.db).await? {
                    Some(app) => {
                        let tenant = pick_tenant(&app, source.tenant).await?;
                        app.calendar_days_unchecked(tenant).await?
                    }
                    None => shipped_notice(),
                }
            };
            let year_days: Vec<_> = days.into_iter().filter(|d| chrono::Datelike::year(&d.date) == year).collect();
            print!("{}", WorkCalendar::to_file(&year_days));
            if year_days.iter().all(|d| !d.is_national()) {
                eprintln!("qingdan: 警告：{year}年尚无全国节假日数据，按周一至周五计算");
            }
        }
        CalendarCommand::Import { file, tenant, db } => {
            let text = if file.as_os_str() == "-" {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text).context("reading stdin")?;
                text
            } else {
                std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?
            };
            let settings = Settings::load(&db, None)?;
            let app = crate::open(&settings).await?;
            let tenant = pick_tenant(&app, tenant).await?;
            match app.import_calendar_unchecked(tenant, &text).await {
                Ok(change) => println!(
                    "已导入 {}：新增{}天，修改{}天，删除{}天，未变{}天；{}项督办事项的时限已按新日历重算",
                    file.display(),
                    change.inserted,
                    change.updated,
                    change.removed,
                    change.unchanged,
                    change.rescheduled
                ),
                Err(AppError::Invalid(invalid)) => {
                    let lines: Vec<String> = invalid.errors.into_iter().map(|e| e.message).collect();
                    bail!("{} 未导入：\n{}", file.display(), lines.join("\n"));
                }
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(())
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("日期“{text}”无效，应写作 YYYY-MM-DD，如 2026-09-30"))
}

/// The calendar the flags name: the shipped file, or the tenant's from the database.
async fn load(source: &SourceArgs) -> Result<WorkCalendar> {
    if source.shipped {
        return Ok(WorkCalendar::shipped());
    }
    match open_existing(&source.db).await? {
        Some(app) => {
            let tenant = pick_tenant(&app, source.tenant).await?;
            Ok(app.calendar(tenant).await?)
        }
        None => Ok(WorkCalendar::new(shipped_notice())),
    }
}

fn shipped_notice() -> Vec<qingdan_domain::CalendarDay> {
    eprintln!("qingdan: 没有数据库或其中没有政府，使用内置的全国节假日数据");
    WorkCalendar::shipped_days()
}

/// The database if it exists and holds a tenant; `None` when the SQLite file is absent (nothing is
/// created) or the database has no tenant.
async fn open_existing(db: &DbArgs) -> Result<Option<App>> {
    let settings = Settings::load(db, None)?;
    if settings.sqlite_file_missing() {
        return Ok(None);
    }
    let app = crate::open(&settings).await?;
    Ok(if app.has_tenant().await? { Some(app) } else { None })
}

/// `--tenant`, or the only tenant.
async fn pick_tenant(app: &App, wanted: Option<i64>) -> Result<TenantId> {
    let tenants = app.tenant_ids().await?;
    match wanted {
        Some(id) if tenants.contains(&TenantId(id)) => Ok(TenantId(id)),
        Some(id) => bail!("数据库中没有编号为 {id} 的政府（租户）"),
        None => match tenants.as_slice() {
            [only] => Ok(*only),
            [] => bail!("数据库中还没有政府（租户）：先用 qingdan user add 或 qingdan demo 创建"),
            many => {
                let ids: Vec<String> = many.iter().map(|t| t.0.to_string()).collect();
                bail!("数据库中有多个政府（租户）：{}，请用 --tenant 指定", ids.join("、"))
            }
        },
    }
}

fn years_known(calendar: &WorkCalendar, first: NaiveDate, last: NaiveDate) -> bool {
    (chrono::Datelike::year(&first)..=chrono::Datelike::year(&last)).all(|y| calendar.has_year(y))
}

/// A warning line on stderr when a year crossed has no data.
fn warn_unconfirmed(calendar: &WorkCalendar, from: NaiveDate, due: Due) {
    if due.confirmed {
        return;
    }
    let missing: Vec<String> = (chrono::Datelike::year(&from)..=chrono::Datelike::year(&due.date))
        .filter(|y| !calendar.has_year(*y))
        .take(5)
        .map(|y| y.to_string())
        .collect();
    let years = if missing.is_empty() { "所跨年份".to_owned() } else { format!("{}年", missing.join("、")) };
    eprintln!("qingdan: 警告：{years}尚无节假日数据，按周一至周五计算，结果未确认");
}
