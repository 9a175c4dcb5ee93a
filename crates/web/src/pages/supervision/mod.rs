//! 督办: assigned matters (`assignments`) and the timeline rules they run on
//! (`timeline_rules`).

pub(crate) mod assignments;
pub(crate) mod timeline_rules;
