//! Values the office enters for what Qingdan does not hold (统计局 figures
//! and the like): typed per org, or imported from an .xlsx ledger of
//! 单位名称 / 指标 / 数值 / 目标值 rows, checked row by row as the other ledgers
//! are (each fault naming its cell; nothing stored when any row fails).

use super::{require_office, scheme_month};
use crate::ledgers::{Faults, org_index, read_columns};
use crate::{App, AppError, Result};
use qingdan_domain::assessment::{Scheme, Source};
use qingdan_domain::{Decimal, Invalid, OrgId, User};
use qingdan_office::{ColumnSpec, normalize_name};
use qingdan_storage::EnteredValue;
use serde::Deserialize;
use std::str::FromStr;

/// The most rows one import or form takes.
pub const MAX_VALUE_ROWS: usize = 100_000;

/// One value as typed: the org's id, the indicator's key or name, the value and an own target.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ValueInput {
    pub org_id: String,
    pub indicator: String,
    pub value: String,
    pub target: String,
}

/// The columns of a values ledger.
const VALUE_COLUMNS: [ColumnSpec; 4] = [
    ColumnSpec {
        header: "单位名称",
        aliases: &["单位", "考核对象"],
        required: true,
        width: 30.0,
        note: "须是方案分组中的单位",
        example: "青岚经济技术开发区",
    },
    ColumnSpec {
        header: "指标",
        aliases: &["指标名称", "考核指标", "指标编码"],
        required: true,
        width: 24.0,
        note: "方案中“填报数据”指标的名称或编码",
        example: "规上工业增加值增速",
    },
    ColumnSpec {
        header: "数值",
        aliases: &["完成值", "实际值"],
        required: true,
        width: 12.0,
        note: "数字；空表示删除该值",
        example: "8.5",
    },
    ColumnSpec {
        header: "目标值",
        aliases: &["目标"],
        required: false,
        width: 12.0,
        note: "本单位自己的目标值（可空）",
        example: "7",
    },
];

/// The entered indicators of a scheme: (key, name).
fn entered(scheme: &Scheme) -> Vec<(&str, &str)> {
    scheme
        .indicators
        .iter()
        .filter(|i| i.source == Some(Source::Entered))
        .map(|i| (i.key.as_str(), i.name.as_str()))
        .collect()
}

fn number(text: &str) -> Result<Option<Decimal>, String> {
    let text = crate::input::half_width(text).replace([',', '，'], "");
    if text.is_empty() {
        return Ok(None);
    }
    Decimal::from_str(text.trim_end_matches('%')).map(Some).map_err(|_| format!("“{text}”不是数字"))
}

impl App {
    /// Sets typed values of a month (the office).
    pub async fn set_assessment_values(&self, user: &User, id: i64, month: &str, rows: &[ValueInput]) -> Result<usize> {
        require_office(user)?;
        let (stored, scheme) = self.scheme(user, id).await?;
        scheme_month(stored.year, month)?;
        let keys = entered(&scheme);
        let members: Vec<OrgId> = scheme.groups.iter().flat_map(|g| g.orgs.iter().copied()).collect();
        if rows.len() > MAX_VALUE_ROWS {
            return Err(AppError::field("rows", "too_many", format!("一次最多填报{MAX_VALUE_ROWS}行")));
        }
        let mut invalid = Invalid::new();
        let mut values = Vec::new();
        for (n, row) in rows.iter().enumerate() {
            let at = format!("第{}行", n + 1);
            let org = row.org_id.trim().parse::<i64>().ok().map(OrgId).filter(|o| members.contains(o));
            if org.is_none() {
                invalid.add(&format!("rows[{n}].org_id"), "not_member", format!("{at}：单位不在本方案的分组中"));
            }
            let key = keys
                .iter()
                .find(|(k, name)| *k == row.indicator.trim() || *name == row.indicator.trim())
                .map(|(k, _)| *k);
            if key.is_none() {
                invalid.add(
                    &format!("rows[{n}].indicator"),
                    "unknown",
                    format!("{at}：“{}”不是本方案的填报指标", row.indicator.trim()),
                );
            }
            let value = number(&row.value)
                .map_err(|m| invalid.add(&format!("rows[{n}].value"), "not_a_number", format!("{at}：{m}")))
                .ok()
                .flatten();
            let target = number(&row.target)
                .map_err(|m| invalid.add(&format!("rows[{n}].target"), "not_a_number", format!("{at}：{m}")))
                .ok()
                .flatten();
            if let (Some(org_id), Some(key)) = (org, key) {
                values.push(EnteredValue { org_id, indicator: key.to_owned(), value, target });
            }
        }
        invalid.into_result()?;
        Ok(self.store.set_assessment_values(user.tenant_id, id, month.trim(), &values, self.actor(user)).await?)
    }

    /// Imports a month's values from an .xlsx ledger (the office): all rows or none.
    pub async fn import_assessment_values(&self, user: &User, id: i64, month: &str, bytes: &[u8]) -> Result<usize> {
        require_office(user)?;
        let (stored, scheme) = self.scheme(user, id).await?;
        scheme_month(stored.year, month)?;
        let table = read_columns(bytes, &VALUE_COLUMNS, "考核数据").await?;
        if table.lines.len() > MAX_VALUE_ROWS {
            return Err(AppError::field("file", "too_many", format!("一次最多导入{MAX_VALUE_ROWS}行")));
        }
        let orgs = org_index(&self.store.orgs(user.tenant_id).await?);
        let members: Vec<OrgId> = scheme.groups.iter().flat_map(|g| g.orgs.iter().copied()).collect();
        let keys = entered(&scheme);
        let mut faults = Faults::new(&table);
        let mut values = Vec::new();
        for line in &table.lines {
            let row = line.row;
            let name = line.get(0);
            let org = match orgs.get(&normalize_name(name)) {
                Some(o) if members.contains(o) => Some(*o),
                Some(_) => {
                    faults.add(row, 0, "not_member", format!("“{name}”不在本方案的分组中"));
                    None
                }
                None => {
                    faults.add(row, 0, "not_found", format!("“{name}”不是已有单位"));
                    None
                }
            };
            let text = line.get(1);
            let key =
                keys.iter().find(|(k, n)| *k == text || normalize_name(n) == normalize_name(text)).map(|(k, _)| *k);
            if key.is_none() {
                faults.add(row, 1, "unknown", format!("“{text}”不是本方案的填报指标"));
            }
            let value = number(line.get(2)).map_err(|m| faults.add(row, 2, "not_a_number", m)).ok().flatten();
            let target = number(line.get(3)).map_err(|m| faults.add(row, 3, "not_a_number", m)).ok().flatten();
            if let (Some(org_id), Some(key)) = (org, key) {
                values.push(EnteredValue { org_id, indicator: key.to_owned(), value, target });
            }
        }
        faults.into_result()?;
        Ok(self.store.set_assessment_values(user.tenant_id, id, month.trim(), &values, self.actor(user)).await?)
    }

    /// The values ledger's import template (the office).
    pub fn assessment_values_template(&self, user: &User) -> Result<Vec<u8>> {
        require_office(user)?;
        qingdan_office::columns_template_xlsx("考核数据导入模板", "考核数据", &VALUE_COLUMNS)
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// The values entered for a month (the office).
    pub async fn assessment_values(&self, user: &User, id: i64, month: &str) -> Result<Vec<EnteredValue>> {
        require_office(user)?;
        let (stored, _) = self.scheme(user, id).await?;
        scheme_month(stored.year, month)?;
        Ok(self.store.assessment_values(user.tenant_id, id, month.trim()).await?)
    }
}
