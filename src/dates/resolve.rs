//! Values: turns a parsed expression into its EDTF value and first/last calendar day
//! (`calendar`), with the state that runs through one document: the anchor (the document date),
//! the order of ambiguous numeric dates (`order`), and the reference, the most recent explicit
//! date of the text. A date written without its year takes the reference's year (`In 2017 ...
//! on 14 August` is 2017-08-14), else the anchor's, else `XXXX`; `four days later`, `the same
//! year` and `the last day of that month` resolve against the reference, and give nothing
//! without one; they do not move it (only a date the text writes out, or one resolved from the
//! anchor such as `last year`, does).

use super::calendar::{self as cal, Value};
use super::expr::{Expr, Pt, Rel};
use super::lexicon::Unit;
use super::order;
use super::DateOrder;
use jiff::civil::Date;
use regex::Regex;

/// The most recent explicit date of the text, with the precision it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RefPt {
    y: i32,
    m: Option<u8>,
    d: Option<u8>,
}

impl RefPt {
    fn of(p: &Pt, at: Option<Date>) -> Option<Self> {
        let at = at?;
        Some(RefPt {
            y: i32::from(at.year()),
            m: p.m,
            d: p.d,
        })
    }

    /// The precision a value's days show: one day, one whole month, or a year.
    fn shape(v: &Value) -> Option<Self> {
        let (b, e) = (v.start?, v.end?);
        let y = i32::from(b.year());
        let (m, d) = (Some(b.month() as u8), Some(b.day() as u8));
        Some(if b == e {
            RefPt { y, m, d }
        } else if b == b.first_of_month() && e == b.last_of_month() {
            RefPt { y, m, d: None }
        } else {
            RefPt {
                y,
                m: None,
                d: None,
            }
        })
    }

    fn year(y: i32) -> Self {
        RefPt {
            y,
            m: None,
            d: None,
        }
    }
}

/// A value and the reference it leaves (none: the reference stays as it was).
type Resolved = (Value, Option<RefPt>);

/// Per-document resolution state.
pub(crate) struct Resolver<'a> {
    anchor: Option<Date>,
    order: DateOrder,
    order_settled: bool,
    last: Option<RefPt>,
    probe: Option<&'a Regex>,
    /// The order was settled from the text (not given).
    probed: bool,
    /// The last resolution read `last` / assigned it (for `PartTrace`).
    read_last: bool,
    set_last: bool,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(anchor: Option<Date>, order: DateOrder, probe: Option<&'a Regex>) -> Self {
        Resolver {
            anchor,
            order,
            order_settled: false,
            last: None,
            probe,
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
            if let Some(re) = self.probe {
                self.order = order::settle(self.order, order::votes(re, text));
                self.probed = true;
            }
        }
        self.order
    }

    /// The reference, read (recorded for `PartTrace`).
    fn read(&mut self) -> Option<RefPt> {
        self.read_last = true;
        self.last
    }

    /// The year of the narrative: the reference's, else the anchor's.
    fn story_year(&mut self) -> Option<i32> {
        self.read()
            .map(|l| l.y)
            .or(self.anchor.map(|a| i32::from(a.year())))
    }

    /// Resolves one expression; `None` drops the candidate (impossible date, nothing to anchor to).
    pub(crate) fn resolve(&mut self, expr: &Expr, text: &str) -> Option<Value> {
        let (v, r) = self.value(expr, text)?;
        if let (Some(b), Some(e)) = (v.start, v.end) {
            if b > e {
                return None;
            }
        }
        if let Some(r) = r {
            self.last = Some(r);
            self.set_last = true;
        }
        Some(v)
    }

    /// A point, with a missing year taken from the narrative.
    fn point(&mut self, p: &Pt) -> Option<Resolved> {
        let mut p = *p;
        let mut relative = false;
        if p.y.is_none() {
            if !cal::possible(&p) {
                return None;
            }
            match self.story_year() {
                Some(y) => {
                    p.y = Some(y);
                    relative = true;
                }
                None => return Some((Value::unknown(cal::fmt_pt(&p)?), None)),
            }
        }
        let (b, e) = cal::bounds(&p)?;
        let v = Value {
            value: cal::fmt_pt(&p)?,
            start: Some(b),
            end: Some(e),
            relative,
        };
        Some((v, RefPt::of(&p, Some(b))))
    }

    /// Two points; both without a year take the narrative's.
    fn range(&mut self, a: &Pt, b: &Pt) -> Option<Resolved> {
        let (mut a, mut b) = (*a, *b);
        let mut relative = false;
        if a.y.is_none() && b.y.is_none() {
            if !cal::possible(&a) || !cal::possible(&b) {
                return None;
            }
            if let Some(y) = self.story_year() {
                (a.y, b.y) = (Some(y), Some(y));
                relative = true;
            }
        }
        let value = format!("{}/{}", cal::fmt_pt(&a)?, cal::fmt_pt(&b)?);
        if a.y.is_none() {
            return Some((Value::unknown(value), None));
        }
        let (ab, _) = cal::bounds(&a)?;
        let (_, be) = cal::bounds(&b)?;
        let v = Value {
            value,
            start: Some(ab),
            end: Some(be),
            relative,
        };
        // The narrative goes on from the range's last end.
        Some((v, RefPt::of(&b, Some(be))))
    }

    fn value(&mut self, expr: &Expr, text: &str) -> Option<Resolved> {
        let whole = |v: Option<Value>| v.map(|v| (v, None));
        let year_ref = |v: Value| {
            let r = v.start.map(|s| RefPt::year(i32::from(s.year())));
            (v, r)
        };
        match expr {
            Expr::Pt(p) => self.point(p),
            Expr::Ambig { a, b, y } => {
                let (m, d) = match self.order(text) {
                    DateOrder::Dmy => (*b, *a),
                    DateOrder::Mdy => (*a, *b),
                };
                self.point(&Pt::day(Some(*y), m, d))
            }
            Expr::Decade(y) => whole(Some(Value {
                value: format!("{}X", y / 10),
                start: cal::date(*y, 1, 1),
                end: cal::date(y + 9, 12, 31),
                relative: false,
            })),
            Expr::Century(c) => whole(Some(Value {
                value: format!("{c:02}XX"),
                start: cal::date(c * 100, 1, 1),
                end: cal::date(c * 100 + 99, 12, 31),
                relative: false,
            })),
            Expr::Season(y, s) => cal::season_value(*y, *s).map(year_ref),
            Expr::Months(y, a, b) => Some(year_ref(Value {
                value: format!("{y:04}-{a:02}/{y:04}-{b:02}"),
                start: cal::date(*y, *a, 1),
                end: Some(cal::date(*y, *b, 1)?.last_of_month()),
                relative: false,
            })),
            Expr::Range(a, b) => self.range(a, b),
            Expr::Pair(a, b) => {
                let (va, _) = self.value(a, text)?;
                let (vb, rb) = self.value(b, text)?;
                Some((cal::pair(va, vb)?, rb))
            }
            Expr::Since(x) => self.value(x, text).map(|(v, r)| (cal::since(v), r)),
            Expr::Until(x) => self.value(x, text).map(|(v, r)| (cal::until(v), r)),
            Expr::Part(p, inner) => {
                let (v, r) = self.value(inner, text)?;
                let v = match (v.start, v.end) {
                    (Some(b), Some(e)) => {
                        let (b, e) = cal::narrow(b, e, *p)?;
                        Value {
                            start: Some(b),
                            end: Some(e),
                            ..v
                        }
                    }
                    _ => v,
                };
                Some((v, r))
            }
            Expr::Rel(r) => {
                let v = self.relative(r)?;
                // Offsets from the reference (`four days later`, `that summer`) do not move it:
                // the next one counts from the same explicit date.
                let anaphoric = matches!(
                    r,
                    Rel::Ref(..) | Rel::Edge(..) | Rel::Current(_) | Rel::Season(..)
                );
                let r = if anaphoric { None } else { RefPt::shape(&v) };
                Some((v, r))
            }
        }
    }

    fn relative(&mut self, r: &Rel) -> Option<Value> {
        match *r {
            Rel::Holiday(m, d) => match self.story_year() {
                Some(y) => Some(cal::day_value(cal::date(y, m, d)?).relative()),
                None => Some(Value::unknown(format!("XXXX-{m:02}-{d:02}"))),
            },
            Rel::Season(s, k) => match self.story_year() {
                Some(y) => Some(cal::season_value(y + k, s)?.relative()),
                None => (k == 0).then(|| Value::unknown(format!("XXXX-{s}"))),
            },
            Rel::AnchorSeason(s, mode) => {
                let Some(a) = self.anchor else {
                    return Some(Value::unknown(format!("XXXX-{s}")));
                };
                let (first, am) = (cal::season_month(s), a.month() as u8);
                let shift = match mode {
                    -1 if first >= am => -1,
                    1 if first <= am => 1,
                    _ => 0,
                };
                Some(cal::season_value(i32::from(a.year()) + shift, s)?.relative())
            }
            Rel::Month(m, mode) => {
                let Some(a) = self.anchor else {
                    return Some(Value::unknown(format!("XXXX-{m:02}")));
                };
                let am = a.month() as u8;
                let y = i32::from(a.year())
                    + match mode {
                        -1 if m >= am => -1,
                        1 if m <= am => 1,
                        _ => 0,
                    };
                Some(cal::month_value(cal::date(y, m, 1)?)?.relative())
            }
            Rel::Ref(unit, n, exact) => self.shifted(unit, n, exact),
            Rel::Edge(unit, last) => {
                let l = self.read()?;
                let (first, end) = match unit {
                    Unit::Month => {
                        let f = cal::date(l.y, l.m?, 1)?;
                        (f, f.last_of_month())
                    }
                    _ => (cal::date(l.y, 1, 1)?, cal::date(l.y, 12, 31)?),
                };
                Some(cal::day_value(if last { end } else { first }).relative())
            }
            Rel::Current(unit) => {
                let at = match self.read() {
                    Some(l) if unit == Unit::Year => cal::date(l.y, 1, 1)?,
                    Some(l) => cal::date(l.y, l.m?, 1)?,
                    None => self.anchor?,
                };
                let v = match unit {
                    Unit::Year => cal::year_value(i32::from(at.year()))?,
                    _ => cal::month_value(at)?,
                };
                Some(v.relative())
            }
            _ => self.anchored(r),
        }
    }

    /// `the same year`, `the following month`, `four days later`: from the reference.
    fn shifted(&mut self, unit: Unit, n: i32, exact: bool) -> Option<Value> {
        let l = self.read()?;
        let v = match unit {
            Unit::Year => cal::year_value(l.y + n)?,
            Unit::Month => {
                cal::month_value(cal::add_months(cal::date(l.y, l.m?, 1)?, i64::from(n))?)?
            }
            Unit::Day => cal::day_value(cal::add_days(cal::date(l.y, l.m?, l.d?)?, i64::from(n))?),
            Unit::Week => {
                let d = cal::add_days(cal::date(l.y, l.m?, l.d?)?, 7 * i64::from(n))?;
                if exact {
                    cal::day_value(d)
                } else {
                    cal::week_value(d)?
                }
            }
        };
        Some(v.relative())
    }

    /// `yesterday`, `last year`, `next week`, `on Monday`, `two years ago`: from the anchor.
    fn anchored(&self, r: &Rel) -> Option<Value> {
        let a = self.anchor?;
        let v = match *r {
            Rel::Day(n) => cal::day_value(cal::add_days(a, i64::from(n))?),
            Rel::Unit(Unit::Year, n) => cal::year_value(i32::from(a.year()) + n)?,
            Rel::Ago(Unit::Year, n) => cal::year_value(i32::from(a.year()) - n)?,
            Rel::Unit(Unit::Month, n) => cal::month_value(cal::add_months(a, i64::from(n))?)?,
            Rel::Ago(Unit::Month, n) => cal::month_value(cal::add_months(a, -i64::from(n))?)?,
            Rel::Unit(Unit::Week, n) => cal::week_value(cal::add_days(a, 7 * i64::from(n))?)?,
            Rel::Unit(Unit::Day, n) => cal::day_value(cal::add_days(a, i64::from(n))?),
            Rel::Ago(Unit::Week, n) => cal::day_value(cal::add_days(a, -7 * i64::from(n))?),
            Rel::Ago(Unit::Day, n) => cal::day_value(cal::add_days(a, -i64::from(n))?),
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
                cal::day_value(cal::add_days(a, shift)?)
            }
            _ => return None,
        };
        Some(v.relative())
    }
}
