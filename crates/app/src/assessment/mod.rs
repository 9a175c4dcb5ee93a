//! 考核排名 (assessment and ranking): the office defines a year's scheme
//! ([`qingdan_domain::assessment::Scheme`]), enters what Qingdan does not
//! hold, computes a month from the data (the one computation, [`App::compute_month`]),
//! and publishes it, frozen: a later correction is a new version, the old one
//! kept. Every org sees its own breakdown and rank (and the others' totals
//! when the scheme allows); leaders read everything; the three
//! administrators nothing. Every change to a scheme or an entered value is
//! in the audit trail (storage records it).

mod documents;
mod values;

pub use documents::movement_label;
pub use values::{MAX_VALUE_ROWS, ValueInput};

use crate::guards::require_business;
use crate::{App, AppError, Result};
use chrono::{NaiveDate, TimeZone};
use qingdan_domain::assessment::{OrgResult, Scheme, Source, Tier, score_group, tier, year_total};
use qingdan_domain::project::investment_rate;
use qingdan_domain::{Decimal, Invalid, OrgId, User};
use qingdan_storage::StoredScheme;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A scheme as typed: its year, name and JSON document.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SchemeInput {
    pub year: String,
    pub name: String,
    pub body: String,
}

/// A group's results for a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupResult {
    pub name: String,
    pub results: Vec<OrgResult>,
}

/// A month's results of a scheme, as computed and as published (frozen JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthResult {
    pub month: String,
    pub computed_on: NaiveDate,
    pub groups: Vec<GroupResult>,
    pub org_names: HashMap<OrgId, String>,
}

impl MonthResult {
    /// An org's group and result.
    pub fn of(&self, org: OrgId) -> Option<(&GroupResult, &OrgResult)> {
        self.groups.iter().find_map(|g| g.results.iter().find(|r| r.org_id == org).map(|r| (g, r)))
    }

    pub fn name(&self, org: OrgId) -> &str {
        self.org_names.get(&org).map_or("", String::as_str)
    }

    /// When the month was computed after it ended, what its figures stand
    /// for: key projects, 督办 and late reports as at the month's end; task
    /// progress, the share on track and the list's targets as on the day it
    /// was computed (their history is not kept). `None` within the month.
    pub fn basis(&self) -> Option<String> {
        let (year, month) = check_month(&self.month).ok()?;
        (self.computed_on > month_end(year, month)).then(|| {
            format!(
                "本结果计算于{}，晚于{}月末：重点项目按{}月末前通过的半月报计（项目登记时填报的本年完成额计入每个月），\
                 督办事项和逾期未报按{}月末的情况计；任务进展、按期推进率和清单目标的完成值按计算当日的数据计。",
                self.computed_on, self.month, self.month, self.month
            )
        })
    }
}

/// A published month as a reader sees it.
#[derive(Debug, Clone)]
pub struct MonthView {
    pub scheme: StoredScheme,
    pub version: i64,
    pub versions: Vec<i64>,
    pub result: MonthResult,
    /// Places moved since the previous published month (positive: 前移), per org.
    pub movement: HashMap<OrgId, i64>,
    /// Whether the reader sees every org's breakdown (the office, leaders).
    pub full: bool,
}

/// A year's end for one org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearLine {
    pub org_id: OrgId,
    pub name: String,
    pub group: String,
    pub months: usize,
    pub total: Decimal,
    pub rank: usize,
    pub rose: i64,
    pub vetoed: bool,
    pub tier: Tier,
}

/// The office only.
fn require_office(user: &User) -> Result<()> {
    if user.role.can_supervise() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// `YYYY-MM`, or a field error.
pub(crate) fn check_month(text: &str) -> Result<(i32, u32)> {
    let bad = || AppError::field("month", "not_a_month", "考核月份应写作 YYYY-MM，如 2026-05");
    let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) || text.trim().len() != 7 {
        return Err(bad());
    }
    Ok((y, m))
}

/// `YYYY-MM` of the scheme's `year`, or a field error: a month of another
/// year would enter the scheme's 年度结果 and its 位次变化.
pub(crate) fn scheme_month(year: i64, text: &str) -> Result<(i32, u32)> {
    let (y, m) = check_month(text)?;
    if i64::from(y) != year {
        return Err(AppError::field(
            "month",
            "other_year",
            format!("本方案为{year}年度方案，考核月份应在{year}-01至{year}-12之间"),
        ));
    }
    Ok((y, m))
}

fn month_end(year: i32, month: u32) -> NaiveDate {
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    next.and_then(|d| d.pred_opt()).unwrap_or_default()
}

fn percent(part: i64, whole: i64) -> Option<Decimal> {
    (whole > 0).then(|| (Decimal::from(part * 100) / Decimal::from(whole)).round_dp(2))
}

impl App {
    /// Parses a stored scheme's document.
    fn parse_scheme(stored: &StoredScheme) -> Result<Scheme> {
        serde_json::from_str(&stored.body).map_err(|e| AppError::Internal(format!("scheme {}: {e}", stored.id)))
    }

    /// Checks a typed scheme: a year, a name and a document that reads and checks.
    async fn check_scheme(&self, user: &User, input: &SchemeInput) -> Result<(i32, String, String)> {
        let mut invalid = Invalid::new();
        let name = invalid.text("name", "方案名称", &input.name, 100);
        let year = match crate::input::half_width(&input.year).parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            _ => {
                invalid.add("year", "out_of_range", "考核年度应为2000到2100之间的年份");
                0
            }
        };
        let scheme: Option<Scheme> = match serde_json::from_str(&input.body) {
            Ok(s) => Some(s),
            Err(e) => {
                invalid.add(
                    "body",
                    "json",
                    format!("方案内容不是有效的方案格式（第{}行第{}列）：{e}", e.line(), e.column()),
                );
                None
            }
        };
        if let Some(scheme) = &scheme {
            if let Err(faults) = scheme.check() {
                invalid.errors.extend(faults.errors);
            }
            let orgs = self.store.orgs(user.tenant_id).await?;
            for org in scheme.groups.iter().flat_map(|g| &g.orgs) {
                if !orgs.iter().any(|o| o.id == *org) {
                    invalid.add("body", "org", format!("单位（编号{org}）不存在"));
                }
            }
        }
        invalid.into_result()?;
        let body = serde_json::to_string_pretty(&scheme).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok((year, name, body))
    }

    /// Defines a scheme (the office). Returns its id.
    pub async fn create_scheme(&self, user: &User, input: &SchemeInput) -> Result<i64> {
        require_office(user)?;
        let (year, name, body) = self.check_scheme(user, input).await?;
        Ok(self.store.create_scheme(user.tenant_id, year, &name, &body, self.actor(user)).await?)
    }

    /// Changes a scheme (the office); published months keep what they were published with.
    pub async fn update_scheme(&self, user: &User, id: i64, input: &SchemeInput) -> Result<()> {
        require_office(user)?;
        let (_, name, body) = self.check_scheme(user, input).await?;
        Ok(self.store.update_scheme(user.tenant_id, id, &name, &body, self.actor(user)).await?)
    }

    /// The tenant's schemes (every business user: what they may see of each is decided per month).
    pub async fn schemes(&self, user: &User) -> Result<Vec<StoredScheme>> {
        require_business(user)?;
        Ok(self.store.schemes(user.tenant_id).await?)
    }

    /// A scheme and its document.
    pub async fn scheme(&self, user: &User, id: i64) -> Result<(StoredScheme, Scheme)> {
        require_business(user)?;
        let stored = self.store.scheme(user.tenant_id, id).await?.ok_or(AppError::NotFound("考核方案"))?;
        let scheme = Self::parse_scheme(&stored)?;
        Ok((stored, scheme))
    }

    /// Computes a month of a scheme from the data as it stands (the office: a
    /// preview before publishing).
    pub async fn compute_month(&self, user: &User, id: i64, month: &str) -> Result<MonthResult> {
        require_office(user)?;
        let (stored, scheme) = self.scheme(user, id).await?;
        self.compute(user.tenant_id, &stored, &scheme, month).await
    }

    async fn compute(
        &self,
        tenant: qingdan_domain::TenantId,
        stored: &StoredScheme,
        scheme: &Scheme,
        month: &str,
    ) -> Result<MonthResult> {
        let (year, m) = scheme_month(stored.year, month)?;
        let year_of_scheme = year;
        let sources: Vec<Source> = scheme.indicators.iter().filter_map(|i| i.source).collect();
        let mut values: HashMap<String, HashMap<OrgId, Decimal>> = HashMap::new();
        let mut targets: HashMap<String, HashMap<OrgId, Decimal>> = HashMap::new();
        let by_source = self.source_values(tenant, stored.id, year_of_scheme, year, m, &sources).await?;
        for ind in &scheme.indicators {
            let Some(source) = ind.source else { continue };
            if let Some((of, own)) = by_source.get(&source_key(&source, &ind.key)) {
                values.insert(ind.key.clone(), of.clone());
                if !own.is_empty() {
                    targets.insert(ind.key.clone(), own.clone());
                }
            }
        }
        let orgs = self.store.orgs(tenant).await?;
        let groups = scheme
            .groups
            .iter()
            .map(|g| {
                let scored: Vec<_> = scheme.scored(g).into_iter().map(|(i, _)| i).collect();
                GroupResult { name: g.name.clone(), results: score_group(&scored, &g.orgs, &values, &targets) }
            })
            .collect();
        Ok(MonthResult {
            month: month.trim().to_owned(),
            computed_on: self.clock.today(),
            groups,
            org_names: orgs.into_iter().map(|o| (o.id, o.name)).collect(),
        })
    }

    /// Each source's values (and own targets) per org, keyed by [`source_key`].
    async fn source_values(
        &self,
        tenant: qingdan_domain::TenantId,
        scheme: i64,
        plan_year: i32,
        year: i32,
        month: u32,
        sources: &[Source],
    ) -> Result<HashMap<String, (HashMap<OrgId, Decimal>, HashMap<OrgId, Decimal>)>> {
        let mut out = HashMap::new();
        let today = self.clock.today();
        let end = month_end(year, month);
        let month_text = format!("{year:04}-{month:02}");
        if sources.contains(&Source::Entered) {
            for v in self.store.assessment_values(tenant, scheme, &month_text).await? {
                let (values, own): &mut (HashMap<OrgId, Decimal>, HashMap<OrgId, Decimal>) =
                    out.entry(format!("entered:{}", v.indicator)).or_default();
                if let Some(value) = v.value {
                    values.insert(v.org_id, value);
                }
                if let Some(target) = v.target {
                    own.insert(v.org_id, target);
                }
            }
        }
        if sources.iter().any(|s| matches!(s, Source::TaskProgress | Source::OnTrack)) {
            let figures = self.store.org_task_figures(tenant, plan_year).await?;
            let progress =
                figures.iter().filter_map(|f| percent(f.percent_sum, f.leaves * 100).map(|p| (OrgId(f.org_id), p)));
            out.insert("task_progress".into(), (progress.collect(), HashMap::new()));
            let on_track = figures.iter().filter_map(|f| percent(f.on_track, f.leaves).map(|p| (OrgId(f.org_id), p)));
            out.insert("on_track".into(), (on_track.collect(), HashMap::new()));
        }
        if sources.iter().any(|s| matches!(s, Source::MattersOnTime | Source::MattersOverdue)) {
            let figures = self.store.org_matter_figures(tenant, today.min(end)).await?;
            let on_time =
                figures.iter().filter_map(|f| percent(f.closed_on_time, f.closed).map(|p| (OrgId(f.org_id), p)));
            out.insert("matters_on_time".into(), (on_time.collect(), HashMap::new()));
            let overdue = figures.iter().map(|f| (OrgId(f.org_id), Decimal::from(f.open_overdue)));
            out.insert("matters_overdue".into(), (overdue.collect(), HashMap::new()));
        }
        if sources.contains(&Source::LateReports) {
            let until = crate::beijing().from_local_datetime(&end.and_hms_opt(23, 59, 59).unwrap_or_default());
            let until = until.single().map(|t| t.with_timezone(&chrono::Utc)).unwrap_or_else(chrono::Utc::now);
            let late = self.store.org_late_reports(tenant, plan_year, &month_text, until).await?;
            let mut values: HashMap<OrgId, Decimal> = HashMap::new();
            for f in self.store.org_task_figures(tenant, plan_year).await? {
                values.insert(OrgId(f.org_id), Decimal::ZERO);
            }
            for (org, n) in late {
                values.insert(OrgId(org), Decimal::from(n));
            }
            out.insert("late_reports".into(), (values, HashMap::new()));
        }
        if sources.iter().any(|s| matches!(s, Source::ProjectRate | Source::ProjectStarts)) {
            let mut sums: HashMap<OrgId, (Decimal, Decimal, i64, i64)> = HashMap::new();
            // The projects of the scheme's 计划年度 (as the 项目作战图 sums them):
            // next year's, registered early, are not this year's to rate. As
            // they stood at the month's end: a past month published late is
            // rated on what was done by then.
            for row in self.store.project_figure_rows(tenant, year, today.min(end)).await? {
                let mut orgs: Vec<OrgId> = row.orgs.iter().flatten().copied().collect();
                orgs.dedup();
                for org in orgs {
                    let s = sums.entry(org).or_default();
                    s.0 += row.year_plan;
                    s.1 += row.done_year;
                    if row.planned_start.is_some_and(|d| d <= end) {
                        s.2 += 1;
                        s.3 += i64::from(row.started);
                    }
                }
            }
            let rate = sums.iter().map(|(o, s)| (*o, Decimal::from(investment_rate(s.1, s.0))));
            out.insert("project_rate".into(), (rate.collect(), HashMap::new()));
            let starts = sums.iter().filter_map(|(o, s)| percent(s.3, s.2).map(|p| (*o, p)));
            out.insert("project_starts".into(), (starts.collect(), HashMap::new()));
        }
        for source in sources {
            if let Source::Target { target_id } = source
                && let Some((Some(org), value, actual)) = self.store.target_figures(tenant, *target_id).await?
            {
                let values = actual.map(|a| HashMap::from([(org, a)])).unwrap_or_default();
                out.insert(format!("target:{target_id}"), (values, HashMap::from([(org, value)])));
            }
        }
        Ok(out)
    }

    /// Publishes a month (the office): computed now and frozen as the next
    /// version; each org in the scheme is told in its inbox. Returns the version.
    pub async fn publish_month(&self, user: &User, id: i64, month: &str, note: &str) -> Result<i64> {
        require_office(user)?;
        let (stored, scheme) = self.scheme(user, id).await?;
        let (year, m) = scheme_month(stored.year, month)?;
        if NaiveDate::from_ymd_opt(year, m, 1).is_some_and(|first| first > self.clock.today()) {
            return Err(AppError::field("month", "not_begun", format!("{}尚未开始，不能发布", month.trim())));
        }
        let result = self.compute(user.tenant_id, &stored, &scheme, month).await?;
        let mut invalid = Invalid::new();
        let note = invalid.optional_text("note", "发布说明", note, 500);
        invalid.into_result()?;
        let body = serde_json::to_string(&result).map_err(|e| AppError::Internal(e.to_string()))?;
        let version =
            self.store.publish_results(user.tenant_id, id, &result.month, &body, &note, self.actor(user)).await?;
        for group in &result.groups {
            for r in &group.results {
                let title = format!("{}{}考核结果已发布", stored.name, result.month);
                let body = format!("你单位在“{}”组得分{}，排名第{}位。", group.name, r.total, r.rank);
                let key = format!("assessment-{id}-{}-v{version}", result.month);
                let link = format!("/assessment/{id}/{}", result.month);
                self.tell_org(user.tenant_id, r.org_id, &key, &title, &body, &link).await;
            }
        }
        Ok(version)
    }

    /// A published month as `user` may see it (version: the latest when `None`).
    pub async fn published_month(&self, user: &User, id: i64, month: &str, version: Option<i64>) -> Result<MonthView> {
        require_business(user)?;
        check_month(month)?;
        let (stored, scheme) = self.scheme(user, id).await?;
        let publication = self
            .store
            .publication(user.tenant_id, id, month.trim(), version)
            .await?
            .ok_or(AppError::NotFound("已发布的考核结果"))?;
        let mut result: MonthResult =
            serde_json::from_str(&publication.body).map_err(|e| AppError::Internal(e.to_string()))?;
        let all = self.store.publications(user.tenant_id, id).await?;
        let versions = all.iter().filter(|p| p.0 == result.month).map(|p| p.1).collect();
        let previous_month =
            all.iter().map(|p| p.0.clone()).filter(|m| *m < result.month && scheme_month(stored.year, m).is_ok()).max();
        let mut movement = HashMap::new();
        if let Some(previous) = previous_month
            && let Some(p) = self.store.publication(user.tenant_id, id, &previous, None).await?
            && let Ok(before) = serde_json::from_str::<MonthResult>(&p.body)
        {
            for group in &result.groups {
                for r in &group.results {
                    if let Some((_, b)) = before.of(r.org_id) {
                        movement.insert(r.org_id, b.rank as i64 - r.rank as i64);
                    }
                }
            }
        }
        let full = user.role.reads_whole_tenant();
        if !full {
            let Some((group, _)) = result.of(user.org_id) else { return Err(AppError::Forbidden) };
            let group_name = group.name.clone();
            result.groups.retain(|g| g.name == group_name);
            for g in &mut result.groups {
                g.results.retain(|r| scheme.show_others || r.org_id == user.org_id);
                for r in &mut g.results {
                    if r.org_id != user.org_id {
                        r.lines.clear();
                    }
                }
            }
        }
        Ok(MonthView { scheme: stored, version: publication.version, versions, result, movement, full })
    }

    /// The published months of a scheme, oldest first: (month, version,
    /// note, when), every version listed.
    pub async fn published_months(
        &self,
        user: &User,
        id: i64,
    ) -> Result<Vec<(String, i64, String, chrono::DateTime<chrono::Utc>)>> {
        self.scheme(user, id).await?;
        Ok(self.store.publications(user.tenant_id, id).await?)
    }

    /// The publications of a scheme (month, version) that `user` may open,
    /// by the test of [`App::published_month`]: every one for the office and
    /// leaders, else those whose result ranks the user's org (a scheme's
    /// groups may have changed since a month was published).
    pub async fn openable_publications(&self, user: &User, id: i64) -> Result<HashSet<(String, i64)>> {
        let all = self.published_months(user, id).await?;
        let mut open = HashSet::new();
        for (month, version, _, _) in all {
            if !user.role.reads_whole_tenant() {
                let Some(p) = self.store.publication(user.tenant_id, id, &month, Some(version)).await? else {
                    continue;
                };
                let result: MonthResult =
                    serde_json::from_str(&p.body).map_err(|e| AppError::Internal(e.to_string()))?;
                if result.of(user.org_id).is_none() {
                    continue;
                }
            }
            open.insert((month, version));
        }
        Ok(open)
    }

    /// The newest published month of the newest scheme with one, as `user`
    /// may see it: the ranking on the battle map. `None` when nothing is
    /// published or the user is in no group of that scheme.
    pub async fn latest_ranking(&self, user: &User) -> Result<Option<MonthView>> {
        let mut schemes = self.schemes(user).await?;
        schemes.sort_by(|a, b| b.year.cmp(&a.year).then(b.id.cmp(&a.id)));
        for scheme in schemes {
            let Some(month) = self.store.publications(user.tenant_id, scheme.id).await?.pop().map(|p| p.0) else {
                continue;
            };
            return match self.published_month(user, scheme.id, &month, None).await {
                Ok(view) => Ok(Some(view)),
                Err(AppError::Forbidden) => Ok(None),
                Err(other) => Err(other),
            };
        }
        Ok(None)
    }

    /// The year's end of a scheme from its published months (latest version of
    /// each), by the scheme's rule, with each org's tier (the office and leaders).
    pub async fn year_end(&self, user: &User, id: i64) -> Result<Vec<YearLine>> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let (stored, scheme) = self.scheme(user, id).await?;
        // Only the scheme's own year: a month of another year could be
        // published before publishing checked it.
        let mut months: Vec<String> = self
            .store
            .publications(user.tenant_id, id)
            .await?
            .into_iter()
            .map(|p| p.0)
            .filter(|month| scheme_month(stored.year, month).is_ok())
            .collect();
        months.dedup();
        let mut results = Vec::new();
        for month in &months {
            if let Some(p) = self.store.publication(user.tenant_id, id, month, None).await? {
                results
                    .push(serde_json::from_str::<MonthResult>(&p.body).map_err(|e| AppError::Internal(e.to_string()))?);
            }
        }
        let names: HashMap<OrgId, String> = results.last().map(|r| r.org_names.clone()).unwrap_or_default();
        let mut lines = Vec::new();
        for group in &scheme.groups {
            let mut group_lines: Vec<YearLine> = group
                .orgs
                .iter()
                .filter_map(|org| {
                    let of: Vec<&OrgResult> = results.iter().filter_map(|r| r.of(*org).map(|(_, x)| x)).collect();
                    let totals: Vec<Decimal> = of.iter().map(|x| x.total).collect();
                    let total = year_total(scheme.year_end, &totals)?;
                    Some(YearLine {
                        org_id: *org,
                        name: names.get(org).cloned().unwrap_or_default(),
                        group: group.name.clone(),
                        months: of.len(),
                        total,
                        rank: 0,
                        rose: of.first().map(|x| x.rank as i64).unwrap_or(0),
                        vetoed: of.iter().any(|x| x.vetoed.is_some()),
                        tier: Tier::Passed,
                    })
                })
                .collect();
            group_lines
                .sort_by(|a, b| a.vetoed.cmp(&b.vetoed).then(b.total.cmp(&a.total)).then(a.org_id.cmp(&b.org_id)));
            let of = group_lines.len();
            for (i, line) in group_lines.iter_mut().enumerate() {
                line.rank = i + 1;
                line.rose -= line.rank as i64;
                line.tier = tier(&scheme.tiers, line.rank, of, line.rose, line.total, line.vetoed);
            }
            lines.extend(group_lines);
        }
        Ok(lines)
    }
}

/// Where a source's values are kept in [`App::source_values`].
fn source_key(source: &Source, indicator: &str) -> String {
    match source {
        Source::Entered => format!("entered:{indicator}"),
        Source::TaskProgress => "task_progress".into(),
        Source::OnTrack => "on_track".into(),
        Source::MattersOnTime => "matters_on_time".into(),
        Source::MattersOverdue => "matters_overdue".into(),
        Source::LateReports => "late_reports".into(),
        Source::ProjectRate => "project_rate".into(),
        Source::ProjectStarts => "project_starts".into(),
        Source::Target { target_id } => format!("target:{target_id}"),
    }
}
