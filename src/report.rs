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
        let place = location(d);
        writeln!(
            out,
            "{}: {}: {}",
            style.paint("1", &place),
            style.paint(code, kind),
            d.message
        )?;
        if d.line > 0 {
            if let Some(text) = source_line(&root.join(&d.path), d.line) {
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
            writeln!(out, "  = {} : {help}", style.paint("36", "aide"))?;
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

fn source_line(path: &Path, line: usize) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    text.lines()
        .nth(line - 1)
        .map(|l| l.trim_end_matches('\r').to_string())
}
