//! 进展报送: the report form, my tasks and the review queue (`reports`), and a
//! plan's 报送情况 with its schedule (`schedule`).

pub(crate) mod reports;
pub(crate) mod schedule;
