//! The output folder has one owner: a build never replaces the site or its sources, never
//! deletes what it did not make, waits for another build writing the same folder, and swaps the
//! new output in so that a reader never finds a file missing.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-23";

fn ess_site(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run ess-site")
}

/// Every file and folder under `dir`, with the bytes of the files.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .map(|e| e.expect("walk"))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

/// The example site in `parent/name`, with a git folder and a file of the user's own.
fn site_in(parent: &Path, name: &str) -> std::path::PathBuf {
    let copy = copy_site(&repo());
    let dir = parent.join(name);
    std::fs::rename(copy.path(), &dir)
        .or_else(|_| {
            // Another file system: copy instead.
            Command::new("cp")
                .arg("-r")
                .arg(copy.path())
                .arg(&dir)
                .status()
                .map(|_| ())
        })
        .unwrap();
    std::fs::create_dir_all(dir.join(".git/objects")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "les notes de l'équipe\n").unwrap();
    dir
}

#[test]
fn an_output_folder_that_is_or_holds_the_sources_is_refused_however_spelled() {
    let tmp = tempfile::tempdir().unwrap();
    let outer = tmp.path().join("outer");
    std::fs::create_dir(&outer).unwrap();
    std::fs::write(outer.join("budget.ods"), "à garder").unwrap();
    let site = site_in(&outer, "site");
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("static/logo.txt"), "logo").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&site, tmp.path().join("lien-vers-le-site")).unwrap();
        std::os::unix::fs::symlink(".", site.join("ici")).unwrap();
    }
    let before = snapshot(tmp.path());
    let mut spellings = vec![
        ".",
        "./",
        "../site",
        "../site/",
        "../../outer/site/.",
        "..",
        "../",
        "../..",
        "content",
        "content/acteurs/../public",
        "./static/",
        "templates/public",
        "themes",
        "site.toml",
        "/",
    ];
    if cfg!(unix) {
        spellings.extend(["ici", "ici/", "../../lien-vers-le-site", "ici/content/x"]);
    }
    for spelling in spellings {
        let out = ess_site(
            &site,
            &["build", "--quiet", "--now", NOW, "--output", spelling],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "--output {spelling} was accepted");
        assert!(
            stderr.contains("erreur: ce dossier de sortie"),
            "--output {spelling}: {stderr}"
        );
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "--output {spelling} changed the files"
        );
    }
    // A folder beside the site, and one inside it that is not a source, are fine.
    for spelling in ["../public-site", "public", "./public/"] {
        let out = ess_site(
            &site,
            &["build", "--quiet", "--now", NOW, "--output", spelling],
        );
        assert!(
            out.status.success(),
            "--output {spelling}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(outer.join("public-site/index.html").is_file());
    assert_eq!(
        std::fs::read_to_string(outer.join("budget.ods")).unwrap(),
        "à garder"
    );
}

#[test]
fn a_folder_of_the_users_own_files_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let documents = tmp.path().join("documents");
    std::fs::create_dir(&documents).unwrap();
    std::fs::write(documents.join("compte-rendu.odt"), "réunion").unwrap();
    let before = snapshot(&documents);
    let out = ess_site(&site, &["build", "--now", NOW, "--output", "../documents"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ce dossier contient des fichiers qu'ess-site n'a pas écrits"),
        "{stderr}"
    );
    assert_eq!(snapshot(&documents), before);
    // An empty folder is fine, and once built it is the build's own to replace.
    let empty = tmp.path().join("vide");
    std::fs::create_dir(&empty).unwrap();
    for _ in 0..2 {
        let out = ess_site(
            &site,
            &["build", "--quiet", "--now", NOW, "--output", "../vide"],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(empty.join("index.html").is_file());
    // Its contents replaced by the user's own files (the folder itself, and so its inode, the
    // same), or the folder made again by hand (a file system may give it the freed inode):
    // neither is the build's any more.
    let refill = |remake_folder: bool| {
        if remake_folder {
            std::fs::remove_dir_all(&empty).unwrap();
            std::fs::create_dir(&empty).unwrap();
        } else {
            for entry in std::fs::read_dir(&empty).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    std::fs::remove_dir_all(path).unwrap();
                } else {
                    std::fs::remove_file(path).unwrap();
                }
            }
        }
        std::fs::write(empty.join("photo.jpg"), "jpeg").unwrap();
    };
    for remake_folder in [false, true] {
        refill(remake_folder);
        let out = ess_site(
            &site,
            &["build", "--quiet", "--now", NOW, "--output", "../vide"],
        );
        assert!(!out.status.success(), "remade: {remake_folder}");
        assert_eq!(
            std::fs::read_to_string(empty.join("photo.jpg")).unwrap(),
            "jpeg"
        );
    }
}

#[test]
fn only_marked_staging_folders_are_cleaned_up() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    // Left by a killed build: marked, so removed by the next one.
    let killed = site.join(".public.tmp-AbC123");
    std::fs::create_dir_all(killed.join("site/acteurs")).unwrap();
    std::fs::write(killed.join(".ess-site-staging"), "").unwrap();
    std::fs::write(killed.join("site/acteurs/index.html"), "old").unwrap();
    // Not made by ess-site, though named like it: kept as is.
    let foreign = site.join(".public.tmp-sauvegarde");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("archive.txt"), "à garder").unwrap();
    let out = ess_site(&site, &["build", "--quiet", "--now", NOW]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!killed.exists(), "the marked leftover was not removed");
    assert_eq!(
        std::fs::read_to_string(foreign.join("archive.txt")).unwrap(),
        "à garder"
    );
    // Beside the output: its lock, the user's folder, and what the build kept for the next one
    // (marked: the links to the image cache it published).
    let beside: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .flatten()
        .filter(|e| !e.path().join(".ess-site-kept").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    let mut beside = beside;
    beside.sort();
    assert_eq!(beside, [".public.lock", ".public.tmp-sauvegarde"]);
}

#[test]
fn builds_at_once_into_one_folder_take_turns() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let reference = tmp.path().join("reference");
    let out = ess_site(
        &site,
        &["build", "--quiet", "--now", NOW, "--output", "../reference"],
    );
    assert!(out.status.success());
    let expected = read_tree(&reference);
    for round in 0..3 {
        let children: Vec<_> = (0..4)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_ess-site"))
                    .args(["build", "--quiet", "--now", NOW])
                    .current_dir(&site)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            read_tree(&site.join("public")) == expected,
            "round {round}: the output differs from a build alone"
        );
    }
}

#[test]
fn a_second_build_waits_or_with_no_wait_fails_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let out = ess_site(&site, &["build", "--quiet", "--now", NOW]);
    assert!(out.status.success());
    // This test holds the lock, as a build in progress does.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(site.join(".public.lock"))
        .unwrap();
    lock.lock().unwrap();
    let out = ess_site(&site, &["build", "--no-wait", "--now", NOW]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("erreur: une autre construction écrit déjà dans ce dossier de sortie"),
        "{stderr}"
    );
    let mut waiting = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["build", "--now", NOW])
        .current_dir(&site)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "the build did not wait for the lock"
    );
    drop(lock);
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = waiting.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the build never finished");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut waiting.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("Une autre construction écrit dans"),
        "{stderr}"
    );
}

#[test]
fn a_reader_never_misses_a_file_while_the_site_is_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let out = ess_site(&site, &["build", "--quiet", "--now", NOW]);
    assert!(out.status.success());
    // The stylesheet, by its fingerprinted name (the same at each build of the same site).
    let css = std::fs::read_dir(site.join("public"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("style.") && n.ends_with(".css"))
        .expect("a stylesheet");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (stop, public) = (stop.clone(), site.join("public"));
        std::thread::spawn(move || {
            let (mut reads, mut misses) = (0u64, 0u64);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for page in ["index.html", "acteurs/index.html", css.as_str()] {
                    match std::fs::read(public.join(page)) {
                        Ok(bytes) if !bytes.is_empty() => reads += 1,
                        _ => misses += 1,
                    }
                }
            }
            (reads, misses)
        })
    };
    for _ in 0..15 {
        let out = ess_site(&site, &["build", "--quiet", "--now", NOW]);
        assert!(out.status.success());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (reads, misses) = reader.join().unwrap();
    assert!(reads > 1000, "the reader barely ran: {reads} reads");
    assert_eq!(misses, 0, "{misses} missing files in {reads} reads");
}

/// The kept staging folder beside `site/public`.
fn kept(site: &Path) -> std::path::PathBuf {
    let dirs: Vec<_> = std::fs::read_dir(site)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public.tmp-"))
        .map(|e| e.path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].join("site")
}

#[cfg(unix)]
#[test]
fn the_next_build_starts_from_the_output_it_replaced_and_makes_the_same_bytes() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let outside = tmp.path().join("dehors");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("garder.txt"), "à garder").unwrap();
    let build = |now: &str| {
        let out = ess_site(&site, &["build", "--quiet", "--now", now]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    build(NOW);
    build(NOW);
    // The image published again is the cache's own file: neither copied nor linked again.
    let image = "images/illustration-collines-800.3c9c85c5.webp";
    let published = std::fs::metadata(site.join("public").join(image)).unwrap();
    let cache = walkdir::WalkDir::new(site.join(".ess-site-cache"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with("-800.webp"))
        .unwrap();
    assert_eq!(
        published.ino(),
        std::fs::metadata(cache.path()).unwrap().ino()
    );
    // The kept output is tampered with: a symlink out of it, a file where a folder goes, a
    // folder where a file goes, a file the build does not publish, a file hard-linked to one
    // outside, and an image replaced by other bytes.
    let old = kept(&site);
    std::os::unix::fs::symlink(&outside, old.join("acteurs/dehors")).unwrap();
    std::fs::remove_dir_all(old.join("forum/2016")).unwrap();
    std::fs::write(old.join("forum/2016"), "un fichier").unwrap();
    std::fs::remove_file(old.join("robots.txt")).unwrap();
    std::fs::create_dir_all(old.join("robots.txt/dedans")).unwrap();
    std::fs::write(old.join("acteurs/ancien.html"), "ancien").unwrap();
    std::fs::remove_file(old.join("index.html")).unwrap();
    std::fs::hard_link(outside.join("garder.txt"), old.join("index.html")).unwrap();
    std::fs::remove_file(old.join(image)).unwrap();
    std::fs::write(old.join(image), "pas une image").unwrap();
    build("2026-11-24");
    assert_eq!(
        std::fs::read_to_string(outside.join("garder.txt")).unwrap(),
        "à garder",
        "a file outside was written through the kept output"
    );
    // The same bytes as a build into a new folder.
    let fresh = ess_site(
        &site,
        &[
            "build",
            "--quiet",
            "--now",
            "2026-11-24",
            "--output",
            "neuf",
        ],
    );
    assert!(fresh.status.success());
    assert_eq!(
        snapshot(&site.join("public")),
        snapshot(&site.join("neuf")),
        "the output made from the kept one differs from a new build"
    );
    // Once more, from the output of the first two builds.
    build("2026-11-25");
    let again = ess_site(
        &site,
        &[
            "build",
            "--quiet",
            "--now",
            "2026-11-25",
            "--output",
            "neuf",
        ],
    );
    assert!(again.status.success());
    assert_eq!(snapshot(&site.join("public")), snapshot(&site.join("neuf")));
    // The kept output itself replaced by a symlink to a folder outside: not followed.
    let old = kept(&site);
    std::fs::remove_dir_all(&old).unwrap();
    std::os::unix::fs::symlink(&outside, &old).unwrap();
    build("2026-11-26");
    assert_eq!(
        std::fs::read_to_string(outside.join("garder.txt")).unwrap(),
        "à garder"
    );
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
    assert!(!old.is_symlink());
}

/// A folder with the files an output has (and the user's own beside them) is not an output:
/// only what the build recorded as written makes a folder its own.
#[test]
fn a_folder_that_looks_like_an_output_is_never_taken_for_one() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let www = tmp.path().join("www");
    std::fs::create_dir_all(www.join("uploads")).unwrap();
    for f in ["index.html", "404.html", "sitemap.xml", "robots.txt"] {
        std::fs::write(www.join(f), "fait à la main").unwrap();
    }
    std::fs::write(www.join("uploads/rapport-2025.pdf"), "%PDF").unwrap();
    // A git worktree of a gh-pages branch: its `.git` is a file.
    let pages = tmp.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    for f in ["index.html", "404.html", "sitemap.xml", "robots.txt"] {
        std::fs::write(pages.join(f), "ancienne version").unwrap();
    }
    std::fs::write(pages.join(".git"), "gitdir: ../site/.git/worktrees/pages\n").unwrap();
    std::fs::write(pages.join("CNAME"), "ess.ville.fr\n").unwrap();
    for folder in [&www, &pages] {
        let name = folder.file_name().unwrap().to_str().unwrap();
        let before = snapshot(tmp.path());
        for _ in 0..2 {
            let out = ess_site(
                &site,
                &[
                    "build",
                    "--quiet",
                    "--now",
                    NOW,
                    "--output",
                    &format!("../{name}"),
                ],
            );
            assert!(!out.status.success(), "{name} was taken for an output");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("qu'ess-site n'a pas écrits"), "{stderr}");
        }
        // Untouched, and nothing made beside it (no lock, no staging folder).
        assert_eq!(snapshot(tmp.path()), before, "{name}");
    }
}

/// A file put into a published output by hand (or in place of one the build wrote) is not
/// the build's: the next build refuses, names it, and leaves it where it is.
#[test]
fn a_file_added_to_the_output_by_hand_is_never_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let ok = |args: &[&str]| {
        let out = ess_site(&site, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(&["build", "--quiet", "--now", NOW]);
    let public = site.join("public");
    std::fs::create_dir(public.join("uploads")).unwrap();
    std::fs::write(public.join("uploads/rapport-2025.pdf"), "%PDF").unwrap();
    std::fs::write(public.join("acteurs/notes.txt"), "à garder").unwrap();
    for _ in 0..2 {
        let out = ess_site(&site, &["build", "--quiet", "--now", NOW]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("« acteurs/notes.txt »"), "{stderr}");
        assert!(stderr.contains("« uploads »"), "{stderr}");
    }
    assert_eq!(
        std::fs::read(public.join("uploads/rapport-2025.pdf")).unwrap(),
        b"%PDF"
    );
    assert_eq!(
        std::fs::read(public.join("acteurs/notes.txt")).unwrap(),
        b"\xc3\xa0 garder"
    );
    std::fs::remove_dir_all(public.join("uploads")).unwrap();
    std::fs::remove_file(public.join("acteurs/notes.txt")).unwrap();
    ok(&["build", "--quiet", "--now", NOW]);
    // A file the build wrote and the user deleted is no loss: the build goes on.
    std::fs::remove_file(public.join("robots.txt")).unwrap();
    ok(&["build", "--quiet", "--now", NOW]);
    assert!(public.join("robots.txt").is_file());
}

/// A folder published for the public never receives the members' pages, and the other way.
#[test]
fn a_folder_keeps_its_audience() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let out = ess_site(
        &site,
        &["build", "--quiet", "--now", NOW, "--output", "../www"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let www = tmp.path().join("www");
    let before = snapshot(&www);
    let out = ess_site(
        &site,
        &[
            "build",
            "--quiet",
            "--include-private",
            "--now",
            NOW,
            "--output",
            "../www",
        ],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("publié pour le public"), "{stderr}");
    assert_eq!(snapshot(&www), before);
    let out = ess_site(
        &site,
        &[
            "build",
            "--quiet",
            "--include-private",
            "--now",
            NOW,
            "--output",
            "../membres",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ess_site(
        &site,
        &["build", "--quiet", "--now", NOW, "--output", "../membres"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("publié pour les membres"), "{stderr}");
}

/// Builds killed at a sweep of moments — while they clean up what an earlier killed build
/// left, while they write — leave nothing the next build does not recognise and remove.
#[test]
fn builds_killed_at_any_moment_leave_no_folder_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let out = ess_site(&site, &["build", "--quiet", "--now", NOW]);
    assert!(out.status.success());
    let staging_folders = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&site)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public.tmp-"))
            .collect();
        v.sort();
        v
    };
    for round in 0..16u64 {
        // What a killed build leaves: a large marked staging folder, slow to remove.
        let left = site.join(format!(".public.tmp-tue{round:02}"));
        for d in 0..40 {
            let dir = left.join(format!("site/acteurs/a{d}"));
            std::fs::create_dir_all(&dir).unwrap();
            for f in 0..40 {
                std::fs::write(dir.join(format!("{f}.html")), "x").unwrap();
            }
        }
        std::fs::write(left.join(".ess-site-staging"), "").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ess-site"))
            .args(["build", "--quiet", "--now", NOW])
            .current_dir(&site)
            .spawn()
            .unwrap();
        if round % 2 == 0 {
            // The moment the cleanup of the leftover has begun: its marker or its first
            // files gone.
            let start = Instant::now();
            while left.join(".ess-site-staging").exists()
                && left.join("site/acteurs/a0/0.html").exists()
                && start.elapsed() < Duration::from_secs(30)
            {
                std::thread::sleep(Duration::from_micros(200));
            }
        } else {
            // A sweep of moments through the whole build.
            std::thread::sleep(Duration::from_millis(round * 80));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    let out = ess_site(&site, &["build", "--quiet", "--now", NOW]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left = staging_folders();
    // At most the output the last build replaced, kept (and marked) for the next one.
    assert!(left.len() <= 1, "{left:?}");
    for dir in &left {
        assert!(site.join(dir).join(".ess-site-kept").is_file(), "{dir}");
    }
}

/// An output refused leaves nothing beside it: no lock file, no staging folder.
#[test]
fn a_refused_output_gets_nothing_made_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_in(tmp.path(), "site");
    let etc = tmp.path().join("etc");
    std::fs::create_dir(&etc).unwrap();
    std::fs::write(etc.join("passwd"), "root:x:0:0").unwrap();
    let before = snapshot(tmp.path());
    let out = ess_site(
        &site,
        &["build", "--quiet", "--now", NOW, "--output", "../etc"],
    );
    assert!(!out.status.success());
    assert_eq!(snapshot(tmp.path()), before);
}
