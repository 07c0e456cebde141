//! Safe by construction: nothing private leaks, hostile content is neutralised, nothing is
//! written outside the output folder, and the output is never half-written.

mod common;

use common::*;
use ess_site::pipeline;
use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The text of an output file; the search index's files are gzip-compressed, read unpacked.
fn readable(bytes: &[u8]) -> String {
    use std::io::Read;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("a gzip file of the search index");
        return String::from_utf8_lossy(&out).into_owned();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_canary(files: &std::collections::BTreeMap<String, Vec<u8>>, what: &str) {
    assert!(files.len() > 20, "{what}: too few files");
    for (path, bytes) in files {
        assert!(
            !path.contains("CANARY") && !path.contains("canary"),
            "{what}: {path}"
        );
        let text = readable(bytes);
        assert!(!text.contains("CANARY"), "{what}: {path} leaks");
        if path.starts_with("pagefind/") {
            // The index keeps words in lower case.
            assert!(!text.contains("canary"), "{what}: {path} leaks");
        }
    }
    // The search index was read: the public records' words are in it.
    assert!(
        files
            .iter()
            .any(|(p, b)| p.starts_with("pagefind/fragment/")
                && readable(b).contains("Corps public")),
        "{what}: the search index has no public record"
    );
}

#[test]
fn drafts_and_private_records_never_leak_from_a_build() {
    let site = copy_site(&fixture("visibility"));
    assert_no_canary(&build(site.path(), options("2021-01-01")), "build");
    let mut drafts = options("2021-01-01");
    drafts.drafts = true;
    let files = build(site.path(), drafts);
    for (path, bytes) in &files {
        assert!(
            !readable(bytes).contains("CANARY-PRIVATE"),
            "build --drafts: {path}"
        );
    }
    // The members' build publishes the private resource and its file, which the public
    // builds above did not (the canary check).
    let mut members = options("2021-01-01");
    members.include_private = true;
    let files = build(site.path(), members);
    assert!(
        text(&files, "ressources/fichiers/compte-rendu.txt").contains("CANARY-PRIVATE-FILE"),
        "the members' build lacks the members' file"
    );
}

/// Fetches a path from a running preview.
fn fetch(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let r = raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    (r.status, r.body)
}

/// The preview shows the drafts (the records being written), each marked « Brouillon »; a
/// private record never, nor a members' file.
#[test]
fn private_records_never_leak_from_the_preview_and_drafts_are_marked() {
    let site = copy_site(&fixture("visibility"));
    let server = start(site.path(), "2021-01-01");
    let addr = server.addr.clone();
    // Crawl every page reachable from the home page, the sitemap and the feeds.
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = [
        "/",
        "/sitemap.xml",
        "/rss.xml",
        "/acteurs/rss.xml",
        "/ressources/rss.xml",
        "/404.html",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let base = "https://test.example.org";
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 500 {
            continue;
        }
        let (status, body) = fetch(&addr, &path);
        let text = String::from_utf8_lossy(&body).into_owned();
        // The dossier dated in the future is shown by the preview, marked as scheduled, and
        // the drafts, marked as such (never by a build: the test above); private records and
        // members' files never are.
        let text = text.replace("CANARY-FUTURE-DOSSIER", "");
        let text = text.replace("CANARY-DRAFT", "");
        assert!(!text.contains("CANARY"), "serve: {path} ({status}) leaks");
        for link in internal_links(&text).into_iter().chain(
            text.split("<loc>")
                .skip(1)
                .filter_map(|l| l.split("</loc>").next())
                .map(|l| l.trim_start_matches(base).to_string()),
        ) {
            let link = link.split('#').next().unwrap_or("").to_string();
            if link.starts_with('/') && !link.starts_with("/__ess") {
                queue.push_back(link);
            }
        }
    }
    assert!(seen.len() > 20, "crawled only {}", seen.len());
    let (status, future) = fetch(&addr, "/magazine/future/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&future).contains("notice-scheduled"));
    for path in ["/acteurs/draft-actor/", "/magazine/draft/", "/draft/"] {
        let (status, page) = fetch(&addr, path);
        assert_eq!(status, 200, "{path}: the preview shows the draft");
        let page = String::from_utf8_lossy(&page);
        assert!(
            page.contains(
                "<p class=\"notice notice-draft\" role=\"note\"><strong>Brouillon</strong>"
            ),
            "{path}: marked as a draft"
        );
    }
    assert!(
        seen.contains("/acteurs/draft-actor/"),
        "the draft is on the preview's lists"
    );
    for path in ["/ressources/private/", "/CANARY-PRIVATE-RESOURCE-alias/"] {
        assert_eq!(fetch(&addr, path).0, 404, "{path}");
    }
    drop(server);
}

#[test]
fn hostile_front_matter_is_escaped_in_every_output() {
    let site = copy_site(&fixture("visibility"));
    let hostile = "---\ntitle: \"Coop </title><script>alert(1)</script> & « co » ]]> <b>\"\nsummary: \"<img src=x onerror=alert(1)> ]]> &amp;\"\ndate: 2020-01-01\ndomains: [sante]\naddress: \"<script>alert(2)</script>\"\nwebsite: \"https://example.org/?a=1&b=<x>\"\n---\n<script>alert(3)</script>\n\n<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">lien</a>\n";
    std::fs::write(site.path().join("content/acteurs/hostile.md"), hostile).unwrap();
    let files = build(site.path(), options("2021-01-01"));
    for (path, bytes) in &files {
        // Data exports carry the values as they are (a reader escapes them where it shows
        // them); every other output is markup.
        if path.ends_with(".csv") || path.ends_with(".json") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for bad in [
            "<script>alert",
            "onerror=alert",
            "javascript:alert",
            "onclick=",
            "</title><script",
        ] {
            assert!(!text.contains(bad), "{path} contains {bad}");
        }
    }
    let page = text(&files, "acteurs/hostile/index.html");
    // JSON-LD inside <script>: a value cannot end the element, and the block still parses.
    let ld = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .expect("JSON-LD");
    let data: serde_json::Value = serde_json::from_str(ld).expect("JSON-LD parses");
    assert!(data["name"]
        .as_str()
        .unwrap()
        .contains("</title><script>alert(1)</script>"));
    assert!(!ld.contains("</"), "{ld}");
    assert!(
        page.contains("Coop &lt;&#x2F;title&gt;") || page.contains("Coop &lt;/title&gt;"),
        "title escaped"
    );
    for feed in ["rss.xml", "acteurs/rss.xml"] {
        let channel = rss::Channel::read_from(files[feed].as_slice()).expect("still valid XML");
        assert!(
            channel
                .items()
                .iter()
                .any(|i| i.title().is_some_and(|t| t.contains("</title><script>"))),
            "the title survives as text in {feed}"
        );
    }
    assert!(text(&files, "sitemap.xml")
        .contains("<loc>https://test.example.org/acteurs/hostile/</loc>"));
}

#[test]
fn yaml_traps_give_an_error_or_a_correct_value() {
    let site = copy_site(&fixture("visibility"));
    let acteurs = site.path().join("content/acteurs");
    // A "billion laughs" in free data: ten levels of ten aliases, 10^10 strings once expanded.
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for w in names.windows(2) {
        let (p, n) = (w[0], w[1]);
        bomb.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    std::fs::write(site.path().join("content/data/bombe.yaml"), bomb).unwrap();
    // A BOM, then a correct record: read as if it were not there.
    std::fs::write(
        acteurs.join("bom.md"),
        "\u{feff}---\ntitle: \"Avec BOM\"\ndomains: [sport]\n---\nTexte.\n",
    )
    .unwrap();
    let errors: Vec<String> = pipeline::check(site.path(), options("2021-01-01"))
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("content/data/bombe.yaml:1:1: erreur: trop de renvois"),
        "{errors:?}"
    );
    // A 10 MB record, with the size limit raised: parsed or refused, never a hang.
    std::fs::remove_file(site.path().join("content/data/bombe.yaml")).unwrap();
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("max_file_size_kib = 20000\n{toml}"),
    )
    .unwrap();
    let big = format!(
        "---\ntitle: \"Gros\"\ndomains: [sport]\ntags:\n{}---\n",
        "  - mot-clé\n".repeat(800_000)
    );
    assert!(big.len() > 10_000_000);
    std::fs::write(acteurs.join("gros.md"), big).unwrap();
    let started = Instant::now();
    let diagnostics = pipeline::check(site.path(), options("2021-01-01"));
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "a 10 MB record took {:?}",
        started.elapsed()
    );
}

#[test]
fn symbolic_links_that_leave_the_site_are_refused() {
    let site = copy_site(&fixture("visibility"));
    let acteurs = site.path().join("content/acteurs");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: \"Hors du site\"\n---\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), acteurs.join("dehors.md"))
        .unwrap();
    std::os::unix::fs::symlink(acteurs.join("boucle-b.md"), acteurs.join("boucle-a.md")).unwrap();
    std::os::unix::fs::symlink(acteurs.join("boucle-a.md"), acteurs.join("boucle-b.md")).unwrap();
    let pages = site.path().join("content/pages");
    std::os::unix::fs::symlink(pages.join("contact.md"), pages.join("nous-ecrire.md")).unwrap();
    let errors: Vec<String> = pipeline::check(site.path(), options("2021-01-01"))
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect();
    assert!(
        pipeline::check(site.path(), options("2021-01-01"))
            .iter()
            .all(|d| d.path != Path::new("content/pages/nous-ecrire.md")),
        "a link inside the site is read"
    );
    assert_eq!(
        errors,
        vec![
            "content/acteurs/boucle-a.md: erreur: lien symbolique refusé : il ne mène nulle part, ou tourne en boucle",
            "content/acteurs/boucle-b.md: erreur: lien symbolique refusé : il ne mène nulle part, ou tourne en boucle",
            "content/acteurs/dehors.md: erreur: lien symbolique refusé : il mène hors du dossier du site",
        ]
    );
}

fn tree_outside(root: &Path, output: &str) -> BTreeSet<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|p| !p.starts_with(output) && *p != format!(".{output}.lock"))
        .filter(|p| !p.starts_with(&format!(".{output}.tmp-")))
        .collect()
}

/// The folders beside output `output` of `root` named as its staging folders; each must be the
/// one the last build kept (the output it replaced, marked as made by ess-site and as kept; after
/// the first build, the image links alone). `whole`: whether it must be a whole output.
fn kept_beside(root: &Path, output: &str, whole: Option<bool>) -> Vec<String> {
    let kept: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{output}.tmp-")))
        .collect();
    for name in &kept {
        let dir = root.join(name);
        assert!(
            dir.join(".ess-site-staging").is_file() && dir.join(".ess-site-kept").is_file(),
            "{name}: not a kept output"
        );
        if let Some(whole) = whole {
            assert_eq!(
                dir.join("site/index.html").is_file(),
                whole,
                "{name}: a whole output or only the images"
            );
        }
    }
    kept
}

/// But for the cache of processed images, `.ess-site-cache/`, which git ignores by itself, and
/// the output the last build replaced, kept beside the output for the next build.
#[test]
fn nothing_is_written_outside_the_output_folder() {
    let site = copy_site(&repo());
    let before = tree_outside(site.path(), "public");
    build(site.path(), options("2026-11-23"));
    // The first build keeps the links to the image cache it published, for the next one.
    assert_eq!(kept_beside(site.path(), "public", Some(false)).len(), 1);
    build(site.path(), options("2026-11-23"));
    assert_eq!(kept_beside(site.path(), "public", Some(true)).len(), 1);
    build(site.path(), options("2026-11-23"));
    assert_eq!(kept_beside(site.path(), "public", Some(true)).len(), 1);
    let after = tree_outside(site.path(), "public");
    let cache = ess_site::images::CACHE_DIR;
    let added: Vec<&String> = after.difference(&before).collect();
    assert!(
        !added.is_empty() && added.iter().all(|p| p.starts_with(cache)),
        "{added:?}"
    );
    assert!(added.iter().any(|p| p.ends_with(".webp")));
    assert!(before.difference(&after).next().is_none());
    let ignore = std::fs::read_to_string(site.path().join(cache).join(".gitignore")).unwrap();
    assert_eq!(ignore.lines().last(), Some("*"));
}

#[test]
fn a_template_failing_on_the_last_page_leaves_the_previous_output() {
    let site = copy_site(&repo());
    let before = build(site.path(), options("2026-11-23"));
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    // Fails for one actor only, the last in the directory's order.
    std::fs::write(site.path().join("templates/actor.html"), "{% extends \"base.html\" %}{% block main %}{% if title is starting_with(\"Ville\") %}{{ rien.ici }}{% endif %}{{ title }}{% endblock main %}").unwrap();
    let err = pipeline::build(
        site.path(),
        &site.path().join("public"),
        options("2026-11-23"),
    )
    .unwrap_err();
    let errors: Vec<String> = err
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("templates/actor.html:1:85: erreur: erreur dans le gabarit actor.html en rendant content/acteurs/ville-de-sceaux.md"), "{errors:?}");
    assert_eq!(read_tree(&site.path().join("public")), before);
}

#[test]
fn a_build_killed_midway_leaves_the_previous_output_intact() {
    let site = copy_site(&fixture("visibility"));
    // A large enough site for the build to take a while.
    for i in 0..4000 {
        std::fs::write(
            site.path().join(format!("content/acteurs/lot-{i:04}.md")),
            format!(
                "---\ntitle: \"Acteur {i}\"\nsummary: \"Un acteur.\"\ndomains: [sport]\n---\n{}\n",
                "Du texte pour le corps de la fiche. ".repeat(40)
            ),
        )
        .unwrap();
    }
    let before = build(site.path(), options("2021-01-01"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["build", "--quiet", "--now", "2021-01-02"])
        .current_dir(site.path())
        .spawn()
        .unwrap();
    // Kill it once it has started writing its temporary folder.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let writing = std::fs::read_dir(site.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".public.tmp-"));
        if writing || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the build finished before it could be killed"
    );
    assert_eq!(
        read_tree(&site.path().join("public")),
        before,
        "previous output changed"
    );
    // The next build cleans up what the killed one left.
    build(site.path(), options("2021-01-02"));
    let leftovers: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public") && n != ".public.lock")
        .collect();
    assert_eq!(
        leftovers,
        kept_beside(site.path(), "public", None),
        "{leftovers:?}"
    );
    assert!(leftovers.len() <= 1, "{leftovers:?}");
}
