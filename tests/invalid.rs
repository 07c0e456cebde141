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

/// Checks one fixture: the build fails with exactly the errors of its expected.txt.
fn check_fixture(case: &str) {
    let got = errors_of(case);
    let expected = std::fs::read_to_string(fixture("invalid").join(case).join("expected.txt"))
        .unwrap_or_default();
    assert_eq!(got, expected, "== {case}");
}

/// One test per fixture, so that one case can be run and reported alone
/// (`cargo test --test invalid unknown_domain`).
macro_rules! fixtures {
    ($($name:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $name() {
                check_fixture($dir);
            }
        )*
        const FIXTURES: &[&str] = &[$($dir),*];
    };
}

fixtures! {
    bad_alias => "bad-alias",
    bad_insee => "bad-insee",
    bad_slug => "bad-slug",
    brand_contrast => "brand-contrast",
    broken_link => "broken-link",
    case_and_accents => "case-and-accents",
    dangling_references => "dangling-references",
    dangling_slug => "dangling-slug",
    deep_html => "deep-html",
    duplicate_url => "duplicate-url",
    end_before_start => "end-before-start",
    fields_all_at_once => "fields-all-at-once",
    file_too_large => "file-too-large",
    identifiers => "identifiers",
    impossible_date => "impossible-date",
    javascript_website => "javascript-website",
    link_to_private => "link-to-private",
    list_for_string => "list-for-string",
    many_errors_one_file => "many-errors-one-file",
    members_files => "members-files",
    missing_date => "missing-date",
    missing_image => "missing-image",
    missing_title => "missing-title",
    not_utf8 => "not-utf8",
    opening_hours => "opening-hours",
    parse_error_no_cascade => "parse-error-no-cascade",
    private_capital => "private-capital",
    private_oui => "private-oui",
    program_all_at_once => "program-all-at-once",
    string_for_date => "string-for-date",
    tab_indent => "tab-indent",
    taxonomy_keys => "taxonomy-keys",
    template_syntax => "template-syntax",
    template_variable => "template-variable",
    term_clash => "term-clash",
    unclosed_brace => "unclosed-brace",
    unclosed_front_matter => "unclosed-front-matter",
    unclosed_quote => "unclosed-quote",
    unknown_domain => "unknown-domain",
    unknown_key => "unknown-key",
    unknown_legal_form => "unknown-legal-form",
    unknown_program_kind => "unknown-program-kind",
    unknown_stage => "unknown-stage",
    url_clash_generated => "url-clash-generated",
    wrong_type => "wrong-type",
    yaml_syntax => "yaml-syntax",
    yes_for_bool => "yes-for-bool",
}

#[test]
fn every_fixture_folder_has_its_test() {
    let mut folders: Vec<String> = std::fs::read_dir(fixture("invalid"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders, FIXTURES, "add the new fixture to `fixtures!`");
}

/// The fixtures whose mistakes are all in `content/` of the same `site.toml` and whose files
/// do not share a path: put together in one site, they must give every one of their errors,
/// in one run (one mistake never hides another, in the same file or another).
#[test]
fn the_mistakes_of_many_fixtures_all_come_in_one_run() {
    let dir = fixture("invalid");
    let default = std::fs::read_to_string(dir.join("unknown-domain/site.toml")).unwrap();
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("site.toml"), &default).unwrap();
    let mut taken = std::collections::BTreeSet::new();
    let mut merged = Vec::new();
    let mut expected: Vec<String> = Vec::new();
    for case in FIXTURES {
        let root = dir.join(case);
        let only_content = std::fs::read_dir(&root).unwrap().all(|e| {
            let name = e.unwrap().file_name();
            ["content", "site.toml", "expected.txt"].contains(&name.to_str().unwrap_or(""))
        });
        if !only_content || std::fs::read_to_string(root.join("site.toml")).unwrap() != default {
            continue;
        }
        let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&root).unwrap().to_path_buf())
            .collect();
        if files.iter().any(|f| taken.contains(f)) {
            continue;
        }
        for f in &files {
            let to = site.path().join(f);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(f), to).unwrap();
            taken.insert(f.clone());
        }
        // Each error with its hint, as one entry.
        let text = std::fs::read_to_string(root.join("expected.txt")).unwrap();
        for entry in text
            .split_inclusive('\n')
            .fold(Vec::<String>::new(), |mut v, l| {
                if l.starts_with("  ") && !v.is_empty() {
                    v.last_mut().unwrap().push_str(l);
                } else {
                    v.push(l.to_string());
                }
                v
            })
        {
            expected.push(entry);
        }
        merged.push(*case);
    }
    assert!(
        merged.len() >= 30,
        "only {} fixtures merged: {merged:?}",
        merged.len()
    );
    let out = site.path().join("public");
    let errors = match pipeline::build(site.path(), &out, options("2020-01-01")) {
        Ok(_) => panic!("the build should fail"),
        Err(ds) => ds,
    };
    let mut got: Vec<String> = errors
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{d}\n"))
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "fixtures merged: {merged:?}");
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
        stderr
            .contains("content/acteurs/acteur-unknown-key.md:3:1: erreur: clé inconnue « titel »"),
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
            "content/acteurs/sans-domaine.md:2:1: avertissement: fiche sans date de vérification",
            "content/conferences/passee.md:3:1: avertissement: conférence passée sans lien vers son replay",
            "content/conferences/passee.md:4:1: avertissement: résumé absent ou vide",
            "content/pages/page.md:7:1: avertissement: image sans texte alternatif",
            "content/pages/page.md:9:1: avertissement: image sans texte alternatif",
            "site.toml: avertissement: 1 fiche d’acteur non vérifiée depuis plus de 12 mois ou jamais",
        ]
    );
    let report = pipeline::build(
        site.path(),
        &site.path().join("public"),
        options("2020-01-01"),
    )
    .expect("warnings do not fail");
    assert_eq!(report.warnings.len(), 7);
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
            "content/acteurs/d.md:2:10: erreur: caractère de contrôle interdit (U+0007)",
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

/// English words that no message may hold, beyond the parsers' phrases (`ENGLISH`).
const ENGLISH_WORDS: &[&str] = &[
    "unknown",
    "missing",
    "error",
    "warning",
    "the",
    "not",
    "is",
    "file",
    "line",
    "failed",
    "cannot",
    "permission",
    "denied",
    "directory",
    "such",
    "found",
    "expected",
    "invalid",
];

/// Fails on an English word or phrase in `text`, but for the quoted source lines (`3 | …`)
/// and the files' paths, which are the user's own text.
fn assert_no_english(text: &str, what: &str) {
    for line in text.lines() {
        let quoted = line
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(" |")
            || line.trim_start().starts_with('|');
        if quoted {
            continue;
        }
        // The file's path is the user's own too.
        let line = ["erreur: ", "avertissement: "]
            .iter()
            .find_map(|k| line.split_once(k).map(|(_, m)| m))
            .unwrap_or(line);
        // Code between backquotes (`or`, `{% endif %}`) is the template language's.
        let line: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        // A path a help names (« la plus ancienne d’abord : content/acteurs/… ») is the user's.
        let line: String = line
            .split_whitespace()
            .filter(|t| !t.contains('/'))
            .collect::<Vec<_>>()
            .join(" ");
        let lower = line.to_lowercase();
        let phrase = ENGLISH.iter().find(|w| lower.contains(&w.to_lowercase()));
        let word = lower
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .find(|t| ENGLISH_WORDS.contains(t));
        assert!(
            phrase.is_none() && word.is_none(),
            "« {} » in {what}:\n{text}",
            phrase.copied().or(word).unwrap_or_default()
        );
    }
}

#[test]
fn no_message_speaks_english() {
    // Every fixture's errors and warnings, as `check` prints them.
    for case in FIXTURES {
        let site = copy_site(&fixture(&format!("invalid/{case}")));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
            .args(["check", "--now", "2020-01-01"])
            .current_dir(site.path())
            .output()
            .unwrap();
        assert_no_english(&String::from_utf8_lossy(&out.stderr), case);
    }
    // The system's errors: a site folder that does not exist, an output that is a file, a
    // content file that is a link to outside the site.
    let run = |args: &[&str], dir: &std::path::Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let site = copy_site(&repo());
    let root = site.path();
    let text = run(&["check", "-s", "/nonexistent/site"], root);
    assert_no_english(&text, "a missing site folder");
    let text = run(&["serve", "-s", "/nonexistent/site"], root);
    assert_no_english(&text, "serving a missing site folder");
    std::fs::write(root.join("un-fichier"), "x").unwrap();
    let text = run(
        &["build", "-o", "un-fichier/public", "--now", "2026-01-01"],
        root,
    );
    assert_no_english(&text, "an output inside a file");
    std::os::unix::fs::symlink("/etc/hostname", root.join("content/acteurs/lien.md")).unwrap();
    let text = run(&["check"], root);
    assert_no_english(&text, "a link out of the site");
}
