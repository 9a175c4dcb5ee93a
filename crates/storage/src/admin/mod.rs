//! 系统管理: tenants, orgs (单位) and users (人员).

pub(crate) mod orgs;
pub(crate) mod users;
