//! 时限规则: the stage limits of a rule, the due dates they give on the
//! working-day calendar, and the light a matter shows on a day.

use super::{AssignmentStatus, Stage};
use crate::{Invalid, Light, TenantId, TimelineRuleId, WorkCalendar};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// What the timeline needs of the working-day calendar (工作日/调休).
///
/// Every method follows the counting rule: the start day does not count, and
/// a result on a non-working day moves to the next working day. The `bool` is
/// false when a year crossed has no calendar data (Monday–Friday assumed).
pub trait DayCount {
    /// The day `n` working days after `start`.
    fn add_working_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool);
    /// The day `n` calendar days after `start`, moved to the next working day.
    fn add_calendar_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool);
    /// `day` if it is a working day, else the next working day.
    fn on_or_after(&self, day: NaiveDate) -> (NaiveDate, bool);
    /// How many working days lie in `(from, to]`.
    fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32;
}

/// 计日方式: whether a rule's day counts are working days or calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCounting {
    /// 工作日
    WorkingDays,
    /// 自然日
    CalendarDays,
}

impl DayCounting {
    pub fn code(self) -> &'static str {
        match self {
            DayCounting::WorkingDays => "working_days",
            DayCounting::CalendarDays => "calendar_days",
        }
    }

    pub fn from_code(code: &str) -> Option<DayCounting> {
        [DayCounting::WorkingDays, DayCounting::CalendarDays].into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            DayCounting::WorkingDays => "工作日",
            DayCounting::CalendarDays => "自然日",
        }
    }
}

/// The solve limit of a major or complex matter (重大复杂事项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MajorLimit {
    /// N days, counted as the rule counts days.
    Days(u32),
    /// N calendar months (一个月), the end moved to the next working day.
    Months(u32),
}

impl MajorLimit {
    pub fn label(self, counting: DayCounting) -> String {
        match self {
            MajorLimit::Days(n) => format!("{n}个{}", counting.label()),
            MajorLimit::Months(n) => format!("{n}个月"),
        }
    }
}

/// The share of a stage's time after which its light turns yellow, by default.
pub const DEFAULT_YELLOW_PERCENT: u32 = 80;

/// 时限规则 (timeline rule): the limits of each stage, counted from the day of
/// assignment. Tenants keep their own next to the default [`TimelineRule::rule_13710`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRule {
    pub id: TimelineRuleId,
    pub tenant_id: TenantId,
    pub name: String,
    pub counting: DayCounting,
    /// 签收时限
    pub sign_for_days: u32,
    /// 部署时限
    pub deploy_days: u32,
    /// 反馈时限
    pub feedback_days: u32,
    /// 办结时限 of an ordinary matter
    pub solve_days: u32,
    /// 办结时限 of a major or complex matter (unless a timetable gives a date)
    pub major_solve: MajorLimit,
    /// The light turns yellow when this share (1–99 %) of a stage's time is used.
    pub yellow_percent: u32,
}

/// The name of the default rule every tenant has.
pub const RULE_13710_NAME: &str = "13710";

impl TimelineRule {
    /// `Rule13710`: sign for and deploy within 1 working day, feedback within 3,
    /// ordinary matters solved within 7, major ones within 1 month; yellow at 80 %.
    /// Signing for is not one of the five figures; we give it the deploy limit,
    /// since a matter cannot be deployed before it is signed for.
    pub fn rule_13710(tenant_id: TenantId) -> TimelineRule {
        TimelineRule {
            id: TimelineRuleId(0),
            tenant_id,
            name: RULE_13710_NAME.to_owned(),
            counting: DayCounting::WorkingDays,
            sign_for_days: 1,
            deploy_days: 1,
            feedback_days: 3,
            solve_days: 7,
            major_solve: MajorLimit::Months(1),
            yellow_percent: DEFAULT_YELLOW_PERCENT,
        }
    }

    /// Checks the limits are in order (sign for ≤ deploy ≤ feedback ≤ solve) and in range.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut invalid = Invalid::new();
        invalid.text("name", "规则名称", &self.name, 50);
        if self.sign_for_days == 0 || self.sign_for_days > 365 {
            invalid.add("sign_for_days", "out_of_range", "签收时限应为1到365天");
        }
        if self.deploy_days < self.sign_for_days || self.deploy_days > 365 {
            invalid.add("deploy_days", "out_of_order", "部署时限应不少于签收时限，且不超过365天");
        }
        if self.feedback_days < self.deploy_days || self.feedback_days > 365 {
            invalid.add("feedback_days", "out_of_order", "反馈时限应不少于部署时限，且不超过365天");
        }
        if self.solve_days < self.feedback_days || self.solve_days > 365 {
            invalid.add("solve_days", "out_of_order", "办结时限应不少于反馈时限，且不超过365天");
        }
        match self.major_solve {
            MajorLimit::Days(n) if n < self.solve_days || n > 730 => {
                invalid.add("major_solve", "out_of_order", "重大复杂事项办结时限应不少于一般事项，且不超过730天");
            }
            MajorLimit::Months(n) if n == 0 || n > 24 => {
                invalid.add("major_solve", "out_of_range", "重大复杂事项办结时限应为1到24个月");
            }
            _ => {}
        }
        if !(1..=99).contains(&self.yellow_percent) {
            invalid.add("yellow_percent", "out_of_range", "黄灯比例应为1到99之间的整数");
        }
        invalid.into_result()
    }

    /// A one-line summary: "签收1、部署1、反馈3、办结7个工作日（重大1个月）".
    pub fn summary(&self) -> String {
        format!(
            "签收{}、部署{}、反馈{}、办结{}个{}（重大复杂事项{}），已用{}%时间亮黄灯",
            self.sign_for_days,
            self.deploy_days,
            self.feedback_days,
            self.solve_days,
            self.counting.label(),
            self.major_solve.label(self.counting),
            self.yellow_percent
        )
    }

    fn add_days(&self, calendar: &dyn DayCount, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        match self.counting {
            DayCounting::WorkingDays => calendar.add_working_days(start, n),
            DayCounting::CalendarDays => calendar.add_calendar_days(start, n),
        }
    }

    /// The due date of each stage for a matter assigned on `assigned_on`.
    /// A major matter's `timetable` date, when given, is its solve date.
    pub fn schedule(
        &self,
        calendar: &dyn DayCount,
        assigned_on: NaiveDate,
        is_major: bool,
        timetable: Option<NaiveDate>,
    ) -> Schedule {
        let (sign_for, c1) = self.add_days(calendar, assigned_on, self.sign_for_days);
        let (deploy, c2) = self.add_days(calendar, assigned_on, self.deploy_days);
        let (feedback, c3) = self.add_days(calendar, assigned_on, self.feedback_days);
        let (solve, c4) = match (is_major, timetable) {
            (true, Some(day)) => calendar.on_or_after(day),
            (true, None) => match self.major_solve {
                MajorLimit::Days(n) => self.add_days(calendar, assigned_on, n),
                MajorLimit::Months(n) => {
                    let end = assigned_on.checked_add_months(Months::new(n)).unwrap_or(assigned_on);
                    calendar.on_or_after(end)
                }
            },
            (false, _) => self.add_days(calendar, assigned_on, self.solve_days),
        };
        // A solve date before feedback (a timetable given too early) keeps the feedback date.
        let solve = solve.max(feedback);
        Schedule { sign_for, deploy, feedback, solve, is_confirmed: c1 && c2 && c3 && c4 }
    }

    /// The day from which a stage running `[assigned_on, due]` shows yellow:
    /// when `yellow_percent` of its days (as the rule counts them) are used.
    pub fn yellow_from(&self, calendar: &dyn DayCount, assigned_on: NaiveDate, due: NaiveDate) -> NaiveDate {
        if due <= assigned_on {
            return due;
        }
        let total = match self.counting {
            DayCounting::WorkingDays => calendar.working_days_between(assigned_on, due),
            DayCounting::CalendarDays => u32::try_from((due - assigned_on).num_days()).unwrap_or(u32::MAX),
        };
        // ceil(total × percent / 100) days used, at least one.
        let used = (u64::from(total) * u64::from(self.yellow_percent)).div_ceil(100).max(1);
        let used = u32::try_from(used).unwrap_or(u32::MAX);
        let day = match self.counting {
            DayCounting::WorkingDays => calendar.add_working_days(assigned_on, used).0,
            DayCounting::CalendarDays => {
                assigned_on.checked_add_days(chrono::Days::new(u64::from(used))).unwrap_or(due)
            }
        };
        day.min(due)
    }
}

/// The due date of each stage (各环节时限).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub sign_for: NaiveDate,
    pub deploy: NaiveDate,
    pub feedback: NaiveDate,
    pub solve: NaiveDate,
    /// False when a year crossed has no calendar data (Monday–Friday assumed).
    pub is_confirmed: bool,
}

impl Schedule {
    pub fn due(&self, stage: Stage) -> NaiveDate {
        match stage {
            Stage::SignFor => self.sign_for,
            Stage::Deploy => self.deploy,
            Stage::Feedback => self.feedback,
            Stage::Solve => self.solve,
        }
    }
}

/// The light of a matter on `today`: done when closed; red past its current
/// stage's due date; yellow from `yellow_from`; else green. A matter whose
/// clock stands still (close requested) keeps `standing`.
pub fn light_on(
    status: AssignmentStatus,
    due: Option<NaiveDate>,
    yellow_from: Option<NaiveDate>,
    today: NaiveDate,
    standing: Light,
) -> Light {
    if status.is_closed() {
        return Light::Done;
    }
    let Some(due) = due else { return standing };
    if today > due {
        Light::Red
    } else if yellow_from.is_some_and(|y| today >= y) {
        Light::Yellow
    } else {
        Light::Green
    }
}

/// Calendar days from `from` to `to`, never negative.
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days().max(0)
}

impl DayCount for WorkCalendar {
    fn add_working_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let due = WorkCalendar::add_working_days(self, start, n);
        (due.date, due.confirmed)
    }

    fn add_calendar_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let due = WorkCalendar::add_calendar_days(self, start, n);
        (due.date, due.confirmed)
    }

    fn on_or_after(&self, day: NaiveDate) -> (NaiveDate, bool) {
        // Zero working days after a day: the day itself when it is a working day.
        let due = WorkCalendar::add_working_days(self, day, 0);
        (due.date, due.confirmed)
    }

    fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        u32::try_from(WorkCalendar::working_days_between(self, from, to).max(0)).unwrap_or(u32::MAX)
    }
}
