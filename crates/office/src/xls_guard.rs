//! Checks an old binary `.xls` before calamine reads it.
//!
//! `calamine::Xls::new` parses the whole workbook at once, every sheet included, and
//! trusts what the file declares: it follows the sector chains of the compound file
//! (CFB) container without noticing a loop (a looping chain grows a buffer until
//! memory runs out), builds the sector table from every DIFAT entry even when they
//! all name one sector, reserves room for as many cells as a DIMENSIONS record
//! claims, and makes each sheet a dense range up to its last cell. None of that can
//! be bounded from outside, so this module reads the container as calamine does,
//! refusing loops, out-of-range sectors and repeated DIFAT entries, then walks the
//! BIFF records of every sheet and checks cell positions and declared dimensions
//! against [`crate::limits`]. It only checks: calamine still does the reading.

use crate::OfficeError;
use crate::limits::{MAX_CELLS, MAX_COLUMNS, MAX_ROWS};

/// Sector numbers from this one up are markers, not sectors (CFB spec 2.1).
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Streams shorter than this live in the mini stream, in 64-byte sectors.
const MINI_STREAM_CUTOFF: usize = 4096;

/// Checks the `.xls` `bytes` (a CFB container) as described in the module doc.
///
/// # Errors
///
/// [`OfficeError::NotXlsx`] when the container is broken in a way calamine would
/// loop on or panic at; [`OfficeError::OverLimit`] when a sheet passes a limit.
pub(crate) fn check_xls(bytes: &[u8]) -> Result<(), OfficeError> {
    let container = Container::open(bytes)?;
    let stream = container.workbook_stream()?;
    check_sheets(&stream)
}

fn broken(reason: &str) -> OfficeError {
    OfficeError::NotXlsx { reason: format!("损坏的 .xls 文件（{reason}）") }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// A directory entry: a stream's name, first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// The CFB container as calamine's `cfb` module sees it.
struct Container<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    /// The highest sector number calamine accepts: file length / sector size.
    max_id: u32,
    fat: Vec<u32>,
    entries: Vec<Entry>,
    mini_fat: Vec<u32>,
    mini_stream: Vec<u8>,
}

impl<'a> Container<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, OfficeError> {
        let header = bytes.get(..512).ok_or_else(|| broken("文件头不完整"))?;
        let sector_size = match u16_at(header, 30) {
            Some(0x0009) => 512,
            Some(0x000C) => 4096,
            _ => return Err(broken("扇区大小无效")),
        };
        if u16_at(header, 32) != Some(6) {
            return Err(broken("小扇区大小无效"));
        }
        let max_id = u32::try_from(bytes.len() / sector_size).map_err(|_| broken("文件过大"))?;
        let mut container = Container {
            bytes,
            sector_size,
            max_id,
            fat: Vec::new(),
            entries: Vec::new(),
            mini_fat: Vec::new(),
            mini_stream: Vec::new(),
        };
        container.read_fat(header)?;
        container.read_directory(header)?;
        Ok(container)
    }

    /// Sector `id`: the bytes after the header's sector, cut at the end of the file.
    fn sector(&self, id: u32) -> Result<&'a [u8], OfficeError> {
        if id > self.max_id {
            return Err(broken("扇区编号超出文件"));
        }
        let start = (id as usize + 1).saturating_mul(self.sector_size).min(self.bytes.len());
        let end = start.saturating_add(self.sector_size).min(self.bytes.len());
        Ok(&self.bytes[start..end])
    }

    /// The sector allocation table, from the DIFAT in the header and its chain.
    fn read_fat(&mut self, header: &[u8]) -> Result<(), OfficeError> {
        let mut difat: Vec<u32> = u32s(&header[76..512]).collect();
        let mut id = u32_at(header, 68).unwrap_or(ENDOFCHAIN);
        let mut steps = 0usize;
        while id < RESERVED_SECTORS {
            steps += 1;
            if steps > self.max_id as usize + 1 {
                return Err(broken("DIFAT 链过长"));
            }
            difat.extend(u32s(self.sector(id)?));
            id = difat.pop().ok_or_else(|| broken("DIFAT 链无效"))?;
        }
        let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
        // calamine reads each listed sector: repeating one sector multiplies memory.
        if fat_sectors.len() > self.max_id as usize + 1 {
            return Err(broken("扇区分配表过长"));
        }
        for id in fat_sectors {
            let sector = self.sector(id)?;
            self.fat.extend(u32s(sector));
        }
        Ok(())
    }

    /// The directory entries and, when there is one, the mini stream and its table.
    fn read_directory(&mut self, header: &[u8]) -> Result<(), OfficeError> {
        let directory = self.chain(u32_at(header, 48).unwrap_or(ENDOFCHAIN), usize::MAX)?;
        let is_small = self.sector_size == 512;
        self.entries = directory
            .chunks_exact(128)
            .map(|c| Entry {
                name: entry_name(&c[..64]),
                start: u32_at(c, 116).unwrap_or(ENDOFCHAIN),
                len: if is_small {
                    u32_at(c, 120).unwrap_or(0) as usize
                } else {
                    u64::from_le_bytes(c[120..128].try_into().unwrap_or_default()) as usize
                },
            })
            .collect();
        let root = self.entries.first().ok_or_else(|| broken("没有目录"))?;
        let (root_start, root_len) = (root.start, root.len);
        let mini_fat_sectors = u32_at(header, 64).unwrap_or(0) as usize;
        if mini_fat_sectors > 0 {
            self.mini_stream = self.chain(root_start, root_len)?;
            let mini_fat_start = u32_at(header, 60).unwrap_or(ENDOFCHAIN);
            let mini_fat = self.chain(mini_fat_start, mini_fat_sectors.saturating_mul(self.sector_size))?;
            self.mini_fat = u32s(&mini_fat).collect();
        }
        Ok(())
    }

    /// The bytes of a chain of sectors, at most `len`, as calamine's `get_chain`
    /// reads them, but refusing a loop and a next sector outside the table (where
    /// calamine would loop for ever or panic).
    fn chain(&self, start: u32, len: usize) -> Result<Vec<u8>, OfficeError> {
        let mut out = Vec::new();
        let mut seen = vec![false; self.max_id as usize + 1];
        let mut id = start;
        while id != ENDOFCHAIN {
            let sector = self.sector(id)?;
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            id = self.next(&mut seen, id, &self.fat)?;
        }
        Ok(out)
    }

    /// A chain of 64-byte sectors of the mini stream.
    fn mini_chain(&self, start: u32, len: usize) -> Result<Vec<u8>, OfficeError> {
        let mut out = Vec::new();
        let mut seen = vec![false; self.mini_stream.len() / 64 + 1];
        let mut id = start;
        while id != ENDOFCHAIN {
            let from = id as usize * 64;
            // Past the mini stream calamine reads whatever follows in the file.
            let sector = self.mini_stream.get(from..from + 64).ok_or_else(|| broken("小扇区超出小流"))?;
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            id = self.next(&mut seen, id, &self.mini_fat)?;
        }
        Ok(out)
    }

    /// The sector after `id` in `table`, refusing a sector seen before.
    fn next(&self, seen: &mut [bool], id: u32, table: &[u32]) -> Result<u32, OfficeError> {
        let visited = seen.get_mut(id as usize).ok_or_else(|| broken("扇区编号超出文件"))?;
        if *visited {
            return Err(broken("扇区链成环"));
        }
        *visited = true;
        table.get(id as usize).copied().ok_or_else(|| broken("扇区编号超出分配表"))
    }

    /// The `Workbook` stream (`Book` in Excel 5 files), as calamine picks it.
    fn workbook_stream(&self) -> Result<Vec<u8>, OfficeError> {
        self.stream("Workbook").or_else(|_| self.stream("Book"))
    }

    fn stream(&self, name: &str) -> Result<Vec<u8>, OfficeError> {
        let entry = self
            .entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| broken("没有 Workbook 流"))?;
        if entry.len < MINI_STREAM_CUTOFF {
            self.mini_chain(entry.start, entry.len)
        } else {
            self.chain(entry.start, entry.len)
        }
    }
}

/// A directory entry's name: UTF-16LE, cut at the first NUL.
fn entry_name(raw: &[u8]) -> String {
    let units: Vec<u16> = raw.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let name = String::from_utf16_lossy(&units);
    name.split('\0').next().unwrap_or_default().to_string()
}

/// One BIFF record: its type and data (CONTINUE records are not cells and are skipped).
struct Record<'a> {
    kind: u16,
    data: &'a [u8],
}

/// The records of `stream` up to the first one that does not fit.
fn records(mut stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let kind = u16_at(stream, 0)?;
        let len = u16_at(stream, 2)? as usize;
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        Some(Record { kind, data })
    })
}

/// Checks every sheet a BoundSheet8 record of the workbook globals points to.
///
/// calamine densifies each of them, once per record even when two point to the same
/// place, so the limit on cells is on the sum.
fn check_sheets(stream: &[u8]) -> Result<(), OfficeError> {
    let mut positions = Vec::new();
    for record in records(stream) {
        match record.kind {
            0x0085 => positions.push(u32_at(record.data, 0).map_or(usize::MAX, |p| p as usize)),
            0x000A => break,
            _ => {}
        }
    }
    let mut cells = 0u64;
    for (index, position) in positions.into_iter().enumerate() {
        let sheet = stream.get(position..).ok_or_else(|| broken("工作表位置超出文件"))?;
        let what = format!("第 {} 个工作表", index + 1);
        cells = cells.saturating_add(sheet_grid(sheet, &what)?);
        if cells > MAX_CELLS {
            return Err(OfficeError::sheet_over("全部工作表", format!("{MAX_CELLS} 个单元格")));
        }
    }
    Ok(())
}

/// The size of the grid (from A1 to the last cell) of the sheet whose records start
/// `sheet`, checking its positions and declared dimensions.
fn sheet_grid(sheet: &[u8], what: &str) -> Result<u64, OfficeError> {
    let mut last: Option<(u32, u32)> = None;
    let mut seen_bof = false;
    let mut depth = 0usize;
    for record in records(sheet) {
        if depth > 0 {
            match record.kind {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match record.kind {
            // BOF: the sheet's own, then embedded charts, which calamine skips.
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x0200 => check_dimensions(record.data, what)?,
            // Number, Label, RString, BoolErr, Rk, LabelSst, Formula.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(row), Some(col)) = (u16_at(record.data, 0), u16_at(record.data, 2)) {
                    last = Some(extend(last, row.into(), col.into(), what)?);
                }
            }
            // MulRk: a row, its first and last column.
            0x00BD if record.data.len() >= 6 => {
                let (row, first) = (u16_at(record.data, 0), u16_at(record.data, 2));
                let last_col = u16_at(record.data, record.data.len() - 2);
                if let (Some(row), Some(first), Some(last_col)) = (row, first, last_col) {
                    last = Some(extend(last, row.into(), first.max(last_col).into(), what)?);
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    Ok(last.map_or(0, |(row, col)| (u64::from(row) + 1) * (u64::from(col) + 1)))
}

/// The furthest row and column so far, with one more cell.
fn extend(last: Option<(u32, u32)>, row: u32, col: u32, what: &str) -> Result<(u32, u32), OfficeError> {
    if row >= MAX_ROWS {
        return Err(OfficeError::sheet_over(what, format!("{MAX_ROWS} 行")));
    }
    if col >= MAX_COLUMNS {
        return Err(OfficeError::sheet_over(what, format!("{MAX_COLUMNS} 列")));
    }
    let (rows, cols) = last.unwrap_or((0, 0));
    let (rows, cols) = (rows.max(row), cols.max(col));
    if (u64::from(rows) + 1) * (u64::from(cols) + 1) > MAX_CELLS {
        return Err(OfficeError::sheet_over(format!("{what}的行数 × 列数"), format!("{MAX_CELLS} 个单元格")));
    }
    Ok((rows, cols))
}

/// A DIMENSIONS record, read as calamine reads it: it reserves rows × columns cells.
fn check_dimensions(data: &[u8], what: &str) -> Result<(), OfficeError> {
    let (first_row, last_row, first_col, last_col) = match data.len() {
        10 => (u16_at(data, 0).map(u32::from), u16_at(data, 2).map(u32::from), u16_at(data, 4), u16_at(data, 6)),
        14 | 16 => (u32_at(data, 0), u32_at(data, 4), u16_at(data, 8), u16_at(data, 10)),
        _ => return Err(broken("DIMENSIONS 记录长度无效")),
    };
    let (Some(first_row), Some(last_row), Some(first_col), Some(last_col)) = (first_row, last_row, first_col, last_col)
    else {
        return Err(broken("DIMENSIONS 记录长度无效"));
    };
    let first_col = if first_col > 0xFF || last_col < first_col { 0 } else { u32::from(first_col) };
    let (last_row, last_col) =
        if last_row >= 1 && last_col >= 1 { (last_row - 1, u32::from(last_col) - 1) } else { (first_row, first_col) };
    if last_row < first_row || last_col < first_col {
        return Err(broken("DIMENSIONS 记录无效"));
    }
    let rows = u64::from(last_row - first_row) + 1;
    let cols = u64::from(last_col - first_col) + 1;
    if rows.saturating_mul(cols) > MAX_CELLS {
        return Err(OfficeError::sheet_over(
            format!("{what}声明的范围（DIMENSIONS）"),
            format!("{MAX_CELLS} 个单元格"),
        ));
    }
    Ok(())
}
