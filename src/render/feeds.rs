//! Machine-readable outputs: RSS 2.0 feeds (with the `rss` crate), `sitemap.xml`, `robots.txt`.

use crate::model::Section;
use crate::model::{Common, CommonRef, Entry};
use crate::render::site::Site;
use crate::text::markdown;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Europe::Paris;
use rss::extension::atom::{AtomExtension, Link};
use rss::{ChannelBuilder, GuidBuilder, ItemBuilder};

/// A site-wide or per-section RSS feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feed {
    All,
    Section(Section),
}

impl Feed {
    pub fn url(self) -> String {
        match self {
            Feed::All => crate::model::url::FEED.into(),
            Feed::Section(s) => s.feed_url(),
        }
    }
}

/// One item of a feed, before it is written.
pub struct FeedItem {
    pub published: NaiveDateTime,
    pub title: String,
    /// Its absolute URL.
    pub url: String,
    pub description: Option<String>,
    pub category: String,
}

fn items_of<T: Common>(
    site: &Site,
    section: Section,
    entries: &[std::sync::Arc<Entry<T>>],
    category: &str,
    out: &mut Vec<FeedItem>,
) {
    for e in entries {
        let c: CommonRef = e.data.common();
        let Some(date) = c.updated.or(c.date) else {
            continue;
        };
        // An event is announced before it happens: its item is dated no later than the build.
        let published = date.at.min(site.options.now);
        out.push(FeedItem {
            published,
            title: c.title.to_string(),
            url: site.config.absolute(&section.url(&e.slug)),
            description: c.summary.map(markdown::plain),
            category: category.to_string(),
        });
    }
}

/// RFC 822 date of a local (Europe/Paris) time, as RSS 2.0 wants.
pub fn rfc822(t: NaiveDateTime) -> String {
    match Paris.from_local_datetime(&t).earliest() {
        Some(local) => local.to_rfc2822(),
        None => chrono::Utc.from_utc_datetime(&t).to_rfc2822(),
    }
}

/// The RSS 2.0 feed of what is new, site-wide or for one section.
pub fn rss(site: &Site, feed: Feed) -> String {
    let items = feed_items(site, feed);
    let (title, page) = match feed {
        Feed::All => (
            site.config.title.clone(),
            crate::model::url::HOME.to_string(),
        ),
        Feed::Section(s) => {
            let name = site.config.label(s);
            (
                format!("{} — {name}", site.config.title),
                s.list_url().to_string(),
            )
        }
    };
    channel(site, title, &page, &feed.url(), &items)
}

/// An RSS 2.0 channel of `items` (newest first), titled `title`, for the page at site URL
/// `page`, found at site URL `at`.
pub fn channel(site: &Site, title: String, page: &str, at: &str, items: &[FeedItem]) -> String {
    let self_link = Link {
        href: site.config.absolute(at),
        rel: "self".into(),
        mime_type: Some("application/rss+xml".into()),
        ..Link::default()
    };
    let rss_items: Vec<rss::Item> = items.iter().map(rss_item).collect();
    let description = if site.config.description.is_empty() {
        format!("L’économie sociale et solidaire à {}", site.config.commune)
    } else {
        site.config.description.clone()
    };
    let channel = ChannelBuilder::default()
        .title(title)
        .link(site.config.absolute(page))
        .description(description)
        .language(Some(site.config.language.clone()))
        .last_build_date(items.first().map(|i| rfc822(i.published)))
        .namespaces(
            [(
                "atom".to_string(),
                rss::extension::atom::NAMESPACE.to_string(),
            )]
            .into_iter()
            .collect::<std::collections::BTreeMap<String, String>>(),
        )
        .atom_ext(Some(AtomExtension {
            links: vec![self_link],
        }))
        .items(rss_items)
        .build();
    let mut out = channel.to_string();
    if !out.starts_with("<?xml") {
        out.insert_str(0, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    }
    out
}

/// The newest records of the feed, newest first, at most `feed_limit`.
fn feed_items(site: &Site, feed: Feed) -> Vec<FeedItem> {
    let mut items = Vec::new();
    let want = |s: Section| feed == Feed::All || feed == Feed::Section(s);
    for s in Section::ALL.into_iter().filter(|s| want(*s)) {
        let items = &mut items;
        match s {
            Section::Actors => items_of(site, s, &site.actors, "Acteurs", items),
            Section::Forum => items_of(site, s, &site.forums, "Forum", items),
            Section::Conferences => {
                let name = site.config.label(s);
                items_of(site, s, &site.conferences, name, items)
            }
            Section::Magazine => items_of(site, s, &site.dossiers, "Magazine", items),
            Section::Resources => items_of(site, s, &site.resources, "Ressources", items),
            // Plain pages are not news.
            Section::Pages => {}
        }
    }
    items.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then_with(|| a.url.cmp(&b.url))
    });
    items.truncate(site.config.feed_limit);
    items
}

/// One item of a feed, as RSS writes it.
fn rss_item(i: &FeedItem) -> rss::Item {
    ItemBuilder::default()
        .title(Some(i.title.clone()))
        .link(Some(i.url.clone()))
        .guid(Some(
            GuidBuilder::default()
                .value(i.url.clone())
                .permalink(true)
                .build(),
        ))
        .pub_date(Some(rfc822(i.published)))
        .description(i.description.clone())
        .categories(vec![rss::CategoryBuilder::default()
            .name(i.category.clone())
            .build()])
        .build()
}

/// Escapes text for XML.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `robots.txt`: everything open, with the sitemap; a members' build asks robots to stay out.
pub fn robots(site: &Site) -> String {
    if site.options.include_private {
        return "User-agent: *\nDisallow: /\n".into();
    }
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.config.absolute(crate::model::url::SITEMAP)
    )
}
