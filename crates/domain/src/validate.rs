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
        if trimmed.is_empty() {
            self.add(field, "required", format!("{label}不能为空"));
        } else if trimmed.chars().count() > max {
            self.add(field, "too_long", format!("{label}不能超过{max}个字"));
        }
        trimmed.to_owned()
    }

    /// Checks an optional text field: at most `max` characters.
    pub fn optional_text(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.chars().count() > max {
            self.add(field, "too_long", format!("{label}不能超过{max}个字"));
        }
        trimmed.to_owned()
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.errors.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join("；"))
    }
}

impl std::error::Error for Invalid {}
