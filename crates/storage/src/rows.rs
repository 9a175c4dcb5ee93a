//! Parsing stored text back into domain values.

use crate::{Result, StorageError};
use qingdan_domain::Decimal;
use std::str::FromStr;

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
