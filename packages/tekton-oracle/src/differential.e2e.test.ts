import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from './compare.js';
import { compareSamples, disagreementClass, repositoryTektonFiles, type Sample } from './differential.js';
import { TektonOracle } from './oracle.js';
import { generateVariants } from './variants.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const KNOWN_FILE = fileURLToPath(new URL('../test/known-differences.json', import.meta.url));
/** Disagreements we know of, by class, each with the reason it is not fixed (or is deliberate). */
const KNOWN = JSON.parse(readFileSync(KNOWN_FILE, 'utf8')) as Record<string, string>;

describe('plumbing check against Tekton itself (the oracle)', () => {
  let oracle: TektonOracle;
  beforeAll(async () => {
    oracle = await TektonOracle.start();
  });
  afterAll(async () => {
    await oracle.close();
  });

  // test/known-differences.json lists every class of disagreement with its reason. After a change
  // to check or to the variants, run once with PLUMBING_ORACLE_WRITE_KNOWN=1: it rewrites the list
  // (a new class gets a TODO with an example; $TMPDIR/plumbing-oracle-differences.json holds one
  // full example per class), then give each new class its reason or fix check.
  it('reports a Tekton-family error exactly where Tekton refuses, on every repository document and 2,000 seeded variants, but for the known differences', async () => {
    const files = repositoryTektonFiles(REPO_ROOT);
    const originals: Sample[] = files.map((f) => ({ id: f.file, mutation: 'original', yaml: f.text }));
    const variants = generateVariants(
      files.flatMap((f) => f.bases),
      2000,
    );
    expect(variants.length).toBeGreaterThanOrEqual(2000);
    const results = await compareSamples([...originals, ...variants.map((v) => ({ id: v.id, mutation: v.mutation, yaml: v.yaml }))], oracle);

    const observed = new Map<string, string>();
    const examples = new Map<string, { sample: Sample; doc: unknown }>();
    for (const { sample, doc } of results) {
      if (doc.agreement === 'agree-accept' || doc.agreement === 'agree-refuse') continue;
      const key = disagreementClass(sample, doc);
      if (!observed.has(key)) observed.set(key, `${sample.id}: ${doc.oracle?.message ?? 'Tekton accepts'}`);
      if (!examples.has(key)) examples.set(key, { sample, doc });
    }
    const summary = summarize(results.map((r) => r.doc));
    process.stderr.write(`oracle agreement: ${JSON.stringify(summary)}\n`);
    if (process.env.PLUMBING_ORACLE_WRITE_KNOWN) {
      const next = Object.fromEntries([...observed.keys()].sort().map((k) => [k, KNOWN[k] ?? `TODO (example ${observed.get(k)})`]));
      writeFileSync(KNOWN_FILE, `${JSON.stringify(next, null, 2)}\n`);
      // One full example per class (the YAML, Tekton's answer, check's codes), to give each its reason.
      writeFileSync(join(tmpdir(), 'plumbing-oracle-differences.json'), `${JSON.stringify(Object.fromEntries(examples), null, 2)}\n`);
    }
    // Exact: a new disagreement fails, and so does a listed one that no longer happens.
    expect([...observed.keys()].sort()).toEqual(Object.keys(KNOWN).sort());
    // Every variant came back with an answer for each of its documents.
    expect(results.length).toBeGreaterThanOrEqual(originals.length + variants.length);
  });
});
