//! The search index's files: the documents of `render::search` given to the patched Pagefind
//! of `vendor/pagefind` (see its PATCHED.md), which indexes them in parallel and compresses
//! the index in parallel. A build gives it the site's records as it reads them, and writes
//! each record's fragment as soon as it is made: neither is ever held whole.

use crate::diagnostic::Diagnostic;
use crate::render::search::{document, records, Document, SharedIndexCache, FOLDER, KEYWORDS};
use crate::render::site::Site;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The files of Pagefind's bundle a site needs: the index, the search library and its
/// WebAssembly; not its ready-made interfaces (the theme has its own search page).
fn wanted(name: &str) -> bool {
    !(name.starts_with("pagefind-ui")
        || name.starts_with("pagefind-modular-ui")
        || name.starts_with("pagefind-component-ui")
        || name.starts_with("pagefind-highlight"))
}

/// Pagefind's custom record of a document.
#[cfg(feature = "full")]
pub type IndexRecord = pagefind::api::CustomRecord;
/// Without the indexer (the check compiled to WebAssembly), the document itself.
#[cfg(not(feature = "full"))]
pub type IndexRecord = Document;

#[cfg(feature = "full")]
impl From<Document> for IndexRecord {
    fn from(doc: Document) -> IndexRecord {
        let mut meta = BTreeMap::from([("title".to_string(), doc.title)]);
        if !doc.keywords.is_empty() {
            meta.insert(KEYWORDS.to_string(), doc.keywords);
        }
        pagefind::api::CustomRecord {
            url: doc.url,
            content: doc.content,
            language: "fr".into(),
            meta,
            filters: doc
                .filters
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            sort: BTreeMap::new(),
        }
    }
}

/// What an index is made of.
pub enum Records<'a> {
    /// Records made before (a preview's kept documents, `records_of`).
    Given(Vec<IndexRecord>),
    /// Every record `site` publishes, in the order of their URLs: made a batch at a time (in
    /// parallel) as the index reads them, so that they are never all held at once.
    OfSite(&'a Site),
}

/// How many records are made ahead of the index at most (as many are in its batch).
const MADE_AHEAD: usize = 1024;

impl Records<'_> {
    /// Gives each record to `give`, in order, until it refuses one (the index stopped).
    fn give(self, give: &std::sync::mpsc::SyncSender<IndexRecord>) {
        match self {
            Records::Given(list) => {
                // A record given again with a URL replaces the one before, in its place.
                let mut at: HashMap<String, usize> = HashMap::new();
                let mut kept: Vec<Option<IndexRecord>> = Vec::with_capacity(list.len());
                for record in list {
                    match at.get(&record.url) {
                        Some(&i) => kept[i] = Some(record),
                        None => {
                            at.insert(record.url.clone(), kept.len());
                            kept.push(Some(record));
                        }
                    }
                }
                for record in kept.into_iter().flatten() {
                    if give.send(record).is_err() {
                        return;
                    }
                }
            }
            Records::OfSite(site) => {
                for batch in records(site).chunks(MADE_AHEAD) {
                    let made: Vec<IndexRecord> = batch
                        .par_iter()
                        .map(|r| document(*r, site).into())
                        .collect();
                    for record in made {
                        if give.send(record).is_err() {
                            return;
                        }
                    }
                }
            }
        }
    }
}

/// The index records of documents a preview keeps.
pub fn records_of<D: AsRef<Document> + Sync>(docs: &[D]) -> Vec<IndexRecord> {
    docs.par_iter().map(|d| d.as_ref().clone().into()).collect()
}

/// Where a build sends the files of the index as soon as they are made: (path in the output,
/// bytes). An error stops the index with it.
pub type WriteFile<'a> = &'a (dyn Fn(String, Vec<u8>) -> Result<(), Diagnostic> + Sync);

/// Makes a scratch file on the output's disk, without a name (gone when closed).
pub type Scratch = Arc<dyn Fn() -> std::io::Result<std::fs::File> + Send + Sync>;

/// What a build gives a job that makes a folder of files (the search index): where its files
/// go as they are made, and where it may keep what it holds until the end.
pub struct Handover<'a> {
    pub write: WriteFile<'a>,
    pub scratch: Scratch,
}

/// How many bytes of pages the index merges before it writes its words' pages out to its
/// scratch files again (`pagefind::api::SpillOptions`): it then holds them a few hundred
/// megabytes at a time, whatever the site's size (a million records make about 2.3 GB of
/// them). Sites of up to about 100,000 records never write any.
const SPILL_AFTER_BYTES: usize = 256 << 20;

/// Indexes `records`: the files of `/pagefind/`, as (path in the output, bytes), sorted by
/// path. The same records give the same bytes, whatever the number of threads, and with or
/// without `cache`: what the build before kept there, which this build replaces by what it
/// keeps for the next (a preview's index then costs what changed, not the whole site).
/// With `handover` (and no cache), each record's fragment goes to its `write` as soon as it
/// is made, instead of with the files returned: the fragments, most of the index, are then
/// never all held at once; and the words' pages go to its scratch files as they grow.
#[cfg(feature = "full")]
pub fn index(
    records: Records,
    cache: Option<&SharedIndexCache>,
    handover: Option<&Handover>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let failed = |_indexer_words: String| {
        Diagnostic::error(
            Path::new("pagefind"),
            0,
            0,
            // The indexer's own words are English: kept apart, in the hint for a report.
            "l'index de recherche n'a pas pu être construit".to_string(),
        )
        .with_help(
            "désactivez la recherche avec `search = false` dans site.toml, et signalez le problème",
        )
    };
    // On a thread and a rayon pool of its own: the index is made in a tokio runtime, and
    // Pagefind uses rayon inside it. On the shared pool, a worker waiting there could pick up
    // another build's index job and start a second runtime inside the first (tokio refuses:
    // a panic), or every worker could end up waiting for an index (a deadlock).
    // As many threads as the build's own pool: a one-thread build makes its index on one
    // thread (the same bytes either way: `tests/build.rs` checks it).
    let threads = rayon::current_num_threads();
    // What the build before kept, taken for this build and given back after it (a failed
    // build gives back what it could keep).
    let mut kept = cache.map(|c| std::mem::take(&mut *c.lock().unwrap_or_else(|e| e.into_inner())));
    // The fragments, sent by the index's threads, are written by a thread of their own while
    // the index goes on (a bounded queue: at most a few hundred are held). The first file that
    // cannot be written ends the queue, which stops the index.
    let streaming = handover.filter(|_| cache.is_none());
    let spill = streaming.map(|h| pagefind::api::SpillOptions {
        scratch: Arc::clone(&h.scratch),
        after_bytes: SPILL_AFTER_BYTES,
    });
    let (send, received) = std::sync::mpsc::sync_channel::<(String, Vec<u8>)>(256);
    let not_written: Mutex<Option<Diagnostic>> = Mutex::new(None);
    let files = std::thread::scope(|scope| {
        if let Some(Handover { write, .. }) = streaming {
            let not_written = &not_written;
            scope.spawn(move || {
                for (path, bytes) in received {
                    if let Err(d) = write(path, bytes) {
                        *not_written.lock().unwrap_or_else(|e| e.into_inner()) = Some(d);
                        break;
                    }
                }
            });
        }
        let sink: Option<pagefind::api::FragmentSink> = streaming.map(|_| {
            let send = send.clone();
            Arc::new(move |name: &str, bytes: Vec<u8>| {
                send.send((format!("{FOLDER}/{name}"), bytes))
                    .map_err(|_| "fragment not written".to_string())
            }) as pagefind::api::FragmentSink
        });
        drop(send);
        // The records are made on this thread (on the build's pool), as the index reads them.
        let (give, given) = std::sync::mpsc::sync_channel::<IndexRecord>(MADE_AHEAD);
        let indexing = scope.spawn(|| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("index-{i}"))
                .build()
                .map_err(|e| e.to_string())?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .map_err(|e| e.to_string())?;
            pool.install(|| {
                runtime.block_on(async {
                    let config = pagefind::options::PagefindServiceConfig::builder()
                        .force_language("fr".into())
                        .build();
                    let mut index = pagefind::api::PagefindIndex::new(Some(config))?;
                    let keys = vec!["title".to_string(), KEYWORDS.to_string()];
                    index.add_custom_record_stream(given, keys).await;
                    match (kept.as_mut(), sink) {
                        (Some(kept), _) => index.into_files_reusing(kept).await,
                        (None, Some(sink)) => index.into_files_streaming(sink, spill).await,
                        (None, None) => index.into_files().await,
                    }
                })
            })
            .map_err(|e| e.to_string())
        });
        records.give(&give);
        drop(give);
        indexing
            .join()
            .unwrap_or_else(|_| Err("l'indexation s'est arrêtée".to_string()))
    });
    if let (Some(cache), Some(kept)) = (cache, kept) {
        *cache.lock().unwrap_or_else(|e| e.into_inner()) = kept;
    }
    if let Some(d) = not_written.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(d);
    }
    let files = files.map_err(failed)?;
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter_map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            wanted(&name).then(|| (format!("{FOLDER}/{name}"), f.contents))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Without the indexer (the check compiled to WebAssembly, which makes no index).
#[cfg(not(feature = "full"))]
pub fn index(
    _records: Records,
    _cache: Option<&SharedIndexCache>,
    _handover: Option<&Handover>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    Err(Diagnostic::error(
        Path::new("pagefind"),
        0,
        0,
        "cet outil ne construit pas l'index de recherche".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::search::Doc;

    #[test]
    fn the_same_documents_give_the_same_bytes() {
        let docs: Vec<Document> = (0..30)
            .map(|i| {
                let mut d = Doc::new(&format!("Coopérative {i} <b>"), "Acteur");
                d.filter("domaine", if i % 2 == 0 { "Santé" } else { "Habitat" });
                d.text("Les coopératives de Sceaux travaillent ensemble.");
                d.finish(format!("/acteurs/a{i}/"))
            })
            .collect();
        let a = index(Records::Given(records_of(&docs)), None, None).unwrap();
        let b = index(Records::Given(records_of(&docs)), None, None).unwrap();
        assert_eq!(a, b);
        let names: Vec<&str> = a.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"));
        assert!(names.iter().any(|n| n.ends_with(".pf_fragment")));
        assert!(!names.iter().any(|n| n.contains("-ui")));
    }

    #[test]
    fn an_index_writing_its_fragments_as_it_makes_them_has_the_same_files() {
        let docs: Vec<Document> = (0..2500)
            .map(|i| {
                let mut d = Doc::new(&format!("Coopérative {i}"), "Acteur");
                d.filter("domaine", if i % 3 == 0 { "Santé" } else { "Habitat" });
                d.text(&format!(
                    "La coopérative numéro {i} répare des vélos à Sceaux."
                ));
                d.finish(format!("/acteurs/a{i}/"))
            })
            .collect();
        let whole = index(Records::Given(records_of(&docs)), None, None).unwrap();
        let written = Mutex::new(Vec::new());
        let write = |path: String, bytes: Vec<u8>| {
            written.lock().unwrap().push((path, bytes));
            Ok(())
        };
        fn handover(write: WriteFile<'_>) -> Handover<'_> {
            Handover {
                write,
                scratch: Arc::new(tempfile::tempfile),
            }
        }
        let rest = index(
            Records::Given(records_of(&docs)),
            None,
            Some(&handover(&write)),
        )
        .unwrap();
        let mut written = written.into_inner().unwrap();
        // Every fragment (several batches of the index) and word index chunk was handed over,
        // and no other file.
        let fragments = |p: &str| p.ends_with(".pf_fragment");
        let chunks = |p: &str| p.ends_with(".pf_index");
        assert_eq!(
            written.iter().filter(|(p, _)| fragments(p)).count(),
            docs.len()
        );
        assert!(written.iter().any(|(p, _)| chunks(p)));
        assert!(written.iter().all(|(p, _)| fragments(p) || chunks(p)));
        assert!(!rest.iter().any(|(p, _)| fragments(p) || chunks(p)));
        written.extend(rest);
        written.sort();
        assert_eq!(written, whole);
        // A file that cannot be written stops the index with its own diagnostic.
        let refuse = |path: String, _: Vec<u8>| {
            Err(Diagnostic::error(
                Path::new(&path),
                0,
                0,
                "disque plein".to_string(),
            ))
        };
        let err = index(
            Records::Given(records_of(&docs)),
            None,
            Some(&handover(&refuse)),
        )
        .unwrap_err();
        assert_eq!(err.message, "disque plein");
    }

    #[test]
    fn an_index_reusing_the_build_before_is_the_index_of_its_records() {
        let doc = |i: usize, text: &str| {
            let mut d = Doc::new(&format!("Coopérative {i}"), "Acteur");
            d.filter(
                "domaine",
                if i.is_multiple_of(3) {
                    "Santé"
                } else {
                    "Habitat"
                },
            );
            d.text(text);
            d.finish(format!("/acteurs/a{i}/"))
        };
        let mut docs: Vec<Document> = (0..60)
            .map(|i| doc(i, "Les coopératives de Sceaux travaillent ensemble."))
            .collect();
        let cache = SharedIndexCache::default();
        assert_eq!(
            index(Records::Given(records_of(&docs)), Some(&cache), None).unwrap(),
            index(Records::Given(records_of(&docs)), None, None).unwrap()
        );
        // A text changed (its words move), a domain changed, a record removed, one added.
        for step in 0..4 {
            match step {
                0 => {
                    docs[7] = doc(
                        7,
                        "Une épicerie solidaire ouvre à Sceaux, les coopératives aussi.",
                    )
                }
                1 => docs[30] = doc(31, "Les coopératives de Sceaux travaillent ensemble."),
                2 => {
                    docs.remove(12);
                }
                _ => docs.push(doc(99, "Une ressourcerie répare les vélos.")),
            }
            assert_eq!(
                index(Records::Given(records_of(&docs)), Some(&cache), None).unwrap(),
                index(Records::Given(records_of(&docs)), None, None).unwrap(),
                "step {step}"
            );
        }
    }
}
