//! The images each kind of record names in its own fields.

use super::*;

/// The images a record names in its fields (beyond its `image:`), with the field's key.
pub trait Pictures {
    fn pictures(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }
}

impl Pictures for Actor {
    fn pictures(&self) -> Vec<(&'static str, &str)> {
        self.logo.iter().map(|l| ("logo", l.as_str())).collect()
    }
}

impl Pictures for Conference {
    fn pictures(&self) -> Vec<(&'static str, &str)> {
        speaker_photos(&self.speakers).collect()
    }
}

impl Pictures for ForumEdition {
    fn pictures(&self) -> Vec<(&'static str, &str)> {
        self.program
            .iter()
            .flat_map(|p| speaker_photos(&p.speakers))
            .collect()
    }
}

fn speaker_photos(speakers: &[Speaker]) -> impl Iterator<Item = (&'static str, &str)> {
    speakers
        .iter()
        .filter_map(|s| s.photo.as_deref().map(|p| ("photo", p)))
}

impl Pictures for MagazineRecord {}
impl Pictures for Resource {}
impl Pictures for Page {}
impl Pictures for Home {}
