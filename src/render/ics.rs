//! iCalendar files (RFC 5545, with the `ics` crate): one per Forum edition (the edition and
//! each programme item) and per conference of the commune's series, and `/agenda.ics` with them all. Times are
//! local to Europe/Paris, with its VTIMEZONE; UIDs are stable from build to build.

use crate::model::Section;
use crate::model::{Common, Date};
use crate::render::site::Site;
use crate::text::markdown;
use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use ics::components::{Parameter, Property};
use ics::{escape_text, Daylight, Event, ICalendar, Standard};

const TZID: &str = "Europe/Paris";

/// What a calendar file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Calendar {
    Forum(usize),
    Conference(usize),
    Agenda,
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn with_tz(key: &'static str, t: NaiveDateTime) -> Property<'static> {
    let mut p = Property::new(key, local(t));
    p.add(Parameter::new("TZID", TZID));
    p
}

fn all_day(key: &'static str, d: chrono::NaiveDate) -> Property<'static> {
    let mut p = Property::new(key, d.format("%Y%m%d").to_string());
    p.add(Parameter::new("VALUE", "DATE"));
    p
}

/// The calendar's own host, for UIDs.
fn host(site: &Site) -> String {
    site.config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("ess-site")
        .trim_end_matches('/')
        .to_string()
}

struct Item {
    uid: String,
    start: Date,
    end: Option<Date>,
    title: String,
    location: Option<String>,
    url: String,
    description: Option<String>,
}

fn event(item: Item, stamp: &str) -> Event<'static> {
    let mut e = Event::new(item.uid, stamp.to_string());
    if item.start.has_time {
        e.push(with_tz("DTSTART", item.start.at));
        let end = item.end.map(crate::model::time::end_moment);
        if let Some(end) = end.filter(|e| *e > item.start.at) {
            e.push(with_tz("DTEND", end));
        }
    } else {
        let last = item
            .end
            .map(|d| d.date())
            .unwrap_or(item.start.date())
            .max(item.start.date());
        e.push(all_day("DTSTART", item.start.date()));
        e.push(all_day("DTEND", last + Duration::days(1)));
    }
    e.push(Property::new(
        "SUMMARY",
        escape_text(item.title).into_owned(),
    ));
    if let Some(l) = item.location {
        e.push(Property::new("LOCATION", escape_text(l).into_owned()));
    }
    e.push(Property::new("URL", item.url));
    if let Some(d) = item.description.filter(|d| !d.is_empty()) {
        e.push(Property::new("DESCRIPTION", escape_text(d).into_owned()));
    }
    e
}

fn forum_items(site: &Site, i: usize, out: &mut Vec<Item>) {
    let f = &site.forums[i];
    let Some(date) = f.data.date else { return };
    let host = host(site);
    let url = site.config.absolute(&Section::Forum.url(&f.slug));
    out.push(Item {
        uid: format!("forum-{}@{host}", f.slug),
        start: date,
        end: f.data.end_date,
        title: f.data.title.clone(),
        location: f.data.venue.clone(),
        url: url.clone(),
        description: f.data.common().summary.map(markdown::plain),
    });
    for item in &f.data.program {
        let start = item.start.on(date.date());
        let key = format!(
            "{}-{}",
            start.format("%Y%m%dT%H%M"),
            slug::slugify(&item.title)
        );
        out.push(Item {
            uid: format!("forum-{}-{key}@{host}", f.slug),
            start: Date {
                at: start,
                has_time: true,
            },
            end: item.end.map(|e| Date {
                at: e.on(date.date()),
                has_time: true,
            }),
            title: format!("{} — {}", item.title, f.data.title),
            location: item.room.clone().or_else(|| f.data.venue.clone()),
            url: url.clone(),
            description: Some(
                site.theme
                    .label("program_kinds", crate::model::Term::slug(item.kind))
                    .to_string(),
            ),
        });
    }
}

fn conference_item(site: &Site, i: usize) -> Option<Item> {
    let c = &site.conferences[i];
    Some(Item {
        uid: format!("conference-{}@{}", c.slug, host(site)),
        start: c.data.date?,
        end: c.data.end_date,
        title: c.data.title.clone(),
        location: c.data.venue.clone(),
        url: site.config.absolute(&Section::Conferences.url(&c.slug)),
        description: c.data.common().summary.map(markdown::plain),
    })
}

/// The text of a calendar file.
pub fn calendar(site: &Site, which: Calendar) -> String {
    let mut items = Vec::new();
    let name = match which {
        Calendar::Forum(i) => {
            forum_items(site, i, &mut items);
            site.forums[i].data.title.clone()
        }
        Calendar::Conference(i) => {
            items.extend(conference_item(site, i));
            site.conferences[i].data.title.clone()
        }
        Calendar::Agenda => {
            for i in 0..site.forums.len() {
                forum_items(site, i, &mut items);
            }
            items.extend((0..site.conferences.len()).filter_map(|i| conference_item(site, i)));
            format!("Agenda — {}", site.config.title)
        }
    };
    items.sort_by(|a, b| (a.start, &a.uid).cmp(&(b.start, &b.uid)));
    // DTSTAMP is the build's `now`: the same input gives the same bytes.
    let stamp = Paris
        .from_local_datetime(&site.options.now)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&site.options.now))
        .format("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut cal = ICalendar::new("2.0", format!("-//ess-site//{}//FR", host(site)));
    cal.push(Property::new("CALSCALE", "GREGORIAN"));
    cal.push(Property::new(
        "X-WR-CALNAME",
        escape_text(name).into_owned(),
    ));
    cal.push(Property::new("X-WR-TIMEZONE", TZID));
    let mut summer = Daylight::new("19810329T020000", "+0100", "+0200");
    summer.push(Property::new("RRULE", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"));
    summer.push(Property::new("TZNAME", "CEST"));
    let mut winter = Standard::new("19961027T030000", "+0200", "+0100");
    winter.push(Property::new("RRULE", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"));
    winter.push(Property::new("TZNAME", "CET"));
    let mut tz = ics::TimeZone::daylight(TZID, summer);
    tz.add_standard(winter);
    cal.add_timezone(tz);
    for item in items {
        cal.add_event(event(item, &stamp));
    }
    fold(&cal.to_string())
}

/// Folds content lines at 75 octets, the continuation's leading space included (RFC 5545
/// 3.1), without splitting a UTF-8 character. The `ics` crate's folding lets continuation
/// lines reach 76 octets.
fn fold(text: &str) -> String {
    let unfolded = text.replace("\r\n ", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 70 * 3);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let mut rest = line;
        let mut limit = 75;
        loop {
            if rest.len() <= limit {
                out.push_str(rest);
                break;
            }
            let mut cut = limit;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            rest = &rest[cut..];
            limit = 74;
        }
        out.push_str("\r\n");
    }
    out
}
