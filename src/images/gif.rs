//! GIF files: published without their metadata. A GIF is not re-encoded (its frames and
//! timing stay as drawn); its blocks are copied, except those that carry text about the
//! file — comments, and application blocks other than the animation's loop count (XMP, with
//! its GPS position, author and description; ICC profiles; editors' own data).

/// The GIF without its metadata blocks; an error in French when it is not a whole GIF.
pub fn without_metadata(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let cut =
        || "GIF incomplet ou endommagé : le fichier s'arrête avant la fin de l'image".to_string();
    if bytes.len() < 13 || !(bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) {
        return Err("ce fichier .gif n'est pas une image GIF".into());
    }
    let mut out = Vec::with_capacity(bytes.len());
    let packed = bytes[10];
    let mut i = 13;
    if packed & 0x80 != 0 {
        i += 3 << ((packed & 0x07) + 1);
    }
    out.extend_from_slice(bytes.get(..i).ok_or_else(cut)?);
    // The end of the sub-blocks starting at `at` (after their 0 terminator).
    let sub_blocks = |mut at: usize| -> Option<usize> {
        loop {
            let size = usize::from(*bytes.get(at)?);
            at += 1;
            if size == 0 {
                return Some(at);
            }
            at += size;
        }
    };
    loop {
        match *bytes.get(i).ok_or_else(cut)? {
            0x3B => {
                out.push(0x3B);
                return Ok(out);
            }
            0x21 => {
                let label = *bytes.get(i + 1).ok_or_else(cut)?;
                let end = sub_blocks(i + 2).ok_or_else(cut)?;
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFE => false,
                    0xFF => {
                        let id = bytes.get(i + 3..i + 14).unwrap_or_default();
                        id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0"
                    }
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(&bytes[i..end]);
                }
                i = end;
            }
            0x2C => {
                let descriptor = bytes.get(i..i + 10).ok_or_else(cut)?;
                let mut at = i + 10;
                if descriptor[9] & 0x80 != 0 {
                    at += 3 << ((descriptor[9] & 0x07) + 1);
                }
                // The LZW code size, then the image data.
                let end = sub_blocks(at + 1).ok_or_else(cut)?;
                out.extend_from_slice(&bytes[i..end]);
                i = end;
            }
            _ => return Err("GIF endommagé : bloc inconnu".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::without_metadata;

    /// A 1×1 GIF89a with a loop block, a comment and an XMP block.
    fn gif() -> Vec<u8> {
        let mut g = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff".to_vec();
        g.extend_from_slice(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00");
        g.extend_from_slice(b"\x21\xfe\x10GPS 48.77 2.29 !\x00");
        g.extend_from_slice(b"\x21\xff\x0bXMP DataXMP\x0cgps:Latitude\x00");
        g.extend_from_slice(b"\x21\xf9\x04\x00\x0a\x00\x00\x00");
        g.extend_from_slice(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b");
        g
    }

    #[test]
    fn metadata_goes_and_frames_stay() {
        let clean = without_metadata(&gif()).expect("a GIF");
        let text = String::from_utf8_lossy(&clean);
        assert!(!text.contains("GPS") && !text.contains("XMP") && !text.contains("Latitude"));
        assert!(text.contains("NETSCAPE2.0"));
        assert!(
            clean.ends_with(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b")
        );
        for cut in 0..gif().len() - 1 {
            assert!(without_metadata(&gif()[..cut]).is_err(), "cut at {cut}");
        }
    }
}
