//! The front-matter splitter: any text gives a split or a diagnostic, and a split's parts
//! are pieces of the text with line numbers inside it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    if let Ok(split) = ess_site::load::split_front_matter(text, Path::new("content/acteurs/a.md")) {
        assert!(text.contains(split.yaml) && text.ends_with(split.body));
        assert!(split.body_line > split.yaml_line && split.body_line <= text.lines().count() + 2);
    }
});
