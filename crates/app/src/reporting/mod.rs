//! 进展报送: progress reports and their review (`reports`), and each plan's
//! reporting schedule with what is due, late or missing (`schedule`).

pub mod reports;
pub mod schedule;

pub use schedule::ReportingReminders;
