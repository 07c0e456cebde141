//! The programmatic service interface for integrating Pagefind into another Rust project.
//!
//! # Examples
//!
//! ```
//! use pagefind::api::{PagefindIndex};
//! use pagefind::options::{PagefindServiceConfig};
//!
//! #[tokio::main]
//! async fn main() {
//!     let options = PagefindServiceConfig::builder()
//!         .keep_index_url(true)
//!         .force_language("en".to_string())
//!         .build();
//!     let mut index = PagefindIndex::new(Some(options)).expect("Options should be valid");
//!     let indexing_response = index
//!         .add_html_file(
//!             Some("test/index.html".into()),
//!             None,
//!             "<html><body><h1>Test content</h1></body></html>".into(),
//!         )
//!         .await;
//!
//!     if let Ok(file) = indexing_response {
//!         println!("Page word count: {}", file.page_word_count);
//!         println!("Page URL: {}", file.page_url);
//!     }
//!
//!     let files_response = index.get_files().await;
//!     if let Ok(files) = files_response {
//!         println!("Have {} files to write to disk", files.len());
//!     }
//! }
//! ```

pub use crate::output::SyntheticFile;

/// Records given to the index as they are made (`add_custom_record_stream`), read a batch at
/// a time while it is built: the caller never holds them all. `meta_keys` are every metadata
/// key they may have (the index numbers the keys before it reads a record).
pub struct RecordStream {
    pub records: std::sync::mpsc::Receiver<CustomRecord>,
    pub meta_keys: Vec<String>,
}

/// Takes a fragment of the index as soon as it is made: its path in the bundle
/// (`fragment/HASH.pf_fragment`) and its bytes, compressed as `get_files` gives them. Called
/// from the index's threads, in any order; an error stops the build with it.
pub use crate::index::{ScratchFile, SpillOptions};

pub type FragmentSink =
    Arc<dyn Fn(&str, Vec<u8>) -> std::result::Result<(), String> + Send + Sync>;
use anyhow::{bail, Result};
use rust_patch::Patch;
use std::{collections::BTreeMap, path::PathBuf, sync::Arc};

use crate::{
    fossick::{parser::DomParserResult, FossickedSummary, Fossicker},
    options::PagefindServiceConfig,
    PagefindInboundConfig, SearchOptions, SearchState,
};

#[derive(Debug)]
pub struct IndexedFileResponse {
    pub page_word_count: u32,
    pub page_url: String,
    pub page_meta: BTreeMap<String, String>,
}

impl From<FossickedSummary> for IndexedFileResponse {
    fn from(data: FossickedSummary) -> Self {
        Self {
            page_word_count: data.word_count as u32,
            page_url: data.url,
            page_meta: data.meta,
        }
    }
}

/// A record that isn't backed by an HTML file, for `add_custom_records`: the same fields as
/// the arguments of `add_custom_record`.
#[derive(Debug, Clone, Default)]
pub struct CustomRecord {
    /// The output URL of this record. Pagefind will not alter this.
    pub url: String,
    /// The raw content of this record: what excerpts are taken from.
    pub content: String,
    /// What language is this record written in. Expects an ISO 639-1 code.
    pub language: String,
    /// The metadata to attach to this record. Supplying a `title` is highly recommended.
    pub meta: BTreeMap<String, String>,
    /// The filters to attach to this record.
    pub filters: BTreeMap<String, Vec<String>>,
    /// The sort keys to attach to this record.
    pub sort: BTreeMap<String, String>,
}

impl CustomRecord {
    pub(crate) fn into_fossicker(self, force_language: Option<&String>) -> Fossicker {
        let data = DomParserResult {
            digest: self.content,
            filters: self.filters,
            sort: self.sort,
            meta: self.meta,
            anchor_content: BTreeMap::new(),
            anchor_titles: BTreeMap::new(),
            has_custom_body: false,
            force_inclusion: true,
            has_html_element: true,
            has_old_bundle_reference: false,
            has_default_ui_reference: false,
            language: force_language.cloned().unwrap_or(self.language),
        };
        Fossicker::new_with_data(self.url, data)
    }
}

/// What a build of the index keeps for the next build of the same site, so that the next
/// does again only what changed: each record's processed words (a record given again, the
/// same at the same URL, is not fossicked again), the merged words (when few records changed,
/// only their words are merged again) and the compressed files (a file with the same content
/// is not compressed again). For `into_files_reusing`, with the same
/// configuration each time; it holds what the last build used, nothing older. The files are
/// the same as without it.
#[derive(Default)]
pub struct IndexCache {
    pub(crate) languages: hashbrown::HashMap<String, crate::index::LanguageCache>,
}

pub struct PagefindIndex {
    search_index: Arc<tokio::sync::Mutex<SearchState>>,
}

impl PagefindIndex {
    /// Create a new PagefindIndex instance that files can be added to.
    ///
    /// # Arguments
    /// * `config` - An optional PagefindServiceConfig to override default options for the service.
    ///
    /// # Returns
    /// A PagefindIndex instance if search options are valid, otherwise an Error.
    pub fn new(config: Option<PagefindServiceConfig>) -> Result<Self> {
        let mut service_options: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");

        service_options.service = true;
        if let Some(config) = config {
            service_options = config.apply(service_options);
        }

        let options = SearchOptions::load(service_options)?;
        Ok(Self {
            search_index: Arc::new(tokio::sync::Mutex::new(SearchState::new(options))),
        })
    }

    /// Add an HTML file that isn't on disk into this search index.
    /// Either a filepath or a URL must be provided.
    ///
    /// # Arguments
    /// * `source_path` - The source path of the HTML file if it were to exist on disk.
    /// * `url` - An explicit URL to use, instead of having Pagefind compute the URL based on the `source_path`.
    /// * `content` - The source HTML content of the file to be parsed.
    ///
    /// # Returns
    /// Metadata about the added file if successful, otherwise an Error.
    pub async fn add_html_file(
        &mut self,
        source_path: Option<String>,
        url: Option<String>,
        content: String,
    ) -> Result<IndexedFileResponse> {
        if source_path.is_none() && url.is_none() {
            bail!("Either source_path or url must be provided");
        }

        let file = Fossicker::new_synthetic(source_path.map(PathBuf::from), url, content);
        let state = Arc::clone(&self.search_index);
        let data = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_one(file)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(data.into())
    }

    /// Index a custom record that isn't backed by an HTML file.
    ///
    /// # Arguments
    /// * `url` - The output URL of this record. Pagefind will not alter this.
    /// * `content` - The raw content of this record.
    /// * `language` - What language is this record written in. Expects an ISO 639-1 code.
    /// * `meta` - The metadata to attach to this record. Supplying a `title` is highly recommended.
    /// * `filters` - The filters to attach to this record.
    /// * `sort` - The sort keys to attach to this record.
    ///
    /// # Returns
    /// Metadata about the added record if successful, otherwise an Error.
    pub async fn add_custom_record(
        &mut self,
        url: String,
        content: String,
        language: String,
        meta: Option<BTreeMap<String, String>>,
        filters: Option<BTreeMap<String, Vec<String>>>,
        sort: Option<BTreeMap<String, String>>,
    ) -> Result<IndexedFileResponse> {
        let force_language = self
            .search_index
            .lock()
            .await
            .options
            .force_language
            .clone();
        let record = CustomRecord {
            url,
            content,
            language,
            meta: meta.unwrap_or_default(),
            filters: filters.unwrap_or_default(),
            sort: sort.unwrap_or_default(),
        };
        let file = record.into_fossicker(force_language.as_ref());
        let state = Arc::clone(&self.search_index);
        let data = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_one(file)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(data.into())
    }

    /// Add many custom records at once: the same as calling `add_custom_record` on each in
    /// turn, in the order given (a record whose URL was added before replaces it), but the
    /// records are only fossicked when the index is built, in parallel on the caller's rayon
    /// pool and a batch at a time, so that they are never all held fossicked at once. The
    /// index is the same whatever the number of threads.
    ///
    /// # Returns
    /// The number of records added, or an Error if a record has no URL.
    pub async fn add_custom_records(&mut self, records: Vec<CustomRecord>) -> Result<usize> {
        let mut state = self.search_index.lock().await;
        let force_language = state.options.force_language.clone();
        let records = records
            .into_iter()
            .map(|r| r.into_fossicker(force_language.as_ref()))
            .collect();
        state.queue_records(records)
    }

    /// Records to index read from `records` as the index is built (by `into_files` and its
    /// kin), after the pages and records added otherwise, until its sender is dropped: the
    /// same index as `add_custom_records` of them all, without their being all held at once.
    /// Each must have a URL of its own (none replaces another); `meta_keys` are the metadata
    /// keys they may have: the index's metadata fields are those and the others' keys. The
    /// index is made in the forced language, if there is one.
    pub async fn add_custom_record_stream(
        &mut self,
        records: std::sync::mpsc::Receiver<CustomRecord>,
        meta_keys: Vec<String>,
    ) {
        self.search_index.lock().await.record_stream = Some(RecordStream { records, meta_keys });
    }

    /// Index a directory of HTML files from disk.
    ///
    /// # Arguments
    /// * `path` - The path to the directory to index.
    /// * `glob` - A glob pattern to match files in the directory. If not provided, the default glob pattern will be used.
    ///
    /// # Returns
    /// The number of pages indexed if successful, otherwise an Error.
    pub async fn add_directory(&mut self, path: String, glob: Option<String>) -> Result<usize> {
        let defaults: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");
        let glob = glob.unwrap_or(defaults.glob);

        let state = Arc::clone(&self.search_index);
        let page_count = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_many(PathBuf::from(path), glob)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(page_count)
    }

    /// Build the search index for this instance and hold it in memory.
    pub async fn build_indexes(&mut self) -> Result<()> {
        self.search_index.lock().await.build_indexes().await
    }

    /// Build the search index for this instance and write the files to disk.
    ///
    /// # Arguments
    /// * `output_path` - The path to write the files to. If not provided, the default output path will be used.
    ///
    /// # Returns
    /// The path files were written to if successful, otherwise an Error.
    pub async fn write_files(&mut self, output_path: Option<String>) -> Result<String> {
        let mut state = self.search_index.lock().await;
        state.build_indexes().await?;
        let resolved_output_path = state.write_files(output_path.map(Into::into)).await;

        Ok(resolved_output_path.to_string_lossy().into())
    }

    /// Build the search index for this instance and return the files as a list of
    /// SyntheticFileResponse.
    ///
    /// # Returns
    /// A list of SyntheticFiles containing the path and content of each file.
    pub async fn get_files(&mut self) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.build_indexes().await?;
        Ok(state.get_files().await)
    }

    /// Build the search index and return its files, like `get_files`, giving up the pages
    /// added instead of copying them: for a caller that builds the index once, it halves the
    /// memory the pages take at the peak of the build.
    pub async fn into_files(self) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.build_indexes_once().await?;
        Ok(state.get_files().await)
    }

    /// `into_files`, handing each page's fragment to `sink` as soon as it is made instead of
    /// returning it with the other files: the fragments (most of the index's bytes) are then
    /// never all held at once. The other files are returned; with the fragments given to
    /// `sink`, they are exactly the files `into_files` returns.
    ///
    /// With `spill`, the words' pages are written out to scratch files in its folder while
    /// the index is made, and read back a chunk at a time as it is encoded (see
    /// `SpillOptions`): the same files, with the memory of a large index bounded.
    pub async fn into_files_streaming(
        self,
        sink: FragmentSink,
        spill: Option<SpillOptions>,
    ) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.fragment_sink = Some(sink);
        state.spill = spill;
        state.build_indexes_once().await?;
        Ok(state.get_files().await)
    }

    /// `into_files`, reusing what the build `cache` comes from did for the records given
    /// again unchanged, and keeping in `cache` what this build did, for the next: for a
    /// caller that builds the index of a site again and again as it changes (a live preview).
    /// The files are the same as `into_files` makes.
    pub async fn into_files_reusing(self, cache: &mut IndexCache) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.cache = Some(std::mem::take(cache));
        let built = state.build_indexes_once().await;
        let files = match built {
            Ok(()) => Ok(state.get_files().await),
            Err(e) => Err(e),
        };
        *cache = state.take_cache();
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn test_add_file() {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("en".to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).unwrap();
        let file_response = index
            .add_html_file(
                Some("test/index.html".into()),
                None,
                "<html><body><h1>Test content</h1></body></html>".into(),
            )
            .await;

        let file = file_response.expect("Adding a file should succeed");
        assert_eq!(file.page_word_count, 2);
        assert_eq!(file.page_url, "/test/index.html");

        let files_response = index.get_files().await;

        let files = files_response.expect("Getting files should succeed");
        let filenames: Vec<_> = files.into_iter().map(|f| f.filename).collect();
        assert!(filenames.contains(&PathBuf::from("pagefind.js")));
        assert!(filenames.contains(&PathBuf::from("pagefind-ui.js")));
        assert!(filenames.contains(&PathBuf::from("pagefind-ui.css")));
        assert!(filenames.contains(&PathBuf::from("wasm.en.pagefind")));
        assert!(filenames.contains(&PathBuf::from("pagefind-entry.json")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_meta")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_fragment")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_index")));
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;
    use crate::options::PagefindServiceConfig;

    fn record(url: &str, content: &str) -> CustomRecord {
        CustomRecord {
            url: url.into(),
            content: content.into(),
            language: "fr".into(),
            meta: BTreeMap::from([("title".to_string(), content.to_string())]),
            filters: BTreeMap::new(),
            sort: BTreeMap::new(),
        }
    }

    /// The files of an index of `records`, given as a stream or all at once.
    fn files(records: Vec<CustomRecord>, stream: bool) -> Vec<(PathBuf, Vec<u8>)> {
        built(records, stream, false, None)
    }

    /// `files`; with `sink`, the files handed to a sink as they are made and the others (the
    /// words' pages written out as `spill` says).
    fn built(
        records: Vec<CustomRecord>,
        stream: bool,
        sink: bool,
        spill: Option<SpillOptions>,
    ) -> Vec<(PathBuf, Vec<u8>)> {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let files = runtime.block_on(async {
                let options = PagefindServiceConfig::builder()
                    .force_language("fr".into())
                    .build();
                let mut index = PagefindIndex::new(Some(options)).unwrap();
                if stream {
                    let (give, given) = std::sync::mpsc::channel();
                    for r in records {
                        give.send(r).unwrap();
                    }
                    drop(give);
                    index
                        .add_custom_record_stream(given, vec!["title".into()])
                        .await;
                } else {
                    index.add_custom_records(records).await.unwrap();
                }
                if !sink {
                    return index.into_files().await.unwrap();
                }
                let given = Arc::new(std::sync::Mutex::new(Vec::new()));
                let taken = Arc::clone(&given);
                let sink: FragmentSink = Arc::new(move |path: &str, bytes: Vec<u8>| {
                    taken.lock().unwrap().push(SyntheticFile {
                        filename: path.into(),
                        contents: bytes,
                    });
                    Ok(())
                });
                let mut files = index.into_files_streaming(sink, spill).await.unwrap();
                files.append(&mut given.lock().unwrap());
                files
            });
            let _ = done.send(files);
        });
        // A build that does not end within a minute is a hang.
        let mut files: Vec<(PathBuf, Vec<u8>)> = finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the index is built")
            .into_iter()
            .map(|f| (f.filename, f.contents))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn records_streamed_make_the_index_of_records_added() {
        let records: Vec<CustomRecord> = (0..3000)
            .map(|i| record(&format!("/a{i}/"), &format!("Coopérative numéro {i} à Sceaux")))
            .collect();
        assert_eq!(files(records.clone(), true), files(records, false));
    }

    #[test]
    fn files_handed_to_a_sink_are_the_files_of_the_index() {
        // Enough distinct words for many groups of word index chunks.
        let records: Vec<CustomRecord> = (0..3000)
            .map(|i| {
                let words: Vec<String> = (0..80).map(|k| format!("mot{i}x{k}")).collect();
                record(&format!("/a{i}/"), &words.join(" "))
            })
            .collect();
        let given = built(records.clone(), true, true, None);
        let chunks = given
            .iter()
            .filter(|(name, _)| name.to_string_lossy().ends_with(".pf_index"))
            .count();
        assert!(chunks > 2 * crate::index::CHUNK_GROUP, "{chunks} chunks");
        assert_eq!(given, files(records, true));
    }

    #[test]
    fn an_index_whose_words_were_written_out_has_the_same_files() {
        // Words on every page (with and without their accent: a word and its variant), words
        // of a few pages and words of one page, over three batches: a word's pages are
        // written out in several pieces, some words in none.
        let records: Vec<CustomRecord> = (0..3000)
            .map(|i| {
                let text = format!(
                    "Coopérative cooperative numéro {i} mot{} ensemble{} à Sceaux",
                    i % 7,
                    i / 1500
                );
                record(&format!("/a{i}/"), &text)
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        for after_bytes in [1, 20_000] {
            let folder = dir.path().to_path_buf();
            let spill = SpillOptions {
                scratch: Arc::new(move || tempfile::tempfile_in(&folder)),
                after_bytes,
            };
            let written_out = built(records.clone(), true, true, Some(spill));
            assert_eq!(written_out, built(records.clone(), true, true, None));
        }
        // The scratch files have no name: nothing is left in their folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn two_identical_records_do_not_hang_the_index() {
        let same = record("/a/", "Une coopérative");
        let files = files(vec![same.clone(), same], true);
        assert!(files
            .iter()
            .any(|(name, _)| name.to_string_lossy().ends_with(".pf_fragment")));
    }
}
