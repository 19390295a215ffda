//! Day-month order: which of `03/04/2024`'s numbers is the month. A document settles it by its
//! own unambiguous numeric dates (`12/19/2017` shows month first, `19/12/2017` day first; the
//! majority wins); `--date-order` applies only when they give no evidence. A text read in parts
//! (`chunk`) sums the votes of its parts, so that it settles as the whole text would.

use super::DateOrder;
use regex::Regex;

/// The numeric dates that vote: `d/m/y` or `m/d/y` with slashes (two- or four-digit year),
/// dots or hyphens (four-digit year), as `numeric` reads them.
pub(crate) fn probe() -> Option<Regex> {
    Regex::new(r"\b(\d{1,2})([./-])(\d{1,2})([./-])(\d{4}|\d{2})\b").ok()
}

/// Counts the unambiguous numeric dates of `text` read day first and month first.
pub(crate) fn votes(re: &Regex, text: &str) -> (usize, usize) {
    let (mut dmy, mut mdy) = (0, 0);
    for c in re.captures_iter(text) {
        let sep = c.get(2).map(|m| m.as_str());
        let four = c.get(5).is_some_and(|m| m.as_str().len() == 4);
        if sep != c.get(4).map(|m| m.as_str()) || !(four || sep == Some("/")) {
            continue;
        }
        let n = |i: usize| {
            c.get(i)
                .and_then(|m| m.as_str().parse::<u32>().ok())
                .unwrap_or(0)
        };
        let (a, b) = (n(1), n(3));
        if a > 12 && a <= 31 && (1..=12).contains(&b) {
            dmy += 1;
        } else if b > 12 && b <= 31 && (1..=12).contains(&a) {
            mdy += 1;
        }
    }
    (dmy, mdy)
}

/// The order of ambiguous numeric dates given the votes of a text: the majority, else `order`.
pub(crate) fn settle(order: DateOrder, (dmy, mdy): (usize, usize)) -> DateOrder {
    if dmy > mdy {
        DateOrder::Dmy
    } else if mdy > dmy {
        DateOrder::Mdy
    } else {
        order
    }
}
