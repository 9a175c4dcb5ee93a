//! Plain text of a Word `.docx`: the government work report as the extractor reads it.
//!
//! A `.docx` is a zip of XML parts. This module reads `word/document.xml` with
//! quick-xml and writes one line per paragraph:
//!
//! - the text of `w:t` runs; `w:tab` as a tab; `w:br`/`w:cr` as a line break;
//! - a table row as one line, its cells separated by tabs (paragraphs inside a cell
//!   joined by a space; a nested table's rows join into the outer cell);
//! - Word/WPS auto-numbering rendered in front of the paragraph (see
//!   [`numbering`]), so that `三、` and `（一）` headings are in the text;
//! - footnotes after the body, one line each, as they stand at the foot of a page.
//!
//! Left out on purpose: deleted and moved-away text of tracked changes, field
//! instructions, the duplicate fallback copy of drawings (`mc:Fallback`), page
//! headers and footers (page numbers and running titles are noise to the extractor).

mod numbering;

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use quick_xml::name::QName;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::limits::{MAX_DOCX_LINES, MAX_DOCX_NESTING, MAX_DOCX_TEXT_BYTES};
use crate::{MAX_PART_BYTES, OfficeError};
use numbering::{NumRef, Numbering, attr, xml_error};

/// The plain text of a Word `.docx`, one paragraph per line.
///
/// Auto-numbered headings get their numbers (`三、坚持创新驱动`), table rows become
/// tab-separated lines, footnotes follow the body. Lines are joined with `\n`, with
/// no trailing newline; empty paragraphs stay as empty lines.
///
/// # Errors
///
/// [`OfficeError::NotDocx`] when the bytes are not a zip, lack the main document, or
/// hold broken XML (the message names an old `.doc`, a PDF or an encrypted file when
/// it sees one); [`OfficeError::TooLarge`] when a part unpacks to more than
/// [`MAX_PART_BYTES`]; [`OfficeError::OverLimit`] past the paragraph, text or nesting
/// limits of [`crate::limits`] (numbering can make the text longer than the XML, and
/// an empty paragraph costs a line for a few bytes of XML).
pub fn docx_text(bytes: &[u8]) -> Result<String, OfficeError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| open_error(bytes, &e))?;
    let document_path = main_document_path(&mut archive)?;
    let document = read_part(&mut archive, &document_path)?
        .ok_or_else(|| OfficeError::not_docx(format!("缺少正文部分 {document_path}")))?;
    let folder = document_path.rsplit_once('/').map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let numbering_xml = read_part(&mut archive, &format!("{folder}numbering.xml"))?;
    let styles_xml = read_part(&mut archive, &format!("{folder}styles.xml"))?;
    let footnotes_xml = read_part(&mut archive, &format!("{folder}footnotes.xml"))?;

    let mut numbering = Numbering::parse(numbering_xml.as_deref(), styles_xml.as_deref())?;
    let mut out = Output::default();
    paragraphs(&document, &document_path, &mut numbering, &mut out)?;
    let mut lines = std::mem::take(&mut out.lines);
    if let Some(xml) = footnotes_xml {
        let part = format!("{folder}footnotes.xml");
        paragraphs(&xml, &part, &mut numbering, &mut out)?;
        lines.extend(out.lines.into_iter().filter(|l| !l.trim().is_empty()));
    }
    Ok(lines.join("\n"))
}

/// Says what the bytes are when they are not a zip at all.
fn open_error(bytes: &[u8], error: &ZipError) -> OfficeError {
    let reason = if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "这是旧版 Word（.doc）文件或加密的文档，请在 Word 或 WPS 中另存为 .docx".to_string()
    } else if bytes.starts_with(b"%PDF") {
        "这是 PDF 文件，请上传 .docx 或文本文件".to_string()
    } else if bytes.is_empty() {
        "文件是空的".to_string()
    } else {
        format!("不是 zip 压缩包（{error}）")
    };
    OfficeError::not_docx(reason)
}

/// The main document part named by `_rels/.rels`, else `word/document.xml`.
fn main_document_path(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Result<String, OfficeError> {
    const DEFAULT: &str = "word/document.xml";
    let Some(rels) = read_part(archive, "_rels/.rels")? else {
        return Ok(DEFAULT.to_string());
    };
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let is_main = attr(&e, "Type").is_some_and(|t| t.ends_with("/officeDocument"));
                if let (true, Some(target)) = (is_main, attr(&e, "Target")) {
                    return Ok(target.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(DEFAULT.to_string()),
            Ok(_) => {}
        }
    }
}

/// One part as text, `None` when the zip has no such entry.
fn read_part(archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, OfficeError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(OfficeError::not_docx(format!("无法读取 {name}（{e}）"))),
    };
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| OfficeError::not_docx(format!("无法解压 {name}（{e}）")))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(OfficeError::TooLarge { part: name.to_string(), limit_mib: MAX_PART_BYTES / 1024 / 1024 });
    }
    decode_xml(bytes).map(Some).ok_or_else(|| OfficeError::not_docx(format!("{name} 不是 UTF-8 或 UTF-16 编码")))
}

/// XML parts are UTF-8, or UTF-16 with a byte-order mark.
fn decode_xml(bytes: Vec<u8>) -> Option<String> {
    let utf16 = |bytes: &[u8], from: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes.chunks_exact(2).map(|c| from([c[0], c[1]])).collect();
        String::from_utf16(&units).ok()
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        _ => String::from_utf8(bytes).ok(),
    }
}

/// A paragraph being read.
#[derive(Default)]
struct Paragraph {
    text: String,
    style: Option<String>,
    num: NumRef,
    is_in_properties: bool,
}

/// A table being read: the cells of the current row.
#[derive(Default)]
struct Table {
    cells: Vec<String>,
    cell: Option<String>,
}

/// Elements whose whole content is skipped: tracked-change history, the VML copy of
/// a drawing, moved-away text.
const SKIPPED: [&str; 5] = ["pPrChange", "rPrChange", "Fallback", "moveFrom", "del"];

/// The lines of a document being read, and what they cost so far.
///
/// Every byte appended to a line or a table cell is counted, so that text copied
/// from nested cells into outer ones counts each time it is copied.
#[derive(Default)]
struct Output {
    lines: Vec<String>,
    line_count: usize,
    bytes: usize,
}

impl Output {
    fn spend(&mut self, bytes: usize) -> Result<(), OfficeError> {
        self.bytes += bytes;
        if self.bytes > MAX_DOCX_TEXT_BYTES {
            return Err(OfficeError::document_over("正文文字", format!("{} MiB", MAX_DOCX_TEXT_BYTES >> 20)));
        }
        Ok(())
    }

    fn count_line(&mut self) -> Result<(), OfficeError> {
        self.line_count += 1;
        if self.line_count > MAX_DOCX_LINES {
            return Err(OfficeError::document_over("正文", format!("{MAX_DOCX_LINES} 段")));
        }
        Ok(())
    }
}

/// Refuses paragraphs and tables open more than [`MAX_DOCX_NESTING`] deep.
fn check_nesting(open: usize, tables: usize) -> Result<(), OfficeError> {
    if open + tables > MAX_DOCX_NESTING {
        return Err(OfficeError::document_over("段落和表格的嵌套", format!("{MAX_DOCX_NESTING} 层")));
    }
    Ok(())
}

/// The lines of a `document.xml` or `footnotes.xml`, appended to `out.lines`.
fn paragraphs(xml: &str, part: &str, numbering: &mut Numbering, out: &mut Output) -> Result<(), OfficeError> {
    let mut reader = Reader::from_str(xml);
    let mut open: Vec<Paragraph> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut run_depth = 0usize;
    let mut is_in_text = false;

    loop {
        let event = reader.read_event().map_err(|e| xml_error(part, &e))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    skipped if SKIPPED.contains(&skipped) => {
                        let qname = e.name().as_ref().to_string();
                        reader.read_to_end(QName(&qname)).map_err(|e| xml_error(part, &e))?;
                    }
                    "p" => {
                        check_nesting(open.len() + 1, tables.len())?;
                        open.push(Paragraph::default());
                    }
                    "pPr" => {
                        if let Some(p) = open.last_mut() {
                            p.is_in_properties = true;
                        }
                    }
                    "r" => run_depth += 1,
                    "t" => is_in_text = run_depth > 0,
                    "tbl" => {
                        check_nesting(open.len(), tables.len() + 1)?;
                        tables.push(Table::default());
                    }
                    "tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.cells.clear();
                        }
                    }
                    "tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.cell = Some(String::new());
                        }
                    }
                    other => inline(other, &e, &mut open, run_depth),
                }
            }
            Event::Empty(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "p" => emit(String::new(), &mut tables, out)?,
                    "tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.cells.push(String::new());
                        }
                    }
                    other => inline(other, &e, &mut open, run_depth),
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "p" => {
                    if let Some(p) = open.pop() {
                        let mut line = numbering.next_prefix(p.style.as_deref(), &p.num);
                        line.push_str(&p.text);
                        emit(line, &mut tables, out)?;
                    }
                }
                "pPr" => {
                    if let Some(p) = open.last_mut() {
                        p.is_in_properties = false;
                    }
                }
                "r" => run_depth = run_depth.saturating_sub(1),
                "t" => is_in_text = false,
                "tc" => {
                    if let Some(t) = tables.last_mut() {
                        let cell = t.cell.take().unwrap_or_default();
                        t.cells.push(cell);
                    }
                }
                "tr" => {
                    if let Some(t) = tables.last_mut() {
                        let row = std::mem::take(&mut t.cells).join("\t");
                        // A nested table's row belongs to the outer table's cell.
                        let outer = tables.len().checked_sub(2).and_then(|i| tables.get_mut(i));
                        out.spend(row.len())?;
                        match outer.and_then(|t| t.cell.as_mut()) {
                            Some(cell) => append_to_cell(cell, &row),
                            None => {
                                out.count_line()?;
                                out.lines.push(row);
                            }
                        }
                    }
                }
                "tbl" => {
                    tables.pop();
                }
                _ => {}
            },
            Event::Text(t) if is_in_text => {
                if let Some(p) = open.last_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if is_in_text => {
                if let Some(p) = open.last_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if is_in_text => {
                if let Some(p) = open.last_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => p.text.push(c),
                        Ok(None) => match r.xml10_content().as_ref() {
                            "amp" => p.text.push('&'),
                            "lt" => p.text.push('<'),
                            "gt" => p.text.push('>'),
                            "quot" => p.text.push('"'),
                            "apos" => p.text.push('\''),
                            other => {
                                p.text.push('&');
                                p.text.push_str(other);
                                p.text.push(';');
                            }
                        },
                        Err(e) => return Err(xml_error(part, &e)),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Elements inside a paragraph that are not containers: numbering properties and
/// the run content that is not `w:t`.
fn inline(name: &str, element: &quick_xml::events::BytesStart<'_>, open: &mut [Paragraph], run_depth: usize) {
    let Some(p) = open.last_mut() else { return };
    if p.is_in_properties {
        match name {
            "pStyle" => p.style = attr(element, "val"),
            "numId" => p.num.num_id = attr(element, "val"),
            "ilvl" => p.num.level = attr(element, "val").and_then(|v| v.parse().ok()),
            _ => {}
        }
        return;
    }
    if run_depth == 0 {
        return;
    }
    match name {
        "tab" | "ptab" => p.text.push('\t'),
        "br" | "cr" => p.text.push('\n'),
        "noBreakHyphen" => p.text.push('-'),
        _ => {}
    }
}

/// A finished paragraph goes to the innermost table cell, or becomes a line.
fn emit(line: String, tables: &mut [Table], out: &mut Output) -> Result<(), OfficeError> {
    out.spend(line.len())?;
    match tables.last_mut().and_then(|t| t.cell.as_mut()) {
        Some(cell) => append_to_cell(cell, &line),
        None => {
            out.count_line()?;
            out.lines.push(line);
        }
    }
    Ok(())
}

/// Paragraphs in one cell share its line: joined by a space, breaks flattened.
fn append_to_cell(cell: &mut String, text: &str) {
    let text = text.replace(['\n', '\t'], " ");
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !cell.is_empty() {
        cell.push(' ');
    }
    cell.push_str(text);
}

#[cfg(test)]
mod tests;
