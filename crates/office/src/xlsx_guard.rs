//! Checks an `.xlsx` by what its zip entries really unpack to, before calamine opens it.
//!
//! calamine trusts what a workbook declares: `Xlsx::new` reserves room for as many
//! shared strings as `<sst uniqueCount>` claims and reads every shared string into
//! memory, and a zip entry may declare a few bytes and inflate to gigabytes. So
//! every entry is inflated here first into nothing but a counter (through
//! [`Read::take`], so a bomb stops at the limit plus one byte), the shared strings
//! are counted, and the `mergeCell` elements that calamine would collect are
//! counted too. Only then does calamine see the bytes.

use std::io::{self, BufReader, Cursor, Read, Write};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use crate::OfficeError;
use crate::limits::{
    MAX_MERGED_REGIONS, MAX_SHARED_STRINGS, MAX_SHARED_STRINGS_BYTES, MAX_XLSX_PART_BYTES, MAX_XLSX_TOTAL_BYTES,
    MAX_ZIP_ENTRIES,
};

/// Checks every entry of the zip `bytes` against [`crate::limits`].
///
/// # Errors
///
/// [`OfficeError::NotXlsx`] when the zip cannot be read or an entry cannot be
/// unpacked; [`OfficeError::TooLarge`] when an entry unpacks to more than its limit;
/// [`OfficeError::OverLimit`] for too many entries, too many bytes in all, too many
/// shared strings or merged regions.
pub(crate) fn check_xlsx_zip(bytes: &[u8]) -> Result<(), OfficeError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_xlsx(format!("不是 zip 压缩包（{e}）")))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(OfficeError::sheet_over("压缩包中的部件", format!("{MAX_ZIP_ENTRIES} 个")));
    }
    let mut total = 0u64;
    for index in 0..archive.len() {
        let (name, counted) = count_entry(&mut archive, index)?;
        total += counted.bytes;
        if total > MAX_XLSX_TOTAL_BYTES {
            return Err(OfficeError::sheet_over("解压后的全部内容", format!("{} MiB", MAX_XLSX_TOTAL_BYTES >> 20)));
        }
        if counted.matches > MAX_MERGED_REGIONS {
            return Err(OfficeError::sheet_over(format!("{name} 中的合并单元格"), format!("{MAX_MERGED_REGIONS} 个")));
        }
        if is_shared_strings(&name) {
            let entry = archive.by_index(index).map_err(|e| not_xlsx(format!("无法读取 {name}（{e}）")))?;
            check_shared_strings(entry.take(MAX_SHARED_STRINGS_BYTES))?;
        }
    }
    Ok(())
}

/// Inflates entry `index` into a [`Counter`], at most one byte past its limit.
fn count_entry(archive: &mut ZipArchive<Cursor<&[u8]>>, index: usize) -> Result<(String, Counter), OfficeError> {
    let mut entry = archive.by_index(index).map_err(|e| not_xlsx(format!("无法读取第 {} 个部件（{e}）", index + 1)))?;
    let name = shown(&entry.name().map_err(|e| not_xlsx(format!("部件名称无效（{e}）")))?);
    let limit = if is_shared_strings(&name) { MAX_SHARED_STRINGS_BYTES } else { MAX_XLSX_PART_BYTES };
    let mut counter = Counter::new(b"mergeCell");
    io::copy(&mut (&mut entry).take(limit + 1), &mut counter)
        .map_err(|e| not_xlsx(format!("无法解压 {name}（{e}）")))?;
    if counter.bytes > limit {
        return Err(OfficeError::TooLarge { part: name, limit_mib: limit >> 20 });
    }
    Ok((name, counter))
}

/// calamine finds `sharedStrings.xml` whatever the case of its path.
fn is_shared_strings(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("sharedstrings.xml")
}

/// An entry name as shown in a message: at most 80 characters.
fn shown(name: &str) -> String {
    name.chars().take(80).collect()
}

/// Counts the declared (`uniqueCount`, `count`) and the real (`<si>`) shared strings.
///
/// Broken XML ends the count: calamine reports it when it reads the part.
fn check_shared_strings(part: impl Read) -> Result<(), OfficeError> {
    let mut reader = Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    let mut found = 0u64;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => check_declared_count(&e)?,
                "si" => {
                    found += 1;
                    if found > MAX_SHARED_STRINGS {
                        return Err(too_many_strings());
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
}

/// The counts an `<sst>` declares, which calamine reserves room for.
fn check_declared_count(sst: &BytesStart<'_>) -> Result<(), OfficeError> {
    for attr in sst.attributes().flatten() {
        if !matches!(attr.key.local_name().as_ref(), "uniqueCount" | "count") {
            continue;
        }
        let digits = attr.value.strip_prefix('+').unwrap_or(&attr.value);
        let is_number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        let value = digits.parse::<u64>().ok();
        if is_number && value.is_none_or(|n| n > MAX_SHARED_STRINGS) {
            return Err(too_many_strings());
        }
    }
    Ok(())
}

fn too_many_strings() -> OfficeError {
    OfficeError::sheet_over("共享字符串（sharedStrings.xml）", format!("{MAX_SHARED_STRINGS} 个"))
}

fn not_xlsx(reason: String) -> OfficeError {
    OfficeError::NotXlsx { reason }
}

/// A sink that counts the bytes written to it and the occurrences of `pattern`.
struct Counter {
    pattern: &'static [u8],
    bytes: u64,
    matches: u64,
    /// The last bytes written, shorter than `pattern`: a match may span two writes.
    tail: Vec<u8>,
}

impl Counter {
    fn new(pattern: &'static [u8]) -> Self {
        Self { pattern, bytes: 0, matches: 0, tail: Vec::new() }
    }
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes += buf.len() as u64;
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(buf);
        self.matches += window.windows(self.pattern.len()).filter(|w| *w == self.pattern).count() as u64;
        let keep = window.len().min(self.pattern.len() - 1);
        self.tail = window.split_off(window.len() - keep);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_finds_a_pattern_split_between_writes() {
        let mut counter = Counter::new(b"mergeCell");
        counter.write_all(b"<mergeCells><merge").unwrap();
        counter.write_all(b"Cell ref=\"A1:B2\"/><mergeCell/>").unwrap();
        assert_eq!((counter.bytes, counter.matches), (48, 3));
    }

    #[test]
    fn declared_counts_past_the_limit_are_refused() {
        let sst = |xml: &str| check_shared_strings(xml.as_bytes());
        assert!(sst(r#"<sst uniqueCount="1000000"><si/></sst>"#).is_ok());
        assert!(sst(r#"<sst uniqueCount="1000001"/>"#).is_err());
        assert!(sst(r#"<sst count="99999999999999999999999"/>"#).is_err());
        assert!(sst(r#"<sst uniqueCount="abc"/>"#).is_ok(), "not a number: calamine ignores it too");
    }
}
