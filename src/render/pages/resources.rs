//! The resources: the paginated list (with links to their categories and types) and each
//! resource's page. Their taxonomies are in `taxonomies`.

use super::family::{page_count, view, Family, Rendered};
use super::pictures::{cover, og_image};
use super::shared::{body, page_range, resource_card, section_list, summary, term_links};
use super::shared::{Link, TermLink};
use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::model::{Common, Resource, Section, Taxonomy};
use crate::render::fingerprint::{card as card_hash, Fingerprints};
use crate::render::owners::Owner;
use crate::render::renderer::Renderer;
use crate::render::site::{RecordView, Site};
use crate::text::french;
use serde::Serialize;
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resources {
    /// Page `page` (1-based) of the list.
    List { page: usize },
    /// Resource `i` of `Site::resources`.
    Resource(usize),
}

pub fn jobs(site: &Site) -> Vec<Resources> {
    let pages = page_count(site.resources.len(), site.config.paginate_by);
    (1..=pages)
        .map(|page| Resources::List { page })
        .chain((0..site.resources.len()).map(Resources::Resource))
        .collect()
}

/// What the resources' list shows more than other lists: links to categories and types.
#[derive(Serialize)]
struct ResourceBrowse {
    resource_browse: Terms,
}

#[derive(Serialize)]
struct Terms {
    categories: Vec<TermLink>,
    types: Vec<TermLink>,
}

#[derive(Serialize)]
struct ResourcePage<'a> {
    title: String,
    summary: Option<String>,
    content: String,
    /// The record\'s picture, as HTML.
    cover: Option<String>,
    og_image: Option<String>,
    resource: &'a Resource,
    category: Option<Link>,
    resource_type: Option<Link>,
}

impl Family for Resources {
    fn url(&self, site: &Site) -> String {
        match self {
            Resources::List { page } => url::paged(url::RESOURCES, *page),
            Resources::Resource(i) => Section::Resources.url(&site.resources[*i].slug),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        match self {
            Resources::List { page } => {
                let (n, per) = (site.resources.len(), site.config.paginate_by);
                (n, page_count(n, per), fp.taxonomies()).hash(h);
                for e in &site.resources[page_range(n, *page, per)] {
                    card_hash(e).hash(h);
                }
            }
            Resources::Resource(i) => site.resources[*i].source.full_hash.hash(h),
        }
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        Ok(match self {
            Resources::List { page } => list(site, *page),
            Resources::Resource(i) => resource(site, *i),
        })
    }

    fn owner(&self, site: &Site) -> Owner {
        match self {
            Resources::List { .. } => Owner::generated("la liste des ressources"),
            Resources::Resource(i) => Owner::record(&site.resources[*i].source),
        }
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Resources::List { .. } => "listes",
            Resources::Resource(_) => "ressources",
        }
    }

    fn record<'a>(&self, site: &'a Site) -> Option<RecordView<'a>> {
        match self {
            Resources::Resource(i) => Some(view(Section::Resources, &site.resources[*i])),
            Resources::List { .. } => None,
        }
    }

    fn in_sitemap(&self) -> bool {
        true
    }
}

fn list(site: &Site, page: usize) -> Rendered {
    let intro = "Guides, études, replays et communiqués pour comprendre et développer l’ESS.";
    let title = ("Ressources", french::typography(intro));
    let extra = ResourceBrowse {
        resource_browse: Terms {
            categories: term_links(site, Taxonomy::ResourceCategory),
            types: term_links(site, Taxonomy::ResourceType),
        },
    };
    let n = site.resources.len();
    section_list(
        site,
        Section::Resources,
        title,
        (n, page, ["ressource", "ressources"]),
        resource_card,
        extra,
    )
}

fn resource(site: &Site, i: usize) -> Rendered {
    let e = &site.resources[i];
    let d = &e.data;
    let mut links = Vec::new();
    let term = |t: Taxonomy, value: &Option<String>| {
        value.as_ref().map(|c| Link {
            label: c.clone(),
            url: t.term_url(&slug::slugify(c)),
        })
    };
    let context = ResourcePage {
        title: french::typography(&d.title),
        summary: summary(d.common()),
        content: body(site, &e.source, &mut links, d.image.is_none()),
        cover: cover(site, d.image.as_ref(), true),
        og_image: d.image.as_ref().and_then(|i| og_image(site, &i.src)),
        resource: d,
        category: term(Taxonomy::ResourceCategory, &d.category),
        resource_type: term(Taxonomy::ResourceType, &d.resource_type),
    };
    Rendered::page("resource.html", &context, links)
}
