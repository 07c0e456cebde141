//! Reading the site's own files: regular files only. A named pipe (FIFO), a device or a
//! socket among the sources is refused at once, never waited on (reading a FIFO blocks until
//! something writes into it: `check` and `build` hung). Every read of a source goes through
//! [`read`].

use std::io::Read;
use std::path::Path;

/// Why a source was not read: it is not a regular file.
#[derive(Debug)]
pub struct NotRegular;

impl std::fmt::Display for NotRegular {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("pas un fichier ordinaire (tube nommé, périphérique ou socket)")
    }
}

impl std::error::Error for NotRegular {}

/// The bytes of the regular file at `path` (a symlink to one is followed). Opened without
/// waiting (`O_NONBLOCK`), then checked on the open file: no moment where a FIFO put in its
/// place could be read.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    read_at_most(path, u64::MAX).map_err(|e| match e {
        TooLarge::Io(e) => e,
        TooLarge::Size(_) => std::io::Error::from(std::io::ErrorKind::FileTooLarge),
    })
}

/// Why [`read_at_most`] read nothing.
#[derive(Debug)]
pub enum TooLarge {
    /// The file could not be read, or is not a regular file.
    Io(std::io::Error),
    /// Its size, over the limit.
    Size(u64),
}

/// [`read`], refusing a file of more than `max` bytes before reading it: the size is asked
/// of the open file, as whether it is a regular one (one look-up of the path, not two).
pub fn read_at_most(path: &Path, max: u64) -> Result<Vec<u8>, TooLarge> {
    let mut f = open(path).map_err(TooLarge::Io)?;
    let meta = f.metadata().map_err(TooLarge::Io)?;
    if !meta.is_file() {
        return Err(TooLarge::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            NotRegular,
        )));
    }
    if meta.len() > max {
        return Err(TooLarge::Size(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    f.read_to_end(&mut bytes).map_err(TooLarge::Io)?;
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read(path)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Whether an error of [`read`] is that the file is not a regular one.
pub fn is_not_regular(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<NotRegular>())
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("x.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let e = super::read(&fifo).expect_err("a FIFO is no file to read");
        assert!(super::is_not_regular(&e));
        std::fs::write(dir.path().join("y.md"), "texte").expect("write");
        assert_eq!(
            super::read(&dir.path().join("y.md")).expect("read"),
            b"texte"
        );
    }
}
