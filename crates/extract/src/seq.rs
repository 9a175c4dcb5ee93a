//! 序号: the number a ledger (台账) gives a task in its own cell — `一、`,
//! `（一）`, `1.`, `（1）`, `①`, or `3` / `3.2` / `3.2.1` — and the level of the
//! task tree it stands for. The report's running text has its own markers
//! (`layout`); a ledger cell holds nothing but the number.

/// A cell as compared: half-width, without whitespace.
fn normalize_name(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// The level of a 序号 in one of the two schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// 一、 （一） 1. （1）: levels 0–3.
    Chinese(u8),
    /// Digits, possibly dotted: `3` or `3.2` (the level is the number of dots).
    Arabic(u8),
    /// Digits with a trailing `.`/`、` (`1.`): level 2 among Chinese numbers, else 0.
    ArabicItem,
}

const CHINESE_DIGITS: &str = "一二三四五六七八九十百零〇两";

pub fn numbering(seq: &str) -> Option<Numbering> {
    let s = normalize_name(seq);
    let s = s.trim_end_matches(['、', '.', '．', '，', ',']);
    let ends_with_mark = s.len() != normalize_name(seq).len();
    if s.is_empty() {
        return None;
    }
    let is_chinese = |t: &str| !t.is_empty() && t.chars().all(|c| CHINESE_DIGITS.contains(c));
    let is_digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    if is_chinese(s) {
        return Some(Numbering::Chinese(0));
    }
    if let Some(inner) = s.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        if is_chinese(inner) {
            return Some(Numbering::Chinese(1));
        }
        if is_digits(inner) {
            return Some(Numbering::Chinese(3));
        }
    }
    if is_digits(s) {
        return Some(if ends_with_mark { Numbering::ArabicItem } else { Numbering::Arabic(0) });
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 1 && parts.iter().all(|p| is_digits(p)) {
        return Some(Numbering::Arabic(u8::try_from(parts.len() - 1).unwrap_or(u8::MAX)));
    }
    if s.chars().count() == 1 && ('①'..='⑳').contains(&s.chars().next().unwrap_or(' ')) {
        return Some(Numbering::Chinese(4));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_levels() {
        let cases = [
            ("一、", Some(Numbering::Chinese(0))),
            ("十二、", Some(Numbering::Chinese(0))),
            ("（一）", Some(Numbering::Chinese(1))),
            ("(三)", Some(Numbering::Chinese(1))),
            ("1.", Some(Numbering::ArabicItem)),
            ("12、", Some(Numbering::ArabicItem)),
            ("1．", Some(Numbering::ArabicItem)),
            ("（1）", Some(Numbering::Chinese(3))),
            ("3", Some(Numbering::Arabic(0))),
            ("3.2", Some(Numbering::Arabic(1))),
            ("3.2.1", Some(Numbering::Arabic(2))),
            ("①", Some(Numbering::Chinese(4))),
            ("A-1", None),
            ("第一", None),
        ];
        for (seq, expected) in cases {
            assert_eq!(numbering(seq), expected, "{seq}");
        }
    }
}
