//! Half-monthly project reports (项目进展): submitted by the owner's
//! reporters, reviewed by the office. An acceptance adds the report's amount
//! to the project's figures, moves its stage to the milestone reached and
//! relights it, in one transaction.

use super::{LightBasis, ProjectScope, refigure, relight};
use crate::audit::{event, record};
use crate::error::{Conflict, Entity, StorageError};
use crate::rows::{code, decimal};
use crate::store::{in_tx, on_pool};
use crate::{Actor, Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::project::{ProjectReportStatus, Stage};
use qingdan_domain::{Decimal, OrgId, ProjectId, ProjectReportId, TenantId};
use serde_json::json;

/// A report as submitted for one half-month.
#[derive(Debug, Clone)]
pub struct NewProjectReport {
    pub project_id: ProjectId,
    /// The half-month's first day (the 1st or the 16th).
    pub period_start: NaiveDate,
    /// 本期完成投资, 万元.
    pub amount: Decimal,
    /// 形象进度 in words.
    pub progress_text: String,
    /// The stage reached this period, when it moved.
    pub milestone: Option<Stage>,
    /// 在岗人数 on site.
    pub workforce: i64,
    /// 存在问题
    pub problems: String,
}

/// A stored report with its project's name and who did what.
#[derive(Debug, Clone)]
pub struct ProjectReport {
    pub id: ProjectReportId,
    pub project_id: ProjectId,
    pub project_name: String,
    pub period_start: NaiveDate,
    pub amount: Decimal,
    pub progress_text: String,
    pub milestone: Option<Stage>,
    pub workforce: i64,
    pub problems: String,
    pub status: ProjectReportStatus,
    pub submitted_by: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub reviewed_by: Option<String>,
    pub review_note: String,
    /// 1 for the first submission, +1 for each resubmission.
    pub revision: i64,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    project_id: i64,
    project_name: String,
    period_start: NaiveDate,
    amount: String,
    progress_text: String,
    milestone: Option<String>,
    workforce: i64,
    problems: String,
    status: String,
    submitted_by: Option<String>,
    submitted_at: DateTime<Utc>,
    reviewed_by: Option<String>,
    review_note: String,
    revision: i64,
}

const TABLE: &str = "project_reports";

const SELECT: &str = "SELECT r.id, r.project_id, p.name AS project_name, r.period_start, r.amount, r.progress_text, \
    r.milestone, r.workforce, r.problems, r.status, s.display_name AS submitted_by, r.submitted_at, \
    v.display_name AS reviewed_by, r.review_note, r.revision FROM project_reports r JOIN projects p ON p.id = r.project_id \
    LEFT JOIN users s ON s.id = r.submitted_by LEFT JOIN users v ON v.id = r.reviewed_by";

impl ReportRow {
    fn into_report(self) -> Result<ProjectReport> {
        Ok(ProjectReport {
            id: ProjectReportId(self.id),
            project_id: ProjectId(self.project_id),
            project_name: self.project_name,
            period_start: self.period_start,
            amount: decimal(TABLE, &self.amount)?,
            progress_text: self.progress_text,
            milestone: self.milestone.as_deref().map(|m| code(TABLE, m, Stage::from_code)).transpose()?,
            workforce: self.workforce,
            problems: self.problems,
            status: code(TABLE, &self.status, ProjectReportStatus::from_code)?,
            submitted_by: self.submitted_by,
            submitted_at: self.submitted_at,
            reviewed_by: self.reviewed_by,
            review_note: self.review_note,
            revision: self.revision,
        })
    }
}

impl Store {
    /// Submits (or, while not accepted, resubmits) a project's report for a
    /// half-month. A period already accepted is refused. Gives the report and
    /// its revision: 1 for a first submission, more when it replaced one.
    pub async fn submit_project_report(
        &self,
        tenant: TenantId,
        new: &NewProjectReport,
        actor: Actor,
    ) -> Result<(ProjectReportId, i64)> {
        let id = in_tx!(self, tx => {
            let saved: Option<(i64, i64)> = sqlx::query_as(
                "INSERT INTO project_reports (tenant_id, project_id, period_start, amount, progress_text, milestone, \
                 workforce, problems, status, submitted_by, submitted_at, review_note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, $10, '') \
                 ON CONFLICT (project_id, period_start) DO UPDATE SET amount = excluded.amount, \
                 progress_text = excluded.progress_text, milestone = excluded.milestone, workforce = excluded.workforce, \
                 problems = excluded.problems, status = 'submitted', submitted_by = excluded.submitted_by, \
                 submitted_at = excluded.submitted_at, reviewed_by = NULL, reviewed_at = NULL, review_note = '', \
                 revision = project_reports.revision + 1 \
                 WHERE project_reports.status <> 'accepted' RETURNING id, revision",
            )
            .bind(tenant.0)
            .bind(new.project_id.0)
            .bind(new.period_start)
            .bind(new.amount.to_string())
            .bind(&new.progress_text)
            .bind(new.milestone.map(Stage::code))
            .bind(new.workforce)
            .bind(&new.problems)
            .bind(actor.user_id.map(|u| u.0))
            .bind(actor.at)
            .fetch_optional(&mut *tx)
            .await?;
            let (id, revision) = saved.ok_or(StorageError::Conflict(Conflict::ProjectReportAccepted))?;
            let action = if revision == 1 { "submit" } else { "resubmit" };
            let after = json!({"project_id": new.project_id, "period_start": new.period_start,
                               "amount": new.amount.to_string(), "milestone": new.milestone.map(Stage::code),
                               "revision": revision});
            record!(tx, event(tenant, actor, "project_report", id, action, None, Some(after)));
            (ProjectReportId(id), revision)
        });
        Ok(id)
    }

    /// Accepts or returns a report waiting for review. An acceptance adds its
    /// amount to the project's figures, moves the project to the milestone
    /// (never back) with the period's last day as the stage's date (the
    /// review day when that half-month has not ended yet: never a future
    /// date), takes its 形象进度 unless a later period is already accepted
    /// (the newest period says where the project stands), and relights it.
    /// With `seen_revision`, a report resubmitted since the reviewer read it
    /// is `Conflict::ProjectReportChanged` and stays waiting.
    #[allow(clippy::too_many_arguments)]
    pub async fn review_project_report(
        &self,
        tenant: TenantId,
        id: ProjectReportId,
        seen_revision: Option<i64>,
        accept: bool,
        note: &str,
        basis: LightBasis,
        actor: Actor,
    ) -> Result<ProjectId> {
        let status = if accept { ProjectReportStatus::Accepted } else { ProjectReportStatus::Returned };
        let project = in_tx!(self, tx => {
            let row: Option<(i64, Option<String>, String, NaiveDate)> = sqlx::query_as(
                "UPDATE project_reports SET status = $1, reviewed_by = $2, reviewed_at = $3, review_note = $4 \
                 WHERE tenant_id = $5 AND id = $6 AND status = 'submitted' AND ($7 IS NULL OR revision = $7) \
                 RETURNING project_id, milestone, progress_text, period_start",
            )
            .bind(status.code())
            .bind(actor.user_id.map(|u| u.0))
            .bind(actor.at)
            .bind(note)
            .bind(tenant.0)
            .bind(id.0)
            .bind(seen_revision)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((project, milestone, progress_text, period)) = row else {
                let status: Option<String> = sqlx::query_scalar("SELECT status FROM project_reports WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0).bind(id.0).fetch_optional(&mut *tx).await?;
                return Err(match status.as_deref() {
                    Some("submitted") => StorageError::Conflict(Conflict::ProjectReportChanged),
                    Some(_) => StorageError::Conflict(Conflict::ProjectReportNotWaiting),
                    None => StorageError::NotFound(Entity::ProjectReport),
                });
            };
            let project = ProjectId(project);
            if accept {
                refigure!(tx, tenant, project);
                let current: String = sqlx::query_scalar("SELECT stage FROM projects WHERE id = $1")
                    .bind(project.0).fetch_one(&mut *tx).await?;
                let current = code("projects", &current, Stage::from_code)?;
                let reached = milestone.as_deref().map(|m| code(TABLE, m, Stage::from_code)).transpose()?;
                let stage = reached.filter(|r| *r > current);
                let on = qingdan_domain::project::half_month_end(period).min(basis.today);
                let newer: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM project_reports WHERE project_id = $1 AND status = 'accepted' AND period_start > $2",
                )
                .bind(project.0).bind(period).fetch_one(&mut *tx).await?;
                let progress_text = (newer == 0).then_some(progress_text);
                let date_column = stage.and_then(stage_date_column);
                let sql = match date_column {
                    Some(column) => format!("UPDATE projects SET stage = $1, progress_text = COALESCE($2, progress_text), {column} = COALESCE({column}, $3) WHERE id = $4"),
                    None => "UPDATE projects SET stage = $1, progress_text = COALESCE($2, progress_text), updated_at = updated_at WHERE id = $4 AND $3 = $3".to_owned(),
                };
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(stage.unwrap_or(current).code())
                    .bind(progress_text)
                    .bind(on)
                    .bind(project.0)
                    .execute(&mut *tx)
                    .await?;
                relight!(tx, tenant, project, basis);
            }
            let after = json!({"status": status.code(), "note": note, "revision": seen_revision});
            record!(tx, event(tenant, actor, "project_report", id.0, "review", None, Some(after)));
            project
        });
        Ok(project)
    }

    /// One report.
    pub async fn project_report(&self, tenant: TenantId, id: ProjectReportId) -> Result<Option<ProjectReport>> {
        let sql = format!("{SELECT} WHERE r.tenant_id = $1 AND r.id = $2");
        let row: Option<ReportRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(id.0).fetch_optional(pool).await?
        });
        row.map(ReportRow::into_report).transpose()
    }

    /// The owners whose projects under construction (开工, 在建) have no
    /// report for the half-month starting `period_start`: (owner, its name,
    /// how many projects), by owner.
    pub async fn owners_missing_project_reports(
        &self,
        tenant: TenantId,
        period_start: NaiveDate,
    ) -> Result<Vec<(OrgId, String, i64)>> {
        let rows: Vec<(i64, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT p.owner_org_id, o.name, COUNT(*) FROM projects p JOIN orgs o ON o.id = p.owner_org_id \
                 WHERE p.tenant_id = $1 AND p.stage IN ('started', 'building') \
                   AND NOT EXISTS (SELECT 1 FROM project_reports r WHERE r.project_id = p.id AND r.period_start = $2) \
                 GROUP BY p.owner_org_id, o.name ORDER BY p.owner_org_id",
            )
            .bind(tenant.0)
            .bind(period_start)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(org, name, count)| (OrgId(org), name, count)).collect())
    }

    /// What an owner org's reporters owe, oldest first: its projects under
    /// construction with no report for the half-month starting
    /// `period_start`, and its reports sent back (退回) to be resubmitted.
    /// Each is (project, its name, the half-month's first day).
    pub async fn owed_project_reports(
        &self,
        tenant: TenantId,
        owner: OrgId,
        period_start: NaiveDate,
    ) -> Result<OwedProjectReports> {
        type Due = Vec<(i64, String)>;
        type Returned = Vec<(i64, String, NaiveDate)>;
        let (due, returned): (Due, Returned) = on_pool!(self, pool => {
            let due = sqlx::query_as(
                "SELECT p.id, p.name FROM projects p WHERE p.tenant_id = $1 AND p.owner_org_id = $2 \
                 AND p.stage IN ('started', 'building') \
                 AND NOT EXISTS (SELECT 1 FROM project_reports r WHERE r.project_id = p.id AND r.period_start = $3) \
                 ORDER BY p.id",
            )
            .bind(tenant.0).bind(owner.0).bind(period_start).fetch_all(pool).await?;
            let returned = sqlx::query_as(
                "SELECT p.id, p.name, r.period_start FROM project_reports r JOIN projects p ON p.id = r.project_id \
                 WHERE r.tenant_id = $1 AND p.owner_org_id = $2 AND r.status = $3 ORDER BY r.period_start, p.id",
            )
            .bind(tenant.0).bind(owner.0).bind(ProjectReportStatus::Returned.code()).fetch_all(pool).await?;
            (due, returned)
        });
        Ok(OwedProjectReports {
            due: due.into_iter().map(|(id, name)| (ProjectId(id), name, period_start)).collect(),
            returned: returned.into_iter().map(|(id, name, start)| (ProjectId(id), name, start)).collect(),
        })
    }

    /// A project's reports, newest period first.
    pub async fn project_reports(&self, tenant: TenantId, project: ProjectId) -> Result<Vec<ProjectReport>> {
        let sql = format!("{SELECT} WHERE r.tenant_id = $1 AND r.project_id = $2 ORDER BY r.period_start DESC");
        let rows: Vec<ReportRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(project.0).fetch_all(pool).await?
        });
        rows.into_iter().map(ReportRow::into_report).collect()
    }

    /// Reports waiting for review, of the projects `scope` may see, oldest first.
    pub async fn project_review_queue(
        &self,
        tenant: TenantId,
        scope: ProjectScope,
        limit: i64,
    ) -> Result<Vec<ProjectReport>> {
        let (org_filter, org) = match scope {
            ProjectScope::All => ("$2 = $2".to_owned(), 0),
            ProjectScope::Org(org) => (super::org_sees("$2"), org.0),
        };
        let sql = format!(
            "{SELECT} WHERE r.tenant_id = $1 AND r.status = 'submitted' AND {org_filter} ORDER BY r.id LIMIT $3"
        );
        let rows: Vec<ReportRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(org).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(ReportRow::into_report).collect()
    }

    /// How many reports wait for review, of every project.
    pub async fn project_reports_waiting(&self, tenant: TenantId) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM project_reports WHERE tenant_id = $1 AND status = 'submitted'")
                .bind(tenant.0)
                .fetch_one(pool)
                .await?
        }))
    }
}

/// The project column that dates reaching `stage`.
fn stage_date_column(stage: Stage) -> Option<&'static str> {
    match stage {
        Stage::Planning | Stage::Building => None,
        Stage::Signed => Some("signed_on"),
        Stage::Started => Some("actual_start"),
        Stage::Completed => Some("actual_completion"),
        Stage::Producing => Some("producing_on"),
    }
}

/// A photo of a project report, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPhoto {
    pub id: i64,
    pub report_id: ProjectReportId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by_name: String,
    pub uploaded_at: DateTime<Utc>,
}

const PHOTOS: crate::files::FileTable = crate::files::FileTable { table: "project_report_files", owner: "report_id" };

fn into_photo(r: crate::files::FileRow) -> ProjectPhoto {
    ProjectPhoto {
        id: r.id,
        report_id: ProjectReportId(r.owner_id),
        name: r.name,
        content_type: r.content_type,
        size: r.size,
        uploaded_by_name: r.uploaded_by_name.unwrap_or_default(),
        uploaded_at: r.uploaded_at,
    }
}

impl Store {
    /// Adds photos to a report waiting for review, with an audit event each,
    /// in one transaction; a report no longer waiting is a `Conflict`.
    pub async fn add_project_photos(
        &self,
        tenant: TenantId,
        report: ProjectReportId,
        files: &[crate::NewReportFile],
        actor: Actor,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let waiting: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM project_reports WHERE tenant_id = $1 AND id = $2 AND status = 'submitted'",
            )
            .bind(tenant.0)
            .bind(report.0)
            .fetch_optional(&mut *tx)
            .await?;
            if waiting.is_none() {
                return Err(StorageError::Conflict(Conflict::ProjectReportNotWaiting));
            }
            for file in files {
                let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO project_report_files (tenant_id, report_id, name, content_type, size, content, \
                     uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(tenant.0)
                .bind(report.0)
                .bind(&file.name)
                .bind(&file.content_type)
                .bind(size)
                .bind(&file.content)
                .bind(actor.user_id.map(|u| u.0))
                .bind(actor.at)
                .fetch_one(&mut *tx)
                .await?;
                let after = json!({"report_id": report, "name": file.name, "content_type": file.content_type, "size": size});
                record!(tx, event(tenant, actor, "project_photo", id, "create", None, Some(after)));
            }
        });
        Ok(())
    }

    /// The photos of a project's reports, oldest first, without their content.
    pub async fn project_photos(&self, tenant: TenantId, project: ProjectId) -> Result<Vec<ProjectPhoto>> {
        let sql = format!(
            "{} WHERE f.tenant_id = $1 AND f.report_id IN (SELECT id FROM project_reports WHERE project_id = $2) ORDER BY f.id",
            PHOTOS.select("")
        );
        let rows: Vec<crate::files::FileRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tenant.0).bind(project.0).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(into_photo).collect())
    }

    /// One photo of a report with its content.
    pub async fn project_photo(
        &self,
        tenant: TenantId,
        report: ProjectReportId,
        id: i64,
    ) -> Result<Option<(ProjectPhoto, Vec<u8>)>> {
        Ok(PHOTOS.with_content(self, tenant, report.0, id).await?.map(|(row, content)| (into_photo(row), content)))
    }
}

/// What an owner org's reporters owe ([`Store::owed_project_reports`]): each
/// is (project, its name, the half-month's first day).
#[derive(Debug, Clone, Default)]
pub struct OwedProjectReports {
    /// No report yet for the current half-month.
    pub due: Vec<(ProjectId, String, NaiveDate)>,
    /// Sent back, to be corrected and resubmitted.
    pub returned: Vec<(ProjectId, String, NaiveDate)>,
}
