// « Ouvert en ce moment » on an actor's page: the week of its opening hours (`data-horaires`
// of its table: minutes from midnight, Monday first; the public holidays' hours, or null when
// they follow their day), read at the reader's moment, in the time of Paris, French public
// holidays included. The page is static; without this script, the table says the same.
(function () {
  'use strict';
  var table = document.querySelector('table.hours[data-horaires]');
  if (!table) {
    return;
  }
  var week;
  try {
    week = JSON.parse(table.getAttribute('data-horaires'));
  } catch (e) {
    return;
  }
  var DAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

  // The date and minute in Paris: {y, m, d, weekday (Monday 0), minutes}.
  function paris(date) {
    var parts = {};
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23'
    }).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    var weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday);
    return { y: +parts.year, m: +parts.month, d: +parts.day, weekday: weekday, minutes: (+parts.hour % 24) * 60 + (+parts.minute) };
  }

  // A calendar day `n` days after {y, m, d}, with its weekday.
  function plus(day, n) {
    var t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), weekday: (t.getUTCDay() + 6) % 7 };
  }

  // France's public holidays of year `y`, as "M-D".
  function holidays(y) {
    var a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
    var f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3);
    var h = (19 * a + b - d - g + 15) % 30, i = Math.floor(c / 4), k = c % 4;
    var l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
    var month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
    var easter = { y: y, m: month, d: day };
    var list = ['1-1', '5-1', '5-8', '7-14', '8-15', '11-1', '11-11', '12-25'];
    [1, 39, 50].forEach(function (n) {
      var t = plus(easter, n);
      list.push(t.m + '-' + t.d);
    });
    return list;
  }

  function spansOf(day) {
    if (week.feries && holidays(day.y).indexOf(day.m + '-' + day.d) !== -1) {
      return week.feries;
    }
    return week.jours[day.weekday] || [];
  }

  function clock(minutes) {
    var m = minutes % 1440;
    var h = Math.floor(m / 60), min = m % 60;
    if (h === 0 && min === 0) {
      return 'minuit';
    }
    if (h === 12 && min === 0) {
      return 'midi';
    }
    return h + ' h' + (min ? ' ' + (min < 10 ? '0' : '') + min : '');
  }

  function say() {
    var now = paris(new Date());
    var today = { y: now.y, m: now.m, d: now.d, weekday: now.weekday };
    var t = now.minutes;
    var open = null;
    spansOf(today).forEach(function (s) {
      if (s[0] <= t && t < s[1]) {
        open = s[1];
      }
    });
    // A night that began yesterday.
    spansOf(plus(today, -1)).forEach(function (s) {
      if (s[1] > 1440 && t < s[1] - 1440) {
        open = s[1];
      }
    });
    var text;
    if (open !== null) {
      text = open >= 1440 + 24 * 60 || (open === 1440 && spansOf(plus(today, 1)).some(function (s) { return s[0] === 0; }))
        ? 'Ouvert en ce moment'
        : 'Ouvert en ce moment, jusqu’à ' + clock(open);
    } else {
      text = 'Fermé en ce moment';
      for (var n = 0; n < 14; n++) {
        var day = plus(today, n);
        var next = spansOf(day).filter(function (s) { return n > 0 || s[0] > t; })[0];
        if (next) {
          var when = n === 0 ? 'aujourd’hui' : n === 1 ? 'demain' : DAYS[day.weekday];
          text += ' : ouvre ' + when + ' à ' + clock(next[0]);
          break;
        }
      }
    }
    var line = document.getElementById('horaires-maintenant');
    if (!line) {
      line = document.createElement('p');
      line.id = 'horaires-maintenant';
      line.className = 'hours-now';
      table.parentNode.insertBefore(line, table);
    }
    line.setAttribute('data-ouvert', open !== null ? 'oui' : 'non');
    line.textContent = text;
  }

  say();
  // Left open, the line follows the clock.
  setInterval(say, 60000);
})();
