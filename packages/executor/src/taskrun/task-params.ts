/**
 * Task-level param resolution and the reconciler's runtime checks on it
 * (taskrun/resources/apply.go getTaskParameters, validate_taskrun.go validateParams,
 * ValidateEnumParam, validate_params.go ValidateOutOfBoundArrayParams).
 */
import { type ParamSpec, type ParamType, type ParamValue, paramTypeOf, paramValueMismatch, type TaskSpec, taskParamValues } from '@plumbing/model';
import { addParam, newReplacements, type Replacements, valueType } from '../substitution/substitute.js';

export interface TaskFailure {
  reason: string;
  message: string;
}

/** Param type inference (param_types.go ParamSpec.SetDefaults), from @plumbing/model. */
export function paramSpecType(p: ParamSpec): ParamType {
  return paramTypeOf(p);
}

/** Whether a string is exactly one `$(...)` reference. */
function isSingleRef(v: ParamValue): boolean {
  return typeof v === 'string' && /^\$\([^()]*\)$/.test(v);
}

export interface ResolvedTaskParams {
  /** The param replacement table for the params stage. */
  replacements: Replacements;
  /** Resolved values by name (declared and propagated). */
  values: Map<string, ParamValue>;
}

/**
 * Implicit ParamSpecs for an embedded taskSpec: run params that the spec does not declare become
 * declared (propagation, §2.1), typed by their value.
 */
export function propagateParamSpecs(spec: TaskSpec, runParams: readonly { name: string; value: ParamValue }[]): ParamSpec[] {
  const declared = new Set((spec.params ?? []).map((p) => p.name));
  const out = [...(spec.params ?? [])];
  for (const p of runParams) if (!declared.has(p.name)) out.push({ name: p.name, type: valueType(p.value) });
  return out;
}

/**
 * Checks then resolves params. Returns a failure with Tekton's reason and message, or the
 * replacement table built exactly as getTaskParameters does (defaults, default references in a
 * second pass, run values overwrite, objects merge key-wise).
 */
export function resolveTaskParams(
  taskName: string,
  specs: readonly ParamSpec[],
  runParams: readonly { name: string; value: ParamValue }[],
): ResolvedTaskParams | TaskFailure {
  const run = new Map(runParams.map((p) => [p.name, p.value]));
  const wrap = (m: string): TaskFailure => ({ reason: 'TaskRunValidationFailed', message: `invalid input params for task ${taskName}: ${m}` });

  const missing = specs.filter((s) => s.default === undefined && !run.has(s.name)).map((s) => s.name);
  if (missing.length) return wrap(`missing values for these params which have no default values: [${missing.join(' ')}]`);

  const wrongType: string[] = [];
  for (const s of specs) {
    const v = run.get(s.name);
    if (v === undefined) continue;
    const t = paramSpecType(s);
    if (paramValueMismatch(t, v) !== undefined) wrongType.push(s.name);
  }
  if (wrongType.length) return wrap(`param types don't match the user-specified type: [${wrongType.join(' ')}]`);

  const missingKeys: string[] = [];
  for (const s of specs) {
    if (paramSpecType(s) !== 'object' || !s.properties) continue;
    const given = run.get(s.name);
    const def = s.default;
    const keys = Object.keys(s.properties).filter(
      (k) => !(given && typeof given === 'object' && !Array.isArray(given) && k in given) && !(def && typeof def === 'object' && !Array.isArray(def) && k in def),
    );
    if (keys.length && !(given !== undefined && isSingleRef(given))) missingKeys.push(`${s.name}:[${keys.join(' ')}]`);
  }
  if (missingKeys.length) return wrap(`missing keys for these params which are required in ParamSpec's properties map[${missingKeys.join(' ')}]`);

  for (const s of specs) {
    const v = run.get(s.name);
    if (!s.enum?.length || typeof v !== 'string') continue;
    if (!s.enum.includes(v)) return { reason: 'InvalidParamValue', message: `param \`${s.name}\` value: ${v} is not in the enum list` };
  }

  const values = taskParamValues(specs, run);
  const replacements = newReplacements();
  for (const [name, v] of values) addParam(replacements, name, v);
  return { replacements, values };
}

/**
 * `$(params.a[i])` out of bounds anywhere in the spec ⇒ TaskRunValidationFailed
 * `non-existent param references:[...]`.
 */
export function checkArrayIndexes(spec: TaskSpec, values: ReadonlyMap<string, ParamValue>): TaskFailure | undefined {
  const bad = new Set<string>();
  const text = JSON.stringify({ steps: spec.steps, stepTemplate: spec.stepTemplate, sidecars: spec.sidecars, volumes: spec.volumes, workspaces: spec.workspaces });
  const re = /\$\(params(?:\.([_a-zA-Z][_a-zA-Z0-9.-]*)|\[\\?["']([^"'\\]+)\\?["']\])\[(\d+)\]\)/g;
  for (const m of text.matchAll(re)) {
    const name = m[1] ?? m[2]!;
    const v = values.get(name);
    if (Array.isArray(v) && Number(m[3]) >= v.length) bad.add(m[0].replace(/\\"/g, '"'));
  }
  if (!bad.size) return undefined;
  return { reason: 'TaskRunValidationFailed', message: `non-existent param references:[${[...bad].sort().join(' ')}]` };
}
