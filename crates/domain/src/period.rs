//! 报送期 (reporting period): the stretch of time one progress report covers —
//! a week, a half-month, a month or a quarter, as the plan's 报送周期
//! ([`ReportingCycle`]) says.
//!
//! Text forms (in the database, forms and the API), each sorting correctly as
//! a string among periods of the same kind:
//!
//! | cycle | text | label |
//! | --- | --- | --- |
//! | weekly (ISO week, Monday–Sunday) | `2026-W05` | 2026年第5周 |
//! | half-monthly (1st–15th, 16th–end) | `2026-03-H1`, `2026-03-H2` | 2026年3月上半月 / 下半月 |
//! | monthly | `2026-03` | 2026年3月 |
//! | quarterly | `2026-Q1` | 2026年第一季度 |
//!
//! The monthly form `YYYY-MM` is the one reports were stored with before
//! cycles existed; it is unchanged. A week belongs to its ISO week-year:
//! 2026-12-31 (a Thursday) is in `2026-W53`, 2027-01-01 too.
//!
//! Periods of different kinds compare by their last day, then first day, so
//! "the newer period" means the one that ends later.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// 报送周期 (reporting cycle): the rhythm at which a plan's tasks are reported on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportingCycle {
    /// 每周
    Weekly,
    /// 每半月
    HalfMonthly,
    /// 每月
    Monthly,
    /// 每季度
    Quarterly,
}

impl ReportingCycle {
    pub const ALL: [ReportingCycle; 4] =
        [ReportingCycle::Weekly, ReportingCycle::HalfMonthly, ReportingCycle::Monthly, ReportingCycle::Quarterly];

    pub fn code(self) -> &'static str {
        match self {
            ReportingCycle::Weekly => "weekly",
            ReportingCycle::HalfMonthly => "half_monthly",
            ReportingCycle::Monthly => "monthly",
            ReportingCycle::Quarterly => "quarterly",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportingCycle> {
        ReportingCycle::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportingCycle::Weekly => "每周",
            ReportingCycle::HalfMonthly => "每半月",
            ReportingCycle::Monthly => "每月",
            ReportingCycle::Quarterly => "每季度",
        }
    }

    /// The text form of a period of this cycle, for hints: `2026-W05`.
    pub fn example(self) -> &'static str {
        match self {
            ReportingCycle::Weekly => "2026-W05",
            ReportingCycle::HalfMonthly => "2026-03-H1",
            ReportingCycle::Monthly => "2026-03",
            ReportingCycle::Quarterly => "2026-Q1",
        }
    }

    /// The fewest days a period of this cycle has.
    pub fn min_days(self) -> u32 {
        match self {
            ReportingCycle::Weekly => 7,
            ReportingCycle::HalfMonthly => 13,
            ReportingCycle::Monthly => 28,
            ReportingCycle::Quarterly => 90,
        }
    }
}

/// 报送期 (period): one week, half-month, month or quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    cycle: ReportingCycle,
    /// The calendar year; for weeks, the ISO week-year.
    year: i32,
    /// Week 1–53, half-month 1–24, month 1–12 or quarter 1–4 of the year.
    index: u32,
}

impl Period {
    /// A month (the form every report had before cycles existed).
    pub fn new(year: i32, month: u32) -> Option<Period> {
        Period::of(ReportingCycle::Monthly, year, month)
    }

    /// The `index`-th period of `cycle` in `year` (weeks: of the ISO week-year),
    /// when both are in range (years 2000–2100).
    pub fn of(cycle: ReportingCycle, year: i32, index: u32) -> Option<Period> {
        let last = match cycle {
            ReportingCycle::Weekly => iso_weeks(year),
            ReportingCycle::HalfMonthly => 24,
            ReportingCycle::Monthly => 12,
            ReportingCycle::Quarterly => 4,
        };
        ((2000..=2100).contains(&year) && (1..=last).contains(&index)).then_some(Period { cycle, year, index })
    }

    /// The month that contains `day`.
    pub fn containing(day: NaiveDate) -> Period {
        Period::containing_in(ReportingCycle::Monthly, day)
    }

    /// The period of `cycle` that contains `day`.
    pub fn containing_in(cycle: ReportingCycle, day: NaiveDate) -> Period {
        let (year, index) = match cycle {
            ReportingCycle::Weekly => {
                let week = day.iso_week();
                (week.year(), week.week())
            }
            ReportingCycle::HalfMonthly => (day.year(), (day.month() - 1) * 2 + if day.day() > 15 { 2 } else { 1 }),
            ReportingCycle::Monthly => (day.year(), day.month()),
            ReportingCycle::Quarterly => (day.year(), (day.month() - 1) / 3 + 1),
        };
        Period { cycle, year, index }
    }

    pub fn cycle(self) -> ReportingCycle {
        self.cycle
    }

    /// The calendar year (for a week, its ISO week-year).
    pub fn year(self) -> i32 {
        self.year
    }

    /// The period's first day.
    pub fn first_day(self) -> NaiveDate {
        let day = match self.cycle {
            ReportingCycle::Weekly => NaiveDate::from_isoywd_opt(self.year, self.index, Weekday::Mon),
            ReportingCycle::HalfMonthly => {
                let month = self.index.div_ceil(2);
                NaiveDate::from_ymd_opt(self.year, month, if self.index % 2 == 1 { 1 } else { 16 })
            }
            ReportingCycle::Monthly => NaiveDate::from_ymd_opt(self.year, self.index, 1),
            ReportingCycle::Quarterly => NaiveDate::from_ymd_opt(self.year, (self.index - 1) * 3 + 1, 1),
        };
        day.unwrap_or_default()
    }

    /// The period's last day.
    pub fn last_day(self) -> NaiveDate {
        match self.cycle {
            ReportingCycle::Weekly => self.first_day() + Days::new(6),
            ReportingCycle::HalfMonthly if self.index % 2 == 1 => self.first_day() + Days::new(14),
            ReportingCycle::HalfMonthly | ReportingCycle::Monthly => month_end(self.first_day()),
            ReportingCycle::Quarterly => month_end(self.first_day() + chrono::Months::new(2)),
        }
    }

    /// This period, then each period of another cycle that ends on the same
    /// day (2026-Q3: 2026-09, September's second half), padded with this
    /// one: a report for any of them stands for this period's, so a plan
    /// whose cycle changed does not owe again what was reported under the
    /// old one. One slot a cycle: a new cycle lengthens the array, and the
    /// SQL that binds each slot stops compiling until it binds the new one.
    pub fn ending_together(self) -> [Period; ReportingCycle::ALL.len()] {
        let mut out = [self; ReportingCycle::ALL.len()];
        let others = ReportingCycle::ALL
            .into_iter()
            .filter(|c| *c != self.cycle)
            .map(|c| Period::containing_in(c, self.last_day()))
            .filter(|p| p.last_day() == self.last_day());
        for (slot, other) in out.iter_mut().skip(1).zip(others) {
            *slot = other;
        }
        out
    }

    /// The period before this one, of the same kind.
    pub fn previous(self) -> Period {
        if self.index > 1 {
            Period { index: self.index - 1, ..self }
        } else {
            Period::containing_in(self.cycle, self.first_day() - Days::new(1))
        }
    }

    /// The period after this one, of the same kind.
    pub fn next(self) -> Period {
        Period::containing_in(self.cycle, self.last_day() + Days::new(1))
    }

    /// 2026年第5周, 2026年3月上半月, 2026年3月, 2026年第一季度
    pub fn label(self) -> String {
        match self.cycle {
            ReportingCycle::Weekly => format!("{}年第{}周", self.year, self.index),
            ReportingCycle::HalfMonthly => {
                let half = if self.index % 2 == 1 { "上" } else { "下" };
                format!("{}年{}月{half}半月", self.year, self.index.div_ceil(2))
            }
            ReportingCycle::Monthly => format!("{}年{}月", self.year, self.index),
            ReportingCycle::Quarterly => {
                let n = ["一", "二", "三", "四"].get(self.index as usize - 1).copied().unwrap_or("");
                format!("{}年第{n}季度", self.year)
            }
        }
    }
}

/// The number of ISO weeks of an ISO week-year: 53 when its 28 December is in week 53.
pub fn iso_weeks(year: i32) -> u32 {
    NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |d| d.iso_week().week())
}

fn month_end(day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    (first + chrono::Months::new(1)).pred_opt().unwrap_or(day)
}

impl Ord for Period {
    fn cmp(&self, other: &Period) -> Ordering {
        (self.last_day(), self.first_day(), self.cycle).cmp(&(other.last_day(), other.first_day(), other.cycle))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Period) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cycle {
            ReportingCycle::Weekly => write!(f, "{:04}-W{:02}", self.year, self.index),
            ReportingCycle::HalfMonthly => {
                write!(f, "{:04}-{:02}-H{}", self.year, self.index.div_ceil(2), 2 - self.index % 2)
            }
            ReportingCycle::Monthly => write!(f, "{:04}-{:02}", self.year, self.index),
            ReportingCycle::Quarterly => write!(f, "{:04}-Q{}", self.year, self.index),
        }
    }
}

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Period, String> {
        let bad = || {
            format!("“{s}”不是有效的报送期，应写作 2026-03（月）、2026-W05（周）、2026-03-H1（半月）或 2026-Q1（季度）")
        };
        let (y, rest) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let number = |t: &str, len: usize| -> Result<u32, String> {
            if t.len() == len && t.bytes().all(|b| b.is_ascii_digit()) {
                t.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let period = if let Some(w) = rest.strip_prefix('W') {
            Period::of(ReportingCycle::Weekly, year, number(w, 2)?)
        } else if let Some(q) = rest.strip_prefix('Q') {
            Period::of(ReportingCycle::Quarterly, year, number(q, 1)?)
        } else if let Some((m, h)) = rest.split_once("-H") {
            let (month, half) = (number(m, 2)?, number(h, 1)?);
            if !(1..=12).contains(&month) || !(1..=2).contains(&half) {
                return Err(bad());
            }
            Period::of(ReportingCycle::HalfMonthly, year, (month - 1) * 2 + half)
        } else {
            Period::of(ReportingCycle::Monthly, year, number(rest, 2)?)
        };
        period.ok_or_else(bad)
    }
}

impl TryFrom<String> for Period {
    type Error = String;
    fn try_from(s: String) -> Result<Period, String> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportingCycle::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn periods_ending_together_are_the_other_cycles_ending_that_day() {
        let texts = |p: &str| -> Vec<String> {
            let period: Period = p.parse().unwrap_or_else(|e| panic!("{e}"));
            period.ending_together().iter().map(|p| p.to_string()).collect()
        };
        let q3 = texts("2026-Q3");
        assert_eq!(q3[0], "2026-Q3");
        assert!(q3.contains(&"2026-09".to_owned()), "{q3:?}");
        assert!(q3.contains(&Period::containing_in(ReportingCycle::HalfMonthly, d("2026-09-30")).to_string()));
        // 2026-09-30 is a Wednesday: no week ends with the quarter; the rest is padding.
        assert_eq!(q3[3], "2026-Q3", "{q3:?}");
        assert_eq!(
            texts("2026-07"),
            [
                "2026-07",
                Period::containing_in(ReportingCycle::HalfMonthly, d("2026-07-31")).to_string().as_str(),
                "2026-07",
                "2026-07"
            ]
        );
        // The first half of a month ends with nothing else.
        let half = Period::containing_in(ReportingCycle::HalfMonthly, d("2026-07-10"));
        assert_eq!(half.ending_together(), [half; 4]);
    }

    #[test]
    fn periods_parse_in_each_form_and_nothing_else() {
        for (input, ok) in [
            ("2021-03", true),
            ("2021-12", true),
            ("2021-13", false),
            ("2021-3", false),
            ("21-03", false),
            ("abc", false),
            ("", false),
            ("2026-W01", true),
            ("2026-W53", true),
            ("2025-W53", false),
            ("2026-W00", false),
            ("2026-W5", false),
            ("2026-03-H1", true),
            ("2026-03-H2", true),
            ("2026-03-H3", false),
            ("2026-13-H1", false),
            ("2026-Q1", true),
            ("2026-Q4", true),
            ("2026-Q5", false),
            ("2026-Q0", false),
            ("+202-03", false),
        ] {
            assert_eq!(input.parse::<Period>().is_ok(), ok, "{input}");
        }
    }

    #[test]
    fn every_form_reads_back_as_written() {
        for text in ["2021-03", "2026-W05", "2026-W53", "2026-03-H1", "2026-12-H2", "2026-Q1", "2026-Q4"] {
            let period: Period = text.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(period.to_string(), text);
            assert_eq!(String::from(period), text);
        }
    }

    #[test]
    fn the_month_form_is_unchanged() {
        assert_eq!(Period::new(2021, 3).map(|p| p.to_string()), Some("2021-03".to_owned()));
        assert_eq!(Period::containing(d("2021-03-31")).to_string(), "2021-03");
        assert_eq!(Period::new(2021, 3).map(Period::label), Some("2021年3月".to_owned()));
    }

    #[test]
    fn containing_finds_the_period_and_its_days() {
        // (cycle, day, text, first, last, label)
        for (cycle, day, text, first, last, label) in [
            (Weekly, "2026-01-28", "2026-W05", "2026-01-26", "2026-02-01", "2026年第5周"),
            // 2026-12-31 is a Thursday: ISO week 53 of 2026, which runs into 2027.
            (Weekly, "2026-12-31", "2026-W53", "2026-12-28", "2027-01-03", "2026年第53周"),
            (Weekly, "2027-01-03", "2026-W53", "2026-12-28", "2027-01-03", "2026年第53周"),
            (Weekly, "2027-01-04", "2027-W01", "2027-01-04", "2027-01-10", "2027年第1周"),
            // 2024-12-30 (a Monday) already belongs to week 1 of 2025.
            (Weekly, "2024-12-30", "2025-W01", "2024-12-30", "2025-01-05", "2025年第1周"),
            (HalfMonthly, "2026-03-15", "2026-03-H1", "2026-03-01", "2026-03-15", "2026年3月上半月"),
            (HalfMonthly, "2026-03-16", "2026-03-H2", "2026-03-16", "2026-03-31", "2026年3月下半月"),
            (HalfMonthly, "2024-02-29", "2024-02-H2", "2024-02-16", "2024-02-29", "2024年2月下半月"),
            (HalfMonthly, "2026-02-20", "2026-02-H2", "2026-02-16", "2026-02-28", "2026年2月下半月"),
            (Monthly, "2024-02-10", "2024-02", "2024-02-01", "2024-02-29", "2024年2月"),
            (Monthly, "2026-12-31", "2026-12", "2026-12-01", "2026-12-31", "2026年12月"),
            (Quarterly, "2026-02-14", "2026-Q1", "2026-01-01", "2026-03-31", "2026年第一季度"),
            (Quarterly, "2026-06-30", "2026-Q2", "2026-04-01", "2026-06-30", "2026年第二季度"),
            (Quarterly, "2026-10-01", "2026-Q4", "2026-10-01", "2026-12-31", "2026年第四季度"),
        ] {
            let p = Period::containing_in(cycle, d(day));
            assert_eq!(p.to_string(), text, "{cycle:?} {day}");
            assert_eq!(p.first_day(), d(first), "{text}");
            assert_eq!(p.last_day(), d(last), "{text}");
            assert_eq!(p.label(), label);
            assert_eq!(p.cycle(), cycle);
        }
    }

    #[test]
    fn previous_and_next_cross_the_year() {
        for (text, previous) in [
            ("2021-01", "2020-12"),
            ("2026-01-H1", "2025-12-H2"),
            ("2026-03-H2", "2026-03-H1"),
            ("2026-Q1", "2025-Q4"),
            ("2027-W01", "2026-W53"),
            ("2026-W01", "2025-W52"),
            ("2026-W10", "2026-W09"),
        ] {
            let p: Period = text.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.previous().to_string(), previous, "{text}");
            assert_eq!(p.previous().next(), p, "{text}");
        }
    }

    #[test]
    fn iso_week_years_have_52_or_53_weeks() {
        for (year, weeks) in [(2020, 53), (2021, 52), (2025, 52), (2026, 53), (2032, 53)] {
            assert_eq!(iso_weeks(year), weeks, "{year}");
        }
    }

    #[test]
    fn the_text_sorts_like_the_periods_within_one_kind() {
        for cycle in ReportingCycle::ALL {
            let mut p = Period::containing_in(cycle, d("2025-11-20"));
            for _ in 0..60 {
                let next = p.next();
                assert!(p < next && p.to_string() < next.to_string(), "{p} {next}");
                p = next;
            }
        }
    }

    #[test]
    fn periods_of_different_kinds_order_by_their_end() {
        let march: Period = "2026-03".parse().unwrap_or_else(|e| panic!("{e}"));
        let q1: Period = "2026-Q1".parse().unwrap_or_else(|e| panic!("{e}"));
        let second_half: Period = "2026-03-H2".parse().unwrap_or_else(|e| panic!("{e}"));
        let april_week: Period = "2026-W14".parse().unwrap_or_else(|e| panic!("{e}"));
        // Same last day: the shorter period (starting later) counts as the newer.
        assert!(q1 < march && march < second_half && march < april_week);
    }
}
