// The pages the quality suites look at: one of every page type of a site, from its sitemap.
import { readFileSync } from "node:fs";
import { join } from "node:path";

// The site paths a built site's sitemap lists, in its order: the parts of a sitemap index
// (a site of more than 50,000 pages) read in turn.
export function sitemapPaths(built) {
  const locs = (file) => [...readFileSync(join(built, file), "utf8").matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  const first = readFileSync(join(built, "sitemap.xml"), "utf8");
  if (!first.includes("<sitemapindex")) return locs("sitemap.xml");
  return locs("sitemap.xml").flatMap((part) => locs(part.slice(part.lastIndexOf("/") + 1)));
}

// One page per page type: the first URL of the sitemap under each prefix.
export const TYPES = ["/", "/acteurs/", "/acteurs/domaines/", "/acteurs/domaines/*", "/acteurs/formes/*", "/acteurs/etapes/*",
  "/acteurs/*", "/acteurs/fermees/", "/porteur-de-projet/", "/forum/", "/forum/*", "/conferences/", "/conferences/*", "/agenda/",
  "/magazine/", "/magazine/*", "/ressources/", "/ressources/categories/*", "/ressources/*", "/chiffres-cles/",
  "/a-propos/", "/accessibilite/", "/recherche/", "/carte/", "/donnees/", "/lettre/", "/lettre/*"];
export function pageTypes(urls) {
  const chosen = new Set();
  for (const t of TYPES) {
    const prefix = t.replace("*", "");
    const generated = ["domaines", "formes", "etapes", "categories", "types", "page", "fermees"];
    const match = urls.find((u) => {
      if (!t.endsWith("*")) return u === t;
      const rest = u.slice(prefix.length).replace(/\/$/, "");
      return u.startsWith(prefix) && rest !== "" && !rest.includes("/") && !generated.includes(rest);
    });
    if (match) chosen.add(match);
  }
  chosen.add("/404.html");
  // The search page with results and filters, the directory filtered by its script.
  return [...chosen].map((u) => (u === "/recherche/" ? "/recherche/?q=ESS" : u)).concat(["/acteurs/?etat=tous"]);
}

