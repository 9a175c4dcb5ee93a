//! 重点项目调度会 (the half-monthly dispatch meeting): the agenda the office
//! generates, the meeting and its 议定事项, each decision turned into a 督办
//! matter in one step, and the 纪要.
//!
//! Meetings follow one another by the day they were held (then by number):
//! the previous meeting of the next one is the latest held. A meeting is
//! numbered 第N次 in that order, so one dated before the latest recorded is
//! refused, never slipped in between with a number out of turn; one dated
//! before today is recorded as 补录, with no agenda — the figures of the day
//! it is typed in are not what that meeting heard.
//!
//! The agenda opens with the last meeting's decisions and the state of their
//! matters, and every decision of an earlier meeting not yet done (none drops
//! off because a later meeting was held), then lists, ranked: projects whose dates are missed (逾期, or not
//! started after the planned start), projects whose 投资完成率 is behind 序时进度
//! (the furthest behind first), overdue 前期手续 (the longest overdue first) and
//! open 堵点 (the highest coordination level, then the earliest deadline).

use super::may_manage;
use crate::input::parse_date;
use crate::supervision::NewAssignmentInput;
use crate::{App, AppError, Result};
use chrono::NaiveDate;
use qingdan_domain::assignment::AssignmentSource;
use qingdan_domain::assignment::AssignmentStatus;
use qingdan_domain::project::DecisionState;
use qingdan_domain::{AssignmentId, DecisionId, Invalid, MeetingId, OrgId, ProjectId, User};
use qingdan_storage::{AssignmentLink, Decision, Meeting, NewDecision, NewMeeting, ProjectScope};
use serde::{Deserialize, Serialize};

/// How many items each part of the agenda lists (the count says how many in all).
pub const AGENDA_ITEMS: i64 = 30;

/// A generated agenda; kept with the meeting as it was when called.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    pub generated_on: Option<NaiveDate>,
    /// 补录: the meeting was recorded after the day it was held, and no
    /// agenda was generated for it.
    #[serde(default)]
    pub backfilled: bool,
    /// The previous meeting's number, when there was one.
    pub previous_number: Option<i64>,
    /// The previous meeting's decisions, then those of earlier meetings not done.
    pub previous: Vec<AgendaDecision>,
    /// Dates missed: overdue, or not started after the planned start.
    pub stalled: Vec<AgendaItem>,
    /// 投资完成率 behind 序时进度.
    pub lagging: Vec<AgendaItem>,
    /// Projects lit red, yellow or overdue in all.
    pub lagging_total: i64,
    pub prework: Vec<AgendaItem>,
    pub blockers: Vec<AgendaItem>,
}

/// One line of the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub project_id: i64,
    pub project: String,
    /// What lags, in words.
    pub what: String,
    /// The org that must act.
    pub org: String,
}

/// A decision of the previous meeting and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaDecision {
    pub content: String,
    pub lead_org: String,
    pub deadline: NaiveDate,
    pub state: DecisionState,
    pub assignment_id: Option<i64>,
    /// 第N次 of the earlier meeting it is carried from, not yet done; `None`
    /// for a decision of the previous meeting.
    #[serde(default)]
    pub carried_from: Option<i64>,
}

impl Agenda {
    /// Whether decisions of meetings before the previous one are listed.
    pub fn has_carried(&self) -> bool {
        self.previous.iter().any(|d| d.carried_from.is_some())
    }
}

/// A meeting as typed when the office calls it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MeetingInput {
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub chair: String,
    pub attendees: String,
    pub summary: String,
}

/// A decision as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    pub project_id: String,
    pub content: String,
    pub lead_org_id: String,
    pub deadline: String,
}

/// A meeting's page.
#[derive(Debug, Clone)]
pub struct MeetingDetail {
    pub meeting: Meeting,
    pub agenda: Agenda,
    pub decisions: Vec<Decision>,
}

/// Where a decision stands on `today` (its matter is due to be solved by
/// the decision's deadline: [`App::assign_decision`]).
pub fn decision_state(d: &Decision, today: NaiveDate) -> DecisionState {
    let status = d.assignment_status.as_deref().and_then(AssignmentStatus::from_code);
    DecisionState::of(status, d.deadline, today)
}

fn agenda_line(d: &Decision, today: NaiveDate, carried: bool) -> AgendaDecision {
    AgendaDecision {
        content: d.content.clone(),
        lead_org: d.lead_org_name.clone(),
        deadline: d.deadline,
        state: decision_state(d, today),
        assignment_id: d.assignment_id,
        carried_from: carried.then_some(d.meeting_number),
    }
}

impl App {
    /// The agenda of the next meeting as it would be generated today (the
    /// office only): after the latest meeting held.
    pub async fn dispatch_agenda(&self, user: &User) -> Result<Agenda> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let latest = self.store.meetings(user.tenant_id).await?.into_iter().next();
        self.agenda_after(user, latest.as_ref()).await
    }

    /// Today's agenda of a meeting following `previous`: its decisions, every
    /// decision of the meetings before it not yet done, and today's figures.
    async fn agenda_after(&self, user: &User, previous: Option<&Meeting>) -> Result<Agenda> {
        let tenant = user.tenant_id;
        let today = self.clock.today();
        let (previous_number, previous) = match previous {
            Some(m) => {
                let mut lines: Vec<AgendaDecision> = self
                    .store
                    .decisions(tenant, MeetingId(m.id))
                    .await?
                    .iter()
                    .map(|d| agenda_line(d, today, false))
                    .collect();
                let earlier = self.store.decisions_before(tenant, m).await?;
                lines.extend(earlier.iter().map(|d| agenda_line(d, today, true)).filter(|d| !d.state.is_done()));
                (Some(m.number), lines)
            }
            None => (None, Vec::new()),
        };
        let orgs = self.orgs(user).await?;
        let org_name = |id: Option<OrgId>| {
            id.and_then(|id| orgs.iter().find(|o| o.id == id)).map(|o| o.name.clone()).unwrap_or_default()
        };
        // The projects of the year the map speaks of, so that the agenda's
        // counts are the map's.
        let year = Some(self.current_project_year(tenant, ProjectScope::All).await?);
        let (lagging_projects, lagging_total) =
            self.store.lagging_projects(tenant, ProjectScope::All, year, AGENDA_ITEMS * 4).await?;
        let mut stalled = Vec::new();
        let mut lagging = Vec::new();
        for p in &lagging_projects {
            let org = org_name(p.fields.lead_org_id.or(Some(p.fields.owner_org_id)));
            let line = |what: String| AgendaItem {
                project_id: p.id.0,
                project: p.fields.name.clone(),
                what,
                org: org.clone(),
            };
            let dates: Vec<&str> = p.reasons.split('；').filter(|r| r.contains("开工") || r.contains("竣工")).collect();
            if !dates.is_empty() && (stalled.len() as i64) < AGENDA_ITEMS {
                stalled.push(line(dates.join("；")));
            }
            if p.gap > 0 && p.reasons.contains("投资完成率") && (lagging.len() as i64) < AGENDA_ITEMS {
                lagging.push(line(format!("投资完成率{}%，落后序时进度{}个百分点", p.rate, p.gap)));
            }
        }
        let prework = self
            .store
            .overdue_prework(tenant, ProjectScope::All, today, year, AGENDA_ITEMS)
            .await?
            .into_iter()
            .map(|n| AgendaItem {
                project_id: n.project_id,
                project: n.project_name.clone(),
                what: format!("{}逾期{}天（时限{}）", n.name, (today - n.deadline).num_days(), n.deadline),
                org: n.org_name,
            })
            .collect();
        let blockers = self
            .store
            .open_factor_issues(tenant, ProjectScope::All, None, year, AGENDA_ITEMS)
            .await?
            .into_iter()
            .map(|f| AgendaItem {
                project_id: f.project_id.0,
                project: f.project_name.clone(),
                what: format!(
                    "{}：{}（{}，{}，{}）",
                    f.kind.label(),
                    f.description,
                    f.level.label(),
                    f.status.label(),
                    super::factor_deadline_words(&f)
                ),
                org: f.org_name,
            })
            .collect();
        Ok(Agenda {
            generated_on: Some(today),
            backfilled: false,
            previous_number,
            previous,
            stalled,
            lagging,
            lagging_total,
            prework,
            blockers,
        })
    }

    /// Calls a meeting (the office only) with today's agenda kept in it, or
    /// records one held before today as 补录, without an agenda. A date
    /// before the latest meeting's is refused: meetings are numbered in the
    /// order they were held; so is a date after today. Returns its id.
    pub async fn create_meeting(&self, user: &User, input: &MeetingInput) -> Result<MeetingId> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let today = self.clock.today();
        let mut invalid = Invalid::new();
        let title = invalid.text("title", "会议名称", &input.title, 100);
        let held_on = match input.held_on.trim() {
            "" => Some(today),
            text => parse_date(&mut invalid, "held_on", "会议日期", text),
        };
        let place = invalid.optional_text("place", "会议地点", &input.place, 100);
        let chair = invalid.optional_text("chair", "主持人", &input.chair, 50);
        let attendees = invalid.optional_text("attendees", "参会人员", &input.attendees, 2000);
        let summary = invalid.optional_text("summary", "会议内容", &input.summary, 5000);
        let latest = self.store.meetings(user.tenant_id).await?.into_iter().next();
        if let Some(on) = held_on
            && on > today
        {
            // A meeting is recorded on the day it is held or after: one dated
            // ahead would number itself before the meetings held until then.
            invalid.add("held_on", "future", format!("会议日期{on}晚于今天：调度会在召开当天登记，议程按当天情况生成"));
        } else if let (Some(on), Some(latest)) = (held_on, &latest)
            && on < latest.held_on
        {
            invalid.add(
                "held_on",
                "before_latest",
                format!(
                    "会议日期{on}早于已登记的第{}次调度会（{}）。调度会按召开先后编号，不能补录在已登记的会议之前",
                    latest.number, latest.held_on
                ),
            );
        }
        invalid.into_result()?;
        let held_on = held_on.unwrap_or(today);
        let agenda = if held_on < today {
            Agenda { backfilled: true, previous_number: latest.as_ref().map(|m| m.number), ..Agenda::default() }
        } else {
            self.agenda_after(user, latest.as_ref()).await?
        };
        let new = NewMeeting {
            title,
            held_on,
            place,
            chair,
            attendees,
            summary,
            agenda: serde_json::to_string(&agenda).map_err(|e| AppError::Internal(e.to_string()))?,
        };
        Ok(self.store.create_meeting(user.tenant_id, &new, self.actor(user)).await?)
    }

    /// The tenant's meetings, latest first (the office and leaders).
    pub async fn meetings(&self, user: &User) -> Result<Vec<Meeting>> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.meetings(user.tenant_id).await?)
    }

    /// A meeting with its agenda and decisions (the office and leaders).
    pub async fn meeting_detail(&self, user: &User, id: MeetingId) -> Result<MeetingDetail> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let meeting = self.store.meeting(user.tenant_id, id).await?.ok_or(AppError::NotFound("调度会"))?;
        let agenda = serde_json::from_str(&meeting.agenda).unwrap_or_default();
        let decisions = self.store.decisions(user.tenant_id, id).await?;
        Ok(MeetingDetail { meeting, agenda, decisions })
    }

    /// Records what the meeting heard and who attended (the office).
    pub async fn update_meeting_minutes(
        &self,
        user: &User,
        id: MeetingId,
        attendees: &str,
        summary: &str,
    ) -> Result<()> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let mut invalid = Invalid::new();
        let attendees = invalid.optional_text("attendees", "参会人员", attendees, 2000);
        let summary = invalid.optional_text("summary", "会议内容", summary, 5000);
        invalid.into_result()?;
        Ok(self.store.update_meeting_minutes(user.tenant_id, id, &attendees, &summary, self.actor(user)).await?)
    }

    /// Records a decision of a meeting (the office).
    pub async fn add_decision(&self, user: &User, meeting: MeetingId, input: &DecisionInput) -> Result<DecisionId> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let mut invalid = Invalid::new();
        let content = invalid.text("content", "议定事项", &input.content, 1000);
        let lead = self.project_org(user, &mut invalid, "lead_org_id", "牵头单位", &input.lead_org_id).await?;
        let deadline = match input.deadline.trim() {
            "" => {
                invalid.add("deadline", "required", "请填写完成时限");
                None
            }
            text => parse_date(&mut invalid, "deadline", "完成时限", text),
        };
        let held_on = self.store.meeting(user.tenant_id, meeting).await?.ok_or(AppError::NotFound("调度会"))?.held_on;
        if let Some(day) = deadline
            && day < held_on
        {
            // Agreed at the meeting, it cannot have been due before it (a 补录
            // meeting's decisions may be past due today, not before the meeting).
            invalid.add("deadline", "before_meeting", format!("完成时限{day}早于会议日期{held_on}"));
        }
        let project = match input.project_id.trim() {
            "" => None,
            text => match text.parse::<i64>().ok().map(ProjectId) {
                Some(id) if self.store.project(user.tenant_id, id).await?.is_some() => Some(id),
                _ => {
                    invalid.add("project_id", "not_found", format!("项目（编号{text}）不存在"));
                    None
                }
            },
        };
        invalid.into_result()?;
        let new = NewDecision {
            project_id: project,
            content,
            lead_org_id: lead.unwrap_or(OrgId(0)),
            deadline: deadline.unwrap_or_default(),
        };
        Ok(self.store.add_decision(user.tenant_id, meeting, &new, self.actor(user)).await?)
    }

    /// Turns a decision into a 督办 matter on the 13710 rule, in one step.
    pub async fn assign_decision(&self, user: &User, id: DecisionId) -> Result<AssignmentId> {
        let d = self.store.decision(user.tenant_id, id).await?.ok_or(AppError::NotFound("议定事项"))?;
        if d.assignment_id.is_some() {
            return Err(AppError::Conflict("该议定事项已转为督办事项".to_owned()));
        }
        let meeting =
            self.store.meeting(user.tenant_id, MeetingId(d.meeting_id)).await?.ok_or(AppError::NotFound("调度会"))?;
        let short: String = d.content.chars().take(40).collect();
        // The 完成时限 agreed at the meeting is the matter's 时间表: it is due
        // to be solved then (13710's rule for a 重大复杂事项), not ten working
        // days on. A deadline already past leaves the ordinary rule.
        let timetable = (d.deadline > self.clock.today()).then_some(d.deadline);
        let input = NewAssignmentInput {
            title: format!("第{}次调度会议定：{short}", meeting.number),
            source: AssignmentSource::MeetingDecision.code().to_owned(),
            text: format!("{}（{}议定，完成时限{}）", d.content, meeting.title, d.deadline),
            lead_org_id: Some(d.lead_org_id),
            is_major: timetable.is_some(),
            timetable: timetable.map(|t| t.to_string()).unwrap_or_default(),
            ..NewAssignmentInput::default()
        };
        self.create_linked_assignment(user, &input, Some(AssignmentLink::Decision(id))).await
    }

    /// Turns every decision of a meeting not yet a matter into one; returns how many.
    pub async fn assign_all_decisions(&self, user: &User, meeting: MeetingId) -> Result<usize> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let mut count = 0;
        for d in self.store.decisions(user.tenant_id, meeting).await? {
            if d.assignment_id.is_none() {
                self.assign_decision(user, d.id()).await?;
                count += 1;
            }
        }
        Ok(count)
    }
}
