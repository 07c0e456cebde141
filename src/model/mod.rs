//! The content model of SPEC.md: one type per kind of record, as the comms team writes it.
//!
//! Every record type refuses unknown keys, so a typo (`titel:`) is an error, not a silently
//! ignored line.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::path::PathBuf;

mod blank;
mod pictures;
pub use blank::blank_is_none;
pub use pictures::Pictures;

/// The folders of `content/`, each holding one kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Actors,
    Forum,
    Conferences,
    Magazine,
    Resources,
    Pages,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Actors,
        Section::Forum,
        Section::Conferences,
        Section::Magazine,
        Section::Resources,
        Section::Pages,
    ];

    /// The folder under `content/`, which is also the URL prefix (but for plain pages).
    pub fn folder(self) -> &'static str {
        match self {
            Section::Actors => "acteurs",
            Section::Forum => "forum",
            Section::Conferences => "conferences",
            Section::Magazine => "magazine",
            Section::Resources => "ressources",
            Section::Pages => "pages",
        }
    }

    /// Whether `date` is required (everything but actors and pages).
    pub fn requires_date(self) -> bool {
        !matches!(self, Section::Actors | Section::Pages)
    }

    /// Whether records of this section are events, dated in the future on purpose.
    pub fn is_event(self) -> bool {
        matches!(self, Section::Forum | Section::Conferences)
    }
}

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
    pub const ALL: [Taxonomy; 5] = [
        Taxonomy::Domain,
        Taxonomy::LegalForm,
        Taxonomy::Stage,
        Taxonomy::ResourceCategory,
        Taxonomy::ResourceType,
    ];

    /// Whether its members are resources (else actors).
    pub fn of_resources(self) -> bool {
        matches!(self, Taxonomy::ResourceCategory | Taxonomy::ResourceType)
    }
}

/// A date, or a date and time, as written in front matter (`2016-11-19`, `2016-11-19T14:00`).
/// Times are local to the site (Europe/Paris).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub at: NaiveDateTime,
    /// Whether a time of day was given (`false` for a plain date).
    pub has_time: bool,
}

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            if s.len() == 10 {
                return Ok(Date {
                    at: d.and_time(NaiveTime::MIN),
                    has_time: false,
                });
            }
        }
        for fmt in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(at) = NaiveDateTime::parse_from_str(s, fmt) {
                return Ok(Date { at, has_time: true });
            }
        }
        // Tell a date that does not exist (2016-02-30) apart from one badly written.
        let digits: Vec<&str> = s.get(..10).unwrap_or(s).split('-').collect();
        if digits.len() == 3
            && digits
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(format!("la date « {s} » n'existe pas"));
        }
        Err(format!(
            "date invalide « {s} » : écrivez AAAA-MM-JJ, ou AAAA-MM-JJTHH:MM pour une heure"
        ))
    }

    pub fn date(&self) -> NaiveDate {
        self.at.date()
    }

    /// ISO 8601: `2016-11-19` or `2016-11-19T14:00:00`.
    pub fn iso(&self) -> String {
        if self.has_time {
            self.at.format("%Y-%m-%dT%H:%M:%S").to_string()
        } else {
            self.at.format("%Y-%m-%d").to_string()
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date (AAAA-MM-JJ)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

/// A time of a Forum programme item: `10:00`, `10h`, `10h30`, `24:00` (the end of the day,
/// as ISO 8601 allows), or a full date and time for an edition over several days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProgramTime {
    Clock(NaiveTime),
    At(Date),
    /// `24:00`: midnight at the end of the edition's day.
    EndOfDay,
}

impl ProgramTime {
    fn parse(s: &str) -> Result<ProgramTime, String> {
        let t = s.trim();
        let clock = t.replace(['h', 'H'], ":");
        let clock = if clock.ends_with(':') {
            format!("{clock}00")
        } else {
            clock
        };
        if let Ok(c) = NaiveTime::parse_from_str(&clock, "%H:%M") {
            return Ok(ProgramTime::Clock(c));
        }
        if clock == "24:00" {
            return Ok(ProgramTime::EndOfDay);
        }
        match Date::parse(t) {
            Ok(d) if d.has_time => Ok(ProgramTime::At(d)),
            _ => Err(format!(
                "heure invalide « {t} » : écrivez HH:MM (par exemple 14:30)"
            )),
        }
    }

    /// The moment on the edition's day `day`.
    pub fn on(&self, day: NaiveDate) -> NaiveDateTime {
        match self {
            ProgramTime::Clock(c) => day.and_time(*c),
            ProgramTime::At(d) => d.at,
            ProgramTime::EndOfDay => day.succ_opt().map_or_else(
                || day.and_time(NaiveTime::MIN),
                |next| next.and_time(NaiveTime::MIN),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for ProgramTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ProgramTime;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time (HH:MM)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ProgramTime, E> {
                ProgramTime::parse(s).map_err(E::custom)
            }
            // `start: 10:00` unquoted is sexagesimal in YAML 1.1 but a string in 1.2; an
            // integer here means the editor wrote `start: 10`.
            fn visit_u64<E: de::Error>(self, h: u64) -> Result<ProgramTime, E> {
                ProgramTime::parse(&format!("{h}:00")).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// The legal forms of SPEC.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalForm {
    Association,
    Cooperative,
    Scop,
    Scic,
    Mutuelle,
    Fondation,
    EntrepriseEsus,
    Collectivite,
    Autre,
}

/// What an actor offers project holders, in the order of the *porteur de projet* path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Informer,
    Sensibiliser,
    Former,
    Conseiller,
    Accompagner,
    Financer,
}

/// The kind of a Forum programme item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProgramKind {
    Salon,
    Atelier,
    Conference,
    TableRonde,
    Pitch,
}

/// The kind of a magazine record.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum MagazineKind {
    #[default]
    Dossier,
    Edito,
    Article,
}

/// A closed list of values written in front matter, each with the slug used in URLs.
pub trait Term: Copy + Ord + 'static {
    const ALL: &'static [Self];
    fn slug(self) -> &'static str;
}

macro_rules! terms {
    ($ty:ty, [$($v:ident => $s:literal),* $(,)?]) => {
        impl Term for $ty {
            const ALL: &'static [Self] = &[$(<$ty>::$v),*];
            fn slug(self) -> &'static str {
                match self { $(<$ty>::$v => $s),* }
            }
        }
    };
}

terms!(LegalForm, [Association => "association", Cooperative => "cooperative", Scop => "scop", Scic => "scic",
    Mutuelle => "mutuelle", Fondation => "fondation", EntrepriseEsus => "entreprise-esus",
    Collectivite => "collectivite", Autre => "autre"]);
terms!(Stage, [Informer => "informer", Sensibiliser => "sensibiliser", Former => "former",
    Conseiller => "conseiller", Accompagner => "accompagner", Financer => "financer"]);
terms!(ProgramKind, [Salon => "salon", Atelier => "atelier", Conference => "conference",
    TableRonde => "table-ronde", Pitch => "pitch"]);
terms!(MagazineKind, [Dossier => "dossier", Edito => "edito", Article => "article"]);

/// The nine action domains of the seeds; a site may add its own in `site.toml`.
pub const DOMAINS: &[&str] = &[
    "entrepreneuriat-social",
    "participation-citoyenne",
    "agriculture",
    "jeunesse",
    "sport",
    "education-formation",
    "sante",
    "habitat",
    "mobilite",
];

/// A geographic position (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Geo {
    pub lat: f64,
    pub lon: f64,
}

/// A speaker of a conference or programme item: `{name, role, actor}`, or just a name.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Speaker {
    pub name: String,
    pub role: Option<String>,
    /// The slug of the actor the speaker represents, if any.
    pub actor: Option<String>,
    /// Their photo (a site path or an address).
    pub photo: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpeakerFields {
    name: String,
    #[serde(default, deserialize_with = "blank_is_none")]
    role: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    actor: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    photo: Option<String>,
}

impl<'de> Deserialize<'de> for Speaker {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Speaker;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or {name, role, actor}")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Speaker, E> {
                Ok(Speaker {
                    name: s.to_string(),
                    ..Speaker::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Speaker, A::Error> {
                let f = SpeakerFields::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Speaker {
                    name: f.name,
                    role: f.role,
                    actor: f.actor,
                    photo: f.photo,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// One item of a Forum edition's programme.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramItem {
    pub start: ProgramTime,
    #[serde(default, deserialize_with = "blank_is_none")]
    pub end: Option<ProgramTime>,
    pub kind: ProgramKind,
    pub title: String,
    #[serde(default)]
    pub speakers: Vec<Speaker>,
    #[serde(default, deserialize_with = "blank_is_none")]
    pub room: Option<String>,
    /// Actors taking part in this item (slugs).
    #[serde(default)]
    pub actors: Vec<String>,
}

impl Serialize for ProgramTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ProgramTime::Clock(c) => s.serialize_str(&c.format("%H:%M").to_string()),
            ProgramTime::At(d) => d.serialize(s),
            ProgramTime::EndOfDay => s.serialize_str("24:00"),
        }
    }
}

/// Defines a record type with the fields common to every record, then its own.
macro_rules! record {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub title: String,
            #[serde(default, deserialize_with = "blank_is_none")]
            pub date: Option<Date>,
            #[serde(default, deserialize_with = "blank_is_none")]
            pub updated: Option<Date>,
            #[serde(default, deserialize_with = "blank_is_none")]
            pub summary: Option<String>,
            #[serde(default)]
            pub draft: bool,
            #[serde(default)]
            pub tags: Vec<String>,
            #[serde(default, deserialize_with = "blank_is_none")]
            pub slug: Option<String>,
            #[serde(default)]
            pub aliases: Vec<String>,
            /// The record's picture (`image: {src, alt, credit}`), shown on its page and cards.
            #[serde(default, deserialize_with = "blank_is_none")]
            pub image: Option<Cover>,
            /// An example record (as `init` writes them), to be replaced: published, it is
            /// warned about.
            #[serde(default, skip_serializing)]
            pub example: bool,
            /// The Markdown body, for `.yaml` records (Markdown files carry it after the front matter).
            #[serde(default, skip_serializing)]
            pub body: Option<String>,
            $($(#[$fdoc])* #[serde(default)] pub $field: $ty,)*
        }

        impl Common for $name {
            fn common(&self) -> CommonRef<'_> {
                CommonRef {
                    title: &self.title,
                    date: self.date,
                    updated: self.updated,
                    summary: self.summary.as_deref(),
                    draft: self.draft,
                    slug: self.slug.as_deref(),
                    aliases: &self.aliases,
                    image: self.image.as_ref(),
                    body: self.body.as_deref(),
                    example: self.example,
                }
            }
        }
    };
}

/// The fields every record has, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct CommonRef<'a> {
    pub title: &'a str,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub summary: Option<&'a str>,
    pub draft: bool,
    pub slug: Option<&'a str>,
    pub aliases: &'a [String],
    pub image: Option<&'a Cover>,
    pub body: Option<&'a str>,
    pub example: bool,
}

/// A record's picture: a site path (`/images/forum-2016.jpg`, from `static/`) or an address,
/// its alternative text and its credit.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    pub src: String,
    #[serde(default, deserialize_with = "blank_is_none")]
    pub alt: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    pub credit: Option<String>,
}

/// Access to the fields every record has.
pub trait Common {
    fn common(&self) -> CommonRef<'_>;
}

record!(
    /// An ESS actor of the territory (`content/acteurs/`).
    Actor {
        #[serde(deserialize_with = "blank_is_none")]
        legal_form: Option<LegalForm>,
        domains: Vec<String>,
        stages: Vec<Stage>,
        #[serde(deserialize_with = "blank_is_none")]
        address: Option<String>,
        geo: Option<Geo>,
        #[serde(deserialize_with = "blank_is_none")]
        website: Option<String>,
        #[serde(deserialize_with = "blank_is_none")]
        email: Option<String>,
        #[serde(deserialize_with = "blank_is_none")]
        phone: Option<String>,
        /// Opening hours, as written (« du mardi au samedi, de 10 h à 19 h »).
        #[serde(deserialize_with = "blank_is_none")]
        hours: Option<String>,
        #[serde(deserialize_with = "blank_is_none")]
        logo: Option<String>,
        #[serde(deserialize_with = "blank_is_none")]
        since: Option<i32>,
        /// When the actor closed; it stays listed, marked closed.
        #[serde(deserialize_with = "blank_is_none")]
        closed: Option<Date>,
        /// Signed the territory's partnership charter.
        partner_charter: bool,
    }
);

record!(
    /// One edition of the annual ESS Forum (`content/forum/`).
    ForumEdition {
        #[serde(deserialize_with = "blank_is_none")]
        end_date: Option<Date>,
        #[serde(deserialize_with = "blank_is_none")]
        venue: Option<String>,
        partners: Vec<String>,
        exhibitors: Vec<String>,
        program: Vec<ProgramItem>,
        #[serde(deserialize_with = "blank_is_none")]
        registration_url: Option<String>,
    }
);

record!(
    /// An Up Conférence (`content/conferences/`).
    Conference {
        #[serde(deserialize_with = "blank_is_none")]
        end_date: Option<Date>,
        #[serde(deserialize_with = "blank_is_none")]
        venue: Option<String>,
        speakers: Vec<Speaker>,
        domains: Vec<String>,
        #[serde(deserialize_with = "blank_is_none")]
        registration_url: Option<String>,
        #[serde(deserialize_with = "blank_is_none")]
        replay_url: Option<String>,
        #[serde(deserialize_with = "blank_is_none")]
        slides_url: Option<String>,
    }
);

record!(
    /// A magazine dossier, editorial or article (`content/magazine/`).
    Dossier {
        #[serde(deserialize_with = "blank_is_none")]
        issue: Option<u32>,
        kind: MagazineKind,
        #[serde(deserialize_with = "blank_is_none")]
        pdf_url: Option<String>,
        /// The actors it mentions (slugs).
        actors: Vec<String>,
    }
);

record!(
    /// A resource: guide, study, replay, press release… (`content/ressources/`).
    Resource {
        #[serde(deserialize_with = "blank_is_none")]
        category: Option<String>,
        #[serde(deserialize_with = "blank_is_none")]
        resource_type: Option<String>,
        /// Private resources are published only by `--include-private` builds.
        private: bool,
        #[serde(deserialize_with = "blank_is_none")]
        file_url: Option<String>,
        #[serde(deserialize_with = "blank_is_none")]
        url: Option<String>,
    }
);

record!(
    /// A plain page: à propos, accessibilité, mentions légales (`content/pages/`).
    Page {
        /// Position in the main menu; absent means not in the menu.
        #[serde(deserialize_with = "blank_is_none")]
        menu: Option<u32>,
    }
);

record!(
    /// The home page text (`content/_index.md`).
    Home {}
);

/// Where a record came from, and its Markdown body.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file, relative to the site's folder (`content/acteurs/up-sceaux.md`).
    pub path: PathBuf,
    /// The YAML text of the record (front matter, or the whole `.yaml` file).
    pub yaml: String,
    /// The line of the file where `yaml` starts (1-based).
    pub yaml_line: usize,
    /// The Markdown body.
    pub body: String,
    /// The line of the file where the body starts (1-based).
    pub body_line: usize,
    /// A hash of the YAML text: what lists and links show of the record can only change with it.
    pub front_hash: u64,
    /// A hash of the whole record, YAML and body.
    pub full_hash: u64,
}

/// A stable hash of some text (the same in every run), for change detection.
pub fn text_hash(parts: &[&str]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

impl Source {
    /// The position in the file of a top-level key, or of the start of the YAML if absent.
    pub fn key_position(&self, key: &str) -> (usize, usize) {
        match crate::yaml::key_position(&self.yaml, key) {
            Some((l, c)) => (l + self.yaml_line - 1, c),
            None => (self.yaml_line.saturating_sub(1).max(1), 1),
        }
    }

    /// The position in the file of `value` under a top-level key, else of the key.
    pub fn value_position(&self, key: &str, value: &str) -> (usize, usize) {
        match crate::yaml::value_position(&self.yaml, key, value) {
            Some((l, c)) => (l + self.yaml_line - 1, c),
            None => self.key_position(key),
        }
    }
}

/// A loaded record: what the file says, and where it came from.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    pub data: T,
    pub source: Source,
    /// The record's slug: `slug:` or the file name.
    pub slug: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_programme_item_may_end_at_24_00_the_end_of_its_day() {
        let day = NaiveDate::from_ymd_opt(2016, 11, 19).unwrap();
        for written in ["24:00", "24h", "24h00", "24H"] {
            let t = ProgramTime::parse(written).unwrap();
            assert_eq!(t, ProgramTime::EndOfDay, "{written}");
            let next = NaiveDate::from_ymd_opt(2016, 11, 20).unwrap();
            assert_eq!(t.on(day), next.and_time(NaiveTime::MIN));
            assert!(t.on(day) > ProgramTime::parse("23:00").unwrap().on(day));
        }
        assert!(ProgramTime::parse("24:30").is_err());
        assert!(ProgramTime::parse("25h").is_err());
        assert_eq!(crate::french::time(day.and_time(NaiveTime::MIN)), "minuit");
    }
}
