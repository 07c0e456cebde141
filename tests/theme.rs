//! The default theme as a commune publishes it: its identity from `site.toml`, assets under
//! fingerprinted names, precompressed copies, the directory of actors in activity, the
//! accessibility status the audit allows, and French text with typographic apostrophes.

mod common;

use common::*;
use ess_site::pipeline;
use std::io::Read;

const NOW: &str = "2026-11-23T12:00";

/// The example site, with `extra` added to its `site.toml` (before its first table).
fn example_with(extra: &str) -> tempfile::TempDir {
    let site = copy_site(&repo());
    let path = site.path().join("site.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    let at = toml.find("\n[").unwrap();
    std::fs::write(&path, format!("{}\n{extra}\n{}", &toml[..at], &toml[at..])).unwrap();
    site
}

/// The fingerprinted stylesheet of a build, by its name in the home page.
fn stylesheet(files: &std::collections::BTreeMap<String, Vec<u8>>) -> (String, String) {
    let home = text(files, "index.html");
    let start = home.find("href=\"/style.").expect("a stylesheet link") + 7;
    let name = &home[start..start + home[start..].find('"').unwrap()];
    (name.to_string(), text(files, name).to_string())
}

#[test]
fn theme_assets_have_fingerprinted_names_and_a_site_s_own_keep_theirs() {
    let site = copy_site(&fixture("override"));
    let files = build(site.path(), options("2021-01-01"));
    let (name, css) = stylesheet(&files);
    // `style.` + ten hex digits + `.css`, the hash of its bytes.
    let hash = &name["style.".len()..name.len() - ".css".len()];
    assert_eq!(hash.len(), 10, "{name}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
    assert!(!css.is_empty());
    assert!(!files.contains_key("style.css"), "one address per asset");
    assert!(files
        .keys()
        .any(|k| k.starts_with("js/annuaire.") && k.ends_with(".js")));
    assert!(files
        .keys()
        .any(|k| k.starts_with("icons.") && k.ends_with(".svg")));
    // A file the site adds keeps its own name: its templates link it as they wrote it.
    assert!(files.contains_key("commune.css"));
    // A change of the stylesheet is a new name.
    let other = copy_site(&fixture("override"));
    std::fs::create_dir_all(other.path().join("static")).unwrap();
    std::fs::write(
        other.path().join("static/style.css"),
        "body { color: #111; }\n",
    )
    .unwrap();
    let (renamed, replaced) = stylesheet(&build(other.path(), options("2021-01-01")));
    assert_ne!(renamed, name);
    assert_eq!(replaced, "body { color: #111; }\n");
}

#[test]
fn the_commune_s_colours_logo_and_favicon_are_on_every_page() {
    let site = example_with(
        "[brand]\nprimary = \"#1d4e89\"\naccent = \"#7a2e0e\"\nlogo = \"/images/logo-ville.svg\"",
    );
    std::fs::write(
        site.path().join("static/images/logo-ville.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 40\" width=\"40\" height=\"40\"><circle cx=\"20\" cy=\"20\" r=\"18\" fill=\"#1d4e89\"/></svg>",
    )
    .unwrap();
    let files = build(site.path(), options(NOW));
    let (_, css) = stylesheet(&files);
    assert!(
        css.contains("--brand: #1d4e89;"),
        "{}",
        &css[css.len() - 200..]
    );
    assert!(css.contains("--accent: #7a2e0e;"));
    for page in ["index.html", "acteurs/index.html", "forum/2016/index.html"] {
        let html = text(&files, page);
        assert!(
            html.contains("<span class=\"brand-logo\"><img src=\"/images/logo-ville.svg\""),
            "{page}"
        );
        assert!(html.contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"));
    }
    // The default favicon: the main colour, the commune's initial drawn as a path (no text:
    // no typeface to find), which is not the initial of another commune.
    let favicon = text(&files, "favicon.svg");
    assert!(favicon.contains("fill=\"#1d4e89\"") && favicon.contains("<path fill=\"#fff\""));
    assert!(!favicon.contains("<text"), "{favicon}");
    let other = copy_site(&repo());
    let toml = std::fs::read_to_string(other.path().join("site.toml")).unwrap();
    let toml = toml.replace("name = \"Sceaux\"", "name = \"Antony\"");
    std::fs::write(other.path().join("site.toml"), toml).unwrap();
    let out = other.path().join("public");
    pipeline::build(other.path(), &out, options(NOW)).unwrap();
    let other = std::fs::read_to_string(out.join("favicon.svg")).unwrap();
    let d = |svg: &str| svg.split(" d=\"").nth(1).map(str::to_string);
    assert!(
        d(favicon).is_some() && d(&other).is_some() && d(favicon) != d(&other),
        "{other}"
    );
}

/// The `<link rel="preload">` of a page's typefaces.
fn preloads(html: &str) -> Vec<String> {
    html.split("<link rel=\"preload\" href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

#[test]
fn every_page_asks_at_once_for_the_typefaces_its_style_sheet_declares() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let (_, css) = stylesheet(&files);
    // The theme's text in a typeface made for legibility, never held back nor swapped in late.
    let faces: Vec<&str> = css.split("@font-face").skip(1).collect();
    assert_eq!(faces.len(), 2, "a regular and a bold face");
    for face in &faces {
        let face = &face[..face.find('}').unwrap()];
        assert!(face.contains("font-display: optional"), "{face}");
        assert!(face.contains("unicode-range:"), "{face}");
    }
    let fonts = preloads(text(&files, "index.html"));
    assert_eq!(fonts.len(), 2, "{fonts:?}");
    for font in &fonts {
        // The address the style sheet's `url()` gives, from the site's root where it is.
        let relative = font.trim_start_matches('/');
        assert!(css.contains(&format!("url(\"{relative}\")")), "{font}");
        let bytes = &files[relative];
        assert!(bytes.starts_with(b"wOF2"), "{font}: a WOFF2 file");
        assert!(
            bytes.len() < 12 * 1024,
            "{font}: {} bytes, subset",
            bytes.len()
        );
    }
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        assert_eq!(preloads(&html), fonts, "{path}");
        assert!(
            html.contains("as=\"font\" type=\"font/woff2\" crossorigin>"),
            "{path}"
        );
    }
    // Under a path, the same files under it.
    let mut under = options(NOW);
    under.base_url = Some("https://ville.example.org/ess/".into());
    let moved = build(site.path(), under);
    let expected: Vec<String> = fonts.iter().map(|f| format!("/ess{f}")).collect();
    assert_eq!(preloads(text(&moved, "acteurs/index.html")), expected);
    // A site whose own style sheet declares no typeface asks for none.
    let own = copy_site(&fixture("override"));
    std::fs::create_dir_all(own.path().join("static")).unwrap();
    std::fs::write(
        own.path().join("static/style.css"),
        "body { font-family: Georgia, serif; }\n",
    )
    .unwrap();
    let plain = build(own.path(), options("2021-01-01"));
    assert!(preloads(text(&plain, "index.html")).is_empty());
}

#[test]
fn a_colour_text_cannot_be_read_on_is_refused_with_its_ratio_and_a_colour_that_passes() {
    let site = example_with("[brand]\nprimary = \"#7fb3d5\"\naccent = \"#8a3b12\"");
    let out = site.path().join("public");
    let errors = pipeline::build(site.path(), &out, options(NOW)).unwrap_err();
    let errors: Vec<String> = errors
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("la couleur primary « #7fb3d5 » n'a qu'un contraste de 2,"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("il faut au moins 4,5:1 (WCAG AA)"));
    // The suggested colour is accepted.
    let hint = &errors[0][errors[0].find("essayez « ").unwrap() + "essayez « ".len()..];
    let suggested = &hint[..7];
    let fixed = example_with(&format!("[brand]\nprimary = \"{suggested}\""));
    build(fixed.path(), options(NOW));
    assert!(!out.exists());
}

#[test]
fn precompressed_copies_hold_the_same_bytes() {
    let site = example_with("precompress = true");
    let files = build(site.path(), options(NOW));
    let html = &files["index.html"];
    let mut gz = Vec::new();
    flate2::read::GzDecoder::new(&files["index.html.gz"][..])
        .read_to_end(&mut gz)
        .unwrap();
    assert_eq!(&gz, html);
    let mut br = Vec::new();
    brotli::Decompressor::new(&files["index.html.br"][..], 4096)
        .read_to_end(&mut br)
        .unwrap();
    assert_eq!(&br, html);
    let (css, _) = stylesheet(&files);
    assert!(files.contains_key(&format!("{css}.gz")));
    // Not the images (already compressed), not the small files.
    assert!(!files
        .keys()
        .any(|k| k.ends_with(".jpg.gz") || k.ends_with(".webp.br")));
    assert!(!files.contains_key("robots.txt.gz"));
    // The exports, written a piece at a time and their copies made from their files: the
    // same copies as a file made whole gets.
    let exports = [
        "donnees/acteurs.csv",
        "donnees/acteurs.json",
        "donnees/acteurs.geojson",
        "donnees/gogocarto.json",
        "donnees/data-inclusion/structures.json",
        "donnees/data-inclusion/structures.csv",
        "acteurs/filtres.json",
    ];
    assert!(
        exports
            .iter()
            .filter(|p| files.contains_key(&format!("{p}.br")))
            .count()
            >= 5
    );
    for path in exports {
        let whole = ess_site::render::Output {
            path: path.to_string(),
            bytes: files[path].clone(),
            links: Vec::new(),
            from: None,
        };
        let copies = ess_site::render::compressed(&whole);
        let expected = ess_site::render::compressible(path, files[path].len());
        assert_eq!(copies.len(), if expected { 2 } else { 0 }, "{path}");
        assert_eq!(
            files.contains_key(&format!("{path}.gz")),
            expected,
            "{path}"
        );
        for copy in copies {
            assert_eq!(files[&copy.path], copy.bytes, "{}", copy.path);
        }
    }
    // Same bytes again (no date in the gzip header).
    let again = build(site.path(), options(NOW));
    assert_eq!(again["index.html.gz"], files["index.html.gz"]);
    // Off by default.
    let plain = build(copy_site(&repo()).path(), options(NOW));
    assert!(!plain
        .keys()
        .any(|k| k.ends_with(".gz") || k.ends_with(".br")));
}

#[test]
fn the_directory_lists_actors_in_activity_and_the_closed_ones_are_one_click_away() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let directory = text(&files, "acteurs/index.html");
    assert!(
        !directory.contains("href=\"/acteurs/l-atelier/\""),
        "closed structure listed"
    );
    assert!(directory.contains("href=\"/acteurs/up-sceaux/\""));
    assert!(directory.contains("<a href=\"/acteurs/fermees/\">La structure fermée</a>"));
    assert!(directory.contains("<option value=\"\">En activité</option>"));
    let closed = text(&files, "acteurs/fermees/index.html");
    assert!(closed.contains("href=\"/acteurs/l-atelier/\""));
    assert!(closed.contains("Structure fermée"));
    assert!(!closed.contains("href=\"/acteurs/up-sceaux/\""));
    // Not offered to project holders either.
    let path = text(&files, "porteur-de-projet/index.html");
    assert!(!path.contains("/acteurs/l-atelier/"));
    assert!(text(&files, "sitemap.xml").contains("/acteurs/fermees/</loc>"));
}

#[test]
fn the_accessibility_status_is_what_the_audit_allows() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    assert!(text(&files, "index.html").contains("Accessibilité : non conforme</a>"));
    // A statement that claims more than its audit: a warning, and the site says what RGAA allows.
    let statement = site.path().join("content/data/accessibilite.yaml");
    let yaml = std::fs::read_to_string(&statement).unwrap();
    std::fs::write(
        &statement,
        yaml.replace(
            "statut: \"non conforme\"",
            "statut: \"totalement conforme\"",
        ),
    )
    .unwrap();
    let report = pipeline::build(site.path(), &site.path().join("out"), options(NOW)).unwrap();
    assert!(
        report.warnings.iter().any(|w| w
            .to_string()
            .contains("statut « totalement conforme » : aucun taux de conformité")),
        "{:?}",
        report.warnings
    );
    let home = std::fs::read_to_string(site.path().join("out/index.html")).unwrap();
    assert!(home.contains("Accessibilité : non conforme</a>"));
    // With an audit at 87 %: « partiellement conforme ».
    let audited = yaml
        .replace(
            "statut: \"non conforme\"",
            "statut: \"partiellement conforme\"",
        )
        .replace(
            "taux: \"pas encore audité : contrôles automatiques seulement\"",
            "taux: \"87 %\"",
        );
    std::fs::write(&statement, audited).unwrap();
    let files = build(site.path(), options(NOW));
    assert!(text(&files, "index.html").contains("Accessibilité : partiellement conforme</a>"));
}

#[test]
fn pages_use_french_apostrophes_plurals_and_times() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        // The text a reader sees: without scripts, addresses and data attributes.
        let mut seen = String::new();
        let mut rest = &html[..];
        while let Some(i) = rest.find("<script") {
            seen.push_str(&rest[..i]);
            rest = rest[i..].find("</script>").map_or("", |j| &rest[i + j..]);
        }
        seen.push_str(rest);
        let straight = seen.replace("&#39;", "'");
        let chars: Vec<char> = straight.chars().collect();
        for w in chars.windows(3) {
            // Between two letters, or before a link or an emphasis (« l'<a »).
            if w[1] == '\'' && w[0].is_alphabetic() && (w[2].is_alphabetic() || w[2] == '<') {
                let at = straight.find(&w.iter().collect::<String>()).unwrap_or(0);
                let context: String = straight[at.saturating_sub(60)..]
                    .chars()
                    .take(100)
                    .collect();
                // An address may hold one (href, src): those are not text.
                assert!(
                    context.contains("href=") || context.contains("src="),
                    "{path}: straight apostrophe in « {context} »"
                );
            }
        }
        assert!(!html.contains("Créée en</"), "{path}");
        assert!(!html.contains(" 1 acteurs"), "{path}");
        assert!(!html.contains("Plan du site (XML)"), "{path}");
    }
    let since = text(&files, "acteurs/hauts-de-seine-initiative/index.html");
    assert!(
        since.contains("Depuis 1999</p>"),
        "an actor's year, not gendered"
    );
    let conference = text(&files, "conferences/2027-printemps/index.html");
    assert!(
        conference.contains("de&nbsp;19\u{a0}h&nbsp;à&nbsp;21\u{a0}h"),
        "{}",
        &conference[conference.find("event-when").unwrap()..][..300]
    );
}
