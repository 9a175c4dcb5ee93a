//! Writes the seed corpora of the fuzz targets `xlsx_read` and `docx_read` with this
//! crate's own writers, plus the LibreOffice fixtures (`fuzz/README.md`):
//! `cargo run -p qingdan-office --example fuzz_seeds -- fuzz/corpus`.

use std::fs;

use qingdan_office::{
    CellSize, Column, ColumnAlign, GongwenDoc, LedgerKind, LedgerRow, draft_ledger_xlsx, ledger_template_xlsx,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage: fuzz_seeds CORPUS_DIR")?);
    let xlsx = root.join("xlsx_read");
    let docx = root.join("docx_read");
    fs::create_dir_all(&xlsx)?;
    fs::create_dir_all(&docx)?;
    let row = LedgerRow {
        seq: "1".into(),
        task: "实施市级重点项目320项".into(),
        lead_org: "市发展和改革委员会".into(),
        section: "一、(一)".into(),
        ..LedgerRow::default()
    };
    fs::write(xlsx.join("draft.xlsx"), draft_ledger_xlsx("清单", &[row])?)?;
    for (name, kind) in [("orgs", LedgerKind::Orgs), ("users", LedgerKind::Users), ("tasks", LedgerKind::Tasks)] {
        fs::write(xlsx.join(format!("{name}.xlsx")), ledger_template_xlsx(kind)?)?;
    }
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in ["libreoffice-tasks.xlsx", "libreoffice-tasks.xls"] {
        fs::copy(fixtures.join(name), xlsx.join(name))?;
    }
    let columns = [
        Column { header: "单位", weight: 2, align: ColumnAlign::Left },
        Column { header: "任务", weight: 3, align: ColumnAlign::Left },
    ];
    let rows = vec![vec!["市财政局".to_string(), "按期完成".to_string()]];
    let doc = GongwenDoc::new()
        .title("关于开展督办的通知", true)
        .addressee("各区人民政府")
        .heading1("一、总体要求")
        .body("按期完成各项任务。")
        .table(&columns, &rows, CellSize::Small)
        .finish()?;
    fs::write(docx.join("gongwen.docx"), doc)?;
    Ok(())
}
