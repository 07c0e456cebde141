//! The addresses records take: their own URL and their old ones (`aliases:`). Two records at
//! one address are an error, reported at both; an alias that is not a site path too.

use super::EntryView;
use crate::diagnostic::Diagnostic;
use crate::model::Section;
use crate::url::{normalise_alias, output_path};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Every output path a record takes, with where it was written (file, line, column).
#[derive(Default)]
pub(super) struct Addresses {
    by_path: BTreeMap<String, Vec<(PathBuf, usize, usize)>>,
}

impl Addresses {
    /// Adds record `e`'s URL and aliases; an alias that is not a site path is an error.
    pub(super) fn add(&mut self, section: Section, e: &dyn EntryView, out: &mut Vec<Diagnostic>) {
        let src = e.source();
        let at = if e.common().slug.is_some() {
            src.key_position("slug")
        } else {
            (0, 0)
        };
        self.push(output_path(&section.url(e.slug())), src.path.clone(), at);
        for alias in e.common().aliases {
            let (line, col) = src.value_position("aliases", alias);
            match normalise_alias(alias) {
                Some(path) => self.push(output_path(&path), src.path.clone(), (line, col)),
                None => out.push(
                    Diagnostic::error(&src.path, line, col, format!("ancienne adresse invalide « {alias} »"))
                        .with_help("écrivez un chemin du site qui commence par /, sans `..`, par exemple /annuaire/up-sceaux/"),
                ),
            }
        }
    }

    fn push(&mut self, path: String, file: PathBuf, (line, col): (usize, usize)) {
        self.by_path
            .entry(path)
            .or_default()
            .push((file, line, col));
    }

    /// An error at each record that shares its address with another.
    pub(super) fn collisions(&self, out: &mut Vec<Diagnostic>) {
        for (path, places) in &self.by_path {
            if places.len() < 2 {
                continue;
            }
            let url = crate::url::of_output_path(path);
            for (i, (path, line, col)) in places.iter().enumerate() {
                let others: Vec<String> = places
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, p)| p.0.display().to_string())
                    .collect();
                out.push(
                    Diagnostic::error(
                        path,
                        *line,
                        *col,
                        format!("l'adresse {url} est aussi celle de {}", others.join(", ")),
                    )
                    .with_help(
                        "donnez à l'une des fiches un autre nom de fichier ou un `slug:` différent",
                    ),
                );
            }
        }
    }
}
