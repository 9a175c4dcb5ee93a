//! Reports shaped unlike the corpus: full-width punctuation, `1.` levels,
//! no chapter headings, GBK bytes. Written for this test, not copied.

use qingdan_extract::{NumberingStyle, Options, OrgKeywords, Part, decode, extract};

const COUNTY_REPORT: &str = "\
政府工作报告
——2023年1月6日在某县第十八届人民代表大会第三次会议上

一、过去五年工作回顾

五年来，全县地区生产总值年均增长6.5%，新建学校12所。

二、今后五年的目标任务

到“十四五”末，城镇化率达到65%以上。

三、2023年重点工作

（一）稳住经济大盘

今年全县经济社会发展的主要预期目标是：地区生产总值增长6.5%左右，城镇调查失业率控制在5.5%以内。

1.扩大有效投资。全年实施重点项目120个，完成投资85亿元；
上半年开工项目不少于40个。

2.促进消费。新建农贸市场两个，发放消费券3000万元。

（二）办好民生实事

新建城区幼儿园3所，6月底前完成老旧小区改造1500户。
";

fn org_map() -> Vec<OrgKeywords> {
    vec![
        OrgKeywords { org: "县发改局".into(), keywords: vec!["项目".into(), "投资".into()] },
        OrgKeywords { org: "县住建局".into(), keywords: vec!["老旧小区".into(), "幼儿园".into()] },
    ]
}

#[test]
fn a_county_report_with_full_width_punctuation_reads_like_the_corpus() {
    let x = extract(COUNTY_REPORT, &Options { plan_year: None, org_keywords: org_map() });
    assert_eq!(x.plan_year, Some(2023));
    let got: Vec<(String, String, &str, Option<String>, &str)> = x
        .targets
        .iter()
        .map(|t| {
            (t.text.clone(), t.unit.clone(), t.comparator.code(), t.deadline.map(|d| d.to_string()), t.section.as_str())
        })
        .collect();
    let want = [
        ("65", "%", "ge", Some("2025-12-31"), "二、"),
        ("6.5", "%", "approx", Some("2023-12-31"), "三、（一）"),
        ("5.5", "%", "le", Some("2023-12-31"), "三、（一）"),
        ("120", "个", "eq", Some("2023-12-31"), "三、（一）1."),
        ("85", "亿元", "eq", Some("2023-12-31"), "三、（一）1."),
        ("40", "个", "ge", Some("2023-06-30"), "三、（一）1."),
        ("两", "个", "eq", Some("2023-12-31"), "三、（一）2."),
        ("3000", "万元", "eq", Some("2023-12-31"), "三、（一）2."),
        ("3", "所", "eq", Some("2023-12-31"), "三、（二）"),
        ("1500", "户", "eq", Some("2023-06-30"), "三、（二）"),
    ];
    let want: Vec<(String, String, &str, Option<String>, &str)> =
        want.iter().map(|(t, u, c, d, s)| (t.to_string(), u.to_string(), *c, d.map(str::to_string), *s)).collect();
    assert_eq!(got, want);

    let parts: Vec<Part> = x.parts.iter().map(|p| p.part).collect();
    assert_eq!(parts, [Part::Preamble, Part::Review, Part::LongRange, Part::Plan]);
    let arabic = x.headings.iter().filter(|h| h.style == NumberingStyle::ArabicDot).count();
    assert_eq!(arabic, 2);

    let housing = x.draft_tasks.iter().find(|t| t.text.contains("老旧小区"));
    assert_eq!(housing.and_then(|t| t.suggested_lead_org.as_deref()), Some("县住建局"));
    let invest = x.draft_tasks.iter().find(|t| t.text.contains("重点项目120个"));
    assert_eq!(invest.and_then(|t| t.suggested_lead_org.as_deref()), Some("县发改局"));
}

#[test]
fn a_plan_without_chapters_uses_its_opening_words() {
    let text = "过去一年，新建道路20公里。\n今年主要目标是：新建道路30公里，年底前建成公园2个。";
    let x = extract(text, &Options { plan_year: Some(2024), ..Options::default() });
    let got: Vec<String> = x.targets.iter().map(|t| format!("{}{}", t.text, t.unit)).collect();
    assert_eq!(got, ["30公里", "2个"]);
}

#[test]
fn gbk_reports_decode_to_the_same_targets() {
    let (bytes, _, _) = encoding_rs::GBK.encode(COUNTY_REPORT);
    let text = decode(&bytes).unwrap_or_default();
    assert_eq!(text, COUNTY_REPORT);
    let x = extract(&text, &Options::default());
    assert_eq!(x.targets.len(), 10);
}

#[test]
fn a_national_style_target_list_with_semicolons_reads_every_target() {
    let text = "二、2024年经济社会发展总体要求和政策取向\n\n\
今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上，城镇调查失业率5.5%左右；\
居民消费价格涨幅3%左右；粮食产量保持在1.3万亿斤以上；单位国内生产总值能耗降低2.5%左右。\n\n\
一、2023年工作回顾\n\n过去一年，国内生产总值增长5.2%。\n";
    let x = extract(text, &Options::default());
    assert_eq!(x.plan_year, Some(2024));
    let got: Vec<String> = x.targets.iter().map(|t| format!("{}{}:{}", t.text, t.unit, t.comparator.code())).collect();
    assert_eq!(got, ["5%:approx", "1200万人:ge", "5.5%:approx", "3%:approx", "1.3万亿斤:ge", "2.5%:approx"]);
}

#[test]
fn targets_before_the_first_chapter_count_when_the_opening_says_plan() {
    let text = "2024年全市工作要点\n\n今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右。\n\n\
一、统筹规划建设管理\n\n新建城市公园3个。\n\n二、加强自身建设\n\n年内完成培训500人次。\n";
    let x = extract(text, &Options::default());
    assert_eq!(x.plan_year, Some(2024));
    let got: Vec<String> = x
        .targets
        .iter()
        .map(|t| format!("{}{}:{}", t.text, t.unit, t.deadline.map(|d| d.to_string()).unwrap_or_default()))
        .collect();
    assert_eq!(got, ["6%:2024-12-31", "3个:2024-12-31", "500人次:2024-12-31"]);
}
