//! Decoding with limits: the reader of a picture's bytes, its size and transparency from its
//! header, and the decoder's errors in French.

use super::budget::{memory_needed, too_much_memory, MEMORY_BUDGET};
use super::file::{Refused, MAX_ALLOC, MAX_SIDE};

pub(crate) fn limits() -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

pub(crate) fn decoder_error(e: image::ImageError) -> Refused {
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

pub(crate) fn reader(bytes: &[u8]) -> Result<image::ImageReader<std::io::Cursor<&[u8]>>, Refused> {
    let mut r = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| decoder_error(image::ImageError::IoError(e)))?;
    r.limits(limits());
    Ok(r)
}

/// Size (oriented) and transparency, from the file's header.
pub(crate) fn header(bytes: &[u8]) -> Result<(u32, u32, bool), Refused> {
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
