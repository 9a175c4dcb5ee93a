//! Validation errors: which field was wrong and why, in the user's language.

use serde::Serialize;
use std::fmt;

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name in forms and the API, e.g. `percent_done`.
    pub field: String,
    /// A stable machine-readable code, e.g. `out_of_range`.
    pub code: &'static str,
    /// A Chinese sentence for the user.
    pub message: String,
}

/// A rejected input: one or more field errors.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Invalid {
    pub errors: Vec<FieldError>,
}

impl Invalid {
    pub fn new() -> Invalid {
        Invalid::default()
    }

    pub fn one(field: &str, code: &'static str, message: impl Into<String>) -> Invalid {
        let mut invalid = Invalid::new();
        invalid.add(field, code, message);
        invalid
    }

    pub fn add(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.to_owned(), code, message: message.into() });
    }

    /// `Ok(())` when nothing was added.
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.errors.is_empty() { Ok(()) } else { Err(self) }
    }

    /// Checks a required text field: trimmed, non-empty, at most `max` characters.
    pub fn text(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if let Some(c) = forbidden_char(trimmed) {
            self.add(field, "invisible_char", invisible_message(label, c));
        } else if trimmed.is_empty() {
            self.add(field, "required", format!("{label}不能为空"));
        } else if trimmed.chars().count() > max {
            self.add(field, "too_long", format!("{label}不能超过{max}个字"));
        }
        trimmed.to_owned()
    }

    /// Checks an optional text field: at most `max` characters.
    pub fn optional_text(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if let Some(c) = forbidden_char(trimmed) {
            self.add(field, "invisible_char", invisible_message(label, c));
        } else if trimmed.chars().count() > max {
            self.add(field, "too_long", format!("{label}不能超过{max}个字"));
        }
        trimmed.to_owned()
    }
}

/// What a field with a forbidden character is told.
pub fn invisible_message(label: &str, c: char) -> String {
    format!("{label}含有不允许的不可见字符 {}，请删除后重试", char_code(c))
}

/// The first character of `text` that no input may carry, if any: U+0000
/// (PostgreSQL cannot store it), the other C0 and C1 control characters
/// except tab, line feed and carriage return, the bidirectional overrides,
/// embeddings, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E,
/// U+200F, U+061C — they make `exe.pdf` of `fdp.exe`), and the byte-order
/// mark or other zero-width characters (U+200B–U+200D, U+2060, U+FEFF), which
/// make two names look the same. One rule for the web edge, file names and
/// the command line.
pub fn forbidden_char(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        matches!(c,
            '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
            | '\u{061C}' | '\u{FEFF}')
    })
}

/// How a forbidden character is named to the user: `U+202E`.
pub fn char_code(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.errors.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join("；"))
    }
}

impl std::error::Error for Invalid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_control_characters_are_found_and_ordinary_text_passes() {
        for ok in ["市发改委", "新增钻井649口\n第二行\t制表", "a-b_c.docx", "（一）5%—5.5%", "😀"]
        {
            assert_eq!(forbidden_char(ok), None, "{ok:?}");
        }
        let cases = [
            ("ab\u{0}c", '\u{0}'),
            ("报告\u{202E}fdp.exe", '\u{202E}'),
            ("\u{FEFF}标题", '\u{FEFF}'),
            ("名\u{200B}称", '\u{200B}'),
            ("x\u{2067}y", '\u{2067}'),
            ("bell\u{7}", '\u{7}'),
            ("c1\u{85}", '\u{85}'),
        ];
        for (text, want) in cases {
            assert_eq!(forbidden_char(text), Some(want), "{text:?}");
        }
        assert_eq!(char_code('\u{202E}'), "U+202E");
        assert_eq!(char_code('\u{0}'), "U+0000");
    }
}
