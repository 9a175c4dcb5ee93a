//! Helpers shared by the document tests: sample data and reading parts of a .docx.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read};
use std::str::FromStr;

use chrono::NaiveDate;
use qingdan_domain::Decimal;
use qingdan_domain::assignment::DayCounting;
use qingdan_office::{Bulletin, BulletinSummary, DoubleHalf, LateOrg, OrgLights, RedTask, SupervisionNotice};

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// One part of the zip, as text.
pub fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut file = archive.by_name(name).unwrap_or_else(|_| panic!("no part {name}"));
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

/// The names of all parts.
pub fn part_names(docx: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    archive.file_names().map(|name| name.unwrap().into_owned()).collect()
}

/// The text of the footers, joined.
pub fn footers(docx: &[u8]) -> String {
    part_names(docx)
        .iter()
        .filter(|n| n.starts_with("word/footer") && n.ends_with(".xml"))
        .map(|n| part(docx, n))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn notice() -> SupervisionNotice {
    SupervisionNotice {
        doc_number: "督办〔2026〕12号".into(),
        addressee_org: "市住房和城乡建设局".into(),
        responsible_leader: "王建国（副局长）".into(),
        matter_title: "老旧小区加装电梯项目推进缓慢问题".into(),
        source: "领导批示".into(),
        assigned_on: date(2026, 9, 30),
        overdue_stage: "办结".into(),
        stage_due: date(2026, 11, 18),
        days_overdue: 5,
        day_counting: DayCounting::WorkingDays,
        assigning_office: "市委督查室".into(),
        reply_by: date(2026, 12, 2),
        requirement: "请主要负责同志亲自过问，逐项梳理未完成原因。\n明确整改时限和责任人，确保按期办结。".into(),
        issued_on: date(2026, 11, 25),
    }
}

pub fn percent(text: &str) -> Option<Decimal> {
    Some(Decimal::from_str(text).unwrap())
}

pub fn red_task(i: usize) -> RedTask {
    RedTask {
        number: format!("{}.{}", i / 10 + 1, i % 10 + 1),
        title: format!("第{i}项重点任务：新建城市道路{i}公里"),
        lead_org: "市交通运输局".into(),
        problems: format!("征地拆迁未完成{i}户\n资金到位率不足50%"),
    }
}

pub fn bulletin() -> Bulletin {
    Bulletin {
        title: "关于2026年10月全市重点任务推进情况的通报".into(),
        doc_number: "第10期".into(),
        period: "2026年10月".into(),
        addressee: "各县（市、区）人民政府，市直各有关单位".into(),
        issuer: "市委督查室".into(),
        issued_on: date(2026, 11, 25),
        as_of: date(2026, 10, 31),
        summary: BulletinSummary {
            total: 120,
            done: 30,
            green: 60,
            yellow: 20,
            red: 8,
            overdue: 2,
            double_half: Some(DoubleHalf { as_of: date(2026, 6, 30), met: 90, not_met: 30 }),
        },
        by_org: vec![
            OrgLights {
                org: "市发展改革委".into(),
                tasks: 10,
                done: 3,
                green: 4,
                yellow: 2,
                red: 1,
                overdue: 0,
                average_progress: percent("62.54"),
            },
            OrgLights {
                org: "市财政局".into(),
                tasks: 4,
                done: 0,
                green: 4,
                yellow: 0,
                red: 0,
                overdue: 0,
                average_progress: None,
            },
        ],
        red_tasks: vec![red_task(1), red_task(2)],
        late_orgs: vec![LateOrg { org: "市自然资源局".into(), late_reports: 2, missing_reports: 1 }],
        requirements: vec!["各牵头单位要对照红灯任务逐项制定整改措施。".into()],
        generated_at: None,
    }
}
