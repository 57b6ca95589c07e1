/**
 * The variable tables of a TaskRun (§3.4): context, Tekton's in-container paths (results, step
 * results, artifacts, exit codes), workspaces, step results; result values as Tekton parses them.
 */
import { type ParamValue, valueType } from '@plumbing/model';
import { newReplacements, type Replacements } from './replacements.js';

// ---- the variable tables of a TaskRun (§3.4) -------------------------------------------------

export interface TaskRunContext {
  taskRunName: string;
  namespace: string;
  uid: string;
  /** Referenced Task name, or the TaskRun name for an embedded spec. */
  taskName: string;
  retryCount: number;
  pipelineRun?: { name: string; namespace: string; uid: string; pipelineName: string; retries?: number };
}

/** `context.*` variables available in a Task's steps. */
export function contextReplacements(ctx: TaskRunContext): Replacements {
  const r = newReplacements();
  r.strings.set('context.taskRun.name', ctx.taskRunName);
  r.strings.set('context.taskRun.namespace', ctx.namespace);
  r.strings.set('context.taskRun.uid', ctx.uid);
  r.strings.set('context.task.name', ctx.taskName);
  r.strings.set('context.task.retry-count', String(ctx.retryCount));
  return r;
}

/** Tekton's in-container paths (pkg/apis/pipeline/paths.go). */
export const TEKTON_PATHS = {
  results: '/tekton/results',
  steps: '/tekton/steps',
  run: '/tekton/run',
  home: '/tekton/home',
  scripts: '/tekton/scripts',
  artifacts: '/tekton/artifacts',
  creds: '/tekton/creds',
  workspace: '/workspace',
} as const;

/** The container name of a step: `step-<name>`, or `step-unnamed-<idx>` for an unnamed step. */
export function stepContainerName(name: string | undefined, idx: number): string {
  return name ? `step-${name}` : `step-unnamed-${idx}`;
}

/** `results.<r>.path` for every declared task result (all three spellings). */
export function resultPathReplacements(resultNames: readonly string[], root: string = TEKTON_PATHS.results): Replacements {
  const r = newReplacements();
  for (const n of resultNames) {
    const p = `${root}/${n}`;
    r.strings.set(`results.${n}.path`, p);
    r.strings.set(`results[${JSON.stringify(n)}].path`, p);
    r.strings.set(`results['${n}'].path`, p);
  }
  return r;
}

/** `step.results.<r>.path` for one step (only valid inside that step). */
export function stepResultPathReplacements(container: string, resultNames: readonly string[], stepsRoot: string = TEKTON_PATHS.steps): Replacements {
  const r = newReplacements();
  for (const n of resultNames) {
    const p = `${stepsRoot}/${container}/results/${n}`;
    r.strings.set(`step.results.${n}.path`, p);
    r.strings.set(`step.results[${JSON.stringify(n)}].path`, p);
    r.strings.set(`step.results['${n}'].path`, p);
  }
  return r;
}

/** `artifacts.path` and (per step) `step.artifacts.path`. */
export function artifactPathReplacements(container: string | undefined, artifactsRoot: string = TEKTON_PATHS.artifacts, stepsRoot: string = TEKTON_PATHS.steps): Replacements {
  const r = newReplacements();
  r.strings.set('artifacts.path', `${artifactsRoot}/provenance.json`);
  if (container !== undefined) r.strings.set('step.artifacts.path', `${stepsRoot}/${container}/artifacts/provenance.json`);
  return r;
}

/** `steps.<container>.exitCode.path` for every step container name. */
export function exitCodePathReplacements(containers: readonly string[], stepsRoot: string = TEKTON_PATHS.steps): Replacements {
  const r = newReplacements();
  for (const c of containers) r.strings.set(`steps.${c}.exitCode.path`, `${stepsRoot}/${c}/exitCode`);
  return r;
}

export interface WorkspaceVars {
  name: string;
  /** The in-step path (mountPath or /workspace/<name>), `""` when optional and unbound. */
  path: string;
  bound: boolean;
  claim: string;
  volume: string;
}

/** `workspaces.<w>.path|bound|claim|volume`. */
export function workspaceReplacements(ws: readonly WorkspaceVars[]): Replacements {
  const r = newReplacements();
  for (const w of ws) {
    r.strings.set(`workspaces.${w.name}.path`, w.path);
    r.strings.set(`workspaces.${w.name}.bound`, w.bound ? 'true' : 'false');
    r.strings.set(`workspaces.${w.name}.claim`, w.claim);
    r.strings.set(`workspaces.${w.name}.volume`, w.volume);
  }
  return r;
}

/** Parses a result file's text as Tekton does: `[...]` → string array, `{...}` → string map, else the text. */
export function parseResultValue(text: string): ParamValue {
  const t = text.trim();
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
    try {
      const v: unknown = JSON.parse(t);
      if (Array.isArray(v) && v.every((e) => typeof e === 'string')) return v as string[];
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((e) => typeof e === 'string')) return v as Record<string, string>;
    } catch {
      // not JSON: a string result
    }
  }
  return text;
}

/** The type of a param value (@plumbing/model's). */
export { valueType };
