//! Byte limits on UTF-8 text.

/// `text` cut to at most `max_bytes` bytes of UTF-8, on a char boundary, with
/// `…` at the end when something was cut. Chinese text is 3 bytes a char, so
/// a limit in bytes is not a limit in chars.
pub fn truncate_utf8(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_owned();
    }
    const ELLIPSIS: &str = "…";
    let budget = max_bytes.saturating_sub(ELLIPSIS.len());
    let mut end = budget.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if max_bytes < ELLIPSIS.len() {
        return String::new();
    }
    format!("{}{ELLIPSIS}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::truncate_utf8;

    #[test]
    fn short_text_is_unchanged() {
        assert_eq!(truncate_utf8("督查", 6), "督查");
    }

    #[test]
    fn cuts_on_a_char_boundary_within_the_limit() {
        // 10 Chinese chars = 30 bytes; 8 bytes leave room for one char and "…" (3 bytes).
        let cut = truncate_utf8("一二三四五六七八九十", 8);
        assert_eq!(cut, "一…");
        assert!(cut.len() <= 8);
        for max in 0..40 {
            let cut = truncate_utf8("a一b二c三d四e五", max);
            assert!(cut.len() <= max, "{max}: {cut:?} is {} bytes", cut.len());
        }
    }
}
