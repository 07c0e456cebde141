//! Embeds the default theme (`themes/default/`) into the binary, so a site needs no theme folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, root, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push((rel, path.canonicalize().unwrap_or(path)));
        }
    }
}

/// The Rust source of a static `name` holding every file of `dir` but `skip`: (path inside
/// `dir`, bytes), sorted by path; cargo is told to build again when one changes.
fn embed(dir: &Path, name: &str, doc: &str, skip: &[&str]) -> String {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.retain(|(rel, _)| !skip.contains(&rel.as_str()));
    files.sort();
    let mut code = format!("/// {doc}: (path, bytes), sorted by path.\n");
    let _ = writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[");
    for (rel, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    code
}

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=themes/default");
    let theme = embed(
        &manifest.join("themes/default"),
        "DEFAULT_THEME",
        "The default theme's files",
        &[],
    );
    std::fs::write(out_dir.join("theme_files.rs"), theme).expect("OUT_DIR is writable");
    // The web editor's vendored files (vendor/decap-cms/), published under /admin/.
    println!("cargo:rerun-if-changed=vendor/decap-cms");
    let editor = embed(
        &manifest.join("vendor/decap-cms"),
        "DECAP_FILES",
        "The web editor's files",
        &["README.md"],
    );
    std::fs::write(out_dir.join("editor_files.rs"), editor).expect("OUT_DIR is writable");
}
