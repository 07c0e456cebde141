//! The image cache on disk (`.ess-site-cache/images/`): its folder, its listing, the record
//! of the sources' hashes, its files and their mode (published as hard links). With `write`,
//! the only module that writes to disk: a build's image jobs keep what they make here.

use super::file::{format_of, Image, Known, Listing, Stamp, CACHE_DIR};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Makes a file of the cache readable by everyone (`0644`): its hard links are published.
#[cfg(unix)]
pub(crate) fn publishable(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
pub(crate) fn publishable(_f: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Keeps `data` as the file `target` of the cache folder `cache`, atomically: a reader sees
/// the whole file or none.
pub(super) fn keep(cache: &Path, target: &Path, data: &[u8]) -> Result<(), String> {
    let fr = |e: &std::io::Error| format!("cache d'images : {}", crate::diagnostic::io_fr(e));
    let mut tmp = tempfile::NamedTempFile::new_in(cache).map_err(|e| fr(&e))?;
    tmp.write_all(data).map_err(|e| fr(&e))?;
    // Published as hard links: readable by the web server, whoever it runs as (a temporary
    // file is made for its owner alone).
    publishable(tmp.as_file()).map_err(|e| fr(&e))?;
    tmp.persist(target).map_err(|e| fr(&e.error))?;
    Ok(())
}

/// Removes from the cache folder `dir` the files of images the site no longer has (an image
/// replaced or deleted; `hashes`: those it has): the cache holds what the sources need, not
/// every version ever processed. Only files named as the cache names them (`HASH-…`) are
/// looked at. A file removed stays published where it is linked (a hard link keeps it).
pub(super) fn evict<'a>(dir: &Path, hashes: impl Iterator<Item = &'a str>) {
    let hashes: std::collections::HashSet<&str> = hashes.collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((hash, _)) = name.split_once('-') else {
            continue;
        };
        let ours = hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if ours && !hashes.contains(hash) && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The files of the folder `dir`, from one listing (no `stat` per file).
#[cfg(unix)]
pub(super) fn list(dir: &Path) -> Option<Listing> {
    use std::os::unix::fs::{DirEntryExt, MetadataExt};
    let meta = std::fs::metadata(dir).ok()?;
    let files = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| (e.file_name(), e.ino()))
        .collect();
    Some((meta.dev(), files))
}

#[cfg(not(unix))]
pub(super) fn list(_dir: &Path) -> Option<Listing> {
    None
}

/// Makes the cache folder `dir`, with a `.gitignore` in the cache's top folder so that git
/// leaves it out wherever it is.
pub(super) fn make_cache_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if let Some(top) = dir.ancestors().find(|a| a.ends_with(CACHE_DIR)) {
        let ignore = top.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(ignore, "# The cache of ess-site: safe to delete.\n*\n")?;
        }
    }
    Ok(())
}

/// The cache's record of the sources: `origin, size, time, hash, format, width, height, alpha`.
pub(super) fn read_record(path: &Path) -> Known {
    let Ok(text) = crate::files::read_to_string(path) else {
        return Known::new();
    };
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let [origin, path, len, time, hash, format, w, h, alpha] = f.as_slice() else {
                return None;
            };
            let format = format_of(&format!("x.{format}"))?;
            Some((
                origin.to_string(),
                (
                    Stamp(len.parse().ok()?, time.parse().ok()?),
                    Image {
                        path: path.to_string(),
                        origin: origin.to_string(),
                        disk: PathBuf::new(),
                        hash: hash.to_string(),
                        format,
                        width: w.parse().ok()?,
                        height: h.parse().ok()?,
                        alpha: *alpha == "1",
                    },
                ),
            ))
        })
        .collect()
}

pub(super) fn write_record(path: &Path, record: &BTreeMap<String, (Stamp, Image)>) {
    let mut text = String::new();
    for (origin, (s, i)) in record {
        if origin.contains(['\t', '\n']) {
            continue;
        }
        text.push_str(&format!(
            "{origin}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            i.path,
            s.0,
            s.1,
            i.hash,
            i.format.ext(),
            i.width,
            i.height,
            u8::from(i.alpha)
        ));
    }
    let Some(dir) = path.parent() else { return };
    if make_cache_dir(dir).is_err() {
        return;
    }
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) {
        if tmp.write_all(text.as_bytes()).is_ok() {
            let _ = tmp.persist(path);
        }
    }
}
