//! The events: the Forum's editions, the Up Conférences, the agenda of both, and their
//! iCalendar files.

use super::family::{view, Family, Rendered};
use super::pictures::{cover, og_image};
use super::shared::{
    actor_links, body, card, domain_links, event_ld, iso_paris, json_ld, speakers, summary,
    ActorLink, Card, SpeakerView,
};
use crate::diagnostic::Diagnostic;
use crate::model::time::is_upcoming;
use crate::model::url;
use crate::model::{
    Common, Conference, Date, ForumEdition, ProgramItem, ProgramTime, Section, Term,
};
use crate::render::fingerprint::Fingerprints;
use crate::render::ics::{self, Calendar};
use crate::render::owners::{Owner, OwnerKind};
use crate::render::renderer::Renderer;
use crate::render::site::{RecordView, Site};
use crate::text::french;
use serde::Serialize;
use serde_json::{json, Value};
use std::hash::{DefaultHasher, Hash};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Events {
    ForumList,
    /// Edition `i` of `Site::forums`.
    Forum(usize),
    ConferenceList,
    /// Conference `i` of `Site::conferences`.
    Conference(usize),
    Agenda,
    /// An iCalendar file.
    Calendar(Calendar),
}

/// The lists, at the front of the plan.
pub fn list_jobs(site: &Site) -> Vec<Events> {
    // The list of the conferences when the commune has a series (`[conferences]`).
    let conferences = site.has_conferences().then_some(Events::ConferenceList);
    [Some(Events::ForumList), conferences, Some(Events::Agenda)]
        .into_iter()
        .flatten()
        .collect()
}

/// Every event's page and the calendars.
pub fn record_jobs(site: &Site) -> Vec<Events> {
    let forums = 0..site.forums.len();
    let conferences = 0..site.conferences.len();
    forums
        .clone()
        .map(Events::Forum)
        .chain(conferences.clone().map(Events::Conference))
        .chain([Events::Calendar(Calendar::Agenda)])
        .chain(forums.map(|i| Events::Calendar(Calendar::Forum(i))))
        .chain(conferences.map(|i| Events::Calendar(Calendar::Conference(i))))
        .collect()
}

#[derive(Serialize)]
struct ForumList {
    title: String,
    intro: String,
    cards: Vec<Card>,
    total: usize,
    count: String,
    feed: String,
}

#[derive(Serialize)]
struct ForumPage<'a> {
    title: String,
    summary: Option<String>,
    content: String,
    /// The record\'s picture, as HTML.
    cover: Option<String>,
    og_image: Option<String>,
    event: &'a ForumEdition,
    upcoming: bool,
    program: Vec<ProgramView>,
    multi_day: bool,
    exhibitors: Vec<ActorLink>,
    partners: Vec<ActorLink>,
    jsonld: String,
}

/// An item of a Forum's programme.
#[derive(Serialize)]
struct ProgramView {
    start: String,
    end: Option<String>,
    kind: String,
    kind_slug: &'static str,
    title: String,
    room: Option<String>,
    speakers: Vec<SpeakerView>,
    actors: Vec<ActorLink>,
}

/// A list of events split at `now`: the conferences, the agenda.
#[derive(Serialize)]
struct SplitAtNow {
    title: String,
    intro: String,
    upcoming: Vec<Card>,
    past: Vec<Card>,
    /// The past ones' heading, agreeing with what they are (« Passés » for rendez-vous,
    /// « Passées » for conferences), and what is said when there is none.
    past_heading: &'static str,
    no_past: &'static str,
    feed: Option<String>,
}

#[derive(Serialize)]
struct ConferencePage<'a> {
    title: String,
    summary: Option<String>,
    content: String,
    /// The record\'s picture, as HTML.
    cover: Option<String>,
    og_image: Option<String>,
    event: &'a Conference,
    upcoming: bool,
    speakers: Vec<SpeakerView>,
    jsonld: String,
    domains: Vec<super::shared::DomainLink>,
}

impl Family for Events {
    fn url(&self, site: &Site) -> String {
        match self {
            Events::ForumList => url::FORUMS.into(),
            Events::Forum(i) => Section::Forum.url(&site.forums[*i].slug),
            Events::ConferenceList => url::CONFERENCES.into(),
            Events::Conference(i) => Section::Conferences.url(&site.conferences[*i].slug),
            Events::Agenda => url::AGENDA.into(),
            Events::Calendar(Calendar::Agenda) => url::AGENDA_ICS.into(),
            Events::Calendar(Calendar::Forum(i)) => {
                url::event_calendar(Section::Forum, &site.forums[*i].slug)
            }
            Events::Calendar(Calendar::Conference(i)) => {
                url::event_calendar(Section::Conferences, &site.conferences[*i].slug)
            }
        }
    }

    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher) {
        let site = fp.site();
        let now = site.options.now;
        match self {
            Events::ForumList => fp.section(Section::Forum).hash(h),
            Events::ConferenceList => {
                fp.section(Section::Conferences).hash(h);
                fp.upcoming(h, false, true);
            }
            Events::Agenda => {
                (fp.section(Section::Forum), fp.section(Section::Conferences)).hash(h);
                fp.upcoming(h, true, true);
            }
            // A calendar is stamped with the build's moment (DTSTAMP).
            Events::Calendar(Calendar::Agenda) => (
                fp.section(Section::Forum),
                fp.section(Section::Conferences),
                now,
            )
                .hash(h),
            Events::Calendar(Calendar::Forum(i)) => (site.forums[*i].source.full_hash, now).hash(h),
            Events::Calendar(Calendar::Conference(i)) => {
                (site.conferences[*i].source.full_hash, now).hash(h)
            }
            Events::Forum(i) => {
                let f = &site.forums[*i];
                f.source.full_hash.hash(h);
                is_upcoming(f.data.date, f.data.end_date, now).hash(h);
                let d = &f.data;
                for slug in d.exhibitors.iter().chain(&d.partners) {
                    fp.actor_ref(h, slug);
                }
                for item in &d.program {
                    let speakers = item.speakers.iter().filter_map(|s| s.actor.as_ref());
                    for slug in item.actors.iter().chain(speakers) {
                        fp.actor_ref(h, slug);
                    }
                }
            }
            Events::Conference(i) => {
                let c = &site.conferences[*i];
                c.source.full_hash.hash(h);
                is_upcoming(c.data.date, c.data.end_date, now).hash(h);
                for slug in c.data.speakers.iter().filter_map(|s| s.actor.as_ref()) {
                    fp.actor_ref(h, slug);
                }
            }
        }
    }

    fn render(&self, r: &Renderer, url: &str) -> Result<Rendered, Vec<Diagnostic>> {
        let site = r.site;
        Ok(match self {
            Events::ForumList => forum_list(site),
            Events::Forum(i) => forum(site, *i, url),
            Events::ConferenceList => conference_list(site),
            Events::Conference(i) => conference(site, *i, url),
            Events::Agenda => agenda_page(site),
            Events::Calendar(which) => Rendered::File(ics::calendar(site, *which).into_bytes()),
        })
    }

    fn owner(&self, site: &Site) -> Owner {
        let calendar = |src| {
            Owner::at(
                OwnerKind::Derived,
                src,
                (0, 0),
                "le fichier iCalendar de la fiche".into(),
            )
        };
        match self {
            Events::ForumList => Owner::generated("la liste des éditions du Forum"),
            Events::ConferenceList => Owner::generated("la liste des conférences"),
            Events::Agenda => Owner::generated("l'agenda"),
            Events::Forum(i) => Owner::record(&site.forums[*i].source),
            Events::Conference(i) => Owner::record(&site.conferences[*i].source),
            Events::Calendar(Calendar::Agenda) => Owner::generated("l'agenda iCalendar"),
            Events::Calendar(Calendar::Forum(i)) => calendar(&site.forums[*i].source),
            Events::Calendar(Calendar::Conference(i)) => calendar(&site.conferences[*i].source),
        }
    }

    fn summary_label(&self) -> &'static str {
        match self {
            Events::Forum(_) => "éditions du Forum",
            Events::Conference(_) => "conférences",
            Events::Calendar(_) => "agendas iCalendar",
            _ => "listes",
        }
    }

    fn record<'a>(&self, site: &'a Site) -> Option<RecordView<'a>> {
        match self {
            Events::Forum(i) => Some(view(Section::Forum, &site.forums[*i])),
            Events::Conference(i) => Some(view(Section::Conferences, &site.conferences[*i])),
            _ => None,
        }
    }

    fn in_sitemap(&self) -> bool {
        !matches!(self, Events::Calendar(_))
    }
}

/// The end date of an event, when it ends on another day than it starts.
fn other_day(start: Option<Date>, end: Option<Date>) -> Option<String> {
    end.filter(|e| start.is_none_or(|s| s.date() != e.date()))
        .map(|e| e.iso())
}

fn forum_card(site: &Site, i: usize) -> Card {
    let f = &site.forums[i];
    let mut card = card(site, Section::Forum, f);
    card.end_date = other_day(f.data.date, f.data.end_date);
    card = card.with_kind(Some(site.config.forum.0.clone()));
    card.venue = f.data.venue.as_deref().map(french::typography);
    card
}

fn conference_card(site: &Site, i: usize) -> Card {
    let c = &site.conferences[i];
    let mut card = card(site, Section::Conferences, c);
    card.end_date = other_day(c.data.date, c.data.end_date);
    card = card.with_kind(Some(
        site.config.label_one(Section::Conferences).to_string(),
    ));
    card.venue = c.data.venue.as_deref().map(french::typography);
    card.labels = c
        .data
        .domains
        .iter()
        .map(|d| site.domain_label(d).to_string())
        .collect();
    card
}

/// Every event (Forum editions and conferences) in time order, with whether it is upcoming.
pub fn agenda(site: &Site) -> Vec<(bool, Card)> {
    let now = site.options.now;
    let mut all: Vec<(Option<Date>, bool, Card)> = Vec::new();
    for (i, f) in site.forums.iter().enumerate() {
        let up = is_upcoming(f.data.date, f.data.end_date, now);
        all.push((f.data.date, up, forum_card(site, i)));
    }
    for (i, c) in site.conferences.iter().enumerate() {
        let up = is_upcoming(c.data.date, c.data.end_date, now);
        all.push((c.data.date, up, conference_card(site, i)));
    }
    all.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.url.cmp(&b.2.url)));
    all.into_iter().map(|(_, up, card)| (up, card)).collect()
}

fn forum_list(site: &Site) -> Rendered {
    let cards: Vec<Card> = (0..site.forums.len())
        .map(|i| forum_card(site, i))
        .collect();
    let context = ForumList {
        title: french::typography(&format!("Le {}", site.config.forum.0)),
        intro: french::typography("Chaque année, le Forum réunit les acteurs de l’économie sociale et solidaire du territoire : salon, ateliers, conférences, tables rondes et pitchs."),
        total: cards.len(),
        count: french::count(cards.len(), ["édition", "éditions"]),
        cards,
        feed: Section::Forum.feed_url(),
    };
    Rendered::page("list.html", &context, Vec::new())
}

fn forum(site: &Site, i: usize, url: &str) -> Rendered {
    let f = &site.forums[i];
    let d = &f.data;
    let mut links = Vec::new();
    let day = d.date.map(|x| x.date()).unwrap_or_default();
    let mut program: Vec<(chrono::NaiveDateTime, usize, ProgramView)> = d
        .program
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let start = item.start.on(day);
            let at = |t: chrono::NaiveDateTime| {
                Date {
                    at: t,
                    has_time: true,
                }
                .iso()
            };
            let v = ProgramView {
                start: at(start),
                end: item.end.map(|e| at(e.on(day))),
                kind: site
                    .theme
                    .label("program_kinds", item.kind.slug())
                    .to_string(),
                kind_slug: item.kind.slug(),
                title: french::typography(&item.title),
                room: item.room.as_deref().map(french::typography),
                speakers: speakers(site, &item.speakers),
                actors: actor_links(site, &item.actors),
            };
            (start, n, v)
        })
        .collect();
    program.sort_by_key(|p| (p.0, p.1));
    let multi_day = program
        .first()
        .zip(program.last())
        .is_some_and(|(a, b)| a.0.date() != b.0.date());
    let context = ForumPage {
        title: french::typography(&d.title),
        summary: summary(d.common()),
        content: body(site, &f.source, &mut links, d.image.is_none()),
        cover: cover(site, d.image.as_ref(), true),
        og_image: d.image.as_ref().and_then(|i| og_image(site, &i.src)),
        event: d,
        upcoming: is_upcoming(d.date, d.end_date, site.options.now),
        program: program.into_iter().map(|(_, _, v)| v).collect(),
        multi_day,
        exhibitors: actor_links(site, &d.exhibitors),
        partners: actor_links(site, &d.partners),
        jsonld: json_ld(&forum_ld(site, d, url)),
    };
    Rendered::page("forum.html", &context, links)
}

/// Splits `cards` into upcoming (in time order) and past (newest first).
fn split(cards: impl Iterator<Item = (bool, Card)>) -> (Vec<Card>, Vec<Card>) {
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for (up, card) in cards {
        if up {
            upcoming.push(card);
        } else {
            past.push(card);
        }
    }
    past.reverse();
    (upcoming, past)
}

fn conference_list(site: &Site) -> Rendered {
    let now = site.options.now;
    let (upcoming, past) = split(site.conferences.iter().enumerate().map(|(i, c)| {
        let up = is_upcoming(c.data.date, c.data.end_date, now);
        (up, conference_card(site, i))
    }));
    let series = site.config.conferences.as_ref();
    let context = SplitAtNow {
        title: french::typography(&format!("Les {}", site.config.label(Section::Conferences))),
        intro: series
            .and_then(|s| s.intro.as_deref())
            .map(french::typography)
            .unwrap_or_default(),
        upcoming,
        past,
        past_heading: "Passées",
        no_past: "Aucune conférence passée.",
        feed: Some(Section::Conferences.feed_url()),
    };
    Rendered::page("events.html", &context, Vec::new())
}

fn agenda_page(site: &Site) -> Rendered {
    let (upcoming, past) = split(agenda(site).into_iter());
    let context = SplitAtNow {
        title: "Agenda".into(),
        intro: french::typography(&match site.has_conferences() {
            true => format!(
                "Tous les rendez-vous de l’ESS : le {}, chaque année, et les {}.",
                site.config.forum.0,
                site.config.label(Section::Conferences)
            ),
            false => format!(
                "Tous les rendez-vous de l’ESS : le {}, chaque année.",
                site.config.forum.0
            ),
        }),
        upcoming,
        past,
        past_heading: "Passés",
        no_past: "Aucun rendez-vous passé.",
        feed: None,
    };
    Rendered::page("events.html", &context, Vec::new())
}

fn conference(site: &Site, i: usize, url: &str) -> Rendered {
    let c = &site.conferences[i];
    let d = &c.data;
    let mut links = Vec::new();
    let ld = event_ld(site, d.common(), url, d.end_date, d.venue.as_deref());
    let context = ConferencePage {
        title: french::typography(&d.title),
        summary: summary(d.common()),
        content: body(site, &c.source, &mut links, d.image.is_none()),
        cover: cover(site, d.image.as_ref(), true),
        og_image: d.image.as_ref().and_then(|i| og_image(site, &i.src)),
        event: d,
        upcoming: is_upcoming(d.date, d.end_date, site.options.now),
        speakers: speakers(site, &d.speakers),
        jsonld: json_ld(&ld),
        domains: domain_links(site, &d.domains),
    };
    Rendered::page("conference.html", &context, links)
}

/// A Forum edition as an Event, its programme items as its sub-events.
fn forum_ld(site: &Site, d: &ForumEdition, url: &str) -> Value {
    let mut ld = event_ld(site, d.common(), url, d.end_date, d.venue.as_deref());
    if let Some(day) = d.date.map(|x| x.date()) {
        let mut program: Vec<&ProgramItem> = d.program.iter().collect();
        program.sort_by_key(|item| item.start.on(day));
        let at = |t: ProgramTime| {
            iso_paris(Date {
                at: t.on(day),
                has_time: true,
            })
        };
        let items: Vec<Value> = program
            .into_iter()
            .map(|item| {
                let place = d.venue.as_deref().map(|v| {
                    let name = item.room.as_deref().map_or_else(|| v.to_string(), |r| format!("{r}, {v}"));
                    json!({"@type": "Place", "name": name, "address": v})
                });
                json!({
                    "@type": "Event",
                    "name": item.title,
                    "startDate": at(item.start),
                    "endDate": item.end.map(at),
                    "eventStatus": "https://schema.org/EventScheduled",
                    "location": place,
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
