//! 工作日历 (the working-day calendar): a tenant's holidays and make-up working days.
//!
//! One row per (tenant, region, day); region `''` is national. Every change writes an audit event
//! `calendar_day` whose id is the date as `YYYYMMDD` (the region is in the before/after JSON).

use crate::audit::{event, record};
use crate::rows::code;
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::{Datelike, NaiveDate};
use qingdan_domain::{CalendarDay, DayKind, TenantId};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CalendarChange {
    /// Days that were not there.
    pub inserted: usize,
    /// Days that were there with another kind, name or source.
    pub updated: usize,
    /// Days inside the file's span (per region) that the file no longer lists.
    pub removed: usize,
    /// Days that were there exactly as in the file.
    pub unchanged: usize,
    /// Open 督办 matters whose unconfirmed due dates were worked out again
    /// (set by the app after the import).
    pub rescheduled: usize,
}

#[derive(sqlx::FromRow)]
struct DayRow {
    region: String,
    day: NaiveDate,
    kind: String,
    name: String,
    source: String,
}

impl DayRow {
    fn into_day(self) -> Result<CalendarDay> {
        Ok(CalendarDay {
            date: self.day,
            kind: code("calendar_days", &self.kind, DayKind::parse)?,
            name: self.name,
            region: self.region,
            source: self.source,
        })
    }
}

const COLUMNS: &str = "region, day, kind, name, source";

/// The audit id of a day: 2026-10-01 → 20261001.
fn audit_id(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day())
}

fn audit_json(day: &CalendarDay) -> Value {
    json!({"date": day.date, "region": day.region, "kind": day.kind.as_str(), "name": day.name, "source": day.source})
}

/// Inserts or replaces one day on the transaction `$tx`.
macro_rules! upsert {
    ($tx:expr, $tenant:expr, $day:expr) => {{
        let day: &CalendarDay = $day;
        sqlx::query(
            "INSERT INTO calendar_days (tenant_id, region, day, kind, name, source) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (tenant_id, region, day) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
             source = excluded.source",
        )
        .bind($tenant.0)
        .bind(&day.region)
        .bind(day.date)
        .bind(day.kind.as_str())
        .bind(&day.name)
        .bind(&day.source)
        .execute(&mut *$tx)
        .await?;
    }};
}

impl Store {
    /// All of the tenant's days, every region, by date then region.
    pub async fn calendar_days(&self, tenant: TenantId) -> Result<Vec<CalendarDay>> {
        let sql = format!("SELECT {COLUMNS} FROM calendar_days WHERE tenant_id = $1 ORDER BY day, region");
        let rows: Vec<DayRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        rows.into_iter().map(DayRow::into_day).collect()
    }

    /// The tenant's days in `from..=to`, by date then region.
    pub async fn calendar_days_between(
        &self,
        tenant: TenantId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CalendarDay>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM calendar_days WHERE tenant_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, region"
        );
        let rows: Vec<DayRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(from).bind(to).fetch_all(pool).await?
        });
        rows.into_iter().map(DayRow::into_day).collect()
    }

    /// How many days the tenant's calendar holds.
    pub async fn calendar_day_count(&self, tenant: TenantId) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM calendar_days WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Loads `days` into a tenant whose calendar is empty, with one audit event `calendar`/`seed`;
    /// does nothing (and returns `false`) when the tenant has any day already. Safe to race: a day
    /// already there is left alone.
    pub async fn seed_calendar(&self, tenant: TenantId, days: &[CalendarDay], actor: Actor) -> Result<bool> {
        let seeded = in_tx!(self, tx => {
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_days WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_one(&mut *tx)
                .await?;
            if count == 0 {
                for day in days {
                    sqlx::query(
                        "INSERT INTO calendar_days (tenant_id, region, day, kind, name, source) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, region, day) DO NOTHING",
                    )
                    .bind(tenant.0)
                    .bind(&day.region)
                    .bind(day.date)
                    .bind(day.kind.as_str())
                    .bind(&day.name)
                    .bind(&day.source)
                    .execute(&mut *tx)
                    .await?;
                }
                let after = json!({"days": days.len(), "first": days.iter().map(|d| d.date).min(),
                                   "last": days.iter().map(|d| d.date).max()});
                record!(tx, event(tenant, actor, "calendar", tenant.0, "seed", None, Some(after)));
            }
            count == 0
        });
        Ok(seeded)
    }

    /// Adds a day or changes the one of that region and date. Returns the day it replaced.
    pub async fn upsert_calendar_day(
        &self,
        tenant: TenantId,
        day: &CalendarDay,
        actor: Actor,
    ) -> Result<Option<CalendarDay>> {
        let before = in_tx!(self, tx => {
            let sql = format!("SELECT {COLUMNS} FROM calendar_days WHERE tenant_id = $1 AND region = $2 AND day = $3");
            let row: Option<DayRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(tenant.0)
                .bind(&day.region)
                .bind(day.date)
                .fetch_optional(&mut *tx)
                .await?;
            let before = row.map(DayRow::into_day).transpose()?;
            upsert!(tx, tenant, day);
            let action = if before.is_some() { "update" } else { "create" };
            let before_json = before.as_ref().map(audit_json);
            record!(tx, event(tenant, actor, "calendar_day", audit_id(day.date), action, before_json, Some(audit_json(day))));
            before
        });
        Ok(before)
    }

    /// Deletes the day of `region` on `date`. Returns the day deleted, `None` when there was none.
    pub async fn delete_calendar_day(
        &self,
        tenant: TenantId,
        region: &str,
        date: NaiveDate,
        actor: Actor,
    ) -> Result<Option<CalendarDay>> {
        let before = in_tx!(self, tx => {
            let sql = format!(
                "DELETE FROM calendar_days WHERE tenant_id = $1 AND region = $2 AND day = $3 RETURNING {COLUMNS}"
            );
            let row: Option<DayRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(tenant.0)
                .bind(region)
                .bind(date)
                .fetch_optional(&mut *tx)
                .await?;
            let before = row.map(DayRow::into_day).transpose()?;
            if let Some(day) = &before {
                record!(tx, event(tenant, actor, "calendar_day", audit_id(date), "delete", Some(audit_json(day)), None));
            }
            before
        });
        Ok(before)
    }

    /// Imports a file's days in one transaction: for each region in `days`, the file is the whole
    /// arrangement of its span (its first to its last date), so days in that span it does not list
    /// are removed, and the others inserted or updated. One audit event per day changed.
    pub async fn import_calendar_days(
        &self,
        tenant: TenantId,
        days: &[CalendarDay],
        actor: Actor,
    ) -> Result<CalendarChange> {
        let mut spans: BTreeMap<&str, (NaiveDate, NaiveDate)> = BTreeMap::new();
        for day in days {
            let span = spans.entry(day.region.as_str()).or_insert((day.date, day.date));
            span.0 = span.0.min(day.date);
            span.1 = span.1.max(day.date);
        }
        let listed: BTreeSet<(&str, NaiveDate)> = days.iter().map(|d| (d.region.as_str(), d.date)).collect();
        let change = in_tx!(self, tx => {
            let mut change = CalendarChange::default();
            let mut existing: BTreeMap<(String, NaiveDate), CalendarDay> = BTreeMap::new();
            for (region, (from, to)) in &spans {
                let sql = format!(
                    "SELECT {COLUMNS} FROM calendar_days WHERE tenant_id = $1 AND region = $2 AND day >= $3 AND day <= $4"
                );
                let rows: Vec<DayRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(tenant.0)
                    .bind(*region)
                    .bind(*from)
                    .bind(*to)
                    .fetch_all(&mut *tx)
                    .await?;
                for row in rows {
                    let day = row.into_day()?;
                    existing.insert((day.region.clone(), day.date), day);
                }
            }
            for ((region, date), old) in &existing {
                if listed.contains(&(region.as_str(), *date)) {
                    continue;
                }
                sqlx::query("DELETE FROM calendar_days WHERE tenant_id = $1 AND region = $2 AND day = $3")
                    .bind(tenant.0)
                    .bind(region)
                    .bind(*date)
                    .execute(&mut *tx)
                    .await?;
                record!(tx, event(tenant, actor, "calendar_day", audit_id(*date), "delete", Some(audit_json(old)), None));
                change.removed += 1;
            }
            for day in days {
                let old = existing.get(&(day.region.clone(), day.date));
                if old == Some(day) {
                    change.unchanged += 1;
                    continue;
                }
                upsert!(tx, tenant, day);
                let action = if old.is_some() { "update" } else { "create" };
                if old.is_some() {
                    change.updated += 1;
                } else {
                    change.inserted += 1;
                }
                record!(tx, event(tenant, actor, "calendar_day", audit_id(day.date), action, old.map(audit_json), Some(audit_json(day))));
            }
            change
        });
        Ok(change)
    }
}
