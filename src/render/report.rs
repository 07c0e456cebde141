//! The readers' way to the comms team, without a server or tracking: « Signaler une erreur sur
//! cette fiche » on an actor's page, « Proposer un acteur » on the directory. A prefilled e-mail
//! to the site's contact (`[contact] email`), which any resident can send; without one, a
//! prefilled issue on the forge the editor saves into (`[editor]`); without either, no link.

use crate::render::site::Site;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// The address of a message to the comms team: `subject` and `body` prefilled.
fn message(site: &Site, subject: &str, body: &str) -> Option<String> {
    let enc = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    if let Some(email) = site
        .config
        .contact
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| e.contains('@'))
    {
        return Some(format!(
            "mailto:{email}?subject={}&body={}",
            enc(subject),
            enc(body)
        ));
    }
    let editor = site.config.editor.as_ref()?;
    match editor.backend.as_str() {
        "gitlab" => {
            let base = editor.base_url.as_deref().unwrap_or("https://gitlab.com");
            Some(format!(
                "{}/{}/-/issues/new?issue%5Btitle%5D={}&issue%5Bdescription%5D={}",
                base.trim_end_matches('/'),
                editor.repo,
                enc(subject),
                enc(body)
            ))
        }
        "github" => Some(format!(
            "https://github.com/{}/issues/new?title={}&body={}",
            editor.repo,
            enc(subject),
            enc(body)
        )),
        _ => None,
    }
}

/// « Signaler une erreur sur cette fiche »: the record's title and address in the message.
pub fn error_on(site: &Site, title: &str, path: &str) -> Option<String> {
    message(
        site,
        &format!("Erreur sur la fiche « {title} »"),
        &format!(
            "Bonjour,\n\nSur la fiche « {title} » ({}), ceci est à corriger :\n\n\n",
            site.config.absolute(path)
        ),
    )
}

/// « Proposer un acteur »: what the team needs to add one.
pub fn new_actor(site: &Site) -> Option<String> {
    message(
        site,
        "Proposition d’un acteur pour l’annuaire",
        "Bonjour,\n\nJe propose d’ajouter cet acteur à l’annuaire :\n\nNom :\nAdresse :\nSite web :\nCe qu’il fait :\n",
    )
}
