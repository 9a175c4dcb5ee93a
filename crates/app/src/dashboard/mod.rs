//! 挂图作战 (the battle map): the leaders' overview of a plan.
//!
//! It counts the plan's working tasks — the leaves of its tree, where work is
//! reported — by light: in all, by section, by lead org and by lead leader;
//! it lists the red ones with the problems their newest report gave; and it
//! shows the counts month by month.
//!
//! The trend's months come from `light_snapshots`: every light refresh
//! rewrites the current month, and a past month with no snapshot (the server
//! was not running then, or the plan was imported later) is recounted once
//! as it stood at that month's end ([`App::work_on`]), under the tenant's
//! status rules of today. A past period's bulletin is reckoned the same way.

mod bulletins;

use crate::cache::Lookup;
use crate::status::WorkOn;
use crate::{App, AppError, Result};
use chrono::{Datelike, Months, NaiveDate};
use qingdan_domain::{Light, Plan, PlanId, StatusRules, TenantId, User};
use qingdan_storage::{DashboardGroup, ProgressTask, RedTask};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many tasks the red list shows; the plan page lists them all.
pub const RED_LIST_LIMIT: u32 = 100;

/// Counts of working tasks by light, and their summed progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    counts: BTreeMap<&'static str, i64>,
    percent_sum: i64,
}

impl Tally {
    fn add(&mut self, light: Light, count: i64) {
        *self.counts.entry(light.code()).or_default() += count;
    }

    fn add_group(&mut self, group: &DashboardGroup) {
        self.add(group.light, group.count);
        self.percent_sum += group.percent_sum;
    }

    pub fn of(&self, light: Light) -> i64 {
        self.counts.get(light.code()).copied().unwrap_or(0)
    }

    pub fn total(&self) -> i64 {
        self.counts.values().sum()
    }

    /// The mean work progress of the tasks counted, `None` when there are none.
    pub fn average_percent(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.percent_sum as f64 / total as f64)
    }

    /// Tasks that need a leader's attention: red, and any light worse than red.
    pub fn alarms(&self) -> i64 {
        Light::ALL.into_iter().filter(|l| l.is_alarm()).map(|l| self.of(l)).sum()
    }
}

/// One row of a breakdown: a section, an org or a leader, and its tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTally {
    /// The section's task id, the org's or the leader's id; `None` for 未指定.
    pub id: Option<i64>,
    pub name: String,
    pub tally: Tally,
}

/// Everything the battle map shows of one plan.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub plan: Plan,
    /// The day the lights are as of.
    pub today: NaiveDate,
    pub totals: Tally,
    pub by_section: Vec<GroupTally>,
    /// Lead orgs, most alarms first.
    pub by_org: Vec<GroupTally>,
    /// Lead leaders, most alarms first.
    pub by_leader: Vec<GroupTally>,
    /// `(YYYY-MM, tally)` from the plan year's first recorded month to now.
    pub trend: Vec<(String, Tally)>,
    /// Red working tasks in tree order, at most [`RED_LIST_LIMIT`].
    pub red_list: Vec<RedTask>,
}

impl App {
    /// The battle map of a plan, for leaders and the office; a reporter has
    /// 我的填报 instead and is refused.
    pub async fn dashboard(&self, user: &User, id: PlanId) -> Result<Arc<Dashboard>> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let plan = self.plan(user, id).await?;
        let key = (user.tenant_id, id);
        match self.dashboards.lookup(&key) {
            Lookup::Fresh(map) | Lookup::Stale(map) => return Ok(map),
            Lookup::Refresh => {}
        }
        // Maps are built one at a time: requests that find none wait for the
        // first one's instead of all grouping the plan at once.
        let _building = self.dashboard_builds.lock().await;
        if let Some(map) = self.dashboards.get(&key) {
            return Ok(map);
        }
        let map = Arc::new(self.build_dashboard(plan).await?);
        self.dashboards.put(key, map.clone());
        Ok(map)
    }

    async fn build_dashboard(&self, plan: Plan) -> Result<Dashboard> {
        let tenant = plan.tenant_id;
        let groups = self.store.dashboard_groups(tenant, plan.id).await?;
        let sections = self.store.sections(tenant, plan.id).await?;
        let alarms: Vec<Light> = Light::ALL.into_iter().filter(|l| l.is_alarm()).collect();
        let red_list = self.store.red_tasks(tenant, plan.id, &alarms, RED_LIST_LIMIT).await?;
        let mut totals = Tally::default();
        for group in &groups {
            totals.add_group(group);
        }
        let by_section = sections
            .iter()
            .map(|s| GroupTally {
                id: Some(s.id.0),
                name: format!("{}{}", s.number, s.title),
                tally: tally_where(&groups, |g| g.section_path == s.path),
            })
            .collect();
        let by_org = breakdown(&groups, |g| g.lead_org.as_ref().map(|(id, name)| (id.0, name.clone())));
        let by_leader = breakdown(&groups, |g| g.lead_leader.as_ref().map(|(id, name)| (id.0, name.clone())));
        let today = self.clock.today();
        let mut trend: Vec<(String, Tally)> = self
            .store
            .light_history(tenant, plan.id)
            .await?
            .into_iter()
            .fold(BTreeMap::<String, Tally>::new(), |mut months, (month, light, count)| {
                months.entry(month).or_default().add(light, count);
                months
            })
            .into_iter()
            .collect();
        let this_month = month_key(today);
        trend.retain(|(month, _)| *month < this_month);
        trend.push((this_month, totals.clone()));
        Ok(Dashboard { plan, today, totals, by_section, by_org, by_leader, trend, red_list })
    }

    /// Records this month's light counts of every plan of a tenant, and
    /// recounts the plan year's earlier months that have none.
    pub async fn record_light_history(&self, tenant: TenantId) -> Result<()> {
        let today = self.clock.today();
        for plan in self.store.plans(tenant).await? {
            let recorded: Vec<String> =
                self.store.light_history(tenant, plan.id).await?.into_iter().map(|(month, _, _)| month).collect();
            let missing: Vec<NaiveDate> =
                months_before(plan.year, today).into_iter().filter(|m| !recorded.contains(&month_key(*m))).collect();
            if !missing.is_empty() {
                self.recount_months(tenant, plan.id, &missing).await?;
            }
            let mut now = Tally::default();
            for group in self.store.dashboard_groups(tenant, plan.id).await? {
                now.add_group(&group);
            }
            self.save_tally(tenant, plan.id, today, &now).await?;
        }
        self.dashboards.clear();
        Ok(())
    }

    /// Counts past months' lights as they stood at each month's end
    /// ([`App::work_on`] and [`working_lights`]).
    async fn recount_months(&self, tenant: TenantId, plan: PlanId, months: &[NaiveDate]) -> Result<()> {
        let rules = self.store.status_rules(tenant).await?;
        for month in months {
            let end = month_end(*month);
            let work = self.work_on(tenant, plan, end).await?;
            let mut tally = Tally::default();
            for (_, _, light) in working_lights(&work, &rules, end) {
                tally.add(light, 1);
            }
            self.save_tally(tenant, plan, *month, &tally).await?;
        }
        Ok(())
    }

    /// Saves the tally of the month holding `day`.
    async fn save_tally(&self, tenant: TenantId, plan: PlanId, day: NaiveDate, tally: &Tally) -> Result<()> {
        let counts: Vec<(Light, i64)> = Light::ALL.into_iter().map(|l| (l, tally.of(l))).collect();
        Ok(self.store.save_light_snapshot(tenant, plan, &month_key(day), &counts).await?)
    }
}

/// Each working task of `work` (a leaf of the tree), with its work progress
/// and its light on `day` under `rules`, in tree order.
fn working_lights<'a>(
    work: &'a WorkOn,
    rules: &'a StatusRules,
    day: NaiveDate,
) -> impl Iterator<Item = (&'a ProgressTask, i64, Light)> + 'a {
    work.tree.iter().filter(|t| !work.has_children.contains(&t.id)).map(move |task| {
        let percent = work.work.get(&task.id).copied().unwrap_or(0);
        (task, percent, rules.light(percent, task.start_date, task.deadline, day))
    })
}

/// The first days of the months of `year` before the one holding `today`
/// (none in a later year's plan).
fn months_before(year: i32, today: NaiveDate) -> Vec<NaiveDate> {
    let last = if today.year() > year {
        12
    } else if today.year() == year {
        today.month() - 1
    } else {
        0
    };
    (1..=last).filter_map(|m| NaiveDate::from_ymd_opt(year, m, 1)).collect()
}

/// `YYYY-MM` of the month holding `day`, as the snapshots store it.
fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// The last day of the month holding `day`.
fn month_end(day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(day)
}

fn tally_where(groups: &[DashboardGroup], keep: impl Fn(&DashboardGroup) -> bool) -> Tally {
    let mut tally = Tally::default();
    for group in groups.iter().filter(|g| keep(g)) {
        tally.add_group(group);
    }
    tally
}

/// Tallies by the key `key_of` gives (`None` is 未指定), most alarms first.
fn breakdown(groups: &[DashboardGroup], key_of: impl Fn(&DashboardGroup) -> Option<(i64, String)>) -> Vec<GroupTally> {
    let mut rows: BTreeMap<Option<i64>, GroupTally> = BTreeMap::new();
    for group in groups {
        let key = key_of(group);
        let id = key.as_ref().map(|(id, _)| *id);
        let row = rows.entry(id).or_insert_with(|| GroupTally {
            id,
            name: key.map_or_else(|| "未指定".to_owned(), |(_, name)| name),
            tally: Tally::default(),
        });
        row.tally.add_group(group);
    }
    let mut rows: Vec<GroupTally> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        (b.tally.alarms(), b.tally.of(Light::Yellow), b.tally.total())
            .cmp(&(a.tally.alarms(), a.tally.of(Light::Yellow), a.tally.total()))
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn months_before_today_stop_at_the_plan_year() {
        let names = |v: Vec<NaiveDate>| v.into_iter().map(month_key).collect::<Vec<_>>();
        assert_eq!(names(months_before(2026, d("2026-03-15"))), ["2026-01", "2026-02"]);
        assert!(months_before(2026, d("2026-01-31")).is_empty());
        assert_eq!(months_before(2025, d("2026-03-15")).len(), 12);
        assert!(months_before(2027, d("2026-03-15")).is_empty());
    }

    #[test]
    fn month_ends_cross_the_year_and_leap_days() {
        assert_eq!(month_end(d("2024-02-10")), d("2024-02-29"));
        assert_eq!(month_end(d("2026-12-01")), d("2026-12-31"));
    }

    #[test]
    fn breakdowns_put_most_alarms_first_and_unassigned_last_name() {
        let group = |org: Option<i64>, light, count| DashboardGroup {
            section_path: "000001".into(),
            lead_org: org.map(|id| (qingdan_domain::OrgId(id), format!("单位{id}"))),
            lead_leader: None,
            light,
            count,
            percent_sum: 0,
        };
        let groups = [
            group(Some(1), Light::Green, 5),
            group(Some(2), Light::Red, 2),
            group(Some(2), Light::Green, 1),
            group(None, Light::Red, 1),
        ];
        let rows = breakdown(&groups, |g| g.lead_org.as_ref().map(|(id, n)| (id.0, n.clone())));
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["单位2", "未指定", "单位1"]);
        assert_eq!(rows[0].tally.of(Light::Red), 2);
        assert_eq!(rows[0].tally.total(), 3);
    }
}
