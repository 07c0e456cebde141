// No script the site's authors did not write runs in a reader's browser: the pictures and the
// settings of a hostile site, opened in Debian's headless Chromium. Each payload, if it ran,
// would set `window.__pwned` (or open a dialog); the test opens each published SVG as a page
// and clicks it everywhere, and the pages that show the map's attribution, and asserts nothing
// ran.
//
// Usage: node hostile.mjs PATH/TO/ess-site SITE_FOLDER SVG_NAMES(comma-separated) PAGES(comma-separated)
import { launchBrowser, startServe, sitePage } from "./site_page.mjs";

const [bin, site, svgs, pages] = process.argv.slice(2);
if (!bin || !site || svgs === undefined || pages === undefined) {
  console.error("usage: node hostile.mjs ESS_SITE_BINARY SITE_FOLDER SVG_NAMES PAGES");
  process.exit(2);
}
const timer = setTimeout(() => { console.error("test timed out"); process.exit(1); }, 120000);
const { url, stop } = await startServe(bin, ["serve", "--now", "2026-11-23T12:00"], site);
const browser = await launchBrowser();
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log("FAIL " + what); } };
try {
  const targets = [
    ...svgs.split(",").filter(Boolean).map((n) => "images/" + n),
    ...pages.split(",").filter(Boolean),
  ];
  for (const target of targets) {
    const { context, page } = await sitePage(browser, url);
    let dialog = false;
    page.on("dialog", async (d) => { dialog = true; await d.dismiss(); });
    await page.goto(url + target);
    // A page with a map: once the map has drawn its attribution.
    await page.locator(".leaflet-control-attribution").first().waitFor({ timeout: 5000 }).catch(() => {});
    await page.waitForTimeout(300);
    // Clicks over the whole viewport: an animated link would have its hostile address by now.
    for (const [x, y] of [[5, 5], [20, 20], [50, 50], [100, 60], [200, 100], [400, 300], [640, 400]]) {
      await page.mouse.click(x, y).catch(() => {});
      await page.waitForTimeout(60);
    }
    await page.waitForTimeout(300);
    const pwned = await page.evaluate(() => window.__pwned ?? localStorage.getItem("pwned") ?? undefined).catch(() => undefined);
    const stored = await (async () => {
      const p = await context.newPage();
      await p.goto(url);
      const v = await p.evaluate(() => localStorage.getItem("pwned"));
      await p.close();
      return v;
    })();
    const topUrl = page.url();
    check(pwned === undefined && stored === null && !dialog && !topUrl.startsWith("javascript:"), `${target}: script ran (mark ${pwned}, stored ${stored}, dialog ${dialog}, ${topUrl})`);
    await context.close();
  }
} finally {
  await browser.close();
  stop();
  clearTimeout(timer);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
