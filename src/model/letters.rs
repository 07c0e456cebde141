//! The archive of the letters sent: `content/data/lettres.yaml`, which `ess-site newsletter
//! --archive` adds to and the build publishes under `/lettre/` (a page per letter, their list,
//! a feed).
//!
//! A letter keeps its window, its title, the introduction it opened with and the addresses of
//! the records it presented. Its page shows those records as the site publishes them at the
//! build: a record made private, put back in draft or deleted since is not shown again.

use crate::diagnostic::Diagnostic;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The archive's file, and its name among the site's data.
pub const FILE: &str = "content/data/lettres.yaml";
pub const DATA: &str = "lettres";

/// What the file says above its list.
pub const HEADER: &str = "# Les lettres d'information envoyées, que le site publie sous /lettre/.\n# `ess-site newsletter --archive` y ajoute chaque lettre ; retirer une lettre la retire du site.\n";

/// One letter sent, as the archive keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Archived {
    /// The last day of the letter's window (AAAA-MM-JJ): it names the letter's page.
    pub date: String,
    /// The first day of its window.
    pub since: String,
    pub title: String,
    /// The editorial introduction it opened with (Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intro: String,
    /// The site URLs of the records it presented, in its order.
    #[serde(default)]
    pub items: Vec<String>,
}

/// A letter of the archive, its dates read.
#[derive(Debug, Clone)]
pub struct Letter {
    pub date: NaiveDate,
    pub since: NaiveDate,
    pub archived: Archived,
}

impl Letter {
    /// The site URL of its page.
    pub fn url(&self) -> String {
        format!(
            "{}{}/",
            crate::model::url::LETTERS,
            self.date.format("%Y-%m-%d")
        )
    }
}

pub fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// The list of the archive's data, if it holds one (an empty file holds none).
fn entries(value: &serde_json::Value) -> Vec<Archived> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// The letters of the archive, newest first: those `check` accepts (a build with an error in
/// the archive stops before it renders).
pub fn letters(data: &std::collections::BTreeMap<String, serde_json::Value>) -> Vec<Letter> {
    let Some(value) = data.get(DATA) else {
        return Vec::new();
    };
    let mut out: Vec<Letter> = entries(value)
        .into_iter()
        .filter_map(|archived| {
            let (date, since) = (day(&archived.date)?, day(&archived.since)?);
            (since <= date).then_some(Letter {
                date,
                since,
                archived,
            })
        })
        .collect();
    out.sort_by_key(|l| std::cmp::Reverse(l.date));
    out.dedup_by_key(|l| l.date);
    out
}

/// The line (1-based) of the `nth` (0-based) line of `text` that holds `needle` after `key:`
/// (any key when `key` is empty), or 0.
fn line_of(text: &str, key: &str, needle: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ");
            l.starts_with(key) && l.contains(needle)
        })
        .nth(nth)
        .map_or(0, |(n, _)| n + 1)
}

/// Checks the text of the archive, read at `path`: a list of letters, each with its two dates
/// in order, a title, and site addresses; no two letters of one day. An empty archive holds
/// no letter.
pub fn check(text: &str, path: &Path) -> Vec<Diagnostic> {
    match crate::yaml::parse_value(text, path) {
        Ok(value) if value.is_null() || value.as_object().is_some_and(|o| o.is_empty()) => {
            return Vec::new()
        }
        Err(d) => return vec![d],
        Ok(_) => {}
    }
    let text = text.to_string();
    let list: Vec<Archived> = match crate::yaml::parse(&text, path, 1) {
        Ok(list) => list,
        Err(d) => {
            return vec![d.with_help(
                "chaque lettre : date, since (AAAA-MM-JJ), title, et ses fiches (items : des adresses du site)",
            )]
        }
    };
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, a) in list.iter().enumerate() {
        // The letters before with the same text: the line is this letter's own.
        let before = |value: fn(&Archived) -> &str| {
            list[..i].iter().filter(|b| value(b) == value(a)).count()
        };
        let date = day(&a.date);
        let since = day(&a.since);
        let date_line = line_of(&text, "date", &a.date, before(|b| &b.date));
        let since_line = line_of(&text, "since", &a.since, before(|b| &b.since));
        for (key, value, read, line) in [
            ("date", &a.date, date, date_line),
            ("since", &a.since, since, since_line),
        ] {
            if read.is_none() {
                out.push(
                    Diagnostic::error(path, line, 1, format!("{key} : date invalide « {value} »"))
                        .with_help("écrivez la date AAAA-MM-JJ, par exemple 2026-12-01"),
                );
            }
        }
        if let (Some(d), Some(s)) = (date, since) {
            if s > d {
                out.push(
                    Diagnostic::error(
                        path,
                        since_line,
                        1,
                        format!(
                            "la lettre du {} commence après sa fin ({})",
                            a.date, a.since
                        ),
                    )
                    .with_help("since est le premier jour de la lettre, date le dernier"),
                );
            }
            if !seen.insert(d) {
                out.push(
                    Diagnostic::error(
                        path,
                        date_line,
                        1,
                        format!(
                            "deux lettres du {} : une seule peut être à /lettre/{}/",
                            a.date, a.date
                        ),
                    )
                    .with_help("retirez la lettre en double"),
                );
            }
        }
        for item in a.items.iter().filter(|i| !i.starts_with('/')) {
            out.push(
                Diagnostic::error(
                    path,
                    line_of(&text, "", item, 0),
                    1,
                    format!("« {item} » n'est pas une adresse du site"),
                )
                .with_help(
                    "une fiche de la lettre est donnée par son adresse, par exemple /magazine/edito/",
                ),
            );
        }
    }
    out
}
