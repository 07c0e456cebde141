// ess-site serve: live reload and error overlay. Injected into served pages only.
(function () {
  "use strict";
  var version = null;
  var overlay = null;

  function showErrors(errors) {
    if (!errors || errors.length === 0) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "ess-overlay";
      overlay.setAttribute("role", "alertdialog");
      overlay.setAttribute("aria-label", "Erreurs dans le contenu");
      // Opaque (the page's text never shows through), readable on a phone: the messages in
      // the system's face, the source lines in a monospaced one that scrolls instead of
      // wrapping (the caret stays under its column).
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#161616;color:#f5f5f5;font:16px/1.5 system-ui,sans-serif;padding:clamp(1rem,4vw,2rem)";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var h = document.createElement("h2");
    h.textContent = errors.length + (errors.length > 1 ? " erreurs" : " erreur") + " dans le contenu — le site affiché est la dernière version correcte";
    h.style.cssText = "color:#ff8a80;font:700 1.2rem/1.35 system-ui,sans-serif;margin:0 0 1rem";
    overlay.appendChild(h);
    errors.forEach(function (e) {
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre;overflow-x:auto;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#232323;color:#f5f5f5;border-left:4px solid #ff8a80;padding:.75rem 1rem;margin:0 0 1rem;tab-size:4";
      pre.tabIndex = 0;
      pre.textContent = e;
      overlay.appendChild(pre);
    });
  }

  // This page's file in the built site: "/acteurs/x/" is "acteurs/x/index.html".
  var here = decodeURIComponent(location.pathname).replace(/^\//, "");
  if (here === "" || here.endsWith("/")) here += "index.html";

  // The long poll holds a connection: a page that is left (or kept in the back/forward cache)
  // gives it back, so that the browser's few connections to the preview stay free for pages.
  var pending = null;
  function poll() {
    var url = "/__ess/poll?since=" + (version === null ? "" : version);
    pending = window.AbortController ? new AbortController() : null;
    fetch(url, { cache: "no-store", signal: pending && pending.signal }).then(function (r) { return r.json(); }).then(function (state) {
      var mine = !state.changed || state.changed.indexOf(here) !== -1;
      if (version !== null && state.version !== version && state.errors.length === 0 && (mine || state.css_only)) {
        if (state.css_only) {
          document.querySelectorAll('link[rel="stylesheet"]').forEach(function (l) {
            var u = new URL(l.href); u.searchParams.set("v", state.version); l.href = u.toString();
          });
        } else {
          location.reload();
          return;
        }
      }
      // Leaving the overlay: the page may have changed meanwhile.
      if (overlay && state.errors.length === 0) { location.reload(); return; }
      version = state.version;
      showErrors(state.errors);
      poll();
    }).catch(function () { if (pending) setTimeout(poll, 1000); });
  }
  window.addEventListener("pagehide", function () {
    if (pending) { var p = pending; pending = null; p.abort(); }
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && !pending) poll();
  });
  poll();
})();
