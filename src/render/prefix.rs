//! A site hosted under a path (`base_url = "https://ville.gitlab.io/ess/"`): every address of
//! the site that a page names from the site's root (`/acteurs/`, `/style.css`, a link written
//! by hand in a record's body) is published under that path (`/ess/acteurs/`).
//!
//! The pages are written with site paths, as everywhere else (links are checked against them);
//! the path is laid over each HTML file last, by an HTML rewriter: the URL attributes (`href`,
//! `src`, `srcset`, `action`…), the site paths of `data-*` attributes, and a redirect's
//! `<meta http-equiv="refresh">`. An address elsewhere (`https://…`, `//host/…`, `mailto:`) or
//! relative (`#top`, `image.jpg`) is left as it is.

/// The attributes whose value is one URL.
const URL_ATTRIBUTES: [&str; 9] = [
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "cite",
    "data",
    "ping",
    "xlink:href",
];

/// `url` under `base` when it is a site path (`/…`, not `//host/…`).
fn under(base: &str, url: &str) -> Option<String> {
    (url.starts_with('/') && !url.starts_with("//")).then(|| format!("{base}{url}"))
}

/// A `srcset`: each candidate's URL under `base`.
fn srcset_under(base: &str, value: &str) -> String {
    value
        .split(',')
        .map(|candidate| {
            let lead = candidate.len() - candidate.trim_start().len();
            let (space, rest) = candidate.split_at(lead);
            match under(base, rest) {
                Some(moved) => format!("{space}{moved}"),
                None => candidate.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Words separated by spaces (a `data-*` list of site paths): each site path under `base`.
fn words_under(base: &str, value: &str) -> Option<String> {
    let mut changed = false;
    let words: Vec<String> = value
        .split(' ')
        .map(|w| match under(base, w) {
            Some(moved) => {
                changed = true;
                moved
            }
            None => w.to_string(),
        })
        .collect();
    changed.then(|| words.join(" "))
}

/// `content="0; url=/x/"` of a redirect: its URL under `base`.
fn refresh_under(base: &str, value: &str) -> Option<String> {
    let at = value.to_ascii_lowercase().find("url=")? + 4;
    let (head, url) = value.split_at(at);
    under(base, url.trim_start()).map(|moved| format!("{head}{moved}"))
}

/// The HTML file `html` with its site paths under `base` (`/ess`, no trailing slash); the same
/// bytes when `base` is empty. A file the rewriter cannot read is left as it is.
pub fn html(page: Vec<u8>, base: &str) -> Vec<u8> {
    if base.is_empty() {
        return page;
    }
    // Declared before the handlers that borrow it.
    let mut inside = String::new();
    let handler = lol_html::element!("*", |el| {
        let names: Vec<String> = el.attributes().iter().map(|a| a.name()).collect();
        for name in names {
            let Some(value) = el.get_attribute(&name) else {
                continue;
            };
            let moved = if URL_ATTRIBUTES.contains(&name.as_str()) {
                under(base, &value)
            } else if name == "srcset" || name == "imagesrcset" {
                Some(srcset_under(base, &value)).filter(|v| *v != value)
            } else if name.starts_with("data-") {
                words_under(base, &value)
            } else if name == "content"
                && el
                    .get_attribute("http-equiv")
                    .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
            {
                refresh_under(base, &value)
            } else {
                None
            };
            if let Some(moved) = moved {
                el.set_attribute(&name, &moved)?;
            }
        }
        Ok(())
    });
    // The content of `<noscript>` is text to the rewriter (as to a browser running scripts),
    // and markup to a browser without them: its addresses are moved the same way.
    let noscript = lol_html::text!("noscript", |t| {
        inside.push_str(t.as_str());
        if t.last_in_text_node() {
            let moved = html(std::mem::take(&mut inside).into_bytes(), base);
            t.replace(
                &String::from_utf8_lossy(&moved),
                lol_html::html_content::ContentType::Html,
            );
        } else {
            t.remove();
        }
        Ok(())
    });
    let settings = lol_html::Settings::new()
        .append_element_content_handler(handler)
        .append_element_content_handler(noscript);
    let mut out = Vec::with_capacity(page.len() + page.len() / 16);
    let mut rewriter = lol_html::HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
    let ok = rewriter.write(&page).is_ok() && rewriter.end().is_ok();
    if ok {
        out
    } else {
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(s: &str) -> String {
        String::from_utf8(html(s.as_bytes().to_vec(), "/ess")).unwrap()
    }

    #[test]
    fn site_paths_go_under_the_base_and_nothing_else_moves() {
        assert_eq!(
            moved(
                r##"<a href="/acteurs/l&#39;atelier/">x</a><a href="https://a.fr/x">y</a><a href="//cdn/x">z</a><a href="#top">t</a>"##
            ),
            r##"<a href="/ess/acteurs/l&#39;atelier/">x</a><a href="https://a.fr/x">y</a><a href="//cdn/x">z</a><a href="#top">t</a>"##
        );
        assert_eq!(
            moved(
                r#"<img src="/images/a-320.webp" srcset="/images/a-320.webp 320w, /images/a-800.webp 800w, https://x/y.jpg 2x">"#
            ),
            r#"<img src="/ess/images/a-320.webp" srcset="/ess/images/a-320.webp 320w, /ess/images/a-800.webp 800w, https://x/y.jpg 2x">"#
        );
        assert_eq!(
            moved(
                r#"<meta http-equiv="refresh" content="0; url=/acteurs/x/"><meta name="x" content="/pas-une-adresse">"#
            ),
            r#"<meta http-equiv="refresh" content="0; url=/ess/acteurs/x/"><meta name="x" content="/pas-une-adresse">"#
        );
        assert_eq!(
            moved(
                r##"<div data-cluster="/vendor/a.js /vendor/b.css" data-n="12"><svg><use href="/icons.svg#x"></use></svg><form action="/recherche/"></form></div>"##
            ),
            r##"<div data-cluster="/ess/vendor/a.js /ess/vendor/b.css" data-n="12"><svg><use href="/ess/icons.svg#x"></use></svg><form action="/ess/recherche/"></form></div>"##
        );
        assert_eq!(
            moved(
                r#"<noscript><p>Sans lui, <a href="/acteurs/">l’annuaire</a></p></noscript><p>/x</p>"#
            ),
            r#"<noscript><p>Sans lui, <a href="/ess/acteurs/">l’annuaire</a></p></noscript><p>/x</p>"#
        );
        // Text that looks like a link stays text.
        assert_eq!(
            moved("<p>href=\"/x\" et /acteurs/</p>"),
            "<p>href=\"/x\" et /acteurs/</p>"
        );
        assert_eq!(
            html(b"<a href=\"/x\">".to_vec(), ""),
            b"<a href=\"/x\">".to_vec()
        );
    }
}
