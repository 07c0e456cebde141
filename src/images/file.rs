//! An image file of `static/`: its format, size, widths and the names of its processed
//! files; what identifies a version of it; what a refusal says. Shared by the library, its
//! cache, its encoder and its checks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The widths an image is published at (those below its own, and its own up to the largest).
pub const WIDTHS: [u32; 6] = [160, 320, 480, 800, 1200, 1600];
/// The Open Graph picture of a cover.
pub const OG: (u32, u32) = (1200, 630);
/// The largest image decoded: 12,000 px a side, and 400 MiB of pixels.
pub(crate) const MAX_SIDE: u32 = 12_000;
pub(crate) const MAX_ALLOC: u64 = 400 << 20;
/// Larger files are refused before they are read.
pub(crate) const MAX_FILE: u64 = 64 << 20;
/// Changes when what a processed file holds changes (widths, quality, encoder): older files of
/// the cache are then not used.
pub(crate) const VERSION: &str = "v1";
pub(crate) const JPEG_QUALITY: u8 = 82;
pub(crate) const WEBP_QUALITY: f32 = 78.0;

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
    pub(crate) fn ext(self) -> &'static str {
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

pub(crate) fn format_of(path: &str) -> Option<Format> {
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
    pub(crate) fn cached(&self, cache: &Path, v: Variant) -> PathBuf {
        let name = match v {
            Variant::Original => format!("{}-full.{}", self.hash, self.format.ext()),
            Variant::Width(w, true) => format!("{}-{w}.webp", self.hash),
            Variant::Width(w, false) => format!("{}-{w}.{}", self.hash, self.fallback().ext()),
            Variant::Og => format!("{}-og.jpg", self.hash),
        };
        cache.join(name)
    }
}

/// The files of a folder by name, with their inode, and the folder's device.
pub(crate) type Listing = (u64, std::collections::HashMap<std::ffi::OsString, u64>);

/// A file of the cache: its path, and what identifies it on its file system (device and
/// inode), which tells a build that a file of the previous output is this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedFile {
    pub path: PathBuf,
    pub id: Option<(u64, u64)>,
}

/// What identifies a file's version without reading it: size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp(pub(crate) u64, pub(crate) i128);

pub(crate) fn stamp(meta: &std::fs::Metadata) -> Stamp {
    let t = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Stamp(meta.len(), t)
}

pub(crate) type Known = BTreeMap<String, (Stamp, Image)>;

/// An error: what, and a hint.
pub(crate) struct Refused(pub String, pub String);
