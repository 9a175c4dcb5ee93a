//! 督办通知单: the notice an assigning office sends to an org whose assigned matter
//! (交办事项) has run past a stage's deadline.
//!
//! Layout, top to bottom: the red title `督 办 通 知 单` and the document number over a
//! red line; a two-column table of the facts (matter, source, dates, the org and its
//! responsible leader, the overdue stage, how late); the addressee; the body — what is
//! late, the requirement, the date to reply by and `逾期未办结的，将按规定通报`; the
//! assigning office and the date of issue.

use chrono::{Datelike, NaiveDate};
use qingdan_domain::assignment::DayCounting;

use crate::OfficeError;
use crate::gongwen::{CellSize, Column, ColumnAlign, GongwenDoc, chinese_date, chinese_month_day};

/// The title, spaced as red-headed notices print it.
pub const SUPERVISION_NOTICE_TITLE: &str = "督 办 通 知 单";

/// What a 督办通知单 says. Plain data: the caller fills it from the matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionNotice {
    /// 文号, e.g. `督办〔2026〕12号`.
    pub doc_number: String,
    /// 承办单位: the org the notice is addressed to, e.g. `市住房和城乡建设局`.
    pub addressee_org: String,
    /// 责任领导 of that org, e.g. `王建国（副局长）`. Empty: the row shows `—`.
    pub responsible_leader: String,
    /// 督办事项: the matter's title.
    pub matter_title: String,
    /// 事项来源, e.g. `领导批示` (`AssignmentSource::label`).
    pub source: String,
    /// 交办日期.
    pub assigned_on: NaiveDate,
    /// The stage that is overdue, e.g. `办结` (`Stage::label`).
    pub overdue_stage: String,
    /// The stage's deadline.
    pub stage_due: NaiveDate,
    /// How late, counted as the matter's rule counts days.
    pub days_overdue: u32,
    /// Whether `days_overdue` is in working days (`5个工作日`) or calendar days (`5天`).
    pub day_counting: DayCounting,
    /// 交办单位 / 督办单位: the office that assigned the matter and signs the notice.
    pub assigning_office: String,
    /// The date the org must reply by.
    pub reply_by: NaiveDate,
    /// 督办要求: what the org must do, one paragraph per line.
    pub requirement: String,
    /// 印发日期: the date on the notice.
    pub issued_on: NaiveDate,
}

/// The 督办通知单 as a `.docx` in 公文 format.
///
/// # Errors
///
/// [`OfficeError::DocxWrite`] when the document cannot be written.
pub fn supervision_notice_docx(notice: &SupervisionNotice) -> Result<Vec<u8>, OfficeError> {
    let overdue = overdue_text(notice.days_overdue, notice.day_counting);
    let stage_due = chinese_date(notice.stage_due);
    let leader = if notice.responsible_leader.trim().is_empty() { "—" } else { notice.responsible_leader.as_str() };
    let facts: Vec<Vec<String>> = [
        ("督办事项", notice.matter_title.clone()),
        ("事项来源", notice.source.clone()),
        ("交办日期", chinese_date(notice.assigned_on)),
        ("承办单位", notice.addressee_org.clone()),
        ("责任领导", leader.to_string()),
        ("逾期环节", format!("{}（应于{stage_due}前完成）", notice.overdue_stage)),
        ("逾期时间", format!("已逾期{overdue}")),
        ("反馈时限", format!("{}前", chinese_date(notice.reply_by))),
        ("督办单位", notice.assigning_office.clone()),
    ]
    .into_iter()
    .map(|(label, value)| vec![label.to_string(), value])
    .collect();
    let columns = [
        Column { header: "", weight: 1, align: ColumnAlign::Center },
        Column { header: "", weight: 4, align: ColumnAlign::Left },
    ];

    let reply_by = if notice.reply_by.year() == notice.issued_on.year() {
        chinese_month_day(notice.reply_by)
    } else {
        chinese_date(notice.reply_by)
    };
    let opening = format!(
        "你单位承办的“{}”（{}，{}交办），{}环节应于{stage_due}前完成，截至{}已逾期{overdue}。根据督查督办工作有关规定，现予督办。",
        notice.matter_title,
        notice.source,
        chinese_date(notice.assigned_on),
        notice.overdue_stage,
        chinese_date(notice.issued_on),
    );
    let closing = format!(
        "请你单位于{reply_by}前将办理进展和结果书面报送{}。逾期未办结的，将按规定通报。",
        notice.assigning_office
    );

    let mut doc = GongwenDoc::new()
        .made(&notice.assigning_office, None)
        .title(SUPERVISION_NOTICE_TITLE, true)
        .centered(&notice.doc_number)
        .red_rule()
        // 4号 in the table and no blank line after it: the notice stays one sheet
        // with a real Chinese font (a 3号 table pushed the signature onto a second page).
        .table(&columns, &facts, CellSize::Small)
        .addressee(&notice.addressee_org)
        .body(&opening);
    if !notice.requirement.trim().is_empty() {
        doc = doc.body(notice.requirement.trim());
    }
    doc.body(&closing).signature(&notice.assigning_office, notice.issued_on).finish()
}

fn overdue_text(days: u32, counting: DayCounting) -> String {
    match counting {
        DayCounting::WorkingDays => format!("{days}个工作日"),
        DayCounting::CalendarDays => format!("{days}天"),
    }
}
