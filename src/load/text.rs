//! A source file's text: read whole under the size limit, UTF-8 (the first bytes that are not
//! named at their line), without a leading BOM; a Markdown record's front matter and body.

use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// Reads a file as UTF-8 text, refusing files over the size limit; drops a leading BOM.
pub(super) fn read_text(path: &Path, rel: &Path, max_size: u64) -> Result<String, Diagnostic> {
    use crate::files::TooLarge;
    let bytes = crate::files::read_at_most(path, max_size).map_err(|e| match e {
        TooLarge::Size(size) => Diagnostic::error(
            rel,
            0,
            0,
            format!("fichier trop gros : {} Kio, la limite est {} Kio", size / 1024, max_size / 1024),
        )
        .with_help("mettez les documents lourds dans static/ et liez-les ; la limite se règle avec max_file_size_kib dans site.toml"),
        TooLarge::Io(e) => Diagnostic::error(
            rel,
            0,
            0,
            format!("lecture impossible : {}", crate::diagnostic::io_fr(&e)),
        ),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        Diagnostic::error(rel, line, column, "le fichier n'est pas encodé en UTF-8").with_help(
            "enregistrez-le en UTF-8 depuis votre éditeur (« Enregistrer sous… », encodage UTF-8)",
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

/// The front matter of a Markdown file and its body, with the lines where each starts.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Splits `---\nYAML\n---\nbody`.
pub fn split_front_matter<'a>(text: &'a str, rel: &Path) -> Result<Split<'a>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(rel, 1, 1, "le fichier ne commence pas par un en-tête `---`").with_help(
            "une fiche Markdown commence par une ligne `---`, ses champs (title: …), puis une autre ligne `---`",
        ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(lines) {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(rel, 1, 1, "l'en-tête n'est jamais fermé")
        .with_help("avez-vous oublié la ligne `---` qui ferme l'en-tête ?"))
}

/// The text of the source `rel` of the site in `root` (empty when it cannot be read): for the
/// line of a diagnostic made after load.
pub fn source_text(root: &Path, rel: impl AsRef<Path>) -> String {
    crate::files::read_to_string(&root.join(rel)).unwrap_or_default()
}

/// The path and text of the data file `content/data/NAME.yaml` (or `.yml`), if it can be read:
/// for diagnostics at a line of a data file after load.
pub fn data_text(root: &Path, name: &str) -> Option<(PathBuf, String)> {
    ["yaml", "yml"]
        .iter()
        .map(|ext| PathBuf::from(format!("content/data/{name}.{ext}")))
        .find_map(|p| {
            Some((
                p.clone(),
                crate::files::read_to_string(&root.join(&p)).ok()?,
            ))
        })
}

/// The text of the archive of the letters sent (`content/data/lettres.yaml`), for
/// `ess-site newsletter --archive` to add a letter to.
pub fn archive_text(root: &Path) -> std::io::Result<String> {
    crate::files::read_to_string(&root.join(crate::model::letters::FILE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn split_counts_lines_from_the_file_start() {
        let s = split_front_matter("---\ntitle: a\n---\nbody\n", Path::new("a.md")).unwrap();
        assert_eq!(
            (s.yaml, s.yaml_line, s.body, s.body_line),
            ("title: a\n", 2, "body\n", 4)
        );
    }

    #[test]
    fn unclosed_front_matter_has_a_hint() {
        let e = split_front_matter("---\ntitle: a\nbody\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e.message, "l'en-tête n'est jamais fermé");
        assert!(e.help.unwrap().contains("`---`"));
    }
}
