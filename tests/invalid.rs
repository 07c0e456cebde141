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

/// English words of the parsers' and the system's messages, which must never reach the user.
const ENGLISH: &[&str] = &[
    "expected",
    "found",
    "invalid ",
    "duplicate",
    "not allowed",
    "document start",
    "supported",
    "os error",
    "No such file",
    "usize",
    "u128",
    " as u",
    "newline",
    "escape code",
    "control",
];

/// A change made to a copy of a site.
type Change = Box<dyn Fn(&std::path::Path)>;

/// The first error of checking a copy of the `duplicate-url` fixture changed by `change`.
fn first_error(change: impl Fn(&std::path::Path)) -> String {
    let site = copy_site(&fixture("invalid/duplicate-url"));
    std::fs::remove_file(site.path().join("content/acteurs/b.md")).unwrap();
    change(site.path());
    pipeline::check(site.path(), options("2020-01-01"))
        .into_iter()
        .find(|d| d.is_error())
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn every_parser_error_is_said_in_french() {
    let toml = |text: &'static str| {
        move |root: &std::path::Path| std::fs::write(root.join("site.toml"), text).unwrap()
    };
    let record = |name: &'static str, text: &'static [u8]| {
        move |root: &std::path::Path| {
            std::fs::write(root.join("content/acteurs").join(name), text).unwrap()
        }
    };
    let base = "title = \"T\"\nbase_url = \"https://t.example.org\"\n";
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(toml(Box::leak(
                format!("{base}paginate_by = 3\npaginate_by = 4\n[commune]\nname = \"X\"\n")
                    .into_boxed_str(),
            ))),
            "site.toml:4:1: erreur: la clé « paginate_by » apparaît deux fois",
        ),
        (
            Box::new(toml(
                "title = \"T\" x\nbase_url = \"https://t.example.org\"\n[commune]\nname = \"X\"\n",
            )),
            "site.toml:1:13: erreur: fin de ligne attendue après la valeur",
        ),
        (
            Box::new(toml(Box::leak(
                format!("{base}paginate_by = 99999999999999999999999\n[commune]\nname = \"X\"\n")
                    .into_boxed_str(),
            ))),
            "site.toml:3:15: erreur: nombre trop grand",
        ),
        (
            Box::new(record(
                "a.md",
                b"---\ntitle: \"A\"\ndomains: [sport]\n---\n",
            )),
            "",
        ),
        (
            Box::new(record("c.md", b"---\ntitle: \"C\"\n\"x\" y\n---\n")),
            "content/acteurs/c.md",
        ),
        (
            Box::new(record("d.md", b"---\ntitle: \"D\x07\"\n---\n")),
            "erreur: caractère de contrôle (invisible) interdit",
        ),
        (
            Box::new(record("e.md", b"---\ntitle: \"E \\uZZZZ\"\n---\n")),
            "erreur: échappement Unicode invalide entre guillemets doubles",
        ),
        (
            Box::new(record("f.yml", b"title: \"F\"\n---\ntitle: \"G\"\n")),
            "erreur: plusieurs documents YAML dans un même fichier",
        ),
        (
            Box::new(record(
                "g.md",
                b"---\ntitle: \"G\"\nsince: 99999999999999999999999\n---\n",
            )),
            "erreur: since : ",
        ),
        (
            Box::new(record(
                "h.md",
                b"---\ntitle: \"H\"\nsince: !!bool \"true\"\n---\n",
            )),
            "erreur: since : type incorrect : attendu un nombre entier, trouvé le booléen « true »",
        ),
    ];
    for (change, expected) in cases {
        let error = first_error(change);
        if expected.is_empty() {
            assert!(error.is_empty(), "{error}");
            continue;
        }
        assert!(
            error.contains(expected),
            "expected « {expected} » in:\n{error}"
        );
        for word in ENGLISH {
            assert!(!error.contains(word), "« {word} » in:\n{error}");
        }
    }
}

#[test]
fn an_unclosed_bracket_or_quote_is_reported_where_it_was_opened() {
    let record = |text: &'static str| {
        move |root: &std::path::Path| {
            std::fs::write(root.join("content/acteurs/u.md"), text).unwrap()
        }
    };
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(record(
                "---\ntitle: \"U\"\ndomains: [sport, sante\nstages: [informer]\n---\n",
            )),
            "content/acteurs/u.md:3:10: erreur: liste entre crochets jamais fermée",
        ),
        (
            Box::new(record(
                "---\ntitle: \"U\"\ngeo: {lat: 48.7, lon: 2.2\nstages: [informer]\n---\n",
            )),
            "content/acteurs/u.md:3:6: erreur: dictionnaire entre accolades jamais fermé",
        ),
        (
            Box::new(record(
                "---\ntitle: \"U\"\nsummary: \"Un résumé\nstages: [informer]\n---\n",
            )),
            "content/acteurs/u.md:3:10: erreur: guillemet jamais fermé",
        ),
        (
            // An apostrophe or brackets inside a value are text, not openers.
            Box::new(record(
                "---\ntitle: L'atelier [2016] de l'ESS\nsummary: 'Le ''tiers-lieu\nstages: [informer]\n---\n",
            )),
            "content/acteurs/u.md:3:10: erreur: guillemet jamais fermé",
        ),
    ];
    for (change, expected) in cases {
        let error = first_error(change);
        assert!(
            error.contains(expected),
            "expected « {expected} » in:\n{error}"
        );
    }
}
