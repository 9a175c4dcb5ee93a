//! Office files for Qingdan: Word and Excel bytes in, plain values out, and back.
//!
//! Government offices live in Word and Excel. The annual work report (政府工作报告)
//! arrives as a `.docx`; the responsibility list (一张清单) leaves and comes back as
//! an `.xlsx` ledger (台账). This crate is the one place that knows those formats:
//!
//! - [`docx_text`] turns a `.docx` into plain text, one paragraph per line, with
//!   Word/WPS auto-numbering rendered (`三、`, `（一）`), so that the extractor sees the
//!   headings a reader sees.
//! - [`draft_ledger_xlsx`] writes the draft list as a ledger workbook from [`LedgerRow`]s.
//! - [`GongwenDoc`] writes a 公文 (GB/T 9704-2012: A4, 仿宋_GB2312 body, 黑体 and
//!   楷体_GB2312 headings, `— 1 —` page numbers); on it, [`supervision_notice_docx`]
//!   writes the 督办通知单 of an overdue matter and [`bulletin_docx`] the periodic
//!   工作进展通报.
//! - [`ledger_template_xlsx`] writes the import templates (单位, 用户, 任务);
//!   [`read_ledger_table`] finds a ledger's columns by header text and reads its
//!   rows; [`LedgerExport`] streams a plan's ledger with progress and lights.
//! - [`project_ledger_template_xlsx`] and [`ProjectLedgerExport`] do the same for
//!   the key-project register ([`PROJECT_COLUMNS`]); [`dispatch_minutes_docx`] and
//!   [`dispatch_bulletin_docx`] write the 调度会议纪要 and the 调度通报.
//! - [`read_xlsx_rows`] reads the first sheet of a workbook as display strings, with
//!   merged cells filled in, for tests and for importing ledgers.
//!
//! What it must not do: touch the file system, the network or a database, or know
//! about plans and tasks beyond the plain rows it is given. Callers pass bytes and
//! get bytes or values back. Any bytes in give an [`OfficeError`], never a panic;
//! its messages are in Chinese and say what is wrong with the file, so that they
//! can be shown to the person who uploaded it.

// Tests may unwrap: a failure there is a test failure, with its message. The
// library build is still checked without this allowance.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod bulletin;
mod docx;
mod error;
mod gongwen;
mod ledger;
mod ledger_export;
mod ledger_table;
mod ledger_templates;
pub mod limits;
mod projects;
mod supervision;
mod table;
mod xls_guard;
mod xlsx_guard;
mod xlsx_read;

pub use bulletin::{
    Bulletin, BulletinSummary, DoubleHalf, LateOrg, NO_LATE_ORGS, NO_RED_TASKS, OrgLights, RedTask, bulletin_docx,
};
pub use docx::docx_text;
pub use error::OfficeError;
pub use gongwen::{CellSize, Column, ColumnAlign, GongwenDoc, chinese_date, chinese_number};
pub use ledger::{LEDGER_HEADERS, LedgerRow, draft_ledger_xlsx};
pub use ledger_export::{EXPORT_HEADERS, ExportTarget, ExportTask, LedgerExport, light_colors};
pub use ledger_table::{
    ColumnSpec, HEADER_SEARCH_ROWS, LedgerLine, LedgerTable, column_name, normalize_header, normalize_name,
    parse_ledger_date, read_ledger_table, to_half_width,
};
pub use ledger_templates::{
    COMPARATOR_LABELS, LedgerKind, ORG_COLUMNS, ORG_KIND_LABELS, ROLE_LABELS, TASK_COLUMNS, USER_COLUMNS,
    columns_template_xlsx, ledger_template_xlsx, org_column, task_column, user_column,
};
pub use projects::{
    CountyFigures, DispatchBulletin, DispatchMinutes, DispatchTotals, MinutesDecision, NO_DEADLINE, NO_DECISIONS,
    NO_OPEN_FACTOR_ISSUES, NO_RED_PROJECTS, OpenFactorIssue, PROJECT_BATCH_LABELS, PROJECT_CATEGORY_LABELS,
    PROJECT_COLUMNS, PROJECT_EXPORT_HEADERS, PROJECT_LEVEL_LABELS, PROJECT_NATURE_LABELS, PROJECT_STAGE_LABELS,
    PROJECT_TEMPLATE_TITLE, PreviousDecision, ProjectLedgerExport, ProjectLedgerRow, RedProject,
    dispatch_bulletin_docx, dispatch_minutes_docx, project_column, project_ledger_template_xlsx,
};
pub use supervision::{SUPERVISION_NOTICE_TITLE, SupervisionNotice, supervision_notice_docx};
pub use table::table_xlsx;
pub use xlsx_read::read_xlsx_rows;

/// The most bytes one part of a `.docx` may unpack to (64 MiB).
///
/// A guard against zip bombs: the part is held in memory whole. A work report's
/// `document.xml` is a few hundred KB; 50 MB of XML still fits. Workbooks have their
/// own limits in [`limits`].
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
