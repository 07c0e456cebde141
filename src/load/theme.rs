//! The theme: Tera templates, static assets and French strings — the default one built into the
//! binary, a site's own `themes/NAME/`, and the site's `templates/` and `static/` overrides.

use crate::diagnostic::Diagnostic;
use crate::load::brand;
use std::collections::BTreeMap;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));

/// Labels of the theme, by group then key (`domains` → `sante` → `Santé`).
pub type Strings = BTreeMap<String, BTreeMap<String, String>>;

/// A theme with the site's overrides applied.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Template name (`actor.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Asset path in the output (`style.css`, `img/logo.svg`) → bytes.
    pub assets: BTreeMap<String, Vec<u8>>,
    pub strings: Strings,
    /// Where each template comes from, for error messages (`templates/page.html` for the
    /// site's own, `themes/default/templates/page.html` for the theme's).
    pub origins: BTreeMap<String, String>,
    /// Where each asset comes from (`static/logo.svg` for the site's own,
    /// `themes/default/static/style.css` for the theme's): the owner of its output path.
    pub asset_origins: BTreeMap<String, String>,
    /// The images of the site's `static/` (not read into `assets`: they are published
    /// resized, see `images`).
    pub images: std::sync::Arc<crate::images::Library>,
    /// The address of each asset published under a name that carries a hash of its content
    /// (`style.css` → `/style.3f9a2c1b.css`): the theme's stylesheets, scripts and icons,
    /// cacheable for a year. Templates write them with `asset(path="style.css")`.
    pub fingerprinted: BTreeMap<String, String>,
    /// The commune's logo and favicon (`[brand]`), as pages show them.
    pub favicon: String,
}

impl Theme {
    /// The theme `name` (the built-in default when `None`), with the site's `templates/` and
    /// `static/` laid over it.
    pub fn load(
        root: &Path,
        config: &crate::model::config::Config,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let name = config.theme.as_deref();
        let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let theme_dir = format!("themes/{}/", name.unwrap_or("default"));
        let mut origins: BTreeMap<String, String> = BTreeMap::new();
        let mut diagnostics = Vec::new();
        let mut image_files = Vec::new();
        match name {
            None => {
                for (path, bytes) in DEFAULT_THEME {
                    files.insert(path.to_string(), bytes.to_vec());
                }
            }
            Some(name) => {
                let dir = root.join("themes").join(name);
                if !dir.is_dir() {
                    return Err(vec![Diagnostic::error("site.toml", 0, 0, format!("thème « {name} » introuvable"))
                        .with_help(format!("créez themes/{name}/ dans le site, ou retirez la clé theme pour le thème par défaut"))]);
                }
                read_tree(root, &dir, "", &mut files, &mut diagnostics, None);
            }
        }
        for path in files.keys() {
            origins.insert(path.clone(), format!("{theme_dir}{path}"));
        }
        read_tree(
            root,
            &root.join("templates"),
            "templates/",
            &mut files,
            &mut diagnostics,
            None,
        );
        read_tree(
            root,
            &root.join("static"),
            "static/",
            &mut files,
            &mut diagnostics,
            Some(&mut image_files),
        );
        // Its refused files are reported by validation, with the records' errors.
        let library = crate::images::Library::scan(root, image_files);

        let mut theme = Theme {
            templates: BTreeMap::new(),
            assets: BTreeMap::new(),
            strings: Strings::new(),
            origins: BTreeMap::new(),
            asset_origins: BTreeMap::new(),
            images: std::sync::Arc::new(library),
            fingerprinted: BTreeMap::new(),
            favicon: brand::favicon_path(config),
        };
        for (path, bytes) in files {
            diagnostics.extend(theme.take(root, path, bytes, &origins));
        }
        diagnostics.extend(apply_brand(&mut theme, config));
        theme.fingerprinted = theme
            .assets
            .iter()
            .filter(|(path, _)| {
                let of_theme = origins.contains_key(&format!("static/{path}"))
                    || theme
                        .asset_origins
                        .get(*path)
                        .is_some_and(|o| o.starts_with("themes/"));
                of_theme && fingerprinted_kind(path)
            })
            .map(|(path, bytes)| (path.clone(), fingerprinted_url(path, bytes)))
            .collect();
        if diagnostics.is_empty() {
            Ok(theme)
        } else {
            Err(diagnostics)
        }
    }

    /// Takes one file of the theme, the site's `templates/` or `static/` (`path` from the
    /// site's root) into its place: a template, an asset or the theme's strings. `origins`:
    /// where the theme's own files come from. Returns the file's problem, if any.
    fn take(
        &mut self,
        root: &Path,
        path: String,
        bytes: Vec<u8>,
        origins: &BTreeMap<String, String>,
    ) -> Option<Diagnostic> {
        let theme = self;
        if let Some(name) = path.strip_prefix("templates/") {
            let origin = if root.join(&path).is_file() {
                path.clone()
            } else {
                origins.get(&path).cloned().unwrap_or_else(|| path.clone())
            };
            theme.origins.insert(name.to_string(), origin);
            match String::from_utf8(bytes) {
                Ok(s) => {
                    theme.templates.insert(name.to_string(), s);
                }
                Err(_) => {
                    return Some(Diagnostic::error(
                        &path,
                        0,
                        0,
                        "le gabarit n'est pas encodé en UTF-8",
                    ))
                }
            }
        } else if let Some(asset) = path.strip_prefix("static/") {
            let origin = if root.join(&path).is_file() {
                path.clone()
            } else {
                origins.get(&path).cloned().unwrap_or_else(|| path.clone())
            };
            theme.asset_origins.insert(asset.to_string(), origin);
            theme.assets.insert(asset.to_string(), bytes);
        } else if path == "strings.toml" {
            let text = String::from_utf8_lossy(&bytes);
            match toml::from_str(&text) {
                Ok(strings) => theme.strings = strings,
                // The TOML parser's words, in French, at their line.
                Err(e) => {
                    let (line, column) = e
                        .span()
                        .map_or((0, 0), |s| crate::model::config::line_col(&text, s.start));
                    let (message, help) = crate::diagnostic::from_toml_message(e.message().trim());
                    let d = Diagnostic::error(
                        origins
                            .get(&path)
                            .cloned()
                            .unwrap_or_else(|| "strings.toml".into()),
                        line,
                        column,
                        format!("textes du thème illisibles : {message}"),
                    );
                    return Some(match help {
                        Some(h) => d.with_help(h),
                        None => d,
                    });
                }
            }
        }
        None
    }

    /// The address an asset is published at: its fingerprinted name, or its own path.
    pub fn asset_url(&self, path: &str) -> String {
        self.fingerprinted
            .get(path)
            .cloned()
            .unwrap_or_else(|| format!("/{path}"))
    }

    /// The typefaces a stylesheet of the site declares, for the pages to ask for them before
    /// the stylesheet is read (`<link rel="preload">`): the WOFF2 files of its `@font-face`
    /// rules, upright ones only (an italic serves a few words, later), at their site address.
    /// A stylesheet of the site that declares none asks for none.
    pub fn font_files(&self, stylesheet: &str) -> Vec<String> {
        let css = self
            .assets
            .get(stylesheet)
            .map(|b| String::from_utf8_lossy(b));
        let dir = stylesheet.rsplit_once('/').map_or("", |(dir, _)| dir);
        css.map_or_else(Vec::new, |css| font_files(&css, dir))
    }

    /// The file a template comes from, relative to the site (for error messages).
    pub fn origin(&self, name: &str) -> String {
        self.origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("templates/{name}"))
    }

    /// The label of `key` in `group`, or the key itself.
    pub fn label<'a>(&'a self, group: &str, key: &'a str) -> &'a str {
        self.strings
            .get(group)
            .and_then(|g| g.get(key))
            .map_or(key, String::as_str)
    }
}

/// The WOFF2 files of the upright `@font-face` rules of `css`, a style sheet in the folder `dir`
/// of the site, at their site address; none from another site.
fn font_files(css: &str, dir: &str) -> Vec<String> {
    let mut files = Vec::new();
    for rule in css.split("@font-face").skip(1) {
        let rule = rule.split('}').next().unwrap_or_default();
        if rule.contains("italic") || rule.contains("oblique") {
            continue;
        }
        for part in rule.split("url(").skip(1) {
            let url = part.split(')').next().unwrap_or_default();
            let url = url.trim().trim_matches(|c| c == '"' || c == '\'');
            if !url.ends_with(".woff2") || url.contains(':') || url.starts_with("//") {
                continue;
            }
            let address = match url.strip_prefix('/') {
                Some(absolute) => format!("/{absolute}"),
                None if dir.is_empty() => format!("/{url}"),
                None => format!("/{dir}/{url}"),
            };
            if !files.contains(&address) {
                files.push(address);
            }
        }
    }
    files
}

/// The theme's files published under a hashed name: stylesheets, scripts and the icons'
/// sprite, but not the vendored libraries (their folders carry their version).
fn fingerprinted_kind(path: &str) -> bool {
    !path.starts_with("vendor/")
        && (path.ends_with(".css") || path.ends_with(".js") || path == "icons.svg")
}

/// `js/annuaire.js` → `/js/annuaire.1a2b3c4d.js`, the hash of its bytes.
fn fingerprinted_url(path: &str, bytes: &[u8]) -> String {
    let hash = &blake3::hash(bytes).to_hex()[..10];
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => format!("/{stem}.{hash}.{ext}"),
        _ => format!("/{path}.{hash}"),
    }
}

/// Reads the files of `dir` into `files`, by `prefix` and path. With `images`, the images
/// are not read but listed there: (site path, origin, file).
fn read_tree(
    root: &Path,
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
    diagnostics: &mut Vec<Diagnostic>,
    mut images: Option<&mut Vec<(String, String, std::path::PathBuf)>>,
) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Ok(rel) = e.path().strip_prefix(dir) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                if let Some(list) = images
                    .as_deref_mut()
                    .filter(|_| crate::images::is_image(&rel))
                {
                    files.remove(&format!("{prefix}{rel}"));
                    list.push((
                        format!("/{rel}"),
                        format!("{prefix}{rel}"),
                        e.path().to_path_buf(),
                    ));
                    continue;
                }
                // A name is published as an address: no invisible character in it.
                if rel.chars().any(char::is_control) {
                    diagnostics.push(
                        Diagnostic::error(
                            crate::report::visible(&e.path().strip_prefix(root).unwrap_or(e.path()).display().to_string()),
                            0,
                            0,
                            "nom de fichier avec un caractère de contrôle (invisible) : il ne peut pas être publié",
                        )
                        .with_help("renommez le fichier avec des lettres, des chiffres et des tirets"),
                    );
                    continue;
                }
                let lower = rel.to_ascii_lowercase();
                if [".tif", ".tiff", ".heic", ".heif", ".avif", ".jxl"]
                    .iter()
                    .any(|x| lower.ends_with(x))
                {
                    diagnostics.push(
                        Diagnostic::error(
                            e.path().strip_prefix(root).unwrap_or(e.path()),
                            0,
                            0,
                            "format d'image que le site ne traite pas : il serait publié tel quel, avec ses métadonnées (position GPS, auteur)",
                        )
                        .with_help("enregistrez-la en JPEG, PNG ou WebP : le site en publie alors les tailles utiles, sans métadonnées"),
                    );
                    continue;
                }
                match crate::files::read(e.path()) {
                    // A GIF is published without its metadata (no published image keeps the
                    // original's: a GPS position, an author).
                    Ok(bytes) if rel.to_ascii_lowercase().ends_with(".gif") => {
                        match crate::images::gif::without_metadata(&bytes) {
                            Ok(clean) => {
                                files.insert(format!("{prefix}{rel}"), clean);
                            }
                            Err(why) => diagnostics.push(
                                Diagnostic::error(
                                    e.path().strip_prefix(root).unwrap_or(e.path()),
                                    0,
                                    0,
                                    why,
                                )
                                .with_help("ouvrez-le dans un logiciel d'images et enregistrez-le de nouveau (en GIF, PNG ou WebP)"),
                            ),
                        }
                    }
                    Ok(bytes) => {
                        files.insert(format!("{prefix}{rel}"), bytes);
                    }
                    Err(err) => diagnostics.push(Diagnostic::error(
                        e.path().strip_prefix(root).unwrap_or(e.path()),
                        0,
                        0,
                        format!("lecture impossible : {}", crate::diagnostic::io_fr(&err)),
                    )),
                }
            }
            // A named pipe, a device, a socket: refused by name, never read.
            Ok(e) if !e.file_type().is_dir() && !e.file_type().is_symlink() => diagnostics.push(
                Diagnostic::error(
                    e.path().strip_prefix(root).unwrap_or(e.path()),
                    0,
                    0,
                    format!("lecture impossible : {}", crate::files::NotRegular),
                )
                .with_help("retirez-le du dossier : seuls des fichiers y sont publiés"),
            ),
            Ok(_) => {}
            Err(err) => diagnostics.push(Diagnostic::error(
                dir.strip_prefix(root).unwrap_or(dir),
                0,
                0,
                format!("lecture impossible : {}", crate::diagnostic::walk_fr(&err)),
            )),
        }
    }
}
/// Lays `[brand]` over the theme: its colours into `style.css`, and the default favicon when
/// the site has none of its own. Returns the problems of `[brand]`.
fn apply_brand(theme: &mut Theme, config: &crate::model::config::Config) -> Vec<Diagnostic> {
    let mut problems = brand::check(config);
    if let Some(css) = brand::stylesheet(config) {
        if let Some(style) = theme.assets.get_mut("style.css") {
            style.extend_from_slice(css.as_bytes());
        }
    }
    let own_favicon = theme.images.images.contains_key("/favicon.svg")
        || theme.assets.contains_key("favicon.svg");
    if config.brand.favicon.is_none() && !own_favicon {
        theme
            .assets
            .insert("favicon.svg".into(), brand::favicon(config).into_bytes());
        theme.asset_origins.insert(
            "favicon.svg".into(),
            "themes/default/static/favicon.svg".into(),
        );
    }
    let b = &config.brand;
    for (key, path, (line, column)) in [
        ("logo", b.logo.as_deref(), b.logo_at),
        ("favicon", b.favicon.as_deref(), b.favicon_at),
    ] {
        let Some(path) = path else { continue };
        let known = theme.images.images.contains_key(path)
            || theme.images.refused.contains(path)
            || theme.assets.contains_key(path.trim_start_matches('/'));
        if !known {
            problems.push(
                Diagnostic::error(
                    "site.toml",
                    line,
                    column,
                    format!("[brand] {key} : fichier « {path} » introuvable dans static/"),
                )
                .with_help(format!(
                    "placez le fichier dans static{path}, ou corrigez le chemin"
                )),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_style_sheet_s_upright_woff2_faces_at_their_site_address() {
        let css = r#"/* @font-face in a comment has no url */
@font-face { font-family: "A"; src: url("f/a-400.woff2") format("woff2"), url(f/a-400.woff) format("woff"); }
@font-face{font-family:A;font-weight:700;src:url('/fonts/a-700.woff2')}
@font-face { font-family: "A"; font-style: italic; src: url("f/a-400i.woff2"); }
@font-face { font-family: "B"; src: url("https://fonts.example.net/b.woff2"), url(//cdn.example.net/b.woff2); }
@font-face { font-family: "A"; src: url( "f/a-400.woff2" ); }
body { background: url("f/not-a-font.woff2"); }"#;
        assert_eq!(
            super::font_files(css, ""),
            ["/f/a-400.woff2", "/fonts/a-700.woff2"]
        );
        assert_eq!(
            super::font_files(css, "css")[0],
            "/css/f/a-400.woff2",
            "relative to the style sheet's folder"
        );
        assert!(super::font_files("body { color: red }", "").is_empty());
    }
}
