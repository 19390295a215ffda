//! The document's own names (issue 11, rules 3 and 4), settled in text order with what the
//! document said before:
//!
//! - a PERSON named in full (a surface of two words or more, of any kind of match) makes a
//!   later surname cue of that person a `short_form` of it (the most recently named in
//!   full when several persons share the surname); a surname cue with no person named in
//!   full before it is what the list alone makes of the word, or nothing;
//! - an acronym defined (`Name (ACR)`) names that entity for the rest of the document: the
//!   definition and every later use are `acronym` mentions; an acronym never defined names
//!   nothing (a list's own acronym is the list's: it is no cue).
//!
//! Its state is all that a long text read in chunks must carry from one chunk to the next
//! (`chunk::stitch` keeps one per document).

use super::{Cue, Match, Origin};
use crate::gazetteer::Gazetteer;
use rustc_hash::FxHashMap;

/// What a document has said so far.
#[derive(Debug, Clone, Default)]
pub struct DocContext {
    /// PERSON entries named in full: (alias of that mention, order of the naming).
    named: FxHashMap<u32, (u32, u64)>,
    /// Acronyms defined: text -> (entry, alias of the full name).
    acronyms: FxHashMap<Box<str>, (u32, u32)>,
    order: u64,
}

/// What becomes of one mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// As it is.
    Keep,
    /// It names nothing.
    Drop,
    /// It names this entry, for this reason.
    Set(u32, Origin),
}

impl DocContext {
    /// A document's start.
    pub fn new() -> Self {
        Self::default()
    }

    /// Settles the next mention in text order: `surface` is its text, `entry` and `origin`
    /// what it names (an entity mention) or `cue` what it may name.
    pub fn settle(
        &mut self,
        surface: &str,
        entry: Option<(u32, &Origin)>,
        cue: Option<&Cue>,
        g: &Gazetteer,
    ) -> Outcome {
        match (cue, entry) {
            (Some(c), _) => self.cue(surface, c, g),
            (None, Some((e, o))) => self.entity(e, surface, o, g),
            (None, None) => Outcome::Keep,
        }
    }

    fn entity(&mut self, e: u32, surface: &str, o: &Origin, g: &Gazetteer) -> Outcome {
        let person = g
            .entries
            .get(e as usize)
            .is_some_and(|x| x.kind == "PERSON");
        let full = surface
            .split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty())
            .count()
            >= 2;
        if person && full && !matches!(o.how, Match::ShortForm | Match::Acronym) {
            self.order += 1;
            self.named.insert(e, (o.alias, self.order));
        }
        Outcome::Keep
    }

    fn cue(&mut self, surface: &str, c: &Cue, g: &Gazetteer) -> Outcome {
        match c {
            Cue::Surname { persons, otherwise } => {
                let mut best: Option<(u32, u32, u64)> = None;
                for &p in persons.iter() {
                    if let Some(&(alias, order)) = self.named.get(&p) {
                        if best.is_none_or(|b| order > b.2) {
                            best = Some((p, alias, order));
                        }
                    }
                }
                match (best, otherwise) {
                    (Some((p, alias, _)), _) => {
                        let alternatives = persons
                            .iter()
                            .copied()
                            .filter(|&q| q != p && self.named.contains_key(&q))
                            .collect();
                        Outcome::Set(
                            p,
                            Origin {
                                how: Match::ShortForm,
                                alias,
                                alternatives,
                            },
                        )
                    }
                    (None, Some(o)) => {
                        let (e, origin) = (o.0, o.1.clone());
                        self.entity(e, surface, &origin, g);
                        Outcome::Set(e, origin)
                    }
                    (None, None) => Outcome::Drop,
                }
            }
            Cue::Defines { entry, alias } => {
                self.acronyms.insert(surface.into(), (*entry, *alias));
                Outcome::Set(*entry, acronym(*alias))
            }
            Cue::Acronym => match self.acronyms.get(surface) {
                Some(&(e, alias)) => Outcome::Set(e, acronym(alias)),
                None => Outcome::Drop,
            },
        }
    }
}

fn acronym(alias: u32) -> Origin {
    Origin {
        how: Match::Acronym,
        alias,
        alternatives: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAZ: &str = "id\ttype\tname\taliases\n\
        person:umarov\tPERSON\tDoku Umarov\t\n\
        person:aumarov\tPERSON\tAkhmed Umarov\t\n\
        org:iju\tORG\tIslamic Jihad Union\t\n\
        org:other\tORG\tOther Union\tIJU\n";

    fn exact(alias: u32) -> Origin {
        Origin {
            how: Match::Exact,
            alias,
            alternatives: Vec::new(),
        }
    }

    #[test]
    fn short_forms_follow_the_full_name() {
        let g = Gazetteer::from_tsv("t.tsv", GAZ).unwrap();
        let sur = Cue::Surname {
            persons: vec![0, 1].into(),
            otherwise: None,
        };
        let mut d = DocContext::new();
        // Without the full name earlier: nothing.
        assert_eq!(d.settle("Umarov", None, Some(&sur), &g), Outcome::Drop);
        assert_eq!(
            d.settle("Doku Umarov", Some((0, &exact(0))), None, &g),
            Outcome::Keep
        );
        match d.settle("Umarov", None, Some(&sur), &g) {
            Outcome::Set(0, o) => assert_eq!(o.how, Match::ShortForm),
            x => panic!("{x:?}"),
        }
        // The most recently named person of that surname wins.
        d.settle("Akhmed Umarov", Some((1, &exact(0))), None, &g);
        match d.settle("Umarov", None, Some(&sur), &g) {
            Outcome::Set(1, o) => assert_eq!(o.alternatives, vec![0]),
            x => panic!("{x:?}"),
        }
        // A one-word mention does not name anyone in full.
        let mut d = DocContext::new();
        d.settle("Umarov", Some((0, &exact(0))), None, &g);
        assert_eq!(d.settle("Umarov", None, Some(&sur), &g), Outcome::Drop);
    }

    #[test]
    fn acronyms_defined_in_the_text() {
        let g = Gazetteer::from_tsv("t.tsv", GAZ).unwrap();
        let mut d = DocContext::new();
        // Before the definition, an unlisted acronym names nothing.
        assert_eq!(
            d.settle("IJU", None, Some(&Cue::Acronym), &g),
            Outcome::Drop
        );
        let def = Cue::Defines { entry: 2, alias: 0 };
        assert!(matches!(
            d.settle("IJU", None, Some(&def), &g),
            Outcome::Set(2, _)
        ));
        assert!(matches!(
            d.settle("IJU", None, Some(&Cue::Acronym), &g),
            Outcome::Set(2, _)
        ));
        // A list's own match stays the list's.
        assert_eq!(
            d.settle("IJU", Some((3, &exact(1))), None, &g),
            Outcome::Keep
        );
        assert_eq!(
            d.settle("KTJ", None, Some(&Cue::Acronym), &g),
            Outcome::Drop
        );
    }
}
