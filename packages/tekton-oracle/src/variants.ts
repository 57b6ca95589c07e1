import { stringify } from 'yaml';

/** One generated document: a realistic mistake or an unusual valid form of a base document. */
export interface Variant {
  /** Stable id: `<base id>~<mutation>#<n>`. */
  readonly id: string;
  readonly base: string;
  readonly mutation: string;
  readonly yaml: string;
}

/** A document the variants are made from: its id (file#index) and parsed value. */
export interface BaseDocument {
  readonly id: string;
  readonly value: unknown;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
type Rng = () => number;

/** mulberry32: a tiny seeded PRNG, so the same seed gives the same variants on every machine. */
export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const pick = <T>(rng: Rng, xs: readonly T[]): T | undefined => xs[Math.floor(rng() * xs.length)];

/** Every map reachable from `v` (with `v` itself), depth first. */
function maps(v: Json, out: Obj[] = []): Obj[] {
  if (Array.isArray(v)) for (const x of v) maps(x, out);
  else if (isObj(v)) {
    out.push(v);
    for (const x of Object.values(v)) maps(x, out);
  }
  return out;
}

/** Maps holding a key with a value of the given shape. */
function holders(doc: Json, key: string, shape: 'array' | 'string' | 'any' = 'any'): Obj[] {
  return maps(doc).filter((m) => {
    const v = m[key];
    if (v === undefined) return false;
    if (shape === 'array') return Array.isArray(v) && v.length > 0;
    if (shape === 'string') return typeof v === 'string';
    return true;
  });
}

const spec = (doc: Json): Obj | undefined => (isObj(doc) && isObj(doc.spec) ? doc.spec : undefined);
/** Pipeline task lists, Task/StepAction-like specs and step lists anywhere in the document. */
const taskLists = (doc: Json): Json[][] => [...holders(doc, 'tasks', 'array'), ...holders(doc, 'finally', 'array')].map((m) => (m.tasks ?? m.finally) as Json[]);
const stepLists = (doc: Json): Json[][] => holders(doc, 'steps', 'array').map((m) => m.steps as Json[]);

/** A mutation edits the document in place; false means it does not apply to this document. */
type Mutation = (doc: Json, rng: Rng) => boolean;

function setIn(rng: Rng, targets: Obj[], key: string, value: Json): boolean {
  const t = pick(rng, targets);
  if (!t) return false;
  t[key] = value;
  return true;
}

function deleteIn(rng: Rng, targets: Obj[], key: string): boolean {
  const t = pick(rng, targets.filter((m) => key in m));
  if (!t) return false;
  delete t[key];
  return true;
}

function duplicateItem(rng: Rng, lists: Json[][]): boolean {
  const list = pick(rng, lists.filter((l) => l.some(isObj)));
  const item = list && pick(rng, list.filter(isObj));
  if (!list || !item) return false;
  list.push(structuredClone(item));
  return true;
}

const stepsOf = (doc: Json): Obj[] => stepLists(doc).flat().filter(isObj);
const pipelineTasksOf = (doc: Json): Obj[] => taskLists(doc).flat().filter(isObj);
const paramSpecsOf = (doc: Json): Obj[] => holders(doc, 'params', 'array').flatMap((m) => (m.params as Json[]).filter(isObj));

/** The mutations, by name: realistic mistakes first, then unusual valid forms (`valid-*`). */
export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  'missing-steps': (d, r) => deleteIn(r, holders(d, 'steps', 'array'), 'steps'),
  'missing-step-image': (d, r) => deleteIn(r, stepsOf(d), 'image'),
  'missing-param-name': (d, r) => deleteIn(r, paramSpecsOf(d), 'name'),
  'missing-task-ref': (d, r) => deleteIn(r, pipelineTasksOf(d), pick(r, ['taskRef', 'taskSpec']) ?? 'taskRef'),
  'missing-metadata-name': (d) => isObj(d) && isObj(d.metadata) && typeof d.metadata.name === 'string' && delete d.metadata.name,
  'missing-spec': (d) => isObj(d) && 'spec' in d && delete d.spec,
  'wrong-type-steps': (d, r) => setIn(r, holders(d, 'steps', 'array'), 'steps', 'echo hello'),
  'wrong-type-params': (d, r) => setIn(r, holders(d, 'params', 'array'), 'params', { name: 'x' }),
  'wrong-type-args': (d, r) => setIn(r, stepsOf(d), 'args', '--verbose'),
  'wrong-type-timeout': (d, r) => setIn(r, [...stepsOf(d), ...pipelineTasksOf(d)], 'timeout', 300),
  'wrong-type-name': (d, r) => setIn(r, [...stepsOf(d), ...paramSpecsOf(d)], 'name', { value: 'x' }),
  'bad-duration': (d, r) => setIn(r, [...stepsOf(d), ...pipelineTasksOf(d), ...(spec(d) ? [spec(d) as Obj] : [])], 'timeout', pick(r, ['10 minutes', '1x', '-5m', 'forever']) ?? '1x'),
  'undeclared-param': (d, r) => {
    const s = pick(r, stepsOf(d).filter((x) => Array.isArray(x.args) || typeof x.script === 'string' || Array.isArray(x.command)));
    if (!s) return setIn(r, pipelineTasksOf(d), 'params', [{ name: 'p', value: '$(params.not-declared)' }]);
    if (typeof s.script === 'string') s.script = `${s.script}\necho "$(params.not-declared)"\n`;
    else s.args = [...(Array.isArray(s.args) ? s.args : []), '$(params.not-declared)'];
    return true;
  },
  'undeclared-workspace': (d, r) => setIn(r, stepsOf(d), 'workingDir', '$(workspaces.not-declared.path)'),
  'duplicate-step': (d, r) => duplicateItem(r, stepLists(d)),
  'duplicate-param': (d, r) => duplicateItem(r, holders(d, 'params', 'array').map((m) => m.params as Json[])),
  'duplicate-pipeline-task': (d, r) => duplicateItem(r, taskLists(d)),
  'duplicate-workspace': (d, r) => duplicateItem(r, holders(d, 'workspaces', 'array').map((m) => m.workspaces as Json[])),
  'bad-matrix': (d, r) => setIn(r, pipelineTasksOf(d), 'matrix', { params: [{ name: 'platform', value: 'linux' }] }),
  'matrix-param-also-param': (d, r) => {
    const t = pick(r, pipelineTasksOf(d).filter((x) => Array.isArray(x.params) && x.params.some(isObj)));
    const p = t && pick(r, (t.params as Json[]).filter(isObj));
    if (!t || !p) return false;
    t.matrix = { params: [{ name: p.name ?? 'x', value: ['a', 'b'] }] };
    return true;
  },
  'bad-cel-when': (d, r) => setIn(r, pipelineTasksOf(d), 'when', [{ cel: "'$(params.x)' ==== 'y'" }]),
  'bad-when-operator': (d, r) => setIn(r, pipelineTasksOf(d), 'when', [{ input: 'a', operator: 'equals', values: ['a'] }]),
  'empty-when-values': (d, r) => setIn(r, pipelineTasksOf(d), 'when', [{ input: 'a', operator: 'in', values: [] }]),
  'unknown-api-version': (d, r) => isObj(d) && typeof d.apiVersion === 'string' && setIn(r, [d], 'apiVersion', d.apiVersion.replace(/\/v\w+$/, '/v2')),
  'unknown-kind': (d, r) => isObj(d) && typeof d.kind === 'string' && setIn(r, [d], 'kind', `${d.kind}s`),
  'unknown-field': (d, r) => setIn(r, [...(spec(d) ? [spec(d) as Obj] : []), ...stepsOf(d)], pick(r, ['stepz', 'imagePullPolicyy', 'foo']) ?? 'foo', 'bar'),
  'bad-resource-name': (d, r) => isObj(d) && isObj(d.metadata) && setIn(r, [d.metadata], 'name', pick(r, ['Bad_Name', 'a'.repeat(300), 'has space', '-leading']) ?? 'X'),
  'bad-step-name': (d, r) => setIn(r, stepsOf(d), 'name', pick(r, ['Build Step', 'UPPER', 'a'.repeat(70)]) ?? 'X'),
  'bad-pipeline-task-name': (d, r) => setIn(r, pipelineTasksOf(d), 'name', 'Build_It'),
  'bad-on-error': (d, r) => setIn(r, stepsOf(d), 'onError', 'ignore'),
  'bad-param-type': (d, r) => setIn(r, paramSpecsOf(d).filter((p) => 'default' in p || 'description' in p), 'type', 'number'),
  'default-type-mismatch': (d, r) => {
    const p = pick(r, paramSpecsOf(d).filter((x) => 'description' in x || 'default' in x));
    if (!p) return false;
    p.type = 'array';
    p.default = 'not-an-array';
    return true;
  },
  'run-after-unknown': (d, r) => setIn(r, pipelineTasksOf(d), 'runAfter', ['no-such-task']),
  'result-ref-unknown-task': (d, r) => setIn(r, pipelineTasksOf(d), 'params', [{ name: 'x', value: '$(tasks.no-such-task.results.out)' }]),
  'bad-result-name': (d, r) => setIn(r, holders(d, 'steps', 'array'), 'results', [{ name: 'Bad Result', description: 'x' }]),
  'script-and-command': (d, r) => {
    const s = pick(r, stepsOf(d).filter((x) => typeof x.script === 'string'));
    if (!s) return false;
    s.command = ['sh', '-c'];
    return true;
  },
  'volume-mount-undeclared': (d, r) => setIn(r, stepsOf(d), 'volumeMounts', [{ name: 'no-such-volume', mountPath: '/x' }]),
  'valid-display-name': (d, r) => setIn(r, [...pipelineTasksOf(d), ...(spec(d) ? [spec(d) as Obj] : [])], 'displayName', 'A friendly name'),
  'valid-on-error': (d, r) => setIn(r, stepsOf(d), 'onError', 'continue'),
  'valid-timeout': (d, r) => setIn(r, [...stepsOf(d), ...pipelineTasksOf(d)], 'timeout', '1h30m'),
  'valid-retries': (d, r) => setIn(r, pipelineTasksOf(d), 'retries', 2),
  'valid-when': (d, r) => setIn(r, pipelineTasksOf(d), 'when', [{ input: '$(context.pipelineRun.name)', operator: 'notin', values: ['skip'] }]),
  'valid-cel-when': (d, r) => setIn(r, pipelineTasksOf(d), 'when', [{ cel: "'$(context.pipelineRun.name)' != 'skip'" }]),
  'valid-object-param': (d, r) => {
    const list = pick(r, holders(d, 'params', 'array').filter((m) => (m.params as Json[]).some((p) => isObj(p) && 'description' in p)));
    if (!list) return false;
    (list.params as Json[]).push({ name: 'gitinfo', type: 'object', properties: { url: { type: 'string' } }, default: { url: 'https://example.com' } });
    return true;
  },
  'valid-step-env': (d, r) => setIn(r, stepsOf(d), 'env', [{ name: 'HOME', value: '/tekton/home' }]),
  'valid-labels': (d, r) => isObj(d) && isObj(d.metadata) && setIn(r, [d.metadata], 'labels', { 'app.kubernetes.io/part-of': 'plumbing' }),
};

/**
 * Generates at least `count` variants: each base document gets mutations in a seeded order
 * (mutations that do not apply to it are skipped), round after round until the count is reached
 * or no mutation applies anywhere. The same seed and bases give the same variants.
 */
export function generateVariants(bases: readonly BaseDocument[], count: number, seed = 13): Variant[] {
  const rng = seededRandom(seed);
  const names = Object.keys(MUTATIONS).sort();
  const out: Variant[] = [];
  const sorted = [...bases].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let round = 0; out.length < count && round < 50; round++) {
    const before = out.length;
    for (const base of sorted) {
      for (const name of names) {
        if (rng() > 0.35) continue;
        const doc = structuredClone(base.value) as Json;
        if (!(MUTATIONS[name] as Mutation)(doc, rng)) continue;
        out.push({ id: `${base.id}~${name}#${round}`, base: base.id, mutation: name, yaml: stringify(doc, { lineWidth: 0, version: '1.1' }) });
      }
    }
    if (out.length === before) break;
  }
  return out;
}
