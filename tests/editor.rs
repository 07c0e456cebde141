//! The web editor: what a build publishes at `/admin/` with `[editor]`, and the local proxy of
//! `ess-site serve --editor` spoken to over HTTP — what it writes, and everything it refuses.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};

const GITLAB: &str = "\n[editor]\nbackend = \"gitlab\"\nrepo = \"ville-de-sceaux/ess-site\"\napp_id = \"0123456789abcdef\"\nbase_url = \"https://gitlab.sceaux.fr/\"\n";

fn with_editor(from: &Path, section: &str) -> tempfile::TempDir {
    let site = copy_site(from);
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}{section}")).unwrap();
    site
}

fn yaml(text: &str) -> serde_yaml::Value {
    serde_yaml::from_str(text).expect("config.yml is YAML")
}

#[test]
fn a_build_publishes_the_editor_only_with_editor_in_site_toml() {
    let plain = build(&repo(), options("2026-11-23"));
    assert!(!plain.keys().any(|k| k.starts_with("admin/")));

    let site = with_editor(&repo(), GITLAB);
    let files = build(site.path(), options("2026-11-23"));
    let page = text(&files, "admin/index.html");
    assert!(page.contains("<html lang=\"fr\">") && page.contains("noindex"));
    assert!(page.contains("src=\"/admin/decap-cms-3.16.3/decap-cms.js\""));
    assert!(files.contains_key("admin/decap-cms-3.16.3/decap-cms.js"));
    assert!(files.contains_key("admin/decap-cms-3.16.3/LICENSE"));
    let config = yaml(text(&files, "admin/config.yml"));
    let backend = &config["backend"];
    assert_eq!(backend["name"], "gitlab");
    assert_eq!(backend["auth_type"], "pkce");
    assert_eq!(backend["app_id"], "0123456789abcdef");
    assert_eq!(backend["repo"], "ville-de-sceaux/ess-site");
    assert_eq!(backend["branch"], "main");
    assert_eq!(backend["api_root"], "https://gitlab.sceaux.fr/api/v4");
    assert_eq!(config["locale"], "fr");
    assert_eq!(config["media_folder"], "static/images");
    assert_eq!(config["public_folder"], "/images");
    // Not a page of the site: no sitemap entry, no search record.
    assert!(!text(&files, "sitemap.xml").contains("/admin/"));

    let collections = config["collections"].as_sequence().unwrap();
    let names: Vec<&str> = collections
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "acteurs",
            "forum",
            "conferences",
            "magazine",
            "ressources",
            "ressources-yaml",
            "pages",
            "reglages"
        ]
    );
    // A record written as a whole YAML file is listed too: its own collection, same fields.
    let yaml_records = collections
        .iter()
        .find(|c| c["name"] == "ressources-yaml")
        .unwrap();
    assert_eq!(yaml_records["folder"], "content/ressources");
    assert_eq!(yaml_records["extension"], "yaml");
    assert_eq!(yaml_records["format"], "yaml");
    assert_eq!(yaml_records["create"], false);
    let field = |collection: &str, name: &str| -> serde_yaml::Value {
        let c = collections
            .iter()
            .find(|c| c["name"] == collection)
            .unwrap();
        c["fields"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{collection}.{name}"))
            .clone()
    };
    let actors = collections.iter().find(|c| c["name"] == "acteurs").unwrap();
    assert_eq!(actors["folder"], "content/acteurs");
    assert_eq!(actors["format"], "frontmatter");
    // The site's own domains, with their labels; the model's legal forms.
    let domains = field("acteurs", "domains");
    assert_eq!(domains["widget"], "select");
    assert_eq!(domains["multiple"], true);
    let labels: Vec<&str> = domains["options"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"Participation et initiatives citoyennes"),
        "{labels:?}"
    );
    let legal = field("acteurs", "legal_form");
    assert!(legal["options"]
        .as_sequence()
        .unwrap()
        .iter()
        .any(|o| o["value"] == "entreprise-esus" && o["label"] == "Entreprise ESUS"));
    assert_eq!(legal["required"], false);
    assert!(
        field("acteurs", "title").get("required").is_none(),
        "a title is required"
    );
    // References to actors are relations to the actors' collection, by slug.
    for (collection, name) in [
        ("forum", "exhibitors"),
        ("forum", "partners"),
        ("magazine", "actors"),
    ] {
        let f = field(collection, name);
        assert_eq!(f["widget"], "relation", "{collection}.{name}");
        assert_eq!(f["collection"], "acteurs");
        assert_eq!(f["value_field"], "{{slug}}");
    }
    let program = field("forum", "program");
    assert_eq!(program["widget"], "list");
    let speakers = program["fields"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "speakers")
        .unwrap();
    assert!(speakers["fields"]
        .as_sequence()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "actor" && f["widget"] == "relation"));
    // Dates in the formats the model reads; booleans for draft and private.
    assert_eq!(field("forum", "date")["format"], "YYYY-MM-DD");
    assert_eq!(field("conferences", "date")["format"], "YYYY-MM-DDTHH:mm");
    assert_eq!(field("ressources", "private")["widget"], "boolean");
    assert_eq!(field("acteurs", "draft")["widget"], "boolean");
    assert_eq!(field("acteurs", "logo")["widget"], "image");
    // Hints in the team's words, the scaffold's where they need no YAML.
    assert!(field("acteurs", "hours")["hint"]
        .as_str()
        .unwrap()
        .contains("du mardi au samedi"));
    assert!(field("acteurs", "email")["hint"]
        .as_str()
        .unwrap()
        .contains("courriel de contact"));
}

#[test]
fn a_site_of_its_own_domains_gets_them_in_the_editor() {
    let site = with_editor(&repo(), GITLAB);
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = if text.contains("\n[domains]\n") {
        text.replace(
            "\n[domains]\n",
            "\n[domains]\npatrimoine = \"Culture et patrimoine\"\n",
        )
    } else {
        format!("{text}\n[domains]\npatrimoine = \"Culture et patrimoine\"\n")
    };
    std::fs::write(&toml, text).unwrap();
    let files = build(site.path(), options("2026-11-23"));
    assert!(common::text(&files, "admin/config.yml").contains("Culture et patrimoine"));
}

#[test]
fn the_editor_files_hold_nothing_of_private_or_draft_records() {
    let site = with_editor(&fixture("visibility"), GITLAB);
    let files = build(site.path(), options("2026-11-23"));
    assert!(files.contains_key("admin/config.yml"));
    for (path, bytes) in files.iter().filter(|(p, _)| p.starts_with("admin/")) {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("CANARY"), "{path}");
    }
}

#[test]
fn a_wrong_editor_section_is_an_error_with_its_line_and_a_hint() {
    for (section, message) in [
        (
            "\n[editor]\nbackend = \"gitea\"\nrepo = \"a/b\"\n",
            "forge inconnue « gitea »",
        ),
        (
            "\n[editor]\nbackend = \"github\"\nrepo = \"ess-site\"\n",
            "dépôt « ess-site » illisible",
        ),
        (
            "\n[editor]\nbackend = \"gitlab\"\nrepo = \"a/b\"\n",
            "identifiant de son application",
        ),
        (
            "\n[editor]\nbackend = \"gitlab\"\nrepo = \"a/b\"\napp = \"x\"\n",
            "clé inconnue « app »",
        ),
    ] {
        let site = with_editor(&repo(), section);
        let out = Command::new(env!("CARGO_BIN_EXE_ess-site"))
            .args(["check", "--now", "2026-11-23"])
            .current_dir(site.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(stderr.contains(message), "{stderr}");
        assert!(stderr.contains("site.toml:"), "{stderr}");
    }
}

/// A POST of `body` to the proxy, with `headers` (each ending in CRLF).
/// The editor's own address (`serve --editor` prints it on its second line).
fn editor_addr(server: &Server) -> &str {
    server
        .editor
        .as_deref()
        .expect("serve --editor prints the editor's address")
}

fn call(server: &Server, headers: &str, body: &[u8]) -> Response {
    let mut request = format!(
        "POST /api/v1 HTTP/1.1\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    raw(editor_addr(server), &request)
}

fn editor_call(server: &Server, json: &serde_json::Value) -> Response {
    let headers = format!(
        "Host: {}\r\nOrigin: http://{}\r\nContent-Type: application/json; charset=utf-8\r\n",
        editor_addr(server),
        editor_addr(server)
    );
    call(server, &headers, json.to_string().as_bytes())
}

fn persist(path: &str, raw: &str) -> serde_json::Value {
    serde_json::json!({
        "action": "persistEntry",
        "params": {"branch": "main", "dataFiles": [{"path": path, "raw": raw, "slug": "x"}],
            "assets": [], "options": {"commitMessage": "m", "useWorkflow": false, "status": ""}}
    })
}

fn wait_for(mut condition: impl FnMut() -> bool, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !condition() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn serve_editor_reads_and_writes_records_and_images_and_the_preview_shows_them() {
    let site = copy_site(&repo());
    let server = start_with(site.path(), "2026-11-23", &["--editor"], Stdio::null());
    let page = raw(
        editor_addr(&server),
        format!(
            "GET /admin/ HTTP/1.0\r\nHost: {}\r\nConnection: close\r\n\r\n",
            editor_addr(&server)
        )
        .as_bytes(),
    );
    assert_eq!(page.status, 200);
    // The editor is not reloaded by the preview's script when a save rebuilds the site.
    assert!(!page.text().contains("/__ess/live.js"));
    let config = raw(
        editor_addr(&server),
        format!(
            "GET /admin/config.yml HTTP/1.0\r\nHost: {}\r\nConnection: close\r\n\r\n",
            editor_addr(&server)
        )
        .as_bytes(),
    );
    let config = yaml(&config.text());
    assert_eq!(config["backend"]["name"], "proxy");
    assert_eq!(config["backend"]["proxy_url"], "/api/v1");

    let info = editor_call(
        &server,
        &serde_json::json!({"action": "info", "params": {}}),
    );
    assert_eq!(info.status, 200, "{}", info.text());
    let listed = editor_call(
        &server,
        &serde_json::json!({"action": "entriesByFolder",
            "params": {"branch": "main", "folder": "content/acteurs", "extension": "md", "depth": 1}}),
    );
    let listed: serde_json::Value = serde_json::from_slice(&listed.body).unwrap();
    let entries = listed.as_array().unwrap();
    assert!(entries.len() >= 10);
    assert!(entries
        .iter()
        .any(|e| e["file"]["path"] == "content/acteurs/up-sceaux.md"
            && e["data"].as_str().unwrap().contains("title:")));

    let record = "---\ntitle: La Recyclerie des Blagis\nlegal_form: association\ndomains:\n  - habitat\naddress: 3 rue des Blagis, 92330 Sceaux\nclosed: \"\"\nsince: \"\"\n---\nUne recyclerie de quartier.\n";
    let saved = editor_call(
        &server,
        &persist("content/acteurs/recyclerie-des-blagis.md", record),
    );
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(
        std::fs::read_to_string(site.path().join("content/acteurs/recyclerie-des-blagis.md"))
            .unwrap(),
        record
    );
    wait_for(
        || {
            let r = raw(
                &server.addr,
                format!("GET /acteurs/recyclerie-des-blagis/ HTTP/1.0\r\nHost: {}\r\nConnection: close\r\n\r\n", server.addr).as_bytes(),
            );
            r.status == 200 && r.text().contains("La Recyclerie des Blagis")
        },
        "the saved record in the preview",
    );
    // What the editor writes for cleared fields (`""`) passes check.
    let check = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["check", "--now", "2026-11-23"])
        .current_dir(site.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let media = editor_call(
        &server,
        &serde_json::json!({"action": "persistMedia", "params": {"branch": "main",
            "asset": {"path": "static/images/point.png", "content": png, "encoding": "base64"},
            "options": {"commitMessage": "m"}}}),
    );
    assert_eq!(media.status, 200, "{}", media.text());
    assert!(site.path().join("static/images/point.png").is_file());
    let gone = editor_call(
        &server,
        &serde_json::json!({"action": "deleteFile", "params": {"branch": "main",
            "path": "content/acteurs/recyclerie-des-blagis.md", "options": {"commitMessage": "m"}}}),
    );
    assert_eq!(gone.status, 200);
    assert!(!site
        .path()
        .join("content/acteurs/recyclerie-des-blagis.md")
        .exists());
}

#[test]
fn serve_editor_refuses_paths_outside_content_and_images_links_huge_bodies_and_other_callers() {
    let site = copy_site(&repo());
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: secret\n---\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path(), site.path().join("content/lien")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            site.path().join("content/acteurs/lien.md"),
        )
        .unwrap();
    }
    let server = start_with(site.path(), "2026-11-23", &["--editor"], Stdio::null());
    let site_toml = std::fs::read(site.path().join("site.toml")).unwrap();
    for path in [
        "site.toml",
        "../evil.md",
        "content/../site.toml",
        "content/acteurs/../../site.toml",
        "/etc/passwd",
        "/tmp/evil.md",
        "content\\acteurs\\x.md",
        "content/./acteurs/x.md",
        "content/.git/config.md",
        "templates/base.html",
        "static/style.css",
        "static/images/../../site.toml",
        "content/acteurs/x.html",
        "content/acteurs/x.md\u{0}.png",
        "content/lien/secret.md",
        "content/acteurs/lien.md",
        "content",
    ] {
        let r = editor_call(&server, &persist(path, "---\ntitle: x\n---\n"));
        assert!(r.status == 400, "{path}: {} {}", r.status, r.text());
        let read = editor_call(
            &server,
            &serde_json::json!({"action": "getEntry", "params": {"branch": "main", "path": path}}),
        );
        let data = serde_json::from_slice::<serde_json::Value>(&read.body)
            .map(|v| v["data"].clone())
            .unwrap_or_default();
        assert!(
            read.status == 400 || data.is_null(),
            "{path}: read {}",
            read.text()
        );
    }
    assert_eq!(
        std::fs::read(site.path().join("site.toml")).unwrap(),
        site_toml
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("secret.md")).unwrap(),
        "---\ntitle: secret\n---\n"
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    // An image may only go to the image folder.
    let r = editor_call(
        &server,
        &serde_json::json!({"action": "persistMedia", "params": {"branch": "main",
            "asset": {"path": "content/acteurs/x.md", "content": "eA==", "encoding": "base64"},
            "options": {"commitMessage": "m"}}}),
    );
    assert_eq!(r.status, 400);

    // Bodies beyond the limit are refused before being read whole; a record beyond
    // max_file_size_kib too.
    let huge = call(
        &server,
        &format!(
            "Host: {}\r\nContent-Type: application/json\r\n",
            editor_addr(&server)
        ),
        &vec![b' '; (48 << 20) + 1],
    );
    assert_eq!(huge.status, 413);
    let big = editor_call(
        &server,
        &persist("content/acteurs/gros.md", &"x".repeat(5 << 20)),
    );
    assert_eq!(big.status, 413, "{}", big.text());
    assert!(!site.path().join("content/acteurs/gros.md").exists());

    // Only this machine's own pages may call it.
    let body = persist("content/acteurs/intrus.md", "---\ntitle: intrus\n---\n").to_string();
    for headers in [
        "Host: evil.example\r\nContent-Type: application/json\r\n".to_string(),
        format!(
            "Host: evil.example:{}\r\nContent-Type: application/json\r\n",
            editor_addr(&server).split(':').nth(1).unwrap()
        ),
        format!(
            "Host: {}\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\n",
            editor_addr(&server)
        ),
        format!(
            "Host: {}\r\nContent-Type: text/plain\r\n",
            editor_addr(&server)
        ),
        format!("Host: {}\r\n", editor_addr(&server)),
        format!(
            "Host: {}\r\nSec-Fetch-Site: cross-site\r\nContent-Type: application/json\r\n",
            editor_addr(&server)
        ),
    ] {
        let r = call(&server, &headers, body.as_bytes());
        assert_eq!(r.status, 403, "{headers}: {}", r.text());
    }
    assert!(!site.path().join("content/acteurs/intrus.md").exists());
    let get = raw(
        editor_addr(&server),
        format!(
            "GET /api/v1 HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            editor_addr(&server)
        )
        .as_bytes(),
    );
    assert_eq!(get.status, 405);
    let unknown = editor_call(
        &server,
        &serde_json::json!({"action": "runShell", "params": {}}),
    );
    assert_eq!(unknown.status, 422);
}

#[test]
fn serve_without_editor_has_no_proxy_and_editor_refuses_a_public_address() {
    let site = copy_site(&repo());
    let server = start(site.path(), "2026-11-23");
    let body = persist("content/acteurs/x.md", "---\ntitle: x\n---\n").to_string();
    let headers = format!(
        "Host: {}\r\nOrigin: http://{}\r\nContent-Type: application/json; charset=utf-8\r\n",
        server.addr, server.addr
    );
    let mut request = format!(
        "POST /api/v1 HTTP/1.1\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body.as_bytes());
    let r = raw(&server.addr, &request);
    assert_eq!(r.status, 405);
    assert!(!site.path().join("content/acteurs/x.md").exists());
    drop(server);
    let out = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["serve", "--editor", "--bind", "0.0.0.0", "--port", "0"])
        .current_dir(site.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--editor"));
}

/// The editor has an origin of its own: the preview's address answers no call to the proxy
/// (a script of a preview page — a hostile picture or template — cannot write files through
/// it, whatever it sends), and sends `/admin/` to the editor's address; the editor's address
/// serves the editor and its proxy only.
#[test]
fn a_preview_page_cannot_reach_the_editor() {
    let site = copy_site(&repo());
    let server = start_with(site.path(), "2026-11-23", &["--editor"], Stdio::null());
    let editor = editor_addr(&server).to_string();
    assert_ne!(editor, server.addr);
    let body = persist("content/pages/pwned.md", "---\ntitle: pwned\n---\n").to_string();
    // Every way a page of the preview could call it: same origin, no origin, the editor's
    // origin claimed.
    for origin in [
        format!("Origin: http://{}\r\n", server.addr),
        String::new(),
        format!("Origin: http://{editor}\r\n"),
    ] {
        let headers = format!(
            "Host: {}\r\n{origin}Content-Type: application/json\r\nSec-Fetch-Site: same-origin\r\n",
            server.addr
        );
        let mut request = format!(
            "POST /api/v1 HTTP/1.1\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body.as_bytes());
        let r = raw(&server.addr, &request);
        assert_eq!(r.status, 404, "{origin}: {}", r.text());
    }
    assert!(!site.path().join("content/pages/pwned.md").exists());
    // A call from the preview's origin to the editor's address is refused too.
    let headers = format!(
        "Host: {editor}\r\nOrigin: http://{}\r\nContent-Type: application/json\r\n",
        server.addr
    );
    let r = call(&server, &headers, body.as_bytes());
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(!site.path().join("content/pages/pwned.md").exists());
    // /admin/ on the preview leads to the editor's address; the editor's serves no page of the
    // site: it sends a page asked of it (« Voir en direct ») to the preview, and answers
    // nothing else.
    let moved = raw(
        &server.addr,
        format!(
            "GET /admin/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(moved.status, 302);
    assert_eq!(
        moved.header("Location").as_deref(),
        Some(format!("http://{editor}/admin/").as_str())
    );
    let page = raw(
        &editor,
        format!("GET /acteurs/ HTTP/1.1\r\nHost: {editor}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(page.status, 302);
    assert_eq!(
        page.header("Location").as_deref(),
        Some(format!("http://{}/acteurs/", server.addr).as_str())
    );
    assert!(
        page.body.is_empty(),
        "the editor's address shows no page itself"
    );
    let post = raw(
        &editor,
        format!("POST /acteurs/ HTTP/1.1\r\nHost: {editor}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(post.status, 404);
}
