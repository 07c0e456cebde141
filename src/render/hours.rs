//! Opening hours on an actor's page: the week as a French table (« Du lundi au vendredi : de
//! 9 h à 12 h 30 et de 14 h à 18 h »), and the week as data for the theme's script
//! (`js/horaires.js`), which says in the reader's browser whether the place is open now (the
//! page is static: the moment is the reader's).

use crate::model::hours::{Span, Week};
use serde::Serialize;

/// What the actor page shows of its hours.
#[derive(Debug, Serialize)]
pub struct HoursView {
    /// The hours as written in OpenStreetMap's syntax, normalised.
    pub osm: String,
    /// The hours when they are only a text (`"sur rendez-vous"`): that text.
    pub text: Option<String>,
    /// The table's rows: (days, hours), when the week could be worked out.
    pub rows: Vec<(String, String)>,
    /// The week for the script (`{"jours": [[[start, end], …] × 7], "feries": …}`, minutes from
    /// midnight, Monday first), when it could be worked out.
    pub data: Option<String>,
}

const DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// The view of `text`, or `None` when it does not parse (`check` refuses it).
pub fn view(text: &str) -> Option<HoursView> {
    let hours = crate::model::hours::parse(text).ok()?;
    let (rows, data) = match &hours.week {
        Some(week) => (
            rows(week),
            serde_json::to_string(&serde_json::json!({
                "jours": week.days,
                "feries": week.holidays,
            }))
            .ok(),
        ),
        None => (Vec::new(), None),
    };
    let n = &hours.normalized;
    let text = (n.len() > 1
        && n.starts_with('"')
        && n.ends_with('"')
        && n[1..n.len() - 1].find('"').is_none())
    .then(|| n[1..n.len() - 1].to_string());
    Some(HoursView {
        text,
        osm: hours.normalized,
        rows,
        data,
    })
}

/// The week's rows: the days with the same hours together, in order; the closed days in one
/// row of their own (« Les autres jours : fermé ») when they are apart.
fn rows(week: &Week) -> Vec<(String, String)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut d = 0;
    while d < 7 {
        let mut e = d;
        while e + 1 < 7 && week.days[e + 1] == week.days[d] {
            e += 1;
        }
        runs.push((d, e));
        d = e + 1;
    }
    let closed_runs = runs
        .iter()
        .filter(|(a, _)| week.days[*a].is_empty())
        .count();
    let open_runs = runs.len() - closed_runs;
    let mut rows = Vec::new();
    for (a, b) in runs {
        if week.days[a].is_empty() && closed_runs > 1 && open_runs > 0 {
            continue;
        }
        let days = match (a, b) {
            (0, 6) => "Tous les jours".to_string(),
            (a, b) if a == b => capitalised(DAYS[a]),
            (a, b) if b == a + 1 => format!("{} et {}", capitalised(DAYS[a]), DAYS[b]),
            (a, b) => format!("Du {} au {}", DAYS[a], DAYS[b]),
        };
        rows.push((days, spans(&week.days[a])));
    }
    if closed_runs > 1 && open_runs > 0 {
        rows.push(("Les autres jours".to_string(), "fermé".to_string()));
    }
    if let Some(h) = &week.holidays {
        rows.push(("Jours fériés".to_string(), spans(h)));
    }
    rows
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// « de 9 h à 12 h 30 et de 14 h à 18 h », « fermé », « 24 h sur 24 ».
fn spans(spans: &[Span]) -> String {
    if spans.is_empty() {
        return "fermé".into();
    }
    if spans == [(0, 24 * 60)] {
        return "24 h sur 24".into();
    }
    let each: Vec<String> = spans
        .iter()
        .map(|(a, b)| format!("de\u{a0}{}\u{a0}à\u{a0}{}", clock(*a), clock(*b)))
        .collect();
    match each.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Minutes from midnight the French way: « 9 h », « 12 h 30 », « minuit », « 2 h le
/// lendemain » (a night that ends the next day).
fn clock(minutes: u16) -> String {
    let next_day = minutes > 24 * 60;
    let m = minutes % (24 * 60);
    let text = match (m / 60, m % 60) {
        (0, 0) => "minuit".to_string(),
        (12, 0) => "midi".to_string(),
        (h, 0) => format!("{h} h"),
        (h, min) => format!("{h} h {min:02}"),
    };
    if next_day {
        format!("{text} le lendemain")
    } else if minutes == 24 * 60 {
        "minuit".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_week_reads_in_french() {
        let v = view("Mo-Fr 09:00-12:30,14:00-18:00; Sa 10:00-12:00; PH off").unwrap();
        assert_eq!(
            v.rows,
            vec![
                (
                    "Du lundi au vendredi".into(),
                    "de 9 h à 12 h 30 et de 14 h à 18 h".into()
                ),
                ("Samedi".into(), "de 10 h à midi".into()),
                ("Dimanche".into(), "fermé".into()),
                ("Jours fériés".into(), "fermé".into()),
            ]
        );
        let v = view("Tu,We 10:00-19:00; Fr 20:00-02:00").unwrap();
        assert_eq!(
            v.rows,
            vec![
                ("Mardi et mercredi".into(), "de 10 h à 19 h".into()),
                ("Vendredi".into(), "de 20 h à 2 h le lendemain".into()),
                ("Les autres jours".into(), "fermé".into()),
            ]
        );
        assert_eq!(
            view("24/7").unwrap().rows,
            vec![("Tous les jours".into(), "24 h sur 24".into())]
        );
        let months = view("Jan-Mar Mo 10:00-12:00").unwrap();
        assert!(months.rows.is_empty() && months.data.is_none());
        assert_eq!(
            view("\"sur rendez-vous\"").unwrap().text.as_deref(),
            Some("sur rendez-vous")
        );
    }
}
