//! Variant matches (issue 11, rules 1 and 2): names spelled another way than the list's
//! (`Muhtar Jumaev`, `Мухтар Джумаев` for `Mukhtar Dzhumaev`) and PERSON names with their
//! last part first (`Umarov Doku`), found through the gazetteer's skeleton keys.
//!
//! The text is walked word by word (`normalize::skeleton`); a walk starts only at a
//! capitalised word or an Arabic article joined by a dash (`al-Sharia`), and goes on while
//! some key has more words; each word is read both ways when it has an `x` or a `j`. A key
//! matches when every word the list capitalises is capitalised in the text. The longest key
//! found at a start wins, and the first target in load order is the entry (alternatives
//! kept). An exact or alias match always beats a variant: a variant is kept only where it
//! covers no exact span partly or equally, and it replaces the exact spans it strictly
//! contains (`Muhtar Dzhumaev` over the alias `Dzhumaev`).

use super::{Match, Rules, Span};
use crate::gazetteer::variants::{is_title, key_step, key_word, Variants, KEY_SEED};
use crate::gazetteer::Gazetteer;
use crate::normalize::skeleton::{
    apostrophe_inside, name_words, next_word, skeleton_word, word_at, Word,
};
use crate::normalize::{fold, is_word_char, FoldOptions};

/// The skeleton hashes of a word read both ways (the second when it differs).
fn readings(text: &str, w: &Word, dash_after: bool) -> [Option<Vec<u8>>; 2] {
    let word = text.get(w.start..w.end).unwrap_or("");
    let mut a = Vec::with_capacity(word.len() + 4);
    let two = skeleton_word(word, false, &mut a);
    let fix = |s: &mut Vec<u8>| {
        key_word(s, dash_after);
    };
    fix(&mut a);
    let mut b = None;
    if two {
        let mut alt = Vec::with_capacity(a.len() + 2);
        skeleton_word(word, true, &mut alt);
        fix(&mut alt);
        if alt != a {
            b = Some(alt);
        }
    }
    [Some(a), b]
}

/// A walk's best key so far: (end of its last word, words, key hash).
type Hit = (usize, usize, u64);

/// Finds the variant spans of `text` (in text order, not overlapping each other).
pub fn find_variants(text: &str, g: &Gazetteer, v: &Variants, rules: Rules, out: &mut Vec<Span>) {
    if v.is_empty() || !(rules.variants || rules.reorder) {
        return;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut prev_word = false;
    while i < bytes.len() {
        let b = bytes[i];
        let (c, len) = if b < 0x80 {
            (char::from(b), 1)
        } else {
            match text.get(i..).and_then(|t| t.chars().next()) {
                Some(c) => (c, c.len_utf8()),
                None => {
                    i += 1;
                    continue;
                }
            }
        };
        let word = is_word_char(c);
        let start = word && !prev_word && (c.is_uppercase() || matches!(b, b'a' | b'e' | b'u'));
        prev_word = word || (prev_word && apostrophe_inside(text, i));
        if !start {
            i += len;
            continue;
        }
        let Some(w) = word_at(text, i) else {
            i += len;
            continue;
        };
        if let Some(span) = walk(text, g, v, rules, w) {
            i = span.end;
            prev_word = true;
            out.push(span);
        } else {
            i = w.end;
            prev_word = true;
        }
    }
}

/// The longest variant that begins with word `w`, if any.
fn walk(text: &str, g: &Gazetteer, v: &Variants, rules: Rules, w: Word) -> Option<Span> {
    let mut words = vec![w];
    let mut next = next_word(text, w.end);
    let first = readings(text, &w, next.is_some_and(|n| n.after_dash));
    if !w.capital && first[0].as_deref() != Some(b"al") {
        return None;
    }
    let mut states: Vec<u64> = first
        .iter()
        .flatten()
        .map(|s| key_step(KEY_SEED, s))
        .filter(|&h| v.may_begin(h))
        .collect();
    let mut best: Option<Hit> = None;
    let mut caps = u32::from(w.capital);
    loop {
        for &h in &states {
            if v.get(h).iter().any(|t| t.caps & !caps == 0) {
                let n = words.len();
                if best.is_none_or(|(_, bn, _)| n > bn) {
                    best = Some((words.last()?.end, n, h));
                }
            }
        }
        states.retain(|&h| v.continues(h));
        let Some(nw) = next.filter(|_| !states.is_empty() && words.len() < 32) else {
            break;
        };
        next = next_word(text, nw.end);
        let r = readings(text, &nw, next.is_some_and(|n| n.after_dash));
        if nw.capital && r[0].as_deref() != Some(b"al") {
            caps |= 1 << words.len();
        }
        words.push(nw);
        let mut grown = Vec::with_capacity(states.len() * 2);
        for &h in &states {
            for s in r.iter().flatten() {
                grown.push(key_step(h, s));
            }
        }
        grown.truncate(8);
        states = grown;
    }
    let (end, n, h) = best?;
    // A lone word in short capitals is an acronym, no spelling of a name (`ECLA`).
    let lone = text.get(w.start..w.end).unwrap_or("");
    if n == 1 && lone.chars().count() <= 5 && !lone.chars().any(char::is_lowercase) {
        return None;
    }
    span_of(text, g, v, rules, &words[..n], end, caps, h)
}

/// The span of a key found over `words`: its first fitting target is the entry (reordered
/// keys only when that rule is on, and then `reordered` if the words are the name's, else a
/// variant, which needs its rule).
#[allow(clippy::too_many_arguments)]
fn span_of(
    text: &str,
    g: &Gazetteer,
    v: &Variants,
    rules: Rules,
    words: &[Word],
    end: usize,
    caps: u32,
    h: u64,
) -> Option<Span> {
    let start = words.first()?.start;
    let mut found: Option<Span> = None;
    // After a title (`Mr. Gheorghiu-Dej`) a spelling is a person's, no place's.
    let titled = super::shared::word_before(text, start).is_some_and(|p| {
        is_title(&fold(
            text.get(p.0..p.1).unwrap_or(""),
            FoldOptions::default(),
        ))
    });
    for t in v.get(h).iter().filter(|t| t.caps & !caps == 0) {
        let entry = g.entries.get(t.entry as usize)?;
        let name = entry.names.get(t.name as usize)?;
        if (titled && entry.kind == "PLACE") || (!t.reordered && !dashes_kept(words, name)) {
            continue;
        }
        let how = if t.reordered {
            if !rules.reorder {
                continue;
            }
            if same_words(text, words, name, true) {
                Match::Reordered
            } else {
                Match::Variant
            }
        } else if same_words(text, words, name, false) {
            // The same words, joined by other white space or dashes: typography.
            Match::Folded
        } else {
            Match::Variant
        };
        if how == Match::Variant && !rules.variants {
            continue;
        }
        match &mut found {
            None => found = Some(Span::new(start, end, t.entry, how, t.name)),
            Some(f) => {
                if f.entry != t.entry && !f.origin.alternatives.contains(&t.entry) {
                    f.origin.alternatives.push(t.entry);
                }
            }
        }
    }
    found
}

/// Does the text join with a dash every word that the list writes in lower case after a
/// dash (`Tehrik-i-Taliban`; so that `Póo to` is no spelling of `P'u-t'o`)?
fn dashes_kept(words: &[Word], name: &str) -> bool {
    let Some(nw) = name_words(name) else {
        return false;
    };
    nw.iter().zip(words).all(|(n, w)| {
        let lower = name
            .get(n.start..)
            .and_then(|x| x.chars().next())
            .is_some_and(char::is_lowercase);
        !(n.after_dash && lower) || w.after_dash
    })
}

/// Are the text's words those of `name` (with its last word first when `rotated`), up to
/// folding?
fn same_words(text: &str, words: &[Word], name: &str, rotated: bool) -> bool {
    let Some(nw) = name_words(name) else {
        return false;
    };
    let f = |s: &str| fold(s, FoldOptions::default());
    let mut want: Vec<String> = nw
        .iter()
        .map(|w| f(name.get(w.start..w.end).unwrap_or("")))
        .collect();
    if rotated {
        want.rotate_right(1);
    }
    want.len() == words.len()
        && words
            .iter()
            .zip(&want)
            .all(|(w, n)| f(text.get(w.start..w.end).unwrap_or("")) == *n)
}

/// Adds the variant spans to the exact ones (both in text order): a variant is kept only
/// where every exact span it overlaps lies strictly inside it, and replaces those.
pub fn merge(exact: &mut Vec<Span>, variants: Vec<Span>) {
    if variants.is_empty() {
        return;
    }
    let old = std::mem::take(exact);
    let mut out = Vec::with_capacity(old.len() + variants.len());
    let mut old = old.into_iter().peekable();
    for v in variants {
        // Exact spans wholly before this variant.
        while old.peek().is_some_and(|e| e.end <= v.start) {
            out.extend(old.next());
        }
        if out.last().is_some_and(|l: &Span| l.end > v.start) {
            continue;
        }
        let mut inside = Vec::new();
        let mut keep = true;
        while let Some(e) = old.peek() {
            if e.start >= v.end {
                break;
            }
            let within = e.start >= v.start && e.end <= v.end && e.end - e.start < v.end - v.start;
            keep &= within;
            inside.extend(old.next());
        }
        if keep {
            out.push(v);
        } else {
            out.extend(inside);
        }
    }
    out.extend(old);
    *exact = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    const GAZ: &str = "id\ttype\tname\taliases\n\
        person:dzhumaev\tPERSON\tMukhtar Dzhumaev\tDzhumaev\n\
        person:umarov\tPERSON\tDoku Umarov\t\n\
        person:yuldashev\tPERSON\tKhurshed Yuldashev\t\n\
        org:ansar\tORG\tAnsar al-Sharia\t\n\
        place:dushanbe\tPLACE\tDushanbe\t\n\
        place:khoji\tPLACE\tKhoji-t'o\t\n";

    fn found(text: &str, rules: Rules) -> Vec<(String, String, Match)> {
        let g = Gazetteer::from_tsv("t.tsv", GAZ).unwrap();
        let v = Variants::new(&g);
        let mut out = Vec::new();
        find_variants(text, &g, &v, rules, &mut out);
        out.iter()
            .map(|s| {
                (
                    text[s.start..s.end].to_string(),
                    g.entries[s.entry as usize].id.clone(),
                    s.origin.how,
                )
            })
            .collect()
    }

    #[test]
    fn variants_and_reordered_names() {
        let all = Rules::default();
        let cases: &[(&str, &str, &str, Match)] = &[
            (
                "Then Muhtar Jumaev left.",
                "Muhtar Jumaev",
                "person:dzhumaev",
                Match::Variant,
            ),
            (
                "Мухтар Джумаев",
                "Мухтар Джумаев",
                "person:dzhumaev",
                Match::Variant,
            ),
            (
                "Mukhtar Dzhumayev's men",
                "Mukhtar Dzhumayev",
                "person:dzhumaev",
                Match::Variant,
            ),
            (
                "Xurshed Yo'ldashev",
                "Xurshed Yo'ldashev",
                "person:yuldashev",
                Match::Variant,
            ),
            (
                "Hurshed Iuldashev",
                "Hurshed Iuldashev",
                "person:yuldashev",
                Match::Variant,
            ),
            (
                "by Umarov Doku.",
                "Umarov Doku",
                "person:umarov",
                Match::Reordered,
            ),
            ("by Umarov, Doku.", "", "", Match::Exact),
            (
                "Ansar al‑Shariʿa",
                "Ansar al‑Shariʿa",
                "org:ansar",
                Match::Variant,
            ),
            (
                "Ansar el-Sharia",
                "Ansar el-Sharia",
                "org:ansar",
                Match::Variant,
            ),
            ("in Душанбе", "Душанбе", "place:dushanbe", Match::Variant),
            // negatives: lower case, another surname, broken by punctuation
            ("muhtar jumaev", "", "", Match::Exact),
            ("umarov doku", "", "", Match::Exact),
            ("Mukhtar Dzhumabaev", "", "", Match::Exact),
            ("Muhtar. Jumaev", "", "", Match::Exact),
            ("Fernando Khoji to", "", "", Match::Exact),
        ];
        for (text, surface, id, how) in cases {
            let got = found(text, all);
            if surface.is_empty() {
                assert!(
                    got.iter().all(|(s, _, _)| s.split_whitespace().count() < 2),
                    "{text}: {got:?}"
                );
            } else {
                assert_eq!(
                    got.first(),
                    Some(&(surface.to_string(), id.to_string(), *how)),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn no_place_spelling_after_a_title() {
        assert!(found("Mr. Душанбе said", Rules::default()).is_empty());
        assert_eq!(found("in Душанбе", Rules::default()).len(), 1);
    }

    #[test]
    fn rules_switch_off() {
        let r = Rules {
            reorder: false,
            ..Rules::default()
        };
        assert!(found("by Umarov Doku.", r).is_empty());
        let r = Rules {
            variants: false,
            ..Rules::default()
        };
        assert!(found("Muhtar Jumaev", r).is_empty());
        assert_eq!(found("Umarov Doku", r).len(), 1);
    }

    #[test]
    fn exact_beats_variant_unless_strictly_inside() {
        let sp = |s, e, id| Span::new(s, e, id, Match::Exact, 0);
        let mut exact = vec![sp(7, 15, 1), sp(20, 26, 2)];
        merge(&mut exact, vec![sp(0, 15, 9), sp(20, 26, 8), sp(24, 30, 7)]);
        let got: Vec<(usize, usize, u32)> =
            exact.iter().map(|s| (s.start, s.end, s.entry)).collect();
        assert_eq!(got, vec![(0, 15, 9), (20, 26, 2)]);
    }
}
