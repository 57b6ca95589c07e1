/**
 * Param types, written once (tektoncd/pipeline `param_types.go`): the type a value has, the
 * type a declaration has (ParamSpec.SetDefaults), and whether a value fits a declared type.
 */
import type { ParamType } from '../types/tekton.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The type of a value: a list is an array, a map an object, anything else a string. */
export function valueType(v: unknown): ParamType {
  if (Array.isArray(v)) return 'array';
  return isObject(v) ? 'object' : 'string';
}

/** A declaration's type (ParamSpec.SetDefaults): `type`, else `properties` ⇒ object, else its default's type, else string. */
export function paramTypeOf(spec: unknown): ParamType {
  if (!isObject(spec)) return 'string';
  if (spec.type === 'string' || spec.type === 'array' || spec.type === 'object') return spec.type;
  if (spec.properties !== undefined) return 'object';
  return spec.default === undefined || spec.default === null ? 'string' : valueType(spec.default);
}

/** Tekton's VariableSubstitutionRegex: a string holding one may stand for an array or object (issue #4879). */
const VARIABLE_SUBSTITUTION = /\$\([_a-zA-Z0-9.-]+(\.[_a-zA-Z0-9.-]+)*(\[([0-9]+|\*)\])?\)/;

/**
 * Why `value` does not fit a param of `type`, or undefined when it does (validate_params.go
 * ValidateParamTypesMatching). A string holding a `$(...)` reference fits any type.
 */
export function paramValueMismatch(type: ParamType, value: unknown): string | undefined {
  const got = valueType(value);
  if (got === type) return undefined;
  if (typeof value === 'string' && VARIABLE_SUBSTITUTION.test(value)) return undefined;
  return `a ${type} param given ${got === 'array' ? 'an array' : got === 'object' ? 'an object' : 'a string'}`;
}
