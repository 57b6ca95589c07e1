/**
 * The one script of the pages (plain JavaScript, no build step): live updates over server-sent
 * events, and the log viewer that loads further windows as you scroll or follow an `#L` link.
 */
export const CLIENT_JS = `'use strict';
(function () {
  var live = document.body.getAttribute('data-live');
  var refreshing = false, again = false;
  function refresh(sel) {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(location.href, { headers: { accept: 'text/html' } }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var fresh = doc.querySelector(sel), old = document.querySelector(sel);
      if (fresh && old) old.replaceWith(fresh);
    }).finally(function () { refreshing = false; if (again) { again = false; refresh(sel); } });
  }
  if (live && window.EventSource) {
    var run = live.indexOf('run:') === 0 ? live.slice(4) : '';
    var es = new EventSource('/dashboard/events' + (run ? '?run=' + encodeURIComponent(run) : ''));
    es.onopen = function () { document.body.setAttribute('data-live-ready', '1'); };
    es.addEventListener('run', function () { refresh(run ? '#run-body' : '#runs'); });
    es.addEventListener('step', function () { refresh('#run-body'); });
  }
  var log = document.getElementById('log');
  if (!log) return;
  var loading = false;
  function more() {
    var next = Number(log.dataset.next), total = Number(log.dataset.total);
    if (loading || next >= total) return Promise.resolve(false);
    loading = true;
    var url = log.dataset.fragment + '?fragment=1&from=' + next + '&line=' + log.dataset.line;
    return fetch(url).then(function (r) { return r.json(); }).then(function (w) {
      log.insertAdjacentHTML('beforeend', w.html);
      log.dataset.next = String(w.next); log.dataset.line = String(w.line);
      var m = document.getElementById('more');
      if (m && w.next >= total) m.remove();
      loading = false;
      return true;
    }, function () { loading = false; return false; });
  }
  function toHash() {
    var m = /^#L(\\d+)$/.exec(location.hash);
    if (!m) return;
    var el = document.getElementById('L' + m[1]);
    if (el) { el.scrollIntoView({ block: 'center' }); return; }
    more().then(function (ok) { if (ok) toHash(); });
  }
  window.addEventListener('hashchange', toHash);
  window.addEventListener('scroll', function () {
    if (window.innerHeight + window.scrollY > document.body.scrollHeight - 2000) more();
  }, { passive: true });
  toHash();
})();
`;
