//! Each site under tests/fixtures/invalid/ fails to build with the errors in its expected.txt.

mod common;

use common::*;
use ess_site::pipeline;

fn errors_of(case: &str) -> String {
    let site = copy_site(&fixture(&format!("invalid/{case}")));
    let out = site.path().join("public");
    match pipeline::build(site.path(), &out, options("2020-01-01")) {
        Ok(_) => panic!("{case}: the build should fail"),
        Err(ds) => {
            assert!(!out.exists(), "{case}: an output folder was written");
            ds.iter()
                .filter(|d| d.is_error())
                .map(|d| format!("{d}\n"))
                .collect()
        }
    }
}

#[test]
fn every_invalid_fixture_fails_with_its_expected_errors() {
    let dir = fixture("invalid");
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "fixtures missing");
    let mut failures = Vec::new();
    for case in &cases {
        let got = errors_of(case);
        let expected =
            std::fs::read_to_string(dir.join(case).join("expected.txt")).unwrap_or_default();
        if got != expected {
            failures.push(format!("== {case}\n-- expected:\n{expected}-- got:\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_command_prints_the_source_line_and_exits_non_zero() {
    let site = copy_site(&fixture("invalid/unknown-key"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["build", "--now", "2020-01-01"])
        .current_dir(site.path())
        .output()
        .expect("run ess-site");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("content/acteurs/acteur.md:3:1: erreur: clé inconnue « titel »"),
        "{stderr}"
    );
    assert!(
        stderr.contains("3 | titel: \"Faute de frappe\"\n  | ^"),
        "{stderr}"
    );
    assert!(stderr.contains("vouliez-vous dire « title »"), "{stderr}");
    assert!(stderr.contains("1 erreur"), "{stderr}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn site_toml_typo_is_an_error_with_the_closest_key() {
    let site = copy_site(&fixture("invalid/unknown-key"));
    std::fs::write(
        site.path().join("site.toml"),
        "title = \"x\"\nbase_url = \"https://a.fr\"\ndescripton = \"y\"\n[commune]\nname = \"S\"\n",
    )
    .unwrap();
    let err = pipeline::build(
        site.path(),
        &site.path().join("public"),
        options("2020-01-01"),
    )
    .unwrap_err();
    assert_eq!(
        err[0].to_string().lines().next().unwrap(),
        "site.toml:3:1: erreur: clé inconnue « descripton »"
    );
}

#[test]
fn warnings_are_reported_but_do_not_fail_the_build() {
    let site = copy_site(&fixture("warnings"));
    let diagnostics = pipeline::check(site.path(), options("2020-01-01"));
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let got: Vec<String> = diagnostics
        .iter()
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        got,
        vec![
            "content/acteurs/sans-domaine.md:2:1: avertissement: acteur sans domaine d'action",
            "content/conferences/passee.md:3:1: avertissement: conférence passée sans lien vers son replay",
            "content/conferences/passee.md:4:1: avertissement: résumé absent ou vide",
            "content/pages/page.md:7:1: avertissement: image sans texte alternatif",
            "content/pages/page.md:9:1: avertissement: image sans texte alternatif",
        ]
    );
    let report = pipeline::build(
        site.path(),
        &site.path().join("public"),
        options("2020-01-01"),
    )
    .expect("warnings do not fail");
    assert_eq!(report.warnings.len(), 5);
}

#[test]
fn check_exits_zero_on_a_good_site_and_one_on_a_broken_one() {
    let run = |dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
            .args(["check", "--now", "2026-11-23"])
            .current_dir(dir)
            .output()
            .expect("run ess-site")
    };
    let good = copy_site(&repo());
    let out = run(good.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!good.path().join("public").exists(), "check wrote the site");
    let broken = copy_site(&fixture("invalid/many-errors-one-file"));
    let out = run(broken.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("4 erreurs"), "{stderr}");
    assert!(
        !stderr.contains("\x1b["),
        "no colours when not on a terminal"
    );
}
