//! Answering requests: the preview's pages, the live-reload polls, and with `--editor` the
//! editor and its proxy at an address of their own (who may call the proxy, its bounded
//! request body); the listening sockets.

use super::http::{self, Reply};
use super::proxy::{Proxy, MAX_BODY};
use super::state::*;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Answers each request on a thread of its own, up to `MAX_HANDLERS` at once.
pub(super) fn answer(
    server: &tiny_http::Server,
    shared: &Arc<Shared>,
    port: u16,
    bind: &str,
    role: Role,
) {
    for request in server.incoming_requests() {
        if shared.handlers.load(Ordering::SeqCst) >= MAX_HANDLERS {
            respond(request, busy(), false);
            continue;
        }
        let shared = Arc::clone(shared);
        let bind = bind.to_string();
        std::thread::spawn(move || {
            let Some(_counted) = Counted::enter(&shared.handlers, MAX_HANDLERS) else {
                respond(request, busy(), false);
                return;
            };
            handle(request, &shared, port, &bind, role)
        });
    }
}

/// Why the preview could not listen.
pub(super) enum Listen {
    /// `--bind` names no address of this machine (a name that does not resolve).
    Address,
    Socket(std::io::Error),
}

/// A listening socket with TCP_NODELAY, which the connections it accepts inherit: without it,
/// a response's headers and body wait on the client's delayed acknowledgement (40 ms).
pub(super) fn listen(bind: &str, port: u16) -> Result<tiny_http::Server, Listen> {
    use socket2::{Domain, Socket, Type};
    let addr: std::net::SocketAddr = match bind.parse::<std::net::IpAddr>() {
        Ok(ip) => std::net::SocketAddr::new(ip, port),
        Err(_) => std::net::ToSocketAddrs::to_socket_addrs(&(bind, port))
            .ok()
            .and_then(|mut a| a.next())
            .ok_or(Listen::Address)?,
    };
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, None).map_err(Listen::Socket)?;
    socket.set_reuse_address(true).map_err(Listen::Socket)?;
    socket.set_tcp_nodelay(true).map_err(Listen::Socket)?;
    socket.bind(&addr.into()).map_err(Listen::Socket)?;
    socket.listen(1024).map_err(Listen::Socket)?;
    tiny_http::Server::from_listener(std::net::TcpListener::from(socket), None)
        .map_err(|e| Listen::Socket(std::io::Error::other(e.to_string())))
}

/// Answers one request, at the preview's address or the editor's.
fn handle(mut request: tiny_http::Request, shared: &Shared, port: u16, bind: &str, role: Role) {
    let header = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_string())
    };
    let host = header("Host");
    let hosts = request
        .headers()
        .iter()
        .filter(|h| h.field.as_str().as_str().eq_ignore_ascii_case("Host"))
        .count();
    let method = request.method().clone();
    let url = request.url().to_string();
    let http11 = *request.http_version() == tiny_http::HTTPVersion(1, 1);
    // RFC 9112 § 3.2: a request of HTTP/1.1 without Host, or with more than one, is 400.
    let reply = if hosts > 1 || (http11 && hosts == 0) {
        Reply {
            status: 400,
            headers: vec![],
            body: "Requête invalide : un seul en-tête Host est attendu."
                .as_bytes()
                .to_vec(),
        }
    } else if !http::host_allowed(host.as_deref(), port, bind, &shared.own_hosts) {
        Reply {
            status: 403,
            headers: vec![],
            body: "Hôte refusé.".as_bytes().to_vec(),
        }
    } else if role == Role::Preview
        && shared.proxy.is_some()
        && (url == "/admin" || url.starts_with("/admin/") || url == "/api/v1")
    {
        // The editor lives at its own address: a page of the preview cannot reach it.
        editor_elsewhere(shared, host.as_deref(), port, &url)
    } else if role == Role::Editor
        && !(url == "/api/v1" || url == "/admin" || url.starts_with("/admin/"))
    {
        // The editor's address serves the editor only: a page asked of it (« Voir en direct »)
        // is the preview's, at the preview's address.
        match (&method, shared.preview_port.get()) {
            (tiny_http::Method::Get | tiny_http::Method::Head, Some(preview)) => {
                let name = host
                    .as_deref()
                    .and_then(|h| h.rsplit_once(':').map(|(name, _)| name.to_string()))
                    .unwrap_or_else(|| "127.0.0.1".into());
                Reply {
                    status: 302,
                    headers: vec![("Location".into(), format!("http://{name}:{preview}{url}"))],
                    body: vec![],
                }
            }
            _ => Reply {
                status: 404,
                headers: vec![],
                body: "L’éditeur est à /admin/ ; l’aperçu du site a son adresse à part."
                    .as_bytes()
                    .to_vec(),
            },
        }
    } else if url == "/api/v1" && shared.proxy.is_some() {
        match (&shared.proxy, &method) {
            (Some(proxy), tiny_http::Method::Post) => {
                let checked = caller(host.as_deref(), port, &header);
                match checked {
                    Err(reply) => reply,
                    Ok(()) => proxy_call(proxy, &mut request),
                }
            }
            _ => Reply {
                status: 405,
                headers: vec![("Allow".into(), "POST".into())],
                body: vec![],
            },
        }
    } else if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
        Reply {
            status: 405,
            headers: vec![("Allow".into(), "GET, HEAD".into())],
            body: vec![],
        }
    } else if url.starts_with("/__ess/poll") {
        match Counted::enter(&shared.polls, MAX_POLLS) {
            Some(_counted) => poll(shared, &url),
            None => busy(),
        }
    } else {
        from_outputs(shared, &url, header("If-None-Match").as_deref())
    };
    let mut reply = reply;
    let security = if role == Role::Editor || url.starts_with("/admin/") || url == "/admin" {
        &shared.headers.1
    } else {
        &shared.headers.0
    };
    for (name, value) in security {
        if !reply
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            reply.headers.push((name.clone(), value.clone()));
        }
    }
    respond(request, reply, method == tiny_http::Method::Head);
}

/// The preview's answer at the editor's addresses: the editor is at an address of its own.
fn editor_elsewhere(shared: &Shared, host: Option<&str>, port: u16, url: &str) -> Reply {
    let editor_port = shared.editor_port.get().copied().unwrap_or(port);
    let host = host
        .and_then(|h| h.rsplit_once(':').map(|(name, _)| name.to_string()))
        .unwrap_or_else(|| "127.0.0.1".into());
    if url == "/api/v1" {
        Reply {
            status: 404,
            headers: vec![],
            body: "L’éditeur a son adresse à part.".as_bytes().to_vec(),
        }
    } else {
        Reply {
            status: 302,
            headers: vec![(
                "Location".into(),
                format!("http://{host}:{editor_port}{url}"),
            )],
            body: vec![],
        }
    }
}

/// A file of the site as built (or as the deferred jobs made it), by URL.
fn from_outputs(shared: &Shared, url: &str, if_none_match: Option<&str>) -> Reply {
    let base = shared
        .base
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    // The site path asked (under the site's path, when it has one).
    let path = url.strip_prefix(base.as_str()).unwrap_or(url);
    let deferred = {
        let deferred = shared.deferred.read().unwrap_or_else(|p| p.into_inner());
        let asked = deferred
            .0
            .iter()
            .any(|folder| path.starts_with(folder.as_str()));
        asked.then(|| Arc::clone(&deferred.1))
    };
    // One lock at a time, the pages served ahead first: the end of a rebuild serves its
    // outputs before it takes back those pages (`ahead::take_back`).
    let (built, ahead) = match deferred {
        Some(index) => (index, Arc::default()),
        None => {
            let ahead = Arc::clone(&shared.ahead.read().unwrap_or_else(|p| p.into_inner()));
            let built = Arc::clone(&shared.outputs.read().unwrap_or_else(|p| p.into_inner()));
            (built, ahead)
        }
    };
    let first = shared
        .first
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let served = http::Served {
        built: &built,
        ahead: &ahead,
        first: first.as_deref(),
    };
    http::serve_file(served, url, if_none_match, &base)
}

/// Sends `reply` (without its body for a HEAD request).
fn respond(request: tiny_http::Request, reply: Reply, head: bool) {
    let length = reply.body.len();
    let body = if head { Vec::new() } else { reply.body };
    let mut response = tiny_http::Response::new(
        tiny_http::StatusCode(reply.status),
        Vec::new(),
        std::io::Cursor::new(body),
        Some(length),
        None,
    );
    for (name, value) in reply.headers {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

/// Long polling: answers at once if the site changed since `since`, else when it changes or
/// after 20 seconds.
fn poll(shared: &Shared, url: &str) -> Reply {
    let since: Option<u64> = url
        .split_once("since=")
        .and_then(|(_, v)| v.split('&').next()?.parse().ok());
    let mut status = shared.status.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(since) = since {
        let deadline = Instant::now() + Duration::from_secs(20);
        while status.version == since {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            status = shared
                .bumped
                .wait_timeout(status, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
    // The changed paths are only meaningful to a page that saw the version just before; they
    // are named as the page names itself, under the site's path (`ess/acteurs/index.html`).
    let base = shared
        .base
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let under = |p: &String| match base.trim_matches('/') {
        "" => p.clone(),
        base => format!("{base}/{p}"),
    };
    let changed = (since == Some(status.version.wrapping_sub(1)) && !status.every)
        .then(|| status.changed.iter().map(under).collect::<Vec<_>>());
    let body = serde_json::json!({
        "version": status.version,
        "errors": status.errors,
        "css_only": status.css_only,
        "changed": changed,
        "rebuilds": status.rebuilds,
    });
    Reply {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Cache-Control".into(), "no-store".into()),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// Whether a call to the editor's proxy may write the site's files: its `Host` is this
/// machine's (never a name that resolves here: DNS rebinding), it comes from the preview's own
/// pages (`Origin`, `Sec-Fetch-Site`), and it is JSON (a form of another site cannot send it
/// without the browser asking first).
fn caller(
    host: Option<&str>,
    port: u16,
    header: &dyn Fn(&str) -> Option<String>,
) -> Result<(), Reply> {
    let refuse = |why: &str| {
        Err(Reply {
            status: 403,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::json!({ "error": why }).to_string().into_bytes(),
        })
    };
    let Some(host) = host.map(|h| h.trim().to_ascii_lowercase()) else {
        return refuse("en-tête Host manquant");
    };
    if !["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|h| host == format!("{h}:{port}"))
    {
        return refuse("l’éditeur ne répond qu’à cette machine");
    }
    if let Some(origin) = header("Origin") {
        if origin.trim().to_ascii_lowercase() != format!("http://{host}") {
            return refuse("requête venue d’un autre site");
        }
    }
    if header("Sec-Fetch-Site").is_some_and(|s| s != "same-origin" && s != "none") {
        return refuse("requête venue d’un autre site");
    }
    let json = header("Content-Type").is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    });
    if !json {
        return refuse("du JSON est attendu (Content-Type: application/json)");
    }
    Ok(())
}

/// Reads a bounded body and answers the editor's call.
fn proxy_call(proxy: &Proxy, request: &mut tiny_http::Request) -> Reply {
    use std::io::Read;
    let max = MAX_BODY;
    let json = |status: u16, v: serde_json::Value| Reply {
        status,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Cache-Control".into(), "no-store".into()),
        ],
        body: v.to_string().into_bytes(),
    };
    if request.body_length().is_some_and(|l| l as u64 > max) {
        return json(413, serde_json::json!({ "error": "requête trop grosse" }));
    }
    let mut body = Vec::new();
    if request
        .as_reader()
        .take(max + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return json(400, serde_json::json!({ "error": "requête illisible" }));
    }
    if body.len() as u64 > max {
        return json(413, serde_json::json!({ "error": "requête trop grosse" }));
    }
    let (status, answer) = proxy.call(&body);
    json(status, answer)
}
