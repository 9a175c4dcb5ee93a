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
    let text = pdf_text(dir.path(), "long");
    assert!(text.contains(&notice.matter_title), "the long title printed whole: {text}");
    assert!(text.contains(&notice.requirement), "the long requirement printed whole: {text}");
}
