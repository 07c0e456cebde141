//! The pages of an edited record, served before the rebuild that follows them: rendered from
//! the last good build's site with the record read again in place of the old one, when the
//! edit changed its Markdown text only — not its front matter, not its pictures. The rebuild then makes every output as a full build does; the
//! preview serves those, and reloads what it served ahead if it differs.
//!
//! Its cost does not grow with the site as the rebuild's does: a copy of the site's lists of
//! records (the records themselves are shared), and the pages of one record.

use super::outputs::{in_memory, CachedOutput};
use crate::load::Parsed;
use crate::model::Entry;
use crate::render::site::Site;
use crate::render::{Job, Renderer};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

/// What the last good build rendered with, kept for the next edit's pages.
pub struct LastBuild {
    pub site: Arc<Site>,
    /// Its plan (`render::plan`).
    pub jobs: Arc<Vec<Job>>,
    /// Every URL of the plan, as links are checked against them (`Renderer::urls`).
    pub urls: Arc<HashSet<String>>,
}

impl LastBuild {
    /// The outputs of the pages of `records` (each read again from a file of the last build),
    /// rendered with them in place of what the files held, but those of the jobs `skip`
    /// names. `None` when they cannot be rendered ahead: an edit of a front matter or of a
    /// picture, a file that is not a record of the last build, an error (the rebuild
    /// reports it).
    pub fn pages_of(
        &self,
        records: &[&Parsed],
        templates: Arc<tera::Tera>,
        skip: impl Fn(&Job) -> bool,
    ) -> Option<Vec<(String, CachedOutput)>> {
        let mut site = (*self.site).clone();
        let files: Vec<PathBuf> = records
            .iter()
            .map(|r| replace(&mut site, r))
            .collect::<Option<_>>()?;
        let renderer = Renderer::with_urls(&site, &self.jobs, templates, Arc::clone(&self.urls));
        let mut outputs = Vec::new();
        for job in self.jobs.iter().filter(|j| !skip(j)) {
            if !job.source(&site).is_some_and(|s| files.contains(&s.path)) {
                continue;
            }
            for o in renderer.render(job).ok()? {
                // The fingerprint of a page served ahead is its bytes' (its ETag).
                let fingerprint = crate::render::fingerprint::hash_of(&o.bytes);
                outputs.push(in_memory(fingerprint, o).ok()?);
            }
        }
        (!outputs.is_empty()).then_some(outputs)
    }
}

/// Puts `record` in `site` in place of the record read from the same file, if only its text
/// changed: the file's path, or `None`.
fn replace(site: &mut Site, record: &Parsed) -> Option<PathBuf> {
    match record {
        Parsed::Actor(e) => swap(&mut site.actors, e),
        Parsed::Forum(e) => swap(&mut site.forums, e),
        Parsed::Conference(e) => swap(&mut site.conferences, e),
        Parsed::MagazineRecord(e) => swap(&mut site.dossiers, e),
        Parsed::Resource(e) => swap(&mut site.resources, e),
        Parsed::Page(e) => swap(&mut site.pages, e),
        Parsed::Home(e) => swap(site.home.as_mut_slice(), e),
        // A data file or a members' file shows on pages of other records.
        Parsed::Data(..) | Parsed::MembersFile(..) => None,
    }
}

/// Swaps `new` for the entry of `list` read from the same file when the two differ only by
/// their Markdown text, and not by its pictures: everything the rest of the site knows of a
/// record — its address, publication, title, links to others — is in its front matter, whose
/// every value the rebuild validates first; a text is made safe as it is rendered
/// (`text::markdown`), and its links checked then (`Renderer::render`). HTML nested too
/// deep is left to the rebuild, which reports it.
fn swap<T>(list: &mut [Arc<Entry<T>>], new: &Arc<Entry<T>>) -> Option<PathBuf> {
    let old = list.iter_mut().find(|e| e.source.path == new.source.path)?;
    let pictures = |e: &Entry<T>| {
        let images = e.source.body_images.iter();
        images
            .map(|i| (i.src.clone(), i.alt.clone(), i.html))
            .collect::<Vec<_>>()
    };
    let text_only = old.source.yaml == new.source.yaml
        && old.source.yaml_line == new.source.yaml_line
        && new.source.too_deep.is_none()
        && pictures(old) == pictures(new);
    text_only.then(|| {
        *old = Arc::clone(new);
        new.source.path.clone()
    })
}
