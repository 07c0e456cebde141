//! Folders removed whole: the build's own staging folders and the output it replaces.

use std::path::Path;

/// Removes a folder and everything in it, the subfolders in parallel: on a site of many
/// thousands of pages, deleting the previous output is a large part of a build. Symlinks are
/// removed, never followed.
pub(crate) fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let entries: Vec<std::fs::DirEntry> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(_) => return,
    };
    entries.par_iter().for_each(|e| match e.file_type() {
        Ok(t) if t.is_dir() => remove_tree(&e.path()),
        _ => {
            let _ = std::fs::remove_file(e.path());
        }
    });
    let _ = std::fs::remove_dir(dir);
}
