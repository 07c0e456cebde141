//! Images: the site's photos and logos (`static/`), resized for the screens that show them.
//!
//! Each raster image (JPEG, PNG, WebP) of the site's `static/` is published as a few widths
//! (never upscaled), each in WebP and in a fallback format (JPEG, or PNG for an image with
//! transparency), with names that carry a hash of its content (`forum-800.3f9a2c1b.webp`,
//! cacheable for a year); its own address (`/images/forum.jpg`) serves the largest width in
//! its own format, and a cover gets a 1200 × 630 crop for Open Graph. Every one is decoded and
//! encoded again, so no published image keeps the EXIF, XMP or IPTC metadata of the original
//! (a phone writes the GPS position of a photo there); the orientation is applied first. SVG
//! files are published as they are, once checked (no script, no event handler, no external
//! reference). Decoding has limits (dimensions and memory): a decompression bomb is refused.
//!
//! Processed files are kept in `.ess-site-cache/images/` by content hash and parameters: a
//! rebuild with unchanged images reads them from there. The content hash of each source is
//! kept there too, by path, size and modification time, so an unchanged photo is not read.

mod budget;
mod cache;
mod decode;
mod encode;
mod file;
pub mod gif;
mod jpeg;
mod svg;

use crate::diagnostic::Diagnostic;
use cache::{list, read_record, write_record};
use decode::header;
use encode::process;
use file::{format_of, stamp, Known, Listing, Refused, Stamp, MAX_FILE, VERSION};
pub use file::{is_image, CachedFile, Format, Image, Variant, CACHE_DIR, OG, WIDTHS};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use svg::check_svg;

/// An image's processing in one run: made once, its outcome shared.
type Once = OnceLock<Result<(), String>>;

/// The images of a site's `static/`, by site path.
#[derive(Debug, Default)]
pub struct Library {
    pub images: BTreeMap<String, Arc<Image>>,
    /// Where processed files are kept.
    pub cache: PathBuf,
    /// The files refused (unreadable, too large, unsafe SVG), by site path, and why.
    pub refused: std::collections::BTreeSet<String>,
    pub problems: Vec<Diagnostic>,
    /// The record of the sources to write into the cache (`save`), when it changed.
    record: Mutex<Option<BTreeMap<String, (Stamp, Image)>>>,
    /// The images being processed or processed by this run, by hash (each once).
    done: Mutex<BTreeMap<String, Arc<Once>>>,
    /// The cache's files when a build began (`list_cache`), by name: what identifies each on
    /// its file system, read in one listing instead of a `stat` per published file.
    listed: std::sync::RwLock<Option<Listing>>,
    /// Whether this run made files in the cache (a listing made before is then out of date).
    made: std::sync::atomic::AtomicBool,
}

impl PartialEq for Library {
    fn eq(&self, other: &Self) -> bool {
        self.images == other.images
    }
}

impl Library {
    /// Reads what it needs of each file of `files` (site path, origin, file): its hash (from the
    /// cache's record when its size and time are unchanged), size and transparency. A file that
    /// cannot be read, is too large, or is an unsafe SVG, is an error naming it.
    pub fn scan(root: &Path, files: Vec<(String, String, PathBuf)>) -> Library {
        let cache = root.join(CACHE_DIR).join("images");
        let record_path = cache.join(format!("sources-{VERSION}.tsv"));
        let known = read_record(&record_path);
        let scanned: Vec<Result<(Image, Stamp), (String, Diagnostic)>> = files
            .into_par_iter()
            .map(|(path, origin, disk)| {
                scan_one(&path, &origin, &disk, &known)
                    .map_err(|e| (path, Diagnostic::error(&origin, 0, 0, e.0).with_help(e.1)))
            })
            .collect();
        let mut images = BTreeMap::new();
        let mut problems = Vec::new();
        let mut refused = std::collections::BTreeSet::new();
        let mut record = BTreeMap::new();
        for s in scanned {
            match s {
                Ok((image, stamp)) => {
                    record.insert(image.origin.clone(), (stamp, image.clone()));
                    images.insert(image.path.clone(), Arc::new(image));
                }
                Err((path, d)) => {
                    refused.insert(path);
                    problems.push(d);
                }
            }
        }
        // An animated WebP is published as its first frame: said, not done silently.
        for image in images.values().filter(|i| i.format == Format::Webp) {
            if is_animated_webp(&image.disk) {
                problems.push(
                    Diagnostic::warning(
                        &image.origin,
                        0,
                        0,
                        "WebP animée : seule sa première image est publiée (sans animation)",
                    )
                    .with_help("pour une animation, publiez une vidéo (MP4) ou un GIF ; sinon enregistrez cette image fixe"),
                );
            }
        }
        let changed = record.len() != known.len()
            || record.iter().any(|(k, v)| {
                known
                    .get(k)
                    .is_none_or(|old| old.0 != v.0 || old.1.hash != v.1.hash)
            });
        Library {
            images,
            cache,
            refused,
            problems,
            record: Mutex::new(changed.then_some(record)),
            done: Mutex::default(),
            listed: Default::default(),
            made: Default::default(),
        }
    }

    /// Lists the cache's files, for a build: a file listed is then known to be there (and
    /// linked) without a `stat` of its own; one not listed still gets one. Called before the
    /// images are processed, and again after if that made files. Not for a preview, whose
    /// library outlives many builds and whose cache may be emptied meanwhile.
    pub fn list_cache(&self) {
        let listing = list(&self.cache);
        *self.listed.write().unwrap_or_else(|e| e.into_inner()) = listing;
        self.made.store(false, std::sync::atomic::Ordering::Relaxed);
    }

    /// After the images are processed: the listing again if files were made meanwhile.
    pub fn list_cache_again(&self) {
        if self.made.load(std::sync::atomic::Ordering::Relaxed) {
            self.list_cache();
        }
    }

    /// Device and inode of the file `path` of the cache, if the listing has it.
    fn listed_id(&self, path: &Path) -> Option<(u64, u64)> {
        let listed = self.listed.read().unwrap_or_else(|e| e.into_inner());
        let (dev, files) = listed.as_ref()?;
        Some((*dev, *files.get(path.file_name()?)?))
    }

    /// Writes what the cache keeps of the sources (hashes and sizes by file), if it changed:
    /// a build does once it is written (`check` writes nothing).
    pub fn save(&self) {
        let pending = self.record.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(record) = pending {
            write_record(&self.cache.join(format!("sources-{VERSION}.tsv")), &record);
            cache::evict(&self.cache, self.images.values().map(|i| i.hash.as_str()));
        }
    }

    /// Makes the cache's files of `image` if they are not there yet; once per image in a run,
    /// whoever asks.
    pub fn process(&self, image: &Image, cover: bool) -> Result<(), Diagnostic> {
        let key = format!("{}{}", image.hash, if cover { "+og" } else { "" });
        let cell = Arc::clone(
            self.done
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key)
                .or_default(),
        );
        cell.get_or_init(|| {
            // Already made, as the listing of the cache says: no `stat` to know it.
            let listed = |v| self.listed_id(&image.cached(&self.cache, v)).is_some();
            if image.format != Format::Svg && listed(Variant::Original) && (!cover || listed(Variant::Og)) {
                return Ok(());
            }
            let made = process(image, &self.cache, cover)?;
            if made {
                self.made.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(())
        })
        .clone()
            .map_err(|e| {
                Diagnostic::error(&image.origin, 0, 0, e)
                    .with_help("ouvrez le fichier dans un logiciel d'images et enregistrez-le de nouveau en JPEG ou PNG")
            })
    }

    /// The file of the cache holding one published file of `image` (made first if needed);
    /// `None` for an SVG's own file, published as it is.
    pub fn cached_file(
        &self,
        image: &Image,
        v: Variant,
        cover: bool,
    ) -> Result<Option<CachedFile>, Diagnostic> {
        if v == Variant::Original && image.format == Format::Svg {
            return Ok(None);
        }
        self.process(image, cover)?;
        let path = image.cached(&self.cache, v);
        let listed = self.listed_id(&path);
        if listed.is_some() {
            return Ok(Some(CachedFile { id: listed, path }));
        }
        let meta = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m,
            _ => {
                // The cache was emptied since this run made it (a long preview): made again.
                process(image, &self.cache, cover)
                    .map_err(|e| Diagnostic::error(&image.origin, 0, 0, e))?;
                self.made.store(true, std::sync::atomic::Ordering::Relaxed);
                std::fs::metadata(&path).map_err(|e| read_error(image, &e))?
            }
        };
        Ok(Some(CachedFile {
            id: file_id(&meta),
            path,
        }))
    }

    /// The bytes of one published file of `image` (made first if needed).
    pub fn file(&self, image: &Image, v: Variant, cover: bool) -> Result<Vec<u8>, Diagnostic> {
        // An SVG's own file: its drawing rebuilt by the allow-list (`svg::sanitized`).
        if v == Variant::Original && image.format == Format::Svg {
            let bytes = crate::files::read(&image.disk).map_err(|e| read_error(image, &e))?;
            return svg::sanitized(&bytes)
                .map_err(|r| Diagnostic::error(&image.origin, 0, 0, r.0).with_help(r.1));
        }
        let path = self
            .cached_file(image, v, cover)?
            .map_or_else(|| image.disk.clone(), |f| f.path);
        std::fs::read(path).map_err(|e| read_error(image, &e))
    }
}

#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Whether the WebP file at `path` is animated (the `VP8X` header's animation flag), from
/// its first 21 bytes.
fn is_animated_webp(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 21];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head[0..4] == b"RIFF"
        && &head[8..16] == b"WEBPVP8X"
        && head[20] & 0x02 != 0
}

fn read_error(image: &Image, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        &image.origin,
        0,
        0,
        format!("image illisible : {}", crate::diagnostic::io_fr(e)),
    )
}

fn scan_one(
    path: &str,
    origin: &str,
    disk: &Path,
    known: &Known,
) -> Result<(Image, Stamp), Refused> {
    let io = |e: std::io::Error| {
        Refused(
            format!("image illisible : {}", crate::diagnostic::io_fr(&e)),
            "vérifiez que le fichier est lisible".into(),
        )
    };
    let meta = std::fs::metadata(disk).map_err(io)?;
    let stamp = stamp(&meta);
    if let Some((s, image)) = known.get(origin) {
        if *s == stamp && image.path == path {
            let mut image = image.clone();
            image.disk = disk.to_path_buf();
            return Ok((image, stamp));
        }
    }
    if meta.len() > MAX_FILE {
        return Err(Refused(
            format!(
                "image trop lourde : {} Mio (au plus {} Mio)",
                meta.len() >> 20,
                MAX_FILE >> 20
            ),
            "réduisez-la avant de l'ajouter : le site en publie lui-même les tailles utiles".into(),
        ));
    }
    let bytes = crate::files::read(disk).map_err(io)?;
    let hash = blake3::hash(&bytes).to_hex()[..16].to_string();
    let format = format_of(path).unwrap_or(Format::Jpeg);
    let (width, height, alpha) = if format == Format::Svg {
        let (w, h) = check_svg(&bytes)?;
        (w, h, true)
    } else {
        header(&bytes)?
    };
    if image::guess_format(&bytes).is_ok_and(|f| f == image::ImageFormat::Jpeg)
        && !jpeg::is_whole(&bytes)
    {
        return Err(Refused(
            "image incomplète : le fichier s'arrête avant la fin de l'image (copie interrompue ?)"
                .into(),
            "copiez de nouveau le fichier d'origine, ou ouvrez-le dans un logiciel d'images et enregistrez-le".into(),
        ));
    }
    Ok((
        Image {
            path: path.to_string(),
            origin: origin.to_string(),
            disk: disk.to_path_buf(),
            hash,
            format,
            width,
            height,
            alpha,
        },
        stamp,
    ))
}

#[cfg(test)]
mod tests;
