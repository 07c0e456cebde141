// « Ouvert en ce moment » on an actor's page, in Chromium at fixed moments of the reader's
// clock: the example site built under /ess/ and served as static files; the town hall's
// hours (`Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off`) read on a Monday morning, at
// lunch, on a Saturday afternoon and on Christmas Day (a Friday, a public holiday), each time
// in Paris whatever the machine's time zone. Screenshots at 375 and 1280 px go to OUT.
//
// Usage: node hours.mjs PATH/TO/ess-site SITE_FOLDER OUT
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchBrowser, staticSite, suite } from "./site_page.mjs";

const [bin, site, out] = process.argv.slice(2);
if (!bin || !site || !out) {
  console.error("usage: node hours.mjs ESS_SITE_BINARY SITE_FOLDER OUT");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const timer = setTimeout(() => { console.error("test timed out"); process.exit(1); }, 120000);
const { base, close } = await staticSite(join(site, "public"));
const build = spawnSync(bin, ["build", "--now", "2026-11-23", "--base-url", base], { cwd: site, encoding: "utf8" });
if (build.status !== 0) { console.error(build.stderr); process.exit(1); }

const browser = await launchBrowser();

// (moment with its offset, what the page says)
const moments = [
  ["2026-11-23T10:00:00+01:00", "Ouvert en ce moment, jusqu’à midi"],
  ["2026-11-23T12:30:00+01:00", "Fermé en ce moment : ouvre aujourd’hui à 13 h 30"],
  ["2026-11-28T15:00:00+01:00", "Fermé en ce moment : ouvre lundi à 8 h 30"],
  ["2026-12-25T10:00:00+01:00", "Fermé en ce moment : ouvre demain à 9 h"],
  ["2026-07-14T09:00:00+02:00", "Fermé en ce moment : ouvre demain à 8 h 30"],
];
await suite(async (ok) => {
  for (const [moment, expected] of moments) {
    // A reader in another time zone: the hours are the place's, in Paris.
    const context = await browser.newContext({ timezoneId: "America/New_York", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.clock.setFixedTime(new Date(moment));
    await page.goto(base + "acteurs/ville-de-sceaux/");
    const line = page.locator("#horaires-maintenant");
    // The line is on the page from the start, empty: its script writes it.
    await page.waitForFunction(() => document.getElementById("horaires-maintenant")?.textContent.trim(), null, { timeout: 10000 });
    const said = (await line.innerText()).trim();
    if (said !== expected) throw new Error(`at ${moment} the page says « ${said} », not « ${expected} »`);
    ok(`at ${moment}: « ${said} »`);
    if (moment === moments[0][0]) {
      // Non-breaking spaces keep a time and its range together: compared as spaces.
      const rows = (await page.locator("table.hours tr").allInnerTexts()).map((r) => r.replace(/[\u00a0\u202f]/g, " "));
      if (!rows[0].includes("Du lundi au vendredi") || !rows[0].includes("de 8 h 30 à midi et de 13 h 30 à 17 h 30")) throw new Error("the table: " + rows.join(" | "));
      if (!rows.some((r) => r.includes("Jours fériés") && r.includes("fermé"))) throw new Error("no public holidays row: " + rows.join(" | "));
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.locator("table.hours").scrollIntoViewIfNeeded();
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        if (wide > width) throw new Error(`the page is ${wide} px wide on a ${width} px screen`);
        await page.screenshot({ path: join(out, `hours-${width}.png`) });
      }
      ok("the week reads as a French table, public holidays included, on a phone and a desktop");
    }
    await context.close();
  }
}, async () => {
  clearTimeout(timer);
  await browser.close();
  close();
});
