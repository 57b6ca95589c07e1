/**
 * The pipeline as an SVG graph: tasks as nodes coloured by state with their duration, edges from
 * `runAfter` and from result references (model's pipeline task dependencies), finally tasks in a column
 * apart. Laid out on the server with @dagrejs/dagre (a maintained layered-graph layout; no
 * browser code needed, so the graph shows with JavaScript off).
 */
import dagre from '@dagrejs/dagre';
import { resultRefProducers, resultRefSources, runAfterOf } from '@plumbing/model';
import { duration, esc } from './html.js';

export interface GraphTask {
  name: string;
  runAfter: string[];
  resultRefs: string[];
  isFinally: boolean;
}

export interface NodeState {
  state: string;
  started: string | null;
  finished: string | null;
  /** Not run here: reused from this earlier run (a rerun of the failed tasks only). */
  reusedFrom?: string;
}

const FILL: Record<string, string> = { succeeded: '#1a7f37', failed: '#cf222e', running: '#0969da', cancelled: '#57606a', skipped: '#8c959f', pending: '#6e7781' };
const W = 170;
const H = 46;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function taskOf(t: Record<string, unknown>, isFinally: boolean): GraphTask {
  const runAfter = runAfterOf(t);
  const resultRefs = resultRefProducers(resultRefSources(t)).filter((r) => !runAfter.includes(r));
  return { name: String(t.name), runAfter, resultRefs, isFinally };
}

/** The tasks of a pipeline spec (`status.pipelineSpec` or `spec.pipelineSpec`). */
export function graphTasks(spec: unknown): GraphTask[] {
  if (!isRecord(spec)) return [];
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isRecord).filter((t) => typeof t.name === 'string') : []);
  return [...list(spec.tasks).map((t) => taskOf(t, false)), ...list(spec.finally).map((t) => taskOf(t, true))];
}

function nodeSvg(name: string, x: number, y: number, st: NodeState | undefined, href: string | undefined): string {
  const state = st?.state ?? 'pending';
  const fill = FILL[state] ?? FILL.pending!;
  const label = name.length > 22 ? `${name.slice(0, 21)}…` : name;
  const dur = st?.reusedFrom ? 'reused' : st ? duration(st.started, st.finished) : '';
  const body = `<rect class="task-node state-${esc(state)}" data-task="${esc(name)}" data-state="${esc(state)}"${st?.reusedFrom ? ` data-reused-from="${esc(st.reusedFrom)}"` : ''} x="${x - W / 2}" y="${y - H / 2}" width="${W}" height="${H}" rx="6" fill="${fill}"/>
<text x="${x}" y="${y - 3}" text-anchor="middle" fill="#fff" font-size="13" font-weight="600">${esc(label)}</text>
<text x="${x}" y="${y + 14}" text-anchor="middle" fill="#fff" font-size="11">${esc(state)}${dur ? ` · ${esc(dur)}` : ''}</text>`;
  const title = st?.reusedFrom ? `reused from ${st.reusedFrom}` : dur;
  return `<g class="node"><title>${esc(name)}: ${esc(state)}${title ? ` (${esc(title)})` : ''}</title>${href ? `<a href="${esc(href)}">${body}</a>` : body}</g>`;
}

/** The SVG of the graph; `states` by pipeline task name, `links` to each task's first log. */
export function pipelineSvg(tasks: GraphTask[], states: Map<string, NodeState>, links: Map<string, string>): string {
  const main = tasks.filter((t) => !t.isFinally);
  const fin = tasks.filter((t) => t.isFinally);
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 48, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const names = new Set(main.map((t) => t.name));
  for (const t of main) g.setNode(t.name, { width: W, height: H });
  const edges: { from: string; to: string; kind: 'runAfter' | 'result' }[] = [];
  for (const t of main) {
    for (const a of t.runAfter) if (names.has(a)) edges.push({ from: a, to: t.name, kind: 'runAfter' });
    for (const r of t.resultRefs) if (names.has(r)) edges.push({ from: r, to: t.name, kind: 'result' });
  }
  for (const e of edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const graph = g.graph();
  const mainW = main.length > 0 ? (graph.width ?? 0) : 0;
  const finX = mainW + (fin.length > 0 ? 40 + W / 2 : 0);
  const height = Math.max(graph.height ?? 0, fin.length * (H + 24) + 40, H + 24);
  const parts: string[] = [];
  for (const e of edges) {
    const pts: { x: number; y: number }[] = g.edge(e.from, e.to)?.points ?? [];
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    parts.push(`<path class="edge edge-${e.kind}" data-from="${esc(e.from)}" data-to="${esc(e.to)}" d="${d}" fill="none" stroke="#57606a" stroke-width="1.5"${e.kind === 'result' ? ' stroke-dasharray="5 3"' : ''} marker-end="url(#arrow)"/>`);
  }
  for (const t of main) {
    const n = g.node(t.name);
    parts.push(nodeSvg(t.name, n.x, n.y, states.get(t.name), links.get(t.name)));
  }
  if (fin.length > 0) {
    parts.push(`<g class="finally"><line x1="${mainW + 20}" y1="8" x2="${mainW + 20}" y2="${height - 8}" stroke="#d0d7de" stroke-dasharray="4 4"/><text x="${finX}" y="20" text-anchor="middle" font-size="12" fill="#57606a">finally</text></g>`);
    for (const [i, t] of fin.entries()) parts.push(nodeSvg(t.name, finX, 36 + H / 2 + i * (H + 24), states.get(t.name), links.get(t.name)));
  }
  const width = (fin.length > 0 ? finX + W / 2 + 12 : mainW) || W + 24;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="pipeline graph" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>
${parts.join('\n')}</svg>`;
}
