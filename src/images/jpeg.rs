//! Whether a JPEG file is whole: its segments read from the start-of-image marker to the
//! end-of-image one. The decoder fills what a cut-off file lacks with grey and says nothing
//! (as browsers do); a site must not publish a photo two-thirds grey because a copy stopped
//! halfway, so a file that ends before its end-of-image marker is refused.

/// `true` when the markers of `bytes` run from SOI to EOI without the file ending first.
pub fn is_whole(bytes: &[u8]) -> bool {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return false;
    }
    let mut i = 2;
    loop {
        // A marker: one or more 0xFF, then its code.
        while i < bytes.len() && bytes[i] == 0xFF {
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return false;
        };
        i += 1;
        match code {
            0xD9 => return true,
            // Markers without a length: TEM and the restart markers.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes
            .get(i..i + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return false;
        };
        if len < 2 {
            return false;
        }
        i += len;
        if i > bytes.len() {
            return false;
        }
        if code == 0xDA {
            // Entropy-coded data until the next marker: a 0xFF followed by something other
            // than a stuffed 0x00 or a restart marker.
            loop {
                let Some(at) = bytes[i..].iter().position(|&b| b == 0xFF) else {
                    return false;
                };
                i += at;
                match bytes.get(i + 1) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7 | 0xFF) => {
                        i += if bytes[i + 1] == 0xFF { 1 } else { 2 }
                    }
                    Some(_) => break,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_whole;

    fn jpeg() -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_fn(300, 200, |x, y| {
            image::Rgb([x as u8, y as u8, (x ^ y) as u8])
        })
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
        out.into_inner()
    }

    #[test]
    fn a_whole_jpeg_is_whole_and_any_cut_is_not() {
        let whole = jpeg();
        assert!(is_whole(&whole));
        // Data after the end (a phone's trailer) changes nothing.
        let mut trailer = whole.clone();
        trailer.extend_from_slice(b"\xFF\xDA trailing bytes");
        assert!(is_whole(&trailer));
        for cut in (0..whole.len()).step_by(7).chain([whole.len() - 1]) {
            assert!(!is_whole(&whole[..cut]), "cut at {cut} of {}", whole.len());
        }
    }
}
