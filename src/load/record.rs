//! A record's file read into its type: the front matter parsed (every problem at once), the
//! body found (after the front matter, or in a `.yml` record's `body:`), packed, with what is
//! found in it once.

use super::{split_front_matter, FileResult, Parsed, Unread};
use crate::diagnostic::Diagnostic;
use crate::model::{Common, Entry, Source};
use crate::text::packed::Packed;
use crate::yaml;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::Arc;

pub(super) fn parse_record<T: DeserializeOwned + Common>(
    rel: &Path,
    text: String,
    is_yaml: bool,
    stem: String,
    wrap: fn(Arc<Entry<T>>) -> Parsed,
) -> FileResult {
    // A Markdown record's body: packed with what is found in it once its record is read.
    let mut body = "";
    // The YAML text: packed too, once the record is read (`record`).
    let mut yaml_text = text.as_str();
    let source = if is_yaml {
        Source {
            path: rel.to_path_buf(),
            yaml: Packed::default(),
            yaml_line: 1,
            body: Default::default(),
            body_line: 1,
            front_hash: 0,
            full_hash: 0,
            body_images: Vec::new(),
            too_deep: None,
            to_fill: false,
            positions: Default::default(),
        }
    } else {
        let split = split_front_matter(&text, rel)?;
        body = split.body;
        yaml_text = split.yaml;
        Source {
            path: rel.to_path_buf(),
            yaml: Packed::default(),
            yaml_line: split.yaml_line,
            body: Default::default(),
            body_line: split.body_line,
            front_hash: crate::model::text_hash(&[split.yaml]),
            full_hash: crate::model::text_hash(&[split.yaml, split.body]),
            body_images: Vec::new(),
            too_deep: None,
            to_fill: false,
            positions: Default::default(),
        }
    };
    match yaml::parse_all::<T>(yaml_text, rel, source.yaml_line) {
        Ok(data) => record(data, source, yaml_text, body, stem, is_yaml)
            .map(wrap)
            .map_err(Box::<Unread>::from),
        Err(partial) => {
            let read = partial
                .value
                .and_then(|data| record(data, source, yaml_text, body, stem, is_yaml).ok());
            Err(Box::new(Unread {
                diagnostics: partial.diagnostics,
                partial: read.map(wrap),
                set_aside: partial.set_aside,
                declares: None,
            }))
        }
    }
}

/// A record from its parsed front matter (`yaml`): a `.yml` record's text is in its `body:`
/// key, a Markdown record's after its front matter (`body`).
fn record<T: Common>(
    mut data: T,
    mut source: Source,
    yaml: &str,
    body: &str,
    stem: String,
    is_yaml: bool,
) -> Result<Arc<Entry<T>>, Diagnostic> {
    source.yaml = Packed::plain(yaml);
    source.to_fill = crate::text::french::find_to_fill(yaml, 0).is_some();
    if is_yaml {
        let hash = crate::model::text_hash(&[yaml]);
        (source.front_hash, source.full_hash) = (hash, hash);
        // Held once, by the source.
        let Some(body) = data.take_body() else {
            return Ok(entry(data, source, "", stem));
        };
        source.body_line = yaml::key_position(yaml, "body").map_or(1, |(l, _)| l + 1);
        return Ok(entry(data, source, &body, stem));
    } else if data.common().body.is_some() {
        let (line, column) = source.key_position("body");
        return Err(Diagnostic::error(
            &source.path,
            line,
            column,
            "champ « body » dans une fiche Markdown",
        )
        .with_help(
            "dans un fichier .md, le texte se place après la ligne `---` qui ferme l'en-tête",
        ));
    }
    Ok(entry(data, source, body, stem))
}

/// The record with its `body` (held as it is: the build's store packs it), and what is found once in its text: its body's images
/// and nesting, the key its title sorts by (each save checks and sorts every record again).
fn entry<T: Common>(data: T, mut source: Source, body: &str, stem: String) -> Arc<Entry<T>> {
    let c = data.common();
    let slug = c.slug.map(str::to_string).unwrap_or(stem);
    let sort_key = crate::text::french::sort_key(c.title);
    source.body_images = crate::text::markdown::body_images(body);
    source.too_deep = crate::text::html::too_deep(body, crate::text::html::MAX_DEPTH);
    source.to_fill |= crate::text::french::find_to_fill(body, 0).is_some();
    source.body = Packed::plain(body);
    Arc::new(Entry {
        data,
        source,
        slug,
        sort_key,
    })
}
