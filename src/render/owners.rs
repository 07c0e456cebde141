//! One owner per output path: after planning, every file of the output has exactly one source,
//! and no file stands where another output needs a folder.
//!
//! The reserved names are the plan itself: a record, an alias, a taxonomy key or a static file
//! that takes the path of a generated page is reported with both sources, never overwritten.

use super::plan::{DataFormat, Feed, Job, Taxonomy};
use crate::diagnostic::Diagnostic;
use crate::load::Section;
use crate::model::Source;
use crate::site::Site;
use crate::url::{normalise_alias, output_path};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What kind of source owns an output path: it decides the hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
struct Owner {
    kind: Kind,
    /// Where the user wrote it (file, line, column), if they did.
    place: Option<(PathBuf, usize, usize)>,
    /// What it is, in the user's words (« la page de recherche »).
    what: String,
}

impl Owner {
    fn generated(what: impl Into<String>) -> Owner {
        Owner {
            kind: Kind::Generated,
            place: None,
            what: what.into(),
        }
    }

    fn at(kind: Kind, src: &Source, (line, col): (usize, usize), what: String) -> Owner {
        Owner {
            kind,
            place: Some((src.path.clone(), line, col)),
            what,
        }
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
            Kind::Record | Kind::Derived => {
                "donnez à la fiche un autre nom de fichier ou un `slug:` différent"
            }
            Kind::Home => {
                "l'accueil est toujours à l'adresse / : changez l'adresse de l'autre source"
            }
            Kind::Alias => {
                "retirez cette ancienne adresse, ou choisissez-en une que le site n'utilise pas"
            }
            Kind::ConfigKey => "choisissez une autre clé pour ce domaine dans site.toml",
            Kind::Term(_) => "choisissez un autre nom, qui ne donne pas une adresse déjà prise",
            Kind::Asset => "renommez ou déplacez ce fichier",
            Kind::Generated => "cette page est faite par la construction",
        }
    }
}

/// The URL people see for an output path (`acteurs/index.html` → `/acteurs/`).
fn shown_url(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}

/// The output path with empty segments dropped, as the file system reads it.
fn normalised(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every clash between the outputs of `jobs`: two sources for one path, or a file where
/// another output needs a folder. Empty when every path has one owner.
pub fn check(site: &Site, jobs: &[Job]) -> Vec<Diagnostic> {
    let mut by_path: BTreeMap<String, Vec<Owner>> = BTreeMap::new();
    for job in jobs {
        let path = normalised(&output_path(&job.url(site)));
        by_path.entry(path).or_default().push(owner(site, job));
    }
    let mut out = Vec::new();
    for (path, owners) in &by_path {
        // Two records (or their old URLs) at one address are reported by validation, which
        // sees the records this build leaves out too.
        let records_only = owners
            .iter()
            .all(|o| matches!(o.kind, Kind::Record | Kind::Alias));
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
    let search = site
        .config
        .search
        .then(|| Owner::generated("l'index de recherche"));
    let folder = crate::search::FOLDER;
    for (path, owners) in &by_path {
        let mut ancestors = path.match_indices('/').map(|(i, _)| &path[..i]);
        if let Some(file) = ancestors.find(|a| by_path.contains_key(*a)) {
            let files: Vec<&Owner> = by_path[file].iter().collect();
            let folders: Vec<&Owner> = owners.iter().collect();
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
        if let Some(index) = &search {
            if path == folder || path.starts_with(&format!("{folder}/")) {
                for o in owners {
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

/// The source of one job's output.
fn owner(site: &Site, job: &Job) -> Owner {
    match job {
        Job::Home => match &site.home {
            Some(h) => Owner::at(Kind::Home, &h.source, (0, 0), "la page d'accueil".into()),
            None => Owner::generated("la page d'accueil"),
        },
        Job::Actor(_)
        | Job::Forum(_)
        | Job::Conference(_)
        | Job::Dossier(_)
        | Job::Resource(_)
        | Job::Page(_) => match super::context::source_of(site, job) {
            // At its `slug:` line when the slug is written, else the file itself.
            Some(src) => {
                let at = crate::yaml::key_position(&src.yaml, "slug")
                    .map_or((0, 0), |_| src.key_position("slug"));
                Owner::at(Kind::Record, src, at, "la fiche".into())
            }
            None => Owner::generated("une page du site"),
        },
        Job::Calendar(super::ics::Calendar::Forum(i)) => Owner::at(
            Kind::Derived,
            &site.forums[*i].source,
            (0, 0),
            "le fichier iCalendar de la fiche".into(),
        ),
        Job::Calendar(super::ics::Calendar::Conference(i)) => Owner::at(
            Kind::Derived,
            &site.conferences[*i].source,
            (0, 0),
            "le fichier iCalendar de la fiche".into(),
        ),
        Job::Calendar(super::ics::Calendar::Agenda) => Owner::generated("l'agenda iCalendar"),
        Job::Alias { from, to } => alias_owner(site, from, to),
        Job::Asset(path) => {
            let origin = site
                .theme
                .asset_origins
                .get(path)
                .cloned()
                .unwrap_or_else(|| format!("static/{path}"));
            if origin.starts_with("themes/default/") && site.config.theme.is_none() {
                Owner::generated(format!("le fichier « {path} » du thème"))
            } else {
                Owner {
                    kind: Kind::Asset,
                    place: Some((PathBuf::from(&origin), 0, 0)),
                    what: "le fichier statique".into(),
                }
            }
        }
        Job::MembersFile(name) => Owner {
            kind: Kind::Asset,
            place: Some((
                PathBuf::from(format!("content/{}/{name}", crate::load::MEMBERS_FILES)),
                0,
                0,
            )),
            what: "le fichier des membres".into(),
        },
        Job::TaxonomyTerm { taxonomy, term, .. } => term_owner(site, *taxonomy, *term),
        other => Owner::generated(generated_name(other)),
    }
}

/// The record an alias belongs to, at the line of the alias.
fn alias_owner(site: &Site, from: &str, to: &str) -> Owner {
    let found = site
        .records()
        .find(|(section, slug, _, _)| section.url(slug) == to);
    if let Some((_, _, common, src)) = found {
        if let Some(alias) = common
            .aliases
            .iter()
            .find(|a| normalise_alias(a).as_deref() == Some(from))
        {
            let at = src.value_position("aliases", alias);
            return Owner::at(
                Kind::Alias,
                src,
                at,
                format!("l'ancienne adresse « {alias} »"),
            );
        }
    }
    Owner::generated(format!("la redirection {from}"))
}

/// A taxonomy term's page: a domain of `site.toml`, or the first record naming the term.
fn term_owner(site: &Site, taxonomy: Taxonomy, term: usize) -> Owner {
    let terms = taxonomy.terms(site);
    let slug = terms.get(term).map(|t| t.0.as_str()).unwrap_or_default();
    match taxonomy {
        Taxonomy::Domain => match site.config.domain_positions.get(slug) {
            Some(&(line, col)) => Owner {
                kind: Kind::ConfigKey,
                place: Some((PathBuf::from("site.toml"), line, col)),
                what: format!("la page du domaine « {slug} »"),
            },
            None => Owner::generated(format!("la page du domaine « {slug} »")),
        },
        Taxonomy::ResourceCategory | Taxonomy::ResourceType => {
            let (list, key, name) = if taxonomy == Taxonomy::ResourceCategory {
                (&site.by_category, "category", "la catégorie")
            } else {
                (&site.by_resource_type, "resource_type", "le type")
            };
            match list
                .get(term)
                .and_then(|(label, _, ids)| Some((label, *ids.first()?)))
            {
                Some((label, first)) => {
                    let src = &site.resources[first].source;
                    Owner::at(
                        Kind::Term(key),
                        src,
                        src.value_position(key, label),
                        format!("la page de {name} « {label} »"),
                    )
                }
                None => Owner::generated(format!("la page de {name} « {slug} »")),
            }
        }
        Taxonomy::LegalForm => {
            Owner::generated(format!("la page de la forme juridique « {slug} »"))
        }
        Taxonomy::Stage => Owner::generated(format!("la page de l'étape « {slug} »")),
    }
}

/// What a generated page is, in the user's words.
fn generated_name(job: &Job) -> String {
    let section_name = |s: Section| match s {
        Section::Actors => "des acteurs",
        Section::Forum => "du Forum",
        Section::Conferences => "des Up Conférences",
        Section::Magazine => "du magazine",
        Section::Resources => "des ressources",
        Section::Pages => "des pages",
    };
    match job {
        Job::ActorDirectory { .. } => "l'annuaire des acteurs".into(),
        Job::TaxonomyIndex(t) => match t {
            Taxonomy::Domain => "la liste des domaines",
            Taxonomy::LegalForm => "la liste des formes juridiques",
            Taxonomy::Stage => "la liste des étapes",
            Taxonomy::ResourceCategory => "la liste des catégories de ressources",
            Taxonomy::ResourceType => "la liste des types de ressources",
        }
        .into(),
        Job::ProjectPath => "le parcours du porteur de projet".into(),
        Job::KeyFigures => "la page des chiffres clés".into(),
        Job::OpenDataPage => "la page des données ouvertes".into(),
        Job::OpenData(DataFormat::Csv) => "l'annuaire en CSV".into(),
        Job::OpenData(DataFormat::Json) => "l'annuaire en JSON".into(),
        Job::OpenData(DataFormat::GoGoCarto) => "l'export GoGoCarto".into(),
        Job::SearchPage => "la page de recherche".into(),
        Job::Map => "la carte des acteurs".into(),
        Job::ForumList => "la liste des éditions du Forum".into(),
        Job::ConferenceList => "la liste des Up Conférences".into(),
        Job::Agenda => "l'agenda".into(),
        Job::MagazineList { .. } => "la liste du magazine".into(),
        Job::ResourceList { .. } => "la liste des ressources".into(),
        Job::Feed(Feed::All) => "le flux RSS du site".into(),
        Job::Feed(Feed::Section(s)) => format!("le flux RSS {}", section_name(*s)),
        Job::Sitemap => "le plan du site pour les moteurs de recherche".into(),
        Job::Robots => "le fichier robots.txt".into(),
        Job::NotFound => "la page « introuvable »".into(),
        _ => "une page du site".into(),
    }
}
