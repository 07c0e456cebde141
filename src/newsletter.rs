//! `ess-site newsletter`: the citizens' newsletter of what was published in a window of dates,
//! as email-ready HTML (single column, tables, inline styles, absolute links, no script) and
//! plain text, from the theme's `newsletter.html` and `newsletter.txt` templates.

use crate::diagnostic::Diagnostic;
use crate::french;
use crate::load::Section;
use crate::model::{Common, CommonRef, Date};
use crate::pipeline;
use crate::render::{self, markdown};
use crate::site::{BuildOptions, Site};
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
        "date": when.map(|d| french::date(d.date())),
        "summary": c.summary.map(markdown::plain),
    })
}

/// Builds the newsletter of the site in `root` for the days `since` to `until`, both included.
pub fn newsletter(
    root: &Path,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Newsletter, Vec<Diagnostic>> {
    if since > until {
        return Err(vec![Diagnostic::error(
            "newsletter",
            0,
            0,
            format!("--since {since} est après --until {until}"),
        )]);
    }
    // The site as published at the end of the window: no drafts, no private records.
    let options = BuildOptions {
        now: until.and_hms_opt(23, 59, 59).unwrap_or_default(),
        drafts: false,
        include_private: false,
        base_url: None,
    };
    let (site, diagnostics) = pipeline::prepare(root, options);
    let Some(site) = site else {
        return Err(diagnostics);
    };

    let ahead = until + Duration::days(EVENTS_AHEAD_DAYS);
    let mut events: Vec<(Date, Value)> = Vec::new();
    for f in &site.forums {
        if let Some(d) = f.data.date.filter(|d| (since..=ahead).contains(&d.date())) {
            events.push((
                d,
                item(
                    &site,
                    Section::Forum,
                    &f.slug,
                    f.data.common(),
                    Some(d),
                    "Forum de l'ESS",
                ),
            ));
        }
    }
    for c in &site.conferences {
        if let Some(d) = c.data.date.filter(|d| (since..=ahead).contains(&d.date())) {
            events.push((
                d,
                item(
                    &site,
                    Section::Conferences,
                    &c.slug,
                    c.data.common(),
                    Some(d),
                    "Up Conférence",
                ),
            ));
        }
    }
    events.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1["url"].as_str().cmp(&b.1["url"].as_str()))
    });
    let dossiers: Vec<Value> = site
        .dossiers
        .iter()
        .filter(|d| in_window(d.data.common(), since, until))
        .map(|d| {
            item(
                &site,
                Section::Magazine,
                &d.slug,
                d.data.common(),
                d.data.date,
                site.theme
                    .label("magazine_kinds", crate::model::Term::slug(d.data.kind)),
            )
        })
        .collect();
    let actors: Vec<Value> = site
        .actors
        .iter()
        .filter(|a| in_window(a.data.common(), since, until))
        .map(|a| {
            item(
                &site,
                Section::Actors,
                &a.slug,
                a.data.common(),
                None,
                "Acteur",
            )
        })
        .collect();
    let resources: Vec<Value> = site
        .resources
        .iter()
        .filter(|r| in_window(r.data.common(), since, until))
        .map(|r| {
            item(
                &site,
                Section::Resources,
                &r.slug,
                r.data.common(),
                r.data.date,
                "Ressource",
            )
        })
        .collect();
    let items = events.len() + dossiers.len() + actors.len() + resources.len();

    let intro = site
        .data
        .get("newsletter")
        .and_then(|n| n.get("intro"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let intro_html = absolute_links(
        &markdown::render_with(intro, &site.config.video_hosts).html,
        &site.config.base_url,
    );
    let context = json!({
        "site": {"title": site.config.title, "base_url": site.config.base_url, "commune": site.config.commune},
        "title": site.data.get("newsletter").and_then(|n| n.get("title")).and_then(Value::as_str)
            .map(french::typography)
            .unwrap_or_else(|| format!("La lettre de l'ESS de {}", site.config.commune)),
        "period": format!("du {} au {}", french::date(since), french::date(until)),
        "intro_html": intro_html,
        "intro_text": markdown::plain(intro),
        "blocks": [
            {"title": "Prochains rendez-vous", "items": events.into_iter().map(|(_, v)| v).collect::<Vec<_>>()},
            {"title": "Le magazine", "items": dossiers},
            {"title": "Nouveaux acteurs dans l'annuaire", "items": actors},
            {"title": "Nouvelles ressources", "items": resources},
        ],
        "items": items,
    });
    let tera = render::compile_templates(&site.theme)?;
    let ctx = tera::Context::from_value(context)
        .map_err(|e| vec![Diagnostic::error("newsletter", 0, 0, e.to_string())])?;
    let render = |name: &str| {
        tera.render(name, &ctx).map_err(|e| {
            let chain: Vec<String> =
                std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
                    .map(|e| e.to_string())
                    .collect();
            vec![Diagnostic::error(
                site.theme.origin(name),
                0,
                0,
                format!("erreur dans le gabarit {name} : {}", chain.join(" : ")),
            )]
        })
    };
    Ok(Newsletter {
        html: render("newsletter.html")?,
        text: render("newsletter.txt")?,
        items,
    })
}

/// Makes the site-relative links (`href="/…"`, `src="/…"`) of some HTML absolute: an email is
/// read outside the site.
fn absolute_links(html: &str, base_url: &str) -> String {
    html.replace("href=\"/", &format!("href=\"{base_url}/"))
        .replace("src=\"/", &format!("src=\"{base_url}/"))
}
