// Parley's portal: small enhancements on top of pages that work without them.
// Times in the viewer's own time zone, live countdowns against the application's
// clock (which may be simulated), and "select all" for bulk actions.
(function () {
  'use strict';
  var offset = 0;

  function readClock(root) {
    var marker = root.querySelector ? root.querySelector('[data-now]') : null;
    if (marker) offset = Date.parse(marker.getAttribute('data-now')) - Date.now();
  }

  var format = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });

  function remaining(ms) {
    var late = ms < 0;
    var seconds = Math.floor(Math.abs(ms) / 1000);
    var days = Math.floor(seconds / 86400);
    seconds -= days * 86400;
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds - hours * 3600) / 60);
    var text = days > 0 ? days + ' d ' + hours + ' h' : hours > 0 ? hours + ' h ' + minutes + ' min' : minutes + ' min';
    return late ? text + ' overdue' : 'in ' + text;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll('[data-countdown]').forEach(function (el) {
      var text = remaining(Date.parse(el.getAttribute('data-countdown')) - now);
      if (el.textContent !== text) el.textContent = text;
    });
  }

  function enhance(root) {
    readClock(document);
    root.querySelectorAll('time[data-local]').forEach(function (el) {
      var at = Date.parse(el.getAttribute('datetime'));
      if (!isNaN(at)) el.textContent = format.format(at);
      el.removeAttribute('data-local');
    });
    root.querySelectorAll('input[data-select-all]').forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = '1';
      box.addEventListener('change', function () {
        var form = box.form || box.closest('form');
        if (!form) return;
        form.querySelectorAll('input[name="ids"]').forEach(function (item) {
          item.checked = box.checked;
        });
      });
    });
    tick();
  }

  document.addEventListener('DOMContentLoaded', function () {
    enhance(document);
  });
  document.addEventListener('htmx:load', function (event) {
    enhance(event.target || document);
  });
  setInterval(tick, 1000);
})();
