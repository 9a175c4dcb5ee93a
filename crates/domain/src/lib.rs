//! Qingdan's domain: the types and rules of a government's responsibility list
//! (一张清单) — plans, tasks, targets, orgs, users, progress reports, lights.
//!
//! Pure: no IO, no async, no SQL, no HTTP. Rules that depend on the date take
//! `today` as a parameter.

pub mod target;

pub use rust_decimal::Decimal;
pub use target::Comparator;
