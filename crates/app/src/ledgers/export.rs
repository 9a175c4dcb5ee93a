//! The 台账 export: a plan's tasks as the viewer may see them, read in pages
//! and written by a blocking thread to a constant-memory sheet.

use crate::{App, AppError, Result};
use qingdan_domain::{OrgId, Period, PlanId, User};
use qingdan_office::{ExportTarget, ExportTask, LedgerExport, OfficeError};
use qingdan_storage::{LedgerItem, LedgerQuery};
use std::collections::HashMap;

/// Tasks read from storage per page while exporting.
const EXPORT_PAGE: u32 = 2000;

/// An exported ledger.
#[derive(Debug, Clone)]
pub struct LedgerFile {
    /// `2026年重点任务台账（2026年11月）.xlsx`
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub tasks: u64,
    pub rows: u64,
}

impl App {
    /// The ledger of a plan as the user may see it: every visible task in tree
    /// order with its targets, who answers for it, this period's report of its
    /// lead org and its light. Read in pages and written while reading.
    pub async fn export_ledger(&self, user: &User, plan: PlanId) -> Result<LedgerFile> {
        self.export_ledger_for(user, plan, None).await
    }

    /// [`App::export_ledger`] with the reports of `period` (this period of
    /// the plan's own cycle when `None`); a period the plan owes no report
    /// for (another cycle, another year) is refused on `period`.
    pub async fn export_ledger_for(&self, user: &User, plan: PlanId, period: Option<Period>) -> Result<LedgerFile> {
        let plan = self.plan(user, plan).await?;
        let tenant = user.tenant_id;
        let visible_to = (!user.role.reads_whole_tenant()).then_some(user.org_id);
        // The plan's own reporting cycle (报送周期; monthly when unset).
        let schedule = self.store.reporting_schedule(tenant, plan.id).await?.unwrap_or_default();
        let period = match period {
            Some(period) => crate::reporting::period_of_plan(&plan, schedule.cycle, period)?,
            None => schedule.period_containing(self.clock.today()),
        };
        let org_names: HashMap<OrgId, String> =
            self.store.orgs(tenant).await?.into_iter().map(|o| (o.id, o.name)).collect();
        let title = format!("{}台账（{}）", plan.title, period.label());
        let file_name = format!("{title}.xlsx");
        let rules = self.store.status_rules(tenant).await?;

        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<ExportTask>>(2);
        let writer_title = title.clone();
        let writer = tokio::task::spawn_blocking(move || -> std::result::Result<(Vec<u8>, u64, u64), OfficeError> {
            let mut ledger = LedgerExport::new(&writer_title, rules)?;
            while let Some(batch) = receiver.blocking_recv() {
                for task in &batch {
                    ledger.push(task)?;
                }
            }
            let (tasks, rows) = (ledger.task_count(), ledger.row_count());
            Ok((ledger.finish()?, tasks, rows))
        });

        let mut query = LedgerQuery {
            tenant_id: tenant,
            plan_id: plan.id,
            visible_to,
            period,
            after: String::new(),
            limit: EXPORT_PAGE,
        };
        loop {
            let page = self.store.ledger_page(&query).await?;
            let Some(last) = page.last() else { break };
            query.after = last.sort_path.clone();
            let full = page.len() >= EXPORT_PAGE as usize;
            let batch: Vec<ExportTask> = page
                .into_iter()
                .map(|item| (report_status(&item, period), item))
                .map(|(report_status, item)| ExportTask {
                    number: item.number,
                    depth: item.depth,
                    title: item.title,
                    targets: item
                        .targets
                        .into_iter()
                        .map(|t| ExportTarget {
                            metric: t.metric,
                            value: Some(t.value),
                            unit: t.unit,
                            comparator: Some(t.comparator),
                            baseline: t.baseline,
                            actual: t.actual,
                        })
                        .collect(),
                    deadline: Some(item.deadline),
                    lead_leader: item.lead_leader_name.unwrap_or_default(),
                    lead_org: item.lead_org_name.unwrap_or_default(),
                    supporting_orgs: item
                        .supporting_org_ids
                        .iter()
                        .filter_map(|id| org_names.get(id).map(String::as_str))
                        .collect::<Vec<_>>()
                        .join("、"),
                    owner: item.owner_name.unwrap_or_default(),
                    percent_done: item.percent_done,
                    report_status: report_status.to_owned(),
                    narrative: item.report.as_ref().map(|r| r.1.clone()).unwrap_or_default(),
                    problems: item.report.map(|r| r.2).unwrap_or_default(),
                    light: Some(item.light),
                })
                .collect();
            if sender.send(batch).await.is_err() {
                // The writer stopped on an error; it is returned below.
                break;
            }
            if !full {
                break;
            }
        }
        drop(sender);
        let (bytes, tasks, rows) = writer
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(LedgerFile { file_name, bytes, tasks, rows })
    }
}

/// 本期报送状态 of a ledger row: the lead org's report for `period`, or
/// 未报送 where one is owed; nothing on a section (its sub-tasks report), and
/// 无需报送 for a task done before, or begun after, the period.
fn report_status(item: &LedgerItem, period: Period) -> &'static str {
    match &item.report {
        Some((status, ..)) => status.label(),
        None if !item.is_leaf => "",
        None if item.percent_done >= 100 || item.start_date > period.last_day() => "无需报送",
        None => "未报送",
    }
}
