//! Signing in and out. Passwords are hashed with Argon2id; session tokens are
//! 32 random bytes, of which only a SHA-256 hash is stored.

use crate::{App, AppError, Result};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use qingdan_domain::{Outcome, User};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Argon2 takes 19 MiB and tens of milliseconds per check: at most this many
/// run at once, so a burst of sign-ins neither starves other requests of CPU
/// nor grows the server's memory by 19 MiB per waiting request.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(2));

/// How long a session lives after sign-in.
const SESSION_HOURS: i64 = 12;

/// The secret a browser holds in its cookie.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(pub String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

impl SessionToken {
    pub(crate) fn generate() -> SessionToken {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        SessionToken(URL_SAFE_NO_PAD.encode(bytes))
    }

    pub(crate) fn hash(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// Hashes a password with Argon2id on a blocking thread.
pub async fn hash_password(password: String) -> Result<String> {
    let _permit = HASHING.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let hash: Result<PasswordHash, _> = Argon2::default().hash_password(password.as_bytes());
        hash.map(|h| h.to_string()).map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else { return false };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// Checks a new password of `username` by the rules of
/// [`qingdan_domain::password`].
pub(crate) fn check_password(password: &str, username: &str) -> Result<()> {
    Ok(qingdan_domain::password::check(password, username)?)
}

/// Whether `password` is one of `hashes` (a user's current and last ones).
pub(crate) async fn is_one_of(password: &str, hashes: Vec<String>) -> bool {
    for hash in hashes {
        if verify_password(password.to_owned(), hash).await {
            return true;
        }
    }
    false
}

/// How sign-in and sessions are limited (等保2.0 身份鉴别 and 会话):
/// `max_failures` failed sign-ins within `lock_minutes` lock the account (or
/// the source address) for `lock_minutes` after the last one; a session idle
/// for `idle_minutes` ends; a user keeps at most `max_sessions` sessions, a new
/// sign-in ending the least recently used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignInPolicy {
    pub max_failures: u32,
    pub lock_minutes: u32,
    pub idle_minutes: u32,
    pub max_sessions: u32,
    /// A password older than this many days must be changed at sign-in; 0: never.
    pub password_max_days: u32,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        SignInPolicy { max_failures: 5, lock_minutes: 15, idle_minutes: 30, max_sessions: 3, password_max_days: 0 }
    }
}

/// How many accounts' worth of failures lock a source address: an office
/// behind one NAT address is many people, and one of them mistyping a
/// password must not lock the building out; a script guessing across
/// accounts from one address is still stopped.
pub const ADDRESS_FAILURE_FACTOR: u32 = 10;

impl SignInPolicy {
    /// The failures within the window that lock `key`: an account
    /// (`user:NAME`) after `max_failures`, an address (`ip:ADDR`) after
    /// `ADDRESS_FAILURE_FACTOR` times as many.
    pub fn failures_locking(&self, key: &str) -> i64 {
        let factor = if key.starts_with("ip:") { ADDRESS_FAILURE_FACTOR } else { 1 };
        i64::from(self.max_failures) * i64::from(factor)
    }
}

/// A session used within this long is not marked used again.
const TOUCH_SECONDS: i64 = 60;

impl App {
    /// Signs a user in; returns the user and a new session token.
    /// A wrong username and a wrong password fail the same way.
    pub async fn login(&self, username: &str, password: &str) -> Result<(User, SessionToken)> {
        let login = self.store.user_login(username.trim()).await?;
        let Some(login) = login.filter(|l| l.user.is_active) else {
            // Spend the same time as a real check, so timing does not reveal the account.
            let _ = verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
            return Err(AppError::LoginFailed);
        };
        if !verify_password(password.to_owned(), login.password_hash).await {
            return Err(AppError::LoginFailed);
        }
        let now = self.clock.now();
        let mut user = login.user;
        let policy = self.sign_in_policy().await?;
        let max_days = policy.password_max_days;
        if max_days > 0 {
            let expired_before = now - Duration::days(i64::from(max_days));
            if self.store.check_password_age(user.id, login.password_changed_at, now, expired_before).await? {
                user.must_change_password = true;
                self.sessions.clear();
            }
        }
        let token = SessionToken::generate();
        let expires = now + Duration::hours(SESSION_HOURS);
        let ended =
            self.store.open_session(&token.hash(), user.tenant_id, user.id, expires, now, policy.max_sessions).await?;
        if ended > 0 {
            self.sessions.clear(); // an ended session must not live on in the cache
        }
        Ok((user, token))
    }

    /// Signs a user in from `source` (the client's address, when known),
    /// counting failures per account and per address under the
    /// [`SignInPolicy`]: a locked account or address is refused before its
    /// password is checked, with the time the lock ends.
    pub async fn login_from(
        &self,
        username: &str,
        password: &str,
        source: Option<IpAddr>,
    ) -> Result<(User, SessionToken)> {
        let policy = self.sign_in_policy().await?;
        let window = Duration::minutes(i64::from(policy.lock_minutes));
        let now = self.clock.now();
        let mut keys = vec![format!("user:{}", username.trim().to_lowercase())];
        keys.extend(source.map(|ip| format!("ip:{ip}")));
        for key in &keys {
            if let Err(locked) = self.refuse_if_locked(key, now - window, policy).await {
                if let Some(login) = self.store.user_login(username.trim()).await? {
                    self.audit_sign_in(&login.user, "sign_in_refused_locked", source, Outcome::Refused).await?;
                }
                return Err(locked);
            }
        }
        match self.login(username, password).await {
            Ok(signed_in) => {
                self.store.clear_sign_in_failures(&keys[0], now - window).await?;
                self.audit_sign_in(&signed_in.0, "sign_in", source, Outcome::Ok).await?;
                Ok(signed_in)
            }
            Err(AppError::LoginFailed) => {
                self.store.record_sign_in_failure(&keys, now).await?;
                let known = self.store.user_login(username.trim()).await?;
                if let Some(login) = &known {
                    self.audit_sign_in(&login.user, "sign_in_failed", source, Outcome::Failed).await?;
                }
                for key in &keys {
                    if let Err(locked) = self.refuse_if_locked(key, now - window, policy).await {
                        if let Some(login) = &known {
                            self.audit_sign_in(&login.user, "locked", source, Outcome::Refused).await?;
                        }
                        return Err(locked);
                    }
                }
                Err(AppError::LoginFailed)
            }
            Err(other) => Err(other),
        }
    }

    /// An audit event of the user's session: signed in, failed, locked,
    /// refused, signed out, with the source address when known.
    async fn audit_sign_in(&self, user: &User, action: &str, source: Option<IpAddr>, outcome: Outcome) -> Result<()> {
        let after = serde_json::json!({"username": user.username});
        let event = qingdan_domain::AuditEvent {
            tenant_id: user.tenant_id,
            user_id: Some(user.id),
            at: self.clock.now(),
            entity: "session".to_owned(),
            entity_id: user.id.0,
            action: action.to_owned(),
            before: None,
            after: Some(after.to_string()),
            source: source.map(|ip| ip.to_string()),
            outcome,
        };
        Ok(self.store.record_event(event).await?)
    }

    async fn refuse_if_locked(&self, key: &str, since: DateTime<Utc>, policy: SignInPolicy) -> Result<()> {
        let (failures, last) = self.store.sign_in_failures(key, since).await?;
        match last {
            Some(last) if failures >= policy.failures_locking(key) => {
                let until = (last + Duration::minutes(i64::from(policy.lock_minutes))).with_timezone(&crate::beijing());
                Err(AppError::Locked(format!(
                    "登录失败次数过多（{}次），{}已锁定至{}，请{}分钟后再试",
                    failures,
                    if key.starts_with("ip:") { "本机地址" } else { "该账号" },
                    until.format("%H:%M"),
                    policy.lock_minutes
                )))
            }
            _ => Ok(()),
        }
    }

    /// The signed-in user of a session token, if it is valid.
    /// Kept a few seconds: this process forgets it at sign-out and at any
    /// change of a user; another process sees a sign-out within the TTL.
    pub async fn session_user(&self, token: &SessionToken) -> Result<Option<User>> {
        let hash = token.hash();
        if let Some(user) = self.sessions.get(&hash) {
            return Ok(Some(user));
        }
        let now = self.clock.now();
        let idle_before = now - Duration::minutes(i64::from(self.sign_in_policy().await?.idle_minutes));
        let user = self.store.session_user(&hash, now, idle_before).await?;
        if let Some(user) = &user {
            self.store.touch_session(&hash, now, now - Duration::seconds(TOUCH_SECONDS)).await?;
            self.sessions.put(hash, user.clone());
        }
        Ok(user)
    }

    /// Deletes the sessions that have expired; returns how many. Run hourly
    /// by the server, so the table holds only live sessions.
    pub async fn purge_expired_sessions(&self) -> Result<u64> {
        Ok(self.store.delete_expired_sessions(self.clock.now()).await?)
    }

    /// Ends a session (audited as the user's sign-out from `source`).
    pub async fn logout(&self, token: &SessionToken, source: Option<IpAddr>) -> Result<()> {
        if let Some(user) = self.session_user(token).await? {
            self.audit_sign_in(&user, "sign_out", source, Outcome::Ok).await?;
        }
        let hash = token.hash();
        self.sessions.remove(&hash);
        Ok(self.store.delete_session(&hash).await?)
    }
}

/// An Argon2id hash of a random string, checked against when the user is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1hL3cZSTIxQyKZ1ztdCGF1mCmMTtDqZY0s4T6kgs2S4";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        for (password, ok) in
            [("short1", false), ("onlyletters", false), ("good2021pass", false), ("Good2021pass", true)]
        {
            assert_eq!(check_password(password, "wu").is_ok(), ok, "{password}");
        }
    }
}
