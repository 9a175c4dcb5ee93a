//! 工作日历: working days on the State Council's holiday calendar, with its make-up working days (调休).
//!
//! Deadlines of assigned matters ("3个工作日内") count working days. A day is a working day when it is
//! Monday to Friday and not a statutory holiday (放假), or when it is a Saturday or Sunday that the
//! notice makes a working day (调休上班). The State Council publishes the next year's arrangement each
//! October or November, so the data is a yearly file ([`WorkCalendar::shipped`], `data/cn-holidays.csv`)
//! that a tenant's admin can extend and override per region.
//!
//! Counting rules (documented and tested here, relied on by 督办):
//! - [`WorkCalendar::add_working_days`]: the day of assignment does not count (民法典第二百零一条,
//!   开始的当日不计入); `n` working days after `start` is the n-th working day strictly after it.
//!   `n = 0` means "due today": `start` itself if it is a working day, else the next working day.
//! - [`WorkCalendar::add_calendar_days`]: `start + n` calendar days; if that lands on a non-working day,
//!   the next working day (民法典第二百零三条, 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
//! - [`WorkCalendar::working_days_between`]: working days in `(from, to]`, for "逾期N个工作日".
//!
//! A year with no data never panics: it counts Monday–Friday and the result carries `confirmed: false`,
//! so the UI can say the deadline is provisional. Dates near [`NaiveDate::MAX`] saturate at it.
//!
//! The algorithms do not walk day by day: weekdays between two dates are counted by formula and only
//! the calendar's own days are visited, so a deadline a million working days away costs the same as one
//! three days away.

use crate::validate::{FieldError, Invalid};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Bound::{Excluded, Included, Unbounded};

/// The kind of a calendar day: a day off (放假) or a make-up working day (调休上班).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 放假: no work, whatever the weekday.
    Holiday,
    /// 调休上班: work, whatever the weekday.
    Workday,
}

impl DayKind {
    /// The token in the data file and the database: `holiday` / `workday`.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// 放假 / 调休上班
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::Workday => "调休上班",
        }
    }

    /// Reads `holiday`/`workday`, and the Chinese 放假/休/假 and 上班/班/调休上班.
    pub fn parse(token: &str) -> Option<DayKind> {
        match token.trim() {
            "holiday" | "放假" | "休" | "假" => Some(DayKind::Holiday),
            "workday" | "上班" | "班" | "调休上班" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday it belongs to: 春节, 国庆节. A make-up day carries the name of the holiday it pays for.
    pub name: String,
    /// `""` = national; else a region (广西) whose days override the national ones on the same date.
    pub region: String,
    /// Where it was read from: the notice's title and date, or who entered it.
    pub source: String,
}

impl CalendarDay {
    /// A national day (region `""`, no source): the short form for tests and callers.
    pub fn national(date: NaiveDate, kind: DayKind, name: &str) -> CalendarDay {
        CalendarDay { date, kind, name: name.to_owned(), region: String::new(), source: String::new() }
    }

    pub fn is_national(&self) -> bool {
        self.region.is_empty()
    }
}

/// A deadline computed on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub date: NaiveDate,
    /// `false` when a year the computation crossed has no holiday data (Monday–Friday was assumed), or
    /// when the date saturated at [`NaiveDate::MAX`].
    pub confirmed: bool,
}

/// A line of a calendar file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    /// 1-based line number in the file.
    pub line: usize,
    /// Chinese, naming the line: "第3行：日期“2026-02-30”无效，应写作 YYYY-MM-DD".
    pub message: String,
}

impl LineError {
    fn new(line: usize, message: impl fmt::Display) -> LineError {
        LineError { line, message: format!("第{line}行：{message}") }
    }

    /// As a form error on `field` (the import textarea), code `calendar_line`.
    pub fn to_field_error(&self, field: &str) -> FieldError {
        FieldError { field: field.to_owned(), code: "calendar_line", message: self.message.clone() }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// All line errors of a file as one [`Invalid`] on `field`.
pub fn line_errors_to_invalid(errors: &[LineError], field: &str) -> Invalid {
    Invalid { errors: errors.iter().map(|e| e.to_field_error(field)).collect() }
}

/// The header line of the data file.
pub const FILE_HEADER: &str = "start,end,kind,name,region,source";
/// The longest run one row may describe (a break is at most ~10 days; this stops typos like 2062).
pub const MAX_ROW_DAYS: i64 = 366;
/// Most errors reported for one file; after that the file is clearly not a calendar.
const MAX_ERRORS: usize = 50;

const SHIPPED: &str = include_str!("../data/cn-holidays.csv");

/// A tenant's working-day calendar: national days with local overrides, ready to count.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    /// The effective kind of each listed date (local over national).
    days: BTreeMap<NaiveDate, DayKind>,
    /// Years with at least one national day: their arrangement is known.
    years: BTreeSet<i32>,
}

impl WorkCalendar {
    /// Builds a calendar. Days of a non-empty region override national days on the same date; among
    /// several entries of the same precedence for one date, the last wins.
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> WorkCalendar {
        let mut national = BTreeMap::new();
        let mut local = BTreeMap::new();
        let mut years = BTreeSet::new();
        for day in days {
            if day.is_national() {
                years.insert(day.date.year());
                national.insert(day.date, day.kind);
            } else {
                local.insert(day.date, day.kind);
            }
        }
        national.extend(local);
        WorkCalendar { days: national, years }
    }

    /// The national calendar shipped in the binary (`crates/domain/data/cn-holidays.csv`).
    pub fn shipped() -> WorkCalendar {
        WorkCalendar::new(WorkCalendar::shipped_days())
    }

    /// The days of the shipped file. The file is checked by a test, so it always parses; were it not to,
    /// this returns no days (and every year reads as unconfirmed) rather than panic.
    pub fn shipped_days() -> Vec<CalendarDay> {
        WorkCalendar::parse_file(SHIPPED).unwrap_or_default()
    }

    /// Reads the data file format (see the header of `data/cn-holidays.csv` and README.md): `#` comments
    /// and blank lines anywhere, then the header [`FILE_HEADER`], then rows
    /// `start,end,kind,name,region,source` (`end` empty for one day, `region` empty for national).
    /// All or nothing: any bad line gives errors naming each bad line. The same date twice for the same
    /// region is an error too.
    pub fn parse_file(text: &str) -> Result<Vec<CalendarDay>, Vec<LineError>> {
        let mut errors = Vec::new();
        let mut days: Vec<CalendarDay> = Vec::new();
        let mut seen: BTreeMap<(String, NaiveDate), usize> = BTreeMap::new();
        let mut header_seen = false;
        for (index, raw) in text.lines().enumerate() {
            if errors.len() >= MAX_ERRORS {
                break;
            }
            let line = index + 1;
            let content = raw.trim().trim_start_matches('\u{feff}').trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if !header_seen {
                let header: Vec<String> = content.split(',').map(|c| c.trim().to_ascii_lowercase()).collect();
                if header.join(",") != FILE_HEADER {
                    errors.push(LineError::new(line, format!("第一行应为表头“{FILE_HEADER}”")));
                    break;
                }
                header_seen = true;
                continue;
            }
            match parse_row(line, content) {
                Ok(row) => {
                    for day in row {
                        let key = (day.region.clone(), day.date);
                        if let Some(first) = seen.get(&key) {
                            errors.push(LineError::new(line, format!("日期{}与第{first}行重复", day.date)));
                            break;
                        }
                        seen.insert(key, line);
                        days.push(day);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if !header_seen && errors.is_empty() {
            errors.push(LineError::new(1, format!("文件为空，应有表头“{FILE_HEADER}”和至少一行")));
        }
        if errors.is_empty() { Ok(days) } else { Err(errors) }
    }

    /// Writes days in the file format, one row per run of consecutive days with the same kind, name,
    /// region and source. `parse_file(&to_file(days))` gives the days back (sorted by region, date).
    pub fn to_file(days: &[CalendarDay]) -> String {
        let mut sorted: Vec<&CalendarDay> = days.iter().collect();
        sorted.sort_by(|a, b| (&a.region, a.date).cmp(&(&b.region, b.date)));
        let mut out = String::from(FILE_HEADER);
        out.push('\n');
        let mut i = 0;
        while i < sorted.len() {
            let first = sorted[i];
            let mut last = first;
            let mut j = i + 1;
            while j < sorted.len() {
                let next = sorted[j];
                let same = next.kind == first.kind
                    && next.name == first.name
                    && next.region == first.region
                    && next.source == first.source
                    && last.date.succ_opt() == Some(next.date);
                if !same {
                    break;
                }
                last = next;
                j += 1;
            }
            let end = if last.date == first.date { String::new() } else { last.date.to_string() };
            out.push_str(&format!(
                "{},{},{},{},{},{}\n",
                first.date, end, first.kind, first.name, first.region, first.source
            ));
            i = j;
        }
        out
    }

    /// Whether the calendar has national data for `year` (any national day in it). Without it the year is
    /// counted Monday–Friday and results are unconfirmed.
    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The years with national data, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// The effective kind listed for `date`, if any (local over national).
    pub fn kind_of(&self, date: NaiveDate) -> Option<DayKind> {
        self.days.get(&date).copied()
    }

    /// Monday–Friday unless a holiday; Saturday/Sunday only when a make-up working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => is_weekday(d),
        }
    }

    /// The n-th working day after `start`; the day of `start` does not count (民法典第二百零一条).
    /// `n = 0`: `start` if it is a working day, else the next working day.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Due {
        if n == 0 {
            if self.is_working_day(start) {
                return Due { date: start, confirmed: self.has_year(start.year()) };
            }
            return self.due(start, self.nth_working_day_after(start, 1));
        }
        let first = start.succ_opt().unwrap_or(NaiveDate::MAX);
        self.due(first, self.nth_working_day_after(start, i64::from(n)))
    }

    /// `start + n` calendar days, moved to the next working day when it is not one (民法典第二百零三条).
    pub fn add_calendar_days(&self, start: NaiveDate, n: u32) -> Due {
        let Some(end) = start.checked_add_days(Days::new(u64::from(n))) else {
            return Due { date: NaiveDate::MAX, confirmed: false };
        };
        if self.is_working_day(end) {
            return Due { date: end, confirmed: self.has_year(end.year()) };
        }
        self.due(end, self.nth_working_day_after(end, 1))
    }

    /// Working days in `(from, to]`; negative (minus the working days in `(to, from]`) when `to < from`.
    /// `working_days_between(deadline, today)` is how many working days a matter is overdue.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let mut count = weekdays_upto(to) - weekdays_upto(from);
        for (&date, &kind) in self.days.range((Excluded(from), Included(to))) {
            match (kind, is_weekday(date)) {
                (DayKind::Holiday, true) => count -= 1,
                (DayKind::Workday, false) => count += 1,
                _ => {}
            }
        }
        count
    }

    fn due(&self, first_examined: NaiveDate, date: Option<NaiveDate>) -> Due {
        match date {
            Some(date) => Due { date, confirmed: self.years_known(first_examined.year(), date.year()) },
            None => Due { date: NaiveDate::MAX, confirmed: false },
        }
    }

    fn years_known(&self, from: i32, to: i32) -> bool {
        // Every year in between must be listed; the set is small, so count the ones in range.
        let listed = self.years.range(from..=to).count();
        i64::try_from(listed).ok() == Some(i64::from(to) - i64::from(from) + 1)
    }

    /// The r-th (r ≥ 1) working day strictly after `d`, or `None` past [`NaiveDate::MAX`].
    /// Visits only the calendar's listed days after `d`; plain stretches are counted by formula.
    fn nth_working_day_after(&self, d: NaiveDate, r: i64) -> Option<NaiveDate> {
        let mut cur = d;
        let mut r = r;
        for (&listed, &kind) in self.days.range((Excluded(d), Unbounded)) {
            // Plain weekdays strictly between cur and the listed day.
            let plain = weekdays_upto(listed) - weekdays_upto(cur) - i64::from(is_weekday(listed));
            if plain >= r {
                return add_weekdays(cur, r);
            }
            r -= plain;
            if kind == DayKind::Workday {
                r -= 1;
                if r == 0 {
                    return Some(listed);
                }
            }
            cur = listed;
        }
        add_weekdays(cur, r)
    }
}

fn parse_row(line: usize, content: &str) -> Result<Vec<CalendarDay>, LineError> {
    let cells: Vec<&str> = content.split(',').map(str::trim).collect();
    if cells.len() != 6 {
        return Err(LineError::new(
            line,
            format!("应有6列（{FILE_HEADER}），实有{}列；名称和来源中不能有英文逗号", cells.len()),
        ));
    }
    let start = parse_date(line, "开始日期", cells[0])?;
    let end = if cells[1].is_empty() { start } else { parse_date(line, "结束日期", cells[1])? };
    if end < start {
        return Err(LineError::new(line, format!("结束日期{end}早于开始日期{start}")));
    }
    let span = (end - start).num_days() + 1;
    if span > MAX_ROW_DAYS {
        return Err(LineError::new(line, format!("一行最多{MAX_ROW_DAYS}天，这一行有{span}天")));
    }
    let kind = DayKind::parse(cells[2]).ok_or_else(|| {
        LineError::new(line, format!("类型“{}”无效，应为 holiday（放假）或 workday（调休上班）", cells[2]))
    })?;
    let name = cells[3];
    if name.is_empty() {
        return Err(LineError::new(line, "名称不能为空"));
    }
    check_len(line, "名称", name, 40)?;
    check_len(line, "地区", cells[4], 40)?;
    check_len(line, "来源", cells[5], 200)?;
    let days = start
        .iter_days()
        .take_while(|d| *d <= end)
        .map(|date| CalendarDay {
            date,
            kind,
            name: name.to_owned(),
            region: cells[4].to_owned(),
            source: cells[5].to_owned(),
        })
        .collect();
    Ok(days)
}

fn parse_date(line: usize, label: &str, cell: &str) -> Result<NaiveDate, LineError> {
    NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=9999).contains(&d.year()) && cell.len() == 10)
        .ok_or_else(|| LineError::new(line, format!("{label}“{cell}”无效，应写作 YYYY-MM-DD，如 2026-10-01")))
}

fn check_len(line: usize, label: &str, value: &str, max: usize) -> Result<(), LineError> {
    if value.chars().count() > max {
        return Err(LineError::new(line, format!("{label}不能超过{max}个字")));
    }
    Ok(())
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday–Friday days among day numbers `1..=d` counted from 0001-01-01 (a Monday); only differences
/// matter, and the Euclidean division keeps it right for dates before year 1.
fn weekdays_upto(d: NaiveDate) -> i64 {
    let m = i64::from(d.num_days_from_ce());
    m.div_euclid(7) * 5 + m.rem_euclid(7).min(5)
}

/// The r-th (r ≥ 1) Monday–Friday day strictly after `d`, ignoring holidays.
fn add_weekdays(d: NaiveDate, r: i64) -> Option<NaiveDate> {
    // Count from the Friday of d's week when d is a weekend day: the days after are the same.
    let weekday = i64::from(d.weekday().num_days_from_monday());
    let (base, weekday) =
        if weekday > 4 { (d.checked_sub_days(Days::new((weekday - 4) as u64))?, 4) } else { (d, weekday) };
    let weeks = (r - 1) / 5;
    let rest = (r - 1) % 5 + 1; // 1..=5 more weekdays after the whole weeks
    let extra = if weekday + rest > 4 { 2 } else { 0 };
    let days = weeks.checked_mul(7)?.checked_add(rest + extra)?;
    base.checked_add_days(Days::new(u64::try_from(days).ok()?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot build its input should fail loudly
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn wd(cal: &WorkCalendar, start: &str, n: u32) -> NaiveDate {
        let due = cal.add_working_days(d(start), n);
        assert!(due.confirmed, "{start} + {n}");
        due.date
    }

    #[test]
    fn national_day_2026_assigned_on_the_last_day_of_september() {
        let cal = WorkCalendar::shipped();
        // 2026-09-30 is a Wednesday; 10-01..10-07 are off, 10-10 (Saturday) is worked.
        assert_eq!(d("2026-09-30").weekday(), Weekday::Wed);
        assert_eq!(wd(&cal, "2026-09-30", 1), d("2026-10-08"));
        assert_eq!(wd(&cal, "2026-09-30", 2), d("2026-10-09"));
        assert_eq!(wd(&cal, "2026-09-30", 3), d("2026-10-10"));
        assert_eq!(wd(&cal, "2026-09-30", 4), d("2026-10-12"));
        assert_eq!(wd(&cal, "2026-09-30", 7), d("2026-10-15"));
    }

    #[test]
    fn the_friday_before_national_day_2026() {
        let cal = WorkCalendar::shipped();
        // 2026-09-18 is the last Friday worked before the break; 09-20 (Sunday) is a make-up day,
        // 09-25 (Friday, 中秋) to 09-27 are off.
        assert_eq!(d("2026-09-18").weekday(), Weekday::Fri);
        assert_eq!(wd(&cal, "2026-09-18", 1), d("2026-09-20"));
        assert_eq!(wd(&cal, "2026-09-18", 2), d("2026-09-21"));
        assert_eq!(wd(&cal, "2026-09-18", 6), d("2026-09-28"));
        // The 13710 stages from there: deploy 1, feedback 3, solve 7.
        assert_eq!(wd(&cal, "2026-09-18", 3), d("2026-09-22"));
        assert_eq!(wd(&cal, "2026-09-18", 7), d("2026-09-29"));
        assert_eq!(wd(&cal, "2026-09-18", 9), d("2026-10-08"));
        // Assigned on the holiday Friday itself: the next working day is Monday.
        assert!(!cal.is_working_day(d("2026-09-25")));
        assert_eq!(wd(&cal, "2026-09-25", 1), d("2026-09-28"));
    }

    #[test]
    fn spring_festival_2026_and_its_make_up_days() {
        let cal = WorkCalendar::shipped();
        for day in ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"] {
            assert!(cal.is_working_day(d(day)), "{day} is a make-up working day");
            assert!(matches!(d(day).weekday(), Weekday::Sat | Weekday::Sun), "{day}");
        }
        for day in ["2026-01-02", "2026-02-16", "2026-02-23", "2026-04-06", "2026-05-05", "2026-10-07"] {
            assert!(!cal.is_working_day(d(day)), "{day} is off");
        }
        assert_eq!(wd(&cal, "2026-02-13", 1), d("2026-02-14"));
        assert_eq!(wd(&cal, "2026-02-13", 2), d("2026-02-24"));
        assert_eq!(wd(&cal, "2026-02-27", 1), d("2026-02-28"));
        assert_eq!(wd(&cal, "2026-02-27", 2), d("2026-03-02"));
        assert_eq!(wd(&cal, "2026-01-01", 1), d("2026-01-04"));
    }

    #[test]
    fn spring_festival_and_national_day_2021() {
        let cal = WorkCalendar::shipped();
        // 春节 02-11..02-17, worked Sunday 02-07 and Saturday 02-20.
        assert_eq!(wd(&cal, "2021-02-05", 1), d("2021-02-07"));
        assert_eq!(wd(&cal, "2021-02-10", 1), d("2021-02-18"));
        assert_eq!(wd(&cal, "2021-02-10", 3), d("2021-02-20"));
        assert_eq!(wd(&cal, "2021-02-10", 4), d("2021-02-22"));
        // 中秋 09-19..09-21 (worked 09-18), 国庆 10-01..10-07 (worked 09-26 and 10-09).
        assert_eq!(wd(&cal, "2021-09-17", 1), d("2021-09-18"));
        assert_eq!(wd(&cal, "2021-09-17", 2), d("2021-09-22"));
        assert_eq!(wd(&cal, "2021-09-24", 1), d("2021-09-26"));
        assert_eq!(wd(&cal, "2021-09-30", 1), d("2021-10-08"));
        assert_eq!(wd(&cal, "2021-09-30", 2), d("2021-10-09"));
        assert_eq!(wd(&cal, "2021-09-30", 3), d("2021-10-11"));
    }

    #[test]
    fn zero_working_days_is_today_or_the_next_working_day() {
        let cal = WorkCalendar::shipped();
        assert_eq!(wd(&cal, "2026-09-30", 0), d("2026-09-30"));
        assert_eq!(wd(&cal, "2026-10-01", 0), d("2026-10-08"));
        assert_eq!(wd(&cal, "2026-10-10", 0), d("2026-10-10"));
    }

    #[test]
    fn calendar_days_landing_on_a_holiday_roll_forward() {
        let cal = WorkCalendar::shipped();
        let due = cal.add_calendar_days(d("2026-09-24"), 7);
        assert_eq!(due, Due { date: d("2026-10-08"), confirmed: true });
        assert_eq!(cal.add_calendar_days(d("2026-02-10"), 5).date, d("2026-02-24"));
        // A make-up Saturday is a working day: no move.
        assert_eq!(cal.add_calendar_days(d("2026-10-03"), 7).date, d("2026-10-10"));
        // A plain Saturday moves to Monday.
        assert_eq!(cal.add_calendar_days(d("2026-03-07"), 7).date, d("2026-03-16"));
        assert_eq!(cal.add_calendar_days(d("2026-03-02"), 0).date, d("2026-03-02"));
        assert_eq!(cal.add_calendar_days(d("2026-01-01"), 0).date, d("2026-01-04"));
    }

    #[test]
    fn working_days_between_counts_overdue_days() {
        let cal = WorkCalendar::shipped();
        assert_eq!(cal.working_days_between(d("2026-09-30"), d("2026-10-10")), 3);
        assert_eq!(cal.working_days_between(d("2026-10-10"), d("2026-09-30")), -3);
        assert_eq!(cal.working_days_between(d("2026-09-30"), d("2026-09-30")), 0);
        assert_eq!(cal.working_days_between(d("2026-10-01"), d("2026-10-07")), 0);
        // 2026 has 365 days, 104 weekend days, 8+... : compare with a walk.
        let walked = d("2026-01-01").iter_days().take(365).filter(|x| cal.is_working_day(*x)).count();
        assert_eq!(cal.working_days_between(d("2025-12-31"), d("2026-12-31")), walked as i64);
    }

    #[test]
    fn a_year_without_data_counts_monday_to_friday_unconfirmed() {
        let cal = WorkCalendar::shipped();
        assert!(!cal.has_year(2031));
        // 2031-01-01 is a Wednesday: Thu, Fri, Mon.
        let due = cal.add_working_days(d("2031-01-01"), 3);
        assert_eq!(due, Due { date: d("2031-01-06"), confirmed: false });
        assert!(cal.is_working_day(d("2031-01-01")), "no data: New Year's Day is a plain Wednesday");
        // Crossing from 2026 into 2027 is unconfirmed too.
        let due = cal.add_working_days(d("2026-12-30"), 5);
        assert_eq!(due, Due { date: d("2027-01-06"), confirmed: false });
        // Within 2026 it is confirmed.
        assert!(cal.add_working_days(d("2026-12-01"), 5).confirmed);
        let due = cal.add_calendar_days(d("2031-06-05"), 2);
        assert_eq!(due, Due { date: d("2031-06-09"), confirmed: false });
    }

    #[test]
    fn the_end_of_time_saturates_without_panicking() {
        let cal = WorkCalendar::shipped();
        let max = NaiveDate::MAX;
        assert_eq!(cal.add_working_days(max, 1), Due { date: max, confirmed: false });
        assert_eq!(cal.add_working_days(max, 0).date, max);
        assert_eq!(cal.add_calendar_days(max, 1), Due { date: max, confirmed: false });
        let near = max.checked_sub_days(Days::new(10)).unwrap();
        assert_eq!(cal.add_working_days(near, u32::MAX).date, max);
        assert!(!cal.add_working_days(near, 3).confirmed);
        assert_eq!(cal.add_calendar_days(near, u32::MAX).date, max);
        assert!(cal.working_days_between(NaiveDate::MIN, max) > 0);
        assert!(cal.working_days_between(max, NaiveDate::MIN) < 0);
        // Past the last representable date: saturates.
        assert_eq!(cal.add_working_days(d("2026-01-01"), u32::MAX), Due { date: max, confirmed: false });
        // Very far but representable: computed by formula, not a walk.
        let far = cal.add_working_days(d("2026-01-01"), 50_000_000);
        assert!(!far.confirmed);
        assert!(far.date.year() > 190_000 && far.date.year() < 200_000, "{}", far.date);
        assert_eq!(cal.working_days_between(d("2026-01-01"), far.date), 50_000_000);
        let early = cal.add_working_days(NaiveDate::MIN, 10);
        assert!(early.date > NaiveDate::MIN && !early.confirmed);
    }

    #[test]
    fn local_days_override_national_ones() {
        let mut days = WorkCalendar::shipped_days();
        // A region works on the national 10-07 and takes a day off on Monday 04-20 (壮族三月三-like).
        let local = |date: &str, kind| CalendarDay {
            date: d(date),
            kind,
            name: "地方安排".into(),
            region: "广西".into(),
            source: "测试".into(),
        };
        days.insert(0, local("2026-10-07", DayKind::Workday));
        days.push(local("2026-04-20", DayKind::Holiday));
        let cal = WorkCalendar::new(days);
        assert!(cal.is_working_day(d("2026-10-07")));
        assert!(!cal.is_working_day(d("2026-04-20")));
        assert_eq!(wd(&cal, "2026-09-30", 1), d("2026-10-07"));
        assert_eq!(wd(&cal, "2026-04-17", 1), d("2026-04-21"));
        // The national calendar is unchanged.
        let national = WorkCalendar::shipped();
        assert!(!national.is_working_day(d("2026-10-07")));
        // Local days alone do not make a year known.
        let only_local = WorkCalendar::new([local("2027-04-09", DayKind::Holiday)]);
        assert!(!only_local.has_year(2027));
        assert!(!only_local.is_working_day(d("2027-04-09")));
    }

    /// The formula-based counting agrees with a plain day-by-day walk.
    #[test]
    fn counting_agrees_with_walking_day_by_day() {
        let cal = WorkCalendar::shipped();
        let walk = |start: NaiveDate, n: u32| {
            let mut day = start;
            let mut left = n;
            if n == 0 {
                while !cal.is_working_day(day) {
                    day = day.succ_opt().unwrap();
                }
                return day;
            }
            while left > 0 {
                day = day.succ_opt().unwrap();
                if cal.is_working_day(day) {
                    left -= 1;
                }
            }
            day
        };
        let mut start = d("2019-12-01");
        while start < d("2027-02-01") {
            for n in [0, 1, 2, 3, 5, 7, 10, 22, 60] {
                assert_eq!(cal.add_working_days(start, n).date, walk(start, n), "{start} + {n}");
            }
            let end = start.checked_add_days(Days::new(17)).unwrap();
            let walked = start.iter_days().skip(1).take(17).filter(|x| cal.is_working_day(*x)).count();
            assert_eq!(cal.working_days_between(start, end), walked as i64, "({start}, {end}]");
            start = start.succ_opt().unwrap();
        }
    }

    #[test]
    fn bad_files_name_the_line() {
        let text = "# 注释\nstart,end,kind,name,region,source\n2026-02-30,,holiday,春节,,x\n2026-10-01,2026-09-01,holiday,国庆节,,x\n2026-10-01,,rest,国庆节,,x\n2026-10-02,,holiday,,,x\n2026-10-03,,holiday,国庆节,x\n";
        let errors = WorkCalendar::parse_file(text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7]);
        assert!(errors[0].message.starts_with("第3行：开始日期“2026-02-30”无效"), "{}", errors[0]);
        assert!(errors[1].message.contains("早于"), "{}", errors[1]);
        assert!(errors[2].message.contains("类型“rest”无效"), "{}", errors[2]);
        assert!(errors[3].message.contains("名称不能为空"), "{}", errors[3]);
        assert!(errors[4].message.contains("应有6列"), "{}", errors[4]);

        let errors = WorkCalendar::parse_file("2026-10-01,,holiday,国庆节,,x\n").unwrap_err();
        assert!(errors[0].message.starts_with("第1行：第一行应为表头"), "{}", errors[0]);
        let errors = WorkCalendar::parse_file("  \n# only comments\n").unwrap_err();
        assert!(errors[0].message.contains("文件为空"), "{}", errors[0]);
        let dup = "start,end,kind,name,region,source\n2026-10-01,2026-10-03,holiday,国庆节,,x\n2026-10-03,,workday,国庆节,,x\n";
        let errors = WorkCalendar::parse_file(dup).unwrap_err();
        assert_eq!(errors[0].message, "第3行：日期2026-10-03与第2行重复");
        let invalid = line_errors_to_invalid(&errors, "text");
        assert_eq!(invalid.errors[0].field, "text");
        // The same date in another region is no duplicate; Chinese kind words and a BOM are read.
        let ok =
            "\u{feff}start,end,kind,name,region,source\n2026-10-01,,放假,国庆节,,x\n2026-10-01,,班,国庆节,广西,y\n";
        let days = WorkCalendar::parse_file(ok).unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(days[1].kind, DayKind::Workday);
        assert_eq!(days[1].region, "广西");
    }

    #[test]
    fn to_file_round_trips() {
        let days = WorkCalendar::shipped_days();
        let text = WorkCalendar::to_file(&days);
        assert!(text.contains("2026-02-15,2026-02-23,holiday,春节,,"), "{text}");
        let mut again = WorkCalendar::parse_file(&text).unwrap();
        let mut sorted = days.clone();
        sorted.sort_by_key(|x| x.date);
        again.sort_by_key(|x| x.date);
        assert_eq!(again, sorted);
    }

    #[test]
    fn shipped_file_parses() {
        let days = WorkCalendar::parse_file(SHIPPED).unwrap();
        assert!(days.len() > 200, "{}", days.len());
        let cal = WorkCalendar::shipped();
        for year in 2020..=2026 {
            assert!(cal.has_year(year), "{year}");
        }
        assert!(!cal.has_year(2027));
    }
}
