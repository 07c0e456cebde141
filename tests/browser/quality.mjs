// The quality suite an auditor would run, on the example site and on a generated larger site:
// - accessibility: axe-core in Debian's headless Chromium, zero violations for wcag2a, wcag2aa,
//   wcag21a, wcag21aa on one page of every page type;
// - layout: screenshots at 375 px and 1280 px (kept in OUT/screenshots), no horizontal scrolling
//   at 375 px, nor at 1280 px with the text at 200 %;
// - HTML validity: the Nu Html Checker (vnu-jar, with the machine's Java), zero errors over
//   every HTML file;
// - feeds and data: every XML file well-formed (xmllint), the sitemap valid against the
//   sitemaps.org XSD, RSS items with absolute links, RFC 822 dates and unique guids, every
//   iCalendar file parsed by PyPI's icalendar;
// - every internal link and anchor resolved, every page under 100 KB with its CSS, and no
//   request to a third party.
//
// Usage: node quality.mjs ESS_SITE_BINARY OUT_FOLDER SITE_FOLDER...
import AxeBuilder from "@axe-core/playwright";
import { spawnSync } from "node:child_process";
import { launchBrowser, sitePage, startServe } from "./site_page.mjs";
import { pageTypes, sitemapPaths } from "./page_types.mjs";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [bin, out, ...sites] = process.argv.slice(2);
if (!bin || !out || sites.length === 0) {
  console.error("usage: node quality.mjs ESS_SITE_BINARY OUT_FOLDER SITE_FOLDER...");
  process.exit(2);
}
const NOW = "2026-11-23T12:00";
let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) { passed++; } else { failed++; console.log("not ok - " + what); }
}

function files(dir, ext) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) found.push(...files(p, ext));
    else if (p.endsWith(ext)) found.push(p);
  }
  return found;
}

const browser = await launchBrowser();
const shots = join(out, "screenshots");
mkdirSync(shots, { recursive: true });

for (const [n, site] of sites.entries()) {
  const built = join(out, "site-" + n);
  const b = spawnSync(bin, ["-s", site, "build", "--quiet", "--now", NOW, "--output", built], { encoding: "utf8" });
  check(b.status === 0, `build of ${site}: ${b.stderr}`);
  if (b.status !== 0) continue;

  // HTML validity.
  const vnu = spawnSync("java", ["-jar", join(here, "node_modules/vnu-jar/build/dist/vnu.jar"), "--errors-only", "--skip-non-html", built], { encoding: "utf8" });
  const vnuErrors = (vnu.stderr + vnu.stdout).split("\n").filter((l) => l.includes("error:"));
  check(vnu.status === 0 && vnuErrors.length === 0, `Nu Html Checker on ${site}:\n${vnuErrors.slice(0, 20).join("\n")}`);
  console.log(`# ${files(built, ".html").length} HTML files checked by vnu: ${vnuErrors.length} errors`);

  // XML: well-formed, the sitemap valid, RSS items complete.
  for (const xml of files(built, ".xml")) {
    const wf = spawnSync("xmllint", ["--noout", xml], { encoding: "utf8" });
    check(wf.status === 0, `well-formed ${xml}: ${wf.stderr}`);
  }
  const xsd = spawnSync("xmllint", ["--noout", "--schema", join(here, "node_modules/sitemap/schema/sitemap.xsd"), join(built, "sitemap.xml")], { encoding: "utf8" });
  check(xsd.status === 0, `sitemap.xml against the XSD: ${xsd.stderr}`);
  for (const feed of files(built, "rss.xml")) {
    const text = readFileSync(feed, "utf8");
    const items = text.split("<item>").slice(1);
    const guids = new Set();
    for (const item of items) {
      const link = (item.match(/<link>([^<]*)<\/link>/) || [])[1] || "";
      const date = (item.match(/<pubDate>([^<]*)<\/pubDate>/) || [])[1] || "";
      const guid = (item.match(/<guid[^>]*>([^<]*)<\/guid>/) || [])[1] || "";
      check(/^https?:\/\//.test(link), `${feed}: item link not absolute: ${link}`);
      check(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/.test(date), `${feed}: pubDate not RFC 822: ${date}`);
      check(guid && !guids.has(guid), `${feed}: guid missing or repeated: ${guid}`);
      guids.add(guid);
    }
  }

  // iCalendar: every file parses with a real parser (PyPI icalendar), each event complete.
  for (const ics of files(built, ".ics")) {
    const py = spawnSync("python3", ["-c", "import icalendar,sys\ncal=icalendar.Calendar.from_ical(open(sys.argv[1],'rb').read())\nfor e in cal.walk('VEVENT'):\n  assert e.get('UID') and e.get('DTSTAMP') and e.get('DTSTART'), e\n", ics], { encoding: "utf8" });
    check(py.status === 0, `${ics} does not parse: ${py.stderr}`);
  }

  // Internal links and anchors, over every HTML file (what lychee --offline would check).
  const htmlFiles = files(built, ".html");
  const ids = new Map();
  for (const f of htmlFiles) {
    ids.set(f, new Set([...readFileSync(f, "utf8").matchAll(/ id="([^"]+)"/g)].map((m) => m[1])));
  }
  let links = 0;
  for (const f of htmlFiles) {
    const html = readFileSync(f, "utf8");
    for (const m of html.matchAll(/ (?:href|src)="([^"]*)"/g)) {
      const link = m[1].replace(/&amp;/g, "&");
      if (!(link.startsWith("/") || link.startsWith("#")) || link.startsWith("//")) continue;
      links++;
      const [path, fragment] = link.split("#");
      let target = f;
      if (path) {
        const clean = decodeURIComponent(path.split("?")[0]);
        target = join(built, clean.endsWith("/") ? clean + "index.html" : clean);
        let exists = false;
        try { exists = statSync(target).isFile(); } catch { exists = false; }
        check(exists, `${f}: link to ${link}, which does not exist`);
        if (!exists) continue;
      }
      if (fragment && target.endsWith(".html")) {
        check(ids.get(target)?.has(fragment), `${f}: link to ${link}: no such anchor`);
      }
    }
  }
  console.log(`# ${links} internal links and anchors checked`);

  // Structured data: every JSON-LD block parses, and uses only schema.org types and, on
  // each type, properties schema.org defines for it (its own or inherited from Thing,
  // CreativeWork, Organization, Event, Place), from this closed table.
  const THING = ["name", "description", "url", "sameAs", "image"];
  const SCHEMA = {
    WebSite: [...THING, "inLanguage"],
    Organization: [...THING, "address", "location", "email", "telephone", "foundingDate"],
    GovernmentOrganization: [...THING, "address", "location", "email", "telephone", "foundingDate"],
    GeoCoordinates: [...THING, "latitude", "longitude"],
    Place: [...THING, "address", "geo"],
    Event: [...THING, "startDate", "endDate", "eventStatus", "eventAttendanceMode", "location", "organizer", "performer", "subEvent"],
    Person: [...THING],
    Article: [...THING, "headline", "datePublished", "dateModified", "inLanguage", "keywords", "publisher", "about", "mainEntityOfPage"],
  };
  function schemaProblems(v, where) {
    if (Array.isArray(v)) return v.flatMap((x) => schemaProblems(x, where));
    if (v === null || typeof v !== "object") return [];
    const type = v["@type"];
    const allowed = SCHEMA[type];
    if (!allowed) return [`${where}: type ${type} is not in the table`];
    return Object.entries(v).flatMap(([k, x]) => {
      if (k === "@context" || k === "@type") return [];
      if (!allowed.includes(k)) return [`${where}: ${type} has no property ${k}`];
      return schemaProblems(x, where);
    });
  }
  let jsonld = 0;
  for (const f of htmlFiles) {
    for (const m of readFileSync(f, "utf8").matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)) {
      let data = null;
      try { data = JSON.parse(m[1]); } catch { data = null; }
      check(data !== null, `${f}: a JSON-LD block does not parse`);
      if (data === null) continue;
      jsonld++;
      check(data["@context"] === "https://schema.org", `${f}: JSON-LD context`);
      for (const p of schemaProblems(data, f)) check(false, p);
    }
  }
  console.log(`# ${jsonld} JSON-LD blocks checked against the schema.org table`);
  // Open Graph and Twitter card on every page.
  for (const f of htmlFiles.filter((f) => !f.endsWith("404.html"))) {
    const html = readFileSync(f, "utf8");
    if (html.includes('http-equiv="refresh"')) continue;
    for (const tag of ['property="og:title"', 'property="og:url"', 'property="og:description"', 'property="og:type"', 'name="twitter:card"']) {
      check(html.includes(tag), `${f}: no ${tag}`);
    }
  }

  // Page weight: every page with its stylesheet under 100 KB, without images.
  const css = files(built, ".css").reduce((n, f) => n + statSync(f).size, 0);
  for (const f of htmlFiles) {
    check(statSync(f).size + css < 100 * 1024, `${f}: ${Math.round((statSync(f).size + css) / 1024)} KB with its CSS`);
  }

  // The pages in the browser, served by ess-site itself.
  const served = await startServe(bin, ["-s", site, "serve", "--now", NOW]);
  const base = served.url.replace(/\/$/, "");
  const urls = sitemapPaths(built);
  // The search index is made after the pages by the preview: wait for it.
  for (let i = 0; i < 600; i++) {
    const r = await fetch(base + "/pagefind/pagefind-entry.json").catch(() => null);
    if (r && r.status === 200) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  // No request leaves the site on load (no third party) but the map tiles, answered here.
  const { context, page, foreign } = await sitePage(browser, base);
  // Every layout shift of a page, from its first paint: the viewport is set before the page is
  // opened and nothing is typed or clicked before the shifts are read, so none is excused.
  await context.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__shifts.push(`${e.value.toFixed(4)} at ${Math.round(e.startTime)} ms: ${e.sources.map((s) => s.node?.outerHTML?.slice(0, 70) || "?").join(" ; ")}`);
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  const shifts = async (path, width) => {
    await page.evaluate(() => Promise.all([...document.images].filter((i) => !i.complete && i.loading !== "lazy").map((i) => new Promise((ok) => { i.onload = i.onerror = ok; }))));
    await page.waitForTimeout(100);
    const seen = await page.evaluate(() => window.__shifts);
    check(seen.length === 0, `${path} at ${width} px: layout shifts: ${seen.join(" | ")}`);
  };
  // The text's typeface: every character its @font-face rules cover is drawn with it (asked of
  // Chromium, which says which font drew each element's text), but in code (monospace by design).
  const style = readFileSync(files(built, ".css").find((f) => /\/style\.[0-9a-f]+\.css$/.test(f)), "utf8");
  const face = style.match(/@font-face\s*\{[^}]*font-family:\s*"([^"]+)"[^}]*unicode-range:\s*([^;}]+)/);
  check(face, "style.css: no @font-face with a unicode-range");
  const covered = (face?.[2] || "").split(",").map((r) => r.trim().replace(/^U\+/i, "").split("-").map((h) => parseInt(h, 16)));
  const inFace = (ch) => covered.some(([a, b = a]) => ch.codePointAt(0) >= a && ch.codePointAt(0) <= b);
  const cdp = await context.newCDPSession(page);
  const otherFaces = async () => {
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    const { nodeIds } = await cdp.send("DOM.querySelectorAll", { nodeId: root.nodeId, selector: "body, body *:not(code, code *, pre, pre *, kbd, samp)" });
    const wrong = [];
    for (const nodeId of nodeIds) {
      const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
      if (fonts.every((f) => f.familyName === face[1])) continue;
      const { node } = await cdp.send("DOM.describeNode", { nodeId, depth: 1 });
      const text = (node.children || []).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join("");
      // A character the face lacks is drawn by another font, and may take its neighbours' spaces with it.
      if (text.trim() && [...text].every((ch) => inFace(ch))) wrong.push(`<${node.localName}> « ${text.trim().slice(0, 40)} » in ${fonts.map((f) => f.familyName).join(", ")}`);
    }
    return wrong;
  };
  const scriptErrors = [];
  page.on("pageerror", (e) => scriptErrors.push(String(e)));
  // The requests not answered yet, named when a page's script does not complete.
  const pending = new Map();
  page.on("request", (r) => pending.set(r, Date.now()));
  page.on("requestfinished", (r) => pending.delete(r));
  page.on("requestfailed", (r) => pending.delete(r));
  const waiting = () => [...pending].map(([r, t]) => `${r.url().replace(base, "")} (${Date.now() - t} ms)`).join(", ");
  for (const path of pageTypes(urls)) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(base + path);
    // The pages that scripts complete: check them once complete.
    const ready = { "/recherche/?q=ESS": "#r-resultats li", "/carte/": "#carte[data-markers]", "/acteurs/?etat=tous": "#resultats-filtres:not([hidden])" }[path]
      || null;
    if (ready) {
      const done = await page.waitForSelector(ready).then(() => true).catch(() => false);
      check(done, `${path}: its script did not complete (${ready}); waiting for: ${waiting()}`);
    }
    if (path.startsWith("/recherche/")) {
      const said = await page.locator("#r-statut").textContent();
      check((await page.locator("#r-resultats li").count()) > 0, `${path}: no results (${said}; ${scriptErrors.join(" | ")})`);
    }
    await page.waitForFunction(() => { const m = document.getElementById("carte-acteur"); return !m || m.dataset.markers === "1"; });
    await shifts(path, 1280);
    if (face) {
      // « font-display: optional » leaves a font that came late out of the page: then the next
      // load, from the cache, must have it.
      let wrong = await otherFaces();
      if (wrong.length) { await page.reload(); wrong = await otherFaces(); }
      check(wrong.length === 0, `${path}: text not in ${face[1]}: ${wrong.slice(0, 3).join(" ; ")}`);
    }
    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    for (const v of axe.violations) {
      check(false, `axe ${path}: ${v.id} (${v.impact}) ${v.nodes.map((x) => x.target.join(" ")).slice(0, 3).join(", ")}`);
    }
    if (axe.violations.length === 0) passed++;
    // One h1, and no heading level skipped on the way down.
    const levels = await page.evaluate(() => [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map((h) => Number(h.tagName[1])));
    check(levels.filter((l) => l === 1).length === 1, `${path}: ${levels.filter((l) => l === 1).length} h1`);
    check(levels.every((l, i) => i === 0 || l <= levels[i - 1] + 1), `${path}: heading levels skipped: ${levels.join(",")}`);
    // No heading without words.
    const empty = await page.evaluate(() => [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].filter((h) => !h.textContent.trim()).map((h) => h.outerHTML.slice(0, 80)));
    check(empty.length === 0, `${path}: empty headings: ${empty.join(" ; ")}`);
    // Breadcrumbs on every page below the home page: from « Accueil » to the page itself.
    const trail = await page.evaluate(() => {
      const navs = document.querySelectorAll("nav.breadcrumb");
      if (navs.length > 1) return { twice: navs.length };
      const nav = navs[0];
      if (!nav) return null;
      const items = [...nav.querySelectorAll("li")];
      return { first: items[0]?.querySelector("a")?.getAttribute("href"), firstText: items[0]?.textContent, current: items.at(-1)?.querySelector("[aria-current=page]")?.textContent, label: nav.getAttribute("aria-label") };
    });
    if (path === "/") check(trail === null, "/: no breadcrumbs on the home page");
    else check(trail && trail.first === "/" && trail.firstText === "Accueil" && !!trail.current && trail.label === "Fil d’Ariane", `${path}: breadcrumbs from Accueil to the page: ${JSON.stringify(trail)}`);
    // The site's name once on the home page: the header says it, the page does not say it again.
    if (path === "/") {
      const twice = await page.evaluate(() => {
        const h1 = document.querySelector("h1");
        const brand = document.querySelector(".brand-title")?.textContent.trim();
        return h1.offsetWidth > 1 && h1.offsetHeight > 1 && h1.textContent.trim() === brand;
      });
      check(!twice, "/: the site's name is shown once (the header), not again as the visible h1");
    }
    // A time is never cut across two lines (« 12 h » then « 15 »), in a programme or elsewhere.
    const cut = await page.evaluate(() => [...document.querySelectorAll("main time")].filter((t) => t.getClientRects().length > 1).map((t) => t.textContent));
    check(cut.length === 0, `${path}: times cut across two lines: ${cut.slice(0, 3).join(" ; ")}`);
    // French apostrophes in everything a reader sees, scripts' words included.
    const straight = await page.evaluate(() => (document.body.innerText.match(/.{0,30}\p{L}'.{0,30}/gu) || []));
    check(straight.length === 0, `${path}: straight apostrophes in « ${straight.slice(0, 3).join(" » « ")} »`);
    // A skip link to the main content, and a visible focus.
    const skip = await page.evaluate(() => {
      const a = document.querySelector("a.skip-link");
      return !!a && a.getAttribute("href") === "#contenu" && !!document.getElementById("contenu") && document.querySelector("main#contenu") !== null;
    });
    check(skip, `${path}: skip link to the main content`);
    // The page as a resident first sees it, before the keyboard's focus shows the skip link.
    const name = (n + path).replace(/[^a-z0-9]+/gi, "-").replace(/-$/, "") || "home";
    await page.screenshot({ path: join(shots, `${name}-1280.png`), fullPage: true });
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2; });
    check(focus, `${path}: the focused element shows no outline`);
    const zoomed = await page.evaluate(() => {
      document.documentElement.style.fontSize = "200%";
      const overflow = document.documentElement.scrollWidth > window.innerWidth + 1;
      document.documentElement.style.fontSize = "";
      return overflow;
    });
    check(!zoomed, `${path}: horizontal scrolling with the text at 200 %`);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(base + path);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    check(!scroll, `${path}: horizontal scrolling at 375 px`);
    // The project holder's path reads in a minute: under five phone screens.
    if (path === "/porteur-de-projet/") {
      const screens = await page.evaluate(() => document.documentElement.scrollHeight / window.innerHeight);
      check(screens < 5, `${path}: ${screens.toFixed(1)} phone screens long (under 5 expected)`);
    }
    const cutOnPhone = await page.evaluate(() => [...document.querySelectorAll("main time")].filter((t) => t.getClientRects().length > 1).map((t) => t.textContent));
    check(cutOnPhone.length === 0, `${path} at 375 px: times cut across two lines: ${cutOnPhone.slice(0, 3).join(" ; ")}`);
    // On a phone too: a wide table scrolls in a region the keyboard can reach.
    if (ready) await page.waitForSelector(ready).catch(() => null);
    await shifts(path, 375);
    const phoneAxe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    for (const v of phoneAxe.violations) {
      check(false, `axe at 375 px ${path}: ${v.id} (${v.impact}) ${v.nodes.map((x) => x.target.join(" ")).slice(0, 3).join(", ")}`);
    }
    await page.screenshot({ path: join(shots, `${name}-375.png`), fullPage: true });
  }
  check(foreign.length === 0, `requests to third parties: ${foreign.slice(0, 5).join(", ")}`);
  check(scriptErrors.length === 0, `script errors: ${scriptErrors.slice(0, 5).join(" | ")}`);
  console.log(`# ${site}: ${pageTypes(urls).length} page types checked in Chromium`);
  await context.close();
  served.stop();
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
