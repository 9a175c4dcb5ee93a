//! 工作进展通报: the periodic bulletin of the reporting rhythm, as a `.docx`.
//!
//! Sections, numbered as they appear (an empty optional one is left out, the numbers
//! close up):
//!
//! 1. 总体情况 — the counts of tasks by light, the completion rate and, when given, the
//!    双过半 figures;
//! 2. 各牵头单位进展情况 — a table of lights by lead org with the average progress;
//! 3. 红灯任务及存在问题 — a table of the red and overdue tasks with their problems, or
//!    `本期无红灯任务。`;
//! 4. 报送滞后单位 — the orgs that reported late or not at all, or `本期各单位均按时报送进展情况。`;
//! 5. 下一步工作要求 — only when the caller gives requirements.

use chrono::{DateTime, NaiveDate, Utc};
use qingdan_domain::Decimal;

use crate::OfficeError;
use crate::gongwen::{CellSize, Column, ColumnAlign, GongwenDoc, chinese_date, chinese_number};

/// What a bulletin says. Plain data: the caller fills it from the period's lights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulletin {
    /// The title, e.g. `关于2026年10月全市重点任务推进情况的通报`. Empty: `{period}工作进展通报`.
    pub title: String,
    /// 期号 or 文号 under the title, e.g. `第10期`. Empty: no line.
    pub doc_number: String,
    /// The period the bulletin covers, e.g. `2026年10月`.
    pub period: String,
    /// 主送机关, e.g. `各县（市、区）人民政府，市直各有关单位`. Empty: no addressee line.
    pub addressee: String,
    /// 发文机关: the signature, e.g. `市委督查室`.
    pub issuer: String,
    /// 成文日期.
    pub issued_on: NaiveDate,
    /// The day the figures stand on (截至): the period's last day, or the
    /// day of issue while the period runs.
    pub as_of: NaiveDate,
    /// The counts for the whole plan.
    pub summary: BulletinSummary,
    /// Lights by lead org, in the order to print.
    pub by_org: Vec<OrgLights>,
    /// The red tasks, in the order to print.
    pub red_tasks: Vec<RedTask>,
    /// The orgs that reported late this period.
    pub late_orgs: Vec<LateOrg>,
    /// 下一步工作要求, one paragraph each. Empty: the section is left out.
    pub requirements: Vec<String>,
    /// When it was generated: the file's created and modified dates (its
    /// author is the issuer). None: no dates.
    pub generated_at: Option<DateTime<Utc>>,
}

/// The counts of the plan's tasks by light.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulletinSummary {
    /// All tasks.
    pub total: u32,
    /// 已完成.
    pub done: u32,
    /// 绿灯.
    pub green: u32,
    /// 黄灯.
    pub yellow: u32,
    /// 红灯.
    pub red: u32,
    /// 逾期: past the deadline and not done.
    pub overdue: u32,
    /// The 双过半 check, when the period calls for it (mid-year).
    pub double_half: Option<DoubleHalf>,
}

/// 双过半: tasks with both time and work past one half on a date (06-30).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoubleHalf {
    /// The date of the check, e.g. 2026-06-30.
    pub as_of: NaiveDate,
    /// Tasks with time and work both past half.
    pub met: u32,
    /// Tasks without.
    pub not_met: u32,
}

/// One lead org's row of the lights table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgLights {
    /// 牵头单位.
    pub org: String,
    /// Tasks it leads.
    pub tasks: u32,
    /// 已完成.
    pub done: u32,
    /// 绿灯.
    pub green: u32,
    /// 黄灯.
    pub yellow: u32,
    /// 红灯.
    pub red: u32,
    /// 逾期.
    pub overdue: u32,
    /// Average work progress of its tasks in percent (0–100); `None` prints `—`.
    pub average_progress: Option<Decimal>,
}

/// A red task in the red list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedTask {
    /// 任务编号, e.g. `3.2`.
    pub number: String,
    /// 任务内容.
    pub title: String,
    /// 牵头单位.
    pub lead_org: String,
    /// 存在问题, one per line, as the caller words it; empty prints `—`.
    pub problems: String,
}

/// An org that reported late this period, or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateOrg {
    /// 单位.
    pub org: String,
    /// How many of its reports came after the due date (迟报).
    pub late_reports: u32,
    /// How many are still missing after the due date (未报).
    pub missing_reports: u32,
}

/// What the red list says when there is no red task.
pub const NO_RED_TASKS: &str = "本期无红灯任务。";
/// What the late list says when every org reported on time.
pub const NO_LATE_ORGS: &str = "本期各单位均按时报送进展情况。";

/// The bulletin as a `.docx` in 公文 format.
///
/// # Errors
///
/// [`OfficeError::DocxWrite`] when the document cannot be written.
pub fn bulletin_docx(bulletin: &Bulletin) -> Result<Vec<u8>, OfficeError> {
    let title = if bulletin.title.trim().is_empty() {
        format!("{}工作进展通报", bulletin.period)
    } else {
        bulletin.title.clone()
    };
    let mut doc = GongwenDoc::new().made(&bulletin.issuer, bulletin.generated_at).title(&title, false);
    if !bulletin.doc_number.trim().is_empty() {
        doc = doc.centered(&bulletin.doc_number).blank_line();
    }
    if !bulletin.addressee.trim().is_empty() {
        doc = doc.addressee(&bulletin.addressee);
    }
    doc = doc.body(&format!("现将{}工作进展情况通报如下：", bulletin.period));

    let mut section = 0;
    let mut heading = |doc: GongwenDoc, text: &str| {
        section += 1;
        doc.heading1(&format!("{}、{text}", chinese_number(section)))
    };

    doc = heading(doc, "总体情况");
    doc = summary(doc, &bulletin.summary, bulletin.as_of);

    doc = heading(doc, "各牵头单位进展情况");
    doc = if bulletin.by_org.is_empty() {
        doc.body("本期无牵头单位进展数据。")
    } else {
        org_table(doc, &bulletin.by_org)
    };

    doc = heading(doc, "红灯任务及存在问题");
    doc = if bulletin.red_tasks.is_empty() {
        doc.body(NO_RED_TASKS)
    } else {
        red_table(doc.body(&red_intro(&bulletin.summary, bulletin.red_tasks.len())), &bulletin.red_tasks)
    };

    doc = heading(doc, "报送滞后单位");
    doc = if bulletin.late_orgs.is_empty() {
        doc.body(NO_LATE_ORGS)
    } else {
        let count = bulletin.late_orgs.len();
        late_table(doc.body(&format!("本期有{count}个单位未按时报送进展情况：")), &bulletin.late_orgs)
    };

    let requirements: Vec<&str> = bulletin.requirements.iter().map(|r| r.trim()).filter(|r| !r.is_empty()).collect();
    if !requirements.is_empty() {
        doc = heading(doc, "下一步工作要求");
        for requirement in requirements {
            doc = doc.body(requirement);
        }
    }

    doc.signature(&bulletin.issuer, bulletin.issued_on).finish()
}

/// The sentence over the red list, with the counts of part one: the list
/// holds the red and the overdue tasks, perhaps only the first of them.
fn red_intro(s: &BulletinSummary, listed: usize) -> String {
    let counted = usize::try_from(s.red.saturating_add(s.overdue)).unwrap_or(usize::MAX);
    let head = format!("本期红灯任务{}项、逾期未完成任务{}项", s.red, s.overdue);
    if listed < counted {
        format!("{head}，列出其中{listed}项如下：")
    } else {
        format!("{head}，具体如下：")
    }
}

/// The counts stand on `as_of`, and the text says so (截至…) rather than
/// "this period".
fn summary(doc: GongwenDoc, s: &BulletinSummary, as_of: NaiveDate) -> GongwenDoc {
    let rate = if s.total == 0 {
        "—".to_string()
    } else {
        percent(Decimal::from(s.done) * Decimal::ONE_HUNDRED / Decimal::from(s.total))
    };
    let mut doc = doc.heading2("（一）任务进展").body(&format!(
        "截至{}，共有末级任务{}项。其中，已完成{}项，绿灯（正常推进）{}项，黄灯（进度滞后）{}项，红灯（严重滞后）{}项，逾期未完成{}项；完成率{rate}。",
        chinese_date(as_of),
        s.total, s.done, s.green, s.yellow, s.red, s.overdue
    ));
    if let Some(dh) = &s.double_half {
        let all = u64::from(dh.met) + u64::from(dh.not_met);
        let share = if all == 0 {
            "—".to_string()
        } else {
            percent(Decimal::from(dh.met) * Decimal::ONE_HUNDRED / Decimal::from(all))
        };
        doc = doc.heading2("（二）“双过半”情况").body(&format!(
            "截至{}，时间和任务均过半的任务{}项，占{share}；未实现“双过半”的任务{}项。",
            chinese_date(dh.as_of),
            dh.met,
            dh.not_met
        ));
    }
    doc
}

fn org_table(doc: GongwenDoc, orgs: &[OrgLights]) -> GongwenDoc {
    // Weights so that a three-character header fits a 4号 line.
    let n = |header| Column { header, weight: 3, align: ColumnAlign::Center };
    let columns = [
        Column { header: "牵头单位", weight: 5, align: ColumnAlign::Left },
        n("任务数"),
        n("已完成"),
        n("绿灯"),
        n("黄灯"),
        n("红灯"),
        n("逾期"),
        Column { header: "平均进度", weight: 4, align: ColumnAlign::Center },
    ];
    let rows: Vec<Vec<String>> = orgs
        .iter()
        .map(|o| {
            vec![
                o.org.clone(),
                o.tasks.to_string(),
                o.done.to_string(),
                o.green.to_string(),
                o.yellow.to_string(),
                o.red.to_string(),
                o.overdue.to_string(),
                o.average_progress.map_or_else(|| "—".to_string(), percent),
            ]
        })
        .collect();
    doc.table(&columns, &rows, CellSize::Small)
}

fn red_table(doc: GongwenDoc, tasks: &[RedTask]) -> GongwenDoc {
    let columns = [
        Column { header: "序号", weight: 4, align: ColumnAlign::Center },
        Column { header: "编号", weight: 4, align: ColumnAlign::Center },
        Column { header: "任务内容", weight: 12, align: ColumnAlign::Left },
        Column { header: "牵头单位", weight: 7, align: ColumnAlign::Left },
        Column { header: "存在问题", weight: 12, align: ColumnAlign::Left },
    ];
    let rows: Vec<Vec<String>> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let problems = if t.problems.trim().is_empty() { "—".to_string() } else { t.problems.trim().to_string() };
            vec![(i + 1).to_string(), t.number.clone(), t.title.clone(), t.lead_org.clone(), problems]
        })
        .collect();
    doc.table(&columns, &rows, CellSize::Small)
}

fn late_table(doc: GongwenDoc, orgs: &[LateOrg]) -> GongwenDoc {
    let columns = [
        Column { header: "序号", weight: 1, align: ColumnAlign::Center },
        Column { header: "单位", weight: 6, align: ColumnAlign::Left },
        Column { header: "迟报（项）", weight: 2, align: ColumnAlign::Center },
        Column { header: "未报（项）", weight: 2, align: ColumnAlign::Center },
    ];
    let rows: Vec<Vec<String>> = orgs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            vec![(i + 1).to_string(), o.org.clone(), o.late_reports.to_string(), o.missing_reports.to_string()]
        })
        .collect();
    doc.table(&columns, &rows, CellSize::Small)
}

/// `62.5%`: one decimal at most, trailing zeros dropped.
fn percent(value: Decimal) -> String {
    format!("{}%", value.round_dp(1).normalize())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn percent_keeps_one_decimal() {
        assert_eq!(percent(Decimal::from_str("62.54").unwrap()), "62.5%");
        assert_eq!(percent(Decimal::from(100)), "100%");
        assert_eq!(percent(Decimal::from(200) / Decimal::from(3)), "66.7%");
    }
}
