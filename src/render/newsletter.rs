//! The citizens' newsletter of what was published in a window of dates (`ess-site
//! newsletter`, run by `pipeline::newsletter`), as email-ready HTML (single column, tables, inline styles, absolute links, no script) and
//! plain text, from the theme's `newsletter.html` and `newsletter.txt` templates.

use crate::diagnostic::Diagnostic;
use crate::model::Section;
use crate::model::{Common, CommonRef, Date};
use crate::render::site::Site;
use crate::text::french;
use crate::text::markdown;
use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};
use std::path::Path;

/// How long after the window an event is still announced as coming.
pub const EVENTS_AHEAD_DAYS: i64 = 90;

/// The newsletter, in its two parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newsletter {
    pub html: String,
    pub text: String,
    /// How many records it presents.
    pub items: usize,
    /// The site URLs of the records it presents, in the letter's order.
    pub urls: Vec<String>,
    /// Its title, and the editorial introduction it opens with (Markdown), as sent.
    pub title: String,
    pub intro: String,
    /// What the letter lacks that a sent letter must have (an unsubscribe link), in French.
    pub warnings: Vec<String>,
}

fn in_window(c: CommonRef, since: NaiveDate, until: NaiveDate) -> bool {
    [c.date, c.updated]
        .into_iter()
        .flatten()
        .any(|d| (since..=until).contains(&d.date()))
}

fn item(
    site: &Site,
    section: Section,
    slug: &str,
    c: CommonRef,
    when: Option<Date>,
    kind: &str,
) -> Value {
    json!({
        "kind": kind,
        "title": french::typography(c.title),
        "url": site.config.absolute(&section.url(slug)),
        "path": section.url(slug),
        "date": when.map(|d| french::date(d.date())),
        "summary": c.summary.map(markdown::plain),
        "image": c.image.and_then(|i| {
            let (src, width, height) = super::pages::pictures::email_image(site, &i.src, 552)?;
            Some(json!({"src": src, "width": width, "height": height, "alt": i.alt.as_deref().unwrap_or("")}))
        }),
    })
}

/// The editorial introduction of `content/data/newsletter.yaml`, if any.
fn intro(site: &Site) -> Option<&str> {
    setting(site, "intro")
}

/// A text of `content/data/newsletter.yaml`, if given and not blank.
fn setting<'a>(site: &'a Site, key: &str) -> Option<&'a str> {
    site.data
        .get("newsletter")
        .and_then(|n| n.get(key))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The internal links of the newsletter's introduction must lead to pages of the site, as a
/// record's body links must: never to a draft, a private or a future record.
pub fn check_intro_links(
    root: &Path,
    renderer: &crate::render::renderer::Renderer,
) -> Vec<Diagnostic> {
    let site = renderer.site;
    let Some(intro) = intro(site) else {
        return Vec::new();
    };
    let links = markdown::render_with(intro, &site.config.video_hosts).internal_links;
    if links.is_empty() {
        return Vec::new();
    }
    let (path, text) = crate::load::data_text(root, "newsletter")
        .unwrap_or_else(|| ("content/data/newsletter.yaml".into(), String::new()));
    let first_line = if text.is_empty() { 0 } else { 1 };
    renderer
        .check_links_in(&path, || text.as_str().into(), first_line, &links)
        .err()
        .unwrap_or_default()
}

/// The newsletter of `site` (as a build publishes it at the letter's moment) for the days
/// `since` to `until`, both included: the records of the window, the events of the weeks
/// after it, the introduction, sender and unsubscribe link of `content/data/newsletter.yaml`.
pub fn letter(
    site: &Site,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Newsletter, Vec<Diagnostic>> {
    let (events, dossiers, actors, resources) = blocks(site, since, until);
    // Upcoming at the letter's moment (the end of its window, or now if that is later);
    // the window's past events are told apart.
    let moment = site.options.now;
    let (upcoming, past): (Vec<_>, Vec<_>) = events
        .into_iter()
        .partition(|(start, end, _)| crate::model::time::is_upcoming(Some(*start), *end, moment));
    let past: Vec<Value> = past
        .into_iter()
        .filter(|(start, _, _)| (since..=until).contains(&start.date()))
        .map(|(_, _, v)| v)
        .collect();
    let upcoming: Vec<Value> = upcoming.into_iter().map(|(_, _, v)| v).collect();
    let items = upcoming.len() + past.len() + dossiers.len() + actors.len() + resources.len();

    let urls: Vec<String> = [&upcoming, &past, &dossiers, &actors, &resources]
        .into_iter()
        .flatten()
        .filter_map(|v| v["path"].as_str().map(str::to_string))
        .collect();
    let intro = intro(site).unwrap_or("");
    let intro_html = absolute_links(
        &markdown::render_with(intro, &site.config.video_hosts).html,
        &site.config.base_url,
    );
    let context = json!({
        "site": {"title": site.config.title, "base_url": site.config.base_url, "commune": site.config.commune},
        "title": site.data.get("newsletter").and_then(|n| n.get("title")).and_then(Value::as_str)
            .map(french::typography)
            .unwrap_or_else(|| format!("La lettre de l’ESS de {}", site.config.commune)),
        "period": format!("du {} au {}", french::date(since), french::date(until)),
        "intro_html": intro_html,
        "intro_text": markdown::plain(intro),
        "blocks": [
            {"title": "Prochains rendez-vous", "items": upcoming},
            {"title": "Ils ont eu lieu", "items": past},
            {"title": "Le magazine", "items": dossiers},
            {"title": "Nouveaux acteurs dans l’annuaire", "items": actors},
            {"title": "Nouvelles ressources", "items": resources},
        ],
        "items": items,
    });
    let mut context = context;
    // The footer: who sends it, and how to stop receiving it (an address, a `mailto:`, or
    // the mailing tool's own tag, such as `{{ unsubscribe }}` or `*|UNSUB|*`, kept as written).
    let sender = setting(site, "sender")
        .map(french::typography)
        .unwrap_or_else(|| format!("la ville de {}", site.config.commune));
    // Never a link of another scheme (`check` refuses it at its line; this is the last guard).
    // A bare address becomes a `mailto:` link.
    let unsubscribe = setting(site, "unsubscribe")
        .filter(|u| crate::model::data_files::unsubscribe_allowed(u))
        .map(|u| {
            let bare =
                u.contains('@') && !u.contains(':') && !u.starts_with(['{', '*', '[', '%', '$']);
            if bare {
                format!("mailto:{u}")
            } else {
                u.to_string()
            }
        });
    context["sender"] = json!(sender);
    context["unsubscribe"] = json!(unsubscribe);
    let mut warnings = Vec::new();
    if unsubscribe.is_none() {
        warnings.push("content/data/newsletter.yaml : pas de lien de désinscription (unsubscribe) : une lettre envoyée doit permettre de ne plus la recevoir ; ajoutez par exemple unsubscribe: \"mailto:ess@ville.fr?subject=Désinscription\", ou la balise de votre outil d'envoi".to_string());
    }
    let title = context["title"].as_str().unwrap_or_default().to_string();
    let (html, text) = render_templates(site, context)?;
    Ok(Newsletter {
        html,
        text,
        items,
        urls,
        title,
        intro: intro.to_string(),
        warnings,
    })
}

/// The newsletter's HTML and text, from the theme's templates.
fn render_templates(site: &Site, context: Value) -> Result<(String, String), Vec<Diagnostic>> {
    let tera = crate::render::templates::compile_templates(&site.theme)?;
    let ctx = tera::Context::from_value(context)
        .map_err(|e| vec![Diagnostic::error("newsletter", 0, 0, e.to_string())])?;
    let render = |name: &str| {
        tera.render(name, &ctx).map_err(|e| {
            let chain: Vec<String> =
                std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
                    .map(|e| e.to_string())
                    .filter(|m| !m.starts_with("Failed to render"))
                    .map(|m| crate::text::translate::tera(&m))
                    .collect();
            vec![Diagnostic::error(
                site.theme.origin(name),
                0,
                0,
                format!("erreur dans le gabarit {name} : {}", chain.join(" : ")),
            )]
        })
    };
    Ok((render("newsletter.html")?, render("newsletter.txt")?))
}

/// The items of each block: events of the window and the weeks after it, then the dossiers,
/// actors and resources published in the window.
#[allow(clippy::type_complexity)]
fn blocks(
    site: &Site,
    since: NaiveDate,
    until: NaiveDate,
) -> (
    Vec<(Date, Option<Date>, Value)>,
    Vec<Value>,
    Vec<Value>,
    Vec<Value>,
) {
    let ahead = until + Duration::days(EVENTS_AHEAD_DAYS);
    let mut events: Vec<(Date, Option<Date>, Value)> = Vec::new();
    let (mut dossiers, mut actors, mut resources) = (Vec::new(), Vec::new(), Vec::new());
    let soon = |d: &Date| (since..=ahead).contains(&d.date());
    // Each kind's block, or none: a new kind is a compile error here until it has its place.
    for section in Section::ALL {
        match section {
            Section::Forum => {
                for f in &site.forums {
                    if let Some(d) = f.data.date.filter(soon) {
                        let c = f.data.common();
                        let v = item(site, section, &f.slug, c, Some(d), &site.config.forum.0);
                        events.push((d, f.data.end_date, v));
                    }
                }
            }
            Section::Conferences => {
                for e in &site.conferences {
                    if let Some(d) = e.data.date.filter(soon) {
                        let c = e.data.common();
                        let one = site.config.label_one(section);
                        let v = item(site, section, &e.slug, c, Some(d), one);
                        events.push((d, e.data.end_date, v));
                    }
                }
            }
            Section::Magazine => dossiers.extend(
                site.dossiers
                    .iter()
                    .filter(|d| in_window(d.data.common(), since, until))
                    .map(|d| {
                        let kind = crate::model::Term::slug(d.data.kind);
                        let label = site.theme.label("magazine_kinds", kind);
                        item(site, section, &d.slug, d.data.common(), d.data.date, label)
                    }),
            ),
            Section::Actors => actors.extend(
                site.actors
                    .iter()
                    // New in the directory by its date (its entry), not by an update.
                    .filter(|a| {
                        a.data
                            .date
                            .is_some_and(|d| (since..=until).contains(&d.date()))
                    })
                    .map(|a| item(site, section, &a.slug, a.data.common(), None, "Acteur")),
            ),
            Section::Resources => resources.extend(
                site.resources
                    .iter()
                    .filter(|r| in_window(r.data.common(), since, until))
                    .map(|r| {
                        item(
                            site,
                            section,
                            &r.slug,
                            r.data.common(),
                            r.data.date,
                            "Ressource",
                        )
                    }),
            ),
            // Plain pages are not news.
            Section::Pages => {}
        }
    }
    events.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.2["url"].as_str().cmp(&b.2["url"].as_str()))
    });
    (events, dossiers, actors, resources)
}

/// Makes the site-relative links (`href="/…"`, `src="/…"`) of some HTML absolute: an email is
/// read outside the site.
fn absolute_links(html: &str, base_url: &str) -> String {
    html.replace("href=\"/", &format!("href=\"{base_url}/"))
        .replace("src=\"/", &format!("src=\"{base_url}/"))
}
