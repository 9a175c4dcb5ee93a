//! The demo city: 青岚市 (Qinglan), a fictional prefecture-level city written
//! by us, with its work report for the current year turned into a list of
//! about 40 tasks, 15 orgs, 30 users and several months of reports in every
//! state. Every account shares [`DEMO_PASSWORD`].

use crate::{
    App, AppError, NewAssignmentInput, OrgInput, PlanInput, ReportInput, ResponsibilityInput, Result, ReviewInput,
    TargetInput, TaskInput, TransitionInput, UserInput,
};
use chrono::Datelike;
use qingdan_domain::assignment::AssignmentSource;
use qingdan_domain::{OrgId, Period, PlanId, ReportId, Role, TaskId, TenantId, User};
use qingdan_storage::NewOrg;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Qingdan2026";

/// (short code, name, kind) of the demo orgs; the first is the city government's office.
const ORGS: &[(&str, &str, &str)] = &[
    ("zfb", "青岚市人民政府办公室", "department"),
    ("dcs", "市政府督查室", "section"),
    ("fgw", "市发展和改革委员会", "department"),
    ("gxj", "市工业和信息化局", "department"),
    ("czj", "市财政局", "department"),
    ("zjj", "市住房和城乡建设局", "department"),
    ("jtj", "市交通运输局", "department"),
    ("nyj", "市农业农村局", "department"),
    ("sthj", "市生态环境局", "department"),
    ("jyj", "市教育局", "department"),
    ("wjw", "市卫生健康委员会", "department"),
    ("wlj", "市文化和旅游局", "department"),
    ("swj", "市商务局", "department"),
    ("kfq", "青岚经济技术开发区", "dev_zone"),
    ("xfx", "西峰县人民政府", "county"),
];

/// (username, name, role, org code) of the demo users.
const USERS: &[(&str, &str, &str, &str)] = &[
    ("admin", "系统管理员", "admin", "zfb"),
    ("anquan", "安全管理员", "security_admin", "zfb"),
    ("shenji", "审计管理员", "audit_admin", "zfb"),
    ("duchao", "赵督查", "supervisor", "dcs"),
    ("duchaqian", "钱督查", "supervisor", "dcs"),
    ("shizhang", "孙市长", "leader", "zfb"),
    ("fushizhang.li", "李副市长", "leader", "zfb"),
    ("fushizhang.zhou", "周副市长", "leader", "zfb"),
    ("fgw.wu", "吴发改", "reporter", "fgw"),
    ("fgw.zheng", "郑发改", "reporter", "fgw"),
    ("gxj.wang", "王工信", "reporter", "gxj"),
    ("gxj.feng", "冯工信", "reporter", "gxj"),
    ("czj.chen", "陈财政", "reporter", "czj"),
    ("czj.chu", "褚财政", "reporter", "czj"),
    ("zjj.wei", "卫住建", "reporter", "zjj"),
    ("zjj.jiang", "蒋住建", "reporter", "zjj"),
    ("jtj.shen", "沈交通", "reporter", "jtj"),
    ("jtj.han", "韩交通", "reporter", "jtj"),
    ("nyj.yang", "杨农业", "reporter", "nyj"),
    ("nyj.zhu", "朱农业", "reporter", "nyj"),
    ("sthj.qin", "秦生态", "reporter", "sthj"),
    ("sthj.you", "尤生态", "reporter", "sthj"),
    ("jyj.xu", "许教育", "reporter", "jyj"),
    ("jyj.he", "何教育", "reporter", "jyj"),
    ("wjw.lv", "吕卫健", "reporter", "wjw"),
    ("wjw.shi", "施卫健", "reporter", "wjw"),
    ("wlj.zhang", "张文旅", "reporter", "wlj"),
    ("wlj.kong", "孔文旅", "reporter", "wlj"),
    ("swj.cao", "曹商务", "reporter", "swj"),
    ("kfq.yan", "严开发区", "reporter", "kfq"),
    ("kfq.hua", "华开发区", "reporter", "kfq"),
    ("xfx.jin", "金西峰", "reporter", "xfx"),
];

/// A target of a demo task: metric, value, unit, comparator, baseline.
type T = (&'static str, &'static str, &'static str, &'static str, &'static str);

/// A demo task: depth (0 section, 1 sub-section, 2 item), number, title,
/// deadline month (12 = year end), lead org, supporting orgs, targets.
type Line = (u8, &'static str, &'static str, u32, &'static str, &'static [&'static str], &'static [T]);

const TASKS: &[Line] = &[
    (0, "一、", "稳增长，推动经济运行持续向好", 12, "fgw", &[], &[]),
    (1, "（一）", "实现全年主要预期目标", 12, "fgw", &["czj"], &[]),
    (2, "1.", "地区生产总值增长6%左右", 12, "fgw", &["gxj", "swj"], &[("地区生产总值增速", "6", "%", "approx", "")]),
    (2, "2.", "一般公共预算收入增长5.5%", 12, "czj", &[], &[("一般公共预算收入增速", "5.5", "%", "eq", "")]),
    (2, "3.", "固定资产投资增长8%以上", 12, "fgw", &["zjj", "jtj"], &[("固定资产投资增速", "8", "%", "ge", "")]),
    (2, "4.", "城镇调查失业率控制在5.5%以内", 12, "fgw", &[], &[("城镇调查失业率", "5.5", "%", "le", "")]),
    (1, "（二）", "扩大有效投资", 12, "fgw", &[], &[]),
    (
        2,
        "1.",
        "实施市级重点项目320项，年度计划投资560亿元",
        12,
        "fgw",
        &["kfq"],
        &[("市级重点项目数", "320", "项", "eq", ""), ("年度计划投资", "560", "亿元", "eq", "")],
    ),
    (2, "2.", "争取专项债券额度45亿元以上", 9, "czj", &["fgw"], &[("专项债券额度", "45", "亿元", "ge", "")]),
    (2, "3.", "上半年重点项目开工率达到80%", 6, "fgw", &[], &[("重点项目开工率", "80", "%", "ge", "")]),
    (2, "4.", "谋划储备一批重大项目，争取更多项目列入国家和省级规划", 12, "fgw", &["czj"], &[]),
    (1, "（三）", "促进消费回升", 12, "swj", &[], &[]),
    (2, "1.", "社会消费品零售总额增长7%", 12, "swj", &[], &[("社会消费品零售总额增速", "7", "%", "eq", "")]),
    (2, "2.", "新建城市一刻钟便民生活圈12个", 10, "swj", &["zjj"], &[("便民生活圈", "12", "个", "eq", "")]),
    (0, "二、", "强产业，加快构建现代产业体系", 12, "gxj", &[], &[]),
    (1, "（一）", "壮大先进制造业", 12, "gxj", &[], &[]),
    (2, "1.", "规模以上工业增加值增长7.5%", 12, "gxj", &[], &[("规上工业增加值增速", "7.5", "%", "eq", "")]),
    (2, "2.", "新培育专精特新中小企业30家", 12, "gxj", &["kfq"], &[("新培育专精特新企业", "30", "家", "ge", "")]),
    (2, "3.", "开发区新签约亿元以上项目50个", 12, "kfq", &["swj"], &[("签约亿元以上项目", "50", "个", "ge", "")]),
    (1, "（二）", "发展数字经济", 12, "gxj", &[], &[]),
    (2, "1.", "新建5G基站1200座", 9, "gxj", &[], &[("新建5G基站", "1200", "座", "eq", "")]),
    (
        2,
        "2.",
        "数字经济核心产业增加值占比由8.2%提高到9%",
        12,
        "gxj",
        &["fgw"],
        &[("数字经济核心产业占比", "9", "%", "eq", "8.2")],
    ),
    (1, "（三）", "推动文旅融合", 12, "wlj", &[], &[]),
    (2, "1.", "接待游客突破3000万人次", 12, "wlj", &[], &[("接待游客", "3000", "万人次", "ge", "")]),
    (2, "2.", "五一前建成青岚山景区游客中心", 4, "wlj", &["zjj"], &[]),
    (0, "三、", "惠民生，持续增进人民福祉", 12, "czj", &[], &[]),
    (1, "（一）", "办好十件民生实事", 12, "czj", &["jyj", "wjw"], &[]),
    (
        2,
        "1.",
        "新建改扩建中小学和幼儿园15所，新增学位9000个",
        8,
        "jyj",
        &["zjj"],
        &[("新建改扩建学校", "15", "所", "eq", ""), ("新增学位", "9000", "个", "ge", "")],
    ),
    (2, "2.", "改造城镇老旧小区86个", 11, "zjj", &["czj"], &[("老旧小区改造", "86", "个", "eq", "")]),
    (2, "3.", "新增城镇就业2.6万人", 12, "fgw", &[], &[("新增城镇就业", "2.6", "万人", "ge", "")]),
    (2, "4.", "建成社区嵌入式养老服务站40个", 12, "wjw", &[], &[("社区养老服务站", "40", "个", "eq", "")]),
    (1, "（二）", "提升医疗卫生服务", 12, "wjw", &[], &[]),
    (2, "1.", "县域就诊率提高到90%", 12, "wjw", &["xfx"], &[("县域就诊率", "90", "%", "ge", "85")]),
    (0, "四、", "优生态，建设美丽青岚", 12, "sthj", &[], &[]),
    (1, "（一）", "打好蓝天碧水净土保卫战", 12, "sthj", &[], &[]),
    (
        2,
        "1.",
        "PM2.5平均浓度控制在35微克/立方米以内",
        12,
        "sthj",
        &["jtj", "gxj"],
        &[("PM2.5平均浓度", "35", "微克/立方米", "le", "")],
    ),
    (2, "2.", "完成营造林12万亩", 11, "nyj", &["xfx"], &[("营造林", "12", "万亩", "eq", "")]),
    (0, "五、", "强基础，推进乡村振兴和城乡融合", 12, "nyj", &[], &[]),
    (1, "（一）", "稳定粮食生产", 12, "nyj", &[], &[]),
    (2, "1.", "粮食播种面积稳定在180万亩以上", 9, "nyj", &["xfx"], &[("粮食播种面积", "180", "万亩", "ge", "")]),
    (2, "2.", "建成高标准农田8万亩", 10, "nyj", &["czj"], &[("高标准农田", "8", "万亩", "eq", "")]),
    (1, "（二）", "完善交通网络", 12, "jtj", &[], &[]),
    (2, "1.", "新改建农村公路300公里", 11, "jtj", &["xfx"], &[("农村公路新改建", "300", "公里", "eq", "")]),
];

/// What `seed` created: the tenant and the accounts to print.
pub struct Demo {
    pub tenant: TenantId,
    pub plan: PlanId,
    pub accounts: Vec<(String, String, String)>,
}

impl App {
    /// Whether the database already holds a tenant (so the demo is not seeded twice).
    pub async fn has_tenant(&self) -> Result<bool> {
        Ok(!self.store.tenant_ids().await?.is_empty())
    }

    /// Creates the demo city. Report periods run from January to last month
    /// of the current year, so lights and queues look alive on any day.
    pub async fn seed_demo(&self) -> Result<Demo> {
        let tenant = self.store.create_tenant("青岚市人民政府").await?;
        let mut orgs: Vec<(&str, OrgId)> = Vec::new();
        let root = self
            .store
            .create_org(
                &NewOrg {
                    tenant_id: tenant,
                    parent_id: None,
                    name: ORGS[0].1.into(),
                    kind: qingdan_domain::OrgKind::Department,
                    sort_order: 0,
                },
                self.system_actor(),
            )
            .await?;
        orgs.push((ORGS[0].0, root.id));
        let mut users: Vec<(&str, User)> = Vec::new();
        let input = |(username, name, role, org): &(&str, &str, &str, &str), orgs: &[(&str, OrgId)]| {
            Ok::<_, AppError>(UserInput {
                username: (*username).into(),
                display_name: (*name).into(),
                role: (*role).into(),
                org_id: org_id(orgs, org)?.0,
                password: DEMO_PASSWORD.into(),
            })
        };
        // The three administrators (三员) are the operator's to create, as `qingdan user add` does.
        for user in USERS.iter().filter(|u| u.2.ends_with("admin")) {
            users.push((user.0, self.create_user_unchecked(tenant, &input(user, &orgs)?).await?));
        }
        let admin = users[0].1.clone();
        for (i, (code, name, kind)) in ORGS.iter().enumerate().skip(1) {
            let parent = if *code == "dcs" { Some(root.id.0) } else { None };
            let input =
                OrgInput { name: (*name).into(), kind: (*kind).into(), parent_id: parent, sort_order: Some(i as i64) };
            orgs.push((code, self.create_org(&admin, &input).await?.id));
        }
        for user in USERS.iter().filter(|u| !u.2.ends_with("admin")) {
            users.push((user.0, self.create_user(&admin, &input(user, &orgs)?).await?));
        }
        let supervisor = user(&users, "duchao")?;
        let year = self.clock.today().year();
        let plan = self
            .create_plan(
                &supervisor,
                &PlanInput {
                    year: year.to_string(),
                    title: format!("{year}年青岚市政府工作报告重点任务清单"),
                    copy_from: String::new(),
                },
            )
            .await?;
        let leaders: Vec<&User> = users.iter().map(|(_, u)| u).filter(|u| u.role == Role::Leader).collect();
        let mut parents: Vec<TaskId> = Vec::new();
        let mut leaves: Vec<(TaskId, &str, u32)> = Vec::new();
        for (i, (depth, number, title, month, lead, supporting, targets)) in TASKS.iter().enumerate() {
            let depth = usize::from(*depth);
            parents.truncate(depth);
            let input = TaskInput {
                parent_id: parents.last().map(|t| t.0),
                number: (*number).into(),
                title: (*title).into(),
                weight: String::new(),
                deadline: month_end(year, *month).to_string(),
                start_date: String::new(),
                targets: targets
                    .iter()
                    .map(|(metric, value, unit, cmp, base)| TargetInput {
                        metric: (*metric).into(),
                        value: (*value).into(),
                        unit: (*unit).into(),
                        comparator: (*cmp).into(),
                        baseline: (*base).into(),
                        deadline: String::new(),
                    })
                    .collect(),
                responsibility: None,
            };
            let id = self.create_task(&supervisor, plan.id, &input).await?;
            let lead_org = org_id(&orgs, lead)?;
            let owner =
                users.iter().find(|(_, u)| u.org_id == lead_org && u.role == Role::Reporter).map(|(_, u)| u.id.0);
            let responsibility = ResponsibilityInput {
                lead_leader_id: leaders.get(i % leaders.len().max(1)).map(|u| u.id.0),
                lead_org_id: Some(lead_org.0),
                supporting_org_ids: supporting.iter().map(|s| org_id(&orgs, s).map(|o| o.0)).collect::<Result<_>>()?,
                owner_id: owner,
            };
            self.set_responsibility(&supervisor, id, &responsibility).await?;
            let is_leaf = TASKS.get(i + 1).is_none_or(|next| usize::from(next.0) <= depth);
            if is_leaf {
                leaves.push((id, lead, *month));
            }
            parents.push(id);
        }
        self.seed_reports(&users, &leaves).await?;
        // Lights as of today, and the battle map's months so far.
        self.refresh_lights(tenant).await?;
        let mut matters = Vec::new();
        for (reporter, org) in
            [("zjj.wei", "zjj"), ("jtj.shen", "jtj"), ("jyj.xu", "jyj"), ("fgw.wu", "fgw"), ("sthj.qin", "sthj")]
        {
            matters.push((user(&users, reporter)?, org_id(&orgs, org)?));
        }
        let matters: Vec<(&User, OrgId)> = matters.iter().map(|(u, o)| (u, *o)).collect();
        self.seed_demo_assignments(&supervisor, &user(&users, "shizhang")?, &matters).await?;
        let project_owners = self.seed_demo_projects(&admin, &supervisor, &leaders).await?;
        self.seed_demo_assessment(&admin, &supervisor).await?;
        let accounts = USERS
            .iter()
            .map(|(u, n, r, _)| (u.to_string(), n.to_string(), Role::from_code(r).map_or("", Role::label).to_owned()))
            .chain(project_owners)
            .collect();
        Ok(Demo { tenant, plan: plan.id, accounts })
    }

    /// Monthly reports on each leaf task up to last month: older months
    /// accepted; the last month waiting for review, returned, or missing.
    /// Each report is submitted on a working day of its month (a few after
    /// the 25th, 迟报) and reviewed a day or three later, in the lead org's
    /// own words and figures (see [`narrative`]).
    async fn seed_reports(&self, users: &[(&str, User)], leaves: &[(TaskId, &str, u32)]) -> Result<()> {
        let supervisor = user(users, "duchao")?;
        let current = Period::containing(self.clock.today());
        let first = Period::new(current.year(), 1).unwrap_or(current);
        let mut periods = Vec::new();
        let mut p = current.previous();
        while p >= first {
            periods.push(p);
            p = p.previous();
        }
        periods.reverse();
        let now = self.clock.now();
        for (n, (task, lead, month)) in leaves.iter().enumerate() {
            let reporter = users.iter().map(|(_, u)| u).find(|u| {
                u.role == Role::Reporter
                    && ORGS.iter().any(|o| o.0 == *lead)
                    && u.username.starts_with(&format!("{lead}."))
            });
            let Some(reporter) = reporter else { continue };
            let targets = self.store.targets(reporter.tenant_id, *task).await?;
            // Some tasks run ahead of time, some behind, a few far behind (percent of time elapsed).
            let pace = [120, 110, 100, 95, 60][n % 5];
            for (k, period) in periods.iter().enumerate() {
                if k > 0 && ((k as i64) * pace / i64::from(*month)) >= 100 {
                    break; // finished and accepted last month
                }
                let is_last = k + 1 == periods.len();
                if is_last && n % 4 == 3 {
                    continue; // not yet reported this month
                }
                let percent = ((k as i64 + 1) * pace / i64::from(*month)).min(100);
                let actuals: Vec<(&qingdan_domain::Target, qingdan_domain::Decimal)> =
                    targets.iter().map(|t| (t, demo_actual(t, percent))).collect();
                let words = Words { org: lead, task: n, month: k, period: *period, percent, is_lagging: pace < 80 };
                let input = ReportInput {
                    period: period.to_string(),
                    percent_done: percent.to_string(),
                    narrative: narrative(&words, &actuals),
                    problems: problems(&words),
                    next_steps: next_steps(&words),
                    actuals: actuals
                        .iter()
                        .map(|(t, actual)| crate::ActualInput {
                            target_id: t.id.0.to_string(),
                            actual: actual.to_string(),
                        })
                        .collect(),
                    confirmed: false,
                };
                let submitted_at = submitted_at(*period, n, k).min(now);
                let report: ReportId = self.at(submitted_at).submit_report(reporter, *task, &input).await?;
                let decision = if !is_last {
                    Some(("accept", ""))
                } else if n % 4 == 1 {
                    Some(("return", RETURN_COMMENTS[n % RETURN_COMMENTS.len()]))
                } else {
                    None
                };
                if let Some((decision, comment)) = decision {
                    let review = ReviewInput { decision: decision.into(), comment: comment.into(), revision: None };
                    let reviewed_at = (submitted_at + chrono::Duration::hours(20 + 24 * ((n + k) % 3) as i64)).min(now);
                    self.at(reviewed_at).review(&supervisor, report, &review).await?;
                }
            }
        }
        Ok(())
    }

    /// This app with its clock stood at `at`: the demo's history is written
    /// as if it happened on the days it tells of.
    fn at(&self, at: chrono::DateTime<chrono::Utc>) -> App {
        let mut app = self.clone();
        app.clock = crate::Clock::Fixed(at);
        app
    }
}

/// Why the office returns a demo report.
const RETURN_COMMENTS: [&str; 3] = [
    "指标完成值与进展情况表述不一致，请核实后重新报送。",
    "请补充现场照片、验收资料等佐证材料。",
    "存在问题写得过于笼统，请说明具体原因和解决时限。",
];

/// When the report on `period` (the `month`th of the year's periods) of the
/// `task`th working task was submitted: a weekday between the 12th and the
/// 27th — after the 25th a few are late (迟报) — in office hours, Beijing time.
fn submitted_at(period: Period, task: usize, month: usize) -> chrono::DateTime<chrono::Utc> {
    let first = period.first_day();
    let day = 12 + ((task * 7 + month * 5) % 16) as u32;
    let mut date = first.with_day(day).unwrap_or(first);
    while matches!(date.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        date = date.pred_opt().unwrap_or(date);
    }
    let minutes = 9 * 60 + ((task * 37 + month * 53) % (8 * 60)) as u32;
    let local = date.and_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or_default();
    // Beijing is UTC+8 all year.
    local.and_utc() - chrono::Duration::hours(8)
}

/// Whether `unit` counts whole things (个, 所, 家…), so that an actual in it
/// is a whole number: a unit of one measure word, not scaled (万人 and 万亩
/// are amounts, 公里 and 亩 are lengths and areas, % a rate).
pub fn is_countable_unit(unit: &str) -> bool {
    const COUNTED: [&str; 16] =
        ["个", "座", "所", "家", "套", "户", "人", "项", "部", "台", "辆", "间", "张", "名", "处", "条"];
    COUNTED.contains(&unit.trim())
}

/// What a demo report is written from: whose it is, which task and month, how far along.
struct Words<'a> {
    /// The lead org's short code (`fgw`, `zjj`, …).
    org: &'a str,
    task: usize,
    month: usize,
    period: Period,
    percent: i64,
    is_lagging: bool,
}

/// (org code, what it did, what holds it up, what it will do next): each
/// org's own work, in its own words.
type Voice = (&'static str, [&'static str; 4], [&'static str; 3], [&'static str; 3]);

const VOICES: &[Voice] = &[
    (
        "fgw",
        [
            "召开重点项目推进调度会，逐项研究解决开工难题",
            "落实“一项目一专班”包保机制，县级领导联系到项目",
            "梳理形成要素保障问题清单，已销号过半",
            "组织开展重点项目集中开工和观摩活动",
        ],
        ["部分项目用地、用林指标尚未落实", "社会投资项目资金到位偏慢", "个别项目环评、能评等前期手续办理周期较长"],
        [
            "紧盯开工率和投资完成额，实行周调度、月通报",
            "会同自然资源部门加快用地报批",
            "争取更多项目纳入省级重点项目盘子",
        ],
    ),
    (
        "czj",
        [
            "加快预算执行进度，按月通报各单位支出情况",
            "组织专项债券项目集中申报",
            "强化收入征管和重点税源监控",
            "盘活存量资金统筹用于重点项目",
        ],
        ["土地出让收入不及预期", "部分债券项目资金支出进度偏慢", "刚性支出增长较快，收支平衡压力加大"],
        ["督促项目单位加快资金支出", "做好下一批专项债券项目储备", "加强财政运行监测分析"],
    ),
    (
        "gxj",
        [
            "深入企业开展“送政策、解难题”服务",
            "组织专精特新企业梯度培育申报",
            "协调铁塔公司加快基站选址建设",
            "召开重点工业企业运行分析会",
        ],
        ["部分企业订单不足、生产放缓", "基站选址进小区、进楼宇难", "企业技改投资意愿不强"],
        ["落实稳工业增长各项政策", "开展“一企一策”精准帮扶", "加快在建技改项目投产达效"],
    ),
    (
        "zjj",
        [
            "逐小区召开居民议事会，改造方案全部公示",
            "完成施工招标，施工单位已进场",
            "开展质量安全专项巡查",
            "会同街道、社区解决群众反映的问题",
        ],
        ["个别小区居民意见不统一，加装电梯推进较慢", "雨季影响室外管网施工", "部分小区管线迁改协调难度大"],
        ["倒排工期、挂图作战，确保按期完工", "加强与街道、社区和产权单位协调", "组织已完工小区分批验收"],
    ),
    (
        "jtj",
        ["完成项目初步设计批复", "组织路基、路面分段施工", "开展农村公路工程质量抽检", "召开交通项目建设调度会"],
        ["征地拆迁进度滞后于计划", "砂石等建材价格上涨", "部分路段受汛期影响停工"],
        ["加快征地拆迁扫尾", "加密质量安全检查频次", "抢抓施工黄金期加快进度"],
    ),
    (
        "nyj",
        [
            "落实粮食生产扶持资金",
            "组织农技人员下乡开展技术指导",
            "推进高标准农田项目招标和施工",
            "开展春耕生产督导检查",
        ],
        ["部分地块土壤墒情偏差", "高标准农田项目地方配套资金压力较大", "农村劳动力季节性短缺"],
        ["做好病虫害监测防控", "加快项目施工和验收", "落实耕地地力保护补贴"],
    ),
    (
        "sthj",
        [
            "开展扬尘、工业源专项执法检查",
            "推进重点行业超低排放改造",
            "加密空气质量监测和预警会商",
            "督促整改中央环保督察交办问题",
        ],
        ["冬春季不利气象条件多发", "移动源污染管控手段有限", "部分企业治污设施运行不稳定"],
        ["落实重污染天气应急减排措施", "加强建筑工地扬尘管控", "开展机动车尾气路检路查"],
    ),
    (
        "jyj",
        ["完成学校建设项目选址和规划设计", "推进在建校舍主体施工", "统筹做好秋季学位供给", "召开学校建设工程调度会"],
        ["个别项目用地手续办理较慢", "教师编制缺口较大", "部分项目设备采购进度偏慢"],
        ["确保秋季开学前投入使用", "做好新建学校教师招聘", "加快配套设施建设"],
    ),
    (
        "wjw",
        ["推进县域医共体建设", "组织市级医院专家下沉坐诊", "完成社区养老服务站选址", "开展基层医疗机构能力提升行动"],
        ["基层医疗人才引进难、留住难", "部分养老服务站运营主体尚未落实", "医疗设备采购流程较长"],
        ["完善医共体利益分配机制", "加快养老服务站运营主体招募", "开展医疗服务质量督查"],
    ),
    (
        "wlj",
        ["举办春季文旅推介活动", "推进游客中心内部装修和布展", "开展文旅市场安全检查", "策划推出精品旅游线路"],
        ["景区配套设施不够完善", "旅游旺季接待能力不足", "市场主体投资意愿偏弱"],
        ["筹备暑期文旅消费季活动", "加快景区提档升级", "加强文旅市场监管"],
    ),
    (
        "swj",
        ["开展“惠购青岚”消费季活动", "推进便民生活圈业态布局", "组织重点商贸企业运行监测", "举办家电、汽车促销活动"],
        ["居民消费意愿偏弱", "部分社区商业网点布局不足", "限上企业入库培育难度较大"],
        ["发放新一轮消费券", "加快生活圈商业设施招商", "做好限上企业入库培育"],
    ),
    (
        "kfq",
        ["赴长三角、珠三角开展招商推介", "签约一批产业链补链项目", "推行“拿地即开工”审批服务", "开展项目落地全程代办"],
        ["签约项目落地转化率不高", "标准厂房供给不足", "部分项目资金到位较慢"],
        ["加强签约项目跟踪服务", "加快标准厂房建设", "组织专题招商活动"],
    ),
    (
        "xfx",
        ["召开县政府常务会议专题研究部署", "压实乡镇主体责任", "开展县级督查", "落实县级配套资金"],
        ["乡镇财力紧张，配套资金到位慢", "专业技术人员不足", "群众参与积极性有待提高"],
        ["加强县级统筹调度", "开展乡镇交叉检查", "强化督查考核"],
    ),
];

fn voice(org: &str) -> &'static Voice {
    VOICES.iter().find(|v| v.0 == org).unwrap_or(&VOICES[VOICES.len() - 1])
}

/// How the org speaks of itself: 我委 (commissions), 我区, 我县, else 我局.
fn self_name(org: &str) -> &'static str {
    match org {
        "fgw" | "wjw" => "我委",
        "kfq" => "我区",
        "xfx" => "我县",
        _ => "我局",
    }
}

/// 进展情况: two things the org did this month, each target's figure so far,
/// and where the task stands.
fn narrative(w: &Words<'_>, actuals: &[(&qingdan_domain::Target, qingdan_domain::Decimal)]) -> String {
    let (_, done, _, _) = voice(w.org);
    let first = done[(w.task + w.month) % done.len()];
    let second = done[(w.task + w.month + 1) % done.len()];
    let mut text = format!("{}，{}{first}；{second}。", w.period.label(), self_name(w.org));
    let month = w.period.last_day().month();
    let figures: Vec<String> = actuals
        .iter()
        .map(|(t, actual)| {
            if t.unit.contains('%') {
                format!("{}为{actual}{}", t.metric, t.unit)
            } else {
                format!("{}完成{actual}{}", t.metric, t.unit)
            }
        })
        .collect();
    if !figures.is_empty() {
        text += &format!("截至{month}月底，{}。", figures.join("，"));
    }
    text += match w.percent {
        100.. => "年度任务已全面完成。",
        70..=99 => "工作进入攻坚收尾阶段。",
        30..=69 => "各项工作有序推进。",
        _ => "工作已全面启动。",
    };
    text
}

/// 存在问题: a lagging task always says what holds it up; others now and then.
fn problems(w: &Words<'_>) -> String {
    let (_, _, held_up, _) = voice(w.org);
    if w.is_lagging || (w.task + w.month) % 3 == 2 {
        format!("{}。", held_up[(w.task + w.month) % held_up.len()])
    } else {
        String::new()
    }
}

/// 下步打算: what the org will do next; a finished task consolidates.
fn next_steps(w: &Words<'_>) -> String {
    let (_, _, _, next) = voice(w.org);
    if w.percent >= 100 {
        return "做好总结验收和资料归档，巩固工作成效。".into();
    }
    format!("{}，{}。", next[(w.task + w.month) % next.len()], next[(w.task + w.month + 1) % next.len()])
}

/// The actual that puts `target` at `percent` under the status rules: that share
/// of the way from its baseline to its value; a cap (不超过) held at its value.
/// A count (个, 所, 家…) is whole: rounded down, so it never claims more.
fn demo_actual(target: &qingdan_domain::Target, percent: i64) -> qingdan_domain::Decimal {
    use qingdan_domain::{Comparator, Decimal};
    let base = target.baseline.unwrap_or(Decimal::ZERO);
    if target.comparator == Comparator::AtMost && base <= target.value {
        return target.value;
    }
    let actual = base + (target.value - base) * Decimal::from(percent) / Decimal::from(100);
    if is_countable_unit(&target.unit) { actual.floor() } else { actual.round_dp(2).normalize() }
}

fn org_id(orgs: &[(&str, OrgId)], code: &str) -> Result<OrgId> {
    orgs.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, id)| *id)
        .ok_or_else(|| AppError::Internal(format!("demo org {code}")))
}

fn user(users: &[(&str, User)], name: &str) -> Result<User> {
    users
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, u)| u.clone())
        .ok_or_else(|| AppError::Internal(format!("demo user {name}")))
}

/// The last day of `month` in `year`.
fn month_end(year: i32, month: u32) -> chrono::NaiveDate {
    let next = if month == 12 {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|d| d.pred_opt()).unwrap_or_default()
}

/// A demo matter: title, source, text, days ago, major, the steps the lead org took.
type DemoMatter = (&'static str, AssignmentSource, &'static str, u64, bool, &'static [&'static str]);

impl App {
    /// The demo city's assigned matters: one per state worth showing, assigned
    /// some days back so lights differ; `matters` pairs each with the reporter and the lead org.
    pub(crate) async fn seed_demo_assignments(
        &self,
        supervisor: &User,
        leader: &User,
        matters: &[(&User, OrgId)],
    ) -> Result<()> {
        let today = self.clock.today();
        // (title, source, text, days ago, major, steps taken by the lead org)
        let plan: [DemoMatter; 5] = [
            (
                "加快老旧小区改造进度",
                AssignmentSource::LeaderInstruction,
                "孙市长批示：老旧小区改造进度滞后，请住建局牵头拿出加快方案，按13710要求反馈。",
                10,
                false,
                &[],
            ),
            (
                "打通城区断头路",
                AssignmentSource::MeetingDecision,
                "市政府常务会议决定：年内打通城区5条断头路，交通局牵头，每周报送进展。",
                2,
                false,
                &["sign_for", "deploy"],
            ),
            (
                "增加普惠性学前教育学位",
                AssignmentSource::SuggestionOrProposal,
                "市人大代表建议第18号：新增普惠性幼儿园学位2000个。",
                0,
                false,
                &[],
            ),
            (
                "重点项目要素保障",
                AssignmentSource::Task,
                "重点项目用地、用能指标缺口较大，请发改委牵头会同相关部门协调解决。",
                5,
                true,
                &["sign_for", "deploy", "feedback"],
            ),
            (
                "整治城区黑臭水体",
                AssignmentSource::LeaderInstruction,
                "李副市长批示：群众反映强烈，请生态环境局限期整治。",
                8,
                false,
                &["sign_for", "deploy", "feedback", "request_close"],
            ),
        ];
        for ((title, source, text, days_ago, is_major, steps), (reporter, org)) in plan.iter().zip(matters) {
            let input = NewAssignmentInput {
                title: (*title).into(),
                source: source.code().into(),
                text: (*text).into(),
                lead_org_id: Some(org.0),
                leader_id: Some(leader.id.0),
                is_major: *is_major,
                assigned_on: today.checked_sub_days(chrono::Days::new(*days_ago)).unwrap_or(today).to_string(),
                ..NewAssignmentInput::default()
            };
            let id = self.create_assignment(supervisor, &input).await?;
            for step in *steps {
                let note = match *step {
                    "deploy" => "已召开专题会议部署，明确分管领导和责任科室",
                    "feedback" => "已完成现场踏勘，形成初步方案",
                    "request_close" => "整治工程已完工，水质检测达标",
                    _ => "",
                };
                let input = TransitionInput { action: (*step).into(), note: note.into(), ..TransitionInput::default() };
                self.transition_assignment(reporter, id, &input).await?;
            }
            if steps.last() == Some(&"request_close") {
                let input = TransitionInput {
                    action: "accept_close".into(),
                    grade: "good".into(),
                    ..TransitionInput::default()
                };
                self.transition_assignment(supervisor, id, &input).await?;
            }
        }
        Ok(())
    }
}
