//! Images in a real build: every picture has its widths, `srcset`, `width` and `height`; an
//! image only unpublished records name is not published; no published image keeps metadata;
//! a replaced photo updates the preview as a full build would.

mod common;

use common::*;
use ess_site::pipeline;
use ess_site::pipeline::incremental::Incremental;
use std::collections::BTreeMap;
use std::path::Path;

const NOW: &str = "2026-11-23T12:00";

/// A photo-like JPEG of `w` × `h` (gradients and texture), different for each `seed`.
fn photo(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let v = (x * 7 + y * 13 + seed * 31) % 256;
            data.extend_from_slice(&[
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                (v as u8).wrapping_add((seed * 40) as u8),
            ]);
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&data, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// The example site with a logo, covers, a body image, a private resource's picture, a
/// draft's picture, and an image no record names.
fn site_with_images() -> tempfile::TempDir {
    let site = copy_site(&repo());
    let root = site.path();
    write(root, "static/images/logo-up.png", &{
        let img = image::RgbaImage::from_fn(300, 120, |x, _| {
            image::Rgba([10, 120, 80, if x < 150 { 255 } else { 0 }])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    });
    write(root, "static/images/dossier.jpg", &photo(1400, 900, 1));
    write(root, "static/images/atelier.jpg", &photo(700, 500, 2));
    write(root, "static/images/prive.jpg", &photo(600, 400, 3));
    write(root, "static/images/brouillon.jpg", &photo(600, 400, 4));
    write(root, "static/images/libre.jpg", &photo(500, 300, 5));
    write(root, "static/images/intervenant.jpg", &photo(400, 400, 6));
    let edit = |rel: &str, f: &dyn Fn(String) -> String| {
        let p = root.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, f(text)).unwrap();
    };
    edit("content/conferences/2016-automne.md", &|t| {
        t.replace(
            "actor: moovjee}",
            "actor: moovjee, photo: /images/intervenant.jpg}",
        )
    });
    edit("content/forum/2016.md", &|t| {
        t.replace(
            "actor: sceaux-smart}",
            "actor: sceaux-smart, photo: /images/intervenant.jpg}",
        )
    });
    edit("content/acteurs/up-sceaux.md", &|t| {
        t.replacen("---\n", "---\nlogo: /images/logo-up.png\n", 1)
    });
    edit("content/magazine/mois-de-l-ess-2016.md", &|t| {
        t.replacen(
            "---\n",
            "---\nimage: {src: /images/dossier.jpg, alt: \"Le marché solidaire\", credit: \"Ville de Sceaux\"}\n",
            1,
        ) + "\n\n![Un atelier de réparation](/images/atelier.jpg)\n"
    });
    write(
        root,
        "content/ressources/compte-rendu-prive.md",
        b"---\ntitle: \"Compte rendu du bureau\"\ndate: 2016-10-01\nprivate: true\nsummary: \"Pour les membres.\"\nimage: {src: /images/prive.jpg, alt: \"Le bureau\"}\n---\n\nTexte.\n",
    );
    write(
        root,
        "content/magazine/brouillon.md",
        b"---\ntitle: \"Un brouillon\"\ndate: 2016-10-01\ndraft: true\nsummary: \"Pas encore.\"\n---\n\n![Pas encore](/images/brouillon.jpg)\n",
    );
    site
}

fn built(root: &Path, members: bool) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let dir = out
        .path()
        .join(if members { "public-membres" } else { "public" });
    let mut o = options(NOW);
    o.include_private = members;
    pipeline::build(root, &dir, o).unwrap_or_else(|ds| panic!("{ds:?}"));
    read_tree(&dir)
}

#[test]
fn every_picture_has_its_widths_and_no_image_leaks() {
    let site = site_with_images();
    let files = built(site.path(), false);
    let mut pictures = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for (at, _) in html.match_indices("<img ") {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            let src = tag
                .split("src=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            if !src.starts_with("/images/") {
                continue;
            }
            pictures += 1;
            for attr in [
                " srcset=\"",
                " sizes=\"",
                " width=\"",
                " height=\"",
                " alt=\"",
                " decoding=\"async\"",
            ] {
                assert!(tag.contains(attr), "{path}: {attr} missing in {tag}");
            }
            assert!(
                html[..at].ends_with("\">")
                    && html[..at].rfind("<source type=\"image/webp\"")
                        > html[..at].rfind("<picture"),
                "{path}: no WebP source before {tag}"
            );
            // Every width it names is published.
            let srcset = tag
                .split("srcset=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            for candidate in srcset.split(", ") {
                let file = candidate.split(' ').next().unwrap().trim_start_matches('/');
                assert!(files.contains_key(file), "{path}: {file} not published");
            }
            assert!(tag.contains("loading=\"lazy\"") || tag.contains("fetchpriority=\"high\""));
        }
    }
    assert!(pictures >= 4, "only {pictures} pictures");
    let dossier = text(&files, "magazine/mois-de-l-ess-2016/index.html");
    // The cover comes first and is fetched first; the body image after it, lazily.
    let cover_at = dossier.find("fetchpriority=\"high\"").unwrap();
    let body_at = dossier.find("alt=\"Un atelier de réparation\"").unwrap();
    assert!(cover_at < body_at);
    assert!(dossier[body_at..]
        .split('>')
        .next()
        .unwrap()
        .contains("loading=\"lazy\""));
    assert!(dossier.contains("<figcaption>Crédit : Ville de Sceaux</figcaption>"));
    let og = dossier
        .split("og:image\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let og = og.trim_start_matches("https://ess.sceaux.fr/");
    let og_image = image::load_from_memory(&files[og]).unwrap();
    assert_eq!((og_image.width(), og_image.height()), (1200, 630));
    // The logo: on the actor's page and on its card, with the actor's name as its text.
    let actor = text(&files, "acteurs/up-sceaux/index.html");
    assert!(actor.contains("alt=\"Logo de Up Sceaux\""));
    assert!(text(&files, "acteurs/index.html").contains("logo-up-160."));
    // On the Forum: the exhibitor's logo in the list of exhibitors (a place kept for every
    // name, so that the names line up), a speaker's photo in the programme.
    let forum = text(&files, "forum/2016/index.html");
    let exhibitors = &forum[forum.find("id=\"exposants\"").unwrap()..];
    assert!(exhibitors.contains("link-list-logos"));
    assert!(exhibitors.contains("<span class=\"link-logo\"><picture>"));
    assert!(exhibitors.contains("<span class=\"link-logo\"></span>"));
    let programme = &forum[forum.find("id=\"programme\"").unwrap()..];
    assert!(programme.contains("<span class=\"speaker-photo\"><picture>"));
    // The open data give the logo's public address.
    let json: serde_json::Value = serde_json::from_slice(&files["donnees/acteurs.json"]).unwrap();
    let up = json
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "up-sceaux")
        .unwrap();
    assert_eq!(up["logo"], "https://ess.sceaux.fr/images/logo-up.png");
    assert!(files.contains_key("images/logo-up.png"));
    // A speaker's photo, beside their name.
    let conference = text(&files, "conferences/2016-automne/index.html");
    assert!(conference.contains("<span class=\"speaker-photo\"><picture>"));
    // A logo with transparency keeps it: PNG fallback.
    assert!(files
        .keys()
        .any(|k| k.starts_with("images/logo-up-300.") && k.ends_with(".png")));
    // No published image keeps metadata; the private resource's and the draft's are absent,
    // the image no record names is published.
    for (path, bytes) in files.iter().filter(|(p, _)| p.starts_with("images/")) {
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{path}");
        assert!(
            !path.contains("prive") && !path.contains("brouillon"),
            "{path} published"
        );
    }
    assert!(files.contains_key("images/libre.jpg"));
    assert!(files.contains_key("images/dossier.jpg"));
    let members = built(site.path(), true);
    assert!(members.keys().any(|k| k.starts_with("images/prive-")));
    assert!(!members.keys().any(|k| k.contains("brouillon")));
}

#[test]
fn the_same_images_give_the_same_bytes_with_or_without_the_cache() {
    let a = site_with_images();
    let b = site_with_images();
    let first = built(a.path(), false);
    assert!(a.path().join(".ess-site-cache/images").is_dir());
    assert_eq!(
        std::fs::read_to_string(a.path().join(".ess-site-cache/.gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    // The second build of `a` reads the cache; `b` has none.
    assert_eq!(built(a.path(), false), first);
    assert_eq!(built(b.path(), false), first);
    // A deleted cache is made again.
    std::fs::remove_dir_all(a.path().join(".ess-site-cache")).unwrap();
    assert_eq!(built(a.path(), false), first);
}

#[test]
fn a_replaced_photo_updates_the_preview_as_a_full_build() {
    let site = site_with_images();
    let root = site.path();
    let mut inc = Incremental::new(root, options(NOW));
    inc.rebuild(&[]);
    let outputs = |inc: &Incremental| -> BTreeMap<String, Vec<u8>> {
        inc.outputs()
            .iter()
            .map(|(k, v)| (k.clone(), v.bytes.to_vec()))
            .collect()
    };
    assert_eq!(outputs(&inc), built(root, false));
    let before = outputs(&inc);
    // Another photo, another size, under the same name.
    let photo_path = root.join("static/images/dossier.jpg");
    std::fs::write(&photo_path, photo(1000, 1000, 9)).unwrap();
    inc.rebuild(&[photo_path]);
    let after = outputs(&inc);
    assert_eq!(after, built(root, false));
    let page = "magazine/mois-de-l-ess-2016/index.html";
    assert_ne!(before[page], after[page]);
    assert!(String::from_utf8_lossy(&after[page]).contains("width=\"1000\" height=\"1000\""));
    // The dossier becomes a draft: its pictures go with it.
    let dossier = root.join("content/magazine/mois-de-l-ess-2016.md");
    let text = std::fs::read_to_string(&dossier).unwrap();
    std::fs::write(&dossier, text.replacen("---\n", "---\ndraft: true\n", 1)).unwrap();
    inc.rebuild(&[dossier]);
    let hidden = outputs(&inc);
    assert_eq!(hidden, built(root, false));
    assert!(!hidden.keys().any(|k| k.starts_with("images/dossier")));
}

#[test]
fn the_newsletter_shows_a_dossiers_picture_resized_at_an_absolute_address() {
    let site = site_with_images();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let now = ess_site::model::Date::parse("2017-01-01").unwrap().at;
    let letter = ess_site::pipeline::newsletter::newsletter(
        site.path(),
        day("2016-10-01"),
        day("2016-12-31"),
        now,
    )
    .unwrap();
    let at = letter
        .html
        .find("alt=\"Le marché solidaire\"")
        .expect("the dossier's picture");
    let tag = &letter.html[letter.html[..at].rfind("<img").unwrap()..at];
    assert!(
        tag.contains("src=\"https://ess.sceaux.fr/images/dossier-1200."),
        "{tag}"
    );
    assert!(
        tag.contains(".jpg\"") && tag.contains("width=\"552\""),
        "{tag}"
    );
    assert!(!letter.html.contains(".webp"));
}

/// Every published file and folder is readable by a web server running as another user —
/// the pictures linked from the cache too — even when the one who builds has a umask that
/// keeps files private.
#[cfg(unix)]
#[test]
fn every_published_file_is_readable_by_another_user() {
    use std::os::unix::fs::PermissionsExt;
    let site = site_with_images();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    for umask in ["022", "077"] {
        // A process of its own: the umask is the process's.
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" build --quiet --now {NOW} --output \"$1\"",
            ))
            .arg(env!("CARGO_BIN_EXE_ess-site"))
            .arg(&public)
            .current_dir(site.path())
            .status()
            .unwrap();
        assert!(status.success());
        let mut pictures = 0;
        for e in walkdir::WalkDir::new(&public) {
            let e = e.unwrap();
            let mode = e.metadata().unwrap().permissions().mode();
            let rel = e
                .path()
                .strip_prefix(&public)
                .unwrap()
                .display()
                .to_string();
            if e.file_type().is_dir() {
                assert_eq!(mode & 0o005, 0o005, "umask {umask}: folder {rel} {mode:o}");
            } else {
                assert_eq!(mode & 0o004, 0o004, "umask {umask}: {rel} {mode:o}");
                pictures += usize::from(rel.ends_with(".webp"));
            }
        }
        assert!(pictures > 5, "{pictures}");
    }
}

/// The image cache keeps what the sources need: a photo replaced again and again does not
/// pile up its old versions.
#[test]
fn the_image_cache_keeps_only_what_the_sources_need() {
    let site = site_with_images();
    let root = site.path();
    let cache = root.join(".ess-site-cache/images");
    let count = || std::fs::read_dir(&cache).unwrap().count();
    let out = tempfile::tempdir().unwrap();
    let build = |now: &str| {
        pipeline::build(root, &out.path().join("public"), options(now))
            .unwrap_or_else(|ds| panic!("{ds:?}"));
    };
    build(NOW);
    let first = count();
    for seed in 10..16 {
        write(root, "static/images/atelier.jpg", &photo(700, 500, seed));
        build(NOW);
    }
    assert_eq!(count(), first, "the cache grew with each replaced photo");
    // A file of the user's own in the cache folder, not named as the cache names its files,
    // is left alone.
    std::fs::write(cache.join("notes.txt"), "x").unwrap();
    write(root, "static/images/atelier.jpg", &photo(700, 500, 99));
    build(NOW);
    assert!(cache.join("notes.txt").is_file());
}

/// An image that does not decode completely (a photo cut off during a copy, in any format) is
/// an error at its file, never published half grey.
#[test]
fn a_truncated_or_corrupt_image_is_an_error_at_its_file() {
    let png = {
        let img = image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let webp = {
        let img = image::RgbaImage::from_fn(640, 480, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, ((x ^ y) % 256) as u8, 255])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::WebP).unwrap();
        out.into_inner()
    };
    let jpeg = photo(1200, 800, 7);
    let mut corrupt = jpeg.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid..mid + 400].iter_mut().for_each(|b| *b = 0xFF);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("coupee.jpg", jpeg[..jpeg.len() / 3].to_vec()),
        ("coupee-fin.jpg", jpeg[..jpeg.len() - 2].to_vec()),
        ("abimee.jpg", corrupt),
        ("coupee.png", png[..png.len() * 2 / 3].to_vec()),
        ("coupee.webp", webp[..webp.len() / 2].to_vec()),
    ];
    let mut published = Vec::new();
    for (name, bytes) in cases {
        let site = copy_site(&repo());
        let root = site.path();
        write(root, &format!("static/images/{name}"), &bytes);
        let actor = root.join("content/acteurs/amap-de-sceaux.md");
        let text = std::fs::read_to_string(&actor).unwrap();
        std::fs::write(
            &actor,
            text.replacen("---\n", &format!("---\nlogo: /images/{name}\n"), 1),
        )
        .unwrap();
        let out = tempfile::tempdir().unwrap();
        let result = pipeline::build(root, &out.path().join("public"), options(NOW));
        let Err(ds) = result else {
            published.push(name);
            continue;
        };
        assert!(
            ds.iter()
                .any(|d| d.is_error() && d.path.ends_with(format!("static/images/{name}"))),
            "{name}: {ds:?}"
        );
        assert!(!out.path().join("public").exists(), "{name}");
    }
    assert!(
        published.is_empty(),
        "published although cut off or damaged: {published:?}"
    );
}

/// A large PNG made by `tests/tools/big_png.py` (small on disk, large decoded).
fn big_png(path: &Path, w: u32, h: u32, depth: u8, color: u8) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("python3")
        .arg(repo().join("tests/tools/big_png.py"))
        .arg(path)
        .args([
            w.to_string(),
            h.to_string(),
            depth.to_string(),
            color.to_string(),
        ])
        .status()
        .expect("python3");
    assert!(status.success());
}

/// Decoding has a memory budget for the whole image stage, whatever the number of threads:
/// a picture that needs more on its own is refused with its size and the limit (a 1 MB PNG
/// of 12,000 × 12,000 16-bit pixels took 1.6 GB), and large pictures that fit are processed
/// so that the build's peak stays well under 1.5 GiB.
#[test]
fn the_image_stage_stays_within_its_memory_budget() {
    let site = copy_site(&repo());
    let root = site.path();
    let images = root.join("static/images");
    big_png(&images.join("immense.png"), 12_000, 12_000, 16, 0);
    let out = tempfile::tempdir().unwrap();
    let ds = pipeline::check(root, options(NOW));
    let refused: Vec<_> = ds.iter().filter(|d| d.is_error()).collect();
    assert_eq!(refused.len(), 1, "{ds:?}");
    assert!(refused[0].path.ends_with("static/images/immense.png"));
    assert!(
        refused[0].message.contains("12000 × 12000"),
        "{}",
        refused[0].message
    );
    assert!(
        refused[0].message.contains("au plus 768 Mio"),
        "{}",
        refused[0].message
    );
    std::fs::remove_file(images.join("immense.png")).unwrap();
    // Three large pictures (16-bit, 35 million pixels each), each shown by an actor.
    for (i, actor) in ["amap-de-sceaux", "up-sceaux", "moovjee"]
        .iter()
        .enumerate()
    {
        big_png(&images.join(format!("grande-{i}.png")), 7_000, 5_000, 16, 2);
        let path = root.join(format!("content/acteurs/{actor}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("---\n", &format!("---\nlogo: /images/grande-{i}.png\n"), 1),
        )
        .unwrap();
    }
    // The build's peak resident memory, as the system counts it for a child process.
    let script = "import resource, subprocess, sys\n\
                  r = subprocess.run(sys.argv[1:])\n\
                  print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
                  sys.exit(r.returncode)";
    let run = std::process::Command::new("python3")
        .args([
            "-c",
            script,
            env!("CARGO_BIN_EXE_ess-site"),
            "build",
            "--quiet",
            "--now",
            NOW,
            "--output",
        ])
        .arg(out.path().join("public"))
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let peak_kib: u64 = String::from_utf8_lossy(&run.stdout).trim().parse().unwrap();
    assert!(peak_kib < 1_536 * 1024, "peak {} MiB", peak_kib / 1024);
    assert!(out
        .path()
        .join("public/images/grande-0-800.")
        .parent()
        .unwrap()
        .is_dir());
    eprintln!("peak {} MiB", peak_kib / 1024);
}
