//! 工作日历: the admin's page of a year's holidays and make-up working days, with add, delete,
//! import and export, a check of "N working days after a date", and a warning for years without data.
//! The app refuses everyone but an admin.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::extractors::{FormInput, FormPairs, QueryParams};
use crate::view::Nav;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Weekday};
use qingdan_app::{AppError, CalendarDayInput, CalendarYear};
use qingdan_domain::{CalendarDay, User};

#[derive(Template, WebTemplate)]
#[template(path = "calendar/show.html")]
pub struct CalendarPage {
    nav: Nav,
    cal: CalendarYear,
    /// Years offered by the selector: known years plus this and next year.
    years: Vec<i32>,
    errors: Vec<String>,
    notice: String,
    /// What the admin typed into the import box, shown again after an error.
    import_text: String,
    /// What the admin typed into the day form, shown again after an error.
    day: CalendarDayInput,
    check: Option<Check>,
}

/// The answer of the "推算期限" form.
pub struct Check {
    from: String,
    n: String,
    mode: String,
    result: String,
    confirmed: bool,
}

impl CalendarPage {
    fn weekday(&self, day: &CalendarDay) -> &'static str {
        weekday_label(day.date)
    }

    fn region_label<'a>(&self, day: &'a CalendarDay) -> &'a str {
        region_label(&day.region)
    }
}

/// A day's region for people: 全国 for a national day.
fn region_label(region: &str) -> &str {
    if region.is_empty() { "全国" } else { region }
}

fn weekday_label(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

#[derive(serde::Deserialize, Default)]
pub struct CalendarQuery {
    year: Option<String>,
    /// 推算期限: from this date …
    from: Option<String>,
    /// … this many days …
    n: Option<String>,
    /// … `working` days (default) or `calendar` days.
    mode: Option<String>,
    /// What the last change did, shown once.
    done: Option<String>,
}

struct Extra {
    errors: Vec<String>,
    notice: String,
    import_text: String,
    day: CalendarDayInput,
}

async fn page(state: &AppState, user: &User, query: &CalendarQuery, extra: Extra) -> Result<CalendarPage, PageError> {
    let today = state.app.clock().today();
    let year = match query.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(text) => {
            text.parse::<i32>().map_err(|_| AppError::field("year", "bad_year", format!("年份“{text}”无效")))?
        }
        None => today.year(),
    };
    let cal = state.app.calendar_days(user, year).await?;
    let mut years: Vec<i32> = cal.known_years.clone();
    years.extend([today.year(), today.year() + 1, year]);
    years.sort_unstable();
    years.dedup();
    let check = check(state, user, query).await?;
    Ok(CalendarPage {
        nav: Nav::new(user, "/admin/calendar"),
        cal,
        years,
        errors: extra.errors,
        notice: extra.notice,
        import_text: extra.import_text,
        day: extra.day,
        check,
    })
}

/// Works out the check form's answer, if it was filled in.
async fn check(state: &AppState, user: &User, query: &CalendarQuery) -> Result<Option<Check>, PageError> {
    let (Some(from), Some(n)) = (query.from.as_deref(), query.n.as_deref()) else { return Ok(None) };
    let (from, n) = (from.trim(), n.trim());
    if from.is_empty() && n.is_empty() {
        return Ok(None);
    }
    let mode = query.mode.as_deref().unwrap_or("working").to_owned();
    let mut invalid = qingdan_domain::Invalid::new();
    let date = NaiveDate::parse_from_str(from, "%Y-%m-%d").ok();
    if date.is_none() {
        invalid.add("from", "bad_date", format!("起算日期“{from}”无效，应写作 YYYY-MM-DD"));
    }
    let days = n.parse::<u32>().ok().filter(|n| *n <= 10_000);
    if days.is_none() {
        invalid.add("n", "bad_number", format!("天数“{n}”无效，应为0至10000的整数"));
    }
    invalid.into_result().map_err(AppError::from)?;
    let (Some(date), Some(days)) = (date, days) else { return Ok(None) };
    let calendar = state.app.calendar(user.tenant_id).await?;
    let due =
        if mode == "calendar" { calendar.add_calendar_days(date, days) } else { calendar.add_working_days(date, days) };
    let unit = if mode == "calendar" { "个自然日" } else { "个工作日" };
    let result = format!("{date}起{days}{unit}：{}（{}）", due.date, weekday_label(due.date));
    Ok(Some(Check { from: from.to_owned(), n: n.to_owned(), mode, result, confirmed: due.confirmed }))
}

fn no_extra() -> Extra {
    Extra { errors: Vec::new(), notice: String::new(), import_text: String::new(), day: CalendarDayInput::default() }
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    QueryParams(query): QueryParams<CalendarQuery>,
) -> Result<CalendarPage, PageError> {
    let mut extra = no_extra();
    extra.notice = match query.done.as_deref() {
        Some("added") => "已保存".to_owned(),
        Some(other) => imported_notice(other).unwrap_or_default(),
        None => String::new(),
    };
    page(&state, &user, &query, extra).await
}

/// Shows the page again with the field errors and what was typed (`kept`), status 422.
async fn again(state: &AppState, user: &User, year: &str, err: AppError, kept: Extra) -> Result<Response, PageError> {
    match err {
        AppError::Invalid(invalid) => {
            let errors = invalid.errors.into_iter().map(|e| e.message).collect();
            let query = CalendarQuery { year: Some(year.to_owned()), ..CalendarQuery::default() };
            let extra = Extra { errors, ..kept };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(state, user, &query, extra).await?).into_response())
        }
        other => Err(other.into()),
    }
}

fn back(year: &str, done: &str) -> Response {
    Redirect::to(&format!("{}&done={done}", year_page(year))).into_response()
}

/// The page of a year: only its digits are taken.
fn year_page(year: &str) -> String {
    let year: String = year.chars().filter(char::is_ascii_digit).take(4).collect();
    format!("/admin/calendar?year={year}")
}

pub async fn add(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    FormInput(input): FormInput<CalendarDayInput>,
) -> Result<Response, PageError> {
    match state.app.add_calendar_day(&user, &input).await {
        Ok(day) => Ok(back(&day.date.year().to_string(), "added")),
        Err(err) => {
            let year = input.date.get(..4).unwrap_or_default().to_owned();
            again(&state, &user, &year, err, Extra { day: input, ..no_extra() }).await
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let date = form.get("date");
    match state.app.delete_calendar_day(&user, &form.get("region"), &date).await {
        Ok(day) => {
            let said = format!("已删除{}（{}）", day.date, region_label(&day.region));
            Ok(crate::view::said(&year_page(&day.date.year().to_string()), &said))
        }
        Err(err) => again(&state, &user, date.get(..4).unwrap_or_default(), err, no_extra()).await,
    }
}

pub async fn import(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: FormPairs,
) -> Result<Response, PageError> {
    let text = form.get("text");
    let year = form.get("year");
    match state.app.import_calendar(&user, &text).await {
        Ok(change) => {
            let done = format!(
                "imported-{}-{}-{}-{}-{}",
                change.inserted, change.updated, change.removed, change.unchanged, change.rescheduled
            );
            Ok(back(&year, &done))
        }
        Err(err) => again(&state, &user, &year, err, Extra { import_text: text, ..no_extra() }).await,
    }
}

/// The whole calendar as a file (every region), in the import format.
pub async fn export(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, PageError> {
    let text = state.app.calendar_file(&user).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"calendar.csv\""),
        ],
        text,
    )
        .into_response())
}

/// "imported-3-1-0-7-2" → "已导入：新增3天，修改1天，删除0天，未变7天；2项督办事项的时限已按新日历重算";
/// only numbers are taken from the URL.
fn imported_notice(done: &str) -> Option<String> {
    let counts: Vec<usize> =
        done.strip_prefix("imported-")?.split('-').map(|n| n.parse().ok()).collect::<Option<_>>()?;
    let [inserted, updated, removed, unchanged, rescheduled] = counts[..] else { return None };
    let mut said = format!("已导入：新增{inserted}天，修改{updated}天，删除{removed}天，未变{unchanged}天");
    if rescheduled > 0 {
        said.push_str(&format!("；{rescheduled}项督办事项的时限已按新日历重算"));
    }
    Some(said)
}
