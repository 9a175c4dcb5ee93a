//! 时限规则: the tenant's timeline rules, the 13710 rule created on first use.

use crate::audit::{event, record};
use crate::error::Unique;
use crate::rows::code;
use crate::store::{in_tx, on_pool, on_writer};
use crate::{Actor, Result, StorageError, Store};
use qingdan_domain::assignment::{DayCounting, MajorLimit, RULE_13710_NAME, TimelineRule};
use qingdan_domain::{TenantId, TimelineRuleId};
use serde_json::json;

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: i64,
    tenant_id: i64,
    name: String,
    counting: String,
    sign_for_days: i64,
    deploy_days: i64,
    feedback_days: i64,
    solve_days: i64,
    major_solve_days: Option<i64>,
    major_solve_months: Option<i64>,
    yellow_percent: i64,
}

fn small(table: &'static str, n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|e| StorageError::corrupt(table, e))
}

impl RuleRow {
    fn into_rule(self) -> Result<TimelineRule> {
        let t = "timeline_rules";
        let major_solve = match (self.major_solve_days, self.major_solve_months) {
            (Some(days), _) => MajorLimit::Days(small(t, days)?),
            (None, Some(months)) => MajorLimit::Months(small(t, months)?),
            (None, None) => return Err(StorageError::corrupt(t, "no major limit")),
        };
        Ok(TimelineRule {
            id: TimelineRuleId(self.id),
            tenant_id: TenantId(self.tenant_id),
            name: self.name,
            counting: code(t, &self.counting, DayCounting::from_code)?,
            sign_for_days: small(t, self.sign_for_days)?,
            deploy_days: small(t, self.deploy_days)?,
            feedback_days: small(t, self.feedback_days)?,
            solve_days: small(t, self.solve_days)?,
            major_solve,
            yellow_percent: small(t, self.yellow_percent)?,
        })
    }
}

const RULE_COLUMNS: &str = "id, tenant_id, name, counting, sign_for_days, deploy_days, feedback_days, solve_days, \
     major_solve_days, major_solve_months, yellow_percent";

impl Store {
    /// The tenant's 13710 rule, created on first use.
    pub async fn ensure_rule_13710(&self, tenant: TenantId) -> Result<TimelineRule> {
        let rule = TimelineRule::rule_13710(tenant);
        let MajorLimit::Months(months) = rule.major_solve else {
            return Err(StorageError::corrupt("timeline_rules", "13710 counts months"));
        };
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO timeline_rules (tenant_id, name, counting, sign_for_days, deploy_days, feedback_days, \
                 solve_days, major_solve_days, major_solve_months, yellow_percent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9) ON CONFLICT (tenant_id, name) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(RULE_13710_NAME)
            .bind(rule.counting.code())
            .bind(i64::from(rule.sign_for_days))
            .bind(i64::from(rule.deploy_days))
            .bind(i64::from(rule.feedback_days))
            .bind(i64::from(rule.solve_days))
            .bind(i64::from(months))
            .bind(i64::from(rule.yellow_percent))
            .execute(pool)
            .await?
            .rows_affected()
        });
        let sql = format!("SELECT {RULE_COLUMNS} FROM timeline_rules WHERE tenant_id = $1 AND name = $2");
        let row: RuleRow = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(RULE_13710_NAME).fetch_one(pool).await?
        });
        row.into_rule()
    }

    /// The tenant's timeline rules, oldest first.
    pub async fn timeline_rules(&self, tenant: TenantId) -> Result<Vec<TimelineRule>> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM timeline_rules WHERE tenant_id = $1 ORDER BY id");
        let rows: Vec<RuleRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
        });
        rows.into_iter().map(RuleRow::into_rule).collect()
    }

    pub async fn timeline_rule(&self, tenant: TenantId, id: TimelineRuleId) -> Result<Option<TimelineRule>> {
        let sql = format!("SELECT {RULE_COLUMNS} FROM timeline_rules WHERE tenant_id = $1 AND id = $2");
        let row: Option<RuleRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(RuleRow::into_rule).transpose()
    }

    /// Adds a rule; a name the tenant already uses is a `Conflict`.
    pub async fn create_timeline_rule(&self, rule: &TimelineRule, actor: Actor) -> Result<TimelineRuleId> {
        let (days, months) = match rule.major_solve {
            MajorLimit::Days(n) => (Some(i64::from(n)), None),
            MajorLimit::Months(n) => (None, Some(i64::from(n))),
        };
        let id = in_tx!(self, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO timeline_rules (tenant_id, name, counting, sign_for_days, deploy_days, feedback_days, \
                 solve_days, major_solve_days, major_solve_months, yellow_percent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(rule.tenant_id.0)
            .bind(&rule.name)
            .bind(rule.counting.code())
            .bind(i64::from(rule.sign_for_days))
            .bind(i64::from(rule.deploy_days))
            .bind(i64::from(rule.feedback_days))
            .bind(i64::from(rule.solve_days))
            .bind(days)
            .bind(months)
            .bind(i64::from(rule.yellow_percent))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StorageError::unique_as_conflict(e, Unique::TimelineRuleName))?;
            record!(tx, event(rule.tenant_id, actor, "timeline_rule", id, "create", None, Some(json!(rule))));
            id
        });
        Ok(TimelineRuleId(id))
    }
}
