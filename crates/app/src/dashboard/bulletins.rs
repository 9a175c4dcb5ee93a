//! 工作进展通报 (the periodic bulletin): the battle map's figures, the
//! period's late and missing reports and, for the period holding 06-30, the
//! 双过半 check, written as a 公文 `.docx` by `qingdan_office::bulletin_docx`.

use crate::Document;
use crate::{App, AppError, Dashboard, GroupTally, Result};
use chrono::NaiveDate;
use qingdan_domain::{Light, Period, PlanId, User};
use qingdan_office::{Bulletin, BulletinSummary, DoubleHalf, LateOrg, OrgLights, RedTask, bulletin_docx};

impl App {
    /// The bulletin of a plan for a reporting period (when `None`, the newest
    /// whose due date has passed), lights as of today. The office and leaders
    /// may download it.
    pub async fn bulletin(&self, user: &User, plan: PlanId, period: Option<Period>) -> Result<Document> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let period = match period {
            Some(period) => period,
            None => self.schedule_of(user.tenant_id, plan).await?.last_due_period(self.clock.today()),
        };
        let status = self.reporting_status(user, plan, Some(period)).await?;
        let map = self.dashboard(user, plan).await?;
        let period = status.period;
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
            title: title(period, &map.plan.title),
            doc_number: String::new(),
            period: period.label(),
            addressee: "各牵头单位".into(),
            issuer,
            issued_on: self.clock.today(),
            summary: summary(&map, double_half),
            by_org: map.by_org.iter().map(org_lights).collect(),
            red_tasks: map.red_list.iter().map(red_task).collect(),
            late_orgs,
            requirements: vec![
                "各牵头单位要对照红灯和逾期任务逐项分析原因，明确整改措施和完成时限，确保按期完成年度目标任务。".into(),
                "各单位要按照报送周期按时报送工作进展，如实反映存在问题，不得迟报、漏报。".into(),
            ],
        };
        let bytes = bulletin_docx(&bulletin).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Document { file_name: format!("工作进展通报-{period}.docx"), bytes })
    }
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

fn summary(map: &Dashboard, double_half: Option<DoubleHalf>) -> BulletinSummary {
    let t = &map.totals;
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

fn red_task(t: &qingdan_storage::RedTask) -> RedTask {
    RedTask {
        number: t.number.clone(),
        title: t.title.clone(),
        lead_org: t.lead_org.clone().unwrap_or_default(),
        problems: match (t.problems.trim(), t.has_accepted_report) {
            ("", false) => "暂无审核通过的报送".into(),
            ("", true) => "未说明".into(),
            (problems, _) => problems.into(),
        },
    }
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
