//! What each fuzz target asserts, shared with the replay of the seeds in `cargo test`
//! (`tests/fuzz_seeds.rs`), so both check the same properties.
#![allow(dead_code)] // each fuzz target uses one of these

use std::path::Path;

/// The front-matter splitter: any text gives a split or a diagnostic, and a split's parts
/// are pieces of the text with line numbers inside it.
pub fn front_matter(text: &str) {
    if let Ok(split) = ess_site::load::split_front_matter(text, Path::new("content/acteurs/a.md")) {
        assert!(text.contains(split.yaml) && text.ends_with(split.body));
        assert!(split.body_line > split.yaml_line && split.body_line <= text.lines().count() + 2);
    }
}

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

/// The record parser, for every kind of file of `content/`: any bytes give a record or
/// diagnostics that point inside the file. `which` picks the kind of file.
pub fn record(which: u8, bytes: &[u8]) {
    let path = Path::new(PATHS[which as usize % PATHS.len()]);
    if let Err(diagnostics) = ess_site::load::parse_bytes(path, bytes) {
        assert!(!diagnostics.is_empty());
        // YAML counts a lone carriage return as a line break too.
        let breaks = bytes
            .windows(2)
            .filter(|w| w[0] == b'\r' && w[1] != b'\n')
            .count()
            + 1;
        let lines = bytes.iter().filter(|b| **b == b'\n').count() + breaks + 2;
        for d in diagnostics {
            assert!(d.line <= lines, "line {} past the end", d.line);
        }
    }
}

/// The tags of some HTML: text is escaped, so every `<` starts a real tag.
fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(t))
}

/// Markdown to HTML with the sanitiser: whatever the body, no tag of the output runs anything
/// (no script, no event handler, no javascript: or data: address, no frame from elsewhere).
pub fn sanitizer(body: &str) {
    let hosts = vec!["www.youtube-nocookie.com".to_string()];
    let html = ess_site::text::markdown::render_with(body, &hosts).html;
    for tag in tags(&html) {
        let t = tag.to_ascii_lowercase();
        let name = t
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        assert!(
            !matches!(
                name,
                "script" | "style" | "object" | "embed" | "form" | "svg" | "math"
            ),
            "<{tag}>"
        );
        // Attribute names are outside the quoted values (a value may hold « onerror= » as text).
        let outside: String = t.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
        assert!(
            !outside
                .split_whitespace()
                .skip(1)
                .any(|a| a.starts_with("on")),
            "handler in <{tag}>"
        );
        // Attribute values are the odd pieces between double quotes.
        for value in t.split('"').skip(1).step_by(2) {
            let v: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            for scheme in ["javascript:", "data:", "vbscript:"] {
                assert!(!v.starts_with(scheme), "{scheme} in <{tag}>");
            }
        }
        if name == "iframe" {
            // The host a browser reads: after « https:// », up to the path, the query or the
            // fragment (`\` ends it too in an https address); no user name, no port.
            // The value after an outside piece ending in « src= » (not text inside another value).
            let pieces: Vec<&str> = t.split('"').collect();
            for pair in pieces.chunks(2) {
                if let [outside, src] = pair {
                    if outside.ends_with(" src=") {
                        let host = src
                            .strip_prefix("https://")
                            .and_then(|rest| rest.split(['/', '?', '#', '\\']).next());
                        assert_eq!(
                            host,
                            Some("www.youtube-nocookie.com"),
                            "frame from elsewhere: <{tag}>"
                        );
                    }
                }
            }
        }
    }
}
