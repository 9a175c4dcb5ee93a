//! The demo city's 开发区考核: its six development zones ranked every month
//! of the year so far on a scheme modelled on a published 开发区考核办法 —
//! 规上工业增加值 against each zone's own target (目标完成计分), 固定资产投资
//! by rank (争先进位), 重点项目投资完成率 from the project database, 督办 overdue
//! deducted, and a veto for a major safety accident. 临港物流园区 is vetoed
//! three months back; 南山生态产业园 rises three places in the last month. Written by us.

use crate::assessment::{SchemeInput, ValueInput};
use crate::{App, OrgInput, Result};
use chrono::Datelike;
use qingdan_domain::{OrgId, User};

/// The zones: the two of the project database, and four more.
const ZONES: [&str; 6] =
    ["青岚经济技术开发区", "青岚高新技术产业开发区", "临港物流园区", "西峰工业园区", "南山生态产业园", "北塘科技园"];

/// Each zone's own target of 规上工业增加值增速 (%).
const TARGETS: [i64; 6] = [8, 9, 7, 6, 7, 8];

impl App {
    /// Defines the demo scheme and publishes each month from February to last month.
    pub(crate) async fn seed_demo_assessment(&self, admin: &User, office: &User) -> Result<()> {
        let today = self.clock.today();
        let existing = self.store.orgs(admin.tenant_id).await?;
        let mut zones: Vec<OrgId> = Vec::new();
        for (i, name) in ZONES.iter().enumerate() {
            let id = match existing.iter().find(|o| o.name == *name) {
                Some(o) => o.id,
                None => {
                    let input = OrgInput {
                        name: (*name).into(),
                        kind: "dev_zone".into(),
                        parent_id: None,
                        sort_order: Some(130 + i as i64),
                    };
                    self.create_org(admin, &input).await?.id
                }
            };
            zones.push(id);
        }
        let year = today.year();
        let input =
            SchemeInput {
                year: year.to_string(), name: format!("{year}年开发区高质量发展考核"), body: scheme(&zones)
            };
        let scheme = self.create_scheme(office, &input).await?;
        let last = today.month().saturating_sub(1);
        for month in 2..=last {
            let text = format!("{year}-{month:02}");
            let app = self.at_day(publication_day(year, month, today));
            let accident = month + 3 == last;
            app.set_assessment_values(office, scheme, &text, &rows(&zones, month, None, accident)).await?;
            if month == last && month > 2 {
                // 南山 (zone 4) turns its year round: the first of its figures that
                // lifts it exactly three places over the month before.
                let before = app.published_month(office, scheme, &format!("{year}-{:02}", month - 1), None).await?;
                let was = before.result.of(zones[4]).map_or(0, |(_, r)| r.rank) as i64;
                for lift in 0..24 {
                    app.set_assessment_values(office, scheme, &text, &rows(&zones, month, Some(lift), false)).await?;
                    let now = app.compute_month(office, scheme, &text).await?;
                    if now.of(zones[4]).is_some_and(|(_, r)| was - r.rank as i64 == 3) {
                        break;
                    }
                }
            }
            app.publish_month(office, scheme, &text, "").await?;
        }
        Ok(())
    }

    /// This app with its clock at noon of `day`.
    fn at_day(&self, day: chrono::NaiveDate) -> App {
        let mut app = self.clone();
        app.clock = crate::Clock::fixed_on(day);
        app
    }
}

/// When a month is published: the 8th of the month after, never after today.
fn publication_day(year: i32, month: u32, today: chrono::NaiveDate) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.with_day(8))
        .unwrap_or(today)
        .min(today)
}

/// A month's entered values: each zone's growth against its own target,
/// its investment, and 临港's accident when `accident`; `lift` raises 南山's
/// growth and investment by that many steps (without one, 南山 invests least).
fn rows(zones: &[OrgId], month: u32, lift: Option<i64>, accident: bool) -> Vec<ValueInput> {
    let mut rows = Vec::new();
    for (z, zone) in zones.iter().enumerate() {
        let org = zone.0.to_string();
        let step = if z == 4 { lift.unwrap_or(0) } else { 0 };
        let pace = if z == 4 { 66 + step * 5 } else { 92 + ((z as u32 * 7 + month * 3) % 20) as i64 };
        let growth = qingdan_domain::Decimal::new(TARGETS[z] * pace, 2).round_dp(1);
        // 南山 lags in investment until it turns round (its lifted month).
        let invest = match (z, lift) {
            (4, None) => 12,
            _ => 20 + ((z as u32 * 11 + month * 5) % 30) as i64 + step * 4,
        };
        let row = |indicator: &str, value: String, target: String| ValueInput {
            org_id: org.clone(),
            indicator: indicator.into(),
            value,
            target,
        };
        rows.push(row("industry", growth.to_string(), TARGETS[z].to_string()));
        rows.push(row("invest", invest.to_string(), String::new()));
        let safety = if accident && z == 2 { "1" } else { "" };
        rows.push(row("safety", safety.into(), String::new()));
    }
    rows
}

fn scheme(zones: &[OrgId]) -> String {
    let orgs: Vec<String> = zones.iter().map(|z| z.0.to_string()).collect();
    format!(
        r#"{{
  "groups": [{{"name": "开发区", "orgs": [{orgs}]}}],
  "indicators": [
    {{"key": "econ", "name": "经济发展（70分）"}},
    {{"key": "industry", "name": "规上工业增加值增速", "parent": "econ", "points": "40",
      "method": {{"kind": "completion", "cap": "1.2", "floor": "0.6"}}, "source": {{"kind": "entered"}}}},
    {{"key": "invest", "name": "固定资产投资争先进位", "parent": "econ", "points": "30",
      "method": {{"kind": "rank", "step": "3"}}, "source": {{"kind": "entered"}}}},
    {{"key": "projects", "name": "重点项目推进（30分）"}},
    {{"key": "project_rate", "name": "重点项目投资完成率", "parent": "projects", "points": "30",
      "method": {{"kind": "ratio_to_best"}}, "source": {{"kind": "project_rate"}}}},
    {{"key": "matters", "name": "督办事项逾期扣分", "method": {{"kind": "bonus", "per_unit": "-1", "cap": "5"}},
      "source": {{"kind": "matters_overdue"}}}},
    {{"key": "safety", "name": "重大安全生产事故", "method": {{"kind": "veto"}}, "source": {{"kind": "entered"}}}}
  ],
  "year_end": "average",
  "tiers": {{"advanced": 2, "improved_by": 3, "pass": "60"}},
  "show_others": true
}}"#,
        orgs = orgs.join(", ")
    )
}
