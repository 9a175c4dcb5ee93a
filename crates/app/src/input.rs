//! Input shared by several features: targets as typed into a form or sent to
//! the API, and the parsing of numbers, dates and page numbers with a Chinese
//! message per field.

use crate::lenient;
use chrono::NaiveDate;
use qingdan_domain::{Comparator, Decimal, Invalid};
use qingdan_storage::NewTarget;
use serde::Deserialize;
use std::str::FromStr;

/// A target (指标) of a task or a draft task.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TargetInput {
    pub metric: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub value: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub comparator: String,
    #[serde(deserialize_with = "lenient::text", default)]
    pub baseline: String,
    #[serde(default)]
    pub deadline: String,
}

pub(crate) fn check_target(invalid: &mut Invalid, i: usize, t: &TargetInput) -> Option<NewTarget> {
    let field = |name: &str| format!("targets[{i}].{name}");
    let n = i + 1;
    let before = invalid.errors.len();
    let metric = invalid.text(&field("metric"), &format!("第{n}个指标的名称"), &t.metric, 100);
    let value = parse_decimal(invalid, &field("value"), &format!("第{n}个指标的目标值"), &t.value);
    let unit = invalid.optional_text(&field("unit"), &format!("第{n}个指标的计量单位"), &t.unit, 20);
    if value.is_some_and(|v| v < Decimal::ZERO) && !qingdan_domain::unit_may_be_negative(&unit) {
        invalid.add(
            &field("value"),
            "negative",
            format!("第{n}个指标的目标值不能为负数（只有%、‰、百分点等比率可为负）"),
        );
    }
    let comparator = if t.comparator.trim().is_empty() {
        Some(Comparator::Exactly)
    } else {
        Comparator::from_code(t.comparator.trim())
    };
    if comparator.is_none() {
        invalid.add(
            &field("comparator"),
            "unknown",
            format!("第{n}个指标的比较方式无效，应为不低于（ge）、不超过（le）、等于（eq）或左右（approx）"),
        );
    }
    let baseline = if t.baseline.trim().is_empty() {
        None
    } else {
        parse_decimal(invalid, &field("baseline"), &format!("第{n}个指标的基数"), &t.baseline)
    };
    let deadline = if t.deadline.trim().is_empty() {
        None
    } else {
        parse_date(invalid, &field("deadline"), &format!("第{n}个指标的时限"), &t.deadline)
    };
    (invalid.errors.len() == before).then(|| NewTarget {
        metric,
        value: value.unwrap_or_default(),
        unit,
        comparator: comparator.unwrap_or_default(),
        baseline,
        deadline,
    })
}

/// Parses a decimal; a comma is read as a thousands separator.
pub(crate) fn parse_decimal(invalid: &mut Invalid, field: &str, label: &str, text: &str) -> Option<Decimal> {
    let text = half_width(text).replace([',', '，'], "");
    match Decimal::from_str(&text) {
        Ok(d) => Some(d),
        Err(_) => {
            invalid.add(field, "not_a_number", format!("{label}应为数字，如 12.5"));
            None
        }
    }
}

/// `text` trimmed, with the full-width digits, point, signs and percent a
/// Chinese input method types (１２．５％) as their ASCII forms, for parsing
/// a number; other characters stay as they are.
pub(crate) fn half_width(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' | '．' | '－' | '＋' | '％' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// Parses an ISO date (`2026-06-30`).
pub(crate) fn parse_date(invalid: &mut Invalid, field: &str, label: &str, text: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            invalid.add(field, "not_a_date", format!("{label}应为日期，写作 YYYY-MM-DD，如 2021-06-30"));
            None
        }
    }
}

pub(crate) fn parse_page(
    invalid: &mut Invalid,
    field: &str,
    text: Option<&str>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> u32 {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => default,
        Some(t) => match half_width(t).parse::<u32>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                let (min, max) = (range.start(), range.end());
                invalid.add(field, "out_of_range", format!("{field} 应为 {min} 到 {max} 之间的整数"));
                default
            }
        },
    }
}

/// Uploaded office files (workbooks, Word reports) read at once: reading is
/// CPU work, bounded by the readers' own limits, done off the async workers
/// so that a burst of uploads neither stalls other requests nor multiplies
/// the memory a read may take.
static FILE_READS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(2));

/// Runs `read` (the reading of an uploaded file) on a blocking thread, at
/// most two at a time.
pub(crate) async fn read_upload<T: Send + 'static>(read: impl FnOnce() -> T + Send + 'static) -> crate::Result<T> {
    let _turn = FILE_READS.acquire().await.map_err(|e| crate::AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(read).await.map_err(|e| crate::AppError::Internal(e.to_string()))
}

/// The most items one bulk request may carry.
pub const MAX_BATCH: usize = 500;

/// Refuses an empty batch or one over [`MAX_BATCH`] items.
pub(crate) fn check_batch(len: usize) -> crate::Result<()> {
    if len == 0 {
        return Err(crate::AppError::field("items", "empty", "批量操作至少包含一项"));
    }
    if len > MAX_BATCH {
        return Err(crate::AppError::field("items", "too_many", format!("一次批量操作最多{MAX_BATCH}项，本次{len}项")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_become_ascii_and_nothing_else_does() {
        assert_eq!(half_width(" １２．５％ "), "12.5%");
        assert_eq!(half_width("－３"), "-3");
        assert_eq!(half_width("（一）12"), "（一）12");
    }
}
