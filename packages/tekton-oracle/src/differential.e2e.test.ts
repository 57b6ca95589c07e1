import { readFileSync, writeFileSync } from 'node:fs';
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

  // Skipped: never run yet (the oracle's first build did not finish before the deadline), so
  // test/known-differences.json is still empty. Run once with PLUMBING_ORACLE_WRITE_KNOWN=1,
  // give every listed class its reason, then un-skip.
  it.skip('reports a Tekton-family error exactly where Tekton refuses, on every repository document and 2,000 seeded variants, but for the known differences', async () => {
    const files = repositoryTektonFiles(REPO_ROOT);
    const originals: Sample[] = files.map((f) => ({ id: f.file, mutation: 'original', yaml: f.text }));
    const variants = generateVariants(
      files.flatMap((f) => f.bases),
      2000,
    );
    expect(variants.length).toBeGreaterThanOrEqual(2000);
    const results = await compareSamples([...originals, ...variants.map((v) => ({ id: v.id, mutation: v.mutation, yaml: v.yaml }))], oracle);

    const observed = new Map<string, string>();
    for (const { sample, doc } of results) {
      if (doc.agreement === 'agree-accept' || doc.agreement === 'agree-refuse') continue;
      const key = disagreementClass(sample, doc);
      if (!observed.has(key)) observed.set(key, `${sample.id}: ${doc.oracle?.message ?? 'Tekton accepts'}`);
    }
    const summary = summarize(results.map((r) => r.doc));
    process.stderr.write(`oracle agreement: ${JSON.stringify(summary)}\n`);
    if (process.env.PLUMBING_ORACLE_WRITE_KNOWN) {
      const next = Object.fromEntries([...observed.keys()].sort().map((k) => [k, KNOWN[k] ?? `TODO (example ${observed.get(k)})`]));
      writeFileSync(KNOWN_FILE, `${JSON.stringify(next, null, 2)}\n`);
    }
    // Exact: a new disagreement fails, and so does a listed one that no longer happens.
    expect([...observed.keys()].sort()).toEqual(Object.keys(KNOWN).sort());
    // Every variant came back with an answer for each of its documents.
    expect(results.length).toBeGreaterThanOrEqual(originals.length + variants.length);
  });
});
