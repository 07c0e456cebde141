//! Markdown bodies to safe HTML: CommonMark with tables and footnotes, heading anchors,
//! French typography in text, and raw HTML through an allow-list sanitiser.

use crate::text::french::{slugify, typography};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// A body rendered to HTML, with the site-internal links it contains (for link checking).
#[derive(Debug, Clone, Default)]
pub struct MarkdownHtml {
    pub html: String,
    /// Targets of links that start with `/` (paths of this site), in order of appearance.
    pub internal_links: Vec<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// The text with each NUL replaced by U+FFFD, as CommonMark says (§ 2.3, insecure characters).
fn without_nul(markdown: &str) -> std::borrow::Cow<'_, str> {
    if markdown.contains('\0') {
        std::borrow::Cow::Owned(markdown.replace('\0', "\u{fffd}"))
    } else {
        std::borrow::Cow::Borrowed(markdown)
    }
}

/// Renders a Markdown body, with no embedded video allowed.
pub fn render(markdown: &str) -> MarkdownHtml {
    render_with(markdown, &[])
}

/// Renders a Markdown body; raw `<iframe>`s are kept only from `video_hosts` (over https).
pub fn render_with(markdown: &str, video_hosts: &[String]) -> MarkdownHtml {
    let markdown = &*without_nul(markdown);
    let mut events: Vec<Event> = Vec::new();
    let mut internal_links = Vec::new();
    let mut in_code = false;
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut heading: Option<(HeadingLevel, usize)> = None;
    let mut has_html = false;
    // A link or image whose URL is not allowed is dropped (its text stays, for a link).
    let mut dropping_link = false;
    let mut dropping_image = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        if dropping_image > 0 {
            match event {
                Event::Start(Tag::Image { .. }) => dropping_image += 1,
                Event::End(TagEnd::Image) => dropping_image -= 1,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                has_html = true;
                events.push(event);
            }
            Event::Start(Tag::Image { ref dest_url, .. }) if !is_safe_url(dest_url) => {
                dropping_image = 1;
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if !is_safe_url(dest_url) => {
                dropping_link = true;
            }
            Event::End(TagEnd::Link) if dropping_link => dropping_link = false,
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                events.push(event);
            }
            Event::Text(t) if !in_code => {
                events.push(Event::Text(match crate::text::french::typography_cow(&t) {
                    std::borrow::Cow::Borrowed(_) => t,
                    std::borrow::Cow::Owned(changed) => CowStr::from(changed),
                }))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if dest_url.starts_with('/') && !dest_url.starts_with("//") {
                    internal_links.push(dest_url.to_string());
                }
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, events.len()));
                events.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start)) = heading.take() {
                    let id = heading_id(&events[start + 1..], &mut used_ids);
                    events[start] = Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id)),
                        classes: vec![],
                        attrs: vec![],
                    });
                }
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Without raw HTML, pulldown-cmark escapes every text and the URLs were checked above:
    // the sanitiser (a full HTML parse, the costliest step) is needed only for raw HTML.
    if has_html {
        html = if crate::text::html::too_deep(&html, crate::text::html::MAX_DEPTH).is_some() {
            // Validation reports it; a caller that skips validation still gets safe text, fast.
            crate::text::html::escape_html(&html)
        } else {
            empty_frames(&sanitizer(video_hosts).clean(&html).to_string())
        };
    }
    MarkdownHtml {
        html,
        internal_links,
    }
}

/// An image of a Markdown body: its address, its alternative text (`None` for an HTML
/// `<img>` without `alt`), and where it is in the body (byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyImage {
    pub src: String,
    pub alt: Option<String>,
    pub offset: usize,
    /// An HTML `<img>` (whose `alt=""` marks a decorative image), not Markdown.
    pub html: bool,
}

/// The images of a Markdown body, Markdown (`![…](…)`) and HTML (`<img src=…>`), in order.
pub fn body_images(body: &str) -> Vec<BodyImage> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let html_img = memchr::memchr_iter(b'<', bytes).any(|i| {
        bytes
            .get(i + 1..i + 4)
            .is_some_and(|t| t.eq_ignore_ascii_case(b"img"))
    });
    if !html_img && !body.contains("![") {
        return out;
    }
    let mut open: Option<BodyImage> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                open = Some(BodyImage {
                    src: dest_url.to_string(),
                    alt: Some(String::new()),
                    offset: range.start,
                    html: false,
                })
            }
            Event::Text(t) | Event::Code(t) if open.is_some() => {
                if let Some(alt) = open.as_mut().and_then(|o| o.alt.as_mut()) {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => out.extend(open.take()),
            Event::Html(h) | Event::InlineHtml(h) => {
                let mut rest = &*h;
                while let Some(i) = rest.to_ascii_lowercase().find("<img") {
                    let end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
                    let tag = &rest[i..end];
                    out.push(BodyImage {
                        src: attribute(tag, "src").unwrap_or_default(),
                        alt: attribute(tag, "alt"),
                        offset: range.start,
                        html: true,
                    });
                    rest = &rest[end..];
                }
            }
            _ => {}
        }
    }
    out
}

/// The value of attribute `name` in an HTML start tag (quoted or not), entities left as is.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| i + from) {
        from = i + name.len();
        let before = lower[..i].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = lower[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let start = tag.len() - rest.trim_start().len();
        let value = &tag[start..];
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or("").to_string(),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
                .to_string(),
        });
    }
    None
}

/// A heading's anchor: the slug of its text (`section` if none), made unique in the page.
fn heading_id(inside: &[Event], used_ids: &mut HashSet<String>) -> String {
    let text: String = inside
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let base = match slugify(&text) {
        s if s.is_empty() => "section".to_string(),
        s => s,
    };
    let mut id = base.clone();
    let mut n = 1;
    while !used_ids.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// Whether a Markdown link or image URL is allowed: relative, or http, https, mailto, tel.
pub fn is_safe_url(url: &str) -> bool {
    // Browsers ignore leading spaces and control characters, and tabs or newlines anywhere.
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned.as_bytes()[i] == b':' => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// Plain text of a short Markdown string (for summaries), with French typography.
pub fn plain(markdown: &str) -> String {
    let markdown = &*without_nul(markdown);
    let mut out = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    typography(out.trim())
}

/// Drops what stands between `<iframe …>` and `</iframe>`: browsers never show it, and it is
/// written out unescaped (raw text), which a later reader of the HTML could take for tags.
fn empty_frames(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<iframe") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        out.push_str(&rest[..open_end]);
        match rest[open_end..].find("</iframe>") {
            Some(close) => rest = &rest[open_end + close..],
            None => {
                rest = "";
                out.push_str("</iframe>");
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether an embedded frame's address is an https page of one of the allowed video hosts.
pub fn is_allowed_frame(src: &str, video_hosts: &[String]) -> bool {
    let Some(rest) = src.trim().strip_prefix("https://") else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    !host.contains(['@', ':']) && video_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host))
}

/// An iframe's `src` as a browser reads it: without the spaces and control characters around
/// it, and without the tabs and line breaks inside, which the URL parser removes — so that
/// the address checked is the address written out.
fn frame_src(src: &str) -> String {
    src.trim_matches(|c: char| c == ' ' || c.is_ascii_control())
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The allow-list: the tags and attributes Markdown produces, `id` on headings, iframes from
/// the video hosts, nothing that runs.
fn sanitizer(video_hosts: &[String]) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.add_tag_attributes("h1", ["id"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("sup", ["id"])
        .add_tag_attributes("div", ["id", "class"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
    if !video_hosts.is_empty() {
        let hosts = video_hosts.to_vec();
        b.add_tags(["iframe"])
            .add_tag_attributes(
                "iframe",
                [
                    "src",
                    "title",
                    "width",
                    "height",
                    "allow",
                    "allowfullscreen",
                    "loading",
                ],
            )
            .attribute_filter(move |element, attribute, value| {
                if element == "iframe" && attribute == "src" {
                    let src = frame_src(value);
                    is_allowed_frame(&src, &hosts).then(|| src.into())
                } else {
                    Some(value.into())
                }
            });
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_images_of_a_text_are_found_however_their_tag_is_written() {
        for body in [
            "Voir <img src=\"/images/a.png\" alt=\"A\">.",
            "Voir <IMG SRC=\"/images/a.png\" ALT=\"A\">.",
            "Voir <Img src=\"/images/a.png\" alt=\"A\">.",
            "<p>\n<iMg src=\"/images/a.png\" alt=\"A\">\n</p>",
            "Voir ![A](/images/a.png).",
        ] {
            let found = body_images(body);
            assert_eq!(found.len(), 1, "{body}");
            assert_eq!(found[0].src, "/images/a.png", "{body}");
        }
        assert!(body_images("Un texte < sans image, <i>ni</i> balise img.").is_empty());
    }

    #[test]
    fn nul_bytes_become_replacement_characters() {
        let body = "Texte\0 avec <span>\0</span> un NUL.\n\n```\ncode\0\n```\n\n`en\0ligne`";
        let html = render(body).html;
        assert!(!html.contains('\0'), "{html:?}");
        assert_eq!(html.matches('\u{fffd}').count(), 4, "{html:?}");
        assert!(!plain("a\0b").contains('\0'));
    }

    #[test]
    fn headings_get_unique_anchors() {
        let r = render("## Nos activités\n\ntexte\n\n## Nos activités\n");
        assert!(
            r.html
                .contains("<h2 id=\"nos-activites\">Nos activités</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"nos-activites-2\">"), "{}", r.html);
    }

    #[test]
    fn scripts_and_javascript_urls_are_removed() {
        let r = render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(!r.html.contains("onerror"), "{}", r.html);
    }

    #[test]
    fn unsafe_urls_are_dropped_without_raw_html_too() {
        let r = render("[a](javascript:alert(1)) [b](JaVaScript:x) [f](<\u{1}javascript:x>) ![c](data:text/html,x) [d](/ok/) [e](mailto:a@b.fr)");
        assert!(!r.html.to_lowercase().contains("script:"), "{}", r.html);
        assert!(!r.html.contains("data:"), "{}", r.html);
        assert!(
            r.html.contains(">a<") || r.html.contains("a "),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"/ok/\""), "{}", r.html);
        assert!(r.html.contains("href=\"mailto:a@b.fr\""), "{}", r.html);
    }

    #[test]
    fn iframes_only_from_the_video_hosts() {
        let hosts = vec!["www.youtube-nocookie.com".to_string()];
        let ok = render_with(
            "<iframe src=\"https://www.youtube-nocookie.com/embed/x\" title=\"Replay\"></iframe>",
            &hosts,
        );
        assert!(
            ok.html
                .contains("src=\"https://www.youtube-nocookie.com/embed/x\""),
            "{}",
            ok.html
        );
        for bad in [
            "<iframe src=\"https://evil.example/x\"></iframe>",
            "<iframe src=\"http://www.youtube-nocookie.com/embed/x\"></iframe>",
            "<iframe src=\"https://www.youtube-nocookie.com@evil.example/\"></iframe>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
        ] {
            let r = render_with(bad, &hosts);
            assert!(!r.html.contains("src="), "{bad} -> {}", r.html);
        }
        assert!(
            !render("<iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>")
                .html
                .contains("iframe")
        );
        let r = render_with("<p onclick=\"x()\">a</p><a href=\"vbscript:x\">b</a><img src=\"data:image/png;base64,AA\" alt=\"c\">", &hosts);
        assert!(
            !r.html.contains("onclick")
                && !r.html.contains("vbscript")
                && !r.html.contains("data:"),
            "{}",
            r.html
        );
        // The address is written as the browser reads it: trimmed, without line breaks.
        let html = render_with(
            "<iframe src=\"\nhttps://www.youtube-nocookie.com/embed\n+@\n+/a\"></iframe> \
             <iframe src=\" https://www.youtube-nocookie.com\n@evil.example/\"></iframe>",
            &hosts,
        )
        .html;
        assert!(
            html.contains("src=\"https://www.youtube-nocookie.com/embed+@+/a\""),
            "{html}"
        );
        assert_eq!(html.matches("src=").count(), 1, "{html}");
    }

    #[test]
    fn internal_links_are_collected() {
        let r = render("Voir [Up Sceaux](/acteurs/up-sceaux/) et [RTES](https://rtes.fr).");
        assert_eq!(r.internal_links, vec!["/acteurs/up-sceaux/"]);
    }
}
