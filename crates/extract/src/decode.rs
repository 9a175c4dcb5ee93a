//! File bytes to text: UTF-8 (with or without BOM) and GB18030/GBK, detected;
//! everything else refused with an error that names the format.

use thiserror::Error;

/// Why bytes could not be read as the text of a report. Messages are shown
/// to users, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// A Word (.docx) file: read it with `qingdan-office`, then call
    /// [`crate::extract`] on its text.
    #[error("这是 Word 文档（.docx），请按 Word 文件导入")]
    Docx,
    /// A format that is not text, named: PDF, 旧版 Word (.doc), ZIP, 图片…
    #[error("不支持的文件格式：{0}")]
    Unsupported(&'static str),
    /// Text in no encoding we read.
    #[error("无法识别文件编码：不是 UTF-8 或 GB18030/GBK 文本")]
    UnknownEncoding,
    /// Nothing in the file.
    #[error("文件为空")]
    Empty,
}

/// Signatures of binary formats, checked in order.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF", "PDF"),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "旧版 Office 文档（.doc/.xls/.wps）"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xFF\xD8\xFF", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xBC\xAF", "7z 压缩包"),
    (b"\x1F\x8B", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
    (b"\x7FELF", "可执行文件"),
    (b"MZ", "可执行文件"),
];

/// Reads file bytes as text: UTF-8 (a BOM is dropped), else GB18030 (which
/// covers GBK and GB2312) when the bytes are valid in it. A `.docx` (a ZIP
/// with `word/` entries) is reported as [`DecodeError::Docx`] so that the
/// caller can hand it to the Word reader; other formats are named.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let head = &bytes[..bytes.len().min(64 * 1024)];
        let is_word = contains(head, b"word/") || contains(head, b"[Content_Types].xml") && !contains(head, b"xl/");
        return Err(if is_word && !contains(head, b"xl/") {
            DecodeError::Docx
        } else if contains(head, b"xl/") {
            DecodeError::Unsupported("Excel 表格（.xlsx）")
        } else {
            DecodeError::Unsupported("ZIP 压缩包")
        });
    }
    if let Some((_, name)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Err(DecodeError::Unsupported(name));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, had_errors) = if bytes.starts_with(&[0xFF, 0xFE]) {
            encoding_rs::UTF_16LE.decode(bytes)
        } else {
            encoding_rs::UTF_16BE.decode(bytes)
        };
        return if had_errors { Err(DecodeError::UnknownEncoding) } else { Ok(text.into_owned()) };
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (gb, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
            if !had_errors && !is_mostly_utf8(body) {
                gb.into_owned()
            } else if is_mostly_utf8(body) {
                // UTF-8 with a few bad bytes (a file cut mid-char, a stray
                // byte): GB18030 would read it without error, as mojibake.
                String::from_utf8_lossy(body).into_owned()
            } else {
                return Err(DecodeError::UnknownEncoding);
            }
        }
    };
    if looks_binary(&text) {
        return Err(DecodeError::Unsupported("二进制文件"));
    }
    Ok(text)
}

/// Whether at most one char in a hundred fails to decode as UTF-8.
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let bad = text.chars().filter(|c| *c == char::REPLACEMENT_CHARACTER).count();
    bad * 100 <= text.chars().count()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Control chars other than line breaks and tabs make a file binary.
fn looks_binary(text: &str) -> bool {
    let sample = text.chars().take(8192);
    let (mut total, mut control) = (0usize, 0usize);
    for c in sample {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            control += 1;
        }
    }
    total > 0 && control * 50 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_reads() {
        assert_eq!(decode("新建基站".as_bytes()).as_deref(), Ok("新建基站"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("# 标题".as_bytes());
        assert_eq!(decode(&bom).as_deref(), Ok("# 标题"));
    }

    #[test]
    fn gbk_text_is_detected_and_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("今年新建5G基站1000座，年底前完成。");
        assert_eq!(decode(&bytes).as_deref(), Ok("今年新建5G基站1000座，年底前完成。"));
    }

    #[test]
    fn utf8_with_a_stray_byte_is_not_read_as_gbk() {
        let mut bytes = "今年新建5G基站1000座，年底前完成。".repeat(10).into_bytes();
        bytes.push(0xE4); // cut mid-char
        let text = decode(&bytes).unwrap_or_default();
        assert!(text.starts_with("今年新建5G基站1000座"), "{text}");
    }

    #[test]
    fn other_formats_are_named() {
        let cases: &[(&[u8], DecodeError)] = &[
            (b"%PDF-1.7\n...", DecodeError::Unsupported("PDF")),
            (b"PK\x03\x04....word/document.xml", DecodeError::Docx),
            (b"PK\x03\x04....xl/workbook.xml", DecodeError::Unsupported("Excel 表格（.xlsx）")),
            (b"PK\x03\x04....other", DecodeError::Unsupported("ZIP 压缩包")),
            (b"\x89PNG\r\n", DecodeError::Unsupported("PNG 图片")),
            (b"", DecodeError::Empty),
            (b"\x00\x01\x02\x03\x04\x05", DecodeError::Unsupported("二进制文件")),
        ];
        for (bytes, want) in cases {
            assert_eq!(decode(bytes).as_ref(), Err(want));
        }
        assert_eq!(DecodeError::Unsupported("PDF").to_string(), "不支持的文件格式：PDF");
    }
}
