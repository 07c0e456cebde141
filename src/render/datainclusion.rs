//! The directory in the national schema of the offer of social and professional inclusion,
//! data·inclusion (`schema.data.gouv.fr`, version 1): `/donnees/data-inclusion/structures.json`,
//! one `Structure` per published actor in activity, so that the national services that guide
//! people to help can take the commune's directory as it is.
//!
//! What the model holds maps to the schema's fields; what it does not hold is left out. The
//! INSEE code is the commune's (`[commune] insee`) for the actors whose address is in the
//! commune, and left out for the others. The opening hours are `horaires_accueil`, in OpenStreetMap's
//! syntax as the schema asks (normalised by `model::hours`). `date_maj` is the day the record was last checked (`checked`, else `updated`, else
//! `date`), or the day of the build for a record that says none.

use crate::model::{Actor, Section};
use crate::render::opendata;
use crate::render::site::Site;
use serde::Serialize;

/// One structure, as the schema's `Structure` (v1) names its fields.
#[derive(Serialize)]
struct Structure {
    source: String,
    id: String,
    nom: String,
    date_maj: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    lien_source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    siret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adresse: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_postal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_insee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commune: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    longitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    telephone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    courriel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    site_web: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    horaires_accueil: Option<String>,
}

/// The producer's identifier: the portal of the commune (`ess-sceaux`).
fn source(site: &Site) -> String {
    format!("ess-{}", crate::text::french::slugify(&site.config.commune))
}

/// « 12 rue Gambetta, 92240 Malakoff » → (« 12 rue Gambetta », « 92240 », « Malakoff »): the
/// postal code and commune at the end of an address written on one line, when they are there.
fn split_address(address: &str) -> (Option<String>, Option<String>, Option<String>) {
    let address = address.trim();
    let (street, last) = match address.rsplit_once(',') {
        Some((street, last)) => (Some(street.trim()), last.trim()),
        None => (None, address),
    };
    let code = last
        .get(..5)
        .filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
    match (code, last.get(5..).map(str::trim)) {
        (Some(code), Some(commune)) if !commune.is_empty() => (
            street.map(str::to_string),
            Some(code.to_string()),
            Some(commune.to_string()),
        ),
        _ => (Some(address.to_string()), None, None),
    }
}

/// A French number as E.164 (`01 41 13 33 00` → `+33141133300`), as the schema prefers; any
/// other number as written.
fn e164(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match (phone.trim_start().starts_with('+'), digits.len()) {
        (false, 10) if digits.starts_with('0') => format!("+33{}", &digits[1..]),
        (true, _) => format!("+{digits}"),
        _ => phone.trim().to_string(),
    }
}

fn structure(site: &Site, slug: &str, a: &Actor) -> Structure {
    let (adresse, code_postal, commune) = a
        .address
        .as_deref()
        .map(split_address)
        .unwrap_or((None, None, None));
    let last = a.checked.or(a.updated).or(a.date);
    Structure {
        source: source(site),
        id: format!("{}--{slug}", source(site)),
        nom: a
            .title
            .trim()
            .trim_end_matches('.')
            .chars()
            .take(150)
            .collect(),
        // Never later than the build: the schema refuses a change dated in the future.
        date_maj: last
            .map(|d| d.date().min(site.options.now.date()))
            .unwrap_or(site.options.now.date())
            .to_string(),
        // The schema's bounds: 5 to 10,000 characters.
        description: a
            .summary
            .as_deref()
            .map(crate::text::markdown::plain)
            .filter(|d| d.chars().count() >= 5)
            .map(|d| d.chars().take(10_000).collect()),
        lien_source: site.config.absolute(&Section::Actors.url(slug)),
        siret: a
            .siret
            .as_deref()
            .map(|s| s.chars().filter(char::is_ascii_digit).collect()),
        adresse,
        code_postal,
        // The commune's own code, for an address in the commune (« Sceaux », « SCEAUX »).
        code_insee: site.config.insee.clone().filter(|_| {
            commune.as_deref().is_some_and(|c| {
                crate::text::french::slugify(c)
                    == crate::text::french::slugify(&site.config.commune)
            })
        }),
        commune,
        latitude: a.geo.map(|g| g.lat),
        longitude: a.geo.map(|g| g.lon),
        telephone: a.phone.as_deref().map(e164),
        // An address the schema reads as one (a name, @, a domain with a dot), else none.
        courriel: a.email.clone().filter(|e| {
            e.split_once('@').is_some_and(|(name, domain)| {
                !name.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
        }),
        site_web: a.website.clone(),
        horaires_accueil: a
            .hours
            .as_deref()
            .and_then(|h| crate::model::hours::parse(h).ok())
            .map(|h| h.normalized),
    }
}

/// The published actors in activity, closed ones never, made one at a time.
fn list(site: &Site) -> impl Iterator<Item = Structure> + '_ {
    site.open_actors
        .iter()
        .map(|&i| structure(site, &site.actors[i].slug, &site.actors[i].data))
        // The schema's name has 3 to 150 characters: a shorter one cannot be published there.
        .filter(|s| (3..=150).contains(&s.nom.chars().count()))
}

/// `structures.json`.
pub fn structures(site: &Site, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    opendata::pretty_to(&opendata::Lazy::new(list(site)), w)
}

/// `structures.csv`: the same structures, one column per field of the schema (the columns of
/// the fields the JSON leaves out stay, empty), UTF-8 with a header line.
pub fn structures_csv(site: &Site, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    const COLUMNS: &[&str] = &[
        "source",
        "id",
        "nom",
        "date_maj",
        "description",
        "lien_source",
        "siret",
        "adresse",
        "code_postal",
        "code_insee",
        "commune",
        "latitude",
        "longitude",
        "telephone",
        "courriel",
        "site_web",
        "horaires_accueil",
    ];
    let mut w = csv::Writer::from_writer(w);
    w.write_record(COLUMNS)?;
    for s in list(site) {
        let value = serde_json::to_value(&s).unwrap_or_default();
        let row: Vec<String> = COLUMNS
            .iter()
            .map(|c| match &value[*c] {
                serde_json::Value::String(t) => t.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            })
            .collect();
        w.write_record(&row)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_on_one_line_gives_its_postal_code_and_commune() {
        assert_eq!(
            split_address("12 rue Gambetta, 92240 Malakoff"),
            (
                Some("12 rue Gambetta".into()),
                Some("92240".into()),
                Some("Malakoff".into())
            )
        );
        assert_eq!(
            split_address("Hôtel de ville"),
            (Some("Hôtel de ville".into()), None, None)
        );
        assert_eq!(e164("01 41 13 33 00"), "+33141133300");
        assert_eq!(e164("+33 1 41 13 33 00"), "+33141133300");
        assert_eq!(e164("3939"), "3939");
    }
}
