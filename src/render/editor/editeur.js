// The editor's own script, loaded before Decap CMS: when the preview refuses a save
// (`ess-site serve --editor` checks the whole site as it would be after the save, and answers
// 422 with `check`'s messages), the messages stay on screen until they are read and closed,
// one line per error, instead of a notice that goes after eight seconds. And the record's form
// fits a phone: Decap CMS lays it out for 800 px and more (its toolbar and form have that
// width at least); under that width they take the screen's, the toolbar's buttons wrap.
// Online (the forge, no server of ours), the same check runs in the page before a save goes to
// the forge: `ess-site`'s own check compiled to WebAssembly (`verification.HASH.wasm`, in a
// WASI runtime), given the site's files read through the editor's backend (Decap CMS hands it
// over: vendor/decap-cms/PATCHED.md), and the save as it would be written.
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
  document.head.appendChild(phone);
  var panel = null;
  var refusedAt = 0;

  function close() {
    if (panel) {
      panel.remove();
      panel = null;
    }
  }

  function show(text) {
    close();
    var lines = String(text).split('\n').filter(function (l) { return l.trim() !== ''; });
    panel = document.createElement('section');
    panel.setAttribute('role', 'alert');
    panel.setAttribute('aria-labelledby', 'ess-refus-titre');
    panel.id = 'ess-refus';
    var s = panel.style;
    s.position = 'fixed';
    s.left = '50%';
    s.transform = 'translateX(-50%)';
    s.bottom = '1rem';
    s.zIndex = '100000';
    s.width = 'min(44rem, calc(100vw - 2rem))';
    s.maxHeight = '60vh';
    s.overflowY = 'auto';
    s.boxSizing = 'border-box';
    s.padding = '1rem 1.25rem';
    s.background = '#fff';
    s.color = '#1b1b1b';
    s.border = '3px solid #b3261e';
    s.borderRadius = '8px';
    s.boxShadow = '0 6px 24px rgba(0,0,0,.25)';
    s.font = '16px/1.45 system-ui, sans-serif';
    var title = document.createElement('h2');
    title.id = 'ess-refus-titre';
    title.textContent = lines.shift() || 'Fiche non enregistrée';
    title.style.fontSize = '1.1rem';
    title.style.margin = '0 0 .5rem';
    title.style.color = '#b3261e';
    panel.appendChild(title);
    var list = document.createElement('ul');
    list.style.margin = '0 0 .75rem';
    list.style.paddingLeft = '1.25rem';
    lines.forEach(function (l) {
      var item = document.createElement('li');
      item.textContent = l.replace(/^•\s*/, '');
      item.style.marginBottom = '.35rem';
      item.style.overflowWrap = 'anywhere';
      list.appendChild(item);
    });
    panel.appendChild(list);
    var note = document.createElement('p');
    note.textContent = 'Rien n’a été écrit : corrigez la fiche, puis enregistrez de nouveau.';
    note.style.margin = '0 0 .75rem';
    panel.appendChild(note);
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Fermer';
    button.style.font = 'inherit';
    button.style.padding = '.4rem 1rem';
    button.style.minHeight = '44px';
    button.addEventListener('click', close);
    panel.appendChild(button);
    document.body.appendChild(panel);
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

  // Runs the check on `files` (path → text or bytes) with the save `overlay`: the refusal's
  // text, or '' when the save may go.
  function run(shim, module, files, overlay) {
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
    var request = JSON.stringify({ now: new Date().toISOString(), overlay: overlay });
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
      return run(got[0][0], got[0][1], files, save.overlay);
    }).catch(function (e) {
      console.warn('ess-site : vérification avant enregistrement impossible', e);
      return '';
    });
  }

  if (online) {
    // Called by Decap CMS once its backend is made (vendor/decap-cms/PATCHED.md).
    window.essSiteBackend = function (backend) {
      var impl = backend && backend.implementation;
      if (!impl || typeof impl.persistEntry !== 'function') {
        return;
      }
      var persist = impl.persistEntry.bind(impl);
      impl.persistEntry = function (entry, options) {
        return refusalOnline(impl, overlayOf(entry)).then(function (refusal) {
          if (refusal) {
            throw refuse(refusal);
          }
          close();
          return persist(entry, options);
        });
      };
      if (typeof impl.deleteFiles === 'function') {
        var remove = impl.deleteFiles.bind(impl);
        impl.deleteFiles = function (paths, message) {
          var overlay = [].concat(paths).map(function (p) { return [p, null]; });
          return refusalOnline(impl, { overlay: overlay, assets: [] }).then(function (refusal) {
            if (refusal) {
              throw refuse(refusal);
            }
            close();
            return remove(paths, message);
          });
        };
      }
    };
  }

  // Decap CMS rejects the failed save's (or deletion's) promise with its own action, which nothing catches: the
  // refusal is said above, the rejection is not an error of the page.
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
