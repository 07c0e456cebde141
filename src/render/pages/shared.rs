//! What many families show: cards of records, links to actors, pagers, term links, body
//! HTML, structured data.

use crate::model::url;
use crate::model::{Common, CommonRef, Date, Entry, Section, Speaker, Taxonomy, Term};
use crate::render::renderer::scheduled_label;
use crate::render::site::Site;
pub use crate::render::templates::Link;
use crate::text::french;
use crate::text::markdown;
use serde::Serialize;
use serde_json::{json, Value};

/// A record in a list: what a card shows.
#[derive(Serialize)]
pub struct Card {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub date: Option<String>,
    pub end_date: Option<String>,
    /// A short label above the title (legal form, kind of record).
    pub kind: Option<String>,
    /// Labels shown under the summary (domains, category).
    pub labels: Vec<String>,
    pub closed: bool,
    pub venue: Option<String>,
    /// The record's picture (an actor's logo), as HTML: decorative beside its title.
    pub picture: Option<String>,
    /// Whether the picture is a logo (shown small), not a photo.
    pub logo: bool,
    /// « programmé le … » for a record shown before its date (a preview's).
    pub scheduled: Option<String>,
    /// Whether the record is a draft (shown by a preview, or `build --drafts`).
    pub draft: bool,
    /// An actor's initials, shown where a logo would be when it has none (decorative).
    pub initials: Option<String>,
}

/// A record's summary as plain text, if it has one.
pub fn summary(c: CommonRef) -> Option<String> {
    c.summary.map(markdown::plain).filter(|s| !s.is_empty())
}

/// The card of a record: title, URL, summary, date, picture.
pub fn card<T: Common>(site: &Site, section: Section, e: &Entry<T>) -> Card {
    let c = e.data.common();
    Card {
        picture: c.image.map(|i| {
            super::pictures::picture(site, &i.src, "", super::pictures::Place::Card, false)
        }),
        logo: false,
        scheduled: site
            .scheduled_pages
            .get(&section.url(&e.slug))
            .map(|d| scheduled_label(*d)),
        title: french::typography(c.title),
        url: section.url(&e.slug),
        summary: summary(c),
        date: c.date.map(|d| d.iso()),
        end_date: None,
        kind: None,
        labels: Vec::new(),
        closed: false,
        venue: None,
        draft: c.draft,
        initials: None,
    }
}

/// The initials of a name, for a card without a logo: the first letters of its first two
/// words that are not articles or small words (« AMAP de Sceaux » → « AS »).
pub fn initials(name: &str) -> String {
    const SMALL: [&str; 14] = [
        "l", "la", "le", "les", "de", "du", "des", "d", "et", "pour", "un", "une", "au", "aux",
    ];
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !SMALL.contains(&w.to_lowercase().as_str()))
        .take(2)
        .filter_map(|w| w.chars().next())
        // Without its accent (« Île » gives « I »), when it has a Latin letter under it.
        .map(|c| {
            let plain = french::slugify(&c.to_string());
            match plain.chars().next() {
                Some(p) if plain.chars().count() == 1 => p,
                _ => c,
            }
        })
        .flat_map(char::to_uppercase)
        .collect()
}

impl Card {
    /// Sets the short label above the title, unless the title already starts with it
    /// (« Up Conférence » above « Up Conférence : se nourrir local » says it twice).
    pub fn with_kind(mut self, kind: Option<String>) -> Self {
        let title = french::sort_key(&self.title);
        self.kind = kind.filter(|k| {
            let k = french::sort_key(k);
            title != k && !title.starts_with(&format!("{k}-"))
        });
        self
    }
}

/// The card of actor `i`: its legal form above, its domains below.
pub fn actor_card(site: &Site, i: usize) -> Card {
    let a = &site.actors[i];
    let mut card = card(site, Section::Actors, a);
    card.date = None;
    if let Some(logo) = &a.data.logo {
        card.picture = Some(super::pictures::picture(
            site,
            logo,
            "",
            super::pictures::Place::Logo,
            false,
        ));
        card.logo = true;
    } else {
        card.initials = Some(initials(&a.data.title)).filter(|i| !i.is_empty());
    }
    card = card.with_kind(
        a.data
            .legal_form
            .map(|f| site.theme.label("legal_forms", f.slug()).to_string()),
    );
    card.labels = a
        .data
        .domains
        .iter()
        .map(|d| site.domain_label(d).to_string())
        .collect();
    card.closed = a.data.closed.is_some();
    card
}

/// The card of resource `i`: its type above, its category below.
pub fn resource_card(site: &Site, i: usize) -> Card {
    let r = &site.resources[i];
    let mut card = card(site, Section::Resources, r);
    card = card.with_kind(r.data.resource_type.clone());
    card.labels = r.data.category.iter().cloned().collect();
    card
}

/// A link to a domain's page, with the domain's icon (a name of the theme's sprite).
#[derive(Serialize)]
pub struct DomainLink {
    pub label: String,
    pub url: String,
    pub icon: &'static str,
}

/// The icon of a domain of action: one for each of the nine domains of the seeds, one for a
/// site's own.
pub fn domain_icon(slug: &str) -> &'static str {
    crate::model::DOMAINS
        .iter()
        .find(|d| **d == slug)
        .copied()
        .unwrap_or("domain")
}

/// The links to the term pages of an actor's (or a conference's) domains.
pub fn domain_links(site: &Site, domains: &[String]) -> Vec<DomainLink> {
    domains
        .iter()
        .map(|s| DomainLink {
            label: site.domain_label(s).to_string(),
            url: Taxonomy::Domain.term_url(s),
            icon: domain_icon(s),
        })
        .collect()
}

/// A link to an actor.
#[derive(Serialize)]
pub struct ActorLink {
    pub title: String,
    pub url: String,
    pub closed: bool,
    /// Its logo, as HTML: decorative beside its name.
    pub logo: Option<String>,
}

/// A link to an actor if this build publishes it.
pub fn actor_link(site: &Site, slug: &str) -> Option<ActorLink> {
    let &i = site.actor_index.get(slug)?;
    let a = &site.actors[i];
    Some(ActorLink {
        title: french::typography(&a.data.title),
        url: Section::Actors.url(&a.slug),
        closed: a.data.closed.is_some(),
        logo: a.data.logo.as_deref().map(|logo| {
            super::pictures::picture(site, logo, "", super::pictures::Place::Thumbnail, false)
        }),
    })
}

/// Links to the published actors of `slugs`, by name, each once.
pub fn actor_links(site: &Site, slugs: &[String]) -> Vec<ActorLink> {
    let mut links: Vec<(String, ActorLink)> = slugs
        .iter()
        .filter_map(|s| actor_link(site, s).map(|l| (crate::text::french::sort_key(&l.title), l)))
        .collect();
    links.sort_by(|a, b| a.0.cmp(&b.0));
    links.dedup_by(|a, b| a.1.url == b.1.url);
    links.into_iter().map(|(_, l)| l).collect()
}

/// A speaker of an event.
#[derive(Serialize)]
pub struct SpeakerView {
    pub name: String,
    pub role: Option<String>,
    pub actor: Option<ActorLink>,
    /// Their photo, as HTML.
    pub photo: Option<String>,
}

pub fn speakers(site: &Site, list: &[Speaker]) -> Vec<SpeakerView> {
    list.iter()
        .map(|s| SpeakerView {
            name: french::typography(&s.name),
            role: s.role.as_deref().map(french::typography),
            actor: s.actor.as_deref().and_then(|a| actor_link(site, a)),
            // Decorative beside the name it illustrates.
            photo: s.photo.as_deref().map(|p| {
                super::pictures::picture(site, p, "", super::pictures::Place::Thumbnail, false)
            }),
        })
        .collect()
}

/// The pager of a list.
#[derive(Serialize)]
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PagerLink>,
}

#[derive(Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// The pager of page `page` of a list at `base`.
pub fn pager(base: &str, page: usize, pages: usize) -> Pager {
    let links = (1..=pages)
        .filter(|n| *n == 1 || *n == pages || n.abs_diff(page) <= 2)
        .map(|n| PagerLink {
            number: n,
            url: url::paged(base, n),
            current: n == page,
        })
        .collect();
    Pager {
        page,
        pages,
        prev: (page > 1).then(|| url::paged(base, page - 1)),
        next: (page < pages).then(|| url::paged(base, page + 1)),
        links,
    }
}

/// The indices of page `page` (1-based) of a list of `len` items.
pub fn page_range(len: usize, page: usize, per: usize) -> std::ops::Range<usize> {
    let start = ((page - 1) * per).min(len);
    start..(start + per).min(len)
}

/// The HTML of a record's body, its images as pictures (the first one fetched first when
/// `first_picture`: nothing above it on the page); its internal links go into `links`.
pub fn body(
    site: &Site,
    e: &crate::model::Source,
    links: &mut Vec<String>,
    first_picture: bool,
) -> String {
    let r = markdown::render_with(&e.body.text(), &site.config.video_hosts);
    links.extend(r.internal_links);
    super::pictures::in_body(site, r.html, first_picture)
}

/// A term of a taxonomy, linked.
#[derive(Serialize)]
pub struct TermLink {
    pub slug: String,
    pub label: String,
    pub count: usize,
    pub url: String,
    /// The icon of a domain (empty for the other taxonomies).
    pub icon: &'static str,
}

/// The terms of a taxonomy, with their counts.
pub fn term_links(site: &Site, t: Taxonomy) -> Vec<TermLink> {
    site.terms(t)
        .map(|term| TermLink {
            url: t.term_url(&term.slug),
            count: term.members.len(),
            icon: if t == Taxonomy::Domain {
                domain_icon(&term.slug)
            } else {
                ""
            },
            slug: term.slug,
            label: term.label,
        })
        .collect()
}

/// Links to the actors' taxonomy pages, for the directory's "browse by" block.
#[derive(Serialize)]
pub struct Browse {
    pub domains: Vec<TermLink>,
    pub legal_forms: Vec<TermLink>,
    pub stages: Vec<TermLink>,
}

pub fn browse(site: &Site) -> Browse {
    Browse {
        domains: term_links(site, Taxonomy::Domain),
        legal_forms: term_links(site, Taxonomy::LegalForm),
        stages: term_links(site, Taxonomy::Stage),
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
pub fn iso_paris(d: Date) -> String {
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

/// The commune as the publisher or organiser of a record, in structured data.
pub fn town_ld(site: &Site) -> Value {
    json!({"@type": "GovernmentOrganization", "name": format!("Ville de {}", site.config.commune)})
}

/// A "Ville de …" event in structured data.
pub fn event_ld(
    site: &Site,
    c: CommonRef,
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
        "organizer": town_ld(site),
    })
}

/// A page of a section's paginated list (`list.html`): the directory, the magazine, the
/// resources. `extra` holds what one list shows more (the directory's filters…).
#[derive(Serialize)]
struct SectionList<'a, E: Serialize> {
    title: &'a str,
    intro: String,
    cards: Vec<Card>,
    total: usize,
    /// « 14 acteurs »: what the list counts.
    count: String,
    pager: Pager,
    feed: Option<String>,
    #[serde(flatten)]
    extra: E,
}

/// A list of `count` cards at `base` (paginated there), without a feed.
pub fn list_at<E: Serialize>(
    site: &Site,
    title: (&str, String),
    page: (usize, usize, [&str; 2]),
    base: &str,
    card: impl Fn(&Site, usize) -> Card,
    extra: E,
) -> super::family::Rendered {
    list(site, title, page, (base, None), card, extra)
}

fn list<E: Serialize>(
    site: &Site,
    (title, intro): (&str, String),
    (count, page, noun): (usize, usize, [&str; 2]),
    (base, feed): (&str, Option<String>),
    card: impl Fn(&Site, usize) -> Card,
    extra: E,
) -> super::family::Rendered {
    let per = site.config.paginate_by;
    let context = SectionList {
        title,
        intro,
        cards: page_range(count, page, per)
            .map(|i| card(site, i))
            .collect(),
        total: count,
        count: french::count(count, noun),
        pager: pager(base, page, super::family::page_count(count, per)),
        feed,
        extra,
    };
    super::family::Rendered::page("list.html", &context, Vec::new())
}

/// A list of `count` cards at `base` (paginated there), with the feed at `feed`.
pub fn list_with_feed(
    site: &Site,
    title: (&str, String),
    page: (usize, usize, [&str; 2]),
    (base, feed): (&str, &str),
    card: impl Fn(&Site, usize) -> Card,
) -> super::family::Rendered {
    #[derive(Serialize)]
    struct NoIntro {}
    list(
        site,
        title,
        page,
        (base, Some(feed.to_string())),
        card,
        NoIntro {},
    )
}

/// Page `page` of the list of `section`'s `count` records, each shown by `card`.
pub fn section_list<E: Serialize>(
    site: &Site,
    section: Section,
    title: (&str, String),
    page: (usize, usize, [&str; 2]),
    card: impl Fn(&Site, usize) -> Card,
    extra: E,
) -> super::family::Rendered {
    let feed = Some(section.feed_url());
    list(site, title, page, (section.list_url(), feed), card, extra)
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_skip_small_words_and_accents() {
        assert_eq!(initials("AMAP de Sceaux"), "AS");
        assert_eq!(initials("La Banque Postale"), "BP");
        assert_eq!(initials("CRESS Île-de-France"), "CI");
        assert_eq!(initials("L’Atelier"), "A");
        assert_eq!(initials("Moovjee"), "M");
        assert_eq!(initials("1001 Pattes"), "1P");
        assert_eq!(initials(" — "), "");
    }
}
