//! Text held compressed: a record's body is read whole when its file is loaded, then only when
//! a check, its page or its search document reads it again. A directory of a million records
//! held every body as it was (about half of a build's memory); compressed with LZ4, French prose
//! takes two thirds as much, and it comes back in a few microseconds. Past a budget (`Store`),
//! a build keeps the compressed texts in a scratch file on the output's disk rather than in
//! memory: what the build holds then stops growing with the number of records. A site's first
//! texts are not compressed at all (`Store`'s plain budget): a town's site holds them all as
//! they are, and spends no time packing and unpacking them.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Bodies shorter than this are kept as they are: LZ4 saves little on them.
const SMALLEST: usize = 256;

/// The bytes of text a store holds as they are before it compresses the others, where its
/// budget does not say: the texts of a town's site (10,000 records hold about 50 MB of them),
/// a few percent of a national directory's.
const PLAIN: usize = 64 << 20;

/// A text, compressed when that makes it smaller. `text()` gives it back as it was.
#[derive(Clone)]
pub enum Packed {
    /// As it was.
    Plain(Box<str>),
    /// An LZ4 block of its UTF-8 bytes, with their length.
    Lz4 { bytes: Box<[u8]>, len: usize },
    /// An LZ4 block kept in a store's scratch file.
    Spilled(Spilled),
}

/// Where a store's scratch file holds a text's LZ4 block.
#[derive(Clone)]
pub struct Spilled {
    file: Arc<Scratch>,
    at: u64,
    packed: u32,
    len: u32,
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

/// Two texts are equal when their words are, however each is held.
impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        self.len() == other.len() && self.text() == other.text()
    }
}

impl Eq for Packed {}

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

    /// `text` as it is, never compressed: what a file's reading gives; a `Store` decides.
    pub fn plain(text: &str) -> Packed {
        Packed::Plain(text.into())
    }

    /// The text, as it was given.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Packed::Plain(text) => Cow::Borrowed(text),
            Packed::Lz4 { bytes, len } => Cow::Owned(unpack(bytes, *len)),
            Packed::Spilled(s) => Cow::Owned(s.file.read(s.at, s.packed as usize, s.len as usize)),
        }
    }

    /// The length of the text, in bytes.
    pub fn len(&self) -> usize {
        match self {
            Packed::Plain(text) => text.len(),
            Packed::Lz4 { len, .. } => *len,
            Packed::Spilled(s) => s.len as usize,
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

/// Makes the scratch file of a store, on the disk that is to hold it.
pub type MakeScratch = Box<dyn Fn() -> std::io::Result<std::fs::File> + Send + Sync>;

/// Where a build's texts are kept: as they are up to `plain` bytes of them, then compressed in
/// memory up to `budget` bytes of LZ4, then in a scratch file (made when first needed, gone
/// when the last text in it is dropped). Which texts are compressed, and which go to the file,
/// depends on the order the threads keep them in; what `text()` gives back never does.
pub struct Store {
    plain: usize,
    plain_held: AtomicUsize,
    budget: usize,
    held: AtomicUsize,
    spilled: AtomicUsize,
    make: Option<MakeScratch>,
    scratch: OnceLock<Option<Arc<Scratch>>>,
}

impl Store {
    /// A store that holds every text in memory (the preview's, the editor's check's): the first
    /// `PLAIN` bytes of them as they are, the others compressed.
    pub fn in_memory() -> Store {
        Store {
            plain: PLAIN,
            plain_held: AtomicUsize::new(0),
            budget: usize::MAX,
            held: AtomicUsize::new(0),
            spilled: AtomicUsize::new(0),
            make: None,
            scratch: OnceLock::new(),
        }
    }

    /// A store that holds a quarter of `budget` in texts as they are, `budget` bytes of packed
    /// texts in memory, and the others in the file `make` makes. Should the file not be made
    /// or written, the texts stay in memory.
    pub fn spilling(budget: usize, make: MakeScratch) -> Store {
        Store {
            plain: budget / 4,
            plain_held: AtomicUsize::new(0),
            budget,
            held: AtomicUsize::new(0),
            spilled: AtomicUsize::new(0),
            make: Some(make),
            scratch: OnceLock::new(),
        }
    }

    /// `text`, kept as `keep` keeps a text as it is.
    pub fn pack(&self, text: &str) -> Packed {
        self.keep(Packed::plain(text))
    }

    /// `packed`, compressed once the plain budget is spent (if that makes it smaller), then
    /// moved to the scratch file once the budget is spent.
    pub fn keep(&self, packed: Packed) -> Packed {
        let packed = match packed {
            Packed::Plain(text) if text.len() >= SMALLEST => {
                let held = self.plain_held.fetch_add(text.len(), Ordering::Relaxed) + text.len();
                if held <= self.plain {
                    return Packed::Plain(text);
                }
                self.plain_held.fetch_sub(text.len(), Ordering::Relaxed);
                Packed::new(&text)
            }
            other => other,
        };
        let Packed::Lz4 { bytes, len } = &packed else {
            return packed;
        };
        let held = self.held.fetch_add(bytes.len(), Ordering::Relaxed) + bytes.len();
        if held <= self.budget {
            return packed;
        }
        self.held.fetch_sub(bytes.len(), Ordering::Relaxed);
        let Some(file) = self.scratch() else {
            return packed;
        };
        match (u32::try_from(bytes.len()), u32::try_from(*len)) {
            (Ok(size), Ok(length)) => match file.write(bytes) {
                Ok(at) => {
                    self.spilled.fetch_add(1, Ordering::Relaxed);
                    Packed::Spilled(Spilled {
                        file: Arc::clone(file),
                        at,
                        packed: size,
                        len: length,
                    })
                }
                Err(_) => packed,
            },
            _ => packed,
        }
    }

    /// How many texts went to the scratch file.
    pub fn spilled(&self) -> usize {
        self.spilled.load(Ordering::Relaxed)
    }

    /// The first error met reading the scratch file back: the texts read then came back
    /// empty, and a build that read them must not be published.
    pub fn failed(&self) -> Option<String> {
        let file = self.scratch.get()?.as_ref()?;
        let failed = file.failed.lock().unwrap_or_else(|e| e.into_inner());
        failed.as_ref().map(crate::diagnostic::io_fr)
    }

    fn scratch(&self) -> Option<&Arc<Scratch>> {
        self.scratch
            .get_or_init(|| {
                let file = (self.make.as_ref()?)().ok()?;
                Some(Arc::new(Scratch {
                    file,
                    end: AtomicU64::new(0),
                    failed: Mutex::new(None),
                }))
            })
            .as_ref()
    }
}

/// A file that texts are appended to, each at a place of its own, and read back from there.
struct Scratch {
    file: std::fs::File,
    end: AtomicU64,
    failed: Mutex<Option<std::io::Error>>,
}

impl Scratch {
    /// Writes `bytes` at a place no other text takes: where.
    fn write(&self, bytes: &[u8]) -> std::io::Result<u64> {
        let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_at(&self.file, bytes, at)?;
        Ok(at)
    }

    /// The `len` bytes of text whose `packed` bytes of LZ4 are at `at`; the empty text if they
    /// cannot be read (the error is kept for `Store::failed`).
    fn read(&self, at: u64, packed: usize, len: usize) -> String {
        let mut bytes = vec![0; packed];
        match read_at(&self.file, &mut bytes, at) {
            Ok(()) => unpack(&bytes, len),
            Err(e) => {
                let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
                failed.get_or_insert(e);
                String::new()
            }
        }
    }
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

/// Elsewhere, no text is written to a scratch file (the store keeps it in memory).
#[cfg(not(unix))]
fn write_at(_: &std::fs::File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &std::fs::File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
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
            _ => panic!("long prose is compressed, in memory"),
        }
        assert!(matches!(Packed::new("Un jardin."), Packed::Plain(_)));
    }

    #[test]
    fn past_its_budget_a_store_keeps_texts_in_its_file_and_gives_them_back() {
        let texts: Vec<String> = (0..200)
            .map(|i| {
                format!("Acteur {i} : une épicerie solidaire du quartier. ").repeat(10 + i % 7)
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let where_ = dir.path().to_path_buf();
        let store = Store::spilling(2000, Box::new(move || tempfile::tempfile_in(&where_)));
        let packed: Vec<Packed> = texts.iter().map(|t| store.pack(t)).collect();
        let spilled = packed
            .iter()
            .filter(|p| matches!(p, Packed::Spilled(_)))
            .count();
        let held: usize = packed
            .iter()
            .map(|p| match p {
                Packed::Lz4 { bytes, .. } => bytes.len(),
                _ => 0,
            })
            .sum();
        assert!(held <= 2000, "{held} bytes held");
        assert!(spilled > 150, "{spilled} texts in the file");
        assert_eq!(store.spilled(), spilled);
        for (p, t) in packed.iter().zip(&texts) {
            assert_eq!(p.text(), t.as_str());
            assert_eq!(p.len(), t.len());
            assert_eq!(p, &Packed::new(t));
        }
        assert_eq!(store.failed(), None);
        // Short texts stay as they are, in memory.
        assert!(matches!(store.pack("court"), Packed::Plain(_)));
    }

    #[test]
    fn a_store_that_cannot_make_its_file_keeps_its_texts_in_memory() {
        let store = Store::spilling(
            0,
            Box::new(|| Err(std::io::ErrorKind::PermissionDenied.into())),
        );
        let text = "Un tiers-lieu ouvert à tous, du lundi au samedi. ".repeat(20);
        let packed = store.pack(&text);
        assert!(matches!(packed, Packed::Lz4 { .. }));
        assert_eq!(packed.text(), text);
    }

    #[test]
    fn a_store_holds_its_first_texts_as_they_are_and_compresses_the_others() {
        let text = "Une épicerie solidaire ouverte à tous, du lundi au samedi. ".repeat(20);
        // Room for three texts as they are, then compressed in memory (no file is made).
        let store = Store::spilling(
            text.len() * 4 * 3,
            Box::new(|| Err(std::io::ErrorKind::PermissionDenied.into())),
        );
        let kept: Vec<Packed> = (0..10).map(|_| store.pack(&text)).collect();
        let plain = kept
            .iter()
            .filter(|p| matches!(p, Packed::Plain(_)))
            .count();
        assert_eq!(plain, 3);
        assert!(kept[3..].iter().all(|p| matches!(p, Packed::Lz4 { .. })));
        assert!(kept.iter().all(|p| p.text() == text.as_str()));
        // A short text is never compressed, and takes nothing from the budget.
        assert!(matches!(store.pack("court"), Packed::Plain(_)));
        // The preview's store holds a town's texts as they are.
        let memory = Store::in_memory();
        assert!((0..100).all(|_| matches!(memory.pack(&text), Packed::Plain(_))));
    }

    #[test]
    fn a_text_that_cannot_be_read_back_comes_back_empty_and_the_store_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let where_ = dir.path().to_path_buf();
        let store = Store::spilling(0, Box::new(move || tempfile::tempfile_in(&where_)));
        let text = "Une ressourcerie. ".repeat(40);
        let Packed::Spilled(mut spilled) = store.pack(&text) else {
            panic!("past a budget of 0, a text goes to the file");
        };
        assert_eq!(store.failed(), None);
        spilled.at += 1 << 20;
        assert_eq!(Packed::Spilled(spilled).text(), "");
        assert!(store.failed().is_some());
    }
}
