//! The actors: the directory (paginated), each actor's page, the project holder's path
//! (« porteur de projet ») and the map.

use super::family::{page_count, view, Family, Rendered};
use super::pictures::{og_image, picture, Place};
use super::shared::{
    actor_card, body, browse, domain_links, json_ld, page_range, section_list, summary, Browse,
    Link,
};
use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::model::{Actor, Common, Section, Taxonomy, Term};
use crate::render::fingerprint::{card, Fingerprints};
use crate::render::owners::Owner;
use crate::render::renderer::Renderer;
use crate::render::site::{Mention, RecordView, Site};
use crate::text::french;
use crate::text::markdown;
use serde::Serialize;
use serde_json::json;
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Actors {
    /// Page `page` (1-based) of the directory: the actors in activity.
    Directory {
        page: usize,
    },
    /// Page `page` of the closed structures, one click from the directory.
    Closed {
        page: usize,
    },
    /// The page of actor `i` of `Site::actors`.
    Actor(usize),
    /// Who helps at each stage of a project.
    ProjectPath,
    Map,
    /// The groups of a large directory's map, precomputed per zoom level (`render::mapgrid`).
    MapGroups,
}

/// Above this many actors in activity with a position, the map is drawn from groups made at
/// build time (`/carte/grappes/`) and the page lists none of them (the directory does, page by
/// page): below it, the page lists every one, and the map is drawn from that list.
pub const MAP_LIST_MAX: usize = 2000;

/// The folder of the map's groups.
pub const MAP_GROUPS: &str = "/carte/grappes/";

/// The actors in activity with a position (indices in `Site::actors`): a large map's actors.
fn open_positioned(site: &Site) -> impl Iterator<Item = usize> + '_ {
    site.open_actors
        .iter()
        .copied()
        .filter(|&i| site.actors[i].data.geo.is_some())
}

/// Whether the map of `site` is drawn from precomputed groups.
fn large_map(site: &Site) -> bool {
    open_positioned(site).count() > MAP_LIST_MAX
}

/// The path of the project holder, at the front of the plan.
pub fn front_jobs() -> Vec<Actors> {
    vec![Actors::ProjectPath]
}

/// The map, and the groups it is drawn from on a large directory.
pub fn map_jobs(site: &Site) -> Vec<Actors> {
    if large_map(site) {
        vec![Actors::Map, Actors::MapGroups]
    } else {
        vec![Actors::Map]
    }
}

/// The directory's pages, those of the closed structures, and every actor's page.
pub fn record_jobs(site: &Site) -> Vec<Actors> {
    let per = site.config.paginate_by;
    let closed = match site.closed_actors.len() {
        0 => 0,
        n => page_count(n, per),
    };
    (1..=page_count(site.open_actors.len(), per))
        .map(|page| Actors::Directory { page })
        .chain((1..=closed).map(|page| Actors::Closed { page }))
        .chain((0..site.actors.len()).map(Actors::Actor))
        .collect()
}

/// The closed structures' list.
pub const CLOSED: &str = crate::model::url::CLOSED_ACTORS;

/// What the directory shows more than other lists: the filters.
#[derive(Serialize)]
struct DirectoryExtra {
    browse: Browse,
    filterable: bool,
    /// How many structures are closed, and the page that lists them.
    closed: usize,
    closed_url: &'static str,
    /// « Proposer un acteur » (`render::report`).
    propose_url: Option<String>,
}

#[derive(Serialize)]
struct ActorPage<'a> {
    title: String,
    summary: Option<String>,
    content: String,
    actor: &'a Actor,
    /// The logo and the record's picture, as HTML.
    logo: Option<String>,
    cover: Option<String>,
    legal_form: Option<Link>,
    domains: Vec<super::shared::DomainLink>,
    stages: Vec<Link>,
    og_image: Option<String>,
    website_label: Option<&'a str>,
    phone_uri: Option<String>,
    /// The opening hours as a French table, and as data for the theme's script.
    hours: Option<crate::render::hours::HoursView>,
    /// « Signaler une erreur sur cette fiche » (`render::report`).
    report_url: Option<String>,
    appears_in: Vec<MentionLink>,
    jsonld: String,
}

/// A record that mentions the actor.
#[derive(Serialize)]
struct MentionLink {
    kind: String,
    title: String,
    url: String,
    date: Option<String>,
}

#[derive(Serialize)]
struct ProjectPath {
    title: &'static str,
    steps: Vec<Step>,
}

#[derive(Serialize)]
struct Step {
    slug: &'static str,
    label: String,
    description: String,
    url: String,
    /// The actors who help at this step, by name (the stage's page shows their cards).
    helpers: Vec<Link>,
    total: usize,
}

/// How many actors the path names at each stage (the stage's page lists them all).
const PATH_NAMES: usize = 5;

#[derive(Serialize)]
struct MapPage {
    title: &'static str,
    summary: String,
    count: usize,
    without_position: usize,
    /// The map's first view: the box around the actors in activity (« south,west,north,east »),
    /// so that its tiles are asked for before the script reads the list.
    view: Option<String>,
    markers: Vec<Marker>,
    browse: Browse,
    /// The folder of the precomputed groups, on a large directory (no marker listed then).
    groups: Option<&'static str>,
    /// Their last zoom level.
    groups_zmax: u32,
}

#[derive(Serialize)]
struct Marker {
    slug: String,
    title: String,
    url: String,
    lat: f64,
    lon: f64,
    address: Option<String>,
    closed: bool,
    legal_form: Option<String>,
}

impl Family for Actors {
    fn url(&self, site: &Site) -> String {
        match self {
            Actors::Directory { page } => url::paged(url::ACTORS, *page),
            Actors::Closed { page } => url::paged(CLOSED, *page),
            Actors::Actor(i) => Section::Actors.url(&site.actors[*i].slug),
            Actors::ProjectPath => url::PROJECT_PATH.into(),
            Actors::Map => url::MAP.into(),
            Actors::MapGroups => MAP_GROUPS.into(),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        let per = site.config.paginate_by;
        match self {
            Actors::Directory { page } | Actors::Closed { page } => {
                let (shown, other) = match self {
                    Actors::Directory { .. } => (&site.open_actors, &site.closed_actors),
                    _ => (&site.closed_actors, &site.open_actors),
                };
                (shown.len(), other.len(), fp.taxonomies()).hash(h);
                fp.actor_cards(
                    h,
                    shown[page_range(shown.len(), *page, per)].iter().copied(),
                );
            }
            Actors::Actor(i) => {
                site.actors[*i].source.full_hash.hash(h);
                for m in &site.appears_in[*i] {
                    let c = match m.section {
                        Section::Forum => card(&site.forums[m.index]),
                        Section::Conferences => card(&site.conferences[m.index]),
                        Section::Magazine => card(&site.dossiers[m.index]),
                        // Only events and magazine records name actors as mentions.
                        Section::Actors | Section::Resources | Section::Pages => 0,
                    };
                    (m.section, c).hash(h);
                }
            }
            Actors::ProjectPath => {
                for (stage, members) in &site.by_stage {
                    let members = open(site, members);
                    (stage, members.len()).hash(h);
                    fp.actor_cards(h, members.iter().take(PATH_NAMES).copied());
                }
            }
            Actors::Map | Actors::MapGroups => fp.section(Section::Actors).hash(h),
        }
    }

    fn render(&self, r: &Renderer, url: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        Ok(match self {
            Actors::Directory { page } => directory(site, *page),
            Actors::Closed { page } => closed(site, *page),
            Actors::Actor(i) => actor(site, *i, url),
            Actors::ProjectPath => project_path(site),
            Actors::Map => map(site),
            Actors::MapGroups => Rendered::Folder(map_groups(site)),
        })
    }

    fn owner(&self, site: &Site) -> Owner {
        match self {
            Actors::Actor(i) => Owner::record(&site.actors[*i].source),
            Actors::Directory { .. } => Owner::generated("l'annuaire des acteurs"),
            Actors::Closed { .. } => Owner::generated("la liste des structures fermées"),
            Actors::ProjectPath => Owner::generated("le parcours du porteur de projet"),
            Actors::Map => Owner::generated("la carte des acteurs"),
            Actors::MapGroups => Owner::generated("les groupes de la carte des acteurs"),
        }
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Actors::Actor(_) => "acteurs",
            Actors::Map | Actors::MapGroups => "autres",
            _ => "listes",
        }
    }

    fn record<'a>(&self, site: &'a Site) -> Option<RecordView<'a>> {
        match self {
            Actors::Actor(i) => Some(view(Section::Actors, &site.actors[*i])),
            _ => None,
        }
    }

    fn in_sitemap(&self) -> bool {
        !matches!(self, Actors::MapGroups)
    }

    fn is_folder(&self) -> bool {
        matches!(self, Actors::MapGroups)
    }

    fn deferrable(&self) -> bool {
        // A preview shows an edited page without waiting for the groups of every actor.
        matches!(self, Actors::MapGroups)
    }
}

/// The files of the large map's groups: the actors in activity with a position.
fn map_groups(site: &Site) -> Vec<(String, Vec<u8>)> {
    let titles: Vec<(usize, String)> = open_positioned(site)
        .map(|i| (i, french::typography(&site.actors[i].data.title)))
        .collect();
    let points: Vec<crate::render::mapgrid::Point> = titles
        .iter()
        .filter_map(|(i, title)| {
            let e = &site.actors[*i];
            let g = e.data.geo?;
            Some(crate::render::mapgrid::Point {
                lat: g.lat,
                lon: g.lon,
                slug: &e.slug,
                title,
            })
        })
        .collect();
    let folder = MAP_GROUPS.trim_start_matches('/');
    crate::render::mapgrid::files(&points)
        .into_iter()
        .map(|(path, bytes)| (format!("{folder}{path}"), bytes))
        .collect()
}

fn directory(site: &Site, page: usize) -> Rendered {
    let n = site.open_actors.len();
    let commune = &site.config.commune;
    let intro = match n {
        0 => format!(
            "Aucun acteur de l’économie sociale et solidaire n’est encore référencé à {commune}."
        ),
        1 => format!("Un acteur de l’économie sociale et solidaire en activité à {commune}."),
        _ => format!(
            "{} acteurs de l’économie sociale et solidaire en activité à {commune}.",
            french::number(n)
        ),
    };
    let extra = DirectoryExtra {
        browse: browse(site),
        filterable: true,
        closed: site.closed_actors.len(),
        closed_url: CLOSED,
        propose_url: crate::render::report::new_actor(site),
    };
    let title = ("Annuaire des acteurs de l’ESS", intro);
    let open = &site.open_actors;
    section_list(
        site,
        Section::Actors,
        title,
        (n, page, ["acteur", "acteurs"]),
        |s, i| actor_card(s, open[i]),
        extra,
    )
}

fn closed(site: &Site, page: usize) -> Rendered {
    let n = site.closed_actors.len();
    let intro = format!(
        "{n} structure{} de l’annuaire {} fermé ; {} fiche{} reste{} en ligne pour mémoire.",
        if n > 1 { "s" } else { "" },
        if n > 1 { "ont" } else { "a" },
        if n > 1 { "leurs" } else { "sa" },
        if n > 1 { "s" } else { "" },
        if n > 1 { "nt" } else { "" },
    );
    #[derive(Serialize)]
    struct NoExtra {}
    let list = &site.closed_actors;
    super::shared::list_at(
        site,
        ("Structures fermées", intro),
        (n, page, ["structure fermée", "structures fermées"]),
        CLOSED,
        |s, i| actor_card(s, list[i]),
        NoExtra {},
    )
}

fn actor(site: &Site, i: usize, url: &str) -> Rendered {
    let a = &site.actors[i];
    let d = &a.data;
    let mut links = Vec::new();
    let label = |group: &str, slug: &str| site.theme.label(group, slug).to_string();
    let context = ActorPage {
        title: french::typography(&d.title),
        summary: summary(d.common()),
        content: body(
            site,
            &a.source,
            &mut links,
            d.logo.is_none() && d.image.is_none(),
        ),
        logo: d
            .logo
            .as_deref()
            .map(|l| picture(site, l, &format!("Logo de {}", d.title), Place::Logo, true)),
        cover: super::pictures::cover(site, d.image.as_ref(), d.logo.is_none()),
        actor: d,
        legal_form: d.legal_form.map(|f| Link {
            label: label("legal_forms", f.slug()),
            url: Taxonomy::LegalForm.term_url(f.slug()),
        }),
        domains: domain_links(site, &d.domains),
        stages: d
            .stages
            .iter()
            .map(|s| Link {
                label: label("stages", s.slug()),
                url: Taxonomy::Stage.term_url(s.slug()),
            })
            .collect(),
        og_image: d
            .image
            .as_ref()
            .map(|i| i.src.as_str())
            .or(d.logo.as_deref())
            .and_then(|src| og_image(site, src)),
        website_label: d.website.as_deref().map(|w| {
            w.trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/')
        }),
        hours: d.hours.as_deref().and_then(crate::render::hours::view),
        phone_uri: d.phone.as_deref().map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect()
        }),
        report_url: crate::render::report::error_on(
            site,
            &d.title,
            &crate::model::Section::Actors.url(&a.slug),
        ),
        appears_in: site.appears_in[i]
            .iter()
            .filter_map(|m| mention(site, *m))
            .collect(),
        jsonld: json_ld(&json!({
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
    };
    Rendered::page("actor.html", &context, links)
}

/// An "appears in" link.
fn mention(site: &Site, m: Mention) -> Option<MentionLink> {
    let (kind, c, slug) = match m.section {
        Section::Forum => {
            let f = &site.forums[m.index];
            (site.config.forum.0.as_str(), f.data.common(), &f.slug)
        }
        Section::Conferences => {
            let c = &site.conferences[m.index];
            (
                site.config.label_one(Section::Conferences),
                c.data.common(),
                &c.slug,
            )
        }
        Section::Magazine => {
            let d = &site.dossiers[m.index];
            let kind = site.theme.label("magazine_kinds", d.data.kind.slug());
            (kind, d.data.common(), &d.slug)
        }
        // Only events and magazine records name actors as mentions.
        Section::Actors | Section::Resources | Section::Pages => return None,
    };
    Some(MentionLink {
        kind: kind.to_string(),
        title: french::typography(c.title),
        url: m.section.url(slug),
        date: c.date.map(|d| d.iso()),
    })
}

/// The actors of `members` in activity: closed structures are not offered to project holders.
fn open(site: &Site, members: &[usize]) -> Vec<usize> {
    members
        .iter()
        .copied()
        .filter(|&i| site.actors[i].data.closed.is_none())
        .collect()
}

fn project_path(site: &Site) -> Rendered {
    let steps = site
        .by_stage
        .iter()
        .map(|(stage, members)| (stage, open(site, members)))
        .map(|(stage, members)| Step {
            slug: stage.slug(),
            label: site.theme.label("stages", stage.slug()).to_string(),
            description: site
                .theme
                .label("stage_descriptions", stage.slug())
                .to_string(),
            url: Taxonomy::Stage.term_url(stage.slug()),
            helpers: members
                .iter()
                .take(PATH_NAMES)
                .map(|&i| Link {
                    label: french::typography(&site.actors[i].data.title),
                    url: Section::Actors.url(&site.actors[i].slug),
                })
                .collect(),
            total: members.len(),
        })
        .collect();
    let context = ProjectPath {
        title: "Porteur de projet : qui peut vous aider ?",
        steps,
    };
    Rendered::page("path.html", &context, Vec::new())
}

/// The box around the actors in activity with a position, if any: the map's first view.
fn first_view(site: &Site) -> Option<String> {
    let (mut south, mut west, mut north, mut east) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut any = false;
    for g in site
        .open_actors
        .iter()
        .filter_map(|&i| site.actors[i].data.geo)
    {
        any = true;
        south = south.min(g.lat);
        north = north.max(g.lat);
        west = west.min(g.lon);
        east = east.max(g.lon);
    }
    any.then(|| format!("{south},{west},{north},{east}"))
}

fn map(site: &Site) -> Rendered {
    let large = large_map(site);
    let mut positioned = 0;
    let markers: Vec<Marker> = site
        .actors
        .iter()
        .filter(|e| e.data.geo.is_some())
        .inspect(|_| positioned += 1)
        // A large map lists none: its groups are in files of their own.
        .filter(|_| !large)
        .filter_map(|e| {
            let a = &e.data;
            let g = a.geo?;
            Some(Marker {
                slug: e.slug.clone(),
                title: french::typography(&a.title),
                url: Section::Actors.url(&e.slug),
                lat: g.lat,
                lon: g.lon,
                address: a.address.clone(),
                closed: a.closed.is_some(),
                legal_form: a
                    .legal_form
                    .map(|f| site.theme.label("legal_forms", f.slug()).to_string()),
            })
        })
        .collect();
    let context = MapPage {
        title: "Carte des acteurs",
        summary: french::typography(&format!(
            "Les acteurs de l’économie sociale et solidaire de {} sur une carte.",
            site.config.commune
        )),
        count: if large {
            open_positioned(site).count()
        } else {
            markers.len()
        },
        without_position: site.actors.len() - positioned,
        view: first_view(site),
        markers,
        browse: browse(site),
        groups: large.then_some(MAP_GROUPS),
        groups_zmax: crate::render::mapgrid::ZMAX,
    };
    Rendered::page("map.html", &context, Vec::new())
}
