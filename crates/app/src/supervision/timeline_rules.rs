//! 时限规则: the rules a tenant's matters run on, 13710 and its own.

use crate::guards::require_supervisor;
use crate::{App, AppError, Result, lenient};
use qingdan_domain::assignment::{DayCounting, MajorLimit, TimelineRule};
use qingdan_domain::{Invalid, TimelineRuleId, User};
use qingdan_storage::{Conflict, StorageError, Unique};
use serde::Deserialize;

/// A timeline rule as typed in.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TimelineRuleInput {
    #[serde(default)]
    pub name: String,
    /// working_days or calendar_days
    #[serde(default)]
    pub counting: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub sign_for_days: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub deploy_days: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub feedback_days: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub solve_days: String,
    /// A major matter's limit in days (give this or `major_solve_months`).
    #[serde(deserialize_with = "lenient::text", default)]
    pub major_solve_days: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub major_solve_months: String,
    /// 1–99; 80 when empty.
    #[serde(deserialize_with = "lenient::text", default)]
    pub yellow_percent: String,
}

fn parse_count(invalid: &mut Invalid, field: &str, label: &str, text: &str) -> u32 {
    match crate::input::half_width(text).parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            invalid.add(field, "not_a_number", format!("{label}应为整数天数"));
            0
        }
    }
}

impl App {
    /// The tenant's timeline rules; the 13710 rule is created on first use.
    pub async fn timeline_rules(&self, user: &User) -> Result<Vec<TimelineRule>> {
        self.store.ensure_rule_13710(user.tenant_id).await?;
        Ok(self.store.timeline_rules(user.tenant_id).await?)
    }

    /// 时限规则 page: the tenant's rules for the office (supervisors and admins), who may add them.
    pub async fn timeline_rules_to_manage(&self, user: &User) -> Result<Vec<TimelineRule>> {
        require_supervisor(user)?;
        self.timeline_rules(user).await
    }

    /// Adds a timeline rule (e.g. 3/5/10 days) to the tenant.
    pub async fn create_timeline_rule(&self, user: &User, input: &TimelineRuleInput) -> Result<TimelineRule> {
        require_supervisor(user)?;
        let mut invalid = Invalid::new();
        let counting = match input.counting.trim() {
            "" => DayCounting::WorkingDays,
            code => DayCounting::from_code(code).unwrap_or_else(|| {
                invalid.add("counting", "unknown", "计日方式应为 working_days（工作日）或 calendar_days（自然日）");
                DayCounting::WorkingDays
            }),
        };
        let sign_for_days = parse_count(&mut invalid, "sign_for_days", "签收时限", &input.sign_for_days);
        let deploy_days = parse_count(&mut invalid, "deploy_days", "部署时限", &input.deploy_days);
        let feedback_days = parse_count(&mut invalid, "feedback_days", "反馈时限", &input.feedback_days);
        let solve_days = parse_count(&mut invalid, "solve_days", "办结时限", &input.solve_days);
        let major_solve = match (input.major_solve_days.trim(), input.major_solve_months.trim()) {
            ("", "") => MajorLimit::Months(1),
            (days, "") => MajorLimit::Days(parse_count(&mut invalid, "major_solve_days", "重大事项办结时限", days)),
            ("", months) => {
                MajorLimit::Months(parse_count(&mut invalid, "major_solve_months", "重大事项办结月数", months))
            }
            _ => {
                invalid.add("major_solve_days", "both", "重大事项办结时限请只填天数或月数之一");
                MajorLimit::Months(1)
            }
        };
        let yellow_percent = match input.yellow_percent.trim() {
            "" => qingdan_domain::assignment::DEFAULT_YELLOW_PERCENT,
            text => parse_count(&mut invalid, "yellow_percent", "黄灯比例", text),
        };
        invalid.into_result()?;
        let mut rule = TimelineRule {
            id: TimelineRuleId(0),
            tenant_id: user.tenant_id,
            name: input.name.trim().to_owned(),
            counting,
            sign_for_days,
            deploy_days,
            feedback_days,
            solve_days,
            major_solve,
            yellow_percent,
        };
        rule.validate()?;
        self.store.ensure_rule_13710(user.tenant_id).await?;
        rule.id = self.store.create_timeline_rule(&rule, self.actor(user)).await.map_err(|e| match e {
            StorageError::Conflict(Conflict::Taken(Unique::TimelineRuleName)) => {
                AppError::field("name", "duplicate", format!("已有名为“{}”的规则", rule.name))
            }
            other => other.into(),
        })?;
        Ok(rule)
    }
}
