//! `ess-site new` and `ess-site init`: a new record with every field documented, and a new
//! commune's site that builds at once.

use crate::french::slugify;
use std::path::{Path, PathBuf};

/// The kinds of record `ess-site new` writes, by their French name on the command line.
pub const KINDS: &[(&str, &str)] = &[
    ("acteur", "acteurs"),
    ("forum", "forum"),
    ("conference", "conferences"),
    ("magazine", "magazine"),
    ("ressource", "ressources"),
    ("page", "pages"),
];

/// A YAML double-quoted string.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The front matter and body of a new record of `kind`, titled `title`.
pub fn record_text(kind: &str, title: &str, today: &str) -> Option<String> {
    let title = quoted(title);
    let common_tail = "\
summary:          # une ou deux phrases, montrées dans les listes et les flux RSS
tags: []          # mots-clés, par exemple [emploi, jeunesse]
draft: true       # true : brouillon, jamais publié (visible avec --drafts) ; false pour publier
aliases: []       # anciennes adresses qui redirigent ici, par exemple [/ancienne/adresse/]
# slug:           # l'adresse de la fiche, si elle doit différer du nom du fichier
";
    let own = match kind {
        "acteur" => format!(
            "\
title: {title}
legal_form:       # association, cooperative, scop, scic, mutuelle, fondation, entreprise-esus, collectivite, autre
domains: []       # un ou plusieurs : entrepreneuriat-social, participation-citoyenne, agriculture, jeunesse, sport, education-formation, sante, habitat, mobilite
stages: []        # ce qu'il propose aux porteurs de projet : informer, sensibiliser, former, conseiller, accompagner, financer
address:          # adresse postale, par exemple \"122 rue Houdan, 92330 Sceaux\"
geo:              # position sur la carte, par exemple {{lat: 48.7779, lon: 2.2897}}
website:          # site web, adresse complète en https://
email:            # courriel de contact
phone:            # téléphone, par exemple \"01 41 13 33 00\"
logo:             # image du logo : chemin du site (/images/logo.png) ou https://
since:            # année de création, par exemple 2014
closed:           # date de fermeture (AAAA-MM-JJ) : la fiche reste, marquée fermée
partner_charter: false  # true : signataire de la charte de partenariat du territoire
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        "forum" => format!(
            "\
title: {title}
date:             # OBLIGATOIRE : jour de l'édition, AAAA-MM-JJ
end_date:         # dernier jour, si l'édition dure plusieurs jours
venue:            # lieu, par exemple \"Jardin de la Ménagerie, Sceaux\"
registration_url: # lien d'inscription, en https://
partners: []      # slugs des acteurs partenaires (noms de fichiers de content/acteurs/, sans .md)
exhibitors: []    # slugs des acteurs exposants
program: []       # le programme ; un élément par ligne, par exemple :
#  - start: \"14:00\"        # heure de début (HH:MM)
#    end: \"15:00\"          # heure de fin
#    kind: table-ronde     # salon, atelier, conference, table-ronde, pitch
#    title: \"Titre de l'atelier\"
#    room: \"Salle des mariages\"
#    speakers:             # intervenants : un nom, ou {{name, role, actor}}
#      - {{name: \"Camille Martin\", role: \"fondatrice\", actor: slug-de-l-acteur}}
#    actors: []            # acteurs qui animent cet élément (slugs)
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        "conference" => format!(
            "\
title: {title}
date:             # OBLIGATOIRE : date et heure, AAAA-MM-JJTHH:MM (par exemple 2027-03-18T19:00)
end_date:         # fin, AAAA-MM-JJTHH:MM
venue:            # lieu
speakers: []      # intervenants, par exemple [{{name: \"Camille Martin\", role: \"fondatrice\", actor: slug-de-l-acteur}}]
domains: []       # domaines abordés (mêmes valeurs que pour les acteurs)
registration_url: # lien d'inscription, en https://
replay_url:       # lien du replay vidéo, après la conférence
slides_url:       # lien des supports de présentation
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        "magazine" => format!(
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
        "ressource" => format!(
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
        "page" => format!(
            "\
title: {title}
menu:             # position dans le menu principal (1, 2…) ; vide : hors du menu
updated:          # date de mise à jour (AAAA-MM-JJ)
"
        ),
        _ => return None,
    };
    Some(format!(
        "---\n{own}{common_tail}---\n\nLe texte de la fiche, en Markdown : des paragraphes, des **mots en gras**, des listes, des [liens](/acteurs/).\n"
    ))
}

/// Writes a new record of `kind` (French name) titled `title` in the site at `root`; refuses
/// to overwrite. Returns the path written.
pub fn new_record(root: &Path, kind: &str, title: &str, today: &str) -> Result<PathBuf, String> {
    let Some((_, folder)) = KINDS.iter().find(|(k, _)| *k == kind) else {
        let names: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
        let hint = crate::diagnostic::suggest(kind, &names);
        return Err(format!("type de fiche inconnu « {kind} » : {hint}"));
    };
    let slug = slugify(title);
    if slug.is_empty() {
        return Err("le titre doit contenir au moins une lettre ou un chiffre".into());
    }
    let dir = root.join("content").join(folder);
    let path = dir.join(format!("{slug}.md"));
    if path.exists() || dir.join(format!("{slug}.yaml")).exists() {
        return Err(format!(
            "{} existe déjà : choisissez un autre titre, ou modifiez la fiche existante",
            path.display()
        ));
    }
    let text = record_text(kind, title, today).ok_or("type de fiche inconnu")?;
    write_file(&path, &text)?;
    Ok(path)
}

/// Writes a new file, and its folder if needed; the error said in French.
fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            format!(
                "impossible de créer {} : {}",
                parent.display(),
                crate::diagnostic::io_fr(&e)
            )
        })?;
    }
    std::fs::write(path, text).map_err(|e| {
        format!(
            "impossible d'écrire {} : {}",
            path.display(),
            crate::diagnostic::io_fr(&e)
        )
    })
}

/// The files of a new commune's site: (path, text).
pub fn site_files(commune: &str, year: i32) -> Vec<(String, String)> {
    let slug = slugify(commune);
    let title = format!("Maison virtuelle de l'ESS de {commune}");
    let mut files = vec![
        (
            "site.toml".into(),
            format!(
                "# Le site de l'économie sociale et solidaire de {commune}.\n\
                 title = {t}\n\
                 base_url = \"https://ess.{slug}.fr\"   # à remplacer par l'adresse réelle du site\n\
                 description = {d}\n\
                 language = \"fr\"\n\
                 paginate_by = 24\n\n\
                 [commune]\n\
                 name = {c}\n\
                 # department = \"Hauts-de-Seine\"\n\
                 # website = \"https://www.{slug}.fr\"\n\n\
                 # [contact]\n\
                 # email = \"ess@{slug}.fr\"\n\
                 # address = \"Hôtel de ville\"\n\n\
                 # Domaines d'action propres à la commune, en plus des neuf domaines de l'ESS :\n\
                 # [domains]\n\
                 # culture = \"Culture\"\n",
                t = quoted(&title),
                d = quoted(&format!("Les acteurs, les événements et les ressources de l'économie sociale et solidaire à {commune}.")),
                c = quoted(commune),
            ),
        ),
        (
            ".gitignore".into(),
            "public/\npublic-membres/\n.public.lock\n.public-membres.lock\n.public.tmp-*\n.public-membres.tmp-*\n".into(),
        ),
        (
            "README.md".into(),
            format!(
                "# {title}\n\n\
                 Le portail de l'économie sociale et solidaire de {commune}, publié avec `ess-site`.\n\n\
                 - `ess-site serve` : aperçu sur http://127.0.0.1:1111/, mis à jour à chaque enregistrement ;\n\
                 - `ess-site check` : vérifie toutes les fiches ;\n\
                 - `ess-site build` : construit le site dans `public/`, à publier sur le serveur web ;\n\
                 - `ess-site new acteur \"Nom de l'acteur\"` : une nouvelle fiche, chaque champ expliqué.\n\n\
                 Les fiches sont dans `content/`. Pour changer l'apparence, placez vos gabarits dans\n\
                 `templates/` (même nom que ceux du thème) et vos images et feuilles de style dans `static/`.\n"
            ),
        ),
    ];
    files.extend(example_records(commune, year));
    files
}

/// The example records of a new site: home page, an actor, a Forum, a conference, a dossier,
/// a resource, pages and data.
fn example_records(commune: &str, year: i32) -> Vec<(String, String)> {
    let slug = slugify(commune);
    let title = format!("Maison virtuelle de l'ESS de {commune}");
    let actor = format!("jardin-partage-de-{slug}");
    let next = year + 1;
    vec![
        (
            "content/_index.md".into(),
            format!(
                "---\ntitle: {t}\nsummary: \"Identifier, faire connaître et relier les acteurs de l'économie sociale et solidaire de {commune}.\"\n---\n\n\
                 Bienvenue sur le portail de l'économie sociale et solidaire (ESS) de {commune} : les associations,\n\
                 coopératives, mutuelles, fondations et entreprises solidaires du territoire, leurs événements et\n\
                 les ressources pour entreprendre autrement. Vous avez un projet ? Commencez par\n\
                 [le parcours du porteur de projet](/porteur-de-projet/).\n",
                t = quoted(&title)
            ),
        ),
        (
            format!("content/acteurs/{actor}.md"),
            format!(
                "---\ntitle: {t}\nsummary: \"Un jardin cultivé ensemble par les habitants.\"\nlegal_form: association\n\
                 domains: [agriculture, participation-citoyenne]\nstages: [sensibiliser]\n---\n\n\
                 Un exemple de fiche d'acteur : remplacez-la par les acteurs de {commune}. Les habitants y\n\
                 jardinent ensemble et partagent leurs savoir-faire.\n",
                t = quoted(&format!("Jardin partagé de {commune}"))
            ),
        ),
        (
            format!("content/forum/{next}.md"),
            format!(
                "---\ntitle: \"Forum de l'ESS {next}\"\ndate: {next}-11-14\nvenue: {v}\n\
                 summary: \"Une journée pour rencontrer les acteurs de l'économie sociale et solidaire du territoire.\"\n\
                 exhibitors: [{actor}]\nprogram:\n  - start: \"10:00\"\n    end: \"17:00\"\n    kind: salon\n    title: \"Salon des exposants\"\n\
                 \x20 - start: \"14:00\"\n    end: \"15:00\"\n    kind: table-ronde\n    title: \"Table ronde : entreprendre autrement à {commune}\"\n---\n\n\
                 Le Forum annuel de l'ESS : salon, ateliers, conférences, tables rondes et pitchs d'entrepreneurs.\n",
                v = quoted(&format!("Hôtel de ville de {commune}"))
            ),
        ),
        (
            format!("content/conferences/up-conference-{next}.md"),
            format!(
                "---\ntitle: \"Up Conférence : l'innovation sociale à {commune}\"\ndate: {next}-03-19T19:00\nend_date: {next}-03-19T21:00\n\
                 venue: {v}\nsummary: \"Une soirée pour découvrir les initiatives à impact social du territoire.\"\n\
                 speakers:\n  - {{name: \"Une intervenante\", role: \"fondatrice\", actor: {actor}}}\ndomains: [participation-citoyenne]\n---\n\n\
                 Deux fois par an, les Up Conférences font le point sur l'innovation sociale.\n",
                v = quoted(&format!("Hôtel de ville de {commune}"))
            ),
        ),
        (
            "content/magazine/edito-bienvenue.md".into(),
            format!(
                "---\ntitle: \"Éditorial : l'ESS, une économie qui relie\"\ndate: {year}-01-01\nkind: edito\n\
                 summary: \"Pourquoi {commune} s'engage pour l'économie sociale et solidaire.\"\nactors: [{actor}]\n---\n\n\
                 Un exemple d'éditorial : remplacez-le par les dossiers et éditoriaux du magazine municipal.\n"
            ),
        ),
        (
            "content/ressources/guide-de-l-ess.md".into(),
            format!(
                "---\ntitle: \"Comprendre l'économie sociale et solidaire\"\ndate: {year}-01-01\ncategory: \"Guides\"\nresource_type: \"Fiches pratiques\"\n\
                 summary: \"Les statuts, les réseaux et les principes de l'ESS en quelques pages.\"\n---\n\n\
                 Un exemple de ressource. Une ressource `private: true` n'est jamais publiée sur le site public.\n"
            ),
        ),
        (
            "content/pages/a-propos.md".into(),
            format!(
                "---\ntitle: \"À propos\"\nmenu: 1\nsummary: \"Qui publie ce portail, et pourquoi.\"\n---\n\n\
                 Ce portail est publié par la ville de {commune} pour faire connaître l'économie sociale et\n\
                 solidaire du territoire et accompagner les porteurs de projet.\n"
            ),
        ),
        (
            "content/pages/accessibilite.md".into(),
            format!(
                "---\ntitle: \"Accessibilité\"\nsummary: \"Déclaration d'accessibilité du portail.\"\n---\n\n\
                 La ville de {commune} s'engage à rendre ce portail accessible conformément à l'article 47 de la\n\
                 loi n° 2005-102 du 11 février 2005, selon le référentiel général d'amélioration de\n\
                 l'accessibilité (RGAA). Pour signaler un problème, écrivez à la mairie.\n"
            ),
        ),
        (
            "content/data/accessibilite.yaml".into(),
            format!(
                "# La déclaration d'accessibilité (RGAA), affichée sur /accessibilite/ et, par son statut, en pied de page.\n\
                 statut: \"non conforme\"   # totalement conforme, partiellement conforme, non conforme ; à revoir après l'audit\n\
                 audit:\n  date:          # date de l'audit (AAAA-MM-JJ)\n  taux:          # taux de conformité, par exemple \"75 %\"\n\
                 contenus_non_accessibles: []\n\
                 contact:\n  email: \"ess@{slug}.fr\"\n\
                 schema_pluriannuel: \"Un audit RGAA du portail est à programmer.\"\n"
            ),
        ),
        (
            "content/data/chiffres_cles.yaml".into(),
            format!(
                "titre: \"{commune} et l'ESS en chiffres\"\nchiffres:\n  - valeur: \"1\"\n    libelle: \"Forum de l'ESS par an\"\n  - valeur: \"2\"\n    libelle: \"Up Conférences par an\"\n"
            ),
        ),
    ]
}

/// Writes a new commune's site in `dir`, which must not exist or be empty. Returns the files.
pub fn init_site(dir: &Path, commune: &str, year: i32) -> Result<Vec<PathBuf>, String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!(
            "{} existe déjà et n'est pas vide : choisissez un nouveau dossier",
            dir.display()
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in site_files(commune, year) {
        let path = dir.join(&rel);
        write_file(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}
