//! One translation layer for what the libraries underneath say: their messages are English,
//! everything a user reads is French. Each library has a table of its message shapes, `{}`
//! standing for a part kept as written (a name, a value); what matches no shape is said in
//! French by its kind, never echoed in English.

/// Matches `text` against `pattern` (`{}` for any text, at least one character) and returns
/// the parts, in order.
pub fn capture<'a>(pattern: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let pieces: Vec<&str> = pattern.split("{}").collect();
    let mut rest = text.strip_prefix(pieces[0])?;
    let mut parts = Vec::new();
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        let last = i + 1 == pieces.len();
        let at = if last && !piece.is_empty() {
            rest.strip_suffix(piece).map(str::len)?
        } else if last {
            rest.len()
        } else {
            rest.get(1..)?.find(piece)? + 1
        };
        if at == 0 {
            return None;
        }
        parts.push(&rest[..at]);
        rest = &rest[at + piece.len()..];
    }
    (pieces.len() == 1 && rest.is_empty() || pieces.len() > 1).then_some(parts)
}

/// The first shape of `table` that `text` has, in French: `{0}`, `{1}`… in the French text
/// stand for the parts.
pub fn lookup(table: &[(&str, &str)], text: &str) -> Option<String> {
    table.iter().find_map(|(en, fr)| {
        let parts = capture(en, text)?;
        let mut out = fr.to_string();
        for (i, p) in parts.iter().enumerate() {
            out = out.replace(&format!("{{{i}}}"), p.trim_matches(['`', '\'', '"']));
        }
        Some(out)
    })
}

/// The template engine's (Tera's) messages.
pub const TERA: &[(&str, &str)] = &[
    ("Variable `{}` not found in context while rendering '{}': the evaluated version was `{}`. Maybe the index is out of bounds?", "variable `{0}` inconnue ici (évaluée en `{2}` : indice hors de la liste ?)"),
    ("Variable `{}` not found in context while rendering '{}'", "variable `{0}` inconnue ici"),
    ("Circular extend detected for template '{}'. Inheritance chain: `{}`", "héritage circulaire : le gabarit « {0} » s'étend lui-même ({1})"),
    ("Template '{}' is inheriting from '{}', which doesn't exist or isn't loaded.", "le gabarit « {0} » étend « {1} », qui n'existe pas"),
    ("Template '{}' not found", "gabarit introuvable : {0}"),
    ("Filter '{}' not found", "filtre `{0}` inconnu"),
    ("Test '{}' not found", "test `{0}` inconnu"),
    ("Function '{}' not found", "fonction `{0}` inconnue"),
    ("Invalid macro definition: `{}`", "définition de macro invalide : `{0}`"),
    ("Function call '{}' failed", "l'appel de la fonction `{0}` a échoué"),
    ("Filter call '{}' failed", "le filtre `{0}` a échoué"),
    ("Test call '{}' failed", "le test `{0}` a échoué"),
    ("Io error while writing rendered value to output: {}", "écriture de la page impossible"),
    ("UTF-8 conversion error occured while rendering template: {}", "texte produit invalide (UTF-8)"),
    ("Tried to iterate using key value on variable `{}`, but it isn't an object/map", "boucle `for clé, valeur` sur `{0}`, qui n'est pas un dictionnaire"),
    ("Tried to iterate using key value on variable `{}`, but it is missing a key", "boucle `for clé, valeur` sur `{0}` : une clé manque"),
    ("Tried to iterate on a container (`{}`) that has a unsupported type", "boucle `for` sur `{0}`, qui n'est ni une liste ni un dictionnaire"),
    ("Macro `{}` is missing the argument `{}`", "il manque l'argument `{1}` à la macro `{0}`"),
    ("Macro `{}` not found in template `{}`", "macro `{0}` introuvable dans le gabarit « {1} »"),
    ("Macro namespace `{}` was not found in template `{}`. Have you maybe forgotten to import it, or misspelled it?", "espace de macros `{0}` inconnu dans le gabarit « {1} » : importé avec `{% import … as {0} %}` ?"),
    ("Inheritance in included templates is currently not supported: extended `{}`", "un gabarit inclus ne peut pas en étendre un autre (`{0}`)"),
    ("Tried to use super() in the top level block", "`super()` hors d'un bloc hérité"),
    ("Variable `{}` was used in a math operation but is not a number", "`{0}` sert dans un calcul mais n'est pas un nombre"),
    ("Function `{}` was used in a math operation but is not returning a number", "la fonction `{0}` sert dans un calcul mais ne renvoie pas un nombre"),
    ("Function `{}` was used in a logic operation but is not returning a bool", "la fonction `{0}` sert dans une condition mais ne renvoie pas un booléen"),
    ("Variable {} can not be evaluated because: {}", "`{0}` ne peut pas être évaluée"),
    ("Forloop containers have to be an ident or a function call (tried to iterate on '{}')", "une boucle `for` parcourt une variable ou le résultat d'une fonction"),
    ("Tried to check if {} is in a object, but it isn't a string", "`in` sur un dictionnaire demande du texte ({0})"),
    ("Tried to check if {} is in a string, but it isn't a string", "`in` sur du texte demande du texte ({0})"),
    ("Tried to concat a value that is not a string or a number from function call {}", "`~` ne joint que du texte ou des nombres (fonction {0})"),
    ("Tried to concat a value that is not a string or a number from ident {}", "`~` ne joint que du texte ou des nombres (`{0}`)"),
    ("Tried to do a modulo by zero: {}/{}", "modulo par zéro"),
    ("{} results in an out of bounds {}", "calcul hors des limites des nombres entiers ({0})"),
    ("Only variables evaluating to String or Number can be used as index (`{}` of `{}`)", "seuls du texte ou un nombre servent d'indice (`{0}` de `{1}`)"),
    ("Tried to do math with a string: `{}`", "calcul sur du texte : `{0}`"),
    ("Tried to do math with a boolean: `{}`", "calcul sur un booléen : `{0}`"),
    ("Tried to do math with a string concatenation: {}", "calcul sur une concaténation de texte : {0}"),
    ("Tried to do math with a test: {}", "calcul sur un test : {0}"),
    ("Tried to do math with an expression not resulting in a number", "calcul sur une expression qui n'est pas un nombre"),
    ("Filter `{}` received an incorrect type for arg `{}`: got `{}` but expected a {}", "le filtre `{0}` a reçu un argument `{1}` du mauvais type (`{2}`)"),
    ("Filter `{}` was called on an incorrect value: got `{}` but expected a {}", "le filtre `{0}` ne s'applique pas à cette valeur (`{1}`)"),
    ("Filter `{}` was called on an incorrect value: got `{}` but expected {}", "le filtre `{0}` ne s'applique pas à cette valeur (`{1}`)"),
    ("Function `{}` received {}", "la fonction `{0}` a reçu un argument du mauvais type"),
    ("Function `{}` was called without a `{}` argument", "il manque l'argument `{1}` à la fonction `{0}`"),
    ("Attempted `{}` while not in `for loop`", "`{0}` hors d'une boucle `for`"),
    ("Comparison to NaN", "comparaison à une valeur qui n'est pas un nombre"),
    ("Integer out of bounds: `{}`", "nombre entier trop grand : `{0}`"),
    ("Float out of bounds: `{}`", "nombre trop grand : `{0}`"),
    ("expected number got {}", "un nombre est attendu, pas {0}"),
    ("expected bool got {}", "un booléen est attendu, pas {0}"),
    ("expected string got {}", "du texte est attendu, pas {0}"),
    ("expected array got {}", "une liste est attendue, pas {0}"),
    ("{} is not a sortable value", "valeur impossible à trier"),
    ("{} is not a unique value", "valeur impossible à dédoublonner"),
];

/// A Tera message in French: by its shape, else by the names it quotes (in code), never in
/// English.
pub fn tera(message: &str) -> String {
    if let Some(fr) = lookup(TERA, message) {
        return fr;
    }
    // The site's own filters and functions (`render::templates`) speak French already.
    if !message.is_ascii() {
        return message.to_string();
    }
    let quoted: Vec<&str> = message
        .split(['`', '\''])
        .skip(1)
        .step_by(2)
        .filter(|q| !q.is_empty())
        .collect();
    if quoted.is_empty() {
        "le moteur de gabarits a refusé cette expression".into()
    } else {
        format!(
            "le moteur de gabarits a refusé cette expression (en cause : `{}`)",
            quoted.join("`, `")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_capture_their_parts() {
        assert_eq!(
            capture("Filter '{}' not found", "Filter 'x' not found"),
            Some(vec!["x"])
        );
        assert_eq!(
            capture(
                "Macro `{}` is missing the argument `{}`",
                "Macro `m` is missing the argument `a`"
            ),
            Some(vec!["m", "a"])
        );
        assert_eq!(
            capture("Filter '{}' not found", "Filter 'x' not found here"),
            None
        );
        assert_eq!(
            tera("Filter 'majuscule' not found"),
            "filtre `majuscule` inconnu"
        );
        assert_eq!(
            tera("Template 'page.html' is inheriting from 'base2.html', which doesn't exist or isn't loaded."),
            "le gabarit « page.html » étend « base2.html », qui n'existe pas"
        );
        assert_eq!(
            tera("Something new about `x`"),
            "le moteur de gabarits a refusé cette expression (en cause : `x`)"
        );
    }

    /// Every shape of the table is French once translated, and every placeholder is used.
    #[test]
    fn every_shape_translates_to_french() {
        for (en, _) in TERA {
            let sample = en.replace("{}", "x1");
            let out = lookup(TERA, &sample).expect(en);
            assert!(!out.contains("{0}") && !out.contains("{1}"), "{en} → {out}");
            assert!(
                !out.contains(" the ") && !out.contains(" not "),
                "{en} → {out}"
            );
        }
    }
}
