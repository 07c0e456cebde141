//! The data files that the tool and the default theme read (`content/data/NAME.yaml`), with
//! their shape: an unknown key or a value of the wrong type is an error at its line in the
//! data file, never a template error in a theme file the user does not have. Other data files
//! are free (a site's own templates read them as they are).

use serde::Deserialize;

/// The files checked, by name, with the check: every error of the file at once.
pub const CHECKED: &[(&str, Checker)] = &[
    ("newsletter", check_newsletter),
    ("accessibilite", check::<Accessibility>),
    ("chiffres_cles", check::<KeyFigures>),
    ("ess_hauts_de_seine", check::<Table>),
    (super::letters::DATA, super::letters::check),
];

/// The problems of the data file `name` (`content/data/NAME.yaml`) if it is one of those with a
/// shape; none for the others.
pub fn check_named(
    name: &str,
    text: &str,
    path: &std::path::Path,
) -> Vec<crate::diagnostic::Diagnostic> {
    CHECKED
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(Vec::new, |(_, check)| check(text, path))
}

/// Checks the text of a data file; the diagnostics of every problem.
pub type Checker = fn(&str, &std::path::Path) -> Vec<crate::diagnostic::Diagnostic>;

fn check<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &std::path::Path,
) -> Vec<crate::diagnostic::Diagnostic> {
    match crate::yaml::parse_all::<T>(text, path, 1) {
        Ok(_) => Vec::new(),
        Err(partial) => partial.diagnostics,
    }
}

/// `newsletter.yaml`: the newsletter's title, introduction, sender and unsubscribe link.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewsletterSettings {
    title: Option<String>,
    intro: Option<String>,
    sender: Option<String>,
    unsubscribe: Option<String>,
}

/// `newsletter.yaml`, and its unsubscribe link: it becomes a link in the letter.
fn check_newsletter(text: &str, path: &std::path::Path) -> Vec<crate::diagnostic::Diagnostic> {
    let Ok(n) = crate::yaml::parse_all::<NewsletterSettings>(text, path, 1) else {
        return check::<NewsletterSettings>(text, path);
    };
    match n.unsubscribe.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() && !unsubscribe_allowed(v) => {
            let (line, column) = crate::yaml::key_position(text, "unsubscribe").unwrap_or((1, 1));
            vec![crate::diagnostic::Diagnostic::error(
                path,
                line,
                column,
                format!("lien de désinscription refusé « {v} »"),
            )
            .with_help("écrivez une adresse https:// ou mailto:, une adresse électronique, ou la balise de votre outil d'envoi ({{ unsubscribe }}, *|UNSUB|*)")]
        }
        _ => Vec::new(),
    }
}

/// The newsletter's unsubscribe link: an `https://`, `http://` or `mailto:` address, an e-mail
/// address, or the mailing tool's own tag (`{{ unsubscribe }}`, `*|UNSUB|*`, `[unsubscribe]`,
/// `%%unsubscribe%%`), kept as written. Any other scheme (`javascript:`, `data:`…) is refused:
/// the value becomes a link in the letter.
/// Whether `value` may be the newsletter's unsubscribe link.
pub fn unsubscribe_allowed(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let tag = ["{{", "{%", "*|", "[", "%%", "$"]
        .iter()
        .any(|open| v.starts_with(open));
    let address = !v.contains([':', ' ', '<', '>', '"', '\'']) && v.contains('@');
    let web = (lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
        && !v.contains(['<', '>', '"', ' ']);
    tag && !v.contains(['<', '>', '"']) || address || web
}

/// `accessibilite.yaml`: the accessibility statement (RGAA).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Accessibility {
    statut: Option<String>,
    audit: Option<Audit>,
    contenus_non_accessibles: Option<Vec<String>>,
    contact: Option<Contact>,
    schema_pluriannuel: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Audit {
    date: Option<crate::model::Date>,
    taux: Option<Scalar>,
    methode: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Contact {
    email: Option<String>,
    adresse: Option<String>,
}

/// `chiffres_cles.yaml`: the key figures of the home page and /chiffres/.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct KeyFigures {
    titre: Option<String>,
    chiffres: Vec<Figure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Figure {
    valeur: Scalar,
    libelle: String,
    source: Option<String>,
}

/// `ess_hauts_de_seine.yaml`: a table of figures on /chiffres/.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Table {
    titre: Option<String>,
    source: Option<String>,
    colonnes: Vec<String>,
    lignes: Vec<FigureRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct FigureRow {
    categorie: String,
    valeurs: Vec<Scalar>,
    sous_total: Option<bool>,
}

/// A value shown as written: text or a number (`valeur: 169` as well as `valeur: "19 520"`).
struct Scalar;

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text or a number")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Scalar, E> {
                Ok(Scalar)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Scalar, E> {
                Ok(Scalar)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Scalar, E> {
                Ok(Scalar)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Scalar, E> {
                Ok(Scalar)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The RGAA status an accessibility statement may claim, from its audit's conformity rate
/// (`audit.taux`: « 87 % »): 100 % is « totalement conforme », from 50 % « partiellement
/// conforme », below or without an audit « non conforme ». Returns it with the rate read.
pub fn rgaa_status(statement: Option<&serde_json::Value>) -> (&'static str, Option<f64>) {
    let rate = statement
        .and_then(|a| a.get("audit"))
        .and_then(|a| a.get("taux"))
        .and_then(|t| match t {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => {
                let (number, _) = s.split_once('%')?;
                number
                    .trim()
                    .replace(',', ".")
                    .replace(['\u{a0}', '\u{202f}'], "")
                    .parse()
                    .ok()
            }
            _ => None,
        })
        .filter(|r: &f64| (0.0..=100.0).contains(r));
    let status = match rate {
        Some(r) if r >= 100.0 => "totalement conforme",
        Some(r) if r >= 50.0 => "partiellement conforme",
        _ => "non conforme",
    };
    (status, rate)
}
