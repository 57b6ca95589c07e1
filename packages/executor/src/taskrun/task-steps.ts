/**
 * Step preparation: StepAction inlining (taskrun/resources/taskspec.go resolveStepRef and
 * apply.go applyStepActionParameters) and the stepTemplate merge (merge.go).
 */
import { type EnvVar, type ParamSpec, type ParamValue, type Step, type StepActionSpec, type StepTemplate, stepActionParamValues, type VolumeMount } from '@plumbing/model';
import { addParam, applyToParamValue, applyToStep, newReplacements, type Replacements, valueType } from '../substitution/substitute.js';
import { paramSpecType, type TaskFailure } from './task-params.js';

export type StepActionLookup = (name: string) => { name: string; spec: StepActionSpec } | undefined;

/**
 * A StepAction param whose value is one whole step-result reference keeps pointing at that result
 * (apply.go replacementsFromStepResults), by the param's declared type: a string param is the
 * reference; an array param's `[*]` is the result's `[*]` and each `[i]` used in command, args or
 * env is the result's `[i]`; an object param's `.<key>` (declared properties) is the result's `.<key>`.
 */
function addRefParam(r: Replacements, spec: ParamSpec | undefined, name: string, ref: string, type: 'string' | 'array' | 'object', texts: readonly string[]): void {
  const m = /^\$\(steps\.([^.]+)\.results\.([^.[)]+)/.exec(ref);
  const result = m ? `steps.${m[1]}.results.${m[2]}` : ref.slice(2, -1);
  const spellings = [`params.${name}`, `params[${JSON.stringify(name)}]`, `params['${name}']`];
  // the param's value itself, as replacementsFromParams gives it (a string)
  for (const key of spellings) r.strings.set(key, ref);
  if (type === 'object') {
    for (const k of Object.keys(spec?.properties ?? {})) r.strings.set(`params.${name}.${k}`, `$(${result}.${k})`);
  } else if (type === 'array') {
    for (const key of spellings) r.strings.set(`${key}[*]`, `$(${result}[*])`);
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`\\$\\((params\\.${esc}|params\\["${esc}"\\]|params\\['${esc}'\\])\\[(\\d+)\\]\\)`, 'g');
    for (const t of texts) for (const x of t.matchAll(re)) r.strings.set(`${x[1]}[${x[2]}]`, `$(${result}[${x[2]}])`);
  }
}

/**
 * The StepAction's params table: plain defaults, then step-provided values (objects merge
 * key-wise), then defaults that reference other params (recursively, cycle ⇒ error).
 */
export function stepActionReplacements(specs: readonly ParamSpec[], given: readonly { name: string; value: ParamValue }[], texts: readonly string[] = []): Replacements | TaskFailure {
  const res = stepActionParamValues(specs, given);
  if (!res.ok) return { reason: 'TaskValidationFailed', message: `circular dependency detected in parameter references: ${res.cycle}` };
  const { values, provided } = res;
  const r = newReplacements();
  const declared = new Map(specs.map((s) => [s.name, paramSpecType(s)]));
  for (const [name, v] of values) {
    const t = declared.get(name) ?? valueType(v);
    if (typeof v === 'string' && /^\$\(steps\.[^()]*\)$/.test(v) && provided.has(name)) addRefParam(r, specs.find((s) => s.name === name), name, v, t, texts);
    else addParam(r, name, v);
  }
  // replacementsFromDefaultParams: an object default's keys stay in the table when the step gives a
  // value of another type (examples/v1/taskruns/stepaction-params.yaml: a string for an object param)
  for (const s of specs) {
    const d = s.default;
    const v = values.get(s.name);
    if (d && typeof d === 'object' && !Array.isArray(d) && !(v && typeof v === 'object' && !Array.isArray(v))) {
      for (const [k, x] of Object.entries(d)) if (!r.strings.has(`params.${s.name}.${k}`)) r.strings.set(`params.${s.name}.${k}`, x);
    }
  }
  return r;
}

/**
 * Replaces every `ref` step by the resolved StepAction, its params substituted (task params
 * first reach the step's `params` values).
 */
export function inlineStepActions(steps: readonly Step[], lookup: StepActionLookup | undefined, taskParams: Replacements): Step[] | TaskFailure {
  const out: Step[] = [];
  for (const step of steps) {
    if (!step.ref) {
      out.push(step);
      continue;
    }
    const name = step.ref.name ?? '';
    const sa = lookup?.(name);
    if (!sa) {
      const why = step.ref.resolver ? `remote resolution (${step.ref.resolver}) is not supported locally` : 'not found';
      return { reason: 'TaskRunResolutionFailed', message: `failed to get StepAction "${name}": ${why}` };
    }
    const given = (step.params ?? []).map((p) => ({ name: p.name, value: applyToParamValue(p.value, taskParams) }));
    const declared = new Set((sa.spec.params ?? []).map((p) => p.name));
    const extra = given.filter((g) => !declared.has(g.name)).map((g) => g.name);
    if (extra.length) return { reason: 'TaskValidationFailed', message: `extra params passed by Step to StepAction: [${extra.join(' ')}]` };
    const givenNames = new Set(given.map((g) => g.name));
    const missing = (sa.spec.params ?? []).filter((p) => p.default === undefined && !givenNames.has(p.name)).map((p) => p.name);
    if (missing.length) return { reason: 'TaskValidationFailed', message: `non-existent params in Step: [${missing.join(' ')}]` };
    const texts = [...(sa.spec.command ?? []), ...(sa.spec.args ?? []), ...(sa.spec.env ?? []).map((e) => e.value ?? '')];
    const r = stepActionReplacements(sa.spec.params ?? [], given, texts);
    if ('reason' in r) return r;
    const { ref: _ref, params: _params, ...rest } = step;
    const fromAction: Step = {};
    const sp = sa.spec;
    if (sp.image !== undefined) fromAction.image = sp.image;
    if (sp.command !== undefined) fromAction.command = sp.command;
    if (sp.args !== undefined) fromAction.args = sp.args;
    if (sp.script !== undefined) fromAction.script = sp.script;
    if (sp.env !== undefined) fromAction.env = sp.env;
    if (sp.workingDir !== undefined) fromAction.workingDir = sp.workingDir;
    if (sp.volumeMounts !== undefined) fromAction.volumeMounts = sp.volumeMounts;
    if (sp.securityContext !== undefined) fromAction.securityContext = sp.securityContext;
    if (sp.results !== undefined) fromAction.results = sp.results;
    out.push({ ...rest, ...applyToStep(fromAction, r) });
  }
  return out;
}

function mergeByKey<T>(base: readonly T[] | undefined, over: readonly T[] | undefined, key: (t: T) => string): T[] | undefined {
  if (!base?.length) return over ? [...over] : undefined;
  if (!over?.length) return [...base];
  const overKeys = new Map(over.map((o) => [key(o), o]));
  const out = base.map((b) => overKeys.get(key(b)) ?? b);
  const baseKeys = new Set(base.map(key));
  for (const o of over) if (!baseKeys.has(key(o))) out.push(o);
  return out;
}

/** Strategic merge of a step onto the stepTemplate: step scalars win, env by name, volumeMounts by mountPath. */
export function mergeStepTemplate(template: StepTemplate | undefined, step: Step): Step {
  if (!template) return step;
  const out: Step = { ...(template as Step), ...step };
  const env = mergeByKey<EnvVar>(template.env, step.env, (e) => e.name);
  if (env) out.env = env;
  const vm = mergeByKey<VolumeMount>(template.volumeMounts, step.volumeMounts, (m) => m.mountPath);
  if (vm) out.volumeMounts = vm;
  return out;
}
