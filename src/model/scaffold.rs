//! The scaffolds: the text of a new record of each kind, every field documented (`ess-site
//! new`, and the editor's hints), and the files of a new commune's site that builds at once
//! (`ess-site init`). Written to disk by `write::scaffold`.

use crate::model::kinds::Section;
use crate::text::french::slugify;

/// A YAML double-quoted string.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The front matter and body of a new record of `section`, titled `title`: every field
/// documented (a new kind is a compile error here until it has its scaffold); `domains` are the
/// site's, listed beside the key.
pub fn record_text(section: Section, title: &str, today: &str, domains: &[&str]) -> String {
    let title = quoted(title);
    let domains = match domains {
        [] => String::new(),
        _ => format!(" : {}", domains.join(", ")),
    };
    let common_tail = "\
summary:          # une ou deux phrases, montrées dans les listes et les flux RSS
tags: []          # mots-clés, par exemple [emploi, jeunesse]
draft: true       # true : brouillon, jamais publié (visible avec --drafts) ; false pour publier
aliases: []       # anciennes adresses qui redirigent ici, par exemple [/ancienne/adresse/]
image:            # une image en tête de la fiche et sur sa carte : le fichier dans static/images/, par exemple
#  src: /images/forum-2016.jpg  # static/images/forum-2016.jpg (JPEG, PNG, WebP ou SVG), ou une adresse https://
#  alt: \"Le public du Forum dans la salle des mariages\"  # ce que l'image montre, pour qui ne la voit pas
#  credit: \"Service communication\"  # crédit photo, affiché sous l'image
# slug:           # l'adresse de la fiche, si elle doit différer du nom du fichier
";
    let own = match section {
        Section::Actors => format!(
            "\
title: {title}
date: {today}     # entrée dans l'annuaire (AAAA-MM-JJ) : « nouvel acteur » dans la lettre de ce mois-là
legal_form:       # association, cooperative, scop, scic, mutuelle, fondation, entreprise-esus, collectivite, autre
domains: []       # un ou plusieurs domaines du site{domains}
stages: []        # ce qu'il propose aux porteurs de projet : informer, sensibiliser, former, conseiller, accompagner, financer
address:          # adresse postale : numéro, rue, code postal et commune
geo:              # position sur la carte, en degrés décimaux : {{lat: …, lon: …}} (un clic droit sur OpenStreetMap les donne)
website:          # site web, adresse complète en https://
email:            # courriel de contact
phone:            # téléphone, par exemple \"01 23 45 67 89\"
hours:            # horaires au format d'OpenStreetMap, par exemple \"Tu-Sa 10:00-19:00; PH off\" (du mardi au samedi de 10 h à 19 h, fermé les jours fériés)
logo:             # le logo : fichier de static/images/ (/images/logo.png pour static/images/logo.png, PNG ou SVG) ou https://
since:            # année de création, par exemple 2014
closed:           # date de fermeture (AAAA-MM-JJ) : la fiche reste, marquée fermée
partner_charter: false  # true : signataire de la charte de partenariat du territoire
siret:            # numéro SIRET de l'établissement, 14 chiffres (annuaire-entreprises.data.gouv.fr le donne)
rna:              # pour une association sans SIRET : son numéro RNA, W suivi de 9 chiffres
checked:          # date de la dernière vérification de la fiche auprès de la structure (AAAA-MM-JJ)
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        Section::Forum => format!(
            "\
title: {title}
date:             # OBLIGATOIRE : jour de l'édition, AAAA-MM-JJ
end_date:         # dernier jour, si l'édition dure plusieurs jours
venue:            # lieu, par exemple \"salle des fêtes, hôtel de ville\"
registration_url: # lien d'inscription, en https://
partners: []      # slugs des acteurs partenaires (noms de fichiers de content/acteurs/, sans .md)
exhibitors: []    # slugs des acteurs exposants
program: []       # le programme ; un élément par ligne, par exemple :
#  - start: \"14:00\"        # heure de début (HH:MM)
#    end: \"15:00\"          # heure de fin
#    kind: table-ronde     # salon, atelier, conference, table-ronde, pitch
#    title: \"Titre de l'atelier\"
#    room: \"Salle des mariages\"
#    speakers:             # intervenants : un nom, ou {{name, role, actor, photo}}
#      - {{name: \"Camille Martin\", role: \"fondatrice\", actor: slug-de-l-acteur, photo: /images/camille-martin.jpg}}
#    actors: []            # acteurs qui animent cet élément (slugs)
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        Section::Conferences => format!(
            "\
title: {title}
date:             # OBLIGATOIRE : date et heure, AAAA-MM-JJTHH:MM (par exemple 2027-03-18T19:00)
end_date:         # fin, AAAA-MM-JJTHH:MM
venue:            # lieu
speakers: []      # intervenants, par exemple [{{name: \"Camille Martin\", role: \"fondatrice\", actor: slug-de-l-acteur, photo: /images/camille-martin.jpg}}]
domains: []       # domaines abordés, parmi ceux du site{domains}
registration_url: # lien d'inscription, en https://
replay_url:       # lien du replay vidéo, après la conférence
slides_url:       # lien des supports de présentation
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        Section::Magazine => format!(
            "\
title: {title}
date: {today}     # OBLIGATOIRE : date de publication, AAAA-MM-JJ (publiée à partir de cette date)
kind: dossier     # dossier, edito, article
issue:            # numéro du magazine, par exemple 482
pdf_url:          # lien de la version imprimée (PDF)
actors: []        # slugs des acteurs cités
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        Section::Resources => format!(
            "\
title: {title}
date: {today}     # OBLIGATOIRE : date de publication, AAAA-MM-JJ
category:         # catégorie, par exemple \"Guides\"
resource_type:    # type, par exemple \"Ressources RTES\"
private: false    # true : réservée aux membres, jamais publiée sur le site public
file_url:         # document à télécharger : chemin du site (/documents/guide.pdf) ou https://
url:              # ou page à consulter en ligne, en https://
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        Section::Pages => format!(
            "\
title: {title}
menu:             # position dans le menu principal (1, 2…) ; vide : hors du menu
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
    };
    format!(
        "---\n{own}{common_tail}---\n\nLe texte de la fiche, en Markdown : des paragraphes, des **mots en gras**, des listes, des [liens](/acteurs/).\n"
    )
}

/// The files of a new commune's site, from `src/init/`: (path in the new site, template).
/// Placeholders: `{commune}`, `{slug}` (the commune's), `{actor}` (the example actor's slug),
/// `{year}`, `{next}` (next year), `{version}` (of ess-site), `{domains}` (the tool's domains,
/// as the commented lines of a TOML list), `{releases}` (where ess-site's releases are
/// published: the crate's repository's, empty while it names none).
const SITE_FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("../init/site.toml")),
    (".gitignore", include_str!("../init/gitignore")),
    ("README.md", include_str!("../init/README.md")),
    (".gitlab-ci.yml", include_str!("../init/gitlab-ci.yml")),
    (
        ".github/workflows/site.yml",
        include_str!("../init/github-site.yml"),
    ),
    (
        "deploy/publier.sh",
        include_str!("../init/deploy/publier.sh"),
    ),
    (
        "deploy/installer.sh",
        include_str!("../init/deploy/installer.sh"),
    ),
    (
        "content/_index.md",
        include_str!("../init/content/_index.md"),
    ),
    (
        "content/acteurs/{actor}.md",
        include_str!("../init/content/acteurs/actor.md"),
    ),
    (
        "content/forum/{next}.md",
        include_str!("../init/content/forum/next.md"),
    ),
    (
        "content/magazine/edito-bienvenue.md",
        include_str!("../init/content/magazine/edito-bienvenue.md"),
    ),
    (
        "content/ressources/guide-de-l-ess.md",
        include_str!("../init/content/ressources/guide-de-l-ess.md"),
    ),
    (
        "content/pages/a-propos.md",
        include_str!("../init/content/pages/a-propos.md"),
    ),
    (
        "content/pages/accessibilite.md",
        include_str!("../init/content/pages/accessibilite.md"),
    ),
    (
        "content/pages/mentions-legales.md",
        include_str!("../init/content/pages/mentions-legales.md"),
    ),
    (
        "content/data/accessibilite.yaml",
        include_str!("../init/content/data/accessibilite.yaml"),
    ),
    (
        "content/data/chiffres_cles.yaml",
        include_str!("../init/content/data/chiffres_cles.yaml"),
    ),
    (
        "content/data/newsletter.yaml",
        include_str!("../init/content/data/newsletter.yaml"),
    ),
];

/// Where ess-site's release archives are (`RELEASES/vVERSION/ess-site-vVERSION-TARGET.tar.gz`, as
/// the release workflow publishes them): the repository's releases, when `Cargo.toml` names it.
const RELEASES: &str = match env!("CARGO_PKG_REPOSITORY").as_bytes() {
    [] => "",
    _ => concat!(env!("CARGO_PKG_REPOSITORY"), "/releases/download"),
};

/// The files of a new commune's site: (path, text).
pub fn site_files(commune: &str, year: i32) -> Vec<(String, String)> {
    let slug = slugify(commune);
    // Inside the templates' double-quoted YAML and TOML strings.
    let escaped = commune.replace('\\', "\\\\").replace('"', "\\\"");
    let mut domain_lines = String::new();
    let mut line = String::from("#  ");
    for d in crate::model::DOMAINS {
        if line.len() + d.len() + 4 > 96 {
            domain_lines.push_str(line.trim_end());
            domain_lines.push('\n');
            line = String::from("#  ");
        }
        line.push_str(&format!(" \"{d}\","));
    }
    domain_lines.push_str(&line);
    domain_lines.push('\n');
    let (of, at) = (of_place(&escaped), at_place(&escaped));
    let fill = |template: &str| {
        template
            .replace("de {commune}", &of)
            .replace("à {commune}", &at)
            .replace("{commune}", &escaped)
            .replace("{slug}", &slug)
            .replace("{actor}", &format!("jardin-partage-de-{slug}"))
            .replace("{year}", &year.to_string())
            .replace("{next}", &(year + 1).to_string())
            .replace("{version}", env!("CARGO_PKG_VERSION"))
            .replace("{domains}", &domain_lines)
            .replace("{releases}", RELEASES)
    };
    SITE_FILES
        .iter()
        .map(|(path, template)| (fill(path), fill(template)))
        .collect()
}

/// « de » before a commune's name, as French writes it: « d'Évry », « du Mans », « des Ulis »,
/// « de La Courneuve », « de Sceaux » (the apostrophe made typographic on the pages).
pub fn of_place(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Le ") {
        format!("du {rest}")
    } else if let Some(rest) = name.strip_prefix("Les ") {
        format!("des {rest}")
    } else if starts_with_vowel(name) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// « à » before a commune's name: « au Mans », « aux Ulis », « à Évry ».
pub fn at_place(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Le ") {
        format!("au {rest}")
    } else if let Some(rest) = name.strip_prefix("Les ") {
        format!("aux {rest}")
    } else {
        format!("à {name}")
    }
}

fn starts_with_vowel(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| "AÀÂÄEÉÈÊËIÎÏOÔÖUÙÛÜYŸŒÆaàâäeéèêëiîïoôöuùûüyÿœæ".contains(c))
}

#[cfg(test)]
mod tests {
    use super::{at_place, of_place};

    #[test]
    fn a_commune_s_name_takes_de_and_a_as_french_writes_them() {
        for (name, of, at) in [
            ("Sceaux", "de Sceaux", "à Sceaux"),
            (
                "Évry-Courcouronnes",
                "d'Évry-Courcouronnes",
                "à Évry-Courcouronnes",
            ),
            ("Antony", "d'Antony", "à Antony"),
            ("Ivry-sur-Seine", "d'Ivry-sur-Seine", "à Ivry-sur-Seine"),
            ("Le Mans", "du Mans", "au Mans"),
            ("Les Ulis", "des Ulis", "aux Ulis"),
            ("La Courneuve", "de La Courneuve", "à La Courneuve"),
            ("L'Haÿ-les-Roses", "de L'Haÿ-les-Roses", "à L'Haÿ-les-Roses"),
        ] {
            assert_eq!(
                (of_place(name), at_place(name)),
                (of.to_string(), at.to_string())
            );
        }
    }
}
