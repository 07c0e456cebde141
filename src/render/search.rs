//! Site search: a Pagefind index (`/pagefind/`) of every record this build publishes, made at
//! build time and searched in the visitor's browser, a chunk at a time.
//!
//! The index is made from the records, not from the rendered pages: each published record
//! becomes a Pagefind custom record — its title as the `title` metadata (which Pagefind's
//! ranking boosts), the words a person reads as its content (summary, places, speakers, text:
//! what excerpts show), the words that only describe it (domains, legal form, stages, tags) as
//! the `mots` metadata (they find it; they are not shown as an excerpt), and the filters the
//! search page offers: kind, domain, legal form, stage. Only what `Site` holds is indexed, so
//! drafts and private records — which a public build leaves out of `Site` — can never be found.
//!
//! The records are indexed in parallel and the index compressed in parallel by the patched
//! Pagefind in `vendor/pagefind` (see its PATCHED.md).

use crate::diagnostic::Diagnostic;
use crate::model::{Common, Term};
use crate::render::site::{Site, Typed};
use pulldown_cmark::{Event, Parser, TagEnd};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The folder of the index in the output.
pub const FOLDER: &str = "pagefind";

/// The metadata field of the words that describe a record without being read in it.
pub const KEYWORDS: &str = "mots";

/// One published record, as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Document {
    /// The page's path on the site (`/acteurs/up-sceaux/`).
    pub url: String,
    pub title: String,
    /// The words a person reads, HTML-escaped as Pagefind's excerpts are (the search page
    /// decodes them into text): sentences, one per block.
    pub content: String,
    /// Words that describe the record (filter values, tags), space-separated.
    pub keywords: String,
    /// The values of the search page's filters, by key.
    pub filters: BTreeMap<&'static str, Vec<String>>,
}

/// How much of a record's body text is indexed, in characters (about 350 words): enough for
/// the records of a directory and most dossiers; it bounds the index's cost on large sites.
pub const BODY_LIMIT: usize = 2000;

/// The filters of the search page, in the order it shows them: (key, label).
pub const FILTERS: &[(&str, &str)] = &[
    ("type", "Type de contenu"),
    ("domaine", "Domaine d’action"),
    ("statut", "Forme juridique"),
    ("etape", "Étape du parcours"),
];

/// The words of a Markdown body, without markup or raw HTML: one line per block.
pub fn body_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Builds one document.
struct Doc {
    doc: Document,
}

impl Doc {
    fn new(title: &str, kind: &str) -> Doc {
        let mut d = Doc {
            doc: Document {
                url: String::new(),
                title: crate::text::french::typography(title),
                content: String::new(),
                keywords: String::new(),
                filters: BTreeMap::new(),
            },
        };
        d.doc.filters.insert("type", vec![kind.to_string()]);
        d
    }

    /// A value of a filter; its words find the record too (« santé » finds the health actors).
    fn filter(&mut self, key: &'static str, value: &str) {
        self.keyword(value);
        self.doc
            .filters
            .entry(key)
            .or_default()
            .push(value.to_string());
    }

    /// Words that describe the record, searched but not read.
    fn keyword(&mut self, words: &str) {
        if !self.doc.keywords.is_empty() {
            self.doc.keywords.push(' ');
        }
        self.doc.keywords.push_str(words.trim());
    }

    /// A block of text a person reads: a sentence of the content.
    fn text(&mut self, text: &str) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return;
        }
        let content = &mut self.doc.content;
        if !content.is_empty() {
            content.push(' ');
        }
        content.push_str(&crate::text::html::escape_html(&text));
        // Blocks read as sentences, and no phrase is found across two of them.
        if !text.ends_with(['.', '!', '?', '…', ':', ';']) {
            content.push('.');
        }
    }

    fn record(&mut self, summary: Option<&str>, tags: &[String], body: &str) {
        if let Some(s) = summary {
            self.text(&crate::text::markdown::plain(s));
        }
        for tag in tags {
            self.keyword(tag);
        }
        let text = body_text(body);
        let mut left = BODY_LIMIT;
        for block in text.lines() {
            if left == 0 {
                break;
            }
            let cut = match block.char_indices().nth(left) {
                Some((i, _)) => &block[..i],
                None => block,
            };
            left -= cut.chars().count();
            self.text(cut);
        }
    }

    fn finish(mut self, url: String) -> Document {
        self.doc.url = url;
        // Every record's document is held until the index takes it: without the room its
        // strings grew into (up to as much again as their text).
        self.doc.content.shrink_to_fit();
        self.doc.keywords.shrink_to_fit();
        self.doc
    }
}

/// Every record `site` publishes, in the order of their URLs, which an edit does not change
/// (the site's own order follows the titles and dates): the index numbers its pages in this
/// order, so that a preview's index updates the words of the record saved only, where a new
/// title would move every record between its old and new place.
fn records(site: &Site) -> Vec<Record<'_>> {
    let mut records: Vec<(String, Record)> = site.typed().map(|r| (url_and_hash(r).0, r)).collect();
    records.sort_by(|a, b| a.0.cmp(&b.0));
    records.into_iter().map(|(_, r)| r).collect()
}

/// A published record, as the index reads it.
type Record<'a> = Typed<'a>;

/// The URL and the hash of the text a document is made from.
fn url_and_hash(r: Record) -> (String, u64) {
    let crate::render::site::RecordView {
        section,
        slug,
        source,
        ..
    } = r.view();
    (section.url(slug), source.full_hash)
}

/// The record's document.
fn document(r: Record, site: &Site) -> Document {
    let theme = &site.theme;
    let url = url_and_hash(r).0;
    match r {
        Record::Actor(e) => {
            let a = &e.data;
            let mut d = Doc::new(&a.title, "Acteur");
            for dom in &a.domains {
                d.filter("domaine", site.domain_label(dom));
            }
            if let Some(f) = a.legal_form {
                d.filter("statut", theme.label("legal_forms", f.slug()));
            }
            for s in &a.stages {
                d.filter("etape", theme.label("stages", s.slug()));
            }
            d.record(a.summary.as_deref(), &a.tags, &e.source.body);
            if let Some(addr) = &a.address {
                d.text(addr);
            }
            d.finish(url)
        }
        Record::Forum(e) => {
            let f = &e.data;
            let mut d = Doc::new(&f.title, "Événement");
            d.record(f.summary.as_deref(), &f.tags, &e.source.body);
            if let Some(v) = &f.venue {
                d.text(v);
            }
            for item in &f.program {
                let speakers: Vec<&str> = item.speakers.iter().map(|s| s.name.as_str()).collect();
                d.text(&format!("{} {}", item.title, speakers.join(", ")));
            }
            d.finish(url)
        }
        Record::Conference(e) => {
            let c = &e.data;
            let mut d = Doc::new(&c.title, "Événement");
            for dom in &c.domains {
                d.filter("domaine", site.domain_label(dom));
            }
            d.record(c.summary.as_deref(), &c.tags, &e.source.body);
            if let Some(v) = &c.venue {
                d.text(v);
            }
            let speakers: Vec<String> = c
                .speakers
                .iter()
                .map(|s| match &s.role {
                    Some(r) => format!("{}, {r}", s.name),
                    None => s.name.clone(),
                })
                .collect();
            d.text(&speakers.join(" ; "));
            d.finish(url)
        }
        Record::MagazineRecord(e) => {
            let m = &e.data;
            let mut d = Doc::new(&m.title, "Magazine");
            d.record(m.summary.as_deref(), &m.tags, &e.source.body);
            d.finish(url)
        }
        Record::Resource(e) => {
            let r = &e.data;
            let mut d = Doc::new(&r.title, "Ressource");
            for v in [&r.category, &r.resource_type].into_iter().flatten() {
                d.keyword(v);
            }
            d.record(r.summary.as_deref(), &r.tags, &e.source.body);
            d.finish(url)
        }
        Record::Page(e) => {
            let p = &e.data;
            let mut d = Doc::new(&p.title, "Page");
            d.record(p.common().summary, &p.tags, &e.source.body);
            d.finish(url)
        }
    }
}

/// Documents of the previous builds of a live preview, by URL, with the hash of the record
/// they were made from: only the records that changed are made again.
#[derive(Default)]
pub struct DocumentCache {
    by_url: HashMap<String, (u64, Arc<Document>)>,
    /// What the index's last build kept for the next (see `index`).
    index: SharedIndexCache,
}

/// What a build of the index keeps for the next build of a preview, shared with the thread
/// that builds it: the unchanged records are not indexed again, the unchanged files not
/// compressed again.
#[cfg(feature = "full")]
pub type SharedIndexCache = Arc<Mutex<pagefind::api::IndexCache>>;
/// Without the indexer (the check compiled to WebAssembly), nothing is kept.
#[cfg(not(feature = "full"))]
pub type SharedIndexCache = Arc<Mutex<()>>;

impl DocumentCache {
    /// The documents of every record `site` publishes, in a fixed order, reusing the unchanged
    /// records' documents.
    pub fn documents(&mut self, site: &Site) -> Vec<Arc<Document>> {
        let records = records(site);
        let made: Vec<(String, u64, Arc<Document>)> = records
            .par_iter()
            .map(|r| {
                let (url, hash) = url_and_hash(*r);
                let doc = match self.by_url.get(&url) {
                    Some((h, d)) if *h == hash => Arc::clone(d),
                    _ => Arc::new(document(*r, site)),
                };
                (url, hash, doc)
            })
            .collect();
        self.by_url = made
            .iter()
            .map(|(u, h, d)| (u.clone(), (*h, Arc::clone(d))))
            .collect();
        made.into_iter().map(|(_, _, d)| d).collect()
    }

    /// What the index's builds keep from one to the next.
    pub fn index_cache(&self) -> SharedIndexCache {
        Arc::clone(&self.index)
    }

    /// Forgets every document (the configuration or the theme changed their labels).
    pub fn clear(&mut self) {
        self.by_url.clear();
        self.index = SharedIndexCache::default();
    }
}

/// A hash of documents: the index changes only when it does.
pub fn fingerprint<D: AsRef<Document>>(docs: &[D]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for d in docs {
        d.as_ref().hash(&mut h);
    }
    h.finish()
}

impl AsRef<Document> for Document {
    fn as_ref(&self) -> &Document {
        self
    }
}

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

/// Indexes `records`: the files of `/pagefind/`, as (path in the output, bytes), sorted by
/// path. The same records give the same bytes, whatever the number of threads, and with or
/// without `cache`: what the build before kept there, which this build replaces by what it
/// keeps for the next (a preview's index then costs what changed, not the whole site).
/// With `write` (and no cache), each record's fragment goes there as soon as it is made,
/// instead of with the files returned: the fragments, most of the index, are then never all
/// held at once.
#[cfg(feature = "full")]
pub fn index(
    records: Records,
    cache: Option<&SharedIndexCache>,
    write: Option<WriteFile>,
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
    let streaming = write.filter(|_| cache.is_none());
    let (send, received) = std::sync::mpsc::sync_channel::<(String, Vec<u8>)>(256);
    let not_written: Mutex<Option<Diagnostic>> = Mutex::new(None);
    let files = std::thread::scope(|scope| {
        if let Some(write) = streaming {
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
                        (None, Some(sink)) => index.into_files_streaming(sink).await,
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
    _write: Option<WriteFile>,
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

    #[test]
    fn body_text_keeps_words_and_drops_markup() {
        let t = body_text("# Titre\n\nUn *mot* et <b>du HTML</b>.\n\n- un\n- deux\n");
        assert_eq!(t, "Titre\nUn mot et du HTML.\nun\ndeux\n");
    }

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
        let rest = index(Records::Given(records_of(&docs)), None, Some(&write)).unwrap();
        let mut written = written.into_inner().unwrap();
        // Every fragment was handed over (several batches of the index), and no other file.
        assert_eq!(written.len(), docs.len());
        assert!(written.iter().all(|(p, _)| p.ends_with(".pf_fragment")));
        assert!(!rest.iter().any(|(p, _)| p.ends_with(".pf_fragment")));
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
        let err = index(Records::Given(records_of(&docs)), None, Some(&refuse)).unwrap_err();
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
