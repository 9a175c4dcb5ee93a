//! 审计 (audit): the events of the audit trail and the hash chain that makes
//! an edited, removed or inserted row evident.
//!
//! Every row carries its place in the chain (`seq`, from 1 with no gaps), the
//! hash of the row before it and its own hash over both and every field
//! ([`link_hash`]). [`ChainCheck`] walks rows in `seq` order and names the
//! first that does not fit.

use crate::{TenantId, UserId};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

/// 审计事件 (audit event): one change or access, who made it, from where,
/// how it ended, and what the entity was before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub tenant_id: TenantId,
    pub user_id: Option<UserId>,
    pub at: DateTime<Utc>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    /// JSON of the entity before the change, if it existed.
    pub before: Option<String>,
    /// JSON of the entity after the change, if it still exists.
    pub after: Option<String>,
    /// The client's address, when the event came from a request that has one.
    pub source: Option<String>,
    pub outcome: Outcome,
}

impl AuditEvent {
    /// The time as stored: whole microseconds, which both engines keep exactly.
    pub fn stored_at(at: DateTime<Utc>) -> DateTime<Utc> {
        at.trunc_subsecs(6)
    }
}

/// 结果: how the audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 成功
    Ok,
    /// 失败: e.g. a wrong password.
    Failed,
    /// 拒绝: not allowed (a 403, a locked account).
    Refused,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Ok, Outcome::Failed, Outcome::Refused];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Refused => "refused",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "成功",
            Outcome::Failed => "失败",
            Outcome::Refused => "拒绝",
        }
    }
}

/// The hash function of the chain: SHA-256, or SM3 (GB/T 32905) where 国密 is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum HashAlg {
    #[default]
    Sha256,
    Sm3,
}

impl HashAlg {
    pub fn code(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "sha256",
            HashAlg::Sm3 => "sm3",
        }
    }

    pub fn from_code(code: &str) -> Option<HashAlg> {
        [HashAlg::Sha256, HashAlg::Sm3].into_iter().find(|a| a.code() == code)
    }

    fn digest(self, bytes: &[u8]) -> String {
        use sha2::Digest as _;
        let out: Vec<u8> = match self {
            HashAlg::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
            HashAlg::Sm3 => sm3::Sm3::digest(bytes).to_vec(),
        };
        out.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The `prev_hash` of the first row of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainedEvent {
    /// The row's id in the database (for the person who looks it up).
    pub id: i64,
    pub seq: i64,
    pub alg: HashAlg,
    pub prev_hash: String,
    pub hash: String,
    pub event: AuditEvent,
}

/// The hash of the row at `seq` after `prev_hash`: `alg` over a JSON array of
/// the position and every field, so no two different rows share an input.
pub fn link_hash(alg: HashAlg, seq: i64, prev_hash: &str, e: &AuditEvent) -> String {
    let canonical = serde_json::json!([
        seq,
        prev_hash,
        e.tenant_id.0,
        e.user_id.map(|u| u.0),
        e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        e.entity,
        e.entity_id,
        e.action,
        e.before,
        e.after,
        e.source,
        e.outcome.code(),
    ]);
    alg.digest(canonical.to_string().as_bytes())
}

/// Why a row does not fit the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub id: i64,
    pub seq: i64,
    pub reason: String,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}号记录（id {}）：{}", self.seq, self.id, self.reason)
    }
}

/// Walks a chain in `seq` order; the first row that breaks it is the answer.
#[derive(Debug, Clone)]
pub struct ChainCheck {
    next_seq: Option<i64>,
    prev_hash: Option<String>,
    /// Rows checked so far.
    pub rows: u64,
}

impl ChainCheck {
    /// A check from the chain's first row (seq 1 after [`GENESIS`]).
    pub fn from_start() -> ChainCheck {
        ChainCheck { next_seq: Some(1), prev_hash: Some(GENESIS.to_owned()), rows: 0 }
    }

    /// A check that trusts the first row's position and `prev_hash` (the rows
    /// before it were archived and are not at hand).
    pub fn from_first_row() -> ChainCheck {
        ChainCheck { next_seq: None, prev_hash: None, rows: 0 }
    }

    /// The hash the next row must name as its `prev_hash`.
    pub fn head(&self) -> Option<&str> {
        self.prev_hash.as_deref()
    }

    /// The `seq` of the last row checked.
    pub fn last_seq(&self) -> Option<i64> {
        self.next_seq.map(|s| s - 1)
    }

    pub fn check(&mut self, row: &ChainedEvent) -> Result<(), BrokenLink> {
        let broken = |reason: String| Err(BrokenLink { id: row.id, seq: row.seq, reason });
        if let Some(expected) = self.next_seq
            && row.seq != expected
        {
            return broken(if row.seq > expected {
                format!("缺少第{}至{}号记录（已被删除）", expected, row.seq - 1)
            } else {
                format!("序号重复或倒序（应为第{expected}号）")
            });
        }
        if let Some(prev) = &self.prev_hash
            && &row.prev_hash != prev
        {
            return broken("前序哈希与上一条记录不符".to_owned());
        }
        if link_hash(row.alg, row.seq, &row.prev_hash, &row.event) != row.hash {
            return broken("内容与哈希不符（记录被修改）".to_owned());
        }
        self.next_seq = Some(row.seq + 1);
        self.prev_hash = Some(row.hash.clone());
        self.rows += 1;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test that cannot build its input should fail loudly
mod tests {
    use super::*;

    fn event(action: &str) -> AuditEvent {
        AuditEvent {
            tenant_id: TenantId(1),
            user_id: Some(UserId(2)),
            at: "2026-12-04T08:00:00.123456Z".parse().unwrap(),
            entity: "task".to_owned(),
            entity_id: 7,
            action: action.to_owned(),
            before: None,
            after: Some(r#"{"title":"新建5G基站"}"#.to_owned()),
            source: Some("10.0.0.8".to_owned()),
            outcome: Outcome::Ok,
        }
    }

    fn chain(alg: HashAlg, n: usize) -> Vec<ChainedEvent> {
        let mut prev = GENESIS.to_owned();
        (1..=n as i64)
            .map(|seq| {
                let e = event(&format!("update{seq}"));
                let hash = link_hash(alg, seq, &prev, &e);
                let row =
                    ChainedEvent { id: seq + 100, seq, alg, prev_hash: prev.clone(), hash: hash.clone(), event: e };
                prev = hash;
                row
            })
            .collect()
    }

    fn first_break(rows: &[ChainedEvent]) -> Option<BrokenLink> {
        let mut check = ChainCheck::from_start();
        rows.iter().find_map(|r| check.check(r).err())
    }

    #[test]
    fn sm3_matches_the_standard_vector() {
        assert_eq!(HashAlg::Sm3.digest(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
        assert_eq!(HashAlg::Sha256.digest(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn an_intact_chain_passes_with_either_hash_and_a_change_of_hash_midway() {
        for alg in [HashAlg::Sha256, HashAlg::Sm3] {
            assert_eq!(first_break(&chain(alg, 5)), None);
        }
        let mut rows = chain(HashAlg::Sha256, 2);
        let e = event("switched");
        let hash = link_hash(HashAlg::Sm3, 3, &rows[1].hash, &e);
        rows.push(ChainedEvent { id: 103, seq: 3, alg: HashAlg::Sm3, prev_hash: rows[1].hash.clone(), hash, event: e });
        assert_eq!(first_break(&rows), None);
    }

    #[test]
    fn an_edited_row_is_named() {
        let mut rows = chain(HashAlg::Sha256, 5);
        rows[2].event.after = Some(r#"{"title":"改过的"}"#.to_owned());
        let broken = first_break(&rows).unwrap();
        assert_eq!((broken.seq, broken.id), (3, 103));
        assert!(broken.reason.contains("被修改"), "{broken}");
    }

    #[test]
    fn a_rehashed_row_breaks_the_next_one() {
        let mut rows = chain(HashAlg::Sha256, 5);
        rows[1].event.outcome = Outcome::Refused;
        rows[1].hash = link_hash(HashAlg::Sha256, 2, &rows[1].prev_hash.clone(), &rows[1].event);
        assert_eq!(first_break(&rows).unwrap().seq, 3);
    }

    #[test]
    fn a_removed_row_is_a_gap() {
        let mut rows = chain(HashAlg::Sm3, 5);
        rows.remove(3);
        let broken = first_break(&rows).unwrap();
        assert_eq!(broken.seq, 5);
        assert!(broken.reason.contains("第4至4号"), "{broken}");
    }

    #[test]
    fn a_chain_that_begins_after_an_archive_is_checked_from_its_first_row() {
        let rows = chain(HashAlg::Sha256, 6);
        let mut check = ChainCheck::from_first_row();
        for r in &rows[3..] {
            check.check(r).unwrap();
        }
        assert_eq!(check.last_seq(), Some(6));
        let mut check = ChainCheck::from_start();
        assert!(check.check(&rows[3]).is_err());
    }
}
