//! French conventions: dates (« 19 novembre 2016 »), typography (non-breaking spaces before
//! ; : ! ? » and after «), and accent-free slugs.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// Non-breaking space, before `:` and inside « ».
pub const NBSP: char = '\u{a0}';
/// Narrow non-breaking space, before `;`, `!` and `?`.
pub const NNBSP: char = '\u{202f}';

/// A number of things in French: « 1 acteur », « 14 acteurs », « 12 500 acteurs »
/// (`[one, many]`), with a non-breaking space.
pub fn count(n: usize, [one, many]: [&str; 2]) -> String {
    format!("{}{NBSP}{}", number(n), if n > 1 { many } else { one })
}

/// A whole number as French writes it: its thousands apart, with narrow non-breaking spaces
/// (« 1 250 », « 200 000 »); « 999 » as it is.
pub fn number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NNBSP);
        }
        out.push(c);
    }
    out
}

/// « 19 novembre 2016 », « 1er mars 2017 ».
pub fn date(d: NaiveDate) -> String {
    let day = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!(
        "{day}{NBSP}{}{NBSP}{}",
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// « samedi 19 novembre 2016 ».
pub fn date_long(d: NaiveDate) -> String {
    format!(
        "{} {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        date(d)
    )
}

/// « 14 h », « 14 h 30 ».
pub fn time(t: NaiveDateTime) -> String {
    if t.hour() == 0 && t.minute() == 0 {
        "minuit".into()
    } else if t.minute() == 0 {
        format!("{}{NBSP}h", t.hour())
    } else {
        format!("{}{NBSP}h{NBSP}{:02}", t.hour(), t.minute())
    }
}

/// Whether `before` ends with a word French elides before a vowel (« l' », « qu' »,
/// « jusqu' »…): its apostrophe is one even when the next word is not in the same text (a
/// link, an emphasis: « l'[AMAP](…) »).
fn elides(before: &str) -> bool {
    const ELIDED: [&str; 14] = [
        "c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
        "presqu",
    ];
    let word = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    ELIDED.iter().any(|e| word.eq_ignore_ascii_case(e))
}

/// Applies French typography to plain text: the spaces before ; : ! ? » and after « become
/// non-breaking (narrow before ; ! ?), a missing one is added inside « », and the space
/// between groups of digits (« 19 520 ») becomes a narrow non-breaking space, and the straight
/// apostrophe between two letters becomes the typographic one (« l’ESS », « aujourd’hui »), as
/// does the one ending an elided word before a link or an emphasis (« l’[AMAP](…) »).
pub fn typography(text: &str) -> String {
    typography_cow(text).into_owned()
}

/// `typography`, borrowing `text` when it needs no change (most texts of a page: no copy).
pub fn typography_cow(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    // Made only when something is changed (grown as it is written).
    let mut out = String::new();
    let mut changed = false;
    let mut copied = 0; // text[..copied] is already in `out`
                        // Only ; : ! ?, digits (before a space) and the first byte of « and » (0xC2) can need a
                        // change; a table lookup skips every other byte with one predictable branch.
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        t[b';' as usize] = true;
        t[b':' as usize] = true;
        t[b'!' as usize] = true;
        t[b'?' as usize] = true;
        t[0xC2] = true;
        t[b'\'' as usize] = true;
        let mut d = b'0';
        while d <= b'9' {
            t[d as usize] = true;
            d += 1;
        }
        t
    };
    for (i, &b) in bytes.iter().enumerate() {
        if !SPECIAL[b as usize] {
            continue;
        }
        match b {
            b';' | b'!' | b'?' | b':' => {
                let nb = if b == b':' { NBSP } else { NNBSP };
                if i > copied && bytes[i - 1] == b' ' {
                    out.push_str(&text[copied..i - 1]);
                    out.push(nb);
                    changed = true;
                    copied = i;
                }
            }
            b'0'..=b'9'
                if bytes.get(i + 1) == Some(&b' ') && is_digit_group(text[i + 2..].chars()) =>
            {
                out.push_str(&text[copied..=i]);
                out.push(NNBSP);
                changed = true;
                copied = i + 2;
            }
            b'\''
                if text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphabetic)
                    && (text[i + 1..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphabetic)
                        || (i + 1 == text.len() && elides(&text[..i]))) =>
            {
                out.push_str(&text[copied..i]);
                out.push('’');
                changed = true;
                copied = i + 1;
            }
            0xC2 if text[i..].starts_with('«') => {
                let after = i + '«'.len_utf8();
                out.push_str(&text[copied..after]);
                match text[after..].chars().next() {
                    Some(' ') => {
                        out.push(NBSP);
                        changed = true;
                        copied = after + 1;
                    }
                    Some(NBSP) | None => copied = after,
                    Some(_) => {
                        out.push(NBSP);
                        changed = true;
                        copied = after;
                    }
                }
            }
            0xC2 if text[i..].starts_with('»') => {
                let before = text[..i].chars().next_back();
                if before == Some(' ') && i > copied {
                    out.push_str(&text[copied..i - 1]);
                    out.push(NBSP);
                    changed = true;
                    copied = i;
                } else if !matches!(before, Some(' ' | NBSP | NNBSP) | None) {
                    out.push_str(&text[copied..i]);
                    out.push(NBSP);
                    changed = true;
                    copied = i;
                }
            }
            _ => {}
        }
    }
    if !changed {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Whether the text goes on with exactly three digits: a thousands group.
fn is_digit_group(mut rest: impl Iterator<Item = char>) -> bool {
    (0..3).all(|_| rest.next().is_some_and(|c| c.is_ascii_digit()))
        && !rest.next().is_some_and(|c| c.is_ascii_digit())
}

/// An accent-free URL slug: « Économie sociale » → `economie-sociale`.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// A sort key that ignores case, accents and a leading article: « L'Atelier » sorts at A.
pub fn sort_key(title: &str) -> String {
    let s = slug::slugify(title);
    for article in ["l-", "la-", "le-", "les-"] {
        if let Some(rest) = s.strip_prefix(article) {
            return rest.to_string();
        }
    }
    s
}

/// The mark of a passage to fill in, as `init` writes them: « [à compléter : le nom du maire] ».
pub const TO_FILL: &str = "[à compléter";

/// Where the next « [à compléter » of `line` starts, in any case (« [À COMPLÉTER »), from the
/// byte `from` on: each `[` is compared with the mark, and no line is copied to lowercase.
pub fn find_to_fill(line: &str, from: usize) -> Option<usize> {
    let rest = line.get(from..)?;
    memchr::memchr_iter(b'[', rest.as_bytes())
        .map(|i| from + i)
        .find(|&at| {
            let mut chars = line[at + 1..].chars().flat_map(char::to_lowercase);
            TO_FILL[1..].chars().all(|mark| chars.next() == Some(mark))
        })
}

#[cfg(test)]
mod tests {

    #[test]
    fn numbers_have_their_thousands_apart() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1250), "1\u{202f}250");
        assert_eq!(number(200_000), "200\u{202f}000");
        assert_eq!(number(1_000_000), "1\u{202f}000\u{202f}000");
        assert_eq!(
            count(12_500, ["acteur", "acteurs"]),
            "12\u{202f}500\u{a0}acteurs"
        );
    }

    use super::*;

    #[test]
    fn dates_in_french() {
        let d = NaiveDate::from_ymd_opt(2016, 11, 19).unwrap();
        assert_eq!(date(d), "19\u{a0}novembre\u{a0}2016");
        assert_eq!(date_long(d), "samedi 19\u{a0}novembre\u{a0}2016");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2017, 3, 1).unwrap()),
            "1er\u{a0}mars\u{a0}2017"
        );
    }

    #[test]
    fn typography_uses_non_breaking_spaces() {
        assert_eq!(
            typography("Pourquoi ? Voici : « ESS »"),
            "Pourquoi\u{202f}? Voici\u{a0}: «\u{a0}ESS\u{a0}»"
        );
        assert_eq!(typography("«ESS»"), "«\u{a0}ESS\u{a0}»");
        assert_eq!(
            typography("L'ESS d'aujourd'hui, 'cité' et l'été"),
            "L’ESS d’aujourd’hui, 'cité' et l’été"
        );
        // The text before a link or an emphasis: an elided word's apostrophe; a quote's stays.
        assert_eq!(typography("membre de l'"), "membre de l’");
        assert_eq!(typography("Jusqu'"), "Jusqu’");
        assert_eq!(typography("il dit 'cité'"), "il dit 'cité'");
        assert_eq!(typography("la cité'"), "la cité'");
        assert_eq!(typography("https://a.fr/?x=1"), "https://a.fr/?x=1");
        assert_eq!(
            typography("19 520 habitants en 2014 2015"),
            "19\u{202f}520 habitants en 2014 2015"
        );
    }

    #[test]
    fn slugs_drop_accents() {
        assert_eq!(
            slugify("Économie sociale & solidaire"),
            "economie-sociale-solidaire"
        );
    }

    fn all(line: &str) -> Vec<usize> {
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = find_to_fill(line, from) {
            found.push(at);
            from = at + 1;
        }
        found
    }

    #[test]
    fn the_mark_to_fill_is_found_in_any_case_at_its_byte() {
        assert_eq!(all("[à compléter : le nom]"), [0]);
        assert_eq!(all("Élu : [À COMPLÉTER : le nom]"), ["Élu : ".len()]);
        let two = "[à compléter] et [À Compléter : la date";
        assert_eq!(all(two), [0, two.find("[À").unwrap()]);
        assert!(all("[a compléter] [à complé] à compléter [lien](x) [").is_empty());
        // A character whose lowercase is longer (İ) before the mark does not shift it.
        let shifted = "İİ [à compléter]";
        assert_eq!(all(shifted), [shifted.find('[').unwrap()]);
    }
}
