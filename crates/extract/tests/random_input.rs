//! Any bytes in, never a panic: random bytes and random mixes of report
//! fragments through `decode` and `extract` (a cheap, always-on companion
//! to the cargo-fuzz target in `fuzz/`).

use qingdan_extract::{Options, OrgKeywords, decode, extract};

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "一、",
    "（二）",
    "(3)",
    "1.",
    "一是",
    "二是",
    "今年",
    "年底前",
    "“五一”前",
    "上半年",
    "三年",
    "明年",
    "十四五",
    "“十四五”期间",
    "到2035年",
    "由",
    "提高到",
    "1000",
    "5.1",
    "2/3",
    "两",
    "十二",
    "万",
    "亿元",
    "%",
    "个百分点",
    "座",
    "个",
    "以上",
    "以内",
    "左右",
    "至少",
    "突破",
    "—",
    "~",
    "，",
    "。",
    "；",
    "：",
    "\n",
    "\n\n",
    " ",
    "“",
    "”",
    "新建",
    "建成",
    "5G",
    "G342",
    "基站",
    "过去一年",
    "回顾",
    "2021年工作安排",
    "在",
    "基础上",
    "范围内",
    "第",
    "每",
    "前",
    "\u{3000}",
    "１２",
    "％",
    "𠮷",
    "\u{FEFF}",
    "（",
    "）",
];

fn options() -> Options {
    Options {
        plan_year: None,
        org_keywords: vec![OrgKeywords { org: "市发改委".into(), keywords: vec!["项目".into(), "".into()] }],
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..300 {
        let len = rng.below(600);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = decode(&bytes).unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned());
        let x = extract(&text, &options());
        let n = text.chars().count();
        assert!(x.targets.iter().all(|t| t.offset.0 < n));
    }
}

#[test]
fn random_report_fragments_never_panic_and_stay_in_bounds() {
    let mut rng = Rng(42);
    for round in 0..400 {
        let mut text = String::new();
        for _ in 0..rng.below(120) {
            text.push_str(PIECES[rng.below(PIECES.len())]);
        }
        let x = extract(&text, &Options { plan_year: (round % 2 == 0).then_some(2024), ..options() });
        let chars: Vec<char> = text.chars().collect();
        for t in &x.targets {
            let written: String = chars.iter().skip(t.offset.0).take(t.text.chars().count()).collect();
            assert_eq!(written, t.text, "offset {} in {text:?}", t.offset.0);
        }
        let _ = serde_json::to_string(&x.outline());
        let _ = x.targets_jsonl();
    }
}

#[test]
fn long_runs_of_digits_and_numerals_are_handled() {
    for piece in ["9", "一", "1个", "(", "“", "。", "\n", "十四五"] {
        let text = piece.repeat(20_000);
        let _ = extract(&text, &options());
    }
}
