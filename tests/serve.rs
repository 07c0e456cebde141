//! A real `ess-site serve` on a free loopback port, spoken to over HTTP.

mod common;

use common::*;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(server: &Server, path: &str) -> Response {
    get_with(server, path, "")
}

fn get_with(server: &Server, path: &str, extra: &str) -> Response {
    raw(
        &server.addr,
        format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{extra}Connection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    )
}

/// Polls `condition` until it holds: a deadline for a hang, not a measure of speed (a cold debug
/// build of the example's images comes before its search index: 13 s here).
fn wait_for(mut condition: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if condition() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn serves_the_site_like_a_web_server() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    let home = get(&server, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.text()
            .contains("<script src=\"/__ess/live.js\" defer></script></body>"),
        "live script injected"
    );
    // The stylesheet, by its fingerprinted name.
    let page = home.text();
    let at = page.find("href=\"/style.").expect("a stylesheet") + 6;
    let css = &page[at..at + page[at..].find('"').unwrap()];
    for (path, ctype) in [
        (css, "text/css; charset=utf-8"),
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/__ess/live.js", "text/javascript; charset=utf-8"),
    ] {
        let r = get(&server, path);
        assert_eq!(
            (r.status, r.header("Content-Type").as_deref()),
            (200, Some(ctype)),
            "{path}"
        );
    }
    assert!(
        !get(&server, css).text().contains("live.js"),
        "script only in HTML"
    );
    let folder = get(&server, "/acteurs");
    assert_eq!(
        (folder.status, folder.header("Location").as_deref()),
        (301, Some("/acteurs/"))
    );
    let missing = get(&server, "/nulle-part/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("Page introuvable"),
        "the site's 404 page"
    );
    let encoded = get(&server, "/acteurs/up-sceaux/%69ndex.html");
    assert_eq!(encoded.status, 200, "percent-decoded paths");
    // ETag and conditional requests.
    let etag = get(&server, css).header("ETag").expect("ETag");
    let again = get_with(&server, css, &format!("If-None-Match: {etag}\r\n"));
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // HEAD: the headers, no body.
    let head = raw(
        &server.addr,
        format!(
            "HEAD / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.header("Content-Length").is_some_and(|l| l != "0"));
    assert_eq!(
        raw(
            &server.addr,
            format!(
                "POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                server.addr
            )
            .as_bytes()
        )
        .status,
        405
    );
}

#[test]
fn no_path_escapes_the_served_site_and_foreign_hosts_are_refused() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    for path in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/..%2fsite.toml",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "//etc/passwd",
        "/a%00b",
        "/..\\site.toml",
        "/%5c..%5csite.toml",
    ] {
        let r = get(&server, path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(!r.text().contains("base_url"), "{path} leaked site.toml");
    }
    let long = format!("/{}", "a".repeat(5000));
    assert!(matches!(get(&server, &long).status, 400 | 404 | 414));
    let r = raw(
        &server.addr,
        b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 403, "DNS rebinding");
    assert!(r.header("Access-Control-Allow-Origin").is_none());
    // A malformed request does not take the server down.
    let _ = raw(&server.addr, b"\x00\x01garbage\r\n\r\n");
    let _ = raw(&server.addr, b"GET\r\n\r\n");
    assert_eq!(get(&server, "/").status, 200, "still serving");
}

#[test]
fn an_edit_reloads_open_pages_and_errors_show_then_go() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    let state = |s: &Server| {
        serde_json::from_slice::<serde_json::Value>(&get(s, "/__ess/poll").body).unwrap()
    };
    let v1 = state(&server)["version"].as_u64().unwrap();
    // A page waiting for a change gets it as soon as the edit is rebuilt.
    let addr = server.addr.clone();
    let waiter = std::thread::spawn(move || {
        let r = raw(
            &addr,
            format!(
                "GET /__ess/poll?since={v1} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        );
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()
    });
    std::thread::sleep(Duration::from_millis(200));
    let actor = site.path().join("content/acteurs/amap-de-sceaux.md");
    let text = std::fs::read_to_string(&actor).unwrap();
    std::fs::write(
        &actor,
        text.replace("Ce circuit court", "Ce circuit vraiment court"),
    )
    .unwrap();
    let answer = waiter.join().unwrap();
    assert!(answer["version"].as_u64().unwrap() > v1);
    assert_eq!(answer["errors"].as_array().unwrap().len(), 0);
    assert!(get(&server, "/acteurs/amap-de-sceaux/")
        .text()
        .contains("Ce circuit vraiment court"));

    // A broken edit: the last good site stays, the errors are told.
    std::fs::write(&actor, "---\ntitle: AMAP\ntitel: faute\n---\n").unwrap();
    wait_for(
        || !state(&server)["errors"].as_array().unwrap().is_empty(),
        "the errors",
    );
    let errors = state(&server)["errors"].to_string();
    assert!(
        errors.contains("content/acteurs/amap-de-sceaux.md:3:1: erreur: clé inconnue « titel »"),
        "{errors}"
    );
    assert!(
        get(&server, "/acteurs/amap-de-sceaux/")
            .text()
            .contains("Ce circuit vraiment court"),
        "last good page"
    );
    // Fixed: the errors go and the new page is served.
    std::fs::write(
        &actor,
        text.replace("Ce circuit court", "Un circuit court réparé"),
    )
    .unwrap();
    wait_for(
        || state(&server)["errors"].as_array().unwrap().is_empty(),
        "the errors to go",
    );
    assert!(get(&server, "/acteurs/amap-de-sceaux/")
        .text()
        .contains("Un circuit court réparé"));
}

#[test]
fn each_version_names_the_pages_it_changed_as_they_name_themselves() {
    let site = copy_site(&repo());
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let base = text
        .lines()
        .find(|l| l.starts_with("base_url"))
        .expect("base_url")
        .to_string();
    std::fs::write(
        &toml,
        text.replace(&base, "base_url = \"https://www.ville.example/ess/\""),
    )
    .unwrap();
    let server = start(site.path(), "2026-11-23T12:00");
    let poll = |since: Option<u64>| {
        let since = since.map_or(String::new(), |v| v.to_string());
        let r = get(&server, &format!("/__ess/poll?since={since}"));
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()
    };
    let rebuilds = poll(None)["rebuilds"].as_u64().unwrap();
    // A new title: the actor's page first, then every list that shows it.
    let actor = site.path().join("content/acteurs/amap-de-sceaux.md");
    let record = std::fs::read_to_string(&actor).unwrap();
    assert!(record.contains("\ntitle: \""), "{record}");
    let retitled = record.replacen("\ntitle: \"", "\ntitle: \"Une ", 1);
    std::fs::write(&actor, retitled).unwrap();
    wait_for(
        || poll(None)["rebuilds"].as_u64().unwrap() > rebuilds,
        "the rebuild",
    );
    let last = poll(None)["version"].as_u64().unwrap();
    let changed = poll(Some(last - 1))["changed"].to_string();
    // A page that saw the version before (the actor's page, served first) learns that the
    // directory changed: named as the directory's page names itself, under the site's path.
    assert!(changed.contains("\"ess/acteurs/index.html\""), "{changed}");
    assert!(
        get(&server, "/ess/acteurs/").text().contains("Une AMAP"),
        "the directory shows the new title"
    );
}

#[test]
fn quick_edits_of_a_text_are_served_in_order_and_then_as_a_build_makes_them() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    let page = "/acteurs/amap-de-sceaux/";
    let version = |html: &str| {
        html.split_once("Ce circuit court (version ")
            .and_then(|(_, rest)| rest.get(..2)?.parse::<u32>().ok())
            .unwrap_or(0)
    };
    // A reader loads the page all along: the versions it sees never go back.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let stop = std::sync::Arc::clone(&stop);
        let addr = server.addr.clone();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let r = raw(
                    &addr,
                    format!("GET {page} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                        .as_bytes(),
                );
                seen.push(version(&r.text()));
            }
            seen
        })
    };
    // Saves faster than the site is rebuilt: each one's page is served ahead of its rebuild.
    let actor = site.path().join("content/acteurs/amap-de-sceaux.md");
    let text = std::fs::read_to_string(&actor).unwrap();
    assert!(text.contains("Ce circuit court"));
    for n in 1..=12 {
        let edited = format!("Ce circuit court (version {n:02})");
        save_like_an_editor(&actor, &text.replace("Ce circuit court", &edited));
        std::thread::sleep(Duration::from_millis(20));
    }
    // Then its title, at once: through the rebuild, which no page served ahead hides.
    let last = text.replace("Ce circuit court", "Ce circuit court (version 12)");
    assert!(last.contains("\ntitle: \""));
    let retitled = last.replacen("\ntitle: \"", "\ntitle: \"Renommée ", 1);
    save_like_an_editor(&actor, &retitled);
    let last_of_all = |html: &str| version(html) == 12 && html.contains("Renommée AMAP");
    wait_for(
        || last_of_all(&get(&server, page).text()),
        "the last version, with its new title",
    );
    let settled = |s: &Server| {
        let state = |s: &Server| {
            let r = get(s, "/__ess/poll");
            serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["rebuilds"].clone()
        };
        let before = state(s);
        std::thread::sleep(Duration::from_millis(700));
        state(s) == before
    };
    wait_for(|| settled(&server), "the rebuilds to end");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.join().unwrap();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(last_of_all(&get(&server, page).text()));
    // What the page shows of another record comes from the rebuild of that record's edit:
    // nothing served ahead of an earlier edit stands in front of it.
    let forum = site.path().join("content/forum/2016.md");
    let record = std::fs::read_to_string(&forum).unwrap();
    let retitled = record.replacen(
        "title: \"Forum de l'ESS 2016\"",
        "title: \"Forum 2016 renommé\"",
        1,
    );
    assert_ne!(record, retitled);
    std::fs::write(&forum, retitled).unwrap();
    wait_for(
        || get(&server, page).text().contains("Forum 2016 renommé"),
        "the new title on the actor's page",
    );
    assert!(last_of_all(&get(&server, page).text()));
}

/// Saves `text` into `path` as many editors do: a temporary file beside it, renamed over it.
fn save_like_an_editor(path: &std::path::Path, text: &str) {
    let temporary = path.with_file_name("sedrltOV9");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

#[test]
fn the_terminal_shows_the_errors_as_the_overlay_does_and_names_the_edited_file() {
    let site = copy_site(&repo());
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("stderr.txt");
    let server = start_logging(
        site.path(),
        "2026-11-23T12:00",
        std::fs::File::create(&log).unwrap(),
    );
    let state = |s: &Server| {
        serde_json::from_slice::<serde_json::Value>(&get(s, "/__ess/poll").body).unwrap()
    };
    let actor = site.path().join("content/acteurs/amap-de-sceaux.md");
    let text = std::fs::read_to_string(&actor).unwrap();
    save_like_an_editor(&actor, "---\ntitle: AMAP\ntitel: faute\n---\n");
    wait_for(
        || !state(&server)["errors"].as_array().unwrap().is_empty(),
        "the errors",
    );
    let overlay = state(&server)["errors"][0].as_str().unwrap().to_string();
    assert!(
        overlay
            .starts_with("content/acteurs/amap-de-sceaux.md:3:1: erreur: clé inconnue « titel »"),
        "{overlay}"
    );
    wait_for(
        || {
            std::fs::read_to_string(&log)
                .unwrap()
                .contains("reste servie")
        },
        "the terminal's errors",
    );
    let terminal = std::fs::read_to_string(&log).unwrap();
    // The same text, source line and caret included, then what is served.
    assert!(
        terminal.contains(&overlay),
        "terminal:\n{terminal}\noverlay:\n{overlay}"
    );
    assert!(terminal.contains("3 | titel: faute"), "{terminal}");
    assert!(
        terminal.contains("La dernière version correcte reste servie."),
        "{terminal}"
    );

    save_like_an_editor(
        &actor,
        &text.replace("Ce circuit court", "Un circuit réparé"),
    );
    wait_for(
        || std::fs::read_to_string(&log).unwrap().contains("à jour en"),
        "the terminal's update line",
    );
    let terminal = std::fs::read_to_string(&log).unwrap();
    let update = terminal.lines().rfind(|l| l.contains("à jour en")).unwrap();
    assert!(
        update.starts_with("content/acteurs/amap-de-sceaux.md : "),
        "{update}"
    );
    assert!(!terminal.contains("sedrltOV9"), "{terminal}");
    // The site is back, and the terminal says so after the errors it printed.
    let back = terminal.rfind("Plus d'erreur : l'aperçu montre de nouveau le site à jour.");
    assert!(
        back.is_some_and(|b| b > terminal.rfind("reste servie").unwrap()),
        "{terminal}"
    );
}

#[test]
fn a_burst_of_changes_gives_one_rebuild() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    let rebuilds = |s: &Server| {
        serde_json::from_slice::<serde_json::Value>(&get(s, "/__ess/poll").body).unwrap()
            ["rebuilds"]
            .as_u64()
            .unwrap()
    };
    let v1 = rebuilds(&server);
    // As a `git checkout` does: many files written at once.
    for i in 0..300 {
        std::fs::write(
            site.path().join(format!("content/acteurs/lot-{i:03}.md")),
            format!("---\ntitle: \"Acteur {i}\"\nsummary: \"x\"\ndomains: [sport]\n---\n"),
        )
        .unwrap();
    }
    wait_for(
        || get(&server, "/acteurs/lot-299/").status == 200,
        "the last file",
    );
    std::thread::sleep(Duration::from_millis(500));
    let v2 = rebuilds(&server);
    assert_eq!(
        v2 - v1,
        1,
        "{} rebuilds for one burst ({v1} → {v2})",
        v2 - v1
    );
    assert_eq!(get(&server, "/acteurs/lot-150/").status, 200);
}

#[test]
fn ctrl_c_stops_it_cleanly() {
    let site = copy_site(&repo());
    let mut server = start(site.path(), "2026-11-23T12:00");
    assert_eq!(get(&server, "/").status, 200);
    let pid = server.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        !site.path().join("public").exists(),
        "the preview writes nothing"
    );
}

/// One request on a kept-alive connection, as browsers send them: the answer is read by its
/// `Content-Length` and the connection stays open. `None` when no answer came in 5 seconds.
fn keep_alive_get(stream: &mut std::net::TcpStream, addr: &str, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: keep-alive\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if buf.len() >= end + 4 + length {
            return head.split(' ').nth(1).and_then(|s| s.parse().ok());
        }
    }
}

/// A browser opens several connections at once and keeps them open between requests; a
/// connection opened in such a burst must be answered at once, not left waiting for another
/// to close.
#[test]
fn connections_opened_together_are_all_answered() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    let addr = server.addr.clone();
    let mut open = Vec::new();
    let mut unanswered = 0;
    for round in 0..40 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let burst: Vec<_> = (0..8)
            .map(|_| {
                let (addr, barrier) = (addr.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
                    let status = keep_alive_get(&mut stream, &addr, "/acteurs/");
                    (stream, status)
                })
            })
            .collect();
        for handle in burst {
            let (stream, status) = handle.join().unwrap();
            if status != Some(200) {
                unanswered += 1;
            }
            open.push(stream);
        }
        // Connections close now and then, as a browser's do.
        if round % 4 == 3 {
            open.drain(..open.len() / 2);
        }
    }
    assert_eq!(unanswered, 0, "requests left without an answer for 5 s");
}

/// The resident memory of a process, in MiB (Linux).
fn rss_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kib / 1024)
}

/// The first line of what the server answers to `request`, read within 10 s.
fn status_line(addr: &str, request: &[u8]) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(request);
    let mut buf = vec![0; 256];
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn oversized_requests_and_missing_hosts_are_refused_with_bounded_memory() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    let addr = server.addr.clone();
    let host = format!("Host: {addr}\r\n");
    let ok = format!("GET / HTTP/1.1\r\n{host}Connection: close\r\n\r\n");
    assert_eq!(status_line(&addr, ok.as_bytes()), "HTTP/1.1 200 OK");
    // RFC 9112: HTTP/1.1 needs exactly one Host.
    assert_eq!(
        status_line(&addr, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
        "HTTP/1.1 400 Bad Request"
    );
    let two = format!("GET / HTTP/1.1\r\n{host}{host}Connection: close\r\n\r\n");
    assert_eq!(
        status_line(&addr, two.as_bytes()),
        "HTTP/1.1 400 Bad Request"
    );
    // A request line of 20 KiB: 414; headers of 64 KiB: 431.
    let long = format!("GET /{} HTTP/1.1\r\n{host}\r\n", "a".repeat(20 * 1024));
    assert_eq!(
        status_line(&addr, long.as_bytes()),
        "HTTP/1.1 414 URI Too Long"
    );
    let big = format!(
        "GET / HTTP/1.1\r\n{host}X-Grand: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    assert_eq!(
        status_line(&addr, big.as_bytes()),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    // A header of 200 MiB sent as fast as the server reads: cut off after a few KiB.
    let before = rss_mib(server.child.id()).expect("/proc");
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(format!("GET / HTTP/1.1\r\n{host}X-Enorme: ").as_bytes())
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0;
    while sent < 200 && s.write_all(&chunk).is_ok() {
        sent += 1;
    }
    assert!(sent < 200, "the server read a 200 MiB header");
    let after = rss_mib(server.child.id()).expect("/proc");
    assert!(
        after < before + 20,
        "memory grew from {before} to {after} MiB"
    );
    assert_eq!(status_line(&addr, ok.as_bytes()), "HTTP/1.1 200 OK");
}

#[test]
fn live_reload_polls_and_connections_are_capped() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    let addr = server.addr.clone();
    let before = rss_mib(server.child.id()).expect("/proc");
    // 600 connections each waiting on a long poll: the first 64 polls wait, the rest are
    // answered 503 at once (by the poll cap, or the connection cap past 256).
    let state = raw(
        &addr,
        format!("GET /__ess/poll HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    let version: serde_json::Value = serde_json::from_slice(&state.body).unwrap();
    let version = version["version"].as_u64().unwrap();
    let poll = format!("GET /__ess/poll?since={version} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let mut polls = Vec::new();
    for _ in 0..600 {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.write_all(poll.as_bytes()).unwrap();
        polls.push(s);
    }
    std::thread::sleep(Duration::from_millis(1500));
    let (mut waiting, mut busy) = (0, 0);
    for s in &mut polls {
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut buf = vec![0; 512];
        match s.read(&mut buf) {
            Ok(n) if n > 0 => {
                let head = String::from_utf8_lossy(&buf[..n]);
                assert!(head.starts_with("HTTP/1.1 503"), "{head}");
                assert!(head.contains("Retry-After: 1"), "{head}");
                busy += 1;
            }
            _ => waiting += 1,
        }
    }
    assert!(waiting <= 64, "{waiting} polls waiting");
    assert!(busy >= 600 - 64, "{busy} answered at once");
    let threads: usize = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("Threads:")
                .map(|t| t.trim().parse().unwrap())
        })
        .unwrap();
    assert!(threads < 400, "{threads} threads");
    let during = rss_mib(server.child.id()).expect("/proc");
    assert!(
        during < before + 250,
        "memory grew from {before} to {during} MiB"
    );
    drop(polls);
    // The server still answers, once the polls are gone.
    std::thread::sleep(Duration::from_millis(500));
    let ok = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    assert_eq!(status_line(&addr, ok.as_bytes()), "HTTP/1.1 200 OK");
}

#[test]
fn a_preview_shows_a_scheduled_dossier_marked_until_its_time_comes() {
    let site = copy_site(&repo());
    let dossier = |at: &str| {
        std::fs::write(
            site.path().join("content/magazine/a-l-heure.md"),
            format!(
                "---\ntitle: \"Dossier à l'heure\"\ndate: {at}\nkind: dossier\nsummary: \"Publié à son heure.\"\n---\nTexte.\n"
            ),
        )
        .unwrap();
    };
    // A build before its time leaves it out, page, list and feed.
    dossier("2099-01-01T08:00");
    let built = build(site.path(), options("2026-11-23T12:00"));
    assert!(!built.contains_key("magazine/a-l-heure/index.html"));
    assert!(!text(&built, "magazine/index.html").contains("Dossier à l&#39;heure"));
    assert!(!text(&built, "magazine/rss.xml").contains("Dossier à l"));
    // Due in a few seconds: time for the preview to start and show it first (a slow machine
    // included), not so long that the test waits for nothing.
    let paris = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris);
    let at = (paris + chrono::Duration::seconds(12)).naive_local();
    dossier(&at.format("%Y-%m-%dT%H:%M:%S").to_string());
    // No --now: the preview follows the clock.
    let mut child = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["serve", "--port", "0"])
        .current_dir(site.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_string();
    let server = Server {
        child,
        addr,
        editor: None,
    };
    // Before its time: shown, marked on its page and on its card.
    let page = get(&server, "/magazine/a-l-heure/");
    assert_eq!(
        page.status, 200,
        "a scheduled record is shown by the preview"
    );
    let mark = "<p class=\"notice notice-scheduled\" role=\"note\"><strong>Programmé le ";
    assert!(page.text().contains(mark), "{}", page.text());
    let list = get(&server, "/magazine/").text();
    let card = &list[list.find("Dossier à l’heure").expect("on the list")..];
    assert!(card[..card.find("</article>").unwrap()].contains("badge-scheduled"));
    // Its time come: the same page, without the mark.
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let page = get(&server, "/magazine/a-l-heure/");
        if page.status == 200 && !page.text().contains("notice-scheduled") {
            break;
        }
        assert!(Instant::now() < deadline, "never published");
        std::thread::sleep(Duration::from_millis(200));
    }
    let list = get(&server, "/magazine/").text();
    assert!(list.contains("Dossier à l’heure"));
    assert!(!list.contains("badge-scheduled"));
}

/// The record a person is writing (a draft, as `ess-site new` makes it) is in their preview,
/// marked « Brouillon » on its page and its card, never « Publié le »; a build leaves it out.
#[test]
fn a_preview_shows_a_draft_marked_and_a_build_never_does() {
    let site = copy_site(&repo());
    std::fs::write(
        site.path().join("content/magazine/en-cours.md"),
        "---\ntitle: \"Dossier en cours\"\ndate: 2026-11-20\nkind: dossier\ndraft: true\nsummary: \"Pas encore relu.\"\n---\nTexte.\n",
    )
    .unwrap();
    let built = build(site.path(), options("2026-11-23T12:00"));
    assert!(!built.contains_key("magazine/en-cours/index.html"));
    assert!(!text(&built, "magazine/index.html").contains("Dossier en cours"));
    let server = start(site.path(), "2026-11-23T12:00");
    let page = get(&server, "/magazine/en-cours/");
    assert_eq!(page.status, 200, "the preview shows the draft");
    let html = page.text();
    assert!(
        html.contains("<p class=\"notice notice-draft\" role=\"note\"><strong>Brouillon</strong>"),
        "{html}"
    );
    assert!(!html.contains("Publié le"), "a draft is not said published");
    assert!(html.contains("Brouillon daté du"));
    // The preview is no review copy to publish: no banner saying so.
    assert!(!html.contains("banner-draft"));
    let list = get(&server, "/magazine/").text();
    let card = &list[list.find("Dossier en cours").expect("on the list")..];
    assert!(card[..card.find("</article>").unwrap()]
        .contains("<p class=\"badge badge-draft\">Brouillon</p>"));
    // A published record's card carries no such mark.
    assert_eq!(list.matches("badge-draft").count(), 1);
}

/// The peak resident memory of a process, in MiB.
fn peak_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kib / 1024)
}

/// Sends a request with a body as large as it announces (sent until the server stops reading
/// it or `send` bytes went), and returns the status line answered, if any.
fn send_huge(addr: &str, head: &str, send: usize) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(3))).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0;
    while sent < send {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    let mut buf = [0u8; 256];
    match s.read(&mut buf) {
        Ok(n) => String::from_utf8_lossy(&buf[..n])
            .lines()
            .next()
            .unwrap_or("")
            .to_string(),
        Err(_) => String::new(),
    }
}

/// A request body is read up to a cap, or not at all, then the connection closes: whatever a
/// client sends, the preview's memory grows by less than 128 MiB (a 1 GiB POST once took it
/// to 2 GB, read whole before its 405 or 413).
#[test]
fn request_bodies_never_fill_the_previews_memory() {
    let site = copy_site(&repo());
    let server = start_with(
        site.path(),
        "2026-11-23T12:00",
        &["--editor"],
        Stdio::null(),
    );
    let addr = server.addr.clone();
    let editor = server.editor.clone().expect("the editor's address");
    let before = rss_mib(server.child.id()).expect("/proc");
    let gib = 1usize << 30;
    for (head, expected) in [
        (
            format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {gib}\r\n\r\n"),
            "405",
        ),
        (
            format!("PUT /acteurs/ HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\n\r\n40000000\r\n"),
            "405",
        ),
        (
            format!("POST /api/v1 HTTP/1.1\r\nHost: {editor}\r\nOrigin: http://{editor}\r\nContent-Type: application/json\r\nContent-Length: {gib}\r\n\r\n"),
            "413",
        ),
    ] {
        // The editor's proxy has its own address.
        let to = if head.contains("/api/v1") { &editor } else { &addr };
        let answer = send_huge(to, &head, 400 << 20);
        // Answered, or closed while the client was still sending (the server does not read
        // what it will not use): either way the server is fine.
        assert!(answer.is_empty() || answer.contains(expected), "{head}: {answer}");
    }
    let peak = peak_mib(server.child.id()).expect("/proc");
    assert!(
        peak < before + 128,
        "memory went from {before} to a peak of {peak} MiB"
    );
    let ok = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    assert_eq!(status_line(&addr, ok.as_bytes()), "HTTP/1.1 200 OK");
}

/// A request's head has a deadline from its first byte: connections that send it a byte at a
/// time do not hold the preview's connection slots (once at 503 for as long as they trickled).
#[test]
fn slow_request_heads_are_cut_off_and_the_preview_answers_again() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23T12:00");
    let addr = server.addr.clone();
    let mut slow = Vec::new();
    for _ in 0..260 {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        slow.push(s);
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickle = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            while !stop.load(std::sync::atomic::Ordering::Relaxed)
                && start.elapsed() < Duration::from_secs(40)
            {
                for s in &mut slow {
                    let _ = s.write_all(b"X");
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };
    std::thread::sleep(Duration::from_secs(2));
    let ok = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    assert_eq!(
        status_line(&addr, ok.as_bytes()),
        "HTTP/1.1 503 Service Unavailable",
        "the slow connections should fill the preview's slots at first"
    );
    let start = Instant::now();
    loop {
        if status_line(&addr, ok.as_bytes()) == "HTTP/1.1 200 OK" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "still refused while heads trickle in"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    trickle.join().unwrap();
}

/// The preview sends the security headers the documented web server sends
/// (`docs/nginx.conf`), the same Content-Security-Policy on the site's pages and on the
/// editor's: a template that breaks it is seen in the preview, before it goes online.
#[test]
fn the_preview_sends_the_documented_security_headers() {
    let conf = std::fs::read_to_string(repo().join("docs/nginx.conf")).unwrap();
    let csps: Vec<&str> = conf
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("add_header Content-Security-Policy \"")
        })
        .map(|l| l.split('"').next().unwrap())
        .collect();
    assert_eq!(csps.len(), 2, "{csps:?}");
    let site = copy_site(&repo());
    let server = start_with(
        site.path(),
        "2026-11-23T12:00",
        &["--editor"],
        Stdio::null(),
    );
    let editor = Server {
        child: Command::new("true").spawn().unwrap(),
        addr: server.editor.clone().expect("the editor's address"),
        editor: None,
    };
    for (at, path, csp) in [
        (&server, "/", csps[0]),
        (&server, "/acteurs/", csps[0]),
        (&editor, "/admin/", csps[1]),
    ] {
        let r = get(at, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(
            r.header("Content-Security-Policy").as_deref(),
            Some(csp),
            "{path}"
        );
        assert_eq!(
            r.header("X-Content-Type-Options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert!(r.header("Referrer-Policy").is_some(), "{path}");
    }
}

/// A site whose `base_url` has a path is previewed under that path, as it goes online: its
/// root leads there, its pages and their links are under it, nothing answers outside it; the
/// terminal gives the address with the path.
#[test]
fn a_site_under_a_path_is_previewed_under_it() {
    let site = copy_site(&repo());
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text: String = text
        .lines()
        .map(|l| match l.starts_with("base_url") {
            true => "base_url = \"https://ville.gitlab.io/ess/\"".to_string(),
            false => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&toml, text).unwrap();
    let server = start(site.path(), "2026-11-23T12:00");
    let root = get(&server, "/");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("Location").as_deref(), Some("/ess/"));
    let home = get(&server, "/ess/");
    assert_eq!(home.status, 200);
    let page = home.text();
    assert!(
        page.contains("href=\"/ess/acteurs/\""),
        "links under the path"
    );
    assert!(
        !page.contains("href=\"/acteurs/\""),
        "no link outside the path"
    );
    assert_eq!(get(&server, "/ess/acteurs/").status, 200);
    let folder = get(&server, "/ess/acteurs");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("Location").as_deref(), Some("/ess/acteurs/"));
    let outside = get(&server, "/acteurs/");
    assert_eq!(outside.status, 404, "nothing outside the path");
    assert!(
        outside.text().contains("href=\"/ess/"),
        "the 404 page links under the path"
    );
    // The search index, which the preview makes on a thread of its own, under the path too.
    wait_for(
        || get(&server, "/ess/pagefind/pagefind.js").status == 200,
        "the search index under the path",
    );
}

/// `--bind 0.0.0.0`: the comms team looks at the preview on a phone of the same network. The
/// terminal gives the machine's own addresses; a request that names one of them is answered,
/// one that names any other host (DNS rebinding) still is not.
#[test]
fn a_preview_on_every_address_answers_the_machines_own_addresses() {
    use std::io::{BufRead, BufReader};
    let site = copy_site(&repo());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args([
            "serve",
            "--port",
            "0",
            "--bind",
            "0.0.0.0",
            "--now",
            "2026-11-23T12:00",
        ])
        .current_dir(site.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let _child = Kill(child);
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).unwrap();
    out.read_line(&mut second).unwrap();
    let port = first
        .split("http://0.0.0.0:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("the address listened on");
    let phone = second
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address for a phone: {first}{second}"));
    assert!(
        second.starts_with("Sur un téléphone du même réseau"),
        "{second}"
    );
    let addr = format!("127.0.0.1:{port}");
    let ask = |host: &str| {
        raw(
            &addr,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .status
    };
    assert_eq!(ask(phone), 200, "the machine's own address {phone}");
    assert_eq!(ask(&format!("ess.attaquant.example:{port}")), 403);
    assert_eq!(
        ask(&format!("203.0.113.9:{port}")),
        403,
        "an address of another machine"
    );
}

/// A site too large to be built before the preview answers (`ESS_SITE_FIRST_WAIT_MS=0` makes
/// the preview answer as soon as the site is planned): each page asked for while the first
/// build runs is made alone, with the build's bytes, and no open page reloads at its end.
#[test]
fn pages_asked_for_during_the_first_build_are_made_alone_as_the_build_makes_them() {
    let site = copy_site(&repo());
    let actors = site.path().join("content/acteurs");
    let model = std::fs::read_to_string(actors.join("amap-de-sceaux.md")).unwrap();
    for n in 0..1500 {
        let text = model.replacen(
            "title: \"AMAP de Sceaux\"",
            &format!("title: \"AMAP n° {n}\""),
            1,
        );
        std::fs::write(actors.join(format!("amap-{n}.md")), text).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["serve", "--port", "0", "--now", "2026-11-23T12:00"])
        .env("ESS_SITE_FIRST_WAIT_MS", "0")
        .current_dir(site.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ess-site serve");
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).unwrap();
    assert!(line.contains("faite à la demande"), "{line}");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("address printed")
        .to_string();
    let server = Server {
        child,
        addr,
        editor: None,
    };
    let poll = |since: &str| {
        let r = get(&server, &format!("/__ess/poll?since={since}"));
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()
    };
    let paths = [
        "/acteurs/amap-700/",
        "/",
        "/acteurs/",
        "/acteurs/amap-de-sceaux/",
    ];
    let asked: Vec<Response> = paths.iter().map(|p| get(&server, p)).collect();
    let home = asked[1].text();
    let at = home.find("href=\"/style.").expect("a stylesheet") + 6;
    let css_path = home[at..at + home[at..].find('"').unwrap()].to_string();
    let css = get(&server, &css_path);
    assert_eq!(
        poll("")["version"],
        0,
        "the pages were asked for while the first build ran (1,500 actors)"
    );
    for (path, r) in paths.iter().zip(&asked) {
        assert_eq!(r.status, 200, "{path}");
    }
    assert!(asked[0].text().contains("AMAP n° 700"));
    assert_eq!(css.status, 200);
    assert_eq!(get(&server, "/acteurs/pas-un-acteur/").status, 404);
    wait_for(|| poll("")["version"] == 1, "the end of the first build");
    // Nothing to reload: every page made alone is what the build made.
    assert_eq!(poll("0")["changed"], serde_json::json!([]));
    for (path, before) in paths.iter().zip(&asked) {
        assert_eq!(get(&server, path).body, before.body, "{path}");
    }
    assert_eq!(get(&server, &css_path).body, css.body);
}
