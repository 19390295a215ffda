//! Table-driven tests in the language of security reports, one table per class of the date
//! guidelines (`../shared/gold/GUIDELINES.md`, "Dates"): open intervals, ranges in every written
//! form, a year alone in running text, seasons and their bounds, and the numbers that are no
//! dates (the narrative's year, offsets and day-month order are in `tests_narrative`).
//! Each case gives the whole text, the document date if any, and every mention expected (span
//! text and EDTF value), so that a missing, extra or misplaced mention fails.

use super::{DateFinder, DateMention, DateOptions, DateOrder};
use jiff::civil::{date, Date};

/// Text, document date, expected (span, value) in order.
pub(super) type Case<'a> = (&'a str, Option<&'a str>, &'a [(&'a str, &'a str)]);

fn anchor(d: Option<&str>) -> Option<Date> {
    d.and_then(|d| d.parse::<Date>().ok())
}

pub(super) fn find_with(text: &str, doc_date: Option<&str>, order: DateOrder) -> Vec<DateMention> {
    let opts = DateOptions {
        order,
        anchor: anchor(doc_date),
    };
    DateFinder::new().find(text, &opts)
}

fn got(text: &str, doc_date: Option<&str>, order: DateOrder) -> Vec<(String, String)> {
    find_with(text, doc_date, order)
        .into_iter()
        .map(|m| (text.get(m.start..m.end).unwrap_or("?").to_string(), m.value))
        .collect()
}

pub(super) fn check_with(cases: &[Case], order: DateOrder) {
    let mut bad = Vec::new();
    for (text, doc_date, want) in cases {
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(s, v)| (s.to_string(), v.to_string()))
            .collect();
        let have = got(text, *doc_date, order);
        if have != want {
            bad.push(format!(
                "{text:?} ({doc_date:?}):\n  want {want:?}\n  got  {have:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} cases fail:\n{}",
        bad.len(),
        cases.len(),
        bad.join("\n")
    );
}

pub(super) fn check(cases: &[Case]) {
    check_with(cases, DateOrder::Dmy);
}

#[test]
fn open_intervals_take_their_preposition() {
    check(&[
        (
            "Jamaat Ansarullah has kept a base in Takhar since 2010.",
            None,
            &[("since 2010", "2010/..")],
        ),
        (
            "Since March 2014 the cell has recruited through Odnoklassniki.",
            None,
            &[("Since March 2014", "2014-03/..")],
        ),
        (
            "He has been held in pre-trial detention since 12 November 2018.",
            None,
            &[("since 12 November 2018", "2018-11-12/..")],
        ),
        (
            "Since mid-2019, recruiters have targeted migrant workers in Moscow.",
            None,
            &[("Since mid-2019", "2019/..")],
        ),
        (
            "The group has existed since at least 2014, officials say.",
            None,
            &[("since at least 2014", "2014/..")],
        ),
        (
            "Its leaders have lived in Istanbul since the 1990s.",
            None,
            &[("since the 1990s", "199X/..")],
        ),
        (
            "From 2015 onwards, the group posted mainly in Russian.",
            None,
            &[("From 2015 onwards", "2015/..")],
        ),
        (
            "From the summer of 2014 onward, hundreds travelled to Syria.",
            None,
            &[("From the summer of 2014 onward", "2014-22/..")],
        ),
        (
            "Attacks grew from 2016 on, according to the ministry.",
            None,
            &[("from 2016 on", "2016/..")],
        ),
        (
            "The travel ban remains in force until 31 December 2025.",
            None,
            &[("until 31 December 2025", "../2025-12-31")],
        ),
        (
            "Until 2014, the IMU operated from North Waziristan.",
            None,
            &[("Until 2014", "../2014")],
        ),
        (
            "The amnesty covered fighters who returned up to March 2016.",
            None,
            &[("up to March 2016", "../2016-03")],
        ),
        (
            "The camp was used up until 2021.",
            None,
            &[("up until 2021", "../2021")],
        ),
        (
            "The cell stayed active until the end of 2017.",
            None,
            &[("until the end of 2017", "../2017")],
        ),
        (
            "The ban will run till June 2027.",
            None,
            &[("till June 2027", "../2027-06")],
        ),
        (
            "The conflict has continued from 24 February 2022 to the present.",
            None,
            &[("from 24 February 2022 to the present", "2022-02-24/..")],
        ),
        (
            "Fighting, 24 February 2022 – present, displaced millions.",
            None,
            &[("24 February 2022 – present", "2022-02-24/..")],
        ),
    ]);
}

#[test]
fn prepositions_that_keep_the_value_stay_outside() {
    check(&[
        (
            "By 2022 most foreign fighters had left Idlib.",
            None,
            &[("2022", "2022")],
        ),
        (
            "In 2022 the group split into two factions.",
            None,
            &[("2022", "2022")],
        ),
        (
            "During 2018 the cell raised money through hawala brokers.",
            None,
            &[("2018", "2018")],
        ),
        (
            "After 1991 the new republics faced armed opposition.",
            None,
            &[("1991", "1991")],
        ),
        (
            "Before 2001 the movement had camps near Mazar-i-Sharif.",
            None,
            &[("2001", "2001")],
        ),
        (
            "He was detained on 3 June 2019 in Osh.",
            None,
            &[("3 June 2019", "2019-06-03")],
        ),
    ]);
}

#[test]
fn ranges_in_every_written_form() {
    check(&[
        (
            "He was held from 3 March 2015 to 14 April 2016 in Dushanbe.",
            None,
            &[(
                "from 3 March 2015 to 14 April 2016",
                "2015-03-03/2016-04-14",
            )],
        ),
        (
            "The operation lasted 10 April 2021 to 22 May 2021.",
            None,
            &[("10 April 2021 to 22 May 2021", "2021-04-10/2021-05-22")],
        ),
        (
            "Border clashes took place 2021-04-28 – 2021-05-01 near Isfara.",
            None,
            &[("2021-04-28 – 2021-05-01", "2021-04-28/2021-05-01")],
        ),
        (
            "Arrests were made between 2016-01-10 and 2016-02-20.",
            None,
            &[("between 2016-01-10 and 2016-02-20", "2016-01-10/2016-02-20")],
        ),
        (
            "Checks ran 01.03.2020-04.03.2020 at the crossing.",
            None,
            &[("01.03.2020-04.03.2020", "2020-03-01/2020-03-04")],
        ),
        (
            "Recruitment peaked in Feb. – May 2015.",
            None,
            &[("Feb. – May 2015", "2015-02/2015-05")],
        ),
        (
            "Jan. – April 2019 saw the most arrests.",
            None,
            &[("Jan. – April 2019", "2019-01/2019-04")],
        ),
        (
            "The ceasefire held Nov. 2017 — Feb. 2018.",
            None,
            &[("Nov. 2017 — Feb. 2018", "2017-11/2018-02")],
        ),
    ]);
}

#[test]
fn ranges_joined_by_words() {
    check(&[
        (
            "The network operated from 2001 through 2004.",
            None,
            &[("from 2001 through 2004", "2001/2004")],
        ),
        (
            "He fought in Syria from 2013 to 2017 before returning.",
            None,
            &[("from 2013 to 2017", "2013/2017")],
        ),
        (
            "About 1,300 Tajiks joined between 2014 and 2016.",
            None,
            &[("between 2014 and 2016", "2014/2016")],
        ),
        (
            "The report covers 2015–2020.",
            None,
            &[("2015–2020", "2015/2020")],
        ),
        (
            "The cell was active between March and June 2019.",
            None,
            &[("between March and June 2019", "2019-03/2019-06")],
        ),
        (
            "Between 5 and 7 March 2019 police searched 40 homes.",
            None,
            &[("Between 5 and 7 March 2019", "2019-03-05/2019-03-07")],
        ),
        (
            "The training ran 1 March – 15 April 2018.",
            None,
            &[("1 March – 15 April 2018", "2018-03-01/2018-04-15")],
        ),
        (
            "They were detained 15-17 May 2019 in Kulob.",
            None,
            &[("15-17 May 2019", "2019-05-15/2019-05-17")],
        ),
        (
            "The raid came on the night of 22 to 23 March 2024.",
            None,
            &[("22 to 23 March 2024", "2024-03-22/2024-03-23")],
        ),
        (
            "The winter of 2015/16 was hard on the fighters.",
            None,
            &[("winter of 2015", "2015-24")],
        ),
        (
            "Talks were held December 2019 – January 2020.",
            None,
            &[("December 2019 – January 2020", "2019-12/2020-01")],
        ),
        (
            "Between late 2014 and mid-2015, about 500 Kyrgyz citizens left for Syria.",
            None,
            &[("Between late 2014 and mid-2015", "2014/2015")],
        ),
        (
            "From early 2016 to the summer of 2017 he hid in Idlib.",
            None,
            &[("From early 2016 to the summer of 2017", "2016/2017-22")],
        ),
        (
            "From March to May 2016 he trained near Raqqa.",
            None,
            &[("From March to May 2016", "2016-03/2016-05")],
        ),
        // A list is no range.
        (
            "In 2015 and 2016 the group grew.",
            None,
            &[("2015", "2015"), ("2016", "2016")],
        ),
    ]);
}

#[test]
fn a_year_alone_in_running_text() {
    check(&[
        (
            "After the 1989 Soviet withdrawal, the factions fought each other.",
            None,
            &[("1989", "1989")],
        ),
        (
            "In the 1992 war tens of thousands died.",
            None,
            &[("1992", "1992")],
        ),
        (
            "The 2005 Andijan events triggered a crackdown.",
            None,
            &[("2005", "2005")],
        ),
        (
            "Uzbekistan's 2005 crackdown drove many abroad.",
            None,
            &[("2005", "2005")],
        ),
        (
            "The militants' 2014 offensive failed.",
            None,
            &[("2014", "2014")],
        ),
        (
            "Following its 2014 pledge of allegiance, the IMU split.",
            None,
            &[("2014", "2014")],
        ),
        (
            "Resolution 2254 (2015) was adopted unanimously.",
            None,
            &[("2015", "2015")],
        ),
        ("He was born in 1985 in Khujand.", None, &[("1985", "1985")]),
        (
            "Some 1500 fighters crossed in 2014.",
            None,
            &[("2014", "2014")],
        ),
        (
            "In 2000, 1,500 people were displaced.",
            None,
            &[("2000", "2000")],
        ),
        (
            "2015 saw the first wave of returnees.",
            None,
            &[("2015", "2015")],
        ),
        (
            "In 2016 police arrested 40 members of the cell.",
            None,
            &[("2016", "2016")],
        ),
    ]);
}

#[test]
fn seasons_and_their_bounds() {
    check(&[
        (
            "Fighting resumed in the summer of 2015 and again that autumn.",
            None,
            &[("summer of 2015", "2015-22"), ("that autumn", "2015-23")],
        ),
        (
            "The offensive planned for spring 2023 was delayed.",
            None,
            &[("spring 2023", "2023-21")],
        ),
        (
            "The attacks of late summer 2016 were claimed online.",
            None,
            &[("late summer 2016", "2016-22")],
        ),
        ("The Taliban announced their spring offensive.", None, &[]),
        (
            "After the fall of Kabul in August 2021, the group grew.",
            None,
            &[("August 2021", "2021-08")],
        ),
        ("The Arab Spring reached Syria.", None, &[]),
    ]);
    let m = find_with("in the winter of 2019 the", None, DateOrder::Dmy);
    let b = m.first().map(|m| (m.start_date, m.end_date));
    assert_eq!(b, Some((Some(date(2019, 12, 1)), Some(date(2020, 2, 29)))));
    let m = find_with("in autumn 2021 the", None, DateOrder::Dmy);
    let b = m.first().map(|m| (m.start_date, m.end_date));
    assert_eq!(b, Some((Some(date(2021, 9, 1)), Some(date(2021, 11, 30)))));
}

#[test]
fn numbers_that_are_no_dates() {
    check(&[
        (
            "The convoy carried 2000 rounds and 1200 litres of fuel.",
            None,
            &[],
        ),
        ("Police seized 1998 grams of heroin.", None, &[]),
        ("The AK-74, an RPG-7 and a BM-21 were recovered.", None, &[]),
        (
            "Article 307 of the Criminal Code provides 15 to 20 years.",
            None,
            &[],
        ),
        ("Case No. 2019 was dismissed.", None, &[]),
        ("The group has 2,000 members.", None, &[]),
        ("Up to 300 militants were killed.", None, &[]),
        ("Up to 2000 fighters may have crossed.", None, &[]),
        ("Between 1500 and 2000 men joined.", None, &[]),
        ("The 9/11 attacks and the 24/7 hotline.", None, &[]),
        ("The group's activity since then has declined.", None, &[]),
        ("He served five years in prison.", None, &[]),
        ("Regulation (EU) 2019/796 imposes sanctions.", None, &[]),
    ]);
}

/// Every mention's first day is at most its last, and an open or unknown end is `None`.
#[test]
fn start_and_end_dates_are_consistent() {
    let texts = [
        "since 2015 it",
        "until June 2020 it",
        "from 3 March 2015 to 14 April 2016",
        "in the 1990s",
        "In 2017 x. On 14 August y. That winter z. Four days later w.",
        "On 14 August y.",
    ];
    for t in texts {
        for m in find_with(t, None, DateOrder::Dmy) {
            if let (Some(s), Some(e)) = (m.start_date, m.end_date) {
                assert!(s <= e, "{t}: {m:?}");
            }
            let open_start = m.value.starts_with("../");
            let open_end = m.value.ends_with("/..");
            assert_eq!(
                open_start || m.value.starts_with('X'),
                m.start_date.is_none(),
                "{t}: {m:?}"
            );
            assert_eq!(
                open_end || m.value.contains("XXXX"),
                m.end_date.is_none(),
                "{t}: {m:?}"
            );
        }
    }
}
