//! Parsing stored text back into domain values.

use crate::{Result, StorageError};
use qingdan_domain::Decimal;
use std::str::FromStr;

/// A working task (末级任务): a task without sub-tasks, where work is reported.
/// Every count and list by light is of these; a section's light is its leaves' roll-up.
pub(crate) const LEAF: &str = "NOT EXISTS (SELECT 1 FROM tasks AS child WHERE child.parent_id = tasks.id)";

pub(crate) fn decimal(table: &'static str, text: &str) -> Result<Decimal> {
    Decimal::from_str(text).map_err(|e| StorageError::corrupt(table, format!("{text:?}: {e}")))
}

pub(crate) fn optional_decimal(table: &'static str, text: Option<&str>) -> Result<Option<Decimal>> {
    text.map(|t| decimal(table, t)).transpose()
}

/// Parses a stored code with `parse`, naming the table when it is unknown.
pub(crate) fn code<T>(table: &'static str, text: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(text).ok_or_else(|| StorageError::corrupt(table, format!("unknown code {text:?}")))
}
