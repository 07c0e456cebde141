use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::index::PagefindIndexes;
use crate::{SearchOptions, PAGEFIND_VERSION};
use futures::future::join_all;
use rayon::prelude::*;
use sha1::{Digest, Sha1};
use std::collections::BTreeMap;
use include_dir::{include_dir, Dir};
use minifier::js::minify;
use tokio::fs::{create_dir_all, File};
use tokio::io::AsyncWriteExt;
use tokio::time::sleep;

mod entry;

const GENERIC_WEB_WASM: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/wasm/pagefind_web_bg.unknown.",
    env!("CARGO_PKG_VERSION"),
    ".wasm.gz"
));
const WEB_WASM_FILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/vendor/wasm");

const WEB_JS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_web.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WEB_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WEB_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const WEB_MODULAR_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_modular_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WEB_MODULAR_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_modular_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const COMPONENT_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_component_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const COMPONENT_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_component_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const SEARCH_JS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_public_search_api.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const HIGHLIGHT_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_highlight.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WORKER_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_worker.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));

pub struct LanguageMeta {
    pub page_count: usize,
    pub language: String,
    pub hash: String,
    pub wasm: Option<String>,
}

pub async fn write_common_to_disk(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
) {
    write_common(language_indexes, output_playground, outdir, options, false).await;
}

pub async fn write_common_to_memory(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
) -> Vec<SyntheticFile> {
    write_common(language_indexes, output_playground, outdir, options, true)
        .await
        .unwrap()
}

async fn write_common(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
    synthetic: bool,
) -> Option<Vec<SyntheticFile>> {
    let js_version = format!("const pagefind_version = \"{PAGEFIND_VERSION}\";");
    let mut js = vec![];
    minify(&format!("{js_version}\n{WEB_JS}\n{SEARCH_JS}"))
        .expect("Minifying Pagefind JS failed")
        .write(&mut js)
        .expect("Writing minified Pagefind JS failed");

    let mut worker_js = vec![];
    minify(&format!(
        "{js_version}\n{WEB_JS}\n{}",
        String::from_utf8_lossy(WORKER_JS)
    ))
    .expect("Minifying Pagefind Worker JS failed")
    .write(&mut worker_js)
    .expect("Writing minified Pagefind Worker JS failed");

    let entry_meta = entry::PagefindEntryMeta {
        version: PAGEFIND_VERSION,
        languages: BTreeMap::from_iter(language_indexes.into_iter().map(|i| {
            (
                i.language,
                entry::PagefindEntryLanguage {
                    hash: i.hash,
                    wasm: i.wasm,
                    page_count: i.page_count,
                },
            )
        })),
        include_characters: options.include_characters.clone(),
    };
    let encoded_entry_meta = serde_json::to_string(&entry_meta).unwrap();

    let write_behavior = if synthetic {
        WriteBehavior::Synthetic
    } else {
        WriteBehavior::Disk
    };

    let mut files = vec![
        write(
            outdir.join("pagefind.js"),
            vec![&js],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-highlight.js"),
            vec![HIGHLIGHT_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-worker.js"),
            vec![&worker_js],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-ui.js"),
            vec![WEB_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-ui.css"),
            vec![WEB_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-modular-ui.js"),
            vec![WEB_MODULAR_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-modular-ui.css"),
            vec![WEB_MODULAR_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-component-ui.js"),
            vec![COMPONENT_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-component-ui.css"),
            vec![COMPONENT_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("wasm.unknown.pagefind"),
            vec![GENERIC_WEB_WASM],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-entry.json"),
            vec![encoded_entry_meta.as_bytes()],
            Compress::None,
            write_behavior,
        ),
    ];

    if output_playground {
        files.extend([
            write(
                outdir.join("playground/index.html"),
                vec![crate::playground::PLAYGROUND_HTML.as_bytes()],
                Compress::None,
                write_behavior,
            ),
            write(
                outdir.join("playground/pagefind-playground.js"),
                vec![crate::playground::PLAYGROUND_JS.as_bytes()],
                Compress::None,
                write_behavior,
            ),
            write(
                outdir.join("playground/pagefind-playground.css"),
                vec![crate::playground::PLAYGROUND_CSS.as_bytes()],
                Compress::None,
                write_behavior,
            ),
        ]);
    }

    let output_files = join_all(files).await;

    if synthetic {
        Some(output_files.into_iter().flatten().collect())
    } else {
        None
    }
}

impl PagefindIndexes {
    fn lang_wasm_path(&self) -> Option<String> {
        let base_language = self.language.split('-').next().unwrap();
        let wasm_path = format!(
            "pagefind_web_bg.{}.{}.wasm.gz",
            base_language,
            env!("CARGO_PKG_VERSION")
        );

        if WEB_WASM_FILES.contains(&wasm_path) {
            Some(wasm_path)
        } else {
            None
        }
    }

    pub fn get_lang_meta(&self, options: &SearchOptions) -> LanguageMeta {
        let mut wasm_file = None;

        if self.language != "unknown" {
            if self.lang_wasm_path().is_some() {
                wasm_file = Some(self.language.to_string());
            } else {
                options.logger.v_warn(format!(
                    "Note: Pagefind doesn't support stemming for the language {}. \n\
                    Search will still work, but will not match across root words.",
                    self.language
                ));
            }
        }

        LanguageMeta {
            page_count: self.page_count,
            language: self.language.clone(),
            hash: self.meta_index.0.clone(),
            wasm: wasm_file,
        }
    }

    pub async fn write_files_to_disk(&self, options: &SearchOptions, outdir: &PathBuf) {
        self.write_files(options, outdir, false).await;
    }

    pub async fn write_files_to_memory(
        &self,
        options: &SearchOptions,
        outdir: &PathBuf,
    ) -> Vec<SyntheticFile> {
        self.write_files(options, outdir, true).await.unwrap()
    }

    async fn write_files(
        &self,
        options: &SearchOptions,
        outdir: &PathBuf,
        synthetic: bool,
    ) -> Option<Vec<SyntheticFile>> {
        let immutable_write_behaviour = if synthetic {
            WriteBehavior::Synthetic
        } else {
            WriteBehavior::Immutable
        };

        // The index's own files (meta, fragments, word and filter indexes) are compressed
        // first, in parallel on the caller's rayon pool, then written: compressing them one
        // after the other in `write` was most of the time this took.
        let mut compressed: Vec<(PathBuf, &[u8])> = vec![(
            outdir.join(format!("pagefind.{}.pf_meta", &self.meta_index.0)),
            &self.meta_index.1,
        )];
        compressed.extend(self.fragments.iter().map(|(hash, fragment)| {
            (
                outdir.join(format!("fragment/{}.pf_fragment", hash)),
                fragment.as_bytes(),
            )
        }));
        compressed.extend(self.word_indexes.iter().map(|(hash, index)| {
            (
                outdir.join(format!("index/{}.pf_index", hash)),
                &index[..],
            )
        }));
        compressed.extend(self.filter_indexes.iter().map(|(hash, index)| {
            (
                outdir.join(format!("filter/{}.pf_filter", hash)),
                &index[..],
            )
        }));
        // A file the build before compressed (the same content) is not compressed again.
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let before = cache
            .as_mut()
            .map(|c| std::mem::take(&mut c.compressed))
            .unwrap_or_default();
        let caching = cache.is_some();
        // In small pieces, so that the threads share the files to compress however they lie
        // in the list (when most were compressed before, the others can be all together).
        let compressed: Vec<(PathBuf, Option<[u8; 20]>, Arc<Vec<u8>>)> = compressed
            .into_par_iter()
            .with_max_len(16)
            .filter(|(filename, _)| {
                // For "immutable" (hashed) files, don't re-write them as the contents
                // _should_ be unchanged.
                !matches!(immutable_write_behaviour, WriteBehavior::Immutable) || !filename.exists()
            })
            .map(|(filename, content)| {
                if !caching {
                    return (filename, None, Arc::new(gzip(&[content])));
                }
                let digest: [u8; 20] = Sha1::digest(content).into();
                let gzipped = match before.get(&digest) {
                    Some(gzipped) => Arc::clone(gzipped),
                    None => Arc::new(gzip(&[content])),
                };
                (filename, Some(digest), gzipped)
            })
            .collect();
        drop(before);
        if let Some(cache) = cache.as_mut() {
            cache.compressed = compressed
                .iter()
                .filter_map(|(_, digest, gzipped)| Some(((*digest)?, Arc::clone(gzipped))))
                .collect();
        }
        drop(cache);
        let compressed: Vec<(PathBuf, Vec<u8>)> = compressed
            .into_iter()
            .map(|(filename, _, gzipped)| {
                (filename, Arc::try_unwrap(gzipped).unwrap_or_else(|shared| (*shared).clone()))
            })
            .collect();
        let mut files = Vec::new();

        if self.language != "unknown" {
            if let Some(wasm_path) = self.lang_wasm_path() {
                files.push(write(
                    outdir.join(format!("wasm.{}.pagefind", self.language)),
                    vec![WEB_WASM_FILES
                        .get_file(wasm_path)
                        .expect("WASM should exist")
                        .contents()],
                    Compress::None,
                    if synthetic {
                        WriteBehavior::Synthetic
                    } else {
                        WriteBehavior::Disk
                    },
                ));
            } else {
                options.logger.v_warn(format!(
                    "Note: Pagefind doesn't support stemming for the language {}. \n\
                    Search will still work, but will not match across root words.",
                    self.language
                ));
            }
        }

        let mut output_files: Vec<SyntheticFile> = join_all(files).await.into_iter().flatten().collect();
        if synthetic {
            output_files.extend(
                compressed
                    .into_iter()
                    .map(|(filename, contents)| SyntheticFile { filename, contents }),
            );
            Some(output_files)
        } else {
            join_all(compressed.iter().map(|(filename, contents)| async move {
                write(
                    filename.clone(),
                    vec![&contents[..]],
                    Compress::None,
                    WriteBehavior::Disk,
                )
                .await
            }))
            .await;
            None
        }
    }
}

/// The levels of the index's gzip compression, by libdeflate. Measured on the fragments and
/// word indexes of a 10,000-page site (38.6 MB), one core: zlib (flate2, zlib-rs) at level 9
/// (`Compression::best()`, used before) 16.29 MB in 1.93 s; zlib at 6, 16.38 MB in 1.05 s;
/// libdeflate at 6, 16.41 MB in 0.70 s; at 1, 17.05 MB in 0.31 s. Measured again on the same
/// site's 10,198 files one by one (libdeflate 1.23): at 6, 16.49 MB in 0.55 s, of which the
/// 10,017 files under `SMALL_FILE` (the pages' fragments, 24.9 MB) 11.35 MB in 0.29 s; at 1,
/// those 11.49 MB (+1.2 %) in 0.18 s, and the large ones (the word index's chunks, read first
/// by every search) 10 % larger. So a small file is compressed at level 1, where the
/// compressor's setup is most of the time, a large one at 6: 16.63 MB (+0.9 %) in 0.44 s.
const GZIP_LEVEL: i32 = 6;
const GZIP_LEVEL_SMALL: i32 = 1;
const SMALL_FILE: usize = 16 << 10;

fn compressor(level: i32) -> std::cell::RefCell<libdeflater::Compressor> {
    std::cell::RefCell::new(libdeflater::Compressor::new(
        libdeflater::CompressionLvl::new(level).expect("a level libdeflate has"),
    ))
}

thread_local! {
    /// The compressors of a thread: their state is large, and reused from file to file.
    static COMPRESSOR: std::cell::RefCell<libdeflater::Compressor> = compressor(GZIP_LEVEL);
    static COMPRESSOR_SMALL: std::cell::RefCell<libdeflater::Compressor> =
        compressor(GZIP_LEVEL_SMALL);
}

/// A file of the index as `write_files` compresses it (for a fragment handed to a sink).
pub(crate) fn gzip_file(content: &[u8]) -> Vec<u8> {
    gzip(&[content])
}

/// `content_chunks`, each behind Pagefind's `pagefind_dcd` marker, gzipped. The same bytes
/// on every machine for the same content (libdeflate's output depends on its level only, and
/// the level on the content's size).
fn gzip(content_chunks: &[&[u8]]) -> Vec<u8> {
    let mut content = Vec::with_capacity(
        content_chunks.iter().map(|c| c.len() + 12).sum::<usize>(),
    );
    for chunk in content_chunks {
        content.extend_from_slice(b"pagefind_dcd");
        content.extend_from_slice(chunk);
    }
    let by_size = if content.len() < SMALL_FILE {
        &COMPRESSOR_SMALL
    } else {
        &COMPRESSOR
    };
    by_size.with(|compressor| {
        let mut compressor = compressor.borrow_mut();
        let mut out = vec![0; compressor.gzip_compress_bound(content.len())];
        let size = compressor
            .gzip_compress(&content, &mut out)
            .expect("a buffer of the bound's size");
        out.truncate(size);
        out
    })
}

#[derive(Copy, Clone)]
/// Compressed files are compressed before `write`, in parallel: see `gzip`.
enum Compress {
    None,
}

#[derive(Copy, Clone)]
enum WriteBehavior {
    Synthetic,
    Immutable,
    Disk,
}

#[derive(Clone)]
pub struct SyntheticFile {
    pub filename: PathBuf,
    pub contents: Vec<u8>,
}

async fn write(
    filename: PathBuf,
    content_chunks: Vec<&[u8]>,
    compression: Compress,
    write_behavior: WriteBehavior,
) -> Option<SyntheticFile> {
    let mut file = None;

    match write_behavior {
        WriteBehavior::Synthetic => {}
        // For "immutable" (hashed) files, don't re-write them as the contents _should_ be unchanged.
        WriteBehavior::Immutable if filename.exists() => return None,
        WriteBehavior::Immutable | WriteBehavior::Disk => {
            if let Some(parent) = filename.parent() {
                create_dir_all(parent).await.unwrap();
            }

            let mut output_file = File::create(&filename).await;
            while output_file.is_err() {
                sleep(Duration::from_millis(100)).await;
                output_file = File::create(&filename).await;
            }
            file = output_file.ok();
        }
    };

    match compression {
        Compress::None => {
            if let Some(mut file) = file {
                for chunk in content_chunks {
                    file.write_all(chunk).await.unwrap();
                }
                file.flush().await.unwrap();
                None
            } else {
                return Some(SyntheticFile {
                    filename,
                    contents: content_chunks.into_iter().flatten().cloned().collect(),
                });
            }
        }
    }
}
