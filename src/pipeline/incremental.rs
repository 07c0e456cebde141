//! Incremental builds for the live preview: keeps the parsed files and the rendered outputs of
//! the previous build, re-reads only the files that changed and re-renders only the jobs whose
//! fingerprint changed. The result is the same, byte for byte, as a full build (tested).

use super::early::{stamp, Ahead, LastBuild, SharedAhead};
use super::outputs::{changed_paths, render_jobs, Planned, Rendering};
pub use super::outputs::{CachedOutput, Deferred, Outputs};
use crate::diagnostic::{self, Diagnostic};
use crate::load::theme::Theme;
use crate::load::{self, Loaded};
use crate::model::config::Config;
use crate::render::fingerprint::Fingerprints;
use crate::render::search::DocumentCache;
use crate::render::site::{BuildOptions, Site};
use crate::render::{self, Documents, Job, Renderer};
use crate::validate;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// A parsed file and the state of the file it was read from.
struct KeptSource {
    stamp: Option<(SystemTime, u64)>,
    result: load::FileResult,
}

/// Called, before the rest of a rebuild, with the pages of the changed files (only those:
/// served in place of the last build's until the rebuild's outputs are) and the paths whose
/// bytes changed.
pub type EarlyOutputs<'a> = dyn FnMut(Outputs, &[String]) + 'a;

/// What one rebuild did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    /// Content files read again.
    pub files_read: usize,
    /// Output files rendered.
    pub rendered: usize,
    /// Output files kept from the previous build.
    pub reused: usize,
    /// Output files that no longer exist.
    pub removed: usize,
    /// Output files rendered ahead of the rebuild (the pages of an edited text) and handed
    /// to the caller at once.
    pub ahead: usize,
    /// Paths of the outputs that changed (rendered, or removed).
    pub changed: Vec<String>,
}

/// The state of a site between two builds.
pub struct Incremental {
    root: PathBuf,
    options: BuildOptions,
    /// The configuration and theme, with the stamp of the files they were read from.
    config: Option<(Config, Arc<Theme>)>,
    config_stamp: u64,
    /// The theme's compiled templates, kept while the theme does not change.
    templates: Option<Arc<tera::Tera>>,
    /// Whether to compute warnings too (a preview only shows errors).
    pub warnings: bool,
    files: HashMap<PathBuf, KeptSource>,
    /// The content files, sorted, as `discover` lists them.
    order: Vec<PathBuf>,
    /// The warnings of the last listing of `content/` (files that are not content).
    listing: Vec<Diagnostic>,
    outputs: Arc<HashMap<String, CachedOutput>>,
    /// The diagnostics of the last rebuild: errors mean the outputs are those of the last good build.
    pub diagnostics: Vec<Diagnostic>,
    /// For each job of the last good build, by URL: its fingerprint and the paths it made.
    by_job: HashMap<String, (u64, Vec<String>)>,
    /// Whether a rebuild leaves the deferrable jobs (the search index) to the caller, who
    /// renders them when it likes with `deferred`: the live preview does it on a thread of
    /// its own, so that an edit is shown without waiting for the index.
    pub defer: bool,
    /// The deferrable jobs of the last good build, ready to render.
    deferred: Option<Arc<Deferred>>,
    documents_cache: DocumentCache,
    /// The outputs' addresses of the last build whose every address had one owner (a hash):
    /// the same addresses again cannot clash, and are not checked again.
    owners_checked: Option<u64>,
    /// What the last good build rendered with: an edit of a record's text is rendered from
    /// it at once, before the rebuild (`early`), or by the caller on a thread of its own.
    ahead: SharedAhead,
    /// Whether a rebuild renders the pages of an edited text first itself (`early`); the
    /// preview does it on a thread of its own (`ahead`), which does not wait for a rebuild.
    pub early: bool,
    /// Told once, by the first good build, as soon as its pages can be made one at a time
    /// (`FirstPages`): the preview answers with them while that build renders the rest.
    pub on_planned: Option<super::first::OnPlanned>,
}

impl Incremental {
    pub fn new(root: &Path, options: BuildOptions) -> Incremental {
        Incremental {
            root: root.to_path_buf(),
            options,
            config: None,
            config_stamp: 0,
            templates: None,
            warnings: true,
            files: HashMap::new(),
            order: Vec::new(),
            listing: Vec::new(),
            outputs: Arc::new(HashMap::new()),
            diagnostics: Vec::new(),
            by_job: HashMap::new(),
            owners_checked: None,
            ahead: SharedAhead::default(),
            early: true,
            on_planned: None,
            defer: false,
            deferred: None,
            documents_cache: DocumentCache::default(),
        }
    }

    /// The build's `now`.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.options.now
    }

    /// Moves the build's `now` (the preview following the clock); the next rebuild renders
    /// again what depends on it.
    pub fn set_now(&mut self, now: chrono::NaiveDateTime) {
        self.options.now = now;
        self.forget_ahead();
    }

    /// The next moment after `now` at which a record read changes state (a dated record is
    /// published, an event becomes past).
    pub fn next_change(&self) -> Option<chrono::NaiveDateTime> {
        use crate::load::Parsed;
        use crate::model::Common;
        use crate::model::Section;
        let dated = self.files.values().filter_map(|f| {
            let section_dates = |s: Section, c: crate::model::CommonRef, end| (s, c.date, end);
            Some(match f.result.as_ref().ok()? {
                Parsed::Actor(e) => section_dates(Section::Actors, e.data.common(), None),
                Parsed::Forum(e) => section_dates(Section::Forum, e.data.common(), e.data.end_date),
                Parsed::Conference(e) => {
                    section_dates(Section::Conferences, e.data.common(), e.data.end_date)
                }
                Parsed::MagazineRecord(e) => {
                    section_dates(Section::Magazine, e.data.common(), None)
                }
                Parsed::Resource(e) => section_dates(Section::Resources, e.data.common(), None),
                Parsed::Page(e) => section_dates(Section::Pages, e.data.common(), None),
                // Undated: the home page's text, the data files, the members' files.
                Parsed::Home(_) | Parsed::Data(..) | Parsed::MembersFile(..) => return None,
            })
        });
        crate::model::time::next_change(dated, self.options.now)
    }

    /// The deferrable jobs of the last good build (when `defer` is set and the site has any).
    pub fn deferred(&self) -> Option<Arc<Deferred>> {
        self.deferred.clone()
    }

    /// The outputs of the last good build, by path (`acteurs/up-sceaux/index.html`).
    pub fn outputs(&self) -> Arc<HashMap<String, CachedOutput>> {
        Arc::clone(&self.outputs)
    }

    /// The path the site is published under (`Config::base_path`), as last read.
    pub fn base_path(&self) -> String {
        self.config
            .as_ref()
            .map_or(String::new(), |(c, _)| c.base_path().to_string())
    }

    /// A hash of the names, sizes and modification times of `site.toml` and the files of
    /// `templates/`, `static/` and `themes/`: when it changes, the configuration and the theme
    /// are read again.
    fn config_stamp(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        stamp(&self.root.join("site.toml")).hash(&mut h);
        for dir in ["templates", "static", "themes"] {
            for e in walkdir::WalkDir::new(self.root.join(dir))
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                (e.path(), stamp(e.path())).hash(&mut h);
            }
        }
        h.finish()
    }

    /// Brings the parsed files up to date; returns the listing's warnings.
    fn update_files(
        &mut self,
        changed: &[PathBuf],
        max_size: u64,
        report: &mut RebuildReport,
    ) -> Vec<Diagnostic> {
        let content = self.root.join("content");
        // The fast way: the watcher named files (not folders), each read again or dropped.
        let fast = !changed.is_empty()
            && !self.order.is_empty()
            && changed.iter().all(|p| {
                !p.is_dir()
                    && (p.exists() || !self.order.iter().any(|f| f.starts_with(p) && f != p))
            });
        let mut to_read: Vec<(load::ContentFile, Option<(SystemTime, u64)>)> = Vec::new();
        if fast {
            for p in changed.iter().filter(|p| p.starts_with(&content)) {
                let rel = p.strip_prefix(&self.root).unwrap_or(p);
                match load::classify(rel) {
                    Some(Some(kind)) if p.is_file() => {
                        if let Err(i) = self.order.binary_search(p) {
                            self.order.insert(i, p.clone());
                        }
                        to_read.push((
                            load::ContentFile {
                                path: p.clone(),
                                kind,
                            },
                            stamp(p),
                        ));
                    }
                    _ => {
                        if let Ok(i) = self.order.binary_search(p) {
                            self.order.remove(i);
                        }
                        self.files.remove(p);
                    }
                }
            }
        } else {
            let (found, listing) = load::discover(&self.root);
            self.listing = listing;
            self.order = found.iter().map(|f| f.path.clone()).collect();
            let present: std::collections::HashSet<&PathBuf> = self.order.iter().collect();
            self.files.retain(|p, _| present.contains(p));
            let files = &self.files;
            to_read = found
                .into_par_iter()
                .filter_map(|f| {
                    let now = stamp(&f.path);
                    let fresh = files
                        .get(&f.path)
                        .is_some_and(|c| c.stamp == now && now.is_some());
                    (!fresh || changed.contains(&f.path)).then_some((f, now))
                })
                .collect();
        }
        report.files_read = to_read.len();
        let read: Vec<(PathBuf, KeptSource)> = to_read
            .into_par_iter()
            .map(|(f, now)| {
                let result = load::parse_file(&self.root, &f.path, f.kind, max_size);
                (f.path, KeptSource { stamp: now, result })
            })
            .collect();
        self.files.extend(read);
        self.listing.clone()
    }

    /// Rebuilds after a change to `changed` (paths of files that changed; empty for "look at
    /// everything"). Content files are also compared with their size and modification time,
    /// so a change the watcher did not report is not missed.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> RebuildReport {
        self.rebuild_with(changed, &mut |_, _| {})
    }

    /// Like `rebuild`, and hands `partial` the outputs as soon as the pages of the changed
    /// files are rendered, with the paths that changed, before the lists that show them
    /// (and before the new outputs are put together).
    pub fn rebuild_with(
        &mut self,
        changed: &[PathBuf],
        partial: &mut EarlyOutputs,
    ) -> RebuildReport {
        let report = self.rebuild_and_report(changed, partial);
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            self.forget_ahead();
        }
        report
    }

    fn rebuild_and_report(
        &mut self,
        changed: &[PathBuf],
        partial: &mut EarlyOutputs,
    ) -> RebuildReport {
        let mut report = RebuildReport::default();
        let config_stamp = self.config_stamp();
        if self.config.is_none() || config_stamp != self.config_stamp {
            self.config = None;
            self.templates = None;
            self.forget_ahead();
            self.documents_cache.clear();
            self.config_stamp = config_stamp;
            let config = match load::config(&self.root) {
                Ok(c) => c,
                Err(d) => {
                    self.diagnostics = vec![d];
                    return report;
                }
            };
            match Theme::load(&self.root, &config) {
                Ok(t) => self.config = Some((config, Arc::new(t))),
                Err(ds) => {
                    self.diagnostics = ds;
                    return report;
                }
            }
        }
        let Some((config, theme)) = self.config.clone() else {
            return report;
        };

        let mut diagnostics = self.update_files(changed, config.max_file_size, &mut report);
        let early = self.early(changed);
        if let Some(e) = &early {
            report.ahead = e.outputs.len();
            partial(Arc::clone(&e.outputs), &e.changed);
        }
        let (content, mut problems) = load::collect(
            self.order
                .iter()
                .filter_map(|p| self.files.get(p))
                .map(|c| &c.result),
        );
        diagnostics.append(&mut problems);
        let loaded = Loaded {
            root: self.root.clone(),
            config,
            theme,
            content,
        };
        // The warnings (the first build's) are found on a thread of their own, beside the
        // rest of the build, and join its diagnostics at its end: its pages can be made
        // before them (`on_planned`).
        let warnings = self.warnings.then(|| {
            let loaded = loaded.clone();
            let now = self.options.now;
            std::thread::spawn(move || validate::warnings(&loaded, now))
        });
        let warnings = move || warnings.and_then(|w| w.join().ok()).unwrap_or_default();
        diagnostics.extend(validate::errors(&loaded));
        if diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.extend(warnings());
            diagnostic::sort(&mut diagnostics);
            self.diagnostics = diagnostics;
            return report;
        }
        let site = Arc::new(Site::assemble(loaded, self.options.clone()));
        let partial: &mut EarlyOutputs = match early {
            // Served already.
            Some(_) => &mut |_, _| {},
            None => partial,
        };
        let rendered = self.render(&site, &mut report, changed, partial);
        diagnostics.extend(warnings());
        match rendered {
            Ok(()) => site.theme.images.save(),
            Err(mut errors) => diagnostics.append(&mut errors),
        }
        diagnostic::sort(&mut diagnostics);
        self.diagnostics = diagnostics;
        report
    }

    fn render(
        &mut self,
        site: &Arc<Site>,
        report: &mut RebuildReport,
        changed: &[PathBuf],
        partial: &mut EarlyOutputs,
    ) -> Result<(), Vec<Diagnostic>> {
        let jobs = Arc::new(render::plan(site));
        self.check_addresses(site, &jobs)?;
        let templates = self.templates_of(site)?;
        let templates_kept = Arc::clone(&templates);
        let renderer = Renderer::with_templates(site, &jobs, Arc::clone(&templates));
        if self.outputs.is_empty() {
            if let Some(tell) = self.on_planned.take() {
                tell(Arc::new(super::first::FirstPages::new(
                    Arc::clone(site),
                    Arc::clone(&jobs),
                    Arc::clone(&templates),
                    renderer.urls(),
                    self.defer,
                )));
            }
        }
        let previous = Arc::clone(&self.outputs);
        // The pages of the files that changed come first, and are served at once, before the
        // search documents and the other pages' fingerprints are made (a page's fingerprint
        // reads the documents only for the search index): the lists and pages that show them
        // follow.
        // Compared as written (a path's own comparison reads its components: slower).
        let changed_files: HashSet<&std::ffi::OsStr> = changed
            .iter()
            .filter_map(|p| Some(p.strip_prefix(&self.root).ok()?.as_os_str()))
            .collect();
        let changed_source: Vec<bool> = jobs
            .par_iter()
            .map(|job| {
                !(self.defer && job.deferrable())
                    && job
                        .source(site)
                        .is_some_and(|src| changed_files.contains(src.path.as_os_str()))
            })
            .collect();
        let is_changed_source = |i: usize| changed_source[i];
        let fingerprints = Fingerprints::new(site, None);
        let first: Vec<Planned> = (0..jobs.len())
            .into_par_iter()
            .filter(|&i| is_changed_source(i))
            .map(|index| Planned {
                index,
                url: jobs[index].url(site),
                fingerprint: fingerprints.of(&jobs[index]),
                keep: None,
                deferred: false,
            })
            .collect();
        let first: Vec<&Planned> = first.iter().collect();
        let rendered_first = render_jobs(&renderer, &jobs, &first)?;
        if !rendered_first.is_empty() && !previous.is_empty() {
            let first = rendered_first
                .iter()
                .flat_map(|r| r.outputs.iter().cloned());
            partial(
                Arc::new(first.collect()),
                &changed_paths(&previous, &rendered_first),
            );
        }
        let documents: Documents = Arc::new(if site.config.search {
            self.documents_cache.documents(site)
        } else {
            Vec::new()
        });
        renderer.give_documents(Arc::clone(&documents), self.documents_cache.index_cache());
        let planned = self.plan(&renderer, &jobs, &documents, &previous);
        let rest: Vec<&Planned> = planned
            .iter()
            .filter(|p| p.keep.is_none() && !p.deferred && !is_changed_source(p.index))
            .collect();
        let rendered_rest = render_jobs(&renderer, &jobs, &rest)?;
        report.changed = changed_paths(&previous, &rendered_first);
        report
            .changed
            .extend(changed_paths(&previous, &rendered_rest));
        let urls = renderer.urls();
        self.keep_outputs(
            site,
            &jobs,
            Rendering {
                planned,
                rendered: [rendered_first, rendered_rest],
                changed_source,
                previous,
                templates,
                documents,
            },
            report,
        );
        let last = LastBuild::new(site, &self.root, Arc::clone(&jobs), urls);
        let ahead = Ahead::new(
            last,
            templates_kept,
            Arc::clone(&self.outputs),
            &self.root,
            site.config.max_file_size,
            self.defer,
        );
        *self.ahead.lock().unwrap_or_else(|p| p.into_inner()) = Some(ahead);
        Ok(())
    }

    /// The pages of the files of an edit, rendered from the last good build with the files
    /// read again (`LastBuild::pages_of`), and the paths whose bytes changed: `None` when
    /// the edit is not a record's that keeps its place, or the last build is not at hand.
    fn early(&mut self, changed: &[PathBuf]) -> Option<super::early::Early> {
        if !self.early || self.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        let records: Vec<&load::Parsed> = super::early::edited_records(&self.root, changed)?
            .iter()
            .map(|(p, _)| self.files.get(p)?.result.as_ref().ok())
            .collect::<Option<_>>()?;
        let mut ahead = self.ahead.lock().unwrap_or_else(|p| p.into_inner());
        ahead.as_mut()?.render(&records)
    }

    /// What the pages of an edited text are rendered ahead with, kept up to date by every
    /// rebuild (`None` inside while the site is in error).
    pub fn ahead(&self) -> SharedAhead {
        Arc::clone(&self.ahead)
    }

    /// The stamp (modification time, size) of the file `file` (relative to the site) when
    /// the last rebuild read it.
    pub fn read_stamp(&self, file: &Path) -> Option<(SystemTime, u64)> {
        self.files.get(&self.root.join(file))?.stamp
    }

    /// Nothing is rendered ahead until a rebuild succeeds.
    fn forget_ahead(&self) {
        *self.ahead.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Checks that every output has one owner, unless the site's addresses are those of the
    /// last check (in any order: a retitled record moves in the lists, not its address).
    fn check_addresses(&mut self, site: &Site, jobs: &[Job]) -> Result<(), Vec<Diagnostic>> {
        let addresses = {
            let mut each: Vec<u64> = jobs
                .par_iter()
                .map(|job| crate::render::fingerprint::hash_of((job.url(site), job.is_folder())))
                .collect();
            each.par_sort_unstable();
            crate::render::fingerprint::hash_of(&each)
        };
        if self.owners_checked != Some(addresses) {
            let clashes = render::owners::check(site, jobs);
            if !clashes.is_empty() {
                return Err(clashes);
            }
            self.owners_checked = Some(addresses);
        }
        Ok(())
    }

    /// The compiled templates, kept while the theme is unchanged.
    fn templates_of(&mut self, site: &Site) -> Result<Arc<tera::Tera>, Vec<Diagnostic>> {
        Ok(match &self.templates {
            Some(t) => Arc::clone(t),
            None => {
                let t = render::compile_templates(&site.theme)?;
                self.templates = Some(Arc::clone(&t));
                t
            }
        })
    }

    /// Keeps the outputs of this build: those kept from the last one, those rendered, and
    /// the jobs deferred to a thread of their own; counts them in `report`.
    fn keep_outputs(
        &mut self,
        site: &Arc<Site>,
        jobs: &[Job],
        r: Rendering,
        report: &mut RebuildReport,
    ) {
        let [rendered_first, rendered_rest] = r.rendered;
        let is_changed_source = |i: usize| r.changed_source[i];
        let mut outputs: HashMap<String, CachedOutput> = HashMap::with_capacity(r.planned.len());
        let mut by_job = HashMap::with_capacity(r.planned.len());
        let mut deferred = Vec::new();
        for p in r.planned {
            if is_changed_source(p.index) {
                // Rendered first, above.
                continue;
            }
            if let Some(kept) = p.keep {
                report.reused += kept.len();
                let paths = kept.iter().map(|k| k.0.clone()).collect();
                by_job.insert(p.url, (p.fingerprint, paths));
                outputs.extend(kept);
            } else if p.deferred {
                deferred.push((jobs[p.index].clone(), p.fingerprint));
            }
        }
        for done in rendered_first.into_iter().chain(rendered_rest) {
            report.rendered += done.outputs.len();
            let paths = done.outputs.iter().map(|o| o.0.clone()).collect();
            by_job.insert(done.url, (done.fingerprint, paths));
            outputs.extend(done.outputs);
        }
        for path in r.previous.keys() {
            if !outputs.contains_key(path) {
                report.removed += 1;
                report.changed.push(path.clone());
            }
        }
        report.changed.sort();
        self.deferred = (!deferred.is_empty()).then(|| {
            Arc::new(Deferred {
                site: Arc::clone(site),
                templates: r.templates,
                documents: r.documents,
                index_cache: self.documents_cache.index_cache(),
                jobs: deferred,
            })
        });
        self.outputs = Arc::new(outputs);
        self.by_job = by_job;
    }

    /// For each job: its fingerprint, and the outputs it keeps from the previous build (same
    /// fingerprint, every link still resolving), or whether it is left to the caller.
    fn plan(
        &self,
        renderer: &Renderer,
        jobs: &[Job],
        documents: &Documents,
        previous: &HashMap<String, CachedOutput>,
    ) -> Vec<Planned> {
        let site = renderer.site;
        let fingerprints = Fingerprints::new(site, Some(documents));
        jobs.par_iter()
            .enumerate()
            .map(|(index, job)| {
                let fingerprint = fingerprints.of(job);
                let url = job.url(site);
                let keep = self
                    .by_job
                    .get(&url)
                    .filter(|(f, _)| *f == fingerprint)
                    .and_then(|(_, paths)| {
                        paths
                            .iter()
                            .map(|p| {
                                let old = previous.get(p)?;
                                renderer
                                    .links_resolve(&old.links)
                                    .then(|| (p.clone(), old.clone()))
                            })
                            .collect::<Option<Vec<_>>>()
                    });
                Planned {
                    index,
                    url,
                    fingerprint,
                    keep,
                    deferred: self.defer && job.deferrable(),
                }
            })
            .collect()
    }
}
