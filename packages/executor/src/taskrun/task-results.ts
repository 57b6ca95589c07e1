/**
 * Task and step results: reading the files a step wrote, parsing them per declared type
 * (status.go filterResults), the size rules (§5.1) and validateTaskRunResults.
 */
import { readFile } from 'node:fs/promises';
import type { ParamValue, StepResult, TaskResult } from '@plumbing/model';
import type { ExecOptions, TaskRunResultValue } from '../contracts.js';
import { parseResultValue, valueType } from '../substitution/substitute.js';
import type { TaskFailure } from './task-params.js';

/** Tekton's `max-result-size` default and termination-message limit. */
export const MAX_RESULT_SIZE = 4096;

export type ResultsFrom = 'termination-message' | 'sidecar-logs';

/** How results leave a step (Tekton's `results-from` and `max-result-size`): the feature flags first, then the options. */
export function resultsMode(opts: Pick<ExecOptions, 'featureFlags' | 'resultsFrom' | 'maxResultSize'>): { resultsFrom: ResultsFrom; maxResultSize: number } {
  const f = opts.featureFlags;
  return { resultsFrom: f?.resultsFrom ?? opts.resultsFrom ?? 'termination-message', maxResultSize: f?.maxResultSize ?? opts.maxResultSize ?? MAX_RESULT_SIZE };
}

export function declaredType(r: TaskResult | StepResult): 'string' | 'array' | 'object' {
  return r.type ?? (r.properties ? 'object' : 'string');
}

/** Reads the declared result files that exist in `dir` (name → raw text). */
export async function readResultFiles(dir: string, names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    names.map(async (n) => {
      try {
        out.set(n, await readFile(`${dir}/${n}`, 'utf8'));
      } catch {
        // not written: no result
      }
    }),
  );
  return out;
}

/** A raw value as Tekton stores it: declared string ⇒ text; array/object ⇒ parsed if it parses, else text. */
export function parseDeclared(type: 'string' | 'array' | 'object', raw: string): ParamValue {
  return type === 'string' ? raw : parseResultValue(raw);
}

/**
 * Size of the termination message the step wrapper would write for these results
 * (JSON array of {key, value, type}, plus the StartedAt entry).
 */
export function terminationMessageSize(results: readonly { key: string; value: string }[], startedAt: string): number {
  const entries = results.map((r) => ({ key: r.key, value: r.value, type: 1 }));
  entries.push({ key: 'StartedAt', value: startedAt, type: 3 });
  return Buffer.byteLength(JSON.stringify(entries));
}

/** validateTaskRunResults: declared type vs parsed type, object keys. */
export function validateResults(declared: readonly TaskResult[], results: readonly TaskRunResultValue[]): TaskFailure | undefined {
  const byName = new Map(declared.map((d) => [d.name, d]));
  const mismatches: string[] = [];
  const missingKeys: string[] = [];
  for (const r of results) {
    const d = byName.get(r.name);
    if (!d) continue;
    const want = declaredType(d);
    const got = valueType(r.value);
    if (want !== got) {
      mismatches.push(`"${r.name}": task result is expected to be "${want}" type but was initialized to a different type "${got}"`);
      continue;
    }
    if (want === 'object' && d.properties) {
      const v = r.value as Record<string, string>;
      const miss = Object.keys(d.properties).filter((k) => !(k in v));
      if (miss.length) missingKeys.push(`${r.name}:[${miss.join(' ')}]`);
    }
  }
  if (mismatches.length) {
    return {
      reason: 'TaskRunValidationFailed',
      message: `Provided results don't match declared results; may be invalid JSON or missing result declaration: ${mismatches.join(', ')}`,
    };
  }
  if (missingKeys.length) {
    return { reason: 'TaskRunValidationFailed', message: `missing keys for these results which are required in TaskResult's properties map[${missingKeys.join(' ')}]` };
  }
  return undefined;
}
