//! The look around a parsed head: the modifiers written before it (`early`, `mid-`, `the end
//! of`, `summer of`, `Q3`, `the first half of`), and the context rules that decide whether a
//! bare year or a month alone is a date at all (`in 2015`, `a 2020 report`, `Russia's 2014
//! annexation`, but not `2000 troops` or `Article 2015`). Ranges and open intervals are
//! `intervals`'.

use super::expr::{Cand, Core, Ctx, Expr, Lone, Part, Pt, Rel};
use super::intervals;
use super::lexicon::{self as lx, Unit};
use super::scan::{self, Lexer, K};

/// The previous word labels a number: `Article 2015`, `model 1800`.
pub(crate) fn labelled_number(text: &str, start: usize) -> bool {
    scan::prev_word(text, start).is_some_and(|(_, w)| lx::number_label(w))
}

/// Where a day starts once the weekday written before it is taken in: `Tue, 5 June 2018`,
/// `Thurs. 19 December` (a full weekday name heads its own parse).
pub(crate) fn weekday_before(text: &str, start: usize, cx: &Ctx) -> usize {
    let mut at = start;
    if let Some((p, ',' | '.')) = scan::prev_char(text, start) {
        at = p;
    }
    match scan::prev_word(text, at) {
        Some((ws, w))
            if ws >= cx.min_start && (lx::weekday_abbrev(w) || lx::weekday(w).is_some()) =>
        {
            ws
        }
        _ => start,
    }
}

/// Completes a head: range continuations, the prepositions of a range, modifiers, and the
/// context check of lone heads.
pub(crate) fn finish(text: &str, lx: &mut Lexer, core: Core, cx: &Ctx) -> Option<Cand> {
    let mut core = intervals::continue_range(lx, core, cx);
    let year_stands = core.lone == Lone::Year && year_ok(text, lx, &core, cx);
    if year_stands {
        if let Some(r) = intervals::year_to(text, lx, &core, cx) {
            core = r;
        }
    }
    if let Some(c) = intervals::prefixed(text, lx, &core, cx) {
        return Some(c);
    }
    if let Some(c) = modifiers(text, &core, cx) {
        return Some(c);
    }
    match core.lone {
        Lone::No => Some(core.cand()),
        Lone::Year => year_stands.then(|| core.cand()),
        Lone::Month => lone_month(text, lx, core, cx),
        Lone::Abbrev => None,
    }
}

/// The word before `start`, looking through a glued hyphen (`mid-2023`).
fn word_before(text: &str, start: usize) -> Option<(usize, &str)> {
    if let Some(c) = scan::char_before(text, start) {
        if scan::is_dash(c) {
            return scan::prev_word(text, start - c.len_utf8());
        }
    }
    scan::prev_word(text, start)
}

fn part_word(w: &str) -> Option<Part> {
    if lx::is(w, "early") {
        Some(Part::Early)
    } else if lx::is(w, "mid") {
        Some(Part::Mid)
    } else if lx::is(w, "late") {
        Some(Part::Late)
    } else {
        None
    }
}

fn part_of_word(w: &str) -> Option<Part> {
    if lx::is(w, "beginning") || lx::is(w, "start") {
        Some(Part::Early)
    } else if lx::is(w, "middle") {
        Some(Part::Mid)
    } else if lx::is(w, "end") {
        Some(Part::Late)
    } else {
        None
    }
}

/// `Q3` / `H1` written as one word.
fn quarter_code(w: &str) -> Option<(u8, u8)> {
    let b = w.as_bytes();
    match (b.first(), b.get(1), b.len()) {
        (Some(b'Q' | b'q'), Some(&n @ b'1'..=b'4'), 2) => {
            let q = n - b'0';
            Some((q * 3 - 2, q * 3))
        }
        (Some(b'H' | b'h'), Some(&n @ b'1'..=b'2'), 2) => {
            let h = n - b'0';
            Some((h * 6 - 5, h * 6))
        }
        _ => None,
    }
}

fn quarter_words(ord: &str, unit: &str) -> Option<(u8, u8)> {
    let n = lx::ordinal_word(ord)?;
    if lx::is(unit, "quarter") {
        Some((n * 3 - 2, n * 3))
    } else if lx::is(unit, "half") && n <= 2 {
        Some((n * 6 - 5, n * 6))
    } else {
        None
    }
}

/// `early 1990s`, `mid-2023`, `the end of March`, `the end of that year`, `late summer 2017`,
/// `the summer of 2017`, `Q3 2024`, `the first half of 2023`.
pub(crate) fn modifiers(text: &str, core: &Core, cx: &Ctx) -> Option<Cand> {
    let partable = match &core.expr {
        Expr::Pt(p) => p.d.is_none(),
        Expr::Decade(_) | Expr::Century(_) | Expr::Season(..) => true,
        Expr::Rel(Rel::Ref(u, _, false)) => matches!(u, Unit::Month | Unit::Year),
        Expr::Rel(Rel::Season(..) | Rel::AnchorSeason(..) | Rel::Current(_)) => true,
        _ => false,
    };
    if !partable {
        return None;
    }
    let year_only = matches!(&core.expr, Expr::Pt(p) if p.m.is_none());
    let y = match &core.expr {
        Expr::Pt(p) => p.y.unwrap_or(0),
        _ => 0,
    };
    let (ps, pw) = word_before(text, core.start)?;
    let mk = |start: usize, expr: Expr| {
        (start >= cx.min_start).then_some(Cand {
            start,
            end: core.end,
            expr,
        })
    };
    if let Some(p) = part_word(pw) {
        return mk(ps, Expr::Part(p, Box::new(core.expr.clone())));
    }
    if year_only {
        if let Some(s) = lx::season(pw) {
            return mk(ps, Expr::Season(y, s));
        }
        if let Some((a, b)) = quarter_code(pw) {
            return mk(ps, Expr::Months(y, a, b));
        }
    }
    let (ps2, pw2) = scan::prev_word(text, ps)?;
    if lx::is(pw, "of") {
        if let Some(p) = part_of_word(pw2) {
            return mk(ps2, Expr::Part(p, Box::new(core.expr.clone())));
        }
        if year_only {
            if let Some(s) = lx::season(pw2) {
                return mk(ps2, Expr::Season(y, s));
            }
            let (ps3, pw3) = scan::prev_word(text, ps2)?;
            if let Some((a, b)) = quarter_words(pw3, pw2) {
                return mk(ps3, Expr::Months(y, a, b));
            }
        }
    } else if year_only {
        if let Some((a, b)) = quarter_words(pw2, pw) {
            return mk(ps2, Expr::Months(y, a, b));
        }
    }
    None
}

/// The previous mention ends just before `start`, across `and`, `or`, a comma or a dash: a list.
fn continues_list(text: &str, start: usize, cx: &Ctx) -> bool {
    let Some(le) = cx.last_end else {
        return false;
    };
    let gap = text.get(le..start).unwrap_or("").trim();
    matches!(gap, "," | "and" | "or" | ", and" | ", or" | "&" | "to")
}

/// Is a bare four-digit number a year here?
fn year_ok(text: &str, lx: &mut Lexer, core: &Core, cx: &Ctx) -> bool {
    let Expr::Pt(Pt { y: Some(y), .. }) = core.expr else {
        return false;
    };
    let next = lx.get(core.next);
    if let Some(n) = next {
        if n.k == K::Word && lx::count_noun(lx.s(n)) && !n.nl {
            return false;
        }
        if !n.sp
            && matches!(n.k, K::Dot | K::Comma)
            && lx
                .get(core.next + 1)
                .is_some_and(|x| x.k == K::Num && !x.sp)
        {
            return false;
        }
        if !n.sp && n.k == K::Other && lx.s(n) == "%" {
            return false;
        }
    }
    if continues_list(text, core.start, cx) {
        return true;
    }
    let pw = scan::prev_word(text, core.start);
    // `No. 2016`, `c. 1950`: the word before an abbreviation dot.
    if let Some((dot, '.')) = scan::prev_char(text, core.start) {
        if let Some((_, w)) = scan::prev_word(text, dot).filter(|(s, w)| s + w.len() == dot) {
            if lx::number_label(w) {
                return false;
            }
            if lx::is(w, "c") || lx::is(w, "ca") {
                return y >= 1000;
            }
        }
    }
    if let Some(ok) = pw.and_then(|(ps, w)| by_word_before(text, lx, core, (ps, w), y, cx)) {
        return ok;
    }
    if !(1900..=cx.max_year).contains(&y) {
        return false;
    }
    let pc = scan::prev_char(text, core.start).map(|(_, c)| c);
    if pc.is_some_and(|c| {
        matches!(
            c,
            '$' | '£' | '€' | '#' | '№' | '+' | '-' | '/' | '\u{2013}' | '\u{2014}'
        )
    }) {
        return false;
    }
    let next_word = next.filter(|n| n.k == K::Word && !n.nl);
    // `the 1989 withdrawal`, `Uzbekistan's 2005 crackdown`, `the militants' 2014 offensive`.
    let possessive = matches!(pc, Some('\'' | '\u{2019}'))
        || pw.is_some_and(|(s, w)| {
            w == "s" && matches!(scan::char_before(text, s), Some('\'' | '\u{2019}'))
        });
    if possessive || pw.is_some_and(|(_, w)| lx::determiner(w)) {
        return next_word.is_some();
    }
    if pc == Some('(') && next.is_some_and(|n| lx.s(n) == ")") {
        return true;
    }
    let ends = match next {
        None => true,
        Some(n) => {
            n.nl || matches!(n.k, K::Comma | K::Dot) || matches!(lx.s(n), ";" | ":" | ")" | "]")
        }
    };
    if ends {
        return true;
    }
    // Sentence-initial `2015 saw ...`.
    let sentence_start = pc.is_none_or(|c| matches!(c, '.' | '\n' | '!' | '?' | ':' | ';'));
    sentence_start && next_word.is_some()
}

/// What the word before a bare number says of it, if anything: `in 2015`, `since at least
/// 2014`, `up to 2021` make it a year; `Article 2015`, `between 1990 and 2000 people` do not.
fn by_word_before(
    text: &str,
    lx: &mut Lexer,
    core: &Core,
    (ps, w): (usize, &str),
    y: i32,
    cx: &Ctx,
) -> Option<bool> {
    if lx::is(w, "least") {
        let opened =
            intervals::opening_word(text, core.start).is_some_and(|(_, o)| lx::year_preposition(o));
        if opened {
            return Some(y >= 1000);
        }
    }
    if lx::is(w, "to") && scan::prev_is(text, ps, &["up"]) {
        return Some((1800..=cx.max_year).contains(&y));
    }
    if lx::number_label(w) {
        return Some(false);
    }
    // `between 1990 and 2000 people`: the pair counts something.
    if lx::is(w, "between") || lx::is(w, "from") {
        let counted = lx.get(core.next + 1).is_some_and(|n| n.k == K::Num)
            && lx
                .get(core.next + 2)
                .is_some_and(|n| n.k == K::Word && lx::count_noun(lx.s(n)));
        if counted {
            return Some(false);
        }
    }
    if lx::year_preposition(w) {
        let weak = lx::is_any(w, &["of", "for", "as", "around"]);
        return Some(if weak {
            (1800..=cx.max_year).contains(&y)
        } else {
            y >= 1000
        });
    }
    None
}

/// Is a month alone a date here? `in February`, `since November`, `last December`.
fn lone_month(text: &str, lx: &mut Lexer, core: Core, cx: &Ctx) -> Option<Cand> {
    let Expr::Pt(Pt { m: Some(m), .. }) = core.expr else {
        return None;
    };
    if let Some((ps, w)) = scan::prev_word(text, core.start) {
        let mode = if lx::is(w, "last") {
            Some(-1)
        } else if lx::is(w, "next") {
            Some(1)
        } else if lx::is(w, "this") && m != 8 {
            Some(0)
        } else {
            None
        };
        if let Some(mode) = mode {
            return (ps >= cx.min_start).then_some(Cand {
                start: ps,
                end: core.end,
                expr: Expr::Rel(Rel::Month(m, mode)),
            });
        }
    }
    // `May God`, `March Madness`, `this August Assembly`.
    if matches!(m, 3 | 5 | 8) {
        if let Some(n) = lx.get(core.next) {
            if n.k == K::Word && !n.nl && lx::is_capitalised(lx.s(n)) {
                return None;
            }
        }
    }
    if continues_list(text, core.start, cx) {
        return Some(core.cand());
    }
    let (_, w) = scan::prev_word(text, core.start)?;
    let ok = [
        "in",
        "since",
        "until",
        "till",
        "by",
        "during",
        "from",
        "of",
        "through",
        "throughout",
        "before",
        "after",
        "early",
        "mid",
        "late",
        "between",
        "on",
        "last",
        "next",
        "and",
    ]
    .iter()
    .any(|x| lx::is(w, x));
    (ok && !(lx::is(w, "and") && m == 5)).then(|| core.cand())
}

/// A weekday alone (`on Monday`, `last Friday`): only with an anchor.
pub(crate) fn lone_weekday(text: &str, start: usize, end: usize, wd: u8, cx: &Ctx) -> Option<Cand> {
    if !cx.anchored {
        return None;
    }
    let pw = scan::prev_word(text, start);
    if let Some((ps, w)) = pw {
        let mode = if lx::is(w, "last") {
            Some(-1)
        } else if lx::is(w, "next") {
            Some(1)
        } else if lx::is(w, "this") {
            Some(0)
        } else {
            None
        };
        if let Some(mode) = mode {
            return (ps >= cx.min_start).then_some(Cand {
                start: ps,
                end,
                expr: Expr::Rel(Rel::Weekday(wd, mode)),
            });
        }
        let ok = [
            "on", "since", "until", "by", "from", "before", "after", "early", "late",
        ]
        .iter()
        .any(|x| lx::is(w, x));
        return ok.then_some(Cand {
            start,
            end,
            expr: Expr::Rel(Rel::Weekday(wd, 0)),
        });
    }
    let pc = scan::prev_char(text, start).map(|(_, c)| c);
    pc.is_none_or(|c| matches!(c, '.' | '\n' | '"' | '“'))
        .then_some(Cand {
            start,
            end,
            expr: Expr::Rel(Rel::Weekday(wd, 0)),
        })
}
