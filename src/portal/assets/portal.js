// Parley's portal: small enhancements on top of pages that work without them.
// Times in the viewer's chosen (or the browser's) time zone, live countdowns against the application's
// clock (which may be simulated), "select all" for bulk actions, and a deadline's explanation fetched when first opened.
(function () {
  'use strict';

  // The application's time, as the page that is shown was rendered with it (`data-now` on <main>), and when that
  // was read here. A simulated clock (`data-clock="simulated"`) stands still between pages: it moves only when an
  // admin moves it, so a countdown must not run down on its own; a real clock runs on with the browser's.
  var clock = { stamp: null, at: 0, readAt: 0, frozen: false };
  // While htmx puts back a page from its history cache, that page's `data-now` is as old as the snapshot: keep the
  // clock as last read from the server.
  var restoring = false;

  function readClock() {
    var main = document.querySelector('main[data-now]');
    if (!main || restoring) return;
    var stamp = main.getAttribute('data-now');
    // The same page's time again (swaps inside it, the live stream): keep the reading, or the countdowns jump back.
    if (stamp === clock.stamp) return;
    var at = Date.parse(stamp);
    if (isNaN(at)) return;
    clock = { stamp: stamp, at: at, readAt: Date.now(), frozen: main.getAttribute('data-clock') === 'simulated' };
  }

  function appNow() {
    if (clock.stamp === null) return Date.now();
    return clock.frozen ? clock.at : clock.at + (Date.now() - clock.readAt);
  }

  // Times in the zone the viewer chose on their profile (`data-zone` on <main>), else in the browser's.
  var formats = {};
  function formatIn(zone) {
    var key = zone || '';
    if (!formats[key]) {
      var options = {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      };
      if (zone) options.timeZone = zone;
      try {
        // In the page's language (`<html lang>`), as the server writes it: English day first on a 24-hour clock.
        var lang = document.documentElement.lang || undefined;
        if (lang === 'en' || lang === 'en-XA') {
          lang = 'en-GB';
          options.hourCycle = 'h23';
        }
        formats[key] = new Intl.DateTimeFormat(lang, options);
      } catch {
        // A zone this browser does not know: its own zone, still with the zone's name shown.
        formats[key] = formatIn('');
      }
    }
    return formats[key];
  }

  // The countdown's words in the page's language (`data-countdown-words` on <main>), the server's own patterns.
  var words = null;
  function countdownWords() {
    var main = document.querySelector('main[data-countdown-words]');
    var stamp = main ? main.getAttribute('data-countdown-words') : null;
    if (!words || words.stamp !== stamp) {
      var patterns;
      try {
        patterns = stamp ? JSON.parse(stamp) : null;
      } catch {
        patterns = null;
      }
      words = {
        stamp: stamp,
        patterns: patterns || {
          days: '{days} d {hours} h',
          hours: '{hours} h {minutes} min',
          minutes: '{minutes} min',
          in: 'in {span}',
          overdue: '{span} overdue',
        },
      };
    }
    return words.patterns;
  }

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function remaining(ms) {
    var patterns = countdownWords();
    var late = ms < 0;
    var seconds = Math.floor(Math.abs(ms) / 1000);
    var days = Math.floor(seconds / 86400);
    seconds -= days * 86400;
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds - hours * 3600) / 60);
    var values = { days: days, hours: hours, minutes: minutes };
    var span = fill(days > 0 ? patterns.days : hours > 0 ? patterns.hours : patterns.minutes, values);
    return fill(late ? patterns.overdue : patterns.in, { span: span });
  }

  function tick() {
    var now = appNow();
    document.querySelectorAll('[data-countdown]').forEach(function (el) {
      var text = remaining(Date.parse(el.getAttribute('data-countdown')) - now);
      if (el.textContent !== text) el.textContent = text;
    });
  }

  function enhance(root) {
    readClock();
    var main = document.querySelector('main');
    var format = formatIn(main ? main.getAttribute('data-zone') : '');
    root.querySelectorAll('time[data-local]').forEach(function (el) {
      var at = Date.parse(el.getAttribute('datetime'));
      if (!isNaN(at)) el.textContent = format.format(at);
      el.removeAttribute('data-local');
    });
    tick();
  }

  // One listener for every "select all" box, present or yet to come (swapped in, or put back from htmx's history).
  document.addEventListener('change', function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[data-select-all]')) return;
    var form = box.form || box.closest('form');
    if (!form) return;
    form.querySelectorAll('input[name="ids"]').forEach(function (item) {
      item.checked = box.checked;
    });
  });

  // A deadline's explanation in a list of cases, fetched when its <details> first opens ("toggle" does not bubble: caught on its way down).
  document.addEventListener(
    'toggle',
    function (event) {
      var details = event.target;
      if (!details.open || !details.matches || !details.matches('details[data-why]')) return;
      var url = details.getAttribute('data-why');
      details.removeAttribute('data-why');
      var target = details.querySelector('.why');
      if (target && typeof htmx !== 'undefined') htmx.ajax('GET', url, { target: target, swap: 'innerHTML' });
    },
    true,
  );

  document.addEventListener('DOMContentLoaded', function () {
    enhance(document);
  });
  document.addEventListener('htmx:load', function (event) {
    enhance(event.target || document);
  });
  document.addEventListener('htmx:historyCacheHit', function () {
    restoring = true;
  });
  document.addEventListener('htmx:historyRestore', function () {
    restoring = false;
    // The restored page's time is taken as read, so that a later swap inside it does not bring it back.
    var main = document.querySelector('main[data-now]');
    if (main) clock.stamp = main.getAttribute('data-now');
    tick();
  });
  setInterval(tick, 1000);
})();
