//! Candidate prefilter and tokens: the one pass over the bytes of a document that finds the few
//! positions where a calendar expression can start (digits, capitalised words, a handful of lowercase
//! keywords, an apostrophe before digits), a small lazy lexer that reads tokens forward from such a
//! position, and helpers that read the words just before it. It knows nothing of calendars: the
//! grammar lives in `parse`, values in `resolve`.

use aho_corasick::{AhoCorasick, Input, MatchKind};

/// What kind of candidate starts at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// A run of ASCII digits.
    Digit,
    /// A word that may be a month, weekday, holiday or quarter name, or a relative keyword.
    Word,
    /// An apostrophe (ASCII or U+2019) directly before a digit: `'90s`, `'24`.
    Apostrophe,
}

/// Literal pieces of every word that can head an expression: capitalised month and holiday
/// names, and the lowercase units of relative phrases (`day` also finds `today`, `yesterday`,
/// `Monday`). All three bytes or longer, so that the SIMD prefilter of `aho-corasick` (Teddy)
/// skips plain prose quickly; and few, since its cost grows with their number (and the bucket
/// they fall in): a weekday abbreviation (`Tue, 5 June`) is found from the day after it, and an
/// all-caps month only after a day (`21 MARCH 2024`).
const WORD_PIECES: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "New",
    "Chr", "day", "Day", "year", "Year", "month", "Month", "week", "Week", "tomorrow", "Tomorrow",
];

/// Seasons, in a searcher of their own: added to the pieces above they would slow every
/// document's scan by half, alone they cost a tenth of it. (`fall` only with its year, which
/// the year finds.)
const SEASONS: &[&str] = &[
    "spring", "summer", "autumn", "winter", "Spring", "Summer", "Autumn", "Winter",
];

/// The compiled prefilter: finds candidate positions in a document.
#[derive(Debug)]
pub(crate) struct Prefilter {
    /// The word pieces and the seasons.
    words: [Option<AhoCorasick>; 2],
}

impl Prefilter {
    pub(crate) fn new() -> Self {
        let build = |pieces: &[&str]| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(pieces)
                .ok()
        };
        Prefilter {
            words: [build(WORD_PIECES), build(SEASONS)],
        }
    }

    /// A cursor over the candidates of one document.
    pub(crate) fn cursor<'a>(&'a self, text: &'a str) -> Cursor<'a> {
        Cursor {
            pre: self,
            text,
            next_digit: None,
            next_word: [None, None],
        }
    }
}

/// Cached next hit of a search at or after some position: (hit, searched from).
type Next<T> = Option<(Option<T>, usize)>;

/// Merges the candidate streams of a document (digit runs, keyword pieces, seasons) in text
/// order.
pub(crate) struct Cursor<'a> {
    pre: &'a Prefilter,
    text: &'a str,
    next_digit: Next<usize>,
    next_word: [Next<(usize, usize)>; 2],
}

/// Position of the first ASCII digit at or after `from` (eight bytes at a time).
fn find_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut a = [0u8; 8];
        a.copy_from_slice(chunk);
        let x = u64::from_le_bytes(a);
        // Bytes b with 0x2F < b < 0x3A, exact per byte (bit-twiddling `hasbetween`).
        let x7 = x & (LO * 127);
        let m =
            ((LO * (127 + 0x3A)).wrapping_sub(x7) & !x & x7.wrapping_add(LO * (127 - 0x2F))) & HI;
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while let Some(b) = bytes.get(i) {
        if b.is_ascii_digit() {
            return Some(i);
        }
        i += 1;
    }
    None
}

impl Cursor<'_> {
    fn digit_from(&mut self, from: usize) -> Option<usize> {
        match self.next_digit {
            Some((hit, searched)) if searched <= from && hit.is_none_or(|h| h >= from) => hit,
            _ => {
                let hit = find_digit(self.text.as_bytes(), from);
                self.next_digit = Some((hit, from));
                hit
            }
        }
    }

    fn word_from(&mut self, from: usize) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (k, ac) in self.pre.words.iter().enumerate() {
            let cached = self.next_word.get(k).copied().flatten();
            let hit = match cached {
                Some((hit, searched)) if searched <= from && hit.is_none_or(|h| h.0 >= from) => hit,
                _ => {
                    let hit = ac.as_ref().and_then(|ac| {
                        let input = Input::new(self.text).range(from..);
                        ac.find(input).map(|m| (m.start(), m.end()))
                    });
                    if let Some(slot) = self.next_word.get_mut(k) {
                        *slot = Some((hit, from));
                    }
                    hit
                }
            };
            if let Some(h) = hit {
                if best.is_none_or(|b| h.0 < b.0) {
                    best = Some(h);
                }
            }
        }
        best
    }

    /// The next candidate at or after `from`, with its kind.
    pub(crate) fn next(&mut self, from: usize, lower_t: bool) -> Option<(usize, Trigger)> {
        let bytes = self.text.as_bytes();
        let mut from = from;
        loop {
            let d = self.digit_from(from);
            let w = self.word_from(from);
            let take_digit = match (d, w) {
                (None, None) => return None,
                (Some(d), Some((ws, _))) => d < ws,
                (Some(_), None) => true,
                (None, Some(_)) => false,
            };
            if take_digit {
                let d = d?;
                let mut run_end = d;
                while bytes.get(run_end).is_some_and(u8::is_ascii_digit) {
                    run_end += 1;
                }
                let prev = d.checked_sub(1).and_then(|p| bytes.get(p)).copied();
                if prev.is_some_and(|p| p.is_ascii_digit()) {
                    from = run_end;
                    continue;
                }
                if prev == Some(b'\'') && d > from && !inside_word(self.text, d - 1) {
                    return Some((d - 1, Trigger::Apostrophe));
                }
                if d >= from + 3
                    && bytes.get(d - 3..d) == Some(&[0xE2, 0x80, 0x99])
                    && !inside_word(self.text, d - 3)
                {
                    return Some((d - 3, Trigger::Apostrophe));
                }
                // `Q3 2024`, `H1 2023`: the letter starts the candidate.
                if matches!(prev, Some(b'Q' | b'H')) && d > from && !inside_word(self.text, d - 1) {
                    return Some((d - 1, Trigger::Word));
                }
                if !inside_word(self.text, d) {
                    return Some((d, Trigger::Digit));
                }
                from = run_end;
                continue;
            }
            let (ws, we) = w?;
            // Back to the start of the word holding the piece, on to its end.
            let mut s = ws;
            while s > 0 && bytes.get(s - 1).is_some_and(u8::is_ascii_alphabetic) {
                s -= 1;
            }
            let mut e = we;
            while bytes.get(e).is_some_and(u8::is_ascii_alphabetic) {
                e += 1;
            }
            if s >= from && !inside_word(self.text, s) {
                if let Some(&b) = bytes.get(s) {
                    if keyword_at(bytes, s, b.is_ascii_uppercase(), lower_t) {
                        return Some((s, Trigger::Word));
                    }
                }
            }
            from = e.max(ws + 1);
        }
    }
}

/// True when the character that ends just before `pos` is a letter or digit (so `pos` is inside a word).
pub(crate) fn inside_word(text: &str, pos: usize) -> bool {
    text.get(..pos)
        .and_then(|s| s.chars().next_back())
        .is_some_and(|c| c.is_alphanumeric())
}

/// Quick test of the ASCII word at `i`: can it start a word-headed expression? Capitalised words:
/// month, weekday and holiday names, `Q3`/`H1`, `Today`; lowercase: `day(s)`, `week(s)`, `month(s)`,
/// `year(s)`, `yesterday`, and with `lower_t` `today`/`tomorrow`; seasons in both. The grammar
/// checks again.
fn keyword_at(bytes: &[u8], i: usize, upper: bool, lower_t: bool) -> bool {
    let mut buf = [0u8; 10];
    let mut n = 0;
    while let Some(&c) = bytes.get(i + n) {
        if !c.is_ascii_alphabetic() {
            break;
        }
        match buf.get_mut(n) {
            Some(slot) => *slot = c | 0x20,
            None => return false,
        }
        n += 1;
    }
    let w = buf.get(..n).unwrap_or(&[]);
    if upper {
        if n == 1 {
            return matches!(w, b"q" | b"h") && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        }
        matches!(
            w,
            b"jan"
                | b"january"
                | b"feb"
                | b"february"
                | b"mar"
                | b"march"
                | b"apr"
                | b"april"
                | b"may"
                | b"jun"
                | b"june"
                | b"jul"
                | b"july"
                | b"aug"
                | b"august"
                | b"sep"
                | b"sept"
                | b"september"
                | b"oct"
                | b"october"
                | b"nov"
                | b"november"
                | b"dec"
                | b"december"
                | b"monday"
                | b"tuesday"
                | b"wednesday"
                | b"thursday"
                | b"friday"
                | b"saturday"
                | b"sunday"
                | b"new"
                | b"christmas"
                | b"mon"
                | b"tue"
                | b"tues"
                | b"wed"
                | b"thu"
                | b"thur"
                | b"thurs"
                | b"fri"
                | b"sat"
                | b"sun"
                | b"yesterday"
                | b"today"
                | b"tomorrow"
                | b"year"
                | b"years"
                | b"month"
                | b"months"
                | b"day"
                | b"days"
                | b"week"
                | b"weeks"
                | b"spring"
                | b"summer"
                | b"autumn"
                | b"winter"
        )
    } else {
        matches!(
            w,
            b"day"
                | b"days"
                | b"week"
                | b"weeks"
                | b"month"
                | b"months"
                | b"year"
                | b"years"
                | b"yesterday"
                | b"spring"
                | b"summer"
                | b"autumn"
                | b"winter"
        ) || (lower_t && matches!(w, b"today" | b"tomorrow"))
    }
}

/// Kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum K {
    /// Digits, possibly with an ordinal suffix (`21st`) or a decade `s` (`1990s`).
    Num,
    /// A run of letters.
    Word,
    /// Any hyphen or dash: - ‐ ‑ ‒ – — −
    Dash,
    Dot,
    Comma,
    Slash,
    /// ' or ’ or ‘
    Apos,
    Other,
}

/// One token read forward from a candidate position.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub(crate) k: K,
    /// Byte offsets in the document.
    pub(crate) s: usize,
    pub(crate) e: usize,
    /// Value of a number (saturating).
    pub(crate) v: u32,
    /// Number of digits of a number.
    pub(crate) nd: u8,
    /// `21st`, `6th`
    pub(crate) ord: bool,
    /// `1990s`
    pub(crate) decade_s: bool,
    /// Digits glued to other letters (`3D`, `2000km`): never a date.
    pub(crate) glued: bool,
    /// White space before the token.
    pub(crate) sp: bool,
    /// A line break in the white space before the token.
    pub(crate) nl: bool,
}

const MAX_TOKS: usize = 12;

/// Lazy lexer: tokens from a start position, read only as far as the grammar asks.
pub(crate) struct Lexer<'a> {
    pub(crate) text: &'a str,
    toks: [Option<Tok>; MAX_TOKS],
    n: usize,
    pos: usize,
    done: bool,
}

pub(crate) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
    )
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str, pos: usize) -> Self {
        Lexer {
            text,
            toks: [None; MAX_TOKS],
            n: 0,
            pos,
            done: false,
        }
    }

    /// The `i`-th token from the start, lexing as needed.
    pub(crate) fn get(&mut self, i: usize) -> Option<Tok> {
        while self.n <= i && !self.done {
            match lex_one(self.text, self.pos) {
                Some(t) if self.n < MAX_TOKS => {
                    self.pos = t.e;
                    if let Some(slot) = self.toks.get_mut(self.n) {
                        *slot = Some(t);
                    }
                    self.n += 1;
                }
                _ => self.done = true,
            }
        }
        self.toks.get(i).copied().flatten()
    }

    /// The text of a token.
    pub(crate) fn s(&self, t: Tok) -> &'a str {
        self.text.get(t.s..t.e).unwrap_or("")
    }
}

/// Reads one token at or after `pos` (skipping white space, which never includes a blank line).
fn lex_one(text: &str, pos: usize) -> Option<Tok> {
    let rest = text.get(pos..)?;
    let mut it = rest.char_indices().peekable();
    let mut sp = false;
    let mut nl = false;
    let mut start = None;
    for (off, c) in it.by_ref() {
        if c.is_whitespace() {
            sp = true;
            if c == '\n' || c == '\u{2028}' || c == '\u{2029}' {
                nl = true;
            }
            continue;
        }
        start = Some((off, c));
        break;
    }
    let (off, c) = start?;
    let s = pos + off;
    let mut tok = Tok {
        k: K::Other,
        s,
        e: s + c.len_utf8(),
        v: 0,
        nd: 0,
        ord: false,
        decade_s: false,
        glued: false,
        sp,
        nl,
    };
    let bytes = text.as_bytes();
    if c.is_ascii_digit() {
        let mut e = s;
        let mut v: u32 = 0;
        let mut nd: u8 = 0;
        while let Some(&b) = bytes.get(e) {
            if !b.is_ascii_digit() {
                break;
            }
            v = v.saturating_mul(10).saturating_add(u32::from(b - b'0'));
            nd = nd.saturating_add(1);
            e += 1;
        }
        tok.k = K::Num;
        tok.v = v;
        tok.nd = nd;
        // Letters glued to the digits.
        let mut le = e;
        while bytes.get(le).is_some_and(|b| b.is_ascii_alphabetic()) {
            le += 1;
        }
        if le > e {
            let suf = text.get(e..le).unwrap_or("");
            if ["st", "nd", "rd", "th"]
                .iter()
                .any(|x| suf.eq_ignore_ascii_case(x))
            {
                tok.ord = true;
            } else if suf == "s" {
                tok.decade_s = true;
            } else {
                tok.glued = true;
            }
            e = le;
        } else if text
            .get(e..)
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_alphabetic)
        {
            tok.glued = true;
        }
        tok.e = e;
    } else if c.is_alphabetic() {
        let mut e = s;
        for (o, ch) in text.get(s..).unwrap_or("").char_indices() {
            if ch.is_alphabetic() {
                e = s + o + ch.len_utf8();
            } else {
                break;
            }
        }
        tok.k = K::Word;
        tok.e = e;
    } else {
        tok.k = match c {
            '.' => K::Dot,
            ',' => K::Comma,
            '/' => K::Slash,
            '\'' | '\u{2019}' | '\u{2018}' => K::Apos,
            c if is_dash(c) => K::Dash,
            _ => K::Other,
        };
    }
    Some(tok)
}

/// The word ending just before `pos` (skipping white space but not punctuation): its start and text.
/// A word is a run of letters and digits (`Q3`, `mid`). `None` at a line break or punctuation.
pub(crate) fn prev_word(text: &str, pos: usize) -> Option<(usize, &str)> {
    let before = text.get(..pos)?;
    let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    let end = trimmed.len();
    let mut start = end;
    for (o, c) in trimmed.char_indices().rev() {
        if c.is_alphanumeric() {
            start = o;
        } else {
            break;
        }
    }
    if start == end {
        return None;
    }
    Some((start, text.get(start..end)?))
}

/// The word ending just before `pos` is one of `words` (lowercase ASCII).
pub(crate) fn prev_is(text: &str, pos: usize, words: &[&str]) -> bool {
    prev_word(text, pos).is_some_and(|(_, w)| words.iter().any(|x| w.eq_ignore_ascii_case(x)))
}

/// The last non-space character before `pos` and its byte offset.
pub(crate) fn prev_char(text: &str, pos: usize) -> Option<(usize, char)> {
    let before = text.get(..pos)?;
    before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_whitespace() && *c != '\n'))
}

/// The character directly before `pos` (no skipping).
pub(crate) fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos)?.chars().next_back()
}

/// The character directly at `pos`.
pub(crate) fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?.chars().next()
}
