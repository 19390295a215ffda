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
use crate::gazetteer::variants::{
    hash_bytes, is_common_word, is_title, key_mix, key_word, Variants, KEY_SEED,
};
use crate::gazetteer::Gazetteer;
use crate::normalize::skeleton::{name_words, next_word, skeleton_word, Word};
use crate::normalize::{fold, FoldOptions};

/// A text word's skeleton hashes (`hash_bytes(KEY_SEED, ..)`) in both readings, the second
/// when it differs, and the default one itself when short (it may be an article).
#[derive(Clone, Copy, Default)]
struct Readings {
    a: u64,
    b: Option<u64>,
    short: Option<([u8; 3], u8)>,
}

/// Slots of the per-thread skeleton cache (direct-mapped by the word's hash).
const CACHE_SLOTS: usize = 1 << 13;

thread_local! {
    /// Skeletons of the words met, by the hash of their bytes: capitalised words repeat
    /// (`The`, `United`, `Nations`), and a skeleton costs more than a look-up.
    static SKELETONS: std::cell::RefCell<Vec<(u64, Readings)>> =
        std::cell::RefCell::new(vec![(0, Readings::default()); CACHE_SLOTS]);
}

/// A word's skeleton hashes, cached.
fn skeletons(word: &str) -> Readings {
    let h = hash_bytes(KEY_SEED, word.as_bytes()) | 1;
    let slot = (h >> 32) as usize % CACHE_SLOTS;
    let hit = SKELETONS.with(|c| {
        c.borrow()
            .get(slot)
            .filter(|(k, _)| *k == h)
            .map(|(_, r)| *r)
    });
    if let Some(r) = hit {
        return r;
    }
    let mut a = Vec::with_capacity(word.len() + 4);
    let two = skeleton_word(word, false, &mut a);
    let mut b = None;
    if two {
        let mut alt = Vec::with_capacity(a.len() + 2);
        skeleton_word(word, true, &mut alt);
        if alt != a {
            b = Some(hash_bytes(KEY_SEED, &alt));
        }
    }
    let short = (a.len() <= 3).then(|| {
        let mut s = [0u8; 3];
        s[..a.len()].copy_from_slice(&a);
        (s, a.len() as u8)
    });
    let r = Readings {
        a: hash_bytes(KEY_SEED, &a),
        b,
        short,
    };
    SKELETONS.with(|c| {
        if let Some(x) = c.borrow_mut().get_mut(slot) {
            *x = (h, r);
        }
    });
    r
}

/// The key-word hashes of a text word read both ways (the second when it differs), an
/// article as `al` and the ezafe `e` as `i` (`key_word`); and whether it is an article.
fn readings(text: &str, w: &Word, dash_after: impl FnOnce() -> bool) -> ([Option<u64>; 2], bool) {
    let r = skeletons(text.get(w.start..w.end).unwrap_or(""));
    if let Some((s, n)) = r.short {
        let mut v = s.get(..n as usize).unwrap_or(&[]).to_vec();
        let article = key_word(&mut v, dash_after());
        return ([Some(hash_bytes(KEY_SEED, &v)), None], article);
    }
    ([Some(r.a), r.b], false)
}

/// A walk's best key so far: (end of its last word, words, key hash).
type Hit = (usize, usize, u64);

/// Most words a variant may have.
const MAX_WORDS: usize = 16;

/// Finds the variant spans of `text` (in text order, not overlapping each other).
/// `exact` are the exact spans (in text order): a variant that [`merge`] would drop against
/// them is not even made.
pub fn find_variants(
    text: &str,
    (starts, exact): (&[Word], &[Span]),
    g: &Gazetteer,
    v: &Variants,
    rules: Rules,
    out: &mut Vec<Span>,
) {
    if v.is_empty() || !(rules.variants || rules.reorder) {
        return;
    }
    let mut done = 0;
    for &w in starts {
        if w.start < done {
            continue;
        }
        if let Some(span) = walk(text, (g, v, exact), rules, w) {
            done = span.end;
            out.push(span);
        }
    }
}

/// The longest variant that begins with word `w`, if any.
fn walk(
    text: &str,
    (g, v, exact): (&Gazetteer, &Variants, &[Span]),
    rules: Rules,
    w: Word,
) -> Option<Span> {
    let mut next: Option<Option<Word>> = None;
    let (first, article) = readings(text, &w, || {
        let n = next_word(text, w.end);
        next = Some(n);
        n.is_some_and(|n| n.after_dash)
    });
    if !w.capital && !article {
        return None;
    }
    let mut states = [0u64; 8];
    let mut ns = 0;
    for &s in first.iter().flatten() {
        let h = key_mix(KEY_SEED, s);
        if v.may_begin(h) {
            states[ns] = h;
            ns += 1;
        }
    }
    if ns == 0 {
        return None;
    }
    let mut next = next.unwrap_or_else(|| next_word(text, w.end));
    let mut words = [w; MAX_WORDS];
    let mut nw_count = 1;
    let mut best: Option<Hit> = None;
    let mut caps = u32::from(w.capital);
    loop {
        for &h in &states[..ns] {
            if v.get(h).iter().any(|t| t.caps & !caps == 0) && best.is_none_or(|b| nw_count > b.1) {
                best = Some((words[nw_count - 1].end, nw_count, h));
            }
        }
        let mut kept = 0;
        for i in 0..ns {
            if v.continues(states[i]) {
                states[kept] = states[i];
                kept += 1;
            }
        }
        ns = kept;
        let Some(nw) = next.filter(|_| ns > 0 && nw_count < MAX_WORDS) else {
            break;
        };
        next = next_word(text, nw.end);
        let (r, article) = readings(text, &nw, || next.is_some_and(|n| n.after_dash));
        if nw.capital && !article {
            caps |= 1 << nw_count;
        }
        words[nw_count] = nw;
        nw_count += 1;
        let mut grown = [0u64; 8];
        let mut ng = 0;
        for &h in &states[..ns] {
            for &s in r.iter().flatten() {
                if ng < grown.len() {
                    grown[ng] = key_mix(h, s);
                    ng += 1;
                }
            }
        }
        states = grown;
        ns = ng;
    }
    let (end, n, h) = best?;
    // A lone word in short capitals is an acronym, no spelling of a name (`ECLA`).
    let lone = text.get(w.start..w.end).unwrap_or("");
    if n == 1 && lone.chars().count() <= 5 && !lone.chars().any(char::is_lowercase) {
        return None;
    }
    if !beats_exact(exact, w.start, end) {
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
    let titled = in_a_persons_name(text, start);
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

/// After a title (`Mr. Gheorghiu-Dej`), or after a capitalised word that begins no sentence,
/// ends with no period and is no common word (`Gheorghe Gheorghiu-Dej`), a spelling is part of
/// a person's name, no place's (a variant is the weakest evidence; the list's own spellings
/// are settled by `shared`).
fn in_a_persons_name(text: &str, start: usize) -> bool {
    let Some(p) = super::shared::word_before(text, start) else {
        return false;
    };
    let title = |(s, e): (usize, usize)| {
        is_title(&fold(text.get(s..e).unwrap_or(""), FoldOptions::default()))
    };
    if title(p) {
        return true;
    }
    let word = text.get(p.0..p.1).unwrap_or("");
    // `Mr. Gheorghe`: the title's period ends no sentence.
    let begins = super::shared::sentence_start(text, p.0)
        && !super::shared::word_before(text, p.0).is_some_and(title);
    word.chars().next().is_some_and(char::is_uppercase)
        && !word.ends_with('.')
        && !is_common_word(&fold(word, FoldOptions::default()))
        && !begins
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

/// Does a variant over `start..end` beat the exact spans it overlaps (each strictly inside
/// it, as [`merge`] wants)?
fn beats_exact(exact: &[Span], start: usize, end: usize) -> bool {
    let k = exact.partition_point(|e| e.end <= start);
    exact
        .get(k..)
        .unwrap_or(&[])
        .iter()
        .take_while(|e| e.start < end)
        .all(|e| e.start >= start && e.end <= end && e.end - e.start < end - start)
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
    use crate::normalize::skeleton::name_starts;

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
        find_variants(text, (&name_starts(text), &[]), &g, &v, rules, &mut out);
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
        // After a capitalised word that is no common word and begins no sentence: a name's.
        let no = [
            "Then Dilshod Душанбе said",
            "near Toktogul Душанбе",
            "Mr. Dilshod Душанбе",
        ];
        let yes = [
            "from Душанбе",
            "Flights. Душанбе",
            "Upper Душанбе",
            "Душанбе",
            "In 1999. Душанбе",
        ];
        for t in no {
            assert!(found(t, Rules::default()).is_empty(), "{t}");
        }
        for t in yes {
            assert_eq!(found(t, Rules::default()).len(), 1, "{t}");
        }
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
