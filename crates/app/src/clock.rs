use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// The time source. The only real clock in Qingdan lives here; tests fix it.
#[derive(Clone, Debug)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// A clock fixed at noon (Beijing time) of `day`.
    pub fn fixed_on(day: NaiveDate) -> Clock {
        let noon = day.and_hms_opt(4, 0, 0).unwrap_or_default();
        Clock::Fixed(noon.and_utc())
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => *at,
        }
    }

    /// Today's date in China (UTC+8, no daylight saving).
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&beijing()).date_naive()
    }
}

/// UTC+8.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}
