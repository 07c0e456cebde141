//! The families of pages. Each file holds one family and says, in one place, for each of its
//! outputs: its URL, the inputs its fingerprint covers, its context (a typed `Serialize`
//! struct) and template, its source file, and who owns its address.
//!
//! `Job` names one output (or, for the search index, one folder of outputs) and only
//! dispatches to its family. `plan` lists every job of a site in a fixed order.

pub mod actors;
pub mod data;
pub mod editor;
pub mod events;
pub mod files;
pub mod home;
pub mod images;
pub mod letters;
pub mod magazine;
pub mod pictures;
pub mod plain;
pub mod resources;
pub mod search;
pub mod shared;
pub mod taxonomies;

use super::fingerprint::Fingerprints;
use super::owners::Owner;
use super::Renderer;
use crate::diagnostic::Diagnostic;
use crate::model::{Common, Section, Source};
use crate::render::site::{RecordView, Site};
use crate::model::url::normalise_alias;
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
    fn kind(&self) -> &'static str;

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

    /// Whether a live preview may make the output later, on a thread of its own, so that an
    /// edit is shown without waiting for it.
    fn deferrable(&self) -> bool {
        false
    }
}

/// One output file to produce (or one folder of them), by family.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    Home(home::Home),
    Actors(actors::Actors),
    Taxonomies(taxonomies::Taxonomies),
    Events(events::Events),
    Magazine(magazine::Magazine),
    Letters(letters::Letters),
    Resources(resources::Resources),
    Plain(plain::Plain),
    Data(data::Data),
    Search(search::Search),
    Files(files::Files),
    Images(images::Images),
    Editor(editor::Editor),
}

/// Calls `$call` on the family job inside `$job`.
macro_rules! dispatch {
    ($job:expr, $f:ident => $call:expr) => {
        match $job {
            Job::Home($f) => $call,
            Job::Actors($f) => $call,
            Job::Taxonomies($f) => $call,
            Job::Events($f) => $call,
            Job::Magazine($f) => $call,
            Job::Letters($f) => $call,
            Job::Resources($f) => $call,
            Job::Plain($f) => $call,
            Job::Data($f) => $call,
            Job::Search($f) => $call,
            Job::Files($f) => $call,
            Job::Images($f) => $call,
            Job::Editor($f) => $call,
        }
    };
}

impl Job {
    fn family(&self) -> &dyn Family {
        dispatch!(self, f => f)
    }

    /// The site URL of the output (`/acteurs/up-sceaux/`, `/rss.xml`).
    pub fn url(&self, site: &Site) -> String {
        self.family().url(site)
    }

    pub fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        self.family().inputs(fp, h)
    }

    pub fn render(&self, r: &Renderer, url: &str) -> Result<Rendered, Vec<Diagnostic>> {
        self.family().render(r, url)
    }

    pub fn owner(&self, site: &Site) -> Owner {
        self.family().owner(site)
    }

    pub fn kind(&self) -> &'static str {
        self.family().kind()
    }

    pub fn in_sitemap(&self) -> bool {
        self.family().in_sitemap()
    }

    pub fn is_folder(&self) -> bool {
        self.family().is_folder()
    }

    pub fn deferrable(&self) -> bool {
        self.family().deferrable()
    }

    /// The record the page shows, when it is one record's page.
    pub fn record<'a>(&self, site: &'a Site) -> Option<RecordView<'a>> {
        self.family().record(site)
    }

    /// The source file of the page (a record's, or the home page's text), for diagnostics.
    pub fn source<'a>(&self, site: &'a Site) -> Option<&'a Source> {
        match self {
            Job::Home(_) => site.home.as_ref().map(|h| &h.source),
            other => other.record(site).map(|r| r.3),
        }
    }

    /// The date the page last changed, for the sitemap: a record's `updated` or `date`, no
    /// later than the build (events are dated in the future on purpose).
    pub fn lastmod(&self, site: &Site) -> Option<String> {
        let (_, _, c, _) = self.record(site)?;
        let d = c.updated.or(c.date)?;
        Some(
            d.date()
                .min(site.options.now.date())
                .format("%Y-%m-%d")
                .to_string(),
        )
    }
}

/// The record view of entry `e` of `section`.
pub fn view<T: Common>(section: Section, e: &crate::model::Entry<T>) -> RecordView<'_> {
    (section, e.slug.as_str(), e.data.common(), &e.source)
}

/// How many pages a list of `items` needs (at least one, even when empty).
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// Every output of the site, in a fixed order (the sitemap's). The search index comes first:
/// it is the longest job, so it starts while the pages render.
pub fn plan(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    jobs.extend(search::index_jobs(site));
    jobs.push(Job::Home(home::Home));
    jobs.extend(actors::front_jobs());
    jobs.extend(data::front_jobs());
    jobs.extend(actors::map_jobs());
    jobs.extend(events::list_jobs());
    jobs.extend(search::page_jobs(site));
    jobs.extend(actors::record_jobs(site));
    jobs.extend(taxonomies::jobs(site));
    jobs.extend(events::record_jobs(site));
    jobs.extend(magazine::jobs(site));
    jobs.extend(resources::jobs(site));
    jobs.extend(letters::jobs(site));
    jobs.extend(plain::page_jobs(site));
    jobs.extend(data::feed_jobs());
    jobs.extend(data::back_jobs());
    jobs.extend(plain::not_found_jobs());
    for (section, slug, common, _) in site.records() {
        let to = section.url(slug);
        jobs.extend(
            common
                .aliases
                .iter()
                .filter_map(|a| normalise_alias(a))
                .map(|from| {
                    Job::Plain(plain::Plain::Alias {
                        from,
                        to: to.clone(),
                    })
                }),
        );
    }
    jobs.extend(files::jobs(site));
    jobs.extend(images::jobs(site));
    jobs.extend(editor::jobs(site));
    jobs
}
