//! Prints diagnostics for people: `path:line:col: erreur: …`, the source line and a caret.

use crate::diagnostic::{Diagnostic, Severity};
use std::io::Write;
use std::path::Path;

/// Writes every diagnostic, with the line of the file it points at, then a count.
pub fn print(out: &mut dyn Write, root: &Path, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    for d in diagnostics {
        writeln!(out, "{}", first_line(d))?;
        if d.line > 0 {
            if let Some(text) = source_line(&root.join(&d.path), d.line) {
                let gutter = d.line.to_string();
                writeln!(out, "{} |", " ".repeat(gutter.len()))?;
                writeln!(out, "{gutter} | {text}")?;
                if d.column > 0 {
                    let pad: String = text
                        .chars()
                        .take(d.column - 1)
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    writeln!(out, "{} | {pad}^", " ".repeat(gutter.len()))?;
                }
            }
        }
        if let Some(help) = &d.help {
            writeln!(out, "  = aide : {help}")?;
        }
        writeln!(out)?;
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        writeln!(
            out,
            "{}",
            count(errors, "erreur", "erreurs") + &and_warnings(warnings)
        )?;
    } else if warnings > 0 {
        writeln!(
            out,
            "{}",
            count(warnings, "avertissement", "avertissements")
        )?;
    }
    Ok(())
}

fn first_line(d: &Diagnostic) -> String {
    let mut s = d.to_string();
    if let Some(i) = s.find('\n') {
        s.truncate(i);
    }
    s
}

fn and_warnings(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", {}", count(n, "avertissement", "avertissements"))
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
