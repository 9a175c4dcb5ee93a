//! 督办: assigned matters (交办事项, `assignments`) on their timeline rules
//! (时限规则, `timeline_rules`), the daily light sweep with the reminders and
//! figures made from it (`sweep`), and the matters' files (附件, `files`).

pub(crate) mod assignments;
pub(crate) mod files;
pub(crate) mod sweep;
pub(crate) mod timeline_rules;
