//! Values: turns a parsed expression into its EDTF value and first/last calendar day, using `jiff`
//! for every calendar fact (month lengths, leap years, weekday arithmetic). It owns the state that
//! runs through one document: the anchor (document date), the reading of ambiguous numeric dates,
//! and the most recent explicit date, against which `the same year` or `three days later` resolve.

use super::lexicon::Unit;
use super::parse::{Expr, Part, Pt, Rel};
use super::DateOrder;
use jiff::civil::Date;
use jiff::Span;
use regex::Regex;

/// A resolved value: EDTF string, first and last day, relative flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Value {
    pub(crate) value: String,
    pub(crate) begin: Option<Date>,
    pub(crate) end: Option<Date>,
    pub(crate) relative: bool,
}

/// The last explicit date of the text, for anaphora.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RefPt {
    y: i32,
    m: Option<u8>,
    d: Option<u8>,
}

/// Per-document resolution state.
pub(crate) struct Resolver<'a> {
    anchor: Option<Date>,
    order: DateOrder,
    order_settled: bool,
    last: Option<RefPt>,
    numeric: Option<&'a Regex>,
    /// The order was settled from the text (not given).
    probed: bool,
    /// The last resolution read `last` / assigned it (for `PartTrace`).
    read_last: bool,
    set_last: bool,
}

/// Counts the unambiguous numeric dates of `text` read day first and month first.
pub(crate) fn order_votes(re: &Regex, text: &str) -> (usize, usize) {
    let (mut dmy, mut mdy) = (0, 0);
    for c in re.captures_iter(text) {
        let a = c
            .get(1)
            .and_then(|m| m.as_str().parse::<u32>().ok())
            .unwrap_or(0);
        let b = c
            .get(2)
            .and_then(|m| m.as_str().parse::<u32>().ok())
            .unwrap_or(0);
        if a > 12 && b <= 12 {
            dmy += 1;
        } else if b > 12 && a <= 12 {
            mdy += 1;
        }
    }
    (dmy, mdy)
}

/// The order of ambiguous numeric dates given the votes of a text: the majority, else `order`.
pub(crate) fn settle(order: DateOrder, (dmy, mdy): (usize, usize)) -> DateOrder {
    if dmy > mdy {
        DateOrder::Dmy
    } else if mdy > dmy {
        DateOrder::Mdy
    } else {
        order
    }
}

fn date(y: i32, m: u8, d: u8) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().try_days(n).ok()?).ok()
}

fn add_months(d: Date, n: i64) -> Option<Date> {
    d.checked_add(Span::new().try_months(n).ok()?).ok()
}

fn day_value(d: Date, relative: bool) -> Value {
    Value {
        value: format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        begin: Some(d),
        end: Some(d),
        relative,
    }
}

/// EDTF text of a point; `XXXX` for a missing year.
fn fmt_pt(p: &Pt) -> Option<String> {
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
fn bounds(p: &Pt) -> Option<(Date, Date)> {
    let y = p.y?;
    match (p.m, p.d) {
        (Some(m), Some(d)) => date(y, m, d).map(|x| (x, x)),
        (Some(m), None) => date(y, m, 1).map(|x| (x, x.last_of_month())),
        (None, None) => date(y, 1, 1).map(|x| (x, x.last_of_year())),
        _ => None,
    }
}

/// A point without a year must still be a possible day (29 February is, in a leap year).
fn possible(p: &Pt) -> bool {
    match (p.m, p.d) {
        (Some(m), Some(d)) => date(2000, m, d).is_some(),
        (Some(m), None) => (1..=12).contains(&m),
        _ => false,
    }
}

/// Narrows `[b, e]` to its first, middle or last third: by whole months when the period is whole
/// months in a multiple of three (a year: January-April, May-August, September-December), else by days.
fn narrow(b: Date, e: Date, part: Part) -> Option<(Date, Date)> {
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

impl<'a> Resolver<'a> {
    pub(crate) fn new(anchor: Option<Date>, order: DateOrder, numeric: Option<&'a Regex>) -> Self {
        Resolver {
            anchor,
            order,
            order_settled: false,
            last: None,
            numeric,
            probed: false,
            read_last: false,
            set_last: false,
        }
    }

    /// Reads ambiguous numeric dates in `order`, without looking at the text.
    pub(crate) fn force_order(&mut self, order: DateOrder) {
        self.order = order;
        self.order_settled = true;
    }

    /// The order settled from the text, if an ambiguous date needed it.
    pub(crate) fn probed_order(&self) -> Option<DateOrder> {
        self.probed.then_some(self.order)
    }

    /// The most recent explicit date.
    pub(crate) fn reference(&self) -> Option<RefPt> {
        self.last
    }

    /// Sets the most recent explicit date (the state of a longer text at this point).
    pub(crate) fn set_reference(&mut self, r: Option<RefPt>) {
        self.last = r;
    }

    /// Whether the last resolution read and whether it set the most recent explicit date;
    /// clears both.
    pub(crate) fn take_trace(&mut self) -> (bool, bool) {
        let t = (self.read_last, self.set_last);
        self.read_last = false;
        self.set_last = false;
        t
    }

    /// Reads the order of ambiguous numeric dates from the document's unambiguous ones.
    fn order(&mut self, text: &str) -> DateOrder {
        if !self.order_settled {
            self.order_settled = true;
            if let Some(re) = self.numeric {
                self.order = settle(self.order, order_votes(re, text));
                self.probed = true;
            }
        }
        self.order
    }

    /// Resolves one expression; `None` drops the candidate (impossible date, nothing to anchor to).
    pub(crate) fn resolve(&mut self, expr: &Expr, text: &str) -> Option<Value> {
        let v = self.value(expr, text)?;
        if let (Some(b), Some(e)) = (v.begin, v.end) {
            if b > e {
                return None;
            }
        }
        self.remember(expr, &v);
        Some(v)
    }

    fn remember(&mut self, expr: &Expr, v: &Value) {
        let r = match expr {
            Expr::Decade(_) | Expr::Century(_) => return,
            Expr::Pt(p) => match (p.y, v.begin) {
                (Some(_), Some(b)) => RefPt {
                    y: i32::from(b.year()),
                    m: p.m,
                    d: p.d,
                },
                (None, Some(b)) => RefPt {
                    y: i32::from(b.year()),
                    m: p.m,
                    d: p.d,
                },
                _ => return,
            },
            Expr::Range(_, _)
            | Expr::Open(_)
            | Expr::Season(..)
            | Expr::Months(..)
            | Expr::Part(..) => match v.begin {
                Some(b) => RefPt {
                    y: i32::from(b.year()),
                    m: None,
                    d: None,
                },
                None => return,
            },
            Expr::Ambig { .. } | Expr::Rel(_) => match (v.begin, v.end) {
                (Some(b), Some(e)) if b == e => RefPt {
                    y: i32::from(b.year()),
                    m: Some(b.month() as u8),
                    d: Some(b.day() as u8),
                },
                (Some(b), Some(e)) if b.first_of_month() == b && e == b.last_of_month() => RefPt {
                    y: i32::from(b.year()),
                    m: Some(b.month() as u8),
                    d: None,
                },
                (Some(b), Some(_)) => RefPt {
                    y: i32::from(b.year()),
                    m: None,
                    d: None,
                },
                _ => return,
            },
        };
        self.last = Some(r);
        self.set_last = true;
    }

    /// A point, with a missing year taken from the anchor.
    fn point(&self, p: &Pt) -> Option<Value> {
        let mut p = *p;
        let mut relative = false;
        if p.y.is_none() {
            if !possible(&p) {
                return None;
            }
            if let Some(a) = self.anchor {
                p.y = Some(i32::from(a.year()));
                relative = true;
            } else {
                return Some(Value {
                    value: fmt_pt(&p)?,
                    begin: None,
                    end: None,
                    relative: false,
                });
            }
        }
        let (b, e) = bounds(&p)?;
        Some(Value {
            value: fmt_pt(&p)?,
            begin: Some(b),
            end: Some(e),
            relative,
        })
    }

    fn value(&mut self, expr: &Expr, text: &str) -> Option<Value> {
        match expr {
            Expr::Pt(p) => self.point(p),
            Expr::Ambig { a, b, y } => {
                let (m, d) = match self.order(text) {
                    DateOrder::Dmy => (*b, *a),
                    DateOrder::Mdy => (*a, *b),
                };
                self.point(&Pt {
                    y: Some(*y),
                    m: Some(m),
                    d: Some(d),
                })
            }
            Expr::Decade(y) => Some(Value {
                value: format!("{}X", y / 10),
                begin: date(*y, 1, 1),
                end: date(y + 9, 12, 31),
                relative: false,
            }),
            Expr::Century(c) => Some(Value {
                value: format!("{c:02}XX"),
                begin: date(c * 100, 1, 1),
                end: date(c * 100 + 99, 12, 31),
                relative: false,
            }),
            Expr::Season(y, s) => {
                let (b, e) = match s {
                    21 => (date(*y, 3, 1)?, date(*y, 5, 31)?),
                    22 => (date(*y, 6, 1)?, date(*y, 8, 31)?),
                    23 => (date(*y, 9, 1)?, date(*y, 11, 30)?),
                    _ => (date(*y, 12, 1)?, date(y + 1, 2, 1)?.last_of_month()),
                };
                Some(Value {
                    value: format!("{y:04}-{s}"),
                    begin: Some(b),
                    end: Some(e),
                    relative: false,
                })
            }
            Expr::Months(y, a, b) => Some(Value {
                value: format!("{y:04}-{a:02}/{y:04}-{b:02}"),
                begin: date(*y, *a, 1),
                end: Some(date(*y, *b, 1)?.last_of_month()),
                relative: false,
            }),
            Expr::Range(a, b) => {
                let (mut a, mut b) = (*a, *b);
                let mut relative = false;
                if a.y.is_none() && b.y.is_none() {
                    if !possible(&a) || !possible(&b) {
                        return None;
                    }
                    if let Some(anc) = self.anchor {
                        a.y = Some(i32::from(anc.year()));
                        b.y = a.y;
                        relative = true;
                    }
                }
                let value = format!("{}/{}", fmt_pt(&a)?, fmt_pt(&b)?);
                if a.y.is_none() {
                    return Some(Value {
                        value,
                        begin: None,
                        end: None,
                        relative,
                    });
                }
                let (ab, _) = bounds(&a)?;
                let (_, be) = bounds(&b)?;
                (ab <= be).then_some(Value {
                    value,
                    begin: Some(ab),
                    end: Some(be),
                    relative,
                })
            }
            Expr::Open(a) => {
                let v = self.point(a)?;
                Some(Value {
                    value: format!("{}/..", v.value),
                    begin: v.begin,
                    end: None,
                    relative: v.relative,
                })
            }
            Expr::Part(p, inner) => {
                let v = self.value(inner, text)?;
                match (v.begin, v.end) {
                    (Some(b), Some(e)) => {
                        let (b, e) = narrow(b, e, *p)?;
                        Some(Value {
                            begin: Some(b),
                            end: Some(e),
                            ..v
                        })
                    }
                    _ => Some(v),
                }
            }
            Expr::Rel(r) => self.relative(r),
        }
    }

    fn relative(&mut self, r: &Rel) -> Option<Value> {
        match *r {
            Rel::Holiday(m, d) => {
                self.read_last = true;
                let y = self
                    .last
                    .map(|l| l.y)
                    .or(self.anchor.map(|a| i32::from(a.year())));
                match y {
                    Some(y) => Some(day_value(date(y, m, d)?, true)),
                    None => Some(Value {
                        value: format!("XXXX-{m:02}-{d:02}"),
                        begin: None,
                        end: None,
                        relative: false,
                    }),
                }
            }
            Rel::Month(m, mode) => {
                let Some(a) = self.anchor else {
                    return Some(Value {
                        value: format!("XXXX-{m:02}"),
                        begin: None,
                        end: None,
                        relative: false,
                    });
                };
                let am = a.month() as u8;
                let y = i32::from(a.year())
                    + match mode {
                        -1 if m >= am => -1,
                        1 if m <= am => 1,
                        _ => 0,
                    };
                let b = date(y, m, 1)?;
                Some(Value {
                    value: format!("{y:04}-{m:02}"),
                    begin: Some(b),
                    end: Some(b.last_of_month()),
                    relative: true,
                })
            }
            Rel::Ref(unit, n, exact) => {
                self.read_last = true;
                let l = self.last?;
                let mut v = match unit {
                    Unit::Year => year_value(l.y + n)?,
                    Unit::Month => month_value(add_months(date(l.y, l.m?, 1)?, i64::from(n))?)?,
                    Unit::Day => day_value(add_days(date(l.y, l.m?, l.d?)?, i64::from(n))?, true),
                    Unit::Week => {
                        let d = add_days(date(l.y, l.m?, l.d?)?, 7 * i64::from(n))?;
                        if exact {
                            day_value(d, true)
                        } else {
                            week_value(d)?
                        }
                    }
                };
                v.relative = true;
                Some(v)
            }
            _ => self.anchored(r),
        }
    }

    fn anchored(&self, r: &Rel) -> Option<Value> {
        let a = self.anchor?;
        let mut v = match *r {
            Rel::Day(n) => day_value(add_days(a, i64::from(n))?, true),
            Rel::Unit(Unit::Year, n) | Rel::Ago(Unit::Year, n) => {
                let n = if matches!(r, Rel::Ago(..)) { -n } else { n };
                year_value(i32::from(a.year()) + n)?
            }
            Rel::Unit(Unit::Month, n) | Rel::Ago(Unit::Month, n) => {
                let n = if matches!(r, Rel::Ago(..)) { -n } else { n };
                month_value(add_months(a.first_of_month(), i64::from(n))?)?
            }
            Rel::Unit(Unit::Week, n) => week_value(add_days(a, 7 * i64::from(n))?)?,
            Rel::Unit(Unit::Day, n) => day_value(add_days(a, i64::from(n))?, true),
            Rel::Ago(Unit::Week, n) => day_value(add_days(a, -7 * i64::from(n))?, true),
            Rel::Ago(Unit::Day, n) => day_value(add_days(a, -i64::from(n))?, true),
            Rel::Weekday(wd, mode) => {
                let aw = i64::from(a.weekday().to_monday_zero_offset());
                let wd = i64::from(wd);
                let shift = match mode {
                    1 => {
                        let f = (wd - aw).rem_euclid(7);
                        if f == 0 {
                            7
                        } else {
                            f
                        }
                    }
                    m => {
                        let back = (aw - wd).rem_euclid(7);
                        -(if back == 0 && m < 0 { 7 } else { back })
                    }
                };
                day_value(add_days(a, shift)?, true)
            }
            _ => return None,
        };
        v.relative = true;
        Some(v)
    }
}

fn year_value(y: i32) -> Option<Value> {
    let b = date(y, 1, 1)?;
    Some(Value {
        value: format!("{y:04}"),
        begin: Some(b),
        end: Some(b.last_of_year()),
        relative: true,
    })
}

fn month_value(b: Date) -> Option<Value> {
    Some(Value {
        value: format!("{:04}-{:02}", b.year(), b.month()),
        begin: Some(b),
        end: Some(b.last_of_month()),
        relative: true,
    })
}

/// The Monday-to-Sunday week holding `d`, as an interval of days.
fn week_value(d: Date) -> Option<Value> {
    let mon = add_days(d, -i64::from(d.weekday().to_monday_zero_offset()))?;
    let sun = add_days(mon, 6)?;
    let v = |x: Date| format!("{:04}-{:02}-{:02}", x.year(), x.month(), x.day());
    Some(Value {
        value: format!("{}/{}", v(mon), v(sun)),
        begin: Some(mon),
        end: Some(sun),
        relative: true,
    })
}
