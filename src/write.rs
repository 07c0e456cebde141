//! Stage 4, write: the only module that touches the output folder.
//!
//! Files go into a fresh temporary folder beside the output; only when every file is written
//! is that folder swapped in, so a failed or interrupted build leaves the previous output intact.

use crate::diagnostic::Diagnostic;
use crate::render::Output;
use std::path::{Component, Path, PathBuf};

/// A build's output being written, not yet visible at its final place.
pub struct Staging {
    dir: tempfile::TempDir,
    output: PathBuf,
}

impl Staging {
    /// Prepares a temporary folder beside `output`.
    pub fn new(output: &Path) -> Result<Staging, Diagnostic> {
        let err = |e: std::io::Error| {
            Diagnostic::error(
                output,
                0,
                0,
                format!("dossier de sortie inutilisable : {e}"),
            )
        };
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(err)?;
        if output.exists() && !output.is_dir() {
            return Err(Diagnostic::error(
                output,
                0,
                0,
                "le chemin de sortie existe et n'est pas un dossier",
            ));
        }
        remove_leftovers(&parent, &name);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(&parent)
            .map_err(err)?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
        })
    }

    /// Writes one file into the staging folder. Refuses any path that would leave it.
    pub fn write(&self, file: &Output) -> Result<(), Diagnostic> {
        let rel = Path::new(&file.path);
        let safe = !file.path.is_empty()
            && !file.path.contains(['\\', '\0'])
            && rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(Diagnostic::error(
                &file.path,
                0,
                0,
                "chemin de sortie refusé : il sortirait du dossier du site",
            ));
        }
        let target = self.dir.path().join(rel);
        let err = |e: std::io::Error| {
            Diagnostic::error(&file.path, 0, 0, format!("écriture impossible : {e}"))
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(err)?;
        }
        std::fs::write(&target, &file.bytes).map_err(err)
    }

    /// Puts the new output in place of the old one.
    pub fn commit(self) -> Result<(), Diagnostic> {
        let output = self.output.clone();
        let err = |e: std::io::Error| {
            Diagnostic::error(
                &output,
                0,
                0,
                format!("remplacement du dossier de sortie impossible : {e}"),
            )
        };
        let staged = self.dir.keep();
        set_readable(&staged).map_err(err)?;
        if output.exists() {
            let parent = staged.parent().unwrap_or(Path::new("."));
            let name = output
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let old = tempfile::Builder::new()
                .prefix(&format!(".{name}.old-"))
                .tempdir_in(parent)
                .map_err(err)?
                .keep();
            let old_output = old.join("previous");
            std::fs::rename(&output, &old_output).map_err(err)?;
            if let Err(e) = std::fs::rename(&staged, &output) {
                // Put the previous output back rather than leave nothing.
                let _ = std::fs::rename(&old_output, &output);
                return Err(err(e));
            }
            remove_tree(&old);
        } else {
            std::fs::rename(&staged, &output).map_err(err)?;
        }
        Ok(())
    }
}

/// Removes what an interrupted build (killed, machine stopped) left beside the output: its
/// temporary folder, or the previous output it was about to delete.
fn remove_leftovers(parent: &Path, name: &str) {
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if (n.starts_with(&tmp) || n.starts_with(&old)) && e.file_type().is_ok_and(|t| t.is_dir()) {
            remove_tree(&e.path());
        }
    }
}

/// Removes a folder and everything in it, the subfolders in parallel: on a site of many
/// thousands of pages, deleting the previous output is a large part of a build.
fn remove_tree(dir: &Path) {
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

/// Temporary folders are private to their owner; a published site must be readable by the web server.
#[cfg(unix)]
fn set_readable(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_readable(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}
