//! The checks of each kind of record: allowed values, references to actors, URLs, dates,
//! files.

use crate::diagnostic::{closest, Diagnostic};
use crate::load::Loaded;
use crate::model::{Actor, Conference, Entry, ForumEdition, MagazineRecord, Resource, Source};
use std::collections::BTreeSet;

/// What records are checked against: the site's domains, the actors' slugs (gathered the
/// first time a record names an actor).
pub(super) struct References<'a> {
    pub(super) loaded: &'a Loaded,
    domains: Vec<&'a str>,
    actors: std::sync::OnceLock<(BTreeSet<&'a str>, Vec<&'a str>)>,
}

impl<'a> References<'a> {
    pub(super) fn new(loaded: &'a Loaded) -> References<'a> {
        References {
            loaded,
            domains: loaded.config.domains.slugs().collect(),
            actors: std::sync::OnceLock::new(),
        }
    }

    /// The actors' slugs, as a set and in order.
    fn actors(&self) -> &(BTreeSet<&'a str>, Vec<&'a str>) {
        self.actors.get_or_init(|| {
            let content = &self.loaded.content;
            // A record that could not be read still exists: naming it is not an error too.
            let declared = content
                .declared
                .iter()
                .filter(|(section, _)| *section == crate::model::Section::Actors)
                .map(|(_, slug)| slug.as_str());
            let actors: BTreeSet<&str> = content
                .actors
                .iter()
                .map(|a| a.slug.as_str())
                .chain(declared)
                .collect();
            let list = actors.iter().copied().collect();
            (actors, list)
        })
    }

    /// Each of `values` (under `domains`) must be a domain of the site.
    fn terms(&self, src: &Source, values: &[String], out: &mut Vec<Diagnostic>) {
        let domains = &self.loaded.config.domains;
        for v in values.iter().filter(|v| !domains.contains(v)) {
            let (line, col) = src.value_position("domains", v);
            let message = match crate::model::DOMAINS.contains(&v.as_str()) {
                true => format!("domaine « {v} » hors de ceux du site (domains_used)"),
                false => format!("domaine inconnu « {v} »"),
            };
            out.push(
                Diagnostic::error(&src.path, line, col, message)
                    .with_help(crate::model::domains::unknown_help(domains, v)),
            );
        }
    }

    /// Each of `slugs` (under `key`) must be an actor of the site.
    fn refs(&self, src: &Source, key: &str, slugs: &[String], out: &mut Vec<Diagnostic>) {
        if slugs.is_empty() {
            return;
        }
        let (actors, list) = self.actors();
        check_refs(src, key, slugs, actors, list, out);
    }

    pub(super) fn actor(&self, a: &Entry<Actor>, out: &mut Vec<Diagnostic>) {
        let src = &a.source;
        if a.data.domains.is_empty() && !self.loaded.content.partial.contains_key(&src.path) {
            let (line, col) = src.key_position("title");
            out.push(
                Diagnostic::warning(&src.path, line, col, "acteur sans domaine d'action")
                    .with_help(format!(
                        "ajoutez `domains: [...]` parmi : {}",
                        self.domains.join(", ")
                    )),
            );
        }
        self.terms(src, &a.data.domains, out);
        if let Some(w) = &a.data.website {
            check_url(src, "website", w, false, out);
        }
        use crate::model::identifiers::{rna_problem, siret_problem};
        for (key, value, problem) in [
            ("siret", &a.data.siret, siret_problem as fn(&str) -> _),
            ("rna", &a.data.rna, rna_problem),
        ] {
            if let Some((message, help)) = value.as_deref().and_then(problem) {
                let (line, col) = src.key_position(key);
                out.push(Diagnostic::error(&src.path, line, col, message).with_help(help));
            }
        }
        if let Some(Err(r)) = a.data.hours.as_deref().map(crate::model::hours::parse) {
            let (line, col) = src.key_position("hours");
            out.push(Diagnostic::error(&src.path, line, col, r.message).with_help(r.help));
        }
        if let Some(l) = &a.data.logo {
            check_url(src, "logo", l, true, out);
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
                        .with_help("lat entre -90 et 90, lon entre -180 et 180, en degrés décimaux : un clic droit sur openstreetmap.org les donne"),
                );
            }
        }
    }

    pub(super) fn forum(&self, f: &Entry<ForumEdition>, out: &mut Vec<Diagnostic>) {
        let src = &f.source;
        self.refs(src, "partners", &f.data.partners, out);
        self.refs(src, "exhibitors", &f.data.exhibitors, out);
        for item in &f.data.program {
            let speaker_actors: Vec<String> = item
                .speakers
                .iter()
                .filter_map(|s| s.actor.clone())
                .collect();
            self.refs(src, "program", &speaker_actors, out);
            self.refs(src, "program", &item.actors, out);
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
        check_end_date(src, f.data.date, f.data.end_date, out);
        if let Some(u) = &f.data.registration_url {
            check_url(src, "registration_url", u, false, out);
        }
    }

    pub(super) fn conference(&self, conf: &Entry<Conference>, out: &mut Vec<Diagnostic>) {
        let src = &conf.source;
        let speaker_actors: Vec<String> = conf
            .data
            .speakers
            .iter()
            .filter_map(|s| s.actor.clone())
            .collect();
        self.refs(src, "speakers", &speaker_actors, out);
        self.terms(src, &conf.data.domains, out);
        check_end_date(src, conf.data.date, conf.data.end_date, out);
        for (key, value) in [
            ("registration_url", &conf.data.registration_url),
            ("replay_url", &conf.data.replay_url),
            ("slides_url", &conf.data.slides_url),
        ] {
            if let Some(u) = value {
                check_url(src, key, u, key == "slides_url", out);
            }
        }
    }

    pub(super) fn dossier(&self, d: &Entry<MagazineRecord>, out: &mut Vec<Diagnostic>) {
        self.refs(&d.source, "actors", &d.data.actors, out);
        if let Some(u) = &d.data.pdf_url {
            check_url(&d.source, "pdf_url", u, true, out);
        }
    }

    pub(super) fn resource(&self, r: &Entry<Resource>, out: &mut Vec<Diagnostic>) {
        for (key, value) in [("file_url", &r.data.file_url), ("url", &r.data.url)] {
            if let Some(u) = value {
                check_url(&r.source, key, u, true, out);
                check_resource_file(self.loaded, r, key, u, out);
            }
        }
        if r.data.private {
            private_text_links(self.loaded, r, out);
        }
    }
}

fn check_refs(
    src: &Source,
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
    src: &Source,
    date: Option<crate::model::Date>,
    end: Option<crate::model::Date>,
    out: &mut Vec<Diagnostic>,
) {
    if let (Some(d), Some(e)) = (date, end) {
        if crate::model::time::end_moment(e) < d.at {
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

/// The links of a private resource's text: one to a file of `static/` would publish that file
/// on the public site, however the address is spelled (Markdown or HTML link, path or absolute
/// address on the site's host).
fn private_text_links(loaded: &Loaded, r: &Entry<Resource>, out: &mut Vec<Diagnostic>) {
    let src = &r.source;
    let body = src.body.text();
    if body.trim().is_empty() {
        return;
    }
    let html = crate::text::markdown::render_with(&body, &loaded.config.video_hosts).html;
    let members = format!("{}/", crate::model::url::MEMBERS_FILES);
    for href in html
        .split("href=\"")
        .skip(1)
        .filter_map(|h| h.split('"').next())
    {
        let href = href.replace("&amp;", "&");
        let Some(path) = crate::model::url::site_file(&loaded.config.base_url, &href) else {
            continue;
        };
        if !loaded.theme.assets.contains_key(path.as_str()) {
            continue;
        }
        let (line, col) = super::body_at(src, body.find(href.as_str()).unwrap_or(0));
        out.push(
            Diagnostic::error(
                &src.path,
                line,
                col,
                format!("le texte de cette ressource privée lie un fichier de static/ : il est publié sur le site public (/{path})"),
            )
            .with_help(format!(
                "un document réservé aux membres va dans content/{members} et se lie par /{members}{}",
                path.rsplit('/').next().unwrap_or(&path)
            )),
        );
    }
}

/// A resource's file on the site: a members' file (`/ressources/fichiers/…`) for a private
/// resource only, and never a file of `static/` for a private one (static/ is published on
/// the public site). A file that does not exist is an error too.
fn check_resource_file(
    loaded: &Loaded,
    r: &Entry<Resource>,
    key: &str,
    url: &str,
    out: &mut Vec<Diagnostic>,
) {
    // The file of the site it leads to, however the address is spelled (a path, or an
    // absolute address on the site's own host).
    let Some(path) = crate::model::url::site_file(&loaded.config.base_url, url) else {
        return;
    };
    let path = path.as_str();
    let src = &r.source;
    let (line, col) = src.key_position(key);
    let members = format!("{}/", crate::model::url::MEMBERS_FILES);
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
fn check_url(src: &Source, key: &str, url: &str, local_ok: bool, out: &mut Vec<Diagnostic>) {
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
