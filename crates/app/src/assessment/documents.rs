//! The assessment's documents for a published month: the score sheet
//! (.xlsx, every indicator's points per org) and the ranking bulletin (.docx,
//! 公文 layout, a table per group).

use super::MonthView;
use crate::{App, AppError, Document, Result};
use qingdan_domain::User;
use qingdan_office::{CellSize, Column, ColumnAlign, GongwenDoc};

/// Who signs the ranking bulletin (发文机关), and its author in the file's properties.
const ISSUER: &str = "市政府督查室";

fn office_error(e: qingdan_office::OfficeError) -> AppError {
    AppError::Internal(e.to_string())
}

/// 前移N位 / 后移N位 / 持平 / — (no earlier month).
pub fn movement_label(view: &MonthView, org: qingdan_domain::OrgId) -> String {
    match view.movement.get(&org) {
        None => "—".to_owned(),
        Some(0) => "持平".to_owned(),
        Some(n) if *n > 0 => format!("前移{n}位"),
        Some(n) => format!("后移{}位", -n),
    }
}

/// 关于2026年11月开发区高质量发展考核排名情况的通报: the scheme's name
/// without the year the month already says, and with 考核 once.
fn bulletin_title(year: i32, month: u32, scheme_name: &str) -> String {
    format!("关于{year}年{month}月{}考核排名情况的通报", topic(year, scheme_name))
}

/// `2026年11月开发区高质量发展考核得分表（第2版）`, the year and 考核 once.
fn sheet_title(year: i32, month: u32, scheme_name: &str, version: i64) -> String {
    format!("{year}年{month}月{}考核得分表（第{version}版）", topic(year, scheme_name))
}

/// A scheme's name without the year its documents already say, nor its
/// closing 考核 (开发区高质量发展 of 2026年度开发区高质量发展考核).
fn topic(year: i32, scheme_name: &str) -> &str {
    let year_text = format!("{year}年");
    let topic = scheme_name.strip_prefix(&year_text).unwrap_or(scheme_name).trim_start_matches(['度', ' ']);
    topic.strip_suffix("考核").unwrap_or(topic)
}

impl App {
    /// The score sheet of a published month as the user may see it.
    pub async fn score_sheet(&self, user: &User, id: i64, month: &str, version: Option<i64>) -> Result<Document> {
        let view = self.published_month(user, id, month, version).await?;
        let keys: Vec<(String, String)> = view
            .result
            .groups
            .iter()
            .flat_map(|g| g.results.iter().flat_map(|r| r.lines.iter().map(|l| (l.key.clone(), l.name.clone()))))
            .fold(Vec::new(), |mut all, k| {
                if !all.contains(&k) {
                    all.push(k);
                }
                all
            });
        let mut headers = vec!["分组", "排名", "单位", "总分", "基础分", "加分", "减分", "一票否决", "位次变化"];
        headers.extend(keys.iter().map(|(_, name)| name.as_str()));
        let mut rows = Vec::new();
        for g in &view.result.groups {
            for r in &g.results {
                let mut row = vec![
                    g.name.clone(),
                    r.rank.to_string(),
                    view.result.name(r.org_id).to_owned(),
                    points(r.total),
                    points(r.base),
                    points(r.bonus),
                    points(r.deduction),
                    r.vetoed.clone().unwrap_or_default(),
                    movement_label(&view, r.org_id),
                ];
                for (key, _) in &keys {
                    row.push(r.lines.iter().find(|l| &l.key == key).map(|l| points(l.points)).unwrap_or_default());
                }
                rows.push(row);
            }
        }
        let (year, m) = super::check_month(&view.result.month)?;
        let title = sheet_title(year, m, &view.scheme.name, view.version);
        let bytes = qingdan_office::table_xlsx("得分表", &title, &headers, &rows).map_err(office_error)?;
        Ok(Document { file_name: format!("{title}.xlsx"), bytes })
    }

    /// The ranking bulletin of a published month (the office and leaders).
    pub async fn ranking_bulletin(&self, user: &User, id: i64, month: &str) -> Result<Document> {
        if !user.role.reads_whole_tenant() {
            return Err(AppError::Forbidden);
        }
        let view = self.published_month(user, id, month, None).await?;
        let (year, m) = super::check_month(&view.result.month)?;
        let title = bulletin_title(year, m, &view.scheme.name);
        let columns = [
            Column { header: "排名", weight: 1, align: ColumnAlign::Center },
            Column { header: "单位", weight: 4, align: ColumnAlign::Left },
            Column { header: "得分", weight: 2, align: ColumnAlign::Center },
            Column { header: "位次变化", weight: 2, align: ColumnAlign::Center },
        ];
        let mut doc = GongwenDoc::new()
            .made(ISSUER, Some(self.clock.now()))
            .title(&title, true)
            .red_rule()
            .addressee("各考核单位")
            .body(&format!(
                "根据《{}》，现将{year}年{m}月考核排名情况通报如下（第{}版）。",
                view.scheme.name, view.version
            ));
        for (n, g) in view.result.groups.iter().enumerate() {
            doc = doc.heading1(&format!("{}、{}", qingdan_office::chinese_number(n as u32 + 1), g.name));
            let rows: Vec<Vec<String>> = g
                .results
                .iter()
                .map(|r| {
                    let total = match &r.vetoed {
                        Some(why) => format!("0（{why}一票否决）"),
                        None => points(r.total),
                    };
                    vec![
                        r.rank.to_string(),
                        view.result.name(r.org_id).to_owned(),
                        total,
                        movement_label(&view, r.org_id),
                    ]
                })
                .collect();
            doc = doc.table(&columns, &rows, CellSize::Small);
        }
        let bytes = doc.signature(ISSUER, self.clock.today()).finish().map_err(office_error)?;
        Ok(Document { file_name: format!("{title}.docx"), bytes })
    }
}

/// Points as the month's page shows them: no trailing zeros (91, 74.6).
fn points(d: qingdan_domain::Decimal) -> String {
    d.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::{bulletin_title, sheet_title};

    #[test]
    fn the_bulletin_title_says_the_year_and_assessment_once() {
        let title = |name| bulletin_title(2026, 11, name);
        assert_eq!(title("2026年开发区高质量发展考核"), "关于2026年11月开发区高质量发展考核排名情况的通报");
        assert_eq!(title("2026年度开发区考核"), "关于2026年11月开发区考核排名情况的通报");
        assert_eq!(title("开发区高质量发展"), "关于2026年11月开发区高质量发展考核排名情况的通报");
        assert_eq!(
            sheet_title(2026, 11, "2026年开发区高质量发展考核", 2),
            "2026年11月开发区高质量发展考核得分表（第2版）"
        );
    }
}
