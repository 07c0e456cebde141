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

use crate::diagnostic::Diagnostic;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

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
        }
    }

    /// Writes what the cache keeps of the sources (hashes and sizes by file), if it changed:
    /// a build does once it is written (`check` writes nothing).
    pub fn save(&self) {
        let pending = self.record.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(record) = pending {
            write_record(&self.cache.join(format!("sources-{VERSION}.tsv")), &record);
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
        cell.get_or_init(|| process(image, &self.cache, cover))
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
    ) -> Result<Option<PathBuf>, Diagnostic> {
        if v == Variant::Original && image.format == Format::Svg {
            return Ok(None);
        }
        self.process(image, cover)?;
        let path = image.cached(&self.cache, v);
        if !path.is_file() {
            // The cache was emptied since this run made it (a long preview): made again.
            process(image, &self.cache, cover)
                .map_err(|e| Diagnostic::error(&image.origin, 0, 0, e))?;
        }
        Ok(Some(path))
    }

    /// The bytes of one published file of `image` (made first if needed).
    pub fn file(&self, image: &Image, v: Variant, cover: bool) -> Result<Vec<u8>, Diagnostic> {
        let path = self
            .cached_file(image, v, cover)?
            .unwrap_or_else(|| image.disk.clone());
        std::fs::read(path).map_err(|e| read_error(image, &e))
    }
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
struct Refused(String, String);

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
    let bytes = std::fs::read(disk).map_err(io)?;
    let hash = blake3::hash(&bytes).to_hex()[..16].to_string();
    let format = format_of(path).unwrap_or(Format::Jpeg);
    let (width, height, alpha) = if format == Format::Svg {
        let (w, h) = check_svg(&bytes)?;
        (w, h, true)
    } else {
        header(&bytes)?
    };
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
        other => Refused(
            format!("image illisible : {other}"),
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

/// Checks an SVG file: well-formed, no script, no event handler, no external reference, no
/// styles loading anything. Returns its size (from `width`/`height`, else `viewBox`).
fn check_svg(bytes: &[u8]) -> Result<(u32, u32), Refused> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Refused(
            "SVG illisible : le fichier n'est pas en UTF-8".into(),
            "enregistrez-le de nouveau depuis votre logiciel de dessin".into(),
        )
    })?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        Refused(
            format!("SVG illisible : {e}"),
            "enregistrez-le de nouveau depuis votre logiciel de dessin (les SVG avec DTD ou entités sont refusés)".into(),
        )
    })?;
    let unsafe_svg = |what: String| {
        Refused(
            format!("SVG refusé : {what}"),
            "un logo SVG ne doit contenir ni script, ni attribut on…, ni lien vers un autre fichier : exportez-le en « SVG simple », ou en PNG".into(),
        )
    };
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if matches!(
            name.to_ascii_lowercase().as_str(),
            "script" | "foreignobject" | "iframe" | "embed" | "object" | "handler" | "listener"
        ) {
            return Err(unsafe_svg(format!(
                "élément <{name}> (ligne {})",
                doc.text_pos_at(node.range().start).row
            )));
        }
        for a in node.attributes() {
            let line = doc.text_pos_at(node.range().start).row;
            let an = a.name().to_ascii_lowercase();
            let v = a.value().trim().to_ascii_lowercase();
            if an.starts_with("on") {
                return Err(unsafe_svg(format!("attribut {} (ligne {line})", a.name())));
            }
            if (an == "href" || an == "src") && !v.starts_with('#') {
                return Err(unsafe_svg(format!(
                    "lien vers « {} » (ligne {line})",
                    a.value()
                )));
            }
            if v.contains("url(") && !v.replace(' ', "").contains("url(#") {
                return Err(unsafe_svg(format!(
                    "style qui charge une adresse (ligne {line})"
                )));
            }
        }
        if name == "style" {
            let css = node.text().unwrap_or("").to_ascii_lowercase();
            if css.contains("@import") || (css.contains("url(") && !css.contains("url(#")) {
                return Err(unsafe_svg("feuille de style qui charge une adresse".into()));
            }
        }
    }
    let root = doc.root_element();
    let number = |a: &str| {
        root.attribute(a).and_then(|v| {
            v.trim()
                .trim_end_matches("px")
                .parse::<f64>()
                .ok()
                .filter(|f| *f > 0.0)
        })
    };
    let view: Vec<f64> = root
        .attribute("viewBox")
        .map(|v| {
            v.split([' ', ','])
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let (w, h) = match (number("width"), number("height"), view.as_slice()) {
        (Some(w), Some(h), _) => (w, h),
        (_, _, [_, _, w, h]) if *w > 0.0 && *h > 0.0 => (*w, *h),
        _ => (300.0, 150.0),
    };
    Ok((w.round().max(1.0) as u32, h.round().max(1.0) as u32))
}

/// Decodes, orients, resizes and encodes every file of `image` that the cache lacks.
fn process(image: &Image, cache: &Path, cover: bool) -> Result<(), String> {
    let variants = image.variants(cover);
    if variants
        .iter()
        .all(|v| image.format == Format::Svg || image.cached(cache, *v).is_file())
    {
        return Ok(());
    }
    make_cache_dir(cache).map_err(|e| {
        format!(
            "dossier de cache {} impossible à créer : {}",
            cache.display(),
            crate::diagnostic::io_fr(&e)
        )
    })?;
    let bytes = std::fs::read(&image.disk)
        .map_err(|e| format!("image illisible : {}", crate::diagnostic::io_fr(&e)))?;
    let pixels = decode(&bytes).map_err(|r| r.0)?;
    for (v, data) in encode_all(image, &pixels, cover)? {
        let target = image.cached(cache, v);
        let mut tmp = tempfile::NamedTempFile::new_in(cache)
            .map_err(|e| format!("cache d'images : {}", crate::diagnostic::io_fr(&e)))?;
        tmp.write_all(&data)
            .map_err(|e| format!("cache d'images : {}", crate::diagnostic::io_fr(&e)))?;
        tmp.persist(&target)
            .map_err(|e| format!("cache d'images : {}", crate::diagnostic::io_fr(&e.error)))?;
    }
    Ok(())
}

/// Pixels in memory: RGB or RGBA, 8 bits.
struct Pixels {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub data: Vec<u8>,
}

/// Decodes an image with the limits, its orientation applied. The metadata stays behind.
fn decode(bytes: &[u8]) -> Result<Pixels, Refused> {
    use image::ImageDecoder;
    let mut d = reader(bytes)?.into_decoder().map_err(decoder_error)?;
    let orientation = d
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(d).map_err(decoder_error)?;
    img.apply_orientation(orientation);
    let alpha = img.color().has_alpha();
    let (width, height) = (img.width(), img.height());
    let data = if alpha {
        img.into_rgba8().into_raw()
    } else {
        img.into_rgb8().into_raw()
    };
    Ok(Pixels {
        width,
        height,
        alpha,
        data,
    })
}

fn resize(
    src: &Pixels,
    w: u32,
    h: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> Result<Pixels, String> {
    use fast_image_resize as fr;
    let kind = if src.alpha {
        fr::PixelType::U8x4
    } else {
        fr::PixelType::U8x3
    };
    let from = fr::images::ImageRef::new(src.width, src.height, &src.data, kind)
        .map_err(|e| e.to_string())?;
    let mut to = fr::images::Image::new(w, h, kind);
    let mut options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    if let Some((l, t, cw, ch)) = crop {
        options = options.crop(l, t, cw, ch);
    }
    fr::Resizer::new()
        .resize(&from, &mut to, &options)
        .map_err(|e| e.to_string())?;
    Ok(Pixels {
        width: w,
        height: h,
        alpha: src.alpha,
        data: to.into_vec(),
    })
}

/// Every file of `image` from its decoded pixels: the widths from the largest down, each
/// resized from the one before (a cascade: each step at most about 2×, and fast).
fn encode_all(
    image: &Image,
    pixels: &Pixels,
    cover: bool,
) -> Result<Vec<(Variant, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let widths = image.widths();
    let mut previous: Option<Pixels> = None;
    for &w in widths.iter().rev() {
        let h = image.height_at(w);
        let base = previous.as_ref().unwrap_or(pixels);
        let sized = if base.width == w && base.height == h {
            None
        } else {
            Some(resize(base, w, h, None)?)
        };
        let p = sized.as_ref().unwrap_or(base);
        let fallback = encode(p, image.fallback())?;
        if Some(&w) == widths.last() {
            let own = if image.format == image.fallback() {
                fallback.clone()
            } else {
                encode(p, image.format)?
            };
            out.push((Variant::Original, own));
        }
        out.push((Variant::Width(w, true), encode(p, Format::Webp)?));
        out.push((Variant::Width(w, false), fallback));
        if let Some(s) = sized {
            previous = Some(s);
        }
    }
    if cover {
        let (ow, oh) = OG;
        let ratio = f64::from(ow) / f64::from(oh);
        let (pw, ph) = (f64::from(pixels.width), f64::from(pixels.height));
        let (cw, ch) = if pw / ph > ratio {
            (ph * ratio, ph)
        } else {
            (pw, pw / ratio)
        };
        let (w, h) = if cw < f64::from(ow) {
            (cw.round() as u32, ch.round() as u32)
        } else {
            (ow, oh)
        };
        let crop = resize(
            pixels,
            w.max(1),
            h.max(1),
            Some(((pw - cw) / 2.0, (ph - ch) / 2.0, cw, ch)),
        )?;
        out.push((Variant::Og, encode(&crop, Format::Jpeg)?));
    }
    Ok(out)
}

/// Encodes pixels; JPEG has no transparency, so an RGBA image is put on white first.
fn encode(p: &Pixels, format: Format) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb;
            let data = if p.alpha {
                rgb = on_white(p);
                &rgb
            } else {
                &p.data
            };
            let mut e = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
            e.set_progressive(true);
            e.encode(
                data,
                u16::try_from(p.width).map_err(|e| e.to_string())?,
                u16::try_from(p.height).map_err(|e| e.to_string())?,
                jpeg_encoder::ColorType::Rgb,
            )
            .map_err(|e| e.to_string())?;
        }
        Format::Webp => {
            let e = if p.alpha {
                webp::Encoder::from_rgba(&p.data, p.width, p.height)
            } else {
                webp::Encoder::from_rgb(&p.data, p.width, p.height)
            };
            out.extend_from_slice(&e.encode(WEBP_QUALITY));
        }
        Format::Png => {
            use image::ImageEncoder;
            image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            )
            .write_image(
                &p.data,
                p.width,
                p.height,
                if p.alpha {
                    image::ExtendedColorType::Rgba8
                } else {
                    image::ExtendedColorType::Rgb8
                },
            )
            .map_err(|e| e.to_string())?;
        }
        Format::Svg => return Err("un SVG n'est pas redimensionné".into()),
    }
    Ok(out)
}

fn on_white(p: &Pixels) -> Vec<u8> {
    p.data
        .chunks_exact(4)
        .flat_map(|px| {
            let a = u16::from(px[3]);
            let mix = move |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [mix(px[0]), mix(px[1]), mix(px[2])]
        })
        .collect()
}

/// Makes the cache folder `dir`, with a `.gitignore` in the cache's top folder so that git
/// leaves it out wherever it is.
fn make_cache_dir(dir: &Path) -> std::io::Result<()> {
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
fn read_record(path: &Path) -> Known {
    let Ok(text) = std::fs::read_to_string(path) else {
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

fn write_record(path: &Path, record: &BTreeMap<String, (Stamp, Image)>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG of `w` × `h` whose left half is red and right half blue.
    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let mut data = Vec::new();
        for _ in 0..h {
            for x in 0..w {
                data.extend_from_slice(if x < w / 2 {
                    &[220, 20, 20]
                } else {
                    &[20, 20, 220]
                });
            }
        }
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 90)
            .encode(&data, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        out
    }

    /// `jpeg` with an EXIF segment: orientation 6 (turn 90° clockwise to show) and a GPS
    /// position, as a phone writes them.
    fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
        // TIFF, little-endian: IFD0 with Orientation = 6 and a pointer to the GPS IFD, which
        // holds GPSLatitudeRef = "N" and GPSLatitude = 48/1, 46/1, 40/1.
        let mut t: Vec<u8> = b"II*\0".to_vec();
        t.extend(8u32.to_le_bytes());
        t.extend(2u16.to_le_bytes());
        t.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        let gps_at = 8 + 2 + 2 * 12 + 4;
        t.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0]);
        t.extend((gps_at as u32).to_le_bytes());
        t.extend(0u32.to_le_bytes());
        t.extend(2u16.to_le_bytes());
        t.extend([1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
        let rationals_at = gps_at + 2 + 2 * 12 + 4;
        t.extend([2, 0, 5, 0, 3, 0, 0, 0]);
        t.extend((rationals_at as u32).to_le_bytes());
        t.extend(0u32.to_le_bytes());
        for v in [48u32, 46, 40] {
            t.extend(v.to_le_bytes());
            t.extend(1u32.to_le_bytes());
        }
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(t);
        let plain = jpeg(w, h);
        let mut out = plain[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((app1.len() + 2) as u16).to_be_bytes());
        out.extend(app1);
        out.extend(&plain[2..]);
        out
    }

    fn library_with(files: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, Library) {
        let dir = tempfile::tempdir().unwrap();
        let mut list = Vec::new();
        for (name, bytes) in files {
            let disk = dir.path().join("static").join(name);
            std::fs::create_dir_all(disk.parent().unwrap()).unwrap();
            std::fs::write(&disk, bytes).unwrap();
            list.push((format!("/{name}"), format!("static/{name}"), disk));
        }
        let library = Library::scan(dir.path(), list);
        (dir, library)
    }

    #[test]
    fn a_phone_photo_is_published_turned_and_without_its_metadata() {
        let original = jpeg_with_exif(640, 480);
        assert!(original.windows(4).any(|w| w == b"Exif"));
        let (_dir, lib) = library_with(&[("images/photo.jpg", original)]);
        assert!(lib.problems.is_empty(), "{:?}", lib.problems);
        let image = lib.images["/images/photo.jpg"].clone();
        // Orientation 6: the picture shows 480 wide and 640 high.
        assert_eq!((image.width, image.height), (480, 640));
        for v in image.variants(true) {
            let bytes = lib.file(&image, v, true).unwrap();
            assert!(
                !bytes.windows(4).any(|w| w == b"Exif") && !bytes.windows(4).any(|w| w == b"GPS\0"),
                "{v:?} keeps metadata"
            );
            let decoded = image::load_from_memory(&bytes).unwrap();
            if let Variant::Width(w, _) = v {
                assert_eq!((decoded.width(), decoded.height()), (w, image.height_at(w)));
            }
            if v == Variant::Original {
                // Turned clockwise: the red half (left) is now at the top.
                let rgb = decoded.to_rgb8();
                let top = rgb.get_pixel(decoded.width() / 2, 10);
                let bottom = rgb.get_pixel(decoded.width() / 2, decoded.height() - 10);
                assert!(top[0] > 150 && top[2] < 100, "top {top:?}");
                assert!(bottom[2] > 150 && bottom[0] < 100, "bottom {bottom:?}");
            }
        }
        let og = image::load_from_memory(&lib.file(&image, Variant::Og, true).unwrap()).unwrap();
        // Smaller than 1200 × 630: cropped to its ratio, not enlarged.
        assert_eq!((og.width(), og.height()), (480, 252));
    }

    #[test]
    fn widths_are_never_larger_than_the_image() {
        let (_dir, lib) = library_with(&[("a.jpg", jpeg(1000, 500)), ("b.jpg", jpeg(100, 50))]);
        assert_eq!(
            lib.images["/a.jpg"].widths(),
            vec![160, 320, 480, 800, 1000]
        );
        assert_eq!(lib.images["/b.jpg"].widths(), vec![100]);
        let big = Image {
            width: 4000,
            height: 3000,
            ..(*lib.images["/a.jpg"]).clone()
        };
        assert_eq!(big.widths(), WIDTHS.to_vec());
        assert_eq!(big.height_at(800), 600);
    }

    #[test]
    fn the_same_image_gives_the_same_bytes() {
        let (_d1, a) = library_with(&[("p.jpg", jpeg(900, 600))]);
        let (_d2, b) = library_with(&[("p.jpg", jpeg(900, 600))]);
        let (ia, ib) = (a.images["/p.jpg"].clone(), b.images["/p.jpg"].clone());
        assert_eq!(
            ia.url(Variant::Width(800, true)),
            ib.url(Variant::Width(800, true))
        );
        for v in ia.variants(true) {
            assert_eq!(
                a.file(&ia, v, true).unwrap(),
                b.file(&ib, v, true).unwrap(),
                "{v:?}"
            );
        }
    }

    /// A PNG that declares `w` × `h` pixels and holds almost nothing.
    fn png_declaring(w: u32, h: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            out.extend((data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend(kind);
            out.extend(data);
            out.extend(crc.sum().to_be_bytes());
        };
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend(h.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        chunk(b"IEND", &[]);
        out
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        let (_dir, lib) = library_with(&[("bombe.png", png_declaring(50_000, 50_000))]);
        assert!(lib.images.is_empty());
        assert!(lib.refused.contains("/bombe.png"));
        let d = &lib.problems[0];
        assert_eq!(d.path, std::path::PathBuf::from("static/bombe.png"));
        assert!(d.message.contains("trop grande"), "{}", d.message);
    }

    #[test]
    fn an_svg_with_a_script_a_handler_or_an_outside_reference_is_refused() {
        let wrap = |inner: &str| {
            format!(r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 60">{inner}</svg>"#).into_bytes()
        };
        let cases = [
            ("script", wrap("<script>alert(1)</script>")),
            ("onload", wrap(r#"<rect width="10" height="10" onload="alert(1)"/>"#)),
            ("lien", wrap(r#"<image xlink:href="https://pistage.example/p.png"/>"#)),
            ("style", wrap(r#"<rect style="fill:url(https://pistage.example/x)"/>"#)),
            ("foreign", wrap("<foreignObject><p>x</p></foreignObject>")),
            ("entité", b"<!DOCTYPE svg [<!ENTITY a \"aaaa\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&a;</svg>".to_vec()),
        ];
        for (name, svg) in cases {
            let (_dir, lib) = library_with(&[("logo.svg", svg)]);
            assert!(lib.images.is_empty(), "{name} accepted");
            assert!(
                lib.problems[0].message.starts_with("SVG"),
                "{name}: {}",
                lib.problems[0].message
            );
        }
        let clean = wrap(
            r##"<defs><linearGradient id="g"/></defs><rect width="120" height="60" fill="url(#g)"/><use href="#g"/>"##,
        );
        let (_dir, lib) = library_with(&[("logo.svg", clean.clone())]);
        let image = lib.images["/logo.svg"].clone();
        assert_eq!((image.width, image.height), (120, 60));
        assert_eq!(lib.file(&image, Variant::Original, false).unwrap(), clean);
        assert_eq!(image.variants(true), vec![Variant::Original]);
    }

    #[test]
    fn an_unchanged_file_is_not_read_again() {
        let (dir, lib) = library_with(&[("p.jpg", jpeg(300, 200))]);
        let disk = lib.images["/p.jpg"].disk.clone();
        let again = Library::scan(
            dir.path(),
            vec![("/p.jpg".into(), "static/p.jpg".into(), disk.clone())],
        );
        assert_eq!(again.images["/p.jpg"], lib.images["/p.jpg"]);
        // Replaced by another picture: read again, a new hash.
        std::fs::write(&disk, jpeg(200, 300)).unwrap();
        let changed = Library::scan(
            dir.path(),
            vec![("/p.jpg".into(), "static/p.jpg".into(), disk)],
        );
        let (old, new) = (&lib.images["/p.jpg"], &changed.images["/p.jpg"]);
        assert_ne!(old.hash, new.hash);
        assert_eq!((new.width, new.height), (200, 300));
    }
}
