import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import type { ParamType } from '../../types/tekton.js';
import { isMap, type JsonMap } from '../../yaml/values.js';

import { paramTypeOf } from '../../tekton/params.js';

export { paramTypeOf };

/** String and array param names (`task_validation.go`). */
export const PARAM_NAME = /^[_a-zA-Z][_a-zA-Z0-9.-]*$/;
/** Object param names and object keys: no dots. */
export const OBJECT_PARAM_NAME = /^[_a-zA-Z][_a-zA-Z0-9-]*$/;

/** A declared param, as the reference checks need it. */
export interface DeclaredParam {
  name: string;
  type: ParamType;
  /** Index in the declaring list. */
  index: number;
  /** Declared keys of an object param (from `properties`, else the default's keys). */
  keys: ReadonlySet<string> | undefined;
  hasDefault: boolean;
  /** String values of a valid `enum`, when declared. */
  enum: readonly string[] | undefined;
}

export interface ParamSpecOptions {
  /** The kind that declares the params: `Task`, `Pipeline`, `StepAction`, `TriggerTemplate` (Triggers' ParamSpec has only name/description/default). */
  kind: string;
  /** Report FEATURE_FLAG_REQUIRED for `enum` (default true; set false where the caller already reports it). */
  featureFlags?: boolean;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (isMap(v)) return 'object';
  return 'string';
}

function isScalarish(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}

/**
 * Validates a list of param declarations (Task, Pipeline, StepAction, TriggerTemplate `spec.params`) at `path`:
 * DUPLICATE_PARAM, INVALID_PARAM_NAME, INVALID_PARAM_TYPE, NON_STRING_SCALAR_DEFAULT, PARAM_ENUM and the enum
 * FEATURE_FLAG_REQUIRED. Returns the declared params by name (first declaration wins), whatever their validity.
 * Never throws; a missing list (`undefined`/`null`) declares nothing.
 */
export function checkParamSpecs(ctx: DocContext, specs: unknown, path: NodePath, opts: ParamSpecOptions): Map<string, DeclaredParam> {
  const out = new Map<string, DeclaredParam>();
  if (specs === undefined || specs === null) return out;
  if (!Array.isArray(specs)) {
    ctx.report('INVALID_PARAM_TYPE', path, 'params must be a list of {name, type, default} entries');
    return out;
  }
  const triggers = opts.kind === 'TriggerTemplate';
  const flags = opts.featureFlags ?? true;
  for (let i = 0; i < specs.length; i++) {
    const spec: unknown = specs[i];
    const at = [...path, i];
    if (!isMap(spec)) {
      ctx.report('INVALID_PARAM_NAME', at, `params[${i}] must be a map with a name`);
      continue;
    }
    const name = spec.name;
    if (typeof name !== 'string' || name === '') {
      ctx.report('INVALID_PARAM_NAME', name === undefined ? at : [...at, 'name'], name === undefined ? 'param without a name' : 'param name must be a non-empty string');
      continue;
    }
    const type = triggers ? 'string' : paramTypeOf(spec);
    const prev = out.get(name);
    if (prev) {
      ctx.report('DUPLICATE_PARAM', [...at, 'name'], `parameter "${name}" appears more than once (first at params[${prev.index}])`);
    }
    if (!triggers) {
      const re = type === 'object' ? OBJECT_PARAM_NAME : PARAM_NAME;
      if (!re.test(name)) {
        ctx.report('INVALID_PARAM_NAME', [...at, 'name'], `invalid ${type} param name "${name}": must match ${re.source}`, {
          hint: type === 'object' && PARAM_NAME.test(name) ? 'object param names cannot contain dots' : undefined,
        });
      }
    }
    const keys = triggers ? undefined : checkTypeAndDefault(ctx, spec, at, type, name);
    if (triggers) {
      const d = spec.default;
      if (Array.isArray(d) || isMap(d)) ctx.report('INVALID_PARAM_TYPE', [...at, 'default'], `TriggerTemplate param "${name}" default must be a string`);
    }
    checkScalarDefaults(ctx, spec.default, [...at, 'default'], name);
    const en = triggers ? undefined : checkEnum(ctx, spec, at, type, name, flags);
    if (!prev) out.set(name, { name, type, index: i, keys, hasDefault: spec.default !== undefined && spec.default !== null, enum: en });
  }
  return out;
}

/** type, properties and default/type agreement; returns the object keys. */
function checkTypeAndDefault(ctx: DocContext, spec: JsonMap, at: NodePath, type: ParamType, name: string): ReadonlySet<string> | undefined {
  const t = spec.type;
  if (t !== undefined && t !== 'string' && t !== 'array' && t !== 'object') {
    ctx.report('INVALID_PARAM_TYPE', [...at, 'type'], `invalid param type ${JSON.stringify(t)} for "${name}": must be string, array or object`);
    return undefined;
  }
  const d = spec.default;
  if (d !== undefined && d !== null && typeName(d) !== type) {
    ctx.report('INVALID_PARAM_TYPE', [...at, 'default'], `"${type}" type does not match default value's type: "${typeName(d)}" (param "${name}")`);
  }
  if (Array.isArray(d)) {
    for (let j = 0; j < d.length; j++) {
      if (Array.isArray(d[j]) || isMap(d[j])) ctx.report('INVALID_PARAM_TYPE', [...at, 'default', j], `array param "${name}" default elements must be strings`);
    }
  }
  let keys: Set<string> | undefined;
  if (type === 'object') {
    keys = new Set();
    const props = spec.properties;
    if (props === undefined || props === null) {
      ctx.report('INVALID_PARAM_TYPE', t === undefined ? [...at, 'name'] : [...at, 'type'], `object param "${name}" has no properties`, { key: t !== undefined, hint: 'declare the keys under properties: {key: {type: string}}' });
    } else if (!isMap(props)) {
      ctx.report('INVALID_PARAM_TYPE', [...at, 'properties'], `properties of param "${name}" must be a map`);
    } else {
      for (const k of Object.keys(props)) {
        keys.add(k);
        if (!OBJECT_PARAM_NAME.test(k)) ctx.report('INVALID_PARAM_NAME', [...at, 'properties', k], `invalid key "${k}" of object param "${name}": must match ${OBJECT_PARAM_NAME.source}`, { key: true });
        const p = props[k];
        const pt = isMap(p) ? p.type : undefined;
        if (p !== null && p !== undefined && !isMap(p)) ctx.report('INVALID_PARAM_TYPE', [...at, 'properties', k], `property "${k}" of param "${name}" must be a map like {type: string}`);
        else if (pt !== undefined && pt !== 'string') ctx.report('INVALID_PARAM_TYPE', [...at, 'properties', k, 'type'], `property "${k}" of param "${name}" must be of type string, not ${JSON.stringify(pt)}`);
      }
    }
    if (isMap(d)) {
      for (const [k, v] of Object.entries(d)) {
        if (props === undefined) keys.add(k);
        if (Array.isArray(v) || isMap(v)) ctx.report('INVALID_PARAM_TYPE', [...at, 'default', k], `object param "${name}" values must be strings`);
      }
    }
  }
  return keys;
}

/** Unquoted numbers and booleans (YAML types them; Tekton takes their text). */
function checkScalarDefaults(ctx: DocContext, d: unknown, at: NodePath, name: string): void {
  if (isScalarish(d)) {
    ctx.report('NON_STRING_SCALAR_DEFAULT', at, `default of param "${name}" is an unquoted ${typeof d}: Tekton reads it as the string "${String(d)}"`, { hint: `quote it: "${String(d)}"` });
  } else if (Array.isArray(d)) {
    for (let j = 0; j < d.length; j++) if (isScalarish(d[j])) ctx.report('NON_STRING_SCALAR_DEFAULT', [...at, j], `an element of param "${name}"'s default is an unquoted ${typeof d[j]}`, { hint: 'quote it' });
  } else if (isMap(d)) {
    for (const [k, v] of Object.entries(d)) if (isScalarish(v)) ctx.report('NON_STRING_SCALAR_DEFAULT', [...at, k], `key "${k}" of param "${name}"'s default is an unquoted ${typeof v}`, { hint: 'quote it' });
  }
}

function checkEnum(ctx: DocContext, spec: JsonMap, at: NodePath, type: ParamType, name: string, flags: boolean): readonly string[] | undefined {
  const en = spec.enum;
  if (en === undefined || en === null) return undefined;
  if (flags) ctx.report('FEATURE_FLAG_REQUIRED', [...at, 'enum'], `param enum is alpha: feature flag "enable-param-enum" should be set to true`, { key: true, gate: { flag: 'enable-param-enum' } });
  if (!Array.isArray(en)) {
    ctx.report('PARAM_ENUM', [...at, 'enum'], `enum of param "${name}" must be a list of strings`);
    return undefined;
  }
  if (type !== 'string') {
    ctx.report('PARAM_ENUM', [...at, 'enum'], `enum is only allowed for string params, "${name}" is ${type}`, { key: true });
    return undefined;
  }
  const seen = new Set<string>();
  for (let j = 0; j < en.length; j++) {
    const v = en[j];
    if (typeof v !== 'string' && !isScalarish(v)) {
      ctx.report('PARAM_ENUM', [...at, 'enum', j], `enum values of param "${name}" must be strings`);
      continue;
    }
    const s = String(v);
    if (seen.has(s)) ctx.report('PARAM_ENUM', [...at, 'enum', j], `duplicate enum value "${s}" in param "${name}"`);
    seen.add(s);
  }
  const d = spec.default;
  if (seen.size > 0 && (typeof d === 'string' || isScalarish(d)) && !seen.has(String(d))) {
    ctx.report('PARAM_ENUM', [...at, 'default'], `default "${String(d)}" of param "${name}" is not in the enum [${[...seen].join(', ')}]`);
  }
  return [...seen];
}

/** UNUSED_PARAM for each declared param (from checkParamSpecs) whose name is not in `used`; `path` is the params list. */
export function reportUnusedParams(ctx: DocContext, params: ReadonlyMap<string, DeclaredParam>, used: ReadonlySet<string>, path: NodePath): void {
  for (const p of params.values()) {
    if (!used.has(p.name)) ctx.report('UNUSED_PARAM', [...path, p.index, 'name'], `param "${p.name}" is declared but never used`, { hint: `remove it, or reference it as $(params.${p.name})` });
  }
}
