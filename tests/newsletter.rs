//! `ess-site newsletter`: exactly the public records of the window, email-ready.

mod common;

use chrono::NaiveDate;
use common::*;
use ess_site::newsletter::newsletter;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            out.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    out
}

#[test]
fn the_window_holds_exactly_its_public_records() {
    let site = copy_site(&fixture("visibility"));
    let june = newsletter(site.path(), day("2020-05-01"), day("2020-06-30")).unwrap();
    assert_eq!(june.items, 1, "{}", june.text);
    assert!(june.html.contains("Dossier publié"));
    assert!(june
        .text
        .contains("https://test.example.org/magazine/published/"));
    assert!(!june.html.contains("Acteur public"), "outside the window");
    assert!(!june.html.contains("Forum 2020"), "too far ahead");

    let january = newsletter(site.path(), day("2020-01-01"), day("2020-01-31")).unwrap();
    assert!(january.html.contains("Acteur public"));
    assert!(january.html.contains("Ressource publique"));
    assert_eq!(january.items, 2, "{}", january.text);

    let autumn = newsletter(site.path(), day("2020-09-01"), day("2020-09-30")).unwrap();
    assert!(
        autumn.html.contains("Forum 2020"),
        "an event coming within three months"
    );

    for letter in [&june, &january, &autumn] {
        for part in [&letter.html, &letter.text] {
            assert!(
                !part.contains("CANARY"),
                "a draft, private or future record leaked"
            );
        }
        assert!(!letter.html.to_lowercase().contains("<script"));
        for link in hrefs(&letter.html) {
            assert!(
                link.starts_with("https://test.example.org/"),
                "not absolute: {link}"
            );
        }
        assert!(letter.html.contains("max-width:600px"));
        assert!(
            letter.html.contains("alt=\"le logo\""),
            "alternative texts kept"
        );
        assert!(
            letter.text.contains("Bonjour"),
            "the editorial introduction"
        );
    }
}

#[test]
fn the_command_writes_html_and_text() {
    let site = copy_site(&repo());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args([
            "newsletter",
            "--since",
            "2016-10-01",
            "--until",
            "2016-11-30",
            "--output",
            "lettre.html",
        ])
        .current_dir(site.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(site.path().join("lettre.html")).unwrap();
    let text = std::fs::read_to_string(site.path().join("lettre.txt")).unwrap();
    assert!(html.contains("Forum de l&#39;ESS 2016"));
    assert!(text.contains("https://ess.sceaux.fr/forum/2016/"));
    assert!(!html.contains("foncier"), "private resource");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args([
            "newsletter",
            "--since",
            "2016-12-01",
            "--until",
            "2016-11-30",
        ])
        .current_dir(site.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
