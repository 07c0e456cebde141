//! The preview's first build. On a small site it ends before the preview answers, as it
//! always did. On a large one (a national directory), the preview answers as soon as the
//! records are read and checked and the site planned: each page asked for is made alone
//! (`pipeline::first::FirstPages`) while the build renders the rest; when it ends, its
//! outputs are served and only the open pages it makes differently reload.

use super::state::Shared;
use crate::pipeline::first::FirstPages;
use crate::pipeline::incremental::Incremental;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// How long the preview waits for its first build to end once its pages can be made alone,
/// before it answers with them: a site that builds in less is served whole from the start.
/// `ESS_SITE_FIRST_WAIT_MS` sets it (the tests make a small site answer on demand with 0).
fn wait() -> Duration {
    let ms = std::env::var("ESS_SITE_FIRST_WAIT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    Duration::from_millis(ms)
}

enum Event {
    Planned(Arc<FirstPages>),
    Built(Box<Incremental>),
}

/// The first build, begun.
pub(super) enum Begun {
    /// It ended (well or with errors).
    Built(Box<Incremental>),
    /// It renders the site; its pages are made when asked for meanwhile. `Ended` gives the
    /// build when it ends.
    Rendering(Arc<FirstPages>, Ended),
}

/// The end of a first build that runs on.
pub(super) struct Ended(mpsc::Receiver<Event>);

impl Ended {
    /// Waits for the build's end. `None` if the build's thread stopped without one (a panic,
    /// which the thread has reported).
    pub(super) fn wait(self) -> Option<Incremental> {
        loop {
            match self.0.recv().ok()? {
                Event::Built(inc) => return Some(*inc),
                Event::Planned(_) => continue,
            }
        }
    }
}

/// Starts the first build of `inc` on a thread of its own, and returns when it ended or when
/// its pages have been made alone for `wait()` (`ESS_SITE_FIRST_WAIT_MS`) without its end.
/// `None` if the build's thread stopped without an end.
pub(super) fn begin(mut inc: Incremental) -> Option<Begun> {
    let (tx, rx) = mpsc::channel();
    let planned = tx.clone();
    inc.on_planned = Some(Box::new(move |pages| {
        let _ = planned.send(Event::Planned(pages));
    }));
    std::thread::spawn(move || {
        inc.rebuild(&[]);
        inc.on_planned = None;
        let _ = tx.send(Event::Built(Box::new(inc)));
    });
    let pages = match rx.recv().ok()? {
        Event::Built(inc) => return Some(Begun::Built(inc)),
        Event::Planned(pages) => pages,
    };
    // Which job makes which path, found before the first page is asked for.
    {
        let pages = Arc::clone(&pages);
        std::thread::spawn(move || {
            pages.by_path();
        });
    }
    match rx.recv_timeout(wait()) {
        Ok(Event::Built(inc)) => Some(Begun::Built(inc)),
        Ok(Event::Planned(_)) | Err(mpsc::RecvTimeoutError::Timeout) => {
            Some(Begun::Rendering(pages, Ended(rx)))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => None,
    }
}

/// Serves the outputs of the first build `inc` in place of the pages made when asked for,
/// shows its errors, and tells the open pages: those whose bytes differ from what they were
/// served reload (every page when one could not be made, or the build failed).
pub(super) fn serve_built(
    shared: &Shared,
    inc: &Incremental,
    pages: &FirstPages,
    errors: Vec<String>,
) {
    let outputs = inc.outputs();
    let differing = match errors.is_empty() {
        true => pages.differing(&outputs),
        false => None,
    };
    let mut status = shared.status.lock().unwrap_or_else(|p| p.into_inner());
    *shared.outputs.write().unwrap_or_else(|p| p.into_inner()) = outputs;
    *shared.first.write().unwrap_or_else(|p| p.into_inner()) = None;
    super::ahead::tell(shared, &mut status, differing.clone().unwrap_or_default());
    status.every = differing.is_none();
    status.errors = errors;
}
