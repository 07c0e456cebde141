//! ess-site patch: a request's body, drained when the request is dropped (after its answer is
//! sent, so that a client still sending reads it) — at most `MAX_DRAIN` bytes and
//! `MAX_DRAIN_TIME`, through one small buffer: memory stays the same whatever the body. A
//! body left larger is not read: the connection is marked, and closed instead of reading the
//! next request from it.

use std::io::{Read, Result as IoResult};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The most bytes of an unread body thrown away to keep the connection open.
pub const MAX_DRAIN: usize = 64 << 20;
/// The longest an unread body is drained.
pub const MAX_DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(5);

pub struct BodyGuard<R: Read> {
    inner: R,
    ended: bool,
    /// Whether an unread rest is drained: not when the client waits for `100 Continue` before
    /// it sends the body (never sent if the body was not read).
    drain: bool,
    /// Set when the body was left unread: the connection closes after this request.
    unread: Arc<AtomicBool>,
}

impl<R: Read> BodyGuard<R> {
    pub fn new(inner: R, unread: Arc<AtomicBool>, drain: bool) -> Self {
        BodyGuard {
            inner,
            ended: false,
            drain,
            unread,
        }
    }
}

impl<R: Read> Read for BodyGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended = true;
        }
        Ok(n)
    }
}

impl<R: Read> Drop for BodyGuard<R> {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        let mut buf = [0u8; 8192];
        let mut drained = 0;
        let deadline = std::time::Instant::now() + MAX_DRAIN_TIME;
        while self.drain && drained <= MAX_DRAIN && std::time::Instant::now() < deadline {
            match self.inner.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => drained += n,
                Err(_) => break,
            }
        }
        self.unread.store(true, Ordering::Relaxed);
    }
}
