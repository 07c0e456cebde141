//! What each output file depends on, as one hash per job: when a job's fingerprint is the same
//! as in the previous build, its output is the same, so a preview re-renders only the jobs
//! whose fingerprint changed.
//!
//! A fingerprint covers everything the job's context and template read: the record's own text,
//! what it shows of other records (their front matter), the members of its page of a list,
//! the taxonomies' counts, the templates, the configuration and the build options. A test
//! compares previews after random edits with full builds, byte for byte.

use super::plan::{page_count, Feed, Job, Taxonomy};
use crate::load::Section;
use crate::model::{Common, Entry};
use crate::site::Site;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// The hashes shared by many jobs, computed once per build.
pub struct Fingerprints<'a> {
    site: &'a Site,
    /// Templates, strings, configuration, options, and what every page shows (the menu).
    globals: u64,
    /// For each section, the hash of its records' front matter in site order.
    sections: [u64; 6],
    /// Terms, labels and counts of every taxonomy.
    taxonomies: u64,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// What lists and links show of a record: its slug and its front matter.
fn card<T: Common>(e: &Arc<Entry<T>>) -> u64 {
    hash_of((&e.slug, e.source.front_hash))
}

fn section_index(s: Section) -> usize {
    Section::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

impl<'a> Fingerprints<'a> {
    pub fn new(site: &'a Site) -> Fingerprints<'a> {
        let cards = |hashes: Vec<u64>| hash_of(hashes);
        let sections = [
            cards(site.actors.iter().map(card).collect()),
            cards(site.forums.iter().map(card).collect()),
            cards(site.conferences.iter().map(card).collect()),
            cards(site.dossiers.iter().map(card).collect()),
            cards(site.resources.iter().map(card).collect()),
            cards(site.pages.iter().map(card).collect()),
        ];
        let o = &site.options;
        let mut h = DefaultHasher::new();
        serde_json::to_string(&site.config)
            .unwrap_or_default()
            .hash(&mut h);
        site.theme.templates.hash(&mut h);
        site.theme.strings.hash(&mut h);
        (o.now, o.drafts, o.include_private, &o.base_url).hash(&mut h);
        sections[section_index(Section::Pages)].hash(&mut h);
        serde_json::to_string(&site.data.get("accessibilite"))
            .unwrap_or_default()
            .hash(&mut h);
        let globals = h.finish();
        let taxonomies = hash_of((
            &site.by_domain,
            &site.by_legal_form,
            &site.by_stage,
            &site.by_category,
            &site.by_resource_type,
        ));
        Fingerprints {
            site,
            globals,
            sections,
            taxonomies,
        }
    }

    fn section(&self, s: Section) -> u64 {
        self.sections[section_index(s)]
    }

    /// The fingerprint of a job: equal fingerprints, equal bytes.
    pub fn of(&self, job: &Job) -> u64 {
        let site = self.site;
        let per = site.config.paginate_by;
        let mut h = DefaultHasher::new();
        self.globals.hash(&mut h);
        // The URL, not the job itself: a job's index moves when a record is added before it,
        // and its output does not change for that.
        job.url(site).hash(&mut h);
        let actors_page = |h: &mut DefaultHasher, members: &mut dyn Iterator<Item = usize>| {
            for i in members {
                card(&site.actors[i]).hash(h);
            }
        };
        let actor_ref = |h: &mut DefaultHasher, slug: &str| {
            slug.hash(h);
            site.actor_index
                .get(slug)
                .map(|&i| card(&site.actors[i]))
                .hash(h);
        };
        match job {
            Job::Home => {
                site.home.as_ref().map(|e| e.source.full_hash).hash(&mut h);
                serde_json::to_string(&site.data)
                    .unwrap_or_default()
                    .hash(&mut h);
                self.sections.hash(&mut h);
                self.taxonomies.hash(&mut h);
            }
            Job::ActorDirectory { page } => {
                let n = site.actors.len();
                (n, page_count(n, per), self.taxonomies).hash(&mut h);
                actors_page(&mut h, &mut ((page - 1) * per..(page * per).min(n)));
            }
            Job::Actor(i) => {
                site.actors[*i].source.full_hash.hash(&mut h);
                for m in &site.appears_in[*i] {
                    let c = match m.section {
                        Section::Forum => card(&site.forums[m.index]),
                        Section::Conferences => card(&site.conferences[m.index]),
                        _ => card(&site.dossiers[m.index]),
                    };
                    (m.section, c).hash(&mut h);
                }
            }
            Job::TaxonomyIndex(_) => self.taxonomies.hash(&mut h),
            Job::TaxonomyTerm {
                taxonomy,
                term,
                page,
            } => {
                self.taxonomies.hash(&mut h);
                let members: &[usize] = match taxonomy {
                    Taxonomy::Domain => &site.by_domain[*term].1,
                    Taxonomy::LegalForm => &site.by_legal_form[*term].1,
                    Taxonomy::Stage => &site.by_stage[*term].1,
                    Taxonomy::ResourceCategory => &site.by_category[*term].2,
                    Taxonomy::ResourceType => &site.by_resource_type[*term].2,
                };
                let start = ((page - 1) * per).min(members.len());
                let shown = &members[start..(start + per).min(members.len())];
                for i in shown {
                    match taxonomy {
                        Taxonomy::ResourceCategory | Taxonomy::ResourceType => {
                            card(&site.resources[*i])
                        }
                        _ => card(&site.actors[*i]),
                    }
                    .hash(&mut h);
                }
            }
            Job::ProjectPath => {
                for (stage, members) in &site.by_stage {
                    (stage, members.len()).hash(&mut h);
                    actors_page(&mut h, &mut members.iter().take(12).copied());
                }
            }
            Job::KeyFigures => {
                (self.taxonomies, self.sections).hash(&mut h);
                serde_json::to_string(&site.data)
                    .unwrap_or_default()
                    .hash(&mut h);
            }
            Job::OpenDataPage | Job::OpenData(_) | Job::Map => {
                self.section(Section::Actors).hash(&mut h)
            }
            Job::SearchPage => self.taxonomies.hash(&mut h),
            Job::Calendar(super::ics::Calendar::Forum(i)) => {
                site.forums[*i].source.full_hash.hash(&mut h)
            }
            Job::Calendar(super::ics::Calendar::Conference(i)) => {
                site.conferences[*i].source.full_hash.hash(&mut h)
            }
            Job::Calendar(super::ics::Calendar::Agenda) => {
                (
                    self.section(Section::Forum),
                    self.section(Section::Conferences),
                )
                    .hash(&mut h);
            }
            Job::ForumList => self.section(Section::Forum).hash(&mut h),
            Job::Forum(i) => {
                let f = &site.forums[*i];
                f.source.full_hash.hash(&mut h);
                let d = &f.data;
                for slug in d.exhibitors.iter().chain(&d.partners) {
                    actor_ref(&mut h, slug);
                }
                for item in &d.program {
                    for slug in item
                        .actors
                        .iter()
                        .chain(item.speakers.iter().filter_map(|s| s.actor.as_ref()))
                    {
                        actor_ref(&mut h, slug);
                    }
                }
            }
            Job::ConferenceList => self.section(Section::Conferences).hash(&mut h),
            Job::Conference(i) => {
                let c = &site.conferences[*i];
                c.source.full_hash.hash(&mut h);
                for slug in c.data.speakers.iter().filter_map(|s| s.actor.as_ref()) {
                    actor_ref(&mut h, slug);
                }
            }
            Job::Agenda => {
                (
                    self.section(Section::Forum),
                    self.section(Section::Conferences),
                )
                    .hash(&mut h);
            }
            Job::MagazineList { page } => {
                let n = site.dossiers.len();
                (n, page_count(n, per)).hash(&mut h);
                for e in site.dossiers.iter().skip((page - 1) * per).take(per) {
                    card(e).hash(&mut h);
                }
            }
            Job::Dossier(i) => {
                let d = &site.dossiers[*i];
                d.source.full_hash.hash(&mut h);
                for slug in &d.data.actors {
                    actor_ref(&mut h, slug);
                }
            }
            Job::ResourceList { page } => {
                let n = site.resources.len();
                (n, page_count(n, per), self.taxonomies).hash(&mut h);
                for e in site.resources.iter().skip((page - 1) * per).take(per) {
                    card(e).hash(&mut h);
                }
            }
            Job::Resource(i) => site.resources[*i].source.full_hash.hash(&mut h),
            Job::Page(i) => site.pages[*i].source.full_hash.hash(&mut h),
            Job::Feed(Feed::All) => self.sections.hash(&mut h),
            Job::Sitemap => (self.sections, self.taxonomies).hash(&mut h),
            Job::Feed(Feed::Section(s)) => self.section(*s).hash(&mut h),
            Job::Robots | Job::NotFound | Job::Alias { .. } => {}
            Job::Asset(name) => site.theme.assets.get(name).hash(&mut h),
            Job::MembersFile(name) => site.members_files.get(name).hash(&mut h),
        }
        h.finish()
    }
}
