//! The record parser, for every kind of file of `content/`: any bytes give a record or
//! diagnostics that point inside the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

const PATHS: [&str; 8] = [
    "content/acteurs/a.md",
    "content/acteurs/a.yaml",
    "content/forum/f.md",
    "content/conferences/c.md",
    "content/magazine/m.md",
    "content/ressources/r.yaml",
    "content/pages/p.md",
    "content/data/d.yaml",
];

fuzz_target!(|input: (u8, &[u8])| {
    let (which, bytes) = input;
    let path = Path::new(PATHS[which as usize % PATHS.len()]);
    if let Err(diagnostics) = ess_site::load::parse_bytes(path, bytes) {
        assert!(!diagnostics.is_empty());
        // YAML counts a lone carriage return as a line break too.
        let breaks = bytes.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count() + 1;
        let lines = bytes.iter().filter(|b| **b == b'\n').count() + breaks + 2;
        for d in diagnostics {
            assert!(d.line <= lines, "line {} past the end", d.line);
        }
    }
});
