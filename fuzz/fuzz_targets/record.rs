//! The record parser, for every kind of file of `content/` (checks in checks.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "checks.rs"]
mod checks;

fuzz_target!(|input: (u8, &[u8])| checks::record(input.0, input.1));
