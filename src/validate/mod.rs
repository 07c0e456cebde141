//! Stage 2, validate: required fields, allowed values, references between records, URL
//! collisions and dates. Returns every problem at once.
//!
//! `records` checks each kind of record, `addresses` the URLs they take, `warnings` what a
//! careful editor would want to know without failing the build.
//!
//! Owns: the checks that need more than one file.
//! May import: `load` (what it read), `model`, `images` and the ground; never `render` or any
//! stage above.

mod addresses;
mod images;
mod records;
mod warnings;

use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::model::pictures::Pictures;
use crate::model::{
    Actor, Common, Conference, Entry, ForumEdition, MagazineRecord, Page, Resource, Section,
};

/// Whether `s` is a clean URL slug: lowercase ASCII letters, digits and single dashes.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Checks everything that can be checked before rendering.
///
/// `now` tells past events from upcoming ones, for the warnings.
pub fn validate(loaded: &Loaded, now: chrono::NaiveDateTime) -> Vec<Diagnostic> {
    let mut out = warnings(loaded, now);
    out.extend(errors(loaded));
    out
}

/// The warnings alone: what `validate` finds besides `errors`.
pub fn warnings(loaded: &Loaded, now: chrono::NaiveDateTime) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    warnings::warnings(loaded, now, &mut out);
    out
}

/// The checks that can fail a build, without the costlier warnings (for the preview, which
/// runs them on every save).
pub fn errors(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    domain_keys(loaded, &mut out);
    let c = &loaded.content;
    // The newsletter's introduction shows images as a record's text does.
    if let Some(intro) = c
        .data
        .get("newsletter")
        .and_then(|n| n.get("intro"))
        .and_then(|i| i.as_str())
    {
        images::check_data_text(loaded, "content/data/newsletter.yaml", intro, &mut out);
    }
    let known = records::References::new(loaded);
    let mut urls = addresses::Addresses::default();
    let aside = &c.partial;
    for section in Section::ALL {
        let (urls, out) = (&mut urls, &mut out);
        match section {
            Section::Actors => per_record(section, &c.actors, aside, &known, urls, out),
            Section::Forum => per_record(section, &c.forums, aside, &known, urls, out),
            Section::Conferences => per_record(section, &c.conferences, aside, &known, urls, out),
            Section::Magazine => per_record(section, &c.dossiers, aside, &known, urls, out),
            Section::Resources => per_record(section, &c.resources, aside, &known, urls, out),
            Section::Pages => per_record(section, &c.pages, aside, &known, urls, out),
        }
    }
    if let Some(h) = &c.home {
        images::check(loaded, h, &mut out);
    }
    out.extend(loaded.theme.images.problems.iter().cloned());
    urls.collisions(&mut out);
    out
}

/// The checks of each record of `list` (in parallel: what every record must have, the
/// addresses it takes, then those of its kind), the addresses added in order; the problems in
/// the records' order.
fn per_record<'a, E: EntryView + Checks + Sync>(
    section: Section,
    list: &'a [E],
    aside: &std::collections::BTreeMap<std::path::PathBuf, Vec<String>>,
    known: &records::References,
    urls: &mut addresses::Addresses<'a>,
    out: &mut Vec<Diagnostic>,
) {
    use rayon::prelude::*;
    let found: Vec<(Vec<Diagnostic>, Vec<addresses::Taken<'a>>)> = list
        .par_iter()
        .map(|e| {
            let mut problems = Vec::new();
            let set_aside = aside.get(&e.source().path).map_or(&[][..], Vec::as_slice);
            check_common(section, e, set_aside, &mut problems);
            let taken = addresses::Addresses::of(section, e, &mut problems);
            e.checks(known, &mut problems);
            (problems, taken)
        })
        .collect();
    for (problems, taken) in found {
        out.extend(problems);
        urls.extend(taken);
    }
}

/// The problems `errors` finds at `record` alone, read again from a file of `loaded`, which
/// it checked without error: what a record must have, what its kind must have, its pictures.
/// Not whether it takes another record's address: a caller that keeps its address and old
/// addresses keeps that too. For the preview's pages of an edit, rendered before the rebuild
/// that checks the whole site.
pub fn record_errors(loaded: &Loaded, record: &crate::load::Parsed) -> Vec<Diagnostic> {
    use crate::load::Parsed;
    fn one<E: EntryView + Checks>(
        section: Section,
        e: &E,
        loaded: &Loaded,
        out: &mut Vec<Diagnostic>,
    ) {
        let aside = &loaded.content.partial;
        let set_aside = aside.get(&e.source().path).map_or(&[][..], Vec::as_slice);
        check_common(section, e, set_aside, out);
        addresses::Addresses::of(section, e, out);
        e.checks(&records::References::new(loaded), out);
    }
    let mut out = Vec::new();
    let out_ = &mut out;
    match record {
        Parsed::Actor(e) => one(Section::Actors, e, loaded, out_),
        Parsed::Forum(e) => one(Section::Forum, e, loaded, out_),
        Parsed::Conference(e) => one(Section::Conferences, e, loaded, out_),
        Parsed::MagazineRecord(e) => one(Section::Magazine, e, loaded, out_),
        Parsed::Resource(e) => one(Section::Resources, e, loaded, out_),
        Parsed::Page(e) => one(Section::Pages, e, loaded, out_),
        Parsed::Home(h) => images::check(loaded, h, out_),
        Parsed::Data(..) | Parsed::MembersFile(..) => {}
    }
    out.retain(Diagnostic::is_error);
    out
}

/// The checks of a record of its kind (`Kind`), then of its pictures.
trait Checks {
    fn checks(&self, known: &records::References, out: &mut Vec<Diagnostic>);
}

impl<T: Common + Pictures + Kind> Checks for std::sync::Arc<Entry<T>> {
    fn checks(&self, known: &records::References, out: &mut Vec<Diagnostic>) {
        T::checks(self, known, out);
        images::check(known.loaded, self, out);
    }
}

/// The checks of a kind of record: its values, the records it names.
trait Kind: Sized {
    fn checks(_e: &Entry<Self>, _known: &records::References, _out: &mut Vec<Diagnostic>) {}
}

impl Kind for Actor {
    fn checks(e: &Entry<Self>, known: &records::References, out: &mut Vec<Diagnostic>) {
        known.actor(e, out)
    }
}

impl Kind for ForumEdition {
    fn checks(e: &Entry<Self>, known: &records::References, out: &mut Vec<Diagnostic>) {
        known.forum(e, out)
    }
}

impl Kind for Conference {
    fn checks(e: &Entry<Self>, known: &records::References, out: &mut Vec<Diagnostic>) {
        known.conference(e, out)
    }
}

impl Kind for MagazineRecord {
    fn checks(e: &Entry<Self>, known: &records::References, out: &mut Vec<Diagnostic>) {
        known.dossier(e, out)
    }
}

impl Kind for Resource {
    fn checks(e: &Entry<Self>, known: &records::References, out: &mut Vec<Diagnostic>) {
        known.resource(e, out)
    }
}

impl Kind for Page {}

/// The keys of `[domains]` in site.toml: each is the end of a URL.
fn domain_keys(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    for (key, (line, col)) in &loaded.config.domains.positions {
        if !is_valid_slug(key) {
            let fixed = slug::slugify(key);
            let hint = if fixed.is_empty() {
                "une clé de domaine n'a que des minuscules sans accent, des chiffres et des tirets, par exemple « economie-circulaire »".to_string()
            } else {
                format!("une clé de domaine n'a que des minuscules sans accent, des chiffres et des tirets : « {fixed} »")
            };
            out.push(
                Diagnostic::error(
                    "site.toml",
                    *line,
                    *col,
                    format!("clé de domaine invalide « {key} » : elle sert d'adresse (/acteurs/domaines/CLÉ/)"),
                )
                .with_help(hint),
            );
        }
    }
}

/// What validation needs of any record.
pub(super) trait EntryView {
    fn common(&self) -> crate::model::CommonRef<'_>;
    fn source(&self) -> &crate::model::Source;
    fn slug(&self) -> &str;
}

impl<T: Common> EntryView for std::sync::Arc<Entry<T>> {
    fn common(&self) -> crate::model::CommonRef<'_> {
        self.data.common()
    }
    fn source(&self) -> &crate::model::Source {
        &self.source
    }
    fn slug(&self) -> &str {
        &self.slug
    }
}

/// The longest slug: a file name of the output has at most 255 bytes on every file system,
/// and an address that long is no address to share.
const MAX_SLUG: usize = 120;

/// The position in the file of byte `offset` of a record's body: (line, column), 1-based.
pub(super) fn body_at(src: &crate::model::Source, offset: usize) -> (usize, usize) {
    let (line, col) = crate::model::config::line_col(&src.body.text(), offset);
    (line + src.body_line - 1, col)
}

/// What every record must have. `aside`: the keys set aside because they are in error (not
/// also reported missing).
fn check_common(section: Section, e: &dyn EntryView, aside: &[String], out: &mut Vec<Diagnostic>) {
    let src = e.source();
    let c = e.common();
    let slug = e.slug();
    // A slug is at its `slug:` line, or is the file's name (the whole file).
    let (line, col) = if c.slug.is_some() {
        src.key_position("slug")
    } else {
        (0, 0)
    };
    if slug.chars().count() > MAX_SLUG {
        let cut: String = slug::slugify(slug).chars().take(60).collect();
        out.push(
            Diagnostic::error(
                &src.path,
                line,
                col,
                format!(
                    "adresse trop longue : {} caractères, au plus {MAX_SLUG}",
                    slug.chars().count()
                ),
            )
            .with_help(format!(
                "une adresse courte se lit et se partage mieux, par exemple « {} »",
                cut.trim_end_matches('-')
            )),
        );
    } else if !is_valid_slug(slug) {
        let fixed = slug::slugify(slug);
        let message = if c.slug.is_some() {
            format!("slug invalide « {slug} »")
        } else {
            format!("nom de fichier invalide pour une adresse : « {slug} »")
        };
        let d = Diagnostic::error(&src.path, line, col, message);
        out.push(d.with_help(format!(
            "une adresse n'a que des minuscules sans accent, des chiffres et des tirets : « {fixed} »"
        )));
    }
    if let Some(at) = src.too_deep {
        let (line, col) = body_at(src, at);
        out.push(
            Diagnostic::error(
                &src.path,
                line,
                col,
                format!(
                    "HTML imbriqué sur plus de {} niveaux",
                    crate::text::html::MAX_DEPTH
                ),
            )
            .with_help("fermez les balises ouvertes (</div>…), ou simplifiez ce HTML : un navigateur n'en afficherait pas plus"),
        );
    }
    if c.title.trim().is_empty() {
        let (line, col) = src.key_position("title");
        out.push(Diagnostic::error(&src.path, line, col, "le titre est vide"));
    }
    if section.requires_date() && c.date.is_none() && !aside.iter().any(|k| k == "date") {
        // `date:` left empty (as `ess-site new` writes it) points at its line.
        let (line, col) = match src.with_yaml(|yaml| crate::yaml::key_position(yaml, "date")) {
            Some(at) => src.in_file(Some(at)),
            None => (src.yaml_line, 1),
        };
        out.push(
            Diagnostic::error(
                &src.path,
                line,
                col,
                "champ obligatoire manquant : « date »",
            )
            .with_help("ajoutez une ligne `date: AAAA-MM-JJ`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("up-sceaux"));
        assert!(!is_valid_slug("Up Sceaux"));
        assert!(!is_valid_slug("../etc"));
        assert!(!is_valid_slug("économie"));
    }
}
