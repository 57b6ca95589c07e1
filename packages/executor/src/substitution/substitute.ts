/**
 * Tekton's variable substitution primitives (pkg/substitution/replacements.go and
 * pkg/reconciler/taskrun/resources/apply.go), shared by the TaskRun and PipelineRun engines.
 *
 * Semantics reproduced exactly:
 * - a single left-to-right pass over literal keys `$(<key>)` (Go's strings.Replacer): a replaced
 *   value is never rescanned within the same pass; unknown references stay verbatim;
 * - each param key is registered in the spellings `params.x`, `params["x"]`, `params['x']` and the
 *   legacy `inputs.params.x`;
 * - a whole array (`$(params.a)` or `$(params.a[*])`) splices only when it is the entire element
 *   of a list (command, args, array param values, when values); elsewhere it stays literal.
 */
import type { ParamValue, Step, StepTemplate, TaskSpec, WhenExpression } from '@plumbing/model';
import type { Replacements } from './replacements.js';

export { type Replacements, newReplacements, mergeReplacements, paramKeySpellings, addParam, paramReplacements } from './replacements.js';
export { type TaskRunContext, contextReplacements, TEKTON_PATHS, stepContainerName, resultPathReplacements, stepResultPathReplacements, artifactPathReplacements, exitCodePathReplacements, type WorkspaceVars, workspaceReplacements, parseResultValue, valueType } from './variables.js';

/**
 * One pass of Go's strings.Replacer over `$(key)` occurrences: at each `$(`, the text up to the
 * next `)` is looked up; a hit is replaced and scanning resumes after it, a miss advances by one
 * character (so `$($(params.x))` still replaces the inner reference).
 */
export function applyReplacements(s: string, strings: ReadonlyMap<string, string>): string {
  if (strings.size === 0) return s;
  let i = s.indexOf('$(');
  if (i < 0) return s;
  let out = '';
  let last = 0;
  while (i >= 0) {
    const close = s.indexOf(')', i + 2);
    if (close < 0) break;
    const v = strings.get(s.slice(i + 2, close));
    if (v !== undefined) {
      out += s.slice(last, i) + v;
      last = close + 1;
      i = s.indexOf('$(', last);
    } else {
      i = s.indexOf('$(', i + 1);
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** The whole-array / whole-object key a string consists of exactly (`$(k)` or `$(k[*])`), if any. */
function wholeRef(s: string): string | undefined {
  if (!s.startsWith('$(') || !s.endsWith(')')) return undefined;
  const inner = s.slice(2, -1);
  if (inner.includes('$(')) return undefined;
  return inner.endsWith('[*]') ? inner.slice(0, -3) : inner;
}

/**
 * ApplyArrayReplacements: an element that is exactly a whole-array reference becomes the array;
 * anything else is a one-element list with string replacements applied.
 */
export function applyArrayReplacements(s: string, r: Replacements): string[] {
  const key = wholeRef(s);
  if (key !== undefined) {
    const arr = r.arrays.get(key);
    if (arr !== undefined) return [...arr];
  }
  return [applyReplacements(s, r.strings)];
}

/** A list (command, args, array param value, when values) with array splicing. */
export function applyToList(list: readonly string[], r: Replacements): string[] {
  const out: string[] = [];
  for (const e of list) for (const v of applyArrayReplacements(e, r)) out.push(v);
  return out;
}

/**
 * A Param value: a string that is exactly one whole array/object reference takes that type
 * (param_types.go applyOrCorrect); arrays splice; object values get string replacements.
 */
export function applyToParamValue(v: ParamValue, r: Replacements): ParamValue {
  if (typeof v === 'string') {
    const key = wholeRef(v);
    if (key !== undefined) {
      const arr = r.arrays.get(key);
      if (arr !== undefined) return [...arr];
      const obj = r.objects.get(key);
      if (obj !== undefined) return { ...obj };
    }
    return applyReplacements(v, r.strings);
  }
  if (Array.isArray(v)) return applyToList(v, r);
  const out: Record<string, string> = {};
  for (const [k, e] of Object.entries(v)) out[k] = applyReplacements(e, r.strings);
  return out;
}

/** `when` input: a whole-array (or object) reference becomes its JSON encoding (applyReplacementsAsString). */
export function applyReplacementsAsString(s: string, r: Replacements): string {
  const key = wholeRef(s);
  if (key !== undefined) {
    const arr = r.arrays.get(key);
    if (arr !== undefined) return JSON.stringify(arr);
    const obj = r.objects.get(key);
    if (obj !== undefined) return JSON.stringify(obj);
  }
  return applyReplacements(s, r.strings);
}

export function applyToWhen(when: readonly WhenExpression[], r: Replacements): WhenExpression[] {
  return when.map((w) => {
    const out: WhenExpression = { ...w };
    if (w.input !== undefined) out.input = applyReplacementsAsString(w.input, r);
    if (w.values !== undefined) out.values = applyToList(w.values, r);
    if (w.cel !== undefined) out.cel = applyReplacements(w.cel, r.strings);
    return out;
  });
}

/** The container fields of a step or stepTemplate that accept substitution (docs/variables.md). */
function applyToContainer<T extends StepTemplate>(c: T, r: Replacements): T {
  const s = (v: string) => applyReplacements(v, r.strings);
  const out: T = { ...c };
  if (c.name !== undefined) out.name = s(c.name);
  if (c.image !== undefined) out.image = s(c.image);
  if (c.imagePullPolicy !== undefined) out.imagePullPolicy = s(c.imagePullPolicy);
  if (c.command !== undefined) out.command = applyToList(c.command, r);
  if (c.args !== undefined) out.args = applyToList(c.args, r);
  if (c.workingDir !== undefined) out.workingDir = s(c.workingDir);
  if (c.env !== undefined) {
    out.env = c.env.map((e) => {
      const n = { ...e };
      if (e.value !== undefined) n.value = s(e.value);
      if (e.valueFrom) {
        const vf = { ...e.valueFrom };
        if (vf.secretKeyRef) vf.secretKeyRef = { ...vf.secretKeyRef, name: s(vf.secretKeyRef.name), key: s(vf.secretKeyRef.key) };
        if (vf.configMapKeyRef) vf.configMapKeyRef = { ...vf.configMapKeyRef, name: s(vf.configMapKeyRef.name), key: s(vf.configMapKeyRef.key) };
        n.valueFrom = vf;
      }
      return n;
    });
  }
  if (c.envFrom !== undefined) {
    out.envFrom = c.envFrom.map((e) => {
      const n = { ...e };
      if (e.secretRef) n.secretRef = { name: s(e.secretRef.name) };
      if (e.configMapRef) n.configMapRef = { name: s(e.configMapRef.name) };
      if (e.prefix !== undefined) n.prefix = s(e.prefix);
      return n;
    });
  }
  if (c.volumeMounts !== undefined) {
    out.volumeMounts = c.volumeMounts.map((m) => {
      const n = { ...m, name: s(m.name), mountPath: s(m.mountPath) };
      if (m.subPath !== undefined) n.subPath = s(m.subPath);
      return n;
    });
  }
  return out;
}

/** ApplyStepReplacements: every substitutable field of a step. */
export function applyToStep(step: Step, r: Replacements): Step {
  const out = applyToContainer(step, r);
  const s = (v: string) => applyReplacements(v, r.strings);
  if (step.script !== undefined) out.script = s(step.script);
  if (step.onError !== undefined) out.onError = s(step.onError) as NonNullable<Step['onError']>;
  if (step.timeout !== undefined) out.timeout = s(step.timeout);
  if (step.stdoutConfig?.path !== undefined) out.stdoutConfig = { ...step.stdoutConfig, path: s(step.stdoutConfig.path) };
  if (step.stderrConfig?.path !== undefined) out.stderrConfig = { ...step.stderrConfig, path: s(step.stderrConfig.path) };
  if (step.when !== undefined) out.when = applyToWhen(step.when, r);
  if (step.workspaces !== undefined) out.workspaces = step.workspaces.map((w) => (w.mountPath === undefined ? w : { ...w, mountPath: s(w.mountPath) }));
  if (step.params !== undefined) out.params = step.params.map((p) => ({ name: p.name, value: applyToParamValue(p.value, r) }));
  if (step.ref?.params !== undefined) out.ref = { ...step.ref, params: step.ref.params.map((p) => ({ name: p.name, value: applyToParamValue(p.value, r) })) };
  return out;
}

/** ApplyReplacements on a TaskSpec: steps, stepTemplate, sidecars, volumes, workspace mountPaths. */
export function applyToTaskSpec(spec: TaskSpec, r: Replacements): TaskSpec {
  const out: TaskSpec = { ...spec };
  if (spec.steps) out.steps = spec.steps.map((st) => applyToStep(st, r));
  if (spec.stepTemplate) out.stepTemplate = applyToContainer(spec.stepTemplate, r);
  if (spec.sidecars) {
    out.sidecars = spec.sidecars.map((sc) => {
      const n = applyToContainer(sc, r);
      if (sc.script !== undefined) n.script = applyReplacements(sc.script, r.strings);
      return n;
    });
  }
  if (spec.volumes) out.volumes = spec.volumes.map((v) => replaceDeepStrings(v, r.strings));
  if (spec.workspaces) {
    out.workspaces = spec.workspaces.map((w) => (w.mountPath === undefined ? w : { ...w, mountPath: applyReplacements(w.mountPath, r.strings) }));
  }
  return out;
}

/** String replacements on every string inside a plain JSON-like value. */
export function replaceDeepStrings<T>(v: T, strings: ReadonlyMap<string, string>): T {
  if (typeof v === 'string') return applyReplacements(v, strings) as T;
  if (Array.isArray(v)) return v.map((e) => replaceDeepStrings(e, strings)) as T;
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) out[k] = replaceDeepStrings(e, strings);
    return out as T;
  }
  return v;
}

// ---- webhook checks on array references (container_validation.go) ----------------------------

export interface ArrayRefProblem {
  kind: 'not-isolated' | 'type-invalid';
  /** The offending string. */
  value: string;
  /** Tekton's message. */
  message: string;
}

/**
 * The "isolated" rule for one command/args element: a whole-array reference (`$(params.a)` or
 * `$(params.a[*])`) must be the entire element.
 */
export function checkIsolated(element: string, arrayKeys: ReadonlySet<string>): ArrayRefProblem | undefined {
  const whole = wholeRef(element);
  if (whole !== undefined && arrayKeys.has(whole)) return undefined;
  if (wholeArrayKeysIn(element, arrayKeys).next().done) return undefined;
  return { kind: 'not-isolated', value: element, message: `variable is not properly isolated in "${element}"` };
}

/** A whole-array/object reference where only strings are allowed (script, env, image, name, workingDir). */
export function checkNoWholeRef(value: string, wholeKeys: ReadonlySet<string>): ArrayRefProblem | undefined {
  if (wholeArrayKeysIn(value, wholeKeys).next().done) return undefined;
  return { kind: 'type-invalid', value, message: `variable type invalid in "${value}"` };
}

function* wholeArrayKeysIn(s: string, keys: ReadonlySet<string>): Generator<string> {
  let i = s.indexOf('$(');
  while (i >= 0) {
    const close = s.indexOf(')', i + 2);
    if (close < 0) return;
    const inner = s.slice(i + 2, close);
    const key = inner.endsWith('[*]') ? inner.slice(0, -3) : inner;
    if (keys.has(key)) yield key;
    i = s.indexOf('$(', i + 1);
  }
}
