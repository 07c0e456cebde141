//! The words' pages of a large index written out while the index is made, and read back a
//! chunk at a time when it is encoded: the encoded pages of every word (most of the index's
//! memory: about 2.3 KB a record) are then never all held at once.
//!
//! Each shard of words has a scratch file of its own, made by the caller (who knows which disk
//! can hold it: not a `/tmp` that may be memory); a file without a name, removed by the system
//! when it is closed, leaves nothing behind. When the pages merged since the last
//! spill weigh more than the caller's threshold, every word's encoded pages are appended to its
//! shard's file and freed; the word keeps where they went. A word's pages are appended in page
//! order, each page's number delta-encoded from the page before: the pieces written out, then
//! those held, put end to end, are the bytes that were never written out.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::Arc;

/// Makes a new scratch file, open for reading and writing.
pub type ScratchFile = Arc<dyn Fn() -> io::Result<File> + Send + Sync>;

/// Where and when a build writes its words' pages out.
#[derive(Clone)]
pub struct SpillOptions {
    /// Makes the scratch files.
    pub scratch: ScratchFile,
    /// The bytes of pages merged since the last spill that start the next.
    pub after_bytes: usize,
}

/// A piece of a word's encoded pages written out: where it is in its shard's file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Piece {
    offset: u64,
    len: u64,
}

/// The scratch files of a build's shards, with how much each holds.
pub(super) struct Spill {
    files: Vec<(File, u64)>,
    pub(super) after_bytes: usize,
}

impl Spill {
    /// One scratch file per shard.
    pub(super) fn new(options: &SpillOptions, shards: usize) -> io::Result<Spill> {
        let files = (0..shards)
            .map(|_| (options.scratch)().map(|f| (f, 0)))
            .collect::<io::Result<_>>()?;
        Ok(Spill {
            files,
            after_bytes: options.after_bytes.max(1),
        })
    }

    /// The writers of the shards' files, each with the offset it writes at, for `spill_shard`
    /// to be called on each shard's thread.
    pub(super) fn writers(&mut self) -> impl Iterator<Item = ShardWriter<'_>> {
        self.files.iter_mut().map(|(file, len)| ShardWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            len,
        })
    }

    /// `bytes` with the pieces written out before them in the file of `shard`.
    pub(super) fn restore(&self, shard: usize, pieces: &[Piece], bytes: &mut Vec<u8>) -> io::Result<()> {
        if pieces.is_empty() {
            return Ok(());
        }
        let (file, _) = &self.files[shard];
        let total: usize = pieces.iter().map(|p| p.len as usize).sum::<usize>() + bytes.len();
        let mut whole = vec![0; total];
        let mut at = 0;
        for piece in pieces {
            let end = at + piece.len as usize;
            read_at(file, &mut whole[at..end], piece.offset)?;
            at = end;
        }
        whole[at..].copy_from_slice(bytes);
        *bytes = whole;
        Ok(())
    }
}

/// Appends pieces to one shard's scratch file.
pub(super) struct ShardWriter<'a> {
    out: BufWriter<&'a mut File>,
    len: &'a mut u64,
}

impl ShardWriter<'_> {
    /// Writes `bytes` out and frees them; `None` when there were none.
    pub(super) fn put(&mut self, bytes: &mut Vec<u8>) -> io::Result<Option<Piece>> {
        if bytes.is_empty() {
            return Ok(None);
        }
        self.out.write_all(bytes)?;
        let piece = Piece {
            offset: *self.len,
            len: bytes.len() as u64,
        };
        *self.len += piece.len;
        *bytes = Vec::new();
        Ok(Some(piece))
    }

    pub(super) fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}
