//! 报送周期 (reporting period): the month a progress report covers, `YYYY-MM`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((2000..=2100).contains(&year) && (1..=12).contains(&month)).then_some(Period { year, month })
    }

    /// The period that contains `day`.
    pub fn containing(day: NaiveDate) -> Period {
        Period { year: day.year(), month: day.month() }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The period before this one.
    pub fn previous(self) -> Period {
        if self.month == 1 {
            Period { year: self.year - 1, month: 12 }
        } else {
            Period { year: self.year, month: self.month - 1 }
        }
    }

    /// 2021年3月
    pub fn label(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Period, String> {
        let bad = || format!("“{s}”不是有效的报送周期，应写作 YYYY-MM，如 2021-03");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        Period::new(year, month).ok_or_else(bad)
    }
}

impl TryFrom<String> for Period {
    type Error = String;
    fn try_from(s: String) -> Result<Period, String> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_only_year_dash_month() {
        for (input, ok) in [
            ("2021-03", true),
            ("2021-12", true),
            ("2021-13", false),
            ("2021-3", false),
            ("21-03", false),
            ("abc", false),
            ("", false),
        ] {
            assert_eq!(input.parse::<Period>().is_ok(), ok, "{input}");
        }
    }

    #[test]
    fn previous_crosses_the_year() {
        assert_eq!(Period::new(2021, 1).map(Period::previous), Period::new(2020, 12));
    }
}
