//! The images records name: each must be a file of `static/` (or an address elsewhere), or
//! the build fails with the file and line of the reference and the closest existing image.

use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::model::pictures::Pictures;
use crate::model::{Common, Entry};

/// Checks the images `e` names: its `image:`, its fields (a logo, speakers' photos) and the
/// images of its text. A cover without alternative text is a warning (in `warnings`).
pub fn check<T: Common + Pictures>(loaded: &Loaded, e: &Entry<T>, out: &mut Vec<Diagnostic>) {
    let src = &e.source;
    let c = e.data.common();
    // Where each image is written is looked for only when it is wrong (the YAML is read
    // again then).
    if let Some(cover) = c.image {
        let at = || src.value_position("image", &cover.src);
        check_one(loaded, &src.path, &at, &cover.src, out);
    }
    for (key, value) in e.data.pictures() {
        let at = || {
            let outer = if key == "logo" {
                "logo"
            } else if src.with_yaml(|yaml| yaml.contains("program:")) {
                "program"
            } else {
                "speakers"
            };
            src.value_position(outer, value)
        };
        check_one(loaded, &src.path, &at, value, out);
    }
    if src.body_images.is_empty() {
        return;
    }
    let body = src.body.text();
    for image in &src.body_images {
        let at = || {
            let (l, col) = crate::model::config::line_col(&body, image.offset);
            (l + src.body_line - 1, col)
        };
        check_one(loaded, &src.path, &at, &image.src, out);
    }
}

/// Whether `path` (a site path) is an image the build can show: one of `static/`, or a file
/// of the theme.
fn exists(loaded: &Loaded, path: &str) -> bool {
    let theme = &loaded.theme;
    theme.images.images.contains_key(path)
        || theme.images.refused.contains(path)
        || theme.assets.contains_key(path.trim_start_matches('/'))
}

/// Checks the images of a Markdown text of a data file (the newsletter's `intro`), as a
/// record's body images are checked.
pub(super) fn check_data_text(loaded: &Loaded, file: &str, text: &str, out: &mut Vec<Diagnostic>) {
    for image in crate::text::markdown::body_images(text) {
        check_one(
            loaded,
            std::path::Path::new(file),
            &|| (0, 0),
            &image.src,
            out,
        );
    }
}

/// Checks the image `src`, written in `file` where `at` says (line, column).
fn check_one(
    loaded: &Loaded,
    file: &std::path::Path,
    at: &dyn Fn() -> (usize, usize),
    src: &str,
    out: &mut Vec<Diagnostic>,
) {
    let src = src.trim();
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") || src.is_empty() {
        return;
    }
    if !src.starts_with('/') || src.starts_with("//") {
        let (line, col) = at();
        out.push(
            Diagnostic::error(
                file,
                line,
                col,
                format!("adresse d'image à écrire depuis la racine du site : « {src} »"),
            )
            .with_help(format!(
                "les images vont dans static/ : écrivez /images/{} pour static/images/{}",
                src.rsplit('/').next().unwrap_or(src),
                src.rsplit('/').next().unwrap_or(src)
            )),
        );
        return;
    }
    let path = crate::model::url::percent_decode(src.split(['?', '#']).next().unwrap_or(""));
    if exists(loaded, &path) {
        return;
    }
    let theme = &loaded.theme;
    let candidates: Vec<String> = theme
        .images
        .images
        .keys()
        .cloned()
        .chain(
            theme
                .assets
                .keys()
                .filter(|a| crate::images::is_image(a) || a.ends_with(".gif"))
                .map(|a| format!("/{a}")),
        )
        .collect();
    let (line, col) = at();
    let d = Diagnostic::error(file, line, col, format!("image introuvable : {src}"));
    let near = crate::diagnostic::closest(&path, candidates.iter().map(String::as_str))
        .filter(|c| strsim::jaro_winkler(c, &path) > 0.9);
    let d = match near {
        Some(c) => d.with_help(format!(
            "vouliez-vous dire {c} ? (les images sont les fichiers de static/ : /images/photo.jpg est static/images/photo.jpg)"
        )),
        None => d.with_help(format!(
            "placez le fichier dans static{path} (les images sont les fichiers de static/)"
        )),
    };
    out.push(d);
}
