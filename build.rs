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
    // The web editor's vendored files (vendor/decap-cms/, vendor/browser-wasi-shim/) and its
    // pre-save check (editor-check/), published under /admin/; not in the check compiled to
    // WebAssembly (no `full` feature), which publishes nothing.
    let full = std::env::var_os("CARGO_FEATURE_FULL").is_some();
    let none = |name: &str| format!("pub static {name}: &[(&str, &[u8])] = &[];\n");
    let mut editor = String::new();
    for (dir, name, doc) in [
        ("vendor/decap-cms", "DECAP_FILES", "The web editor's files"),
        (
            "vendor/browser-wasi-shim",
            "WASI_FILES",
            "The WASI runtime of the editor's pre-save check",
        ),
    ] {
        if full {
            println!("cargo:rerun-if-changed={dir}");
            editor.push_str(&embed(&manifest.join(dir), name, doc, &["README.md"]));
        } else {
            editor.push_str(&none(name));
        }
    }
    editor.push_str(&editor_check(manifest, full));
    std::fs::write(out_dir.join("editor_files.rs"), editor).expect("OUT_DIR is writable");
}

/// The online editor's pre-save check, `editor-check/out/ess-site-editor-check.wasm` as
/// `tools/editor-check.sh` builds it: `EDITOR_CHECK`, `None` when it is not built (the editor
/// then saves online without the check, and cargo says so).
fn editor_check(manifest: &Path, full: bool) -> String {
    let doc =
        "/// The online editor's pre-save check (`editor-check/`, WebAssembly), when built.\n";
    let out = manifest.join("editor-check/out");
    let wasm = out.join("ess-site-editor-check.wasm");
    if !full {
        return format!("{doc}pub static EDITOR_CHECK: Option<&[u8]> = None;\n");
    }
    println!("cargo:rerun-if-changed={}", out.display());
    let Ok(built) = std::fs::metadata(&wasm).and_then(|m| m.modified()) else {
        println!(
            "cargo:warning=the online editor's pre-save check is not built: the editor will save online without it (bash tools/editor-check.sh builds it)"
        );
        return format!("{doc}pub static EDITOR_CHECK: Option<&[u8]> = None;\n");
    };
    // Older than the engine's sources: said, not refused (a build still works).
    let mut newest = Vec::new();
    for dir in ["src", "editor-check/src", "themes/default"] {
        newest_file(&manifest.join(dir), &mut newest);
    }
    // The Rust sources and the theme the check embeds (not the editor's own script, say).
    let in_check = |p: &Path| {
        p.extension().is_some_and(|e| e == "rs") || p.starts_with(manifest.join("themes"))
    };
    if let Some(source) = newest
        .iter()
        .filter(|(t, p)| *t > built && in_check(p))
        .max()
    {
        println!(
            "cargo:warning=the online editor's pre-save check is older than {}: bash tools/editor-check.sh builds it again",
            source.1.display()
        );
    }
    format!(
        "{doc}pub static EDITOR_CHECK: Option<&[u8]> = Some(include_bytes!({:?}));\n",
        wasm.display().to_string()
    )
}

/// Every file under `dir` with its time of change.
fn newest_file(dir: &Path, out: &mut Vec<(std::time::SystemTime, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            newest_file(&path, out);
        } else if let Ok(t) = entry.metadata().and_then(|m| m.modified()) {
            out.push((t, path));
        }
    }
}
