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
//! The index itself is made from these documents by `render::indexer`.

use crate::model::{Common, Term};
use crate::render::site::{Site, Typed};
use pulldown_cmark::{Event, Parser, TagEnd};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
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

/// The words of a Markdown body, without markup or raw HTML: one line per block; the text
/// after the first `limit` characters of its lines is left unread (ends of lines aside).
pub fn body_text(markdown: &str, limit: usize) -> String {
    let mut out = String::with_capacity(markdown.len().min(limit.saturating_mul(2)));
    // The characters given so far, short of what `Doc::record` counts (it counts the spaces
    // of line breaks and the `\r` inside a line too): the text it keeps is all given by then.
    let mut given = 0;
    for event in Parser::new(markdown) {
        if given >= limit {
            break;
        }
        match event {
            Event::Text(t) | Event::Code(t) => {
                given += t.chars().filter(|c| !matches!(c, '\n' | '\r')).count();
                out.push_str(&t);
            }
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
pub(crate) struct Doc {
    doc: Document,
}

impl Doc {
    pub(crate) fn new(title: &str, kind: &str) -> Doc {
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
    pub(crate) fn filter(&mut self, key: &'static str, value: &str) {
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
    pub(crate) fn text(&mut self, text: &str) {
        let content = &mut self.doc.content;
        // Its words, one space apart, escaped straight into the content.
        let mut last = None;
        for word in text.split_whitespace() {
            if !content.is_empty() {
                content.push(' ');
            }
            crate::text::html::escape_html_into(word, content);
            last = Some(word);
        }
        // Blocks read as sentences, and no phrase is found across two of them.
        if last.is_some_and(|w| !w.ends_with(['.', '!', '?', '…', ':', ';'])) {
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
        self.body(&body_text(body, BODY_LIMIT));
    }

    /// The first `BODY_LIMIT` characters of a body's text (`body_text`), as sentences.
    fn body(&mut self, text: &str) {
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

    pub(crate) fn finish(mut self, url: String) -> Document {
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
pub(super) fn records(site: &Site) -> Vec<Record<'_>> {
    let mut records: Vec<(String, Record)> = site.typed().map(|r| (url_and_hash(r).0, r)).collect();
    records.sort_by(|a, b| a.0.cmp(&b.0));
    records.into_iter().map(|(_, r)| r).collect()
}

/// A published record, as the index reads it.
pub(super) type Record<'a> = Typed<'a>;

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
pub(super) fn document(r: Record, site: &Site) -> Document {
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
            d.record(a.summary.as_deref(), &a.tags, &e.source.body.text());
            if let Some(addr) = &a.address {
                d.text(addr);
            }
            d.finish(url)
        }
        Record::Forum(e) => {
            let f = &e.data;
            let mut d = Doc::new(&f.title, "Événement");
            d.record(f.summary.as_deref(), &f.tags, &e.source.body.text());
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
            d.record(c.summary.as_deref(), &c.tags, &e.source.body.text());
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
            d.record(m.summary.as_deref(), &m.tags, &e.source.body.text());
            d.finish(url)
        }
        Record::Resource(e) => {
            let r = &e.data;
            let mut d = Doc::new(&r.title, "Ressource");
            for v in [&r.category, &r.resource_type].into_iter().flatten() {
                d.keyword(v);
            }
            d.record(r.summary.as_deref(), &r.tags, &e.source.body.text());
            d.finish(url)
        }
        Record::Page(e) => {
            let p = &e.data;
            let mut d = Doc::new(&p.title, "Page");
            d.record(p.common().summary, &p.tags, &e.source.body.text());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_keeps_words_and_drops_markup() {
        let t = body_text(
            "# Titre\n\nUn *mot* et <b>du HTML</b>.\n\n- un\n- deux\n",
            100,
        );
        assert_eq!(t, "Titre\nUn mot et du HTML.\nun\ndeux\n");
        // Past its limit, the text is left unread from the next piece of text on.
        let t = body_text("Un deux.\n\nTrois *quatre* cinq.\n\nSix.\n", 10);
        assert_eq!(t, "Un deux.\nTrois ");
    }

    #[test]
    fn a_body_is_indexed_the_same_whether_read_whole_or_up_to_its_limit() {
        let pieces = [
            "Un *mot* et `du code`, ",
            "une ligne\r\nqui continue ",
            "<b>du HTML</b> ",
            "\n\n## Un titre\n\n",
            "\n\n```\ncode\r\n  en bloc\n```\n\n",
            "\n\n- un\n- deux\n\n",
            "é à ç ",
            "fin.\n\n",
        ];
        for n in [0usize, 3, 50, 120, 200, 400] {
            for shift in 0..pieces.len() {
                let body: String = (0..n)
                    .map(|i| pieces[(i * 7 + shift) % pieces.len()])
                    .collect();
                let mut early = Doc::new("T", "K");
                early.body(&body_text(&body, BODY_LIMIT));
                let mut whole = Doc::new("T", "K");
                whole.body(&body_text(&body, usize::MAX));
                assert_eq!(
                    early.doc.content, whole.doc.content,
                    "{n} pieces from {shift}"
                );
            }
        }
    }
}
