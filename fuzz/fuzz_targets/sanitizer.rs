//! Markdown to HTML with the sanitiser (checks in checks.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "checks.rs"]
mod checks;

fuzz_target!(|body: &str| checks::sanitizer(body));
