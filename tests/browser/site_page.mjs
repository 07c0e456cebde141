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
