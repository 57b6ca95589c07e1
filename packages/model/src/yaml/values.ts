/** Defensive accessors for parsed YAML values: input may have any shape. */
export type JsonMap = Record<string, unknown>;

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asMap(v: unknown): JsonMap | undefined {
  return isMap(v) ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Each element of an array that is a map, with its index. */
export function mapsOf(v: unknown): [JsonMap, number][] {
  const out: [JsonMap, number][] = [];
  if (!Array.isArray(v)) return out;
  v.forEach((e, i) => {
    if (isMap(e)) out.push([e, i]);
  });
  return out;
}

export function get(v: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = v;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isMap(cur)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

/** Calls `cb` for every string inside `v` (recursively), with its path relative to `path`. */
export function walkStrings(v: unknown, path: (string | number)[], cb: (s: string, path: (string | number)[]) => void): void {
  if (typeof v === 'string') cb(v, path);
  else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) walkStrings(v[i], [...path, i], cb);
  }
  else if (isMap(v)) for (const [k, e] of Object.entries(v)) walkStrings(e, [...path, k], cb);
}
