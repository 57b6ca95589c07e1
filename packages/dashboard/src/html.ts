/**
 * The page shell and small HTML helpers: every interpolated value goes through `esc`.
 */

export { esc } from './ansi.js';
import { esc } from './ansi.js';

/** `1.2 s`, `3 m 4 s`; an empty string when a bound is missing. */
export function duration(start: string | null | undefined, end: string | null | undefined, now = Date.now()): string {
  if (!start) return '';
  const ms = (end ? Date.parse(end) : now) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} m ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} m`;
}

export function stateBadge(state: string): string {
  return `<span class="badge state-${esc(state)}" data-state="${esc(state)}">${esc(state)}</span>`;
}

export function page(title: string, body: string, opts: { live?: string } = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · plumbing</title><style>${CSS}</style>
<script src="/dashboard/app.js" defer></script></head>
<body${opts.live ? ` data-live="${esc(opts.live)}"` : ''}><a class="skip" href="#main">Skip to content</a>
<header><nav><a href="/" class="brand">plumbing</a> <a href="/">Runs</a> <a href="/repositories">Repositories</a> <a href="/jobs">Jobs</a> <span class="who"><!--viewer--></span></nav></header>
<main id="main">${body}</main></body></html>`;
}

export const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--ok:#1a7f37;--bad:#cf222e;--run:#0969da;--wait:#6e7781;--focus:#bf8700}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#24292f;padding:.5rem 1rem}header a{color:#fff;margin-right:1rem;text-decoration:none}.brand{font-weight:700}
main{padding:1rem;max-width:1200px;margin:0 auto}a{color:#0550ae}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.25rem .5rem;z-index:9}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}.badge{display:inline-block;padding:0 .5rem;border-radius:1rem;color:#fff;font-size:.85em;background:var(--wait)}
.state-succeeded{background:var(--ok)}.state-failed{background:var(--bad)}.state-running{background:var(--run)}.state-cancelled{background:#57606a}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 1rem}form.filters label{display:flex;flex-direction:column;font-size:.85em;color:var(--muted)}
input,select,button{font:inherit;padding:.25rem .4rem;border:1px solid #8c959f;border-radius:4px;background:#fff;color:var(--fg)}
button{cursor:pointer;background:#f6f8fa}.muted{color:var(--muted)}dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
.graph{overflow-x:auto;border:1px solid var(--line);border-radius:6px;padding:.5rem}.graph svg{display:block;max-width:none}
.timeline .bar{height:.8rem;background:var(--wait);border-radius:2px;min-width:2px}.timeline .bar.state-succeeded{background:var(--ok)}.timeline .bar.state-failed{background:var(--bad)}.timeline .bar.state-running{background:var(--run)}
.track{position:relative;height:.8rem;background:#f6f8fa;min-width:120px}.track .bar{position:absolute;top:0}
pre.log{background:#0d1117;color:#e6edf3;padding:.5rem 0;margin:0;overflow-x:auto;font:13px/1.45 ui-monospace,monospace;border-radius:6px}
pre.log .l{display:block;padding:0 .75rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}pre.log .l:target{background:#3a3000}
pre.log .n{display:inline-block;width:6ch;margin-right:1ch;text-align:right;color:#8b949e;text-decoration:none;user-select:none}
pre.log mark{background:#bb8009;color:#000}
pre.log.virtual .spacer{position:relative}pre.log.virtual .win{position:absolute;left:0;min-width:100%}pre.log.virtual .l{height:20px;line-height:20px;white-space:pre;overflow-wrap:normal}
pre.log .l.hl{background:#3a3000}pre.log .l.match{background:#272115}pre.log .l.match.cur{background:#5a4a00}.search-nav{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}
.a-b{font-weight:700}.a-i{font-style:italic}.a-u{text-decoration:underline}
.f0{color:#6e7681}.f1{color:#ff7b72}.f2{color:#3fb950}.f3{color:#d29922}.f4{color:#58a6ff}.f5{color:#bc8cff}.f6{color:#39c5cf}.f7{color:#e6edf3}
.f8{color:#8b949e}.f9{color:#ffa198}.f10{color:#56d364}.f11{color:#e3b341}.f12{color:#79c0ff}.f13{color:#d2a8ff}.f14{color:#56d4dd}.f15{color:#fff}
.b0{background:#484f58}.b1{background:#8e1519}.b2{background:#196c2e}.b3{background:#845306}.b4{background:#143d79}.b5{background:#6e40c9}.b6{background:#0a5861}.b7{background:#b1bac4;color:#000}
.pager{display:flex;gap:1rem;margin:1rem 0}
header nav{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem}.who{margin-left:auto;color:#fff;display:flex;gap:.5rem;align-items:center}.who form{margin:0}.who button{padding:0 .4rem}
section.actions{display:flex;gap:.5rem;margin:.5rem 0}section.actions form{margin:0}
tr.stale th,tr.stale td{background:#ffebe9}section.repo{border-bottom:1px solid var(--line);padding:.25rem 0}section.repo h2{font-size:1.1rem;margin:.5rem 0}ul.prs{margin:.25rem 0;padding-left:1.25rem}
@media (max-width:700px){main{padding:.5rem}table.runs thead{display:none}table.runs tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
table.runs td{display:inline-block;border:0;padding:.1rem .4rem}dl.kv{grid-template-columns:1fr}}
`;
