//! The pages of the preview's first build, made one at a time when they are asked for while
//! that build renders the whole site: on a large site, the records are read, checked and the
//! site assembled in seconds, and rendering every page takes as long again or more. From the
//! moment its plan is made, any page of the site can be rendered alone, with the same site,
//! plan and templates as the build's: the same bytes as the build will make.
//!
//! The preview answers with these until the first build ends, then serves the build's outputs
//! and reloads only the pages it served that differ from them.

use super::outputs::{in_memory, CachedOutput};
use crate::model::url::output_path;
use crate::render::site::Site;
use crate::render::{Job, Renderer};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Called once by the first build, as soon as its pages can be made one at a time.
pub type OnPlanned = Box<dyn FnOnce(Arc<FirstPages>) + Send + Sync>;

/// The first build's site, plan and templates, and the pages made from them so far.
pub struct FirstPages {
    site: Arc<Site>,
    jobs: Arc<Vec<Job>>,
    templates: Arc<tera::Tera>,
    urls: Arc<HashSet<String>>,
    /// Whether the deferrable jobs (the search index) are left out, as the build leaves them.
    defer: bool,
    /// The job of each output path, made at the first request.
    by_path: OnceLock<HashMap<String, usize>>,
    /// The outputs made so far, by path.
    made: Mutex<HashMap<String, CachedOutput>>,
    /// Whether a page of the site could not be made (the build will say why).
    failed: AtomicBool,
}

impl FirstPages {
    pub fn new(
        site: Arc<Site>,
        jobs: Arc<Vec<Job>>,
        templates: Arc<tera::Tera>,
        urls: Arc<HashSet<String>>,
        defer: bool,
    ) -> FirstPages {
        FirstPages {
            site,
            jobs,
            templates,
            urls,
            defer,
            by_path: OnceLock::new(),
            made: Mutex::new(HashMap::new()),
            failed: AtomicBool::new(false),
        }
    }

    /// The site's path under its host (`/ess`), or nothing.
    pub fn base_path(&self) -> String {
        self.site.config.base_path().to_string()
    }

    /// The output at `path` (`acteurs/x/index.html`), made now if it was not yet: `None` when
    /// no job of the plan makes it, or its job fails.
    pub fn get(&self, path: &str) -> Option<CachedOutput> {
        if let Some(made) = self.made().get(path) {
            return Some(made.clone());
        }
        let job = &self.jobs[*self.by_path().get(path)?];
        let renderer = Renderer::with_urls(
            &self.site,
            &self.jobs,
            Arc::clone(&self.templates),
            Arc::clone(&self.urls),
        );
        let outputs = renderer.render(job).ok().and_then(|outputs| {
            outputs
                .into_iter()
                .map(|o| {
                    // The fingerprint of a page made on demand is its bytes' (its ETag).
                    let fingerprint = crate::render::fingerprint::hash_of(&o.bytes);
                    in_memory(fingerprint, o).ok()
                })
                .collect::<Option<Vec<_>>>()
        });
        let Some(outputs) = outputs else {
            self.failed.store(true, Ordering::Relaxed);
            return None;
        };
        let mut made = self.made();
        made.extend(outputs);
        made.get(path).cloned()
    }

    /// The job of each output path, made once (by the first caller; the others wait for it).
    /// On the calling thread: the build's threads are busy with the rest of the site.
    pub fn by_path(&self) -> &HashMap<String, usize> {
        self.by_path.get_or_init(|| {
            let defer = self.defer;
            self.jobs
                .iter()
                .enumerate()
                .filter(|(_, job)| !(job.is_folder() || defer && job.deferrable()))
                .map(|(i, job)| (output_path(&job.url(&self.site)), i))
                .collect()
        })
    }

    /// The paths of the pages made so far whose bytes are not those of `built` (the first
    /// build's outputs): the pages to reload. `None` when a page could not be made: every
    /// page reloads.
    pub fn differing(&self, built: &HashMap<String, CachedOutput>) -> Option<Vec<String>> {
        if self.failed.load(Ordering::Relaxed) {
            return None;
        }
        let mut paths: Vec<String> = self
            .made()
            .iter()
            .filter(|(path, o)| built.get(*path).is_none_or(|b| b.bytes != o.bytes))
            .map(|(path, _)| path.clone())
            .collect();
        paths.sort();
        Some(paths)
    }

    fn made(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedOutput>> {
        self.made.lock().unwrap_or_else(|p| p.into_inner())
    }
}
