//! 挂图作战 (battle map): a plan's working tasks — the leaves of its tree,
//! where the work is reported — counted by light and grouped by section,
//! lead org and lead leader; the red list; the monthly light history.

use crate::rows::{LEAF, code};
use crate::store::{Store, in_tx, lock_plan, on_pool};
use crate::{Result, StorageError};
use chrono::NaiveDate;
use qingdan_domain::{Light, OrgId, Period, PlanId, TaskId, TenantId, UserId};
use std::collections::HashMap;

/// Width of a section's `sort_path`: a section is a top-level task.
const SECTION_PATH: i64 = 6;

/// How many working tasks of one section, lead org and leader show one light.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardGroup {
    /// The `sort_path` of the section (top-level task) the tasks stand under.
    pub section_path: String,
    pub lead_org: Option<(OrgId, String)>,
    pub lead_leader: Option<(UserId, String)>,
    pub light: Light,
    pub count: i64,
    /// The sum of the tasks' work progress (percent), for averages.
    pub percent_sum: i64,
}

/// A top-level task of a plan: a section (章节) of the battle map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: TaskId,
    pub path: String,
    pub number: String,
    pub title: String,
}

/// A working task on the red list, with the problems its newest report gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedTask {
    pub id: TaskId,
    pub number: String,
    pub title: String,
    pub light: Light,
    pub percent_done: i64,
    pub deadline: NaiveDate,
    pub lead_org_id: Option<OrgId>,
    pub lead_org: Option<String>,
    pub lead_leader: Option<String>,
    /// 存在问题 of the newest accepted report, empty when it gave none.
    pub problems: String,
    /// Whether any report of the task was accepted (a report waiting for
    /// review or returned has said nothing yet).
    pub has_accepted_report: bool,
}

/// A red task's columns (its problems are read by [`Store::newest_problems`]).
const RED_SELECT: &str = "SELECT tasks.id, tasks.number, tasks.title, tasks.light, tasks.percent_done, tasks.deadline, \
     tasks.lead_org_id, orgs.name, users.display_name \
     FROM tasks LEFT JOIN orgs ON orgs.id = tasks.lead_org_id LEFT JOIN users ON users.id = tasks.lead_leader_id";

fn red_task(row: RedRow, newest: &mut HashMap<i64, String>) -> Result<RedTask> {
    let (id, number, title, light, percent_done, deadline, org_id, lead_org, lead_leader) = row;
    let problems = newest.remove(&id);
    Ok(RedTask {
        id: TaskId(id),
        number,
        title,
        light: code("tasks", &light, Light::from_code)?,
        percent_done,
        deadline,
        lead_org_id: org_id.map(OrgId),
        lead_org,
        lead_leader,
        has_accepted_report: problems.is_some(),
        problems: problems.unwrap_or_default(),
    })
}

type GroupRow = (String, Option<i64>, Option<String>, Option<i64>, Option<String>, String, i64, i64);
type RedRow = (i64, String, String, String, i64, NaiveDate, Option<i64>, Option<String>, Option<String>);

impl Store {
    /// The plan's working tasks counted by section, lead org, lead leader and light.
    pub async fn dashboard_groups(&self, tenant: TenantId, plan: PlanId) -> Result<Vec<DashboardGroup>> {
        // Group on the task columns alone, then name the groups: grouping on
        // the joined names as well took five times as long on 100,000 tasks.
        let sql = format!(
            "SELECT g.section, g.org, orgs.name, g.leader, users.display_name, g.light, g.n, g.percent \
             FROM (SELECT substr(tasks.sort_path, 1, {SECTION_PATH}) AS section, tasks.lead_org_id AS org, \
                   tasks.lead_leader_id AS leader, tasks.light AS light, COUNT(*) AS n, \
                   CAST(SUM(tasks.percent_done) AS BIGINT) AS percent \
                   FROM tasks WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2 AND {LEAF} \
                   GROUP BY substr(tasks.sort_path, 1, {SECTION_PATH}), tasks.lead_org_id, tasks.lead_leader_id, \
                   tasks.light) AS g \
             LEFT JOIN orgs ON orgs.id = g.org LEFT JOIN users ON users.id = g.leader"
        );
        let rows: Vec<GroupRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(plan.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(section_path, org, org_name, leader, leader_name, light, count, percent_sum)| {
                Ok(DashboardGroup {
                    section_path,
                    lead_org: org.map(|id| (OrgId(id), org_name.unwrap_or_default())),
                    lead_leader: leader.map(|id| (UserId(id), leader_name.unwrap_or_default())),
                    light: code("tasks", &light, Light::from_code)?,
                    count,
                    percent_sum,
                })
            })
            .collect()
    }

    /// The plan's sections (top-level tasks) in order.
    pub async fn sections(&self, tenant: TenantId, plan: PlanId) -> Result<Vec<Section>> {
        let rows: Vec<(i64, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, sort_path, number, title FROM tasks \
                 WHERE tenant_id = $1 AND plan_id = $2 AND parent_id IS NULL ORDER BY sort_path",
            )
            .bind(tenant.0)
            .bind(plan.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(id, path, number, title)| Section { id: TaskId(id), path, number, title }).collect())
    }

    /// Up to `limit` working tasks showing one of `lights`, in tree order, with
    /// the problems of each one's newest report.
    pub async fn red_tasks(
        &self,
        tenant: TenantId,
        plan: PlanId,
        lights: &[Light],
        limit: u32,
    ) -> Result<Vec<RedTask>> {
        // The light codes are our constants, not user input.
        let codes = lights.iter().map(|l| format!("'{}'", l.code())).collect::<Vec<_>>().join(", ");
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{RED_SELECT} WHERE tasks.tenant_id = $1 AND tasks.plan_id = $2 AND tasks.light IN ({codes}) AND {LEAF} \
             ORDER BY tasks.sort_path LIMIT {limit}"
        );
        let rows: Vec<RedRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(plan.0).fetch_all(pool).await?
        });
        let mut newest = self.newest_problems(tenant, rows.iter().map(|r| r.0)).await?;
        rows.into_iter().map(|row| red_task(row, &mut newest)).collect()
    }

    /// The 存在问题 of each task's newest accepted report, by task id: newest
    /// by period as periods order (by their end), not as their texts sort
    /// (2026-Q1 after 2026-12), then the later report. A report waiting or
    /// returned has said nothing yet; a task without an accepted one is absent.
    async fn newest_problems(
        &self,
        tenant: TenantId,
        tasks: impl Iterator<Item = i64>,
    ) -> Result<HashMap<i64, String>> {
        // Ids are numbers we hold, not user input.
        let list = tasks.map(|id| id.to_string()).collect::<Vec<_>>().join(", ");
        if list.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT task_id, period, id, problems FROM progress_reports \
             WHERE tenant_id = $1 AND status = 'accepted' AND is_lead = $2 AND task_id IN ({list})"
        );
        let rows: Vec<(i64, String, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(true).fetch_all(pool).await?
        });
        let mut newest: HashMap<i64, ((Period, i64), String)> = HashMap::new();
        for (task, period, id, problems) in rows {
            let period = period.parse::<Period>().map_err(|e| StorageError::corrupt("progress_reports", e))?;
            match newest.get(&task) {
                Some((at, _)) if *at > (period, id) => {}
                _ => {
                    newest.insert(task, ((period, id), problems));
                }
            }
        }
        Ok(newest.into_iter().map(|(task, (_, problems))| (task, problems)).collect())
    }

    /// The working tasks among `ids` (leaves only), with the problems of each
    /// one's newest report; for alerts on lights that just changed.
    pub async fn red_tasks_by_id(&self, tenant: TenantId, ids: &[TaskId]) -> Result<Vec<RedTask>> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            // Ids are numbers we hold, not user input.
            let list = chunk.iter().map(|id| id.0.to_string()).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "{RED_SELECT} WHERE tasks.tenant_id = $1 AND tasks.id IN ({list}) AND {LEAF} ORDER BY tasks.sort_path"
            );
            let rows: Vec<RedRow> = on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).fetch_all(pool).await?
            });
            let mut newest = self.newest_problems(tenant, rows.iter().map(|r| r.0)).await?;
            for row in rows {
                found.push(red_task(row, &mut newest)?);
            }
        }
        Ok(found)
    }

    /// The recorded light counts of a plan, `(month YYYY-MM, light, count)` by month.
    pub async fn light_history(&self, tenant: TenantId, plan: PlanId) -> Result<Vec<(String, Light, i64)>> {
        let rows: Vec<(String, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT month, light, count FROM light_snapshots WHERE tenant_id = $1 AND plan_id = $2 ORDER BY month",
            )
            .bind(tenant.0)
            .bind(plan.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(month, light, count)| Ok((month, code("light_snapshots", &light, Light::from_code)?, count)))
            .collect()
    }

    /// Records (or rewrites) a plan's light counts of one month, in the
    /// plan's turn: two sweeps at once rewrite it one after the other.
    pub async fn save_light_snapshot(
        &self,
        tenant: TenantId,
        plan: PlanId,
        month: &str,
        counts: &[(Light, i64)],
    ) -> Result<()> {
        in_tx!(self, tx => {
            lock_plan!(tx, tenant, plan.0);
            sqlx::query("DELETE FROM light_snapshots WHERE tenant_id = $1 AND plan_id = $2 AND month = $3")
                .bind(tenant.0).bind(plan.0).bind(month).execute(&mut *tx).await?;
            for (light, count) in counts {
                sqlx::query(
                    "INSERT INTO light_snapshots (tenant_id, plan_id, month, light, count) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(tenant.0)
                .bind(plan.0)
                .bind(month)
                .bind(light.code())
                .bind(count)
                .execute(&mut *tx)
                .await?;
            }
        });
        Ok(())
    }
}
