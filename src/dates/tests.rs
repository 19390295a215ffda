//! Table-driven tests of the date finder: text -> expected span and value, negatives that must
//! find nothing, anchored and anaphoric cases, calendar bounds, and a no-panic fuzz loop.

use super::{DateFinder, DateMention, DateOptions, DateOrder};
use jiff::civil::{date, Date};

fn find(text: &str, anchor: Option<Date>) -> Vec<DateMention> {
    let opts = DateOptions {
        anchor,
        ..Default::default()
    };
    DateFinder::new().find(text, &opts)
}

fn spans(text: &str, anchor: Option<Date>) -> Vec<(String, String)> {
    find(text, anchor)
        .into_iter()
        .map(|m| (text.get(m.start..m.end).unwrap_or("?").to_string(), m.value))
        .collect()
}

/// Each text must give exactly one mention with this span text and value.
fn check_one(cases: &[(&str, &str, &str)], anchor: Option<Date>) {
    let mut bad = Vec::new();
    for (text, span, value) in cases {
        let got = spans(text, anchor);
        if got != vec![(span.to_string(), value.to_string())] {
            bad.push(format!(
                "{text:?}: expected [{span:?} = {value}], got {got:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} failures:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn full_dates() {
    check_one(
        &[
            (
                "It happened on 21 March 2024 in Moscow.",
                "21 March 2024",
                "2024-03-21",
            ),
            (
                "It happened on March 21, 2024 in Moscow.",
                "March 21, 2024",
                "2024-03-21",
            ),
            (
                "on the 21st of March 2024 the",
                "21st of March 2024",
                "2024-03-21",
            ),
            ("on Mar. 21, 2024, police", "Mar. 21, 2024", "2024-03-21"),
            ("dated 2024-03-21.", "2024-03-21", "2024-03-21"),
            ("dated 21.03.2024.", "21.03.2024", "2024-03-21"),
            ("dated 21/03/2024.", "21/03/2024", "2024-03-21"),
            ("dated 03/21/2024.", "03/21/2024", "2024-03-21"),
            ("dated 03/04/2024.", "03/04/2024", "2024-04-03"),
            (
                "On Monday, Dec. 26, Abu Jandal",
                "Monday, Dec. 26",
                "XXXX-12-26",
            ),
            (
                "On Thursday 19 December the Council",
                "Thursday 19 December",
                "XXXX-12-19",
            ),
            ("On Dec. 6th, Iraqi forces", "Dec. 6th", "XXXX-12-06"),
            (
                "during his Dec.14th press conference",
                "Dec.14th",
                "XXXX-12-14",
            ),
            ("It was 29 February 2024.", "29 February 2024", "2024-02-29"),
            ("On 23 May 2006, he admitted", "23 May 2006", "2006-05-23"),
            ("at 10 a.m. Nov. 29, 2016.", "Nov. 29, 2016", "2016-11-29"),
            (
                "On\u{a0}5\u{a0}November\u{a0}2005 Marines",
                "5\u{a0}November\u{a0}2005",
                "2005-11-05",
            ),
            (
                "Sent Tue, 5 Jun 2018 10:00",
                "Tue, 5 Jun 2018",
                "2018-06-05",
            ),
            (
                "resolutions of 25 and 27 June 1950 gave",
                "25 and 27 June 1950",
                "1950-06-25/1950-06-27",
            ),
            (
                "during the years 1947 to 1949, These",
                "1947 to 1949",
                "1947/1949",
            ),
            ("built c. 1950 by", "1950", "1950"),
            ("back in the 90s the", "90s", "199X"),
            ("the 1990's were", "1990's", "199X"),
            ("2020's elections were", "2020", "2020"),
            ("in mid-March the", "mid-March", "XXXX-03"),
        ],
        None,
    );
}

#[test]
fn numeric_order_from_document() {
    // An unambiguous 25/12 elsewhere makes the document day-first; 12/25 makes it month-first.
    let t = "Signed 03/04/2024 and again 12/25/2023.";
    assert_eq!(
        spans(t, None).first().map(|x| x.1.as_str()),
        Some("2024-03-04")
    );
    let t = "Signed 03/04/2024 and again 25/12/2023.";
    assert_eq!(
        spans(t, None).first().map(|x| x.1.as_str()),
        Some("2024-04-03")
    );
    let opts = DateOptions {
        order: DateOrder::Mdy,
        anchor: None,
    };
    let m = DateFinder::new().find("Signed 03/04/2024.", &opts);
    assert_eq!(m.first().map(|x| x.value.as_str()), Some("2024-03-04"));
}

#[test]
fn months_and_years() {
    check_one(
        &[
            ("published in January 2024 by", "January 2024", "2024-01"),
            ("published in Jan 2024 by", "Jan 2024", "2024-01"),
            ("published in Jan. '24 by", "Jan. '24", "2024-01"),
            ("This began in 2015 and", "2015", "2015"),
            ("active since 2018 in", "since 2018", "2018/.."),
            ("By 2022, the UN", "2022", "2022"),
            ("in the year 2000 we", "2000", "2000"),
            ("according to a 2020 report by the OSCE", "2020", "2020"),
            ("In 2016, about 5000 militants", "2016", "2016"),
            ("the 1991 Gulf War", "1991", "1991"),
            ("the Geneva Communique of 2012. While", "2012", "2012"),
            ("on 22 March they", "22 March", "XXXX-03-22"),
            ("on March 22nd they", "March 22nd", "XXXX-03-22"),
            ("died Nov. 24 in Syria", "Nov. 24", "XXXX-11-24"),
            ("held in Geneva in February.", "February", "XXXX-02"),
            ("no aid since November. The", "since November", "XXXX-11/.."),
            (
                "at the beginning of March they",
                "beginning of March",
                "XXXX-03",
            ),
            (
                "led CTF 50 last December, commanding",
                "last December",
                "XXXX-12",
            ),
        ],
        None,
    );
}

#[test]
fn ranges() {
    check_one(
        &[
            (
                "the civil war of 1992-1997, in which",
                "1992-1997",
                "1992/1997",
            ),
            ("the civil war of 1992–97, in which", "1992–97", "1992/1997"),
            ("the 2023/24 budget", "2023/24", "2023/2024"),
            (
                "the share rose between 2017 and\u{a0}2021, the",
                "between 2017 and\u{a0}2021",
                "2017/2021",
            ),
            (
                "he served from 2001 to 2009 as",
                "from 2001 to 2009",
                "2001/2009",
            ),
            ("in March–May 2023 the", "March–May 2023", "2023-03/2023-05"),
            (
                "from Dec. '22 — May 2023 the",
                "Dec. '22 — May 2023",
                "2022-12/2023-05",
            ),
            (
                "on 19–20 September 2023 the",
                "19–20 September 2023",
                "2023-09-19/2023-09-20",
            ),
            (
                "exercise October 25-26, 2016, an event",
                "October 25-26, 2016",
                "2016-10-25/2016-10-26",
            ),
            (
                "Palmyra between 11-13 Dec.\n\nThe",
                "11-13 Dec.",
                "XXXX-12-11/XXXX-12-13",
            ),
            (
                "on January 4 and 5 the",
                "January 4 and 5",
                "XXXX-01-04/XXXX-01-05",
            ),
            (
                "from 2 February – 28 February 1982 the",
                "2 February – 28 February 1982",
                "1982-02-02/1982-02-28",
            ),
            ("the Iran-Iraq War of 1980-88, and", "1980-88", "1980/1988"),
            (
                "since 24 February 2022 – present the",
                "24 February 2022 – present",
                "2022-02-24/..",
            ),
            (
                "Jordan from May 15-24. ",
                "May 15-24",
                "XXXX-05-15/XXXX-05-24",
            ),
            (
                "Turkey November 16 - 17 and",
                "November 16 - 17",
                "XXXX-11-16/XXXX-11-17",
            ),
            ("valid until May 22 only", "until May 22", "../XXXX-05-22"),
            (
                "between 5 and 7 March the",
                "between 5 and 7 March",
                "XXXX-03-05/XXXX-03-07",
            ),
        ],
        None,
    );
}

#[test]
fn decades_parts_seasons_quarters() {
    check_one(
        &[
            ("throughout the 1990s. At", "1990s", "199X"),
            ("back in the '90s the", "'90s", "199X"),
            ("in the 21st century the", "21st century", "20XX"),
            ("in the early 1990s the", "early 1990s", "199X"),
            ("by mid-2023 the", "mid-2023", "2023"),
            ("in the late 1980s the", "late 1980s", "198X"),
            (
                "in early November 2005 to",
                "early November 2005",
                "2005-11",
            ),
            ("in mid January a round", "mid January", "XXXX-01"),
            ("planned for spring 2023 the", "spring 2023", "2023-21"),
            (
                "deploying in the summer of 2017. With",
                "summer of 2017",
                "2017-22",
            ),
            ("results for Q3 2024 show", "Q3 2024", "2024-07/2024-09"),
            (
                "in the first half of 2023 the",
                "first half of 2023",
                "2023-01/2023-06",
            ),
            ("by the end of 2023 the", "end of 2023", "2023"),
        ],
        None,
    );
    let m = find("in the early 1990s the", None);
    assert_eq!(m.first().and_then(|m| m.start_date), Some(date(1990, 1, 1)));
    assert_eq!(m.first().and_then(|m| m.end_date), Some(date(1993, 4, 30)));
    let m = find("by mid-2023 the", None);
    assert_eq!(m.first().and_then(|m| m.start_date), Some(date(2023, 5, 1)));
    assert_eq!(m.first().and_then(|m| m.end_date), Some(date(2023, 8, 31)));
    let m = find("in early November 2005 to", None);
    assert_eq!(m.first().and_then(|m| m.end_date), Some(date(2005, 11, 10)));
    let m = find("results for Q1 2024 show", None);
    assert_eq!(m.first().and_then(|m| m.end_date), Some(date(2024, 3, 31)));
    let m = find("in February 2024 the", None);
    assert_eq!(m.first().and_then(|m| m.end_date), Some(date(2024, 2, 29)));
}

#[test]
fn anchored_relative() {
    let a = Some(date(2024, 3, 21)); // a Thursday
    check_one(
        &[
            ("Police said yesterday that", "yesterday", "2024-03-20"),
            ("Police said today that", "today", "2024-03-21"),
            ("will meet tomorrow in", "tomorrow", "2024-03-22"),
            ("Last year, the group", "Last year", "2023"),
            ("earlier this month the", "this month", "2024-03"),
            (
                "will meet next week in",
                "next week",
                "2024-03-25/2024-03-31",
            ),
            ("attacked on Monday in", "Monday", "2024-03-18"),
            ("attacked on Thursday in", "Thursday", "2024-03-21"),
            ("died last July in", "last July", "2023-07"),
            ("led it last December when", "last December", "2023-12"),
            ("held in February the", "February", "2024-02"),
            ("died on 22 March in", "22 March", "2024-03-22"),
            ("two years ago the", "two years ago", "2022"),
        ],
        a,
    );
    let m = find("Police said yesterday that", a);
    assert!(m.first().is_some_and(|m| m.relative));
    for t in [
        "Police said yesterday that",
        "Last year, the group",
        "attacked on Monday in",
        "next week",
    ] {
        assert!(find(t, None).is_empty(), "{t}");
    }
}

#[test]
fn anaphora_from_text() {
    let t = "In 2023, the FSB eliminated a cell. In the same year, five more were held.";
    assert_eq!(
        spans(t, None),
        vec![
            ("2023".into(), "2023".into()),
            ("same year".into(), "2023".into())
        ]
    );
    let t = "On 5 November 2005 Marines moved in. Three days later the town fell.";
    assert_eq!(
        spans(t, None).get(1),
        Some(&("Three days later".into(), "2005-11-08".into()))
    );
    let t = "In March 2020 the talks began; the following year they failed.";
    assert_eq!(
        spans(t, None).get(1),
        Some(&("following year".into(), "2021".into()))
    );
    let t = "In March 2020 the talks began and that month ended badly.";
    assert_eq!(
        spans(t, None).get(1),
        Some(&("that month".into(), "2020-03".into()))
    );
    let t = "On 10 June 2019 it was signed; two weeks earlier it was drafted.";
    assert_eq!(
        spans(t, None).get(1),
        Some(&("two weeks earlier".into(), "2019-05-27".into()))
    );
    let t = "In December 2023, police arrested a man plotting a New Year's Eve attack.";
    let m = find(t, None);
    assert_eq!(
        m.get(1).map(|m| (m.value.as_str(), m.relative)),
        Some(("2023-12-31", true))
    );
    assert_eq!(
        spans("a New Year's Eve attack", None),
        vec![("New Year's Eve".into(), "XXXX-12-31".into())]
    );
    assert!(find("In the same year, five more were held.", None).is_empty());
}

#[test]
fn header_day_month() {
    assert_eq!(
        spans("01.04 Review\n\nText", None),
        vec![("01.04".into(), "XXXX-04-01".into())]
    );
    assert!(find("Text\n01.04 Review", None).is_empty());
}

#[test]
fn negatives() {
    let texts = [
        "about 5000 militants",
        "some 13,000 men",
        "2,200 people",
        "40.000 were there",
        "25 000 were there",
        "7% of them",
        "$23.3 billion",
        "8.2 million",
        "143,199 sq. km",
        "document S/2010/507 says",
        "Resolution 2254 says",
        "under Article 205 and article 205.5",
        "decision 221/2021 of",
        "ISSN 0082-8238",
        "sections 83.18 – 83.23",
        "call +1 202 555 0143",
        "at 10 a.m. we met",
        "a 32-year-old man",
        "for two years",
        "for five years",
        "16 to 22 years",
        "it may have reached",
        "they march on",
        "they will March on the capital",
        "deployed 2000 troops",
        "the model 1800 rifle",
        "4000 individuals",
        "May God bless",
        "Prime Minister Theresa May said",
        "31 February 2023",
        "Room 2015 is closed",
        "paragraph 12 of resolution 1325",
        "A 2000 km border",
        "the 1800 people",
        "Law No. 2016 of the code",
        "a 2000-strong force",
        "between 10-15 people",
        "at 1930 GMT",
        "24/7 and 9/11",
        "between 1990 and 2000 people",
        "In 2000 troops were sent",
        "flight 1549 landed",
    ];
    let bad: Vec<_> = texts
        .iter()
        .map(|t| (t, spans(t, None)))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn several_in_order_without_overlap() {
    let t = "In 2014, its members fled; in 2015 and 2016 they returned, and in 1911 and 1913 too.";
    let got = spans(t, None);
    let want: Vec<(String, String)> = ["2014", "2015", "2016", "1911", "1913"]
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    assert_eq!(got, want);
    let m = find(t, None);
    assert!(m
        .windows(2)
        .all(|w| w.first().map(|a| a.end) <= w.get(1).map(|b| b.start)));
}

#[test]
fn bounds_use_the_calendar() {
    let m = find("in February 2023 the", None);
    assert_eq!(m.first().and_then(|m| m.end_date), Some(date(2023, 2, 28)));
    let m = find("in winter 2023 the", None);
    assert_eq!(m.first().and_then(|m| m.end_date), Some(date(2024, 2, 29)));
    let m = find("the 21st century", None);
    assert_eq!(m.first().and_then(|m| m.start_date), Some(date(2000, 1, 1)));
    let m = find("since 2015 it", None);
    assert_eq!(m.first().and_then(|m| m.start_date), Some(date(2015, 1, 1)));
    assert_eq!(m.first().and_then(|m| m.end_date), None);
    let m = find("until June 2020 it", None);
    assert_eq!(m.first().and_then(|m| m.start_date), None);
    assert_eq!(m.first().and_then(|m| m.end_date), Some(date(2020, 6, 30)));
}

/// Pieces the fuzz loop joins at random.
const PIECES: &[&str] = &[
    "2024",
    "21",
    "03",
    "March",
    "Mar.",
    "May",
    "-",
    "–",
    "—",
    "/",
    ".",
    ",",
    " ",
    "\u{a0}",
    "'",
    "’",
    "90s",
    "1990s",
    "between",
    "and",
    "from",
    "to",
    "the",
    "same",
    "year",
    "later",
    "days",
    "three",
    "early",
    "mid-",
    "Q3",
    "H1",
    "New",
    "Year",
    "'s",
    "Eve",
    "Monday",
    "last",
    "today",
    "é",
    "Ж",
    "\n",
    "1st",
    "of",
    "summer",
    "century",
    "present",
    "0",
    "99999999999999999999",
    "31",
    "February",
    "29",
    "2023/24",
    "(",
    ")",
    "since",
    "in",
    "until",
    "up",
    "onwards",
    "that",
    "summer",
    "winter",
    "after",
    "before",
    "next",
    "following",
    "weeks",
    "month",
    "Tue,",
    "12/19/2017",
    "5/3/2018",
    "2020-03-01",
    "Jan.",
    "present",
    "at least",
];

/// Never panics, and every span is on character boundaries, sorted and non-overlapping.
#[test]
fn fuzz_no_panic() {
    let finder = DateFinder::new();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..20_000 {
        let n = (next() % 14) as usize;
        let mut s = String::new();
        for _ in 0..n {
            let p = PIECES
                .get((next() % PIECES.len() as u64) as usize)
                .copied()
                .unwrap_or("");
            s.push_str(p);
            if next() % 3 == 0 {
                s.push(' ');
            }
        }
        let anchor = if round % 2 == 0 {
            Some(date(2024, 2, 29))
        } else {
            None
        };
        let opts = DateOptions {
            anchor,
            order: DateOrder::Dmy,
        };
        let ms = finder.find(&s, &opts);
        let mut last = 0;
        let mut known_year_before = false;
        for m in &ms {
            assert!(
                m.start >= last && m.start < m.end && s.get(m.start..m.end).is_some(),
                "{s:?} {ms:?}"
            );
            if let (Some(b), Some(e)) = (m.start_date, m.end_date) {
                assert!(b <= e, "{s:?} {m:?}");
            }
            if m.value.starts_with("../") {
                assert!(m.start_date.is_none(), "{s:?} {m:?}");
            }
            if m.value.ends_with("/..") {
                assert!(m.end_date.is_none(), "{s:?} {m:?}");
            }
            if m.relative && anchor.is_none() {
                assert!(known_year_before, "{s:?} {m:?}");
            }
            known_year_before |= m.start_date.is_some() || m.end_date.is_some();
            last = m.end;
        }
    }
    // Random bytes made valid.
    for _ in 0..5_000 {
        let bytes: Vec<u8> = (0..(next() % 40)).map(|_| (next() % 256) as u8).collect();
        let s = String::from_utf8_lossy(&bytes);
        let _ = finder.find(&s, &DateOptions::default());
    }
}

#[test]
fn finder_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<DateFinder>();
}
