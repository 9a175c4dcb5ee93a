//! 查找 on SQLite and PostgreSQL: ranking (exact, prefix, contains; tasks
//! before orgs before people), targets' names, LIKE wildcards taken as typed,
//! the count and its cap, bad input, and who finds what — a reporter only
//! their org's tasks and colleagues, the three administrators nothing, no one
//! another tenant's.

use anyhow::{Result, ensure};
use qingdan_app::search::{COUNTED_HITS, MatchRank, SHOWN_HITS, SearchKind, SearchResults};
use qingdan_app::{AppError, TaskInput, UserInput};
use qingdan_domain::{OrgId, Role, User};
use qingdan_testkit::{Backend, PASSWORD, World, on_both_engines};

on_both_engines! {
    exact_titles_come_before_prefixes_before_the_rest_and_tasks_before_orgs => ranking;
    a_task_is_found_by_its_targets_name => by_target;
    wildcards_in_the_text_match_only_themselves => wildcards;
    a_reporter_finds_only_their_orgs_tasks_and_colleagues => reporter_scope;
    administrators_find_nothing_and_no_one_finds_another_tenants_tasks => refused;
    an_empty_text_is_no_search_and_a_long_one_is_refused_in_chinese => bad_input;
    more_hits_than_counted_say_more_than_n => capped_count;
    deleted_tasks_and_disabled_orgs_and_people_are_not_found => hidden;
}

fn names(results: &SearchResults) -> Vec<(SearchKind, &str)> {
    results.hits.iter().map(|h| (h.kind, h.name.as_str())).collect()
}

async fn person(w: &World, username: &str, name: &str, role: Role, org: OrgId) -> Result<User> {
    let input = UserInput {
        username: username.into(),
        display_name: name.into(),
        role: role.code().into(),
        org_id: org.0,
        password: PASSWORD.into(),
    };
    Ok(w.app.create_user(&w.admin, &input).await?)
}

async fn ranking(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let housing = w.org("市住房和城乡建设局").await?;
    let office = w.org("老旧小区改造办公室").await?;
    let plan = w.plan().await?;
    w.task(plan, "推进老旧小区改造", housing, &[], None).await?;
    w.task(plan, "老旧小区改造提质", housing, &[], None).await?;
    w.task(plan, "老旧小区", office, &[], None).await?;
    w.task(plan, "新建学校", housing, &[], None).await?;
    person(&w, "zhang.lj", "张老旧", Role::Reporter, housing).await?;

    let found = w.app.search(&w.supervisor, "老旧小区").await?;
    ensure!(
        names(&found)
            == [
                (SearchKind::Task, "老旧小区"),
                (SearchKind::Task, "老旧小区改造提质"),
                (SearchKind::Org, "老旧小区改造办公室"),
                (SearchKind::Task, "推进老旧小区改造"),
            ],
        "{:?}",
        names(&found)
    );
    ensure!(found.hits[0].rank == MatchRank::Exact && found.hits[3].rank == MatchRank::Contains);
    ensure!(found.total == 4 && !found.is_total_capped);

    // An org's exact name ranks above a task that merely contains it.
    let found = w.app.search(&w.supervisor, "老旧小区改造办公室").await?;
    ensure!(names(&found) == [(SearchKind::Org, "老旧小区改造办公室")], "{:?}", names(&found));
    ensure!(found.hits[0].plan_id == Some(plan.0), "the org links to the plan it leads tasks in");

    // People by name, with their org.
    let found = w.app.search(&w.supervisor, "张老").await?;
    ensure!(names(&found) == [(SearchKind::Person, "张老旧")], "{:?}", names(&found));
    ensure!(found.hits[0].context.as_deref() == Some("市住房和城乡建设局"));
    Ok(())
}

async fn by_target(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let housing = w.org("市住房和城乡建设局").await?;
    let plan = w.plan().await?;
    // The kit names the target "{title}指标".
    w.task(plan, "既有住宅加装电梯", housing, &[], Some(("120", "部"))).await?;
    let found = w.app.search(&w.supervisor, "住宅加装电梯指标").await?;
    ensure!(names(&found) == [(SearchKind::Task, "既有住宅加装电梯")], "{:?}", names(&found));
    ensure!(found.hits[0].matched.as_deref() == Some("既有住宅加装电梯指标"), "{:?}", found.hits[0]);
    // Found by its title, the task shows no target.
    let found = w.app.search(&w.supervisor, "既有住宅").await?;
    ensure!(found.hits[0].rank == MatchRank::Prefix, "{:?}", found.hits[0]);
    Ok(())
}

async fn wildcards(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let org = w.org("市统计局").await?;
    let plan = w.plan().await?;
    w.task(plan, "城镇化率达到65%", org, &[], None).await?;
    w.task(plan, "城镇化率达到65个百分点", org, &[], None).await?;
    w.task(plan, "数据_口径统一", org, &[], None).await?;
    w.task(plan, "数据与口径统一", org, &[], None).await?;

    let percent = w.app.search(&w.supervisor, "65%").await?;
    ensure!(names(&percent) == [(SearchKind::Task, "城镇化率达到65%")], "{:?}", names(&percent));
    let underscore = w.app.search(&w.supervisor, "据_口").await?;
    ensure!(names(&underscore) == [(SearchKind::Task, "数据_口径统一")], "{:?}", names(&underscore));
    let backslash = w.app.search(&w.supervisor, "\\").await?;
    ensure!(backslash.hits.is_empty(), "{:?}", names(&backslash));
    // ASCII case does not matter on either engine.
    w.task(plan, "建设5G基站", org, &[], None).await?;
    ensure!(w.app.search(&w.supervisor, "5g基站").await?.total == 1);
    Ok(())
}

async fn reporter_scope(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let housing = w.org("市住房和城乡建设局").await?;
    let education = w.org("市教育局").await?;
    let plan = w.plan().await?;
    w.task(plan, "改造城镇老旧小区", housing, &[], None).await?;
    w.task(plan, "老旧校舍改造", housing, &[education], None).await?;
    w.task(plan, "新建改扩建中小学", education, &[], None).await?;
    let reporter = person(&w, "jy.li", "李改革", Role::Reporter, education).await?;
    person(&w, "zj.wang", "王改进", Role::Reporter, housing).await?;
    let leader = person(&w, "shizhang", "张市长", Role::Leader, w.supervisor.org_id).await?;

    let mine = w.app.search(&reporter, "改").await?;
    ensure!(
        names(&mine)
            == [
                (SearchKind::Task, "老旧校舍改造"),
                (SearchKind::Task, "新建改扩建中小学"),
                (SearchKind::Person, "李改革")
            ],
        "a reporter finds what their org leads or supports and their colleagues: {:?}",
        names(&mine)
    );
    let all = w.app.search(&leader, "改").await?;
    ensure!(all.total == 5, "a leader reads the whole tenant: {:?}", names(&all));
    Ok(())
}

async fn refused(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let housing = w.org("市住房和城乡建设局").await?;
    let plan = w.plan().await?;
    w.task(plan, "改造城镇老旧小区", housing, &[], None).await?;
    for admin in [&w.admin, &w.security, &w.auditor] {
        let result = w.app.search(admin, "老旧小区").await;
        ensure!(matches!(result, Err(AppError::Forbidden)), "{:?}: {result:?}", admin.role);
    }
    for role in [Role::Supervisor, Role::Leader] {
        let stranger = w.stranger(role).await?;
        let found = w.app.search(&stranger, "老旧小区").await?;
        ensure!(found.hits.is_empty(), "{role:?} of another tenant: {:?}", names(&found));
        let found = w.app.search(&stranger, "住房").await?;
        ensure!(found.hits.is_empty(), "no org of another tenant: {:?}", names(&found));
    }
    // The administrators' own accounts are no people of the list.
    let found = w.app.search(&w.supervisor, "管理员").await?;
    ensure!(found.hits.is_empty(), "{:?}", names(&found));
    Ok(())
}

async fn bad_input(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let empty = w.app.search(&w.supervisor, "   ").await?;
    ensure!(empty.text.is_empty() && empty.hits.is_empty() && empty.total == 0);
    match w.app.search(&w.supervisor, &"长".repeat(200)).await {
        Err(AppError::Invalid(invalid)) => {
            ensure!(invalid.errors[0].message.contains("不能超过50个字"), "{:?}", invalid.errors)
        }
        other => anyhow::bail!("a 200-character text: {other:?}"),
    }
    Ok(())
}

async fn capped_count(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let plan = w.plan().await?;
    for i in 0..=COUNTED_HITS {
        let input = TaskInput {
            parent_id: None,
            number: String::new(),
            title: format!("第{i}项民生实事"),
            weight: String::new(),
            deadline: "2026-12-31".into(),
            start_date: String::new(),
            targets: Vec::new(),
            responsibility: None,
        };
        w.app.create_task(&w.supervisor, plan, &input).await?;
    }
    let found = w.app.search(&w.supervisor, "民生实事").await?;
    ensure!(found.is_total_capped && found.total == COUNTED_HITS, "{} {}", found.total, found.is_total_capped);
    ensure!(found.hits.len() == SHOWN_HITS);
    // Shorter names first among equal ranks.
    ensure!(found.hits[0].name.chars().count() <= found.hits[SHOWN_HITS - 1].name.chars().count());
    let exact = w.app.search(&w.supervisor, "第12项民生实事").await?;
    ensure!(exact.total == 1 && !exact.is_total_capped);
    Ok(())
}

async fn hidden(backend: Backend) -> Result<()> {
    let w = World::new(backend, "2026-03-10").await?;
    let housing = w.org("市住房和城乡建设局").await?;
    let closed = w.org("市住房保障中心").await?;
    let plan = w.plan().await?;
    let task = w.task(plan, "住房保障提标", housing, &[], None).await?;
    let gone = person(&w, "zf.zhao", "赵住房", Role::Reporter, housing).await?;
    ensure!(w.app.search(&w.supervisor, "住房").await?.total == 4);

    w.app.delete_task(&w.supervisor, task).await?;
    w.app.set_org_active(&w.admin, closed, false).await?;
    w.app.set_user_active(&w.admin, gone.id, false).await?;
    let found = w.app.search(&w.supervisor, "住房").await?;
    ensure!(names(&found) == [(SearchKind::Org, "市住房和城乡建设局")], "{:?}", names(&found));
    Ok(())
}
