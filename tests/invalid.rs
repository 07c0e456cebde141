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
    assert!(cases.len() >= 12, "fixtures missing");
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
