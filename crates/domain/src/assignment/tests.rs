use super::*;
use crate::WorkCalendar;
use chrono::Datelike;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or(NaiveDate::MIN)
}

/// 2026 as the State Council's notice has it (STACK.md §6), weekends otherwise.
struct Calendar2026;

const OFF: [(&str, &str); 7] = [
    ("2026-01-01", "2026-01-03"),
    ("2026-02-15", "2026-02-23"),
    ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"),
    ("2026-06-19", "2026-06-21"),
    ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
];
const MAKE_UP: [&str; 6] = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"];

impl Calendar2026 {
    fn works(day: NaiveDate) -> bool {
        if MAKE_UP.iter().any(|m| d(m) == day) {
            return true;
        }
        if OFF.iter().any(|(a, b)| d(a) <= day && day <= d(b)) {
            return false;
        }
        day.weekday().num_days_from_monday() < 5
    }
}

impl DayCount for Calendar2026 {
    fn add_working_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if Calendar2026::works(day) {
                left -= 1;
            }
        }
        (day, true)
    }
    fn add_calendar_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, bool) {
        self.on_or_after(start + chrono::Days::new(u64::from(n)))
    }
    fn on_or_after(&self, day: NaiveDate) -> (NaiveDate, bool) {
        let mut day = day;
        while !Calendar2026::works(day) {
            day = day.succ_opt().unwrap_or(day);
        }
        (day, true)
    }
    fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days().skip(1).take_while(|x| *x <= to).filter(|x| Calendar2026::works(*x)).count() as u32
    }
}

fn rule() -> TimelineRule {
    TimelineRule::rule_13710(TenantId(1))
}

#[test]
fn the_13710_schedule_counts_working_days_around_national_day_2026() {
    // (assigned, major, timetable, sign_for, deploy, feedback, solve)
    let cases = [
        // Friday 09-25 is the Mid-Autumn holiday: the first working day is Monday 09-28.
        ("2026-09-25", false, None, "2026-09-28", "2026-09-28", "2026-09-30", "2026-10-12"),
        // Wednesday 09-30: the holiday follows; Saturday 10-10 is a make-up working day.
        ("2026-09-30", false, None, "2026-10-08", "2026-10-08", "2026-10-10", "2026-10-15"),
        // Friday 09-18: Sunday 09-20 is a make-up working day.
        ("2026-09-18", false, None, "2026-09-20", "2026-09-20", "2026-09-22", "2026-09-29"),
        // A major matter: one month, 10-25 is a Sunday, so Monday 10-26.
        ("2026-09-25", true, None, "2026-09-28", "2026-09-28", "2026-09-30", "2026-10-26"),
        // A major matter with a timetable: its date, moved off the holiday.
        ("2026-09-25", true, Some("2026-10-03"), "2026-09-28", "2026-09-28", "2026-09-30", "2026-10-08"),
        // A timetable is ignored for an ordinary matter.
        ("2026-09-25", false, Some("2026-12-31"), "2026-09-28", "2026-09-28", "2026-09-30", "2026-10-12"),
    ];
    for (on, major, timetable, sign, deploy, feedback, solve) in cases {
        let s = rule().schedule(&Calendar2026, d(on), major, timetable.map(d));
        assert_eq!(
            (s.sign_for, s.deploy, s.feedback, s.solve),
            (d(sign), d(deploy), d(feedback), d(solve)),
            "assigned {on}, major {major}"
        );
        assert!(s.is_confirmed);
    }
}

#[test]
fn calendar_day_rules_count_every_day_and_move_off_weekends() {
    let rule = TimelineRule {
        counting: DayCounting::CalendarDays,
        sign_for_days: 1,
        deploy_days: 3,
        feedback_days: 5,
        solve_days: 10,
        major_solve: MajorLimit::Days(30),
        ..rule()
    };
    let s = rule.schedule(&Calendar2026, d("2026-09-21"), false, None);
    // 09-24 Thursday; 09-26 is the holiday -> 09-28; 10-01 is National Day -> 10-08.
    assert_eq!(
        (s.sign_for, s.deploy, s.feedback, s.solve),
        (d("2026-09-22"), d("2026-09-24"), d("2026-09-28"), d("2026-10-08"))
    );
}

#[test]
fn the_shipped_calendar_gives_the_same_dates() {
    let shipped = WorkCalendar::shipped();
    for (on, major) in [("2026-09-25", false), ("2026-09-30", false), ("2026-09-18", false), ("2026-09-25", true)] {
        let ours = rule().schedule(&Calendar2026, d(on), major, None);
        let theirs = rule().schedule(&shipped, d(on), major, None);
        assert_eq!(ours, theirs, "assigned {on}");
        let y = rule().yellow_from(&shipped, d(on), theirs.solve);
        assert_eq!(y, rule().yellow_from(&Calendar2026, d(on), ours.solve));
    }
}

#[test]
fn a_year_without_calendar_data_is_flagged_not_confirmed() {
    let s = rule().schedule(&WorkCalendar::new([]), d("2031-03-07"), false, None);
    assert!(!s.is_confirmed);
    // Friday 03-07: Monday 03-10 deploy, Wednesday 03-12 feedback, Tuesday 03-18 solve.
    assert_eq!((s.deploy, s.feedback, s.solve), (d("2031-03-10"), d("2031-03-12"), d("2031-03-18")));
}

#[test]
fn yellow_comes_when_the_share_of_the_stage_is_used() {
    let r = rule();
    // Solve: 7 working days from 09-25 end on 10-12; 80% of 7 = 5.6 -> the 6th working day, Saturday 10-10.
    assert_eq!(r.yellow_from(&Calendar2026, d("2026-09-25"), d("2026-10-12")), d("2026-10-10"));
    // A one-day stage is yellow on its due day.
    assert_eq!(r.yellow_from(&Calendar2026, d("2026-09-25"), d("2026-09-28")), d("2026-09-28"));
    // Feedback: 3 working days -> 2.4 -> the 3rd: the due day.
    assert_eq!(r.yellow_from(&Calendar2026, d("2026-09-25"), d("2026-09-30")), d("2026-09-30"));
    // 50%: 7 -> 3.5 -> the 4th working day, 10-08.
    let half = TimelineRule { yellow_percent: 50, ..r.clone() };
    assert_eq!(half.yellow_from(&Calendar2026, d("2026-09-25"), d("2026-10-12")), d("2026-10-08"));
    // Calendar days: 10 days at 80% -> day 8.
    let cal = TimelineRule { counting: DayCounting::CalendarDays, ..r };
    assert_eq!(cal.yellow_from(&Calendar2026, d("2026-03-02"), d("2026-03-12")), d("2026-03-10"));
}

#[test]
fn lights_on_given_dates() {
    use AssignmentStatus as S;
    let due = Some(d("2026-10-12"));
    let yellow = Some(d("2026-10-10"));
    let cases = [
        (S::FeedbackGiven, "2026-10-09", Light::Green),
        (S::FeedbackGiven, "2026-10-10", Light::Yellow),
        (S::FeedbackGiven, "2026-10-12", Light::Yellow),
        (S::FeedbackGiven, "2026-10-13", Light::Red),
        (S::Returned, "2026-10-13", Light::Red),
        (S::Assigned, "2026-09-26", Light::Green),
        (S::Closed, "2026-12-01", Light::Done),
    ];
    for (status, today, want) in cases {
        assert_eq!(light_on(status, due, yellow, d(today), Light::Green), want, "{status:?} on {today}");
    }
    // A close request stops the clock: the light stays as it stood.
    assert_eq!(light_on(S::CloseRequested, None, None, d("2027-01-01"), Light::Yellow), Light::Yellow);
}

#[test]
fn every_transition_is_legal_or_refused_with_a_reason() {
    use AssignmentStatus as S;
    let st = |status, pending| State { status, has_pending_extension: pending };
    // (from, pending, action, Ok(to, pending) or Err(message))
    type Want = Result<(S, bool), &'static str>;
    let cases: Vec<(S, bool, Action, Want)> = vec![
        (S::Assigned, false, Action::SignFor, Ok((S::SignedFor, false))),
        (S::Assigned, false, Action::Deploy, Err("该事项尚未签收，不能部署")),
        (S::Assigned, false, Action::Feedback, Err("该事项尚未签收，不能反馈")),
        (S::Assigned, false, Action::RequestExtension, Err("该事项尚未签收，不能申请延期")),
        (S::Assigned, false, Action::ApproveExtension, Err("该事项没有待审批的延期申请")),
        (S::Assigned, false, Action::RefuseExtension, Err("该事项没有待审批的延期申请")),
        (S::Assigned, false, Action::RequestClose, Err("该事项尚未签收，不能申请办结")),
        (S::Assigned, false, Action::ReturnClose, Err("该事项未申请办结，不能退回")),
        (S::Assigned, false, Action::AcceptClose, Err("该事项未申请办结，不能办结销号")),
        (S::Assigned, false, Action::Reassign, Ok((S::Assigned, false))),
        (S::SignedFor, false, Action::SignFor, Err("该事项已签收，不能重复签收")),
        (S::SignedFor, false, Action::Deploy, Ok((S::Deployed, false))),
        (S::SignedFor, false, Action::Feedback, Err("该事项尚未部署，不能反馈")),
        (S::SignedFor, false, Action::RequestExtension, Ok((S::SignedFor, true))),
        (S::SignedFor, false, Action::RequestClose, Err("该事项尚未部署，不能申请办结")),
        (S::SignedFor, true, Action::Reassign, Ok((S::Assigned, false))),
        (S::Deployed, false, Action::Deploy, Err("该事项已部署，不能重复部署")),
        (S::Deployed, false, Action::Feedback, Ok((S::FeedbackGiven, false))),
        (S::Deployed, false, Action::RequestClose, Err("该事项尚未反馈，不能申请办结")),
        (S::Deployed, true, Action::ApproveExtension, Ok((S::Deployed, false))),
        (S::Deployed, true, Action::RefuseExtension, Ok((S::Deployed, false))),
        (S::Deployed, true, Action::RequestExtension, Err("该事项已有待审批的延期申请")),
        (S::FeedbackGiven, false, Action::Feedback, Ok((S::FeedbackGiven, false))),
        (S::FeedbackGiven, false, Action::RequestClose, Ok((S::CloseRequested, false))),
        (S::FeedbackGiven, true, Action::RequestClose, Err("该事项有待审批的延期申请，不能申请办结")),
        (S::FeedbackGiven, false, Action::SignFor, Err("该事项已签收，不能重复签收")),
        (S::FeedbackGiven, false, Action::AcceptClose, Err("该事项未申请办结，不能办结销号")),
        (S::CloseRequested, false, Action::ReturnClose, Ok((S::Returned, false))),
        (S::CloseRequested, false, Action::AcceptClose, Ok((S::Closed, false))),
        (S::CloseRequested, false, Action::Feedback, Err("该事项已申请办结，等待审核，不能反馈")),
        (S::CloseRequested, false, Action::RequestClose, Err("该事项已申请办结，请等待审核")),
        (S::CloseRequested, false, Action::RequestExtension, Err("该事项已申请办结，不能申请延期")),
        (S::CloseRequested, false, Action::Reassign, Ok((S::Assigned, false))),
        (S::Returned, false, Action::Feedback, Ok((S::FeedbackGiven, false))),
        (S::Returned, false, Action::RequestClose, Ok((S::CloseRequested, false))),
        (S::Returned, false, Action::RequestExtension, Ok((S::Returned, true))),
        (S::Returned, false, Action::ReturnClose, Err("该事项未申请办结，不能退回")),
    ];
    for (from, pending, action, want) in cases {
        let got = next(st(from, pending), action);
        let want = want.map(|(s, p)| st(s, p)).map_err(str::to_owned);
        assert_eq!(got, want, "{from:?} (pending {pending}) --{action:?}");
    }
    // Nothing moves a closed matter.
    for action in Action::ALL {
        let err = next(st(S::Closed, false), action).err().unwrap_or_default();
        assert!(err.starts_with("该事项已办结销号，不能再"), "{action:?}: {err}");
    }
}

#[test]
fn each_action_belongs_to_one_party() {
    let office: Vec<Action> = Action::ALL.into_iter().filter(|a| a.party() == Party::Office).collect();
    assert_eq!(
        office,
        [Action::ApproveExtension, Action::RefuseExtension, Action::ReturnClose, Action::AcceptClose, Action::Reassign]
    );
    for a in Action::ALL {
        assert_eq!(Action::from_code(a.code()), Some(a));
    }
}

#[test]
fn rules_keep_their_limits_in_order() {
    assert!(rule().validate().is_ok());
    let bad = TimelineRule { feedback_days: 0, yellow_percent: 100, ..rule() };
    let fields: Vec<String> = bad.validate().err().unwrap_or_default().errors.into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["feedback_days", "yellow_percent"].map(String::from));
    let r3510 = TimelineRule {
        name: "3510".into(),
        sign_for_days: 1,
        deploy_days: 3,
        feedback_days: 5,
        solve_days: 10,
        major_solve: MajorLimit::Days(30),
        ..rule()
    };
    assert!(r3510.validate().is_ok());
}
