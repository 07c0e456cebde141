// The editor's own script, loaded before Decap CMS: when the preview refuses a save
// (`ess-site serve --editor` checks the whole site as it would be after the save, and answers
// 422 with `check`'s messages), the messages stay on screen until they are read and closed,
// one line per error, instead of a notice that goes after eight seconds. And the record's form
// fits a phone: Decap CMS lays it out for 800 px and more (its toolbar and form have that
// width at least); under that width they take the screen's, the toolbar's buttons wrap.
(function () {
  'use strict';
  var phone = document.createElement('style');
  phone.textContent = '@media (max-width: 799px) {' +
    ' [class*="-EditorContainer"] { min-width: 0 !important; padding-top: 0 !important; margin-top: 0 !important; }' +
    ' [class*="-ToolbarContainer"] { min-width: 0 !important; flex-wrap: wrap; height: auto !important; position: sticky !important; top: 0; }' +
    ' [class*="-ControlPaneContainer"] { padding-left: 12px !important; padding-right: 12px !important; }' +
    ' [class*="-Buttons"] { flex-wrap: wrap; }' +
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

  // Decap CMS rejects the failed save's promise with its own action, which nothing catches: the
  // refusal is said above, the rejection is not an error of the page.
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    if (Date.now() - refusedAt < 10000 && r && typeof r === 'object' && /PERSIST_FAILURE$/.test(String(r.type || ''))) {
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
