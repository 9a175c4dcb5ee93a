//! 首页 (the workbench): the first page after sign-in answers each role's
//! question — what do I owe (a reporter), what waits for me (the office),
//! what is going wrong (a leader) — with counts that link to their lists.
//! The menu shows the same counts ([`App::workbench_counts`]).

use crate::{App, AppError, Dashboard, Result};
use chrono::NaiveDate;
use qingdan_domain::assignment::AssignmentStatus;
use qingdan_domain::reporting::DueState;
use qingdan_domain::{Light, Role, User};
use qingdan_storage::{AssignmentQuery, AssignmentScope, AssignmentSummary, ReviewFilter};
use std::sync::Arc;

/// One line of the workbench: a count, where its list is, and the nearest due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pile {
    /// A code for tests and CSS (`due`, `returned`, `to_review`, …).
    pub code: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub link: String,
    /// The nearest due date among its items, when they have one.
    pub due: Option<NaiveDate>,
    /// The first items, to act on from the page (title, link, due date).
    pub items: Vec<(String, String, Option<NaiveDate>)>,
}

/// What a role's first page shows.
#[derive(Debug, Clone)]
pub struct Workbench {
    pub piles: Vec<Pile>,
    /// A leader's (and the office's) battle map ([`App::map_plan`]).
    pub map: Option<Arc<Dashboard>>,
}

/// Items shown under each count.
const SHOWN: usize = 5;

impl App {
    /// The user's workbench. The three administrators have none (their first
    /// page is their duty's).
    pub async fn workbench(&self, user: &User) -> Result<Workbench> {
        if user.role.is_administrator() {
            return Err(AppError::Forbidden);
        }
        let piles = self.piles(user).await?;
        let map = match user.role {
            Role::Leader | Role::Supervisor => match self.map_plan(user.tenant_id).await? {
                Some(plan) => Some(self.dashboard(user, plan.id).await?),
                None => None,
            },
            _ => None,
        };
        Ok(Workbench { piles, map })
    }

    /// The counts of the user's workbench, for the menu's badges: `(code, count)`.
    pub async fn workbench_counts(&self, user: &User) -> Result<Vec<(&'static str, usize)>> {
        Ok(self.piles(user).await?.iter().map(|p| (p.code, p.count)).collect())
    }

    /// [`App::workbench_counts`] for the menu's badges, which every page asks
    /// for: kept ten seconds per user, so a burst of pages counts once.
    pub async fn menu_counts(&self, user: &User) -> Result<Vec<(&'static str, usize)>> {
        if let Some(counts) = self.menu_counts.get(&user.id) {
            return Ok(counts);
        }
        let counts = self.workbench_counts(user).await?;
        self.menu_counts.put(user.id, counts.clone());
        Ok(counts)
    }

    async fn piles(&self, user: &User) -> Result<Vec<Pile>> {
        match user.role {
            Role::Reporter => self.reporter_piles(user).await,
            Role::Supervisor => self.office_piles(user).await,
            _ => Ok(Vec::new()),
        }
    }

    async fn reporter_piles(&self, user: &User) -> Result<Vec<Pile>> {
        let mut piles = Vec::new();
        // Every running plan: last year's still owes its last reports in January.
        let all = self.my_reporting_everywhere(user).await?;
        if !all.is_empty() {
            let items = || all.iter().flat_map(|my| &my.items);
            let overdue = || all.iter().flat_map(|my| &my.overdue);
            let owed: Vec<_> =
                items().filter(|t| matches!(t.status.state, DueState::Pending | DueState::Missing)).collect();
            let returned: Vec<_> = items().chain(overdue()).filter(|t| t.status.state == DueState::Returned).collect();
            let missing: Vec<_> = overdue().filter(|t| t.status.state == DueState::Missing).collect();
            let report = |t: &&crate::reporting::schedule::TaskReporting| {
                let link = format!("/tasks/{}/report?period={}", t.task_id.0, t.period);
                (format!("{} {}", t.number, t.title), link, Some(t.due_date))
            };
            let mut returned: Vec<_> = returned.iter().map(report).collect();
            returned.extend(self.returned_elsewhere(user, &returned).await?);
            piles.push(pile("due", "本期应报", "/my", owed.iter().map(report).collect()));
            piles.push(pile("returned", "已退回", "/my", returned));
            piles.push(pile("missing", "逾期未报", "/my", missing.iter().map(report).collect()));
        }
        piles.extend(self.project_piles(user).await?);
        let org = self.org_assignments(user).await?;
        let stage = |status: AssignmentStatus| -> Vec<_> {
            org.to_act.iter().filter(|a| a.status == status).map(matter).collect()
        };
        piles.push(pile("to_sign", "待签收", "/my-assignments", stage(AssignmentStatus::Assigned)));
        piles.push(pile("to_feedback", "待反馈", "/my-assignments", stage(AssignmentStatus::Deployed)));
        Ok(piles)
    }

    /// The org's reports sent back for a period neither current nor owed (a
    /// report the office reopened, 撤销通过, months later), not yet listed
    /// in `listed`: still the reporter's to correct.
    async fn returned_elsewhere(
        &self,
        user: &User,
        listed: &[(String, String, Option<NaiveDate>)],
    ) -> Result<Vec<(String, String, Option<NaiveDate>)>> {
        let recent = self.store.org_reports(user.tenant_id, user.org_id, 200).await?;
        Ok(recent
            .into_iter()
            .filter(|r| r.report.status == qingdan_domain::ReportStatus::Returned && !r.is_frozen)
            .map(|r| {
                let link = format!("/tasks/{}/report?period={}", r.report.task_id.0, r.report.period);
                (format!("{} {}（{}）", r.task_number, r.task_title, r.report.period.label()), link, None)
            })
            .filter(|(_, link, _)| listed.iter().all(|l| l.1 != *link))
            .collect())
    }

    /// A project owner's half-month reports (重点项目): those owed for the
    /// current half-month and those sent back. None for an org owning no
    /// project under construction and with nothing returned.
    async fn project_piles(&self, user: &User) -> Result<Vec<Pile>> {
        let start = qingdan_domain::project::half_month_start(self.clock.today());
        let owed = self.store.owed_project_reports(user.tenant_id, user.org_id, start).await?;
        if owed.due.is_empty() && owed.returned.is_empty() {
            return Ok(Vec::new());
        }
        let item = |(id, name, start): &(qingdan_domain::ProjectId, String, NaiveDate)| {
            let label = qingdan_domain::project::half_month_label(*start);
            let due = qingdan_domain::project::half_month_end(*start);
            (format!("{name}（{label}）"), format!("/projects/{}#report-form", id.0), Some(due))
        };
        Ok(vec![
            pile("project_due", "项目半月报应报", "/projects", owed.due.iter().map(item).collect()),
            pile("project_returned", "项目半月报已退回", "/projects", owed.returned.iter().map(item).collect()),
        ])
    }

    /// The tenant's open matters lit `light` (any light: None), or only
    /// those with a 延期 request waiting: the most urgent few and the count.
    async fn open_matters(&self, user: &User, light: Option<Light>, pending_extension_only: bool) -> Result<Matters> {
        let query = AssignmentQuery {
            tenant_id: user.tenant_id,
            scope: AssignmentScope::All,
            light,
            open_only: true,
            pending_extension_only,
            page: 0,
            per_page: SHOWN as u32,
            with_total: true,
        };
        let page = self.store.assignments(&query).await?;
        Ok(Matters { first: page.items, total: page.total })
    }

    async fn office_piles(&self, user: &User) -> Result<Vec<Pile>> {
        // A frozen report (its plan archived) waits for nobody's review.
        let waiting = ReviewFilter { reviewable_only: true, ..ReviewFilter::default() };
        let oldest = self.store.review_queue_filtered(user.tenant_id, &waiting, SHOWN as u32, 0).await?;
        let reviews = oldest
            .iter()
            .map(|r| (format!("{} {}（{}）", r.task_number, r.task_title, r.org_name), "/reviews".to_owned(), None))
            .collect();
        let waiting = self.store.review_queue_total(user.tenant_id, &waiting).await?;
        let extensions = self.open_matters(user, None, true).await?;
        // A matter past its stage's due date is lit red (13710): that is 逾期.
        let overdue = self.open_matters(user, Some(Light::Red), false).await?;
        let mut piles = vec![
            Pile {
                count: usize::try_from(waiting).unwrap_or(0), ..pile("to_review", "待审核", "/reviews", reviews)
            },
            extensions.into_pile("extensions", "待审批延期", "/assignments"),
            overdue.into_pile("overdue", "逾期事项", "/assignments?light=red"),
        ];
        if let Some(plan) = self.current_plan(user.tenant_id).await? {
            let stale = self.stale_tasks(user, plan.id).await?;
            let link = format!("/plans/{}/reporting", plan.id.0);
            let items = stale.iter().map(|t| (format!("{} {}", t.number, t.title), link.clone(), None)).collect();
            piles.push(pile("stale", "久未报送", &link, items));
        }
        Ok(piles)
    }
}

/// The first open matters of a workbench line and how many there are in all.
struct Matters {
    first: Vec<AssignmentSummary>,
    total: i64,
}

impl Matters {
    fn into_pile(self, code: &'static str, label: &'static str, link: &str) -> Pile {
        let count = usize::try_from(self.total).unwrap_or(0);
        Pile { count, ..pile(code, label, link, self.first.iter().map(matter).collect()) }
    }
}

fn matter(a: &AssignmentSummary) -> (String, String, Option<NaiveDate>) {
    (a.title.clone(), format!("/assignments/{}", a.id.0), Some(a.current_due))
}

fn pile(
    code: &'static str,
    label: &'static str,
    link: &str,
    mut items: Vec<(String, String, Option<NaiveDate>)>,
) -> Pile {
    let due = items.iter().filter_map(|i| i.2).min();
    items.sort_by_key(|i| i.2);
    let count = items.len();
    items.truncate(SHOWN);
    Pile { code, label, count, link: link.to_owned(), due, items }
}
