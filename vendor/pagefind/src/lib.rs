use std::{cmp::Ordering, path::PathBuf};

use anyhow::{bail, Result};
use either::Either;
use fossick::{FossickedData, FossickedSummary, Fossicker};
use futures::future::join_all;
use hashbrown::HashMap;
use index::PagefindIndexes;
use options::{PagefindInboundConfig, SearchOptions};
use output::SyntheticFile;
use rayon::prelude::*;
pub use service::api;
use wax::walk::Entry;
use wax::Glob;

use crate::index::build_indexes;

mod fossick;
mod fragments;
mod index;
#[macro_use]
mod logging;
pub mod options;
mod output;
mod playground;
pub mod runner;
#[cfg(feature = "serve")]
mod serve;
mod service;
mod utils;

const PAGEFIND_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The pages of one language, and its records not yet fossicked.
#[derive(Default)]
struct LanguagePages {
    pages: Vec<FossickedData>,
    records: Vec<Fossicker>,
    stream: Option<service::api::RecordStream>,
}

impl LanguagePages {
    fn len(&self) -> usize {
        self.pages.len() + self.records.len()
    }
}

struct SearchState {
    options: SearchOptions,
    fossicked_pages: Vec<FossickedData>,
    /// The position of each URL in `fossicked_pages`, so that a page added again replaces the
    /// first one with its URL without a scan of every page added before it.
    page_positions: HashMap<String, usize>,
    /// Custom records added with `queue_records`, fossicked only when the indexes are built
    /// (`None` where a page added later with the same URL replaced one).
    pending_records: Vec<Option<Fossicker>>,
    /// The position of each URL in `pending_records`.
    record_positions: HashMap<String, usize>,
    built_indexes: Vec<PagefindIndexes>,
    /// What the build before kept for this one, if the caller keeps it (`into_files_reusing`).
    cache: Option<service::api::IndexCache>,
    /// Where each page's fragment goes as soon as it is made, if the caller takes them so
    /// (`into_files_streaming`): they are then not held until the index is written.
    fragment_sink: Option<service::api::FragmentSink>,
    /// Where the words' pages are written out while a streamed index is made.
    spill: Option<index::SpillOptions>,
    /// Records read as the index is built (`add_custom_record_stream`).
    record_stream: Option<service::api::RecordStream>,
}

impl SearchState {
    pub fn new(options: SearchOptions) -> Self {
        Self {
            options,
            fossicked_pages: vec![],
            page_positions: HashMap::new(),
            pending_records: vec![],
            record_positions: HashMap::new(),
            built_indexes: vec![],
            cache: None,
            fragment_sink: None,
            spill: None,
            record_stream: None,
        }
    }

    /// Adds a fossicked page, replacing the first page added with the same URL.
    fn insert_page(&mut self, page: FossickedData) {
        if let Some(position) = self.record_positions.remove(&page.url) {
            self.pending_records[position] = None;
        }
        match self.page_positions.entry(page.url.clone()) {
            hashbrown::hash_map::Entry::Occupied(existing) => {
                self.fossicked_pages[*existing.get()] = page;
            }
            hashbrown::hash_map::Entry::Vacant(slot) => {
                slot.insert(self.fossicked_pages.len());
                self.fossicked_pages.push(page);
            }
        }
    }

    pub fn walk_for_files(&self, dir: PathBuf, glob: String) -> Result<Vec<Fossicker>> {
        let log = &self.options.logger;

        log.status("[Walking source directory]");
        if let Ok(glob) = Glob::new(&glob) {
            Ok(glob
                .walk(&dir)
                .filter_map(Result::ok)
                .map(|e| e.into_path())
                .map(|file_path| Fossicker::new_relative_to(file_path, dir.clone()))
                .collect())
        } else {
            log.error(format!(
                "Error: Provided glob \"{}\" did not parse as a valid glob.",
                self.options.glob
            ));
            bail!(
                "Error: Provided glob \"{}\" did not parse as a valid glob.",
                self.options.glob
            );
        }
    }

    /// Fossick files in parallel using rayon
    pub fn fossick_many(&mut self, dir: PathBuf, glob: String) -> Result<usize> {
        let files = self.walk_for_files(dir.clone(), glob)?;
        let log = &self.options.logger;

        log.info(format!(
            "Found {} file{} matching {}",
            files.len(),
            plural!(files.len()),
            self.options.glob
        ));
        log.status("[Parsing files]");

        // Use rayon for parallel HTML parsing - this is the main performance win
        // Partition results into successes and failures to report errors
        let (results, errors): (Vec<_>, Vec<_>) = files
            .into_par_iter()
            .map(|f| f.fossick_sync(&self.options))
            .partition_map(|r| match r {
                Ok(data) => Either::Left(data),
                Err(e) => Either::Right(e),
            });

        // Report any errors that occurred during parallel processing
        if !errors.is_empty() {
            log.warn(format!(
                "{} file{} failed to index",
                errors.len(),
                plural!(errors.len())
            ));
            for err in errors.iter().take(5) {
                log.warn(format!("  - {}", err));
            }
            if errors.len() > 5 {
                log.warn(format!("  ... and {} more", errors.len() - 5));
            }
        }

        let existing_page_count = self.fossicked_pages.len();
        for page in results {
            // A directory's pages are all kept, as they always were; the first one with a
            // URL is the one a page added later with that URL replaces.
            let position = self.fossicked_pages.len();
            self.page_positions.entry(page.url.clone()).or_insert(position);
            self.fossicked_pages.push(page);
        }

        Ok(self.fossicked_pages.len() - existing_page_count)
    }

    /// Fossicks one file and keeps it; returns what the API reports of it, without a copy of
    /// its words.
    pub fn fossick_one(&mut self, file: Fossicker) -> Result<FossickedSummary> {
        let result = file.fossick_sync(&self.options)?;
        let summary = FossickedSummary::of(&result);
        self.insert_page(result);
        Ok(summary)
    }

    /// Keeps custom records to be fossicked when the indexes are built, in parallel and a
    /// batch at a time, so that they are never all held fossicked. A record replaces the
    /// page or record added before it with the same URL, as `fossick_one` does.
    pub fn queue_records(&mut self, records: Vec<Fossicker>) -> Result<usize> {
        let count = records.len();
        for record in records {
            let Some(url) = record.record_url().map(str::to_string) else {
                bail!("A custom record needs a URL");
            };
            if self.page_positions.contains_key(&url) {
                // Replaces a page already fossicked: fossicked now, in its place.
                self.fossick_one(record)?;
            } else if let Some(&position) = self.record_positions.get(&url) {
                self.pending_records[position] = Some(record);
            } else {
                self.record_positions.insert(url, self.pending_records.len());
                self.pending_records.push(Some(record));
            }
        }
        Ok(count)
    }

    /// The records still to be fossicked, in the order they were added.
    fn take_pending_records(&mut self) -> Vec<Fossicker> {
        self.record_positions.clear();
        std::mem::take(&mut self.pending_records)
            .into_iter()
            .flatten()
            .collect()
    }

    /// Builds the indexes from copies of the pages: more can be added and built again.
    pub async fn build_indexes(&mut self) -> Result<()> {
        // The records are fossicked and kept as pages, to be copied like them.
        let records = self.take_pending_records();
        let fossicked: Vec<Result<FossickedData>> = records
            .into_par_iter()
            .map(|f| f.fossick_sync(&self.options))
            .collect();
        for page in fossicked {
            self.insert_page(page?);
        }
        let pages = self.fossicked_pages.clone();
        self.build_indexes_of(pages, Vec::new()).await
    }

    /// Builds the indexes from the pages themselves, which are given up: the state holds no
    /// page after this, and no copy of any was made.
    pub async fn build_indexes_once(&mut self) -> Result<()> {
        let pages = std::mem::take(&mut self.fossicked_pages);
        self.page_positions.clear();
        let records = self.take_pending_records();
        self.build_indexes_of(pages, records).await
    }

    async fn build_indexes_of(
        &mut self,
        pages: Vec<FossickedData>,
        records: Vec<Fossicker>,
    ) -> Result<()> {
        let log = &self.options.logger;
        let fossicked_pages = pages;

        let used_custom_body = fossicked_pages.iter().any(|page| page.has_custom_body);
        if used_custom_body {
            log.info("Found a data-pagefind-body element on the site.\n↳ Ignoring pages without this tag.");
        } else {
            log.info(
                "Did not find a data-pagefind-body element on the site.\n↳ Indexing all <body> elements on the site."
            );
        }

        if self.options.root_selector == "html" {
            let pages_without_html = fossicked_pages
                .iter()
                .filter(|p| !p.has_html_element)
                .map(|p| format!("  * {:?} has no <html> element", p.fragment.data.url))
                .collect::<Vec<_>>();
            if !pages_without_html.is_empty() {
                log.warn(format!(
                    "{} page{} found without an <html> element. \n\
                    Pages without an outer <html> element will not be processed by default. \n\
                    If adding this element is not possible, use the root selector config to target a different root element. \n\
                    Run Pagefind with --verbose for more information.",
                    pages_without_html.len(),
                    plural!(pages_without_html.len())
                ));
                log.v_warn(pages_without_html.join("\n"));
            }
        }

        log.status("[Reading languages]");

        let pages_with_data = fossicked_pages.into_iter().filter(|d| {
            if used_custom_body && !d.has_custom_body && !d.force_inclusion {
                return false;
            }
            !d.word_data.is_empty()
        });

        // The pages and records are moved into their language, not copied.
        let mut language_map: HashMap<String, LanguagePages> = HashMap::new();
        for page in pages_with_data {
            language_map
                .entry(page.language.clone())
                .or_default()
                .pages
                .push(page);
        }
        for record in records {
            language_map
                .entry(record.record_language().unwrap_or("unknown").to_string())
                .or_default()
                .records
                .push(record);
        }
        if let Some(stream) = self.record_stream.take() {
            let language = self.options.force_language.as_deref().unwrap_or("unknown");
            language_map.entry(language.to_string()).or_default().stream = Some(stream);
        }

        log.info(format!(
            "Discovered {} language{}: {}",
            language_map.len(),
            plural!(language_map.len()),
            language_map.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
        log.v_info(
            language_map
                .iter()
                .map(|(k, v)| format!("  * {}: {} page{}", k, v.len(), plural!(v.len())))
                .collect::<Vec<_>>()
                .join("\n"),
        );

        let primary_language = language_map
            .iter()
            .filter(|(k, _)| k.as_str() != "unknown")
            .max_by(|(lang_a, pages_a), (lang_b, pages_b)| {
                let size = pages_a.len().cmp(&pages_b.len());
                if matches!(size, Ordering::Equal) {
                    return lang_b.cmp(lang_a);
                }
                size
            })
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| "unknown".into());

        if let Some(mut unknown_pages) = language_map.remove("unknown") {
            if !language_map.is_empty() {
                log.warn(format!(
                    "{} page{} found without an html lang attribute. \n\
                    Merging these pages with the {} language, as that is the main language on this site. \n\
                    Run Pagefind with --verbose for more information.",
                    unknown_pages.len(),
                    plural!(unknown_pages.len()),
                    primary_language
                ));

                log.v_warn(
                    unknown_pages
                        .pages
                        .iter()
                        .map(|p| {
                            format!("  * {:?} has no html lang attribute", p.fragment.data.url)
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                );

                if let Some(primary) = language_map.get_mut(&primary_language) {
                    primary.pages.append(&mut unknown_pages.pages);
                    primary.records.append(&mut unknown_pages.records);
                    if primary.stream.is_none() {
                        primary.stream = unknown_pages.stream.take();
                    }
                } else {
                    language_map.insert(primary_language, unknown_pages);
                }
            } else {
                language_map.insert(primary_language, unknown_pages);
            }
        }

        log.status("[Building search indexes]");

        // Each language's index gets what the build before kept for it; the languages no
        // longer indexed are forgotten.
        let mut caches = self.cache.as_mut().map(|c| std::mem::take(&mut c.languages));
        let (options, sink) = (&self.options, self.fragment_sink.as_ref());
        let spill = self.spill.as_ref();
        let indexes: Vec<_> = language_map
            .into_iter()
            .map(|(language, pages)| {
                let cache = caches
                    .as_mut()
                    .map(|c| c.remove(&language).unwrap_or_default());
                async move {
                    build_indexes(
                        pages.pages,
                        pages.records,
                        pages.stream,
                        language,
                        options,
                        cache,
                        sink,
                        spill,
                    )
                        .await
                }
            })
            .collect();
        let built_indexes = join_all(indexes).await;
        // A language's index that failed (a fragment its sink refused) fails the build, rather
        // than leaving that language out of the index.
        self.built_indexes = built_indexes.into_iter().collect::<Result<Vec<_>>>()?;

        let stats = self.built_indexes.iter().fold((0, 0, 0, 0), |mut stats, index| {
            log.v_info(format!(
                "Language {}: \n  Indexed {} page{}\n  Indexed {} word{}\n  Indexed {} filter{}\n  Indexed {} sort{}\n",
                index.language,
                index.page_count,
                plural!(index.page_count),
                index.word_count,
                plural!(index.word_count),
                index.filter_indexes.len(),
                plural!(index.filter_indexes.len()),
                index.sorts.len(),
                plural!(index.sorts.len())
            ));

            #[cfg(not(feature = "extended"))]
            match index.language.split('-').next() {
                Some("zh") => log.warn("⚠ Indexing Chinese in non-extended mode. \n\
                                        In this mode, Pagefind will not segment words that are not whitespace separated. \n\
                                        Running the extended Pagefind binary will include this segmentation. \n\
                                        Either download the pagefind_extended binary, or run via npx pagefind."),
                Some("ja") => log.warn("⚠ Indexing Japanese in non-extended mode. \n\
                                        In this mode, Pagefind will not segment words that are not whitespace separated. \n\
                                        Running the extended Pagefind binary will include this segmentation. \n\
                                        Either download the pagefind_extended binary, or run via npx pagefind."),
                _ => {}
            };

            stats.0 += index.page_count;
            stats.1 += index.word_count;
            stats.2 += index.filter_indexes.len();
            stats.3 += index.sorts.len();
            stats
        });

        log.info(format!(
            "Total: \n  Indexed {} language{}\n  Indexed {} page{}\n  Indexed {} word{}\n  Indexed {} filter{}\n  Indexed {} sort{}",
            self.built_indexes.len(),
            plural!(self.built_indexes.len()),
            stats.0,
            plural!(stats.0),
            stats.1,
            plural!(stats.1),
            stats.2,
            plural!(stats.2),
            stats.3,
            plural!(stats.3)
        ));

        if stats.1 == 0 && !self.options.running_as_service {
            log.error(
                "Error: Pagefind was not able to build an index. \n\
                Most likely, the directory passed to Pagefind was empty \
                or did not contain any html files.",
            );
            bail!(
                "Error: Pagefind was not able to build an index. \n\
                Most likely, the directory passed to Pagefind was empty \
                or did not contain any html files."
            );
        }
        Ok(())
    }

    pub async fn write_files(&self, custom_outdir: Option<PathBuf>) -> PathBuf {
        let outdir = custom_outdir.unwrap_or(self.options.bundle_output.clone());

        let index_entries: Vec<_> = self
            .built_indexes
            .iter()
            .map(|indexes| indexes.get_lang_meta(&self.options))
            .collect();

        join_all(
            self.built_indexes
                .iter()
                .map(|indexes| async { indexes.write_files_to_disk(&self.options, &outdir).await }),
        )
        .await;

        output::write_common_to_disk(
            index_entries,
            self.options.write_playground,
            &outdir,
            &self.options,
        )
        .await;

        outdir
    }

    /// What the last build kept for the next (see `IndexCache`), with the files it compressed.
    fn take_cache(&mut self) -> service::api::IndexCache {
        let mut cache = self.cache.take().unwrap_or_default();
        for indexes in &self.built_indexes {
            let kept = indexes.cache.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(kept) = kept {
                cache.languages.insert(indexes.language.clone(), kept);
            }
        }
        cache
    }

    pub async fn get_files(&self) -> Vec<SyntheticFile> {
        let outdir = &self.options.bundle_output;

        let index_entries: Vec<_> = self
            .built_indexes
            .iter()
            .map(|indexes| indexes.get_lang_meta(&self.options))
            .collect();

        let mut files: Vec<_> =
            join_all(self.built_indexes.iter().map(|indexes| async {
                indexes.write_files_to_memory(&self.options, outdir).await
            }))
            .await
            .into_iter()
            .flatten()
            .collect();

        files.extend(
            output::write_common_to_memory(
                index_entries,
                self.options.write_playground,
                outdir,
                &self.options,
            )
            .await
            .into_iter(),
        );

        // SyntheticFiles should only return the relative path to the file
        // _within_ the bundle directory — placing them in a final location
        // is left to the API consumer.
        for file in files.iter_mut() {
            if let Ok(relative_path) = file.filename.strip_prefix(outdir) {
                file.filename = relative_path.to_path_buf();
            }
        }

        files
    }

    pub fn log_start(&self) {
        let log = &self.options.logger;

        #[cfg(not(feature = "extended"))]
        log.status(&format!("Running Pagefind v{}", self.options.version));
        #[cfg(feature = "extended")]
        log.status(&format!(
            "Running Pagefind v{} (Extended)",
            self.options.version
        ));
        log.v_info("Running in verbose mode");

        log.info(format!(
            "Running from: {:?}",
            self.options.working_directory
        ));
        log.info(format!(
            "Source:       {:?}",
            self.options
                .site_source
                .strip_prefix(&self.options.working_directory)
                .unwrap_or(&self.options.site_source)
        ));
        log.info(format!(
            "Output:       {:?}",
            self.options
                .bundle_output
                .strip_prefix(&self.options.working_directory)
                .unwrap_or(&self.options.bundle_output)
        ));
    }
}
