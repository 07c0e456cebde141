#!/usr/bin/env python3
"""A directory-only ESS site: N actors in ess-site's content model (content/acteurs/), for the
"national directory" benchmark. Same shape as ../shared/bench/gen_corpus.py's actors: legal form,
1-3 domains, stages, address, geo position, website, a 200-400 word French body.

Usage: gen_actors.py --actors 200000 --out DIR [--seed 1]
Stdlib only; deterministic for a given seed.
"""
import argparse
import os
import random

LEGAL = ["association", "cooperative", "scop", "scic", "mutuelle", "fondation", "entreprise-esus"]
WEIGHTS = [50, 10, 12, 8, 6, 4, 10]
DOMAINS = ["entrepreneuriat-social", "participation-citoyenne", "agriculture", "jeunesse", "sport",
           "education-formation", "sante", "habitat", "mobilite"]
STAGES = ["informer", "sensibiliser", "former", "conseiller", "accompagner", "financer"]
WORDS = ("association coopérative projet territoire solidaire économie sociale citoyen habitant emploi "
         "insertion développement local accompagnement bénévole salarié adhérent partenaire réseau "
         "transition écologique circuit court agriculture paysanne alimentation durable jardin partagé "
         "logement inclusif mobilité douce vélo jeunesse éducation populaire formation santé prévention "
         "culture animation quartier commune département région financement épargne utilité gouvernance "
         "la le les des une un du de et pour avec dans sur par au aux en nous vous notre leur cette ces "
         "propose organise accompagne soutient développe anime construit favorise permet réunit").split()
NAME_A = ["Les Jardins", "La Fabrique", "Le Relais", "La Ruche", "Les Ateliers", "La Maison", "Le Collectif",
          "La Coop", "L'Escale", "La Passerelle", "La Ressourcerie", "Le Panier", "La Roue", "L'Envol"]
NAME_B = ["Solidaires", "Partagés", "Citoyens", "des Possibles", "en Transition", "du Quartier", "de Demain",
          "Ensemble", "des Savoirs", "Durables", "Voisins", "Ouverts"]
CITIES = [("Sceaux", 48.777, 2.290), ("Nanterre", 48.892, 2.206), ("Montrouge", 48.816, 2.316),
          ("Antony", 48.754, 2.297), ("Clamart", 48.800, 2.266), ("Colombes", 48.922, 2.252)]


def sentence(r):
    w = [r.choice(WORDS) for _ in range(r.randint(8, 18))]
    s = " ".join(w)
    return s[0].upper() + s[1:] + r.choice([".", ".", ".", " !", " ?"])


def paragraph(r, words):
    out, n = [], 0
    while n < words:
        s = sentence(r)
        out.append(s)
        n += s.count(" ") + 1
    return " ".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--actors", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    folder = os.path.join(a.out, "content", "acteurs")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(a.out, "site.toml"), "w", encoding="utf-8") as f:
        f.write('title = "Annuaire national de l\'ESS"\nbase_url = "https://annuaire.example.org"\n'
                'paginate_by = 50\n\n[commune]\nname = "France"\n')
    for i in range(1, a.actors + 1):
        lf = r.choices(LEGAL, WEIGHTS)[0]
        name = "%s %s n°%d" % (r.choice(NAME_A), r.choice(NAME_B), i)
        city, lat, lon = r.choice(CITIES)
        doms = sorted(r.sample(DOMAINS, r.randint(1, 3)), key=DOMAINS.index)
        lines = ["---", 'title: "%s"' % name.replace('"', '\\"'), "legal_form: " + lf,
                 "domains: [" + ", ".join(doms) + "]"]
        if r.random() < 0.4:
            lines.append("stages: [" + ", ".join(sorted(r.sample(STAGES, r.randint(1, 3)), key=STAGES.index)) + "]")
        lines += ['summary: "%s, acteur de l\'ESS à %s."' % (name.replace('"', '\\"'), city),
                  'address: "%d rue de la République, %s"' % (r.randint(1, 120), city),
                  "geo: {lat: %.5f, lon: %.5f}" % (lat + r.uniform(-0.02, 0.02), lon + r.uniform(-0.02, 0.02)),
                  "website: https://example.org/acteur-%d" % i, "---", ""]
        body = [paragraph(r, r.randint(60, 120)), "## Nos activités", paragraph(r, r.randint(60, 120)),
                "## Nous rejoindre", paragraph(r, r.randint(60, 120)), ""]
        with open(os.path.join(folder, "a%06d.md" % i), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n\n".join(body))


if __name__ == "__main__":
    main()
