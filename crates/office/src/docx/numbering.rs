//! Word/WPS auto-numbering (`w:numPr`): the `三、` and `（一）` that `numbering.xml`
//! draws in front of a paragraph and that are not in its text.
//!
//! What is modelled, after ECMA-376 Part 1 §17.9:
//! - `w:abstractNum` levels with `w:start`, `w:numFmt`, `w:lvlText`, `w:lvlRestart`,
//!   `w:isLgl`, `w:suff` and `w:pStyle`;
//! - `w:num` instances with `w:lvlOverride` (`w:startOverride` and a whole `w:lvl`);
//! - numbering that comes from a paragraph style (`w:style/w:pPr/w:numPr`, following
//!   `w:basedOn`), the way Word's 标题 1/2/3 headings are usually numbered.
//!
//! Counters: as in Word, the `w:num` instances of one `w:abstractNum` continue one
//! another's count; an instance with a `w:startOverride` (what "restart numbering"
//! writes) keeps a count of its own. Using a level restarts the levels below it,
//! unless their `w:lvlRestart` says otherwise.
//!
//! Not modelled: `w:numStyleLink`/`w:styleLink` indirection, pictures as bullets,
//! and `w:legacy` spacing. Bullets render as nothing: they carry no heading number.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::OfficeError;

/// Word allows levels 0 to 8.
const LEVELS: usize = 9;

/// One level of a list: how its number is counted and drawn.
#[derive(Debug, Clone, Default)]
struct Level {
    start: Option<i64>,
    format: String,
    text: Option<String>,
    restart: Option<i64>,
    is_legal: bool,
    suffix: Suffix,
    style: Option<String>,
}

/// What Word puts between the number and the text (`w:suff`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Suffix {
    #[default]
    Tab,
    Space,
    Nothing,
}

#[derive(Debug, Clone, Default)]
struct AbstractNum {
    levels: [Option<Level>; LEVELS],
}

#[derive(Debug, Clone, Default)]
struct LevelOverride {
    start: Option<i64>,
    level: Option<Level>,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: Option<String>,
    overrides: HashMap<usize, LevelOverride>,
}

impl Num {
    fn has_start_override(&self) -> bool {
        self.overrides.values().any(|o| o.start.is_some())
    }
}

/// Numbering a paragraph asks for: `w:numId` and, if given, `w:ilvl`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NumRef {
    pub(crate) num_id: Option<String>,
    pub(crate) level: Option<usize>,
}

impl NumRef {
    fn or(&self, fallback: &NumRef) -> NumRef {
        NumRef { num_id: self.num_id.clone().or_else(|| fallback.num_id.clone()), level: self.level.or(fallback.level) }
    }
}

#[derive(Debug, Clone, Default)]
struct Style {
    based_on: Option<String>,
    num: NumRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum CounterKey {
    Abstract(String),
    Num(String),
}

/// The numbering definitions of one document and the running counters.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, AbstractNum>,
    nums: HashMap<String, Num>,
    styles: HashMap<String, Style>,
    counters: HashMap<CounterKey, [Option<i64>; LEVELS]>,
}

impl Numbering {
    /// Reads `word/numbering.xml` and `word/styles.xml`; either may be absent.
    pub(crate) fn parse(numbering: Option<&str>, styles: Option<&str>) -> Result<Self, OfficeError> {
        let mut this = Self::default();
        if let Some(xml) = numbering {
            this.parse_numbering(xml)?;
        }
        if let Some(xml) = styles {
            this.parse_styles(xml)?;
        }
        Ok(this)
    }

    /// The number prefix of the next paragraph with this style and `w:numPr`, or an
    /// empty string; advances the counters.
    pub(crate) fn next_prefix(&mut self, style: Option<&str>, direct: &NumRef) -> String {
        let from_style = style.map(|s| self.style_num(s)).unwrap_or_default();
        let wanted = direct.or(&from_style);
        let Some(num_id) = wanted.num_id else {
            return String::new();
        };
        // numId 0 switches numbering off, e.g. to undo a style's numbering.
        if num_id == "0" {
            return String::new();
        }
        let Some(num) = self.nums.get(&num_id) else {
            return String::new();
        };
        let Some(abstract_id) = num.abstract_id.clone() else {
            return String::new();
        };
        let Some(abstract_num) = self.abstracts.get(&abstract_id) else {
            return String::new();
        };
        let level = match wanted.level {
            Some(level) => level,
            // A style-linked list: the level whose w:pStyle names this style.
            None => style
                .and_then(|s| {
                    abstract_num.levels.iter().position(|l| l.as_ref().and_then(|l| l.style.as_deref()) == Some(s))
                })
                .unwrap_or(0),
        }
        .min(LEVELS - 1);

        // The effective definition of every level of this instance.
        let levels: Vec<Option<Level>> = (0..LEVELS)
            .map(|i| {
                let base = abstract_num.levels[i].clone();
                match num.overrides.get(&i) {
                    Some(o) => {
                        let mut l = o.level.clone().or(base);
                        if let (Some(l), Some(start)) = (l.as_mut(), o.start) {
                            l.start = Some(start);
                        }
                        l
                    }
                    None => base,
                }
            })
            .collect();
        let Some(this_level) = levels[level].clone() else {
            return String::new();
        };
        let key = if num.has_start_override() { CounterKey::Num(num_id) } else { CounterKey::Abstract(abstract_id) };
        let counters = self.counters.entry(key).or_insert([None; LEVELS]);

        let start_of = |l: &Option<Level>| l.as_ref().and_then(|l| l.start).unwrap_or(1);
        let value = counters[level].map_or(start_of(&levels[level]), |v| v.saturating_add(1));
        counters[level] = Some(value);
        for (deeper, counter) in counters.iter_mut().enumerate().skip(level + 1) {
            let restart = levels[deeper].as_ref().and_then(|l| l.restart);
            // w:lvlRestart is one-based: restart when a level above it is used; 0 never.
            let is_restarted = match restart {
                None => true,
                Some(0) => false,
                Some(r) => (level as i64) < r,
            };
            if is_restarted {
                *counter = None;
            }
        }

        if this_level.format == "bullet" || this_level.format == "none" {
            return String::new();
        }
        let Some(template) = this_level.text.as_deref() else {
            return String::new();
        };
        let mut out = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match (c, digit) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let i = (d - 1) as usize;
                    let n = counters[i].unwrap_or(start_of(&levels[i]));
                    let format = if this_level.is_legal {
                        "decimal"
                    } else {
                        levels[i].as_ref().map_or("decimal", |l| l.format.as_str())
                    };
                    out.push_str(&format_number(n, format));
                }
                _ => out.push(c),
            }
        }
        if out.is_empty() {
            return out;
        }
        // Word draws a tab or a space after the number. Written out, a number that
        // ends in Chinese punctuation reads as typed (`一、总体要求`, `（一）稳增长`);
        // any other gets one space (`1. 工业`, `第九条 总则`).
        let ends_in_wide_punctuation =
            out.chars().last().is_some_and(|c| matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}'));
        if this_level.suffix != Suffix::Nothing && !ends_in_wide_punctuation {
            out.push(' ');
        }
        out
    }

    fn style_num(&self, style: &str) -> NumRef {
        let mut result = NumRef::default();
        let mut next = Some(style);
        // basedOn chains are short; the bound stops a cycle.
        for _ in 0..16 {
            let Some(id) = next else { break };
            let Some(s) = self.styles.get(id) else { break };
            result = result.or(&s.num);
            if result.num_id.is_some() && result.level.is_some() {
                break;
            }
            next = s.based_on.as_deref();
        }
        result
    }

    fn parse_numbering(&mut self, xml: &str) -> Result<(), OfficeError> {
        let mut reader = Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut override_level: Option<usize> = None;
        let mut level: Option<(usize, Level)> = None;
        loop {
            let event = reader.read_event().map_err(|e| xml_error("word/numbering.xml", &e))?;
            let (element, is_empty) = match &event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    match e.local_name().as_ref() {
                        "abstractNum" => abstract_id = None,
                        "num" => num_id = None,
                        "lvlOverride" => override_level = None,
                        "lvl" => {
                            self.finish_level(level.take(), abstract_id.as_deref(), num_id.as_deref(), override_level)
                        }
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let name = element.local_name();
            match name.as_ref() {
                "abstractNum" => {
                    abstract_id = attr(element, "abstractNumId");
                    if let Some(id) = &abstract_id {
                        self.abstracts.entry(id.clone()).or_default();
                    }
                    if is_empty {
                        abstract_id = None;
                    }
                }
                "num" => {
                    num_id = attr(element, "numId");
                    if let Some(id) = &num_id {
                        self.nums.entry(id.clone()).or_default();
                    }
                    if is_empty {
                        num_id = None;
                    }
                }
                "abstractNumId" => {
                    if let Some(num) = num_id.as_ref().and_then(|id| self.nums.get_mut(id)) {
                        num.abstract_id = attr(element, "val");
                    }
                }
                "lvlOverride" => {
                    override_level = attr(element, "ilvl").and_then(|v| v.parse().ok());
                    if is_empty {
                        override_level = None;
                    }
                }
                "startOverride" => {
                    let start = attr(element, "val").and_then(|v| v.parse().ok());
                    if let (Some(num), Some(ilvl)) =
                        (num_id.as_ref().and_then(|id| self.nums.get_mut(id)), override_level)
                    {
                        num.overrides.entry(ilvl).or_default().start = start;
                    }
                }
                "lvl" => {
                    let ilvl =
                        attr(element, "ilvl").and_then(|v| v.parse::<usize>().ok()).or(override_level).unwrap_or(0);
                    level = Some((ilvl, Level::default()));
                    if is_empty {
                        self.finish_level(level.take(), abstract_id.as_deref(), num_id.as_deref(), override_level);
                    }
                }
                other => {
                    if let Some((_, l)) = level.as_mut() {
                        let val = attr(element, "val");
                        match other {
                            "start" => l.start = val.and_then(|v| v.parse().ok()),
                            "numFmt" => l.format = val.unwrap_or_default(),
                            "lvlText" => l.text = val,
                            "lvlRestart" => l.restart = val.and_then(|v| v.parse().ok()),
                            "isLgl" => l.is_legal = is_on(val.as_deref()),
                            "suff" => {
                                l.suffix = match val.as_deref() {
                                    Some("space") => Suffix::Space,
                                    Some("nothing") => Suffix::Nothing,
                                    _ => Suffix::Tab,
                                }
                            }
                            "pStyle" => l.style = val,
                            _ => {}
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn finish_level(
        &mut self,
        level: Option<(usize, Level)>,
        abstract_id: Option<&str>,
        num_id: Option<&str>,
        override_level: Option<usize>,
    ) {
        let Some((ilvl, level)) = level else { return };
        if ilvl >= LEVELS {
            return;
        }
        if let Some(id) = num_id {
            if let (Some(num), Some(o)) = (self.nums.get_mut(id), override_level) {
                num.overrides.entry(o).or_default().level = Some(level);
            }
        } else if let Some(a) = abstract_id.and_then(|id| self.abstracts.get_mut(id)) {
            a.levels[ilvl] = Some(level);
        }
    }

    fn parse_styles(&mut self, xml: &str) -> Result<(), OfficeError> {
        let mut reader = Reader::from_str(xml);
        let mut current: Option<(String, Style)> = None;
        loop {
            let event = reader.read_event().map_err(|e| xml_error("word/styles.xml", &e))?;
            let element = match &event {
                Event::Start(e) | Event::Empty(e) => e,
                Event::End(e) => {
                    if e.local_name().as_ref() == "style"
                        && let Some((id, style)) = current.take()
                    {
                        self.styles.insert(id, style);
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let name = element.local_name();
            match (name.as_ref(), current.as_mut()) {
                ("style", _) => {
                    current = attr(element, "styleId").map(|id| (id, Style::default()));
                }
                ("basedOn", Some((_, style))) => style.based_on = attr(element, "val"),
                ("numId", Some((_, style))) => style.num.num_id = attr(element, "val"),
                ("ilvl", Some((_, style))) => {
                    style.num.level = attr(element, "val").and_then(|v| v.parse().ok());
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The unescaped value of the attribute whose local name is `name` (`w:val` -> `val`).
pub(crate) fn attr(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// An OOXML on/off value: absent or `true`/`1`/`on` is on.
pub(crate) fn is_on(val: Option<&str>) -> bool {
    !matches!(val, Some("false" | "0" | "off"))
}

pub(crate) fn xml_error(part: &str, error: &quick_xml::Error) -> OfficeError {
    OfficeError::not_docx(format!("{part} 的 XML 格式有误（{error}）"))
}

/// Renders one counter value in a `w:numFmt`. Unknown formats fall back to decimal.
pub(crate) fn format_number(n: i64, format: &str) -> String {
    const CIRCLED: u32 = 0x2460; // ①
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chinese(n, &SIMPLE_DIGITS, &SIMPLE_UNITS, true),
        "chineseLegalSimplified" => chinese(n, &LEGAL_DIGITS, &LEGAL_UNITS, false),
        "ideographTraditional" => cyclic(n, &["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]),
        "ideographZodiac" => cyclic(n, &["子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥"]),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(CIRCLED + n as u32 - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
                None => c,
            })
            .collect(),
        "decimalZero" => format!("{n:02}"),
        "upperLetter" => letters(n, b'A'),
        "lowerLetter" => letters(n, b'a'),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        _ => n.to_string(),
    }
}

const SIMPLE_DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
const SIMPLE_UNITS: [&str; 4] = ["", "十", "百", "千"];
const LEGAL_DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
const LEGAL_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];

/// Chinese numerals up to 9999: 十一, 二十, 一百零五, 一千零一十; zero alone is
/// `digits[0]`. Beyond, decimal. `short_ten` writes 10–19 as 十… rather than 一十….
fn chinese(n: i64, digits: &[&str; 10], units: &[&str; 4], short_ten: bool) -> String {
    const INNER_ZERO: &str = "零";
    if !(0..=9999).contains(&n) {
        return n.to_string();
    }
    if n == 0 {
        return digits[0].to_string();
    }
    let places = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, &d) in places.iter().enumerate() {
        let unit = units[3 - i];
        if d == 0 {
            if !out.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            out.push_str(INNER_ZERO);
            pending_zero = false;
        }
        let is_lone_ten = short_ten && out.is_empty() && i == 2 && d == 1;
        if !is_lone_ten {
            out.push_str(digits[d as usize]);
        }
        out.push_str(unit);
    }
    out
}

fn cyclic(n: i64, symbols: &[&str]) -> String {
    if n < 1 {
        return n.to_string();
    }
    let len = symbols.len() as i64;
    symbols[((n - 1) % len) as usize].to_string()
}

/// Word's letters: A…Z, then AA…ZZ, AAA….
fn letters(n: i64, first: u8) -> String {
    if n < 1 {
        return n.to_string();
    }
    let letter = char::from(first + ((n - 1) % 26) as u8);
    let times = ((n - 1) / 26 + 1).min(100) as usize;
    std::iter::repeat_n(letter, times).collect()
}

fn roman(n: i64) -> String {
    if !(1..=3999).contains(&n) {
        return n.to_string();
    }
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut rest = n;
    let mut out = String::new();
    for (value, symbol) in TABLE {
        while rest >= value {
            out.push_str(symbol);
            rest -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_in_the_common_word_formats() {
        let cases = [
            (1, "decimal", "1"),
            (12, "decimal", "12"),
            (1, "chineseCounting", "一"),
            (10, "chineseCounting", "十"),
            (11, "chineseCounting", "十一"),
            (20, "chineseCounting", "二十"),
            (23, "chineseCountingThousand", "二十三"),
            (105, "chineseCountingThousand", "一百零五"),
            (110, "chineseCountingThousand", "一百一十"),
            (1001, "chineseCountingThousand", "一千零一"),
            (1010, "chineseCountingThousand", "一千零一十"),
            (0, "chineseCounting", "〇"),
            (12, "chineseLegalSimplified", "壹拾贰"),
            (1, "ideographTraditional", "甲"),
            (11, "ideographTraditional", "甲"),
            (3, "decimalEnclosedCircle", "③"),
            (21, "decimalEnclosedCircle", "21"),
            (7, "decimalFullWidth", "７"),
            (3, "decimalZero", "03"),
            (28, "upperLetter", "BB"),
            (2, "lowerLetter", "b"),
            (14, "upperRoman", "XIV"),
            (4, "lowerRoman", "iv"),
            (5, "someFutureFormat", "5"),
            (-3, "chineseCounting", "-3"),
        ];
        for (n, format, expected) in cases {
            assert_eq!(format_number(n, format), expected, "{n} in {format}");
        }
    }
}
