// Find and reuse, in Debian's headless Chromium, on the built output served by a plain static
// web server (as a town would deploy it):
// - search: French stemming (« coopératives » finds « coopérative »), the kind filter, the
//   query kept in the address; on the visibility fixture, a word of a private or draft
//   record finds nothing while a word of a public one does; when the results' files cannot
//   be loaded (the site published again meanwhile), the page says to reload it;
// - directory filters: a filter narrows the list, the count is announced (role=status) and
//   the address holds the filters; an address with filters opens filtered; without
//   JavaScript the page is the complete list;
// - maps: the map page loads without errors and has a marker per actor with a position, the
//   filters narrow markers and the text list; an actor's page shows its own position.
// Map tiles are answered locally: no test needs the network.
//
// Usage: node find.mjs ESS_SITE_BINARY EXAMPLE_SITE VISIBILITY_SITE OUT_FOLDER
import { spawn, spawnSync } from "node:child_process";
import { TILES, launchBrowser, sitePage } from "./site_page.mjs";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [bin, example, visibility, out] = process.argv.slice(2);
if (!bin || !example || !visibility || !out) {
  console.error("usage: node find.mjs ESS_SITE_BINARY EXAMPLE_SITE VISIBILITY_SITE OUT_FOLDER");
  process.exit(2);
}
let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) { passed++; } else { failed++; console.log("not ok - " + what); }
}

function build(site, name, now) {
  const dir = join(out, name);
  const b = spawnSync(bin, ["-s", site, "build", "--quiet", "--now", now, "--output", dir], { encoding: "utf8" });
  if (b.status !== 0) throw new Error(`build of ${site}: ${b.stderr}`);
  return dir;
}

// A plain static web server on loopback (Python's), serving a built folder.
async function staticServer(dir) {
  const server = spawn("python3", ["-u", "-m", "http.server", "--bind", "127.0.0.1", "0", "--directory", dir], { stdio: ["ignore", "pipe", "pipe"] });
  const base = await new Promise((resolve, reject) => {
    server.stdout.on("data", (d) => { const m = String(d).match(/port (\d+)/); if (m) resolve(`http://127.0.0.1:${m[1]}`); });
    server.on("exit", (code) => reject(new Error("http.server exited " + code)));
  });
  return { base, stop: () => server.kill() };
}

const browser = await launchBrowser();

// A page of the site, its script errors and console errors collected.
async function newPage(base, options = {}) {
  const { context, page, foreign } = await sitePage(browser, base, options);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  return { context, page, errors, foreign };
}

const status = (page, sel) => page.locator(sel).textContent();

// How many of `selector` the page shows once its filtered cards are drawn: they come a batch
// per frame, after the address changed. Waits (at most 5 s) for `n` of them, then counts:
// a wrong count still fails, after the wait.
async function drawn(page, selector, n) {
  await page
    .waitForFunction(([s, n]) => document.querySelectorAll(s).length === n, [selector, n], { timeout: 5000 })
    .catch(() => {});
  return page.locator(selector).count();
}

// --- Search on the example site ---------------------------------------------------------
const site = build(example, "example", "2026-11-23T12:00");
const server = await staticServer(site);
const base = server.base;
{
  const { context, page, errors, foreign } = await newPage(base);
  // The header's search box leads to the search page with the query.
  await page.goto(base + "/");
  await page.fill("#recherche-entete", "coopératives");
  await page.press("#recherche-entete", "Enter");
  await page.waitForURL(/\/recherche\/\?q=/);
  await page.waitForSelector("#r-resultats li");
  const titles = await page.locator("#r-resultats .search-title").allTextContents();
  check(titles.length > 0, "search « coopératives »: results");
  const statusText = await status(page, "#r-statut");
  check(/résultat/.test(statusText), `search status announced: ${statusText}`);
  check((await page.locator("#r-statut").getAttribute("role")) === "status", "search status is a live region");
  // Stemming: the plural query finds a record that has only the singular.
  await page.fill("#r-q", "coopérative");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "coopérative");
  await page.waitForSelector("#r-resultats li");
  const singular = await page.locator("#r-resultats .search-title").count();
  check(singular > 0, "search « coopérative »: results");
  await page.goto(base + "/recherche/?q=cooperatives");
  await page.waitForSelector("#r-resultats li");
  check((await page.locator("#r-resultats li").count()) > 0, "search without the accent finds results");
  // A word no page holds gives no result, not the pages of a word that starts the same
  // (« recyclerie » is not « récit »), and the directory is offered; the word itself still
  // finds its page.
  await page.goto(base + "/recherche/?q=recyclerie");
  await page.waitForFunction(() => document.getElementById("r-statut").textContent !== "");
  const none = await status(page, "#r-statut");
  check(none.startsWith("Aucun résultat") && (await page.locator("#r-resultats li").count()) === 0, `search « recyclerie »: ${none}`);
  check(await page.locator("#r-aide").isVisible() && (await page.locator('#r-aide a[href$="/acteurs/"]').count()) === 1, "no result: the directory is offered");
  await page.goto(base + "/recherche/?q=r%C3%A9cit");
  await page.waitForSelector("#r-resultats li");
  const told = await page.locator("#r-resultats .search-title").allTextContents();
  check(told.some((t) => t.startsWith("Métropoles et territoires voisins")), `search « récit » finds its page: ${told.join(", ")}`);
  check(await page.locator("#r-aide").isHidden(), "with results, no offer of the directory");
  // A kind filter, kept in the address.
  await page.goto(base + "/recherche/?q=ESS&type=Acteur");
  await page.waitForSelector("#r-resultats li");
  const kinds = await page.locator("#r-resultats .card-kind").allTextContents();
  check(kinds.length > 0 && kinds.every((k) => k === "Acteur"), `type=Acteur gives only actors: ${kinds.join(", ")}`);
  const acteurChecked = await page.locator('#r-filtres input[name="type"][value="Acteur"]').isChecked();
  check(acteurChecked, "the filter of the address is checked");
  await page.goto(base + "/recherche/?q=ESS");
  await page.waitForSelector("#r-resultats li");
  const allKinds = new Set(await page.locator("#r-resultats .card-kind").allTextContents());
  check(allKinds.size > 1, `without the filter, several kinds: ${[...allKinds].join(", ")}`);
  // Excerpts show the words found, marked.
  check((await page.locator("#r-resultats mark").count()) > 0, "excerpts mark the words found");
  // « Afficher plus », from the keyboard: ten more results, and the focus on the first of them.
  const before = await page.locator("#r-resultats li").count();
  await page.focus("#r-plus button");
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("#r-resultats li").length > n, before);
  const focused = await page.evaluate((n) => document.activeElement === document.querySelectorAll("#r-resultats li")[n].querySelector("a"), before);
  check(before === 10 && focused, `« afficher plus » adds results and focuses the first added (${before} before)`);
  // The filters count the results, not the whole index; a value none of them has is hidden.
  await page.goto(base + "/recherche/?q=sant%C3%A9");
  await page.waitForSelector("#r-resultats li");
  const found = await page.locator("#r-resultats li").count();
  const kindsFound = await page.locator("#r-resultats .card-kind").allTextContents();
  const kindLabels = await page.locator('#r-filtres input[name="type"]:visible + label').allTextContents();
  const counts = Object.fromEntries(kindLabels.map((l) => { const m = l.match(/^(.*) \((\d+)\)$/); return [m[1], Number(m[2])]; }));
  const expectedCounts = {};
  for (const k of kindsFound) expectedCounts[k] = (expectedCounts[k] || 0) + 1;
  check(found > 0 && JSON.stringify(counts) === JSON.stringify(Object.fromEntries(Object.entries(expectedCounts).sort((a, b) => a[0].localeCompare(b[0], "fr")))),
    `the kind filter counts the ${found} results: ${kindLabels.join(", ")} (results: ${kindsFound.join(", ")})`);
  const hiddenValues = await page.locator('#r-filtres p.check[hidden]').count();
  check(hiddenValues > 0, `values none of the results has are hidden (${hiddenValues})`);
  // Excerpts are the words a person reads, not the record's kind and facts.
  const excerpts = await page.locator("#r-resultats .search-excerpt").allTextContents();
  const resultTitles = await page.locator("#r-resultats .search-title").allTextContents();
  check(excerpts.every((e, i) => !e.startsWith(resultTitles[i]) && !/\b(Acteur|Événement|Ressource|Magazine)\. /.test(e)),
    `excerpts do not start with the title and kind: ${excerpts.join(" | ")}`);
  // A word found only in what describes a record (its domain) finds it.
  const described = await page.locator("#r-resultats .search-title", { hasText: "Groupe SOS" }).count();
  check(described === 1, "a domain's name finds the actors of that domain");
  // The intro names no site with a wrong article (« de Maison… »).
  const lead = await page.locator("main .lead").textContent();
  check(/de ce site\.$/.test(lead.trim()), `the intro's sentence: ${lead}`);
  // On a phone, the filters are folded behind one control: the results come first; the
  // control opens and closes from the keyboard.
  {
    const phone = await newPage(base, { viewport: { width: 375, height: 800 } });
    await phone.page.goto(base + "/recherche/?q=ESS");
    await phone.page.waitForSelector("#r-resultats li");
    const folded = await phone.page.evaluate(() => !document.getElementById("r-filtrer").open);
    const firstResult = await phone.page.locator("#r-resultats li").first().boundingBox();
    const fold = await phone.page.locator("#r-filtrer").boundingBox();
    check(folded && firstResult.y > fold.y && firstResult.y - (fold.y + fold.height) < 120,
      `at 375 px the filters are folded and the results follow the control (${Math.round(fold.y)} / ${Math.round(firstResult.y)} px)`);
    await phone.page.focus("#r-filtrer summary");
    await phone.page.keyboard.press("Enter");
    const opened = await phone.page.evaluate(() => document.getElementById("r-filtrer").open);
    const visibleBox = await phone.page.locator('#r-filtres input[name="type"]').first().isVisible();
    await phone.page.keyboard.press("Enter");
    const closed = await phone.page.evaluate(() => !document.getElementById("r-filtrer").open);
    check(opened && visibleBox && closed, "the filters' control opens and closes with the keyboard");
    check(phone.errors.length === 0, `phone search errors: ${phone.errors.join(" | ")}`);
    await phone.context.close();
  }
  // A word that is nowhere.
  await page.goto(base + "/recherche/?q=zzzxqw");
  await page.waitForFunction(() => document.getElementById("r-statut").textContent.includes("Aucun résultat"));
  check(true, "no result is said");
  check(errors.length === 0, `search page errors: ${errors.join(" | ")}`);
  check(foreign.length === 0, `search: requests to third parties: ${foreign.join(", ")}`);
  await context.close();
}
{
  // The site published again while the page was open: the results' files are gone. The page
  // says so instead of failing silently.
  const { context, page, errors } = await newPage(base);
  await page.route("**/pagefind/fragment/**", (route) => route.fulfill({ status: 404, body: "" }));
  await page.goto(base + "/recherche/?q=ESS");
  const said = await page.waitForFunction(() => document.getElementById("r-statut").textContent.includes("rechargez la page"), null, { timeout: 10000 })
    .then(() => true).catch(() => false);
  check(said, `results that cannot be loaded are said: ${await status(page, "#r-statut")}`);
  const thrown = errors.filter((e) => !e.startsWith("Failed to load resource"));
  check(thrown.length === 0, `no script error when results cannot be loaded: ${thrown.join(" | ")}`);
  await context.close();
}

// --- Directory filters ----------------------------------------------------------------
const actors = JSON.parse(readFileSync(join(site, "donnees/acteurs.json"), "utf8"));
{
  const { context, page, errors } = await newPage(base);
  const data = [];
  // The filters read their own file (a few fields each), not the open data's export.
  page.on("request", (r) => { if (/\/(acteurs\/filtres|donnees\/acteurs)\.json/.test(r.url())) data.push(r.url()); });
  await page.goto(base + "/acteurs/");
  await page.waitForSelector("#filtres[data-ready]");
  await page.waitForLoadState("networkidle");
  // The directory's data (all of it) is loaded when a reader reaches the filters, not with
  // the page: a large directory's page stays light.
  check(data.length === 0, `the directory's page loads no data before its filters are used (${data.length})`);
  const inActivity = actors.filter((a) => !a.fermeture);
  const all = await page.locator("#liste .card").count();
  check(all === Math.min(inActivity.length, all) && all > 0, `directory lists the actors in activity: ${all}`);
  check((await page.locator("#liste .card-closed").count()) === 0, "no closed structure in the directory by default");
  check((await page.locator("#f-etat").inputValue()) === "", "the activity filter says « En activité » by default");
  const domain = actors.find((a) => a.domaines)?.domaines.split(";")[0];
  const expected = inActivity.filter((a) => a.domaines.split(";").includes(domain));
  // The text field is open; the other filters are one tap away.
  check(await page.locator("#f-q").isVisible() && !(await page.locator("#f-domaine").isVisible()), "the directory shows its text field, the other filters folded");
  await page.click(".filters-box > summary");
  await page.selectOption("#f-domaine", domain);
  await page.waitForFunction((d) => new URL(location.href).searchParams.get("domaine") === d, domain);
  await page.waitForSelector("#resultats-filtres:not([hidden])");
  check(data.length === 1 && data[0].endsWith("/acteurs/filtres.json"), `the filters' data is loaded once the filters are reached (${data.join(", ")})`);
  const shown = await drawn(page, "#resultats-filtres .card", expected.length);
  check(shown === expected.length && shown < actors.length, `domaine=${domain}: ${shown} cards, expected ${expected.length} of ${actors.length}`);
  check(await page.locator("#liste").isHidden(), "the full list is hidden while filtering");
  const said = await status(page, "#nombre");
  check(said.includes(String(expected.length)), `the count is announced: ${said}`);
  // Two filters, and free text.
  const form = actors.find((a) => a.domaines.split(";").includes(domain) && a.forme_juridique)?.forme_juridique;
  await page.selectOption("#f-statut", form);
  await page.waitForFunction(() => new URL(location.href).searchParams.has("statut"));
  const both = inActivity.filter((a) => a.domaines.split(";").includes(domain) && a.forme_juridique === form);
  check((await drawn(page, "#resultats-filtres .card", both.length)) === both.length, `domaine=${domain}&statut=${form}: ${both.length}`);
  await page.click('#filtres button[type="reset"]');
  await page.waitForFunction(() => location.search === "");
  check(await page.locator("#liste").isVisible(), "reset shows the full list again");
  // Closed structures one choice away, marked.
  const closed = actors.filter((a) => a.fermeture);
  await page.selectOption("#f-etat", "tous");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("etat") === "tous");
  check((await drawn(page, "#resultats-filtres .card", actors.length)) === actors.length, `etat=tous: every actor (${actors.length})`);
  check((await drawn(page, "#resultats-filtres .card-closed .badge-closed", closed.length)) === closed.length, `etat=tous: ${closed.length} marked closed`);
  await page.selectOption("#f-etat", "");
  await page.waitForFunction(() => location.search === "");
  const first = inActivity[0];
  await page.fill("#f-q", first.nom.split(" ")[0]);
  await page.waitForFunction(() => new URL(location.href).searchParams.has("q"));
  await page
    .waitForFunction((n) => [...document.querySelectorAll("#resultats-filtres .card-title")].some((t) => t.textContent === n), first.nom, { timeout: 5000 })
    .catch(() => {});
  const byText = await page.locator("#resultats-filtres .card-title").allTextContents();
  check(byText.includes(first.nom), `free text finds ${first.nom}: ${byText.join(", ")}`);
  // An actor's logo on its filtered card: loaded from this site, whatever its public address.
  const withLogo = actors.find((a) => a.logo);
  check(withLogo !== undefined, "an actor of the test site has a logo");
  if (withLogo) {
    await page.fill("#f-q", withLogo.nom);
    await page.waitForFunction((n) => new URL(location.href).searchParams.get("q") === n, withLogo.nom);
    const logo = page.locator("#resultats-filtres .card-logo img").first();
    await logo.scrollIntoViewIfNeeded();
    const loaded = await logo.evaluate((img) => img.decode().then(() => img.naturalWidth, () => 0));
    const src = await logo.getAttribute("src");
    check(loaded > 0 && src.startsWith("/images/"), `the filtered card shows the logo of ${withLogo.nom}: ${src}, ${loaded} px`);
  }
  // A shared address opens filtered.
  await page.goto(base + `/acteurs/?domaine=${domain}&etat=ouvert`);
  await page.waitForSelector("#resultats-filtres:not([hidden])");
  const open = expected.length;
  check((await drawn(page, "#resultats-filtres .card", open)) === open, `shared address domaine=${domain}&etat=ouvert: ${open}`);
  check((await page.locator("#f-domaine").inputValue()) === domain, "the shared address sets the form");
  const set = (await page.locator("#filtres-actifs").textContent()).trim();
  check(set === "(1\u00a0filtre choisi)", `the folded filters say how many are set: « ${set} »`);
  // The filters can be used with the keyboard alone.
  await page.goto(base + "/acteurs/");
  await page.waitForSelector("#filtres[data-ready]");
  await page.focus("#f-q");
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.matches(".filters-box > summary")), "Tab goes from the text field to the fold of the other filters");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.id === "f-domaine"), "Enter opens the fold, Tab goes on to the domain filter");
  await page.keyboard.press("ArrowDown");
  await page.waitForFunction(() => new URL(location.href).searchParams.has("domaine"));
  check(true, "a filter changes with the keyboard");
  // On a phone, the list comes first: the first actor is on the first screen.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(base + "/acteurs/");
  const firstTitle = await page.locator("#liste .card-title").first().boundingBox();
  check(firstTitle && firstTitle.y + firstTitle.height <= 800, `at 375 × 800, the first actor's name is on the first screen (its bottom at ${firstTitle && Math.round(firstTitle.y + firstTitle.height)} px)`);
  check(errors.length === 0, `directory errors: ${errors.join(" | ")}`);
  await context.close();

  // Without JavaScript: the complete list, the filters saying they need it, links to the
  // taxonomy pages and to the closed structures.
  const nojs = await newPage(base, { javaScriptEnabled: false });
  await nojs.page.goto(base + "/acteurs/");
  // (Playwright parses <noscript> as a page with scripts does: its text is read from the HTML.)
  check((await nojs.page.content()).includes("<noscript><p>Les filtres ont besoin de JavaScript"), "without JavaScript the filters say they need it");
  check((await nojs.page.locator("#liste .card").count()) === Math.min(inActivity.length, all), "without JavaScript the list is complete");
  if (closed.length) check((await nojs.page.locator('a[href="/acteurs/fermees/"]').count()) === 1, "the closed structures are one link away");
  check((await nojs.page.locator('.browse a[href^="/acteurs/domaines/"]').count()) > 0, "without JavaScript the taxonomy pages are linked");
  await nojs.context.close();
}

// --- The header on a phone: the menu behind one button, search one tap away --------------
{
  const { context, page, errors } = await newPage(base, { viewport: { width: 375, height: 800 } });
  await page.goto(base + "/acteurs/");
  const header = await page.locator(".site-header").boundingBox();
  check(header.height <= 120, `the phone's header is compact: ${header.height} px`);
  check(!(await page.locator(".main-nav").isVisible()) && !(await page.locator(".menu-panel").isVisible()), "the menu is folded on a phone");
  check(await page.locator('.header-tools a[href="/recherche/"]').isVisible(), "search is one tap away");
  // The keyboard alone: Tab to the button, Enter opens, Enter closes.
  const button = page.locator(".menu-phone > summary");
  let tabs = 0;
  while (tabs < 10 && !(await button.evaluate((b) => b === document.activeElement))) { await page.keyboard.press("Tab"); tabs++; }
  check(await button.evaluate((b) => b === document.activeElement), "the menu button is reached with Tab");
  await page.keyboard.press("Enter");
  check(await page.locator(".menu-panel").isVisible(), "Enter opens the menu");
  check(await page.locator('.menu-panel a[aria-current="page"]').textContent() === "Annuaire", "the menu marks the current page");
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.closest(".menu-panel") !== null), "Tab goes into the open menu");
  await button.focus();
  await page.keyboard.press("Enter");
  check(!(await page.locator(".menu-panel").isVisible()), "Enter closes the menu");
  // Its role, name and state, as the browser gives them to a screen reader.
  const cdp = await context.newCDPSession(page);
  const ax = async () => {
    const { root } = await cdp.send("DOM.getDocument");
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: ".menu-phone > summary" });
    const node = (await cdp.send("Accessibility.getPartialAXTree", { nodeId, fetchRelatives: false })).nodes[0];
    const expanded = node.properties.find((p) => p.name === "expanded")?.value.value;
    return `${node.role.value} "${node.name.value}" expanded=${expanded}`;
  };
  check(await ax() === 'DisclosureTriangle "Menu" expanded=false', `the menu button, closed: ${await ax()}`);
  await page.keyboard.press("Enter");
  check(await ax() === 'DisclosureTriangle "Menu" expanded=true', `the menu button, open: ${await ax()}`);
  await page.keyboard.press("Enter");
  await page.setViewportSize({ width: 1280, height: 900 });
  check(await page.locator(".main-nav").isVisible() && !(await button.isVisible()), "from 48 rem the whole menu shows, without the button");
  check(errors.length === 0, `header errors: ${errors.join(" | ")}`);
  await context.close();
}

// --- Maps -------------------------------------------------------------------------------
{
  const located = actors.filter((a) => a.latitude !== null && a.longitude !== null && !a.fermeture);
  const { context, page, errors, foreign } = await newPage(base);
  await page.goto(base + "/carte/");
  await page.waitForSelector("#filtres[data-ready]", { state: "attached" });
  await page.waitForSelector("#carte[data-markers]");
  const markers = Number(await page.getAttribute("#carte", "data-markers"));
  check(markers === located.length && markers > 0, `map: ${markers} markers, ${located.length} actors with a position`);
  const visible = await page.locator("#carte .leaflet-marker-icon").count();
  check(visible > 0, `map: markers or clusters drawn (${visible})`);
  const list = await page.locator("#liste-carte li:visible").count();
  check(list === located.length, `map: the text list has ${list} actors`);
  const domain = located.find((a) => a.domaines)?.domaines.split(";")[0];
  const expected = located.filter((a) => a.domaines.split(";").includes(domain)).length;
  // The filters are folded under the map: one click opens them.
  check(!(await page.locator("#f-domaine").isVisible()), "the map's filters are folded");
  await page.click(".filters-box > summary");
  await page.selectOption("#f-domaine", domain);
  await page.waitForFunction((n) => document.getElementById("carte").dataset.markers === String(n), expected);
  check((await page.locator("#liste-carte li:visible").count()) === expected, `map filtered by ${domain}: the list follows (${expected})`);
  check(new URL(page.url()).searchParams.get("domaine") === domain, "map: the filter is in the address");
  // Each marker links to its actor's page.
  await page.selectOption("#f-domaine", "");
  await page.waitForFunction((n) => document.getElementById("carte").dataset.markers === String(n), located.length);
  // An actor's own map.
  const one = located[0];
  await page.goto(base + `/acteurs/${one.slug}/`);
  await page.waitForSelector("#carte-acteur[data-markers='1']");
  check(await page.locator("#carte-acteur .leaflet-marker-icon").count() === 1, `${one.slug}: one marker`);
  check((await page.locator("#carte-acteur .leaflet-marker-icon").getAttribute("alt")) === one.nom, "the marker is named");
  check(errors.length === 0, `map errors: ${errors.join(" | ")}`);
  check(foreign.length === 0, `map: requests to third parties other than the tiles: ${foreign.join(", ")}`);
  await context.close();
}
// A map whose tiles do not come (no connection, a tile server down) says so, and so does a
// map whose script could not be loaded: never a grey box with no word.
{
  const { context, page } = await newPage(base);
  await context.route(TILES + "**", (route) => route.abort());
  await page.goto(base + "/carte/");
  await page.waitForSelector("#carte .map-message:not(:empty)");
  const said = await page.locator("#carte .map-message").textContent();
  check(/Le fond de carte ne s’affiche pas/.test(said) && await page.locator("#carte .map-message").isVisible(), `the map without its tiles says so: « ${said} »`);
  await context.route("**/leaflet.js", (route) => route.abort());
  await page.goto(base + "/carte/");
  await page.waitForSelector("#carte .map-message:not(:empty)");
  const without = await page.locator("#carte .map-message").textContent();
  check(/La carte n’a pas pu être chargée/.test(without), `the map without its script says so: « ${without} »`);
  await context.close();
}
server.stop();

// --- Private and draft records are never found -------------------------------------------
{
  const dir = build(visibility, "visibility", "2021-01-01");
  const names = readdirSync(join(dir, "pagefind"));
  check(names.includes("pagefind.js") && names.includes("pagefind-entry.json"), "the search index exists");
  const vis = await staticServer(dir);
  const { context, page, errors } = await newPage(vis.base);
  await page.goto(vis.base + "/recherche/?q=public");
  await page.waitForSelector("#r-resultats li");
  check((await page.locator("#r-resultats li").count()) > 0, "a public record's word is found");
  for (const word of ["CANARY", "canary", "PRIVATE", "DRAFT", "FUTURE"]) {
    await page.goto(vis.base + `/recherche/?q=${word}`);
    await page.waitForFunction(() => document.getElementById("r-statut").textContent !== "");
    const said = await status(page, "#r-statut");
    check(said.startsWith("Aucun résultat"), `search « ${word} » finds nothing: ${said}`);
  }
  check(errors.length === 0, `visibility search errors: ${errors.join(" | ")}`);
  await context.close();
  vis.stop();
}

// --- A site hosted under a path (GitLab or GitHub Pages: https://ville.gitlab.io/ess/) ------
// Built with a path in its base_url and served from a folder above the output, so that
// nothing outside /ess/ exists: search, the directory's filters and the map work, and no
// request of the pages leaves the path.
{
  const dir = join(out, "heberge");
  const b = spawnSync(bin, ["-s", example, "build", "--quiet", "--now", "2026-11-23T12:00", "--base-url", "https://ville.gitlab.io/ess/", "--output", join(dir, "ess")], { encoding: "utf8" });
  if (b.status !== 0) throw new Error(`build under a path: ${b.stderr}`);
  const hosted = await staticServer(dir);
  const under = hosted.base + "/ess";
  const { context, page, errors, foreign } = await newPage(under);
  await page.goto(under + "/");
  await page.fill("#recherche-entete", "coopératives");
  await page.press("#recherche-entete", "Enter");
  await page.waitForURL(/\/ess\/recherche\/\?q=/);
  await page.waitForSelector("#r-resultats li");
  const links = await page.locator("#r-resultats .search-title a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  check(links.length > 0 && links.every((h) => h.startsWith("/ess/")), `under a path: search results lead under it: ${links.slice(0, 3).join(", ")}`);
  await page.click("#r-resultats .search-title a");
  await page.waitForLoadState("load");
  check(page.url().startsWith(under + "/") && (await page.locator("main h1").count()) === 1, `under a path: a search result opens its page: ${page.url()}`);
  await page.goto(under + "/acteurs/?domaine=sante");
  await page.waitForLoadState("networkidle");
  const cards = await page.locator("main .card a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  check(cards.length > 0 && cards.every((h) => !h.startsWith("/") || h.startsWith("/ess/")), `under a path: the filtered directory links under it (${cards.length} links)`);
  await page.goto(under + "/carte/");
  await page.waitForSelector("#carte[data-markers]");
  const markers = Number(await page.getAttribute("#carte", "data-markers"));
  check(markers > 0 && (await page.locator("#carte .leaflet-marker-icon").count()) > 0, `under a path: the map has its markers (${markers})`);
  check(errors.length === 0, `under a path: no script or console error: ${errors.join(" | ")}`);
  check(foreign.length === 0, `under a path: no request outside /ess/: ${foreign.slice(0, 5).join(", ")}`);
  await context.close();
  hosted.stop();
}

// --- A large directory's map: groups made at build time, loaded for the view ------------
// A directory of 2,500 actors (bench/gen_actors.py), over the number a map lists, built under a
// path: the map page lists no actor (the directory does), its groups count every actor in
// activity once, a click on a group brings the map closer until single actors, whose popup
// leads to their page; at 375 px too; no request leaves the path but the tiles.
{
  const site = join(out, "grand-annuaire");
  const g = spawnSync("python3", [join(import.meta.dirname, "../../bench/gen_actors.py"), "--actors", "2500", "--out", site], { encoding: "utf8" });
  if (g.status !== 0) throw new Error(`gen_actors.py: ${g.stderr}`);
  // Two closed structures and an actor with a logo, for the directory's filtered cards.
  mkdirSync(join(site, "static/images"), { recursive: true });
  copyFileSync(join(example, "static/images/logo-amap.png"), join(site, "static/images/logo-amap.png"));
  const extra = (slug, lines) => writeFileSync(join(site, "content/acteurs", slug + ".md"), ["---", ...lines, "---", "Un acteur ajouté au test.", ""].join("\n"));
  extra("zz-fermee-1", ['title: "Ressourcerie fermée du Val"', "legal_form: association", "domains: [habitat]", "closed: 2024-03-01"]);
  extra("zz-fermee-2", ['title: "Coopérative fermée des Monts"', "legal_form: scop", "domains: [sante]", "closed: 2023-06-30"]);
  extra("zz-logo", ['title: "Épicerie solidaire au logo"', "legal_form: association", "domains: [agriculture]", "logo: /images/logo-amap.png"]);
  const dir = join(out, "grand-heberge");
  const b = spawnSync(bin, ["-s", site, "build", "--quiet", "--now", "2026-01-01", "--base-url", "https://annuaire.example.org/ess/", "--output", join(dir, "ess")], { encoding: "utf8" });
  if (b.status !== 0) throw new Error(`build of the large directory: ${b.stderr}`);
  const html = readFileSync(join(dir, "ess/carte/index.html"), "utf8");
  check(html.length < 60000 && !html.includes("liste-carte"), `large map: the page lists no actor (${html.length} bytes)`);
  check(html.includes('data-grappes="/ess/carte/grappes/"') && /href="\/ess\/acteurs\/"/.test(html), "large map: its groups' folder and the directory under the path");
  const hosted = await staticServer(dir);
  const under = hosted.base + "/ess";
  for (const width of [375, 1280]) {
    const { context, page, errors, foreign } = await newPage(under, { viewport: { width, height: 800 } });
    await page.goto(under + "/carte/");
    await page.waitForSelector("#carte[data-markers]");
    const said = (await status(page, "#nombre")).replace(/\s/g, "");
    const total = Number(said.match(/^\d+/)[0]);
    const drawn = Number(await page.getAttribute("#carte", "data-markers"));
    const counted = await page.evaluate(() => Array.from(document.querySelectorAll("#carte .leaflet-marker-icon")).reduce((n, m) => n + (m.classList.contains("map-group") ? Number(m.textContent.replace(/\s/g, "")) : 1), 0));
    check(total > 2000 && counted === total, `large map at ${width}: its ${drawn} groups count ${counted} actors, the page says ${total}`);
    check(drawn > 0 && drawn <= 400, `large map at ${width}: a few groups drawn (${drawn})`);
    // The index of the first marker of `selector` inside the map's box, or -1 (the view's
    // neighbourhood is drawn too, hidden by the box).
    const inView = (selector) => page.evaluate((sel) => {
      const box = document.getElementById("carte").getBoundingClientRect();
      return Array.from(document.querySelectorAll(sel)).findIndex((m) => {
        const r = m.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        return x > box.left + 40 && x < box.right - 40 && y > box.top + 40 && y < box.bottom - 40;
      });
    }, selector);
    const PIN = "#carte .leaflet-marker-icon:not(.map-group)";
    if (width === 1280) {
      const tile = () => page.evaluate(() => document.querySelector("#carte .leaflet-tile-container img")?.src || "");
      const first = await tile();
      let pin = -1;
      for (let step = 0; step < 10 && pin < 0; step++) {
        const group = await inView("#carte .map-group");
        if (group < 0) break;
        const before = await page.getAttribute("#carte", "data-markers");
        await page.locator("#carte .map-group").nth(group).click();
        await page.waitForFunction((b) => document.getElementById("carte").dataset.markers !== b, before, { timeout: 5000 }).catch(() => {});
        await page.waitForTimeout(300);
        pin = await inView(PIN);
      }
      check(pin >= 0 && (await tile()) !== first, `large map: clicks on groups bring the map closer, down to single actors`);
      if (pin >= 0) {
        await page.locator(PIN).nth(pin).click();
        const href = await page.locator("#carte .leaflet-popup-content a").getAttribute("href");
        const answer = await page.request.get(hosted.base + href);
        check(href.startsWith("/ess/acteurs/") && answer.ok(), `large map: a single actor's popup leads to its page (${href}: ${answer.status()})`);
      }
    }
    check(errors.length === 0, `large map at ${width}: no script or console error: ${errors.join(" | ")}`);
    check(foreign.length === 0, `large map at ${width}: no request outside the path but the tiles: ${foreign.slice(0, 5).join(", ")}`);
    await context.close();
  }

  // The large directory's filters, under the path: each filter's count is the open data's,
  // its cards are its actors, closed ones are marked, a logo shows, a name finds its actor,
  // 48 more cards on demand.
  {
    const exported = JSON.parse(readFileSync(join(dir, "ess/donnees/acteurs.json"), "utf8"));
    const open = exported.filter((a) => !a.fermeture);
    for (const width of [375, 1280]) {
      const { context, page, errors, foreign } = await newPage(under, { viewport: { width, height: 900 } });
      const asked = [];
      page.on("request", (r) => asked.push(new URL(r.url()).pathname));
      // The page's own long tasks (over 50 ms), from its start.
      await page.addInitScript(() => {
        window.longTasks = [];
        new PerformanceObserver((l) => l.getEntries().forEach((e) => window.longTasks.push(Math.round(e.duration)))).observe({ type: "longtask", buffered: true });
      });
      const has = (a, field, v) => a[field].split(";").includes(v);
      const cases = width === 375 ? [["?domaine=sante", open.filter((a) => has(a, "domaines", "sante"))]] : [
        ["?domaine=sante", open.filter((a) => has(a, "domaines", "sante"))],
        ["?statut=scop&etape=financer", open.filter((a) => a.forme_juridique === "scop" && has(a, "etapes", "financer"))],
        ["?etat=ferme", exported.filter((a) => a.fermeture)],
        ["?etat=tous&domaine=sante", exported.filter((a) => has(a, "domaines", "sante"))],
      ];
      for (const [query, expected] of cases) {
        await page.goto(under + "/acteurs/" + query);
        await page.waitForFunction(() => /correspond/.test(document.getElementById("nombre").textContent), null, { timeout: 15000 }).catch(() => {});
        const said = Number(((await status(page, "#nombre")).replace(/\s/g, "").match(/^\d+/) || ["-1"])[0]);
        const shown = Math.min(48, expected.length);
        const cards = await drawn(page, "#resultats-filtres .card", shown);
        const hrefs = await page.locator("#resultats-filtres .card-title a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
        const slugs = new Set(expected.map((a) => a.slug));
        const theirs = hrefs.every((h) => slugs.has(h.replace(/^\/ess\/acteurs\/|\/$/g, "")));
        check(said === expected.length && cards === shown && theirs, `large directory ${query} at ${width}: ${said} said (the open data: ${expected.length}), ${cards} cards, each one of them: ${theirs}`);
        if (query === "?domaine=sante") {
          // The data are read and compared by a worker (this same script): the page's thread
          // never holds a national directory's tens of megabytes.
          const workers = page.workers().map((w) => new URL(w.url()).pathname);
          const long = await page.evaluate(() => window.longTasks);
          check(workers.some((w) => /^\/ess\/js\/annuaire\.[0-9a-f]+\.js$/.test(w)) && long.every((ms) => ms < 200), `large directory at ${width}: its filters run in a worker (${workers.join(", ")}), the page's longest tasks ${JSON.stringify(long)} ms`);
        }
        if (query === "?etat=ferme") {
          const marked = await drawn(page, "#resultats-filtres .card-closed .badge-closed", expected.length);
          check(marked === expected.length, `large directory: the closed structures marked (${marked})`);
        }
      }
      if (width === 1280) {
        // More cards on demand, focus on the first new one.
        await page.goto(under + "/acteurs/?etat=tous");
        await drawn(page, "#resultats-filtres .card", 48);
        await page.click(".more-results button");
        const more = await drawn(page, "#resultats-filtres .card", 96);
        const focused = await page.evaluate(() => document.activeElement?.closest(".card") === document.querySelectorAll("#resultats-filtres .card")[48]);
        check(more === 96 && focused, `large directory: 48 more cards on demand (${more}), the focus on the first of them: ${focused}`);
        // A name typed finds its actor; its logo shows.
        const named = exported.find((a) => a.slug === "zz-logo");
        await page.goto(under + "/acteurs/");
        await page.fill("#f-q", "épicerie solidaire");
        await page.waitForFunction((n) => [...document.querySelectorAll("#resultats-filtres .card-title")].some((t) => t.textContent === n), named.nom, { timeout: 10000 }).catch(() => {});
        const titles = await page.locator("#resultats-filtres .card-title").allTextContents();
        check(titles.includes(named.nom), `large directory: free text finds ${named.nom}: ${titles.slice(0, 5).join(", ")}`);
        const logo = page.locator("#resultats-filtres .card-logo img").first();
        const src = (await logo.count()) ? await logo.getAttribute("src") : "";
        const loaded = src ? await logo.evaluate((img) => img.decode().then(() => img.naturalWidth, () => 0)) : 0;
        const sized = src ? await logo.evaluate((img) => img.getAttribute("width") !== null && img.getAttribute("height") !== null) : false;
        check(src.startsWith("/ess/") && loaded > 0 && sized, `large directory: the filtered card shows the logo, with its size (${src}, ${loaded} px)`);
      }
      check(asked.includes("/ess/acteurs/filtres.json"), `large directory at ${width}: the filters' data asked under the path`);
      check(errors.length === 0, `large directory at ${width}: no script or console error: ${errors.join(" | ")}`);
      check(foreign.length === 0, `large directory at ${width}: no request outside the path: ${foreign.slice(0, 5).join(", ")}`);
      if (width === 375) await page.screenshot({ path: join(out, "annuaire-grand-375.png"), fullPage: false });
      else await page.screenshot({ path: join(out, "annuaire-grand-1280.png"), fullPage: false });
      await context.close();
    }
  }
  hosted.stop();
}

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
