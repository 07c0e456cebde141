//! What each output file depends on, as one hash per job: when a job's fingerprint is the same
//! as in the previous build, its output is the same, so a preview re-renders only the jobs
//! whose fingerprint changed.
//!
//! A fingerprint covers everything the job's context and template read: the record's own text,
//! what it shows of other records (their front matter), the members of its page of a list,
//! the taxonomies' counts, the templates, the configuration and the build options. A test
//! compares previews after random edits with full builds, byte for byte.

use crate::model::{Common, Entry, Section};
use crate::render::site::Site;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// What a fingerprint asks of an output to produce (a `pages::Job`).
pub trait Fingerprinted {
    /// Its site URL.
    fn url(&self, site: &Site) -> String;
    /// Hashes what it is made from, beyond what every page shares.
    fn inputs(&self, fp: &Fingerprints, h: &mut DefaultHasher);
}

/// The hashes shared by many jobs, computed once per build.
pub struct Fingerprints<'a> {
    site: &'a Site,
    /// Templates, strings, configuration, options, and what every page shows (the menu).
    globals: u64,
    /// For each section, the hash of its records' front matter in site order.
    sections: [u64; Section::COUNT],
    /// Terms, labels and counts of every taxonomy.
    taxonomies: u64,
    documents: Option<&'a [Arc<crate::render::search::Document>]>,
}

pub fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// What lists and links show of a record: its slug and its front matter.
pub fn card<T: Common>(e: &Arc<Entry<T>>) -> u64 {
    hash_of((&e.slug, e.source.front_hash))
}

fn section_index(s: Section) -> usize {
    s.index()
}

impl<'a> Fingerprints<'a> {
    /// The shared hashes of `site`; `documents` are the search documents when known.
    pub fn new(
        site: &'a Site,
        documents: Option<&'a [Arc<crate::render::search::Document>]>,
    ) -> Fingerprints<'a> {
        let mut by_section: [DefaultHasher; Section::COUNT] = Default::default();
        for crate::render::site::RecordView {
            section,
            slug,
            source,
            ..
        } in site.records()
        {
            (slug, source.front_hash).hash(&mut by_section[section_index(section)]);
        }
        let sections = by_section.map(|h| h.finish());
        let o = &site.options;
        let mut h = DefaultHasher::new();
        serde_json::to_string(&site.config)
            .unwrap_or_default()
            .hash(&mut h);
        site.theme.templates.hash(&mut h);
        site.theme.strings.hash(&mut h);
        // Not `now`: what a page reads of the time is among its own inputs (an event's
        // upcoming or past, a feed's dates), so a new `now` renders only those pages again.
        (o.drafts, o.include_private, &o.base_url).hash(&mut h);
        sections[section_index(Section::Pages)].hash(&mut h);
        serde_json::to_string(&site.data.get("accessibilite"))
            .unwrap_or_default()
            .hash(&mut h);
        // Whether the footer links the letters' archive.
        crate::model::letters::letters(&site.data)
            .is_empty()
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
            documents,
        }
    }

    /// The front matter of every record of section `s`.
    pub fn section(&self, s: Section) -> u64 {
        self.sections[section_index(s)]
    }

    /// The fingerprint of a job: equal fingerprints, equal bytes.
    pub fn of(&self, job: &impl Fingerprinted) -> u64 {
        let mut h = DefaultHasher::new();
        self.globals.hash(&mut h);
        // The URL, not the job itself: a job's index moves when a record is added before it,
        // and its output does not change for that.
        job.url(self.site).hash(&mut h);
        job.inputs(self, &mut h);
        h.finish()
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// The front matter of every record of every section.
    pub fn sections(&self) -> [u64; Section::COUNT] {
        self.sections
    }

    /// Terms, labels and counts of every taxonomy.
    pub fn taxonomies(&self) -> u64 {
        self.taxonomies
    }

    /// The search documents, when the renderer was given them (a preview keeps them).
    pub fn documents(&self) -> Option<&'a [Arc<crate::render::search::Document>]> {
        self.documents
    }

    /// Hashes what a link to actor `slug` shows: its card, or that it is not published.
    pub fn actor_ref(&self, h: &mut DefaultHasher, slug: &str) {
        slug.hash(h);
        self.site
            .actor_index
            .get(slug)
            .map(|&i| card(&self.site.actors[i]))
            .hash(h);
    }

    /// Hashes whether each event of the site is upcoming at the build's `now`.
    pub fn upcoming(&self, h: &mut DefaultHasher, forums: bool, conferences: bool) {
        let now = self.site.options.now;
        if forums {
            for f in &self.site.forums {
                crate::model::time::is_upcoming(f.data.date, f.data.end_date, now).hash(h);
            }
        }
        if conferences {
            for c in &self.site.conferences {
                crate::model::time::is_upcoming(c.data.date, c.data.end_date, now).hash(h);
            }
        }
    }

    /// Hashes the cards of actors `members`.
    pub fn actor_cards(&self, h: &mut DefaultHasher, members: impl Iterator<Item = usize>) {
        for i in members {
            card(&self.site.actors[i]).hash(h);
        }
    }
}
