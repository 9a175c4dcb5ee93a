//! 工作日历 (the working-day calendar) of a tenant: read by every deadline in working days, edited
//! by the admin only.
//!
//! A tenant starts with the national file shipped in the binary
//! ([`WorkCalendar::shipped_days`]): it is loaded the first time the tenant's calendar is read or
//! edited while the tenant has no day at all, so every way of creating a tenant (demo, synthetic,
//! `qingdan user add`, tests) gets it without knowing about it.
//!
//! The built [`WorkCalendar`] is kept per tenant in the [`App`] and forgotten at once when this
//! process edits it; another process sharing the database (the CLI's `calendar import` beside a
//! running server) is seen within [`TTL`].

use crate::guards::require_admin;
use crate::{App, AppError, Result};
use chrono::{Datelike, NaiveDate};
use qingdan_domain::calendar::line_errors_to_invalid;
use qingdan_domain::{CalendarDay, DayKind, Invalid, TenantId, User, WorkCalendar};
use qingdan_storage::CalendarChange;
use std::time::Duration;

/// How long a tenant's built calendar is trusted.
pub(crate) const TTL: Duration = Duration::from_secs(60);
/// Largest calendar file an import accepts (the national file for seven years is ~15 KiB).
pub const MAX_CALENDAR_BYTES: usize = 1024 * 1024;

/// A day as typed into the admin's form.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CalendarDayInput {
    /// YYYY-MM-DD
    pub date: String,
    /// `holiday` (放假) or `workday` (调休上班)
    pub kind: String,
    /// 春节, 国庆节, 壮族三月三 …
    pub name: String,
    /// Empty for national; a region name for a local day.
    #[serde(default)]
    pub region: String,
    /// Where it comes from; empty = "管理员录入".
    #[serde(default)]
    pub source: String,
}

/// One year of a tenant's calendar, for the admin's page.
#[derive(Debug, Clone)]
pub struct CalendarYear {
    pub year: i32,
    /// The year's days, every region, by date.
    pub days: Vec<CalendarDay>,
    /// The years with national data, ascending.
    pub known_years: Vec<i32>,
    /// This year and next year, where they have no national data: deadlines there count Monday–Friday.
    pub missing_years: Vec<i32>,
}

fn parse_date(invalid: &mut Invalid, field: &str, label: &str, text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().filter(|d| (2000..=2100).contains(&d.year()));
    if date.is_none() {
        let message = if text.is_empty() {
            format!("{label}不能为空")
        } else {
            format!("{label}“{text}”无效，应写作 YYYY-MM-DD，如 2026-10-01（2000至2100年）")
        };
        invalid.add(field, "bad_date", message);
    }
    date
}

impl App {
    /// The tenant's working-day calendar (national days with the tenant's local ones), loading the
    /// shipped national file first if the tenant has no day yet. Any user's deadlines use it.
    pub async fn calendar(&self, tenant: TenantId) -> Result<WorkCalendar> {
        if let Some(calendar) = self.calendars.get(&tenant) {
            return Ok(calendar);
        }
        self.ensure_calendar(tenant).await?;
        let calendar = WorkCalendar::new(self.store.calendar_days(tenant).await?);
        self.calendars.put(tenant, calendar.clone());
        Ok(calendar)
    }

    /// Loads the shipped national file into a tenant with no calendar day. Returns whether it did.
    pub async fn ensure_calendar(&self, tenant: TenantId) -> Result<bool> {
        if self.store.calendar_day_count(tenant).await? > 0 {
            return Ok(false);
        }
        let seeded = self.store.seed_calendar(tenant, &WorkCalendar::shipped_days(), self.system_actor()).await?;
        self.calendars.remove(&tenant);
        Ok(seeded)
    }

    /// This year and next year where the tenant's calendar has no national data (for a warning:
    /// "尚未导入2027年节假日安排，按周一至周五计算").
    pub async fn calendar_missing_years(&self, tenant: TenantId) -> Result<Vec<i32>> {
        let calendar = self.calendar(tenant).await?;
        let year = self.clock.today().year();
        Ok([year, year + 1].into_iter().filter(|y| !calendar.has_year(*y)).collect())
    }

    /// One year of the calendar, for the admin.
    pub async fn calendar_days(&self, user: &User, year: i32) -> Result<CalendarYear> {
        require_admin(user)?;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::field("year", "out_of_range", "年份应在2000至2100之间"));
        }
        let calendar = self.calendar(user.tenant_id).await?;
        let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        else {
            return Err(AppError::field("year", "out_of_range", "年份应在2000至2100之间"));
        };
        let days = self.store.calendar_days_between(user.tenant_id, from, to).await?;
        let missing_years = self.calendar_missing_years(user.tenant_id).await?;
        Ok(CalendarYear { year, days, known_years: calendar.years().collect(), missing_years })
    }

    /// Adds a day, or changes the day of that region and date (admin only).
    pub async fn add_calendar_day(&self, user: &User, input: &CalendarDayInput) -> Result<CalendarDay> {
        require_admin(user)?;
        let mut invalid = Invalid::new();
        let date = parse_date(&mut invalid, "date", "日期", &input.date);
        let kind = DayKind::parse(&input.kind);
        if kind.is_none() {
            invalid.add("kind", "unknown", "类型无效，应为 holiday（放假）或 workday（调休上班）");
        }
        let name = invalid.text("name", "名称", &input.name, 40);
        let region = invalid.optional_text("region", "地区", &input.region, 40);
        let source = invalid.optional_text("source", "来源", &input.source, 200);
        for (field, label, value) in [("name", "名称", &name), ("region", "地区", &region), ("source", "来源", &source)]
        {
            if value.contains(',') {
                invalid.add(field, "comma", format!("{label}中不能有英文逗号（日历文件以逗号分列）"));
            }
        }
        invalid.into_result()?;
        let (Some(date), Some(kind)) = (date, kind) else {
            return Err(AppError::Internal("validated calendar day without date or kind".into()));
        };
        let source = if source.is_empty() { format!("管理员录入（{}）", user.username) } else { source };
        let day = CalendarDay { date, kind, name, region, source };
        self.ensure_calendar(user.tenant_id).await?;
        self.store.upsert_calendar_day(user.tenant_id, &day, self.actor(user)).await?;
        self.calendars.remove(&user.tenant_id);
        self.reschedule_unconfirmed(user.tenant_id).await?;
        Ok(day)
    }

    /// Deletes the day of `region` on `date` (admin only); deleting a day that is not there is a
    /// `NotFound`.
    pub async fn delete_calendar_day(&self, user: &User, region: &str, date: &str) -> Result<CalendarDay> {
        require_admin(user)?;
        let mut invalid = Invalid::new();
        let date = parse_date(&mut invalid, "date", "日期", date);
        invalid.into_result()?;
        let Some(date) = date else {
            return Err(AppError::Internal("validated calendar date missing".into()));
        };
        self.ensure_calendar(user.tenant_id).await?;
        let deleted = self.store.delete_calendar_day(user.tenant_id, region.trim(), date, self.actor(user)).await?;
        self.calendars.remove(&user.tenant_id);
        self.reschedule_unconfirmed(user.tenant_id).await?;
        deleted.ok_or(AppError::NotFound("日历中的这一天"))
    }

    /// Imports a calendar file (admin only): all or nothing, each bad line named in the errors of
    /// field `text`. Within each region's span (first to last date in the file) the file replaces
    /// what was there.
    pub async fn import_calendar(&self, user: &User, text: &str) -> Result<CalendarChange> {
        require_admin(user)?;
        self.import_calendar_as(user.tenant_id, text, Some(user)).await
    }

    /// Imports a calendar file from the command line, without a signed-in admin.
    pub async fn import_calendar_unchecked(&self, tenant: TenantId, text: &str) -> Result<CalendarChange> {
        self.import_calendar_as(tenant, text, None).await
    }

    async fn import_calendar_as(&self, tenant: TenantId, text: &str, by: Option<&User>) -> Result<CalendarChange> {
        if text.len() > MAX_CALENDAR_BYTES {
            return Err(AppError::field("text", "too_long", "日历文件不能超过1 MiB"));
        }
        let days = WorkCalendar::parse_file(text).map_err(|errors| line_errors_to_invalid(&errors, "text"))?;
        if days.is_empty() {
            return Err(AppError::field("text", "empty", "文件中没有任何日期"));
        }
        self.ensure_calendar(tenant).await?;
        let actor = by.map_or_else(|| self.system_actor(), |u| self.actor(u));
        let mut change = self.store.import_calendar_days(tenant, &days, actor).await?;
        self.calendars.remove(&tenant);
        change.rescheduled = self.reschedule_unconfirmed(tenant).await?;
        Ok(change)
    }

    /// All of a tenant's days (every region), for the command line, without a signed-in admin.
    pub async fn calendar_days_unchecked(&self, tenant: TenantId) -> Result<Vec<CalendarDay>> {
        self.ensure_calendar(tenant).await?;
        Ok(self.store.calendar_days(tenant).await?)
    }

    /// The tenants in the database, for the command line to pick one.
    pub async fn tenant_ids(&self) -> Result<Vec<TenantId>> {
        Ok(self.store.tenant_ids().await?)
    }

    /// The tenant's whole calendar in the file format (every region), for export.
    pub async fn calendar_file(&self, user: &User) -> Result<String> {
        require_admin(user)?;
        self.ensure_calendar(user.tenant_id).await?;
        Ok(WorkCalendar::to_file(&self.store.calendar_days(user.tenant_id).await?))
    }
}
