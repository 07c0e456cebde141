//! Browser tests, in Debian's headless Chromium driven by playwright-core (tests/browser/).
//! `.ci/run` installs both; on a machine without them these tests fail, saying what is missing
//! and how to install it — a browser test never passes without a browser. To leave them out
//! on purpose: `cargo test -- --skip browser`.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// The browser tests run one at a time: Lighthouse measures speed, which other browsers
/// running beside it would change.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Fails the test, saying what is missing, unless the browser tests can run here; holds the
/// turn of the browser tests while the returned guard lives.
fn require_browser() -> std::sync::MutexGuard<'static, ()> {
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut missing: Vec<&str> = [
        ("/usr/bin/chromium", "chromium (apt-get install chromium)"),
        (
            "tests/browser/node_modules/playwright-core",
            "playwright-core (npm ci in tests/browser)",
        ),
    ]
    .iter()
    .filter(|(p, _)| !repo().join(p).exists() && !Path::new(p).exists())
    .map(|(_, what)| *what)
    .collect();
    let icalendar = Command::new("python3")
        .args(["-c", "import icalendar"])
        .status()
        .is_ok_and(|s| s.success());
    if !icalendar {
        missing.push("the icalendar Python package (pip install icalendar)");
    }
    assert!(
        missing.is_empty(),
        "browser tests cannot run: missing {} (`bash .ci/run` installs them; `cargo test -- --skip browser` leaves these tests out)",
        missing.join(", ")
    );
    turn
}

/// Runs a script of tests/browser/ with node, with the ess-site binary as its first argument,
/// and asserts it succeeded; returns what it printed.
fn node(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let result = Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .arg(env!("CARGO_BIN_EXE_ess-site"))
        .args(args)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&result.stdout).into_owned();
    assert!(
        result.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    stdout
}

/// The example site with a small raster logo (60 × 30 pixels) on an exhibitor of the Forum
/// (shown on its page, its cards, the Forum's exhibitors and the directory's filtered cards), a
/// vector logo on another actor, and a photo for a speaker of the Forum's programme: the
/// pictures are checked in the browser with the rest (Lighthouse's page of an actor is the
/// one with the small logo).
fn example_with_pictures() -> tempfile::TempDir {
    let site = copy_site(&repo());
    let root = site.path();
    const SMALL_PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x3c\x00\x00\x00\x1e\x08\x02\x00\x00\x00\xff\xfa\xea\x18\x00\x00\x00\x52\x49\x44\x41\x54\x78\xda\xed\xd7\xb1\x0d\x00\x20\x08\x05\x51\x36\x71\x1f\x97\x71\xff\xea\x3b\x81\x31\x50\x28\x90\xbb\x30\xc0\xeb\x00\x1b\x6b\x96\x1b\x03\x0d\x1a\x74\x05\xb4\xce\x25\x45\xeb\x56\x2e\xb4\x3c\x81\x8e\xa2\xe5\xef\x33\x5a\xd1\x40\x83\x06\x0d\x1a\x34\xe8\x56\x1b\x91\x83\x89\x7b\xba\xf3\xe7\xc2\x63\x0b\x1a\xf4\x8b\xd9\x2a\xa5\x7d\x4e\xfd\x09\xd4\x8e\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
    std::fs::write(root.join("static/images/logo-amap.png"), SMALL_PNG).unwrap();
    std::fs::write(
        root.join("static/images/logo-jardin.svg"),
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120"><rect width="240" height="120" rx="16" fill="#1f6f4a"/><circle cx="60" cy="60" r="30" fill="#fff"/></svg>"##,
    )
    .unwrap();
    for (actor, logo) in [
        ("amap-de-sceaux", "/images/logo-amap.png"),
        ("jardin-partage", "/images/logo-jardin.svg"),
    ] {
        let actor = root.join(format!("content/acteurs/{actor}.md"));
        let text = std::fs::read_to_string(&actor).unwrap();
        std::fs::write(
            &actor,
            text.replacen("---\n", &format!("---\nlogo: {logo}\n"), 1),
        )
        .unwrap();
    }
    site
}

/// The sites the quality suites check: the example with pictures and, when the shared
/// benchmark generator is beside the repository, a generated 300-record site.
fn quality_sites() -> (
    tempfile::TempDir,
    tempfile::TempDir,
    Vec<std::path::PathBuf>,
) {
    let example = example_with_pictures();
    let mut sites = vec![example.path().to_path_buf()];
    let generated = tempfile::tempdir().unwrap();
    let generator = repo().join("../shared/bench/gen_corpus.py");
    if generator.exists() {
        let site = generated.path().join("site");
        let status = Command::new("python3")
            .arg(&generator)
            .args(["--flavor", "ess", "--pages", "300", "--out"])
            .arg(&site)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3");
        assert!(status.success());
        sites.push(site);
    } else {
        eprintln!(
            "NOTE: ../shared/bench/gen_corpus.py not found: only the example site is checked"
        );
    }
    (example, generated, sites)
}

#[test]
fn live_reload_in_a_real_browser() {
    let _turn = require_browser();
    let site = copy_site(&repo());
    let stdout = node("live_reload.mjs", &[site.path().as_os_str()]);
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
}

#[test]
fn pages_pass_accessibility_and_validity_checks() {
    let _turn = require_browser();
    let out = repo().join("target/quality");
    let _ = std::fs::remove_dir_all(&out);
    let (_example, _generated, sites) = quality_sites();
    let mut args = vec![out.as_os_str()];
    args.extend(sites.iter().map(|s| s.as_os_str()));
    let stdout = node("quality.mjs", &args);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(
        out.join("screenshots/0-375.png").exists(),
        "screenshots kept in target/quality/screenshots"
    );
}

/// The example site (with pictures) and a generated 300-record site, behind Debian's nginx with
/// docs/nginx.conf (HTTPS and HTTP/2): Lighthouse gives 100 in its four categories and CLS 0 on every page type.
#[test]
fn lighthouse_gives_100_behind_nginx_in_a_real_browser() {
    let _turn = require_browser();
    assert!(
        Command::new("nginx").arg("-v").output().is_ok_and(|o| o.status.success()),
        "browser tests cannot run: missing nginx (apt-get install nginx; `bash .ci/run` installs it)"
    );
    assert!(
        Command::new("openssl").arg("version").output().is_ok_and(|o| o.status.success()),
        "browser tests cannot run: missing openssl, which makes the HTTPS server's certificate (apt-get install openssl; `bash .ci/run` installs it)"
    );
    assert!(
        repo()
            .join("tests/browser/node_modules/lighthouse")
            .exists(),
        "browser tests cannot run: missing lighthouse (npm ci in tests/browser)"
    );
    let out = repo().join("target/lighthouse");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let (_example, _generated, sites) = quality_sites();
    let mut args = vec![out.as_os_str()];
    args.extend(sites.iter().map(|s| s.as_os_str()));
    let stdout = node("lighthouse.mjs", &args);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn search_directory_filters_and_maps_in_a_real_browser() {
    let _turn = require_browser();
    let example = example_with_pictures();
    let visibility = copy_site(&fixture("visibility"));
    let out = tempfile::tempdir().unwrap();
    let stdout = node(
        "find.mjs",
        &[
            example.path().as_os_str(),
            visibility.path().as_os_str(),
            out.path().as_os_str(),
        ],
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

/// The web editor on `serve --editor`: an actor created through its form, a Forum edition's
/// exhibitor added through its relation widget; each saved file passes `check` and shows in
/// the preview.
#[test]
fn the_editor_saves_records_in_a_real_browser() {
    let _turn = require_browser();
    let site = copy_site(&repo());
    let out = repo().join("target/editor");
    let _ = std::fs::remove_dir_all(&out);
    let stdout = node("editor.mjs", &[site.path().as_os_str(), out.as_os_str()]);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(out.join("editor-actor-375.png").exists());
}

/// The web editor online, with no server of ours: built with `[editor]` under a path, served
/// as static files, on Decap CMS's in-browser backend. The saves that would break the site are
/// refused in the page by the check compiled to WebAssembly, with `check`'s words, before the
/// backend writes anything; a valid save goes through and passes `check`.
#[test]
fn the_editor_checks_a_save_online_with_no_server_of_ours() {
    let _turn = require_browser();
    let site = copy_site(&repo());
    let out = repo().join("target/editor-online");
    let _ = std::fs::remove_dir_all(&out);
    let stdout = node(
        "editor_online.mjs",
        &[site.path().as_os_str(), out.as_os_str()],
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(out.join("editor-online-refused-375.png").exists());
}

/// The web editor on its GitLab backend, against a loopback forge answering GitLab's API, whose
/// pipelines are real builds: a breaking save refused before any commit, a valid save followed
/// to « Site publié », a failed pipeline said with the build's own lines.
#[test]
fn the_editor_follows_a_save_to_its_publication_on_the_forge() {
    let _turn = require_browser();
    let site = copy_site(&repo());
    let out = repo().join("target/editor-forge");
    let _ = std::fs::remove_dir_all(&out);
    let stdout = node(
        "editor_forge.mjs",
        &[site.path().as_os_str(), out.as_os_str()],
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(out.join("editor-publication-failed-375.png").exists());
}

/// « Ouvert en ce moment » on an actor's page at fixed moments of the reader's clock (a weekday
/// morning, lunch, a Saturday afternoon, two public holidays), in Paris time from a reader in
/// another time zone; the week as a French table on a phone and a desktop.
#[test]
fn an_actor_page_says_whether_it_is_open_now() {
    let _turn = require_browser();
    let site = copy_site(&repo());
    let out = repo().join("target/hours");
    let _ = std::fs::remove_dir_all(&out);
    let stdout = node("hours.mjs", &[site.path().as_os_str(), out.as_os_str()]);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(out.join("hours-375.png").exists());
}

/// Hostile SVG pictures (SMIL that gives a link a `javascript:` address, handlers, scripts,
/// foreign content, styles that load) and a hostile map attribution in `site.toml`: each is
/// refused by `check` with its file, or published sanitised — and nothing runs in Chromium,
/// on the SVG opened as a page and clicked everywhere, nor on the pages showing the map.
#[test]
fn hostile_pictures_and_settings_run_no_script_in_a_real_browser() {
    let _turn = require_browser();
    // Sets a mark that outlives the document a `javascript:` address would replace.
    let mark = "void(localStorage.pwned=1,window.top.__pwned=1)";
    let payloads: Vec<(&str, String)> = vec![
        ("anim-href", format!(r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="800" height="600"><a href="#x"><animate attributeName="href" values="javascript:{mark}" begin="0s" fill="freeze"/><rect width="800" height="600" fill="red"/></a></svg>"##)),
        ("set-xlink", format!(r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="800" height="600"><a xlink:href="#x"><set attributeName="xlink:href" to="javascript:{mark}"/><rect width="800" height="600"/></a></svg>"##)),
        ("anim-on", format!(r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600"><set attributeName="onclick" to="{mark}"/></rect></svg>"##)),
        ("anim-spaced", format!(r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><a href="#x"><animate attributeName=" HREF " to="&#x20;java&#x09;script:{mark}" begin="0s" fill="freeze"/><rect width="800" height="600"/></a></svg>"##)),
        ("anim-motion", (r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><a href="#x"><animateMotion dur="1s" path="M0,0 L10,10"/><animateTransform attributeName="transform" type="rotate" from="0" to="10" dur="1s"/><rect id="x" width="800" height="600"/></a></svg>"##).to_string()),
        ("handler", format!(r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" onload="{mark}"><rect width="800" height="600"/></svg>"##)),
        ("script", format!(r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><script>{mark}</script></svg>"##)),
        ("foreign", format!(r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><foreignObject width="800" height="600"><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:{mark}"/></foreignObject></svg>"##)),
        ("editor", r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" width="800" height="600"><sodipodi:namedview id="n"/><metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata><g inkscape:label="Calque"><rect width="800" height="600" fill="#1f6f4a"/></g><style>rect { fill: #1f6f4a }</style></svg>"##.to_string()),
    ];
    let site = copy_site(&repo());
    let root = site.path();
    let mut published = Vec::new();
    for (name, svg) in &payloads {
        std::fs::write(root.join(format!("static/images/{name}.svg")), svg).unwrap();
    }
    // Each payload alone: refused by check (with its file), or published.
    for (name, _) in &payloads {
        let alone = copy_site(&repo());
        std::fs::write(
            alone.path().join(format!("static/images/{name}.svg")),
            &payloads.iter().find(|(n, _)| n == name).unwrap().1,
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_ess-site"))
            .args(["check", "--now", "2026-11-23"])
            .current_dir(alone.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            published.push(format!("{name}.svg"));
        } else {
            assert!(
                stderr.contains(&format!("static/images/{name}.svg: erreur: SVG refusé")),
                "{name}: {stderr}"
            );
            std::fs::remove_file(root.join(format!("static/images/{name}.svg"))).unwrap();
        }
    }
    assert!(
        published.contains(&"editor.svg".to_string())
            && published.contains(&"anim-motion.svg".to_string()),
        "{published:?}"
    );
    // The published ones hold nothing of what is not allowed.
    let files = build(root, options("2026-11-23"));
    let editor = text(&files, "images/editor.svg");
    assert!(
        !editor.contains("sodipodi")
            && !editor.contains("inkscape")
            && !editor.contains("metadata"),
        "{editor}"
    );
    assert!(
        editor.contains("<rect") && editor.contains("fill=\"#1f6f4a\""),
        "{editor}"
    );
    let motion = text(&files, "images/anim-motion.svg");
    assert!(!motion.contains("animate"), "{motion}");
    // A hostile map attribution in site.toml: sanitised on the map's pages.
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    let at = toml.find("\n[").unwrap() + 1;
    std::fs::write(
        root.join("site.toml"),
        format!(
            "{}map_attribution = '<img src=x onerror=\"{mark}\"><a href=\"https://osm.org\" onmouseover=\"{mark}\">© OSM</a>'\n{}",
            &toml[..at],
            &toml[at..]
        ),
    )
    .unwrap();
    let stdout = node(
        "hostile.mjs",
        &[
            root.as_os_str(),
            std::ffi::OsStr::new(&published.join(",")),
            std::ffi::OsStr::new("carte/,acteurs/iut-de-sceaux/,donnees/"),
        ],
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
