//! Errors of this crate, with Chinese messages for the person who uploaded the file.

/// Why an Office file could not be read or written.
///
/// The `Display` text is Chinese and names the format and the fault, so it can be
/// shown to users as it is (`不是有效的 Word 文档（.docx）：不是 zip 压缩包`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeError {
    /// The bytes are not a readable `.docx`: not a zip, a missing part, broken XML.
    #[error("不是有效的 Word 文档（.docx）：{reason}")]
    NotDocx {
        /// What is wrong, in Chinese.
        reason: String,
    },
    /// The bytes are not a workbook calamine can read (.xlsx, .xls, .xlsb, .ods).
    #[error("不是有效的 Excel 工作簿（.xlsx）：{reason}")]
    NotXlsx {
        /// What is wrong, in Chinese.
        reason: String,
    },
    /// The workbook has no sheet at all.
    #[error("Excel 工作簿中没有工作表")]
    NoSheet,
    /// A part of the file unpacks to more than its limit: [`crate::MAX_PART_BYTES`]
    /// for a `.docx`, [`crate::limits::MAX_XLSX_PART_BYTES`] or
    /// [`crate::limits::MAX_SHARED_STRINGS_BYTES`] for an `.xlsx`. Counted as it
    /// inflates, whatever the zip header says.
    #[error("文件过大：{part} 解压后超过 {limit_mib} MiB")]
    TooLarge {
        /// The part inside the zip, e.g. `word/document.xml`.
        part: String,
        /// The limit in MiB.
        limit_mib: u64,
    },
    /// The file passes a limit no real office file reaches (see [`crate::limits`]):
    /// rows, columns or cells of a sheet, shared strings, entries of a zip, paragraphs
    /// or nesting of a document. Renders as `表格过大：第一个工作表超过 100000 行（上限）`.
    #[error("{file}过大：{what}超过 {limit}（上限）")]
    OverLimit {
        /// `表格` for a workbook, `文档` for a Word document.
        file: &'static str,
        /// What was counted, e.g. `第一个工作表`.
        what: String,
        /// The limit with its unit, e.g. `100000 行`.
        limit: String,
    },
    /// Writing a Word document failed.
    #[error("生成 Word 文档失败：{reason}")]
    DocxWrite {
        /// The writer's message.
        reason: String,
    },
    /// No row near the top of a ledger's first sheet names every required column.
    #[error("未找到表头：前 {rows} 行中没有包含{missing}列的表头行")]
    LedgerHeader {
        /// The missing headers, quoted and joined: `“任务内容”、“牵头单位”`.
        missing: String,
        /// How many rows were searched.
        rows: usize,
    },
    /// Writing the ledger workbook failed (a limit of the xlsx format, e.g. text
    /// longer than 32,767 characters in one cell).
    #[error("生成 Excel 台账失败：{reason}")]
    LedgerWrite {
        /// The writer's message.
        reason: String,
    },
}

impl OfficeError {
    /// Whether the file was refused for its size ([`Self::TooLarge`] or
    /// [`Self::OverLimit`]): the caller answers 413 rather than 422.
    pub fn is_too_large(&self) -> bool {
        matches!(self, Self::TooLarge { .. } | Self::OverLimit { .. })
    }

    pub(crate) fn sheet_over(what: impl Into<String>, limit: impl Into<String>) -> Self {
        Self::OverLimit { file: "表格", what: what.into(), limit: limit.into() }
    }

    pub(crate) fn document_over(what: impl Into<String>, limit: impl Into<String>) -> Self {
        Self::OverLimit { file: "文档", what: what.into(), limit: limit.into() }
    }

    pub(crate) fn not_docx(reason: impl Into<String>) -> Self {
        Self::NotDocx { reason: reason.into() }
    }
}
