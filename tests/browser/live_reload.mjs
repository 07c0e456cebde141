// End-to-end test in Debian's headless Chromium: open a page served by `ess-site serve`, edit
// its Markdown, and see the new text appear without a manual reload; then a broken edit shows
// the error overlay, and fixing it removes the overlay.
//
// Usage: node live_reload.mjs PATH/TO/ess-site SITE_FOLDER
import { launchBrowser, startServe } from "./site_page.mjs";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [bin, site] = process.argv.slice(2);
if (!bin || !site) {
  console.error("usage: node live_reload.mjs ESS_SITE_BINARY SITE_FOLDER");
  process.exit(2);
}

const timer = setTimeout(() => { console.error("test timed out"); process.exit(1); }, 60000);
const { url, stop } = await startServe(bin, ["serve", "--now", "2026-11-23T12:00"], site);

const browser = await launchBrowser();
let failed = false;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url + "acteurs/amap-de-sceaux/");
  await page.getByText("Ce circuit court").first().waitFor();

  const file = join(site, "content/acteurs/amap-de-sceaux.md");
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.replace("Ce circuit court", "Ce circuit court et vivant"));
  await page.getByText("Ce circuit court et vivant").waitFor({ timeout: 10000 });
  console.log("ok - the edited text appears without a manual reload");

  writeFileSync(file, "---\ntitle: AMAP\ntitel: faute\n---\n");
  await page.locator("#ess-overlay").waitFor({ timeout: 10000 });
  const overlay = await page.locator("#ess-overlay").innerText();
  if (!overlay.includes("clé inconnue « titel »")) throw new Error("overlay without the error: " + overlay);
  console.log("ok - a broken edit shows the error overlay");
  // Opaque, and its source lines scroll rather than wrap (the caret under its column), on a
  // narrow window too.
  await page.setViewportSize({ width: 375, height: 700 });
  const look = await page.evaluate(() => {
    const o = document.getElementById("ess-overlay");
    const pre = o.querySelector("pre");
    return { background: getComputedStyle(o).backgroundColor, wrap: getComputedStyle(pre).whiteSpace, scrolls: getComputedStyle(pre).overflowX };
  });
  if (look.background !== "rgb(22, 22, 22)" || look.wrap !== "pre" || look.scrolls !== "auto") throw new Error("overlay's look: " + JSON.stringify(look));
  console.log("ok - the overlay is opaque and its source lines do not wrap");

  writeFileSync(file, original.replace("Ce circuit court", "Ce circuit réparé"));
  await page.getByText("Ce circuit réparé").waitFor({ timeout: 10000 });
  if (await page.locator("#ess-overlay").count() !== 0) throw new Error("overlay still shown");
  console.log("ok - fixing it removes the overlay and reloads");
  if (errors.length) throw new Error("page errors: " + errors.join("; "));
} catch (e) {
  failed = true;
  console.error("not ok - " + e.message);
} finally {
  await browser.close();
  clearTimeout(timer);
  stop();
}
console.log(failed ? "0 passed, 1 failed" : "1 passed, 0 failed");
process.exit(failed ? 1 : 0);
