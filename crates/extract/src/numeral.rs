//! Numbers as written in Chinese reports: Arabic digits with decimals and
//! fractions (`5.1`, `2/3`), and Chinese numerals (`两`, `十五`, `一百零五`,
//! positional `二〇二一`).

use rust_decimal::Decimal;

/// The value of a Chinese numeral digit, if `c` is one.
pub(crate) fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// The multiplier of a Chinese numeral unit char, if `c` is one.
pub(crate) fn chinese_multiplier(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1_000,
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => return None,
    })
}

/// Whether `c` can be part of a Chinese numeral.
pub(crate) fn is_chinese_numeral_char(c: char) -> bool {
    chinese_digit(c).is_some() || chinese_multiplier(c).is_some()
}

/// Parses a Chinese numeral: `十五` -> 15, `一百零五` -> 105, `三万五千` ->
/// 35000, `两` -> 2, positional `二〇二一` -> 2021. `None` for malformed
/// sequences such as `十四五` (a label, not a number) or on overflow.
pub(crate) fn parse_chinese(s: &str) -> Option<u64> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return None;
    }
    if chars.iter().all(|c| chinese_digit(*c).is_some()) {
        if chars.len() == 1 {
            return chinese_digit(chars[0]);
        }
        // Positional: 二〇二一. Only 〇/零 and 1-9, never 两.
        if chars.contains(&'两') {
            return None;
        }
        let mut v: u64 = 0;
        for c in &chars {
            v = v.checked_mul(10)?.checked_add(chinese_digit(*c)?)?;
        }
        return Some(v);
    }
    let mut total: u64 = 0; // completed 亿 groups
    let mut section: u64 = 0; // completed part below 亿 (with 万 groups)
    let mut group: u64 = 0; // part below 万
    let mut digit: Option<u64> = None;
    let mut last_small_unit: u64 = u64::MAX; // units inside a 万 group must fall
    for &c in &chars {
        if let Some(d) = chinese_digit(c) {
            if digit.is_some_and(|p| p != 0) {
                return None; // two digits in a row: 十四五
            }
            digit = Some(d);
        } else if let Some(m) = chinese_multiplier(c) {
            match m {
                10 | 100 | 1_000 => {
                    if m >= last_small_unit {
                        return None;
                    }
                    let d = match digit {
                        Some(0) => return None,
                        Some(d) => d,
                        None if m == 10 && group == 0 => 1, // 十五
                        None => return None,
                    };
                    group = group.checked_add(d.checked_mul(m)?)?;
                    last_small_unit = m;
                }
                10_000 => {
                    let g = group.checked_add(digit.unwrap_or(0))?;
                    if g == 0 && section == 0 {
                        return None;
                    }
                    section = section.checked_add(g.checked_mul(10_000)?)?;
                    group = 0;
                    last_small_unit = u64::MAX;
                }
                _ => {
                    let g = section.checked_add(group)?.checked_add(digit.unwrap_or(0))?;
                    if g == 0 {
                        return None;
                    }
                    total = total.checked_add(g.checked_mul(100_000_000)?)?;
                    section = 0;
                    group = 0;
                    last_small_unit = u64::MAX;
                }
            }
            digit = None;
        } else {
            return None;
        }
    }
    let tail = digit.unwrap_or(0);
    total.checked_add(section)?.checked_add(group)?.checked_add(tail)
}

/// A number found in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NumberToken {
    /// First char (normalized text index).
    pub start: usize,
    /// One past the last char of the number itself (without unit).
    pub end: usize,
    pub value: Decimal,
    pub is_chinese: bool,
    pub is_fraction: bool,
}

/// Parses an Arabic number (`1000`, `5.1`, `2/3`) from normalized chars at
/// `start`; `chars` is the whole normalized text.
pub(crate) fn scan_arabic(chars: &[char], start: usize) -> Option<NumberToken> {
    let digit_at = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_digit());
    if !digit_at(start) {
        return None;
    }
    // At most 24 digits on each side of the point: longer runs are codes,
    // and the bound keeps the scan linear on any input.
    let mut i = start;
    while digit_at(i) && i - start < 24 {
        i += 1;
    }
    if chars.get(i) == Some(&'.') && digit_at(i + 1) {
        i += 1;
        let frac = i;
        while digit_at(i) && i - frac < 24 {
            i += 1;
        }
    }
    if digit_at(i) {
        return None;
    }
    let int_text: String = chars.get(start..i)?.iter().collect();
    let value: Decimal = int_text.parse().ok()?;
    // A fraction such as 2/3 (not a date such as 3/10/2021).
    if chars.get(i) == Some(&'/') && digit_at(i + 1) && !int_text.contains('.') {
        let mut j = i + 1;
        while digit_at(j) && j - i < 4 {
            j += 1;
        }
        let den_text: String = chars.get(i + 1..j)?.iter().collect();
        let followed_by_slash = chars.get(j) == Some(&'/') || digit_at(j);
        if let Ok(den) = den_text.parse::<Decimal>()
            && !followed_by_slash
            && !den.is_zero()
            && value < den
            && den <= Decimal::from(100)
        {
            return Some(NumberToken {
                start,
                end: j,
                value: value.checked_div(den)?,
                is_chinese: false,
                is_fraction: true,
            });
        }
    }
    Some(NumberToken { start, end: i, value, is_chinese: false, is_fraction: false })
}

/// Parses a Chinese numeral at `start`. A trailing 万 or 亿 is left out of the
/// number: like the `亿` of `15亿元`, it belongs to the unit.
pub(crate) fn scan_chinese(chars: &[char], start: usize) -> Option<NumberToken> {
    let first = *chars.get(start)?;
    // Must start with a digit or 十 (十五); 百村, 万达, 千亿 are words.
    if chinese_digit(first).is_none() && first != '十' {
        return None;
    }
    let mut end = start;
    while end < chars.len() && end - start < 16 && chars.get(end).is_some_and(|c| is_chinese_numeral_char(*c)) {
        end += 1;
    }
    while end > start + 1 && matches!(chars.get(end - 1), Some('万' | '亿')) {
        end -= 1;
    }
    let text: String = chars.get(start..end)?.iter().collect();
    // 零 or 〇 alone is a word (零部件, 零碳, 零售), not the number 0.
    if matches!(text.as_str(), "零" | "〇") {
        return None;
    }
    let value = parse_chinese(&text)?;
    Some(NumberToken { start, end, value: Decimal::from(value), is_chinese: true, is_fraction: false })
}

/// A percentage or permillage written in words: `百分之六` -> 6 `%`,
/// `百分之六点五` -> 6.5, `百分之十二` -> 12, `千分之三` -> 3 `‰` (digits
/// after 之 are read too: `百分之6`). The token runs from 百/千 to the last
/// digit, so its text is the whole figure as written; the unit is the sign
/// it stands for. `百分之百` (a slogan as often as a figure) is not read.
pub(crate) fn scan_written_percent(chars: &[char], start: usize) -> Option<(NumberToken, &'static str)> {
    let unit = match (chars.get(start)?, chars.get(start + 1)?, chars.get(start + 2)?) {
        ('百', '分', '之') => "%",
        ('千', '分', '之') => "‰",
        _ => return None,
    };
    let from = start + 3;
    if chars.get(from).is_some_and(char::is_ascii_digit) {
        let tok = scan_arabic(chars, from)?;
        if tok.is_fraction {
            return None;
        }
        return Some((NumberToken { start, ..tok }, unit));
    }
    let mut end = from;
    while end - from < 8 && chars.get(end).is_some_and(|c| chinese_digit(*c).is_some() || matches!(c, '十' | '百')) {
        end += 1;
    }
    let whole: String = chars.get(from..end)?.iter().collect();
    let mut digits = parse_chinese(&whole)?.to_string();
    // Decimals after 点 are read digit by digit: 六点五 -> 6.5, 零点零五 -> 0.05.
    let decimal_digit = |k: usize| chars.get(k).filter(|c| **c != '两').and_then(|c| chinese_digit(*c));
    if chars.get(end) == Some(&'点') && decimal_digit(end + 1).is_some() {
        digits.push('.');
        let mut k = end + 1;
        while k - end <= 8
            && let Some(d) = decimal_digit(k)
        {
            digits.push_str(&d.to_string());
            k += 1;
        }
        end = k;
    }
    let value: Decimal = digits.parse().ok()?;
    // Not a Chinese count (whose noun and verb decide it): it reads as the
    // same figure written with digits and a sign.
    Some((NumberToken { start, end, value, is_chinese: false, is_fraction: false }, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_parse() {
        let cases = [
            ("一", Some(1)),
            ("两", Some(2)),
            ("十", Some(10)),
            ("十五", Some(15)),
            ("二十", Some(20)),
            ("一百零五", Some(105)),
            ("一千二百三十四", Some(1234)),
            ("三万五千", Some(35_000)),
            ("十二万", Some(120_000)),
            ("两亿", Some(200_000_000)),
            ("二〇二一", Some(2021)),
            ("十四五", None),
            ("五十五五", None),
            ("百", None),
            ("十十", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_chinese(input), want, "{input}");
        }
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn arabic_numbers_scan_with_decimals_and_fractions() {
        let cases = [
            ("1000座", "1000", 4),
            ("5.1%", "5.1", 3),
            ("2/3以上", "0.6666666666666666666666666667", 3),
            ("3/10/2021", "3", 1),
            ("7/5", "7", 1),
            ("12.", "12", 2),
        ];
        for (input, value, end) in cases {
            let tok = scan_arabic(&chars(input), 0);
            let tok = tok.unwrap_or_else(|| panic!("no number in {input}"));
            assert_eq!(tok.value.to_string(), value, "{input}");
            assert_eq!(tok.end, end, "{input}");
        }
    }

    #[test]
    fn chinese_numbers_leave_trailing_myriads_to_the_unit() {
        let cases = [
            ("两座", Some((2, 1))),
            ("十二万人", Some((12, 2))),
            ("三万五千元", Some((35000, 4))),
            ("百村", None),
            ("万达", None),
            ("零部件", None),
            ("〇", None),
        ];
        for (input, want) in cases {
            let got = scan_chinese(&chars(input), 0).map(|t| (t.value.to_string().parse::<u64>().unwrap_or(0), t.end));
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn percentages_written_in_words_read_as_the_sign() {
        let cases = [
            ("百分之六", Some(("6", "%", 4))),
            ("百分之六点五左右", Some(("6.5", "%", 6))),
            ("百分之十二以上", Some(("12", "%", 5))),
            ("百分之三十五", Some(("35", "%", 6))),
            ("百分之零点八", Some(("0.8", "%", 6))),
            ("千分之三", Some(("3", "‰", 4))),
            ("百分之7.5", Some(("7.5", "%", 6))),
            ("百分之九点", Some(("9", "%", 4))),
            ("百分之百", None),
            ("百分点", None),
            ("百分之", None),
        ];
        for (input, want) in cases {
            let got = scan_written_percent(&chars(input), 0);
            let got = got.as_ref().map(|(t, u)| (t.value.to_string(), *u, t.end));
            assert_eq!(got.as_ref().map(|(v, u, e)| (v.as_str(), *u, *e)), want, "{input}");
        }
    }
}
