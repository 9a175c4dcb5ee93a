use super::*;

/// value, unit, comparator, baseline, deadline
type Row = (String, String, String, Option<String>, Option<String>);

fn run(s: &str) -> Vec<Row> {
    let doc = Doc::new(s);
    let cx = SentenceContext {
        span: Span { start: 0, end: doc.len() },
        part: Part::Plan,
        plan_year: Some(2024),
        default_deadline: NaiveDate::from_ymd_opt(2024, 12, 31),
        section: "",
    };
    targets_in_sentence(&doc, &cx)
        .into_iter()
        .map(|t| {
            (
                t.value.normalize().to_string(),
                t.unit,
                t.comparator.code().to_string(),
                t.baseline.map(|b| b.to_string()),
                t.deadline.map(|d| d.to_string()),
            )
        })
        .collect()
}

fn brief(s: &str) -> Vec<String> {
    run(s).into_iter().map(|(v, u, c, _, _)| format!("{v}{u}:{c}")).collect()
}

#[test]
fn numbers_with_units_are_targets_and_labels_are_not() {
    let cases: &[(&str, &[&str])] = &[
        ("新建污水管网12公里", &["12公里:eq"]),
        ("改造老旧小区300个", &["300个:eq"]),
        ("新建两所幼儿园", &["2所:eq"]),
        ("建成5G基站800座", &["800座:eq"]),
        ("推进G209改线和PM2.5治理", &[]),
        ("打造“1+6”产业体系", &[]),
        ("坚持“四个不变”", &[]),
        ("贯彻落实三项制度", &[]),
        ("第二批试点12个", &["12个:eq"]),
        ("建成一个展馆", &[]),
        ("新建农贸市场两个,", &["2个:eq"]),
        ("贯彻中央八项规定精神", &[]),
        ("在去年基础上增长10%", &["10%:eq"]),
        ("食品抽检量超每千人6.6批次", &["6.6批次:ge"]),
        ("补助标准不低于每人每月50元", &["50元:ge"]),
        ("在完成5件实事的基础上", &[]),
        ("发挥200公里绿道作用", &[]),
        ("依托3个国家级开发区,新建产业园2个", &["2个:eq"]),
        ("人均预期寿命提高1岁", &["1岁:eq"]),
        ("提高3岁以下婴幼儿照护专项附加扣除标准", &[]),
        ("新增新能源装机10GW", &["10GW:eq"]),
        ("算力规模达到5000P", &["5000P:eq"]),
        ("建成5G基站", &[]),
        ("创建4A级景区2家", &["2家:eq"]),
        ("目前全市已有高新技术企业600家,今年力争突破700家", &["700家:ge"]),
        ("2019年底,全市共有养老床位1.2万张,今年新增2000张", &["2000张:eq"]),
        ("目前,世界上有超过100个国家", &[]),
        ("劳动年龄人口平均受教育年限提高到11.3年", &["11.3年:eq"]),
        ("65岁以上老年人", &[]),
        ("用3年时间", &[]),
        ("发挥本地3个比较优势", &[]),
        ("目前,全市有超过100个社区开展试点", &[]),
        ("空气优良天数达到300天以上", &["300天:ge"]),
        ("10天内办结", &[]),
        ("PM2.5浓度控制在35微克/立方米以内", &["35微克/立方米:le"]),
        ("每个乡镇至少建成一个卫生院", &["1个:ge"]),
        ("实施三年行动", &[]),
        ("6月底前完成", &[]),
        ("培育六大产业集群", &[]),
        ("建成3大片区", &["3大:eq"]),
        ("先进产能占比达到3/4以上", &["0.75:ge"]),
        ("重点抓好5项工作:一是", &[]),
        ("市区5公里范围内", &[]),
        ("建设城东220千伏变电站", &[]),
        ("2019年,增加值完成80亿元", &[]),
        ("比2023年增长6%", &["6%:eq"]),
        ("2023年人均收入5万元，到2028年达到7万元", &["7万元:eq"]),
        ("把签约100亿元作为目标", &["100亿元:eq"]),
        ("提出6项指标,其中增速达到5%", &["5%:eq"]),
        ("以上共计28项指标", &[]),
        ("安排了18个领域的重点任务", &[]),
        ("狠抓隐患排查整治3件事", &[]),
        ("办好12件民生实事", &["12件:eq"]),
        ("支持总投资超50亿元的项目建设", &[]),
        ("新增投资5亿元以上的项目30个", &["30个:eq"]),
        ("建设亿元以上项目4000个、完成投资超4500亿元", &["4000个:eq", "4500亿元:ge"]),
        ("确定4.5%左右的增长目标", &[]),
        ("紧盯“5年1000亿”的发展目标", &["1000亿:eq"]),
        ("开展17个重点领域隐患排查整治", &["17个:eq"]),
        ("发电量超3000亿度", &["3000亿度:ge"]),
        ("实施免费手术2000例", &["2000例:eq"]),
        ("共享科研仪器1万台（套）以上", &["1万台（套）:ge"]),
        ("单位产值事故死亡率控制在0.6人/亿元以内", &["0.6人/亿元:le"]),
        ("补助标准提高到每人每月800元/人", &["800元/人:eq"]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
}

#[test]
fn comparators_read_the_words_around_the_number() {
    let cases: &[(&str, &[&str])] = &[
        ("增长8%以上", &["8%:ge"]),
        ("控制在3.5%以内", &["3.5%:le"]),
        ("控制在2%左右", &["2%:approx"]),
        ("税收突破50亿元", &["50亿元:ge"]),
        ("投入不少于3亿元", &["3亿元:ge"]),
        ("培训2000余人", &["2000人:ge"]),
        ("约15万吨", &["15万吨:approx"]),
        ("分别增长6%和6%以上", &["6%:eq", "6%:ge"]),
        ("增长5%—6%", &["5%:ge", "6%:le"]),
        ("新增3—5家", &["3家:ge", "5家:le"]),
        ("新增就业2万至2.5万人", &["2万人:ge", "2.5万人:le"]),
        ("投资1亿—1.5亿元", &["1亿元:ge", "1.5亿元:le"]),
        ("建设3万亩、新增5万元", &["3万亩:eq", "5万元:eq"]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
}

#[test]
fn held_out_shapes_are_read_by_general_rules() {
    let cases: &[(&str, &[&str])] = &[
        // a range with a doubled dash, or a single hyphen
        ("收入增长5%——5.5%", &["5%:ge", "5.5%:le"]),
        ("新建3--5座水厂", &["3座:ge", "5座:le"]),
        ("投资年均增长6%-7%", &["6%:ge", "7%:le"]),
        // 万 alone as the number
        ("培训万名农民", &["10000名:eq"]),
        ("帮扶万户困难家庭", &["10000户:eq"]),
        ("继续实施万名教师支教计划", &[]),
        ("深化“万人助万企”活动", &[]),
        // numbered policies are names
        ("出台稳经济20条", &[]),
        ("落实支持民营企业“25条”", &[]),
        ("制定12条政策措施", &[]),
        ("实施稳岗15条硬措施", &[]),
        ("新建农村道路20条", &["20条:eq"]),
        ("整治河道12条", &["12条:eq"]),
        // a short quoted name that counts names
        ("推进“4个200”工程", &[]),
        ("落实“两个1000亿”", &[]),
        // a count of categories of a list
        ("办好8大类35件民生实事", &["35件:eq"]),
        // thresholds inside a target
        ("关停5万千瓦及以下煤电机组", &[]),
        ("二甲及以上医院达到12家", &["12家:eq"]),
        ("地铁站300米内公交接驳率达到90%", &["90%:eq"]),
        // a share of a class to reach, and a class bounded by a share
        ("推动70%以上的乡镇建成养老服务中心", &["70%:ge"]),
        ("支持增速20%以上的企业扩产", &[]),
        // a target restated further on
        ("6%左右的预期增长目标与规划衔接", &[]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
}

#[test]
fn second_held_out_round_shapes_are_read_by_general_rules() {
    let cases: &[(&str, &[&str])] = &[
        // batches and sessions are measure words, 批 alone an ordinal round
        ("全年开展食品抽检超8000批次", &["8000批次:ge"]),
        ("开展药品抽检1.2万批次以上", &["1.2万批次:ge"]),
        ("组织专题讲座超300场次", &["300场次:ge"]),
        // a Latin unit after a magnitude
        ("新增智能算力2.5万P", &["2.5万P:eq"]),
        ("建成5G基站800座", &["800座:eq"]),
        // 零 alone is a word
        ("打造汽车零部件产业园", &[]),
        ("建设零碳园区3个", &["3个:eq"]),
        // policy packages counted in 项
        ("实施稳外贸25项举措", &[]),
        ("推出营商环境80项改革措施", &[]),
        ("实施省级重点研发项目120项以上", &["120项:ge"]),
        // counts of kinds, and N大 that sorts a list into kinds
        ("开展9大领域80类隐患排查", &[]),
        ("办好10类30件民生实事", &["30件:eq"]),
        // an age reached is a level; an age bounding a class is not
        ("人均预期寿命提高到79.5岁", &["79.5岁:eq"]),
        ("65岁以上老年人健康管理率达到70%", &["70%:eq"]),
        // a comparator opening the clause governs a figure further on
        ("低保标准不低于当地最低工资标准的40%", &["40%:ge"]),
        ("债务率不超过警戒线的1.2倍", &["1.2倍:le"]),
        // 项目前期 is no 目前; 已建成 in an earlier clause is not the figure's state
        ("做好重大项目前期工作，全年开工项目500个以上", &["500个:ge"]),
        ("改造已建成站点的设施，群众满意度不低于85%", &["85%:ge"]),
        ("目前已建成养老机构120家", &[]),
        // an annex number is a label
        ("附件3", &[]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
}

#[test]
fn third_held_out_round_shapes_are_read_by_general_rules() {
    let cases: &[(&str, &[&str])] = &[
        // a second measure word in brackets is part of the unit
        ("筹集保障性租赁住房1.2万套（间）", &["1.2万套（间）:eq"]),
        ("新增托位3000个（张）以上", &["3000个（张）:ge"]),
        ("建设幸福河湖20条（个）", &["20条（个）:eq"]),
        // a band along or around a place, with a noun after it, is a scope
        ("开展黄河沿线2公里化工企业搬迁", &[]),
        ("整治河道两侧50米范围违建", &[]),
        ("清理站点周边500米流动摊贩", &[]),
        ("新建滨江步道12公里", &["12公里:eq"]),
        ("新建沿河绿道20公里", &["20公里:eq"]),
        ("建成高速公路沿线服务区8个", &["8个:eq"]),
        // a ratio to one reached is a target without a unit
        ("城乡居民收入比缩小到1.9∶1左右", &["1.9:approx"]),
        ("三次产业结构调整为6:40:54", &[]),
        ("每天8:30前到岗", &[]),
        // a level stepped onto is a floor
        ("全县地区生产总值迈上500亿元台阶", &["500亿元:ge"]),
        ("粮食产量跨过40亿斤", &["40亿斤:ge"]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
}

#[test]
fn fourth_held_out_round_shapes_are_read_by_general_rules() {
    let cases: &[(&str, &[&str])] = &[
        // a Chinese count that sums the listing before it, with a verb of
        // building or strengthening in the clause
        ("建强招商、人才、金融三支专业队伍", &["3支:eq"]),
        ("推动城东和城西两个物流园区扩容提质", &["2个:eq"]),
        ("新建北区、南区、东区三所学校", &["3所:eq"]),
        ("统筹发展和安全两件大事", &[]),
        ("做强钢铁、化工两大产业", &[]),
        ("建立政府、银行、企业三方协作机制", &[]),
        ("建强市、县、乡两支队伍", &[]),
        ("推动东区、西区两个片区内企业实施技术改造", &[]),
        ("贯彻落实“两个确立”、“两个维护”", &[]),
        // a list noun in a quoted name after the count is no list noun
        ("深化消防等12个“一件事”集成改革", &["12个:eq"]),
        ("狠抓安全生产3件事", &[]),
        // a Chinese count after its noun may carry a comparator
        ("新增高新技术企业两家以上，", &["2家:ge"]),
        ("培育龙头企业五家左右。", &["5家:approx"]),
        ("落实中央八项规定以上精神", &[]),
        // a page number after a dash bullet at a line's start (a contents list)
        ("- 28 对某市煤炭清洁利用情况的调查", &[]),
        ("调研报告\n- 31 对民营经济发展的思考", &[]),
        ("投资增长6%-7%", &["6%:ge", "7%:le"]),
        // 期 counts a course's sessions, 小时 a duration to reach
        ("举办基层医生培训班超20期", &["20期:ge"]),
        ("开办家长学校研修班12期以上，", &["12期:ge"]),
        ("推进二期工程建设", &[]),
        ("实施3期项目", &[]),
        ("学生每天户外活动时间不少于2小时", &["2小时:ge"]),
        ("人均阅读时长达到1.5小时", &["1.5小时:eq"]),
        ("提供每天24小时服务", &[]),
        // 新政 names a policy package
        ("全面落实20条招商新政", &[]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
}

#[test]
fn a_list_of_baselines_rises_to_a_list_of_targets() {
    let got = run("补贴标准分别从每人每月100元、150元提高到110元、165元");
    let got: Vec<(String, Option<String>)> = got.into_iter().map(|(v, _, _, b, _)| (v, b)).collect();
    assert_eq!(got, [("110".to_string(), Some("100".to_string())), ("165".to_string(), Some("150".to_string()))]);
}

#[test]
fn a_level_in_force_changed_to_a_new_one_is_its_baseline() {
    let got = run("将制造业等行业现行16%的税率降至13%，将补助由每人5元提高到8元");
    let got: Vec<(String, Option<String>)> = got.into_iter().map(|(v, _, _, b, _)| (v, b)).collect();
    assert_eq!(got, [("13".to_string(), Some("16".to_string())), ("8".to_string(), Some("5".to_string()))]);
    let got = run("将现行10%的税率下调至9%");
    let got: Vec<(String, Option<String>)> = got.into_iter().map(|(v, _, _, b, _)| (v, b)).collect();
    assert_eq!(got, [("9".to_string(), Some("10".to_string()))]);
    // a level in force that nothing changes is the present state, no target
    assert!(run("现行3%的征收率保持不变").is_empty());
}

#[test]
fn baselines_are_recorded_not_counted() {
    let got = run("今年绿化覆盖率由38%提高到42%,五年达到45%");
    let got: Vec<(String, Option<String>, Option<String>)> = got.into_iter().map(|(v, _, _, b, d)| (v, b, d)).collect();
    assert_eq!(
        got,
        [
            ("42".to_string(), Some("38".to_string()), Some("2024-12-31".to_string())),
            ("45".to_string(), Some("38".to_string()), Some("2028-12-31".to_string())),
        ]
    );
}

#[test]
fn a_rise_opened_a_few_chars_before_keeps_its_baseline() {
    let got = run("保费由每生每年5元提高至10元");
    let got: Vec<(String, Option<String>)> = got.into_iter().map(|(v, _, _, b, _)| (v, b)).collect();
    assert_eq!(got, [("10".to_string(), Some("5".to_string()))]);
}

#[test]
fn deadlines_come_from_the_clause() {
    let got: Vec<Option<String>> = run("首批8个项目“五一”前开工,其余年内完成").into_iter().map(|t| t.4).collect();
    assert_eq!(got, [Some("2024-04-30".to_string())]);
}

#[test]
fn an_ongoing_action_of_n_years_gives_no_deadline_to_the_sentence() {
    // 深入实施 an action of three years: begun before, its end is not the plan year + 2.
    let got: Vec<Option<String>> =
        run("深入实施安全生产三年行动，深化消防等9个“一件事”集成改革").into_iter().map(|t| t.4).collect();
    assert_eq!(got, [Some("2024-12-31".to_string())]);
    let got: Vec<Option<String>> = run("实施安全生产三年行动，整治隐患点120个").into_iter().map(|t| t.4).collect();
    assert_eq!(got, [Some("2026-12-31".to_string())]);
}

#[test]
fn fractions_and_integers_are_written_like_the_gold() {
    let doc = Doc::new("达到2/3以上");
    let cx = SentenceContext {
        span: Span { start: 0, end: doc.len() },
        part: Part::Plan,
        plan_year: Some(2024),
        default_deadline: None,
        section: "三、",
    };
    let t = targets_in_sentence(&doc, &cx);
    let line = t.first().map(Target::to_jsonl_line).unwrap_or_default();
    assert!(line.contains("\"value\":0.6666666666666666"), "{line}");
    assert!(line.starts_with("{\"offset\":2,\"text\":\"2/3\""), "{line}");
}

#[test]
fn percentages_written_in_words_are_read_like_digits() {
    let cases: &[(&str, &[&str])] = &[
        ("城乡居民收入增长百分之六", &["6%:eq"]),
        ("地区生产总值增长百分之六点五左右", &["6.5%:approx"]),
        ("研发投入增长百分之十二以上", &["12%:ge"]),
        ("失业率控制在百分之五点五以内", &["5.5%:le"]),
        ("投资增长百分之五至百分之六", &["5%:ge", "6%:le"]),
        ("覆盖率由百分之四十提高到百分之六十", &["60%:eq"]),
        ("人口自然增长率控制在千分之三以内", &["3‰:le"]),
        ("要百分之百落实到位", &[]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
    // The figure is written from 百 on, and found there.
    let doc = Doc::new("能耗下降百分之三点二");
    let cx = SentenceContext {
        span: Span { start: 0, end: doc.len() },
        part: Part::Plan,
        plan_year: Some(2024),
        default_deadline: None,
        section: "",
    };
    let t = targets_in_sentence(&doc, &cx);
    assert_eq!(t.iter().map(|t| (t.offset.0, t.text.as_str())).collect::<Vec<_>>(), [(4, "百分之三点二")]);
    assert_eq!(run("覆盖率由百分之四十提高到百分之六十")[0].3.as_deref(), Some("40"));
}

#[test]
fn a_duration_shortened_to_a_length_is_a_target_and_within_it_a_cap() {
    let cases: &[(&str, &[&str])] = &[
        ("企业开办时间压缩至2小时内", &["2小时:le"]),
        ("不动产登记压缩到3个工作日以内", &["3个工作日:le"]),
        ("工程建设项目审批时限缩短至40个工作日", &["40个工作日:eq"]),
        ("急救平均响应时间缩短到12分钟之内", &["12分钟:le"]),
        ("政务服务事项办理时限压减至两个工作日内", &["2个工作日:le"]),
        ("一般事项压缩至一天内办结", &["1天:le"]),
        ("审批时间不超过5个工作日", &["5个工作日:le"]),
        // a working rule with no verb of shortening is no target
        ("群众诉求10天内办结", &[]),
        ("承诺事项3个工作日内答复", &[]),
        ("开展3个月专项整治", &[]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
}

#[test]
fn an_estimate_reads_approx_wherever_its_verb_stands() {
    let cases: &[(&str, &[&str])] = &[
        ("高新技术企业预计达8000家", &["8000家:approx"]),
        ("全年客运量预计达到1.2亿人次", &["1.2亿人次:approx"]),
        ("预计全年财政收入达到350亿元", &["350亿元:approx"]),
        ("预计到2027年产业规模达到5000亿元", &["5000亿元:approx"]),
        ("项目总投资预计45亿元", &["45亿元:approx"]),
        // a nearer comparator still decides
        ("预计达到300亿元以上", &["300亿元:ge"]),
        ("预计突破20万辆", &["20万辆:ge"]),
        // another figure between: the estimate was of that one
        ("预计投资50亿元带动就业3000人", &["50亿元:approx", "3000人:eq"]),
        // another clause
        ("预计增长6%，其中投资增长8%", &["6%:approx", "8%:eq"]),
        ("达到1.5万家", &["1.5万家:eq"]),
    ];
    for (input, want) in cases {
        assert_eq!(brief(input), *want, "{input}");
    }
}
