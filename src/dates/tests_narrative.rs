//! Table-driven tests in the language of security reports, continued (see `tests_report`):
//! the narrative's year, offsets from the last explicit date, and day-month order settled by
//! the document.

use super::tests_report::{check, check_with, find_with, Case};
use super::DateOrder;
use jiff::civil::date;

#[test]
fn a_date_without_its_year_takes_the_narratives() {
    check(&[
        (
            "In 2018 the group opened a cell in Osh. On 3 May police raided its safe house. By September most members were in custody.",
            None,
            &[("2018", "2018"), ("3 May", "2018-05-03"), ("September", "2018-09")],
        ),
        (
            "In 2017 the network was rebuilt. On 14 August its emir was arrested. In October he was sentenced. That summer the group regrouped.",
            None,
            &[("2017", "2017"), ("14 August", "2017-08-14"), ("October", "2017-10"), ("That summer", "2017-22")],
        ),
        (
            "Arrests began in 2019 and continued into the spring.",
            None,
            &[("2019", "2019"), ("spring", "2019-21")],
        ),
        (
            "In 2015 the cell plotted an attack for New Year's Eve.",
            None,
            &[("2015", "2015"), ("New Year's Eve", "2015-12-31")],
        ),
        (
            "A rally was held on 9 May 2016; on Christmas Eve a second cell was found.",
            None,
            &[("9 May 2016", "2016-05-09"), ("Christmas Eve", "2016-12-24")],
        ),
        (
            "In March 2021 the group moved to Kunduz; since November it has operated in Badakhshan.",
            None,
            &[("March 2021", "2021-03"), ("since November", "2021-11/..")],
        ),
        // No explicit date before it: the document date's year, else XXXX.
        ("On 14 August the militants crossed the border.", Some("2016-09-01"), &[("14 August", "2016-08-14")]),
        ("On 14 August the militants crossed the border.", None, &[("14 August", "XXXX-08-14")]),
        ("He planned an attack on Christmas Day.", None, &[("Christmas Day", "XXXX-12-25")]),
        ("During the winter the fighters withdrew to Rasht.", None, &[("winter", "XXXX-24")]),
        // The narrative beats the document date.
        (
            "In 2014 the group formed. On 14 August it crossed the border.",
            Some("2016-09-01"),
            &[("2014", "2014"), ("14 August", "2014-08-14")],
        ),
    ]);
    let t = "In 2017 the network was rebuilt. On 14 August its emir was arrested.";
    let m = find_with(t, None, DateOrder::Dmy);
    assert_eq!(
        m.iter().map(|m| m.relative).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(m.get(1).and_then(|m| m.start_date), Some(date(2017, 8, 14)));
    let m = find_with("On 14 August the militants crossed.", None, DateOrder::Dmy);
    assert!(m
        .first()
        .is_some_and(|m| !m.relative && m.start_date.is_none()));
}

#[test]
fn offsets_from_the_last_explicit_date() {
    check(&[
        (
            "Gunmen attacked the hall on 22 March 2024. Four days later the suspects appeared in court.",
            None,
            &[("22 March 2024", "2024-03-22"), ("Four days later", "2024-03-26")],
        ),
        (
            "On 22 March 2024 gunmen attacked the concert hall. The next day the FSB announced arrests.",
            None,
            &[("22 March 2024", "2024-03-22"), ("next day", "2024-03-23")],
        ),
        (
            "Police arrested the suspect on 10 June 2019. Two weeks after that, his brother was detained.",
            None,
            &[("10 June 2019", "2019-06-10"), ("Two weeks after that", "2019-06-24")],
        ),
        (
            "He was killed in September 2017. The following month the group named a successor.",
            None,
            &[("September 2017", "2017-09"), ("following month", "2017-10")],
        ),
        (
            "Khalimov defected in May 2015. A year earlier he had attended a training course.",
            None,
            &[("May 2015", "2015-05"), ("A year earlier", "2014")],
        ),
        (
            "The cell was dismantled in October 2017. On the last day of that month a court ordered their detention.",
            None,
            &[("October 2017", "2017-10"), ("last day of that month", "2017-10-31")],
        ),
        (
            "The bombing took place on 5 May 2019. The day before, the cell had rented a car.",
            None,
            &[("5 May 2019", "2019-05-05"), ("day before", "2019-05-04")],
        ),
        (
            "The group was banned in 2015. By the end of the year its leaders had fled.",
            None,
            &[("2015", "2015"), ("end of the year", "2015")],
        ),
        (
            "The camp was raided in 2016 and again in the spring of the following year.",
            None,
            &[("2016", "2016"), ("spring of the following year", "2017-21")],
        ),
        // Offsets do not move the reference: both count from 5 November 2005.
        (
            "On 5 November 2005 the town was taken. Three days later the mayor fled. A week later aid arrived.",
            None,
            &[("5 November 2005", "2005-11-05"), ("Three days later", "2005-11-08"), ("A week later", "2005-11-12")],
        ),
        // Nothing to count from: no date.
        ("Four days later the suspects appeared in court.", None, &[]),
        ("The next day the FSB announced arrests.", None, &[]),
        ("Two weeks after the attack his brother was detained.", Some("2019-06-01"), &[]),
    ]);
}

#[test]
fn day_month_order_from_the_document() {
    let mdy: &[Case] = &[
        (
            "Letters dated 12/19/2017 and 5/3/2018 were seized.",
            None,
            &[("12/19/2017", "2017-12-19"), ("5/3/2018", "2018-05-03")],
        ),
        (
            "The order of 5/3/2018 cites the ruling of 11/23/2017.",
            None,
            &[("5/3/2018", "2018-05-03"), ("11/23/2017", "2017-11-23")],
        ),
        (
            "The transfer on 04-05-2019 followed one on 12-30-2018.",
            None,
            &[("04-05-2019", "2019-04-05"), ("12-30-2018", "2018-12-30")],
        ),
    ];
    check(mdy);
    let dmy: &[Case] = &[
        (
            "Letters dated 19/12/2017 and 5/3/2018 were seized.",
            None,
            &[("19/12/2017", "2017-12-19"), ("5/3/2018", "2018-03-05")],
        ),
        (
            "The decree of 05/06/2017 banned the group.",
            None,
            &[("05/06/2017", "2017-06-05")],
        ),
        (
            "The ruling of 25/03/2018 and the appeal of 04/05/2018 were published.",
            None,
            &[("25/03/2018", "2018-03-25"), ("04/05/2018", "2018-05-04")],
        ),
    ];
    check(dmy);
    // Without evidence, --date-order decides; with evidence, the document does.
    check_with(
        &[(
            "The decree of 05/06/2017 banned the group.",
            None,
            &[("05/06/2017", "2017-05-06")],
        )],
        DateOrder::Mdy,
    );
    check_with(
        &[(
            "Signed 05/06/2017 and 25/06/2017.",
            None,
            &[("05/06/2017", "2017-06-05"), ("25/06/2017", "2017-06-25")],
        )],
        DateOrder::Mdy,
    );
}

#[test]
fn relative_to_the_document_date() {
    let d = Some("2023-05-10"); // a Wednesday
    check(&[
        (
            "Earlier this year, the FSB detained six men in Kaluga.",
            d,
            &[("this year", "2023")],
        ),
        (
            "Last month, police in Dushanbe arrested a recruiter.",
            d,
            &[("Last month", "2023-04")],
        ),
        (
            "The suspect was detained two weeks ago in Osh.",
            d,
            &[("two weeks ago", "2023-04-26")],
        ),
        (
            "On Monday the court sentenced him.",
            d,
            &[("Monday", "2023-05-08")],
        ),
        (
            "The group claimed the attack yesterday.",
            d,
            &[("yesterday", "2023-05-09")],
        ),
        (
            "Since last year, the group has posted in Uzbek.",
            d,
            &[("Since last year", "2022/..")],
        ),
        (
            "In March, authorities blocked 40 channels.",
            d,
            &[("March", "2023-03")],
        ),
        (
            "By the end of the year, 300 migrants will be deported.",
            d,
            &[("end of the year", "2023")],
        ),
        (
            "The group moved north last summer.",
            Some("2024-10-02"),
            &[("last summer", "2024-22")],
        ),
        (
            "The group moved north last summer.",
            Some("2024-03-02"),
            &[("last summer", "2023-22")],
        ),
        // Without a document date these are not written at all.
        (
            "Last month, police in Dushanbe arrested a recruiter.",
            None,
            &[],
        ),
        ("The group claimed the attack yesterday.", None, &[]),
    ]);
}
