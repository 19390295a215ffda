//! Calendar values: the EDTF text of a resolved expression and the first and last calendar day
//! it covers, built with `jiff` for every calendar fact (month lengths, leap years, weekdays).
//! Pure functions of their arguments; the state that runs through a document is `resolve`'s.

use super::expr::{Part, Pt};
use jiff::civil::Date;
use jiff::Span;

/// A resolved value: EDTF string, first and last day (none where open or unknown), and
/// whether it was resolved against an anchor or an earlier date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Value {
    pub(crate) value: String,
    pub(crate) start: Option<Date>,
    pub(crate) end: Option<Date>,
    pub(crate) relative: bool,
}

impl Value {
    /// A value with no known days (`XXXX-08-14`).
    pub(crate) fn unknown(value: String) -> Self {
        Value {
            value,
            start: None,
            end: None,
            relative: false,
        }
    }

    /// The same value marked relative.
    pub(crate) fn relative(mut self) -> Self {
        self.relative = true;
        self
    }
}

pub(crate) fn date(y: i32, m: u8, d: u8) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

pub(crate) fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().try_days(n).ok()?).ok()
}

pub(crate) fn add_months(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().try_months(n).ok()?).ok()
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// One day.
pub(crate) fn day_value(d: Date) -> Value {
    Value {
        value: ymd(d),
        start: Some(d),
        end: Some(d),
        relative: false,
    }
}

/// A whole year.
pub(crate) fn year_value(y: i32) -> Option<Value> {
    let b = date(y, 1, 1)?;
    Some(Value {
        value: format!("{y:04}"),
        start: Some(b),
        end: Some(b.last_of_year()),
        relative: false,
    })
}

/// The whole month of `b`.
pub(crate) fn month_value(b: Date) -> Option<Value> {
    let b = b.first_of_month();
    Some(Value {
        value: format!("{:04}-{:02}", b.year(), b.month()),
        start: Some(b),
        end: Some(b.last_of_month()),
        relative: false,
    })
}

/// The Monday-to-Sunday week holding `d`, as an interval of days.
pub(crate) fn week_value(d: Date) -> Option<Value> {
    let mon = add_days(d, -i64::from(d.weekday().to_monday_zero_offset()))?;
    let sun = add_days(mon, 6)?;
    Some(Value {
        value: format!("{}/{}", ymd(mon), ymd(sun)),
        start: Some(mon),
        end: Some(sun),
        relative: false,
    })
}

/// A season of year `y` (EDTF code 21-24), northern hemisphere by whole months: spring
/// March-May, summer June-August, autumn September-November, winter December to the end of
/// February of the next year.
pub(crate) fn season_value(y: i32, s: u8) -> Option<Value> {
    let (b, e) = match s {
        21 => (date(y, 3, 1)?, date(y, 5, 31)?),
        22 => (date(y, 6, 1)?, date(y, 8, 31)?),
        23 => (date(y, 9, 1)?, date(y, 11, 30)?),
        _ => (date(y, 12, 1)?, date(y + 1, 2, 1)?.last_of_month()),
    };
    Some(Value {
        value: format!("{y:04}-{s}"),
        start: Some(b),
        end: Some(e),
        relative: false,
    })
}

/// The first month of a season (December for winter).
pub(crate) fn season_month(s: u8) -> u8 {
    match s {
        21 => 3,
        22 => 6,
        23 => 9,
        _ => 12,
    }
}

/// EDTF text of a point; `XXXX` for a missing year.
pub(crate) fn fmt_pt(p: &Pt) -> Option<String> {
    let y = match p.y {
        Some(y) => format!("{y:04}"),
        None => "XXXX".to_string(),
    };
    Some(match (p.m, p.d) {
        (Some(m), Some(d)) => format!("{y}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{y}-{m:02}"),
        (None, None) if p.y.is_some() => y,
        _ => return None,
    })
}

/// First and last day of a point with a year; `None` for an impossible date.
pub(crate) fn bounds(p: &Pt) -> Option<(Date, Date)> {
    let y = p.y?;
    match (p.m, p.d) {
        (Some(m), Some(d)) => date(y, m, d).map(|x| (x, x)),
        (Some(m), None) => date(y, m, 1).map(|x| (x, x.last_of_month())),
        (None, None) => date(y, 1, 1).map(|x| (x, x.last_of_year())),
        _ => None,
    }
}

/// A point without a year must still be a possible day (29 February is, in a leap year).
pub(crate) fn possible(p: &Pt) -> bool {
    match (p.m, p.d) {
        (Some(m), Some(d)) => date(2000, m, d).is_some(),
        (Some(m), None) => (1..=12).contains(&m),
        _ => false,
    }
}

/// Narrows `[b, e]` to its first, middle or last third: by whole months when the period is whole
/// months in a multiple of three (a year: January-April, May-August, September-December), else by days.
pub(crate) fn narrow(b: Date, e: Date, part: Part) -> Option<(Date, Date)> {
    let months = (i32::from(e.year()) - i32::from(b.year())) * 12 + i32::from(e.month())
        - i32::from(b.month())
        + 1;
    if b.day() == 1 && e == e.last_of_month() && months >= 3 && months % 3 == 0 {
        let t = i64::from(months / 3);
        let k = match part {
            Part::Early => 0,
            Part::Mid => 1,
            Part::Late => 2,
        };
        let first = add_months(b, k * t)?;
        let last = add_months(first, t - 1)?.last_of_month();
        return Some((first, last));
    }
    let n = i64::from(b.until(e).ok()?.get_days()) + 1;
    let t = n / 3;
    Some(match part {
        Part::Early => (b, add_days(b, t - 1)?),
        Part::Mid => (add_days(b, t)?, add_days(b, 2 * t - 1)?),
        Part::Late => (add_days(b, 2 * t)?, e),
    })
}

/// `A/..`: open from the start of `v` (an interval keeps its first end).
pub(crate) fn since(v: Value) -> Value {
    let first = v.value.split('/').next().unwrap_or_default();
    Value {
        value: format!("{first}/.."),
        start: v.start,
        end: None,
        relative: v.relative,
    }
}

/// `../B`: open until the end of `v` (an interval keeps its last end).
pub(crate) fn until(v: Value) -> Value {
    let last = v.value.rsplit('/').next().unwrap_or_default();
    Value {
        value: format!("../{last}"),
        start: None,
        end: v.end,
        relative: v.relative,
    }
}

/// `A/B` from two values; `None` when B ends before A starts.
pub(crate) fn pair(a: Value, b: Value) -> Option<Value> {
    if let (Some(s), Some(e)) = (a.start, b.end) {
        if s > e {
            return None;
        }
    }
    let first = a.value.split('/').next().unwrap_or_default();
    let last = b.value.rsplit('/').next().unwrap_or_default();
    Some(Value {
        value: format!("{first}/{last}"),
        start: a.start,
        end: b.end,
        relative: a.relative || b.relative,
    })
}
