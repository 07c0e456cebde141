//! The preview's outputs in memory: each file with the fingerprint of the job that made it,
//! the jobs rendered again, the paths whose bytes changed, and the jobs left to render later
//! on a thread of their own (`Deferred`).

use crate::diagnostic::{self, Diagnostic};
use crate::render::search::SharedIndexCache;
use crate::render::site::Site;
use crate::render::{self, Documents, Job, Renderer};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// A rendered output and what it was rendered from.
#[derive(Clone)]
pub struct CachedOutput {
    pub fingerprint: u64,
    pub bytes: Arc<Vec<u8>>,
    pub links: Arc<Vec<String>>,
}

/// The outputs of a build by path.
pub type Outputs = Arc<HashMap<String, CachedOutput>>;

/// Jobs of a build left to render later, with what they need.
pub struct Deferred {
    pub(super) site: Arc<Site>,
    pub(super) templates: Arc<tera::Tera>,
    pub(super) documents: Documents,
    pub(super) index_cache: SharedIndexCache,
    pub(super) jobs: Vec<(Job, u64)>,
}

impl Deferred {
    /// A hash of the jobs' fingerprints: the same, the same outputs.
    pub fn fingerprint(&self) -> u64 {
        crate::render::fingerprint::hash_of(self.jobs.iter().map(|j| j.1).collect::<Vec<_>>())
    }

    /// The URLs of the jobs (folders for the search index).
    pub fn urls(&self) -> Vec<String> {
        self.jobs.iter().map(|(j, _)| j.url(&self.site)).collect()
    }

    /// Renders the jobs: their outputs by path.
    pub fn render(&self) -> Result<HashMap<String, CachedOutput>, Vec<Diagnostic>> {
        let jobs: Vec<Job> = self.jobs.iter().map(|j| j.0.clone()).collect();
        let renderer = Renderer::with_templates(&self.site, &jobs, Arc::clone(&self.templates))
            .with_documents(Arc::clone(&self.documents), Arc::clone(&self.index_cache));
        let mut out = HashMap::new();
        for (job, fingerprint) in &self.jobs {
            for o in renderer.render(job)? {
                let (path, c) = in_memory(*fingerprint, o)?;
                out.insert(path, c);
            }
        }
        Ok(out)
    }
}

pub(super) fn cached(fingerprint: u64, bytes: Vec<u8>, links: Vec<String>) -> CachedOutput {
    CachedOutput {
        fingerprint,
        bytes: Arc::new(bytes),
        links: Arc::new(links),
    }
}

/// What one rebuild rendered, and what it was rendered with.
pub(super) struct Rendering {
    pub(super) planned: Vec<Planned>,
    /// The jobs of the changed files (rendered first), then the others.
    pub(super) rendered: [Vec<RenderedJob>; 2],
    /// For each job, whether its source is a file that changed.
    pub(super) changed_source: Vec<bool>,
    pub(super) previous: Arc<HashMap<String, CachedOutput>>,
    pub(super) templates: Arc<tera::Tera>,
    pub(super) documents: Documents,
}

/// The outputs of one job rendered again.
pub(super) struct RenderedJob {
    pub(super) url: String,
    pub(super) fingerprint: u64,
    pub(super) outputs: Vec<(String, CachedOutput)>,
}

/// Renders the planned jobs `work`, in parallel: all of them, or every error.
pub(super) fn render_jobs(
    renderer: &Renderer,
    jobs: &[Job],
    work: &[&Planned],
) -> Result<Vec<RenderedJob>, Vec<Diagnostic>> {
    let results: Vec<Result<RenderedJob, Vec<Diagnostic>>> = work
        .par_iter()
        .map(|p| {
            let outputs = renderer
                .render(&jobs[p.index])?
                .into_iter()
                .map(|o| in_memory(p.fingerprint, o))
                .collect::<Result<_, _>>()?;
            Ok(RenderedJob {
                url: p.url.clone(),
                fingerprint: p.fingerprint,
                outputs,
            })
        })
        .collect();
    diagnostic::all_or_errors(results)
}

/// The paths of `rendered` whose bytes differ from the previous build's.
pub(super) fn changed_paths(
    previous: &HashMap<String, CachedOutput>,
    rendered: &[RenderedJob],
) -> Vec<String> {
    rendered
        .iter()
        .flat_map(|r| &r.outputs)
        .filter(|(p, o)| previous.get(p).is_none_or(|old| old.bytes != o.bytes))
        .map(|(p, _)| p.clone())
        .collect()
}

/// What a rebuild does with one job.
pub(super) struct Planned {
    pub(super) index: usize,
    pub(super) url: String,
    pub(super) fingerprint: u64,
    /// The outputs of the previous build it keeps, when its fingerprint is the same.
    pub(super) keep: Option<Vec<(String, CachedOutput)>>,
    /// Left to the caller (`Incremental::defer`).
    pub(super) deferred: bool,
}

/// An output held in memory, its bytes read from its file when it has one (a processed image).
pub(super) fn in_memory(
    fingerprint: u64,
    o: render::Output,
) -> Result<(String, CachedOutput), Vec<Diagnostic>> {
    let path = o.path.clone();
    let links = o.links.clone();
    let bytes = o.into_bytes().map_err(|e| {
        vec![Diagnostic::error(
            &path,
            0,
            0,
            format!("lecture impossible : {}", crate::diagnostic::io_fr(&e)),
        )]
    })?;
    Ok((path, cached(fingerprint, bytes, links)))
}
