import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
const [bin, site, useRoute] = process.argv.slice(2);
const server = spawn(bin, ["-s", site, "serve", "--port", "0", "--now", "2026-11-23T12:00"], { stdio: ["ignore", "pipe", "ignore"] });
const base = await new Promise((resolve) => server.stdout.on("data", (d) => { const m = String(d).match(/http:\/\/[^ ]+/); if (m) resolve(m[0].replace(/\/$/, "")); }));
for (let i = 0; i < 600; i++) { const r = await fetch(base + "/pagefind/pagefind-entry.json").catch(() => null); if (r && r.status === 200) break; await new Promise((ok) => setTimeout(ok, 100)); }
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const context = await browser.newContext();
if (useRoute === "1") await context.route((url) => !url.href.startsWith(base), (route) => route.abort());
const page = await context.newPage();
const pending = new Map();
page.on("request", (r) => pending.set(r, r.url()));
page.on("requestfinished", (r) => pending.delete(r));
page.on("requestfailed", (r) => pending.delete(r));
const pages = ["/", "/acteurs/", "/acteurs/domaines/", "/acteurs/domaines/agriculture/", "/acteurs/formes/association/", "/acteurs/etapes/informer/", "/acteurs/amap-de-sceaux/", "/porteur-de-projet/", "/forum/", "/forum/2016/", "/conferences/", "/agenda/", "/magazine/", "/ressources/", "/chiffres-cles/", "/a-propos/", "/accessibilite/", "/carte/", "/404.html"];
for (const p of pages) { for (const w of [1280, 375]) { await page.setViewportSize({ width: w, height: 800 }); await page.goto(base + p); } }
const t = Date.now();
await page.goto(base + "/recherche/?q=ESS");
const ok = await page.waitForSelector("#r-resultats li", { timeout: 20000 }).then(() => true).catch(() => false);
console.log(useRoute, ok, Date.now() - t, [...pending.values()].map((u) => u.replace(base, "")).join(" "));
await browser.close(); server.kill();
