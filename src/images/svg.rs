//! SVG files: published as they are, once checked.

use super::Refused;

/// Checks an SVG file: well-formed, no script, no event handler, no external reference, no
/// styles loading anything. Returns its size (from `width`/`height`, else `viewBox`).
pub(super) fn check_svg(bytes: &[u8]) -> Result<(u32, u32), Refused> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Refused(
            "SVG illisible : le fichier n'est pas en UTF-8".into(),
            "enregistrez-le de nouveau depuis votre logiciel de dessin".into(),
        )
    })?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        Refused(
            format!("SVG illisible : {}", xml_error_fr(&e)),
            "enregistrez-le de nouveau depuis votre logiciel de dessin (les SVG avec DTD ou entités sont refusés)".into(),
        )
    })?;
    let unsafe_svg = |what: String| {
        Refused(
            format!("SVG refusé : {what}"),
            "un logo SVG ne doit contenir ni script, ni attribut on…, ni lien vers un autre fichier : exportez-le en « SVG simple », ou en PNG".into(),
        )
    };
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if matches!(
            name.to_ascii_lowercase().as_str(),
            "script" | "foreignobject" | "iframe" | "embed" | "object" | "handler" | "listener"
        ) {
            return Err(unsafe_svg(format!(
                "élément <{name}> (ligne {})",
                doc.text_pos_at(node.range().start).row
            )));
        }
        for a in node.attributes() {
            let line = doc.text_pos_at(node.range().start).row;
            let an = a.name().to_ascii_lowercase();
            let v = a.value().trim().to_ascii_lowercase();
            if an.starts_with("on") {
                return Err(unsafe_svg(format!("attribut {} (ligne {line})", a.name())));
            }
            if (an == "href" || an == "src") && !v.starts_with('#') {
                return Err(unsafe_svg(format!(
                    "lien vers « {} » (ligne {line})",
                    a.value()
                )));
            }
            if v.contains("url(") && !v.replace(' ', "").contains("url(#") {
                return Err(unsafe_svg(format!(
                    "style qui charge une adresse (ligne {line})"
                )));
            }
        }
        if name == "style" {
            let css = node.text().unwrap_or("").to_ascii_lowercase();
            if css.contains("@import") || (css.contains("url(") && !css.contains("url(#")) {
                return Err(unsafe_svg("feuille de style qui charge une adresse".into()));
            }
        }
    }
    let root = doc.root_element();
    let number = |a: &str| {
        root.attribute(a).and_then(|v| {
            v.trim()
                .trim_end_matches("px")
                .parse::<f64>()
                .ok()
                .filter(|f| *f > 0.0)
        })
    };
    let view: Vec<f64> = root
        .attribute("viewBox")
        .map(|v| {
            v.split([' ', ','])
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let (w, h) = match (number("width"), number("height"), view.as_slice()) {
        (Some(w), Some(h), _) => (w, h),
        (_, _, [_, _, w, h]) if *w > 0.0 && *h > 0.0 => (*w, *h),
        _ => (300.0, 150.0),
    };
    Ok((w.round().max(1.0) as u32, h.round().max(1.0) as u32))
}

/// The XML parser's error in French, with its position.
fn xml_error_fr(e: &roxmltree::Error) -> String {
    use roxmltree::Error as E;
    let what = match e {
        E::DtdDetected => {
            "déclaration de type de document (DTD) : refusée, elle peut charger d'autres fichiers"
        }
        E::UnknownEntityReference(..)
        | E::MalformedEntityReference(..)
        | E::EntityReferenceLoop(..) => "entité XML inconnue ou mal écrite (&…;)",
        E::UnexpectedCloseTag(..) | E::UnexpectedEntityCloseTag(..) => {
            "balise fermante qui ne correspond pas à la balise ouverte"
        }
        E::DuplicatedAttribute(..) => "attribut écrit deux fois",
        E::DuplicatedNamespace(..)
        | E::UnknownNamespace(..)
        | E::InvalidXmlPrefixUri(..)
        | E::UnexpectedXmlUri(..)
        | E::UnexpectedXmlnsUri(..)
        | E::InvalidElementNamePrefix(..) => "espace de noms XML invalide",
        E::NoRootNode => "aucun élément <svg>",
        E::UnclosedRootNode | E::UnexpectedEndOfStream => {
            "le fichier s'arrête avant la fin du dessin"
        }
        E::NodesLimitReached | E::AttributesLimitReached | E::NamespacesLimitReached => {
            "dessin trop complexe (trop d'éléments ou d'attributs)"
        }
        E::InvalidAttributeValue(..) => "valeur d'attribut invalide",
        E::InvalidName(..) => "nom d'élément ou d'attribut invalide",
        E::NonXmlChar(..) | E::InvalidChar(..) | E::InvalidChar2(..) => "caractère interdit en XML",
        E::InvalidComment(..) => "commentaire XML mal formé",
        _ => "XML mal formé",
    };
    let pos = e.pos();
    if matches!(e, E::DtdDetected | E::NoRootNode | E::UnexpectedEndOfStream) {
        what.to_string()
    } else {
        format!("{what} (ligne {}, colonne {})", pos.row, pos.col)
    }
}
