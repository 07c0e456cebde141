//! The archive of the letters sent (`content/data/lettres.yaml`): their list, a page per
//! letter showing the records it presented as the site publishes them at the build, and a
//! feed. A site without letters has none of these.

use super::family::{Family, Rendered};
use super::shared::{actor_card, card, list_with_feed, Card};
use crate::diagnostic::Diagnostic;
use crate::model::letters::{self, Letter};
use crate::model::url;
use crate::model::Section;
use crate::render::feeds::{self, FeedItem};
use crate::render::fingerprint::Fingerprints;
use crate::render::owners::Owner;
use crate::render::renderer::Renderer;
use crate::render::site::{Site, Typed};
use crate::text::french;
use crate::text::markdown;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Letters {
    /// Page `page` (1-based) of the list of the letters, newest first.
    List { page: usize },
    /// The letter whose window ends that day.
    Letter(NaiveDate),
    /// The feed of the letters.
    Feed,
}

pub fn jobs(site: &Site) -> Vec<Letters> {
    let all = letters::letters(&site.data);
    if all.is_empty() {
        return Vec::new();
    }
    let pages = super::family::page_count(all.len(), site.config.paginate_by);
    (1..=pages)
        .map(|page| Letters::List { page })
        .chain([Letters::Feed])
        .chain(all.iter().map(|l| Letters::Letter(l.date)))
        .collect()
}

/// The title a letter is shown with: « La lettre de l’ESS de Sceaux du 1er décembre 2026 ».
fn title(l: &Letter) -> String {
    format!(
        "{} du {}",
        french::typography(&l.archived.title),
        french::date(l.date)
    )
}

fn period(l: &Letter) -> String {
    format!("du {} au {}", french::date(l.since), french::date(l.date))
}

/// The heading a record of a letter is shown under, by its section, in the letter's order.
const BLOCKS: [(Section, &str); 5] = [
    (Section::Forum, "Les rendez-vous"),
    (Section::Conferences, "Les rendez-vous"),
    (Section::Magazine, "Le magazine"),
    (Section::Actors, "Nouveaux acteurs dans l’annuaire"),
    (Section::Resources, "Nouvelles ressources"),
];

/// The published records among `urls`, by URL.
fn published<'a>(site: &'a Site, urls: &[String]) -> HashMap<String, Typed<'a>> {
    let wanted: HashSet<&str> = urls.iter().map(String::as_str).collect();
    site.typed()
        .filter_map(|t| {
            let crate::render::site::RecordView { section, slug, .. } = t.view();
            let u = section.url(slug);
            wanted.contains(u.as_str()).then_some((u, t))
        })
        .collect()
}

fn letter(site: &Site, date: NaiveDate) -> Option<Letter> {
    letters::letters(&site.data)
        .into_iter()
        .find(|l| l.date == date)
}

#[derive(Serialize)]
struct Block {
    title: &'static str,
    cards: Vec<Card>,
}

#[derive(Serialize)]
struct LetterPage {
    title: String,
    period: String,
    date: String,
    intro: String,
    blocks: Vec<Block>,
    feed: &'static str,
}

impl Family for Letters {
    fn url(&self, _: &Site) -> String {
        match self {
            Letters::List { page } => url::paged(url::LETTERS, *page),
            Letters::Letter(d) => format!("{}{}/", url::LETTERS, d.format("%Y-%m-%d")),
            Letters::Feed => url::LETTERS_FEED.to_string(),
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        serde_json::to_string(&site.data.get(letters::DATA))
            .unwrap_or_default()
            .hash(h);
        if let Letters::Letter(d) = self {
            // The cards of the records it presented, as they are published now.
            let Some(l) = letter(site, *d) else { return };
            let found = published(site, &l.archived.items);
            for u in &l.archived.items {
                u.hash(h);
                found.get(u).map(|t| t.view().source.front_hash).hash(h);
            }
        }
    }

    fn render(&self, r: &Renderer, _: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        let all = letters::letters(&site.data);
        Ok(match self {
            Letters::List { page } => {
                let intro =
                    "Les lettres d’information envoyées, de la plus récente à la plus ancienne.";
                list_with_feed(
                    site,
                    ("La lettre d’information", french::typography(intro)),
                    (all.len(), *page, ["lettre", "lettres"]),
                    (url::LETTERS, url::LETTERS_FEED),
                    |_, i| letter_card(&all[i]),
                )
            }
            Letters::Feed => {
                let now = site.options.now;
                let items: Vec<FeedItem> = all
                    .iter()
                    .take(site.config.feed_limit)
                    .map(|l| FeedItem {
                        published: l.date.and_time(chrono::NaiveTime::MIN).min(now),
                        title: title(l),
                        url: site.config.absolute(&l.url()),
                        description: Some(period(l)),
                        category: "Lettre d’information".into(),
                    })
                    .collect();
                let name = format!("{} — La lettre d’information", site.config.title);
                Rendered::File(
                    feeds::channel(site, name, url::LETTERS, url::LETTERS_FEED, &items)
                        .into_bytes(),
                )
            }
            Letters::Letter(d) => {
                let Some(l) = all.into_iter().find(|l| l.date == *d) else {
                    return Ok(Rendered::File(Vec::new()));
                };
                letter_page(site, &l)
            }
        })
    }

    fn owner(&self, _: &Site) -> Owner {
        Owner::generated(match self {
            Letters::List { .. } => "la liste des lettres d’information",
            Letters::Letter(_) => "une lettre d’information de content/data/lettres.yaml",
            Letters::Feed => "le flux des lettres d’information",
        })
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Letters::List { .. } => "listes",
            Letters::Letter(_) => "lettres d'information",
            Letters::Feed => "flux RSS",
        }
    }

    fn in_sitemap(&self) -> bool {
        !matches!(self, Letters::Feed)
    }
}

fn letter_card(l: &Letter) -> Card {
    let n = l.archived.items.len();
    Card {
        title: title(l),
        url: l.url(),
        summary: Some(format!(
            "{} : {} {}",
            french::typography(&period(l)),
            n,
            if n > 1 { "fiches" } else { "fiche" }
        )),
        // The title says the day.
        date: None,
        end_date: None,
        kind: None,
        labels: Vec::new(),
        closed: false,
        venue: None,
        picture: None,
        logo: false,
        scheduled: None,
        draft: false,
        initials: None,
    }
}

fn letter_page(site: &Site, l: &Letter) -> Rendered {
    let intro = markdown::render_with(&l.archived.intro, &site.config.video_hosts);
    let found = published(site, &l.archived.items);
    let mut blocks: Vec<Block> = Vec::new();
    for (section, heading) in BLOCKS {
        let cards: Vec<Card> = l
            .archived
            .items
            .iter()
            .filter_map(|u| found.get(u))
            .filter(|t| t.view().section == section)
            .map(|t| match *t {
                Typed::Actor(e) => site
                    .actor_index
                    .get(&e.slug)
                    .map_or_else(|| card(site, section, e), |&i| actor_card(site, i)),
                Typed::Forum(e) => card(site, section, e),
                Typed::Conference(e) => card(site, section, e),
                Typed::MagazineRecord(e) => card(site, section, e),
                Typed::Resource(e) => card(site, section, e),
                Typed::Page(e) => card(site, section, e),
            })
            .collect();
        if cards.is_empty() {
            continue;
        }
        match blocks.last_mut() {
            Some(b) if b.title == heading => b.cards.extend(cards),
            _ => blocks.push(Block {
                title: heading,
                cards,
            }),
        }
    }
    let context = LetterPage {
        title: title(l),
        period: period(l),
        date: l.date.format("%Y-%m-%d").to_string(),
        intro: intro.html,
        blocks,
        feed: url::LETTERS_FEED,
    };
    Rendered::page("letter.html", &context, intro.internal_links)
}
