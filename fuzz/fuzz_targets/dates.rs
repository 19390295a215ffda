//! Date extraction: any text, both orders, with or without an anchor. Invariants: spans are
//! non-empty, on char boundaries, sorted and non-overlapping; values are non-empty EDTF-like
//! strings; start_date <= end_date; an open end (`../`, `/..`) has no date on that side; a
//! relative value needs an anchor or an earlier mention with a known year to resolve against.
#![no_main]

use gazex::internals::{DateFinder, DateOptions};
use gazex::DateOrder;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static FINDER: OnceLock<DateFinder> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let finder = FINDER.get_or_init(DateFinder::new);
    let anchor = (flags & 2 == 2).then(|| jiff::civil::date(2000 + i16::from(flags >> 3), 2, 28));
    let opts = DateOptions {
        order: if flags & 1 == 1 {
            DateOrder::Mdy
        } else {
            DateOrder::Dmy
        },
        anchor,
    };
    let found = finder.find(&text, &opts);
    let mut last = 0;
    let mut known_year_before = false;
    for d in &found {
        assert!(d.start < d.end && d.end <= text.len(), "{d:?}");
        assert!(d.start >= last, "overlap or disorder: {d:?}");
        last = d.end;
        assert!(
            text.get(d.start..d.end).is_some(),
            "not on char boundaries: {d:?}"
        );
        assert!(!d.value.is_empty(), "{d:?}");
        assert!(
            d.value.chars().all(|c| c.is_ascii_digit()
                || "X-/.~?%".contains(c)
                || c == 'S'
                || c == 'W'
                || c == 'T'),
            "not an EDTF value: {:?}",
            d.value
        );
        if let (Some(b), Some(e)) = (d.start_date, d.end_date) {
            assert!(b <= e, "start_date after end_date: {d:?}");
        }
        if d.value.starts_with("../") {
            assert!(d.start_date.is_none(), "open start with a start_date: {d:?}");
        }
        if d.value.ends_with("/..") {
            assert!(d.end_date.is_none(), "open end with an end_date: {d:?}");
        }
        if d.relative && anchor.is_none() {
            assert!(known_year_before, "relative without an anchor or an earlier year: {d:?}");
        }
        known_year_before |= d.start_date.is_some() || d.end_date.is_some();
    }
});
