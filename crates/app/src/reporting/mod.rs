//! 进展报送: progress reports and their review (`reports`), and each plan's
//! reporting schedule with what is due, late or missing (`schedule`); the
//! report form (`form`), the review cards and batch accept (`review`), and the
//! 佐证材料 attached to reports (`files`).

pub mod files;
pub mod form;
pub mod reports;
pub mod review;
pub mod schedule;

pub use schedule::ReportingReminders;
pub(crate) use schedule::period_of_plan;
