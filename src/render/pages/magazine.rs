//! The magazine: the paginated list of dossiers and each dossier's page.

use super::family::{page_count, view, Family, Rendered};
use super::pictures::{cover, og_image};
use super::shared::{actor_links, body, card, json_ld, page_range, section_list, summary};
use super::shared::{town_ld, ActorLink, Card};
use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::model::{Common, MagazineRecord, Section, Term};
use crate::render::fingerprint::{card as card_hash, Fingerprints};
use crate::render::owners::Owner;
use crate::render::renderer::Renderer;
use crate::render::site::{RecordView, Site};
use crate::text::french;
use crate::text::markdown;
use serde::Serialize;
use serde_json::json;
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Magazine {
    /// Page `page` (1-based) of the list.
    List { page: usize },
    /// The magazine record `i` of `Site::dossiers`.
    Record(usize),
}

pub fn jobs(site: &Site) -> Vec<Magazine> {
    let pages = page_count(site.dossiers.len(), site.config.paginate_by);
    (1..=pages)
        .map(|page| Magazine::List { page })
        .chain((0..site.dossiers.len()).map(Magazine::Record))
        .collect()
}

/// The magazine's list shows nothing more than a list.
#[derive(Serialize)]
struct NoMore {}

#[derive(Serialize)]
struct DossierPage<'a> {
    title: String,
    summary: Option<String>,
    content: String,
    /// The record\'s picture, as HTML.
    cover: Option<String>,
    og_image: Option<String>,
    dossier: &'a MagazineRecord,
    kind: &'a str,
    actors: Vec<ActorLink>,
    og_type: &'static str,
    jsonld: String,
}

/// The card of dossier `i`, with its kind (dossier, editorial…) above the title.
pub fn dossier_card(site: &Site, i: usize) -> Card {
    let d = &site.dossiers[i];
    let mut card = card(site, Section::Magazine, d);
    card = card.with_kind(Some(
        site.theme
            .label("magazine_kinds", d.data.kind.slug())
            .to_string(),
    ));
    card
}

impl Family for Magazine {
    fn url(&self, site: &Site) -> String {
        match self {
            Magazine::List { page } => url::paged(url::MAGAZINE, *page),
            Magazine::Record(i) => Section::Magazine.url(&site.dossiers[*i].slug),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        match self {
            Magazine::List { page } => {
                let (n, per) = (site.dossiers.len(), site.config.paginate_by);
                (n, page_count(n, per)).hash(h);
                for e in &site.dossiers[page_range(n, *page, per)] {
                    card_hash(e).hash(h);
                }
            }
            Magazine::Record(i) => {
                let d = &site.dossiers[*i];
                d.source.full_hash.hash(h);
                for slug in &d.data.actors {
                    fp.actor_ref(h, slug);
                }
            }
        }
    }

    fn render(&self, r: &Renderer, url: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        Ok(match self {
            Magazine::List { page } => list(site, *page),
            Magazine::Record(i) => dossier(site, *i, url),
        })
    }

    fn owner(&self, site: &Site) -> Owner {
        match self {
            Magazine::List { .. } => Owner::generated("la liste du magazine"),
            Magazine::Record(i) => Owner::record(&site.dossiers[*i].source),
        }
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Magazine::List { .. } => "listes",
            Magazine::Record(_) => "articles",
        }
    }

    fn record<'a>(&self, site: &'a Site) -> Option<RecordView<'a>> {
        match self {
            Magazine::Record(i) => Some(view(Section::Magazine, &site.dossiers[*i])),
            Magazine::List { .. } => None,
        }
    }

    fn in_sitemap(&self) -> bool {
        true
    }
}

fn list(site: &Site, page: usize) -> Rendered {
    let intro = "Les dossiers, éditoriaux et articles du magazine municipal consacrés à l’ESS.";
    let title = ("Magazine", french::typography(intro));
    let n = site.dossiers.len();
    section_list(
        site,
        Section::Magazine,
        title,
        (n, page, ["article", "articles"]),
        dossier_card,
        NoMore {},
    )
}

fn dossier(site: &Site, i: usize, url: &str) -> Rendered {
    let e = &site.dossiers[i];
    let d = &e.data;
    let mut links = Vec::new();
    let about: Vec<serde_json::Value> = d
        .actors
        .iter()
        .filter_map(|slug| site.actor_index.get(slug))
        .map(|&i| {
            let a = &site.actors[i];
            json!({"@type": "Organization", "name": a.data.title, "url": site.config.absolute(&Section::Actors.url(&a.slug))})
        })
        .collect();
    let context = DossierPage {
        title: french::typography(&d.title),
        summary: summary(d.common()),
        content: body(site, &e.source, &mut links, d.image.is_none()),
        cover: cover(site, d.image.as_ref(), true),
        og_image: d.image.as_ref().and_then(|i| og_image(site, &i.src)),
        dossier: d,
        kind: site.theme.label("magazine_kinds", d.kind.slug()),
        actors: actor_links(site, &d.actors),
        og_type: "article",
        jsonld: json_ld(&json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": d.title,
            "description": d.summary.as_deref().map(markdown::plain),
            "url": site.config.absolute(url),
            "mainEntityOfPage": site.config.absolute(url),
            "datePublished": d.date.map(|x| x.iso()),
            "dateModified": d.updated.or(d.date).map(|x| x.iso()),
            "inLanguage": site.config.language,
            "keywords": (!d.tags.is_empty()).then(|| d.tags.join(", ")),
            "publisher": town_ld(site),
            "about": about,
        })),
    };
    Rendered::page("dossier.html", &context, links)
}
