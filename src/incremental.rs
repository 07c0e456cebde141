//! Incremental builds for the live preview: keeps the parsed files and the rendered outputs of
//! the previous build, re-reads only the files that changed and re-renders only the jobs whose
//! fingerprint changed. The result is the same, byte for byte, as a full build (tested).

use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::load::{self, Loaded, Parsed};
use crate::render::fingerprint::Fingerprints;
use crate::render::{self, Renderer};
use crate::site::{BuildOptions, Site};
use crate::theme::Theme;
use crate::validate;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// A parsed file and the state of the file it was read from.
struct CachedFile {
    stamp: Option<(SystemTime, u64)>,
    result: Result<Parsed, Vec<Diagnostic>>,
}

pub use crate::render::CachedOutput;

/// The outputs of a build by path.
pub type Outputs = Arc<HashMap<String, CachedOutput>>;

/// Called with the outputs as soon as the pages of the changed files are rendered, and the
/// paths that changed.
pub type Partial<'a> = dyn FnMut(Outputs, &[String]) + 'a;

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
    files: HashMap<PathBuf, CachedFile>,
    /// The content files, sorted, as `discover` lists them.
    order: Vec<PathBuf>,
    /// The warnings of the last listing of `content/` (files that are not content).
    listing: Vec<Diagnostic>,
    outputs: Arc<HashMap<String, CachedOutput>>,
    /// The diagnostics of the last rebuild: errors mean the outputs are those of the last good build.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether a rebuild also makes the search index (else `documents` are left for the caller
    /// to index when it likes: the live preview does it on a thread of its own).
    pub search: bool,
    documents_cache: crate::search::DocumentCache,
    /// The search documents of the last good build (`None` when the site has no search).
    pub documents: Option<Arc<Vec<Arc<crate::search::Document>>>>,
    /// The fingerprint of the documents the index in `outputs` was made from.
    search_fingerprint: Option<u64>,
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
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
            search: true,
            documents_cache: crate::search::DocumentCache::default(),
            documents: None,
            search_fingerprint: None,
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
    }

    /// The next moment after `now` at which a record read changes state (a dated record is
    /// published, an event becomes past).
    pub fn next_change(&self) -> Option<chrono::NaiveDateTime> {
        use crate::load::{Parsed, Section};
        use crate::model::Common;
        let dated = self.files.values().filter_map(|f| {
            let section_dates = |s: Section, c: crate::model::CommonRef, end| (s, c.date, end);
            Some(match f.result.as_ref().ok()? {
                Parsed::Actor(e) => section_dates(Section::Actors, e.data.common(), None),
                Parsed::Forum(e) => section_dates(Section::Forum, e.data.common(), e.data.end_date),
                Parsed::Conference(e) => {
                    section_dates(Section::Conferences, e.data.common(), e.data.end_date)
                }
                Parsed::Dossier(e) => section_dates(Section::Magazine, e.data.common(), None),
                Parsed::Resource(e) => section_dates(Section::Resources, e.data.common(), None),
                Parsed::Page(e) => section_dates(Section::Pages, e.data.common(), None),
                _ => return None,
            })
        });
        crate::time::next_change(dated, self.options.now)
    }

    /// The outputs of the last good build, by path (`acteurs/up-sceaux/index.html`).
    pub fn outputs(&self) -> Arc<HashMap<String, CachedOutput>> {
        Arc::clone(&self.outputs)
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
        let read: Vec<(PathBuf, CachedFile)> = to_read
            .into_par_iter()
            .map(|(f, now)| {
                let result = load::parse_file(&self.root, &f.path, f.kind, max_size);
                (f.path, CachedFile { stamp: now, result })
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
    pub fn rebuild_with(&mut self, changed: &[PathBuf], partial: &mut Partial) -> RebuildReport {
        let mut report = RebuildReport::default();
        let config_stamp = self.config_stamp();
        if self.config.is_none() || config_stamp != self.config_stamp {
            self.config = None;
            self.templates = None;
            self.documents_cache.clear();
            self.config_stamp = config_stamp;
            let config = match Config::load(&self.root) {
                Ok(c) => c,
                Err(d) => {
                    self.diagnostics = vec![d];
                    return report;
                }
            };
            match Theme::load(&self.root, config.theme.as_deref()) {
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
        if self.warnings {
            diagnostics.extend(validate::validate(&loaded, self.options.now));
        } else {
            diagnostics.extend(validate::errors(&loaded));
        }
        diagnostic::sort(&mut diagnostics);
        if diagnostics.iter().any(Diagnostic::is_error) {
            self.diagnostics = diagnostics;
            return report;
        }
        let site = Site::assemble(loaded, self.options.clone());
        match self.render(&site, &mut report, changed, partial) {
            Ok(()) => self.diagnostics = diagnostics,
            Err(mut errors) => {
                diagnostics.append(&mut errors);
                diagnostic::sort(&mut diagnostics);
                self.diagnostics = diagnostics;
            }
        }
        report
    }

    fn render(
        &mut self,
        site: &Site,
        report: &mut RebuildReport,
        changed: &[PathBuf],
        partial: &mut Partial,
    ) -> Result<(), Vec<Diagnostic>> {
        let jobs = render::plan(site);
        let clashes = render::owners::check(site, &jobs);
        if !clashes.is_empty() {
            return Err(clashes);
        }
        let templates = match &self.templates {
            Some(t) => Arc::clone(t),
            None => {
                let t = render::compile_templates(&site.theme)?;
                self.templates = Some(Arc::clone(&t));
                t
            }
        };
        let renderer = Renderer::with_templates(site, &jobs, templates);
        let fingerprints = Fingerprints::new(site);
        let previous = Arc::clone(&self.outputs);
        // Which jobs can keep their output, which must be rendered again.
        let planned: Vec<(usize, String, u64, Option<CachedOutput>)> = jobs
            .par_iter()
            .enumerate()
            .map(|(i, job)| {
                let fingerprint = fingerprints.of(job);
                let path = render::output_path(&job.url(site));
                let keep = previous
                    .get(&path)
                    .filter(|old| {
                        old.fingerprint == fingerprint && renderer.links_resolve(&old.links)
                    })
                    .cloned();
                (i, path, fingerprint, keep)
            })
            .collect();
        // The pages of the files that changed come first, and are served at once; the lists
        // and pages that show them follow.
        let is_changed_source = |i: usize| {
            render::context::source_of(site, &jobs[i])
                .is_some_and(|src| changed.contains(&self.root.join(&src.path)))
        };
        let (first, rest): (Vec<_>, Vec<_>) = planned
            .iter()
            .filter(|p| p.3.is_none())
            .partition(|p| is_changed_source(p.0));
        let render_all = |work: &[&(usize, String, u64, Option<CachedOutput>)]| -> Result<Vec<(String, CachedOutput)>, Vec<Diagnostic>> {
            let results: Vec<Result<(String, CachedOutput), Vec<Diagnostic>>> = work
                .par_iter()
                .map(|(i, path, fingerprint, _)| {
                    let out = renderer.render(&jobs[*i])?;
                    Ok((path.clone(), CachedOutput { fingerprint: *fingerprint, bytes: Arc::new(out.bytes), links: Arc::new(out.links) }))
                })
                .collect();
            diagnostic::all_or_errors(results)
        };
        let changed_paths = |rendered: &[(String, CachedOutput)]| -> Vec<String> {
            rendered
                .iter()
                .filter(|(p, o)| previous.get(p).is_none_or(|old| old.bytes != o.bytes))
                .map(|(p, _)| p.clone())
                .collect()
        };
        let rendered_first = render_all(&first)?;
        if !rendered_first.is_empty() && !previous.is_empty() {
            let mut interim = (*previous).clone();
            interim.extend(rendered_first.iter().cloned());
            partial(Arc::new(interim), &changed_paths(&rendered_first));
        }
        let rendered_rest = render_all(&rest)?;
        report.rendered = rendered_first.len() + rendered_rest.len();
        report.reused = planned.len() - report.rendered;
        report.changed = changed_paths(&rendered_first);
        report.changed.extend(changed_paths(&rendered_rest));
        let mut outputs: HashMap<String, CachedOutput> = HashMap::with_capacity(planned.len());
        for (_, path, _, keep) in planned {
            if let Some(k) = keep {
                outputs.insert(path, k);
            }
        }
        outputs.extend(rendered_first);
        outputs.extend(rendered_rest);
        self.search_outputs(site, &previous, &mut outputs, report)?;
        for path in previous.keys() {
            if !outputs.contains_key(path) {
                report.removed += 1;
                report.changed.push(path.clone());
            }
        }
        report.changed.sort();
        self.outputs = Arc::new(outputs);
        Ok(())
    }

    /// Brings the search documents up to date and, when this rebuild makes the index, puts
    /// its files in `outputs`: those of the previous build while the documents are the same.
    fn search_outputs(
        &mut self,
        site: &Site,
        previous: &HashMap<String, CachedOutput>,
        outputs: &mut HashMap<String, CachedOutput>,
        report: &mut RebuildReport,
    ) -> Result<(), Vec<Diagnostic>> {
        if !site.config.search {
            self.documents = None;
            self.search_fingerprint = None;
            return Ok(());
        }
        let docs = self.documents_cache.documents(site);
        let fingerprint = crate::search::fingerprint(&docs);
        self.documents = Some(Arc::new(docs));
        if !self.search {
            return Ok(());
        }
        let prefix = format!("{}/", crate::search::FOLDER);
        if self.search_fingerprint == Some(fingerprint) {
            for (path, out) in previous.iter().filter(|(p, _)| p.starts_with(&prefix)) {
                outputs.insert(path.clone(), out.clone());
            }
            report.reused += previous.keys().filter(|p| p.starts_with(&prefix)).count();
            return Ok(());
        }
        let docs = self.documents.as_deref().map(Vec::as_slice).unwrap_or(&[]);
        let files = crate::search::index(docs).map_err(|d| vec![d])?;
        report.rendered += files.len();
        for (path, bytes) in files {
            if previous.get(&path).is_none_or(|old| *old.bytes != bytes) {
                report.changed.push(path.clone());
            }
            outputs.insert(path, CachedOutput::unlinked(fingerprint, bytes));
        }
        self.search_fingerprint = Some(fingerprint);
        Ok(())
    }
}
