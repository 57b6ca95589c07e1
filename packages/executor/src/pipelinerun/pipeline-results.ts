/**
 * Pipeline results (§5.3, `apply.go` ApplyTaskResultsToPipelineResults): computed once the run
 * is done. A result is omitted silently when a referenced task did not succeed and lacks the
 * value; omitted with an error (CouldntGetPipelineResult) when a succeeded task lacks it, an
 * index is out of range or an object key is missing.
 */
import type { ParamValue, PipelineResult } from '@plumbing/model';
import { parseExpr, refsIn } from '@plumbing/model';
import { mergeReplacements } from '../substitution/substitute.js';
import { resultsTable, substValue } from './pipeline-vars.js';

export interface ProducerView {
  /** Every TaskRun of the task succeeded (status `Succeeded`). */
  succeeded: boolean;
  results: ReadonlyMap<string, ParamValue>;
}

export type ProducerLookup = (root: 'tasks' | 'finally', task: string) => ProducerView | undefined;

export interface PipelineResultsOutcome {
  values: { name: string; value: ParamValue }[];
  /** Results that could not be computed although their producers succeeded. */
  invalid: string[];
}

function strings(v: ParamValue): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v;
  return Object.values(v);
}

type Check = 'ok' | 'silent' | 'invalid';

function checkRef(expr: string, producers: ProducerLookup): Check {
  const { segments, index } = parseExpr(expr);
  const root = segments[0];
  if ((root !== 'tasks' && root !== 'finally') || segments[2] !== 'results') return 'ok';
  const p = producers(root, segments[1] ?? '');
  if (!p) return 'invalid';
  const v = p.results.get(segments[3] ?? '');
  if (v === undefined) return p.succeeded ? 'invalid' : 'silent';
  if (segments.length > 4) {
    if (typeof v !== 'object' || Array.isArray(v) || v[segments[4] as string] === undefined) return 'invalid';
  }
  if (index !== undefined && index !== '[*]') {
    const i = Number(index.slice(1, -1));
    if (!Array.isArray(v) || !Number.isInteger(i) || i < 0 || i >= v.length) return 'invalid';
  }
  return 'ok';
}

export function resolvePipelineResults(results: readonly PipelineResult[] | undefined, producers: ProducerLookup): PipelineResultsOutcome {
  const out: PipelineResultsOutcome = { values: [], invalid: [] };
  const refs: { root: 'tasks' | 'finally'; name: string }[] = [];
  for (const r of results ?? []) {
    for (const str of strings(r.value)) {
      for (const ref of refsIn(str)) {
        const root = ref.segments[0];
        const name = ref.segments[1];
        if ((root === 'tasks' || root === 'finally') && name && !refs.some((x) => x.root === root && x.name === name)) refs.push({ root, name });
      }
    }
  }
  const table = mergeReplacements(
    ...refs.map(({ root, name }) => resultsTable([{ name, results: producers(root, name)?.results ?? new Map<string, ParamValue>() }], root)),
  );
  for (const r of results ?? []) {
    let verdict: Check = 'ok';
    for (const s of strings(r.value)) {
      for (const ref of refsIn(s)) {
        const c = checkRef(ref.expr, producers);
        if (c === 'invalid') verdict = 'invalid';
        else if (c === 'silent' && verdict === 'ok') verdict = 'silent';
      }
    }
    if (verdict === 'invalid') out.invalid.push(r.name);
    if (verdict !== 'ok') continue;
    out.values.push({ name: r.name, value: substValue(r.value, table) });
  }
  return out;
}
