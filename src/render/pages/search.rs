//! Site search: the search page, and the Pagefind index of every published record (a folder
//! of files, `/pagefind/`, made from the records — see `render::search`).

use super::family::{Family, Rendered};
use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::render::fingerprint::Fingerprints;
use crate::render::indexer;
use crate::render::owners::Owner;
use crate::render::renderer::Renderer;
use crate::render::search::{self, FILTERS};
use crate::render::site::Site;
use crate::text::french;
use serde::Serialize;
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Search {
    Page,
    Index,
}

/// The index, when the site has search: first in the plan, as the longest job.
pub fn index_jobs(site: &Site) -> Vec<Search> {
    if site.config.search {
        vec![Search::Index]
    } else {
        Vec::new()
    }
}

/// The index's files; with `handover`, its fragments go there as they are made and the other
/// files are returned (see `indexer::index`).
pub fn index(
    r: &Renderer,
    handover: Option<&indexer::Handover>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let (records, cache) = match r.kept_documents() {
        Some((docs, cache)) => (
            indexer::Records::Given(indexer::records_of(&docs)),
            Some(cache),
        ),
        None => (indexer::Records::OfSite(r.site), None),
    };
    Ok(Rendered::Folder(
        indexer::index(records, cache.as_ref(), handover).map_err(|d| vec![d])?,
    ))
}

pub fn page_jobs(site: &Site) -> Vec<Search> {
    if site.config.search {
        vec![Search::Page]
    } else {
        Vec::new()
    }
}

#[derive(Serialize)]
struct SearchPage {
    title: &'static str,
    summary: String,
    filters: Vec<Filter>,
}

#[derive(Serialize)]
struct Filter {
    key: &'static str,
    label: &'static str,
}

impl Family for Search {
    fn url(&self, _: &Site) -> String {
        match self {
            Search::Page => url::SEARCH.into(),
            Search::Index => url::SEARCH_INDEX.into(),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        match self {
            Search::Page => fp.taxonomies().hash(h),
            // The documents when known (a preview keeps them), else every record they are
            // made from: a change that leaves every document alone leaves the index alone.
            Search::Index => match fp.documents() {
                Some(docs) => search::fingerprint(docs).hash(h),
                None => {
                    for crate::render::site::RecordView {
                        section,
                        slug,
                        source,
                        ..
                    } in fp.site().records()
                    {
                        (section, slug, source.full_hash).hash(h);
                    }
                }
            },
        }
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        Ok(match self {
            Search::Page => {
                let context = SearchPage {
                    title: "Rechercher",
                    // The site's name is not in the sentence: « de » before it would need its article
                    // (« de la Maison… », « du Pôle… »), which the name does not tell.
                    summary: french::typography("Rechercher parmi les acteurs, les événements, le magazine, les ressources et les pages de ce site."),
                    filters: FILTERS
                        .iter()
                        .map(|&(key, label)| Filter { key, label })
                        .collect(),
                };
                Rendered::page("search.html", &context, Vec::new())
            }
            Search::Index => index(r, None)?,
        })
    }

    fn owner(&self, _: &Site) -> Owner {
        Owner::generated(match self {
            Search::Page => "la page de recherche",
            Search::Index => "l'index de recherche",
        })
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Search::Page => "autres",
            Search::Index => "fichiers de l'index de recherche",
        }
    }

    fn in_sitemap(&self) -> bool {
        *self == Search::Page
    }

    fn is_folder(&self) -> bool {
        *self == Search::Index
    }

    fn uses_every_core(&self) -> bool {
        *self == Search::Index
    }

    fn deferrable(&self) -> bool {
        *self == Search::Index
    }
}
