//! The published site on a real host: Debian's nginx with its worker running as `www-data`
//! (not the user who built) answers 200 for every file of a fresh build of the example.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A folder under the system's temporary folder that another user may enter (a temporary
/// folder is its owner's alone).
fn open_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("ess-site-host-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Runs `ess-site ARGS… LAST` in `dir`; it must succeed.
fn ess_in(dir: &Path, args: &[&str], last: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(args)
        .arg(last)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_nginx(dir: &Path, root: &Path, port: u16) -> Nginx {
    start_nginx_with(dir, root, port, "")
}

/// nginx serving `root`, with `extra` lines in its server block.
fn start_nginx_with(dir: &Path, root: &Path, port: u16, extra: &str) -> Nginx {
    let conf = format!(
        "user www-data;\nworker_processes 1;\ndaemon off;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log;\n\
         events {{ worker_connections 64; }}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log off;\n\
         client_body_temp_path {dir}/body;\n  proxy_temp_path {dir}/proxy;\n  fastcgi_temp_path {dir}/fcgi;\n\
         uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n\
         server {{\n    listen 127.0.0.1:{port};\n    root {root};\n{extra}  }}\n}}\n",
        dir = dir.display(),
        root = root.display()
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new("nginx")
        .args(["-p"])
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx");
    let nginx = Nginx(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

fn require_nginx_as_root() {
    assert!(
        Command::new("nginx")
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success()),
        "this test cannot run: missing nginx (apt-get install nginx; `bash .ci/run` installs it)"
    );
    assert!(
        rustix_is_root(),
        "this test cannot run: nginx switches its worker to www-data only when started as root (`bash .ci/run` runs as root)"
    );
}

#[test]
fn nginx_as_www_data_serves_every_file_of_a_fresh_build() {
    require_nginx_as_root();
    let site = copy_site(&repo());
    let host = open_dir();
    let public = host.path().join("public");
    ess_in(
        site.path(),
        &["build", "--quiet", "--now", "2026-11-23", "--output"],
        &public,
    );
    let files: Vec<String> = walkdir::WalkDir::new(&public)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&public)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert!(
        files.iter().filter(|f| f.ends_with(".webp")).count() > 3,
        "the example has pictures"
    );
    let state = open_dir();
    let port = free_port();
    let _nginx = start_nginx(state.path(), &public, port);
    let addr = format!("127.0.0.1:{port}");
    let mut refused = Vec::new();
    for f in &files {
        let path: String = f
            .split('/')
            .map(|p| {
                p.bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("/");
        let r = raw(
            &addr,
            format!("HEAD /{path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        if r.status != 200 {
            refused.push(format!("{} {f}", r.status));
        }
    }
    assert!(
        refused.is_empty(),
        "{} of {} files refused: {:?}",
        refused.len(),
        files.len(),
        &refused[..refused.len().min(10)]
    );
}

fn rustix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The site paths a page names in its attributes (`href`, `src`, `srcset`, `action`, the words
/// of `data-*`, a redirect's `url=`): every value that starts with `/` (not `//`).
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("=\"") {
        let name_start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .map_or(0, |i| i + 1);
        let name = &rest[name_start..at];
        let value_start = at + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + len];
        rest = &rest[value_start + len..];
        let values: Vec<&str> = match name {
            "href" | "src" | "action" | "poster" => vec![value],
            "srcset" => value
                .split(',')
                .filter_map(|c| c.split_whitespace().next())
                .collect(),
            "content" => value
                .split_once("url=")
                .map(|(_, u)| u)
                .into_iter()
                .collect(),
            n if n.starts_with("data-") => value.split(' ').collect(),
            _ => Vec::new(),
        };
        out.extend(
            values
                .into_iter()
                .filter(|v| v.starts_with('/') && !v.starts_with("//"))
                .map(|v| v.replace("&amp;", "&").replace("&#39;", "'")),
        );
    }
    out
}

/// A site whose `base_url` has a path (GitLab Pages: `https://ville.gitlab.io/ess/`), served by
/// nginx under that prefix with nothing outside it, crawled from its home: every reference
/// of every page is inside the prefix and answers 200; the feeds and the sitemap give
/// addresses under it; the « page introuvable » answers at any depth with links under it.
/// The example and a new commune's site made by `init`.
#[test]
fn a_site_under_a_path_is_whole_behind_nginx_under_that_prefix() {
    require_nginx_as_root();
    let parent = tempfile::tempdir().unwrap();
    ess_in(
        parent.path(),
        &["init", "--commune", "Bagneux"],
        Path::new("bagneux"),
    );
    let example = copy_site(&repo());
    for site in [example.path(), &parent.path().join("bagneux")] {
        let host = open_dir();
        let www = host.path().join("www");
        std::fs::create_dir(&www).unwrap();
        let args = ["build", "--quiet", "--now", "2026-11-23", "--base-url"];
        let args = [&args[..], &["https://ville.gitlab.io/ess/", "--output"]].concat();
        ess_in(site, &args, &www.join("ess"));
        std::fs::set_permissions(&www, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let state = open_dir();
        let port = free_port();
        let _nginx = start_nginx_with(
            state.path(),
            &www,
            port,
            "    error_page 404 /ess/404.html;\n",
        );
        let addr = format!("127.0.0.1:{port}");
        let get = |path: &str| {
            raw(
                &addr,
                format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
        };
        let mut seen = std::collections::BTreeSet::new();
        let mut pages = vec!["/ess/".to_string()];
        let mut outside = Vec::new();
        let mut broken = Vec::new();
        let mut references_count = 0;
        while let Some(page) = pages.pop() {
            if !seen.insert(page.clone()) {
                continue;
            }
            let r = get(&page);
            if r.status != 200 {
                broken.push(format!("{} {page}", r.status));
                continue;
            }
            let is_html = r
                .headers
                .to_ascii_lowercase()
                .contains("content-type: text/html");
            if !is_html {
                continue;
            }
            for reference in references(&r.text()) {
                references_count += 1;
                let path = reference.split(['#', '?']).next().unwrap_or("").to_string();
                if !path.starts_with("/ess/") {
                    outside.push(format!("{page} → {reference}"));
                } else if !seen.contains(&path) {
                    pages.push(path);
                }
            }
        }
        assert!(
            seen.len() > 40,
            "{}: the crawl saw {} addresses",
            site.display(),
            seen.len()
        );
        assert!(
            outside.is_empty(),
            "{}: references outside /ess/: {:?}",
            site.display(),
            &outside[..outside.len().min(10)]
        );
        assert!(
            broken.is_empty(),
            "{}: {} of {} addresses broken: {:?}",
            site.display(),
            broken.len(),
            seen.len(),
            &broken[..broken.len().min(10)]
        );
        // The feeds and the sitemap give whole addresses under the path, each answering.
        for file in ["/ess/sitemap.xml", "/ess/rss.xml"] {
            let text = get(file).text();
            let urls: Vec<&str> = text
                .split(['<', '>', '"'])
                .filter(|t| t.starts_with("https://ville.gitlab.io/"))
                .collect();
            assert!(!urls.is_empty(), "{file}: no address");
            for u in urls {
                let path = u.trim_start_matches("https://ville.gitlab.io");
                assert!(path.starts_with("/ess/"), "{file}: {u}");
                if !path.contains(['#', '?']) {
                    assert_eq!(get(path).status, 200, "{file}: {u}");
                }
            }
        }
        // The « page introuvable », deep in the path: its links lead under it.
        let missing = get("/ess/acteurs/nulle-part/plus/loin/");
        assert_eq!(missing.status, 404);
        let links = references(&missing.text());
        assert!(
            !links.is_empty() && links.iter().all(|l| l.starts_with("/ess/")),
            "404: {links:?}"
        );
        eprintln!(
            "{}: {} addresses crawled, {references_count} references, all under /ess/",
            site.display(),
            seen.len()
        );
    }
}
