// The web editor online on its GitLab backend, against a forge on loopback that answers the
// part of GitLab's REST API (v4) the editor uses: the repository's tree and files, commits,
// and pipelines. Each commit starts a pipeline that is a real `ess-site build` of the forge's
// files; its job log is the build's own output. The site is built with `[editor]` under a
// path (`/ess/`) and served as static files by the same loopback server.
//
// Checked: the editor reads the site through the forge's API for its pre-save check, and a
// save that would break the site is refused before any commit; after a valid save, the
// editor says that the site is published; when the pipeline fails (a file pushed to the
// forge by someone else is wrong), the editor says that the publication failed and why, with
// the lines of the build's log, in French. Screenshots at 375 and 1280 px go to OUT.
//
// Usage: node editor_forge.mjs PATH/TO/ess-site SITE_FOLDER OUT
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { launchBrowser, staticSite } from "./site_page.mjs";
import { existsSync, readFileSync, readdirSync, statSync, mkdirSync, writeFileSync, appendFileSync, cpSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";

const [bin, site, out] = process.argv.slice(2);
if (!bin || !site || !out) {
  console.error("usage: node editor_forge.mjs ESS_SITE_BINARY SITE_FOLDER OUT");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const now = "2026-11-23T12:00";
const timer = setTimeout(() => { console.error("test timed out"); process.exit(1); }, 300000);
const REPO = "ville/site-ess";
const PROJECT = "/api/v4/projects/" + encodeURIComponent(REPO);

// The forge's copy of the repository: the site's files, as the last commit left them.
const forge = join(out, "forge");
rmSync(forge, { recursive: true, force: true });
mkdirSync(forge, { recursive: true });
for (const part of ["site.toml", "content", "static", "templates", "themes"]) {
  if (existsSync(join(site, part))) cpSync(join(site, part), join(forge, part), { recursive: true });
}
const sha = (bytes) => createHash("sha1").update(bytes).digest("hex");
const commits = [];
const pipelines = [];
let head = sha("début");

function tree(dir, recursive) {
  const entries = [];
  const walk = (rel) => {
    const abs = join(forge, rel);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) return;
    for (const name of readdirSync(abs).sort()) {
      const r = rel ? rel + "/" + name : name;
      if (r.startsWith("public")) continue;
      const isDir = statSync(join(forge, r)).isDirectory();
      entries.push({ id: isDir ? sha(r) : sha(readFileSync(join(forge, r))), name, type: isDir ? "tree" : "blob", path: r, mode: isDir ? "040000" : "100644" });
      if (isDir && recursive) walk(r);
    }
  };
  walk(dir);
  return entries;
}

// A pipeline: the real build of the forge's files at this commit.
function pipeline(commit) {
  const p = { id: pipelines.length + 1, sha: commit, status: "running", web_url: `http://forge.invalid/${REPO}/-/pipelines/${pipelines.length + 1}`, jobs: [] };
  pipelines.push(p);
  const job = { id: 100 + p.id, name: "pages", stage: "deploy", status: "running", web_url: `http://forge.invalid/${REPO}/-/jobs/${100 + p.id}`, trace: "$ ess-site build\n" };
  p.jobs.push(job);
  const run = spawn(bin, ["build", "--now", now, "--output", "public-ci"], { cwd: forge });
  run.stdout.on("data", (d) => { job.trace += d; });
  run.stderr.on("data", (d) => { job.trace += d; });
  run.on("exit", (code) => {
    job.status = p.status = code === 0 ? "success" : "failed";
    job.trace += code === 0 ? "Job succeeded\n" : `ERROR: Job failed: exit code ${code}\n`;
  });
}

function commit(message, actions) {
  for (const a of actions) {
    const file = join(forge, a.file_path);
    if (a.action === "delete") rmSync(file, { force: true });
    else {
      if (a.action === "move" && a.previous_path) rmSync(join(forge, a.previous_path), { force: true });
      mkdirSync(dirname(file), { recursive: true });
      if (a.content !== undefined) writeFileSync(file, a.encoding === "base64" ? Buffer.from(a.content, "base64") : a.content);
    }
  }
  head = sha(head + message + JSON.stringify(actions));
  commits.push({ id: head, message, paths: actions.map((a) => a.file_path) });
  pipeline(head);
  return head;
}

const publicDir = join(site, "public");
const unknown = [];
function api(req, res, url, body) {
  const json = (v, status = 200, headers = {}) => { res.writeHead(status, { "content-type": "application/json", ...headers }); res.end(JSON.stringify(v)); };
  const p = url.pathname;
  const q = url.searchParams;
  if (p === "/api/v4/user") return json({ id: 1, name: "Service communication", username: "communication", avatar_url: "" });
  if (p === PROJECT) return json({ id: 7, path_with_namespace: REPO, default_branch: "main", permissions: { project_access: { access_level: 40 } } });
  if (p === PROJECT + "/repository/tree") {
    const list = tree(q.get("path") || "", q.get("recursive") === "true");
    return json(req.method === "HEAD" ? undefined : list, 200, { "X-Page": "1", "X-Total-Pages": "1", "X-Per-Page": String(Math.max(list.length, 1)), "X-Total": String(list.length) });
  }
  let m = /^\/api\/v4\/projects\/[^/]+\/repository\/files\/([^/]+)(\/raw)?$/.exec(req.url.split("?")[0]);
  if (m) {
    const rel = decodeURIComponent(decodeURIComponent(m[1]));
    const file = join(forge, rel);
    if (!existsSync(file)) return json({ message: "404 File Not Found" }, 404);
    if (m[2]) { res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }); res.end(readFileSync(file)); return; }
    return json({ file_path: rel, blob_id: sha(readFileSync(file)), last_commit_id: head });
  }
  if (p === PROJECT + "/repository/commits" && req.method === "POST") {
    const c = JSON.parse(body);
    return json({ id: commit(c.commit_message, c.actions), message: c.commit_message }, 201);
  }
  if (p === PROJECT + "/repository/commits") return json([{ id: head, author_name: "Service communication", authored_date: "2026-11-23T11:00:00Z" }]);
  if (p === PROJECT + "/repository/branches/main") return json({ name: "main", commit: { id: head }, developers_can_push: true, developers_can_merge: true });
  if (p === PROJECT + "/pipelines") {
    const list = pipelines.filter((x) => !q.get("sha") || x.sha === q.get("sha")).reverse();
    return json(list.map(({ jobs, ...x }) => x));
  }
  m = /\/pipelines\/(\d+)\/jobs$/.exec(p);
  if (m) {
    const x = pipelines.find((y) => y.id === Number(m[1]));
    const scope = q.get("scope") || q.get("scope[]");
    return json((x ? x.jobs : []).filter((j) => !scope || j.status === scope).map(({ trace, ...j }) => j));
  }
  m = /\/jobs\/(\d+)\/trace$/.exec(p);
  if (m) {
    const job = pipelines.flatMap((x) => x.jobs).find((j) => j.id === Number(m[1]));
    res.writeHead(job ? 200 : 404, { "content-type": "text/plain; charset=utf-8" });
    res.end(job ? job.trace : "");
    return;
  }
  unknown.push(req.method + " " + req.url);
  return json({ message: "404 Not Found" }, 404);
}

const { origin, base, close } = await staticSite(publicDir, api);

appendFileSync(join(site, "site.toml"), `\n[editor]\nbackend = "gitlab"\nrepo = "${REPO}"\napp_id = "0123456789abcdef"\nbase_url = "${origin}"\n`);
const build = spawnSync(bin, ["build", "--now", now, "--base-url", base], { cwd: site, encoding: "utf8" });
if (build.status !== 0) { console.error(build.stderr); process.exit(1); }

const browser = await launchBrowser();
let passed = 0;
let failed = 0;
let page = null;
const ok = (what) => { passed++; console.log("ok - " + what); };

try {
  if (!readFileSync(join(publicDir, "admin/index.html"), "utf8").includes("data-verification=")) {
    throw new Error("this ess-site has no pre-save check built in: run `bash tools/editor-check.sh`, then build it again");
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Logged in to the forge already (its token kept by the editor, as after the OAuth login).
  await context.addInitScript(() => {
    if (location.protocol === "http:") localStorage.setItem("decap-cms-user", JSON.stringify({ token: "jeton-de-test", backendName: "gitlab" }));
  });
  page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  if (process.env.VERBOSE) page.on("console", (m) => console.log("# console: " + m.text().slice(0, 300)));

  const field = (name) => page.locator(`[id^="${name}-field-"]`).first();
  const open = async (path, ready = "title") => {
    await page.goto("about:blank");
    await page.goto(base + "admin/" + path);
    await field(ready).waitFor({ timeout: 30000 });
  };
  const publish = async () => {
    await page.getByRole("button", { name: "Publier" }).click();
    await page.getByText("Publier maintenant").click();
  };
  const publication = page.locator("#ess-publication");
  const said = async (words, ms = 60000) => {
    const deadline = Date.now() + ms;
    let text = "";
    while (Date.now() < deadline) {
      text = (await publication.count()) ? await publication.innerText() : "";
      if (text.includes(words)) return text;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the editor does not say « ${words} »; it says:\n${text}`);
  };

  // A save that breaks the site: refused in the page, no commit.
  await open("#/collections/acteurs/entries/comptoir-de-l-innovation");
  await field("aliases").fill("/acteurs/amap-de-sceaux/");
  await publish();
  const refusal = page.locator("#ess-refus");
  await refusal.waitFor({ timeout: 30000 });
  const refused = await refusal.innerText();
  if (!refused.includes("champ « Anciennes adresses »")) throw new Error("the refusal:\n" + refused);
  if (commits.length) throw new Error("a refused save was committed: " + JSON.stringify(commits));
  ok("on GitLab, a save that would break the site is refused in the page after reading the site through the forge's API, no commit");

  // A valid save: committed, built by the pipeline, said published.
  await open("#/collections/acteurs/entries/comptoir-de-l-innovation", "summary");
  await field("summary").fill("Accompagne et finance les entreprises sociales du territoire.");
  await publish();
  await said("Publication du site en cours", 30000);
  await said("Site publié", 120000);
  if (commits.length !== 1 || !commits[0].paths.includes("content/acteurs/comptoir-de-l-innovation.md")) throw new Error("the commits: " + JSON.stringify(commits));
  if (!readFileSync(join(forge, "content/acteurs/comptoir-de-l-innovation.md"), "utf8").includes("Accompagne et finance")) throw new Error("the commit did not change the file");
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const box = await publication.boundingBox();
    if (!box || box.x < 0 || box.x + box.width > width + 1) throw new Error(`the publication's state runs off a ${width} px screen`);
    await page.screenshot({ path: join(out, `editor-published-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  ok("after a valid save, the editor follows the forge's pipeline and says the site is published");

  // Someone pushes a wrong file to the forge; the team's next valid save is committed, and
  // the pipeline fails on the other file: the editor says so, with the build's own lines.
  writeFileSync(join(forge, "content/acteurs/poussee-par-git.md"), "---\ntitle: Poussée par git\nlegal_form: inconnue\n---\n\nTexte.\n");
  head = sha(head + "poussée");
  await open("#/collections/acteurs/entries/amap-de-sceaux", "summary");
  await field("summary").fill("Des paniers de légumes de saison, chaque semaine, en circuit court.");
  await publish();
  const failure = await said("La publication a échoué", 120000);
  for (const words of ["content/acteurs/poussee-par-git.md, ligne 3", "valeur inconnue « inconnue »", "aide : valeurs possibles", "Voir le journal de la publication"]) {
    if (!failure.includes(words)) throw new Error(`the failure does not say « ${words} »:\n${failure}`);
  }
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const box = await publication.boundingBox();
    if (!box || box.x < 0 || box.x + box.width > width + 1) throw new Error(`the failure runs off a ${width} px screen`);
    await page.screenshot({ path: join(out, `editor-publication-failed-${width}.png`) });
  }
  ok("when the pipeline fails, the editor says the publication failed and why, in the build's words");

  if (process.env.VERBOSE && unknown.length) console.log("# requests the forge did not know: " + unknown.join(" | "));
  if (errors.length) throw new Error("page errors: " + errors.join("; "));
  ok("no script error");
} catch (e) {
  failed++;
  console.log("not ok - " + e.message);
  if (unknown.length) console.log("# requests the forge did not know: " + unknown.join(" | "));
  if (page) await page.screenshot({ path: join(out, "failure.png") }).catch(() => {});
} finally {
  clearTimeout(timer);
  await browser.close();
  close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
