//! Helpers shared by the integration tests: copy a site, build it, read the output.

#![allow(dead_code)]

use ess_site::pipeline;
use ess_site::site::BuildOptions;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The repository's root: the example site lives there.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Copies a site's `site.toml`, `content/`, `templates/` and `static/` into a new temp folder.
pub fn copy_site(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for part in ["site.toml", "content", "templates", "static", "themes"] {
        let src = from.join(part);
        if !src.exists() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.expect("walk");
            let rel = entry.path().strip_prefix(from).expect("inside");
            let dst = dir.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dst).expect("mkdir");
            } else {
                std::fs::create_dir_all(dst.parent().expect("parent")).expect("mkdir");
                std::fs::copy(entry.path(), &dst).expect("copy");
            }
        }
    }
    dir
}

pub fn options(now: &str) -> BuildOptions {
    BuildOptions {
        now: ess_site::model::Date::parse(now).expect("valid now").at,
        drafts: false,
        include_private: false,
        base_url: None,
        scheduled: false,
        editor_local: false,
    }
}

/// Builds `root` into `root/public` and returns every output file by path.
pub fn build(root: &Path, options: BuildOptions) -> BTreeMap<String, Vec<u8>> {
    // A folder keeps its audience: the members' build has its own.
    let out = root.join(if options.include_private {
        "public-membres"
    } else {
        "public"
    });
    match pipeline::build(root, &out, options) {
        Ok(_) => read_tree(&out),
        Err(ds) => panic!(
            "build failed:\n{}",
            ds.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).expect("read"));
        }
    }
    files
}

pub fn text<'a>(files: &'a BTreeMap<String, Vec<u8>>, path: &str) -> &'a str {
    let bytes = files.get(path).unwrap_or_else(|| {
        panic!(
            "{path} missing from output; have: {:?}",
            files.keys().collect::<Vec<_>>()
        )
    });
    std::str::from_utf8(bytes).expect("utf-8")
}

/// Every `href="/…"` and `src="/…"` of an HTML text.
pub fn internal_links(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let link = &rest[..end];
            if link.starts_with('/') && !link.starts_with("//") {
                links.push(link.to_string());
            }
        }
    }
    links
}

/// A running preview; killed when dropped, so a failing test never leaves it behind.
pub struct Server {
    pub child: Child,
    pub addr: String,
    /// The editor's own address (`--editor`), where `/admin/` and `/api/v1` are.
    pub editor: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ess-site serve` on a free loopback port, as of `now`.
pub fn start(root: &Path, now: &str) -> Server {
    start_logging(root, now, Stdio::null())
}

/// `start`, with the preview's terminal (stderr) going to `stderr`.
pub fn start_logging(root: &Path, now: &str, stderr: impl Into<Stdio>) -> Server {
    start_with(root, now, &[], stderr)
}

/// `start_logging`, with more arguments for `serve` (`--editor`).
pub fn start_with(root: &Path, now: &str, extra: &[&str], stderr: impl Into<Stdio>) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["serve", "--port", "0", "--now", now])
        .args(extra)
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start ess-site serve");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    let address = |line: &str| {
        line.split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .map(str::to_string)
    };
    let addr = address(&line).expect("address printed");
    assert!(
        addr.starts_with("127.0.0.1:"),
        "serves on loopback by default: {line}"
    );
    let editor = extra.contains(&"--editor").then(|| {
        let mut second = String::new();
        out.read_line(&mut second).unwrap();
        address(&second).expect("the editor's address printed")
    });
    Server {
        child,
        addr,
        editor,
    }
}

pub struct Response {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Sends raw bytes, reads the whole response (the server closes with `Connection: close`).
pub fn raw(addr: &str, request: &[u8]) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        headers: head,
        body: buf[split..].to_vec(),
    }
}
