//! Word lists of the date grammar: month and weekday names, number and ordinal words, and the
//! context words that make a bare number a year (`in`, `since`, `the ... report`) or not
//! (`Article`, `troops`). Pure lookups on one word, ASCII case-insensitive; no parsing here.

/// Lowercases an ASCII word into `buf`; `None` when it is too long or not ASCII.
fn lower<'b>(w: &str, buf: &'b mut [u8; 16]) -> Option<&'b [u8]> {
    let b = w.as_bytes();
    if b.len() > buf.len() || !w.is_ascii() {
        return None;
    }
    let out = buf.get_mut(..b.len())?;
    for (o, c) in out.iter_mut().zip(b) {
        *o = c.to_ascii_lowercase();
    }
    Some(out)
}

/// True when the word is written `Capitalised` or `ALL CAPS` (month names must be).
pub(crate) fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
}

/// A month name: (month 1-12, is an abbreviation). Requires a capital first letter.
pub(crate) fn month(w: &str) -> Option<(u8, bool)> {
    if !is_capitalised(w) {
        return None;
    }
    let mut buf = [0u8; 16];
    let l = lower(w, &mut buf)?;
    Some(match l {
        b"january" => (1, false),
        b"february" => (2, false),
        b"march" => (3, false),
        b"april" => (4, false),
        b"may" => (5, false),
        b"june" => (6, false),
        b"july" => (7, false),
        b"august" => (8, false),
        b"september" => (9, false),
        b"october" => (10, false),
        b"november" => (11, false),
        b"december" => (12, false),
        b"jan" => (1, true),
        b"feb" => (2, true),
        b"mar" => (3, true),
        b"apr" => (4, true),
        b"jun" => (6, true),
        b"jul" => (7, true),
        b"aug" => (8, true),
        b"sep" | b"sept" => (9, true),
        b"oct" => (10, true),
        b"nov" => (11, true),
        b"dec" => (12, true),
        _ => return None,
    })
}

/// A weekday name, Monday = 0. Requires a capital first letter.
pub(crate) fn weekday(w: &str) -> Option<u8> {
    if !is_capitalised(w) {
        return None;
    }
    let mut buf = [0u8; 16];
    Some(match lower(w, &mut buf)? {
        b"monday" => 0,
        b"tuesday" => 1,
        b"wednesday" => 2,
        b"thursday" => 3,
        b"friday" => 4,
        b"saturday" => 5,
        b"sunday" => 6,
        _ => return None,
    })
}

/// An abbreviated weekday (`Tue`, `Thurs`), only ever a prefix of a date.
pub(crate) fn weekday_abbrev(w: &str) -> bool {
    let mut buf = [0u8; 16];
    is_capitalised(w)
        && matches!(
            lower(w, &mut buf),
            Some(
                b"mon"
                    | b"tue"
                    | b"tues"
                    | b"wed"
                    | b"thu"
                    | b"thur"
                    | b"thurs"
                    | b"fri"
                    | b"sat"
                    | b"sun"
            )
        )
}

/// Calendar units of relative expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// `day(s)`, `week(s)`, `month(s)`, `year(s)`: (unit, plural).
pub(crate) fn unit(w: &str) -> Option<(Unit, bool)> {
    let mut buf = [0u8; 16];
    Some(match lower(w, &mut buf)? {
        b"day" => (Unit::Day, false),
        b"days" => (Unit::Day, true),
        b"week" => (Unit::Week, false),
        b"weeks" => (Unit::Week, true),
        b"month" => (Unit::Month, false),
        b"months" => (Unit::Month, true),
        b"year" => (Unit::Year, false),
        b"years" => (Unit::Year, true),
        _ => return None,
    })
}

/// A small cardinal: `a`/`one` .. `twelve`, or digits.
pub(crate) fn cardinal(w: &str) -> Option<i32> {
    if let Ok(n) = w.parse::<i32>() {
        return (1..=99).contains(&n).then_some(n);
    }
    let mut buf = [0u8; 16];
    Some(match lower(w, &mut buf)? {
        b"a" | b"an" | b"one" => 1,
        b"two" => 2,
        b"three" => 3,
        b"four" => 4,
        b"five" => 5,
        b"six" => 6,
        b"seven" => 7,
        b"eight" => 8,
        b"nine" => 9,
        b"ten" => 10,
        b"eleven" => 11,
        b"twelve" => 12,
        _ => return None,
    })
}

/// `first`..`fourth` or `1st`..`4th`.
pub(crate) fn ordinal_word(w: &str) -> Option<u8> {
    let mut buf = [0u8; 16];
    Some(match lower(w, &mut buf)? {
        b"first" | b"1st" => 1,
        b"second" | b"2nd" => 2,
        b"third" | b"3rd" => 3,
        b"fourth" | b"4th" => 4,
        _ => return None,
    })
}

/// Case-insensitive equality with a lowercase ASCII word.
pub(crate) fn is(w: &str, lower_word: &str) -> bool {
    w.eq_ignore_ascii_case(lower_word)
}

/// Case-insensitive equality with one of some lowercase ASCII words.
pub(crate) fn is_any(w: &str, lower_words: &[&str]) -> bool {
    lower_words.iter().any(|x| w.eq_ignore_ascii_case(x))
}

/// Words that begin a clause (pronouns, articles): `two weeks after that, the police ...`.
pub(crate) fn clause_start(w: &str) -> bool {
    let mut buf = [0u8; 16];
    matches!(
        lower(w, &mut buf),
        Some(
            b"the"
                | b"a"
                | b"an"
                | b"he"
                | b"she"
                | b"it"
                | b"they"
                | b"we"
                | b"i"
                | b"you"
                | b"his"
                | b"her"
                | b"its"
                | b"their"
                | b"our"
                | b"there"
                | b"this"
                | b"these"
                | b"those"
                | b"police"
                | b"officials"
                | b"authorities"
                | b"militants"
        )
    )
}

/// A season: its EDTF code (spring 21, summer 22, autumn/fall 23, winter 24).
pub(crate) fn season(w: &str) -> Option<u8> {
    let mut buf = [0u8; 16];
    Some(match lower(w, &mut buf)? {
        b"spring" => 21,
        b"summer" => 22,
        b"autumn" | b"fall" => 23,
        b"winter" => 24,
        _ => return None,
    })
}

/// Nouns that a season word qualifies without dating anything: `the spring offensive`,
/// `winter clothing`.
pub(crate) fn season_noun(w: &str) -> bool {
    let mut buf = [0u8; 16];
    matches!(
        lower(w, &mut buf),
        Some(
            b"offensive"
                | b"offensives"
                | b"campaign"
                | b"campaigns"
                | b"fighting"
                | b"season"
                | b"seasons"
                | b"camp"
                | b"camps"
                | b"clothing"
                | b"clothes"
                | b"uniforms"
                | b"gear"
                | b"months"
                | b"holiday"
                | b"holidays"
                | b"break"
                | b"session"
                | b"sessions"
                | b"school"
                | b"term"
                | b"semester"
                | b"palace"
                | b"residence"
                | b"solstice"
                | b"storm"
                | b"storms"
                | b"harvest"
                | b"pastures"
                | b"quarters"
                | b"olympics"
                | b"games"
                | b"crops"
                | b"sowing"
                | b"wheat"
                | b"rains"
                | b"weather"
                | b"conditions"
                | b"roads"
                | b"passes"
        )
    )
}

/// Words before a number that make it a year: `in 2015`, `since 2018`, `by 2022`.
pub(crate) fn year_preposition(w: &str) -> bool {
    let mut buf = [0u8; 16];
    matches!(
        lower(w, &mut buf),
        Some(
            b"in"
                | b"since"
                | b"by"
                | b"during"
                | b"until"
                | b"till"
                | b"til"
                | b"from"
                | b"of"
                | b"after"
                | b"before"
                | b"circa"
                | b"c"
                | b"ca"
                | b"around"
                | b"through"
                | b"throughout"
                | b"year"
                | b"years"
                | b"period"
                | b"between"
                | b"fy"
                | b"fiscal"
                | b"spring"
                | b"summer"
                | b"autumn"
                | b"fall"
                | b"winter"
                | b"early"
                | b"mid"
                | b"late"
                | b"as"
                | b"for"
        )
    )
}

/// Determiners before a year used as a modifier: `a 2020 report`, `the 1991 Gulf War`.
pub(crate) fn determiner(w: &str) -> bool {
    let mut buf = [0u8; 16];
    matches!(
        lower(w, &mut buf),
        Some(
            b"a" | b"an"
                | b"the"
                | b"its"
                | b"his"
                | b"her"
                | b"their"
                | b"our"
                | b"this"
                | b"that"
        )
    )
}

/// Words before a number that make it a document number, not a year: `Article 205`, `model 1800`.
pub(crate) fn number_label(w: &str) -> bool {
    let mut buf = [0u8; 16];
    matches!(
        lower(w, &mut buf),
        Some(
            b"article"
                | b"articles"
                | b"art"
                | b"resolution"
                | b"resolutions"
                | b"res"
                | b"section"
                | b"sections"
                | b"paragraph"
                | b"paragraphs"
                | b"para"
                | b"paras"
                | b"no"
                | b"nos"
                | b"number"
                | b"numbers"
                | b"model"
                | b"page"
                | b"pages"
                | b"p"
                | b"pp"
                | b"chapter"
                | b"rule"
                | b"rules"
                | b"decree"
                | b"item"
                | b"items"
                | b"annex"
                | b"point"
                | b"flight"
                | b"route"
                | b"room"
                | b"code"
                | b"issn"
                | b"isbn"
                | b"vol"
                | b"volume"
                | b"doc"
                | b"document"
                | b"file"
                | b"case"
                | b"unit"
                | b"type"
                | b"version"
                | b"tel"
                | b"phone"
                | b"fax"
                | b"box"
                | b"street"
                | b"highway"
                | b"road"
                | b"km"
                | b"mile"
                | b"kilometre"
                | b"kilometer"
                | b"over"
                | b"about"
                | b"approximately"
                | b"some"
                | b"nearly"
                | b"almost"
                | b"least"
                | b"total"
                | b"only"
                | b"just"
        )
    )
}

/// Nouns of counting and measure after a number: `2000 troops`, `1800 people`, `2000 km`.
pub(crate) fn count_noun(w: &str) -> bool {
    let mut buf = [0u8; 16];
    let Some(l) = lower(w, &mut buf) else {
        return false;
    };
    matches!(
        l,
        b"people"
            | b"persons"
            | b"men"
            | b"women"
            | b"children"
            | b"troops"
            | b"soldiers"
            | b"militants"
            | b"fighters"
            | b"individuals"
            | b"refugees"
            | b"civilians"
            | b"families"
            | b"households"
            | b"members"
            | b"officers"
            | b"personnel"
            | b"staff"
            | b"workers"
            | b"students"
            | b"cases"
            | b"deaths"
            | b"dead"
            | b"casualties"
            | b"victims"
            | b"migrants"
            | b"prisoners"
            | b"detainees"
            | b"units"
            | b"vehicles"
            | b"tons"
            | b"tonnes"
            | b"km"
            | b"kilometres"
            | b"kilometers"
            | b"miles"
            | b"metres"
            | b"meters"
            | b"m"
            | b"kg"
            | b"hectares"
            | b"acres"
            | b"dollars"
            | b"euros"
            | b"pounds"
            | b"rubles"
            | b"roubles"
            | b"usd"
            | b"eur"
            | b"barrels"
            | b"weapons"
            | b"rifles"
            | b"rounds"
            | b"documents"
            | b"pages"
            | b"copies"
            | b"words"
            | b"votes"
            | b"seats"
            | b"hours"
            | b"minutes"
            | b"seconds"
            | b"days"
            | b"weeks"
            | b"months"
            | b"years"
            | b"times"
            | b"more"
            | b"additional"
            | b"other"
            | b"others"
            | b"strong"
            | b"per"
            | b"percent"
            | b"million"
            | b"billion"
            | b"thousand"
            | b"hundred"
            | b"sq"
            | b"square"
            | b"feet"
            | b"ft"
            | b"aircraft"
            | b"sorties"
            | b"cattle"
            | b"hostages"
            | b"recruits"
            | b"volunteers"
            | b"tanks"
            | b"homes"
            | b"houses"
            | b"villages"
            | b"schools"
            | b"projects"
            | b"calories"
            | b"lives"
            | b"jobs"
    )
}
