//! Limits on what one uploaded file may make the server read.
//!
//! Every reader in this crate is bounded by what it actually reads, never by what a
//! file declares: a zip entry's size in its header, a sheet's `<dimension ref>`, an
//! `.xls` DIMENSIONS record or a shared-strings `uniqueCount` are only claims, and a
//! hostile 8 KB file can claim 512 GB. So the readers count real bytes, real cells
//! and real positions, and stop with [`crate::OfficeError::OverLimit`] or
//! [`crate::OfficeError::TooLarge`] at the first limit passed.
//!
//! The numbers are far above what an office ever uploads (a city's task ledger has a
//! few thousand rows and some twenty columns; a work report is a few hundred KB of
//! XML), and low enough that the worst file within them costs a few hundred MB of
//! memory at most.

/// Rows of the first sheet of a workbook, counted to its last non-empty cell.
pub const MAX_ROWS: u32 = 100_000;

/// Columns of a sheet (`GR` is the 200th), counted to its last non-empty cell.
pub const MAX_COLUMNS: u32 = 200;

/// Cells of the grid a sheet is read into: from A1 to its last row and last column.
///
/// The reader returns dense rows (every row as long as the longest), so what costs
/// memory is rows × columns, not the number of cells written: one cell at A1 and one
/// at GR100000 make a grid of 20 million. Two million (100,000 rows × 20 columns)
/// is about 50 MB of empty strings. For `.xls` it also bounds the sum over all
/// sheets, which the old-format parser reads at once.
pub const MAX_CELLS: u64 = 2_000_000;

/// Entries of a zip (`.xlsx`, `.docx`). A real workbook has a few dozen.
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// What one entry of an `.xlsx` may unpack to. Sheets are read as a stream, so this
/// costs time more than memory (one cell's text is held at a time);
/// 100,000 rows of 20 cells are some 90 MB of XML.
pub const MAX_XLSX_PART_BYTES: u64 = 128 * 1024 * 1024;

/// What all entries of an `.xlsx` together may unpack to.
pub const MAX_XLSX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// What `xl/sharedStrings.xml` may unpack to: it is held in memory whole.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 32 * 1024 * 1024;

/// Shared strings of a workbook, declared (`uniqueCount`, which the parser reserves
/// room for) or found (`<si>` elements).
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;

/// Paragraphs and table rows of a `.docx` (a work report has a few thousand).
pub const MAX_DOCX_LINES: usize = 1_000_000;

/// Bytes of plain text a `.docx` may give, numbering included.
pub const MAX_DOCX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// Paragraphs and tables open inside one another in a `.docx` (Word nests tables a
/// few levels deep at most).
pub const MAX_DOCX_NESTING: usize = 64;

/// Bytes of text in the cells of a sheet read as rows, merged cells filled in.
///
/// One shared string may stand in a million cells, and a merged region repeats its
/// value in every cell it covers, so the text read can be far more than the file.
pub const MAX_SHEET_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Merged regions of one sheet (counted as `mergeCell` in its XML): a ledger with a
/// few thousand tasks merged over their target rows has a few thousand.
pub const MAX_MERGED_REGIONS: u64 = 1_000_000;
