//! Data and exports: the RSS feeds, the sitemap, `robots.txt`, the open data exports with
//! their page, and the key figures computed from the content.

use super::family::{Family, Rendered};
use super::home::{counts, Counts};
use crate::diagnostic::Diagnostic;
use crate::model::url;
use crate::model::{Section, Term};
use crate::render::feeds::Feed;
use crate::render::fingerprint::Fingerprints;
use crate::render::owners::Owner;
use crate::render::renderer::Renderer;
use crate::render::site::Site;
use crate::render::{feeds, opendata, sitemap};
use crate::text::french;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash};

/// A format of the open data exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataFormat {
    Csv,
    Json,
    /// Elements and taxonomy, as GoGoCarto imports them (the regional ESS maps).
    GoGoCarto,
    /// The actors with a position, as GeoJSON (RFC 7946) for maps and GIS tools.
    GeoJson,
    /// The actors in activity in the national schema data·inclusion (v1 `Structure`).
    DataInclusion,
    /// The same, as CSV (one column per field of the schema).
    DataInclusionCsv,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Data {
    /// The key figures: charts computed from the content, and the data tables.
    KeyFiguresPage,
    /// The open data page, documenting the exports.
    OpenDataPage,
    /// The actors directory as open data.
    OpenData(DataFormat),
    /// What the directory's and the map's filters read (not open data: a few fields each).
    DirectoryFilters,
    Feed(Feed),
    /// The sitemap, in one file.
    Sitemap,
    /// The sitemap of a site too large for one file: the index of its parts, by the ranges of
    /// the sitemap's entries each holds.
    SitemapIndex(Vec<(usize, usize)>),
    /// One part of a cut sitemap: its number (from 1) and its range of entries.
    SitemapPart {
        number: usize,
        start: usize,
        end: usize,
    },
    Robots,
}

/// The pages at the front of the plan: key figures, open data.
pub fn front_jobs() -> Vec<Data> {
    [
        Data::KeyFiguresPage,
        Data::OpenDataPage,
        Data::OpenData(DataFormat::Csv),
        Data::OpenData(DataFormat::Json),
        Data::OpenData(DataFormat::GoGoCarto),
        Data::OpenData(DataFormat::GeoJson),
        Data::OpenData(DataFormat::DataInclusion),
        Data::OpenData(DataFormat::DataInclusionCsv),
        Data::DirectoryFilters,
    ]
    .into_iter()
    .collect()
}

/// The site's feed and one per section with a list.
pub fn feed_jobs(site: &Site) -> Vec<Data> {
    let sections = [
        Section::Actors,
        Section::Forum,
        Section::Conferences,
        Section::Magazine,
        Section::Resources,
    ];
    // The conferences' feed when the commune has a series of them.
    let series = site.has_conferences();
    std::iter::once(Feed::All)
        .chain(
            sections
                .into_iter()
                .filter(|s| series || *s != Section::Conferences)
                .map(Feed::Section),
        )
        .map(Data::Feed)
        .collect()
}

/// The sitemap, cut at `cuts` (`sitemap::cuts`: none for one file), and `robots.txt`.
pub fn back_jobs(cuts: Vec<(usize, usize)>) -> Vec<Data> {
    if cuts.is_empty() {
        return vec![Data::Sitemap, Data::Robots];
    }
    let parts = cuts
        .iter()
        .enumerate()
        .map(|(i, &(start, end))| Data::SitemapPart {
            number: i + 1,
            start,
            end,
        });
    std::iter::once(Data::SitemapIndex(cuts.clone()))
        .chain(parts)
        .chain([Data::Robots])
        .collect()
}

#[derive(Serialize)]
struct OpenDataPage<'a> {
    title: &'static str,
    summary: String,
    columns: Vec<Column>,
    count: usize,
    licence: &'a str,
    licence_url: &'a str,
}

#[derive(Serialize)]
struct Column {
    name: &'static str,
    description: String,
}

#[derive(Serialize)]
struct KeyFiguresPage<'a> {
    title: &'static str,
    summary: String,
    #[serde(flatten)]
    counts: Counts,
    charts: Vec<Chart>,
    data: &'a BTreeMap<String, serde_json::Value>,
}

/// One bar chart: its rows and total.
#[derive(Serialize)]
struct Chart {
    id: &'static str,
    title: String,
    axis: &'static str,
    unit: &'static str,
    total: usize,
    height: usize,
    rows: Vec<FigureBar>,
}

#[derive(Serialize)]
struct FigureBar {
    label: String,
    value: usize,
    /// In the SVG (600 wide): the bar's length (500 at most), its row's top.
    length: u32,
    y: usize,
}

/// An export written as it is made: a file of every actor.
pub type Export = fn(&Site, &mut dyn std::io::Write) -> std::io::Result<()>;

impl Data {
    /// The export this job writes, with what its file holds if it cannot be made (never with
    /// the exports' strings and numbers): one of every published actor, written a piece at a
    /// time by a build (`Renderer::render_writing`).
    pub fn export(&self) -> Option<(Export, &'static [u8])> {
        use crate::render::datainclusion;
        Some(match self {
            Data::OpenData(format) => match format {
                DataFormat::Csv => (opendata::csv, b""),
                DataFormat::Json => (opendata::json, b"[]"),
                DataFormat::GoGoCarto => (opendata::gogocarto, b"{}"),
                DataFormat::GeoJson => (opendata::geojson, b""),
                DataFormat::DataInclusion => (datainclusion::structures, b"[]"),
                DataFormat::DataInclusionCsv => (datainclusion::structures_csv, b""),
            },
            Data::DirectoryFilters => (opendata::filters, b"{}"),
            _ => return None,
        })
    }
}

impl Family for Data {
    fn url(&self, _: &Site) -> String {
        match self {
            Data::KeyFiguresPage => url::KEY_FIGURES.into(),
            Data::OpenDataPage => url::OPEN_DATA.into(),
            Data::OpenData(DataFormat::Csv) => url::OPEN_DATA_CSV.into(),
            Data::OpenData(DataFormat::Json) => url::OPEN_DATA_JSON.into(),
            Data::OpenData(DataFormat::GoGoCarto) => url::OPEN_DATA_GOGOCARTO.into(),
            Data::OpenData(DataFormat::GeoJson) => url::OPEN_DATA_GEOJSON.into(),
            Data::OpenData(DataFormat::DataInclusion) => url::OPEN_DATA_INCLUSION.into(),
            Data::OpenData(DataFormat::DataInclusionCsv) => url::OPEN_DATA_INCLUSION_CSV.into(),
            Data::DirectoryFilters => url::DIRECTORY_FILTERS.into(),
            Data::Feed(f) => f.url(),
            Data::Sitemap | Data::SitemapIndex(_) => url::SITEMAP.into(),
            Data::SitemapPart { number, .. } => sitemap::part_url(*number),
            Data::Robots => url::ROBOTS.into(),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let now = fp.site().options.now;
        match self {
            Data::KeyFiguresPage => {
                (fp.taxonomies(), fp.sections()).hash(h);
                serde_json::to_string(&fp.site().data)
                    .unwrap_or_default()
                    .hash(h);
            }
            // data·inclusion's `date_maj` is the build's day for a record that says none.
            Data::OpenData(DataFormat::DataInclusion | DataFormat::DataInclusionCsv) => {
                (fp.section(Section::Actors), now.date()).hash(h)
            }
            Data::OpenDataPage | Data::OpenData(_) | Data::DirectoryFilters => {
                fp.section(Section::Actors).hash(h)
            }
            // An item is dated no later than the build; a page's last change too.
            Data::Feed(Feed::All) => (fp.sections(), now).hash(h),
            Data::Feed(Feed::Section(s)) => (fp.section(*s), now).hash(h),
            Data::Sitemap => (fp.sections(), fp.taxonomies(), now.date()).hash(h),
            Data::SitemapIndex(cuts) => (fp.sections(), fp.taxonomies(), now.date(), cuts).hash(h),
            Data::SitemapPart { start, end, .. } => {
                (fp.sections(), fp.taxonomies(), now.date(), start, end).hash(h)
            }
            Data::Robots => {}
        }
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        Ok(match self {
            Data::KeyFiguresPage => key_figures(site),
            Data::OpenDataPage => open_data_page(site),
            Data::OpenData(_) | Data::DirectoryFilters => match self.export() {
                Some((export, empty)) => {
                    Rendered::File(opendata::whole(empty, |w| export(site, w)))
                }
                None => Rendered::File(Vec::new()),
            },
            Data::Feed(feed) => Rendered::File(feeds::rss(site, *feed).into_bytes()),
            Data::Sitemap => Rendered::File(sitemap::urlset(site, r.sitemap_urls()).into_bytes()),
            Data::SitemapIndex(cuts) => {
                Rendered::File(sitemap::index(site, r.sitemap_urls(), cuts).into_bytes())
            }
            Data::SitemapPart { start, end, .. } => {
                let entries = r.sitemap_urls().get(*start..*end).unwrap_or_default();
                Rendered::File(sitemap::urlset(site, entries).into_bytes())
            }
            Data::Robots => Rendered::File(feeds::robots(site).into_bytes()),
        })
    }

    fn owner(&self, _: &Site) -> Owner {
        let section_name = |s: Section| match s {
            Section::Actors => "des acteurs",
            Section::Forum => "du Forum",
            Section::Conferences => "des conférences",
            Section::Magazine => "du magazine",
            Section::Resources => "des ressources",
            Section::Pages => "des pages",
        };
        Owner::generated(match self {
            Data::KeyFiguresPage => "la page des chiffres clés".into(),
            Data::OpenDataPage => "la page des données ouvertes".into(),
            Data::OpenData(DataFormat::Csv) => "l'annuaire en CSV".into(),
            Data::OpenData(DataFormat::Json) => "l'annuaire en JSON".into(),
            Data::OpenData(DataFormat::GoGoCarto) => "l'export GoGoCarto".into(),
            Data::OpenData(DataFormat::GeoJson) => "l'annuaire en GeoJSON".into(),
            Data::OpenData(DataFormat::DataInclusion) => {
                "l'annuaire au format data·inclusion".into()
            }
            Data::OpenData(DataFormat::DataInclusionCsv) => {
                "l'annuaire au format data·inclusion, en CSV".into()
            }
            Data::DirectoryFilters => "les filtres de l'annuaire et de la carte".into(),
            Data::Feed(Feed::All) => "le flux RSS du site".into(),
            Data::Feed(Feed::Section(s)) => format!("le flux RSS {}", section_name(*s)),
            Data::Sitemap | Data::SitemapIndex(_) => {
                "le plan du site pour les moteurs de recherche".into()
            }
            Data::SitemapPart { number, .. } => {
                format!("la partie {number} du plan du site pour les moteurs de recherche")
            }
            Data::Robots => "le fichier robots.txt".to_string(),
        })
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Data::KeyFiguresPage | Data::OpenDataPage => "listes",
            Data::OpenData(_) => "exports de données ouvertes",
            Data::Feed(_) => "flux RSS",
            Data::DirectoryFilters
            | Data::Sitemap
            | Data::SitemapIndex(_)
            | Data::SitemapPart { .. }
            | Data::Robots => "autres",
        }
    }

    fn in_sitemap(&self) -> bool {
        matches!(self, Data::KeyFiguresPage | Data::OpenDataPage)
    }
}

fn open_data_page(site: &Site) -> Rendered {
    let context = OpenDataPage {
        title: "Données ouvertes",
        summary: french::typography(&format!(
            "L’annuaire des acteurs de l’ESS de {}, à réutiliser librement.",
            site.config.commune
        )),
        columns: opendata::COLUMNS
            .iter()
            .map(|(name, what)| Column {
                name,
                description: french::typography(what),
            })
            .collect(),
        count: site.actors.len(),
        licence: &site.config.data_licence,
        licence_url: &site.config.data_licence_url,
    };
    Rendered::page("opendata.html", &context, Vec::new())
}

fn chart(
    id: &'static str,
    title: &str,
    axis: &'static str,
    unit: &'static str,
    rows: Vec<(String, usize)>,
) -> Chart {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let total = rows.iter().map(|r| r.1).sum();
    let rows: Vec<FigureBar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| FigureBar {
            label,
            value,
            length: (value as f64 * 500.0 / max as f64).round() as u32,
            y: i * 44,
        })
        .collect();
    Chart {
        id,
        title: title.to_string(),
        axis,
        unit,
        total,
        height: rows.len() * 44 + 4,
        rows,
    }
}

/// The key figures: actors by domain, legal form and stage, events per year.
fn key_figures(site: &Site) -> Rendered {
    let label = |group: &str, slug: &str| site.theme.label(group, slug).to_string();
    let domains = site
        .by_domain
        .iter()
        .map(|(d, m)| (site.domain_label(d).to_string(), m.len()))
        .collect();
    let forms = site
        .by_legal_form
        .iter()
        .map(|(f, m)| (label("legal_forms", f), m.len()))
        .collect();
    let stages = site
        .by_stage
        .iter()
        .map(|(s, m)| (label("stages", s.slug()), m.len()))
        .collect();
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    let dates = site
        .forums
        .iter()
        .map(|f| f.data.date)
        .chain(site.conferences.iter().map(|c| c.data.date));
    for d in dates.flatten() {
        *years.entry(chrono::Datelike::year(&d.date())).or_default() += 1;
    }
    let years = years.into_iter().map(|(y, n)| (y.to_string(), n)).collect();
    let context = KeyFiguresPage {
        title: "Chiffres clés",
        summary: french::typography(&format!("L’économie sociale et solidaire à {} en chiffres, calculés à partir des fiches du site.", site.config.commune)),
        counts: counts(site),
        charts: vec![
            chart("domaines", "Les acteurs par domaine d’action", "Domaine", "Acteurs", domains),
            chart("formes", "Les acteurs par forme juridique", "Forme juridique", "Acteurs", forms),
            chart("etapes", "Ce que les acteurs proposent aux porteurs de projet", "Étape", "Acteurs", stages),
            chart("evenements", &events_title(site), "Année", "Événements", years),
        ],
        data: &site.data,
    };
    Rendered::page("figures.html", &context, Vec::new())
}

/// The title of the chart of the events: the Forum, and the series of conferences if any.
fn events_title(site: &Site) -> String {
    let forum = site.config.forum.0.split(' ').next().unwrap_or("Forum");
    match &site.config.conferences {
        Some(series) => format!("Les événements par année ({forum} et {})", series.name),
        None => format!("Les éditions du {} par année", site.config.forum.0),
    }
}
