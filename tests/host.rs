//! The published site on a real host: Debian's nginx with its worker running as `www-data`
//! (not the user who built) answers 200 for every file of a fresh build of the example.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A folder under the system's temporary folder that another user may enter (a temporary
/// folder is its owner's alone).
fn open_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("ess-site-host-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_nginx(dir: &Path, root: &Path, port: u16) -> Nginx {
    let conf = format!(
        "user www-data;\nworker_processes 1;\ndaemon off;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log;\n\
         events {{ worker_connections 64; }}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log off;\n\
         client_body_temp_path {dir}/body;\n  proxy_temp_path {dir}/proxy;\n  fastcgi_temp_path {dir}/fcgi;\n\
         uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n\
         server {{\n    listen 127.0.0.1:{port};\n    root {root};\n  }}\n}}\n",
        dir = dir.display(),
        root = root.display()
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new("nginx")
        .args(["-p"])
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx");
    let nginx = Nginx(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

#[test]
fn nginx_as_www_data_serves_every_file_of_a_fresh_build() {
    assert!(
        Command::new("nginx")
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success()),
        "this test cannot run: missing nginx (apt-get install nginx; `bash .ci/run` installs it)"
    );
    assert!(
        rustix_is_root(),
        "this test cannot run: nginx switches its worker to www-data only when started as root (`bash .ci/run` runs as root)"
    );
    let site = copy_site(&repo());
    let host = open_dir();
    let public = host.path().join("public");
    let out = Command::new(env!("CARGO_BIN_EXE_ess-site"))
        .args(["build", "--quiet", "--now", "2026-11-23", "--output"])
        .arg(&public)
        .current_dir(site.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<String> = walkdir::WalkDir::new(&public)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&public)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert!(
        files.iter().filter(|f| f.ends_with(".webp")).count() > 3,
        "the example has pictures"
    );
    let state = open_dir();
    let port = free_port();
    let _nginx = start_nginx(state.path(), &public, port);
    let addr = format!("127.0.0.1:{port}");
    let mut refused = Vec::new();
    for f in &files {
        let path: String = f
            .split('/')
            .map(|p| {
                p.bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("/");
        let r = raw(
            &addr,
            format!("HEAD /{path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        if r.status != 200 {
            refused.push(format!("{} {f}", r.status));
        }
    }
    assert!(
        refused.is_empty(),
        "{} of {} files refused: {:?}",
        refused.len(),
        files.len(),
        &refused[..refused.len().min(10)]
    );
}

fn rustix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
