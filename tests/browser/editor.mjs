// End-to-end test of the web editor in Debian's headless Chromium: `ess-site serve --editor`,
// open /admin/, create an actor through the editor's form (name, legal form from its list, two
// domains, an address) and save; the file appears in content/acteurs/ with the right front
// matter, `ess-site check` passes, and the preview shows the new page. Then add the new actor
// to a Forum edition's exhibitors through the relation widget, save, and see it on the Forum's
// page. Screenshots at 375 and 1280 px go to OUT.
//
// Usage: node editor.mjs PATH/TO/ess-site SITE_FOLDER OUT
import { spawnSync } from "node:child_process";
import { launchBrowser, startServe } from "./site_page.mjs";
import { existsSync, readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [bin, site, out] = process.argv.slice(2);
if (!bin || !site || !out) {
  console.error("usage: node editor.mjs ESS_SITE_BINARY SITE_FOLDER OUT");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
// A speaker written by name alone, as the model allows: the Forum still opens and saves.
const forumFile = join(site, "content/forum/2016.md");
const forumText = readFileSync(forumFile, "utf8");
const shortSpeaker = forumText.replace(/- \{name: "Othmane Khaoua"[^}]*\}/, '- "Othmane Khaoua"');
if (shortSpeaker === forumText) { console.error("the example's speaker is not where the test expects"); process.exit(1); }
writeFileSync(forumFile, shortSpeaker);

const now = "2026-11-23T12:00";
const timer = setTimeout(() => { console.error("test timed out"); process.exit(1); }, 180000);
const { url, stop } = await startServe(bin, ["serve", "--editor", "--now", now], site);

const browser = await launchBrowser();
let passed = 0;
let failed = 0;
const ok = (what) => { passed++; console.log("ok - " + what); };

async function waitFor(condition, what, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error("timed out: " + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function fetchText(path) {
  const r = await fetch(url + path.replace(/^\//, ""));
  return { status: r.status, text: await r.text() };
}

function check() {
  const r = spawnSync(bin, ["check", "--now", now], { cwd: site, encoding: "utf8" });
  if (r.status !== 0) throw new Error("check fails after the editor's save:\n" + r.stderr);
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url + "admin/");
  await page.getByRole("button", { name: "Se connecter" }).click();
  for (const name of ["Acteurs", "Forum de l’ESS", "Up Conférences", "Magazine", "Ressources", "Pages", "Accueil et données"]) {
    await page.getByRole("link", { name, exact: true }).first().waitFor();
  }
  await page.getByText("AMAP de Sceaux").first().waitFor();
  ok("the editor opens in French on the local proxy, a collection per kind of record, the actors listed");
  await page.screenshot({ path: join(out, "editor-1280.png") });

  // A new actor, through the form.
  await page.goto(url + "admin/#/collections/acteurs/new");
  const field = (name) => page.locator(`[id^="${name}-field-"]`).first();
  // Opens a record of the editor afresh (logging in again when the editor asks), and waits
  // for its field `ready`.
  const login = page.getByRole("button", { name: "Se connecter" });
  const open = async (path, ready = "title") => {
    await page.goto("about:blank");
    await page.goto(url + path);
    await Promise.race([field(ready).waitFor(), login.waitFor()]);
    if (await login.count()) await login.click();
    await field(ready).waitFor();
  };
  await field("title").waitFor();
  // Required fields are marked, optional ones not; hints speak the team's words.
  const labelOf = async (name) => (await page.locator(`label[for^="${name}-field-"]`).first().textContent()).trim();
  if (!(await labelOf("title")).endsWith("(obligatoire)")) throw new Error("the required title is not marked: " + await labelOf("title"));
  for (const name of ["address", "website", "domains"]) {
    const label = await labelOf(name);
    if (/optionnel|obligatoire/i.test(label)) throw new Error(`an optional field is marked: ${label}`);
  }
  const form = await page.locator("main, body").first().textContent();
  for (const jargon of ["AAAA-MM-JJ", "--drafts", "[emploi", "{lat", "static/images", "slug"]) {
    if (form.includes(jargon)) throw new Error(`the form speaks of « ${jargon} »`);
  }
  ok("the form marks its required fields only, and its hints speak the team's words");
  await field("title").fill("Recyclerie des Blagis");
  await field("legal_form").fill("Scop");
  await page.keyboard.press("Enter");
  for (const domain of ["Habitat", "Santé"]) {
    await field("domains").fill(domain);
    await page.keyboard.press("Enter");
  }
  await field("address").fill("3 rue des Blagis, 92330 Sceaux");
  await page.getByRole("button", { name: "Publier" }).click();
  await page.getByText("Publier maintenant").click();
  const file = join(site, "content/acteurs/recyclerie-des-blagis.md");
  await waitFor(() => existsSync(file), "the saved file in content/acteurs/");
  const text = readFileSync(file, "utf8");
  for (const line of ["title: Recyclerie des Blagis", "legal_form: scop", "  - habitat", "  - sante", "address: 3 rue des Blagis, 92330 Sceaux", "draft: false"]) {
    if (!text.includes(line + "\n")) throw new Error(`front matter without « ${line} »:\n${text}`);
  }
  if (!text.startsWith("---\n")) throw new Error("not a Markdown record with front matter:\n" + text);
  ok("the actor is saved in content/acteurs/recyclerie-des-blagis.md with its front matter");
  // Its entry in the directory is the day it was made, as `ess-site new` gives it: the
  // newsletter of that day lists it among the new actors.
  const dated = text.match(/^date: (\d{4}-\d{2}-\d{2})$/m);
  if (!dated) throw new Error("the new actor has no date of entry:\n" + text);
  const letterFile = join(out, "lettre.html");
  const letter = spawnSync(bin, ["newsletter", "--since", dated[1], "--until", dated[1], "--output", letterFile], { cwd: site, encoding: "utf8" });
  if (letter.status !== 0) throw new Error("newsletter: " + letter.stderr);
  const letterText = readFileSync(letterFile.replace(/\.html$/, ".txt"), "utf8");
  if (!/nouveaux acteurs[^]*Recyclerie des Blagis/i.test(letterText)) throw new Error("the newsletter does not list the new actor:\n" + letterText);
  ok("the actor made in the editor has its day of entry and appears in that day's newsletter");
  check();
  ok("ess-site check passes on what the editor wrote");
  await waitFor(async () => {
    const r = await fetchText("/acteurs/recyclerie-des-blagis/");
    return r.status === 200 && r.text.includes("Recyclerie des Blagis") && r.text.includes("3 rue des Blagis");
  }, "the new actor's page in the preview");
  const directory = await fetchText("/acteurs/");
  if (!directory.text.includes("Recyclerie des Blagis")) throw new Error("the directory does not list the new actor");
  ok("the preview shows the new actor's page and lists it in the directory");
  // « Voir en direct » opens the record's page in the preview, not at the production address.
  // Shown when a saved record is opened.
  await open("admin/#/collections/acteurs/entries/recyclerie-des-blagis");
  const live = page.getByRole("link", { name: "Voir en direct" }).first();
  await live.waitFor();
  const liveUrl = new URL(await live.getAttribute("href"), page.url()).href;
  const viewer = await browser.newPage();
  await viewer.goto(liveUrl);
  if (!viewer.url().startsWith(url + "acteurs/recyclerie-des-blagis/")) throw new Error(`« Voir en direct » leads to ${viewer.url()}, not the preview's page`);
  if (!(await viewer.content()).includes("3 rue des Blagis")) throw new Error("« Voir en direct » does not show the record");
  await viewer.close();
  ok("« Voir en direct » opens the record's page in the preview");

  // The Forum's exhibitors, through the relation widget.
  await open("admin/#/collections/forum/entries/2016", "exhibitors");
  await field("exhibitors").fill("Recyclerie");
  // The relation's options are searched among the actors as typed: let them come.
  await page.waitForTimeout(1500);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Publier" }).click();
  await page.getByText("Publier maintenant").click();
  const forum = join(site, "content/forum/2016.md");
  await waitFor(() => readFileSync(forum, "utf8").includes("  - recyclerie-des-blagis\n"), "the exhibitor saved in content/forum/2016.md");
  check();
  await waitFor(async () => (await fetchText("/forum/2016/")).text.includes("/acteurs/recyclerie-des-blagis/"), "the exhibitor on the Forum's page");
  if (!readFileSync(forum, "utf8").includes("name: Othmane Khaoua")) throw new Error("the speaker by name alone is lost:\n" + readFileSync(forum, "utf8"));
  ok("a Forum edition's exhibitor added through the relation widget is saved, checked and shown, its speaker by name alone kept");

  // A record written as a whole YAML file opens in its own collection and saves as YAML.
  const yamlFile = join(site, "content/ressources/premieres-fiches-kit-municipaless-2026.yaml");
  await open("admin/#/collections/ressources-yaml/entries/premieres-fiches-kit-municipaless-2026", "summary");
  await field("summary").fill("Seize fiches pour inscrire l’ESS dans les politiques communales.");
  await page.getByRole("button", { name: "Publier" }).click();
  await page.getByText("Publier maintenant").click();
  await waitFor(() => readFileSync(yamlFile, "utf8").includes("Seize fiches pour inscrire l’ESS dans les politiques communales."), "the YAML record saved");
  const yamlText = readFileSync(yamlFile, "utf8");
  if (yamlText.startsWith("---") || !yamlText.includes("body: ") || !yamlText.includes("Fiches leviers")) throw new Error("the YAML record is not whole YAML with its body:\n" + yamlText);
  check();
  ok("a record written as a YAML file opens in the editor and saves as YAML, its text kept");

  // A save that would break the site is refused with check's words, the field named, and
  // nothing is written: an old address that is another page's, a link to no page.
  const publish = async () => {
    await page.getByRole("button", { name: "Publier" }).click();
    await page.getByText("Publier maintenant").click();
  };
  const saved = readFileSync(file, "utf8");
  await open("admin/#/collections/acteurs/entries/recyclerie-des-blagis");
  await field("aliases").fill("/acteurs/amap-de-sceaux/");
  await publish();
  const refusal = page.locator("#ess-refus");
  await refusal.waitFor({ timeout: 20000 });
  const said = await refusal.innerText();
  for (const words of ["Fiche non enregistrée", "champ « Anciennes adresses »", "/acteurs/amap-de-sceaux/", "Rien n’a été écrit"]) {
    if (!said.includes(words)) throw new Error(`the refusal does not say « ${words} »:\n${said}`);
  }
  if (readFileSync(file, "utf8") !== saved) throw new Error("a refused save was written");
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const box = await refusal.boundingBox();
    if (!box || box.x < 0 || box.x + box.width > width + 1) throw new Error(`the refusal runs off a ${width} px screen`);
    await page.waitForTimeout(300);
    if (await page.locator(".Toastify__toast--error").first().isVisible()) throw new Error("Decap CMS's notice shows beside the refusal");
    await page.screenshot({ path: join(out, `editor-refused-${width}.png`) });
  }
  ok("an address another page has is refused, the field named in check's words, nothing written");
  await refusal.getByRole("button", { name: "Fermer" }).click();
  await refusal.waitFor({ state: "detached" });
  // A last day before the first: an impossible date.
  const forumBefore = readFileSync(forum, "utf8");
  await open("admin/#/collections/forum/entries/2016");
  await field("end_date").fill("2016-11-18");
  await publish();
  await refusal.waitFor({ timeout: 20000 });
  const dates = await refusal.innerText();
  if (!dates.includes("champ « Dernier jour »") || !dates.includes("est avant date")) throw new Error("the impossible date's refusal:\n" + dates);
  if (readFileSync(forum, "utf8") !== forumBefore) throw new Error("a refused save was written");
  ok("a last day before the first is refused with check's message, nothing written");

  // The form in groups, in the order a person fills it.
  await open("admin/#/collections/acteurs/entries/recyclerie-des-blagis");
  const groupsShown = async () => (await page.locator("h2.ess-groupe").allInnerTexts()).join(" / ");
  await waitFor(async () => (await groupsShown()) === "Identité / Contact / Lieu / Présentation / Publication", "the form's groups: " + (await groupsShown()));
  const order = await page.evaluate(() => [...document.querySelectorAll("h2.ess-groupe, [id$='-field-1'], [id^='address-field-'], [id^='summary-field-'], [id^='draft-field-']")].map((e) => e.tagName === "H2" ? e.textContent : e.id.split("-field-")[0]).join(" "));
  for (const [before, after] of [["Identité", "title"], ["Lieu", "address"], ["Présentation", "summary"], ["Publication", "draft"]]) {
    const i = order.split(" ").indexOf(before), j = order.split(" ").indexOf(after);
    if (i < 0 || j < 0 || i > j) throw new Error(`« ${before} » is not above ${after}: ${order}`);
  }
  if (await page.getByRole("link", { name: /^\/$/ }).count()) throw new Error("the header shows a bare « / » as the site's address");
  if (!(await page.getByRole("link", { name: "Aperçu du site" }).count())) throw new Error("the header has no link to the preview");
  ok("the actor's form is in groups (identity, contact, place, presentation, publication), each heading above its fields");

  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await open("admin/#/collections/acteurs/entries/recyclerie-des-blagis");
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width) throw new Error(`the form is ${wide} px wide on a ${width} px screen`);
    await page.screenshot({ path: join(out, `editor-actor-${width}.png`) });
  }
  if (errors.length) throw new Error("page errors: " + errors.join("; "));
  ok("no script error in the editor");
} catch (e) {
  failed++;
  console.log("not ok - " + e.message);
} finally {
  clearTimeout(timer);
  await browser.close();
  stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
