//! After any sequence of edits, creations, renames and deletions, an incremental rebuild gives
//! the same files, byte for byte, as a full build of the same content.

mod common;

use common::*;
use ess_site::pipeline;
use ess_site::pipeline::incremental::{Incremental, Outputs, RebuildReport};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-23T12:00";

/// A full build in memory, or None when the site has errors.
/// What `ess-site build` writes, search index included (into a folder outside the site, so
/// that the watcher-less rebuilds see no new files).
fn full_build(root: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("public");
    pipeline::build(root, &dir, options(NOW)).ok()?;
    Some(read_tree(&dir))
}

fn incremental_outputs(inc: &Incremental) -> BTreeMap<String, Vec<u8>> {
    inc.outputs()
        .iter()
        .map(|(k, v)| (k.clone(), v.bytes.to_vec()))
        .collect()
}

/// A small deterministic random generator (xorshift), so failures replay.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn files_in(root: &Path, folder: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(folder))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    std::fs::write(path, f(text)).unwrap();
}

/// The actors this test created: only those can go without breaking references.
fn created_actors(actors: &[PathBuf]) -> Vec<PathBuf> {
    actors
        .iter()
        .filter(|p| p.to_string_lossy().contains("nouvel-acteur"))
        .cloned()
        .collect()
}

/// One random change to the site; returns the paths it touched.
fn random_change(root: &Path, rng: &mut Rng, step: usize) -> (String, Vec<PathBuf>) {
    let actors = files_in(root, "content/acteurs");
    let pick = |rng: &mut Rng, v: &[PathBuf]| v[rng.below(v.len())].clone();
    match rng.below(14) {
        0 => {
            let p = pick(rng, &actors);
            edit(&p, |t| {
                format!("{t}\nUne phrase ajoutée à l'étape {step}.\n")
            });
            ("edit an actor's body".into(), vec![p])
        }
        1 => {
            let p = pick(rng, &actors);
            edit(&p, |t| {
                t.replacen(
                    "title: \"",
                    &format!("title: \"{} ", ["Zèbre", "Abeille", "Moulin"][step % 3]),
                    1,
                )
            });
            ("rename an actor (title)".into(), vec![p])
        }
        2 => {
            let p = root.join(format!("content/acteurs/nouvel-acteur-{step}.md"));
            let domain = ["sante", "sport", "habitat", "agriculture"][rng.below(4)];
            std::fs::write(&p, format!("---\ntitle: \"Nouvel acteur {step}\"\nsummary: \"Créé.\"\nlegal_form: scop\ndomains: [{domain}]\nstages: [former]\n---\nTexte.\n")).unwrap();
            ("create an actor".into(), vec![p])
        }
        3 => {
            // Only actors created by this test can go without breaking references.
            let created = created_actors(&actors);
            if created.is_empty() {
                return ("nothing".into(), vec![]);
            }
            let p = pick(rng, &created);
            std::fs::remove_file(&p).unwrap();
            ("delete an actor".into(), vec![p])
        }
        4 => {
            let created = created_actors(&actors);
            if created.is_empty() {
                return ("nothing".into(), vec![]);
            }
            let from = pick(rng, &created);
            let to = root.join(format!("content/acteurs/renomme-{step}.md"));
            std::fs::rename(&from, &to).unwrap();
            ("rename an actor's file".into(), vec![from, to])
        }
        5 => {
            let p = root.join("content/magazine/edito-faire-ensemble.md");
            edit(&p, |t| {
                if t.contains("draft: true\n") {
                    t.replace("draft: true\n", "")
                } else {
                    t.replacen("---\n", "---\ndraft: true\n", 1)
                }
            });
            ("toggle a draft".into(), vec![p])
        }
        6 => {
            let p = root.join("content/forum/2016.md");
            edit(&p, |t| {
                if t.contains("  - moovjee\n") {
                    t.replace("  - moovjee\n", "")
                } else {
                    t.replace("  - rtes\n", "  - rtes\n  - moovjee\n")
                }
            });
            ("change the Forum's exhibitors".into(), vec![p])
        }
        7 => {
            let p = root.join("content/pages/accessibilite.md");
            edit(&p, |t| {
                if t.contains("menu: 3\n") {
                    t.replace("menu: 3\n", "")
                } else {
                    t.replacen("---\n", "---\nmenu: 3\n", 1)
                }
            });
            ("put a page in the menu or take it out".into(), vec![p])
        }
        8 => {
            let p = root.join("site.toml");
            edit(&p, |t| {
                t.replacen("title = \"", &format!("title = \"{step} "), 1)
            });
            ("change the site's title".into(), vec![p])
        }
        9 => {
            let p = root.join("templates/page.html");
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            if p.exists() {
                std::fs::remove_file(&p).unwrap();
            } else {
                std::fs::write(&p, "{% extends \"base.html\" %}{% block main %}<h1>{{ title }} — surcharge</h1>{{ content | safe }}{% endblock main %}").unwrap();
            }
            ("override a template, or stop".into(), vec![p])
        }
        10 => {
            let p = root.join("content/data/chiffres_cles.yaml");
            edit(&p, |t| {
                t.replacen("valeur: \"169\"", &format!("valeur: \"{}\"", 100 + step), 1)
                    .replacen("valeur: \"1", "valeur: \"2", 1)
            });
            ("change a key figure".into(), vec![p])
        }
        11 => {
            let p = root.join("content/acteurs/casse.md");
            if p.exists() {
                std::fs::remove_file(&p).unwrap();
                ("fix a broken record (delete it)".into(), vec![p])
            } else {
                std::fs::write(&p, "---\ntitle: Cassé\ntitel: oups\n---\n").unwrap();
                ("add a broken record".into(), vec![p])
            }
        }
        12 => {
            let p = root.join("content/conferences/2027-printemps.md");
            edit(&p, |t| {
                if t.contains("date: 2027-03-18T19:00") {
                    t.replace("date: 2027-03-18T19:00", "date: 2026-03-18T19:00")
                        .replace("end_date: 2027-03-18T21:00", "end_date: 2026-03-18T21:00")
                } else {
                    t.replace("date: 2026-03-18T19:00", "date: 2027-03-18T19:00")
                        .replace("end_date: 2026-03-18T21:00", "end_date: 2027-03-18T21:00")
                }
            });
            ("move a conference to the past or back".into(), vec![p])
        }
        _ => {
            // Atomic save as editors do it: write a temporary file, rename it over the record.
            let p = pick(rng, &actors);
            let tmp = p.with_extension("md.tmp~");
            let text = std::fs::read_to_string(&p).unwrap().replacen(
                "summary: \"",
                "summary: \"Mis à jour. ",
                1,
            );
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(&tmp, &p).unwrap();
            ("atomic save".into(), vec![tmp, p])
        }
    }
}

/// Runs `steps` random changes; returns how many had pages served ahead of their rebuild.
fn run(seed: u64, steps: usize) -> usize {
    let site = copy_site(&repo());
    let root = site.path();
    let mut inc = Incremental::new(root, options(NOW));
    inc.rebuild(&[]);
    assert_eq!(
        Some(incremental_outputs(&inc)),
        full_build(root),
        "first build differs"
    );
    let mut rng = Rng(seed);
    let mut last_good = incremental_outputs(&inc);
    let mut ahead = 0;
    for step in 0..steps {
        let (what, paths) = random_change(root, &mut rng, step);
        // Half the time the watcher reports the paths; otherwise the rebuild must find them.
        let mut early: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut take = |outputs: Outputs, _: &[String]| {
            early.extend(outputs.iter().map(|(k, v)| (k.clone(), v.bytes.to_vec())));
        };
        let report = if rng.below(2) == 0 {
            inc.rebuild_with(&paths, &mut take)
        } else {
            inc.rebuild_with(&[], &mut take)
        };
        let got = incremental_outputs(&inc);
        match full_build(root) {
            Some(expected) => {
                // What is served before the rebuild is done is what the full build makes.
                ahead += usize::from(report.ahead > 0);
                for (path, bytes) in &early {
                    assert_eq!(
                        expected.get(path).map(|b| String::from_utf8_lossy(b)),
                        Some(String::from_utf8_lossy(bytes)),
                        "seed {seed} step {step} ({what}): {path} served ahead"
                    );
                }
                assert!(
                    inc.diagnostics.iter().all(|d| !d.is_error()),
                    "seed {seed} step {step} ({what}): {:?}",
                    inc.diagnostics
                );
                if got != expected {
                    let differ: Vec<&String> = expected
                        .keys()
                        .filter(|k| got.get(*k) != expected.get(*k))
                        .chain(got.keys().filter(|k| !expected.contains_key(*k)))
                        .collect();
                    panic!("seed {seed} step {step} ({what}): incremental build differs from a full build in {differ:?}");
                }
                assert!(
                    report.reused > 0 || report.rendered == expected.len(),
                    "nothing was reused"
                );
                last_good = got;
            }
            None => {
                assert!(
                    inc.diagnostics.iter().any(|d| d.is_error()),
                    "seed {seed} step {step} ({what}): errors not reported"
                );
                assert_eq!(got, last_good, "the last good site is no longer served");
                assert_eq!(report.ahead, 0, "seed {seed} step {step} ({what})");
            }
        }
    }
    ahead
}

#[test]
fn random_edit_sequences_match_full_builds() {
    let mut ahead = 0;
    for seed in [0x9e3779b97f4a7c15, 42, 7, 2026] {
        ahead += run(seed, 40);
    }
    assert!(ahead > 0, "no edit of a text was served ahead");
}

#[test]
fn an_edit_to_one_actor_re_renders_only_what_shows_it() {
    let site = copy_site(&repo());
    let root = site.path();
    let mut inc = Incremental::new(root, options(NOW));
    let first = inc.rebuild(&[]);
    let p = root.join("content/acteurs/amap-de-sceaux.md");
    edit(&p, |t| {
        t.replace("Ce circuit court", "Ce circuit très court")
    });
    let report = inc.rebuild(&[p]);
    assert_eq!(report.files_read, 1);
    // The page, and the search index, which holds the words of the body.
    let (index, pages): (Vec<&String>, Vec<&String>) = report
        .changed
        .iter()
        .partition(|p| p.starts_with("pagefind/"));
    assert_eq!(pages, vec!["acteurs/amap-de-sceaux/index.html"]);
    assert!(!index.is_empty(), "{report:?}");
    let index_files = first
        .changed
        .iter()
        .filter(|p| p.starts_with("pagefind/"))
        .count();
    assert!(report.rendered < 5 + index_files, "{report:?}");
    assert_eq!(report.reused + report.rendered, first.rendered);
}

#[test]
fn a_new_now_re_renders_only_what_reads_the_time() {
    let site = copy_site(&repo());
    let root = site.path();
    let mut inc = Incremental::new(root, options(NOW));
    let first = inc.rebuild(&[]);
    // The Up Conférence of 18 March 2027 (19:00–21:00) is upcoming at NOW, past the next day.
    let later = "2027-03-19T08:00";
    inc.set_now(options(later).now);
    let report = inc.rebuild(&[]);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("public");
    pipeline::build(root, &dir, options(later)).unwrap();
    assert_eq!(incremental_outputs(&inc), read_tree(&dir));
    assert!(
        report
            .changed
            .contains(&"conferences/index.html".to_string()),
        "{report:?}"
    );
    assert!(report.changed.contains(&"agenda/index.html".to_string()));
    // Only what reads the time: the events' pages and calendars, their lists, the home page,
    // the feeds and the sitemap; not the actors, the magazine, the resources, the index.
    let events =
        files_in(root, "content/forum").len() + files_in(root, "content/conferences").len();
    assert!(report.rendered <= 2 * events + 12, "{report:?}");
    assert_eq!(report.reused + report.rendered, first.rendered);
    assert!(
        report.changed.iter().all(|p| !p.starts_with("acteurs/")
            && !p.starts_with("magazine/")
            && !p.starts_with("ressources/")
            && !p.starts_with("pagefind/")),
        "{report:?}"
    );
}

/// Rebuilds after a change to `path`: the report, and the outputs handed over before the
/// rebuild was done.
fn rebuild_after(inc: &mut Incremental, path: &Path) -> (RebuildReport, BTreeMap<String, Vec<u8>>) {
    let mut early = BTreeMap::new();
    let report = inc.rebuild_with(&[path.to_path_buf()], &mut |outputs, _| {
        early.extend(outputs.iter().map(|(k, v)| (k.clone(), v.bytes.to_vec())));
    });
    (report, early)
}

#[test]
fn an_edited_text_is_served_before_its_rebuild_and_nothing_else_is() {
    let site = copy_site(&repo());
    let root = site.path();
    let mut inc = Incremental::new(root, options(NOW));
    inc.rebuild(&[]);
    let actor = root.join("content/acteurs/amap-de-sceaux.md");
    let page = "acteurs/amap-de-sceaux/index.html";

    // The text only: its page, rendered ahead, as the full build makes it.
    edit(&actor, |t| {
        t.replace("Ce circuit court", "Ce circuit très court")
    });
    let (report, early) = rebuild_after(&mut inc, &actor);
    assert_eq!(report.ahead, 1, "{report:?}");
    assert_eq!(early.keys().collect::<Vec<_>>(), vec![page]);
    let expected = full_build(root).unwrap();
    assert_eq!(early[page], expected[page]);
    assert!(String::from_utf8_lossy(&early[page]).contains("Ce circuit très court"));
    assert_eq!(incremental_outputs(&inc), expected);

    // Its front matter, the record keeping its address and publication: its page ahead too,
    // checked alone; the lists that show it follow with the rebuild.
    edit(&actor, |t| {
        t.replacen("summary: \"", "summary: \"Neuf. ", 1)
    });
    let (report, early) = rebuild_after(&mut inc, &actor);
    assert_eq!(report.ahead, 1, "{report:?}");
    let expected = full_build(root).unwrap();
    assert_eq!(early[page], expected[page]);
    assert_eq!(incremental_outputs(&inc), expected);
    // Its title: its page ahead says it; the directory's pages say it once rebuilt.
    edit(&actor, |t| {
        t.replacen("title: \"AMAP", "title: \"Une AMAP", 1)
    });
    let (report, early) = rebuild_after(&mut inc, &actor);
    assert_eq!(report.ahead, 1, "{report:?}");
    assert!(String::from_utf8_lossy(&early[page]).contains("Une AMAP de Sceaux"));
    assert_eq!(Some(incremental_outputs(&inc)), full_build(root));

    // A picture added to the text: the rebuild checks it and publishes its files.
    edit(&actor, |t| {
        format!("{t}\n![Un panier de légumes](/images/illustration-collines.jpg)\n")
    });
    let (report, _) = rebuild_after(&mut inc, &actor);
    assert_eq!(report.ahead, 0, "{report:?}");

    // A link to a page the site does not have: an error, nothing served ahead, the last
    // good page kept.
    let good = incremental_outputs(&inc);
    edit(&actor, |t| {
        format!("{t}\nVoir [la page](/acteurs/introuvable/).\n")
    });
    let (report, early) = rebuild_after(&mut inc, &actor);
    assert_eq!((report.ahead, early.len()), (0, 0), "{report:?}");
    assert!(inc.diagnostics.iter().any(|d| d.is_error()));
    assert_eq!(incremental_outputs(&inc), good);
}

/// An edit, named: the new text of a file from its text.
type Edit<'a> = (&'a str, &'a dyn Fn(&str) -> String);

/// Rebuilds after each edit of `path` (from the text it has now): no page served ahead. The
/// file put back after each.
fn served_ahead(inc: &mut Incremental, path: &Path, edits: &[Edit]) {
    let before = std::fs::read_to_string(path).unwrap();
    for (what, change) in edits {
        let changed = change(&before);
        assert_ne!(changed, before, "{what}: the edit changes nothing");
        std::fs::write(path, &changed).unwrap();
        // The rebuild's own first pages may follow, once it has checked the whole site.
        let (report, _) = rebuild_after(inc, path);
        assert_eq!(report.ahead, 0, "{what}: served ahead");
        std::fs::write(path, &before).unwrap();
        let (report, _) = rebuild_after(inc, path);
        assert!(
            report.ahead <= 1 && !inc.diagnostics.iter().any(|d| d.is_error()),
            "{what}"
        );
    }
}

#[test]
fn a_front_matter_edit_that_moves_or_breaks_a_record_is_left_to_the_rebuild() {
    let site = copy_site(&repo());
    let root = site.path();
    let mut inc = Incremental::new(root, options(NOW));
    inc.rebuild(&[]);
    let actor = root.join("content/acteurs/amap-de-sceaux.md");
    let first = |t: &str, key: &str, line: &str| t.replacen(key, &format!("{line}\n{key}"), 1);
    served_ahead(
        &mut inc,
        &actor,
        &[
            ("a new address", &|t| {
                first(t, "title:", "slug: amap-sceaux")
            }),
            ("an old address", &|t| {
                first(t, "title:", "aliases: [/amap/]")
            }),
            ("a draft", &|t| first(t, "title:", "draft: true")),
            ("an unknown domain", &|t| {
                t.replace("[agriculture]", "[agriculture, inconnu]")
            }),
            ("an empty title", &|t| {
                t.replace("title: \"AMAP de Sceaux\"", "title: \"\"")
            }),
            ("a logo", &|t| {
                first(t, "title:", "logo: /images/illustration-collines.jpg")
            }),
        ],
    );
    let conference = files_in(root, "content/conferences")
        .into_iter()
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("actor: moovjee")
        })
        .expect("a conference naming an actor");
    served_ahead(
        &mut inc,
        &conference,
        &[("an unknown actor", &|t| {
            t.replace("actor: moovjee", "actor: moovje")
        })],
    );
    let dossier = files_in(root, "content/magazine")
        .into_iter()
        .find(|p| std::fs::read_to_string(p).unwrap().contains("\ndate: 20"))
        .expect("a dated dossier");
    served_ahead(
        &mut inc,
        &dossier,
        &[("dated after now", &|t| {
            let at = t.find("\ndate: 20").unwrap() + 7;
            format!("{}2099{}", &t[..at], &t[at + 4..])
        })],
    );
    assert_eq!(Some(incremental_outputs(&inc)), full_build(root));
}

#[test]
fn a_record_made_private_is_never_served_ahead() {
    let site = copy_site(&repo());
    let root = site.path();
    let mut inc = Incremental::new(root, options(NOW));
    inc.rebuild(&[]);
    let public = files_in(root, "content/ressources")
        .into_iter()
        .find(|p| {
            let t = std::fs::read_to_string(p).unwrap_or_default();
            p.extension().is_some_and(|e| e == "md") && !t.contains("private: true")
        })
        .expect("a public resource");
    let slug = public.file_stem().unwrap().to_string_lossy().to_string();
    let page = format!("ressources/{slug}/index.html");
    assert!(incremental_outputs(&inc).contains_key(&page), "{page}");
    // Made private and its text changed in the same save.
    edit(&public, |t| {
        format!(
            "{}\nUn texte réservé aux membres.\n",
            t.replacen("---\n", "---\nprivate: true\n", 1)
        )
    });
    let (report, early) = rebuild_after(&mut inc, &public);
    assert_eq!(report.ahead, 0, "{report:?}");
    assert!(!early.contains_key(&page), "{:?}", early.keys());
    assert!(!incremental_outputs(&inc).contains_key(&page));
    assert_eq!(Some(incremental_outputs(&inc)), full_build(root));
}
