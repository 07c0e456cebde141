// The editor's own script, loaded before Decap CMS: when the preview refuses a save
// (`ess-site serve --editor` checks the whole site as it would be after the save, and answers
// 422 with `check`'s messages), the messages stay on screen until they are read and closed,
// one line per error, instead of a notice that goes after eight seconds. And the record's form
// fits a phone: Decap CMS lays it out for 800 px and more (its toolbar and form have that
// width at least); under that width they take the screen's, the toolbar's buttons wrap.
// Online (the forge, no server of ours), the same check runs in the page before a save goes to
// the forge: `ess-site`'s own check compiled to WebAssembly (`verification.HASH.wasm`, in a
// WASI runtime), given the site's files read through the editor's backend (Decap CMS hands it
// over: vendor/decap-cms/PATCHED.md), and the save as it would be written. After a save, the
// forge's pipeline is followed until the site is published, or the publication failed: then
// the errors of `ess-site`'s own log are shown, with a link to the log.
(function () {
  'use strict';
  var me = document.currentScript;
  var phone = document.createElement('style');
  phone.textContent = '@media (max-width: 799px) {' +
    ' [class*="-EditorContainer"] { min-width: 0 !important; padding-top: 0 !important; margin-top: 0 !important; }' +
    ' [class*="-ToolbarContainer"] { min-width: 0 !important; flex-wrap: wrap; height: auto !important; position: sticky !important; top: 0; }' +
    ' [class*="-ControlPaneContainer"] { padding-left: 12px !important; padding-right: 12px !important; }' +
    ' [class*="-Buttons"] { flex-wrap: wrap; }' +
    ' .Toastify__toast-container { width: auto !important; max-width: none !important; left: .5rem !important; right: .5rem !important; transform: none !important; }' +
    ' .Toastify__toast { width: auto !important; min-width: 0 !important; max-width: 100% !important; box-sizing: border-box; }' +
    ' }';
  // The editor's own panels: a refusal (centred, red) and the publication's state (left).
  phone.textContent += ' .ess-panel { position: fixed; bottom: 1rem; z-index: 100000;' +
    ' max-height: 60vh; overflow-y: auto; box-sizing: border-box; padding: 1rem 1.25rem; background: #fff;' +
    ' color: #1b1b1b; border: 3px solid #1f6f4a; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.25);' +
    ' font: 16px/1.45 system-ui, sans-serif; }' +
    ' .ess-panel h2 { font-size: 1.05rem; margin: 0 0 .5rem; color: #1f6f4a; }' +
    ' .ess-panel ul { margin: 0 0 .75rem; padding-left: 1.25rem; }' +
    ' .ess-panel li { margin-bottom: .35rem; overflow-wrap: anywhere; }' +
    ' .ess-panel p { margin: 0 0 .75rem; }' +
    ' .ess-panel p:last-child { margin: 0; }' +
    ' .ess-panel a { color: #0b57a4; text-decoration: underline; margin-right: .75rem; }' +
    ' .ess-panel button { font: inherit; padding: .4rem 1rem; min-height: 44px; }' +
    ' .ess-panel.ess-failed { border-color: #b3261e; }' +
    ' .ess-panel.ess-failed h2 { color: #b3261e; }' +
    ' #ess-refus { left: 50%; transform: translateX(-50%); width: min(44rem, calc(100vw - 2rem)); }' +
    ' #ess-publication { left: 1rem; width: min(30rem, calc(100vw - 2rem)); z-index: 99999; }' +
    // While a refusal is shown, Decap CMS's own notice of the failed save (« API_ERROR: … »,
    // cut off on a phone) says nothing more: hidden.
    ' body.ess-refusing .Toastify__toast--error { display: none !important; }' +
    ' .ess-groupe { font: 600 1.15rem/1.3 system-ui, sans-serif; color: #1b1b1b; margin: 2.25rem 0 .75rem;' +
    ' padding-bottom: .35rem; border-bottom: 2px solid #d8dde3; }';
  document.head.appendChild(phone);
  var panel = null;
  var refusedAt = 0;

  function close() {
    if (panel) {
      panel.remove();
      panel = null;
    }
    document.body.classList.remove('ess-refusing');
  }

  function show(text) {
    close();
    var lines = String(text).split('\n').filter(function (l) { return l.trim() !== ''; });
    panel = document.createElement('section');
    panel.setAttribute('role', 'alert');
    panel.setAttribute('aria-labelledby', 'ess-refus-titre');
    panel.id = 'ess-refus';
    panel.className = 'ess-panel ess-failed';
    var title = document.createElement('h2');
    title.id = 'ess-refus-titre';
    title.textContent = lines.shift() || 'Fiche non enregistrée';
    panel.appendChild(title);
    var list = document.createElement('ul');
    lines.forEach(function (l) {
      var item = document.createElement('li');
      item.textContent = l.replace(/^•\s*/, '');
      list.appendChild(item);
    });
    panel.appendChild(list);
    var note = document.createElement('p');
    note.textContent = 'Rien n’a été écrit : corrigez la fiche, puis enregistrez de nouveau.';
    panel.appendChild(note);
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Fermer';
    button.addEventListener('click', close);
    panel.appendChild(button);
    document.body.appendChild(panel);
    document.body.classList.add('ess-refusing');
  }

  // The save refused online: said as the preview says it, and Decap CMS's save fails (its
  // notice says so; the detail is in the panel).
  function refuse(text) {
    refusedAt = Date.now();
    show(text);
    var said = 'Fiche non enregistrée : corrigez les erreurs affichées.';
    var error = new Error(said);
    // Decap CMS's notice writes the error as text: the sentence, not « Error: ».
    error.toString = function () { return said; };
    error.essSiteRefusal = true;
    return error;
  }

  var online = me && me.dataset && me.dataset.verification ? {
    wasm: new URL(me.dataset.verification, me.src).href,
    wasi: new URL(me.dataset.wasi, me.src).href
  } : null;

  // What a save writes: (path, new text) for each file, (path, null) for one it moves away;
  // the images it adds, by path.
  function overlayOf(entry) {
    var files = entry && entry.dataFiles ? entry.dataFiles : [entry];
    var overlay = [];
    files.forEach(function (f) {
      if (!f || !f.path) {
        return;
      }
      if (f.newPath && f.newPath !== f.path) {
        overlay.push([f.path, null]);
        overlay.push([f.newPath, String(f.raw)]);
      } else {
        overlay.push([f.path, String(f.raw)]);
      }
    });
    var assets = (entry && entry.assets ? entry.assets : []).map(function (a) { return a.path; });
    return { overlay: overlay, assets: assets };
  }

  // The files of the site the check reads: site.toml, content/, templates/ and themes/ as
  // text; static/
  // by name (an image is given as a one-pixel image of its format: the check asks that it be
  // there, the build reads it).
  var TEXT = /^(site\.toml$|content\/|templates\/|themes\/)/;
  var WANTED = /^(site\.toml$|content\/|templates\/|themes\/|static\/)/;
  function b64(text) {
    var bin = atob(text);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      bytes[i] = bin.charCodeAt(i);
    }
    return bytes;
  }
  var PIXEL = {
    png: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAAD0lEQVR4AQEEAPv/AP///wX+Av5JZm4rAAAAAElFTkSuQmCC',
    gif: 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
    webp: 'UklGRhoAAABXRUJQVlA4TA4AAAAvAAAAAM1VICIC/Y+IBA==',
    jpg: '/9j/4AAQSkZJRgABAgAAAQABAAD/wAARCAABAAEDAREAAhEBAxEB/9sAQwAIBgYHBgUIBwcHCQkICgwUDQwLCwwZEhMPFB0aHx4dGhwcICQuJyAiLCMcHCg3KSwwMTQ0NB8nOT04MjwuMzQy/9sAQwEJCQkMCwwYDQ0YMiEcITIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIy/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD3+gD/2Q=='
  };
  function placeholder(path) {
    var ext = (path.split('.').pop() || '').toLowerCase();
    if (ext === 'jpeg') {
      ext = 'jpg';
    }
    if (ext === 'svg') {
      return new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>');
    }
    return PIXEL[ext] ? b64(PIXEL[ext]) : new Uint8Array(0);
  }

  // The site's files through the backend: the in-browser test repository, or the forge's API
  // (GitLab: listAllFiles; GitHub: listFiles), whose reads Decap CMS caches by content hash.
  function listed(impl) {
    if (impl.api && typeof impl.api.listAllFiles === 'function') {
      return Promise.all(['content', 'static', 'templates', 'themes'].map(function (dir) {
        return impl.api.listAllFiles(dir, true).catch(function () { return []; });
      })).then(function (lists) { return [].concat.apply([], lists); });
    }
    if (impl.api && typeof impl.api.listFiles === 'function') {
      return Promise.all(['content', 'static', 'templates', 'themes'].map(function (dir) {
        return impl.api.listFiles(dir, { depth: 100 }).catch(function () { return []; });
      })).then(function (lists) { return [].concat.apply([], lists); });
    }
    return Promise.resolve(null);
  }

  function siteFiles(impl) {
    var files = new Map();
    if (!impl.api && window.repoFiles) {
      (function walk(node, prefix) {
        Object.keys(node || {}).forEach(function (name) {
          var path = prefix + name;
          if (/\.[^./]+$/.test(name)) {
            var content = node[name] && node[name].content;
            if (WANTED.test(path)) {
              files.set(path, TEXT.test(path) && typeof content === 'string' ? content : placeholder(path));
            }
          } else {
            walk(node[name], path + '/');
          }
        });
      })(window.repoFiles, '');
      return Promise.resolve(files);
    }
    return listed(impl).then(function (list) {
      if (!list) {
        throw new Error('backend sans liste de fichiers');
      }
      list = list.map(function (f) { return { path: String(f.path).replace(/^\/+/, ''), id: f.id }; });
      list.push({ path: 'site.toml', id: null });
      var reads = list.filter(function (f) { return WANTED.test(f.path); }).map(function (f) {
        if (!TEXT.test(f.path)) {
          files.set(f.path, placeholder(f.path));
          return null;
        }
        return impl.api.readFile(f.path, f.id).then(function (text) { files.set(f.path, String(text)); });
      });
      return Promise.all(reads).then(function () { return files; });
    });
  }

  var runtime = null;
  function loaded() {
    if (!runtime) {
      runtime = Promise.all([
        import(online.wasi),
        fetch(online.wasm).then(function (r) {
          if (!r.ok) {
            throw new Error('vérification introuvable (' + r.status + ')');
          }
          return r.arrayBuffer();
        }).then(function (bytes) { return WebAssembly.compile(bytes); })
      ]);
      runtime.catch(function () { runtime = null; });
    }
    return runtime;
  }

  // Runs the check on `files` (path → text or bytes) with `request` (the save's overlay, or
  // records to shape): what it prints.
  function run(shim, module, files, request) {
    var root = new Map();
    files.forEach(function (content, path) {
      var parts = path.split('/');
      var dir = root;
      for (var i = 0; i < parts.length - 1; i++) {
        var next = dir.get(parts[i]);
        if (!next) {
          next = new shim.Directory(new Map());
          dir.set(parts[i], next);
        }
        dir = next.contents;
      }
      var bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      dir.set(parts[parts.length - 1], new shim.File(bytes));
    });
    request = JSON.stringify(request);
    var out = [];
    var err = [];
    var wasi = new shim.WASI(['ess-site-editor-check'], [], [
      new shim.OpenFile(new shim.File(new TextEncoder().encode(request))),
      new shim.ConsoleStdout(function (b) { out.push(new TextDecoder().decode(b)); }),
      new shim.ConsoleStdout(function (b) { err.push(new TextDecoder().decode(b)); }),
      new shim.PreopenDirectory('/site', root)
    ], { debug: false });
    return WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport }).then(function (instance) {
      var code = wasi.start(instance);
      if (code !== 0) {
        throw new Error('vérification interrompue (' + code + ') ' + err.join(''));
      }
      return out.join('');
    });
  }

  // The refusal of `save` (from overlayOf), or '' ; a check that cannot run lets the save go
  // (the forge's pipeline checks the site again) and says so in the console.
  function refusalOnline(impl, save) {
    return Promise.all([loaded(), siteFiles(impl)]).then(function (got) {
      var files = got[1];
      save.assets.forEach(function (path) {
        files.set(String(path).replace(/^\/+/, ''), placeholder(path));
      });
      return run(got[0][0], got[0][1], files, { now: new Date().toISOString(), overlay: save.overlay });
    }).catch(function (e) {
      console.warn('ess-site : vérification avant enregistrement impossible', e);
      return '';
    });
  }

  // After a save online: whether the forge's pipeline published the site, or why not (the
  // errors `ess-site` wrote in its log). GitLab: its pipelines; GitHub: its Actions runs.
  var status = null;
  function say(title, lines, link, failed) {
    if (!status) {
      status = document.createElement('section');
      status.id = 'ess-publication';
      status.setAttribute('role', 'status');
      status.setAttribute('aria-live', 'polite');
      document.body.appendChild(status);
    }
    status.className = 'ess-panel' + (failed ? ' ess-failed' : '');
    status.textContent = '';
    var h = document.createElement('h2');
    h.textContent = title;
    status.appendChild(h);
    if (lines && lines.length) {
      var list = document.createElement('ul');
      lines.forEach(function (l) {
        var item = document.createElement('li');
        item.textContent = l;
        list.appendChild(item);
      });
      status.appendChild(list);
    }
    var row = document.createElement('p');
    if (link) {
      var a = document.createElement('a');
      a.href = link;
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = 'Voir le journal de la publication';
      row.appendChild(a);
    }
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Fermer';
    button.addEventListener('click', function () {
      status.remove();
      status = null;
    });
    row.appendChild(button);
    status.appendChild(row);
  }

  // The errors of `ess-site`'s log: « fichier, ligne N : message (aide : …) ».
  function errorsOf(log) {
    var lines = String(log).replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').split('\n');
    var out = [];
    lines.forEach(function (l, i) {
      var m = /^(\S+?):(\d+):\d+: erreur: (.*)$/.exec(l.trim());
      if (!m) {
        return;
      }
      var text = m[1] + ', ligne ' + m[2] + ' : ' + m[3];
      for (var j = i + 1; j < Math.min(lines.length, i + 8); j++) {
        var help = /^\s*= aide : (.*)$/.exec(lines[j]);
        if (help) {
          text += ' (aide : ' + help[1] + ')';
          break;
        }
      }
      out.push(text);
    });
    return out.slice(0, 10);
  }

  var WAIT = 5000;
  var QUIET = 180000;
  var LONGEST = 3600000;
  function wait(ms) {
    return new Promise(function (r) { setTimeout(r, ms); });
  }

  // What the forge says of the commit `sha`: {state: 'pending'|'success'|'failed'|'canceled'
  // |null, url, log}; null when no run of it is known yet.
  var forges = {
    gitlab: {
      head: function (api) {
        return api.requestJSON(api.repoURL + '/repository/branches/' + encodeURIComponent(api.branch))
          .then(function (b) { return b.commit.id; });
      },
      run: function (api, sha) {
        return api.requestJSON({ url: api.repoURL + '/pipelines', params: { sha: sha, per_page: 1 } }).then(function (list) {
          var p = list && list[0];
          if (!p) {
            return null;
          }
          var state = p.status === 'success' ? 'success' : p.status === 'failed' ? 'failed'
            : p.status === 'canceled' || p.status === 'skipped' ? 'canceled' : 'pending';
          var run = { state: state, url: p.web_url, log: '' };
          if (state !== 'failed') {
            return run;
          }
          return api.requestJSON({ url: api.repoURL + '/pipelines/' + p.id + '/jobs', params: { scope: 'failed' } }).then(function (jobs) {
            var job = jobs && jobs[0];
            if (!job) {
              return run;
            }
            run.url = job.web_url || run.url;
            return api.requestText(api.repoURL + '/jobs/' + job.id + '/trace').then(function (log) {
              run.log = log;
              return run;
            }, function () { return run; });
          });
        });
      }
    },
    github: {
      head: function (api) {
        return api.request(api.repoURL + '/branches/' + encodeURIComponent(api.branch))
          .then(function (b) { return b.commit.sha; });
      },
      run: function (api, sha) {
        return api.request(api.repoURL + '/actions/runs', { params: { head_sha: sha, per_page: 1 } }).then(function (r) {
          var p = r && r.workflow_runs && r.workflow_runs[0];
          if (!p) {
            return null;
          }
          var state = p.status !== 'completed' ? 'pending' : p.conclusion === 'success' ? 'success'
            : p.conclusion === 'cancelled' || p.conclusion === 'skipped' ? 'canceled' : 'failed';
          return { state: state, url: p.html_url, log: '' };
        });
      }
    }
  };

  var following = 0;
  function followPublication(name, impl) {
    var forge = forges[name];
    var api = impl.api;
    if (!forge || !api) {
      return;
    }
    var mine = ++following;
    var started = Date.now();
    say('Fiche enregistrée. Publication du site en cours…', [], null, false);
    forge.head(api).then(function (sha) {
      function poll() {
        if (mine !== following) {
          return undefined;
        }
        return forge.run(api, sha).then(function (run) {
          var waited = Date.now() - started;
          if (!run && waited > QUIET) {
            say('Fiche enregistrée. Aucune publication n’a démarré : le site sera à jour à sa prochaine construction.', [], null, false);
            return undefined;
          }
          if (run && run.state === 'success') {
            say('Site publié : les visiteurs voient la fiche enregistrée.', [], run.url, false);
            return undefined;
          }
          if (run && run.state === 'failed') {
            var lines = errorsOf(run.log);
            say('La publication a échoué : le site en ligne reste celui d’avant.', lines.length ? lines
              : ['Le journal de la publication dit pourquoi.'], run.url, true);
            return undefined;
          }
          if (run && run.state === 'canceled') {
            say('Publication annulée : le site en ligne reste celui d’avant.', [], run.url, true);
            return undefined;
          }
          if (waited > LONGEST) {
            say('La publication n’est pas terminée au bout d’une heure.', [], run && run.url, true);
            return undefined;
          }
          return wait(WAIT).then(poll);
        });
      }
      return poll();
    }).catch(function (e) {
      console.warn('ess-site : état de la publication inconnu', e);
      say('Fiche enregistrée. L’état de la publication n’a pas pu être lu.', [], null, false);
    });
  }

  // A record whose speakers are written by name alone (the model allows it) is handed to the
  // form the long way, `{name}`, by the same code as the preview's (`render::editor::shape`):
  // it opens and saves like any other. `entries` are Decap CMS's {file, data}, changed in place.
  // (Any record with speakers goes through it: it gives back unchanged what is already long.)
  var SHORT_SPEAKER = /(^|\n)\s*speakers\s*:/;
  function shaped(entries) {
    var list = [].concat(entries || []).filter(function (e) {
      return e && e.file && typeof e.data === 'string' && SHORT_SPEAKER.test(e.data);
    });
    if (!list.length || !online) {
      return Promise.resolve(entries);
    }
    return loaded().then(function (got) {
      return run(got[0], got[1], new Map(), { shape: list.map(function (e) { return [e.file.path, e.data]; }) });
    }).then(function (out) {
      var texts = JSON.parse(out);
      list.forEach(function (e, i) {
        e.data = texts[i];
      });
      return entries;
    }).catch(function (e) {
      console.warn('ess-site : mise en forme des intervenants impossible', e);
      return entries;
    });
  }
  function shapeReads(impl) {
    ['entriesByFolder', 'allEntriesByFolder', 'entriesByFiles', 'getEntry'].forEach(function (name) {
      if (typeof impl[name] !== 'function') {
        return;
      }
      var read = impl[name].bind(impl);
      impl[name] = function () {
        return read.apply(null, arguments).then(shaped);
      };
    });
  }

  // The form's groups (identity, contact, place, presentation, publication…): a heading above
  // each group's first field, from `data-groupes` ({collection: [[field, heading], …]}); the
  // record's keys stay as they are. Decap CMS draws the form again and again: the headings are
  // put back after each change of the page.
  var groupsOf = {};
  try {
    groupsOf = JSON.parse((me && me.dataset && me.dataset.groupes) || '{}');
  } catch (e) {
    groupsOf = {};
  }
  function headings() {
    // In the preview, the header's link to the site reads « / »: it says where it goes.
    var home = document.querySelector('[class*="-AppHeaderSiteLink"]');
    if (home && home.textContent.trim() === '/') {
      home.textContent = 'Aperçu du site';
    }
    var m = /^#\/collections\/([^/]+)\/(entries\/|new)/.exec(location.hash);
    var groups = m && groupsOf[m[1].replace(/-(yaml|yml)$/, '')];
    if (!groups) {
      return;
    }
    groups.forEach(function (g) {
      var input = document.querySelector('[id^="' + g[0] + '-field-"]');
      var box = input && input.closest('[class*="-ControlContainer"]');
      if (!box || (box.previousElementSibling && box.previousElementSibling.getAttribute('data-ess-groupe') === g[1])) {
        return;
      }
      var h = document.createElement('h2');
      h.className = 'ess-groupe';
      h.setAttribute('data-ess-groupe', g[1]);
      h.textContent = g[1];
      box.parentNode.insertBefore(h, box);
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        headings();
      });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  // Called by Decap CMS once its backend is made (vendor/decap-cms/PATCHED.md). Online (not the
  // preview's proxy, which checks a save itself): a save or a deletion is checked first when
  // the check is built in, and a save is followed to its publication.
  window.essSiteBackend = function (backend) {
    var impl = backend && backend.implementation;
    var name = backend && backend.backendName;
    if (!impl || name === 'proxy' || typeof impl.persistEntry !== 'function') {
      return;
    }
    shapeReads(impl);
    function checked(save, then) {
      return (online ? refusalOnline(impl, save) : Promise.resolve('')).then(function (refusal) {
        if (refusal) {
          throw refuse(refusal);
        }
        close();
        return then();
      });
    }
    var persist = impl.persistEntry.bind(impl);
    impl.persistEntry = function (entry, options) {
      return checked(overlayOf(entry), function () {
        return persist(entry, options).then(function (result) {
          followPublication(name, impl);
          return result;
        });
      });
    };
    if (typeof impl.deleteFiles === 'function') {
      var remove = impl.deleteFiles.bind(impl);
      impl.deleteFiles = function (paths, message) {
        var overlay = [].concat(paths).map(function (p) { return [p, null]; });
        return checked({ overlay: overlay, assets: [] }, function () {
          return remove(paths, message).then(function (result) {
            followPublication(name, impl);
            return result;
          });
        });
      };
    }
  };

  // Decap CMS rejects the failed save's (or deletion's) promise with its own action, which
  // nothing catches: the refusal is said above, the rejection is not an error of the page.
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    if (Date.now() - refusedAt < 10000 && r && typeof r === 'object' && /(PERSIST|DELETE)_FAILURE$/.test(String(r.type || ''))) {
      e.preventDefault();
    }
  });

  var send = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : (input && input.url) || '';
    var body = init && typeof init.body === 'string' ? init.body : '';
    var saving = /\/api\/v1$/.test(url.split('?')[0]) && body.indexOf('"persistEntry"') !== -1;
    var answer = send(input, init);
    if (!saving) {
      return answer;
    }
    return answer.then(function (response) {
      if (response.status === 422) {
        refusedAt = Date.now();
        response.clone().json().then(function (v) {
          if (v && v.error) {
            show(v.error);
          }
        }, function () {});
      } else if (response.ok) {
        close();
      }
      return response;
    });
  };
})();
