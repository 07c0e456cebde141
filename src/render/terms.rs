//! The taxonomies' members, worked out once when the site is assembled: the actors of each
//! domain, legal form and stage; the resources of each category and type.

use crate::model::config::Config;
use crate::model::{Actor, Conference, Entry, Resource, Stage, Term};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The actors' taxonomies: members of each domain of the site (each domain it chose or named,
/// and without a choice each a published actor or conference gives), of each legal form that
/// has actors, of each stage of the path.
#[allow(clippy::type_complexity)]
pub fn actor_terms(
    config: &Config,
    actors: &[Arc<Entry<Actor>>],
    conferences: &[Arc<Entry<Conference>>],
) -> (
    Vec<(String, Vec<usize>)>,
    Vec<(&'static str, Vec<usize>)>,
    Vec<(Stage, Vec<usize>)>,
) {
    let given = |d: &String| {
        actors.iter().any(|a| a.data.domains.contains(d))
            || conferences.iter().any(|c| c.data.domains.contains(d))
    };
    let by_domain = config
        .domains
        .list
        .iter()
        .filter(|(d, _)| config.domains.shown_always(d) || given(d))
        .map(|(d, _)| {
            let members = actors
                .iter()
                .enumerate()
                .filter(|(_, a)| a.data.domains.contains(d))
                .map(|(i, _)| i)
                .collect();
            (d.clone(), members)
        })
        .collect();
    let mut forms: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    let mut stages: BTreeMap<Stage, Vec<usize>> =
        Stage::ALL.iter().map(|s| (*s, Vec::new())).collect();
    for (i, a) in actors.iter().enumerate() {
        if let Some(f) = a.data.legal_form {
            forms.entry(f.slug()).or_default().push(i);
        }
        for s in &a.data.stages {
            if let Some(list) = stages.get_mut(s) {
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
    }
    (
        by_domain,
        forms.into_iter().collect(),
        stages.into_iter().collect(),
    )
}

/// The resources of each category (or type) written in their `field`: (label, slug, members),
/// by slug; the label is the first record's.
pub fn group_by_label(
    resources: &[Arc<Entry<Resource>>],
    field: impl Fn(&Entry<Resource>) -> Option<&str>,
) -> Vec<(String, String, Vec<usize>)> {
    let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate() {
        if let Some(label) = field(r) {
            let slug = slug::slugify(label);
            if !slug.is_empty() {
                groups
                    .entry(slug)
                    .or_insert_with(|| (label.trim().to_string(), Vec::new()))
                    .1
                    .push(i);
            }
        }
    }
    groups
        .into_iter()
        .map(|(slug, (label, members))| (label, slug, members))
        .collect()
}
