//! `site.toml`: the raw file as written, and the resolved `Config` the build uses.

use crate::diagnostic::{from_toml_message, Diagnostic};
use crate::model::domains::{self, Domains};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// `site.toml` as written. Unknown keys are an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    paginate_by: Option<usize>,
    #[serde(default)]
    feed_limit: Option<usize>,
    #[serde(default)]
    max_file_size_kib: Option<u64>,
    commune: RawCommune,
    #[serde(default)]
    domains_used: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    domains: BTreeMap<toml::Spanned<String>, String>,
    #[serde(default)]
    contact: Option<RawContact>,
    #[serde(default)]
    video_hosts: Option<Vec<String>>,
    #[serde(default)]
    data_licence: Option<String>,
    #[serde(default)]
    data_licence_url: Option<toml::Spanned<String>>,
    #[serde(default)]
    search: Option<bool>,
    #[serde(default)]
    stale_after_months: Option<u32>,
    #[serde(default)]
    map_tiles: Option<toml::Spanned<String>>,
    #[serde(default)]
    map_attribution: Option<String>,
    #[serde(default)]
    brand: Option<RawBrand>,
    #[serde(default)]
    precompress: Option<bool>,
    #[serde(default)]
    editor: Option<RawEditor>,
    #[serde(default)]
    conferences: Option<Series>,
    #[serde(default)]
    forum: Option<RawForum>,
}

/// `[forum]`: the name of the commune's annual Forum, when it is not « Forum de l’ESS ».
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForum {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    one: Option<String>,
}

/// `[conferences]`: the commune's series of conferences (Sceaux's Up Conférences), its name
/// and what its list says. A site without one publishes no conference list nor menu entry.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// The series' name, plural: « Up Conférences », « Jeudis de l’ESS ».
    pub name: String,
    /// One conference of the series: « Up Conférence ».
    pub one: String,
    /// The sentence that opens their list.
    #[serde(default)]
    pub intro: Option<String>,
}

/// `[editor]`: the web editor at `/admin/` and the git forge it saves into.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEditor {
    backend: toml::Spanned<String>,
    repo: toml::Spanned<String>,
    #[serde(default)]
    branch: Option<String>,
    #[serde(default)]
    app_id: Option<String>,
    #[serde(default)]
    base_url: Option<toml::Spanned<String>>,
    #[serde(default)]
    auth_endpoint: Option<String>,
}

/// The web editor's git forge: where the team logs in and where its saves are committed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Editor {
    /// `gitlab` (PKCE: no server of its own) or `github` (with an OAuth server: `base_url`).
    pub backend: String,
    /// `ville/ess-site`.
    pub repo: String,
    pub branch: String,
    /// The GitLab application's ID.
    pub app_id: Option<String>,
    /// A GitLab of its own (`https://gitlab.ville.fr`), or GitHub's OAuth server.
    pub base_url: Option<String>,
    pub auth_endpoint: Option<String>,
}

/// `[brand]`: the commune's identity on every page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBrand {
    #[serde(default)]
    logo: Option<toml::Spanned<String>>,
    #[serde(default)]
    primary: Option<toml::Spanned<String>>,
    #[serde(default)]
    accent: Option<toml::Spanned<String>>,
    #[serde(default)]
    favicon: Option<toml::Spanned<String>>,
}

/// The commune's identity: its logo and favicon (site paths of `static/`), and its two
/// colours with where each is written in `site.toml` (line, column).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Brand {
    pub logo: Option<String>,
    pub favicon: Option<String>,
    /// Where `logo` and `favicon` are written in `site.toml` (line, column).
    pub logo_at: (usize, usize),
    pub favicon_at: (usize, usize),
    /// The main colour: the header, buttons and links (white text on it, it on white).
    pub primary: Option<Colour>,
    /// The second colour: the kind of a record above its title, highlights (text on white).
    pub accent: Option<Colour>,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Colour {
    pub rgb: [u8; 3],
    pub line: usize,
    pub column: usize,
}

impl Colour {
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.rgb[0], self.rgb[1], self.rgb[2])
    }
}

/// `#0b6a4f` or `#0b5` → its three channels.
pub fn parse_hex(text: &str) -> Option<[u8; 3]> {
    let h = text.trim().strip_prefix('#')?;
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match h.len() {
        6 => Some([channel(&h[0..2])?, channel(&h[2..4])?, channel(&h[4..6])?]),
        3 => {
            let c = |i: usize| channel(&h[i..=i]).map(|v| v * 17);
            Some([c(0)?, c(1)?, c(2)?])
        }
        _ => None,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommune {
    name: String,
    #[serde(default)]
    department: Option<String>,
    /// The commune's INSEE code (`92071`): given to the actors of the commune in the national
    /// exports (data·inclusion's `code_insee`).
    #[serde(default)]
    insee: Option<toml::Spanned<String>>,
    #[serde(default)]
    website: Option<toml::Spanned<String>>,
}

#[derive(Debug, Deserialize, Clone, serde::Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// The resolved configuration of a site, every optional key given its default.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Config {
    pub title: String,
    /// Without a trailing slash: `https://ess.sceaux.fr`.
    pub base_url: String,
    pub description: String,
    pub language: String,
    /// `None` for the default theme built into the binary.
    pub theme: Option<String>,
    /// Items per page of every list (directory, taxonomy pages, magazine).
    pub paginate_by: usize,
    /// Items per RSS feed.
    pub feed_limit: usize,
    /// Files larger than this are refused.
    pub max_file_size: u64,
    pub commune: String,
    pub department: Option<String>,
    /// The commune's INSEE code (`[commune] insee`).
    pub insee: Option<String>,
    pub commune_website: Option<String>,
    pub contact: RawContact,
    /// The site's domains of action: its choice in the tool's catalogue, and its own.
    pub domains: Domains,
    /// Hosts whose video players a Markdown body may embed (`<iframe src="https://HOST/…">`).
    pub video_hosts: Vec<String>,
    /// The licence of the open data exports, and where to read it.
    pub data_licence: String,
    pub data_licence_url: String,
    /// Whether the build writes a search index (`/pagefind/`) and the search page.
    pub search: bool,
    /// After how many months an actor's record not checked is reported by `check` (0: never).
    pub stale_after_months: u32,
    /// The map tiles' URL template (`{z}/{x}/{y}`), loaded by visitors' browsers.
    pub map_tiles: String,
    /// The attribution the tiles' licence requires, shown on every map (HTML allowed: a link).
    pub map_attribution: String,
    pub brand: Brand,
    /// Whether a build writes `.gz` and `.br` copies beside its text files, for servers that
    /// serve them (nginx `gzip_static`, `brotli_static`).
    pub precompress: bool,
    /// The web editor, when `[editor]` is written.
    pub editor: Option<Editor>,
    /// The commune's series of conferences, if it has one.
    pub conferences: Option<Series>,
    /// The Forum's name (« Forum de l’ESS »), and the name of one edition.
    pub forum: (String, String),
}

/// OpenStreetMap's standard tiles, and the attribution their licence (ODbL) requires.
pub const DEFAULT_MAP_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
pub const DEFAULT_MAP_ATTRIBUTION: &str =
    "© <a href=\"https://www.openstreetmap.org/copyright\">les contributeurs d’OpenStreetMap</a>";

/// The video hosts a site may embed when `site.toml` names none: their privacy-friendly players.
pub const DEFAULT_VIDEO_HOSTS: &[&str] = &[
    "www.youtube-nocookie.com",
    "player.vimeo.com",
    "www.dailymotion.com",
];

impl Config {
    /// Parses the text of a `site.toml`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Diagnostic> {
        if let Some(found) = crate::text::control::find(text) {
            return Err(crate::text::control::diagnostic(path, found));
        }
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => line_col(text, span.start),
                None => (0, 0),
            };
            let (message, help) = from_toml_message(e.message().trim());
            let d = Diagnostic::error(path, line, column, message);
            match help {
                Some(h) => d.with_help(h),
                None => d,
            }
        })?;
        let base_url = raw.base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            let (line, column) = line_col(text, text.find("base_url").unwrap_or(0));
            return Err(Diagnostic::error(
                path,
                line,
                column,
                format!("base_url « {base_url} » n'est pas une adresse web"),
            )
            .with_help("écrivez l'adresse complète du site, par exemple https://ess.ma-ville.fr"));
        }
        let domains = domains::resolve(
            raw.domains_used.map(|used| {
                used.into_iter()
                    .map(|s| {
                        let offset = s.span().start;
                        (s.into_inner(), offset)
                    })
                    .collect()
            }),
            raw.domains
                .into_iter()
                .map(|(slug, label)| {
                    let position = line_col(text, slug.span().start);
                    (slug.into_inner(), position, label)
                })
                .collect(),
            |offset| line_col(text, offset),
            path,
        )?;
        let brand = match raw.brand {
            Some(b) => brand(b, text, path)?,
            None => Brand::default(),
        };
        // Settings that become links or addresses a browser loads: http(s) only (or a path of
        // the site), never `javascript:` or `data:`, each refused at its line.
        let data_licence_url =
            web_address(raw.data_licence_url, "data_licence_url", true, text, path)?;
        let map_tiles = web_address(raw.map_tiles, "map_tiles", true, text, path)?;
        let commune_website =
            web_address(raw.commune.website, "[commune] website", false, text, path)?;
        let insee = insee_code(raw.commune.insee, text, path)?;
        let editor = match raw.editor {
            None => None,
            Some(e) => Some(editor(e, text, path)?),
        };
        let forum = raw.forum.unwrap_or(RawForum {
            name: None,
            one: None,
        });
        Ok(Config {
            conferences: raw.conferences,
            forum: (
                forum.name.unwrap_or_else(|| "Forum de l’ESS".into()),
                forum.one.unwrap_or_else(|| "Édition du Forum".into()),
            ),
            editor,
            brand,
            precompress: raw.precompress.unwrap_or(false),
            title: raw.title,
            base_url,
            // A page without summary is described by the site: never an empty description.
            description: raw
                .description
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| {
                    format!(
                        "Le portail de l'économie sociale et solidaire de {} : les acteurs du territoire, leurs événements et leurs ressources.",
                        raw.commune.name
                    )
                }),
            language: raw.language.unwrap_or_else(|| "fr".into()),
            theme: raw.theme.filter(|t| t != "default"),
            paginate_by: raw.paginate_by.unwrap_or(50).max(1),
            feed_limit: raw.feed_limit.unwrap_or(20).max(1),
            max_file_size: raw.max_file_size_kib.unwrap_or(4096) * 1024,
            commune: raw.commune.name,
            department: raw.commune.department,
            insee,
            commune_website,
            contact: raw.contact.unwrap_or_default(),
            domains,
            data_licence: raw
                .data_licence
                .unwrap_or_else(|| "Licence Ouverte / Open Licence version 2.0".into()),
            data_licence_url: data_licence_url.unwrap_or_else(|| {
                "https://www.etalab.gouv.fr/licence-ouverte-open-licence/".into()
            }),
            search: raw.search.unwrap_or(true),
            stale_after_months: raw.stale_after_months.unwrap_or(12),
            map_tiles: map_tiles.unwrap_or_else(|| DEFAULT_MAP_TILES.into()),
            // Shown as HTML by the map's library: only text and links go through.
            map_attribution: raw
                .map_attribution
                .map(|a| attribution_html(&a))
                .unwrap_or_else(|| DEFAULT_MAP_ATTRIBUTION.into()),
            video_hosts: raw
                .video_hosts
                .unwrap_or_else(|| DEFAULT_VIDEO_HOSTS.iter().map(|h| h.to_string()).collect()),
        })
    }

    /// An absolute URL for a site path (`/acteurs/` → `https://…/acteurs/`).
    /// The name of a kind of record on this site (« Acteurs », the series' own name):
    /// the editor's collection, a feed's title.
    pub fn label(&self, section: crate::model::Section) -> &str {
        use crate::model::Section;
        match (section, &self.conferences) {
            (Section::Conferences, Some(series)) => &series.name,
            (Section::Forum, _) => &self.forum.0,
            _ => section.kind().label,
        }
    }

    /// The name of one record of a kind on this site (« Acteur », « Up Conférence »).
    pub fn label_one(&self, section: crate::model::Section) -> &str {
        use crate::model::Section;
        match (section, &self.conferences) {
            (Section::Conferences, Some(series)) => &series.one,
            (Section::Forum, _) => &self.forum.1,
            _ => section.kind().label_one,
        }
    }

    /// The path of `base_url` (`/ess` for `https://ville.gitlab.io/ess/`), without its final
    /// `/`; empty for a site at the root of its domain. Every site path is published under it.
    pub fn base_path(&self) -> &str {
        let rest = self.base_url.split_once("://").map_or("", |(_, r)| r);
        rest.find('/').map_or("", |at| &rest[at..])
    }

    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// `[brand]` read: its logo and favicon as site paths, its colours checked, each with its
/// position for the diagnostics that come later.
fn brand(b: RawBrand, text: &str, path: &Path) -> Result<Brand, Diagnostic> {
    let mut brand = Brand::default();
    if let Some(l) = b.logo {
        brand.logo_at = line_col(text, l.span().start);
        brand.logo = Some(site_path(l.get_ref()));
    }
    if let Some(f) = b.favicon {
        brand.favicon_at = line_col(text, f.span().start);
        brand.favicon = Some(site_path(f.get_ref()));
    }
    for (key, value, slot) in [
        ("primary", b.primary, &mut brand.primary),
        ("accent", b.accent, &mut brand.accent),
    ] {
        let Some(value) = value else { continue };
        let (line, column) = line_col(text, value.span().start);
        let Some(rgb) = parse_hex(value.get_ref()) else {
            return Err(Diagnostic::error(
                path,
                line,
                column,
                format!("couleur « {} » illisible ([brand] {key})", value.get_ref()),
            )
            .with_help("écrivez la couleur en hexadécimal, par exemple \"#0b6a4f\""));
        };
        *slot = Some(Colour { rgb, line, column });
    }
    Ok(brand)
}

/// `[editor]` checked: a backend the editor knows, a repository `owner/name`, GitLab's
/// application ID.
fn editor(e: RawEditor, text: &str, path: &Path) -> Result<Editor, Diagnostic> {
    let at = |span: std::ops::Range<usize>| line_col(text, span.start);
    let backend = e.backend.get_ref().trim().to_ascii_lowercase();
    if backend != "gitlab" && backend != "github" {
        let (line, column) = at(e.backend.span());
        return Err(Diagnostic::error(
            path,
            line,
            column,
            format!(
                "forge inconnue « {} » ([editor] backend)",
                e.backend.get_ref()
            ),
        )
        .with_help("écrivez backend = \"gitlab\" ou backend = \"github\""));
    }
    let repo = e.repo.get_ref().trim().trim_matches('/').to_string();
    if !repo.contains('/') || repo.contains(char::is_whitespace) {
        let (line, column) = at(e.repo.span());
        return Err(Diagnostic::error(
            path,
            line,
            column,
            format!("dépôt « {repo} » illisible ([editor] repo)"),
        )
        .with_help("écrivez le dépôt comme la forge le nomme, groupe/projet : par exemple repo = \"ma-ville/ess-site\""));
    }
    let app_id = e.app_id.filter(|a| !a.trim().is_empty());
    if backend == "gitlab" && app_id.is_none() {
        let (line, column) = at(e.backend.span());
        return Err(Diagnostic::error(
            path,
            line,
            column,
            "l'éditeur sur GitLab a besoin de l'identifiant de son application ([editor] app_id)",
        )
        .with_help("dans GitLab : Paramètres du groupe ou du profil > Applications, une application « ess-site » de portée api, non confidentielle, dont l'URL de redirection est l'adresse du site suivie de /admin/ ; copiez son ID dans app_id"));
    }
    Ok(Editor {
        backend,
        repo,
        branch: e
            .branch
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| "main".into()),
        app_id,
        base_url: web_address(e.base_url, "[editor] base_url", false, text, path)?
            .map(|u| u.trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty()),
        auth_endpoint: e.auth_endpoint.filter(|a| !a.trim().is_empty()),
    })
}

/// A setting that is a web address: `https://` or `http://` (or, where `path` allows, a path of
/// the site, `/…`), with no character that would end an attribute; else an error at its line.
/// `[commune] insee`: five characters, the department's two (digits, or 2A and 2B for Corsica)
/// and three digits.
fn insee_code(
    value: Option<toml::Spanned<String>>,
    text: &str,
    file: &Path,
) -> Result<Option<String>, Diagnostic> {
    let Some(value) = value else { return Ok(None) };
    let v = value.get_ref().trim().to_ascii_uppercase();
    if v.is_empty() {
        return Ok(None);
    }
    let b = v.as_bytes();
    let department =
        b.len() == 5 && (b[..2].iter().all(u8::is_ascii_digit) || matches!(&b[..2], b"2A" | b"2B"));
    if department && b[2..].iter().all(u8::is_ascii_digit) {
        return Ok(Some(v));
    }
    let (line, column) = line_col(text, value.span().start);
    Err(Diagnostic::error(
        file,
        line,
        column,
        format!("[commune] insee : code « {} » invalide : 5 caractères attendus", value.get_ref()),
    )
    .with_help("le code officiel géographique de la commune, pas son code postal : 5 caractères (2A ou 2B en tête en Corse), que donnent l’INSEE et annuaire-entreprises.data.gouv.fr"))
}

fn web_address(
    value: Option<toml::Spanned<String>>,
    key: &str,
    path_allowed: bool,
    text: &str,
    file: &Path,
) -> Result<Option<String>, Diagnostic> {
    let Some(value) = value else { return Ok(None) };
    let v = value.get_ref().trim();
    if v.is_empty() {
        return Ok(None);
    }
    let lower = v.to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let site_path = path_allowed && v.starts_with('/') && !v.starts_with("//");
    let clean = !v.contains(|c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`' | '\\')
    });
    if (web || site_path) && clean {
        return Ok(Some(v.to_string()));
    }
    let (line, column) = line_col(text, value.span().start);
    Err(Diagnostic::error(
        file,
        line,
        column,
        format!("{key} : adresse refusée « {v} » : une adresse https:// est attendue"),
    )
    .with_help(if path_allowed {
        "écrivez une adresse complète (https://…) ou un chemin du site qui commence par /"
    } else {
        "écrivez une adresse complète, par exemple https://www.ville.fr"
    }))
}

/// The map's attribution as the map shows it (as HTML): text, emphasis and `https://` links
/// only — no script, no handler, no image.
fn attribution_html(raw: &str) -> String {
    ammonia::Builder::default()
        .tags(std::collections::HashSet::from([
            "a", "em", "strong", "span", "small", "abbr",
        ]))
        .tag_attributes(std::collections::HashMap::from([
            ("a", std::collections::HashSet::from(["href", "title"])),
            ("abbr", std::collections::HashSet::from(["title"])),
        ]))
        .generic_attributes(std::collections::HashSet::new())
        .url_schemes(std::collections::HashSet::from(["https", "http"]))
        .link_rel(Some("noopener noreferrer"))
        .clean(raw)
        .to_string()
}

/// A path of the site's `static/` as written (`images/logo.svg` or `/images/logo.svg`), with
/// its leading slash.
fn site_path(p: &str) -> String {
    format!("/{}", p.trim().trim_start_matches('/'))
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_points_at_its_line() {
        let text =
            "title = \"x\"\nbase_url = \"https://a.fr\"\npaginat_by = 3\n[commune]\nname = \"S\"\n";
        let e = Config::parse(text, Path::new("site.toml")).unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(e.message, "clé inconnue « paginat_by »");
        assert!(e.help.unwrap().contains("« paginate_by »"));
    }
}
