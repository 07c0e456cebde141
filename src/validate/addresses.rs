//! The addresses records take: their own URL and their old ones (`aliases:`). Two records at
//! one address are an error, reported at both; an alias that is not a site path too.

use super::EntryView;
use crate::diagnostic::Diagnostic;
use crate::model::url::{normalise_alias, output_path};
use crate::model::Section;
use std::path::Path;

/// Every output path the records take, with where each was written (file, line, column).
#[derive(Default)]
pub(super) struct Addresses<'a> {
    taken: Vec<Taken<'a>>,
}

/// An output path, and where a record takes it.
pub(super) type Taken<'a> = (String, &'a Path, usize, usize);

impl<'a> Addresses<'a> {
    /// Record `e`'s URL and aliases; an alias that is not a site path is an error. Each record
    /// on its own (in parallel), then `extend`, in the records' order.
    pub(super) fn of(
        section: Section,
        e: &'a dyn EntryView,
        out: &mut Vec<Diagnostic>,
    ) -> Vec<Taken<'a>> {
        let src = e.source();
        let c = e.common();
        let at = if c.slug.is_some() {
            src.key_position("slug")
        } else {
            (0, 0)
        };
        let mut taken = vec![(
            output_path(&section.url(e.slug())),
            src.path.as_path(),
            at.0,
            at.1,
        )];
        for alias in c.aliases {
            let (line, col) = src.value_position("aliases", alias);
            match normalise_alias(alias) {
                Some(path) => taken.push((output_path(&path), &src.path, line, col)),
                None => out.push(
                    Diagnostic::error(&src.path, line, col, format!("ancienne adresse invalide « {alias} »"))
                        .with_help("écrivez un chemin du site qui commence par /, sans `..`, par exemple /annuaire/up-sceaux/"),
                ),
            }
        }
        taken
    }

    pub(super) fn extend(&mut self, taken: Vec<Taken<'a>>) {
        self.taken.extend(taken);
    }

    /// An error at each record that shares its address with another, address by address
    /// (in their order), each in the order the records were added.
    pub(super) fn collisions(mut self, out: &mut Vec<Diagnostic>) {
        use rayon::prelude::*;
        // Stable: the records of one address stay in their order.
        self.taken.par_sort_by(|a, b| a.0.cmp(&b.0));
        for places in self.taken.chunk_by(|a, b| a.0 == b.0) {
            if places.len() < 2 {
                continue;
            }
            let url = crate::model::url::of_output_path(&places[0].0);
            for (i, (_, path, line, col)) in places.iter().enumerate() {
                let others: Vec<String> = places
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, p)| p.1.display().to_string())
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
