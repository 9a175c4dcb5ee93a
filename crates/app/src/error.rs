use qingdan_domain::Invalid;
use qingdan_storage::{Conflict, Entity, StorageError, Unique};
use thiserror::Error;

/// What a use case can fail with.
#[derive(Debug, Error)]
pub enum AppError {
    /// The input was wrong; each field says why, in Chinese.
    #[error("{0}")]
    Invalid(Invalid),
    /// Not signed in, or the session expired.
    #[error("请先登录")]
    Unauthenticated,
    /// An API token that opens nothing: unknown, revoked, or its user disabled.
    #[error("API 令牌无效：不存在、已吊销，或其所属用户已停用")]
    TokenRefused,
    /// Username or password wrong; deliberately does not say which.
    #[error("用户名或密码错误")]
    LoginFailed,
    /// Too many failed sign-ins: the account or the address is locked for a
    /// while; the message says until when.
    #[error("{0}")]
    Locked(String),
    /// An admin set this user's password: nothing else until it is changed.
    #[error("您的密码已被重置或已过期，请先修改密码")]
    PasswordChangeRequired,
    /// Signed in, but the role or org does not allow this.
    #[error("无权进行此操作")]
    Forbidden,
    /// An API token's scope does not cover the request; says the scope.
    #[error("此 API 令牌的权限为“{0}”，不能进行此操作；请换用有相应权限的令牌")]
    OutOfScope(&'static str),
    /// The thing does not exist in the user's tenant.
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// The change conflicts with the current state, said in Chinese.
    #[error("{0}")]
    Conflict(String),
    /// Anything else: logged, never shown.
    #[error("storage: {0}")]
    Storage(StorageError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> AppError {
        AppError::Invalid(invalid)
    }
}

impl From<StorageError> for AppError {
    /// The one place storage's typed refusals become what the user reads.
    fn from(err: StorageError) -> AppError {
        match err {
            StorageError::NotFound(what) => AppError::NotFound(entity_name(what)),
            StorageError::Conflict(conflict) => conflict_message(conflict),
            transient if transient.is_transient() => {
                tracing::warn!("a transaction gave way and was rolled back: {transient}");
                AppError::Conflict(BUSY.to_owned())
            }
            other => AppError::Storage(other),
        }
    }
}

/// What the user reads when the database gave up on their transaction for a
/// moment's reason (a deadlock with another writer): nothing was saved.
const BUSY: &str = "系统繁忙，本次操作未保存，请重试";

fn entity_name(what: Entity) -> &'static str {
    match what {
        Entity::Task | Entity::ParentTask => "任务",
        Entity::Report => "报送",
        Entity::User => "用户",
        Entity::Org => "单位",
        Entity::Plan => "计划",
        Entity::Import => "导入的报告",
        Entity::ImportTask => "草稿任务",
        Entity::ImportTarget => "草稿指标",
        Entity::Channel => "消息通道",
        Entity::Target => "指标",
        Entity::Project => "项目",
        Entity::ProjectReport => "项目进展报送",
        Entity::Prework => "前期手续",
        Entity::FactorIssue => "堵点问题",
        Entity::Meeting => "调度会",
        Entity::Decision => "议定事项",
        Entity::Scheme => "考核方案",
        Entity::Token => "API令牌",
    }
}

/// The refusal of any change to an archived plan (its tasks, their
/// responsibility, a task restored into it).
pub const ARCHIVED_PLAN: &str = "该计划已归档，不能修改；如需修改请先取消归档";

/// The refusal of a change to a task in the 回收站.
pub const DELETED_TASK: &str = "该任务已删除，请先由督查室从回收站恢复";

/// The refusal of a review (or 撤销通过) of a report whose task is in the 回收站.
pub const DELETED_TASK_REVIEW: &str =
    "该报送的任务已删除（在回收站中），不能审核；如需审核请先由督查室从回收站恢复该任务";

/// The refusal of a review of a report whose plan is archived.
pub const ARCHIVED_REVIEW: &str = "该计划已归档，不能审核；如需审核请先取消归档";

/// The refusal of a 撤销通过 of a report not accepted (waiting or returned).
pub const REPORT_NOT_ACCEPTED: &str = "该报送未审核通过（待审核或已退回），不能撤销通过";

/// The refusal of a 撤销通过 on a report whose plan is archived.
pub const ARCHIVED_UNACCEPT: &str = "该计划已归档，不能撤销通过；如需更正请先取消归档";

/// The refusal of a 撤回 or of added files on a report whose plan is archived.
pub const ARCHIVED_FROZEN: &str = "该计划已归档，报送已冻结，不能撤回或补充佐证材料；如需处理请联系督查室取消归档";

/// The refusal of a report on a section: its figures are its sub-tasks'.
pub const SECTION_REPORT: &str = "该任务有下级任务，进展在下级任务上报送，本任务的进度由下级任务汇总";

/// The refusal of a report on a task whose plan is archived.
pub const ARCHIVED_REPORT: &str = "该计划已归档，不再接受报送；如需报送请联系督查室取消归档";

fn conflict_message(conflict: Conflict) -> AppError {
    let message = match conflict {
        Conflict::Taken(Unique::OrgName) => return AppError::field("name", "taken", "已有同名单位"),
        Conflict::Taken(Unique::Username) => return AppError::field("username", "taken", "用户名已被使用"),
        Conflict::Taken(Unique::ChannelName) => return AppError::field("name", "taken", "已有同名通道"),
        Conflict::Taken(Unique::TimelineRuleName) => return AppError::field("name", "duplicate", "已有同名的时限规则"),
        Conflict::Taken(Unique::ProjectName) => return AppError::field("name", "taken", "已有同名项目"),
        Conflict::Taken(Unique::SchemeName) => return AppError::field("name", "taken", "已有同名考核方案"),
        Conflict::Taken(Unique::PreworkName) => return AppError::field("name", "taken", "该项目已有同名前期手续"),
        Conflict::ProjectReportAccepted => "该半月的项目进展已审核通过，不能再次提交",
        Conflict::ProjectReportNotWaiting => "该项目进展已审核，不能重复审核",
        Conflict::ProjectReportChanged => "该项目进展在您审核前已重新报送，请查看最新内容后再审核",
        Conflict::FactorState => "该堵点问题的状态已变化，请刷新后重试",
        Conflict::AlreadyAssigned => "该事项已转为督办事项，不能重复转办",
        Conflict::ReportAccepted => "该周期的报送已审核通过，不能再次提交",
        Conflict::ReportNotWaiting => "该报送已审核，不能重复审核",
        Conflict::ReportChanged => "该报送在您审核前已重新报送，请查看最新内容后再审核",
        Conflict::ArchivedReview => ARCHIVED_REVIEW,
        Conflict::DeletedTaskReview => DELETED_TASK_REVIEW,
        Conflict::PlanArchived => ARCHIVED_PLAN,
        Conflict::ParentDeleted => "上级任务也在回收站中：请先恢复上级任务，本任务再恢复到它之下的原位置",
        Conflict::ReportNotAccepted => REPORT_NOT_ACCEPTED,
        Conflict::ArchivedUnaccept => ARCHIVED_UNACCEPT,
        Conflict::AssignmentChanged => "该事项刚被他人处理，请刷新后重试",
        Conflict::TaskChanged => "该任务刚被他人修改，请刷新后重试",
        Conflict::ImportsDiffer => "两个草稿任务不属于同一份导入，不能合并",
        Conflict::ImportPublished => "该报告已发布为计划，草稿不能再修改",
        Conflict::ImportChanged => "草稿在发布过程中被修改，未发布；请查看最新草稿后重新发布",
        Conflict::AuditChanged => "审计记录在归档期间发生变化，请重新归档",
        Conflict::HasReports => "这些任务已有报送记录，不能整批撤销；如确需删除，请在任务页逐项删除",
        Conflict::MoveUnderItself => {
            return AppError::field("parent_id", "under_itself", "不能把任务移到它自己或它的下级任务之下");
        }
    };
    AppError::Conflict(message.to_owned())
}

impl AppError {
    /// A single-field validation error.
    pub fn field(field: &str, code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid(Invalid::one(field, code, message))
    }
}
