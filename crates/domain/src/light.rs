//! 亮灯 (light): the status colour of a task, from its work progress against
//! its time progress (序时进度): done, overdue, red, yellow or green. The rule
//! and its per-tenant thresholds are written down in [`crate::status`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
    /// 逾期: past the deadline and not done.
    Overdue,
    Done,
}

impl Light {
    pub const ALL: [Light; 5] = [Light::Green, Light::Yellow, Light::Red, Light::Overdue, Light::Done];

    pub fn code(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
            Light::Overdue => "overdue",
            Light::Done => "done",
        }
    }

    pub fn from_code(code: &str) -> Option<Light> {
        Light::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Red or overdue: what the battle map's red list shows and what alerts
    /// a lead org.
    pub fn is_alarm(self) -> bool {
        matches!(self, Light::Red | Light::Overdue)
    }

    pub fn label(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
            Light::Overdue => "逾期",
            Light::Done => "已完成",
        }
    }
}

/// 时间进度 (time progress): the share, 0–100, of `[start, deadline]` elapsed on `today`.
pub fn time_progress(start: NaiveDate, deadline: NaiveDate, today: NaiveDate) -> i64 {
    if today <= start {
        return 0;
    }
    if today >= deadline {
        return 100;
    }
    let span = (deadline - start).num_days().max(1);
    (today - start).num_days() * 100 / span
}

/// The light of a task with `work_progress` percent done, running from `start` to `deadline`,
/// under the default thresholds. Where a tenant is known, use its
/// [`StatusRules::light`](crate::status::StatusRules::light) instead.
pub fn light_for(work_progress: i64, start: NaiveDate, deadline: NaiveDate, today: NaiveDate) -> Light {
    crate::status::StatusRules::default().light(work_progress, start, deadline, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn lights_follow_work_against_time() {
        let (start, end) = (d("2021-01-01"), d("2021-12-31"));
        let cases = [
            (100, "2021-03-01", Light::Done),
            (100, "2022-03-01", Light::Done),
            (99, "2022-01-01", Light::Overdue),
            (50, "2021-07-01", Light::Green),
            (40, "2021-07-01", Light::Yellow),
            (20, "2021-07-01", Light::Red),
            (0, "2021-01-01", Light::Green),
        ];
        for (work, today, want) in cases {
            assert_eq!(light_for(work, start, end, d(today)), want, "{work}% on {today}");
        }
    }

    #[test]
    fn only_red_and_overdue_are_alarms() {
        let alarms: Vec<Light> = Light::ALL.into_iter().filter(|l| l.is_alarm()).collect();
        assert_eq!(alarms.len(), 2);
        assert!(alarms.contains(&Light::Red) && alarms.contains(&Light::Overdue));
    }

    #[test]
    fn time_progress_is_bounded() {
        let (start, end) = (d("2021-01-01"), d("2021-12-31"));
        assert_eq!(time_progress(start, end, d("2020-06-01")), 0);
        assert_eq!(time_progress(start, end, d("2023-06-01")), 100);
        assert_eq!(time_progress(start, start, start), 0);
    }
}
