//! Stage 2, validate: required fields, allowed values, references between records, URL
//! collisions and dates. Returns every problem at once.

use crate::diagnostic::{closest, suggest, Diagnostic};
use crate::load::Loaded;
use crate::model::Section;
use crate::model::{Common, Entry};
use crate::url::{normalise_alias, output_path};
use std::collections::{BTreeMap, BTreeSet};

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
    let mut out = Vec::new();
    warnings(loaded, now, &mut out);
    out.extend(errors(loaded));
    out
}

/// The checks that can fail a build, without the costlier warnings (for the preview, which
/// runs them on every save).
pub fn errors(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let c = &loaded.content;
    let domains: Vec<&str> = loaded
        .config
        .domains
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    for (key, (line, col)) in &loaded.config.domain_positions {
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
    let actor_slugs: BTreeSet<&str> = c.actors.iter().map(|a| a.slug.as_str()).collect();
    let actor_list: Vec<&str> = actor_slugs.iter().copied().collect();

    let mut urls: BTreeMap<String, Vec<(std::path::PathBuf, usize, usize)>> = BTreeMap::new();
    let mut common = |section: Section, e: &dyn EntryView, out: &mut Vec<Diagnostic>| {
        check_common(section, e, out);
        let src = e.source();
        let (line, col) = if e.common().slug.is_some() {
            src.key_position("slug")
        } else {
            (0, 0)
        };
        urls.entry(output_path(&section.url(e.slug())))
            .or_default()
            .push((src.path.clone(), line, col));
        for alias in e.common().aliases {
            let (line, col) = src.value_position("aliases", alias);
            if let Some(path) = normalise_alias(alias) {
                urls.entry(output_path(&path))
                    .or_default()
                    .push((src.path.clone(), line, col));
            } else {
                out.push(
                    Diagnostic::error(&src.path, line, col, format!("ancienne adresse invalide « {alias} »"))
                        .with_help("écrivez un chemin du site qui commence par /, sans `..`, par exemple /annuaire/up-sceaux/"),
                );
            }
        }
    };

    for a in &c.actors {
        common(Section::Actors, a, &mut out);
        let src = &a.source;
        if a.data.domains.is_empty() {
            let (line, col) = src.key_position("title");
            out.push(
                Diagnostic::warning(&src.path, line, col, "acteur sans domaine d'action")
                    .with_help(format!(
                        "ajoutez `domains: [...]` parmi : {}",
                        domains.join(", ")
                    )),
            );
        }
        check_terms(src, "domains", &a.data.domains, &domains, &mut out);
        if let Some(w) = &a.data.website {
            check_url(src, "website", w, false, &mut out);
        }
        if let Some(l) = &a.data.logo {
            check_url(src, "logo", l, true, &mut out);
        }
        if let Some(email) = &a.data.email {
            if !email.contains('@') || email.contains(char::is_whitespace) {
                let (line, col) = src.key_position("email");
                out.push(Diagnostic::error(
                    &src.path,
                    line,
                    col,
                    format!("adresse électronique invalide « {email} »"),
                ));
            }
        }
        if let Some(geo) = a.data.geo {
            if !(-90.0..=90.0).contains(&geo.lat) || !(-180.0..=180.0).contains(&geo.lon) {
                let (line, col) = src.key_position("geo");
                out.push(
                    Diagnostic::error(&src.path, line, col, "position hors du globe")
                        .with_help("lat entre -90 et 90, lon entre -180 et 180 (Sceaux : lat 48.777, lon 2.29)"),
                );
            }
        }
    }
    for f in &c.forums {
        common(Section::Forum, f, &mut out);
        let src = &f.source;
        check_refs(
            src,
            "partners",
            &f.data.partners,
            &actor_slugs,
            &actor_list,
            &mut out,
        );
        check_refs(
            src,
            "exhibitors",
            &f.data.exhibitors,
            &actor_slugs,
            &actor_list,
            &mut out,
        );
        for item in &f.data.program {
            let speaker_actors: Vec<String> = item
                .speakers
                .iter()
                .filter_map(|s| s.actor.clone())
                .collect();
            check_refs(
                src,
                "program",
                &speaker_actors,
                &actor_slugs,
                &actor_list,
                &mut out,
            );
            check_refs(
                src,
                "program",
                &item.actors,
                &actor_slugs,
                &actor_list,
                &mut out,
            );
            if let (Some(end), Some(date)) = (item.end, f.data.date) {
                if end.on(date.date()) < item.start.on(date.date()) {
                    let (line, col) = src.value_position("program", &item.title);
                    out.push(Diagnostic::error(
                        &src.path,
                        line,
                        col,
                        format!("« {} » finit avant de commencer", item.title),
                    ));
                }
            }
        }
        check_end_date(src, f.data.date, f.data.end_date, &mut out);
        if let Some(u) = &f.data.registration_url {
            check_url(src, "registration_url", u, false, &mut out);
        }
    }
    for conf in &c.conferences {
        common(Section::Conferences, conf, &mut out);
        let src = &conf.source;
        let speaker_actors: Vec<String> = conf
            .data
            .speakers
            .iter()
            .filter_map(|s| s.actor.clone())
            .collect();
        check_refs(
            src,
            "speakers",
            &speaker_actors,
            &actor_slugs,
            &actor_list,
            &mut out,
        );
        check_terms(src, "domains", &conf.data.domains, &domains, &mut out);
        check_end_date(src, conf.data.date, conf.data.end_date, &mut out);
        for (key, value) in [
            ("registration_url", &conf.data.registration_url),
            ("replay_url", &conf.data.replay_url),
            ("slides_url", &conf.data.slides_url),
        ] {
            if let Some(u) = value {
                check_url(src, key, u, key == "slides_url", &mut out);
            }
        }
    }
    for d in &c.dossiers {
        common(Section::Magazine, d, &mut out);
        check_refs(
            &d.source,
            "actors",
            &d.data.actors,
            &actor_slugs,
            &actor_list,
            &mut out,
        );
        if let Some(u) = &d.data.pdf_url {
            check_url(&d.source, "pdf_url", u, true, &mut out);
        }
    }
    for r in &c.resources {
        common(Section::Resources, r, &mut out);
        for (key, value) in [("file_url", &r.data.file_url), ("url", &r.data.url)] {
            if let Some(u) = value {
                check_url(&r.source, key, u, true, &mut out);
                check_resource_file(loaded, r, key, u, &mut out);
            }
        }
    }
    for p in &c.pages {
        common(Section::Pages, p, &mut out);
    }

    for (path, places) in &urls {
        if places.len() > 1 {
            let url = crate::url::of_output_path(path);
            for (i, (path, line, col)) in places.iter().enumerate() {
                let others: Vec<String> = places
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, p)| p.0.display().to_string())
                    .collect();
                out.push(
                    Diagnostic::error(
                        path,
                        *line,
                        *col,
                        format!("l'adresse {url} est aussi celle de {}", others.join(", ")),
                    )
                    .with_help(
                        "donnez à l'une des fiches un autre nom de fichier ou un `slug:` différent",
                    ),
                );
            }
        }
    }
    out
}

/// What a careful editor would want to know, without failing the build: a past event without
/// replay, an image without alternative text, a record without summary.
fn warnings(loaded: &Loaded, now: chrono::NaiveDateTime, out: &mut Vec<Diagnostic>) {
    let c = &loaded.content;
    let mut listed: Vec<&dyn EntryView> = Vec::new();
    listed.extend(c.actors.iter().map(|e| e as &dyn EntryView));
    listed.extend(c.forums.iter().map(|e| e as &dyn EntryView));
    listed.extend(c.conferences.iter().map(|e| e as &dyn EntryView));
    listed.extend(c.dossiers.iter().map(|e| e as &dyn EntryView));
    listed.extend(c.resources.iter().map(|e| e as &dyn EntryView));
    for e in &listed {
        if e.common().summary.is_none_or(|s| s.trim().is_empty()) {
            let src = e.source();
            let (line, col) = if e.common().summary.is_some() {
                src.key_position("summary")
            } else {
                src.key_position("title")
            };
            out.push(
                Diagnostic::warning(&src.path, line, col, "résumé absent ou vide")
                    .with_help("ajoutez `summary: …` : une ou deux phrases, montrées dans les listes et les flux RSS"),
            );
        }
    }
    for e in listed.iter().chain(
        c.pages
            .iter()
            .map(|e| e as &dyn EntryView)
            .collect::<Vec<_>>()
            .iter(),
    ) {
        images_without_alt(e.source(), out);
    }
    for conf in &c.conferences {
        let past = !crate::time::is_upcoming(conf.data.date, conf.data.end_date, now);
        if past && conf.data.date.is_some() && conf.data.replay_url.is_none() {
            let (line, col) = conf.source.key_position("date");
            out.push(
                Diagnostic::warning(
                    &conf.source.path,
                    line,
                    col,
                    "conférence passée sans lien vers son replay",
                )
                .with_help("ajoutez `replay_url: https://…` si la conférence a été filmée"),
            );
        }
    }
}

/// Warns about each image of a Markdown body that has no alternative text.
fn images_without_alt(src: &crate::model::Source, out: &mut Vec<Diagnostic>) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    if !src.body.contains("![") && !src.body.contains("<img") {
        return;
    }
    let mut open: Option<(usize, String)> = None;
    for (event, range) in Parser::new(&src.body).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { .. }) => open = Some((range.start, String::new())),
            Event::Text(t) | Event::Code(t) if open.is_some() => {
                if let Some((_, alt)) = open.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((at, alt)) = open.take() {
                    if alt.trim().is_empty() {
                        push_image_warning(src, at, out);
                    }
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let lower = h.to_ascii_lowercase();
                let mut rest = lower.as_str();
                while let Some(i) = rest.find("<img") {
                    let tag = &rest[i..rest[i..].find('>').map_or(rest.len(), |e| i + e)];
                    if !tag.contains("alt=") {
                        push_image_warning(src, range.start, out);
                    }
                    rest = &rest[i + 4..];
                }
            }
            _ => {}
        }
    }
}

fn push_image_warning(src: &crate::model::Source, offset: usize, out: &mut Vec<Diagnostic>) {
    let (l, col) = crate::config::line_col(&src.body, offset);
    out.push(
        Diagnostic::warning(&src.path, l + src.body_line - 1, col, "image sans texte alternatif")
            .with_help("décrivez l'image entre les crochets : ![Le jardin partagé au printemps](/images/jardin.jpg)"),
    );
}

/// What validation needs of any record.
trait EntryView {
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

fn check_common(section: Section, e: &dyn EntryView, out: &mut Vec<Diagnostic>) {
    let src = e.source();
    let c = e.common();
    let slug = e.slug();
    if !is_valid_slug(slug) {
        let fixed = slug::slugify(slug);
        let d = if c.slug.is_some() {
            let (line, col) = src.key_position("slug");
            Diagnostic::error(&src.path, line, col, format!("slug invalide « {slug} »"))
        } else {
            Diagnostic::error(
                &src.path,
                0,
                0,
                format!("nom de fichier invalide pour une adresse : « {slug} »"),
            )
        };
        out.push(d.with_help(format!(
            "une adresse n'a que des minuscules sans accent, des chiffres et des tirets : « {fixed} »"
        )));
    }
    if let Some(at) = crate::html::too_deep(&src.body, crate::html::MAX_DEPTH) {
        let (line, col) = crate::config::line_col(&src.body, at);
        out.push(
            Diagnostic::error(
                &src.path,
                line + src.body_line - 1,
                col,
                format!(
                    "HTML imbriqué sur plus de {} niveaux",
                    crate::html::MAX_DEPTH
                ),
            )
            .with_help("fermez les balises ouvertes (</div>…), ou simplifiez ce HTML : un navigateur n'en afficherait pas plus"),
        );
    }
    if c.title.trim().is_empty() {
        let (line, col) = src.key_position("title");
        out.push(Diagnostic::error(&src.path, line, col, "le titre est vide"));
    }
    if section.requires_date() && c.date.is_none() {
        // `date:` left empty (as `ess-site new` writes it) points at its line.
        let (line, col) = match crate::yaml::key_position(&src.yaml, "date") {
            Some(_) => src.key_position("date"),
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

fn check_terms(
    src: &crate::model::Source,
    key: &str,
    values: &[String],
    allowed: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    for v in values {
        if !allowed.contains(&v.as_str()) {
            let (line, col) = src.value_position(key, v);
            out.push(
                Diagnostic::error(&src.path, line, col, format!("domaine inconnu « {v} »"))
                    .with_help(format!(
                        "{} ; un site peut ajouter ses domaines dans site.toml, section [domains]",
                        suggest(v, allowed)
                    )),
            );
        }
    }
}

fn check_refs(
    src: &crate::model::Source,
    key: &str,
    slugs: &[String],
    known: &BTreeSet<&str>,
    list: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    for s in slugs {
        if !known.contains(s.as_str()) {
            let (line, col) = src.value_position(key, s);
            let help = match closest(s, list.iter().copied()) {
                Some(c) => format!("vouliez-vous dire « {c} » ?"),
                None => "le slug d'un acteur est le nom de son fichier dans content/acteurs/, sans extension".into(),
            };
            out.push(
                Diagnostic::error(&src.path, line, col, format!("acteur inconnu « {s} »"))
                    .with_help(help),
            );
        }
    }
}

fn check_end_date(
    src: &crate::model::Source,
    date: Option<crate::model::Date>,
    end: Option<crate::model::Date>,
    out: &mut Vec<Diagnostic>,
) {
    if let (Some(d), Some(e)) = (date, end) {
        if crate::time::end_moment(e) < d.at {
            let (line, col) = src.key_position("end_date");
            out.push(
                Diagnostic::error(
                    &src.path,
                    line,
                    col,
                    format!("end_date {} est avant date {}", e.iso(), d.iso()),
                )
                .with_help("la date de fin doit suivre la date de début"),
            );
        }
    }
}

/// A resource's file on the site: a members' file (`/ressources/fichiers/…`) for a private
/// resource only, and never a file of `static/` for a private one (static/ is published on
/// the public site). A file that does not exist is an error too.
fn check_resource_file(
    loaded: &Loaded,
    r: &Entry<crate::model::Resource>,
    key: &str,
    url: &str,
    out: &mut Vec<Diagnostic>,
) {
    if !url.starts_with('/') || url.starts_with("//") {
        return;
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_start_matches('/');
    let src = &r.source;
    let (line, col) = src.key_position(key);
    let members = format!("{}/", crate::load::MEMBERS_FILES);
    if let Some(name) = path.strip_prefix(&members) {
        if !loaded.content.members_files.contains_key(name) {
            out.push(
                Diagnostic::error(
                    &src.path,
                    line,
                    col,
                    format!("fichier introuvable : content/{members}{name}"),
                )
                .with_help(format!(
                    "placez le fichier dans content/{members}, ou corrigez son nom"
                )),
            );
        } else if !r.data.private {
            out.push(
                Diagnostic::error(
                    &src.path,
                    line,
                    col,
                    format!("une ressource publique lie un fichier réservé aux membres : {url}"),
                )
                .with_help(format!(
                    "les fichiers de content/{members} ne sont publiés que pour les membres : rendez la ressource privée (private: true), ou mettez le fichier dans static/"
                )),
            );
        }
        return;
    }
    let in_static = loaded.theme.assets.contains_key(path);
    if r.data.private && in_static {
        out.push(
            Diagnostic::error(
                &src.path,
                line,
                col,
                format!("le fichier de cette ressource privée est dans static/ : il serait publié sur le site public ({url})"),
            )
            .with_help(format!(
                "déplacez static/{path} dans content/{members} et écrivez `{key}: /{members}{}` : seules les constructions des membres (--include-private) le publient",
                path.rsplit('/').next().unwrap_or(path)
            )),
        );
    } else if key == "file_url" && !in_static && !path.is_empty() {
        out.push(
            Diagnostic::error(
                &src.path,
                line,
                col,
                format!("fichier introuvable sur le site : {url}"),
            )
            .with_help(format!(
                "placez le fichier dans static/{path}, ou écrivez une adresse complète (https://…)"
            )),
        );
    }
}

/// `http(s)://…`, or, where `local_ok`, a path of the site starting with `/`.
fn check_url(
    src: &crate::model::Source,
    key: &str,
    url: &str,
    local_ok: bool,
    out: &mut Vec<Diagnostic>,
) {
    let lower = url.trim().to_ascii_lowercase();
    let web = (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > 8
        && !url.contains(char::is_whitespace);
    let local = local_ok
        && url.starts_with('/')
        && !url.starts_with("//")
        && !url.split('/').any(|p| p == "..");
    if !(web || local) {
        let (line, col) = src.key_position(key);
        let help = if local_ok {
            "écrivez une adresse complète (https://…) ou un chemin du site qui commence par /"
        } else {
            "écrivez une adresse complète qui commence par https://"
        };
        out.push(
            Diagnostic::error(
                &src.path,
                line,
                col,
                format!("adresse invalide dans « {key} » : « {url} »"),
            )
            .with_help(help),
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
