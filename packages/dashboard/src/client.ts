/**
 * The one script of the pages (plain JavaScript, no build step): live updates over server-sent
 * events, and the log viewer (log-viewer.ts).
 */
import { logViewerSource } from './log-viewer.js';

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
    // On (re)connecting, catch up once: a change between the page's render and the subscription sends no event.
    es.onopen = function () { document.body.setAttribute('data-live-ready', '1'); refresh(run ? '#run-body' : '#runs'); };
    es.addEventListener('run', function () { refresh(run ? '#run-body' : '#runs'); });
    es.addEventListener('step', function () { refresh('#run-body'); });
  }
})();
${logViewerSource()}`;
