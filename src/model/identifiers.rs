//! The national identifiers an actor may give: its establishment's SIRET (INSEE's directory),
//! or for an association without one, its RNA number (the national register of associations).
//! What is wrong with one is said in French, with the form that is right.

/// La Poste's SIREN: its establishments' SIRET follow a rule of their own (the sum of the
/// digits is a multiple of 5), not Luhn's.
const LA_POSTE: &str = "356000000";

/// The digits of a number as written: spaces (and non-breaking ones) between groups are allowed.
fn digits(written: &str) -> String {
    written
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect()
}

/// Luhn's checksum, which INSEE's SIREN and SIRET carry in their last digit.
fn luhn(number: &str) -> bool {
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d = d * 2;
                if d > 9 {
                    d - 9
                } else {
                    d
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// What is wrong with a SIRET as written, and what to write: `None` when it is right.
pub fn siret_problem(written: &str) -> Option<(String, &'static str)> {
    let number = digits(written);
    if number.len() != 14 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Some((
            format!("SIRET « {written} » : 14 chiffres attendus"),
            "le SIRET d’un établissement a 14 chiffres (le SIREN de la structure, 9, puis 5), par exemple 123 456 789 00015 ; l’annuaire des entreprises (annuaire-entreprises.data.gouv.fr) le donne",
        ));
    }
    let valid = if number.starts_with(LA_POSTE) {
        number
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .sum::<u32>()
            .is_multiple_of(5)
    } else {
        luhn(&number)
    };
    if !valid {
        return Some((
            format!("SIRET « {written} » : ce numéro n’existe pas (sa clé de contrôle est fausse)"),
            "un chiffre est sans doute mal recopié : vérifiez-le dans l’annuaire des entreprises (annuaire-entreprises.data.gouv.fr)",
        ));
    }
    None
}

/// What is wrong with an RNA number as written: `None` when it is right (`W` and 9 digits).
pub fn rna_problem(written: &str) -> Option<(String, &'static str)> {
    let number = digits(written);
    let right = number.len() == 10
        && number.starts_with(['W', 'w'])
        && number[1..].bytes().all(|b| b.is_ascii_digit());
    (!right).then(|| {
        (
            format!("numéro RNA « {written} » : W et 9 chiffres attendus"),
            "le numéro d’une association au répertoire national des associations commence par W, suivi de 9 chiffres, par exemple W922001234 ; il est sur le récépissé de la préfecture et sur annuaire-entreprises.data.gouv.fr",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SIRET with a right checksum, made from its first 13 digits.
    fn with_key(first: &str) -> String {
        (0..10)
            .map(|k| format!("{first}{k}"))
            .find(|n| luhn(n))
            .unwrap()
    }

    #[test]
    fn a_siret_has_14_digits_and_luhn_s_key_but_la_poste_s() {
        let good = with_key("2192007140001");
        assert_eq!(siret_problem(&good), None);
        let spaced = format!(
            "{} {} {} {}",
            &good[..3],
            &good[3..6],
            &good[6..9],
            &good[9..]
        );
        assert_eq!(siret_problem(&spaced), None, "{spaced}");
        let wrong_key = format!("{}{}", &good[..13], (good.as_bytes()[13] - b'0' + 1) % 10);
        assert!(siret_problem(&wrong_key)
            .unwrap()
            .0
            .contains("clé de contrôle"));
        assert!(siret_problem("1234567890123")
            .unwrap()
            .0
            .contains("14 chiffres"));
        assert!(siret_problem("12345678901234X").is_some());
        // La Poste: the sum of the digits is a multiple of 5, whatever Luhn says.
        assert_eq!(siret_problem("35600000000001"), None);
        assert!(siret_problem("35600000000002").is_some());
    }

    #[test]
    fn an_rna_number_is_w_and_9_digits() {
        assert_eq!(rna_problem("W922001234"), None);
        assert_eq!(rna_problem("W 922 001 234"), None);
        assert!(rna_problem("922001234").is_some());
        assert!(rna_problem("W92200123").is_some());
        assert!(rna_problem("WA22001234").is_some());
    }
}
