//! The house, as ARCHITECTURE.md draws it, held against the code: read from the `crate::`,
//! `super::` and `use` paths of every file of `src/` (test modules left out).
//!
//! - no import runs up the stages (cli → serve → pipeline → write → render → validate → load →
//!   model → the ground), and no two files import each other, even through others;
//! - nothing but `write/` and the image cache (`images/cache.rs`) changes anything on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stages, top first; a file may import its own stage's files and the stages below.
const STAGES: &[(&str, usize)] = &[
    ("main.rs", 13),
    ("lib.rs", 12),
    ("cli", 11),
    ("serve", 10),
    ("pipeline", 9),
    ("write", 8),
    ("render", 7),
    ("validate", 6),
    ("load", 5),
    ("model", 4),
    ("report.rs", 3),
    ("images", 2),
    ("yaml", 2),
    ("text", 2),
    ("diagnostic.rs", 1),
    ("files.rs", 0),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file (`render/pages/mod.rs` → `render::pages`).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The text of a file without its test modules and comments.
fn code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    // The first test module ends the code: `#[cfg(test)]` or `#[cfg(all(test, …))]` then `mod`.
    let end = (0..lines.len())
        .find(|&i| {
            lines[i].starts_with("#[cfg(")
                && lines[i].contains("test")
                && lines.get(i + 1).is_some_and(|l| l.starts_with("mod "))
        })
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .map(|l| match l.find("//") {
            Some(at) if !l[..at].contains('"') => &l[..at],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names: `crate::a::b`, `super::a`, and the items of `use` groups.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let words: Vec<char> = code.chars().collect();
    let text: String = words.iter().collect();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = text[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            if at > 0 && text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[at..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let path = &rest[..end];
            // `use crate::a::{b, c::d}`: each item.
            if rest[end..].starts_with('{') {
                let close = rest[end..].find('}').map_or(rest.len(), |c| end + c);
                for item in rest[end + 1..close].split(',') {
                    let item = item.trim().split(" as ").next().unwrap_or("");
                    let full = format!("{path}{item}");
                    out.push(split(&full));
                }
            } else {
                out.push(split(path));
            }
        }
    }
    out
}

fn split(path: &str) -> Vec<String> {
    path.split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

struct House {
    /// Module path → file (relative to `src/`).
    files: BTreeMap<Vec<String>, PathBuf>,
    /// File → the files it imports.
    arrows: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
}

fn house() -> House {
    let root = src();
    let mut all = Vec::new();
    rust_files(&root, &mut all);
    let mut files = BTreeMap::new();
    for p in &all {
        let rel = p.strip_prefix(&root).unwrap().to_path_buf();
        files.insert(module_of(&rel), rel);
    }
    let mut arrows: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (module, rel) in &files {
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = code(&std::fs::read_to_string(root.join(rel)).unwrap());
        let entry = arrows.entry(rel.clone()).or_default();
        for path in paths(&text) {
            let target: Vec<String> = match path.first().map(String::as_str) {
                Some("crate") => path[1..].to_vec(),
                Some("super") => {
                    let mut base = module.clone();
                    let mut rest = &path[..];
                    while rest.first().is_some_and(|s| s == "super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().cloned());
                    base
                }
                _ => continue,
            };
            // The longest module path that is a file.
            let found = (1..=target.len())
                .rev()
                .find_map(|n| files.get(&target[..n]));
            if let Some(to) = found {
                if to != rel {
                    entry.insert(to.clone());
                }
            }
        }
    }
    House { files, arrows }
}

fn stage(rel: &Path) -> (&'static str, usize) {
    let first = rel.iter().next().unwrap().to_string_lossy().into_owned();
    STAGES
        .iter()
        .find(|(name, _)| *name == first)
        .copied()
        .unwrap_or_else(|| panic!("{}: a file of no stage of ARCHITECTURE.md", rel.display()))
}

#[test]
fn no_import_runs_up_the_stages() {
    let house = house();
    assert!(house.files.len() > 60, "the house was not read");
    let mut up = Vec::new();
    for (from, tos) in &house.arrows {
        for to in tos {
            let (a, ra) = stage(from);
            let (b, rb) = stage(to);
            if rb > ra {
                up.push(format!(
                    "{} ({a}) imports {} ({b})",
                    from.display(),
                    to.display()
                ));
            }
        }
    }
    assert!(
        up.is_empty(),
        "imports that run up the stages:\n{}",
        up.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other() {
    let house = house();
    // Tarjan's strongly connected components: a component of two files or more is a circle.
    struct Walk<'a> {
        arrows: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on: BTreeSet<&'a PathBuf>,
        circles: Vec<Vec<&'a PathBuf>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a PathBuf) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on.insert(v);
            for w in self.arrows.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.on.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut circle = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    circle.push(w);
                    if w == v {
                        break;
                    }
                }
                if circle.len() > 1 {
                    self.circles.push(circle);
                }
            }
        }
    }
    let mut walk = Walk {
        arrows: &house.arrows,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        circles: Vec::new(),
    };
    for v in house.arrows.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    let circles: Vec<String> = walk
        .circles
        .iter()
        .map(|c| {
            c.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" → ")
        })
        .collect();
    assert!(
        circles.is_empty(),
        "files that import each other:\n{}",
        circles.join("\n")
    );
}

#[test]
fn only_write_and_the_image_cache_change_the_disk() {
    const CHANGES: &[&str] = &[
        "std::fs::write",
        "std::fs::create_dir",
        "std::fs::remove_",
        "std::fs::rename",
        "std::fs::set_permissions",
        "std::fs::hard_link",
        "std::fs::copy",
        "File::create",
        "tempfile::",
    ];
    let root = src();
    let mut all = Vec::new();
    rust_files(&root, &mut all);
    let mut found = Vec::new();
    for p in all {
        let rel = p.strip_prefix(&root).unwrap();
        if rel.starts_with("write") || rel == Path::new("images/cache.rs") {
            continue;
        }
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = code(&std::fs::read_to_string(&p).unwrap());
        for call in CHANGES {
            if text.contains(call) {
                found.push(format!("{}: {call}", rel.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "disk changed outside write/:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_file_is_under_650_lines() {
    let root = src();
    let mut all = Vec::new();
    rust_files(&root, &mut all);
    let long: Vec<String> = all
        .iter()
        .map(|p| (p, std::fs::read_to_string(p).unwrap().lines().count()))
        .filter(|(_, n)| *n >= 650)
        .map(|(p, n)| format!("{}: {n} lines", p.strip_prefix(&root).unwrap().display()))
        .collect();
    assert!(
        long.is_empty(),
        "files to split where they do two jobs:\n{}",
        long.join("\n")
    );
}
