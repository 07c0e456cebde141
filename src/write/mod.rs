//! Stage 4, write: the only stage that writes to disk (but for the image cache, kept by
//! `images::cache`): the output folder, and beside it the files a command makes in the site —
//! a new record or site (`scaffold`), a letter archived (`letters`), the newsletter's files
//! (`paths::file`), and the editor's saves, never through a link (`beneath`).
//!
//! May import: `render` (its `Output`), `load`, `model`, `images` and the ground; never
//! `pipeline`, `serve` or `cli`.
//!
//! Guarantees (README, « Le dossier de sortie ») :
//! - the output folder is never the site, above it, or inside its sources, however it is
//!   spelled (paths are compared once resolved: `..`, symlinks, trailing slashes);
//! - one build at a time writes an output folder: an exclusive lock on a file beside it;
//! - files go into a staging folder beside the output, and only when every file is written is
//!   it exchanged with the output in one atomic step (`renameat2(RENAME_EXCHANGE)` on Linux,
//!   `renameatx_np(RENAME_SWAP)` on macOS), so a web server serving the output never sees a
//!   missing file and a failed build leaves the previous output intact;
//! - the build deletes only folders it made: its staging folders carry a marker file written
//!   first, and an existing output is replaced only if the last build recorded it as its own
//!   (or it is empty, or an output of an earlier version of ess-site);
//! - the output it replaces is kept in the staging folder, marked, and the next build starts
//!   from it (`previous`): an image published again as the same file of the cache is neither
//!   linked again nor deleted, which makes a build with many images cost about what a build
//!   without them does.

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
))]
pub mod beneath;
/// Elsewhere (Windows): the same calls through the standard library, the editor proxy's checks
/// of each part of a path standing alone.
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
pub mod beneath {
    use std::path::Path;
    pub fn write(root: &Path, rel: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(root))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".ess-site-")
            .tempfile_in(path.parent().unwrap_or(root))?;
        std::io::Write::write_all(&mut tmp, bytes)?;
        tmp.persist(&path).map(|_| ()).map_err(|e| e.error)
    }
    pub fn read(root: &Path, rel: &Path) -> std::io::Result<Vec<u8>> {
        crate::files::read(&root.join(rel))
    }
    pub fn remove(root: &Path, rel: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(root.join(rel)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            r => r,
        }
    }
    pub fn rename(root: &Path, from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::rename(root.join(from), root.join(to))
    }
}
pub mod letters;
mod owner;
mod paths;
mod previous;
pub mod scaffold;
mod tree;

use crate::diagnostic::Diagnostic;
use crate::render::Output;
pub use owner::Audience;
use owner::{detect_umask, file_inode, inode, new_file, owned, readable_folder, record_owner};
pub use paths::{check_file_output, check_output, file, resolve};
use previous::{Previous, KEPT};
use std::fs::File;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as made by ess-site, written first in each staging folder.
const MARKER: &str = ".ess-site-staging";
const MARKER_TEXT: &str =
    "Dossier temporaire d'une construction d'ess-site : il peut être supprimé.\n";

/// Whether a build waits for another one writing the same output, or gives up at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Wait for the other build to finish; `on_wait` of [`Staging::new`] is told once.
    Yes,
    /// Fail at once with a clear message.
    No,
}

/// A build's output being written, not yet visible at its final place.
pub struct Staging {
    /// The staging folder, with its marker: deleted whole if the build fails; when it succeeds,
    /// kept with the output it replaced, for the next build.
    dir: PathBuf,
    /// `dir/site`: what becomes the output.
    site: PathBuf,
    /// The output folder, resolved.
    output: PathBuf,
    /// The locked file beside the output; it records which folder the last build published.
    lock: File,
    /// What `site` held when the build began: the output before the last one, when kept.
    previous: Option<Previous>,
    /// The files written as links to the image cache (path in the output, file of the cache).
    linked: std::sync::Mutex<Vec<(String, PathBuf)>>,
    /// Every file written, recorded beside the output once it is published: what the build
    /// owns there.
    written: std::sync::Mutex<Vec<(String, u64)>>,
    /// Who the output is for: a folder keeps its audience.
    audience: Audience,
    committed: bool,
}

/// Makes scratch files beside `output`, on the disk that is to hold it (the system's temporary
/// folder may be a RAM disk: memory again), without a name (gone when closed); for what a
/// build holds before its staging folder is made (the records' bodies, `text::packed::Store`).
pub fn scratch_beside(output: &Path) -> impl Fn() -> std::io::Result<File> + Send + Sync + 'static {
    let beside = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    move || tempfile::tempfile_in(&beside)
}

impl Staging {
    /// Checks `output` against the site in `root`, takes the output's lock (waiting for another
    /// build or not, as `wait` says; `on_wait` is called once if it has to wait), removes what
    /// interrupted builds left, and prepares a staging folder beside the output.
    pub fn new(
        root: &Path,
        output: &Path,
        audience: Audience,
        wait: Wait,
        on_wait: &dyn Fn(),
    ) -> Result<Staging, Diagnostic> {
        let output = check_output(root, output)?;
        let err = |e: std::io::Error| {
            Diagnostic::error(
                &output,
                0,
                0,
                format!(
                    "dossier de sortie inutilisable : {}",
                    crate::diagnostic::io_fr(&e)
                ),
            )
        };
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = output.parent().unwrap_or(Path::new("/")).to_path_buf();
        if output.exists() && !output.is_dir() {
            return Err(Diagnostic::error(
                &output,
                0,
                0,
                "le chemin de sortie existe et n'est pas un dossier",
            )
            .with_help("choisissez un dossier, par exemple public/"));
        }
        let lock_path = parent.join(format!(".{name}.lock"));
        // The folder checked before anything is created (a refused folder gets no lock file
        // beside it), and whole under the lock (another build may have published meanwhile).
        let recorded = crate::files::read_to_string(&lock_path).unwrap_or_default();
        owned(&output, &recorded, audience, false)?;
        std::fs::create_dir_all(&parent).map_err(err)?;
        let lock = lock(&lock_path, &output, wait, on_wait)?;
        let mut recorded = String::new();
        let _ = std::io::Read::read_to_string(&mut &lock, &mut recorded);
        owned(&output, &recorded, audience, true)?;
        if let Some(dir) = remove_leftovers(&parent, &name) {
            // No longer a whole output once this build writes into it: removed if it fails.
            if std::fs::remove_file(dir.join(KEPT)).is_ok() {
                detect_umask(&dir);
                let site = dir.join("site");
                if let Some(previous) = Previous::scan(&site) {
                    return Ok(Staging {
                        site,
                        dir,
                        output,
                        lock,
                        previous: Some(previous),
                        linked: Default::default(),
                        written: Default::default(),
                        audience,
                        committed: false,
                    });
                }
            }
            remove_staging(&dir);
        }
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(&parent)
            .map_err(err)?
            .keep();
        let staging = Staging {
            site: dir.join("site"),
            dir,
            output: output.clone(),
            lock,
            previous: None,
            linked: Default::default(),
            written: Default::default(),
            audience,
            committed: false,
        };
        std::fs::write(staging.dir.join(MARKER), MARKER_TEXT).map_err(err)?;
        detect_umask(&staging.dir);
        std::fs::create_dir(&staging.site).map_err(err)?;
        Ok(staging)
    }

    /// Writes one file into the staging folder. Refuses any path that would leave it.
    pub fn write(&self, file: &Output) -> Result<(), Diagnostic> {
        self.put(file, &mut |f| std::io::Write::write_all(f, &file.bytes))
    }

    /// Writes the file at `path` (inside the output) as `make` writes it, a piece at a time,
    /// through a buffer: a file of hundreds of megabytes (an export of a national directory) is
    /// never held whole. The same checks and record as `write`.
    pub fn write_with(
        &self,
        path: &str,
        make: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
        let file = Output {
            path: path.to_string(),
            bytes: Vec::new(),
            links: Vec::new(),
            from: None,
        };
        self.put(&file, &mut |f| {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 18, f);
            make(&mut buffered)?;
            std::io::Write::flush(&mut buffered)
        })
    }

    /// Makes scratch files in the staging folder, beside the output (on its disk, which holds
    /// the output: a system `/tmp` may be memory). A scratch file has no name: the system
    /// removes it when it is closed, even if the build stops, and nothing is left to clean.
    pub fn scratch(&self) -> impl Fn() -> std::io::Result<File> + Send + Sync + 'static {
        let dir = self.dir.clone();
        move || tempfile::tempfile_in(&dir)
    }

    /// The size of the file written at `path` (inside the output).
    pub fn len_of(&self, path: &str) -> Option<usize> {
        let len = std::fs::metadata(self.site.join(path)).ok()?.len();
        usize::try_from(len).ok()
    }

    /// The file written at `path` (inside the output), to read a piece at a time.
    pub fn open(&self, path: &str) -> std::io::Result<std::io::BufReader<File>> {
        File::open(self.site.join(path)).map(|f| std::io::BufReader::with_capacity(1 << 18, f))
    }

    /// Puts `file` at its place in the staging folder: a link to its cached file, or a new
    /// file whose content `fill` writes.
    fn put(
        &self,
        file: &Output,
        fill: &mut dyn FnMut(&mut File) -> std::io::Result<()>,
    ) -> Result<(), Diagnostic> {
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
        let target = self.site.join(rel);
        let err = |e: std::io::Error| {
            Diagnostic::error(
                &file.path,
                0,
                0,
                format!("écriture impossible : {}", crate::diagnostic::io_fr(&e)),
            )
        };

        if let (Some(from), None) = (&file.from, &self.previous) {
            self.linked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((file.path.clone(), from.path.clone()));
        }
        let cached = file.from.as_ref().and_then(|f| f.id);
        if let Some(previous) = &self.previous {
            if previous.prepare(&file.path, &target, cached) {
                self.record(&file.path, cached.map(|(_, ino)| ino));
                return Ok(());
            }
        }
        let mut put = || match &file.from {
            // A hard link where the cache and the output share a file system: no copy (the
            // cache's files are replaced, never changed in place). Elsewhere, a copy.
            Some(from) => std::fs::hard_link(&from.path, &target)
                .map(|()| from.id.map(|(_, ino)| ino))
                .or_else(|_| std::fs::copy(&from.path, &target).map(|_| None)),
            // A new file, never one written in place: a file of the kept output may be a hard
            // link to the cache, and a reader of the old output keeps its bytes whole.
            None => new_file(&target).and_then(|mut f| {
                fill(&mut f)?;
                Ok(inode(&f))
            }),
        };
        // The folder is made when the file cannot be written without it: most files go into a
        // folder made for an earlier one (no `mkdir` and `stat` per file).
        let ino = match put() {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                self.make_folders(rel).map_err(err)?;
                put().map_err(err)?
            }
            r => r.map_err(err)?,
        };
        self.record(&file.path, ino.or_else(|| file_inode(&target)));
        Ok(())
    }

    /// Notes a file written, with its inode: the manifest of what the build owns.
    fn record(&self, path: &str, ino: Option<u64>) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), ino.unwrap_or(0)));
    }

    /// Makes the folders of `rel` inside the staging folder; a file of the kept output where
    /// one of them goes is removed first.
    fn make_folders(&self, rel: &Path) -> std::io::Result<()> {
        // Most often only the file's own folder is missing (a page's folder, in its section's).
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            let dir = self.site.join(parent);
            match std::fs::create_dir(&dir) {
                Ok(()) => return readable_folder(&dir),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {
                    return Ok(());
                }
                // A folder above it is missing too, or a file stands in the way.
                Err(_) => {}
            }
        }
        let mut dir = self.site.clone();
        for part in rel.parent().into_iter().flat_map(Path::components) {
            dir.push(part);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => continue,
                Ok(_) => std::fs::remove_file(&dir)?,
                Err(_) => {}
            }
            match std::fs::create_dir(&dir) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
                r => {
                    r?;
                    readable_folder(&dir)?;
                }
            }
        }
        Ok(())
    }

    /// Puts the new output in place of the old one, in one atomic step where the system has
    /// one, then deletes the previous output. Gives the paths written, sorted.
    pub fn commit(mut self) -> Result<Vec<String>, Diagnostic> {
        let output = self.output.clone();
        let err = |e: std::io::Error| {
            Diagnostic::error(
                &output,
                0,
                0,
                format!(
                    "remplacement du dossier de sortie impossible : {}",
                    crate::diagnostic::io_fr(&e)
                ),
            )
        };
        if let Some(previous) = self.previous.take() {
            previous.finish(&self.site);
        }
        owner::set_readable(&self.site).map_err(err)?;
        let mut keep = false;
        if output.exists() {
            if let Err(e) = exchange(&self.site, &output) {
                // No atomic exchange on this system or file system: two renames, the previous
                // output put back if the second fails. A reader may miss a file in between.
                if e.kind() != std::io::ErrorKind::Unsupported {
                    return Err(err(e));
                }
                let previous = self.dir.join("previous");
                std::fs::rename(&output, &previous).map_err(err)?;
                if let Err(e) = std::fs::rename(&self.site, &output) {
                    let _ = std::fs::rename(&previous, &output);
                    return Err(err(e));
                }
            } else {
                // `site` now holds the output replaced: kept for the next build.
                keep = true;
            }
        } else {
            std::fs::rename(&self.site, &output).map_err(err)?;
            // No output was replaced (the first build into this folder): the next build
            // starts from the image links alone, so that it does not link them all again.
            keep = self.seed().is_ok();
        }
        self.committed = true;
        let mut written =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        written.sort_unstable();
        written.dedup();
        record_owner(&mut self.lock, &output, self.audience, &written);
        if !(keep && std::fs::write(self.dir.join(KEPT), MARKER_TEXT).is_ok()) {
            remove_staging(&self.dir);
        }
        Ok(written.into_iter().map(|(path, _)| path).collect())
    }

    /// Makes `site` again, holding the links to the image cache this build published (the
    /// files of the output that the next build would otherwise link again). Fails when there
    /// are none, or on any error (the folder is then removed with the staging folder).
    fn seed(&self) -> std::io::Result<()> {
        let linked = std::mem::take(&mut *self.linked.lock().unwrap_or_else(|e| e.into_inner()));
        if linked.is_empty() || self.site.exists() {
            return Err(std::io::ErrorKind::Other.into());
        }
        std::fs::create_dir(&self.site)?;
        for (rel, from) in linked {
            let rel = Path::new(&rel);
            let target = self.site.join(rel);
            if let Err(e) = std::fs::hard_link(&from, &target) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    return Err(e);
                }
                self.make_folders(rel)?;
                std::fs::hard_link(&from, &target)?;
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind (its staging folder is marked as its own).
    fn drop(&mut self) {
        if !self.committed && self.dir.join(MARKER).is_file() {
            remove_staging(&self.dir);
        }
    }
}

/// Takes the exclusive lock of an output folder.
fn lock(path: &Path, output: &Path, wait: Wait, on_wait: &dyn Fn()) -> Result<File, Diagnostic> {
    let err = |e: std::io::Error| {
        Diagnostic::error(
            path,
            0,
            0,
            format!(
                "verrou du dossier de sortie impossible à prendre : {}",
                crate::diagnostic::io_fr(&e)
            ),
        )
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(err)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => match wait {
            Wait::No => Err(Diagnostic::error(
                output,
                0,
                0,
                "une autre construction écrit déjà dans ce dossier de sortie",
            )
            .with_help("attendez qu'elle finisse, ou relancez sans --no-wait pour l'attendre")),
            Wait::Yes => {
                on_wait();
                file.lock().map_err(err)?;
                Ok(file)
            }
        },
        Err(std::fs::TryLockError::Error(e)) => Err(err(e)),
    }
}

/// Exchanges two folders in one step. `Unsupported` when the system or the file system has no
/// such exchange (the caller then renames twice).
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP => {
            Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
        }
        Err(e) => Err(std::io::Error::from(e)),
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Removes what interrupted builds (killed, machine stopped) left beside the output: their
/// staging folders, recognised by their marker. A folder without it is never emptied. The
/// folder holding the output the last build replaced (marked as kept) is returned, not removed.
fn remove_leftovers(parent: &Path, name: &str) -> Option<PathBuf> {
    let prefix = format!(".{name}.tmp-");
    let entries = std::fs::read_dir(parent).ok()?;
    let mut kept = None;
    let mut names: Vec<(String, PathBuf, bool)> = entries
        .flatten()
        .map(|e| {
            let dir = e.file_type().is_ok_and(|t| t.is_dir());
            (e.file_name().to_string_lossy().into_owned(), e.path(), dir)
        })
        .collect();
    names.sort();
    for (n, path, dir) in names {
        if !n.starts_with(&prefix) || !dir {
            continue;
        }
        if path.join(MARKER).is_file() {
            if kept.is_none() && path.join(KEPT).is_file() {
                kept = Some(path);
            } else {
                remove_staging(&path);
            }
        } else {
            // A build killed between making its folder and marking it left it empty; removing
            // an empty folder fails on any other.
            let _ = std::fs::remove_dir(&path);
        }
    }
    kept
}

/// Removes a staging folder of the build's: its marker last, so that a build killed at any
/// moment of the removal leaves a folder the next build still knows as its own (or an empty
/// one, which it removes too).
fn remove_staging(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name() == MARKER {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => tree::remove_tree(&e.path()),
            _ => {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let _ = std::fs::remove_file(dir.join(MARKER));
    let _ = std::fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_applies_dotdot_and_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(base.join("site")).unwrap();
        assert_eq!(resolve(&base.join("site/../site/")), base.join("site"));
        assert_eq!(resolve(&base.join("site/new/../x")), base.join("site/x"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("site"), base.join("link")).unwrap();
            assert_eq!(resolve(&base.join("link")), base.join("site"));
            assert_eq!(resolve(&base.join("link/public")), base.join("site/public"));
        }
    }
}
