// The web editor online, with no server of ours: the site is built with `[editor]` under a
// path (`/ess/`), its files are served as they are by a plain static server, and the editor
// runs on Decap CMS's in-browser backend (`test-repo`, the site's files in `window.repoFiles`)
// in place of the forge. A save that would duplicate an address, give an impossible date or
// leave a record naming an actor that no longer exists is refused in the page, before the
// backend writes anything, with the words `check` uses; a valid save goes through and its
// file passes `check`. Screenshots of a refusal at 375 and 1280 px go to OUT.
//
// Usage: node editor_online.mjs PATH/TO/ess-site SITE_FOLDER OUT
import { spawnSync } from "node:child_process";
import { launchBrowser, staticSite } from "./site_page.mjs";
import { existsSync, readFileSync, readdirSync, statSync, mkdirSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";

const [bin, site, out] = process.argv.slice(2);
if (!bin || !site || !out) {
  console.error("usage: node editor_online.mjs ESS_SITE_BINARY SITE_FOLDER OUT");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const now = "2026-11-23T12:00";
const timer = setTimeout(() => { console.error("test timed out"); process.exit(1); }, 240000);

const publicDir = join(site, "public");
const { base, requests, close } = await staticSite(publicDir);

// A speaker written by name alone, as the model allows: the Forum still opens and saves online.
const forumFile = join(site, "content/forum/2016.md");
const forumText = readFileSync(forumFile, "utf8");
const shortSpeaker = forumText.replace(/- \{name: "Othmane Khaoua"[^}]*\}/, '- "Othmane Khaoua"');
if (shortSpeaker === forumText) { console.error("the example's speaker is not where the test expects"); process.exit(1); }
writeFileSync(forumFile, shortSpeaker);

appendFileSync(join(site, "site.toml"), '\n[editor]\nbackend = "gitlab"\nrepo = "ville/site-ess"\napp_id = "0123456789abcdef"\n');
const build = spawnSync(bin, ["build", "--now", now, "--base-url", base], { cwd: site, encoding: "utf8" });
if (build.status !== 0) { console.error(build.stderr); process.exit(1); }

// The site's files as Decap CMS's test backend holds them: folders as objects, files as
// {content}. The images are there by name (the test backend shows none of them).
function repoFiles() {
  const tree = {};
  const add = (rel, content) => {
    const parts = rel.split("/");
    let node = tree;
    for (const p of parts.slice(0, -1)) node = node[p] = node[p] || {};
    node[parts[parts.length - 1]] = { content, path: rel };
  };
  const walk = (rel) => {
    for (const name of readdirSync(join(site, rel))) {
      const r = rel + "/" + name;
      if (statSync(join(site, r)).isDirectory()) walk(r);
      else add(r, rel.startsWith("static") ? "" : readFileSync(join(site, r), "utf8"));
    }
  };
  for (const dir of ["content", "static", "templates", "themes"]) if (existsSync(join(site, dir))) walk(dir);
  add("site.toml", readFileSync(join(site, "site.toml"), "utf8"));
  return tree;
}

const browser = await launchBrowser();
let passed = 0;
let failed = 0;
let page = null;
const ok = (what) => { passed++; console.log("ok - " + what); };
const step = (what) => { if (process.env.VERBOSE) console.log("# " + what); };

try {
  const admin = readFileSync(join(publicDir, "admin/index.html"), "utf8");
  if (!admin.includes("data-verification=")) {
    throw new Error("this ess-site has no pre-save check built in: run `bash tools/editor-check.sh`, then build it again");
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The test backend keeps an image as an upload: a file object and its path.
  await context.addInitScript((files) => {
    (function media(node) {
      for (const [name, v] of Object.entries(node)) {
        if (v && typeof v.path === "string" && v.path.startsWith("static/")) v.content = { path: v.path, fileObj: new File([], name) };
        else if (v && !("content" in v)) media(v);
      }
    })(files);
    window.repoFiles = files;
  }, repoFiles());
  // The forge's backend replaced by the in-browser one: nothing else of the editor changes.
  await context.route("**/admin/config.yml", async (route) => {
    const response = await route.fetch();
    const text = (await response.text()).replace(/^backend:\n(?: {2}.*\n)+/m, "backend:\n  name: test-repo\n");
    await route.fulfill({ response, body: text });
  });
  page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  if (process.env.VERBOSE) page.on("console", (m) => console.log("# console: " + m.text().slice(0, 400)));
  page.on("dialog", (d) => d.accept());
  const foreign = [];
  // The test backend shows an image from the site's origin by its site path: only another
  // host is foreign.
  const origin = new URL(base).origin + "/";
  page.on("request", (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) foreign.push(r.url()); });

  const field = (name) => page.locator(`[id^="${name}-field-"]`).first();
  const login = page.getByRole("button", { name: "Se connecter" });
  const open = async (path, ready = "title") => {
    step("open " + path);
    await page.goto("about:blank");
    await page.goto(base + "admin/" + path);
    await Promise.race([field(ready).waitFor(), login.waitFor()]);
    if (await login.count()) await login.click();
    await field(ready).waitFor();
  };
  const repoText = (path) => page.evaluate((p) => {
    let node = window.repoFiles;
    for (const part of p.split("/")) node = node && node[part];
    return node ? node.content : null;
  }, path);
  const publish = async () => {
    await page.getByRole("button", { name: "Publier" }).click();
    await page.getByText("Publier maintenant").click();
  };
  const refusal = page.locator("#ess-refus");
  const refused = async (words) => {
    await refusal.waitFor({ timeout: 30000 });
    const said = await refusal.innerText();
    for (const w of words) if (!said.includes(w)) throw new Error(`the refusal does not say « ${w} »:\n${said}`);
    return said;
  };
  const closeRefusal = async () => {
    await refusal.getByRole("button", { name: "Fermer" }).click();
    await refusal.waitFor({ state: "detached" });
  };

  // An old address that is another actor's page.
  const actor = "content/acteurs/comptoir-de-l-innovation.md";
  const actorBefore = await (async () => { await open("#/collections/acteurs/entries/comptoir-de-l-innovation"); return repoText(actor); })();
  await field("aliases").fill("/acteurs/amap-de-sceaux/");
  const started = Date.now();
  await publish();
  await refused(["Fiche non enregistrée", "champ « Anciennes adresses »", "/acteurs/amap-de-sceaux/", "content/acteurs/amap-de-sceaux.md", "Rien n’a été écrit"]);
  const took = Date.now() - started;
  if ((await repoText(actor)) !== actorBefore) throw new Error("a refused save reached the backend");
  if (!requests.some((p) => /\/ess\/admin\/verification\.[0-9a-f]+\.wasm$/.test(p))) throw new Error("the check did not run in the page: " + requests.join(" "));
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const box = await refusal.boundingBox();
    if (!box || box.x < 0 || box.x + box.width > width + 1) throw new Error(`the refusal runs off a ${width} px screen`);
    // The refusal is the one message: Decap CMS's own notice of the failed save is not shown.
    await page.waitForTimeout(300);
    if (await page.locator(".Toastify__toast--error").first().isVisible()) throw new Error("Decap CMS's notice shows beside the refusal");
    await page.screenshot({ path: join(out, `editor-online-refused-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  ok(`online, an address another page has is refused in the page with check's words, nothing sent to the backend (${took} ms from the click)`);
  await closeRefusal();

  // A last day before the first.
  const forum = "content/forum/2016.md";
  await open("#/collections/forum/entries/2016");
  const forumBefore = await repoText(forum);
  await field("end_date").fill("2016-11-18");
  await publish();
  await refused(["champ « Dernier jour »", "est avant date"]);
  if ((await repoText(forum)) !== forumBefore) throw new Error("a refused save reached the backend");
  ok("online, a last day before the first is refused with check's message, nothing sent");
  await closeRefusal();

  // The Forum whose speaker is written by name alone saves online, its speaker kept.
  await open("#/collections/forum/entries/2016", "summary");
  await field("summary").fill("Le premier Forum de l’ESS de la ville, au jardin de la Ménagerie.");
  await publish();
  let forumSaved = null;
  for (const deadline = Date.now() + 30000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    forumSaved = await repoText(forum);
    if (forumSaved && forumSaved.includes("au jardin de la Ménagerie")) break;
  }
  if (!forumSaved || !forumSaved.includes("au jardin de la Ménagerie")) throw new Error("the Forum with a speaker by name alone was not saved online");
  if (!forumSaved.includes("name: Othmane Khaoua")) throw new Error("the speaker by name alone was lost:\n" + forumSaved);
  if (await refusal.count()) throw new Error("the Forum's save was refused:\n" + (await refusal.innerText()));
  writeFileSync(join(site, forum), forumSaved);
  ok("online, a Forum whose speaker is written by name alone opens and saves, the speaker kept");

  // An actor another record names, deleted: the records that name it would name no one.
  const named = "content/acteurs/amap-de-sceaux.md";
  await open("#/collections/acteurs/entries/amap-de-sceaux");
  await page.getByRole("button", { name: /Supprimer/ }).first().click();
  const deleteButton = page.getByText(/Supprimer l.entrée publiée|Supprimer l.entrée/).first();
  if (await deleteButton.count()) await deleteButton.click();
  const gone = await refused(["Fiche non enregistrée", "amap-de-sceaux"]);
  if ((await repoText(named)) === null) throw new Error("a refused deletion reached the backend");
  if (!/content\/[a-z]+\/[^ ]+\.(md|yaml), ligne \d+/.test(gone)) throw new Error("the refusal does not name the record that would name no one:\n" + gone);
  ok("online, deleting an actor another record names is refused, the record named with its line");
  await closeRefusal();

  // A valid save goes through, and its file passes check.
  await open("#/collections/acteurs/entries/comptoir-de-l-innovation", "summary");
  await field("summary").fill("Accompagne et finance les entreprises sociales du territoire.");
  await publish();
  const deadline = Date.now() + 30000;
  let saved = null;
  while (Date.now() < deadline) {
    saved = await repoText(actor);
    if (saved && saved.includes("Accompagne et finance les entreprises sociales du territoire.")) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!saved || !saved.includes("Accompagne et finance")) throw new Error("the valid save did not reach the backend");
  if (await refusal.count()) throw new Error("a valid save was refused:\n" + (await refusal.innerText()));
  writeFileSync(join(site, actor), saved);
  const check = spawnSync(bin, ["check", "--now", now], { cwd: site, encoding: "utf8" });
  if (check.status !== 0) throw new Error("check fails on the file the editor saved online:\n" + check.stderr);
  ok("online, a valid save reaches the backend, and its file passes check");

  if (foreign.length) throw new Error("requests to another host: " + foreign.join(" "));
  if (errors.length) throw new Error("page errors: " + errors.join("; "));
  ok("no request to another host, no script error");
} catch (e) {
  failed++;
  console.log("not ok - " + e.message);
  if (page) await page.screenshot({ path: join(out, "failure.png") }).catch(() => {});
} finally {
  clearTimeout(timer);
  await browser.close();
  close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
