//! The pages of an edited record, served before the rebuild that follows them: rendered from
//! the last good build's site with the record read again in place of the old one, when the
//! record keeps its place: its text changed, or its front matter with its address, its
//! publication and its pictures kept, and no error of its own (`LastBuild::same_place`). The
//! rebuild then makes every output as a full build does; the preview serves those, and
//! reloads what it served ahead if it differs (the lists where a new title sorts elsewhere).
//!
//! Its cost hardly grows with the site, as the rebuild's does: the record found in its list
//! by its file, checked alone, and its pages rendered. The copy of the site's lists it is
//! rendered in is made at the end of the rebuild before. What it needs (`Ahead`) is shared, so
//! that the preview renders an edit's pages on a thread of its own while the rebuild of the
//! edit before still runs.

use super::outputs::{in_memory, CachedOutput, Outputs};
use crate::load::{self, Content, FileKind, Loaded, Parsed};
use crate::model::pictures::Pictures;
use crate::model::{Common, Entry, Section, Source};
use crate::render::site::{image_refs, publication, Publication, Site};
use crate::render::{Job, Renderer};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
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

/// Whether a record of a kind that has no members' records is one: never.
fn never_private<T>(_: &T) -> bool {
    false
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
    /// Its records as they are checked (`LastBuild::checked`).
    checked: Loaded,
    /// Its plan (`render::plan`).
    jobs: Arc<Vec<Job>>,
    /// Every URL of the plan, as links are checked against them (`Renderer::urls`).
    urls: Arc<HashSet<String>>,
    /// Each record's place in its list and its jobs (its page, its calendar…), by its file's
    /// path as written (hashed as bytes, not component by component): an edit's record is
    /// found without reading the list through.
    by_file: HashMap<OsString, Place>,
}

/// Where a record of the last build is: its place in its list, and its jobs.
#[derive(Default)]
struct Place {
    at: usize,
    jobs: Vec<usize>,
}

impl LastBuild {
    /// Keeps `site` (a copy of its lists; `root` its folder), its plan and its URLs.
    pub fn new(
        site: &Site,
        root: &Path,
        jobs: Arc<Vec<Job>>,
        urls: Arc<HashSet<String>>,
    ) -> LastBuild {
        let sources: Vec<(usize, OsString)> = jobs
            .par_iter()
            .enumerate()
            .filter_map(|(i, job)| Some((i, job.source(site)?.path.clone().into_os_string())))
            .collect();
        let mut by_file: HashMap<OsString, Place> = HashMap::new();
        for (i, path) in sources {
            by_file.entry(path).or_default().jobs.push(i);
        }
        places(&site.actors, &mut by_file);
        places(&site.forums, &mut by_file);
        places(&site.conferences, &mut by_file);
        places(&site.dossiers, &mut by_file);
        places(&site.resources, &mut by_file);
        places(&site.pages, &mut by_file);
        LastBuild {
            checked: LastBuild::checked(site, root),
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
        if !records.iter().all(|r| self.keeps_place(r)) {
            return None;
        }
        let mut taken_out = Vec::new();
        for record in records {
            let at = self.at(source_of(record));
            match swap(&mut self.site, record, at) {
                Some(old) => taken_out.push(old),
                None => break,
            }
        }
        let outputs = (taken_out.len() == records.len())
            .then(|| self.render(records, templates, skip))
            .flatten();
        for old in taken_out.iter().rev() {
            let at = self.at(source_of(old));
            swap(&mut self.site, old, at);
        }
        outputs
    }

    /// Whether the pages of `record` can be rendered in place of those of the last build's
    /// record read from the same file (`same_place`).
    fn keeps_place(&self, record: &Parsed) -> bool {
        let (site, r) = (&self.site, record);
        match record {
            Parsed::Actor(e) => {
                self.same_place(Some(Section::Actors), &site.actors, e, r, never_private)
            }
            Parsed::Forum(e) => {
                self.same_place(Some(Section::Forum), &site.forums, e, r, never_private)
            }
            Parsed::Conference(e) => {
                let list = &site.conferences;
                self.same_place(Some(Section::Conferences), list, e, r, never_private)
            }
            Parsed::MagazineRecord(e) => {
                self.same_place(Some(Section::Magazine), &site.dossiers, e, r, never_private)
            }
            Parsed::Resource(e) => {
                let private = |r: &crate::model::Resource| r.private;
                self.same_place(Some(Section::Resources), &site.resources, e, r, private)
            }
            Parsed::Page(e) => {
                self.same_place(Some(Section::Pages), &site.pages, e, r, never_private)
            }
            Parsed::Home(e) => self.same_place(None, site.home.as_slice(), e, r, never_private),
            // A data file or a members' file shows on pages of other records.
            Parsed::Data(..) | Parsed::MembersFile(..) => false,
        }
    }

    /// Whether `new` (`record`), read again from the file of a record of `list`, keeps that
    /// record's place: its pages are rendered from the last build's site with it in place of
    /// the old one. Its text may change (made safe as it is rendered, its links checked then,
    /// by `Renderer::render`), and its front matter — its title, its values — if the record
    /// keeps its address and old addresses, is published as before (not a draft, a private
    /// record or scheduled now), and has no error of its own (`validate::record_errors`):
    /// what the rest of the site shows of it, the lists and the other pages, waits for the
    /// rebuild, which checks the whole site. Not a change of its pictures (the build prepares
    /// them), nor HTML nested too deep (the rebuild reports it).
    fn same_place<T: Common + Pictures>(
        &self,
        section: Option<Section>,
        list: &[Arc<Entry<T>>],
        new: &Entry<T>,
        record: &Parsed,
        private: impl Fn(&T) -> bool,
    ) -> bool {
        let Some(old) = record_at(list, self.at(Some(&new.source)), new) else {
            return false;
        };
        let pictures = |e: &Entry<T>| {
            let images = e.source.body_images.iter();
            let body: Vec<_> = images
                .map(|i| (i.src.clone(), i.alt.clone(), i.html))
                .collect();
            (body, image_refs(e))
        };
        if new.source.too_deep.is_some() || pictures(old) != pictures(new) {
            return false;
        }
        if old.source.yaml == new.source.yaml && old.source.yaml_line == new.source.yaml_line {
            return true;
        }
        let o = &self.site.options;
        let shown = |e: &Entry<T>| match section {
            Some(section) => publication(o, section, e, private(&e.data)),
            None => Some(Publication {
                draft: e.data.common().draft,
                private: false,
                scheduled: false,
            }),
        };
        old.slug == new.slug
            && old.data.common().aliases == new.data.common().aliases
            && shown(old).is_some()
            && shown(old) == shown(new)
            && crate::validate::record_errors(&self.checked, record).is_empty()
    }

    /// The place in its list of the last build's record read from `source`'s file.
    fn at(&self, source: Option<&Source>) -> Option<usize> {
        Some(self.by_file.get(source?.path.as_os_str())?.at)
    }

    /// What a record is checked against (`record_errors`): the last build's site, as it was
    /// loaded. It was checked whole, so no record of it was set aside or left unread.
    fn checked(site: &Site, root: &Path) -> Loaded {
        Loaded {
            root: root.to_path_buf(),
            config: site.config.clone(),
            theme: Arc::clone(&site.theme),
            content: Content {
                actors: site.actors.clone(),
                forums: site.forums.clone(),
                conferences: site.conferences.clone(),
                dossiers: site.dossiers.clone(),
                resources: site.resources.clone(),
                pages: site.pages.clone(),
                home: site.home.clone(),
                ..Content::default()
            },
        }
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
            for &i in &self.by_file.get(source_of(record)?.path.as_os_str())?.jobs {
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

/// Notes the place of each record of `list` in `by_file`.
fn places<T>(list: &[Arc<Entry<T>>], by_file: &mut HashMap<OsString, Place>) {
    for (at, e) in list.iter().enumerate() {
        if let Some(place) = by_file.get_mut(e.source.path.as_os_str()) {
            place.at = at;
        }
    }
}

/// The record of `list` at `at` if it was read from `new`'s file.
fn record_at<'a, T>(
    list: &'a [Arc<Entry<T>>],
    at: Option<usize>,
    new: &Entry<T>,
) -> Option<&'a Arc<Entry<T>>> {
    list.get(at?)
        .filter(|e| e.source.path.as_os_str() == new.source.path.as_os_str())
}

/// Puts `record` in `site` at `at`, in place of the record read from the same file, and
/// returns the record taken out; `None` if there is none there.
fn swap(site: &mut Site, record: &Parsed, at: Option<usize>) -> Option<Parsed> {
    Some(match record {
        Parsed::Actor(e) => Parsed::Actor(swap_in(&mut site.actors, at, e)?),
        Parsed::Forum(e) => Parsed::Forum(swap_in(&mut site.forums, at, e)?),
        Parsed::Conference(e) => Parsed::Conference(swap_in(&mut site.conferences, at, e)?),
        Parsed::MagazineRecord(e) => Parsed::MagazineRecord(swap_in(&mut site.dossiers, at, e)?),
        Parsed::Resource(e) => Parsed::Resource(swap_in(&mut site.resources, at, e)?),
        Parsed::Page(e) => Parsed::Page(swap_in(&mut site.pages, at, e)?),
        Parsed::Home(e) => Parsed::Home(swap_in(site.home.as_mut_slice(), Some(0), e)?),
        Parsed::Data(..) | Parsed::MembersFile(..) => return None,
    })
}

/// Swaps `new` for the entry of `list` at `at` read from the same file, and returns that
/// entry.
fn swap_in<T>(
    list: &mut [Arc<Entry<T>>],
    at: Option<usize>,
    new: &Arc<Entry<T>>,
) -> Option<Arc<Entry<T>>> {
    let old = list
        .get_mut(at?)
        .filter(|e| e.source.path.as_os_str() == new.source.path.as_os_str())?;
    Some(std::mem::replace(old, Arc::clone(new)))
}
