//! Markdown to HTML with the sanitiser: whatever the body, no tag of the output runs anything
//! (no script, no event handler, no javascript: or data: address, no frame from elsewhere).
#![no_main]
use libfuzzer_sys::fuzz_target;

/// The tags of some HTML: text is escaped, so every `<` starts a real tag.
fn tags(html: &str) -> impl Iterator<Item = &str> {
    html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or(t))
}

fuzz_target!(|body: &str| {
    let hosts = vec!["www.youtube-nocookie.com".to_string()];
    let html = ess_site::render::markdown::render_with(body, &hosts).html;
    for tag in tags(&html) {
        let t = tag.to_ascii_lowercase();
        let name = t.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        assert!(!matches!(name, "script" | "style" | "object" | "embed" | "form" | "svg" | "math"), "<{tag}>");
        // Attribute names are outside the quoted values (a value may hold « onerror= » as text).
        let outside: String = t.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
        assert!(!outside.split_whitespace().skip(1).any(|a| a.starts_with("on")), "handler in <{tag}>");
        // Attribute values are the odd pieces between double quotes.
        for value in t.split('"').skip(1).step_by(2) {
            let v: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
            for scheme in ["javascript:", "data:", "vbscript:"] {
                assert!(!v.starts_with(scheme), "{scheme} in <{tag}>");
            }
        }
        if name == "iframe" {
            assert!(!t.contains("src=") || t.contains("src=\"https://www.youtube-nocookie.com/"), "frame from elsewhere: <{tag}>");
        }
    }
});
