/**
 * The run page: status with reason and message, the pipeline graph, a timeline of tasks and
 * steps, params, results and the trigger.
 */
import type { RunRow, StepRow, TaskRunRow } from '@plumbing/serve';
import { graphTasks, type NodeState, pipelineSvg } from './graph.js';
import { duration, esc, page, stateBadge } from './html.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function kv(items: [string, string][]): string {
  return items.length === 0 ? '<p class="muted">None.</p>' : `<dl class="kv">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function namedValues(list: unknown): [string, string][] {
  return Array.isArray(list) ? list.filter(isRecord).map((p) => [String(p.name), esc(valueText(p.value))]) : [];
}

export function logHref(run: string, task: string, step: string): string {
  return `/runs/${encodeURIComponent(run)}/logs/${encodeURIComponent(task)}/${encodeURIComponent(step)}`;
}

function trigger(r: RunRow): string {
  const gh = r.repository ? `https://github.com/${r.repository}` : undefined;
  const items: [string, string][] = [['kind', esc(r.kind)], ['job', esc(r.job)]];
  if (r.event) items.push(['event', esc(r.event)]);
  if (r.actor) items.push(['actor', `<a href="https://github.com/${esc(r.actor)}">${esc(r.actor)}</a>`]);
  if (r.repository) items.push(['repository', `<a href="${esc(gh)}">${esc(r.repository)}</a>`]);
  if (r.pullRequest !== null) items.push(['pull request', `<a href="${esc(gh)}/pull/${r.pullRequest}">#${r.pullRequest}</a>`]);
  if (r.sha) items.push(['commit', gh ? `<a href="${esc(gh)}/commit/${esc(r.sha)}"><code>${esc(r.sha.slice(0, 12))}</code></a>` : `<code>${esc(r.sha)}</code>`]);
  if (r.deliveryId) items.push(['delivery', `<code>${esc(r.deliveryId)}</code>`]);
  return kv(items);
}

function timeline(r: RunRow, taskRuns: TaskRunRow[], steps: StepRow[]): string {
  const t0 = Date.parse(r.started ?? r.created);
  const t1 = Math.max(Date.parse(r.finished ?? new Date().toISOString()), t0 + 1);
  const bar = (s: string | null, e: string | null, state: string) => {
    if (!s) return '<div class="track"></div>';
    const a = ((Date.parse(s) - t0) / (t1 - t0)) * 100;
    const b = (((e ? Date.parse(e) : t1) - t0) / (t1 - t0)) * 100;
    return `<div class="track"><div class="bar state-${esc(state)}" style="left:${Math.max(0, a).toFixed(2)}%;width:${Math.max(0.5, b - a).toFixed(2)}%"></div></div>`;
  };
  const rows = taskRuns.flatMap((t) => {
    const task = t.pipelineTask ?? t.name;
    const head = `<tr class="task"><th scope="row">${esc(task)}</th><td>${stateBadge(t.state)}</td><td>${esc(duration(t.started, t.finished))}</td><td>${bar(t.started, t.finished, t.state)}</td></tr>`;
    const own = steps.filter((s) => s.taskRun === t.name).map((s) => `<tr class="step"><td>&nbsp;&nbsp;<a href="${logHref(r.name, task, s.name)}">${esc(s.name)}</a>${s.exitCode !== null && s.exitCode !== 0 ? ` <span class="muted">exit ${s.exitCode}</span>` : ''}</td><td>${stateBadge(s.state)}</td><td>${esc(duration(s.started, s.finished))}</td><td>${bar(s.started, s.finished, s.state)}</td></tr>`);
    return [head, ...own];
  });
  return `<table class="timeline"><thead><tr><th>Task / step</th><th>State</th><th>Duration</th><th style="width:40%">Timeline</th></tr></thead><tbody>${rows.join('\n') || '<tr><td colspan="4" class="muted">Nothing has run yet.</td></tr>'}</tbody></table>`;
}

/** Pipeline tasks a rerun of the failed tasks did not run again, and the run each came from (the executor's status: `reused`, `taskRuns[].reusedFrom`). */
export function reusedTasks(r: RunRow): Map<string, string> {
  const out = new Map<string, string>();
  const status = isRecord(r.status) ? r.status : {};
  for (const t of Array.isArray(status.reused) ? status.reused.filter(isRecord) : []) if (typeof t.pipelineTaskName === 'string' && typeof t.from === 'string') out.set(t.pipelineTaskName, t.from);
  for (const t of Array.isArray(status.taskRuns) ? status.taskRuns.filter(isRecord) : []) if (typeof t.pipelineTaskName === 'string' && typeof t.reusedFrom === 'string') out.set(t.pipelineTaskName, t.reusedFrom);
  return out;
}

function graph(r: RunRow, taskRuns: TaskRunRow[], steps: StepRow[]): string {
  const spec = (isRecord(r.status) && r.status.pipelineSpec) || (isRecord(r.resource.spec) && r.resource.spec.pipelineSpec);
  const tasks = graphTasks(spec);
  if (tasks.length === 0) return '';
  const states = new Map<string, NodeState>();
  const links = new Map<string, string>();
  const rank: Record<string, number> = { failed: 5, cancelled: 4, running: 3, pending: 2, skipped: 1, succeeded: 0 };
  for (const t of taskRuns) {
    const key = t.pipelineTask ?? t.name;
    const had = states.get(key);
    if (!had || (rank[t.state] ?? 2) > (rank[had.state] ?? 2)) states.set(key, { state: t.state, started: t.started, finished: t.finished });
    const failedStep = steps.find((s) => s.taskRun === t.name && s.state === 'failed') ?? steps.find((s) => s.taskRun === t.name);
    if (failedStep && !links.has(key)) links.set(key, logHref(r.name, key, failedStep.name));
  }
  for (const [task, from] of reusedTasks(r)) {
    const had = states.get(task);
    states.set(task, { state: had?.state ?? 'succeeded', started: had?.started ?? null, finished: had?.finished ?? null, reusedFrom: from });
  }
  return `<section aria-labelledby="h-graph"><h2 id="h-graph">Pipeline</h2><div class="graph">${pipelineSvg(tasks, states, links)}</div></section>`;
}

/** The inner part that live updates replace. */
export function runBody(r: RunRow, taskRuns: TaskRunRow[], steps: StepRow[], extra = ''): string {
  const status = isRecord(r.status) ? r.status : {};
  const spec = isRecord(r.resource.spec) ? r.resource.spec : {};
  return `<div id="run-body" data-state="${esc(r.state)}"><h1>${esc(r.name)} ${stateBadge(r.state)}</h1>
${extra}<section aria-labelledby="h-status"><h2 id="h-status" class="sr">Status</h2>${kv([['reason', esc(r.reason ?? '')], ['message', esc(r.message ?? '')], ['created', esc(r.created)], ['duration', esc(duration(r.started, r.finished))]])}</section>
${graph(r, taskRuns, steps)}
<section aria-labelledby="h-timeline"><h2 id="h-timeline">Timeline</h2>${timeline(r, taskRuns, steps)}</section>
<section aria-labelledby="h-trigger"><h2 id="h-trigger">Trigger</h2>${trigger(r)}</section>
<section aria-labelledby="h-params"><h2 id="h-params">Params</h2>${kv(namedValues(spec.params))}</section>
<section aria-labelledby="h-results"><h2 id="h-results">Results</h2>${kv(namedValues(status.results))}</section></div>`;
}

/** `extra`: HTML under the title (the actions of a writer, the public log link). */
export function runPage(r: RunRow, taskRuns: TaskRunRow[], steps: StepRow[], extra = ''): string {
  return page(r.name, `${runBody(r, taskRuns, steps, extra)}<p><a href="/api/v1/runs/${encodeURIComponent(r.name)}">JSON</a></p>`, { live: `run:${r.name}` });
}
