//! Opening hours, written in OpenStreetMap's `opening_hours` syntax (`Mo-Fr 09:00-12:30,
//! 14:00-18:00; Sa 10:00-12:00; PH off`): the syntax OpenStreetMap, data·inclusion and most
//! directories read. Parsed and normalised by the `opening-hours-syntax` crate; the week it
//! describes is worked out here for the common rules (days of the week, times, `off`, public
//! holidays, `24/7`), so that a page can show it as a French table and say whether the place
//! is open now. Rules beyond those (months, weeks, sunrise, school holidays…) are valid: the
//! page then shows them as written, without the table.

use opening_hours_syntax::rules::day::{HolidayKind, WeekDayRange};
use opening_hours_syntax::rules::time::Time;
use opening_hours_syntax::rules::{RuleKind, RuleOperator};

/// Minutes from midnight: `(start, end)`, the end after the start (up to 48 h, for a night
/// that ends the next day).
pub type Span = (u16, u16);

/// A week of opening hours: each day's spans, Monday first; the public holidays' when a rule
/// names them (`Some(vec![])`: closed), else they follow their day of the week.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Week {
    pub days: [Vec<Span>; 7],
    pub holidays: Option<Vec<Span>>,
}

/// Hours that parse: their normalised text, and their week when it can be worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    pub normalized: String,
    pub week: Option<Week>,
}

/// Why hours are refused: the message and a hint (the form to write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub help: String,
}

/// Parses `text` as OpenStreetMap opening hours.
pub fn parse(text: &str) -> Result<Hours, Refusal> {
    let text = text.trim();
    let expression = opening_hours_syntax::parse(text).map_err(|_| refusal(text))?;
    let week = week(&expression);
    // A text alone (`"sur rendez-vous"`) stays as written: normalised, it would read « 24/7 ».
    let text_alone = text.len() > 1
        && text.starts_with('"')
        && text.ends_with('"')
        && text.matches('"').count() == 2;
    Ok(Hours {
        normalized: if text_alone {
            text.to_string()
        } else {
            expression.to_string()
        },
        week,
    })
}

fn refusal(text: &str) -> Refusal {
    let example = "Mo-Fr 09:00-12:30,14:00-18:00; Sa 10:00-12:00; PH off";
    let help = match suggestion(text) {
        Some(s) => format!(
            "écrivez-les au format d’OpenStreetMap, les jours en anglais et les heures comme 09:00 : {s}"
        ),
        None => format!(
            "écrivez-les au format d’OpenStreetMap (opening_hours), les jours en anglais (Mo Tu We Th Fr Sa Su, PH pour les jours fériés) et les heures comme 09:00, par exemple : {example} ; un texte libre va entre guillemets doubles, par exemple hours: '\"sur rendez-vous\"'"
        ),
    };
    Refusal {
        message: format!(
            "horaires « {text} » illisibles : ils ne suivent pas le format d’OpenStreetMap"
        ),
        help,
    }
}

/// The same hours in OpenStreetMap's syntax when `text` writes them the French way
/// (`Lu-Ve 9h-12h et 14h-18h, Sa 10h-12h, fermé les jours fériés`), if the result parses.
pub fn suggestion(text: &str) -> Option<String> {
    const DAYS: &[(&[&str], &str)] = &[
        (&["lundi", "lun", "lu"], "Mo"),
        (&["mardi", "mar", "ma"], "Tu"),
        (&["mercredi", "mer", "me"], "We"),
        (&["jeudi", "jeu", "je"], "Th"),
        (&["vendredi", "ven", "ve"], "Fr"),
        (&["samedi", "sam", "sa"], "Sa"),
        (&["dimanche", "dim", "di"], "Su"),
    ];
    let lower = text.to_lowercase();
    let lower = lower
        .replace("jours fériés", " ph ")
        .replace("fériés", " ph ")
        .replace("férié", " ph ");
    // Words and numbers, the separators kept as words of their own.
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in lower.chars() {
        if c.is_alphanumeric() || c == ':' {
            word.push(c);
        } else {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if matches!(c, '-' | '–' | ',' | ';' | '/') {
                words.push(c.to_string());
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut pieces: Vec<String> = Vec::new();
    for w in &words {
        let day = DAYS
            .iter()
            .find(|(names, _)| names.contains(&w.as_str()))
            .map(|(_, d)| *d);
        let piece = if let Some(d) = day {
            d.to_string()
        } else if w == "ph" {
            "PH".into()
        } else if let Some(t) = clock(w) {
            t
        } else {
            match w.as_str() {
                "-" | "–" | "à" | "au" => "-".into(),
                "," | "et" => ",".into(),
                ";" | "/" => ";".into(),
                "fermé" | "fermée" | "fermés" | "fermées" => "off".into(),
                "de" | "du" | "le" | "les" | "h" | "sauf" => continue,
                _ => return None,
            }
        };
        pieces.push(piece);
    }
    // Rules: (days, spans, closed).
    let mut rules: Vec<(String, Vec<String>, bool)> = Vec::new();
    let mut current: (String, Vec<String>, bool) = (String::new(), Vec::new(), false);
    let mut pending_off = false;
    let mut i = 0;
    while i < pieces.len() {
        let p = pieces[i].as_str();
        let prev = i.checked_sub(1).map(|j| pieces[j].as_str());
        match kind_of(p) {
            "day" => {
                if !current.1.is_empty() || current.2 {
                    rules.push(std::mem::take(&mut current));
                }
                match prev {
                    Some("-") if !current.0.is_empty() => current.0.push('-'),
                    _ if !current.0.is_empty() => current.0.push(','),
                    _ => {}
                }
                current.0.push_str(p);
                if pending_off {
                    current.2 = true;
                    pending_off = false;
                }
            }
            "time" => {
                let end = pieces
                    .get(i + 2)
                    .filter(|_| pieces.get(i + 1).is_some_and(|d| d == "-"));
                let end = end.filter(|e| kind_of(e) == "time")?;
                current.1.push(format!("{p}-{end}"));
                i += 2;
            }
            // « fermé » before its days (« fermé le dimanche »), or after a rule's times.
            "off" if current.0.is_empty() || !current.1.is_empty() => {
                if !current.1.is_empty() {
                    rules.push(std::mem::take(&mut current));
                }
                pending_off = true;
            }
            "off" => current.2 = true,
            _ => {}
        }
        i += 1;
    }
    rules.push(current);
    let text: Vec<String> = rules
        .into_iter()
        .filter(|(d, s, off)| !d.is_empty() || !s.is_empty() || *off)
        .map(|(days, spans, off)| {
            let what = if off {
                "off".to_string()
            } else {
                spans.join(",")
            };
            [days, what]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    opening_hours_syntax::parse(&text.join("; "))
        .ok()
        .map(|e| e.to_string())
}

fn kind_of(piece: &str) -> &'static str {
    match piece {
        "off" => "off",
        "-" | "," | ";" => "sep",
        p if p.contains(':') => "time",
        _ => "day",
    }
}

/// `9h`, `9h30`, `9:30`, `09:30`, `9` (before `h` as a word of its own) as `HH:MM`.
fn clock(word: &str) -> Option<String> {
    let (h, m) = match word.split_once(['h', ':']) {
        Some((h, m)) => (h, if m.is_empty() { "00" } else { m }),
        None => (word, "00"),
    };
    let h: u8 = h.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    (h <= 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// The week of `expression` when its rules are the common ones; `None` otherwise.
fn week(expression: &opening_hours_syntax::rules::OpeningHoursExpression) -> Option<Week> {
    let mut days: [Vec<Span>; 7] = Default::default();
    let mut holidays: Option<Vec<Span>> = None;
    for rule in &expression.rules {
        let selector = &rule.day_selector;
        if !selector.year.is_empty() || !selector.monthday.is_empty() || !selector.week.is_empty() {
            return None;
        }
        if !rule.comment.is_empty() || rule.kind == RuleKind::Unknown {
            return None;
        }
        let mut spans: Vec<Span> = Vec::new();
        for span in &rule.time_selector.spans {
            if span.repeats.is_some() || span.open_end {
                return None;
            }
            let (Time::Fixed(start), Time::Fixed(end)) = (&span.range.start, &span.range.end)
            else {
                return None;
            };
            let (start, mut end) = (start.mins_from_midnight(), end.mins_from_midnight());
            if end <= start {
                end += 24 * 60;
            }
            spans.push((start, end));
        }
        if rule.time_selector.spans.is_empty() {
            spans.push((0, 24 * 60));
        }
        if rule.kind == RuleKind::Closed {
            spans.clear();
        }
        // The days the rule selects (all of them, holidays too, when it names none).
        // A rule that names no day covers the holidays too, but they keep following their day
        // of the week until a rule names them (`PH`).
        let mut selected = [false; 7];
        let mut on_holidays = selector.weekday.is_empty() && holidays.is_some();
        if selector.weekday.is_empty() {
            selected = [true; 7];
        }
        for range in &selector.weekday {
            match range {
                WeekDayRange::Fixed {
                    range,
                    offset: 0,
                    nth_from_start,
                    nth_from_end,
                } if !nth_from_start.contains(&false) && !nth_from_end.contains(&false) => {
                    let (a, b) = (
                        range.start().num_days_from_monday() as usize,
                        range.end().num_days_from_monday() as usize,
                    );
                    let mut d = a;
                    loop {
                        selected[d] = true;
                        if d == b {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                WeekDayRange::Holiday {
                    kind: HolidayKind::Public,
                    offset: 0,
                } => on_holidays = true,
                _ => return None,
            }
        }
        let apply = |current: &mut Vec<Span>| match rule.operator {
            RuleOperator::Normal => *current = spans.clone(),
            RuleOperator::Additional if rule.kind == RuleKind::Open => {
                current.extend(spans.iter().copied());
                current.sort_unstable();
            }
            _ => {}
        };
        if matches!(rule.operator, RuleOperator::Fallback)
            || (matches!(rule.operator, RuleOperator::Additional) && rule.kind != RuleKind::Open)
        {
            return None;
        }
        for (d, on) in selected.iter().enumerate() {
            if *on {
                apply(&mut days[d]);
            }
        }
        if on_holidays {
            apply(holidays.get_or_insert_with(Vec::new));
        }
    }
    Some(Week { days, holidays })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_week_is_worked_out() {
        let h = parse("Mo-Fr 09:00-12:30,14:00-18:00; Sa 10:00-12:00; PH off").unwrap();
        let w = h.week.unwrap();
        assert_eq!(w.days[0], vec![(540, 750), (840, 1080)]);
        assert_eq!(w.days[4], vec![(540, 750), (840, 1080)]);
        assert_eq!(w.days[5], vec![(600, 720)]);
        assert!(w.days[6].is_empty());
        assert_eq!(w.holidays, Some(vec![]));
        let all = parse("24/7").unwrap().week.unwrap();
        assert!(all.days.iter().all(|d| d == &vec![(0, 1440)]));
        let night = parse("Fr 20:00-02:00").unwrap().week.unwrap();
        assert_eq!(night.days[4], vec![(1200, 1560)]);
        // Rules beyond the common ones are valid, without a week.
        assert_eq!(parse("Jan-Mar Mo 10:00-12:00").unwrap().week, None);
    }

    #[test]
    fn french_hours_are_refused_with_the_osm_form() {
        for (french, osm) in [
            ("Lu-Ve 9h-12h", "Mo-Fr 09:00-12:00"),
            (
                "du lundi au vendredi de 9h à 12h et de 14h à 18h",
                "Mo-Fr 09:00-12:00,14:00-18:00",
            ),
            (
                "Lu-Ve 9h-12h 14h-18h, Sa 10h-12h",
                "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00",
            ),
            (
                "mar-sam 10h-19h, fermé les jours fériés",
                "Tu-Sa 10:00-19:00; PH closed",
            ),
        ] {
            let r = parse(french).unwrap_err();
            assert!(r.help.ends_with(osm), "{french}: {}", r.help);
            assert!(r.message.contains(french));
        }
        let r = parse("sur rendez-vous").unwrap_err();
        assert!(r.help.contains("par exemple"), "{}", r.help);
        // As the hint says: a text between double quotes.
        assert!(parse("\"sur rendez-vous\"").is_ok());
    }
}
