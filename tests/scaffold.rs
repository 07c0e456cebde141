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
    assert!(text(&files, "index.html").contains("Maison virtuelle de l’ESS de Bourg-la-Reine"));
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

/// The headings of `html` with nothing under them: no text nor image, form or map before the
/// end of their section, of the page's main part, or a heading of the same or a higher level.
fn empty_headings(html: &str) -> Vec<String> {
    let mut empty = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<h") {
        let level = rest.as_bytes().get(start + 2).copied().unwrap_or(b'x');
        if !(b'1'..=b'6').contains(&level) {
            rest = &rest[start + 2..];
            continue;
        }
        let close = format!("</h{}>", level as char);
        let Some(end) = rest[start..].find(&close).map(|i| start + i + close.len()) else {
            break;
        };
        let heading = &rest[start..end];
        let after = &rest[end..];
        let stop = ["</section>", "</main>"]
            .iter()
            .filter_map(|s| after.find(s))
            .chain((b'1'..=level).filter_map(|l| after.find(&format!("<h{}", l as char))))
            .min()
            .unwrap_or(after.len());
        let under = &after[..stop];
        let mut text = String::new();
        let mut in_tag = false;
        for c in under.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let shown = [
            "<img", "<svg", "<input", "<select", "<iframe", "<canvas", "data-map",
        ]
        .iter()
        .any(|t| under.contains(t));
        if text.trim().is_empty() && !shown {
            empty.push(heading.to_string());
        }
        rest = after;
    }
    empty
}

/// The emptiest site a commune has: `init`'s, every example record removed.
#[test]
fn a_new_site_without_its_examples_shows_no_heading_over_nothing() {
    let (_parent, site) = init_site("vide", "Vanves");
    for entry in walkdir::WalkDir::new(site.join("content")) {
        let path = entry.unwrap().into_path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.lines().any(|l| l.starts_with("example: true")) {
            std::fs::remove_file(&path).unwrap();
        }
    }
    let files = build(&site, options("2026-11-23"));
    let mut pages = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        pages += 1;
        let empty = empty_headings(&String::from_utf8_lossy(bytes));
        assert!(empty.is_empty(), "{path}: {empty:?}");
    }
    assert!(pages > 20, "{pages} pages");
    // The check can fail: a heading over nothing is found.
    assert_eq!(
        empty_headings("<section><h2 id=\"c\">Chiffres</h2>\n<ul>\n</ul></section><h2>A</h2><h3>B</h3><p>x</p>"),
        ["<h2 id=\"c\">Chiffres</h2>"]
    );
}

#[test]
fn new_records_are_documented_and_pass_check_once_filled() {
    let (_parent, site) = init_site("site", "Sceaux");
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

/// A new site for Bagneux, made by `init`.
fn new_site() -> (tempfile::TempDir, std::path::PathBuf) {
    init_site("bagneux", "Bagneux")
}

/// `init FOLDER --commune COMMUNE` in a temporary folder: the folder, and the new site in it.
fn init_site(folder: &str, commune: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let out = ess(parent.path(), &["init", folder, "--commune", commune]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = parent.path().join(folder);
    (parent, site)
}

#[test]
fn a_new_site_warns_until_its_examples_and_placeholders_are_replaced() {
    let (_parent, site) = new_site();
    let check = ess(&site, &["check", "--now", "2026-11-23"]);
    assert!(check.status.success());
    let said = String::from_utf8_lossy(&check.stderr).into_owned();
    for file in [
        "content/acteurs/jardin-partage-de-bagneux.md",
        "content/forum/2027.md",
        "content/magazine/edito-bienvenue.md",
        "content/ressources/guide-de-l-ess.md",
    ] {
        assert!(
            said.contains(&format!("{file}:")) && said.contains("fiche d'exemple publiée"),
            "{file}:\n{said}"
        );
    }
    // Each passage to fill in is named at its own line: as many warnings as passages.
    let legal = site.join("content/pages/mentions-legales.md");
    let legal_text = std::fs::read_to_string(&legal).unwrap();
    let marked: Vec<usize> = legal_text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("[à compléter"))
        .map(|(n, _)| n + 1)
        .collect();
    assert!(marked.len() >= 3, "the legal notice's passages to fill in");
    for line in &marked {
        assert!(
            said.contains(&format!(
                "content/pages/mentions-legales.md:{line}:1: avertissement: texte à compléter : « [à compléter"
            )),
            "line {line}:\n{said}"
        );
    }
    assert_eq!(said.matches("texte à compléter").count(), marked.len());
    assert!(said.contains("site.toml:5:1: avertissement: base_url est une adresse d'exemple (ess.bagneux.example)"), "{said}");
    assert!(
        said.contains("avertissement: aucun contact pour le public"),
        "{said}"
    );
    // --strict: the warnings fail the build, and nothing is written.
    let strict = ess(&site, &["build", "--strict", "--now", "2026-11-23"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("(--strict)"));
    assert!(!site.join("public").exists());
    assert_eq!(
        ess(&site, &["check", "--strict", "--now", "2026-11-23"])
            .status
            .code(),
        Some(1)
    );

    // Replaced: the example marks removed (the texts rewritten), a real address, a contact.
    for entry in walkdir::WalkDir::new(site.join("content")) {
        let path = entry.unwrap().into_path();
        if path.is_file() {
            let text = std::fs::read_to_string(&path).unwrap();
            // The team replaces an example, and dates the day it checked the record.
            let kept: Vec<&str> = text
                .lines()
                .map(|l| match l.starts_with("example: true") {
                    true if path.starts_with(site.join("content/acteurs")) => "checked: 2026-11-20",
                    true => "",
                    false => l,
                })
                .collect();
            std::fs::write(&path, kept.join("\n") + "\n").unwrap();
        }
    }
    let filled: String = legal_text
        .lines()
        .map(|l| match l.starts_with("[à compléter") {
            true => "Rempli par la commune.\n".to_string(),
            false => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&legal, filled).unwrap();
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    let toml = toml
        .replace("https://ess.bagneux.example", "https://ess.bagneux.fr")
        .replace("# email = \"ess@bagneux.fr\"", "email = \"ess@bagneux.fr\"");
    std::fs::write(site.join("site.toml"), toml).unwrap();
    let strict = ess(&site, &["build", "--strict", "--now", "2026-11-23"]);
    assert!(
        strict.status.success(),
        "{}",
        String::from_utf8_lossy(&strict.stderr)
    );
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(
        home.contains("href=\"/mentions-legales/\""),
        "the footer links the legal notice"
    );
    let a11y = std::fs::read_to_string(site.join("public/accessibilite/index.html")).unwrap();
    assert!(a11y.contains("Aucun audit de conformité n’a encore été réalisé."));
    assert!(!a11y.contains("<p>.</p>"));
}

/// A folder served over HTTP on 127.0.0.1, as a release page or a town's mirror serves its
/// files: GET only, 404 for what is not there. It counts the requests; it stops when dropped.
struct Served {
    port: u16,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Served {
    fn folder(root: &std::path::Path) -> Served {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (root, counted, stopped) = (root.to_path_buf(), requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let mut head = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut head).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let path = head
                    .split(' ')
                    .nth(1)
                    .unwrap_or("/")
                    .trim_start_matches('/');
                let file = root.join(path);
                let body = match path.contains("..") {
                    true => None,
                    false => std::fs::read(&file).ok(),
                };
                let _ = match body {
                    Some(b) => write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        b.len()
                    )
                    .and_then(|_| stream.write_all(&b)),
                    None => write!(
                        stream,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    ),
                };
            }
        });
        Served {
            port,
            requests,
            stop,
        }
    }

    fn count(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// A release of ess-site as the release workflow publishes it, for this machine: the archive
/// `vVERSION/ess-site-vVERSION-TARGET.tar.gz` (the binary under test inside) and its `.sha256`.
fn release_folder(version: &str) -> tempfile::TempDir {
    let arch = match std::env::consts::ARCH {
        "aarch64" => "aarch64",
        _ => "x86_64",
    };
    let target = match std::env::consts::OS {
        "macos" => format!("{arch}-apple-darwin"),
        _ => format!("{arch}-unknown-linux-musl"),
    };
    let dir = tempfile::tempdir().unwrap();
    let name = format!("ess-site-v{version}-{target}");
    let staged = dir.path().join(&name);
    std::fs::create_dir_all(&staged).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_ess-site"), staged.join("ess-site")).unwrap();
    std::fs::write(staged.join("README.md"), "ess-site\n").unwrap();
    let published = dir.path().join(format!("v{version}"));
    std::fs::create_dir_all(&published).unwrap();
    let archive = format!("{name}.tar.gz");
    let tar = Command::new("tar")
        .args(["czf", published.join(&archive).to_str().unwrap(), &name])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(tar.success());
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&published)
        .output()
        .unwrap();
    assert!(sum.status.success());
    std::fs::write(published.join(format!("{archive}.sha256")), sum.stdout).unwrap();
    std::fs::remove_dir_all(&staged).unwrap();
    dir
}

#[test]
fn the_ci_templates_parse_and_their_commands_build_the_new_site() {
    let (_parent, site) = new_site();
    let version = env!("CARGO_PKG_VERSION");
    let release = release_folder(version);
    let server = Served::folder(release.path());
    let releases = format!("http://127.0.0.1:{}", server.port);
    // No cargo on the PATH: the tool can only come from the release.
    let path = "/usr/local/bin:/usr/bin:/bin";
    let sh = |dir: &std::path::Path, line: &str, env: &[(&str, &str)]| {
        let out = Command::new("sh")
            .args(["-c", line])
            .current_dir(dir)
            .env_clear()
            .env("PATH", path)
            .env("HOME", dir)
            .env("SOURCE_DATE_EPOCH", "1795435200")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let yaml = |file: &str| -> serde_yaml::Value {
        serde_yaml::from_str(&std::fs::read_to_string(site.join(file)).unwrap())
            .unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    let lines = |v: &serde_yaml::Value| -> Vec<String> {
        v.as_sequence()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let installed = site.join(".ess-site/bin/ess-site");

    // GitLab: the `pages` job installs the release's binary, checked, then builds.
    let gitlab = yaml(".gitlab-ci.yml");
    assert_eq!(
        gitlab["variables"]["ESS_SITE_VERSION"].as_str(),
        Some(version),
        "the pipeline pins the version that made the site"
    );
    assert!(gitlab["variables"]["ESS_SITE_RELEASES"].as_str().is_some());
    assert_eq!(gitlab["cache"]["paths"][0].as_str(), Some(".ess-site/"));
    let env = [
        ("ESS_SITE_VERSION", version),
        ("ESS_SITE_RELEASES", releases.as_str()),
    ];
    for line in lines(&gitlab["pages"]["script"]) {
        let (ok, err) = sh(&site, &line, &env);
        assert!(ok, "{line}: {err}");
        if line.contains("installer.sh") {
            assert!(
                err.contains("vérifiée par") && err.contains(".sha256"),
                "{err}"
            );
        }
    }
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(env!("CARGO_BIN_EXE_ess-site")).unwrap(),
        "the release's binary is installed"
    );
    assert_eq!(server.count(), 2, "the archive and its checksum");
    assert!(site.join("public/index.html").is_file());
    assert_eq!(
        gitlab["pages"]["artifacts"]["paths"][0].as_str(),
        Some("public")
    );
    let rules = serde_yaml::to_string(&gitlab["pages"]["rules"]).unwrap();
    assert!(rules.contains("schedule"), "a scheduled rebuild: {rules}");
    // Its check job warns (the examples) without blocking the publication; the tool is in
    // the cache already: nothing is downloaded.
    let check = lines(&gitlab["verification"]["script"]);
    let (ok, err) = sh(&site, &check[0], &env);
    assert!(ok && err.contains("déjà installée"), "{err}");
    assert_eq!(server.count(), 2, "the cached tool is used as it is");
    let (ok, _) = sh(&site, &check[1], &env);
    assert!(!ok, "the new site's warnings fail `check --strict`");
    assert_eq!(
        gitlab["verification"]["allow_failure"].as_bool(),
        Some(true)
    );
    std::fs::remove_dir_all(site.join("public")).unwrap();

    // An archive that is not the one published, or not the one pinned: nothing installed,
    // and no compilation tried in its place.
    std::fs::remove_dir_all(site.join(".ess-site")).unwrap();
    let pinned = [
        ("ESS_SITE_VERSION", version),
        ("ESS_SITE_RELEASES", releases.as_str()),
        (
            "ESS_SITE_SHA256",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
    ];
    let (ok, err) = sh(&site, "sh deploy/installer.sh", &pinned);
    assert!(
        !ok && err.contains("n'a pas l'empreinte SHA-256 attendue (ESS_SITE_SHA256)"),
        "{err}"
    );
    assert!(!installed.exists());
    let sums: Vec<_> = std::fs::read_dir(release.path().join(format!("v{version}")))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    let archive = sums
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "gz"))
        .unwrap();
    let original = std::fs::read(archive).unwrap();
    let mut tampered = original.clone();
    tampered.extend_from_slice(b"\0");
    std::fs::write(archive, &tampered).unwrap();
    let (ok, err) = sh(&site, "sh deploy/installer.sh", &env);
    assert!(
        !ok && err.contains("n'a pas l'empreinte SHA-256 attendue"),
        "{err}"
    );
    assert!(!installed.exists());
    std::fs::write(archive, &original).unwrap();
    // No release of that version, and no cargo: said plainly, with what to do.
    let (ok, err) = sh(
        &site,
        "sh deploy/installer.sh",
        &[
            ("ESS_SITE_VERSION", "9.9.9"),
            ("ESS_SITE_RELEASES", releases.as_str()),
        ],
    );
    assert!(
        !ok && err.contains("pas de cargo") && err.contains("ESS_SITE_RELEASES"),
        "{err}"
    );

    // GitHub: every `run` step of the build job, with the workflow's variables.
    let github = yaml(".github/workflows/site.yml");
    assert_eq!(github["env"]["ESS_SITE_VERSION"].as_str(), Some(version));
    assert!(github["on"]["schedule"][0]["cron"].as_str().is_some());
    for step in github["jobs"]["build"]["steps"].as_sequence().unwrap() {
        if let Some(line) = step["run"].as_str() {
            let (ok, err) = sh(&site, line, &env);
            let may_fail = step["continue-on-error"].as_bool() == Some(true);
            assert!(ok || may_fail, "{line}: {err}");
        }
    }
    assert!(site.join("public/index.html").is_file());
    drop(server);

    // The town's own server: the rsync script, into a local folder.
    let served = tempfile::tempdir().unwrap();
    std::fs::write(served.path().join("ancien.html"), "ancien").unwrap();
    let destination = format!("{}/", served.path().display());
    let (ok, err) = sh(
        &site,
        "sh deploy/publier.sh",
        &[("DESTINATION", &destination)],
    );
    assert!(ok, "deploy/publier.sh: {err}");
    assert!(served.path().join("index.html").is_file());
    assert!(served
        .path()
        .join("acteurs/jardin-partage-de-bagneux/index.html")
        .is_file());
    assert!(
        !served.path().join("ancien.html").exists(),
        "files gone from the site are removed"
    );
}

#[test]
fn the_build_says_when_the_next_scheduled_record_goes_out() {
    let (_parent, site) = new_site();
    let dossier = site.join("content/magazine/edito-bienvenue.md");
    let text = std::fs::read_to_string(&dossier).unwrap();
    std::fs::write(
        &dossier,
        text.replace("date: 2026-01-01", "date: 2026-12-05T08:00"),
    )
    .unwrap();
    let out = ess(&site, &["build", "--now", "2026-11-23"]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout).replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        said.contains("1 fiche programmée, la prochaine le samedi 5 décembre 2026 à 8 h"),
        "{said}"
    );
    // Each is listed with its file.
    assert!(
        said.contains("\n  samedi 5 décembre 2026 à 8 h : content/magazine/edito-bienvenue.md\n"),
        "{said}"
    );
}

/// The release workflow of the tool itself: a tag builds the five binaries, each archived with
/// its checksum, and one job publishes them.
#[test]
fn the_release_workflow_builds_every_platform_from_a_tag() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    let w: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(w["on"]["push"]["tags"][0].as_str(), Some("v*"));
    let targets: Vec<&str> = w["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    for t in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&t), "{t} missing from {targets:?}");
    }
    let steps = serde_yaml::to_string(&w["jobs"]["build"]["steps"]).unwrap();
    assert!(
        steps.contains("--locked") && steps.contains("sha256"),
        "{steps}"
    );
    assert_eq!(w["jobs"]["release"]["needs"].as_str(), Some("build"));
    assert!(serde_yaml::to_string(&w["jobs"]["release"])
        .unwrap()
        .contains("gh release create"));
    // The names it publishes are the ones init's installer reads: TAG/ess-site-TAG-TARGET.tar.gz
    // holding ess-site-TAG-TARGET/ess-site, and beside it the same name with .sha256.
    assert!(
        steps.contains("name=\"ess-site-${GITHUB_REF_NAME}-${{ matrix.target }}\""),
        "{steps}"
    );
    assert!(
        steps.contains("cp \"target/${{ matrix.target }}/release/$exe\" README.md \"dist/$name/\""),
        "{steps}"
    );
    assert!(
        steps.contains("sha256sum \"$file\" > \"$file.sha256\""),
        "{steps}"
    );
    let installer = std::fs::read_to_string(repo().join("src/init/deploy/installer.sh")).unwrap();
    assert!(installer.contains("name=\"ess-site-v$version-$target\""));
    assert!(installer.contains("address=\"${releases%/}/v$version/$name.tar.gz\""));
    assert!(installer.contains("\"$work/$name/ess-site\""));
}

/// Every file under `dir`, as text (lossy for the binary ones), by path.
fn texts(dir: &std::path::Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            (
                e.path().display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        })
        .collect()
}

/// `ess-site build` of `site` into its `public/`; it must succeed.
fn build_public(site: &std::path::Path) {
    let built = ess(
        site,
        &[
            "build",
            "--quiet",
            "--now",
            "2026-11-23",
            "--output",
            "public",
        ],
    );
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}

/// A commune names its own series of conferences, or has none: no « Up Conférences » (Sceaux's
/// programme) nor anything of Sceaux anywhere in its output or its editor.
#[test]
fn a_commune_names_its_own_series_or_has_none() {
    let (_parent, site) = init_site("bagneux", "Bagneux");
    let toml = site.join("site.toml");
    let editor = "\n[editor]\nbackend = \"gitlab\"\nrepo = \"ville/ess\"\napp_id = \"0123\"\nbase_url = \"https://gitlab.example.fr/\"\n";
    let base = std::fs::read_to_string(&toml).unwrap() + editor;

    // Without a series: no page, menu entry, feed or editor collection of conferences.
    std::fs::write(&toml, &base).unwrap();
    let out = site.join("public");
    build_public(&site);
    assert!(!out.join("conferences").exists(), "no list of conferences");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("href=\"/conferences/\""), "no menu entry");
    let config = std::fs::read_to_string(out.join("admin/config.yml")).unwrap();
    assert!(
        !config.contains("content/conferences"),
        "no editor collection"
    );
    for (path, text) in texts(&out) {
        for word in ["Up Conf", "Sceaux", "Houdan"] {
            assert!(!text.contains(word), "{path}: « {word} »");
        }
    }
    // Conferences without the name of their series: « Conférences », and a warning that says
    // what to write.
    assert!(ess(&site, &["new", "conference", "Une rencontre"])
        .status
        .success());
    let made = site.join("content/conferences/une-rencontre.md");
    let text = std::fs::read_to_string(&made).unwrap();
    let text = text
        .replacen("date:  ", "date: 2027-03-18T19:00 ", 1)
        .replacen("draft: true", "draft: false", 1);
    std::fs::write(&made, text).unwrap();
    let check = ess(&site, &["check"]);
    let said = String::from_utf8_lossy(&check.stderr);
    assert!(
        said.contains("conférences sans nom de série") && said.contains("[conferences]"),
        "{said}"
    );
    std::fs::remove_dir_all(&out).unwrap();
    build_public(&site);
    let list = std::fs::read_to_string(out.join("conferences/index.html")).unwrap();
    assert!(
        list.contains("<h1>Les Conférences</h1>"),
        "named generically"
    );

    // With its own series: its name everywhere Sceaux's would be.
    let series = "\n[conferences]\nname = \"Jeudis de l’ESS\"\none = \"Jeudi de l’ESS\"\nintro = \"Un jeudi par mois.\"\n";
    std::fs::write(&toml, base.clone() + series).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    build_public(&site);
    let list = std::fs::read_to_string(out.join("conferences/index.html")).unwrap();
    assert!(list.contains("Les Jeudis de l’ESS") && list.contains("Un jeudi par mois."));
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains("Jeudis de l’ESS</a>"),
        "the menu names the series"
    );
    let page = std::fs::read_to_string(out.join("conferences/une-rencontre/index.html")).unwrap();
    assert!(
        page.contains("Jeudi de l’ESS"),
        "a conference is one of the series"
    );
    let config = std::fs::read_to_string(out.join("admin/config.yml")).unwrap();
    assert!(
        config.contains("Jeudis de l’ESS"),
        "the editor's collection"
    );
    for (path, text) in texts(&out) {
        for word in ["Up Conf", "Sceaux", "Houdan"] {
            assert!(!text.contains(word), "{path}: « {word} »");
        }
    }
}

/// The folders of `/acteurs/domaines/`: the site's domain pages.
fn domain_pages(out: &std::path::Path) -> Vec<String> {
    let mut pages: Vec<String> = std::fs::read_dir(out.join("acteurs/domaines"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    pages
}

#[test]
fn a_commune_chooses_its_domains_and_its_site_shows_only_those() {
    let parent = tempfile::tempdir().unwrap();
    assert!(ess(
        parent.path(),
        &["init", "malakoff", "--commune", "Malakoff"]
    )
    .status
    .success());
    let site = parent.path().join("malakoff");
    let toml = site.join("site.toml");
    let actor = site.join("content/acteurs/jardin-partage-de-malakoff.md");
    let editor = "\n[editor]\nbackend = \"gitlab\"\nrepo = \"ville/ess\"\napp_id = \"0123\"\nbase_url = \"https://gitlab.example.fr/\"\n";
    let base = std::fs::read_to_string(&toml).unwrap() + editor;
    let record = std::fs::read_to_string(&actor).unwrap();
    let out = site.join("public");

    // Without a choice: the domains the published records give, no page for the others.
    build_public(&site);
    assert_eq!(
        domain_pages(&out),
        ["agriculture", "participation-citoyenne"]
    );

    // Its choice, in its order, with a domain of its own (the generic icon) and one of the
    // tool's renamed; a chosen domain no record gives yet still has its page.
    let chosen = base.replacen(
        "paginate_by = 24\n",
        "paginate_by = 24\ndomains_used = [\"economie-circulaire\", \"culture\", \"insertion\"]\n",
        1,
    ) + "\n[domains]\nressourceries = \"Ressourceries et recycleries\"\nculture = \"Culture et patrimoine\"\n";
    std::fs::write(&toml, &chosen).unwrap();
    let given = record.replacen(
        "domains: [agriculture, participation-citoyenne]",
        "domains: [economie-circulaire, ressourceries, culture]",
        1,
    );
    assert_ne!(
        given, record,
        "the example actor's domains are where the test expects"
    );
    std::fs::write(&actor, &given).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    build_public(&site);
    assert_eq!(
        domain_pages(&out),
        [
            "culture",
            "economie-circulaire",
            "insertion",
            "ressourceries"
        ]
    );
    let index = std::fs::read_to_string(out.join("acteurs/domaines/index.html")).unwrap();
    let order: Vec<usize> = [
        "Économie circulaire et réemploi",
        "Culture et patrimoine",
        "Insertion par l’activité économique",
        "Ressourceries et recycleries",
    ]
    .iter()
    .map(|label| index.find(label).unwrap_or_else(|| panic!("{label}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "in the site's order");
    let page =
        std::fs::read_to_string(out.join("acteurs/jardin-partage-de-malakoff/index.html")).unwrap();
    assert!(
        page.contains("#economie-circulaire\""),
        "the catalogue's icon"
    );
    assert!(
        page.contains("#domain\""),
        "the generic icon of a domain of its own"
    );
    let sprite = std::fs::read_dir(out.join(""))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("icons."))
        .unwrap();
    let sprite = std::fs::read_to_string(sprite.path()).unwrap();
    assert!(sprite.contains("<symbol id=\"economie-circulaire\""));
    let config = std::fs::read_to_string(out.join("admin/config.yml")).unwrap();
    for offered in [
        "economie-circulaire",
        "culture",
        "insertion",
        "ressourceries",
    ] {
        assert!(
            config.contains(&format!("value: {offered}")),
            "the editor offers {offered}"
        );
    }
    for other in ["sante", "agriculture", "participation-citoyenne"] {
        assert!(
            !config.contains(&format!("value: {other}")),
            "the editor offers {other}"
        );
    }
    for (path, text) in texts(&out) {
        for word in ["Up Conf", "Sceaux", "Houdan", "Santé", "Mobilité"] {
            // The editor's pre-save check is the tool itself, compiled: it holds the whole
            // catalogue of domains, as the binary does, and shows none of them.
            let program = path.ends_with(".wasm") && ["Santé", "Mobilité"].contains(&word);
            assert!(program || !text.contains(word), "{path}: « {word} »");
        }
    }

    // A domain of the tool the site did not choose is refused, with what to do.
    std::fs::write(
        &actor,
        given.replacen("ressourceries, culture]", "ressourceries, sante]", 1),
    )
    .unwrap();
    let check = ess(&site, &["check"]);
    let said = String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success());
    assert!(
        said.contains("domaine « sante » hors de ceux du site (domains_used)")
            && said.contains("ajoutez-le à domains_used"),
        "{said}"
    );
    // `new` lists the site's domains beside the key.
    assert!(ess(&site, &["new", "acteur", "La Recyclerie"])
        .status
        .success());
    let made = std::fs::read_to_string(site.join("content/acteurs/la-recyclerie.md")).unwrap();
    assert!(
        made.contains("domaines du site : economie-circulaire, culture, insertion, ressourceries"),
        "{made}"
    );
}

/// The tool speaks of no commune of its own: what it writes or says to a commune (scaffolds,
/// `init`'s files, hints, messages, the editor, the theme) names none of Sceaux's places,
/// numbers or programmes. Sceaux is the example site, in `content/` and `site.toml`; comments
/// and tests of the code may speak of it.
#[test]
fn the_tool_speaks_of_no_commune_of_its_own() {
    let markers = [
        "Sceaux",
        "Houdan",
        "92330",
        "41 13 33",
        "Blagis",
        "Up Conf",
        "sceaux.fr",
    ];
    let mut found = Vec::new();
    for root in ["src", "themes"] {
        for entry in walkdir::WalkDir::new(repo().join(root)) {
            let entry = entry.unwrap();
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !["rs", "js", "toml", "yml", "md", "sh", "html", "css", "txt"].contains(&ext) {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                if ext == "rs" && line.trim_start().starts_with("#[cfg(test)]") {
                    break;
                }
                let code = line.trim_start();
                if (ext == "rs" || ext == "js") && code.starts_with("//") {
                    continue;
                }
                if let Some(m) = markers.iter().find(|m| line.contains(*m)) {
                    found.push(format!("{}:{}: « {m} »: {}", path.display(), n + 1, code));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// `check` reports the actors in activity whose record was not checked for longer than
/// `stale_after_months` (12 by default), from `checked`, else `updated`, else `date`: each at
/// its line, and all of them on `site.toml`, the oldest first; 0 turns it off.
#[test]
fn records_not_checked_for_too_long_are_listed_oldest_first() {
    let (_parent, site) = init_site("s", "Vanves");
    let actors = site.join("content/acteurs");
    let record = |title: &str, dates: &str| {
        format!("---\ntitle: \"{title}\"\n{dates}domains: [agriculture]\nsummary: \"x\"\n---\n")
    };
    std::fs::write(actors.join("a.md"), record("A", "date: 2020-01-01\n")).unwrap();
    std::fs::write(
        actors.join("b.md"),
        record(
            "B",
            "date: 2017-01-01\nupdated: 2019-05-01\nchecked: 2026-10-01\n",
        ),
    )
    .unwrap();
    std::fs::write(
        actors.join("c.md"),
        record("C", "date: 2017-01-01\nupdated: 2018-03-01\n"),
    )
    .unwrap();
    std::fs::write(
        actors.join("d.md"),
        record("D", "date: 2016-01-01\nclosed: 2019-01-01\n"),
    )
    .unwrap();
    let check = ess(&site, &["check", "--now", "2026-11-23"]);
    let said = String::from_utf8_lossy(&check.stderr).replace('\u{a0}', " ");
    assert!(said.contains("content/acteurs/a.md:3:1: avertissement: fiche non vérifiée depuis le 1er janvier 2020"), "{said}");
    assert!(
        said.contains(
            "content/acteurs/c.md:4:1: avertissement: fiche non vérifiée depuis le 1er mars 2018"
        ),
        "{said}"
    );
    assert!(
        !said.contains("content/acteurs/b.md:")
            || !said.contains("b.md:5:1: avertissement: fiche non vérifiée"),
        "checked recently: {said}"
    );
    assert!(
        !said.contains("d.md:3:1: avertissement: fiche non vérifiée"),
        "closed: {said}"
    );
    let summary = said
        .lines()
        .skip_while(|l| !l.contains("2 fiches d’acteur non vérifiées depuis plus de 12 mois"))
        .find(|l| l.contains("la plus ancienne d’abord"))
        .unwrap_or_else(|| panic!("{said}"));
    let (c, a) = (summary.find("c.md").unwrap(), summary.find("a.md").unwrap());
    assert!(c < a, "the oldest first: {summary}");
    // Turned off.
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        toml.replacen(
            "paginate_by = 24\n",
            "paginate_by = 24\nstale_after_months = 0\n",
            1,
        ),
    )
    .unwrap();
    let said =
        String::from_utf8_lossy(&ess(&site, &["check", "--now", "2026-11-23"]).stderr).into_owned();
    assert!(!said.contains("non vérifiée"), "{said}");
}
