//! Builds the example site and fixture sites into temp folders and checks the real output.

mod common;

use common::*;
use ess_site::pipeline;

const NOW: &str = "2026-11-23T12:00";

#[test]
fn example_site_has_every_page_of_the_spec() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    for path in [
        "index.html",
        "acteurs/index.html",
        "acteurs/up-sceaux/index.html",
        "acteurs/l-atelier/index.html",
        "acteurs/domaines/index.html",
        "acteurs/domaines/agriculture/index.html",
        "acteurs/formes/association/index.html",
        "acteurs/etapes/financer/index.html",
        "porteur-de-projet/index.html",
        "forum/index.html",
        "forum/2016/index.html",
        "conferences/index.html",
        "agenda/index.html",
        "magazine/index.html",
        "magazine/mois-de-l-ess-2016/index.html",
        "ressources/index.html",
        "ressources/categories/guides-reperess/index.html",
        "ressources/types/ressources-rtes/index.html",
        "a-propos/index.html",
        "accessibilite/index.html",
        "rss.xml",
        "acteurs/rss.xml",
        "magazine/rss.xml",
        "conferences/rss.xml",
        "forum/rss.xml",
        "ressources/rss.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "favicon.svg",
    ] {
        assert!(files.contains_key(path), "{path} missing");
    }
    assert!(
        files
            .keys()
            .any(|k| k.starts_with("style.") && k.ends_with(".css")),
        "the stylesheet"
    );
    let home = text(&files, "index.html");
    assert!(home.contains("<html lang=\"fr\">"));
    assert!(home.contains("Prochains rendez-vous"));
    assert!(
        home.contains("19\u{202f}520"),
        "key figures from content/data on the home page"
    );
    // An actor with contact details lists them; one without says so and names the site's
    // contact, rather than a heading over nothing.
    let with = text(&files, "acteurs/up-sceaux/index.html");
    assert!(with.contains("<ul class=\"facts\">") && !with.contains("pas publié de coordonnées"));
    let without = text(&files, "acteurs/jardin-partage/index.html");
    assert!(
        !without.contains("<ul class=\"facts\">"),
        "no empty list of details"
    );
    assert!(without.contains(
        "Cet acteur n’a pas publié de coordonnées. Pour toute question, écrivez à <a href=\"mailto:ess@sceaux.fr\">"
    ));
}

#[test]
fn every_internal_link_of_the_example_site_resolves() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let mut checked = 0;
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = std::str::from_utf8(bytes).expect("utf-8");
        for link in internal_links(html) {
            let (target, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target = target.trim_start_matches('/');
            let file = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.html")
            } else {
                target.to_string()
            };
            assert!(
                files.contains_key(&file),
                "{path} links to {link}, which is not in the output"
            );
            if !fragment.is_empty() {
                let page = std::str::from_utf8(&files[&file]).unwrap();
                assert!(
                    page.contains(&format!("id=\"{fragment}\"")),
                    "{path} links to {link}: no such anchor"
                );
            }
            checked += 1;
        }
        // Links within the page.
        for anchor in html
            .split("href=\"#")
            .skip(1)
            .filter_map(|r| r.split('"').next())
        {
            assert!(
                html.contains(&format!("id=\"{anchor}\"")),
                "{path}: #{anchor} has no target"
            );
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn forum_page_lists_programme_in_time_order_with_linked_exhibitors() {
    let site = copy_site(&fixture("visibility"));
    let files = build(site.path(), options("2021-01-01"));
    let page = text(&files, "forum/2020/index.html");
    // The page's programme, not the structured data of the head.
    let forum = &page[page.find("<main").expect("main")..];
    let a = forum.find("Ouverture du salon").expect("morning item");
    let b = forum.find("Atelier du matin").expect("workshop");
    let c = forum.find("Les pitchs de l").expect("pitch");
    assert!(a < b && b < c, "programme out of order");
    assert!(forum.contains("9\u{a0}h\u{a0}30"), "French time");
    assert!(
        forum.contains("samedi 14\u{a0}novembre\u{a0}2020"),
        "French date"
    );
    assert!(forum.contains("<a href=\"/acteurs/public-actor/\">Acteur public</a>"));
    let actor = text(&files, "acteurs/public-actor/index.html");
    assert!(actor.contains("Apparaît dans"));
    assert!(
        actor.contains("href=\"/forum/2020/\""),
        "appears in the forum"
    );
    assert!(
        actor.contains("href=\"/magazine/published/\""),
        "appears in the dossier"
    );
}

#[test]
fn drafts_private_and_future_records_never_reach_public_output() {
    let site = copy_site(&fixture("visibility"));
    let files = build(site.path(), options("2021-01-01"));
    for (path, bytes) in &files {
        let body = String::from_utf8_lossy(bytes);
        assert!(
            !body.contains("CANARY"),
            "{path} leaks a draft, private or future record"
        );
        assert!(
            !path.contains("draft") && !path.contains("private") && !path.contains("future"),
            "{path} published"
        );
    }
    assert!(files.contains_key("magazine/published/index.html"));
    assert!(files.contains_key("ressources/public/index.html"));
}

#[test]
fn drafts_build_shows_drafts_but_never_private_records() {
    let site = copy_site(&fixture("visibility"));
    let mut opts = options("2021-01-01");
    opts.drafts = true;
    let files = build(site.path(), opts);
    assert!(files.contains_key("acteurs/draft-actor/index.html"));
    assert!(files.contains_key("magazine/draft/index.html"));
    let all: String = files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        !all.contains("CANARY-PRIVATE"),
        "a drafts build leaks a private record"
    );
    assert!(
        !all.contains("CANARY-FUTURE"),
        "a drafts build publishes a future dossier"
    );
    assert!(
        text(&files, "index.html").contains("noindex"),
        "a preview asks robots to stay out"
    );
}

#[test]
fn members_build_includes_private_resources() {
    let site = copy_site(&fixture("visibility"));
    let mut opts = options("2021-01-01");
    opts.include_private = true;
    let files = build(site.path(), opts);
    assert!(text(&files, "ressources/private/index.html").contains("CANARY-PRIVATE-RESOURCE body"));
    assert!(text(&files, "robots.txt").contains("Disallow: /"));
}

#[test]
fn future_dossier_appears_once_its_date_has_come() {
    let site = copy_site(&fixture("visibility"));
    let files = build(site.path(), options("2099-01-02"));
    assert!(files.contains_key("magazine/future/index.html"));
}

#[test]
fn conferences_are_upcoming_or_past_relative_to_now() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let page = text(&files, "conferences/index.html");
    let (upcoming, past) = page.split_once("id=\"passes\"").expect("two sections");
    assert!(upcoming.contains("se nourrir local et solidaire"));
    assert!(past.contains("entreprendre autrement"));
    let later = build(site.path(), options("2028-01-01"));
    let page = text(&later, "conferences/index.html");
    let (upcoming, _) = page.split_once("id=\"passes\"").expect("two sections");
    assert!(!upcoming.contains("se nourrir local et solidaire"));
}

#[test]
fn pages_are_in_french() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let forum = text(&files, "forum/2016/index.html");
    assert!(
        forum.contains("19\u{a0}novembre\u{a0}2016"),
        "« 19 novembre 2016 »"
    );
    let dossier = text(&files, "magazine/mois-de-l-ess-2016/index.html");
    assert!(
        dossier.contains("«\u{a0}Faire ensemble pour vivre ensemble\u{a0}»\u{a0}:"),
        "non-breaking spaces inside « » and before :"
    );
    let closed = text(&files, "acteurs/l-atelier/index.html");
    assert!(
        closed.contains("Cette structure a fermé le"),
        "a closed actor stays, marked closed"
    );
    assert!(files.keys().all(|p| p.is_ascii()), "URLs without accents");
}

#[test]
fn rss_feeds_are_rss_2_with_absolute_links_and_dates() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    for path in ["rss.xml", "magazine/rss.xml", "conferences/rss.xml"] {
        let channel = rss::Channel::read_from(files[path].as_slice()).expect("valid RSS");
        assert!(!channel.items().is_empty(), "{path} has items");
        let mut guids = std::collections::HashSet::new();
        for item in channel.items() {
            assert!(item.link().unwrap().starts_with("https://ess.sceaux.fr/"));
            let date = item.pub_date().expect("pubDate");
            chrono::DateTime::parse_from_rfc2822(date).expect("RFC 822 date");
            assert!(
                guids.insert(item.guid().unwrap().value().to_string()),
                "unique guid"
            );
        }
    }
    let all = rss::Channel::read_from(files["rss.xml"].as_slice()).unwrap();
    assert!(all
        .items()
        .iter()
        .any(|i| i.title() == Some("Dossier : novembre, le mois de l'ESS à Sceaux")));
    assert!(
        !String::from_utf8_lossy(&files["rss.xml"]).contains("foncier"),
        "private resource in the feed"
    );
    let sitemap = text(&files, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://ess.sceaux.fr/acteurs/up-sceaux/</loc>"));
    assert!(!sitemap.contains("404"));
}

#[test]
fn aliases_redirect_to_the_record() {
    let site = copy_site(&fixture("visibility"));
    let files = build(site.path(), options("2021-01-01"));
    let page = text(&files, "annuaire/ancien-acteur/index.html");
    assert!(page.contains("url=/acteurs/public-actor/"));
    assert!(
        page.contains("rel=\"canonical\" href=\"https://test.example.org/acteurs/public-actor/\"")
    );
}

#[test]
fn a_site_overrides_templates_and_adds_static_files() {
    let site = copy_site(&fixture("override"));
    let files = build(site.path(), options("2021-01-01"));
    assert!(text(&files, "bonjour/index.html")
        .contains("<h1 class=\"custom-page\">Bonjour (gabarit de la commune)</h1>"));
    assert!(
        text(&files, "bonjour/index.html").contains("Ville de Autreville"),
        "base template still the theme's"
    );
    assert!(files.contains_key("commune.css"));
    assert!(files
        .keys()
        .any(|k| k.starts_with("style.") && k.ends_with(".css")));
}

#[test]
fn same_input_gives_byte_identical_output() {
    let site = copy_site(&repo());
    let first = build(site.path(), options(NOW));
    let second = build(site.path(), options(NOW));
    let differ = |a: &std::collections::BTreeMap<String, Vec<u8>>,
                  b: &std::collections::BTreeMap<String, Vec<u8>>| {
        a.keys()
            .chain(b.keys())
            .filter(|k| a.get(*k) != b.get(*k))
            .cloned()
            .collect::<std::collections::BTreeSet<String>>()
    };
    assert!(first == second, "differ: {:?}", differ(&first, &second));
    // And a single-threaded build gives the same bytes as the parallel one.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let single = pool.install(|| build(site.path(), options(NOW)));
    assert!(first == single, "differ: {:?}", differ(&first, &single));
    // And a build that keeps every record's body in its scratch file, not in memory (past
    // its budget, as a very large site's build does) gives the same bytes again.
    let out = site.path().join("public");
    let hooks = pipeline::Hooks {
        wait: pipeline::Wait::Yes,
        on_wait: &|| {},
        progress: &|_, _| {},
        strict: false,
        bodies_in_memory: 0,
    };
    let report = pipeline::build_with(site.path(), &out, options(NOW), &hooks).unwrap();
    assert!(
        report.bodies_spilled > 10,
        "{} bodies spilled",
        report.bodies_spilled
    );
    let spilled = read_tree(&out);
    assert!(first == spilled, "differ: {:?}", differ(&first, &spilled));
    let by_default = pipeline::build(site.path(), &out, options(NOW)).unwrap();
    assert_eq!(by_default.bodies_spilled, 0);
}

/// A record whose YAML went to the scratch file with its body (a build past its budget) is
/// placed by its warnings as one held in memory: the same warnings, at the same lines.
#[test]
fn records_kept_in_the_scratch_file_are_placed_as_records_held_in_memory() {
    let site = copy_site(&repo());
    // A front matter long enough to be packed, a summary left blank and a passage to fill in
    // a value: warnings placed by reading the YAML again.
    let filler: String = (0..12)
        .map(|i| format!("  - /ancienne-adresse-de-la-cooperative-{i}/\n"))
        .collect();
    std::fs::write(
        site.path().join("content/acteurs/placee.md"),
        format!(
            "---\ntitle: Coopérative placée\naliases:\n{filler}address: \"[à compléter : la rue]\"\nsummary: \"\"\n---\nCorps.\n"
        ),
    )
    .unwrap();
    let out = site.path().join("public");
    let warnings = |bodies_in_memory| {
        let hooks = pipeline::Hooks {
            wait: pipeline::Wait::Yes,
            on_wait: &|| {},
            progress: &|_, _| {},
            strict: false,
            bodies_in_memory,
        };
        let report = pipeline::build_with(site.path(), &out, options(NOW), &hooks).unwrap();
        let mine: Vec<String> = report
            .warnings
            .iter()
            .filter(|d| d.path.ends_with("placee.md"))
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect();
        (report.bodies_spilled, mine)
    };
    let (none, held) = warnings(pipeline::BODIES_IN_MEMORY);
    let (spilled, kept) = warnings(0);
    assert_eq!(none, 0);
    assert!(spilled > 10, "{spilled} spilled");
    assert!(
        held.contains(&"16:11: texte à compléter : « [à compléter : la rue] »".to_string()),
        "{held:?}"
    );
    assert!(
        held.iter().any(|w| w.starts_with("17:1: résumé absent")),
        "{held:?}"
    );
    assert_eq!(held, kept);
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let site = copy_site(&repo());
    let before = build(site.path(), options(NOW));
    // What a build keeps beside the output for the next one (the image links of a first build).
    let staging = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(site.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public.tmp-"))
            .collect();
        names.sort();
        names
    };
    let kept = staging();
    assert!(kept.len() <= 1, "{kept:?}");
    std::fs::write(
        site.path().join("content/acteurs/casse.md"),
        "---\ntitle: Casse\ntitel: x\n---\n",
    )
    .unwrap();
    let out = site.path().join("public");
    let result = pipeline::build(site.path(), &out, options(NOW));
    assert!(result.is_err());
    assert_eq!(read_tree(&out), before, "previous output changed");
    assert_eq!(staging(), kept, "temporary folders left behind");
}

#[test]
fn files_that_no_longer_exist_disappear_from_the_output() {
    let site = copy_site(&repo());
    build(site.path(), options(NOW));
    std::fs::remove_file(site.path().join("content/acteurs/moovjee.md")).unwrap();
    // Remove the links to it too, so the site stays valid.
    for f in [
        "content/forum/2016.md",
        "content/conferences/2016-automne.md",
        "content/pages/a-propos.md",
    ] {
        let p = site.path().join(f);
        let t = std::fs::read_to_string(&p).unwrap();
        let t = t
            .replace("  - moovjee\n", "")
            .replace(
                "actors: [moovjee, iut-de-sceaux]",
                "actors: [iut-de-sceaux]",
            )
            .replace(
                "{name: \"Un représentant du Moovjee\", actor: moovjee}",
                "{name: \"Un représentant du Moovjee\"}",
            )
            .replace("le [Moovjee](/acteurs/moovjee/)", "le Moovjee");
        std::fs::write(&p, t).unwrap();
    }
    let files = build(site.path(), options(NOW));
    assert!(!files.contains_key("acteurs/moovjee/index.html"));
}

#[test]
fn key_figures_count_what_the_content_holds() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let page = text(&files, "chiffres-cles/index.html");
    // Count the actors of each domain straight from the files, as an editor would.
    let mut expected: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(site.path().join("content/acteurs")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("domains:"))
            .unwrap_or("domains: []");
        let list = line
            .trim_start_matches("domains:")
            .trim()
            .trim_matches(['[', ']']);
        for d in list.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            *expected.entry(d.to_string()).or_default() += 1;
        }
    }
    for (slug, label) in [
        ("entrepreneuriat-social", "Entrepreneuriat social"),
        ("agriculture", "Agriculture"),
        ("jeunesse", "Jeunesse"),
        ("sport", "Sport"),
    ] {
        let n = expected.get(slug).copied().unwrap_or(0);
        let row = format!("<tr><th scope=\"row\">{label}</th><td>{n}</td></tr>");
        assert!(page.contains(&row), "{row} missing");
    }
    assert!(
        page.contains("<tr><th scope=\"row\">2016</th><td>3</td></tr>"),
        "events of 2016: the Forum and two conferences"
    );
    assert!(page.contains("<svg class=\"chart-svg\" role=\"img\""));
    assert!(text(&files, "index.html").contains("href=\"/chiffres-cles/\""));
}

#[test]
fn the_build_talks_like_a_good_command() {
    let site = copy_site(&repo());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ess-site"))
            .args(args)
            .current_dir(site.path())
            .output()
            .unwrap();
        assert!(out.status.success());
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (stdout, stderr) = run(&["build", "--now", NOW]);
    let summary = stdout.lines().last().unwrap();
    assert!(
        summary.starts_with("Site construit dans ./public en "),
        "{summary}"
    );
    assert!(
        summary.contains(
            "15 acteurs, 1 édition du Forum, 3 conférences, 2 articles, 5 ressources, 4 pages"
        ),
        "{summary}"
    );
    assert!(summary.ends_with("2 avertissements"), "{summary}");
    assert!(
        !stderr.contains('░') && !stderr.contains("\u{1b}["),
        "no progress bar nor colours off a terminal"
    );
    let (stdout, stderr) = run(&["build", "--now", NOW, "--quiet"]);
    assert_eq!((stdout.as_str(), stderr.as_str()), ("", ""), "--quiet");
    let (stdout, _) = run(&["build", "--now", NOW, "--verbose"]);
    assert!(
        stdout
            .lines()
            .any(|l| l == "./public/acteurs/up-sceaux/index.html"),
        "{stdout}"
    );
}

#[test]
fn open_data_lists_every_public_actor_with_documented_columns() {
    let site = copy_site(&fixture("visibility"));
    let files = build(site.path(), options("2021-01-01"));
    let mut reader = csv::Reader::from_reader(files["donnees/acteurs.csv"].as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let documented: Vec<String> = ess_site::render::opendata::COLUMNS
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    assert_eq!(header, documented);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let pages = files
        .keys()
        .filter(|k| {
            k.starts_with("acteurs/")
                && k.matches('/').count() == 2
                && !k.contains("/page/")
                && ![
                    "acteurs/domaines/index.html",
                    "acteurs/formes/index.html",
                    "acteurs/etapes/index.html",
                ]
                .contains(&k.as_str())
        })
        .count();
    assert_eq!(rows.len(), pages, "one row per actor page");
    assert_eq!(&rows[0][0], "public-actor");
    assert_eq!(&rows[0][3], "sante");
    let json: Vec<serde_json::Value> =
        serde_json::from_slice(&files["donnees/acteurs.json"]).unwrap();
    assert_eq!(json.len(), rows.len());
    assert_eq!(
        json[0]["url"],
        "https://test.example.org/acteurs/public-actor/"
    );
    for column in &documented {
        assert!(
            text(&files, "donnees/index.html").contains(&format!("<code>{column}</code>")),
            "{column} documented"
        );
    }
}

/// The directory's and the map's filters read their own file: every actor of the open data, in
/// its order, with the fields the filters match and the cards show, equal to the export's;
/// no other field, and a fraction of the export's bytes.
#[test]
fn the_filters_read_the_open_data_s_actors_with_only_the_fields_they_use() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let export: Vec<serde_json::Value> =
        serde_json::from_slice(&files["donnees/acteurs.json"]).unwrap();
    let filters: serde_json::Value =
        serde_json::from_slice(&files["acteurs/filtres.json"]).unwrap();
    let names: Vec<&str> = filters["champs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    // Every field the theme's script reads of an actor (`a.nom`, `actor.domaines`: these names
    // are actors there) is there.
    let script =
        std::fs::read_to_string(repo().join("themes/default/static/js/annuaire.js")).unwrap();
    let mut read = std::collections::BTreeSet::new();
    for start in ["a.", "actor."] {
        for (at, _) in script.match_indices(start) {
            let before = script[..at].chars().next_back().unwrap_or(' ');
            let field: String = script[at + start.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !before.is_alphanumeric() && !matches!(before, '_' | '.') && !field.is_empty() {
                read.insert(field);
            }
        }
    }
    assert!(read.len() >= 8, "{read:?}");
    for field in &read {
        assert!(names.contains(&field.as_str()), "the script reads {field}");
    }
    for left in [
        "courriel",
        "telephone",
        "site_web",
        "latitude",
        "siret",
        "url",
    ] {
        assert!(!names.contains(&left), "{left}");
    }
    let rows = filters["acteurs"].as_array().unwrap();
    assert_eq!(rows.len(), export.len());
    assert!(
        export.iter().any(|a| a["fermeture"] != ""),
        "a closed actor"
    );
    for (row, actor) in rows.iter().zip(&export) {
        let row = row.as_array().unwrap();
        assert_eq!(row.len(), names.len());
        for (name, value) in names.iter().zip(row) {
            assert_eq!(value, &actor[*name], "{} {name}", actor["slug"]);
        }
    }
    let (small, whole) = (
        files["acteurs/filtres.json"].len(),
        files["donnees/acteurs.json"].len(),
    );
    assert!(
        small * 3 < whole,
        "{small} bytes against the export's {whole}"
    );
}

/// The GeoJSON export is RFC 7946's: a FeatureCollection of Features, each a Point in
/// longitude then latitude (WGS 84, in range), no `crs` member, the CSV's columns as properties;
/// one per published actor with a position, and no other.
#[test]
fn the_geojson_export_is_rfc_7946_with_every_placed_actor() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let g: serde_json::Value = serde_json::from_slice(&files["donnees/acteurs.geojson"]).unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    assert!(g.get("crs").is_none(), "RFC 7946 has no crs member");
    let features = g["features"].as_array().unwrap();
    let placed: Vec<serde_json::Value> =
        serde_json::from_slice::<Vec<serde_json::Value>>(&files["donnees/acteurs.json"])
            .unwrap()
            .into_iter()
            .filter(|a| a["latitude"].is_number())
            .collect();
    assert!(!placed.is_empty());
    assert_eq!(features.len(), placed.len(), "one feature per placed actor");
    for (f, a) in features.iter().zip(&placed) {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["id"], a["slug"]);
        assert_eq!(f["geometry"]["type"], "Point");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(c.len(), 2);
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        assert_eq!(
            (lat, lon),
            (
                a["latitude"].as_f64().unwrap(),
                a["longitude"].as_f64().unwrap()
            )
        );
        assert_eq!(&f["properties"], a, "the CSV's columns as properties");
    }
    assert!(text(&files, "donnees/index.html").contains("href=\"/donnees/acteurs.geojson\""));
}

#[test]
fn events_have_icalendar_files_with_stable_uids() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let agenda = text(&files, "agenda.ics");
    for path in [
        "agenda.ics",
        "forum/2016/evenement.ics",
        "conferences/2016-printemps/evenement.ics",
    ] {
        let ics = text(&files, path);
        assert!(
            ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"),
            "{path}"
        );
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "{path}: CRLF line ends only"
        );
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{path}: line over 75 octets: {line}");
        }
        assert!(
            ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"),
            "{path}"
        );
        let unfolded = ics.replace("\r\n ", "");
        for event in unfolded.split("BEGIN:VEVENT").skip(1) {
            for key in ["\r\nUID:", "\r\nDTSTAMP:", "\r\nDTSTART"] {
                assert!(event.contains(key), "{path}: an event without {key}");
            }
        }
    }
    let unfolded = agenda.replace("\r\n ", "");
    assert!(
        unfolded.contains("DTSTART;TZID=Europe/Paris:20161119T140000"),
        "programme items at Paris time"
    );
    assert!(
        unfolded.contains("DTSTART;VALUE=DATE:20161119"),
        "the edition as a whole day"
    );
    assert!(
        unfolded.contains("salon\\, ateliers\\, conférences"),
        "commas escaped"
    );
    let uids: Vec<&str> = unfolded
        .split("\r\nUID:")
        .skip(1)
        .map(|r| r.split("\r\n").next().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = uids.iter().collect();
    assert_eq!(unique.len(), uids.len(), "unique UIDs");
    // The same events keep their UIDs in a later build.
    let later = build(site.path(), options("2027-06-01"));
    let later_agenda = text(&later, "agenda.ics").replace("\r\n ", "");
    for uid in &uids {
        assert!(
            later_agenda.contains(&format!("\r\nUID:{uid}\r\n")),
            "{uid} changed"
        );
    }
    assert!(text(&files, "agenda/index.html").contains("href=\"/agenda.ics\""));
    assert!(text(&files, "forum/2016/index.html").contains("href=\"/forum/2016/evenement.ics\""));
}

#[test]
fn structured_data_parses_on_every_page() {
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let mut blocks = 0;
    for (path, bytes) in &files {
        let html = String::from_utf8_lossy(bytes);
        for block in html.split("<script type=\"application/ld+json\">").skip(1) {
            let json = block.split("</script>").next().unwrap();
            let value: serde_json::Value =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(value["@context"], "https://schema.org", "{path}");
            blocks += 1;
        }
    }
    assert!(blocks >= 20, "{blocks} JSON-LD blocks");
    let forum = text(&files, "forum/2016/index.html");
    assert!(
        forum.contains("\"@type\":\"Event\"") && forum.contains("\"startDate\":\"2016-11-19\"")
    );
    let conf = text(&files, "conferences/2016-printemps/index.html");
    assert!(
        conf.contains("\"startDate\":\"2016-04-07T19:00:00+02:00\""),
        "Paris offset"
    );
}

#[test]
fn the_home_page_shows_the_open_actors_that_joined_last() {
    let site = copy_site(&repo());
    let root = site.path();
    let dated = [
        ("moovjee", "2024-03-01", false),
        ("groupe-sos", "2025-06-01", false),
        ("jardin-partage", "2023-01-15", false),
        ("iut-de-sceaux", "2025-09-30", false),
        ("amap-de-sceaux", "2022-05-01", false),
        // Joined last, but closed since: not offered.
        ("cress-ile-de-france", "2026-01-10", true),
    ];
    for (slug, date, closed) in dated {
        let path = root.join(format!("content/acteurs/{slug}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        let closed = if closed { "closed: 2026-02-01\n" } else { "" };
        std::fs::write(
            &path,
            text.replacen("---\n", &format!("---\ndate: {date}\n{closed}"), 1),
        )
        .unwrap();
    }
    let files = build(root, options(NOW));
    let home = text(&files, "index.html");
    let block = &home[home.find("id=\"acteurs\"").expect("the actors' block")..];
    let block = &block[..block.find("</section>").unwrap()];
    let shown: Vec<&str> = block
        .match_indices("<a href=\"/acteurs/")
        .map(|(at, _)| {
            let href = block[at + 18..].split('"').next().unwrap();
            href.trim_end_matches('/')
        })
        .filter(|slug| !slug.is_empty())
        .collect();
    assert_eq!(
        shown,
        ["iut-de-sceaux", "groupe-sos", "moovjee", "jardin-partage"]
    );
}

/// Every kind of output the summary counts is one it names (« 1 autre, 1 autre » came from
/// kinds it did not know, printed first and without their name).
#[test]
fn the_summary_names_every_kind_of_output() {
    let site = copy_site(&repo());
    let out = site.path().join("public");
    let report = ess_site::pipeline::build(site.path(), &out, options("2026-11-23")).unwrap();
    for (kind, n) in &report.by_kind {
        assert!(
            *kind == "autres" || ess_site::pipeline::singular(kind) != "autre",
            "{n} outputs of an unnamed kind « {kind} »"
        );
    }
    assert!(report
        .by_kind
        .iter()
        .any(|(k, _)| *k == "lettres d'information"));
}

/// « Signaler une erreur » and « Proposer un acteur »: a prefilled e-mail to the site's contact,
/// else a prefilled issue on the editor's forge, else no link; the record named in the message.
#[test]
fn readers_can_report_an_error_or_propose_an_actor() {
    let decode = |s: &str| ess_site::model::url::percent_decode(&s.replace("&amp;", "&"));
    let site = copy_site(&repo());
    let files = build(site.path(), options(NOW));
    let page = text(&files, "acteurs/rtes/index.html");
    let link = page
        .split("href=\"mailto:ess@sceaux.fr?subject=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the actor page's report link");
    let link = decode(link);
    assert!(link.starts_with("Erreur sur la fiche « RTES"), "{link}");
    assert!(
        link.contains("https://ess.sceaux.fr/acteurs/rtes/"),
        "{link}"
    );
    assert!(page.contains(">Signaler une erreur sur cette fiche</a>"));
    assert!(text(&files, "acteurs/index.html").contains(">Proposer un acteur</a>"));

    // No contact e-mail, an editor on a GitLab of the town's own: an issue there.
    let toml = site.path().join("site.toml");
    let text_of = std::fs::read_to_string(&toml).unwrap();
    let without_contact = text_of.replace("email = \"ess@sceaux.fr\"\n", "");
    assert_ne!(without_contact, text_of);
    std::fs::write(
        &toml,
        format!("{without_contact}\n[editor]\nbackend = \"gitlab\"\nrepo = \"ville/ess\"\napp_id = \"0123\"\nbase_url = \"https://gitlab.ville.example\"\n"),
    )
    .unwrap();
    let files = build(site.path(), options(NOW));
    let page = text(&files, "acteurs/rtes/index.html");
    assert!(
        page.contains("href=\"https://gitlab.ville.example/ville/ess/-/issues/new?issue%5Btitle%5D=Erreur%20sur%20la%20fiche"),
        "{}",
        page.lines().find(|l| l.contains("report")).unwrap_or("")
    );
    // Neither: no link to nowhere.
    std::fs::write(&toml, &without_contact).unwrap();
    let files = build(site.path(), options(NOW));
    assert!(!text(&files, "acteurs/rtes/index.html").contains("Signaler une erreur"));
    assert!(!text(&files, "acteurs/index.html").contains("Proposer un acteur"));
}

/// The directory in the national schema data·inclusion: every published actor in activity is a
/// valid v1 `Structure`, as the schema's own package (`data-inclusion-schema`, PyPI) checks it;
/// closed actors, drafts and private records never.
#[test]
fn the_directory_is_a_valid_data_inclusion_export() {
    let site = copy_site(&repo());
    let actors = site.path().join("content/acteurs");
    std::fs::write(
        actors.join("recyclerie.md"),
        "---\ntitle: \"La Recyclerie.\"\ndate: 2025-03-02\nsiret: \"123 456 789 00015\"\nhours: \"Tu-Sa 10:00-19:00; PH off\"\nphone: \"01 23 45 67 89\"\nemail: contact@recyclerie.example.org\naddress: \"3 rue des Écoles, 92330 Ville\"\nsummary: \"Une ressourcerie.\"\ndomains: [habitat]\n---\n",
    )
    .unwrap();
    std::fs::write(
        actors.join("fermee.md"),
        "---\ntitle: \"Fermée\"\nclosed: 2024-01-01\ndomains: [habitat]\n---\n",
    )
    .unwrap();
    // What the schema would refuse: a name of two letters (the structure is left out), an
    // address without a domain and a summary of 12,000 characters (the field left out, or cut).
    std::fs::write(
        actors.join("ab.md"),
        "---\ntitle: \"AB\"\ndomains: [habitat]\n---\n",
    )
    .unwrap();
    std::fs::write(
        actors.join("bavarde.md"),
        format!(
            "---\ntitle: \"Bavarde\"\nemail: accueil@localhost\nsummary: \"{}\"\ndomains: [habitat]\n---\n",
            "mot ".repeat(3000)
        ),
    )
    .unwrap();
    std::fs::write(
        actors.join("brouillon.md"),
        "---\ntitle: \"Brouillon\"\ndraft: true\ndomains: [habitat]\n---\n",
    )
    .unwrap();
    let files = build(site.path(), options(NOW));
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("structures.json");
    std::fs::write(&json, &files["donnees/data-inclusion/structures.json"]).unwrap();
    std::fs::write(
        json.with_extension("csv"),
        &files["donnees/data-inclusion/structures.csv"],
    )
    .unwrap();
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let ids: Vec<&str> = list.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"ess-sceaux--recyclerie"));
    assert!(!ids
        .iter()
        .any(|i| i.ends_with("--fermee") || i.ends_with("--brouillon")));
    let open = files
        .keys()
        .filter(|k| {
            k.starts_with("acteurs/") && k.ends_with("/index.html") && k.matches('/').count() == 2
        })
        .count();
    assert!(list.len() < open, "closed actors left out");
    let r = list
        .iter()
        .find(|s| s["id"] == "ess-sceaux--recyclerie")
        .unwrap();
    assert_eq!(r["siret"], "12345678900015");
    assert_eq!(r["telephone"], "+33123456789");
    assert_eq!(r["code_postal"], "92330");
    assert_eq!(r["commune"], "Ville");
    assert_eq!(
        r["nom"], "La Recyclerie",
        "a name does not end with a point"
    );
    assert_eq!(r["date_maj"], "2025-03-02");
    // The opening hours in OpenStreetMap's syntax, as the schema asks, normalised.
    assert_eq!(r["horaires_accueil"], "Tu-Sa 10:00-19:00; PH closed");
    assert!(!ids.contains(&"ess-sceaux--ab"), "a name of two letters");
    let talkative = list
        .iter()
        .find(|s| s["id"] == "ess-sceaux--bavarde")
        .expect("bavarde");
    assert!(talkative.get("courriel").is_none());
    assert_eq!(
        talkative["description"].as_str().unwrap().chars().count(),
        10_000
    );
    // The commune's INSEE code for an actor in the commune, none for one elsewhere.
    assert!(r.get("code_insee").is_none(), "{r}");
    let town_hall = list
        .iter()
        .find(|s| s["id"] == "ess-sceaux--ville-de-sceaux")
        .expect("the town hall");
    assert_eq!(town_hall["code_insee"], "92071");
    assert_eq!(town_hall["commune"], "Sceaux");
    // The schema's own package says whether each is a valid Structure. Without it, this test
    // fails: `.ci/run` installs it.
    let check = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import csv,json,sys\n\
             from data_inclusion.schema.v1.structures import Structure\n\
             data = json.load(open(sys.argv[1]))\n\
             rows = [{k: v for k, v in r.items() if v != ''} for r in csv.DictReader(open(sys.argv[2], encoding='utf-8'))]\n\
             if rows != [{k: str(v) for k, v in s.items()} for s in data]: sys.exit('the CSV is not the JSON')\n\
             bad = [f\"{r.get('id')}: {e}\" for r in rows for e in [None] if not Structure.model_validate(r)]\n\
             for s in data:\n\
             \x20   try: Structure.model_validate(s)\n\
             \x20   except Exception as e: bad.append(f\"{s.get('id')}: {e}\")\n\
             print(len(data), 'structures')\n\
             sys.exit('\\n'.join(bad) if bad else 0)\n",
        )
        .arg(&json)
        .arg(json.with_extension("csv"))
        .output()
        .expect("python3");
    assert!(
        check.status.success(),
        "data-inclusion-schema (pip install data-inclusion-schema):\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains(&format!("{} structures", list.len())));
}

/// A site of more pages than one sitemap file may hold (50,000 addresses): `/sitemap.xml` is an
/// index of parts at the site's root, each within the protocol's limits, which together list
/// every page of the sitemap once, in its order; robots.txt names the index.
#[test]
fn a_sitemap_of_more_pages_than_a_file_holds_is_cut_into_parts() {
    use ess_site::render::{plan, Renderer};
    let dir = copy_site(&repo());
    let actors = dir.path().join("content/acteurs");
    for i in 0..50_000 {
        std::fs::write(
            actors.join(format!("acteur-{i:05}.md")),
            format!("---\ntitle: \"Acteur {i}\"\nlegal_form: association\ndomains: [sante]\n---\n"),
        )
        .expect("write an actor");
    }
    let (site, diagnostics) = pipeline::prepare(dir.path(), options(NOW));
    let site = site.unwrap_or_else(|| panic!("the site is valid: {diagnostics:?}"));
    let jobs = plan(&site);
    let renderer = Renderer::new(&site, &jobs).expect("templates");
    let render = |url: &str| -> String {
        let job = jobs
            .iter()
            .find(|j| j.url(&site) == url)
            .unwrap_or_else(|| panic!("no job makes {url}"));
        let outputs = renderer.render(job).expect("rendered");
        String::from_utf8(outputs[0].bytes.clone()).expect("UTF-8")
    };
    let locs = |xml: &str| -> Vec<String> {
        xml.split("<loc>")
            .skip(1)
            .map(|s| s.split("</loc>").next().unwrap_or_default().to_string())
            .collect()
    };
    let every: Vec<String> = jobs
        .iter()
        .filter(|j| j.in_sitemap())
        .map(|j| format!("https://ess.sceaux.fr{}", j.url(&site)))
        .collect();
    assert!(every.len() > 50_000, "{} pages", every.len());

    let index = render("/sitemap.xml");
    assert!(index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let parts = locs(&index);
    assert_eq!(
        parts,
        [
            "https://ess.sceaux.fr/sitemap-1.xml",
            "https://ess.sceaux.fr/sitemap-2.xml"
        ]
    );
    let mut listed = Vec::new();
    for part in &parts {
        let xml = render(part.trim_start_matches("https://ess.sceaux.fr"));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset"));
        let urls = locs(&xml);
        assert!(urls.len() <= 50_000 && xml.len() <= 50 * 1024 * 1024);
        listed.extend(urls);
    }
    assert_eq!(listed, every, "the parts list every page once, in order");
    // The index dates each part by its latest page.
    assert!(index.contains("<lastmod>"), "{index}");
    assert!(render("/robots.txt").contains("Sitemap: https://ess.sceaux.fr/sitemap.xml"));
}
