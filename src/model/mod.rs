//! The content model of SPEC.md, below every stage: one type per kind of record, as the comms
//! team writes it; the one table of kinds (`kinds`); `site.toml` (`config`); every URL
//! (`url`); the domains of action (`domains`); what `now` means (`time`); the data files' shapes (`data_files`, `letters`); the
//! scaffolds of `ess-site new` and `init` (`scaffold`).
//!
//! Every record type refuses unknown keys, so a typo (`titel:`) is an error, not a silently
//! ignored line. The model reads and writes no file.
//!
//! May import: `yaml`, `text` and `diagnostic` only.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

mod blank;
pub mod config;
pub mod data_files;
mod dates;
pub mod domains;
pub mod hours;
pub mod identifiers;
pub mod kinds;
pub mod letters;
pub mod pictures;
pub mod scaffold;
pub mod time;
pub mod url;

pub use blank::blank_is_none;
use blank::Blankable;
pub use dates::{Date, ProgramTime};
pub use kinds::Section;

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

pub use domains::DOMAINS;

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
            fn take_body(&mut self) -> Option<String> {
                self.body.take()
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
    /// The `body:` of a `.yml` record, taken out (the record's `Source` holds it).
    fn take_body(&mut self) -> Option<String>;
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
        /// Opening hours, in OpenStreetMap's syntax (`Tu-Sa 10:00-19:00; PH off`): see `hours`.
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
        /// The establishment's SIRET (14 digits, spaces allowed between groups).
        #[serde(deserialize_with = "blank_is_none")]
        siret: Option<String>,
        /// For an association without a SIRET: its number at the national register (`W` and
        /// 9 digits).
        #[serde(deserialize_with = "blank_is_none")]
        rna: Option<String>,
        /// When the comms team last checked the record with the actor (else its `updated`,
        /// else its `date`): `check` reports the records not checked for too long.
        #[serde(deserialize_with = "blank_is_none")]
        checked: Option<Date>,
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
    MagazineRecord {
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
    /// The YAML text of the record (front matter, or the whole `.yaml` file), held as its body
    /// is (`yaml.text()` gives it back): read again only to say where a value is written.
    pub yaml: crate::text::packed::Packed,
    /// The line of the file where `yaml` starts (1-based).
    pub yaml_line: usize,
    /// The Markdown body, held compressed (`body.text()` gives it back).
    pub body: crate::text::packed::Packed,
    /// The line of the file where the body starts (1-based).
    pub body_line: usize,
    /// A hash of the YAML text: what lists and links show of the record can only change with it.
    pub front_hash: u64,
    /// A hash of the whole record, YAML and body.
    pub full_hash: u64,
    /// The images of the body, found once when the file is read (`markdown::body_images`).
    pub body_images: Vec<crate::text::markdown::BodyImage>,
    /// Where the body's HTML nests deeper than `html::MAX_DEPTH`, if it does (found once too).
    pub too_deep: Option<usize>,
    /// Whether the body or the YAML holds a passage « [à compléter » (found once too: a check
    /// then reads again only the records that do).
    pub to_fill: bool,
    /// The YAML text read back, with what is known of where its values are (`value_position`),
    /// kept between calls: made at the first (most records never need it; a directory holds a
    /// million of them).
    pub positions: std::sync::OnceLock<std::sync::Arc<std::sync::Mutex<Located>>>,
}

/// A record's YAML text read back to say where its values are written, and what is known of
/// where they are: a record with 40,000 wrong values reads its text back once, not 40,000 times.
#[derive(Debug, Default)]
pub struct Located {
    yaml: String,
    positions: crate::yaml::Positions,
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
    /// `f` of the YAML text: the text `value_position` read back, if it did, else read back
    /// for this call only.
    pub fn with_yaml<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self.positions.get() {
            Some(located) => f(&located.lock().unwrap_or_else(|e| e.into_inner()).yaml),
            None => f(&self.yaml.text()),
        }
    }

    /// The position in the file of a top-level key, or of the start of the YAML if absent.
    pub fn key_position(&self, key: &str) -> (usize, usize) {
        self.in_file(self.with_yaml(|yaml| crate::yaml::key_position(yaml, key)))
    }

    /// A position in the YAML text (`yaml::key_position`) as a position in the file; the start
    /// of the YAML if there is none.
    pub fn in_file(&self, found: Option<(usize, usize)>) -> (usize, usize) {
        match found {
            Some((l, c)) => (l + self.yaml_line - 1, c),
            None => (self.yaml_line.saturating_sub(1).max(1), 1),
        }
    }

    /// The position in the file of `value` under a top-level key, else of the key.
    pub fn value_position(&self, key: &str, value: &str) -> (usize, usize) {
        let located = self.positions.get_or_init(|| {
            std::sync::Arc::new(std::sync::Mutex::new(Located {
                yaml: self.yaml.text().into_owned(),
                positions: Default::default(),
            }))
        });
        let found = {
            let mut located = located.lock().unwrap_or_else(|e| e.into_inner());
            let Located { yaml, positions } = &mut *located;
            positions.value(yaml, key, value)
        };
        match found {
            Some(at) => self.in_file(Some(at)),
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
    /// What its title sorts by (`french::sort_key`), made once when the file is read.
    pub sort_key: String,
}
// A cover (`image:`) whose file is blank is no cover: `image: {src: "", alt: ""}`.
impl Blankable<'_> for Cover {
    const TEXT: bool = false;
    fn is_blank(&self) -> bool {
        self.src.trim().is_empty()
    }
}

impl Blankable<'_> for LegalForm {
    const TEXT: bool = true;
}
