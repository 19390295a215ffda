//! Skeletons: one spelling for the romanisations of a name, so that a list that writes
//! `Mukhtar Dzhumaev` also finds `Muhtar Jumaev`, `Mukhtar Dzhumayev` and `Мухтар Джумаев`.
//!
//! A word's skeleton is its lower-case Latin letters after these rules, in order:
//! 1. Cyrillic (Russian, Tajik, Uzbek, Kazakh, Kyrgyz, Ukrainian letters) to Latin, press
//!    style (`ж` zh, `х` kh, `ц` ts, `ч` ch, `ш` sh, `щ` shch, `ю` yu, `я` ya, `ҷ` j, `ғ` gh,
//!    `қ` q, `ҳ` h, `ӯ` u, `ӣ` i); accents dropped, `ş ç ž š č ğ ı ə` as `sh ch zh sh ch g i a`;
//!    Uzbek `oʻ`/`o'` as `u` and `gʻ` as `g`; other apostrophes (ayn, hamza: `' ʿ ʾ ’`) dropped.
//! 2. Letter groups: `dzh`, `dj`, `zh` and `j` as `j`; `kh` as `h`; `gh` as `g`; `q` as `k`;
//!    `x` as `h` at the start or before a consonant (Uzbek Latin `Xurshed`), else as `ks`
//!    (`Alexei`).
//! 3. Glides: `iy` before a vowel as `y`; `ye`, `ie` as `e` (`Dzhumayev`, `Aliev`,
//!    `Mirziyoyev`/`Mirziyoev`); `iu` as `yu`, `ia` as `ya`; `y` not before a vowel as `i`
//!    (`ay`/`ai`, `Dmitriy`/`Dmitry`/`Dmitri`, `Kyrgyz`/`Kirgiz`); `ee` as `i`, `oo` and `ou`
//!    as `u` (press spellings of Persian and Arabic names: `Saeed`, `Mahmood`, `Mahmoud`).
//! 4. Doubled letters as one (`Haqqani`/`Haqani`, `Hassan`/`Hasan`).
//! 5. The ending `-uddin`/`-iddin`/`-eddin` as one in words of seven letters or more
//!    (`Sirajuddin`/`Sirajiddin`).
//!
//! The other reading ([`skeleton_word`] with `alt`) reads every `x` the other way and a `j`
//! before a vowel as `y` (German and Polish romanisations: `Juldaschew`): a text word is
//! looked up in both readings, a list name keyed in the first only.
//!
//! Names are cut into words by [`next_word`]: letters, digits and marks with apostrophes
//! inside (`Yo'ldashev`, `Shari'a`), without an English possessive `'s`; between two words of
//! one name only white space or a dash. This module only spells; the keys are the
//! gazetteer's (`gazetteer::variants`), the matching resolve's.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// FNV-1a over bytes, continued from `h`: the hash of skeleton keys and of folded words
/// (also computed at build time for the word lists, by `build.rs`).
#[inline]
pub fn hash_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The hash of a key before its first word.
pub const KEY_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Is `c` an apostrophe or a mark that romanisations write for ayn and hamza?
pub fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}'
            | '\u{2018}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '\u{02BF}'
            | '\u{02BE}'
            | '`'
            | '\u{00B4}'
            | '\u{2032}'
    )
}

/// Is the character at byte `i` of `text` an apostrophe between two letters (inside a word)?
pub fn apostrophe_inside(text: &str, i: usize) -> bool {
    let (Some(before), Some(rest)) = (text.get(..i), text.get(i..)) else {
        return false;
    };
    let mut r = rest.chars();
    r.next().is_some_and(is_apostrophe)
        && r.next().is_some_and(is_letter)
        && before.chars().next_back().is_some_and(is_letter)
}

/// Is `c` a dash that may join the words of a name?
pub fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// A letter, digit or combining mark.
fn is_letter(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// A word of a text or a name (byte offsets), and what came before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The word begins with an upper-case letter.
    pub capital: bool,
    /// A dash stands between it and the word before.
    pub after_dash: bool,
}

/// The word that begins at byte `at` of `text` (which must be a word start), or None.
pub fn word_at(text: &str, at: usize) -> Option<Word> {
    let rest = text.get(at..)?;
    // Fast path: an ASCII word ended by an ASCII character that is no apostrophe.
    let b = rest.as_bytes();
    let n = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if n > 0
        && b.get(n)
            .is_none_or(|&c| c < 0x80 && c != b'\'' && c != b'`')
    {
        return Some(Word {
            start: at,
            end: at + n,
            capital: b.first().is_some_and(u8::is_ascii_uppercase),
            after_dash: false,
        });
    }
    let mut chars = rest.char_indices().peekable();
    let (_, first) = chars.next()?;
    if !is_letter(first) {
        return None;
    }
    let mut end = at + first.len_utf8();
    while let Some((i, c)) = chars.next() {
        if is_letter(c) {
            end = at + i + c.len_utf8();
        } else if is_apostrophe(c) {
            // Inside a word when a letter follows, but not an English possessive `'s`.
            let next = chars.peek().map(|&(_, n)| n);
            if !next.is_some_and(is_letter) {
                break;
            }
            let after = rest.get(i + c.len_utf8()..).unwrap_or("");
            let mut a = after.chars();
            if matches!(a.next(), Some('s' | 'S')) && !a.next().is_some_and(is_letter) {
                break;
            }
        } else {
            break;
        }
    }
    Some(Word {
        start: at,
        end,
        capital: first.is_uppercase(),
        after_dash: false,
    })
}

/// The words of `text` where a name may begin, in text order: each word that begins with a
/// capital letter, and each Arabic article joined by a dash to the next word (`al-Sharia`).
/// The text is read eight bytes at a time, stopping only at capitals, dashes and non-ASCII
/// bytes; the matching rules share the list (one pass over the text).
pub fn name_starts(text: &str) -> Vec<Word> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 8) {
            let x = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([0; 8]));
            let m = interesting(x);
            if m == 0 {
                i += 8;
                continue;
            }
            i += m.trailing_zeros() as usize / 8;
        }
        i = name_start_at(text, i, &mut out);
    }
    out
}

/// Bit 7 of each byte of `x` that is a capital A-Z, a `-` or not ASCII.
#[inline]
fn interesting(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = x & !HIGH;
    // Bytes in 0x41..=0x5A: (low + (0x80 - 0x41)) has bit 7, (low + (0x80 - 0x5B)) has not.
    let upper = (low + ONES * (0x80 - 0x41)) & !(low + ONES * (0x80 - 0x5B)) & !x & HIGH;
    let d = x ^ (ONES * u64::from(b'-'));
    let dash = d.wrapping_sub(ONES) & !d & HIGH;
    (x & HIGH) | upper | dash
}

/// Looks at byte `i` (a capital, a dash, a non-ASCII byte, or any byte near the end): pushes
/// the name start there, if any, and says where to go on from.
fn name_start_at(text: &str, i: usize, out: &mut Vec<Word>) -> usize {
    let b = text.as_bytes();
    let Some(&c) = b.get(i) else {
        return i + 1;
    };
    let ch = if c < 0x80 {
        char::from(c)
    } else {
        match text.get(i..).and_then(|t| t.chars().next()) {
            Some(ch) => ch,
            None => return i + 1,
        }
    };
    if is_dash(ch) {
        if let Some(w) = article_before_dash(text, i) {
            out.push(w);
        }
        return i + ch.len_utf8();
    }
    if !is_letter(ch) {
        return i + ch.len_utf8();
    }
    let inside = text
        .get(..i)
        .and_then(|t| t.chars().next_back())
        .is_some_and(|p| {
            is_letter(p) || (is_apostrophe(p) && apostrophe_inside(text, i - p.len_utf8()))
        });
    if ch.is_uppercase() && !inside {
        if let Some(w) = word_at(text, i) {
            out.push(w);
            return w.end.max(i + 1);
        }
    }
    word_rest_end(text, i + ch.len_utf8())
}

/// The Arabic article (2 or 3 lower-case ASCII letters, a word of its own) right before the
/// dash at `dash`, as a word.
fn article_before_dash(text: &str, dash: usize) -> Option<Word> {
    let b = text.as_bytes();
    let n = b
        .get(..dash)?
        .iter()
        .rev()
        .take(4)
        .take_while(|c| c.is_ascii_lowercase())
        .count();
    let start = dash - n;
    let alone = !text
        .get(..start)
        .and_then(|t| t.chars().next_back())
        .is_some_and(|p| is_letter(p) || is_apostrophe(p));
    ((2..=3).contains(&n) && alone)
        .then(|| word_at(text, start))
        .flatten()
}

/// Where the word that `at` is in (or right after) ends: past letters, digits, marks and
/// apostrophes inside it.
fn word_rest_end(text: &str, mut at: usize) -> usize {
    let b = text.as_bytes();
    while let Some(&c) = b.get(at) {
        if c.is_ascii_alphanumeric() {
            at += 1;
            continue;
        }
        if c < 0x80 && c != b'\'' && c != b'`' {
            return at;
        }
        let Some(ch) = text.get(at..).and_then(|t| t.chars().next()) else {
            return at + 1;
        };
        if is_letter(ch) || (is_apostrophe(ch) && apostrophe_inside(text, at)) {
            at += ch.len_utf8();
        } else {
            return at;
        }
    }
    at
}

/// The next word of the same name after the word ending at `end`: only white space or one
/// dash (with white space around it) may stand between them.
pub fn next_word(text: &str, end: usize) -> Option<Word> {
    let rest = text.get(end..)?;
    let mut dash = false;
    for (i, c) in rest.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        if is_dash(c) && !dash {
            dash = true;
            continue;
        }
        if i == 0 {
            return None;
        }
        return word_at(text, end + i).map(|w| Word {
            after_dash: dash,
            ..w
        });
    }
    None
}

/// The words of a name, or None when it holds anything else than words, white space,
/// dashes and apostrophes inside words.
pub fn name_words(name: &str) -> Option<Vec<Word>> {
    let t = name.trim();
    let off = name.len() - name.trim_start().len();
    let mut out = vec![word_at(t, 0)?];
    let mut end = out.last()?.end;
    while end < t.len() {
        let w = next_word(t, end)?;
        end = w.end;
        out.push(w);
    }
    for w in &mut out {
        w.start += off;
        w.end += off;
    }
    Some(out)
}

/// Appends the skeleton of `word` to `out`; `alt` takes the other reading of `x` and `j`.
/// Returns whether the word has a letter read two ways (so that `alt` may differ).
pub fn skeleton_word(word: &str, alt: bool, out: &mut Vec<u8>) -> bool {
    thread_local! {
        /// Scratch space of the three steps, kept between calls (names are skeletonised by
        /// the hundred thousand at start-up).
        static BUFS: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
            const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    }
    BUFS.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (a, b) = &mut *guard;
        a.clear();
        b.clear();
        let two_ways = letters(word, a);
        groups(a, alt, b);
        a.clear();
        glides(b, a);
        let start = out.len();
        for &c in a.iter() {
            if out.len() > start && out.last() == Some(&c) && c.is_ascii_alphabetic() {
                continue;
            }
            out.push(c);
        }
        din_ending(out, start);
        two_ways
    })
}

/// Step 5: the ending `-uddin` of Arabic and Persian press spellings is `-iddin` in Uzbek and
/// Tajik (`Sirajuddin`/`Sirajiddin`, `Nuriddin`/`Nureddin`/`Nuruddin`): in a word of seven
/// letters or more, `idin`, `edin` and `udin` at the end (doubles already single) are one.
fn din_ending(out: &mut [u8], start: usize) {
    let n = out.len();
    if n < start + 7 || !out.ends_with(b"din") {
        return;
    }
    if let Some(v) = out
        .get_mut(n - 4)
        .filter(|v| matches!(v, b'i' | b'e' | b'u'))
    {
        *v = b'u';
    }
}

/// The skeleton of one word as a string (tests).
#[cfg(test)]
pub fn skeleton(word: &str) -> String {
    let mut v = Vec::new();
    skeleton_word(word, false, &mut v);
    String::from_utf8_lossy(&v).into_owned()
}

/// Is this word skeleton an Arabic article (`al`, `el`) or, joined by a dash to the next
/// word, an assimilated one (`ash-`, `an-`, `ul-`)? All are keyed as `al`.
pub fn article(skel: &[u8], dash_after: bool) -> bool {
    match skel {
        b"al" | b"el" => true,
        b"as" | b"ash" | b"ad" | b"an" | b"ar" | b"at" | b"az" | b"ath" | b"adh" | b"ud"
        | b"ut" | b"us" | b"un" | b"ur" | b"ul" | b"uz" | b"ush" => dash_after,
        _ => false,
    }
}

/// Step 1: lower-case Latin letters (Cyrillic transliterated, accents dropped), with a
/// literal `x` as `X` and `j` as `J` (read later); digits kept, other scripts kept as they
/// are. Returns whether an `x` or `j` was written.
fn letters(word: &str, out: &mut Vec<u8>) -> bool {
    let mut two_ways = false;
    for c in word.chars() {
        if c.is_ascii_alphanumeric() {
            two_ways |= push_ascii(c.to_ascii_lowercase(), out);
            continue;
        }
        if is_apostrophe(c) {
            // Uzbek Latin: oʻ and gʻ are letters of their own; elsewhere ayn or hamza.
            if out.last() == Some(&b'o') {
                out.pop();
                out.push(b'u');
            }
            continue;
        }
        for l in c.to_lowercase() {
            if let Some(t) = cyrillic(l) {
                out.extend_from_slice(t.as_bytes());
                continue;
            }
            if let Some(t) = latin_special(l) {
                out.extend_from_slice(t.as_bytes());
                continue;
            }
            if l.is_ascii() {
                two_ways |= push_ascii(l, out);
                continue;
            }
            if is_combining_mark(l) {
                continue;
            }
            let mut base = None;
            decompose_canonical(l, |d| {
                if base.is_none() && !is_combining_mark(d) {
                    base = Some(d);
                }
            });
            match base.filter(char::is_ascii) {
                Some('x') => {
                    two_ways = true;
                    out.push(b'X');
                }
                Some(b) => out.push(b.to_ascii_lowercase() as u8),
                None => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
    }
    two_ways
}

/// Latin letters that are written as two in English romanisations, or have no ASCII base.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ş' | 'ș' | 'š' => "sh",
        'ç' | 'č' => "ch",
        'ž' => "zh",
        'ğ' | 'ǧ' => "g",
        'ı' => "i",
        'ə' | 'æ' => "a",
        'ø' | 'œ' => "o",
        'ß' => "ss",
        'đ' | 'ð' => "d",
        'ł' => "l",
        'þ' => "th",
        _ => return None,
    })
}

/// Cyrillic letters (lower case) in press romanisation.
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        'е' | 'э' => "e",
        'є' => "ye",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ӣ' => "i",
        'ї' => "yi",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ӯ' | 'ў' | 'ү' | 'ұ' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'ҷ' | 'ҹ' => "j",
        'ғ' => "gh",
        'қ' => "q",
        'ҳ' | 'һ' => "h",
        'ә' => "a",
        'ң' => "ng",
        _ => return None,
    })
}

fn vowel(c: Option<&u8>) -> bool {
    matches!(c, Some(b'a' | b'e' | b'i' | b'o' | b'u'))
}

/// Step 2: letter groups.
fn groups(a: &[u8], alt: bool, out: &mut Vec<u8>) {
    let mut i = 0;
    while let Some(&c) = a.get(i) {
        let next = a.get(i + 1).copied();
        let after = a.get(i + 2).copied();
        match (c, next, after) {
            (b'd', Some(b'z'), Some(b'h')) => {
                out.push(b'j');
                i += 3;
            }
            (b'd', Some(b'j' | b'J'), _) | (b'z', Some(b'h'), _) => {
                out.push(b'j');
                i += 2;
            }
            (b'k', Some(b'h'), _) => {
                out.push(b'h');
                i += 2;
            }
            (b'g', Some(b'h'), _) => {
                out.push(b'g');
                i += 2;
            }
            (b'q', _, _) => {
                out.push(b'k');
                i += 1;
            }
            (b'X', _, _) => {
                let as_h = i == 0 || (next.is_some() && !vowel(a.get(i + 1)));
                out.extend_from_slice(if as_h != alt { b"h" } else { b"ks" });
                i += 1;
            }
            (b'J', _, _) => {
                out.push(if alt && vowel(a.get(i + 1)) {
                    b'y'
                } else {
                    b'j'
                });
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// Step 3: glides and long vowels.
fn glides(b: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        match (c, next) {
            (b'i', Some(b'y')) if vowel(b.get(i + 2)) => i += 1,
            (b'y' | b'i', Some(b'e')) => {
                out.push(b'e');
                i += 2;
            }
            (b'i', Some(b'u')) => {
                out.extend_from_slice(b"yu");
                i += 2;
            }
            (b'i', Some(b'a')) => {
                out.extend_from_slice(b"ya");
                i += 2;
            }
            (b'y', _) if !vowel(b.get(i + 1)) => {
                out.push(b'i');
                i += 1;
            }
            (b'e', Some(b'e')) => {
                out.push(b'i');
                i += 2;
            }
            (b'o', Some(b'o' | b'u')) => {
                out.push(b'u');
                i += 2;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// Pushes a lower-case ASCII letter or digit; `x` and `j`, which romanisations read two ways,
/// go in as the markers `X` and `J` (and make the word worth a second key: `true`).
#[inline]
fn push_ascii(l: char, out: &mut Vec<u8>) -> bool {
    match l {
        'x' => out.push(b'X'),
        'j' => out.push(b'J'),
        _ => {
            out.push(l as u8);
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spellings that must share a skeleton (positive), and pairs that must not (negative).
    #[test]
    fn romanisations_share_a_skeleton() {
        let same: &[&[&str]] = &[
            &[
                "Dzhumaev",
                "Jumaev",
                "Dzhumayev",
                "Джумаев",
                "Ҷумаев",
                "Djumaev",
            ],
            &["Mukhtar", "Muhtar", "Мухтар"],
            &["Khurshed", "Hurshed", "Xurshed", "Хуршед"],
            &[
                "Yuldashev",
                "Iuldashev",
                "Yo'ldashev",
                "Yoʻldashev",
                "Юлдашев",
            ],
            &["Aleksei", "Alexei", "Aleksey", "Алексей"],
            &["Dushanbe", "Душанбе"],
            &["Sharia", "Shari'a", "Shariʿa", "Shari’a"],
            &["Jaish", "Jaysh"],
            &["Haqqani", "Haqani", "Ҳаққанӣ"],
            &["Dmitriy", "Dmitry", "Dmitrii", "Dmitri", "Дмитрий"],
            &["Mirziyoyev", "Mirziyoev", "Мирзиёев"],
            &["Aliyev", "Aliev", "Alyev", "Алиев"],
            &["Kyrgyzstan", "Kirgizstan", "Кыргызстан"],
            &["Haydar", "Haidar"],
            &["Zhanaozen", "Janaozen", "Жанаозен"],
            &["Qodirov", "Kodirov", "Қодиров"],
            &["Ghafurov", "Gafurov", "Ғафуров", "G'afurov"],
            &["Yevgeny", "Evgeny", "Евгений", "Evgenii"],
            &["Maksim", "Maxim"],
            &["Saeed", "Said"],
            &["Mahmood", "Mahmud", "Mahmoud"],
            &["Rakhmon", "Rahmon", "Раҳмон", "Рахмон"],
            &["Sirajuddin", "Sirajiddin", "Сираджиддин"],
            &["Nuriddin", "Nureddin", "Nuruddin", "Нуриддин"],
        ];
        for group in same {
            let want = skeleton(group[0]);
            for w in group.iter() {
                assert_eq!(skeleton(w), want, "{w} vs {}", group[0]);
            }
        }
        let differ: &[(&str, &str)] = &[
            ("Umarov", "Umarova"),
            ("Dzhumaev", "Dzhumabaev"),
            ("Khalimov", "Kalimov"),
            ("Tashkent", "Tashkant"),
            ("Paris", "Parish"),
            ("Osh", "Ash"),
            ("Aladdin", "Aliddin"),
            ("Odin", "Udin"),
        ];
        for (a, b) in differ {
            assert_ne!(skeleton(a), skeleton(b), "{a} / {b}");
        }
    }

    #[test]
    fn the_other_reading_of_x_and_j() {
        let read = |w: &str, alt: bool| {
            let mut v = Vec::new();
            skeleton_word(w, alt, &mut v);
            String::from_utf8(v).unwrap_or_default()
        };
        // German Ju = Yu; Uzbek intervocalic x = kh.
        assert_eq!(read("Juldaschew", true), read("Yuldaschew", false));
        assert_eq!(read("Toxir", true), read("Tokhir", false));
        assert_eq!(read("Alex", false), read("Aleks", false));
        assert_ne!(read("Jumaev", false), read("Yumaev", false));
    }

    #[test]
    fn where_names_may_begin() {
        let text =
            "The IMU and al-Qaeda met O'Brien in d'Ivoire, McLean and Ansar al\u{2011}Shariʿa; \
                    Мухтар Джумаев, мухтар, iPhone, ash-Sham; Kabul-based. X";
        let got: Vec<&str> = name_starts(text)
            .iter()
            .map(|w| &text[w.start..w.end])
            .collect();
        assert_eq!(
            got,
            [
                "The",
                "IMU",
                "al",
                "Qaeda",
                "O'Brien",
                "McLean",
                "Ansar",
                "al",
                "Shariʿa",
                "Мухтар",
                "Джумаев",
                "ash",
                "Sham",
                "Kabul",
                "X"
            ]
        );
    }

    #[test]
    fn words_of_names_and_texts() {
        let text = "Ansar al‑Shariʿa and Dzhumaev's men; Yo'ldashev — Khurshed";
        let w = word_at(text, 0).unwrap_or(Word {
            start: 0,
            end: 0,
            capital: false,
            after_dash: false,
        });
        assert_eq!(&text[w.start..w.end], "Ansar");
        let n = next_word(text, w.end).map(|x| &text[x.start..x.end]);
        assert_eq!(n, Some("al"));
        let names = name_words("Ansar al-Shari'a").unwrap_or_default();
        let got: Vec<&str> = names
            .iter()
            .map(|w| &"Ansar al-Shari'a"[w.start..w.end])
            .collect();
        assert_eq!(got, ["Ansar", "al", "Shari'a"]);
        assert!(names.get(2).is_some_and(|w| w.after_dash));
        let at = text.find("Dzhumaev").unwrap_or(0);
        let d = word_at(text, at).map(|x| &text[x.start..x.end]);
        assert_eq!(d, Some("Dzhumaev"));
        // A semicolon ends a name; a dash with spaces joins.
        let at = text.find("men").unwrap_or(0);
        assert_eq!(next_word(text, at + 3), None);
        let at = text.find("Yo'ldashev").unwrap_or(0) + "Yo'ldashev".len();
        assert_eq!(
            next_word(text, at).map(|x| &text[x.start..x.end]),
            Some("Khurshed")
        );
        assert_eq!(name_words("U.S. Army"), None);
        assert_eq!(name_words("Re:Russia"), None);
    }
}
