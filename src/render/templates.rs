//! The theme's templates: compiled once, with the theme's filters and escaping, the values
//! every page shares, and Tera's errors as French diagnostics.

use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::model::{Date, Section};
use crate::render::site::Site;
use crate::text::french;
use crate::text::html::escape_html;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use tera::Tera;

/// A label and the page it links to.
#[derive(Serialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// Compiles a theme's templates, with the theme's filters and escaping.
pub fn compile_templates(theme: &crate::load::theme::Theme) -> Result<Arc<Tera>, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    let templates: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(templates) {
        return Err(vec![template_error(&e, None, theme)]);
    }
    register_filters(&mut tera);
    register_assets(&mut tera, theme);
    tera.set_escape_fn(escape_html);
    Ok(Arc::new(tera))
}

fn link(label: &str, url: &str) -> Link {
    Link {
        label: label.to_string(),
        url: url.to_string(),
    }
}

fn page_link(p: &crate::model::Entry<crate::model::Page>) -> Link {
    link(
        &french::typography(&p.data.title),
        &Section::Pages.url(&p.slug),
    )
}

/// The site's menu: its sections, then the pages that ask to be in it.
pub fn menu(site: &Site) -> Vec<Link> {
    let c = &site.config;
    let mut menu = vec![
        link("Annuaire", url::ACTORS),
        link("Porteurs de projet", url::PROJECT_PATH),
        link("Agenda", url::AGENDA),
        link("Forum", url::FORUMS),
    ];
    // The commune's series of conferences, when the site shows any, by its own name.
    if site.has_conferences() {
        menu.push(link(c.label(Section::Conferences), url::CONFERENCES));
    }
    menu.extend([
        link("Magazine", url::MAGAZINE),
        link("Ressources", url::RESOURCES),
    ]);
    menu.extend(
        site.pages
            .iter()
            .filter(|p| p.data.menu.is_some())
            .map(|p| page_link(p)),
    );
    menu
}

/// The short names of the pages other pages sit under (`/acteurs/domaines/` for a domain's
/// page), for the breadcrumbs: the menu's words, then the lists inside a section.
pub fn trail_labels(site: &Site) -> HashMap<String, String> {
    let mut labels: HashMap<String, String> = [
        (crate::model::Taxonomy::Domain.base(), "Domaines d’action"),
        (
            crate::model::Taxonomy::LegalForm.base(),
            "Formes juridiques",
        ),
        (crate::model::Taxonomy::Stage.base(), "Étapes d’un projet"),
        (
            crate::model::Taxonomy::ResourceCategory.base(),
            "Catégories",
        ),
        (
            crate::model::Taxonomy::ResourceType.base(),
            "Types de ressources",
        ),
        (url::CLOSED_ACTORS, "Structures fermées"),
        (url::LETTERS, "La lettre d’information"),
        (url::OPEN_DATA, "Données ouvertes"),
    ]
    .into_iter()
    .map(|(u, l)| (u.to_string(), l.to_string()))
    .collect();
    labels.extend(
        site.pages
            .iter()
            .map(|p| page_link(p))
            .map(|l| (l.url, l.label)),
    );
    labels.extend(menu(site).into_iter().map(|l| (l.url, l.label)));
    labels
}

/// The values every page shares: the site's title, menu, commune…
pub fn globals(site: &Site) -> Value {
    let c = &site.config;
    let menu = menu(site);
    let globals = Globals {
        series: site.has_conferences().then(|| Series {
            name: c.label(Section::Conferences),
            one: c.label_one(Section::Conferences),
        }),
        forum: &c.forum,
        title: french::typography(&c.title),
        description: french::typography(&c.description),
        base_url: &c.base_url,
        language: &c.language,
        commune: &c.commune,
        department: c.department.as_deref(),
        commune_website: c.commune_website.as_deref(),
        contact: &c.contact,
        menu,
        footer_pages: site.pages.iter().map(|p| page_link(p)).collect(),
        members: site.options.include_private,
        drafts: site.options.drafts,
        preview: site.options.scheduled,
        accessibility: site.data.get("accessibilite"),
        accessibility_status: crate::model::data_files::rgaa_status(site.data.get("accessibilite"))
            .0,
        accessibility_page: site.pages.iter().any(|p| p.slug == "accessibilite"),
        letters: !crate::model::letters::letters(&site.data).is_empty(),
        search: c.search,
        map_tiles: &c.map_tiles,
        map_attribution: &c.map_attribution,
        favicon: &site.theme.favicon,
        logo: c.brand.logo.as_deref().map(|l| {
            crate::render::pages::pictures::picture(
                site,
                l,
                "",
                crate::render::pages::pictures::Place::Brand,
                false,
            )
        }),
    };
    serde_json::to_value(globals).unwrap_or(Value::Null)
}

/// The series of conferences in templates: `site.series.name`, `site.series.one`.
#[derive(Serialize)]
struct Series<'a> {
    name: &'a str,
    one: &'a str,
}

/// `site` in templates.
#[derive(Serialize)]
struct Globals<'a> {
    /// The commune's series of conferences (its name, one of them), if the site shows any.
    series: Option<Series<'a>>,
    /// The Forum's name, and the name of one edition.
    forum: &'a (String, String),
    title: String,
    description: String,
    base_url: &'a str,
    language: &'a str,
    commune: &'a str,
    department: Option<&'a str>,
    commune_website: Option<&'a str>,
    contact: &'a crate::model::config::RawContact,
    menu: Vec<Link>,
    footer_pages: Vec<Link>,
    /// A members' build.
    members: bool,
    drafts: bool,
    /// A preview (`serve`): it shows drafts and records dated in the future, marked.
    preview: bool,
    /// The accessibility statement's data, for the footer and the statement page.
    accessibility: Option<&'a Value>,
    /// What the statement may claim, from its audit (see `rgaa_status`).
    accessibility_status: &'static str,
    accessibility_page: bool,
    /// Whether the site publishes letters sent (`/lettre/`).
    letters: bool,
    search: bool,
    map_tiles: &'a str,
    map_attribution: &'a str,
    favicon: &'a str,
    /// The commune's logo beside the title, as HTML (decorative: the title says it).
    logo: Option<String>,
}

/// `asset(path="style.css")`: the address an asset is published at (its fingerprinted name);
/// `font_files()`: the typefaces `style.css` declares (see `Theme::font_files`);
/// `icon(name="search")`: an icon of the theme's sprite, decorative (`aria-hidden`).
fn register_assets(tera: &mut Tera, theme: &crate::load::theme::Theme) {
    let urls: Arc<std::collections::BTreeMap<String, String>> =
        Arc::new(theme.fingerprinted.clone());
    let of = |urls: &std::collections::BTreeMap<String, String>, path: &str| {
        urls.get(path)
            .cloned()
            .unwrap_or_else(|| format!("/{}", path.trim_start_matches('/')))
    };
    let u = urls.clone();
    tera.register_function("asset", move |args: &HashMap<String, Value>| {
        match args.get("path").and_then(Value::as_str) {
            Some(path) => Ok(Value::String(of(&u, path))),
            None => Err(tera::Error::msg("asset(path=\"…\") : chemin attendu")),
        }
    });
    let fonts: Vec<Value> = theme
        .font_files("style.css")
        .into_iter()
        .map(Value::String)
        .collect();
    tera.register_function("font_files", move |_: &HashMap<String, Value>| {
        Ok(Value::Array(fonts.clone()))
    });
    let sprite = of(&urls, "icons.svg");
    tera.register_function("icon", move |args: &HashMap<String, Value>| {
        match args.get("name").and_then(Value::as_str) {
            Some(name) => Ok(Value::String(format!(
                "<svg class=\"icon\" aria-hidden=\"true\" focusable=\"false\"><use href=\"{sprite}#{}\"></use></svg>",
                escape_html(name)
            ))),
            None => Err(tera::Error::msg("icon(name=\"…\") : nom attendu")),
        }
    });
}

/// Registers the theme's filters: `date_fr`, `date_long`, `time_fr`, `typo`.
pub fn register_filters(tera: &mut tera::Tera) {
    fn with_date(v: &tera::Value, f: impl Fn(Date) -> String) -> tera::Result<tera::Value> {
        match v.as_str().map(Date::parse) {
            Some(Ok(d)) => Ok(tera::Value::String(f(d))),
            _ => Err(tera::Error::msg(format!(
                "date attendue (AAAA-MM-JJ), reçu {v}"
            ))),
        }
    }
    tera.register_filter(
        "date_fr",
        |v: &tera::Value, _: &HashMap<String, tera::Value>| {
            with_date(v, |d| french::date(d.date()))
        },
    );
    tera.register_filter(
        "date_long",
        |v: &tera::Value, _: &HashMap<String, tera::Value>| {
            with_date(v, |d| french::date_long(d.date()))
        },
    );
    tera.register_filter(
        "time_fr",
        |v: &tera::Value, _: &HashMap<String, tera::Value>| with_date(v, |d| french::time(d.at)),
    );
    // The icon of the kind of record at an address (`/acteurs/…` → `actor`).
    tera.register_filter(
        "kind_icon",
        |v: &tera::Value, _: &HashMap<String, tera::Value>| {
            let url = v.as_str().unwrap_or("");
            let icon = [
                (url::ACTORS, "actor"),
                (url::FORUMS, "forum"),
                (url::CONFERENCES, "conference"),
                (url::MAGAZINE, "magazine"),
                (url::RESOURCES, "resource"),
            ]
            .iter()
            .find(|(prefix, _)| url.starts_with(prefix))
            .map_or("date", |(_, icon)| *icon);
            Ok(tera::Value::String(icon.into()))
        },
    );
    // French plurals: « 0 acteur », « 1 acteur », « 2 acteurs ».
    tera.register_filter(
        "pluriel",
        |v: &tera::Value, _: &HashMap<String, tera::Value>| {
            let n = v.as_f64().unwrap_or(0.0);
            Ok(tera::Value::String(if n >= 2.0 { "s" } else { "" }.into()))
        },
    );
    // A whole number with its thousands apart: « 12 500 ».
    tera.register_filter(
        "nombre",
        |v: &tera::Value, _: &HashMap<String, tera::Value>| match v.as_u64() {
            Some(n) => Ok(tera::Value::String(french::number(n as usize))),
            None => Ok(v.clone()),
        },
    );
    tera.register_filter(
        "typo",
        |v: &tera::Value, _: &HashMap<String, tera::Value>| match v.as_str() {
            Some(s) => Ok(tera::Value::String(french::typography(s))),
            None => Ok(v.clone()),
        },
    );
}

/// Tera's most common messages, in French.
fn french_tera_message(detail: &str) -> String {
    detail
        .split(" ; ")
        .map(|part| {
            if let Some(rest) = part.strip_prefix("Template recursion: more than ") {
                let chain = rest
                    .split_once('(')
                    .map_or("", |(_, c)| c.trim_end_matches(')'))
                    .replace(" -> ...", " -> …");
                format!("le gabarit s'appelle lui-même sans fin (inclusions et macros imbriquées plus de 64 fois : {chain})")
            } else if part.starts_with("expected ") || part.starts_with("unexpected ") {
                french_syntax(part)
            } else {
                crate::text::translate::tera(part)
            }
        })
        .collect::<Vec<_>>()
        .join(" : ")
}

/// The template parser's « unexpected X; expected A, B, or C », in French.
fn french_syntax(detail: &str) -> String {
    let list = |items: &str| {
        let items: Vec<String> = items
            .split(", ")
            .flat_map(|i| i.split(" or "))
            .map(|i| i.trim().trim_start_matches("or ").trim())
            .filter(|i| !i.is_empty())
            .map(french_rule)
            .collect();
        match items.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} ou {last}", rest.join(", ")),
            None => String::new(),
        }
    };
    let mut parts = Vec::new();
    for part in detail.split("; ") {
        if let Some(items) = part.strip_prefix("unexpected ") {
            parts.push(format!("inattendu ici : {}", list(items)));
        } else if let Some(items) = part.strip_prefix("expected ") {
            parts.push(format!("attendu ici : {}", list(items)));
        }
    }
    parts.join(" ; ")
}

/// One item of the template parser's lists: its code as written, or its name in French.
fn french_rule(item: &str) -> String {
    let named = [
        ("a filter", "un filtre"),
        ("a variable end (`}}`)", "la fin de la variable (`}}`)"),
        ("a variable start (`{{`)", "le début d'une variable (`{{`)"),
        (
            "an identifier (must start with a-z)",
            "un nom (qui commence par une lettre de a à z)",
        ),
        ("an expression", "une expression"),
        ("any expressions", "une expression"),
        ("a value", "une valeur"),
        ("end of input", "la fin du gabarit"),
        ("an integer", "un nombre entier"),
        ("a float", "un nombre décimal"),
        ("some text", "du texte"),
        ("a test", "un test"),
        ("a function call", "un appel de fonction"),
        ("a comparison operator", "un opérateur de comparaison"),
        ("a mathematical operator", "un opérateur de calcul"),
        ("tag", "une balise"),
    ];
    if item.starts_with('`') {
        return item.to_string();
    }
    if let Some((_, fr)) = named.iter().find(|(en, _)| *en == item) {
        return fr.to_string();
    }
    // Other names carry their code between backquotes: « an endif tag (`{% endif %}`) ».
    let code: Vec<&str> = item.split('`').skip(1).step_by(2).collect();
    if code.is_empty() {
        "un élément de gabarit".into()
    } else {
        format!("`{}`", code.join("` ou `"))
    }
}

/// "content/pages/x.md (/x/)", or the URL of a generated page.
pub fn page_name(source: Option<&str>, url: &str) -> String {
    match source {
        Some(s) => format!("{s} ({url})"),
        None => url.to_string(),
    }
}

/// A Tera error as a diagnostic naming the template and the page being rendered.
pub fn template_error(
    e: &tera::Error,
    page: Option<&str>,
    theme: &crate::load::theme::Theme,
) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    // The innermost template named is the one at fault (a child names its parent too).
    let name = chain
        .iter()
        .rev()
        .flat_map(|m| m.split('\'').skip(1).step_by(2))
        .find(|n| theme.templates.contains_key(*n))
        .unwrap_or("?")
        .to_string();
    let file = theme.origin(&name);
    let text = theme.templates.get(&name).map(String::as_str).unwrap_or("");
    // Parse errors carry " --> line:col"; render errors name a variable or a filter.
    let position = chain.iter().find_map(|m| {
        let rest = &m[m.find("--> ")? + 4..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(rest.len());
        let (l, c) = rest[..end].split_once(':')?;
        Some((l.parse().ok()?, c.parse().ok()?))
    });
    let culprit = chain
        .iter()
        .find_map(|m| m.split('`').nth(1).map(str::to_string));
    let (line, column) = position
        .or_else(|| {
            let needle = culprit.as_deref()?;
            text.lines()
                .enumerate()
                .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, l[..c].chars().count() + 1)))
        })
        .unwrap_or((0, 0));
    let detail = chain
        .iter()
        .flat_map(|m| m.lines())
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("-->")
                && !l.starts_with('|')
                && !l.starts_with(char::is_numeric)
        })
        .filter(|l| !l.starts_with("Failed to render") && !l.starts_with("Failed to parse"))
        .map(|l| l.trim_start_matches("= "))
        .collect::<Vec<_>>()
        .join(" ; ");
    let detail = french_tera_message(&detail);
    let message = match page {
        Some(p) => format!("erreur dans le gabarit {name} en rendant {p} : {detail}"),
        None => format!("erreur de syntaxe dans le gabarit {name} : {detail}"),
    };
    Diagnostic::error(file, line, column, message)
        .with_help("corrigez le gabarit ; les variables disponibles sont décrites dans le README")
}
