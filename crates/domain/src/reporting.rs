//! 报送安排 (reporting schedule): a plan's cycle, the day each period's
//! report is due (截止日), and how many days before it a reminder goes out;
//! and the status of one task's report for one period (未报, 逾期未报, 迟报…).
//!
//! The due day is read the way offices write it in their notices:
//!
//! | cycle | `due_day` | "每月25日前报送" reads |
//! | --- | --- | --- |
//! | 每周 | 1–7: the weekday of the period's week (1 = 周一 … 5 = 周五) | due on Friday of that week |
//! | 每半月 | 1–15: the day within each half; the second half's is 15 + D | 13 → the 13th and the 28th |
//! | 每月 | 1–31: the day of the month | 25 → the 25th (31 → the month's last day) |
//! | 每季度 | 1–31: the day of the quarter's last month | 20 → 3月20日, 6月20日… |
//!
//! A day past the period's end moves to its last day (31 in February is the
//! 28th or 29th), so the due date always falls inside the period: a report is
//! due before the period closes, as 每月25日前报送当月进展 means.
//!
//! A report is late (迟报) when it was first submitted on a day after the due
//! date (Beijing time); a report returned and resubmitted keeps its first day.

use crate::{Period, ReportStatus, ReportingCycle};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// 报送安排: how a plan's reports are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingSchedule {
    pub cycle: ReportingCycle,
    /// See the module doc: a weekday, a day of the half, or a day of the month.
    pub due_day: u32,
    /// Days before the due date the reminder (报送提醒) goes out; 0 = on the day.
    pub remind_days_before: u32,
}

impl Default for ReportingSchedule {
    /// 每月25日前报送，提前3天提醒.
    fn default() -> ReportingSchedule {
        ReportingSchedule { cycle: ReportingCycle::Monthly, due_day: 25, remind_days_before: 3 }
    }
}

/// The largest `due_day` a cycle takes.
pub fn max_due_day(cycle: ReportingCycle) -> u32 {
    match cycle {
        ReportingCycle::Weekly => 7,
        ReportingCycle::HalfMonthly => 15,
        ReportingCycle::Monthly | ReportingCycle::Quarterly => 31,
    }
}

/// The largest `remind_days_before` a cycle takes: less than its shortest period.
pub fn max_remind_days(cycle: ReportingCycle) -> u32 {
    cycle.min_days() - 1
}

const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// 周五 for 5.
pub fn weekday_label(day: u32) -> &'static str {
    WEEKDAYS.get(day.clamp(1, 7) as usize - 1).copied().unwrap_or("")
}

impl ReportingSchedule {
    /// The period of this schedule's cycle that contains `day`.
    pub fn period_containing(&self, day: NaiveDate) -> Period {
        Period::containing_in(self.cycle, day)
    }

    /// The date a report for `period` is due (the period's own kind decides
    /// how `due_day` reads).
    pub fn due_date(&self, period: Period) -> NaiveDate {
        let first = period.first_day();
        let last = period.last_day();
        let day = self.due_day.clamp(1, max_due_day(period.cycle()));
        // Count from the period's first day, or from the first of a quarter's last month.
        let start = match period.cycle() {
            ReportingCycle::Quarterly => chrono::Datelike::with_day(&last, 1).unwrap_or(last),
            ReportingCycle::Weekly | ReportingCycle::HalfMonthly | ReportingCycle::Monthly => first,
        };
        let due = start + Days::new(u64::from(day - 1));
        due.min(last)
    }

    /// The newest period whose due date has passed by `today`: what the
    /// bulletin reports on unless told otherwise. A due date falls inside its
    /// period, so this is the current period or the one before it.
    pub fn last_due_period(&self, today: NaiveDate) -> Period {
        let current = self.period_containing(today);
        if today > self.due_date(current) { current } else { current.previous() }
    }

    /// The day the reminder for `period` goes out.
    pub fn remind_on(&self, period: Period) -> NaiveDate {
        let due = self.due_date(period);
        (due - Days::new(u64::from(self.remind_days_before))).max(period.first_day())
    }

    /// 每月25日前报送，提前3天提醒
    pub fn describe(&self) -> String {
        let due = match self.cycle {
            ReportingCycle::Weekly => format!("每周{}前报送", weekday_label(self.due_day)),
            ReportingCycle::HalfMonthly => {
                format!("每半月报送：上半月{}日前、下半月{}日前", self.due_day, self.due_day + 15)
            }
            ReportingCycle::Monthly if self.due_day >= 31 => "每月最后一天前报送".to_owned(),
            ReportingCycle::Monthly => format!("每月{}日前报送", self.due_day),
            ReportingCycle::Quarterly => format!("每季度末月{}日前报送", self.due_day),
        };
        if self.remind_days_before == 0 {
            format!("{due}，截止当日提醒")
        } else {
            format!("{due}，提前{}天提醒", self.remind_days_before)
        }
    }

    /// The status of one task's report for `period` as of `today`:
    /// `report` is its review status and the day it was first submitted.
    pub fn status(&self, period: Period, report: Option<(ReportStatus, NaiveDate)>, today: NaiveDate) -> DueStatus {
        let due = self.due_date(period);
        let past_due = today > due;
        match report {
            None if past_due => DueStatus { state: DueState::Missing, is_late: false, is_owed_past_due: true },
            None => DueStatus { state: DueState::Pending, is_late: false, is_owed_past_due: false },
            Some((status, submitted_on)) => {
                let state = match status {
                    ReportStatus::Submitted => DueState::Submitted,
                    ReportStatus::Accepted => DueState::Accepted,
                    ReportStatus::Returned => DueState::Returned,
                };
                // A returned report is owed again: past the due date, it is 逾期未报.
                let is_owed_past_due = state == DueState::Returned && past_due;
                DueStatus { state, is_late: submitted_on > due && !is_owed_past_due, is_owed_past_due }
            }
        }
    }
}

/// Where one task's report for one period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// 未报: nothing yet, the due date not passed.
    Pending,
    /// 逾期未报: nothing, and the due date has passed.
    Missing,
    /// 已报待审
    Submitted,
    /// 已通过
    Accepted,
    /// 已退回: to be corrected and resubmitted.
    Returned,
}

impl DueState {
    pub fn code(self) -> &'static str {
        match self {
            DueState::Pending => "pending",
            DueState::Missing => "missing",
            DueState::Submitted => "submitted",
            DueState::Accepted => "accepted",
            DueState::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DueState::Pending => "未报",
            DueState::Missing => "逾期未报",
            DueState::Submitted => "已报待审",
            DueState::Accepted => "已通过",
            DueState::Returned => "已退回",
        }
    }
}

/// A state and whether the report came in late (迟报).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DueStatus {
    pub state: DueState,
    /// 迟报: first submitted after the due date (and not owed again).
    pub is_late: bool,
    /// 逾期未报: the due date has passed and the period is still owed,
    /// nothing having come or the report having been returned. The one
    /// test of "missing" that the reporting page's counts and lines share.
    pub is_owed_past_due: bool,
}

impl DueStatus {
    /// 未报, 逾期未报, 已通过, 迟报（已通过）, 逾期未报（已退回）…
    pub fn label(self) -> String {
        match self.state {
            DueState::Returned if self.is_owed_past_due => format!("{}（已退回）", DueState::Missing.label()),
            state if self.is_late => format!("迟报（{}）", state.label()),
            state => state.label().to_owned(),
        }
    }
}

/// 久未报送: how many consecutive periods past their due date without a report
/// make a task stale.
pub const STALE_AFTER_PERIODS: usize = 2;

/// The last `STALE_AFTER_PERIODS` periods of `schedule`'s cycle whose due date
/// is before `today`, newest first: a task with no report for any of them
/// (and running through all of them) is stale.
pub fn stale_window(schedule: &ReportingSchedule, today: NaiveDate) -> Vec<Period> {
    let mut p = schedule.period_containing(today);
    if schedule.due_date(p) >= today {
        p = p.previous();
    }
    let mut out = Vec::with_capacity(STALE_AFTER_PERIODS);
    for _ in 0..STALE_AFTER_PERIODS {
        out.push(p);
        p = p.previous();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportingCycle::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    fn p(s: &str) -> Period {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn schedule(cycle: ReportingCycle, due_day: u32, remind: u32) -> ReportingSchedule {
        ReportingSchedule { cycle, due_day, remind_days_before: remind }
    }

    #[test]
    fn the_last_due_period_is_the_newest_whose_due_date_has_passed() {
        for (cycle, due_day, today, period) in [
            (Monthly, 25, "2026-12-04", "2026-11"),
            (Monthly, 25, "2026-12-25", "2026-11"),
            (Monthly, 25, "2026-12-26", "2026-12"),
            (Monthly, 31, "2026-01-01", "2025-12"),
            (Quarterly, 10, "2026-05-20", "2026-Q1"),
            (Quarterly, 10, "2026-06-11", "2026-Q2"),
            (HalfMonthly, 13, "2026-03-20", "2026-03-H1"),
            (Weekly, 5, "2026-01-31", "2026-W05"),
        ] {
            assert_eq!(schedule(cycle, due_day, 3).last_due_period(d(today)), p(period), "{cycle:?} {due_day} {today}");
        }
    }

    #[test]
    fn due_dates_fall_where_offices_write_them() {
        for (cycle, due_day, period, due) in [
            (Weekly, 5, "2026-W05", "2026-01-30"),
            (Weekly, 7, "2026-W53", "2027-01-03"),
            (Weekly, 1, "2025-W01", "2024-12-30"),
            (HalfMonthly, 13, "2026-03-H1", "2026-03-13"),
            (HalfMonthly, 13, "2026-03-H2", "2026-03-28"),
            (HalfMonthly, 15, "2026-02-H2", "2026-02-28"),
            (HalfMonthly, 15, "2024-02-H2", "2024-02-29"),
            (Monthly, 25, "2026-03", "2026-03-25"),
            (Monthly, 31, "2026-02", "2026-02-28"),
            (Monthly, 30, "2024-02", "2024-02-29"),
            (Monthly, 31, "2026-04", "2026-04-30"),
            (Quarterly, 20, "2026-Q1", "2026-03-20"),
            (Quarterly, 31, "2026-Q2", "2026-06-30"),
            (Quarterly, 31, "2026-Q4", "2026-12-31"),
        ] {
            let s = schedule(cycle, due_day, 3);
            assert_eq!(s.due_date(p(period)), d(due), "{cycle:?} {due_day} {period}");
        }
    }

    #[test]
    fn the_current_period_and_its_due_date_per_cycle() {
        let today = d("2026-03-18");
        for (cycle, due_day, period, due) in [
            (Weekly, 5, "2026-W12", "2026-03-20"),
            (HalfMonthly, 13, "2026-03-H2", "2026-03-28"),
            (Monthly, 25, "2026-03", "2026-03-25"),
            (Quarterly, 20, "2026-Q1", "2026-03-20"),
        ] {
            let s = schedule(cycle, due_day, 2);
            let current = s.period_containing(today);
            assert_eq!(current.to_string(), period);
            assert_eq!(s.due_date(current), d(due));
            assert_eq!(s.remind_on(current), d(due) - Days::new(2));
        }
    }

    #[test]
    fn a_reminder_never_goes_out_before_the_period_starts() {
        let s = schedule(Weekly, 1, 6);
        assert_eq!(s.remind_on(p("2026-W05")), d("2026-01-26"));
    }

    #[test]
    fn status_tells_pending_missing_and_late() {
        let s = ReportingSchedule::default();
        let march = p("2026-03");
        let cases = [
            (None, "2026-03-25", DueState::Pending, false, false, "未报"),
            (None, "2026-03-26", DueState::Missing, false, true, "逾期未报"),
            (
                Some((ReportStatus::Submitted, "2026-03-25")),
                "2026-04-10",
                DueState::Submitted,
                false,
                false,
                "已报待审",
            ),
            (
                Some((ReportStatus::Accepted, "2026-03-26")),
                "2026-04-10",
                DueState::Accepted,
                true,
                false,
                "迟报（已通过）",
            ),
            (Some((ReportStatus::Returned, "2026-03-20")), "2026-03-24", DueState::Returned, false, false, "已退回"),
            // Returned and not resubmitted by the due date: owed, however it first came.
            (
                Some((ReportStatus::Returned, "2026-03-20")),
                "2026-04-10",
                DueState::Returned,
                false,
                true,
                "逾期未报（已退回）",
            ),
            (
                Some((ReportStatus::Returned, "2026-03-27")),
                "2026-04-10",
                DueState::Returned,
                false,
                true,
                "逾期未报（已退回）",
            ),
        ];
        for (report, today, state, late, owed, label) in cases {
            let status = s.status(march, report.map(|(st, on)| (st, d(on))), d(today));
            assert_eq!(status, DueStatus { state, is_late: late, is_owed_past_due: owed }, "{report:?} {today}");
            assert_eq!(status.label(), label);
        }
    }

    #[test]
    fn descriptions_read_like_a_notice() {
        assert_eq!(ReportingSchedule::default().describe(), "每月25日前报送，提前3天提醒");
        assert_eq!(schedule(Weekly, 5, 0).describe(), "每周周五前报送，截止当日提醒");
        assert_eq!(schedule(HalfMonthly, 13, 2).describe(), "每半月报送：上半月13日前、下半月28日前，提前2天提醒");
        assert_eq!(schedule(Quarterly, 20, 5).describe(), "每季度末月20日前报送，提前5天提醒");
    }

    #[test]
    fn the_stale_window_is_the_last_periods_past_due() {
        let s = ReportingSchedule::default();
        // On the due day the current month is not yet past due.
        let on_due: Vec<String> = stale_window(&s, d("2026-03-25")).iter().map(|p| p.to_string()).collect();
        assert_eq!(on_due, ["2026-02", "2026-01"]);
        let after: Vec<String> = stale_window(&s, d("2026-03-26")).iter().map(|p| p.to_string()).collect();
        assert_eq!(after, ["2026-03", "2026-02"]);
        let weekly = schedule(Weekly, 5, 1);
        let weeks: Vec<String> = stale_window(&weekly, d("2027-01-02")).iter().map(|p| p.to_string()).collect();
        assert_eq!(weeks, ["2026-W53", "2026-W52"]);
    }
}
