//! The published site: the records a build may show (drafts, private records and future-dated
//! records left out as SPEC.md says), sorted once, with the links between them resolved.

use crate::load::theme::Theme;
use crate::load::{Content, Loaded};
use crate::model::config::Config;
use crate::model::pictures::Pictures;
use crate::model::Section;
use crate::model::{
    Actor, Common, Conference, Entry, ForumEdition, Home, MagazineRecord, Page, Resource, Stage,
    Term,
};
use chrono::NaiveDateTime;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// What a build is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The moment of the build, local time (Europe/Paris): decides what is upcoming or past
    /// and which future-dated records are published. An input, so builds are reproducible.
    pub now: NaiveDateTime,
    /// Show drafts (never private records), for preview.
    pub drafts: bool,
    /// Publish private resources too: the members' build, into its own output folder.
    pub include_private: bool,
    /// Overrides `base_url` of `site.toml`.
    pub base_url: Option<String>,
    /// Show the records dated in the future too, marked as scheduled: the preview's, never a
    /// build's.
    pub scheduled: bool,
    /// Publish the web editor with the preview's local proxy as its backend
    /// (`serve --editor`), whether or not `site.toml` has `[editor]`.
    pub editor_local: bool,
}

/// A record that mentions an actor, for the actor's "appears in" list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mention {
    pub section: Section,
    pub index: usize,
}

/// The published site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub theme: std::sync::Arc<Theme>,
    pub options: BuildOptions,
    /// By name.
    pub actors: Vec<Arc<Entry<Actor>>>,
    /// Newest edition first.
    pub forums: Vec<Arc<Entry<ForumEdition>>>,
    /// In time order.
    pub conferences: Vec<Arc<Entry<Conference>>>,
    /// Newest first.
    pub dossiers: Vec<Arc<Entry<MagazineRecord>>>,
    /// Newest first.
    pub resources: Vec<Arc<Entry<Resource>>>,
    /// By menu position, then title.
    pub pages: Vec<Arc<Entry<Page>>>,
    pub home: Option<Arc<Entry<Home>>>,
    pub data: BTreeMap<String, serde_json::Value>,
    /// Actor slug → index in `actors`.
    pub actor_index: HashMap<String, usize>,
    /// For each actor, the records that mention it.
    pub appears_in: Vec<Vec<Mention>>,
    /// The actors in activity and the closed ones (indices, by name): the directory lists the
    /// first, its page of closed structures the others.
    pub open_actors: Vec<usize>,
    pub closed_actors: Vec<usize>,
    /// Domain slug → actors (indices, by name), for every domain of the site.
    pub by_domain: Vec<(String, Vec<usize>)>,
    /// Legal form slug → actors, for the forms that have actors.
    pub by_legal_form: Vec<(&'static str, Vec<usize>)>,
    /// Stage → actors, in the order of the path.
    pub by_stage: Vec<(Stage, Vec<usize>)>,
    /// Resource category (label, slug) → resources.
    pub by_category: Vec<(String, String, Vec<usize>)>,
    /// Resource type (label, slug) → resources.
    pub by_resource_type: Vec<(String, String, Vec<usize>)>,
    /// URLs of the records this build does not publish (drafts, private, future-dated).
    pub unpublished: std::collections::HashSet<String>,
    /// The members' files this build publishes (a members' build only), by name.
    pub members_files: BTreeMap<String, Arc<Vec<u8>>>,
    /// When the records dated in the future (not drafts, not private) will be published,
    /// in time order: a build on or after each of these moments publishes one more.
    pub scheduled: Vec<(crate::model::Date, std::path::PathBuf)>,
    /// The scheduled records this build shows all the same (a preview), by URL, with their
    /// publication date.
    pub scheduled_pages: BTreeMap<String, crate::model::Date>,
    /// The drafts this build shows (a preview's, or `build --drafts`), by URL: marked
    /// « Brouillon ».
    pub draft_pages: HashSet<String>,
    /// The images of `static/` this build publishes, by site path, with whether one is a
    /// record's `image:` (a cover: it gets an Open Graph crop). An image that only
    /// unpublished records name is not published.
    pub images: BTreeMap<String, bool>,
    /// The `srcset`s of each published image, made once for all the pages that show it.
    pub srcsets: std::sync::OnceLock<BTreeMap<String, crate::render::srcsets::Srcsets>>,
}

impl Site {
    /// Keeps what this build publishes, sorts it and resolves the links between records.
    pub fn assemble(loaded: Loaded, options: BuildOptions) -> Site {
        let Loaded {
            mut config,
            theme,
            content,
            ..
        } = loaded;
        if let Some(url) = &options.base_url {
            config.base_url = url.trim_end_matches('/').to_string();
        }
        // Every list named: a new kind's list is a compile error here until it is published.
        let Content {
            actors,
            forums,
            conferences,
            dossiers,
            resources,
            pages,
            home,
            data,
            members_files,
            declared: _,
            partial: _,
        } = content;
        // Members' files are published by a members' build only.
        let members_files = if options.include_private {
            members_files
        } else {
            BTreeMap::new()
        };
        let mut unpublished = HashSet::new();
        let mut hidden_images = HashSet::new();
        let mut publish = Publish {
            options: &options,
            unpublished: &mut unpublished,
            hidden_images: &mut hidden_images,
            scheduled: Vec::new(),
            shown: BTreeMap::new(),
            drafts: HashSet::new(),
        };
        let mut actors = publish.keep(Section::Actors, actors, |_| false);
        let mut forums = publish.keep(Section::Forum, forums, |_| false);
        let mut conferences = publish.keep(Section::Conferences, conferences, |_| false);
        let mut dossiers = publish.keep(Section::Magazine, dossiers, |_| false);
        let mut resources = publish.keep(Section::Resources, resources, |r| r.private);
        let mut pages = publish.keep(Section::Pages, pages, |_| false);
        let mut scheduled = publish.scheduled;
        scheduled.sort();
        let scheduled_pages = publish.shown;
        let draft_pages = publish.drafts;
        let library = &theme.images;
        let mut used = BTreeMap::new();
        note_images(&mut actors, library, &mut used);
        note_images(&mut forums, library, &mut used);
        note_images(&mut conferences, library, &mut used);
        note_images(&mut dossiers, library, &mut used);
        note_images(&mut resources, library, &mut used);
        note_images(&mut pages, library, &mut used);
        let mut home = home;
        if let Some(h) = home.as_mut() {
            note_images(std::slice::from_mut(h), library, &mut used);
        }
        let images = library
            .images
            .keys()
            .filter_map(|path| match used.get(path) {
                Some(cover) => Some((path.clone(), *cover)),
                None => (!hidden_images.contains(path)).then(|| (path.clone(), false)),
            })
            .collect();

        sort_in_site_order(
            &mut actors,
            &mut forums,
            &mut conferences,
            &mut dossiers,
            &mut resources,
            &mut pages,
        );

        let actor_index: HashMap<String, usize> = actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.clone(), i))
            .collect();
        let appears_in = mentions(actors.len(), &actor_index, &forums, &conferences, &dossiers);
        let (closed_actors, open_actors): (Vec<usize>, Vec<usize>) =
            (0..actors.len()).partition(|&i| actors[i].data.closed.is_some());
        let (by_domain, by_legal_form, by_stage) =
            super::terms::actor_terms(&config, &actors, &conferences);
        let by_category = super::terms::group_by_label(&resources, |r| r.data.category.as_deref());
        let by_resource_type =
            super::terms::group_by_label(&resources, |r| r.data.resource_type.as_deref());

        Site {
            config,
            theme,
            options,
            open_actors,
            closed_actors,
            actors,
            forums,
            conferences,
            dossiers,
            resources,
            pages,
            home,
            data,
            actor_index,
            appears_in,
            by_domain,
            by_legal_form,
            by_stage,
            by_category,
            by_resource_type,
            unpublished,
            members_files,
            scheduled,
            scheduled_pages,
            draft_pages,
            images,
            srcsets: Default::default(),
        }
    }

    /// The label of a domain: the site's own, else the theme's.
    pub fn domain_label<'a>(&'a self, slug: &'a str) -> &'a str {
        match self
            .config
            .domains
            .list
            .iter()
            .find(|(s, l)| s == slug && !l.is_empty())
        {
            Some((_, label)) => label,
            None => self.theme.label("domains", slug),
        }
    }
}

/// A published record seen through what every kind has: its section, slug, common fields
/// and source file.
#[derive(Clone, Copy)]
pub struct RecordView<'a> {
    pub section: Section,
    pub slug: &'a str,
    pub common: crate::model::CommonRef<'a>,
    pub source: &'a crate::model::Source,
}

impl Site {
    /// Whether the site shows conferences: the commune names its series (`[conferences]`), or
    /// publishes conferences (then called « Conférences »).
    pub fn has_conferences(&self) -> bool {
        self.config.conferences.is_some() || !self.conferences.is_empty()
    }

    /// Every published record, section by section, in the site's order.
    pub fn records(&self) -> impl Iterator<Item = RecordView<'_>> {
        self.typed().map(Typed::view)
    }

    /// Every record this build publishes with its own type, in the order of `records`.
    pub fn typed(&self) -> impl Iterator<Item = Typed<'_>> {
        Section::ALL
            .into_iter()
            .flat_map(move |section| self.typed_of(section))
    }

    /// The records of one section with their own type, in the site's order.
    fn typed_of(&self, section: Section) -> Box<dyn Iterator<Item = Typed<'_>> + '_> {
        match section {
            Section::Actors => Box::new(self.actors.iter().map(|e| Typed::Actor(e))),
            Section::Forum => Box::new(self.forums.iter().map(|e| Typed::Forum(e))),
            Section::Conferences => Box::new(self.conferences.iter().map(|e| Typed::Conference(e))),
            Section::Magazine => Box::new(self.dossiers.iter().map(|e| Typed::MagazineRecord(e))),
            Section::Resources => Box::new(self.resources.iter().map(|e| Typed::Resource(e))),
            Section::Pages => Box::new(self.pages.iter().map(|e| Typed::Page(e))),
        }
    }
}

/// How a build publishes a record of `section` (`private` if it is a members' one): `None`
/// when it leaves it out (a draft, a private record, dated in the future — but events),
/// else whether it is shown as a draft, as a private record, as scheduled.
pub fn publication<T: Common>(
    o: &BuildOptions,
    section: Section,
    e: &Entry<T>,
    private: bool,
) -> Option<Publication> {
    let c = e.data.common();
    let published = crate::model::time::is_published(section, c.date, o.now);
    ((!c.draft || o.drafts) && (!private || o.include_private) && (o.scheduled || published))
        .then_some(Publication {
            draft: c.draft,
            private,
            scheduled: c.date.is_some() && !published,
        })
}

/// How a published record is shown (`publication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    pub draft: bool,
    pub private: bool,
    pub scheduled: bool,
}

/// Mixed into the hashes of a record shown before its date (a preview's).
const SCHEDULED: u64 = 0x5c4e_d01e_d000_0001;

/// Decides which records a build publishes, and remembers the addresses of the others (so
/// that a link to one of them is reported as such).
struct Publish<'a> {
    options: &'a BuildOptions,
    unpublished: &'a mut HashSet<String>,
    /// The images the records left out name.
    hidden_images: &'a mut HashSet<String>,
    /// When each record left out only for its date will be published, and its file.
    scheduled: Vec<(crate::model::Date, std::path::PathBuf)>,
    /// The scheduled records shown all the same (`BuildOptions::scheduled`), by URL.
    shown: BTreeMap<String, crate::model::Date>,
    /// The drafts shown (`BuildOptions::drafts`), by URL.
    drafts: HashSet<String>,
}

impl Publish<'_> {
    /// The records of `section` this build publishes: not drafts (unless asked), not private
    /// (unless a members' build), not dated in the future (but events).
    fn keep<T: Common + Pictures + Clone>(
        &mut self,
        section: Section,
        list: Vec<Arc<Entry<T>>>,
        private: impl Fn(&T) -> bool,
    ) -> Vec<Arc<Entry<T>>> {
        let o = self.options;
        let (mut kept, gone): (Vec<_>, Vec<_>) = list
            .into_iter()
            .partition(|e| publication(o, section, e, private(&e.data)).is_some());
        for e in &mut kept {
            if e.data.common().draft {
                self.drafts.insert(section.url(&e.slug));
            }
            let date = e.data.common().date;
            if let Some(d) =
                date.filter(|_| !crate::model::time::is_published(section, date, o.now))
            {
                self.scheduled.push((d, e.source.path.clone()));
                self.shown.insert(section.url(&e.slug), d);
                // What shows the record (its page, its cards) shows the mark: made again when
                // the record is published.
                let source = &mut Arc::make_mut(e).source;
                source.front_hash ^= SCHEDULED;
                source.full_hash ^= SCHEDULED;
            }
        }
        self.unpublished
            .extend(gone.iter().map(|e| section.url(&e.slug)));
        self.hidden_images
            .extend(gone.iter().flat_map(|e| image_refs(e)).map(|(p, _)| p));
        self.scheduled.extend(gone.iter().filter_map(|e| {
            let c = e.data.common();
            let waiting = (!c.draft || o.drafts) && (!private(&e.data) || o.include_private);
            c.date
                .filter(|_| waiting)
                .map(|d| (d, e.source.path.clone()))
        }));
        kept
    }
}

/// The images of `static/` a record names (site paths), each with whether it is its `image:`.
pub fn image_refs<T: Common + Pictures>(e: &Entry<T>) -> Vec<(String, bool)> {
    let site_path = |s: &str| {
        let s = s.trim();
        (s.starts_with('/') && !s.starts_with("//"))
            .then(|| s.split(['?', '#']).next().unwrap_or("").to_string())
    };
    let c = e.data.common();
    let cover = c.image.and_then(|i| site_path(&i.src)).map(|p| (p, true));
    let fields = e
        .data
        .pictures()
        .into_iter()
        .filter_map(|(_, p)| site_path(p));
    let body = e
        .source
        .body_images
        .iter()
        .filter_map(|i| site_path(&i.src));
    cover
        .into_iter()
        .chain(fields.chain(body).map(|p| (p, false)))
        .collect()
}

/// Records in `used` the images of `static/` that `list` names, and mixes each image's hash
/// into the hashes of the record that names it: a page, a card or a list showing the record
/// is made again when one of its pictures changes.
fn note_images<T: Common + Pictures + Clone>(
    list: &mut [Arc<Entry<T>>],
    library: &crate::images::Library,
    used: &mut BTreeMap<String, bool>,
) {
    use std::hash::{Hash, Hasher};
    for e in list {
        let refs = image_refs(e);
        if refs.is_empty() {
            continue;
        }
        let mut h = std::hash::DefaultHasher::new();
        for (path, cover) in refs {
            let Some(image) = library.images.get(&path) else {
                continue;
            };
            image.hash.hash(&mut h);
            let seen = used.entry(path).or_insert(false);
            *seen |= cover;
        }
        let mix = h.finish();
        let source = &mut Arc::make_mut(e).source;
        source.front_hash ^= mix;
        source.full_hash ^= mix;
    }
}

/// The site's order of each kind: actors by name, conferences by date, plain pages by menu
/// then title, the others newest first.
fn sort_in_site_order(
    actors: &mut [Arc<Entry<Actor>>],
    forums: &mut [Arc<Entry<ForumEdition>>],
    conferences: &mut [Arc<Entry<Conference>>],
    dossiers: &mut [Arc<Entry<MagazineRecord>>],
    resources: &mut [Arc<Entry<Resource>>],
    pages: &mut [Arc<Entry<Page>>],
) {
    actors.sort_by(|a, b| (&a.sort_key, &a.slug).cmp(&(&b.sort_key, &b.slug)));
    newest_first(forums);
    conferences.sort_by(|a, b| {
        let (x, y) = (a.data.common().date, b.data.common().date);
        x.cmp(&y).then_with(|| a.slug.cmp(&b.slug))
    });
    newest_first(dossiers);
    newest_first(resources);
    fn page_key(e: &Entry<Page>) -> (u32, &str, &str) {
        (e.data.menu.unwrap_or(u32::MAX), &e.sort_key, &e.slug)
    }
    pages.sort_by(|a, b| page_key(a).cmp(&page_key(b)));
}

/// Sorts records newest first, then by slug.
fn newest_first<T: Common>(list: &mut [Arc<Entry<T>>]) {
    list.sort_by(|a, b| {
        let (x, y) = (a.data.common().date, b.data.common().date);
        y.cmp(&x).then_with(|| a.slug.cmp(&b.slug))
    });
}

/// For each actor, the records that mention it (references to actors this build does not
/// publish are dropped, never linked).
///
/// The table has a line per actor (`count`), not per slug: a site with errors (two actors of
/// one slug) is assembled too, to check its links.
fn mentions(
    count: usize,
    actor_index: &HashMap<String, usize>,
    forums: &[Arc<Entry<ForumEdition>>],
    conferences: &[Arc<Entry<Conference>>],
    dossiers: &[Arc<Entry<MagazineRecord>>],
) -> Vec<Vec<Mention>> {
    let mut appears_in = vec![Vec::new(); count];
    let mut mention = |slug: &str, m: Mention| {
        if let Some(&i) = actor_index.get(slug) {
            if appears_in[i].last() != Some(&m) && !appears_in[i].contains(&m) {
                appears_in[i].push(m);
            }
        }
    };
    let at = |section, index| Mention { section, index };
    for (index, f) in forums.iter().enumerate() {
        let m = at(Section::Forum, index);
        let d = &f.data;
        d.partners
            .iter()
            .chain(&d.exhibitors)
            .for_each(|s| mention(s, m));
        for item in &d.program {
            item.actors
                .iter()
                .chain(item.speakers.iter().filter_map(|s| s.actor.as_ref()))
                .for_each(|s| mention(s, m));
        }
    }
    for (index, c) in conferences.iter().enumerate() {
        let m = at(Section::Conferences, index);
        c.data
            .speakers
            .iter()
            .filter_map(|s| s.actor.as_ref())
            .for_each(|s| mention(s, m));
    }
    for (index, d) in dossiers.iter().enumerate() {
        let m = at(Section::Magazine, index);
        d.data.actors.iter().for_each(|s| mention(s, m));
    }
    for list in &mut appears_in {
        list.sort();
    }
    appears_in
}

/// A published record of any kind, with its own type.
#[derive(Clone, Copy)]
pub enum Typed<'a> {
    Actor(&'a Entry<Actor>),
    Forum(&'a Entry<ForumEdition>),
    Conference(&'a Entry<Conference>),
    MagazineRecord(&'a Entry<MagazineRecord>),
    Resource(&'a Entry<Resource>),
    Page(&'a Entry<Page>),
}

impl<'a> Typed<'a> {
    /// What every kind of record has: section, slug, common fields, source.
    pub fn view(self) -> RecordView<'a> {
        fn of<T: Common>(section: Section, e: &Entry<T>) -> RecordView<'_> {
            RecordView {
                section,
                slug: e.slug.as_str(),
                common: e.data.common(),
                source: &e.source,
            }
        }
        match self {
            Typed::Actor(e) => of(Section::Actors, e),
            Typed::Forum(e) => of(Section::Forum, e),
            Typed::Conference(e) => of(Section::Conferences, e),
            Typed::MagazineRecord(e) => of(Section::Magazine, e),
            Typed::Resource(e) => of(Section::Resources, e),
            Typed::Page(e) => of(Section::Pages, e),
        }
    }
}

/// One term of a taxonomy: its slug, label, description and members (indices of actors, or
/// of resources for the resources' taxonomies).
pub struct TermView<'a> {
    pub slug: String,
    pub label: String,
    pub description: Option<String>,
    pub members: &'a [usize],
}

impl Site {
    /// The number of terms of a taxonomy.
    pub fn term_count(&self, t: crate::model::Taxonomy) -> usize {
        use crate::model::Taxonomy;
        match t {
            Taxonomy::Domain => self.by_domain.len(),
            Taxonomy::LegalForm => self.by_legal_form.len(),
            Taxonomy::Stage => self.by_stage.len(),
            Taxonomy::ResourceCategory => self.by_category.len(),
            Taxonomy::ResourceType => self.by_resource_type.len(),
        }
    }

    /// Term `i` of a taxonomy, in display order.
    pub fn term(&self, t: crate::model::Taxonomy, i: usize) -> TermView<'_> {
        use crate::model::Taxonomy;
        let theme = &self.theme;
        let (slug, label, description, members): (String, String, Option<String>, &[usize]) =
            match t {
                Taxonomy::Domain => {
                    let (s, m) = &self.by_domain[i];
                    (s.clone(), self.domain_label(s).to_string(), None, m)
                }
                Taxonomy::LegalForm => {
                    let (s, m) = &self.by_legal_form[i];
                    let label = theme.label("legal_forms", s).to_string();
                    (s.to_string(), label, None, m)
                }
                Taxonomy::Stage => {
                    let (s, m) = &self.by_stage[i];
                    let desc = theme.label("stage_descriptions", s.slug()).to_string();
                    let label = theme.label("stages", s.slug()).to_string();
                    (s.slug().to_string(), label, Some(desc), m)
                }
                Taxonomy::ResourceCategory => {
                    let (label, s, m) = &self.by_category[i];
                    (s.clone(), label.clone(), None, m)
                }
                Taxonomy::ResourceType => {
                    let (label, s, m) = &self.by_resource_type[i];
                    (s.clone(), label.clone(), None, m)
                }
            };
        TermView {
            slug,
            label,
            description,
            members,
        }
    }

    /// Every term of a taxonomy, in display order.
    pub fn terms(&self, t: crate::model::Taxonomy) -> impl Iterator<Item = TermView<'_>> {
        (0..self.term_count(t)).map(move |i| self.term(t, i))
    }
}
