//! Files of the site opened, written, moved and removed by the editor's proxy without ever
//! following a symbolic link: each folder of a path is opened from the one before it
//! (`openat` with `O_NOFOLLOW`), and the file is made, renamed or removed in the folder so
//! opened. A folder swapped for a symlink to elsewhere between the proxy's check and its
//! write (a race) makes the write fail; it never lands outside the site.

use rustix::fs::{AtFlags, Mode, OFlags};
use std::os::fd::OwnedFd;
use std::path::{Component, Path};

/// The folders and the file name of `rel` (a relative path of plain names).
fn parts(rel: &Path) -> std::io::Result<(Vec<&std::ffi::OsStr>, &std::ffi::OsStr)> {
    let mut names = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => names.push(n),
            _ => return Err(std::io::ErrorKind::InvalidInput.into()),
        }
    }
    let file = names.pop().ok_or(std::io::ErrorKind::InvalidInput)?;
    Ok((names, file))
}

/// The folder `dirs` below `root`, each opened without following a link; made if `create`.
fn folder(root: &Path, dirs: &[&std::ffi::OsStr], create: bool) -> std::io::Result<OwnedFd> {
    let flags = OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::RDONLY;
    let mut fd = rustix::fs::open(root, flags, Mode::empty())?;
    for name in dirs {
        fd = match rustix::fs::openat(&fd, *name, flags, Mode::empty()) {
            Ok(next) => next,
            Err(e) if e == rustix::io::Errno::NOENT && create => {
                match rustix::fs::mkdirat(&fd, *name, Mode::from_raw_mode(0o755)) {
                    Ok(()) => {}
                    Err(e) if e == rustix::io::Errno::EXIST => {}
                    Err(e) => return Err(e.into()),
                }
                rustix::fs::openat(&fd, *name, flags, Mode::empty())?
            }
            Err(e) => return Err(e.into()),
        };
    }
    Ok(fd)
}

/// Writes `bytes` as the file `rel` below `root`, through a new file renamed over the old
/// one (a reader never sees half a record), its folders made if needed.
pub fn write(root: &Path, rel: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let (dirs, name) = parts(rel)?;
    let dir = folder(root, &dirs, true)?;
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = format!(".ess-site-{}-{n}-{nanos}", std::process::id());
        let fd = match rustix::fs::openat(
            &dir,
            tmp.as_str(),
            OFlags::CREATE | OFlags::EXCL | OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        ) {
            Ok(fd) => fd,
            Err(e) if e == rustix::io::Errno::EXIST => continue,
            Err(e) => return Err(e.into()),
        };
        let mut file = std::fs::File::from(fd);
        let written = file.write_all(bytes).and_then(|()| {
            rustix::fs::renameat(&dir, tmp.as_str(), &dir, name).map_err(Into::into)
        });
        if written.is_err() {
            let _ = rustix::fs::unlinkat(&dir, tmp.as_str(), AtFlags::empty());
        }
        return written;
    }
}

/// The bytes of the file `rel` below `root`, never through a link.
pub fn read(root: &Path, rel: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let (dirs, name) = parts(rel)?;
    let dir = folder(root, &dirs, false)?;
    let fd = rustix::fs::openat(
        &dir,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
        Mode::empty(),
    )?;
    let mut file = std::fs::File::from(fd);
    if !file.metadata()?.is_file() {
        return Err(std::io::ErrorKind::InvalidInput.into());
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Removes the file `rel` below `root` (one already gone is no error).
pub fn remove(root: &Path, rel: &Path) -> std::io::Result<()> {
    let (dirs, name) = parts(rel)?;
    let dir = match folder(root, &dirs, false) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    match rustix::fs::unlinkat(&dir, name, AtFlags::empty()) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::NOENT => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Moves the file `from` to `to`, both below `root`; `to` must not exist yet.
pub fn rename(root: &Path, from: &Path, to: &Path) -> std::io::Result<()> {
    let (from_dirs, from_name) = parts(from)?;
    let (to_dirs, to_name) = parts(to)?;
    let a = folder(root, &from_dirs, false)?;
    let b = folder(root, &to_dirs, true)?;
    rustix::fs::renameat_with(
        &a,
        from_name,
        &b,
        to_name,
        rustix::fs::RenameFlags::NOREPLACE,
    )
    .map_err(Into::into)
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_write_follows_a_link_out_of_the_site() {
        let site = tempfile::tempdir().expect("temp dir");
        let outside = tempfile::tempdir().expect("temp dir");
        let root = site.path();
        std::fs::create_dir_all(root.join("content")).expect("mkdir");
        std::os::unix::fs::symlink(outside.path(), root.join("content/race")).expect("symlink");
        for rel in ["content/race/x.md", "content/race/sub/y.md"] {
            assert!(
                super::write(root, std::path::Path::new(rel), b"x").is_err(),
                "{rel}"
            );
        }
        std::fs::write(outside.path().join("secret.md"), "secret").expect("write");
        assert!(super::read(root, std::path::Path::new("content/race/secret.md")).is_err());
        std::os::unix::fs::symlink(
            outside.path().join("secret.md"),
            root.join("content/lien.md"),
        )
        .expect("symlink");
        assert!(super::read(root, std::path::Path::new("content/lien.md")).is_err());
        assert!(std::fs::read_dir(outside.path()).expect("list").count() == 1);
        super::write(root, std::path::Path::new("content/a/b.md"), b"ok").expect("write");
        assert_eq!(
            std::fs::read(root.join("content/a/b.md")).expect("read"),
            b"ok"
        );
    }
}
