//! The output before the last one, kept by the last build beside the output (in its staging
//! folder, marked) so that the next build starts from it: a file it publishes again as the
//! same hard link to the image cache stays (no link made, none deleted), every other file is
//! written again as a new file (never in place: a reader of the old one keeps it whole), and
//! what the build does not publish is deleted before the exchange.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Marks a staging folder whose `site/` is a whole output, left to be reused.
pub const KEPT: &str = ".ess-site-kept";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// A file, by its inode.
    File(u64),
    Folder,
}

/// What the kept output holds, and what this build has published into it.
pub struct Previous {
    entries: HashMap<String, Kept>,
    /// The file system of the kept output: an inode only identifies a file on it.
    dev: u64,
    written: Mutex<HashSet<String>>,
}

impl Previous {
    /// Reads the kept output at `site` (paths, kinds, inodes: one listing per folder, no `stat`
    /// per file, the folders listed in parallel). Anything that is neither a file nor a folder
    /// (a symlink) is removed at once, never followed.
    #[cfg(unix)]
    pub fn scan(site: &Path) -> Option<Previous> {
        use std::os::unix::fs::MetadataExt;
        // A real folder, not a symlink to one: nothing outside it is ever read or removed.
        let meta = std::fs::symlink_metadata(site).ok()?;
        if !meta.is_dir() {
            return None;
        }
        let mut entries = HashMap::new();
        list(site, "", &mut |path, kept| {
            entries.insert(path, kept);
        })?;
        Some(Previous {
            entries,
            dev: meta.dev(),
            written: Mutex::default(),
        })
    }

    #[cfg(not(unix))]
    pub fn scan(_site: &Path) -> Option<Previous> {
        None
    }

    /// Prepares `target` (at `rel` in the kept output) for a new file, a hard link to the file
    /// of device and inode `from` when given: `true` when the kept file already is that file,
    /// so nothing is to be written; otherwise what was at its place is removed.
    pub fn prepare(&self, rel: &str, target: &Path, from: Option<(u64, u64)>) -> bool {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
        match self.entries.get(rel) {
            Some(Kept::File(ino)) => {
                if from == Some((self.dev, *ino)) {
                    return true;
                }
                let _ = std::fs::remove_file(target);
            }
            Some(Kept::Folder) => super::tree::remove_tree(target),
            None => {}
        }
        false
    }

    /// Deletes from the kept output at `site` what this build did not publish: the files it
    /// did not write, and the folders holding none of its files.
    pub fn finish(self, site: &Path) {
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut needed: HashSet<&str> = HashSet::new();
        for path in &written {
            let mut p = path.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                if !needed.insert(parent) {
                    break;
                }
                p = parent;
            }
        }
        let mut stale: Vec<(&String, Kept)> = self
            .entries
            .iter()
            .filter(|(path, kind)| match kind {
                Kept::File(_) => !written.contains(*path),
                Kept::Folder => !needed.contains(path.as_str()) && !written.contains(*path),
            })
            .map(|(p, k)| (p, *k))
            .collect();
        // A folder before what it holds, which goes with it.
        stale.sort_by(|a, b| a.0.cmp(b.0));
        let mut removed: Option<String> = None;
        for (path, kind) in stale {
            if removed
                .as_ref()
                .is_some_and(|r| path.starts_with(r.as_str()) && path[r.len()..].starts_with('/'))
            {
                continue;
            }
            let target: PathBuf = site.join(path);
            match kind {
                Kept::File(_) => {
                    let _ = std::fs::remove_file(&target);
                }
                Kept::Folder => {
                    super::tree::remove_tree(&target);
                    removed = Some(path.clone());
                }
            }
        }
    }
}

/// Gives `found` every file and folder under `dir` (`rel` inside the kept output), each folder's
/// folders listed in parallel; `None` if one cannot be listed or a symlink cannot be removed.
#[cfg(unix)]
fn list(dir: &Path, rel: &str, found: &mut dyn FnMut(String, Kept)) -> Option<()> {
    use rayon::prelude::*;
    use std::os::unix::fs::DirEntryExt;
    let mut folders = Vec::new();
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let name = e.file_name().to_str()?.to_string();
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        match e.file_type() {
            Ok(t) if t.is_dir() => {
                found(path.clone(), Kept::Folder);
                folders.push((e.path(), path));
            }
            Ok(t) if t.is_file() => found(path, Kept::File(e.ino())),
            _ => std::fs::remove_file(e.path()).ok()?,
        }
    }
    let below: Vec<Vec<(String, Kept)>> = folders
        .par_iter()
        .map(|(dir, rel)| {
            let mut here = Vec::new();
            list(dir, rel, &mut |path, kept| here.push((path, kept)))?;
            Some(here)
        })
        .collect::<Option<_>>()?;
    for (path, kept) in below.into_iter().flatten() {
        found(path, kept);
    }
    Some(())
}
