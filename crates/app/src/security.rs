//! The 安全管理员's duties (三员分立): the sign-in and session policy, the
//! locks it puts on accounts and addresses, and lifting them. Roles and
//! password resets are in `admin`.

use crate::guards::require_security_admin;
use crate::{App, AppError, Result, SignInPolicy};
use chrono::{DateTime, Duration, Utc};
use qingdan_domain::User;
use qingdan_domain::validate::Invalid;

/// The settings key of the policy the security administrator set.
const POLICY_KEY: &str = "sign_in_policy";

/// The policy form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PolicyInput {
    pub max_failures: String,
    pub lock_minutes: String,
    pub idle_minutes: String,
    pub max_sessions: String,
    pub password_max_days: String,
}

impl PolicyInput {
    pub fn of(p: &SignInPolicy) -> PolicyInput {
        PolicyInput {
            max_failures: p.max_failures.to_string(),
            lock_minutes: p.lock_minutes.to_string(),
            idle_minutes: p.idle_minutes.to_string(),
            max_sessions: p.max_sessions.to_string(),
            password_max_days: p.password_max_days.to_string(),
        }
    }
}

/// An account or address locked by failed sign-ins, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// `user:NAME` or `ip:ADDR`.
    pub key: String,
    pub failures: i64,
    pub until: DateTime<Utc>,
}

impl Lock {
    /// 账号 or 地址, and the name or address.
    pub fn label(&self) -> (&'static str, &str) {
        match self.key.split_once(':') {
            Some(("ip", addr)) => ("地址", addr),
            Some((_, name)) => ("账号", name),
            None => ("账号", self.key.as_str()),
        }
    }
}

impl App {
    /// The policy in force: the security administrator's, else the configuration's.
    pub async fn sign_in_policy(&self) -> Result<SignInPolicy> {
        if let Some(policy) = self.policy.get(&()) {
            return Ok(policy);
        }
        let stored = self.store.setting(POLICY_KEY).await?;
        let policy = stored.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or(self.configured_policy);
        self.policy.put((), policy);
        Ok(policy)
    }

    /// Sets the policy (security administrator; audited with before and after).
    pub async fn set_sign_in_policy(&self, security: &User, input: &PolicyInput) -> Result<SignInPolicy> {
        require_security_admin(security)?;
        let mut invalid = Invalid::new();
        let mut number = |field: &str, label: &str, text: &str, min: u32, max: u32| -> u32 {
            match crate::input::half_width(text).parse::<u32>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ => {
                    invalid.add(field, "range", format!("{label}应为{min}至{max}之间的整数"));
                    min
                }
            }
        };
        let policy = SignInPolicy {
            max_failures: number("max_failures", "连续失败次数", &input.max_failures, 1, 20),
            lock_minutes: number("lock_minutes", "锁定时长（分钟）", &input.lock_minutes, 1, 1440),
            idle_minutes: number("idle_minutes", "空闲超时（分钟）", &input.idle_minutes, 1, 1440),
            max_sessions: number("max_sessions", "同时在线会话数", &input.max_sessions, 1, 20),
            password_max_days: number(
                "password_max_days",
                "密码有效期（天，0为不限）",
                &input.password_max_days,
                0,
                3650,
            ),
        };
        invalid.into_result()?;
        let value = serde_json::to_value(policy).map_err(|e| AppError::Internal(e.to_string()))?;
        self.store.set_setting(security.tenant_id, POLICY_KEY, &value, self.actor(security)).await?;
        self.policy.put((), policy);
        Ok(policy)
    }

    /// The accounts and addresses locked now.
    pub async fn locks(&self, security: &User) -> Result<Vec<Lock>> {
        require_security_admin(security)?;
        let policy = self.sign_in_policy().await?;
        let window = Duration::minutes(i64::from(policy.lock_minutes));
        let counts = self.store.failure_counts(self.clock.now() - window, i64::from(policy.max_failures)).await?;
        Ok(counts
            .into_iter()
            .filter(|c| c.failures >= policy.failures_locking(&c.key))
            .map(|c| Lock { key: c.key, failures: c.failures, until: c.last + window })
            .collect())
    }

    /// 解锁: lifts the lock of an account (`user:NAME`) or address (`ip:ADDR`).
    pub async fn unlock(&self, security: &User, key: &str) -> Result<()> {
        require_security_admin(security)?;
        if !(key.starts_with("user:") || key.starts_with("ip:")) {
            return Err(AppError::field("key", "unknown", "要解锁的账号或地址无效"));
        }
        self.store.unlock_key(security.tenant_id, key, self.actor(security)).await?;
        Ok(())
    }
}
