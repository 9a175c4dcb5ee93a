//! 进展报送: the report form and my tasks (`reports`), the review cards and
//! batch accept (`review`), 佐证材料 (`files`), and a plan's 报送情况 with its
//! schedule (`schedule`).

pub(crate) mod files;
pub(crate) mod reports;
pub(crate) mod review;
pub(crate) mod schedule;
