import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import { isMap } from '../../yaml/values.js';

/** The field types of this project's own config kinds (Cluster, Release). */
export type Field = 'string' | 'boolean' | 'number' | 'list' | 'map';

function typeOk(v: unknown, t: Field): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string' && v !== '';
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0;
    case 'list':
      return Array.isArray(v);
    case 'map':
      return isMap(v);
  }
}

const EXPECTED: Record<Field, string> = { string: 'a non-empty string', boolean: 'a boolean', number: 'a non-negative number', list: 'a list', map: 'a map' };

/** Reports missing required fields, fields of the wrong type, and unknown fields (a typo must not be silently ignored). */
export function checkFields(ctx: DocContext, obj: Record<string, unknown>, path: NodePath, known: Record<string, Field>, required: readonly string[] = []): void {
  for (const r of required) if (obj[r] === undefined) ctx.report('CONFIG_INVALID', path, `missing field ${r}`, { key: true });
  for (const [k, v] of Object.entries(obj)) {
    const t = known[k];
    if (!t) ctx.report('CONFIG_INVALID', [...path, k], `unknown field ${k}`, { key: true, hint: `known fields: ${Object.keys(known).join(', ')}` });
    else if (!typeOk(v, t)) ctx.report('CONFIG_INVALID', [...path, k], `${k} must be ${EXPECTED[t]}`);
  }
}
