//! The editor's fields, one per field of the content model: the widget its Rust type and
//! meaning call for, its French label, and as its hint the words of the `ess-site new`
//! scaffold for that field (the comment after it), so that the editor and the scaffolds say
//! the same thing. `tests` checks them against the model's own field lists.

use crate::model::{Section, Term};
use crate::render::site::Site;
use serde_json::{json, Map, Value};

/// What a field is edited with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Widget {
    /// One line of text.
    Line,
    /// A few lines of text (a summary).
    Text,
    Markdown,
    Boolean,
    Integer,
    Float,
    Date,
    /// A date that a new record takes from the day it is made (an actor's entry in the
    /// directory, as `ess-site new` gives it).
    Today,
    DateTime,
    /// A time of day, `HH:MM`.
    Clock,
    /// A list of words.
    Words,
    /// An image of the site's image folder (or an address).
    Image,
    /// `{src, alt, credit}`.
    Cover,
    /// `{lat, lon}`.
    Geo,
    /// The site's domains (several).
    Domains,
    LegalForm,
    /// The stages of the project holders' path (several).
    Stages,
    MagazineKind,
    ProgramKind,
    /// One actor, by slug.
    Actor,
    /// Actors, by slug.
    Actors,
    /// Speakers: `{name, role, actor, photo}`.
    Speakers,
    /// The Forum's programme.
    Program,
    /// The record's own address (a slug).
    Slug,
    /// An address (`https://…`).
    Address,
}

/// One field of a record type: its key, label and widget, and whether it must be given.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub widget: Widget,
    pub required: bool,
}

const fn f(name: &'static str, label: &'static str, widget: Widget) -> Field {
    Field {
        name,
        label,
        widget,
        required: false,
    }
}

const fn required(name: &'static str, label: &'static str, widget: Widget) -> Field {
    Field {
        name,
        label,
        widget,
        required: true,
    }
}

/// What presents a record, in every kind: its summary, text, image and keywords.
const PRESENTATION: &[Field] = &[
    f("summary", "Résumé", Widget::Text),
    f("body", "Texte", Widget::Markdown),
    f("image", "Image", Widget::Cover),
    f("tags", "Mots-clés", Widget::Words),
];

/// How a record is published, in every kind (after the kind's own publication fields).
const PUBLICATION: &[Field] = &[
    f("draft", "Brouillon", Widget::Boolean),
    f("updated", "Mise à jour", Widget::Date),
    f("slug", "Adresse de la fiche", Widget::Slug),
    f("aliases", "Anciennes adresses", Widget::Words),
    f("example", "Fiche d’exemple", Widget::Boolean),
];

/// The groups of a kind's form, in the order a person fills them: (heading, fields). The
/// editor shows each heading above its group's first field; the record's keys stay flat.
pub fn groups(section: Option<Section>) -> Vec<(&'static str, Vec<Field>)> {
    use Widget::*;
    let title = |label| required("title", label, Line);
    let mut groups: Vec<(&'static str, Vec<Field>)> = match section {
        Some(Section::Actors) => vec![
            (
                "Identité",
                vec![
                    title("Nom"),
                    f("legal_form", "Statut", LegalForm),
                    f("domains", "Domaines d’action", Domains),
                    f("stages", "Pour les porteurs de projet", Stages),
                    f("logo", "Logo", Image),
                    f("since", "Année de création", Integer),
                    f("siret", "SIRET", Line),
                    f("rna", "Numéro RNA", Line),
                ],
            ),
            (
                "Contact",
                vec![
                    f("website", "Site web", Address),
                    f("email", "Courriel", Line),
                    f("phone", "Téléphone", Line),
                    f("hours", "Horaires", Line),
                ],
            ),
            (
                "Lieu",
                vec![
                    f("address", "Adresse", Line),
                    f("geo", "Position sur la carte", Geo),
                ],
            ),
        ],
        Some(Section::Forum) => vec![
            (
                "L’édition",
                vec![
                    title("Titre"),
                    required("date", "Jour de l’édition", Date),
                    f("end_date", "Dernier jour", Date),
                    f("venue", "Lieu", Line),
                    f("registration_url", "Inscription", Address),
                ],
            ),
            (
                "Partenaires et exposants",
                vec![
                    f("partners", "Partenaires", Actors),
                    f("exhibitors", "Exposants", Actors),
                ],
            ),
            ("Programme", vec![f("program", "Programme", Program)]),
        ],
        Some(Section::Conferences) => vec![
            (
                "La conférence",
                vec![
                    title("Titre"),
                    required("date", "Date et heure", DateTime),
                    f("end_date", "Fin", DateTime),
                    f("venue", "Lieu", Line),
                    f("domains", "Domaines abordés", Domains),
                    f("registration_url", "Inscription", Address),
                ],
            ),
            (
                "Intervenants",
                vec![f("speakers", "Intervenants", Speakers)],
            ),
            (
                "Après la conférence",
                vec![
                    f("replay_url", "Replay", Address),
                    f("slides_url", "Supports de présentation", Address),
                ],
            ),
        ],
        Some(Section::Magazine) => vec![(
            "L’article",
            vec![
                title("Titre"),
                required("date", "Date de publication", Date),
                f("kind", "Genre", MagazineKind),
                f("issue", "Numéro du magazine", Integer),
                f("pdf_url", "Version imprimée (PDF)", Address),
                f("actors", "Acteurs cités", Actors),
            ],
        )],
        Some(Section::Resources) => vec![(
            "La ressource",
            vec![
                title("Titre"),
                required("date", "Date de publication", Date),
                f("category", "Catégorie", Line),
                f("resource_type", "Type", Line),
                f("file_url", "Document à télécharger", Line),
                f("url", "Page à consulter", Address),
            ],
        )],
        Some(Section::Pages) => vec![(
            "La page",
            vec![title("Titre"), f("menu", "Place dans le menu", Integer)],
        )],
        None => vec![("La fiche", vec![title("Titre")])],
    };
    groups.push(("Présentation", PRESENTATION.to_vec()));
    // The kind's own publication fields, then every record's.
    let own: Vec<Field> = match section {
        Some(Section::Actors) => vec![
            f("date", "Entrée dans l’annuaire", Today),
            f("checked", "Vérifiée le", Date),
            f("closed", "Date de fermeture", Date),
            f("partner_charter", "Charte de partenariat", Boolean),
        ],
        Some(Section::Resources) => vec![f("private", "Réservée aux membres", Boolean)],
        Some(Section::Pages) | None => vec![f("date", "Date", Date)],
        _ => Vec::new(),
    };
    groups.push((
        "Publication",
        own.into_iter().chain(PUBLICATION.iter().copied()).collect(),
    ));
    groups
}

/// The fields of a kind of record, in the editor's order (its groups', one after the other).
pub fn of(section: Option<Section>) -> Vec<Field> {
    groups(section).into_iter().flat_map(|(_, g)| g).collect()
}

/// The fields of a programme item, a speaker and a picture: (key, label, widget, required).
pub const PROGRAM_ITEM: &[Field] = &[
    required("start", "Début", Widget::Clock),
    f("end", "Fin", Widget::Clock),
    required("kind", "Genre", Widget::ProgramKind),
    required("title", "Titre", Widget::Line),
    f("room", "Salle", Widget::Line),
    f("speakers", "Intervenants", Widget::Speakers),
    f("actors", "Acteurs qui l’animent", Widget::Actors),
];

pub const SPEAKER: &[Field] = &[
    required("name", "Nom", Widget::Line),
    f("role", "Rôle", Widget::Line),
    f("actor", "Structure", Widget::Actor),
    f("photo", "Photo", Widget::Image),
];

pub const COVER: &[Field] = &[
    required("src", "Fichier", Widget::Image),
    f("alt", "Ce que l’image montre", Widget::Line),
    f("credit", "Crédit", Widget::Line),
];

pub const GEO: &[Field] = &[
    required("lat", "Latitude", Widget::Float),
    required("lon", "Longitude", Widget::Float),
];

/// The hints of a kind's scaffold: each top-level key's comment (`key: … # hint`), and of the
/// keys of its commented examples (`#  key: … # hint`, the items of a programme).
pub fn scaffold_hints(section: Section) -> Vec<(String, String)> {
    // The editor chooses domains in a list: the hint need not name them.
    let text = crate::model::scaffold::record_text(section, "Titre", "2026-01-01", &[]);
    let mut hints = Vec::new();
    for line in text.lines() {
        let line = line.trim_start_matches('#').trim_start();
        let line = line.trim_start_matches("- ");
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            continue;
        }
        if let Some((_, hint)) = rest.split_once(" # ") {
            if !hints.iter().any(|(k, _): &(String, String)| k == key) {
                hints.push((key.to_string(), hint.trim().to_string()));
            }
        }
    }
    hints
}

/// A scaffold's hint without its « OBLIGATOIRE : » (the editor marks required fields itself).
fn hint_text(hints: &[(String, String)], name: &str) -> Option<String> {
    let (_, h) = hints.iter().find(|(k, _)| k == name)?;
    // A box to tick, where the scaffold writes true or false.
    let h = h
        .trim_start_matches("OBLIGATOIRE : ")
        .replace("true : ", "coché : ")
        .replace("; false pour publier", "");
    Some(h)
}

/// The hints the editor gives in the comms team's words where the scaffold's speak of YAML
/// (formats, slugs, lists in brackets, file paths): the form chooses dates from a calendar,
/// actors and values from lists, images from the image library.
fn team_hint(section: Option<Section>, name: &str) -> Option<&'static str> {
    use Section::*;
    Some(match (section, name) {
        (Some(Actors), "date") => {
            "le jour de son entrée dans l’annuaire : la lettre d’information de ce mois-là le présente parmi les nouveaux acteurs"
        }
        (Some(Forum), "date") => "le jour de l’édition (le premier, si elle en dure plusieurs)",
        (Some(Conferences), "date") => "le jour et l’heure du début",
        (Some(Conferences), "end_date") => "l’heure de fin, le même jour ou un autre",
        (Some(Magazine), "date") => {
            "le jour de parution : la fiche paraît sur le site ce jour-là, pas avant"
        }
        (Some(Resources), "date") => "le jour de parution de la ressource",
        (_, "date") => "le jour de parution",
        (_, "legal_form") => "le statut juridique de la structure",
        (_, "siret") => {
            "le numéro SIRET de l’établissement, 14 chiffres : l’annuaire des entreprises (annuaire-entreprises.data.gouv.fr) le donne"
        }
        (_, "rna") => "pour une association sans SIRET : son numéro au répertoire national des associations, W suivi de 9 chiffres",
        (_, "stages") => "ce que la structure propose aux porteurs de projet",
        (_, "geo") => {
            "le point du lieu sur la carte, en degrés décimaux : un clic droit sur openstreetmap.org les donne"
        }
        (_, "website") => "l’adresse complète du site, qui commence par https://",
        (_, "phone") => "par exemple 01 23 45 67 89",
        (_, "hours") => {
            "au format d’OpenStreetMap, les jours en anglais et les heures comme 09:00 : Tu-Sa 10:00-19:00; PH off (du mardi au samedi de 10 h à 19 h, fermé les jours fériés)"
        }
        (_, "logo") => "le logo de la structure : une image de la médiathèque (PNG ou SVG), ou l’adresse d’une image en ligne",
        (_, "since") => "par exemple 2014",
        (_, "checked") => {
            "le jour où la fiche a été vérifiée auprès de la structure : la vérification de la fiche signale celles qui ne l’ont pas été depuis longtemps"
        }
        (_, "closed") => "le jour où la structure a fermé : sa fiche reste, marquée fermée",
        (_, "updated") => "le jour de la dernière mise à jour de la fiche",
        (_, "image") => "l’image en tête de la fiche et sur sa carte, avec ce qu’elle montre pour qui ne la voit pas",
        (_, "tags") => "des mots qui aident à trouver la fiche, séparés par des virgules : emploi, jeunesse",
        (_, "slug") => "la fin de l’adresse de la page, si elle doit être autre que le titre (des minuscules, des chiffres et des tirets)",
        (_, "aliases") => {
            "les anciennes adresses de la page, qui mènent désormais ici, séparées par des virgules"
        }
        (_, "draft") => "coché : la fiche reste un brouillon, jamais publiée ; l’aperçu la montre",
        (_, "partners") => "les acteurs de l’annuaire partenaires de l’édition",
        (_, "exhibitors") => "les acteurs de l’annuaire qui tiennent un stand",
        (_, "program") => "le programme de la journée, un moment après l’autre",
        (_, "start") => "l’heure de début, par exemple 14:30",
        (_, "end") => "l’heure de fin, par exemple 16:00",
        (_, "kind") if section == Some(Forum) => "le genre du moment : salon, atelier, conférence…",
        (_, "speakers") => "les personnes qui interviennent, une à une",
        (_, "actors") if section == Some(Forum) => "les acteurs de l’annuaire qui animent ce moment",
        (_, "actors") => "les acteurs de l’annuaire dont la fiche parle",
        (_, "venue") => "le lieu, par exemple : salle des fêtes, hôtel de ville",
        (_, "category") => "la catégorie, par exemple : Guides",
        (_, "resource_type") => "le type, par exemple : Ressources RTES",
        (_, "file_url") => "le document à télécharger : un fichier du site ou une adresse https://",
        (_, "url") => "ou la page à consulter en ligne, à son adresse https://",
        (_, "menu") => "sa place dans le menu principal (1, 2…) ; vide : hors du menu",
        (_, "photo") => "une photo de la médiathèque",
        (_, "src") => "une image de la médiathèque (JPEG, PNG, WebP ou SVG)",
        _ => return None,
    })
}

/// The hint of the field `name` of a record of `section`: the team's words, else the
/// scaffold's, else the editor's own.
pub fn hint(section: Option<Section>, name: &str, hints: &[(String, String)]) -> Option<String> {
    team_hint(section, name)
        .map(str::to_string)
        .or_else(|| hint_text(hints, name))
        .or_else(|| own_hint(name).map(str::to_string))
}

/// Hints of the fields the scaffold does not write out.
fn own_hint(name: &str) -> Option<&'static str> {
    Some(match name {
        "title" => "le titre de la fiche, tel que les visiteurs le lisent",
        "example" => {
            "coché : une fiche d’exemple écrite par ess-site init, à remplacer (la construction le signale tant qu’elle est publiée)"
        }
        "body" => "le texte de la fiche, en Markdown : des paragraphes, des mots en gras, des listes, des liens",
        "src" => "une image de static/images/ (JPEG, PNG, WebP ou SVG)",
        "alt" => "ce que l’image montre, pour qui ne la voit pas",
        "credit" => "crédit photo, affiché sous l’image",
        "lat" => "en degrés décimaux (un clic droit sur OpenStreetMap la donne)",
        "lon" => "en degrés décimaux (un clic droit sur OpenStreetMap la donne)",
        "name" => "nom et prénom",
        "role" => "par exemple « fondatrice »",
        "actor" => "la structure qu’il ou elle représente, si elle est dans l’annuaire",
        "photo" => "une photo de static/images/",
        _ => return None,
    })
}

/// The editor's description of `fields` (Decap CMS's `fields:`).
pub fn describe(
    site: &Site,
    section: Option<Section>,
    fields: &[Field],
    hints: &[(String, String)],
) -> Vec<Value> {
    fields
        .iter()
        .map(|f| field(site, section, f, hints))
        .collect()
}

fn options<T: Term>(theme: &crate::load::theme::Theme, group: &str) -> Value {
    T::ALL
        .iter()
        .map(|t| json!({"label": theme.label(group, t.slug()), "value": t.slug()}))
        .collect()
}

fn actors_relation(multiple: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("widget".into(), "relation".into());
    m.insert("collection".into(), "acteurs".into());
    m.insert("value_field".into(), "{{slug}}".into());
    m.insert("search_fields".into(), json!(["title"]));
    m.insert("display_fields".into(), json!(["title"]));
    m.insert("options_length".into(), json!(100));
    if multiple {
        m.insert("multiple".into(), true.into());
    }
    m
}

fn field(site: &Site, section: Option<Section>, f: &Field, hints: &[(String, String)]) -> Value {
    use Widget::*;
    let theme = &site.theme;
    let mut m = Map::new();
    m.insert("label".into(), f.label.into());
    m.insert("name".into(), f.name.into());
    let widget: Map<String, Value> = match f.widget {
        Line => obj(json!({"widget": "string"})),
        Text => obj(json!({"widget": "text"})),
        Markdown => obj(json!({"widget": "markdown"})),
        Boolean => obj(json!({"widget": "boolean", "default": false})),
        Integer => obj(json!({"widget": "number", "value_type": "int"})),
        Float => obj(json!({"widget": "number", "value_type": "float", "step": 0.0001})),
        Date => obj(json!({"widget": "datetime", "format": "YYYY-MM-DD",
            "date_format": "DD/MM/YYYY", "time_format": false, "default": ""})),
        Today => obj(json!({"widget": "datetime", "format": "YYYY-MM-DD",
            "date_format": "DD/MM/YYYY", "time_format": false, "default": "{{now}}"})),
        DateTime => obj(json!({"widget": "datetime", "format": "YYYY-MM-DDTHH:mm",
            "date_format": "DD/MM/YYYY", "time_format": "HH:mm", "default": ""})),
        Clock => obj(json!({"widget": "string",
            "pattern": ["^([01]?[0-9]|2[0-4])[:h][0-5][0-9]$", "une heure, par exemple 14:30"]})),
        Words => obj(json!({"widget": "list"})),
        Image => obj(json!({"widget": "image", "choose_url": true})),
        // The parts of an optional object are optional in the editor (it would not save a
        // record without them): `check` says which one is missing when only some are given.
        Cover => obj(json!({"widget": "object", "collapsed": true,
            "fields": describe(site, section, &optional(COVER), hints)})),
        Geo => obj(json!({"widget": "object", "collapsed": true,
            "fields": describe(site, section, &optional(GEO), hints)})),
        Domains => {
            let options: Vec<Value> = site
                .config
                .domains
                .slugs()
                .map(|slug| json!({"label": site.domain_label(slug), "value": slug}))
                .collect();
            obj(json!({"widget": "select", "multiple": true, "options": options}))
        }
        LegalForm => obj(
            json!({"widget": "select", "options": options::<crate::model::LegalForm>(theme, "legal_forms")}),
        ),
        Stages => obj(json!({"widget": "select", "multiple": true,
            "options": options::<crate::model::Stage>(theme, "stages")})),
        MagazineKind => obj(json!({"widget": "select", "default": "dossier",
            "options": options::<crate::model::MagazineKind>(theme, "magazine_kinds")})),
        ProgramKind => obj(json!({"widget": "select",
            "options": options::<crate::model::ProgramKind>(theme, "program_kinds")})),
        Actor => actors_relation(false),
        Actors => actors_relation(true),
        Speakers => obj(json!({"widget": "list", "summary": "{{fields.name}}",
            "label_singular": "intervenant",
            "fields": describe(site, section, SPEAKER, hints)})),
        Program => obj(
            json!({"widget": "list", "summary": "{{fields.start}} {{fields.title}}",
            "label_singular": "élément du programme",
            "fields": describe(site, section, PROGRAM_ITEM, hints)}),
        ),
        Slug => obj(json!({"widget": "string",
            "pattern": ["^[a-z0-9]+(-[a-z0-9]+)*$", "des minuscules sans accent, des chiffres et des tirets"]})),
        Address => obj(json!({"widget": "string",
            "pattern": ["^https?://[^ ]+$", "une adresse complète, en https://"]})),
    };
    m.extend(widget);
    if !f.required {
        m.insert("required".into(), false.into());
    }
    if let Some(h) = hint(section, f.name, hints) {
        m.insert("hint".into(), crate::text::french::typography(&h).into());
    }
    Value::Object(m)
}

fn optional(fields: &[Field]) -> Vec<Field> {
    fields
        .iter()
        .map(|f| Field {
            required: false,
            ..*f
        })
        .collect()
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
