//! The preview's web server logic: from a request line and headers to a response, served from
//! memory. No path can leave the built site: the site is a map of paths, not a folder.

use crate::pipeline::first::FirstPages;
use crate::pipeline::incremental::CachedOutput;
use std::collections::HashMap;

/// A response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    fn text(status: u16, message: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            message.as_bytes().to_vec(),
        )
    }
}

/// The script every served HTML page loads: it waits for a new version of the site and
/// reloads the page (or swaps the stylesheet), and shows the content errors in an overlay.
pub const LIVE_JS: &str = include_str!("live.js");

/// The `Content-Type` of a path, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "xml" => {
            if path.ends_with("rss.xml") {
                "application/rss+xml; charset=utf-8"
            } else {
                "application/xml; charset=utf-8"
            }
        }
        "txt" => "text/plain; charset=utf-8",
        "yml" | "yaml" => "text/yaml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Decodes a request path: percent escapes, then refuses anything that is not a plain path of
/// the site (`..`, `.` segments, backslashes, NUL, control characters, over-long paths).
pub fn clean_path(raw: &str) -> Option<String> {
    if raw.len() > 2048 || !raw.starts_with('/') || raw.starts_with("//") {
        return None;
    }
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = path.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    if decoded.chars().any(|c| c.is_control() || c == '\\') || decoded.starts_with("//") {
        return None;
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return None;
    }
    Some(decoded)
}

/// Whether a `Host` header names this server (a DNS-rebinding page names another host): a
/// loopback name, the address it listens on, or one of `own` (the machine's addresses, when it
/// listens on all of them). Never a name that resolves here.
pub fn host_allowed(host: Option<&str>, port: u16, bind: &str, own: &[String]) -> bool {
    let Some(host) = host else { return true }; // HTTP/1.0 clients send none
    let host = host.trim().to_ascii_lowercase();
    let allowed = ["127.0.0.1", "localhost", "[::1]", bind];
    allowed
        .iter()
        .copied()
        .chain(own.iter().map(String::as_str))
        .any(|h| host == h || host == format!("{h}:{port}"))
}

/// The files served: the last build's, and over them the pages of an edit served before the
/// rebuild that follows it; while the first build runs, its pages made when asked for.
#[derive(Clone, Copy)]
pub struct Served<'a> {
    pub built: &'a HashMap<String, CachedOutput>,
    pub ahead: &'a HashMap<String, CachedOutput>,
    pub first: Option<&'a FirstPages>,
}

impl Served<'_> {
    fn get(&self, key: &str) -> Option<CachedOutput> {
        match self.ahead.get(key).or_else(|| self.built.get(key)) {
            Some(out) => Some(out.clone()),
            None => self.first?.get(key),
        }
    }

    fn is_empty(&self) -> bool {
        self.built.is_empty() && self.first.is_none()
    }
}

/// Serves a GET or HEAD of `raw_path` from the built site.
pub fn serve_file(
    outputs: Served,
    raw_path: &str,
    if_none_match: Option<&str>,
    base: &str,
) -> Reply {
    let Some(path) = clean_path(raw_path) else {
        return Reply::text(400, "Requête refusée : chemin invalide.");
    };
    // A site published under a path (`base_url = "https://ville.gitlab.io/ess/"`) is previewed
    // under it too: what the preview shows is what goes online. Its root leads there.
    let path = match path.strip_prefix(base) {
        _ if base.is_empty() || path.starts_with("/__ess/") => path,
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ if path == "/" || path == base => {
            let mut r = Reply::text(302, "");
            r.headers.push(("Location".into(), format!("{base}/")));
            return r;
        }
        // Outside the site's path: nothing is there once online either.
        _ => return not_found(outputs),
    };
    if path == "/__ess/live.js" {
        let mut r = Reply::new(
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        );
        r.headers.push(("Cache-Control".into(), "no-store".into()));
        return r;
    }
    if outputs.is_empty() {
        // No good build yet: a page that loads the live script, which shows the errors and
        // reloads once they are fixed.
        let page = b"<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Erreurs dans le contenu</title></head><body><p>Le site n'a pas encore pu \xc3\xaatre construit.</p></body></html>";
        let mut r = Reply::new(503, "text/html; charset=utf-8", inject(page));
        r.headers.push(("Cache-Control".into(), "no-store".into()));
        return r;
    }
    let key = path.trim_start_matches('/');
    let key = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    };
    let Some(out) = outputs.get(&key) else {
        // A folder asked without its final slash: redirect, as a web server does.
        if outputs.get(&format!("{key}/index.html")).is_some() {
            let mut r = Reply::text(301, "");
            r.headers
                .push(("Location".into(), format!("{base}{path}/")));
            return r;
        }
        return not_found(outputs);
    };
    let etag = format!(
        "\"{:016x}\"",
        out.fingerprint ^ crate::model::text_hash(&[LIVE_JS])
    );
    if if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        let mut r = Reply::text(304, "");
        r.body.clear();
        r.headers = vec![("ETag".into(), etag)];
        return r;
    }
    let ctype = content_type(&key);
    // The editor is not reloaded by a save: it would lose what is being typed.
    let body = if ctype.starts_with("text/html") && !key.starts_with("admin/") {
        inject(&out.bytes)
    } else {
        out.bytes.to_vec()
    };
    let mut r = Reply::new(200, ctype, body);
    r.headers.push(("ETag".into(), etag));
    r.headers.push(("Cache-Control".into(), "no-cache".into()));
    r
}

/// The site's « page introuvable », with the status a web server gives it.
fn not_found(outputs: Served) -> Reply {
    let body = outputs
        .get("404.html")
        .map(|o| inject(&o.bytes))
        .unwrap_or_else(|| b"Page introuvable".to_vec());
    let mut r = Reply::new(404, "text/html; charset=utf-8", body);
    r.headers.push(("Cache-Control".into(), "no-store".into()));
    r
}

/// Adds the live-reload script to an HTML page (served pages only, never built files).
fn inject(html: &[u8]) -> Vec<u8> {
    const TAG: &[u8] = b"<script src=\"/__ess/live.js\" defer></script>";
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(TAG);
    out.extend_from_slice(&html[at..]);
    out
}

/// The security headers the documented web server sends (`docs/nginx.conf`), so that the
/// preview is what the public meets: a template or a script that breaks the
/// Content-Security-Policy is seen before it goes online. The policy names the site's map tile
/// server and video hosts. For the editor (`/admin/`), its own policy (the editor's library
/// evaluates code and styles inline), as nginx sends it there.
pub fn security_headers(
    config: Option<&crate::model::config::Config>,
    editor: bool,
) -> Vec<(String, String)> {
    let csp = if editor {
        "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self' https://gitlab.com; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self' https://gitlab.com; frame-ancestors 'none'".to_string()
    } else {
        let tiles = config
            .map(|c| c.map_tiles.as_str())
            .unwrap_or("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
        let tiles_origin = tiles
            .split_once("://")
            .map(|(scheme, rest)| {
                let host = rest.split('/').next().unwrap_or("").replace("{s}", "*");
                format!("{scheme}://{host}")
            })
            .unwrap_or_default();
        let frames: Vec<String> = config
            .map(|c| {
                c.video_hosts
                    .iter()
                    .map(|h| format!("https://{h}"))
                    .collect()
            })
            .unwrap_or_default();
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: {tiles_origin}; frame-src {}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
            if frames.is_empty() { "'none'".to_string() } else { frames.join(" ") }
        )
    };
    let mut headers = vec![
        ("Content-Security-Policy".to_string(), csp),
        ("X-Content-Type-Options".to_string(), "nosniff".to_string()),
        (
            "Referrer-Policy".to_string(),
            "strict-origin-when-cross-origin".to_string(),
        ),
    ];
    if editor {
        headers.push(("X-Robots-Tag".to_string(), "noindex".to_string()));
    } else {
        headers.push((
            "Permissions-Policy".to_string(),
            "camera=(), microphone=(), geolocation=()".to_string(),
        ));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_site_are_refused() {
        for bad in [
            "/../site.toml",
            "/%2e%2e/site.toml",
            "/..%2fsite.toml",
            "/a/%2E%2E/%2E%2E/x",
            "//etc/passwd",
            "/a%00b",
            "/a\\b",
            "/%5c..%5cx",
            "relative",
            "/%zz",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
        assert_eq!(
            clean_path("/acteurs/up-sceaux/?x=1").as_deref(),
            Some("/acteurs/up-sceaux/")
        );
        assert_eq!(clean_path("/caf%C3%A9/").as_deref(), Some("/café/"));
    }

    #[test]
    fn hosts() {
        assert!(host_allowed(Some("127.0.0.1:1111"), 1111, "127.0.0.1", &[]));
        assert!(host_allowed(Some("localhost:1111"), 1111, "127.0.0.1", &[]));
        assert!(!host_allowed(
            Some("evil.example:1111"),
            1111,
            "127.0.0.1",
            &[]
        ));
        // Listening on every address: the machine's own, typed on a phone.
        let own = ["192.168.1.20".to_string(), "[fd00::2]".to_string()];
        assert!(host_allowed(
            Some("192.168.1.20:1111"),
            1111,
            "0.0.0.0",
            &own
        ));
        assert!(host_allowed(Some("[fd00::2]:1111"), 1111, "::", &own));
        assert!(!host_allowed(
            Some("192.168.1.21:1111"),
            1111,
            "0.0.0.0",
            &own
        ));
        assert!(!host_allowed(
            Some("evil.example:1111"),
            1111,
            "0.0.0.0",
            &own
        ));
    }
}
