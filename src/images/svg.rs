//! SVG files: published as they are, once checked.

use super::file::Refused;

/// Checks an SVG file: well-formed, no script, no event handler, no external reference, no
/// styles loading anything. Returns its size (from `width`/`height`, else `viewBox`).
pub(super) fn check_svg(bytes: &[u8]) -> Result<(u32, u32), Refused> {
    let text = utf8(bytes)?;
    let doc = parse(text)?;
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
        let line = doc.text_pos_at(node.range().start).row;
        // An animation (SMIL) that changes a link or an event handler would give the drawing
        // a `javascript:` address or a script: refused, whatever its element.
        if let Some(target) = node
            .attributes()
            .find(|a| a.name().eq_ignore_ascii_case("attributeName"))
        {
            let t = target.value().trim().to_ascii_lowercase();
            let t = t.rsplit(':').next().unwrap_or(&t);
            if t == "href" || t == "src" || t.starts_with("on") || t == "style" {
                return Err(unsafe_svg(format!(
                    "animation <{name}> qui change « {} » (ligne {line})",
                    target.value().trim()
                )));
            }
        }
        for a in node.attributes() {
            let an = a.name().to_ascii_lowercase();
            let v = a.value().trim().to_ascii_lowercase();
            if an.starts_with("on") {
                return Err(unsafe_svg(format!("attribut {} (ligne {line})", a.name())));
            }
            // A script address in any value (an animation's `to`, `values`…), however spelled.
            let compact: String = v
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            if [
                "javascript:",
                "vbscript:",
                "data:text/html",
                "data:image/svg",
            ]
            .iter()
            .any(|s| compact.contains(s))
            {
                return Err(unsafe_svg(format!(
                    "adresse de script dans {} (ligne {line})",
                    a.name()
                )));
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

/// The text of an SVG file: UTF-8, or refused.
fn utf8(bytes: &[u8]) -> Result<&str, Refused> {
    std::str::from_utf8(bytes).map_err(|_| {
        Refused(
            "SVG illisible : le fichier n'est pas en UTF-8".into(),
            "enregistrez-le de nouveau depuis votre logiciel de dessin".into(),
        )
    })
}

/// An SVG's XML tree, parsed without DTD (no entity, no external reference).
fn parse(text: &str) -> Result<roxmltree::Document<'_>, Refused> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        Refused(
            format!("SVG illisible : {}", xml_error_fr(&e)),
            "enregistrez-le de nouveau depuis votre logiciel de dessin (les SVG avec DTD ou entités sont refusés)".into(),
        )
    })
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

/// The SVG as the site publishes it: rebuilt from its parsed tree by an allow-list of elements
/// and attributes — DOMPurify's SVG and SVG-filter lists, without the animation elements
/// (SMIL: `animate`, `set`, `animateMotion`…), `image`, `foreignObject`, `script` and
/// `metadata`. A link (`href`, `xlink:href`) stays only to a part of the drawing itself
/// (`#id`); a `style` only when it loads nothing. What is not allowed goes, with its content
/// (an editor's own elements and attributes, `inkscape:*`, `sodipodi:*`, RDF metadata).
pub(super) fn sanitized(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    check_svg(bytes)?;
    let text = utf8(bytes)?;
    let doc = parse(text)?;
    let mut out = String::with_capacity(text.len());
    write_node(doc.root_element(), &mut out, true);
    out.push('\n');
    Ok(out.into_bytes())
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Elements kept (lowercase).
const ELEMENTS: &[&str] = &[
    "svg",
    "circle",
    "clippath",
    "defs",
    "desc",
    "ellipse",
    "filter",
    "g",
    "line",
    "lineargradient",
    "marker",
    "mask",
    "path",
    "pattern",
    "polygon",
    "polyline",
    "radialgradient",
    "rect",
    "stop",
    "style",
    "switch",
    "symbol",
    "text",
    "textpath",
    "title",
    "tspan",
    "view",
    "use",
    "feblend",
    "fecolormatrix",
    "fecomponenttransfer",
    "fecomposite",
    "feconvolvematrix",
    "fediffuselighting",
    "fedisplacementmap",
    "fedistantlight",
    "fedropshadow",
    "feflood",
    "fefunca",
    "fefuncb",
    "fefuncg",
    "fefuncr",
    "fegaussianblur",
    "femerge",
    "femergenode",
    "femorphology",
    "feoffset",
    "fepointlight",
    "fespecularlighting",
    "fespotlight",
    "fetile",
    "feturbulence",
];

/// Elements removed but whose content is kept (a link around shapes).
const UNWRAPPED: &[&str] = &["a"];

/// Attributes kept (lowercase), on any kept element.
const ATTRIBUTES: &[&str] = &[
    "accent-height",
    "alignment-baseline",
    "amplitude",
    "ascent",
    "azimuth",
    "basefrequency",
    "baseline-shift",
    "bias",
    "class",
    "clip",
    "clip-path",
    "clip-rule",
    "clippathunits",
    "color",
    "color-interpolation",
    "color-interpolation-filters",
    "color-rendering",
    "cx",
    "cy",
    "d",
    "diffuseconstant",
    "direction",
    "display",
    "divisor",
    "dominant-baseline",
    "dx",
    "dy",
    "edgemode",
    "elevation",
    "exponent",
    "fill",
    "fill-opacity",
    "fill-rule",
    "filter",
    "filterunits",
    "flood-color",
    "flood-opacity",
    "font-family",
    "font-size",
    "font-size-adjust",
    "font-stretch",
    "font-style",
    "font-variant",
    "font-weight",
    "fr",
    "fx",
    "fy",
    "gradienttransform",
    "gradientunits",
    "height",
    "href",
    "id",
    "image-rendering",
    "in",
    "in2",
    "intercept",
    "k",
    "k1",
    "k2",
    "k3",
    "k4",
    "kernelmatrix",
    "kernelunitlength",
    "lang",
    "lengthadjust",
    "letter-spacing",
    "lighting-color",
    "marker-end",
    "marker-mid",
    "marker-start",
    "markerheight",
    "markerunits",
    "markerwidth",
    "mask",
    "maskcontentunits",
    "maskunits",
    "media",
    "method",
    "mode",
    "numoctaves",
    "offset",
    "opacity",
    "operator",
    "order",
    "orient",
    "overflow",
    "paint-order",
    "path",
    "pathlength",
    "patterncontentunits",
    "patterntransform",
    "patternunits",
    "points",
    "pointsatx",
    "pointsaty",
    "pointsatz",
    "preservealpha",
    "preserveaspectratio",
    "primitiveunits",
    "r",
    "radius",
    "refx",
    "refy",
    "result",
    "role",
    "rotate",
    "rx",
    "ry",
    "scale",
    "seed",
    "shape-rendering",
    "slope",
    "specularconstant",
    "specularexponent",
    "spreadmethod",
    "startoffset",
    "stddeviation",
    "stitchtiles",
    "stop-color",
    "stop-opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "style",
    "surfacescale",
    "systemlanguage",
    "tablevalues",
    "targetx",
    "targety",
    "text-anchor",
    "text-decoration",
    "text-rendering",
    "textlength",
    "transform",
    "transform-origin",
    "type",
    "values",
    "vector-effect",
    "version",
    "viewbox",
    "visibility",
    "width",
    "word-spacing",
    "writing-mode",
    "x",
    "x1",
    "x2",
    "xchannelselector",
    "y",
    "y1",
    "y2",
    "ychannelselector",
    "z",
    "aria-label",
    "aria-hidden",
    "aria-labelledby",
    "aria-describedby",
    "space",
];

/// Whether a style (attribute or element) loads nothing and runs nothing.
fn safe_style(css: &str) -> bool {
    let c: String = css
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    !(c.contains("@import")
        || c.contains("expression(")
        || c.contains("javascript:")
        || c.contains("behavior:")
        || c.contains("-moz-binding")
        || c.replace("url(#", "").contains("url("))
}

fn escape(text: &str, out: &mut String, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

fn write_node(node: roxmltree::Node, out: &mut String, root: bool) {
    if node.is_text() {
        if let Some(t) = node.text() {
            escape(t, out, false);
        }
        return;
    }
    if !node.is_element() {
        return;
    }
    let tag = node.tag_name();
    let name = tag.name().to_ascii_lowercase();
    let svg_ns = tag.namespace().is_none_or(|ns| ns == SVG_NS);
    if svg_ns && UNWRAPPED.contains(&name.as_str()) {
        for child in node.children() {
            write_node(child, out, false);
        }
        return;
    }
    if !svg_ns || !ELEMENTS.contains(&name.as_str()) || (root && name != "svg") {
        return;
    }
    if name == "style" && !safe_style(node.text().unwrap_or_default()) {
        return;
    }
    out.push('<');
    out.push_str(tag.name());
    if root {
        out.push_str(" xmlns=\"");
        out.push_str(SVG_NS);
        out.push('"');
    }
    for a in node.attributes() {
        let an = a.name().to_ascii_lowercase();
        let ns = a.namespace();
        let allowed_ns = match ns {
            None => true,
            Some(XLINK_NS) => an == "href",
            Some(XML_NS) => an == "space" || an == "lang",
            Some(_) => false,
        };
        if !allowed_ns || !ATTRIBUTES.contains(&an.as_str()) {
            continue;
        }
        let value = a.value();
        if an == "href" && !value.trim_start().starts_with('#') {
            continue;
        }
        if (an == "style" || value.to_ascii_lowercase().contains("url(")) && !safe_style(value) {
            continue;
        }
        out.push(' ');
        if ns == Some(XML_NS) {
            out.push_str("xml:");
        }
        out.push_str(a.name());
        out.push_str("=\"");
        escape(value, out, true);
        out.push('"');
    }
    if node.children().next().is_none() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for child in node.children() {
        write_node(child, out, false);
    }
    out.push_str("</");
    out.push_str(tag.name());
    out.push('>');
}
