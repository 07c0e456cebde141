//! What the build owns in an output folder, and how it makes it readable: the record beside
//! the output (in its lock file) of every file the last build published there, with its
//! inode, and of the audience it was published for — a folder holding anything else is
//! refused, never replaced; and the modes of what it writes (a web server running as another
//! user reads every file, whatever the umask of the one who builds).

use crate::diagnostic::Diagnostic;
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Who an output folder is published for. A folder published for one is never written by a
/// build for the other: members' pages never land where the public is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    Members,
}

impl Audience {
    fn word(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Members => "membres",
        }
    }
}

/// The first line of the record beside an output (in its lock file) of what the last build
/// published there: the folder's identity, its audience, then each file it wrote with its inode.
const RECORD: &str = "ess-site : dossier de sortie publié (ne pas modifier)";

/// The identity of a folder on its file system (device and inode).
#[cfg(unix)]
fn folder_id(dir: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(dir).ok()?;
    m.is_dir().then(|| format!("{}:{}", m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn folder_id(_dir: &Path) -> Option<String> {
    None
}

/// A new file of the output, readable by the web server whoever it runs as (`0644`, whatever
/// the umask of the one who builds).
#[cfg(unix)]
pub(super) fn new_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(path)?;
    if UMASK_HIDES.load(std::sync::atomic::Ordering::Relaxed) {
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(f)
}

#[cfg(not(unix))]
pub(super) fn new_file(path: &Path) -> std::io::Result<File> {
    File::create_new(path)
}

/// Finds whether the umask takes read access from others, by a folder made in `dir` (a
/// staging folder of the build's) and removed at once.
#[cfg(unix)]
pub(super) fn detect_umask(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("umask");
    if std::fs::create_dir(&probe).is_ok() {
        let hides =
            std::fs::metadata(&probe).is_ok_and(|m| m.permissions().mode() & 0o055 != 0o055);
        UMASK_HIDES.store(hides, std::sync::atomic::Ordering::Relaxed);
        let _ = std::fs::remove_dir(&probe);
    }
}

#[cfg(not(unix))]
pub(super) fn detect_umask(_dir: &Path) {}

/// A folder made in the output: `0755` where the umask would hide it from the web server.
pub(super) fn readable_folder(dir: &Path) -> std::io::Result<()> {
    if UMASK_HIDES.load(std::sync::atomic::Ordering::Relaxed) {
        set_readable(dir)?;
    }
    Ok(())
}

/// Whether the umask takes read access from others (a file made `0644` is then made so by
/// hand); found on the first folder a build makes.
static UMASK_HIDES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(unix)]
pub(super) fn inode(f: &File) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    f.metadata().ok().map(|m| m.ino())
}

#[cfg(not(unix))]
pub(super) fn inode(_f: &File) -> Option<u64> {
    None
}

pub(super) fn file_inode(path: &Path) -> Option<u64> {
    File::open(path).ok().as_ref().and_then(inode)
}

/// Records beside the output what this build published: read by the next build, which
/// replaces the folder only if it still holds nothing else.
pub(super) fn record_owner(
    lock: &mut File,
    output: &Path,
    audience: Audience,
    written: &[(String, u64)],
) {
    use std::io::Seek;
    let Some(id) = folder_id(output) else {
        return;
    };
    let _ = lock.set_len(0);
    let _ = lock.seek(std::io::SeekFrom::Start(0));
    // Written a piece at a time: a million pages' record is not held whole.
    let out = std::io::BufWriter::with_capacity(1 << 16, &mut *lock);
    let _ = write_record(out, &id, audience, written);
}

/// The owner record's lines: its heading, the folder and its audience, then each file.
fn write_record(
    mut out: impl Write,
    id: &str,
    audience: Audience,
    written: &[(String, u64)],
) -> std::io::Result<()> {
    writeln!(out, "{RECORD}")?;
    writeln!(out, "{id}\n{}", audience.word())?;
    for (path, ino) in written {
        writeln!(out, "{ino} {path}")?;
    }
    out.flush()
}

/// Checks that the build may replace `output`: it does not exist, is empty, or holds exactly
/// what the last build published there (as recorded beside it) for the same audience — a
/// file of the user's own anywhere inside, or a file put in place of one the build wrote,
/// and the build refuses, naming it. Ownership comes from what the build wrote, never from
/// the names of the files found.
///
/// With `files` false, only the folder and its audience are checked against the record (no
/// listing of the output): enough to refuse, before anything is made beside it, a folder no
/// build recorded; the listing is made once, under the lock.
pub(super) fn owned(
    output: &Path,
    recorded: &str,
    audience: Audience,
    files: bool,
) -> Result<(), Diagnostic> {
    let Ok(mut entries) = std::fs::read_dir(output) else {
        return Ok(());
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let refuse = |message: String, help: &'static str| {
        Err(Diagnostic::error(output, 0, 0, message).with_help(help))
    };
    let not_ours = || {
        refuse(
            "ce dossier contient des fichiers qu'ess-site n'a pas écrits : la construction ne les remplacera pas".into(),
            "choisissez un dossier vide ou qui n'existe pas encore, par exemple public/",
        )
    };
    let mut lines = recorded.lines();
    if lines.next() != Some(RECORD) {
        return legacy(output, recorded)
            .then_some(())
            .map_or_else(not_ours, Ok);
    }
    let (Some(id), Some(was)) = (lines.next(), lines.next()) else {
        return not_ours();
    };
    if folder_id(output).as_deref() != Some(id) {
        return not_ours();
    }
    if was != audience.word() {
        return refuse(
            format!(
                "ce dossier a été publié pour {} : une construction pour {} ne l'écrit pas",
                if was == "public" {
                    "le public"
                } else {
                    "les membres"
                },
                match audience {
                    Audience::Public => "le public",
                    Audience::Members => "les membres",
                }
            ),
            match audience {
                Audience::Members => {
                    "les fiches privées vont dans un dossier à part, par défaut public-membres/"
                }
                Audience::Public => {
                    "construisez le site public dans son propre dossier, par défaut public/"
                }
            },
        );
    }
    if !files {
        return Ok(());
    }
    let mut published: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    let mut folders: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for line in lines {
        let Some((ino, path)) = line.split_once(' ') else {
            return not_ours();
        };
        published.insert(path, ino.parse().unwrap_or(0));
        let mut p = path;
        while let Some((parent, _)) = p.rsplit_once('/') {
            if !folders.insert(parent) {
                break;
            }
            p = parent;
        }
    }
    let foreign = foreign_files(output, &published, &folders);
    if foreign.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = foreign.iter().take(3).map(|f| format!("« {f} »")).collect();
    let more = foreign.len().saturating_sub(3);
    refuse(
        format!(
            "ce dossier contient des fichiers qu'ess-site n'a pas écrits ({}{}) : la construction ne les remplacera pas",
            shown.join(", "),
            if more > 0 { format!(" et {more} autre{}", if more > 1 { "s" } else { "" }) } else { String::new() }
        ),
        "déplacez ces fichiers hors du dossier de sortie (les fichiers à publier tels quels vont dans static/), ou choisissez un autre dossier",
    )
}

/// The entries of `output` the last build did not write: files not in its record (or another
/// file at their place), folders holding none of its files, anything else (a symlink). Read
/// from the folders' listings: no `stat` per file.
fn foreign_files(
    output: &Path,
    published: &std::collections::HashMap<&str, u64>,
    folders: &std::collections::HashSet<&str>,
) -> Vec<String> {
    let mut foreign = Vec::new();
    let mut stack = vec![(output.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            foreign.push(if rel.is_empty() { ".".into() } else { rel });
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            match e.file_type() {
                Ok(t) if t.is_dir() && folders.contains(path.as_str()) => {
                    stack.push((e.path(), path));
                }
                Ok(t) if t.is_file() => {
                    let ours = published
                        .get(path.as_str())
                        .is_some_and(|&ino| ino == 0 || entry_inode(&e) == Some(ino));
                    if !ours {
                        foreign.push(path);
                    }
                }
                _ => foreign.push(path),
            }
        }
    }
    foreign.sort();
    foreign
}

#[cfg(unix)]
fn entry_inode(e: &std::fs::DirEntry) -> Option<u64> {
    use std::os::unix::fs::DirEntryExt;
    Some(e.ino())
}

#[cfg(not(unix))]
fn entry_inode(_e: &std::fs::DirEntry) -> Option<u64> {
    None
}

/// An output recorded by ess-site before the record listed its files (the folder and the
/// entries at its top, by inode): still the build's own while it is unchanged.
#[cfg(unix)]
fn legacy(dir: &Path, recorded: &str) -> bool {
    use std::fmt::Write;
    use std::os::unix::fs::MetadataExt;
    let identity = || -> Option<String> {
        let m = std::fs::symlink_metadata(dir).ok()?;
        let mut entries = std::fs::read_dir(dir)
            .ok()?
            .map(|e| {
                let e = e.ok()?;
                Some((e.file_name(), e.metadata().ok()?.ino()))
            })
            .collect::<Option<Vec<_>>>()?;
        entries.sort();
        let mut id = format!("{}:{}", m.dev(), m.ino());
        for (name, ino) in entries {
            let _ = write!(id, "\n{name:?} {ino}");
        }
        Some(id)
    };
    !recorded.trim().is_empty() && identity().is_some_and(|id| recorded.trim() == id)
}

#[cfg(not(unix))]
fn legacy(_dir: &Path, _recorded: &str) -> bool {
    false
}
/// Temporary folders are private to their owner; a published site must be readable by the web server.
#[cfg(unix)]
pub(super) fn set_readable(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
pub(super) fn set_readable(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}
