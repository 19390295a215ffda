//! Sentences: splits report prose into sentences so that each mention gets a sentence index and
//! co-occurrence can count sentences. Rules: `.`, `!`, `?` or `…` (with closing quotes or
//! brackets) followed by white space and a sentence opener end a sentence, unless the word before
//! the full stop is an abbreviation (`Col.`, `Gen.`, `Dr.`, `U.S.`, `Jan.`), an initial (`J.`), or
//! a number followed by lower case; a blank line (paragraph break) always ends one. It does not
//! tokenise words. The scan jumps (memchr) from one byte that can matter to the next.

/// Byte offsets where sentences start, in increasing order (the first is always 0).
#[derive(Debug, Clone, Default)]
pub(crate) struct Sentences {
    starts: Vec<usize>,
    count: usize,
}

const ABBREVIATIONS: &[&str] = &[
    "adm", "approx", "apr", "art", "aug", "brig", "capt", "cdr", "cf", "ch", "cmdr", "co", "col",
    "corp", "cpl", "cpt", "dec", "dept", "dr", "e.g", "eg", "esp", "est", "feb", "fig", "fr", "ft",
    "gen", "gov", "hon", "i.e", "ie", "inc", "jan", "jr", "jul", "jun", "lt", "ltd", "maj", "mar",
    "messrs", "mr", "mrs", "ms", "mt", "no", "nos", "nov", "oct", "op", "p", "pp", "prof", "pt",
    "pte", "rep", "rev", "sen", "sep", "sept", "sgt", "sr", "st", "supt", "viz", "vol", "vs",
];

fn is_abbreviation(word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    // Initials and dotted acronyms: J, U.S, U.N, e.g
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 1 && word.chars().all(|c| c.is_alphabetic()) {
        return word.chars().all(|c| c.is_uppercase());
    }
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2) {
        return true;
    }
    word.len() <= 8 && PACKED.contains(&pack(word.as_bytes(), true))
}

/// Up to 8 bytes as one integer (lower-cased if `lower`), so that a word is looked up
/// among the abbreviations without a string comparison.
const fn pack(b: &[u8], lower: bool) -> u64 {
    let mut x = 0u64;
    let mut i = 0;
    while i < b.len() && i < 8 {
        let c = if lower {
            b[i].to_ascii_lowercase()
        } else {
            b[i]
        };
        x |= (c as u64) << (8 * i);
        i += 1;
    }
    x
}

/// [`ABBREVIATIONS`], packed.
const PACKED: [u64; ABBREVIATIONS.len()] = {
    let mut out = [0u64; ABBREVIATIONS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = pack(ABBREVIATIONS[i].as_bytes(), false);
        i += 1;
    }
    out
};

impl Sentences {
    /// Splits `text`.
    pub(crate) fn split(text: &str) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        // Only these bytes can end a sentence or begin a line; the next of each kind is
        // found with memchr, and looked for again once passed.
        let next_mark = |i| find(b, i, |r| memchr::memchr3(b'.', b'!', b'?', r));
        let next_line = |i| find(b, i, |r| memchr::memchr2(b'\n', 0xE2, r));
        let (mut marks, mut lines) = (next_mark(0), next_line(0));
        while i < b.len() {
            if marks < i {
                marks = next_mark(i);
            }
            if lines < i {
                lines = next_line(i);
            }
            i = marks.min(lines);
            let Some(&c) = b.get(i) else { break };
            let terminal = matches!(c, b'.' | b'!' | b'?')
                || (c == 0xE2 && b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0xA6));
            if c == b'\n' {
                // A blank line ends the sentence.
                let mut j = i + 1;
                while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r') {
                    j += 1;
                }
                if j < b.len() && b[j] == b'\n' {
                    let mut k = j;
                    while k < b.len() && b[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    if k < b.len() {
                        push(&mut starts, k);
                    }
                    i = k;
                    continue;
                }
                i += 1;
                continue;
            }
            if !terminal {
                i += 1;
                continue;
            }
            let mut j = i + if c == 0xE2 { 3 } else { 1 };
            // Runs of terminal marks and closing quotes or brackets.
            loop {
                match b.get(j) {
                    Some(b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']') => j += 1,
                    Some(0xE2)
                        if matches!(b.get(j + 1..j + 3), Some([0x80, 0x99 | 0x9D | 0xA6])) =>
                    {
                        j += 3
                    }
                    Some(0xC2) if b.get(j + 1) == Some(&0xBB) => j += 2,
                    _ => break,
                }
            }
            // White space must follow.
            let ws_start = j;
            while j < b.len()
                && (b[j].is_ascii_whitespace() || (b[j] == 0xC2 && b.get(j + 1) == Some(&0xA0)))
            {
                j += if b[j] == 0xC2 { 2 } else { 1 };
            }
            if j == ws_start || j >= b.len() {
                i = j.max(i + 1);
                continue;
            }
            if c == b'.' && !opens_sentence_after_period(text, i, j) {
                i = j;
                continue;
            }
            if opener(text, j) {
                push(&mut starts, j);
            }
            i = j;
        }
        let mut count = 0;
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(text.len());
            if text.get(s..e).is_some_and(|t| !t.trim().is_empty()) {
                count += 1;
            }
        }
        Sentences { starts, count }
    }

    /// Index of the sentence holding byte offset `pos`.
    pub(crate) fn index_of(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos).saturating_sub(1)
    }

    /// Number of non-empty sentences.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Sentence start offsets.
    pub(crate) fn starts(&self) -> &[usize] {
        &self.starts
    }
}

/// The position of the first byte at or after `from` that `search` finds in `b[from..]`,
/// or `b.len()`.
#[inline]
fn find(b: &[u8], from: usize, search: impl Fn(&[u8]) -> Option<usize>) -> usize {
    b.get(from..).and_then(search).map_or(b.len(), |k| from + k)
}

fn push(starts: &mut Vec<usize>, s: usize) {
    if starts.last().is_none_or(|&l| l < s) {
        starts.push(s);
    }
}

/// May a sentence start at `j`? Upper case, digits, opening quotes and brackets, and letters
/// of scripts without case.
fn opener(text: &str, j: usize) -> bool {
    let Some(c) = text.get(j..).and_then(|t| t.chars().next()) else {
        return false;
    };
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            '"' | '\'' | '(' | '[' | '“' | '‘' | '«' | '→' | '•' | '-' | '–' | '—'
        )
        || (c.is_alphabetic() && !c.is_lowercase())
}

/// For a full stop at `i` followed by white space up to `j`: does it end the sentence?
fn opens_sentence_after_period(text: &str, i: usize, j: usize) -> bool {
    let before = match text.get(..i) {
        Some(t) => t,
        None => return true,
    };
    // The word before the period, with inner dots (U.S, e.g).
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map_or(0, |(k, c)| k + c.len_utf8());
    let word = before.get(word_start..).unwrap_or("");
    if is_abbreviation(word) {
        // "in the U.S. The ..." stays one sentence: a rare loss against many false splits.
        return false;
    }
    // "No. 5", "p. 12": handled by the abbreviation list; a number then lower case is not an end.
    let _ = j;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        let s = Sentences::split(t);
        let st = s.starts();
        (0..st.len())
            .map(|k| t[st[k]..st.get(k + 1).copied().unwrap_or(t.len())].trim())
            .collect()
    }

    #[test]
    fn abbreviation_list_is_sorted_and_packs() {
        let mut v = ABBREVIATIONS.to_vec();
        v.sort();
        assert_eq!(v, ABBREVIATIONS);
        for a in ABBREVIATIONS {
            assert!(a.len() <= 8 && a.bytes().all(|b| b.is_ascii_lowercase() || b == b'.'));
            // (A single letter is an initial only in capitals.)
            assert!(a.len() == 1 || is_abbreviation(a), "{a}");
            assert!(is_abbreviation(&a.to_uppercase()), "{a}");
            let longer = format!("{a}x");
            assert!(
                a.contains('.') || ABBREVIATIONS.contains(&&*longer) || !is_abbreviation(&longer)
            );
        }
        assert!(
            !is_abbreviation("approxi")
                && !is_abbreviation("messrs.x")
                && !is_abbreviation("colonel")
        );
    }

    #[test]
    fn splits_report_prose() {
        let cases: &[(&str, &[&str])] = &[
            ("He left. She stayed.", &["He left.", "She stayed."]),
            (
                "Col. Gulmurod Khalimov defected. ISIS said so.",
                &["Col. Gulmurod Khalimov defected.", "ISIS said so."],
            ),
            (
                "Gen. Michael Kurilla and Dr. Smith met in the U.S. in Jan. 2024. Then they left.",
                &[
                    "Gen. Michael Kurilla and Dr. Smith met in the U.S. in Jan. 2024.",
                    "Then they left.",
                ],
            ),
            (
                "J. R. Smith spoke. It rose 3.5 percent.",
                &["J. R. Smith spoke.", "It rose 3.5 percent."],
            ),
            (
                "He said 'it is over.' Then he went.",
                &["He said 'it is over.'", "Then he went."],
            ),
            (
                "A heading\n\nThe body text\ncontinues here.",
                &["A heading", "The body text\ncontinues here."],
            ),
            ("Why? Because. Really!", &["Why?", "Because.", "Really!"]),
            ("the end. and more", &["the end. and more"]),
        ];
        for (text, want) in cases {
            assert_eq!(split(text), *want, "{text:?}");
        }
    }

    /// The byte-by-byte scan that `Sentences::split` replaced (memchr jumps), kept to check
    /// that both split alike.
    fn split_reference(text: &str) -> (Vec<usize>, usize) {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let terminal = matches!(c, b'.' | b'!' | b'?')
                || (c == 0xE2 && b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0xA6));
            if c == b'\n' {
                // A blank line ends the sentence.
                let mut j = i + 1;
                while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r') {
                    j += 1;
                }
                if j < b.len() && b[j] == b'\n' {
                    let mut k = j;
                    while k < b.len() && b[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    if k < b.len() {
                        push(&mut starts, k);
                    }
                    i = k;
                    continue;
                }
                i += 1;
                continue;
            }
            if !terminal {
                i += 1;
                continue;
            }
            let mut j = i + if c == 0xE2 { 3 } else { 1 };
            // Runs of terminal marks and closing quotes or brackets.
            loop {
                match b.get(j) {
                    Some(b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']') => j += 1,
                    Some(0xE2)
                        if matches!(b.get(j + 1..j + 3), Some([0x80, 0x99 | 0x9D | 0xA6])) =>
                    {
                        j += 3
                    }
                    Some(0xC2) if b.get(j + 1) == Some(&0xBB) => j += 2,
                    _ => break,
                }
            }
            // White space must follow.
            let ws_start = j;
            while j < b.len()
                && (b[j].is_ascii_whitespace() || (b[j] == 0xC2 && b.get(j + 1) == Some(&0xA0)))
            {
                j += if b[j] == 0xC2 { 2 } else { 1 };
            }
            if j == ws_start || j >= b.len() {
                i = j.max(i + 1);
                continue;
            }
            if c == b'.' && !opens_sentence_after_period(text, i, j) {
                i = j;
                continue;
            }
            if opener(text, j) {
                push(&mut starts, j);
            }
            i = j;
        }
        let mut count = 0;
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(text.len());
            if text.get(s..e).is_some_and(|t| !t.trim().is_empty()) {
                count += 1;
            }
        }
        (starts, count)
    }

    proptest::proptest! {
        #[test]
        fn splits_as_the_byte_scan(pieces in proptest::collection::vec(proptest::sample::select(vec![
            ".", "!", "?", "…", "\n", "\n\n", " \n \t\n", "\r\n", "\"", "'", ")", "]", "’", "”",
            "»", "\u{a0}", " ", "  ", "Col", "U.S", "J", "the", "He", "3", "«", "“", "é", "Ж", "—",
            "e.g", "\u{2026}", "\u{2028}", "x", "(", "-", "€", "\u{e2}",
        ]), 0..40)) {
            let text: String = pieces.concat();
            let s = Sentences::split(&text);
            let (starts, count) = split_reference(&text);
            proptest::prop_assert_eq!(s.starts(), &starts[..]);
            proptest::prop_assert_eq!(s.count(), count);
        }
    }

    #[test]
    fn index_of_maps_offsets() {
        let t = "One. Two. Three.";
        let s = Sentences::split(t);
        assert_eq!(s.count(), 3);
        assert_eq!(s.index_of(0), 0);
        assert_eq!(s.index_of(t.find("Two").unwrap_or(0)), 1);
        assert_eq!(s.index_of(t.find("Three").unwrap_or(0)), 2);
    }
}
