//! The whole output of the example site, as committed in `tests/snapshots/example/`: a change in
//! any page shows in review. Generated text files are kept whole; the theme's static files and
//! the search index's compressed files are listed in `MANIFEST` with their length and hash.
//!
//! After an intended change: `UPDATE_SNAPSHOTS=1 cargo test --test snapshot`, then review the diff.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const NOW: &str = "2026-11-23";

/// FNV-1a, 64 bits: stable from one Rust release to the next, unlike std's hasher.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether an output file is kept whole in the snapshot (made by the build, and text).
fn kept_whole(path: &str) -> bool {
    let generated = !path.starts_with("pagefind/")
        && !path.starts_with("vendor/")
        && !path.starts_with("js/")
        && !path.ends_with(".css")
        && !path.ends_with(".svg");
    let text = [".html", ".xml", ".txt", ".ics", ".csv", ".json"]
        .iter()
        .any(|e| path.ends_with(e));
    generated && text
}

/// The snapshot of an output tree: the files kept whole, and the manifest of the others.
fn snapshot_of(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let mut snapshot = BTreeMap::new();
    let mut manifest = String::new();
    for (path, bytes) in files {
        if kept_whole(path) {
            snapshot.insert(path.clone(), bytes.clone());
        } else {
            manifest.push_str(&format!("{path} {} {:016x}\n", bytes.len(), fnv(bytes)));
        }
    }
    snapshot.insert("MANIFEST".into(), manifest.into_bytes());
    snapshot
}

fn write_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let _ = std::fs::remove_dir_all(dir);
    for (path, bytes) in files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

#[test]
fn the_example_sites_output_is_its_snapshot() {
    let site = copy_site(&repo());
    let got = snapshot_of(&build(site.path(), options(NOW)));
    let dir = repo().join("tests/snapshots/example");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        write_tree(&dir, &got);
        return;
    }
    let expected = if dir.is_dir() {
        read_tree(&dir)
    } else {
        BTreeMap::new()
    };
    let mut differences = Vec::new();
    for path in expected
        .keys()
        .chain(got.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        match (expected.get(path), got.get(path)) {
            (Some(e), Some(g)) if e == g => {}
            (Some(e), Some(g)) => {
                let (e, g) = (String::from_utf8_lossy(e), String::from_utf8_lossy(g));
                let line = e
                    .lines()
                    .zip(g.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(e.lines().count().min(g.lines().count()));
                differences.push(format!(
                    "{path} differs from line {}:\n  - {}\n  + {}",
                    line + 1,
                    e.lines().nth(line).unwrap_or(""),
                    g.lines().nth(line).unwrap_or("")
                ));
            }
            (Some(_), None) => differences.push(format!("{path} is no longer written")),
            (None, Some(_)) => differences.push(format!("{path} is new")),
            (None, None) => {}
        }
    }
    assert!(
        differences.is_empty(),
        "the output differs from tests/snapshots/example/ (UPDATE_SNAPSHOTS=1 cargo test --test snapshot after an intended change):\n{}",
        differences.join("\n")
    );
}
