//! Plain pages (`content/pages/`), the « page introuvable » and the redirects from records'
//! old addresses.

use super::family::{view, Family, Rendered};
use super::pictures::{cover, og_image};
use super::shared::{body, summary};
use crate::diagnostic::Diagnostic;
use crate::model::url::{self, normalise_alias};
use crate::model::{Common, Section};
use crate::render::fingerprint::Fingerprints;
use crate::render::owners::{Owner, OwnerKind};
use crate::render::renderer::Renderer;
use crate::render::site::{RecordView, Site};
use crate::text::french;
use serde::Serialize;
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Plain {
    /// Page `i` of `Site::pages`.
    Page(usize),
    NotFound,
    /// A redirect page from an old URL to a record's URL.
    Alias {
        from: String,
        to: String,
    },
}

pub fn page_jobs(site: &Site) -> Vec<Plain> {
    (0..site.pages.len()).map(Plain::Page).collect()
}

pub fn not_found_jobs() -> Vec<Plain> {
    vec![Plain::NotFound]
}

#[derive(Serialize)]
struct PlainPage {
    title: String,
    summary: Option<String>,
    content: String,
    cover: Option<String>,
    og_image: Option<String>,
}

#[derive(Serialize)]
struct Titled<'a> {
    title: &'static str,
    target: Option<&'a str>,
}

impl Family for Plain {
    fn url(&self, site: &Site) -> String {
        match self {
            Plain::Page(i) => Section::Pages.url(&site.pages[*i].slug),
            Plain::NotFound => url::NOT_FOUND.into(),
            Plain::Alias { from, .. } => from.clone(),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        match self {
            Plain::Page(i) => fp.site().pages[*i].source.full_hash.hash(h),
            // The 404 page shows the shared values only; a redirect, its target too.
            Plain::NotFound => {}
            Plain::Alias { to, .. } => to.hash(h),
        }
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        Ok(match self {
            Plain::Page(i) => {
                let e = &site.pages[*i];
                let mut links = Vec::new();
                let context = PlainPage {
                    title: french::typography(&e.data.title),
                    summary: summary(e.data.common()),
                    content: body(site, &e.source, &mut links, e.data.image.is_none()),
                    cover: cover(site, e.data.image.as_ref(), true),
                    og_image: e.data.image.as_ref().and_then(|i| og_image(site, &i.src)),
                };
                Rendered::page("page.html", &context, links)
            }
            Plain::NotFound => {
                let context = Titled {
                    title: "Page introuvable",
                    target: None,
                };
                Rendered::page("404.html", &context, Vec::new())
            }
            Plain::Alias { to, .. } => {
                let context = Titled {
                    title: "Cette page a changé d’adresse",
                    target: Some(to),
                };
                Rendered::page("alias.html", &context, Vec::new())
            }
        })
    }

    fn owner(&self, site: &Site) -> Owner {
        match self {
            Plain::Page(i) => Owner::record(&site.pages[*i].source),
            Plain::NotFound => Owner::generated("la page « introuvable »"),
            Plain::Alias { from, to } => alias_owner(site, from, to),
        }
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Plain::Page(_) => "pages",
            Plain::NotFound => "autres",
            Plain::Alias { .. } => "redirections",
        }
    }

    fn record<'a>(&self, site: &'a Site) -> Option<RecordView<'a>> {
        match self {
            Plain::Page(i) => Some(view(Section::Pages, &site.pages[*i])),
            _ => None,
        }
    }

    fn in_sitemap(&self) -> bool {
        matches!(self, Plain::Page(_))
    }
}

/// The record an alias belongs to, at the line of the alias.
fn alias_owner(site: &Site, from: &str, to: &str) -> Owner {
    let found = site.records().find(|r| r.section.url(r.slug) == to);
    if let Some(RecordView {
        common,
        source: src,
        ..
    }) = found
    {
        if let Some(alias) = common
            .aliases
            .iter()
            .find(|a| normalise_alias(a).as_deref() == Some(from))
        {
            let at = src.value_position("aliases", alias);
            return Owner::at(
                OwnerKind::Alias,
                src,
                at,
                format!("l'ancienne adresse « {alias} »"),
            );
        }
    }
    Owner::generated(format!("la redirection {from}"))
}
