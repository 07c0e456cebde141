//! What a family of pages is: the trait each family implements for its jobs, what a job
//! makes (`Rendered`), and the helpers every family shares. `pages/mod.rs` gathers the
//! families into `Job` and the plan.

use crate::diagnostic::Diagnostic;
use crate::model::{Common, Section};
use crate::render::fingerprint::Fingerprints;
use crate::render::owners::Owner;
use crate::render::renderer::Renderer;
use crate::render::site::{RecordView, Site};
use serde::Serialize;
use std::hash::DefaultHasher;

/// What one job makes.
pub enum Rendered {
    /// An HTML page: a template and its context, with the site-internal links of the Markdown
    /// it shows (checked before the page is written).
    Page {
        template: &'static str,
        context: Result<tera::Context, tera::Error>,
        links: Vec<String>,
    },
    /// A file made without a template (a feed, an export, a static file).
    File(Vec<u8>),
    /// The files of a folder, by path inside the output (the search index).
    Folder(Vec<(String, Vec<u8>)>),
    /// A file made before, kept on disk (a processed image in the cache).
    Linked(crate::images::CachedFile),
}

impl Rendered {
    /// A page of `template` showing `context`.
    pub fn page(template: &'static str, context: &impl Serialize, links: Vec<String>) -> Self {
        Rendered::Page {
            template,
            context: tera::Context::from_serialize(context),
            links,
        }
    }
}

/// What every family says of each of its jobs.
pub trait Family {
    /// The site URL of the output (`/acteurs/up-sceaux/`); a folder's, ending in `/`, for a
    /// job that makes many files.
    fn url(&self, site: &Site) -> String;

    /// Hashes what the output is made from, beyond what every page shares (templates,
    /// configuration, options, menu — in `Fingerprints`) and its URL.
    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher);

    /// Makes the output. `url` is `self.url(site)`.
    fn render(&self, r: &Renderer, url: &str) -> Result<Rendered, Vec<Diagnostic>>;

    /// The source of the output's address, for the one-owner check.
    fn owner(&self, site: &Site) -> Owner;

    /// The kind of output, as the build's summary counts it (« acteurs », « listes »…).
    fn summary_label(&self) -> &'static str;

    /// The record the page shows, when it is one record's page.
    fn record<'a>(&self, _site: &'a Site) -> Option<RecordView<'a>> {
        None
    }

    /// Whether the output is an HTML page that belongs in the sitemap.
    fn in_sitemap(&self) -> bool {
        false
    }

    /// Whether the job makes a folder of files (its URL ends in `/`; nothing else may be
    /// written inside).
    fn is_folder(&self) -> bool {
        false
    }

    /// Whether the job keeps every core busy on its own (the search index): a build runs it
    /// after the other jobs, alone.
    fn uses_every_core(&self) -> bool {
        false
    }

    /// Whether a live preview may make the output later, on a thread of its own, so that an
    /// edit is shown without waiting for it.
    fn deferrable(&self) -> bool {
        false
    }
}

/// The record view of entry `e` of `section`.
pub fn view<T: Common>(section: Section, e: &crate::model::Entry<T>) -> RecordView<'_> {
    RecordView {
        section,
        slug: e.slug.as_str(),
        common: e.data.common(),
        source: &e.source,
    }
}

/// How many pages a list of `items` needs (at least one, even when empty).
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}
