//! One owner per output path: after planning, every file of the output has exactly one source,
//! and no file stands where another output needs a folder.
//!
//! The reserved names are the plan itself: a record, an alias, a taxonomy key or a static file
//! that takes the path of a generated page is reported with both sources, never overwritten.

use crate::diagnostic::Diagnostic;
use crate::model::url::output_path;
use crate::model::Source;
use crate::render::site::Site;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What kind of source owns an output path: it decides the hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKind {
    /// A record's own page (its file name or `slug:`).
    Record,
    /// An old URL of a record (`aliases:`).
    Alias,
    /// A file made from a record, beside its page (an event's `.ics`).
    Derived,
    /// The home page's text (`content/_index.md`): always at `/`.
    Home,
    /// A key of `site.toml` (a domain of the site's own).
    ConfigKey,
    /// A value of a record that makes a taxonomy page (a resource's category or type).
    Term(&'static str),
    /// A file of the site's `static/` or of its theme.
    Asset,
    /// A page the build makes by itself.
    Generated,
}

/// The source of an output path.
#[derive(Debug, Clone)]
pub struct Owner {
    pub kind: OwnerKind,
    /// Where the user wrote it (file, line, column), if they did.
    pub place: Option<(PathBuf, usize, usize)>,
    /// What it is, in the user's words (« la page de recherche »).
    pub what: String,
}

impl Owner {
    pub fn generated(what: impl Into<String>) -> Owner {
        Owner {
            kind: OwnerKind::Generated,
            place: None,
            what: what.into(),
        }
    }

    pub fn at(kind: OwnerKind, src: &Source, (line, col): (usize, usize), what: String) -> Owner {
        Owner {
            kind,
            place: Some((src.path.clone(), line, col)),
            what,
        }
    }

    /// A record's page: at its `slug:` line when the slug is written, else the file itself.
    pub fn record(src: &Source) -> Owner {
        let at = src
            .with_yaml(|yaml| crate::yaml::key_position(yaml, "slug"))
            .map_or((0, 0), |at| src.in_file(Some(at)));
        Owner::at(OwnerKind::Record, src, at, "la fiche".into())
    }

    /// How the other side of a clash names this owner.
    fn describe(&self) -> String {
        match &self.place {
            Some((path, line, _)) if *line > 0 => {
                format!("{} ({}:{line})", self.what, path.display())
            }
            Some((path, _, _)) => format!("{} ({})", self.what, path.display()),
            None => format!("{} (page générée)", self.what),
        }
    }

    fn help(&self) -> &'static str {
        match self.kind {
            OwnerKind::Record | OwnerKind::Derived => {
                "donnez à la fiche un autre nom de fichier ou un `slug:` différent"
            }
            OwnerKind::Home => {
                "l'accueil est toujours à l'adresse / : changez l'adresse de l'autre source"
            }
            OwnerKind::Alias => {
                "retirez cette ancienne adresse, ou choisissez-en une que le site n'utilise pas"
            }
            OwnerKind::ConfigKey => "choisissez une autre clé pour ce domaine dans site.toml",
            OwnerKind::Term(_) => {
                "choisissez un autre nom, qui ne donne pas une adresse déjà prise"
            }
            OwnerKind::Asset => "renommez ou déplacez ce fichier",
            OwnerKind::Generated => "cette page est faite par la construction",
        }
    }
}

use crate::model::url::of_output_path as shown_url;

/// The output path with empty segments dropped, as the file system reads it.
fn normalised(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// What the one-owner check asks of an output to produce (a `pages::Job`).
pub trait Owned {
    /// Its site URL; a folder's ends in `/`.
    fn url(&self, site: &Site) -> String;
    /// Whether it makes a folder of files.
    fn is_folder(&self) -> bool;
    /// The source of its address.
    fn owner(&self, site: &Site) -> Owner;
}

/// Every clash between the outputs of `jobs`: two sources for one path, or a file where
/// another output needs a folder. Empty when every path has one owner.
pub fn check<J: Owned>(site: &Site, jobs: &[J]) -> Vec<Diagnostic> {
    // The jobs by output path; their owners (which say where the user wrote them) are only
    // worked out for a path in a clash.
    let mut by_path: BTreeMap<String, Vec<&J>> = BTreeMap::new();
    // Jobs that make a folder of files (the search index): nothing else may be inside.
    let mut folders: Vec<(String, Owner)> = Vec::new();
    for job in jobs {
        let url = job.url(site);
        if job.is_folder() {
            folders.push((normalised(&url), job.owner(site)));
        } else {
            let path = normalised(&output_path(&url));
            by_path.entry(path).or_default().push(job);
        }
    }
    let owners_of = |jobs: &[&J]| -> Vec<Owner> { jobs.iter().map(|j| j.owner(site)).collect() };
    let mut out = Vec::new();
    for (path, jobs) in &by_path {
        if jobs.len() < 2 {
            continue;
        }
        let owners = owners_of(jobs);
        // Two records (or their old URLs) at one address are reported by validation, which
        // sees the records this build leaves out too.
        let records_only = owners
            .iter()
            .all(|o| matches!(o.kind, OwnerKind::Record | OwnerKind::Alias));
        if owners.len() > 1 && !records_only {
            for (i, o) in owners.iter().enumerate() {
                let others: Vec<&Owner> = owners
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, other)| other)
                    .collect();
                report(
                    &mut out,
                    o,
                    &others,
                    &format!("l'adresse {} est déjà prise par", shown_url(path)),
                );
            }
            if owners.iter().all(|o| o.place.is_none()) {
                // Only generated pages: a fault of the theme's or the build's own URLs.
                let all: Vec<String> = owners.iter().map(Owner::describe).collect();
                out.push(Diagnostic::error(
                    "site.toml",
                    0,
                    0,
                    format!(
                        "deux pages générées ont la même adresse : {}",
                        all.join(", ")
                    ),
                ));
            }
        }
    }
    // A file where another output needs a folder (`/rss.xml` and `/rss.xml/`).
    for (path, jobs) in &by_path {
        let mut ancestors = path.match_indices('/').map(|(i, _)| &path[..i]);
        if let Some(file) = ancestors.find(|a| by_path.contains_key(*a)) {
            let (files, folders) = (owners_of(&by_path[file]), owners_of(jobs));
            let files: Vec<&Owner> = files.iter().collect();
            let folders: Vec<&Owner> = folders.iter().collect();
            for o in &folders {
                let message = format!(
                    "l'adresse {} ferait un dossier de {}, qui est déjà un fichier :",
                    shown_url(path),
                    shown_url(file)
                );
                report(&mut out, o, &files, &message);
            }
            for o in &files {
                let message = format!(
                    "le fichier {} serait aussi le dossier de l'adresse {} :",
                    shown_url(file),
                    shown_url(path)
                );
                report(&mut out, o, &folders, &message);
            }
        }
        for (folder, index) in &folders {
            let inside = path
                .strip_prefix(folder.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
            if inside {
                for o in &owners_of(jobs) {
                    let message = format!(
                        "l'adresse {} est dans le dossier /{folder}/, réservé à",
                        shown_url(path)
                    );
                    report(&mut out, o, &[index], &message);
                }
            }
        }
    }
    out
}

/// An error at the place where the user wrote `owner`, if they did, naming the other sources.
fn report(out: &mut Vec<Diagnostic>, owner: &Owner, others: &[&Owner], message: &str) {
    let Some((path, line, col)) = &owner.place else {
        return;
    };
    let others: Vec<String> = others.iter().map(|o| o.describe()).collect();
    out.push(
        Diagnostic::error(
            path,
            *line,
            *col,
            format!("{message} {}", others.join(", ")),
        )
        .with_help(owner.help()),
    );
}
