//! The render plan: one `Job` per output file, each knowing its URL and output path.

use crate::load::Section;
use crate::site::Site;
use crate::url::normalise_alias;
pub use crate::url::output_path;

/// A group of actors or resources with a page per value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Taxonomy {
    Domain,
    LegalForm,
    Stage,
    ResourceCategory,
    ResourceType,
}

impl Taxonomy {
    /// The URL of the taxonomy's index page.
    pub fn base(self) -> &'static str {
        match self {
            Taxonomy::Domain => "/acteurs/domaines/",
            Taxonomy::LegalForm => "/acteurs/formes/",
            Taxonomy::Stage => "/acteurs/etapes/",
            Taxonomy::ResourceCategory => "/ressources/categories/",
            Taxonomy::ResourceType => "/ressources/types/",
        }
    }

    /// The number of terms and their slugs, in display order.
    pub fn terms(self, site: &Site) -> Vec<(String, usize)> {
        match self {
            Taxonomy::Domain => site
                .by_domain
                .iter()
                .map(|(s, m)| (s.clone(), m.len()))
                .collect(),
            Taxonomy::LegalForm => site
                .by_legal_form
                .iter()
                .map(|(s, m)| (s.to_string(), m.len()))
                .collect(),
            Taxonomy::Stage => site
                .by_stage
                .iter()
                .map(|(s, m)| (crate::model::Term::slug(*s).to_string(), m.len()))
                .collect(),
            Taxonomy::ResourceCategory => site
                .by_category
                .iter()
                .map(|(_, s, m)| (s.clone(), m.len()))
                .collect(),
            Taxonomy::ResourceType => site
                .by_resource_type
                .iter()
                .map(|(_, s, m)| (s.clone(), m.len()))
                .collect(),
        }
    }
}

/// A site-wide or per-section RSS feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feed {
    All,
    Section(Section),
}

impl Feed {
    pub fn url(self) -> String {
        match self {
            Feed::All => "/rss.xml".into(),
            Feed::Section(s) => format!("/{}/rss.xml", s.folder()),
        }
    }
}

/// A format of the open data exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataFormat {
    Csv,
    Json,
    /// Elements and taxonomy, as GoGoCarto imports them (the regional ESS maps).
    GoGoCarto,
}

/// One output file to produce.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    Home,
    ActorDirectory {
        page: usize,
    },
    Actor(usize),
    TaxonomyIndex(Taxonomy),
    TaxonomyTerm {
        taxonomy: Taxonomy,
        term: usize,
        page: usize,
    },
    ProjectPath,
    /// The key figures: charts computed from the content, and the data tables.
    KeyFigures,
    /// The open data page, documenting the exports.
    OpenDataPage,
    /// The actors directory as open data.
    OpenData(DataFormat),
    /// The search page (when the site has search).
    SearchPage,
    /// The map of the actors.
    Map,
    /// An iCalendar file.
    Calendar(super::ics::Calendar),
    ForumList,
    Forum(usize),
    ConferenceList,
    Conference(usize),
    Agenda,
    MagazineList {
        page: usize,
    },
    Dossier(usize),
    ResourceList {
        page: usize,
    },
    Resource(usize),
    Page(usize),
    Feed(Feed),
    Sitemap,
    Robots,
    NotFound,
    /// A redirect page from an old URL to a record's URL.
    Alias {
        from: String,
        to: String,
    },
    /// A static file of the theme or the site.
    Asset(String),
    /// A members' file (`content/ressources/fichiers/NAME`), in a members' build only.
    MembersFile(String),
}

/// The URL of page `n` (1-based) of a list at `base`.
pub fn page_url(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// How many pages a list of `items` needs (at least one, even when empty).
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

impl Job {
    /// The site URL of the output (`/acteurs/up-sceaux/`, `/rss.xml`).
    pub fn url(&self, site: &Site) -> String {
        match self {
            Job::Home => "/".into(),
            Job::ActorDirectory { page } => page_url("/acteurs/", *page),
            Job::Actor(i) => Section::Actors.url(&site.actors[*i].slug),
            Job::TaxonomyIndex(t) => t.base().into(),
            Job::TaxonomyTerm {
                taxonomy,
                term,
                page,
            } => {
                let slug = &taxonomy.terms(site)[*term].0;
                page_url(&format!("{}{slug}/", taxonomy.base()), *page)
            }
            Job::ProjectPath => "/porteur-de-projet/".into(),
            Job::KeyFigures => "/chiffres-cles/".into(),
            Job::OpenDataPage => "/donnees/".into(),
            Job::OpenData(DataFormat::Csv) => "/donnees/acteurs.csv".into(),
            Job::OpenData(DataFormat::Json) => "/donnees/acteurs.json".into(),
            Job::OpenData(DataFormat::GoGoCarto) => "/donnees/gogocarto.json".into(),
            Job::SearchPage => "/recherche/".into(),
            Job::Map => "/carte/".into(),
            Job::Calendar(super::ics::Calendar::Agenda) => "/agenda.ics".into(),
            Job::Calendar(super::ics::Calendar::Forum(i)) => {
                format!("{}evenement.ics", Section::Forum.url(&site.forums[*i].slug))
            }
            Job::Calendar(super::ics::Calendar::Conference(i)) => {
                format!(
                    "{}evenement.ics",
                    Section::Conferences.url(&site.conferences[*i].slug)
                )
            }
            Job::ForumList => "/forum/".into(),
            Job::Forum(i) => Section::Forum.url(&site.forums[*i].slug),
            Job::ConferenceList => "/conferences/".into(),
            Job::Conference(i) => Section::Conferences.url(&site.conferences[*i].slug),
            Job::Agenda => "/agenda/".into(),
            Job::MagazineList { page } => page_url("/magazine/", *page),
            Job::Dossier(i) => Section::Magazine.url(&site.dossiers[*i].slug),
            Job::ResourceList { page } => page_url("/ressources/", *page),
            Job::Resource(i) => Section::Resources.url(&site.resources[*i].slug),
            Job::Page(i) => Section::Pages.url(&site.pages[*i].slug),
            Job::Feed(f) => f.url(),
            Job::Sitemap => "/sitemap.xml".into(),
            Job::Robots => "/robots.txt".into(),
            Job::NotFound => "/404.html".into(),
            Job::Alias { from, .. } => from.clone(),
            Job::Asset(path) => format!("/{path}"),
            Job::MembersFile(name) => format!("/{}/{name}", crate::load::MEMBERS_FILES),
        }
    }

    /// Whether the output is an HTML page that belongs in the sitemap.
    pub fn in_sitemap(&self) -> bool {
        !matches!(
            self,
            Job::OpenData(_)
                | Job::Calendar(_)
                | Job::Feed(_)
                | Job::Sitemap
                | Job::Robots
                | Job::NotFound
                | Job::Alias { .. }
                | Job::Asset(_)
                | Job::MembersFile(_)
        )
    }
}

/// Every output file of the site, in a fixed order.
pub fn plan(site: &Site) -> Vec<Job> {
    let per = site.config.paginate_by;
    let mut jobs = vec![
        Job::Home,
        Job::ProjectPath,
        Job::KeyFigures,
        Job::OpenDataPage,
        Job::OpenData(DataFormat::Csv),
        Job::OpenData(DataFormat::Json),
        Job::OpenData(DataFormat::GoGoCarto),
        Job::Map,
        Job::ForumList,
        Job::ConferenceList,
        Job::Agenda,
    ];
    if site.config.search {
        jobs.push(Job::SearchPage);
    }
    jobs.extend((1..=page_count(site.actors.len(), per)).map(|page| Job::ActorDirectory { page }));
    jobs.extend((0..site.actors.len()).map(Job::Actor));
    for taxonomy in [
        Taxonomy::Domain,
        Taxonomy::LegalForm,
        Taxonomy::Stage,
        Taxonomy::ResourceCategory,
        Taxonomy::ResourceType,
    ] {
        jobs.push(Job::TaxonomyIndex(taxonomy));
        for (term, (_, count)) in taxonomy.terms(site).into_iter().enumerate() {
            jobs.extend((1..=page_count(count, per)).map(|page| Job::TaxonomyTerm {
                taxonomy,
                term,
                page,
            }));
        }
    }
    jobs.extend((0..site.forums.len()).map(Job::Forum));
    jobs.extend((0..site.conferences.len()).map(Job::Conference));
    jobs.push(Job::Calendar(super::ics::Calendar::Agenda));
    jobs.extend((0..site.forums.len()).map(|i| Job::Calendar(super::ics::Calendar::Forum(i))));
    jobs.extend(
        (0..site.conferences.len()).map(|i| Job::Calendar(super::ics::Calendar::Conference(i))),
    );
    jobs.extend((1..=page_count(site.dossiers.len(), per)).map(|page| Job::MagazineList { page }));
    jobs.extend((0..site.dossiers.len()).map(Job::Dossier));
    jobs.extend((1..=page_count(site.resources.len(), per)).map(|page| Job::ResourceList { page }));
    jobs.extend((0..site.resources.len()).map(Job::Resource));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.push(Job::Feed(Feed::All));
    for s in [
        Section::Actors,
        Section::Forum,
        Section::Conferences,
        Section::Magazine,
        Section::Resources,
    ] {
        jobs.push(Job::Feed(Feed::Section(s)));
    }
    jobs.extend([Job::Sitemap, Job::Robots, Job::NotFound]);
    for (section, slug, common, _) in site.records() {
        let to = section.url(slug);
        jobs.extend(
            common
                .aliases
                .iter()
                .filter_map(|a| normalise_alias(a))
                .map(|from| Job::Alias {
                    from,
                    to: to.clone(),
                }),
        );
    }
    jobs.extend(site.theme.assets.keys().map(|k| Job::Asset(k.clone())));
    jobs.extend(
        site.members_files
            .keys()
            .map(|k| Job::MembersFile(k.clone())),
    );
    jobs
}
