//! The only module that knows the YAML library: parsing, error positions, and French messages.
//!
//! `serde_yaml` is archived upstream; keeping every call behind this module means swapping it
//! is a one-file change.

use crate::diagnostic::{from_serde_message_hiding, Diagnostic};
pub use scan::key_position;
use serde::de::DeserializeOwned;

mod scan;
pub use scan::Positions;
use scan::{second_key, too_deep, MAX_FLOW_DEPTH};
use std::path::Path;

/// Parses `text` (YAML that starts at line `first_line` of the file at `path`) into `T`.
///
/// The error, if any, points at the line and column of the file, not of the YAML block.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
) -> Result<T, Diagnostic> {
    // An empty document is an empty mapping, so that a file with only `---\n---` reports
    // the missing fields rather than "invalid type: unit".
    let text = if text.trim().is_empty() { "{}" } else { text };
    if let Some((line, column)) = too_deep(text) {
        return Err(Diagnostic::error(
            path,
            line + first_line - 1,
            column,
            format!("imbrication trop profonde : plus de {MAX_FLOW_DEPTH} crochets ou accolades ouverts les uns dans les autres"),
        )
        .with_help("une fiche n'a besoin que de quelques niveaux : vérifiez les « [ » et « { » de cette valeur"));
    }
    serde_yaml::from_str(text).map_err(|e| {
        // A value of the wrong type can be the symptom of a syntax error further on (an
        // unclosed `{` takes the next lines as its text): the syntax error comes first.
        let syntax = serde_yaml::from_str::<serde_yaml::Value>(text).err();
        to_diagnostic(syntax.as_ref().unwrap_or(&e), text, path, first_line)
    })
}

/// What `parse_all` could read of a text with errors.
#[derive(Debug)]
pub struct Partial<T> {
    /// Every problem, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The value without the keys (or list items) in error, when the rest parses: checked
    /// like the others, so that one mistake does not hide the next, but never published.
    pub value: Option<T>,
    /// The top-level keys set aside (wholly or one of their items).
    pub set_aside: Vec<String>,
}

/// Parses `text` into `T`, reporting every field-level problem rather than only the first:
/// after each error in a top-level key, that key's lines (or, for an item of a block list,
/// the item's lines: `program[2].start`) are set aside and parsing goes on. A YAML syntax
/// error stops at once, since nothing after it can be trusted.
pub fn parse_all<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
) -> Result<T, Partial<T>> {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut current = text.to_string();
    let mut set_aside: Vec<String> = Vec::new();
    // Items set aside, by key, as indices in the original list (the messages name those).
    let mut items_aside: Vec<(String, usize)> = Vec::new();
    let mut value = None;
    // Each round sets one key aside and parses again, so there are at most as many rounds as
    // lines; and the rounds together read at most 16 times the text (or 1 MiB), so that a file
    // of thousands of wrong keys costs a bounded time.
    let budget = (text.len() * 16).max(1 << 20);
    let mut read = 0usize;
    for _ in 0..=text.lines().count() {
        if read > budget {
            diagnostics.push(too_many(&diagnostics, path, first_line));
            break;
        }
        read += current.len();
        let mut d = match parse::<T>(&current, path, first_line) {
            Ok(v) if diagnostics.is_empty() => return Ok(v),
            Ok(v) => {
                value = Some(v);
                break;
            }
            Err(d) => d,
        };
        // A required key set aside because it was wrong is not also "missing".
        if set_aside
            .iter()
            .any(|k| d.message == format!("champ obligatoire manquant : « {k} »"))
        {
            break;
        }
        // An anchor (`&nom`) defined in a key set aside is missing now, not in the file: its
        // references (`*nom`, `<<: *nom`) are no mistake of their own.
        if current != text && *d.message == *Syntax::Anchor.words().0 {
            break;
        }
        let recoverable = d.message.starts_with("clé inconnue")
            || d.message.contains(" : ")
                && !d.message.starts_with("YAML invalide")
                && !d.message.starts_with("champ obligatoire");
        let line = d.line.checked_sub(first_line).map(|l| l + 1);
        let item = recoverable
            .then(|| list_item_of(&d.message))
            .flatten()
            .and_then(|(key, index)| {
                let original = original_index(&items_aside, &key, index);
                let lines = item_lines(&current, &key, index)?;
                Some((key, index, original, lines))
            });
        let block = match (&item, line) {
            (Some((key, index, original, lines)), _) => {
                // The message names the item as the file has it, not as the rounds do.
                d.message = d
                    .message
                    .replacen(&format!("{key}[{index}]"), &format!("{key}[{original}]"), 1)
                    .into();
                items_aside.push((key.clone(), *original));
                Some((lines.0, lines.1, key.clone()))
            }
            (None, Some(l)) if recoverable => top_level_block(&current, l),
            _ => None,
        };
        diagnostics.push(d);
        let Some((start, end, key)) = block else {
            break;
        };
        current = blank_lines(&current, start, end);
        if !set_aside.contains(&key) {
            set_aside.push(key);
        }
    }
    Err(Partial {
        diagnostics,
        value,
        set_aside,
    })
}

/// The diagnostic that closes a file with too many errors.
fn too_many(diagnostics: &[Diagnostic], path: &Path, first_line: usize) -> Diagnostic {
    let line = diagnostics.last().map_or(first_line, |d| d.line);
    Diagnostic::error(
        path,
        line,
        0,
        format!(
            "trop d'erreurs dans ce fichier : les {} premières sont montrées",
            diagnostics.len()
        ),
    )
    .with_help("corrigez-les, puis relancez pour voir la suite")
}

/// `text` with lines `start..=end` (1-based) emptied, so that the other lines keep their
/// numbers.
fn blank_lines(text: &str, start: usize, end: usize) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if (start..=end).contains(&(i + 1)) {
                if l.ends_with('\n') {
                    "\n"
                } else {
                    ""
                }
            } else {
                l
            }
        })
        .collect()
}

/// The list item a message is about: `program[2].start : …` → (`program`, 2).
fn list_item_of(message: &str) -> Option<(String, usize)> {
    let head = message.split(" : ").next()?;
    let (key, rest) = head.split_once('[')?;
    let index = rest.split(']').next()?.parse().ok()?;
    (!key.contains(['.', ' '])).then(|| (key.to_string(), index))
}

/// The index in the original list of item `index` of `key`, once the items of `aside` are
/// gone.
fn original_index(aside: &[(String, usize)], key: &str, index: usize) -> usize {
    let mut removed: Vec<usize> = aside
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, i)| *i)
        .collect();
    removed.sort_unstable();
    let mut original = index;
    for r in removed {
        if r <= original {
            original += 1;
        }
    }
    original
}

/// The lines (first, last; 1-based) of item `index` of the block list under top-level `key`,
/// skipping items already blanked. `None` for a list written in brackets.
fn item_lines(text: &str, key: &str, index: usize) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let (start, end, _) = top_level_block(text, key_position(text, key)?.0)?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let dash = (start..end).map(|n| lines[n]).find_map(|l| {
        let t = l.trim_start();
        (t.starts_with("- ") || t == "-").then(|| indent(l))
    })?;
    let starts: Vec<usize> = (start..end)
        .filter(|&n| {
            let l = lines[n];
            indent(l) == dash && (l.trim_start().starts_with("- ") || l.trim() == "-")
        })
        .map(|n| n + 1)
        .collect();
    let first = *starts.get(index)?;
    let last = starts.get(index + 1).map_or(end, |next| next - 1);
    Some((first, last))
}

/// The top-level `key:` block holding line `line` (1-based): (first line, last line, key).
fn top_level_block(text: &str, line: usize) -> Option<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let is_top =
        |l: &str| !l.is_empty() && !l.starts_with([' ', '\t', '-', '#']) && l.contains(':');
    let start = (1..=line.min(lines.len()))
        .rev()
        .find(|&n| is_top(lines[n - 1]))?;
    let end = (start + 1..=lines.len())
        .find(|&n| is_top(lines[n - 1]))
        .map_or(lines.len(), |n| n - 1);
    let key = lines[start - 1].split(':').next()?.trim().to_string();
    Some((start, end, key))
}

/// Writes `value` as YAML (for the files the tool itself keeps, such as the letters' archive).
pub fn to_text<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// Parses free YAML data (for `content/data/`) into a JSON-like value for templates.
pub fn parse_value(text: &str, path: &Path) -> Result<serde_json::Value, Diagnostic> {
    parse::<serde_json::Value>(text, path, 1)
}

fn to_diagnostic(e: &serde_yaml::Error, text: &str, path: &Path, first_line: usize) -> Diagnostic {
    let (mut line, mut column) = match e.location() {
        Some(loc) => (loc.line(), loc.column()),
        None => (1, 1),
    };
    let raw = e.to_string();
    // serde_yaml appends " at line X column Y": the position is given separately.
    let raw = match raw.find(" at line ") {
        Some(i) => &raw[..i],
        None => raw.as_str(),
    };
    // serde_yaml names the field path first: "program[2].kind: unknown variant …".
    let (field, raw) = match raw.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(' ') => (Some(path), rest),
        _ => (None, raw),
    };
    // A Markdown record's text is after its front matter: `body:` is for `.yml` records.
    let hidden: &[&str] = if path.extension().is_some_and(|e| e == "md") {
        &["body"]
    } else {
        &[]
    };
    let (mut message, mut help) = from_serde_message_hiding(raw, hidden);
    // An unclosed bracket or quote is reported where the parser gave up (often the next
    // key's line): point at where it was opened instead.
    let unclosed = match syntax_kind(raw) {
        Some(Syntax::Unclosed(kind)) => Some(kind),
        _ => None,
    };
    let mut syntax = syntax_kind(raw);
    if let Some(kind) = unclosed {
        match still_open(text, line, column, kind) {
            Some(at) => (line, column) = at,
            // The end of the text, and no quote open: something else is missing.
            None if kind == Opened::Quote => syntax = Some(Syntax::EndOfHeader),
            None => {}
        }
    }
    if let Some((m, h)) = syntax.map(Syntax::words) {
        message = m.to_string();
        help = Some(h.to_string());
    } else if message == raw && field.is_none() && raw.is_ascii() {
        // A message of the YAML parser not translated: said in French, without its English.
        message = "YAML invalide à cet endroit".to_string();
        help = Some(
            "vérifiez l'indentation, les guillemets et les « : » de cette ligne et de la précédente"
                .into(),
        );
    }
    let duplicated = raw
        .strip_prefix("duplicate field `")
        .map(|r| r.trim_end_matches('`'))
        .or_else(|| {
            raw.strip_prefix("duplicate entry with key ")
                .map(|r| r.trim_matches('"'))
        });
    if let Some(key) = duplicated {
        // The parser points at the start of the mapping; the second occurrence is the culprit.
        if let Some(at) = second_key(text, key, line, column) {
            (line, column) = at;
        }
    }
    if let Some(field) = field {
        message = format!("{field} : {message}");
    }
    let d = Diagnostic::error(path, line + first_line - 1, column, message);
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// What can be open when the parser stops: a list, a mapping, a quoted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opened {
    List,
    Map,
    Quote,
}

/// A YAML syntax error, as the comms team is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Unclosed(Opened),
    Colon,
    Tab,
    Indentation,
    Escape,
    Expansion,
    OutsideKey,
    Control,
    Unicode,
    Documents,
    Anchor,
    EndOfHeader,
}

impl Syntax {
    /// The message and the hint.
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Syntax::Unclosed(Opened::List) => ("liste entre crochets jamais fermée", "ajoutez le « ] » qui ferme la liste, par exemple `domains: [sante, sport]`"),
            Syntax::Unclosed(Opened::Map) => ("dictionnaire entre accolades jamais fermé", "ajoutez le « } » qui le ferme, par exemple `geo: {lat: 48.77, lon: 2.29}`"),
            Syntax::Unclosed(Opened::Quote) => ("guillemet jamais fermé", "fermez le guillemet à la fin de la valeur"),
            Syntax::Colon => ("« : » inattendu", "une valeur qui contient « : » se met entre guillemets : title: \"Forum : le programme\" ; sinon vérifiez l'indentation"),
            Syntax::Tab => ("caractère interdit à cet endroit (une tabulation ?)", "indentez avec des espaces, jamais avec des tabulations"),
            Syntax::Indentation => ("indentation incohérente", "les clés d'un même bloc et les éléments d'une même liste doivent être alignés"),
            Syntax::Escape => ("caractère d'échappement inconnu entre guillemets doubles", "écrivez \\\\ pour une barre oblique inverse, ou utilisez des guillemets simples"),
            Syntax::Expansion => ("trop de renvois (*nom) ou d'imbrications : le contenu se développerait sans fin", "écrivez les valeurs en entier plutôt qu'avec des ancres (&nom) et des renvois (*nom)"),
            Syntax::OutsideKey => ("texte inattendu hors d'une clé", "chaque ligne de l'en-tête est `clé: valeur` ; un texte sur plusieurs lignes s'indente sous sa clé"),
            Syntax::Control => ("caractère de contrôle (invisible) interdit", "retirez ce caractère, souvent copié d'un autre logiciel"),
            Syntax::Unicode => ("échappement Unicode invalide entre guillemets doubles", "écrivez \\u suivi de quatre chiffres hexadécimaux, ou mettez la valeur entre guillemets simples"),
            Syntax::Documents => ("plusieurs documents YAML dans un même fichier", "une fiche est un seul document : retirez les lignes « --- » en trop"),
            Syntax::Anchor => ("renvoi (*nom) vers une ancre (&nom) qui n'existe pas", "définissez l'ancre avant de la citer, ou retirez le « * »"),
            Syntax::EndOfHeader => ("fin de l'en-tête inattendue", "vérifiez les guillemets et les crochets"),
        }
    }
}

/// The kind of a YAML parser's message, if it is a syntax error.
fn syntax_kind(raw: &str) -> Option<Syntax> {
    let starts = |p: &str| raw.starts_with(p);
    Some(if starts("did not find expected ',' or ']'") {
        Syntax::Unclosed(Opened::List)
    } else if starts("did not find expected ',' or '}'") {
        Syntax::Unclosed(Opened::Map)
    } else if starts("mapping values are not allowed") {
        Syntax::Colon
    } else if raw.contains("tab character") || raw.contains("cannot start any token") {
        Syntax::Tab
    } else if starts("did not find expected key") || starts("did not find expected '-'") {
        Syntax::Indentation
    } else if starts("found unknown escape character") {
        Syntax::Escape
    } else if starts("repetition limit exceeded") || starts("recursion limit exceeded") {
        Syntax::Expansion
    } else if starts("did not find expected <document start>") {
        Syntax::OutsideKey
    } else if starts("control characters are not allowed") {
        Syntax::Control
    } else if starts("found invalid Unicode character escape code")
        || raw.contains("escape code")
        || starts("did not find expected hexadecimal number")
    {
        Syntax::Unicode
    } else if raw.contains("more than one document") {
        Syntax::Documents
    } else if starts("unknown anchor") {
        Syntax::Anchor
    } else if starts("found unexpected end of stream")
        || raw.contains("while scanning a quoted scalar")
    {
        Syntax::Unclosed(Opened::Quote)
    } else {
        return None;
    })
}

/// Where the list, mapping or quote of `kind` still open at (`line`, `column`) — where the
/// parser stopped — was opened: (line, column), 1-based. A `[`, `{` or quote opens only where
/// a value starts (after `:`, `-`, `,`, `[`, `{` or at the start of a line), as in YAML: in
/// « l'ESS » or « titre [2016] » they are text.
fn still_open(text: &str, line: usize, column: usize, kind: Opened) -> Option<(usize, usize)> {
    let mut stack: Vec<(Opened, usize, usize)> = Vec::new();
    let mut quote: Option<(char, usize, usize)> = None;
    for (n, l) in text.lines().enumerate().take(line) {
        let mut value_start = true;
        let mut chars = l.chars().enumerate().peekable();
        while let Some((c, ch)) = chars.next() {
            if n + 1 == line && c + 1 >= column && kind != Opened::Quote {
                break;
            }
            if let Some((q, _, _)) = quote {
                if ch == q {
                    // '' inside single quotes is an escaped quote.
                    if q == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                        value_start = false;
                    }
                } else if ch == '\\' && q == '"' {
                    chars.next();
                }
                continue;
            }
            match ch {
                '#' if value_start
                    || l[..l.char_indices().nth(c).map_or(0, |(i, _)| i)].ends_with(' ') =>
                {
                    break
                }
                '"' | '\'' if value_start => quote = Some((ch, n + 1, c + 1)),
                '[' if value_start => stack.push((Opened::List, n + 1, c + 1)),
                '{' if value_start => stack.push((Opened::Map, n + 1, c + 1)),
                ']' | '}' if !stack.is_empty() => {
                    stack.pop();
                }
                ' ' | '\t' => continue,
                // `key: `, `- ` and, in a list or mapping, `,` start a value.
                ':' | '-' if chars.peek().is_none_or(|(_, next)| *next == ' ') => {
                    value_start = true;
                    continue;
                }
                ',' if !stack.is_empty() => {
                    value_start = true;
                    continue;
                }
                _ => {}
            }
            value_start = matches!(ch, '[' | '{');
        }
    }
    match kind {
        Opened::Quote => quote.map(|(_, l, c)| (l, c)),
        _ => stack
            .iter()
            .rev()
            .find(|(k, _, _)| *k == kind)
            .map(|(_, l, c)| (*l, *c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_of_wrong_keys_are_reported_in_bounded_rounds() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct R {
            title: String,
        }
        let text: String = "title: x\n".to_string()
            + &(0..20_000)
                .map(|i| format!("cle{i}: {i}\n"))
                .collect::<String>();
        let ds = parse_all::<R>(&text, Path::new("a.md"), 2)
            .unwrap_err()
            .diagnostics;
        // Every round parses the text again: their number is bounded by the budget (16 times
        // the text, or 1 MiB), not by the number of wrong keys.
        let rounds = (text.len() * 16).max(1 << 20) / text.len() + 2;
        assert!(ds.len() <= rounds, "{} diagnostics", ds.len());
        assert_eq!(ds[0].message, "clé inconnue « cle0 »");
        let last = ds.last().unwrap();
        assert!(
            last.message
                .starts_with("trop d'erreurs dans ce fichier : les "),
            "{last:?}"
        );
    }

    #[test]
    fn unknown_key_gets_french_message_and_closest_key() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct R {
            title: String,
            date: Option<String>,
        }
        let e = parse::<R>("title: x\ntitel: y\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.message, "clé inconnue « titel »");
        assert!(e.help.unwrap().contains("« title »"));
    }

    #[test]
    fn every_wrong_key_is_reported() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct R {
            title: String,
            #[serde(default)]
            tags: Vec<String>,
            #[serde(default)]
            draft: bool,
        }
        let text = "title: x\ntitel: y\ntags: un\ndraft: oui\n";
        let errors = parse_all::<R>(text, Path::new("a.md"), 2)
            .unwrap_err()
            .diagnostics;
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5], "{errors:?}");
        let errors = parse_all::<R>("title: [a]\ntitel: y\n", Path::new("a.md"), 1)
            .unwrap_err()
            .diagnostics;
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    #[test]
    fn deep_flow_nesting_is_found_in_one_pass_and_text_brackets_are_not() {
        let deep = format!(
            "title: x\ntags: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(too_deep(&deep), Some((2, 6 + MAX_FLOW_DEPTH + 1)));
        let maps = format!("geo: {}1{}\n", "{a: ".repeat(70), "}".repeat(70));
        assert!(too_deep(&maps).is_some());
        let fine = "title: \"[[[[\" # [[[[[[\nsummary: titre [2016] [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\ntags: [[a, [b]], {c: [d]}]\n";
        assert_eq!(too_deep(fine), None);
    }

    #[test]
    fn value_position_finds_list_items() {
        let text = "title: x\ndomains:\n  - sante\n  - sport\nstages: [informer, former]\n";
        let mut p = Positions::default();
        assert_eq!(p.value(text, "domains", "sport"), Some((4, 5)));
        assert_eq!(p.value(text, "stages", "former"), Some((5, 20)));
        assert_eq!(p.value(text, "stages", "sante"), None);
        // Found again from where the last value was, wrapping round.
        assert_eq!(p.value(text, "domains", "sport"), Some((4, 5)));
    }
}
