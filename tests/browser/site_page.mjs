// What the browser suites share: Debian's Chromium launched the same way, `ess-site serve` on
// loopback, and a page whose map tiles are answered locally.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, extname, normalize } from "node:path";
import { chromium } from "playwright-core";

// Debian's Chromium, headless, as every browser suite launches it.
export function launchBrowser() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// `ess-site serve` on a free loopback port (`args` after the binary, `cwd` its folder), stopped
// when the test exits: its address (ending with "/") once it says where it listens.
export async function startServe(bin, args, cwd) {
  const server = spawn(bin, [...args, "--port", "0"], { cwd, stdio: ["ignore", "pipe", "inherit"] });
  process.on("exit", () => server.kill());
  const url = await new Promise((resolve, reject) => {
    server.stdout.on("data", (d) => {
      const m = String(d).match(/http:\/\/[^ ]+/);
      if (m) resolve(m[0]);
    });
    server.on("exit", (code) => reject(new Error("serve exited with " + code)));
  });
  return { url, stop: () => server.kill() };
}

// A browser page for the site served at `base`, as the browser suites open it: the map tiles
// (the one third party a page may ask for, at view time) are answered here with a blank tile,
// so no test needs the network; any other request that leaves the site is recorded in
// `foreign`. Only the tiles are intercepted: the site's own requests go to it untouched.
export const TILES = "https://tile.openstreetmap.org/";
const TILE = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

export async function sitePage(browser, base, options = {}) {
  const context = await browser.newContext(options);
  await context.route(TILES + "**", (route) => route.fulfill({ status: 200, contentType: "image/png", body: TILE }));
  const page = await context.newPage();
  const foreign = [];
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith(TILES) && !url.startsWith("data:")) foreign.push(url);
  });
  return { context, page, foreign };
}

// A plain static server of the folder `dir` under `/ess/` on loopback, as any web host serves
// a site's files (no server of ours); `api(req, res, url, body)` answers the other paths when
// given (a forge). Its requests' paths are kept in `requests`.
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".yml": "text/yaml; charset=utf-8", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".json": "application/json" };
export async function staticSite(dir, api = null) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      const url = new URL(req.url, "http://x");
      const path = decodeURIComponent(url.pathname);
      requests.push(path);
      if (!path.startsWith("/ess/")) {
        if (api) return api(req, res, url, body);
        res.writeHead(404); res.end(); return;
      }
      let file = normalize(join(dir, path.slice("/ess/".length)));
      if (!file.startsWith(dir)) { res.writeHead(403); res.end(); return; }
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
      if (!existsSync(file)) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
      res.end(readFileSync(file));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, base: origin + "/ess/", requests, close: () => server.close() };
}

// Runs a browser suite: `body(ok)` calls `ok(what)` for each thing it checked and throws at the
// first that fails; then `cleanup()`, the summary line the Rust tests read, and the exit code.
export async function suite(body, cleanup) {
  let passed = 0;
  let failed = 0;
  const ok = (what) => { passed++; console.log("ok - " + what); };
  try {
    await body(ok);
  } catch (e) {
    failed++;
    console.log("not ok - " + e.message);
  } finally {
    await cleanup();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
