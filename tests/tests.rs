//! All integration tests, built into one test binary (modules below).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

mod analyst;
mod arrow;
mod chunks;
mod cli;
mod compiled;
mod cooc;
mod edges;
mod first_minutes;
mod gold;
mod json;
mod matching;
mod offsets;
mod reliability;
mod resume;
mod rules;
mod util;
