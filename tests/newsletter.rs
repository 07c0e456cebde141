//! `ess-site newsletter`: exactly the public records of the window, email-ready.

mod common;

use chrono::NaiveDate;
use common::*;
use ess_site::pipeline::newsletter::newsletter;

/// A moment long after every window of these tests.
fn later() -> chrono::NaiveDateTime {
    day("2099-01-01").and_hms_opt(0, 0, 0).unwrap()
}

fn at(s: &str) -> chrono::NaiveDateTime {
    ess_site::model::Date::parse(s).unwrap().at
}

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
    let june = newsletter(site.path(), day("2020-05-01"), day("2020-06-30"), later()).unwrap();
    assert_eq!(june.items, 1, "{}", june.text);
    assert!(june.html.contains("Dossier publié"));
    assert!(june
        .text
        .contains("https://test.example.org/magazine/published/"));
    assert!(!june.html.contains("Acteur public"), "outside the window");
    assert!(!june.html.contains("Forum 2020"), "too far ahead");

    let january = newsletter(site.path(), day("2020-01-01"), day("2020-01-31"), later()).unwrap();
    assert!(january.html.contains("Acteur public"));
    assert!(january.html.contains("Ressource publique"));
    assert_eq!(january.items, 2, "{}", january.text);

    let autumn = newsletter(site.path(), day("2020-09-01"), day("2020-09-30"), later()).unwrap();
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
    assert!(html.contains("Forum de l’ESS 2016"));
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

#[test]
fn the_letter_follows_the_builds_publication_rule_at_its_moment() {
    let site = copy_site(&fixture("visibility"));
    std::fs::write(
        site.path().join("content/magazine/ce-soir.md"),
        "---\ntitle: \"Dossier du soir\"\ndate: 2020-06-10T23:30\n---\nTexte.\n",
    )
    .unwrap();
    // At 10:00 a build does not publish the dossier dated 23:30: nor does the letter.
    let morning = newsletter(
        site.path(),
        day("2020-06-01"),
        day("2020-06-10"),
        at("2020-06-10T10:00"),
    )
    .unwrap();
    assert!(
        !morning.html.contains("Dossier du soir"),
        "{}",
        morning.text
    );
    assert!(morning.html.contains("Dossier publié"));
    let night = newsletter(
        site.path(),
        day("2020-06-01"),
        day("2020-06-10"),
        at("2020-06-10T23:45"),
    )
    .unwrap();
    assert!(night.html.contains("Dossier du soir"));
    // A window that ends in the future holds only what is published now.
    let ahead = newsletter(
        site.path(),
        day("2020-06-01"),
        day("2030-12-31"),
        at("2020-06-10T10:00"),
    )
    .unwrap();
    assert!(!ahead.html.contains("Dossier du soir"));
    assert!(!ahead.html.contains("CANARY"), "a future record");
}

#[test]
fn links_of_the_introduction_to_unpublished_records_are_errors() {
    let site = copy_site(&fixture("visibility"));
    std::fs::write(
        site.path().join("content/data/newsletter.yaml"),
        "title: \"La lettre\"\nintro: |\n  Bonjour !\n  Lisez [le brouillon](/magazine/draft/) et [la suite](/magazine/future/).\n",
    )
    .unwrap();
    let errors: Vec<String> =
        newsletter(site.path(), day("2020-06-01"), day("2020-06-30"), later())
            .unwrap_err()
            .iter()
            .map(|d| d.to_string())
            .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("content/data/newsletter.yaml:4:24: erreur: lien vers une fiche qui n'est pas publiée : /magazine/draft/"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("content/data/newsletter.yaml:4:56: erreur: lien vers une fiche qui n'est pas publiée : /magazine/future/"),
        "{errors:?}"
    );
    // `check` reports them too, the future record's as well.
    let check: Vec<String> = ess_site::pipeline::check(site.path(), options("2021-01-01"))
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert_eq!(check.len(), 2, "{check:?}");
    assert!(
        check
            .iter()
            .all(|e| e.starts_with("content/data/newsletter.yaml:4:")),
        "{check:?}"
    );
}

#[test]
fn an_old_window_tells_its_events_as_past_and_new_actors_by_their_entry() {
    let site = copy_site(&repo());
    let actors = site.path().join("content/acteurs");
    // Updated in the window, entered before it: not new. Entered in the window: new.
    let amap = actors.join("amap-de-sceaux.md");
    let text = std::fs::read_to_string(&amap).unwrap();
    std::fs::write(
        &amap,
        text.replacen("---\n", "---\ndate: 2015-01-10\nupdated: 2016-06-01\n", 1),
    )
    .unwrap();
    std::fs::write(
        actors.join("nouvelle-cooperative.md"),
        "---\ntitle: \"Nouvelle coopérative\"\ndate: 2016-06-15\nsummary: \"Une coopérative entrée dans l'annuaire en juin.\"\ndomains: [habitat]\n---\n",
    )
    .unwrap();
    let letter = newsletter(
        site.path(),
        day("2016-01-01"),
        day("2016-12-31"),
        at("2026-11-23T12:00"),
    )
    .unwrap();
    let html = &letter.html.replace(['\u{a0}', '\u{202f}'], " ");
    // The Forum of 19 November 2016 is past at the end of 2016: told as such.
    assert!(!html.contains("Prochains rendez-vous"), "{}", letter.text);
    assert!(html.contains("Ils ont eu lieu"));
    assert!(html.contains("Forum de l’ESS 2016"));
    // Dates are never uppercased (« 1ER NOVEMBRE »): only the kind is.
    assert!(
        html.contains("text-transform:uppercase;letter-spacing:.04em;\">Forum de l’ESS</span> · 19 novembre 2016"),
        "{html}"
    );
    assert!(html.contains("Nouvelle coopérative"));
    assert!(!html.contains("AMAP de Sceaux"), "updated is not new");
}

#[test]
fn the_footer_names_the_sender_and_the_unsubscribe_link_or_warns_without_one() {
    let site = copy_site(&repo());
    let data = site.path().join("content/data/newsletter.yaml");
    let letter = newsletter(site.path(), day("2016-10-01"), day("2016-11-30"), later()).unwrap();
    for part in [&letter.html, &letter.text] {
        assert!(
            part.contains("Vous recevez cette lettre de la délégation à l")
                && part.contains("conomie sociale et solidaire de la ville de Sceaux."),
            "{part}"
        );
    }
    let link = "mailto:ess@sceaux.fr?subject=D%C3%A9sinscription%20de%20la%20lettre%20de%20l%27ESS";
    assert!(
        letter.html.contains(&format!("<a href=\"{link}\"")),
        "{}",
        letter.html
    );
    assert!(letter.html.contains(">se désinscrire</a>"));
    assert!(letter
        .text
        .contains(&format!("Pour ne plus recevoir cette lettre : {link}\n")));
    assert!(letter.warnings.is_empty());
    // A mailing tool's own tag is kept as written.
    let yaml = std::fs::read_to_string(&data).unwrap();
    let tagged = yaml
        .lines()
        .map(|l| {
            if l.starts_with("unsubscribe:") {
                "unsubscribe: \"{{ unsubscribe }}\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&data, &tagged).unwrap();
    let letter = newsletter(site.path(), day("2016-10-01"), day("2016-11-30"), later()).unwrap();
    assert!(letter.html.contains("<a href=\"{{ unsubscribe }}\""));
    assert!(letter
        .text
        .contains("Pour ne plus recevoir cette lettre : {{ unsubscribe }}"));
    // Without one, the letter says nothing of it and the command warns.
    let without: String = tagged
        .lines()
        .filter(|l| !l.starts_with("unsubscribe:") && !l.starts_with("sender:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&data, without).unwrap();
    let letter = newsletter(site.path(), day("2016-10-01"), day("2016-11-30"), later()).unwrap();
    assert!(letter
        .text
        .contains("Vous recevez cette lettre de la ville de Sceaux."));
    assert!(!letter.html.contains("se désinscrire"));
    assert_eq!(letter.warnings.len(), 1);
    assert!(
        letter.warnings[0].contains("unsubscribe"),
        "{:?}",
        letter.warnings
    );
}

fn run(site: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(args)
        .current_dir(site)
        .output()
        .unwrap()
}

#[test]
fn an_archived_letter_is_published_with_the_list_and_feed_and_only_what_is_still_public() {
    let site = copy_site(&repo());
    let letter = [
        "newsletter",
        "--since",
        "2016-10-01",
        "--until",
        "2016-11-25",
        "--archive",
    ];
    let out = run(site.path(), &letter);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let archive = std::fs::read_to_string(site.path().join("content/data/lettres.yaml")).unwrap();
    assert!(
        archive.contains("2016-11-25") && archive.contains("/forum/2016/"),
        "{archive}"
    );
    // One letter a day: the same letter again is refused, and the archive is unchanged.
    let again = run(site.path(), &letter);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("déjà"));
    let same = std::fs::read_to_string(site.path().join("content/data/lettres.yaml")).unwrap();
    assert_eq!(archive, same);
    // A second, later letter.
    let out = run(
        site.path(),
        &[
            "newsletter",
            "--since",
            "2026-01-01",
            "--until",
            "2026-11-20",
            "--archive",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let files = build(site.path(), options("2026-11-23"));
    let page = text(&files, "lettre/2016-11-25/index.html");
    assert!(page.contains("href=\"/forum/2016/\""), "{page}");
    assert!(
        page.contains("1er\u{a0}octobre\u{a0}2016 au 25\u{a0}novembre\u{a0}2016"),
        "its window: {page}"
    );
    let list = text(&files, "lettre/index.html");
    let (newer, older) = (
        list.find("/lettre/2026-11-20/")
            .expect("the later letter listed"),
        list.find("/lettre/2016-11-25/")
            .expect("the earlier letter listed"),
    );
    assert!(newer < older, "newest first");
    assert!(list.contains("href=\"/lettre/flux.xml\""));
    let feed = rss::Channel::read_from(text(&files, "lettre/flux.xml").as_bytes()).unwrap();
    let links: Vec<_> = feed.items().iter().filter_map(|i| i.link()).collect();
    assert_eq!(
        links,
        [
            "https://ess.sceaux.fr/lettre/2026-11-20/",
            // The example site's own letter.
            "https://ess.sceaux.fr/lettre/2016-11-30/",
            "https://ess.sceaux.fr/lettre/2016-11-25/"
        ]
    );
    assert!(text(&files, "sitemap.xml").contains("https://ess.sceaux.fr/lettre/2016-11-25/"));

    // The autumn conference put back in draft: the archived letter no longer shows it.
    assert!(
        page.contains("href=\"/conferences/2016-automne/\""),
        "{page}"
    );
    let conference = site.path().join("content/conferences/2016-automne.md");
    let record = std::fs::read_to_string(&conference).unwrap();
    std::fs::write(
        &conference,
        record.replacen("---\n", "---\ndraft: true\n", 1),
    )
    .unwrap();
    let files = build(site.path(), options("2026-11-23"));
    let page = text(&files, "lettre/2016-11-25/index.html");
    assert!(
        !page.contains("/conferences/2016-automne/"),
        "an unpublished record shown: {page}"
    );
    assert!(page.contains("href=\"/forum/2016/\""), "{page}");
}

#[test]
fn a_wrong_archive_is_an_error_with_its_line() {
    let site = copy_site(&fixture("visibility"));
    std::fs::write(
        site.path().join("content/data/lettres.yaml"),
        "- date: 2020-06-30\n  since: 2020-06-01\n  title: Juin\n- date: 2020-13-01\n  since: 2020-07-01\n  title: Juillet\n- date: 2020-06-30\n  since: 2020-06-15\n  title: Juin encore\n  items: [magazine/published]\n",
    )
    .unwrap();
    let out = run(site.path(), &["check"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("lettres.yaml:4"),
        "the invalid date's line: {err}"
    );
    assert!(err.contains("2020-13-01"), "{err}");
    assert!(
        err.contains("lettres.yaml:7") && err.contains("deux lettres"),
        "{err}"
    );
    assert!(
        err.contains("lettres.yaml:10") && err.contains("magazine/published"),
        "not a site address: {err}"
    );
}

/// `--output` never replaces a source of the site, however it is spelled, and its text part
/// never lands on its HTML part (or on any other file than the `.txt` beside an `.html`).
#[test]
fn the_letter_is_never_written_over_a_source() {
    let site = copy_site(&repo());
    let record = "content/acteurs/amap-de-sceaux.md";
    std::fs::create_dir_all(site.path().join("sub")).unwrap();
    let sources = ["site.toml", record, "content/data/newsletter.yaml"];
    let before: Vec<Vec<u8>> = sources
        .iter()
        .map(|p| std::fs::read(site.path().join(p)).unwrap())
        .collect();
    for output in [
        "site.toml",
        record,
        "./content/../content/acteurs/x.html",
        "sub/../static/lettre.html",
        "templates/lettre.html",
        "lettre.txt",
        "lettre",
        "content",
    ] {
        let out = run(
            site.path(),
            &[
                "newsletter",
                "--since",
                "2016-10-01",
                "--until",
                "2016-11-30",
                "--output",
                output,
            ],
        );
        assert!(!out.status.success(), "{output}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--output"), "{output}: {stderr}");
    }
    for (p, b) in sources.iter().zip(before) {
        assert_eq!(std::fs::read(site.path().join(p)).unwrap(), b, "{p}");
    }
    assert!(!site.path().join("lettre.txt").exists());
    assert!(!site.path().join("content/acteurs/x.html").exists());
}
