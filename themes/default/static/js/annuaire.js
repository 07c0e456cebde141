// The actors directory's filters (/acteurs/), the map of the actors (/carte/) and an actor's
// own map. Progressive enhancement: without this script the pages are complete lists with
// links to the taxonomy pages, and every address is written out.
(function () {
  "use strict";

  var FILTERS = ["q", "domaine", "statut", "etape", "etat"];

  // This script is also the filters' worker (`comparer`), started by the page from its own
  // address: there is no document there.
  if (typeof document === "undefined") {
    comparer();
    return;
  }
  var SCRIPT = document.currentScript.src;

  // The site's root: "/", or the path a site hosted under one has ("/ess/"); this script is
  // in its js/ folder.
  var BASE = new URL("..", SCRIPT).pathname;

  // Lower case, without accents, one apostrophe: « Coopérative » matches « cooperative », and
  // « l’atelier » (a phone's keyboard) matches « L'Atelier ».
  function fold(s) {
    return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\u2019\u02bc]/g, "'").toLowerCase();
  }

  // The open data hold the records' words as written; shown, an apostrophe after a letter is
  // the French one (« L’Atelier »), as on the pages.
  function apostrophes(s) {
    return s.replace(/(\p{L})'/gu, "$1\u2019");
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = apostrophes(String(text));
    return e;
  }

  // The labels of a select's options, by value.
  function labels(select) {
    var out = {};
    if (!select) return out;
    Array.prototype.forEach.call(select.options, function (o) {
      if (o.value) out[o.value] = o.textContent;
    });
    return out;
  }

  // A number as the pages write it (« 44 662 », a narrow space between the thousands).
  function count(n) {
    return n.toLocaleString("fr-FR");
  }

  function plural(n, one, many) {
    return count(n) + "\u00a0" + (n > 1 ? many : one);
  }

  // The filter form: reads and writes its state, and the page's address.
  function Filters(form, onChange) {
    this.form = form;
    var self = this;
    var params = new URLSearchParams(window.location.search);
    FILTERS.forEach(function (name) {
      var field = form.elements[name];
      var value = params.get(name);
      if (field && value !== null) field.value = value;
    });
    var timer = null;
    form.addEventListener("input", function (e) {
      clearTimeout(timer);
      timer = setTimeout(onChange, e.target.type === "search" ? 150 : 0);
    });
    form.addEventListener("change", onChange);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      onChange();
    });
    form.addEventListener("reset", function () {
      setTimeout(onChange, 0);
    });
    this.labels = {
      domaine: labels(form.elements.domaine),
      statut: labels(form.elements.statut),
      etape: labels(form.elements.etape),
    };
    this.state = function () {
      var s = {};
      FILTERS.forEach(function (name) {
        var field = self.form.elements[name];
        s[name] = field ? field.value.trim() : "";
      });
      return s;
    };
  }

  // Whether the page's own list (the actors in activity) is not what the filters ask.
  Filters.prototype.active = function (s) {
    return FILTERS.some(function (name) { return s[name] !== "" && !(name === "etat" && s[name] === "ouvert"); });
  };

  // Keeps the filters in the address, so that a filtered list can be shared; the fold's label
  // says how many of the folded ones are set.
  Filters.prototype.remember = function (s) {
    var set = FILTERS.filter(function (name) {
      return name !== "q" && s[name] !== "" && !(name === "etat" && s[name] === "ouvert");
    }).length;
    var label = document.getElementById("filtres-actifs");
    var text = set ? " (" + plural(set, "filtre choisi", "filtres choisis") + ")" : "";
    if (label && label.textContent !== text) label.textContent = text;
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      if (s[name]) params.set(name, s[name]);
    });
    var query = params.toString();
    // Only when it changes: the browser takes tens of milliseconds to rewrite the address.
    if (window.location.search === (query ? "?" + query : "")) return;
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  };

  // Whether `actor` is what the filters `s` ask; `labels`: the filters' options' labels (a
  // word of the text filter may be a domain's, a form's or a stage's).
  function matches(actor, s, labels) {
    var domains = actor.domaines ? actor.domaines.split(";") : [];
    var stages = actor.etapes ? actor.etapes.split(";") : [];
    if (s.domaine && domains.indexOf(s.domaine) < 0) return false;
    if (s.statut && actor.forme_juridique !== s.statut) return false;
    if (s.etape && stages.indexOf(s.etape) < 0) return false;
    // In activity by default (« ouvert » in older addresses); « ferme », « tous ».
    if ((s.etat === "" || s.etat === "ouvert") && actor.fermeture) return false;
    if (s.etat === "ferme" && !actor.fermeture) return false;
    if (s.q) {
      var text = fold([
        actor.nom,
        actor.adresse,
        labels.statut[actor.forme_juridique] || "",
        domains.map(function (d) { return labels.domaine[d] || d; }).join(" "),
        stages.map(function (d) { return labels.etape[d] || d; }).join(" "),
      ].join(" "));
      var words = fold(s.q).split(/\s+/).filter(Boolean);
      if (!words.every(function (w) { return text.indexOf(w) >= 0; })) return false;
    }
    return true;
  }

  // The actors as the filters read them (`url`): rows under one list of field names, each
  // made an object with the open data's names.
  function loadActors(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      var names = data.champs;
      return data.acteurs.map(function (row) {
        var actor = {};
        names.forEach(function (name, i) { actor[name] = row[i]; });
        return actor;
      });
    });
  }

  // The filters' worker: the actors' data read and compared off the page's thread, which
  // keeps answering while a directory of a hundred thousand actors loads (tens of megabytes)
  // and is filtered. Asked `load` once; then, for each question, how many actors match its
  // filters and those from `from` (the matches of the last filters kept for the next ones),
  // or all the matches' slugs.
  function comparer() {
    var actors = null;
    var labels = null;
    var last = null;
    var found = [];
    self.onmessage = function (e) {
      var m = e.data;
      if (m.load) {
        labels = m.labels;
        loadActors(m.load).then(function (data) {
          actors = data;
          self.postMessage({ loaded: true });
        }, function () {
          self.postMessage({ failed: true });
        });
        return;
      }
      var key = JSON.stringify(m.state);
      if (key !== last) {
        found = actors.filter(function (a) { return matches(a, m.state, labels); });
        last = key;
      }
      self.postMessage({
        id: m.id,
        total: found.length,
        actors: found.slice(m.from, m.from + m.count),
        slugs: m.slugs ? found.map(function (a) { return a.slug; }) : null,
      });
    };
  }

  // The page's side of the filters' worker: `load` starts it and has it read the actors'
  // data, once (again after a failure); `ask` sends it the filters.
  function Comparer(labels) {
    var worker = null;
    var loading = null;
    var asked = 0;
    var answers = {};
    this.load = function () {
      if (loading) return loading;
      loading = new Promise(function (done, failed) {
        worker = new Worker(SCRIPT);
        worker.onmessage = function (e) {
          var m = e.data;
          if (m.loaded) done();
          else if (m.failed) failed(new Error("data"));
          else if (answers[m.id]) {
            answers[m.id](m);
            delete answers[m.id];
          }
        };
        worker.onerror = function () { failed(new Error("worker")); };
        var data = new URL(BASE + "acteurs/filtres.json", window.location.href).href;
        worker.postMessage({ load: data, labels: labels });
      }).catch(function (e) {
        if (worker) worker.terminate();
        loading = null;
        throw e;
      });
      return loading;
    };
    // How many actors match `state`, and the `count` of them from `from` ({ total, actors,
    // slugs }, the slugs of them all if `slugs`).
    this.ask = function (state, from, count, slugs) {
      var id = ++asked;
      worker.postMessage({ id: id, state: state, from: from, count: count, slugs: !!slugs });
      return new Promise(function (done) { answers[id] = done; });
    };
  }

  // A function that has the actors' data loaded the first time it is called, then calls
  // `use`; `failed` when they could not be loaded (the next call tries again).
  function whenNeeded(comparer, use, failed) {
    var ready = false;
    return function () {
      if (ready) return;
      comparer.load().then(function () {
        if (ready) return;
        ready = true;
        use();
      }, failed);
    };
  }

  function actorPath(a) {
    return BASE + "acteurs/" + encodeURIComponent(a.slug) + "/";
  }

  // The open data give the site's own images at its public address: the path of such an
  // address, so that a preview or a copy of the site shows its own file.
  function sitePath(address) {
    var canonical = document.querySelector('link[rel="canonical"]');
    if (!canonical) return address;
    var origin = new URL(canonical.href).origin;
    return address.indexOf(origin + "/") === 0 ? address.slice(origin.length) : address;
  }

  // A card as the directory shows it.
  function card(a, filters) {
    var article = el("article", "card" + (a.fermeture ? " card-closed" : ""));
    if (a.logo) {
      // Decorative beside the name, as on the page's own cards.
      var picture = el("div", "card-picture card-logo");
      var img = el("img");
      img.src = sitePath(a.logo);
      // Its size from the data: its box is kept before it loads.
      if (a.logo_largeur && a.logo_hauteur) {
        img.width = a.logo_largeur;
        img.height = a.logo_hauteur;
      }
      img.alt = "";
      img.loading = "lazy";
      img.decoding = "async";
      picture.appendChild(img);
      article.appendChild(picture);
    } else {
      // Its initials where a logo would be, as on the page's own cards.
      var small = ["l", "la", "le", "les", "de", "du", "des", "d", "et", "pour", "un", "une", "au", "aux"];
      var letters = (a.nom || "").split(/[^\p{L}\p{N}]+/u).filter(function (w) {
        return w && small.indexOf(w.toLowerCase()) < 0;
      }).slice(0, 2).map(function (w) {
        return w.charAt(0).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase();
      }).join("");
      if (letters) {
        var initials = el("span", "card-initials", letters);
        initials.setAttribute("aria-hidden", "true");
        article.appendChild(initials);
      }
    }
    if (a.forme_juridique) {
      article.appendChild(el("p", "card-kind", filters.labels.statut[a.forme_juridique] || a.forme_juridique));
    }
    var h = el("h3", "card-title");
    var link = el("a", null, a.nom);
    link.href = actorPath(a);
    h.appendChild(link);
    article.appendChild(h);
    if (a.fermeture) article.appendChild(el("p", "badge badge-closed", "Structure fermée"));
    var domains = a.domaines ? a.domaines.split(";") : [];
    if (domains.length) {
      var ul = el("ul", "tags");
      ul.setAttribute("aria-label", "Thèmes");
      domains.forEach(function (d) {
        ul.appendChild(el("li", null, filters.labels.domaine[d] || d));
      });
      article.appendChild(ul);
    }
    return article;
  }

  // The directory: the page's list when no filter is set; else every matching actor.
  function directory(form) {
    var status = document.getElementById("nombre");
    var results = document.getElementById("resultats-filtres");
    var list = document.getElementById("liste");
    var pager = document.getElementById("pagination");
    var initial = status.textContent;
    var ready = false;
    var total = 0;
    var shown = 0;
    // The matching actors, a page at a time: a phone lays out 48 cards, not a thousand.
    var PAGE = 48;
    var moreBox = el("p", "more-results");
    var moreButton = el("button", "button button-secondary");
    moreButton.type = "button";
    moreBox.appendChild(moreButton);
    moreBox.hidden = true;
    results.after(moreBox);
    moreButton.addEventListener("click", function () {
      var first = shown;
      var run = generation;
      comparer.ask(filters.state(), shown, PAGE).then(function (answer) {
        if (run !== generation) return;
        show(answer.actors);
        var next = results.children[first];
        if (next) next.querySelector("a").focus();
      });
    });
    // The cards BATCH at a time, each batch laid out in a frame of its own: the first at once
    // (the keyboard's focus goes to it), each next one once the previous one is drawn (a timer
    // alone may run several batches before the browser draws, which then lays them out in one
    // long task); a list replaced meanwhile stops them.
    var BATCH = 12;
    var generation = 0;
    function show(page) {
      var run = generation;
      (function fill(from) {
        if (run !== generation) return;
        results.append.apply(results, page.slice(from, from + BATCH).map(function (a) { return card(a, filters); }));
        if (from + BATCH < page.length) afterFrame(function () { fill(from + BATCH); });
      })(0);
      shown += page.length;
      var left = total - shown;
      moreBox.hidden = left <= 0;
      moreButton.textContent = "Afficher " + (left > PAGE ? "les " + PAGE + " suivants" : left > 1 ? "les " + left + " derniers" : "le dernier");
    }
    var filters = new Filters(form, apply);
    var comparer = new Comparer(filters.labels);
    // The actors' data (what the filters compare) are asked for when a filter is set, or as
    // soon as the form is reached: a visit that does not filter never loads the directory's
    // whole data, whatever its size.
    var load = whenNeeded(comparer, function () {
      ready = true;
      apply();
    }, function () {
      status.textContent = initial + " (les filtres sont indisponibles : rechargez la page)";
    });

    function apply() {
      var s = filters.state();
      filters.remember(s);
      var run = ++generation;
      if (filters.active(s) && !ready) {
        status.textContent = "Chargement des filtres…";
        load();
        return;
      }
      if (!filters.active(s)) {
        results.hidden = true;
        moreBox.hidden = true;
        if (list) list.hidden = false;
        if (pager) pager.hidden = false;
        status.textContent = initial;
        return;
      }
      comparer.ask(s, 0, PAGE).then(function (answer) {
        if (run !== generation) return;
        total = answer.total;
        shown = 0;
        results.replaceChildren();
        show(answer.actors);
        results.hidden = false;
        if (list) list.hidden = true;
        if (pager) pager.hidden = true;
        status.textContent = total
          ? plural(total, "acteur correspond", "acteurs correspondent") + " aux filtres"
          : "Aucun acteur ne correspond aux filtres";
      });
    }

    form.addEventListener("focusin", function () { load(); });
    apply();
    form.setAttribute("data-ready", "");
  }

  function tileLayer(container) {
    return L.tileLayer(container.getAttribute("data-tiles"), {
      maxZoom: 19,
      attribution: container.getAttribute("data-attribution"),
    });
  }

  // A map; its controls are added by `withControls`, its tiles by `withTiles` once it has a
  // view: each can be a task of its own.
  function newMap(container) {
    container.hidden = false;
    return L.map(container, {
      // Tiles shown as they arrive, not faded in.
      fadeAnimation: false,
      scrollWheelZoom: false,
      zoomControl: false,
      attributionControl: false,
    });
  }

  function withControls(map) {
    L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
    // The tiles' credit written with the control, not when the tiles come: the control keeps
    // its size (Leaflet shows a credit given twice once).
    L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' })
      .addAttribution(map.getContainer().getAttribute("data-attribution") || "")
      .addTo(map);
    return map;
  }

  // A line over the map saying why it shows nothing (in a live region made empty beforehand,
  // so that it is read when it is filled); `null` empties it.
  function mapMessage(container, text) {
    var note = container.querySelector(".map-message");
    if (!note) {
      note = el("p", "map-message");
      note.setAttribute("role", "status");
      container.appendChild(note);
    }
    if (note.textContent !== (text || "")) note.textContent = text || "";
  }

  // The map's tiles; when none comes (no connection, a tile server down or slow), the map says
  // so instead of staying a grey box, until one does.
  function withTiles(map, container) {
    var layer = tileLayer(container);
    var loaded = false;
    var rest = container.hasAttribute("data-grappes")
      ? " Les repères restent utilisables, et l’annuaire donne les mêmes acteurs."
      : container.id === "carte"
        ? " Les repères restent utilisables, et la liste qui suit donne les mêmes acteurs."
        : " L’adresse est écrite sur la page.";
    mapMessage(container, null);
    layer.on("tileload", function () {
      loaded = true;
      mapMessage(container, null);
    });
    layer.on("tileerror", function () {
      if (!loaded) mapMessage(container, "Le fond de carte ne s’affiche pas : pas de connexion, ou le serveur de cartes ne répond pas." + rest);
    });
    setTimeout(function () {
      if (!loaded) mapMessage(container, "Le fond de carte tarde à venir : la connexion ou le serveur de cartes est lent." + rest);
    }, 10000);
    map.tiles = layer.addTo(map);
    return map;
  }

  // Once the map's first tiles are in (or after a second, if the tile server is slow), and the
  // page has painted them: what comes next does not delay them.
  function afterTiles(map, next) {
    var done = false;
    function go() {
      if (done) return;
      done = true;
      afterFrame(next);
    }
    map.tiles.once("load", go);
    setTimeout(go, 1000);
  }

  // Leaflet's marker, without its shadow (it has no high-density version: blurred on a phone).
  var pin = null;
  function marker(lat, lon, title) {
    if (!pin) {
      var images = BASE + "vendor/leaflet-1.9.4/images/";
      pin = L.icon({
        iconUrl: images + "marker-icon.png",
        iconRetinaUrl: images + "marker-icon-2x.png",
        iconSize: [25, 41],
        iconAnchor: [12, 41],
        popupAnchor: [1, -34],
      });
    }
    return L.marker([lat, lon], { icon: pin, title: title, alt: title, keyboard: true });
  }

  // Calls `next` in a task of its own once the browser has drawn the page as it is now (in a
  // tab not shown, once it is).
  function afterFrame(next) {
    requestAnimationFrame(function () { setTimeout(next, 0); });
  }

  // The next task: the steps of drawing a map do not make one long task of the page.
  function nextTask(value) {
    return new Promise(function (done) { setTimeout(function () { done(value); }, 0); });
  }

  // Calls `each` on the items a few milliseconds at a time, then `done`: a thousand markers
  // never hold the page.
  function inSlices(items, each, done) {
    var i = 0;
    (function slice() {
      var started = Date.now();
      while (i < items.length && Date.now() - started < 4) each(items[i++]);
      if (i < items.length) setTimeout(slice, 0);
      else done();
    })();
  }

  // What the page needs after its first paint (the markers' grouping script; its stylesheets
  // are in the page's head: added late, they would make the browser style the whole page
  // again), loaded together; `done` once each has loaded or failed.
  function loadLater(urls) {
    return Promise.all(urls.filter(Boolean).map(function (url) {
      return new Promise(function (done) {
        var node;
        if (/\.css$/.test(url)) {
          node = document.createElement("link");
          node.rel = "stylesheet";
          node.href = url;
        } else {
          node = document.createElement("script");
          node.src = url;
        }
        node.onload = done;
        node.onerror = done;
        document.head.appendChild(node);
      });
    }));
  }

  // The map of the actors, with the directory's filters; the list under it is its text
  // alternative and follows the same filters. The list holds each marker's position, name
  // and address: the map is drawn from it, and the actors' data (what the filters compare)
  // are asked for only when a filter is set.
  function actorsMap(container, form) {
    var status = document.getElementById("nombre");
    var entries = [];
    var map = newMap(container);
    var filters = null;
    var comparer = null;
    var ready = false;
    var asked = 0;
    var group = null;
    var drawing = 0;
    var drawn = null;

    // A marker's popup is made when it opens, from the list's line: the same words.
    function popup(li) {
      return function () {
        var box = el("div");
        Array.prototype.forEach.call(li.childNodes, function (n) { box.appendChild(n.cloneNode(true)); });
        return box;
      };
    }

    // The box around the map's view (« south,west,north,east »), as the page gives its first
    // one: moving the map (its tiles laid out again) is done only when the box changes.
    var box = null;
    function fit(next) {
      if (box && next.join() === box.join()) return;
      box = next;
      map.fitBounds([[next[0], next[1]], [next[2], next[3]]], { padding: [30, 30], maxZoom: 16 });
    }

    // The view of the shown positions (kept when none is shown): the markers are then grouped
    // once, at the zoom they are seen at.
    function view(shown) {
      if (!shown.length) return;
      var s = Infinity, w = Infinity, n = -Infinity, e = -Infinity;
      shown.forEach(function (x) {
        s = Math.min(s, x.lat);
        n = Math.max(n, x.lat);
        w = Math.min(w, x.lon);
        e = Math.max(e, x.lon);
      });
      fit([s, w, n, e]);
    }

    // The markers of the shown entries, made a slice at a time; the number drawn is said
    // (data-markers) once they are all on the map.
    function draw(shown) {
      var run = ++drawing;
      var markers = [];
      inSlices(shown, function (e) {
        if (!e.marker) e.marker = marker(e.lat, e.lon, e.name).bindPopup(popup(e.li));
        markers.push(e.marker);
      }, function () {
        if (run !== drawing) return;
        drawn = function () { container.setAttribute("data-markers", String(markers.length)); };
        group.clearLayers();
        if (group.addLayers && markers.length) group.addLayers(markers);
        else inSlices(markers, function (m) { group.addLayer(m); }, drawn);
      });
    }

    function apply() {
      var s = filters.state();
      filters.remember(s);
      var run = ++asked;
      if (filters.active(s) && !ready) {
        status.textContent = "Chargement des filtres…";
        load();
        return;
      }
      if (!filters.active(s)) {
        showMatched(null);
        return;
      }
      comparer.ask(s, 0, 0, true).then(function (answer) {
        if (run !== asked) return;
        var matched = {};
        answer.slugs.forEach(function (slug) { matched[slug] = true; });
        showMatched(matched);
      });
    }

    // The entries of the `matched` slugs (those in activity when null) shown, on the map and
    // in its list.
    function showMatched(matched) {
      var shown = [];
      entries.forEach(function (e) {
        var ok = matched ? matched[e.slug] === true : !e.closed;
        if (e.li.hidden === ok) e.li.hidden = !ok;
        if (ok) shown.push(e);
      });
      status.textContent = shown.length
        ? plural(shown.length, "acteur", "acteurs") + " sur la carte"
        : "Aucun acteur de la carte ne correspond aux filtres";
      view(shown);
      if (group) draw(shown);
    }

    // Made with the filters (`whenNeeded`).
    var load = null;

    // The map made; then, each in a task of its own, its controls, its first view (the actors
    // in activity), the tiles of that view; once they are shown, the list's lines and the
    // filters; then the markers' group, and the markers.
    nextTask().then(function () {
      withControls(map);
    }).then(nextTask).then(function () {
      var first = (container.getAttribute("data-vue") || "").split(",").map(parseFloat);
      if (first.length === 4 && first.every(isFinite)) fit(first);
      else map.setView([46.6, 2.4], 5);
    }).then(nextTask).then(function () {
      withTiles(map, container);
      return new Promise(function (done) { afterTiles(map, done); });
    }).then(function () {
      var lines = Array.prototype.slice.call(document.querySelectorAll("#liste-carte li[data-slug]"));
      return new Promise(function (done) {
        inSlices(lines, function (li) {
          var lat = parseFloat(li.getAttribute("data-lat"));
          var lon = parseFloat(li.getAttribute("data-lon"));
          if (isNaN(lat) || isNaN(lon)) return;
          var link = li.querySelector("a");
          entries.push({
            slug: li.getAttribute("data-slug"),
            li: li,
            lat: lat,
            lon: lon,
            name: link ? link.textContent : "",
            closed: li.hasAttribute("data-ferme"),
            marker: null,
          });
        }, done);
      });
    }).then(function () {
      filters = new Filters(form, apply);
      comparer = new Comparer(filters.labels);
      load = whenNeeded(comparer, function () {
        ready = true;
        apply();
      }, function () {
        status.textContent = "La carte n’a pas pu charger les filtres : rechargez la page";
      });
      apply();
      form.setAttribute("data-ready", "");
    }).then(nextTask).then(function () {
      return loadLater((container.getAttribute("data-cluster") || "").split(" "));
    }).then(nextTask).then(function () {
      group = L.markerClusterGroup
        ? L.markerClusterGroup({
          showCoverageOnHover: false,
          chunkedLoading: true,
          chunkInterval: 4,
          chunkDelay: 0,
          chunkProgress: function (processed, total) { if (processed === total && drawn) drawn(); },
        })
        : L.featureGroup();
      group.addTo(map);
    }).then(nextTask).then(function () {
      apply();
    });
  }

  // A large directory's map, drawn from groups made when the site was built: for each zoom
  // level, the actors in activity gathered by squares of the screen, in files of 2,048 pixels of
  // the map (grappes/{zoom}/{x}-{y}.json), whose index (grappes/{zoom}/index.json) marks the
  // files there are. The page loads only the files of what it shows, and draws only the groups
  // in view: the same few hundred markers at most, whatever the number of actors.
  function groupsMap(container) {
    var root = container.getAttribute("data-grappes");
    var zmax = parseInt(container.getAttribute("data-zmax"), 10) || 17;
    var BLOCK = 2048;
    var map = newMap(container);
    var layer = L.layerGroup();
    var files = {};
    var drawing = 0;

    function get(url) {
      if (!files[url]) {
        files[url] = fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        });
        // A failed file is asked for again the next time.
        files[url].catch(function () { delete files[url]; });
      }
      return files[url];
    }

    // Whether the level's index marks the file (bx, by): one bit per file of its box.
    function has(index, bx, by) {
      if (!index.bits) {
        var text = atob(index.fichiers || "");
        index.bits = new Uint8Array(text.length);
        for (var i = 0; i < text.length; i++) index.bits[i] = text.charCodeAt(i);
      }
      var x = bx - index.x, y = by - index.y;
      if (x < 0 || y < 0 || x >= index.largeur || y >= index.hauteur) return false;
      var n = y * index.largeur + x;
      return (index.bits[n >> 3] & (1 << (n & 7))) !== 0;
    }

    function link(slug, title) {
      var anchor = el("a", null, title);
      anchor.href = actorPath({ slug: slug });
      return anchor;
    }

    // One group: a lone actor is a pin whose popup links to its page; a group is a disc with
    // its number, which brings the map closer, or at the last level lists its actors.
    function group(g) {
      var lat = g[0], lon = g[1], n = g[2];
      if (n === 1) {
        return marker(lat, lon, g[4]).bindPopup(function () {
          var box = el("div");
          box.appendChild(link(g[3], g[4]));
          return box;
        });
      }
      var size = n < 10 ? 32 : n < 100 ? 38 : n < 1000 ? 44 : 52;
      var label = plural(n, "acteur", "acteurs") + (Array.isArray(g[3]) ? " à cet endroit" : " : zoomer ici");
      var m = L.marker([lat, lon], {
        icon: L.divIcon({ html: "", className: "map-group", iconSize: [size, size] }),
        title: label,
        keyboard: true,
      });
      m.on("add", function () {
        var icon = m.getElement();
        if (icon) {
          icon.textContent = count(n);
          icon.setAttribute("aria-label", label);
        }
      });
      if (Array.isArray(g[3])) {
        m.bindPopup(function () {
          var box = el("div");
          box.appendChild(el("p", null, plural(n, "acteur", "acteurs") + " à cet endroit :"));
          var list = el("ul", "map-group-list");
          g[3].forEach(function (a) {
            var li = el("li");
            li.appendChild(link(a[0], a[1]));
            list.appendChild(li);
          });
          box.appendChild(list);
          if (n > g[3].length) box.appendChild(el("p", null, "et " + count(n - g[3].length) + " autres, dans l’annuaire."));
          return box;
        });
      } else {
        m.on("click", function () { map.setView([lat, lon], Math.min(Math.round(map.getZoom()) + 2, zmax)); });
      }
      return m;
    }

    // The groups of the view, from its level's files.
    function draw() {
      var run = ++drawing;
      var zoom = Math.max(0, Math.min(Math.round(map.getZoom()), zmax));
      // Pixels of the map at `zoom` (the view's own zoom may be further than the last level).
      var scale = Math.pow(2, zoom - map.getZoom());
      var bounds = map.getPixelBounds();
      var x0 = Math.floor(bounds.min.x * scale / BLOCK), x1 = Math.floor(bounds.max.x * scale / BLOCK);
      var y0 = Math.floor(bounds.min.y * scale / BLOCK), y1 = Math.floor(bounds.max.y * scale / BLOCK);
      var view = map.getBounds().pad(0.25);
      get(root + zoom + "/index.json").then(function (index) {
        var wanted = [];
        for (var bx = x0; bx <= x1; bx++) {
          for (var by = y0; by <= y1; by++) {
            if (has(index, bx, by)) wanted.push(get(root + zoom + "/" + bx + "-" + by + ".json"));
          }
        }
        return Promise.all(wanted);
      }).then(function (lists) {
        if (run !== drawing) return;
        var markers = [];
        lists.forEach(function (groups) {
          groups.forEach(function (g) {
            if (view.contains([g[0], g[1]])) markers.push(group(g));
          });
        });
        layer.clearLayers();
        inSlices(markers, function (m) { if (run === drawing) layer.addLayer(m); }, function () {
          if (run === drawing) container.setAttribute("data-markers", String(markers.length));
        });
      }).catch(function () {
        if (run === drawing) mapMessage(container, "Les acteurs de la carte n’ont pas pu être chargés : rechargez la page, ou parcourez l’annuaire.");
      });
    }

    nextTask().then(function () {
      withControls(map);
    }).then(nextTask).then(function () {
      var first = (container.getAttribute("data-vue") || "").split(",").map(parseFloat);
      if (first.length === 4 && first.every(isFinite)) {
        map.fitBounds([[first[0], first[1]], [first[2], first[3]]], { padding: [30, 30], maxZoom: 16 });
      } else {
        map.setView([46.6, 2.4], 5);
      }
    }).then(nextTask).then(function () {
      withTiles(map, container);
      layer.addTo(map);
      return new Promise(function (done) { afterTiles(map, done); });
    }).then(function () {
      map.on("moveend", draw);
      draw();
    });
  }

  // An actor's own position.
  function actorMap(container) {
    var lat = parseFloat(container.getAttribute("data-lat"));
    var lon = parseFloat(container.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) return;
    var map = withControls(newMap(container));
    map.setView([lat, lon], 16);
    withTiles(map, container);
    marker(lat, lon, container.getAttribute("data-title")).addTo(map);
    container.setAttribute("data-markers", "1");
  }

  function start() {
    var form = document.getElementById("filtres");
    var big = document.getElementById("carte");
    var small = document.getElementById("carte-acteur");
    if (form && !big && document.getElementById("resultats-filtres")) directory(form);
    if (!window.L) {
      // Leaflet did not load (no connection, say): the boxes say so.
      if (big) mapMessage(big, big.hasAttribute("data-grappes")
        ? "La carte n’a pas pu être chargée : l’annuaire donne les mêmes acteurs."
        : "La carte n’a pas pu être chargée : la liste qui suit donne les mêmes acteurs.");
      if (small) mapMessage(small, "La carte n’a pas pu être chargée : l’adresse est écrite sur la page.");
      return;
    }
    // The maps are drawn once the page has painted: their script does not lay it out first.
    afterFrame(function () {
      if (big && big.hasAttribute("data-grappes")) groupsMap(big);
      else if (big && form) actorsMap(big, form);
      if (small) actorMap(small);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
