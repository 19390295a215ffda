//! Folding and offset mapping: any text, both fold options. Invariants: the folded text is
//! valid UTF-8; every folded char boundary maps (when it maps) to an original char boundary
//! within the text; starts and ends are monotonic; a span maps to start <= end; the whole
//! folded text maps to the whole original, but for leading or trailing characters that fold to
//! nothing or to white space.
#![no_main]

use gazex::internals::{fold_into, FoldOptions, Folded};
use unicode_normalization::char::is_combining_mark;

/// Text that a span may leave out at the ends: white space and combining marks with no base.
fn ignorable(t: &str) -> bool {
    t.chars().all(|c| c.is_whitespace() || is_combining_mark(c))
}
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let opts = FoldOptions {
        lowercase: flags & 1 == 1,
        diacritics: flags & 2 == 2,
    };
    let mut f = Folded::default();
    fold_into(&text, opts, &mut f);
    let ft = f.text.clone();
    let mut last_start = 0;
    let mut last_end = 0;
    let bounds: Vec<usize> = (0..=ft.len()).filter(|&p| ft.is_char_boundary(p)).collect();
    for &p in &bounds {
        if let Some(s) = f.map_start(p) {
            assert!(
                s <= text.len() && text.is_char_boundary(s),
                "start {p} -> {s}"
            );
            assert!(s >= last_start, "starts not monotonic at {p}");
            last_start = s;
        }
        if let Some(e) = f.map_end(p, &text) {
            assert!(
                e <= text.len() && text.is_char_boundary(e),
                "end {p} -> {e}"
            );
            assert!(e >= last_end, "ends not monotonic at {p}");
            last_end = e;
        }
    }
    // Every span of the folded text that maps gives a slice of the original.
    for (i, &a) in bounds.iter().enumerate().step_by(3) {
        for &b in bounds.iter().skip(i + 1).step_by(5) {
            if let (Some(s), Some(e)) = (f.map_start(a), f.map_end(b, &text)) {
                assert!(s <= e, "span {a}..{b} -> {s}..{e}");
                assert!(text.get(s..e).is_some());
            }
        }
    }
    // Folded offset 0 maps to the start, or past leading characters that fold to nothing or to
    // white space (found by this target: leading spaces, dropped combining marks).
    let start = f.map_start(0);
    assert!(
        start.is_some_and(|s| text.get(..s).is_some_and(ignorable)),
        "start of text: {start:?}"
    );
    // The whole folded text maps to the whole original, except that a trailing run of white
    // space may be left out (found by this target: map_end(len) stops before such a run).
    let end = f.map_end(ft.len(), &text);
    assert!(
        end.is_some_and(|e| text.get(e..).is_some_and(ignorable)),
        "whole text: {end:?} of {}",
        text.len()
    );
});
