//! Stage: the live preview, `ess-site serve`. Builds the site in memory (`pipeline::incremental`),
//! serves it on loopback, watches the sources and rebuilds what a change touches; open pages
//! reload by themselves and show content errors. With `--editor`, the web editor and its local
//! proxy (`proxy`) on an address of their own.
//!
//! Owns: the HTTP answers (`http`, `answer`), the watcher, the editor's proxy protocol.
//! May import: `pipeline` and everything below it; never `cli`.

use crate::diagnostic::Diagnostic;
use crate::pipeline::incremental::{Deferred, Incremental};
use crate::render::site::BuildOptions;
use crate::report;
use notify::{RecursiveMode, Watcher};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{mpsc, Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

mod ahead;
mod answer;
mod first;
pub(crate) mod http;
pub mod proxy;
mod state;
use answer::{answer, listen, Listen};
use first::Begun;
use state::{Role, Shared, Status};

/// What `serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: String,
    /// 0 picks a free port.
    pub port: u16,
    pub build: BuildOptions,
    /// Whether `now` follows the clock (no `--now` nor `SOURCE_DATE_EPOCH`): then a record
    /// whose date comes while the preview is open is shown when it comes.
    pub follow_clock: bool,
}

/// The folders and files whose changes rebuild the site.
const WATCHED: [&str; 4] = ["content", "templates", "static", "themes"];

/// Errors as the overlay shows them: the same text as `ess-site check`.
fn error_texts(root: &Path, diagnostics: &[Diagnostic]) -> Vec<String> {
    let style = report::Style {
        color: false,
        max_warnings: 0,
    };
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let mut out = Vec::new();
            let _ = report::print(&mut out, root, std::slice::from_ref(d), style);
            let text = String::from_utf8_lossy(&out).into_owned();
            text.trim_end()
                .trim_end_matches("1 erreur")
                .trim_end()
                .to_string()
        })
        .collect()
}

/// Runs the preview until the process is stopped. Returns an error message if it cannot start.
pub fn serve(root: &Path, options: ServeOptions) -> Result<(), String> {
    let started = Instant::now();
    // Watchers report absolute paths: compare them with an absolute root.
    let root = &root.canonicalize().map_err(|e| {
        format!(
            "dossier du site introuvable : {}",
            crate::diagnostic::io_fr(&e)
        )
    })?;
    let (tx, rx) = mpsc::channel();
    let (ahead_tx, ahead_rx) = mpsc::channel();
    let watcher = watch(root, [tx, ahead_tx])?;
    // Watching starts before the first build: a save made while it runs is not missed.
    let mut inc = Incremental::new(root, options.build.clone());
    inc.defer = true;
    // The pages of an edited text are rendered ahead on a thread of their own (`ahead`).
    inc.early = false;
    let begun = first::begin(inc).ok_or("la première construction du site s'est arrêtée")?;
    let base = match &begun {
        Begun::Built(inc) => inc.base_path(),
        Begun::Rendering(pages, _) => pages.base_path(),
    };
    let shared = Arc::new(shared_state(root, &options, base));
    let (built, rendering) = match begun {
        Begun::Built(inc) => {
            serve_first(&shared, root, &inc);
            (Some(*inc), None)
        }
        Begun::Rendering(pages, ended) => {
            *shared.first.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&pages));
            (None, Some((pages, ended)))
        }
    };

    let server = listen(&options.bind, options.port)
        .map_err(|e| listen_refused(e, &options.bind, options.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());
    let host = if options.bind.contains(':') {
        format!("[{}]", options.bind)
    } else {
        options.bind.clone()
    };
    let _ = shared.preview_port.set(port);
    // The editor on a port of its own (the next one, or any free one with `--port 0`).
    let editor_server = match &shared.proxy {
        None => None,
        Some(_) => Some(editor_listen(&shared, &options, port)?),
    };
    let editor = match &editor_server {
        Some((_, editor_port)) => format!("\nÉditeur sur http://{host}:{editor_port}/admin/ (une adresse à part de l'aperçu) : il enregistre dans content/ et static/images/"),
        None => String::new(),
    };
    let base = shared
        .base
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let ms = started.elapsed().as_millis();
    let how = match &built {
        Some(inc) => format!("{} fichiers en {ms} ms", inc.outputs().len()),
        None => format!("site lu et vérifié en {ms} ms ; chaque page est faite à la demande jusqu'à la fin de la construction"),
    };
    // A reader of the first line only (a script) may close the pipe after it: not an error.
    let _ = writeln!(
        std::io::stdout().lock(),
        "Aperçu sur http://{host}:{port}{base}/ ({how}) — Ctrl-C pour arrêter{editor}",
    );
    // On every address: the ones a phone of the same network can type.
    let phones: Vec<String> = shared
        .own_hosts
        .iter()
        .filter(|h| !h.starts_with("127.") && *h != "[::1]" && !h.starts_with("[fe80"))
        .map(|h| format!("http://{h}:{port}{base}/"))
        .collect();
    if !phones.is_empty() {
        let _ = writeln!(
            std::io::stdout().lock(),
            "Sur un téléphone du même réseau : {}",
            phones.join(" ou ")
        );
    }
    if let Some(inc) = &built {
        print_first(root, inc);
    }
    let _ = std::io::stdout().flush();

    let watcher = Arc::new(Mutex::new(watcher));
    let (deferred_tx, deferred_rx) = mpsc::channel();
    {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || deferred_loop(deferred_rx, &shared));
    }
    {
        let shared = Arc::clone(&shared);
        let root = root.to_path_buf();
        let watcher = Arc::clone(&watcher);
        let follow_clock = options.follow_clock;
        std::thread::spawn(move || {
            let mut inc = match (built, rendering) {
                (Some(inc), _) => inc,
                (None, Some((pages, ended))) => {
                    let Some(inc) = ended.wait() else {
                        eprintln!("La construction du site s'est arrêtée : l'aperçu s'arrête.");
                        std::process::exit(1);
                    };
                    let errors = error_texts(&root, &inc.diagnostics);
                    first::serve_built(&shared, &inc, &pages, errors);
                    if inc.diagnostics.iter().all(|d| !d.is_error()) {
                        // The first line's reader may have closed the pipe: not an error.
                        let _ = writeln!(
                            std::io::stdout().lock(),
                            "Site construit : {} fichiers en {} ms",
                            inc.outputs().len(),
                            started.elapsed().as_millis()
                        );
                    }
                    print_first(&root, &inc);
                    inc
                }
                (None, None) => return,
            };
            // The first build reports the warnings; later ones, on every save, only the errors.
            inc.warnings = false;
            if let Some(d) = inc.deferred() {
                let _ = deferred_tx.send(d);
            }
            {
                let shared = Arc::clone(&shared);
                let ahead = inc.ahead();
                std::thread::spawn(move || ahead::ahead_loop(ahead_rx, ahead, &shared));
            }
            watch_loop(
                &root,
                inc,
                follow_clock,
                rx,
                &shared,
                &watcher,
                &deferred_tx,
            )
        });
    }

    if let Some((editor_server, editor_port)) = editor_server {
        let shared = Arc::clone(&shared);
        let bind = options.bind.clone();
        std::thread::spawn(move || {
            answer(&editor_server, &shared, editor_port, &bind, Role::Editor)
        });
    }
    answer(&server, &shared, port, &options.bind, Role::Preview);
    Ok(())
}

/// What the preview's threads share: the site's outputs (none until the first build is
/// served) and status, the editor's proxy with `--editor`, the security headers of
/// `site.toml`.
fn shared_state(root: &Path, options: &ServeOptions, base: String) -> Shared {
    Shared {
        outputs: RwLock::new(Arc::new(HashMap::new())),
        ahead: RwLock::new(Arc::new(HashMap::new())),
        ahead_from: Mutex::new(HashMap::new()),
        first: RwLock::new(None),
        base: RwLock::new(base),
        deferred: RwLock::new((Vec::new(), Arc::new(HashMap::new()))),
        status: Mutex::new(Status::default()),
        bumped: Condvar::new(),
        handlers: AtomicUsize::new(0),
        polls: AtomicUsize::new(0),
        proxy: options.build.editor_local.then(|| {
            let max = crate::load::config(root).map_or(4 << 20, |c| c.max_file_size);
            crate::serve::proxy::Proxy::new(root, max).checking(crate::pipeline::presave::Checker {
                options: options.build.clone(),
                follow_clock: options.follow_clock,
            })
        }),
        headers: {
            let config = crate::load::config(root).ok();
            (
                http::security_headers(config.as_ref(), false),
                http::security_headers(config.as_ref(), true),
            )
        },
        editor_port: std::sync::OnceLock::new(),
        preview_port: std::sync::OnceLock::new(),
        own_hosts: own_hosts(&options.bind),
    }
}

/// Serves the outputs of a first build that ended before the preview answered: its first
/// version.
fn serve_first(shared: &Shared, root: &Path, inc: &Incremental) {
    *shared.outputs.write().unwrap_or_else(|p| p.into_inner()) = inc.outputs();
    let mut status = shared.status.lock().unwrap_or_else(|p| p.into_inner());
    status.version = 1;
    status.errors = error_texts(root, &inc.diagnostics);
}

/// The first build's errors and warnings, on the terminal.
fn print_first(root: &Path, inc: &Incremental) {
    if !inc.diagnostics.is_empty() {
        let mut stderr = std::io::stderr().lock();
        let _ = report::print(
            &mut stderr,
            root,
            &inc.diagnostics,
            report::Style::for_stderr(10),
        );
    }
}

/// The machine's own addresses (`192.168.1.20`, `[fd00::2]`) when the preview listens on every
/// address of the machine (`0.0.0.0`, `::`); none otherwise (a given address is accepted as it
/// is, and loopback names always are).
fn own_hosts(bind: &str) -> Vec<String> {
    let Ok(ip) = bind.parse::<std::net::IpAddr>() else {
        return Vec::new();
    };
    if !ip.is_unspecified() {
        return Vec::new();
    }
    if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|a| ip.is_ipv6() || a.is_ipv4())
        .map(|a| match a {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        })
        .collect()
}

/// What the preview says when it cannot listen on `bind`:`port`.
fn listen_refused(e: Listen, bind: &str, port: u16) -> String {
    match e {
    Listen::Address => format!(
        "adresse d'écoute inconnue « {} » : donnez une adresse IP de cette machine (--bind 127.0.0.1, ou --bind 0.0.0.0 pour le réseau local)",
        bind
    ),
    Listen::Socket(e) if e.kind() == std::io::ErrorKind::AddrInUse => format!(
        "le port {} est déjà pris sur {} (une autre prévisualisation ?) : arrêtez-la, ou choisissez un autre port, par exemple --port {}",
        port,
        bind,
        port.wrapping_add(1).max(1024)
    ),
    Listen::Socket(e) if e.kind() == std::io::ErrorKind::PermissionDenied => format!(
        "le port {} est réservé à l'administrateur de la machine : choisissez un port au-dessus de 1023, par exemple --port 1111",
        port
    ),
    Listen::Socket(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => format!(
        "{} n'est pas une adresse de cette machine : choisissez-en une (--bind 127.0.0.1, ou --bind 0.0.0.0 pour le réseau local)",
        bind
    ),
    Listen::Socket(e) => format!(
        "impossible d'écouter sur {}:{} : {} ; essayez un autre port avec --port",
        bind,
        port,
        crate::diagnostic::io_fr(&e)
    ),
}
}

/// The editor's own listening socket: the port after the preview's (any free one with
/// `--port 0`).
fn editor_listen(
    shared: &Shared,
    options: &ServeOptions,
    port: u16,
) -> Result<(tiny_http::Server, u16), String> {
    let wanted = if options.port == 0 {
        0
    } else {
        port.wrapping_add(1)
    };
    let server = listen(&options.bind, wanted).map_err(|_| {
        format!(
            "le port {wanted} de l'éditeur est déjà pris sur {} : l'éditeur prend le port qui suit celui de l'aperçu ; choisissez-en un autre, par exemple --port {}",
            options.bind,
            port.wrapping_add(10)
        )
    })?;
    let editor_port = server.server_addr().to_ip().map_or(wanted, |a| a.port());
    let _ = shared.editor_port.set(editor_port);
    Ok((server, editor_port))
}

/// Watches `site.toml` and the watched folders; the paths of each change go to each of `to`.
fn watch(
    root: &Path,
    to: [mpsc::Sender<Vec<PathBuf>>; 2],
) -> Result<notify::RecommendedWatcher, String> {
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // Reads (our own, while rebuilding) are not changes.
        if let Ok(event) = res {
            if !matches!(event.kind, notify::EventKind::Access(_)) {
                for tx in &to {
                    let _ = tx.send(event.paths.clone());
                }
            }
        }
    })
    .map_err(|e| {
        let why = match &e.kind {
            notify::ErrorKind::Io(io) => crate::diagnostic::io_fr(io),
            notify::ErrorKind::MaxFilesWatch => {
                "trop de fichiers surveillés pour ce système (augmentez fs.inotify.max_user_watches)".to_string()
            }
            _ => "le système refuse la surveillance des fichiers".to_string(),
        };
        format!("impossible de surveiller les fichiers : {why}")
    })?;
    let _ = watcher.watch(root, RecursiveMode::NonRecursive);
    for dir in WATCHED {
        if root.join(dir).is_dir() {
            let _ = watcher.watch(&root.join(dir), RecursiveMode::Recursive);
        }
    }
    Ok(watcher)
}

/// Waits for changes, lets a burst of them settle, rebuilds once, and tells the open pages.
fn watch_loop(
    root: &Path,
    mut inc: Incremental,
    follow_clock: bool,
    rx: mpsc::Receiver<Vec<PathBuf>>,
    shared: &Shared,
    watcher: &Mutex<notify::RecommendedWatcher>,
    deferred: &mpsc::Sender<Arc<Deferred>>,
) {
    let relevant = |p: &Path| {
        let rel = p.strip_prefix(root).unwrap_or(p);
        rel == Path::new("site.toml") || WATCHED.iter().any(|d| rel.starts_with(d))
    };
    loop {
        // Following the clock, the preview wakes when a record changes state (a dossier's
        // date comes, an event ends) and moves `now` to the clock then. Between two such
        // moments nothing depends on the time, so a save keeps `now` (and its fingerprints):
        // a record saved with a date already past wakes the loop at once.
        let wake = follow_clock.then(|| inc.next_change()).flatten();
        let first = match wake {
            Some(at) => {
                let wait = (at - crate::model::time::clock_now())
                    .to_std()
                    .unwrap_or_default()
                    .min(Duration::from_secs(3600));
                match rx.recv_timeout(wait) {
                    Ok(first) => first,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        let now = crate::model::time::clock_now();
                        if now >= at {
                            inc.set_now(now);
                            publish(root, &mut inc, &[], shared, deferred);
                        }
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            None => match rx.recv() {
                Ok(first) => first,
                Err(_) => return,
            },
        };
        let mut paths: BTreeSet<PathBuf> = first.into_iter().collect();
        // Debounce: an editor's save or a `git checkout` is many events; wait for quiet.
        // A single save settles within milliseconds; a mass change (a checkout, a copy) gets a
        // longer quiet time, so that it gives one rebuild.
        let deadline = Instant::now() + Duration::from_millis(2000);
        loop {
            let quiet = Duration::from_millis(if paths.len() > 10 { 150 } else { 15 });
            match rx.recv_timeout(quiet) {
                Ok(more) => paths.extend(more),
                Err(_) => break,
            }
            if Instant::now() > deadline {
                break;
            }
        }
        paths.retain(|p| relevant(p));
        if paths.is_empty() {
            continue;
        }
        // A watched folder created after the start (templates/, static/…) is watched from now on.
        if let Ok(mut w) = watcher.lock() {
            for dir in WATCHED {
                if paths.iter().any(|p| p == &root.join(dir)) {
                    let _ = w.watch(&root.join(dir), RecursiveMode::Recursive);
                }
            }
        }
        let paths: Vec<PathBuf> = paths.into_iter().collect();
        publish(root, &mut inc, &paths, shared, deferred);
    }
}

/// Rebuilds what `paths` touch (or what a new `now` changes), serves it, and tells the open
/// pages and the terminal.
fn publish(
    root: &Path,
    inc: &mut Incremental,
    paths: &[PathBuf],
    shared: &Shared,
    deferred: &mpsc::Sender<Arc<Deferred>>,
) {
    let started = Instant::now();
    // Whether the site was in error: a rebuild without errors then says the site is back.
    let had_errors = !shared
        .status
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .errors
        .is_empty();
    // The edited page is served as soon as it is rendered (by the thread that renders an
    // edited text's pages ahead, or here once the site is checked); the lists follow.
    let report = inc.rebuild_with(paths, &mut |outputs, _| {
        ahead::serve_ahead(shared, &outputs, None);
    });
    let errors = error_texts(root, &inc.diagnostics);
    if let (true, Some(d)) = (errors.is_empty(), inc.deferred()) {
        let _ = deferred.send(d);
    }
    // What was served ahead and is not what is served now (the rebuild's version, or the
    // last good one when the rebuild failed) is told again; what was served ahead as the
    // rebuild made it is not, nor the pages of a later edit, served until their rebuild.
    let (served, told) = ahead::take_back(shared, inc, errors.is_empty());
    let mut still_changed: Vec<String> = report
        .changed
        .iter()
        .filter(|p| !served.contains(*p))
        .chain(&told)
        .cloned()
        .collect();
    still_changed.sort();
    still_changed.dedup();
    let mut status = shared.status.lock().unwrap_or_else(|p| p.into_inner());
    status.rebuilds += 1;
    // The open pages are told unless the first served outputs already said everything.
    if !still_changed.is_empty() || errors != status.errors {
        let css_only =
            !report.changed.is_empty() && report.changed.iter().all(|p| p.ends_with(".css"));
        ahead::tell(shared, &mut status, still_changed);
        status.css_only = css_only;
        status.errors = errors.clone();
    }
    drop(status);
    // The terminal is told of every rebuild that changed something or failed, and of the
    // first one that brings the site back after errors.
    if errors.is_empty() && report.changed.is_empty() && !had_errors {
        return;
    }
    if !errors.is_empty() {
        // The errors themselves, as `check` and the browser's overlay show them.
        let errors: Vec<Diagnostic> = inc
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        let mut stderr = std::io::stderr().lock();
        let _ = report::print(&mut stderr, root, &errors, report::Style::for_stderr(0));
        let _ = writeln!(stderr, "La dernière version correcte reste servie.");
    } else {
        let n = report.changed.len();
        eprintln!(
            "{} : {} mise{} à jour en {} ms",
            edited(root, paths),
            report::count(n, "page", "pages"),
            if n > 1 { "s" } else { "" },
            started.elapsed().as_millis()
        );
        if had_errors {
            eprintln!("Plus d'erreur : l'aperçu montre de nouveau le site à jour.");
        }
    }
}

/// The file the user edited, among the paths of a change: one that exists (an editor's
/// temporary file is gone once saved), the deepest; a deleted one if none exists.
fn edited(root: &Path, paths: &[PathBuf]) -> String {
    let temporary = |p: &Path| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        name.starts_with(".#") || name.ends_with('~') || name.ends_with(".swp") || name == "4913"
    };
    let named = |p: &PathBuf| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let candidates: Vec<&PathBuf> = paths.iter().filter(|p| !temporary(p)).collect();
    let deepest = |list: Vec<&PathBuf>| {
        list.into_iter()
            .max_by_key(|p| p.components().count())
            .map(named)
    };
    let existing = candidates.iter().copied().filter(|p| p.is_file()).collect();
    deepest(existing)
        .or_else(|| deepest(candidates))
        .unwrap_or_else(|| "site".into())
}

/// Renders the latest deferred jobs it is sent (skipping those a newer set replaced while it
/// worked, and those the same as the last rendered), and serves them from then on.
fn deferred_loop(rx: mpsc::Receiver<Arc<Deferred>>, shared: &Shared) {
    let mut last = None;
    while let Ok(mut deferred) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            deferred = newer;
        }
        let fingerprint = deferred.fingerprint();
        if last == Some(fingerprint) {
            continue;
        }
        match deferred.render() {
            Ok(map) => {
                *shared.deferred.write().unwrap_or_else(|p| p.into_inner()) =
                    (deferred.urls(), Arc::new(map));
                last = Some(fingerprint);
            }
            Err(ds) => {
                for d in ds {
                    eprintln!("{}", d.message);
                }
            }
        }
    }
}
