//! `ess-site init` and `ess-site new`, run as a comms team would.

mod common;

use common::*;
use ess_site::pipeline;
use std::process::Command;

fn ess(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    // The records' dates come from "today": fix it, as SOURCE_DATE_EPOCH does for builds.
    Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1795435200")
        .output()
        .expect("run ess-site")
}

#[test]
fn init_gives_a_site_that_builds_at_once() {
    let parent = tempfile::tempdir().unwrap();
    let out = ess(
        parent.path(),
        &["init", "bourg-la-reine", "--commune", "Bourg-la-Reine"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = parent.path().join("bourg-la-reine");
    assert!(
        !site.join("themes").exists(),
        "the default theme is used by reference, not copied"
    );
    let diagnostics = pipeline::check(&site, options("2026-11-23"));
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let files = build(&site, options("2026-11-23"));
    assert!(text(&files, "index.html").contains("Maison virtuelle de l&#39;ESS de Bourg-la-Reine"));
    for page in [
        "acteurs/jardin-partage-de-bourg-la-reine/index.html",
        "forum/2027/index.html",
        "accessibilite/index.html",
        "a-propos/index.html",
    ] {
        assert!(files.contains_key(page), "{page}");
    }
    assert!(text(&files, "forum/2027/index.html")
        .contains("href=\"/acteurs/jardin-partage-de-bourg-la-reine/\""));
    // A second init into the same folder is refused.
    let again = ess(parent.path(), &["init", "bourg-la-reine"]);
    assert!(!again.status.success());
}

#[test]
fn new_records_are_documented_and_pass_check_once_filled() {
    let parent = tempfile::tempdir().unwrap();
    assert!(ess(parent.path(), &["init", "site", "--commune", "Sceaux"])
        .status
        .success());
    let site = parent.path().join("site");
    for kind in [
        "acteur",
        "forum",
        "conference",
        "magazine",
        "ressource",
        "page",
    ] {
        let out = ess(&site, &["new", kind, "Économie & Solidarité à l'œuvre"]);
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(
            path.ends_with("economie-solidarite-a-l-oeuvre.md"),
            "{path}"
        );
        let text = std::fs::read_to_string(site.join(&path)).unwrap();
        assert!(text.contains("title: \"Économie & Solidarité à l'œuvre\""));
        assert!(text.contains("# "), "each field documented");
        // Refuses to overwrite.
        assert!(
            !ess(&site, &["new", kind, "Économie & Solidarité à l'œuvre"])
                .status
                .success()
        );
    }
    // Forum editions and conferences need their date: check says so, at the `date:` line.
    let diagnostics = pipeline::check(&site, options("2026-11-23"));
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        errors,
        vec![
            "content/conferences/economie-solidarite-a-l-oeuvre.md:3:1: erreur: champ obligatoire manquant : « date »",
            "content/forum/economie-solidarite-a-l-oeuvre.md:3:1: erreur: champ obligatoire manquant : « date »",
        ]
    );
    for (file, date) in [
        (
            "content/forum/economie-solidarite-a-l-oeuvre.md",
            "2027-11-14",
        ),
        (
            "content/conferences/economie-solidarite-a-l-oeuvre.md",
            "2027-03-18T19:00",
        ),
    ] {
        let p = site.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        let filled = text.replacen(
            "date:             # OBLIGATOIRE",
            &format!("date: {date}   # OBLIGATOIRE"),
            1,
        );
        assert_ne!(text, filled);
        std::fs::write(&p, filled).unwrap();
    }
    let diagnostics = pipeline::check(&site, options("2026-11-23"));
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    // New records are drafts: shown with --drafts only.
    let files = build(&site, options("2026-11-23"));
    assert!(!files.contains_key("acteurs/economie-solidarite-a-l-oeuvre/index.html"));
    let mut drafts = options("2026-11-23");
    drafts.drafts = true;
    let files = build(&site, drafts);
    assert!(files.contains_key("acteurs/economie-solidarite-a-l-oeuvre/index.html"));
    assert!(
        files.contains_key("economie-solidarite-a-l-oeuvre/index.html"),
        "the page"
    );
}

#[test]
fn an_unknown_kind_gets_the_closest_one() {
    let parent = tempfile::tempdir().unwrap();
    assert!(ess(parent.path(), &["init", "site"]).status.success());
    let out = ess(&parent.path().join("site"), &["new", "actor", "X"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("vouliez-vous dire « acteur »"));
}
