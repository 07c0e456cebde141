//! Every URL of the site, and the output paths they are written to. No other module writes a
//! URL format: pages, feeds, exports and diagnostics ask here.

use crate::model::kinds::Section;
use crate::model::Taxonomy;

/// The home page.
pub const HOME: &str = "/";
/// The directory of actors (first page).
pub const ACTORS: &str = Section::Actors.kind().list_url;
/// « Porteur de projet »: who helps at each stage.
pub const PROJECT_PATH: &str = "/porteur-de-projet/";
pub const KEY_FIGURES: &str = "/chiffres-cles/";
/// The open data page, documenting the exports.
pub const OPEN_DATA: &str = "/donnees/";
pub const OPEN_DATA_CSV: &str = "/donnees/acteurs.csv";
pub const OPEN_DATA_JSON: &str = "/donnees/acteurs.json";
pub const OPEN_DATA_GOGOCARTO: &str = "/donnees/gogocarto.json";
pub const OPEN_DATA_GEOJSON: &str = "/donnees/acteurs.geojson";
pub const OPEN_DATA_INCLUSION: &str = "/donnees/data-inclusion/structures.json";
pub const OPEN_DATA_INCLUSION_CSV: &str = "/donnees/data-inclusion/structures.csv";
/// What the directory's and the map's filters read: the actors, a few fields each.
pub const DIRECTORY_FILTERS: &str = "/acteurs/filtres.json";
pub const SEARCH: &str = "/recherche/";
/// The folder of the search index (many files).
pub const SEARCH_INDEX: &str = "/pagefind/";
pub const MAP: &str = "/carte/";
/// The list of the directory's closed structures.
pub const CLOSED_ACTORS: &str = "/acteurs/fermees/";
pub const FORUMS: &str = Section::Forum.kind().list_url;
pub const CONFERENCES: &str = Section::Conferences.kind().list_url;
pub const AGENDA: &str = "/agenda/";
pub const AGENDA_ICS: &str = "/agenda.ics";
pub const MAGAZINE: &str = Section::Magazine.kind().list_url;
pub const RESOURCES: &str = Section::Resources.kind().list_url;
/// The archive of the letters sent, and its feed.
pub const LETTERS: &str = "/lettre/";
pub const LETTERS_FEED: &str = "/lettre/flux.xml";
/// The site-wide RSS feed.
pub const FEED: &str = "/rss.xml";
pub const SITEMAP: &str = "/sitemap.xml";
pub const ROBOTS: &str = "/robots.txt";
pub const NOT_FOUND: &str = "/404.html";

impl Section {
    /// The URL of a record of this section with this slug.
    pub fn url(self, slug: &str) -> String {
        match self {
            Section::Pages => format!("/{slug}/"),
            s => format!("/{}/{slug}/", s.folder()),
        }
    }

    /// The URL of the section's list (`/acteurs/`); the home page for plain pages.
    pub fn list_url(self) -> &'static str {
        self.kind().list_url
    }

    /// The URL of the section's RSS feed.
    pub fn feed_url(self) -> String {
        format!("{}rss.xml", self.list_url())
    }
}

impl Taxonomy {
    /// The URL of the taxonomy's index page.
    pub fn base(self) -> &'static str {
        match self {
            Taxonomy::Domain => "/acteurs/domaines/",
            Taxonomy::LegalForm => "/acteurs/formes/",
            Taxonomy::Stage => "/acteurs/etapes/",
            Taxonomy::ResourceCategory => "/ressources/categories/",
            Taxonomy::ResourceType => "/ressources/types/",
        }
    }

    /// The URL of a term's page (`/acteurs/domaines/alimentation/`).
    pub fn term_url(self, slug: &str) -> String {
        format!("{}{slug}/", self.base())
    }
}

/// The URL of page `n` (1-based) of a list at `base`.
pub fn paged(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The iCalendar file beside an event's page.
pub fn event_calendar(section: Section, slug: &str) -> String {
    format!("{}evenement.ics", section.url(slug))
}

/// The folder of the members' files, inside `content/`, and the URL they are published at.
pub const MEMBERS_FILES: &str = "ressources/fichiers";

/// The folder of the members' files (`content/ressources/fichiers/`), as a URL.
pub fn members_files() -> String {
    format!("/{}/", MEMBERS_FILES)
}

/// A members' file.
pub fn members_file(name: &str) -> String {
    format!("{}{name}", members_files())
}

/// The URL people see for an output path (`acteurs/index.html` → `/acteurs/`).
pub fn of_output_path(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}

/// The file path, inside the output folder, of a site URL: `/a/` → `a/index.html`.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// An alias as an output URL (`/old/path/`), or `None` if it is not a safe site path.
/// The file of the site an address leads to, as a path without its leading `/`
/// (`docs/rapport.pdf`), however it is spelled: a path of the site (`/docs/rapport.pdf`,
/// `/docs/../docs/rapport%2Epdf?v=2#p3`), or an absolute address on the site's own host
/// (`https://ESS.ville.fr/docs/rapport.pdf`, `http://…`, `//ess.ville.fr/…`). `None` for an
/// address elsewhere.
pub fn site_file(base_url: &str, href: &str) -> Option<String> {
    let href = href.trim();
    let host_of = |url: &str| -> Option<(String, String)> {
        let rest = url.strip_prefix("//").or_else(|| {
            let (scheme, rest) = url.split_once("://")?;
            matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https").then_some(rest)
        })?;
        let (host, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        let host = host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase();
        let host = host
            .strip_suffix(":443")
            .or_else(|| host.strip_suffix(":80"))
            .unwrap_or(&host)
            .trim_end_matches('.')
            .to_string();
        Some((host, path.to_string()))
    };
    let path = if href.starts_with('/') && !href.starts_with("//") {
        href.to_string()
    } else {
        let (host, path) = host_of(href)?;
        let (own, base_path) = host_of(base_url)?;
        if host != own {
            return None;
        }
        // Under a base path (`https://ville.fr/ess/`), the site's files are below it.
        let base_path = base_path.trim_end_matches('/');
        let path = if path.is_empty() {
            "/".to_string()
        } else {
            path
        };
        path.strip_prefix(base_path)
            .filter(|p| p.is_empty() || p.starts_with(['/', '?', '#']))
            .map(|p| {
                if p.starts_with('/') {
                    p.to_string()
                } else {
                    format!("/{p}")
                }
            })?
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path);
    let mut parts: Vec<&str> = Vec::new();
    for part in decoded.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Decodes `%XX` escapes of a URL path.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && s.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn normalise_alias(alias: &str) -> Option<String> {
    let a = alias.trim();
    if !a.starts_with('/') || a.starts_with("//") || a.contains(['\\', '\0', '?', '#']) {
        return None;
    }
    let parts: Vec<&str> = a.split('/').filter(|p| !p.is_empty()).collect();
    // A part of a path is a file name of the output: at most 255 bytes on every file system.
    if parts.is_empty()
        || parts
            .iter()
            .any(|p| *p == "." || *p == ".." || p.len() > 200)
    {
        return None;
    }
    let last = parts[parts.len() - 1];
    if last.ends_with(".html") {
        Some(format!("/{}", parts.join("/")))
    } else {
        Some(format!("/{}/", parts.join("/")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_file_is_found_however_its_address_is_spelled() {
        let base = "https://ess.ville.fr";
        for href in [
            "/docs/secret.pdf",
            "https://ess.ville.fr/docs/secret.pdf",
            "HTTPS://ESS.Ville.FR/docs/secret.pdf?v=2#page=3",
            "http://ess.ville.fr:80/docs/secret.pdf",
            "//ess.ville.fr/docs/secret.pdf",
            "https://ess.ville.fr:443/docs/./autre/../secret%2Epdf",
            "/docs//secret.pdf",
            "https://user@ess.ville.fr/docs/secret.pdf",
        ] {
            assert_eq!(
                site_file(base, href).as_deref(),
                Some("docs/secret.pdf"),
                "{href}"
            );
        }
        assert_eq!(site_file(base, "https://autre.fr/docs/secret.pdf"), None);
        assert_eq!(site_file(base, "mailto:x@ess.ville.fr"), None);
        assert_eq!(
            site_file(
                "https://ville.gitlab.io/ess/",
                "https://ville.gitlab.io/ess/docs/a.pdf"
            )
            .as_deref(),
            Some("docs/a.pdf")
        );
        assert_eq!(
            site_file(
                "https://ville.gitlab.io/ess",
                "https://ville.gitlab.io/autre/a.pdf"
            ),
            None
        );
    }

    #[test]
    fn aliases() {
        assert_eq!(normalise_alias("/old/page").as_deref(), Some("/old/page/"));
        assert_eq!(normalise_alias("/a/b.html").as_deref(), Some("/a/b.html"));
        assert_eq!(normalise_alias("/a/../b"), None);
        assert_eq!(normalise_alias("relative"), None);
    }

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/acteurs/"), "acteurs/index.html");
        assert_eq!(output_path("/rss.xml"), "rss.xml");
    }
}
