//! Reports shaped unlike the corpus: full-width punctuation, `1.` levels,
//! no chapter headings, GBK bytes. Written for this test, not copied.

use qingdan_extract::{NumberingStyle, Options, OrgKeywords, Part, PartKind, decode, extract};

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

fn rows(x: &qingdan_extract::Extraction) -> Vec<String> {
    x.targets
        .iter()
        .map(|t| {
            format!(
                "{}{}:{}:{}",
                t.text,
                t.unit,
                t.comparator.code(),
                t.deadline.map(|d| d.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

/// A national report (国务院): review first, then the year's 主要预期目标 and
/// fiscal figures in 亿元/万亿元; the year's plan is due at that year's end.
#[test]
fn a_national_report_reads_its_expected_targets_and_fiscal_figures() {
    let text = "政府工作报告\n\n——2025年3月5日在第十四届全国人民代表大会第三次会议上\n\n\
一、2024年工作回顾\n\n过去一年，国内生产总值增长5%，城镇新增就业1256万人，粮食产量首次突破1.4万亿斤。\n\n\
二、2025年经济社会发展总体要求和政策取向\n\n\
今年发展的主要预期目标是：国内生产总值增长5%左右；城镇调查失业率5.5%左右，城镇新增就业1200万人以上；\
居民消费价格涨幅2%左右；居民收入增长和经济增长同步；国际收支保持基本平衡；粮食产量1.4万亿斤左右；\
单位国内生产总值能耗降低3%左右，生态环境质量持续改善。\n\n\
赤字率拟按4%左右安排，赤字规模5.66万亿元，比上年增加1.6万亿元。拟发行超长期特别国债1.3万亿元，\
拟安排地方政府专项债券4.4万亿元，比上年增加5000亿元。中央预算内投资拟安排7350亿元。\n\n\
三、2025年政府工作任务\n\n（一）大力提振消费。安排超长期特别国债3000亿元支持消费品以旧换新。\
新增高标准农田4500万亩以上，改造城镇老旧小区5万个。\n";
    let x = extract(text, &Options::default());
    assert_eq!(x.plan_year, Some(2025));
    assert_eq!(
        rows(&x),
        [
            "5%:approx:2025-12-31",
            "5.5%:approx:2025-12-31",
            "1200万人:ge:2025-12-31",
            "2%:approx:2025-12-31",
            "1.4万亿斤:approx:2025-12-31",
            "3%:approx:2025-12-31",
            "4%:approx:2025-12-31",
            "5.66万亿元:eq:2025-12-31",
            "1.6万亿元:eq:2025-12-31",
            "1.3万亿元:eq:2025-12-31",
            "4.4万亿元:eq:2025-12-31",
            "5000亿元:eq:2025-12-31",
            "7350亿元:eq:2025-12-31",
            "3000亿元:eq:2025-12-31",
            "4500万亩:ge:2025-12-31",
            "5万个:eq:2025-12-31",
        ]
    );
}

/// A district report (区政府): small counts of 个/家/项, 街道 and 社区.
#[test]
fn a_district_report_reads_small_counts() {
    let text = "某区人民政府工作报告\n\n一、2023年工作回顾\n\n一年来，全区新增市场主体3200户，建成口袋公园6个。\n\n\
二、2024年重点工作\n\n今年全区地区生产总值增长6%左右。新增规上企业15家以上，新引进项目30个。\
完成8个街道、42个社区的适老化改造，新建社区食堂12家。改造背街小巷20条，新增停车泊位1500个。\
办好区级10项民生实事。三季度前完成2个老旧市场改造。\n";
    let x = extract(text, &Options::default());
    assert_eq!(x.plan_year, Some(2024));
    assert_eq!(
        rows(&x),
        [
            "6%:approx:2024-12-31",
            "15家:ge:2024-12-31",
            "30个:eq:2024-12-31",
            "8个:eq:2024-12-31",
            "42个:eq:2024-12-31",
            "12家:eq:2024-12-31",
            "20条:eq:2024-12-31",
            "1500个:eq:2024-12-31",
            "10项:eq:2024-12-31",
            "2个:eq:2024-09-30",
        ]
    );
}

/// A 2019 report: the five-year horizon is 十三五 (due 2020-12-31), the
/// year's plan is due 2019-12-31.
#[test]
fn a_2019_report_dates_thirteenth_plan_targets_to_2020() {
    let text = "政府工作报告\n\n一、2018年工作回顾\n\n过去一年，全市地区生产总值增长7.1%。\n\n\
二、2019年主要目标任务\n\n今年经济社会发展的主要预期目标是：地区生产总值增长6.5%左右，城镇新增就业5万人。\
到“十三五”末，森林覆盖率达到45%，全面完成“十三五”规划确定的脱贫任务，贫困人口减少2万人。\
2020年底前，建成污水处理厂3座。新建学校8所。\n";
    let x = extract(text, &Options::default());
    assert_eq!(x.plan_year, Some(2019));
    assert_eq!(
        rows(&x),
        [
            "6.5%:approx:2019-12-31",
            "5万人:eq:2019-12-31",
            "45%:eq:2020-12-31",
            "2万人:eq:2020-12-31",
            "3座:eq:2020-12-31",
            "8所:eq:2019-12-31",
        ]
    );
}

/// A 十四五 five-year part in a 2021 report and a 十五五 part in a 2026 report
/// are due at their plan's end.
#[test]
fn five_year_parts_are_due_at_their_plans_end() {
    for (year, plan, due) in [(2021, "十四五", "2025-12-31"), (2026, "十五五", "2030-12-31")] {
        let text = format!(
            "政府工作报告\n\n一、过去五年工作回顾\n\n五年来，城镇化率提高到60%。\n\n\
二、“{plan}”时期的主要目标\n\n地区生产总值年均增长5.5%左右，城镇化率提高到68%。\n\n\
三、{year}年工作安排\n\n新建学校10所。\n"
        );
        let x = extract(&text, &Options::default());
        assert_eq!(x.plan_year, Some(year), "{plan}");
        let want = [format!("5.5%:approx:{due}"), format!("68%:eq:{due}"), format!("10所:eq:{year}-12-31")];
        assert_eq!(rows(&x), want, "{plan}");
    }
}

/// A glossary after the plan (名词解释) defines names: its numbered entries
/// count the parts of programmes and promise nothing, and no draft task
/// comes from them; an annex after it (附件2) is read again.
#[test]
fn a_glossary_after_the_plan_promises_nothing() {
    let text = "政府工作报告\n\n一、2025年工作回顾\n\n过去一年，新建学校12所。\n\n\
二、2026年工作安排\n\n（一）扩大有效投资。今年实施重点项目300个，新建污水管网80公里。\n\n\
（二）加强自身建设。严格落实过紧日子要求。\n\n\
附件1：名词解释\n\n\
1.“三横两纵”：指东西向3条、南北向2条干线通道，布局新建物流枢纽5个。\n\n\
2.“百校行动”：每年组织100所学校开展结对帮扶，实施好这一行动。\n\n\
附件2\n\n2026年民生实事\n\n新建城市书房20个。\n";
    let x = extract(text, &Options::default());
    assert_eq!(rows(&x), ["300个:eq:2026-12-31", "80公里:eq:2026-12-31", "20个:eq:2026-12-31"]);
    assert!(
        x.draft_tasks.iter().all(|t| !t.text.contains("三横两纵") && !t.text.contains("百校行动")),
        "{:?}",
        x.draft_tasks.iter().map(|t| &t.text).collect::<Vec<_>>()
    );
}

fn kinds(x: &qingdan_extract::Extraction) -> Vec<PartKind> {
    x.parts.iter().map(|p| p.kind).collect()
}

/// A national report of the 2019–2025 style whose chapters are slogans: the
/// review opens on 过去一年 and has few tense markers (no 已, no 回顾 in its
/// title); the year's plan gives the 主要预期目标 and the fiscal figures; the
/// tasks follow under another slogan; the government's conduct closes.
const NATIONAL_SLOGANS: &str = "政府工作报告

——2024年3月5日在第十四届全国人民代表大会第二次会议上

国务院总理 某某

各位代表：

现在，我代表国务院，向大会报告政府工作，请予审议，并请全国政协委员提出意见。

一、迎难而上，经济回升向好

过去一年是全面贯彻党的二十大精神的开局之年。国内生产总值超过126万亿元，增长5.2%，增速居世界主要经济体前列。城镇新增就业1244万人，城镇调查失业率平均为5.2%。居民消费价格上涨0.2%。粮食产量1.39万亿斤，再创历史新高。

一年来，我们主要做了以下工作。

（一）加大宏观调控力度，推动经济持续回升向好。增发1万亿元国债，支持灾后恢复重建。新增减税降费及退税缓费超过2.2万亿元。实施汽车、家居等促消费政策，最终消费支出拉动经济增长4.3个百分点。

（二）依靠创新引领，大力推进现代化产业体系建设。全社会研发经费投入增长8.1%。新建5G基站超过100万个。改造城镇老旧小区5.3万个，惠及880多万户居民。

在看到成绩的同时，我们也清醒认识到面临的问题和挑战。

二、坚持稳中求进，扎实推动高质量发展

今年是中华人民共和国成立75周年，是实现“十四五”规划目标任务的关键一年。

今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上，城镇调查失业率5.5%左右；居民消费价格涨幅3%左右；居民收入增长和经济增长同步；国际收支保持基本平衡；粮食产量1.3万亿斤以上；单位国内生产总值能耗降低2.5%左右，生态环境质量持续改善。

赤字率拟按3%安排，赤字规模4.06万亿元，比上年年初预算增加1800亿元。拟发行超长期特别国债1万亿元。拟安排地方政府专项债券3.9万亿元，比上年增加1000亿元。中央预算内投资拟安排7000亿元。

三、攻坚克难，做好今年各项工作

（一）大力推进现代化产业体系建设。实施制造业技术改造升级工程，培育壮大先进制造业集群。新建高标准农田4500万亩以上。

（二）着力扩大国内需求。稳步推进城市更新，改造城镇老旧小区5万个以上。城乡居民医保人均财政补助标准提高30元。

四、加强政府自身建设

严格落实过紧日子要求，一般性支出再压减5%。
";

#[test]
fn a_national_report_with_slogan_chapters_promises_nothing_in_its_review() {
    let x = extract(NATIONAL_SLOGANS, &Options::default());
    assert_eq!(x.plan_year, Some(2024));
    assert_eq!(kinds(&x), [PartKind::Preamble, PartKind::Review, PartKind::Plan, PartKind::Conduct]);
    assert_eq!(
        rows(&x),
        [
            "5%:approx:2024-12-31",
            "1200万人:ge:2024-12-31",
            "5.5%:approx:2024-12-31",
            "3%:approx:2024-12-31",
            "1.3万亿斤:ge:2024-12-31",
            "2.5%:approx:2024-12-31",
            "3%:eq:2024-12-31",
            "4.06万亿元:eq:2024-12-31",
            "1800亿元:eq:2024-12-31",
            "1万亿元:eq:2024-12-31",
            "3.9万亿元:eq:2024-12-31",
            "1000亿元:eq:2024-12-31",
            "7000亿元:eq:2024-12-31",
            "4500万亩:ge:2024-12-31",
            "5万个:ge:2024-12-31",
            "30元:eq:2024-12-31",
            "5%:eq:2024-12-31",
        ]
    );
    assert!(x.draft_tasks.iter().all(|t| !t.text.contains("1244万人") && !t.text.contains("增发1万亿元")));
}

/// A district report whose review title is a slogan naming the year
/// reviewed (砥砺奋进的2025年), whose year's plan comes before the five-year
/// part, with a range, a cap, a slash unit and a number in characters.
const DISTRICT_PLAN_FIRST: &str = "某区人民政府工作报告

——2026年1月8日在某区第十八届人民代表大会第五次会议上

各位代表：

一、砥砺奋进的2025年

过去一年，全区地区生产总值增长6.1%，一般公共预算收入完成32.5亿元。新增市场主体4200户，建成口袋公园8个，改造老旧小区25个。

二、2026年工作安排

今年全区经济社会发展的主要预期目标是：地区生产总值增长5.5%—6%，一般公共预算收入增长3%左右，城镇调查失业率控制在5%以内，单位地区生产总值能耗下降完成市下达任务。

（一）抓项目稳投资。全年实施区级重点项目85个，完成投资120亿元以上。新引进亿元以上项目30个。

（二）惠民生强保障。新建社区嵌入式服务设施6处，新增普惠托位300个，改造背街小巷十二条。城乡居民基础养老金由每人每月180元提高到200元。亩均税收提高到30万元/亩。

三、“十五五”时期发展目标

到2030年，全区地区生产总值突破800亿元，常住人口城镇化率达到75%。五年累计完成固定资产投资1500亿元，研发经费投入强度达到3.2%，人均可支配收入年均增长5.5%以上。

四、全面加强政府自身建设

持续压减一般性支出，全年“三公”经费只减不增，政务服务事项网办率达到98%以上。
";

#[test]
fn a_district_report_with_the_plan_before_the_five_year_part() {
    let x = extract(DISTRICT_PLAN_FIRST, &Options::default());
    assert_eq!(x.plan_year, Some(2026));
    assert_eq!(
        kinds(&x),
        [PartKind::Preamble, PartKind::Review, PartKind::Plan, PartKind::FiveYear, PartKind::Conduct]
    );
    assert_eq!(
        rows(&x),
        [
            "5.5%:ge:2026-12-31",
            "6%:le:2026-12-31",
            "3%:approx:2026-12-31",
            "5%:le:2026-12-31",
            "85个:eq:2026-12-31",
            "120亿元:ge:2026-12-31",
            "30个:eq:2026-12-31",
            "6处:eq:2026-12-31",
            "300个:eq:2026-12-31",
            "十二条:eq:2026-12-31",
            "200元:eq:2026-12-31",
            "30万元/亩:eq:2026-12-31",
            "800亿元:ge:2030-12-31",
            "75%:eq:2030-12-31",
            "1500亿元:eq:2030-12-31",
            "3.2%:eq:2030-12-31",
            "5.5%:ge:2030-12-31",
            "98%:ge:2026-12-31",
        ]
    );
    let pension = x.targets.iter().find(|t| t.text == "200");
    assert_eq!(pension.and_then(|t| t.baseline).map(|b| b.to_string()), Some("180".to_string()));
}

/// Chapters that mix review and plan, topic by topic, with no date line:
/// each tells what was done (过去一年…, 2025年，…) and then what will be done
/// (今年…将…, 2026年，…). Only the latter promises.
const MIXED_CHAPTERS: &str = "某市政府工作报告

一、坚定不移推动产业转型

过去一年，新增规上工业企业120家，新建5G基站1800座。今年，我们将新增规上工业企业100家以上，新建5G基站2000座。

二、坚定不移改善民生福祉

2025年，新建学校8所，新增学位1.2万个。2026年，新建学校10所，新增学位1.5万个，城镇新增就业6万人。
";

#[test]
fn chapters_mixing_review_and_plan_promise_only_what_is_to_be_done() {
    let x = extract(MIXED_CHAPTERS, &Options::default());
    assert_eq!(x.plan_year, Some(2026));
    assert_eq!(
        rows(&x),
        [
            "100家:ge:2026-12-31",
            "2000座:eq:2026-12-31",
            "10所:eq:2026-12-31",
            "1.5万个:eq:2026-12-31",
            "6万人:eq:2026-12-31"
        ]
    );
    assert!(x.draft_tasks.iter().all(|t| !t.text.contains("1800座") && !t.text.contains("8所")));
}

/// A 2021 county report: a slogan review opening on 五年来, numbers in
/// characters (二十万平方米, 两家以上, 一千二百户), a range, caps, slash units
/// (万吨/日, 平方米/人), and a five-year part under a slogan that a paragraph
/// opens on “十四五”, due 2025-12-31.
const COUNTY_2021: &str = "某县人民政府工作报告

——2021年1月20日在某县第十七届人民代表大会第六次会议上

各位代表：

一、砥砺前行的五年

五年来，全县地区生产总值年均增长7.2%，一般公共预算收入突破20亿元。累计新建农村公路860公里，改造农村危房1.2万户，新建幼儿园24所。

2020年，面对疫情冲击，全县地区生产总值增长3.5%，城镇新增就业5600人。

二、2021年主要目标和重点工作

今年全县经济社会发展的主要预期目标是：地区生产总值增长7%—7.5%，一般公共预算收入增长6%左右，固定资产投资增长8%以上，城镇居民人均可支配收入增长7%，城镇登记失业率控制在4%以内。

（一）做强产业。新建标准化厂房二十万平方米，培育规上工业企业十五家，新增高新技术企业两家以上。粮食产量稳定在50万吨左右，新建高标准农田3.5万亩。

（二）改善民生。新建乡镇卫生院三所、村卫生室十二个，改造城镇老旧小区一千二百户。城乡居民医保财政补助标准提高到每人每年580元。农村自来水普及率达到99%，污水处理能力达到2万吨/日。

三、奋力谱写高质量发展新篇章

“十四五”时期，我们将坚持新发展理念。到2025年，全县地区生产总值突破300亿元，年均增长6.5%左右；常住人口城镇化率达到60%；人均公园绿地面积达到15平方米/人。五年新增城镇就业2.5万人。

四、建设人民满意的政府

持续压减一般性支出，“三公”经费下降10%。
";

#[test]
fn a_county_report_reads_characters_ranges_caps_and_a_slogan_five_year_part() {
    let x = extract(COUNTY_2021, &Options::default());
    assert_eq!(x.plan_year, Some(2021));
    assert_eq!(
        kinds(&x),
        [PartKind::Preamble, PartKind::Review, PartKind::Plan, PartKind::FiveYear, PartKind::Conduct]
    );
    assert_eq!(
        rows(&x),
        [
            "7%:ge:2021-12-31",
            "7.5%:le:2021-12-31",
            "6%:approx:2021-12-31",
            "8%:ge:2021-12-31",
            "7%:eq:2021-12-31",
            "4%:le:2021-12-31",
            "二十万平方米:eq:2021-12-31",
            "十五家:eq:2021-12-31",
            "两家:ge:2021-12-31",
            "50万吨:approx:2021-12-31",
            "3.5万亩:eq:2021-12-31",
            "三所:eq:2021-12-31",
            "十二个:eq:2021-12-31",
            "一千二百户:eq:2021-12-31",
            "580元:eq:2021-12-31",
            "99%:eq:2021-12-31",
            "2万吨/日:eq:2021-12-31",
            "300亿元:ge:2025-12-31",
            "6.5%:approx:2025-12-31",
            "60%:eq:2025-12-31",
            "15平方米/人:eq:2025-12-31",
            "2.5万人:eq:2025-12-31",
            "10%:eq:2021-12-31",
        ]
    );
}

/// A national report of 2019: a range with a full-width minus (6%－6.5%),
/// caps (4.5%以内), 近 (approx), the deficit and bond figures, rates in force
/// lowered to new ones (现行16%的税率降至13%: the 16 is the baseline), and a
/// five-year part after the year's tasks, due at its end.
const NATIONAL_2019: &str = "政府工作报告

——2019年3月5日在第十三届全国人民代表大会第二次会议上

一、2018年工作回顾

过去一年，国内生产总值增长6.6%，总量突破90万亿元。城镇新增就业1361万人。

二、2019年经济社会发展总体要求和政策取向

今年发展主要预期目标是：国内生产总值增长6%－6.5%；城镇新增就业1100万人以上，城镇调查失业率5.5%左右，城镇登记失业率4.5%以内；居民消费价格涨幅3%左右；单位国内生产总值能耗下降3%左右。

积极的财政政策要加力提效。今年赤字率拟按2.8%安排，比去年预算高0.2个百分点；财政赤字2.76万亿元，其中中央财政赤字1.83万亿元，地方财政赤字9300亿元。拟安排地方政府专项债券2.15万亿元，比去年增加8000亿元。全年减轻企业税收和社保缴费负担近2万亿元。

三、2019年政府工作任务

（一）继续创新和完善宏观调控。将制造业等行业现行16%的税率降至13%，将交通运输业、建筑业等行业现行10%的税率降至9%。今年完成铁路投资8000亿元、公路水运投资1.8万亿元。中央预算内投资安排5776亿元，比去年增加400亿元。高职院校扩招100万人。今年再减少农村贫困人口1000万以上。

（二）促进形成强大国内市场。新开工改造城镇老旧小区，今年中央财政对城镇老旧小区改造补助标准提高到每户3万元。

四、“十四五”时期的主要目标

“十四五”时期经济社会发展主要目标是：常住人口城镇化率提高到65%，全社会研发经费投入年均增长7%以上，单位国内生产总值能源消耗和二氧化碳排放分别降低13.5%、18%，森林覆盖率提高到24.1%。
";

#[test]
fn a_national_report_of_2019_reads_rates_lowered_and_a_later_five_year_part() {
    let x = extract(NATIONAL_2019, &Options::default());
    assert_eq!(x.plan_year, Some(2019));
    assert_eq!(
        rows(&x),
        [
            "6%:ge:2019-12-31",
            "6.5%:le:2019-12-31",
            "1100万人:ge:2019-12-31",
            "5.5%:approx:2019-12-31",
            "4.5%:le:2019-12-31",
            "3%:approx:2019-12-31",
            "3%:approx:2019-12-31",
            "2.8%:eq:2019-12-31",
            "0.2个百分点:eq:2019-12-31",
            "2.76万亿元:eq:2019-12-31",
            "1.83万亿元:eq:2019-12-31",
            "9300亿元:eq:2019-12-31",
            "2.15万亿元:eq:2019-12-31",
            "8000亿元:eq:2019-12-31",
            "2万亿元:approx:2019-12-31",
            "13%:eq:2019-12-31",
            "9%:eq:2019-12-31",
            "8000亿元:eq:2019-12-31",
            "1.8万亿元:eq:2019-12-31",
            "5776亿元:eq:2019-12-31",
            "400亿元:eq:2019-12-31",
            "100万人:eq:2019-12-31",
            "1000万:ge:2019-12-31",
            "3万元:eq:2019-12-31",
            "65%:eq:2025-12-31",
            "7%:ge:2025-12-31",
            "13.5%:eq:2025-12-31",
            "18%:eq:2025-12-31",
            "24.1%:eq:2025-12-31",
        ]
    );
    let lowered: Vec<Option<String>> = x
        .targets
        .iter()
        .filter(|t| t.text == "13" || t.text == "9")
        .map(|t| t.baseline.map(|b| b.to_string()))
        .collect();
    assert_eq!(lowered, [Some("16".to_string()), Some("10".to_string())]);
}

/// A county report whose five-year part comes after the year's plan under
/// a slogan (奋力开创现代化建设新局面) and opens on 展望“十五五”: its
/// targets are due 2030-12-31, and the conduct chapter after it takes the
/// plan year again.
const OUTLOOK_AFTER_PLAN: &str = "某县人民政府工作报告

——2026年1月12日在某县第十九届人民代表大会第一次会议上

一、“十四五”时期和2025年工作回顾

五年来，全县地区生产总值年均增长6.3%，新建学校18所。

二、2026年工作安排

今年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，城镇新增就业8000人以上。

（一）扩大有效投资。全年实施重点项目60个，新建标准化厂房15万平方米。

三、奋力开创现代化建设新局面

展望“十五五”，全县地区生产总值年均增长6%左右，常住人口城镇化率提高到62%，五年累计新增城镇就业4万人，新建和改扩建中小学10所。

四、全面加强政府自身建设

政务服务事项全程网办率达到95%以上。
";

#[test]
fn an_outlook_under_a_slogan_after_the_plan_is_due_at_its_end() {
    let x = extract(OUTLOOK_AFTER_PLAN, &Options::default());
    assert_eq!(x.plan_year, Some(2026));
    assert_eq!(
        kinds(&x),
        [PartKind::Preamble, PartKind::Review, PartKind::Plan, PartKind::FiveYear, PartKind::Conduct]
    );
    assert_eq!(
        rows(&x),
        [
            "6%:approx:2026-12-31",
            "8000人:ge:2026-12-31",
            "60个:eq:2026-12-31",
            "15万平方米:eq:2026-12-31",
            "6%:approx:2030-12-31",
            "62%:eq:2030-12-31",
            "4万人:eq:2030-12-31",
            "10所:eq:2030-12-31",
            "95%:ge:2026-12-31",
        ]
    );
}

/// A plan chapter under a slogan whose topic paragraph first reports the
/// year's results with no opening cue (已, 累计, 同比, 位居…) and then a
/// paragraph says what is to be done: the first promises nothing.
#[test]
fn a_paragraph_that_reads_as_done_inside_the_plan_promises_nothing() {
    let text = "某市政府工作报告\n\n——2026年1月10日\n\n一、2025年工作回顾\n\n过去一年，新建学校8所。\n\n\
二、聚力产业升级\n\n（一）先进制造。全市规上工业增加值同比增长7.5%，已建成智能工厂12家，累计培育专精特新企业320家，\
位居全省前列，新能源汽车产量首次突破10万辆。\n\n\
今年，力争新增智能工厂15家，培育专精特新企业50家以上。\n";
    let x = extract(text, &Options::default());
    assert_eq!(x.plan_year, Some(2026));
    assert_eq!(rows(&x), ["15家:eq:2026-12-31", "50家:ge:2026-12-31"]);
}

/// A five-year part whose sentence opens on the last year's level and sets
/// the goal of the plan's end (2025年全市人均地区生产总值9万元，到2030年达到12万元):
/// the goal is a target; a sentence that only tells the past is not.
#[test]
fn a_goal_set_from_last_years_level_is_a_target() {
    let text = "某市政府工作报告\n\n——2026年1月10日\n\n一、2025年工作回顾\n\n过去一年，新建学校8所。\n\n\
二、“十五五”时期主要目标\n\n2025年全市人均地区生产总值9万元，到2030年达到12万元。2025年，全市新建学校8所。\n\n\
三、2026年工作安排\n\n新建学校10所。\n";
    let x = extract(text, &Options::default());
    assert_eq!(rows(&x), ["12万元:eq:2030-12-31", "10所:eq:2026-12-31"]);
}

/// A city report whose review of the year stands second, after a review of
/// the five years, under a slogan: it opens on no year (面对…), holds three
/// markers of what was done (同比, 已, 累计) and none of what is to be done.
/// A slogan chapter after the plan, opening on what was built (提升已建成…),
/// is still the plan.
const REVIEW_SECOND_UNDER_A_SLOGAN: &str = "\
某市人民政府工作报告

——2026年1月15日在某市第十六届人民代表大会第五次会议上

各位代表：

一、“十四五”时期发展成就

五年来，全市地区生产总值年均增长6.2%，迈上4000亿元台阶，城乡居民收入年均增长7%。

二、凝心聚力开新局，稳中求进谱新篇

面对复杂严峻的外部环境，全市上下团结奋斗，经济运行稳中有进、进中向好。地区生产总值增长5.6%，一般公共预算收入同比增长4.1%。新开工亿元以上项目260个，完成固定资产投资1100亿元。新增城镇就业7.2万人，城镇调查失业率5.1%。建成保障性租赁住房1.5万套，改造城镇老旧小区320个，惠及居民6万户。新建改扩建中小学和幼儿园28所，新增学位2.6万个，公办园在园幼儿占比已达60%。粮食产量稳定在180万吨以上，累计建成高标准农田210万亩。

三、2026年工作安排

今年全市经济社会发展的主要预期目标是：地区生产总值增长5.5%左右，城镇调查失业率控制在5.5%以内。

（一）扩大有效投资。实施市级重点项目300个，完成投资1200亿元以上。

（二）办好民生实事。新建保障性租赁住房1万套，改造城镇老旧小区200个。

四、坚持不懈增进民生福祉

提升已建成社区食堂运营水平，新建社区食堂50个。推动已建成口袋公园提档升级，新增口袋公园30个。
";

#[test]
fn a_second_review_chapter_under_a_slogan_with_few_markers_promises_nothing() {
    let x = extract(REVIEW_SECOND_UNDER_A_SLOGAN, &Options::default());
    assert_eq!(x.plan_year, Some(2026));
    let chapters: Vec<(PartKind, u8)> =
        x.headings.iter().filter(|h| h.style == NumberingStyle::Chapter).map(|h| (h.kind, h.confidence)).collect();
    assert_eq!(chapters, [(PartKind::Review, 95), (PartKind::Review, 70), (PartKind::Plan, 90), (PartKind::Plan, 50)]);
    assert_eq!(kinds(&x), [PartKind::Preamble, PartKind::Review, PartKind::Plan]);
    assert_eq!(
        rows(&x),
        [
            "5.5%:approx:2026-12-31",
            "5.5%:le:2026-12-31",
            "300个:eq:2026-12-31",
            "1200亿元:ge:2026-12-31",
            "1万套:eq:2026-12-31",
            "200个:eq:2026-12-31",
            "50个:eq:2026-12-31",
            "30个:eq:2026-12-31",
        ]
    );
    assert!(x.draft_tasks.iter().all(|t| !t.text.contains("1100亿元") && !t.text.contains("320个")));
}

/// A district report at the start of a government's term: every chapter
/// title a slogan, the five-year part first (its topics numbered like the
/// plan's), the year's plan after it under a title naming the year without 年.
const NEW_TERM_REPORT: &str = "\
政府工作报告
——2022年1月6日在某区第十八届人民代表大会第一次会议上

一、砥砺奋进，五年发展成就令人鼓舞

过去五年，全区地区生产总值年均增长7.8%，累计实施重点项目362个。2021年，一般公共预算收入完成42亿元，增长10.2%。

二、凝心聚力，奋力谱写现代化新篇章

今后五年，全区经济社会发展的主要目标是：地区生产总值年均增长7%左右；一般公共预算收入年均增长8%。

（一）建设创新强区。高新技术企业达到300家。

（二）建设生态美区。森林覆盖率稳定在45%以上。

三、奋战2022，确保开好局起好步

2022年经济社会发展的主要预期目标是：地区生产总值增长7.5%左右，城镇登记失业率控制在3.5%以内。

（一）抓项目扩投资。全年实施区级重点项目150个。
";

#[test]
fn a_slogan_chapter_is_the_outlook_or_the_plan_by_how_it_opens() {
    let x = extract(NEW_TERM_REPORT, &Options::default());
    assert_eq!(x.plan_year, Some(2022));
    let got: Vec<(&str, Option<String>)> =
        x.targets.iter().map(|t| (t.text.as_str(), t.deadline.map(|d| d.to_string()))).collect();
    // The next five years from 2022 end in 2026 (the government's term),
    // not in 2025 with the 十四五; the plan's targets in the plan year.
    let outlook = Some("2026-12-31".to_string());
    let year = Some("2022-12-31".to_string());
    let want = [
        ("7", outlook.clone()),
        ("8", outlook.clone()),
        ("300", outlook.clone()),
        ("45", outlook),
        ("7.5", year.clone()),
        ("3.5", year.clone()),
        ("150", year),
    ];
    assert_eq!(got, want.iter().map(|(t, d)| (*t, d.clone())).collect::<Vec<_>>());
    let kinds: Vec<PartKind> = x.parts.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [PartKind::Preamble, PartKind::Review, PartKind::FiveYear, PartKind::Plan]);
}

#[test]
fn the_year_a_report_reviews_is_not_its_plan_year() {
    // 2022年是… opens the review of a report delivered in 2023.
    let text = "政府工作报告\n——2023年3月5日在某市人民代表大会上\n\n一、过去一年工作回顾\n\n2022年是极不平凡的一年。地区生产总值增长3%。\n\n二、对今年政府工作的建议\n\n今年地区生产总值增长5%左右。\n";
    let x = extract(text, &Options::default());
    assert_eq!(x.plan_year, Some(2023));
    let five = x.targets.iter().find(|t| t.text == "5");
    assert_eq!(five.and_then(|t| t.deadline).map(|d| d.to_string()).as_deref(), Some("2023-12-31"));
    // Without a date: 今年是“十四五”开局之年 places it.
    let text = "政府工作报告\n\n一、过去一年工作回顾\n\n2020年是极不平凡的一年。地区生产总值增长3%。\n\n二、今年工作安排\n\n今年是“十四五”开局之年。地区生产总值增长6%以上。\n";
    assert_eq!(extract(text, &Options::default()).plan_year, Some(2021));
    let text = text.replace("2020年", "2024年").replace("开局", "收官");
    assert_eq!(extract(&text, &Options::default()).plan_year, Some(2025));
}

#[test]
fn a_plan_sentence_keeps_last_years_figure_out_and_reads_one_wan() {
    let text = "二、2019年工作安排\n\n去年新增城镇就业136万人，今年要确保新增110万人以上。培训乡村教师一万人次。\n";
    let x = extract(text, &Options { plan_year: Some(2019), org_keywords: vec![] });
    let got: Vec<(&str, &str)> = x.targets.iter().map(|t| (t.text.as_str(), t.unit.as_str())).collect();
    // 136 is last year's figure, told inside a plan sentence.
    assert_eq!(got, [("110", "万人"), ("一", "万人次")]);
}

#[test]
fn a_chapter_of_both_years_reads_each_topics_plan_from_the_sentence_on_this_year() {
    let text = "\
一、2023年工作回顾和2024年工作安排

2023年，全县地区生产总值增长6.1%，新建学校3所。

（一）项目建设。去年实施重点项目60个，完成投资88亿元。今年实施重点项目70个，完成投资100亿元。

（二）民生事业。2023年主要预期目标全面完成，新建幼儿园2所。
";
    let x = extract(text, &Options { plan_year: Some(2024), org_keywords: vec![] });
    let got: Vec<&str> = x.targets.iter().map(|t| t.text.as_str()).collect();
    // Last year's figures stay out; the review's 主要预期目标 is no plan.
    assert_eq!(got, ["70", "100"]);
    assert!(x.targets.iter().all(|t| t.deadline.map(|d| d.to_string()).as_deref() == Some("2024-12-31")));
}

#[test]
fn a_report_given_in_december_says_next_year_for_its_plan_year() {
    let text = "某县政府工作报告\n——2019年12月26日在某县人民代表大会上\n\n一、2019年工作回顾\n\n今年新建学校3所。\n\n二、2020年工作安排\n\n明年全县地区生产总值增长7%左右。明年实施重点项目60个，后年建成投运。明年6月底前完成棚户区改造1000户。\n";
    let x = extract(text, &Options::default());
    assert_eq!(x.plan_year, Some(2020));
    let got: Vec<(&str, Option<String>)> =
        x.targets.iter().map(|t| (t.text.as_str(), t.deadline.map(|d| d.to_string()))).collect();
    let in_2020 = Some("2020-12-31".to_string());
    assert_eq!(got, [("7", in_2020.clone()), ("60", in_2020), ("1000", Some("2020-06-30".to_string()))]);
    // Given in the plan year, 明年 is the year after it.
    let january = text.replace("2019年12月26日", "2020年1月8日");
    let x = extract(&january, &Options::default());
    let seven = x.targets.iter().find(|t| t.text == "7").and_then(|t| t.deadline);
    assert_eq!(seven.map(|d| d.to_string()).as_deref(), Some("2021-12-31"));
    let thousand = x.targets.iter().find(|t| t.text == "1000").and_then(|t| t.deadline);
    assert_eq!(thousand.map(|d| d.to_string()).as_deref(), Some("2021-06-30"), "明年6月底前 is next June");
    // A chapter of both years given in December: its 今年 tells the year
    // reviewed, its 明年 starts the plan.
    let both = "某县政府工作报告\n——2019年12月26日在某县人民代表大会上\n\n一、2019年工作回顾和2020年工作安排\n\n（一）教育。今年新建学校3所。明年新建学校5所。\n";
    let x = extract(both, &Options::default());
    let got: Vec<&str> = x.targets.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(got, ["5"]);
    // Nor does a slogan review's paragraph opening on 今年 turn to the plan.
    let slogan = "某县政府工作报告\n——2019年12月26日在某县人民代表大会上\n\n一、砥砺奋进的一年\n\n今年全县新建学校3所，累计完成投资80亿元，同比增长9%。\n\n二、2020年工作安排\n\n明年全县地区生产总值增长7%左右。\n";
    let x = extract(slogan, &Options::default());
    let got: Vec<&str> = x.targets.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(got, ["7"]);
    // Its 今年 counts as what was done.
    let review = x.parts.iter().find(|p| p.kind == PartKind::Review).map(|p| p.reason.as_str()).unwrap_or("");
    assert!(review.contains("已完成类标记3处，安排类标记0处"), "{review}");
}
