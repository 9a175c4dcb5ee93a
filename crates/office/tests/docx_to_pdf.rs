//! A generated 督办通知单 and bulletin open in LibreOffice: converted to PDF with
//! `soffice --headless --convert-to pdf`, the PDF checked and its text read with
//! `pdftotext`.
//!
//! Without `soffice` the test prints SKIP and passes, unless the environment variable
//! `CI` is set: then it fails, since .ci/run installs LibreOffice. Without `pdftotext`
//! (poppler-utils) only the text check is skipped, on the same terms.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use qingdan_office::{bulletin_docx, supervision_notice_docx};

fn has_tool(name: &str, version_flag: &str) -> bool {
    Command::new(name).arg(version_flag).output().is_ok()
}

/// Fails under CI, else prints why the check is skipped. Returns whether to go on.
fn available(name: &str, version_flag: &str, package: &str) -> bool {
    if has_tool(name, version_flag) {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{name} is missing and CI is set: install {package}");
    }
    eprintln!("SKIP: {name} not found (apt-get install -y {package}); the PDF check did not run");
    false
}

/// Whether fontconfig knows a font with Chinese glyphs; without one the PDF has no
/// Chinese text to find.
fn has_chinese_font() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .map(|o| o.status.success() && !o.stdout.is_empty())
        .unwrap_or(false)
}

/// Converts `docx` to PDF in `dir` and returns the PDF's bytes.
fn to_pdf(dir: &Path, name: &str, docx: &[u8]) -> Vec<u8> {
    let input = dir.join(format!("{name}.docx"));
    std::fs::write(&input, docx).unwrap();
    // A profile of its own, so a running LibreOffice or a parallel test does not block it.
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let output = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&input)
        .output()
        .unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    assert!(
        output.status.success() && pdf.exists(),
        "soffice failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(&pdf).unwrap()
}

/// The number of pages of `name`.pdf, from `pdfinfo` (poppler-utils).
fn pdf_pages(dir: &Path, name: &str) -> usize {
    let output = Command::new("pdfinfo").arg(dir.join(format!("{name}.pdf"))).output().unwrap();
    let info = String::from_utf8_lossy(&output.stdout);
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap_or_else(|| panic!("pdfinfo: {info}"));
    pages.trim().parse().unwrap()
}

fn pdf_text(dir: &Path, name: &str) -> String {
    let output = Command::new("pdftotext").arg(dir.join(format!("{name}.pdf"))).arg("-").output().unwrap();
    assert!(output.status.success(), "pdftotext: {}", String::from_utf8_lossy(&output.stderr));
    // Drop spaces and line breaks: the spaced title and wrapped lines come back split.
    String::from_utf8(output.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn generated_documents_convert_to_pdf_with_libreoffice() {
    if !available("soffice", "--version", "libreoffice-writer-nogui") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let notice = supervision_notice_docx(&notice()).unwrap();
    let mut bulletin = bulletin();
    bulletin.red_tasks = (1..=60).map(red_task).collect();
    let bulletin = bulletin_docx(&bulletin).unwrap();

    for (name, docx) in [("notice", &notice), ("bulletin", &bulletin)] {
        let pdf = to_pdf(dir.path(), name, docx);
        assert!(pdf.starts_with(b"%PDF"), "{name}: not a PDF");
        assert!(pdf.len() > 1000, "{name}: a PDF of {} bytes", pdf.len());
    }

    if !available("pdftotext", "-v", "poppler-utils") {
        return;
    }
    // A 督办通知单 is one sheet of paper.
    assert_eq!(pdf_pages(dir.path(), "notice"), 1, "the notice fits its page");
    let notice_text = pdf_text(dir.path(), "notice");
    let bulletin_text = pdf_text(dir.path(), "bulletin");
    // Digits render in any font.
    assert!(notice_text.contains("2026"), "{notice_text}");
    if !has_chinese_font() {
        eprintln!("SKIP: no font with Chinese glyphs (fc-list :lang=zh), Chinese text in the PDF not checked");
        return;
    }
    assert!(notice_text.contains("督办通知单"), "{notice_text}");
    assert!(notice_text.contains("逾期未办结的，将按规定通报"), "{notice_text}");
    assert!(bulletin_text.contains("关于2026年10月全市重点任务推进情况的通报"), "{bulletin_text}");
    assert!(bulletin_text.contains("第60项重点任务"), "the red list runs over pages: {bulletin_text}");
    // Page numbers: a 60-row red list takes more than one page, so `—2—` is there.
    assert!(bulletin_text.contains("—2—"), "page numbers in the footer: {bulletin_text}");
}

/// A notice with a long matter title and requirement wraps onto a second page at
/// most, with every word of it printed: nothing runs off the page's edge.
#[test]
fn a_long_notice_wraps_and_prints_whole() {
    if !available("soffice", "--version", "libreoffice-writer-nogui") || !available("pdftotext", "-v", "poppler-utils")
    {
        return;
    }
    if !has_chinese_font() {
        eprintln!("SKIP: no font with Chinese glyphs (fc-list :lang=zh), the wrapped text not checked");
        return;
    }
    let mut notice = notice();
    notice.matter_title = "关于加快推进城镇老旧小区改造和既有住宅加装电梯工作".repeat(4);
    notice.requirement = "请主要负责同志亲自过问，逐项梳理未完成原因，明确整改时限和责任人。".repeat(4);
    let dir = tempfile::tempdir().unwrap();
    to_pdf(dir.path(), "long", &supervision_notice_docx(&notice).unwrap());
    let pages = pdf_pages(dir.path(), "long");
    assert!((1..=2).contains(&pages), "{pages} pages");
    // A paragraph that runs over a page break reads with the page number inside it.
    let text = (1..=3).fold(pdf_text(dir.path(), "long"), |t, page| t.replace(&format!("—{page}—"), ""));
    assert!(text.contains(&notice.matter_title), "the long title printed whole: {text}");
    assert!(text.contains(&notice.requirement), "the long requirement printed whole: {text}");
}

/// The 调度会议纪要 and the 调度通报 of key projects open in LibreOffice as PDFs
/// that carry every decision and the county table.
#[test]
fn dispatch_minutes_and_bulletin_convert_to_pdf() {
    use qingdan_office::{
        CountyFigures, DispatchBulletin, DispatchMinutes, DispatchTotals, MinutesDecision, PreviousDecision,
        RedProject, dispatch_bulletin_docx, dispatch_minutes_docx,
    };
    if !available("soffice", "--version", "libreoffice-writer-nogui") {
        return;
    }
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 7, d).unwrap();
    let minutes = DispatchMinutes {
        title: "全市重点项目第二次调度会议纪要".into(),
        number: "调度纪要〔2026〕2号".into(),
        held_on: day(16),
        place: "市政府第一会议室".into(),
        chair: "李副市长".into(),
        attendees: "市发改委、市财政局、各县区政府负责同志".into(),
        summary: "会议听取了全市重点项目建设进展情况汇报。".into(),
        decisions: (1..=12)
            .map(|i| MinutesDecision {
                project: format!("第{i}号重点项目"),
                content: format!("协调解决第{i}号项目用地指标问题"),
                lead_org: "市自然资源和规划局".into(),
                deadline: Some(day(30)),
            })
            .collect(),
        previous: vec![PreviousDecision {
            content: "加快专项债券资金拨付".into(),
            lead_org: "市财政局".into(),
            state: qingdan_domain::project::DecisionState::Done,
            carried_from: None,
        }],
        issuer: "青岚市重点项目建设调度办公室".into(),
    };
    let decimal = |n: i64| qingdan_domain::Decimal::from(n);
    let bulletin = DispatchBulletin {
        title: "全市重点项目建设调度通报".into(),
        period: "2026年7月上半月".into(),
        as_of: day(16),
        totals: DispatchTotals {
            projects: 80,
            total_investment: decimal(9_000_000),
            year_plan: decimal(2_400_000),
            year_completed: decimal(1_100_000),
            rate_percent: decimal(45),
        },
        by_county: ["东湖区", "南山县", "北塘区", "西峰县"]
            .iter()
            .map(|c| CountyFigures {
                county: (*c).into(),
                projects: 20,
                year_plan: decimal(600_000),
                year_completed: decimal(270_000),
                rate_percent: decimal(45),
                time_percent: decimal(53),
                red: 3,
            })
            .collect(),
        red_projects: vec![RedProject {
            name: "南山冷链物流中心".into(),
            county: "南山县".into(),
            reason: "投资完成率20%，落后序时进度33个百分点".into(),
        }],
        blockers: Vec::new(),
        issuer: "青岚市重点项目建设调度办公室".into(),
        generated_at: None,
    };
    let dir = tempfile::tempdir().unwrap();
    for (name, docx) in [
        ("minutes", dispatch_minutes_docx(&minutes).unwrap()),
        ("dispatch", dispatch_bulletin_docx(&bulletin).unwrap()),
    ] {
        let pdf = to_pdf(dir.path(), name, &docx);
        assert!(pdf.starts_with(b"%PDF") && pdf.len() > 1000, "{name}: not a PDF");
    }
    if !available("pdftotext", "-v", "poppler-utils") || !has_chinese_font() {
        eprintln!("SKIP: the PDFs' Chinese text not checked (no pdftotext or no Chinese font)");
        return;
    }
    let text = pdf_text(dir.path(), "minutes");
    assert!(text.contains("协调解决第12号项目用地指标问题"), "every decision is printed: {text}");
    assert!(text.contains("加快专项债券资金拨付"), "{text}");
    let text = pdf_text(dir.path(), "dispatch");
    assert!(text.contains("西峰县") && text.contains("南山冷链物流中心"), "{text}");
}
