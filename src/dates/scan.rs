//! Candidate prefilter and tokens: the one pass over the bytes of a document that finds the few
//! positions where a calendar expression can start (digits, capitalised words, a handful of lowercase
//! keywords, an apostrophe before digits), a small lazy lexer that reads tokens forward from such a
//! position, and helpers that read the words just before it. It knows nothing of calendars: the
//! grammar lives in `parse`, values in `resolve`.

/// Byte classes of the prefilter: 0 = never starts a candidate.
const DIGIT: u8 = 1;
const UPPER: u8 = 2;
const LOWER_KEY: u8 = 3;
const LOWER_T: u8 = 4;
const APOS: u8 = 5;
const UTF8_E2: u8 = 6;

/// The prefilter table: digits, ASCII capitals, the lowercase letters that start the keywords looked
/// for on their own (`day`, `month`, `week`, `year`, `yesterday`; `t` for `today`/`tomorrow`), the
/// apostrophe, and the lead byte of U+2019.
static TRIGGER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_uppercase() {
            UPPER
        } else if c == b'd' || c == b'm' || c == b'w' || c == b'y' {
            LOWER_KEY
        } else if c == b't' {
            LOWER_T
        } else if c == b'\'' {
            APOS
        } else if c == 0xE2 {
            UTF8_E2
        } else {
            0
        };
        i += 1;
    }
    t
};

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

/// True when the character that ends just before `pos` is a letter or digit (so `pos` is inside a word).
pub(crate) fn inside_word(text: &str, pos: usize) -> bool {
    text.get(..pos)
        .and_then(|s| s.chars().next_back())
        .is_some_and(|c| c.is_alphanumeric())
}

/// The next candidate position at or after `from`, with its kind. `lower_t` enables words starting
/// with a lowercase `t` (only useful with an anchor: `today`, `tomorrow`).
pub(crate) fn next_candidate(text: &str, from: usize, lower_t: bool) -> Option<(usize, Trigger)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        let class = TRIGGER[b as usize];
        if class == 0 {
            i += 1;
            continue;
        }
        // Only word starts count; a quick ASCII look at the previous byte settles most cases.
        if i > 0 {
            if let Some(&p) = bytes.get(i - 1) {
                if p.is_ascii_alphanumeric() {
                    i += 1;
                    continue;
                }
                if p >= 0x80 && class != UTF8_E2 && inside_word(text, i) {
                    i += 1;
                    continue;
                }
            }
        }
        let kind = match class {
            DIGIT => Some(Trigger::Digit),
            UPPER | LOWER_KEY => Some(Trigger::Word),
            LOWER_T if lower_t => Some(Trigger::Word),
            APOS => bytes
                .get(i + 1)
                .filter(|c| c.is_ascii_digit())
                .map(|_| Trigger::Apostrophe),
            UTF8_E2 => {
                // U+2019 RIGHT SINGLE QUOTATION MARK is E2 80 99.
                if bytes.get(i + 1) == Some(&0x80)
                    && bytes.get(i + 2) == Some(&0x99)
                    && bytes.get(i + 3).is_some_and(|c| c.is_ascii_digit())
                    && !inside_word(text, i)
                {
                    Some(Trigger::Apostrophe)
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some(k) = kind {
            return Some((i, k));
        }
        // Skip the rest of this ASCII word.
        i += 1;
        while bytes.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
            i += 1;
        }
    }
    None
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
    pub k: K,
    /// Byte offsets in the document.
    pub s: usize,
    pub e: usize,
    /// Value of a number (saturating).
    pub v: u32,
    /// Number of digits of a number.
    pub nd: u8,
    /// `21st`, `6th`
    pub ord: bool,
    /// `1990s`
    pub decade_s: bool,
    /// Digits glued to other letters (`3D`, `2000km`): never a date.
    pub glued: bool,
    /// White space before the token.
    pub sp: bool,
    /// A line break in the white space before the token.
    pub nl: bool,
}

const MAX_TOKS: usize = 16;

/// Lazy lexer: tokens from a start position, read only as far as the grammar asks.
pub(crate) struct Lexer<'a> {
    pub text: &'a str,
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
        } else if text.get(e..).and_then(|r| r.chars().next()).is_some_and(char::is_alphabetic) {
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
