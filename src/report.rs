//! Prints diagnostics for people: `path:line:col: erreur: …`, the source line and a caret,
//! in colour on a terminal only.

use crate::diagnostic::{Diagnostic, Severity};
use std::io::Write;
use std::path::Path;

/// How to print: with ANSI colours (on a terminal only), and how many warnings at most.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Warnings beyond this many are counted, not shown.
    pub max_warnings: usize,
}

impl Style {
    /// Colours when `stderr` is a terminal and `NO_COLOR` is not set.
    pub fn for_stderr(max_warnings: usize) -> Style {
        use std::io::IsTerminal;
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Style {
            color,
            max_warnings,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Writes every diagnostic, with the line of the file it points at, then a count.
pub fn print(
    out: &mut dyn Write,
    root: &Path,
    diagnostics: &[Diagnostic],
    style: Style,
) -> std::io::Result<()> {
    let mut warnings_seen = 0;
    // Each file read once, its lines found once: thousands of problems in one file are
    // printed in time linear in the file.
    let mut files: std::collections::HashMap<&Path, Option<(String, Vec<usize>)>> =
        std::collections::HashMap::new();
    for d in diagnostics {
        if d.severity == Severity::Warning {
            warnings_seen += 1;
            if warnings_seen > style.max_warnings {
                continue;
            }
        }
        let (kind, code) = match d.severity {
            Severity::Error => ("erreur", "1;31"),
            Severity::Warning => ("avertissement", "1;33"),
        };
        let place = visible(&location(d));
        writeln!(
            out,
            "{}: {}: {}",
            style.paint("1", &place),
            style.paint(code, kind),
            visible(&d.message)
        )?;
        if d.line > 0 {
            let file = files
                .entry(d.path.as_path())
                .or_insert_with(|| lines_of(&root.join(&d.path)));
            if let Some(text) = file.as_ref().and_then(|f| source_line(f, d.line)) {
                let gutter = d.line.to_string();
                let bar = style.paint("34", "|");
                let blank = " ".repeat(gutter.len());
                writeln!(out, "{blank} {bar}")?;
                writeln!(out, "{} {bar} {text}", style.paint("34", &gutter))?;
                if d.column > 0 {
                    let pad: String = text
                        .chars()
                        .take(d.column - 1)
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    writeln!(out, "{blank} {bar} {pad}{}", style.paint(code, "^"))?;
                }
            }
        }
        if let Some(help) = &d.help {
            writeln!(out, "  = {} : {}", style.paint("36", "aide"), visible(help))?;
        }
        writeln!(out)?;
    }
    if warnings_seen > style.max_warnings {
        writeln!(
            out,
            "… et {} autres avertissements : `ess-site check` les montre tous.\n",
            warnings_seen - style.max_warnings
        )?;
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        let mut line = count(errors, "erreur", "erreurs");
        if warnings > 0 {
            line.push_str(&format!(
                ", {}",
                count(warnings, "avertissement", "avertissements")
            ));
        }
        writeln!(out, "{line}")?;
    } else if warnings > 0 {
        writeln!(
            out,
            "{}",
            count(warnings, "avertissement", "avertissements")
        )?;
    }
    Ok(())
}

/// `path:line:col`, as far as it is known.
fn location(d: &Diagnostic) -> String {
    match (d.line, d.column) {
        (0, _) => d.path.display().to_string(),
        (l, 0) => format!("{}:{l}", d.path.display()),
        (l, c) => format!("{}:{l}:{c}", d.path.display()),
    }
}

/// « 1 erreur », « 3 erreurs ».
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// A file's text and where each of its lines starts.
fn lines_of(path: &Path) -> Option<(String, Vec<usize>)> {
    let text = String::from_utf8_lossy(&crate::files::read(path).ok()?).into_owned();
    let starts = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    Some((text, starts))
}

/// Line `line` (1-based) of a file, as the terminal may show it.
fn source_line((text, starts): &(String, Vec<usize>), line: usize) -> Option<String> {
    let start = *starts.get(line - 1)?;
    if start >= text.len() {
        return None;
    }
    let end = starts.get(line).map_or(text.len(), |&e| e - 1);
    Some(visible(text[start..end].trim_end_matches('\r')))
}

/// Text as a terminal may show it: a control character (an escape sequence that would move
/// the cursor, change colours or the window's title) is shown as its picture (␛, ␀…), one
/// character for one, so that the caret under a line stays in place. Tabs stay.
pub fn visible(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\t' => '\t',
            '\u{7f}' => '\u{2421}',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}
