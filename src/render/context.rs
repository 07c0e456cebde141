//! Template contexts: for each job, the template to use and the small set of values it shows.
//! A list page gets the summaries it lists, never the whole site.

use super::markdown;
use super::plan::{page_count, page_url, Job, Taxonomy};
use crate::french;
use crate::load::Section;
use crate::model::{Common, Date, Entry, Speaker, Term};
use crate::site::{Mention, Site};
use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The values every page shares: the site's title, menu, commune…
pub fn globals(site: &Site) -> Value {
    let c = &site.config;
    let mut menu = vec![
        json!({"label": "Annuaire", "url": "/acteurs/"}),
        json!({"label": "Porteurs de projet", "url": "/porteur-de-projet/"}),
        json!({"label": "Agenda", "url": "/agenda/"}),
        json!({"label": "Forum", "url": "/forum/"}),
        json!({"label": "Up Conférences", "url": "/conferences/"}),
        json!({"label": "Magazine", "url": "/magazine/"}),
        json!({"label": "Ressources", "url": "/ressources/"}),
    ];
    for p in site.pages.iter().filter(|p| p.data.menu.is_some()) {
        menu.push(
            json!({"label": french::typography(&p.data.title), "url": Section::Pages.url(&p.slug)}),
        );
    }
    let footer_pages: Vec<Value> = site
        .pages
        .iter()
        .map(|p| json!({"label": french::typography(&p.data.title), "url": Section::Pages.url(&p.slug)}))
        .collect();
    json!({
        "title": french::typography(&c.title),
        "description": french::typography(&c.description),
        "base_url": c.base_url,
        "language": c.language,
        "commune": c.commune,
        "department": c.department,
        "commune_website": c.commune_website,
        "contact": c.contact,
        "menu": menu,
        "footer_pages": footer_pages,
        "members": site.options.include_private,
        "drafts": site.options.drafts,
        // The accessibility statement's data, for the footer and the statement page.
        "accessibility": site.data.get("accessibilite"),
        "accessibility_page": site.pages.iter().any(|p| p.slug == "accessibilite"),
        "search": c.search,
        "map_tiles": c.map_tiles,
        "map_attribution": c.map_attribution,
    })
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
    tera.register_filter(
        "typo",
        |v: &tera::Value, _: &HashMap<String, tera::Value>| match v.as_str() {
            Some(s) => Ok(tera::Value::String(french::typography(s))),
            None => Ok(v.clone()),
        },
    );
}

/// The date a page last changed, for the sitemap.
pub fn lastmod(site: &Site, job: &Job) -> Option<String> {
    let c = match job {
        Job::Actor(i) => site.actors[*i].data.common(),
        Job::Forum(i) => site.forums[*i].data.common(),
        Job::Conference(i) => site.conferences[*i].data.common(),
        Job::Dossier(i) => site.dossiers[*i].data.common(),
        Job::Resource(i) => site.resources[*i].data.common(),
        Job::Page(i) => site.pages[*i].data.common(),
        _ => return None,
    };
    let d = c.updated.or(c.date)?;
    // Events are dated in the future on purpose; a page cannot have changed after the build.
    Some(
        d.date()
            .min(site.options.now.date())
            .format("%Y-%m-%d")
            .to_string(),
    )
}

/// A record in a list: what a card shows.
#[derive(Serialize)]
struct Card {
    title: String,
    url: String,
    summary: Option<String>,
    date: Option<String>,
    end_date: Option<String>,
    /// A short label above the title (legal form, kind of record).
    kind: Option<String>,
    /// Labels shown under the summary (domains, category).
    labels: Vec<String>,
    closed: bool,
    venue: Option<String>,
}

fn summary(c: crate::model::CommonRef) -> Option<String> {
    c.summary.map(markdown::plain).filter(|s| !s.is_empty())
}

fn card<T: Common>(section: Section, e: &Entry<T>) -> Card {
    let c = e.data.common();
    Card {
        title: french::typography(c.title),
        url: section.url(&e.slug),
        summary: summary(c),
        date: c.date.map(|d| d.iso()),
        end_date: None,
        kind: None,
        labels: Vec::new(),
        closed: false,
        venue: None,
    }
}

fn actor_card(site: &Site, i: usize) -> Card {
    let a = &site.actors[i];
    let mut card = card(Section::Actors, a);
    card.date = None;
    card.kind = a
        .data
        .legal_form
        .map(|f| site.theme.label("legal_forms", f.slug()).to_string());
    card.labels = a
        .data
        .domains
        .iter()
        .map(|d| site.domain_label(d).to_string())
        .collect();
    card.closed = a.data.closed.is_some();
    card
}

/// The end date of an event, when it ends on another day than it starts.
fn other_day(start: Option<Date>, end: Option<Date>) -> Option<String> {
    end.filter(|e| start.is_none_or(|s| s.date() != e.date()))
        .map(|e| e.iso())
}

fn forum_card(site: &Site, i: usize) -> Card {
    let f = &site.forums[i];
    let mut card = card(Section::Forum, f);
    card.end_date = other_day(f.data.date, f.data.end_date);
    card.kind = Some("Forum de l'ESS".into());
    card.venue = f.data.venue.as_deref().map(french::typography);
    card
}

fn conference_card(site: &Site, i: usize) -> Card {
    let c = &site.conferences[i];
    let mut card = card(Section::Conferences, c);
    card.end_date = other_day(c.data.date, c.data.end_date);
    card.kind = Some("Up Conférence".into());
    card.venue = c.data.venue.as_deref().map(french::typography);
    card.labels = c
        .data
        .domains
        .iter()
        .map(|d| site.domain_label(d).to_string())
        .collect();
    card
}

fn dossier_card(site: &Site, i: usize) -> Card {
    let d = &site.dossiers[i];
    let mut card = card(Section::Magazine, d);
    card.kind = Some(
        site.theme
            .label("magazine_kinds", d.data.kind.slug())
            .to_string(),
    );
    card
}

fn resource_card(site: &Site, i: usize) -> Card {
    let r = &site.resources[i];
    let mut card = card(Section::Resources, r);
    card.kind = r.data.resource_type.clone();
    card.labels = r.data.category.iter().cloned().collect();
    card
}

/// A link to an actor if this build publishes it.
fn actor_link(site: &Site, slug: &str) -> Option<Value> {
    let &i = site.actor_index.get(slug)?;
    let a = &site.actors[i];
    Some(
        json!({"title": french::typography(&a.data.title), "url": Section::Actors.url(&a.slug), "closed": a.data.closed.is_some()}),
    )
}

fn actor_links(site: &Site, slugs: &[String]) -> Vec<Value> {
    let mut links: Vec<(String, Value)> = slugs
        .iter()
        .filter_map(|s| {
            actor_link(site, s)
                .map(|v| (crate::site::sort_key(v["title"].as_str().unwrap_or("")), v))
        })
        .collect();
    links.sort_by(|a, b| a.0.cmp(&b.0));
    links.dedup_by(|a, b| a.1["url"] == b.1["url"]);
    links.into_iter().map(|(_, v)| v).collect()
}

fn speakers(site: &Site, list: &[Speaker]) -> Vec<Value> {
    list.iter()
        .map(|s| {
            json!({
                "name": french::typography(&s.name),
                "role": s.role.as_deref().map(french::typography),
                "actor": s.actor.as_deref().and_then(|a| actor_link(site, a)),
            })
        })
        .collect()
}

/// The pager of page `page` of a list at `base`.
fn pager(base: &str, page: usize, pages: usize) -> Value {
    let window: Vec<Value> = (1..=pages)
        .filter(|n| *n == 1 || *n == pages || n.abs_diff(page) <= 2)
        .map(|n| json!({"number": n, "url": page_url(base, n), "current": n == page}))
        .collect();
    json!({
        "page": page,
        "pages": pages,
        "prev": (page > 1).then(|| page_url(base, page - 1)),
        "next": (page < pages).then(|| page_url(base, page + 1)),
        "links": window,
    })
}

/// The indices of page `page` (1-based) of a list of `len` items.
fn page_range(len: usize, page: usize, per: usize) -> std::ops::Range<usize> {
    let start = ((page - 1) * per).min(len);
    start..(start + per).min(len)
}

/// Slice `page` (1-based) of a list.
fn slice<T>(items: &[T], page: usize, per: usize) -> &[T] {
    &items[page_range(items.len(), page, per)]
}

use crate::time::is_upcoming;

fn body(site: &Site, e: &crate::model::Source, links: &mut Vec<String>) -> String {
    let r = markdown::render_with(&e.body, &site.config.video_hosts);
    links.extend(r.internal_links);
    r.html
}

/// The template, context and source file (for error messages) of an HTML job; the internal
/// links of the Markdown it shows go into `links`.
pub fn page(
    site: &Site,
    job: &Job,
    url: &str,
    links: &mut Vec<String>,
) -> (&'static str, Value, Option<String>) {
    let per = site.config.paginate_by;
    let now = site.options.now;
    let src = |p: &std::path::Path| Some(p.display().to_string());
    match job {
        Job::Home => {
            let upcoming: Vec<Card> = agenda(site)
                .into_iter()
                .filter(|(up, _)| *up)
                .take(4)
                .map(|(_, c)| c)
                .collect();
            let dossiers: Vec<Card> = (0..site.dossiers.len().min(3))
                .map(|i| dossier_card(site, i))
                .collect();
            let home = site.home.as_ref();
            let ctx = json!({
                "title": home.map(|h| french::typography(&h.data.title)).unwrap_or_else(|| french::typography(&site.config.title)),
                "summary": home.and_then(|h| summary(h.data.common())),
                "content": home.map(|h| body(site, &h.source, links)).unwrap_or_default(),
                "upcoming": upcoming,
                "dossiers": dossiers,
                "actor_count": site.actors.len(),
                "open_actor_count": site.actors.iter().filter(|a| a.data.closed.is_none()).count(),
                "event_count": site.forums.len() + site.conferences.len(),
                "dossier_count": site.dossiers.len(),
                "resource_count": site.resources.len(),
                "domains": taxonomy_terms(site, Taxonomy::Domain),
                "data": site.data,
                "jsonld": json_ld(&json!({
                    "@context": "https://schema.org",
                    "@type": "WebSite",
                    "name": site.config.title,
                    "url": site.config.absolute("/"),
                    "inLanguage": site.config.language,
                })),
            });
            (
                "home.html",
                ctx,
                home.map(|h| h.source.path.display().to_string()),
            )
        }
        Job::ActorDirectory { page } => {
            let pages = page_count(site.actors.len(), per);
            let cards: Vec<Card> = page_range(site.actors.len(), *page, per)
                .map(|i| actor_card(site, i))
                .collect();
            let ctx = json!({
                "title": "Annuaire des acteurs de l'ESS",
                "intro": format!("{} acteurs de l'économie sociale et solidaire à {}.", site.actors.len(), site.config.commune),
                "cards": cards,
                "total": site.actors.len(),
                "pager": pager("/acteurs/", *page, pages),
                "browse": browse(site),
                "feed": "/acteurs/rss.xml",
                "filterable": true,
            });
            ("list.html", ctx, None)
        }
        Job::Actor(i) => {
            let a = &site.actors[*i];
            let d = &a.data;
            let appears: Vec<Value> = site.appears_in[*i]
                .iter()
                .map(|m| mention(site, *m))
                .collect();
            let ctx = json!({
                "title": french::typography(&d.title),
                "summary": summary(d.common()),
                "content": body(site, &a.source, links),
                "actor": d,
                "legal_form": d.legal_form.map(|f| json!({"label": site.theme.label("legal_forms", f.slug()), "url": format!("/acteurs/formes/{}/", f.slug())})),
                "domains": d.domains.iter().map(|s| json!({"label": site.domain_label(s), "url": format!("/acteurs/domaines/{s}/")})).collect::<Vec<_>>(),
                "stages": d.stages.iter().map(|s| json!({"label": site.theme.label("stages", s.slug()), "url": format!("/acteurs/etapes/{}/", s.slug())})).collect::<Vec<_>>(),
                "og_image": d.logo.as_deref().map(|l| if l.starts_with("http") { l.to_string() } else { site.config.absolute(l) }),
                "website_label": d.website.as_deref().map(|w| w.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/')),
                "phone_uri": d.phone.as_deref().map(|p| p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>()),
                "appears_in": appears,
                "jsonld": json_ld(&json!({
                    "@context": "https://schema.org",
                    "@type": "Organization",
                    "name": d.title,
                    "url": site.config.absolute(url),
                    "description": d.summary.as_deref().map(markdown::plain),
                    "address": d.address,
                    // `geo` belongs to a Place: the organisation's location.
                    "location": d.geo.map(|g| json!({"@type": "Place", "address": d.address, "geo": {"@type": "GeoCoordinates", "latitude": g.lat, "longitude": g.lon}})),
                    "email": d.email,
                    "telephone": d.phone,
                    "foundingDate": d.since.map(|y| y.to_string()),
                    "sameAs": d.website,
                })),
            });
            ("actor.html", ctx, src(&a.source.path))
        }
        Job::TaxonomyIndex(t) => {
            let (title, intro) = match t {
                Taxonomy::Domain => ("Les domaines d'action", "Les acteurs par domaine d'action."),
                Taxonomy::LegalForm => ("Les formes juridiques", "Les acteurs par statut : associations, coopératives, mutuelles, fondations…"),
                Taxonomy::Stage => ("Les étapes d'un projet", "Ce que les acteurs proposent aux porteurs de projet, de l'information au financement."),
                Taxonomy::ResourceCategory => ("Les catégories de ressources", "Les ressources par catégorie."),
                Taxonomy::ResourceType => ("Les types de ressources", "Les ressources par type."),
            };
            let ctx = json!({"title": title, "intro": french::typography(intro), "terms": taxonomy_terms(site, *t)});
            ("terms.html", ctx, None)
        }
        Job::TaxonomyTerm {
            taxonomy,
            term,
            page,
        } => {
            let (slug, members, label, description) = term_members(site, *taxonomy, *term);
            let base = format!("{}{slug}/", taxonomy.base());
            let pages = page_count(members.len(), per);
            let is_resource = matches!(
                taxonomy,
                Taxonomy::ResourceCategory | Taxonomy::ResourceType
            );
            let cards: Vec<Card> = slice(members, *page, per)
                .iter()
                .map(|i| {
                    if is_resource {
                        resource_card(site, *i)
                    } else {
                        actor_card(site, *i)
                    }
                })
                .collect();
            let (title, parent) = match taxonomy {
                Taxonomy::Domain => (format!("Domaine : {label}"), "Domaines"),
                Taxonomy::LegalForm => (format!("Forme juridique : {label}"), "Formes juridiques"),
                Taxonomy::Stage => (label.clone(), "Étapes"),
                Taxonomy::ResourceCategory => (format!("Catégorie : {label}"), "Catégories"),
                Taxonomy::ResourceType => (format!("Type : {label}"), "Types"),
            };
            let ctx = json!({
                "title": french::typography(&title),
                "intro": description.map(|d| french::typography(&d)),
                "cards": cards,
                "total": members.len(),
                "pager": pager(&base, *page, pages),
                "parent": {"label": parent, "url": taxonomy.base()},
                "browse": if is_resource { Value::Null } else { browse(site) },
            });
            ("list.html", ctx, None)
        }
        Job::ProjectPath => {
            let steps: Vec<Value> = site
                .by_stage
                .iter()
                .map(|(stage, members)| {
                    let shown: Vec<Card> = members
                        .iter()
                        .take(12)
                        .map(|i| actor_card(site, *i))
                        .collect();
                    json!({
                        "slug": stage.slug(),
                        "label": site.theme.label("stages", stage.slug()),
                        "description": site.theme.label("stage_descriptions", stage.slug()),
                        "url": format!("/acteurs/etapes/{}/", stage.slug()),
                        "cards": shown,
                        "total": members.len(),
                    })
                })
                .collect();
            (
                "path.html",
                json!({"title": "Porteur de projet : qui peut vous aider ?", "steps": steps}),
                None,
            )
        }
        Job::KeyFigures => ("figures.html", key_figures(site), None),
        Job::SearchPage => {
            let filters: Vec<Value> = crate::search::FILTERS
                .iter()
                .map(|(key, label)| json!({"key": key, "label": label}))
                .collect();
            let ctx = json!({
                "title": "Rechercher",
                "summary": french::typography(&format!("Rechercher parmi les acteurs, les événements, le magazine, les ressources et les pages de {}.", site.config.title)),
                "filters": filters,
            });
            ("search.html", ctx, None)
        }
        Job::Map => {
            let markers: Vec<Value> = site
                .actors
                .iter()
                .filter_map(|e| {
                    let a = &e.data;
                    let g = a.geo?;
                    Some(json!({
                        "slug": e.slug,
                        "title": french::typography(&a.title),
                        "url": Section::Actors.url(&e.slug),
                        "lat": g.lat,
                        "lon": g.lon,
                        "address": a.address,
                        "closed": a.closed.is_some(),
                        "legal_form": a.legal_form.map(|f| site.theme.label("legal_forms", f.slug())),
                    }))
                })
                .collect();
            let ctx = json!({
                "title": "Carte des acteurs",
                "summary": french::typography(&format!("Les acteurs de l'économie sociale et solidaire de {} sur une carte.", site.config.commune)),
                "count": markers.len(),
                "without_position": site.actors.len() - markers.len(),
                "markers": markers,
                "browse": browse(site),
            });
            ("map.html", ctx, None)
        }
        Job::OpenDataPage => {
            let columns: Vec<Value> = super::opendata::COLUMNS
                .iter()
                .map(|(name, what)| json!({"name": name, "description": french::typography(what)}))
                .collect();
            let ctx = json!({
                "title": "Données ouvertes",
                "summary": french::typography(&format!("L'annuaire des acteurs de l'ESS de {}, à réutiliser librement.", site.config.commune)),
                "columns": columns,
                "count": site.actors.len(),
                "licence": site.config.data_licence,
                "licence_url": site.config.data_licence_url,
            });
            ("opendata.html", ctx, None)
        }
        Job::ForumList => {
            let cards: Vec<Card> = (0..site.forums.len())
                .map(|i| forum_card(site, i))
                .collect();
            let ctx = json!({
                "title": "Le Forum de l'ESS",
                "intro": french::typography("Chaque année, le Forum réunit les acteurs de l'économie sociale et solidaire du territoire : salon, ateliers, conférences, tables rondes et pitchs."),
                "cards": cards,
                "total": cards.len(),
                "feed": "/forum/rss.xml",
            });
            ("list.html", ctx, None)
        }
        Job::Forum(i) => {
            let f = &site.forums[*i];
            let d = &f.data;
            let day = d.date.map(|x| x.date()).unwrap_or_default();
            let mut program: Vec<(NaiveDateTime, usize, Value)> = d
                .program
                .iter()
                .enumerate()
                .map(|(n, item)| {
                    let start = item.start.on(day);
                    let v = json!({
                        "start": Date { at: start, has_time: true }.iso(),
                        "end": item.end.map(|e| Date { at: e.on(day), has_time: true }.iso()),
                        "kind": site.theme.label("program_kinds", item.kind.slug()),
                        "kind_slug": item.kind.slug(),
                        "title": french::typography(&item.title),
                        "room": item.room.as_deref().map(french::typography),
                        "speakers": speakers(site, &item.speakers),
                        "actors": actor_links(site, &item.actors),
                    });
                    (start, n, v)
                })
                .collect();
            program.sort_by_key(|p| (p.0, p.1));
            let multi_day = program
                .first()
                .zip(program.last())
                .is_some_and(|(a, b)| a.0.date() != b.0.date());
            let ctx = json!({
                "title": french::typography(&d.title),
                "summary": summary(d.common()),
                "content": body(site, &f.source, links),
                "event": d,
                "upcoming": is_upcoming(d.date, d.end_date, now),
                "program": program.into_iter().map(|(_, _, v)| v).collect::<Vec<_>>(),
                "multi_day": multi_day,
                "exhibitors": actor_links(site, &d.exhibitors),
                "partners": actor_links(site, &d.partners),
                "jsonld": json_ld(&forum_ld(site, d, url)),
            });
            ("forum.html", ctx, src(&f.source.path))
        }
        Job::ConferenceList => {
            let (mut upcoming, mut past) = (Vec::new(), Vec::new());
            for (i, c) in site.conferences.iter().enumerate() {
                if is_upcoming(c.data.date, c.data.end_date, now) {
                    upcoming.push(conference_card(site, i));
                } else {
                    past.push(conference_card(site, i));
                }
            }
            past.reverse();
            let ctx = json!({
                "title": "Les Up Conférences",
                "intro": french::typography("Deux fois par an, les Up Conférences font le point sur l'innovation sociale avec celles et ceux qui la font."),
                "upcoming": upcoming,
                "past": past,
                "feed": "/conferences/rss.xml",
            });
            ("events.html", ctx, None)
        }
        Job::Conference(i) => {
            let c = &site.conferences[*i];
            let d = &c.data;
            let ctx = json!({
                "title": french::typography(&d.title),
                "summary": summary(d.common()),
                "content": body(site, &c.source, links),
                "event": d,
                "upcoming": is_upcoming(d.date, d.end_date, now),
                "speakers": speakers(site, &d.speakers),
                "jsonld": json_ld(&event_ld(site, d.common(), url, d.end_date, d.venue.as_deref())),
                "domains": d.domains.iter().map(|s| json!({"label": site.domain_label(s), "url": format!("/acteurs/domaines/{s}/")})).collect::<Vec<_>>(),
            });
            ("conference.html", ctx, src(&c.source.path))
        }
        Job::Agenda => {
            let (mut upcoming, mut past) = (Vec::new(), Vec::new());
            for (up, card) in agenda(site) {
                if up {
                    upcoming.push(card);
                } else {
                    past.push(card);
                }
            }
            past.reverse();
            let ctx = json!({
                "title": "Agenda",
                "intro": french::typography("Tous les rendez-vous de l'ESS : le Forum annuel et les Up Conférences."),
                "upcoming": upcoming,
                "past": past,
            });
            ("events.html", ctx, None)
        }
        Job::MagazineList { page } => {
            let pages = page_count(site.dossiers.len(), per);
            let cards: Vec<Card> = page_range(site.dossiers.len(), *page, per)
                .map(|i| dossier_card(site, i))
                .collect();
            let ctx = json!({
                "title": "Magazine",
                "intro": french::typography("Les dossiers, éditoriaux et articles du magazine municipal consacrés à l'ESS."),
                "cards": cards,
                "total": site.dossiers.len(),
                "pager": pager("/magazine/", *page, pages),
                "feed": "/magazine/rss.xml",
            });
            ("list.html", ctx, None)
        }
        Job::Dossier(i) => {
            let e = &site.dossiers[*i];
            let d = &e.data;
            let ctx = json!({
                "title": french::typography(&d.title),
                "summary": summary(d.common()),
                "content": body(site, &e.source, links),
                "dossier": d,
                "kind": site.theme.label("magazine_kinds", d.kind.slug()),
                "actors": actor_links(site, &d.actors),
                "og_type": "article",
                "jsonld": json_ld(&json!({
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
                    "publisher": {"@type": "GovernmentOrganization", "name": format!("Ville de {}", site.config.commune)},
                    "about": d.actors.iter().filter_map(|slug| site.actor_index.get(slug)).map(|&i| json!({"@type": "Organization", "name": site.actors[i].data.title, "url": site.config.absolute(&Section::Actors.url(&site.actors[i].slug))})).collect::<Vec<_>>(),
                })),
            });
            ("dossier.html", ctx, src(&e.source.path))
        }
        Job::ResourceList { page } => {
            let pages = page_count(site.resources.len(), per);
            let cards: Vec<Card> = page_range(site.resources.len(), *page, per)
                .map(|i| resource_card(site, i))
                .collect();
            let ctx = json!({
                "title": "Ressources",
                "intro": french::typography("Guides, études, replays et communiqués pour comprendre et développer l'ESS."),
                "cards": cards,
                "total": site.resources.len(),
                "pager": pager("/ressources/", *page, pages),
                "resource_browse": {
                    "categories": taxonomy_terms(site, Taxonomy::ResourceCategory),
                    "types": taxonomy_terms(site, Taxonomy::ResourceType),
                },
                "feed": "/ressources/rss.xml",
            });
            ("list.html", ctx, None)
        }
        Job::Resource(i) => {
            let e = &site.resources[*i];
            let d = &e.data;
            let ctx = json!({
                "title": french::typography(&d.title),
                "summary": summary(d.common()),
                "content": body(site, &e.source, links),
                "resource": d,
                "category": d.category.as_ref().map(|c| json!({"label": c, "url": format!("/ressources/categories/{}/", slug::slugify(c))})),
                "resource_type": d.resource_type.as_ref().map(|c| json!({"label": c, "url": format!("/ressources/types/{}/", slug::slugify(c))})),
            });
            ("resource.html", ctx, src(&e.source.path))
        }
        Job::Page(i) => {
            let e = &site.pages[*i];
            let ctx = json!({
                "title": french::typography(&e.data.title),
                "summary": summary(e.data.common()),
                "content": body(site, &e.source, links),
            });
            ("page.html", ctx, src(&e.source.path))
        }
        Job::NotFound => ("404.html", json!({"title": "Page introuvable"}), None),
        Job::Alias { to, .. } => (
            "alias.html",
            json!({"title": "Cette page a changé d'adresse", "target": to}),
            None,
        ),
        Job::Feed(_)
        | Job::Sitemap
        | Job::Robots
        | Job::Asset(_)
        | Job::MembersFile(_)
        | Job::OpenData(_)
        | Job::Calendar(_) => {
            ("404.html", json!({"title": url}), None) // not HTML jobs; never called for them
        }
    }
}

/// Structured data (schema.org, JSON-LD) ready to sit in a `<script>` element.
pub fn json_ld(value: &Value) -> String {
    fn without_nulls(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), without_nulls(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
            other => other.clone(),
        }
    }
    // `<`, `>` and `&` as JSON escapes: no value can end the element or open a comment.
    serde_json::to_string(&without_nulls(value))
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// An event's moment as ISO 8601 with its Paris offset (a plain date stays a date).
fn iso_paris(d: Date) -> String {
    use chrono::TimeZone;
    if !d.has_time {
        return d.iso();
    }
    match chrono_tz::Europe::Paris
        .from_local_datetime(&d.at)
        .earliest()
    {
        Some(t) => t.to_rfc3339(),
        None => d.iso(),
    }
}

/// A Forum edition as an Event, its programme items as its sub-events.
fn forum_ld(site: &Site, d: &crate::model::ForumEdition, url: &str) -> Value {
    let mut ld = event_ld(site, d.common(), url, d.end_date, d.venue.as_deref());
    if let Some(day) = d.date.map(|x| x.date()) {
        let mut program: Vec<&crate::model::ProgramItem> = d.program.iter().collect();
        program.sort_by_key(|item| item.start.on(day));
        let items: Vec<Value> = program
            .into_iter()
            .map(|item| {
                let at = |t: crate::model::ProgramTime| {
                    iso_paris(Date {
                        at: t.on(day),
                        has_time: true,
                    })
                };
                json!({
                    "@type": "Event",
                    "name": item.title,
                    "startDate": at(item.start),
                    "endDate": item.end.map(at),
                    "eventStatus": "https://schema.org/EventScheduled",
                    "location": d.venue.as_deref().map(|v| json!({"@type": "Place", "name": item.room.as_deref().map_or_else(|| v.to_string(), |r| format!("{r}, {v}")), "address": v})),
                    "performer": item.speakers.iter().map(|s| json!({"@type": "Person", "name": s.name})).collect::<Vec<_>>(),
                })
            })
            .collect();
        if !items.is_empty() {
            ld["subEvent"] = Value::Array(items);
        }
    }
    ld
}

fn event_ld(
    site: &Site,
    c: crate::model::CommonRef,
    url: &str,
    end: Option<Date>,
    venue: Option<&str>,
) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": c.title,
        "url": site.config.absolute(url),
        "description": c.summary.map(markdown::plain),
        "startDate": c.date.map(iso_paris),
        "endDate": end.map(iso_paris),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": venue.map(|v| json!({"@type": "Place", "name": v, "address": v})),
        "organizer": {"@type": "GovernmentOrganization", "name": format!("Ville de {}", site.config.commune)},
    })
}

/// One bar chart: its rows (label, value, share of the largest) and total.
fn chart(id: &str, title: &str, axis: &str, unit: &str, rows: Vec<(String, usize)>) -> Value {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let total: usize = rows.iter().map(|r| r.1).sum();
    let rows: Vec<Value> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            json!({
                "label": label,
                "value": value,
                // In the SVG (600 wide): the bar's length (500 at most), its row's top.
                "length": (value as f64 * 500.0 / max as f64).round() as u32,
                "y": i * 44,
            })
        })
        .collect();
    json!({"id": id, "title": title, "axis": axis, "unit": unit, "total": total, "height": rows.len() * 44 + 4, "rows": rows})
}

/// The key figures: actors by domain, legal form and stage, events per year.
fn key_figures(site: &Site) -> Value {
    let domains = site
        .by_domain
        .iter()
        .map(|(d, m)| (site.domain_label(d).to_string(), m.len()))
        .collect();
    let forms = site
        .by_legal_form
        .iter()
        .map(|(f, m)| (site.theme.label("legal_forms", f).to_string(), m.len()))
        .collect();
    let stages = site
        .by_stage
        .iter()
        .map(|(s, m)| (site.theme.label("stages", s.slug()).to_string(), m.len()))
        .collect();
    let mut years: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    let dates = site
        .forums
        .iter()
        .map(|f| f.data.date)
        .chain(site.conferences.iter().map(|c| c.data.date));
    for d in dates.flatten() {
        *years.entry(chrono::Datelike::year(&d.date())).or_default() += 1;
    }
    let years = years.into_iter().map(|(y, n)| (y.to_string(), n)).collect();
    json!({
        "title": "Chiffres clés",
        "summary": french::typography(&format!("L'économie sociale et solidaire à {} en chiffres, calculés à partir des fiches du site.", site.config.commune)),
        "actor_count": site.actors.len(),
        "open_actor_count": site.actors.iter().filter(|a| a.data.closed.is_none()).count(),
        "event_count": site.forums.len() + site.conferences.len(),
        "dossier_count": site.dossiers.len(),
        "resource_count": site.resources.len(),
        "charts": [
            chart("domaines", "Les acteurs par domaine d'action", "Domaine", "Acteurs", domains),
            chart("formes", "Les acteurs par forme juridique", "Forme juridique", "Acteurs", forms),
            chart("etapes", "Ce que les acteurs proposent aux porteurs de projet", "Étape", "Acteurs", stages),
            chart("evenements", "Les événements par année (Forum et Up Conférences)", "Année", "Événements", years),
        ],
        "data": site.data,
    })
}

/// Every event (Forum editions and conferences) in time order, with whether it is upcoming.
fn agenda(site: &Site) -> Vec<(bool, Card)> {
    let now = site.options.now;
    let mut all: Vec<(Option<Date>, bool, Card)> = Vec::new();
    for (i, f) in site.forums.iter().enumerate() {
        all.push((
            f.data.date,
            is_upcoming(f.data.date, f.data.end_date, now),
            forum_card(site, i),
        ));
    }
    for (i, c) in site.conferences.iter().enumerate() {
        all.push((
            c.data.date,
            is_upcoming(c.data.date, c.data.end_date, now),
            conference_card(site, i),
        ));
    }
    all.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.url.cmp(&b.2.url)));
    all.into_iter().map(|(_, up, card)| (up, card)).collect()
}

/// Links to the taxonomy pages, for the directory's "browse by" block.
fn browse(site: &Site) -> Value {
    json!({
        "domains": taxonomy_terms(site, Taxonomy::Domain),
        "legal_forms": taxonomy_terms(site, Taxonomy::LegalForm),
        "stages": taxonomy_terms(site, Taxonomy::Stage),
    })
}

fn taxonomy_terms(site: &Site, t: Taxonomy) -> Vec<Value> {
    t.terms(site)
        .into_iter()
        .enumerate()
        .map(|(i, (slug, count))| {
            let (_, _, label, _) = term_members(site, t, i);
            json!({"slug": slug, "label": label, "count": count, "url": format!("{}{slug}/", t.base())})
        })
        .collect()
}

/// The slug, members, label and description of term `i` of a taxonomy.
fn term_members(site: &Site, t: Taxonomy, i: usize) -> (String, &[usize], String, Option<String>) {
    match t {
        Taxonomy::Domain => {
            let (s, m) = &site.by_domain[i];
            (s.clone(), m, site.domain_label(s).to_string(), None)
        }
        Taxonomy::LegalForm => {
            let (s, m) = &site.by_legal_form[i];
            (
                s.to_string(),
                m,
                site.theme.label("legal_forms", s).to_string(),
                None,
            )
        }
        Taxonomy::Stage => {
            let (s, m) = &site.by_stage[i];
            let desc = site.theme.label("stage_descriptions", s.slug()).to_string();
            (
                s.slug().to_string(),
                m,
                site.theme.label("stages", s.slug()).to_string(),
                Some(desc),
            )
        }
        Taxonomy::ResourceCategory => {
            let (label, s, m) = &site.by_category[i];
            (s.clone(), m, label.clone(), None)
        }
        Taxonomy::ResourceType => {
            let (label, s, m) = &site.by_resource_type[i];
            (s.clone(), m, label.clone(), None)
        }
    }
}

/// An "appears in" link.
fn mention(site: &Site, m: Mention) -> Value {
    let (kind, c, slug) = match m.section {
        Section::Forum => (
            "Forum de l'ESS",
            site.forums[m.index].data.common(),
            &site.forums[m.index].slug,
        ),
        Section::Conferences => (
            "Up Conférence",
            site.conferences[m.index].data.common(),
            &site.conferences[m.index].slug,
        ),
        _ => {
            let d = &site.dossiers[m.index];
            (
                site.theme.label("magazine_kinds", d.data.kind.slug()),
                d.data.common(),
                &d.slug,
            )
        }
    };
    json!({"kind": kind, "title": french::typography(c.title), "url": m.section.url(slug), "date": c.date.map(|d| d.iso())})
}

/// The source file of a record page, for diagnostics.
pub fn source_of<'a>(site: &'a Site, job: &Job) -> Option<&'a crate::model::Source> {
    Some(match job {
        Job::Home => &site.home.as_ref()?.source,
        Job::Actor(i) => &site.actors[*i].source,
        Job::Forum(i) => &site.forums[*i].source,
        Job::Conference(i) => &site.conferences[*i].source,
        Job::Dossier(i) => &site.dossiers[*i].source,
        Job::Resource(i) => &site.resources[*i].source,
        Job::Page(i) => &site.pages[*i].source,
        _ => return None,
    })
}
