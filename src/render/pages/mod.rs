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

pub mod family;

use crate::diagnostic::Diagnostic;
use crate::model::url::{normalise_alias, output_path};
use crate::model::Source;
use crate::render::fingerprint::{Fingerprinted, Fingerprints};
use crate::render::owners::{Owned, Owner};
use crate::render::renderer::{Output, Renderer, SitemapOf};
use crate::render::site::{RecordView, Site};
use crate::render::sitemap;
use crate::render::templates::compile_templates;
pub use family::{page_count, view, Family, Rendered};
use std::hash::DefaultHasher;
use std::sync::Arc;
use tera::Tera;

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
    Editor(editor::EditorFiles),
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

impl Owned for Job {
    fn url(&self, site: &Site) -> String {
        Job::url(self, site)
    }
    fn is_folder(&self) -> bool {
        Job::is_folder(self)
    }
    fn owner(&self, site: &Site) -> Owner {
        Job::owner(self, site)
    }
}

impl Fingerprinted for Job {
    fn url(&self, site: &Site) -> String {
        Job::url(self, site)
    }
    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        Job::inputs(self, fp, h)
    }
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

    pub fn summary_label(&self) -> &'static str {
        self.family().summary_label()
    }

    pub fn in_sitemap(&self) -> bool {
        self.family().in_sitemap()
    }

    pub fn is_folder(&self) -> bool {
        self.family().is_folder()
    }

    pub fn uses_every_core(&self) -> bool {
        self.family().uses_every_core()
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
            other => other.record(site).map(|r| r.source),
        }
    }

    /// The date the page last changed, for the sitemap: a record's `updated` or `date`, no
    /// later than the build (events are dated in the future on purpose).
    pub fn lastmod(&self, site: &Site) -> Option<String> {
        let c = self.record(site)?.common;
        let d = c.updated.or(c.date)?;
        Some(
            d.date()
                .min(site.options.now.date())
                .format("%Y-%m-%d")
                .to_string(),
        )
    }
}

/// Every output of the site, in a fixed order (the sitemap's). The search index comes first:
/// it is the longest job, so it starts while the pages render.
pub fn plan(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    jobs.extend(search::index_jobs(site).into_iter().map(Job::Search));
    jobs.push(Job::Home(home::Home));
    jobs.extend(actors::front_jobs().into_iter().map(Job::Actors));
    jobs.extend(data::front_jobs().into_iter().map(Job::Data));
    jobs.extend(actors::map_jobs(site).into_iter().map(Job::Actors));
    jobs.extend(events::list_jobs(site).into_iter().map(Job::Events));
    jobs.extend(search::page_jobs(site).into_iter().map(Job::Search));
    jobs.extend(actors::record_jobs(site).into_iter().map(Job::Actors));
    jobs.extend(taxonomies::jobs(site).into_iter().map(Job::Taxonomies));
    jobs.extend(events::record_jobs(site).into_iter().map(Job::Events));
    jobs.extend(magazine::jobs(site).into_iter().map(Job::Magazine));
    jobs.extend(resources::jobs(site).into_iter().map(Job::Resources));
    jobs.extend(letters::jobs(site).into_iter().map(Job::Letters));
    jobs.extend(plain::page_jobs(site).into_iter().map(Job::Plain));
    jobs.extend(data::feed_jobs(site).into_iter().map(Job::Data));
    // The sitemap and robots.txt go here, once every page the sitemap lists is known.
    let back = jobs.len();
    jobs.extend(plain::not_found_jobs().into_iter().map(Job::Plain));
    for RecordView {
        section,
        slug,
        common,
        ..
    } in site.records()
    {
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
    jobs.extend(files::jobs(site).into_iter().map(Job::Files));
    jobs.extend(images::jobs(site).into_iter().map(Job::Images));
    jobs.extend(editor::jobs(site).into_iter().map(Job::Editor));
    // The sitemap cut into parts when its pages are more than one file may hold.
    let base = &site.config.base_url;
    let sizes = jobs
        .iter()
        .filter(|j| j.in_sitemap())
        .map(|j| sitemap::entry_bytes(base, &j.url(site)));
    let cuts = sitemap::cuts(sizes, sitemap::MAX_URLS, sitemap::MAX_BYTES);
    jobs.splice(back..back, data::back_jobs(cuts).into_iter().map(Job::Data));
    jobs
}

/// Writes the file at a path of the output as the function it is given writes it, a piece
/// at a time (`Staging::write_with`, with the compressed copies).
pub type StreamFile<'a> = &'a (dyn Fn(
    String,
    &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Diagnostic>
         + Sync);

impl<'a> Renderer<'a> {
    /// Compiles the theme's templates. `jobs` is the plan, which the sitemap lists.
    pub fn new(site: &'a Site, jobs: &'a [Job]) -> Result<Renderer<'a>, Vec<Diagnostic>> {
        Ok(Renderer::with_templates(
            site,
            jobs,
            compile_templates(&site.theme)?,
        ))
    }

    /// A renderer with templates compiled before (a preview keeps them while the theme is
    /// unchanged).
    pub fn with_templates(site: &'a Site, jobs: &'a [Job], tera: Arc<Tera>) -> Renderer<'a> {
        let urls = Arc::new(jobs.iter().map(|j| j.url(site)).collect());
        Renderer::with_urls(site, jobs, tera, urls)
    }

    /// `with_templates`, with the URLs of `jobs` given (those of an earlier renderer of the
    /// same plan, `Renderer::urls`).
    pub fn with_urls(
        site: &'a Site,
        jobs: &'a [Job],
        tera: Arc<Tera>,
        urls: Arc<std::collections::HashSet<String>>,
    ) -> Renderer<'a> {
        let sitemap_of: SitemapOf<'a> = Box::new(move || {
            jobs.iter()
                .filter(|j| j.in_sitemap())
                .map(|j| (j.url(site), j.lastmod(site)))
                .collect()
        });
        Renderer::assemble(site, tera, urls, sitemap_of)
    }

    /// Renders one job into its files. Fails on a template error or a link to a page the
    /// site does not have.
    pub fn render(&self, job: &Job) -> Result<Vec<Output>, Vec<Diagnostic>> {
        self.render_writing(job, None, None)
    }

    /// `render`, with `handover` taking the files of a folder that it can hand over as it
    /// makes them (the search index's fragments and word chunks, with scratch files for what
    /// it holds meanwhile), and `stream` the file of an export, written a piece at a time as it
    /// is made: they are not among the files returned.
    pub fn render_writing(
        &self,
        job: &Job,
        handover: Option<&crate::render::indexer::Handover>,
        stream: Option<StreamFile>,
    ) -> Result<Vec<Output>, Vec<Diagnostic>> {
        let url = job.url(self.site);
        if let (Job::Data(data), Some(stream)) = (job, stream) {
            if let Some((export, _)) = data.export() {
                stream(output_path(&url), &mut |w| export(self.site, w)).map_err(|d| vec![d])?;
                return Ok(Vec::new());
            }
        }
        let one = |bytes: Vec<u8>, links: Vec<String>| {
            let path = output_path(&url);
            // Under the path of `base_url`, when it has one.
            let bytes = match path.ends_with(".html") {
                true => crate::render::prefix::html(bytes, self.site.config.base_path()),
                false => bytes,
            };
            vec![Output {
                path,
                bytes,
                links,
                from: None,
            }]
        };
        let rendered = match (job, handover) {
            (Job::Search(search::Search::Index), Some(handover)) => {
                search::index(self, Some(handover))?
            }
            _ => job.render(self, &url)?,
        };
        Ok(match rendered {
            Rendered::File(bytes) => one(bytes, Vec::new()),
            Rendered::Folder(files) => files
                .into_iter()
                .map(|(path, bytes)| Output {
                    path,
                    bytes,
                    links: Vec::new(),
                    from: None,
                })
                .collect(),
            Rendered::Linked(from) => vec![Output {
                path: output_path(&url),
                bytes: Vec::new(),
                links: Vec::new(),
                from: Some(from),
            }],
            Rendered::Page {
                template,
                context,
                links,
            } => {
                self.check_links(job, &links)?;
                let html = self.page(template, context, &url, job.source(self.site))?;
                one(html, links)
            }
        })
    }

    /// Every internal link of a record's body must lead to a page of this build: a link to a
    /// missing, draft or private record is an error, not a dead link.
    fn check_links(&self, job: &Job, links: &[String]) -> Result<(), Vec<Diagnostic>> {
        match job.source(self.site) {
            Some(src) => self.check_links_in(&src.path, || src.body.text(), src.body_line, links),
            None => self.check_links_in(std::path::Path::new("content"), || "".into(), 0, links),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Section;
    use crate::render::site::BuildOptions;

    /// A record of every kind, from its scaffold (which every kind has: `record_text` matches
    /// every section), has its page in the plan: a new kind without a family of pages fails
    /// here.
    #[test]
    fn every_kind_of_record_has_its_page_in_the_plan() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("site.toml"),
            "title = \"Essai\"\nbase_url = \"https://ess.example.fr\"\n[commune]\nname = \"Essai\"\n",
        )
        .unwrap();
        for section in Section::ALL {
            let text = crate::model::scaffold::record_text(section, "Une fiche", "2026-01-01", &[])
                .replace("draft: true", "draft: false")
                .replace("date:             #", "date: 2026-01-01 #");
            let folder = root.join("content").join(section.folder());
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("une-fiche.md"), text).unwrap();
        }
        let (loaded, problems) = crate::load::load(root);
        let loaded = loaded.unwrap_or_else(|| panic!("{problems:?}"));
        let now = chrono::NaiveDate::from_ymd_opt(2026, 6, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let options = BuildOptions {
            now,
            drafts: false,
            include_private: false,
            base_url: None,
            scheduled: false,
            editor_local: false,
        };
        let site = Site::assemble(loaded, options);
        let urls: std::collections::HashSet<String> =
            plan(&site).iter().map(|j| j.url(&site)).collect();
        let records: Vec<_> = site.records().collect();
        for section in Section::ALL {
            let record = records.iter().find(|r| r.section == section);
            let record = record.unwrap_or_else(|| panic!("{section:?}: no record published"));
            let url = section.url(record.slug);
            assert!(urls.contains(&url), "{section:?}: no page at {url}");
        }
    }
}
