//! The pages of an edited record, served before the rebuild that follows them: rendered from
//! the last good build's site with the record read again in place of the old one, when the
//! edit changed its Markdown text only — not its front matter, not its pictures. The rebuild
//! then makes every output as a full build does; the preview serves those, and reloads what
//! it served ahead if it differs.
//!
//! Its cost hardly grows with the site, as the rebuild's does: the record found in its list,
//! and its pages rendered. The copy of the site's lists it is rendered in is made at the end
//! of the rebuild before. What it needs (`Ahead`) is shared, so that the preview renders an
//! edit's pages on a thread of its own while the rebuild of the edit before still runs.

use super::outputs::{in_memory, CachedOutput, Outputs};
use crate::load::{self, FileKind, Parsed};
use crate::model::{Entry, Source};
use crate::render::site::Site;
use crate::render::{Job, Renderer};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// A file's modification time and size, when it can be read.
pub fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// What an edit's pages are rendered ahead with, shared by the rebuild — which puts a new one
/// in at the end of each good build, and takes it out when a build fails or the clock, the
/// configuration or the theme changes — and by whoever renders an edit's pages while a
/// rebuild runs.
pub type SharedAhead = Arc<Mutex<Option<Ahead>>>;

/// The last good build, its templates and outputs, and how the site's files are read.
pub struct Ahead {
    last: LastBuild,
    templates: Arc<tera::Tera>,
    /// The last build's outputs: an edit's pages are compared with them.
    outputs: Outputs,
    root: PathBuf,
    max_size: u64,
    /// Whether the deferrable jobs (the search index) are left out.
    defer: bool,
}

/// The pages of an edit, rendered ahead.
pub struct Early {
    /// The outputs, by path.
    pub outputs: Outputs,
    /// The paths whose bytes are not the last build's.
    pub changed: Vec<String>,
    /// The files read.
    pub read: Vec<ReadFile>,
}

/// A file an edit's pages were rendered from.
#[derive(Debug, Clone)]
pub struct ReadFile {
    /// Relative to the site (`Source::path`).
    pub file: PathBuf,
    /// The file on the disk, and its stamp before it was read: the rebuild that read it at
    /// this stamp or later made its pages again.
    pub path: PathBuf,
    pub stamp: Option<(SystemTime, u64)>,
}

impl ReadFile {
    /// Whether the file is still as it was read (a later save makes the pages out of date).
    pub fn unchanged(&self) -> bool {
        self.stamp.is_some() && stamp(&self.path) == self.stamp
    }
}

impl Ahead {
    pub fn new(
        last: LastBuild,
        templates: Arc<tera::Tera>,
        outputs: Outputs,
        root: &Path,
        max_size: u64,
        defer: bool,
    ) -> Ahead {
        Ahead {
            last,
            templates,
            outputs,
            root: root.to_path_buf(),
            max_size,
            defer,
        }
    }

    /// The pages of the edit of the files `changed` (as the watcher names them), each read
    /// again: `None` unless each is a record of the last build whose text only changed.
    pub fn read_and_render(&mut self, changed: &[PathBuf]) -> Option<Early> {
        let records = edited_records(&self.root, changed)?;
        let stamps: Vec<_> = records.iter().map(|(path, _)| stamp(path)).collect();
        let parsed: Vec<Parsed> = records
            .iter()
            .map(|(path, kind)| load::parse_file(&self.root, path, *kind, self.max_size).ok())
            .collect::<Option<_>>()?;
        let mut early = self.render(&parsed.iter().collect::<Vec<_>>())?;
        for (read, ((path, _), stamp)) in early.read.iter_mut().zip(records.into_iter().zip(stamps))
        {
            read.path = path;
            read.stamp = stamp;
        }
        Some(early)
    }

    /// The pages of `records`, read already (`LastBuild::pages_of`).
    pub fn render(&mut self, records: &[&Parsed]) -> Option<Early> {
        let defer = self.defer;
        let skip = |job: &Job| defer && job.deferrable();
        let outputs = self
            .last
            .pages_of(records, Arc::clone(&self.templates), skip)?;
        let changed = outputs
            .iter()
            .filter(|(p, o)| self.outputs.get(p).is_none_or(|old| old.bytes != o.bytes))
            .map(|(p, _)| p.clone())
            .collect();
        let read = records
            .iter()
            .filter_map(|r| source_of(r))
            .map(|s| ReadFile {
                file: s.path.clone(),
                path: self.root.join(&s.path),
                stamp: None,
            })
            .collect();
        Some(Early {
            outputs: Arc::new(outputs.into_iter().collect()),
            changed,
            read,
        })
    }
}

/// The records of an edit (absolute paths, with their kind), leaving out what a rebuild
/// leaves out too (editors' temporary files, files that are not content): `None` when the
/// edit touches anything else — a record deleted, a file outside `content/` — or no record.
pub fn edited_records(root: &Path, changed: &[PathBuf]) -> Option<Vec<(PathBuf, FileKind)>> {
    let mut records = Vec::new();
    for path in changed {
        let rel = path.strip_prefix(root).ok()?;
        if !rel.starts_with("content") {
            return None;
        }
        match load::classify(rel) {
            None | Some(None) => continue,
            Some(Some(kind)) if path.is_file() => records.push((path.clone(), kind)),
            Some(Some(_)) => return None,
        }
    }
    (!records.is_empty()).then_some(records)
}

/// The source of a record (not of a data file or a members' file).
fn source_of(parsed: &Parsed) -> Option<&Source> {
    Some(match parsed {
        Parsed::Actor(e) => &e.source,
        Parsed::Forum(e) => &e.source,
        Parsed::Conference(e) => &e.source,
        Parsed::MagazineRecord(e) => &e.source,
        Parsed::Resource(e) => &e.source,
        Parsed::Page(e) => &e.source,
        Parsed::Home(e) => &e.source,
        Parsed::Data(..) | Parsed::MembersFile(..) => return None,
    })
}

/// What the last good build rendered with, kept for the next edit's pages.
pub struct LastBuild {
    /// A copy of its site (the records themselves shared), in which an edit's records are
    /// put while their pages are rendered, and then taken out.
    site: Site,
    /// Its plan (`render::plan`).
    jobs: Arc<Vec<Job>>,
    /// Every URL of the plan, as links are checked against them (`Renderer::urls`).
    urls: Arc<HashSet<String>>,
    /// The jobs of each record's file (its page, its calendar…), by the file's path.
    by_file: HashMap<PathBuf, Vec<usize>>,
}

impl LastBuild {
    /// Keeps `site` (a copy of its lists), its plan and its URLs.
    pub fn new(site: &Site, jobs: Arc<Vec<Job>>, urls: Arc<HashSet<String>>) -> LastBuild {
        let sources: Vec<(usize, PathBuf)> = jobs
            .par_iter()
            .enumerate()
            .filter_map(|(i, job)| Some((i, job.source(site)?.path.clone())))
            .collect();
        let mut by_file: HashMap<PathBuf, Vec<usize>> = HashMap::new();
        for (i, path) in sources {
            by_file.entry(path).or_default().push(i);
        }
        LastBuild {
            site: site.clone(),
            jobs,
            urls,
            by_file,
        }
    }

    /// The outputs of the pages of `records` (each read again from a file of the last build),
    /// rendered with them in place of what the files held, but those of the jobs `skip`
    /// names. `None` when they cannot be rendered ahead: an edit of a front matter or of a
    /// picture, a file that is not a record of the last build, an error (the rebuild
    /// reports it).
    pub fn pages_of(
        &mut self,
        records: &[&Parsed],
        templates: Arc<tera::Tera>,
        skip: impl Fn(&Job) -> bool,
    ) -> Option<Vec<(String, CachedOutput)>> {
        let mut taken_out = Vec::new();
        for record in records {
            match swap(&mut self.site, record, true) {
                Some(old) => taken_out.push(old),
                None => break,
            }
        }
        let outputs = (taken_out.len() == records.len())
            .then(|| self.render(records, templates, skip))
            .flatten();
        for old in taken_out.iter().rev() {
            swap(&mut self.site, old, false);
        }
        outputs
    }

    fn render(
        &self,
        records: &[&Parsed],
        templates: Arc<tera::Tera>,
        skip: impl Fn(&Job) -> bool,
    ) -> Option<Vec<(String, CachedOutput)>> {
        let site = &self.site;
        let renderer = Renderer::with_urls(site, &self.jobs, templates, Arc::clone(&self.urls));
        let mut outputs = Vec::new();
        for record in records {
            for &i in self.by_file.get(&source_of(record)?.path)? {
                let job = &self.jobs[i];
                if skip(job) {
                    continue;
                }
                for o in renderer.render(job).ok()? {
                    // The fingerprint of a page served ahead is its bytes' (its ETag).
                    let fingerprint = crate::render::fingerprint::hash_of(&o.bytes);
                    outputs.push(in_memory(fingerprint, o).ok()?);
                }
            }
        }
        (!outputs.is_empty()).then_some(outputs)
    }
}

/// Puts `record` in `site` in place of the record read from the same file — if only its text
/// changed, when `checked` — and returns the record taken out; `None` if there is none, or
/// if more than the text changed.
fn swap(site: &mut Site, record: &Parsed, checked: bool) -> Option<Parsed> {
    Some(match record {
        Parsed::Actor(e) => Parsed::Actor(swap_in(&mut site.actors, e, checked)?),
        Parsed::Forum(e) => Parsed::Forum(swap_in(&mut site.forums, e, checked)?),
        Parsed::Conference(e) => Parsed::Conference(swap_in(&mut site.conferences, e, checked)?),
        Parsed::MagazineRecord(e) => {
            Parsed::MagazineRecord(swap_in(&mut site.dossiers, e, checked)?)
        }
        Parsed::Resource(e) => Parsed::Resource(swap_in(&mut site.resources, e, checked)?),
        Parsed::Page(e) => Parsed::Page(swap_in(&mut site.pages, e, checked)?),
        Parsed::Home(e) => Parsed::Home(swap_in(site.home.as_mut_slice(), e, checked)?),
        // A data file or a members' file shows on pages of other records.
        Parsed::Data(..) | Parsed::MembersFile(..) => return None,
    })
}

/// Swaps `new` for the entry of `list` read from the same file when the two differ only by
/// their Markdown text, and not by its pictures: everything the rest of the site knows of a
/// record — its address, publication, title, links to others — is in its front matter, whose
/// every value the rebuild validates first; a text is made safe as it is rendered
/// (`text::markdown`), and its links checked then (`Renderer::render`). HTML nested too
/// deep is left to the rebuild, which reports it.
fn swap_in<T>(
    list: &mut [Arc<Entry<T>>],
    new: &Arc<Entry<T>>,
    checked: bool,
) -> Option<Arc<Entry<T>>> {
    let file = new.source.path.as_os_str();
    let old = list
        .iter_mut()
        .find(|e| e.source.path.as_os_str() == file)?;
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
    (text_only || !checked).then(|| std::mem::replace(old, Arc::clone(new)))
}
