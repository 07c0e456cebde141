//! Decoding, resizing and encoding: the files of an image that the cache lacks.

use super::budget::{memory_needed, too_much_memory, Reserved, BUDGET, MEMORY_BUDGET};
use super::cache::make_cache_dir;
use super::decode::{decoder_error, reader};
use super::file::*;
use std::path::Path;

/// Decodes, orients, resizes and encodes every file of `image` that the cache lacks.
/// `Ok(true)` when it made files, `Ok(false)` when they were there.
pub(super) fn process(image: &Image, cache: &Path, cover: bool) -> Result<bool, String> {
    // The image's own file is written last: where it is, every other one was written before
    // it (one stat per image, not one per file). `Library::cached_file` still checks the file
    // it links, so a file deleted by hand from the cache is made again.
    let sentinel = |v: &Variant| *v == Variant::Original;
    let og = !cover || image.cached(cache, Variant::Og).is_file();
    if image.format == Format::Svg || (og && image.cached(cache, Variant::Original).is_file()) {
        return Ok(false);
    }
    make_cache_dir(cache).map_err(|e| {
        format!(
            "dossier de cache {} impossible à créer : {}",
            cache.display(),
            crate::diagnostic::io_fr(&e)
        )
    })?;
    let bytes = crate::files::read(&image.disk)
        .map_err(|e| format!("image illisible : {}", crate::diagnostic::io_fr(&e)))?;
    let (pixels, reserved) = decode(&bytes).map_err(|r| r.0)?;
    let mut files = encode_all(image, &pixels, cover)?;
    drop(pixels);
    drop(reserved);
    // Stable: the others keep their order, the sentinel goes last.
    files.sort_by_key(|(v, _)| sentinel(v));
    for (v, data) in files {
        super::cache::keep(cache, &image.cached(cache, v), &data)?;
    }
    Ok(true)
}

/// Pixels in memory: RGB or RGBA, 8 bits.
struct Pixels {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub data: Vec<u8>,
}

/// Decodes an image with the limits, its orientation applied, once the memory it needs is
/// reserved in the image stage's budget (held until its files are made). The metadata stays
/// behind.
fn decode(bytes: &[u8]) -> Result<(Pixels, Reserved), Refused> {
    use image::ImageDecoder;
    let mut d = reader(bytes)?.into_decoder().map_err(decoder_error)?;
    let (w, h) = d.dimensions();
    let need = memory_needed(d.total_bytes(), w, h);
    if need > MEMORY_BUDGET {
        return Err(too_much_memory(w, h, need));
    }
    let reserved = BUDGET.reserve(need);
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
    Ok((
        Pixels {
            width,
            height,
            alpha,
            data,
        },
        reserved,
    ))
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
        #[cfg(not(feature = "full"))]
        Format::Webp => return Err("encodage WebP absent de cet outil".to_string()),
        #[cfg(feature = "full")]
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
