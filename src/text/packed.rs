//! Text held compressed: a record's body is read whole when its file is loaded, then only when
//! a check, its page or its search document reads it again. A directory of a million records
//! held every body as it was (about half of a build's memory); compressed with LZ4, French prose
//! takes two thirds as much, and it comes back in a few microseconds.

use std::borrow::Cow;

/// Bodies shorter than this are kept as they are: LZ4 saves little on them.
const SMALLEST: usize = 256;

/// A text, compressed when that makes it smaller. `text()` gives it back as it was.
#[derive(Clone, PartialEq, Eq)]
pub enum Packed {
    /// As it was.
    Plain(Box<str>),
    /// An LZ4 block of its UTF-8 bytes, with their length.
    Lz4 { bytes: Box<[u8]>, len: usize },
}

impl Default for Packed {
    fn default() -> Packed {
        Packed::Plain(Box::default())
    }
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Packed").field(&self.text()).finish()
    }
}

impl Packed {
    /// `text`, compressed if it is long enough for that to make it smaller.
    pub fn new(text: &str) -> Packed {
        if text.len() < SMALLEST {
            return Packed::Plain(text.into());
        }
        let bytes = lz4_flex::block::compress(text.as_bytes());
        if bytes.len() >= text.len() {
            return Packed::Plain(text.into());
        }
        Packed::Lz4 {
            bytes: bytes.into_boxed_slice(),
            len: text.len(),
        }
    }

    /// The text, as it was given.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Packed::Plain(text) => Cow::Borrowed(text),
            Packed::Lz4 { bytes, len } => Cow::Owned(unpack(bytes, *len)),
        }
    }

    /// The length of the text, in bytes.
    pub fn len(&self) -> usize {
        match self {
            Packed::Plain(text) => text.len(),
            Packed::Lz4 { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The `len` bytes of text that `bytes` (made by `Packed::new`) compress. What `Packed::new`
/// made always comes back whole and valid UTF-8; were it not so, the damage would show as `�`
/// or as a missing text rather than as a crash.
fn unpack(bytes: &[u8], len: usize) -> String {
    let out = lz4_flex::block::decompress(bytes, len).unwrap_or_default();
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_comes_back_as_it_was() {
        let prose =
            "La Ressourcerie du Quartier collecte, répare et revend des objets. ".repeat(40);
        let mixed: String = (0..3000u32)
            .filter_map(char::from_u32)
            .chain("é€𝄞\u{202f}\n".chars())
            .collect();
        // Text with little repetition, which LZ4 hardly shortens.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let noise: String = (0..4000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from_u32(0x4e00 + (state % 20000) as u32).unwrap_or('x')
            })
            .collect();
        let texts = [
            "",
            "court",
            &prose,
            &mixed,
            &noise,
            &"a".repeat(SMALLEST),
            &"é".repeat(5000),
        ];
        for text in texts {
            let packed = Packed::new(text);
            assert_eq!(packed.text(), text);
            assert_eq!(packed.len(), text.len());
            assert_eq!(packed.clone(), packed);
        }
    }

    #[test]
    fn long_prose_is_held_compressed_and_short_text_as_it_is() {
        let prose =
            "Les jardins partagés du quartier accueillent les habitants le samedi. ".repeat(30);
        match Packed::new(&prose) {
            Packed::Lz4 { bytes, .. } => assert!(bytes.len() * 3 < prose.len()),
            Packed::Plain(_) => panic!("long prose is compressed"),
        }
        assert!(matches!(Packed::new("Un jardin."), Packed::Plain(_)));
    }
}
