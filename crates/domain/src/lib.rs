//! Qingdan's domain: the types and rules of a government's responsibility list
//! (一张清单) — plans, tasks, targets, orgs, users, progress reports, lights.
//!
//! Pure: no IO, no async, no SQL, no HTTP. Rules that depend on the date take
//! `today` as a parameter.

pub mod assessment;
pub mod assignment;
pub mod audit;
pub mod calendar;
pub mod ids;
pub mod light;
pub mod model;
pub mod password;
pub mod period;
pub mod plan_copy;
pub mod project;
pub mod reporting;
pub mod role;
pub mod status;
pub mod target;
pub mod validate;

pub use audit::{AuditEvent, ChainedEvent, HashAlg, Outcome};
pub use calendar::{CalendarDay, DayKind, Due, WorkCalendar};
pub use ids::*;
pub use light::{Light, light_for};
pub use model::*;
pub use period::{Period, ReportingCycle};
pub use reporting::{DueState, DueStatus, ReportingSchedule};
pub use role::Role;
pub use rust_decimal::Decimal;
pub use status::{RollupNode, StatusRules, passes_half_check, roll_up, weighted_percent, work_progress};
pub use target::Comparator;
pub use validate::{FieldError, Invalid, char_code, forbidden_char, invisible_message};
