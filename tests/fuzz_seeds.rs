//! The fuzz targets' seeds (`fuzz/seeds/TARGET/`: minimised inputs and the crashes found so
//! far) replayed through the targets' own checks, so that `cargo test` guards them without
//! cargo-fuzz. `fuzz/run.sh` fuzzes from the same seeds.

#[path = "../fuzz/fuzz_targets/checks.rs"]
mod checks;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{target}: too few seeds");
    files
}

/// Runs `check` on each seed, naming the seed that fails.
fn replay(target: &str, check: impl Fn(&[u8]) + std::panic::RefUnwindSafe) {
    for (name, bytes) in seeds(target) {
        if let Err(e) = std::panic::catch_unwind(|| check(&bytes)) {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("fuzz/seeds/{target}/{name}: {why}");
        }
    }
}

#[test]
fn front_matter_seeds() {
    // libFuzzer hands a `&str` target only the inputs that are UTF-8.
    replay("front_matter", |b| {
        if let Ok(text) = std::str::from_utf8(b) {
            checks::front_matter(text)
        }
    });
}

#[test]
fn record_seeds() {
    // `(u8, &[u8])` as the `arbitrary` crate reads it: the first byte, then the rest.
    replay("record", |b| match b.split_first() {
        Some((which, rest)) => checks::record(*which, rest),
        None => checks::record(0, &[]),
    });
}

#[test]
fn sanitizer_seeds() {
    replay("sanitizer", |b| {
        if let Ok(text) = std::str::from_utf8(b) {
            checks::sanitizer(text)
        }
    });
}
