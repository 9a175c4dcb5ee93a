//! 红灯预警 (red-light alerts): when working tasks turn red or overdue — as
//! the date passes, or when a report is accepted — their lead orgs are told
//! through the tenant's channels (robots, mail): one message per org, listing
//! the tasks.
//!
//! The alert is queued before the new lights are stored, keyed by the day,
//! the org and the tasks; so a pass that dies in between finds the same
//! changes on restart and queues nothing twice.

use crate::notifications::{Audience, Notice};
use crate::{App, Message, Result};
use qingdan_domain::{Light, TaskId, TenantId};
use qingdan_storage::RedTask;
use std::collections::BTreeMap;

/// How many tasks one alert lists; the rest are counted.
const LISTED: usize = 20;

impl App {
    /// Queues alerts for the working tasks among `changes` whose new light is
    /// red or overdue; returns how many messages were queued.
    pub(crate) async fn alert_red_lights(&self, tenant: TenantId, changes: &[(TaskId, Light)]) -> Result<u64> {
        let alarming: Vec<TaskId> = changes.iter().filter(|(_, light)| light.is_alarm()).map(|(id, _)| *id).collect();
        if alarming.is_empty() {
            return Ok(0);
        }
        let new_light: BTreeMap<TaskId, Light> = changes.iter().copied().collect();
        let mut by_org: BTreeMap<(i64, String), Vec<RedTask>> = BTreeMap::new();
        for mut task in self.store.red_tasks_by_id(tenant, &alarming).await? {
            let Some(org) = task.lead_org_id else { continue };
            task.light = new_light.get(&task.id).copied().unwrap_or(task.light);
            by_org.entry((org.0, task.lead_org.clone().unwrap_or_default())).or_default().push(task);
        }
        let today = self.clock.today();
        let notices: Vec<Notice> = by_org
            .into_iter()
            .map(|((org, name), tasks)| {
                let first = tasks.iter().map(|t| t.id.0).min().unwrap_or_default();
                let key = format!("task-red:{today}:org{org}:task{first}:n{}", tasks.len());
                let to = vec![Audience::Org(qingdan_domain::OrgId(org)), Audience::Office, Audience::Leaders];
                Notice { key, message: message(&name, &tasks), link: None, to }
            })
            .collect();
        self.notify_all(tenant, &notices).await
    }
}

/// 【红灯预警】 to one org: its tasks that turned red or overdue.
fn message(org: &str, tasks: &[RedTask]) -> Message {
    // The tasks whose light just turned, not all the org's red ones: say "新增".
    let mut text = format!("{org}新增{}项任务亮红灯或逾期，请抓紧推进：\n", tasks.len());
    for task in tasks.iter().take(LISTED) {
        text += &format!(
            "- {} {}（{}，进度{}%，完成时限{}）\n",
            task.number,
            task.title,
            task.light.label(),
            task.percent_done,
            task.deadline
        );
    }
    if tasks.len() > LISTED {
        text += &format!("……等{}项\n", tasks.len());
    }
    Message::new(format!("【红灯预警】{org}新增{}项任务", tasks.len()), text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn task(id: i64, light: Light) -> RedTask {
        RedTask {
            id: TaskId(id),
            number: format!("{id}."),
            title: format!("任务{id}"),
            light,
            percent_done: 10,
            deadline: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default(),
            lead_org_id: None,
            lead_org: Some("市交通运输局".into()),
            lead_leader: None,
            problems: String::new(),
            has_accepted_report: false,
        }
    }

    #[test]
    fn an_alert_lists_at_most_twenty_tasks_and_counts_the_rest() {
        let tasks: Vec<RedTask> = (1..=25).map(|i| task(i, if i == 1 { Light::Overdue } else { Light::Red })).collect();
        let m = message("市交通运输局", &tasks);
        assert_eq!(m.title, "【红灯预警】市交通运输局新增25项任务");
        assert!(m.text.starts_with("市交通运输局新增25项任务亮红灯或逾期"), "{}", m.text);
        assert!(m.text.contains("1. 任务1（逾期，进度10%，完成时限2026-12-31）"), "{}", m.text);
        assert!(m.text.contains("20. 任务20（红灯"), "{}", m.text);
        assert!(!m.text.contains("任务21（"), "{}", m.text);
        assert!(m.text.contains("……等25项"), "{}", m.text);
    }
}
