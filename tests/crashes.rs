//! No panic, abort or hang, whatever the content: each input here once crashed or hung a
//! command; each is now a French error with its file (exit 1), or is skipped with a word.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-23";

fn ess_site(dir: &Path, args: &[&str]) -> Output {
    run_for(dir, args, Duration::from_secs(60))
}

/// Runs the command, killed if it is still running after `limit` (a hang is a failure).
fn run_for(dir: &Path, args: &[&str], limit: Duration) -> Output {
    // coreutils' `timeout` kills it; the output is read as it comes (a full pipe never
    // blocks it).
    let out = Command::new("timeout")
        .args(["--signal=KILL", &limit.as_secs().to_string()])
        .arg(env!("CARGO_BIN_EXE_ess-site"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run ess-site under timeout");
    assert!(
        out.status.code() != Some(137) && out.status.code() != Some(124),
        "ess-site {args:?} still running after {limit:?}: {}",
        String::from_utf8_lossy(&out.stderr[..out.stderr.len().min(4000)])
    );
    out
}

/// The command failed as it should: exit code 1, no panic, no abort.
fn fails_cleanly(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Two records of one kind at one address (`x.md` and `x.yaml`, or a `slug:` equal to
/// another's), in every kind: the clash names both files, in `check` and `build`.
#[test]
fn two_records_at_one_address_are_a_clash_not_a_panic() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "content/acteurs/amap-de-sceaux.yaml",
            "title: Double\n",
            "acteurs/amap-de-sceaux",
        ),
        (
            "content/acteurs/autre.md",
            "---\ntitle: Double\nslug: amap-de-sceaux\n---\n",
            "acteurs/amap-de-sceaux",
        ),
        (
            "content/forum/2016.yaml",
            "title: Double\ndate: 2016-11-19\n",
            "forum/2016",
        ),
        (
            "content/magazine/double.md",
            "---\ntitle: Double\ndate: 2016-10-01\nslug: mois-de-l-ess-2016\n---\n",
            "magazine/mois-de-l-ess-2016",
        ),
        (
            "content/pages/double.md",
            "---\ntitle: Double\nslug: a-propos\n---\n",
            "a-propos",
        ),
    ];
    for (rel, text, url) in cases {
        let site = copy_site(&repo());
        write(site.path(), rel, text);
        for command in ["check", "build"] {
            let out = ess_site(site.path(), &[command, "--now", NOW]);
            let stderr = fails_cleanly(&out);
            assert!(
                stderr.contains(&format!("l'adresse /{url}/ est aussi celle de")),
                "{rel} ({command}): {stderr}"
            );
            assert!(stderr.contains(rel), "{rel} ({command}): {stderr}");
        }
    }
}

/// A template that includes itself, or a macro that calls itself without end, is an error
/// naming the template and the loop — and a running preview shows it and lives on.
#[test]
fn a_template_that_calls_itself_is_an_error_and_the_preview_lives_on() {
    let loops = [
        (
            "templates/page.html",
            "{% include \"page.html\" %}\n",
            "page.html -> page.html",
        ),
        (
            "templates/page.html",
            "{% macro f(n) %}<b>{{ self::f(n=n+1) }}</b>{% endmacro f %}{{ self::f(n=1) }}\n",
            "self::f -> self::f",
        ),
        (
            "templates/page.html",
            "{% include \"a.html\" %}\n",
            "a.html -> b.html -> a.html",
        ),
    ];
    for (rel, text, chain) in loops {
        let site = copy_site(&repo());
        write(site.path(), rel, text);
        write(site.path(), "templates/a.html", "{% include \"b.html\" %}");
        write(site.path(), "templates/b.html", "{% include \"a.html\" %}");
        for command in ["check", "build"] {
            let stderr = fails_cleanly(&ess_site(site.path(), &[command, "--now", NOW]));
            assert!(stderr.contains("templates/page.html"), "{stderr}");
            assert!(stderr.contains("s'appelle lui-même sans fin"), "{stderr}");
            assert!(stderr.contains(chain), "{chain}: {stderr}");
        }
    }
    // The preview: started on a good site, a loop saved into a template, then fixed.
    let site = copy_site(&repo());
    let server = start(site.path(), NOW);
    let get = |path: &str| {
        raw(
            &server.addr,
            format!(
                "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                server.addr
            )
            .as_bytes(),
        )
    };
    assert_eq!(get("/a-propos/").status, 200);
    write(
        site.path(),
        "templates/page.html",
        "{% include \"page.html\" %}\n",
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if get("/__ess/poll").text().contains("sans fin") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the preview did not show the error"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::remove_file(site.path().join("templates/page.html")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while get("/__ess/poll").text().contains("sans fin") {
        assert!(Instant::now() < deadline, "the preview did not recover");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(get("/").status, 200);
}

/// A named pipe (or any file that is not a regular one) among the sources is refused at
/// once with its name — `check` and `build` once waited on it forever.
#[cfg(unix)]
#[test]
fn a_fifo_among_the_sources_is_refused_not_waited_on() {
    for rel in [
        "content/acteurs/tube.md",
        "content/data/tube.yaml",
        "content/ressources/fichiers/tube.pdf",
        "templates/page.html",
        "site.toml",
    ] {
        let site = copy_site(&repo());
        let path = site.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap()
            .success());
        for command in ["check", "build"] {
            let out = run_for(
                site.path(),
                &[command, "--now", NOW],
                Duration::from_secs(30),
            );
            let stderr = fails_cleanly(&out);
            assert!(stderr.contains(rel), "{rel}: {stderr}");
            assert!(
                stderr.contains("pas un fichier ordinaire"),
                "{rel}: {stderr}"
            );
        }
    }
}

/// Shapes that once cost time growing with the square of their size (a rescan of the file for
/// each alias or each speaker's photo, the YAML scanner on deep brackets) are checked at once:
/// each is reported with its lines, well within the limit of a hang (the benchmark
/// `bench/growth.py` shows each near-linear).
#[test]
fn hostile_shapes_are_checked_in_bounded_time() {
    let aliases: String = (0..40_000).map(|i| format!("  - ancien-{i}\n")).collect();
    let photos: String = (0..20_000)
        .map(|i| format!("      - {{name: \"P{i}\", photo: /images/p{i}.jpg}}\n"))
        .collect();
    let cases = [
        (
            "content/acteurs/alias.md",
            format!("---\ntitle: X\naliases:\n{aliases}---\n"),
            "content/acteurs/alias.md:40003:5: erreur: ancienne adresse invalide « ancien-39999 »",
        ),
        (
            "content/forum/2017.md",
            format!("---\ntitle: Forum\ndate: 2017-11-19\nprogram:\n  - start: \"10:00\"\n    kind: atelier\n    title: \"Table ronde\"\n    speakers:\n{photos}---\n"),
            "content/forum/2017.md:20008:33: erreur: image introuvable : /images/p19999.jpg",
        ),
        (
            "content/acteurs/crochets.md",
            format!("---\ntitle: X\ntags: {}{}\n---\n", "[".repeat(100_000), "]".repeat(100_000)),
            "content/acteurs/crochets.md:3:71: erreur: imbrication trop profonde",
        ),
        (
            "content/acteurs/accolades.md",
            format!("---\ntitle: X\ngeo: {}1{}\n---\n", "{a: ".repeat(50_000), "}".repeat(50_000)),
            "content/acteurs/accolades.md:3:",
        ),
    ];
    for (rel, text, expected) in cases {
        let site = copy_site(&repo());
        write(site.path(), rel, &text);
        let out = run_for(
            site.path(),
            &["check", "--now", NOW],
            Duration::from_secs(60),
        );
        let stderr = fails_cleanly(&out);
        assert!(
            stderr.contains(expected),
            "{rel}: {}",
            &stderr[..stderr.len().min(2000)]
        );
    }
}

/// Control characters of a source line or of a file's name (an escape sequence that would
/// drive the terminal) are shown as their pictures in diagnostics, never sent raw.
#[test]
fn diagnostics_never_send_control_bytes_to_the_terminal() {
    let site = copy_site(&repo());
    write(
        site.path(),
        "content/pages/p.md",
        "---\ntitle: P\n---\nVoir [ici\u{1b}]0;pwned\u{7}\u{1b}[2J](/inconnue/).\n",
    );
    write(
        site.path(),
        "content/acteurs/x\u{1b}[2J.md",
        "---\ntitle: X\ndomains: [inconnu]\n---\n",
    );
    let out = ess_site(site.path(), &["check", "--now", NOW]);
    let stderr = fails_cleanly(&out);
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    assert!(
        stderr.contains("Voir [ici␛]0;pwned␇␛[2J](/inconnue/)."),
        "{stderr}"
    );
    assert!(stderr.contains("content/acteurs/x␛[2J.md"), "{stderr}");
}

/// No raw NUL or other control character reaches a published file: written raw or as an
/// escape (`"\0"`, `"\x00"`, `"\u0000"`, `"\e"`), in a record, a data file or `site.toml`,
/// it is an error at its line and column.
#[test]
fn control_characters_in_sources_are_errors_at_their_place() {
    let cases = [
        (
            "content/acteurs/nul.md",
            "---\ntitle: \"a\\0b\"\n---\n",
            "content/acteurs/nul.md:2:10: erreur: caractère de contrôle interdit (\\0)",
        ),
        (
            "content/ressources/r.yaml",
            "title: R\nsummary: \"r\\x00s\"\n",
            "content/ressources/r.yaml:2:12: erreur: caractère de contrôle interdit (\\x00)",
        ),
        (
            "content/pages/p.md",
            "---\ntitle: P\n---\nUn texte \u{1b}[31m rouge.\n",
            "content/pages/p.md:4:10: erreur: caractère de contrôle interdit (U+001B)",
        ),
        (
            "content/data/chiffres.yaml",
            "- label: \"x\\u0007\"\n",
            "content/data/chiffres.yaml:1:12: erreur: caractère de contrôle interdit (\\u0007)",
        ),
    ];
    for (rel, text, expected) in cases {
        let site = copy_site(&repo());
        write(site.path(), rel, text);
        let stderr = fails_cleanly(&ess_site(site.path(), &["build", "--now", NOW]));
        assert!(stderr.contains(expected), "{rel}: {stderr}");
    }
    let site = copy_site(&repo());
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    let line = toml
        .lines()
        .position(|l| l.starts_with("description"))
        .unwrap()
        + 1;
    let toml: String = toml
        .lines()
        .map(|l| {
            if l.starts_with("description") {
                "description = \"a\\u0000b\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(site.path().join("site.toml"), toml).unwrap();
    let stderr = fails_cleanly(&ess_site(site.path(), &["check", "--now", NOW]));
    assert!(
        stderr.contains(&format!(
            "site.toml:{line}:17: erreur: caractère de contrôle interdit (\\u0000)"
        )),
        "{stderr}"
    );
}

/// The template engine's messages are said in French, whatever the mistake in a template:
/// never « Filter 'x' not found », « Function call … failed », a circular extend or a
/// missing parent in English.
#[test]
fn template_engine_messages_are_french() {
    let payloads = [
        ("{{ title | majuscule }}", "filtre `majuscule` inconnu"),
        ("{{ inconnue() }}", "fonction `inconnue` inconnue"),
        (
            "{% extends \"base2.html\" %}",
            "le gabarit « page.html » étend « base2.html », qui n'existe pas",
        ),
        ("{% extends \"page.html\" %}", "héritage circulaire"),
        ("{{ asset() }}", "l'appel de la fonction `asset` a échoué"),
        (
            "{% for k, v in title %}{% endfor %}",
            "n'est pas un dictionnaire",
        ),
        ("{{ m::x() }}", "espace de macros `m` inconnu"),
        (
            "{{ title + 1 }}",
            "`title` sert dans un calcul mais n'est pas un nombre",
        ),
        ("{{ title is inconnu }}", "test `inconnu` inconnu"),
        ("{% include \"absent.html\" %}", "gabarit introuvable"),
    ];
    let english = [
        " not found",
        "Failed",
        "failed",
        "Tried",
        "Variable `",
        "Filter ",
        "Function ",
        "Template '",
        "Circular",
        "doesn't",
        "Macro ",
        " was ",
        " is ",
    ];
    for (template, expected) in payloads {
        let site = copy_site(&repo());
        write(site.path(), "templates/page.html", &format!("{template}\n"));
        let stderr = fails_cleanly(&ess_site(site.path(), &["check", "--now", NOW]));
        let line = stderr
            .lines()
            .find(|l| l.starts_with("templates/page.html"))
            .unwrap_or_else(|| panic!("{template}: {stderr}"));
        assert!(line.contains(expected), "{template}: {line}");
        for word in english {
            assert!(
                !line.contains(word),
                "{template}: English « {word} » in {line}"
            );
        }
    }
}

/// What the libraries underneath say (YAML and TOML parsers, serde, the image and SVG
/// decoders, the system, the command line) reaches the user in French, exact, at its place.
#[test]
fn every_message_is_french_exact_and_at_its_place() {
    let english = [
        "struct ",
        "field identifier",
        "any YAML value",
        "a float",
        "duplicate entry",
        "mal formé",
        "The image format",
        "XML with DTD",
        "Address already in use",
        "os error",
        "failed to lookup",
        "valeurs possibles : \n",
        "not found",
    ];
    let no_english = |what: &str, stderr: &str| {
        for word in english {
            assert!(!stderr.contains(word), "{what}: « {word} » in {stderr}");
        }
    };
    // Records and data files: (file, text, expected line of the error).
    let cases: &[(&str, &str, &str)] = &[
        ("content/acteurs/a.md", "---\ntitle: A\ngeo: [1, 2]\n---\n", "content/acteurs/a.md:3:6: erreur: geo : type incorrect : attendu un dictionnaire (clé: valeur), trouvé une liste"),
        ("content/acteurs/b.md", "---\ntitle: B\n{}: x\n---\n", "content/acteurs/b.md:3:1: erreur: type incorrect : attendu un nom de champ"),
        ("content/acteurs/c.md", "---\ntitle: C\ngeo:\n  lat: 48.7\n  lon: 2.3\n  lat: 48.8\n---\n", "content/acteurs/c.md:6:3: erreur: geo : la clé « lat » apparaît deux fois"),
        ("content/acteurs/d.md", "---\ntitle: D\ngeo: {lat: 1, lat: 2, lon: 3}\n---\n", "content/acteurs/d.md:3:15: erreur: geo : la clé « lat » apparaît deux fois"),
        ("content/acteurs/e.md", "---\ntitle: E\nsummary: a\nsummary: b\n---\n", "content/acteurs/e.md:4:1: erreur: la clé « summary » apparaît deux fois"),
        ("content/data/chiffres_cles.yaml", "titre: T\nchiffres: {a: 1}\n", "content/data/chiffres_cles.yaml:2:11: erreur: chiffres : type incorrect : attendu une liste"),
        ("content/data/newsletter.yaml", "titel: \"La lettre\"\n", "content/data/newsletter.yaml:1:1: erreur: clé inconnue « titel »"),
        ("content/data/accessibilite.yaml", "statut: non conforme\naudit: oui\n", "content/data/accessibilite.yaml:2:8: erreur: audit : type incorrect"),
    ];
    for (rel, text, expected) in cases {
        let site = copy_site(&repo());
        write(site.path(), rel, text);
        let stderr = fails_cleanly(&ess_site(site.path(), &["check", "--now", NOW]));
        assert!(stderr.contains(expected), "{rel}: {stderr}");
        assert!(
            !stderr.contains("templates/") && !stderr.contains("themes/"),
            "{rel}: {stderr}"
        );
        no_english(rel, &stderr);
    }
    // A merge key whose anchor is in a key set aside: the anchor exists, no error of its own.
    let site = copy_site(&repo());
    write(site.path(), "content/forum/2018.md", "---\ntitle: Forum\ndate: 2018-11-19\nmodele: &b {start: \"10:00\", kind: atelier, title: T}\nprogram:\n  - <<: *b\n    title: \"Table ronde\"\n---\n");
    let stderr = fails_cleanly(&ess_site(site.path(), &["check", "--now", NOW]));
    assert!(
        stderr.contains("content/forum/2018.md:4:1: erreur: clé inconnue « modele »"),
        "{stderr}"
    );
    assert!(!stderr.contains("ancre"), "{stderr}");
    // A slug too long for a file name: check says so, at its line.
    let site = copy_site(&repo());
    write(
        site.path(),
        "content/acteurs/long.md",
        &format!("---\ntitle: L\nslug: {}\n---\n", "a".repeat(300)),
    );
    let stderr = fails_cleanly(&ess_site(site.path(), &["check", "--now", NOW]));
    assert!(
        stderr
            .contains("content/acteurs/long.md:3:1: erreur: adresse trop longue : 300 caractères"),
        "{stderr}"
    );
    // site.toml: a section written twice.
    let site = copy_site(&repo());
    let mut toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    let lines = toml.lines().count();
    toml.push_str("\n[commune]\nname = \"Autre\"\n");
    std::fs::write(site.path().join("site.toml"), toml).unwrap();
    let stderr = fails_cleanly(&ess_site(site.path(), &["check", "--now", NOW]));
    assert!(
        stderr.contains(&format!(
            "site.toml:{}:1: erreur: la section [commune] apparaît deux fois",
            lines + 2
        )),
        "{stderr}"
    );
    no_english("site.toml", &stderr);
    // Pictures: not an image at all, an SVG with a DTD.
    let site = copy_site(&repo());
    write(
        site.path(),
        "static/images/faux.png",
        "ceci n'est pas une image",
    );
    write(site.path(), "static/images/dtd.svg", "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ENTITY x \"y\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n");
    let stderr = fails_cleanly(&ess_site(site.path(), &["check", "--now", NOW]));
    assert!(
        stderr.contains("static/images/faux.png: erreur: image illisible : format non reconnu"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "static/images/dtd.svg: erreur: SVG illisible : déclaration de type de document (DTD)"
        ),
        "{stderr}"
    );
    no_english("images", &stderr);
    // The command line: an option without its value.
    let site = copy_site(&repo());
    let out = ess_site(site.path(), &["build", "--output"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("il manque la valeur de --output"),
        "{stderr}"
    );
    assert!(!stderr.contains("valeurs possibles"), "{stderr}");
    // The system: the preview's port taken, an address that does not resolve.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run_for(
        site.path(),
        &["serve", "--port", &port],
        Duration::from_secs(30),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("le port {port} est déjà pris")) && stderr.contains("--port"),
        "{stderr}"
    );
    no_english("serve --port", &stderr);
    let out = run_for(
        site.path(),
        &["serve", "--bind", "hote-inconnu.invalid"],
        Duration::from_secs(30),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("adresse d'écoute inconnue « hote-inconnu.invalid »"),
        "{stderr}"
    );
    no_english("serve --bind", &stderr);
    // init: a commune's name on two lines is refused, nothing written.
    let tmp = tempfile::tempdir().unwrap();
    let out = ess_site(tmp.path(), &["init", "ville", "--commune", "Ville\n[x]"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("tient sur une ligne"));
    assert!(!tmp.path().join("ville").exists());
}
