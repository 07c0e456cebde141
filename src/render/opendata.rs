//! Open data: the actors directory as CSV and JSON (`/donnees/acteurs.csv`, `.json`), with the
//! same documented columns, for other sites and tools to reuse; and the few of them the
//! directory's filters read (`/acteurs/filtres.json`).

use crate::model::Section;
use crate::model::Term;
use crate::render::site::Site;
use serde::Serialize;
use std::io::Write;

/// The columns, in order, with what each holds (shown on `/donnees/`).
pub const COLUMNS: &[(&str, &str)] = &[
    ("slug", "identifiant stable de l'acteur, la fin de l'adresse de sa page"),
    ("nom", "nom de la structure"),
    ("forme_juridique", "association, cooperative, scop, scic, mutuelle, fondation, entreprise-esus, collectivite ou autre"),
    ("domaines", "domaines d’action, séparés par « ; »"),
    ("etapes", "ce qu’elle propose aux porteurs de projet (informer … financer), séparées par « ; »"),
    ("adresse", "adresse postale"),
    ("latitude", "latitude WGS 84, en degrés décimaux"),
    ("longitude", "longitude WGS 84, en degrés décimaux"),
    ("site_web", "site web"),
    ("courriel", "courriel de contact"),
    ("telephone", "téléphone"),
    ("creation", "année de création"),
    ("fermeture", "date de fermeture (AAAA-MM-JJ), vide si en activité"),
    ("charte_partenariat", "signataire de la charte de partenariat du territoire (true ou false)"),
    ("mise_a_jour", "date de la dernière mise à jour de la fiche (AAAA-MM-JJ)"),
    ("url", "adresse de sa page sur le portail"),
    ("logo", "adresse de son logo, vide s’il n’en a pas"),
    ("logo_largeur", "largeur de son logo en pixels, vide si le portail ne la connaît pas"),
    ("logo_hauteur", "hauteur de son logo en pixels, vide si le portail ne la connaît pas"),
    ("siret", "numéro SIRET de l’établissement (14 chiffres), vide s’il n’est pas donné"),
    ("rna", "numéro au répertoire national des associations (W et 9 chiffres), pour une association sans SIRET"),
];

/// One actor, as the exports give it.
#[derive(Serialize)]
pub struct ActorRow {
    slug: String,
    nom: String,
    forme_juridique: String,
    domaines: String,
    etapes: String,
    adresse: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    site_web: String,
    courriel: String,
    telephone: String,
    creation: Option<i32>,
    fermeture: String,
    charte_partenariat: bool,
    mise_a_jour: String,
    url: String,
    logo: String,
    logo_largeur: Option<u32>,
    logo_hauteur: Option<u32>,
    siret: String,
    rna: String,
}

impl ActorRow {
    /// The row as a spreadsheet may open it: a text cell that starts with `=`, `+`, `-`, `@`, a
    /// tab or a carriage return is a formula to Excel and LibreOffice, so it gets a leading `'`
    /// (OWASP's rule against CSV injection). The JSON keeps the values exact.
    fn for_spreadsheet(self) -> ActorRow {
        let n = |s: String| {
            if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{s}")
            } else {
                s
            }
        };
        ActorRow {
            slug: n(self.slug),
            nom: n(self.nom),
            forme_juridique: n(self.forme_juridique),
            domaines: n(self.domaines),
            etapes: n(self.etapes),
            adresse: n(self.adresse),
            site_web: n(self.site_web),
            courriel: n(self.courriel),
            telephone: n(self.telephone),
            fermeture: n(self.fermeture),
            mise_a_jour: n(self.mise_a_jour),
            url: n(self.url),
            logo: n(self.logo),
            siret: n(self.siret),
            rna: n(self.rna),
            ..self
        }
    }
}

/// A sequence serialised as its items are made: an export of a million records never holds
/// them all (nor their JSON values) at once, only the bytes written.
pub struct Lazy<I>(std::cell::Cell<Option<I>>);

impl<I> Lazy<I> {
    pub fn new(items: I) -> Lazy<I> {
        Lazy(std::cell::Cell::new(Some(items)))
    }
}

impl<I> Serialize for Lazy<I>
where
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Serialised once: a second time gives an empty sequence.
        serializer.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// `value` as indented JSON with a final newline, written as it is serialised.
pub fn pretty_to<T: Serialize>(value: &T, w: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    w.write_all(b"\n")
}

/// What `write` writes, in memory; `empty` and a newline if it fails (never with the exports'
/// strings and numbers).
pub fn whole(empty: &[u8], write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Vec<u8> {
    let mut out = Vec::new();
    if write(&mut out).is_err() {
        out.clear();
        out.extend_from_slice(empty);
        out.push(b'\n');
    }
    out
}

/// Every published actor, in the directory's order, made one at a time.
pub fn rows(site: &Site) -> impl Iterator<Item = ActorRow> + '_ {
    site.actors.iter().map(|e| {
        let a = &e.data;
        let logo = a
            .logo
            .as_deref()
            .and_then(|l| crate::render::pages::pictures::image(site, l));
        ActorRow {
            slug: e.slug.clone(),
            nom: a.title.clone(),
            forme_juridique: a
                .legal_form
                .map(|f| f.slug().to_string())
                .unwrap_or_default(),
            domaines: a.domains.join(";"),
            etapes: a
                .stages
                .iter()
                .map(|s| s.slug())
                .collect::<Vec<_>>()
                .join(";"),
            adresse: a.address.clone().unwrap_or_default(),
            latitude: a.geo.map(|g| g.lat),
            longitude: a.geo.map(|g| g.lon),
            site_web: a.website.clone().unwrap_or_default(),
            courriel: a.email.clone().unwrap_or_default(),
            telephone: a.phone.clone().unwrap_or_default(),
            creation: a.since,
            fermeture: a.closed.map(|d| d.date().to_string()).unwrap_or_default(),
            charte_partenariat: a.partner_charter,
            mise_a_jour: a
                .updated
                .or(a.date)
                .map(|d| d.date().to_string())
                .unwrap_or_default(),
            url: site.config.absolute(&Section::Actors.url(&e.slug)),
            logo: a
                .logo
                .as_deref()
                .map(|l| logo_url(site, l))
                .unwrap_or_default(),
            // Its size, so that a page showing it keeps its place before it loads.
            logo_largeur: logo.map(|i| i.width),
            logo_hauteur: logo.map(|i| i.height),
            // The number alone, without the spaces of its groups: what a program matches.
            siret: a
                .siret
                .as_deref()
                .map(|s| s.replace([' ', '\u{a0}', '\u{202f}'], ""))
                .unwrap_or_default(),
            rna: a
                .rna
                .as_deref()
                .map(|s| s.replace([' ', '\u{a0}', '\u{202f}'], "").to_uppercase())
                .unwrap_or_default(),
        }
    })
}

/// The absolute address of logo `src`: a published image's own address (its largest width), or
/// an address elsewhere as written.
fn logo_url(site: &Site, src: &str) -> String {
    match crate::render::pages::pictures::image(site, src) {
        Some(image) => site.config.absolute(&image.path),
        None if src.starts_with('/') => site.config.absolute(src.trim()),
        None => src.trim().to_string(),
    }
}

/// The CSV export: UTF-8, comma-separated, a header line, RFC 4180 quoting.
pub fn csv(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    for row in rows(site) {
        w.serialize(row.for_spreadsheet())?;
    }
    if site.actors.is_empty() {
        w.write_record(COLUMNS.iter().map(|(c, _)| *c))?;
    }
    w.flush()
}

/// The JSON export: an array of objects with the CSV's columns.
pub fn json(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    pretty_to(&Lazy::new(rows(site)), w)
}

/// The fields of `filters`, in the open data's names.
pub const FILTER_FIELDS: &[&str] = &[
    "slug",
    "nom",
    "adresse",
    "forme_juridique",
    "domaines",
    "etapes",
    "fermeture",
    "logo",
    "logo_largeur",
    "logo_hauteur",
];

/// What the directory's and the map's filters read (`/acteurs/filtres.json`): of each published
/// actor, the fields they match and their cards show, one row each under one list of names
/// (`FILTER_FIELDS`), without spaces. A fraction of the JSON export's bytes: a phone that
/// filters a directory of thousands does not read every column of the open data.
pub fn filters(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Filters<R> {
        champs: &'static [&'static str],
        acteurs: R,
    }
    let rows = rows(site).map(|r| {
        (
            r.slug,
            r.nom,
            r.adresse,
            r.forme_juridique,
            r.domaines,
            r.etapes,
            r.fermeture,
            r.logo,
            r.logo_largeur,
            r.logo_hauteur,
        )
    });
    let filters = Filters {
        champs: FILTER_FIELDS,
        acteurs: Lazy::new(rows),
    };
    serde_json::to_writer(&mut *w, &filters)?;
    w.write_all(b"\n")
}

/// The GeoJSON export (RFC 7946): a `FeatureCollection` of the actors with a position, each a
/// `Point` (longitude, then latitude, WGS 84) whose properties are the CSV's columns.
pub fn geojson(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    use serde_json::json;
    // The keys in alphabetical order, as JSON objects have always been written here.
    #[derive(Serialize)]
    struct Collection<F> {
        features: F,
        #[serde(rename = "type")]
        kind: &'static str,
    }
    let features = rows(site).filter_map(|row| {
        let (lat, lon) = (row.latitude?, row.longitude?);
        Some(json!({
            "type": "Feature",
            "id": row.slug,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": row,
        }))
    });
    let collection = Collection {
        features: Lazy::new(features),
        kind: "FeatureCollection",
    };
    pretty_to(&collection, w)
}

/// The GoGoCarto export: `data` holds the elements (actors with a position or an address),
/// `taxonomy` the categories they use (domains of action, legal forms, stages), so that a
/// GoGoCarto map — the regional ESS maps use it — can import the directory from its URL.
pub fn gogocarto(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    use serde_json::{json, Value};
    let domain = |s: &str| format!("domaine-{s}");
    let form = |s: &str| format!("forme-{s}");
    let stage = |s: &str| format!("etape-{s}");
    let data = site.actors.iter().map(|e| {
            let a = &e.data;
            let mut categories: Vec<(String, String)> = a
                .domains
                .iter()
                .map(|d| (domain(d), site.domain_label(d).to_string()))
                .collect();
            if let Some(f) = a.legal_form {
                categories.push((
                    form(f.slug()),
                    site.theme.label("legal_forms", f.slug()).to_string(),
                ));
            }
            for s in &a.stages {
                categories.push((
                    stage(s.slug()),
                    site.theme.label("stages", s.slug()).to_string(),
                ));
            }
            json!({
                "id": e.slug,
                "name": a.title,
                "geo": a.geo.map(|g| json!({"latitude": g.lat, "longitude": g.lon})),
                "address": {
                    "customFormatedAddress": a.address.clone().unwrap_or_default(),
                    "addressCountry": "FR",
                },
                "categories": categories.iter().map(|(_, name)| name).collect::<Vec<_>>(),
                "categoriesFull": categories
                    .iter()
                    .map(|(id, name)| json!({"id": id, "name": name}))
                    .collect::<Vec<_>>(),
                "description": a.summary.as_deref().map(crate::text::markdown::plain).unwrap_or_default(),
                "website": a.website.clone().unwrap_or_default(),
                "email": a.email.clone().unwrap_or_default(),
                "telephone": a.phone.clone().unwrap_or_default(),
                "status": if a.closed.is_some() { "fermé" } else { "en activité" },
                "updatedAt": a.updated.or(a.date).map(|d| d.date().to_string()).unwrap_or_default(),
                "sourceKey": site.config.title,
                "url": site.config.absolute(&Section::Actors.url(&e.slug)),
            })
    });
    let options = |items: Vec<(String, String)>| -> Vec<Value> {
        items
            .into_iter()
            .map(|(id, name)| json!({"id": id, "name": name, "subcategories": []}))
            .collect()
    };
    let taxonomy = json!([
        {"id": "domaines", "name": "Domaines d’action", "options": options(site.by_domain.iter().filter(|(_, m)| !m.is_empty()).map(|(s, _)| (domain(s), site.domain_label(s).to_string())).collect())},
        {"id": "formes", "name": "Formes juridiques", "options": options(site.by_legal_form.iter().map(|(s, _)| (form(s), site.theme.label("legal_forms", s).to_string())).collect())},
        {"id": "etapes", "name": "Étapes d’un projet", "options": options(site.by_stage.iter().map(|(s, _)| (stage(s.slug()), site.theme.label("stages", s.slug()).to_string())).collect())},
    ]);
    // The keys in alphabetical order, as JSON objects have always been written here.
    #[derive(Serialize)]
    struct Doc<'a, D> {
        data: D,
        licence: &'a str,
        ontology: &'static str,
        taxonomy: Value,
    }
    let doc = Doc {
        data: Lazy::new(data),
        licence: &site.config.data_licence_url,
        ontology: "gogofull",
        taxonomy,
    };
    pretty_to(&doc, w)
}
