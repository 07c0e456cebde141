//! The editor's fields are the model's: every field of every record type has one, and no
//! editor field is unknown to the model (which refuses unknown keys).

use super::fields::{self, of, scaffold_hints, Field};
use crate::model::{
    Actor, Conference, Cover, ForumEdition, Geo, Home, MagazineRecord, Page, ProgramItem, Resource,
    Section, SpeakerFields,
};
use serde_aux::serde_introspection::serde_introspect;
use std::collections::BTreeSet;

fn names(fields: &[Field]) -> BTreeSet<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

fn model(section: Option<Section>) -> BTreeSet<&'static str> {
    let fields: &[&str] = match section {
        Some(Section::Actors) => serde_introspect::<Actor>(),
        Some(Section::Forum) => serde_introspect::<ForumEdition>(),
        Some(Section::Conferences) => serde_introspect::<Conference>(),
        Some(Section::Magazine) => serde_introspect::<MagazineRecord>(),
        Some(Section::Resources) => serde_introspect::<Resource>(),
        Some(Section::Pages) => serde_introspect::<Page>(),
        None => serde_introspect::<Home>(),
    };
    fields.iter().copied().collect()
}

#[test]
fn every_field_of_every_record_type_has_its_editor_field_and_no_other() {
    let sections = Section::ALL.iter().map(|s| Some(*s)).chain([None]);
    for section in sections {
        let editor = names(&of(section));
        let model = model(section);
        assert_eq!(
            editor.len(),
            of(section).len(),
            "{section:?}: a field twice"
        );
        let missing: Vec<_> = model.difference(&editor).collect();
        let unknown: Vec<_> = editor.difference(&model).collect();
        assert!(
            missing.is_empty(),
            "{section:?}: no editor field for {missing:?}"
        );
        assert!(
            unknown.is_empty(),
            "{section:?}: editor fields the model refuses: {unknown:?}"
        );
    }
    for (fields, model) in [
        (fields::PROGRAM_ITEM, serde_introspect::<ProgramItem>()),
        (fields::SPEAKER, serde_introspect::<SpeakerFields>()),
        (fields::COVER, serde_introspect::<Cover>()),
        (fields::GEO, serde_introspect::<Geo>()),
    ] {
        let model: BTreeSet<&str> = model.iter().copied().collect();
        assert_eq!(names(fields), model);
    }
}

#[test]
fn the_hints_are_the_words_of_the_scaffolds() {
    for section in &Section::ALL {
        let kind = section.kind().new_name;
        let hints = scaffold_hints(*section);
        assert!(hints.len() >= 8, "{kind}: {hints:?}");
        let fields = of(Some(*section));
        for (key, _) in &hints {
            let known = fields.iter().any(|f| f.name == key)
                || fields::PROGRAM_ITEM.iter().any(|f| f.name == key)
                || fields::COVER.iter().any(|f| f.name == key);
            assert!(
                known,
                "{kind}: the scaffold documents « {key} », the editor has no such field"
            );
        }
        // Every field the scaffold documents is required in the editor exactly when the
        // scaffold says OBLIGATOIRE.
        for f in &fields {
            if let Some((_, h)) = hints.iter().find(|(k, _)| k == f.name) {
                assert_eq!(
                    f.required,
                    h.starts_with("OBLIGATOIRE"),
                    "{kind}.{}",
                    f.name
                );
            }
        }
    }
}

#[test]
fn the_data_files_fields_cover_what_init_writes() {
    let templates = [
        (
            "accessibilite",
            include_str!("../../init/content/data/accessibilite.yaml"),
        ),
        (
            "chiffres_cles",
            include_str!("../../init/content/data/chiffres_cles.yaml"),
        ),
        (
            "newsletter",
            include_str!("../../init/content/data/newsletter.yaml"),
        ),
    ];
    let keys = super::data_file_keys();
    for (name, text) in templates {
        let (_, editor) = keys.iter().find(|(n, _)| *n == name).expect(name);
        for line in text.lines() {
            let Some((key, _)) = line.split_once(':') else {
                continue;
            };
            if line.starts_with([' ', '#', '-']) || key.contains(' ') {
                continue;
            }
            assert!(
                editor.iter().any(|k| k == key),
                "{name}: no editor field for « {key} »"
            );
        }
    }
}

#[test]
fn every_hint_speaks_the_comms_team_s_words() {
    let sections = Section::ALL.iter().map(|s| Some(*s)).chain([None]);
    for section in sections {
        let hints = section.map(scaffold_hints).unwrap_or_default();
        let nested = [
            fields::PROGRAM_ITEM,
            fields::SPEAKER,
            fields::COVER,
            fields::GEO,
        ];
        let all = of(section)
            .into_iter()
            .chain(nested.iter().flat_map(|f| f.iter().copied()));
        for f in all {
            let Some(h) = fields::hint(section, f.name, &hints) else {
                continue;
            };
            for jargon in [
                "AAAA",
                "HH:MM",
                "slug",
                "[",
                "{",
                "--",
                ".md",
                "content/",
                "static/",
                "true",
                "false",
                "OBLIGATOIRE",
            ] {
                assert!(
                    !h.contains(jargon),
                    "{section:?} {}: « {jargon} » in « {h} »",
                    f.name
                );
            }
            let end = h.trim_end();
            assert!(
                !end.ends_with(':') && !end.ends_with("par exemple"),
                "{section:?} {}: a hint cut off: « {h} »",
                f.name
            );
        }
    }
}
