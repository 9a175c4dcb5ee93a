//! 计量单位 (unit): the unit or measure word written right after a number.
//!
//! A unit is an optional magnitude (`万`, `亿`, `千`, `百`…) followed by an
//! optional base unit or measure word (`元`, `吨`, `个`, `座`…). Durations
//! and dates (`年`, `个月`, `日`) are not units of a target: a number that
//! carries them is a deadline or a time span.

use crate::text::Doc;

/// Latin units read right after a number (not 5G, 4K, 3D: labels).
const LATIN_UNITS: &[&str] = &[
    "GW", "MW", "kW", "KW", "GWh", "MWh", "kWh", "TWh", "P", "PFlops", "EFlops", "PFLOPS", "EFLOPS", "PB", "EB", "TB",
    "km", "Gbps", "Mbps",
];

/// Magnitudes kept in the unit, as the annotation does (`15` + `亿元`).
const MAGNITUDES: &[&str] = &["十万", "百万", "千万", "万亿", "万", "亿", "千", "百"];

/// Base units and measure words, longest first where one is a prefix of
/// another (the matcher takes the longest anyway).
const BASE_UNITS: &[&str] = &[
    // shares
    "个百分点",
    "百分点",
    "%",
    "‰",
    "倍",
    // money
    "美元",
    "欧元",
    "元",
    // area, length, volume, mass, energy
    "平方公里",
    "平方千米",
    "平方米",
    "平米",
    "微克/立方米",
    "毫克/升",
    "立方米",
    "标箱",
    "方",
    "公顷",
    "亩",
    "公里",
    "千米",
    "延米",
    "米",
    "吨标准煤",
    "标准煤",
    "吨",
    "公斤",
    "千克",
    "斤",
    "千瓦时",
    "千瓦",
    "兆瓦",
    "吉瓦",
    "千伏安",
    "瓦",
    "蒸吨",
    // people and households
    "人次",
    "批次",
    "场次",
    "人口",
    "人",
    "户",
    "名",
    "位",
    // measure words for things counted
    "个",
    "座",
    "条",
    "所",
    "家",
    "项",
    "口",
    "台",
    "套",
    "件",
    "处",
    "片",
    "宗",
    "辆",
    "张",
    "部",
    "场",
    "支",
    "株",
    "棵",
    "头",
    "只",
    "间",
    "栋",
    "幢",
    "眼",
    "孔",
    "架",
    "艘",
    "列",
    "种",
    "类",
    "份",
    "册",
    "本",
    "块",
    "根",
    "盏",
    "床",
    "大",
    "起",
    // rarer measure words of plans
    "例",
    "度",
    "车次",
    "架次",
    "班次",
    "台套",
    "对",
    "篇",
    "门",
    "枚",
    "颗",
    "尾",
    "羽",
];

/// Denominators of compound units (元/人, 毫克/升 is listed whole above):
/// a base unit followed by `/` and one of these is one unit.
const PER_UNITS: &[&str] = &[
    "平方米",
    "立方米",
    "千瓦时",
    "公斤",
    "千克",
    "亿元",
    "万元",
    "人次",
    "人",
    "吨",
    "斤",
    "亩",
    "户",
    "年",
    "月",
    "天",
    "日",
    "次",
    "件",
    "座",
    "个",
    "台",
    "辆",
    "床",
    "千米",
    "公里",
    "小时",
];
/// Magnitudes a denominator may carry: 人/百亿元, 吨/万元, 千克/百平方米.
const PER_MAGNITUDES: &[&str] = &["百亿", "千亿", "万亿", "十万", "百万", "千万", "万", "亿", "千", "百", "十"];
/// Measure words written in brackets after a first one: 台（套）, 个（家）,
/// 套（间）: any one-char measure word of [`BASE_UNITS`] but these, which
/// are no alternative count of the same things.
const NOT_BRACKETED: &[char] = &['%', '‰', '倍', '方', '大', '度', '起', '门', '本', '对', '类', '种'];

/// Whether `c` may stand alone in brackets after a measure word.
fn is_bracketed_measure(c: char) -> bool {
    !NOT_BRACKETED.contains(&c) && BASE_UNITS.iter().any(|w| w.chars().count() == 1 && w.starts_with(c))
}

/// Voltage classes name equipment (500千伏变电站): a number followed by one
/// of these is a label.
pub(crate) const LABEL_UNITS: &[&str] = &["千伏", "伏", "kV", "KV"];

/// Time words: a number followed by one of these is a date or a span.
const TIME_WORDS: &[&str] = &[
    "个月",
    "个工作日",
    "个小时",
    "个季度",
    "个星期",
    "年",
    "月",
    "日",
    "号",
    "天",
    "周",
    "小时",
    "分钟",
    "秒",
    "工作日",
    "季度",
    "星期",
    "期",
    "届",
    "批",
    "次",
    "轮",
];

/// A matched unit: its text as written (normalized) and its length in chars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnitMatch {
    pub text: String,
    pub len: usize,
}

/// Whether a time word starts at `i` (after the number).
pub(crate) fn is_time_word_at(doc: &Doc<'_>, i: usize) -> bool {
    // 批次 counts batches (抽检5000批次), 批 alone a round (第二批).
    TIME_WORDS.iter().any(|w| doc.starts_with_at(i, w)) && !doc.starts_with_at(i, "批次")
}

/// A unit as written in the original text (万台（套）, 元／人), spaces dropped,
/// with a full-width percent sign written `%` as the gold files do.
fn unit_text(doc: &Doc<'_>, i: usize, len: usize) -> String {
    doc.joined(i, i + len).replace('％', "%")
}

/// Extends a unit with a denominator (`元` + `/人` -> `元/人`) or a
/// bracketed second measure word (`万台` + `(套)` -> `万台(套)`).
fn extend_compound(doc: &Doc<'_>, i: usize, m: UnitMatch) -> UnitMatch {
    let after = i + m.len;
    let ends_with_base = m.text.chars().last().is_some_and(|c| !matches!(c, '万' | '亿' | '千' | '百' | '%'));
    if ends_with_base && doc.at(after) == '/' && !m.text.contains('/') {
        // The denominator may carry its own magnitude: 人/百亿元, 吨/万元.
        // A bare magnitude is no denominator: 元/万 is not a unit.
        let mags = PER_MAGNITUDES.iter().filter(|w| doc.starts_with_at(after + 1, w)).map(|w| w.chars().count());
        let per = std::iter::once(0).chain(mags).find_map(|mag| {
            PER_UNITS.iter().find(|w| doc.starts_with_at(after + 1 + mag, w)).map(|w| mag + w.chars().count())
        });
        if let Some(per_len) = per {
            let mut len = m.len + 1 + per_len;
            // A second denominator joined by a dot: 万元/人·年.
            if matches!(doc.at(i + len), '·' | '•')
                && let Some(w) = PER_UNITS.iter().find(|w| doc.starts_with_at(i + len + 1, w))
            {
                len += 1 + w.chars().count();
            }
            return UnitMatch { text: unit_text(doc, i, len), len };
        }
    }
    if ends_with_base && doc.at(after) == '(' && doc.at(after + 2) == ')' && is_bracketed_measure(doc.at(after + 1)) {
        let len = m.len + 3;
        return UnitMatch { text: unit_text(doc, i, len), len };
    }
    m
}

/// Matches the unit starting at `i`, if any. `allow_big` admits the measure
/// word `大` (`5大城市公园`), which only counts after Arabic digits: after
/// Chinese numerals (`五大产业集群`) it names a slogan.
pub(crate) fn match_unit(doc: &Doc<'_>, i: usize, allow_big: bool) -> Option<UnitMatch> {
    let mut best: Option<UnitMatch> = None;
    let mut consider = |m: UnitMatch| {
        if best.as_ref().is_none_or(|b| m.len > b.len) {
            best = Some(m);
        }
    };
    let mag = MAGNITUDES.iter().filter(|m| doc.starts_with_at(i, m)).map(|m| m.chars().count()).max().unwrap_or(0);
    let tries: &[usize] = if mag > 0 { &[0, 0] } else { &[0] };
    for (n, _) in tries.iter().enumerate() {
        let mag_len = if n == 0 { mag } else { 0 };
        let base_at = i + mag_len;
        if is_time_word_at(doc, base_at) && mag_len == 0 {
            return None;
        }
        for base in BASE_UNITS {
            if !allow_big && *base == "大" {
                continue;
            }
            if mag_len > 0 && matches!(*base, "%" | "‰" | "个百分点" | "百分点" | "倍" | "大") {
                continue;
            }
            if doc.starts_with_at(base_at, base) {
                let len = mag_len + base.chars().count();
                consider(UnitMatch { text: unit_text(doc, i, len), len });
            }
        }
        if mag_len > 0 && !is_time_word_at(doc, base_at) {
            consider(UnitMatch { text: unit_text(doc, i, mag_len), len: mag_len });
            // A Latin unit after a magnitude: 1.7万P (computing power), 5万kW.
            let letters = (base_at..base_at + 9).take_while(|k| doc.at(*k).is_ascii_alphabetic()).count();
            if (1..=8).contains(&letters) && !doc.at(base_at + letters).is_ascii_digit() {
                consider(UnitMatch { text: unit_text(doc, i, mag_len + letters), len: mag_len + letters });
            }
        }
    }
    // A Latin unit written whole right after the number: 10GW, 500MW, 5000P.
    let letters = (i..i + 9).take_while(|k| doc.at(*k).is_ascii_alphabetic()).count();
    if mag == 0 && !doc.at(i + letters).is_ascii_digit() {
        let run = doc.norm_string(i, i + letters);
        if LATIN_UNITS.contains(&run.as_str()) {
            consider(UnitMatch { text: unit_text(doc, i, letters), len: letters });
        }
    }
    let m = extend_compound(doc, i, best?);
    // Reject measure words that start a time word or a longer word:
    // 3个月 (a span), 方 as in 方面, 名 as in 名单.
    let after = i + m.len;
    if m.text.ends_with('个') && is_time_word_at(doc, after) {
        return None;
    }
    if m.text == "方" && matches!(doc.at(after), '面' | '案' | '式' | '法' | '向' | '针' | '位' | '阵') {
        return None;
    }
    if m.text == "名" && matches!(doc.at(after), '单' | '录' | '额' | '牌' | '片' | '称') {
        return None;
    }
    if m.text == "部" && matches!(doc.at(after), '门' | '署' | '分') {
        return None;
    }
    if m.text == "对" && matches!(doc.at(after), '接' | '标' | '口' | '外' | '象' | '于' | '比' | '照' | '话')
    {
        return None;
    }
    if m.text == "门" && matches!(doc.at(after), '户' | '槛' | '类' | '店' | '诊' | '急' | '票') {
        return None;
    }
    if m.text == "度" && matches!(doc.at(after), '假' | '过') {
        return None;
    }
    if m.text == "本" && matches!(doc.at(after), '地' | '土' | '级' | '年' | '市' | '次' | '届') {
        return None;
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(s: &str, allow_big: bool) -> Option<String> {
        let doc = Doc::new(s);
        match_unit(&doc, 0, allow_big).map(|m| m.text)
    }

    #[test]
    fn units_keep_magnitudes_and_take_the_longest_word() {
        let cases = [
            ("亿元资金", Some("亿元")),
            ("万人以上", Some("万人")),
            ("万人口;", Some("万人口")),
            ("个百分点。", Some("个百分点")),
            ("亿、5年", Some("亿")),
            ("座水厂", Some("座")),
            ("万平方米标准厂房", Some("万平方米")),
            ("平方公里核心区", Some("平方公里")),
            ("亿公斤以上", Some("亿公斤")),
            ("%左右", Some("%")),
            ("个月内", None),
            ("年达到", None),
            ("月底前", None),
            ("期工程", None),
            ("方面", None),
            ("元/人", Some("元/人")),
            ("元/吨以上", Some("元/吨")),
            ("人/亿元", Some("人/亿元")),
            ("人/百亿元以下", Some("人/百亿元")),
            ("吨/万元", Some("吨/万元")),
            ("万元/人左右", Some("万元/人")),
            ("万元/人·年", Some("万元/人·年")),
            ("GW", Some("GW")),
            ("MW储能", Some("MW")),
            ("P算力", Some("P")),
            ("G基站", None),
            ("GWh2", None),
            ("元/万", Some("元")),
            ("万台（套）以上", Some("万台（套）")),
            // any one-char measure word may stand in the brackets
            ("万套（间）城市危旧房", Some("万套（间）")),
            ("个（栋）", Some("个（栋）")),
            ("张（床）", Some("张（床）")),
            ("个（含）", Some("个")),
            ("个（大）", Some("个")),
            ("亿度", Some("亿度")),
            ("例手术", Some("例")),
            ("个/", Some("个")),
            ("是", None),
            ("批次,其中", Some("批次")),
            ("万批次以上", Some("万批次")),
            ("场次专题教育", Some("场次")),
            ("批企业", None),
            ("万P。", Some("万P")),
            ("万EFLOPS以上", Some("万EFLOPS")),
        ];
        for (input, want) in cases {
            assert_eq!(unit(input, false).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn big_counts_only_when_allowed() {
        assert_eq!(unit("大城市公园", true).as_deref(), Some("大"));
        assert_eq!(unit("大产业集群", false), None);
    }
}
