//! 督办: assigned matters (交办事项) on their timeline rules, and their files (附件).

pub(crate) mod assignments;
pub(crate) mod files;
