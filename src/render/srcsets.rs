//! The `srcset`s of an image of `static/`: its widths in WebP and in its fallback format, its
//! `src` and size, escaped for attributes — made once per image and build (the published
//! site keeps them, `Site::srcsets`), shared by every `<picture>` of the image.

use crate::images::{Image, Variant};
use crate::text::html::escape_html;

/// What every picture of one image says whatever its place: its `srcset`s in WebP and in
/// its fallback format, its `src` and its size, escaped for attributes.
#[derive(Debug, Clone)]
pub struct Srcsets {
    pub webp: String,
    pub fallback: String,
    pub src: String,
    pub width: u32,
    pub height: u32,
}

impl Srcsets {
    pub fn of(image: &Image) -> Srcsets {
        let widths = image.widths();
        let srcset = |webp: bool| {
            widths
                .iter()
                .map(|&w| format!("{} {w}w", escape_html(&image.url(Variant::Width(w, webp)))))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let top = widths.last().copied().unwrap_or(image.width);
        let middle = widths.iter().copied().find(|&w| w >= 800).unwrap_or(top);
        Srcsets {
            webp: srcset(true),
            fallback: srcset(false),
            src: escape_html(&image.url(Variant::Width(middle, false))),
            width: top,
            height: image.height_at(top),
        }
    }
}
