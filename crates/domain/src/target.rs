//! 指标 (target): a quantity a task promises.

use serde::{Deserialize, Serialize};

/// 比较方式 (comparator): how a target value is read.
/// 以上/不少于 -> AtLeast, 以内/不超过 -> AtMost, 左右/约 -> About, else Exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Comparator {
    #[default]
    #[serde(rename = "eq")]
    Exactly,
    #[serde(rename = "ge")]
    AtLeast,
    #[serde(rename = "le")]
    AtMost,
    #[serde(rename = "approx")]
    About,
}

impl Comparator {
    /// Every comparator, in the order forms offer them.
    pub const ALL: [Comparator; 4] = [Self::AtLeast, Self::AtMost, Self::About, Self::Exactly];

    /// The stable code stored in databases and APIs: `eq`, `ge`, `le`, `approx`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Exactly => "eq",
            Self::AtLeast => "ge",
            Self::AtMost => "le",
            Self::About => "approx",
        }
    }

    /// Parses a stable code; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "eq" => Some(Self::Exactly),
            "ge" => Some(Self::AtLeast),
            "le" => Some(Self::AtMost),
            "approx" => Some(Self::About),
            _ => None,
        }
    }

    /// The Chinese label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Self::Exactly => "等于",
            Self::AtLeast => "不低于",
            Self::AtMost => "不超过",
            Self::About => "左右",
        }
    }
}
