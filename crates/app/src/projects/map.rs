//! The projects map (项目作战图) for leaders: investment done against time by
//! county, industry and zone, the stage funnel of the 三个一批, and the red
//! list with its 堵点; and the 调度通报 (.docx) with the figures by county.
//!
//! Every figure is summed here, once, from the projects' stored figures:
//! 投资完成率 of a group = its 本年完成 ÷ its 年度计划投资
//! ([`investment_rate`]), so a group's rate is never a mean of rates.
//!
//! A map is of one 计划年度: a project registered in December for next year
//! has next year's plan, which is not this year's to sum.

use super::scope_of;
use crate::{App, Result};
use chrono::NaiveDate;
use qingdan_domain::project::{Batch, KeyProject, Stage, investment_rate, year_time_progress};
use qingdan_domain::{Decimal, Light, OrgId, TenantId, User};
use qingdan_storage::{FactorIssue, ProjectQuery, ProjectScope};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many projects the red list shows.
pub const RED_LIST: usize = 20;

/// The figures of a group of projects (a county, an industry, a zone, all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupFigures {
    pub name: String,
    pub projects: usize,
    pub total_investment: Decimal,
    pub year_plan: Decimal,
    pub year_done: Decimal,
    /// 投资完成率, percent of the group's sums.
    pub rate: i64,
    /// Projects lit red or overdue.
    pub red: usize,
}

impl GroupFigures {
    fn add(&mut self, p: &KeyProject) {
        self.projects += 1;
        self.total_investment += p.fields.total_investment;
        self.year_plan += p.fields.year_plan;
        self.year_done += p.done_year;
        self.red += usize::from(p.light.is_alarm());
        self.rate = investment_rate(self.year_done, self.year_plan);
    }
}

/// How many projects are at a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageCount {
    pub stage: Stage,
    pub count: usize,
}

/// A batch of the 三个一批: how many joined it and how many reached its stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCount {
    pub batch: Batch,
    pub planned: usize,
    pub reached: usize,
}

/// What the projects map shows.
#[derive(Debug, Clone)]
pub struct ProjectMap {
    /// The 计划年度 summed.
    pub year: i32,
    /// Every 计划年度 with projects the user may see, oldest first.
    pub years: Vec<i32>,
    pub as_of: NaiveDate,
    /// 序时进度 of the year today.
    pub time: i64,
    pub all: GroupFigures,
    pub by_county: Vec<GroupFigures>,
    pub by_industry: Vec<GroupFigures>,
    pub by_zone: Vec<GroupFigures>,
    pub funnel: Vec<StageCount>,
    pub batches: Vec<BatchCount>,
    pub lights: Vec<(Light, usize)>,
    /// Red and overdue projects, the furthest behind first, with their open 堵点.
    pub red: Vec<(KeyProject, Vec<FactorIssue>)>,
}

/// The stage a batch is reached at.
fn batch_stage(batch: Batch) -> Stage {
    match batch {
        Batch::Signing => Stage::Signed,
        Batch::Starting => Stage::Started,
        Batch::Commissioning => Stage::Completed,
    }
}

/// Adds `p` to the group `name` of `groups`.
fn add_to(groups: &mut BTreeMap<String, GroupFigures>, name: String, p: &KeyProject) {
    groups.entry(name.clone()).or_insert_with(|| GroupFigures { name, ..GroupFigures::default() }).add(p);
}

/// The 计划年度 a map opens on: the newest of `years` that has begun by
/// `today`; only future ones, the first of them; none, today's year.
pub fn default_map_year(years: &[i32], today: NaiveDate) -> i32 {
    let this_year = chrono::Datelike::year(&today);
    years.iter().rev().find(|y| **y <= this_year).or(years.first()).copied().unwrap_or(this_year)
}

/// The map's figures for 计划年度 `year` over the projects of that year in
/// `projects` on `today` (pure: the one place they are summed).
pub fn project_map(
    projects: &[KeyProject],
    org_name: &dyn Fn(Option<OrgId>) -> String,
    year: i32,
    today: NaiveDate,
) -> ProjectMap {
    let mut all = GroupFigures { name: "全部".to_owned(), ..GroupFigures::default() };
    let (mut county, mut industry, mut zone) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut stages = BTreeMap::new();
    let mut batches: BTreeMap<Batch, (usize, usize)> = BTreeMap::new();
    let mut lights: std::collections::HashMap<Light, usize> = std::collections::HashMap::new();
    for p in projects.iter().filter(|p| p.fields.year == year) {
        all.add(p);
        add_to(&mut county, or_unknown(org_name(p.fields.county_org_id), "未填县区"), p);
        add_to(&mut industry, or_unknown(p.fields.industry.clone(), "未填行业"), p);
        if p.fields.zone_org_id.is_some() {
            add_to(&mut zone, org_name(p.fields.zone_org_id), p);
        }
        *stages.entry(p.fields.stage).or_insert(0) += 1;
        if let Some(b) = p.fields.batch {
            let entry = batches.entry(b).or_insert((0, 0));
            entry.0 += 1;
            entry.1 += usize::from(p.fields.stage >= batch_stage(b));
        }
        *lights.entry(p.light).or_insert(0) += 1;
    }
    let mut by_industry: Vec<GroupFigures> = industry.into_values().collect();
    by_industry.sort_by(|a, b| b.year_plan.cmp(&a.year_plan).then(a.name.cmp(&b.name)));
    ProjectMap {
        year,
        years: vec![year],
        as_of: today,
        time: year_time_progress(year, today),
        all,
        by_county: county.into_values().collect(),
        by_industry,
        by_zone: zone.into_values().collect(),
        funnel: Stage::ALL
            .iter()
            .map(|s| StageCount { stage: *s, count: stages.get(s).copied().unwrap_or(0) })
            .collect(),
        batches: Batch::ALL
            .iter()
            .map(|b| {
                let (planned, reached) = batches.get(b).copied().unwrap_or((0, 0));
                BatchCount { batch: *b, planned, reached }
            })
            .collect(),
        lights: Light::ALL.iter().map(|l| (*l, lights.get(l).copied().unwrap_or(0))).collect(),
        red: Vec::new(),
    }
}

fn or_unknown(name: String, unknown: &str) -> String {
    if name.is_empty() { unknown.to_owned() } else { name }
}

impl App {
    /// The projects map of what the user may see, of 计划年度 `year` (none:
    /// [`default_map_year`]); cached 30 s per tenant, scope and year.
    pub async fn project_map(&self, user: &User, year: Option<i32>) -> Result<Arc<ProjectMap>> {
        let scope = scope_of(user)?;
        let key = (user.tenant_id, scope, year);
        if let Some(map) = self.project_maps.get(&key) {
            return Ok(map);
        }
        let map = Arc::new(self.build_project_map(user.tenant_id, scope, year).await?);
        self.project_maps.put(key, map.clone());
        Ok(map)
    }

    pub(crate) async fn build_project_map(
        &self,
        tenant: TenantId,
        scope: ProjectScope,
        year: Option<i32>,
    ) -> Result<ProjectMap> {
        let today = self.clock.today();
        let years = self.store.project_years(tenant, scope).await?;
        let year = year.unwrap_or_else(|| default_map_year(&years, today));
        let query = ProjectQuery { year: Some(year), ..ProjectQuery::default() };
        let projects = self.store.all_projects(tenant, scope, &query).await?;
        let orgs = self.store.orgs(tenant).await?;
        let org_name = |id: Option<OrgId>| {
            id.and_then(|id| orgs.iter().find(|o| o.id == id)).map(|o| o.name.clone()).unwrap_or_default()
        };
        let mut map = project_map(&projects, &org_name, year, today);
        map.years = years;
        let (red, _) = self.store.lagging_projects(tenant, scope, Some(year), RED_LIST as i64 * 2).await?;
        let blockers = self.store.open_factor_issues(tenant, scope, None, Some(year), 1_000).await?;
        map.red = red
            .into_iter()
            .filter(|p| p.light.is_alarm())
            .take(RED_LIST)
            .map(|p| {
                let own = blockers.iter().filter(|f| f.project_id == p.id).cloned().collect();
                (p, own)
            })
            .collect();
        Ok(map)
    }

    /// The 计划年度 the map, the 调度通报 and the 调度会 agenda speak of by
    /// default ([`default_map_year`] over the years `scope` sees).
    pub(crate) async fn current_project_year(&self, tenant: TenantId, scope: ProjectScope) -> Result<i32> {
        let years = self.store.project_years(tenant, scope).await?;
        Ok(default_map_year(&years, self.clock.today()))
    }

    /// Forgets the tenant's cached maps after a change to its projects.
    pub(crate) fn forget_project_map(&self, _tenant: TenantId) {
        self.project_maps.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingdan_domain::project::{Category, Level, Nature, ProjectFields};
    use qingdan_domain::{ProjectId, TenantId};

    fn project(
        id: i64,
        county: i64,
        plan: i64,
        done: i64,
        stage: Stage,
        batch: Option<Batch>,
        light: Light,
    ) -> KeyProject {
        KeyProject {
            id: ProjectId(id),
            tenant_id: TenantId(1),
            fields: ProjectFields {
                name: format!("项目{id}"),
                code: String::new(),
                nature: Nature::New,
                category: Category::Industry,
                industry: if id % 2 == 0 { "新材料".into() } else { String::new() },
                county_org_id: Some(OrgId(county)),
                zone_org_id: None,
                location: String::new(),
                owner_org_id: OrgId(9),
                scale: String::new(),
                total_investment: Decimal::from(plan * 3),
                funding: String::new(),
                year: 2026,
                year_plan: Decimal::from(plan),
                base_total: Decimal::ZERO,
                base_year: Decimal::ZERO,
                planned_start: None,
                actual_start: None,
                planned_completion: None,
                actual_completion: None,
                signed_on: None,
                producing_on: None,
                stage,
                batch,
                level: Level::City,
                progress_text: String::new(),
                liaison_leader_id: None,
                lead_org_id: None,
                responsible: String::new(),
                task_id: None,
            },
            done_total: Decimal::from(done),
            done_year: Decimal::from(done),
            light,
            rate: 0,
            gap: 0,
            reasons: String::new(),
        }
    }

    #[test]
    fn a_group_rate_is_its_sums_ratio_not_a_mean_of_rates() {
        let projects = [
            project(1, 1, 1000, 900, Stage::Building, Some(Batch::Starting), Light::Green),
            project(2, 1, 100, 0, Stage::Signed, Some(Batch::Starting), Light::Red),
            project(3, 2, 300, 150, Stage::Completed, Some(Batch::Commissioning), Light::Done),
        ];
        let names = |id: Option<OrgId>| match id {
            Some(OrgId(1)) => "东城区".to_owned(),
            Some(OrgId(2)) => "西山县".to_owned(),
            _ => String::new(),
        };
        let map = project_map(&projects, &names, 2026, "2026-07-01".parse().unwrap_or_default());
        // 900 of 1100 is 81%; the mean of 90% and 0% would say 45%.
        assert_eq!(map.by_county[0].name, "东城区");
        assert_eq!((map.by_county[0].rate, map.by_county[0].red, map.by_county[0].projects), (81, 1, 2));
        assert_eq!((map.all.rate, map.all.projects), (75, 3));
        assert_eq!(map.all.year_plan, Decimal::from(1400));
        let starting = map.batches.iter().find(|b| b.batch == Batch::Starting).map(|b| (b.planned, b.reached));
        assert_eq!(starting, Some((2, 1)));
        assert_eq!(map.funnel.iter().map(|s| s.count).sum::<usize>(), 3);
        assert_eq!(map.by_industry.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["未填行业", "新材料"]);
        assert_eq!(map.time, 49);
    }

    #[test]
    fn next_years_projects_are_not_summed_into_this_years_map() {
        let mut next = project(4, 1, 5000, 0, Stage::Planning, Some(Batch::Signing), Light::Green);
        next.fields.year = 2027;
        let projects = [project(1, 1, 1000, 900, Stage::Building, None, Light::Green), next];
        let map = project_map(&projects, &|_| "东城区".to_owned(), 2026, "2026-12-10".parse().unwrap_or_default());
        assert_eq!((map.all.projects, map.all.year_plan, map.all.rate), (1, Decimal::from(1000), 90));
        assert!(map.batches.iter().all(|b| b.planned == 0), "next year's batch is not this year's");
        let map = project_map(&projects, &|_| "东城区".to_owned(), 2027, "2026-12-10".parse().unwrap_or_default());
        assert_eq!((map.all.projects, map.all.year_plan, map.time), (1, Decimal::from(5000), 0));
    }

    #[test]
    fn the_map_opens_on_the_newest_year_begun() {
        let december: NaiveDate = "2026-12-10".parse().unwrap_or_default();
        assert_eq!(default_map_year(&[2025, 2026, 2027], december), 2026);
        assert_eq!(default_map_year(&[2027, 2028], december), 2027);
        assert_eq!(default_map_year(&[2024], december), 2024);
        assert_eq!(default_map_year(&[], december), 2026);
    }
}
