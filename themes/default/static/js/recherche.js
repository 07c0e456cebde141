// The search page (/recherche/): searches the Pagefind index the build wrote in /pagefind/,
// a chunk at a time, with filters by kind, domain, legal form and stage. The query and the
// filters are kept in the address (?q=…&type=Acteur), so a search can be shared.
const form = document.getElementById("recherche");
const input = document.getElementById("r-q");
const filterBox = document.getElementById("r-filtres");
const filterFold = document.getElementById("r-filtrer");
const activeCount = document.getElementById("r-actifs");
const status = document.getElementById("r-statut");
const list = document.getElementById("r-resultats");
const more = document.getElementById("r-plus");
const help = document.getElementById("r-aide");
const PAGE = 10;

// "type=Type de contenu|domaine=Domaine d'action|…", in the order the page shows them.
const FILTERS = filterBox.dataset.labels
  .split("|")
  .map((pair) => pair.split("="))
  .filter((p) => p.length === 2);

// A number as the pages write it (« 1 234 », a narrow space between the thousands).
const plural = (n, one, many) => `${n.toLocaleString("fr-FR")}\u00a0${n > 1 ? many : one}`;

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// The index holds the records' words as written; shown, an apostrophe after a letter is the
// French one (« l’ESS »), as on the pages.
const apostrophes = (s) => s.replace(/(\p{L})'/gu, "$1\u2019");

// Pagefind's excerpts mark the words found with <mark>; the rest is text. Built with text
// nodes only, so nothing in a record can become markup.
function excerpt(html) {
  const p = el("p", "search-excerpt");
  const decode = (s) =>
    apostrophes(s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m, e) =>
      ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" })[e]
    ));
  let marked = false;
  for (const part of html.split(/(<\/?mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) p.appendChild(marked ? el("mark", null, decode(part)) : document.createTextNode(decode(part)));
  }
  return p;
}

// The site's root: "/", or the path a site hosted under one has ("/ess/"); this script is in
// its js/ folder. The index gives its pages' site paths: Pagefind puts them under it.
const base = new URL("..", import.meta.url).pathname;
let pagefind;
try {
  pagefind = await import(base + "pagefind/pagefind.js");
  await pagefind.options({ excerptLength: 24, baseUrl: base });
  pagefind.init();
} catch (e) {
  status.textContent = "La recherche est momentanément indisponible.";
  throw e;
}

// The filters, with the number of pages each value has; after a search, the number of its
// results each value has (a value none of them has is hidden, unless it is checked).
const available = await pagefind.filters();
const counted = []; // [key, value, label element, paragraph]
for (const [key, label] of FILTERS) {
  const values = Object.entries(available[key] || {}).sort((a, b) => a[0].localeCompare(b[0], "fr"));
  if (!values.length) continue;
  const fieldset = el("fieldset", "search-filter");
  fieldset.appendChild(el("legend", null, label));
  values.forEach(([value, count], i) => {
    const id = `r-${key}-${i}`;
    const p = el("p", "check");
    const box = el("input");
    box.type = "checkbox";
    box.name = key;
    box.value = value;
    box.id = id;
    const lab = el("label", null, `${value} (${count})`);
    lab.htmlFor = id;
    p.append(box, lab);
    counted.push([key, value, lab, p, box]);
    fieldset.appendChild(p);
  });
  filterBox.appendChild(fieldset);
}
// Folded behind one control, so that the results come first on a phone; open on a wide screen.
// Shown with the first results, their counts written: nothing on the page moves after.
filterFold.open = window.matchMedia("(min-width: 48em)").matches;
const showFilters = () => { filterFold.hidden = counted.length === 0; };

// `counts`: of the results; `unfiltered`: of the results without the filters, for the groups
// where a value is checked (another value of the same group widens the results).
function showCounts(counts, unfiltered = counts) {
  const checkedKeys = new Set(counted.filter((c) => c[4].checked).map((c) => c[0]));
  for (const [key, value, lab, p, box] of counted) {
    const n = ((checkedKeys.has(key) ? unfiltered : counts)[key] || {})[value] || 0;
    lab.textContent = `${value} (${n})`;
    p.hidden = n === 0 && !box.checked;
  }
  for (const fieldset of filterBox.querySelectorAll("fieldset")) {
    fieldset.hidden = [...fieldset.querySelectorAll("p.check")].every((p) => p.hidden);
  }
  const active = counted.filter((c) => c[4].checked).length;
  activeCount.textContent = active ? `(${plural(active, "filtre actif", "filtres actifs")})` : "";
}

function state() {
  const filters = {};
  for (const [key] of FILTERS) {
    const checked = [...form.querySelectorAll(`input[name="${key}"]:checked`)].map((b) => b.value);
    if (checked.length) filters[key] = { any: checked };
  }
  return { q: input.value.trim(), filters };
}

function remember({ q, filters }) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  for (const [key, f] of Object.entries(filters)) f.any.forEach((v) => params.append(key, v));
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? `?${query}` : ""));
}

let results = [];
let shown = 0;
let run = 0;

// Said when part of the index cannot be loaded: the site was published again while the page
// was open (the index's files change names), or the connection dropped.
const RELOAD = "Une partie des résultats n’a pas pu être chargée : rechargez la page.";

// `focusNew`: when asked for by the « afficher plus » button, the keyboard focus goes to the
// first result added, so it is not lost when the button goes after the last batch.
async function showMore(focusNew = false) {
  const batch = results.slice(shown, shown + PAGE);
  const settled = await Promise.allSettled(batch.map(dataOf));
  const data = settled.filter((s) => s.status === "fulfilled").map((s) => s.value);
  if (data.length < settled.length && !status.textContent.includes(RELOAD)) {
    status.textContent = `${status.textContent} ${RELOAD}`;
  }
  let first = null;
  for (const d of data) {
    const li = el("li", "search-result");
    const kind = d.filters && d.filters.type ? d.filters.type[0] : "";
    if (kind) li.appendChild(el("p", "card-kind", kind));
    const h = el("h2", "search-title");
    const a = el("a", null, apostrophes((d.meta && d.meta.title) || d.url));
    a.href = d.url;
    first = first || a;
    h.appendChild(a);
    li.appendChild(h);
    li.appendChild(excerpt(d.excerpt || ""));
    list.appendChild(li);
  }
  shown += batch.length;
  more.hidden = shown >= results.length;
  if (focusNew && first) first.focus();
}

// Pagefind also finds the pages of a shorter start of a word of the query (« recyclerie »
// finds « récit », « récit » finds « reconnaître »), ranked after the pages that hold it: such
// results are not what was asked. A word of the query matches a page's word when the page's
// word starts with it, give or take an ending (« coopératives » finds « coopérative », as
// Pagefind's French stemming does). The first CHECKED results are checked (their data is
// loaded once, and shown from there); those after them are Pagefind's.
const CHECKED = 100;
const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
const words = (s) => fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
function stem(word) {
  const letters = [...word];
  return letters.slice(0, Math.max(Math.min(letters.length, 4), letters.length - 3)).join("");
}
const loaded = new WeakMap();
function dataOf(result) {
  if (!loaded.has(result)) loaded.set(result, result.data());
  return loaded.get(result);
}
async function asked(q, found) {
  const stems = words(q).filter((w) => [...w].length >= 3).map(stem);
  if (!stems.length) return found;
  const checked = found.slice(0, CHECKED);
  const data = await Promise.all(checked.map((r) => dataOf(r).catch(() => null)));
  const kept = checked.filter((r, i) => {
    const d = data[i];
    if (!d) return true;
    // Its title, its text and the words that describe it (its domains, its kind: « mots »).
    const meta = d.meta || {};
    const page = words(`${meta.title || ""} ${meta.mots || ""} ${d.content || ""}`);
    return stems.every((s) => page.some((p) => p.startsWith(s)));
  });
  return kept.concat(found.slice(CHECKED));
}

async function search() {
  const s = state();
  remember(s);
  const mine = ++run;
  const hasFilters = Object.keys(s.filters).length > 0;
  if (!s.q && !hasFilters) {
    list.replaceChildren();
    more.hidden = true;
    help.hidden = true;
    status.textContent = "";
    showCounts(available);
    showFilters();
    return;
  }
  let found;
  try {
    found = await pagefind.search(s.q || null, { filters: s.filters });
  } catch {
    if (mine === run) status.textContent = RELOAD;
    showFilters();
    return;
  }
  if (mine !== run || !found) return;
  const kept = s.q ? await asked(s.q, found.results) : found.results;
  if (mine !== run) return;
  const none = kept.length === 0;
  // The filters count the results kept: Pagefind's counts when it kept them all, else theirs.
  let counts = found.filters || {};
  if (kept.length < found.results.length && found.results.length <= CHECKED) {
    counts = {};
    for (const d of await Promise.all(kept.map((r) => dataOf(r).catch(() => null)))) {
      for (const [key, values] of Object.entries((d && d.filters) || {})) {
        for (const v of values) {
          counts[key] = counts[key] || {};
          counts[key][v] = (counts[key][v] || 0) + 1;
        }
      }
    }
    if (mine !== run) return;
  }
  // The first results' data before anything is written: the counts, the status and the
  // results then show in one go.
  await Promise.allSettled(kept.slice(0, PAGE).map(dataOf));
  if (mine !== run) return;
  showCounts(counts, none ? {} : found.totalFilters || counts);
  showFilters();
  results = kept;
  help.hidden = !none;
  shown = 0;
  list.replaceChildren();
  const what = s.q ? ` pour «\u00a0${s.q}\u00a0»` : "";
  status.textContent = results.length
    ? `${plural(results.length, "résultat", "résultats")}${what}`
    : `Aucun résultat${what}. Essayez d’autres mots, ou retirez des filtres.`;
  await showMore();
}

// The address's query and filters, then every change.
const params = new URLSearchParams(location.search);
input.value = params.get("q") || "";
for (const [key] of FILTERS) {
  for (const v of params.getAll(key)) {
    for (const box of form.querySelectorAll(`input[name="${key}"]`)) if (box.value === v) box.checked = true;
  }
}
let timer;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(search, 200);
});
form.addEventListener("change", (e) => {
  if (e.target.type === "checkbox") search();
});
form.addEventListener("submit", (e) => {
  e.preventDefault();
  search();
});
more.querySelector("button").addEventListener("click", () => showMore(true));
search();
