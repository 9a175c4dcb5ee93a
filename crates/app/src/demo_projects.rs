//! The demo city's key projects: 80 projects across four counties and
//! districts, the industrial ones in six development zones, registered with what was done before
//! Qingdan, reported half-monthly since, with 前期手续, 堵点 and two dispatch
//! meetings whose decisions became 督办 matters. Written by us; every figure
//! is whole 万元 and every date falls in the current year.

use crate::projects::{DecisionInput, FactorInput, MeetingInput, PreworkInput, ProjectInput, ProjectReportInput};
use crate::{App, OrgInput, Result, UserInput};
use chrono::{Datelike, Days, NaiveDate};
use qingdan_domain::project::{half_month_end, half_month_start};
use qingdan_domain::{OrgId, ProjectId, Role, User};

/// (name, kind) of the counties, districts and zones the projects lie in.
const PLACES: [(&str, &str); 10] = [
    ("东湖区人民政府", "district"),
    ("南山县人民政府", "county"),
    ("北塘区人民政府", "district"),
    ("西峰县人民政府", "county"),
    ("青岚经济技术开发区", "dev_zone"),
    ("青岚高新技术产业开发区", "dev_zone"),
    ("临港物流园区", "dev_zone"),
    ("西峰工业园区", "dev_zone"),
    ("南山生态产业园", "dev_zone"),
    ("北塘科技园", "dev_zone"),
];

/// (org name, reporter username, reporter name) of the project owners (业主单位).
const OWNERS: [(&str, &str, &str); 5] = [
    ("青岚城市建设投资集团有限公司", "ct.liu", "刘城投"),
    ("青岚交通投资集团有限公司", "jt.ma", "马交投"),
    ("青岚产业投资集团有限公司", "ct.gao", "高产投"),
    ("青岚水务集团有限公司", "sw.lin", "林水务"),
    ("青岚文化旅游发展集团有限公司", "wl.song", "宋文旅"),
];

/// (name, category, industry, owner index, total investment in 万元) of the project kinds;
/// each county has one of each.
const KINDS: [(&str, &str, &str, usize, i64); 20] = [
    ("新能源电池材料产业园", "产业", "新能源", 2, 350_000),
    ("高端装备制造基地", "产业", "高端装备", 2, 280_000),
    ("生物医药创新中心", "产业", "生物医药", 2, 120_000),
    ("电子信息产业园二期", "产业", "电子信息", 2, 200_000),
    ("冷链物流中心", "产业", "现代物流", 2, 60_000),
    ("大数据中心", "产业", "数字经济", 2, 90_000),
    ("分布式光伏发电项目", "产业", "新能源", 2, 45_000),
    ("文旅融合示范区", "产业", "文化旅游", 4, 150_000),
    ("高标准农田建设", "产业", "现代农业", 3, 30_000),
    ("主干道提升改造工程", "基础设施", "市政", 0, 80_000),
    ("城乡快速通道", "基础设施", "交通", 1, 260_000),
    ("农村公路提档升级", "基础设施", "交通", 1, 25_000),
    ("中小河流综合治理", "基础设施", "水利", 3, 40_000),
    ("城市更新片区", "基础设施", "市政", 0, 180_000),
    ("污水处理厂提标改造", "生态环保", "环保", 3, 35_000),
    ("人民医院新院区", "民生", "卫生", 0, 110_000),
    ("第二实验学校", "民生", "教育", 0, 40_000),
    ("保障性租赁住房", "民生", "住房", 0, 70_000),
    ("老旧小区改造", "民生", "住房", 0, 20_000),
    ("养老服务中心", "民生", "养老", 0, 15_000),
];

/// Departments the projects' 前期手续 and 堵点 need besides the list's.
const DEPARTMENTS: [&str; 1] = ["市自然资源和规划局"];

/// Short names of the four counties, for project names.
const SHORT: [&str; 4] = ["东湖", "南山", "北塘", "西峰"];

impl App {
    /// Registers and works the demo projects as the office (`supervisor`),
    /// with `leaders` as 包联领导 and `admin` creating their orgs and owners.
    pub(crate) async fn seed_demo_projects(
        &self,
        admin: &User,
        supervisor: &User,
        leaders: &[&User],
    ) -> Result<Vec<(String, String, String)>> {
        let today = self.clock.today();
        let existing = self.store.orgs(admin.tenant_id).await?;
        let mut places = Vec::new();
        for (i, (name, kind)) in PLACES.iter().enumerate() {
            let found = existing.iter().find(|o| o.name == *name).map(|o| o.id);
            let id = match found {
                Some(id) => id,
                None => {
                    let input = OrgInput {
                        name: (*name).into(),
                        kind: (*kind).into(),
                        parent_id: None,
                        sort_order: Some(100 + i as i64),
                    };
                    self.create_org(admin, &input).await?.id
                }
            };
            places.push(id);
        }
        for (i, name) in DEPARTMENTS.iter().enumerate() {
            if !existing.iter().any(|o| o.name == *name) {
                let input = OrgInput {
                    name: (*name).into(),
                    kind: "department".into(),
                    parent_id: None,
                    sort_order: Some(110 + i as i64),
                };
                self.create_org(admin, &input).await?;
            }
        }
        let existing = self.store.orgs(admin.tenant_id).await?;
        let mut owners = Vec::new();
        let mut accounts = Vec::new();
        for (i, (name, username, person)) in OWNERS.iter().enumerate() {
            let input = OrgInput {
                name: (*name).into(),
                kind: "department".into(),
                parent_id: None,
                sort_order: Some(120 + i as i64),
            };
            let org = self.create_org(admin, &input).await?.id;
            let user = UserInput {
                username: (*username).into(),
                display_name: (*person).into(),
                role: "reporter".into(),
                org_id: org.0,
                password: crate::demo::DEMO_PASSWORD.into(),
            };
            owners.push((org, self.create_user(admin, &user).await?));
            accounts.push((
                (*username).to_owned(),
                (*person).to_owned(),
                format!("{}（{}）", Role::Reporter.label(), name),
            ));
        }
        let fgw = existing.iter().find(|o| o.name == "市发展和改革委员会").map(|o| o.id).unwrap_or(supervisor.org_id);
        let mut projects = Vec::new();
        for (n, (county, short)) in places.iter().take(4).zip(SHORT).enumerate() {
            for (k, kind) in KINDS.iter().enumerate() {
                let i = n * KINDS.len() + k;
                let zone = (kind.1 == "产业").then(|| places[4 + (n * 3 + k) % 6]);
                let input =
                    project_input(i, registered_on(today), *county, zone, short, kind, owners[kind.3].0, fgw, leaders);
                let id = self.at_noon(registered_on(today)).create_project(supervisor, &input).await?;
                projects.push((id, i, owners[kind.3].1.clone()));
            }
        }
        self.seed_project_reports(supervisor, &projects, today).await?;
        self.seed_prework_and_blockers(supervisor, &projects, &existing, today).await?;
        self.seed_meetings(supervisor, &projects, &existing, today).await?;
        Ok(accounts)
    }

    /// Half-monthly reports since registration: accepted up to the last
    /// half-month, which waits for review. A project's pace is its index's:
    /// most keep up with the year, one in six lags far, one in six a little.
    async fn seed_project_reports(
        &self,
        office: &User,
        projects: &[(ProjectId, usize, User)],
        today: NaiveDate,
    ) -> Result<()> {
        let start = half_month_start(registered_on(today));
        let current = half_month_start(today);
        let periods: Vec<NaiveDate> = std::iter::successors(Some(start), |p| half_month_end(*p).succ_opt())
            .take_while(|p| *p < current)
            .collect();
        for (id, i, owner) in projects {
            let p = self.store.project(office.tenant_id, *id).await?;
            let Some(p) = p.filter(|p| p.fields.stage.has_started() && !p.fields.stage.is_done()) else { continue };
            let pace = match i % 6 {
                0 => 55,
                1 => 85,
                _ => 102,
            };
            // What is left of the year's plan, spread over the periods to the year's end.
            let left = p.fields.year_plan - p.done_year;
            let per = (left * qingdan_domain::Decimal::from(pace)
                / qingdan_domain::Decimal::from(100 * (periods.len() + 2).max(1) as i64))
            .round();
            for (k, period) in periods.iter().enumerate() {
                let input = ProjectReportInput {
                    period: period.to_string(),
                    amount: per.to_string(),
                    progress_text: progress_text(*i, k),
                    workforce: (60 + (i * 37 + k * 11) % 240).to_string(),
                    problems: if i % 6 == 0 { "资金到位滞后，施工队伍不足".into() } else { String::new() },
                    ..ProjectReportInput::default()
                };
                let on = half_month_end(*period).succ_opt().unwrap_or(*period);
                let report = self.at_noon(on).submit_project_report(owner, *id, &input).await?;
                if k + 1 < periods.len() {
                    self.at_noon(on.checked_add_days(Days::new(2)).unwrap_or(on))
                        .review_project_report(office, report, None, true, "")
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn seed_prework_and_blockers(
        &self,
        office: &User,
        projects: &[(ProjectId, usize, User)],
        orgs: &[qingdan_domain::Org],
        today: NaiveDate,
    ) -> Result<()> {
        let org = |name: &str| orgs.iter().find(|o| o.name == name).map(|o| o.id).unwrap_or(office.org_id);
        let handlers = [org("市发展和改革委员会"), org("市生态环境局"), org("市住房和城乡建设局")];
        let kinds = ["立项", "环评", "施工许可"];
        for (id, i, _) in projects.iter().filter(|(_, i, _)| i % 20 >= 17 || i % 7 == 3) {
            for (k, (name, handler)) in kinds.iter().zip(handlers).enumerate() {
                // Deadlines from 20 days ago to 40 days ahead; every third project's first node is done.
                let offset = (*i as i64 * 13 + k as i64 * 20) % 60 - 20;
                let deadline = today.checked_add_signed(chrono::Duration::days(offset)).unwrap_or(today);
                let input = PreworkInput {
                    name: (*name).into(),
                    org_id: handler.0.to_string(),
                    deadline: deadline.to_string(),
                };
                let node = self.add_prework(office, *id, &input).await?;
                if k == 0 && i % 3 == 0 {
                    self.set_prework_done(office, node, true).await?;
                }
            }
        }
        let blockers = [
            ("用地", "二期用地指标缺口120亩，需市级统筹调剂", "市自然资源和规划局"),
            ("用能", "新增用能指标3万吨标准煤未落实", "市发展和改革委员会"),
            ("资金", "专项债券资金8000万元尚未拨付到位", "市财政局"),
            ("审批", "施工许可办理时间较长，影响开工", "市住房和城乡建设局"),
            ("拆迁", "红线内尚有17户未完成征迁", "市住房和城乡建设局"),
            ("用水", "工业用水管网未接入园区", "市住房和城乡建设局"),
        ];
        for (n, (id, _, owner)) in projects.iter().filter(|(_, i, _)| i % 6 == 0).take(blockers.len()).enumerate() {
            let (kind, description, solver) = blockers[n];
            let input = FactorInput {
                kind: kind.into(),
                description: description.into(),
                org_id: org(solver).0.to_string(),
                deadline: today
                    .checked_add_signed(chrono::Duration::days(n as i64 * 6 - 12))
                    .unwrap_or(today)
                    .to_string(),
                level: if n == 0 { "调度会协调".into() } else { String::new() },
            };
            let issue = self
                .at_noon(today.checked_sub_days(Days::new(30)).unwrap_or(today))
                .raise_factor_issue(owner, *id, &input)
                .await?;
            if n == 2 {
                self.step_factor_issue(office, issue, "solve", "已协调财政局拨付专项债券资金8000万元").await?;
                self.step_factor_issue(owner, issue, "confirm", "资金已到账").await?;
            }
        }
        self.escalate_factor_issues().await?;
        Ok(())
    }

    /// Two meetings, a month and a half-month ago, each with three decisions
    /// made 督办 matters at once.
    async fn seed_meetings(
        &self,
        office: &User,
        projects: &[(ProjectId, usize, User)],
        orgs: &[qingdan_domain::Org],
        today: NaiveDate,
    ) -> Result<()> {
        let org = |name: &str| orgs.iter().find(|o| o.name == name).map(|o| o.id).unwrap_or(office.org_id);
        // The project a decision is about: the `kind` of the `county`-th county.
        let at = |county: usize, kind: &str| county * KINDS.len() + KINDS.iter().position(|k| k.0 == kind).unwrap_or(0);
        let meetings = [
            (
                30,
                "全市重点项目第一次调度会",
                [
                    (
                        at(0, "新能源电池材料产业园"),
                        "协调解决新能源电池材料产业园二期用地指标，月底前完成调剂",
                        "市自然资源和规划局",
                        14,
                    ),
                    (at(0, "城乡快速通道"), "加快专项债券资金拨付，确保城乡快速通道资金需求", "市财政局", 10),
                    (
                        at(0, "中小河流综合治理"),
                        "督促施工单位增加作业面，确保投资进度赶上序时",
                        "市住房和城乡建设局",
                        20,
                    ),
                ],
            ),
            (
                15,
                "全市重点项目第二次调度会",
                [
                    (at(0, "城市更新片区"), "优化施工许可审批流程，压缩办理时限至10个工作日", "市住房和城乡建设局", 15),
                    (at(1, "人民医院新院区"), "落实人民医院新院区配套道路建设资金", "市财政局", 20),
                    (at(1, "高端装备制造基地"), "推动高端装备制造基地新增用能指标尽快落地", "市发展和改革委员会", 25),
                ],
            ),
        ];
        for (days_ago, title, decisions) in meetings {
            let on = today.checked_sub_days(Days::new(days_ago)).unwrap_or(today);
            let app = self.at_noon(on);
            let input = MeetingInput {
                title: title.into(),
                held_on: on.to_string(),
                place: "市政府第一会议室".into(),
                chair: "李副市长".into(),
                attendees: "市发改委、市财政局、市自然资源和规划局、市住建局、各县区政府及项目业主单位负责同志".into(),
                summary: "会议听取了全市重点项目建设进展情况汇报，分析了存在的问题，研究部署了下一阶段工作。".into(),
            };
            let meeting = app.create_meeting(office, &input).await?;
            for (project, content, lead, days) in decisions {
                let input = DecisionInput {
                    project_id: projects.get(project).map(|p| p.0.0.to_string()).unwrap_or_default(),
                    content: content.into(),
                    lead_org_id: org(lead).0.to_string(),
                    deadline: on.checked_add_days(Days::new(days)).unwrap_or(on).to_string(),
                };
                app.add_decision(office, meeting, &input).await?;
            }
            app.assign_all_decisions(office, meeting).await?;
        }
        Ok(())
    }

    /// This app with its clock at noon of `day`.
    fn at_noon(&self, day: NaiveDate) -> App {
        let mut app = self.clone();
        app.clock = crate::Clock::fixed_on(day);
        app
    }
}

/// When the register was filled in: three months ago, not before New Year.
fn registered_on(today: NaiveDate) -> NaiveDate {
    let jan = NaiveDate::from_ymd_opt(today.year(), 1, 2).unwrap_or(today);
    today.checked_sub_days(Days::new(90)).unwrap_or(jan).max(jan)
}

#[allow(clippy::too_many_arguments)]
fn project_input(
    i: usize,
    registered: NaiveDate,
    county: OrgId,
    zone: Option<OrgId>,
    short: &str,
    kind: &(&str, &str, &str, usize, i64),
    owner: OrgId,
    lead: OrgId,
    leaders: &[&User],
) -> ProjectInput {
    let (name, category, industry, _, base_total) = *kind;
    let year = registered.year();
    // A date of this year, never after the register was filled in.
    let past = |month: usize, day: usize| {
        NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(registered).min(registered).to_string()
    };
    // Sizes differ by county: 80% to 130% of the kind's size, in whole 万元.
    let total = base_total * (80 + (i as i64 * 17) % 51) / 100;
    let year_plan = (total * (25 + (i as i64 * 7) % 16) / 100) / 100 * 100;
    // Stages: one in ten still signing (签约一批), one in ten completing this year (投产一批), one in ten starting.
    let (stage, batch) = match i % 10 {
        3 => ("签约", Some("签约一批")),
        7 => ("竣工投产", Some("投产一批")),
        9 => ("开工", Some("开工一批")),
        _ => ("在建", None),
    };
    let started = stage != "签约";
    let completing = stage == "竣工投产";
    // A project completing this year is nearly all built; one still signing has spent nothing.
    let done_before = match (started, completing) {
        (true, true) => total * (92 + (i as i64 % 8)) / 100,
        (true, false) => total * (10 + (i as i64 * 3) % 30) / 100,
        (false, _) => 0,
    };
    // This year's money so far: a project already completed has spent nearly
    // all of its year's plan; one building about a fifth by the register's date.
    let year_before = match (started, completing) {
        (true, true) => year_plan * (96 + (i as i64 % 5)) / 100,
        (true, false) => year_plan * (18 + (i as i64 % 5)) / 100,
        (false, _) => 0,
    };
    ProjectInput {
        name: format!("{short}{name}"),
        code: format!("{year}-{:06}-{:02}-01-{:06}", 330100 + i % 4 * 100, 10 + i % 80, 100_000 + i * 37),
        nature: if i.is_multiple_of(4) { "续建" } else { "新建" }.into(),
        category: category.into(),
        industry: industry.into(),
        county_org_id: county.0.to_string(),
        zone_org_id: zone.map(|z| z.0.to_string()).unwrap_or_default(),
        location: format!("{short}{}", ["城区", "新区", "工业园", "镇"][i % 4]),
        owner_org_id: owner.0.to_string(),
        scale: format!("总建筑面积{}平方米", (total / 10) * 10),
        total_investment: total.to_string(),
        funding: ["企业自筹", "专项债券＋企业自筹", "中央预算内投资＋地方配套", "银行贷款＋自筹"][i % 4].into(),
        year: year.to_string(),
        year_plan: year_plan.to_string(),
        base_total: done_before.to_string(),
        base_year: year_before.min(done_before).to_string(),
        // 投产一批 started last year, so that a register filled in early in the year still reads in order.
        planned_start: format!("{}-{:02}-01", if completing { year - 1 } else { year }, 1 + i % 6),
        actual_start: match (started, completing) {
            (true, true) => format!("{}-{:02}-{:02}", year - 1, 1 + i % 6, 10 + i % 15),
            (true, false) => past(1 + i % 6, 10 + i % 15),
            (false, _) => String::new(),
        },
        planned_completion: if completing {
            past(6 + i % 6, 28)
        } else {
            format!("{}-{:02}-28", year + 1 + (i % 2) as i32, 6 + i % 6)
        },
        actual_completion: if completing { past(6 + i % 5, 20) } else { String::new() },
        signed_on: format!("{}-{:02}-15", year - 1, 3 + i % 9),
        stage: stage.into(),
        batch: batch.unwrap_or_default().into(),
        level: ["省重点", "市重点", "市重点", "县重点"][i % 4].into(),
        progress_text: match stage {
            "签约" => "前期手续办理中".to_owned(),
            "竣工投产" => "已竣工，设备调试投产".to_owned(),
            "开工" => "场地平整完成".to_owned(),
            _ => progress_text(i, 0),
        },
        liaison_leader_id: leaders.get(i % leaders.len().max(1)).map(|u| u.id.0.to_string()).unwrap_or_default(),
        lead_org_id: lead.0.to_string(),
        responsible: ["张建国", "李卫东", "王志强", "陈海燕", "刘晓明"][i % 5].into(),
        ..ProjectInput::default()
    }
}

fn progress_text(i: usize, k: usize) -> String {
    const STEPS: [&str; 6] = ["场地平整完成", "基础施工", "主体结构施工", "主体封顶", "设备安装", "室外配套施工"];
    STEPS[(i + k) % STEPS.len()].to_owned()
}
