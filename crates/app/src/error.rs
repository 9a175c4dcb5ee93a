use qingdan_domain::Invalid;
use qingdan_storage::StorageError;
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
    /// Username or password wrong; deliberately does not say which.
    #[error("用户名或密码错误")]
    LoginFailed,
    /// Signed in, but the role or org does not allow this.
    #[error("无权进行此操作")]
    Forbidden,
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
    fn from(err: StorageError) -> AppError {
        match err {
            StorageError::NotFound(what) => AppError::NotFound(chinese_name(what)),
            other => AppError::Storage(other),
        }
    }
}

fn chinese_name(what: &str) -> &'static str {
    match what {
        "task" | "parent task" => "任务",
        "report" => "报送",
        "user" => "用户",
        "org" => "单位",
        "plan" => "计划",
        "import" => "导入的报告",
        "import task" => "草稿任务",
        "import target" => "草稿指标",
        _ => "记录",
    }
}

impl AppError {
    /// A single-field validation error.
    pub fn field(field: &str, code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid(Invalid::one(field, code, message))
    }
}
