/**
 * Bindings and templates (tektoncd/triggers pkg/template): binding params take event values;
 * the template's params take the bindings' values or their defaults; `$(tt.params.NAME)` and
 * `$(uid)` are replaced in every resourcetemplate. generateName is kept: the store names runs.
 */
import { randomBytes } from 'node:crypto';
import { isMap, type JsonMap } from '@plumbing/model';
import { applyEventValues, type EventData } from './json-path.js';

export interface BindingParam {
  name: string;
  value: string;
}

/** The params of the bindings (in order; a later binding's param of the same name wins). */
export function resolveBindings(bindings: readonly BindingParam[], data: EventData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of bindings) out[b.name] = applyEventValues(b.value, data);
  return out;
}

function replaceDeep(v: unknown, replace: (s: string) => string): unknown {
  if (typeof v === 'string') return replace(v);
  if (Array.isArray(v)) return v.map((x) => replaceDeep(x, replace));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceDeep(x, replace)]));
  return v;
}

function uid(): string {
  return randomBytes(4).toString('hex').slice(0, 5);
}

/** Renders a TriggerTemplate spec's resourcetemplates with the bound params. */
export function renderTemplate(spec: JsonMap, bound: Record<string, string>): JsonMap[] {
  const values: Record<string, string> = {};
  for (const p of Array.isArray(spec.params) ? spec.params.filter(isMap) : []) {
    const name = String(p.name);
    if (bound[name] !== undefined) values[name] = bound[name];
    else if (typeof p.default === 'string') values[name] = p.default;
  }
  const id = uid();
  const replace = (s: string) =>
    s
      .replace(/\$\(tt\.params\.([A-Za-z0-9_.-]+)\)/g, (m, n: string) => values[n] ?? m)
      .replace(/\$\(tt\.params\[['"]([^'"]+)['"]\]\)/g, (m, n: string) => values[n] ?? m)
      .replace(/\$\(uid\)/g, id);
  const templates = Array.isArray(spec.resourcetemplates) ? spec.resourcetemplates.filter(isMap) : [];
  return templates.map((t) => replaceDeep(t, replace) as JsonMap);
}
