//! The taxonomies: for each (domains, legal forms, stages of the actors; categories and types
//! of the resources) an index of its terms and a paginated page per term.

use super::family::{page_count, Family, Rendered};
use super::shared::{actor_card, browse, page_range, pager, resource_card, term_links};
use super::shared::{Browse, Card, Pager, TermLink};
use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::model::Taxonomy;
use crate::render::fingerprint::{card, Fingerprints};
use crate::render::owners::{Owner, OwnerKind};
use crate::render::renderer::Renderer;
use crate::render::site::Site;
use crate::text::french;
use serde::Serialize;
use std::hash::{DefaultHasher, Hash};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Taxonomies {
    Index(Taxonomy),
    /// Page `page` (1-based) of term `term` (its index in `Site::term`).
    Term {
        taxonomy: Taxonomy,
        term: usize,
        page: usize,
    },
}

/// Every taxonomy's index and its terms' pages.
pub fn jobs(site: &Site) -> Vec<Taxonomies> {
    let per = site.config.paginate_by;
    let mut jobs = Vec::new();
    for taxonomy in Taxonomy::ALL {
        jobs.push(Taxonomies::Index(taxonomy));
        for (term, t) in site.terms(taxonomy).enumerate() {
            jobs.extend(
                (1..=page_count(t.members.len(), per)).map(|page| Taxonomies::Term {
                    taxonomy,
                    term,
                    page,
                }),
            );
        }
    }
    jobs
}

#[derive(Serialize)]
struct Index {
    title: &'static str,
    intro: String,
    terms: Vec<TermLink>,
}

#[derive(Serialize)]
struct TermPage {
    title: String,
    intro: Option<String>,
    cards: Vec<Card>,
    total: usize,
    count: String,
    pager: Pager,
    browse: Option<Browse>,
}

impl Family for Taxonomies {
    fn url(&self, site: &Site) -> String {
        match self {
            Taxonomies::Index(t) => t.base().into(),
            Taxonomies::Term {
                taxonomy,
                term,
                page,
            } => url::paged(&taxonomy.term_url(&site.term(*taxonomy, *term).slug), *page),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        fp.taxonomies().hash(h);
        if let Taxonomies::Term {
            taxonomy,
            term,
            page,
        } = self
        {
            let site = fp.site();
            let members = site.term(*taxonomy, *term).members;
            for &i in &members[page_range(members.len(), *page, site.config.paginate_by)] {
                if taxonomy.of_resources() {
                    card(&site.resources[i])
                } else {
                    card(&site.actors[i])
                }
                .hash(h);
            }
        }
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        Ok(match self {
            Taxonomies::Index(t) => index(site, *t),
            Taxonomies::Term {
                taxonomy,
                term,
                page,
            } => term_page(site, *taxonomy, *term, *page),
        })
    }

    fn owner(&self, site: &Site) -> Owner {
        match self {
            Taxonomies::Index(t) => Owner::generated(match t {
                Taxonomy::Domain => "la liste des domaines",
                Taxonomy::LegalForm => "la liste des formes juridiques",
                Taxonomy::Stage => "la liste des étapes",
                Taxonomy::ResourceCategory => "la liste des catégories de ressources",
                Taxonomy::ResourceType => "la liste des types de ressources",
            }),
            Taxonomies::Term { taxonomy, term, .. } => term_owner(site, *taxonomy, *term),
        }
    }

    fn summary_label(&self) -> &'static str {
        "listes"
    }

    fn in_sitemap(&self) -> bool {
        true
    }
}

fn index(site: &Site, t: Taxonomy) -> Rendered {
    let (title, intro) = match t {
        Taxonomy::Domain => ("Les domaines d’action", "Les acteurs par domaine d’action."),
        Taxonomy::LegalForm => (
            "Les formes juridiques",
            "Les acteurs par statut : associations, coopératives, mutuelles, fondations…",
        ),
        Taxonomy::Stage => (
            "Les étapes d’un projet",
            "Ce que les acteurs proposent aux porteurs de projet, de l’information au financement.",
        ),
        Taxonomy::ResourceCategory => (
            "Les catégories de ressources",
            "Les ressources par catégorie.",
        ),
        Taxonomy::ResourceType => ("Les types de ressources", "Les ressources par type."),
    };
    let context = Index {
        title,
        intro: french::typography(intro),
        terms: term_links(site, t),
    };
    Rendered::page("terms.html", &context, Vec::new())
}

fn term_page(site: &Site, taxonomy: Taxonomy, term: usize, page: usize) -> Rendered {
    let per = site.config.paginate_by;
    let t = site.term(taxonomy, term);
    let base = taxonomy.term_url(&t.slug);
    let cards = t.members[page_range(t.members.len(), page, per)]
        .iter()
        .map(|&i| {
            if taxonomy.of_resources() {
                resource_card(site, i)
            } else {
                actor_card(site, i)
            }
        })
        .collect();
    let label = &t.label;
    let title = match taxonomy {
        Taxonomy::Domain => format!("Domaine : {label}"),
        Taxonomy::LegalForm => format!("Forme juridique : {label}"),
        Taxonomy::Stage => label.clone(),
        Taxonomy::ResourceCategory => format!("Catégorie : {label}"),
        Taxonomy::ResourceType => format!("Type : {label}"),
    };
    let context = TermPage {
        title: french::typography(&title),
        intro: t.description.as_deref().map(french::typography),
        cards,
        total: t.members.len(),
        count: french::count(
            t.members.len(),
            match taxonomy.of_resources() {
                true => ["ressource", "ressources"],
                false => ["acteur", "acteurs"],
            },
        ),
        pager: pager(&base, page, page_count(t.members.len(), per)),
        browse: (!taxonomy.of_resources()).then(|| browse(site)),
    };
    Rendered::page("list.html", &context, Vec::new())
}

/// A taxonomy term's page: a domain of `site.toml`, or the first record naming the term.
fn term_owner(site: &Site, taxonomy: Taxonomy, term: usize) -> Owner {
    let t = site.term(taxonomy, term);
    let slug = &t.slug;
    match taxonomy {
        Taxonomy::Domain => {
            let what = format!("la page du domaine « {slug} »");
            match site.config.domains.positions.get(slug) {
                Some(&(line, col)) => Owner {
                    kind: OwnerKind::ConfigKey,
                    place: Some((PathBuf::from("site.toml"), line, col)),
                    what,
                },
                None => Owner::generated(what),
            }
        }
        Taxonomy::ResourceCategory | Taxonomy::ResourceType => {
            let (key, name) = if taxonomy == Taxonomy::ResourceCategory {
                ("category", "la catégorie")
            } else {
                ("resource_type", "le type")
            };
            match t.members.first() {
                Some(&first) => {
                    let src = &site.resources[first].source;
                    Owner::at(
                        OwnerKind::Term(key),
                        src,
                        src.value_position(key, &t.label),
                        format!("la page de {name} « {} »", t.label),
                    )
                }
                None => Owner::generated(format!("la page de {name} « {slug} »")),
            }
        }
        Taxonomy::LegalForm => {
            Owner::generated(format!("la page de la forme juridique « {slug} »"))
        }
        Taxonomy::Stage => Owner::generated(format!("la page de l'étape « {slug} »")),
    }
}
