//! What a careful editor would want to know, without failing the build.

use super::EntryView;
use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::model::Section;
use crate::text::french;
use rayon::prelude::*;

/// What a careful editor would want to know, without failing the build: a past event without
/// replay, an image without alternative text, a record without summary.
pub(super) fn warnings(loaded: &Loaded, now: chrono::NaiveDateTime, out: &mut Vec<Diagnostic>) {
    examples(loaded, now, out);
    to_fill(loaded, now, out);
    stale(loaded, now, out);
    unnamed_series(loaded, out);
    placeholders(loaded, out);
    accessibility_status(loaded, out);
    let c = &loaded.content;
    let mut listed: Vec<&dyn EntryView> = records(c)
        .into_iter()
        .filter(|(s, _)| *s != Section::Pages)
        .map(|(_, e)| e)
        .collect();
    // A record read without its keys in error gets its errors, not warnings about them.
    listed.retain(|e| !c.partial.contains_key(&e.source().path));
    for e in &listed {
        if e.common().summary.is_none_or(|s| s.trim().is_empty()) {
            let src = e.source();
            // A summary written blank (`summary: ""`) is read as absent: point at it.
            let (line, col) = src.in_file(src.with_yaml(|yaml| {
                crate::yaml::key_position(yaml, "summary")
                    .or_else(|| crate::yaml::key_position(yaml, "title"))
            }));
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
        if let Some(cover) = e.common().image {
            if cover.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                let src = e.source();
                let (line, col) = src.key_position("image");
                out.push(
                    Diagnostic::warning(&src.path, line, col, "image sans texte alternatif")
                        .with_help("ajoutez `alt:` sous `image:` : ce que l'image montre, pour qui ne la voit pas (« Le public du Forum dans la salle des fêtes »)"),
                );
            }
        }
    }
    for conf in c
        .conferences
        .iter()
        .filter(|e| !c.partial.contains_key(&e.source.path))
    {
        let past = !crate::model::time::is_upcoming(conf.data.date, conf.data.end_date, now);
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
    for image in &src.body_images {
        let missing = match &image.alt {
            None => true,
            Some(alt) => !image.html && alt.trim().is_empty(),
        };
        if missing {
            push_image_warning(src, image.offset, out);
        }
    }
}

fn push_image_warning(src: &crate::model::Source, offset: usize, out: &mut Vec<Diagnostic>) {
    let (l, col) = crate::model::config::line_col(&src.body.text(), offset);
    out.push(
        Diagnostic::warning(&src.path, l + src.body_line - 1, col, "image sans texte alternatif")
            .with_help("décrivez l'image entre les crochets : ![Le jardin partagé au printemps](/images/jardin.jpg)"),
    );
}

/// Every record read, with its section (plain pages last).
fn records(c: &crate::load::Content) -> Vec<(Section, &dyn EntryView)> {
    fn each<T: crate::model::Common>(
        section: Section,
        list: &[std::sync::Arc<crate::model::Entry<T>>],
    ) -> impl Iterator<Item = (Section, &dyn EntryView)> {
        list.iter().map(move |e| (section, e as &dyn EntryView))
    }
    let mut out = Vec::new();
    for s in Section::ALL {
        match s {
            Section::Actors => out.extend(each(s, &c.actors)),
            Section::Forum => out.extend(each(s, &c.forums)),
            Section::Conferences => out.extend(each(s, &c.conferences)),
            Section::Magazine => out.extend(each(s, &c.dossiers)),
            Section::Resources => out.extend(each(s, &c.resources)),
            Section::Pages => out.extend(each(s, &c.pages)),
        }
    }
    out
}

/// Conferences without the name of their series (`[conferences]`): they are shown as
/// « Conférences ».
fn unnamed_series(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let Some(first) = loaded.content.conferences.first() else {
        return;
    };
    if loaded.config.conferences.is_none() {
        out.push(
            Diagnostic::warning(&first.source.path, 1, 1, "conférences sans nom de série : le site les appelle « Conférences »")
                .with_help("nommez la série de la commune dans site.toml : [conferences] avec name = \"…\" (au pluriel) et one = \"…\" (une conférence)"),
        );
    }
}

/// Every record the site publishes at `now`, the home page among them.
fn published(loaded: &Loaded, now: chrono::NaiveDateTime) -> Vec<&dyn EntryView> {
    let c = &loaded.content;
    let mut all = records(c);
    if let Some(h) = &c.home {
        all.push((Section::Pages, h as &dyn EntryView));
    }
    all.into_iter()
        .filter(|(section, e)| {
            let common = e.common();
            !common.draft && crate::model::time::is_published(*section, common.date, now)
        })
        .map(|(_, e)| e)
        .collect()
}

/// A published record marked `example: true` (as `init` writes them): to replace before the
/// site goes online.
fn examples(loaded: &Loaded, now: chrono::NaiveDateTime, out: &mut Vec<Diagnostic>) {
    for e in published(loaded, now) {
        if e.common().example {
            let src = e.source();
            let (line, col) = src.key_position("example");
            out.push(
                Diagnostic::warning(&src.path, line, col, "fiche d'exemple publiée")
                    .with_help("remplacez-la par une vraie fiche puis retirez la ligne `example: true`, ou supprimez le fichier"),
            );
        }
    }
}

/// An accessibility statement that claims more than its audit: RGAA allows « partiellement
/// conforme » from a 50 % rate only, « totalement conforme » at 100 %; the site shows what
/// the audit allows.
fn accessibility_status(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let statement = loaded.content.data.get("accessibilite");
    let Some(claimed) = statement
        .and_then(|a| a.get("statut"))
        .and_then(|s| s.as_str())
    else {
        return;
    };
    let (status, rate) = crate::model::data_files::rgaa_status(statement);
    if claimed.trim() == status {
        return;
    }
    let path = "content/data/accessibilite.yaml";
    let text = crate::load::source_text(&loaded.root, path);
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("statut"))
        .map_or(0, |n| n + 1);
    let why = match rate {
        Some(r) => format!("le taux de conformité de l'audit est de {r} %"),
        None => "aucun taux de conformité n'est donné (audit.taux : « 87 % »)".into(),
    };
    out.push(
        Diagnostic::warning(
            path,
            line,
            1,
            format!("statut « {claimed} » : {why}, le site affiche « {status} »"),
        )
        .with_help("selon le RGAA : 100 % totalement conforme, à partir de 50 % partiellement conforme, sinon (ou sans audit) non conforme"),
    );
}

/// What `init` leaves to fill in `site.toml`: the site's address and the contact.
fn placeholders(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let config = &loaded.config;
    let text = crate::load::source_text(&loaded.root, "site.toml");
    let line_of = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map_or(0, |n| n + 1)
    };
    let host = config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or(&config.base_url)
        .split(['/', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    // The names kept for examples and tests (RFC 2606, RFC 6761).
    let reserved = [".example", ".invalid", ".test", ".localhost"];
    let example = reserved.iter().any(|r| host.ends_with(r))
        || ["example.org", "example.com", "example.net", "localhost"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if example {
        out.push(
            Diagnostic::warning(
                "site.toml",
                line_of("base_url"),
                1,
                format!("base_url est une adresse d'exemple ({host})"),
            )
            .with_help("écrivez l'adresse réelle du site, par exemple base_url = \"https://ess.ma-commune.fr\" : les flux, le plan du site et les partages l'utilisent"),
        );
    }
    let contact = &config.contact;
    let empty = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if empty(&contact.email) && empty(&contact.phone) && empty(&contact.address) {
        out.push(
            Diagnostic::warning("site.toml", line_of("[contact]"), 1, "aucun contact pour le public")
                .with_help("renseignez la section [contact] de site.toml (email, phone, address) : le pied de page et la déclaration d'accessibilité la montrent"),
        );
    }
}

/// Each passage marked « [à compléter : …] » in a published record (its front matter's values
/// or its body): named at its line, so that none goes online unnoticed.
fn to_fill(loaded: &Loaded, now: chrono::NaiveDateTime, out: &mut Vec<Diagnostic>) {
    for e in published(loaded, now) {
        let src = e.source();
        // A record is looked at again only if a mark was found in it when it was read.
        if !src.to_fill {
            continue;
        }
        let (yaml, body) = (src.yaml.text(), src.body.text());
        // A YAML comment is not published: only what comes before it.
        let yaml = yaml.lines().map(|l| match l.find(" #") {
            Some(i) => &l[..i],
            None if l.trim_start().starts_with('#') => "",
            None => l,
        });
        let lines = yaml.enumerate().map(|(n, l)| (src.yaml_line + n, l)).chain(
            body.lines()
                .enumerate()
                .map(|(n, l)| (src.body_line + n, l)),
        );
        for (line, text) in lines {
            let mut from = 0;
            while let Some(at) = french::find_to_fill(text, from) {
                let end = text[at..].find(']').map_or(text.len(), |i| at + i + 1);
                let passage = &text[at..end];
                let column = text[..at].chars().count() + 1;
                out.push(
                    Diagnostic::warning(
                        &src.path,
                        line,
                        column,
                        format!("texte à compléter : « {passage} »"),
                    )
                    .with_help(
                        "remplacez le passage entre crochets, crochets compris, par le vrai texte",
                    ),
                );
                from = end.max(at + 1);
            }
        }
    }
}

/// The actors in activity whose record was not checked (`checked`, else `updated`, else `date`)
/// for more than `stale_after_months` of `site.toml`, or never (no date at all): one warning
/// each, and one on `site.toml` listing them all, the oldest first, for the comms team to go
/// through.
fn stale(loaded: &Loaded, now: chrono::NaiveDateTime, out: &mut Vec<Diagnostic>) {
    let months = loaded.config.stale_after_months;
    if months == 0 {
        return;
    }
    let Some(limit) = now.date().checked_sub_months(chrono::Months::new(months)) else {
        return;
    };
    // A record that says no date at all was never checked: the oldest of all.
    let mut old: Vec<(Option<chrono::NaiveDate>, &crate::model::Source)> = loaded
        .content
        .actors
        .iter()
        // An example of `init` is said to be one already: it is to be replaced, not checked.
        .filter(|a| a.data.closed.is_none() && !a.data.draft && !a.data.example)
        .filter_map(
            |a| match a.data.checked.or(a.data.updated).or(a.data.date) {
                None => Some((None, &a.source)),
                Some(last) => (last.date() < limit).then_some((Some(last.date()), &a.source)),
            },
        )
        .collect();
    if old.is_empty() {
        return;
    }
    old.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
    let long = |d: chrono::NaiveDate| crate::text::french::date(d);
    // In parallel, in the same order: each warning's place is found in its record's YAML.
    let warnings: Vec<Diagnostic> = old
        .par_iter()
        .map(|(last, src)| {
            // At the first of these keys written, else at the title: the YAML read back once.
            let (line, col) = src.in_file(src.with_yaml(|yaml| {
                ["checked", "updated", "date", "title"]
                    .into_iter()
                    .find_map(|k| crate::yaml::key_position(yaml, k))
            }));
            // One each, and a directory may hold a million: the words said of none are the
            // program's own, not copies.
            let said: std::borrow::Cow<'static, str> = match last {
                Some(last) => format!("fiche non vérifiée depuis le {}", long(*last)).into(),
                None => "fiche sans date de vérification".into(),
            };
            Diagnostic::warning(&src.path, line, col, said)
                .with_help("vérifiez ses informations auprès de la structure, puis écrivez le jour de la vérification : `checked: AAAA-MM-JJ`")
        })
        .collect();
    out.extend(warnings);
    let text = crate::load::source_text(&loaded.root, "site.toml");
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("stale_after_months"))
        .map_or(0, |n| n + 1);
    let list: Vec<String> = old
        .iter()
        .take(30)
        .map(|(last, src)| match last {
            Some(last) => format!("{} ({})", src.path.display(), long(*last)),
            None => format!("{} (jamais)", src.path.display()),
        })
        .collect();
    let more = match old.len() {
        n if n > 30 => format!(" et {} autres", n - 30),
        _ => String::new(),
    };
    out.push(
        Diagnostic::warning(
            "site.toml",
            line,
            1,
            format!(
                "{} fiche{} d’acteur non vérifiée{} depuis plus de {months} mois{}",
                old.len(),
                if old.len() > 1 { "s" } else { "" },
                if old.len() > 1 { "s" } else { "" },
                if old.iter().any(|(l, _)| l.is_none()) {
                    " ou jamais"
                } else {
                    ""
                },
            ),
        )
        .with_help(format!(
            "la plus ancienne d’abord : {}{more} ; le délai se règle par stale_after_months dans site.toml (0 : jamais)",
            list.join(", ")
        )),
    );
}
