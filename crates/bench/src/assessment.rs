//! A synthetic assessment scheme for the issue-16 benchmark: `n` indicators
//! over every org in two peer groups — every fifth read from the data
//! (work progress, on-track share, 督办, reports, projects), the rest entered,
//! with every method in use — and a month of entered values for each org.

use qingdan_app::assessment::ValueInput;

/// The scheme's JSON and a month of values for `orgs`.
pub fn scheme(orgs: &[i64], n: usize) -> (String, Vec<ValueInput>) {
    let half = orgs.len() / 2;
    let group = |name: &str, of: &[i64]| {
        format!(r#"{{"name": "{name}", "orgs": [{}]}}"#, of.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
    };
    let methods = [
        r#"{"kind": "completion", "cap": "1.2", "floor": "0.6"}"#,
        r#"{"kind": "rank", "step": "0.01"}"#,
        r#"{"kind": "ratio_to_best"}"#,
        r#"{"kind": "min_max"}"#,
        r#"{"kind": "threshold"}"#,
        r#"{"kind": "bonus", "per_unit": "-0.5", "cap": "3"}"#,
        r#"{"kind": "veto"}"#,
    ];
    let sources = ["task_progress", "on_track", "matters_on_time", "late_reports", "project_rate"];
    let mut indicators = Vec::new();
    let mut entered = Vec::new();
    for i in 0..n {
        let method = methods[i % methods.len()];
        let source = if i % 5 == 0 { sources[(i / 5) % sources.len()] } else { "entered" };
        if source == "entered" {
            entered.push(i);
        }
        indicators.push(format!(
            r#"{{"key": "k{i}", "name": "指标{i}", "points": "{}", "method": {method}, "source": {{"kind": "{source}"}}, "target": "100"}}"#,
            if method.contains("bonus") || method.contains("veto") { "0" } else { "5" }
        ));
    }
    let body = format!(
        r#"{{"groups": [{}, {}], "indicators": [{}], "tiers": {{"advanced": 10, "improved_by": 3, "pass": "60"}}}}"#,
        group("甲组", &orgs[..half]),
        group("乙组", &orgs[half..]),
        indicators.join(",")
    );
    let mut values = Vec::with_capacity(orgs.len() * entered.len());
    for (o, org) in orgs.iter().enumerate() {
        for i in &entered {
            let veto = methods[i % methods.len()].contains("veto");
            let value = if veto {
                if o % 500 == 0 { "1".to_owned() } else { String::new() }
            } else {
                (50 + (o * 7 + i * 13) % 80).to_string()
            };
            values.push(ValueInput {
                org_id: org.to_string(),
                indicator: format!("k{i}"),
                value,
                target: String::new(),
            });
        }
    }
    (body, values)
}
