//! The one type for everything the user reads about their content: `Diagnostic`.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: errors stop the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in the site's files, pointing at the file, line and column.
///
/// `line` and `column` are 1-based and count from the start of the file (not of the front
/// matter block); 0 means "the whole file". A message or a hint that is the program's own
/// words is not copied (`Cow`): a check of a national directory may say the same thing of a
/// million records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: Cow<'static, str>,
    pub help: Option<Cow<'static, str>>,
}

impl Diagnostic {
    /// An error at a position of a file.
    pub fn error(
        path: impl AsRef<Path>,
        line: usize,
        column: usize,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.as_ref().to_path_buf(),
            line,
            column,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at a position of a file.
    pub fn warning(
        path: impl AsRef<Path>,
        line: usize,
        column: usize,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, column, message)
        }
    }

    /// Adds a hint saying how to fix the problem.
    pub fn with_help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: erreur: message`, then `  aide : hint` on its own line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        };
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {kind}: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  aide : {help}")?;
        }
        Ok(())
    }
}

/// Every value if there is no error, else every error: for work done in parallel, where one
/// failure must not hide the others.
pub fn all_or_errors<T>(
    results: Vec<Result<T, Vec<Diagnostic>>>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut values = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => values.push(v),
            Err(mut ds) => errors.append(&mut ds),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// A message of the TOML parser (`site.toml`, a theme's strings) in French, with a hint; its
/// serde messages (unknown key, wrong type) go through [`from_serde_message`] first.
pub fn from_toml_message(raw: &str) -> (String, Option<String>) {
    let (message, help) = from_serde_message(raw);
    if message != raw {
        return (message, help);
    }
    let first = raw.lines().next().unwrap_or("").trim();
    // A table or a key written twice: its name is in a later line of the message
    // (« invalid table header / duplicate key `commune` in document root »).
    let duplicate = raw
        .lines()
        .find_map(|l| l.trim().strip_prefix("duplicate key `"))
        .map(|rest| rest.split('`').next().unwrap_or(""));
    let (m, h): (String, Option<&str>) = if let Some(key) = duplicate {
        let table = first.starts_with("invalid table header");
        (
            if table {
                format!("la section [{key}] apparaît deux fois")
            } else {
                format!("la clé « {key} » apparaît deux fois")
            },
            Some(if table {
                "réunissez ses lignes sous un seul en-tête"
            } else {
                "gardez une seule de ces lignes"
            }),
        )
    } else if first.starts_with("expected newline") {
        (
            "fin de ligne attendue après la valeur".into(),
            Some(
                "une seule valeur par ligne ; un texte va entre guillemets : title = \"Mon titre\"",
            ),
        )
    } else if first.starts_with("invalid basic string")
        || first.starts_with("invalid literal string")
    {
        (
            "texte entre guillemets jamais fermé".into(),
            Some("fermez le guillemet à la fin de la valeur"),
        )
    } else if first.starts_with("invalid string") {
        (
            "valeur invalide : un texte va entre guillemets".into(),
            Some("par exemple title = \"Maison de l'ESS\" ; true, false et les nombres s'écrivent sans guillemets"),
        )
    } else if first.starts_with("number too large") || first.contains("too large") {
        ("nombre trop grand".into(), None)
    } else if first.starts_with("invalid table header") || first.starts_with("unclosed table") {
        (
            "en-tête de section mal formé".into(),
            Some("une section s'écrit [nom] seule sur sa ligne, par exemple [commune]"),
        )
    } else if first.starts_with("invalid key") {
        (
            "clé mal formée".into(),
            Some("une clé s'écrit en lettres, chiffres, - et _, suivie de « = » et de la valeur"),
        )
    } else if first.starts_with("expected `.`, `=`") || first.starts_with("expected `=`") {
        (
            "« = » attendu après la clé".into(),
            Some("écrivez clé = valeur"),
        )
    } else if first.starts_with("invalid number") || first.starts_with("invalid integer") {
        ("nombre mal écrit".into(), None)
    } else if first.starts_with("invalid inline table") {
        (
            "table { … } mal formée".into(),
            Some("écrivez {clé = valeur, autre = valeur} sur une seule ligne"),
        )
    } else if first.starts_with("invalid array") {
        (
            "liste [ … ] mal formée".into(),
            Some("séparez les éléments par des virgules et fermez le « ] »"),
        )
    } else {
        (
            "syntaxe TOML invalide à cet endroit".into(),
            Some("vérifiez les guillemets, les crochets et le « = » de cette ligne"),
        )
    };
    (m, h.map(str::to_string))
}

/// An operating system error in French (the system's own text is English): what happened,
/// then the error code for whoever needs to look it up.
pub fn io_fr(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if crate::files::is_not_regular(e) {
        return crate::files::NotRegular.to_string();
    }
    let what = match e.kind() {
        K::NotFound => "fichier ou dossier introuvable",
        K::PermissionDenied => "permission refusée",
        K::AlreadyExists => "existe déjà",
        K::StorageFull => "plus de place sur le disque",
        K::ReadOnlyFilesystem => "système de fichiers en lecture seule",
        K::NotADirectory => "n'est pas un dossier",
        K::IsADirectory => "est un dossier",
        K::DirectoryNotEmpty => "dossier non vide",
        K::InvalidFilename => "nom de fichier invalide",
        K::CrossesDevices => "déplacement impossible d'un disque à un autre",
        K::Unsupported => "opération non prise en charge par ce système",
        K::InvalidData => "contenu invalide",
        K::QuotaExceeded => "quota de disque dépassé",
        K::FileTooLarge => "fichier trop grand",
        K::Interrupted => "opération interrompue",
        _ => "erreur du système",
    };
    match e.raw_os_error() {
        Some(code) => format!("{what} (code {code})"),
        None => what.to_string(),
    }
}

/// A folder walk's error in French: the system's error, or a loop of symbolic links.
pub fn walk_fr(e: &walkdir::Error) -> String {
    match e.io_error() {
        Some(io) => io_fr(io),
        None => "boucle de liens symboliques".into(),
    }
}

/// Sorts diagnostics by file, then position, so reports are stable from run to run.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    // In parallel: a directory of undated actors has a warning each.
    rayon::slice::ParallelSliceMut::par_sort_by(diagnostics, |a, b| {
        (&a.path, a.line, a.column, a.severity, &a.message)
            .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
    });
}

/// The valid value closest to `got`, if one is close enough to be a likely typo.
pub fn closest<'a>(got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let got_lower = got.to_lowercase();
    // Case and accents aside first; between equals, the one written the same way.
    candidates
        .into_iter()
        .map(|c| {
            let score = strsim::jaro_winkler(&got_lower, &c.to_lowercase());
            (score, strsim::jaro_winkler(got, c), c)
        })
        .filter(|(score, _, _)| *score >= 0.75)
        .max_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then_with(|| a.1.total_cmp(&b.1))
                .then_with(|| b.2.cmp(a.2))
        })
        .map(|(_, _, c)| c)
}

/// "did you mean `x`?" for the closest candidate, or the list of valid values.
pub fn suggest(got: &str, candidates: &[&str]) -> String {
    match closest(got, candidates.iter().copied()) {
        Some(c) => format!(
            "vouliez-vous dire « {c} » ? Valeurs possibles : {}",
            candidates.join(", ")
        ),
        None => format!("valeurs possibles : {}", candidates.join(", ")),
    }
}

/// Turns serde's English messages into French ones, with the closest valid value as a hint.
pub fn from_serde_message(raw: &str) -> (String, Option<String>) {
    from_serde_message_hiding(raw, &[])
}

/// `from_serde_message`, leaving the keys `hidden` out of the valid keys it lists (`body`,
/// which only a `.yml` record may have, for a Markdown record).
pub fn from_serde_message_hiding(raw: &str, hidden: &[&str]) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (got, expected) = split_expected(rest);
        let help = expected.map(|mut list| {
            list.retain(|k| !hidden.contains(k));
            suggest(got, &list)
        });
        return (format!("clé inconnue « {got} »"), help);
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (got, expected) = split_expected(rest);
        let help = expected.map(|list| suggest(got, &list));
        return (format!("valeur inconnue « {got} »"), help);
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return (
            format!("champ obligatoire manquant : « {field} »"),
            Some(format!("ajoutez une ligne `{field}: …`")),
        );
    }
    if let Some(rest) = raw.strip_prefix("duplicate field `") {
        let field = rest.trim_end_matches('`');
        return (
            format!("la clé « {field} » apparaît deux fois"),
            Some("gardez une seule de ces lignes".into()),
        );
    }
    if let Some(rest) = raw.strip_prefix("duplicate entry with key ") {
        let key = rest.trim_matches('"');
        return (
            format!("la clé « {key} » apparaît deux fois"),
            Some("gardez une seule de ces lignes".into()),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        if let Some((got, expected)) = rest.split_once(", expected ") {
            return (
                format!(
                    "type incorrect : attendu {}, trouvé {}",
                    describe(expected),
                    describe(got)
                ),
                None,
            );
        }
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ") {
        if let Some((got, expected)) = rest.split_once(", expected ") {
            return (
                format!(
                    "valeur incorrecte : attendu {}, trouvé {}",
                    describe(expected),
                    describe(got)
                ),
                None,
            );
        }
    }
    (raw.to_string(), None)
}

/// Splits "x`, expected one of `a`, `b`" into ("x", [a, b]).
fn split_expected(rest: &str) -> (&str, Option<Vec<&str>>) {
    let Some((got, tail)) = rest.split_once('`') else {
        return (rest, None);
    };
    let list: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    (got, if list.is_empty() { None } else { Some(list) })
}

/// Serde's names for kinds of values, in French.
fn describe(s: &str) -> String {
    let s = s.trim();
    // A value as serde quotes it (`true`, "abc"), in French quotes.
    let quoted = |v: &str| {
        let v = v.split(" as ").next().unwrap_or(v).trim();
        format!("« {} »", v.trim_matches(|c| c == '`' || c == '"'))
    };
    let fr = match s {
        "a string" | "string" => "une chaîne de caractères",
        "sequence" | "a sequence" => "une liste",
        "map" | "a map" => "un dictionnaire (clé: valeur)",
        "a boolean" | "boolean" => "un booléen (true ou false)",
        "unit value" => "une valeur vide",
        "u32" | "u16" | "i32" | "i64" | "u64" | "a number" | "i8" | "i16" | "isize" => {
            "un nombre entier"
        }
        "usize" | "u8" => "un nombre entier positif",
        "f64" | "f32" => "un nombre",
        "a character" | "char" => "un caractère",
        "a date" => "une date",
        _ => {
            if let Some(v) = s.strip_prefix("string ") {
                return format!("la chaîne {}", quoted(v));
            }
            if let Some(v) = s.strip_prefix("integer ") {
                return format!("le nombre {}", quoted(v));
            }
            if let Some(v) = s.strip_prefix("boolean ") {
                return format!("le booléen {}", quoted(v));
            }
            if let Some(v) = s.strip_prefix("floating point ") {
                return format!("le nombre {}", quoted(v));
            }
            if let Some(v) = s.strip_prefix("char ") {
                return format!("le caractère {}", quoted(v));
            }
            // The model's own names (« struct Geo », « enum Kind ») and serde's other words.
            if s.starts_with("struct ") || s == "a map" {
                return "un dictionnaire (clé: valeur)".into();
            }
            if s.starts_with("enum ") || s == "variant identifier" {
                return "une des valeurs permises".into();
            }
            return match s {
                "field identifier" => "un nom de champ",
                "a value" => "une valeur",
                "text or a number" => "du texte ou un nombre",
                "a date (AAAA-MM-JJ)" => "une date (AAAA-MM-JJ)",
                "a time (HH:MM)" => "une heure (HH:MM)",
                "a name or {name, role, actor}" => "un nom, ou {name, role, actor}",
                "any YAML value" | "any value" => "une valeur",
                "a float" | "a floating point number" | "floating point" => "un nombre",
                "an integer" | "integer" | "i128" | "u128" => "un nombre entier",
                "a sequence" | "tuple" => "une liste",
                "option" | "an option" => "une valeur ou rien",
                "null" | "unit" => "une valeur vide",
                "a borrowed string" | "a string or a list" => "une chaîne de caractères",
                "bytes" | "byte array" => "des octets",
                "newtype struct" | "tuple struct" | "tuple variant" | "struct variant" => {
                    "une valeur composée"
                }
                "a YAML tag starting with '!'" | "a tagged value" => "une valeur marquée (!tag)",
                _ if s.is_ascii() => "une valeur d'un autre type",
                _ => s,
            }
            .to_string();
        }
    };
    fr.to_string()
}
