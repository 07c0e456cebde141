//! The pages of an edited text served at once, even while the rebuild of an edit before it
//! still runs: a thread of its own reads the files the watcher names and renders their pages
//! from the last good build (`pipeline::early`). The edit's rebuild then serves what a full
//! build makes, and takes back what was served ahead of it (`take_back`).

use super::state::{ReadFrom, Shared, Status};
use crate::pipeline::early::{stamp, ReadFile, SharedAhead};
use crate::pipeline::incremental::{CachedOutput, Incremental, Outputs};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Above this many files in one change (a checkout, a copy), nothing is rendered ahead: the
/// rebuild makes it all.
const MOST_FILES: usize = 10;

/// Renders the pages of each edit the watcher reports as soon as it settles, and serves them.
pub(super) fn ahead_loop(rx: mpsc::Receiver<Vec<PathBuf>>, ahead: SharedAhead, shared: &Shared) {
    while let Ok(first) = rx.recv() {
        let mut paths: BTreeSet<PathBuf> = first.into_iter().collect();
        // An editor's save is several events: the rebuild's quiet time for a single save.
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(15)) {
            paths.extend(more);
        }
        if paths.len() > MOST_FILES {
            continue;
        }
        let paths: Vec<PathBuf> = paths.into_iter().collect();
        // Served before the last good build is replaced: a rebuild that ends meanwhile
        // finds these pages served, and takes them back if it read the same files.
        let mut guard = ahead.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(early) = guard.as_mut().and_then(|a| a.read_and_render(&paths)) {
            serve_ahead(shared, &early.outputs, Some(Arc::new(early.read)));
        }
    }
}

/// Serves `outputs` over the last build's, rendered from `read`, and tells the open pages
/// whose bytes changed. The rebuild's own first pages (`read` is `None`) do not replace the
/// pages of a later edit, served already.
pub(super) fn serve_ahead(shared: &Shared, outputs: &Outputs, read: ReadFrom) {
    let mut from = shared.ahead_from.lock().unwrap_or_else(|p| p.into_inner());
    let mut over = shared.ahead.write().unwrap_or_else(|p| p.into_inner());
    let built = Arc::clone(&shared.outputs.read().unwrap_or_else(|p| p.into_inner()));
    let mut next: HashMap<String, CachedOutput> = (**over).clone();
    let mut changed = Vec::new();
    for (path, out) in outputs.iter() {
        if read.is_none() && from.get(path).is_some_and(Option::is_some) {
            continue;
        }
        let served = next.get(path).or_else(|| built.get(path));
        if served.is_none_or(|s| s.bytes != out.bytes) {
            changed.push(path.clone());
        }
        next.insert(path.clone(), out.clone());
        from.insert(path.clone(), read.clone());
    }
    *over = Arc::new(next);
    drop(over);
    drop(from);
    let mut status = shared.status.lock().unwrap_or_else(|p| p.into_inner());
    if read.is_none() {
        // The rebuild's first pages come once its site is checked: no error left.
        status.errors.clear();
    }
    if !changed.is_empty() {
        changed.sort();
        tell(shared, &mut status, changed);
    }
}

/// Whether `f` was read after the rebuild read its file: its modification time is later, and
/// the rebuild did not read the file as it is now (a clock put back would keep it otherwise).
fn later_than(f: &ReadFile, inc: &Incremental) -> bool {
    let Some(((read_at, _), (ahead_at, _))) = inc.read_stamp(&f.file).zip(f.stamp) else {
        return false;
    };
    let superseded = !f.unchanged() && inc.read_stamp(&f.file) == stamp(&f.path);
    read_at < ahead_at && !superseded
}

/// A new version of the site, and the paths that changed in it.
pub(super) fn tell(shared: &Shared, status: &mut Status, changed: Vec<String>) {
    status.version += 1;
    status.css_only = false;
    status.changed = changed;
    status.every = false;
    shared.bumped.notify_all();
}

/// At the end of a rebuild: takes back the pages served ahead that it made again (those
/// rendered from files it read as they were; all of them when it failed) and serves its
/// outputs when it succeeded. Returns the paths served ahead (those kept too), and those of
/// them whose bytes change now.
pub(super) fn take_back(
    shared: &Shared,
    inc: &Incremental,
    succeeded: bool,
) -> (HashSet<String>, Vec<String>) {
    let outputs = inc.outputs();
    let mut from = shared.ahead_from.lock().unwrap_or_else(|p| p.into_inner());
    let mut over = shared.ahead.write().unwrap_or_else(|p| p.into_inner());
    let mut next: HashMap<String, CachedOutput> = (**over).clone();
    let served: HashSet<String> = from.keys().cloned().collect();
    let mut told = Vec::new();
    from.retain(|path, read| {
        // Kept: the pages of a later save than the rebuild read.
        let later = |files: &[ReadFile]| files.iter().all(|f| later_than(f, inc));
        let done = !(succeeded && read.as_deref().is_some_and(|f| later(f.as_slice())));
        if done {
            let before = next.remove(path);
            if before.map(|o| o.bytes) != outputs.get(path).map(|o| Arc::clone(&o.bytes)) {
                told.push(path.clone());
            }
        }
        !done
    });
    if succeeded {
        *shared.outputs.write().unwrap_or_else(|p| p.into_inner()) = outputs;
        *shared.base.write().unwrap_or_else(|p| p.into_inner()) = inc.base_path();
    }
    *over = Arc::new(next);
    (served, told)
}
