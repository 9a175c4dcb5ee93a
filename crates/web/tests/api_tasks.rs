//! The API for integrators, through the router on both engines: task lists
//! filtered by parent, subtree, owner, status, deadline and target value,
//! sorted, and paged by keyset (the same tasks as page numbers give); a task
//! created with its responsibility in one request; bulk create, assign and
//! review, each one transaction with an outcome per item; and the roll-up
//! right after bulk reviews race on siblings.

mod common;

use anyhow::{Context, Result, ensure};
use axum::Router;
use common::{get, post_json, send, sign_in_as};
use qingdan_domain::{PlanId, Role};
use qingdan_testkit::{Backend, World, on_both_engines};
use serde_json::{Value, json};
use std::collections::BTreeSet;

on_both_engines! {
    task_lists_filter_sort_and_page_by_keyset => lists;
    bulk_calls_answer_each_item_and_roll_up_under_races => bulk;
    concurrent_creations_under_one_parent_each_take_their_own_place => concurrent_creations;
}

/// What the test built: each task's id with what it was given.
struct Built {
    id: i64,
    parent: Option<i64>,
    top: i64,
    is_leaf: bool,
    owner: i64,
    target: i64,
    deadline: String,
}

async fn json_of(router: &Router, path: &str, cookie: &str) -> Result<Value> {
    let reply = send(router, get(path, cookie)?).await?;
    ensure!(reply.status.is_success(), "GET {path}: {} {}", reply.status, reply.body);
    reply.json()
}

async fn post(router: &Router, path: &str, cookie: &str, body: &Value) -> Result<(u16, Value)> {
    let reply = send(router, post_json(path, cookie, &body.to_string())?).await?;
    let value = if reply.body.is_empty() { Value::Null } else { reply.json()? };
    Ok((reply.status.as_u16(), value))
}

fn ids(list: &Value) -> Result<Vec<i64>> {
    list["items"].as_array().context("items")?.iter().map(|t| t["id"].as_i64().context("id")).collect()
}

/// 3 tops × 4 mids × 5 leaves in one bulk request, each with its
/// responsibility (two orgs, their reporters as owners), a target and a deadline.
async fn build(router: &Router, office: &str, plan: PlanId, orgs: [(i64, i64); 2]) -> Result<Vec<Built>> {
    let mut items = Vec::new();
    let mut shape = Vec::new(); // (parent index, top index, owner, target, deadline); target 0 for sections
    for t in 0..3 {
        let top = items.len();
        for level in [None, Some(top)] {
            if level.is_none() {
                shape.push((None, top, 0, 0, "2026-12-31".to_owned()));
                items.push(json!({"title": format!("专项{t}"), "deadline": "2026-12-31"}));
                continue;
            }
            for m in 0..4 {
                let mid = items.len();
                shape.push((Some(top), top, 0, 0, "2026-12-31".to_owned()));
                items.push(json!({"title": format!("专项{t}子项{m}"), "deadline": "2026-12-31", "parent_ref": top}));
                for l in 0..5 {
                    let n = t * 20 + m * 5 + l;
                    let slot = n % 2;
                    let deadline = format!("2026-{:02}-28", 1 + n % 12);
                    let target = i64::try_from((n + 1) * 10)?;
                    shape.push((Some(mid), top, orgs[slot].1, target, deadline.clone()));
                    items.push(json!({
                        "title": format!("任务{t}.{m}.{l}"), "deadline": deadline, "parent_ref": mid,
                        "targets": [{"metric": "完成量", "value": target.to_string(), "unit": "个", "comparator": "ge"}],
                        "responsibility": {"lead_org_id": orgs[slot].0, "owner_id": orgs[slot].1},
                    }));
                }
            }
        }
    }
    let (status, answer) =
        post(router, &format!("/api/v1/plans/{}/tasks/bulk", plan.0), office, &json!({"items": items})).await?;
    ensure!(status == 200 && answer["refused"] == 0 && answer["done"] == items.len(), "{status}: {answer}");
    let created: Vec<i64> =
        answer["items"].as_array().context("items")?.iter().filter_map(|i| i["id"].as_i64()).collect();
    ensure!(created.len() == items.len(), "one id per item");
    Ok(shape
        .into_iter()
        .enumerate()
        .map(|(i, (parent, top, owner, target, deadline))| Built {
            id: created[i],
            parent: parent.map(|p| created[p]),
            top: created[top],
            is_leaf: target > 0,
            owner,
            target,
            deadline,
        })
        .collect())
}

async fn lists(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-23").await?;
    let reform = w.org("市发改委").await?;
    let transport = w.org("市交通局").await?;
    let wu = w.user("fgw.wu", Role::Reporter, reform).await?;
    let li = w.user("jtj.li", Role::Reporter, transport).await?;
    let plan = w.plan().await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let office = sign_in_as(&router, "supervisor").await?;
    let tasks = build(&router, &office, plan, [(reform.0, wu.id.0), (transport.0, li.id.0)]).await?;
    let base = format!("/api/v1/plans/{}/tasks?per_page=200", plan.0);
    let set = |v: Vec<i64>| v.into_iter().collect::<BTreeSet<_>>();
    let expect = |f: &dyn Fn(&Built) -> bool| tasks.iter().filter(|t| f(t)).map(|t| t.id).collect::<BTreeSet<_>>();

    // Each filter against what was built.
    let mid = tasks.iter().find(|t| t.parent.is_some() && !t.is_leaf).context("a mid")?;
    let got = json_of(&router, &format!("{base}&parent={}", mid.id), &office).await?;
    ensure!(set(ids(&got)?) == expect(&|t| t.parent == Some(mid.id)) && got["total"] == 5, "children: {got}");
    let top = tasks[0].id;
    let got = json_of(&router, &format!("{base}&subtree={top}"), &office).await?;
    ensure!(set(ids(&got)?) == expect(&|t| t.top == top && t.id != top), "subtree of {top}: {got}");
    ensure!(got["total"] == 24, "4 mids and 20 leaves: {}", got["total"]);
    let got = json_of(&router, &format!("{base}&owner={}", wu.id.0), &office).await?;
    ensure!(set(ids(&got)?) == expect(&|t| t.is_leaf && t.owner == wu.id.0) && got["total"] == 30, "owner: {got}");
    let got = json_of(&router, &format!("{base}&target_min=250&target_max=400"), &office).await?;
    ensure!(set(ids(&got)?) == expect(&|t| (250..=400).contains(&t.target)), "targets 250–400: {got}");
    let got = json_of(&router, &format!("{base}&deadline_from=2026-03-01&deadline_to=2026-04-30"), &office).await?;
    let spring = expect(&|t| t.is_leaf && ("2026-03-01".."2026-04-31").contains(&t.deadline.as_str()));
    ensure!(set(ids(&got)?) == spring && !spring.is_empty(), "deadlines in March and April: {got}");
    let got = json_of(&router, &format!("{base}&status=not_started"), &office).await?;
    ensure!(got["total"] == tasks.len(), "nothing reported yet: {}", got["total"]);

    // Sorted by deadline, latest first, ties by id.
    let got = json_of(&router, &format!("{base}&sort=-deadline"), &office).await?;
    let keys: Vec<(String, i64)> = got["items"]
        .as_array()
        .context("items")?
        .iter()
        .map(|t| (t["deadline"].as_str().unwrap_or_default().to_owned(), t["id"].as_i64().unwrap_or_default()))
        .collect();
    ensure!(keys.len() == tasks.len() && keys.windows(2).all(|p| p[0] >= p[1]), "-deadline order: {keys:?}");

    // Keyset pages give the same tasks in the same order as page numbers, and count only when asked.
    for sort in ["tree", "deadline", "-percent"] {
        let (mut by_page, mut by_key, mut after) = (Vec::new(), Vec::new(), String::new());
        for page in 0..20 {
            let got = json_of(
                &router,
                &format!("/api/v1/plans/{}/tasks?per_page=7&sort={sort}&page={page}", plan.0),
                &office,
            )
            .await?;
            by_page.extend(ids(&got)?);
        }
        loop {
            let path = format!("/api/v1/plans/{}/tasks?per_page=7&sort={sort}&after={after}", plan.0);
            let got = json_of(&router, &path, &office).await?;
            ensure!(got["total"].is_null(), "a keyset page does not count unless asked: {}", got["total"]);
            by_key.extend(ids(&got)?);
            match got["next_after"].as_i64() {
                Some(next) => after = next.to_string(),
                None => break,
            }
        }
        ensure!(by_key == by_page && by_key.len() == tasks.len(), "{sort}: keyset {by_key:?} vs pages {by_page:?}");
    }
    let counted = json_of(
        &router,
        &format!("/api/v1/plans/{}/tasks?per_page=7&after=&count=true&owner={}", plan.0, li.id.0),
        &office,
    )
    .await?;
    ensure!(counted["total"] == 30 && counted["next_after"].is_i64(), "count=true counts all: {counted}");
    let uncounted = json_of(&router, &format!("{base}&owner={}&count=false", li.id.0), &office).await?;
    ensure!(uncounted["total"].is_null() && ids(&uncounted)?.len() == 30, "count=false skips the count: {uncounted}");

    // Faults are named, in Chinese, and nothing else is answered.
    for (query, field) in [
        ("status=started", "status"),
        ("sort=title", "sort"),
        ("target_min=很多", "target_min"),
        ("deadline_to=2026-13-01", "deadline_to"),
        ("parent=x", "parent"),
        ("lead_org=0", "lead_org"),
        ("lead_org=交通局", "lead_org"),
        ("after=-3", "after"),
        ("count=yes", "count"),
    ] {
        let reply = send(&router, get(&format!("/api/v1/plans/{}/tasks?{query}", plan.0), &office)?).await?;
        let body = reply.json()?;
        ensure!(
            reply.status.as_u16() == 422 && body["errors"][0]["field"] == field,
            "{query}: {} {body}",
            reply.status
        );
        ensure!(body["errors"][0]["message"].as_str().is_some_and(|m| !m.is_ascii()), "a Chinese message: {body}");
    }

    // A reporter sees only their org's tasks, whatever the filter asks.
    let reporter = sign_in_as(&router, "jtj.li").await?;
    let got = json_of(&router, &format!("{base}&owner={}", wu.id.0), &reporter).await?;
    ensure!(ids(&got)?.is_empty(), "another org's owner shows nothing to a reporter: {got}");
    let got = json_of(&router, &format!("{base}&target_min=0"), &reporter).await?;
    ensure!(set(ids(&got)?) == expect(&|t| t.is_leaf && t.owner == li.id.0), "only 交通局's leaves: {got}");
    Ok(())
}

async fn bulk(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-23").await?;
    let reform = w.org("市发改委").await?;
    let transport = w.org("市交通局").await?;
    let wu = w.user("fgw.wu", Role::Reporter, reform).await?;
    w.user("jtj.li", Role::Reporter, transport).await?;
    let plan = w.plan().await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let office = sign_in_as(&router, "supervisor").await?;
    let reporter = sign_in_as(&router, "fgw.wu").await?;
    let create = format!("/api/v1/plans/{}/tasks", plan.0);
    let count = |router: &Router| {
        let (router, office, path) = (router.clone(), office.clone(), format!("{create}?per_page=1&status=open"));
        async move { json_of(&router, &path, &office).await.map(|v| v["total"].as_i64().unwrap_or(-1)) }
    };

    // One request: the task and who answers for it; a wrong owner refuses both.
    let bad = json!({"title": "项目审批提速", "deadline": "2026-06-30",
        "responsibility": {"lead_org_id": transport.0, "owner_id": wu.id.0}});
    let (status, answer) = post(&router, &create, &office, &bad).await?;
    ensure!(status == 422 && answer["errors"][0]["field"] == "responsibility.owner_id", "{status}: {answer}");
    ensure!(count(&router).await? == 0, "nothing was created");
    let good = json!({"title": "项目审批提速", "deadline": "2026-06-30",
        "responsibility": {"lead_org_id": reform.0, "owner_id": wu.id.0}});
    let (status, answer) = post(&router, &create, &office, &good).await?;
    ensure!(status == 201, "{status}: {answer}");
    let section = answer["id"].as_i64().context("id")?;
    let task = json_of(&router, &format!("/api/v1/tasks/{section}"), &office).await?;
    ensure!(task["lead_org_id"] == reform.0 && task["owner_id"] == wu.id.0, "assigned at creation: {task}");

    // Bulk create: a refused item and its child are refused, the rest saved together.
    let items = json!([
        {"title": "审批事项一", "deadline": "2026-06-30", "parent_id": section, "responsibility": {"lead_org_id": reform.0}},
        {"title": "", "deadline": "2026-06-30", "parent_id": section},
        {"title": "空标题的下级", "deadline": "2026-06-30", "parent_ref": 1},
        {"title": "审批事项二", "deadline": "2026-06-30", "parent_id": section, "responsibility": {"lead_org_id": reform.0}},
        {"title": "审批事项三", "deadline": "2026-06-30", "parent_id": section, "responsibility": {"lead_org_id": reform.0}},
    ]);
    let (status, answer) = post(&router, &format!("{create}/bulk"), &office, &json!({"items": items})).await?;
    ensure!(status == 200 && answer["done"] == 3 && answer["refused"] == 2, "{status}: {answer}");
    ensure!(answer["items"][1]["error"]["errors"][0]["field"] == "title", "{answer}");
    ensure!(answer["items"][2]["error"]["errors"][0]["field"] == "parent_ref", "{answer}");
    let leaves: Vec<i64> =
        [0, 3, 4].iter().map(|&i| answer["items"][i]["id"].as_i64().context("id")).collect::<Result<_>>()?;
    ensure!(count(&router).await? == 4, "the section and its three items");
    let (status, _) = post(&router, &format!("{create}/bulk"), &reporter, &json!({"items": items})).await?;
    ensure!(status == 403, "a reporter creates nothing: {status}");
    let (status, answer) = post(&router, &format!("{create}/bulk"), &office, &json!({"items": []})).await?;
    ensure!(status == 422, "an empty batch is refused: {status} {answer}");

    // Bulk assign: a missing task is answered not_found, the others are saved.
    let assign = json!({"items": [
        {"task_id": leaves[1], "lead_org_id": transport.0},
        {"task_id": 999_999, "lead_org_id": transport.0},
        {"task_id": leaves[2], "lead_org_id": reform.0, "owner_id": wu.id.0},
    ]});
    let (status, answer) = post(&router, "/api/v1/tasks/responsibilities", &office, &assign).await?;
    ensure!(status == 200 && answer["done"] == 2 && answer["items"][1]["status"] == "not_found", "{status}: {answer}");
    let moved = json_of(&router, &format!("/api/v1/tasks/{}", leaves[1]), &office).await?;
    ensure!(moved["lead_org_id"] == transport.0, "assigned in bulk: {moved}");

    // Bulk review racing on siblings: each acceptance rolls up, and the
    // section is the floor of its children's mean, recomputed here from them.
    let mut reports = Vec::new();
    for (leaf, (user, percent)) in [leaves[0], leaves[2]].iter().zip([("fgw.wu", 40), ("fgw.wu", 75)]) {
        let cookie = sign_in_as(&router, user).await?;
        let body = json!({"period": "2026-02", "percent_done": percent.to_string(), "narrative": "按计划推进"});
        let (status, answer) = post(&router, &format!("/api/v1/tasks/{leaf}/reports"), &cookie, &body).await?;
        ensure!(status == 201, "{status}: {answer}");
        reports.push(answer["id"].as_i64().context("report id")?);
    }
    let first = json!({"items": [{"report_id": reports[0], "decision": "accept"}]});
    let second = json!({"items": [
        {"report_id": reports[1], "decision": "accept"},
        {"report_id": reports[0], "decision": "accept"},
        {"report_id": 888_888, "decision": "accept"},
        {"report_id": reports[1], "decision": "maybe"},
    ]});
    let (a, b) = tokio::join!(
        post(&router, "/api/v1/reviews", &office, &first),
        post(&router, "/api/v1/reviews", &office, &second)
    );
    let ((sa, a), (sb, b)) = (a?, b?);
    ensure!(sa == 200 && sb == 200, "{sa} {a} / {sb} {b}");
    ensure!(b["items"][2]["status"] == "not_found" && b["items"][3]["status"] == "invalid", "{b}");
    let accepted = a["done"].as_i64().unwrap_or(0) + b["done"].as_i64().unwrap_or(0);
    ensure!(accepted == 2, "each report accepted once, the second try a conflict: {a} {b}");
    let family = json_of(&router, &format!("/api/v1/tasks/{section}"), &office).await?;
    let children = family["children"].as_array().context("children")?;
    let percents: Vec<i64> = children.iter().map(|c| c["percent_done"].as_i64().unwrap_or(-1)).collect();
    ensure!(percents == vec![40, 0, 75], "each leaf took its report: {percents:?}");
    let mean = percents.iter().sum::<i64>() / i64::try_from(percents.len())?;
    ensure!(family["percent_done"] == mean, "the section is its children's mean {mean}: {family}");
    let (status, _) = post(&router, "/api/v1/reviews", &reporter, &first).await?;
    ensure!(status == 403, "a reporter reviews nothing: {status}");
    Ok(())
}

/// Sixteen tasks created at once under one parent: each takes its own place
/// in the tree (a keyset walk in tree order, which steps by that place,
/// finds every one), and a leaf's acceptance rolls up to the right parent.
async fn concurrent_creations(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-23").await?;
    let reform = w.org("市发改委").await?;
    let wu = w.user("fgw.wu", Role::Reporter, reform).await?;
    let plan = w.plan().await?;
    let router = qingdan_web::router(w.app.clone(), Default::default());
    let office = sign_in_as(&router, "supervisor").await?;
    let create = format!("/api/v1/plans/{}/tasks", plan.0);
    let (_, top) = post(&router, &create, &office, &json!({"title": "专项", "deadline": "2026-12-31"})).await?;
    let top = top["id"].as_i64().context("id")?;
    let mut running = Vec::new();
    for i in 0..16 {
        let (router, office, create) = (router.clone(), office.clone(), create.clone());
        let body = json!({"title": format!("子项{i}"), "deadline": "2026-12-31", "parent_id": top,
            "responsibility": {"lead_org_id": reform.0, "owner_id": wu.id.0}});
        running.push(tokio::spawn(async move { post(&router, &create, &office, &body).await }));
    }
    let mut made = BTreeSet::new();
    for task in running {
        let (status, answer) = task.await??;
        ensure!(status == 201, "{status}: {answer}");
        made.insert(answer["id"].as_i64().context("id")?);
    }
    let (mut walked, mut after) = (Vec::new(), String::new());
    loop {
        let got = json_of(&router, &format!("{create}?per_page=1&after={after}"), &office).await?;
        walked.extend(ids(&got)?);
        match got["next_after"].as_i64() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    ensure!(walked.len() == 17 && walked[0] == top, "the tree walked one by one: {walked:?}");
    ensure!(walked[1..].iter().copied().collect::<BTreeSet<_>>() == made, "every child once: {walked:?}");
    let leaf = *made.iter().next().context("a child")?;
    let reporter = sign_in_as(&router, "fgw.wu").await?;
    let body = json!({"period": "2026-02", "percent_done": "80", "narrative": "按计划推进"});
    let (_, report) = post(&router, &format!("/api/v1/tasks/{leaf}/reports"), &reporter, &body).await?;
    let review = json!({"items": [{"report_id": report["id"], "decision": "accept"}]});
    let (status, answer) = post(&router, "/api/v1/reviews", &office, &review).await?;
    ensure!(status == 200 && answer["done"] == 1, "{status}: {answer}");
    let family = json_of(&router, &format!("/api/v1/tasks/{top}"), &office).await?;
    ensure!(family["percent_done"] == 80 / 16, "one child of sixteen at 80 %: {family}");
    Ok(())
}
