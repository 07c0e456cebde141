//! The home page: the text of `content/_index.md`, the next events, the latest dossiers, the
//! domains and the site's figures.

use super::events::agenda;
use super::family::{Family, Rendered};
use super::magazine::dossier_card;
use super::pictures::{cover, og_image};
use super::shared::{actor_card, body, json_ld, summary, term_links, Card, TermLink};
use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::model::{Common, Taxonomy};
use crate::render::fingerprint::Fingerprints;
use crate::render::owners::{Owner, OwnerKind};
use crate::render::renderer::Renderer;
use crate::render::site::Site;
use crate::text::french;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Home;

#[derive(Serialize)]
struct HomePage<'a> {
    title: String,
    summary: Option<String>,
    content: String,
    /// The record\'s picture, as HTML.
    cover: Option<String>,
    og_image: Option<String>,
    upcoming: Vec<Card>,
    dossiers: Vec<Card>,
    /// Open actors, the latest to join first.
    actors: Vec<Card>,
    actor_count: usize,
    open_actor_count: usize,
    event_count: usize,
    dossier_count: usize,
    resource_count: usize,
    domains: Vec<TermLink>,
    data: &'a BTreeMap<String, serde_json::Value>,
    jsonld: String,
}

/// The counts of records the home page and the key figures show.
#[derive(Serialize)]
pub struct Counts {
    pub actor_count: usize,
    pub open_actor_count: usize,
    pub event_count: usize,
    pub dossier_count: usize,
    pub resource_count: usize,
}

pub fn counts(site: &Site) -> Counts {
    Counts {
        actor_count: site.actors.len(),
        open_actor_count: site
            .actors
            .iter()
            .filter(|a| a.data.closed.is_none())
            .count(),
        event_count: site.forums.len() + site.conferences.len(),
        dossier_count: site.dossiers.len(),
        resource_count: site.resources.len(),
    }
}

/// The `n` open actors that joined the portal last (by their `date`; those without one after
/// the dated, in the site's order).
fn newest_actors(site: &Site, n: usize) -> Vec<usize> {
    let mut open: Vec<usize> = (0..site.actors.len())
        .filter(|&i| site.actors[i].data.closed.is_none())
        .collect();
    // Stable: equal dates keep the site's order.
    open.sort_by_key(|&i| std::cmp::Reverse(site.actors[i].data.date.map(|d| d.date())));
    open.truncate(n);
    open
}

impl Family for Home {
    fn url(&self, _: &Site) -> String {
        url::HOME.into()
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        site.home.as_ref().map(|e| e.source.full_hash).hash(h);
        serde_json::to_string(&site.data)
            .unwrap_or_default()
            .hash(h);
        fp.sections().hash(h);
        fp.taxonomies().hash(h);
        fp.upcoming(h, true, true);
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        let mut links = Vec::new();
        let upcoming = agenda(site)
            .into_iter()
            .filter(|(up, _)| *up)
            .take(4)
            .map(|(_, c)| c)
            .collect();
        let dossiers = (0..site.dossiers.len().min(3))
            .map(|i| dossier_card(site, i))
            .collect();
        let home = site.home.as_ref();
        let n = counts(site);
        let actors = newest_actors(site, 4)
            .into_iter()
            .map(|i| actor_card(site, i))
            .collect();
        let page = HomePage {
            title: french::typography(home.map_or(&site.config.title, |h| &h.data.title)),
            summary: home.and_then(|h| summary(h.data.common())),
            cover: home.and_then(|h| cover(site, h.data.image.as_ref(), true)),
            og_image: home
                .and_then(|h| h.data.image.as_ref())
                .and_then(|i| og_image(site, &i.src)),
            content: home
                .map(|h| body(site, &h.source, &mut links, h.data.image.is_none()))
                .unwrap_or_default(),
            upcoming,
            dossiers,
            actors,
            actor_count: n.actor_count,
            open_actor_count: n.open_actor_count,
            event_count: n.event_count,
            dossier_count: n.dossier_count,
            resource_count: n.resource_count,
            domains: term_links(site, Taxonomy::Domain),
            data: &site.data,
            jsonld: json_ld(&json!({
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": site.config.title,
                "url": site.config.absolute(url::HOME),
                "inLanguage": site.config.language,
            })),
        };
        Ok(Rendered::page("home.html", &page, links))
    }

    fn owner(&self, site: &Site) -> Owner {
        match &site.home {
            Some(h) => Owner::at(
                OwnerKind::Home,
                &h.source,
                (0, 0),
                "la page d'accueil".into(),
            ),
            None => Owner::generated("la page d'accueil"),
        }
    }

    fn summary_label(&self) -> &'static str {
        "listes"
    }

    fn in_sitemap(&self) -> bool {
        true
    }
}
