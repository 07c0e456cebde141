//! The editor's save, checked before it is written: the whole site as it would be after the
//! save goes through `check` (references, addresses taken twice, dates, values, body links,
//! images), and a save that would add an error is refused with `check`'s words, the field
//! named. Errors the site already had elsewhere do not block a save that does not touch them.

use crate::diagnostic::Diagnostic;
use crate::render::site::BuildOptions;
use std::path::{Path, PathBuf};

/// What a save is checked with: the preview's build options.
pub struct Checker {
    pub options: BuildOptions,
    /// Whether `now` follows the clock (no `--now`): then a save is checked as of the clock.
    pub follow_clock: bool,
}

impl Checker {
    fn options(&self) -> BuildOptions {
        let mut options = self.options.clone();
        if self.follow_clock {
            options.now = crate::model::time::clock_now();
        }
        options
    }

    /// Why the save `overlay` (files relative to `root`: new text, or gone) must be refused:
    /// the errors it would add, said in French for the editor; `None` when it may be written.
    pub fn refusal(&self, root: &Path, overlay: &[(PathBuf, Option<String>)]) -> Option<String> {
        let after = errors(super::check_with(root, self.options(), overlay));
        if after.is_empty() {
            return None;
        }
        let saved = |d: &Diagnostic| {
            overlay
                .iter()
                .any(|(rel, text)| text.is_some() && *rel == d.path)
        };
        let (mine, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) =
            after.into_iter().partition(|d| saved(d));
        // Elsewhere, only what the save adds (the site's errors of before stay theirs), and not
        // the other side of a clash already said of the saved record.
        let names_saved = |d: &Diagnostic| {
            overlay
                .iter()
                .any(|(rel, text)| text.is_some() && d.message.contains(&*rel.to_string_lossy()))
        };
        let elsewhere: Vec<Diagnostic> =
            elsewhere.into_iter().filter(|d| !names_saved(d)).collect();
        let added: Vec<Diagnostic> = if elsewhere.is_empty() {
            elsewhere
        } else {
            let before = errors(super::check(root, self.options()));
            elsewhere
                .into_iter()
                .filter(|d| {
                    !before
                        .iter()
                        .any(|b| b.path == d.path && b.message == d.message && b.line == d.line)
                })
                .collect()
        };
        if mine.is_empty() && added.is_empty() {
            return None;
        }
        let text_of = |rel: &Path| {
            overlay
                .iter()
                .find(|(r, _)| r == rel)
                .and_then(|(_, t)| t.as_deref())
                .unwrap_or_default()
        };
        let mut lines = vec![format!(
            "Fiche non enregistrée : {} à corriger d’abord.",
            match mine.len() + added.len() {
                1 => "une erreur".to_string(),
                n => format!("{n} erreurs"),
            }
        )];
        for d in &mine {
            let key = field_at(text_of(&d.path), d.line);
            lines.push(said(d, key.map(|k| label(&d.path, k))));
        }
        for d in &added {
            lines.push(said(d, None));
        }
        Some(lines.join("\n"))
    }
}

/// The editor's label of the field `key` of the record at `rel` (« Anciennes adresses » for
/// `aliases`), or the key itself.
fn label(rel: &Path, key: String) -> String {
    use crate::load::FileKind;
    let section = match crate::load::classify(rel) {
        Some(Some(FileKind::Record(section))) => Some(section),
        _ => None,
    };
    crate::render::editor::fields::of(section)
        .into_iter()
        .find(|f| f.name == key)
        .map_or(key, |f| f.label.to_string())
}

fn errors(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

/// One error as the editor shows it: the field (or the file and line, for another record),
/// `check`'s message and its hint.
fn said(d: &Diagnostic, field: Option<String>) -> String {
    let place = match (field, d.line) {
        (Some(key), _) => format!("champ « {key} »"),
        (None, 0) => d.path.display().to_string(),
        (None, line) => format!("{}, ligne {line}", d.path.display()),
    };
    let mut text = format!("• {place} : {}", d.message);
    if let Some(help) = &d.help {
        text.push_str(&format!(" (aide : {help})"));
    }
    text
}

/// The top-level key of a record's front matter whose value holds `line` (1-based, counted in
/// the whole file), or `None` in the body or before the first key.
fn field_at(text: &str, line: usize) -> Option<String> {
    let mut key = None;
    let mut in_front = false;
    for (n, l) in text.lines().enumerate().take(line) {
        if n == 0 && l.trim_end() == "---" {
            in_front = true;
            continue;
        }
        if in_front && l.trim_end() == "---" {
            return None;
        }
        let starts_key = !l.starts_with([' ', '\t', '#', '-']) && l.contains(':');
        if starts_key {
            key = l
                .split(':')
                .next()
                .map(|k| k.trim().trim_matches(['"', '\'']).to_string());
        }
    }
    key.filter(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_named_by_the_key_that_holds_it() {
        let text = "---\ntitle: a\nspeakers:\n  - name: b\n    actor: x\nvenue: c\n---\n\nCorps\n";
        assert_eq!(field_at(text, 2).as_deref(), Some("title"));
        assert_eq!(field_at(text, 5).as_deref(), Some("speakers"));
        assert_eq!(field_at(text, 6).as_deref(), Some("venue"));
        assert_eq!(field_at(text, 9), None, "the body");
        let yaml = "title: a\ndomains: [x]\n";
        assert_eq!(field_at(yaml, 2).as_deref(), Some("domains"));
    }
}
