//! 工作进展通报 (the periodic bulletin): the plan's lights as they stood at
//! the period's end, the period's late and missing reports and, for the
//! period holding 06-30, the 双过半 check, written as a 公文 `.docx` by
//! `qingdan_office::bulletin_docx`.

use super::{RED_LIST_LIMIT, Tally, breakdown, working_lights};
use crate::Document;
use crate::{App, AppError, GroupTally, Result};
use chrono::NaiveDate;
use qingdan_domain::{Light, Period, PlanId, User};
use qingdan_office::{Bulletin, BulletinSummary, DoubleHalf, LateOrg, OrgLights, RedTask, bulletin_docx};
use qingdan_storage::DashboardGroup;

impl App {
    /// The bulletin of a plan for a reporting period (when `None`, the newest
    /// whose due date has passed). Its figures stand on the period's last day
    /// (today while the period runs). The office and leaders may download it.
    pub async fn bulletin(&self, user: &User, plan: PlanId, period: Option<Period>) -> Result<Document> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let period = match period {
            Some(period) => period,
            None => self.schedule_of(user.tenant_id, plan).await?.last_due_period(self.clock.today()),
        };
        let status = self.reporting_status(user, plan, Some(period)).await?;
        let plan_title = self.plan(user, plan).await?.title;
        let period = status.period;
        let standing = self.standing_on(user, plan, period.last_day().min(self.clock.today())).await?;
        let double_half = match mid_year(period) {
            Some(date) if self.clock.today() >= date => {
                let check = self.half_check(user, plan, Some(&date.to_string())).await?;
                let met = check.tasks.iter().filter(|t| t.passed).count();
                Some(DoubleHalf { as_of: date, met: count(met), not_met: count(check.tasks.len() - met) })
            }
            _ => None,
        };
        let late_orgs = status
            .orgs
            .iter()
            .filter(|o| o.late + o.missing > 0)
            .map(|o| LateOrg {
                org: o.org_name.clone(),
                late_reports: count(o.late),
                missing_reports: count(o.missing),
            })
            .collect();
        let issuer = self.org(user, user.org_id).await?.name;
        let bulletin = Bulletin {
            title: title(period, &plan_title),
            doc_number: String::new(),
            period: period.label(),
            addressee: "各牵头单位".into(),
            issuer,
            issued_on: self.clock.today(),
            as_of: standing.as_of,
            summary: summary(&standing.totals, double_half),
            by_org: standing.by_org.iter().map(org_lights).collect(),
            red_tasks: standing.red_tasks,
            late_orgs,
            requirements: vec![
                "各牵头单位要对照红灯和逾期任务逐项分析原因，明确整改措施和完成时限，确保按期完成年度目标任务。".into(),
                "各单位要按照报送周期按时报送工作进展，如实反映存在问题，不得迟报、漏报。".into(),
            ],
            generated_at: Some(self.clock.now()),
        };
        let bytes = bulletin_docx(&bulletin).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Document { file_name: format!("工作进展通报-{period}.docx"), bytes })
    }

    /// The plan's figures on `day`. Today they are the battle map's; on an
    /// earlier day each working task is lit, under today's rules, from its
    /// work on that day ([`App::work_on`]: accepted reports of periods begun
    /// by then), and a red task's problems are those of that report.
    async fn standing_on(&self, user: &User, plan: PlanId, day: NaiveDate) -> Result<Standing> {
        if day >= self.clock.today() {
            let map = self.dashboard(user, plan).await?;
            return Ok(Standing {
                as_of: map.today,
                totals: map.totals.clone(),
                by_org: map.by_org.clone(),
                red_tasks: map
                    .red_list
                    .iter()
                    .map(|t| {
                        red_task(
                            t.number.clone(),
                            t.title.clone(),
                            t.lead_org.clone(),
                            t.has_accepted_report.then_some(t.problems.as_str()),
                        )
                    })
                    .collect(),
            });
        }
        let rules = self.store.status_rules(user.tenant_id).await?;
        let work = self.work_on(user.tenant_id, plan, day).await?;
        let mut groups = Vec::new();
        let mut red_tasks = Vec::new();
        for (task, percent, light) in working_lights(&work, &rules, day) {
            if light.is_alarm() && red_tasks.len() < RED_LIST_LIMIT as usize {
                let org = task.lead_org.as_ref().map(|(_, name)| name.clone());
                let problems = work.accepted.get(&task.id).map(|a| a.problems.as_str());
                red_tasks.push(red_task(task.number.clone(), task.title.clone(), org, problems));
            }
            groups.push(DashboardGroup {
                section_path: String::new(),
                lead_org: task.lead_org.clone(),
                lead_leader: None,
                light,
                count: 1,
                percent_sum: percent,
            });
        }
        let mut totals = Tally::default();
        for group in &groups {
            totals.add_group(group);
        }
        let by_org = breakdown(&groups, |g| g.lead_org.as_ref().map(|(id, name)| (id.0, name.clone())));
        Ok(Standing { as_of: day, totals, by_org, red_tasks })
    }
}

/// What a bulletin counts, all standing on one day.
struct Standing {
    as_of: NaiveDate,
    totals: Tally,
    /// Lead orgs, most alarms first.
    by_org: Vec<GroupTally>,
    /// Red and overdue working tasks in tree order, at most [`RED_LIST_LIMIT`].
    red_tasks: Vec<RedTask>,
}

/// 关于2026年11月重点任务推进情况的通报: the plan's title without the year
/// the period already says.
fn title(period: Period, plan_title: &str) -> String {
    let year = format!("{}年", period.year());
    let topic = plan_title.strip_prefix(&year).unwrap_or(plan_title).trim_start_matches(['度', ' ']);
    format!("关于{}{topic}推进情况的通报", period.label())
}

/// 06-30 of the period's year when the period holds it: the bulletin that
/// reports the mid-year 双过半 check.
fn mid_year(period: Period) -> Option<NaiveDate> {
    let date = NaiveDate::from_ymd_opt(period.year(), 6, 30)?;
    (period.first_day() <= date && date <= period.last_day()).then_some(date)
}

fn summary(t: &Tally, double_half: Option<DoubleHalf>) -> BulletinSummary {
    BulletinSummary {
        total: count(t.total()),
        done: count(t.of(Light::Done)),
        green: count(t.of(Light::Green)),
        yellow: count(t.of(Light::Yellow)),
        red: count(t.of(Light::Red)),
        overdue: count(t.of(Light::Overdue)),
        double_half,
    }
}

fn org_lights(g: &GroupTally) -> OrgLights {
    let t = &g.tally;
    OrgLights {
        org: g.name.clone(),
        tasks: count(t.total()),
        done: count(t.of(Light::Done)),
        green: count(t.of(Light::Green)),
        yellow: count(t.of(Light::Yellow)),
        red: count(t.of(Light::Red)),
        overdue: count(t.of(Light::Overdue)),
        average_progress: t.average_percent().and_then(|p| qingdan_domain::Decimal::try_from(p).ok()),
    }
}

/// A red task as the bulletin lists it, with `problems` of its newest
/// accepted report (`None`: no report accepted yet; a report waiting may
/// still say something).
fn red_task(number: String, title: String, lead_org: Option<String>, problems: Option<&str>) -> RedTask {
    let problems = match problems.map(str::trim) {
        None => "暂无审核通过的报送",
        Some("") => "未说明",
        Some(problems) => problems,
    };
    RedTask { number, title, lead_org: lead_org.unwrap_or_default(), problems: problems.into() }
}

/// A count as the bulletin prints it (counts here never exceed `u32`).
fn count<N: TryInto<u32>>(n: N) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_says_the_year_once() {
        let p = |s: &str| s.parse::<Period>().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(title(p("2026-11"), "2026年重点任务"), "关于2026年11月重点任务推进情况的通报");
        assert_eq!(title(p("2026-Q3"), "2026年度政府工作报告任务"), "关于2026年第三季度政府工作报告任务推进情况的通报");
        assert_eq!(title(p("2026-11"), "2025年结转任务"), "关于2026年11月2025年结转任务推进情况的通报");
    }

    #[test]
    fn only_the_period_holding_june_30_reports_the_half_year_check() {
        let has = |text: &str| text.parse::<Period>().ok().and_then(mid_year).is_some();
        assert!(has("2026-06"));
        assert!(has("2026-Q2"));
        assert!(has("2026-06-H2"));
        assert!(!has("2026-06-H1"));
        assert!(!has("2026-07"));
        assert!(!has("2026-Q3"));
    }
}
