//! 重点项目 (key projects) of the project database (项目数据库): their stages,
//! the half-monthly periods they report on, their blockers (堵点) and the
//! rule that lights them.
//!
//! # 亮灯 (light) of a project
//!
//! From the most to the least severe, the first that holds:
//!
//! 1. 已完成 (done): the project is 竣工投产 or 达产;
//! 2. 逾期 (overdue): its planned completion date has passed;
//! 3. 红灯 (red): its planned start date has passed and it has not started,
//!    or one of its 前期手续 is past its deadline and not done, or its
//!    投资完成率 is behind 序时进度 by more than the tenant's `red_gap`;
//! 4. 黄灯 (yellow): behind by more than `yellow_gap`;
//! 5. 绿灯 (green): otherwise.
//!
//! 投资完成率 (investment rate) = 本年完成投资 ÷ 年度计划投资, in whole percent
//! rounded down (100 when nothing is planned for the year). 序时进度 is the
//! share of the project's year elapsed, as for tasks ([`time_progress`] from
//! 1 January to 31 December). The thresholds are the tenant's 亮灯规则, the
//! same as for tasks ([`StatusRules`]).

use crate::ids::{OrgId, ProjectId, TaskId, TenantId, UserId};
use crate::light::{Light, time_progress};
use crate::status::StatusRules;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An enum stored by its code and shown by its Chinese label.
macro_rules! labelled {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// By label or code, as offices write it in a ledger.
            pub fn parse(text: &str) -> Option<$name> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| v.label() == text || v.code() == text)
            }
        }
    };
}

labelled! {
    /// 项目阶段: the life of a project, in order.
    Stage {
        Planning = "planning", "谋划";
        Signed = "signed", "签约";
        Started = "started", "开工";
        Building = "building", "在建";
        Completed = "completed", "竣工投产";
        Producing = "producing", "达产";
    }
}

labelled! {
    /// 三个一批: the batch a project joins this year.
    Batch {
        Signing = "signing", "签约一批";
        Starting = "starting", "开工一批";
        Commissioning = "commissioning", "投产一批";
    }
}

labelled! {
    /// 建设性质
    Nature {
        New = "new", "新建";
        Continuing = "continuing", "续建";
    }
}

labelled! {
    /// 项目类型
    Category {
        Industry = "industry", "产业";
        Infrastructure = "infrastructure", "基础设施";
        Livelihood = "livelihood", "民生";
        Ecology = "ecology", "生态环保";
        Other = "other", "其他";
    }
}

labelled! {
    /// 项目级别
    Level {
        Province = "province", "省重点";
        City = "city", "市重点";
        County = "county", "县重点";
    }
}

labelled! {
    /// 堵点类型 (要素保障)
    FactorKind {
        Land = "land", "用地";
        Energy = "energy", "用能";
        Water = "water", "用水";
        Funds = "funds", "资金";
        Approval = "approval", "审批";
        Demolition = "demolition", "拆迁";
        Other = "other", "其他";
    }
}

labelled! {
    /// 协调层级: who coordinates a blocker, raised one step when it is overdue.
    Coordination {
        County = "county", "县级协调";
        CityLeader = "city_leader", "市分管领导协调";
        Meeting = "meeting", "调度会协调";
        CityGovernment = "city_government", "市政府协调";
    }
}

labelled! {
    /// 堵点状态
    FactorStatus {
        Open = "open", "待解决";
        Solved = "solved", "已解决待确认";
        Closed = "closed", "已销号";
    }
}

labelled! {
    /// 项目进展报送的审核状态
    ProjectReportStatus {
        Submitted = "submitted", "待审核";
        Accepted = "accepted", "已通过";
        Returned = "returned", "已退回";
    }
}

impl Stage {
    /// 竣工投产 or 达产: nothing is left to build.
    pub fn is_done(self) -> bool {
        self >= Stage::Completed
    }

    /// Work has begun on site.
    pub fn has_started(self) -> bool {
        self >= Stage::Started
    }
}

impl Coordination {
    /// The next level up; the top stays where it is.
    pub fn raised(self) -> Coordination {
        match self {
            Coordination::County => Coordination::CityLeader,
            Coordination::CityLeader => Coordination::Meeting,
            Coordination::Meeting | Coordination::CityGovernment => Coordination::CityGovernment,
        }
    }
}

/// 落实情况 of a 调度会's 议定事项 (decision): one state each, the same
/// words on the agenda, the meeting's page and the 纪要, counted by the
/// 纪要's sentence from these and nothing else.
///
/// Serialized as its label: the agendas kept with meetings hold it so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DecisionState {
    /// Not yet a 督办 matter, its 完成时限 not past.
    #[serde(rename = "未转督办")]
    Unassigned,
    /// Not yet a 督办 matter and its 完成时限 past.
    #[serde(rename = "未转督办，已逾期")]
    UnassignedOverdue,
    /// Its matter is open, the 完成时限 not past.
    #[serde(rename = "办理中")]
    InProgress,
    /// Its matter is open and the 完成时限 past.
    #[serde(rename = "已逾期")]
    Overdue,
    /// Its matter is closed (办结).
    #[serde(rename = "已办结")]
    Done,
}

impl DecisionState {
    pub const ALL: [DecisionState; 5] = [
        DecisionState::Done,
        DecisionState::InProgress,
        DecisionState::Overdue,
        DecisionState::Unassigned,
        DecisionState::UnassignedOverdue,
    ];

    /// Where a decision due on `deadline` stands on `today`, from the status
    /// of its 督办 matter (`None`: not made one). The matter is due to be
    /// solved by the decision's deadline, so an open one past it is overdue.
    pub fn of(matter: Option<crate::assignment::AssignmentStatus>, deadline: NaiveDate, today: NaiveDate) -> Self {
        let late = deadline < today;
        match matter {
            None if late => DecisionState::UnassignedOverdue,
            None => DecisionState::Unassigned,
            Some(s) if s.is_closed() => DecisionState::Done,
            Some(_) if late => DecisionState::Overdue,
            Some(_) => DecisionState::InProgress,
        }
    }

    /// The words of the agenda and of the 纪要's table.
    pub fn label(self) -> &'static str {
        match self {
            DecisionState::Unassigned => "未转督办",
            DecisionState::UnassignedOverdue => "未转督办，已逾期",
            DecisionState::InProgress => "办理中",
            DecisionState::Overdue => "已逾期",
            DecisionState::Done => "已办结",
        }
    }

    pub fn is_done(self) -> bool {
        self == DecisionState::Done
    }

    /// Past its 完成时限 and not done, whether a matter or not.
    pub fn is_overdue(self) -> bool {
        matches!(self, DecisionState::Overdue | DecisionState::UnassignedOverdue)
    }

    /// Not yet a 督办 matter.
    pub fn is_unassigned(self) -> bool {
        matches!(self, DecisionState::Unassigned | DecisionState::UnassignedOverdue)
    }
}

/// What an office registers and edits of a key project (everything but its
/// id, its completed figures and its light).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFields {
    pub name: String,
    /// 项目代码 (统一项目代码), may be empty.
    pub code: String,
    pub nature: Nature,
    pub category: Category,
    /// 所属行业
    pub industry: String,
    /// 所属县区: an org of kind county or district.
    pub county_org_id: Option<OrgId>,
    /// 所属开发区: an org of kind dev_zone.
    pub zone_org_id: Option<OrgId>,
    pub location: String,
    /// 业主单位: its reporters report on the project.
    pub owner_org_id: OrgId,
    /// 建设规模及内容
    pub scale: String,
    /// 总投资, 万元
    pub total_investment: Decimal,
    /// 资金来源
    pub funding: String,
    /// The year of 年度计划投资 and 本年完成.
    pub year: i32,
    /// 年度计划投资, 万元
    pub year_plan: Decimal,
    /// 累计完成投资 (自开工) when registered, before any report in Qingdan.
    pub base_total: Decimal,
    /// 本年完成投资 when registered.
    pub base_year: Decimal,
    pub planned_start: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub planned_completion: Option<NaiveDate>,
    pub actual_completion: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    pub producing_on: Option<NaiveDate>,
    pub stage: Stage,
    pub batch: Option<Batch>,
    pub level: Level,
    /// 形象进度
    pub progress_text: String,
    /// 包联领导: a leader of the tenant.
    pub liaison_leader_id: Option<UserId>,
    /// 牵头单位
    pub lead_org_id: Option<OrgId>,
    /// 责任人
    pub responsible: String,
    /// The task of the list the project serves, if any.
    pub task_id: Option<TaskId>,
}

/// 重点项目: a project of the project database with its figures and light.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyProject {
    pub id: ProjectId,
    pub tenant_id: TenantId,
    pub fields: ProjectFields,
    /// 累计完成投资: the registered base plus every accepted report.
    pub done_total: Decimal,
    /// 本年完成投资: the registered base plus the accepted reports of `year`.
    pub done_year: Decimal,
    pub light: Light,
    /// 投资完成率, percent.
    pub rate: i64,
    /// Points 投资完成率 is behind 序时进度 (negative when ahead).
    pub gap: i64,
    /// Why the light is what it is, joined by `；` (empty when green).
    pub reasons: String,
}

impl ProjectFields {
    /// Whether `org` is the project's owner, county, zone or lead org.
    pub fn involves(&self, org: OrgId) -> bool {
        self.owner_org_id == org
            || self.county_org_id == Some(org)
            || self.zone_org_id == Some(org)
            || self.lead_org_id == Some(org)
    }
}

/// The 前期手续 a tenant offers when none are configured.
pub const DEFAULT_PREWORK_KINDS: [&str; 8] =
    ["立项", "用地预审", "规划选址", "环评", "能评", "规划许可", "施工图审查", "施工许可"];

/// The half-month a date falls in: its first day, the 1st or the 16th.
pub fn half_month_start(date: NaiveDate) -> NaiveDate {
    let day = if date.day() >= 16 { 16 } else { 1 };
    date.with_day(day).unwrap_or(date)
}

/// The last day of the half-month starting `start`.
pub fn half_month_end(start: NaiveDate) -> NaiveDate {
    if start.day() < 16 {
        start.with_day(15).unwrap_or(start)
    } else {
        let next = if start.month() == 12 {
            NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(start)
    }
}

/// A half-month as offices name it: 2026年3月上半月.
pub fn half_month_label(start: NaiveDate) -> String {
    let half = if start.day() < 16 { "上半月" } else { "下半月" };
    format!("{}年{}月{half}", start.year(), start.month())
}

/// 投资完成率: `done` of `planned`, whole percent rounded down, at least 0;
/// 100 when nothing is planned.
pub fn investment_rate(done: Decimal, planned: Decimal) -> i64 {
    if planned <= Decimal::ZERO {
        return 100;
    }
    let percent = (done * Decimal::from(100) / planned).floor();
    i64::try_from(percent).unwrap_or(if percent > Decimal::ZERO { i64::MAX } else { 0 }).max(0)
}

/// 序时进度 of year `year` on `today`: the share of its days elapsed.
pub fn year_time_progress(year: i32, today: NaiveDate) -> i64 {
    match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
        (Some(start), Some(end)) => time_progress(start, end, today),
        _ => 0,
    }
}

/// What the light of a project is worked out from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LightInput {
    pub stage: Stage,
    pub year: i32,
    pub year_plan: Decimal,
    pub year_done: Decimal,
    pub planned_start: Option<NaiveDate>,
    pub planned_completion: Option<NaiveDate>,
    /// How many of its 前期手续 are past their deadline and not done.
    pub overdue_prework: i64,
}

/// A project's light and the reasons for it, in words (empty when green or done).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectLight {
    pub light: Light,
    pub rate: i64,
    pub time: i64,
    pub reasons: Vec<String>,
}

impl ProjectLight {
    /// How far 投资完成率 is behind 序时进度, in points (negative when ahead).
    pub fn gap(&self) -> i64 {
        self.time - self.rate
    }
}

/// The light of a project on `today` under the tenant's `rules` (module doc).
pub fn project_light(input: &LightInput, rules: &StatusRules, today: NaiveDate) -> ProjectLight {
    let rate = investment_rate(input.year_done, input.year_plan);
    let time = year_time_progress(input.year, today);
    let mut reasons = Vec::new();
    let light = if input.stage.is_done() {
        Light::Done
    } else if input.planned_completion.is_some_and(|d| d < today) {
        reasons.push("已过计划竣工时间仍未竣工".to_owned());
        Light::Overdue
    } else {
        let by_rate = rules.light_of(rate, time, false);
        if matches!(by_rate, Light::Red | Light::Yellow) {
            reasons.push(format!("投资完成率{rate}%，落后序时进度{}个百分点", time - rate));
        }
        let late_start = input.planned_start.is_some_and(|d| d < today) && !input.stage.has_started();
        if late_start {
            reasons.push("已过计划开工时间仍未开工".to_owned());
        }
        if input.overdue_prework > 0 {
            reasons.push(format!("前期手续逾期{}项", input.overdue_prework));
        }
        if late_start || input.overdue_prework > 0 { Light::Red } else { by_rate }
    };
    ProjectLight { light, rate, time, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn a_decision_is_in_one_state_and_agendas_kept_with_its_label_read_back() {
        use crate::assignment::AssignmentStatus::{Closed, SignedFor};
        let (due, before, after) = (d("2026-07-10"), d("2026-07-10"), d("2026-07-11"));
        let cases = [
            (None, before, DecisionState::Unassigned),
            (None, after, DecisionState::UnassignedOverdue),
            (Some(SignedFor), before, DecisionState::InProgress),
            (Some(SignedFor), after, DecisionState::Overdue),
            (Some(Closed), after, DecisionState::Done),
        ];
        for (matter, today, state) in cases {
            assert_eq!(DecisionState::of(matter, due, today), state, "{matter:?} {today}");
        }
        // Agendas stored before the state was typed hold these words.
        for state in DecisionState::ALL {
            let json = format!("\"{}\"", state.label());
            assert_eq!(serde_json::to_string(&state).ok(), Some(json.clone()));
            assert_eq!(serde_json::from_str::<DecisionState>(&json).ok(), Some(state));
        }
    }

    fn input() -> LightInput {
        LightInput {
            stage: Stage::Building,
            year: 2026,
            year_plan: Decimal::from(10_000),
            year_done: Decimal::from(5_000),
            planned_start: Some(d("2025-03-01")),
            planned_completion: Some(d("2027-12-31")),
            overdue_prework: 0,
        }
    }

    #[test]
    fn half_months_split_on_the_sixteenth() {
        assert_eq!(half_month_start(d("2026-03-15")), d("2026-03-01"));
        assert_eq!(half_month_start(d("2026-03-16")), d("2026-03-16"));
        assert_eq!(half_month_end(d("2026-03-01")), d("2026-03-15"));
        assert_eq!(half_month_end(d("2026-02-16")), d("2026-02-28"));
        assert_eq!(half_month_end(d("2026-12-16")), d("2026-12-31"));
        assert_eq!(half_month_label(d("2026-12-16")), "2026年12月下半月");
    }

    #[test]
    fn investment_rate_rounds_down_and_counts_nothing_planned_as_done() {
        assert_eq!(investment_rate(Decimal::new(33_333, 0), Decimal::from(100_000)), 33);
        assert_eq!(investment_rate(Decimal::from(5), Decimal::ZERO), 100);
        assert_eq!(investment_rate(Decimal::from(-5), Decimal::from(100)), 0);
        assert_eq!(investment_rate(Decimal::from(150), Decimal::from(100)), 150);
    }

    #[test]
    fn a_project_on_time_is_green_and_one_far_behind_is_red() {
        // 2026-07-01: 181 of 364 days elapsed, time progress 49.
        let on_time = project_light(&input(), &StatusRules::default(), d("2026-07-01"));
        assert_eq!((on_time.light, on_time.rate, on_time.time), (Light::Green, 50, 49));
        assert!(on_time.reasons.is_empty());
        let behind = LightInput { year_done: Decimal::from(2_000), ..input() };
        let red = project_light(&behind, &StatusRules::default(), d("2026-07-01"));
        assert_eq!((red.light, red.gap()), (Light::Red, 29));
        assert_eq!(red.reasons, ["投资完成率20%，落后序时进度29个百分点"]);
        let slightly = LightInput { year_done: Decimal::from(4_500), ..input() };
        assert_eq!(project_light(&slightly, &StatusRules::default(), d("2026-07-01")).light, Light::Yellow);
    }

    #[test]
    fn missed_dates_and_overdue_procedures_turn_the_light_red_or_overdue() {
        let rules = StatusRules::default();
        let today = d("2026-07-02");
        let not_started = LightInput { stage: Stage::Signed, ..input() };
        let light = project_light(&not_started, &rules, today);
        assert_eq!(light.light, Light::Red);
        assert_eq!(light.reasons, ["已过计划开工时间仍未开工"]);
        let prework = LightInput { overdue_prework: 2, ..input() };
        assert_eq!(project_light(&prework, &rules, today).reasons, ["前期手续逾期2项"]);
        assert_eq!(project_light(&prework, &rules, today).light, Light::Red);
        let late = LightInput { planned_completion: Some(d("2026-06-30")), ..input() };
        assert_eq!(project_light(&late, &rules, today).light, Light::Overdue);
        let done = LightInput { stage: Stage::Completed, ..late };
        assert_eq!(project_light(&done, &rules, today).light, Light::Done);
    }

    #[test]
    fn codes_and_labels_round_trip_and_blockers_rise_one_level_at_a_time() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_code(stage.code()), Some(*stage));
            assert_eq!(Stage::parse(stage.label()), Some(*stage));
        }
        assert!(Stage::Building.has_started() && !Stage::Signed.has_started());
        assert_eq!(Coordination::County.raised(), Coordination::CityLeader);
        assert_eq!(Coordination::Meeting.raised(), Coordination::CityGovernment);
        assert_eq!(Coordination::CityGovernment.raised(), Coordination::CityGovernment);
    }
}
