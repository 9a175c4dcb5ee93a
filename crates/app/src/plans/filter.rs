//! The API's task-list conditions, read from query parameters.

use super::TaskFilter;
use crate::input::{parse_date, parse_decimal};
use qingdan_domain::{Invalid, OrgId, TaskId, UserId};
use qingdan_storage::{TaskConditions, TaskSort};

/// What a task status (`status=`) means in percent done.
const STATUSES: [(&str, (i64, i64)); 4] =
    [("not_started", (0, 0)), ("in_progress", (1, 99)), ("open", (0, 99)), ("done", (100, 100))];

/// Reads the conditions beyond light, lead org and text; each fault is added
/// to `invalid` under its parameter's name.
pub(super) fn conditions(invalid: &mut Invalid, filter: &TaskFilter) -> TaskConditions {
    let parent = positive_id(invalid, "parent", "上级任务", &filter.parent).map(TaskId);
    let under = positive_id(invalid, "subtree", "子树的根任务", &filter.subtree).map(TaskId);
    let owner = positive_id(invalid, "owner", "责任人", &filter.owner).map(UserId);
    let after = positive_id(invalid, "after", "翻页游标", &filter.after).map(TaskId);
    let percent = given(&filter.status).and_then(|s| match STATUSES.iter().find(|(c, _)| *c == s) {
        Some((_, range)) => Some(*range),
        None => {
            invalid.add("status", "unknown", "任务状态无效，应为 not_started、in_progress、open 或 done");
            None
        }
    });
    let deadline_from =
        given(&filter.deadline_from).and_then(|t| parse_date(invalid, "deadline_from", "完成时限起", &t));
    let deadline_to = given(&filter.deadline_to).and_then(|t| parse_date(invalid, "deadline_to", "完成时限止", &t));
    let target_min = given(&filter.target_min).and_then(|t| parse_decimal(invalid, "target_min", "目标值下限", &t));
    let target_max = given(&filter.target_max).and_then(|t| parse_decimal(invalid, "target_max", "目标值上限", &t));
    let sort = match given(&filter.sort) {
        None => TaskSort::Tree,
        Some(code) => TaskSort::from_code(&code).unwrap_or_else(|| {
            invalid.add("sort", "unknown", "排序方式无效，应为 tree、deadline、-deadline、percent 或 -percent");
            TaskSort::Tree
        }),
    };
    TaskConditions { parent, under, owner, percent, deadline_from, deadline_to, target_min, target_max, sort, after }
}

/// The lead org asked for (`lead_org=`), if any.
pub(super) fn lead_org(invalid: &mut Invalid, filter: &TaskFilter) -> Option<OrgId> {
    positive_id(invalid, "lead_org", "牵头单位", &filter.lead_org).map(OrgId)
}

/// A parameter's trimmed text, `None` when absent or blank.
fn given(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// An id parameter: a positive whole number, else a fault under `field`.
pub(crate) fn positive_id(invalid: &mut Invalid, field: &str, label: &str, v: &Option<String>) -> Option<i64> {
    given(v).and_then(|t| match t.parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            invalid.add(field, "not_a_number", format!("{label}应为正整数（编号）"));
            None
        }
    })
}

/// Whether the list is paged by keyset: `after` is given, even empty (the first page).
pub(super) fn is_keyset(filter: &TaskFilter) -> bool {
    filter.after.is_some()
}

/// `count=true` or `count=false` as asked (`None` when not given): a page by
/// number counts unless asked not to, a keyset page only when asked to.
pub(super) fn wants_count(invalid: &mut Invalid, filter: &TaskFilter) -> Option<bool> {
    match filter.count.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            invalid.add("count", "unknown", "count 应为 true 或 false");
            None
        }
    }
}
