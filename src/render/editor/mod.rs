//! The web editor at `/admin/`: Decap CMS (vendored, `vendor/decap-cms/`), with its
//! configuration generated from the content model, so that the team edits the same records
//! without git or YAML, and every field offers what the model accepts.
//!
//! A build writes it when `site.toml` has `[editor]` (the git forge the team logs in to and
//! saves into); `ess-site serve --editor` writes it too, with the local proxy (`serve::proxy`) as its
//! backend instead of the forge. The editor's files hold no record: it reads the records from
//! the forge (or the proxy) once the team has logged in, so a public build exposes nothing of
//! a private one.

pub mod fields;
pub mod shape;

use crate::model::Section;
use crate::render::site::Site;
use fields::{describe, of, scaffold_hints, Field};
use serde_json::{json, Value};

include!(concat!(env!("OUT_DIR"), "/editor_files.rs"));

/// The version of Decap CMS in `vendor/decap-cms/`.
pub const DECAP_VERSION: &str = "3.16.3";

/// The folder of the site's images, as the editor's `media_folder` (where its proxy saves them).
pub const MEDIA_FOLDER: &str = "static/images";

/// The editor's address.
pub const URL: &str = "/admin/";

/// The folder the editor's script and its chunks are published in (its version in the name,
/// so that a new version is never mixed with a cached old one).
pub fn script_folder() -> String {
    format!("{URL}decap-cms-{DECAP_VERSION}/")
}

/// The editor's own script (`editeur.js`): the preview's refusals of a save stay on screen.
pub const SCRIPT: &str = include_str!("editeur.js");

/// The address of the editor's own script, its content's hash in its name.
pub fn script_url() -> String {
    format!(
        "{URL}editeur.{}.js",
        &blake3::hash(SCRIPT.as_bytes()).to_hex()[..10]
    )
}

/// The version of the WASI runtime in `vendor/browser-wasi-shim/`.
pub const WASI_VERSION: &str = "0.4.2";

/// The folder the WASI runtime is published in, in `/admin/`.
pub fn wasi_folder() -> String {
    format!("wasi-{WASI_VERSION}/")
}

/// The pre-save check's name in `/admin/`, its content's hash in it, when it is built.
pub fn check_name() -> Option<String> {
    EDITOR_CHECK.map(|wasm| format!("verification.{}.wasm", &blake3::hash(wasm).to_hex()[..10]))
}

/// Whether the editor checks a save in the browser before it goes to the forge: online (the
/// preview's proxy checks it itself), with the check built into this `ess-site`.
pub fn checks_in_browser(site: &Site) -> bool {
    !site.options.editor_local && EDITOR_CHECK.is_some()
}

/// Whether the site gets the editor: `[editor]` in `site.toml`, or a preview with `--editor`.
pub fn enabled(site: &Site) -> bool {
    site.config.editor.is_some() || site.options.editor_local
}

/// The editor's page.
pub fn page(site: &Site) -> String {
    let title = crate::text::html::escape_html(&site.config.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"robots\" content=\"noindex\">\n\
<title>Éditeur du site — {title}</title>\n\
<link href=\"{URL}config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">\n\
</head>\n<body>\n\
<noscript><p>L’éditeur du site a besoin de JavaScript.</p></noscript>\n\
<script src=\"{}\" data-groupes=\"{}\"{}></script>\n\
<script src=\"{}decap-cms.js\"></script>\n</body>\n</html>\n",
        script_url(),
        crate::text::html::escape_html(&group_headings().to_string()),
        // Beside the script, named relative to its folder (`/admin/`, under the site's path).
        match check_name().filter(|_| checks_in_browser(site)) {
            Some(check) => format!(
                " data-verification=\"{check}\" data-wasi=\"{}index.js\"",
                wasi_folder()
            ),
            None => String::new(),
        },
        script_folder()
    )
}

/// The headings of each collection's groups of fields, for the editor's script to show above
/// each group's first field: `{collection: [[field, heading], …]}` (`fields::groups`).
fn group_headings() -> Value {
    let mut map = serde_json::Map::new();
    for section in Section::ALL {
        let firsts: Vec<Value> = fields::groups(Some(section))
            .into_iter()
            .filter_map(|(heading, fields)| fields.first().map(|f| json!([f.name, heading])))
            .collect();
        map.insert(section.folder().to_string(), Value::Array(firsts));
    }
    Value::Object(map)
}

/// The forge the editor saves into, as Decap's `backend:`; the preview's proxy for a
/// `serve --editor`.
fn backend(site: &Site) -> Value {
    let editor = site.config.editor.as_ref();
    let branch = editor.map_or("main", |e| e.branch.as_str());
    if site.options.editor_local {
        return json!({"name": "proxy", "proxy_url": "/api/v1", "branch": branch});
    }
    let Some(e) = editor else {
        return Value::Null;
    };
    let mut b = json!({"name": e.backend, "repo": e.repo, "branch": e.branch});
    if e.backend == "gitlab" {
        b["auth_type"] = "pkce".into();
        b["app_id"] = e.app_id.clone().into();
        if let Some(base) = &e.base_url {
            b["base_url"] = base.clone().into();
            b["api_root"] = format!("{base}/api/v4").into();
        }
        b["auth_endpoint"] = e
            .auth_endpoint
            .clone()
            .unwrap_or_else(|| "oauth/authorize".into())
            .into();
    } else {
        if let Some(base) = &e.base_url {
            b["base_url"] = base.clone().into();
        }
        if let Some(a) = &e.auth_endpoint {
            b["auth_endpoint"] = a.clone().into();
        }
    }
    b
}

/// The data files of `content/data/` the theme shows, with their fields: (name, label,
/// fields).
fn data_files() -> Vec<(&'static str, &'static str, Vec<Value>)> {
    let line = |name: &str, label: &str, required: bool| {
        let mut v = json!({"label": label, "name": name, "widget": "string"});
        if !required {
            v["required"] = false.into();
        }
        v
    };
    vec![
        (
            "chiffres_cles",
            "Chiffres clés",
            vec![
                line("titre", "Titre", true),
                json!({"label": "Chiffres", "name": "chiffres", "widget": "list",
                    "summary": "{{fields.valeur}} {{fields.libelle}}",
                    "fields": [line("valeur", "Valeur", true), line("libelle", "Ce qu’elle compte", true),
                        line("source", "Source", false)]}),
            ],
        ),
        (
            "accessibilite",
            "Déclaration d’accessibilité",
            vec![
                json!({"label": "État de conformité (RGAA)", "name": "statut", "widget": "select",
                    "options": ["totalement conforme", "partiellement conforme", "non conforme"],
                    "hint": "totalement conforme : audit à 100 % ; partiellement conforme : à partir de 50 % ; sinon, ou sans audit, non conforme"}),
                json!({"label": "Audit", "name": "audit", "widget": "object", "required": false,
                    "fields": [
                        {"label": "Date de l’audit", "name": "date", "widget": "datetime", "format": "YYYY-MM-DD",
                            "date_format": "DD/MM/YYYY", "time_format": false, "default": "", "required": false},
                        line("taux", "Taux de conformité", false),
                        line("methode", "Méthode", false)]}),
                json!({"label": "Contenus non accessibles", "name": "contenus_non_accessibles",
                    "widget": "list", "required": false, "field": {"label": "Contenu", "name": "contenu", "widget": "string"}}),
                json!({"label": "Contact", "name": "contact", "widget": "object", "required": false,
                    "fields": [line("email", "Courriel", false), line("adresse", "Adresse", false)]}),
                json!({"label": "Schéma pluriannuel", "name": "schema_pluriannuel", "widget": "text", "required": false}),
            ],
        ),
        (
            "newsletter",
            "Lettre d’information",
            vec![
                line("title", "Titre de la lettre", false),
                json!({"label": "Introduction", "name": "intro", "widget": "markdown", "required": false}),
                line("sender", "Expéditeur", false),
                json!({"label": "Lien de désinscription", "name": "unsubscribe", "widget": "string", "required": false,
                    "hint": "une adresse, un mailto:, ou la balise de votre outil d’envoi, par exemple {{ unsubscribe }}"}),
            ],
        ),
    ]
}

/// The collections of a section's records written as whole YAML files (`.yaml`, `.yml`), one
/// per extension the published records use: Decap CMS lists one extension per collection. The
/// same fields, the text in `body`; new records are made as Markdown in the main collection.
fn yaml_collections(site: &Site, section: Section) -> Vec<Value> {
    let mut extensions: Vec<String> = site
        .records()
        .filter(|r| r.section == section)
        .filter_map(|r| {
            r.source
                .path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
        })
        .filter(|e| e == "yaml" || e == "yml")
        .collect();
    extensions.sort();
    extensions.dedup();
    extensions
        .into_iter()
        .map(|extension| {
            let mut c = collection(site, section);
            c["name"] = format!("{}-{extension}", section.folder()).into();
            c["label"] = format!("{} (fiches en YAML)", site.config.label(section)).into();
            c["extension"] = extension.into();
            c["format"] = "yaml".into();
            c["create"] = false.into();
            c
        })
        .collect()
}

/// One collection of records (Decap's folder collection).
fn collection(site: &Site, section: Section) -> Value {
    let (label, one) = (site.config.label(section), site.config.label_one(section));
    let folder = section.folder();
    let fields: Vec<Field> = of(Some(section));
    let hints = scaffold_hints(section);
    let mut sortable = vec!["title"];
    if fields.iter().any(|f| f.name == "date") {
        sortable.push("date");
    }
    let preview = match section {
        Section::Pages => "{{slug}}/".to_string(),
        _ => format!("{folder}/{{{{slug}}}}/"),
    };
    json!({
        "name": folder,
        "label": label,
        "label_singular": one,
        "folder": format!("content/{folder}"),
        "create": true,
        "extension": "md",
        "format": "frontmatter",
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}}",
        "sortable_fields": sortable,
        "preview_path": preview,
        // The preview is the site's own (`serve`), not the editor's sketch of it.
        "editor": {"preview": false},
        "fields": describe(site, Some(section), &fields, &hints),
    })
}

/// The editor's configuration (`/admin/config.yml`): the forge, the image folder, and a
/// collection per kind of record and for the home page and the data files, each field as the
/// model reads it.
pub fn config(site: &Site) -> String {
    let mut collections: Vec<Value> = Section::ALL
        .iter()
        // The conferences when the commune has a series of them.
        .filter(|s| **s != Section::Conferences || site.has_conferences())
        .flat_map(|s| std::iter::once(collection(site, *s)).chain(yaml_collections(site, *s)))
        .collect();
    let home: Vec<Field> = of(None);
    let mut files = vec![json!({
        "label": "Page d’accueil",
        "name": "accueil",
        "file": "content/_index.md",
        "fields": describe(site, None, &home, &[]),
    })];
    for (name, label, fields) in data_files() {
        files.push(json!({
            "label": label,
            "name": name,
            "file": format!("content/data/{name}.yaml"),
            "fields": fields,
        }));
    }
    collections.push(json!({
        "name": "reglages",
        "label": "Accueil et données",
        "files": files,
    }));
    // « Voir en direct » opens the record's page where it is: online, at the site's address;
    // in `serve --editor`, on the editor's own address, which sends it on to the preview.
    let site_url = match site.options.editor_local {
        true => format!("{}/", site.config.base_path()),
        false => site.config.base_url.clone(),
    };
    let config = json!({
        "backend": backend(site),
        "locale": "fr",
        "site_url": site_url,
        "display_url": site_url,
        "media_folder": MEDIA_FOLDER,
        "public_folder": "/images",
        "slug": {"encoding": "ascii", "clean_accents": true, "sanitize_replacement": "-"},
        "collections": collections,
    });
    let text = crate::yaml::to_text(&config).unwrap_or_default();
    format!(
        "# L’éditeur du site (Decap CMS {DECAP_VERSION}), écrit par ess-site à chaque construction à partir\n\
# du modèle des fiches et de site.toml ([editor]) : ne le modifiez pas, il serait remplacé.\n{text}"
    )
}

/// The keys of the data files the editor edits (for the model's tests).
pub fn data_file_keys() -> Vec<(&'static str, Vec<String>)> {
    data_files()
        .into_iter()
        .map(|(name, _, fields)| {
            let keys = fields
                .iter()
                .filter_map(|f| f["name"].as_str().map(str::to_string))
                .collect();
            (name, keys)
        })
        .collect()
}

#[cfg(test)]
mod tests;
