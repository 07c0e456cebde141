//! No script gets in through what is not Markdown: settings of `site.toml`, the newsletter's
//! settings, open-data exports, pictures and documents that only private records name.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

const NOW: &str = "2026-11-23";

fn ess_site(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run ess-site")
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// `site.toml` with `extra` lines added at the top level (before the first section).
fn with_settings(root: &Path, extra: &str) {
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    let at = toml.find("\n[").map_or(toml.len(), |i| i + 1);
    let text = format!("{}{extra}\n{}", &toml[..at], &toml[at..]);
    std::fs::write(root.join("site.toml"), text).unwrap();
}

/// Every setting that becomes a link or an address a browser loads takes http(s) (or a path
/// of the site) only, refused at its line, whatever the scheme or its spelling.
#[test]
fn url_settings_take_web_addresses_only() {
    for (key, value) in [
        ("data_licence_url", "javascript:alert(1)"),
        ("data_licence_url", " JaVaScRiPt:alert(1)"),
        (
            "data_licence_url",
            "data:text/html,<script>alert(1)</script>",
        ),
        ("data_licence_url", "//evil.example/x"),
        ("map_tiles", "javascript:alert(1)//{z}/{x}/{y}"),
        ("map_tiles", "//evil.example/{z}/{x}/{y}.png"),
        ("map_tiles", "vbscript:x"),
        (
            "data_licence_url",
            "https://ok.fr/\" onmouseover=\"alert(1)",
        ),
    ] {
        let site = copy_site(&repo());
        with_settings(site.path(), &format!("{key} = {value:?}"));
        let out = ess_site(site.path(), &["check", "--now", NOW]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{key} = {value}: {stderr}");
        assert!(
            stderr.contains(&format!("erreur: {key} : adresse refusée")),
            "{stderr}"
        );
        assert!(stderr.contains("site.toml:"), "{stderr}");
    }
    // Tiles served by the site's own server: a path of the site is fine.
    let site = copy_site(&repo());
    with_settings(site.path(), "map_tiles = \"/tuiles/{z}/{x}/{y}.png\"");
    let out = ess_site(site.path(), &["check", "--now", NOW]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The commune's website, in its section.
    let site = copy_site(&repo());
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        toml.replacen(
            "website = \"https://www.sceaux.fr\"",
            "website = \"javascript:alert(document.domain)\"",
            1,
        ),
    )
    .unwrap();
    let out = ess_site(site.path(), &["check", "--now", NOW]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("[commune] website : adresse refusée"));
}

/// The map's attribution is shown as HTML by the map's library: what reaches the pages is
/// text and https links only, whatever markup it was given.
#[test]
fn the_map_attribution_is_sanitised_in_every_page() {
    let site = copy_site(&repo());
    with_settings(
        site.path(),
        "map_attribution = '<img src=x onerror=\"window.__pwned=1\"><a href=\"javascript:alert(1)\">x</a><script>window.__pwned=2</script><a href=\"https://osm.org/copyright\" onclick=\"x()\">© OSM</a><svg onload=alert(1)></svg>'",
    );
    let files = build(site.path(), options(NOW));
    let mut seen = 0;
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        if !text.contains("osm.org/copyright") {
            continue;
        }
        seen += 1;
        for bad in [
            "onerror",
            "onclick",
            "onload",
            "<img src=x",
            "javascript:",
            "__pwned",
        ] {
            assert!(!text.contains(bad), "{path}: « {bad} »");
        }
    }
    assert!(
        seen >= 2,
        "the attribution was not published ({seen} files)"
    );
}

/// Open data: a cell a spreadsheet would run as a formula starts with a quote in the CSV;
/// the JSON keeps the value exact.
#[test]
fn csv_cells_are_never_formulas() {
    let site = copy_site(&repo());
    write(
        site.path(),
        "content/acteurs/formule.md",
        b"---\ntitle: \"=HYPERLINK(\\\"https://evil.example\\\",\\\"x\\\")\"\naddress: \"@SUM(1+1)*cmd|' /C calc'!A0\"\nphone: \"+33 1 41 13 33 00\"\nsummary: \"-2+3\"\ndomains: [sport]\n---\n",
    );
    let files = build(site.path(), options(NOW));
    let csv = text(&files, "donnees/acteurs.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    for record in reader.records() {
        let record = record.unwrap();
        for (h, cell) in headers.iter().zip(record.iter()) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "column {h}: {cell}"
            );
        }
    }
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(csv.contains("'@SUM(1+1)"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(text(&files, "donnees/acteurs.json")).unwrap();
    let row = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["slug"] == "formule")
        .unwrap();
    assert_eq!(row["nom"], "=HYPERLINK(\"https://evil.example\",\"x\")");
    assert_eq!(row["telephone"], "+33 1 41 13 33 00");
}

/// The newsletter's unsubscribe link is a web or mail address, an address, or the mailing
/// tool's tag; any other scheme is refused at its line, and never published as a link.
#[test]
fn the_unsubscribe_link_takes_no_script() {
    for value in [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "https://x.fr/\"><script>",
    ] {
        let site = copy_site(&repo());
        write(
            site.path(),
            "content/data/newsletter.yaml",
            format!("title: \"La lettre\"\nunsubscribe: {value:?}\n").as_bytes(),
        );
        for args in [
            &["check", "--now", NOW][..],
            &[
                "newsletter",
                "--since",
                "2016-10-01",
                "--until",
                "2016-11-30",
                "--output",
                "l.html",
            ],
        ] {
            let out = ess_site(site.path(), args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{value}: {args:?}");
            assert!(
                stderr.contains("content/data/newsletter.yaml:2:"),
                "{value}: {stderr}"
            );
            assert!(
                stderr.contains("lien de désinscription refusé"),
                "{value}: {stderr}"
            );
        }
        assert!(!site.path().join("l.html").exists());
    }
    for (value, href) in [
        ("ess@ville.fr", "mailto:ess@ville.fr"),
        ("{{ unsubscribe }}", "{{ unsubscribe }}"),
        ("*|UNSUB|*", "*|UNSUB|*"),
        (
            "https://lettre.ville.fr/desinscription",
            "https://lettre.ville.fr/desinscription",
        ),
    ] {
        let site = copy_site(&repo());
        write(
            site.path(),
            "content/data/newsletter.yaml",
            format!("unsubscribe: {value:?}\n").as_bytes(),
        );
        let out = ess_site(
            site.path(),
            &[
                "newsletter",
                "--since",
                "2016-10-01",
                "--until",
                "2016-11-30",
                "--output",
                "l.html",
            ],
        );
        assert!(
            out.status.success(),
            "{value}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = std::fs::read_to_string(site.path().join("l.html")).unwrap();
        let escaped = href.replace('&', "&amp;");
        assert!(
            html.contains(&format!("href=\"{escaped}\"")),
            "{value}: {html}"
        );
    }
    // An image of the introduction must exist, as a record's.
    let site = copy_site(&repo());
    write(
        site.path(),
        "content/data/newsletter.yaml",
        b"intro: |\n  Voici ![le marche](/images/absente.jpg).\n",
    );
    let out = ess_site(site.path(), &["check", "--now", NOW]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "content/data/newsletter.yaml: erreur: image introuvable : /images/absente.jpg"
        ),
        "{stderr}"
    );
}

/// A document only a private record names is never published on the public site, however its
/// address is written: a path, the site's own absolute address (any case, either scheme,
/// with a port, a query, percent-encoding or dot segments), or a link of the record's text.
#[test]
fn a_private_document_is_refused_in_static_however_its_address_is_spelled() {
    let spellings = [
        "file_url: https://ess.sceaux.fr/docs/secret.pdf",
        "file_url: HTTP://ESS.SCEAUX.FR:80/docs/secret.pdf?v=2",
        "file_url: //ess.sceaux.fr/docs/./x/../secret%2Epdf",
        "url: /docs//secret.pdf#page=2",
    ];
    for spelling in spellings {
        let site = copy_site(&repo());
        write(site.path(), "static/docs/secret.pdf", b"%PDF-1.4 secret");
        write(site.path(), "content/ressources/secret.md", format!("---\ntitle: Secret\nprivate: true\nsummary: Pour les membres.\ndate: 2016-10-01\n{spelling}\n---\n").as_bytes());
        let out = ess_site(site.path(), &["check", "--now", NOW]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{spelling}: {stderr}");
        assert!(
            stderr.contains("content/ressources/secret.md:6:"),
            "{spelling}: {stderr}"
        );
        assert!(
            stderr.contains("ressource privée est dans static/"),
            "{spelling}: {stderr}"
        );
    }
    for body in [
        "Le [compte rendu](/docs/secret.pdf).",
        "Le <a href=\"https://ess.sceaux.fr/docs/secret%2Epdf\">compte rendu</a>.",
        "<https://ess.sceaux.fr/docs/secret.pdf>",
    ] {
        let site = copy_site(&repo());
        write(site.path(), "static/docs/secret.pdf", b"%PDF-1.4 secret");
        write(site.path(), "content/ressources/secret.md", format!("---\ntitle: Secret\nprivate: true\nsummary: Pour les membres.\ndate: 2016-10-01\n---\n\n{body}\n").as_bytes());
        let out = ess_site(site.path(), &["check", "--now", NOW]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{body}: {stderr}");
        assert!(
            stderr.contains("content/ressources/secret.md:8:"),
            "{body}: {stderr}"
        );
        assert!(
            stderr.contains("le texte de cette ressource privée lie un fichier de static/"),
            "{body}: {stderr}"
        );
    }
}

/// No published image keeps the original's metadata: a GIF loses its comment and XMP blocks
/// (its frames and loop stay); formats the site does not process are refused.
#[test]
fn no_published_picture_keeps_its_metadata() {
    let site = copy_site(&repo());
    let mut gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff".to_vec();
    gif.extend_from_slice(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00");
    let comment = b"GPS 48.7785 2.2901 Sceaux";
    gif.extend_from_slice(b"\x21\xfe");
    gif.push(comment.len() as u8);
    gif.extend_from_slice(comment);
    gif.push(0);
    let xmp = b"<x:xmpmeta>exif:GPSLatitude";
    gif.extend_from_slice(b"\x21\xff\x0bXMP DataXMP");
    gif.push(xmp.len() as u8);
    gif.extend_from_slice(xmp);
    gif.push(0);
    gif.extend_from_slice(b"\x21\xf9\x04\x00\x0a\x00\x00\x00");
    gif.extend_from_slice(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b");
    write(site.path(), "static/images/anime.gif", &gif);
    let files = build(site.path(), options(NOW));
    let published = &files["images/anime.gif"];
    let text = String::from_utf8_lossy(published);
    assert!(!text.contains("GPS") && !text.contains("xmpmeta") && !text.contains("Sceaux"));
    assert!(text.contains("NETSCAPE2.0"));
    assert!(published.ends_with(b"\x02\x02\x44\x01\x00\x3b"));
    for name in ["photo.tiff", "photo.heic", "photo.avif"] {
        let site = copy_site(&repo());
        write(
            site.path(),
            &format!("static/images/{name}"),
            b"II*\x00exif GPS",
        );
        let out = ess_site(site.path(), &["check", "--now", NOW]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "static/images/{name}: erreur: format d'image que le site ne traite pas"
            )),
            "{stderr}"
        );
    }
}
