//! The domains of action: the tool's catalogue (each with its label in the theme's
//! `strings.toml` and its icon in the theme's sprite), and the site's choice among them.
//!
//! A site lists the domains it uses in `site.toml`'s `domains_used`, in the order its pages show
//! them, and names its own in `[domains]` (`slug = "Libellé"`, which also renames one of the
//! catalogue). Without `domains_used`, every domain of the catalogue and the site's own may be
//! given to a record, and the site shows its own and those of the catalogue its published
//! records give.

use crate::diagnostic::{closest, Diagnostic};
use std::collections::BTreeMap;
use std::path::Path;

/// The tool's domains of action, by the order of their labels. The theme labels each
/// (`[domains]` of `strings.toml`) and draws each (a symbol of `icons.svg` of the same name).
pub const DOMAINS: &[&str] = &[
    "agriculture",
    "alimentation",
    "seniors",
    "commerce-equitable",
    "culture",
    "economie-circulaire",
    "education-formation",
    "energie",
    "entrepreneuriat-social",
    "environnement",
    "finance-solidaire",
    "habitat",
    "handicap",
    "inclusion-numerique",
    "insertion",
    "jeunesse",
    "lutte-contre-la-precarite",
    "mobilite",
    "participation-citoyenne",
    "petite-enfance",
    "sante",
    "services-a-la-personne",
    "solidarite-internationale",
    "sport",
    "tiers-lieux",
    "tourisme-solidaire",
];

/// The site's domains, as `site.toml` sets them.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Domains {
    /// Slug → the site's own label (empty: the theme's label). With `chosen`, the site's
    /// domains in its order; else the catalogue, then the site's own.
    pub list: Vec<(String, String)>,
    /// Whether `domains_used` chose them: the site shows each, used or not.
    pub chosen: bool,
    /// Where each key of `[domains]` is written in `site.toml` (line, column).
    pub positions: BTreeMap<String, (usize, usize)>,
}

impl Domains {
    /// The slugs a record may give, in the site's order.
    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|(s, _)| s.as_str())
    }

    /// Whether the site shows `slug` even when no record gives it: a domain it chose, or one of
    /// its own.
    pub fn shown_always(&self, slug: &str) -> bool {
        self.chosen || !DOMAINS.contains(&slug)
    }

    /// Whether a record may give `slug`.
    pub fn contains(&self, slug: &str) -> bool {
        self.list.iter().any(|(s, _)| s == slug)
    }
}

/// The site's domains from `domains_used` (each slug with its offset in the text) and the
/// labels of `[domains]` (slug with its position → label). `line_col` turns an offset into a
/// position.
pub fn resolve(
    used: Option<Vec<(String, usize)>>,
    labels: Vec<(String, (usize, usize), String)>,
    line_col: impl Fn(usize) -> (usize, usize),
    path: &Path,
) -> Result<Domains, Diagnostic> {
    let positions = labels
        .iter()
        .map(|(slug, position, _)| (slug.clone(), *position))
        .collect();
    let label_of = |slug: &str| {
        labels
            .iter()
            .find(|(s, _, _)| s == slug)
            .map(|(_, _, l)| l.clone())
            .unwrap_or_default()
    };
    let own: Vec<&str> = labels
        .iter()
        .map(|(s, _, _)| s.as_str())
        .filter(|s| !DOMAINS.contains(s))
        .collect();
    let Some(used) = used else {
        let list = DOMAINS
            .iter()
            .copied()
            .chain(own.iter().copied())
            .map(|s| (s.to_string(), label_of(s)))
            .collect();
        return Ok(Domains {
            list,
            chosen: false,
            positions,
        });
    };
    let mut list: Vec<(String, String)> = Vec::new();
    for (slug, offset) in used {
        let (line, column) = line_col(offset);
        if list.iter().any(|(s, _)| *s == slug) {
            return Err(Diagnostic::error(
                path,
                line,
                column,
                format!("domaine « {slug} » écrit deux fois dans domains_used"),
            )
            .with_help("gardez-le une seule fois, à la place où le site doit le montrer"));
        }
        if !DOMAINS.contains(&slug.as_str()) && !own.contains(&slug.as_str()) {
            let candidates = DOMAINS.iter().copied().chain(own.iter().copied());
            let near = match closest(&slug, candidates) {
                Some(c) => format!("vouliez-vous dire « {c} » ? "),
                None => String::new(),
            };
            return Err(Diagnostic::error(
                path,
                line,
                column,
                format!("domaine inconnu « {slug} » dans domains_used"),
            )
            .with_help(format!(
                "{near}Les domaines de l'outil : {}. Un domaine propre à la commune se nomme dans la section [domains] : {slug} = \"Son libellé\"",
                DOMAINS.join(", ")
            )));
        }
        list.push((slug.clone(), label_of(&slug)));
    }
    // The site's own domains are its choice already: named in [domains], they are used.
    for slug in own {
        if !list.iter().any(|(s, _)| s == slug) {
            list.push((slug.to_string(), label_of(slug)));
        }
    }
    Ok(Domains {
        list,
        chosen: true,
        positions,
    })
}

/// The help of a record's unknown domain: the closest of the site's, or why a domain of the
/// catalogue is not the site's.
pub fn unknown_help(domains: &Domains, value: &str) -> String {
    if domains.chosen && DOMAINS.contains(&value) {
        return format!(
            "« {value} » est un domaine de l'outil que le site n'a pas choisi : ajoutez-le à domains_used dans site.toml, ou choisissez parmi : {}",
            domains.slugs().collect::<Vec<_>>().join(", ")
        );
    }
    let slugs: Vec<&str> = domains.slugs().collect();
    format!(
        "{} ; un site peut ajouter ses domaines dans site.toml, section [domains]",
        crate::diagnostic::suggest(value, &slugs)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(_: usize) -> (usize, usize) {
        (1, 1)
    }

    #[test]
    fn the_default_theme_labels_and_draws_every_domain_of_the_catalogue() {
        let strings: toml::Table =
            toml::from_str(include_str!("../../themes/default/strings.toml")).unwrap();
        let labels = strings["domains"].as_table().unwrap();
        let sprite = include_str!("../../themes/default/static/icons.svg");
        for d in DOMAINS {
            assert!(labels.contains_key(*d), "no label for {d}");
            assert!(
                sprite.contains(&format!("<symbol id=\"{d}\"")),
                "no icon for {d}"
            );
        }
        assert_eq!(labels.len(), DOMAINS.len(), "a label of no domain");
    }

    #[test]
    fn without_a_choice_every_domain_of_the_catalogue_and_the_site_s_own_may_be_given() {
        let d = resolve(
            None,
            vec![("ressourceries".into(), (3, 1), "Ressourceries".into())],
            at,
            Path::new("site.toml"),
        )
        .unwrap();
        assert!(!d.chosen);
        assert_eq!(d.list.len(), DOMAINS.len() + 1);
        assert!(d.contains("culture") && d.contains("ressourceries"));
    }

    #[test]
    fn a_choice_keeps_its_order_and_the_site_s_own_domains() {
        let d = resolve(
            Some(vec![("sport".into(), 0), ("culture".into(), 0)]),
            vec![
                ("ressourceries".into(), (3, 1), "Ressourceries".into()),
                ("culture".into(), (4, 1), "Culture et patrimoine".into()),
            ],
            at,
            Path::new("site.toml"),
        )
        .unwrap();
        assert!(d.chosen);
        assert_eq!(
            d.list,
            vec![
                ("sport".to_string(), String::new()),
                ("culture".to_string(), "Culture et patrimoine".to_string()),
                ("ressourceries".to_string(), "Ressourceries".to_string()),
            ]
        );
        assert!(unknown_help(&d, "sante").contains("domains_used"));
    }

    #[test]
    fn an_unknown_or_repeated_choice_is_refused() {
        let e = resolve(
            Some(vec![("cultur".into(), 0)]),
            vec![],
            at,
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert!(e.message.contains("cultur"), "{}", e.message);
        assert!(e.help.as_deref().unwrap_or("").contains("« culture »"));
        let e = resolve(
            Some(vec![("sport".into(), 0), ("sport".into(), 9)]),
            vec![],
            at,
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert!(e.message.contains("deux fois"));
    }
}
