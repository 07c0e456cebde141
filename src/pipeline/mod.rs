//! Stage: the build, stage by stage: load → validate → assemble the published site → render →
//! write. `incremental` is the same for the live preview (only what a change touches),
//! `newsletter` the same for one letter.
//!
//! Owns: the order of the stages, and what a build reports.
//! May import: `write`, `render`, `validate`, `load`, `model` and the ground; never `serve`
//! or `cli`.

pub mod early;
pub mod first;
pub mod incremental;
pub mod newsletter;
mod outputs;
pub mod presave;

use crate::diagnostic::{self, Diagnostic};
use crate::load;
use crate::render::site::{BuildOptions, Site};
use crate::render::{self, Renderer};
use crate::text::packed::Store;
use crate::validate;
use crate::write::Staging;
/// Whether a build waits for another one writing the same output (`Hooks::wait`).
pub use crate::write::Wait;
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Files written.
    pub files: usize,
    /// HTML pages among them.
    pub pages: usize,
    /// Warnings (the build went through).
    pub warnings: Vec<Diagnostic>,
    /// Files written, by kind of page (« acteurs », « listes »…), in a fixed order.
    pub by_kind: Vec<(&'static str, usize)>,
    /// The paths written, sorted (for `--verbose`).
    pub written: Vec<String>,
    /// When the records dated in the future will be published (a build is due then).
    /// The records dated in the future (not drafts, not private), in time order, with their
    /// files.
    pub scheduled: Vec<(crate::model::Date, std::path::PathBuf)>,
    /// How many records' bodies waited in the scratch file (`Hooks::bodies_in_memory`).
    pub bodies_spilled: usize,
}

/// The singular of a kind of page of the summary (« 1 acteur », « 2 acteurs »).
pub fn singular(kind: &str) -> &str {
    match kind {
        "acteurs" => "acteur",
        "éditions du Forum" => "édition du Forum",
        "conférences" => "conférence",
        "articles" => "article",
        "ressources" => "ressource",
        "pages" => "page",
        "lettres d'information" => "lettre d'information",
        "listes" => "liste",
        "flux RSS" => "flux RSS",
        "exports de données ouvertes" => "export de données ouvertes",
        "agendas iCalendar" => "agenda iCalendar",
        "redirections" => "redirection",
        "fichiers statiques" => "fichier statique",
        "fichiers des membres" => "fichier des membres",
        "fichiers de l'index de recherche" => "fichier de l'index de recherche",
        "images" => "image",
        "fichiers de l'éditeur" => "fichier de l'éditeur",
        _ => "autre",
    }
}

/// Called while a build writes: (files written, files to write).
pub type Progress<'a> = dyn Fn(usize, usize) + Sync + 'a;

/// Loads and validates the site in `root` and assembles what this build publishes.
///
/// Returns the site only when there are no errors; the diagnostics hold every error and warning.
pub fn prepare(root: &Path, options: BuildOptions) -> (Option<Site>, Vec<Diagnostic>) {
    prepare_with(root, options, &[], &Store::in_memory())
}

/// `prepare`, on the site as it would be with `overlay` written.
fn prepare_with(
    root: &Path,
    options: BuildOptions,
    overlay: &load::Overlay,
    bodies: &Store,
) -> (Option<Site>, Vec<Diagnostic>) {
    let (site, diagnostics, ()) = prepare_beside(root, options, overlay, bodies, |_| ());
    (site, diagnostics)
}

/// `prepare_with`, with `beside` run on the theme while the content is read
/// (`load::load_beside`): what it gives, once the theme could be read.
fn prepare_beside<R: Send + Default>(
    root: &Path,
    options: BuildOptions,
    overlay: &load::Overlay,
    bodies: &Store,
    beside: impl FnOnce(&crate::load::theme::Theme) -> R + Send,
) -> (Option<Site>, Vec<Diagnostic>, R) {
    let (loaded, diagnostics, made) = load::load_beside(root, overlay, bodies, beside);
    let (site, diagnostics) = checked(loaded, diagnostics, options);
    (site, diagnostics, made)
}

/// The site assembled from what was read, once validated; every problem found.
fn checked(
    loaded: Option<load::Loaded>,
    mut diagnostics: Vec<Diagnostic>,
    options: BuildOptions,
) -> (Option<Site>, Vec<Diagnostic>) {
    let now = options.now;
    let Some(loaded) = loaded else {
        diagnostic::sort(&mut diagnostics);
        return (None, diagnostics);
    };
    diagnostics.extend(validate::validate(&loaded, now));
    if diagnostics.iter().any(Diagnostic::is_error) {
        // The links of what could be read are checked too: every problem in one run.
        diagnostics.extend(links_despite_errors(loaded, options));
        diagnostic::sort(&mut diagnostics);
        diagnostics.dedup();
        return (None, diagnostics);
    }
    diagnostic::sort(&mut diagnostics);
    (Some(Site::assemble(loaded, options)), diagnostics)
}

/// The broken internal links of the records' texts, on a site with errors elsewhere: the
/// records that could not be read count as existing (their own errors are reported), the
/// others as a build would publish them.
fn links_despite_errors(loaded: load::Loaded, options: BuildOptions) -> Vec<Diagnostic> {
    let declared: Vec<String> = loaded
        .content
        .declared
        .iter()
        .map(|(section, slug)| section.url(slug))
        .collect();
    let site = Site::assemble(loaded, options);
    let jobs = render::plan(&site);
    let renderer = Renderer::with_templates(&site, &jobs, Default::default()).existing(declared);
    jobs.par_iter()
        .filter_map(|job| {
            let src = job.source(&site)?;
            let body = src.body.text();
            let links = crate::text::markdown::render_with(&body, &site.config.video_hosts);
            let links = links.internal_links;
            renderer
                .check_links_in(&src.path, || body.clone(), src.body_line, &links)
                .err()
        })
        .flatten()
        .collect()
}

/// Checks the site in `root` as a build would — records, references, internal links,
/// templates — and writes nothing. Returns every error and warning.
pub fn check(root: &Path, options: BuildOptions) -> Vec<Diagnostic> {
    check_with(root, options, &[])
}

/// `check`, on the site as it would be with `overlay` written (the editor's save, before it is
/// written). The overlay holds records and data files: the newsletter's settings are read
/// from the disk.
pub fn check_with(root: &Path, options: BuildOptions, overlay: &load::Overlay) -> Vec<Diagnostic> {
    let (site, mut diagnostics) = prepare_with(root, options, overlay, &Store::in_memory());
    let Some(site) = site else { return diagnostics };
    let jobs = render::plan(&site);
    let clashes = render::owners::check(&site, &jobs);
    if !clashes.is_empty() {
        diagnostics.extend(clashes);
        return finish(diagnostics);
    }
    let renderer = match Renderer::new(&site, &jobs) {
        Ok(r) => r,
        Err(mut ds) => {
            diagnostics.append(&mut ds);
            return diagnostics;
        }
    };
    // The search index has no template and no link to check: `check` does not make it.
    let mut errors: Vec<Diagnostic> = jobs
        .par_iter()
        .filter(|job| !job.deferrable())
        .filter_map(|job| renderer.render(job).err())
        .flatten()
        .collect();
    errors.extend(crate::render::newsletter::check_intro_links(
        root, &renderer,
    ));
    diagnostics.append(&mut errors);
    finish(diagnostics)
}

/// Sorts diagnostics and folds a template error repeated on many pages into one.
fn finish(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostic::sort(&mut diagnostics);
    diagnostics.dedup();
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut repeats: Vec<usize> = Vec::new();
    for d in diagnostics {
        let same_place = out.last().is_some_and(|last: &Diagnostic| {
            last.path == d.path
                && last.line == d.line
                && last.column == d.column
                && d.message.starts_with("erreur dans le gabarit")
                && last.message.starts_with("erreur dans le gabarit")
        });
        if same_place {
            if let Some(n) = repeats.last_mut() {
                *n += 1;
            }
        } else {
            out.push(d);
            repeats.push(0);
        }
    }
    for (d, n) in out.iter_mut().zip(repeats) {
        if n > 0 {
            d.message.to_mut().push_str(&format!(
                " (et {n} autre{} page{})",
                if n > 1 { "s" } else { "" },
                if n > 1 { "s" } else { "" }
            ));
        }
    }
    out
}

/// Builds the site in `root` into `output`. On any error the previous output stays as it was.
pub fn build(
    root: &Path,
    output: &Path,
    options: BuildOptions,
) -> Result<BuildReport, Vec<Diagnostic>> {
    let hooks = Hooks {
        wait: Wait::Yes,
        on_wait: &|| {},
        progress: &|_, _| {},
        strict: false,
        bodies_in_memory: BODIES_IN_MEMORY,
    };
    build_with(root, output, options, &hooks)
}

/// How a build waits for another one writing the same output, tells how far it is, and
/// how much of the records' texts it holds in memory.
pub struct Hooks<'a> {
    /// Wait for another build writing the same output, or fail at once.
    pub wait: Wait,
    /// Called once if the build has to wait for another one.
    pub on_wait: &'a dyn Fn(),
    /// Called while files are written.
    pub progress: &'a Progress<'a>,
    /// Warnings fail the build, as errors (`--strict`, for CI).
    pub strict: bool,
    /// How many bytes of the records' bodies (compressed) the build holds in memory; past
    /// them, it keeps them in a scratch file beside the output (`BODIES_IN_MEMORY`). The first
    /// quarter of that in bodies is held as it is, not compressed.
    pub bodies_in_memory: usize,
}

/// What a build holds of its records' bodies in memory: those of about 200,000 actors of a
/// directory. Past it, the others wait in a scratch file (read back when their pages and their
/// search documents are made), so that the build's memory stops growing with their number.
pub const BODIES_IN_MEMORY: usize = 256 << 20;

/// The diagnostics with every warning counted as an error (`--strict`).
pub fn strict(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .map(|mut d| {
            if !d.is_error() {
                d.severity = diagnostic::Severity::Error;
                d.message.to_mut().push_str(" (--strict)");
            }
            d
        })
        .collect()
}

/// `build`, waiting and telling progress as `hooks` say.
pub fn build_with(
    root: &Path,
    output: &Path,
    options: BuildOptions,
    hooks: &Hooks,
) -> Result<BuildReport, Vec<Diagnostic>> {
    let progress = hooks.progress;
    crate::write::check_output(root, output).map_err(|d| vec![d])?;
    // Made only if the budget is spent; gone when closed.
    let bodies = Store::spilling(
        hooks.bodies_in_memory,
        Box::new(crate::write::scratch_beside(output)),
    );
    // The theme's templates compiled while the content is read.
    let (site, mut diagnostics, templates) = prepare_beside(root, options, &[], &bodies, |theme| {
        Some(render::compile_templates(theme))
    });
    if hooks.strict && !diagnostics.is_empty() {
        return Err(strict(diagnostics));
    }
    let Some(site) = site else {
        return Err(diagnostics);
    };
    let jobs = render::plan(&site);
    let clashes = render::owners::check(&site, &jobs);
    if !clashes.is_empty() {
        diagnostics.extend(clashes);
        return Err(finish(diagnostics));
    }
    let renderer = match templates {
        Some(tera) => Renderer::with_templates(&site, &jobs, tera?),
        None => Renderer::new(&site, &jobs)?,
    };
    let broken = crate::render::newsletter::check_intro_links(root, &renderer);
    if !broken.is_empty() {
        diagnostics.extend(broken);
        return Err(finish(diagnostics));
    }
    let audience = if site.options.include_private {
        crate::write::Audience::Members
    } else {
        crate::write::Audience::Public
    };
    let staging =
        Staging::new(root, output, audience, hooks.wait, hooks.on_wait).map_err(|d| vec![d])?;
    let written = render_all(&jobs, &renderer, &staging, progress);
    let mut errors = Vec::new();
    let mut by_kind: Vec<(&'static str, usize)> = Vec::new();
    let mut pages = 0;
    for (job, result) in jobs.iter().zip(written) {
        match result {
            Ok(count) => {
                let kind = job.summary_label();
                match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                    Some(entry) => entry.1 += count.files,
                    None => by_kind.push((kind, count.files)),
                }
                pages += count.pages;
            }
            Err(mut ds) => errors.append(&mut ds),
        }
    }
    // A body that could not be read back from the scratch file came back empty: not published.
    if let Some(why) = bodies.failed() {
        let message = format!("impossible de relire le fichier temporaire des textes : {why}");
        errors.push(Diagnostic::error(output, 0, 0, message).with_help(
            "vérifiez l'état du disque du dossier de sortie, puis relancez la construction",
        ));
    }
    if !errors.is_empty() {
        diagnostics.append(&mut errors);
        return Err(finish(diagnostics));
    }
    // The paths written, sorted: the staging folder's own list (the jobs counted theirs only).
    let paths = staging.commit().map_err(|d| vec![d])?;
    site.theme.images.save();
    by_kind.sort_by_key(|(k, _)| KINDS.iter().position(|o| o == k));
    let report = BuildReport {
        files: paths.len(),
        pages,
        warnings: diagnostics,
        by_kind,
        written: paths,
        scheduled: site.scheduled.clone(),
        bodies_spilled: bodies.spilled(),
    };
    // The site's records freed on a thread of their own (tens of milliseconds at 10,000
    // records, on one core): the command that asked for the build reports and ends meanwhile.
    drop(renderer);
    std::thread::spawn(move || drop((site, jobs, bodies)));
    Ok(report)
}

/// The kinds of output of the build's summary, in its order.
const KINDS: [&str; 18] = [
    "acteurs",
    "éditions du Forum",
    "conférences",
    "articles",
    "ressources",
    "pages",
    "lettres d'information",
    "listes",
    "flux RSS",
    "exports de données ouvertes",
    "agendas iCalendar",
    "redirections",
    "fichiers statiques",
    "fichiers des membres",
    "fichiers de l'index de recherche",
    "images",
    "fichiers de l'éditeur",
    "autres",
];

/// Writes the file at `path` of the output as `make` writes it, a piece at a time, then its
/// compressed copies (with `precompress`) from it, read back a piece at a time: the same bytes
/// as `render::compressed` makes of it whole. The paths written.
fn stream_file(
    staging: &Staging,
    precompress: bool,
    path: String,
    make: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Vec<String>, Diagnostic> {
    staging.write_with(&path, make)?;
    let mut paths = vec![path];
    let path = &paths[0];
    let len = staging.len_of(path).unwrap_or(0);
    let mut copies = Vec::new();
    if precompress && render::compressible(path, len) {
        for ext in render::COPIES {
            let copy = format!("{path}{ext}");
            staging.write_with(&copy, &mut |w| {
                let mut file = staging.open(path)?;
                render::compress_copy(ext, &mut file, w)
            })?;
            copies.push(copy);
        }
    }
    paths.append(&mut copies);
    Ok(paths)
}

/// What a job wrote: its files, and the HTML pages among them.
struct Written {
    files: usize,
    pages: usize,
}

/// Renders every job into `staging`, in parallel; for each job, what it wrote.
fn render_all(
    jobs: &[render::Job],
    renderer: &Renderer,
    staging: &Staging,
    progress: &Progress,
) -> Vec<Result<Written, Vec<Diagnostic>>> {
    // The images first, one per thread: their files' jobs then find them made (one job per
    // file would have a thread wait for another making the same image).
    let site = renderer.site;
    let library = &site.theme.images;
    library.list_cache();
    site.images.par_iter().for_each(|(path, cover)| {
        if let Some(image) = library.images.get(path) {
            // An error is reported by the image's jobs, with the others.
            let _ = library.process(image, *cover);
        }
    });
    // Every file of the cache this build links is there now: the listing says which.
    library.list_cache_again();
    let done = AtomicUsize::new(0);
    let precompress = site.config.precompress;
    // One file into the staging folder (with its compressed copies), its paths added to `paths`.
    let write = |out: render::Output, paths: &mut Vec<String>| -> Result<(), Diagnostic> {
        let copies = if precompress {
            render::compressed(&out)
        } else {
            Vec::new()
        };
        staging.write(&out)?;
        paths.push(out.path);
        for copy in copies {
            staging.write(&copy)?;
            paths.push(copy.path);
        }
        Ok(())
    };
    let scratch: render::indexer::Scratch = std::sync::Arc::new(staging.scratch());
    let render_one = |job: &render::Job| {
        // The files a folder's job hands over as it makes them (the search index's fragments,
        // the map's groups), written at once rather than held until the job ends, and counted
        // for this job (a million of them make the index of a million records).
        let streamed = (AtomicUsize::new(0), AtomicUsize::new(0));
        let write_streamed = |path: String, bytes: Vec<u8>| {
            let out = render::Output {
                path,
                bytes,
                links: Vec::new(),
                from: None,
            };
            let mut paths = Vec::new();
            write(out, &mut paths)?;
            let pages = paths.iter().filter(|p| p.ends_with(".html")).count();
            streamed.0.fetch_add(paths.len(), Ordering::Relaxed);
            streamed.1.fetch_add(pages, Ordering::Relaxed);
            Ok(())
        };
        let handover = render::indexer::Handover {
            write: &write_streamed,
            scratch: std::sync::Arc::clone(&scratch),
        };
        // The paths of the file this job writes a piece at a time (an export), its own.
        let exported = std::sync::Mutex::new(Vec::new());
        let stream = |path: String, make: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>| {
            let mut paths = stream_file(staging, precompress, path, make)?;
            exported
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&mut paths);
            Ok(())
        };
        let rendered =
            renderer.render_writing(job, job.is_folder().then_some(&handover), Some(&stream));
        // What this job streamed is its own, whether it ended well or not.
        let handed = (
            streamed.0.load(Ordering::Relaxed),
            streamed.1.load(Ordering::Relaxed),
        );
        let mut paths = exported.into_inner().unwrap_or_else(|e| e.into_inner());
        let result = rendered.and_then(|outputs| {
            for out in outputs {
                write(out, &mut paths).map_err(|d| vec![d])?;
            }
            // Counted, not kept: the staging folder lists every file written already.
            Ok(Written {
                files: handed.0 + paths.len(),
                pages: handed.1 + paths.iter().filter(|p| p.ends_with(".html")).count(),
            })
        });
        progress(done.fetch_add(1, Ordering::Relaxed) + 1, jobs.len());
        result
    };
    // The search index after the pages: it then has every core to itself instead of sharing
    // them with the pages (measured: the same wall time and peak within noise at 10,000 and
    // 100,000 records; the index's own memory is what sets the peak). The other folders (the
    // map's groups: one thread's long work) first among the pages, so that the pages fill the
    // other cores meanwhile instead of one core working alone at the end.
    let (late, mut early): (Vec<usize>, Vec<usize>) =
        (0..jobs.len()).partition(|&i| jobs[i].uses_every_core());
    early.sort_by_key(|&i| !jobs[i].is_folder());
    let mut results: Vec<(usize, _)> = early
        .par_iter()
        .map(|&i| (i, render_one(&jobs[i])))
        .collect();
    results.extend(late.iter().map(|&i| (i, render_one(&jobs[i]))));
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
