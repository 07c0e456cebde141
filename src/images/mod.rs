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
mod encode;
pub mod gif;
mod jpeg;
mod svg;

use crate::diagnostic::Diagnostic;
use budget::{memory_needed, too_much_memory, MEMORY_BUDGET};
use cache::{list, make_cache_dir, read_record, write_record};
use encode::process;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use svg::check_svg;

/// The widths an image is published at (those below its own, and its own up to the largest).
pub const WIDTHS: [u32; 6] = [160, 320, 480, 800, 1200, 1600];
/// The Open Graph picture of a cover.
pub const OG: (u32, u32) = (1200, 630);
/// The largest image decoded: 12,000 px a side, and 400 MiB of pixels.
const MAX_SIDE: u32 = 12_000;
const MAX_ALLOC: u64 = 400 << 20;
/// Larger files are refused before they are read.
const MAX_FILE: u64 = 64 << 20;
/// Changes when what a processed file holds changes (widths, quality, encoder): older files of
/// the cache are then not used.
const VERSION: &str = "v1";
const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 78.0;

/// The folder of the cache, in the site's folder (git-ignored, safe to delete).
pub const CACHE_DIR: &str = ".ess-site-cache";

/// The file extensions handled as images.
pub fn is_image(path: &str) -> bool {
    format_of(path).is_some()
}

/// What a source image is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Svg,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Svg => "svg",
        }
    }

    /// The MIME type, for `<source type>`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Svg => "image/svg+xml",
        }
    }
}

fn format_of(path: &str) -> Option<Format> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => Format::Jpeg,
        "png" => Format::Png,
        "webp" => Format::Webp,
        "svg" => Format::Svg,
        _ => return None,
    })
}

/// One image of the site's `static/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Image {
    /// Its site path (`/images/forum-2016.jpg`).
    pub path: String,
    /// Where it is, relative to the site (`static/images/forum-2016.jpg`).
    pub origin: String,
    /// The file on disk.
    pub disk: PathBuf,
    /// A hash of its bytes (16 hex digits).
    pub hash: String,
    pub format: Format,
    /// Its size once its orientation is applied (an SVG's from its `viewBox`, if any).
    pub width: u32,
    pub height: u32,
    /// Whether it has transparency (its fallback is then PNG, not JPEG).
    pub alpha: bool,
}

/// One file published for an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// At the image's own address: the largest width in the image's own format (an SVG as is).
    Original,
    /// One width, in WebP (`true`) or in the fallback format.
    Width(u32, bool),
    /// The Open Graph crop of a cover.
    Og,
}

impl Image {
    /// The widths it is published at.
    pub fn widths(&self) -> Vec<u32> {
        if self.format == Format::Svg {
            return Vec::new();
        }
        let top = self.width.min(WIDTHS[WIDTHS.len() - 1]);
        let mut w: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < top).collect();
        w.push(top);
        w
    }

    /// The height at width `w`.
    pub fn height_at(&self, w: u32) -> u32 {
        ((u64::from(self.height) * u64::from(w) + u64::from(self.width) / 2)
            / u64::from(self.width.max(1)))
        .max(1) as u32
    }

    /// The format of the fallback widths.
    pub fn fallback(&self) -> Format {
        if self.alpha || self.format == Format::Png {
            Format::Png
        } else {
            Format::Jpeg
        }
    }

    /// The files published for it (with the Open Graph crop when it is a cover).
    pub fn variants(&self, cover: bool) -> Vec<Variant> {
        let mut v = vec![Variant::Original];
        for w in self.widths() {
            v.push(Variant::Width(w, true));
            v.push(Variant::Width(w, false));
        }
        if cover && self.format != Format::Svg {
            v.push(Variant::Og);
        }
        v
    }

    /// The site path of one of its files.
    pub fn url(&self, v: Variant) -> String {
        let stem = self
            .path
            .rsplit_once('.')
            .map_or(self.path.as_str(), |(s, _)| s);
        let short = &self.hash[..8];
        match v {
            Variant::Original => self.path.clone(),
            Variant::Width(w, webp) => {
                let ext = if webp { "webp" } else { self.fallback().ext() };
                format!("{stem}-{w}.{short}.{ext}")
            }
            Variant::Og => format!("{stem}-og.{short}.jpg"),
        }
    }

    /// Its file in the cache for `v`.
    fn cached(&self, cache: &Path, v: Variant) -> PathBuf {
        let name = match v {
            Variant::Original => format!("{}-full.{}", self.hash, self.format.ext()),
            Variant::Width(w, true) => format!("{}-{w}.webp", self.hash),
            Variant::Width(w, false) => format!("{}-{w}.{}", self.hash, self.fallback().ext()),
            Variant::Og => format!("{}-og.jpg", self.hash),
        };
        cache.join(name)
    }
}

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

/// The files of a folder by name, with their inode, and the folder's device.
type Listing = (u64, std::collections::HashMap<std::ffi::OsString, u64>);

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
            self.evict();
        }
    }

    /// Removes from the cache the files of images the site no longer has (an image replaced
    /// or deleted): the cache holds what the sources need, not every version ever processed.
    /// Only files named as the cache names them (`HASH-…`) are looked at. A file removed
    /// stays published where it is linked (a hard link keeps it).
    fn evict(&self) {
        let hashes: std::collections::HashSet<&str> =
            self.images.values().map(|i| i.hash.as_str()).collect();
        let Ok(entries) = std::fs::read_dir(&self.cache) else {
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

/// A file of the cache: its path, and what identifies it on its file system (device and
/// inode), which tells a build that a file of the previous output is this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedFile {
    pub path: PathBuf,
    pub id: Option<(u64, u64)>,
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

/// What identifies a file's version without reading it: size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp(u64, i128);

fn stamp(meta: &std::fs::Metadata) -> Stamp {
    let t = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Stamp(meta.len(), t)
}

type Known = BTreeMap<String, (Stamp, Image)>;

/// An error: what, and a hint.
pub(crate) struct Refused(pub String, pub String);

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

fn limits() -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

fn decoder_error(e: image::ImageError) -> Refused {
    match e {
        image::ImageError::Limits(_) => Refused(
            format!("image trop grande pour être traitée (au plus {MAX_SIDE} pixels de côté)"),
            "réduisez-la dans un logiciel d'images : 4 000 pixels de large suffisent pour une photo".into(),
        ),
        // The decoder's own words are English: said in French, by kind.
        other => Refused(
            format!(
                "image illisible : {}",
                match &other {
                    image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                        "le fichier s'arrête avant la fin de l'image (copie interrompue ?)".to_string(),
                    image::ImageError::IoError(e) => crate::diagnostic::io_fr(e),
                    image::ImageError::Unsupported(_) => {
                        "format non reconnu ou non pris en charge (JPEG, PNG, WebP et SVG le sont)".to_string()
                    }
                    image::ImageError::Decoding(_) => "contenu endommagé : l'image ne se décode pas en entier".to_string(),
                    _ => "contenu invalide".to_string(),
                }
            ),
            "ouvrez-la dans un logiciel d'images et enregistrez-la de nouveau en JPEG ou PNG"
                .into(),
        ),
    }
}

fn reader(bytes: &[u8]) -> Result<image::ImageReader<std::io::Cursor<&[u8]>>, Refused> {
    let mut r = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| decoder_error(image::ImageError::IoError(e)))?;
    r.limits(limits());
    Ok(r)
}

/// Size (oriented) and transparency, from the file's header.
fn header(bytes: &[u8]) -> Result<(u32, u32, bool), Refused> {
    use image::ImageDecoder;
    let mut d = reader(bytes)?.into_decoder().map_err(decoder_error)?;
    let (w, h) = d.dimensions();
    let alpha = d.color_type().has_alpha();
    let need = memory_needed(d.total_bytes(), w, h);
    if need > MEMORY_BUDGET {
        return Err(too_much_memory(w, h, need));
    }
    let o = d
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    use image::metadata::Orientation::*;
    let turned = matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH);
    if w == 0 || h == 0 {
        return Err(decoder_error(image::ImageError::Limits(
            image::error::LimitError::from_kind(image::error::LimitErrorKind::DimensionError),
        )));
    }
    Ok(if turned { (h, w, alpha) } else { (w, h, alpha) })
}

#[cfg(test)]
mod tests;
