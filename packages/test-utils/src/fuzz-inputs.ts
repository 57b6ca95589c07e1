/**
 * Seeded mutants of YAML files for fuzzing `plumbing check`: deleted keys, swapped types,
 * anchors, aliases and merge keys, duplicate keys, invalid UTF-8, huge and deeply nested values,
 * many documents, alias bombs and binary files. The same seed gives the same bytes.
 */
export interface FuzzInput {
  /** A file name that says what was done, e.g. `0042-deep-block-map.yaml`. */
  readonly name: string;
  readonly mutation: string;
  readonly bytes: Buffer;
}

type Rng = () => number;

function rngOf(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lines = (text: string): string[] => text.split('\n');
const at = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

/** Mutations of a base file's text (or generated from scratch), by name. */
export const FUZZ_MUTATIONS: Readonly<Record<string, (base: string, rng: Rng) => string | Buffer>> = {
  'delete-line': (b, r) => {
    const ls = lines(b);
    ls.splice(Math.floor(r() * ls.length), 1 + Math.floor(r() * 3));
    return ls.join('\n');
  },
  'swap-type': (b, r) => {
    const ls = lines(b);
    const i = Math.floor(r() * ls.length);
    ls[i] = (ls[i] ?? '').replace(/:\s+\S.*$/, at(r, [': [a, b]', ': {x: 1}', ': 42', ': true', ': null', ': ~', ': "5m"']));
    return ls.join('\n');
  },
  'indent-shift': (b, r) => {
    const ls = lines(b);
    const i = Math.floor(r() * ls.length);
    ls[i] = `${' '.repeat(1 + Math.floor(r() * 3))}${ls[i]}`;
    return ls.join('\n');
  },
  'duplicate-key': (b) => b.replace(/^(kind: .*)$/m, '$1\n$1'),
  'anchors-aliases': (b) => `x-common: &common {image: alpine, name: a}\n${b.replace(/^spec:/m, 'spec:\n  <<: *common')}\nextra: *common\n`,
  'merge-keys': (b) => `${b}\n---\nbase: &b {a: 1}\nderived:\n  <<: [*b, *b]\n  c: 2\n`,
  'self-alias': () => 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: &m\n  name: x\n  self: *m\nspec: &s\n  steps:\n  - *s\n',
  'invalid-utf8': (b, r) => {
    const buf = Buffer.from(b, 'utf8');
    const i = Math.floor(r() * buf.length);
    return Buffer.concat([buf.subarray(0, i), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), buf.subarray(i)]);
  },
  'binary': (_b, r) => Buffer.from(Array.from({ length: 512 }, () => Math.floor(r() * 256))),
  'huge-string': (b) => `${b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: "${'a'.repeat(400_000)}"\n`,
  // Block maps need one more column per level: 1,000 levels are 500 KB. Sequences nest on one line.
  'deep-block-map': () => `${Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} v\n`,
  'deep-block-seq': () => `${'- '.repeat(10_000)}v\n`,
  'deep-flow': () => `${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
  'deep-flow-map': () => `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
  'alias-bomb': () => {
    const out = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) out.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    return `${out.join('\n')}\n`;
  },
  'many-documents': (b) => Array.from({ length: 300 }, () => b).join('\n---\n'),
  'many-references': () =>
    `apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: refs}\nspec:\n  steps:\n  - name: s\n    image: alpine\n    script: "${'$(params.nope) '.repeat(2_000)}"\n`,
  'many-undeclared-params': () =>
    `apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: many}\nspec:\n  params:\n${Array.from({ length: 500 }, (_, i) => `  - {name: p${i}, default: "$(params.q${i})"}`).join('\n')}\n  steps:\n  - {name: s, image: alpine, script: "true"}\n`,
  'truncate': (b, r) => b.slice(0, Math.floor(r() * b.length)),
  'tabs': (b) => b.replace(/^ {2}/gm, '\t'),
};

/** `count` mutants of the given base files (name → text), chosen and mutated by the seed. */
export function fuzzInputs(bases: Readonly<Record<string, string>>, count: number, seed = 6): FuzzInput[] {
  const rng = rngOf(seed);
  const baseNames = Object.keys(bases).sort();
  const names = Object.keys(FUZZ_MUTATIONS).sort();
  const out: FuzzInput[] = [];
  for (let i = 0; i < count; i++) {
    const mutation = names[i % names.length] as string;
    const base = bases[at(rng, baseNames)] ?? '';
    const made = (FUZZ_MUTATIONS[mutation] as (b: string, r: Rng) => string | Buffer)(base, rng);
    out.push({ name: `${String(i).padStart(4, '0')}-${mutation}.yaml`, mutation, bytes: typeof made === 'string' ? Buffer.from(made, 'utf8') : made });
  }
  return out;
}
