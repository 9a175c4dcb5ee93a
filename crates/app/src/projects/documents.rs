//! The documents of the project office: the 调度会议纪要 and the 调度通报
//! (.docx, 公文 layout), from the meeting and the projects map.

use crate::{App, AppError, Document, Result};
use qingdan_domain::project::{half_month_label, half_month_start};
use qingdan_domain::{Decimal, MeetingId, OrgId, User};
use qingdan_storage::ProjectScope;

/// Who issues the project office's documents.
pub const ISSUER: &str = "青岚市重点项目建设调度办公室";

fn office_error(e: qingdan_office::OfficeError) -> AppError {
    AppError::Internal(e.to_string())
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl App {
    /// The meeting's 纪要 as a .docx in 公文 layout (the office and leaders).
    pub async fn meeting_minutes(&self, user: &User, id: MeetingId) -> Result<Document> {
        let detail = self.meeting_detail(user, id).await?;
        let m = &detail.meeting;
        let minutes = qingdan_office::DispatchMinutes {
            title: format!("{}纪要", m.title),
            number: format!("调度纪要〔{}〕{}号", chrono::Datelike::year(&m.held_on), m.number),
            held_on: m.held_on,
            place: m.place.clone(),
            chair: m.chair.clone(),
            attendees: m.attendees.clone(),
            summary: m.summary.clone(),
            decisions: detail
                .decisions
                .iter()
                .map(|d| qingdan_office::MinutesDecision {
                    project: d.project_name.clone().unwrap_or_default(),
                    content: d.content.clone(),
                    lead_org: d.lead_org_name.clone(),
                    deadline: Some(d.deadline),
                })
                .collect(),
            previous: detail
                .agenda
                .previous
                .iter()
                .map(|d| qingdan_office::PreviousDecision {
                    content: d.content.clone(),
                    lead_org: d.lead_org.clone(),
                    state: d.state,
                    carried_from: d.carried_from,
                })
                .collect(),
            issuer: ISSUER.to_owned(),
        };
        let bytes = qingdan_office::dispatch_minutes_docx(&minutes).map_err(office_error)?;
        Ok(Document { file_name: format!("{}纪要.docx", m.title), bytes })
    }

    /// The 调度通报 (.docx) with the figures by county (the office and leaders)
    /// of 计划年度 `year` (none: the map's current one).
    pub async fn dispatch_bulletin(&self, user: &User, year: Option<i32>) -> Result<Document> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let tenant = user.tenant_id;
        let scope = super::scope_of(user)?;
        // Built now, not the page's cached map, and with every red project, not
        // the map's first few: the document's counts agree with its own tables.
        let map = self.build_project_map(tenant, scope, year).await?;
        let red = i64::try_from(map.all.red).unwrap_or(i64::MAX);
        let (lagging, _) = self.store.lagging_projects(tenant, scope, Some(map.year), red).await?;
        let blockers = self.store.open_factor_issues(tenant, ProjectScope::All, None, Some(map.year), 50).await?;
        let orgs = self.store.orgs(tenant).await?;
        let org_name = |id: Option<OrgId>| {
            id.and_then(|id| orgs.iter().find(|o| o.id == id)).map(|o| o.name.clone()).unwrap_or_default()
        };
        let today = self.clock.today();
        let bulletin = qingdan_office::DispatchBulletin {
            title: "全市重点项目建设调度通报".to_owned(),
            period: half_month_label(half_month_start(today)),
            as_of: today,
            totals: qingdan_office::DispatchTotals {
                projects: count(map.all.projects),
                total_investment: map.all.total_investment,
                year_plan: map.all.year_plan,
                year_completed: map.all.year_done,
                rate_percent: Decimal::from(map.all.rate),
            },
            by_county: map
                .by_county
                .iter()
                .map(|g| qingdan_office::CountyFigures {
                    county: g.name.clone(),
                    projects: count(g.projects),
                    year_plan: g.year_plan,
                    year_completed: g.year_done,
                    rate_percent: Decimal::from(g.rate),
                    time_percent: Decimal::from(map.time),
                    red: count(g.red),
                })
                .collect(),
            red_projects: lagging
                .iter()
                .filter(|p| p.light.is_alarm())
                .map(|p| qingdan_office::RedProject {
                    name: p.fields.name.clone(),
                    county: org_name(p.fields.county_org_id),
                    reason: p.reasons.clone(),
                })
                .collect(),
            blockers: blockers
                .iter()
                .map(|f| qingdan_office::OpenFactorIssue {
                    project: f.project_name.clone(),
                    kind: f.kind.label().to_owned(),
                    org: f.org_name.clone(),
                    level: f.level.label().to_owned(),
                    days_open: u32::try_from((today - f.raised_at.date_naive()).num_days()).unwrap_or(0),
                })
                .collect(),
            issuer: ISSUER.to_owned(),
            generated_at: Some(self.clock.now()),
        };
        let bytes = qingdan_office::dispatch_bulletin_docx(&bulletin).map_err(office_error)?;
        Ok(Document { file_name: format!("重点项目调度通报（{}）.docx", bulletin.period), bytes })
    }
}
