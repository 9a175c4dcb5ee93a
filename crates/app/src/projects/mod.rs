//! 重点项目 (key projects): the register the project office keeps, who may
//! see and change what, and each project's page.
//!
//! Rights:
//! - the office (督查员; the 发改委 project office holds this role too)
//!   registers and edits projects, reviews their reports, adds 前期手续,
//!   holds 调度会 and turns what lags into 督办 matters;
//! - an owner's reporters (业主单位填报员) report on their own projects, raise
//!   堵点 on them and confirm their close-out (销号);
//! - an org's people see the projects it owns or leads, and a county's or a
//!   zone's people the projects in it; the org that must solve a 堵点 or
//!   handle a 前期手续 sees and works that item;
//! - leaders read all, and their own (包联) projects on one page;
//! - the three administrators see none.

mod documents;
mod ledger;
mod ledger_preview;
mod map;
mod meetings;
mod people;
mod reminders;
mod work;

pub use ledger::ProjectLedgerImported;
pub(crate) use ledger_preview::ProjectLedgerPlan;
pub use ledger_preview::{ChangedProject, FieldChange, NewProject, ProjectLedgerPreview, RefusedRow};
pub use map::{BatchCount, GroupFigures, ProjectMap, RED_LIST, StageCount, default_map_year};
pub use meetings::{Agenda, AgendaDecision, AgendaItem, DecisionInput, MeetingDetail, MeetingInput, decision_state};
pub use reminders::{PROJECT_SCHEDULE, project_reminder};
pub use work::{FactorInput, PreworkInput, ProjectReportInput};

use crate::guards::require_business;
use crate::input::{parse_date, parse_decimal};
use crate::{App, AppError, Result};
use chrono::{Datelike, NaiveDate};
use qingdan_domain::project::{Batch, Category, KeyProject, Level, Nature, ProjectFields, Stage};
use qingdan_domain::{Decimal, Invalid, OrgId, OrgKind, ProjectId, Role, TaskId, User};
pub use qingdan_storage::ProjectReport;
use qingdan_storage::{FactorIssue, LightBasis, Prework, ProjectPage, ProjectQuery, ProjectScope};
use serde::Deserialize;

/// A 堵点's 解决时限 in words: `时限2026-07-10` while it stands as agreed;
/// `原定解决时限2026-07-10，提级协调后时限2026-07-24` once the escalation
/// sweep has moved it (the agenda, the map, the matter made from it).
pub fn factor_deadline_words(f: &FactorIssue) -> String {
    match f.agreed_deadline {
        Some(agreed) => format!("原定解决时限{agreed}，提级协调后时限{}", f.deadline),
        None => format!("时限{}", f.deadline),
    }
}

/// A project as typed into the register form: every field as text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectInput {
    pub name: String,
    pub code: String,
    pub nature: String,
    pub category: String,
    pub industry: String,
    pub county_org_id: String,
    pub zone_org_id: String,
    pub location: String,
    pub owner_org_id: String,
    pub scale: String,
    pub total_investment: String,
    pub funding: String,
    pub year: String,
    pub year_plan: String,
    pub base_total: String,
    pub base_year: String,
    pub planned_start: String,
    pub actual_start: String,
    pub planned_completion: String,
    pub actual_completion: String,
    pub signed_on: String,
    pub producing_on: String,
    pub stage: String,
    pub batch: String,
    pub level: String,
    pub progress_text: String,
    pub liaison_leader_id: String,
    pub lead_org_id: String,
    pub responsible: String,
    pub task_id: String,
}

impl ProjectInput {
    /// The form filled with a stored project, for editing.
    pub fn from_fields(f: &ProjectFields) -> ProjectInput {
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        ProjectInput {
            name: f.name.clone(),
            code: f.code.clone(),
            nature: f.nature.code().to_owned(),
            category: f.category.code().to_owned(),
            industry: f.industry.clone(),
            county_org_id: id(f.county_org_id.map(|o| o.0)),
            zone_org_id: id(f.zone_org_id.map(|o| o.0)),
            location: f.location.clone(),
            owner_org_id: f.owner_org_id.0.to_string(),
            scale: f.scale.clone(),
            total_investment: f.total_investment.to_string(),
            funding: f.funding.clone(),
            year: f.year.to_string(),
            year_plan: f.year_plan.to_string(),
            base_total: f.base_total.to_string(),
            base_year: f.base_year.to_string(),
            planned_start: date(f.planned_start),
            actual_start: date(f.actual_start),
            planned_completion: date(f.planned_completion),
            actual_completion: date(f.actual_completion),
            signed_on: date(f.signed_on),
            producing_on: date(f.producing_on),
            stage: f.stage.code().to_owned(),
            batch: f.batch.map(|b| b.code().to_owned()).unwrap_or_default(),
            level: f.level.code().to_owned(),
            progress_text: f.progress_text.clone(),
            liaison_leader_id: id(f.liaison_leader_id.map(|u| u.0)),
            lead_org_id: id(f.lead_org_id.map(|o| o.0)),
            responsible: f.responsible.clone(),
            task_id: id(f.task_id.map(|t| t.0)),
        }
    }
}

/// A project's page: the project, its reports, 前期手续 and 堵点, and what
/// the reader may do there.
#[derive(Debug, Clone)]
pub struct ProjectDetail {
    pub project: KeyProject,
    pub reports: Vec<ProjectReport>,
    pub prework: Vec<Prework>,
    pub factors: Vec<FactorIssue>,
    pub may_edit: bool,
    pub may_report: bool,
    pub may_review: bool,
    pub may_raise: bool,
}

/// Filters of the projects page as typed in the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectFilter {
    pub q: String,
    pub county: String,
    pub zone: String,
    pub stage: String,
    pub batch: String,
    pub level: String,
    pub category: String,
    pub light: String,
    /// `mine`: a leader's own (包联) projects.
    pub liaison: String,
    /// 计划年度.
    pub year: String,
    pub after: String,
}

/// A 计划年度 typed in a query string (`?year=`): empty for none.
pub fn typed_year(text: &str) -> Result<Option<i32>> {
    let mut invalid = Invalid::new();
    let year = plan_year(&mut invalid, text);
    invalid.into_result()?;
    Ok(year)
}

/// A 计划年度 typed in a filter: empty for any year.
fn plan_year(invalid: &mut Invalid, text: &str) -> Option<i32> {
    let text = crate::input::half_width(text);
    if text.is_empty() {
        return None;
    }
    match text.parse::<i32>() {
        Ok(year) if (2000..=2100).contains(&year) => Some(year),
        _ => {
            invalid.add("year", "out_of_range", "计划年度应为2000到2100之间的年份");
            None
        }
    }
}

/// The office (and the 发改委 project office) manage the register.
pub(crate) fn may_manage(user: &User) -> bool {
    user.role.can_supervise()
}

/// What projects the user may read; administrators none.
pub(crate) fn scope_of(user: &User) -> Result<ProjectScope> {
    require_business(user)?;
    Ok(if user.role.reads_whole_tenant() { ProjectScope::All } else { ProjectScope::Org(user.org_id) })
}

/// Whether the user may read `project`.
pub(crate) fn may_view(user: &User, project: &KeyProject) -> bool {
    match scope_of(user) {
        Ok(ProjectScope::All) => true,
        Ok(ProjectScope::Org(org)) => project.fields.involves(org),
        Err(_) => false,
    }
}

/// Whether the user reports on `project`: its owner's reporters.
pub(crate) fn may_report(user: &User, project: &KeyProject) -> bool {
    user.role == Role::Reporter && user.org_id == project.fields.owner_org_id
}

impl App {
    /// The light rule's inputs for the tenant today.
    pub(crate) async fn light_basis(&self, user: &User) -> Result<LightBasis> {
        Ok(LightBasis { rules: self.store.status_rules(user.tenant_id).await?, today: self.clock.today() })
    }

    /// Registers a project (the office only).
    pub async fn create_project(&self, user: &User, input: &ProjectInput) -> Result<ProjectId> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        let fields = self.check_project(user, input).await?;
        let basis = self.light_basis(user).await?;
        let id = self.store.create_project(user.tenant_id, &fields, basis, self.actor(user)).await?;
        self.forget_project_map(user.tenant_id);
        Ok(id)
    }

    /// Changes a project's registered fields (the office only).
    pub async fn update_project(&self, user: &User, id: ProjectId, input: &ProjectInput) -> Result<()> {
        if !may_manage(user) {
            return Err(AppError::Forbidden);
        }
        self.store.project(user.tenant_id, id).await?.ok_or(AppError::NotFound("项目"))?;
        let fields = self.check_project(user, input).await?;
        let basis = self.light_basis(user).await?;
        self.store.update_project(user.tenant_id, id, &fields, basis, self.actor(user)).await?;
        self.forget_project_map(user.tenant_id);
        Ok(())
    }

    /// A project the user may read, or `NotFound`/`Forbidden`.
    pub async fn project(&self, user: &User, id: ProjectId) -> Result<KeyProject> {
        require_business(user)?;
        let project = self.store.project(user.tenant_id, id).await?.ok_or(AppError::NotFound("项目"))?;
        if may_view(user, &project) || self.store.org_sees_project(user.tenant_id, id, user.org_id).await? {
            Ok(project)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// A project's page.
    pub async fn project_detail(&self, user: &User, id: ProjectId) -> Result<ProjectDetail> {
        let project = self.project(user, id).await?;
        let tenant = user.tenant_id;
        Ok(ProjectDetail {
            reports: self.store.project_reports(tenant, id).await?,
            prework: self.store.project_prework(tenant, id).await?,
            factors: self.store.project_factor_issues(tenant, id).await?,
            may_edit: may_manage(user),
            may_report: may_report(user, &project),
            may_review: may_manage(user),
            may_raise: may_manage(user) || may_report(user, &project),
            project,
        })
    }

    /// A page of the projects the user may read that match `filter`.
    pub async fn project_list(&self, user: &User, filter: &ProjectFilter) -> Result<ProjectPage> {
        let scope = scope_of(user)?;
        let query = self.project_query(user, filter, 50)?;
        Ok(self.store.projects(user.tenant_id, scope, &query).await?)
    }

    /// The filters as a storage query; a value that names nothing is an error on its field.
    pub(crate) fn project_query(&self, user: &User, filter: &ProjectFilter, limit: i64) -> Result<ProjectQuery> {
        let mut invalid = Invalid::new();
        let id = |invalid: &mut Invalid, field: &str, label: &str, text: &str| -> Option<i64> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            text.parse().map_err(|_| invalid.add(field, "not_a_number", format!("{label}应为编号（整数）"))).ok()
        };
        fn code<T>(invalid: &mut Invalid, field: &str, text: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let value = parse(text);
            if value.is_none() {
                invalid.add(field, "unknown", format!("筛选条件“{text}”无效"));
            }
            value
        }
        let query = ProjectQuery {
            text: filter.q.chars().take(100).collect(),
            county: id(&mut invalid, "county", "所属县区", &filter.county).map(OrgId),
            zone: id(&mut invalid, "zone", "所属开发区", &filter.zone).map(OrgId),
            owner: None,
            liaison: (filter.liaison == "mine").then_some(user.id),
            stage: code(&mut invalid, "stage", &filter.stage, Stage::from_code),
            batch: code(&mut invalid, "batch", &filter.batch, Batch::from_code),
            level: code(&mut invalid, "level", &filter.level, Level::from_code),
            category: code(&mut invalid, "category", &filter.category, Category::from_code),
            light: code(&mut invalid, "light", &filter.light, qingdan_domain::Light::from_code),
            year: plan_year(&mut invalid, &filter.year),
            after: id(&mut invalid, "after", "翻页位置", &filter.after).map(ProjectId),
            limit,
        };
        invalid.into_result()?;
        Ok(query)
    }

    /// The 计划年度 of the projects the user may read, oldest first.
    pub async fn project_years(&self, user: &User) -> Result<Vec<i32>> {
        Ok(self.store.project_years(user.tenant_id, scope_of(user)?).await?)
    }

    /// Checks a typed project into its fields, with a Chinese message per field.
    async fn check_project(&self, user: &User, input: &ProjectInput) -> Result<ProjectFields> {
        let orgs = self.store.orgs(user.tenant_id).await?;
        let users = self.store.users(user.tenant_id).await?;
        self.check_fields(user.tenant_id, &orgs, &users, input).await
    }

    /// [`App::check_project`] against the tenant's `orgs` and `users`, read once
    /// for a whole ledger.
    pub(crate) async fn check_fields(
        &self,
        tenant: qingdan_domain::TenantId,
        orgs: &[qingdan_domain::Org],
        users: &[User],
        input: &ProjectInput,
    ) -> Result<ProjectFields> {
        let mut invalid = Invalid::new();
        let name = invalid.text("name", "项目名称", &input.name, 200);
        let code = invalid.optional_text("code", "项目代码", &input.code, 50);
        let org = |invalid: &mut Invalid, field: &str, label: &str, text: &str, kinds: &[OrgKind]| -> Option<OrgId> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let found = text.parse::<i64>().ok().and_then(|id| orgs.iter().find(|o| o.id.0 == id));
            match found {
                Some(o) if kinds.is_empty() || kinds.contains(&o.kind) => Some(o.id),
                Some(o) => {
                    invalid.add(field, "wrong_kind", format!("{label}“{}”不是{}", o.name, kind_names(kinds)));
                    None
                }
                None => {
                    invalid.add(field, "not_found", format!("{label}（编号{text}）不存在"));
                    None
                }
            }
        };
        let county =
            org(&mut invalid, "county_org_id", "所属县区", &input.county_org_id, &[OrgKind::County, OrgKind::District]);
        let zone = org(&mut invalid, "zone_org_id", "所属开发区", &input.zone_org_id, &[OrgKind::DevZone]);
        let owner = org(&mut invalid, "owner_org_id", "业主单位", &input.owner_org_id, &[]);
        if input.owner_org_id.trim().is_empty() {
            invalid.add("owner_org_id", "required", "请选择业主单位");
        }
        let lead = org(&mut invalid, "lead_org_id", "牵头单位", &input.lead_org_id, &[]);
        let liaison = match input.liaison_leader_id.trim() {
            "" => None,
            text => match text.parse::<i64>().ok().and_then(|id| users.iter().find(|u| u.id.0 == id)) {
                Some(u) if u.role == Role::Leader => Some(u.id),
                Some(u) => {
                    invalid.add("liaison_leader_id", "not_leader", format!("包联领导“{}”不是领导", u.display_name));
                    None
                }
                None => {
                    invalid.add("liaison_leader_id", "not_found", format!("包联领导（编号{text}）不存在"));
                    None
                }
            },
        };
        let money = |invalid: &mut Invalid, field: &str, label: &str, text: &str| -> Decimal {
            if text.trim().is_empty() {
                return Decimal::ZERO;
            }
            match parse_decimal(invalid, field, label, text) {
                Some(v) if v < Decimal::ZERO => {
                    invalid.add(field, "negative", format!("{label}不能为负数"));
                    Decimal::ZERO
                }
                Some(v) => v.round_dp(2),
                None => Decimal::ZERO,
            }
        };
        let total_investment = money(&mut invalid, "total_investment", "总投资", &input.total_investment);
        if input.total_investment.trim().is_empty() {
            invalid.add("total_investment", "required", "请填写总投资（万元）");
        }
        let year_plan = money(&mut invalid, "year_plan", "年度计划投资", &input.year_plan);
        let base_total = money(&mut invalid, "base_total", "累计完成投资", &input.base_total);
        let base_year = money(&mut invalid, "base_year", "本年完成投资", &input.base_year);
        if base_year > base_total {
            invalid.add("base_year", "over_total", "本年完成投资不能大于累计完成投资");
        }
        let year = match crate::input::half_width(&input.year).as_str() {
            "" => self.clock.today().year(),
            text => match text.parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => y,
                _ => {
                    invalid.add("year", "out_of_range", "计划年度应为2000到2100之间的年份");
                    self.clock.today().year()
                }
            },
        };
        let date = |invalid: &mut Invalid, field: &str, label: &str, text: &str| -> Option<NaiveDate> {
            if text.trim().is_empty() { None } else { parse_date(invalid, field, label, text) }
        };
        let planned_start = date(&mut invalid, "planned_start", "计划开工时间", &input.planned_start);
        let actual_start = date(&mut invalid, "actual_start", "实际开工时间", &input.actual_start);
        let planned_completion = date(&mut invalid, "planned_completion", "计划竣工时间", &input.planned_completion);
        let actual_completion = date(&mut invalid, "actual_completion", "实际竣工时间", &input.actual_completion);
        let signed_on = date(&mut invalid, "signed_on", "签约时间", &input.signed_on);
        let producing_on = date(&mut invalid, "producing_on", "达产时间", &input.producing_on);
        if let (Some(s), Some(c)) = (planned_start, planned_completion)
            && c < s
        {
            invalid.add("planned_completion", "before_start", "计划竣工时间不能早于计划开工时间");
        }
        let choice = |invalid: &mut Invalid, field: &str, label: &str, text: &str, options: &str| {
            invalid.add(field, "unknown", format!("{label}“{}”无效，应为{options}", text.trim()));
        };
        // An empty choice takes its default (新建, 其他, 谋划, 市重点), as a ledger
        // without that column means; only a value that names nothing is refused.
        fn pick<T: Copy>(text: &str, parse: fn(&str) -> Option<T>, default: T) -> Option<T> {
            if text.trim().is_empty() { Some(default) } else { parse(text) }
        }
        let nature = pick(&input.nature, Nature::parse, Nature::New).unwrap_or_else(|| {
            choice(&mut invalid, "nature", "建设性质", &input.nature, "新建或续建");
            Nature::New
        });
        let category = pick(&input.category, Category::parse, Category::Other).unwrap_or_else(|| {
            choice(&mut invalid, "category", "项目类型", &input.category, "产业、基础设施、民生、生态环保或其他");
            Category::Other
        });
        let stage = pick(&input.stage, Stage::parse, Stage::Planning).unwrap_or_else(|| {
            choice(&mut invalid, "stage", "项目阶段", &input.stage, "谋划、签约、开工、在建、竣工投产或达产");
            Stage::Planning
        });
        let level = pick(&input.level, Level::parse, Level::City).unwrap_or_else(|| {
            choice(&mut invalid, "level", "项目级别", &input.level, "省重点、市重点或县重点");
            Level::City
        });
        let batch = match input.batch.trim() {
            "" => None,
            text => Batch::parse(text).or_else(|| {
                choice(&mut invalid, "batch", "三个一批", text, "签约一批、开工一批或投产一批");
                None
            }),
        };
        if stage.has_started() && actual_start.is_none() && stage != Stage::Building {
            invalid.add("actual_start", "required", "已开工的项目请填写实际开工时间");
        }
        let task_id = match input.task_id.trim() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(id) if self.store.task(tenant, TaskId(id)).await?.is_some() => Some(TaskId(id)),
                _ => {
                    invalid.add("task_id", "not_found", format!("关联任务（编号{text}）不存在"));
                    None
                }
            },
        };
        let text = |invalid: &mut Invalid, field: &str, label: &str, value: &str, max: usize| {
            invalid.optional_text(field, label, value, max)
        };
        let fields = ProjectFields {
            name,
            code,
            nature,
            category,
            industry: text(&mut invalid, "industry", "所属行业", &input.industry, 50),
            county_org_id: county,
            zone_org_id: zone,
            location: text(&mut invalid, "location", "建设地点", &input.location, 200),
            owner_org_id: owner.unwrap_or(OrgId(0)),
            scale: text(&mut invalid, "scale", "建设规模及内容", &input.scale, 2000),
            total_investment,
            funding: text(&mut invalid, "funding", "资金来源", &input.funding, 200),
            year,
            year_plan,
            base_total,
            base_year,
            planned_start,
            actual_start,
            planned_completion,
            actual_completion,
            signed_on,
            producing_on,
            stage,
            batch,
            level,
            progress_text: text(&mut invalid, "progress_text", "形象进度", &input.progress_text, 500),
            liaison_leader_id: liaison,
            lead_org_id: lead,
            responsible: text(&mut invalid, "responsible", "责任人", &input.responsible, 50),
            task_id,
        };
        invalid.into_result()?;
        Ok(fields)
    }

    /// Relights every project of every tenant for today (序时进度 moves with
    /// the date); run with the hourly light refresh. Returns how many changed.
    pub async fn refresh_project_lights(&self) -> Result<u64> {
        let today = self.clock.today();
        let mut changed = 0;
        for tenant in self.store.tenant_ids().await? {
            let basis = LightBasis { rules: self.store.status_rules(tenant).await?, today };
            changed += self.store.relight_projects(tenant, basis).await?;
        }
        Ok(changed)
    }
}

fn kind_names(kinds: &[OrgKind]) -> String {
    kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("或")
}
