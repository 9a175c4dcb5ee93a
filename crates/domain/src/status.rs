//! 亮灯规则 (status rules): how a task's work progress, time progress and
//! light are worked out. These are the rules users read on the plan page and
//! on /admin/status-rules; every place that sets a light calls
//! [`StatusRules::light`] with the tenant's own thresholds.
//!
//! # 工作进度 (work progress), 0–100
//!
//! - A task **with targets** (指标) takes the mean, rounded down, of its
//!   targets' percents. Each target counts equally. A target's percent is its
//!   actual (完成值) measured from its baseline (基数, 0 when none) towards its
//!   value (目标值), capped to 0–100:
//!   - 不低于 (`AtLeast`): upwards, `(actual − baseline) / (value − baseline)`;
//!   - 不超过 (`AtMost`): downwards, `(baseline − actual) / (baseline − value)`;
//!   - 等于 and 左右 (`Exactly`, `About`): from the baseline towards the value,
//!     whichever way that is (upwards when there is no baseline);
//!   - a 不超过 target without a baseline above its value is a cap to hold
//!     (失业率控制在5.5%以内): an actual within the cap says nothing of how far
//!     the work is, so it counts the reported percent (below); an actual over
//!     the cap counts 0;
//!   - when the baseline is already at or past the value of an upward target
//!     (不低于10, baseline 12), there is no distance to measure: 100 when the
//!     actual is at least the value, 0 otherwise.
//!
//!   e.g. baseline 100, value 120, actual 110 → 50%.
//! - A target with **no actual yet** counts the percent the reporter gave
//!   (填报进度) in its place, so a task whose targets have no actuals takes the
//!   reported percent. So does a cap that holds (above).
//! - A task **without targets** takes the reported percent.
//! - The newest accepted report (by period) sets these; an older period
//!   accepted late changes nothing.
//!
//! # 序时进度 (time progress), 0–100
//!
//! The share of the days from the task's start to its deadline elapsed today,
//! rounded down ([`time_progress`]).
//!
//! # 亮灯 (light)
//!
//! With `gap = time progress − work progress` (how many points work is behind):
//!
//! 1. 已完成 (done): work progress is 100;
//! 2. 逾期 (overdue): today is after the deadline and it is not done;
//! 3. 红灯 (red): `gap > red_gap`;
//! 4. 黄灯 (yellow): `gap > yellow_gap`;
//! 5. 绿灯 (green): otherwise.
//!
//! The thresholds are per tenant; the defaults (`yellow_gap` 0, `red_gap` 20)
//! are the rule before they could be changed: yellow when behind at all, red
//! when more than 20 points behind. `0 ≤ yellow_gap ≤ red_gap ≤ 100`; when they
//! are equal no task is yellow.
//!
//! # 汇总 (roll-up)
//!
//! A parent task's work progress is the mean of its direct sub-tasks' work
//! progress weighted by their weights (权重), rounded down; a plain mean when
//! the weights add up to zero ([`weighted_percent`]). Sub-tasks roll up to
//! tasks, tasks to sections (top-level tasks), sections to the plan. A parent's
//! light follows the same rule from its rolled-up percent and its own dates.
//! The plan has no dates of its own: its time progress is the weighted mean of
//! its sections' time progress, and it is overdue when every section's
//! deadline has passed and it is not done.
//!
//! # 双过半 (half check)
//!
//! On a check date (06-30 of the plan's year by default) a task passes when
//! both its time progress and its work progress on that date are at least 50
//! ([`passes_half_check`]). The time progress of the check counts the check
//! date as elapsed (the share of the days from start to deadline, both
//! included, that have ended by the evening of the date), rounded to the
//! nearest point ([`half_check_time`]): so a task of the whole year is at 50
//! on 06-30 (181 of 365 days), as offices reckon it, where the light's
//! rounded-down morning figure would say 49. The work progress on that date
//! comes from the newest accepted report whose period is not after the check
//! date's month. Parents, sections and orgs take the weighted means of their
//! working tasks' figures (sub-tasks by weight; an org over the working tasks
//! it leads).

use crate::ids::TaskId;
use crate::light::{Light, time_progress};
use crate::model::Target;
use crate::target::Comparator;
use crate::validate::Invalid;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The percent both time and work must reach for 双过半.
pub const HALF: i64 = 50;

/// A tenant's light thresholds, in percentage points that work progress is
/// behind time progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRules {
    /// Yellow when behind by more than this many points.
    pub yellow_gap: i64,
    /// Red when behind by more than this many points.
    pub red_gap: i64,
}

impl Default for StatusRules {
    fn default() -> StatusRules {
        StatusRules { yellow_gap: 0, red_gap: 20 }
    }
}

impl StatusRules {
    /// Checks thresholds typed by an admin: whole numbers, `0 ≤ yellow ≤ red ≤ 100`.
    pub fn new(yellow_gap: i64, red_gap: i64) -> Result<StatusRules, Invalid> {
        let mut invalid = Invalid::new();
        if !(0..=100).contains(&yellow_gap) {
            invalid.add("yellow_gap", "out_of_range", "黄灯阈值应为0到100之间的整数");
        }
        if !(0..=100).contains(&red_gap) {
            invalid.add("red_gap", "out_of_range", "红灯阈值应为0到100之间的整数");
        }
        if invalid.errors.is_empty() && yellow_gap > red_gap {
            invalid.add("red_gap", "below_yellow", "红灯阈值不能小于黄灯阈值");
        }
        invalid.into_result()?;
        Ok(StatusRules { yellow_gap, red_gap })
    }

    /// The light of a task with `work` percent done running from `start` to `deadline`, on `today`.
    pub fn light(&self, work: i64, start: NaiveDate, deadline: NaiveDate, today: NaiveDate) -> Light {
        self.light_of(work, time_progress(start, deadline, today), today > deadline)
    }

    /// The light from work and time progress, and whether the deadline has passed.
    pub fn light_of(&self, work: i64, time: i64, past_deadline: bool) -> Light {
        if work >= 100 {
            return Light::Done;
        }
        if past_deadline {
            return Light::Overdue;
        }
        let gap = time - work;
        if gap > self.red_gap {
            Light::Red
        } else if gap > self.yellow_gap {
            Light::Yellow
        } else {
            Light::Green
        }
    }

    /// What `light` means under these numbers, in words (the 亮灯说明 of
    /// pages and ledgers).
    pub fn meaning(&self, light: Light) -> String {
        let (y, r) = (self.yellow_gap, self.red_gap);
        match light {
            Light::Done => "工作进度达到100%".to_owned(),
            Light::Overdue => "已过完成时限仍未完成".to_owned(),
            Light::Red => format!("工作进度落后序时进度超过{r}个百分点"),
            Light::Yellow if y == r => "不使用（黄灯阈值与红灯阈值相同）".to_owned(),
            Light::Yellow if y == 0 => format!("工作进度落后于序时进度，且落后不超过{r}个百分点"),
            Light::Yellow => format!("工作进度落后序时进度超过{y}个百分点，且不超过{r}个百分点"),
            Light::Green if y == 0 => "工作进度不落后于序时进度".to_owned(),
            Light::Green => format!("工作进度不落后于序时进度，或落后不超过{y}个百分点"),
        }
    }

    /// The rule in words, with these numbers: a line a light, the worst first.
    pub fn describe(&self) -> Vec<String> {
        [Light::Done, Light::Overdue, Light::Red, Light::Yellow, Light::Green]
            .into_iter()
            .map(|light| format!("{}：{}", light.label(), self.meaning(light)))
            .collect()
    }

    /// The rule in one line, for the plan page.
    pub fn summary(&self) -> String {
        let (y, r) = (self.yellow_gap, self.red_gap);
        let yellow = if y == r {
            String::new()
        } else if y == 0 {
            "落后即黄灯，".to_owned()
        } else {
            format!("落后超过{y}个百分点黄灯，")
        };
        format!("工作进度对照序时进度：{yellow}落后超过{r}个百分点红灯，过期未完成为逾期，达到100%为已完成")
    }
}

/// A target's percent, 0–100, for an `actual`; `reported` is the reporter's
/// percent, which a 不超过 cap that holds counts (see the module doc).
pub fn target_percent(
    comparator: Comparator,
    value: Decimal,
    baseline: Option<Decimal>,
    actual: Decimal,
    reported: i64,
) -> i64 {
    let base = baseline.unwrap_or(Decimal::ZERO);
    let upwards = match comparator {
        Comparator::AtLeast => true,
        Comparator::AtMost => false,
        Comparator::Exactly | Comparator::About => value >= base,
    };
    let share = if upwards && value > base {
        (actual - base) / (value - base)
    } else if !upwards && base > value {
        (base - actual) / (base - value)
    } else if upwards {
        return if actual >= value { 100 } else { 0 };
    } else {
        return if actual <= value { reported.clamp(0, 100) } else { 0 };
    };
    let percent = (share * Decimal::ONE_HUNDRED).floor();
    i64::try_from(percent.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED)).unwrap_or(0)
}

/// 工作进度: a task's work progress from its targets' actuals, or `reported`
/// where it has no target or a target has no actual (see the module doc).
pub fn work_progress(targets: &[Target], reported: i64) -> i64 {
    let reported = reported.clamp(0, 100);
    if targets.is_empty() {
        return reported;
    }
    let sum: i64 = targets
        .iter()
        .map(|t| t.actual.map_or(reported, |a| target_percent(t.comparator, t.value, t.baseline, a, reported)))
        .sum();
    sum / targets.len() as i64
}

/// The mean of `(weight, percent)` weighted by weight, rounded down; a plain
/// mean when the weights add up to zero; 0 when there are none.
pub fn weighted_percent(parts: &[(Decimal, i64)]) -> i64 {
    if parts.is_empty() {
        return 0;
    }
    let weights: Decimal = parts.iter().map(|(w, _)| *w).sum();
    if weights.is_zero() {
        return parts.iter().map(|(_, p)| p).sum::<i64>() / parts.len() as i64;
    }
    let sum: Decimal = parts.iter().map(|(w, p)| *w * Decimal::from(*p)).sum();
    i64::try_from((sum / weights).floor()).unwrap_or(0)
}

/// One task on the way from a reported task up to its root, as the review
/// roll-up needs it: its dates, and — for an ancestor — its children's weights
/// and work progress as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupNode {
    pub task_id: TaskId,
    pub start_date: NaiveDate,
    pub deadline: NaiveDate,
    /// `(child, weight, work progress)`; empty for the reported task itself.
    pub children: Vec<(TaskId, Decimal, i64)>,
}

/// The work progress and light of every task on `path` once a report on
/// `path[0]` is accepted: the reported task from its targets (whose actuals
/// are the report's) or the reported percent ([`work_progress`]); each
/// ancestor the weighted mean of its children ([`weighted_percent`]), counting
/// the child on the path at its new value; each light under `rules` as of
/// `today`. `path[i + 1]` is the parent of `path[i]`.
pub fn roll_up(
    path: &[RollupNode],
    targets: &[Target],
    reported: i64,
    rules: &StatusRules,
    today: NaiveDate,
) -> Vec<(TaskId, i64, Light)> {
    let mut out: Vec<(TaskId, i64, Light)> = Vec::with_capacity(path.len());
    for node in path {
        let percent = match out.last() {
            None => work_progress(targets, reported),
            Some(&(below, below_percent, _)) => {
                let parts: Vec<(Decimal, i64)> = node
                    .children
                    .iter()
                    .map(|&(child, weight, percent)| (weight, if child == below { below_percent } else { percent }))
                    .collect();
                weighted_percent(&parts)
            }
        };
        out.push((node.task_id, percent, rules.light(percent, node.start_date, node.deadline, today)));
    }
    out
}

/// 双过半: both time and work progress at least one half.
pub fn passes_half_check(time: i64, work: i64) -> bool {
    time >= HALF && work >= HALF
}

/// 序时进度 for the half check: the share, 0–100 rounded to the nearest, of the
/// days `start..=deadline` that have ended by the evening of `date`.
pub fn half_check_time(start: NaiveDate, deadline: NaiveDate, date: NaiveDate) -> i64 {
    if date < start {
        return 0;
    }
    if date >= deadline {
        return 100;
    }
    let days = (deadline - start).num_days() + 1;
    let ended = (date - start).num_days() + 1;
    (ended * 200 + days) / (days * 2)
}

/// 06-30 of `year`: the default date of the half check.
pub fn half_check_date(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 6, 30)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{TargetId, TaskId};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap_or(Decimal::MIN)
    }

    fn target(comparator: Comparator, value: &str, baseline: Option<&str>, actual: Option<&str>) -> Target {
        Target {
            id: TargetId(1),
            task_id: TaskId(1),
            metric: "指标".into(),
            value: dec(value),
            unit: String::new(),
            comparator,
            baseline: baseline.map(dec),
            deadline: None,
            actual: actual.map(dec),
        }
    }

    #[test]
    fn default_rules_are_the_old_rule() {
        let rules = StatusRules::default();
        let (start, end) = (d("2021-01-01"), d("2021-12-31"));
        // 2021-07-01: 181 of 364 days, time progress 49.
        assert_eq!(time_progress(start, end, d("2021-07-01")), 49);
        let cases = [
            (100, "2021-03-01", Light::Done),
            (100, "2022-03-01", Light::Done),
            (99, "2022-01-01", Light::Overdue),
            (0, "2021-12-31", Light::Red),
            (49, "2021-07-01", Light::Green),
            (48, "2021-07-01", Light::Yellow),
            (29, "2021-07-01", Light::Yellow),
            (28, "2021-07-01", Light::Red),
            (0, "2021-01-01", Light::Green),
        ];
        for (work, today, want) in cases {
            assert_eq!(rules.light(work, start, end, d(today)), want, "{work}% on {today}");
        }
    }

    #[test]
    fn roll_up_takes_the_new_value_of_the_child_on_the_path() {
        let rules = StatusRules::default();
        let (start, end) = (d("2026-01-01"), d("2026-12-31"));
        let node = |id: i64, children: Vec<(TaskId, Decimal, i64)>| RollupNode {
            task_id: TaskId(id),
            start_date: start,
            deadline: end,
            children,
        };
        let w = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        // Leaf 3 (weight 2) under section 2 beside leaf 4 (weight 1, 30%);
        // section 2 (weight 1) under root 1 beside section 5 (weight 1, 90%).
        // The stored 0% of leaf 3 must not count: it is reported at 60%.
        let path = [
            node(3, vec![]),
            node(2, vec![(TaskId(3), w("2"), 0), (TaskId(4), w("1"), 30)]),
            node(1, vec![(TaskId(2), w("1"), 10), (TaskId(5), w("1"), 90)]),
        ];
        let got = roll_up(&path, &[], 60, &rules, d("2026-12-31"));
        let percents: Vec<(i64, i64)> = got.iter().map(|(id, p, _)| (id.0, *p)).collect();
        // (2×60 + 30) / 3 = 50; (50 + 90) / 2 = 70.
        assert_eq!(percents, [(3, 60), (2, 50), (1, 70)]);
        assert!(got.iter().all(|(_, p, l)| *l == rules.light(*p, start, end, d("2026-12-31"))));
        // The reported task's own progress comes from its targets when it has them.
        let targets = [target(Comparator::AtLeast, "200", None, Some("50"))];
        assert_eq!(roll_up(&path[..1], &targets, 90, &rules, d("2026-06-30"))[0].1, 25);
    }

    #[test]
    fn thresholds_are_strictly_more_than() {
        let rules = StatusRules { yellow_gap: 5, red_gap: 30 };
        let cases = [
            (60, 55, Light::Green),
            (60, 54, Light::Yellow),
            (60, 30, Light::Yellow),
            (60, 29, Light::Red),
            (40, 60, Light::Green),
        ];
        for (time, work, want) in cases {
            assert_eq!(rules.light_of(work, time, false), want, "time {time} work {work}");
        }
        assert_eq!(rules.light_of(0, 100, true), Light::Overdue);
        assert_eq!(rules.light_of(100, 100, true), Light::Done);
        let no_yellow = StatusRules { yellow_gap: 10, red_gap: 10 };
        assert_eq!(no_yellow.light_of(40, 60, false), Light::Red);
        assert_eq!(no_yellow.light_of(50, 60, false), Light::Green);
    }

    #[test]
    fn overdue_starts_the_day_after_the_deadline() {
        let rules = StatusRules::default();
        let (start, end) = (d("2021-01-01"), d("2021-06-30"));
        assert_eq!(rules.light(90, start, end, d("2021-06-30")), Light::Yellow);
        assert_eq!(rules.light(90, start, end, d("2021-07-01")), Light::Overdue);
        assert_eq!(rules.light(100, start, end, d("2021-07-01")), Light::Done);
    }

    #[test]
    fn thresholds_are_validated() {
        assert_eq!(StatusRules::new(0, 20), Ok(StatusRules::default()));
        assert_eq!(StatusRules::new(10, 10), Ok(StatusRules { yellow_gap: 10, red_gap: 10 }));
        assert_eq!(StatusRules::new(0, 100).map(|r| r.red_gap), Ok(100));
        let fields = |r: Result<StatusRules, Invalid>| {
            r.err().map(|i| i.errors.iter().map(|e| (e.field.clone(), e.code)).collect::<Vec<_>>()).unwrap_or_default()
        };
        assert_eq!(fields(StatusRules::new(-1, 20)), [("yellow_gap".to_owned(), "out_of_range")]);
        assert_eq!(fields(StatusRules::new(0, 101)), [("red_gap".to_owned(), "out_of_range")]);
        assert_eq!(fields(StatusRules::new(30, 20)), [("red_gap".to_owned(), "below_yellow")]);
        assert!(StatusRules::new(30, 20).err().is_some_and(|i| i.to_string().contains("红灯阈值")));
    }

    #[test]
    fn the_rule_in_words_carries_the_numbers() {
        let words = StatusRules { yellow_gap: 5, red_gap: 25 }.describe().join("\n");
        assert!(words.contains("超过25个百分点") && words.contains("超过5个百分点"), "{words}");
        assert!(words.contains("逾期") && words.contains("已完成"));
        let default = StatusRules::default().describe().join("\n");
        assert!(default.contains("落后于序时进度") && default.contains("超过20个百分点"), "{default}");
        assert!(StatusRules::default().summary().contains("落后即黄灯"));
        assert!(StatusRules { yellow_gap: 9, red_gap: 9 }.describe().join("").contains("不使用"));
    }

    #[test]
    fn target_percent_measures_from_the_baseline() {
        use Comparator::*;
        let cases = [
            (AtLeast, "120", Some("100"), "110", 50),
            (AtLeast, "120", Some("100"), "90", 0),
            (AtLeast, "120", Some("100"), "130", 100),
            (AtLeast, "8", None, "6", 75),
            (AtLeast, "3", None, "1", 33),
            (AtLeast, "3", None, "3", 100),
            (Exactly, "5", None, "5", 100),
            (About, "6", None, "5.7", 95),
            // Downwards from the baseline: 40 → 35, at 38 two fifths of the way.
            (AtMost, "35", Some("40"), "38", 40),
            (AtMost, "35", Some("40"), "34", 100),
            (AtMost, "35", Some("40"), "41", 0),
            (Exactly, "35", Some("40"), "37.5", 50),
            // A cap with nothing to measure from: held, it counts the reported 30; broken, 0.
            (AtMost, "35", None, "35", 30),
            (AtMost, "35", None, "20", 30),
            (AtMost, "35", None, "36", 0),
            (AtMost, "35", Some("30"), "31", 30),
            (AtMost, "35", Some("30"), "36", 0),
            (AtLeast, "10", Some("12"), "11", 100),
            (AtLeast, "10", Some("12"), "9", 0),
        ];
        for (cmp, value, baseline, actual, want) in cases {
            assert_eq!(
                target_percent(cmp, dec(value), baseline.map(dec), dec(actual), 30),
                want,
                "{cmp:?} {value} from {baseline:?} at {actual}"
            );
        }
    }

    #[test]
    fn work_progress_averages_targets_and_falls_back_to_the_reported_percent() {
        use Comparator::*;
        assert_eq!(work_progress(&[], 35), 35);
        assert_eq!(work_progress(&[], 130), 100);
        let half = target(AtLeast, "120", Some("100"), Some("110"));
        assert_eq!(work_progress(std::slice::from_ref(&half), 90), 50, "the actual wins over the reported percent");
        let none = target(AtLeast, "10", None, None);
        assert_eq!(work_progress(std::slice::from_ref(&none), 30), 30, "no actual yet: the reported percent");
        let full = target(AtMost, "35", Some("40"), Some("30"));
        assert_eq!(work_progress(&[half.clone(), full.clone()], 0), 75);
        assert_eq!(work_progress(&[half.clone(), none, full], 20), 56, "(50 + 20 + 100) / 3 rounded down");
        let cap = target(AtMost, "5.5", None, Some("5.1"));
        assert_eq!(work_progress(&[half, cap], 40), 45, "a held cap counts the reported 40");
    }

    #[test]
    fn roll_up_weights_children() {
        let w = |s: &str| dec(s);
        assert_eq!(weighted_percent(&[]), 0);
        assert_eq!(weighted_percent(&[(w("1"), 100), (w("1"), 0)]), 50);
        assert_eq!(weighted_percent(&[(w("3"), 100), (w("1"), 0)]), 75);
        assert_eq!(weighted_percent(&[(w("0"), 90), (w("0"), 31)]), 60, "zero weights: plain mean");
        assert_eq!(weighted_percent(&[(w("2"), 33), (w("1"), 34)]), 33, "33.33 rounded down");
    }

    #[test]
    fn half_check_needs_both_halves() {
        assert!(passes_half_check(50, 50));
        assert!(!passes_half_check(49, 100));
        assert!(!passes_half_check(100, 49));
        assert_eq!(half_check_date(2026), Some(d("2026-06-30")));
    }

    #[test]
    fn half_check_time_counts_the_check_date() {
        let (start, end) = (d("2021-01-01"), d("2021-12-31"));
        assert_eq!(half_check_time(start, end, d("2021-06-30")), 50, "181 of 365 days");
        assert_eq!(half_check_time(start, end, d("2021-06-29")), 49, "180 of 365 days");
        assert_eq!(half_check_time(d("2024-01-01"), d("2024-12-31"), d("2024-06-30")), 50, "182 of 366");
        assert_eq!(half_check_time(d("2021-03-01"), end, d("2021-06-30")), 40, "122 of 306 days");
        assert_eq!(half_check_time(start, end, d("2020-12-31")), 0);
        assert_eq!(half_check_time(start, d("2021-06-30"), d("2021-06-30")), 100);
    }
}
