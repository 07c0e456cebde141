//! What the preview's threads share: the site served, its status, the counts of requests in
//! flight, and the role of each address.

use super::http::Reply;
use crate::pipeline::incremental::{CachedOutput, Outputs};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};

/// What open pages are told: the site's version, and the errors to show.
#[derive(Debug, Clone, Default)]
pub(super) struct Status {
    pub(super) version: u64,
    pub(super) errors: Vec<String>,
    pub(super) css_only: bool,
    /// The output paths that changed in the last version (pages elsewhere need no reload).
    pub(super) changed: Vec<String>,
    /// How many rebuilds ran since the start.
    pub(super) rebuilds: u64,
    /// Whether every page reloads for this version, whatever `changed` names.
    pub(super) every: bool,
}

pub(super) struct Shared {
    pub(super) outputs: RwLock<Arc<HashMap<String, CachedOutput>>>,
    /// The pages of the last edits, served over `outputs` until their rebuild is done
    /// (`super::ahead`), each with what it was rendered from.
    pub(super) ahead: RwLock<Outputs>,
    pub(super) ahead_from: Mutex<HashMap<String, ReadFrom>>,
    /// While the first build renders the site (`outputs` still empty), its pages made one at
    /// a time when asked for (`serve::first`).
    pub(super) first: RwLock<Option<Arc<crate::pipeline::first::FirstPages>>>,
    /// The path the site is published under (`/ess`), empty at the root: the preview serves
    /// the site under it too.
    pub(super) base: RwLock<String>,
    /// The outputs of the deferred jobs (the search index, `pagefind/…`), made on a thread of
    /// their own after each rebuild so that a change is shown without waiting for them, with
    /// the URLs (folders) they are served at.
    pub(super) deferred: RwLock<(Vec<String>, Outputs)>,
    pub(super) status: Mutex<Status>,
    pub(super) bumped: Condvar,
    /// Requests being answered, and live-reload polls waiting: both capped, the excess
    /// answered 503 at once, so that threads and memory stay bounded.
    pub(super) handlers: AtomicUsize,
    pub(super) polls: AtomicUsize,
    /// The editor's local proxy (`--editor`), at `/api/v1`.
    pub(super) proxy: Option<crate::serve::proxy::Proxy>,
    /// The security headers of the site's pages and of the editor's, as the documented web
    /// server sends them (`http::security_headers`).
    pub(super) headers: (Headers, Headers),
    /// The editor's own port (`--editor`): the editor and its proxy have an origin of their
    /// own, so that no script of a preview page can call the proxy (a hostile picture or
    /// template of the site would otherwise write files through it).
    pub(super) editor_port: std::sync::OnceLock<u16>,
    /// The preview's port, where the editor's address sends a page asked of it (« Voir en
    /// direct »).
    pub(super) preview_port: std::sync::OnceLock<u16>,
    /// The machine's own addresses, accepted as `Host` when the preview listens on every
    /// address (`--bind 0.0.0.0`): a phone on the network types one of them.
    pub(super) own_hosts: Vec<String>,
}

/// The files a page served ahead was rendered from; `None` for the rebuild's own first pages,
/// which its end replaces.
pub(super) type ReadFrom = Option<Arc<Vec<crate::pipeline::early::ReadFile>>>;

/// Headers of an answer: (name, value).
type Headers = Vec<(String, String)>;

/// Which of the two addresses of `serve --editor` a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// The preview of the site's pages.
    Preview,
    /// The editor (`/admin/`) and its proxy (`/api/v1`), on a port of their own.
    Editor,
}

/// The most requests answered at once (each on its thread), and the most live-reload polls
/// waiting at once (each holds its thread up to 20 s).
pub(super) const MAX_HANDLERS: usize = 256;
pub(super) const MAX_POLLS: usize = 64;

/// Counts a request or a poll while it runs.
pub(super) struct Counted<'a>(&'a AtomicUsize);

impl<'a> Counted<'a> {
    /// Counts one more unless `max` are already counted.
    pub(super) fn enter(counter: &'a AtomicUsize, max: usize) -> Option<Counted<'a>> {
        let before = counter.fetch_add(1, Ordering::SeqCst);
        if before >= max {
            counter.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Counted(counter))
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// 503 with `Retry-After`: the server is at one of its caps.
pub(super) fn busy() -> Reply {
    Reply {
        status: 503,
        headers: vec![("Retry-After".into(), "1".into())],
        body: "Serveur occupé : réessayez dans une seconde."
            .as_bytes()
            .to_vec(),
    }
}
