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
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// A parsed file and the state of the file it was read from.
struct CachedFile {
    stamp: Option<(SystemTime, u64)>,
    result: Result<Parsed, Vec<Diagnostic>>,
}

/// A rendered output and what it was rendered from.
#[derive(Clone)]
pub struct CachedOutput {
    pub fingerprint: u64,
    pub bytes: Arc<Vec<u8>>,
    pub links: Arc<Vec<String>>,
}

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
    files: BTreeMap<PathBuf, CachedFile>,
    outputs: Arc<HashMap<String, CachedOutput>>,
    /// The diagnostics of the last rebuild: errors mean the outputs are those of the last good build.
    pub diagnostics: Vec<Diagnostic>,
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
            files: BTreeMap::new(),
            outputs: Arc::new(HashMap::new()),
            diagnostics: Vec::new(),
        }
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

    /// Rebuilds after a change to `changed` (paths of files that changed; empty for "look at
    /// everything"). Content files are also compared with their size and modification time,
    /// so a change the watcher did not report is not missed.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> RebuildReport {
        let mut report = RebuildReport::default();
        let config_stamp = self.config_stamp();
        if self.config.is_none() || config_stamp != self.config_stamp {
            self.config = None;
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

        // Content files: new, changed or gone.
        let (found, mut diagnostics) = load::discover(&self.root);
        let mut next: BTreeMap<PathBuf, CachedFile> = BTreeMap::new();
        let mut to_read = Vec::new();
        for f in found {
            let now = stamp(&f.path);
            let explicitly = changed.contains(&f.path);
            match self.files.remove(&f.path) {
                Some(cached) if cached.stamp == now && now.is_some() && !explicitly => {
                    next.insert(f.path, cached);
                }
                _ => to_read.push((f, now)),
            }
        }
        report.files_read = to_read.len();
        let read: Vec<(PathBuf, CachedFile)> = to_read
            .into_par_iter()
            .map(|(f, now)| {
                let result = load::parse_file(&self.root, &f.path, f.kind, config.max_file_size);
                (f.path, CachedFile { stamp: now, result })
            })
            .collect();
        next.extend(read);
        self.files = next;
        let (content, mut problems) = load::collect(self.files.values().map(|c| &c.result));
        diagnostics.append(&mut problems);
        let loaded = Loaded {
            root: self.root.clone(),
            config,
            theme,
            content,
        };
        diagnostics.extend(validate::validate(&loaded, self.options.now));
        diagnostic::sort(&mut diagnostics);
        if diagnostics.iter().any(Diagnostic::is_error) {
            self.diagnostics = diagnostics;
            return report;
        }
        let site = Site::assemble(loaded, self.options.clone());
        match self.render(&site, &mut report) {
            Ok(()) => self.diagnostics = diagnostics,
            Err(mut errors) => {
                diagnostics.append(&mut errors);
                diagnostic::sort(&mut diagnostics);
                self.diagnostics = diagnostics;
            }
        }
        report
    }

    fn render(&mut self, site: &Site, report: &mut RebuildReport) -> Result<(), Vec<Diagnostic>> {
        let jobs = render::plan(site);
        let renderer = Renderer::new(site, &jobs)?;
        let fingerprints = Fingerprints::new(site);
        let previous = &self.outputs;
        let results: Vec<Result<(String, CachedOutput, bool), Vec<Diagnostic>>> = jobs
            .par_iter()
            .map(|job| {
                let fingerprint = fingerprints.of(job);
                let path = render::output_path(&job.url(site));
                if let Some(old) = previous.get(&path) {
                    if old.fingerprint == fingerprint && renderer.links_resolve(&old.links) {
                        return Ok((path, old.clone(), false));
                    }
                }
                let out = renderer.render(job)?;
                let cached = CachedOutput {
                    fingerprint,
                    bytes: Arc::new(out.bytes),
                    links: Arc::new(out.links),
                };
                Ok((out.path, cached, true))
            })
            .collect();
        let mut outputs = HashMap::with_capacity(results.len());
        let mut errors = Vec::new();
        for r in results {
            match r {
                Ok((path, out, rendered)) => {
                    if rendered {
                        report.rendered += 1;
                        if previous.get(&path).is_none_or(|old| old.bytes != out.bytes) {
                            report.changed.push(path.clone());
                        }
                    } else {
                        report.reused += 1;
                    }
                    outputs.insert(path, out);
                }
                Err(mut ds) => errors.append(&mut ds),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
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
}
