//! `qingdan calendar …` run as the real binary: counting from the shell with and without a database,
//! imports that succeed or name the bad line, and the tenant picked on both engines.

use anyhow::{Result, ensure};
use qingdan_testkit::{Backend, World};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn qingdan(args: &[&str]) -> Result<Output> {
    Ok(Command::new(env!("CARGO_BIN_EXE_qingdan")).args(args).output()?)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const FILE_2027: &str = "start,end,kind,name,region,source\n\
    # 2027 (made up for the test)\n\
    2027-01-01,2027-01-03,holiday,元旦,,测试通知\n\
    2027-01-10,,workday,春节,,测试通知\n";

#[test]
fn add_working_days_without_a_database_uses_the_shipped_calendar_and_creates_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let data = data.to_string_lossy();
    let out = qingdan(&["calendar", "add-working-days", "2026-09-30", "3", "--data-dir", &data])?;
    ensure!(out.status.success(), "{}", stderr(&out));
    ensure!(stdout(&out) == "2026-10-10\n", "{:?}", stdout(&out));
    ensure!(stderr(&out).contains("内置的全国节假日数据"), "{}", stderr(&out));
    ensure!(!dir.path().join("data").exists(), "no data directory or database is created");
    // Spring Festival 2021, and calendar days rolling past National Day 2026.
    let out = qingdan(&["calendar", "add-working-days", "2021-02-10", "1", "--shipped"])?;
    ensure!(stdout(&out) == "2021-02-18\n" && !stderr(&out).contains("警告"), "{:?} {}", stdout(&out), stderr(&out));
    let out = qingdan(&["calendar", "add-working-days", "2026-09-24", "7", "--calendar-days", "--shipped"])?;
    ensure!(stdout(&out) == "2026-10-08\n", "{:?}", stdout(&out));
    // Into a year without data: the Monday–Friday answer, and a warning on stderr.
    let out = qingdan(&["calendar", "add-working-days", "2026-12-30", "5", "--shipped"])?;
    ensure!(out.status.success() && stdout(&out) == "2027-01-06\n", "{:?}", stdout(&out));
    ensure!(stderr(&out).contains("警告：2027年尚无节假日数据，按周一至周五计算"), "{}", stderr(&out));
    let out = qingdan(&["calendar", "between", "2026-09-30", "2026-10-10", "--shipped"])?;
    ensure!(stdout(&out) == "3\n", "{:?}", stdout(&out));
    // Bad input: a Chinese message and a failure, never a panic.
    let out = qingdan(&["calendar", "add-working-days", "2026-02-30", "3", "--shipped"])?;
    ensure!(!out.status.success() && stderr(&out).contains("日期“2026-02-30”无效"), "{}", stderr(&out));
    ensure!(!stderr(&out).contains("panicked"));
    let out = qingdan(&["calendar", "add-working-days", "+262143-12-31", "3", "--shipped"])?;
    ensure!(!out.status.success() && !stderr(&out).contains("panicked"), "{}", stderr(&out));
    let out = qingdan(&["calendar", "add-working-days", "2026-09-30", "4294967295", "--shipped"])?;
    ensure!(out.status.success() && !stderr(&out).contains("panicked"), "{}", stderr(&out));
    let out = qingdan(&["calendar", "show", "2026", "--shipped"])?;
    ensure!(stdout(&out).starts_with("start,end,kind,name,region,source\n"));
    ensure!(stdout(&out).contains("2026-02-15,2026-02-23,holiday,春节,,"), "{}", stdout(&out));
    Ok(())
}

#[test]
fn a_file_is_imported_into_the_database_and_counted_on_sqlite() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_string_lossy().to_string();
    let add = qingdan(&[
        "user",
        "add",
        "--data-dir",
        &data,
        "--username",
        "admin",
        "--name",
        "管理员",
        "--role",
        "admin",
        "--org",
        "市政府办",
        "--password",
        "Abc12345",
    ])?;
    ensure!(add.status.success(), "{}", stderr(&add));
    let file = dir.path().join("2027.csv");
    std::fs::write(&file, FILE_2027)?;
    let file = file.to_string_lossy().to_string();

    // Before the import, 2027 is Monday–Friday and unconfirmed; the database's calendar is used.
    let out = qingdan(&["calendar", "add-working-days", "2026-12-31", "1", "--data-dir", &data])?;
    ensure!(stdout(&out) == "2027-01-01\n" && stderr(&out).contains("警告"), "{:?} {}", stdout(&out), stderr(&out));
    ensure!(!stderr(&out).contains("内置"), "a database with a tenant is used: {}", stderr(&out));

    let out = qingdan(&["calendar", "import", &file, "--data-dir", &data])?;
    ensure!(out.status.success(), "{}", stderr(&out));
    ensure!(stdout(&out).contains("新增4天"), "{}", stdout(&out));
    let out = qingdan(&["calendar", "add-working-days", "2026-12-31", "1", "--data-dir", &data])?;
    ensure!(stdout(&out) == "2027-01-04\n" && stderr(&out).is_empty(), "{:?} {}", stdout(&out), stderr(&out));
    let out = qingdan(&["calendar", "add-working-days", "2027-01-08", "1", "--data-dir", &data])?;
    ensure!(stdout(&out) == "2027-01-10\n", "the make-up Sunday: {:?}", stdout(&out));
    let out = qingdan(&["calendar", "show", "2027", "--data-dir", &data])?;
    ensure!(stdout(&out).contains("2027-01-01,2027-01-03,holiday,元旦,,测试通知"), "{}", stdout(&out));

    // A bad file: each bad line named, nothing saved, a failure exit.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "start,end,kind,name,region,source\n2027-02-01,,holiday,春节,,x\n2027-02-30,,holiday,春节,,x\n",
    )?;
    let out = qingdan(&["calendar", "import", &bad.to_string_lossy(), "--data-dir", &data])?;
    ensure!(!out.status.success(), "bad file accepted");
    ensure!(stderr(&out).contains("第3行：开始日期“2027-02-30”无效"), "{}", stderr(&out));
    let out = qingdan(&["calendar", "add-working-days", "2027-01-29", "1", "--data-dir", &data])?;
    ensure!(stdout(&out) == "2027-02-01\n", "02-01 was not saved: {:?}", stdout(&out));

    // stdin works too.
    let mut child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(["calendar", "import", "-", "--data-dir", &data])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all("start,end,kind,name,region,source\n2027-02-01,,holiday,春节,,x\n".as_bytes())?;
    }
    let out = child.wait_with_output()?;
    ensure!(out.status.success() && stdout(&out).contains("新增1天"), "{} {}", stdout(&out), stderr(&out));
    let missing = qingdan(&["calendar", "import", "/nonexistent/file.csv", "--data-dir", &data])?;
    ensure!(!missing.status.success() && stderr(&missing).starts_with("qingdan: "), "{}", stderr(&missing));
    Ok(())
}

fn import_picks_the_tenant(backend: Backend) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let (w, other) = runtime.block_on(async {
        let w = World::new(backend, "2026-11-20").await?;
        let other = w.app.store().create_tenant("邻县").await?;
        anyhow::Ok((w, other))
    })?;
    let url = w.db.url.clone();
    let file = tempfile::NamedTempFile::new()?;
    std::fs::write(file.path(), FILE_2027)?;
    let path = file.path().to_string_lossy().to_string();
    // Two tenants: the CLI asks which.
    let out = qingdan(&["calendar", "import", &path, "--database-url", &url])?;
    ensure!(!out.status.success() && stderr(&out).contains("请用 --tenant 指定"), "{}", stderr(&out));
    let out = qingdan(&["calendar", "import", &path, "--database-url", &url, "--tenant", &other.0.to_string()])?;
    ensure!(out.status.success(), "{}", stderr(&out));
    let out = qingdan(&["calendar", "import", &path, "--database-url", &url, "--tenant", "999999"])?;
    ensure!(!out.status.success() && stderr(&out).contains("没有编号为 999999"), "{}", stderr(&out));
    // Only the tenant named got 2027.
    let theirs = ["calendar", "add-working-days", "2026-12-31", "1", "--database-url", &url, "--tenant"];
    let out = qingdan(&[&theirs[..], &[other.0.to_string().as_str()]].concat())?;
    ensure!(stdout(&out) == "2027-01-04\n" && stderr(&out).is_empty(), "{:?} {}", stdout(&out), stderr(&out));
    let out = qingdan(&[&theirs[..], &[w.tenant.0.to_string().as_str()]].concat())?;
    ensure!(stdout(&out) == "2027-01-01\n" && stderr(&out).contains("警告"), "{:?} {}", stdout(&out), stderr(&out));
    runtime.block_on(async {
        let cal = w.app.calendar(other).await?;
        ensure!(cal.has_year(2027));
        let trail = w.app.store().audit_trail(other, "calendar_day", 20270110).await?;
        ensure!(trail.len() == 1 && trail[0].action == "create" && trail[0].user_id.is_none());
        Ok(())
    })
}

#[test]
fn import_picks_the_tenant_on_sqlite() -> Result<()> {
    import_picks_the_tenant(Backend::Sqlite)
}

#[test]
fn import_picks_the_tenant_on_postgres() -> Result<()> {
    import_picks_the_tenant(Backend::Postgres)
}
