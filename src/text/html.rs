//! Raw HTML: escaped for text and attributes, and measured without parsing it (how deep it nests).

/// How deep raw HTML may nest. Browsers stop at 512 (Blink's parser nests no deeper); the
/// sanitiser's HTML parser costs time in proportion to the depth for each element, so a body
/// of 200,000 nested `<div>`s would take minutes.
pub const MAX_DEPTH: usize = 512;

/// The byte offset of the first tag of `html` that opens an element deeper than `max`, if
/// any. Linear: elements that close by themselves (void, `<p>`, `<li>`…) are not counted, and
/// an end tag closes up to its open element, as an HTML parser does.
pub fn too_deep(html: &str, max: usize) -> Option<usize> {
    const SELF_CLOSING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
        "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
    ];
    let bytes = html.as_bytes();
    // Fewer tags than `max` cannot open an element deeper than it (most texts, every save).
    if memchr::memchr_iter(b'<', bytes).count() <= max {
        return None;
    }
    let mut open: Vec<String> = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut i = 0;
    while let Some(at) = memchr_lt(bytes, i) {
        i = at + 1;
        if bytes[i..].starts_with(b"!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = start
            + bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
                .count();
        if end == start || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        let tag_end = html[end..].find('>').map_or(bytes.len(), |e| end + e);
        let self_closed = tag_end > 0 && bytes.get(tag_end - 1) == Some(&b'/');
        i = tag_end;
        if closing {
            if counts.get(&name).is_some_and(|n| *n > 0) {
                while let Some(top) = open.pop() {
                    if let Some(n) = counts.get_mut(&top) {
                        *n -= 1;
                    }
                    if top == name {
                        break;
                    }
                }
            }
        } else if !self_closed && !SELF_CLOSING.contains(&name.as_str()) {
            *counts.entry(name.clone()).or_default() += 1;
            open.push(name);
            if open.len() > max {
                return Some(at);
            }
        }
    }
    None
}

fn memchr_lt(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'<', bytes.get(from..)?).map(|p| p + from)
}

/// HTML escaping for templates: `& < > " '`. Tera's default also escapes `/`, which makes
/// every URL unreadable (`&#x2F;acteurs&#x2F;`) for no safety gain inside quoted attributes.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    escape_html_into(input, &mut out);
    out
}

/// `escape_html`, appended to `out`.
pub fn escape_html_into(input: &str, out: &mut String) {
    // The five characters are ASCII: a byte scan copies the runs between them whole.
    let mut copied = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&input[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_escapes_the_five_and_keeps_everything_else() {
        assert_eq!(
            escape_html("« L'Atelier » <b>&\"é\"</b> 🌱"),
            "« L&#39;Atelier » &lt;b&gt;&amp;&quot;é&quot;&lt;/b&gt; 🌱"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html("sans rien"), "sans rien");
    }

    #[test]
    fn nesting_depth_is_measured_as_a_parser_would() {
        let deep = format!("{}x{}", "<div>".repeat(600), "</div>".repeat(600));
        assert_eq!(too_deep(&deep, 512), Some(512 * 5));
        let closed = "<div></div>".repeat(10_000);
        assert_eq!(too_deep(&closed, 512), None);
        let items = "<ul>".to_string() + &"<li>un".repeat(2000) + "</ul>";
        assert_eq!(too_deep(&items, 512), None);
        let mixed = format!(
            "{}{}",
            "<span><br><img src=x />".repeat(600),
            "</span>".repeat(600)
        );
        assert!(too_deep(&mixed, 512).is_some());
        // An end tag without its start closes nothing; one with it closes what it holds.
        let stray = format!("{}{}", "<div></span>".repeat(600), "");
        assert!(too_deep(&stray, 512).is_some());
        let closes = format!(
            "{}{}",
            "<section><b><i>".repeat(100),
            "</section>".repeat(100)
        );
        assert_eq!(too_deep(&(closes.clone() + &closes + &closes), 512), None);
        assert_eq!(too_deep("<!-- <div><div> -->", 1), None);
        let html = crate::text::markdown::render(&deep).html;
        assert!(!html.contains("<div>"), "escaped, not parsed");
    }
}
