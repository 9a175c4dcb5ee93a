//! The real binary in a temporary directory: help, errors, user management,
//! and acknowledged reports surviving `kill -9` on both engines.

use anyhow::{Context, Result, bail, ensure};
use qingdan_domain::Role;
use qingdan_testkit::{Backend, PASSWORD, World};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn qingdan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
}

#[test]
fn help_names_every_command() -> Result<()> {
    let out = qingdan().arg("--help").output()?;
    let text = String::from_utf8(out.stdout)?;
    for command in ["serve", "demo", "migrate", "user", "extract", "audit"] {
        ensure!(text.contains(command), "{command} missing from --help:\n{text}");
    }
    let serve = String::from_utf8(qingdan().args(["serve", "--help"]).output()?.stdout)?;
    ensure!(
        serve.contains("--listen")
            && serve.contains("--database-url")
            && serve.contains("--data-dir")
            && serve.contains("--config")
    );
    Ok(())
}

#[test]
fn the_product_binary_has_no_benchmark_commands() -> Result<()> {
    // They live in qingdan-bench; the old hidden names are refused here.
    for hidden in ["bench-seed", "bench-sweep", "bench-ledger"] {
        let out = qingdan().args([hidden, "--help"]).output()?;
        ensure!(!out.status.success(), "{hidden} is still a command of qingdan");
    }
    Ok(())
}

#[test]
fn an_unknown_database_url_says_what_to_write() -> Result<()> {
    let out = qingdan().args(["migrate", "--database-url", "mysql://localhost/x"]).output()?;
    ensure!(!out.status.success());
    let err = String::from_utf8(out.stderr)?;
    ensure!(err.starts_with("qingdan: ") && err.contains("sqlite://"), "{err}");
    Ok(())
}

#[test]
fn users_are_added_and_their_passwords_changed_from_the_command_line() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_string_lossy().to_string();
    let add = |username: &str, password: &str| {
        qingdan()
            .args([
                "user",
                "add",
                "--data-dir",
                &data,
                "--username",
                username,
                "--name",
                "张三",
                "--role",
                "supervisor",
                "--org",
                "市政府督查室",
                "--password",
                password,
            ])
            .output()
    };
    let first = add("zhangsan", "Abc12345")?;
    ensure!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let again = add("zhangsan", "Abc12345")?;
    ensure!(!again.status.success() && String::from_utf8(again.stderr)?.contains("用户名已被使用"));
    let weak = add("lisi", "short")?;
    ensure!(!weak.status.success() && String::from_utf8(weak.stderr)?.contains("密码长度"));
    let two_classes = add("lisi", "abc12345")?;
    ensure!(!two_classes.status.success() && String::from_utf8(two_classes.stderr)?.contains("至少三类"));
    let passwd = qingdan()
        .args(["user", "passwd", "--data-dir", &data, "--username", "zhangsan", "--password", "Newpass2021"])
        .output()?;
    ensure!(passwd.status.success(), "{}", String::from_utf8_lossy(&passwd.stderr));
    let missing = qingdan()
        .args(["user", "passwd", "--data-dir", &data, "--username", "nobody", "--password", "Newpass2021"])
        .output()?;
    ensure!(!missing.status.success() && String::from_utf8(missing.stderr)?.contains("用户不存在"));
    Ok(())
}

/// A running `qingdan serve`, killed with SIGKILL when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(url: &str) -> Result<Server> {
        Server::start_with(url, &[])
    }

    fn start_with(url: &str, more: &[&str]) -> Result<Server> {
        let mut child = qingdan()
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
            .args(more)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let Some(line) = lines.next() else { bail!("the server exited before listening") };
            let line = line?;
            if let Some(rest) = line.split("http://").nth(1) {
                break format!("http://{}", rest.split('/').next().unwrap_or_default());
            }
        };
        Ok(Server { child, base })
    }

    fn kill_9(&mut self) -> Result<()> {
        self.child.kill()?; // SIGKILL: no shutdown, no flush
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The CPUs every thread of process `pid` may run on, as the kernel lists them.
fn cpus_of_threads(pid: u32) -> Result<Vec<String>> {
    let mut lists = Vec::new();
    for thread in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        // A thread that ended since the directory was read has no status left: skip it.
        let status = match std::fs::read_to_string(thread?.path().join("status")) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            read => read?,
        };
        let list = status.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).context("Cpus_allowed_list")?;
        lists.push(list.trim().to_owned());
    }
    Ok(lists)
}

/// On SQLite the server keeps to one CPU by default, every thread of it;
/// `--cpus all` keeps every CPU it was given.
#[test]
fn on_sqlite_the_server_keeps_to_one_cpu_unless_told_otherwise() -> Result<()> {
    let given = cpus_of_threads(std::process::id())?.remove(0);
    if !given.contains([',', '-']) {
        eprintln!("skipped: this process may use one CPU only ({given})");
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("q.db").display());
    let server = Server::start(&url)?;
    let lists = cpus_of_threads(server.child.id())?;
    ensure!(lists.len() > 1, "one thread only: {lists:?}");
    ensure!(lists.iter().all(|l| l.parse::<usize>().is_ok() && *l == lists[0]), "{lists:?} (given {given})");
    drop(server);
    let all = Server::start_with(&url, &["--cpus", "all"])?;
    let lists = cpus_of_threads(all.child.id())?;
    ensure!(lists.iter().all(|l| *l == given), "{lists:?} (given {given})");
    let bad = qingdan().args(["serve", "--database-url", &url, "--cpus", "0"]).output()?;
    let err = String::from_utf8(bad.stderr)?;
    ensure!(!bad.status.success() && err.contains("cpus \"0\""), "{err}");
    Ok(())
}

/// SIGTERM while a client holds a request open (its body never finishes):
/// the server stops anyway, after its short grace, and exits cleanly.
#[test]
fn sigterm_stops_the_server_while_a_request_hangs() -> Result<()> {
    use std::io::Write;
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("q.db").display());
    let mut server = Server::start(&url)?;
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut hanging = std::net::TcpStream::connect(&address)?;
    hanging.write_all(
        b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
    )?;
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    ensure!(Command::new("kill").args(["-TERM", &pid]).status()?.success());
    // The grace is 5 s; the hanging request alone would hold a graceful stop for 30 s.
    for _ in 0..150 {
        if let Some(status) = server.child.try_wait()? {
            ensure!(status.success(), "exited with {status}");
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("still running 15 s after SIGTERM")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn sign_in(agent: &ureq::Agent, base: &str, username: &str) -> Result<()> {
    let reply = agent
        .post(format!("{base}/api/v1/session"))
        .send_json(serde_json::json!({"username": username, "password": PASSWORD}))?;
    ensure!(reply.status() == 200, "sign-in {}", reply.status());
    Ok(())
}

fn acknowledged_reports_survive_kill_9(backend: Backend) -> Result<()> {
    const TASKS: i64 = 10;
    const PERIODS: u32 = 5;
    let runtime = tokio::runtime::Runtime::new()?;
    let (db, tasks) = runtime.block_on(async {
        let w = World::new(backend, "2026-06-15").await?;
        let org = w.org("市能源局").await?;
        w.user("energy", Role::Reporter, org).await?;
        let plan = w.plan().await?;
        let mut tasks = Vec::new();
        for i in 0..TASKS {
            tasks.push(w.task(plan, &format!("任务{i}"), org, &[], None).await?.0);
        }
        w.app.store().close().await;
        anyhow::Ok((w.db, tasks))
    })?;

    let mut server = Server::start(&db.url)?;
    let agent = agent();
    sign_in(&agent, &server.base, "energy")?;
    let mut acknowledged = Vec::new();
    for task in &tasks {
        for month in 1..=PERIODS {
            let body = serde_json::json!({"period": format!("2026-{month:02}"), "percent_done": month * 10, "narrative": "按计划推进"});
            let reply = agent.post(format!("{}/api/v1/tasks/{task}/reports", server.base)).send_json(body)?;
            ensure!(reply.status() == 201, "submit: {}", reply.status());
            let id = reply.into_body().read_json::<serde_json::Value>()?["id"].as_i64().context("id")?;
            acknowledged.push(id);
        }
    }
    server.kill_9()?;

    let server = Server::start(&db.url)?;
    let agent = self::agent();
    sign_in(&agent, &server.base, "energy")?;
    let mut found = Vec::new();
    for task in &tasks {
        let reports: serde_json::Value =
            agent.get(format!("{}/api/v1/tasks/{task}/reports", server.base)).call()?.into_body().read_json()?;
        found.extend(reports.as_array().context("array")?.iter().filter_map(|r| r["id"].as_i64()));
    }
    acknowledged.sort();
    found.sort();
    ensure!(acknowledged.len() == (TASKS as usize) * (PERIODS as usize));
    ensure!(found == acknowledged, "{} acknowledged, {} found after kill -9", acknowledged.len(), found.len());
    Ok(())
}

#[test]
fn acknowledged_reports_survive_kill_9_on_sqlite() -> Result<()> {
    acknowledged_reports_survive_kill_9(Backend::Sqlite)
}

#[test]
fn acknowledged_reports_survive_kill_9_on_postgres() -> Result<()> {
    acknowledged_reports_survive_kill_9(Backend::Postgres)
}

#[test]
fn extract_prints_targets_as_jsonl_and_writes_a_ledger_that_opens() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let report = dir.path().join("report.txt");
    let text = "2023年工作安排\n一、扩大有效投资\n（一）今年新建5G基站1200座，年底前完成老旧小区改造86个。\n";
    std::fs::write(&report, text)?;
    let out = qingdan().args(["extract"]).arg(&report).args(["--year", "2023"]).output()?;
    ensure!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout)?.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    let values: Vec<(String, String)> = lines
        .iter()
        .map(|l| (l["text"].as_str().unwrap_or("").to_owned(), l["unit"].as_str().unwrap_or("").to_owned()))
        .collect();
    ensure!(values == [("1200".to_owned(), "座".to_owned()), ("86".to_owned(), "个".to_owned())], "{values:?}");
    let offset = lines[0]["offset"].as_u64().context("offset")? as usize;
    ensure!(text.chars().skip(offset).take(4).collect::<String>() == "1200", "offsets count characters");

    let ledger = dir.path().join("ledger.xlsx");
    let out = qingdan().args(["extract"]).arg(&report).args(["--format", "xlsx", "--output"]).arg(&ledger).output()?;
    ensure!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = qingdan_office::read_xlsx_rows(&std::fs::read(&ledger)?)?;
    let cells: Vec<String> = rows.concat();
    ensure!(
        cells.iter().any(|c| c == "序号") && cells.iter().any(|c| c == "1200") && cells.iter().any(|c| c == "座"),
        "{rows:?}"
    );
    Ok(())
}

#[test]
fn extract_refuses_a_pdf_by_name() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")?;
    let out = qingdan().args(["extract"]).arg(&pdf).output()?;
    ensure!(!out.status.success());
    let err = String::from_utf8(out.stderr)?;
    ensure!(err.starts_with("qingdan: ") && err.contains("PDF"), "{err}");
    Ok(())
}

/// Reads ../shared/corpus (skips with a message when it is absent) and scores
/// `qingdan extract` with the corpus's own score.py.
#[test]
fn extract_output_scores_with_the_corpus_scorer() -> Result<()> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !corpus.join("score.py").exists() {
        eprintln!("skipped: {} is absent", corpus.display());
        return Ok(());
    }
    let report = corpus.join("jincheng-2021-government-work-report.txt");
    let out = qingdan().args(["extract"]).arg(&report).output()?;
    ensure!(out.status.success());
    let dir = tempfile::tempdir()?;
    let pred = dir.path().join("pred.jsonl");
    std::fs::write(&pred, out.stdout)?;
    let score = Command::new("python3")
        .arg(corpus.join("score.py"))
        .arg(corpus.join("jincheng-2021-government-work-report.gold.jsonl"))
        .arg(&pred)
        .arg("--json")
        .output()?;
    let result: serde_json::Value =
        serde_json::from_slice(&score.stdout).with_context(|| String::from_utf8_lossy(&score.stdout).into_owned())?;
    let f1 = result["f1"].as_f64().context("f1")?;
    ensure!(f1 >= 0.9, "F1 {f1} through the CLI: {result}");
    Ok(())
}

/// `qingdan audit verify` and `archive` on a database filled by the app: the
/// chain verifies, an archive takes only rows past the retention period and
/// verifies with the rest, and an edited row — in the database or in the
/// archive — is named with a failing exit status.
#[tokio::test]
async fn the_audit_chain_is_verified_and_archived_from_the_command_line() -> Result<()> {
    let w = World::new(Backend::Sqlite, "2026-01-05").await?;
    for name in ["市发改委", "市住建局", "市交通局"] {
        w.org(name).await?;
    }
    let url = w.db.url.clone();
    let audit = |args: &[&str]| qingdan().arg("audit").args(args).args(["--database-url", &url]).output();
    let ok = audit(&["verify"])?;
    let said = String::from_utf8(ok.stdout)?;
    ensure!(ok.status.success() && said.contains("审计记录完整") && said.contains("链头哈希"), "{said}");

    let dir = tempfile::tempdir()?;
    let file = dir.path().join("audit-2026-01.jsonl");
    let file = file.to_string_lossy().to_string();
    let young = audit(&["archive", "--before", "2026-11-30", "--out", &file])?;
    ensure!(!young.status.success() && String::from_utf8(young.stderr)?.contains("至少保留180天"));
    let archived = audit(&["archive", "--before", "2026-02-01", "--out", &file])?;
    let said = String::from_utf8(archived.stdout)?;
    ensure!(
        archived.status.success() && said.contains("已归档"),
        "{said} {}",
        String::from_utf8_lossy(&archived.stderr)
    );
    let again = audit(&["archive", "--before", "2026-02-01", "--out", &file])?;
    ensure!(!again.status.success(), "an existing archive is never overwritten");
    let both = audit(&["verify", "--archive", &file])?;
    ensure!(both.status.success(), "{}", String::from_utf8_lossy(&both.stderr));

    let text = std::fs::read_to_string(&file)?;
    let forged = text.replacen("市住建局", "市规划局", 1);
    ensure!(forged != text, "the archive holds the org's name");
    let forged_file = dir.path().join("forged.jsonl");
    std::fs::write(&forged_file, forged)?;
    let caught = audit(&["verify", "--archive", &forged_file.to_string_lossy()])?;
    let err = String::from_utf8(caught.stderr)?;
    ensure!(!caught.status.success() && err.contains("校验未通过") && err.contains("被修改"), "{err}");

    w.org("市教育局").await?;
    let last = w.app.store().audit_chain_head().await?.seq;
    w.db.execute_raw(&format!("UPDATE audit_events SET source = '6.6.6.6' WHERE seq = {last}")).await?;
    let caught = audit(&["verify"])?;
    let err = String::from_utf8(caught.stderr)?;
    ensure!(!caught.status.success() && err.contains(&format!("第{last}号")), "{err}");
    Ok(())
}
