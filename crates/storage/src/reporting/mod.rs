//! 进展报送: progress reports and their review (`reports`), and the plan's
//! reporting schedule with what is due, late or missing (`schedule`).

pub(crate) mod reports;
pub(crate) mod schedule;
