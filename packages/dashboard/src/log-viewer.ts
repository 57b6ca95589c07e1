/**
 * The log viewer (browser JavaScript, no build step). The server's HTML shows the first lines at
 * once; the viewer then takes the sparse line index (`?index=1`), fetches only the chunks of
 * lines on screen from the log's byte-range URL (`Range: bytes=a-b` on /api/v1/runs/…/logs/…),
 * renders them with the server's own ANSI functions, follows a running step (`?follow=1` from
 * the indexed end), and searches: at once in the chunks already fetched, then the server's list
 * of every matching line. Chunks are dropped beyond a budget, so memory stays bounded.
 */
import { ansiClientSource } from './ansi.js';

const VIEWER = `
function logViewer(log) {
  var LH = 20, OVER = 40, KEEP = 64;
  var E = 1000, offsets = [0], styles = [{}], idxLines = 0, idxEnd = 0, endStyle = {};
  var chunks = {}, starts = {}, pending = {}, order = [], extra = [], extraStarts = [], partial = '';
  var hl = 0, query = '', hits = [], cur = -1, queued = false, spacer, win;
  var raw = log.dataset.raw;
  var status = document.getElementById('search-status');
  function total() { return idxLines + extra.length; }
  function plain(t) { return t.replace(ESCAPE, ''); }
  function load(k) {
    if (chunks[k]) return Promise.resolve();
    if (pending[k]) return pending[k];
    var a = offsets[k], b = Math.min(k + 1 < offsets.length ? offsets[k + 1] : idxEnd, idxEnd) - 1;
    if (a === undefined || b < a) { chunks[k] = []; return Promise.resolve(); }
    pending[k] = fetch(raw, { headers: { range: 'bytes=' + a + '-' + b } }).then(function (r) {
      if (r.status !== 206 && r.status !== 200) throw new Error('range request answered ' + r.status);
      return r.arrayBuffer();
    }).then(function (buf) {
      var lines = new TextDecoder().decode(buf).split('\\n');
      if (lines[lines.length - 1] === '') lines.pop();
      // The colours in force at each line's start: the index's at the chunk's start, carried line by line.
      var st = [], s = styles[k] || {};
      for (var i = 0; i < lines.length; i++) { st.push(s); s = ansiStyle(lines[i], s); }
      chunks[k] = lines; starts[k] = st; order.push(k); delete pending[k];
      while (order.length > KEEP) { var old = order.shift(); delete chunks[old]; delete starts[old]; }
      schedule();
    }, function (e) { delete pending[k]; log.dataset.error = String(e.message || e); });
    return pending[k];
  }
  function styleOf(n) {
    if (n > idxLines) return extraStarts[n - idxLines - 1] || {};
    var s = starts[Math.floor((n - 1) / E)];
    return (s && s[(n - 1) % E]) || {};
  }
  function pushExtra(t) {
    var s = extra.length ? ansiStyle(extra[extra.length - 1], extraStarts[extraStarts.length - 1]) : endStyle;
    extra.push(t); extraStarts.push(s);
  }
  function line(n) {
    if (n > idxLines) return extra[n - idxLines - 1];
    var c = chunks[Math.floor((n - 1) / E)];
    return c ? c[(n - 1) % E] : undefined;
  }
  function schedule() { if (!queued && win) { queued = true; requestAnimationFrame(render); } }
  function render() {
    queued = false;
    spacer.style.height = (total() * LH) + 'px';
    var top = log.getBoundingClientRect().top;
    var first = Math.max(1, Math.floor(-top / LH) + 1 - OVER);
    var last = Math.min(total(), first + Math.ceil(window.innerHeight / LH) + 2 * OVER);
    var html = '', want = [];
    for (var n = first; n <= last; n++) {
      var t = line(n);
      if (t === undefined) {
        var k = Math.floor((n - 1) / E);
        if (want.indexOf(k) < 0) want.push(k);
        html += '<span class="l"><span class="n">' + n + '</span></span>';
        continue;
      }
      var a = ansiToHtml(t, styleOf(n));
      var cls = 'l' + (n === hl ? ' hl' : '') + (query && plain(t).toLowerCase().indexOf(query) >= 0 ? ' match' : '') + (hits[cur] === n ? ' cur' : '');
      html += '<span class="' + cls + '" id="L' + n + '"><a class="n" href="#L' + n + '" aria-label="line ' + n + '">' + n + '</a>' + a.html + '</span>';
    }
    win.style.top = ((first - 1) * LH) + 'px';
    win.innerHTML = html;
    want.forEach(load);
  }
  function goTo(n) {
    hl = n;
    var k = Math.floor((n - 1) / E);
    // The page must be tall enough first: opened at #L<n>, the spacer has no height yet.
    spacer.style.height = (total() * LH) + 'px';
    window.scrollTo(0, window.scrollY + log.getBoundingClientRect().top + (n - 1) * LH - window.innerHeight / 2);
    return (n <= idxLines ? load(k) : Promise.resolve()).then(render);
  }
  function hashLine() { var m = /^#L(\\d+)$/.exec(location.hash); return m ? Number(m[1]) : 0; }
  function follow() {
    log.dataset.followed = 'streaming';
    fetch(log.dataset.follow, { headers: { range: 'bytes=' + idxEnd + '-' } }).then(function (r) {
      var reader = r.body.getReader(), dec = new TextDecoder();
      function pump() {
        return reader.read().then(function (x) {
          var atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2 * LH;
          if (x.done) { if (partial) { pushExtra(partial); partial = ''; } log.dataset.followed = 'done'; render(); return; }
          var parts = (partial + dec.decode(x.value, { stream: true })).split('\\n');
          partial = parts.pop();
          for (var i = 0; i < parts.length; i++) pushExtra(parts[i]);
          render();
          if (atEnd) window.scrollTo(0, document.documentElement.scrollHeight);
          return pump();
        });
      }
      return pump();
    });
  }
  function showHit(i) {
    if (hits.length === 0) return;
    cur = (i + hits.length) % hits.length;
    if (status) status.textContent = 'match ' + (cur + 1) + ' of ' + hits.length + ' (line ' + hits[cur] + ')';
    goTo(hits[cur]);
  }
  function search(q) {
    query = q.toLowerCase(); hits = []; cur = -1;
    Object.keys(chunks).forEach(function (k) { chunks[k].forEach(function (t, i) { if (plain(t).toLowerCase().indexOf(query) >= 0) hits.push(Number(k) * E + i + 1); }); });
    extra.forEach(function (t, i) { if (plain(t).toLowerCase().indexOf(query) >= 0) hits.push(idxLines + i + 1); });
    hits.sort(function (a, b) { return a - b; });
    if (status) status.textContent = hits.length + ' in the part loaded; asking the server for the rest…';
    if (hits.length) showHit(0); else render();
    return fetch(log.dataset.search + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (s) {
      var seen = {}; hits.concat(s.lines).forEach(function (n) { seen[n] = 1; });
      var at = hits[cur];
      hits = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
      if (status) status.textContent = hits.length + ' matching line' + (hits.length === 1 ? '' : 's') + (s.capped ? ' (first ' + s.lines.length + ' from the server)' : '');
      if (at === undefined) showHit(0); else { cur = hits.indexOf(at); showHit(cur); }
      log.dataset.searched = q;
    });
  }
  var form = document.querySelector('form[role=search]');
  if (form) {
    form.addEventListener('submit', function (e) { var q = form.q.value; if (!q || !win) return; e.preventDefault(); search(q); });
    var nav = document.createElement('div'); nav.className = 'search-nav';
    nav.innerHTML = '<button type="button" id="prev-hit">Previous match</button><button type="button" id="next-hit">Next match</button>';
    form.after(nav);
    document.getElementById('prev-hit').onclick = function () { showHit(cur - 1); };
    document.getElementById('next-hit').onclick = function () { showHit(cur + 1); };
  }
  window.addEventListener('hashchange', function () { var n = hashLine(); if (n && win) goTo(n); });
  fetch(log.dataset.index).then(function (r) { return r.json(); }).then(function (idx) {
    E = idx.every; offsets = idx.offsets; styles = idx.styles || [{}]; endStyle = idx.style || {}; idxLines = idx.lines; idxEnd = idx.end;
    var want = hashLine();
    return load(Math.floor(((want || 1) - 1) / E)).then(function () {
      log.classList.add('virtual');
      log.innerHTML = '<div class="spacer"><div class="win"></div></div>';
      spacer = log.firstChild; win = spacer.firstChild;
      var more = document.getElementById('more'); if (more) more.remove();
      window.addEventListener('scroll', schedule, { passive: true });
      window.addEventListener('resize', schedule);
      want = hashLine();
      return (want ? goTo(want) : Promise.resolve(render())).then(function () {
        log.dataset.ready = '1';
        if (log.dataset.follow) follow();
      });
    });
  });
}
var theLog = document.getElementById('log');
if (theLog && theLog.dataset.index && window.fetch && window.TextDecoder) logViewer(theLog);
`;

export function logViewerSource(): string {
  return `${ansiClientSource()}${VIEWER}`;
}
