//! Form and JSON fields that may arrive as a number or as text.
//!
//! HTML forms send every field as text, JSON clients send numbers; both land
//! in a `String` so that the use case, not the decoder, says in Chinese what
//! is wrong with the value.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Int(i64),
    Float(f64),
    Text(String),
}

/// Deserializes a number or a string into its text; `null` into "".
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<NumberOrText>::deserialize(d)? {
        None => String::new(),
        Some(NumberOrText::Int(n)) => n.to_string(),
        Some(NumberOrText::Float(f)) => f.to_string(),
        Some(NumberOrText::Text(s)) => s,
    })
}
