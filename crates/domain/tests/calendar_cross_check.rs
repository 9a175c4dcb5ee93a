//! The shipped holiday file against the `chinese_holiday` crate (an independent transcription of the
//! same State Council notices): every day of 2020-01-01..=2026-12-24 must agree on working or not.
//! The crate panics after 2026-12-25, which is why it is only a dev-dependency.
#![allow(clippy::unwrap_used)] // tests: a bad fixture should fail loudly

use chrono::{Datelike, NaiveDate};
use qingdan_domain::WorkCalendar;

#[test]
fn shipped_file_agrees_with_chinese_holiday_every_day_2020_to_2026() {
    let cal = WorkCalendar::shipped();
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for day in first.iter_days().take_while(|d| *d <= last) {
        let ymd = (day.year() as u16, day.month() as u8, day.day() as u8);
        let theirs = chinese_holiday::chinese_holiday(ymd).is_workday();
        let ours = cal.is_working_day(day);
        if theirs != ours {
            disagreements.push(format!("{day}: ours {ours}, chinese_holiday {theirs}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 2550);
    assert!(disagreements.is_empty(), "{} days differ:\n{}", disagreements.len(), disagreements.join("\n"));
}
