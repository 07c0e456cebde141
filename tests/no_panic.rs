//! No input makes the parsers panic: arbitrary bytes give a record or diagnostics.

use ess_site::load::{parse_bytes, split_front_matter};
use proptest::prelude::*;
use std::path::Path;

const PATHS: &[&str] = &[
    "content/acteurs/a.md",
    "content/acteurs/a.yaml",
    "content/forum/2016.md",
    "content/conferences/c.md",
    "content/magazine/m.md",
    "content/ressources/r.yaml",
    "content/pages/p.md",
    "content/_index.md",
    "content/data/d.yaml",
];

/// Text that looks like a record: front matter lines built from the real keys and values.
fn record_like() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "title",
        "date",
        "end_date",
        "domains",
        "stages",
        "legal_form",
        "program",
        "speakers",
        "exhibitors",
        "geo",
        "private",
        "draft",
        "summary",
        "slug",
        "aliases",
        "body",
        "kind",
        "start",
        "titel",
        "- name",
        "  - start",
        "&a",
        "*a",
        "<<",
    ]);
    let value = prop::sample::select(vec![
        "",
        "x",
        "\"2016-02-30\"",
        "2016-11-19",
        "2016-11-19T14:00",
        "[sante, sport",
        "[]",
        "{lat: 1}",
        "oui",
        "true",
        "NO",
        "- a",
        "10:00",
        "'",
        "\"",
        "|",
        ">",
        "\t",
        "*x",
        "&x [1]",
        "!!binary AA",
        "99999999999999999999",
        "-1",
        "~",
        "\u{feff}",
        "é",
        "{",
        "}",
    ]);
    prop::collection::vec((key, value, 0usize..4), 0..12).prop_map(|lines| {
        let mut s = String::from("---\n");
        for (k, v, indent) in lines {
            s.push_str(&" ".repeat(indent * 2));
            s.push_str(k);
            s.push_str(": ");
            s.push_str(v);
            s.push('\n');
        }
        s.push_str("---\nCorps [lien](/x/) ![](y)\n");
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), which in 0..PATHS.len()) {
        let rel = Path::new(PATHS[which]);
        if let Err(ds) = parse_bytes(rel, &bytes) {
            prop_assert!(!ds.is_empty());
            for d in ds {
                prop_assert!(d.is_error());
                prop_assert_eq!(d.path.as_path(), rel);
            }
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = split_front_matter(text, rel);
        }
    }

    #[test]
    fn record_like_text_never_panics(text in record_like(), which in 0..PATHS.len()) {
        let rel = Path::new(PATHS[which]);
        if let Err(ds) = parse_bytes(rel, text.as_bytes()) {
            prop_assert!(!ds.is_empty());
            let lines = text.lines().count();
            for d in ds {
                prop_assert!(d.line <= lines + 1, "line {} past the end of a {}-line file", d.line, lines);
            }
        }
    }
}
