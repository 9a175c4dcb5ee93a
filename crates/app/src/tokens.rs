//! API tokens for machine clients (a 政务数据共享平台 pulling progress, a
//! DingTalk mini-app): a person of a business role makes one for themself,
//! named and scoped; it is shown once and only its SHA-256 is kept; it is
//! revoked at any time; every use (at most one record a minute per token)
//! and every change is in the audit trail.
//!
//! Scopes: `read` answers GET requests only; `report` also submits progress
//! reports (`POST /api/v1/tasks/{id}/reports`, a reporter's); `review` also
//! reviews them (`POST /api/v1/reports/{id}/review`, the office's). A token
//! acts as its owner: what the owner may not see or do, it may not either.

use crate::auth::SessionToken;
use crate::guards::require_business;
use crate::{App, AppError, Result};
use qingdan_domain::{Invalid, Role, TenantId, User, UserId};
use qingdan_storage::ApiToken;

/// The prefix that marks a token in an `Authorization: Bearer` header.
pub const TOKEN_PREFIX: &str = "qdt_";

/// How often a token's use is written to the trail at most.
const USE_RECORD_SECONDS: i64 = 60;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiScope {
    Read,
    Report,
    Review,
}

impl ApiScope {
    pub const ALL: [ApiScope; 3] = [ApiScope::Read, ApiScope::Report, ApiScope::Review];

    pub fn code(self) -> &'static str {
        match self {
            ApiScope::Read => "read",
            ApiScope::Report => "report",
            ApiScope::Review => "review",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApiScope::Read => "只读",
            ApiScope::Report => "只读＋报送进展",
            ApiScope::Review => "只读＋审核进展",
        }
    }

    pub fn from_code(code: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether a person of `role` may make a token of this scope: reporting
    /// is a reporter's, reviewing the office's.
    pub fn fits(self, role: Role) -> bool {
        match self {
            ApiScope::Read => true,
            ApiScope::Report => role == Role::Reporter,
            ApiScope::Review => role.can_supervise(),
        }
    }

    /// The scopes a person of `role` may choose.
    pub fn for_role(role: Role) -> Vec<ApiScope> {
        ApiScope::ALL.into_iter().filter(|s| s.fits(role)).collect()
    }

    /// Whether a request of `method` on `path` is within the scope.
    pub fn allows(self, method: &str, path: &str) -> bool {
        if matches!(method, "GET" | "HEAD") {
            return true;
        }
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let report = method == "POST" && matches!(segments.as_slice(), ["", "api", "v1", "tasks", _, "reports"]);
        // A review, many, or 撤销通过 (a review taken back for correction).
        let review = method == "POST"
            && matches!(
                segments.as_slice(),
                ["", "api", "v1", "reports", _, "review" | "reopen"] | ["", "api", "v1", "reviews"]
            );
        match self {
            ApiScope::Read => false,
            ApiScope::Report => report,
            ApiScope::Review => review,
        }
    }
}

/// A token just made: shown to its owner this once.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub id: i64,
    pub token: String,
}

impl App {
    /// Makes a token for the user: a business role only, and a scope their role can use.
    pub async fn create_api_token(&self, user: &User, name: &str, scope: &str) -> Result<NewApiToken> {
        require_business(user)?;
        let mut invalid = Invalid::new();
        let name = invalid.text("name", "令牌名称", name, 50);
        let scope = ApiScope::from_code(scope.trim());
        match scope {
            None => invalid.add("scope", "unknown", "权限应为 read（只读）、report（报送）或 review（审核）"),
            Some(ApiScope::Report) if !ApiScope::Report.fits(user.role) => {
                invalid.add("scope", "role", "只有填报员可以创建报送权限的令牌")
            }
            Some(ApiScope::Review) if !ApiScope::Review.fits(user.role) => {
                invalid.add("scope", "role", "只有督查员可以创建审核权限的令牌")
            }
            Some(_) => {}
        }
        invalid.into_result()?;
        let secret = SessionToken::generate();
        let token = format!("{TOKEN_PREFIX}{}", secret.0);
        let scope = scope.map_or("read", ApiScope::code);
        let id = self
            .store
            .create_api_token(user.tenant_id, user.id, &name, scope, &token_hash(&token), self.actor(user))
            .await?;
        Ok(NewApiToken { id, token })
    }

    /// The user's tokens, newest first.
    pub async fn api_tokens(&self, user: &User) -> Result<Vec<ApiToken>> {
        require_business(user)?;
        Ok(self.store.api_tokens(user.tenant_id, user.id).await?)
    }

    /// Revokes one of the user's own tokens.
    pub async fn revoke_api_token(&self, user: &User, id: i64) -> Result<()> {
        require_business(user)?;
        Ok(self.store.revoke_api_token(user.tenant_id, user.id, id, self.actor(user)).await?)
    }

    /// The owner of a bearer token for a request of `method` on `path`:
    /// `Unauthenticated` when the token is unknown or revoked or its owner
    /// disabled, `OutOfScope` when the scope does not allow the request. The
    /// use is recorded (at most once a minute per token).
    pub async fn token_user(&self, token: &str, method: &str, path: &str) -> Result<User> {
        let owner = self.store.token_owner(&token_hash(token)).await?.ok_or(AppError::TokenRefused)?;
        let tenant = TenantId(owner.tenant_id);
        let user = self.store.user(tenant, UserId(owner.user_id)).await?.filter(|u| u.is_active);
        let user = user.ok_or(AppError::TokenRefused)?;
        let scope = ApiScope::from_code(&owner.scope).unwrap_or(ApiScope::Read);
        let now = self.clock.now();
        if owner.last_used_at.is_none_or(|t| (now - t).num_seconds() >= USE_RECORD_SECONDS) {
            let actor = self.actor(&user);
            self.store.record_token_use(tenant, owner.id, &format!("{method} {path}"), actor).await?;
        }
        if !scope.allows(method, path) {
            return Err(AppError::OutOfScope(scope.label()));
        }
        Ok(user)
    }
}

/// What is stored of a token.
fn token_hash(token: &str) -> String {
    SessionToken(token.to_owned()).hash()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_allow_reads_and_their_own_writes_only() {
        assert!(ApiScope::Read.allows("GET", "/api/v1/plans/1/tasks"));
        assert!(!ApiScope::Read.allows("POST", "/api/v1/tasks/5/reports"));
        assert!(ApiScope::Report.allows("POST", "/api/v1/tasks/5/reports"));
        assert!(!ApiScope::Report.allows("POST", "/api/v1/reports/5/review"));
        assert!(ApiScope::Review.allows("POST", "/api/v1/reports/5/review"));
        assert!(ApiScope::Review.allows("POST", "/api/v1/reviews"), "bulk review");
        assert!(ApiScope::Review.allows("POST", "/api/v1/reports/5/reopen"), "撤销通过");
        assert!(!ApiScope::Report.allows("POST", "/api/v1/reports/5/reopen"));
        assert!(!ApiScope::Report.allows("POST", "/api/v1/reviews"));
        assert!(!ApiScope::Review.allows("POST", "/api/v1/plans/1/tasks/bulk"));
        assert!(!ApiScope::Review.allows("POST", "/api/v1/plans"));
        assert!(!ApiScope::Review.allows("DELETE", "/api/v1/tasks/5/reports"));
    }
}
