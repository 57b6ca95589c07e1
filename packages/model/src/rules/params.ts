import type { ParamType } from '../types/tekton.js';
import { isMap } from '../values.js';

/** Tekton's param type inference (ParamSpec.SetDefaults): type, else properties ⇒ object, else the default's type, else string. */
export function paramTypeOf(spec: unknown): ParamType {
  if (!isMap(spec)) return 'string';
  if (spec.type === 'string' || spec.type === 'array' || spec.type === 'object') return spec.type;
  if (spec.properties !== undefined) return 'object';
  if (Array.isArray(spec.default)) return 'array';
  if (isMap(spec.default)) return 'object';
  return 'string';
}
