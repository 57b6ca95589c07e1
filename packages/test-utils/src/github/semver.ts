// Version ordering for tag names, used where GitHub breaks ties by "higher semantic version".

interface Parsed {
  core: number[];
  pre: string[] | null;
}

function parse(tag: string): Parsed | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(tag);
  if (!m) return null;
  return {
    core: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)],
    pre: m[4] === undefined ? null : m[4].split('.'),
  };
}

function comparePre(a: string[] | null, b: string[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Compares two tag names as semantic versions; non-versions sort below versions, then by name. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) {
    for (let i = 0; i < 3; i++) {
      const d = (pa.core[i] ?? 0) - (pb.core[i] ?? 0);
      if (d !== 0) return d;
    }
    return comparePre(pa.pre, pb.pre);
  }
  if (pa || pb) return pa ? 1 : -1;
  return a === b ? 0 : a < b ? -1 : 1;
}
