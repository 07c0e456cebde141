//! The renderer of one build: the compiled templates, the values every page shares, every URL
//! of the site (for link checks), the sitemap's list and the search documents; and the files
//! one job makes (`Output`), with their compressed copies.

use crate::diagnostic::Diagnostic;
use crate::model::Source;
use crate::render::search::{self, Document};
use crate::render::site::Site;
use crate::render::templates::{self, page_name, template_error};
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use tera::Tera;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path inside the output folder, with `/` separators (`acteurs/up-sceaux/index.html`).
    pub path: String,
    pub bytes: Vec<u8>,
    /// The site-internal links of the Markdown shown on the page (checked when rendered).
    pub links: Vec<String>,
    /// A file whose bytes are the output's, instead of `bytes` (a processed image of the
    /// cache: a build links it into the output rather than copying it).
    pub from: Option<crate::images::CachedFile>,
}

/// The files worth compressing ahead: text, from 1 KiB (smaller ones gain nothing on the wire).
const COMPRESSED: [&str; 10] = [
    ".html", ".css", ".js", ".xml", ".json", ".svg", ".txt", ".ics", ".csv", ".mjs",
];

/// Whether a file at `path` of `len` bytes gets precompressed copies.
pub fn compressible(path: &str, len: usize) -> bool {
    len >= 1024 && COMPRESSED.iter().any(|ext| path.ends_with(ext))
}

/// The precompressed copies: their extensions.
pub const COPIES: [&str; 2] = [".gz", ".br"];

/// The room a page's bytes are given before it is rendered: most pages of the theme weigh
/// 15 to 20 KB (a larger one grows its buffer as any would).
const PAGE_CAPACITY: usize = 24 << 10;

/// Writes the copy `ext` (one of `COPIES`) of the text `from` reads into `to`: gzip at level
/// 9 without a date in its header, or Brotli at quality 9. Same bytes for the same text, read
/// whole from memory or a piece at a time from a file.
pub fn compress_copy(
    ext: &str,
    from: &mut dyn std::io::Read,
    to: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if ext == ".gz" {
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(to, flate2::Compression::best());
        std::io::copy(from, &mut gz)?;
        return gz.finish().map(|_| ());
    }
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut { from }, &mut { to }, &params).map(|_| ())
}

/// The `.gz` and `.br` copies of a text file (`compress_copy`), for servers that serve a
/// file's precompressed copy (`precompress = true`).
pub fn compressed(out: &Output) -> Vec<Output> {
    if out.from.is_some() || !compressible(&out.path, out.bytes.len()) {
        return Vec::new();
    }
    COPIES
        .iter()
        .filter_map(|ext| {
            let mut bytes = Vec::with_capacity(out.bytes.len() / 3);
            compress_copy(ext, &mut &out.bytes[..], &mut bytes).ok()?;
            Some(Output {
                path: format!("{}{ext}", out.path),
                bytes,
                links: Vec::new(),
                from: None,
            })
        })
        .collect()
}

impl Output {
    /// Its bytes, read from `from` when it has one.
    pub fn into_bytes(self) -> std::io::Result<Vec<u8>> {
        match self.from {
            Some(file) => std::fs::read(file.path),
            None => Ok(self.bytes),
        }
    }
}

/// What the sitemap lists: the URLs of the HTML pages with their last change, made when the
/// sitemap is rendered.
pub type SitemapOf<'a> = Box<dyn Fn() -> Vec<(String, Option<String>)> + Send + Sync + 'a>;

/// The search documents of a build.
pub type Documents = Arc<Vec<Arc<Document>>>;

/// Renders jobs of one site. Holds the compiled templates and the values every page shares.
pub struct Renderer<'a> {
    pub site: &'a Site,
    tera: Arc<Tera>,
    /// `site` in templates: title, menu, base URL… serialised once, and given to every
    /// page's rendering by reference (Tera looks there for what a page's context lacks).
    shared: tera::Context,
    /// The URLs of the plan's HTML pages with their last change, for the sitemap (the plan is
    /// the pages' business: `pages::plan`).
    sitemap_of: SitemapOf<'a>,
    /// The URLs of every HTML page with their last change, for the sitemap (made when needed).
    sitemap_urls: OnceLock<Vec<(String, Option<String>)>>,
    /// Every URL of the site, to check internal links (shared: a preview's page rendered
    /// ahead of its rebuild checks them against the last build's).
    urls: Arc<HashSet<String>>,
    /// The short names of the pages others sit under, for the breadcrumbs.
    trail_labels: std::collections::HashMap<String, String>,
    /// The search documents (made when needed, or given by a preview that keeps them, with
    /// what the index keeps from one build to the next).
    documents: OnceLock<(Documents, search::SharedIndexCache)>,
}

impl<'a> Renderer<'a> {
    /// A renderer of `site` with its compiled templates, the URLs of every page (for link
    /// checks) and what the sitemap lists.
    pub fn assemble(
        site: &'a Site,
        tera: Arc<Tera>,
        urls: Arc<HashSet<String>>,
        sitemap_of: SitemapOf<'a>,
    ) -> Renderer<'a> {
        Renderer {
            site,
            tera,
            shared: {
                let mut shared = tera::Context::new();
                shared.insert("site", &templates::globals(site));
                shared
            },
            trail_labels: templates::trail_labels(site),
            sitemap_of,
            sitemap_urls: OnceLock::new(),
            urls,
            documents: OnceLock::new(),
        }
    }

    /// Uses `documents` as the search documents of the site (made by a
    /// `search::DocumentCache` from it: a preview keeps them from build to build), and
    /// `index_cache` for its index.
    pub fn with_documents(
        self,
        documents: Documents,
        index_cache: search::SharedIndexCache,
    ) -> Self {
        self.give_documents(documents, index_cache);
        self
    }

    /// Gives the renderer its search documents once it exists (`with_documents`), unless it
    /// made them itself meanwhile (the same ones).
    pub fn give_documents(&self, documents: Documents, index_cache: search::SharedIndexCache) {
        let _ = self.documents.set((documents, index_cache));
    }

    /// Counts `urls` as pages of the site too, for link checks (the records that could not
    /// be read, whose own errors are reported).
    pub fn existing(mut self, urls: Vec<String>) -> Self {
        Arc::make_mut(&mut self.urls).extend(urls);
        self
    }

    /// Every URL of the site, as links are checked against them.
    pub fn urls(&self) -> Arc<HashSet<String>> {
        Arc::clone(&self.urls)
    }

    /// The search documents a preview keeps from build to build, and what its index keeps
    /// (`with_documents`), if any.
    pub fn kept_documents(&self) -> Option<(Documents, search::SharedIndexCache)> {
        self.documents.get().cloned()
    }

    /// The URLs of the sitemap with their last change.
    pub fn sitemap_urls(&self) -> &[(String, Option<String>)] {
        self.sitemap_urls.get_or_init(|| (self.sitemap_of)())
    }

    /// The HTML of a page: `template` with `context`, the values every page shares, and the
    /// page's URL; `source` is the record it shows, for diagnostics.
    pub fn page(
        &self,
        template: &str,
        context: Result<tera::Context, tera::Error>,
        url: &str,
        source: Option<&Source>,
    ) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let source = source.map(|s| s.path.display().to_string());
        let mut context =
            context.map_err(|e| vec![template_error(&e, source.as_deref(), &self.site.theme)])?;
        context.insert("current_url", &url);
        if url != crate::model::url::HOME {
            context.insert("trail", &self.trail(url));
        }
        if self.site.draft_pages.contains(url) {
            context.insert("draft", &true);
        }
        if let Some(d) = self.site.scheduled_pages.get(url) {
            context.insert("scheduled", &scheduled_label(*d));
        }
        // Written straight into the page's bytes: a `String` would be checked as UTF-8 again
        // once whole (Tera writes only text).
        let mut html = Vec::with_capacity(PAGE_CAPACITY);
        self.tera
            .render_to_shared(template, &context, &self.shared, &mut html)
            .map_err(|e| {
                let page = page_name(source.as_deref(), url);
                vec![template_error(&e, Some(&page), &self.site.theme)]
            })?;
        Ok(html)
    }

    /// The pages `url` sits under, from the home page's first child down (`/acteurs/` and
    /// `/acteurs/domaines/` for `/acteurs/domaines/sante/`): those of its addresses' folders
    /// that are pages with a short name. The home page and the page itself are the template's.
    fn trail(&self, url: &str) -> Vec<templates::Link> {
        url.match_indices('/')
            .map(|(i, _)| &url[..=i])
            .filter(|prefix| prefix.len() > 1 && prefix.len() < url.len())
            .filter(|prefix| self.urls.contains(*prefix))
            .filter_map(|prefix| {
                self.trail_labels.get(prefix).map(|label| templates::Link {
                    label: label.clone(),
                    url: prefix.to_string(),
                })
            })
            .collect()
    }

    /// Whether every link of `links` leads to a page of this build.
    pub fn links_resolve(&self, links: &[String]) -> bool {
        links.iter().all(|l| self.link_resolves(l))
    }

    fn link_resolves(&self, link: &str) -> bool {
        let path = link.split(['#', '?']).next().unwrap_or("");
        let path = crate::model::url::percent_decode(path);
        self.urls.contains(&path)
            || (!path.ends_with('/') && self.urls.contains(&format!("{path}/")))
            || self.urls.contains(path.trim_end_matches("index.html"))
    }
}

impl Renderer<'_> {
    /// Checks `links`, found in the text `text` gives (asked for only to place a broken link),
    /// which starts at line `first_line` of `file` (0: no position).
    pub fn check_links_in<'t>(
        &self,
        file: &std::path::Path,
        text: impl Fn() -> std::borrow::Cow<'t, str>,
        first_line: usize,
        links: &[String],
    ) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let text = std::cell::LazyCell::new(text);
        for link in links {
            if !self.link_resolves(link) {
                let path =
                    crate::model::url::percent_decode(link.split(['#', '?']).next().unwrap_or(""));
                let (line, column) = if first_line == 0 {
                    (0, 0)
                } else {
                    let (l, c) = position_in(&text, link);
                    (l + first_line - 1, c)
                };
                let file = file.to_path_buf();
                let with_slash = if path.ends_with('/') {
                    path.clone()
                } else {
                    format!("{path}/")
                };
                let members = crate::model::url::members_files();
                let d = if path.starts_with(&members) {
                    Diagnostic::error(file, line, column, format!("lien vers un fichier réservé aux membres : {link}"))
                        .with_help("les fichiers de content/ressources/fichiers/ ne sont publiés que par une construction des membres (--include-private) : liez-les depuis une ressource privée")
                } else if self.site.unpublished.contains(&with_slash) {
                    Diagnostic::error(file, line, column, format!("lien vers une fiche qui n'est pas publiée : {link}"))
                        .with_help("la fiche est privée, en brouillon ou datée dans le futur : retirez le lien, ou publiez la fiche")
                } else {
                    let d = Diagnostic::error(
                        file,
                        line,
                        column,
                        format!("lien vers une page qui n'existe pas : {link}"),
                    );
                    // Only a near miss is a useful hint (a typo in a slug), not any page nearby.
                    let candidates = self.urls.iter().map(String::as_str);
                    match crate::diagnostic::closest(&path, candidates)
                        .filter(|c| strsim::jaro_winkler(c, &path) > 0.93)
                    {
                        Some(c) => d.with_help(format!("vouliez-vous dire {c} ?")),
                        None => d.with_help("vérifiez l'adresse : les fiches ont pour adresse /dossier/nom-du-fichier/"),
                    }
                };
                errors.push(d);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// 1-based line and column of the first `(target` in a Markdown body.
fn position_in(body: &str, target: &str) -> (usize, usize) {
    let needle = format!("({target}");
    match body.find(&needle).or_else(|| body.find(target)) {
        Some(at) => crate::model::config::line_col(body, at + 1),
        None => (1, 1),
    }
}

/// What a preview says of a record it shows before its date: « programmé le samedi 5 décembre
/// 2026 » (« à 8 h » when the date has a time).
pub fn scheduled_label(d: crate::model::Date) -> String {
    format!("programmé le {}", d.moment_long())
}
