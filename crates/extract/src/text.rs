//! The text as the extractor sees it: one normalized `char` per input `char`,
//! so that every position is a [`CharOffset`] into the text as given.

use serde::{Deserialize, Serialize};

/// A position in the input counted in Unicode scalar values (`char`s), never
/// bytes. Python `str` indices and the gold files count the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CharOffset(pub usize);

impl CharOffset {
    /// The offset as a plain index.
    pub fn get(self) -> usize {
        self.0
    }
}

/// How many chars lie between two byte-offset checkpoints of [`Doc`].
const CHECKPOINT_EVERY: usize = 64;

/// The input, normalized per character (full-width digits and punctuation to
/// their ASCII forms, ideographic spaces to spaces), plus a sparse index from
/// char offsets back to byte offsets of the original, so that text shown to
/// users is cut from the original exactly as written.
pub(crate) struct Doc<'a> {
    original: &'a str,
    pub(crate) norm: Vec<char>,
    checkpoints: Vec<usize>,
    /// The report was given late in the year before its plan year: its
    /// 今年 is the year reviewed and its 明年 the plan year.
    pub(crate) spoken_the_year_before: bool,
}

impl<'a> Doc<'a> {
    pub(crate) fn new(original: &'a str) -> Self {
        let mut norm = Vec::with_capacity(original.len() / 2);
        let mut checkpoints = Vec::with_capacity(original.len() / CHECKPOINT_EVERY / 2 + 1);
        for (i, (byte, c)) in original.char_indices().enumerate() {
            if i % CHECKPOINT_EVERY == 0 {
                checkpoints.push(byte);
            }
            norm.push(normalize_char(c));
        }
        Doc { original, norm, checkpoints, spoken_the_year_before: false }
    }

    pub(crate) fn len(&self) -> usize {
        self.norm.len()
    }

    /// The normalized char at `i`, or `'\0'` outside the text.
    pub(crate) fn at(&self, i: usize) -> char {
        self.norm.get(i).copied().unwrap_or('\0')
    }

    fn byte_of(&self, char_index: usize) -> usize {
        let Some(&start) = self.checkpoints.get(char_index / CHECKPOINT_EVERY) else {
            return self.original.len();
        };
        let skip = char_index % CHECKPOINT_EVERY;
        let rest = self.original.get(start..).unwrap_or("");
        match rest.char_indices().nth(skip) {
            Some((b, _)) => start + b,
            None => self.original.len(),
        }
    }

    /// The original text of chars `start..end`, exactly as written.
    pub(crate) fn original(&self, start: usize, end: usize) -> String {
        if start >= end {
            return String::new();
        }
        let (a, b) = (self.byte_of(start), self.byte_of(end.min(self.len())));
        self.original.get(a..b).unwrap_or("").to_string()
    }

    /// The original text of `start..end` with line breaks and spaces removed:
    /// what a reader sees once a PDF's page breaks are joined.
    pub(crate) fn joined(&self, start: usize, end: usize) -> String {
        self.original(start, end).chars().filter(|c| !is_space(*c)).collect()
    }

    /// Whether the normalized text at `i` starts with `s`.
    pub(crate) fn starts_with_at(&self, i: usize, s: &str) -> bool {
        (i..).zip(s.chars()).all(|(j, c)| self.at(j) == c)
    }

    /// Whether the normalized text just before `i` ends with `s`.
    pub(crate) fn ends_with_at(&self, i: usize, s: &str) -> bool {
        let n = s.chars().count();
        if n > i {
            return false;
        }
        self.starts_with_at(i - n, s)
    }

    /// The first index at or after `i` (and before `end`) that is not a space.
    pub(crate) fn skip_spaces(&self, mut i: usize, end: usize) -> usize {
        while i < end && is_space(self.at(i)) {
            i += 1;
        }
        i
    }

    /// The last index before `i` (and at or after `start`) that is not a
    /// space, plus one: where the text before `i` really ends.
    pub(crate) fn skip_spaces_back(&self, mut i: usize, start: usize) -> usize {
        while i > start && is_space(self.at(i - 1)) {
            i -= 1;
        }
        i
    }

    /// Normalized chars `start..end` as a `String`, spaces dropped.
    pub(crate) fn norm_string(&self, start: usize, end: usize) -> String {
        let end = end.min(self.len());
        if start >= end {
            return String::new();
        }
        self.norm.get(start..end).unwrap_or(&[]).iter().filter(|c| !is_space(**c)).collect()
    }
}

/// Maps one char to its normalized form, one to one (NFKC-like for the
/// full-width forms that appear in pasted text; never expands a char).
pub(crate) fn normalize_char(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + u32::from(b'0')).unwrap_or(c),
        '\u{FF21}'..='\u{FF3A}' => char::from_u32(c as u32 - 0xFF21 + u32::from(b'A')).unwrap_or(c),
        '\u{FF41}'..='\u{FF5A}' => char::from_u32(c as u32 - 0xFF41 + u32::from(b'a')).unwrap_or(c),
        '％' => '%',
        '．' => '.',
        '／' => '/',
        '（' => '(',
        '）' => ')',
        '，' => ',',
        '：' => ':',
        '；' => ';',
        '！' => '!',
        '？' => '?',
        '～' => '~',
        '＋' => '+',
        '－' => '-',
        '＃' => '#',
        '\u{FF02}' => '"',
        '\u{3000}' | '\u{00A0}' | '\t' | '\r' | '\u{FEFF}' | '\u{200B}' => ' ',
        _ => c,
    }
}

/// Spaces and line breaks: ignorable inside a paragraph copied from a PDF.
pub(crate) fn is_space(c: char) -> bool {
    c == ' ' || c == '\n' || c.is_whitespace()
}

/// CJK ideographs (the basic block and extension A).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_normalize_one_to_one() {
        let cases = [('１', '1'), ('９', '9'), ('％', '%'), ('，', ','), ('（', '('), ('汉', '汉')];
        for (input, want) in cases {
            assert_eq!(normalize_char(input), want, "{input}");
        }
    }

    #[test]
    fn original_text_is_cut_by_char_offsets() {
        let text = "新建５Ｇ基站１０００座".repeat(20);
        let doc = Doc::new(&text);
        assert_eq!(doc.len(), text.chars().count());
        assert_eq!(doc.original(6, 10), "１０００");
        let far = 11 * 13 + 6;
        assert_eq!(doc.original(far, far + 4), "１０００");
        assert_eq!(doc.at(far), '1');
        assert!(doc.starts_with_at(far, "1000座"));
        assert!(doc.ends_with_at(far, "基站"));
        assert_eq!(doc.original(5, 500).chars().count(), 220 - 5);
    }
}
