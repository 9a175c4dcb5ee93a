//! 考核排名 (assessment and ranking): a scheme of weighted indicators, scored
//! per org and month by written methods, summed, ranked within peer groups
//! (分类考核), and ended in tiers at the year's end.
//!
//! # The methods (计分方法), for an indicator of `points` (满分)
//!
//! - **目标完成计分** (`completion`): `points × min(value ÷ target, cap)`; zero
//!   when `value ÷ target` is below `floor`. Where less is better, the ratio is
//!   `target ÷ value` (a value of 0 or below meets any target). A ratio
//!   means nothing against a target below zero (增速目标 −2%): then the
//!   value scores `points` when it meets the target, else 0, as 达标.
//! - **争先进位** (`rank`): the best of the group gets `points`, each place
//!   below loses `step`, never below zero; equal values share a place.
//! - **与最优比** (`ratio_to_best`): `points × value ÷ best` (less is better:
//!   `best ÷ value`); zero when the best is zero. A ratio means nothing when
//!   a value of the group is below zero (a fall in a 增速): the whole group
//!   is then scored by 极差法, so the best still gets `points` and no one more.
//! - **极差法** (`min_max`): `points × (value − worst) ÷ (best − worst)`; full
//!   points to all when every value is equal.
//! - **达标** (`threshold`): `points` when the value meets the target, else 0.
//! - **加减分** (`bonus`): `value × per_unit` points, capped to `±cap` (a
//!   negative `per_unit` deducts, e.g. −0.5 per overdue 督办 matter).
//! - **一票否决** (`veto`): a value above zero voids the org's month: its
//!   total is 0 and it ranks last, with the reason shown.
//!
//! A missing value scores 0 (and says so in the breakdown), except for a
//! bonus or veto, where it counts as none.
//!
//! Every score is rounded to two decimals; the total is the sum of the
//! rounded lines, so the breakdown always adds up to it.

use crate::ids::OrgId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How a value is turned into points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    Completion { cap: Decimal, floor: Option<Decimal> },
    Rank { step: Decimal },
    RatioToBest,
    MinMax,
    Threshold,
    Bonus { per_unit: Decimal, cap: Decimal },
    Veto,
}

impl Method {
    /// The method's name and rule in words, for the breakdown.
    pub fn describe(&self, points: Decimal) -> String {
        match self {
            Method::Completion { cap, floor } => {
                let floor = floor.map(|f| format!("，完成率低于{}%不得分", pct(f))).unwrap_or_default();
                format!("目标完成计分：满分{points}分×完成率（最高{}%）{floor}", pct(*cap))
            }
            Method::Rank { step } => format!("争先进位：第一名{points}分，每低一位减{step}分"),
            Method::RatioToBest => format!("与最优比：满分{points}分×本单位值÷组内最优值（组内有负值时按极差法）"),
            Method::MinMax => format!("极差法：满分{points}分×（本单位值−最差值）÷（最优值−最差值）"),
            Method::Threshold => format!("达标计分：达到目标得{points}分，否则不得分"),
            Method::Bonus { per_unit, cap } => {
                let verb = if per_unit.is_sign_negative() { "扣" } else { "加" };
                format!("加减分：每单位{verb}{}分，最多{verb}{cap}分", per_unit.abs())
            }
            Method::Veto => "一票否决：出现即当月考核结果为零".to_owned(),
        }
    }
}

fn pct(ratio: Decimal) -> Decimal {
    (ratio * Decimal::from(100)).normalize()
}

/// Whether a larger value is better.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    #[default]
    Higher,
    Lower,
}

/// An indicator as the scorer sees it: its points, method and target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoredIndicator {
    pub key: String,
    pub name: String,
    /// 满分 (for a bonus, its cap is what counts).
    pub points: Decimal,
    pub method: Method,
    #[serde(default)]
    pub better: Better,
    /// The target the value is measured against (completion, threshold).
    pub target: Option<Decimal>,
}

/// One line of an org's breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub key: String,
    pub name: String,
    pub value: Option<Decimal>,
    pub target: Option<Decimal>,
    pub method: String,
    /// Points scored (for a bonus: added, or deducted when negative).
    pub points: Decimal,
    /// Why a value scored nothing, when it did not.
    pub note: String,
}

/// An org's result for a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgResult {
    pub org_id: OrgId,
    pub lines: Vec<Line>,
    /// Sum of the indicator lines (bonuses excluded).
    pub base: Decimal,
    pub bonus: Decimal,
    pub deduction: Decimal,
    /// `base + bonus + deduction`, or 0 when vetoed.
    pub total: Decimal,
    pub vetoed: Option<String>,
    /// 1 for the best of its group; equal totals share a place; vetoed last.
    pub rank: usize,
}

/// Scores every org of one peer group on `indicators`; `values[key][org]` is
/// the org's value of an indicator and `targets[key][org]` an org's own
/// target where it has one (otherwise the indicator's).
pub fn score_group(
    indicators: &[ScoredIndicator],
    orgs: &[OrgId],
    values: &HashMap<String, HashMap<OrgId, Decimal>>,
    targets: &HashMap<String, HashMap<OrgId, Decimal>>,
) -> Vec<OrgResult> {
    let empty = HashMap::new();
    let mut results: Vec<OrgResult> = orgs
        .iter()
        .map(|org| OrgResult {
            org_id: *org,
            lines: Vec::new(),
            base: Decimal::ZERO,
            bonus: Decimal::ZERO,
            deduction: Decimal::ZERO,
            total: Decimal::ZERO,
            vetoed: None,
            rank: 0,
        })
        .collect();
    for ind in indicators {
        let of = values.get(&ind.key).unwrap_or(&empty);
        let own_targets = targets.get(&ind.key).unwrap_or(&empty);
        let present: Vec<Decimal> = orgs.iter().filter_map(|o| of.get(o).copied()).collect();
        for r in &mut results {
            let value = of.get(&r.org_id).copied();
            let target = own_targets.get(&r.org_id).copied().or(ind.target);
            let (points, note) = score(ind, value, target, &present);
            let points = points.round_dp(2);
            match ind.method {
                Method::Bonus { .. } if points.is_sign_negative() => r.deduction += points,
                Method::Bonus { .. } => r.bonus += points,
                Method::Veto => {
                    if value.is_some_and(|v| v > Decimal::ZERO) {
                        r.vetoed = Some(ind.name.clone());
                    }
                }
                _ => r.base += points,
            }
            r.lines.push(Line {
                key: ind.key.clone(),
                name: ind.name.clone(),
                value,
                target,
                method: ind.method.describe(ind.points),
                points,
                note,
            });
        }
    }
    for r in &mut results {
        r.total = if r.vetoed.is_some() { Decimal::ZERO } else { r.base + r.bonus + r.deduction };
    }
    rank(&mut results);
    results
}

/// Points of one value and, when it scored nothing for a reason, the reason.
fn score(ind: &ScoredIndicator, value: Option<Decimal>, target: Option<Decimal>, all: &[Decimal]) -> (Decimal, String) {
    let zero = Decimal::ZERO;
    let Some(v) = value else {
        return match ind.method {
            Method::Bonus { .. } | Method::Veto => (zero, String::new()),
            _ => (zero, "未取得数值，不得分".to_owned()),
        };
    };
    let lower = ind.better == Better::Lower;
    let best = if lower { all.iter().min() } else { all.iter().max() }.copied().unwrap_or(v);
    let worst = if lower { all.iter().max() } else { all.iter().min() }.copied().unwrap_or(v);
    match ind.method {
        Method::Completion { cap, floor } => {
            let Some(t) = target.filter(|t| !t.is_zero()) else {
                return (zero, "未设目标值，不得分".to_owned());
            };
            if t.is_sign_negative() {
                let met = if lower { v <= t } else { v >= t };
                let note = if met {
                    "目标值为负，按达标计分"
                } else {
                    "目标值为负，按达标计分：未达标"
                };
                return (if met { ind.points } else { zero }, note.to_owned());
            }
            let ratio = if !lower {
                v / t
            } else if v <= zero {
                cap
            } else {
                t / v
            };
            if floor.is_some_and(|f| ratio < f) {
                return (zero, format!("完成率{}%低于{}%", pct(ratio.round_dp(4)), pct(floor.unwrap_or(zero))));
            }
            (ind.points * ratio.min(cap).max(zero), String::new())
        }
        Method::Rank { step } => {
            let better_count = all.iter().filter(|o| if lower { **o < v } else { **o > v }).count();
            ((ind.points - step * Decimal::from(better_count as i64)).max(zero), String::new())
        }
        Method::RatioToBest if all.iter().any(|o| o.is_sign_negative() && !o.is_zero()) => {
            let points = if best == worst { ind.points } else { ind.points * (v - worst) / (best - worst) };
            (points, "组内有负值，按极差法计分".to_owned())
        }
        Method::RatioToBest => {
            let ratio = if lower {
                if v.is_zero() { Decimal::ONE } else { best / v }
            } else if best.is_zero() {
                zero
            } else {
                v / best
            };
            (ind.points * ratio.max(zero), String::new())
        }
        Method::MinMax => {
            if best == worst {
                return (ind.points, String::new());
            }
            (ind.points * (v - worst) / (best - worst), String::new())
        }
        Method::Threshold => {
            let Some(t) = target else { return (zero, "未设目标值，不得分".to_owned()) };
            let met = if lower { v <= t } else { v >= t };
            if met { (ind.points, String::new()) } else { (zero, "未达标".to_owned()) }
        }
        Method::Bonus { per_unit, cap } => ((v * per_unit).max(-cap.abs()).min(cap.abs()), String::new()),
        Method::Veto => (zero, String::new()),
    }
}

/// Places 1.. by total, equal totals sharing a place; vetoed orgs after all others.
fn rank(results: &mut [OrgResult]) {
    results.sort_by(|a, b| {
        a.vetoed.is_some().cmp(&b.vetoed.is_some()).then(b.total.cmp(&a.total)).then(a.org_id.cmp(&b.org_id))
    });
    let mut place = 0;
    let mut previous: Option<(bool, Decimal)> = None;
    for (i, r) in results.iter_mut().enumerate() {
        let key = (r.vetoed.is_some(), r.total);
        if previous != Some(key) {
            place = i + 1;
            previous = Some(key);
        }
        r.rank = place;
    }
}

/// 奖惩档次 at the year's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 先进: the first places of the group.
    Advanced,
    /// 进步: rose at least the scheme's places over the year.
    Improved,
    /// 达标: at least the pass mark.
    Passed,
    /// 末位约谈: last of the group, or below the pass mark, or vetoed.
    Interview,
}

impl Tier {
    pub fn label(self) -> &'static str {
        match self {
            Tier::Advanced => "先进",
            Tier::Improved => "进步",
            Tier::Passed => "达标",
            Tier::Interview => "末位约谈",
        }
    }
}

/// How the year ends: tiers by rank, rise and pass mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRule {
    /// How many first places are 先进.
    pub advanced: usize,
    /// Places risen (first month against the year's result) for 进步.
    pub improved_by: usize,
    /// The pass mark (达标线).
    pub pass: Decimal,
}

/// The tier of an org at `rank` of `of` in its group, having risen `rose`
/// places, with `total` and whether it was vetoed.
pub fn tier(rule: &TierRule, rank: usize, of: usize, rose: i64, total: Decimal, vetoed: bool) -> Tier {
    if vetoed || (rank == of && of > 1) || total < rule.pass {
        Tier::Interview
    } else if rank <= rule.advanced {
        Tier::Advanced
    } else if rose >= rule.improved_by as i64 && rule.improved_by > 0 {
        Tier::Improved
    } else {
        Tier::Passed
    }
}

/// Where an indicator's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Entered by the office per org and month (or imported from .xlsx).
    Entered,
    /// Mean work progress (%) of the org's leaf tasks of the year's plans.
    TaskProgress,
    /// Share (%) of those tasks green or done.
    OnTrack,
    /// Share (%) of the org's closed 督办 matters closed by their solve date.
    MattersOnTime,
    /// The org's open 督办 matters past their due date.
    MattersOverdue,
    /// The org's leaf tasks without a report for the month by its end (迟报/未报).
    LateReports,
    /// 投资完成率 (%) of the org's key projects (county, zone or owner).
    ProjectRate,
    /// 开工率 (%): the org's projects started of those due to start by the month's end.
    ProjectStarts,
    /// A target of the list: its actual, against its value, for its task's lead org.
    Target { target_id: i64 },
}

impl Source {
    pub fn label(&self) -> String {
        match self {
            Source::Entered => "填报数据".to_owned(),
            Source::TaskProgress => "任务平均工作进度".to_owned(),
            Source::OnTrack => "任务绿灯率".to_owned(),
            Source::MattersOnTime => "督办按时办结率".to_owned(),
            Source::MattersOverdue => "督办逾期事项数".to_owned(),
            Source::LateReports => "迟报未报任务数".to_owned(),
            Source::ProjectRate => "重点项目投资完成率".to_owned(),
            Source::ProjectStarts => "重点项目开工率".to_owned(),
            Source::Target { target_id } => format!("清单指标（编号{target_id}）完成值"),
        }
    }
}

/// An indicator of a scheme: a heading (一级/二级, no method) or a scored leaf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    /// The heading it stands under.
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub points: Decimal,
    /// `None` for a heading.
    #[serde(default)]
    pub method: Option<Method>,
    #[serde(default)]
    pub better: Better,
    #[serde(default)]
    pub target: Option<Decimal>,
    #[serde(default)]
    pub source: Option<Source>,
}

/// 分类考核: orgs scored and ranked together, with points of their own where set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerGroup {
    pub name: String,
    pub orgs: Vec<OrgId>,
    /// Points per indicator key for this group, over the indicator's.
    #[serde(default)]
    pub points: HashMap<String, Decimal>,
}

/// How the year's result is made of the months.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearEnd {
    /// The mean of the published months' totals.
    #[default]
    Average,
    /// December's (the last published month's) total.
    LastMonth,
}

/// 考核方案: a year's scheme, stored as this JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub groups: Vec<PeerGroup>,
    pub indicators: Vec<Indicator>,
    #[serde(default)]
    pub year_end: YearEnd,
    pub tiers: TierRule,
    /// Whether an org sees the other orgs' totals (its own breakdown always).
    #[serde(default)]
    pub show_others: bool,
}

impl Scheme {
    /// The year-end, tier and visibility rules in words, next to the rules
    /// themselves ([`year_total`], [`tier`]) so that the two do not drift.
    pub fn rules_in_words(&self) -> Vec<String> {
        let year_end = match self.year_end {
            YearEnd::Average => "年度结果：已发布各月总分的平均",
            YearEnd::LastMonth => "年度结果：最后一个已发布月份（12月累计）的总分",
        };
        let t = &self.tiers;
        vec![
            year_end.to_owned(),
            format!(
                "奖惩档次：每组前{}名为先进；较首个发布月前移{}位及以上为进步；其余为达标；组内末位、总分低于{}分或被一票否决的为末位约谈",
                t.advanced,
                t.improved_by,
                t.pass.normalize()
            ),
            if self.show_others {
                "各单位可看到本组其他单位的总分和排名".to_owned()
            } else {
                "各单位只看到本单位的得分和排名".to_owned()
            },
        ]
    }

    /// The scored leaves as `group` scores them.
    pub fn scored(&self, group: &PeerGroup) -> Vec<(ScoredIndicator, Source)> {
        self.indicators
            .iter()
            .filter_map(|i| {
                let method = i.method?;
                let source = i.source?;
                let points = group.points.get(&i.key).copied().unwrap_or(i.points);
                let scored = ScoredIndicator {
                    key: i.key.clone(),
                    name: i.name.clone(),
                    points,
                    method,
                    better: i.better,
                    target: i.target,
                };
                Some((scored, source))
            })
            .collect()
    }

    /// Checks the document, with a Chinese message for each fault.
    pub fn check(&self) -> Result<(), crate::Invalid> {
        let mut invalid = crate::Invalid::new();
        let mut keys = std::collections::HashSet::new();
        for (n, i) in self.indicators.iter().enumerate() {
            let at = format!("第{}个指标“{}”", n + 1, i.name);
            if i.key.trim().is_empty() || i.name.trim().is_empty() {
                invalid.add("body", "indicator", format!("{at}缺少编码或名称"));
            }
            if !keys.insert(i.key.as_str()) {
                invalid.add("body", "duplicate", format!("{at}的编码“{}”重复", i.key));
            }
            if let Some(parent) = &i.parent {
                match self.indicators.iter().find(|p| &p.key == parent) {
                    None => invalid.add("body", "parent", format!("{at}的上级指标“{parent}”不存在")),
                    Some(p) if p.method.is_some() => {
                        invalid.add("body", "parent", format!("{at}的上级“{}”是计分指标，不能再有下级", p.name))
                    }
                    Some(_) => {}
                }
            }
            match (i.method, i.source) {
                (Some(_), None) => invalid.add("body", "source", format!("{at}缺少数据来源")),
                (Some(Method::Bonus { .. } | Method::Veto), Some(_)) | (None, _) => {}
                (Some(_), Some(_)) if i.points <= Decimal::ZERO => {
                    invalid.add("body", "points", format!("{at}的分值应大于0"))
                }
                (Some(Method::Completion { .. } | Method::Threshold), Some(source))
                    if i.target.is_none() && !matches!(source, Source::Entered | Source::Target { .. }) =>
                {
                    invalid.add("body", "target", format!("{at}需要目标值"))
                }
                _ => {}
            }
        }
        if self.indicators.iter().all(|i| i.method.is_none()) {
            invalid.add("body", "indicators", "方案至少要有一个计分指标");
        }
        let mut seen = std::collections::HashMap::new();
        if self.groups.is_empty() {
            invalid.add("body", "groups", "方案至少要有一个考核分组");
        }
        for g in &self.groups {
            if g.orgs.is_empty() {
                invalid.add("body", "groups", format!("分组“{}”没有单位", g.name));
            }
            for org in &g.orgs {
                if let Some(other) = seen.insert(*org, g.name.as_str()) {
                    invalid.add("body", "groups", format!("单位（编号{org}）同时在“{other}”和“{}”两个分组", g.name));
                }
            }
            for key in g.points.keys() {
                if !self.indicators.iter().any(|i| &i.key == key) {
                    invalid.add("body", "groups", format!("分组“{}”设置了不存在的指标“{key}”", g.name));
                }
            }
        }
        invalid.into_result()
    }
}

/// The year's result of one org from its months' totals (in month order) under `rule`.
pub fn year_total(rule: YearEnd, months: &[Decimal]) -> Option<Decimal> {
    match rule {
        YearEnd::LastMonth => months.last().copied(),
        YearEnd::Average if months.is_empty() => None,
        YearEnd::Average => {
            Some((months.iter().copied().sum::<Decimal>() / Decimal::from(months.len() as i64)).round_dp(2))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn ind(key: &str, points: &str, method: Method, target: Option<&str>) -> ScoredIndicator {
        ScoredIndicator {
            key: key.into(),
            name: key.into(),
            points: d(points),
            method,
            better: Better::Higher,
            target: target.map(d),
        }
    }

    fn values(key: &str, of: &[(i64, &str)]) -> HashMap<String, HashMap<OrgId, Decimal>> {
        HashMap::from([(key.to_owned(), of.iter().map(|(o, v)| (OrgId(*o), d(v))).collect())])
    }

    fn points(results: &[OrgResult], org: i64) -> Vec<Decimal> {
        results
            .iter()
            .find(|r| r.org_id == OrgId(org))
            .map(|r| r.lines.iter().map(|l| l.points).collect())
            .unwrap_or_default()
    }

    const ORGS: [OrgId; 3] = [OrgId(1), OrgId(2), OrgId(3)];

    #[test]
    fn completion_is_capped_and_zero_below_the_floor() {
        let i = ind("gdp", "30", Method::Completion { cap: d("1.2"), floor: Some(d("0.6")) }, Some("100"));
        let r = score_group(&[i], &ORGS, &values("gdp", &[(1, "150"), (2, "90"), (3, "50")]), &HashMap::new());
        assert_eq!(points(&r, 1), [d("36")], "capped at 120%");
        assert_eq!(points(&r, 2), [d("27")]);
        assert_eq!(points(&r, 3), [d("0")]);
        assert!(r.iter().find(|x| x.org_id == OrgId(3)).is_some_and(|x| x.lines[0].note.contains("低于60%")));
        let own = HashMap::from([("gdp".to_owned(), HashMap::from([(OrgId(2), d("90"))]))]);
        let i = ind("gdp", "30", Method::Completion { cap: d("1.2"), floor: None }, Some("100"));
        let r = score_group(&[i], &ORGS, &values("gdp", &[(2, "90")]), &own);
        assert_eq!(points(&r, 2), [d("30")], "an org's own target");
        assert_eq!(points(&r, 1), [d("0")], "no value, no points");
    }

    #[test]
    fn rank_points_share_places_and_step_down() {
        let i = ind("invest", "10", Method::Rank { step: d("2") }, None);
        let r = score_group(&[i], &ORGS, &values("invest", &[(1, "5"), (2, "9"), (3, "9")]), &HashMap::new());
        assert_eq!((points(&r, 2), points(&r, 3), points(&r, 1)), (vec![d("10")], vec![d("10")], vec![d("6")]));
        assert_eq!(r.iter().map(|x| (x.org_id.0, x.rank)).collect::<Vec<_>>(), [(2, 1), (3, 1), (1, 3)]);
    }

    #[test]
    fn ratio_min_max_and_threshold_where_less_is_better_too() {
        let mut lower = ind("overdue", "10", Method::RatioToBest, None);
        lower.better = Better::Lower;
        let r = score_group(&[lower], &ORGS, &values("overdue", &[(1, "2"), (2, "4"), (3, "8")]), &HashMap::new());
        assert_eq!((points(&r, 1), points(&r, 2), points(&r, 3)), (vec![d("10")], vec![d("5")], vec![d("2.5")]));
        let mm = ind("x", "20", Method::MinMax, None);
        let r = score_group(&[mm], &ORGS, &values("x", &[(1, "10"), (2, "15"), (3, "20")]), &HashMap::new());
        assert_eq!((points(&r, 1), points(&r, 2), points(&r, 3)), (vec![d("0")], vec![d("10")], vec![d("20")]));
        let t = ind("t", "5", Method::Threshold, Some("80"));
        let r = score_group(&[t], &ORGS, &values("t", &[(1, "80"), (2, "79.9")]), &HashMap::new());
        assert_eq!((points(&r, 1), points(&r, 2)), (vec![d("5")], vec![d("0")]));
    }

    #[test]
    fn negative_values_never_give_more_than_full_points_nor_rank_the_worst_first() {
        // A fall in growth (增速) is ordinary: −2 is the best of −2, −4, −8.
        let growth = ind("growth", "30", Method::RatioToBest, None);
        let r = score_group(&[growth], &ORGS, &values("growth", &[(1, "-2"), (2, "-4"), (3, "-8")]), &HashMap::new());
        assert_eq!((points(&r, 1), points(&r, 2), points(&r, 3)), (vec![d("30")], vec![d("20")], vec![d("0")]));
        assert_eq!(r.iter().map(|x| (x.org_id.0, x.rank)).collect::<Vec<_>>(), [(1, 1), (2, 2), (3, 3)]);
        assert!(r[0].lines[0].note.contains("极差法"), "{}", r[0].lines[0].note);
        // Less is better (能耗下降 as a change): −3 is the best of −3, −1, 2.
        let mut energy = ind("energy", "10", Method::RatioToBest, None);
        energy.better = Better::Lower;
        let r = score_group(&[energy], &ORGS, &values("energy", &[(1, "-3"), (2, "-1"), (3, "2")]), &HashMap::new());
        assert_eq!((points(&r, 1), points(&r, 2), points(&r, 3)), (vec![d("10")], vec![d("6")], vec![d("0")]));
        // One fall among rises: the rise is still ranked above it.
        let mixed = ind("m", "30", Method::RatioToBest, None);
        let r = score_group(&[mixed], &ORGS, &values("m", &[(1, "6"), (2, "3"), (3, "-3")]), &HashMap::new());
        assert_eq!((points(&r, 1), points(&r, 2), points(&r, 3)), (vec![d("30")], vec![d("20")], vec![d("0")]));
        // A negative target is met or not; a value below a positive target's zero scores nothing.
        let done = ind("done", "40", Method::Completion { cap: d("1.2"), floor: None }, Some("-2"));
        let r = score_group(&[done], &ORGS, &values("done", &[(1, "-3"), (2, "1")]), &HashMap::new());
        assert_eq!((points(&r, 1), points(&r, 2)), (vec![d("0")], vec![d("40")]));
        let done = ind("done", "40", Method::Completion { cap: d("1.2"), floor: None }, Some("5"));
        let r = score_group(&[done], &ORGS, &values("done", &[(1, "-3")]), &HashMap::new());
        assert_eq!(points(&r, 1), [d("0")]);
        // Less is better with a positive target: a value at or below zero meets it at the cap.
        let mut cut = ind("cut", "10", Method::Completion { cap: d("1.2"), floor: None }, Some("2"));
        cut.better = Better::Lower;
        let r = score_group(&[cut], &ORGS, &values("cut", &[(1, "-1"), (2, "4")]), &HashMap::new());
        assert_eq!((points(&r, 1), points(&r, 2)), (vec![d("12")], vec![d("5")]));
    }

    #[test]
    fn bonuses_deductions_and_a_veto_make_the_total_and_the_order() {
        let indicators = [
            ind("gdp", "50", Method::Completion { cap: d("1"), floor: None }, Some("100")),
            ind("award", "0", Method::Bonus { per_unit: d("1"), cap: d("3") }, None),
            ind("late", "0", Method::Bonus { per_unit: d("-0.5"), cap: d("5") }, None),
            ind("safety", "0", Method::Veto, None),
        ];
        let mut v = values("gdp", &[(1, "100"), (2, "90"), (3, "100")]);
        v.extend(values("award", &[(2, "5")]));
        v.extend(values("late", &[(1, "3"), (2, "30")]));
        v.extend(values("safety", &[(3, "1")]));
        let r = score_group(&indicators, &ORGS, &v, &HashMap::new());
        let of = |o: i64| r.iter().find(|x| x.org_id == OrgId(o)).cloned();
        let one = of(1).unwrap_or_else(|| unreachable!());
        assert_eq!((one.base, one.bonus, one.deduction, one.total), (d("50"), d("0"), d("-1.5"), d("48.5")));
        let two = of(2).unwrap_or_else(|| unreachable!());
        assert_eq!((two.bonus, two.deduction, two.total), (d("3"), d("-5"), d("43")), "both capped");
        let three = of(3).unwrap_or_else(|| unreachable!());
        assert_eq!((three.total, three.vetoed.as_deref(), three.rank), (d("0"), Some("safety"), 3));
        for x in &r {
            let sum: Decimal = x.lines.iter().map(|l| l.points).sum();
            assert!(x.vetoed.is_some() || sum == x.total, "the breakdown adds up to the total");
        }
        assert_eq!(one.rank, 1);
    }

    #[test]
    fn a_scheme_names_each_fault_and_its_leaves_take_group_points() {
        let json = r#"{
            "groups": [{"name": "国家级开发区", "orgs": [1, 2], "points": {"gdp": "40"}},
                       {"name": "省级开发区", "orgs": [2, 3]}],
            "indicators": [
                {"key": "econ", "name": "经济发展"},
                {"key": "gdp", "name": "地区生产总值", "parent": "econ", "points": "30",
                 "method": {"kind": "completion", "cap": "1.2", "floor": null}, "source": {"kind": "entered"}},
                {"key": "bad", "name": "无来源", "parent": "gdp", "points": "5", "method": {"kind": "min_max"}}
            ],
            "tiers": {"advanced": 2, "improved_by": 3, "pass": "60"}
        }"#;
        let scheme: Scheme = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        let messages: Vec<String> =
            scheme.check().err().map(|i| i.errors.into_iter().map(|e| e.message).collect()).unwrap_or_default();
        assert!(messages.iter().any(|m| m.contains("上级“地区生产总值”是计分指标")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("“无来源”缺少数据来源")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("同时在“国家级开发区”和“省级开发区”")), "{messages:?}");
        let national = scheme.scored(&scheme.groups[0]);
        assert_eq!(national.iter().map(|(i, _)| (i.key.as_str(), i.points)).collect::<Vec<_>>(), [("gdp", d("40"))]);
        assert_eq!(scheme.scored(&scheme.groups[1])[0].0.points, d("30"));
        assert_eq!(year_total(YearEnd::Average, &[d("80"), d("90"), d("95")]), Some(d("88.33")));
        assert_eq!(year_total(YearEnd::LastMonth, &[d("80"), d("90")]), Some(d("90")));
    }

    #[test]
    fn tiers_follow_rank_rise_pass_mark_and_veto() {
        let rule = TierRule { advanced: 2, improved_by: 3, pass: d("60") };
        assert_eq!(tier(&rule, 1, 8, 0, d("90"), false), Tier::Advanced);
        assert_eq!(tier(&rule, 4, 8, 3, d("80"), false), Tier::Improved);
        assert_eq!(tier(&rule, 5, 8, 1, d("70"), false), Tier::Passed);
        assert_eq!(tier(&rule, 8, 8, 5, d("70"), false), Tier::Interview, "last");
        assert_eq!(tier(&rule, 3, 8, 0, d("59"), false), Tier::Interview, "below the pass mark");
        assert_eq!(tier(&rule, 1, 8, 0, d("99"), true), Tier::Interview, "vetoed");
    }
}
