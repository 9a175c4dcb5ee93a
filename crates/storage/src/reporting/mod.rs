//! 进展报送: progress reports and their review (`reports`), and the plan's
//! reporting schedule with what is due, late or missing (`schedule`), and
//! the 佐证材料 (supporting files) attached to reports (`files`).

pub(crate) mod files;

pub(crate) mod reports;
pub(crate) mod schedule;
